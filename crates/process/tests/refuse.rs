//! Refusals at import: every element the engine cannot run, every broken
//! structure, deadlocks and unsynchronised branches, each naming the element.

mod common;

use common::{assert_refused, bpmn, refused, simple};
use yangguang_process::parse::parse;
use yangguang_process::validate::validate;
use yangguang_process::{Candidate, Definition, DefinitionError, Flow, Limit, Node, NodeKind};

#[test]
fn elements_the_engine_cannot_run_are_refused_by_id() {
    let cases: &[(&str, &str, &str)] = &[
        (r#"<bpmn:scriptTask id="x" name="脚本"/>"#, "x", "脚本任务"),
        (r#"<bpmn:serviceTask id="x"/>"#, "x", "服务任务"),
        (r#"<bpmn:inclusiveGateway id="x"/>"#, "x", "包容网关"),
        (r#"<bpmn:eventBasedGateway id="x"/>"#, "x", "事件网关"),
        (r#"<bpmn:subProcess id="x"/>"#, "x", "子流程"),
        (r#"<bpmn:intermediateCatchEvent id="x"/>"#, "x", "中间事件"),
        (r#"<bpmn:task id="x"/>"#, "x", "用户任务"),
        (
            r#"<bpmn:callActivity id="x" calledElement="other-process"/>"#,
            "x",
            "other-process",
        ),
        (
            r#"<bpmn:boundaryEvent id="x" attachedToRef="t"><bpmn:messageEventDefinition/></bpmn:boundaryEvent>"#,
            "x",
            "消息事件",
        ),
        (
            r#"<bpmn:boundaryEvent id="x" attachedToRef="t"><bpmn:errorEventDefinition/></bpmn:boundaryEvent>"#,
            "x",
            "错误事件",
        ),
        (
            r#"<bpmn:boundaryEvent id="x" attachedToRef="t"><bpmn:timerEventDefinition><bpmn:timeDuration>PT48H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>"#,
            "x",
            "时限“PT48H”无法使用",
        ),
        (
            r#"<bpmn:boundaryEvent id="x" attachedToRef="t"><bpmn:timerEventDefinition><bpmn:timeDate>2026-10-01</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:boundaryEvent>"#,
            "x",
            "只支持时长",
        ),
        (
            r#"<bpmn:boundaryEvent id="x" attachedToRef="t" yg:days="lunar"><bpmn:timerEventDefinition><bpmn:timeDuration>P5D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>"#,
            "x",
            "lunar",
        ),
        (
            r#"<bpmn:userTask id="x" name="无人"/>"#,
            "x",
            "没有指定办理人",
        ),
        (
            r#"<bpmn:userTask id="x" xmlns:flowable="http://flowable.org/bpmn" flowable:assignee="${initiator}"/>"#,
            "x",
            "assignee",
        ),
        (
            r#"<bpmn:userTask id="x" xmlns:flowable="http://flowable.org/bpmn" flowable:candidateGroups="managers"/>"#,
            "x",
            "managers",
        ),
        (
            r#"<bpmn:userTask id="x" yg:candidateRole="staff" yg:candidatePost="窗口"/>"#,
            "x",
            "只能指定一个",
        ),
        (
            r#"<bpmn:userTask id="x" yg:candidateRole="staff"><bpmn:multiInstanceLoopCharacteristics/></bpmn:userTask>"#,
            "x",
            "多实例",
        ),
        (
            r#"<bpmn:scriptTask name="无编号"/>"#,
            "bpmn:scriptTask",
            "脚本任务",
        ),
    ];
    for (extra, element, reason) in cases {
        assert_refused(&simple(extra), element, reason);
    }
}

#[test]
fn event_definitions_on_start_and_end_events_are_refused() {
    let timer_start = simple("").replace(
        r#"<bpmn:startEvent id="s"/>"#,
        r#"<bpmn:startEvent id="s"><bpmn:timerEventDefinition/></bpmn:startEvent>"#,
    );
    assert_refused(&timer_start, "s", "定时事件");
    let terminate = simple("").replace(
        r#"<bpmn:endEvent id="e"/>"#,
        r#"<bpmn:endEvent id="e"><bpmn:terminateEventDefinition/></bpmn:endEvent>"#,
    );
    assert_refused(&terminate, "e", "终止事件");
}

#[test]
fn a_file_with_two_processes_is_refused_naming_the_second() {
    let xml = simple("").replace(
        "</bpmn:definitions>",
        r#"<bpmn:process id="p2"/></bpmn:definitions>"#,
    );
    assert_refused(&xml, "p2", "只能有一个流程");
}

#[test]
fn malformed_xml_and_other_roots_are_syntax_errors() {
    assert!(matches!(
        parse("<bpmn:definitions><bpmn:process>"),
        Err(DefinitionError::Syntax(_))
    ));
    assert!(matches!(
        parse("<a><b></a>"),
        Err(DefinitionError::Syntax(_))
    ));
    assert!(
        matches!(parse("<html/>"), Err(DefinitionError::Syntax(m)) if m.contains("definitions"))
    );
    assert!(matches!(parse("不是 XML"), Err(DefinitionError::Syntax(_))));
    assert!(matches!(
        parse(&simple("").replace("测试流程", "&nbsp;")),
        Err(DefinitionError::Syntax(m)) if m.contains("nbsp")
    ));
}

#[test]
fn structural_problems_are_refused_naming_the_element() {
    let base = simple("");
    // Duplicate id.
    assert_refused(&base.replace(r#"id="e""#, r#"id="t""#), "t", "重复");
    // A flow to a node that does not exist.
    assert_refused(
        &simple(r#"<bpmn:sequenceFlow id="f9" sourceRef="t" targetRef="nowhere"/>"#),
        "f9",
        "nowhere",
    );
    // No start event.
    assert_refused(
        &bpmn(
            r#"<bpmn:userTask id="t" yg:candidateRole="staff"/><bpmn:endEvent id="e"/><bpmn:sequenceFlow id="f" sourceRef="t" targetRef="e"/>"#,
        ),
        "p",
        "没有开始事件",
    );
    // Two start events.
    assert_refused(
        &simple(
            r#"<bpmn:startEvent id="s2"/><bpmn:sequenceFlow id="f3" sourceRef="s2" targetRef="t"/>"#,
        ),
        "s2",
        "只能有一个开始事件",
    );
    // No end event.
    assert_refused(
        &bpmn(
            r#"<bpmn:startEvent id="s"/><bpmn:userTask id="t" yg:candidateRole="staff"/><bpmn:sequenceFlow id="f" sourceRef="s" targetRef="t"/>"#,
        ),
        "p",
        "没有结束事件",
    );
    // Start with an incoming flow.
    assert_refused(
        &simple(r#"<bpmn:sequenceFlow id="f3" sourceRef="t" targetRef="s"/>"#),
        "s",
        "进入的顺序流",
    );
    // Start with two outgoing flows.
    assert_refused(
        &simple(r#"<bpmn:sequenceFlow id="f3" sourceRef="s" targetRef="e"/>"#),
        "s",
        "只有一条出去",
    );
    // A task with two outgoing flows.
    assert_refused(
        &simple(r#"<bpmn:sequenceFlow id="f3" sourceRef="t" targetRef="e"/>"#),
        "t",
        "多条出去的顺序流",
    );
    // A task with none.
    assert_refused(
        &simple(r#"<bpmn:userTask id="t2" name="死胡同" yg:candidateRole="staff"/>"#),
        "t2",
        "用户任务“死胡同”没有出去的顺序流",
    );
    // An end with an outgoing flow.
    assert_refused(
        &simple(
            r#"<bpmn:endEvent id="e2"/><bpmn:sequenceFlow id="f3" sourceRef="e2" targetRef="e"/>"#,
        ),
        "e2",
        "不能有出去的顺序流",
    );
    // A role that is not a business role.
    assert_refused(
        &base.replace(
            r#"yg:candidatePost="行政许可窗口岗""#,
            r#"yg:candidateRole="system_admin""#,
        ),
        "t",
        "不是业务角色",
    );
}

#[test]
fn unreachable_nodes_and_nodes_with_no_way_to_an_end_are_refused() {
    assert_refused(
        &simple(
            r#"<bpmn:userTask id="lost" name="孤立步骤" yg:candidateRole="staff"/><bpmn:sequenceFlow id="f3" sourceRef="lost" targetRef="e"/>"#,
        ),
        "lost",
        "从开始事件走不到用户任务“孤立步骤”",
    );
    let trap = bpmn(
        r#"<bpmn:startEvent id="s"/>
        <bpmn:exclusiveGateway id="g"/>
        <bpmn:userTask id="a" yg:candidateRole="staff"/>
        <bpmn:userTask id="b" yg:candidateRole="staff"/>
        <bpmn:endEvent id="e"/>
        <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="g"/>
        <bpmn:sequenceFlow id="f2" sourceRef="g" targetRef="a"><bpmn:conditionExpression>${x}</bpmn:conditionExpression></bpmn:sequenceFlow>
        <bpmn:sequenceFlow id="f3" sourceRef="g" targetRef="b"><bpmn:conditionExpression>${!x}</bpmn:conditionExpression></bpmn:sequenceFlow>
        <bpmn:sequenceFlow id="f4" sourceRef="a" targetRef="e"/>
        <bpmn:sequenceFlow id="f5" sourceRef="b" targetRef="b2"/>
        <bpmn:userTask id="b2" yg:candidateRole="staff"/>
        <bpmn:sequenceFlow id="f6" sourceRef="b2" targetRef="b"/>"#,
    );
    assert_refused(&trap, "b", "走不到任何结束事件");
}

/// start → gateway g (with `gw_attrs`) → a | e, each flow body given.
fn gateway(gw_attrs: &str, to_a: &str, to_e: &str) -> String {
    bpmn(&format!(
        r#"<bpmn:startEvent id="s"/>
        <bpmn:exclusiveGateway id="g" name="审查层级" {gw_attrs}/>
        <bpmn:userTask id="a" yg:candidateRole="staff"/>
        <bpmn:endEvent id="e"/>
        <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="g"/>
        <bpmn:sequenceFlow id="fa" sourceRef="g" targetRef="a">{to_a}</bpmn:sequenceFlow>
        <bpmn:sequenceFlow id="fe" sourceRef="g" targetRef="e">{to_e}</bpmn:sequenceFlow>
        <bpmn:sequenceFlow id="f2" sourceRef="a" targetRef="e"/>"#
    ))
}

fn cond(c: &str) -> String {
    format!("<bpmn:conditionExpression>{c}</bpmn:conditionExpression>")
}

#[test]
fn gateway_conditions_are_checked_for_syntax_placement_default_and_coverage() {
    assert_refused(
        &gateway("", &cond("${tier == }"), &cond("${true}")),
        "fa",
        "无法解析",
    );
    assert_refused(
        &simple("").replace(
            r#"<bpmn:sequenceFlow id="f2" sourceRef="t" targetRef="e"/>"#,
            &format!(
                r#"<bpmn:sequenceFlow id="f2" sourceRef="t" targetRef="e">{}</bpmn:sequenceFlow>"#,
                cond("${ok}")
            ),
        ),
        "f2",
        "只有排他网关出去的顺序流可以带条件",
    );
    assert_refused(
        &gateway(r#"default="f1""#, "", ""),
        "g",
        "默认路径“f1”不是它出去的顺序流",
    );
    assert_refused(
        &gateway(r#"default="fe""#, &cond("${ok}"), &cond("${!ok}")),
        "fe",
        "默认路径不能再带条件",
    );
    let (e, r) = refused(&gateway(
        "",
        &cond("${tier == 'ordinary'}"),
        &cond("${tier == 'major'}"),
    ));
    assert_eq!(e, "g");
    assert_eq!(
        r,
        "条件可能都不成立（例如 tier = \"其他\"），请设置默认路径"
    );
    let (_, r) = refused(&gateway(
        "",
        &cond("${amount &lt; 5000}"),
        &cond("${amount &gt; 5000}"),
    ));
    assert!(r.contains("amount = 5000"), "{r}");
    // Exhaustive conditions, a default, or an unconditioned flow are fine.
    assert!(
        parse(&gateway(
            "",
            &cond("${amount &lt; 5000}"),
            &cond("${amount &gt;= 5000}")
        ))
        .is_ok()
    );
    assert!(parse(&gateway(r#"default="fe""#, &cond("${tier == 'major'}"), "")).is_ok());
    assert!(parse(&gateway("", &cond("${tier == 'major'}"), "")).is_ok());
}

fn timer(attrs: &str, outgoing: &str) -> String {
    simple(&format!(
        r#"<bpmn:boundaryEvent id="b" name="逾期" {attrs}><bpmn:timerEventDefinition><bpmn:timeDuration>P5D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>{outgoing}"#
    ))
}

#[test]
fn boundary_timers_must_sit_on_a_task_or_call_with_one_outgoing_flow() {
    let ok = timer(
        r#"attachedToRef="t""#,
        r#"<bpmn:sequenceFlow id="fb" sourceRef="b" targetRef="e"/>"#,
    );
    assert!(parse(&ok).is_ok());
    assert_refused(
        &timer(r#"attachedToRef="t""#, ""),
        "b",
        "只有一条出去的顺序流",
    );
    assert_refused(
        &timer(
            r#"attachedToRef="t""#,
            r#"<bpmn:sequenceFlow id="fb" sourceRef="b" targetRef="e"/><bpmn:sequenceFlow id="fc" sourceRef="b" targetRef="e"/>"#,
        ),
        "b",
        "只有一条出去的顺序流",
    );
    assert_refused(
        &timer(
            r#"attachedToRef="s""#,
            r#"<bpmn:sequenceFlow id="fb" sourceRef="b" targetRef="e"/>"#,
        ),
        "b",
        "只能附着在用户任务或集体决策调用上",
    );
    assert_refused(
        &timer(
            r#"attachedToRef="ghost""#,
            r#"<bpmn:sequenceFlow id="fb" sourceRef="b" targetRef="e"/>"#,
        ),
        "b",
        "ghost",
    );
}

#[test]
fn a_parallel_join_behind_an_exclusive_split_is_refused_as_a_deadlock() {
    // The classic mistake: an exclusive split closed by a parallel join.
    let xml = bpmn(
        r#"<bpmn:startEvent id="s"/>
        <bpmn:exclusiveGateway id="split" default="f3"/>
        <bpmn:userTask id="a" yg:candidateRole="staff"/>
        <bpmn:userTask id="b" yg:candidateRole="staff"/>
        <bpmn:parallelGateway id="join" name="汇总"/>
        <bpmn:endEvent id="e"/>
        <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="split"/>
        <bpmn:sequenceFlow id="f2" sourceRef="split" targetRef="a"><bpmn:conditionExpression>${x}</bpmn:conditionExpression></bpmn:sequenceFlow>
        <bpmn:sequenceFlow id="f3" sourceRef="split" targetRef="b"/>
        <bpmn:sequenceFlow id="f4" sourceRef="a" targetRef="join"/>
        <bpmn:sequenceFlow id="f5" sourceRef="b" targetRef="join"/>
        <bpmn:sequenceFlow id="f6" sourceRef="join" targetRef="e"/>"#,
    );
    let (e, r) = refused(&xml);
    assert_eq!(e, "join");
    assert!(r.contains("并行汇聚“汇总”永远等不到全部分支"), "{r}");
    assert!(r.contains("流程会停在这里"), "{r}");
}

#[test]
fn parallel_branches_merged_without_a_join_are_refused_at_the_task_done_twice() {
    let xml = bpmn(
        r#"<bpmn:startEvent id="s"/>
        <bpmn:parallelGateway id="fork"/>
        <bpmn:userTask id="a" yg:candidateRole="staff"/>
        <bpmn:userTask id="b" yg:candidateRole="staff"/>
        <bpmn:exclusiveGateway id="merge"/>
        <bpmn:userTask id="c" name="归档" yg:candidateRole="office"/>
        <bpmn:endEvent id="e"/>
        <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="fork"/>
        <bpmn:sequenceFlow id="f2" sourceRef="fork" targetRef="a"/>
        <bpmn:sequenceFlow id="f3" sourceRef="fork" targetRef="b"/>
        <bpmn:sequenceFlow id="f4" sourceRef="a" targetRef="merge"/>
        <bpmn:sequenceFlow id="f5" sourceRef="b" targetRef="merge"/>
        <bpmn:sequenceFlow id="f6" sourceRef="merge" targetRef="c"/>
        <bpmn:sequenceFlow id="f7" sourceRef="c" targetRef="e"/>"#,
    );
    let (e, r) = refused(&xml);
    // Both tokens can be on the merge's flow, or at 归档, at once.
    assert!(e == "c" || e == "merge", "{e}: {r}");
    assert!(r.contains("两个令牌") || r.contains("越积越多"), "{r}");
}

#[test]
fn a_loop_of_gateways_alone_is_refused() {
    let xml = bpmn(
        r#"<bpmn:startEvent id="s"/>
        <bpmn:exclusiveGateway id="g1"/>
        <bpmn:exclusiveGateway id="g2"/>
        <bpmn:userTask id="a" yg:candidateRole="staff"/>
        <bpmn:endEvent id="e"/>
        <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="g1"/>
        <bpmn:sequenceFlow id="f2" sourceRef="g1" targetRef="g2"/>
        <bpmn:sequenceFlow id="f3" sourceRef="g2" targetRef="g1"><bpmn:conditionExpression>${again}</bpmn:conditionExpression></bpmn:sequenceFlow>
        <bpmn:sequenceFlow id="f4" sourceRef="g2" targetRef="a"><bpmn:conditionExpression>${!again}</bpmn:conditionExpression></bpmn:sequenceFlow>
        <bpmn:sequenceFlow id="f5" sourceRef="a" targetRef="e"/>"#,
    );
    let (e, r) = refused(&xml);
    assert!(e == "g1" || e == "g2", "{e}");
    assert!(r.contains("无限循环"), "{r}");
}

#[test]
fn validate_refuses_a_hand_built_definition_naming_the_element() {
    let node = |id: &str, kind: NodeKind| Node {
        id: id.into(),
        name: String::new(),
        kind,
        bounds: None,
    };
    let flow = |id: &str, s: &str, t: &str| Flow {
        id: id.into(),
        source: s.into(),
        target: t.into(),
        name: String::new(),
        condition: None,
        waypoints: Vec::new(),
    };
    let mut def = Definition {
        id: "p".into(),
        name: "手工".into(),
        nodes: vec![
            node("s", NodeKind::Start),
            node(
                "t",
                NodeKind::UserTask {
                    candidate: Candidate::Role("staff".into()),
                },
            ),
            node("e", NodeKind::End),
        ],
        flows: vec![flow("f1", "s", "t"), flow("f2", "t", "e")],
    };
    assert_eq!(validate(&def), Ok(()));
    def.nodes.push(node(
        "b",
        NodeKind::BoundaryTimer {
            attached_to: "t".into(),
            limit: Limit {
                days: 0,
                working: true,
            },
            interrupting: true,
        },
    ));
    def.flows.push(flow("fb", "b", "e"));
    assert!(
        matches!(validate(&def), Err(DefinitionError::Element { element, reason }) if element == "b" && reason.contains("1 到"))
    );
}
