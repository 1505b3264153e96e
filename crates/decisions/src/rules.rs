//! The rules of RULES.md §5, pure: scope of collective consultation,
//! notice timeliness, quorum, tally per meeting type, publicity period.
//! No clock reads: dates come in as arguments.

use time::{Date, Duration};
use yangguang_kernel::Error;
use yangguang_kernel::calendar::Calendar;
use yangguang_kernel::timefmt::fmt_date;

/// 财权 matters of 10万元以上 (100,000 yuan included) go to the meeting.
/// Amounts are kept in fen (分) so that no float is involved.
pub const FINANCE_THRESHOLD_FEN: i64 = 100_000 * 100;
/// The notice goes out at least this many working days before (§5, §1).
pub const NOTICE_WORKING_DAYS: u32 = 1;
/// Internal publicity of issued minutes (§5, decided there: working days).
pub const PUBLICITY_WORKING_DAYS: u32 = 2;

/// The kind of a topic (议题类别), §5 "Scope".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TopicKind {
    /// 事权
    Powers,
    /// 人事
    Personnel,
    /// 财权
    Finance,
    /// 上级指示
    Instruction,
    /// 其他重大事项
    Other,
}

impl TopicKind {
    pub const ALL: [TopicKind; 5] = [
        TopicKind::Powers,
        TopicKind::Personnel,
        TopicKind::Finance,
        TopicKind::Instruction,
        TopicKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TopicKind::Powers => "powers",
            TopicKind::Personnel => "personnel",
            TopicKind::Finance => "finance",
            TopicKind::Instruction => "instruction",
            TopicKind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<TopicKind> {
        TopicKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s || k.label() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            TopicKind::Powers => "事权",
            TopicKind::Personnel => "人事",
            TopicKind::Finance => "财权",
            TopicKind::Instruction => "上级指示",
            TopicKind::Other => "其他",
        }
    }
}

/// Whether a topic must go to collective consultation, and the rule that
/// decided it (shown on the topic page).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub required: bool,
    pub rule: String,
}

/// Formats fen as yuan: `123456.70` → "123,456.70 元" style without the
/// grouping, which Chinese forms do not use: "123456.70元".
pub fn fmt_yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let a = fen.unsigned_abs();
    format!("{sign}{}.{:02}元", a / 100, a % 100)
}

/// Parses an amount in yuan ("100000", "100000.5", "1,000.00") into fen.
pub fn parse_yuan(s: &str) -> Result<i64, Error> {
    let bad = || {
        Error::invalid(
            "invalid_amount",
            format!(
                "金额“{}”无效：应为以元为单位的非负数，最多两位小数",
                yangguang_kernel::text::clip(s, 20)
            ),
        )
    };
    let t: String = s
        .trim()
        .trim_end_matches('元')
        .chars()
        .filter(|c| *c != ',' && *c != '，')
        .collect();
    let (int, frac) = t.split_once('.').unwrap_or((&t, ""));
    if int.is_empty()
        || int.len() > 13
        || frac.len() > 2
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(bad());
    }
    let i: i64 = int.parse().map_err(|_| bad())?;
    let f: i64 = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().map_err(|_| bad())? * 10,
        _ => frac.parse().map_err(|_| bad())?,
    };
    Ok(i * 100 + f)
}

/// §5 "Scope". `procurement`: the matter falls under the government's
/// procurement and tendering rules (which bring a 财权 matter in whatever
/// its amount).
pub fn scope(kind: TopicKind, amount_fen: Option<i64>, procurement: bool) -> Scope {
    let yes = |rule: &str| Scope {
        required: true,
        rule: rule.to_string(),
    };
    match kind {
        TopicKind::Powers => {
            yes("事权事项（权力配置、领导分工、全局性政策、重要规章制度、重大项目）须集体会商")
        }
        TopicKind::Personnel => {
            yes("人事事项（干部录用、考核、培训、任免、交流、奖惩及后备干部）须集体会商")
        }
        TopicKind::Instruction => yes("需要作出贯彻落实决定的上级指示须集体会商"),
        TopicKind::Other => yes("其他重大事项须集体会商"),
        TopicKind::Finance => {
            let amount = amount_fen.unwrap_or(0);
            if amount >= FINANCE_THRESHOLD_FEN {
                Scope {
                    required: true,
                    rule: format!(
                        "财权事项金额 {} 达到 10 万元以上（含 10 万元），须集体会商",
                        fmt_yuan(amount)
                    ),
                }
            } else if procurement {
                Scope {
                    required: true,
                    rule: format!(
                        "财权事项金额 {} 不足 10 万元，但属于政府采购和招投标管理规定的事项，须集体会商",
                        fmt_yuan(amount)
                    ),
                }
            } else {
                Scope {
                    required: false,
                    rule: format!(
                        "财权事项金额 {} 不足 10 万元，且不属于政府采购和招投标管理规定的事项，可不经集体会商",
                        fmt_yuan(amount)
                    ),
                }
            }
        }
    }
}

/// In time iff `add_working_days(notice, 1) ≤ meeting` (§1, §5).
pub fn notice_in_time(cal: &Calendar, notice: Date, meeting: Date) -> bool {
    cal.add_working_days(notice, NOTICE_WORKING_DAYS) <= meeting
}

/// The latest notice date that is still in time for `meeting`: the day
/// before the last working day on or before the meeting.
pub fn latest_notice_date(cal: &Calendar, meeting: Date) -> Date {
    let mut w = meeting;
    // Bounded: no stretch of 60 days without a working day exists.
    for _ in 0..60 {
        if cal.is_working_day(w) {
            break;
        }
        w -= Duration::days(1);
    }
    w - Duration::days(1)
}

/// Whether a notice given on `notice` for a meeting on `meeting` was in
/// time, or late but accepted as a special case with its reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeTiming {
    InTime,
    SpecialLate,
}

/// Checks a notice: late is refused unless a special reason is given; a
/// notice after the meeting day is always refused.
pub fn check_notice(
    cal: &Calendar,
    notice: Date,
    meeting: Date,
    special_reason: Option<&str>,
) -> Result<NoticeTiming, Error> {
    if notice > meeting {
        return Err(Error::invalid(
            "notice_after_meeting",
            format!(
                "通知日期 {} 晚于会议日期 {}，不能发出",
                fmt_date(notice),
                fmt_date(meeting)
            ),
        ));
    }
    if notice_in_time(cal, notice, meeting) {
        return Ok(NoticeTiming::InTime);
    }
    match special_reason.map(str::trim) {
        Some(r) if !r.is_empty() => Ok(NoticeTiming::SpecialLate),
        _ => Err(Error::invalid(
            "late_notice",
            format!(
                "会议通知应至少提前 1 个工作日发出：{} 的会议最迟应于 {} 发出通知。如属特殊情况，请注明特殊情况的理由",
                fmt_date(meeting),
                fmt_date(latest_notice_date(cal, meeting))
            ),
        )),
    }
}

/// The meeting types of §5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MeetingType {
    /// 党组会议
    Party,
    /// 局长办公会议 (行政首长负责制)
    Executive,
    /// 党政联席会议
    Joint,
    /// 业务会议
    Business,
}

impl MeetingType {
    pub const ALL: [MeetingType; 4] = [
        MeetingType::Party,
        MeetingType::Executive,
        MeetingType::Joint,
        MeetingType::Business,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MeetingType::Party => "party",
            MeetingType::Executive => "executive",
            MeetingType::Joint => "joint",
            MeetingType::Business => "business",
        }
    }

    pub fn parse(s: &str) -> Option<MeetingType> {
        MeetingType::ALL
            .into_iter()
            .find(|m| m.as_str() == s || m.label() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            MeetingType::Party => "党组会议",
            MeetingType::Executive => "局长办公会议",
            MeetingType::Joint => "党政联席会议",
            MeetingType::Business => "业务会议",
        }
    }
}

/// "at least num/den" (以上 includes the number itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fraction {
    pub num: u32,
    pub den: u32,
}

impl Fraction {
    pub const HALF: Fraction = Fraction { num: 1, den: 2 };
    pub const TWO_THIRDS: Fraction = Fraction { num: 2, den: 3 };

    /// The smallest count that is at least `self` of `of`.
    pub fn at_least(self, of: u32) -> u32 {
        let n = u64::from(of) * u64::from(self.num);
        let d = u64::from(self.den.max(1));
        u32::try_from(n.div_ceil(d)).unwrap_or(u32::MAX)
    }

    pub fn label(self) -> String {
        match (self.num, self.den) {
            (1, 2) => "半数以上".to_string(),
            (2, 3) => "三分之二以上".to_string(),
            (n, d) => format!("{d}分之{n}以上"),
        }
    }
}

/// How a motion passes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PassBasis {
    /// Votes for exceed half of the members who should attend (党组会议).
    ForOverHalfExpected,
    /// Votes for exceed half of the members present (党政联席会议).
    ForOverHalfPresent,
    /// The head (or chair) decides; the vote is advisory.
    HeadDecides,
}

impl PassBasis {
    pub fn as_str(self) -> &'static str {
        match self {
            PassBasis::ForOverHalfExpected => "expected",
            PassBasis::ForOverHalfPresent => "present",
            PassBasis::HeadDecides => "head",
        }
    }

    pub fn parse(s: &str) -> Option<PassBasis> {
        match s {
            "expected" => Some(PassBasis::ForOverHalfExpected),
            "present" => Some(PassBasis::ForOverHalfPresent),
            "head" => Some(PassBasis::HeadDecides),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PassBasis::ForOverHalfExpected => "赞成票超过应到会成员的半数",
            PassBasis::ForOverHalfPresent => "赞成票超过到会成员的半数",
            PassBasis::HeadDecides => "行政首长（主持人）决定，表决仅供参考",
        }
    }
}

/// One meeting type's decision rule (议事规则), stored per agency with
/// the defaults of §5.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProcedureRules {
    pub basis: PassBasis,
    /// Quorum of the members who should attend; `None`: no quorum rule
    /// (业务会议, where the chair decides after hearing the units).
    pub quorum: Option<Fraction>,
    /// Quorum for cadre appointments/removals and discipline.
    pub personnel_quorum: Option<Fraction>,
}

impl ProcedureRules {
    /// RULES.md §5 defaults.
    pub fn default_for(t: MeetingType) -> ProcedureRules {
        match t {
            MeetingType::Party => ProcedureRules {
                basis: PassBasis::ForOverHalfExpected,
                quorum: Some(Fraction::HALF),
                personnel_quorum: Some(Fraction::TWO_THIRDS),
            },
            MeetingType::Executive => ProcedureRules {
                basis: PassBasis::HeadDecides,
                quorum: Some(Fraction::HALF),
                personnel_quorum: Some(Fraction::HALF),
            },
            MeetingType::Joint => ProcedureRules {
                basis: PassBasis::ForOverHalfPresent,
                quorum: Some(Fraction::HALF),
                personnel_quorum: Some(Fraction::HALF),
            },
            MeetingType::Business => ProcedureRules {
                basis: PassBasis::HeadDecides,
                quorum: None,
                personnel_quorum: None,
            },
        }
    }

    fn quorum_for(&self, personnel: bool) -> Option<Fraction> {
        if personnel {
            self.personnel_quorum
        } else {
            self.quorum
        }
    }
}

/// The numbers of one topic's vote. `expected` and `present` are already
/// net of recused members (§5: a recused member counts neither as expected
/// nor as present for that topic); see [`net_of_recusal`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Count {
    pub expected: u32,
    pub present: u32,
    pub for_: u32,
    pub against: u32,
    pub abstain: u32,
}

impl Count {
    pub fn votes(&self) -> u32 {
        self.for_ + self.against + self.abstain
    }
}

/// Expected and present for a topic, given the recused members (of whom
/// `recused_present` were at the meeting).
pub fn net_of_recusal(
    expected: u32,
    present: u32,
    recused: u32,
    recused_present: u32,
) -> (u32, u32) {
    (
        expected.saturating_sub(recused),
        present.saturating_sub(recused_present),
    )
}

/// The executive head's (or chair's) decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeadDecision {
    Adopt,
    Reject,
}

impl HeadDecision {
    pub fn parse(s: &str) -> Option<HeadDecision> {
        match s {
            "adopt" | "通过" | "采纳" => Some(HeadDecision::Adopt),
            "reject" | "不通过" | "不采纳" => Some(HeadDecision::Reject),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            HeadDecision::Adopt => "adopt",
            HeadDecision::Reject => "reject",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Passed,
    NotPassed,
    NoQuorum,
}

impl Outcome {
    /// The CLI's first line.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Passed => "passed",
            Outcome::NotPassed => "not-passed",
            Outcome::NoQuorum => "no-quorum",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Outcome::Passed => "通过",
            Outcome::NotPassed => "未通过",
            Outcome::NoQuorum => "不足法定人数，不能作出决定",
        }
    }
}

/// Which way the (advisory) vote leans: more for than against, or the
/// reverse (decided here: the majority of the votes cast for or against;
/// abstentions take no side).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Majority {
    For,
    Against,
    Even,
}

/// Counts that make no sense; refused, nothing is decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TallyError {
    PresentExceedsExpected,
    VotesExceedPresent,
    /// A head-decides meeting reached quorum but no decision was given.
    HeadDecisionMissing,
}

impl From<TallyError> for Error {
    fn from(e: TallyError) -> Error {
        match e {
            TallyError::PresentExceedsExpected => {
                Error::invalid("present_exceeds_expected", "到会人数多于应到会人数，请核对")
            }
            TallyError::VotesExceedPresent => Error::invalid(
                "votes_exceed_present",
                "表决票数（赞成、反对、弃权之和）多于到会人数，请核对",
            ),
            TallyError::HeadDecisionMissing => Error::invalid(
                "head_decision_missing",
                "该会议由行政首长（主持人）决定，请填写其决定（通过或不通过）",
            ),
        }
    }
}

/// The result of a tally, with what is needed to explain it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub outcome: Outcome,
    pub count: Count,
    pub basis: PassBasis,
    /// The quorum rule applied and the number it required.
    pub quorum: Option<Fraction>,
    pub quorum_needed: u32,
    pub quorum_met: bool,
    pub majority: Majority,
    /// The head decided against the majority of the vote: the minutes must
    /// state the reason.
    pub against_majority: bool,
    /// For and against are close (differ by at most one, both cast): the
    /// chair may postpone the topic to the next meeting.
    pub close: bool,
}

/// §5 "Decision rule by meeting type": quorum first, then the basis.
pub fn tally(
    rules: &ProcedureRules,
    personnel: bool,
    count: Count,
    head: Option<HeadDecision>,
) -> Result<Tally, TallyError> {
    if count.present > count.expected {
        return Err(TallyError::PresentExceedsExpected);
    }
    if count.votes() > count.present {
        return Err(TallyError::VotesExceedPresent);
    }
    let quorum = rules.quorum_for(personnel);
    let quorum_needed = quorum.map_or(0, |q| q.at_least(count.expected));
    let quorum_met = match quorum {
        Some(_) => count.expected > 0 && count.present > 0 && count.present >= quorum_needed,
        None => true,
    };
    let majority = match count.for_.cmp(&count.against) {
        std::cmp::Ordering::Greater => Majority::For,
        std::cmp::Ordering::Less => Majority::Against,
        std::cmp::Ordering::Equal => Majority::Even,
    };
    let close = count.for_ > 0 && count.against > 0 && count.for_.abs_diff(count.against) <= 1;
    let mut against_majority = false;
    let outcome = if !quorum_met {
        Outcome::NoQuorum
    } else {
        let passed = match rules.basis {
            PassBasis::ForOverHalfExpected => count.for_ * 2 > count.expected,
            PassBasis::ForOverHalfPresent => count.for_ * 2 > count.present,
            PassBasis::HeadDecides => {
                let h = head.ok_or(TallyError::HeadDecisionMissing)?;
                against_majority = matches!(
                    (h, majority),
                    (HeadDecision::Adopt, Majority::Against)
                        | (HeadDecision::Reject, Majority::For)
                );
                h == HeadDecision::Adopt
            }
        };
        if passed {
            Outcome::Passed
        } else {
            Outcome::NotPassed
        }
    };
    Ok(Tally {
        outcome,
        count,
        basis: rules.basis,
        quorum,
        quorum_needed,
        quorum_met,
        majority,
        against_majority,
        close,
    })
}

impl Tally {
    /// The reasoning, in Chinese, one line each.
    pub fn explain(&self) -> Vec<String> {
        let c = self.count;
        let mut out = vec![format!(
            "应到会 {} 人，实到会 {} 人；赞成 {} 票，反对 {} 票，弃权 {} 票，未表决 {} 人",
            c.expected,
            c.present,
            c.for_,
            c.against,
            c.abstain,
            c.present - c.votes()
        )];
        match self.quorum {
            Some(q) => out.push(format!(
                "法定人数：应到会成员{}（至少 {} 人）到会，{}",
                q.label(),
                self.quorum_needed,
                if self.quorum_met {
                    "已达到"
                } else {
                    "未达到，会议不能作出决定"
                }
            )),
            None => out.push("业务会议不设法定人数，由主持人听取汇报后决定".to_string()),
        }
        if !self.quorum_met {
            return out;
        }
        match self.basis {
            PassBasis::ForOverHalfExpected => out.push(format!(
                "表决规则：赞成票超过应到会成员的半数（{} 人的半数为 {}），赞成 {} 票，{}",
                c.expected,
                half(c.expected),
                c.for_,
                self.outcome.label()
            )),
            PassBasis::ForOverHalfPresent => out.push(format!(
                "表决规则：赞成票超过到会成员的半数（{} 人的半数为 {}），赞成 {} 票，{}",
                c.present,
                half(c.present),
                c.for_,
                self.outcome.label()
            )),
            PassBasis::HeadDecides => {
                out.push(format!(
                    "表决规则：表决仅供参考，由行政首长决定：{}",
                    self.outcome.label()
                ));
                if self.against_majority {
                    out.push("行政首长的决定与多数意见不一致，会议纪要须写明理由".to_string());
                }
            }
        }
        if self.close {
            out.push(
                "提示：赞成与反对票数接近，应暂缓到下次会议再议；紧急事项可当场票决".to_string(),
            );
        }
        out
    }
}

fn half(n: u32) -> String {
    if n.is_multiple_of(2) {
        (n / 2).to_string()
    } else {
        format!("{}.5", n / 2)
    }
}

/// The last day of the publicity of minutes issued on `issued`.
pub fn publicity_ends(cal: &Calendar, issued: Date) -> Date {
    cal.add_working_days(issued, PUBLICITY_WORKING_DAYS)
}

/// Minutes number in their own yearly sequence: `〔2026〕第3期`.
pub fn minutes_no(year: i32, n: i64) -> String {
    format!("〔{year}〕第{n}期")
}

/// A follow-up is overdue when it is not done and its deadline has passed.
pub fn overdue(deadline: Date, today: Date, done: bool) -> bool {
    !done && today > deadline
}
