//! One case for its handlers: who it is for, the clock in force and its
//! arithmetic, the flowchart with the current steps, a form for each open
//! step this user may complete (asking what the process needs next and
//! what the law needs recorded), the extension, excluded periods and
//! hand-over, and the whole trail.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use time::Date;
use yangguang_kernel::audit::Actor;
use yangguang_kernel::org::Role;
use yangguang_kernel::timefmt::{self, fmt_date, parse_date, today_cst};
use yangguang_kernel::{Error, Result};
use yangguang_process::engine;
use yangguang_process::svg;
use yangguang_webcore::AppState;
use yangguang_webcore::error::{path_id, render, status_of};
use yangguang_webcore::forms::Fields;
use yangguang_webcore::layout::{Frame, Layout};

use super::cases::me;
use super::fail;
use crate::case::{self, Kind, StepInput};
use crate::case_store::{self, Case, StepRow};
use crate::fields::{self, Field};
use crate::who;

/// An open step as the page shows it.
pub struct OpenStep {
    pub node: String,
    pub name: String,
    pub since: String,
    pub due: String,
    pub who: String,
    /// This user may complete it (then the form is shown).
    pub mine: bool,
    pub meeting: bool,
    pub fields: Vec<Field>,
}

#[derive(askama::Template)]
#[template(path = "bsgk_case.html")]
struct CasePage {
    layout: Layout,
    c: Case,
    party: String,
    contact: String,
    received: String,
    clock: Option<case::Clock>,
    overdue: bool,
    steps_open: Vec<OpenStep>,
    svg: String,
    trail: Vec<StepRow>,
    owners: Vec<(String, String, String, String)>,
    may_extend: bool,
    may_exclude: bool,
    may_hand_over: bool,
    may_withdraw: bool,
    withdrawal: Option<(String, bool)>,
    excluding: bool,
    excluded_reasons: Vec<&'static str>,
    /// The 告知's penalty and what the law concludes from it, as lines.
    intended: Vec<(String, String)>,
    /// The 告知 form's choices: penalty kinds, and the facts by field name.
    penalty_kinds: Vec<(&'static str, &'static str)>,
    fact_fields: Vec<(&'static str, &'static str)>,
    notice: Option<String>,
    error: Option<String>,
}

/// The facts of 第五十七条 and 第五十八条 as the 告知 form asks them.
const FACT_FIELDS: [(&str, &str); 6] = [
    ("complicated", "情节复杂（第五十七条第二款）"),
    ("major_violation", "重大违法行为（第五十七条第二款）"),
    (
        "major_public_interest",
        "涉及重大公共利益（第五十八条第一款第（一）项）",
    ),
    (
        "major_rights",
        "直接关系当事人或者第三人重大权益（经过听证程序的须法制审核，第五十八条第一款第（二）项）",
    ),
    (
        "difficult",
        "案件情况疑难复杂、涉及多个法律关系（第五十八条第一款第（三）项）",
    ),
    (
        "review_by_law",
        "法律、法规规定应当进行法制审核的其他情形（第五十八条第一款第（四）项）",
    ),
];

/// 告知: the penalty intended and the facts, as typed input; `None` when
/// nothing was chosen (the law's refusal then names what is missing).
fn intended_input(f: &Fields) -> Result<Option<case::IntendedInput>> {
    let kind = match f.get("penalty_kind").trim() {
        "" => return Ok(None),
        k => crate::rules::PenaltyKind::parse(k)
            .ok_or_else(|| Error::invalid("invalid_penalty_kind", "请从列表中选择处罚种类"))?,
    };
    let party = crate::rules::Party::parse(f.get("party_type").trim()).ok_or_else(|| {
        Error::invalid(
            "party_type_required",
            "请选择当事人是公民还是法人或者其他组织",
        )
    })?;
    let amount_yuan = match f.get("amount").trim().replace([',', '，'], "").as_str() {
        "" => None,
        a => Some(
            a.parse::<i64>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| Error::invalid("invalid_amount", "金额应为大于零的整数（元）"))?,
        ),
    };
    let on = |name: &str| f.get(&format!("fact.{name}")) == "1";
    Ok(Some(case::IntendedInput {
        kind,
        amount_yuan,
        party,
        // `penalty_intended` and `heard` are the record's to set.
        facts: crate::rules::CaseFacts {
            complicated: on("complicated"),
            major_violation: on("major_violation"),
            major_public_interest: on("major_public_interest"),
            major_rights: on("major_rights"),
            difficult: on("difficult"),
            review_by_law: on("review_by_law"),
            ..crate::rules::CaseFacts::default()
        },
    }))
}

/// What the case page says of the 告知: the penalty, the hearing right,
/// 法制审核 and 集体讨论, each with its ground in the law.
fn intended_lines(f: &case::Facts) -> Vec<(String, String)> {
    let Some(it) = f.intended else {
        return Vec::new();
    };
    let threshold = it.threshold_yuan;
    let hearing = match (it.hearing_right, it.kind.by_amount()) {
        (true, true) => format!(
            "有（较大数额：对{}{threshold}元以上，第六十三条）",
            it.party.label()
        ),
        (true, false) => "有（第六十三条）".to_string(),
        (false, true) => format!("无（未达较大数额{threshold}元）"),
        (false, false) => "无（不属于第六十三条所列处罚）".to_string(),
    };
    let grounds = it.review_grounds();
    let review = if grounds.is_empty() {
        "不需要".to_string()
    } else {
        format!("需要：{}", grounds.join("；"))
    };
    vec![
        (
            "拟作出的处罚".into(),
            format!("{}（当事人：{}）", it.describe(), it.party.label()),
        ),
        ("听证权利".into(), hearing),
        ("法制审核（第五十八条）".into(), review),
        (
            "集体讨论决定（第五十七条）".into(),
            if it.collective() {
                "需要"
            } else {
                "不需要"
            }
            .to_string(),
        ),
    ]
}

#[derive(serde::Deserialize, Default)]
pub struct Notice {
    #[serde(default)]
    done: String,
}

async fn show(
    st: &AppState,
    frame: Frame,
    id: i64,
    notice: Option<String>,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let k = &st.kernel;
    let user = me(&frame);
    let roles: Vec<Role> = frame
        .viewer
        .session
        .as_ref()
        .map(|s| s.roles.clone())
        .unwrap_or_default();
    let layout = frame.nav("staff");
    let today = today_cst(timefmt::now());
    let r: Result<_> = async {
        let user = user?;
        let c = case_store::get(k, id).await?;
        let w = who::who(k, &user, today).await?;
        let trail = case_store::steps(k, id).await?;
        let owners = case_store::owners(k, id).await?;
        let party = case_store::party_for_staff(k, id).await?;
        let contact = case_store::contact_for_staff(k, id).await?;
        Ok((c, w, trail, owners, party, contact, user))
    }
    .await;
    let (c, w, trail, owners, party, contact, user) = match r {
        Ok(v) => v,
        Err(e) => return fail(e, layout),
    };
    let cal = k.calendar();
    let clock = case::clock(
        c.kind,
        &c.facts,
        c.item.content.statutory,
        c.item.content.promised,
        &cal,
    );
    let overdue = clock
        .as_ref()
        .is_some_and(|cl| c.open && case::overdue(cl, today));
    let open = engine::open_tasks(&c.definition, &c.instance);
    let steps_open = open
        .iter()
        .map(|t| OpenStep {
            node: t.node.clone(),
            name: t.name.clone(),
            since: fmt_date(t.since),
            due: t.due.map(fmt_date).unwrap_or_default(),
            who: t
                .candidate
                .as_ref()
                .map_or("集体决定（三重一大会议）".into(), |c| {
                    c.describe()
                }),
            mine: t.candidate.as_ref().is_some_and(|cand| w.may(cand)),
            meeting: t.candidate.is_none(),
            fields: fields::fields(&c.definition, &t.node),
        })
        .collect();
    let svg = svg::render(&c.definition, &case_store::progress_view(&c, &trail));
    let head = roles.contains(&Role::PrincipalLeader);
    let office = roles.contains(&Role::Office);
    let owner = c.owner == user;
    let page = CasePage {
        received: fmt_date(c.received_on),
        overdue,
        steps_open,
        svg,
        trail,
        owners: owners
            .into_iter()
            .map(|(o, d, r, b)| (o, fmt_date(d), r, b))
            .collect(),
        may_extend: c.open && head && c.kind != Kind::Other && c.facts.extension.is_none(),
        may_exclude: c.open && c.kind == Kind::Licensing && (owner || office || head),
        may_hand_over: c.open && (owner || office),
        may_withdraw: c.kind == Kind::Penalty
            && c.facts.disclosed_on.is_some()
            && c.facts.withdrawn_on.is_none()
            && (owner || office),
        withdrawal: c.facts.changed_on.zip(c.facts.withdrawn_on).map(|(ch, w)| {
            let due = crate::rules::withdrawal_due(ch, &cal);
            (fmt_date(due), w > due)
        }),
        excluding: c.facts.excluded.iter().any(|e| e.to.is_none()),
        excluded_reasons: case::EXCLUDED_REASONS.to_vec(),
        intended: intended_lines(&c.facts),
        penalty_kinds: crate::rules::PenaltyKind::ALL
            .iter()
            .map(|k| (k.code(), k.label()))
            .collect(),
        fact_fields: FACT_FIELDS.to_vec(),
        notice,
        error,
        party,
        contact,
        clock,
        c,
        layout,
    };
    render(status, &page)
}

pub async fn page(
    State(st): State<AppState>,
    frame: Frame,
    Path(raw): Path<String>,
    axum::extract::Query(q): axum::extract::Query<Notice>,
) -> Response {
    let id = match path_id(&raw, "办件") {
        Ok(id) => id,
        Err(e) => return fail(e, frame.nav("staff")),
    };
    let notice = match q.done.as_str() {
        "act" => Some("已办理，办件已进入下一步。".to_string()),
        "extend" => Some("已批准延长办理期限。".to_string()),
        "exclude" => Some("已记录不计入期限的期间。".to_string()),
        "handover" => Some("已移交，新的负责人将在其待办中看到本办件。".to_string()),
        "withdraw" => Some("已撤回公开的处罚决定信息，撤回理由已记录。".to_string()),
        _ => None,
    };
    show(&st, frame, id, notice, None, StatusCode::OK).await
}

fn opt_date(f: &Fields, name: &str, label: &str) -> Result<Option<Date>> {
    match f.get(name).trim() {
        "" => Ok(None),
        d => parse_date(d).map(Some).map_err(|_| {
            Error::invalid(
                "invalid_date",
                format!(
                    "{label}“{}”无效，应为 YYYY-MM-DD",
                    yangguang_kernel::text::clip(d, 20)
                ),
            )
        }),
    }
}

/// After a change: back to the page (PRG), or the page with the refusal.
async fn answer(st: &AppState, frame: Frame, id: i64, r: Result<()>, done: &str) -> Response {
    match r {
        Ok(()) => Redirect::to(&format!("/staff/bsgk/cases/{id}?done={done}")).into_response(),
        Err(e) if e.is_client_error() => {
            let status = status_of(&e);
            show(st, frame, id, None, Some(e.to_string()), status).await
        }
        Err(e) => fail(e, frame.nav("staff")),
    }
}

pub async fn act(
    State(st): State<AppState>,
    frame: Frame,
    Path(raw): Path<String>,
    f: Fields,
) -> Response {
    let k = &st.kernel;
    let now = timefmt::now();
    let r: Result<i64> = path_id(&raw, "办件");
    let Ok(id) = r else {
        return fail(
            r.err().unwrap_or_else(|| Error::NotFound(String::new())),
            frame.nav("staff"),
        );
    };
    let result: Result<()> = async {
        let user = me(&frame)?;
        let c = case_store::get(k, id).await?;
        let node = f.get("node").trim().to_string();
        let task = engine::open_tasks(&c.definition, &c.instance)
            .into_iter()
            .find(|t| t.node == node)
            .ok_or_else(|| Error::Conflict("该步骤已不在待办中，请刷新页面".into()))?;
        let w = who::who(k, &user, today_cst(now)).await?;
        let asked = fields::fields(&c.definition, &node);
        let vars = fields::read(&asked, |n| f.get(n).to_string())
            .map_err(|m| Error::invalid("unanswered", m))?;
        let opinion = f.get("opinion").trim().to_string();
        if opinion.chars().count() > 2000 {
            return Err(Error::invalid("too_long", "办理意见不能超过2000字"));
        }
        let input = StepInput {
            node: node.clone(),
            opinion,
            missing: crate::sheet::parse_lines(f.get("missing")),
            filed_on: opt_date(&f, "filed_on", "立案日期")?,
            informed_on: opt_date(&f, "informed_on", "告知日期")?,
            hearing_notice_on: opt_date(&f, "hearing_notice_on", "听证通知日期")?,
            hearing_on: opt_date(&f, "hearing_on", "听证日期")?,
            intended: if c.kind == Kind::Penalty && node == "inform" {
                intended_input(&f)?
            } else {
                None
            },
        };
        let actor = w.actor_for(task.candidate.as_ref());
        case_store::act_on(k, now, &actor, &w.engine, &c, input, vars).await
    }
    .await;
    answer(&st, frame, id, result, "act").await
}

pub async fn extend(
    State(st): State<AppState>,
    frame: Frame,
    Path(raw): Path<String>,
    f: Fields,
) -> Response {
    let k = &st.kernel;
    let Ok(id) = path_id(&raw, "办件") else {
        return fail(Error::NotFound("没有这个办件".into()), frame.nav("staff"));
    };
    let head = frame
        .viewer
        .session
        .as_ref()
        .is_some_and(|s| s.roles.contains(&Role::PrincipalLeader));
    let result: Result<()> = async {
        let user = me(&frame)?;
        if !head {
            return Err(Error::Forbidden(
                "延长办理期限须经本行政机关负责人（主要领导）批准".into(),
            ));
        }
        let days: u32 = match f.get("days").trim() {
            "" => 0,
            d => d
                .parse()
                .map_err(|_| Error::invalid("invalid_days", "延长天数应为1至90之间的整数"))?,
        };
        let reason = f.get("reason").to_string();
        let by = user.clone();
        case_store::change_facts(
            k,
            timefmt::now(),
            &Actor::user(&user),
            id,
            move |c, today| case::extend(c.kind, &c.facts, &by, &reason, days, today),
            "powers.case_extend",
        )
        .await
    }
    .await;
    answer(&st, frame, id, result, "extend").await
}

pub async fn exclude(
    State(st): State<AppState>,
    frame: Frame,
    Path(raw): Path<String>,
    f: Fields,
) -> Response {
    let k = &st.kernel;
    let Ok(id) = path_id(&raw, "办件") else {
        return fail(Error::NotFound("没有这个办件".into()), frame.nav("staff"));
    };
    let result: Result<()> = async {
        let user = me(&frame)?;
        let end = f.get("end") == "1";
        let reason = f.get("reason").trim().to_string();
        case_store::change_facts(
            k,
            timefmt::now(),
            &Actor::user(&user),
            id,
            move |c, today| case::exclude(&c.facts, &reason, today, end),
            "powers.case_exclude",
        )
        .await
    }
    .await;
    answer(&st, frame, id, result, "exclude").await
}

pub async fn hand_over(
    State(st): State<AppState>,
    frame: Frame,
    Path(raw): Path<String>,
    f: Fields,
) -> Response {
    let k = &st.kernel;
    let Ok(id) = path_id(&raw, "办件") else {
        return fail(Error::NotFound("没有这个办件".into()), frame.nav("staff"));
    };
    let office = frame
        .viewer
        .session
        .as_ref()
        .is_some_and(|s| s.roles.contains(&Role::Office));
    let result: Result<()> = async {
        let user = me(&frame)?;
        let c = case_store::get(k, id).await?;
        if c.owner != user && !office {
            return Err(Error::Forbidden(
                "只有办件的首问负责人或办公室可以移交".into(),
            ));
        }
        case_store::hand_over(
            k,
            timefmt::now(),
            &Actor::user(&user),
            id,
            f.get("to").trim(),
            f.get("reason"),
        )
        .await
    }
    .await;
    answer(&st, frame, id, result, "handover").await
}

/// 第四十八条: withdraws a disclosed decision that was changed or annulled,
/// with the reason, and the published catalog item with it.
pub async fn withdraw(
    State(st): State<AppState>,
    frame: Frame,
    Path(raw): Path<String>,
    f: Fields,
) -> Response {
    let k = &st.kernel;
    let Ok(id) = path_id(&raw, "办件") else {
        return fail(Error::NotFound("没有这个办件".into()), frame.nav("staff"));
    };
    let office = frame
        .viewer
        .session
        .as_ref()
        .is_some_and(|s| s.roles.contains(&Role::Office));
    let result: Result<()> = async {
        let user = me(&frame)?;
        let c = case_store::get(k, id).await?;
        if c.owner != user && !office {
            return Err(Error::Forbidden(
                "只有办件负责人或办公室可以撤回公开的处罚决定".into(),
            ));
        }
        let changed_on = opt_date(&f, "changed_on", "决定变更或撤销日期")?
            .ok_or_else(|| Error::invalid("date_required", "请填写决定被变更或撤销的日期"))?;
        let reason = f.get("reason").trim().to_string();
        // The published item is withdrawn in the same transaction.
        case_store::change_closed_facts(
            k,
            timefmt::now(),
            &Actor::user(&user),
            id,
            move |c, today| crate::release::withdraw(&c.facts, changed_on, &reason, today),
            "powers.case_withdraw",
        )
        .await
    }
    .await;
    answer(&st, frame, id, result, "withdraw").await
}

#[derive(askama::Template)]
#[template(path = "bsgk_letter.html")]
struct Letter {
    id: i64,
    agency: String,
    title: &'static str,
    case_no: String,
    party: String,
    paragraphs: Vec<String>,
    date: String,
}

/// The decision letter of a decided case: the application or the facts,
/// the basis, the decision, the remedies. One text for print and .docx.
async fn letter_of(k: &yangguang_kernel::Kernel, raw: &str) -> Result<Letter> {
    let id = path_id(raw, "办件")?;
    let c = case_store::get(k, id).await?;
    let decided = c
        .facts
        .decided_on
        .ok_or_else(|| Error::Conflict("尚未作出决定，没有决定书可打印".into()))?;
    let party = case_store::party_for_staff(k, id).await?;
    let agency = yangguang_kernel::org_store::main_agency(k)
        .await?
        .map(|a| a.name)
        .unwrap_or_default();
    let basis: Vec<String> = c.item.content.basis.iter().map(|b| b.citation()).collect();
    let remedies = "如不服本决定，可以在收到本决定书之日起六十日内依法申请行政复议，或者在六个月内依法向人民法院提起行政诉讼。".to_string();
    let (title, paragraphs) = match (c.kind, c.facts.granted) {
        (Kind::Licensing, Some(granted)) => (
            if granted { "准予行政许可决定书" } else { "不予行政许可决定书" },
            vec![
                format!(
                    "你（单位）于{}提出的{}申请（{}），本机关于{}受理。",
                    fmt_date(c.received_on),
                    c.item.content.name,
                    c.subject,
                    c.facts.accepted_on.map(fmt_date).unwrap_or_default()
                ),
                format!("经审查，依据{}，决定如下：", basis.join("、")),
                c.facts.result.clone(),
                if granted {
                    "本机关将自作出决定之日起十日内向你（单位）颁发、送达行政许可证件（《中华人民共和国行政许可法》第四十四条）。".to_string()
                } else {
                    "不予许可的理由如上。".to_string()
                },
                remedies,
            ],
        ),
        _ => (
            "行政处罚决定书",
            vec![
                format!("案由：{}。本机关于{}立案调查。", c.subject, c.facts.filed_on.map(fmt_date).unwrap_or_default()),
                format!("以上事实违反了有关规定，依据{}，决定给予如下行政处罚：", basis.join("、")),
                c.facts.result.clone(),
                "罚款应当自收到本决定书之日起十五日内缴纳（《中华人民共和国行政处罚法》第六十七条）。".to_string(),
                remedies,
            ],
        ),
    };
    Ok(Letter {
        id: c.id,
        agency,
        title,
        case_no: c.case_no.clone(),
        party,
        paragraphs,
        date: yangguang_kernel::timefmt::fmt_date_cn(decided),
    })
}

/// The decision letter (准予/不予行政许可决定书, 行政处罚决定书) for print.
pub async fn letter(State(st): State<AppState>, frame: Frame, Path(raw): Path<String>) -> Response {
    match letter_of(&st.kernel, &raw).await {
        Ok(l) => render(StatusCode::OK, &l),
        Err(e) => fail(e, frame.nav("staff")),
    }
}

/// The same letter as a .docx, for the agency's seal and signature.
pub async fn letter_docx(
    State(st): State<AppState>,
    frame: Frame,
    Path(raw): Path<String>,
) -> Response {
    use yangguang_kernel::docx::{self, Block};
    let r = async {
        let l = letter_of(&st.kernel, &raw).await?;
        let mut blocks = vec![
            Block::Title(l.agency.clone()),
            Block::Title(l.title.to_string()),
            Block::Right(l.case_no.clone()),
            Block::Plain(format!("{}：", l.party)),
        ];
        blocks.extend(l.paragraphs.iter().cloned().map(Block::Para));
        blocks.push(Block::Right(l.agency.clone()));
        blocks.push(Block::Right(l.date.clone()));
        let bytes = docx::build(l.title, &blocks)?;
        Ok::<_, Error>((format!("{}{}.docx", l.case_no, l.title), bytes))
    }
    .await;
    match r {
        Ok((name, bytes)) => yangguang_webcore::download::serve_download(&name, docx::MIME, bytes),
        Err(e) => fail(e, frame.nav("staff")),
    }
}
