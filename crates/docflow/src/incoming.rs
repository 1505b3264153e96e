//! 收文 (RULES.md §6): a division receives a document and asks for online
//! handling; the deputy in charge (major matters: the principal) approves;
//! the office registers it (a gap-free number per year), checks it (初审,
//! returned with a reason) and routes it to one lead and any co-handling
//! divisions with a limit; heads give an opinion and name a handler; the
//! lead handler closes it (办结) once the co-handlers are done.

use time::OffsetDateTime;
use yangguang_kernel::audit::Actor;
use yangguang_kernel::db::{WriteTx, query, query_scalar};
use yangguang_kernel::text::{optional, required};
use yangguang_kernel::timefmt::{fmt_date, rfc3339};
use yangguang_kernel::{Error, Kernel, Result, files, numbering};

use crate::acts::{Acting, Registration, Upload};
use crate::engine::{self, NewTask, add_task, move_status, record};
use crate::model::{Status, TaskStep};
use crate::rules::{self, Opinion, Verdict, step_days};
use crate::who::{DUTY_REGISTER, Who, duty_holder};

/// A document as the receiving division files it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewIncoming {
    pub title: String,
    pub summary: String,
    pub reg: Registration,
    /// Received on paper and scanned (else electronic).
    pub paper: bool,
    /// A major matter: the principal approves online handling.
    pub major: bool,
    /// The deputy in charge (username).
    pub deputy: String,
    pub files: Vec<Upload>,
}

pub(crate) fn check_registration(r: &Registration) -> Result<Registration> {
    if r.copies < 1 || r.copies > 9999 {
        return Err(Error::invalid(
            "invalid_copies",
            "份数应为 1 到 9999 之间的整数",
        ));
    }
    rules::secrecy_mark(r.secrecy, r.secrecy_years)?;
    Ok(Registration {
        source_org: required("来文单位", &r.source_org, 100)?,
        source_no: optional("来文字号", &r.source_no, 60)?.unwrap_or_default(),
        ..r.clone()
    })
}

pub(crate) async fn save_file(
    tx: &mut WriteTx,
    k: &Kernel,
    now: OffsetDateTime,
    doc_id: i64,
    kind: &str,
    f: &Upload,
    by: &str,
) -> Result<String> {
    let name = required("文件名", &f.name, 200)?;
    if name.contains('/') || name.contains('\\') {
        return Err(Error::invalid(
            "invalid_file_name",
            "文件名不能包含路径分隔符",
        ));
    }
    if f.bytes.is_empty() {
        return Err(Error::invalid(
            "empty_file",
            format!("文件“{name}”为空，请重新选择"),
        ));
    }
    let hash = files::put(tx, &k.data_dir, now, &f.bytes, &f.mime).await?;
    query(
        tx.backend(),
        "INSERT INTO docflow_files (doc_id, kind, file_hash, file_name, mime, added_by, added_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(doc_id)
    .bind(kind.to_string())
    .bind(hash.clone())
    .bind(name)
    .bind(f.mime.clone())
    .bind(by.to_string())
    .bind(rfc3339(now))
    .execute(tx.conn())
    .await?;
    Ok(hash)
}

/// A leader who may approve or read: the deputy named must be a leader.
pub(crate) async fn leader_id(tx: &mut WriteTx, username: &str) -> Result<i64> {
    let id = engine::user_id(tx, username).await?;
    if !(engine::has_role(tx, id, "deputy_leader").await?
        || engine::has_role(tx, id, "principal_leader").await?)
    {
        return Err(Error::invalid(
            "not_a_leader",
            format!("“{}”不是局领导，不能作为分管领导", username.trim()),
        ));
    }
    Ok(id)
}

/// Files a received document and asks for online handling.
pub async fn receive(k: &Kernel, now: OffsetDateTime, who: &Who, n: NewIncoming) -> Result<i64> {
    let title = required("文件标题", &n.title, 200)?;
    let summary = optional("内容摘要", &n.summary, 4000)?.unwrap_or_default();
    let reg = check_registration(&n.reg)?;
    let division = who.me.division_id.ok_or_else(|| {
        Error::invalid(
            "no_division",
            "您的账号未归属处室，不能登记收文；请联系管理员",
        )
    })?;
    if n.paper && n.files.is_empty() {
        return Err(Error::invalid("scan_required", "纸质来文请上传扫描件"));
    }
    let mut tx = k.db.begin().await?;
    let deputy = leader_id(&mut tx, &n.deputy).await?;
    let approver = if n.major {
        engine::principal(&mut tx).await?
    } else {
        deputy
    };
    let actor = Actor::user(&who.me.username);
    let id: i64 = query_scalar(
        tx.backend(),
        "INSERT INTO docflow_docs (direction, title, status, urgency, secrecy, secrecy_years, lead_division_id, deputy, \
         major, summary, created_by, created_at, updated_at, source_org, source_no, copies, received_on, paper) \
         VALUES ('in', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(title.clone())
    .bind(Status::Requested.as_str())
    .bind(reg.urgency.as_str())
    .bind(reg.secrecy.as_str())
    .bind(reg.secrecy_years.map(i64::from))
    .bind(division)
    .bind(n.deputy.trim().to_string())
    .bind(i64::from(n.major))
    .bind(summary)
    .bind(who.me.username.clone())
    .bind(rfc3339(now))
    .bind(rfc3339(now))
    .bind(reg.source_org.clone())
    .bind(reg.source_no.clone())
    .bind(reg.copies)
    .bind(fmt_date(reg.received_on))
    .bind(i64::from(n.paper))
    .fetch_one(tx.conn())
    .await?;
    let kind = if n.paper { "scan" } else { "attachment" };
    for f in &n.files {
        save_file(&mut tx, k, now, id, kind, f, &who.me.username).await?;
    }
    add_task(
        &mut tx,
        now,
        NewTask {
            doc_id: id,
            read: false,
            step: TaskStep::Approve,
            note: "",
            assignee: approver,
            division_id: None,
            due_on: Some(
                k.calendar()
                    .add_working_days(who.today, step_days("approve", reg.urgency)),
            ),
            created_by: &who.me.username,
        },
    )
    .await?;
    record(
        &mut tx,
        k,
        now,
        &actor,
        "docflow.receive",
        id,
        serde_json::json!({"title": title, "source_org": reg.source_org, "major": n.major, "files": n.files.len()}),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

fn due(a: &Acting<'_>, step: &str) -> time::Date {
    a.k.calendar()
        .add_working_days(a.who.today, step_days(step, a.doc.urgency))
}

pub(crate) async fn approve(
    tx: &mut WriteTx,
    a: &mut Acting<'_>,
    o: Opinion,
) -> Result<serde_json::Value> {
    if o.verdict == Verdict::Disagree {
        move_status(tx, a.doc.id, Status::Requested, Status::Declined, a.now).await?;
        query(
            tx.backend(),
            "UPDATE docflow_docs SET closed_at = ? WHERE id = ?",
        )
        .bind(rfc3339(a.now))
        .bind(a.doc.id)
        .execute(tx.conn())
        .await?;
        return Ok(serde_json::json!({"approved": false}));
    }
    move_status(tx, a.doc.id, Status::Requested, Status::ToRegister, a.now).await?;
    let clerk = duty_holder(&a.who.posts, DUTY_REGISTER, "收发文登记")?;
    add_task(
        tx,
        a.now,
        NewTask {
            doc_id: a.doc.id,
            read: false,
            step: TaskStep::Register,
            note: "",
            assignee: clerk,
            division_id: None,
            due_on: Some(due(a, "register")),
            created_by: &a.actor.user,
        },
    )
    .await?;
    Ok(serde_json::json!({"approved": true}))
}

/// 收文登记: the number is the next of the year's sequence, taken once.
pub(crate) async fn register(
    tx: &mut WriteTx,
    a: &mut Acting<'_>,
    r: Registration,
) -> Result<serde_json::Value> {
    let r = check_registration(&r)?;
    if let Some(no) = a.doc.reg_no() {
        return Err(Error::Conflict(format!(
            "该公文已登记，收文编号为{no}，不能重复登记"
        )));
    }
    let year = a.who.today.year();
    let seq = numbering::next(tx, "docflow.in", year).await?;
    let n = query(
        tx.backend(),
        "UPDATE docflow_docs SET reg_year = ?, reg_seq = ?, source_org = ?, source_no = ?, secrecy = ?, \
         secrecy_years = ?, urgency = ?, copies = ?, received_on = ? WHERE id = ? AND reg_seq IS NULL",
    )
    .bind(i64::from(year))
    .bind(seq)
    .bind(r.source_org.clone())
    .bind(r.source_no.clone())
    .bind(r.secrecy.as_str())
    .bind(r.secrecy_years.map(i64::from))
    .bind(r.urgency.as_str())
    .bind(r.copies)
    .bind(fmt_date(r.received_on))
    .bind(a.doc.id)
    .execute(tx.conn())
    .await?
    .rows_affected();
    if n != 1 {
        return Err(Error::Conflict("该公文已登记，不能重复登记".into()));
    }
    a.doc.urgency = r.urgency;
    move_status(tx, a.doc.id, Status::ToRegister, Status::Registered, a.now).await?;
    add_task(
        tx,
        a.now,
        NewTask {
            doc_id: a.doc.id,
            read: false,
            step: TaskStep::Route,
            note: "",
            assignee: a.task.assignee_user_id,
            division_id: None,
            due_on: Some(due(a, "route")),
            created_by: &a.actor.user,
        },
    )
    .await?;
    Ok(serde_json::json!({"reg_no": format!("收〔{year}〕{seq}号")}))
}

/// 分办: one lead division, any co-handling divisions, the limit.
pub(crate) async fn route(
    tx: &mut WriteTx,
    a: &mut Acting<'_>,
    lead: i64,
    co: Vec<i64>,
    limit: Option<u32>,
) -> Result<serde_json::Value> {
    if co.contains(&lead) {
        return Err(Error::invalid("lead_in_co", "主办处室不能同时作为协办处室"));
    }
    let days = rules::time_limit(a.doc.urgency, limit)?;
    let due_on = a.k.calendar().add_working_days(a.who.today, days);
    move_status(tx, a.doc.id, Status::Registered, Status::Handling, a.now).await?;
    query(
        tx.backend(),
        "UPDATE docflow_docs SET lead_division_id = ?, limit_days = ?, due_on = ? WHERE id = ?",
    )
    .bind(lead)
    .bind(i64::from(days))
    .bind(fmt_date(due_on))
    .bind(a.doc.id)
    .execute(tx.conn())
    .await?;
    let mut names = Vec::new();
    for (d, role) in std::iter::once((lead, "lead")).chain(co.iter().map(|c| (*c, "co"))) {
        let name = engine::division_name(tx, d).await?;
        engine::add_division(tx, a.doc.id, d, role, &a.actor.user, a.now).await?;
        let head = engine::head_of(tx, d).await?;
        add_task(
            tx,
            a.now,
            NewTask {
                doc_id: a.doc.id,
                read: false,
                step: TaskStep::DivisionOpinion,
                note: role,
                assignee: head,
                division_id: Some(d),
                due_on: Some(due_on),
                created_by: &a.actor.user,
            },
        )
        .await?;
        names.push(name);
    }
    Ok(serde_json::json!({"divisions": names, "limit_days": days, "due_on": fmt_date(due_on)}))
}

/// 初审 finds it does not comply: back to the receiving division.
pub(crate) async fn give_back(
    tx: &mut WriteTx,
    a: &mut Acting<'_>,
    reason: String,
) -> Result<serde_json::Value> {
    let reason = required("退回理由", &reason, 1000)?;
    move_status(tx, a.doc.id, Status::Registered, Status::Returned, a.now).await?;
    query(
        tx.backend(),
        "UPDATE docflow_docs SET return_reason = ? WHERE id = ?",
    )
    .bind(reason.clone())
    .bind(a.doc.id)
    .execute(tx.conn())
    .await?;
    let owner = engine::user_id(tx, a.doc.owner()).await?;
    add_task(
        tx,
        a.now,
        NewTask {
            doc_id: a.doc.id,
            read: false,
            step: TaskStep::Resubmit,
            note: "",
            assignee: owner,
            division_id: a.doc.lead_division_id,
            due_on: Some(due(a, "resubmit")),
            created_by: &a.actor.user,
        },
    )
    .await?;
    Ok(serde_json::json!({"returned": true}))
}

/// The receiving division has completed what was missing: back to 初审
/// (the registration number stays).
pub(crate) async fn resubmit(tx: &mut WriteTx, a: &mut Acting<'_>) -> Result<serde_json::Value> {
    move_status(tx, a.doc.id, Status::Returned, Status::Registered, a.now).await?;
    let clerk = duty_holder(&a.who.posts, DUTY_REGISTER, "收发文登记")?;
    add_task(
        tx,
        a.now,
        NewTask {
            doc_id: a.doc.id,
            read: false,
            step: TaskStep::Route,
            note: "",
            assignee: clerk,
            division_id: None,
            due_on: Some(due(a, "route")),
            created_by: &a.actor.user,
        },
    )
    .await?;
    Ok(serde_json::json!({}))
}

/// The head's 拟办意见 names a handler in the same division.
pub(crate) async fn division_opinion(
    tx: &mut WriteTx,
    a: &mut Acting<'_>,
    handler: &str,
) -> Result<serde_json::Value> {
    if a.doc.status != Status::Handling {
        return Err(Error::Conflict(format!(
            "公文当前为“{}”，不能拟办",
            a.doc.status.label()
        )));
    }
    let h = engine::user_id(tx, handler).await?;
    let hd: Option<i64> = query_scalar(tx.backend(), "SELECT division_id FROM users WHERE id = ?")
        .bind(h)
        .fetch_one(tx.conn())
        .await?;
    if hd != a.task.division_id {
        return Err(Error::invalid(
            "handler_not_in_division",
            "承办人必须是本处室的工作人员",
        ));
    }
    add_task(
        tx,
        a.now,
        NewTask {
            doc_id: a.doc.id,
            read: false,
            step: TaskStep::Handle,
            note: &a.task.note,
            assignee: h,
            division_id: a.task.division_id,
            due_on: a
                .doc
                .due_on
                .as_deref()
                .and_then(|d| yangguang_kernel::timefmt::parse_date(d).ok()),
            created_by: &a.actor.user,
        },
    )
    .await?;
    Ok(serde_json::json!({"handler": handler.trim()}))
}

/// 承办: a co-handler's opinion, or the lead handler's 办结 with the result.
pub(crate) async fn handle(
    tx: &mut WriteTx,
    a: &mut Acting<'_>,
    result: String,
) -> Result<serde_json::Value> {
    let result = required("办理结果", &result, 4000)?;
    if a.task.note != "lead" {
        return Ok(serde_json::json!({"co": true}));
    }
    let open: i64 = query_scalar(
        tx.backend(),
        "SELECT COUNT(*) FROM docflow_tasks WHERE doc_id = ? AND kind = 'todo' AND note = 'co' \
         AND step IN ('division_opinion', 'handle') AND state IN ('new', 'claimed')",
    )
    .bind(a.doc.id)
    .fetch_one(tx.conn())
    .await?;
    if open > 0 {
        return Err(Error::Conflict(format!(
            "还有 {open} 项协办任务未完成，协办处室办结后才能办结"
        )));
    }
    move_status(tx, a.doc.id, Status::Handling, Status::Closed, a.now).await?;
    query(
        tx.backend(),
        "UPDATE docflow_docs SET result = ?, closed_at = ? WHERE id = ?",
    )
    .bind(result)
    .bind(rfc3339(a.now))
    .bind(a.doc.id)
    .execute(tx.conn())
    .await?;
    Ok(serde_json::json!({"closed": true}))
}
