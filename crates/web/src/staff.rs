//! The staff workbench: the 待办 inbox (filled by the modules), the posts
//! the person holds or acts for today, and for the office the A/B gaps.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use yangguang_kernel::org::Acting;
use yangguang_kernel::org_store;
use yangguang_kernel::perm::Permission;
use yangguang_kernel::timefmt::{self, fmt_date_cn, today_cst, weekday_cn};

use crate::AppState;
use crate::access::{Access, Route};
use crate::error::{ApiError, render};
use crate::layout::{Frame, Layout};

pub fn routes() -> Vec<Route> {
    vec![Route::get(
        "/staff/",
        Access::Perm(Permission::Workbench),
        get(workbench),
    )]
}

pub struct PostRow {
    pub name: String,
    pub division: String,
    pub a: String,
    pub b: String,
    /// Who acts today, as shown.
    pub acting: String,
    /// The viewer acts for this post today (as A, or as B for A).
    pub mine_today: bool,
    pub status: &'static str,
}

/// A 待办 line from a module: (title, url, step, acting for, time limit).
type Todo = (String, String, String, Option<String>, Option<String>);

#[derive(askama::Template)]
#[template(path = "staff.html")]
struct Workbench {
    layout: Layout,
    today: String,
    todos: Vec<Todo>,
    mine: Vec<PostRow>,
    org_view: bool,
    unbacked: Vec<PostRow>,
    away: Vec<PostRow>,
}

async fn workbench(State(st): State<AppState>, frame: Frame) -> Response {
    let Some(s) = frame.viewer.user().cloned() else {
        return StatusCode::FORBIDDEN.into_response();
    };
    let today = today_cst(timefmt::now());
    let posts = match org_store::posts_on(&st.kernel, today).await {
        Ok(p) => p,
        Err(e) => return ApiError(e).into_response(),
    };
    let row = |v: &org_store::PostView| {
        let (acting, status) = match &v.acting {
            Acting::Primary { .. } => (v.a_name.clone(), "A岗在岗"),
            Acting::Backup { .. } => (
                format!(
                    "{}（B岗代{}）",
                    v.acting_name.clone().unwrap_or_default(),
                    v.a_name
                ),
                "B岗代岗",
            ),
            Acting::Nobody { .. } => ("无人在岗".to_string(), "需办公室指定"),
        };
        PostRow {
            name: v.post.name.clone(),
            division: v.division.clone().unwrap_or_default(),
            a: v.a_name.clone(),
            b: v.b_name.clone().unwrap_or_else(|| "（未设B岗）".into()),
            acting,
            mine_today: v.acting.user_id() == Some(s.user_id),
            status,
        }
    };
    let mine = posts
        .iter()
        .filter(|v| v.post.a_user_id == s.user_id || v.post.b_user_id == Some(s.user_id))
        .map(row)
        .collect();
    let org_view = frame.viewer.can(Permission::OrgView);
    let unbacked = if org_view {
        posts
            .iter()
            .filter(|v| v.post.b_user_id.is_none())
            .map(row)
            .collect()
    } else {
        Vec::new()
    };
    let away = if org_view {
        posts
            .iter()
            .filter(|v| !matches!(v.acting, Acting::Primary { .. }))
            .map(row)
            .collect()
    } else {
        Vec::new()
    };
    let todos = match yangguang_disclosure::routes::staff::workbench_rows(
        &st.kernel,
        s.user_id,
        &s.username,
        today,
    )
    .await
    {
        Ok(t) => t,
        Err(e) => return ApiError(e).into_response(),
    };
    let mut todos = todos;
    match yangguang_requests::routes::staff::workbench_rows(
        &st.kernel,
        s.user_id,
        frame.viewer.can(Permission::RequestManage),
        today,
    )
    .await
    {
        Ok(t) => todos.extend(t),
        Err(e) => return ApiError(e).into_response(),
    }
    match yangguang_decisions::routes::workbench_rows(
        &st.kernel,
        &s.username,
        &s.roles,
        frame.viewer.can(Permission::DecisionManage),
    )
    .await
    {
        Ok(t) => todos.extend(t),
        Err(e) => return ApiError(e).into_response(),
    }
    if frame.viewer.can(Permission::DocflowHandle) {
        match yangguang_docflow::routes::workbench_rows(&st.kernel, &s.username, today).await {
            Ok(t) => todos.extend(t),
            Err(e) => return ApiError(e).into_response(),
        }
    }
    if frame.viewer.can(Permission::PowersHandle) {
        match yangguang_powers::routes::cases::workbench_rows(&st.kernel, &s.username, today).await
        {
            Ok(t) => todos.extend(t),
            Err(e) => return ApiError(e).into_response(),
        }
    }
    render(
        StatusCode::OK,
        &Workbench {
            layout: frame.nav("staff"),
            today: format!("{}（{}）", fmt_date_cn(today), weekday_cn(today)),
            todos,
            mine,
            org_view,
            unbacked,
            away,
        },
    )
}
