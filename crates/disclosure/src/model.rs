//! The publishing pipeline (RULES.md §2; DESIGN.md "How data moves"):
//! draft (采编) → submit (报送) → review (审核) → confidentiality review
//! (保密审查) → publish (发布); any step may return the item with a reason.
//! After publishing, a change goes through the same steps as a new
//! version; withdrawal and ending are published with their reason. Pure:
//! no I/O, no clock.

use crate::DisclosureError;

/// Where an item stands in the pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// Being written (or returned for changes).
    Draft,
    /// Submitted to the division head.
    Submitted,
    /// Reviewed; waiting for the confidentiality review.
    Reviewed,
    /// Cleared by the confidentiality review; waiting to be published.
    Cleared,
    /// Published; the public sees the latest published version.
    Published,
    /// Withdrawn (撤销): the public page stays and says why.
    Withdrawn,
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Submitted => "submitted",
            Status::Reviewed => "reviewed",
            Status::Cleared => "cleared",
            Status::Published => "published",
            Status::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        [
            Status::Draft,
            Status::Submitted,
            Status::Reviewed,
            Status::Cleared,
            Status::Published,
            Status::Withdrawn,
        ]
        .into_iter()
        .find(|x| x.code() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Draft => "采编中",
            Status::Submitted => "待审核",
            Status::Reviewed => "待保密审查",
            Status::Cleared => "待发布",
            Status::Published => "已发布",
            Status::Withdrawn => "已撤销",
        }
    }

    /// The duty (post) that acts next, if anyone but the author does.
    pub fn next_duty(self) -> Option<Duty> {
        match self {
            Status::Submitted => Some(Duty::Review),
            Status::Reviewed => Some(Duty::Secrecy),
            Status::Cleared => Some(Duty::Publish),
            _ => None,
        }
    }
}

/// The posts that act in the pipeline (A/B posts apply to each).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Duty {
    /// Division head's review (审核), per division.
    Review,
    /// Confidentiality review (保密审查).
    Secrecy,
    /// Publishing (发布).
    Publish,
}

impl Duty {
    pub fn code(self) -> &'static str {
        match self {
            Duty::Review => "disclosure.review",
            Duty::Secrecy => "disclosure.secrecy",
            Duty::Publish => "disclosure.publish",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Duty::Review => "审核",
            Duty::Secrecy => "保密审查",
            Duty::Publish => "发布",
        }
    }
}

/// The four questions of the confidentiality review: each must be
/// answered "no" (not involved) for the item to be cleared.
pub const SECRECY_CHECKS: [(&str, &str); 4] = [
    ("state_secret", "不涉及国家秘密"),
    ("work_secret", "不涉及工作秘密"),
    ("trade_secret", "不涉及商业秘密"),
    ("privacy", "不涉及个人隐私"),
];

/// A step someone takes on an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Submit,
    Approve,
    /// Confidentiality review: the checks confirmed (codes of SECRECY_CHECKS).
    Clear {
        confirmed: Vec<String>,
    },
    Publish {
        change_note: Option<String>,
    },
    /// Return to the author with a reason (from Submitted, Reviewed, Cleared).
    Return {
        reason: String,
    },
    /// Start a new version of a published item (goes through the pipeline).
    Revise,
    Withdraw {
        reason: String,
    },
}

impl Action {
    pub fn code(&self) -> &'static str {
        match self {
            Action::Submit => "submit",
            Action::Approve => "review",
            Action::Clear { .. } => "secrecy",
            Action::Publish { .. } => "publish",
            Action::Return { .. } => "return",
            Action::Revise => "revise",
            Action::Withdraw { .. } => "withdraw",
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            Action::Submit => "报送",
            Action::Approve => "审核通过",
            Action::Clear { .. } => "保密审查通过",
            Action::Publish { .. } => "发布",
            Action::Return { .. } => "退回修改",
            Action::Revise => "修改已发布信息",
            Action::Withdraw { .. } => "撤销",
        }
    }
}

/// What the item looks like to the pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemState {
    pub status: Status,
    /// A version is already public (a revision keeps it visible).
    pub has_published_version: bool,
}

/// The state after `action`, or the refusal (a Chinese message).
pub fn transition(s: ItemState, action: &Action) -> Result<Status, DisclosureError> {
    use Status::*;
    let refuse = |what: &str| {
        Err(DisclosureError::invalid(
            "illegal_step",
            format!("当前状态为“{}”，不能{what}", s.status.label()),
        ))
    };
    match (s.status, action) {
        (Draft, Action::Submit) => Ok(Submitted),
        (Submitted, Action::Approve) => Ok(Reviewed),
        (Reviewed, Action::Clear { confirmed }) => {
            let missing: Vec<&str> = SECRECY_CHECKS
                .iter()
                .filter(|(code, _)| !confirmed.iter().any(|c| c == code))
                .map(|(_, label)| *label)
                .collect();
            if missing.is_empty() {
                Ok(Cleared)
            } else {
                Err(DisclosureError::invalid(
                    "secrecy_incomplete",
                    format!(
                        "保密审查须逐项确认：尚未确认“{}”。涉密或不宜公开的，请退回并说明理由",
                        missing.join("”“")
                    ),
                ))
            }
        }
        (Cleared, Action::Publish { change_note }) => {
            if s.has_published_version
                && change_note
                    .as_deref()
                    .map(str::trim)
                    .unwrap_or("")
                    .is_empty()
            {
                return Err(DisclosureError::invalid(
                    "missing_change_note",
                    "修改已发布的信息须填写变更说明，变更说明将随新版本一并公开",
                ));
            }
            Ok(Published)
        }
        (Submitted | Reviewed | Cleared, Action::Return { reason }) => {
            if reason.trim().is_empty() {
                return Err(DisclosureError::invalid("missing_reason", "退回须说明理由"));
            }
            Ok(Draft)
        }
        (Published, Action::Revise) => Ok(Draft),
        (Published, Action::Withdraw { reason }) => {
            if reason.trim().is_empty() {
                return Err(DisclosureError::invalid(
                    "missing_reason",
                    "撤销须说明理由，理由将在原信息页面公开",
                ));
            }
            Ok(Withdrawn)
        }
        (_, a) => refuse(a.label()),
    }
}

/// 有效性 (validity) of a published document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validity {
    Valid,
    /// 失效: expired (its term ended).
    Expired,
    /// 废止: repealed.
    Repealed,
}

impl Validity {
    pub fn label(self) -> &'static str {
        match self {
            Validity::Valid => "有效",
            Validity::Expired => "失效",
            Validity::Repealed => "废止",
        }
    }

    pub fn parse(s: &str) -> Option<Validity> {
        [Validity::Valid, Validity::Expired, Validity::Repealed]
            .into_iter()
            .find(|v| v.label() == s || v.code() == s)
    }

    pub fn code(self) -> &'static str {
        match self {
            Validity::Valid => "valid",
            Validity::Expired => "expired",
            Validity::Repealed => "repealed",
        }
    }
}

/// 公开属性 with the legal ground where the item is not proactively
/// disclosed (条例 Art 14–16).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attribute {
    Proactive,
    OnRequest,
    NotDisclosed,
}

impl Attribute {
    pub fn label(self) -> &'static str {
        match self {
            Attribute::Proactive => "主动公开",
            Attribute::OnRequest => "依申请公开",
            Attribute::NotDisclosed => "不予公开",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Attribute::Proactive => "proactive",
            Attribute::OnRequest => "on_request",
            Attribute::NotDisclosed => "not_disclosed",
        }
    }

    pub fn parse(s: &str) -> Option<Attribute> {
        [
            Attribute::Proactive,
            Attribute::OnRequest,
            Attribute::NotDisclosed,
        ]
        .into_iter()
        .find(|a| a.code() == s || a.label() == s)
    }
}

/// Legal grounds for not disclosing proactively (条例 Art 14, 15, 16).
pub const GROUNDS: [(&str, &str); 8] = [
    ("art14_secret", "第十四条：国家秘密"),
    ("art14_law", "第十四条：法律、行政法规禁止公开"),
    (
        "art14_security",
        "第十四条：危及国家安全、公共安全、经济安全、社会稳定",
    ),
    (
        "art15_third_party",
        "第十五条：涉及商业秘密、个人隐私等，公开会损害第三方合法权益",
    ),
    ("art16_internal", "第十六条：内部事务信息"),
    ("art16_process", "第十六条：过程性信息"),
    ("art16_enforcement", "第十六条：行政执法案卷信息"),
    ("art16_inquiry", "第十六条：行政查询事项"),
];

/// A proactive item needs no ground; the other two need one of GROUNDS —
/// except 依申请公开, which may rest on the item's nature alone (it is
/// given on request), so a ground is required only for 不予公开.
pub fn check_attribute(a: Attribute, ground: Option<&str>) -> Result<(), DisclosureError> {
    match (a, ground) {
        (Attribute::NotDisclosed, None) => Err(DisclosureError::invalid(
            "missing_ground",
            "不予公开的信息须选择法定理由（条例第十四条至第十六条）",
        )),
        (_, Some(g)) if !GROUNDS.iter().any(|(c, _)| *c == g) => Err(DisclosureError::invalid(
            "unknown_ground",
            "请选择条例第十四条至第十六条规定的理由",
        )),
        _ => Ok(()),
    }
}

/// Only 主动公开 items may be published to the portal.
pub fn publishable(a: Attribute) -> Result<(), DisclosureError> {
    if a == Attribute::Proactive {
        Ok(())
    } else {
        Err(DisclosureError::invalid(
            "not_proactive",
            format!("公开属性为“{}”的信息不在网站发布", a.label()),
        ))
    }
}
