//! 网上会办 (RULES.md §6): incoming and outgoing 公文, tasks and inboxes,
//! opinions, co-signing, 核稿, 签发 along the matrix, A/B posts, 催办.

pub mod rules;

pub use yangguang_kernel::{Error, Result};
