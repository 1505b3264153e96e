//! Stored statutory clocks. Modules open a clock for their object (an
//! application, a case) and update its events; the due date is stored for
//! lists and recomputed whenever the calendar changes.

use sqlx::Row;
use time::Date;

use crate::calendar::Calendar;
use crate::clock::{ClockInput, DueDate, Pause, due_date};
use crate::db::{Db, WriteTx, query, query_scalar};
use crate::timefmt::{fmt_date, parse_date};
use crate::{Error, Result};

fn pauses_json(p: &[Pause]) -> String {
    serde_json::Value::Array(
        p.iter()
            .map(|p| serde_json::json!({ "from": fmt_date(p.from), "to": p.to.map(fmt_date) }))
            .collect(),
    )
    .to_string()
}

fn pauses_from(text: &str) -> Result<Vec<Pause>> {
    let v: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| Error::Internal(format!("时钟中止记录格式错误：{e}")))?;
    let mut out = Vec::new();
    for p in v.as_array().into_iter().flatten() {
        let from = parse_date(p["from"].as_str().unwrap_or_default())?;
        let to = match p["to"].as_str() {
            Some(t) => Some(parse_date(t)?),
            None => None,
        };
        out.push(Pause { from, to });
    }
    Ok(out)
}

/// A stored clock.
#[derive(Debug, Clone)]
pub struct StoredClock {
    pub id: i64,
    pub module: String,
    pub object: String,
    pub input: ClockInput,
    pub due: Date,
    pub provisional: bool,
    pub closed: bool,
}

/// Opens (or replaces the events of) the clock of `module`/`object`.
pub async fn save(
    tx: &mut WriteTx,
    cal: &Calendar,
    module: &str,
    object: &str,
    input: &ClockInput,
) -> Result<DueDate> {
    let due = due_date(cal, input)?;
    let be = tx.backend();
    let existing: Option<i64> =
        query_scalar(be, "SELECT id FROM clocks WHERE module = ? AND object = ?")
            .bind(module.to_string())
            .bind(object.to_string())
            .fetch_optional(tx.conn())
            .await?;
    let q = match existing {
        Some(_) => query(
            be,
            "UPDATE clocks SET received = ?, base = ?, extension = ?, restart = ?, pauses = ?, due = ?, provisional = ? \
             WHERE module = ? AND object = ?",
        ),
        None => query(
            be,
            "INSERT INTO clocks (received, base, extension, restart, pauses, due, provisional, module, object) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ),
    };
    q.bind(fmt_date(input.received))
        .bind(i64::from(input.base))
        .bind(i64::from(input.extension))
        .bind(input.restart.map(fmt_date))
        .bind(pauses_json(&input.pauses))
        .bind(fmt_date(due.due))
        .bind(i64::from(due.provisional))
        .bind(module.to_string())
        .bind(object.to_string())
        .execute(tx.conn())
        .await?;
    Ok(due)
}

/// Stops a clock (the reply was sent); it stays on record.
pub async fn close(tx: &mut WriteTx, module: &str, object: &str, on: Date) -> Result<()> {
    query(
        tx.backend(),
        "UPDATE clocks SET closed_at = ? WHERE module = ? AND object = ? AND closed_at IS NULL",
    )
    .bind(fmt_date(on))
    .bind(module.to_string())
    .bind(object.to_string())
    .execute(tx.conn())
    .await?;
    Ok(())
}

fn from_row(r: &sqlx::any::AnyRow) -> Result<StoredClock> {
    let received: String = r.try_get(3)?;
    let restart: Option<String> = r.try_get(6)?;
    let pauses: String = r.try_get(7)?;
    let due: String = r.try_get(8)?;
    let base: i64 = r.try_get(4)?;
    let ext: i64 = r.try_get(5)?;
    let prov: i64 = r.try_get(9)?;
    let closed: Option<String> = r.try_get(10)?;
    Ok(StoredClock {
        id: r.try_get(0)?,
        module: r.try_get(1)?,
        object: r.try_get(2)?,
        input: ClockInput {
            received: parse_date(&received)?,
            base: u32::try_from(base).unwrap_or(0),
            pauses: pauses_from(&pauses)?,
            extension: u32::try_from(ext).unwrap_or(0),
            restart: restart.as_deref().map(parse_date).transpose()?,
        },
        due: parse_date(&due)?,
        provisional: prov != 0,
        closed: closed.is_some(),
    })
}

pub async fn get(db: &Db, module: &str, object: &str) -> Result<Option<StoredClock>> {
    let row = query(
        db.backend(),
        "SELECT id, module, object, received, base, extension, restart, pauses, due, provisional, closed_at \
         FROM clocks WHERE module = ? AND object = ?",
    )
    .bind(module.to_string())
    .bind(object.to_string())
    .fetch_optional(db.pool())
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// Recomputes every open clock against `cal`; returns how many changed.
pub async fn recompute_all(tx: &mut WriteTx, cal: &Calendar) -> Result<usize> {
    let be = tx.backend();
    let rows = query(
        be,
        "SELECT id, module, object, received, base, extension, restart, pauses, due, provisional, closed_at \
         FROM clocks WHERE closed_at IS NULL",
    )
    .fetch_all(tx.conn())
    .await?;
    let mut changed = 0;
    for r in &rows {
        let c = from_row(r)?;
        let d = due_date(cal, &c.input)?;
        if d.due != c.due || d.provisional != c.provisional {
            query(
                be,
                "UPDATE clocks SET due = ?, provisional = ? WHERE id = ?",
            )
            .bind(fmt_date(d.due))
            .bind(i64::from(d.provisional))
            .bind(c.id)
            .execute(tx.conn())
            .await?;
            changed += 1;
        }
    }
    Ok(changed)
}

/// Open clocks whose stored due date is before `today`.
pub async fn overdue(db: &Db, today: Date) -> Result<Vec<StoredClock>> {
    let rows = query(
        db.backend(),
        "SELECT id, module, object, received, base, extension, restart, pauses, due, provisional, closed_at \
         FROM clocks WHERE closed_at IS NULL AND due < ? ORDER BY due",
    )
    .bind(fmt_date(today))
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(from_row).collect()
}
