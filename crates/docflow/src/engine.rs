//! The moves every flow shares, inside the caller's transaction: tasks
//! created and finished by guarded updates (one act wins), status moves
//! that check where the document stands, and one audit entry plus one
//! outbox row per act.

use time::{Date, OffsetDateTime};
use yangguang_kernel::audit::{self, Actor};
use yangguang_kernel::db::{WriteTx, query, query_scalar};
use yangguang_kernel::timefmt::{fmt_date, rfc3339};
use yangguang_kernel::{Error, Kernel, Result, outbox};

use crate::model::{Status, TaskStep};

pub(crate) fn object(doc_id: i64) -> String {
    format!("docflow_doc:{doc_id}")
}

pub(crate) struct NewTask<'a> {
    pub doc_id: i64,
    pub read: bool,
    pub step: TaskStep,
    pub note: &'a str,
    pub assignee: i64,
    pub division_id: Option<i64>,
    pub due_on: Option<Date>,
    pub created_by: &'a str,
}

pub(crate) async fn add_task(tx: &mut WriteTx, now: OffsetDateTime, t: NewTask<'_>) -> Result<i64> {
    Ok(query_scalar(
        tx.backend(),
        "INSERT INTO docflow_tasks (doc_id, kind, step, note, assignee_user_id, division_id, state, created_by, \
         created_at, due_on) VALUES (?, ?, ?, ?, ?, ?, 'new', ?, ?, ?) RETURNING id",
    )
    .bind(t.doc_id)
    .bind(if t.read { "read" } else { "todo" })
    .bind(t.step.as_str())
    .bind(t.note.to_string())
    .bind(t.assignee)
    .bind(t.division_id)
    .bind(t.created_by.to_string())
    .bind(rfc3339(now))
    .bind(t.due_on.map(fmt_date))
    .fetch_one(tx.conn())
    .await?)
}

/// Marks a claimed task done with the opinion given. Guarded: of two
/// people acting on one task at once, the second finds it done.
pub(crate) async fn finish(
    tx: &mut WriteTx,
    task_id: i64,
    actor: &Actor,
    verdict: Option<&str>,
    opinion: Option<&str>,
    now: OffsetDateTime,
    today: Date,
) -> Result<()> {
    let n = query(
        tx.backend(),
        "UPDATE docflow_tasks SET state = 'done', done_at = ?, done_on = ?, acted_by = ?, acted_for = ?, \
         verdict = ?, opinion = ? WHERE id = ? AND state IN ('claimed', CASE WHEN kind = 'read' THEN 'new' ELSE 'claimed' END)",
    )
    .bind(rfc3339(now))
    .bind(fmt_date(today))
    .bind(actor.user.clone())
    .bind(actor.acting_for.clone())
    .bind(verdict.map(str::to_string))
    .bind(opinion.map(str::to_string))
    .bind(task_id)
    .execute(tx.conn())
    .await?
    .rows_affected();
    if n != 1 {
        return Err(Error::Conflict(
            "该任务已被办理或已取消，请刷新页面查看最新状态".into(),
        ));
    }
    Ok(())
}

/// Cancels the open tasks of a step (e.g. the other co-signers' when the
/// draft is withdrawn); returns how many.
pub(crate) async fn cancel_open(
    tx: &mut WriteTx,
    doc_id: i64,
    step: Option<TaskStep>,
    now: OffsetDateTime,
) -> Result<u64> {
    let sql = match step {
        Some(_) => {
            "UPDATE docflow_tasks SET state = 'cancelled', done_at = ? WHERE doc_id = ? AND step = ? \
             AND state IN ('new', 'claimed')"
        }
        None => {
            "UPDATE docflow_tasks SET state = 'cancelled', done_at = ? WHERE doc_id = ? AND kind = 'todo' \
             AND state IN ('new', 'claimed')"
        }
    };
    let mut q = query(tx.backend(), sql).bind(rfc3339(now)).bind(doc_id);
    if let Some(s) = step {
        q = q.bind(s.as_str());
    }
    Ok(q.execute(tx.conn()).await?.rows_affected())
}

/// Open tasks of a step on a document.
pub(crate) async fn open_count(tx: &mut WriteTx, doc_id: i64, step: TaskStep) -> Result<i64> {
    Ok(query_scalar(
        tx.backend(),
        "SELECT COUNT(*) FROM docflow_tasks WHERE doc_id = ? AND step = ? AND state IN ('new', 'claimed')",
    )
    .bind(doc_id)
    .bind(step.as_str())
    .fetch_one(tx.conn())
    .await?)
}

/// Moves the document from `from` to `to`; refused when it no longer
/// stands at `from` (someone else moved it first).
pub(crate) async fn move_status(
    tx: &mut WriteTx,
    doc_id: i64,
    from: Status,
    to: Status,
    now: OffsetDateTime,
) -> Result<()> {
    let n = query(
        tx.backend(),
        "UPDATE docflow_docs SET status = ?, updated_at = ? WHERE id = ? AND status = ?",
    )
    .bind(to.as_str())
    .bind(rfc3339(now))
    .bind(doc_id)
    .bind(from.as_str())
    .execute(tx.conn())
    .await?
    .rows_affected();
    if n != 1 {
        return Err(Error::Conflict(format!(
            "公文状态已变化（不再是“{}”），请刷新页面",
            from.label()
        )));
    }
    Ok(())
}

/// The audit entry and the outbox row of one act.
pub(crate) async fn record(
    tx: &mut WriteTx,
    k: &Kernel,
    now: OffsetDateTime,
    actor: &Actor,
    event: &str,
    doc_id: i64,
    detail: serde_json::Value,
) -> Result<()> {
    let obj = object(doc_id);
    audit::success(tx, &k.keys, now, actor, event, &obj, detail.clone()).await?;
    outbox::publish(tx, now, event, &obj, &detail).await?;
    Ok(())
}

pub(crate) async fn user_id(tx: &mut WriteTx, username: &str) -> Result<i64> {
    query_scalar::<i64>(tx.backend(), "SELECT id FROM users WHERE username = ?")
        .bind(username.trim().to_string())
        .fetch_optional(tx.conn())
        .await?
        .ok_or_else(|| {
            Error::invalid(
                "unknown_user",
                format!("用户“{}”不存在", yangguang_kernel::text::clip(username, 30)),
            )
        })
}

/// Whether `user_id` holds `role`.
pub(crate) async fn has_role(tx: &mut WriteTx, user_id: i64, role: &str) -> Result<bool> {
    let n: i64 = query_scalar(
        tx.backend(),
        "SELECT COUNT(*) FROM user_roles WHERE user_id = ? AND role = ?",
    )
    .bind(user_id)
    .bind(role.to_string())
    .fetch_one(tx.conn())
    .await?;
    Ok(n > 0)
}

/// The head (负责人) of a division: its lowest-numbered division_head.
/// The head of a division: its first `division_head`, or else (the
/// office, whose head is usually not given that role) the A holder of its
/// 办公室主任 post (duty `docflow.director`).
pub(crate) async fn head_of(tx: &mut WriteTx, division_id: i64) -> Result<i64> {
    let head = query_scalar::<i64>(
        tx.backend(),
        "SELECT u.id FROM users u JOIN user_roles r ON r.user_id = u.id \
         WHERE u.division_id = ? AND r.role = 'division_head' AND u.locked = 0 ORDER BY u.id LIMIT 1",
    )
    .bind(division_id)
    .fetch_optional(tx.conn())
    .await?;
    if let Some(h) = head {
        return Ok(h);
    }
    query_scalar::<i64>(
        tx.backend(),
        "SELECT p.a_user_id FROM posts p JOIN users u ON u.id = p.a_user_id \
         WHERE p.division_id = ? AND p.duty = 'docflow.director' AND u.locked = 0 ORDER BY p.id LIMIT 1",
    )
    .bind(division_id)
    .fetch_optional(tx.conn())
    .await?
    .ok_or_else(|| Error::Conflict(format!("处室 {division_id} 没有负责人账号，无法分送")))
}

pub(crate) async fn division_name(tx: &mut WriteTx, division_id: i64) -> Result<String> {
    query_scalar::<String>(tx.backend(), "SELECT name FROM divisions WHERE id = ?")
        .bind(division_id)
        .fetch_optional(tx.conn())
        .await?
        .ok_or_else(|| Error::invalid("unknown_division", format!("处室 {division_id} 不存在")))
}

/// The principal (主要领导).
pub(crate) async fn principal(tx: &mut WriteTx) -> Result<i64> {
    query_scalar::<i64>(
        tx.backend(),
        "SELECT u.id FROM users u JOIN user_roles r ON r.user_id = u.id \
         WHERE r.role = 'principal_leader' AND u.locked = 0 ORDER BY u.id LIMIT 1",
    )
    .fetch_optional(tx.conn())
    .await?
    .ok_or_else(|| Error::Conflict("系统中没有主要领导账号".into()))
}

pub(crate) async fn add_division(
    tx: &mut WriteTx,
    doc_id: i64,
    division_id: i64,
    role: &str,
    by: &str,
    now: OffsetDateTime,
) -> Result<()> {
    let exists: i64 = query_scalar(
        tx.backend(),
        "SELECT COUNT(*) FROM docflow_divisions WHERE doc_id = ? AND division_id = ?",
    )
    .bind(doc_id)
    .bind(division_id)
    .fetch_one(tx.conn())
    .await?;
    if exists > 0 {
        let name = division_name(tx, division_id).await?;
        return Err(Error::invalid(
            "division_twice",
            format!("{name}已在本公文的办理处室中，不能重复添加"),
        ));
    }
    query(
        tx.backend(),
        "INSERT INTO docflow_divisions (doc_id, division_id, role, added_by, added_at) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(doc_id)
    .bind(division_id)
    .bind(role.to_string())
    .bind(by.to_string())
    .bind(rfc3339(now))
    .execute(tx.conn())
    .await?;
    Ok(())
}
