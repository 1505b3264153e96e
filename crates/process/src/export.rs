//! BPMN 2.0 export with diagram interchange, so that bpmn.io, Camunda
//! Modeler or a Flowable designer opens the definition as drawn, and
//! [`crate::parse::parse`] reads it back to the same definition.

use std::fmt::Write;

use crate::model::{Bounds, Candidate, Definition, NodeKind, Point};

pub const BPMN_NS: &str = "http://www.omg.org/spec/BPMN/20100524/MODEL";
pub const BPMNDI_NS: &str = "http://www.omg.org/spec/BPMN/20100524/DI";
pub const DC_NS: &str = "http://www.omg.org/spec/DD/20100524/DC";
pub const DI_NS: &str = "http://www.omg.org/spec/DD/20100524/DI";
pub const XSI_NS: &str = "http://www.w3.org/2001/XMLSchema-instance";
pub const YG_NS: &str = "http://yangguang.gov.cn/bpmn";

/// Writes the definition as BPMN XML. Nodes and flows keep their order;
/// a definition drawn without DI is laid out first.
pub fn to_bpmn(def: &Definition) -> String {
    let complete = def.nodes.iter().all(|n| n.bounds.is_some())
        && def.flows.iter().all(|f| f.waypoints.len() >= 2);
    let laid;
    let drawn = if complete {
        def
    } else {
        laid = crate::layout::layout(def);
        &laid
    };
    let mut x = String::with_capacity(4096 + 600 * (def.nodes.len() + def.flows.len()));
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        x,
        "<bpmn:definitions xmlns:bpmn=\"{BPMN_NS}\" xmlns:bpmndi=\"{BPMNDI_NS}\" \
         xmlns:dc=\"{DC_NS}\" xmlns:di=\"{DI_NS}\" xmlns:xsi=\"{XSI_NS}\" xmlns:yg=\"{YG_NS}\" \
         id=\"Definitions_{}\" targetNamespace=\"{YG_NS}\" exporter=\"yangguang\">",
        esc(&def.id)
    );
    let _ = writeln!(
        x,
        "  <bpmn:process id=\"{}\"{} isExecutable=\"true\">",
        esc(&def.id),
        name_attr(&def.name)
    );
    for n in &def.nodes {
        let id = esc(&n.id);
        let name = name_attr(&n.name);
        let (tag, extra) = match &n.kind {
            NodeKind::Start => ("startEvent", String::new()),
            NodeKind::End => ("endEvent", String::new()),
            NodeKind::UserTask { candidate } => (
                "userTask",
                match candidate {
                    Candidate::Role(r) => format!(" yg:candidateRole=\"{}\"", esc(r)),
                    Candidate::Post(p) => format!(" yg:candidatePost=\"{}\"", esc(p)),
                },
            ),
            NodeKind::Exclusive { default } => (
                "exclusiveGateway",
                default
                    .as_ref()
                    .map(|d| format!(" default=\"{}\"", esc(d)))
                    .unwrap_or_default(),
            ),
            NodeKind::Parallel => ("parallelGateway", String::new()),
            NodeKind::CallDecision => (
                "callActivity",
                format!(" calledElement=\"{}\"", crate::model::COLLECTIVE_DECISION),
            ),
            NodeKind::BoundaryTimer {
                attached_to,
                limit,
                interrupting,
            } => (
                "boundaryEvent",
                format!(
                    " attachedToRef=\"{}\"{}{}",
                    esc(attached_to),
                    if *interrupting {
                        ""
                    } else {
                        " cancelActivity=\"false\""
                    },
                    if limit.working {
                        ""
                    } else {
                        " yg:days=\"calendar\""
                    },
                ),
            ),
        };
        let _ = writeln!(x, "    <bpmn:{tag} id=\"{id}\"{name}{extra}>");
        for f in def.incoming(&n.id) {
            let _ = writeln!(x, "      <bpmn:incoming>{}</bpmn:incoming>", esc(&f.id));
        }
        for f in def.outgoing(&n.id) {
            let _ = writeln!(x, "      <bpmn:outgoing>{}</bpmn:outgoing>", esc(&f.id));
        }
        if let NodeKind::BoundaryTimer { limit, .. } = &n.kind {
            let _ = writeln!(
                x,
                "      <bpmn:timerEventDefinition><bpmn:timeDuration xsi:type=\"bpmn:tFormalExpression\">P{}D</bpmn:timeDuration></bpmn:timerEventDefinition>",
                limit.days
            );
        }
        let _ = writeln!(x, "    </bpmn:{tag}>");
    }
    for f in &def.flows {
        let head = format!(
            "    <bpmn:sequenceFlow id=\"{}\"{} sourceRef=\"{}\" targetRef=\"{}\"",
            esc(&f.id),
            name_attr(&f.name),
            esc(&f.source),
            esc(&f.target)
        );
        match &f.condition {
            None => {
                let _ = writeln!(x, "{head} />");
            }
            Some(c) => {
                let _ = writeln!(
                    x,
                    "{head}>\n      <bpmn:conditionExpression xsi:type=\"bpmn:tFormalExpression\">{}</bpmn:conditionExpression>\n    </bpmn:sequenceFlow>",
                    esc_text(c)
                );
            }
        }
    }
    x.push_str("  </bpmn:process>\n");
    let _ = writeln!(
        x,
        "  <bpmndi:BPMNDiagram id=\"BPMNDiagram_{0}\">\n    <bpmndi:BPMNPlane id=\"BPMNPlane_{0}\" bpmnElement=\"{0}\">",
        esc(&def.id)
    );
    for (n, d) in def.nodes.iter().zip(&drawn.nodes) {
        let Some(b) = n.bounds.or(d.bounds) else {
            continue;
        };
        let marker = if matches!(n.kind, NodeKind::Exclusive { .. }) {
            " isMarkerVisible=\"true\""
        } else {
            ""
        };
        let _ = writeln!(
            x,
            "      <bpmndi:BPMNShape id=\"{0}_di\" bpmnElement=\"{0}\"{marker}>\n        {1}\n      </bpmndi:BPMNShape>",
            esc(&n.id),
            bounds(&b)
        );
    }
    for (f, d) in def.flows.iter().zip(&drawn.flows) {
        let points: &[Point] = if f.waypoints.len() >= 2 || d.waypoints.len() < 2 {
            &f.waypoints
        } else {
            &d.waypoints
        };
        if points.is_empty() {
            continue;
        }
        let _ = writeln!(
            x,
            "      <bpmndi:BPMNEdge id=\"{0}_di\" bpmnElement=\"{0}\">",
            esc(&f.id)
        );
        for p in points {
            let _ = writeln!(x, "        <di:waypoint x=\"{}\" y=\"{}\" />", p.x, p.y);
        }
        x.push_str("      </bpmndi:BPMNEdge>\n");
    }
    x.push_str("    </bpmndi:BPMNPlane>\n  </bpmndi:BPMNDiagram>\n</bpmn:definitions>\n");
    x
}

fn bounds(b: &Bounds) -> String {
    format!(
        "<dc:Bounds x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" />",
        b.x, b.y, b.width, b.height
    )
}

fn name_attr(name: &str) -> String {
    if name.is_empty() {
        String::new()
    } else {
        format!(" name=\"{}\"", esc(name))
    }
}

/// Escapes an attribute value; line breaks and tabs as character
/// references, which attribute normalisation would otherwise turn into
/// spaces on reading.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes element text; quotes stay readable (`${tier == 'major'}`).
fn esc_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}
