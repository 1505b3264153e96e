//! Boundary timers: working days across holidays, calendar days, Tick
//! before, at and after the due date, interrupting and non-interrupting.

mod common;

use common::*;
use time::Date;
use time::macros::date;
use yangguang_process::engine::{OpenTask, open_tasks};
use yangguang_process::{Candidate, EngineError, Event, Transition, Vars};

#[test]
fn start_opens_the_first_task_with_its_timer_due_after_national_day() {
    // 2026-09-30 (Wed) + 5 working days: 10-01..07 are 国庆 holidays,
    // 10-08, 10-09, 10-10 (make-up Saturday), 10-12, 10-13.
    let c = Case::start(LICENSING, date!(2026 - 09 - 30), Vars::new());
    assert_eq!(
        c.log,
        vec![left("apply", 0, "f_apply"), entered("check", 0)]
    );
    assert_eq!(
        open_tasks(&c.def, &c.inst),
        vec![OpenTask {
            node: "check".into(),
            name: "窗口受理审查材料".into(),
            token: 0,
            since: date!(2026 - 09 - 30),
            due: Some(date!(2026 - 10 - 13)),
            candidate: Some(Candidate::Post(WINDOW.into())),
        }]
    );
    assert_eq!(
        c.inst.tokens[0].timers,
        vec![("check_timer".to_string(), date!(2026 - 10 - 13))]
    );
    assert!(!c.inst.ended);
}

#[test]
fn interrupting_timer_fires_the_day_after_its_due_date_and_closes_the_task() {
    let mut c = Case::start(LICENSING, date!(2026 - 09 - 30), Vars::new());
    assert!(c.tick(date!(2026 - 10 - 09)).is_empty());
    // On the due date itself the limit has not passed.
    assert!(c.tick(date!(2026 - 10 - 13)).is_empty());
    assert_eq!(c.at(), vec!["check"]);
    let fired = c.tick(date!(2026 - 10 - 14));
    assert_eq!(
        fired,
        vec![
            Transition::TimerFired {
                boundary: "check_timer".into(),
                token: 0
            },
            left("check_timer", 0, "f_check_timer"),
            entered("accept", 0),
        ]
    );
    assert_eq!(c.at(), vec!["accept"]);
    assert_eq!(c.inst.tokens[0].since, date!(2026 - 10 - 14));
    // The check is closed: completing it is refused.
    assert_eq!(
        c.refuse(Event::Complete {
            node: "check".into(),
            actor: window_clerk(),
            vars: vars(&[("materials_complete", b(true))]),
        }),
        EngineError::NotWaiting("check".into())
    );
}

#[test]
fn a_late_tick_fires_an_overdue_timer_once() {
    let mut c = Case::start(LICENSING, date!(2026 - 09 - 30), Vars::new());
    assert_eq!(c.tick(date!(2026 - 10 - 20)).len(), 3);
    assert!(c.tick(date!(2026 - 10 - 21)).is_empty());
    assert_eq!(c.at(), vec!["accept"]);
}

#[test]
fn non_interrupting_timer_sends_a_reminder_and_leaves_the_task_open() {
    let mut c = Case::start(
        LICENSING,
        date!(2026 - 11 - 02),
        vars(&[("tier", s("ordinary"))]),
    );
    c.complete(
        "check",
        window_clerk(),
        vars(&[("materials_complete", b(true))]),
    );
    c.complete("accept", window_clerk(), Vars::new());
    c.complete("review_window", window_clerk(), Vars::new());
    c.complete("decide", deputy(), vars(&[("granted", b(true))]));
    // 2026-11-02 + 10 working days = 2026-11-16.
    assert_eq!(
        open_tasks(&c.def, &c.inst)[0].due,
        Some(date!(2026 - 11 - 16))
    );
    assert!(c.tick(date!(2026 - 11 - 16)).is_empty());
    let t = c.tick(date!(2026 - 11 - 17));
    assert_eq!(
        t,
        vec![
            Transition::TimerFired {
                boundary: "issue_timer".into(),
                token: 0
            },
            left("issue_timer", 1, "f_issue_timer"),
            Transition::Ended {
                node: "end_overdue".into(),
                token: 1
            },
        ]
    );
    assert_eq!(c.at(), vec!["issue"]);
    assert!(!c.inst.ended);
    assert_eq!(open_tasks(&c.def, &c.inst)[0].due, None);
    assert!(c.tick(date!(2026 - 11 - 30)).is_empty());
    c.complete("issue", window_clerk(), Vars::new());
    assert!(c.inst.ended);
    assert_eq!(c.ended_at(), vec!["end_overdue", "end_granted"]);
}

const CALENDAR_DAYS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:yg="http://yangguang.gov.cn/bpmn">
  <process id="p" name="自然日时限">
    <startEvent id="s"/>
    <parallelGateway id="fork"/>
    <userTask id="a" name="甲" yg:candidateRole="staff"/>
    <userTask id="b" name="乙" yg:candidateRole="staff"/>
    <boundaryEvent id="ta" attachedToRef="a" yg:days="calendar">
      <timerEventDefinition><timeDuration>P5D</timeDuration></timerEventDefinition>
    </boundaryEvent>
    <boundaryEvent id="tb" attachedToRef="b" yg:days="calendar">
      <timerEventDefinition><timeDuration>P3D</timeDuration></timerEventDefinition>
    </boundaryEvent>
    <exclusiveGateway id="ma"/>
    <exclusiveGateway id="mb"/>
    <parallelGateway id="join"/>
    <endEvent id="e"/>
    <sequenceFlow id="f1" sourceRef="s" targetRef="fork"/>
    <sequenceFlow id="f2" sourceRef="fork" targetRef="a"/>
    <sequenceFlow id="f3" sourceRef="fork" targetRef="b"/>
    <sequenceFlow id="f4" sourceRef="a" targetRef="ma"/>
    <sequenceFlow id="f5" sourceRef="b" targetRef="mb"/>
    <sequenceFlow id="f6" sourceRef="ta" targetRef="ma"/>
    <sequenceFlow id="f7" sourceRef="tb" targetRef="mb"/>
    <sequenceFlow id="f8" sourceRef="ma" targetRef="join"/>
    <sequenceFlow id="f9" sourceRef="mb" targetRef="join"/>
    <sequenceFlow id="f10" sourceRef="join" targetRef="e"/>
  </process>
</definitions>"#;

#[test]
fn calendar_day_timers_count_holidays_and_fire_earliest_due_first() {
    let mut c = Case::start(CALENDAR_DAYS, date!(2026 - 09 - 30), Vars::new());
    assert_eq!(c.at(), vec!["a", "b"]);
    let due: Vec<Option<Date>> = open_tasks(&c.def, &c.inst).iter().map(|t| t.due).collect();
    // Calendar days: 国庆 counts.
    assert_eq!(
        due,
        vec![Some(date!(2026 - 10 - 05)), Some(date!(2026 - 10 - 03))]
    );
    assert!(c.tick(date!(2026 - 10 - 03)).is_empty());
    let t = c.tick(date!(2026 - 10 - 04));
    assert_eq!(
        t[0],
        Transition::TimerFired {
            boundary: "tb".into(),
            token: 1
        }
    );
    assert_eq!(c.at(), vec!["a"]);
    // Both due long ago in another case: b's earlier due date fires first.
    let mut d = Case::start(CALENDAR_DAYS, date!(2026 - 09 - 30), Vars::new());
    let fired: Vec<Transition> = d
        .tick(date!(2026 - 10 - 30))
        .into_iter()
        .filter(|t| matches!(t, Transition::TimerFired { .. }))
        .collect();
    assert_eq!(
        fired,
        vec![
            Transition::TimerFired {
                boundary: "tb".into(),
                token: 1
            },
            Transition::TimerFired {
                boundary: "ta".into(),
                token: 0
            },
        ]
    );
    assert!(d.inst.ended);
}
