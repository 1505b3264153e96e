//! 三重一大 collective decisions (RULES.md §5): topics with their
//! submission forms, meetings under the agency's 议事规则, attendance,
//! votes, minutes, publicity, archive and follow-up.

pub mod meeting;
pub mod minutes;
pub mod model;
pub mod routes;
pub mod rules;
pub mod store;
pub mod topic;

use yangguang_kernel::migrate::Migration;

pub use yangguang_kernel::{Error, Result};

pub const MIGRATIONS: &[Migration] = &[Migration {
    module: "decisions",
    version: 1,
    name: "procedures, topics, meetings, votes, minutes, publicity, follow-up",
    sql: include_str!("../migrations/0001_decisions.sql"),
}];
