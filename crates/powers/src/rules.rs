//! The statutory rules of 行政许可 and 行政处罚 (RULES.md §1 and §7), pure:
//! dates and the calendar come in as arguments, nothing reads the clock.
//!
//! Day conventions:
//! - 《行政许可法》第八十二条：“本法规定的行政机关实施行政许可的期限以工作日计算，
//!   不含法定节假日。” Every licensing limit here is in working days.
//! - 《行政处罚法》第八十五条：“本法中‘二日’‘三日’‘五日’‘七日’的规定是指工作日，
//!   不含法定节假日。” Only those four; the 90 days of 第六十条 are calendar days.
//! - "Within N days from D" counts D as day 0 (RULES.md §1; 《民法典》第二百零一条
//!   “开始的当日不计入，自下一日开始计算”): the limit is the N-th day after D.
//! - "At least N days before M" (notices): X is in time iff
//!   `add_working_days(X, N) <= M` (RULES.md §1).

use serde::{Deserialize, Serialize};
use time::{Date, Duration};
use yangguang_kernel::calendar::Calendar;
use yangguang_kernel::clock::{self, ClockError, ClockInput, DueDate, Pause};
use yangguang_kernel::timefmt::{fmt_date, weekday_cn};

/// 第三十二条（四）：五日内一次告知需要补正的全部内容.
pub const NOTICE_DAYS: u32 = 5;
/// 第四十二条：自受理之日起二十日内作出行政许可决定.
pub const LICENSING_DAYS: u32 = 20;
/// 第四十二条：经本行政机关负责人批准，可以延长十日.
pub const LICENSING_EXTENSION_DAYS: u32 = 10;
/// 第四十四条：自作出决定之日起十日内颁发、送达行政许可证件.
pub const CERTIFICATE_DAYS: u32 = 10;
/// 第四十七条：被告知听证权利之日起五日内提出听证申请.
pub const LICENSING_HEARING_REQUEST_DAYS: u32 = 5;
/// 第四十七条：行政机关应当在二十日内组织听证.
pub const LICENSING_HEARING_DAYS: u32 = 20;
/// 许可法第四十八条（一）、处罚法第六十四条（二）：举行听证的七日前通知.
pub const HEARING_NOTICE_DAYS: u32 = 7;
/// 处罚法第六十条：自立案之日起九十日内作出行政处罚决定（日历日）.
pub const PENALTY_DAYS: u32 = 90;
/// Largest extension of the 90 days accepted, in calendar days. Decided
/// here: 第六十条 leaves it to “法律、法规、规章另有规定的，从其规定”; we accept
/// one recorded extension of at most another 90 days approved by the agency
/// head, and refuse more rather than let a case run on without limit.
pub const MAX_PENALTY_EXTENSION_DAYS: u32 = 90;
/// 处罚法第六十四条（一）：告知后五日内提出听证要求.
pub const PENALTY_HEARING_REQUEST_DAYS: u32 = 5;
/// 处罚法第六十一条：当事人不在场的，七日内送达行政处罚决定书.
pub const SERVICE_DAYS: u32 = 7;
/// 处罚法第四十八条：三日内撤回行政处罚决定信息并公开说明理由.
pub const WITHDRAWAL_DAYS: u32 = 3;
/// 处罚法第五十六条：先行登记保存的，七日内及时作出处理决定.
pub const PRESERVATION_DAYS: u32 = 7;

/// 较大数额罚款 for an individual, in yuan. The province (人大常委会 or
/// 人民政府) sets the amount; the corpus holds no current 江苏 figure, so the
/// demo uses the fallback of 《安全生产违法行为行政处罚办法》（2015）第三十三条:
/// “没有规定数额的，其数额对个人罚款为1万元以上，对生产经营单位罚款为3万元以上”.
pub const LARGER_FINE_INDIVIDUAL_YUAN: i64 = 10_000;
/// 较大数额罚款 for an organisation (生产经营单位), in yuan; see above.
pub const LARGER_FINE_ORGANISATION_YUAN: i64 = 30_000;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error("不计入期限的期间无效：结束日期{to}早于开始日期{from}（《行政许可法》第四十五条）")]
    PauseEndsBeforeStart { from: Date, to: Date },
    #[error(
        "不计入期限的期间开始日期{from}早于受理之日{accepted}：期限自受理行政许可申请之日起计算（《行政许可法》第四十二条）"
    )]
    PauseBeforeAcceptance { from: Date, accepted: Date },
    #[error(
        "告知日期{notice_on}早于收到申请材料之日{received}：应当当场或者在五日内一次告知（《行政许可法》第三十二条第一款第（四）项）"
    )]
    NoticeBeforeReceipt { notice_on: Date, received: Date },
    #[error(
        "延长{days}日超出范围：应为1至{max}日；《行政处罚法》第六十条规定自立案之日起九十日内作出决定，法律、法规、规章另有规定的，从其规定",
        max = MAX_PENALTY_EXTENSION_DAYS
    )]
    PenaltyExtensionOutOfRange { days: u32 },
    #[error(
        "延长天数“{0}”无效：应为 1 到 {max} 之间的整数（日历日）",
        max = MAX_PENALTY_EXTENSION_DAYS
    )]
    InvalidExtensionDays(String),
    #[error("日期{0}超出可计算的范围")]
    DateOutOfRange(Date),
    #[error(
        "审批层级“{0}”无效：应为 ordinary（一般事项）、important（重要事项）或 major（重大事项）"
    )]
    UnknownTier(String),
    #[error(transparent)]
    Clock(ClockError),
}

impl RuleError {
    /// Stable machine code for JSON errors.
    pub fn code(&self) -> &'static str {
        match self {
            RuleError::PauseEndsBeforeStart { .. } | RuleError::PauseBeforeAcceptance { .. } => {
                "invalid_pause"
            }
            RuleError::NoticeBeforeReceipt { .. } => "invalid_notice_date",
            RuleError::PenaltyExtensionOutOfRange { .. } => "extension_out_of_range",
            RuleError::InvalidExtensionDays(_) => "invalid_number",
            RuleError::DateOutOfRange(_) => "date_out_of_range",
            RuleError::UnknownTier(_) => "unknown_tier",
            RuleError::Clock(_) => "invalid_clock",
        }
    }
}

impl From<RuleError> for yangguang_kernel::Error {
    fn from(e: RuleError) -> Self {
        yangguang_kernel::Error::invalid(e.code(), e.to_string())
    }
}

// ---------------------------------------------------------------- 行政许可

/// 第三十二条第一款第（四）项：“申请材料不齐全或者不符合法定形式的，应当当场或者
/// 在五日内一次告知申请人需要补正的全部内容” — the last day for that notice.
pub fn notice_due(received: Date, cal: &Calendar) -> Date {
    cal.add_working_days(received, NOTICE_DAYS)
}

/// Where an application with incomplete materials stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Acceptance {
    /// 一次告知 in time: accepted only once every supplement is received
    /// (第三十二条第一款第（五）项); the licensing clock starts then.
    AwaitingSupplement { notice_on: Date, notice_due: Date },
    /// “逾期不告知的，自收到申请材料之日起即为受理”: accepted on receipt.
    /// `notice_on` is the late notice, `None` when none was given.
    DeemedAccepted {
        on: Date,
        notice_on: Option<Date>,
        notice_due: Date,
    },
}

impl Acceptance {
    /// The date of acceptance when the law fixes it already.
    pub fn accepted_on(&self) -> Option<Date> {
        match self {
            Acceptance::AwaitingSupplement { .. } => None,
            Acceptance::DeemedAccepted { on, .. } => Some(*on),
        }
    }

    pub fn explain(&self) -> String {
        match self {
            Acceptance::AwaitingSupplement {
                notice_on,
                notice_due,
            } => format!(
                "已于{notice_on}一次告知需要补正的全部内容（期限至{notice_due}），申请人提交全部补正材料之日受理（《行政许可法》第三十二条）"
            ),
            Acceptance::DeemedAccepted {
                on,
                notice_on: Some(n),
                notice_due,
            } => format!(
                "告知日期{n}晚于告知期限{notice_due}，自收到申请材料之日{on}起即为受理（《行政许可法》第三十二条第一款第（四）项）"
            ),
            Acceptance::DeemedAccepted {
                on,
                notice_on: None,
                notice_due,
            } => format!(
                "至{notice_due}未一次告知需要补正的内容，自收到申请材料之日{on}起即为受理（《行政许可法》第三十二条第一款第（四）项）"
            ),
        }
    }
}

/// Acceptance of an application whose materials were incomplete on
/// receipt. `notice_given: None` means no 一次告知 was given within the
/// limit: call it once the limit ([`notice_due`]) has passed or the
/// notice is recorded, not while the five days still run.
pub fn accepted_on(
    received: Date,
    notice_given: Option<Date>,
    cal: &Calendar,
) -> Result<Acceptance, RuleError> {
    let due = notice_due(received, cal);
    match notice_given {
        Some(n) if n < received => Err(RuleError::NoticeBeforeReceipt {
            notice_on: n,
            received,
        }),
        Some(n) if n <= due => Ok(Acceptance::AwaitingSupplement {
            notice_on: n,
            notice_due: due,
        }),
        late => Ok(Acceptance::DeemedAccepted {
            on: received,
            notice_on: late,
            notice_due: due,
        }),
    }
}

/// The licensing decision deadline with the figures that make it up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicensingDue {
    /// The kernel clock: start = the day of acceptance, base 20,
    /// extension 0 or 10, the Art 45 periods as pauses.
    pub clock: DueDate,
    pub extended: bool,
}

impl LicensingDue {
    pub fn due(&self) -> Date {
        self.clock.due
    }

    /// The arithmetic, one Chinese line per item.
    pub fn explain(&self) -> Vec<String> {
        let c = &self.clock;
        let mut lines = vec![
            format!("受理日：{}（受理当日不计入期限）", fmt_date(c.start)),
            if c.base == LICENSING_DAYS {
                format!(
                    "法定期限：{}个工作日（《行政许可法》第四十二条；期限以工作日计算，不含法定节假日，第八十二条）",
                    c.base
                )
            } else {
                format!(
                    "法定期限：{}个工作日（法律、法规另有规定的，依照其规定，《行政许可法》第四十二条；以工作日计算，第八十二条）",
                    c.base
                )
            },
        ];
        if self.extended {
            lines.push(format!(
                "延长：{}个工作日（经本行政机关负责人批准，并将延长期限的理由告知申请人，第四十二条）",
                c.extension
            ));
        }
        if !c.paused_spans.is_empty() {
            let spans: Vec<String> = c
                .paused_spans
                .iter()
                .map(|s| {
                    format!(
                        "{} 至 {}，{}个工作日",
                        fmt_date(s.from),
                        fmt_date(s.to),
                        s.days
                    )
                })
                .collect();
            lines.push(format!(
                "不计入期限的听证、检验、检测、检疫、鉴定、专家评审等期间（第四十五条）：共{}个工作日（{}）",
                c.paused_days,
                spans.join("；")
            ));
        }
        lines.push(format!("合计：{}个工作日", c.total_days()));
        lines.push(format!(
            "到期日：{}（{}）",
            fmt_date(c.due),
            weekday_cn(c.due)
        ));
        if let Some(since) = c.open_pause {
            lines.push(format!(
                "自{}起处于不计入期限的期间，该期间结束后到期日相应顺延",
                fmt_date(since)
            ));
        }
        if c.provisional {
            let years: Vec<String> = c.missing_years.iter().map(|y| format!("{y}年")).collect();
            lines.push(format!("（暂定：{}节假日安排尚未公布）", years.join("、")));
        }
        lines
    }
}

/// 第四十二条 + 第四十五条 + 第八十二条: 20 working days from acceptance, one
/// extension of 10 approved by the agency head, the time for 听证、招标、
/// 拍卖、检验、检测、检疫、鉴定、专家评审 not counted. A pause from S to T
/// excludes the working days d with S < d <= T (RULES.md §1); overlapping
/// pauses count once. An open pause (`to: None`) is reported, not counted.
pub fn licensing_due(
    accepted: Date,
    extended: bool,
    pauses: &[Pause],
    cal: &Calendar,
) -> Result<LicensingDue, RuleError> {
    licensing_due_days(accepted, LICENSING_DAYS, extended, pauses, cal)
}

/// [`licensing_due`] with another base period, for an item whose law
/// sets its own (第四十二条 “法律、法规另有规定的，依照其规定”), in working days.
pub fn licensing_due_days(
    accepted: Date,
    base_days: u32,
    extended: bool,
    pauses: &[Pause],
    cal: &Calendar,
) -> Result<LicensingDue, RuleError> {
    for p in pauses {
        if let Some(to) = p.to
            && to < p.from
        {
            return Err(RuleError::PauseEndsBeforeStart { from: p.from, to });
        }
        if p.from < accepted {
            return Err(RuleError::PauseBeforeAcceptance {
                from: p.from,
                accepted,
            });
        }
    }
    let input = ClockInput {
        received: accepted,
        base: base_days,
        pauses: pauses.to_vec(),
        // The kernel's cap (条例's 20) is above the 10 days of Art 42.
        extension: if extended {
            LICENSING_EXTENSION_DAYS
        } else {
            0
        },
        restart: None,
    };
    let clock = clock::due_date(cal, &input).map_err(RuleError::Clock)?;
    Ok(LicensingDue { clock, extended })
}

/// 第四十四条：准予行政许可的，自作出决定之日起十日内颁发、送达行政许可证件.
pub fn certificate_due(decided: Date, cal: &Calendar) -> Date {
    cal.add_working_days(decided, CERTIFICATE_DAYS)
}

/// 第四十七条：“申请人、利害关系人在被告知听证权利之日起五日内提出听证申请”.
/// Decided here: working days, as 第八十二条 says for the licence's periods
/// (the longer reading, so no applicant loses the right on a holiday).
pub fn licensing_hearing_request_due(told_on: Date, cal: &Calendar) -> Date {
    cal.add_working_days(told_on, LICENSING_HEARING_REQUEST_DAYS)
}

/// 第四十七条：“行政机关应当在二十日内组织听证” — counted from the request.
pub fn licensing_hearing_due(requested_on: Date, cal: &Calendar) -> Date {
    cal.add_working_days(requested_on, LICENSING_HEARING_DAYS)
}

/// “At least N working days before”: `add_working_days(X, N) <= M`.
fn in_time_before(notice_on: Date, event_on: Date, days: u32, cal: &Calendar) -> bool {
    cal.add_working_days(notice_on, days) <= event_on
}

/// 第四十八条第一款第（一）项：“行政机关应当于举行听证的七日前将举行听证的时间、
/// 地点通知申请人、利害关系人”. A notice on a Wednesday for a hearing on the
/// seventh working day after it is in time; one day later is not.
pub fn hearing_notice_ok(notice_on: Date, hearing_on: Date, cal: &Calendar) -> bool {
    in_time_before(notice_on, hearing_on, HEARING_NOTICE_DAYS, cal)
}

/// The three review tiers of RULES.md §7.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// Decided at the window.
    Ordinary,
    /// Reviewed by the licensing working group (a recorded group opinion).
    Important,
    /// Decided by the bureau meeting (a 三重一大 topic).
    Major,
}

impl Tier {
    pub const ALL: [Tier; 3] = [Tier::Ordinary, Tier::Important, Tier::Major];

    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Ordinary => "ordinary",
            Tier::Important => "important",
            Tier::Major => "major",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Tier::Ordinary => "一般事项（窗口办理）",
            Tier::Important => "重要事项（许可工作小组集体审查）",
            Tier::Major => "重大事项（局务会议集体决定）",
        }
    }

    fn short(self) -> &'static str {
        match self {
            Tier::Ordinary => "一般事项",
            Tier::Important => "重要事项",
            Tier::Major => "重大事项",
        }
    }

    /// From the code, the full label or the short name (一般事项 …).
    pub fn parse(s: &str) -> Option<Tier> {
        let s = s.trim();
        Tier::ALL.into_iter().find(|t| {
            s.eq_ignore_ascii_case(t.as_str())
                || s == t.label()
                || s == t.short()
                || (s.chars().count() == 2 && t.short().starts_with(s))
        })
    }
}

impl std::str::FromStr for Tier {
    type Err = RuleError;

    fn from_str(s: &str) -> Result<Tier, RuleError> {
        Tier::parse(s)
            .ok_or_else(|| RuleError::UnknownTier(yangguang_kernel::text::clip(s.trim(), 20)))
    }
}

// ---------------------------------------------------------------- 行政处罚

/// The penalty decision deadline (calendar days).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PenaltyDue {
    pub filed: Date,
    pub base_days: u32,
    /// 0: no extension.
    pub extended_days: u32,
    pub due: Date,
}

impl PenaltyDue {
    /// The arithmetic in Chinese; `cal` only to say when the last day is a
    /// rest day.
    pub fn explain(&self, cal: &Calendar) -> Vec<String> {
        let mut lines = vec![
            format!("立案日：{}（立案当日不计入期限）", fmt_date(self.filed)),
            format!(
                "法定期限：{}日（《行政处罚法》第六十条，按日历日计算）",
                self.base_days
            ),
        ];
        if self.extended_days > 0 {
            lines.push(format!(
                "延长：{}日（经行政机关负责人批准并记录在案；法律、法规、规章另有规定的，从其规定）",
                self.extended_days
            ));
            lines.push(format!("合计：{}日", self.base_days + self.extended_days));
        }
        lines.push(format!(
            "到期日：{}（{}）",
            fmt_date(self.due),
            weekday_cn(self.due)
        ));
        let status = cal.status(self.due);
        if !status.working {
            lines.push(format!(
                "到期日为{}；第六十条未规定遇节假日顺延，应在此日或之前作出决定",
                status.reason.describe()
            ));
        }
        lines
    }
}

/// 第六十条：“行政机关应当自行政处罚案件立案之日起九十日内作出行政处罚决定。
/// 法律、法规、规章另有规定的，从其规定。” Calendar days (第八十五条 makes only
/// 二日/三日/五日/七日 working days); the day of 立案 is not counted, so
/// due = filed + 90 (+ the recorded extension). Decided here: no shift when
/// the last day is a holiday (《民法典》第二百零三条 governs civil periods;
/// deciding by the unshifted date is in time under either reading).
pub fn penalty_clock(filed: Date, extended_days: u32) -> Result<PenaltyDue, RuleError> {
    if extended_days > MAX_PENALTY_EXTENSION_DAYS {
        return Err(RuleError::PenaltyExtensionOutOfRange {
            days: extended_days,
        });
    }
    let total = PENALTY_DAYS + extended_days;
    let due = filed
        .checked_add(Duration::days(i64::from(total)))
        .ok_or(RuleError::DateOutOfRange(filed))?;
    Ok(PenaltyDue {
        filed,
        base_days: PENALTY_DAYS,
        extended_days,
        due,
    })
}

/// The extension as typed in a form or on the command line: absent or
/// empty is none (0); otherwise an integer 1..=90 (0 is refused: to not
/// extend, leave it out).
pub fn parse_extension_days(raw: Option<&str>) -> Result<u32, RuleError> {
    let Some(s) = raw.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(0);
    };
    let days: u32 = s
        .parse()
        .map_err(|_| RuleError::InvalidExtensionDays(yangguang_kernel::text::clip(s, 20)))?;
    if days == 0 || days > MAX_PENALTY_EXTENSION_DAYS {
        return Err(RuleError::PenaltyExtensionOutOfRange { days });
    }
    Ok(days)
}

/// The due date of [`penalty_clock`].
pub fn penalty_due(filed: Date, extended_days: u32) -> Result<Date, RuleError> {
    penalty_clock(filed, extended_days).map(|p| p.due)
}

/// 第六十四条第（一）项：“当事人要求听证的，应当在行政机关告知后五日内提出”.
pub fn penalty_hearing_request_due(told_on: Date, cal: &Calendar) -> Date {
    cal.add_working_days(told_on, PENALTY_HEARING_REQUEST_DAYS)
}

/// 第六十四条第（二）项：“行政机关应当在举行听证的七日前，通知当事人及有关人员
/// 听证的时间、地点”.
pub fn penalty_hearing_notice_ok(notice_on: Date, hearing_on: Date, cal: &Calendar) -> bool {
    in_time_before(notice_on, hearing_on, HEARING_NOTICE_DAYS, cal)
}

/// 第六十一条：“当事人不在场的，行政机关应当在七日内……将行政处罚决定书送达
/// 当事人” — counted from the 宣告.
pub fn service_due(pronounced_on: Date, cal: &Calendar) -> Date {
    cal.add_working_days(pronounced_on, SERVICE_DAYS)
}

/// 第四十八条第二款：“公开的行政处罚决定被依法变更、撤销、确认违法或者确认无效的，
/// 行政机关应当在三日内撤回行政处罚决定信息并公开说明理由”.
pub fn withdrawal_due(changed_on: Date, cal: &Calendar) -> Date {
    cal.add_working_days(changed_on, WITHDRAWAL_DAYS)
}

/// 第五十六条：先行登记保存的证据，“应当在七日内及时作出处理决定”.
pub fn preservation_decision_due(saved_on: Date, cal: &Calendar) -> Date {
    cal.add_working_days(saved_on, PRESERVATION_DAYS)
}

/// The penalty intended, as 第九条 and 第六十三条 name them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PenaltyKind {
    /// 警告、通报批评.
    Warning,
    /// 罚款: hearing when 较大数额 (第六十三条第（一）项).
    Fine,
    /// 没收违法所得、没收非法财物: hearing when 较大数额/较大价值 (第（二）项).
    Confiscation,
    /// 降低资质等级 (第（三）项).
    LowerQualification,
    /// 吊销许可证件 (第（三）项).
    RevokeLicence,
    /// 责令停产停业 (第（四）项).
    SuspendProduction,
    /// 责令关闭 (第（四）项).
    Close,
    /// 限制从业 (第（四）项).
    RestrictPractice,
    /// 其他较重的行政处罚 (第（五）项), as the agency judges it.
    OtherHeavy,
    /// 法律、法规、规章规定的其他情形 (第（六）项).
    ByLaw,
}

impl PenaltyKind {
    pub const ALL: [PenaltyKind; 10] = [
        PenaltyKind::Warning,
        PenaltyKind::Fine,
        PenaltyKind::Confiscation,
        PenaltyKind::LowerQualification,
        PenaltyKind::RevokeLicence,
        PenaltyKind::SuspendProduction,
        PenaltyKind::Close,
        PenaltyKind::RestrictPractice,
        PenaltyKind::OtherHeavy,
        PenaltyKind::ByLaw,
    ];

    pub fn code(self) -> &'static str {
        match self {
            PenaltyKind::Warning => "warning",
            PenaltyKind::Fine => "fine",
            PenaltyKind::Confiscation => "confiscation",
            PenaltyKind::LowerQualification => "lower_qualification",
            PenaltyKind::RevokeLicence => "revoke_licence",
            PenaltyKind::SuspendProduction => "suspend_production",
            PenaltyKind::Close => "close",
            PenaltyKind::RestrictPractice => "restrict_practice",
            PenaltyKind::OtherHeavy => "other_heavy",
            PenaltyKind::ByLaw => "by_law",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PenaltyKind::Warning => "警告、通报批评",
            PenaltyKind::Fine => "罚款",
            PenaltyKind::Confiscation => "没收违法所得、没收非法财物",
            PenaltyKind::LowerQualification => "降低资质等级",
            PenaltyKind::RevokeLicence => "吊销许可证件",
            PenaltyKind::SuspendProduction => "责令停产停业",
            PenaltyKind::Close => "责令关闭",
            PenaltyKind::RestrictPractice => "限制从业",
            PenaltyKind::OtherHeavy => "其他较重的行政处罚",
            PenaltyKind::ByLaw => "法律、法规、规章规定的其他情形",
        }
    }

    pub fn parse(code: &str) -> Option<PenaltyKind> {
        PenaltyKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// A fine or a confiscation: the hearing right turns on the amount.
    pub fn by_amount(self) -> bool {
        matches!(self, PenaltyKind::Fine | PenaltyKind::Confiscation)
    }
}

/// Who is penalised: the province's 较大数额 differs between them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    Individual,
    Organisation,
}

impl Party {
    pub fn code(self) -> &'static str {
        match self {
            Party::Individual => "individual",
            Party::Organisation => "organisation",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Party::Individual => "公民",
            Party::Organisation => "法人或者其他组织",
        }
    }

    pub fn parse(code: &str) -> Option<Party> {
        [Party::Individual, Party::Organisation]
            .into_iter()
            .find(|p| p.code() == code)
    }
}

/// The 较大数额 in force (第六十三条: set by the province or a State Council
/// department): what the office entered, with the document it cites, or
/// the fallback of the constants above.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LargerAmounts {
    pub individual_yuan: i64,
    pub organisation_yuan: i64,
    /// The document that sets them, as cited on the case page.
    pub basis: String,
}

impl Default for LargerAmounts {
    fn default() -> Self {
        LargerAmounts {
            individual_yuan: LARGER_FINE_INDIVIDUAL_YUAN,
            organisation_yuan: LARGER_FINE_ORGANISATION_YUAN,
            basis: "《安全生产违法行为行政处罚办法》第三十三条（省级未另行规定时）".into(),
        }
    }
}

/// The highest 较大数额 the form accepts (a typing error guard: 1 亿元).
pub const LARGER_AMOUNT_MAX_YUAN: i64 = 100_000_000;

impl LargerAmounts {
    pub fn of(&self, party: Party) -> i64 {
        match party {
            Party::Individual => self.individual_yuan,
            Party::Organisation => self.organisation_yuan,
        }
    }

    /// The Chinese refusal for figures the law cannot mean.
    pub fn check(&self) -> Result<(), String> {
        for (who, v) in [
            ("公民", self.individual_yuan),
            ("法人或者其他组织", self.organisation_yuan),
        ] {
            if !(1..=LARGER_AMOUNT_MAX_YUAN).contains(&v) {
                return Err(format!(
                    "对{who}的较大数额应为1至{LARGER_AMOUNT_MAX_YUAN}之间的整数（元）"
                ));
            }
        }
        let n = self.basis.trim().chars().count();
        if n == 0 || n > 200 {
            return Err("请写明规定较大数额的文件（200字以内），案件页面将引用".into());
        }
        Ok(())
    }
}

/// 第六十三条: whether the party must be told of the right to a hearing.
/// `amount_yuan` is the fine, or the sum or value confiscated; “以上”
/// includes the threshold itself. An unknown amount does not qualify.
pub fn hearing_right(kind: PenaltyKind, amount_yuan: Option<i64>, threshold_yuan: i64) -> bool {
    match kind {
        PenaltyKind::Warning => false,
        PenaltyKind::Fine | PenaltyKind::Confiscation => {
            amount_yuan.is_some_and(|a| a >= threshold_yuan)
        }
        PenaltyKind::LowerQualification
        | PenaltyKind::RevokeLicence
        | PenaltyKind::SuspendProduction
        | PenaltyKind::Close
        | PenaltyKind::RestrictPractice
        | PenaltyKind::OtherHeavy
        | PenaltyKind::ByLaw => true,
    }
}

/// The facts of a penalty case that 第五十七条 and 第五十八条 turn on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseFacts {
    /// 拟给予行政处罚 (not 不予处罚 or 移送).
    pub penalty_intended: bool,
    /// 第五十七条第二款：情节复杂.
    pub complicated: bool,
    /// 第五十七条第二款：重大违法行为.
    pub major_violation: bool,
    /// 第五十八条第（一）项：涉及重大公共利益.
    pub major_public_interest: bool,
    /// 第五十八条第（二）项：直接关系当事人或者第三人重大权益 …
    pub major_rights: bool,
    /// … 经过听证程序 (both are needed for item 二).
    pub heard: bool,
    /// 第五十八条第（三）项：案件情况疑难复杂、涉及多个法律关系.
    pub difficult: bool,
    /// 第五十八条第（四）项：法律、法规规定应当进行法制审核的其他情形.
    pub review_by_law: bool,
}

/// The grounds of 第五十八条 that apply, in the law's words.
pub fn legal_review_grounds(f: &CaseFacts) -> Vec<&'static str> {
    let mut grounds = Vec::new();
    if f.major_public_interest {
        grounds.push("涉及重大公共利益（第五十八条第一款第（一）项）");
    }
    if f.major_rights && f.heard {
        grounds
            .push("直接关系当事人或者第三人重大权益，经过听证程序（第五十八条第一款第（二）项）");
    }
    if f.difficult {
        grounds.push("案件情况疑难复杂、涉及多个法律关系（第五十八条第一款第（三）项）");
    }
    if f.review_by_law {
        grounds.push("法律、法规规定应当进行法制审核的其他情形（第五十八条第一款第（四）项）");
    }
    grounds
}

/// 第五十八条：法制审核 before the decision (“未经法制审核或者审核未通过的，
/// 不得作出决定”).
pub fn legal_review_required(f: &CaseFacts) -> bool {
    !legal_review_grounds(f).is_empty()
}

/// 第五十七条第二款：“对情节复杂或者重大违法行为给予行政处罚，行政机关负责人
/// 应当集体讨论决定。”
pub fn collective_decision_required(f: &CaseFacts) -> bool {
    f.penalty_intended && (f.complicated || f.major_violation)
}

// ---------------------------------------------------------------- 服务承诺、限时办结

/// 服务承诺制: the promised limit, in working days from acceptance (0: 即办).
pub fn promised_due(accepted: Date, promised_days: u32, cal: &Calendar) -> Date {
    cal.add_working_days(accepted, promised_days)
}

/// Decided on or before the due date.
pub fn on_time(decided: Date, due: Date) -> bool {
    decided <= due
}

/// 限时办结制: decided after the due date, or still open after it.
pub fn overdue(due: Date, today: Date, decided: Option<Date>) -> bool {
    match decided {
        Some(d) => d > due,
        None => today > due,
    }
}
