//! 限时办结 and 办件统计: per item and unit, the cases received, decided on
//! time and late, still open and overdue, the average working days each
//! step took; the overdue list; the yearly decision counts that feed
//! table 二 of the annual report. Those counts go to the kernel's yearly
//! figures (`yangguang_kernel::figures`), which the annual report reads:
//! no other module reads this module's tables.

use std::collections::HashMap;

use sqlx::Row;
use time::Date;
use yangguang_kernel::calendar::Calendar;
use yangguang_kernel::db::query;
use yangguang_kernel::timefmt::{fmt_date, parse_date};
use yangguang_kernel::{Error, Kernel, Result};

use crate::case;
use crate::case_store;

/// The module name the kernel's figures are kept under.
pub const MODULE: &str = "powers";

mod annual;
pub use annual::{
    Entered, MAX_ENTERED, NewEntered, decided_in, entered, parse_entered, refresh_annual,
    refresh_annual_in, save_entered,
};

/// The average time one step took.
#[derive(Clone, Debug, PartialEq)]
pub struct StepAverage {
    pub name: String,
    /// Working days from the step's arrival to its completion.
    pub days: f64,
    pub completed: u32,
}

/// One item handled by one unit in the period.
#[derive(Clone, Debug, PartialEq)]
pub struct ItemStats {
    pub unit: String,
    pub code: String,
    pub name: String,
    /// Cases received in the period.
    pub received: i64,
    /// Cases decided in the period, and of those on time and late.
    pub decided: i64,
    pub on_time: i64,
    pub late: i64,
    /// Cases received in the period and still open, and of those past
    /// their limit today.
    pub open: i64,
    pub open_overdue: i64,
    /// Steps completed in the period, in the order first seen.
    pub steps: Vec<StepAverage>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Stats {
    /// By unit, then item code.
    pub rows: Vec<ItemStats>,
    /// Every item together, by step name.
    pub steps: Vec<StepAverage>,
}

/// The period of a form: `from` defaults to 1 January of this year, `to`
/// to today.
pub fn period(from: &str, to: &str, today: Date) -> Result<(Date, Date)> {
    let bad = |what: &str, v: &str| {
        Error::invalid(
            "invalid_date",
            format!(
                "{what}“{}”无效，应为 YYYY-MM-DD",
                yangguang_kernel::text::clip(v, 20)
            ),
        )
    };
    let from = match from.trim() {
        "" => Date::from_calendar_date(today.year(), time::Month::January, 1)
            .map_err(|e| Error::Internal(e.to_string()))?,
        s => parse_date(s).map_err(|_| bad("开始日期", s))?,
    };
    let to = match to.trim() {
        "" => today,
        s => parse_date(s).map_err(|_| bad("结束日期", s))?,
    };
    if to < from {
        return Err(Error::invalid(
            "invalid_period",
            "统计区间的结束日期不能早于开始日期",
        ));
    }
    Ok((from, to))
}

/// Sums of (working days, completions) by step name, in first-seen order.
#[derive(Default)]
struct Sums(Vec<(String, u32, u32)>);

impl Sums {
    fn add(&mut self, name: &str, days: u32) {
        match self.0.iter_mut().find(|s| s.0 == name) {
            Some(s) => {
                s.1 += days;
                s.2 += 1;
            }
            None => self.0.push((name.to_string(), days, 1)),
        }
    }

    fn averages(self) -> Vec<StepAverage> {
        self.0
            .into_iter()
            .map(|(name, sum, n)| StepAverage {
                name,
                days: f64::from(sum) / f64::from(n.max(1)),
                completed: n,
            })
            .collect()
    }
}

/// The statistics of `from..=to`; "overdue" is as of `today`.
pub async fn stats(k: &Kernel, from: Date, to: Date, today: Date) -> Result<Stats> {
    let (f, t) = (fmt_date(from), fmt_date(to));
    let mut q = query(
        k.db.backend(),
        "SELECT c.unit, i.code, i.name, \
         SUM(CASE WHEN c.received_on >= ? AND c.received_on <= ? THEN 1 ELSE 0 END), \
         SUM(CASE WHEN c.decided_on >= ? AND c.decided_on <= ? THEN 1 ELSE 0 END), \
         SUM(CASE WHEN c.decided_on >= ? AND c.decided_on <= ? AND c.on_time = 1 THEN 1 ELSE 0 END), \
         SUM(CASE WHEN c.decided_on >= ? AND c.decided_on <= ? AND c.on_time = 0 THEN 1 ELSE 0 END), \
         SUM(CASE WHEN c.received_on >= ? AND c.received_on <= ? AND c.open = 1 THEN 1 ELSE 0 END) \
         FROM power_cases c JOIN power_items i ON i.id = c.item_id \
         WHERE (c.received_on >= ? AND c.received_on <= ?) OR (c.decided_on >= ? AND c.decided_on <= ?) \
         GROUP BY c.unit, i.code, i.name",
    );
    for _ in 0..7 {
        q = q.bind(f.clone()).bind(t.clone());
    }
    let mut rows: Vec<ItemStats> = Vec::new();
    for r in q.fetch_all(k.db.pool()).await? {
        let n = |i: usize| {
            r.try_get::<Option<i64>, _>(i)
                .map(Option::unwrap_or_default)
        };
        rows.push(ItemStats {
            unit: r.try_get(0)?,
            code: r.try_get(1)?,
            name: r.try_get(2)?,
            received: n(3)?,
            decided: n(4)?,
            on_time: n(5)?,
            late: n(6)?,
            open: n(7)?,
            open_overdue: 0,
            steps: Vec::new(),
        });
    }
    // Overdue as the overdue list says (a clock standing still in an
    // excluded period is not overdue, whatever its stored date).
    for o in overdue(k, today).await? {
        if o.received_on < from || o.received_on > to {
            continue;
        }
        if let Some(r) = rows
            .iter_mut()
            .find(|r| r.unit == o.unit && r.code == o.item_code)
        {
            r.open_overdue += 1;
        }
    }
    let steps = step_times(k, &f, &t).await?;
    let cal = k.calendar();
    let mut per_row: HashMap<(String, String), Sums> = HashMap::new();
    let mut all = Sums::default();
    for s in pair_steps(&steps, from, to, &cal) {
        if !rows.iter().any(|r| r.unit == s.unit && r.code == s.code) {
            rows.push(ItemStats {
                unit: s.unit.clone(),
                code: s.code.clone(),
                name: s.item.clone(),
                received: 0,
                decided: 0,
                on_time: 0,
                late: 0,
                open: 0,
                open_overdue: 0,
                steps: Vec::new(),
            });
        }
        per_row
            .entry((s.unit, s.code))
            .or_default()
            .add(&s.step, s.days);
        all.add(&s.step, s.days);
    }
    for r in &mut rows {
        if let Some(s) = per_row.remove(&(r.unit.clone(), r.code.clone())) {
            r.steps = s.averages();
        }
    }
    rows.sort_by(|a, b| (&a.unit, &a.code).cmp(&(&b.unit, &b.code)));
    Ok(Stats {
        rows,
        steps: all.averages(),
    })
}

/// A recorded step row as the pairing reads it.
struct StepRow {
    case_id: i64,
    unit: String,
    code: String,
    item: String,
    node: String,
    name: String,
    completed: bool,
    on: Date,
}

/// A completed step with the working days it took.
struct Timed {
    unit: String,
    code: String,
    item: String,
    step: String,
    days: u32,
}

/// The arrivals and completions of every case with a step completed in
/// the period, in order.
async fn step_times(k: &Kernel, from: &str, to: &str) -> Result<Vec<StepRow>> {
    let rows = query(
        k.db.backend(),
        "SELECT s.case_id, c.unit, i.code, i.name, s.node, s.name, s.what, s.on_date FROM power_case_steps s \
         JOIN power_cases c ON c.id = s.case_id JOIN power_items i ON i.id = c.item_id \
         WHERE s.what IN ('entered', 'completed') AND s.case_id IN \
         (SELECT case_id FROM power_case_steps WHERE what = 'completed' AND on_date >= ? AND on_date <= ?) \
         ORDER BY s.case_id, s.seq",
    )
    .bind(from.to_string())
    .bind(to.to_string())
    .fetch_all(k.db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(StepRow {
                case_id: r.try_get(0)?,
                unit: r.try_get(1)?,
                code: r.try_get(2)?,
                item: r.try_get(3)?,
                node: r.try_get(4)?,
                name: r.try_get(5)?,
                completed: r.try_get::<String, _>(6)? == "completed",
                on: parse_date(&r.try_get::<String, _>(7)?)?,
            })
        })
        .collect()
}

/// Each completion in the period with the working days since the same
/// step last arrived on that case (a step done again after a loop counts
/// from its new arrival).
fn pair_steps(rows: &[StepRow], from: Date, to: Date, cal: &Calendar) -> Vec<Timed> {
    let mut out = Vec::new();
    let mut arrived: HashMap<(i64, &str), Date> = HashMap::new();
    for r in rows {
        if !r.completed {
            arrived.insert((r.case_id, r.node.as_str()), r.on);
            continue;
        }
        if r.on < from || r.on > to {
            continue;
        }
        if let Some(since) = arrived.get(&(r.case_id, r.node.as_str())) {
            out.push(Timed {
                unit: r.unit.clone(),
                code: r.code.clone(),
                item: r.item.clone(),
                step: r.name.clone(),
                days: cal.working_days_after(*since, r.on),
            });
        }
    }
    out
}

/// An open case past its limit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OverdueCase {
    pub id: i64,
    pub case_no: String,
    pub item_code: String,
    pub item_name: String,
    pub unit: String,
    pub received_on: Date,
    /// 首问负责人 (display name).
    pub owner: String,
    /// The open steps, 、-separated.
    pub step: String,
    pub due_label: String,
    pub due: Date,
    /// Working days past the limit as of today.
    pub days: u32,
}

/// Open cases past their limit on `today` (not those whose clock stands
/// still in an excluded period), longest overdue first; the first 1000
/// whose stored date has passed are looked at.
pub async fn overdue(k: &Kernel, today: Date) -> Result<Vec<OverdueCase>> {
    let rows = query(
        k.db.backend(),
        "SELECT c.id, COALESCE(u.display_name, c.owner) FROM power_cases c LEFT JOIN users u ON u.username = c.owner \
         WHERE c.open = 1 AND c.due_on < ? ORDER BY c.due_on, c.id LIMIT 1000",
    )
    .bind(fmt_date(today))
    .fetch_all(k.db.pool())
    .await?;
    let cal = k.calendar();
    let mut out = Vec::new();
    for r in &rows {
        let c = case_store::get(k, r.try_get(0)?).await?;
        let content = &c.item.content;
        let Some(clock) = case::clock(c.kind, &c.facts, content.statutory, content.promised, &cal)
        else {
            continue;
        };
        if !case::overdue(&clock, today) {
            continue;
        }
        let step = yangguang_process::engine::open_tasks(&c.definition, &c.instance)
            .into_iter()
            .map(|t| t.name)
            .collect::<Vec<_>>()
            .join("、");
        out.push(OverdueCase {
            id: c.id,
            case_no: c.case_no.clone(),
            item_code: c.item.code.clone(),
            item_name: content.name.clone(),
            unit: c.unit.clone(),
            received_on: c.received_on,
            owner: r.try_get(1)?,
            step,
            due_label: clock.label.to_string(),
            due: clock.due,
            days: cal.working_days_after(clock.due, today),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn the_period_defaults_to_this_year_until_today_and_refuses_an_inverted_range() {
        let today = date!(2026 - 12 - 07);
        assert_eq!(
            period("", "", today).ok(),
            Some((date!(2026 - 01 - 01), today))
        );
        let e = period("2026-05-01", "2026-04-30", today)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("结束日期不能早于开始日期"), "{e}");
        let e = period("2026-13-01", "", today)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("开始日期“2026-13-01”无效"), "{e}");
    }

    #[test]
    fn a_step_counts_the_working_days_from_its_latest_arrival_to_its_completion() {
        let cal = Calendar::builtin();
        let row = |node: &str, completed: bool, on: Date| StepRow {
            case_id: 1,
            unit: "处".into(),
            code: "XK-001".into(),
            item: "许可".into(),
            node: node.into(),
            name: format!("步骤{node}"),
            completed,
            on,
        };
        // 清明 2026-04-04..06 is not counted; the loop's second arrival is.
        let rows = [
            row("a", false, date!(2026 - 04 - 01)),
            row("a", true, date!(2026 - 04 - 02)),
            row("a", false, date!(2026 - 04 - 03)),
            row("a", true, date!(2026 - 04 - 08)),
            row("b", true, date!(2026 - 04 - 08)),
        ];
        let t = pair_steps(&rows, date!(2026 - 01 - 01), date!(2026 - 12 - 31), &cal);
        assert_eq!(t.iter().map(|t| t.days).collect::<Vec<_>>(), vec![1, 2]);
        let t = pair_steps(&rows, date!(2026 - 04 - 05), date!(2026 - 12 - 31), &cal);
        assert_eq!(t.len(), 1, "completions before the period are left out");
    }
}
