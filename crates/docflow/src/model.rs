//! Documents, tasks and versions as the store returns them.

use crate::rules::{DocType, PathStep, Secrecy, Urgency};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// 收文
    In,
    /// 发文
    Out,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::In => "in",
            Direction::Out => "out",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Direction::In => "收文",
            Direction::Out => "发文",
        }
    }
}

/// Where a document stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    // Incoming.
    /// 申请网上办理: waiting for the deputy's (major: the principal's) approval.
    Requested,
    /// Approved: waiting for the office to register it.
    ToRegister,
    /// 已登记: waiting for 初审 and routing.
    Registered,
    /// 退回 with a stated reason: the receiving division may resubmit.
    Returned,
    /// Online handling not approved: handled on paper.
    Declined,
    /// 承办中
    Handling,
    /// 已办结
    Closed,
    // Outgoing.
    Drafting,
    /// 会签中
    Cosigning,
    /// 汇总中 (the lead division consolidates the opinions)
    Consolidating,
    /// 分管领导协调
    Coordinating,
    /// 审签中 (along the signing path)
    Signing,
    /// 已签发, waiting for 复核
    Signed,
    /// 已复核, waiting for 登记 (发文字号)
    Checked,
    /// 已编号, waiting for 印制
    Numbered,
    /// 已印制, waiting for 核发
    Printed,
    /// 已核发
    Issued,
    /// 已撤销 (before 核发; its number is not reused)
    Withdrawn,
    // Both.
    /// 暂停，提交集体研究
    Paused,
}

impl Status {
    pub const ALL: [Status; 19] = [
        Status::Requested,
        Status::ToRegister,
        Status::Registered,
        Status::Returned,
        Status::Declined,
        Status::Handling,
        Status::Closed,
        Status::Drafting,
        Status::Cosigning,
        Status::Consolidating,
        Status::Coordinating,
        Status::Signing,
        Status::Signed,
        Status::Checked,
        Status::Numbered,
        Status::Printed,
        Status::Issued,
        Status::Withdrawn,
        Status::Paused,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Requested => "requested",
            Status::ToRegister => "to_register",
            Status::Registered => "registered",
            Status::Returned => "returned",
            Status::Declined => "declined",
            Status::Handling => "handling",
            Status::Closed => "closed",
            Status::Drafting => "drafting",
            Status::Cosigning => "cosigning",
            Status::Consolidating => "consolidating",
            Status::Coordinating => "coordinating",
            Status::Signing => "signing",
            Status::Signed => "signed",
            Status::Checked => "checked",
            Status::Numbered => "numbered",
            Status::Printed => "printed",
            Status::Issued => "issued",
            Status::Withdrawn => "withdrawn",
            Status::Paused => "paused",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Requested => "待批准网上办理",
            Status::ToRegister => "待登记",
            Status::Registered => "待初审分办",
            Status::Returned => "已退回",
            Status::Declined => "不予网上办理",
            Status::Handling => "承办中",
            Status::Closed => "已办结",
            Status::Drafting => "起草中",
            Status::Cosigning => "会签中",
            Status::Consolidating => "汇总中",
            Status::Coordinating => "分管领导协调中",
            Status::Signing => "审签中",
            Status::Signed => "已签发待复核",
            Status::Checked => "已复核待登记",
            Status::Numbered => "已编号待印制",
            Status::Printed => "已印制待核发",
            Status::Issued => "已核发",
            Status::Withdrawn => "已撤销",
            Status::Paused => "暂停（集体研究）",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The direction a status belongs to (`None`: both).
    pub fn direction(self) -> Option<Direction> {
        match self {
            Status::Requested
            | Status::ToRegister
            | Status::Registered
            | Status::Returned
            | Status::Declined
            | Status::Handling
            | Status::Closed => Some(Direction::In),
            Status::Paused => None,
            _ => Some(Direction::Out),
        }
    }

    /// The text may still change (not yet 签发).
    pub fn editable(self) -> bool {
        matches!(
            self,
            Status::Drafting | Status::Consolidating | Status::Signing
        )
    }

    pub fn finished(self) -> bool {
        matches!(
            self,
            Status::Closed | Status::Declined | Status::Issued | Status::Withdrawn
        )
    }
}

/// What a task asks its holder to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TaskStep {
    /// 审批网上办理 (deputy or principal)
    Approve,
    /// 收文登记 (office registration post)
    Register,
    /// 初审分办 (office registration post)
    Route,
    /// 重新提交 after a return (receiving division)
    Resubmit,
    /// 处室拟办意见 and naming a handler (division head)
    DivisionOpinion,
    /// 承办 (handler; the lead handler's act is 办结)
    Handle,
    /// 领导阅批
    LeaderRead,
    /// 传阅 (read only)
    Read,
    /// 起草 (drafter)
    Draft,
    /// 会签意见 (co-signing division head)
    Cosign,
    /// 汇总 (drafter)
    Consolidate,
    /// 分管领导协调分歧
    Coordinate,
    /// A step of the signing path
    Sign,
    /// 复核
    Recheck,
    /// 登记 (发文字号)
    Number,
    /// 印制
    Print,
    /// 核发
    Issue,
    /// 签发人审批修改
    ApproveAmendment,
}

impl TaskStep {
    pub const ALL: [TaskStep; 18] = [
        TaskStep::Approve,
        TaskStep::Register,
        TaskStep::Route,
        TaskStep::Resubmit,
        TaskStep::DivisionOpinion,
        TaskStep::Handle,
        TaskStep::LeaderRead,
        TaskStep::Read,
        TaskStep::Draft,
        TaskStep::Cosign,
        TaskStep::Consolidate,
        TaskStep::Coordinate,
        TaskStep::Sign,
        TaskStep::Recheck,
        TaskStep::Number,
        TaskStep::Print,
        TaskStep::Issue,
        TaskStep::ApproveAmendment,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TaskStep::Approve => "approve",
            TaskStep::Register => "register",
            TaskStep::Route => "route",
            TaskStep::Resubmit => "resubmit",
            TaskStep::DivisionOpinion => "division_opinion",
            TaskStep::Handle => "handle",
            TaskStep::LeaderRead => "leader_read",
            TaskStep::Read => "read",
            TaskStep::Draft => "draft",
            TaskStep::Cosign => "cosign",
            TaskStep::Consolidate => "consolidate",
            TaskStep::Coordinate => "coordinate",
            TaskStep::Sign => "sign",
            TaskStep::Recheck => "recheck",
            TaskStep::Number => "number",
            TaskStep::Print => "print",
            TaskStep::Issue => "issue",
            TaskStep::ApproveAmendment => "approve_amendment",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TaskStep::Approve => "审批网上办理",
            TaskStep::Register => "收文登记",
            TaskStep::Route => "初审分办",
            TaskStep::Resubmit => "退回补正",
            TaskStep::DivisionOpinion => "处室拟办",
            TaskStep::Handle => "承办",
            TaskStep::LeaderRead => "领导阅批",
            TaskStep::Read => "传阅",
            TaskStep::Draft => "起草",
            TaskStep::Cosign => "会签",
            TaskStep::Consolidate => "汇总会签意见",
            TaskStep::Coordinate => "协调分歧",
            TaskStep::Sign => "审签",
            TaskStep::Recheck => "复核",
            TaskStep::Number => "发文登记",
            TaskStep::Print => "印制",
            TaskStep::Issue => "核发",
            TaskStep::ApproveAmendment => "审批修改",
        }
    }

    pub fn parse(s: &str) -> Option<TaskStep> {
        TaskStep::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TaskState {
    /// 待签收
    New,
    /// 已签收，办理中
    Claimed,
    Done,
    Cancelled,
}

impl TaskState {
    pub fn as_str(self) -> &'static str {
        match self {
            TaskState::New => "new",
            TaskState::Claimed => "claimed",
            TaskState::Done => "done",
            TaskState::Cancelled => "cancelled",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            TaskState::New => "待签收",
            TaskState::Claimed => "办理中",
            TaskState::Done => "已办",
            TaskState::Cancelled => "已取消",
        }
    }
    pub fn parse(s: &str) -> Option<TaskState> {
        [
            TaskState::New,
            TaskState::Claimed,
            TaskState::Done,
            TaskState::Cancelled,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }
    pub fn open(self) -> bool {
        matches!(self, TaskState::New | TaskState::Claimed)
    }
}

/// A document (收文 or 发文).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Doc {
    pub id: i64,
    pub direction: Direction,
    pub title: String,
    pub status: Status,
    pub urgency: Urgency,
    pub secrecy: Secrecy,
    pub secrecy_years: Option<u32>,
    pub lead_division_id: Option<i64>,
    pub deputy: String,
    pub major: bool,
    pub summary: String,
    pub created_by: String,
    pub created_for: Option<String>,
    pub created_at: String,
    pub limit_days: Option<u32>,
    pub due_on: Option<String>,
    pub source_org: String,
    pub source_no: String,
    pub copies: i64,
    pub received_on: Option<String>,
    pub paper: bool,
    pub reg_year: Option<i64>,
    pub reg_seq: Option<i64>,
    pub return_reason: Option<String>,
    pub result: Option<String>,
    pub doc_type: Option<DocType>,
    pub path_id: Option<i64>,
    pub step_index: usize,
    pub instructing_leader: Option<String>,
    pub doc_no: Option<String>,
    pub main_to: String,
    pub cc_to: String,
    pub print_copies: Option<i64>,
    pub public_release: bool,
    pub signed_by: Option<String>,
    pub signed_for: Option<String>,
    pub signed_on: Option<String>,
    pub issued_on: Option<String>,
    pub archive_location: Option<String>,
    pub topic_id: Option<i64>,
    pub paused_status: Option<Status>,
    pub disclosure_item_id: Option<i64>,
    pub closed_at: Option<String>,
}

impl Doc {
    /// 收文编号 as shown: `收〔2026〕12号`.
    pub fn reg_no(&self) -> Option<String> {
        match (self.reg_year, self.reg_seq) {
            (Some(y), Some(n)) => Some(format!("收〔{y}〕{n}号")),
            _ => None,
        }
    }
    /// The user who owns the drafting/receiving side (A when B filed it).
    pub fn owner(&self) -> &str {
        self.created_for.as_deref().unwrap_or(&self.created_by)
    }
}

/// A task in someone's inbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    pub id: i64,
    pub doc_id: i64,
    /// "todo" (待办) or "read" (待阅).
    pub kind: String,
    pub step: TaskStep,
    /// For `Sign` tasks: the path step (`office_review`, …).
    pub note: String,
    pub assignee_user_id: i64,
    pub division_id: Option<i64>,
    pub state: TaskState,
    pub created_by: String,
    pub created_at: String,
    pub due_on: Option<String>,
    pub claimed_at: Option<String>,
    pub done_at: Option<String>,
    pub done_on: Option<String>,
    pub acted_by: Option<String>,
    pub acted_for: Option<String>,
    pub verdict: Option<String>,
    pub opinion: Option<String>,
}

impl Task {
    pub fn is_read(&self) -> bool {
        self.kind == "read"
    }
    /// The label of what is asked: the path step's for signing tasks.
    pub fn step_label(&self) -> String {
        match self.step {
            TaskStep::Sign => crate::rules::Step::parse(&self.note)
                .map(|s| s.label().to_string())
                .unwrap_or_else(|| "审签".into()),
            s => s.label().to_string(),
        }
    }
}

/// A text version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    pub no: i64,
    pub body: String,
    pub file_hash: Option<String>,
    pub file_name: Option<String>,
    pub author: String,
    pub author_for: Option<String>,
    pub created_at: String,
    pub frozen: bool,
    pub sm3: Option<String>,
    pub reason: Option<String>,
    pub approved_by: Option<String>,
}

/// A signing path version of a type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Path {
    pub id: i64,
    pub doc_type: DocType,
    pub version: i64,
    pub steps: Vec<PathStep>,
    pub note: String,
    pub created_by: String,
    pub created_at: String,
}
