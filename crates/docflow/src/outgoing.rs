//! 发文 (RULES.md §6): the lead division drafts (versions kept); 会签 in
//! parallel with 加签; the lead division consolidates, the deputy
//! coordinates a disagreement; 签发 along the path the type demands; the
//! signed text is frozen (SM3 in the audit chain); 复核 → 登记 (发文字号)
//! → 印制 → 核发, and a document for 主动公开 becomes a disclosure draft.

use time::OffsetDateTime;
use yangguang_kernel::audit::Actor;
use yangguang_kernel::db::{WriteTx, query, query_scalar};
use yangguang_kernel::org::Role;
use yangguang_kernel::text::{optional, required};
use yangguang_kernel::timefmt::{fmt_date, rfc3339};
use yangguang_kernel::{Error, Kernel, Result, files, numbering, org_store};

use crate::acts::{Acting, Upload};
use crate::engine::{self, NewTask, add_task, move_status, record};
use crate::incoming::{leader_id, save_file};
use crate::model::{Doc, Status, TaskStep};
use crate::rules::{self, ActorFacts, DocType, Opinion, Secrecy, SignRole, Urgency, Verdict};
use crate::store::{current_path_in, load_doc, load_path};
use crate::who::{DUTY_DIRECTOR, DUTY_REGISTER, DUTY_REVIEW, Person, Who, duty_holder};

/// A new draft as the lead division files it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOutgoing {
    pub title: String,
    pub doc_type: DocType,
    pub urgency: Urgency,
    pub secrecy: Secrecy,
    pub secrecy_years: Option<u32>,
    pub deputy: String,
    pub instructing_leader: Option<String>,
    pub main_to: String,
    pub cc_to: String,
    pub public_release: bool,
    pub body: String,
    pub docx: Option<Upload>,
}

pub const DOCX_MIME: &str =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// The SM3 of a version: its text and the hash of its .docx, if any.
pub fn version_sm3(body: &str, file_hash: Option<&str>) -> String {
    files::hash(format!("{body}\n{}", file_hash.unwrap_or("")).as_bytes())
}

async fn insert_version(
    tx: &mut WriteTx,
    k: &Kernel,
    now: OffsetDateTime,
    doc_id: i64,
    (body, docx): (&str, Option<&Upload>),
    actor: &Actor,
    frozen: Option<(&str, Option<&str>)>,
) -> Result<(i64, Option<String>)> {
    let no: i64 = query_scalar(
        tx.backend(),
        "SELECT COALESCE(MAX(no), 0) + 1 FROM docflow_versions WHERE doc_id = ?",
    )
    .bind(doc_id)
    .fetch_one(tx.conn())
    .await?;
    let file_hash = match docx {
        Some(f) => Some(save_file(tx, k, now, doc_id, "draft_docx", f, &actor.user).await?),
        None => None,
    };
    let sm3 = frozen.map(|_| version_sm3(body, file_hash.as_deref()));
    query(
        tx.backend(),
        "INSERT INTO docflow_versions (doc_id, no, body, file_hash, file_name, author, author_for, created_at, frozen, \
         sm3, reason, approved_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(doc_id)
    .bind(no)
    .bind(body.to_string())
    .bind(file_hash.clone())
    .bind(docx.map(|f| f.name.clone()))
    .bind(actor.user.clone())
    .bind(actor.acting_for.clone())
    .bind(rfc3339(now))
    .bind(i64::from(frozen.is_some()))
    .bind(sm3.clone())
    .bind(frozen.map(|f| f.0.to_string()))
    .bind(frozen.and_then(|f| f.1.map(str::to_string)))
    .execute(tx.conn())
    .await?;
    Ok((no, sm3))
}

fn check_body(body: &str, docx: Option<&Upload>) -> Result<String> {
    let body = body.trim().to_string();
    if body.is_empty() && docx.is_none() {
        return Err(Error::invalid(
            "body_required",
            "请填写正文或上传 .docx 文稿",
        ));
    }
    if body.chars().count() > 100_000 {
        return Err(Error::invalid("body_too_long", "正文不能超过 10 万字"));
    }
    if let Some(f) = docx
        && !(f.name.to_lowercase().ends_with(".docx") && f.bytes.starts_with(b"PK"))
    {
        return Err(Error::invalid(
            "not_docx",
            format!("文件“{}”不是 .docx 文稿", f.name),
        ));
    }
    Ok(body)
}

/// Starts a draft; the drafter's 起草 task is confirmed at once.
pub async fn create(k: &Kernel, now: OffsetDateTime, who: &Who, n: NewOutgoing) -> Result<i64> {
    let title = required("文件标题", &n.title, 200)?;
    let body = check_body(&n.body, n.docx.as_ref())?;
    rules::secrecy_mark(n.secrecy, n.secrecy_years)?;
    let main_to = optional("主送机关", &n.main_to, 500)?.unwrap_or_default();
    let cc_to = optional("抄送机关", &n.cc_to, 500)?.unwrap_or_default();
    let division = who
        .me
        .division_id
        .ok_or_else(|| Error::invalid("no_division", "您的账号未归属处室，不能起草公文"))?;
    let mut tx = k.db.begin().await?;
    leader_id(&mut tx, &n.deputy).await?;
    let instructing = match (n.doc_type, n.instructing_leader.as_deref().map(str::trim)) {
        (DocType::OfficeInstructed, None | Some("")) => {
            return Err(Error::invalid(
                "instructing_leader_required",
                "办公室·领导交办的公文须指明交办领导",
            ));
        }
        (_, Some(l)) if !l.is_empty() => {
            leader_id(&mut tx, l).await?;
            Some(l.to_string())
        }
        _ => None,
    };
    let be = tx.backend();
    let path = current_path_in(tx.conn(), be, n.doc_type).await?;
    let actor = Actor::user(&who.me.username);
    let id: i64 = query_scalar(
        be,
        "INSERT INTO docflow_docs (direction, title, status, urgency, secrecy, secrecy_years, lead_division_id, deputy, \
         created_by, created_at, updated_at, doc_type, path_id, step_index, instructing_leader, main_to, cc_to, \
         public_release) VALUES ('out', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?) RETURNING id",
    )
    .bind(title.clone())
    .bind(Status::Drafting.as_str())
    .bind(n.urgency.as_str())
    .bind(n.secrecy.as_str())
    .bind(n.secrecy_years.map(i64::from))
    .bind(division)
    .bind(n.deputy.trim().to_string())
    .bind(who.me.username.clone())
    .bind(rfc3339(now))
    .bind(rfc3339(now))
    .bind(n.doc_type.as_str())
    .bind(path.id)
    .bind(instructing)
    .bind(main_to)
    .bind(cc_to)
    .bind(i64::from(n.public_release))
    .fetch_one(tx.conn())
    .await?;
    engine::add_division(&mut tx, id, division, "lead", &who.me.username, now).await?;
    insert_version(&mut tx, k, now, id, (&body, n.docx.as_ref()), &actor, None).await?;
    let t = add_task(
        &mut tx,
        now,
        NewTask {
            doc_id: id,
            read: false,
            step: TaskStep::Draft,
            note: "",
            assignee: who.me.id,
            division_id: Some(division),
            due_on: None,
            created_by: &who.me.username,
        },
    )
    .await?;
    query(
        tx.backend(),
        "UPDATE docflow_tasks SET state = 'claimed', claimed_at = ? WHERE id = ?",
    )
    .bind(rfc3339(now))
    .bind(t)
    .execute(tx.conn())
    .await?;
    record(
        &mut tx,
        k,
        now,
        &actor,
        "docflow.draft_create",
        id,
        serde_json::json!({"title": title, "doc_type": n.doc_type.label(), "path_version": path.version}),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Who may change the text before 签发: whoever holds the open drafting,
/// consolidating or 核稿 task (in person or as B).
async fn may_edit(tx: &mut WriteTx, who: &Who, doc: &Doc) -> Result<()> {
    if !doc.status.editable() {
        return Err(Error::Conflict(format!(
            "公文当前为“{}”，文稿已定稿，不能再修改；签发后的修改须经办公室报签发人批准",
            doc.status.label()
        )));
    }
    let ids = who.inbox_ids();
    let placeholders = vec!["?"; ids.len()].join(", ");
    let sql = format!(
        "SELECT COUNT(*) FROM docflow_tasks WHERE doc_id = ? AND state IN ('new', 'claimed') \
         AND (step IN ('draft', 'consolidate') OR (step = 'sign' AND note = 'office_review')) \
         AND assignee_user_id IN ({placeholders})"
    );
    let mut q = yangguang_kernel::db::query_dyn(tx.backend(), sql).bind(doc.id);
    for i in ids {
        q = q.bind(i);
    }
    if crate::store::n(&q.fetch_one(tx.conn()).await?, 0)? == 0 {
        return Err(Error::Forbidden(
            "只有起草人、汇总人或核稿人可以修改文稿".into(),
        ));
    }
    Ok(())
}

/// Saves a new version of the text (the old ones are kept).
pub async fn new_version(
    k: &Kernel,
    now: OffsetDateTime,
    who: &Who,
    doc_id: i64,
    body: &str,
    docx: Option<Upload>,
) -> Result<i64> {
    let body = check_body(body, docx.as_ref())?;
    let mut tx = k.db.begin().await?;
    let be = tx.backend();
    let doc = load_doc(tx.conn(), be, doc_id).await?;
    may_edit(&mut tx, who, &doc).await?;
    let actor = Actor::user(&who.me.username);
    let (no, _) = insert_version(
        &mut tx,
        k,
        now,
        doc_id,
        (&body, docx.as_ref()),
        &actor,
        None,
    )
    .await?;
    record(
        &mut tx,
        k,
        now,
        &actor,
        "docflow.version",
        doc_id,
        serde_json::json!({"version": no}),
    )
    .await?;
    tx.commit().await?;
    Ok(no)
}

fn due(a: &Acting<'_>, step: &str) -> time::Date {
    a.k.calendar()
        .add_working_days(a.who.today, rules::step_days(step, a.doc.urgency))
}

async fn cosign_task(tx: &mut WriteTx, a: &Acting<'_>, division: i64) -> Result<String> {
    let name = engine::division_name(tx, division).await?;
    engine::add_division(tx, a.doc.id, division, "cosign", &a.actor.user, a.now).await?;
    let head = engine::head_of(tx, division).await?;
    add_task(
        tx,
        a.now,
        NewTask {
            doc_id: a.doc.id,
            read: false,
            step: TaskStep::Cosign,
            note: "",
            assignee: head,
            division_id: Some(division),
            due_on: Some(due(a, "cosign")),
            created_by: &a.actor.user,
        },
    )
    .await?;
    Ok(name)
}

/// The user who acts at a path step, by its role.
async fn step_assignee(tx: &mut WriteTx, a: &Acting<'_>, role: SignRole) -> Result<i64> {
    match role {
        SignRole::LeadDivision => engine::user_id(tx, a.doc.owner()).await,
        SignRole::LeadHead => engine::head_of(tx, a.doc.lead_division_id.unwrap_or_default()).await,
        SignRole::Office => duty_holder(&a.who.posts, DUTY_REVIEW, "办公室核稿"),
        SignRole::OfficeDirector => duty_holder(&a.who.posts, DUTY_DIRECTOR, "办公室主任"),
        SignRole::Deputy => engine::user_id(tx, &a.doc.deputy).await,
        SignRole::Principal => engine::principal(tx).await,
        SignRole::InstructingLeader => {
            engine::user_id(tx, a.doc.instructing_leader.as_deref().unwrap_or_default()).await
        }
    }
}

/// Opens the task of path step `index`.
async fn open_step(tx: &mut WriteTx, a: &Acting<'_>, index: usize) -> Result<()> {
    let be = tx.backend();
    let path = load_path(tx.conn(), be, a.doc.path_id.unwrap_or_default()).await?;
    let step = path
        .steps
        .get(index)
        .copied()
        .ok_or_else(|| Error::Internal("docflow: path step out of range".into()))?;
    query(be, "UPDATE docflow_docs SET step_index = ? WHERE id = ?")
        .bind(i64::try_from(index).unwrap_or(0))
        .bind(a.doc.id)
        .execute(tx.conn())
        .await?;
    let who = step_assignee(tx, a, step.role).await?;
    add_task(
        tx,
        a.now,
        NewTask {
            doc_id: a.doc.id,
            read: false,
            step: TaskStep::Sign,
            note: step.step.as_str(),
            assignee: who,
            division_id: a.doc.lead_division_id,
            due_on: Some(due(a, "sign")),
            created_by: &a.actor.user,
        },
    )
    .await?;
    Ok(())
}

async fn owner_task(tx: &mut WriteTx, a: &Acting<'_>, step: TaskStep) -> Result<()> {
    let owner = engine::user_id(tx, a.doc.owner()).await?;
    add_task(
        tx,
        a.now,
        NewTask {
            doc_id: a.doc.id,
            read: false,
            step,
            note: "",
            assignee: owner,
            division_id: a.doc.lead_division_id,
            due_on: Some(due(a, step.as_str())),
            created_by: &a.actor.user,
        },
    )
    .await?;
    Ok(())
}

/// The drafter sends the draft on: to 会签 divisions, or along the path.
pub(crate) async fn submit(
    tx: &mut WriteTx,
    a: &mut Acting<'_>,
    cosign: Vec<i64>,
) -> Result<serde_json::Value> {
    if cosign.is_empty() {
        move_status(tx, a.doc.id, Status::Drafting, Status::Signing, a.now).await?;
        open_step(tx, a, 1).await?;
        return Ok(serde_json::json!({"cosign": []}));
    }
    if a.doc.lead_division_id.is_some_and(|l| cosign.contains(&l)) {
        return Err(Error::invalid("lead_cosign", "主办处室不能作为会签处室"));
    }
    move_status(tx, a.doc.id, Status::Drafting, Status::Cosigning, a.now).await?;
    // A document returned after 会签 may go to the same divisions again.
    query(
        tx.backend(),
        "DELETE FROM docflow_divisions WHERE doc_id = ? AND role = 'cosign'",
    )
    .bind(a.doc.id)
    .execute(tx.conn())
    .await?;
    let mut names = Vec::new();
    for d in cosign {
        names.push(cosign_task(tx, a, d).await?);
    }
    Ok(serde_json::json!({"cosign": names}))
}

/// 加签: the drafter adds one more co-signing division while 会签 runs.
pub async fn add_cosign(
    k: &Kernel,
    now: OffsetDateTime,
    who: &Who,
    doc_id: i64,
    division: i64,
) -> Result<()> {
    let mut tx = k.db.begin().await?;
    let be = tx.backend();
    let doc = load_doc(tx.conn(), be, doc_id).await?;
    if doc.status != Status::Cosigning {
        return Err(Error::Conflict(format!(
            "公文当前为“{}”，只有会签中的公文可以加签",
            doc.status.label()
        )));
    }
    let owner = engine::user_id(&mut tx, doc.owner()).await?;
    rules::task_actor(owner, who.me.id, &who.stands_for_ids())
        .map_err(|_| Error::Forbidden("只有起草人可以加签".into()))?;
    if doc.lead_division_id == Some(division) {
        return Err(Error::invalid("lead_cosign", "主办处室不能作为会签处室"));
    }
    let actor = who.actor_for(owner);
    let task = crate::store::doc_tasks_in(tx.conn(), be, doc_id)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| Error::Internal("docflow: document without tasks".into()))?;
    let a = Acting {
        k,
        now,
        who,
        actor: actor.clone(),
        task,
        doc,
    };
    let name = cosign_task(&mut tx, &a, division).await?;
    record(
        &mut tx,
        k,
        now,
        &actor,
        "docflow.cosign_add",
        doc_id,
        serde_json::json!({"division": name}),
    )
    .await?;
    tx.commit().await
}

pub(crate) async fn cosigned(tx: &mut WriteTx, a: &mut Acting<'_>) -> Result<serde_json::Value> {
    if engine::open_count(tx, a.doc.id, TaskStep::Cosign).await? == 0 {
        move_status(
            tx,
            a.doc.id,
            Status::Cosigning,
            Status::Consolidating,
            a.now,
        )
        .await?;
        owner_task(tx, a, TaskStep::Consolidate).await?;
        return Ok(serde_json::json!({"all_cosigned": true}));
    }
    Ok(serde_json::json!({"all_cosigned": false}))
}

/// 汇总: on to the signing path, or to the deputy to settle a disagreement.
pub(crate) async fn consolidate(
    tx: &mut WriteTx,
    a: &mut Acting<'_>,
    escalate: bool,
) -> Result<serde_json::Value> {
    if escalate {
        move_status(
            tx,
            a.doc.id,
            Status::Consolidating,
            Status::Coordinating,
            a.now,
        )
        .await?;
        let deputy = engine::user_id(tx, &a.doc.deputy).await?;
        add_task(
            tx,
            a.now,
            NewTask {
                doc_id: a.doc.id,
                read: false,
                step: TaskStep::Coordinate,
                note: "",
                assignee: deputy,
                division_id: None,
                due_on: Some(due(a, "coordinate")),
                created_by: &a.actor.user,
            },
        )
        .await?;
        return Ok(serde_json::json!({"escalated": true}));
    }
    move_status(tx, a.doc.id, Status::Consolidating, Status::Signing, a.now).await?;
    open_step(tx, a, 1).await?;
    Ok(serde_json::json!({"escalated": false}))
}

/// The deputy's settlement goes back to the drafter to consolidate.
pub(crate) async fn coordinated(tx: &mut WriteTx, a: &mut Acting<'_>) -> Result<serde_json::Value> {
    move_status(
        tx,
        a.doc.id,
        Status::Coordinating,
        Status::Consolidating,
        a.now,
    )
    .await?;
    owner_task(tx, a, TaskStep::Consolidate).await?;
    Ok(serde_json::json!({}))
}

/// The path's facts about the person a task is worked for.
fn facts(who: &Who, p: &Person, doc: &Doc) -> ActorFacts {
    let lead = doc.lead_division_id.is_some() && p.division_id == doc.lead_division_id;
    let acts_on = |duty: &str| {
        who.posts
            .iter()
            .any(|v| v.duty == duty && v.acting.user_id() == Some(who.me.id))
    };
    ActorFacts {
        lead_staff: lead,
        // The head: the role, or (the office) the 办公室主任 post's holder,
        // as `engine::head_of` picks them.
        lead_head: lead
            && (p.has(Role::DivisionHead)
                || who.posts.iter().any(|v| {
                    v.duty == DUTY_DIRECTOR
                        && v.division_id == doc.lead_division_id
                        && v.post.a_user_id == p.id
                })),
        office_reviewer: acts_on(DUTY_REVIEW),
        office_director: acts_on(DUTY_DIRECTOR),
        doc_deputy: p.username == doc.deputy,
        principal: p.has(Role::PrincipalLeader),
        instructing_leader: doc.instructing_leader.as_deref() == Some(p.username.as_str()),
    }
}

/// A step of the signing path. Refused (403) from anyone the path does
/// not name at the document's current step.
pub(crate) async fn sign(
    tx: &mut WriteTx,
    a: &mut Acting<'_>,
    o: Opinion,
    scan: Option<Upload>,
) -> Result<serde_json::Value> {
    if a.doc.status != Status::Signing {
        return Err(Error::Conflict(format!(
            "公文当前为“{}”，不在审签中",
            a.doc.status.label()
        )));
    }
    let be = tx.backend();
    let path = load_path(tx.conn(), be, a.doc.path_id.unwrap_or_default()).await?;
    let f = facts(a.who, a.who.person_for(a.task.assignee_user_id), &a.doc);
    let step = rules::may_act(&path.steps, a.doc.step_index, f)?;
    if step.step.as_str() != a.task.note {
        return Err(Error::Forbidden(format!(
            "当前步骤为“{}”，不是本任务的步骤",
            step.step.label()
        )));
    }
    if step.step.on_paper() {
        let f = scan.as_ref().ok_or_else(|| {
            Error::invalid(
                "scan_required",
                format!("“{}”须上传纸质签批页的扫描件", step.step.label()),
            )
        })?;
        save_file(tx, a.k, a.now, a.doc.id, "signed_page", f, &a.actor.user).await?;
    }
    if o.verdict == Verdict::Disagree {
        // Back to the drafter; the path starts again after the revision.
        move_status(tx, a.doc.id, Status::Signing, Status::Drafting, a.now).await?;
        query(be, "UPDATE docflow_docs SET step_index = 0 WHERE id = ?")
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
                step: TaskStep::Draft,
                note: "",
                assignee: owner,
                division_id: a.doc.lead_division_id,
                due_on: Some(due(a, "draft")),
                created_by: &a.actor.user,
            },
        )
        .await?;
        return Ok(serde_json::json!({"path_step": step.step.as_str(), "returned": true}));
    }
    if !step.step.issues() {
        open_step(tx, a, a.doc.step_index + 1).await?;
        return Ok(serde_json::json!({"path_step": step.step.as_str()}));
    }
    // 签发: the latest version is frozen, its SM3 enters the audit chain.
    let (no, body, file_hash): (i64, String, Option<String>) = {
        let r = query(
            be,
            "SELECT no, body, file_hash FROM docflow_versions WHERE doc_id = ? ORDER BY no DESC LIMIT 1",
        )
        .bind(a.doc.id)
        .fetch_one(tx.conn())
        .await?;
        (
            crate::store::n(&r, 0)?,
            crate::store::s(&r, 1)?,
            crate::store::os(&r, 2)?,
        )
    };
    let sm3 = version_sm3(&body, file_hash.as_deref());
    query(
        be,
        "UPDATE docflow_versions SET frozen = 1, sm3 = ?, reason = ? WHERE doc_id = ? AND no = ? AND frozen = 0",
    )
    .bind(sm3.clone())
    .bind("签发定稿")
    .bind(a.doc.id)
    .bind(no)
    .execute(tx.conn())
    .await?;
    let signer = a.who.person_for(a.task.assignee_user_id).username.clone();
    query(
        be,
        "UPDATE docflow_docs SET signed_by = ?, signed_for = ?, signed_on = ? WHERE id = ?",
    )
    .bind(signer.clone())
    .bind(a.actor.acting_for.as_ref().map(|_| a.actor.user.clone()))
    .bind(fmt_date(a.who.today))
    .bind(a.doc.id)
    .execute(tx.conn())
    .await?;
    move_status(tx, a.doc.id, Status::Signing, Status::Signed, a.now).await?;
    let clerk = duty_holder(&a.who.posts, DUTY_REGISTER, "收发文登记")?;
    add_task(
        tx,
        a.now,
        NewTask {
            doc_id: a.doc.id,
            read: false,
            step: TaskStep::Recheck,
            note: "",
            assignee: clerk,
            division_id: None,
            due_on: Some(due(a, "recheck")),
            created_by: &a.actor.user,
        },
    )
    .await?;
    Ok(
        serde_json::json!({"path_step": step.step.as_str(), "signed": true, "version": no, "sm3": sm3}),
    )
}

async fn next_clerk_task(tx: &mut WriteTx, a: &Acting<'_>, step: TaskStep) -> Result<()> {
    add_task(
        tx,
        a.now,
        NewTask {
            doc_id: a.doc.id,
            read: false,
            step,
            note: "",
            assignee: a.task.assignee_user_id,
            division_id: None,
            due_on: Some(due(a, step.as_str())),
            created_by: &a.actor.user,
        },
    )
    .await?;
    Ok(())
}

pub(crate) async fn rechecked(tx: &mut WriteTx, a: &mut Acting<'_>) -> Result<serde_json::Value> {
    move_status(tx, a.doc.id, Status::Signed, Status::Checked, a.now).await?;
    next_clerk_task(tx, a, TaskStep::Number).await?;
    Ok(serde_json::json!({}))
}

/// The 代字 of a document: the agency's, with 办 for the office's name.
pub async fn prefix_of(k: &Kernel, t: DocType) -> Result<String> {
    let agency = org_store::main_agency(k)
        .await?
        .ok_or_else(|| Error::Conflict("尚未登记机关，无法编发文字号".into()))?;
    Ok(if t.office_name() {
        format!("{}办", agency.doc_prefix)
    } else {
        agency.doc_prefix
    })
}

/// 登记: the next 发文字号 of the 代字 and year; a number typed by the
/// clerk must be that one (no gap, no reuse).
pub(crate) async fn number(
    tx: &mut WriteTx,
    a: &mut Acting<'_>,
    entered: Option<i64>,
) -> Result<serde_json::Value> {
    if let Some(no) = &a.doc.doc_no {
        return Err(Error::Conflict(format!(
            "该公文已有发文字号{no}，不能再编号"
        )));
    }
    let t = a
        .doc
        .doc_type
        .ok_or_else(|| Error::Internal("docflow: outgoing without type".into()))?;
    let prefix = prefix_of(a.k, t).await?;
    let year = a.who.today.year();
    let seq = numbering::next(tx, &format!("docflow.out:{prefix}"), year).await?;
    if let Some(e) = entered {
        rules::check_entered_seq(seq, e)?;
    }
    let no = rules::doc_number(&prefix, year, seq)?;
    let n = query(
        tx.backend(),
        "UPDATE docflow_docs SET prefix = ?, no_year = ?, no_seq = ?, doc_no = ? WHERE id = ? AND doc_no IS NULL",
    )
    .bind(prefix)
    .bind(i64::from(year))
    .bind(seq)
    .bind(no.clone())
    .bind(a.doc.id)
    .execute(tx.conn())
    .await?
    .rows_affected();
    if n != 1 {
        return Err(Error::Conflict("该公文已有发文字号，不能再编号".into()));
    }
    move_status(tx, a.doc.id, Status::Checked, Status::Numbered, a.now).await?;
    next_clerk_task(tx, a, TaskStep::Print).await?;
    Ok(serde_json::json!({"doc_no": no}))
}

pub(crate) async fn print(
    tx: &mut WriteTx,
    a: &mut Acting<'_>,
    copies: i64,
    main_to: String,
    cc_to: String,
) -> Result<serde_json::Value> {
    if !(1..=100_000).contains(&copies) {
        return Err(Error::invalid(
            "invalid_copies",
            "印制份数应为 1 到 100000 之间的整数",
        ));
    }
    let main_to = required("主送机关", &main_to, 500)?;
    let cc_to = optional("抄送机关", &cc_to, 500)?.unwrap_or_default();
    query(
        tx.backend(),
        "UPDATE docflow_docs SET print_copies = ?, main_to = ?, cc_to = ? WHERE id = ?",
    )
    .bind(copies)
    .bind(main_to)
    .bind(cc_to)
    .bind(a.doc.id)
    .execute(tx.conn())
    .await?;
    move_status(tx, a.doc.id, Status::Numbered, Status::Printed, a.now).await?;
    next_clerk_task(tx, a, TaskStep::Issue).await?;
    Ok(serde_json::json!({"copies": copies}))
}

/// 核发; a document marked for 主动公开 becomes a disclosure draft with its
/// metadata, through the disclosure module's public function.
pub(crate) async fn issue(
    tx: &mut WriteTx,
    a: &mut Acting<'_>,
    archive_location: Option<String>,
) -> Result<serde_json::Value> {
    let loc = match archive_location {
        Some(l) => optional("纸质原件存放位置", &l, 200)?,
        None => None,
    };
    query(
        tx.backend(),
        "UPDATE docflow_docs SET issued_on = ?, archive_location = ?, closed_at = ? WHERE id = ?",
    )
    .bind(fmt_date(a.who.today))
    .bind(loc)
    .bind(rfc3339(a.now))
    .bind(a.doc.id)
    .execute(tx.conn())
    .await?;
    move_status(tx, a.doc.id, Status::Printed, Status::Issued, a.now).await?;
    let be = tx.backend();
    let doc = load_doc(tx.conn(), be, a.doc.id).await?;
    let mut item = None;
    if doc.public_release {
        let id = crate::release::to_disclosure(tx, a.k, a.now, &a.actor, &doc).await?;
        query(
            tx.backend(),
            "UPDATE docflow_docs SET disclosure_item_id = ? WHERE id = ?",
        )
        .bind(id)
        .bind(doc.id)
        .execute(tx.conn())
        .await?;
        item = Some(id);
    }
    Ok(serde_json::json!({"doc_no": doc.doc_no, "disclosure_item": item}))
}

/// After 签发, a change is requested through the office; the issuing
/// leader approves it and it becomes a new frozen version.
pub async fn request_amendment(
    k: &Kernel,
    now: OffsetDateTime,
    who: &Who,
    doc_id: i64,
    reason: &str,
    body: &str,
) -> Result<i64> {
    let reason = required("修改理由", reason, 1000)?;
    let body = check_body(body, None)?;
    let mut tx = k.db.begin().await?;
    let be = tx.backend();
    let doc = load_doc(tx.conn(), be, doc_id).await?;
    let signer = doc
        .signed_by
        .clone()
        .ok_or_else(|| Error::Conflict("公文尚未签发，直接修改文稿即可，无需申请".into()))?;
    if doc.status == Status::Withdrawn {
        return Err(Error::Conflict("公文已撤销，不能修改".into()));
    }
    let pending: i64 = query_scalar(
        be,
        "SELECT COUNT(*) FROM docflow_amendments WHERE doc_id = ? AND state = 'pending'",
    )
    .bind(doc_id)
    .fetch_one(tx.conn())
    .await?;
    if pending > 0 {
        return Err(Error::Conflict("已有一项修改申请等待签发人批准".into()));
    }
    let actor = Actor::user(&who.me.username);
    let id: i64 = query_scalar(
        be,
        "INSERT INTO docflow_amendments (doc_id, reason, body, requested_by, requested_at, state) \
         VALUES (?, ?, ?, ?, ?, 'pending') RETURNING id",
    )
    .bind(doc_id)
    .bind(reason.clone())
    .bind(body)
    .bind(who.me.username.clone())
    .bind(rfc3339(now))
    .fetch_one(tx.conn())
    .await?;
    let leader = engine::user_id(&mut tx, &signer).await?;
    add_task(
        &mut tx,
        now,
        NewTask {
            doc_id,
            read: false,
            step: TaskStep::ApproveAmendment,
            note: &id.to_string(),
            assignee: leader,
            division_id: None,
            due_on: Some(k.calendar().add_working_days(who.today, 2)),
            created_by: &who.me.username,
        },
    )
    .await?;
    record(
        &mut tx,
        k,
        now,
        &actor,
        "docflow.amend_request",
        doc_id,
        serde_json::json!({"amendment": id, "reason": reason}),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub(crate) async fn amendment_decided(
    tx: &mut WriteTx,
    a: &mut Acting<'_>,
    o: Opinion,
) -> Result<serde_json::Value> {
    let id: i64 = a.task.note.parse().unwrap_or_default();
    let r = query(
        tx.backend(),
        "SELECT reason, body, requested_by FROM docflow_amendments WHERE id = ? AND doc_id = ? AND state = 'pending'",
    )
    .bind(id)
    .bind(a.doc.id)
    .fetch_optional(tx.conn())
    .await?
    .ok_or_else(|| Error::Conflict("该修改申请已处理".into()))?;
    let (reason, body, by) = (
        crate::store::s(&r, 0)?,
        crate::store::s(&r, 1)?,
        crate::store::s(&r, 2)?,
    );
    let approved = o.verdict != Verdict::Disagree;
    let mut version = None;
    if approved {
        let author = Actor::user(&by);
        let (no, sm3) = insert_version(
            tx,
            a.k,
            a.now,
            a.doc.id,
            (&body, None),
            &author,
            Some((&reason, Some(&a.actor.user))),
        )
        .await?;
        version = Some((no, sm3));
    }
    query(
        tx.backend(),
        "UPDATE docflow_amendments SET state = ?, decided_by = ?, decided_at = ?, version_no = ? WHERE id = ?",
    )
    .bind(if approved { "approved" } else { "refused" })
    .bind(a.actor.user.clone())
    .bind(rfc3339(a.now))
    .bind(version.as_ref().map(|v| v.0))
    .bind(id)
    .execute(tx.conn())
    .await?;
    Ok(serde_json::json!({
        "amendment": id,
        "approved": approved,
        "version": version.as_ref().map(|v| v.0),
        "sm3": version.and_then(|v| v.1),
    }))
}
