//! The statutory rules of 行政许可法 and 行政处罚法 with literal dates on the
//! built-in 2026 arrangement (中秋 09-25…27, 国庆 10-01…07, make-up working
//! days 09-20 Sunday and 10-10 Saturday).

use time::Date;
use time::macros::date;
use yangguang_kernel::calendar::Calendar;
use yangguang_kernel::clock::Pause;
use yangguang_powers::rules::*;

fn cal() -> Calendar {
    Calendar::builtin()
}

fn pause(from: Date, to: Date) -> Pause {
    Pause { from, to: Some(to) }
}

// ------------------------------------------------ 第三十二条 一次告知

#[test]
fn art32_notice_due_is_the_fifth_working_day_after_receipt_not_counting_receipt() {
    let c = cal();
    // 09-24 Thu: 09-28, 09-29, 09-30, 10-08, 10-09 (国庆 skipped).
    assert_eq!(notice_due(date!(2026 - 09 - 24), &c), date!(2026 - 10 - 09));
    // Received on 中秋 (online): the holiday itself is day 0.
    assert_eq!(notice_due(date!(2026 - 09 - 25), &c), date!(2026 - 10 - 09));
    // The make-up Sunday 09-20 is a working day.
    assert_eq!(notice_due(date!(2026 - 09 - 14), &c), date!(2026 - 09 - 20));
}

#[test]
fn art32_notice_on_the_last_day_or_on_the_spot_is_in_time_and_waits_for_supplement() {
    let c = cal();
    let received = date!(2026 - 09 - 24);
    for notice in [received, date!(2026 - 10 - 09)] {
        let a = accepted_on(received, Some(notice), &c).expect("valid");
        assert_eq!(
            a,
            Acceptance::AwaitingSupplement {
                notice_on: notice,
                notice_due: date!(2026 - 10 - 09)
            }
        );
        assert_eq!(a.accepted_on(), None);
        assert!(a.explain().contains("申请人提交全部补正材料之日受理"));
    }
}

#[test]
fn art32_late_notice_means_accepted_on_the_day_of_receipt() {
    let c = cal();
    let received = date!(2026 - 09 - 24);
    // 10-10 is a make-up Saturday: the sixth working day, one too late.
    let a = accepted_on(received, Some(date!(2026 - 10 - 10)), &c).expect("valid");
    assert_eq!(a.accepted_on(), Some(received));
    assert!(
        a.explain()
            .contains("自收到申请材料之日2026-09-24起即为受理"),
        "{}",
        a.explain()
    );
}

#[test]
fn art32_no_notice_within_the_limit_means_accepted_on_the_day_of_receipt() {
    let a = accepted_on(date!(2026 - 09 - 24), None, &cal()).expect("valid");
    assert_eq!(
        a,
        Acceptance::DeemedAccepted {
            on: date!(2026 - 09 - 24),
            notice_on: None,
            notice_due: date!(2026 - 10 - 09)
        }
    );
    assert!(a.explain().contains("至2026-10-09未一次告知"));
}

#[test]
fn art32_notice_dated_before_receipt_is_refused() {
    let e = accepted_on(date!(2026 - 09 - 24), Some(date!(2026 - 09 - 23)), &cal())
        .expect_err("before receipt");
    assert_eq!(e.code(), "invalid_notice_date");
    assert!(e.to_string().contains("第三十二条"), "{e}");
}

// ------------------------------------------------ 第四十二条、第四十五条 决定期限

#[test]
fn art42_decision_due_20_working_days_after_acceptance_across_national_day() {
    let d = licensing_due(date!(2026 - 09 - 25), false, &[], &cal()).expect("valid");
    // 09-28…09-30 (3), 10-08…10-29 (17) with the make-up 10-10.
    assert_eq!(d.due(), date!(2026 - 10 - 29));
    assert_eq!(d.clock.total_days(), 20);
    // RULES.md §1's example: 09-30 → 11-03.
    let d = licensing_due(date!(2026 - 09 - 30), false, &[], &cal()).expect("valid");
    assert_eq!(d.due(), date!(2026 - 11 - 03));
}

#[test]
fn art42_extension_adds_ten_working_days_exactly_once() {
    let d = licensing_due(date!(2026 - 09 - 25), true, &[], &cal()).expect("valid");
    assert_eq!(d.due(), date!(2026 - 11 - 12));
    assert_eq!(d.clock.extension, 10);
    assert_eq!(d.clock.total_days(), 30);
    let lines = d.explain();
    assert_eq!(
        lines.iter().filter(|l| l.starts_with("延长：")).count(),
        1,
        "{lines:?}"
    );
    assert!(lines.contains(&"合计：30个工作日".to_string()), "{lines:?}");
}

#[test]
fn art45_hearing_or_testing_period_is_not_counted_from_the_day_after_it_starts() {
    let c = cal();
    let p = [pause(date!(2026 - 10 - 09), date!(2026 - 10 - 16))];
    // (10-09, 10-16]: 10-10, 10-12…10-16 = 6 working days.
    let d = licensing_due(date!(2026 - 09 - 25), false, &p, &c).expect("valid");
    assert_eq!(d.clock.paused_days, 6);
    assert_eq!(d.due(), date!(2026 - 11 - 06));
    let d = licensing_due(date!(2026 - 09 - 25), true, &p, &c).expect("valid");
    assert_eq!(d.due(), date!(2026 - 11 - 20));
    let lines = d.explain();
    assert_eq!(
        lines,
        vec![
            "受理日：2026-09-25（受理当日不计入期限）".to_string(),
            "法定期限：20个工作日（《行政许可法》第四十二条；期限以工作日计算，不含法定节假日，第八十二条）".to_string(),
            "延长：10个工作日（经本行政机关负责人批准，并将延长期限的理由告知申请人，第四十二条）".to_string(),
            "不计入期限的听证、检验、检测、检疫、鉴定、专家评审等期间（第四十五条）：共6个工作日（2026-10-09 至 2026-10-16，6个工作日）".to_string(),
            "合计：36个工作日".to_string(),
            "到期日：2026-11-20（星期五）".to_string(),
        ]
    );
}

#[test]
fn art45_pause_boundaries_start_day_counts_end_day_is_paused_holidays_are_not() {
    let c = cal();
    let accepted = date!(2026 - 09 - 25);
    let due = |p: Pause| licensing_due(accepted, false, &[p], &c).expect("valid");
    // Started and ended the same day: nothing excluded.
    assert_eq!(
        due(pause(date!(2026 - 10 - 09), date!(2026 - 10 - 09))).due(),
        date!(2026 - 10 - 29)
    );
    // (10-08, 10-09]: the end day is excluded, the start day is not.
    let d = due(pause(date!(2026 - 10 - 08), date!(2026 - 10 - 09)));
    assert_eq!(d.clock.paused_days, 1);
    assert_eq!(d.due(), date!(2026 - 10 - 30));
    // (09-30, 10-08]: seven holidays inside, only 10-08 is a working day.
    let d = due(pause(date!(2026 - 09 - 30), date!(2026 - 10 - 08)));
    assert_eq!(d.clock.paused_days, 1);
    assert_eq!(d.due(), date!(2026 - 10 - 30));
}

#[test]
fn art45_overlapping_periods_are_excluded_once() {
    let p = [
        pause(date!(2026 - 10 - 09), date!(2026 - 10 - 16)),
        pause(date!(2026 - 10 - 14), date!(2026 - 10 - 20)),
    ];
    let d = licensing_due(date!(2026 - 09 - 25), false, &p, &cal()).expect("valid");
    // (10-09, 10-20]: 8 working days, not 6 + 4.
    assert_eq!(d.clock.paused_days, 8);
    assert_eq!(d.due(), date!(2026 - 11 - 10));
}

#[test]
fn art45_period_still_running_is_shown_and_does_not_move_the_date_yet() {
    let p = [Pause {
        from: date!(2026 - 10 - 09),
        to: None,
    }];
    let d = licensing_due(date!(2026 - 09 - 25), false, &p, &cal()).expect("valid");
    assert_eq!(d.due(), date!(2026 - 10 - 29));
    assert!(
        d.explain().contains(
            &"自2026-10-09起处于不计入期限的期间，该期间结束后到期日相应顺延".to_string()
        )
    );
}

#[test]
fn art45_period_ending_before_it_starts_or_before_acceptance_is_refused() {
    let c = cal();
    let e = licensing_due(
        date!(2026 - 09 - 25),
        false,
        &[pause(date!(2026 - 10 - 16), date!(2026 - 10 - 09))],
        &c,
    )
    .expect_err("ends before start");
    assert_eq!(e.code(), "invalid_pause");
    assert_eq!(
        e.to_string(),
        "不计入期限的期间无效：结束日期2026-10-09早于开始日期2026-10-16（《行政许可法》第四十五条）"
    );
    let e = licensing_due(
        date!(2026 - 09 - 25),
        false,
        &[pause(date!(2026 - 09 - 21), date!(2026 - 09 - 30))],
        &c,
    )
    .expect_err("before acceptance");
    assert!(e.to_string().contains("早于受理之日2026-09-25"), "{e}");
}

#[test]
fn art42_an_items_own_statutory_period_replaces_the_20_days() {
    let c = cal();
    let d = licensing_due_days(date!(2026 - 09 - 25), 30, false, &[], &c).expect("valid");
    assert_eq!(d.due(), date!(2026 - 11 - 12));
    assert!(d.explain()[1].starts_with("法定期限：30个工作日（法律、法规另有规定的，依照其规定"));
    let d = licensing_due_days(date!(2026 - 09 - 25), 30, true, &[], &c).expect("valid");
    assert_eq!(d.clock.total_days(), 40);
    let e = licensing_due_days(date!(2026 - 09 - 25), 0, false, &[], &c).expect_err("zero");
    assert_eq!(e.code(), "invalid_clock");
}

#[test]
fn art82_decision_due_in_a_year_without_arrangement_is_provisional() {
    let d = licensing_due(date!(2026 - 12 - 20), false, &[], &cal()).expect("valid");
    assert_eq!(d.due(), date!(2027 - 01 - 15));
    assert!(d.clock.provisional);
    assert!(
        d.explain()
            .contains(&"（暂定：2027年节假日安排尚未公布）".to_string())
    );
}

// ------------------------------------------------ 第四十四条、第四十七条、第四十八条

#[test]
fn art44_certificate_due_10_working_days_after_the_decision() {
    assert_eq!(
        certificate_due(date!(2026 - 09 - 30), &cal()),
        date!(2026 - 10 - 20)
    );
}

#[test]
fn art47_hearing_request_within_5_and_hearing_within_20_working_days() {
    let c = cal();
    assert_eq!(
        licensing_hearing_request_due(date!(2026 - 09 - 30), &c),
        date!(2026 - 10 - 13)
    );
    assert_eq!(
        licensing_hearing_due(date!(2026 - 10 - 13), &c),
        date!(2026 - 11 - 10)
    );
}

#[test]
fn art48_hearing_notice_at_least_7_working_days_before() {
    let c = cal();
    // Notice 09-30: the seventh working day after it is 10-15.
    assert!(hearing_notice_ok(
        date!(2026 - 09 - 30),
        date!(2026 - 10 - 15),
        &c
    ));
    assert!(!hearing_notice_ok(
        date!(2026 - 09 - 30),
        date!(2026 - 10 - 14),
        &c
    ));
    // An ordinary week: Monday 11-02 for Wednesday 11-11, not Tuesday 11-10.
    assert!(hearing_notice_ok(
        date!(2026 - 11 - 02),
        date!(2026 - 11 - 11),
        &c
    ));
    assert!(!hearing_notice_ok(
        date!(2026 - 11 - 02),
        date!(2026 - 11 - 10),
        &c
    ));
    // A notice on the hearing day is never in time.
    assert!(!hearing_notice_ok(
        date!(2026 - 11 - 11),
        date!(2026 - 11 - 11),
        &c
    ));
}

// ------------------------------------------------ RULES.md §7 审批层级

#[test]
fn rules7_tiers_parse_from_code_label_or_short_name_and_refuse_others() {
    assert_eq!(Tier::parse("ordinary"), Some(Tier::Ordinary));
    assert_eq!(Tier::parse(" IMPORTANT "), Some(Tier::Important));
    assert_eq!(
        Tier::parse("重大事项（局务会议集体决定）"),
        Some(Tier::Major)
    );
    assert_eq!(Tier::parse("重要事项"), Some(Tier::Important));
    assert_eq!(Tier::parse("特别重大"), None);
    for t in Tier::ALL {
        assert_eq!(Tier::parse(t.as_str()), Some(t));
        assert_eq!(Tier::parse(t.label()), Some(t));
    }
    assert_eq!(Tier::Ordinary.label(), "一般事项（窗口办理）");
    assert_eq!(Tier::Important.label(), "重要事项（许可工作小组集体审查）");
    let e = "urgent".parse::<Tier>().expect_err("unknown");
    assert!(e.to_string().starts_with("审批层级“urgent”无效"), "{e}");
}

// ------------------------------------------------ 行政处罚法 第六十条

#[test]
fn art60_penalty_due_90_calendar_days_after_filing_not_counting_filing_day() {
    assert_eq!(
        penalty_due(date!(2026 - 12 - 01), 0),
        Ok(date!(2027 - 03 - 01))
    );
    assert_eq!(
        penalty_due(date!(2026 - 01 - 01), 0),
        Ok(date!(2026 - 04 - 01))
    );
    // Calendar days, not three months: a leap February has 29.
    assert_eq!(
        penalty_due(date!(2027 - 12 - 15), 0),
        Ok(date!(2028 - 03 - 14))
    );
}

#[test]
fn art60_recorded_extension_adds_calendar_days_up_to_90() {
    assert_eq!(
        penalty_due(date!(2026 - 12 - 01), 30),
        Ok(date!(2027 - 03 - 31))
    );
    assert_eq!(
        penalty_due(date!(2026 - 12 - 01), 90),
        Ok(date!(2027 - 05 - 30))
    );
    let e = penalty_due(date!(2026 - 12 - 01), 91).expect_err("too long");
    assert_eq!(e.code(), "extension_out_of_range");
    assert!(e.to_string().contains("延长91日超出范围"), "{e}");
    assert!(e.to_string().contains("第六十条"), "{e}");
    assert_eq!(
        penalty_due(Date::MAX, 0),
        Err(RuleError::DateOutOfRange(Date::MAX))
    );
}

#[test]
fn art60_extension_as_typed_is_none_when_empty_and_refused_outside_1_to_90() {
    assert_eq!(parse_extension_days(None), Ok(0));
    assert_eq!(parse_extension_days(Some("  ")), Ok(0));
    assert_eq!(parse_extension_days(Some(" 30 ")), Ok(30));
    assert_eq!(parse_extension_days(Some("90")), Ok(90));
    for bad in ["0", "91"] {
        let e = parse_extension_days(Some(bad)).expect_err(bad);
        assert_eq!(e.code(), "extension_out_of_range", "{bad}");
    }
    let e = parse_extension_days(Some("-5")).expect_err("negative");
    assert_eq!(e.code(), "invalid_number");
    assert!(e.to_string().starts_with("延长天数“-5”无效"), "{e}");
}

#[test]
fn art60_due_on_a_holiday_is_not_shifted_and_the_explanation_says_so() {
    let p = penalty_clock(date!(2026 - 07 - 03), 0).expect("valid");
    assert_eq!(p.due, date!(2026 - 10 - 01));
    let lines = p.explain(&cal());
    assert_eq!(lines[0], "立案日：2026-07-03（立案当日不计入期限）");
    assert!(lines.contains(&"到期日：2026-10-01（星期四）".to_string()));
    assert!(
        lines.iter().any(|l| l.starts_with("到期日为国庆节假期")),
        "{lines:?}"
    );
    let p = penalty_clock(date!(2026 - 12 - 01), 30).expect("valid");
    let lines = p.explain(&cal());
    assert!(lines.contains(&"合计：120日".to_string()), "{lines:?}");
    assert!(
        !lines.iter().any(|l| l.starts_with("到期日为")),
        "{lines:?}"
    );
}

// ------------------------------------------------ 第八十五条 working-day windows

#[test]
fn art64_hearing_request_within_5_working_days_after_being_told() {
    assert_eq!(
        penalty_hearing_request_due(date!(2026 - 09 - 30), &cal()),
        date!(2026 - 10 - 13)
    );
}

#[test]
fn art64_hearing_notice_at_least_7_working_days_before() {
    let c = cal();
    assert!(penalty_hearing_notice_ok(
        date!(2026 - 09 - 30),
        date!(2026 - 10 - 15),
        &c
    ));
    assert!(!penalty_hearing_notice_ok(
        date!(2026 - 09 - 30),
        date!(2026 - 10 - 14),
        &c
    ));
}

#[test]
fn art61_service_within_7_working_days_after_pronouncement() {
    assert_eq!(
        service_due(date!(2026 - 09 - 28), &cal()),
        date!(2026 - 10 - 13)
    );
}

#[test]
fn art48_withdrawal_within_3_working_days_lands_on_the_make_up_saturday() {
    assert_eq!(
        withdrawal_due(date!(2026 - 09 - 30), &cal()),
        date!(2026 - 10 - 10)
    );
}

#[test]
fn art56_preserved_evidence_decision_within_7_working_days() {
    assert_eq!(
        preservation_decision_due(date!(2026 - 09 - 30), &cal()),
        date!(2026 - 10 - 15)
    );
}

// ------------------------------------------------ 第六十三条 听证

#[test]
fn art63_fine_qualifies_from_the_threshold_itself_upwards() {
    let t = LargerAmounts::default().of(Party::Individual);
    assert_eq!(t, 10_000);
    assert!(hearing_right(PenaltyKind::Fine, Some(10_000), t));
    assert!(!hearing_right(PenaltyKind::Fine, Some(9_999), t));
    assert!(!hearing_right(PenaltyKind::Fine, None, t));
    let t = LargerAmounts::default().of(Party::Organisation);
    assert_eq!(t, 30_000);
    assert!(!hearing_right(PenaltyKind::Fine, Some(29_999), t));
    assert!(hearing_right(PenaltyKind::Confiscation, Some(30_000), t));
    assert!(!hearing_right(PenaltyKind::Confiscation, Some(100), t));
    // The threshold is the caller's: a province setting 50,000 yuan.
    assert!(!hearing_right(PenaltyKind::Fine, Some(30_000), 50_000));
}

#[test]
fn art63_the_larger_amounts_entered_must_be_whole_yuan_within_reason_and_cite_their_document() {
    assert_eq!(LargerAmounts::default().check(), Ok(()));
    let bad = LargerAmounts {
        organisation_yuan: 0,
        ..LargerAmounts::default()
    };
    assert_eq!(
        bad.check(),
        Err("对法人或者其他组织的较大数额应为1至100000000之间的整数（元）".into())
    );
    let uncited = LargerAmounts {
        basis: "  ".into(),
        ..LargerAmounts::default()
    };
    assert!(
        uncited
            .check()
            .is_err_and(|m| m.contains("规定较大数额的文件"))
    );
    // A province's own figures decide: 50,000 元 for an organisation.
    let province = LargerAmounts {
        individual_yuan: 5_000,
        organisation_yuan: 50_000,
        basis: "省人民政府规定".into(),
    };
    let t = province.of(Party::Organisation);
    assert!(!hearing_right(PenaltyKind::Fine, Some(40_000), t));
    assert!(hearing_right(PenaltyKind::Fine, Some(50_000), t));
}

#[test]
fn art63_heavy_penalties_qualify_whatever_the_amount_and_warnings_never() {
    for kind in [
        PenaltyKind::LowerQualification,
        PenaltyKind::RevokeLicence,
        PenaltyKind::SuspendProduction,
        PenaltyKind::Close,
        PenaltyKind::RestrictPractice,
        PenaltyKind::OtherHeavy,
        PenaltyKind::ByLaw,
    ] {
        assert!(hearing_right(kind, None, 10_000), "{kind:?}");
    }
    assert!(!hearing_right(
        PenaltyKind::Warning,
        Some(1_000_000),
        10_000
    ));
}

// ------------------------------------------------ 第五十七条、第五十八条

#[test]
fn art58_legal_review_needs_major_rights_and_a_hearing_together() {
    let f = CaseFacts {
        major_rights: true,
        ..CaseFacts::default()
    };
    assert!(!legal_review_required(&f));
    let f = CaseFacts { heard: true, ..f };
    assert!(legal_review_required(&f));
    assert_eq!(
        legal_review_grounds(&f),
        vec!["直接关系当事人或者第三人重大权益，经过听证程序（第五十八条第一款第（二）项）"]
    );
    assert!(!legal_review_required(&CaseFacts {
        heard: true,
        ..CaseFacts::default()
    }));
}

#[test]
fn art58_each_other_ground_alone_requires_legal_review() {
    assert!(!legal_review_required(&CaseFacts::default()));
    for f in [
        CaseFacts {
            major_public_interest: true,
            ..CaseFacts::default()
        },
        CaseFacts {
            difficult: true,
            ..CaseFacts::default()
        },
        CaseFacts {
            review_by_law: true,
            ..CaseFacts::default()
        },
    ] {
        assert!(legal_review_required(&f), "{f:?}");
        assert_eq!(legal_review_grounds(&f).len(), 1, "{f:?}");
    }
    let all = CaseFacts {
        major_public_interest: true,
        major_rights: true,
        heard: true,
        difficult: true,
        review_by_law: true,
        ..CaseFacts::default()
    };
    assert_eq!(legal_review_grounds(&all).len(), 4);
}

#[test]
fn art57_collective_decision_for_complex_or_major_cases_that_are_penalised() {
    let penalised = CaseFacts {
        penalty_intended: true,
        ..CaseFacts::default()
    };
    assert!(!collective_decision_required(&penalised));
    assert!(collective_decision_required(&CaseFacts {
        complicated: true,
        ..penalised
    }));
    assert!(collective_decision_required(&CaseFacts {
        major_violation: true,
        ..penalised
    }));
    // 不予处罚 or 移送: not a penalty, no collective decision under Art 57.
    assert!(!collective_decision_required(&CaseFacts {
        complicated: true,
        major_violation: true,
        ..CaseFacts::default()
    }));
}

// ------------------------------------------------ 服务承诺、限时办结

#[test]
fn rules7_promised_limit_counts_working_days_from_acceptance() {
    let c = cal();
    assert_eq!(
        promised_due(date!(2026 - 09 - 25), 10, &c),
        date!(2026 - 10 - 15)
    );
    // 即办: the promise is the day of acceptance.
    assert_eq!(
        promised_due(date!(2026 - 09 - 25), 0, &c),
        date!(2026 - 09 - 25)
    );
}

#[test]
fn rules7_on_time_includes_the_due_date_itself() {
    assert!(on_time(date!(2026 - 10 - 15), date!(2026 - 10 - 15)));
    assert!(!on_time(date!(2026 - 10 - 16), date!(2026 - 10 - 15)));
}

#[test]
fn rules7_overdue_flags_open_cases_after_the_due_date_and_late_decisions() {
    let due = date!(2026 - 10 - 15);
    assert!(!overdue(due, date!(2026 - 10 - 15), None));
    assert!(overdue(due, date!(2026 - 10 - 16), None));
    // Decided in time stays on time however late we look.
    assert!(!overdue(
        due,
        date!(2027 - 01 - 01),
        Some(date!(2026 - 10 - 15))
    ));
    assert!(overdue(
        due,
        date!(2026 - 10 - 16),
        Some(date!(2026 - 10 - 16))
    ));
}
