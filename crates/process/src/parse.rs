//! BPMN 2.0 import: the stated subset, matched by local name whatever
//! prefix the modeler used (bpmn:, bpmn2:, none). Everything the engine
//! cannot run is refused by name rather than skipped, so that the process
//! that runs is the one that was drawn.

use quick_xml::XmlVersion;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::Event;
use quick_xml::reader::Reader;
use yangguang_kernel::org::Role;

use crate::error::DefinitionError;
use crate::model::{
    Bounds, COLLECTIVE_DECISION, Candidate, Definition, Flow, Limit, Node, NodeKind, Point,
};

/// Deeper nesting than this is not a process drawing.
const MAX_DEPTH: usize = 64;

/// Parses and validates a BPMN file.
pub fn parse(xml: &str) -> Result<Definition, DefinitionError> {
    let root = read_tree(xml)?;
    if root.tag != "definitions" {
        return Err(DefinitionError::Syntax(format!(
            "根元素是 <{}>，不是 BPMN 的 <definitions>",
            root.qname
        )));
    }
    let mut processes = root.children.iter().filter(|c| c.tag == "process");
    let process = processes
        .next()
        .ok_or_else(|| DefinitionError::Syntax("文件中没有流程（process）".into()))?;
    if let Some(second) = processes.next() {
        return Err(DefinitionError::element(
            second.ident(),
            "一个文件只能有一个流程（process），请分成多个文件导入",
        ));
    }
    let message_flow = root
        .children
        .iter()
        .filter(|c| c.tag == "collaboration")
        .flat_map(|c| c.children.iter())
        .find(|m| m.tag == "messageFlow");
    if let Some(m) = message_flow {
        return Err(DefinitionError::element(
            m.ident(),
            "不支持消息流（messageFlow）",
        ));
    }
    let mut def = Definition {
        id: process.attr("id").unwrap_or_default().to_string(),
        name: process.attr("name").unwrap_or_default().to_string(),
        nodes: Vec::new(),
        flows: Vec::new(),
    };
    for el in &process.children {
        read_element(el, &mut def)?;
    }
    for diagram in root.children.iter().filter(|c| c.tag == "BPMNDiagram") {
        for plane in diagram.children.iter().filter(|c| c.tag == "BPMNPlane") {
            read_plane(plane, &mut def)?;
        }
    }
    crate::validate::validate(&def)?;
    Ok(def)
}

/// Children of a flow element that carry nothing the engine runs.
const IGNORED_CHILDREN: &[&str] = &["documentation", "extensionElements", "incoming", "outgoing"];

/// Process children that are not flow elements (drawing aids, lanes).
const IGNORED_IN_PROCESS: &[&str] = &[
    "documentation",
    "extensionElements",
    "laneSet",
    "textAnnotation",
    "association",
    "group",
    "dataObject",
    "dataObjectReference",
    "dataStoreReference",
];

fn read_element(el: &El, def: &mut Definition) -> Result<(), DefinitionError> {
    let tag = el.tag.as_str();
    if IGNORED_IN_PROCESS.contains(&tag) {
        return Ok(());
    }
    if tag == "sequenceFlow" {
        def.flows.push(read_flow(el)?);
        return Ok(());
    }
    let kind = match tag {
        "startEvent" => {
            no_event_definition(el, "只能是普通开始事件")?;
            NodeKind::Start
        }
        "endEvent" => {
            no_event_definition(el, "只能是普通结束事件")?;
            NodeKind::End
        }
        "userTask" => NodeKind::UserTask {
            candidate: candidate(el)?,
        },
        "exclusiveGateway" => NodeKind::Exclusive {
            default: el.attr("default").map(str::to_string),
        },
        "parallelGateway" => NodeKind::Parallel,
        "callActivity" => {
            let called = el.attr("calledElement").unwrap_or_default();
            if called != COLLECTIVE_DECISION {
                return Err(DefinitionError::element(
                    el.ident(),
                    format!(
                        "{}只能调用集体决策（calledElement=\"{COLLECTIVE_DECISION}\"），这里是“{called}”",
                        el.subject()
                    ),
                ));
            }
            NodeKind::CallDecision
        }
        "boundaryEvent" => boundary(el)?,
        other => return Err(DefinitionError::element(el.ident(), refusal(el, other))),
    };
    let allowed: &[&str] = match kind {
        NodeKind::BoundaryTimer { .. } => &["timerEventDefinition"],
        _ => &[],
    };
    for c in &el.children {
        if !IGNORED_CHILDREN.contains(&c.tag.as_str()) && !allowed.contains(&c.tag.as_str()) {
            return Err(DefinitionError::element(
                el.ident(),
                child_refusal(el, &c.tag),
            ));
        }
    }
    def.nodes.push(Node {
        id: el.attr("id").unwrap_or_default().to_string(),
        name: el.attr("name").unwrap_or_default().to_string(),
        kind,
        bounds: None,
    });
    Ok(())
}

/// Why an element the subset lacks is refused.
fn refusal(el: &El, tag: &str) -> String {
    let what = match tag {
        "scriptTask" => "脚本任务（scriptTask）",
        "serviceTask" => "服务任务（serviceTask）",
        "sendTask" => "发送任务（sendTask）",
        "receiveTask" => "接收任务（receiveTask）",
        "businessRuleTask" => "业务规则任务（businessRuleTask）",
        "manualTask" => "手工任务（manualTask），请改为指定办理岗位或角色的用户任务",
        "task" => "未指定类型的任务（task），请改为指定办理岗位或角色的用户任务",
        "inclusiveGateway" => "包容网关（inclusiveGateway）",
        "eventBasedGateway" => "事件网关（eventBasedGateway）",
        "complexGateway" => "复杂网关（complexGateway）",
        "subProcess" | "adHocSubProcess" | "transaction" => "子流程（subProcess）",
        "intermediateCatchEvent" | "intermediateThrowEvent" => "中间事件",
        _ => return format!("流程引擎不支持 <{tag}>"),
    };
    match el.attr("name").filter(|n| !n.is_empty()) {
        Some(name) => format!("“{name}”是{what}，流程引擎不支持"),
        None => format!("流程引擎不支持{what}"),
    }
}

fn child_refusal(el: &El, tag: &str) -> String {
    let subject = el.subject();
    match tag {
        "multiInstanceLoopCharacteristics" | "standardLoopCharacteristics" => {
            format!("{subject}是多实例或循环任务，流程引擎不支持")
        }
        t if t.ends_with("EventDefinition") => format!("{subject}不支持{}", event_kind(t)),
        t => format!("{subject}不支持子元素 <{t}>"),
    }
}

fn event_kind(tag: &str) -> String {
    let kind = match tag {
        "timerEventDefinition" => "定时",
        "messageEventDefinition" => "消息",
        "signalEventDefinition" => "信号",
        "errorEventDefinition" => "错误",
        "escalationEventDefinition" => "升级",
        "conditionalEventDefinition" => "条件",
        "compensateEventDefinition" => "补偿",
        "terminateEventDefinition" => "终止",
        "cancelEventDefinition" => "取消",
        "linkEventDefinition" => "链接",
        other => other,
    };
    format!("{kind}事件")
}

fn no_event_definition(el: &El, what: &str) -> Result<(), DefinitionError> {
    match el
        .children
        .iter()
        .find(|c| c.tag.ends_with("EventDefinition"))
    {
        Some(d) => Err(DefinitionError::element(
            el.ident(),
            format!("{}{what}（不支持{}）", el.subject(), event_kind(&d.tag)),
        )),
        None => Ok(()),
    }
}

fn candidate(el: &El) -> Result<Candidate, DefinitionError> {
    let subject = el.subject();
    let refuse =
        |reason: String| DefinitionError::element(el.ident(), format!("{subject}{reason}"));
    for who in ["assignee", "candidateUsers"] {
        if el.attr(who).is_some() {
            return Err(refuse(format!(
                "不支持指定具体办理人（{who}），请用 yg:candidateRole 或 yg:candidatePost 指定角色或岗位"
            )));
        }
    }
    let mut found = Vec::new();
    if let Some(r) = el.attr("candidateRole") {
        found.push(Candidate::Role(role_code(r)));
    }
    if let Some(p) = el.attr("candidatePost") {
        found.push(Candidate::Post(p.trim().to_string()));
    }
    if let Some(groups) = el.attr("candidateGroups") {
        for g in groups.split(',').map(str::trim).filter(|g| !g.is_empty()) {
            if let Some(r) = g.strip_prefix("role:") {
                found.push(Candidate::Role(role_code(r)));
            } else if let Some(p) = g.strip_prefix("post:") {
                found.push(Candidate::Post(p.trim().to_string()));
            } else {
                return Err(refuse(format!(
                    "的候选组“{g}”无法识别，请写作 role:角色代码 或 post:岗位名称"
                )));
            }
        }
    }
    match found.len() {
        0 => Err(refuse(
            "没有指定办理人，请用 yg:candidateRole 或 yg:candidatePost 指定角色或岗位".into(),
        )),
        1 => Ok(found.remove(0)),
        _ => Err(refuse("只能指定一个办理角色或岗位".into())),
    }
}

/// Accepts a role's code or its Chinese label; keeps unknown text for
/// validation to refuse by name.
fn role_code(text: &str) -> String {
    let text = text.trim();
    Role::parse(text).map_or_else(|| text.to_string(), |r| r.code().to_string())
}

fn boundary(el: &El) -> Result<NodeKind, DefinitionError> {
    let subject = el.subject();
    let refuse =
        |reason: String| DefinitionError::element(el.ident(), format!("{subject}{reason}"));
    let defs: Vec<&El> = el
        .children
        .iter()
        .filter(|c| c.tag.ends_with("EventDefinition"))
        .collect();
    let timer = match defs.as_slice() {
        [t] if t.tag == "timerEventDefinition" => *t,
        [] => return Err(refuse("没有定时定义（timerEventDefinition）".into())),
        [t] => return Err(refuse(format!("只支持定时，不支持{}", event_kind(&t.tag)))),
        _ => return Err(refuse("只能有一个事件定义".into())),
    };
    let duration = match timer.children.as_slice() {
        [d] if d.tag == "timeDuration" => d.text.trim(),
        _ => {
            return Err(refuse(
                "只支持时长（timeDuration，形如 P5D），不支持指定日期或周期".into(),
            ));
        }
    };
    let days = duration
        .strip_prefix('P')
        .and_then(|r| r.strip_suffix('D'))
        .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|n| n.parse::<u32>().ok())
        .ok_or_else(|| {
            refuse(format!(
                "的时限“{duration}”无法使用：只支持按天计的时长，如 P5D（5 个工作日；加 yg:days=\"calendar\" 则为 5 个自然日）"
            ))
        })?;
    let working = match el.attr("days") {
        None | Some("working") => true,
        Some("calendar") => false,
        Some(other) => {
            return Err(refuse(format!(
                "的 yg:days 只能是 working（工作日）或 calendar（自然日），这里是“{other}”"
            )));
        }
    };
    let interrupting = match el.attr("cancelActivity") {
        None | Some("true") => true,
        Some("false") => false,
        Some(other) => {
            return Err(refuse(format!(
                "的 cancelActivity 只能是 true 或 false，这里是“{other}”"
            )));
        }
    };
    Ok(NodeKind::BoundaryTimer {
        attached_to: el.attr("attachedToRef").unwrap_or_default().to_string(),
        limit: Limit { days, working },
        interrupting,
    })
}

fn read_flow(el: &El) -> Result<Flow, DefinitionError> {
    let mut condition = None;
    for c in &el.children {
        match c.tag.as_str() {
            "conditionExpression" => {
                let text = c.text.trim();
                if !text.is_empty() {
                    condition = Some(text.to_string());
                }
            }
            t if IGNORED_CHILDREN.contains(&t) => {}
            t => return Err(DefinitionError::element(el.ident(), child_refusal(el, t))),
        }
    }
    Ok(Flow {
        id: el.attr("id").unwrap_or_default().to_string(),
        source: el.attr("sourceRef").unwrap_or_default().to_string(),
        target: el.attr("targetRef").unwrap_or_default().to_string(),
        name: el.attr("name").unwrap_or_default().to_string(),
        condition,
        waypoints: Vec::new(),
    })
}

/// Fills bounds and waypoints from one diagram plane. Shapes of lanes,
/// pools and annotations name no node and are skipped; the first shape
/// of an element wins.
fn read_plane(plane: &El, def: &mut Definition) -> Result<(), DefinitionError> {
    for item in &plane.children {
        let Some(target) = item.attr("bpmnElement") else {
            continue;
        };
        match item.tag.as_str() {
            "BPMNShape" => {
                let Some(node) = def.nodes.iter_mut().find(|n| n.id == target) else {
                    continue;
                };
                if node.bounds.is_some() {
                    continue;
                }
                if let Some(b) = item.children.iter().find(|c| c.tag == "Bounds") {
                    node.bounds = Some(Bounds {
                        x: number(b, "x", item)?,
                        y: number(b, "y", item)?,
                        width: number(b, "width", item)?,
                        height: number(b, "height", item)?,
                    });
                }
            }
            "BPMNEdge" => {
                let Some(flow) = def.flows.iter_mut().find(|f| f.id == target) else {
                    continue;
                };
                if !flow.waypoints.is_empty() {
                    continue;
                }
                for w in item.children.iter().filter(|c| c.tag == "waypoint") {
                    flow.waypoints.push(Point {
                        x: number(w, "x", item)?,
                        y: number(w, "y", item)?,
                    });
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn number(el: &El, attr: &str, owner: &El) -> Result<f64, DefinitionError> {
    let raw = el.attr(attr).unwrap_or_default();
    raw.trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| {
            DefinitionError::element(owner.ident(), format!("图形坐标 {attr}=\"{raw}\" 不是数字"))
        })
}

/// A parsed element: local names, decoded attribute values and text.
struct El {
    tag: String,
    qname: String,
    attrs: Vec<(String, String)>,
    children: Vec<El>,
    text: String,
}

impl El {
    /// Attribute by local name, whatever its prefix.
    fn attr(&self, local: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == local)
            .map(|(_, v)| v.as_str())
    }

    /// What the element is, with its name: 用户任务“受理”.
    fn subject(&self) -> String {
        let kind = match self.tag.as_str() {
            "startEvent" => "开始事件",
            "endEvent" => "结束事件",
            "userTask" => "用户任务",
            "callActivity" => "调用活动",
            "boundaryEvent" => "边界事件",
            "sequenceFlow" => "顺序流",
            other => other,
        };
        match self.attr("name").filter(|n| !n.is_empty()) {
            Some(name) => format!("{kind}“{name}”"),
            None => kind.to_string(),
        }
    }

    /// The element's id, or its tag when it has none.
    fn ident(&self) -> String {
        match self.attr("id") {
            Some(id) if !id.is_empty() => id.to_string(),
            _ => self.qname.clone(),
        }
    }
}

fn syntax(reader: &Reader<&[u8]>, e: impl std::fmt::Display) -> DefinitionError {
    DefinitionError::Syntax(format!("第 {} 字节附近：{e}", reader.error_position()))
}

fn read_tree(xml: &str) -> Result<El, DefinitionError> {
    let mut reader = Reader::from_str(xml);
    let mut stack: Vec<El> = Vec::new();
    let mut root = None;
    loop {
        let event = reader.read_event().map_err(|e| syntax(&reader, e))?;
        match event {
            Event::Start(ref s) | Event::Empty(ref s) => {
                if root.is_some() {
                    return Err(syntax(&reader, "根元素之后还有元素"));
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(syntax(&reader, "元素嵌套过深"));
                }
                let mut attrs = Vec::new();
                for a in s.attributes() {
                    let a = a.map_err(|e| syntax(&reader, e))?;
                    let key = a.key.into_inner();
                    if key == "xmlns" || key.starts_with("xmlns:") {
                        continue;
                    }
                    let value = a
                        .normalized_value(XmlVersion::Implicit1_0)
                        .map_err(|e| syntax(&reader, e))?;
                    attrs.push((
                        a.key.local_name().into_inner().to_string(),
                        value.into_owned(),
                    ));
                }
                let el = El {
                    tag: s.local_name().into_inner().to_string(),
                    qname: s.name().into_inner().to_string(),
                    attrs,
                    children: Vec::new(),
                    text: String::new(),
                };
                if matches!(event, Event::Start(_)) {
                    stack.push(el);
                } else {
                    close(el, &mut stack, &mut root);
                }
            }
            Event::End(_) => {
                let el = stack
                    .pop()
                    .ok_or_else(|| syntax(&reader, "多余的结束标记"))?;
                close(el, &mut stack, &mut root);
            }
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                let ch = r.resolve_char_ref().map_err(|e| syntax(&reader, e))?;
                let name = r.into_inner();
                let piece = match ch {
                    Some(c) => c.to_string(),
                    None => resolve_predefined_entity(&name)
                        .ok_or_else(|| syntax(&reader, format!("未知的实体 &{name};")))?
                        .to_string(),
                };
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&piece);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !stack.is_empty() {
        return Err(DefinitionError::Syntax("文件在元素闭合之前就结束了".into()));
    }
    root.ok_or_else(|| DefinitionError::Syntax("文件中没有 XML 元素".into()))
}

fn close(el: El, stack: &mut [El], root: &mut Option<El>) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(el),
        None => *root = Some(el),
    }
}
