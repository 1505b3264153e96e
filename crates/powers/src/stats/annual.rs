//! The yearly decision counts of table 二: recounted into the kernel's
//! figures (which the annual report reads), and the figures the office
//! enters for powers run outside the system.

use std::collections::BTreeMap;

use sqlx::Row;
use time::{Date, OffsetDateTime};
use yangguang_kernel::audit::{self, Actor};
use yangguang_kernel::db::{Backend, WriteTx, query};
use yangguang_kernel::figures::{self, Decisions};
use yangguang_kernel::timefmt::rfc3339;
use yangguang_kernel::{Error, Kernel, Result};

use super::MODULE;

/// Decisions the system took in `year`, by kind: licensing and penalty
/// cases by their kind, 行政强制 by the item's category.
async fn count_decided(
    conn: &mut sqlx::AnyConnection,
    be: Backend,
    year: i32,
) -> Result<BTreeMap<Decisions, i64>> {
    let rows = query(
        be,
        "SELECT c.kind, i.category, COUNT(*) FROM power_cases c JOIN power_items i ON i.id = c.item_id \
         WHERE c.decided_year = ? GROUP BY c.kind, i.category",
    )
    .bind(i64::from(year))
    .fetch_all(&mut *conn)
    .await?;
    let mut out: BTreeMap<Decisions, i64> = Decisions::ALL.iter().map(|d| (*d, 0)).collect();
    for r in rows {
        let kind: String = r.try_get(0)?;
        let category: String = r.try_get(1)?;
        let d = match (kind.as_str(), category.as_str()) {
            ("licensing", _) => Decisions::Licensing,
            ("penalty", _) => Decisions::Penalty,
            (_, "coercion") => Decisions::Coercion,
            _ => continue,
        };
        *out.entry(d).or_default() += r.try_get::<i64, _>(2)?;
    }
    Ok(out)
}

/// Decisions the system took in `year` (live, for this module's pages).
pub async fn decided_in(k: &Kernel, year: i32) -> Result<BTreeMap<Decisions, i64>> {
    let mut conn = k.db.pool().acquire().await?;
    count_decided(&mut conn, k.db.backend(), year).await
}

/// Recounts `year`'s decisions into the kernel's figures, in the caller's
/// transaction: call it in the transaction that records a decision. The
/// figures are locked first, so concurrent recounts cannot lose a case.
pub async fn refresh_annual_in(
    tx: &mut WriteTx,
    now: OffsetDateTime,
    year: i32,
) -> Result<BTreeMap<Decisions, i64>> {
    for d in Decisions::ALL {
        figures::lock_in(tx, now, year, d.system_key(), MODULE).await?;
    }
    let be = tx.backend();
    let counts = count_decided(tx.conn(), be, year).await?;
    for (d, n) in &counts {
        figures::put_in(tx, now, year, d.system_key(), *n, MODULE).await?;
    }
    Ok(counts)
}

/// [`refresh_annual_in`] in its own transaction (the sweep, the CLI, a
/// repair after a restore).
pub async fn refresh_annual(
    k: &Kernel,
    now: OffsetDateTime,
    year: i32,
) -> Result<BTreeMap<Decisions, i64>> {
    let mut tx = k.db.begin().await?;
    let counts = refresh_annual_in(&mut tx, now, year).await?;
    tx.commit().await?;
    Ok(counts)
}

/// A figure the office entered for powers run outside the system.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entered {
    pub year: i32,
    pub kind: Decisions,
    pub count: i64,
    pub note: String,
    pub entered_by: String,
    pub entered_at: String,
}

/// An entered figure, checked at the edge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewEntered {
    pub year: i32,
    pub kind: Decisions,
    pub count: i64,
    pub note: String,
}

/// Most decisions one agency could enter for a year.
pub const MAX_ENTERED: i64 = 10_000_000;

/// The form's fields → an entered figure, or the Chinese reason why not.
pub fn parse_entered(
    year: &str,
    kind: &str,
    count: &str,
    note: &str,
    today: Date,
) -> Result<NewEntered> {
    let clip = |s: &str| yangguang_kernel::text::clip(s.trim(), 20);
    let year: i32 = year
        .trim()
        .parse()
        .ok()
        .filter(|y| (2000..=today.year()).contains(y))
        .ok_or_else(|| {
            Error::invalid(
                "invalid_year",
                format!("年度“{}”无效：应为 2000 至 {} 年", clip(year), today.year()),
            )
        })?;
    let kind = Decisions::parse(kind).ok_or_else(|| {
        Error::invalid("invalid_kind", "请选择类别：行政许可、行政处罚或行政强制")
    })?;
    let count: i64 = count
        .trim()
        .parse()
        .ok()
        .filter(|n| (0..=MAX_ENTERED).contains(n))
        .ok_or_else(|| {
            Error::invalid(
                "invalid_count",
                format!("决定数量“{}”无效：应为不小于0的整数", clip(count)),
            )
        })?;
    let note = yangguang_kernel::text::optional("填报说明", note, 200)?.unwrap_or_default();
    Ok(NewEntered {
        year,
        kind,
        count,
        note,
    })
}

/// Saves an entered figure (replacing that year's figure of that kind),
/// its kernel figure for the annual report and its audit entry in one
/// transaction.
pub async fn save_entered(
    k: &Kernel,
    now: OffsetDateTime,
    actor: &Actor,
    e: &NewEntered,
) -> Result<()> {
    let mut tx = k.db.begin().await?;
    let be = tx.backend();
    query(
        be,
        "INSERT INTO power_entered_counts (year, kind, count, note, entered_by, entered_at) VALUES (?, ?, ?, ?, ?, ?) \
         ON CONFLICT (year, kind) DO UPDATE SET count = excluded.count, note = excluded.note, \
         entered_by = excluded.entered_by, entered_at = excluded.entered_at",
    )
    .bind(i64::from(e.year))
    .bind(e.kind.code())
    .bind(e.count)
    .bind(e.note.clone())
    .bind(actor.user.clone())
    .bind(rfc3339(now))
    .execute(tx.conn())
    .await?;
    figures::put_in(&mut tx, now, e.year, e.kind.entered_key(), e.count, MODULE).await?;
    audit::success(
        &mut tx,
        &k.keys,
        now,
        actor,
        "powers.entered_count",
        &format!("power_entered:{}:{}", e.year, e.kind.code()),
        serde_json::json!({"year": e.year, "kind": e.kind.code(), "count": e.count, "note": e.note}),
    )
    .await?;
    tx.commit().await
}

/// The figures entered for `year`.
pub async fn entered(k: &Kernel, year: i32) -> Result<Vec<Entered>> {
    let rows = query(
        k.db.backend(),
        "SELECT kind, count, note, entered_by, entered_at FROM power_entered_counts WHERE year = ?",
    )
    .bind(i64::from(year))
    .fetch_all(k.db.pool())
    .await?;
    let mut out = Vec::new();
    for r in &rows {
        let Some(kind) = Decisions::parse(&r.try_get::<String, _>(0)?) else {
            continue;
        };
        out.push(Entered {
            year,
            kind,
            count: r.try_get(1)?,
            note: r.try_get(2)?,
            entered_by: r.try_get(3)?,
            entered_at: r.try_get(4)?,
        });
    }
    out.sort_by_key(|e| e.kind);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn an_entered_figure_is_a_whole_number_not_below_zero_for_a_past_or_current_year() {
        let today = date!(2026 - 12 - 07);
        let ok = parse_entered("2026", "licensing", " 12 ", "窗口纸质办理", today).ok();
        assert_eq!(
            ok,
            Some(NewEntered {
                year: 2026,
                kind: Decisions::Licensing,
                count: 12,
                note: "窗口纸质办理".into()
            })
        );
        assert_eq!(
            parse_entered("2025", "行政强制", "0", "", today)
                .map(|e| e.kind)
                .ok(),
            Some(Decisions::Coercion)
        );
        for (year, kind, count, says) in [
            ("2026", "licensing", "-1", "不小于0的整数"),
            ("2026", "licensing", "1.5", "不小于0的整数"),
            ("2026", "licensing", "", "不小于0的整数"),
            ("2027", "licensing", "1", "2000 至 2026 年"),
            ("abc", "licensing", "1", "年度“abc”无效"),
            ("2026", "levy", "1", "请选择类别"),
        ] {
            let e = parse_entered(year, kind, count, "", today)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(e.contains(says), "{year} {kind} {count}: {e}");
        }
    }
}
