use proptest::prelude::*;
use time::macros::date;
use yangguang_kernel::calendar::Calendar;
use yangguang_kernel::clock::ClockStatus;

use super::*;

fn cal() -> Calendar {
    Calendar::builtin()
}

fn facts(received: Date) -> ClockFacts {
    ClockFacts {
        received,
        supplement_requested: None,
        supplement_received: None,
        pauses: Vec::new(),
        extension: 0,
    }
}

fn due_on(f: &ClockFacts, today: Date) -> Date {
    due(&cal(), f, today).map(|d| d.due).unwrap_or(Date::MIN)
}

fn err(r: Result<impl std::fmt::Debug>) -> String {
    match r {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => e.to_string(),
    }
}

// --- numbers and codes ------------------------------------------------------

#[test]
fn application_number_is_ysq_year_and_six_digits() {
    assert_eq!(format_app_no(2026, 123), "YSQ-2026-000123");
    assert_eq!(format_app_no(2026, 1_234_567), "YSQ-2026-1234567");
    assert_eq!(parse_app_no(" ysq-2026-000123 "), Some((2026, 123)));
    for bad in [
        "",
        "YSQ-2026-123",
        "YSQ-26-000123",
        "YSQ-2026-000000",
        "ABC-2026-000123",
        "YSQ-2026-00012a",
        "YSQ2026000123",
    ] {
        assert_eq!(parse_app_no(bad), None, "{bad}");
    }
}

#[test]
fn query_code_uses_an_unambiguous_alphabet_and_normalises_typing() {
    let c = query_code_from(&[0, 1, 2, 3, 250, 251, 254, 255]);
    assert_eq!(c.len(), QUERY_CODE_LEN);
    assert!(!c.contains(['0', 'O', '1', 'I', 'L']));
    assert_eq!(normalise_query_code(&c.to_lowercase()), Some(c.clone()));
    assert_eq!(normalise_query_code("ABCD-EFGH"), Some("ABCDEFGH".into()));
    assert_eq!(normalise_query_code("ABCDEFG"), None);
    assert_eq!(normalise_query_code("ABCDEFG0"), None);
}

// --- Art 31: date of receipt ------------------------------------------------

fn ev(arrived: Date, signed: Option<Date>, confirmed: Option<Date>) -> ReceiptEvidence {
    ReceiptEvidence {
        arrived,
        signed_for: signed,
        confirmed,
    }
}

#[test]
fn receipt_in_person_and_online_is_the_day_submitted() {
    let today = date!(2026 - 10 - 20);
    for ch in [Channel::InPerson, Channel::Online] {
        let d = receipt_date(ch, ev(date!(2026 - 10 - 09), None, None), today);
        assert_eq!(d.ok(), Some(date!(2026 - 10 - 09)));
    }
}

#[test]
fn receipt_by_registered_post_is_the_day_signed_for() {
    let today = date!(2026 - 10 - 20);
    let d = receipt_date(
        Channel::RegisteredPost,
        ev(date!(2026 - 10 - 09), Some(date!(2026 - 10 - 12)), None),
        today,
    );
    assert_eq!(d.ok(), Some(date!(2026 - 10 - 12)));
    let e = err(receipt_date(
        Channel::RegisteredPost,
        ev(date!(2026 - 10 - 09), None, None),
        today,
    ));
    assert!(e.contains("请填写签收日期"), "{e}");
}

#[test]
fn receipt_by_ordinary_letter_or_fax_is_the_day_confirmed_with_the_applicant() {
    let today = date!(2026 - 10 - 20);
    for ch in [Channel::OrdinaryLetter, Channel::Fax] {
        let d = receipt_date(
            ch,
            ev(date!(2026 - 10 - 09), None, Some(date!(2026 - 10 - 14))),
            today,
        );
        assert_eq!(d.ok(), Some(date!(2026 - 10 - 14)));
        let e = err(receipt_date(
            ch,
            ev(date!(2026 - 10 - 09), None, None),
            today,
        ));
        assert!(e.contains("与申请人确认的日期"), "{e}");
    }
}

#[test]
fn receipt_dates_before_arrival_or_in_the_future_are_refused() {
    let today = date!(2026 - 10 - 20);
    let e = err(receipt_date(
        Channel::OrdinaryLetter,
        ev(date!(2026 - 10 - 09), None, Some(date!(2026 - 10 - 08))),
        today,
    ));
    assert!(e.contains("早于申请到达之日"), "{e}");
    let e = err(receipt_date(
        Channel::InPerson,
        ev(date!(2026 - 10 - 21), None, None),
        today,
    ));
    assert!(e.contains("晚于今天"), "{e}");
    let e = err(receipt_date(
        Channel::RegisteredPost,
        ev(date!(2026 - 10 - 19), Some(date!(2026 - 10 - 21)), None),
        today,
    ));
    assert!(e.contains("晚于今天"), "{e}");
}

// --- the clock ----------------------------------------------------------------

#[test]
fn reply_is_due_20_working_days_after_receipt_across_national_day() {
    assert_eq!(
        due_on(&facts(date!(2026 - 09 - 30)), date!(2026 - 10 - 01)),
        date!(2026 - 11 - 03)
    );
}

#[test]
fn supplement_notice_is_due_by_the_7th_working_day() {
    assert_eq!(
        supplement_notice_by(&cal(), date!(2026 - 09 - 30)),
        date!(2026 - 10 - 15)
    );
    let f = facts(date!(2026 - 09 - 30));
    assert!(check_supplement_request(&cal(), &f, date!(2026 - 10 - 15), 15).is_ok());
    let e = err(check_supplement_request(
        &cal(),
        &f,
        date!(2026 - 10 - 16),
        15,
    ));
    assert!(e.contains("2026-10-15前"), "{e}");
}

#[test]
fn supplement_notice_is_one_time_only_and_its_period_is_bounded() {
    let mut f = facts(date!(2026 - 09 - 30));
    let e = err(check_supplement_request(
        &cal(),
        &f,
        date!(2026 - 10 - 09),
        0,
    ));
    assert!(e.contains("补正期限"), "{e}");
    assert!(check_supplement_request(&cal(), &f, date!(2026 - 10 - 09), 61).is_err());
    let deadline =
        check_supplement_request(&cal(), &f, date!(2026 - 10 - 09), 15).unwrap_or(Date::MIN);
    assert_eq!(deadline, cal().add_working_days(date!(2026 - 10 - 09), 15));
    f.supplement_requested = Some((date!(2026 - 10 - 09), deadline));
    let e = err(check_supplement_request(
        &cal(),
        &f,
        date!(2026 - 10 - 12),
        15,
    ));
    assert!(e.contains("一次性"), "{e}");
    let e = err(check_supplement_request(
        &cal(),
        &facts(date!(2026 - 10 - 09)),
        date!(2026 - 10 - 08),
        15,
    ));
    assert!(e.contains("早于收到申请之日"), "{e}");
}

#[test]
fn supplement_received_restarts_the_clock_and_drops_earlier_pauses() {
    let mut f = facts(date!(2026 - 09 - 30));
    f.pauses.push(ClockPause {
        kind: PauseKind::ThirdParty,
        from: date!(2026 - 10 - 09),
        to: Some(date!(2026 - 10 - 12)),
        limit: date!(2026 - 10 - 30),
    });
    f.supplement_requested = Some((date!(2026 - 10 - 09), date!(2026 - 10 - 30)));
    f.supplement_received = Some(date!(2026 - 10 - 20));
    assert_eq!(
        due_on(&f, date!(2026 - 10 - 21)),
        cal().add_working_days(date!(2026 - 10 - 20), 20)
    );
}

#[test]
fn pending_supplement_stops_the_clock_until_it_arrives() {
    let mut f = facts(date!(2026 - 09 - 30));
    f.supplement_requested = Some((date!(2026 - 10 - 09), date!(2026 - 10 - 30)));
    let s = status(&cal(), &f, date!(2026 - 11 - 20)).ok();
    assert!(
        matches!(s, Some(ClockStatus::Paused { since, .. }) if since == date!(2026 - 10 - 09)),
        "{s:?}"
    );
}

#[test]
fn no_supplement_by_its_deadline_lapses_as_other_1() {
    let mut f = facts(date!(2026 - 09 - 30));
    f.supplement_requested = Some((date!(2026 - 10 - 09), date!(2026 - 10 - 30)));
    assert_eq!(lapse(&f, date!(2026 - 10 - 30)), None);
    assert_eq!(lapse(&f, date!(2026 - 10 - 31)), Some(Lapse::NoSupplement));
    f.supplement_received = Some(date!(2026 - 10 - 29));
    assert_eq!(lapse(&f, date!(2026 - 11 - 30)), None);
}

#[test]
fn third_party_consultation_pauses_the_rules_example_to_11_11_and_extension_to_11_25() {
    let mut f = facts(date!(2026 - 09 - 30));
    f.pauses.push(ClockPause {
        kind: PauseKind::ThirdParty,
        from: date!(2026 - 10 - 09),
        to: Some(date!(2026 - 10 - 16)),
        limit: consultation_limit(&cal(), date!(2026 - 10 - 09)),
    });
    assert_eq!(due_on(&f, date!(2026 - 10 - 20)), date!(2026 - 11 - 11));
    f.extension = 10;
    assert_eq!(due_on(&f, date!(2026 - 10 - 20)), date!(2026 - 11 - 25));
    assert_eq!(
        due_date_command(&f, date!(2026 - 10 - 20)),
        "yangguang rules due-date --received 2026-09-30 --pause 2026-10-09..2026-10-16 --extend 10"
    );
}

#[test]
fn unanswered_consultation_ends_at_its_15_working_day_limit() {
    let sent = date!(2026 - 10 - 09);
    let limit = consultation_limit(&cal(), sent);
    assert_eq!(limit, date!(2026 - 10 - 29));
    for kind in [PauseKind::ThirdParty, PauseKind::OtherAgency] {
        let mut f = facts(date!(2026 - 09 - 30));
        f.pauses.push(ClockPause {
            kind,
            from: sent,
            to: None,
            limit,
        });
        // Still within the limit: paused.
        assert!(matches!(
            status(&cal(), &f, limit),
            Ok(ClockStatus::Paused { .. })
        ));
        // Past it: silence, the pause ends on the limit (15 working days).
        let expected = cal().add_working_days(date!(2026 - 09 - 30), 20 + 15);
        assert_eq!(due_on(&f, date!(2026 - 11 - 02)), expected);
    }
}

#[test]
fn fee_notice_pauses_until_paid_and_lapses_unpaid_as_other_2() {
    let mut f = facts(date!(2026 - 09 - 30));
    let limit = check_pause_start(
        &cal(),
        &f,
        PauseKind::Fee,
        date!(2026 - 10 - 09),
        DEFAULT_FEE_PAY_WORKING_DAYS,
    )
    .unwrap_or(Date::MIN);
    assert_eq!(limit, cal().add_working_days(date!(2026 - 10 - 09), 20));
    f.pauses.push(ClockPause {
        kind: PauseKind::Fee,
        from: date!(2026 - 10 - 09),
        to: None,
        limit,
    });
    // Unpaid: the fee pause does not lapse into the clock by itself.
    assert!(matches!(
        status(&cal(), &f, date!(2026 - 12 - 01)),
        Ok(ClockStatus::Paused { .. })
    ));
    assert_eq!(lapse(&f, limit), None);
    assert_eq!(
        lapse(&f, limit.next_day().unwrap_or(limit)),
        Some(Lapse::FeeUnpaid)
    );
    let e = err(check_pause_start(
        &cal(),
        &f,
        PauseKind::Fee,
        date!(2026 - 10 - 12),
        20,
    ));
    assert!(e.contains("请先登记其结果"), "{e}");
    f.pauses[0].to = Some(date!(2026 - 10 - 16));
    assert_eq!(due_on(&f, date!(2026 - 10 - 20)), date!(2026 - 11 - 11));
    let e = err(check_pause_start(
        &cal(),
        &f,
        PauseKind::Fee,
        date!(2026 - 10 - 20),
        20,
    ));
    assert!(e.contains("已发出过收费通知"), "{e}");
}

#[test]
fn pauses_cannot_start_before_the_clock_or_end_before_they_start() {
    let f = facts(date!(2026 - 09 - 30));
    let e = err(check_pause_start(
        &cal(),
        &f,
        PauseKind::OtherAgency,
        date!(2026 - 09 - 29),
        20,
    ));
    assert!(e.contains("早于期限起算日"), "{e}");
    let p = ClockPause {
        kind: PauseKind::OtherAgency,
        from: date!(2026 - 10 - 09),
        to: None,
        limit: date!(2026 - 10 - 30),
    };
    assert!(check_pause_end(&p, date!(2026 - 10 - 08)).is_err());
    assert!(check_pause_end(&p, date!(2026 - 10 - 09)).is_ok());
}

#[test]
fn one_extension_of_at_most_20_working_days() {
    let mut f = facts(date!(2026 - 09 - 30));
    assert!(check_extension(&f, 0).is_err());
    let e = err(check_extension(&f, 21));
    assert!(e.contains("1至20个工作日"), "{e}");
    assert!(check_extension(&f, 20).is_ok());
    f.extension = 20;
    assert_eq!(
        due_on(&f, date!(2026 - 10 - 01)),
        cal().add_working_days(date!(2026 - 09 - 30), 40)
    );
    let e = err(check_extension(&f, 5));
    assert!(e.contains("延长只能一次"), "{e}");
}

#[test]
fn near_due_and_overdue_follow_working_days_left() {
    let f = facts(date!(2026 - 09 - 30));
    // Due 2026-11-03 (Tue). On 10-29 (Thu) 3 working days left: near due.
    let s = status(&cal(), &f, date!(2026 - 10 - 29)).ok();
    assert_eq!(s.as_ref().and_then(|s| s.days_left()), Some(3));
    assert!(yangguang_kernel::clock::near_due(3));
    let s = status(&cal(), &f, date!(2026 - 11 - 04)).ok();
    assert!(
        matches!(
            s,
            Some(ClockStatus::Overdue {
                working_days_over: 1,
                ..
            })
        ),
        "{s:?}"
    );
}

proptest! {
    #[test]
    fn due_date_is_always_a_working_day(
        day in 0i64..8000,
        pause_at in 0u32..30,
        pause_len in 0u32..30,
        ext in 0u32..=20,
    ) {
        let c = cal();
        let received = date!(2004 - 01 - 01) + time::Duration::days(day);
        let mut f = facts(received);
        let from = c.add_working_days(received, pause_at);
        f.pauses.push(ClockPause { kind: PauseKind::OtherAgency, from, to: Some(c.add_working_days(from, pause_len)), limit: consultation_limit(&c, from) });
        f.extension = ext;
        let d = due(&c, &f, received).map(|d| d.due);
        prop_assert!(d.as_ref().is_ok_and(|d| c.is_working_day(*d)), "{d:?}");
    }

    #[test]
    fn pausing_k_working_days_moves_the_due_date_exactly_k(
        day in 0i64..8000,
        pause_at in 0u32..25,
        k in 0u32..40,
    ) {
        let c = cal();
        let received = date!(2004 - 01 - 01) + time::Duration::days(day);
        let plain = facts(received);
        let mut paused = plain.clone();
        let from = c.add_working_days(received, pause_at);
        paused.pauses.push(ClockPause { kind: PauseKind::ThirdParty, from, to: Some(c.add_working_days(from, k)), limit: consultation_limit(&c, from) });
        let a = due_on(&plain, received);
        let b = due_on(&paused, received);
        prop_assert_eq!(c.working_days_after(a, b), k);
    }
}
