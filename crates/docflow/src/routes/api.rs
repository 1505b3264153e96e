//! The JSON API for a desktop client or a 移动办公 app: the inbox, 签收
//! and acting on a task, behind the same sign-in, permission and
//! visibility rules as the pages (a document one may not see is 404).
//! State-changing calls carry the `csrf` the inbox returns in the
//! `X-CSRF-Token` header. Opinions are never in these answers.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use serde_json::{Value, json};
use yangguang_kernel::{Error, Result, timefmt};
use yangguang_webcore::AppState;
use yangguang_webcore::error::ApiError;
use yangguang_webcore::layout::Frame;

use super::inbox::InboxQuery;
use super::{form, me, path_id};
use crate::acts;
use crate::inbox::{self, Tab};
use crate::store;

pub async fn inbox(
    State(st): State<AppState>,
    frame: Frame,
    Query(q): Query<InboxQuery>,
) -> std::result::Result<Json<Value>, ApiError> {
    let k = &st.kernel;
    let me = me(k, &frame).await?;
    let who = &me.who;
    let tab = Tab::parse(&q.tab);
    let page = q.page.unwrap_or(0).max(0);
    let (todo, read, done) = inbox::counts(k, who).await?;
    let rows = inbox::inbox(k, who, tab, page).await?;
    let tasks: Vec<Value> = rows
        .iter()
        .map(|r| {
            json!({
                "id": r.task.id,
                "doc_id": r.task.doc_id,
                "title": r.title,
                "number": r.number,
                "direction": r.direction.as_str(),
                "step": r.task.step.as_str(),
                "step_label": r.task.step_label(),
                "state": r.task.state.as_str(),
                "urgency": r.urgency.as_str(),
                "due_on": r.task.due_on,
                "overdue": r.overdue,
                "remind_level": r.remind,
                "for": (r.task.assignee_user_id != who.me.id)
                    .then(|| who.person_for(r.task.assignee_user_id).username.clone()),
                "url": format!("/staff/docflow/docs/{}#task-{}", r.task.doc_id, r.task.id),
            })
        })
        .collect();
    Ok(Json(json!({
        "user": who.me.username,
        "acting_for": who.stands_for.iter().map(|p| p.username.clone()).collect::<Vec<_>>(),
        "tab": tab.as_str(),
        "page": page,
        "counts": {"todo": todo, "read": read, "done": done},
        "tasks": tasks,
        "csrf": frame.viewer.csrf.as_str(),
    })))
}

async fn task_of(
    st: &AppState,
    frame: &Frame,
    raw: &str,
) -> Result<(super::Me, crate::model::Task)> {
    let k = &st.kernel;
    let me = me(k, frame).await?;
    let id = path_id(raw, "任务")?;
    let task = store::task(k, id).await?;
    let doc = store::doc(k, task.doc_id).await?;
    if !inbox::may_view(k, &me.who, &doc, me.broad()).await? {
        return Err(Error::NotFound(format!("任务“{id}”不存在")));
    }
    Ok((me, task))
}

fn done(task: &crate::model::Task) -> Json<Value> {
    Json(json!({"ok": true, "task": task.id, "doc_id": task.doc_id}))
}

pub async fn claim(
    State(st): State<AppState>,
    frame: Frame,
    Path(raw): Path<String>,
) -> std::result::Result<Json<Value>, ApiError> {
    let (me, task) = task_of(&st, &frame, &raw).await?;
    acts::claim(&st.kernel, timefmt::now(), &me.who, task.id).await?;
    Ok(done(&task))
}

pub async fn act(
    State(st): State<AppState>,
    frame: Frame,
    Path(raw): Path<String>,
    body: Bytes,
) -> std::result::Result<Json<Value>, ApiError> {
    let (me, task) = task_of(&st, &frame, &raw).await?;
    let v: Value = serde_json::from_slice(&body)
        .map_err(|_| Error::invalid("invalid_json", "请求正文不是有效的 JSON"))?;
    let f = form::json_fields(&v)?;
    let a = form::act(&task, &f, Vec::new())?;
    acts::act(&st.kernel, timefmt::now(), &me.who, task.id, a).await?;
    Ok(done(&task))
}
