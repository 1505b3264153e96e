//! 办件 (cases) as the law sees them: the statutory facts a case gathers
//! as its steps are done, and the clocks they set (RULES.md §7, 行政许可法,
//! 行政处罚法). Pure: the engine moves the case through its process; this
//! says what each step means in law.
//!
//! A step's meaning comes from its id in the process definition, so an
//! agency's own BPMN gets the statutory clocks by using these ids:
//!
//! | id | licensing | penalty |
//! |---|---|---|
//! | `check` | 窗口受理审查材料 | |
//! | `notify` | 一次告知补正 (the missing materials, in one notice) | |
//! | `check_timer` | fired: 逾期不告知，自收到申请材料之日起即为受理 | |
//! | `accept` | 受理: the decision clock starts | |
//! | `register` | | 立案: the 90-day clock starts |
//! | `inform` | | 告知陈述申辩及听证权利 |
//! | `hearing` | | 组织听证 (notice 7 working days before) |
//! | `decide` | 作出许可决定 | 作出处罚决定 |
//! | `issue`, `deliver_refusal` | 送达 | |
//! | `serve` | | 送达处罚决定书 |
//! | `disclose` | | 信息公开 |

use serde::{Deserialize, Serialize};
use time::Date;
use yangguang_kernel::calendar::Calendar;
use yangguang_kernel::clock::Pause;

use crate::model::{Category, DaysKind, Limit};
use crate::rules;

/// Which statutory clock a case runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Kind {
    Licensing,
    Penalty,
    /// Other powers: the promised (else statutory) limit of the item.
    Other,
}

impl Kind {
    pub fn is_penalty(self) -> bool {
        self == Kind::Penalty
    }

    pub fn of(c: Category) -> Kind {
        match c {
            Category::Licensing => Kind::Licensing,
            Category::Penalty => Kind::Penalty,
            _ => Kind::Other,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Licensing => "licensing",
            Kind::Penalty => "penalty",
            Kind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        [Kind::Licensing, Kind::Penalty, Kind::Other]
            .into_iter()
            .find(|k| k.as_str() == s)
    }

    /// The case number's prefix: 许 / 罚 / 办 in pinyin initials.
    pub fn prefix(self) -> &'static str {
        match self {
            Kind::Licensing => "XK",
            Kind::Penalty => "CF",
            Kind::Other => "BJ",
        }
    }
}

/// A period the licensing clock does not count (第四十五条).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Excluded {
    pub from: Date,
    pub to: Option<Date>,
    /// 听证 / 检验 / 检测 / 检疫 / 鉴定 / 专家评审 / 招标 / 拍卖
    pub reason: String,
}

/// The approved extension of the decision limit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    pub on: Date,
    /// The agency head who approved it (username).
    pub by: String,
    pub reason: String,
    /// Penalty: the calendar days added; licensing: the statutory 10.
    pub days: u32,
}

/// What a case has gathered so far.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts {
    /// 收到申请材料 (licensing) / 发现线索 (penalty) / 启动 (other).
    pub received_on: Option<Date>,
    /// 一次告知: the day and every missing material.
    pub notice_on: Option<Date>,
    #[serde(default)]
    pub missing: Vec<String>,
    /// 受理 (licensing).
    pub accepted_on: Option<Date>,
    /// Accepted on receipt because no notice came within 5 working days.
    #[serde(default)]
    pub deemed_accepted: bool,
    /// 立案 (penalty).
    pub filed_on: Option<Date>,
    pub extension: Option<Extension>,
    #[serde(default)]
    pub excluded: Vec<Excluded>,
    /// 告知 (penalty).
    pub informed_on: Option<Date>,
    pub hearing_on: Option<Date>,
    pub decided_on: Option<Date>,
    /// The decision as the letter states it.
    #[serde(default)]
    pub result: String,
    /// Licensing: granted or refused.
    pub granted: Option<bool>,
    /// Certificate / decision letter served.
    pub served_on: Option<Date>,
    pub disclosed_on: Option<Date>,
    /// Disclosed decision withdrawn after change or annulment (第四十八条).
    pub withdrawn_on: Option<Date>,
    #[serde(default)]
    pub withdrawn_reason: String,
    /// The day the decision was changed or annulled (the 3 days run from it).
    #[serde(default)]
    pub changed_on: Option<Date>,
    /// The 主动公开 item of the disclosed decision.
    #[serde(default)]
    pub disclosure_item: Option<i64>,
    /// The penalty intended, as stated in the 告知 (penalty).
    #[serde(default)]
    pub intended: Option<Intended>,
}

/// The penalty the 告知 states and the facts the law turns on: whether the
/// party may ask for a hearing (第六十三条), whether 法制审核 (第五十八条)
/// and 集体讨论 (第五十七条) are required. Recorded at 告知; the routing
/// questions of the process follow from it instead of being asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Intended {
    pub kind: rules::PenaltyKind,
    /// The fine, or the sum or value confiscated, in 元.
    pub amount_yuan: Option<i64>,
    pub party: rules::Party,
    pub facts: rules::CaseFacts,
    /// 第六十三条, decided when the 告知 is recorded.
    pub hearing_right: bool,
    /// The 较大数额 it was decided on (the setting may change later).
    #[serde(default)]
    pub threshold_yuan: i64,
}

impl Intended {
    /// The 第五十八条 grounds that apply (empty: no 法制审核 required).
    pub fn review_grounds(&self) -> Vec<&'static str> {
        rules::legal_review_grounds(&self.facts)
    }

    pub fn collective(&self) -> bool {
        rules::collective_decision_required(&self.facts)
    }

    /// “罚款50000元” / “吊销许可证件”.
    pub fn describe(&self) -> String {
        match self.amount_yuan {
            Some(a) if self.kind.by_amount() => format!("{}{a}元", self.kind.label()),
            _ => self.kind.label().to_string(),
        }
    }
}

/// What the person completing 告知 states: the penalty and the case's
/// facts; the hearing right is the law's to decide.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IntendedInput {
    pub kind: rules::PenaltyKind,
    pub amount_yuan: Option<i64>,
    pub party: rules::Party,
    pub facts: rules::CaseFacts,
}

/// The process variables the law decides from the recorded facts, never
/// asked on a form: `legal_review` (第五十八条) and `collective`
/// (第五十七条) once a penalty's 告知 is recorded.
pub const DERIVED_VARS: [&str; 2] = ["legal_review", "collective"];

pub fn derived_vars(kind: Kind, f: &Facts) -> yangguang_process::Vars {
    let mut out = yangguang_process::Vars::new();
    if let (Kind::Penalty, Some(it)) = (kind, f.intended) {
        out.insert(
            "legal_review".into(),
            yangguang_process::Value::Bool(!it.review_grounds().is_empty()),
        );
        out.insert(
            "collective".into(),
            yangguang_process::Value::Bool(it.collective()),
        );
    }
    out
}

/// The limit a case is on now, for lists and the public page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Clock {
    /// 一次告知期限 / 办理期限 / 送达期限 …
    pub label: &'static str,
    pub due: Date,
    /// 服务承诺: the promised date, when the item promises one.
    pub promised: Option<Date>,
    /// The arithmetic in Chinese.
    pub explain: Vec<String>,
    /// Running in an excluded period (第四十五条): the date moves.
    pub paused: bool,
}

fn pauses(f: &Facts) -> Vec<Pause> {
    f.excluded
        .iter()
        .map(|e| Pause {
            from: e.from,
            to: e.to,
        })
        .collect()
}

fn add_limit(from: Date, l: Limit, cal: &Calendar) -> Date {
    match l.kind {
        DaysKind::Working => cal.add_working_days(from, l.days),
        DaysKind::Calendar => from
            .checked_add(time::Duration::days(i64::from(l.days)))
            .unwrap_or(Date::MAX),
    }
}

/// The clock in force. `statutory`/`promised` are the item's limits.
pub fn clock(
    kind: Kind,
    f: &Facts,
    statutory: Option<Limit>,
    promised: Option<Limit>,
    cal: &Calendar,
) -> Option<Clock> {
    match kind {
        Kind::Licensing => licensing_clock(f, statutory, promised, cal),
        Kind::Penalty => penalty_clock(f, cal),
        Kind::Other => {
            let start = f.received_on?;
            if f.decided_on.is_some() {
                return None;
            }
            let l = promised.or(statutory)?;
            let due = add_limit(start, l, cal);
            Some(Clock {
                label: "办理期限",
                due,
                promised: None,
                explain: vec![format!("自{start}起{}，至{due}", l.label())],
                paused: false,
            })
        }
    }
}

fn licensing_clock(
    f: &Facts,
    statutory: Option<Limit>,
    promised: Option<Limit>,
    cal: &Calendar,
) -> Option<Clock> {
    if let Some(decided) = f.decided_on {
        if f.served_on.is_some() {
            return None;
        }
        let due = rules::certificate_due(decided, cal);
        return Some(Clock {
            label: "送达期限",
            due,
            promised: None,
            explain: vec![format!(
                "自作出决定之日{decided}起十个工作日内颁发、送达（《行政许可法》第四十四条），至{due}"
            )],
            paused: false,
        });
    }
    let Some(accepted) = f.accepted_on else {
        let received = f.received_on?;
        let due = rules::notice_due(received, cal);
        return Some(Clock {
            label: "一次告知期限",
            due,
            promised: None,
            explain: vec![format!(
                "材料不齐全的，应在收到材料之日{received}起五个工作日内一次告知需要补正的全部内容，至{due}；逾期不告知的，自收到申请材料之日起即为受理（《行政许可法》第三十二条）"
            )],
            paused: false,
        });
    };
    let base = statutory
        .filter(|l| l.kind == DaysKind::Working)
        .map_or(rules::LICENSING_DAYS, |l| l.days);
    let due =
        rules::licensing_due_days(accepted, base, f.extension.is_some(), &pauses(f), cal).ok()?;
    let promised = promised
        .filter(|l| l.kind == DaysKind::Working)
        .map(|l| rules::promised_due(accepted, l.days, cal));
    let paused = due.clock.open_pause.is_some();
    Some(Clock {
        label: "办理期限",
        due: due.due(),
        promised,
        explain: due.explain(),
        paused,
    })
}

fn penalty_clock(f: &Facts, cal: &Calendar) -> Option<Clock> {
    if let Some(decided) = f.decided_on {
        if f.served_on.is_some() {
            return None;
        }
        let due = rules::service_due(decided, cal);
        return Some(Clock {
            label: "送达期限",
            due,
            promised: None,
            explain: vec![format!(
                "当事人不在场的，应自作出决定之日{decided}起七个工作日内送达（《行政处罚法》第六十一条、第八十五条），至{due}"
            )],
            paused: false,
        });
    }
    let filed = f.filed_on?;
    let days = f.extension.as_ref().map_or(0, |e| e.days);
    let due = rules::penalty_clock(filed, days).ok()?;
    Some(Clock {
        label: "办理期限",
        due: due.due,
        promised: None,
        explain: due.explain(cal),
        paused: false,
    })
}

/// Whether the case is past its clock on `today`.
pub fn overdue(c: &Clock, today: Date) -> bool {
    !c.paused && today > c.due
}

/// What a person enters when completing a step, besides the variables
/// the process's gateways read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StepInput {
    pub node: String,
    /// 办理意见 (the group's opinion at 集体审查, the decision's text at
    /// 作出决定).
    pub opinion: String,
    /// 一次告知: every missing material.
    pub missing: Vec<String>,
    /// 立案 date when the approval was signed before today.
    pub filed_on: Option<Date>,
    /// 告知 date when the notice was served before today.
    pub informed_on: Option<Date>,
    pub hearing_notice_on: Option<Date>,
    pub hearing_on: Option<Date>,
    /// 告知 (penalty): the penalty intended and the facts.
    pub intended: Option<IntendedInput>,
}

fn flag(vars: &yangguang_process::Vars, name: &str) -> Option<bool> {
    match vars.get(name) {
        Some(yangguang_process::Value::Bool(b)) => Some(*b),
        _ => None,
    }
}

/// The facts after a person completes `input.node` with `vars`, or the
/// Chinese reason the law refuses it. Runs before the engine step: a
/// refusal writes nothing.
pub fn record(
    kind: Kind,
    f: &Facts,
    input: &StepInput,
    vars: &yangguang_process::Vars,
    today: Date,
    cal: &Calendar,
    larger: &rules::LargerAmounts,
) -> Result<Facts, String> {
    let mut f = f.clone();
    match (kind, input.node.as_str()) {
        (Kind::Licensing, "notify") => {
            if let Some(on) = f.notice_on {
                return Err(format!(
                    "已于{on}一次告知需要补正的全部内容：补正内容应当一次告知，不能再次告知（《行政许可法》第三十二条）"
                ));
            }
            if input.missing.is_empty() {
                return Err("一次告知应列明需要补正的全部材料（每行一项）".into());
            }
            let received = f.received_on.ok_or("办件没有收件日期")?;
            let acceptance =
                rules::accepted_on(received, Some(today), cal).map_err(|e| e.to_string())?;
            if let Some(on) = acceptance.accepted_on() {
                f.accepted_on = Some(on);
                f.deemed_accepted = true;
            }
            f.notice_on = Some(today);
            f.missing = input.missing.clone();
        }
        (Kind::Licensing, "accept") => {
            f.accepted_on = f.accepted_on.or(Some(today));
        }
        (Kind::Licensing, "decide") => {
            let granted = flag(vars, "granted").ok_or("请选择是否准予许可")?;
            require_text(&input.opinion, "决定内容")?;
            f.decided_on = Some(today);
            f.granted = Some(granted);
            f.result = input.opinion.trim().to_string();
        }
        (Kind::Licensing, "issue" | "deliver_refusal") | (Kind::Penalty, "serve") => {
            f.served_on = Some(today);
        }
        (Kind::Penalty, "register") => {
            let on = input.filed_on.unwrap_or(today);
            let found = f.received_on.ok_or("办件没有收件日期")?;
            if on > today || on < found {
                return Err(format!(
                    "立案日期{on}应在发现线索之日{found}至今日{today}之间"
                ));
            }
            f.filed_on = Some(on);
        }
        (Kind::Penalty, "inform") => {
            let on = input.informed_on.unwrap_or(today);
            let filed = f.filed_on.ok_or("尚未立案，不能告知")?;
            if on > today || on < filed {
                return Err(format!("告知日期{on}应在立案日{filed}至今日{today}之间"));
            }
            let it = input
                .intended
                .ok_or("请选择拟作出的行政处罚种类和当事人类型（据此判断是否告知听证权利）")?;
            if it.kind.by_amount() && it.amount_yuan.is_none() {
                return Err(format!("拟{}的，请填写金额（元）", it.kind.label()));
            }
            let threshold = larger.of(it.party);
            let right = rules::hearing_right(it.kind, it.amount_yuan, threshold);
            let requested = flag(vars, "hearing_requested").ok_or("请选择当事人是否要求听证")?;
            if requested && !right {
                let why = if it.kind.by_amount() {
                    format!("（对{}较大数额为{threshold}元以上）", it.party.label())
                } else {
                    String::new()
                };
                return Err(format!(
                    "拟作出的处罚“{}”不属于《行政处罚法》第六十三条规定的听证范围{why}，当事人无权要求听证，请记录为未要求听证",
                    it.kind.label()
                ));
            }
            let window = rules::penalty_hearing_request_due(on, cal);
            if right && !requested && today <= window {
                return Err(format!(
                    "当事人要求听证的期限为告知后五个工作日，至{window}尚未届满；期限届满后再记录当事人未要求听证（《行政处罚法》第六十四条）"
                ));
            }
            f.informed_on = Some(on);
            f.intended = Some(Intended {
                kind: it.kind,
                amount_yuan: it.amount_yuan.filter(|_| it.kind.by_amount()),
                party: it.party,
                facts: rules::CaseFacts {
                    penalty_intended: true,
                    heard: false,
                    ..it.facts
                },
                hearing_right: right,
                threshold_yuan: threshold,
            });
        }
        (Kind::Penalty, "hearing") => {
            let (Some(notice), Some(held)) = (input.hearing_notice_on, input.hearing_on) else {
                return Err("请填写听证通知日期和举行听证的日期".into());
            };
            if held > today {
                return Err(format!("听证日期{held}晚于今日，听证举行后再办理本步骤"));
            }
            if let Some(told) = f.informed_on
                && notice < told
            {
                return Err(format!("听证通知日期{notice}早于告知听证权利之日{told}"));
            }
            if !rules::penalty_hearing_notice_ok(notice, held, cal) {
                return Err(format!(
                    "应当在举行听证的七日（工作日）前通知当事人：{notice}通知、{held}听证不足七个工作日（《行政处罚法》第六十四条）"
                ));
            }
            f.hearing_on = Some(held);
            // 第五十八条第（二）项 turns on the hearing having been held.
            if let Some(it) = f.intended.as_mut() {
                it.facts.heard = true;
            }
        }
        (Kind::Penalty, "decide") => {
            require_text(&input.opinion, "处罚决定内容")?;
            f.decided_on = Some(today);
            f.result = input.opinion.trim().to_string();
        }
        (Kind::Penalty, "disclose") => {
            f.disclosed_on = Some(today);
        }
        _ => {}
    }
    Ok(f)
}

/// The facts after the engine fired a boundary timer.
pub fn on_timer(kind: Kind, f: &Facts, boundary: &str) -> Facts {
    let mut f = f.clone();
    if kind == Kind::Licensing && boundary == "check_timer" && f.notice_on.is_none() {
        // 逾期不告知的，自收到申请材料之日起即为受理.
        f.accepted_on = f.received_on;
        f.deemed_accepted = true;
    }
    f
}

fn require_text(s: &str, what: &str) -> Result<(), String> {
    if s.trim().is_empty() {
        Err(format!("请填写{what}"))
    } else {
        Ok(())
    }
}

/// Approves the one extension the law allows, before the decision.
pub fn extend(
    kind: Kind,
    f: &Facts,
    by: &str,
    reason: &str,
    days: u32,
    today: Date,
) -> Result<Facts, String> {
    if f.decided_on.is_some() {
        return Err("已作出决定，不能再延长办理期限".into());
    }
    if f.extension.is_some() {
        return Err("办理期限已经延长过一次，不能再次延长".into());
    }
    require_text(reason, "延长理由（将告知申请人或当事人）")?;
    let days = match kind {
        Kind::Licensing => {
            if f.accepted_on.is_none() {
                return Err("受理后才能延长审查期限".into());
            }
            rules::LICENSING_EXTENSION_DAYS
        }
        Kind::Penalty => {
            if f.filed_on.is_none() {
                return Err("立案后才能延长办案期限".into());
            }
            rules::penalty_clock(f.filed_on.unwrap_or(today), days).map_err(|e| e.to_string())?;
            if days == 0 {
                return Err("请填写延长的天数（1至90日）".into());
            }
            days
        }
        Kind::Other => return Err("本类事项没有法定的延长程序".into()),
    };
    let mut f = f.clone();
    f.extension = Some(Extension {
        on: today,
        by: by.to_string(),
        reason: reason.trim().to_string(),
        days,
    });
    Ok(f)
}

/// The reasons 第四十五条 lets the clock stop for.
pub const EXCLUDED_REASONS: [&str; 8] = [
    "听证",
    "招标",
    "拍卖",
    "检验",
    "检测",
    "检疫",
    "鉴定",
    "专家评审",
];

/// Starts (`to: None`) or ends an excluded period (licensing only).
pub fn exclude(f: &Facts, reason: &str, today: Date, end: bool) -> Result<Facts, String> {
    let mut f = f.clone();
    let accepted = f.accepted_on.ok_or("受理后才能记录不计入期限的期间")?;
    if f.decided_on.is_some() {
        return Err("已作出决定，不能再记录不计入期限的期间".into());
    }
    let open = f.excluded.iter().position(|e| e.to.is_none());
    match (end, open) {
        (false, Some(_)) => return Err("已有尚未结束的不计入期限的期间，请先记录其结束".into()),
        (false, None) => {
            if !EXCLUDED_REASONS.contains(&reason) {
                return Err(format!(
                    "不计入期限的期间应为{}之一（《行政许可法》第四十五条）",
                    EXCLUDED_REASONS.join("、")
                ));
            }
            if today < accepted {
                return Err("期间不能早于受理日".into());
            }
            f.excluded.push(Excluded {
                from: today,
                to: None,
                reason: reason.to_string(),
            });
        }
        (true, Some(i)) => f.excluded[i].to = Some(today),
        (true, None) => return Err("没有正在进行的不计入期限的期间".into()),
    }
    Ok(f)
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    fn found_on(d: Date) -> Facts {
        Facts {
            received_on: Some(d),
            ..Facts::default()
        }
    }

    #[test]
    fn the_hearing_right_at_inform_follows_the_larger_amount_in_force_and_is_kept_with_it() {
        let cal = Calendar::builtin();
        let mut f = found_on(date!(2026 - 11 - 02));
        f.filed_on = Some(date!(2026 - 11 - 02));
        let province = rules::LargerAmounts {
            individual_yuan: 5_000,
            organisation_yuan: 50_000,
            basis: "省人民政府规定".into(),
        };
        let inform = |amount| StepInput {
            node: "inform".into(),
            informed_on: Some(date!(2026 - 11 - 16)),
            intended: Some(IntendedInput {
                kind: rules::PenaltyKind::Fine,
                amount_yuan: Some(amount),
                party: rules::Party::Organisation,
                facts: rules::CaseFacts::default(),
            }),
            ..StepInput::default()
        };
        let mut asked = yangguang_process::Vars::new();
        asked.insert(
            "hearing_requested".into(),
            yangguang_process::Value::Bool(true),
        );
        let today = date!(2026 - 11 - 17);
        let e = record(
            Kind::Penalty,
            &f,
            &inform(40_000),
            &asked,
            today,
            &cal,
            &province,
        )
        .expect_err("40,000 元 is under the province's 50,000");
        assert!(e.contains("较大数额为50000元以上"), "{e}");
        let ok = record(
            Kind::Penalty,
            &f,
            &inform(40_000),
            &asked,
            today,
            &cal,
            &rules::LargerAmounts::default(),
        )
        .expect("over the fallback's 30,000");
        let it = ok.intended.expect("recorded");
        assert!(it.hearing_right);
        assert_eq!(it.threshold_yuan, 30_000, "the figure it was decided on");
    }

    #[test]
    fn the_filing_date_lies_between_the_clue_and_today() {
        let cal = Calendar::builtin();
        let input = |on| StepInput {
            node: "register".into(),
            filed_on: on,
            ..StepInput::default()
        };
        let f = found_on(date!(2026 - 11 - 02));
        let today = date!(2026 - 11 - 20);
        let v = yangguang_process::Vars::new();
        let l = rules::LargerAmounts::default();
        let ok = record(
            Kind::Penalty,
            &f,
            &input(Some(date!(2026 - 11 - 03))),
            &v,
            today,
            &cal,
            &l,
        );
        assert_eq!(ok.map(|f| f.filed_on), Ok(Some(date!(2026 - 11 - 03))));
        let default = record(Kind::Penalty, &f, &input(None), &v, today, &cal, &l);
        assert_eq!(default.map(|f| f.filed_on), Ok(Some(today)));
        for bad in [date!(2026 - 11 - 01), date!(2026 - 11 - 21)] {
            let e = record(Kind::Penalty, &f, &input(Some(bad)), &v, today, &cal, &l)
                .expect_err("out of range");
            assert!(
                e.contains("应在发现线索之日2026-11-02至今日2026-11-20之间"),
                "{e}"
            );
        }
    }
}
