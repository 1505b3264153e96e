//! RULES.md §5 rules against an independent, straightforward reading of
//! the text, over every combination up to 15 members.

use time::macros::date;
use time::{Date, Duration};
use yangguang_decisions::rules::*;
use yangguang_kernel::calendar::Calendar;

#[allow(clippy::too_many_arguments)]
/// The expected outcome, written from the text of §5 without reusing any
/// code of the crate.
fn reference(
    meeting: MeetingType,
    personnel: bool,
    e: u32,
    p: u32,
    f: u32,
    a: u32,
    ab: u32,
    head: Option<HeadDecision>,
) -> Result<(&'static str, bool), &'static str> {
    if p > e {
        return Err("present>expected");
    }
    if f + a + ab > p {
        return Err("votes>present");
    }
    // Quorum: 半数以上 = at least half, 三分之二以上 = at least two thirds.
    let quorum = match meeting {
        MeetingType::Business => true,
        MeetingType::Party if personnel => e > 0 && p > 0 && 3 * p >= 2 * e,
        _ => e > 0 && p > 0 && 2 * p >= e,
    };
    if !quorum {
        return Ok(("no-quorum", false));
    }
    match meeting {
        MeetingType::Party => Ok((if 2 * f > e { "passed" } else { "not-passed" }, false)),
        MeetingType::Joint => Ok((if 2 * f > p { "passed" } else { "not-passed" }, false)),
        MeetingType::Executive | MeetingType::Business => match head {
            None => Err("head missing"),
            Some(HeadDecision::Adopt) => Ok(("passed", a > f)),
            Some(HeadDecision::Reject) => Ok(("not-passed", f > a)),
        },
    }
}

#[test]
fn tally_matches_the_text_of_rules_5_for_every_count_up_to_15() {
    let mut checked = 0u64;
    for meeting in MeetingType::ALL {
        let rules = ProcedureRules::default_for(meeting);
        let heads: &[Option<HeadDecision>] = match meeting {
            MeetingType::Executive | MeetingType::Business => {
                &[None, Some(HeadDecision::Adopt), Some(HeadDecision::Reject)]
            }
            _ => &[None],
        };
        for personnel in [false, true] {
            for e in 0..=15u32 {
                for p in 0..=15u32 {
                    for f in 0..=15u32 {
                        for a in 0..=15u32 {
                            for ab in 0..=15u32 {
                                for &h in heads {
                                    let count = Count {
                                        expected: e,
                                        present: p,
                                        for_: f,
                                        against: a,
                                        abstain: ab,
                                    };
                                    let got = tally(&rules, personnel, count, h);
                                    let want = reference(meeting, personnel, e, p, f, a, ab, h);
                                    match (got, want) {
                                        (Ok(t), Ok((o, against))) => {
                                            assert_eq!(
                                                t.outcome.as_str(),
                                                o,
                                                "{meeting:?} personnel={personnel} {count:?} {h:?}"
                                            );
                                            assert_eq!(
                                                t.against_majority, against,
                                                "{meeting:?} {count:?} {h:?}"
                                            );
                                            let close =
                                                f > 0 && a > 0 && (f as i64 - a as i64).abs() <= 1;
                                            assert_eq!(t.close, close, "{count:?}");
                                        }
                                        (Err(g), Err(w)) => {
                                            let g = match g {
                                                TallyError::PresentExceedsExpected => {
                                                    "present>expected"
                                                }
                                                TallyError::VotesExceedPresent => "votes>present",
                                                TallyError::HeadDecisionMissing => "head missing",
                                            };
                                            assert_eq!(g, w, "{meeting:?} {count:?}");
                                        }
                                        (g, w) => panic!(
                                            "{meeting:?} personnel={personnel} {count:?} {h:?}: got {g:?}, want {w:?}"
                                        ),
                                    }
                                    checked += 1;
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    assert!(checked > 8_000_000);
}

fn count(e: u32, p: u32, f: u32, a: u32, ab: u32) -> Count {
    Count {
        expected: e,
        present: p,
        for_: f,
        against: a,
        abstain: ab,
    }
}

#[test]
fn quorum_half_includes_the_half_itself_four_of_eight() {
    let r = ProcedureRules::default_for(MeetingType::Party);
    let t = tally(&r, false, count(8, 4, 4, 0, 0), None).unwrap();
    assert!(t.quorum_met);
    // 4 for out of 8 expected is not more than half: not passed.
    assert_eq!(t.outcome, Outcome::NotPassed);
    let t = tally(&r, false, count(8, 3, 3, 0, 0), None).unwrap();
    assert_eq!(t.outcome, Outcome::NoQuorum);
}

#[test]
fn personnel_in_party_meeting_needs_two_thirds_six_of_nine() {
    let r = ProcedureRules::default_for(MeetingType::Party);
    assert!(
        tally(&r, true, count(9, 6, 6, 0, 0), None)
            .unwrap()
            .quorum_met
    );
    let t = tally(&r, true, count(9, 5, 5, 0, 0), None).unwrap();
    assert_eq!(t.outcome, Outcome::NoQuorum);
    // Not personnel: 5 of 9 is a quorum.
    assert_eq!(
        tally(&r, false, count(9, 5, 5, 0, 0), None)
            .unwrap()
            .outcome,
        Outcome::Passed
    );
}

#[test]
fn party_meeting_counts_for_against_those_who_should_attend_not_present() {
    let r = ProcedureRules::default_for(MeetingType::Party);
    // 5 present of 9, all for: 5 > 4.5 passes; 4 for of 9 does not,
    // although 4 of 5 present is a large majority.
    assert_eq!(
        tally(&r, false, count(9, 5, 5, 0, 0), None)
            .unwrap()
            .outcome,
        Outcome::Passed
    );
    assert_eq!(
        tally(&r, false, count(9, 5, 4, 1, 0), None)
            .unwrap()
            .outcome,
        Outcome::NotPassed
    );
}

#[test]
fn joint_meeting_counts_against_those_present_so_abstention_never_helps() {
    let r = ProcedureRules::default_for(MeetingType::Joint);
    assert_eq!(
        tally(&r, false, count(9, 6, 4, 0, 2), None)
            .unwrap()
            .outcome,
        Outcome::Passed
    );
    assert_eq!(
        tally(&r, false, count(9, 6, 3, 0, 3), None)
            .unwrap()
            .outcome,
        Outcome::NotPassed
    );
    // A present member who does not vote counts as present.
    assert_eq!(
        tally(&r, false, count(9, 6, 3, 0, 0), None)
            .unwrap()
            .outcome,
        Outcome::NotPassed
    );
}

#[test]
fn executive_head_decides_and_against_majority_flags_reason() {
    let r = ProcedureRules::default_for(MeetingType::Executive);
    let t = tally(&r, false, count(7, 7, 2, 5, 0), Some(HeadDecision::Adopt)).unwrap();
    assert_eq!(t.outcome, Outcome::Passed);
    assert!(t.against_majority);
    assert!(t.explain().iter().any(|l| l.contains("须写明理由")));
    let t = tally(&r, false, count(7, 7, 5, 2, 0), Some(HeadDecision::Adopt)).unwrap();
    assert!(!t.against_majority);
    assert_eq!(
        tally(&r, false, count(7, 7, 5, 2, 0), None),
        Err(TallyError::HeadDecisionMissing)
    );
    // Without quorum the head cannot decide either.
    let t = tally(&r, false, count(7, 3, 3, 0, 0), Some(HeadDecision::Adopt)).unwrap();
    assert_eq!(t.outcome, Outcome::NoQuorum);
}

#[test]
fn more_votes_than_present_or_more_present_than_expected_is_refused() {
    let r = ProcedureRules::default_for(MeetingType::Joint);
    assert_eq!(
        tally(&r, false, count(5, 6, 0, 0, 0), None),
        Err(TallyError::PresentExceedsExpected)
    );
    assert_eq!(
        tally(&r, false, count(5, 3, 2, 1, 1), None),
        Err(TallyError::VotesExceedPresent)
    );
}

#[test]
fn recused_members_count_neither_as_expected_nor_present() {
    // 9 members, 2 recused of whom 1 was at the meeting.
    assert_eq!(net_of_recusal(9, 6, 2, 1), (7, 5));
    let r = ProcedureRules::default_for(MeetingType::Party);
    let (e, p) = net_of_recusal(9, 6, 2, 1);
    // 4 for of 7 expected passes (it would not of 9).
    assert_eq!(
        tally(&r, false, count(e, p, 4, 1, 0), None)
            .unwrap()
            .outcome,
        Outcome::Passed
    );
}

#[test]
fn close_vote_warns_the_chair() {
    let r = ProcedureRules::default_for(MeetingType::Joint);
    let t = tally(&r, false, count(9, 9, 5, 4, 0), None).unwrap();
    assert!(t.close);
    assert!(t.explain().iter().any(|l| l.contains("票数接近")));
    assert!(!tally(&r, false, count(9, 9, 6, 3, 0), None).unwrap().close);
}

#[test]
fn finance_scope_is_100000_yuan_inclusive_and_the_rule_is_named() {
    let s = scope(TopicKind::Finance, Some(100_000 * 100), false);
    assert!(s.required);
    assert!(s.rule.contains("10 万元以上"));
    let s = scope(TopicKind::Finance, Some(100_000 * 100 - 1), false);
    assert!(!s.required);
    assert!(s.rule.contains("不足 10 万元"));
    let s = scope(TopicKind::Finance, Some(5_000 * 100), true);
    assert!(s.required);
    assert!(s.rule.contains("政府采购"));
    for k in [
        TopicKind::Powers,
        TopicKind::Personnel,
        TopicKind::Instruction,
        TopicKind::Other,
    ] {
        let s = scope(k, None, false);
        assert!(s.required, "{k:?}");
        assert!(s.rule.contains(k.label()) || k == TopicKind::Other);
    }
}

#[test]
fn amounts_parse_in_yuan_to_fen() {
    assert_eq!(parse_yuan("100000").unwrap(), 10_000_000);
    assert_eq!(parse_yuan("1,000.5").unwrap(), 100_050);
    assert_eq!(parse_yuan("12.34元").unwrap(), 1234);
    for bad in ["", "-1", "1.234", "abc", "1e5"] {
        let e = parse_yuan(bad).unwrap_err();
        assert!(e.to_string().contains("金额"), "{bad}");
    }
    assert_eq!(fmt_yuan(10_000_000), "100000.00元");
}

#[test]
fn monday_notice_for_tuesday_is_in_time_same_day_is_not() {
    let cal = Calendar::builtin();
    // 2026-11-23 is a Monday.
    assert!(notice_in_time(
        &cal,
        date!(2026 - 11 - 23),
        date!(2026 - 11 - 24)
    ));
    assert!(!notice_in_time(
        &cal,
        date!(2026 - 11 - 24),
        date!(2026 - 11 - 24)
    ));
    // Friday notice for Monday: the next working day after Friday is Monday.
    assert!(notice_in_time(
        &cal,
        date!(2026 - 11 - 20),
        date!(2026 - 11 - 23)
    ));
    // Saturday notice for Monday: in time (Monday is the first working day after).
    assert!(notice_in_time(
        &cal,
        date!(2026 - 11 - 21),
        date!(2026 - 11 - 23)
    ));
    // Across the National Day holiday (10-01…10-07 off): a 09-30 notice is
    // in time for 10-08 but not for a meeting on a holiday.
    assert!(notice_in_time(
        &cal,
        date!(2026 - 09 - 30),
        date!(2026 - 10 - 08)
    ));
    assert!(!notice_in_time(
        &cal,
        date!(2026 - 09 - 30),
        date!(2026 - 10 - 07)
    ));
}

#[test]
fn late_notice_is_refused_without_a_special_reason_and_names_the_latest_date() {
    let cal = Calendar::builtin();
    let m = date!(2026 - 11 - 24);
    let e = check_notice(&cal, m, m, None).unwrap_err();
    assert!(e.to_string().contains("最迟应于 2026-11-23"), "{e}");
    assert!(check_notice(&cal, m, m, Some("  ")).is_err());
    assert_eq!(
        check_notice(&cal, m, m, Some("上级紧急部署")).unwrap(),
        NoticeTiming::SpecialLate
    );
    assert_eq!(
        check_notice(&cal, date!(2026 - 11 - 23), m, None).unwrap(),
        NoticeTiming::InTime
    );
    let e = check_notice(&cal, date!(2026 - 11 - 25), m, Some("x")).unwrap_err();
    assert!(e.to_string().contains("晚于会议日期"));
}

#[test]
fn latest_notice_date_is_the_last_date_in_time_for_every_day_of_two_years() {
    let cal = Calendar::builtin();
    let mut m: Date = date!(2025 - 01 - 10);
    while m < date!(2026 - 12 - 31) {
        let l = latest_notice_date(&cal, m);
        assert!(notice_in_time(&cal, l, m), "{m}");
        assert!(!notice_in_time(&cal, l + Duration::days(1), m), "{m}");
        m += Duration::days(1);
    }
}

#[test]
fn publicity_lasts_two_working_days_and_minutes_are_numbered_by_year() {
    let cal = Calendar::builtin();
    // Issued Friday 2026-11-20: Monday and Tuesday.
    assert_eq!(
        publicity_ends(&cal, date!(2026 - 11 - 20)),
        date!(2026 - 11 - 24)
    );
    assert_eq!(minutes_no(2026, 3), "〔2026〕第3期");
    assert!(overdue(date!(2026 - 11 - 20), date!(2026 - 11 - 21), false));
    assert!(!overdue(
        date!(2026 - 11 - 20),
        date!(2026 - 11 - 20),
        false
    ));
    assert!(!overdue(date!(2026 - 11 - 20), date!(2026 - 11 - 21), true));
}
