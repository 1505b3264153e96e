//! RULES.md §1 "Clock arithmetic": statutory clocks, pauses, extensions,
//! restarts, and the fast paths against naive definitions.

use std::sync::LazyLock;

use proptest::prelude::*;
use time::Date;
use time::macros::date;
use yangguang_kernel::calendar::{Calendar, DayKind, SpecialDay};
use yangguang_kernel::clock::{
    ClockError, ClockInput, ClockStatus, MAX_EXTENSION, Pause, PausedSpan, due_date, near_due,
    overdue_among, status,
};

fn input(received: Date, base: u32) -> ClockInput {
    ClockInput {
        received,
        base,
        pauses: Vec::new(),
        extension: 0,
        restart: None,
    }
}

fn closed(from: Date, to: Date) -> Pause {
    Pause { from, to: Some(to) }
}

/// RULES example: received 2026-09-30, third-party consultation
/// 2026-10-09 → 2026-10-16.
fn rules_example() -> ClockInput {
    ClockInput {
        pauses: vec![closed(date!(2026 - 10 - 09), date!(2026 - 10 - 16))],
        ..input(date!(2026 - 09 - 30), 20)
    }
}

#[test]
fn rules_example_consultation_pauses_6_days_due_2026_11_11() {
    let cal = Calendar::builtin();
    let due = due_date(&cal, &rules_example()).unwrap();
    assert_eq!(due.start, date!(2026 - 09 - 30));
    assert_eq!(due.paused_days, 6);
    assert_eq!(
        due.paused_spans,
        [PausedSpan {
            from: date!(2026 - 10 - 09),
            to: date!(2026 - 10 - 16),
            days: 6
        }]
    );
    assert_eq!(due.due, date!(2026 - 11 - 11));
    assert!(!due.provisional);
    assert_eq!(due.open_pause, None);
}

#[test]
fn rules_example_with_10_day_extension_due_2026_11_25() {
    let cal = Calendar::builtin();
    let due = due_date(
        &cal,
        &ClockInput {
            extension: 10,
            ..rules_example()
        },
    )
    .unwrap();
    assert_eq!(due.due, date!(2026 - 11 - 25));
    assert_eq!(due.total_days(), 36);
    assert_eq!(
        due.explain(),
        [
            "起算日：2026-09-30（收到申请之日，不计入期限）",
            "法定期限：20个工作日",
            "中止（征求意见等）：6个工作日（2026-10-09 至 2026-10-16）",
            "延长：10个工作日",
            "合计：36个工作日",
            "到期日：2026-11-25",
        ]
    );
}

#[test]
fn reply_without_pauses_received_2026_09_30_due_2026_11_03() {
    let cal = Calendar::builtin();
    let due = due_date(&cal, &input(date!(2026 - 09 - 30), 20)).unwrap();
    assert_eq!(due.due, date!(2026 - 11 - 03));
    assert_eq!(due.paused_days, 0);
    assert_eq!(
        due.explain(),
        [
            "起算日：2026-09-30（收到申请之日，不计入期限）",
            "法定期限：20个工作日",
            "合计：20个工作日",
            "到期日：2026-11-03",
        ]
    );
}

#[test]
fn supplement_notice_within_7_working_days_of_2026_09_30_is_2026_10_15() {
    let cal = Calendar::builtin();
    assert_eq!(
        cal.add_working_days(date!(2026 - 09 - 30), 7),
        date!(2026 - 10 - 15)
    );
    assert_eq!(
        due_date(&cal, &input(date!(2026 - 09 - 30), 7))
            .unwrap()
            .due,
        date!(2026 - 10 - 15)
    );
}

#[test]
fn restart_sets_start_and_drops_earlier_pauses() {
    let cal = Calendar::builtin();
    let restarted = ClockInput {
        restart: Some(date!(2026 - 10 - 20)),
        pauses: vec![
            closed(date!(2026 - 10 - 09), date!(2026 - 10 - 16)),
            closed(date!(2026 - 10 - 26), date!(2026 - 10 - 28)),
        ],
        ..input(date!(2026 - 09 - 30), 20)
    };
    let due = due_date(&cal, &restarted).unwrap();
    assert_eq!(due.start, date!(2026 - 10 - 20));
    assert!(due.restarted);
    // Only the pause after the restart counts: 10-27, 10-28.
    assert_eq!(due.paused_days, 2);
    // 20 working days after 10-20 is 11-17; plus 2 paused → 11-19.
    assert_eq!(
        cal.add_working_days(date!(2026 - 10 - 20), 20),
        date!(2026 - 11 - 17)
    );
    assert_eq!(due.due, date!(2026 - 11 - 19));
    assert_eq!(
        due.explain()[0],
        "起算日：2026-10-20（收到补正之日重新起算，不计入期限；此前的中止不再计算）"
    );
}

#[test]
fn overlapping_pauses_count_each_day_once() {
    let cal = Calendar::builtin();
    let overlapping = ClockInput {
        pauses: vec![
            closed(date!(2026 - 10 - 13), date!(2026 - 10 - 20)),
            closed(date!(2026 - 10 - 09), date!(2026 - 10 - 16)),
        ],
        ..input(date!(2026 - 09 - 30), 20)
    };
    let due = due_date(&cal, &overlapping).unwrap();
    // Union (10-09, 10-20]: 10-10, 12–16, 19, 20 = 8, not 6 + 5 = 11.
    assert_eq!(due.paused_days, 8);
    assert_eq!(
        due.paused_spans,
        [PausedSpan {
            from: date!(2026 - 10 - 09),
            to: date!(2026 - 10 - 20),
            days: 8
        }]
    );
    assert_eq!(due.due, date!(2026 - 11 - 13));
}

#[test]
fn touching_and_disjoint_pauses() {
    let cal = Calendar::builtin();
    let touching = ClockInput {
        pauses: vec![
            closed(date!(2026 - 10 - 09), date!(2026 - 10 - 12)),
            closed(date!(2026 - 10 - 12), date!(2026 - 10 - 16)),
        ],
        ..input(date!(2026 - 09 - 30), 20)
    };
    assert_eq!(due_date(&cal, &touching).unwrap().paused_days, 6);
    let disjoint = ClockInput {
        pauses: vec![
            closed(date!(2026 - 10 - 09), date!(2026 - 10 - 16)),
            closed(date!(2026 - 10 - 21), date!(2026 - 10 - 23)),
        ],
        ..input(date!(2026 - 09 - 30), 20)
    };
    let due = due_date(&cal, &disjoint).unwrap();
    assert_eq!(due.paused_days, 8);
    assert_eq!(due.paused_spans.len(), 2);
    assert_eq!(
        due.explain()[2],
        "中止（征求意见等）：8个工作日（2026-10-09 至 2026-10-16；2026-10-21 至 2026-10-23）"
    );
    // A pause answered the same day pauses nothing.
    let same_day = ClockInput {
        pauses: vec![closed(date!(2026 - 10 - 09), date!(2026 - 10 - 09))],
        ..input(date!(2026 - 09 - 30), 20)
    };
    assert_eq!(
        due_date(&cal, &same_day).unwrap().due,
        date!(2026 - 11 - 03)
    );
}

#[test]
fn open_pause_is_reported_but_does_not_move_the_due_date() {
    let cal = Calendar::builtin();
    let mut open = rules_example();
    open.pauses.push(Pause {
        from: date!(2026 - 10 - 20),
        to: None,
    });
    let due = due_date(&cal, &open).unwrap();
    assert_eq!(due.due, date!(2026 - 11 - 11));
    assert_eq!(due.open_pause, Some(date!(2026 - 10 - 20)));
    assert_eq!(
        due.explain().last().unwrap(),
        "目前处于中止状态（自2026-10-20起），中止结束后到期日相应顺延"
    );
}

#[test]
fn due_date_into_2027_is_provisional() {
    let cal = Calendar::builtin();
    let due = due_date(&cal, &input(date!(2026 - 12 - 15), 20)).unwrap();
    assert_eq!(due.due, date!(2027 - 01 - 12));
    assert!(due.provisional);
    assert_eq!(due.missing_years, [2027]);
    assert_eq!(
        due.explain().last().unwrap(),
        "（暂定：2027年节假日安排尚未公布）"
    );
    // Loading the 2027 arrangement makes it final and moves the date.
    let mut cal = cal;
    cal.import(vec![SpecialDay {
        date: date!(2027 - 01 - 04),
        kind: DayKind::Holiday,
        festival: "元旦".into(),
    }]);
    let due = due_date(&cal, &input(date!(2026 - 12 - 15), 20)).unwrap();
    assert!(!due.provisional);
    assert_eq!(due.due, date!(2027 - 01 - 13));
}

// ---- errors -----------------------------------------------------------

#[test]
fn error_pause_ending_before_it_starts() {
    let cal = Calendar::builtin();
    let bad = ClockInput {
        pauses: vec![closed(date!(2026 - 10 - 16), date!(2026 - 10 - 09))],
        ..input(date!(2026 - 09 - 30), 20)
    };
    let err = due_date(&cal, &bad).unwrap_err();
    assert_eq!(
        err,
        ClockError::PauseEndsBeforeStart {
            from: date!(2026 - 10 - 16),
            to: date!(2026 - 10 - 09)
        }
    );
    assert_eq!(
        err.to_string(),
        "中止期间无效：结束日期2026-10-09早于开始日期2026-10-16"
    );
}

#[test]
fn error_pause_starting_before_the_clock_starts() {
    let cal = Calendar::builtin();
    let bad = ClockInput {
        pauses: vec![closed(date!(2026 - 09 - 29), date!(2026 - 10 - 09))],
        ..input(date!(2026 - 09 - 30), 20)
    };
    let err = due_date(&cal, &bad).unwrap_err();
    assert_eq!(
        err,
        ClockError::PauseBeforeStart {
            from: date!(2026 - 09 - 29),
            start: date!(2026 - 09 - 30)
        }
    );
    assert_eq!(
        err.to_string(),
        "中止开始日期2026-09-29早于期限起算日2026-09-30"
    );
    // A pause starting on the day of receipt is fine.
    let ok = ClockInput {
        pauses: vec![closed(date!(2026 - 09 - 30), date!(2026 - 10 - 09))],
        ..input(date!(2026 - 09 - 30), 20)
    };
    assert_eq!(due_date(&cal, &ok).unwrap().paused_days, 2);
}

#[test]
fn error_extension_over_20_working_days() {
    let cal = Calendar::builtin();
    let ok = ClockInput {
        extension: MAX_EXTENSION,
        ..input(date!(2026 - 09 - 30), 20)
    };
    assert_eq!(due_date(&cal, &ok).unwrap().total_days(), 40);
    let bad = ClockInput {
        extension: 21,
        ..input(date!(2026 - 09 - 30), 20)
    };
    let err = due_date(&cal, &bad).unwrap_err();
    assert_eq!(err, ClockError::ExtensionTooLong { extension: 21 });
    assert_eq!(
        err.to_string(),
        "延长21个工作日超出上限：延长期限最长不得超过20个工作日（《政府信息公开条例》第三十三条）"
    );
}

#[test]
fn error_base_zero_or_over_3650() {
    let cal = Calendar::builtin();
    let err = due_date(&cal, &input(date!(2026 - 09 - 30), 0)).unwrap_err();
    assert_eq!(err, ClockError::BaseOutOfRange { base: 0 });
    assert_eq!(err.to_string(), "期限0个工作日无效，应为1至3650个工作日");
    let err = due_date(&cal, &input(date!(2026 - 09 - 30), 3651)).unwrap_err();
    assert_eq!(err, ClockError::BaseOutOfRange { base: 3651 });
    assert!(due_date(&cal, &input(date!(2026 - 09 - 30), 3650)).is_ok());
}

#[test]
fn error_restart_before_receipt() {
    let cal = Calendar::builtin();
    let bad = ClockInput {
        restart: Some(date!(2026 - 09 - 29)),
        ..input(date!(2026 - 09 - 30), 20)
    };
    let err = due_date(&cal, &bad).unwrap_err();
    assert_eq!(
        err,
        ClockError::RestartBeforeReceived {
            restart: date!(2026 - 09 - 29),
            received: date!(2026 - 09 - 30)
        }
    );
    assert_eq!(
        err.to_string(),
        "重新起算日2026-09-29早于收到申请之日2026-09-30"
    );
    // Errors also come out of status().
    assert_eq!(status(&cal, &bad, date!(2026 - 10 - 01)).unwrap_err(), err);
}

// ---- status -----------------------------------------------------------

#[test]
fn status_running_with_working_days_left() {
    let cal = Calendar::builtin();
    let clock = input(date!(2026 - 09 - 30), 20);
    let s = status(&cal, &clock, date!(2026 - 10 - 20)).unwrap();
    assert_eq!(
        s,
        ClockStatus::Running {
            due: date!(2026 - 11 - 03),
            days_left: 10
        }
    );
    assert_eq!(s.days_left(), Some(10));
    assert!(!near_due(10));
    let s = status(&cal, &clock, date!(2026 - 10 - 29)).unwrap();
    assert_eq!(s.days_left(), Some(3));
    assert!(near_due(3));
    // Due today: still running, nothing left.
    let s = status(&cal, &clock, date!(2026 - 11 - 03)).unwrap();
    assert_eq!(
        s,
        ClockStatus::Running {
            due: date!(2026 - 11 - 03),
            days_left: 0
        }
    );
}

#[test]
fn status_overdue_with_working_days_over() {
    let cal = Calendar::builtin();
    let clock = input(date!(2026 - 09 - 30), 20);
    let s = status(&cal, &clock, date!(2026 - 11 - 05)).unwrap();
    assert_eq!(
        s,
        ClockStatus::Overdue {
            due: date!(2026 - 11 - 03),
            working_days_over: 2
        }
    );
    assert_eq!(s.days_left(), Some(-2));
    assert!(near_due(-2));
    // Due Friday 11-06, seen on Saturday: overdue, no working day lost yet.
    let friday = input(date!(2026 - 09 - 30), 23);
    assert_eq!(
        status(&cal, &friday, date!(2026 - 11 - 07)).unwrap(),
        ClockStatus::Overdue {
            due: date!(2026 - 11 - 06),
            working_days_over: 0
        }
    );
}

#[test]
fn status_paused_counts_the_open_pause_through_today() {
    let cal = Calendar::builtin();
    let clock = ClockInput {
        pauses: vec![Pause {
            from: date!(2026 - 10 - 09),
            to: None,
        }],
        ..input(date!(2026 - 09 - 30), 20)
    };
    // Paused (10-09, 10-14]: 10-10, 12, 13, 14 → 24 days → 11-09.
    assert_eq!(
        status(&cal, &clock, date!(2026 - 10 - 14)).unwrap(),
        ClockStatus::Paused {
            since: date!(2026 - 10 - 09),
            due_if_resumed: date!(2026 - 11 - 09)
        }
    );
    // Long after the nominal due date, still paused, not overdue.
    let s = status(&cal, &clock, date!(2026 - 12 - 01)).unwrap();
    assert!(matches!(s, ClockStatus::Paused { .. }));
    assert_eq!(s.days_left(), None);
    // Before the pause starts the clock runs.
    assert_eq!(
        status(&cal, &clock, date!(2026 - 10 - 08)).unwrap(),
        ClockStatus::Running {
            due: date!(2026 - 11 - 03),
            days_left: 19
        }
    );
}

// ---- properties -------------------------------------------------------

const JD_2003: i32 = date!(2003 - 01 - 01).to_julian_day();
const JD_2028: i32 = date!(2028 - 12 - 31).to_julian_day();

fn date_between(lo: Date, hi: Date) -> impl Strategy<Value = Date> {
    (lo.to_julian_day()..=hi.to_julian_day()).prop_map(|jd| Date::from_julian_day(jd).unwrap())
}

fn any_date() -> impl Strategy<Value = Date> {
    (JD_2003..=JD_2028).prop_map(|jd| Date::from_julian_day(jd).unwrap())
}

/// Builtin data plus special and local days on both sides of the index
/// (2000–2100), so the out-of-index path sees corrections too.
fn test_calendar() -> Calendar {
    static CAL: LazyLock<Calendar> = LazyLock::new(build_test_calendar);
    CAL.clone()
}

fn build_test_calendar() -> Calendar {
    let mut cal = Calendar::builtin();
    cal.import(vec![
        SpecialDay {
            date: date!(2101 - 01 - 03),
            kind: DayKind::Holiday,
            festival: "元旦".into(),
        },
        SpecialDay {
            date: date!(2101 - 01 - 08),
            kind: DayKind::Workday,
            festival: "元旦".into(),
        },
        SpecialDay {
            date: date!(1999 - 10 - 01),
            kind: DayKind::Holiday,
            festival: "国庆节".into(),
        },
    ]);
    cal.add_local_day_off(date!(1999 - 12 - 29), "测试".into());
    cal.add_local_day_off(date!(2101 - 01 - 05), "测试".into());
    cal.add_local_day_off(date!(2026 - 11 - 18), "测试".into());
    cal
}

fn naive_add(cal: &Calendar, from: Date, n: u32) -> Date {
    let mut day = from;
    let mut left = n;
    while left > 0 {
        day = day.next_day().unwrap();
        if cal.status(day).working {
            left -= 1;
        }
    }
    day
}

fn naive_count(cal: &Calendar, s: Date, t: Date) -> u32 {
    let mut count = 0;
    let mut day = s;
    while day < t {
        day = day.next_day().unwrap();
        count += u32::from(cal.status(day).working);
    }
    count
}

proptest! {
    #[test]
    fn due_date_is_always_a_working_day(start in any_date(), n in 1u32..=400) {
        let cal = Calendar::builtin();
        let due = cal.add_working_days(start, n);
        prop_assert!(cal.is_working_day(due));
        prop_assert!(cal.status(due).working);
        prop_assert!(due > start);
    }

    #[test]
    fn k_paused_working_days_move_the_due_date_by_k_working_days(
        start in any_date(),
        base in 1u32..=60,
        offset in 0i64..80,
        length in 0i64..60,
        extension in 0u32..=MAX_EXTENSION,
    ) {
        let cal = Calendar::builtin();
        let plain = ClockInput { extension, ..input(start, base) };
        let from = start + time::Duration::days(offset);
        let to = from + time::Duration::days(length);
        let paused = ClockInput { pauses: vec![closed(from, to)], ..plain.clone() };
        let d0 = due_date(&cal, &plain).unwrap();
        let d1 = due_date(&cal, &paused).unwrap();
        let k = cal.working_days_after(from, to);
        prop_assert_eq!(d1.paused_days, k);
        prop_assert_eq!(cal.working_days_after(d0.due, d1.due), k);
        prop_assert_eq!(d1.due, cal.add_working_days(d0.due, k));
    }

    #[test]
    fn adding_a_then_b_equals_adding_a_plus_b(start in any_date(), a in 0u32..500, b in 0u32..500) {
        let cal = Calendar::builtin();
        prop_assert_eq!(
            cal.add_working_days(cal.add_working_days(start, a), b),
            cal.add_working_days(start, a + b)
        );
    }

    #[test]
    fn fast_index_equals_naive_stepping_2003_to_2028(start in any_date(), n in 0u32..400) {
        let cal = test_calendar();
        prop_assert_eq!(cal.add_working_days(start, n), naive_add(&cal, start, n));
    }

    #[test]
    fn fast_equals_naive_across_index_edges(
        start in prop_oneof![
            date_between(date!(1998 - 06 - 01), date!(2000 - 02 - 01)),
            date_between(date!(2100 - 06 - 01), date!(2101 - 03 - 01)),
        ],
        n in 0u32..400,
        span in 0i64..800,
    ) {
        let cal = test_calendar();
        prop_assert_eq!(cal.add_working_days(start, n), naive_add(&cal, start, n));
        let end = start + time::Duration::days(span);
        prop_assert_eq!(cal.working_days_after(start, end), naive_count(&cal, start, end));
        prop_assert_eq!(cal.is_working_day(start), cal.status(start).working);
    }

    #[test]
    fn working_days_after_equals_naive_count(s in any_date(), span in -30i64..800) {
        let cal = test_calendar();
        let t = s + time::Duration::days(span);
        prop_assert_eq!(cal.working_days_after(s, t), naive_count(&cal, s, t));
    }

    #[test]
    fn overdue_among_equals_naive_definition(
        clocks in proptest::collection::vec((any_date(), 0u32..80), 0..60),
        today in any_date(),
    ) {
        let cal = test_calendar();
        let expected: Vec<usize> = clocks
            .iter()
            .enumerate()
            .filter(|(_, (start, total))| naive_add(&cal, *start, *total) < today)
            .map(|(i, _)| i)
            .collect();
        prop_assert_eq!(overdue_among(&cal, &clocks, today), expected);
    }
}

#[test]
fn overdue_among_boundaries() {
    let cal = Calendar::builtin();
    let clocks = [
        (date!(2026 - 09 - 30), 20), // due 11-03
        (date!(2026 - 09 - 30), 23), // due Fri 11-06
        (date!(2026 - 11 - 03), 0),  // due 11-03 itself
        (date!(2026 - 11 - 04), 0),
    ];
    assert_eq!(
        overdue_among(&cal, &clocks, date!(2026 - 11 - 03)),
        Vec::<usize>::new()
    );
    assert_eq!(overdue_among(&cal, &clocks, date!(2026 - 11 - 04)), [0, 2]);
    // Saturday after a Friday due date: overdue.
    assert_eq!(
        overdue_among(&cal, &clocks, date!(2026 - 11 - 07)),
        [0, 1, 2, 3]
    );
}
