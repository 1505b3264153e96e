//! Shared store helpers: small row readers, display names.

use std::collections::HashMap;

use sqlx::Row;
use yangguang_kernel::db::query;
use yangguang_kernel::{Error, Kernel, Result};

pub(crate) fn get_i64(r: &sqlx::any::AnyRow, i: usize) -> Result<i64> {
    Ok(r.try_get::<i64, _>(i)?)
}

pub(crate) fn get_opt_i64(r: &sqlx::any::AnyRow, i: usize) -> Result<Option<i64>> {
    Ok(r.try_get::<Option<i64>, _>(i)?)
}

pub(crate) fn get_s(r: &sqlx::any::AnyRow, i: usize) -> Result<String> {
    Ok(r.try_get::<String, _>(i)?)
}

pub(crate) fn get_opt_s(r: &sqlx::any::AnyRow, i: usize) -> Result<Option<String>> {
    Ok(r.try_get::<Option<String>, _>(i)?)
}

/// Display names of all users, for pages and minutes.
pub async fn display_names(k: &Kernel) -> Result<HashMap<String, String>> {
    let rows = query(k.db.backend(), "SELECT username, display_name FROM users")
        .fetch_all(k.db.pool())
        .await?;
    rows.iter()
        .map(|r| Ok((get_s(r, 0)?, get_s(r, 1)?)))
        .collect()
}

/// The display name of `user`, or the user name when unknown.
pub fn name_of(names: &HashMap<String, String>, user: &str) -> String {
    names.get(user).cloned().unwrap_or_else(|| user.to_string())
}

pub(crate) fn conflict(msg: impl Into<String>) -> Error {
    Error::Conflict(msg.into())
}
