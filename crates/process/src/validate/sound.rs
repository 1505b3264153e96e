//! Soundness by the token game: every marking reachable from the start is
//! explored, with exclusive gateways and timers choosing freely among their
//! paths (conditions abstracted), and refused if one can stop with tokens
//! left (a parallel join that never gets all its branches), can put two
//! tokens on one place (branches merged without a join), or can no longer
//! reach the end.

use std::collections::{HashMap, VecDeque};

use super::{describe, describe_flow, refuse};
use crate::error::DefinitionError;
use crate::model::{Definition, NodeKind};

/// More markings than this are refused as too complex to check.
pub(super) const MAX_MARKINGS: usize = 100_000;

/// Where a token is: on a flow (moving, or waiting at a parallel join), or
/// at a task or call with the set of non-interrupting timers already fired.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Place {
    Flow(usize),
    Task(usize, u32),
}

/// A multiset of places, sorted.
type Marking = Vec<Place>;

struct Net<'a> {
    def: &'a Definition,
    /// Per flow: its target node index.
    target: Vec<usize>,
    /// Per node: outgoing flow indices, incoming flow indices.
    out: Vec<Vec<usize>>,
    inc: Vec<Vec<usize>>,
    /// Per task/call: its timers as (interrupting, outgoing flow index).
    timers: Vec<Vec<(bool, usize)>>,
}

enum Problem {
    /// Two tokens on one place: at this node (index).
    Unsafe(usize),
    TooMany,
}

pub(super) fn check(def: &Definition) -> Result<(), DefinitionError> {
    let Some(net) = Net::new(def) else {
        // Structure checks ran first; a missing piece here is not reachable.
        return Ok(());
    };
    let start = def
        .nodes
        .iter()
        .position(|n| n.kind == NodeKind::Start)
        .and_then(|s| net.out[s].first().copied());
    let Some(start) = start else { return Ok(()) };
    let mut index: HashMap<Marking, usize> = HashMap::new();
    let mut markings: Vec<Marking> = Vec::new();
    let mut preds: Vec<Vec<usize>> = Vec::new();
    let mut queue = VecDeque::new();
    let first = vec![Place::Flow(start)];
    index.insert(first.clone(), 0);
    markings.push(first);
    preds.push(Vec::new());
    queue.push_back(0);
    while let Some(i) = queue.pop_front() {
        let m = markings[i].clone();
        let next = net.successors(&m);
        if next.is_empty() && !m.is_empty() {
            return Err(net.deadlock(&m));
        }
        for n in next {
            if let Some(node) = net.unsafe_place(&n) {
                return Err(net.explain(Problem::Unsafe(node)));
            }
            let j = match index.get(&n) {
                Some(&j) => j,
                None => {
                    if markings.len() >= MAX_MARKINGS {
                        return Err(net.explain(Problem::TooMany));
                    }
                    let j = markings.len();
                    index.insert(n.clone(), j);
                    markings.push(n);
                    preds.push(Vec::new());
                    queue.push_back(j);
                    j
                }
            };
            preds[j].push(i);
        }
    }
    // Every reachable marking must still be able to finish.
    let mut can_finish = vec![false; markings.len()];
    let mut back: VecDeque<usize> = VecDeque::new();
    if let Some(&done) = index.get(&Vec::new()) {
        can_finish[done] = true;
        back.push_back(done);
    }
    while let Some(j) = back.pop_front() {
        for &i in &preds[j] {
            if !can_finish[i] {
                can_finish[i] = true;
                back.push_back(i);
            }
        }
    }
    match can_finish.iter().position(|ok| !ok) {
        Some(i) => Err(net.stuck(&markings[i])),
        None => Ok(()),
    }
}

impl<'a> Net<'a> {
    fn new(def: &'a Definition) -> Option<Net<'a>> {
        let pos: HashMap<&str, usize> = def
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.id.as_str(), i))
            .collect();
        let mut net = Net {
            def,
            target: Vec::with_capacity(def.flows.len()),
            out: vec![Vec::new(); def.nodes.len()],
            inc: vec![Vec::new(); def.nodes.len()],
            timers: vec![Vec::new(); def.nodes.len()],
        };
        for (k, f) in def.flows.iter().enumerate() {
            let s = *pos.get(f.source.as_str())?;
            let t = *pos.get(f.target.as_str())?;
            net.target.push(t);
            net.out[s].push(k);
            net.inc[t].push(k);
        }
        for (i, n) in def.nodes.iter().enumerate() {
            if let NodeKind::BoundaryTimer {
                attached_to,
                interrupting,
                ..
            } = &n.kind
            {
                let a = *pos.get(attached_to.as_str())?;
                let out = *net.out[i].first()?;
                net.timers[a].push((*interrupting, out));
            }
        }
        // Fired non-interrupting timers are bits of a u32.
        if net.timers.iter().any(|t| t.len() > 32) {
            return None;
        }
        Some(net)
    }

    fn successors(&self, m: &Marking) -> Vec<Marking> {
        let mut out = Vec::new();
        for (k, &p) in m.iter().enumerate() {
            if k > 0 && m[k - 1] == p {
                continue;
            }
            let without = || {
                let mut r = m.clone();
                r.remove(k);
                r
            };
            match p {
                Place::Flow(f) => {
                    let t = self.target[f];
                    match &self.def.nodes[t].kind {
                        NodeKind::End => out.push(without()),
                        NodeKind::UserTask { .. } | NodeKind::CallDecision => {
                            out.push(with(without(), &[Place::Task(t, 0)]));
                        }
                        NodeKind::Exclusive { .. } => {
                            for &g in &self.out[t] {
                                out.push(with(without(), &[Place::Flow(g)]));
                            }
                        }
                        NodeKind::Parallel => {
                            if let Some(n) = self.fire_join(m, t) {
                                out.push(n);
                            }
                        }
                        NodeKind::Start | NodeKind::BoundaryTimer { .. } => {}
                    }
                }
                Place::Task(t, fired) => {
                    if let Some(&g) = self.out[t].first() {
                        out.push(with(without(), &[Place::Flow(g)]));
                    }
                    let mut bit = 0;
                    for &(interrupting, g) in &self.timers[t] {
                        if interrupting {
                            out.push(with(without(), &[Place::Flow(g)]));
                        } else {
                            let mask = 1u32 << bit;
                            if fired & mask == 0 {
                                out.push(with(
                                    without(),
                                    &[Place::Task(t, fired | mask), Place::Flow(g)],
                                ));
                            }
                            bit += 1;
                        }
                    }
                }
            }
        }
        out
    }

    /// Fires parallel gateway `t` if each incoming flow has a token.
    fn fire_join(&self, m: &Marking, t: usize) -> Option<Marking> {
        let mut r = m.clone();
        for &f in &self.inc[t] {
            let k = r.iter().position(|&p| p == Place::Flow(f))?;
            r.remove(k);
        }
        let outs: Vec<Place> = self.out[t].iter().map(|&g| Place::Flow(g)).collect();
        Some(with(r, &outs))
    }

    /// A node where the marking has two tokens.
    fn unsafe_place(&self, m: &Marking) -> Option<usize> {
        let node = |p: &Place| match *p {
            Place::Flow(f) => (0, f),
            Place::Task(t, _) => (1, t),
        };
        m.windows(2).find_map(|w| {
            let (a, b) = (node(&w[0]), node(&w[1]));
            (a == b).then_some(match w[0] {
                Place::Flow(f) => self.target[f],
                Place::Task(t, _) => t,
            })
        })
    }

    fn deadlock(&self, m: &Marking) -> DefinitionError {
        for p in m {
            let Place::Flow(f) = *p else { continue };
            let join = self.target[f];
            if self.def.nodes[join].kind != NodeKind::Parallel {
                continue;
            }
            let arrived: Vec<String> = self.inc[join]
                .iter()
                .filter(|&&g| m.contains(&Place::Flow(g)))
                .map(|&g| describe_flow(&self.def.flows[g]))
                .collect();
            let missing: Vec<String> = self.inc[join]
                .iter()
                .filter(|&&g| !m.contains(&Place::Flow(g)))
                .map(|&g| describe_flow(&self.def.flows[g]))
                .collect();
            let node = &self.def.nodes[join];
            return refuse(
                &node.id,
                format!(
                    "{}永远等不到全部分支：{}已到达，{}却不会再有令牌到达（例如来自排他分支的一条路径），流程会停在这里",
                    describe_join(node),
                    arrived.join("、"),
                    missing.join("、"),
                ),
            );
        }
        refuse(&self.def.id, "流程可能停在中途而无法办结".into())
    }

    fn stuck(&self, m: &Marking) -> DefinitionError {
        let node = m
            .iter()
            .find_map(|p| match *p {
                Place::Flow(f) if self.def.nodes[self.target[f]].kind == NodeKind::Parallel => {
                    Some(self.target[f])
                }
                _ => None,
            })
            .or_else(|| {
                m.first().map(|p| match *p {
                    Place::Flow(f) => self.target[f],
                    Place::Task(t, _) => t,
                })
            });
        match node.map(|i| &self.def.nodes[i]) {
            Some(n) => refuse(
                &n.id,
                format!(
                    "流程到达{}之后可能永远无法办结（令牌会一直打转或等待）",
                    describe(n)
                ),
            ),
            None => refuse(&self.def.id, "流程可能永远无法办结".into()),
        }
    }

    fn explain(&self, problem: Problem) -> DefinitionError {
        match problem {
            Problem::Unsafe(i) => {
                let n = &self.def.nodes[i];
                let reason = if n.kind == NodeKind::Parallel {
                    format!(
                        "{}处令牌可能越积越多：并行分支没有正确汇聚",
                        describe_join(n)
                    )
                } else {
                    format!(
                        "可能有两个令牌同时到达{}（并行分支没有经过并行汇聚就合到了一起），同一步骤会被重复办理",
                        describe(n)
                    )
                };
                refuse(&n.id, reason)
            }
            Problem::TooMany => refuse(
                &self.def.id,
                format!(
                    "流程的状态组合超过 {MAX_MARKINGS} 种，过于复杂，无法检查是否会卡住，请简化流程"
                ),
            ),
        }
    }
}

fn describe_join(node: &crate::model::Node) -> String {
    if node.name.is_empty() {
        "并行汇聚".into()
    } else {
        format!("并行汇聚“{}”", node.name)
    }
}

fn with(mut m: Marking, add: &[Place]) -> Marking {
    m.extend_from_slice(add);
    m.sort_unstable();
    m
}
