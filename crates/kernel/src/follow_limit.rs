//! Rate limit on following a case from outside (an application, a 办件):
//! wrong number/code pairs are counted per case number (and per client behind a proxy); over
//! the limit, every attempt gets the same refusal as a wrong pair. The
//! counts are rows in the database, so every node of a deployment sees
//! the same ones: N nodes do not give N times the tries.
//!
//! The counters are security state, not records the law keeps: a window
//! starts again after `WINDOW`, and a wrong pair is not an audit entry (an
//! anonymous caller could otherwise grow the audit log at will).

use crate::db::query;
use crate::timefmt::{parse_rfc3339, rfc3339};
use crate::{Kernel, Result};
use sqlx::Row;
use time::{Duration, OffsetDateTime};

/// Failures allowed per application number in a window.
pub const PER_NUMBER: i64 = 5;
/// Failures allowed per client in a window.
pub const PER_CLIENT: i64 = 20;
pub const WINDOW: Duration = Duration::minutes(15);
/// Without a proxy header there is no client to tell apart; the limit per
/// number alone keeps a 40-bit code out of reach (5 tries per 15 minutes).
pub const NO_CLIENT: &str = "direct";

/// Whether a window that started at `start` still counts at `now`.
pub fn in_window(start: OffsetDateTime, now: OffsetDateTime) -> bool {
    now - start < WINDOW
}

/// Whether `failures` counted since `start` still allow another try.
pub fn allows(failures: i64, start: OffsetDateTime, now: OffsetDateTime, limit: i64) -> bool {
    !in_window(start, now) || failures < limit
}

fn number_key(app_no: &str) -> String {
    format!("n:{}", app_no.trim().to_ascii_uppercase())
}

fn client_key(client: &str) -> String {
    format!("c:{client}")
}

/// The keys a failure counts against, each with its limit.
fn keys(client: &str, app_no: &str) -> Vec<(String, i64)> {
    let mut k = vec![(number_key(app_no), PER_NUMBER)];
    if client != NO_CLIENT {
        k.push((client_key(client), PER_CLIENT));
    }
    k
}

/// Whether `client` may try a code for `app_no` now: both counts in one
/// read (the number's key twice when there is no client to count).
pub async fn allowed(k: &Kernel, client: &str, app_no: &str, now: OffsetDateTime) -> Result<bool> {
    let keys = keys(client, app_no);
    let last = &keys[keys.len() - 1].0;
    let rows = query(
        k.db.backend(),
        "SELECT key, failures, window_start FROM follow_failures WHERE key IN (?, ?)",
    )
    .bind(&keys[0].0)
    .bind(last)
    .fetch_all(k.db.pool())
    .await?;
    for r in &rows {
        let key: String = r.try_get(0)?;
        let failures: i64 = r.try_get(1)?;
        let start = parse_rfc3339(&r.try_get::<String, _>(2)?)?;
        let limit = keys
            .iter()
            .find(|(k, _)| *k == key)
            .map_or(PER_NUMBER, |(_, l)| *l);
        if !allows(failures, start, now, limit) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Counts a wrong pair against the number and the client, in one
/// statement per key: two nodes counting at once both count.
pub async fn failed(k: &Kernel, client: &str, app_no: &str, now: OffsetDateTime) -> Result<()> {
    let mut tx = k.db.begin().await?;
    let (at, expired) = (rfc3339(now), rfc3339(now - WINDOW));
    for (key, _) in keys(client, app_no) {
        query(
            tx.backend(),
            "INSERT INTO follow_failures (key, failures, window_start) VALUES (?, 1, ?) \
             ON CONFLICT (key) DO UPDATE SET \
             failures = CASE WHEN follow_failures.window_start <= ? THEN 1 \
                        ELSE follow_failures.failures + 1 END, \
             window_start = CASE WHEN follow_failures.window_start <= ? THEN excluded.window_start \
                        ELSE follow_failures.window_start END",
        )
        .bind(&key)
        .bind(&at)
        .bind(&expired)
        .bind(&expired)
        .execute(tx.conn())
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const T0: OffsetDateTime = datetime!(2026-11-26 09:00 UTC);

    #[test]
    fn a_window_lasts_fifteen_minutes() {
        assert!(in_window(
            T0,
            T0 + Duration::minutes(14) + Duration::seconds(59)
        ));
        assert!(!in_window(T0, T0 + Duration::minutes(15)));
    }

    #[test]
    fn five_failures_on_a_number_stop_it_until_the_window_ends() {
        assert!(allows(PER_NUMBER - 1, T0, T0, PER_NUMBER));
        assert!(!allows(
            PER_NUMBER,
            T0,
            T0 + Duration::minutes(1),
            PER_NUMBER
        ));
        assert!(allows(PER_NUMBER, T0, T0 + WINDOW, PER_NUMBER));
    }

    #[test]
    fn a_client_without_a_proxy_header_is_counted_by_number_only() {
        assert_eq!(
            keys(NO_CLIENT, " ysq-2099-000001 "),
            vec![("n:YSQ-2099-000001".to_string(), PER_NUMBER)]
        );
        assert_eq!(
            keys("10.0.0.7", "YSQ-2099-000001"),
            vec![
                ("n:YSQ-2099-000001".to_string(), PER_NUMBER),
                ("c:10.0.0.7".to_string(), PER_CLIENT)
            ]
        );
    }
}
