//! 主动公开 (proactive disclosure): items with the catalog metadata of
//! 条例 Art 12, the publishing pipeline with its confidentiality review,
//! published versions, withdrawal and ending, the guide, and the public
//! portal pages.

pub mod attach;
pub mod cache;
pub mod draft;
pub mod guide;
pub mod import;
pub mod indexer;
pub mod listing;
pub mod model;
pub mod public;
pub mod routes;
pub mod rules;
pub mod settings;
pub mod store;
pub mod text;
pub mod view;

use yangguang_kernel::migrate::Migration;

/// This module's errors are the kernel's (input, not found, conflict,
/// storage): one mapping to HTTP in webcore serves every module.
pub use yangguang_kernel::Error as DisclosureError;

pub const MIGRATIONS: &[Migration] = &[
    Migration {
        module: "disclosure",
        version: 1,
        name: "categories, items, versions, steps, attachments, guide",
        sql: include_str!("../migrations/0001_disclosure.sql"),
    },
    Migration {
        module: "disclosure",
        version: 2,
        name: "index on interpretations",
        sql: include_str!("../migrations/0002_interprets_index.sql"),
    },
    Migration {
        module: "disclosure",
        version: 3,
        name: "interpretation link per published version",
        sql: include_str!("../migrations/0003_version_interprets.sql"),
    },
    Migration {
        module: "disclosure",
        version: 4,
        name: "title index for links from other modules",
        sql: include_str!("../migrations/0004_title_index.sql"),
    },
];
