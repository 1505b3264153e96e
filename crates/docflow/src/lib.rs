//! 网上会办 (RULES.md §6): incoming and outgoing 公文, tasks and inboxes,
//! opinions, co-signing, 核稿, 签发 along the matrix, A/B posts, 催办.

pub mod acts;
pub mod docacts;
mod engine;
pub mod inbox;
pub mod incoming;
pub mod model;
pub mod outgoing;
pub mod paths;
mod release;
pub mod routes;
pub mod rules;
pub mod search;
pub mod store;
pub mod sweeper;
pub mod who;

use yangguang_kernel::migrate::Migration;

pub use yangguang_kernel::{Error, Result};

pub const MIGRATIONS: &[Migration] = &[
    Migration {
        module: "docflow",
        version: 1,
        name: "signing paths, documents, versions, tasks, files, amendments",
        sql: include_str!("../migrations/0001_docflow.sql"),
    },
    Migration {
        module: "docflow",
        version: 2,
        name: "task indexes for the inbox and the sweep",
        sql: include_str!("../migrations/0002_task_indexes.sql"),
    },
];
