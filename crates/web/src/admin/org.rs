//! The system administrator's org page (RULES.md §6 AB岗): the agency, its
//! divisions, posts with their A and B holders and who acts today, leave
//! records. Each form posts and redirects back with a notice; a refused
//! form re-renders the page with the Chinese message at that form and
//! nothing written.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use time::Date;
use yangguang_kernel::audit::Actor;
use yangguang_kernel::org::Acting;
use yangguang_kernel::org_store::{
    self, Agency, DIVISION_KINDS, NewAgency, NewDivision, NewPost, division_kind_label,
};
use yangguang_kernel::perm::Permission;
use yangguang_kernel::timefmt::{
    self, fmt_date, fmt_date_cn, parse_rfc3339, today_cst, weekday_cn,
};
use yangguang_kernel::{Error, Kernel, Result};

use crate::AppState;
use crate::access::{Access, Route};
use crate::error::{PageError, render, status_of};
use crate::forms::Fields;
use crate::layout::{Frame, Layout};

pub fn routes() -> Vec<Route> {
    let p = Access::Perm(Permission::OrgManage);
    vec![
        Route::get("/admin/org", p, get(page)),
        Route::post("/admin/org/agency", p, post(save_agency)),
        Route::post("/admin/org/divisions", p, post(add_division)),
        Route::post("/admin/org/posts", p, post(add_post)),
        Route::post("/admin/org/posts/{id}/holders", p, post(set_holders)),
        Route::post("/admin/org/leaves", p, post(add_leave)),
        Route::post("/admin/org/leaves/{id}/cancel", p, post(cancel_leave)),
    ]
}

// ---- shared by the system administrator's pages -------------------------

/// A refused form: which form (its key, also the anchor of the message)
/// and what to tell the person.
pub(crate) struct Failure {
    pub key: String,
    pub message: String,
    pub status: StatusCode,
}

impl Failure {
    pub(crate) fn of(key: impl Into<String>, e: &Error) -> Failure {
        Failure {
            key: key.into(),
            message: e.to_string(),
            status: status_of(e),
        }
    }
}

/// `?done=…` (and, where useful, what it was about).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Done {
    #[serde(default)]
    pub done: String,
    #[serde(default)]
    pub u: String,
    #[serde(default)]
    pub years: String,
    #[serde(default)]
    pub clocks: String,
}

/// The acting administrator (the guard has checked the session).
pub(crate) fn me(frame: &Frame) -> Option<Actor> {
    frame.viewer.user().map(|s| Actor::user(&s.username))
}

/// A server fault: logged, shown as the generic message inside the frame.
pub(crate) fn fault(frame: Frame, e: Error) -> Response {
    PageError {
        error: e,
        layout: frame.nav("admin"),
        status: None,
    }
    .into_response()
}

/// A path id that is not a number names nothing.
pub(crate) fn path_id(raw: &str, what: &str) -> Result<i64> {
    raw.parse::<i64>().map_err(|_| {
        Error::NotFound(format!(
            "{what}“{}”不存在",
            yangguang_kernel::text::clip(raw, 20)
        ))
    })
}

/// The key of a per-row form (`holders-12`); only numbers get a row.
pub(crate) fn row_key(form: &str, raw_id: &str) -> String {
    match raw_id.parse::<i64>() {
        Ok(n) => format!("{form}-{n}"),
        Err(_) => form.to_string(),
    }
}

// ---- the page ------------------------------------------------------------

/// The agency form's values (stored, or as submitted when refused).
pub struct AgencyForm {
    pub exists: bool,
    pub code: String,
    pub name: String,
    pub short_name: String,
    pub doc_prefix: String,
    pub address: String,
    pub phone: String,
}

pub struct DivisionRow {
    pub code: String,
    pub name: String,
    pub kind: String,
}

pub struct UserOption {
    pub username: String,
    pub label: String,
}

pub struct PostRow {
    pub id: i64,
    pub key: String,
    pub name: String,
    pub division: String,
    pub a_name: String,
    pub a_username: String,
    pub b_name: String,
    pub b_username: String,
    /// Who acts today, as shown ("赵敏（B岗代刘洋）").
    pub acting: String,
    /// badge colour: green (A in), amber (B for A), red (nobody).
    pub acting_class: &'static str,
    pub acting_label: &'static str,
}

pub struct LeaveRow {
    pub id: i64,
    pub key: String,
    pub who: String,
    pub from: String,
    pub to: String,
    pub days: i64,
    pub reason: String,
    pub status: String,
    pub status_class: &'static str,
    pub cancellable: bool,
}

#[derive(askama::Template)]
#[template(path = "admin_org.html")]
struct OrgPage {
    layout: Layout,
    today: String,
    notice: Option<&'static str>,
    error: Option<Failure>,
    /// The refused form's submitted fields (empty otherwise).
    draft: Fields,
    agency: AgencyForm,
    kinds: Vec<(&'static str, &'static str)>,
    divisions: Vec<DivisionRow>,
    users: Vec<UserOption>,
    posts: Vec<PostRow>,
    unbacked: usize,
    leaves: Vec<LeaveRow>,
}

impl OrgPage {
    /// The refused form's key, or "".
    fn err_key(&self) -> &str {
        self.error
            .as_ref()
            .map(|e| e.key.as_str())
            .unwrap_or_default()
    }

    fn err_msg(&self) -> &str {
        self.error
            .as_ref()
            .map(|e| e.message.as_str())
            .unwrap_or_default()
    }

    /// ` aria-describedby=… aria-invalid=…` on the inputs of the refused
    /// form (keys are fixed words or `word-number`, never user input).
    fn aria(&self, key: &str) -> String {
        aria(self.err_key(), key)
    }
}

pub(crate) fn aria(err_key: &str, key: &str) -> String {
    if !err_key.is_empty() && err_key == key {
        format!(" aria-describedby=\"{key}-error\" aria-invalid=\"true\"")
    } else {
        String::new()
    }
}

fn notice(done: &str) -> Option<&'static str> {
    Some(match done {
        "agency" => "机关信息已保存。",
        "division" => "处室已添加。",
        "post" => "岗位已添加。",
        "holders" => "岗位的A岗、B岗已更新。",
        "leave" => "请假已登记。A岗请假期间，其岗位工作由B岗代办。",
        "cancel" => "请假已撤销，记录保留备查。",
        _ => return None,
    })
}

async fn page(State(st): State<AppState>, frame: Frame, Query(q): Query<Done>) -> Response {
    show(&st, frame, notice(&q.done), None, Fields::default()).await
}

struct Loaded {
    agency: Option<Agency>,
    divisions: Vec<org_store::Division>,
    users: Vec<org_store::User>,
    posts: Vec<org_store::PostView>,
    leaves: Vec<org_store::LeaveRecord>,
}

async fn load(k: &Kernel, today: Date) -> Result<Loaded> {
    let agency = org_store::main_agency(k).await?;
    let divisions = match &agency {
        Some(a) => org_store::list_divisions(k, &a.code).await?,
        None => Vec::new(),
    };
    Ok(Loaded {
        agency,
        divisions,
        users: org_store::list_users(k).await?,
        posts: org_store::posts_on(k, today).await?,
        leaves: org_store::leaves_from(k, today).await?,
    })
}

async fn show(
    st: &AppState,
    frame: Frame,
    notice: Option<&'static str>,
    error: Option<Failure>,
    draft: Fields,
) -> Response {
    let today = today_cst(timefmt::now());
    let data = match load(&st.kernel, today).await {
        Ok(d) => d,
        Err(e) => return fault(frame, e),
    };
    let refused_agency = error.as_ref().is_some_and(|e| e.key == "agency");
    let agency = match (&data.agency, refused_agency) {
        (a, true) => AgencyForm {
            exists: a.is_some(),
            code: a
                .as_ref()
                .map(|a| a.code.clone())
                .unwrap_or_else(|| draft.get("code").to_string()),
            name: draft.get("name").to_string(),
            short_name: draft.get("short_name").to_string(),
            doc_prefix: draft.get("doc_prefix").to_string(),
            address: draft.get("address").to_string(),
            phone: draft.get("phone").to_string(),
        },
        (Some(a), false) => AgencyForm {
            exists: true,
            code: a.code.clone(),
            name: a.name.clone(),
            short_name: a.short_name.clone(),
            doc_prefix: a.doc_prefix.clone(),
            address: a.address.clone(),
            phone: a.phone.clone(),
        },
        (None, false) => AgencyForm {
            exists: false,
            code: String::new(),
            name: String::new(),
            short_name: String::new(),
            doc_prefix: String::new(),
            address: String::new(),
            phone: String::new(),
        },
    };
    let usernames: HashMap<i64, String> = data
        .users
        .iter()
        .map(|u| (u.id, u.username.clone()))
        .collect();
    let posts: Vec<PostRow> = data
        .posts
        .iter()
        .map(|v| {
            let (acting, acting_class, acting_label) = match &v.acting {
                Acting::Primary { .. } => (v.a_name.clone(), "green", "A岗在岗"),
                Acting::Backup { .. } => (
                    format!(
                        "{}（B岗代{}）",
                        v.acting_name.clone().unwrap_or_default(),
                        v.a_name
                    ),
                    "amber",
                    "B岗代A",
                ),
                Acting::Nobody { .. } => ("无人在岗".to_string(), "red", "需指定代岗人员"),
            };
            PostRow {
                id: v.post.id,
                key: format!("holders-{}", v.post.id),
                name: v.post.name.clone(),
                division: v.division.clone().unwrap_or_default(),
                a_name: v.a_name.clone(),
                a_username: usernames
                    .get(&v.post.a_user_id)
                    .cloned()
                    .unwrap_or_default(),
                b_name: v.b_name.clone().unwrap_or_default(),
                b_username: v
                    .post
                    .b_user_id
                    .and_then(|b| usernames.get(&b).cloned())
                    .unwrap_or_default(),
                acting,
                acting_class,
                acting_label,
            }
        })
        .collect();
    let holders: std::collections::HashSet<i64> = data
        .posts
        .iter()
        .flat_map(|v| [Some(v.post.a_user_id), v.post.b_user_id])
        .flatten()
        .collect();
    let unbacked = posts.iter().filter(|p| p.b_username.is_empty()).count();
    let leaves = data
        .leaves
        .iter()
        .map(|l| {
            let (status, status_class) = match &l.cancelled_at {
                Some(at) => (
                    format!(
                        "已撤销（{}）",
                        parse_rfc3339(at)
                            .map(timefmt::fmt_instant_cst)
                            .unwrap_or_else(|_| at.clone())
                    ),
                    "",
                ),
                None if l.from <= today => ("请假中".to_string(), "amber"),
                None => ("未开始".to_string(), "green"),
            };
            LeaveRow {
                id: l.id,
                key: format!("cancel-{}", l.id),
                who: format!("{}（{}）", l.display_name, l.username),
                from: fmt_date(l.from),
                to: fmt_date(l.to),
                days: (l.to - l.from).whole_days() + 1,
                reason: l.reason.clone(),
                status,
                status_class,
                cancellable: l.cancelled_at.is_none(),
            }
        })
        .collect();
    let status = error.as_ref().map(|e| e.status).unwrap_or(StatusCode::OK);
    render(
        status,
        &OrgPage {
            layout: frame.nav("admin"),
            today: format!("{}（{}）", fmt_date_cn(today), weekday_cn(today)),
            notice,
            error,
            draft,
            agency,
            kinds: DIVISION_KINDS.to_vec(),
            divisions: data
                .divisions
                .iter()
                .map(|d| DivisionRow {
                    code: d.code.clone(),
                    name: d.name.clone(),
                    kind: division_kind_label(&d.kind).to_string(),
                })
                .collect(),
            users: data
                .users
                .iter()
                // Administrators hold no business post (三权分立); a
                // current holder stays selectable whatever his roles.
                .filter(|u| !u.roles.iter().any(|r| r.is_admin()) || holders.contains(&u.id))
                .map(|u| UserOption {
                    username: u.username.clone(),
                    label: format!(
                        "{}（{}）{}",
                        u.display_name,
                        u.username,
                        if u.locked { "（已锁定）" } else { "" }
                    ),
                })
                .collect(),
            posts,
            unbacked,
            leaves,
        },
    )
}

/// Redirects with the notice, or re-renders the page with the refusal.
async fn finish(
    st: &AppState,
    frame: Frame,
    draft: Fields,
    key: String,
    r: Result<()>,
    done: &str,
) -> Response {
    match r {
        Ok(()) => Redirect::to(&format!("/admin/org?done={done}")).into_response(),
        Err(e) if e.is_client_error() => {
            show(st, frame, None, Some(Failure::of(key, &e)), draft).await
        }
        Err(e) => fault(frame, e),
    }
}

fn opt(s: &str) -> Option<&str> {
    Some(s.trim()).filter(|s| !s.is_empty())
}

// ---- the forms -----------------------------------------------------------

async fn save_agency(State(st): State<AppState>, frame: Frame, f: Fields) -> Response {
    let Some(actor) = me(&frame) else {
        return StatusCode::FORBIDDEN.into_response();
    };
    let k = &st.kernel;
    let now = timefmt::now();
    let r = async {
        let form = |code: String| NewAgency {
            code,
            name: f.get("name").to_string(),
            short_name: f.get("short_name").to_string(),
            doc_prefix: f.get("doc_prefix").to_string(),
            address: f.get("address").to_string(),
            phone: f.get("phone").to_string(),
        };
        match org_store::main_agency(k).await? {
            // The code identifies the agency; it is not changed here.
            Some(a) => org_store::update_agency(k, &actor, now, form(a.code)).await,
            None => org_store::add_agency(k, &actor, now, form(f.get("code").trim().to_string()))
                .await
                .map(|_| ()),
        }
    }
    .await;
    if r.is_ok() {
        // The header and footer show the agency's name and address.
        st.reload_site().await;
    }
    finish(&st, frame, f, "agency".into(), r, "agency").await
}

async fn add_division(State(st): State<AppState>, frame: Frame, f: Fields) -> Response {
    let Some(actor) = me(&frame) else {
        return StatusCode::FORBIDDEN.into_response();
    };
    let k = &st.kernel;
    let r = async {
        let agency = org_store::main_agency(k)
            .await?
            .ok_or_else(|| Error::invalid("no_agency", "请先填写并保存本机关信息"))?;
        let sort = org_store::list_divisions(k, &agency.code)
            .await?
            .iter()
            .map(|d| d.sort + 1)
            .max()
            .unwrap_or(0);
        org_store::add_division(
            k,
            &actor,
            timefmt::now(),
            NewDivision {
                agency_code: &agency.code,
                code: f.get("div_code"),
                name: f.get("div_name"),
                kind: f.get("div_kind"),
                sort,
            },
        )
        .await
        .map(|_| ())
    }
    .await;
    finish(&st, frame, f, "division".into(), r, "division").await
}

async fn add_post(State(st): State<AppState>, frame: Frame, f: Fields) -> Response {
    let Some(actor) = me(&frame) else {
        return StatusCode::FORBIDDEN.into_response();
    };
    let k = &st.kernel;
    let r = async {
        let agency = org_store::main_agency(k)
            .await?
            .ok_or_else(|| Error::invalid("no_agency", "请先填写并保存本机关信息"))?;
        let a =
            opt(f.get("post_a")).ok_or_else(|| Error::invalid("missing_field", "请选择A岗人员"))?;
        org_store::add_post(
            k,
            &actor,
            timefmt::now(),
            NewPost {
                agency_code: &agency.code,
                division_code: opt(f.get("post_division")),
                name: f.get("post_name"),
                a_username: a,
                b_username: opt(f.get("post_b")),
            },
        )
        .await
        .map(|_| ())
    }
    .await;
    finish(&st, frame, f, "post".into(), r, "post").await
}

async fn set_holders(
    State(st): State<AppState>,
    frame: Frame,
    Path(id): Path<String>,
    f: Fields,
) -> Response {
    let Some(actor) = me(&frame) else {
        return StatusCode::FORBIDDEN.into_response();
    };
    let key = row_key("holders", &id);
    let r = async {
        let id = path_id(&id, "岗位")?;
        org_store::set_post_holders(
            &st.kernel,
            &actor,
            timefmt::now(),
            id,
            f.get("a"),
            opt(f.get("b")),
        )
        .await
    }
    .await;
    finish(&st, frame, f, key, r, "holders").await
}

async fn add_leave(State(st): State<AppState>, frame: Frame, f: Fields) -> Response {
    let Some(actor) = me(&frame) else {
        return StatusCode::FORBIDDEN.into_response();
    };
    let r = async {
        let user = opt(f.get("leave_user"))
            .ok_or_else(|| Error::invalid("missing_field", "请选择请假人员"))?;
        org_store::add_leave(
            &st.kernel,
            &actor,
            timefmt::now(),
            user,
            f.get("leave_from"),
            f.get("leave_to"),
            f.get("leave_reason"),
        )
        .await
        .map(|_| ())
    }
    .await;
    finish(&st, frame, f, "leave".into(), r, "leave").await
}

async fn cancel_leave(
    State(st): State<AppState>,
    frame: Frame,
    Path(id): Path<String>,
    f: Fields,
) -> Response {
    let Some(actor) = me(&frame) else {
        return StatusCode::FORBIDDEN.into_response();
    };
    let key = row_key("cancel", &id);
    let r = async {
        let id = path_id(&id, "请假记录")?;
        org_store::cancel_leave(&st.kernel, &actor, timefmt::now(), id).await
    }
    .await;
    finish(&st, frame, f, key, r, "cancel").await
}
