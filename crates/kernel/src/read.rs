//! Short reads for hot public pages. On SQLite they run on a read-only
//! connection owned by the calling thread: a statement by primary key then
//! costs microseconds, where the pool's hop to its worker thread costs ~90
//! µs (docs/benchmarks.md). On PostgreSQL they go through the pool as usual.
//!
//! Only for reads that touch a handful of rows through an index: they run
//! inline on the async worker thread.

use std::cell::RefCell;

use sqlx::Row;

use crate::db::{Backend, Db, query_dyn};
use crate::{Error, Result};

/// A column value as the reads return it.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Null,
    Int(i64),
    Text(String),
}

impl Val {
    pub fn int(&self) -> Result<i64> {
        match self {
            Val::Int(n) => Ok(*n),
            other => Err(Error::Internal(format!(
                "expected an integer, got {other:?}"
            ))),
        }
    }

    pub fn opt_int(&self) -> Result<Option<i64>> {
        match self {
            Val::Null => Ok(None),
            v => v.int().map(Some),
        }
    }

    /// The text, taken out of the row.
    pub fn text(&mut self) -> Result<String> {
        match std::mem::replace(self, Val::Null) {
            Val::Text(s) => Ok(s),
            other => Err(Error::Internal(format!("expected text, got {other:?}"))),
        }
    }

    pub fn opt_text(&mut self) -> Result<Option<String>> {
        match self {
            Val::Null => Ok(None),
            v => v.text().map(Some),
        }
    }
}

/// How many databases one thread keeps a connection to (tests open many).
const CONNS_PER_THREAD: usize = 4;

thread_local! {
    static CONNS: RefCell<Vec<(String, rusqlite::Connection)>> = const { RefCell::new(Vec::new()) };
}

/// The file behind a SQLite URL (`None` for in-memory databases).
fn sqlite_path(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && !path.contains(":memory:")).then(|| path.to_string())
}

fn open(path: &str) -> rusqlite::Result<rusqlite::Connection> {
    use rusqlite::OpenFlags;
    let c = rusqlite::Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI,
    )?;
    c.execute_batch(
        "PRAGMA query_only=ON; PRAGMA busy_timeout=10000; PRAGMA mmap_size=68719476736;",
    )?;
    c.set_prepared_statement_cache_capacity(64);
    Ok(c)
}

/// The rows of one statement on this thread's connection to `path`. One
/// statement is one snapshot: a page that needs several kinds of rows
/// reads them with `UNION ALL`, without `BEGIN` and `COMMIT` round trips.
fn sqlite_rows(path: &str, sql: &str, params: &[Val]) -> rusqlite::Result<Vec<Vec<Val>>> {
    CONNS.with(|cell| {
        let mut conns = cell.borrow_mut();
        let i = match conns.iter().position(|(p, _)| p == path) {
            Some(i) => i,
            None => {
                if conns.len() >= CONNS_PER_THREAD {
                    conns.remove(0);
                }
                conns.push((path.to_string(), open(path)?));
                conns.len() - 1
            }
        };
        statement_rows(&conns[i].1, sql, params)
    })
}

fn statement_rows(
    conn: &rusqlite::Connection,
    sql: &str,
    params: &[Val],
) -> rusqlite::Result<Vec<Vec<Val>>> {
    let mut st = conn.prepare_cached(sql)?;
    let n = st.column_count();
    let bound = params.iter().map(|p| match p {
        Val::Null => rusqlite::types::Value::Null,
        Val::Int(i) => rusqlite::types::Value::Integer(*i),
        Val::Text(s) => rusqlite::types::Value::Text(s.clone()),
    });
    let mut rows = st.query(rusqlite::params_from_iter(bound))?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let mut row = Vec::with_capacity(n);
        for c in 0..n {
            use rusqlite::types::ValueRef;
            row.push(match r.get_ref(c)? {
                ValueRef::Null => Val::Null,
                ValueRef::Integer(i) => Val::Int(i),
                ValueRef::Real(f) => Val::Text(f.to_string()),
                // Bodies are kilobytes of Chinese text: the SIMD check is
                // several times faster than `str::from_utf8` on them.
                ValueRef::Text(t) | ValueRef::Blob(t) => {
                    Val::Text(match simdutf8::basic::from_utf8(t) {
                        Ok(s) => s.to_string(),
                        Err(_) => String::from_utf8_lossy(t).into_owned(),
                    })
                }
            });
        }
        out.push(row);
    }
    Ok(out)
}

fn any_val(r: &sqlx::any::AnyRow, i: usize) -> Result<Val> {
    if let Ok(v) = r.try_get::<Option<i64>, _>(i) {
        return Ok(v.map(Val::Int).unwrap_or(Val::Null));
    }
    let v: Option<String> = r.try_get(i)?;
    Ok(v.map(Val::Text).unwrap_or(Val::Null))
}

/// The rows of one statement (SQL with `?` placeholders, and its
/// parameters): on SQLite read in this thread, elsewhere through the pool.
pub async fn rows(db: &Db, sql: &str, params: &[Val]) -> Result<Vec<Vec<Val>>> {
    if db.backend() == Backend::Sqlite
        && let Some(path) = sqlite_path(db.url())
    {
        return sqlite_rows(&path, sql, params).map_err(|e| Error::Internal(format!("read: {e}")));
    }
    let mut q = query_dyn(db.backend(), sql.to_string());
    for p in params {
        q = match p {
            Val::Null => q.bind(None::<String>),
            Val::Int(i) => q.bind(*i),
            Val::Text(s) => q.bind(s.clone()),
        };
    }
    q.fetch_all(db.pool())
        .await?
        .iter()
        .map(|r| (0..r.len()).map(|i| any_val(r, i)).collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_file_databases_are_read_in_thread() {
        assert_eq!(
            sqlite_path("sqlite:///tmp/a/yangguang.db?mode=rwc").as_deref(),
            Some("/tmp/a/yangguang.db")
        );
        assert_eq!(sqlite_path("sqlite:data.db").as_deref(), Some("data.db"));
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(sqlite_path("postgres://x/y"), None);
    }
}
