//! The disclosure office's and handlers' pages: inbox, registration,
//! one application with every step, the letter (print and .docx), files.
//! Handlers see applications assigned to their posts, with personal data
//! masked; the office (RequestManage) sees all and does the formal steps.

use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use sqlx::Row;
use time::Date;
use yangguang_kernel::audit::Actor;
use yangguang_kernel::db::query;
use yangguang_kernel::perm::Permission;
use yangguang_kernel::timefmt::{self, fmt_date, parse_date, today_cst};
use yangguang_kernel::{Error, Kernel, Result, org_store};
use yangguang_webcore::AppState;
use yangguang_webcore::access::{Access, Route};
use yangguang_webcore::error::{PageError, render};
use yangguang_webcore::forms::Fields;
use yangguang_webcore::layout::{Frame, Layout};

use super::public::{choices, file_download, form_from, letter_download, public_status};
use crate::cases::{self, CaseInput};
use crate::fees::FeeMethod;
use crate::model::{self, label_of};
use crate::outcome::Outcome;
use crate::rules::{self, Channel, PauseKind, ReceiptEvidence};
use crate::store::{self, Application, Arrival, InboxRow, Receipt, Sweep};
use crate::{reply, settings};

pub fn routes() -> Vec<Route> {
    let h = Access::Perm(Permission::RequestHandle);
    let m = Access::Perm(Permission::RequestManage);
    vec![
        Route::get("/staff/ysqgk", h, get(inbox)),
        Route::get("/staff/ysqgk/new", m, get(new_page)),
        Route::post("/staff/ysqgk/new", m, post(register)),
        Route::get("/staff/ysqgk/{id}", h, get(detail)),
        Route::post("/staff/ysqgk/{id}/act", h, post(act)),
        Route::post("/staff/ysqgk/{id}/files", h, post(upload)),
        Route::get("/staff/ysqgk/{id}/letter", h, get(letter_page)),
        Route::get("/staff/ysqgk/{id}/letter/docx", h, get(letter_docx)),
        Route::get("/staff/ysqgk/{id}/files/{file}", h, get(file)),
    ]
}

fn err(e: Error, layout: Layout) -> Response {
    PageError {
        error: e,
        layout,
        status: None,
    }
    .into_response()
}

fn manage(frame: &Frame) -> bool {
    frame.viewer.can(Permission::RequestManage)
}

/// The posts the user holds (A or B).
async fn my_posts(k: &Kernel, user_id: i64) -> Result<Vec<i64>> {
    let rows = query(
        k.db.backend(),
        "SELECT id FROM posts WHERE a_user_id = ? OR b_user_id = ?",
    )
    .bind(user_id)
    .bind(user_id)
    .fetch_all(k.db.pool())
    .await?;
    rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
}

/// The application if this viewer may see it: the office sees all; a
/// handler only those assigned to a post they hold (masked).
async fn visible(st: &AppState, frame: &Frame, raw: &str) -> Result<Application> {
    let id: i64 = raw
        .parse()
        .map_err(|_| Error::NotFound("申请不存在".into()))?;
    let a = store::get(&st.kernel, id).await?;
    if manage(frame) {
        return Ok(a);
    }
    let Some(s) = frame.viewer.user() else {
        return Err(Error::NotFound("申请不存在".into()));
    };
    let mine = my_posts(&st.kernel, s.user_id).await?;
    if a.post_id.is_some_and(|p| mine.contains(&p)) {
        Ok(a.masked())
    } else {
        Err(Error::NotFound("申请不存在或未分办给您所在的岗位".into()))
    }
}

/// Who acts, for the audit: the office as itself; a handler only on the
/// post's turn today (A, or B for A while A is away: "B for A"). A B holder
/// whose A is at work may read the case but not act on it.
async fn actor_for(st: &AppState, frame: &Frame, a: &Application) -> Option<Actor> {
    let s = frame.viewer.user()?;
    if let Some(pid) = a.post_id {
        let today = today_cst(timefmt::now());
        if let Ok(posts) = org_store::posts_on(&st.kernel, today).await
            && let Some(p) = posts.iter().find(|p| p.post.id == pid)
        {
            match org_store::actor_on_post(&st.kernel, p, s.user_id).await {
                Ok(Some(actor)) => return Some(actor),
                Ok(None) if !manage(frame) => return None,
                _ => {}
            }
        }
    }
    Some(Actor::user(&s.username))
}

/// The refusal when a handler is not the one on the post today.
fn not_your_turn(frame: Frame) -> Response {
    PageError {
        error: Error::invalid(
            "not_on_duty",
            "本申请由承办岗位今日在岗人员办理：A岗在岗时由A岗办理，B岗仅在A岗不在岗时代为办理",
        ),
        layout: frame.nav("staff"),
        status: Some(StatusCode::FORBIDDEN),
    }
    .into_response()
}

#[derive(askama::Template)]
#[template(path = "staff_ysq_inbox.html")]
struct InboxPage {
    layout: Layout,
    manage: bool,
    rows: Vec<InboxRow>,
    sweep: Sweep,
}

async fn inbox(State(st): State<AppState>, frame: Frame) -> Response {
    let k = &st.kernel;
    let today = today_cst(timefmt::now());
    let m = manage(&frame);
    let posts = match (m, frame.viewer.user()) {
        (false, Some(s)) => match my_posts(k, s.user_id).await {
            Ok(p) => Some(p),
            Err(e) => return err(e, frame.nav("staff")),
        },
        _ => None,
    };
    let rows = store::inbox(k, today, posts.as_deref(), 500).await;
    let sweep = store::sweep(k, today).await;
    match (rows, sweep) {
        (Ok(rows), Ok(sweep)) => render(
            StatusCode::OK,
            &InboxPage {
                layout: frame.nav("staff"),
                manage: m,
                rows,
                sweep,
            },
        ),
        (Err(e), _) | (_, Err(e)) => err(e, frame.nav("staff")),
    }
}

#[derive(askama::Template)]
#[template(path = "staff_ysq_new.html")]
struct NewPage {
    layout: Layout,
    v: Fields,
    error: Option<String>,
    channels: Vec<(&'static str, &'static str)>,
    org_kinds: Vec<(&'static str, &'static str)>,
    id_types: &'static [(&'static str, &'static str)],
    provision_forms: &'static [(&'static str, &'static str)],
    deliveries: &'static [(&'static str, &'static str)],
}

fn new_form(frame: Frame, v: Fields, error: Option<String>) -> Response {
    let c = choices();
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    render(
        status,
        &NewPage {
            layout: frame.nav("staff"),
            v,
            error,
            channels: Channel::ALL
                .iter()
                .filter(|c| **c != Channel::Online)
                .map(|c| (c.code(), c.label()))
                .collect(),
            org_kinds: c.org_kinds,
            id_types: c.id_types,
            provision_forms: c.provision_forms,
            deliveries: c.deliveries,
        },
    )
}

async fn new_page(frame: Frame) -> Response {
    let today = fmt_date(today_cst(timefmt::now()));
    new_form(frame, Fields(vec![("arrived_on".into(), today)]), None)
}

fn opt_date(s: &str) -> Result<Option<Date>> {
    match s.trim() {
        "" => Ok(None),
        v => parse_date(v).map(Some),
    }
}

#[derive(askama::Template)]
#[template(path = "staff_ysq_registered.html")]
struct RegisteredPage {
    layout: Layout,
    r: Receipt,
}

async fn register(State(st): State<AppState>, frame: Frame, f: Fields) -> Response {
    let now = timefmt::now();
    let today = today_cst(now);
    let parsed: Result<(model::NewApplication, Arrival)> = (|| {
        let channel = Channel::parse(f.get("channel").trim())
            .filter(|c| *c != Channel::Online)
            .ok_or_else(|| {
                Error::invalid(
                    "invalid_channel",
                    "请选择提交方式：当面提交、挂号信、平信或传真",
                )
            })?;
        let arrived = parse_date(f.get("arrived_on"))?;
        let evidence = ReceiptEvidence {
            arrived,
            signed_for: opt_date(f.get("signed_for"))?,
            confirmed: opt_date(f.get("confirmed"))?,
        };
        rules::receipt_date(channel, evidence, today)?;
        let app = form_from(&f).parse(today)?;
        Ok((app, Arrival { channel, evidence }))
    })();
    let (app, arrival) = match parsed {
        Ok(p) => p,
        Err(e) => return new_form(frame, f, Some(e.to_string())),
    };
    let Some(s) = frame.viewer.user() else {
        return StatusCode::FORBIDDEN.into_response();
    };
    let actor = Actor::user(&s.username);
    match store::submit(&st.kernel, &app, arrival, &actor, now).await {
        Ok(r) => render(
            StatusCode::OK,
            &RegisteredPage {
                layout: frame.nav("staff"),
                r,
            },
        ),
        Err(e) if e.is_client_error() => new_form(frame, f, Some(e.to_string())),
        Err(e) => err(e, frame.nav("staff")),
    }
}

#[derive(askama::Template)]
#[template(path = "staff_ysq_app.html")]
struct AppPage {
    layout: Layout,
    a: Application,
    manage: bool,
    status: String,
    due: String,
    explain: Vec<String>,
    command: String,
    provision: &'static str,
    delivery: &'static str,
    similar: Vec<(i64, String, String, String, String)>,
    frequent: i64,
    lines: Vec<store::TimelineLine>,
    reply: Option<reply::Reply>,
    files: Vec<(i64, String, String, i64)>,
    cases: Vec<cases::CaseRecord>,
    consults: Vec<store::Consult>,
    divisions: Vec<(i64, String)>,
    posts: Vec<(i64, String)>,
    supplement_by: String,
    today: String,
    cases_in_month: u64,
    case_fee: u64,
    open_pauses: Vec<(i64, String, String, String)>,
    outcomes: Vec<(&'static str, String)>,
    current_outcome: &'static str,
    draft_body: String,
    notice: Option<&'static str>,
    error: Option<String>,
}

impl AppPage {
    fn assigned_to(&self, post: &i64) -> bool {
        self.a.post_id == Some(*post)
    }
}

async fn show(
    st: &AppState,
    frame: Frame,
    a: Application,
    notice: Option<&'static str>,
    error: Option<String>,
) -> Response {
    let k = &st.kernel;
    let today = today_cst(timefmt::now());
    let cal = k.calendar();
    let m = manage(&frame);
    let built: Result<AppPage> = async {
        let d = rules::due(&cal, &a.facts, today)?;
        let similar = store::same_applicant(k, &a)
            .await?
            .into_iter()
            .map(|(id, no, on, desc, o)| {
                (
                    id,
                    no,
                    fmt_date(on),
                    desc,
                    o.map(|o| o.full_label()).unwrap_or_default(),
                )
            })
            .collect();
        let n = store::applications_in_year_before(k, &a).await?;
        let frequent = if n >= store::FREQUENT_APPLICANT { n } else { 0 };
        let lines = store::timeline(k, a.id, false).await?;
        let reply = reply::reply_of(k, a.id).await?;
        let files = reply::reply_files(k, a.id).await?;
        let cases = cases::list(k, a.id).await?;
        let consults = store::consults(k, a.id).await?;
        let divisions = division_choices(k).await?;
        let posts = org_store::posts_on(k, today)
            .await?
            .into_iter()
            .map(|p| {
                let who = p.acting_name.clone().unwrap_or_else(|| "无人在岗".into());
                (
                    p.post.id,
                    format!(
                        "{}{}（{}）",
                        p.division.unwrap_or_default(),
                        p.post.name,
                        who
                    ),
                )
            })
            .collect();
        let before = reply::cases_before_in_month(k, &a).await?;
        let (_, case_fee) = crate::fees::case_fee_for_next(before)?;
        let open_pauses = store::pauses(k, a.id)
            .await?
            .into_iter()
            .filter(|(_, p, _)| p.to.is_none())
            .map(|(id, p, party)| {
                (
                    id,
                    format!("{}：{}", p.kind.label(), party),
                    fmt_date(p.from),
                    fmt_date(p.limit),
                )
            })
            .collect();
        let due = if d.open_pause.is_some() {
            format!("{}（目前中止，中止结束后顺延）", fmt_date(d.due))
        } else {
            fmt_date(d.due)
        };
        Ok(AppPage {
            layout: Layout::default(),
            manage: m,
            status: public_status(&a),
            due,
            explain: d.explain(),
            command: rules::due_date_command(&a.facts, today),
            provision: label_of(&model::PROVISION_FORMS, &a.provision_form),
            delivery: label_of(&model::DELIVERIES, &a.delivery),
            similar,
            frequent,
            lines,
            current_outcome: reply.as_ref().map(|r| r.outcome.code()).unwrap_or(""),
            draft_body: reply
                .as_ref()
                .filter(|r| !r.issued)
                .map(|r| r.body.clone())
                .unwrap_or_default(),
            reply,
            files,
            cases,
            consults,
            divisions,
            posts,
            supplement_by: fmt_date(rules::supplement_notice_by(&cal, a.received_on)),
            today: fmt_date(today),
            cases_in_month: before,
            case_fee,
            open_pauses,
            outcomes: Outcome::all().map(|o| (o.code(), o.full_label())).collect(),
            a,
            notice,
            error: None,
        })
    }
    .await;
    match built {
        Ok(mut p) => {
            let status = if error.is_some() {
                StatusCode::BAD_REQUEST
            } else {
                StatusCode::OK
            };
            p.error = error;
            p.layout = frame.nav("staff");
            render(status, &p)
        }
        Err(e) => err(e, frame.nav("staff")),
    }
}

async fn detail(State(st): State<AppState>, frame: Frame, Path(raw): Path<String>) -> Response {
    match visible(&st, &frame, &raw).await {
        Ok(a) => show(&st, frame, a, None, None).await,
        Err(e) => err(e, frame.nav("staff")),
    }
}

fn number(label: &str, s: &str, max: u64) -> Result<u64> {
    s.trim()
        .parse::<u64>()
        .ok()
        .filter(|n| *n <= max)
        .ok_or_else(|| {
            Error::invalid(
                "invalid_number",
                format!("{label}应为 0 到 {max} 之间的整数"),
            )
        })
}

async fn division_choices(k: &Kernel) -> Result<Vec<(i64, String)>> {
    let rows = query(
        k.db.backend(),
        "SELECT id, name FROM divisions ORDER BY sort, id",
    )
    .fetch_all(k.db.pool())
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect()
}

/// Manage-only steps refused for handlers.
const MANAGE_ONLY: [&str; 7] = [
    "assign",
    "supplement",
    "supplement_received",
    "extend",
    "fee",
    "issue",
    "case",
];

async fn act(
    State(st): State<AppState>,
    frame: Frame,
    Path(raw): Path<String>,
    f: Fields,
) -> Response {
    let a = match visible(&st, &frame, &raw).await {
        Ok(a) => a,
        Err(e) => return err(e, frame.nav("staff")),
    };
    let action = f.get("action").to_string();
    if MANAGE_ONLY.contains(&action.as_str()) && !manage(&frame) {
        return PageError {
            error: Error::invalid("forbidden", "该步骤由政府信息公开工作机构办理"),
            layout: frame.nav("staff"),
            status: Some(StatusCode::FORBIDDEN),
        }
        .into_response();
    }
    let Some(actor) = actor_for(&st, &frame, &a).await else {
        return not_your_turn(frame);
    };
    let k = &st.kernel;
    let now = timefmt::now();
    let on = || parse_date(f.get("on"));
    let r: Result<&'static str> = async {
        match action.as_str() {
            "assign" => {
                let pid: i64 = f
                    .get("post_id")
                    .trim()
                    .parse()
                    .map_err(|_| Error::invalid("invalid_post", "请选择承办岗位"))?;
                store::assign(k, a.id, pid, &actor, now).await?;
                Ok("已分办。")
            }
            "supplement" => {
                let days = u32::try_from(number("补正期限", f.get("days"), 60)?).unwrap_or(0);
                store::request_supplement(k, a.id, on()?, days, f.get("text"), &actor, now).await?;
                Ok("补正告知已发出，期限中止至收到补正。")
            }
            "supplement_received" => {
                store::receive_supplement(k, a.id, on()?, f.get("text"), &actor, now).await?;
                Ok("已登记补正，答复期限重新计算。")
            }
            "pause" => {
                let kind = match f.get("kind") {
                    "third_party" => PauseKind::ThirdParty,
                    "other_agency" => PauseKind::OtherAgency,
                    _ => {
                        return Err(Error::invalid(
                            "invalid_pause_kind",
                            "请选择征求第三方意见或征求其他机关意见",
                        ));
                    }
                };
                store::start_pause(k, a.id, kind, f.get("party"), on()?, &actor, now).await?;
                Ok("已登记征求意见，答复期限中止。")
            }
            "pause_end" => {
                let pid: i64 = f
                    .get("pause_id")
                    .trim()
                    .parse()
                    .map_err(|_| Error::NotFound("中止记录不存在".into()))?;
                store::end_pause(k, a.id, pid, on()?, f.get("opinion"), &actor, now).await?;
                Ok("已登记，答复期限恢复计算。")
            }
            "consult" => {
                let did: i64 = f
                    .get("division_id")
                    .trim()
                    .parse()
                    .map_err(|_| Error::invalid("invalid_division", "请选择征求意见的处室"))?;
                store::consult_division(k, a.id, did, f.get("question"), &actor, now).await?;
                Ok("已征求处室意见。")
            }
            "consult_answer" => {
                let cid: i64 = f
                    .get("consult_id")
                    .trim()
                    .parse()
                    .map_err(|_| Error::NotFound("征求意见不存在".into()))?;
                store::answer_consult(k, a.id, cid, f.get("opinion"), &actor, now).await?;
                Ok("处室意见已登记。")
            }
            "extend" => {
                let days = u32::try_from(number("延长工作日数", f.get("days"), 20)?).unwrap_or(0);
                store::extend(
                    k,
                    a.id,
                    days,
                    f.get("reason"),
                    f.get("approved_by"),
                    &actor,
                    now,
                )
                .await?;
                Ok("答复期限已延长，延期告知已记录。")
            }
            "fee" => {
                let method = FeeMethod::parse(f.get("method"))
                    .ok_or_else(|| Error::invalid("invalid_fee_method", "请选择按件或按量计收"))?;
                let pages = number("页数", f.get("pages"), crate::fees::MAX_COUNT)?;
                reply::fee_notice(k, a.id, method, pages, on()?, &actor, now).await?;
                Ok("收费通知已发出，期限中止至缴费。")
            }
            "draft" => {
                let o = Outcome::parse(f.get("outcome").trim())
                    .ok_or_else(|| Error::invalid("invalid_outcome", "请选择答复类型"))?;
                reply::save_draft(k, a.id, o, f.get("body"), &actor, now).await?;
                Ok("告知书草稿已保存。")
            }
            "issue" => {
                let no = reply::issue(k, a.id, on()?, &actor, now).await?;
                tracing::info!(app = %a.app_no, letter = %no, "reply issued");
                Ok("答复已发出。")
            }
            "case" => {
                let case_id = match f.get("case_id").trim() {
                    "" => None,
                    v => Some(
                        v.parse::<i64>()
                            .map_err(|_| Error::NotFound("记录不存在".into()))?,
                    ),
                };
                let input = CaseInput {
                    kind: f.get("kind"),
                    filed_on: f.get("filed_on"),
                    body: f.get("body"),
                    result: f.get("result"),
                    concluded_on: f.get("concluded_on"),
                    note: f.get("note"),
                };
                cases::record(k, a.id, case_id, &input, &actor, now).await?;
                Ok("复议诉讼记录已保存。")
            }
            _ => Err(Error::invalid("invalid_action", "未知的办理步骤")),
        }
    }
    .await;
    match r {
        Ok(_) => Redirect::to(&format!("/staff/ysqgk/{}", a.id)).into_response(),
        Err(e) if e.is_client_error() => {
            let fresh = visible(&st, &frame, &raw).await.unwrap_or(a);
            show(&st, frame, fresh, None, Some(e.to_string())).await
        }
        Err(e) => err(e, frame.nav("staff")),
    }
}

/// Largest attachment accepted: the web layer reads at most 25 MB of an
/// upload (`webcore::access`), so a larger limit here could never be met.
const MAX_FILE: usize = 20 * 1024 * 1024;

async fn upload(
    State(st): State<AppState>,
    frame: Frame,
    Path(raw): Path<String>,
    mp: std::result::Result<Multipart, MultipartRejection>,
) -> Response {
    let a = match visible(&st, &frame, &raw).await {
        Ok(a) => a,
        Err(e) => return err(e, frame.nav("staff")),
    };
    let Some(actor) = actor_for(&st, &frame, &a).await else {
        return not_your_turn(frame);
    };
    let got: Result<(String, Vec<u8>)> = async {
        let mut mp = mp.map_err(|_| Error::invalid("invalid_upload", "上传的表单无效"))?;
        while let Some(field) = mp
            .next_field()
            .await
            .map_err(|_| Error::invalid("invalid_upload", "上传中断，请重试"))?
        {
            if field.name() == Some("file") {
                let name = field.file_name().unwrap_or_default().to_string();
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|_| Error::invalid("invalid_upload", "上传中断，请重试"))?;
                if bytes.len() > MAX_FILE {
                    return Err(Error::invalid("file_too_large", "附件不能超过 20 MB"));
                }
                // A form sent without choosing a file has an empty part.
                if !(name.is_empty() && bytes.is_empty()) {
                    return Ok((name, bytes.to_vec()));
                }
            }
        }
        Err(Error::invalid("missing_file", "请选择要上传的附件"))
    }
    .await;
    let r = match got {
        Ok((name, bytes)) => {
            reply::attach(&st.kernel, a.id, &name, &bytes, &actor, timefmt::now()).await
        }
        Err(e) => Err(e),
    };
    match r {
        Ok(()) => Redirect::to(&format!("/staff/ysqgk/{}", a.id)).into_response(),
        Err(e) if e.is_client_error() => show(&st, frame, a, None, Some(e.to_string())).await,
        Err(e) => err(e, frame.nav("staff")),
    }
}

#[derive(askama::Template)]
#[template(path = "staff_ysq_letter.html")]
struct LetterPage {
    layout: Layout,
    id: i64,
    app_no: String,
    agency: String,
    letter_no: String,
    paras: Vec<String>,
}

async fn letter(
    st: &AppState,
    frame: &Frame,
    raw: &str,
) -> Result<(Application, reply::Reply, String)> {
    let a = visible(st, frame, raw).await?;
    let r = reply::reply_of(&st.kernel, a.id)
        .await?
        .ok_or_else(|| Error::NotFound("尚未拟定告知书".into()))?;
    let agency = settings::load(&st.kernel).await?.agency_name;
    Ok((a, r, agency))
}

async fn letter_page(
    State(st): State<AppState>,
    frame: Frame,
    Path(raw): Path<String>,
) -> Response {
    match letter(&st, &frame, &raw).await {
        Ok((a, r, agency)) => render(
            StatusCode::OK,
            &LetterPage {
                layout: frame.nav("staff"),
                id: a.id,
                app_no: a.app_no,
                agency,
                letter_no: r.letter_no.unwrap_or_else(|| "（发出时编号）".into()),
                paras: r.body.lines().map(str::to_string).collect(),
            },
        ),
        Err(e) => err(e, frame.nav("staff")),
    }
}

async fn letter_docx(
    State(st): State<AppState>,
    frame: Frame,
    Path(raw): Path<String>,
) -> Response {
    match letter(&st, &frame, &raw).await {
        Ok((a, r, agency)) => letter_download(
            &agency,
            &a.app_no,
            &r.letter_no.unwrap_or_default(),
            &r.body,
        ),
        Err(e) => err(e, frame.nav("staff")),
    }
}

async fn file(
    State(st): State<AppState>,
    frame: Frame,
    Path((raw, fid)): Path<(String, String)>,
) -> Response {
    let a = match visible(&st, &frame, &raw).await {
        Ok(a) => a,
        Err(e) => return err(e, frame.nav("staff")),
    };
    let wanted: i64 = fid.parse().unwrap_or(-1);
    match reply::reply_files(&st.kernel, a.id).await {
        Ok(files) => match files.into_iter().find(|f| f.0 == wanted) {
            Some((_, name, hash, _)) => file_download(&st, &name, &hash),
            None => err(Error::NotFound("附件不存在".into()), frame.nav("staff")),
        },
        Err(e) => err(e, frame.nav("staff")),
    }
}

/// 待办 lines for the staff workbench: (title, url, step, acting for,
/// time limit). The office sees applications to assign and every open
/// one near due or overdue; a handler, those assigned to their posts.
pub async fn workbench_rows(
    k: &Kernel,
    user_id: i64,
    manage: bool,
    today: Date,
) -> Result<Vec<(String, String, String, Option<String>, Option<String>)>> {
    let mine = my_posts(k, user_id).await?;
    let mut rows = store::inbox(k, today, Some(&mine), 1000).await?;
    if manage {
        for r in store::inbox(k, today, None, 1000).await? {
            if (r.post_id.is_none() || r.near_due() || r.overdue())
                && !rows.iter().any(|x| x.id == r.id)
            {
                rows.push(r);
            }
        }
    }
    Ok(rows
        .into_iter()
        .map(|r| {
            let step = if r.post_id.is_none() {
                "依申请公开：待分办"
            } else {
                "依申请公开：办理答复"
            };
            let limit = format!("{} 前答复（{}）", fmt_date(r.due_on), r.days_label());
            (
                format!("{} {}", r.app_no, model::clip_title(&r.description)),
                format!("/staff/ysqgk/{}", r.id),
                step.to_string(),
                None,
                Some(limit),
            )
        })
        .collect())
}
