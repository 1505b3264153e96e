//! One set of SQL for SQLite and PostgreSQL through sqlx's `Any` driver.
//!
//! Queries are written once with `?` placeholders; for PostgreSQL they are
//! rewritten to `$1, $2, …`. Values are limited to what `Any` carries
//! (integers, floats, text, bytes): dates are ISO text (`YYYY-MM-DD`),
//! instants RFC 3339 UTC text, which sort correctly on both databases.

use std::borrow::Cow;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use sqlx::any::{AnyArguments, AnyConnectOptions, AnyPoolOptions};
use sqlx::query::{Query, QueryAs, QueryScalar};
use sqlx::{Any, AnyPool, AssertSqlSafe, Executor};
use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A handle on the database: cheap to clone.
#[derive(Clone)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
    /// Serialises write transactions on SQLite, which has one writer anyway;
    /// this keeps the audit chain's head consistent without busy retries.
    write_lock: Arc<Mutex<()>>,
    url: String,
    /// Audited commits made through this handle and its clones: a cheap
    /// way for this process to notice its own writes.
    commits: Arc<AtomicU64>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db")
            .field("backend", &self.backend)
            .finish()
    }
}

pub type Tx = sqlx::Transaction<'static, Any>;

/// A write transaction. Dropping it without `commit` rolls back.
pub struct WriteTx {
    pub tx: Tx,
    backend: Backend,
    /// The audit chain's new head, written outside the database once the
    /// transaction has committed.
    pub(crate) pending_head: Option<crate::audit::PendingHead>,
    commits: Arc<AtomicU64>,
    _guard: OwnedMutexGuard<()>,
}

impl WriteTx {
    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn conn(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.tx
    }

    pub async fn commit(self) -> Result<()> {
        self.tx.commit().await?;
        if let Some(head) = self.pending_head {
            head.write()?;
            self.commits.fetch_add(1, Ordering::Release);
        }
        Ok(())
    }
}

impl Db {
    /// Connects to `sqlite://path` or `postgres://…`; SQLite files are
    /// created when missing and run in WAL mode with `synchronous=FULL`: a
    /// commit is on disk before it is acknowledged, power loss included
    /// (`YANGGUANG_SQLITE_SYNCHRONOUS=NORMAL` trades that for speed: a
    /// commit then survives a crash of the process, not of the machine).
    pub async fn connect(url: &str) -> Result<Db> {
        let durable = !std::env::var("YANGGUANG_SQLITE_SYNCHRONOUS")
            .is_ok_and(|v| v.eq_ignore_ascii_case("normal"));
        Db::connect_with(url, durable).await
    }

    /// As `connect`; `durable: false` runs SQLite with `synchronous=NORMAL`
    /// (throw-away databases: tests).
    pub async fn connect_with(url: &str, durable: bool) -> Result<Db> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(Error::invalid(
                "invalid_database_url",
                format!("不支持的数据库地址“{url}”：应以 sqlite: 或 postgres:// 开头"),
            ));
        };
        let opts = AnyConnectOptions::from_str(url)
            .map_err(|e| Error::invalid("invalid_database_url", format!("数据库地址无效：{e}")))?;
        let pool = match backend {
            Backend::Sqlite => {
                AnyPoolOptions::new()
                    .max_connections(8)
                    .after_connect(move |conn, _| {
                        Box::pin(async move {
                            conn.execute(if durable {
                                "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=10000; \
                                 PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL;"
                            } else {
                                "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=10000; \
                                 PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;"
                            })
                            .await?;
                            Ok(())
                        })
                    })
                    .connect_with(opts)
                    .await?
            }
            Backend::Postgres => {
                AnyPoolOptions::new()
                    .max_connections(16)
                    .connect_with(opts)
                    .await?
            }
        };
        Ok(Db {
            pool,
            backend,
            write_lock: Arc::new(Mutex::new(())),
            url: url.to_string(),
            commits: Arc::new(AtomicU64::new(0)),
        })
    }

    /// The SQLite URL for a data directory's database file.
    pub fn sqlite_url(path: &std::path::Path) -> String {
        format!("sqlite://{}?mode=rwc", path.display())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// How many audited transactions this handle (and its clones) has
    /// committed: changes when this process writes.
    pub fn audited_commits(&self) -> u64 {
        self.commits.load(Ordering::Acquire)
    }

    /// Starts a write transaction (`BEGIN IMMEDIATE` on SQLite, so a
    /// reader that later writes cannot hit a stale snapshot).
    pub async fn begin(&self) -> Result<WriteTx> {
        let guard = self.write_lock.clone().lock_owned().await;
        let tx = match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        };
        Ok(WriteTx {
            tx,
            backend: self.backend,
            pending_head: None,
            commits: self.commits.clone(),
            _guard: guard,
        })
    }

    /// Starts a read-only snapshot (for backups and reports).
    pub async fn begin_read(&self) -> Result<Tx> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin().await?,
            Backend::Postgres => {
                self.pool
                    .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    .await?
            }
        })
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Rewrites `?` placeholders to `$n` for PostgreSQL, skipping quoted text.
pub fn rewrite_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut n = 0;
    let mut quote: Option<char> = None;
    for c in sql.chars() {
        match quote {
            Some(q) => {
                if c == q {
                    quote = None;
                }
                out.push(c);
            }
            None => match c {
                '\'' | '"' => {
                    quote = Some(c);
                    out.push(c);
                }
                '?' => {
                    n += 1;
                    out.push('$');
                    out.push_str(&n.to_string());
                }
                _ => out.push(c),
            },
        }
    }
    out
}

fn sql_for(backend: Backend, sql: &'static str) -> AssertSqlSafe<Cow<'static, str>> {
    match backend {
        Backend::Sqlite => AssertSqlSafe(Cow::Borrowed(sql)),
        Backend::Postgres => AssertSqlSafe(Cow::Owned(rewrite_placeholders(sql))),
    }
}

/// Builds a query for the backend (`?` placeholders).
pub fn query(backend: Backend, sql: &'static str) -> Query<'static, Any, AnyArguments> {
    sqlx::query(sql_for(backend, sql))
}

pub fn query_as<O>(backend: Backend, sql: &'static str) -> QueryAs<'static, Any, O, AnyArguments>
where
    O: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow>,
{
    sqlx::query_as(sql_for(backend, sql))
}

pub fn query_scalar<O>(
    backend: Backend,
    sql: &'static str,
) -> QueryScalar<'static, Any, O, AnyArguments>
where
    (O,): for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow>,
{
    sqlx::query_scalar(sql_for(backend, sql))
}

/// Dynamic SQL (table names from a fixed list, never user input).
pub fn query_dyn(backend: Backend, sql: String) -> Query<'static, Any, AnyArguments> {
    let sql = match backend {
        Backend::Sqlite => sql,
        Backend::Postgres => rewrite_placeholders(&sql),
    };
    sqlx::query(AssertSqlSafe(sql))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_for_postgres_outside_quotes() {
        assert_eq!(
            rewrite_placeholders("SELECT a FROM t WHERE b = ? AND c = '?' AND d = ?"),
            "SELECT a FROM t WHERE b = $1 AND c = '?' AND d = $2"
        );
    }
}
