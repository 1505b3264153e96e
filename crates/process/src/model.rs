//! The definition and the running instance: plain data, no I/O.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::Date;

/// The `calledElement` of a call activity that hands the case to a
/// collective decision ("三重一大" meeting) and waits for its outcome.
pub const COLLECTIVE_DECISION: &str = "collective-decision";

/// One process definition (one BPMN `<process>` with its diagram).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Definition {
    /// The BPMN process id (`<process id=…>`), the definition's key.
    pub id: String,
    /// The process name (`<process name=…>`), shown as the chart's title.
    pub name: String,
    /// Nodes in document order.
    pub nodes: Vec<Node>,
    /// Sequence flows in document order.
    pub flows: Vec<Flow>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Node {
    pub id: String,
    /// What the public reads on the chart and in the step list.
    pub name: String,
    pub kind: NodeKind,
    /// Shape bounds from the diagram (DI), if the file had them.
    pub bounds: Option<Bounds>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum NodeKind {
    Start,
    End,
    /// A person's step. `candidate` names who may complete it.
    UserTask {
        candidate: Candidate,
    },
    /// Exactly one outgoing flow is taken: the first whose condition holds
    /// in document order, else `default` (a flow id).
    Exclusive {
        default: Option<String>,
    },
    /// Split: every outgoing flow gets a token. Join: waits for a token on
    /// every incoming flow.
    Parallel,
    /// `callActivity calledElement="collective-decision"`: the case waits
    /// until the meeting decides; the decision's variables are merged in.
    CallDecision,
    /// A timer on the boundary of `attached_to` (a user task or a call).
    /// When the limit passes with the task still open, the token leaves by
    /// the boundary's outgoing flow; `interrupting` closes the task.
    BoundaryTimer {
        attached_to: String,
        limit: Limit,
        interrupting: bool,
    },
}

/// Who may complete a user task.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Candidate {
    /// A role code of the kernel (`staff`, `division_head`, `office`,
    /// `deputy_leader`, `principal_leader`, `supervisor`).
    Role(String),
    /// A post by name; whoever acts for it (A, or B while A is away).
    Post(String),
}

impl Candidate {
    /// Whether this actor may complete a task with this candidate.
    pub fn admits(&self, actor: &Actor) -> bool {
        match self {
            Candidate::Role(code) => actor.roles.iter().any(|r| r == code),
            Candidate::Post(post) => actor.posts.iter().any(|p| p == post),
        }
    }

    /// Who, in the words of a message: 角色“处室负责人”, 岗位“行政许可窗口岗”.
    pub fn describe(&self) -> String {
        match self {
            Candidate::Role(code) => {
                let label =
                    yangguang_kernel::org::Role::parse(code).map_or(code.as_str(), |r| r.label());
                format!("角色“{label}”")
            }
            Candidate::Post(post) => format!("岗位“{post}”"),
        }
    }
}

/// A time limit. BPMN writes `P5D`; the definition says which days count
/// (`yg:days="calendar"`; working days otherwise, as 行政许可法 Art 82).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limit {
    pub days: u32,
    pub working: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Flow {
    pub id: String,
    pub source: String,
    pub target: String,
    /// Label on the chart (e.g. 同意, 材料不齐).
    pub name: String,
    /// The condition's source text as written (`${tier == 'major'}`).
    pub condition: Option<String>,
    /// Edge waypoints from the diagram (DI), if the file had them.
    pub waypoints: Vec<Point>,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bounds {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

impl Definition {
    pub fn node(&self, id: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.id == id)
    }

    pub fn outgoing<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Flow> + 'a {
        self.flows.iter().filter(move |f| f.source == id)
    }

    pub fn incoming<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Flow> + 'a {
        self.flows.iter().filter(move |f| f.target == id)
    }

    /// Boundary timers attached to `id`.
    pub fn timers_on<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.nodes.iter().filter(move |n| {
            matches!(&n.kind, NodeKind::BoundaryTimer { attached_to, .. } if attached_to == id)
        })
    }
}

/// A case variable. Amounts are whole yuan.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    Bool(bool),
    Int(i64),
    Str(String),
}

/// Case data the conditions read.
pub type Vars = BTreeMap<String, Value>;

/// Who is completing a task, as resolved by the caller: their role codes,
/// and the posts they act for today (their own as A, and A's as B).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub user_id: i64,
    pub roles: Vec<String>,
    pub posts: Vec<String>,
}

/// A running case of one definition version. Serialised as JSON by the
/// store; changing a definition never touches a running instance.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Instance {
    /// Live tokens: at a user task or call (waiting for a person or a
    /// meeting) or at a parallel join (waiting for the other branches).
    pub tokens: Vec<Token>,
    pub vars: Vars,
    pub ended: bool,
    /// Next token id; ids are never reused within an instance.
    pub next_token: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Token {
    pub id: u32,
    /// The node the token waits at.
    pub node: String,
    /// For a token waiting at a parallel join: the flow it arrived by.
    pub via: Option<String>,
    /// The day the token arrived.
    pub since: Date,
    /// Boundary timers armed for this token: (boundary node id, due date).
    /// A timer fires on the first day after its due date.
    pub timers: Vec<(String, Date)>,
}

/// What happens to an instance.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Event {
    /// Start the instance with its initial data.
    Start { vars: Vars },
    /// A person completes the user task `node`, adding or changing data.
    Complete {
        node: String,
        actor: Actor,
        vars: Vars,
    },
    /// The collective decision called at `node` has decided.
    Decided { node: String, vars: Vars },
    /// The day has turned: fire every timer whose due date is before today.
    Tick,
}

/// One thing the engine did, in order. The store records these as the
/// case's steps; the public page reads them for the done steps' dates.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Transition {
    /// A token arrived at a node and waits there (task opened, call made,
    /// join waiting).
    Entered { node: String, token: u32 },
    /// A token left a node along a flow.
    Left {
        node: String,
        token: u32,
        flow: String,
    },
    /// A task was completed by this user.
    Completed {
        node: String,
        token: u32,
        user_id: i64,
    },
    /// A boundary timer fired on the task's token.
    TimerFired { boundary: String, token: u32 },
    /// A collective decision was requested at this node (the caller creates
    /// the topic).
    Called { node: String, token: u32 },
    /// A token reached an end event.
    Ended { node: String, token: u32 },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub instance: Instance,
    pub transitions: Vec<Transition>,
}
