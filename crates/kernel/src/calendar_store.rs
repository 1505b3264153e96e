//! The calendar in the database: imported years (each replaces the
//! built-in arrangement of that year) and agencies' local days off.

use sqlx::Row;
use time::OffsetDateTime;

use crate::Kernel;
use crate::audit::{self, Actor, Event, Outcome};
use crate::calendar::{Calendar, DayKind, SpecialDay, parse_csv};
use crate::db::{Db, query, query_scalar};
use crate::text::required;
use crate::timefmt::{fmt_date, parse_date, rfc3339};
use crate::{Error, Result};

fn kind_code(k: &DayKind) -> &'static str {
    match k {
        DayKind::Holiday => "holiday",
        DayKind::Workday => "workday",
    }
}

/// Built-in arrangement, then imported years, then local days off.
pub async fn load(db: &Db) -> Result<Calendar> {
    let be = db.backend();
    let mut cal = Calendar::builtin();
    let rows = query(
        be,
        "SELECT day, kind, festival FROM calendar_days ORDER BY day",
    )
    .fetch_all(db.pool())
    .await?;
    let mut days = Vec::with_capacity(rows.len());
    for r in &rows {
        let day: String = r.try_get(0)?;
        let kind: String = r.try_get(1)?;
        days.push(SpecialDay {
            date: parse_date(&day)?,
            kind: if kind == "workday" {
                DayKind::Workday
            } else {
                DayKind::Holiday
            },
            festival: r.try_get(2)?,
        });
    }
    if !days.is_empty() {
        cal.import(days);
    }
    let rows = query(be, "SELECT day, reason FROM local_days_off ORDER BY day")
        .fetch_all(db.pool())
        .await?;
    for r in &rows {
        let day: String = r.try_get(0)?;
        cal.add_local_day_off(parse_date(&day)?, r.try_get(1)?);
    }
    Ok(cal)
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    pub years: Vec<i32>,
    pub holidays: usize,
    pub workdays: usize,
    /// Stored clocks whose due date or provisional flag changed.
    pub clocks_recomputed: usize,
}

/// Imports an arrangement CSV (`date,kind,festival`); each year in the
/// file replaces that year's arrangement. Stored clocks are recomputed in
/// the same transaction, so no deadline silently shifts.
pub async fn import_csv(
    k: &Kernel,
    actor: &Actor,
    now: OffsetDateTime,
    source: &str,
    text: &str,
) -> Result<Imported> {
    let days = parse_csv(text)?;
    let mut years: Vec<i32> = days.iter().map(|d| d.date.year()).collect();
    years.sort_unstable();
    years.dedup();
    let holidays = days.iter().filter(|d| d.kind == DayKind::Holiday).count();
    let workdays = days.len() - holidays;
    let mut cal = k.calendar();
    cal.import(days.clone());
    let be = k.db.backend();
    let mut tx = k.db.begin().await?;
    for y in &years {
        query(be, "DELETE FROM calendar_days WHERE year = ?")
            .bind(i64::from(*y))
            .execute(tx.conn())
            .await?;
        query(be, "DELETE FROM calendar_years WHERE year = ?")
            .bind(i64::from(*y))
            .execute(tx.conn())
            .await?;
        query(
            be,
            "INSERT INTO calendar_years (year, source, imported_at) VALUES (?, ?, ?)",
        )
        .bind(i64::from(*y))
        .bind(source.to_string())
        .bind(rfc3339(now))
        .execute(tx.conn())
        .await?;
    }
    for d in &days {
        query(
            be,
            "INSERT INTO calendar_days (day, year, kind, festival, imported_at) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(fmt_date(d.date))
        .bind(i64::from(d.date.year()))
        .bind(kind_code(&d.kind))
        .bind(d.festival.clone())
        .bind(rfc3339(now))
        .execute(tx.conn())
        .await?;
    }
    let changed = crate::clocks::recompute_all(&mut tx, &cal).await?;
    audit::append(
        &mut tx,
        &k.keys,
        now,
        Event {
            actor,
            event_type: "calendar.import",
            object: &format!(
                "calendar:{}",
                years
                    .iter()
                    .map(|y| y.to_string())
                    .collect::<Vec<_>>()
                    .join(",")
            ),
            outcome: Outcome::Success,
            detail: serde_json::json!({
                "source": source, "holidays": holidays, "workdays": workdays,
                "clocks_recomputed": changed,
            }),
        },
    )
    .await?;
    tx.commit().await?;
    k.replace_calendar(cal);
    Ok(Imported {
        years,
        holidays,
        workdays,
        clocks_recomputed: changed,
    })
}

/// An agency's own extra day off (e.g. a local festival).
pub async fn add_local_day_off(
    k: &Kernel,
    actor: &Actor,
    now: OffsetDateTime,
    agency_code: &str,
    day: &str,
    reason: &str,
) -> Result<usize> {
    let day = parse_date(day)?;
    let reason = required("放假事由", reason, 60)?;
    let agency = crate::org_store::agency_by_code(k, agency_code)
        .await?
        .ok_or_else(|| Error::NotFound(format!("机关代码“{agency_code}”不存在")))?;
    let be = k.db.backend();
    let mut cal = k.calendar();
    cal.add_local_day_off(day, reason.clone());
    let mut tx = k.db.begin().await?;
    let exists: i64 = query_scalar(
        be,
        "SELECT COUNT(*) FROM local_days_off WHERE agency_id = ? AND day = ?",
    )
    .bind(agency.id)
    .bind(fmt_date(day))
    .fetch_one(tx.conn())
    .await?;
    if exists > 0 {
        return Err(Error::Conflict(format!(
            "{} 已登记为本机关放假日",
            fmt_date(day)
        )));
    }
    query(
        be,
        "INSERT INTO local_days_off (agency_id, day, reason, created_at) VALUES (?, ?, ?, ?)",
    )
    .bind(agency.id)
    .bind(fmt_date(day))
    .bind(reason.clone())
    .bind(rfc3339(now))
    .execute(tx.conn())
    .await?;
    let changed = crate::clocks::recompute_all(&mut tx, &cal).await?;
    audit::append(
        &mut tx,
        &k.keys,
        now,
        Event {
            actor,
            event_type: "calendar.local_day_off",
            object: &format!("calendar:{}", fmt_date(day)),
            outcome: Outcome::Success,
            detail: serde_json::json!({ "agency": agency_code, "reason": reason, "clocks_recomputed": changed }),
        },
    )
    .await?;
    tx.commit().await?;
    k.replace_calendar(cal);
    Ok(changed)
}
