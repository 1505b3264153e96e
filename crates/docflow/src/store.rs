//! Reading documents, tasks, versions and paths; small row helpers.

use std::collections::HashMap;

use sqlx::{AnyConnection, Row};
use yangguang_kernel::db::{Backend, query, query_dyn};
use yangguang_kernel::{Error, Kernel, Result};

use crate::model::{Direction, Doc, Path, Status, Task, TaskState, TaskStep, Version};
use crate::rules::{DocType, PathStep, Secrecy, Urgency};

pub(crate) fn s(r: &sqlx::any::AnyRow, i: usize) -> Result<String> {
    Ok(r.try_get::<String, _>(i)?)
}
pub(crate) fn os(r: &sqlx::any::AnyRow, i: usize) -> Result<Option<String>> {
    Ok(r.try_get::<Option<String>, _>(i)?)
}
pub(crate) fn n(r: &sqlx::any::AnyRow, i: usize) -> Result<i64> {
    Ok(r.try_get::<i64, _>(i)?)
}
pub(crate) fn on(r: &sqlx::any::AnyRow, i: usize) -> Result<Option<i64>> {
    Ok(r.try_get::<Option<i64>, _>(i)?)
}

pub(crate) const DOC_COLS: &str = "id, direction, title, status, urgency, secrecy, secrecy_years, lead_division_id, \
    deputy, major, summary, created_by, created_for, created_at, limit_days, due_on, source_org, source_no, copies, \
    received_on, paper, reg_year, reg_seq, return_reason, result, doc_type, path_id, step_index, instructing_leader, \
    doc_no, main_to, cc_to, print_copies, public_release, signed_by, signed_for, signed_on, issued_on, \
    archive_location, topic_id, paused_status, disclosure_item_id, closed_at";

fn bad(what: &str, v: &str) -> Error {
    Error::Internal(format!("docflow: unknown {what} '{v}' in the database"))
}

pub(crate) fn doc_from(r: &sqlx::any::AnyRow) -> Result<Doc> {
    let dir = s(r, 1)?;
    let status = s(r, 3)?;
    let urgency = s(r, 4)?;
    let doc_type = os(r, 25)?;
    Ok(Doc {
        id: n(r, 0)?,
        direction: if dir == "in" {
            Direction::In
        } else {
            Direction::Out
        },
        title: s(r, 2)?,
        status: Status::parse(&status).ok_or_else(|| bad("status", &status))?,
        urgency: Urgency::parse(&urgency).ok_or_else(|| bad("urgency", &urgency))?,
        secrecy: Secrecy::parse(&s(r, 5)?)?,
        secrecy_years: on(r, 6)?.and_then(|y| u32::try_from(y).ok()),
        lead_division_id: on(r, 7)?,
        deputy: s(r, 8)?,
        major: n(r, 9)? != 0,
        summary: s(r, 10)?,
        created_by: s(r, 11)?,
        created_for: os(r, 12)?,
        created_at: s(r, 13)?,
        limit_days: on(r, 14)?.and_then(|y| u32::try_from(y).ok()),
        due_on: os(r, 15)?,
        source_org: s(r, 16)?,
        source_no: s(r, 17)?,
        copies: n(r, 18)?,
        received_on: os(r, 19)?,
        paper: n(r, 20)? != 0,
        reg_year: on(r, 21)?,
        reg_seq: on(r, 22)?,
        return_reason: os(r, 23)?,
        result: os(r, 24)?,
        doc_type: doc_type.as_deref().and_then(DocType::parse),
        path_id: on(r, 26)?,
        step_index: usize::try_from(n(r, 27)?).unwrap_or(0),
        instructing_leader: os(r, 28)?,
        doc_no: os(r, 29)?,
        main_to: s(r, 30)?,
        cc_to: s(r, 31)?,
        print_copies: on(r, 32)?,
        public_release: n(r, 33)? != 0,
        signed_by: os(r, 34)?,
        signed_for: os(r, 35)?,
        signed_on: os(r, 36)?,
        issued_on: os(r, 37)?,
        archive_location: os(r, 38)?,
        topic_id: on(r, 39)?,
        paused_status: os(r, 40)?.as_deref().and_then(Status::parse),
        disclosure_item_id: on(r, 41)?,
        closed_at: os(r, 42)?,
    })
}

pub(crate) async fn load_doc(c: &mut AnyConnection, be: Backend, id: i64) -> Result<Doc> {
    let row = query_dyn(
        be,
        format!("SELECT {DOC_COLS} FROM docflow_docs WHERE id = ?"),
    )
    .bind(id)
    .fetch_optional(&mut *c)
    .await?
    .ok_or_else(|| Error::NotFound(format!("公文 {id} 不存在")))?;
    doc_from(&row)
}

pub async fn doc(k: &Kernel, id: i64) -> Result<Doc> {
    let mut c = k.db.pool().acquire().await?;
    load_doc(&mut c, k.db.backend(), id).await
}

pub(crate) const TASK_COLS: &str = "id, doc_id, kind, step, note, assignee_user_id, division_id, state, created_by, \
    created_at, due_on, claimed_at, done_at, done_on, acted_by, acted_for, verdict, opinion";

pub(crate) fn task_from(r: &sqlx::any::AnyRow) -> Result<Task> {
    let step = s(r, 3)?;
    let state = s(r, 7)?;
    Ok(Task {
        id: n(r, 0)?,
        doc_id: n(r, 1)?,
        kind: s(r, 2)?,
        step: TaskStep::parse(&step).ok_or_else(|| bad("task step", &step))?,
        note: s(r, 4)?,
        assignee_user_id: n(r, 5)?,
        division_id: on(r, 6)?,
        state: TaskState::parse(&state).ok_or_else(|| bad("task state", &state))?,
        created_by: s(r, 8)?,
        created_at: s(r, 9)?,
        due_on: os(r, 10)?,
        claimed_at: os(r, 11)?,
        done_at: os(r, 12)?,
        done_on: os(r, 13)?,
        acted_by: os(r, 14)?,
        acted_for: os(r, 15)?,
        verdict: os(r, 16)?,
        opinion: os(r, 17)?,
    })
}

pub(crate) async fn load_task(c: &mut AnyConnection, be: Backend, id: i64) -> Result<Task> {
    let row = query_dyn(
        be,
        format!("SELECT {TASK_COLS} FROM docflow_tasks WHERE id = ?"),
    )
    .bind(id)
    .fetch_optional(&mut *c)
    .await?
    .ok_or_else(|| Error::NotFound(format!("任务 {id} 不存在")))?;
    task_from(&row)
}

pub async fn task(k: &Kernel, id: i64) -> Result<Task> {
    let mut c = k.db.pool().acquire().await?;
    load_task(&mut c, k.db.backend(), id).await
}

pub(crate) async fn doc_tasks_in(
    c: &mut AnyConnection,
    be: Backend,
    doc_id: i64,
) -> Result<Vec<Task>> {
    let rows = query_dyn(
        be,
        format!("SELECT {TASK_COLS} FROM docflow_tasks WHERE doc_id = ? ORDER BY id"),
    )
    .bind(doc_id)
    .fetch_all(&mut *c)
    .await?;
    rows.iter().map(task_from).collect()
}

/// Every task of a document, oldest first: the trail.
pub async fn doc_tasks(k: &Kernel, doc_id: i64) -> Result<Vec<Task>> {
    let mut c = k.db.pool().acquire().await?;
    doc_tasks_in(&mut c, k.db.backend(), doc_id).await
}

pub async fn versions(k: &Kernel, doc_id: i64) -> Result<Vec<Version>> {
    let rows = query(
        k.db.backend(),
        "SELECT no, body, file_hash, file_name, author, author_for, created_at, frozen, sm3, reason, approved_by \
         FROM docflow_versions WHERE doc_id = ? ORDER BY no",
    )
    .bind(doc_id)
    .fetch_all(k.db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Version {
                no: n(r, 0)?,
                body: s(r, 1)?,
                file_hash: os(r, 2)?,
                file_name: os(r, 3)?,
                author: s(r, 4)?,
                author_for: os(r, 5)?,
                created_at: s(r, 6)?,
                frozen: n(r, 7)? != 0,
                sm3: os(r, 8)?,
                reason: os(r, 9)?,
                approved_by: os(r, 10)?,
            })
        })
        .collect()
}

fn path_from(r: &sqlx::any::AnyRow) -> Result<Path> {
    let t = s(r, 1)?;
    let steps: Vec<PathStep> = serde_json::from_str(&s(r, 3)?)
        .map_err(|e| Error::Internal(format!("docflow: bad path steps: {e}")))?;
    Ok(Path {
        id: n(r, 0)?,
        doc_type: DocType::parse(&t).ok_or_else(|| bad("doc type", &t))?,
        version: n(r, 2)?,
        steps,
        note: s(r, 4)?,
        created_by: s(r, 5)?,
        created_at: s(r, 6)?,
    })
}

const PATH_COLS: &str = "id, doc_type, version, steps, note, created_by, created_at";

pub(crate) async fn load_path(c: &mut AnyConnection, be: Backend, id: i64) -> Result<Path> {
    let row = query_dyn(
        be,
        format!("SELECT {PATH_COLS} FROM docflow_paths WHERE id = ?"),
    )
    .bind(id)
    .fetch_optional(&mut *c)
    .await?
    .ok_or_else(|| Error::NotFound(format!("签发路径 {id} 不存在")))?;
    path_from(&row)
}

pub async fn path(k: &Kernel, id: i64) -> Result<Path> {
    let mut c = k.db.pool().acquire().await?;
    load_path(&mut c, k.db.backend(), id).await
}

/// The current (latest) path of a type.
pub(crate) async fn current_path_in(
    c: &mut AnyConnection,
    be: Backend,
    t: DocType,
) -> Result<Path> {
    let row = query_dyn(
        be,
        format!(
            "SELECT {PATH_COLS} FROM docflow_paths WHERE doc_type = ? ORDER BY version DESC LIMIT 1"
        ),
    )
    .bind(t.as_str())
    .fetch_optional(&mut *c)
    .await?
    .ok_or_else(|| Error::NotFound(format!("公文类型“{}”没有签发路径", t.label())))?;
    path_from(&row)
}

/// Every version of every type's path, newest first within a type.
pub async fn paths(k: &Kernel) -> Result<Vec<Path>> {
    let rows = query_dyn(
        k.db.backend(),
        format!("SELECT {PATH_COLS} FROM docflow_paths ORDER BY doc_type, version DESC"),
    )
    .fetch_all(k.db.pool())
    .await?;
    rows.iter().map(path_from).collect()
}

/// Lead and co divisions of a document: (division id, name, role).
pub async fn divisions(k: &Kernel, doc_id: i64) -> Result<Vec<(i64, String, String)>> {
    let rows = query(
        k.db.backend(),
        "SELECT x.division_id, d.name, x.role FROM docflow_divisions x JOIN divisions d ON d.id = x.division_id \
         WHERE x.doc_id = ? ORDER BY x.role DESC, d.sort, d.id",
    )
    .bind(doc_id)
    .fetch_all(k.db.pool())
    .await?;
    rows.iter()
        .map(|r| Ok((n(r, 0)?, s(r, 1)?, s(r, 2)?)))
        .collect()
}

/// A scan, attachment or signed page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocFile {
    pub id: i64,
    pub kind: String,
    pub file_hash: String,
    pub file_name: String,
    pub mime: String,
    pub added_by: String,
    pub added_at: String,
}

impl DocFile {
    pub fn kind_label(&self) -> &'static str {
        match self.kind.as_str() {
            "scan" => "扫描件",
            "signed_page" => "签批页扫描件",
            "draft_docx" => "文稿（.docx）",
            _ => "附件",
        }
    }
}

pub async fn files(k: &Kernel, doc_id: i64) -> Result<Vec<DocFile>> {
    let rows = query(
        k.db.backend(),
        "SELECT id, kind, file_hash, file_name, mime, added_by, added_at FROM docflow_files WHERE doc_id = ? ORDER BY id",
    )
    .bind(doc_id)
    .fetch_all(k.db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(DocFile {
                id: n(r, 0)?,
                kind: s(r, 1)?,
                file_hash: s(r, 2)?,
                file_name: s(r, 3)?,
                mime: s(r, 4)?,
                added_by: s(r, 5)?,
                added_at: s(r, 6)?,
            })
        })
        .collect()
}

/// username → display name, and user id → username.
#[derive(Debug, Clone, Default)]
pub struct Names {
    pub by_name: HashMap<String, String>,
    pub by_id: HashMap<i64, (String, String)>,
}

impl Names {
    pub fn display(&self, username: &str) -> String {
        self.by_name
            .get(username)
            .cloned()
            .unwrap_or_else(|| username.to_string())
    }
    pub fn display_id(&self, id: i64) -> String {
        self.by_id
            .get(&id)
            .map(|(_, d)| d.clone())
            .unwrap_or_else(|| format!("用户{id}"))
    }
}

pub async fn names(k: &Kernel) -> Result<Names> {
    let rows = query(
        k.db.backend(),
        "SELECT id, username, display_name FROM users",
    )
    .fetch_all(k.db.pool())
    .await?;
    let mut out = Names::default();
    for r in &rows {
        let (id, u, d) = (n(r, 0)?, s(r, 1)?, s(r, 2)?);
        out.by_name.insert(u.clone(), d.clone());
        out.by_id.insert(id, (u, d));
    }
    Ok(out)
}

/// A page of documents of one direction that this person may open (the
/// permission filter is part of the query), newest first, with the total.
pub async fn list_docs(
    k: &Kernel,
    who: &crate::who::Who,
    broad: bool,
    direction: Direction,
    status: Option<Status>,
    page: i64,
) -> Result<(Vec<Doc>, i64)> {
    let ids = who.inbox_ids();
    let mut cond = String::from("direction = ?");
    if status.is_some() {
        cond.push_str(" AND status = ?");
    }
    if !broad {
        cond.push_str(&format!(
            " AND (created_by = ? OR created_for = ? OR EXISTS (SELECT 1 FROM docflow_tasks t \
             WHERE t.doc_id = docflow_docs.id AND t.assignee_user_id IN ({})))",
            vec!["?"; ids.len()].join(", ")
        ));
    }
    let bind = |sql: String| {
        let mut q = query_dyn(k.db.backend(), sql).bind(direction.as_str());
        if let Some(s) = status {
            q = q.bind(s.as_str());
        }
        if !broad {
            q = q
                .bind(who.me.username.clone())
                .bind(who.me.username.clone());
            for i in &ids {
                q = q.bind(*i);
            }
        }
        q
    };
    let total = bind(format!(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM docflow_docs WHERE {cond}"
    ))
    .fetch_one(k.db.pool())
    .await?;
    let total = n(&total, 0)?;
    let rows = bind(format!(
        "SELECT {DOC_COLS} FROM docflow_docs WHERE {cond} ORDER BY id DESC LIMIT {} OFFSET {}",
        LIST_PAGE,
        page.max(0) * LIST_PAGE
    ))
    .fetch_all(k.db.pool())
    .await?;
    Ok((rows.iter().map(doc_from).collect::<Result<_>>()?, total))
}

/// Documents a list page shows at once.
pub const LIST_PAGE: i64 = 50;

/// (username, display name) of the people of a division, for naming a
/// handler.
pub async fn division_people(k: &Kernel, division_id: i64) -> Result<Vec<(String, String)>> {
    let rows = query(
        k.db.backend(),
        "SELECT username, display_name FROM users WHERE division_id = ? AND locked = 0 ORDER BY id",
    )
    .bind(division_id)
    .fetch_all(k.db.pool())
    .await?;
    rows.iter().map(|r| Ok((s(r, 0)?, s(r, 1)?))).collect()
}

/// (username, display name) of everyone who may be sent a document to read.
pub async fn people(k: &Kernel) -> Result<Vec<(String, String)>> {
    let rows = query(
        k.db.backend(),
        "SELECT u.username, u.display_name FROM users u WHERE u.locked = 0 AND EXISTS \
         (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role IN \
         ('staff', 'division_head', 'office', 'deputy_leader', 'principal_leader', 'supervisor')) ORDER BY u.id",
    )
    .fetch_all(k.db.pool())
    .await?;
    rows.iter().map(|r| Ok((s(r, 0)?, s(r, 1)?))).collect()
}

/// Outbox events of one topic, many at once (multi-row INSERTs of 200):
/// the daily 催办 writes one a person, a thousand in a large bureau.
pub(crate) async fn publish_many(
    tx: &mut yangguang_kernel::db::WriteTx,
    at: time::OffsetDateTime,
    topic: &str,
    events: &[(String, serde_json::Value)],
) -> Result<()> {
    let at = yangguang_kernel::timefmt::rfc3339(at);
    for chunk in events.chunks(200) {
        let sql = format!(
            "INSERT INTO outbox (at, topic, object, payload) VALUES {}",
            vec!["(?, ?, ?, ?)"; chunk.len()].join(", ")
        );
        let mut q = query_dyn(tx.backend(), sql);
        for (object, payload) in chunk {
            q = q
                .bind(at.clone())
                .bind(topic.to_string())
                .bind(object.clone())
                .bind(payload.to_string());
        }
        q.execute(tx.conn()).await?;
    }
    Ok(())
}
