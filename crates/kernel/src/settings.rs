//! The settings table: one text value a key (`module.name`). Modules keep
//! their own keys and validation; this is the one way to read and write a
//! key, so a write is the same on SQLite and PostgreSQL.

use time::OffsetDateTime;

use crate::db::{WriteTx, query};
use crate::read::{self, Val};
use crate::timefmt::rfc3339;
use crate::{Kernel, Result};

/// The value of `key`, if set (in-thread on SQLite).
pub async fn get(k: &Kernel, key: &str) -> Result<Option<String>> {
    let rows = read::rows(
        &k.db,
        "SELECT value FROM settings WHERE key = ?",
        &[Val::Text(key.to_string())],
    )
    .await?;
    rows.into_iter()
        .next()
        .and_then(|mut r| r.first_mut().map(Val::text))
        .transpose()
}

/// Sets `key` to `value` in the caller's transaction (which also writes
/// the audit entry of the change, and commits).
pub async fn put_in(tx: &mut WriteTx, now: OffsetDateTime, key: &str, value: &str) -> Result<()> {
    let be = tx.backend();
    query(be, "DELETE FROM settings WHERE key = ?")
        .bind(key.to_string())
        .execute(tx.conn())
        .await?;
    query(
        be,
        "INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)",
    )
    .bind(key.to_string())
    .bind(value.to_string())
    .bind(rfc3339(now))
    .execute(tx.conn())
    .await?;
    Ok(())
}
