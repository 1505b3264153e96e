//! RULES.md §1 "Working days": the calendar against the shipped data and the
//! worked examples.

use std::collections::HashMap;

use time::macros::date;
use time::{Date, Month, Weekday};
use yangguang_kernel::calendar::{
    Calendar, CalendarError, DayKind, DayStatus, ImportSummary, MAX_WORKING_DAYS, Reason,
    SpecialDay, parse_csv,
};

const CSV_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/cn-statutory-days.csv");

/// The data file read with std only, independently of `parse_csv`.
fn independent_arrangement() -> HashMap<Date, (String, String)> {
    let text = std::fs::read_to_string(CSV_PATH).unwrap();
    let mut map = HashMap::new();
    for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = line.trim().split(',').collect();
        assert_eq!(cols.len(), 3, "{line}");
        let ymd: Vec<i32> = cols[0].split('-').map(|p| p.parse().unwrap()).collect();
        let month = Month::try_from(ymd[1] as u8).unwrap();
        let day = Date::from_calendar_date(ymd[0], month, ymd[2] as u8).unwrap();
        let previous = map.insert(day, (cols[1].to_string(), cols[2].to_string()));
        assert!(previous.is_none(), "duplicate {day}");
    }
    map
}

fn d(y: i32, m: u8, day: u8) -> Date {
    Date::from_calendar_date(y, Month::try_from(m).unwrap(), day).unwrap()
}

fn sd(date: Date, kind: DayKind, festival: &str) -> SpecialDay {
    SpecialDay {
        date,
        kind,
        festival: festival.to_string(),
    }
}

#[test]
fn builtin_csv_parses_so_builtin_never_panics() {
    let text = std::fs::read_to_string(CSV_PATH).unwrap();
    let days = parse_csv(&text).unwrap();
    assert_eq!(days.len(), text.lines().count() - 1);
    let cal = Calendar::builtin();
    assert_eq!(cal.years(), (2004..=2026).collect::<Vec<_>>());
}

#[test]
fn every_day_2004_to_2026_matches_the_shipped_arrangement() {
    let arrangement = independent_arrangement();
    let cal = Calendar::builtin();
    let mut day = date!(2004 - 01 - 01);
    let mut checked = 0;
    while day <= date!(2026 - 12 - 31) {
        let weekend = matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday);
        let (working, reason) = match arrangement.get(&day) {
            Some((kind, festival)) if kind == "holiday" => {
                (false, Reason::Holiday(festival.clone()))
            }
            Some((kind, festival)) if kind == "workday" => {
                (true, Reason::MakeUpWorkday(festival.clone()))
            }
            Some((kind, _)) => panic!("unexpected kind {kind}"),
            None if weekend => (false, Reason::Weekend),
            None => (true, Reason::Weekday),
        };
        assert_eq!(
            cal.status(day),
            DayStatus {
                date: day,
                working,
                reason
            }
        );
        assert_eq!(cal.is_working_day(day), working, "{day}");
        checked += 1;
        day = day.next_day().unwrap();
    }
    assert_eq!(checked, 8401);
}

#[test]
fn rules_example_received_2026_09_30_plus_20_is_2026_11_03() {
    let cal = Calendar::builtin();
    assert_eq!(
        cal.add_working_days(date!(2026 - 09 - 30), 20),
        date!(2026 - 11 - 03)
    );
}

#[test]
fn rules_example_national_day_holidays_and_make_up_day_2026() {
    let cal = Calendar::builtin();
    for day in 1..=7 {
        let date = d(2026, 10, day);
        assert!(!cal.is_working_day(date), "{date}");
        assert_eq!(cal.status(date).reason, Reason::Holiday("国庆节".into()));
    }
    let saturday = date!(2026 - 10 - 10);
    assert_eq!(saturday.weekday(), Weekday::Saturday);
    assert!(cal.is_working_day(saturday));
    assert_eq!(cal.status(saturday).describe(), "周六，国庆节调休上班日");
    assert!(cal.is_working_day(date!(2026 - 10 - 08)));
}

#[test]
fn descriptions_are_chinese() {
    let cal = Calendar::builtin();
    assert_eq!(cal.status(date!(2026 - 10 - 17)).describe(), "周六，休息日");
    assert_eq!(cal.status(date!(2026 - 10 - 19)).describe(), "周一，工作日");
    assert_eq!(
        cal.status(date!(2026 - 10 - 01)).reason.describe(),
        "国庆节假期"
    );
    assert_eq!(
        Reason::MakeUpWorkday("国庆节".into()).describe(),
        "国庆节调休上班日"
    );
    assert_eq!(
        Reason::LocalDayOff("建城纪念日".into()).describe(),
        "本机关另行放假：建城纪念日"
    );
}

#[test]
fn supplement_notice_deadline_2026_09_30_plus_7_is_2026_10_15() {
    let cal = Calendar::builtin();
    assert_eq!(
        cal.add_working_days(date!(2026 - 09 - 30), 7),
        date!(2026 - 10 - 15)
    );
}

#[test]
fn zero_days_returns_the_start_even_on_a_holiday() {
    let cal = Calendar::builtin();
    assert_eq!(
        cal.add_working_days(date!(2026 - 10 - 01), 0),
        date!(2026 - 10 - 01)
    );
}

#[test]
fn counting_from_a_holiday_starts_at_the_next_working_day() {
    let cal = Calendar::builtin();
    assert_eq!(
        cal.add_working_days(date!(2026 - 10 - 03), 1),
        date!(2026 - 10 - 08)
    );
}

#[test]
fn year_end_2025_into_2026_new_year_holiday() {
    let cal = Calendar::builtin();
    // 2026-01-01..03 off; 2026-01-04 (Sunday) is a make-up working day.
    let explained = cal.explain_add(date!(2025 - 12 - 31), 1);
    assert_eq!(explained.due, date!(2026 - 01 - 04));
    assert!(!explained.provisional());
    let skipped: Vec<Date> = explained.skipped.iter().map(|s| s.date).collect();
    assert_eq!(
        skipped,
        [
            date!(2026 - 01 - 01),
            date!(2026 - 01 - 02),
            date!(2026 - 01 - 03)
        ]
    );
    assert_eq!(explained.skipped[0].describe(), "周四，元旦假期");
}

#[test]
fn year_end_2026_into_2027_is_provisional_with_2027_missing() {
    let cal = Calendar::builtin();
    let explained = cal.explain_add(date!(2026 - 12 - 31), 1);
    // No 2027 arrangement: 2027-01-01 is a plain Friday.
    assert_eq!(explained.due, date!(2027 - 01 - 01));
    assert!(explained.provisional());
    assert_eq!(explained.missing_years, [2027]);
    assert!(explained.skipped.is_empty());
}

#[test]
fn explain_add_lists_the_holidays_and_weekends_skipped() {
    let cal = Calendar::builtin();
    let explained = cal.explain_add(date!(2026 - 09 - 30), 20);
    assert_eq!(explained.due, date!(2026 - 11 - 03));
    assert_eq!(explained.days, 20);
    assert!(!explained.provisional());
    // 7 holidays + Sun 10-11 + 3 more weekends (10-17/18, 24/25, 31/11-01).
    assert_eq!(explained.skipped.len(), 7 + 1 + 6);
    assert!(explained.skipped.iter().all(|s| !s.working));
    assert!(
        !explained
            .skipped
            .iter()
            .any(|s| s.date == date!(2026 - 10 - 10))
    );
}

#[test]
fn provisional_years_are_those_without_arrangement() {
    let cal = Calendar::builtin();
    assert!(cal.has_arrangement(2004));
    assert!(cal.has_arrangement(2026));
    assert!(!cal.has_arrangement(2003));
    assert!(!cal.has_arrangement(2027));
    let explained = cal.explain_add(date!(2003 - 12 - 01), 300);
    assert!(explained.provisional());
    assert_eq!(explained.missing_years, [2003]);
    let long = cal.explain_add(date!(2026 - 06 - 01), 600);
    assert_eq!(long.due.year(), 2028);
    assert_eq!(long.missing_years, [2027, 2028]);
    assert!(Calendar::empty().years().is_empty());
}

#[test]
fn import_replaces_a_year_entirely() {
    let mut cal = Calendar::builtin();
    let summary = cal.import(vec![
        sd(date!(2026 - 10 - 01), DayKind::Holiday, "国庆节"),
        sd(date!(2026 - 10 - 02), DayKind::Holiday, "国庆节"),
        sd(date!(2027 - 01 - 01), DayKind::Holiday, "元旦"),
        sd(date!(2027 - 02 - 06), DayKind::Workday, "春节"),
    ]);
    assert_eq!(
        summary,
        ImportSummary {
            years: vec![2026, 2027],
            replaced_years: vec![2026],
            holidays: 3,
            workdays: 1,
        }
    );
    // The rest of the old 2026 arrangement is gone.
    assert!(cal.is_working_day(date!(2026 - 10 - 07)));
    assert!(!cal.is_working_day(date!(2026 - 10 - 10)));
    assert!(cal.is_working_day(date!(2026 - 02 - 16)));
    assert_eq!(cal.arrangement(2026).len(), 2);
    // 2025 untouched; 2027 now announced and used.
    assert!(!cal.is_working_day(date!(2025 - 10 - 01)));
    assert!(cal.has_arrangement(2027));
    assert!(!cal.is_working_day(date!(2027 - 01 - 01)));
    assert!(cal.is_working_day(date!(2027 - 02 - 06)));
    assert!(!cal.explain_add(date!(2026 - 12 - 31), 1).provisional());
    assert_eq!(
        cal.add_working_days(date!(2026 - 12 - 31), 1),
        date!(2027 - 01 - 04)
    );
    // The builtin calendar handed out earlier is unaffected.
    assert!(!Calendar::builtin().is_working_day(date!(2026 - 10 - 05)));
}

#[test]
fn import_from_parsed_csv_loads_next_year() {
    let mut cal = Calendar::builtin();
    let csv =
        "\u{feff}date,kind,festival\r\n2027-01-01,holiday,元旦\r\n2027-02-20,workday,春节\r\n";
    let summary = cal.import(parse_csv(csv).unwrap());
    assert_eq!(summary.years, [2027]);
    assert!(summary.replaced_years.is_empty());
    assert_eq!((summary.holidays, summary.workdays), (1, 1));
    assert_eq!(cal.years().last(), Some(&2027));
    assert_eq!(
        cal.status(date!(2027 - 02 - 20)).reason,
        Reason::MakeUpWorkday("春节".into())
    );
}

#[test]
fn local_day_off_removes_a_working_day_and_ignores_rest_days() {
    let mut cal = Calendar::builtin();
    let before = cal.add_working_days(date!(2026 - 10 - 19), 5);
    assert_eq!(before, date!(2026 - 10 - 26));
    cal.add_local_day_off(date!(2026 - 10 - 21), "地方纪念日".into());
    let status = cal.status(date!(2026 - 10 - 21));
    assert!(!status.working);
    assert_eq!(status.describe(), "周三，本机关另行放假：地方纪念日");
    assert_eq!(
        cal.add_working_days(date!(2026 - 10 - 19), 5),
        date!(2026 - 10 - 27)
    );
    // On a weekend or a holiday it changes nothing.
    let saturday = cal.add_working_days(date!(2026 - 10 - 16), 1);
    cal.add_local_day_off(date!(2026 - 10 - 17), "周末".into());
    cal.add_local_day_off(date!(2026 - 10 - 02), "国庆".into());
    assert_eq!(cal.add_working_days(date!(2026 - 10 - 16), 1), saturday);
    assert_eq!(
        cal.status(date!(2026 - 10 - 02)).reason,
        Reason::Holiday("国庆节".into())
    );
    assert_eq!(cal.local_days_off().len(), 3);
    assert!(cal.remove_local_day_off(date!(2026 - 10 - 21)));
    assert_eq!(
        cal.add_working_days(date!(2026 - 10 - 19), 5),
        date!(2026 - 10 - 26)
    );
}

#[test]
fn local_day_off_on_a_make_up_working_day_gives_the_day_off() {
    let mut cal = Calendar::builtin();
    cal.add_local_day_off(date!(2026 - 10 - 10), "本机关调整".into());
    assert!(!cal.is_working_day(date!(2026 - 10 - 10)));
    assert_eq!(
        cal.add_working_days(date!(2026 - 09 - 30), 3),
        date!(2026 - 10 - 12)
    );
}

#[test]
fn working_days_after_counts_s_exclusive_t_inclusive() {
    let cal = Calendar::builtin();
    // RULES example: 10-10 (Sat, make-up) and 10-12..16 → 6 working days.
    assert_eq!(
        cal.working_days_after(date!(2026 - 10 - 09), date!(2026 - 10 - 16)),
        6
    );
    assert_eq!(
        cal.working_days_after(date!(2026 - 09 - 30), date!(2026 - 10 - 08)),
        1
    );
    assert_eq!(
        cal.working_days_after(date!(2026 - 09 - 30), date!(2026 - 11 - 03)),
        20
    );
    assert_eq!(
        cal.working_days_after(date!(2026 - 10 - 16), date!(2026 - 10 - 16)),
        0
    );
    assert_eq!(
        cal.working_days_after(date!(2026 - 10 - 16), date!(2026 - 10 - 09)),
        0
    );
    // Whole year 2026: 261 Mon–Fri - 19 weekday holidays + 6 make-up days.
    assert_eq!(
        cal.working_days_after(date!(2025 - 12 - 31), date!(2026 - 12 - 31)),
        248
    );
}

#[test]
fn notice_monday_for_tuesday_meeting_in_time_same_day_not() {
    let cal = Calendar::builtin();
    let monday = date!(2026 - 11 - 16);
    let tuesday = date!(2026 - 11 - 17);
    assert_eq!(monday.weekday(), Weekday::Monday);
    assert!(cal.add_working_days(monday, 1) <= tuesday);
    assert!(cal.add_working_days(tuesday, 1) > tuesday);
    // A Friday notice is in time for a Monday meeting.
    assert!(cal.add_working_days(date!(2026 - 11 - 13), 1) <= monday);
}

#[test]
fn checked_add_bounds_days_and_dates() {
    let cal = Calendar::builtin();
    assert_eq!(
        cal.checked_add_working_days(date!(2026 - 09 - 30), 20),
        Ok(date!(2026 - 11 - 03))
    );
    assert!(
        cal.checked_add_working_days(date!(2026 - 09 - 30), MAX_WORKING_DAYS)
            .is_ok()
    );
    let err = cal
        .checked_add_working_days(date!(2026 - 09 - 30), 3651)
        .unwrap_err();
    assert_eq!(
        err,
        CalendarError::DaysOutOfRange {
            days: 3651,
            max: 3650
        }
    );
    assert_eq!(
        err.to_string(),
        "工作日天数3651超出范围，应为0至3650个工作日"
    );
    let err = cal
        .checked_add_working_days(date!(1899 - 12 - 31), 1)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "日期1899-12-31超出可计算范围，应在1900年至2199年之间"
    );
    assert!(
        cal.checked_add_working_days(date!(2200 - 01 - 01), 1)
            .is_err()
    );
    assert_eq!(
        cal.checked_add_working_days(date!(1900 - 01 - 01), 1),
        Ok(date!(1900 - 01 - 02))
    );
}

#[test]
fn outside_the_index_plain_weekdays_count() {
    let cal = Calendar::builtin();
    // 1999-12-31 is a Friday; 2100-12-31 a Friday.
    assert_eq!(
        cal.add_working_days(date!(1999 - 12 - 30), 1),
        date!(1999 - 12 - 31)
    );
    assert_eq!(
        cal.add_working_days(date!(1999 - 12 - 31), 1),
        date!(2000 - 01 - 03)
    );
    assert_eq!(
        cal.add_working_days(date!(2100 - 12 - 30), 2),
        date!(2101 - 01 - 03)
    );
    assert_eq!(
        cal.working_days_after(date!(1999 - 12 - 24), date!(2000 - 01 - 07)),
        10
    );
}

// ---- parse_csv errors -------------------------------------------------

fn parse_err(text: &str) -> (CalendarError, String) {
    let err = parse_csv(text).unwrap_err();
    let message = err.to_string();
    (err, message)
}

#[test]
fn csv_accepts_bom_crlf_blank_lines_and_quotes() {
    let days = parse_csv(
        "\u{feff}date,kind,festival\r\n\r\n2026-10-01, holiday ,\"国庆节\"\r\n2026-10-10,workday,国庆节",
    )
    .unwrap();
    assert_eq!(
        days,
        [
            sd(date!(2026 - 10 - 01), DayKind::Holiday, "国庆节"),
            sd(date!(2026 - 10 - 10), DayKind::Workday, "国庆节"),
        ]
    );
}

#[test]
fn csv_error_empty_file() {
    let (err, message) = parse_err("\u{feff}\r\n  \n");
    assert_eq!(err, CalendarError::Empty);
    assert_eq!(message, "文件为空，没有任何内容");
    let (err, message) = parse_err("date,kind,festival\n");
    assert_eq!(err, CalendarError::NoRows);
    assert_eq!(message, "文件只有表头，没有节假日安排数据");
}

#[test]
fn csv_error_bad_header() {
    let (err, message) = parse_err("日期,类型,节日\n2026-10-01,holiday,国庆节\n");
    assert!(matches!(err, CalendarError::BadHeader { line: 1, .. }));
    assert_eq!(
        message,
        "第1行：表头应为“date,kind,festival”，实际为“日期,类型,节日”"
    );
}

#[test]
fn csv_error_wrong_column_count() {
    let (err, message) = parse_err("date,kind,festival\n2026-10-01,holiday\n");
    assert_eq!(err, CalendarError::ColumnCount { line: 2, found: 2 });
    assert_eq!(message, "第2行：应有3列（日期、类型、节日名称），实际有2列");
    let (_, message) = parse_err("date,kind,festival\n2026-10-01,holiday,国庆节,\n");
    assert_eq!(message, "第2行：应有3列（日期、类型、节日名称），实际有4列");
}

#[test]
fn csv_error_bad_date() {
    let text = "date,kind,festival\n2026-02-28,workday,春节\n2026-02-30,holiday,春节\n";
    let (err, message) = parse_err(text);
    assert_eq!(
        err,
        CalendarError::BadDate {
            line: 3,
            value: "2026-02-30".into()
        }
    );
    assert_eq!(message, "第3行：日期“2026-02-30”无效，应为 YYYY-MM-DD 格式");
    let (_, message) = parse_err("date,kind,festival\n2026/10/01,holiday,国庆节\n");
    assert_eq!(message, "第2行：日期“2026/10/01”无效，应为 YYYY-MM-DD 格式");
}

#[test]
fn csv_error_unknown_kind() {
    let (err, message) = parse_err("date,kind,festival\n2026-10-01,放假,国庆节\n");
    assert_eq!(
        err,
        CalendarError::UnknownKind {
            line: 2,
            value: "放假".into()
        }
    );
    assert_eq!(
        message,
        "第2行：类型“放假”无效，应为 holiday（放假）或 workday（调休上班）"
    );
}

#[test]
fn csv_error_empty_festival() {
    let (err, message) = parse_err("date,kind,festival\n2026-10-01,holiday, \n");
    assert_eq!(
        err,
        CalendarError::EmptyFestival {
            line: 2,
            date: date!(2026 - 10 - 01)
        }
    );
    assert_eq!(message, "第2行：2026-10-01的节日名称为空");
}

#[test]
fn csv_error_duplicate_date() {
    let text = "date,kind,festival\n2026-10-01,holiday,国庆节\n2026-10-02,holiday,国庆节\n2026-10-01,holiday,国庆节\n";
    let (err, message) = parse_err(text);
    assert_eq!(
        err,
        CalendarError::DuplicateDate {
            line: 4,
            date: date!(2026 - 10 - 01),
            first_line: 2
        }
    );
    assert_eq!(message, "第4行：日期2026-10-01重复，第2行已有该日期");
}

#[test]
fn csv_error_make_up_workday_on_a_weekday() {
    let (err, message) = parse_err("date,kind,festival\n2026-10-13,workday,国庆节\n");
    assert_eq!(
        err,
        CalendarError::WorkdayOnWeekday {
            line: 2,
            date: date!(2026 - 10 - 13),
            weekday: Weekday::Tuesday
        }
    );
    assert_eq!(
        message,
        "第2行：2026-10-13是周二，本来就是工作日；调休上班日必须是周六或周日"
    );
}

#[test]
fn csv_holiday_on_a_weekend_is_accepted() {
    let days = parse_csv("date,kind,festival\n2026-10-03,holiday,国庆节\n").unwrap();
    assert_eq!(days[0].date.weekday(), Weekday::Saturday);
    assert_eq!(days[0].kind, DayKind::Holiday);
}
