//! The applicant's pages (no account, no JavaScript needed): how to apply
//! and the form, the acknowledgement that is the receipt, following an
//! application with number + query code (supplement online, letter and
//! files download), and the published annual reports.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use yangguang_kernel::audit::Actor;
use yangguang_kernel::timefmt::{self, fmt_date, today_cst};
use yangguang_kernel::{Error, files};
use yangguang_webcore::AppState;
use yangguang_webcore::access::{Access, Route};
use yangguang_webcore::error::{PageError, render};
use yangguang_webcore::forms::Fields;
use yangguang_webcore::layout::{Frame, Layout};

use crate::model::{self, ApplicationForm};
use crate::rules::{Channel, ReceiptEvidence};
use crate::store::{self, Application, Arrival, Receipt};
use crate::{annual, output, reply, settings};
use yangguang_kernel::follow_limit as limit;

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/xxgk/ysqgk", Access::Public, get(form_page)),
        Route::post("/xxgk/ysqgk", Access::Public, post(submit)),
        Route::get("/xxgk/ysqgk/cx", Access::Public, get(follow_page)),
        Route::post("/xxgk/ysqgk/cx", Access::Public, post(follow)),
        Route::get("/xxgk/nb", Access::Public, get(reports)),
        Route::get("/xxgk/nb/{year}", Access::Public, get(report_year)),
    ]
}

/// The choice lists the form shows.
pub struct Choices {
    pub org_kinds: Vec<(&'static str, &'static str)>,
    pub id_types: &'static [(&'static str, &'static str)],
    pub provision_forms: &'static [(&'static str, &'static str)],
    pub deliveries: &'static [(&'static str, &'static str)],
}

pub fn choices() -> Choices {
    Choices {
        org_kinds: model::ORG_KINDS
            .iter()
            .map(|k| (k.code(), k.label()))
            .collect(),
        id_types: &model::ID_TYPES,
        provision_forms: &model::PROVISION_FORMS,
        deliveries: &model::DELIVERIES,
    }
}

/// The posted form back into the struct the parser takes.
pub fn form_from(f: &Fields) -> ApplicationForm {
    ApplicationForm {
        applicant_type: f.get("applicant_type").into(),
        org_kind: f.get("org_kind").into(),
        name: f.get("name").into(),
        id_type: f.get("id_type").into(),
        id_number: f.get("id_number").into(),
        legal_rep: f.get("legal_rep").into(),
        contact: f.get("contact").into(),
        phone: f.get("phone").into(),
        email: f.get("email").into(),
        address: f.get("address").into(),
        description: f.get("description").into(),
        doc_ref: f.get("doc_ref").into(),
        purpose: f.get("purpose").into(),
        provision_form: f.get("provision_form").into(),
        delivery: f.get("delivery").into(),
    }
}

#[derive(askama::Template)]
#[template(path = "ysqgk.html")]
struct FormPage {
    layout: Layout,
    agency: String,
    office_address: String,
    office_phone: String,
    v: Fields,
    error: Option<String>,
    org_kinds: Vec<(&'static str, &'static str)>,
    id_types: &'static [(&'static str, &'static str)],
    provision_forms: &'static [(&'static str, &'static str)],
    deliveries: &'static [(&'static str, &'static str)],
}

fn page_error(e: Error, layout: Layout) -> Response {
    PageError {
        error: e,
        layout,
        status: None,
    }
    .into_response()
}

async fn show_form(st: &AppState, frame: Frame, v: Fields, error: Option<String>) -> Response {
    let s = match settings::load(&st.kernel).await {
        Ok(s) => s,
        Err(e) => return page_error(e, frame.nav("xxgk")),
    };
    let c = choices();
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    render(
        status,
        &FormPage {
            layout: frame.nav("xxgk"),
            agency: s.agency_name,
            office_address: s.office_address,
            office_phone: s.office_phone,
            v,
            error,
            org_kinds: c.org_kinds,
            id_types: c.id_types,
            provision_forms: c.provision_forms,
            deliveries: c.deliveries,
        },
    )
}

async fn form_page(State(st): State<AppState>, frame: Frame) -> Response {
    show_form(&st, frame, Fields(Vec::new()), None).await
}

#[derive(askama::Template)]
#[template(path = "ysqgk_ack.html")]
struct AckPage {
    layout: Layout,
    r: Receipt,
    name: String,
    received: String,
    due: String,
    agency: String,
}

async fn submit(State(st): State<AppState>, frame: Frame, f: Fields) -> Response {
    let now = timefmt::now();
    let today = today_cst(now);
    let parsed = form_from(&f).parse(today);
    let app = match parsed {
        Ok(a) => a,
        Err(e) => return show_form(&st, frame, f, Some(e.to_string())).await,
    };
    let arrival = Arrival {
        channel: Channel::Online,
        evidence: ReceiptEvidence {
            arrived: today,
            signed_for: None,
            confirmed: None,
        },
    };
    match store::submit(&st.kernel, &app, arrival, &Actor::public(), now).await {
        Ok(r) => {
            let agency = settings::load(&st.kernel)
                .await
                .map(|s| s.agency_name)
                .unwrap_or_default();
            render(
                StatusCode::OK,
                &AckPage {
                    layout: frame.nav("xxgk"),
                    received: fmt_date(r.received_on),
                    due: fmt_date(r.due_on),
                    name: app.name,
                    agency,
                    r,
                },
            )
        }
        Err(e) if e.is_client_error() => show_form(&st, frame, f, Some(e.to_string())).await,
        Err(e) => page_error(e, frame.nav("xxgk")),
    }
}

#[derive(askama::Template)]
#[template(path = "ysqgk_cx.html")]
struct FollowPage {
    layout: Layout,
    app_no: String,
    error: Option<String>,
}

async fn follow_page(frame: Frame) -> Response {
    render(
        StatusCode::OK,
        &FollowPage {
            layout: frame.nav("xxgk"),
            app_no: String::new(),
            error: None,
        },
    )
}

/// One message for every wrong pair (and when limited): reveals nothing.
const NOT_FOUND: &str =
    "申请编号或查询码不正确，或尝试次数过多。请核对回执上的申请编号和查询码，稍后再试。";

#[derive(askama::Template)]
#[template(path = "ysqgk_status.html")]
struct StatusPage {
    layout: Layout,
    a: Application,
    code: String,
    status: String,
    received: String,
    due: String,
    replied: Option<String>,
    lines: Vec<(String, String)>,
    supplement: Option<(String, String)>,
    fee: Option<(i64, Vec<String>, String)>,
    letter: Option<(String, Vec<String>)>,
    files: Vec<(i64, String)>,
    notice: Option<&'static str>,
    error: Option<String>,
}

/// The applicant's status line: status and dates only.
pub fn public_status(a: &Application) -> String {
    if let Some(o) = a.outcome {
        return format!("已答复（{}）", o.full_label());
    }
    if a.facts.supplement_requested.is_some() && a.facts.supplement_received.is_none() {
        return "待补正".into();
    }
    if a.paused {
        return "办理中（期限中止）".into();
    }
    "办理中".into()
}

async fn status_page(
    st: &AppState,
    layout: Layout,
    a: Application,
    code: String,
    notice: Option<&'static str>,
    error: Option<String>,
) -> Response {
    let k = &st.kernel;
    let today = today_cst(timefmt::now());
    let lines = match store::timeline(k, a.id, true).await {
        Ok(l) => l.into_iter().map(|l| (fmt_date(l.on), l.text)).collect(),
        Err(e) => return page_error(e, layout),
    };
    let pauses = store::pauses(k, a.id).await.unwrap_or_default();
    let fee = pauses
        .iter()
        .find(|(_, p, _)| p.kind == crate::rules::PauseKind::Fee && p.to.is_none())
        .map(|(_, p, _)| {
            (
                a.fee_amount.unwrap_or(0),
                a.fee_calc
                    .clone()
                    .unwrap_or_default()
                    .lines()
                    .map(str::to_string)
                    .collect(),
                fmt_date(p.limit),
            )
        });
    let supplement = match (a.facts.supplement_requested, a.facts.supplement_received) {
        (Some((_, deadline)), None) if a.is_open() && today <= deadline => Some((
            a.supplement_request.clone().unwrap_or_default(),
            fmt_date(deadline),
        )),
        _ => None,
    };
    let reply = reply::reply_of(k, a.id)
        .await
        .ok()
        .flatten()
        .filter(|r| r.issued);
    let letter = reply.as_ref().map(|r| {
        (
            r.letter_no.clone().unwrap_or_default(),
            r.body.lines().map(str::to_string).collect(),
        )
    });
    let files = if reply.is_some() {
        reply::reply_files(k, a.id)
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|f| (f.0, f.1))
            .collect()
    } else {
        Vec::new()
    };
    let due = match crate::rules::due(&k.calendar(), &a.facts, today) {
        Ok(d) => {
            let mut s = fmt_date(d.due);
            if d.open_pause.is_some() {
                s.push_str("（目前中止计算，中止结束后顺延）");
            } else if d.extension > 0 {
                s.push_str(&format!("（已延长{}个工作日）", d.extension));
            }
            if d.provisional {
                s.push_str("（暂定：节假日安排公布后重新计算）");
            }
            s
        }
        Err(_) => fmt_date(a.due_on),
    };
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    render(
        status,
        &StatusPage {
            layout,
            status: public_status(&a),
            received: fmt_date(a.received_on),
            due,
            replied: a.replied_on.map(fmt_date),
            lines,
            supplement,
            fee,
            letter,
            files,
            code,
            a,
            notice,
            error,
        },
    )
}

fn download(name: &str, mime: &'static str, bytes: Vec<u8>) -> Response {
    let mut resp = bytes.into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'.' || b == b'-' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

pub fn letter_download(agency: &str, app_no: &str, letter_no: &str, body: &str) -> Response {
    match output::letter_docx(agency, letter_no, body) {
        Ok(bytes) => download(
            &format!("{app_no}-答复告知书.docx"),
            yangguang_kernel::docx::MIME,
            bytes,
        ),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

pub fn file_download(st: &AppState, name: &str, hash: &str) -> Response {
    match files::get(&st.kernel.data_dir, hash) {
        Ok(bytes) => download(name, "application/octet-stream", bytes),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn follow(
    State(st): State<AppState>,
    frame: Frame,
    headers: HeaderMap,
    f: Fields,
) -> Response {
    let app_no = f.get("app_no").trim().to_string();
    let code = f.get("code").trim().to_string();
    let who = yangguang_webcore::access::client_key(&headers);
    let refuse = |frame: Frame, app_no: String| {
        render(
            StatusCode::NOT_FOUND,
            &FollowPage {
                layout: frame.nav("xxgk"),
                app_no,
                error: Some(NOT_FOUND.into()),
            },
        )
    };
    let now = timefmt::now();
    let found = match limit::allowed(&st.kernel, &who, &app_no, now).await {
        Ok(false) => return refuse(frame, app_no),
        Ok(true) => store::find_by_code(&st.kernel, &app_no, &code).await,
        Err(e) => Err(e),
    };
    let found = match found {
        Ok(f) => f,
        Err(e) => return page_error(e, frame.nav("xxgk")),
    };
    let Some(a) = found else {
        if let Err(e) = limit::failed(&st.kernel, &who, &app_no, now).await {
            return page_error(e, frame.nav("xxgk"));
        }
        return refuse(frame, app_no);
    };
    let k = &st.kernel;
    match f.get("action") {
        "supplement" => {
            let now = timefmt::now();
            let r = store::receive_supplement(
                k,
                a.id,
                today_cst(now),
                f.get("text"),
                &Actor::public(),
                now,
            )
            .await;
            let a2 = store::get(k, a.id).await.unwrap_or(a);
            match r {
                Ok(_) => {
                    status_page(
                        &st,
                        frame.nav("xxgk"),
                        a2,
                        code,
                        Some("补正材料已提交，答复期限自今日起重新计算。"),
                        None,
                    )
                    .await
                }
                Err(e) if e.is_client_error() => {
                    status_page(&st, frame.nav("xxgk"), a2, code, None, Some(e.to_string())).await
                }
                Err(e) => page_error(e, frame.nav("xxgk")),
            }
        }
        "letter" => match reply::reply_of(k, a.id).await {
            Ok(Some(r)) if r.issued => {
                let agency = settings::load(k)
                    .await
                    .map(|s| s.agency_name)
                    .unwrap_or_default();
                letter_download(
                    &agency,
                    &a.app_no,
                    &r.letter_no.unwrap_or_default(),
                    &r.body,
                )
            }
            _ => refuse(frame, app_no),
        },
        "file" => {
            let issued = matches!(reply::reply_of(k, a.id).await, Ok(Some(r)) if r.issued);
            let wanted: i64 = f.get("file").trim().parse().unwrap_or(-1);
            let files = reply::reply_files(k, a.id).await.unwrap_or_default();
            match files.into_iter().find(|x| x.0 == wanted) {
                Some((_, name, hash, _)) if issued => file_download(&st, &name, &hash),
                _ => refuse(frame, app_no),
            }
        }
        _ => status_page(&st, frame.nav("xxgk"), a, code, None, None).await,
    }
}

#[derive(askama::Template)]
#[template(path = "nb.html")]
struct ReportsPage {
    layout: Layout,
    agency: String,
    years: Vec<(i32, String)>,
}

async fn reports(State(st): State<AppState>, frame: Frame) -> Response {
    let k = &st.kernel;
    let years = match annual::published(k).await {
        Ok(y) => y
            .into_iter()
            .map(|(y, at)| {
                let d = timefmt::parse_rfc3339(&at)
                    .map(|t| fmt_date(today_cst(t)))
                    .unwrap_or_default();
                (y, d)
            })
            .collect(),
        Err(e) => return page_error(e, frame.nav("xxgk")),
    };
    let agency = settings::load(k)
        .await
        .map(|s| s.agency_name)
        .unwrap_or_default();
    render(
        StatusCode::OK,
        &ReportsPage {
            layout: frame.nav("xxgk"),
            agency,
            years,
        },
    )
}

#[derive(askama::Template)]
#[template(path = "nb_year.html")]
struct ReportPage {
    layout: Layout,
    year: i32,
    title: String,
    html: String,
}

async fn report_year(
    State(st): State<AppState>,
    frame: Frame,
    Path(raw): Path<String>,
) -> Response {
    let not_found = |frame: Frame| {
        page_error(
            Error::NotFound("该年度的年度报告尚未发布".into()),
            frame.nav("xxgk"),
        )
    };
    let Ok(year) = raw.parse::<i32>() else {
        return not_found(frame);
    };
    match annual::published_json(&st.kernel, year).await {
        Ok(Some(j)) => render(
            StatusCode::OK,
            &ReportPage {
                layout: frame.nav("xxgk"),
                year,
                title: j["title"].as_str().unwrap_or_default().to_string(),
                html: output::report_html(&j),
            },
        ),
        Ok(None) => not_found(frame),
        Err(e) => page_error(e, frame.nav("xxgk")),
    }
}
