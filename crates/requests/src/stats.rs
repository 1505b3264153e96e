//! Statistics for the office: volumes and outcomes by month and by
//! division, timeliness and average working days to reply; .xlsx export.

use std::collections::BTreeMap;

use sqlx::Row;
use time::Date;
use yangguang_kernel::calendar::Calendar;
use yangguang_kernel::db::query;
use yangguang_kernel::timefmt::parse_date;
use yangguang_kernel::{Error, Kernel, Result};

use crate::outcome::{Group, Outcome};

/// One application as the statistics see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatFact {
    pub received: Date,
    pub replied: Option<Date>,
    pub due: Date,
    pub outcome: Option<Outcome>,
    pub division: String,
}

/// Counts for one line (a month or a division).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Line {
    pub label: String,
    pub received: i64,
    pub replied: i64,
    pub on_time: i64,
    pub late: i64,
    /// Replied, by group of outcome (予以公开 … 其他处理).
    pub by_group: [i64; 6],
    pub working_days_total: i64,
}

impl Line {
    pub fn average_days(&self) -> String {
        if self.replied == 0 {
            "—".into()
        } else {
            format!(
                "{:.1}",
                self.working_days_total as f64 / self.replied as f64
            )
        }
    }
}

pub const GROUPS: [Group; 6] = [
    Group::Disclose,
    Group::Partial,
    Group::Withhold,
    Group::CannotProvide,
    Group::NotProcessed,
    Group::Other,
];

fn add(
    line: &mut Line,
    f: &StatFact,
    year: i32,
    cal: &Calendar,
    received_here: bool,
    replied_here: bool,
) {
    if received_here && f.received.year() == year {
        line.received += 1;
    }
    if let (true, Some(r), Some(o)) = (replied_here, f.replied, f.outcome)
        && r.year() == year
    {
        line.replied += 1;
        if r <= f.due {
            line.on_time += 1;
        } else {
            line.late += 1;
        }
        if let Some(g) = GROUPS.iter().position(|g| *g == o.group) {
            line.by_group[g] += 1;
        }
        line.working_days_total += i64::from(cal.working_days_after(f.received, r));
    }
}

/// Per month (received by month of receipt, replies by month of reply),
/// per division, and the year's total.
pub fn summarise(facts: &[StatFact], year: i32, cal: &Calendar) -> (Vec<Line>, Vec<Line>, Line) {
    let mut months: Vec<Line> = (1..=12)
        .map(|m| Line {
            label: format!("{m}月"),
            ..Line::default()
        })
        .collect();
    let mut divisions: BTreeMap<String, Line> = BTreeMap::new();
    let mut total = Line {
        label: "合计".into(),
        ..Line::default()
    };
    for f in facts {
        let rm = usize::from(u8::from(f.received.month())) - 1;
        add(&mut months[rm], f, year, cal, true, false);
        if let Some(r) = f.replied {
            let m = usize::from(u8::from(r.month())) - 1;
            add(&mut months[m], f, year, cal, false, true);
        }
        let d = divisions.entry(f.division.clone()).or_insert_with(|| Line {
            label: f.division.clone(),
            ..Line::default()
        });
        add(d, f, year, cal, true, true);
        add(&mut total, f, year, cal, true, true);
    }
    (months, divisions.into_values().collect(), total)
}

/// The facts for `year`: received or replied in it.
pub async fn facts(k: &Kernel, year: i32) -> Result<Vec<StatFact>> {
    if !(2000..=2100).contains(&year) {
        return Err(Error::invalid("invalid_year", format!("年度 {year} 无效")));
    }
    let (start, end) = (format!("{year:04}-01-01"), format!("{year:04}-12-31"));
    let rows = query(
        k.db.backend(),
        "SELECT a.received_on, a.replied_on, a.due_on, a.outcome, d.name FROM ysq_applications a \
         LEFT JOIN divisions d ON d.id = a.division_id \
         WHERE (a.received_on >= ? AND a.received_on <= ?) OR (a.replied_on >= ? AND a.replied_on <= ?)",
    )
    .bind(start.clone())
    .bind(end.clone())
    .bind(start)
    .bind(end)
    .fetch_all(k.db.pool())
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let replied: Option<String> = r.try_get(1)?;
        let outcome: Option<String> = r.try_get(3)?;
        let division: Option<String> = r.try_get(4)?;
        out.push(StatFact {
            received: parse_date(&r.try_get::<String, _>(0)?)?,
            replied: replied.as_deref().map(parse_date).transpose()?,
            due: parse_date(&r.try_get::<String, _>(2)?)?,
            outcome: outcome.as_deref().and_then(Outcome::parse),
            division: division.unwrap_or_else(|| "未分办".into()),
        });
    }
    Ok(out)
}

pub const HEADERS: [&str; 13] = [
    "",
    "新收",
    "答复",
    "按期",
    "逾期",
    "予以公开",
    "部分公开",
    "不予公开",
    "无法提供",
    "不予处理",
    "其他处理",
    "平均答复工作日",
    "",
];

/// The statistics workbook: a sheet by month and a sheet by division.
pub fn xlsx(year: i32, months: &[Line], divisions: &[Line], total: &Line) -> Result<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let xe = |e: rust_xlsxwriter::XlsxError| Error::Internal(format!("生成 xlsx 失败：{e}"));
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    for (name, lines) in [("按月", months), ("按处室", divisions)] {
        let ws = wb.add_worksheet();
        ws.set_name(format!("{year}年{name}")).map_err(xe)?;
        for (c, h) in HEADERS.iter().take(12).enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &bold)
                .map_err(xe)?;
        }
        for (i, l) in lines.iter().chain(std::iter::once(total)).enumerate() {
            let row = (i + 1) as u32;
            ws.write_string(row, 0, &l.label).map_err(xe)?;
            let nums = [l.received, l.replied, l.on_time, l.late];
            for (c, n) in nums.iter().chain(l.by_group.iter()).enumerate() {
                ws.write_number(row, (c + 1) as u16, *n as f64)
                    .map_err(xe)?;
            }
            ws.write_string(row, 11, l.average_days()).map_err(xe)?;
        }
    }
    wb.save_to_buffer().map_err(xe)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn months_divisions_and_timeliness_add_up() {
        let cal = Calendar::builtin();
        let o = Outcome::parse("disclose");
        let facts = vec![
            StatFact {
                received: date!(2026 - 09 - 30),
                replied: Some(date!(2026 - 11 - 03)),
                due: date!(2026 - 11 - 03),
                outcome: o,
                division: "法规科".into(),
            },
            StatFact {
                received: date!(2026 - 10 - 09),
                replied: Some(date!(2026 - 12 - 01)),
                due: date!(2026 - 11 - 09),
                outcome: o,
                division: "法规科".into(),
            },
            StatFact {
                received: date!(2026 - 12 - 30),
                replied: None,
                due: date!(2027 - 01 - 28),
                outcome: None,
                division: "未分办".into(),
            },
        ];
        let (months, divisions, total) = summarise(&facts, 2026, &cal);
        assert_eq!(
            (total.received, total.replied, total.on_time, total.late),
            (3, 2, 1, 1)
        );
        assert_eq!(months[10].replied, 1);
        assert_eq!(months[8].received, 1);
        assert_eq!(divisions.len(), 2);
        assert_eq!(total.by_group[0], 2);
        // 20 working days for the first; the average is over both replies.
        assert!(total.average_days().parse::<f64>().is_ok_and(|d| d > 20.0));
        let x = xlsx(2026, &months, &divisions, &total).unwrap_or_default();
        assert!(x.starts_with(b"PK"));
    }
}
