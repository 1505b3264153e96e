//! Dates and instants as stored and shown. Rules never read the clock:
//! only the edges (CLI, routes) call `now_*` and pass the value in.

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime, UtcOffset};

use crate::{Error, Result};

/// China Standard Time: every statutory date is a date in Beijing.
pub const CST: UtcOffset = match UtcOffset::from_hms(8, 0, 0) {
    Ok(o) => o,
    Err(_) => UtcOffset::UTC,
};

pub fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

pub fn now_rfc3339() -> String {
    rfc3339(now())
}

pub fn rfc3339(t: OffsetDateTime) -> String {
    let t = t
        .to_offset(UtcOffset::UTC)
        .replace_nanosecond(0)
        .unwrap_or(t);
    t.format(&Rfc3339).unwrap_or_default()
}

/// Parses a stored RFC 3339 instant.
pub fn parse_rfc3339(s: &str) -> Result<OffsetDateTime> {
    OffsetDateTime::parse(s, &Rfc3339)
        .map_err(|_| Error::Internal(format!("时间“{}”格式错误", crate::text::clip(s, 40))))
}

/// Beijing time for screens: `2026-11-26 17:05`.
pub fn fmt_instant_cst(t: OffsetDateTime) -> String {
    let t = t.to_offset(CST);
    format!("{} {:02}:{:02}", fmt_date(t.date()), t.hour(), t.minute())
}

/// Today's date in Beijing.
pub fn today_cst(t: OffsetDateTime) -> Date {
    t.to_offset(CST).date()
}

pub fn fmt_date(d: Date) -> String {
    d.format(format_description!("[year]-[month]-[day]"))
        .unwrap_or_default()
}

/// `2026年11月26日`, as dates are written on Chinese official pages.
pub fn fmt_date_cn(d: Date) -> String {
    format!("{}年{}月{}日", d.year(), u8::from(d.month()), d.day())
}

/// Parses `YYYY-MM-DD`, refusing anything else with a Chinese message.
pub fn parse_date(s: &str) -> Result<Date> {
    let s = s.trim();
    Date::parse(s, format_description!("[year]-[month]-[day]")).map_err(|_| {
        Error::invalid(
            "invalid_date",
            format!(
                "日期“{}”无效：应为 YYYY-MM-DD 格式的真实日期，例如 2026-09-30",
                crate::text::clip(s, 40)
            ),
        )
    })
}

pub fn weekday_cn(d: Date) -> &'static str {
    use time::Weekday::*;
    match d.weekday() {
        Monday => "星期一",
        Tuesday => "星期二",
        Wednesday => "星期三",
        Thursday => "星期四",
        Friday => "星期五",
        Saturday => "星期六",
        Sunday => "星期日",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn date_input_accepts_iso_and_refuses_impossible_dates() {
        assert_eq!(parse_date(" 2026-09-30 ").ok(), Some(date!(2026 - 09 - 30)));
        let e = parse_date("2026-02-30")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("日期“2026-02-30”无效"), "{e}");
        assert!(parse_date("2026/09/30").is_err());
        assert!(parse_date("").is_err());
    }

    #[test]
    fn dates_are_shown_in_chinese_form() {
        assert_eq!(fmt_date_cn(date!(2026 - 09 - 30)), "2026年9月30日");
        assert_eq!(weekday_cn(date!(2026 - 11 - 26)), "星期四");
    }
}
