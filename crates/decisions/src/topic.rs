//! Topics (议题): the four-part material, preparation checks, the
//! submission form (重大事项会商提交单) approved by the deputy in charge and
//! recorded by the office, and the principal's pre-meeting decision.

use sqlx::AnyConnection;
use time::{Date, OffsetDateTime};
use yangguang_kernel::audit::{self, Actor};
use yangguang_kernel::db::{Backend, query, query_dyn};
use yangguang_kernel::timefmt::{fmt_date, parse_date, rfc3339};
use yangguang_kernel::{Error, Kernel, Result, files};

use crate::model::{CheckKind, Material, NewTopic, PreDecision, TopicStatus};
use crate::rules::{self, TopicKind};
use crate::store::{conflict, get_i64, get_opt_i64, get_opt_s, get_s};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topic {
    pub id: i64,
    pub kind: TopicKind,
    pub title: String,
    pub lead_unit: String,
    pub deputy: String,
    pub amount_fen: Option<i64>,
    pub procurement: bool,
    pub cadre: bool,
    pub scope_required: bool,
    pub scope_rule: String,
    pub material: Material,
    pub status: TopicStatus,
    pub created_by: String,
    pub approved_by: Option<String>,
    pub recorded_by: Option<String>,
    pub pre_note: Option<String>,
    pub meeting_id: Option<i64>,
    pub outcome_reason: Option<String>,
    pub method: Option<String>,
    pub head_decision: Option<String>,
    pub override_reason: Option<String>,
    /// expected, present, for, against, abstain as counted at closing.
    pub counts: Option<[i64; 5]>,
    pub closed_at: Option<String>,
    pub higher_body: Option<String>,
    pub higher_result: Option<String>,
    pub higher_on: Option<String>,
    pub reconvened_from: Option<i64>,
}

impl Topic {
    pub fn amount_label(&self) -> String {
        self.amount_fen.map(rules::fmt_yuan).unwrap_or_default()
    }
    pub fn closed(&self) -> bool {
        self.closed_at.is_some()
    }
}

const COLS: &str = "id, kind, title, lead_unit, deputy, amount_fen, procurement, cadre, scope_required, scope_rule, \
    m_topic, m_background, m_research, m_proposal, status, created_by, approved_by, recorded_by, pre_note, meeting_id, \
    outcome_reason, method, head_decision, override_reason, t_expected, t_present, t_for, t_against, t_abstain, \
    closed_at, higher_body, higher_result, higher_on, reconvened_from";

fn from_row(r: &sqlx::any::AnyRow) -> Result<Topic> {
    let kind = get_s(r, 1)?;
    let status = get_s(r, 14)?;
    let counts = match (
        get_opt_i64(r, 24)?,
        get_opt_i64(r, 25)?,
        get_opt_i64(r, 26)?,
        get_opt_i64(r, 27)?,
        get_opt_i64(r, 28)?,
    ) {
        (Some(a), Some(b), Some(c), Some(d), Some(e)) => Some([a, b, c, d, e]),
        _ => None,
    };
    Ok(Topic {
        id: get_i64(r, 0)?,
        kind: TopicKind::parse(&kind).unwrap_or(TopicKind::Other),
        title: get_s(r, 2)?,
        lead_unit: get_s(r, 3)?,
        deputy: get_s(r, 4)?,
        amount_fen: get_opt_i64(r, 5)?,
        procurement: get_i64(r, 6)? != 0,
        cadre: get_i64(r, 7)? != 0,
        scope_required: get_i64(r, 8)? != 0,
        scope_rule: get_s(r, 9)?,
        material: Material {
            topic: get_s(r, 10)?,
            background: get_s(r, 11)?,
            research: get_s(r, 12)?,
            proposal: get_s(r, 13)?,
        },
        status: TopicStatus::parse(&status).unwrap_or(TopicStatus::Draft),
        created_by: get_s(r, 15)?,
        approved_by: get_opt_s(r, 16)?,
        recorded_by: get_opt_s(r, 17)?,
        pre_note: get_opt_s(r, 18)?,
        meeting_id: get_opt_i64(r, 19)?,
        outcome_reason: get_opt_s(r, 20)?,
        method: get_opt_s(r, 21)?,
        head_decision: get_opt_s(r, 22)?,
        override_reason: get_opt_s(r, 23)?,
        counts,
        closed_at: get_opt_s(r, 29)?,
        higher_body: get_opt_s(r, 30)?,
        higher_result: get_opt_s(r, 31)?,
        higher_on: get_opt_s(r, 32)?,
        reconvened_from: get_opt_i64(r, 33)?,
    })
}

pub(crate) async fn load(c: &mut AnyConnection, be: Backend, id: i64) -> Result<Topic> {
    let row = query_dyn(
        be,
        format!("SELECT {COLS} FROM decision_topics WHERE id = ?"),
    )
    .bind(id)
    .fetch_optional(&mut *c)
    .await?
    .ok_or_else(|| Error::NotFound(format!("议题 {id} 不存在")))?;
    from_row(&row)
}

pub async fn topic(k: &Kernel, id: i64) -> Result<Topic> {
    let mut c = k.db.pool().acquire().await?;
    load(&mut c, k.db.backend(), id).await
}

/// All topics, newest first.
pub async fn list(k: &Kernel) -> Result<Vec<Topic>> {
    let rows = query_dyn(
        k.db.backend(),
        format!("SELECT {COLS} FROM decision_topics ORDER BY id DESC"),
    )
    .fetch_all(k.db.pool())
    .await?;
    rows.iter().map(from_row).collect()
}

pub(crate) async fn set_status(
    c: &mut AnyConnection,
    be: Backend,
    id: i64,
    to: TopicStatus,
) -> Result<()> {
    query(be, "UPDATE decision_topics SET status = ? WHERE id = ?")
        .bind(to.as_str())
        .bind(id)
        .execute(&mut *c)
        .await?;
    Ok(())
}

fn object(id: i64) -> String {
    format!("decision_topic:{id}")
}

/// Files a new topic (draft) with the scope rule that applies.
pub async fn create(k: &Kernel, now: OffsetDateTime, actor: &Actor, t: NewTopic) -> Result<i64> {
    let mut tx = k.db.begin().await?;
    let id = create_in(&mut tx, k, now, actor, t).await?;
    tx.commit().await?;
    Ok(id)
}

/// As `create`, inside the caller's transaction: another module's act
/// (a document paused for collective consultation) and the new topic
/// commit together or not at all.
pub async fn create_in(
    tx: &mut yangguang_kernel::db::WriteTx,
    k: &Kernel,
    now: OffsetDateTime,
    actor: &Actor,
    t: NewTopic,
) -> Result<i64> {
    let scope = rules::scope(t.kind, t.amount_fen, t.procurement);
    let be = tx.backend();
    let deputy_exists: i64 =
        yangguang_kernel::db::query_scalar(be, "SELECT COUNT(*) FROM users WHERE username = ?")
            .bind(t.deputy.clone())
            .fetch_one(tx.conn())
            .await?;
    if deputy_exists == 0 {
        return Err(Error::invalid(
            "unknown_deputy",
            format!("分管领导“{}”不是本系统的用户", t.deputy),
        ));
    }
    let id: i64 = yangguang_kernel::db::query_scalar(
        be,
        "INSERT INTO decision_topics (kind, title, lead_unit, deputy, amount_fen, procurement, cadre, scope_required, \
         scope_rule, m_topic, m_background, m_research, m_proposal, status, created_by, created_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(t.kind.as_str())
    .bind(t.title.clone())
    .bind(t.lead_unit.clone())
    .bind(t.deputy.clone())
    .bind(t.amount_fen)
    .bind(i64::from(t.procurement))
    .bind(i64::from(t.cadre))
    .bind(i64::from(scope.required))
    .bind(scope.rule.clone())
    .bind(t.material.topic.clone())
    .bind(t.material.background.clone())
    .bind(t.material.research.clone())
    .bind(t.material.proposal.clone())
    .bind(TopicStatus::Draft.as_str())
    .bind(actor.user.clone())
    .bind(rfc3339(now))
    .fetch_one(tx.conn())
    .await?;
    audit::success(
        tx,
        &k.keys,
        now,
        actor,
        "decision.topic_create",
        &object(id),
        serde_json::json!({"kind": t.kind.as_str(), "title": t.title, "scope_required": scope.required, "scope_rule": scope.rule}),
    )
    .await?;
    Ok(id)
}

/// An attachment of a topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub id: i64,
    pub file_hash: String,
    pub file_name: String,
    pub mime: String,
}

pub async fn attachments(k: &Kernel, topic_id: i64) -> Result<Vec<Attachment>> {
    let rows = query(
        k.db.backend(),
        "SELECT id, file_hash, file_name, mime FROM decision_attachments WHERE topic_id = ? ORDER BY id",
    )
    .bind(topic_id)
    .fetch_all(k.db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Attachment {
                id: get_i64(r, 0)?,
                file_hash: get_s(r, 1)?,
                file_name: get_s(r, 2)?,
                mime: get_s(r, 3)?,
            })
        })
        .collect()
}

fn editable(t: &Topic) -> Result<()> {
    if t.status != TopicStatus::Draft {
        return Err(conflict(format!(
            "议题当前状态为“{}”，只有起草中的议题可以修改材料",
            t.status.label()
        )));
    }
    Ok(())
}

fn check_file_name(name: &str) -> Result<String> {
    let n = yangguang_kernel::text::required("附件文件名", name, 200)?;
    if n.contains('/') || n.contains('\\') {
        return Err(Error::invalid(
            "invalid_file_name",
            "附件文件名不能包含路径分隔符",
        ));
    }
    Ok(n)
}

/// Adds an attachment to a draft topic (kept in the kernel file store).
pub async fn add_attachment(
    k: &Kernel,
    now: OffsetDateTime,
    actor: &Actor,
    topic_id: i64,
    name: &str,
    mime: &str,
    bytes: &[u8],
) -> Result<i64> {
    let name = check_file_name(name)?;
    if bytes.is_empty() {
        return Err(Error::invalid("empty_file", "附件为空文件"));
    }
    let mut tx = k.db.begin().await?;
    let be = tx.backend();
    let t = load(tx.conn(), be, topic_id).await?;
    editable(&t)?;
    let hash = files::put(&mut tx, &k.data_dir, now, bytes, mime).await?;
    let id: i64 = yangguang_kernel::db::query_scalar(
        be,
        "INSERT INTO decision_attachments (topic_id, file_hash, file_name, mime, added_by, added_at) \
         VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(topic_id)
    .bind(hash.clone())
    .bind(name.clone())
    .bind(mime.to_string())
    .bind(actor.user.clone())
    .bind(rfc3339(now))
    .fetch_one(tx.conn())
    .await?;
    audit::success(
        &mut tx,
        &k.keys,
        now,
        actor,
        "decision.attachment_add",
        &object(topic_id),
        serde_json::json!({"file": name, "sha256": hash}),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// A preparation check as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub kind: CheckKind,
    pub file_hash: Option<String>,
    pub file_name: Option<String>,
    pub done_on: Option<Date>,
    pub not_needed_reason: Option<String>,
}

/// What is recorded for a preparation check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckEntry<'a> {
    /// Done on a date, the document attached.
    Done {
        on: Date,
        file_name: &'a str,
        mime: &'a str,
        bytes: &'a [u8],
    },
    NotNeeded(String),
}

pub async fn checks(k: &Kernel, topic_id: i64) -> Result<Vec<Check>> {
    let rows = query(
        k.db.backend(),
        "SELECT check_kind, file_hash, file_name, done_on, not_needed_reason FROM decision_checks WHERE topic_id = ?",
    )
    .bind(topic_id)
    .fetch_all(k.db.pool())
    .await?;
    let mut out = Vec::new();
    for r in &rows {
        let Some(kind) = CheckKind::parse(&get_s(r, 0)?) else {
            continue;
        };
        out.push(Check {
            kind,
            file_hash: get_opt_s(r, 1)?,
            file_name: get_opt_s(r, 2)?,
            done_on: get_opt_s(r, 3)?.map(|d| parse_date(&d)).transpose()?,
            not_needed_reason: get_opt_s(r, 4)?,
        });
    }
    out.sort_by_key(|c| CheckKind::ALL.iter().position(|k| *k == c.kind));
    Ok(out)
}

/// Records a preparation check (public/hearing, expert review, legal
/// opinion): the document with its date, or why it was not needed.
pub async fn record_check(
    k: &Kernel,
    now: OffsetDateTime,
    actor: &Actor,
    topic_id: i64,
    kind: CheckKind,
    entry: CheckEntry<'_>,
) -> Result<()> {
    let mut tx = k.db.begin().await?;
    let be = tx.backend();
    let t = load(tx.conn(), be, topic_id).await?;
    editable(&t)?;
    let (hash, name, on, reason) = match entry {
        CheckEntry::Done {
            on,
            file_name,
            mime,
            bytes,
        } => {
            let name = check_file_name(file_name)?;
            if bytes.is_empty() {
                return Err(Error::invalid("empty_file", "附件为空文件"));
            }
            let h = files::put(&mut tx, &k.data_dir, now, bytes, mime).await?;
            (Some(h), Some(name), Some(fmt_date(on)), None)
        }
        CheckEntry::NotNeeded(r) => {
            let r = yangguang_kernel::text::required("不需要的理由", &r, 500)?;
            (None, None, None, Some(r))
        }
    };
    query(
        be,
        "DELETE FROM decision_checks WHERE topic_id = ? AND check_kind = ?",
    )
    .bind(topic_id)
    .bind(kind.as_str())
    .execute(tx.conn())
    .await?;
    query(
        be,
        "INSERT INTO decision_checks (topic_id, check_kind, file_hash, file_name, done_on, not_needed_reason, recorded_by, recorded_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(topic_id)
    .bind(kind.as_str())
    .bind(hash.clone())
    .bind(name.clone())
    .bind(on.clone())
    .bind(reason.clone())
    .bind(actor.user.clone())
    .bind(rfc3339(now))
    .execute(tx.conn())
    .await?;
    audit::success(
        &mut tx,
        &k.keys,
        now,
        actor,
        "decision.check_record",
        &object(topic_id),
        serde_json::json!({"check": kind.as_str(), "sha256": hash, "file": name, "on": on, "not_needed": reason}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// One step of the submission form: draft → submitted → approved →
/// recorded, each by the person the rules name.
async fn step(
    k: &Kernel,
    now: OffsetDateTime,
    actor: &Actor,
    topic_id: i64,
    from: TopicStatus,
    to: TopicStatus,
    event: &str,
) -> Result<()> {
    let mut tx = k.db.begin().await?;
    let be = tx.backend();
    let t = load(tx.conn(), be, topic_id).await?;
    if t.status != from {
        return Err(conflict(format!(
            "议题当前状态为“{}”，不能进行此操作",
            t.status.label()
        )));
    }
    match to {
        TopicStatus::Submitted => {
            let n: i64 = yangguang_kernel::db::query_scalar(
                be,
                "SELECT COUNT(*) FROM decision_checks WHERE topic_id = ?",
            )
            .bind(topic_id)
            .fetch_one(tx.conn())
            .await?;
            if n < CheckKind::ALL.len() as i64 {
                return Err(Error::invalid(
                    "checks_missing",
                    "提交前须逐项登记前期准备：公示或听证、专家论证、法律顾问意见（已完成的附文件和日期，不需要的写明理由）",
                ));
            }
            query(
                be,
                "UPDATE decision_topics SET submitted_at = ? WHERE id = ?",
            )
            .bind(rfc3339(now))
            .bind(topic_id)
            .execute(tx.conn())
            .await?;
        }
        TopicStatus::Approved => {
            if actor.user != t.deputy {
                return Err(Error::invalid(
                    "not_the_deputy",
                    "提交单须由分管领导本人审核同意",
                ));
            }
            query(
                be,
                "UPDATE decision_topics SET approved_by = ?, approved_at = ? WHERE id = ?",
            )
            .bind(actor.user.clone())
            .bind(rfc3339(now))
            .bind(topic_id)
            .execute(tx.conn())
            .await?;
        }
        _ => {
            query(
                be,
                "UPDATE decision_topics SET recorded_by = ?, recorded_at = ? WHERE id = ?",
            )
            .bind(actor.user.clone())
            .bind(rfc3339(now))
            .bind(topic_id)
            .execute(tx.conn())
            .await?;
        }
    }
    set_status(tx.conn(), be, topic_id, to).await?;
    audit::commit_success(
        tx,
        &k.keys,
        now,
        actor,
        event,
        &object(topic_id),
        serde_json::json!({"from": from.as_str(), "to": to.as_str()}),
    )
    .await
}

/// The lead unit files the submission form (重大事项会商提交单).
pub async fn submit(k: &Kernel, now: OffsetDateTime, actor: &Actor, id: i64) -> Result<()> {
    step(
        k,
        now,
        actor,
        id,
        TopicStatus::Draft,
        TopicStatus::Submitted,
        "decision.topic_submit",
    )
    .await
}

/// The deputy in charge approves the form.
pub async fn approve(k: &Kernel, now: OffsetDateTime, actor: &Actor, id: i64) -> Result<()> {
    step(
        k,
        now,
        actor,
        id,
        TopicStatus::Submitted,
        TopicStatus::Approved,
        "decision.topic_approve",
    )
    .await
}

/// The office records the approved form.
pub async fn record(k: &Kernel, now: OffsetDateTime, actor: &Actor, id: i64) -> Result<()> {
    step(
        k,
        now,
        actor,
        id,
        TopicStatus::Approved,
        TopicStatus::Recorded,
        "decision.topic_record",
    )
    .await
}

/// The principal's pre-meeting decision; a deferred topic comes back to
/// the principal when it is ready.
pub async fn pre_decide(
    k: &Kernel,
    now: OffsetDateTime,
    actor: &Actor,
    id: i64,
    d: PreDecision,
) -> Result<()> {
    let mut tx = k.db.begin().await?;
    let be = tx.backend();
    let t = load(tx.conn(), be, id).await?;
    if !matches!(t.status, TopicStatus::Recorded | TopicStatus::Deferred) {
        return Err(conflict(format!(
            "议题当前状态为“{}”，不能作出会前决定",
            t.status.label()
        )));
    }
    let (to, note) = match &d {
        PreDecision::Meeting => (TopicStatus::Ready, None),
        PreDecision::Ordinary => (TopicStatus::Ordinary, None),
        PreDecision::Defer(n) => (TopicStatus::Deferred, Some(n.clone())),
    };
    query(
        be,
        "UPDATE decision_topics SET pre_decision = ?, pre_note = ?, pre_by = ?, pre_at = ?, status = ? WHERE id = ?",
    )
    .bind(to.as_str())
    .bind(note.clone())
    .bind(actor.user.clone())
    .bind(rfc3339(now))
    .bind(to.as_str())
    .bind(id)
    .execute(tx.conn())
    .await?;
    if to == TopicStatus::Ordinary {
        publish_decided(&mut tx, now, id, to).await?;
    }
    audit::commit_success(
        tx,
        &k.keys,
        now,
        actor,
        "decision.topic_pre_decide",
        &object(id),
        serde_json::json!({"decision": to.as_str(), "note": note}),
    )
    .await
}

/// Records the approval step of a higher authority for an adopted topic.
pub async fn record_higher_approval(
    k: &Kernel,
    now: OffsetDateTime,
    actor: &Actor,
    id: i64,
    body: &str,
    result: &str,
    on: Date,
) -> Result<()> {
    let body = yangguang_kernel::text::required("报批机关", body, 100)?;
    let result = yangguang_kernel::text::required("批复结果", result, 500)?;
    let mut tx = k.db.begin().await?;
    let be = tx.backend();
    let t = load(tx.conn(), be, id).await?;
    if t.status != TopicStatus::Adopted {
        return Err(conflict("只有会议通过的议题才需报上级批准"));
    }
    query(
        be,
        "UPDATE decision_topics SET higher_body = ?, higher_result = ?, higher_on = ? WHERE id = ?",
    )
    .bind(body.clone())
    .bind(result.clone())
    .bind(fmt_date(on))
    .bind(id)
    .execute(tx.conn())
    .await?;
    audit::commit_success(
        tx,
        &k.keys,
        now,
        actor,
        "decision.topic_higher_approval",
        &object(id),
        serde_json::json!({"body": body, "result": result, "on": fmt_date(on)}),
    )
    .await
}

/// Outbox topic announcing that a topic is decided (adopted, not adopted,
/// or handled as ordinary business): other modules waiting on a collective
/// decision follow it instead of reading this module's tables.
pub const DECIDED: &str = "decision.decided";

/// Publishes [`DECIDED`] in the deciding transaction.
pub async fn publish_decided(
    tx: &mut yangguang_kernel::db::WriteTx,
    now: OffsetDateTime,
    id: i64,
    status: TopicStatus,
) -> Result<()> {
    yangguang_kernel::outbox::publish(
        tx,
        now,
        DECIDED,
        &object(id),
        &serde_json::json!({"topic_id": id, "outcome": status.as_str(), "label": status.label()}),
    )
    .await?;
    Ok(())
}
