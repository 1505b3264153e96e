//! Import and export of BPMN files: the fixtures, prefixes, Flowable and
//! Camunda attributes, entities, and the round trip through export.

mod common;

use common::{LICENSING, PENALTY, bpmn, simple};
use yangguang_process::export::to_bpmn;
use yangguang_process::parse::parse;
use yangguang_process::{Bounds, Candidate, Definition, Limit, NodeKind};

#[test]
fn licensing_fixture_parses_with_candidates_timers_conditions_and_diagram() {
    let def = parse(LICENSING).unwrap();
    assert_eq!(def.id, "licensing");
    assert_eq!(def.name, "行政许可办理流程");
    let check = def.node("check").unwrap();
    assert_eq!(check.name, "窗口受理审查材料");
    assert_eq!(
        check.kind,
        NodeKind::UserTask {
            candidate: Candidate::Post("行政许可窗口岗".into())
        }
    );
    assert_eq!(
        def.node("check_timer").unwrap().kind,
        NodeKind::BoundaryTimer {
            attached_to: "check".into(),
            limit: Limit {
                days: 5,
                working: true
            },
            interrupting: true,
        }
    );
    assert_eq!(
        def.node("issue_timer").unwrap().kind,
        NodeKind::BoundaryTimer {
            attached_to: "issue".into(),
            limit: Limit {
                days: 10,
                working: true
            },
            interrupting: false,
        }
    );
    assert_eq!(
        def.node("review_meeting").unwrap().kind,
        NodeKind::CallDecision
    );
    assert_eq!(
        def.node("decide").unwrap().kind,
        NodeKind::UserTask {
            candidate: Candidate::Role("deputy_leader".into())
        }
    );
    assert_eq!(
        def.node("gw_tier").unwrap().kind,
        NodeKind::Exclusive {
            default: Some("tier_ordinary".into())
        }
    );
    let major = def.flows.iter().find(|f| f.id == "tier_major").unwrap();
    assert_eq!(major.condition.as_deref(), Some("${tier == 'major'}"));
    assert_eq!(major.name, "重大事项");
    assert!(def.nodes.iter().all(|n| n.bounds.is_some()));
    assert!(def.flows.iter().all(|f| f.waypoints.len() >= 2));
    assert_eq!(
        def.node("apply").unwrap().bounds,
        Some(Bounds {
            x: 42.0,
            y: 182.0,
            width: 36.0,
            height: 36.0
        })
    );
}

#[test]
fn penalty_fixture_parses_with_its_parallel_branches() {
    let def = parse(PENALTY).unwrap();
    assert_eq!(def.name, "行政处罚一般程序");
    assert_eq!(def.node("fork").unwrap().kind, NodeKind::Parallel);
    assert_eq!(def.node("join").unwrap().kind, NodeKind::Parallel);
    assert_eq!(def.outgoing("fork").count(), 2);
    assert_eq!(def.incoming("join").count(), 2);
    assert_eq!(def.node("collective").unwrap().kind, NodeKind::CallDecision);
    assert_eq!(
        def.node("register").unwrap().kind,
        NodeKind::UserTask {
            candidate: Candidate::Post("行政执法监察岗".into())
        }
    );
}

/// A boundary's shape centre lies on its task's border.
fn on_border(def: &Definition) {
    for n in &def.nodes {
        let NodeKind::BoundaryTimer { attached_to, .. } = &n.kind else {
            continue;
        };
        let b = n.bounds.unwrap();
        let t = def.node(attached_to).unwrap().bounds.unwrap();
        let (cx, cy) = (b.x + b.width / 2.0, b.y + b.height / 2.0);
        let within_x = cx >= t.x - 0.5 && cx <= t.x + t.width + 0.5;
        let within_y = cy >= t.y - 0.5 && cy <= t.y + t.height + 0.5;
        let on_h = (cy - t.y).abs() < 0.5 || (cy - t.y - t.height).abs() < 0.5;
        let on_v = (cx - t.x).abs() < 0.5 || (cx - t.x - t.width).abs() < 0.5;
        assert!(
            (on_h && within_x) || (on_v && within_y),
            "{} is not on the border of {attached_to}",
            n.id
        );
    }
}

#[test]
fn fixtures_round_trip_through_export_and_draw_timers_on_the_task_border() {
    for xml in [LICENSING, PENALTY] {
        let def = parse(xml).unwrap();
        on_border(&def);
        let out = to_bpmn(&def);
        assert_eq!(parse(&out).unwrap(), def);
        // Exported once more, the text is stable.
        assert_eq!(to_bpmn(&parse(&out).unwrap()), out);
    }
}

#[test]
fn export_declares_the_namespaces_and_draws_every_node_and_flow() {
    let def = parse(LICENSING).unwrap();
    let out = to_bpmn(&def);
    for ns in [
        "xmlns:bpmn=\"http://www.omg.org/spec/BPMN/20100524/MODEL\"",
        "xmlns:bpmndi=\"http://www.omg.org/spec/BPMN/20100524/DI\"",
        "xmlns:dc=\"http://www.omg.org/spec/DD/20100524/DC\"",
        "xmlns:di=\"http://www.omg.org/spec/DD/20100524/DI\"",
        "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"",
        "xmlns:yg=\"http://yangguang.gov.cn/bpmn\"",
    ] {
        assert!(out.contains(ns), "missing {ns}");
    }
    assert_eq!(out.matches("<bpmndi:BPMNShape ").count(), def.nodes.len());
    assert_eq!(out.matches("<bpmndi:BPMNEdge ").count(), def.flows.len());
    assert!(out.contains("yg:candidatePost=\"行政许可窗口岗\""));
    assert!(out.contains("cancelActivity=\"false\""));
}

#[test]
fn export_of_a_definition_without_diagram_lays_it_out_with_timers_on_the_border() {
    let mut def = parse(LICENSING).unwrap();
    for n in &mut def.nodes {
        n.bounds = None;
    }
    for f in &mut def.flows {
        f.waypoints.clear();
    }
    let back = parse(&to_bpmn(&def)).unwrap();
    assert!(back.nodes.iter().all(|n| n.bounds.is_some()));
    assert!(back.flows.iter().all(|f| f.waypoints.len() >= 2));
    on_border(&back);
    // Apart from the drawing it is the same definition.
    let mut stripped = back.clone();
    for n in &mut stripped.nodes {
        n.bounds = None;
    }
    for f in &mut stripped.flows {
        f.waypoints.clear();
    }
    assert_eq!(stripped, def);
}

#[test]
fn export_keeps_special_characters_in_names_and_conditions() {
    let xml = bpmn(
        r#"<bpmn:startEvent id="s" name="收到&lt;申请&gt; &amp; &quot;材料&quot;"/>
        <bpmn:exclusiveGateway id="g" name="金额&#10;是否较大"/>
        <bpmn:userTask id="t" name="办理" yg:candidatePost="岗&amp;位"/>
        <bpmn:endEvent id="e"/>
        <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="g"/>
        <bpmn:sequenceFlow id="f2" name="大 &amp; 急" sourceRef="g" targetRef="t">
          <bpmn:conditionExpression>${amount &gt; 5000 &amp;&amp; urgent}</bpmn:conditionExpression>
        </bpmn:sequenceFlow>
        <bpmn:sequenceFlow id="f3" sourceRef="g" targetRef="e">
          <bpmn:conditionExpression><![CDATA[${amount <= 5000 || !urgent}]]></bpmn:conditionExpression>
        </bpmn:sequenceFlow>
        <bpmn:sequenceFlow id="f4" sourceRef="t" targetRef="e"/>"#,
    );
    let def = parse(&xml).unwrap();
    assert_eq!(def.node("s").unwrap().name, "收到<申请> & \"材料\"");
    assert_eq!(def.node("g").unwrap().name, "金额\n是否较大");
    let f2 = def.flows.iter().find(|f| f.id == "f2").unwrap();
    assert_eq!(f2.name, "大 & 急");
    assert_eq!(f2.condition.as_deref(), Some("${amount > 5000 && urgent}"));
    let f3 = def.flows.iter().find(|f| f.id == "f3").unwrap();
    assert_eq!(
        f3.condition.as_deref(),
        Some("${amount <= 5000 || !urgent}")
    );
    let back = parse(&to_bpmn(&def)).unwrap();
    // The export adds a diagram; the rest is unchanged.
    let mut stripped = back.clone();
    for n in &mut stripped.nodes {
        n.bounds = None;
    }
    for f in &mut stripped.flows {
        f.waypoints.clear();
    }
    assert_eq!(stripped, def);
}

#[test]
fn elements_match_by_local_name_whatever_the_prefix() {
    let body = |p: &str| {
        format!(
            r#"<{p}startEvent id="s"/>
            <{p}userTask id="t" yg:candidateRole="division_head"/>
            <{p}endEvent id="e"/>
            <{p}sequenceFlow id="f1" sourceRef="s" targetRef="t"/>
            <{p}sequenceFlow id="f2" sourceRef="t" targetRef="e"/>"#
        )
    };
    let prefixed = bpmn(&body("bpmn:"));
    let bpmn2 = format!(
        r#"<bpmn2:definitions xmlns:bpmn2="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:yg="http://yangguang.gov.cn/bpmn">
        <bpmn2:process id="p" name="测试流程">{}</bpmn2:process></bpmn2:definitions>"#,
        body("bpmn2:")
    );
    let bare = format!(
        r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:ext="http://yangguang.gov.cn/bpmn">
        <process id="p" name="测试流程">{}</process></definitions>"#,
        body("").replace("yg:", "ext:")
    );
    let a = parse(&prefixed).unwrap();
    assert_eq!(parse(&bpmn2).unwrap(), a);
    assert_eq!(parse(&bare).unwrap(), a);
    assert_eq!(
        a.node("t").unwrap().kind,
        NodeKind::UserTask {
            candidate: Candidate::Role("division_head".into())
        }
    );
}

#[test]
fn flowable_and_camunda_candidate_groups_name_a_role_or_a_post() {
    let flowable = r#"<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:flowable="http://flowable.org/bpmn" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  targetNamespace="http://www.flowable.org/processdef">
  <process id="leave" name="审批" isExecutable="true">
    <documentation>Flowable 设计器导出</documentation>
    <extensionElements><flowable:executionListener event="start" class="x.Y"/></extensionElements>
    <startEvent id="start" flowable:initiator="initiator"/>
    <userTask id="head" name="处室审核" flowable:candidateGroups="role:division_head">
      <extensionElements><flowable:formProperty id="ok" type="boolean"/></extensionElements>
    </userTask>
    <userTask id="window" name="窗口办理" flowable:candidateGroups="post:行政许可窗口岗"/>
    <exclusiveGateway id="gw"/>
    <endEvent id="end"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="head"/>
    <sequenceFlow id="f2" sourceRef="head" targetRef="gw"/>
    <sequenceFlow id="f3" sourceRef="gw" targetRef="window">
      <conditionExpression xsi:type="tFormalExpression"><![CDATA[${ok}]]></conditionExpression>
    </sequenceFlow>
    <sequenceFlow id="f4" sourceRef="gw" targetRef="end">
      <conditionExpression xsi:type="tFormalExpression"><![CDATA[${!ok}]]></conditionExpression>
    </sequenceFlow>
    <sequenceFlow id="f5" sourceRef="window" targetRef="end"/>
  </process>
</definitions>"#;
    let def = parse(flowable).unwrap();
    assert_eq!(
        def.node("head").unwrap().kind,
        NodeKind::UserTask {
            candidate: Candidate::Role("division_head".into())
        }
    );
    assert_eq!(
        def.node("window").unwrap().kind,
        NodeKind::UserTask {
            candidate: Candidate::Post("行政许可窗口岗".into())
        }
    );
    let camunda = simple("").replace(
        r#"yg:candidatePost="行政许可窗口岗""#,
        r#"xmlns:camunda="http://camunda.org/schema/1.0/bpmn" camunda:candidateGroups="role:处室负责人""#,
    );
    // A role's Chinese label is read as its code.
    assert_eq!(
        parse(&camunda).unwrap().node("t").unwrap().kind,
        NodeKind::UserTask {
            candidate: Candidate::Role("division_head".into())
        }
    );
}

#[test]
fn lanes_annotations_and_other_diagram_parts_are_ignored() {
    let xml = simple(
        r#"<bpmn:laneSet id="ls"><bpmn:lane id="l1" name="窗口"><bpmn:flowNodeRef>t</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
        <bpmn:textAnnotation id="a1"><bpmn:text>注释</bpmn:text></bpmn:textAnnotation>
        <bpmn:association id="as1" sourceRef="t" targetRef="a1"/>"#,
    )
    .replace(
        "</bpmn:definitions>",
        r#"<bpmndi:BPMNDiagram xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" id="dg">
          <bpmndi:BPMNPlane id="pl" bpmnElement="p">
            <bpmndi:BPMNShape id="l1_di" bpmnElement="l1"><dc:Bounds x="0" y="0" width="900" height="300"/></bpmndi:BPMNShape>
            <bpmndi:BPMNShape id="t_di" bpmnElement="t"><dc:Bounds x="10.5" y="20" width="100" height="80"/>
              <bpmndi:BPMNLabel><dc:Bounds x="1" y="2" width="3" height="4"/></bpmndi:BPMNLabel></bpmndi:BPMNShape>
            <bpmndi:BPMNShape id="a1_di" bpmnElement="a1"><dc:Bounds x="0" y="0" width="9" height="9"/></bpmndi:BPMNShape>
          </bpmndi:BPMNPlane></bpmndi:BPMNDiagram></bpmn:definitions>"#,
    );
    let def = parse(&xml).unwrap();
    assert_eq!(def.nodes.len(), 3);
    assert_eq!(
        def.node("t").unwrap().bounds,
        Some(Bounds {
            x: 10.5,
            y: 20.0,
            width: 100.0,
            height: 80.0
        })
    );
}
