//! Statutory clocks (RULES.md §1 "Clock arithmetic").
//!
//! Due date = `add_working_days(R, base + extension + paused)`, where R is
//! the date the clock (re)started and `paused` counts, for each pause from S
//! to T, the working days d with S < d <= T.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::calendar::{Calendar, MAX_WORKING_DAYS};

/// 条例 Art 33: 延长期限最长不得超过20个工作日.
pub const MAX_EXTENSION: u32 = 20;
/// Largest base period accepted, in working days.
pub const MAX_BASE: u32 = MAX_WORKING_DAYS;
/// A running clock with at most this many working days left is near due.
pub const NEAR_DUE_WORKING_DAYS: i64 = 3;

/// A stop of the clock (consultation, fee notice). `to = None`: still paused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pause {
    pub from: Date,
    pub to: Option<Date>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockInput {
    /// Date of receipt; day 0 of the clock.
    pub received: Date,
    /// Period in working days (e.g. 20 for a reply, Art 33).
    pub base: u32,
    pub pauses: Vec<Pause>,
    /// Approved extension in working days (at most [`MAX_EXTENSION`]).
    pub extension: u32,
    /// Date the clock restarted (supplement received), if any.
    pub restart: Option<Date>,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ClockError {
    #[error("中止期间无效：结束日期{to}早于开始日期{from}")]
    PauseEndsBeforeStart { from: Date, to: Date },
    #[error("中止开始日期{from}早于期限起算日{start}")]
    PauseBeforeStart { from: Date, start: Date },
    #[error(
        "延长{extension}个工作日超出上限：延长期限最长不得超过{max}个工作日（《政府信息公开条例》第三十三条）",
        max = MAX_EXTENSION
    )]
    ExtensionTooLong { extension: u32 },
    #[error("期限{base}个工作日无效，应为1至{max}个工作日", max = MAX_BASE)]
    BaseOutOfRange { base: u32 },
    #[error("重新起算日{restart}早于收到申请之日{received}")]
    RestartBeforeReceived { restart: Date, received: Date },
}

/// A stretch of paused time after merging overlapping pauses.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PausedSpan {
    pub from: Date,
    pub to: Date,
    /// Working days d with from < d <= to.
    pub days: u32,
}

/// The computed deadline with the figures that make it up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DueDate {
    /// R: receipt, or the restart date when the clock restarted.
    pub start: Date,
    pub restarted: bool,
    pub base: u32,
    pub extension: u32,
    /// Working days paused by closed pauses (overlaps counted once).
    pub paused_days: u32,
    pub paused_spans: Vec<PausedSpan>,
    pub due: Date,
    /// Start of a pause still running; `due` moves when it ends.
    pub open_pause: Option<Date>,
    /// 暂定: the count runs through a year with no arrangement loaded.
    pub provisional: bool,
    pub missing_years: Vec<i32>,
}

impl DueDate {
    /// Total working days counted from `start`.
    pub fn total_days(&self) -> u32 {
        self.base + self.extension + self.paused_days
    }

    /// The arithmetic, one Chinese line per item, for pages and letters.
    pub fn explain(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if self.restarted {
            lines.push(format!(
                "起算日：{}（收到补正之日重新起算，不计入期限；此前的中止不再计算）",
                self.start
            ));
        } else {
            lines.push(format!(
                "起算日：{}（收到申请之日，不计入期限）",
                self.start
            ));
        }
        lines.push(format!("法定期限：{}个工作日", self.base));
        if !self.paused_spans.is_empty() {
            let spans: Vec<String> = self
                .paused_spans
                .iter()
                .map(|s| format!("{} 至 {}", s.from, s.to))
                .collect();
            lines.push(format!(
                "中止（征求意见等）：{}个工作日（{}）",
                self.paused_days,
                spans.join("；")
            ));
        }
        if self.extension > 0 {
            lines.push(format!("延长：{}个工作日", self.extension));
        }
        lines.push(format!("合计：{}个工作日", self.total_days()));
        lines.push(format!("到期日：{}", self.due));
        if let Some(since) = self.open_pause {
            lines.push(format!(
                "目前处于中止状态（自{since}起），中止结束后到期日相应顺延"
            ));
        }
        if self.provisional {
            lines.push(format!(
                "（暂定：{}节假日安排尚未公布）",
                years_text(&self.missing_years)
            ));
        }
        lines
    }
}

fn years_text(years: &[i32]) -> String {
    let names: Vec<String> = years.iter().map(|y| format!("{y}年")).collect();
    names.join("、")
}

/// Where a clock stands on a given day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClockStatus {
    /// Not yet due. `days_left`: working days d with today < d <= due
    /// (0 = due today).
    Running { due: Date, days_left: i64 },
    /// A pause is running. `due_if_resumed` counts the open pause through
    /// today, i.e. the due date if the answer arrived today.
    Paused { since: Date, due_if_resumed: Date },
    /// Past due. `working_days_over`: working days d with due < d <= today
    /// (0 when only rest days have passed since the due date).
    Overdue { due: Date, working_days_over: u32 },
}

impl ClockStatus {
    /// Working days left, negative when overdue; `None` while paused.
    pub fn days_left(&self) -> Option<i64> {
        match self {
            ClockStatus::Running { days_left, .. } => Some(*days_left),
            ClockStatus::Paused { .. } => None,
            ClockStatus::Overdue {
                working_days_over, ..
            } => Some(-i64::from(*working_days_over)),
        }
    }
}

/// At most [`NEAR_DUE_WORKING_DAYS`] working days left (overdue included).
pub fn near_due(days_left: i64) -> bool {
    days_left <= NEAR_DUE_WORKING_DAYS
}

/// Validated start date and the pauses that still count.
fn relevant_pauses(input: &ClockInput) -> Result<(Date, Vec<&Pause>), ClockError> {
    if input.base == 0 || input.base > MAX_BASE {
        return Err(ClockError::BaseOutOfRange { base: input.base });
    }
    if input.extension > MAX_EXTENSION {
        return Err(ClockError::ExtensionTooLong {
            extension: input.extension,
        });
    }
    if let Some(restart) = input.restart
        && restart < input.received
    {
        return Err(ClockError::RestartBeforeReceived {
            restart,
            received: input.received,
        });
    }
    for pause in &input.pauses {
        if let Some(to) = pause.to
            && to < pause.from
        {
            return Err(ClockError::PauseEndsBeforeStart {
                from: pause.from,
                to,
            });
        }
        // Nothing can pause a clock before the application exists, restart
        // or not; pauses between receipt and a restart are merely dropped.
        if pause.from < input.received {
            return Err(ClockError::PauseBeforeStart {
                from: pause.from,
                start: input.received,
            });
        }
    }
    let start = input.restart.unwrap_or(input.received);
    // RULES: a restart sets R := U and drops earlier pauses.
    let kept = input.pauses.iter().filter(|p| p.from >= start).collect();
    Ok((start, kept))
}

/// Merges the intervals (from, to] and counts their working days.
///
/// Decided here: paused days are the UNION of the pauses, so two overlapping
/// consultations (a third party and another agency at once) do not pause the
/// same day twice; time is only "not counted" once (条例 Art 33).
fn merge_spans(cal: &Calendar, mut intervals: Vec<(Date, Date)>) -> Vec<PausedSpan> {
    intervals.sort();
    let mut merged: Vec<(Date, Date)> = Vec::new();
    for (from, to) in intervals {
        match merged.last_mut() {
            // (a, b] and (c, d] with c <= b overlap or touch.
            Some(last) if from <= last.1 => last.1 = last.1.max(to),
            _ => merged.push((from, to)),
        }
    }
    merged
        .into_iter()
        .map(|(from, to)| PausedSpan {
            from,
            to,
            days: cal.working_days_after(from, to),
        })
        .collect()
}

fn compute(
    cal: &Calendar,
    input: &ClockInput,
    start: Date,
    intervals: Vec<(Date, Date)>,
    open_pause: Option<Date>,
) -> DueDate {
    let paused_spans = merge_spans(cal, intervals);
    let paused_days = paused_spans
        .iter()
        .fold(0u32, |sum, s| sum.saturating_add(s.days));
    let total = input
        .base
        .saturating_add(input.extension)
        .saturating_add(paused_days);
    let due = cal.add_working_days(start, total);
    let missing_years = cal.missing_years(start, due);
    DueDate {
        start,
        restarted: input.restart.is_some(),
        base: input.base,
        extension: input.extension,
        paused_days,
        paused_spans,
        due,
        open_pause,
        provisional: !missing_years.is_empty(),
        missing_years,
    }
}

fn closed_intervals(pauses: &[&Pause]) -> Vec<(Date, Date)> {
    pauses
        .iter()
        .filter_map(|p| p.to.map(|to| (p.from, to)))
        .collect()
}

/// The due date from the closed pauses; an open pause is reported in
/// `open_pause` and does not move the date until it is closed.
pub fn due_date(cal: &Calendar, input: &ClockInput) -> Result<DueDate, ClockError> {
    let (start, pauses) = relevant_pauses(input)?;
    let open_pause = pauses
        .iter()
        .filter(|p| p.to.is_none())
        .map(|p| p.from)
        .min();
    Ok(compute(
        cal,
        input,
        start,
        closed_intervals(&pauses),
        open_pause,
    ))
}

/// Where the clock stands on `today`. A pause open on `today` counts as
/// paused through today; one recorded to start later does not count yet.
pub fn status(cal: &Calendar, input: &ClockInput, today: Date) -> Result<ClockStatus, ClockError> {
    let (start, pauses) = relevant_pauses(input)?;
    let mut intervals = closed_intervals(&pauses);
    let open_since = pauses
        .iter()
        .filter(|p| p.to.is_none() && p.from <= today)
        .map(|p| p.from)
        .min();
    if let Some(since) = open_since {
        intervals.push((since, today));
        let resumed = compute(cal, input, start, intervals, Some(since));
        return Ok(ClockStatus::Paused {
            since,
            due_if_resumed: resumed.due,
        });
    }
    let due = compute(cal, input, start, intervals, None).due;
    Ok(if due >= today {
        ClockStatus::Running {
            due,
            days_left: i64::from(cal.working_days_after(today, due)),
        }
    } else {
        ClockStatus::Overdue {
            due,
            working_days_over: cal.working_days_after(due, today),
        }
    })
}

/// Indexes of the clocks `(start, total working days incl. paused)` whose
/// due date `add_working_days(start, total)` is strictly before `today`.
///
/// With ord(d) = working days up to d, the due date of a clock with
/// total >= 1 is the working day of ordinal ord(start) + total, so it is on
/// or before `today - 1` iff that ordinal is <= ord(today - 1). One
/// ordinal per clock, one for today: no date stepping.
pub fn overdue_among(cal: &Calendar, clocks: &[(Date, u32)], today: Date) -> Vec<usize> {
    let Some(yesterday) = today.previous_day() else {
        return Vec::new();
    };
    let limit = cal.ordinal(yesterday);
    clocks
        .iter()
        .enumerate()
        .filter(|(_, (start, total))| {
            if *total == 0 {
                *start <= yesterday
            } else {
                cal.ordinal(*start) + i64::from(*total) <= limit
            }
        })
        .map(|(i, _)| i)
        .collect()
}
