//! 权力清单 (RULES.md §7): power items with their versions and service
//! guides, the process definitions their cases run (drawn as the public
//! flowchart), licensing and penalty cases, public case tracking.

pub mod case;
pub mod case_store;
pub mod fields;
pub mod listing;
pub mod model;
pub mod process_store;
pub mod release;
pub mod routes;
pub mod rules;
pub mod seed;
pub mod settings;
pub mod sheet;
pub mod stats;
pub mod store;
pub mod sweeper;
pub mod who;
pub mod xlsx;

use yangguang_kernel::migrate::Migration;

pub use yangguang_kernel::{Error, Result};

pub const MIGRATIONS: &[Migration] = &[
    Migration {
        module: "powers",
        version: 1,
        name: "power items and versions, process definitions",
        sql: include_str!("../migrations/0001_powers.sql"),
    },
    Migration {
        module: "powers",
        version: 2,
        name: "cases, their steps and owners, entered annual figures",
        sql: include_str!("../migrations/0002_cases.sql"),
    },
    Migration {
        module: "powers",
        version: 3,
        name: "the list's revision for each node's cached copy",
        sql: include_str!("../migrations/0003_list_rev.sql"),
    },
    Migration {
        module: "powers",
        version: 4,
        name: "each item's revision, for reloading only what changed",
        sql: include_str!("../migrations/0004_item_rev.sql"),
    },
];
