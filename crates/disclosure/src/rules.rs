//! Statutory and catalog rules of proactive disclosure (RULES.md §2), pure.

use time::{Date, Month};
use yangguang_kernel::calendar::Calendar;

use crate::DisclosureError;

/// 条例 Art 26: published within 20 working days of being created or
/// changed.
pub const PUBLISH_WITHIN_WORKING_DAYS: u32 = 20;
/// Items this close to the deadline are flagged to the office.
pub const NEAR_DUE_WORKING_DAYS: i64 = 3;

/// The default 索引号 pattern: `<agency code>/<year>-<5-digit sequence>`.
pub const DEFAULT_INDEX_PATTERN: &str = "{agency}/{year}-{seq:05}";

/// Checks an agency's 索引号 pattern: it must contain `{seq}` or
/// `{seq:0N}` once (so numbers stay unique), and `{year}` (numbers are per
/// year); `{agency}` is optional.
pub fn check_index_pattern(p: &str) -> Result<(), DisclosureError> {
    let seqs = p.matches("{seq").count();
    if seqs != 1 || !p.contains("{year}") {
        return Err(DisclosureError::invalid(
            "invalid_index_pattern",
            "索引号格式须包含一次 {year}（年份）和一次 {seq} 或 {seq:05}（当年顺序号）",
        ));
    }
    if p.chars().count() > 60 {
        return Err(DisclosureError::invalid(
            "invalid_index_pattern",
            "索引号格式过长",
        ));
    }
    format_index_no(p, "X", 2026, 1).map(|_| ())
}

/// Formats a 索引号 from the pattern.
pub fn format_index_no(
    p: &str,
    agency: &str,
    year: i32,
    seq: i64,
) -> Result<String, DisclosureError> {
    let mut out = p
        .replace("{agency}", agency)
        .replace("{year}", &year.to_string());
    let start = out
        .find("{seq")
        .ok_or_else(|| DisclosureError::invalid("invalid_index_pattern", "索引号格式缺少 {seq}"))?;
    let end = out[start..].find('}').map(|e| start + e).ok_or_else(|| {
        DisclosureError::invalid("invalid_index_pattern", "索引号格式的 {seq} 未闭合")
    })?;
    let spec = &out[start + 4..end];
    let width: usize = match spec {
        "" => 0,
        s if s.starts_with(":0") => s[2..].parse().map_err(|_| {
            DisclosureError::invalid("invalid_index_pattern", "{seq:0N} 中的位数 N 应为数字")
        })?,
        _ => {
            return Err(DisclosureError::invalid(
                "invalid_index_pattern",
                "顺序号只能写作 {seq} 或 {seq:0N}",
            ));
        }
    };
    if width > 10 {
        return Err(DisclosureError::invalid(
            "invalid_index_pattern",
            "顺序号位数最多 10 位",
        ));
    }
    out.replace_range(start..=end, &format!("{seq:0width$}"));
    Ok(out)
}

/// Timeliness of an item not yet published: the due date (20 working
/// days from creation or change) and how it stands on `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeliness {
    pub due: Date,
    /// Working days left (negative when overdue).
    pub days_left: i64,
    pub provisional: bool,
}

impl Timeliness {
    pub fn overdue(&self) -> bool {
        self.days_left < 0
    }
    pub fn near_due(&self) -> bool {
        (0..=NEAR_DUE_WORKING_DAYS).contains(&self.days_left)
    }
    pub fn label(&self) -> String {
        if self.overdue() {
            format!("已超期 {} 个工作日", -self.days_left)
        } else if self.days_left == 0 {
            "今日到期".to_string()
        } else {
            format!("剩余 {} 个工作日", self.days_left)
        }
    }
}

/// Art 26 deadline for an item created or changed on `since`.
pub fn timeliness(cal: &Calendar, since: Date, today: Date) -> Timeliness {
    let ex = cal.explain_add(since, PUBLISH_WITHIN_WORKING_DAYS);
    let due = ex.due;
    let days_left = if today <= due {
        i64::from(cal.working_days_after(today, due))
    } else {
        -i64::from(cal.working_days_after(due, today))
    };
    Timeliness {
        due,
        days_left,
        provisional: ex.provisional(),
    }
}

/// The half-yearly regular disclosure dates (seed document 5): the first
/// half by 15 July, the whole year by 15 January. Returns the next one on
/// or after `today` and what it is for.
pub fn next_regular_disclosure(today: Date) -> (Date, String) {
    let y = today.year();
    let july = Date::from_calendar_date(y, Month::July, 15).unwrap_or(today);
    let jan = Date::from_calendar_date(y, Month::January, 15).unwrap_or(today);
    if today <= jan {
        (jan, format!("{}年全年定期公开事项", y - 1))
    } else if today <= july {
        (july, format!("{y}年上半年定期公开事项"))
    } else {
        let next_jan = Date::from_calendar_date(y + 1, Month::January, 15).unwrap_or(today);
        (next_jan, format!("{y}年全年定期公开事项"))
    }
}

/// 体裁 (genres) offered; agencies may use others.
pub const GENRES: [&str; 14] = [
    "通知", "意见", "公告", "通告", "决定", "报告", "规划", "计划", "办法", "规定", "方案", "批复",
    "函", "其他",
];

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn index_number_default_pattern_is_agency_year_and_five_digits() {
        assert_eq!(
            format_index_no(DEFAULT_INDEX_PATTERN, "014101876", 2026, 38)
                .ok()
                .as_deref(),
            Some("014101876/2026-00038")
        );
        assert_eq!(
            format_index_no("AJJ-{year}-{seq}", "x", 2027, 1234567)
                .ok()
                .as_deref(),
            Some("AJJ-2027-1234567")
        );
    }

    #[test]
    fn index_pattern_must_hold_year_and_one_sequence() {
        assert!(check_index_pattern("{agency}/{year}-{seq:05}").is_ok());
        assert!(check_index_pattern("{agency}-{seq:05}").is_err());
        assert!(check_index_pattern("{year}-{seq}-{seq}").is_err());
        assert!(check_index_pattern("{year}-{seq:x}").is_err());
    }

    #[test]
    fn proactive_deadline_is_twenty_working_days_from_creation() {
        let cal = Calendar::builtin();
        // RULES.md §1: 2026-09-30 + 20 working days → 2026-11-03.
        let t = timeliness(&cal, date!(2026 - 09 - 30), date!(2026 - 10 - 30));
        assert_eq!(t.due, date!(2026 - 11 - 03));
        assert_eq!(t.days_left, 2);
        assert!(t.near_due() && !t.overdue());
        let t = timeliness(&cal, date!(2026 - 09 - 30), date!(2026 - 11 - 04));
        assert_eq!(t.days_left, -1);
        assert_eq!(t.label(), "已超期 1 个工作日");
        let t = timeliness(&cal, date!(2026 - 09 - 30), date!(2026 - 11 - 03));
        assert_eq!(t.label(), "今日到期");
    }

    #[test]
    fn regular_disclosure_reminders_fall_on_15_july_and_15_january() {
        assert_eq!(
            next_regular_disclosure(date!(2026 - 11 - 26)).0,
            date!(2027 - 01 - 15)
        );
        assert_eq!(
            next_regular_disclosure(date!(2026 - 03 - 01)).0,
            date!(2026 - 07 - 15)
        );
        assert_eq!(
            next_regular_disclosure(date!(2026 - 07 - 15)).0,
            date!(2026 - 07 - 15)
        );
        assert_eq!(
            next_regular_disclosure(date!(2026 - 01 - 10)).1,
            "2025年全年定期公开事项"
        );
    }
}
