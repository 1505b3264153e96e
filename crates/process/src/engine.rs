//! The one engine: (definition, instance, event, today, calendar) → new
//! instance and the transitions it made. Pure and total: the input is never
//! changed, and on an error nothing happened.
//!
//! Tokens run through start events, gateways and flows at once and stop at
//! a user task, a collective-decision call, a parallel join still missing
//! branches, or an end. Every `Entered` is later matched by a `Left` (or
//! `TimerFired` for an interrupted task) unless the token is still live;
//! tokens merged at a join each leave it along the join's first outgoing
//! flow, and the last to arrive carries on.

use time::{Date, Duration};
use yangguang_kernel::calendar::Calendar;

use crate::cond::parse_condition;
use crate::error::EngineError;
use crate::model::{
    Actor, Candidate, Definition, Event, Instance, Node, NodeKind, Outcome, Token, Transition, Vars,
};

/// Routing moves in one step beyond which the definition is looping.
const MAX_MOVES: usize = 10_000;

/// Applies one event.
pub fn step(
    def: &Definition,
    inst: &Instance,
    event: &Event,
    today: Date,
    cal: &Calendar,
) -> Result<Outcome, EngineError> {
    let mut run = Run {
        def,
        cal,
        today,
        inst: inst.clone(),
        transitions: Vec::new(),
        moves: 0,
    };
    match event {
        Event::Start { vars } => run.start(vars)?,
        Event::Complete { node, actor, vars } => run.complete(node, actor, vars)?,
        Event::Decided { node, vars } => run.decided(node, vars)?,
        Event::Tick => run.tick()?,
    }
    let Run {
        mut inst,
        transitions,
        ..
    } = run;
    if inst.tokens.is_empty() && is_started(&inst) {
        inst.ended = true;
    }
    Ok(Outcome {
        instance: inst,
        transitions,
    })
}

/// Whether the instance has been started.
pub fn is_started(inst: &Instance) -> bool {
    inst.ended || inst.next_token > 0 || !inst.tokens.is_empty()
}

/// Tokens waiting for a person or a meeting (not those at a join).
pub fn waiting(inst: &Instance) -> Vec<&Token> {
    inst.tokens.iter().filter(|t| t.via.is_none()).collect()
}

/// An open step of a case, as the inbox and the public page show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenTask {
    pub node: String,
    pub name: String,
    pub token: u32,
    pub since: Date,
    /// The earliest armed timer's due date (the last day within the limit).
    pub due: Option<Date>,
    /// Who may complete it; `None` for a collective-decision call.
    pub candidate: Option<Candidate>,
}

/// Open user tasks and calls, in the order they were opened.
pub fn open_tasks(def: &Definition, inst: &Instance) -> Vec<OpenTask> {
    waiting(inst)
        .into_iter()
        .filter_map(|t| {
            let node = def.node(&t.node)?;
            let candidate = match &node.kind {
                NodeKind::UserTask { candidate } => Some(candidate.clone()),
                NodeKind::CallDecision => None,
                _ => return None,
            };
            Some(OpenTask {
                node: node.id.clone(),
                name: node.name.clone(),
                token: t.id,
                since: t.since,
                due: t.timers.iter().map(|(_, d)| *d).min(),
                candidate,
            })
        })
        .collect()
}

/// The due date of a limit counted from `from`.
pub fn due_date(limit: crate::model::Limit, from: Date, cal: &Calendar) -> Date {
    if limit.working {
        cal.add_working_days(from, limit.days)
    } else {
        from.checked_add(Duration::days(i64::from(limit.days)))
            .unwrap_or(Date::MAX)
    }
}

struct Run<'a> {
    def: &'a Definition,
    cal: &'a Calendar,
    today: Date,
    inst: Instance,
    transitions: Vec<Transition>,
    moves: usize,
}

impl<'a> Run<'a> {
    fn start(&mut self, vars: &Vars) -> Result<(), EngineError> {
        if is_started(&self.inst) {
            return Err(EngineError::AlreadyStarted);
        }
        merge(&mut self.inst.vars, vars);
        let start = self
            .def
            .nodes
            .iter()
            .find(|n| n.kind == NodeKind::Start)
            .ok_or_else(|| EngineError::Invalid("流程没有开始事件".into()))?;
        let token = self.new_token();
        self.leave(start, token)
    }

    fn running(&self) -> Result<(), EngineError> {
        if self.inst.ended {
            return Err(EngineError::Ended);
        }
        Ok(())
    }

    /// The node and the index of the first token waiting there.
    fn waiting_at(&self, node: &str) -> Result<(&'a Node, usize), EngineError> {
        let def: &'a Definition = self.def;
        let n = def
            .node(node)
            .ok_or_else(|| EngineError::Unknown(node.to_string()))?;
        let i = self
            .inst
            .tokens
            .iter()
            .position(|t| t.node == node && t.via.is_none())
            .ok_or_else(|| EngineError::NotWaiting(node.to_string()))?;
        Ok((n, i))
    }

    fn complete(&mut self, node: &str, actor: &Actor, vars: &Vars) -> Result<(), EngineError> {
        self.running()?;
        let (n, i) = self.waiting_at(node)?;
        let NodeKind::UserTask { candidate } = &n.kind else {
            return Err(EngineError::NotWaiting(node.to_string()));
        };
        if !candidate.admits(actor) {
            return Err(EngineError::NotCandidate {
                node: node.to_string(),
                who: candidate.describe(),
            });
        }
        merge(&mut self.inst.vars, vars);
        let token = self.inst.tokens.remove(i);
        self.transitions.push(Transition::Completed {
            node: n.id.clone(),
            token: token.id,
            user_id: actor.user_id,
        });
        self.leave(n, token.id)
    }

    fn decided(&mut self, node: &str, vars: &Vars) -> Result<(), EngineError> {
        self.running()?;
        let (n, i) = self.waiting_at(node)?;
        if n.kind != NodeKind::CallDecision {
            return Err(EngineError::NotWaiting(node.to_string()));
        }
        merge(&mut self.inst.vars, vars);
        let token = self.inst.tokens.remove(i);
        self.leave(n, token.id)
    }

    /// Fires every armed timer due before today: earliest due first, then
    /// in token order, then in the order the timers were armed.
    fn tick(&mut self) -> Result<(), EngineError> {
        if self.inst.ended {
            return Ok(());
        }
        let mut due: Vec<(Date, usize, usize, u32, String)> = Vec::new();
        for (ti, t) in self.inst.tokens.iter().enumerate() {
            for (k, (boundary, d)) in t.timers.iter().enumerate() {
                if *d < self.today {
                    due.push((*d, ti, k, t.id, boundary.clone()));
                }
            }
        }
        due.sort();
        for (_, _, _, token, boundary) in due {
            // An earlier interrupting timer may have closed the task.
            let Some(i) = self
                .inst
                .tokens
                .iter()
                .position(|t| t.id == token && t.timers.iter().any(|(b, _)| *b == boundary))
            else {
                continue;
            };
            let def = self.def;
            let b = def
                .node(&boundary)
                .ok_or_else(|| EngineError::Unknown(boundary.clone()))?;
            let NodeKind::BoundaryTimer { interrupting, .. } = b.kind else {
                return Err(EngineError::Invalid(format!("“{boundary}”不是边界定时")));
            };
            self.transitions.push(Transition::TimerFired {
                boundary: boundary.clone(),
                token,
            });
            let leaving = if interrupting {
                self.inst.tokens.remove(i);
                token
            } else {
                self.inst.tokens[i].timers.retain(|(b, _)| *b != boundary);
                self.new_token()
            };
            self.leave(b, leaving)?;
        }
        Ok(())
    }

    fn new_token(&mut self) -> u32 {
        let id = self.inst.next_token;
        self.inst.next_token = id.saturating_add(1);
        id
    }

    /// A token leaves a node that has one outgoing flow.
    fn leave(&mut self, node: &Node, token: u32) -> Result<(), EngineError> {
        let flow = self
            .def
            .outgoing(&node.id)
            .next()
            .ok_or_else(|| EngineError::NoPath(node.id.clone()))?;
        self.go(node, token, &flow.id)
    }

    /// Records the departure and routes the token on until it waits.
    fn go(&mut self, from: &Node, token: u32, flow: &str) -> Result<(), EngineError> {
        self.transitions.push(Transition::Left {
            node: from.id.clone(),
            token,
            flow: flow.to_string(),
        });
        let mut queue = std::collections::VecDeque::from([(token, flow.to_string())]);
        while let Some((token, flow)) = queue.pop_front() {
            self.moves += 1;
            let def = self.def;
            let f = def
                .flows
                .iter()
                .find(|f| f.id == flow)
                .ok_or_else(|| EngineError::Unknown(flow.clone()))?;
            let t = def
                .node(&f.target)
                .ok_or_else(|| EngineError::Unknown(f.target.clone()))?;
            if self.moves > MAX_MOVES {
                return Err(EngineError::Loop(t.id.clone()));
            }
            match &t.kind {
                NodeKind::End => self.transitions.push(Transition::Ended {
                    node: t.id.clone(),
                    token,
                }),
                NodeKind::UserTask { .. } | NodeKind::CallDecision => self.wait(t, token),
                NodeKind::Exclusive { default } => {
                    let g = self.choose(t, default.as_deref())?;
                    self.left(t, token, &g);
                    queue.push_back((token, g));
                }
                NodeKind::Parallel => {
                    let incoming: Vec<&str> = def.incoming(&t.id).map(|g| g.id.as_str()).collect();
                    let mut merged = Vec::new();
                    for other in incoming.iter().filter(|g| **g != flow) {
                        let found = self.inst.tokens.iter().position(|w| {
                            w.node == t.id
                                && w.via.as_deref() == Some(*other)
                                && !merged.contains(&w.id)
                        });
                        match found {
                            Some(k) => merged.push(self.inst.tokens[k].id),
                            None => break,
                        }
                    }
                    if merged.len() + 1 < incoming.len() {
                        self.inst.tokens.push(Token {
                            id: token,
                            node: t.id.clone(),
                            via: Some(flow),
                            since: self.today,
                            timers: Vec::new(),
                        });
                        self.transitions.push(Transition::Entered {
                            node: t.id.clone(),
                            token,
                        });
                        continue;
                    }
                    self.inst.tokens.retain(|w| !merged.contains(&w.id));
                    let outs: Vec<String> = def.outgoing(&t.id).map(|g| g.id.clone()).collect();
                    if let Some(first) = outs.first() {
                        for &m in &merged {
                            self.left(t, m, first);
                        }
                    }
                    for (k, g) in outs.into_iter().enumerate() {
                        let id = if k == 0 { token } else { self.new_token() };
                        self.left(t, id, &g);
                        queue.push_back((id, g));
                    }
                }
                NodeKind::Start | NodeKind::BoundaryTimer { .. } => {
                    return Err(EngineError::Invalid(format!(
                        "顺序流“{}”指向了“{}”，它不能作为顺序流的终点",
                        f.id, t.id
                    )));
                }
            }
        }
        Ok(())
    }

    fn left(&mut self, node: &Node, token: u32, flow: &str) {
        self.transitions.push(Transition::Left {
            node: node.id.clone(),
            token,
            flow: flow.to_string(),
        });
    }

    /// A token stops at a task or call; its boundary timers are armed.
    fn wait(&mut self, node: &Node, token: u32) {
        let timers = self
            .def
            .timers_on(&node.id)
            .filter_map(|b| match b.kind {
                NodeKind::BoundaryTimer { limit, .. } => {
                    Some((b.id.clone(), due_date(limit, self.today, self.cal)))
                }
                _ => None,
            })
            .collect();
        self.inst.tokens.push(Token {
            id: token,
            node: node.id.clone(),
            via: None,
            since: self.today,
            timers,
        });
        self.transitions.push(Transition::Entered {
            node: node.id.clone(),
            token,
        });
        if node.kind == NodeKind::CallDecision {
            self.transitions.push(Transition::Called {
                node: node.id.clone(),
                token,
            });
        }
    }

    /// The exclusive gateway's flow: the first whose condition holds in
    /// document order (no condition holds always), else the default.
    fn choose(&self, gw: &Node, default: Option<&str>) -> Result<String, EngineError> {
        for f in self.def.outgoing(&gw.id) {
            if Some(f.id.as_str()) == default {
                continue;
            }
            let Some(src) = &f.condition else {
                return Ok(f.id.clone());
            };
            let failed = |reason: String| EngineError::Condition {
                condition: src.clone(),
                reason,
            };
            let cond = parse_condition(src).map_err(failed)?;
            if cond.eval(&self.inst.vars).map_err(failed)? {
                return Ok(f.id.clone());
            }
        }
        default
            .map(str::to_string)
            .ok_or_else(|| EngineError::NoPath(gw.id.clone()))
    }
}

fn merge(into: &mut Vars, from: &Vars) {
    for (k, v) in from {
        into.insert(k.clone(), v.clone());
    }
}
