//! Pure rules of on-request disclosure (RULES.md §1, §3): application
//! numbers and query codes, the date of receipt per channel (Art 31), and
//! the reply clock built on the kernel's clock arithmetic. No clock reads:
//! `today` is always passed in.

use serde::{Deserialize, Serialize};
use time::Date;
use yangguang_kernel::calendar::Calendar;
use yangguang_kernel::clock::{self, ClockInput, ClockStatus, DueDate, Pause};
use yangguang_kernel::timefmt::fmt_date;
use yangguang_kernel::{Error, Result};

/// 条例 Art 33: reply within 20 working days of receipt.
pub const REPLY_WORKING_DAYS: u32 = 20;
/// 条例 Art 30: the one-time supplement notice within 7 working days.
pub const SUPPLEMENT_NOTICE_WORKING_DAYS: u32 = 7;
/// 条例 Art 32, 34: a consulted third party or agency has 15 working days.
pub const CONSULTATION_WORKING_DAYS: u32 = 15;
/// 109号: 20 working days to pay a fee notice (an agency setting).
pub const DEFAULT_FEE_PAY_WORKING_DAYS: u32 = 20;
/// Decided here: the applicant gets 15 working days to supplement unless
/// the office sets another period (the law leaves it to the notice).
pub const DEFAULT_SUPPLEMENT_WORKING_DAYS: u32 = 15;
/// Longest supplement period the office may set.
pub const MAX_SUPPLEMENT_WORKING_DAYS: u32 = 60;

// ---------------------------------------------------------------------------
// Application numbers and query codes

/// `YSQ-2026-000123`: prefix, year of receipt, 6-digit yearly sequence.
pub fn format_app_no(year: i32, seq: i64) -> String {
    format!("YSQ-{year}-{seq:06}")
}

/// Parses an application number typed by the public (case and spaces
/// forgiven); `None` if it cannot be one.
pub fn parse_app_no(s: &str) -> Option<(i32, i64)> {
    let s = s.trim().to_ascii_uppercase();
    let rest = s.strip_prefix("YSQ-")?;
    let (year, seq) = rest.split_once('-')?;
    if year.len() != 4 || !(6..=9).contains(&seq.len()) {
        return None;
    }
    if !year.bytes().all(|b| b.is_ascii_digit()) || !seq.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year: i32 = year.parse().ok()?;
    let seq: i64 = seq.parse().ok()?;
    (seq >= 1).then_some((year, seq))
}

// Query codes are the kernel's (one way for every module that is followed
// from outside).
pub use yangguang_kernel::tracking::{
    QUERY_CODE_ALPHABET, QUERY_CODE_LEN, normalise_query_code, query_code_from,
};

// ---------------------------------------------------------------------------
// Applicants and channels

/// The columns of annual report table 三.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ApplicantKind {
    Natural,
    Commercial,
    Research,
    PublicWelfare,
    Legal,
    OtherOrg,
}

impl ApplicantKind {
    pub const ALL: [ApplicantKind; 6] = [
        ApplicantKind::Natural,
        ApplicantKind::Commercial,
        ApplicantKind::Research,
        ApplicantKind::PublicWelfare,
        ApplicantKind::Legal,
        ApplicantKind::OtherOrg,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ApplicantKind::Natural => "natural",
            ApplicantKind::Commercial => "commercial",
            ApplicantKind::Research => "research",
            ApplicantKind::PublicWelfare => "public_welfare",
            ApplicantKind::Legal => "legal",
            ApplicantKind::OtherOrg => "other_org",
        }
    }

    /// The column heading of table 三.
    pub fn label(self) -> &'static str {
        match self {
            ApplicantKind::Natural => "自然人",
            ApplicantKind::Commercial => "商业企业",
            ApplicantKind::Research => "科研机构",
            ApplicantKind::PublicWelfare => "社会公益组织",
            ApplicantKind::Legal => "法律服务机构",
            ApplicantKind::OtherOrg => "其他",
        }
    }

    /// Column index in table 三 (0..=5; 6 is 总计).
    pub fn column(self) -> usize {
        match self {
            ApplicantKind::Natural => 0,
            ApplicantKind::Commercial => 1,
            ApplicantKind::Research => 2,
            ApplicantKind::PublicWelfare => 3,
            ApplicantKind::Legal => 4,
            ApplicantKind::OtherOrg => 5,
        }
    }

    pub fn is_org(self) -> bool {
        self != ApplicantKind::Natural
    }

    pub fn parse(code: &str) -> Option<ApplicantKind> {
        ApplicantKind::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// How an application arrived (条例 Art 31).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Channel {
    Online,
    Fax,
    InPerson,
    RegisteredPost,
    OrdinaryLetter,
}

impl Channel {
    pub const ALL: [Channel; 5] = [
        Channel::Online,
        Channel::Fax,
        Channel::InPerson,
        Channel::RegisteredPost,
        Channel::OrdinaryLetter,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Channel::Online => "online",
            Channel::Fax => "fax",
            Channel::InPerson => "in_person",
            Channel::RegisteredPost => "registered_post",
            Channel::OrdinaryLetter => "ordinary_letter",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Channel::Online => "网上申请",
            Channel::Fax => "传真",
            Channel::InPerson => "当面提交",
            Channel::RegisteredPost => "挂号信（邮政）",
            Channel::OrdinaryLetter => "平信",
        }
    }

    /// The Art 31 rule as shown next to the date.
    pub fn receipt_rule(self) -> &'static str {
        match self {
            Channel::InPerson => "当面提交的，以提交之日为收到申请之日",
            Channel::RegisteredPost => "以邮寄方式提交的，以签收之日为收到申请之日",
            Channel::OrdinaryLetter => {
                "以平常信函等无需签收的邮寄方式提交的，以与申请人确认之日为收到申请之日"
            }
            Channel::Online | Channel::Fax => {
                "通过互联网渠道或者传真提交的，以双方确认之日为收到申请之日"
            }
        }
    }

    pub fn parse(code: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.code() == code)
    }
}

/// The dates the office records on registration; which one counts
/// depends on the channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReceiptEvidence {
    /// Submitted at the counter / letter or fax arrived / online submission.
    pub arrived: Date,
    /// Registered post: the day signed for.
    pub signed_for: Option<Date>,
    /// Ordinary letter, fax: the day the office confirmed with the applicant.
    pub confirmed: Option<Date>,
}

/// 条例 Art 31: the date of receipt for `channel`. Dates after `today`
/// and confirmations before arrival are refused.
pub fn receipt_date(channel: Channel, ev: ReceiptEvidence, today: Date) -> Result<Date> {
    let pick = |d: Option<Date>, what: &str| -> Result<Date> {
        let d = d.ok_or_else(|| {
            Error::invalid(
                "missing_receipt_date",
                format!("{}：请填写{what}", channel.receipt_rule()),
            )
        })?;
        if d < ev.arrived {
            return Err(Error::invalid(
                "receipt_before_arrival",
                format!(
                    "{what}{}早于申请到达之日{}",
                    fmt_date(d),
                    fmt_date(ev.arrived)
                ),
            ));
        }
        Ok(d)
    };
    if ev.arrived > today {
        return Err(Error::invalid(
            "receipt_in_future",
            format!("申请到达日期{}晚于今天", fmt_date(ev.arrived)),
        ));
    }
    let d = match channel {
        Channel::InPerson | Channel::Online => ev.arrived,
        Channel::RegisteredPost => pick(ev.signed_for, "签收日期")?,
        Channel::OrdinaryLetter | Channel::Fax => pick(ev.confirmed, "与申请人确认的日期")?,
    };
    if d > today {
        return Err(Error::invalid(
            "receipt_in_future",
            format!("收到申请之日{}晚于今天", fmt_date(d)),
        ));
    }
    Ok(d)
}

// ---------------------------------------------------------------------------
// The clock

/// Why the clock stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PauseKind {
    /// 条例 Art 32.
    ThirdParty,
    /// 条例 Art 34.
    OtherAgency,
    /// 109号: from the fee notice to payment.
    Fee,
}

impl PauseKind {
    pub fn code(self) -> &'static str {
        match self {
            PauseKind::ThirdParty => "third_party",
            PauseKind::OtherAgency => "other_agency",
            PauseKind::Fee => "fee",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PauseKind::ThirdParty => "征求第三方意见",
            PauseKind::OtherAgency => "征求其他机关意见",
            PauseKind::Fee => "缴纳信息处理费",
        }
    }

    pub fn parse(code: &str) -> Option<PauseKind> {
        [
            PauseKind::ThirdParty,
            PauseKind::OtherAgency,
            PauseKind::Fee,
        ]
        .into_iter()
        .find(|k| k.code() == code)
    }
}

/// A stop of the clock: from `from` (dispatch, notice) to `to` (answer,
/// payment); open while `to` is `None`. `limit` is the last day the other
/// side has (15 working days for consultations, the pay period for fees).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockPause {
    pub kind: PauseKind,
    pub from: Date,
    pub to: Option<Date>,
    pub limit: Date,
}

/// What has happened to an application that moves its clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockFacts {
    pub received: Date,
    /// Supplement notice sent on, with the applicant's deadline.
    pub supplement_requested: Option<(Date, Date)>,
    /// Supplement received (the clock restarts from this day).
    pub supplement_received: Option<Date>,
    pub pauses: Vec<ClockPause>,
    /// Approved extension in working days.
    pub extension: u32,
}

/// Limit of a consultation sent on `sent` (15 working days).
pub fn consultation_limit(cal: &Calendar, sent: Date) -> Date {
    cal.add_working_days(sent, CONSULTATION_WORKING_DAYS)
}

/// Last day for the one-time supplement notice (Art 30).
pub fn supplement_notice_by(cal: &Calendar, received: Date) -> Date {
    cal.add_working_days(received, SUPPLEMENT_NOTICE_WORKING_DAYS)
}

/// The kernel clock input for these facts on `today`.
///
/// A consultation with no answer by its limit ends on the limit (silence:
/// the agency decides / consent, Art 32, 34) once `today` is past it. A
/// pending supplement request stops the clock from the day of the notice
/// (an open pause); the supplement restarts it (R := receipt of the
/// supplement, earlier pauses dropped).
pub fn clock_input(facts: &ClockFacts, today: Date) -> ClockInput {
    let mut pauses: Vec<Pause> = facts
        .pauses
        .iter()
        .map(|p| {
            let to = match (p.to, p.kind) {
                (Some(t), _) => Some(t),
                (None, PauseKind::ThirdParty | PauseKind::OtherAgency) if today > p.limit => {
                    Some(p.limit)
                }
                (None, _) => None,
            };
            Pause { from: p.from, to }
        })
        .collect();
    if let (Some((asked, _)), None) = (facts.supplement_requested, facts.supplement_received) {
        pauses.push(Pause {
            from: asked,
            to: None,
        });
    }
    ClockInput {
        received: facts.received,
        base: REPLY_WORKING_DAYS,
        pauses,
        extension: facts.extension,
        restart: facts.supplement_received,
    }
}

/// The due date (closed pauses counted; an open pause reported).
pub fn due(cal: &Calendar, facts: &ClockFacts, today: Date) -> Result<DueDate> {
    Ok(clock::due_date(cal, &clock_input(facts, today))?)
}

/// Where the clock stands on `today`.
pub fn status(cal: &Calendar, facts: &ClockFacts, today: Date) -> Result<ClockStatus> {
    Ok(clock::status(cal, &clock_input(facts, today), today)?)
}

/// The `yangguang rules due-date` arguments that give the same due date,
/// for display next to it (so anyone can check the arithmetic).
pub fn due_date_command(facts: &ClockFacts, today: Date) -> String {
    let input = clock_input(facts, today);
    let mut s = format!(
        "yangguang rules due-date --received {}",
        fmt_date(input.received)
    );
    let start = input.restart.unwrap_or(input.received);
    for p in input.pauses.iter().filter(|p| p.from >= start) {
        if let Some(to) = p.to {
            s.push_str(&format!(" --pause {}..{}", fmt_date(p.from), fmt_date(to)));
        }
    }
    if input.extension > 0 {
        s.push_str(&format!(" --extend {}", input.extension));
    }
    if let Some(r) = input.restart {
        s.push_str(&format!(" --restart {}", fmt_date(r)));
    }
    s
}

// ---------------------------------------------------------------------------
// Checks on the steps that move the clock

/// Art 30: one notice only, by the 7th working day after receipt, before
/// any reply; the applicant's period is 1..=60 working days.
pub fn check_supplement_request(
    cal: &Calendar,
    facts: &ClockFacts,
    on: Date,
    period: u32,
) -> Result<Date> {
    if facts.supplement_requested.is_some() {
        return Err(Error::invalid(
            "supplement_once",
            "补正告知只能一次性发出（《政府信息公开条例》第三十条），本申请已发出过补正告知",
        ));
    }
    if on < facts.received {
        return Err(Error::invalid(
            "supplement_before_receipt",
            format!(
                "补正告知日期{}早于收到申请之日{}",
                fmt_date(on),
                fmt_date(facts.received)
            ),
        ));
    }
    let by = supplement_notice_by(cal, facts.received);
    if on > by {
        return Err(Error::invalid(
            "supplement_too_late",
            format!(
                "补正告知应在收到申请之日起7个工作日内（{}前）发出，已超过期限",
                fmt_date(by)
            ),
        ));
    }
    if !(1..=MAX_SUPPLEMENT_WORKING_DAYS).contains(&period) {
        return Err(Error::invalid(
            "supplement_period",
            format!("补正期限应为1至{MAX_SUPPLEMENT_WORKING_DAYS}个工作日"),
        ));
    }
    Ok(cal.add_working_days(on, period))
}

/// Art 33: one extension of 1..=20 working days.
pub fn check_extension(facts: &ClockFacts, days: u32) -> Result<()> {
    if facts.extension > 0 {
        return Err(Error::invalid(
            "extension_once",
            "本申请已延长过答复期限，延长只能一次（《政府信息公开条例》第三十三条）",
        ));
    }
    if !(1..=clock::MAX_EXTENSION).contains(&days) {
        return Err(Error::invalid(
            "extension_days",
            "延长期限应为1至20个工作日（《政府信息公开条例》第三十三条）",
        ));
    }
    Ok(())
}

/// A pause may start only when none is open and not before the clock's
/// start; returns its limit.
pub fn check_pause_start(
    cal: &Calendar,
    facts: &ClockFacts,
    kind: PauseKind,
    from: Date,
    fee_period: u32,
) -> Result<Date> {
    let start = facts.supplement_received.unwrap_or(facts.received);
    if from < start {
        return Err(Error::invalid(
            "pause_before_start",
            format!("日期{}早于期限起算日{}", fmt_date(from), fmt_date(start)),
        ));
    }
    if facts
        .pauses
        .iter()
        .any(|p| p.kind == kind && p.to.is_none())
    {
        return Err(Error::invalid(
            "pause_open",
            format!("已有尚未结束的“{}”，请先登记其结果", kind.label()),
        ));
    }
    if kind == PauseKind::Fee && facts.pauses.iter().any(|p| p.kind == PauseKind::Fee) {
        return Err(Error::invalid("fee_once", "本申请已发出过收费通知"));
    }
    Ok(match kind {
        PauseKind::Fee => cal.add_working_days(from, fee_period),
        _ => consultation_limit(cal, from),
    })
}

/// The end of a pause: not before its start.
pub fn check_pause_end(p: &ClockPause, to: Date) -> Result<()> {
    if to < p.from {
        return Err(Error::invalid(
            "pause_end_before_start",
            format!("结束日期{}早于开始日期{}", fmt_date(to), fmt_date(p.from)),
        ));
    }
    Ok(())
}

/// What the overdue sweep finds for an application on `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lapse {
    /// No supplement by its deadline: close as 其他处理 1.
    NoSupplement,
    /// Fee unpaid by its deadline: close as 其他处理 2.
    FeeUnpaid,
}

/// A lapse that closes the application (Art 30; 109号), if any.
pub fn lapse(facts: &ClockFacts, today: Date) -> Option<Lapse> {
    if let (Some((_, deadline)), None) = (facts.supplement_requested, facts.supplement_received)
        && today > deadline
    {
        return Some(Lapse::NoSupplement);
    }
    facts
        .pauses
        .iter()
        .any(|p| p.kind == PauseKind::Fee && p.to.is_none() && today > p.limit)
        .then_some(Lapse::FeeUnpaid)
}

#[cfg(test)]
mod tests;
