//! 网上会办 (RULES.md §6): incoming and outgoing 公文, tasks and inboxes,
//! opinions, co-signing, 核稿, 签发 along the matrix, A/B posts, 催办.

pub mod acts;
pub mod docacts;
mod engine;
pub mod inbox;
pub mod incoming;
pub mod model;
pub mod outgoing;
mod release;
pub mod rules;
pub mod store;
pub mod who;

use yangguang_kernel::migrate::Migration;

pub use yangguang_kernel::{Error, Result};

pub const MIGRATIONS: &[Migration] = &[Migration {
    module: "docflow",
    version: 1,
    name: "signing paths, documents, versions, tasks, files, amendments",
    sql: include_str!("../migrations/0001_docflow.sql"),
}];
