//! The staff pages of 网上办文 and its JSON API: the inbox (待办 / 待阅 /
//! 已办), incoming and outgoing lists and forms, the document page with
//! the act its holder may take and the whole trail, versions and their
//! difference, the red-header page and .docx, signing paths, overdue
//! tasks, statistics, and 公文检索 (full-text search).
//!
//! Beyond the route's permission, a document opens only for the office
//! and supervisors, whoever filed it, and whoever the route gave a step
//! on it (`inbox::may_view`); lists filter by the same rule in the query,
//! and search by the same rule inside the search engine (`crate::search`).

pub mod api;
pub mod diff;
pub mod docs;
pub mod form;
pub mod inbox;
pub mod page;
pub mod paths;
pub mod print;
pub mod search;

use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use time::Date;
use yangguang_kernel::org::Role;
use yangguang_kernel::org_store;
use yangguang_kernel::perm::Permission;
use yangguang_kernel::timefmt::{self, today_cst};
use yangguang_kernel::{Error, Kernel, Result};
use yangguang_webcore::access::{Access, Route};
use yangguang_webcore::error::PageError;
use yangguang_webcore::layout::Frame;

use crate::who::{self, Who};

pub fn routes() -> Vec<Route> {
    let h = Access::Perm(Permission::DocflowHandle);
    let m = Access::Perm(Permission::DocflowManage);
    let s = Access::Perm(Permission::DocflowSupervise);
    vec![
        Route::get("/staff/docflow", h, get(inbox::page)),
        Route::get("/staff/docflow/search", h, get(search::page)),
        Route::get("/staff/docflow/incoming", h, get(docs::incoming)),
        Route::get("/staff/docflow/incoming/new", h, get(docs::incoming_form)),
        Route::post(
            "/staff/docflow/incoming/new",
            h,
            post(docs::incoming_create),
        ),
        Route::get("/staff/docflow/outgoing", h, get(docs::outgoing)),
        Route::get("/staff/docflow/outgoing/new", h, get(docs::outgoing_form)),
        Route::post(
            "/staff/docflow/outgoing/new",
            h,
            post(docs::outgoing_create),
        ),
        Route::get("/staff/docflow/docs/{id}", h, get(page::page)),
        Route::post("/staff/docflow/docs/{id}/do", h, post(page::doc_action)),
        Route::get("/staff/docflow/docs/{id}/versions", h, get(page::versions)),
        Route::get(
            "/staff/docflow/docs/{id}/files/{file}",
            h,
            get(page::download),
        ),
        Route::get("/staff/docflow/docs/{id}/print", h, get(print::page)),
        Route::get("/staff/docflow/docs/{id}/docx", h, get(print::docx)),
        Route::post("/staff/docflow/tasks/{id}/claim", h, post(page::claim)),
        Route::post("/staff/docflow/tasks/{id}/act", h, post(page::act)),
        Route::get("/staff/docflow/paths", h, get(paths::page)),
        Route::post("/staff/docflow/paths", m, post(paths::save)),
        Route::get("/staff/docflow/overdue", s, get(inbox::overdue)),
        Route::get("/staff/docflow/stats", s, get(inbox::stats)),
        Route::get("/staff/docflow/stats.xlsx", s, get(inbox::stats_xlsx)),
        Route::get("/api/v1/docflow/inbox", h, get(api::inbox)).api(
            "本人（含B岗代办）的待办、待阅或已办公文任务，每页 50 条；返回 csrf 供办理接口使用",
            &[
                (
                    "tab",
                    "todo（待办，默认）、read（待阅）或 done（已办）",
                    false,
                ),
                ("page", "页码，从 0 开始", false),
            ],
        ),
        Route::post("/api/v1/docflow/tasks/{id}/claim", h, post(api::claim)).api(
            "签收任务（请求头 X-CSRF-Token）",
            &[("id", "任务编号", true)],
        ),
        Route::post("/api/v1/docflow/tasks/{id}/act", h, post(api::act)).api(
            "办理任务：JSON 正文同网页表单字段（action、verdict、text 等；请求头 X-CSRF-Token）",
            &[("id", "任务编号", true)],
        ),
    ]
}

/// The signed-in person with their A/B standing today and what their
/// roles allow here.
pub(crate) struct Me {
    pub who: Who,
    pub manage: bool,
    pub supervise: bool,
}

impl Me {
    /// May open every document (the office and supervisors).
    pub fn broad(&self) -> bool {
        self.manage || self.supervise
    }
}

pub(crate) fn today() -> Date {
    today_cst(timefmt::now())
}

pub(crate) async fn me(k: &Kernel, frame: &Frame) -> Result<Me> {
    let s = frame
        .viewer
        .user()
        .ok_or_else(|| Error::Forbidden("请先登录".into()))?;
    Ok(Me {
        who: who::who(k, &s.username, today()).await?,
        manage: frame.viewer.can(Permission::DocflowManage),
        supervise: frame.viewer.can(Permission::DocflowSupervise),
    })
}

pub(crate) fn fail(frame: Frame, e: Error) -> Response {
    PageError {
        error: e,
        layout: frame.nav("staff"),
        status: None,
    }
    .into_response()
}

pub(crate) use yangguang_webcore::error::{Failure, path_id};

/// (username, "显示名（username）") of the leaders: deputies and principal.
pub(crate) async fn leaders(k: &Kernel) -> Result<Vec<(String, String)>> {
    Ok(org_store::list_users(k)
        .await?
        .into_iter()
        .filter(|u| {
            u.roles
                .iter()
                .any(|r| matches!(r, Role::DeputyLeader | Role::PrincipalLeader))
        })
        .map(|u| {
            (
                u.username.clone(),
                format!("{}（{}）", u.display_name, u.title),
            )
        })
        .collect())
}

/// (id, name) of the agency's divisions.
pub(crate) async fn divisions(k: &Kernel) -> Result<Vec<(i64, String)>> {
    let Some(a) = org_store::main_agency(k).await? else {
        return Ok(Vec::new());
    };
    Ok(org_store::list_divisions(k, &a.code)
        .await?
        .into_iter()
        .map(|d| (d.id, d.name))
        .collect())
}

/// One 待办 row of the staff workbench: (title, url, step, the absent A
/// holder acted for, time limit).
pub type WorkbenchRow = (String, String, String, Option<String>, Option<String>);

/// For the staff workbench `/staff/`: this person's open 待办 tasks
/// (theirs and, while they stand in, their A holder's), first page.
pub async fn workbench_rows(k: &Kernel, username: &str, today: Date) -> Result<Vec<WorkbenchRow>> {
    let who = who::who(k, username, today).await?;
    let rows = crate::inbox::inbox(k, &who, crate::inbox::Tab::Todo, 0).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let for_a = (r.task.assignee_user_id != who.me.id)
                .then(|| who.person_for(r.task.assignee_user_id).display.clone());
            let due = r.task.due_on.clone().map(|d| {
                if r.overdue {
                    format!("{d}（已逾期）")
                } else {
                    d
                }
            });
            (
                r.title,
                format!("/staff/docflow/docs/{}#task-{}", r.task.doc_id, r.task.id),
                format!("{}：{}", r.direction.label(), r.task.step_label()),
                for_a,
                due,
            )
        })
        .collect())
}
