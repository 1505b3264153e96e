//! Power items (权力清单事项): plain data and the checks a row or form
//! must pass to become one. No I/O.

use serde::{Deserialize, Serialize};

/// The ten categories of RULES.md §7.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Category {
    Licensing,
    Penalty,
    Coercion,
    Levy,
    Payment,
    Inspection,
    Confirmation,
    Reward,
    Adjudication,
    Other,
}

impl Category {
    pub const ALL: [Category; 10] = [
        Category::Licensing,
        Category::Penalty,
        Category::Coercion,
        Category::Levy,
        Category::Payment,
        Category::Inspection,
        Category::Confirmation,
        Category::Reward,
        Category::Adjudication,
        Category::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Licensing => "licensing",
            Category::Penalty => "penalty",
            Category::Coercion => "coercion",
            Category::Levy => "levy",
            Category::Payment => "payment",
            Category::Inspection => "inspection",
            Category::Confirmation => "confirmation",
            Category::Reward => "reward",
            Category::Adjudication => "adjudication",
            Category::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Category::Licensing => "行政许可",
            Category::Penalty => "行政处罚",
            Category::Coercion => "行政强制",
            Category::Levy => "行政征收",
            Category::Payment => "行政给付",
            Category::Inspection => "行政检查",
            Category::Confirmation => "行政确认",
            Category::Reward => "行政奖励",
            Category::Adjudication => "行政裁决",
            Category::Other => "其他行政权力",
        }
    }

    /// The code prefix of the demo list and of generated codes.
    pub fn prefix(self) -> &'static str {
        match self {
            Category::Licensing => "XK",
            Category::Penalty => "CF",
            Category::Coercion => "QZ",
            Category::Levy => "ZS",
            Category::Payment => "JF",
            Category::Inspection => "JC",
            Category::Confirmation => "QR",
            Category::Reward => "JL",
            Category::Adjudication => "CJ",
            Category::Other => "QT",
        }
    }

    /// From the stored code or the Chinese label (also "其他").
    pub fn parse(s: &str) -> Option<Category> {
        let s = s.trim();
        if s == "其他" {
            return Some(Category::Other);
        }
        Category::ALL
            .into_iter()
            .find(|c| c.as_str() == s || c.label() == s)
    }
}

/// How a licensing application is decided (RULES.md §7).
pub use crate::rules::Tier;

/// One article (or clause) of the legal basis.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Basis {
    /// The law's full title, e.g. 中华人民共和国安全生产法.
    pub law: String,
    /// 第九十七条
    pub article: String,
    /// （一） or empty.
    #[serde(default)]
    pub clause: String,
    /// The quoted text.
    #[serde(default)]
    pub text: String,
}

impl Basis {
    /// 《中华人民共和国安全生产法》第九十七条（一）
    pub fn citation(&self) -> String {
        format!("《{}》{}{}", self.law, self.article, self.clause)
    }
}

/// Which days a time limit counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DaysKind {
    Working,
    Calendar,
}

/// A time limit as the list states it (法定时限 / 承诺时限).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limit {
    pub days: u32,
    pub kind: DaysKind,
}

impl Limit {
    pub fn label(&self) -> String {
        match self.kind {
            DaysKind::Working => format!("{}个工作日", self.days),
            DaysKind::Calendar => format!("{}日", self.days),
        }
    }
}

/// The content of one version of a power item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Content {
    pub name: String,
    pub category: Category,
    pub basis: Vec<Basis>,
    /// 处罚种类和幅度 (penalty items), else empty.
    #[serde(default)]
    pub penalty: String,
    /// 实施主体 / 承办处室.
    pub unit: String,
    /// 承办岗位.
    #[serde(default)]
    pub post: String,
    /// 受理条件 / 立案条件.
    #[serde(default)]
    pub conditions: String,
    /// 申请材料, one a line.
    #[serde(default)]
    pub materials: Vec<String>,
    pub statutory: Option<Limit>,
    /// 服务承诺: the promised limit, at most the statutory one.
    pub promised: Option<Limit>,
    #[serde(default)]
    pub fees: String,
    /// Licensing only.
    pub tier: Option<Tier>,
    /// The key of the process definition cases of this item run.
    pub process: String,
    /// 监督投诉渠道.
    #[serde(default)]
    pub channel: String,
}

pub const MAX_NAME: usize = 200;
pub const MAX_CODE: usize = 40;

/// Checks a content and code; the Chinese reason on failure.
pub fn check(code: &str, c: &Content) -> Result<(), String> {
    if code.is_empty() {
        return Err("事项编码不能为空".into());
    }
    if code.chars().count() > MAX_CODE
        || !code
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_')
    {
        return Err(format!(
            "事项编码“{}”无效：只能由字母、数字、“-”和“_”组成，最长{MAX_CODE}个字符",
            yangguang_kernel::text::clip(code, 40)
        ));
    }
    if c.name.trim().is_empty() {
        return Err("事项名称不能为空".into());
    }
    if c.name.chars().count() > MAX_NAME {
        return Err(format!("事项名称超过{MAX_NAME}个字"));
    }
    if c.basis.is_empty() {
        return Err("实施依据不能为空：每个事项至少写明一条法律依据（法律名称和条款）".into());
    }
    if let Some(b) = c
        .basis
        .iter()
        .find(|b| b.law.trim().is_empty() || b.article.trim().is_empty())
    {
        return Err(format!(
            "实施依据“{}”不完整：应写明法律名称和条款，如《中华人民共和国安全生产法》第九十七条",
            b.citation()
        ));
    }
    if c.unit.trim().is_empty() {
        return Err("实施主体（承办处室）不能为空".into());
    }
    if c.process.trim().is_empty() {
        return Err("未指定办理流程".into());
    }
    if let (Some(s), Some(p)) = (c.statutory, c.promised)
        && s.kind == p.kind
        && p.days > s.days
    {
        return Err(format!(
            "承诺时限{}超过法定时限{}：服务承诺只能短于或等于法定时限",
            p.label(),
            s.label()
        ));
    }
    match (c.category, c.tier) {
        (Category::Licensing, None) => {
            return Err("行政许可事项应写明审批层级：一般、重要或重大".into());
        }
        (Category::Licensing, Some(_)) | (_, None) => {}
        (_, Some(_)) => return Err("只有行政许可事项设审批层级".into()),
    }
    Ok(())
}

/// A power item as stored: the current version's content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    pub id: i64,
    pub code: String,
    pub version: i64,
    /// False once abolished (取消): kept and shown as 已取消, never deleted.
    pub active: bool,
    pub content: Content,
    pub updated_on: time::Date,
}

/// An earlier or current version with why it changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Version {
    pub version: i64,
    pub reason: String,
    pub changed_by: String,
    pub changed_on: time::Date,
    pub content: Content,
}
