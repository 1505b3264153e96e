//! Import-time checks: a definition the engine accepts can run every case
//! to an end. Structure first (ids, references, flow counts, conditions,
//! reachability), then the token game of [`sound`] for deadlocks and
//! unsynchronised branches. Every refusal names the element.

mod exhaustive;
mod sound;

use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};

use yangguang_kernel::calendar::MAX_WORKING_DAYS;
use yangguang_kernel::org::Role;

use crate::cond::parse_condition;
use crate::error::DefinitionError;
use crate::model::{Candidate, Definition, Flow, Node, NodeKind};

/// Checks a definition; the first problem found is returned.
pub fn validate(def: &Definition) -> Result<(), DefinitionError> {
    ids(def)?;
    references(def)?;
    counts(def)?;
    conditions(def)?;
    reachability(def)?;
    routing_cycles(def)?;
    sound::check(def)
}

/// The BPMN tag a node kind is written as.
pub(crate) fn tag(kind: &NodeKind) -> &'static str {
    match kind {
        NodeKind::Start => "startEvent",
        NodeKind::End => "endEvent",
        NodeKind::UserTask { .. } => "userTask",
        NodeKind::Exclusive { .. } => "exclusiveGateway",
        NodeKind::Parallel => "parallelGateway",
        NodeKind::CallDecision => "callActivity",
        NodeKind::BoundaryTimer { .. } => "boundaryEvent",
    }
}

/// What a node is, in the words of the reason texts.
pub(crate) fn describe(node: &Node) -> String {
    let kind = match node.kind {
        NodeKind::Start => "开始事件",
        NodeKind::End => "结束事件",
        NodeKind::UserTask { .. } => "用户任务",
        NodeKind::Exclusive { .. } => "排他网关",
        NodeKind::Parallel => "并行网关",
        NodeKind::CallDecision => "集体决策调用",
        NodeKind::BoundaryTimer { .. } => "边界定时",
    };
    if node.name.is_empty() {
        kind.to_string()
    } else {
        format!("{kind}“{}”", node.name)
    }
}

pub(crate) fn describe_flow(flow: &Flow) -> String {
    if flow.name.is_empty() {
        format!("顺序流“{}”", flow.id)
    } else {
        format!("顺序流“{}”（{}）", flow.id, flow.name)
    }
}

fn refuse(element: &str, reason: String) -> DefinitionError {
    DefinitionError::element(element, reason)
}

fn ids(def: &Definition) -> Result<(), DefinitionError> {
    if def.id.trim().is_empty() {
        return Err(refuse("process", "流程缺少 id".into()));
    }
    let mut seen = HashSet::from([def.id.as_str()]);
    for n in &def.nodes {
        if n.id.trim().is_empty() {
            return Err(refuse(tag(&n.kind), format!("{}缺少 id", describe(n))));
        }
        if !seen.insert(&n.id) {
            return Err(refuse(
                &n.id,
                format!("{}的 id 与其他元素重复", describe(n)),
            ));
        }
    }
    for f in &def.flows {
        if f.id.trim().is_empty() {
            return Err(refuse(
                "sequenceFlow",
                format!("{}缺少 id", describe_flow(f)),
            ));
        }
        if !seen.insert(&f.id) {
            return Err(refuse(&f.id, "顺序流的 id 与其他元素重复".into()));
        }
    }
    Ok(())
}

fn references(def: &Definition) -> Result<(), DefinitionError> {
    for f in &def.flows {
        let source = def.node(&f.source);
        let target = def.node(&f.target);
        if source.is_none() {
            return Err(refuse(&f.id, format!("顺序流的起点“{}”不存在", f.source)));
        }
        match target.map(|t| &t.kind) {
            None => return Err(refuse(&f.id, format!("顺序流的终点“{}”不存在", f.target))),
            Some(NodeKind::Start) => {
                return Err(refuse(&f.target, "开始事件不能有进入的顺序流".into()));
            }
            Some(NodeKind::BoundaryTimer { .. }) => {
                return Err(refuse(&f.id, "顺序流不能指向边界事件".into()));
            }
            Some(_) => {}
        }
    }
    for n in &def.nodes {
        match &n.kind {
            NodeKind::BoundaryTimer {
                attached_to, limit, ..
            } => {
                match def.node(attached_to).map(|a| &a.kind) {
                    None => {
                        return Err(refuse(
                            &n.id,
                            format!("{}附着的“{attached_to}”不存在", describe(n)),
                        ));
                    }
                    Some(NodeKind::UserTask { .. } | NodeKind::CallDecision) => {}
                    Some(_) => {
                        return Err(refuse(
                            &n.id,
                            format!("{}只能附着在用户任务或集体决策调用上", describe(n)),
                        ));
                    }
                }
                if limit.days == 0 || limit.days > MAX_WORKING_DAYS {
                    return Err(refuse(
                        &n.id,
                        format!("{}的时限应为 1 到 {MAX_WORKING_DAYS} 天", describe(n)),
                    ));
                }
            }
            NodeKind::UserTask {
                candidate: Candidate::Role(code),
            } if Role::parse(code).is_none_or(|r| r.is_admin()) => {
                return Err(refuse(
                    &n.id,
                    format!("{}的办理角色“{code}”不是业务角色", describe(n)),
                ));
            }
            NodeKind::UserTask {
                candidate: Candidate::Post(post),
            } if post.trim().is_empty() => {
                return Err(refuse(&n.id, format!("{}的办理岗位为空", describe(n))));
            }
            NodeKind::Exclusive {
                default: Some(default),
            } if !def.outgoing(&n.id).any(|f| &f.id == default) => {
                return Err(refuse(
                    &n.id,
                    format!("{}的默认路径“{default}”不是它出去的顺序流", describe(n)),
                ));
            }
            _ => {}
        }
    }
    Ok(())
}

fn counts(def: &Definition) -> Result<(), DefinitionError> {
    let starts: Vec<&Node> = def
        .nodes
        .iter()
        .filter(|n| n.kind == NodeKind::Start)
        .collect();
    match starts.as_slice() {
        [] => return Err(refuse(&def.id, "流程没有开始事件".into())),
        [_] => {}
        [_, second, ..] => return Err(refuse(&second.id, "流程只能有一个开始事件".into())),
    }
    if !def.nodes.iter().any(|n| n.kind == NodeKind::End) {
        return Err(refuse(&def.id, "流程没有结束事件".into()));
    }
    for n in &def.nodes {
        let out = def.outgoing(&n.id).count();
        let what = describe(n);
        let problem = match &n.kind {
            NodeKind::Start if out != 1 => Some(format!("{what}应有且只有一条出去的顺序流")),
            NodeKind::End if out > 0 => Some(format!("{what}不能有出去的顺序流")),
            NodeKind::UserTask { .. } | NodeKind::CallDecision if out == 0 => {
                Some(format!("{what}没有出去的顺序流"))
            }
            NodeKind::UserTask { .. } | NodeKind::CallDecision if out > 1 => Some(format!(
                "{what}有多条出去的顺序流；要分支请在后面加排他网关或并行网关"
            )),
            NodeKind::Exclusive { .. } | NodeKind::Parallel if out == 0 => {
                Some(format!("{what}没有出去的顺序流"))
            }
            NodeKind::BoundaryTimer { .. } if out != 1 => {
                Some(format!("{what}应有且只有一条出去的顺序流"))
            }
            _ => None,
        };
        if let Some(reason) = problem {
            return Err(refuse(&n.id, reason));
        }
    }
    Ok(())
}

fn conditions(def: &Definition) -> Result<(), DefinitionError> {
    let mut parsed = HashMap::new();
    for f in &def.flows {
        let Some(src) = &f.condition else { continue };
        let cond =
            parse_condition(src).map_err(|e| refuse(&f.id, format!("条件“{src}”无法解析：{e}")))?;
        let Some(source) = def.node(&f.source) else {
            continue;
        };
        match &source.kind {
            NodeKind::Exclusive { default } => {
                if default.as_deref() == Some(f.id.as_str()) {
                    return Err(refuse(&f.id, "默认路径不能再带条件".into()));
                }
            }
            _ => {
                return Err(refuse(
                    &f.id,
                    format!(
                        "只有排他网关出去的顺序流可以带条件，这条从{}出去",
                        describe(source)
                    ),
                ));
            }
        }
        parsed.insert(f.id.as_str(), cond);
    }
    for n in &def.nodes {
        let NodeKind::Exclusive { default: None } = n.kind else {
            continue;
        };
        let mut conds = Vec::new();
        for f in def.outgoing(&n.id) {
            match parsed.get(f.id.as_str()) {
                Some(c) => conds.push(c),
                // An unconditioned flow is always taken: exhaustive.
                None => {
                    conds.clear();
                    break;
                }
            }
        }
        if !conds.is_empty() {
            exhaustive::check(&conds).map_err(|reason| refuse(&n.id, reason))?;
        }
    }
    Ok(())
}

/// Successors for reachability: flows, and a task to its boundary timers.
fn successors(def: &Definition) -> HashMap<&str, Vec<&str>> {
    let mut next: HashMap<&str, Vec<&str>> = HashMap::new();
    for f in &def.flows {
        next.entry(&f.source).or_default().push(&f.target);
    }
    for n in &def.nodes {
        if let NodeKind::BoundaryTimer { attached_to, .. } = &n.kind {
            next.entry(attached_to).or_default().push(&n.id);
        }
    }
    next
}

fn closure<'a>(starts: Vec<&'a str>, next: &HashMap<&'a str, Vec<&'a str>>) -> HashSet<&'a str> {
    let mut seen: HashSet<&str> = starts.iter().copied().collect();
    let mut queue: VecDeque<&str> = starts.into();
    while let Some(n) = queue.pop_front() {
        for &m in next.get(n).into_iter().flatten() {
            if seen.insert(m) {
                queue.push_back(m);
            }
        }
    }
    seen
}

fn reachability(def: &Definition) -> Result<(), DefinitionError> {
    let next = successors(def);
    let start: Vec<&str> = def
        .nodes
        .iter()
        .filter(|n| n.kind == NodeKind::Start)
        .map(|n| n.id.as_str())
        .collect();
    let reached = closure(start, &next);
    if let Some(n) = def.nodes.iter().find(|n| !reached.contains(n.id.as_str())) {
        return Err(refuse(&n.id, format!("从开始事件走不到{}", describe(n))));
    }
    let mut prev: HashMap<&str, Vec<&str>> = HashMap::new();
    for (from, tos) in &next {
        for to in tos {
            prev.entry(to).or_default().push(from);
        }
    }
    let ends: Vec<&str> = def
        .nodes
        .iter()
        .filter(|n| n.kind == NodeKind::End)
        .map(|n| n.id.as_str())
        .collect();
    let finishing = closure(ends, &prev);
    if let Some(n) = def
        .nodes
        .iter()
        .find(|n| !finishing.contains(n.id.as_str()))
    {
        return Err(refuse(
            &n.id,
            format!("从{}走不到任何结束事件", describe(n)),
        ));
    }
    Ok(())
}

/// A loop through gateways alone never stops at a step: the engine would
/// route the case round it for ever.
fn routing_cycles(def: &Definition) -> Result<(), DefinitionError> {
    let routing: BTreeSet<&str> = def
        .nodes
        .iter()
        .filter(|n| matches!(n.kind, NodeKind::Exclusive { .. } | NodeKind::Parallel))
        .map(|n| n.id.as_str())
        .collect();
    let mut next: HashMap<&str, Vec<&str>> = HashMap::new();
    for f in &def.flows {
        if routing.contains(f.source.as_str()) && routing.contains(f.target.as_str()) {
            next.entry(&f.source).or_default().push(&f.target);
        }
    }
    // Iterative DFS with colours; a grey target closes a cycle.
    let mut colour: HashMap<&str, u8> = HashMap::new();
    for &root in &routing {
        if colour.contains_key(root) {
            continue;
        }
        let mut stack = vec![(root, 0usize)];
        colour.insert(root, 1);
        while let Some((node, i)) = stack.pop() {
            let succ = next.get(node).map_or(&[][..], Vec::as_slice);
            if let Some(&m) = succ.get(i) {
                stack.push((node, i + 1));
                match colour.get(m) {
                    Some(1) => {
                        let what = def.node(m).map(describe).unwrap_or_default();
                        return Err(refuse(
                            m,
                            format!("从{what}出发可以不经过任何办理步骤又回到这里，流程会无限循环"),
                        ));
                    }
                    Some(_) => {}
                    None => {
                        colour.insert(m, 1);
                        stack.push((m, 0));
                    }
                }
            } else {
                colour.insert(node, 2);
            }
        }
    }
    Ok(())
}
