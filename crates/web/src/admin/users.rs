//! The system administrator's accounts page: the list, new accounts
//! (without roles: the security administrator assigns them, 三权分立),
//! lock and unlock, password reset to a temporary password that must be
//! changed at the next sign-in.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use yangguang_kernel::auth;
use yangguang_kernel::org_store::{self, NewAccount};
use yangguang_kernel::perm::Permission;
use yangguang_kernel::{Error, Result, timefmt};

use super::org::{Done, Failure, aria, fault, me};
use crate::AppState;
use crate::access::{Access, Route};
use crate::error::render;
use crate::forms::Fields;
use crate::layout::{Frame, Layout};

pub fn routes() -> Vec<Route> {
    let p = Access::Perm(Permission::UserManage);
    vec![
        Route::get("/admin/users", p, get(page)),
        Route::post("/admin/users", p, post(create)),
        Route::post("/admin/users/{username}/lock", p, post(lock)),
        Route::post("/admin/users/{username}/unlock", p, post(unlock)),
        Route::post("/admin/users/{username}/password", p, post(reset)),
    ]
}

pub struct AccountRow {
    pub username: String,
    pub display_name: String,
    pub division: String,
    pub title: String,
    /// Role labels, or "" when none is assigned yet.
    pub roles: String,
    pub locked: bool,
    pub must_change_password: bool,
    pub second_factor: String,
    pub enrolled: bool,
    /// The signed-in administrator's own account.
    pub me: bool,
    /// Form keys: `lock-<username>`, `reset-<username>`.
    pub lock_key: String,
    pub reset_key: String,
}

pub struct DivisionOption {
    pub code: String,
    pub name: String,
}

#[derive(askama::Template)]
#[template(path = "admin_users.html")]
struct UsersPage {
    layout: Layout,
    notice: Option<String>,
    error: Option<Failure>,
    draft: Fields,
    accounts: Vec<AccountRow>,
    divisions: Vec<DivisionOption>,
    min_length: u32,
}

impl UsersPage {
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

    fn aria(&self, key: &str) -> String {
        aria(self.err_key(), key)
    }
}

fn notice(q: &Done) -> Option<String> {
    let u = org_store::check_username(&q.u).unwrap_or_default();
    Some(match q.done.as_str() {
        "created" => format!(
            "账号“{u}”已创建，尚未分配角色（由安全管理员分配）。请将初始密码以安全方式告知本人，首次登录时须修改密码。"
        ),
        "locked" => format!("账号“{u}”已锁定，其已登录的会话随即失效。"),
        "unlocked" => format!("账号“{u}”已解锁。"),
        "reset" => format!(
            "账号“{u}”的密码已重置为临时密码：下次登录时须修改密码，其已登录的会话已全部退出。"
        ),
        _ => return None,
    })
}

async fn page(State(st): State<AppState>, frame: Frame, Query(q): Query<Done>) -> Response {
    show(&st, frame, notice(&q), None, Fields::default()).await
}

/// Form keys carry the username, which `check_username` limited to
/// letters, digits and `. _ -`; anything else gets the bare form name.
fn user_key(form: &str, username: &str) -> String {
    match org_store::check_username(username) {
        Ok(u) => format!("{form}-{u}"),
        Err(_) => form.to_string(),
    }
}

async fn show(
    st: &AppState,
    frame: Frame,
    notice: Option<String>,
    error: Option<Failure>,
    draft: Fields,
) -> Response {
    let k = &st.kernel;
    let me = frame
        .viewer
        .user()
        .map(|s| s.username.clone())
        .unwrap_or_default();
    let loaded = async {
        let accounts = org_store::list_accounts(k).await?;
        let divisions = match org_store::main_agency(k).await? {
            Some(a) => org_store::list_divisions(k, &a.code).await?,
            None => Vec::new(),
        };
        let policy = auth::Policy::load(k).await?;
        Ok::<_, Error>((accounts, divisions, policy))
    }
    .await;
    let (accounts, divisions, policy) = match loaded {
        Ok(x) => x,
        Err(e) => return fault(frame, e),
    };
    let accounts = accounts
        .into_iter()
        .map(|a| {
            let u = a.user;
            AccountRow {
                lock_key: user_key("lock", &u.username),
                reset_key: user_key("reset", &u.username),
                me: u.username == me,
                roles: u
                    .roles
                    .iter()
                    .map(|r| r.label())
                    .collect::<Vec<_>>()
                    .join("、"),
                division: u.division.unwrap_or_default(),
                second_factor: match a.second_factor.as_deref() {
                    Some("sm3") => "已绑定（国密令牌）".into(),
                    Some(_) => "已绑定（验证器应用）".into(),
                    None => "未绑定".into(),
                },
                enrolled: a.second_factor.is_some(),
                locked: u.locked,
                must_change_password: a.must_change_password,
                username: u.username,
                display_name: u.display_name,
                title: u.title,
            }
        })
        .collect();
    let status = error.as_ref().map(|e| e.status).unwrap_or(StatusCode::OK);
    render(
        status,
        &UsersPage {
            layout: frame.nav("admin"),
            notice,
            error,
            draft,
            accounts,
            divisions: divisions
                .into_iter()
                .map(|d| DivisionOption {
                    code: d.code,
                    name: d.name,
                })
                .collect(),
            min_length: policy.min_length,
        },
    )
}

async fn finish(
    st: &AppState,
    frame: Frame,
    draft: Fields,
    key: String,
    r: Result<String>,
    done: &str,
) -> Response {
    match r {
        Ok(u) => {
            let q = serde_urlencoded::to_string([("done", done), ("u", u.as_str())])
                .unwrap_or_default();
            Redirect::to(&format!("/admin/users?{q}")).into_response()
        }
        Err(e) if e.is_client_error() => {
            show(st, frame, None, Some(Failure::of(key, &e)), draft).await
        }
        Err(e) => fault(frame, e),
    }
}

async fn create(State(st): State<AppState>, frame: Frame, f: Fields) -> Response {
    let Some(actor) = me(&frame) else {
        return StatusCode::FORBIDDEN.into_response();
    };
    let k = &st.kernel;
    let r = async {
        let agency = org_store::main_agency(k).await?;
        let division = Some(f.get("division").trim())
            .filter(|d| !d.is_empty())
            .map(str::to_string);
        org_store::add_account(
            k,
            &actor,
            timefmt::now(),
            NewAccount {
                username: f.get("username").to_string(),
                display_name: f.get("display_name").to_string(),
                agency_code: agency.map(|a| a.code),
                division_code: division,
                title: f.get("title").to_string(),
                password: f.get("password").to_string(),
            },
        )
        .await?;
        Ok(f.get("username").trim().to_string())
    }
    .await;
    finish(&st, frame, f, "create".into(), r, "created").await
}

async fn set_locked(
    st: AppState,
    frame: Frame,
    username: String,
    f: Fields,
    locked: bool,
) -> Response {
    let Some(actor) = me(&frame) else {
        return StatusCode::FORBIDDEN.into_response();
    };
    let r = org_store::set_locked(&st.kernel, &actor, timefmt::now(), &username, locked)
        .await
        .map(|()| username.clone());
    let done = if locked { "locked" } else { "unlocked" };
    finish(&st, frame, f, user_key("lock", &username), r, done).await
}

async fn lock(
    State(st): State<AppState>,
    frame: Frame,
    Path(username): Path<String>,
    f: Fields,
) -> Response {
    set_locked(st, frame, username, f, true).await
}

async fn unlock(
    State(st): State<AppState>,
    frame: Frame,
    Path(username): Path<String>,
    f: Fields,
) -> Response {
    set_locked(st, frame, username, f, false).await
}

async fn reset(
    State(st): State<AppState>,
    frame: Frame,
    Path(username): Path<String>,
    f: Fields,
) -> Response {
    let Some(actor) = me(&frame) else {
        return StatusCode::FORBIDDEN.into_response();
    };
    let k = &st.kernel;
    let r = async {
        if actor.user == username {
            return Err(Error::invalid(
                "self_reset",
                "不能在此重置自己的密码，请在“我的账号”中修改密码",
            ));
        }
        let id = org_store::user_id_by_name(k, &username).await?;
        auth::reset_password(k, &actor, timefmt::now(), id, &username, f.get("password")).await?;
        Ok(username.clone())
    }
    .await;
    finish(&st, frame, f, user_key("reset", &username), r, "reset").await
}
