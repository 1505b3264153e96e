//! The kernel's one error type. `web` maps it to an HTTP status and the
//! Chinese message; the CLI prints the message and exits non-zero.

use crate::calendar::CalendarError;
use crate::clock::ClockError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Input refused at the edge; the message is shown to the user as is.
    #[error("{message}")]
    Invalid { code: &'static str, message: String },
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    /// The actor may not do this (not their turn, not their task).
    #[error("{0}")]
    Forbidden(String),
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    #[error(transparent)]
    Clock(#[from] ClockError),
    #[error("数据库错误：{0}")]
    Db(#[from] sqlx::Error),
    #[error("文件读写错误：{0}")]
    Io(#[from] std::io::Error),
    #[error("审计日志校验失败：{0}")]
    AuditBroken(String),
    #[error("密钥错误：{0}")]
    Key(String),
    #[error("内部错误：{0}")]
    Internal(String),
}

impl Error {
    pub fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        Error::Invalid {
            code,
            message: message.into(),
        }
    }

    /// Stable machine code for JSON errors (`{"error": code, ...}`).
    pub fn code(&self) -> &'static str {
        match self {
            Error::Invalid { code, .. } => code,
            Error::NotFound(_) => "not_found",
            Error::Conflict(_) => "conflict",
            Error::Forbidden(_) => "forbidden",
            Error::Calendar(_) => "invalid_calendar",
            Error::Clock(_) => "invalid_clock",
            Error::Db(_) => "database_error",
            Error::Io(_) => "io_error",
            Error::AuditBroken(_) => "audit_broken",
            Error::Key(_) => "key_error",
            Error::Internal(_) => "internal_error",
        }
    }

    /// True when the fault is the caller's input, not the system.
    pub fn is_client_error(&self) -> bool {
        matches!(
            self,
            Error::Invalid { .. }
                | Error::NotFound(_)
                | Error::Conflict(_)
                | Error::Forbidden(_)
                | Error::Calendar(_)
                | Error::Clock(_)
        )
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
