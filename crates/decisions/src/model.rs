//! States and typed commands of the decision workflow. Strings are parsed
//! here, at the edge, into these types; the store only sees typed values.

use yangguang_kernel::text::{optional, required};
use yangguang_kernel::{Error, Result};

use crate::rules::TopicKind;

macro_rules! str_enum {
    ($name:ident { $($v:ident => ($code:literal, $label:literal)),+ $(,)? }) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($v),+ }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$v => $code),+ }
            }
            pub fn label(self) -> &'static str {
                match self { $($name::$v => $label),+ }
            }
            pub fn parse(s: &str) -> Option<$name> {
                match s { $($code => Some($name::$v),)+ _ => None }
            }
        }
    };
}

str_enum!(TopicStatus {
    Draft => ("draft", "起草中"),
    Submitted => ("submitted", "已提交，待分管领导审核"),
    Approved => ("approved", "分管领导已同意，待办公室登记"),
    Recorded => ("recorded", "办公室已登记，待主要负责人决定"),
    Ready => ("ready", "主要负责人同意上会，待安排会议"),
    Ordinary => ("ordinary", "按一般事务办理"),
    Deferred => ("deferred", "暂缓上会，待准备成熟"),
    Scheduled => ("scheduled", "已列入会议议程"),
    Adopted => ("adopted", "会议通过"),
    NotAdopted => ("not_adopted", "会议未通过"),
    Postponed => ("postponed", "暂缓决定，待进一步研究"),
});

str_enum!(MeetingStatus {
    Scheduled => ("scheduled", "已安排，未发通知"),
    Notified => ("notified", "已发通知"),
    InSession => ("in_session", "会议进行中"),
    Closed => ("closed", "会议已结束"),
});

str_enum!(Vote {
    For => ("for", "赞成"),
    Against => ("against", "反对"),
    Abstain => ("abstain", "弃权"),
});

str_enum!(Attendance {
    Notified => ("notified", "已通知"),
    Present => ("present", "出席"),
    Absent => ("absent", "缺席"),
});

str_enum!(Method {
    Unanimous => ("unanimous", "一致同意，未表决"),
    Vote => ("vote", "表决"),
    Ballot => ("ballot", "紧急事项票决"),
    Head => ("head", "行政首长（主持人）决定"),
    Postpone => ("postpone", "主持人决定暂缓"),
});

str_enum!(CheckKind {
    Public => ("public", "涉及群众切身利益的公示或听证"),
    Expert => ("expert", "战略性事项的专家论证"),
    Legal => ("legal", "法律事项的法律顾问意见"),
});

str_enum!(MinutesStatus {
    Draft => ("draft", "草稿，待主要负责人审定"),
    Approved => ("approved", "主要负责人已审定，待印发"),
    Issued => ("issued", "已印发"),
});

str_enum!(PublicityResult {
    NoChange => ("no_change", "无异议，维持决定"),
    Adjusted => ("adjusted", "根据意见作出调整"),
    Reconvene => ("reconvene", "重新上会研究"),
});

/// The four-part material of a topic (§5 "Preparation").
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Material {
    /// 会商议题
    pub topic: String,
    /// 基本情况
    pub background: String,
    /// 调研论证
    pub research: String,
    /// 处理建议
    pub proposal: String,
}

/// A new topic, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTopic {
    pub kind: TopicKind,
    pub title: String,
    pub lead_unit: String,
    pub deputy: String,
    pub amount_fen: Option<i64>,
    pub procurement: bool,
    /// Cadre appointment/removal or discipline (two-thirds quorum in 党组会议).
    pub cadre: bool,
    pub material: Material,
}

/// The raw form of a new topic.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct TopicForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub lead_unit: String,
    #[serde(default)]
    pub deputy: String,
    #[serde(default)]
    pub amount: String,
    #[serde(default)]
    pub procurement: Option<String>,
    #[serde(default)]
    pub cadre: Option<String>,
    #[serde(default)]
    pub m_topic: String,
    #[serde(default)]
    pub m_background: String,
    #[serde(default)]
    pub m_research: String,
    #[serde(default)]
    pub m_proposal: String,
}

impl TopicForm {
    pub fn parse(&self) -> Result<NewTopic> {
        let kind = TopicKind::parse(self.kind.trim()).ok_or_else(|| {
            Error::invalid(
                "invalid_kind",
                "请选择议题类别：事权、人事、财权、上级指示或其他",
            )
        })?;
        let amount_fen = match optional("金额", &self.amount, 30)? {
            Some(a) => Some(crate::rules::parse_yuan(&a)?),
            None => None,
        };
        if kind == TopicKind::Finance && amount_fen.is_none() {
            return Err(Error::invalid(
                "amount_required",
                "财权事项须填写金额（元）",
            ));
        }
        Ok(NewTopic {
            kind,
            title: required("议题名称", &self.title, 200)?,
            lead_unit: required("承办单位", &self.lead_unit, 100)?,
            deputy: required("分管领导", &self.deputy, 64)?,
            amount_fen,
            procurement: self.procurement.is_some(),
            cadre: kind == TopicKind::Personnel && self.cadre.is_some(),
            material: Material {
                topic: long_text("会商议题", &self.m_topic, 2000)?,
                background: long_text("基本情况", &self.m_background, 20000)?,
                research: long_text("调研论证", &self.m_research, 20000)?,
                proposal: long_text("处理建议", &self.m_proposal, 20000)?,
            },
        })
    }
}

/// A required multi-line field: line breaks allowed, other control
/// characters not.
pub fn long_text(label: &str, value: &str, max: usize) -> Result<String> {
    let v = value.trim().replace("\r\n", "\n");
    if v.is_empty() {
        return Err(Error::invalid("missing_field", format!("请填写{label}")));
    }
    let n = v.chars().count();
    if n > max {
        return Err(Error::invalid(
            "field_too_long",
            format!("{label}过长：最多 {max} 个字，现有 {n} 个字"),
        ));
    }
    if v.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(Error::invalid(
            "invalid_characters",
            format!("{label}含有不可见的控制字符，请删除后重试"),
        ));
    }
    Ok(v)
}

/// The principal's pre-meeting decision (§5 "Pre-meeting").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PreDecision {
    Meeting,
    Ordinary,
    Defer(String),
}

impl PreDecision {
    pub fn parse(choice: &str, note: &str) -> Result<PreDecision> {
        match choice {
            "meeting" => Ok(PreDecision::Meeting),
            "ordinary" => Ok(PreDecision::Ordinary),
            "defer" => match optional("暂缓说明", note, 1000)? {
                Some(n) => Ok(PreDecision::Defer(n)),
                None => Err(Error::invalid(
                    "defer_note_required",
                    "暂缓上会须写明还需完成哪些准备",
                )),
            },
            _ => Err(Error::invalid(
                "invalid_pre_decision",
                "请选择：提交会议研究、按一般事务办理或暂缓上会",
            )),
        }
    }
}

/// How the chair closes a topic at the meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TopicDecision {
    /// All present agree: passes without a vote.
    Unanimous,
    /// By the recorded votes (党组会议, 党政联席会议); `reason` is the
    /// reason recorded when the motion fails.
    Vote { reason: Option<String> },
    /// An urgent matter decided by ballot at once (RULES.md §5 "urgent →
    /// ballot"): by the votes like `Vote`, even when for and against are
    /// close; `urgency` (why it cannot wait for the next meeting) is
    /// required and goes into the minutes with the outcome.
    Ballot {
        urgency: String,
        reason: Option<String>,
    },
    /// The head (or chair) decides (局长办公会议, 业务会议);
    /// `reason` is required when the decision goes against the majority.
    Head { adopt: bool, reason: Option<String> },
    /// Postponed for more work (disagreement, complexity, a close vote).
    Postpone { reason: String },
}

/// How publicity is closed (§5 "Publicity").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublicityClose {
    NoChange,
    Adjusted(String),
    /// A new meeting for this topic.
    Reconvene(i64),
}
