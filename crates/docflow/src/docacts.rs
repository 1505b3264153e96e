//! Acts on a document rather than on a task: 送阅批, 传阅, pausing into a
//! 三重一大 topic and resuming when the meeting has decided, 撤销.

use time::OffsetDateTime;
use yangguang_decisions::model::{Material, NewTopic, TopicStatus};
use yangguang_decisions::rules::TopicKind;
use yangguang_kernel::audit::Actor;
use yangguang_kernel::db::{WriteTx, query};
use yangguang_kernel::text::required;
use yangguang_kernel::timefmt::rfc3339;
use yangguang_kernel::{Error, Kernel, Result};

use crate::engine::{self, NewTask, add_task, record};
use crate::incoming::leader_id;
use crate::model::{Doc, Status, TaskStep};
use crate::store::{load_doc, n, s};
use crate::who::Who;

/// Whether this user (or an A they stand in for) has an open task on the
/// document: the right to pass it on to a leader or round for reading.
async fn holds_open_task(tx: &mut WriteTx, who: &Who, doc_id: i64) -> Result<bool> {
    let ids = who.inbox_ids();
    let sql = format!(
        "SELECT COUNT(*) FROM docflow_tasks WHERE doc_id = ? AND kind = 'todo' AND state IN ('new', 'claimed') \
         AND assignee_user_id IN ({})",
        vec!["?"; ids.len()].join(", ")
    );
    let mut q = yangguang_kernel::db::query_dyn(tx.backend(), sql).bind(doc_id);
    for i in ids {
        q = q.bind(i);
    }
    let r = q.fetch_one(tx.conn()).await?;
    Ok(n(&r, 0)? > 0)
}

async fn open_doc(tx: &mut WriteTx, doc_id: i64) -> Result<Doc> {
    let be = tx.backend();
    let doc = load_doc(tx.conn(), be, doc_id).await?;
    if doc.status.finished() {
        return Err(Error::Conflict(format!(
            "公文已{}，不能再送阅或传阅",
            doc.status.label()
        )));
    }
    Ok(doc)
}

/// 送阅批: a leader's reading with an explicit opinion.
pub async fn send_to_leader(
    k: &Kernel,
    now: OffsetDateTime,
    who: &Who,
    manage: bool,
    doc_id: i64,
    leader: &str,
) -> Result<()> {
    let mut tx = k.db.begin().await?;
    let doc = open_doc(&mut tx, doc_id).await?;
    if !manage && !holds_open_task(&mut tx, who, doc_id).await? {
        return Err(Error::Forbidden(
            "只有正在办理本公文的人员或办公室可以送领导阅批".into(),
        ));
    }
    let l = leader_id(&mut tx, leader).await?;
    let actor = Actor::user(&who.me.username);
    add_task(
        &mut tx,
        now,
        NewTask {
            doc_id,
            read: false,
            step: TaskStep::LeaderRead,
            note: "",
            assignee: l,
            division_id: None,
            due_on: Some(k.calendar().add_working_days(
                who.today,
                crate::rules::step_days("leader_read", doc.urgency),
            )),
            created_by: &who.me.username,
        },
    )
    .await?;
    record(
        &mut tx,
        k,
        now,
        &actor,
        "docflow.send_to_leader",
        doc_id,
        serde_json::json!({"leader": leader.trim()}),
    )
    .await?;
    tx.commit().await
}

/// 传阅: read-only tasks for the named users.
pub async fn circulate(
    k: &Kernel,
    now: OffsetDateTime,
    who: &Who,
    manage: bool,
    doc_id: i64,
    readers: &[String],
) -> Result<usize> {
    if readers.is_empty() {
        return Err(Error::invalid("no_readers", "请选择传阅人员"));
    }
    let mut tx = k.db.begin().await?;
    open_doc(&mut tx, doc_id).await?;
    if !manage && !holds_open_task(&mut tx, who, doc_id).await? {
        return Err(Error::Forbidden(
            "只有正在办理本公文的人员或办公室可以传阅".into(),
        ));
    }
    let mut ids = Vec::new();
    for r in readers {
        let id = engine::user_id(&mut tx, r).await?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    for id in &ids {
        add_task(
            &mut tx,
            now,
            NewTask {
                doc_id,
                read: true,
                step: TaskStep::Read,
                note: "",
                assignee: *id,
                division_id: None,
                due_on: None,
                created_by: &who.me.username,
            },
        )
        .await?;
    }
    let actor = Actor::user(&who.me.username);
    record(
        &mut tx,
        k,
        now,
        &actor,
        "docflow.circulate",
        doc_id,
        serde_json::json!({"readers": readers}),
    )
    .await?;
    tx.commit().await?;
    Ok(ids.len())
}

/// A serious disagreement (or an incoming document that needs collective
/// consultation): the flow pauses and a 三重一大 topic is filed, in one
/// transaction. The office or the deputy in charge may do this.
pub async fn pause(
    k: &Kernel,
    now: OffsetDateTime,
    who: &Who,
    manage: bool,
    doc_id: i64,
    reason: &str,
) -> Result<i64> {
    let reason = required("提交集体研究的理由", reason, 2000)?;
    let mut tx = k.db.begin().await?;
    let be = tx.backend();
    let doc = load_doc(tx.conn(), be, doc_id).await?;
    if !manage && who.me.username != doc.deputy {
        return Err(Error::Forbidden(
            "只有办公室或分管领导可以将公文提交集体研究".into(),
        ));
    }
    if doc.status.finished() || doc.status == Status::Paused {
        return Err(Error::Conflict(format!(
            "公文当前为“{}”，不能暂停",
            doc.status.label()
        )));
    }
    let lead_unit = match doc.lead_division_id {
        Some(d) => engine::division_name(&mut tx, d).await?,
        None => "办公室".into(),
    };
    let actor = Actor::user(&who.me.username);
    let topic = yangguang_decisions::topic::create_in(
        &mut tx,
        k,
        now,
        &actor,
        NewTopic {
            kind: TopicKind::Other,
            title: format!("关于《{}》的集体研究", doc.title),
            lead_unit,
            deputy: doc.deputy.clone(),
            amount_fen: None,
            procurement: false,
            cadre: false,
            material: Material {
                topic: reason.clone(),
                background: format!(
                    "本议题由网上会办{}《{}》（办文编号 {}，/staff/docflow/docs/{}）暂停办理后提交。",
                    doc.direction.label(),
                    doc.title,
                    doc.id,
                    doc.id
                ),
                research: String::new(),
                proposal: String::new(),
            },
        },
    )
    .await?;
    let n = query(
        be,
        "UPDATE docflow_docs SET paused_status = status, status = 'paused', topic_id = ?, updated_at = ? \
         WHERE id = ? AND status = ?",
    )
    .bind(topic)
    .bind(rfc3339(now))
    .bind(doc_id)
    .bind(doc.status.as_str())
    .execute(tx.conn())
    .await?
    .rows_affected();
    if n != 1 {
        return Err(Error::Conflict("公文状态已变化，请刷新页面".into()));
    }
    record(
        &mut tx,
        k,
        now,
        &actor,
        "docflow.pause",
        doc_id,
        serde_json::json!({"topic": topic, "from": doc.status.as_str()}),
    )
    .await?;
    tx.commit().await?;
    Ok(topic)
}

/// Whether the topic's outcome lets the flow go on.
pub fn decided(status: TopicStatus) -> bool {
    matches!(
        status,
        TopicStatus::Adopted | TopicStatus::NotAdopted | TopicStatus::Ordinary
    )
}

/// Resumes every paused document whose topic has been decided; returns
/// how many. Run by the sweep; one audit entry per document resumed.
pub async fn resume_decided(k: &Kernel, now: OffsetDateTime) -> Result<usize> {
    let rows = query(
        k.db.backend(),
        // Driven by the index on topic_id (only documents ever paused have
        // one), not by a scan of every document's status.
        "SELECT d.id, t.status FROM docflow_docs d JOIN decision_topics t ON t.id = d.topic_id \
         WHERE d.topic_id > 0 AND d.status = 'paused'",
    )
    .fetch_all(k.db.pool())
    .await?;
    let mut done = 0;
    for r in &rows {
        let (id, st) = (n(r, 0)?, s(r, 1)?);
        let Some(st) = TopicStatus::parse(&st) else {
            continue;
        };
        if !decided(st) {
            continue;
        }
        let mut tx = k.db.begin().await?;
        let changed = query(
            tx.backend(),
            "UPDATE docflow_docs SET status = paused_status, paused_status = NULL, updated_at = ? \
             WHERE id = ? AND status = 'paused'",
        )
        .bind(rfc3339(now))
        .bind(id)
        .execute(tx.conn())
        .await?
        .rows_affected();
        if changed == 1 {
            record(
                &mut tx,
                k,
                now,
                &Actor::system(),
                "docflow.resume",
                id,
                serde_json::json!({"topic_outcome": st.label()}),
            )
            .await?;
            tx.commit().await?;
            done += 1;
        }
    }
    Ok(done)
}

/// 撤销 an outgoing document before 核发: its open tasks are cancelled;
/// a 发文字号 it took stays used (never reissued).
pub async fn withdraw(
    k: &Kernel,
    now: OffsetDateTime,
    who: &Who,
    manage: bool,
    doc_id: i64,
    reason: &str,
) -> Result<()> {
    let reason = required("撤销理由", reason, 1000)?;
    let mut tx = k.db.begin().await?;
    let be = tx.backend();
    let doc = load_doc(tx.conn(), be, doc_id).await?;
    if !manage && doc.owner() != who.me.username {
        return Err(Error::Forbidden("只有拟稿人或办公室可以撤销公文".into()));
    }
    if doc.direction != crate::model::Direction::Out || doc.status.finished() {
        return Err(Error::Conflict(format!(
            "公文当前为“{}”，不能撤销",
            doc.status.label()
        )));
    }
    engine::cancel_open(&mut tx, doc_id, None, now).await?;
    engine::move_status(&mut tx, doc_id, doc.status, Status::Withdrawn, now).await?;
    query(
        be,
        "UPDATE docflow_docs SET result = ?, closed_at = ? WHERE id = ?",
    )
    .bind(reason.clone())
    .bind(rfc3339(now))
    .bind(doc_id)
    .execute(tx.conn())
    .await?;
    record(
        &mut tx,
        k,
        now,
        &Actor::user(&who.me.username),
        "docflow.withdraw",
        doc_id,
        serde_json::json!({"reason": reason, "doc_no": doc.doc_no}),
    )
    .await?;
    tx.commit().await
}
