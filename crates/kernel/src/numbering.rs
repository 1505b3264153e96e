//! Yearly sequences (索引号, 文号, minutes, application numbers): taken
//! inside the caller's transaction, never reused, gap-free per scope/year.

use crate::Result;
use crate::db::{WriteTx, query, query_scalar};

/// The next number of `scope` in `year`, starting at 1.
pub async fn next(tx: &mut WriteTx, scope: &str, year: i32) -> Result<i64> {
    let be = tx.backend();
    let n = query(
        be,
        "UPDATE sequences SET value = value + 1 WHERE scope = ? AND year = ?",
    )
    .bind(scope.to_string())
    .bind(i64::from(year))
    .execute(tx.conn())
    .await?
    .rows_affected();
    if n == 0 {
        query(
            be,
            "INSERT INTO sequences (scope, year, value) VALUES (?, ?, 1)",
        )
        .bind(scope.to_string())
        .bind(i64::from(year))
        .execute(tx.conn())
        .await?;
        return Ok(1);
    }
    Ok(query_scalar(
        be,
        "SELECT value FROM sequences WHERE scope = ? AND year = ?",
    )
    .bind(scope.to_string())
    .bind(i64::from(year))
    .fetch_one(tx.conn())
    .await?)
}

/// 发文字号 (GB/T 9704-2012): prefix + 〔full year〕 + number + 号, no
/// leading zeros, no 第. `苏安监办〔2008〕38号`.
pub fn doc_no(prefix: &str, year: i32, n: i64) -> String {
    format!("{prefix}〔{year}〕{n}号")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_number_follows_gb_t_9704_without_leading_zeros() {
        assert_eq!(doc_no("苏安监办", 2008, 38), "苏安监办〔2008〕38号");
        assert_eq!(doc_no("苏安监", 2026, 7), "苏安监〔2026〕7号");
    }
}
