//! The rules of RULES.md §6, pure: the issue-signing matrix (签发), turn
//! rules, 发文字号 per GB/T 9704-2012, opinion validity, time limits by
//! urgency, 催办 levels. No clock reads: dates come in as arguments.

use serde::{Deserialize, Serialize};
use time::Date;
use yangguang_kernel::calendar::Calendar;
use yangguang_kernel::{Error, Result};

/// The seven document types of the 签发 matrix (seed document 4 item 10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocType {
    /// 代拟稿: a draft for the city government or its office (paper path).
    CityDraft,
    /// 报市政府省厅: the bureau's document to the city government or the
    /// provincial department.
    ToCity,
    /// 一般业务: the bureau's routine business document.
    Routine,
    /// 联合发文: a joint document with other departments.
    Joint,
    /// 办公室·领导交办: an office document on a leader's instruction.
    OfficeInstructed,
    /// 办公室·职权内: an office document within the office's own remit.
    OfficeOwn,
    /// 处室业务·办公室名义: division business needing the office's name.
    OfficeName,
}

impl DocType {
    pub const ALL: [DocType; 7] = [
        DocType::CityDraft,
        DocType::ToCity,
        DocType::Routine,
        DocType::Joint,
        DocType::OfficeInstructed,
        DocType::OfficeOwn,
        DocType::OfficeName,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DocType::CityDraft => "city_draft",
            DocType::ToCity => "to_city",
            DocType::Routine => "routine",
            DocType::Joint => "joint",
            DocType::OfficeInstructed => "office_instructed",
            DocType::OfficeOwn => "office_own",
            DocType::OfficeName => "office_name",
        }
    }

    /// The type's name as RULES.md §6 and the CLI spell it.
    pub fn label(self) -> &'static str {
        match self {
            DocType::CityDraft => "代拟稿",
            DocType::ToCity => "报市政府省厅",
            DocType::Routine => "一般业务",
            DocType::Joint => "联合发文",
            DocType::OfficeInstructed => "办公室·领导交办",
            DocType::OfficeOwn => "办公室·职权内",
            DocType::OfficeName => "处室业务·办公室名义",
        }
    }

    /// Accepts the code or the Chinese name (a plain dot for the middle dot too).
    pub fn parse(s: &str) -> Option<DocType> {
        let s = s.trim().replace(['.', '・', '•'], "·");
        DocType::ALL
            .into_iter()
            .find(|t| t.as_str() == s || t.label() == s)
    }

    /// 上行文: the 版头 names the 签发人 (GB/T 9704-2012 7.2.5).
    pub fn upward(self) -> bool {
        matches!(self, DocType::CityDraft | DocType::ToCity)
    }

    /// Issued in the office's name: the office's 代字 (e.g. 苏安监办).
    pub fn office_name(self) -> bool {
        matches!(
            self,
            DocType::OfficeInstructed | DocType::OfficeOwn | DocType::OfficeName
        )
    }
}

/// Who acts at a step of a signing path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignRole {
    /// 主办处室: the drafting division's staff.
    LeadDivision,
    /// 主办处室负责人.
    LeadHead,
    /// 办公室核稿岗 (the post with duty `docflow.review`, A or acting B).
    Office,
    /// 分管领导: the deputy in charge named on the document.
    Deputy,
    /// 主要领导.
    Principal,
    /// 交办领导: the leader who gave the instruction, named on the document.
    InstructingLeader,
    /// 办公室主任 (the post with duty `docflow.director`).
    OfficeDirector,
}

impl SignRole {
    pub const ALL: [SignRole; 7] = [
        SignRole::LeadDivision,
        SignRole::LeadHead,
        SignRole::Office,
        SignRole::Deputy,
        SignRole::Principal,
        SignRole::InstructingLeader,
        SignRole::OfficeDirector,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SignRole::LeadDivision => "lead_division",
            SignRole::LeadHead => "lead_head",
            SignRole::Office => "office",
            SignRole::Deputy => "deputy",
            SignRole::Principal => "principal",
            SignRole::InstructingLeader => "instructing_leader",
            SignRole::OfficeDirector => "office_director",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SignRole::LeadDivision => "主办处室",
            SignRole::LeadHead => "主办处室负责人",
            SignRole::Office => "办公室（核稿）",
            SignRole::Deputy => "分管领导",
            SignRole::Principal => "主要领导",
            SignRole::InstructingLeader => "交办领导",
            SignRole::OfficeDirector => "办公室主任",
        }
    }

    pub fn parse(s: &str) -> Option<SignRole> {
        SignRole::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim() || r.label() == s.trim())
    }
}

/// The steps a signing path may contain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// 起草 (done when the draft is sent on).
    Draft,
    /// 处室负责人审核.
    DivisionSign,
    /// 办公室核稿.
    OfficeReview,
    /// 分管领导审签 (reviews and signs; the principal issues).
    DeputyReview,
    /// 分管领导签署 (joint documents, before the other departments).
    DeputyOpinion,
    /// 外单位会签 (recorded by the lead division with the signed page).
    ExternalCosign,
    /// 主办处室汇总.
    Consolidate,
    /// 分管领导签发.
    DeputyIssue,
    /// 主要领导签发.
    PrincipalIssue,
    /// 交办领导签发.
    LeaderIssue,
    /// 办公室主任签发.
    OfficeDirectorIssue,
    /// 分管领导审核（纸质）.
    PaperDeputyReview,
    /// 主要领导签署部门意见（纸质）.
    PaperPrincipalSign,
}

impl Step {
    pub const ALL: [Step; 13] = [
        Step::Draft,
        Step::DivisionSign,
        Step::OfficeReview,
        Step::DeputyReview,
        Step::DeputyOpinion,
        Step::ExternalCosign,
        Step::Consolidate,
        Step::DeputyIssue,
        Step::PrincipalIssue,
        Step::LeaderIssue,
        Step::OfficeDirectorIssue,
        Step::PaperDeputyReview,
        Step::PaperPrincipalSign,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Step::Draft => "draft",
            Step::DivisionSign => "division_sign",
            Step::OfficeReview => "office_review",
            Step::DeputyReview => "deputy_review",
            Step::DeputyOpinion => "deputy_opinion",
            Step::ExternalCosign => "external_cosign",
            Step::Consolidate => "consolidate",
            Step::DeputyIssue => "deputy_issue",
            Step::PrincipalIssue => "principal_issue",
            Step::LeaderIssue => "leader_issue",
            Step::OfficeDirectorIssue => "office_director_issue",
            Step::PaperDeputyReview => "paper_deputy_review",
            Step::PaperPrincipalSign => "paper_principal_sign",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Step::Draft => "起草",
            Step::DivisionSign => "处室审核",
            Step::OfficeReview => "办公室核稿",
            Step::DeputyReview => "分管领导审签",
            Step::DeputyOpinion => "分管领导签署",
            Step::ExternalCosign => "外单位会签",
            Step::Consolidate => "主办处室汇总",
            Step::DeputyIssue => "分管领导签发",
            Step::PrincipalIssue => "主要领导签发",
            Step::LeaderIssue => "交办领导签发",
            Step::OfficeDirectorIssue => "办公室主任签发",
            Step::PaperDeputyReview => "分管领导审核（纸质）",
            Step::PaperPrincipalSign => "主要领导签署意见（纸质）",
        }
    }

    pub fn parse(s: &str) -> Option<Step> {
        Step::ALL
            .into_iter()
            .find(|x| x.as_str() == s.trim() || x.label() == s.trim())
    }

    /// The signature that completes the path (签发).
    pub fn issues(self) -> bool {
        matches!(
            self,
            Step::DeputyIssue
                | Step::PrincipalIssue
                | Step::LeaderIssue
                | Step::OfficeDirectorIssue
                | Step::PaperPrincipalSign
        )
    }

    /// Done on paper and recorded in the system by the lead division, with
    /// the scanned signed page.
    pub fn on_paper(self) -> bool {
        matches!(
            self,
            Step::PaperDeputyReview | Step::PaperPrincipalSign | Step::ExternalCosign
        )
    }

    /// The only role that may act at this step: paper steps and external
    /// co-signing are recorded by the lead division.
    pub fn fixed_role(self) -> Option<SignRole> {
        match self {
            Step::Draft | Step::Consolidate => Some(SignRole::LeadDivision),
            s if s.on_paper() => Some(SignRole::LeadDivision),
            Step::DivisionSign => Some(SignRole::LeadHead),
            Step::OfficeReview => Some(SignRole::Office),
            _ => None,
        }
    }
}

/// One step of a signing path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathStep {
    pub step: Step,
    pub role: SignRole,
}

const fn ps(step: Step, role: SignRole) -> PathStep {
    PathStep { step, role }
}

/// The matrix of RULES.md §6 as shipped (version 1 of each type's path);
/// the office edits it as data. Division review and the office's 核稿 are
/// added where seed document 4 item 6 requires them for every draft.
pub fn default_path(t: DocType) -> Vec<PathStep> {
    use SignRole as R;
    use Step as S;
    match t {
        DocType::CityDraft => vec![
            ps(S::Draft, R::LeadDivision),
            ps(S::PaperDeputyReview, R::LeadDivision),
            ps(S::PaperPrincipalSign, R::LeadDivision),
        ],
        DocType::ToCity => vec![
            ps(S::Draft, R::LeadDivision),
            ps(S::DivisionSign, R::LeadHead),
            ps(S::OfficeReview, R::Office),
            ps(S::DeputyReview, R::Deputy),
            ps(S::PrincipalIssue, R::Principal),
        ],
        DocType::Routine => vec![
            ps(S::Draft, R::LeadDivision),
            ps(S::DivisionSign, R::LeadHead),
            ps(S::OfficeReview, R::Office),
            ps(S::DeputyIssue, R::Deputy),
        ],
        DocType::Joint => vec![
            ps(S::Draft, R::LeadDivision),
            ps(S::DivisionSign, R::LeadHead),
            ps(S::DeputyOpinion, R::Deputy),
            ps(S::ExternalCosign, R::LeadDivision),
            ps(S::Consolidate, R::LeadDivision),
            ps(S::OfficeReview, R::Office),
            ps(S::PrincipalIssue, R::Principal),
        ],
        DocType::OfficeInstructed => vec![
            ps(S::Draft, R::LeadDivision),
            ps(S::DivisionSign, R::LeadHead),
            ps(S::OfficeReview, R::Office),
            ps(S::LeaderIssue, R::InstructingLeader),
        ],
        DocType::OfficeOwn => vec![
            ps(S::Draft, R::LeadDivision),
            ps(S::OfficeDirectorIssue, R::OfficeDirector),
        ],
        DocType::OfficeName => vec![
            ps(S::Draft, R::LeadDivision),
            ps(S::DivisionSign, R::LeadHead),
            ps(S::OfficeReview, R::Office),
            ps(S::DeputyIssue, R::Deputy),
        ],
    }
}

/// The roles allowed to issue (签发): leaders and the office director only.
fn may_issue(role: SignRole) -> bool {
    matches!(
        role,
        SignRole::Deputy
            | SignRole::Principal
            | SignRole::InstructingLeader
            | SignRole::OfficeDirector
    ) || role == SignRole::LeadDivision
}

/// Checks a path the office edits: it starts with 起草, ends with exactly
/// one issuing step, repeats no step, and each step's role suits it.
pub fn validate_path(steps: &[PathStep]) -> Result<()> {
    let bad = |m: String| Err(Error::invalid("invalid_signing_path", m));
    if steps.len() < 2 {
        return bad("签发路径至少包括起草和签发两步".into());
    }
    if steps[0].step != Step::Draft {
        return bad("签发路径的第一步必须是“起草”".into());
    }
    for (i, s) in steps.iter().enumerate() {
        if steps[..i].iter().any(|p| p.step == s.step) {
            return bad(format!("步骤“{}”重复出现", s.step.label()));
        }
        if let Some(r) = s.step.fixed_role()
            && r != s.role
        {
            return bad(format!(
                "步骤“{}”只能由{}办理，不能设为{}",
                s.step.label(),
                r.label(),
                s.role.label()
            ));
        }
        if s.step.issues() && i + 1 != steps.len() {
            return bad(format!("签发步骤“{}”必须是最后一步", s.step.label()));
        }
    }
    let last = steps[steps.len() - 1];
    if !last.step.issues() {
        return bad("签发路径的最后一步必须是签发".into());
    }
    if !may_issue(last.role) || (last.role == SignRole::LeadDivision && !last.step.on_paper()) {
        return bad(format!("{}不能签发公文", last.role.label()));
    }
    Ok(())
}

/// What is known about the person trying to act at a step.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ActorFacts {
    /// Works in the lead division (staff or head), in person or as B.
    pub lead_staff: bool,
    pub lead_head: bool,
    /// Acts today for the office's 核稿 post.
    pub office_reviewer: bool,
    /// Acts today for the office director's post.
    pub office_director: bool,
    /// The deputy in charge named on the document.
    pub doc_deputy: bool,
    pub principal: bool,
    /// The leader named on the document as having given the instruction.
    pub instructing_leader: bool,
}

/// The turn rule: at step `at` of `path`, only the role the path names
/// may act; any other person is refused (403, nothing written).
pub fn may_act(path: &[PathStep], at: usize, facts: ActorFacts) -> Result<PathStep> {
    let Some(step) = path.get(at).copied() else {
        return Err(Error::Conflict("签发路径已走完，没有待办步骤".into()));
    };
    let ok = match step.role {
        SignRole::LeadDivision => facts.lead_staff || facts.lead_head,
        SignRole::LeadHead => facts.lead_head,
        SignRole::Office => facts.office_reviewer,
        SignRole::Deputy => facts.doc_deputy,
        SignRole::Principal => facts.principal,
        SignRole::InstructingLeader => facts.instructing_leader,
        SignRole::OfficeDirector => facts.office_director,
    };
    if ok {
        Ok(step)
    } else {
        Err(Error::Forbidden(format!(
            "当前步骤为“{}”，应由{}办理，您不能办理此步骤",
            step.step.label(),
            step.role.label()
        )))
    }
}

pub const MIN_YEAR: i32 = 1949;
pub const MAX_YEAR: i32 = 2100;

/// 发文字号 (GB/T 9704-2012 7.2.4): 代字 + 〔full year〕 + number + 号; no
/// leading zeros, no 第.
pub fn doc_number(prefix: &str, year: i32, seq: i64) -> Result<String> {
    let prefix = prefix.trim();
    if prefix.is_empty() {
        return Err(Error::invalid("empty_prefix", "发文机关代字不能为空"));
    }
    if prefix
        .chars()
        .any(|c| "〔〕[]()（）第号".contains(c) || c.is_ascii_digit())
    {
        return Err(Error::invalid(
            "invalid_prefix",
            format!("发文机关代字“{prefix}”不能包含括号、数字、“第”或“号”"),
        ));
    }
    if prefix.chars().count() > 20 {
        return Err(Error::invalid(
            "invalid_prefix",
            "发文机关代字不能超过 20 个字",
        ));
    }
    if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
        return Err(Error::invalid(
            "year_out_of_range",
            format!("年份 {year} 无效：应在 {MIN_YEAR} 到 {MAX_YEAR} 之间"),
        ));
    }
    if seq < 1 {
        return Err(Error::invalid(
            "seq_out_of_range",
            format!("发文顺序号 {seq} 无效：应为从 1 开始的整数"),
        ));
    }
    Ok(format!("{prefix}〔{year}〕{seq}号"))
}

/// A 发文字号 taken apart; `None` when it does not follow GB/T 9704-2012
/// exactly (half-width brackets, two-digit year, leading zeros, 第).
pub fn parse_doc_number(s: &str) -> Option<(String, i32, i64)> {
    let (prefix, rest) = s.trim().split_once('〔')?;
    let (year, rest) = rest.split_once('〕')?;
    let seq = rest.strip_suffix('号')?;
    if year.len() != 4 || seq.is_empty() || seq.starts_with('0') {
        return None;
    }
    if !year.bytes().all(|b| b.is_ascii_digit()) || !seq.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (year, seq) = (year.parse().ok()?, seq.parse().ok()?);
    let again = doc_number(prefix, year, seq).ok()?;
    (again == s.trim()).then(|| (prefix.to_string(), year, seq))
}

/// The number an office clerk types must be the next of the sequence: a
/// gap (or a number already used) is refused.
pub fn check_entered_seq(next: i64, entered: i64) -> Result<()> {
    if entered == next {
        return Ok(());
    }
    Err(Error::invalid(
        "doc_number_gap",
        if entered < next {
            format!("发文顺序号 {entered} 已使用，不能重复使用；下一个号为 {next}")
        } else {
            format!("发文顺序号不能跳号：下一个号为 {next}，不能登记为 {entered}")
        },
    ))
}

/// A processing opinion (签批意见).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// 同意
    Agree,
    /// 不同意 (the reason must be stated)
    Disagree,
    /// 具体意见 / 批示 (the instruction must be stated)
    Instruct,
}

impl Verdict {
    pub const ALL: [Verdict; 3] = [Verdict::Agree, Verdict::Disagree, Verdict::Instruct];

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Agree => "agree",
            Verdict::Disagree => "disagree",
            Verdict::Instruct => "instruct",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Verdict::Agree => "同意",
            Verdict::Disagree => "不同意",
            Verdict::Instruct => "具体意见",
        }
    }

    pub fn parse(s: &str) -> Option<Verdict> {
        Verdict::ALL
            .into_iter()
            .find(|v| v.as_str() == s.trim() || v.label() == s.trim())
    }
}

/// An opinion that passed the rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opinion {
    pub verdict: Verdict,
    pub text: String,
}

impl Opinion {
    /// As the trail shows it: "同意。" or the stated text.
    pub fn display(&self) -> String {
        match (self.verdict, self.text.is_empty()) {
            (Verdict::Agree, true) => "同意。".into(),
            (Verdict::Agree, false) => format!("同意。{}", self.text),
            (Verdict::Disagree, _) => format!("不同意。{}", self.text),
            (Verdict::Instruct, _) => self.text.clone(),
        }
    }
}

pub const MAX_OPINION_CHARS: usize = 2000;

/// RULES.md §6: a leader's 阅批 carries an explicit opinion: 同意, 不同意
/// with the reason, or a stated instruction. A missing verdict, a
/// 不同意 without a reason or an instruction that is empty or whitespace
/// (full-width spaces included) is refused.
pub fn opinion(verdict: &str, text: &str) -> Result<Opinion> {
    let text: String = text
        .trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}')
        .to_string();
    let verdict = match verdict.trim() {
        "" => {
            return Err(Error::invalid(
                "opinion_required",
                "请选择意见：同意、不同意或具体意见",
            ));
        }
        v => Verdict::parse(v).ok_or_else(|| {
            Error::invalid(
                "invalid_verdict",
                format!(
                    "意见类型“{}”无效：应为同意、不同意或具体意见",
                    yangguang_kernel::text::clip(v, 20)
                ),
            )
        })?,
    };
    match verdict {
        Verdict::Disagree if text.is_empty() => {
            return Err(Error::invalid(
                "reason_required",
                "选择“不同意”时必须写明理由",
            ));
        }
        Verdict::Instruct if text.is_empty() => {
            return Err(Error::invalid(
                "instruction_required",
                "具体意见不能为空，请写明批示内容",
            ));
        }
        _ => {}
    }
    if text.chars().count() > MAX_OPINION_CHARS {
        return Err(Error::invalid(
            "opinion_too_long",
            format!("意见不能超过 {MAX_OPINION_CHARS} 字"),
        ));
    }
    Ok(Opinion { verdict, text })
}

/// 紧急程度 (GB/T 9704-2012 7.2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Urgency {
    Normal,
    Urgent,
    VeryUrgent,
}

impl Urgency {
    pub const ALL: [Urgency; 3] = [Urgency::Normal, Urgency::Urgent, Urgency::VeryUrgent];

    pub fn as_str(self) -> &'static str {
        match self {
            Urgency::Normal => "normal",
            Urgency::Urgent => "urgent",
            Urgency::VeryUrgent => "very_urgent",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Urgency::Normal => "平件",
            Urgency::Urgent => "加急",
            Urgency::VeryUrgent => "特急",
        }
    }

    pub fn parse(s: &str) -> Option<Urgency> {
        Urgency::ALL
            .into_iter()
            .find(|u| u.as_str() == s.trim() || u.label() == s.trim())
    }

    /// The 版头 mark: nothing for 平件.
    pub fn mark(self) -> &'static str {
        match self {
            Urgency::Normal => "",
            u => u.label(),
        }
    }

    /// Default handling limit in working days (decided: 10 / 5 / 2).
    pub fn default_days(self) -> u32 {
        match self {
            Urgency::Normal => 10,
            Urgency::Urgent => 5,
            Urgency::VeryUrgent => 2,
        }
    }

    /// The longest limit the office may set: urgent ones are shorter.
    pub fn max_days(self) -> u32 {
        match self {
            Urgency::Normal => 30,
            Urgency::Urgent => 5,
            Urgency::VeryUrgent => 2,
        }
    }
}

/// The handling limit in working days: the default for the urgency, or
/// what the office sets within 1..=max.
pub fn time_limit(u: Urgency, requested: Option<u32>) -> Result<u32> {
    match requested {
        None => Ok(u.default_days()),
        Some(n) if (1..=u.max_days()).contains(&n) => Ok(n),
        Some(n) => Err(Error::invalid(
            "limit_out_of_range",
            format!(
                "办理时限 {n} 个工作日无效：{}件应为 1 到 {} 个工作日",
                u.label(),
                u.max_days()
            ),
        )),
    }
}

/// 密级 (GB/T 9704-2012 7.2.2). 绝密 documents are not handled online.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Secrecy {
    None,
    Secret,
    Confidential,
}

impl Secrecy {
    pub const ALL: [Secrecy; 3] = [Secrecy::None, Secrecy::Secret, Secrecy::Confidential];

    pub fn as_str(self) -> &'static str {
        match self {
            Secrecy::None => "none",
            Secrecy::Secret => "secret",
            Secrecy::Confidential => "confidential",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Secrecy::None => "无",
            Secrecy::Secret => "秘密",
            Secrecy::Confidential => "机密",
        }
    }

    /// The longest 保密期限 in years (保密法: 秘密 10, 机密 20).
    pub fn max_years(self) -> u32 {
        match self {
            Secrecy::None => 0,
            Secrecy::Secret => 10,
            Secrecy::Confidential => 20,
        }
    }

    pub fn parse(s: &str) -> Result<Secrecy> {
        let s = s.trim();
        if s == "绝密" || s == "top_secret" {
            return Err(Error::invalid(
                "top_secret_refused",
                "绝密级公文不得在网上办文系统中办理，请按纸质涉密文件处理",
            ));
        }
        if s.is_empty() || s == "非密" {
            return Ok(Secrecy::None);
        }
        Secrecy::ALL
            .into_iter()
            .find(|x| x.as_str() == s || x.label() == s)
            .ok_or_else(|| {
                Error::invalid(
                    "invalid_secrecy",
                    format!(
                        "密级“{}”无效：应为无、秘密或机密",
                        yangguang_kernel::text::clip(s, 10)
                    ),
                )
            })
    }
}

/// 密级和保密期限 as the 版头 prints it: `机密★10年`; empty for 无.
pub fn secrecy_mark(s: Secrecy, years: Option<u32>) -> Result<String> {
    match (s, years) {
        (Secrecy::None, _) => Ok(String::new()),
        (s, None) => Ok(s.label().to_string()),
        (s, Some(y)) if (1..=s.max_years()).contains(&y) => Ok(format!("{}★{y}年", s.label())),
        (s, Some(y)) => Err(Error::invalid(
            "invalid_secrecy_term",
            format!(
                "保密期限 {y} 年无效：{}级应为 1 到 {} 年",
                s.label(),
                s.max_years()
            ),
        )),
    }
}

/// Dates that decide the 催办 level of an open task on `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cutoffs {
    /// Due on or before this date (and not yet overdue): reminder (1).
    pub soon: Date,
    /// Due before this date: overdue, the division head is told (2).
    pub overdue: Date,
    /// Due before this date: more than two working days overdue, the
    /// deputy in charge is told (3).
    pub late: Date,
}

/// Working days overdue after which the deputy is told.
pub const ESCALATE_TO_DEPUTY_AFTER: u32 = 2;

pub fn cutoffs(cal: &Calendar, today: Date) -> Cutoffs {
    let soon = cal.add_working_days(today, 1);
    // The latest due date that is more than two working days overdue.
    let mut d = today;
    while cal.working_days_after(d, today) <= ESCALATE_TO_DEPUTY_AFTER {
        match d.previous_day() {
            Some(p) => d = p,
            None => break,
        }
    }
    Cutoffs {
        soon,
        overdue: today,
        late: d.next_day().unwrap_or(d),
    }
}

/// 催办 level: 0 none, 1 reminder before the limit, 2 overdue (division
/// head), 3 more than two working days overdue (deputy in charge).
pub fn remind_level(c: Cutoffs, due: Date) -> u8 {
    if due < c.late {
        3
    } else if due < c.overdue {
        2
    } else if due <= c.soon {
        1
    } else {
        0
    }
}

/// AB岗 on tasks: a task's assignee acts on it; while the assignee is away,
/// the B holder standing in for them does, recorded as "B for A"
/// (`Some(assignee)`). Anyone else is refused.
pub fn task_actor(assignee: i64, me: i64, stands_for: &[i64]) -> Result<Option<i64>> {
    if assignee == me {
        Ok(None)
    } else if stands_for.contains(&assignee) {
        Ok(Some(assignee))
    } else {
        Err(Error::Forbidden(
            "该任务不在您的待办中：只有任务承办人或其休假期间代岗的B岗人员可以办理".into(),
        ))
    }
}

/// Working days a step's task gets (decided: the handling steps take the
/// document's limit; these are the others), shorter for urgent documents.
pub fn step_days(step: &str, u: Urgency) -> u32 {
    let base = match step {
        "approve" | "register" | "route" | "recheck" | "number" | "print" | "issue" => 1,
        "cosign" | "consolidate" | "coordinate" | "resubmit" | "draft" => 3,
        _ => 2,
    };
    match u {
        Urgency::Normal => base,
        Urgency::Urgent | Urgency::VeryUrgent => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn steps(t: DocType) -> Vec<(&'static str, &'static str)> {
        default_path(t)
            .iter()
            .map(|s| (s.step.as_str(), s.role.as_str()))
            .collect()
    }

    #[test]
    fn matrix_city_draft_is_paper_deputy_reviews_principal_signs() {
        assert_eq!(
            steps(DocType::CityDraft),
            [
                ("draft", "lead_division"),
                ("paper_deputy_review", "lead_division"),
                ("paper_principal_sign", "lead_division")
            ]
        );
        assert!(
            default_path(DocType::CityDraft)[1..]
                .iter()
                .all(|s| s.step.on_paper())
        );
    }

    #[test]
    fn matrix_to_city_office_reviews_deputy_signs_principal_issues() {
        assert_eq!(
            steps(DocType::ToCity),
            [
                ("draft", "lead_division"),
                ("division_sign", "lead_head"),
                ("office_review", "office"),
                ("deputy_review", "deputy"),
                ("principal_issue", "principal")
            ]
        );
    }

    #[test]
    fn matrix_routine_is_issued_by_the_deputy_in_charge() {
        let p = default_path(DocType::Routine);
        assert_eq!(
            p.last().map(|s| (s.step, s.role)),
            Some((Step::DeputyIssue, SignRole::Deputy))
        );
    }

    #[test]
    fn matrix_joint_deputy_then_other_departments_then_consolidate_office_principal() {
        assert_eq!(
            steps(DocType::Joint),
            [
                ("draft", "lead_division"),
                ("division_sign", "lead_head"),
                ("deputy_opinion", "deputy"),
                ("external_cosign", "lead_division"),
                ("consolidate", "lead_division"),
                ("office_review", "office"),
                ("principal_issue", "principal")
            ]
        );
    }

    #[test]
    fn matrix_office_types_instructing_leader_director_and_deputy() {
        assert_eq!(
            default_path(DocType::OfficeInstructed)
                .last()
                .map(|s| s.role),
            Some(SignRole::InstructingLeader)
        );
        assert_eq!(
            steps(DocType::OfficeOwn),
            [
                ("draft", "lead_division"),
                ("office_director_issue", "office_director")
            ]
        );
        let name = default_path(DocType::OfficeName);
        assert!(name.iter().any(|s| s.step == Step::OfficeReview));
        assert_eq!(name.last().map(|s| s.role), Some(SignRole::Deputy));
    }

    #[test]
    fn every_shipped_path_passes_validation_and_ends_in_one_issue() {
        for t in DocType::ALL {
            let p = default_path(t);
            validate_path(&p).unwrap();
            assert_eq!(p.iter().filter(|s| s.step.issues()).count(), 1, "{t:?}");
        }
    }

    #[test]
    fn doc_types_parse_by_the_names_in_rules_md() {
        for t in DocType::ALL {
            assert_eq!(DocType::parse(t.label()), Some(t));
            assert_eq!(DocType::parse(t.as_str()), Some(t));
        }
        assert_eq!(DocType::parse("办公室.职权内"), Some(DocType::OfficeOwn));
        assert_eq!(DocType::parse("请示"), None);
        assert!(DocType::ToCity.upward() && !DocType::Routine.upward());
    }

    #[test]
    fn edited_path_must_start_with_draft_and_end_with_a_leader_issuing() {
        use SignRole as R;
        use Step as S;
        let e = validate_path(&[
            ps(S::Draft, R::LeadDivision),
            ps(S::OfficeReview, R::Office),
        ])
        .unwrap_err();
        assert!(e.to_string().contains("最后一步必须是签发"), "{e}");
        let e = validate_path(&[
            ps(S::OfficeReview, R::Office),
            ps(S::DeputyIssue, R::Deputy),
        ])
        .unwrap_err();
        assert!(e.to_string().contains("第一步"), "{e}");
        let e = validate_path(&[
            ps(S::Draft, R::LeadDivision),
            ps(S::DeputyIssue, R::Deputy),
            ps(S::OfficeReview, R::Office),
        ])
        .unwrap_err();
        assert!(e.to_string().contains("必须是最后一步"), "{e}");
        let e = validate_path(&[
            ps(S::Draft, R::LeadDivision),
            ps(S::OfficeReview, R::Deputy),
        ])
        .unwrap_err();
        assert!(e.to_string().contains("只能由办公室（核稿）办理"), "{e}");
        let e = validate_path(&[
            ps(S::Draft, R::LeadDivision),
            ps(S::DeputyIssue, R::LeadHead),
        ])
        .unwrap_err();
        assert!(e.to_string().contains("不能签发"), "{e}");
        let e = validate_path(&[
            ps(S::Draft, R::LeadDivision),
            ps(S::OfficeReview, R::Office),
            ps(S::OfficeReview, R::Office),
            ps(S::DeputyIssue, R::Deputy),
        ])
        .unwrap_err();
        assert!(e.to_string().contains("重复"), "{e}");
        // The office may make the principal issue routine documents.
        validate_path(&[
            ps(S::Draft, R::LeadDivision),
            ps(S::DeputyIssue, R::Principal),
        ])
        .unwrap();
    }

    #[test]
    fn turn_rule_refuses_anyone_the_step_does_not_name() {
        let p = default_path(DocType::ToCity);
        let deputy = ActorFacts {
            doc_deputy: true,
            ..Default::default()
        };
        let principal = ActorFacts {
            principal: true,
            ..Default::default()
        };
        // Step 3 is the deputy's review: the principal may not jump it.
        let e = may_act(&p, 3, principal).unwrap_err();
        assert!(matches!(e, Error::Forbidden(_)));
        assert!(e.to_string().contains("分管领导审签"), "{e}");
        assert_eq!(may_act(&p, 3, deputy).unwrap().step, Step::DeputyReview);
        // Step 4 is the principal's: the deputy may not issue.
        assert!(may_act(&p, 4, deputy).is_err());
        assert_eq!(
            may_act(&p, 4, principal).unwrap().step,
            Step::PrincipalIssue
        );
        // A division head is not the office.
        let head = ActorFacts {
            lead_head: true,
            lead_staff: true,
            ..Default::default()
        };
        assert!(may_act(&p, 2, head).is_err());
        assert!(may_act(&p, 1, head).is_ok());
        // Staff may not sign for their head.
        let staff = ActorFacts {
            lead_staff: true,
            ..Default::default()
        };
        assert!(may_act(&p, 1, staff).is_err());
        assert!(matches!(may_act(&p, 5, principal), Err(Error::Conflict(_))));
    }

    #[test]
    fn ab_rule_assignee_or_standing_in_b_may_act_nobody_else() {
        assert_eq!(task_actor(10, 10, &[]).unwrap(), None);
        assert_eq!(task_actor(10, 11, &[10]).unwrap(), Some(10));
        let e = task_actor(10, 12, &[13]).unwrap_err();
        assert!(matches!(e, Error::Forbidden(_)));
        assert!(e.to_string().contains("B岗"), "{e}");
    }

    #[test]
    fn step_days_urgent_documents_get_one_working_day_per_step() {
        assert_eq!(step_days("register", Urgency::Normal), 1);
        assert_eq!(step_days("cosign", Urgency::Normal), 3);
        assert_eq!(step_days("sign", Urgency::Normal), 2);
        assert_eq!(step_days("cosign", Urgency::VeryUrgent), 1);
    }

    #[test]
    fn doc_number_full_year_in_brackets_no_leading_zero_no_di() {
        assert_eq!(
            doc_number("苏安监办", 2026, 38).unwrap(),
            "苏安监办〔2026〕38号"
        );
        assert_eq!(
            doc_number(" 苏安监 ", 2026, 1).unwrap(),
            "苏安监〔2026〕1号"
        );
        assert!(doc_number("", 2026, 1).is_err());
        assert!(doc_number("苏安监", 1948, 1).is_err());
        assert!(doc_number("苏安监", 2101, 1).is_err());
        assert_eq!(doc_number("苏安监", 1949, 1).unwrap(), "苏安监〔1949〕1号");
        assert!(doc_number("苏安监", 2026, 0).is_err());
        assert!(doc_number("苏安监第", 2026, 3).is_err());
    }

    #[test]
    fn doc_number_parse_refuses_what_gb_t_9704_forbids() {
        assert_eq!(
            parse_doc_number("苏安监办〔2026〕38号"),
            Some(("苏安监办".into(), 2026, 38))
        );
        for bad in [
            "苏安监办[2026]38号",
            "苏安监办〔26〕38号",
            "苏安监办〔2026〕038号",
            "苏安监办〔2026〕第38号",
            "苏安监办〔2026〕38",
            "〔2026〕38号",
        ] {
            assert_eq!(parse_doc_number(bad), None, "{bad}");
        }
    }

    #[test]
    fn entered_number_must_be_the_next_no_gap_no_reuse() {
        check_entered_seq(39, 39).unwrap();
        assert!(
            check_entered_seq(39, 40)
                .unwrap_err()
                .to_string()
                .contains("不能跳号")
        );
        assert!(
            check_entered_seq(39, 38)
                .unwrap_err()
                .to_string()
                .contains("已使用")
        );
    }

    #[test]
    fn opinion_must_be_explicit_blank_is_refused() {
        assert_eq!(opinion("agree", "").unwrap().display(), "同意。");
        assert_eq!(opinion("同意", " 请抓紧办理 ").unwrap().text, "请抓紧办理");
        assert!(
            opinion("", "同意")
                .unwrap_err()
                .to_string()
                .contains("请选择意见")
        );
        assert!(
            opinion("instruct", " \u{3000}\n")
                .unwrap_err()
                .to_string()
                .contains("不能为空")
        );
        assert!(
            opinion("disagree", "  ")
                .unwrap_err()
                .to_string()
                .contains("理由")
        );
        assert_eq!(
            opinion("disagree", "依据不足").unwrap().display(),
            "不同意。依据不足"
        );
        assert_eq!(
            opinion("具体意见", "请政策法规处牵头").unwrap().verdict,
            Verdict::Instruct
        );
        assert!(opinion("maybe", "x").is_err());
        assert!(opinion("instruct", &"字".repeat(2001)).is_err());
    }

    #[test]
    fn time_limit_urgent_documents_get_shorter_limits() {
        assert_eq!(time_limit(Urgency::Normal, None).unwrap(), 10);
        assert_eq!(time_limit(Urgency::Urgent, None).unwrap(), 5);
        assert_eq!(time_limit(Urgency::VeryUrgent, None).unwrap(), 2);
        assert_eq!(time_limit(Urgency::Normal, Some(30)).unwrap(), 30);
        assert!(time_limit(Urgency::Normal, Some(31)).is_err());
        assert!(time_limit(Urgency::Normal, Some(0)).is_err());
        assert!(
            time_limit(Urgency::VeryUrgent, Some(3))
                .unwrap_err()
                .to_string()
                .contains("特急")
        );
    }

    #[test]
    fn secrecy_top_secret_is_refused_and_terms_are_bounded() {
        assert!(
            Secrecy::parse("绝密")
                .unwrap_err()
                .to_string()
                .contains("绝密")
        );
        assert_eq!(Secrecy::parse("").unwrap(), Secrecy::None);
        assert_eq!(Secrecy::parse("机密").unwrap(), Secrecy::Confidential);
        assert_eq!(
            secrecy_mark(Secrecy::Confidential, Some(10)).unwrap(),
            "机密★10年"
        );
        assert_eq!(secrecy_mark(Secrecy::None, Some(3)).unwrap(), "");
        assert!(secrecy_mark(Secrecy::Secret, Some(11)).is_err());
    }

    #[test]
    fn remind_levels_count_working_days_across_the_national_day_holiday() {
        let cal = Calendar::builtin();
        // Wednesday 2026-09-30; the next working day is Thursday 10-08.
        let c = cutoffs(&cal, date!(2026 - 09 - 30));
        assert_eq!(c.soon, date!(2026 - 10 - 08));
        assert_eq!(remind_level(c, date!(2026 - 10 - 09)), 0);
        assert_eq!(remind_level(c, date!(2026 - 10 - 08)), 1);
        assert_eq!(remind_level(c, date!(2026 - 09 - 30)), 1);
        assert_eq!(remind_level(c, date!(2026 - 09 - 29)), 2);
        // On 10-08, a task due 09-29 is two working days late (09-30,
        // 10-08), not nine calendar days: the deputy is not told yet.
        let c = cutoffs(&cal, date!(2026 - 10 - 08));
        assert_eq!(remind_level(c, date!(2026 - 09 - 30)), 2);
        assert_eq!(remind_level(c, date!(2026 - 09 - 29)), 2);
        assert_eq!(remind_level(c, date!(2026 - 09 - 28)), 3);
        // An ordinary week: Monday 11-16.
        let c = cutoffs(&cal, date!(2026 - 11 - 16));
        assert_eq!(remind_level(c, date!(2026 - 11 - 12)), 2);
        assert_eq!(remind_level(c, date!(2026 - 11 - 11)), 3);
        assert_eq!(remind_level(c, date!(2026 - 11 - 17)), 1);
        assert_eq!(remind_level(c, date!(2026 - 11 - 18)), 0);
    }
}
