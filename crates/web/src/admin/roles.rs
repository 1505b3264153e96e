//! The security administrator's roles page: every account with its roles
//! (one form per account), the role × permission matrix of the business
//! roles, and the administrator permissions, fixed to their owner role
//! (三权分立, RULES.md §9).

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use yangguang_kernel::audit::Actor;
use yangguang_kernel::org::Role;
use yangguang_kernel::perm::Permission;
use yangguang_kernel::{Error, auth, org_store, perm_store, timefmt};

use crate::AppState;
use crate::access::{Access, Route};
use crate::error::{PageError, render, status_of};
use crate::forms::Fields;
use crate::layout::{Frame, Layout};

pub fn routes() -> Vec<Route> {
    let p = Access::Perm(Permission::RoleManage);
    vec![
        Route::get("/admin/roles", p, get(roles_page)),
        Route::post("/admin/roles/user", p, post(user_submit)),
        Route::post("/admin/roles/grants", p, post(grants_submit)),
    ]
}

pub struct RoleBox {
    pub code: &'static str,
    pub label: &'static str,
    pub checked: bool,
}

pub struct UserRow {
    pub username: String,
    pub display_name: String,
    pub division: String,
    pub locked: bool,
    pub roles: String,
    /// The viewer's own account: shown, not editable.
    pub own: bool,
    pub business: Vec<RoleBox>,
    pub admin: Vec<RoleBox>,
    /// A refusal for this account's form.
    pub error: Option<String>,
}

pub struct MatrixCell {
    pub value: String,
    pub label: String,
    pub checked: bool,
}

pub struct MatrixRow {
    pub role: &'static str,
    pub cells: Vec<MatrixCell>,
}

pub struct FixedPerm {
    pub label: &'static str,
    pub code: &'static str,
    pub owner: &'static str,
}

#[derive(askama::Template)]
#[template(path = "admin_roles.html")]
struct RolesPage {
    layout: Layout,
    notice: Option<String>,
    /// A refusal of the matrix form.
    grants_error: Option<String>,
    users: Vec<UserRow>,
    columns: Vec<&'static str>,
    matrix: Vec<MatrixRow>,
    fixed: Vec<FixedPerm>,
}

#[derive(Deserialize, Default)]
struct DoneQuery {
    #[serde(default)]
    done: String,
    #[serde(default)]
    user: String,
}

/// What went wrong on a submit, and where to show it.
enum Refusal {
    User { username: String, message: String },
    Grants { message: String },
}

async fn page(
    st: &AppState,
    frame: Frame,
    notice: Option<String>,
    refusal: Option<(StatusCode, Refusal)>,
) -> Response {
    let k = &st.kernel;
    let own = frame
        .viewer
        .user()
        .map(|s| s.username.clone())
        .unwrap_or_default();
    let users = match org_store::list_users(k).await {
        Ok(u) => u,
        Err(e) => return server_error(frame, e),
    };
    let grants = match auth::grants(k).await {
        Ok(g) => g,
        Err(e) => return server_error(frame, e),
    };
    let (status, refusal) = match refusal {
        Some((s, r)) => (s, Some(r)),
        None => (StatusCode::OK, None),
    };
    let boxes = |have: &[Role], admin: bool| -> Vec<RoleBox> {
        Role::ALL
            .into_iter()
            .filter(|r| r.is_admin() == admin)
            .map(|r| RoleBox {
                code: r.code(),
                label: r.label(),
                checked: have.contains(&r),
            })
            .collect()
    };
    let users = users
        .into_iter()
        .map(|mut u| {
            u.roles.sort();
            let error = match &refusal {
                Some(Refusal::User { username, message }) if *username == u.username => {
                    Some(message.clone())
                }
                _ => None,
            };
            UserRow {
                own: u.username == own,
                roles: u
                    .roles
                    .iter()
                    .map(|r| r.label())
                    .collect::<Vec<_>>()
                    .join("、"),
                business: boxes(&u.roles, false),
                admin: boxes(&u.roles, true),
                division: u.division.unwrap_or_default(),
                locked: u.locked,
                display_name: u.display_name,
                username: u.username,
                error,
            }
        })
        .collect();
    let perms = perm_store::business_permissions();
    let matrix = perm_store::business_roles()
        .into_iter()
        .map(|r| MatrixRow {
            role: r.label(),
            cells: perms
                .iter()
                .map(|p| MatrixCell {
                    value: format!("{}:{}", r.code(), p.code()),
                    label: format!("{}：{}", r.label(), p.label()),
                    checked: grants.contains(&(r, *p)),
                })
                .collect(),
        })
        .collect();
    let fixed = Permission::ALL
        .into_iter()
        .filter_map(|p| {
            p.admin_owner().map(|o| FixedPerm {
                label: p.label(),
                code: p.code(),
                owner: o.label(),
            })
        })
        .collect();
    let grants_error = match refusal {
        Some(Refusal::Grants { message }) => Some(message),
        _ => None,
    };
    render(
        status,
        &RolesPage {
            layout: frame.nav("admin"),
            notice,
            grants_error,
            users,
            columns: perms.iter().map(|p| p.label()).collect(),
            matrix,
            fixed,
        },
    )
}

fn server_error(frame: Frame, e: Error) -> Response {
    PageError {
        error: e,
        layout: frame.nav("admin"),
        status: None,
    }
    .into_response()
}

async fn roles_page(
    State(st): State<AppState>,
    frame: Frame,
    Query(q): Query<DoneQuery>,
) -> Response {
    let notice = match q.done.as_str() {
        "user" => Some(format!(
            "已保存账号“{}”的角色。",
            yangguang_kernel::text::clip(&q.user, 40)
        )),
        "grants" => Some("已保存业务角色的权限设置。".to_string()),
        _ => None,
    };
    page(&st, frame, notice, None).await
}

/// The role checkboxes of one account's form, parsed.
fn parse_roles(f: &Fields) -> Result<Vec<Role>, Error> {
    let mut roles = Vec::new();
    for v in f.all("role") {
        let r = Role::parse(v).ok_or_else(|| {
            Error::invalid(
                "invalid_role",
                format!("无法识别的角色“{}”", yangguang_kernel::text::clip(v, 40)),
            )
        })?;
        if !roles.contains(&r) {
            roles.push(r);
        }
    }
    Ok(roles)
}

async fn user_submit(State(st): State<AppState>, frame: Frame, f: Fields) -> Response {
    let Some(s) = frame.viewer.user().cloned() else {
        return StatusCode::FORBIDDEN.into_response();
    };
    let username = f.get("username").trim().to_string();
    let result = match parse_roles(&f) {
        Ok(roles) => {
            perm_store::assign_roles(
                &st.kernel,
                &Actor::user(&s.username),
                timefmt::now(),
                &username,
                &roles,
            )
            .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => {
            let q = serde_urlencoded::to_string([("done", "user"), ("user", username.as_str())])
                .unwrap_or_default();
            Redirect::to(&format!("/admin/roles?{q}#u-{username}")).into_response()
        }
        Err(e) if e.is_client_error() => {
            let status = status_of(&e);
            page(
                &st,
                frame,
                None,
                Some((
                    status,
                    Refusal::User {
                        username,
                        message: e.to_string(),
                    },
                )),
            )
            .await
        }
        Err(e) => server_error(frame, e),
    }
}

async fn grants_submit(State(st): State<AppState>, frame: Frame, f: Fields) -> Response {
    let Some(s) = frame.viewer.user().cloned() else {
        return StatusCode::FORBIDDEN.into_response();
    };
    let parsed: Result<Vec<_>, Error> = f
        .all("grant")
        .into_iter()
        .map(perm_store::parse_grant)
        .collect();
    let result = match parsed {
        Ok(grants) => {
            perm_store::set_grants(
                &st.kernel,
                &Actor::user(&s.username),
                timefmt::now(),
                &grants,
            )
            .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Redirect::to("/admin/roles?done=grants#grants").into_response(),
        Err(e) if e.is_client_error() => {
            let status = status_of(&e);
            page(
                &st,
                frame,
                None,
                Some((
                    status,
                    Refusal::Grants {
                        message: e.to_string(),
                    },
                )),
            )
            .await
        }
        Err(e) => server_error(frame, e),
    }
}
