//! Working-day calendar (RULES.md §1 "Working days").
//!
//! A working day is Monday–Friday, minus statutory holidays, plus make-up
//! working days (调休上班日), minus agency-local days off. Counting is backed
//! by a precomputed index over 2000–2100 so that deadline arithmetic for many
//! open clocks costs an array lookup; dates outside it fall back to the
//! slow path, which is also the reference the index is built from.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::ops::Bound::{Excluded, Included};
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};
use time::macros::{date, format_description};
use time::{Date, Weekday};

/// The State Council arrangement shipped with the platform (2004–2026).
const BUILTIN_CSV: &str = include_str!("../data/cn-statutory-days.csv");

/// Largest `n` accepted by [`Calendar::checked_add_working_days`]: ten years.
pub const MAX_WORKING_DAYS: u32 = 3650;
/// Years accepted as a starting date by [`Calendar::checked_add_working_days`].
pub const MIN_YEAR: i32 = 1900;
/// See [`MIN_YEAR`].
pub const MAX_YEAR: i32 = 2199;
/// First year covered by the fast index.
pub const INDEX_FIRST_YEAR: i32 = 2000;
/// Last year covered by the fast index.
pub const INDEX_LAST_YEAR: i32 = 2100;

const INDEX_FIRST: Date = date!(2000 - 01 - 01);
const INDEX_LAST: Date = date!(2100 - 12 - 31);
/// The day before the index: its ordinal is 0 by definition.
const BEFORE_INDEX: Date = date!(1999 - 12 - 31);
const INDEX_FIRST_JD: i32 = INDEX_FIRST.to_julian_day();
const INDEX_LAST_JD: i32 = INDEX_LAST.to_julian_day();

/// The `kind` column of the arrangement file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DayKind {
    /// 放假: a day off, whatever the day of the week.
    Holiday,
    /// 调休上班: a Saturday or Sunday worked in exchange for a holiday.
    Workday,
}

impl DayKind {
    /// The spelling used in the CSV file.
    pub fn as_str(self) -> &'static str {
        match self {
            DayKind::Holiday => "holiday",
            DayKind::Workday => "workday",
        }
    }

    /// Chinese label for pages and exports.
    pub fn label(self) -> &'static str {
        match self {
            DayKind::Holiday => "放假",
            DayKind::Workday => "调休上班",
        }
    }
}

/// One row of the arrangement file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpecialDay {
    pub date: Date,
    pub kind: DayKind,
    pub festival: String,
}

/// Why an arrangement file or a calculation was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("文件为空，没有任何内容")]
    Empty,
    #[error("文件只有表头，没有节假日安排数据")]
    NoRows,
    #[error("第{line}行：表头应为“date,kind,festival”，实际为“{found}”")]
    BadHeader { line: usize, found: String },
    #[error("第{line}行：应有3列（日期、类型、节日名称），实际有{found}列")]
    ColumnCount { line: usize, found: usize },
    #[error("第{line}行：日期“{value}”无效，应为 YYYY-MM-DD 格式")]
    BadDate { line: usize, value: String },
    #[error("第{line}行：类型“{value}”无效，应为 holiday（放假）或 workday（调休上班）")]
    UnknownKind { line: usize, value: String },
    #[error("第{line}行：{date}的节日名称为空")]
    EmptyFestival { line: usize, date: Date },
    #[error("第{line}行：日期{date}重复，第{first_line}行已有该日期")]
    DuplicateDate {
        line: usize,
        date: Date,
        first_line: usize,
    },
    #[error(
        "第{line}行：{date}是{}，本来就是工作日；调休上班日必须是周六或周日",
        weekday_name(*.weekday)
    )]
    WorkdayOnWeekday {
        line: usize,
        date: Date,
        weekday: Weekday,
    },
    #[error("工作日天数{days}超出范围，应为0至{max}个工作日")]
    DaysOutOfRange { days: u32, max: u32 },
    #[error("日期{date}超出可计算范围，应在{MIN_YEAR}年至{MAX_YEAR}年之间")]
    DateOutOfRange { date: Date },
}

/// Chinese short name of a weekday (周一…周日).
pub fn weekday_name(weekday: Weekday) -> &'static str {
    match weekday {
        Weekday::Monday => "周一",
        Weekday::Tuesday => "周二",
        Weekday::Wednesday => "周三",
        Weekday::Thursday => "周四",
        Weekday::Friday => "周五",
        Weekday::Saturday => "周六",
        Weekday::Sunday => "周日",
    }
}

fn is_mon_fri(date: Date) -> bool {
    !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// Parses an arrangement file (`date,kind,festival`). Accepts a UTF-8 BOM,
/// CRLF line ends, blank lines, surrounding spaces and quotes around a field.
pub fn parse_csv(text: &str) -> Result<Vec<SpecialDay>, CalendarError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l))
        .filter(|(_, l)| !l.trim().is_empty());

    let Some((header_line, header)) = lines.next() else {
        return Err(CalendarError::Empty);
    };
    let names: Vec<String> = split_fields(header)
        .map(|f| f.to_ascii_lowercase())
        .collect();
    if names != ["date", "kind", "festival"] {
        return Err(CalendarError::BadHeader {
            line: header_line,
            found: header.trim().to_string(),
        });
    }

    let date_format = format_description!("[year]-[month]-[day]");
    let mut seen: HashMap<Date, usize> = HashMap::new();
    let mut days = Vec::new();
    for (line, raw) in lines {
        let fields: Vec<&str> = split_fields(raw).collect();
        let [date_text, kind_text, festival] = fields[..] else {
            return Err(CalendarError::ColumnCount {
                line,
                found: fields.len(),
            });
        };
        let date = Date::parse(date_text, &date_format).map_err(|_| CalendarError::BadDate {
            line,
            value: date_text.to_string(),
        })?;
        let kind = match kind_text.to_ascii_lowercase().as_str() {
            "holiday" => DayKind::Holiday,
            "workday" => DayKind::Workday,
            _ => {
                return Err(CalendarError::UnknownKind {
                    line,
                    value: kind_text.to_string(),
                });
            }
        };
        if festival.is_empty() {
            return Err(CalendarError::EmptyFestival { line, date });
        }
        if let Some(&first_line) = seen.get(&date) {
            return Err(CalendarError::DuplicateDate {
                line,
                date,
                first_line,
            });
        }
        // Holidays on weekends are normal (the festival falls on one); a
        // make-up working day on Mon–Fri is a typo that would change nothing.
        if kind == DayKind::Workday && is_mon_fri(date) {
            return Err(CalendarError::WorkdayOnWeekday {
                line,
                date,
                weekday: date.weekday(),
            });
        }
        seen.insert(date, line);
        days.push(SpecialDay {
            date,
            kind,
            festival: festival.to_string(),
        });
    }
    if days.is_empty() {
        return Err(CalendarError::NoRows);
    }
    Ok(days)
}

fn split_fields(line: &str) -> impl Iterator<Item = &str> {
    line.split(',').map(|f| {
        let f = f.trim();
        f.strip_prefix('"')
            .and_then(|f| f.strip_suffix('"'))
            .unwrap_or(f)
            .trim()
    })
}

/// Why a day is or is not a working day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reason {
    /// An ordinary Monday–Friday.
    Weekday,
    /// An ordinary Saturday or Sunday.
    Weekend,
    /// A statutory holiday (festival name).
    Holiday(String),
    /// A make-up working day (festival name).
    MakeUpWorkday(String),
    /// An agency-local day off (reason given by the agency).
    LocalDayOff(String),
}

impl Reason {
    /// Chinese description, e.g. "国庆节假期", "国庆节调休上班日".
    pub fn describe(&self) -> String {
        match self {
            Reason::Weekday => "工作日".to_string(),
            Reason::Weekend => "休息日".to_string(),
            Reason::Holiday(festival) => format!("{festival}假期"),
            Reason::MakeUpWorkday(festival) => format!("{festival}调休上班日"),
            Reason::LocalDayOff(reason) => format!("本机关另行放假：{reason}"),
        }
    }
}

/// The working status of one date, with its reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayStatus {
    pub date: Date,
    pub working: bool,
    pub reason: Reason,
}

impl DayStatus {
    /// Weekday and reason, e.g. "周六，休息日", "周四，国庆节假期".
    pub fn describe(&self) -> String {
        format!(
            "{}，{}",
            weekday_name(self.date.weekday()),
            self.reason.describe()
        )
    }
}

/// What [`Calendar::import`] changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportSummary {
    /// Years whose arrangement was (re)loaded, ascending.
    pub years: Vec<i32>,
    /// Those of `years` that already had an arrangement, now replaced.
    pub replaced_years: Vec<i32>,
    pub holidays: usize,
    pub workdays: usize,
}

/// `add_working_days` with the days it stepped over, for display.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkingDaysExplained {
    pub from: Date,
    pub days: u32,
    pub due: Date,
    /// Every non-working day strictly between `from` and `due`.
    pub skipped: Vec<DayStatus>,
    /// Years in `from..=due` with no announced arrangement.
    pub missing_years: Vec<i32>,
}

impl WorkingDaysExplained {
    /// 暂定: computed through a year whose arrangement is not loaded yet.
    pub fn provisional(&self) -> bool {
        !self.missing_years.is_empty()
    }
}

/// Working-day counts over the indexed range.
#[derive(Default)]
struct Index {
    /// `cum[i]`: working days in `INDEX_FIRST ..= INDEX_FIRST + i`.
    cum: Vec<u32>,
    /// `work[k]`: the (k+1)-th working day on or after `INDEX_FIRST`.
    work: Vec<Date>,
}

impl Index {
    /// Mon–Fri by Julian day, then the special and local days in range laid
    /// over it: linear, no per-day map lookups (rebuilt on every change).
    fn build(special: &BTreeMap<Date, (DayKind, String)>, local: &BTreeMap<Date, String>) -> Index {
        let len = (INDEX_LAST_JD - INDEX_FIRST_JD + 1) as usize;
        let mut working: Vec<bool> = (INDEX_FIRST_JD..=INDEX_LAST_JD)
            .map(|jd| jd.rem_euclid(7) < 5)
            .collect();
        for (date, (kind, _)) in special.range(INDEX_FIRST..=INDEX_LAST) {
            working[(date.to_julian_day() - INDEX_FIRST_JD) as usize] = *kind == DayKind::Workday;
        }
        for date in local.range(INDEX_FIRST..=INDEX_LAST).map(|(d, _)| *d) {
            working[(date.to_julian_day() - INDEX_FIRST_JD) as usize] = false;
        }
        let mut cum = Vec::with_capacity(len);
        let mut work = Vec::with_capacity(len / 7 * 5 + 5);
        let mut day = INDEX_FIRST;
        for is_working in working {
            if is_working {
                work.push(day);
            }
            cum.push(work.len() as u32);
            day = day.next_day().unwrap_or(day);
        }
        Index { cum, work }
    }

    fn offset(date: Date) -> Option<usize> {
        let jd = date.to_julian_day();
        (INDEX_FIRST_JD..=INDEX_LAST_JD)
            .contains(&jd)
            .then(|| (jd - INDEX_FIRST_JD) as usize)
    }
}

/// The working-day calendar: statutory arrangement plus local days off.
///
/// Cloning is cheap: the index is shared until the next change.
#[derive(Clone)]
pub struct Calendar {
    special: BTreeMap<Date, (DayKind, String)>,
    local: BTreeMap<Date, String>,
    years: BTreeSet<i32>,
    index: Arc<Index>,
}

impl fmt::Debug for Calendar {
    // The index is tens of thousands of numbers; show what defines it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Calendar")
            .field("years", &self.years)
            .field("special_days", &self.special.len())
            .field("local_days_off", &self.local)
            .finish()
    }
}

impl Default for Calendar {
    fn default() -> Self {
        Calendar::empty()
    }
}

impl Calendar {
    /// Plain Monday–Friday calendar with no arrangement loaded.
    pub fn empty() -> Calendar {
        let mut calendar = Calendar {
            special: BTreeMap::new(),
            local: BTreeMap::new(),
            years: BTreeSet::new(),
            index: Arc::default(),
        };
        calendar.rebuild_index();
        calendar
    }

    /// The arrangement shipped with the platform (2004–2026), parsed once.
    pub fn builtin() -> Calendar {
        static BUILTIN: OnceLock<Calendar> = OnceLock::new();
        BUILTIN
            .get_or_init(|| {
                // The embedded file is covered by tests; failing here is a
                // build defect, not a runtime condition.
                let days = parse_csv(BUILTIN_CSV).expect("embedded cn-statutory-days.csv is valid");
                Calendar::from_days(days)
            })
            .clone()
    }

    /// A calendar with exactly these special days.
    pub fn from_days(days: Vec<SpecialDay>) -> Calendar {
        let mut calendar = Calendar::empty();
        calendar.import(days);
        calendar
    }

    /// Loads an arrangement. Each year present in `days` replaces that year's
    /// arrangement entirely (a corrected file must not leave stale rows).
    /// A later row wins over an earlier one for the same date.
    pub fn import(&mut self, days: Vec<SpecialDay>) -> ImportSummary {
        let years: BTreeSet<i32> = days.iter().map(|d| d.date.year()).collect();
        let replaced_years = years.intersection(&self.years).copied().collect();
        self.special.retain(|date, _| !years.contains(&date.year()));
        for day in days {
            self.special.insert(day.date, (day.kind, day.festival));
        }
        self.years.extend(years.iter().copied());
        self.rebuild_index();

        let (mut holidays, mut workdays) = (0, 0);
        for (kind, _) in self
            .special
            .iter()
            .filter(|(date, _)| years.contains(&date.year()))
            .map(|(_, v)| v)
        {
            match kind {
                DayKind::Holiday => holidays += 1,
                DayKind::Workday => workdays += 1,
            }
        }
        ImportSummary {
            years: years.into_iter().collect(),
            replaced_years,
            holidays,
            workdays,
        }
    }

    /// The loaded arrangement of one year, in date order.
    pub fn arrangement(&self, year: i32) -> Vec<SpecialDay> {
        self.special
            .iter()
            .filter(|(date, _)| date.year() == year)
            .map(|(date, (kind, festival))| SpecialDay {
                date: *date,
                kind: *kind,
                festival: festival.clone(),
            })
            .collect()
    }

    /// An agency-local day off on top of the statutory arrangement. It only
    /// matters on a day that would otherwise be worked (including a make-up
    /// working day); on a rest day it changes nothing.
    pub fn add_local_day_off(&mut self, date: Date, reason: String) {
        self.local.insert(date, reason);
        self.rebuild_index();
    }

    /// Removes a local day off; returns whether there was one.
    pub fn remove_local_day_off(&mut self, date: Date) -> bool {
        let removed = self.local.remove(&date).is_some();
        if removed {
            self.rebuild_index();
        }
        removed
    }

    /// Local days off with their reasons, in date order.
    pub fn local_days_off(&self) -> Vec<(Date, String)> {
        self.local.iter().map(|(d, r)| (*d, r.clone())).collect()
    }

    /// Years with an announced arrangement (at least one row loaded).
    pub fn years(&self) -> Vec<i32> {
        self.years.iter().copied().collect()
    }

    pub fn has_arrangement(&self, year: i32) -> bool {
        self.years.contains(&year)
    }

    /// Years in `from.year() ..= to.year()` with no arrangement loaded.
    pub fn missing_years(&self, from: Date, to: Date) -> Vec<i32> {
        (from.year()..=to.year())
            .filter(|y| !self.years.contains(y))
            .collect()
    }

    /// Status of a date and why; the reference definition of a working day.
    pub fn status(&self, date: Date) -> DayStatus {
        let (working, reason) = match self.special.get(&date) {
            Some((DayKind::Holiday, festival)) => (false, Reason::Holiday(festival.clone())),
            Some((DayKind::Workday, festival)) => (true, Reason::MakeUpWorkday(festival.clone())),
            None if is_mon_fri(date) => (true, Reason::Weekday),
            None => (false, Reason::Weekend),
        };
        if working && let Some(reason) = self.local.get(&date) {
            return DayStatus {
                date,
                working: false,
                reason: Reason::LocalDayOff(reason.clone()),
            };
        }
        DayStatus {
            date,
            working,
            reason,
        }
    }

    pub fn is_working_day(&self, date: Date) -> bool {
        match Index::offset(date) {
            Some(0) => self.index.cum[0] == 1,
            Some(i) => self.index.cum[i] != self.index.cum[i - 1],
            None => self.working_slow(date),
        }
    }

    /// The n-th working day strictly after `from`; `from` itself when n = 0.
    /// Saturates at `Date::MAX` (only reachable with absurd `n`; use
    /// [`Calendar::checked_add_working_days`] for user input).
    pub fn add_working_days(&self, from: Date, n: u32) -> Date {
        if n == 0 {
            return from;
        }
        let jd = from.to_julian_day();
        if jd < INDEX_FIRST_JD - 1 {
            // Before the index: step until done or until the index takes over.
            let mut day = from;
            let mut left = n;
            while let Some(next) = day.next_day() {
                day = next;
                if self.working_slow(day) {
                    left -= 1;
                    if left == 0 {
                        return day;
                    }
                }
                if day == BEFORE_INDEX {
                    return self.add_working_days(day, left);
                }
            }
            return Date::MAX;
        }
        if jd <= INDEX_LAST_JD {
            // 1-based rank of the answer among the indexed working days.
            let rank = self.ordinal(from) + i64::from(n);
            let work = &self.index.work;
            if let Some(day) = usize::try_from(rank - 1).ok().and_then(|i| work.get(i)) {
                return *day;
            }
            let left = u32::try_from(rank - work.len() as i64).unwrap_or(u32::MAX);
            return self.step(INDEX_LAST, left);
        }
        self.step(from, n)
    }

    /// [`Calendar::add_working_days`] for user input: `n` at most
    /// [`MAX_WORKING_DAYS`], `from` within [`MIN_YEAR`]..=[`MAX_YEAR`].
    pub fn checked_add_working_days(&self, from: Date, n: u32) -> Result<Date, CalendarError> {
        if n > MAX_WORKING_DAYS {
            return Err(CalendarError::DaysOutOfRange {
                days: n,
                max: MAX_WORKING_DAYS,
            });
        }
        if !(MIN_YEAR..=MAX_YEAR).contains(&from.year()) {
            return Err(CalendarError::DateOutOfRange { date: from });
        }
        Ok(self.add_working_days(from, n))
    }

    /// Working days d with `s < d <= t` (RULES.md `paused(S, T)`); 0 if t <= s.
    pub fn working_days_after(&self, s: Date, t: Date) -> u32 {
        if t <= s {
            return 0;
        }
        u32::try_from(self.ordinal(t) - self.ordinal(s)).unwrap_or(u32::MAX)
    }

    /// [`Calendar::add_working_days`] with the skipped days and whether the
    /// result is provisional.
    pub fn explain_add(&self, from: Date, n: u32) -> WorkingDaysExplained {
        let due = self.add_working_days(from, n);
        let mut skipped = Vec::new();
        let mut day = from;
        while let Some(next) = day.next_day() {
            if next >= due {
                break;
            }
            day = next;
            let status = self.status(day);
            if !status.working {
                skipped.push(status);
            }
        }
        WorkingDaysExplained {
            from,
            days: n,
            due,
            skipped,
            missing_years: self.missing_years(from, due),
        }
    }

    /// Working-day ordinal: `ordinal(t) - ordinal(s)` is the number of
    /// working days in `(s, t]` for any dates. O(1) inside the index.
    pub(crate) fn ordinal(&self, date: Date) -> i64 {
        match Index::offset(date) {
            Some(i) => i64::from(self.index.cum[i]),
            None if date < INDEX_FIRST => -self.count_slow(date, BEFORE_INDEX),
            None => self.index.work.len() as i64 + self.count_slow(INDEX_LAST, date),
        }
    }

    fn working_slow(&self, date: Date) -> bool {
        self.status_working_base(date) && !self.local.contains_key(&date)
    }

    /// Working before local days off are applied.
    fn status_working_base(&self, date: Date) -> bool {
        match self.special.get(&date) {
            Some((kind, _)) => *kind == DayKind::Workday,
            None => is_mon_fri(date),
        }
    }

    /// Working days in `(s, t]` without the index: Mon–Fri by formula, then
    /// corrected by the special and local days in range (few, in a B-tree).
    fn count_slow(&self, s: Date, t: Date) -> i64 {
        if t <= s {
            return 0;
        }
        let mut count = mon_fri_before(i64::from(t.to_julian_day()) + 1)
            - mon_fri_before(i64::from(s.to_julian_day()) + 1);
        for (date, (kind, _)) in self.special.range((Excluded(s), Included(t))) {
            count += i64::from(*kind == DayKind::Workday) - i64::from(is_mon_fri(*date));
        }
        for date in self
            .local
            .range((Excluded(s), Included(t)))
            .map(|(d, _)| *d)
        {
            if self.status_working_base(date) {
                count -= 1;
            }
        }
        count
    }

    fn step(&self, from: Date, n: u32) -> Date {
        let mut day = from;
        let mut left = n;
        while left > 0 {
            let Some(next) = day.next_day() else {
                return Date::MAX;
            };
            day = next;
            if self.working_slow(day) {
                left -= 1;
            }
        }
        day
    }

    fn rebuild_index(&mut self) {
        self.index = Arc::new(Index::build(&self.special, &self.local));
    }
}

/// Number of Mon–Fri days with Julian day number in `[0, jd)` (negative for
/// jd < 0 so that differences still count). Julian day 0 is a Monday, so
/// `jd mod 7` is the weekday counted from Monday = 0.
fn mon_fri_before(jd: i64) -> i64 {
    5 * jd.div_euclid(7) + jd.rem_euclid(7).min(5)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn julian_day_zero_is_a_monday() {
        let day = Date::from_julian_day(0).unwrap();
        assert_eq!(day.weekday(), Weekday::Monday);
    }

    #[test]
    fn index_agrees_with_reference_on_every_indexed_day() {
        let mut cal = Calendar::builtin();
        cal.add_local_day_off(date!(2026 - 10 - 10), "测试".into());
        cal.add_local_day_off(date!(2100 - 12 - 31), "测试".into());
        let mut day = INDEX_FIRST;
        let mut count = 0i64;
        loop {
            let working = cal.status(day).working;
            assert_eq!(cal.is_working_day(day), working, "{day}");
            count += i64::from(working);
            assert_eq!(cal.ordinal(day), count, "{day}");
            assert_eq!(cal.count_slow(BEFORE_INDEX, day), count, "{day}");
            if day == INDEX_LAST {
                break;
            }
            day = day.next_day().unwrap();
        }
    }
}
