//! The staff's case pages: the inbox of steps one may act on (by role, by
//! post held as A or as B) and the cases one owns, registering a case at
//! the window with its receipt (case number and query code). The case page
//! and its acts are in `case_page`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use sqlx::Row;
use time::Date;
use yangguang_kernel::audit::Actor;
use yangguang_kernel::db::query_dyn;
use yangguang_kernel::timefmt::{self, fmt_date, parse_date, today_cst};
use yangguang_kernel::{Error, Kernel, Result};
use yangguang_webcore::AppState;
use yangguang_webcore::error::{path_id, render};
use yangguang_webcore::forms::Fields;
use yangguang_webcore::layout::{Frame, Layout};

use super::fail;

pub use super::case_page::{act, exclude, extend, hand_over, letter, letter_docx, page, withdraw};
use crate::case_store::{self, Channel, NewCase};
use crate::model::Category;
use crate::{store, who};

pub(crate) fn me(frame: &Frame) -> Result<String> {
    frame
        .viewer
        .session
        .as_ref()
        .map(|s| s.username.clone())
        .ok_or_else(|| Error::Forbidden("请先登录".into()))
}

/// One inbox line.
pub struct Line {
    pub id: i64,
    pub case_no: String,
    pub item: String,
    pub step: String,
    pub since: String,
    pub due: String,
    pub due_label: String,
    pub overdue: bool,
    pub owner: String,
}

#[derive(askama::Template)]
#[template(path = "bsgk_inbox.html")]
struct InboxPage {
    layout: Layout,
    todo: Vec<Line>,
    owned: Vec<Line>,
    supervise: bool,
    manage: bool,
}

fn placeholders(n: usize) -> String {
    vec!["?"; n.max(1)].join(", ")
}

async fn lines(k: &Kernel, sql: String, binds: &[String], today: Date) -> Result<Vec<Line>> {
    let mut q = query_dyn(k.db.backend(), sql);
    for b in binds {
        q = q.bind(b.clone());
    }
    let rows = q.fetch_all(k.db.pool()).await?;
    rows.iter()
        .map(|r| {
            let due: Option<String> = r.try_get(5)?;
            let overdue = due
                .as_deref()
                .and_then(|d| parse_date(d).ok())
                .is_some_and(|d| d < today);
            Ok(Line {
                id: r.try_get(0)?,
                case_no: r.try_get(1)?,
                item: r.try_get(2)?,
                step: r.try_get(3)?,
                since: r.try_get(4)?,
                due: due.unwrap_or_default(),
                due_label: r.try_get(6)?,
                overdue,
                owner: r.try_get(7)?,
            })
        })
        .collect()
}

/// The open steps `username` may complete today (by role, or by a post
/// held as A or, while A is away, as B), earliest due first.
pub async fn todo_lines(k: &Kernel, username: &str, today: Date) -> Result<Vec<Line>> {
    let w = who::who(k, username, today).await?;
    let (roles, posts) = (&w.engine.roles, &w.engine.posts);
    let sql = format!(
        "SELECT c.id, c.case_no, i.name, t.name, t.since, c.due_on, c.due_label, c.owner FROM power_case_tasks t \
         JOIN power_cases c ON c.id = t.case_id JOIN power_items i ON i.id = c.item_id \
         WHERE (t.candidate_kind = 'role' AND t.candidate IN ({})) OR (t.candidate_kind = 'post' AND t.candidate IN ({})) \
         ORDER BY c.due_on, c.id LIMIT 200",
        placeholders(roles.len()),
        placeholders(posts.len())
    );
    let mut binds: Vec<String> = roles.clone();
    if roles.is_empty() {
        binds.push(String::new());
    }
    binds.extend(posts.iter().cloned());
    if posts.is_empty() {
        binds.push(String::new());
    }
    lines(k, sql, &binds, today).await
}

/// The workbench's rows: (title, link, step, acting for, due).
pub async fn workbench_rows(
    k: &Kernel,
    username: &str,
    today: Date,
) -> Result<Vec<(String, String, String, Option<String>, Option<String>)>> {
    Ok(todo_lines(k, username, today)
        .await?
        .into_iter()
        .map(|l| {
            let due = (!l.due.is_empty()).then(|| {
                if l.overdue {
                    format!("{}（已超期）", l.due)
                } else {
                    l.due.clone()
                }
            });
            (
                format!("办件{}：{}", l.case_no, l.item),
                format!("/staff/bsgk/cases/{}", l.id),
                format!("办件：{}", l.step),
                None,
                due,
            )
        })
        .collect())
}

pub async fn inbox(State(st): State<AppState>, frame: Frame) -> Response {
    use yangguang_kernel::perm::Permission;
    let supervise = frame.viewer.can(Permission::PowersSupervise);
    let manage = frame.viewer.can(Permission::PowersManage);
    let user = me(&frame);
    let layout = frame.nav("staff");
    let k = &st.kernel;
    let today = today_cst(timefmt::now());
    let r: Result<_> = async {
        let user = user?;
        let todo = todo_lines(k, &user, today).await?;
        let owned = lines(
            k,
            "SELECT c.id, c.case_no, i.name, COALESCE((SELECT MIN(t.name) FROM power_case_tasks t WHERE t.case_id = c.id), ''), \
             c.received_on, c.due_on, c.due_label, c.owner FROM power_cases c JOIN power_items i ON i.id = c.item_id \
             WHERE c.owner = ? AND c.open = 1 ORDER BY c.due_on, c.id LIMIT 200"
                .to_string(),
            &[user],
            today,
        )
        .await?;
        Ok((todo, owned))
    }
    .await;
    match r {
        Ok((todo, owned)) => render(
            StatusCode::OK,
            &InboxPage {
                layout,
                todo,
                owned,
                supervise,
                manage,
            },
        ),
        Err(e) => fail(e, layout),
    }
}

#[derive(askama::Template)]
#[template(path = "bsgk_new.html")]
struct NewPage {
    layout: Layout,
    items: Vec<(String, String, bool)>,
    f: Fields,
    today: String,
    error: Option<String>,
}

async fn show_new(
    st: &AppState,
    layout: Layout,
    f: Fields,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let items = match store::all(&st.kernel).await {
        Ok(v) => v,
        Err(e) => return fail(e, layout),
    };
    let chosen = f.get("item").to_string();
    let items = items
        .into_iter()
        .filter(|i| i.active)
        .map(|i| {
            let label = format!(
                "{} {}（{}）",
                i.code,
                i.content.name,
                i.content.category.label()
            );
            let sel = i.code == chosen;
            (i.code, label, sel)
        })
        .collect();
    render(
        status,
        &NewPage {
            layout,
            items,
            f,
            today: fmt_date(today_cst(timefmt::now())),
            error,
        },
    )
}

pub async fn new_form(State(st): State<AppState>, frame: Frame) -> Response {
    show_new(
        &st,
        frame.nav("staff"),
        Fields::default(),
        None,
        StatusCode::OK,
    )
    .await
}

/// The form → a checked new case.
fn parse_new(f: &Fields, today: Date) -> Result<NewCase> {
    let channel = Channel::parse(f.get("channel")).ok_or_else(|| {
        Error::invalid(
            "invalid_channel",
            "请选择受理方式：窗口受理、网上申请或依职权启动",
        )
    })?;
    let received_on = match f.get("received_on").trim() {
        "" => today,
        d => parse_date(d).map_err(|_| {
            Error::invalid(
                "invalid_date",
                format!(
                    "收件日期“{}”无效，应为 YYYY-MM-DD",
                    yangguang_kernel::text::clip(d, 20)
                ),
            )
        })?,
    };
    if f.get("item").trim().is_empty() {
        return Err(Error::invalid("item_required", "请选择办理事项"));
    }
    Ok(NewCase {
        item_code: f.get("item").trim().to_string(),
        party: f.get("party").to_string(),
        contact: f.get("contact").to_string(),
        subject: f.get("subject").to_string(),
        channel,
        received_on,
    })
}

pub async fn create(State(st): State<AppState>, frame: Frame, f: Fields) -> Response {
    let user = me(&frame);
    let layout = frame.nav("staff");
    let now = timefmt::now();
    let r: Result<_> = async {
        let user = user?;
        let n = parse_new(&f, today_cst(now))?;
        let it = store::get(&st.kernel, &n.item_code).await?;
        if it
            .as_ref()
            .is_some_and(|i| i.content.category == Category::Penalty)
            && n.channel != Channel::ExOfficio
        {
            return Err(Error::invalid(
                "penalty_ex_officio",
                "行政处罚案件应选择“依职权启动”（由检查、举报等发现线索）",
            ));
        }
        case_store::open(&st.kernel, now, &Actor::user(&user), n).await
    }
    .await;
    match r {
        Ok(o) => {
            // The query code is shown once, on the receipt.
            let to = format!("/staff/bsgk/cases/{}/receipt?code={}", o.id, o.query_code);
            Redirect::to(&to).into_response()
        }
        Err(e) if e.is_client_error() => {
            let status = yangguang_webcore::error::status_of(&e);
            show_new(&st, layout, f, Some(e.to_string()), status).await
        }
        Err(e) => fail(e, layout),
    }
}

#[derive(askama::Template)]
#[template(path = "bsgk_receipt.html")]
struct ReceiptPage {
    layout: Layout,
    id: i64,
    case_no: String,
    code: String,
    item: String,
    party: String,
    received: String,
    due_label: String,
    due: String,
    promised: String,
}

#[derive(serde::Deserialize, Default)]
pub struct CodeQuery {
    #[serde(default)]
    code: String,
}

/// 办件回执: printed for the applicant with the case number and query
/// code (the code is in the address only right after registration).
pub async fn receipt(
    State(st): State<AppState>,
    frame: Frame,
    Path(raw): Path<String>,
    axum::extract::Query(q): axum::extract::Query<CodeQuery>,
) -> Response {
    let layout = frame.nav("staff");
    let k = &st.kernel;
    let r: Result<_> = async {
        let id = path_id(&raw, "办件")?;
        let c = case_store::get(k, id).await?;
        let party = case_store::party_for_staff(k, id).await?;
        Ok((c, party))
    }
    .await;
    let (c, party) = match r {
        Ok(v) => v,
        Err(e) => return fail(e, layout),
    };
    let clock = crate::case::clock(
        c.kind,
        &c.facts,
        c.item.content.statutory,
        c.item.content.promised,
        &k.calendar(),
    );
    let code = yangguang_kernel::tracking::normalise_query_code(&q.code)
        .unwrap_or_else(|| "（已在首次打印时告知）".into());
    render(
        StatusCode::OK,
        &ReceiptPage {
            layout,
            id: c.id,
            case_no: c.case_no.clone(),
            code,
            item: c.item.content.name.clone(),
            party,
            received: fmt_date(c.received_on),
            due_label: clock
                .as_ref()
                .map_or(String::new(), |c| c.label.to_string()),
            due: clock.as_ref().map_or(String::new(), |c| fmt_date(c.due)),
            promised: clock
                .and_then(|c| c.promised)
                .map(fmt_date)
                .unwrap_or_default(),
        },
    )
}
