//! The steps of a definition as text: the list shown beside the
//! flowchart and read out as its `<desc>` (the chart's text alternative).
//!
//! Only what a person waits for is a step: user tasks, collective
//! decisions, ends. Gateways are not steps; their branches become the
//! labelled `next` entries of the step before them.

use std::collections::{HashMap, HashSet, VecDeque};

use serde::Serialize;

use crate::model::{Candidate, Definition, Flow, Limit, NodeKind};

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Step {
    pub id: String,
    pub name: String,
    /// Who does it: "岗位：…", "角色：…", "集体决策（三重一大会议）"; empty for an end.
    pub who: String,
    /// The time limits of its boundary timers, e.g. "5个工作日", "90日".
    pub limit: Option<String>,
    /// The following steps, each with the labels of the flows leading
    /// there: "材料齐全 → 受理".
    pub next: Vec<String>,
}

/// The Chinese name of a kernel role code; an unknown code as it is.
pub fn role_name(code: &str) -> &str {
    match code {
        "staff" => "工作人员",
        "division_head" => "处室负责人",
        "office" => "办公室",
        "deputy_leader" => "分管局领导",
        "principal_leader" => "主要领导",
        "supervisor" => "监察室",
        other => other,
    }
}

pub fn limit_text(l: &Limit) -> String {
    if l.working {
        format!("{}个工作日", l.days)
    } else {
        format!("{}日", l.days)
    }
}

/// Who does a node's work, as the public reads it.
pub fn who(kind: &NodeKind) -> String {
    match kind {
        NodeKind::UserTask {
            candidate: Candidate::Post(p),
        } => format!("岗位：{p}"),
        NodeKind::UserTask {
            candidate: Candidate::Role(r),
        } => format!("角色：{}", role_name(r)),
        NodeKind::CallDecision => "集体决策（三重一大会议）".to_string(),
        _ => String::new(),
    }
}

/// A flow's label: its name; for an unnamed conditional flow the
/// condition itself without the `${…}` wrapper, so no branch is blank.
pub fn flow_label(f: &Flow) -> &str {
    if !f.name.trim().is_empty() {
        return f.name.trim();
    }
    match &f.condition {
        Some(c) => {
            let c = c.trim();
            c.strip_prefix("${")
                .and_then(|c| c.strip_suffix('}'))
                .unwrap_or(c)
                .trim()
        }
        None => "",
    }
}

fn is_step(kind: &NodeKind) -> bool {
    matches!(
        kind,
        NodeKind::UserTask { .. } | NodeKind::CallDecision | NodeKind::End
    )
}

/// The steps in reading order: breadth-first from the start (document
/// order among siblings, a timer's flows after its task's own), then any
/// step the start does not reach, in document order.
pub fn steps(def: &Definition) -> Vec<Step> {
    let index: HashMap<&str, usize> = def
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id.as_str(), i))
        .collect();
    let mut outs: Vec<Vec<usize>> = vec![Vec::new(); def.nodes.len()];
    for (fi, f) in def.flows.iter().enumerate() {
        if let Some(&s) = index.get(f.source.as_str()) {
            outs[s].push(fi);
        }
    }
    let mut timers: Vec<Vec<usize>> = vec![Vec::new(); def.nodes.len()];
    for (i, n) in def.nodes.iter().enumerate() {
        if let NodeKind::BoundaryTimer { attached_to, .. } = &n.kind
            && let Some(&h) = index.get(attached_to.as_str())
        {
            timers[h].push(i);
        }
    }
    // A node's successors: its own flows, then its timers' flows.
    let succ = |v: usize| -> Vec<usize> {
        let mut f = outs[v].clone();
        for &t in &timers[v] {
            f.extend(outs[t].iter().copied());
        }
        f
    };

    let mut seen = vec![false; def.nodes.len()];
    let mut order = Vec::new();
    let mut queue: VecDeque<usize> = VecDeque::new();
    for (i, n) in def.nodes.iter().enumerate() {
        if matches!(n.kind, NodeKind::Start) {
            seen[i] = true;
            queue.push_back(i);
        }
    }
    while let Some(v) = queue.pop_front() {
        if is_step(&def.nodes[v].kind) {
            order.push(v);
        }
        for fi in succ(v) {
            if let Some(&t) = index.get(def.flows[fi].target.as_str())
                && !seen[t]
            {
                seen[t] = true;
                queue.push_back(t);
            }
        }
    }
    order.extend((0..def.nodes.len()).filter(|&i| !seen[i] && is_step(&def.nodes[i].kind)));

    order
        .into_iter()
        .map(|v| {
            let n = &def.nodes[v];
            let limits: Vec<String> = timers[v]
                .iter()
                .filter_map(|&t| match &def.nodes[t].kind {
                    NodeKind::BoundaryTimer { limit, .. } => Some(limit_text(limit)),
                    _ => None,
                })
                .collect();
            let mut next = Vec::new();
            for &fi in &outs[v] {
                let label = flow_label(&def.flows[fi]).to_string();
                follow(
                    def,
                    &index,
                    &outs,
                    fi,
                    label,
                    &mut HashSet::new(),
                    &mut next,
                );
            }
            for &t in &timers[v] {
                for &fi in &outs[t] {
                    let f = &def.flows[fi];
                    let label = match (flow_label(f), &def.nodes[t]) {
                        ("", tn) if !tn.name.trim().is_empty() => tn.name.trim().to_string(),
                        ("", _) => format!("超过{}", limits.first().map_or("时限", String::as_str)),
                        (l, _) => l.to_string(),
                    };
                    follow(
                        def,
                        &index,
                        &outs,
                        fi,
                        label,
                        &mut HashSet::new(),
                        &mut next,
                    );
                }
            }
            Step {
                id: n.id.clone(),
                name: n.name.clone(),
                who: who(&n.kind),
                limit: (!limits.is_empty()).then(|| limits.join("、")),
                next,
            }
        })
        .collect()
}

/// Follows flow `fi` (reached with `label`) through gateways to the
/// steps it leads to, adding "labels → name" to `next`.
fn follow(
    def: &Definition,
    index: &HashMap<&str, usize>,
    outs: &[Vec<usize>],
    fi: usize,
    label: String,
    seen: &mut HashSet<usize>,
    next: &mut Vec<String>,
) {
    let Some(&t) = index.get(def.flows[fi].target.as_str()) else {
        return;
    };
    if !seen.insert(t) {
        return;
    }
    let node = &def.nodes[t];
    if is_step(&node.kind) {
        let entry = if label.is_empty() {
            node.name.clone()
        } else {
            format!("{label} → {}", node.name)
        };
        if !next.contains(&entry) {
            next.push(entry);
        }
        return;
    }
    for &g in &outs[t] {
        let l = flow_label(&def.flows[g]);
        let joined = match (label.is_empty(), l.is_empty()) {
            (_, true) => label.clone(),
            (true, false) => l.to_string(),
            (false, false) => format!("{label}，{l}"),
        };
        follow(def, index, outs, g, joined, seen, next);
    }
}
