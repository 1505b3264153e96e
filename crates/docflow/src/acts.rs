//! Acting on a task: 签收 (claim), then the act its step asks for, as a
//! typed command. One transaction per act: the task finished by a
//! guarded update, the document moved, the next tasks created, one audit
//! entry and one outbox row.

use time::{Date, OffsetDateTime};
use yangguang_kernel::audit::Actor;
use yangguang_kernel::db::query;
use yangguang_kernel::timefmt::rfc3339;
use yangguang_kernel::{Error, Kernel, Result};

use crate::engine::{self, record};
use crate::model::{Doc, Status, Task, TaskState, TaskStep};
use crate::rules::{self, Opinion, Secrecy, Urgency};
use crate::store::{load_doc, load_task};
use crate::who::Who;
use crate::{incoming, outgoing};

/// An uploaded file (scan, signed page, .docx draft).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    pub name: String,
    pub mime: String,
    pub bytes: Vec<u8>,
}

/// 收文登记 fields, filled by the receiving division and confirmed by the
/// office when it registers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    pub source_org: String,
    pub source_no: String,
    pub secrecy: Secrecy,
    pub secrecy_years: Option<u32>,
    pub urgency: Urgency,
    pub copies: i64,
    pub received_on: Date,
}

/// What a task's holder does; each variant belongs to one step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Act {
    Approve(Opinion),
    Register(Registration),
    Route {
        lead: i64,
        co: Vec<i64>,
        limit: Option<u32>,
    },
    Return {
        reason: String,
    },
    Resubmit {
        note: String,
    },
    DivisionOpinion {
        opinion: Opinion,
        handler: String,
    },
    Handle {
        result: String,
    },
    LeaderRead(Opinion),
    Read,
    SubmitDraft {
        cosign: Vec<i64>,
    },
    Cosign(Opinion),
    Consolidate {
        escalate: bool,
        note: String,
    },
    Coordinate(Opinion),
    Sign {
        opinion: Opinion,
        scan: Option<Upload>,
    },
    Recheck {
        note: String,
    },
    Number {
        entered: Option<i64>,
    },
    Print {
        copies: i64,
        main_to: String,
        cc_to: String,
    },
    Issue {
        archive_location: Option<String>,
    },
    ApproveAmendment(Opinion),
}

impl Act {
    /// The step this act belongs to (Route and Return share one task).
    pub fn step(&self) -> TaskStep {
        match self {
            Act::Approve(_) => TaskStep::Approve,
            Act::Register(_) => TaskStep::Register,
            Act::Route { .. } | Act::Return { .. } => TaskStep::Route,
            Act::Resubmit { .. } => TaskStep::Resubmit,
            Act::DivisionOpinion { .. } => TaskStep::DivisionOpinion,
            Act::Handle { .. } => TaskStep::Handle,
            Act::LeaderRead(_) => TaskStep::LeaderRead,
            Act::Read => TaskStep::Read,
            Act::SubmitDraft { .. } => TaskStep::Draft,
            Act::Cosign(_) => TaskStep::Cosign,
            Act::Consolidate { .. } => TaskStep::Consolidate,
            Act::Coordinate(_) => TaskStep::Coordinate,
            Act::Sign { .. } => TaskStep::Sign,
            Act::Recheck { .. } => TaskStep::Recheck,
            Act::Number { .. } => TaskStep::Number,
            Act::Print { .. } => TaskStep::Print,
            Act::Issue { .. } => TaskStep::Issue,
            Act::ApproveAmendment(_) => TaskStep::ApproveAmendment,
        }
    }

    /// (verdict, opinion text) as the trail keeps them.
    fn recorded(&self) -> (Option<String>, Option<String>) {
        let op = |o: &Opinion| (Some(o.verdict.as_str().to_string()), Some(o.display()));
        match self {
            Act::Approve(o)
            | Act::LeaderRead(o)
            | Act::Cosign(o)
            | Act::Coordinate(o)
            | Act::ApproveAmendment(o) => op(o),
            Act::DivisionOpinion { opinion, .. } | Act::Sign { opinion, .. } => op(opinion),
            Act::Return { reason } => (Some("return".into()), Some(reason.clone())),
            Act::Handle { result } => (None, Some(result.clone())),
            Act::Resubmit { note } | Act::Recheck { note } | Act::Consolidate { note, .. } => {
                (None, (!note.is_empty()).then(|| note.clone()))
            }
            _ => (None, None),
        }
    }
}

/// What an act's handler needs.
pub(crate) struct Acting<'a> {
    pub k: &'a Kernel,
    pub now: OffsetDateTime,
    pub who: &'a Who,
    pub actor: Actor,
    pub task: Task,
    pub doc: Doc,
}

/// 签收: the task's holder (or their B while they are away) confirms it.
pub async fn claim(k: &Kernel, now: OffsetDateTime, who: &Who, task_id: i64) -> Result<()> {
    let mut tx = k.db.begin().await?;
    let be = tx.backend();
    let task = load_task(tx.conn(), be, task_id).await?;
    rules::task_actor(task.assignee_user_id, who.me.id, &who.stands_for_ids())?;
    if task.state != TaskState::New {
        return Err(Error::Conflict(format!(
            "该任务当前为“{}”，不能再签收",
            task.state.label()
        )));
    }
    let actor = who.actor_for(task.assignee_user_id);
    let n = query(
        be,
        "UPDATE docflow_tasks SET state = 'claimed', claimed_at = ? WHERE id = ? AND state = 'new'",
    )
    .bind(rfc3339(now))
    .bind(task_id)
    .execute(tx.conn())
    .await?
    .rows_affected();
    if n != 1 {
        return Err(Error::Conflict("该任务已被签收，请刷新页面".into()));
    }
    record(
        &mut tx,
        k,
        now,
        &actor,
        "docflow.claim",
        task.doc_id,
        serde_json::json!({"task": task_id, "step": task.step.as_str()}),
    )
    .await?;
    tx.commit().await
}

/// Performs `act` on task `task_id`.
pub async fn act(k: &Kernel, now: OffsetDateTime, who: &Who, task_id: i64, act: Act) -> Result<()> {
    let mut tx = k.db.begin().await?;
    let be = tx.backend();
    let task = load_task(tx.conn(), be, task_id).await?;
    rules::task_actor(task.assignee_user_id, who.me.id, &who.stands_for_ids())?;
    if task.step != act.step() {
        return Err(Error::invalid(
            "wrong_act",
            format!(
                "该任务是“{}”，不能办理“{}”",
                task.step_label(),
                act.step().label()
            ),
        ));
    }
    match task.state {
        TaskState::New if !task.is_read() => {
            return Err(Error::Conflict("请先签收任务，再办理".into()));
        }
        TaskState::Done | TaskState::Cancelled => {
            return Err(Error::Conflict(format!(
                "该任务{}，不能再办理",
                task.state.label()
            )));
        }
        _ => {}
    }
    let doc = load_doc(tx.conn(), be, task.doc_id).await?;
    if doc.status == Status::Paused {
        return Err(Error::Conflict(
            "公文已暂停办理，等待集体研究决定后继续".into(),
        ));
    }
    // A change to the signed text waits for the signer: nothing goes out
    // in the meantime (复核, 登记, 印制, 核发 read the text being changed).
    if matches!(
        task.step,
        TaskStep::Recheck | TaskStep::Number | TaskStep::Print | TaskStep::Issue
    ) && engine::open_count(&mut tx, doc.id, TaskStep::ApproveAmendment).await? > 0
    {
        return Err(Error::Conflict(format!(
            "签发稿的修改申请尚待签发领导批准，批准或不批准后才能{}",
            task.step_label()
        )));
    }
    let actor = who.actor_for(task.assignee_user_id);
    let (verdict, text) = act.recorded();
    engine::finish(
        &mut tx,
        task.id,
        &actor,
        verdict.as_deref(),
        text.as_deref(),
        now,
        who.today,
    )
    .await?;
    let step = task.step;
    let mut a = Acting {
        k,
        now,
        who,
        actor,
        task,
        doc,
    };
    let detail = match act {
        Act::Read | Act::LeaderRead(_) => serde_json::json!({}),
        Act::Approve(o) => incoming::approve(&mut tx, &mut a, o).await?,
        Act::Register(r) => incoming::register(&mut tx, &mut a, r).await?,
        Act::Route { lead, co, limit } => incoming::route(&mut tx, &mut a, lead, co, limit).await?,
        Act::Return { reason } => incoming::give_back(&mut tx, &mut a, reason).await?,
        Act::Resubmit { .. } => incoming::resubmit(&mut tx, &mut a).await?,
        Act::DivisionOpinion { handler, .. } => {
            incoming::division_opinion(&mut tx, &mut a, &handler).await?
        }
        Act::Handle { result } => incoming::handle(&mut tx, &mut a, result).await?,
        Act::SubmitDraft { cosign } => outgoing::submit(&mut tx, &mut a, cosign).await?,
        Act::Cosign(_) => outgoing::cosigned(&mut tx, &mut a).await?,
        Act::Consolidate { escalate, .. } => {
            outgoing::consolidate(&mut tx, &mut a, escalate).await?
        }
        Act::Coordinate(_) => outgoing::coordinated(&mut tx, &mut a).await?,
        Act::Sign { opinion, scan } => outgoing::sign(&mut tx, &mut a, opinion, scan).await?,
        Act::Recheck { .. } => outgoing::rechecked(&mut tx, &mut a).await?,
        Act::Number { entered } => outgoing::number(&mut tx, &mut a, entered).await?,
        Act::Print {
            copies,
            main_to,
            cc_to,
        } => outgoing::print(&mut tx, &mut a, copies, main_to, cc_to).await?,
        Act::Issue { archive_location } => {
            outgoing::issue(&mut tx, &mut a, archive_location).await?
        }
        Act::ApproveAmendment(o) => outgoing::amendment_decided(&mut tx, &mut a, o).await?,
    };
    let mut detail = detail;
    if let Some(m) = detail.as_object_mut() {
        m.insert("task".into(), a.task.id.into());
        m.insert("step".into(), a.task.step_label().into());
        if let Some(v) = &verdict {
            m.insert("verdict".into(), v.clone().into());
        }
    }
    record(
        &mut tx,
        k,
        now,
        &a.actor,
        &format!("docflow.{}", step.as_str()),
        a.doc.id,
        detail,
    )
    .await?;
    tx.commit().await
}
