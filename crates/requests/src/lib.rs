//! 依申请公开 (on-request disclosure): applications and their statutory
//! clock, consultations, supplements, extensions, fees, replies with
//! letters, review and litigation records, statistics and the annual
//! report (RULES.md §1, §3, §4).

pub mod annual;
pub mod cases;
pub mod fees;
pub mod model;
pub mod outcome;
pub mod output;
pub mod reply;
pub mod report;
pub mod routes;
pub mod rules;
pub mod settings;
pub mod stats;
pub mod store;
pub mod sweeper;

use yangguang_kernel::migrate::Migration;

pub const MIGRATIONS: &[Migration] = &[
    Migration {
        module: "requests",
        version: 1,
        name: "applications, pauses, consultations, timeline, replies, cases, annual reports",
        sql: include_str!("../migrations/0001_requests.sql"),
    },
    Migration {
        module: "requests",
        version: 2,
        name: "follow-page failure counts shared by every node",
        sql: include_str!("../migrations/0002_follow_failures.sql"),
    },
    Migration {
        module: "requests",
        version: 3,
        name: "follow failures move to the kernel's table",
        sql: include_str!("../migrations/0003_drop_follow_failures.sql"),
    },
];
