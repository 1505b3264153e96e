//! The engine on the two fixtures and small definitions: paths, gateways,
//! candidates, calls, parallel joins and refused events.

mod common;

use common::*;
use time::Date;
use time::macros::date;
use yangguang_kernel::calendar::Calendar;
use yangguang_process::engine::{open_tasks, step, waiting};
use yangguang_process::{
    Definition, EngineError, Event, Flow, Instance, Node, NodeKind, Transition, Value, Vars,
};

#[test]
fn licensing_ordinary_item_runs_to_the_granted_end() {
    let mut c = Case::start(
        LICENSING,
        date!(2026 - 11 - 02),
        vars(&[("tier", s("ordinary"))]),
    );
    let t = c.complete(
        "check",
        window_clerk(),
        vars(&[("materials_complete", b(true))]),
    );
    assert_eq!(
        t,
        vec![
            Transition::Completed {
                node: "check".into(),
                token: 0,
                user_id: 1
            },
            left("check", 0, "f_check"),
            left("gw_materials", 0, "materials_ok"),
            entered("accept", 0),
        ]
    );
    c.complete("accept", window_clerk(), Vars::new());
    assert_eq!(c.at(), vec!["review_window"]);
    c.complete("review_window", window_clerk(), Vars::new());
    c.complete("decide", deputy(), vars(&[("granted", b(true))]));
    assert_eq!(c.at(), vec!["issue"]);
    let t = c.complete("issue", window_clerk(), Vars::new());
    assert_eq!(
        t.last(),
        Some(&Transition::Ended {
            node: "end_granted".into(),
            token: 0
        })
    );
    assert!(c.inst.ended);
    assert!(c.inst.tokens.is_empty());
    assert_eq!(c.inst.vars.get("granted"), Some(&b(true)));
    assert_eq!(
        c.refuse(Event::Complete {
            node: "issue".into(),
            actor: window_clerk(),
            vars: Vars::new()
        }),
        EngineError::Ended
    );
    assert_eq!(
        c.refuse(Event::Start { vars: Vars::new() }),
        EngineError::AlreadyStarted
    );
    assert!(c.tick(date!(2027 - 01 - 01)).is_empty());
}

#[test]
fn exclusive_gateway_takes_the_default_when_no_condition_holds() {
    let mut c = Case::start(
        LICENSING,
        date!(2026 - 11 - 02),
        vars(&[("tier", s("未分级"))]),
    );
    c.complete(
        "check",
        window_clerk(),
        vars(&[("materials_complete", b(true))]),
    );
    let t = c.complete("accept", window_clerk(), Vars::new());
    assert!(t.contains(&left("gw_tier", 0, "tier_ordinary")), "{t:?}");
    assert_eq!(c.at(), vec!["review_window"]);
}

#[test]
fn important_item_goes_to_the_working_group_whose_task_needs_a_division_head() {
    let mut c = Case::start(LICENSING, date!(2026 - 11 - 02), Vars::new());
    c.complete(
        "check",
        window_clerk(),
        vars(&[("materials_complete", b(true))]),
    );
    // The tier may be set when the application is accepted.
    c.complete("accept", window_clerk(), vars(&[("tier", s("important"))]));
    assert_eq!(c.at(), vec!["review_group"]);
    let err = c.refuse(Event::Complete {
        node: "review_group".into(),
        actor: window_clerk(),
        vars: Vars::new(),
    });
    assert_eq!(
        err,
        EngineError::NotCandidate {
            node: "review_group".into(),
            who: "角色“处室负责人”".into()
        }
    );
    assert_eq!(
        err.to_string(),
        "步骤“review_group”应由角色“处室负责人”办理"
    );
    c.complete("review_group", division_head(), Vars::new());
    c.complete("decide", deputy(), vars(&[("granted", b(false))]));
    assert_eq!(c.at(), vec!["deliver_refusal"]);
    c.complete("deliver_refusal", window_clerk(), Vars::new());
    assert!(c.inst.ended);
    assert_eq!(c.ended_at(), vec!["end_refused"]);
}

#[test]
fn a_task_for_a_post_refuses_someone_who_does_not_act_for_it() {
    let c = Case::start(LICENSING, date!(2026 - 11 - 02), Vars::new());
    let err = c.refuse(Event::Complete {
        node: "check".into(),
        actor: actor(9, &["division_head", "staff"], &["行政执法监察岗"]),
        vars: Vars::new(),
    });
    assert_eq!(
        err,
        EngineError::NotCandidate {
            node: "check".into(),
            who: "岗位“行政许可窗口岗”".into()
        }
    );
}

#[test]
fn major_item_calls_the_collective_decision_and_resumes_when_it_decides() {
    let mut c = Case::start(
        LICENSING,
        date!(2026 - 11 - 02),
        vars(&[("tier", s("major"))]),
    );
    c.complete(
        "check",
        window_clerk(),
        vars(&[("materials_complete", b(true))]),
    );
    let t = c.complete("accept", window_clerk(), Vars::new());
    assert_eq!(
        &t[t.len() - 2..],
        &[
            entered("review_meeting", 0),
            Transition::Called {
                node: "review_meeting".into(),
                token: 0
            }
        ]
    );
    let open = open_tasks(&c.def, &c.inst);
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].candidate, None);
    // A meeting is not a person's task.
    assert_eq!(
        c.refuse(Event::Complete {
            node: "review_meeting".into(),
            actor: principal(),
            vars: Vars::new()
        }),
        EngineError::NotWaiting("review_meeting".into())
    );
    let t = c.decided("review_meeting", vars(&[("meeting_result", s("同意"))]));
    assert_eq!(
        t,
        vec![
            left("review_meeting", 0, "f_review_meeting"),
            entered("decide", 0)
        ]
    );
    assert_eq!(c.inst.vars.get("meeting_result"), Some(&s("同意")));
    c.complete("decide", deputy(), vars(&[("granted", b(true))]));
    c.complete("issue", window_clerk(), Vars::new());
    assert_eq!(c.ended_at(), vec!["end_granted"]);
}

#[test]
fn missing_materials_loop_through_one_notice_back_to_the_check() {
    let mut c = Case::start(
        LICENSING,
        date!(2026 - 11 - 02),
        vars(&[("tier", s("ordinary"))]),
    );
    c.complete(
        "check",
        window_clerk(),
        vars(&[("materials_complete", b(false))]),
    );
    assert_eq!(c.at(), vec!["notify"]);
    c.day = date!(2026 - 11 - 09);
    c.complete("notify", window_clerk(), Vars::new());
    assert_eq!(c.at(), vec!["check"]);
    // The re-check has its own limit from the day it was reopened.
    assert_eq!(
        open_tasks(&c.def, &c.inst)[0].due,
        Some(date!(2026 - 11 - 16))
    );
    assert_eq!(open_tasks(&c.def, &c.inst)[0].token, 0);
    c.complete(
        "check",
        window_clerk(),
        vars(&[("materials_complete", b(true))]),
    );
    assert_eq!(c.at(), vec!["accept"]);
}

#[test]
fn events_at_nodes_without_a_waiting_token_are_refused() {
    let c = Case::start(LICENSING, date!(2026 - 11 - 02), Vars::new());
    let complete = |node: &str| Event::Complete {
        node: node.into(),
        actor: deputy(),
        vars: Vars::new(),
    };
    assert_eq!(
        c.refuse(complete("decide")),
        EngineError::NotWaiting("decide".into())
    );
    assert_eq!(
        c.refuse(complete("nope")),
        EngineError::Unknown("nope".into())
    );
    assert_eq!(
        c.refuse(Event::Decided {
            node: "check".into(),
            vars: Vars::new()
        }),
        EngineError::NotWaiting("check".into())
    );
    let fresh = Instance::default();
    assert_eq!(
        step(&c.def, &fresh, &complete("check"), c.day, &c.cal),
        Err(EngineError::NotWaiting("check".into()))
    );
}

#[test]
fn a_condition_that_cannot_be_evaluated_is_an_error_and_changes_nothing() {
    let c = Case::start(LICENSING, date!(2026 - 11 - 02), Vars::new());
    let complete = |v: Vars| Event::Complete {
        node: "check".into(),
        actor: window_clerk(),
        vars: v,
    };
    match c.refuse(complete(Vars::new())) {
        EngineError::Condition { condition, reason } => {
            assert_eq!(condition, "${materials_complete}");
            assert!(reason.contains("materials_complete"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        c.refuse(complete(vars(&[("materials_complete", s("是"))]))),
        EngineError::Condition { .. }
    ));
    // The refused completion merged nothing.
    assert!(c.inst.vars.is_empty());
    assert_eq!(c.at(), vec!["check"]);
}

fn node(id: &str, kind: NodeKind) -> Node {
    Node {
        id: id.into(),
        name: String::new(),
        kind,
        bounds: None,
    }
}

fn flow(id: &str, source: &str, target: &str, condition: Option<&str>) -> Flow {
    Flow {
        id: id.into(),
        source: source.into(),
        target: target.into(),
        name: String::new(),
        condition: condition.map(str::to_string),
        waypoints: Vec::new(),
    }
}

#[test]
fn a_gateway_with_no_true_condition_and_no_default_is_no_path() {
    // Not validated: import would refuse it as not exhaustive.
    let def = Definition {
        id: "p".into(),
        name: String::new(),
        nodes: vec![
            node("s", NodeKind::Start),
            node("g", NodeKind::Exclusive { default: None }),
            node("e", NodeKind::End),
        ],
        flows: vec![
            flow("f1", "s", "g", None),
            flow("f2", "g", "e", Some("${tier == 'major'}")),
        ],
    };
    let cal = Calendar::builtin();
    let start = |tier: &str| Event::Start {
        vars: vars(&[("tier", s(tier))]),
    };
    let out = step(
        &def,
        &Instance::default(),
        &start("ordinary"),
        date!(2026 - 11 - 02),
        &cal,
    );
    assert_eq!(out, Err(EngineError::NoPath("g".into())));
    let out = step(
        &def,
        &Instance::default(),
        &start("major"),
        date!(2026 - 11 - 02),
        &cal,
    )
    .unwrap();
    assert!(out.instance.ended);
    assert_eq!(
        out.transitions,
        vec![
            left("s", 0, "f1"),
            left("g", 0, "f2"),
            Transition::Ended {
                node: "e".into(),
                token: 0
            }
        ]
    );
}

/// Runs the penalty case up to the parallel split.
fn penalty_to_fork(day: Date, disclose: bool) -> Case {
    let mut c = Case::start(PENALTY, day, Vars::new());
    c.complete("register", enforcer(), Vars::new());
    c.complete("investigate", enforcer(), Vars::new());
    c.complete("examine", division_head(), Vars::new());
    // A condition reads a variable the case must have, even where the
    // gateway has a default.
    assert!(matches!(
        c.refuse(Event::Complete {
            node: "inform".into(),
            actor: enforcer(),
            vars: vars(&[("hearing_requested", b(false))]),
        }),
        EngineError::Condition { condition, .. } if condition == "${legal_review}"
    ));
    c.complete(
        "inform",
        enforcer(),
        vars(&[
            ("hearing_requested", b(false)),
            ("legal_review", b(false)),
            ("collective", b(false)),
        ]),
    );
    // No legal review, no collective discussion: both defaults.
    assert_eq!(c.at(), vec!["approve"]);
    c.complete("approve", principal(), Vars::new());
    c.complete("decide", enforcer(), vars(&[("disclose", b(disclose))]));
    c
}

#[test]
fn parallel_join_waits_for_both_branches_in_either_order() {
    for serve_first in [true, false] {
        let mut c = penalty_to_fork(date!(2026 - 11 - 02), true);
        assert_eq!(c.at(), vec!["serve", "disclose"]);
        let (first, first_actor, second, second_actor) = if serve_first {
            ("serve", enforcer(), "disclose", office())
        } else {
            ("disclose", office(), "serve", enforcer())
        };
        let t = c.complete(first, first_actor, Vars::new());
        assert!(
            matches!(t.last(), Some(Transition::Entered { node, .. }) if node == "join"),
            "{t:?}"
        );
        assert_eq!(c.at(), vec![second.to_string()]);
        // The join token is live but not an open step.
        assert_eq!(c.inst.tokens.len(), 2);
        assert_eq!(waiting(&c.inst).len(), 1);
        let t = c.complete(second, second_actor, Vars::new());
        let lefts: Vec<&Transition> = t
            .iter()
            .filter(|x| matches!(x, Transition::Left { node, .. } if node == "join"))
            .collect();
        assert_eq!(lefts.len(), 2, "both merged tokens leave the join: {t:?}");
        assert_eq!(c.at(), vec!["close"]);
        c.complete("close", enforcer(), Vars::new());
        assert!(c.inst.ended);
        assert_eq!(c.ended_at(), vec!["end"]);
    }
}

#[test]
fn a_skipped_branch_reaches_the_join_at_once_and_the_join_waits() {
    let mut c = penalty_to_fork(date!(2026 - 11 - 02), false);
    assert_eq!(c.at(), vec!["serve"]);
    let join = c.inst.tokens.iter().find(|t| t.node == "join").unwrap();
    assert_eq!(join.via.as_deref(), Some("f_disclose_merge"));
    c.complete("serve", enforcer(), Vars::new());
    assert_eq!(c.at(), vec!["close"]);
}

#[test]
fn penalty_with_hearing_review_and_collective_decision_runs_to_the_end() {
    let mut c = Case::start(PENALTY, date!(2026 - 11 - 02), Vars::new());
    c.complete("register", enforcer(), Vars::new());
    c.complete("investigate", enforcer(), Vars::new());
    c.complete("examine", division_head(), Vars::new());
    c.complete(
        "inform",
        enforcer(),
        vars(&[("hearing_requested", b(true))]),
    );
    assert_eq!(c.at(), vec!["hearing"]);
    c.complete(
        "hearing",
        division_head(),
        vars(&[("legal_review", b(true))]),
    );
    assert_eq!(c.at(), vec!["legal_review"]);
    c.complete(
        "legal_review",
        division_head(),
        vars(&[("collective", b(true))]),
    );
    assert_eq!(c.at(), vec!["collective"]);
    assert!(c.log.contains(&Transition::Called {
        node: "collective".into(),
        token: 0
    }));
    c.decided("collective", vars(&[("penalty_yuan", Value::Int(30000))]));
    c.complete("decide", enforcer(), vars(&[("disclose", b(true))]));
    c.complete("disclose", office(), Vars::new());
    // 送达 within 7 working days of 2026-11-02: due 2026-11-11.
    assert!(c.tick(date!(2026 - 11 - 11)).is_empty());
    let t = c.tick(date!(2026 - 11 - 12));
    assert!(t.contains(&Transition::TimerFired {
        boundary: "serve_timer".into(),
        token: 0
    }));
    assert_eq!(c.at(), vec!["serve"]);
    c.complete("serve", enforcer(), Vars::new());
    c.complete("close", enforcer(), Vars::new());
    assert!(c.inst.ended);
    assert_eq!(c.ended_at(), vec!["end_overdue", "end"]);
    assert_eq!(c.inst.vars.get("penalty_yuan"), Some(&Value::Int(30000)));
}

#[test]
fn every_entered_step_is_left_or_still_open() {
    let c = penalty_to_fork(date!(2026 - 11 - 02), true);
    for t in &c.log {
        if let Transition::Entered { node, token } = t {
            let left_later = c
                .log
                .iter()
                .any(|x| matches!(x, Transition::Left { node: n, token: k, .. } if n == node && k == token));
            let live = c
                .inst
                .tokens
                .iter()
                .any(|x| x.id == *token && &x.node == node);
            assert!(left_later || live, "{node} / {token}");
        }
    }
}
