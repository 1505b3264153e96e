//! Helpers shared by the test files: BPMN snippets and a case runner.
#![allow(dead_code)]

use time::Date;
use yangguang_kernel::calendar::Calendar;
use yangguang_process::engine::{open_tasks, step};
use yangguang_process::parse::parse;
use yangguang_process::{
    Actor, Definition, DefinitionError, EngineError, Event, Instance, Outcome, Transition, Value,
    Vars,
};

pub const LICENSING: &str = include_str!("../../fixtures/licensing.bpmn");
pub const PENALTY: &str = include_str!("../../fixtures/penalty.bpmn");

/// A file with the usual namespaces around a process body.
pub fn bpmn(body: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xmlns:yg="http://yangguang.gov.cn/bpmn" id="d" targetNamespace="x">
  <bpmn:process id="p" name="测试流程">{body}</bpmn:process>
</bpmn:definitions>"#
    )
}

/// start → t (window post) → end, with `extra` elements added.
pub fn simple(extra: &str) -> String {
    bpmn(&format!(
        r#"<bpmn:startEvent id="s"/>
        <bpmn:userTask id="t" name="办理" yg:candidatePost="行政许可窗口岗"/>
        <bpmn:endEvent id="e"/>
        <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="t"/>
        <bpmn:sequenceFlow id="f2" sourceRef="t" targetRef="e"/>
        {extra}"#
    ))
}

/// The refusal's element and reason; panics if the file was accepted.
pub fn refused(xml: &str) -> (String, String) {
    match parse(xml) {
        Err(DefinitionError::Element { element, reason }) => (element, reason),
        other => panic!("expected a refusal naming an element, got {other:?}"),
    }
}

pub fn assert_refused(xml: &str, element: &str, reason_part: &str) {
    let (e, r) = refused(xml);
    assert_eq!(e, element, "reason: {r}");
    assert!(
        r.contains(reason_part),
        "reason “{r}” lacks “{reason_part}”"
    );
}

pub const WINDOW: &str = "行政许可窗口岗";
pub const ENFORCEMENT: &str = "行政执法监察岗";

pub fn vars(pairs: &[(&str, Value)]) -> Vars {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

pub fn b(v: bool) -> Value {
    Value::Bool(v)
}

pub fn s(v: &str) -> Value {
    Value::Str(v.into())
}

pub fn actor(user_id: i64, roles: &[&str], posts: &[&str]) -> Actor {
    Actor {
        user_id,
        roles: roles.iter().map(|r| r.to_string()).collect(),
        posts: posts.iter().map(|p| p.to_string()).collect(),
    }
}

pub fn window_clerk() -> Actor {
    actor(1, &["staff"], &[WINDOW])
}

pub fn division_head() -> Actor {
    actor(2, &["division_head"], &[])
}

pub fn deputy() -> Actor {
    actor(3, &["deputy_leader"], &[])
}

pub fn principal() -> Actor {
    actor(4, &["principal_leader"], &[])
}

pub fn enforcer() -> Actor {
    actor(5, &["staff"], &[ENFORCEMENT])
}

pub fn office() -> Actor {
    actor(6, &["office"], &[])
}

/// A case being run, with every transition so far.
pub struct Case {
    pub def: Definition,
    pub inst: Instance,
    pub cal: Calendar,
    pub day: Date,
    pub log: Vec<Transition>,
}

impl Case {
    pub fn start(xml: &str, day: Date, v: Vars) -> Case {
        let mut c = Case {
            def: parse(xml).unwrap(),
            inst: Instance::default(),
            cal: Calendar::builtin(),
            day,
            log: Vec::new(),
        };
        c.apply(Event::Start { vars: v });
        c
    }

    pub fn try_event(&self, e: &Event) -> Result<Outcome, EngineError> {
        step(&self.def, &self.inst, e, self.day, &self.cal)
    }

    /// Applies an event that must succeed; returns its transitions.
    pub fn apply(&mut self, e: Event) -> Vec<Transition> {
        let before = self.inst.clone();
        let out = self
            .try_event(&e)
            .unwrap_or_else(|err| panic!("{e:?}: {err}"));
        assert_eq!(self.inst, before, "step changed its input");
        self.inst = out.instance;
        self.log.extend(out.transitions.clone());
        out.transitions
    }

    pub fn complete(&mut self, node: &str, who: Actor, v: Vars) -> Vec<Transition> {
        self.apply(Event::Complete {
            node: node.into(),
            actor: who,
            vars: v,
        })
    }

    pub fn decided(&mut self, node: &str, v: Vars) -> Vec<Transition> {
        self.apply(Event::Decided {
            node: node.into(),
            vars: v,
        })
    }

    pub fn tick(&mut self, day: Date) -> Vec<Transition> {
        self.day = day;
        self.apply(Event::Tick)
    }

    /// The open steps' node ids, in the order they were opened.
    pub fn at(&self) -> Vec<String> {
        open_tasks(&self.def, &self.inst)
            .into_iter()
            .map(|t| t.node)
            .collect()
    }

    /// The error an event gives; the instance must not change.
    pub fn refuse(&self, e: Event) -> EngineError {
        let before = self.inst.clone();
        let err = self.try_event(&e).expect_err("event should be refused");
        assert_eq!(self.inst, before);
        err
    }

    pub fn ended_at(&self) -> Vec<&str> {
        self.log
            .iter()
            .filter_map(|t| match t {
                Transition::Ended { node, .. } => Some(node.as_str()),
                _ => None,
            })
            .collect()
    }
}

pub fn entered(node: &str, token: u32) -> Transition {
    Transition::Entered {
        node: node.into(),
        token,
    }
}

pub fn left(node: &str, token: u32, flow: &str) -> Transition {
    Transition::Left {
        node: node.into(),
        token,
        flow: flow.into(),
    }
}
