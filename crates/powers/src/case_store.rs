//! Cases as stored: opening one, completing its steps, the timers and
//! collective decisions that move it, each change one transaction with the
//! case's new engine state, its steps, its audit entry and an outbox row.
//! A case runs the process version it started on.

use std::sync::Arc;

use sqlx::Row;
use time::{Date, OffsetDateTime};
use yangguang_kernel::audit::{self, Actor};
use yangguang_kernel::calendar::Calendar;
use yangguang_kernel::db::{WriteTx, query, query_scalar};
use yangguang_kernel::pii::{self, DataKey};
use yangguang_kernel::read::{self, Val};
use yangguang_kernel::timefmt::{fmt_date, parse_date, rfc3339, today_cst};
use yangguang_kernel::{Error, Kernel, Result, numbering, outbox, tracking};
use yangguang_process::{Definition, Event, Instance, Outcome, Transition, Vars, engine};

use crate::case::{self, Facts, Kind, StepInput};
use crate::model::Item;
use crate::{process_store, store};

/// Outbox topic of case changes (statistics, notifications follow it).
pub const CASE_TOPIC: &str = "powers.case";

/// How the case came in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel {
    Window,
    Online,
    /// 依职权 (a penalty case from an inspection or a report).
    ExOfficio,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Window => "window",
            Channel::Online => "online",
            Channel::ExOfficio => "ex_officio",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Channel::Window => "窗口受理",
            Channel::Online => "网上申请",
            Channel::ExOfficio => "依职权启动",
        }
    }
    pub fn parse(s: &str) -> Option<Channel> {
        [Channel::Window, Channel::Online, Channel::ExOfficio]
            .into_iter()
            .find(|c| c.as_str() == s || c.label() == s)
    }
}

/// A new case, checked at the edge.
#[derive(Clone, Debug)]
pub struct NewCase {
    pub item_code: String,
    /// 申请人 / 当事人.
    pub party: String,
    pub contact: String,
    /// 申请事项 / 案由.
    pub subject: String,
    pub channel: Channel,
    pub received_on: Date,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Opened {
    pub id: i64,
    pub case_no: String,
    /// Printed on the receipt once; stored only as a digest.
    pub query_code: String,
}

/// A case as the pages read it.
#[derive(Clone, Debug)]
pub struct Case {
    pub id: i64,
    pub case_no: String,
    pub kind: Kind,
    pub item: Item,
    pub item_version: i64,
    pub process_id: i64,
    pub definition: Arc<Definition>,
    pub unit: String,
    pub party_masked: String,
    pub subject: String,
    pub channel: String,
    pub first_contact: String,
    pub owner: String,
    pub instance: Instance,
    pub facts: Facts,
    pub open: bool,
    pub received_on: Date,
    pub due_on: Option<Date>,
    pub due_label: String,
    pub decided_on: Option<Date>,
    pub topic_id: Option<i64>,
    pub rev: i64,
}

/// The case on its flowchart: the engine's open steps as current, each
/// completed step with the date it was last completed (staff and public
/// pages draw the same picture).
pub fn progress_view(c: &Case, rows: &[StepRow]) -> yangguang_process::svg::View {
    let mut done: Vec<(String, String)> = Vec::new();
    for r in rows.iter().filter(|r| r.what == "completed") {
        done.retain(|(n, _)| n != &r.node);
        done.push((r.node.clone(), fmt_date(r.on)));
    }
    yangguang_process::svg::View {
        current: engine::open_tasks(&c.definition, &c.instance)
            .into_iter()
            .map(|t| t.node)
            .collect(),
        done,
        title: Some(format!("办件{}的办理进度", c.case_no)),
        prefix: None,
    }
}

/// One recorded step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepRow {
    pub node: String,
    pub name: String,
    pub what: String,
    pub on: Date,
    pub by: String,
    pub acting_for: String,
    pub opinion: String,
}

fn key(k: &Kernel) -> DataKey {
    DataKey::new(k.keys.data)
}

fn seal(k: &Kernel, case_no: &str, column: &str, v: &str) -> Result<String> {
    pii::seal_with_aad(&key(k), v, &format!("power_cases.{column}:{case_no}"))
        .map_err(|e| Error::Key(e.to_string()))
}

/// The party's name as stored, for the case's handlers.
pub fn party_of(k: &Kernel, case_no: &str, sealed: &str) -> String {
    pii::open_with_aad(&key(k), sealed, &format!("power_cases.party:{case_no}"))
        .unwrap_or_else(|_| "（无法解密）".into())
}

fn code_hash(k: &Kernel, case_no: &str, code: &str) -> String {
    tracking::keyed_hex(
        &k.keys.data,
        &[b"power-case", case_no.as_bytes(), code.as_bytes()],
    )
}

fn json<T: serde::Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| Error::Internal(e.to_string()))
}

fn engine_err(e: yangguang_process::EngineError) -> Error {
    use yangguang_process::EngineError as E;
    match e {
        E::NotCandidate { .. } => Error::Forbidden(e.to_string()),
        E::NotWaiting(_) | E::Ended | E::AlreadyStarted => Error::Conflict(e.to_string()),
        E::NoPath(_) | E::Condition { .. } => Error::invalid("no_path", e.to_string()),
        E::Unknown(_) | E::Invalid(_) => Error::invalid("unknown_step", e.to_string()),
        E::Loop(_) => Error::Internal(e.to_string()),
    }
}

/// The earliest armed timer (what the sweep looks for).
fn next_timer(inst: &Instance) -> Option<Date> {
    inst.tokens
        .iter()
        .flat_map(|t| t.timers.iter().map(|(_, d)| *d))
        .min()
}

/// The clock columns after a change.
struct Derived {
    due: Option<Date>,
    label: &'static str,
    decided_year: Option<i32>,
    on_time: Option<bool>,
}

fn derive(kind: Kind, f: &Facts, it: &Item, cal: &Calendar, old_due: Option<Date>) -> Derived {
    let clock = case::clock(kind, f, it.content.statutory, it.content.promised, cal);
    // On time: decided within the decision clock in force before deciding.
    let on_time = f.decided_on.map(|d| old_due.is_none_or(|due| d <= due));
    Derived {
        due: clock.as_ref().map(|c| c.due),
        label: clock.as_ref().map_or("", |c| c.label),
        decided_year: f.decided_on.map(|d| d.year()),
        on_time,
    }
}

/// Writes the engine's transitions as steps from `seq`.
#[allow(clippy::too_many_arguments)]
async fn write_steps(
    tx: &mut WriteTx,
    case_id: i64,
    mut seq: i64,
    def: &Definition,
    transitions: &[Transition],
    today: Date,
    now: OffsetDateTime,
    actor: &Actor,
    opinion: &str,
) -> Result<i64> {
    // One statement for all the rows of this change.
    let mut rows = Vec::new();
    for t in transitions {
        let (node, what) = match t {
            Transition::Entered { node, .. } => (node, "entered"),
            Transition::Left { .. } => continue,
            Transition::Completed { node, .. } => (node, "completed"),
            Transition::TimerFired { boundary, .. } => (boundary, "timer"),
            Transition::Called { node, .. } => (node, "called"),
            Transition::Ended { node, .. } => (node, "ended"),
        };
        let name = def.node(node).map_or(node.as_str(), |n| n.name.as_str());
        let (by, acting, op) = if what == "completed" {
            (
                actor.user.clone(),
                actor.acting_for.clone().unwrap_or_default(),
                opinion.to_string(),
            )
        } else {
            (String::new(), String::new(), String::new())
        };
        rows.push((seq, node.clone(), name.to_string(), what, by, acting, op));
        seq += 1;
    }
    if rows.is_empty() {
        return Ok(seq);
    }
    let marks = vec!["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"; rows.len()].join(", ");
    let mut q = yangguang_kernel::db::query_dyn(
        tx.backend(),
        format!(
            "INSERT INTO power_case_steps (case_id, seq, node, name, what, on_date, at, by_user, acting_for, opinion) VALUES {marks}"
        ),
    );
    let (day, at) = (fmt_date(today), rfc3339(now));
    for (n, node, name, what, by, acting, op) in rows {
        q = q
            .bind(case_id)
            .bind(n)
            .bind(node)
            .bind(name)
            .bind(what)
            .bind(day.clone())
            .bind(at.clone())
            .bind(by)
            .bind(acting)
            .bind(op);
    }
    q.execute(tx.conn()).await?;
    Ok(seq)
}

/// Rewrites the case's open steps (the inbox rows) from its instance.
async fn write_tasks(
    tx: &mut WriteTx,
    case_id: i64,
    def: &Definition,
    inst: &Instance,
) -> Result<()> {
    let be = tx.backend();
    query(be, "DELETE FROM power_case_tasks WHERE case_id = ?")
        .bind(case_id)
        .execute(tx.conn())
        .await?;
    for t in engine::open_tasks(def, inst) {
        let (kind, who) = match &t.candidate {
            Some(yangguang_process::Candidate::Role(r)) => ("role", r.clone()),
            Some(yangguang_process::Candidate::Post(p)) => ("post", p.clone()),
            None => ("meeting", String::new()),
        };
        query(
            be,
            "INSERT INTO power_case_tasks (case_id, node, name, candidate_kind, candidate, since, due) VALUES (?, ?, ?, ?, ?, ?, ?) \
             ON CONFLICT (case_id, node) DO NOTHING",
        )
        .bind(case_id)
        .bind(t.node)
        .bind(t.name)
        .bind(kind)
        .bind(who)
        .bind(fmt_date(t.since))
        .bind(t.due.map(fmt_date))
        .execute(tx.conn())
        .await?;
    }
    Ok(())
}

/// Opens a case: the item's current process version starts, the person
/// registering it is its first contact and owner (首问负责).
pub async fn open(k: &Kernel, now: OffsetDateTime, actor: &Actor, n: NewCase) -> Result<Opened> {
    let party = yangguang_kernel::text::required("申请人（当事人）", &n.party, 100)?;
    let subject = yangguang_kernel::text::required("申请事项（案由）", &n.subject, 300)?;
    let contact = n.contact.trim().chars().take(100).collect::<String>();
    let it = store::get(k, &n.item_code)
        .await?
        .filter(|i| i.active)
        .ok_or_else(|| {
            Error::invalid(
                "unknown_item",
                format!("权力清单中没有在用的事项“{}”", n.item_code),
            )
        })?;
    let today = today_cst(now);
    if n.received_on > today {
        return Err(Error::invalid(
            "future_date",
            format!("收件日期{}晚于今日", n.received_on),
        ));
    }
    let p = process_store::current(k, &it.content.process)
        .await?
        .ok_or_else(|| Error::Internal(format!("process {} missing", it.content.process)))?;
    let kind = Kind::of(it.content.category);
    let mut vars = Vars::new();
    if let Some(t) = it.content.tier {
        vars.insert(
            "tier".into(),
            yangguang_process::Value::Str(t.as_str().into()),
        );
    }
    let cal = k.calendar();
    let out = engine::step(
        &p.definition,
        &Instance::default(),
        &Event::Start { vars },
        n.received_on,
        &cal,
    )
    .map_err(engine_err)?;
    let facts = Facts {
        received_on: Some(n.received_on),
        ..Facts::default()
    };
    let d = derive(kind, &facts, &it, &cal, None);
    let mut tx = k.db.begin().await?;
    let year = n.received_on.year();
    let seq = numbering::next(&mut tx, &format!("powers.case.{}", kind.prefix()), year).await?;
    let case_no = format!("{}-{year}-{seq:06}", kind.prefix());
    let code = tracking::new_query_code()?;
    let be = tx.backend();
    let id: i64 = query_scalar(
        be,
        "INSERT INTO power_cases (case_no, code_hash, kind, item_id, item_version, process_id, unit, party_sealed, party_masked, \
         contact_sealed, subject, channel, first_contact, owner, state, next_timer_on, facts, received_on, due_on, due_label, \
         created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(case_no.clone())
    .bind(code_hash(k, &case_no, &code))
    .bind(kind.as_str())
    .bind(it.id)
    .bind(it.version)
    .bind(p.id)
    .bind(it.content.unit.clone())
    .bind(seal(k, &case_no, "party", &party)?)
    .bind(pii::mask_name(&party))
    .bind(seal(k, &case_no, "contact", &contact)?)
    .bind(subject.clone())
    .bind(n.channel.as_str())
    .bind(actor.user.clone())
    .bind(actor.user.clone())
    .bind(json(&out.instance)?)
    .bind(next_timer(&out.instance).map(fmt_date))
    .bind(json(&facts)?)
    .bind(fmt_date(n.received_on))
    .bind(d.due.map(fmt_date))
    .bind(d.label)
    .bind(rfc3339(now))
    .bind(rfc3339(now))
    .fetch_one(tx.conn())
    .await?;
    write_steps(
        &mut tx,
        id,
        0,
        &p.definition,
        &out.transitions,
        n.received_on,
        now,
        actor,
        "",
    )
    .await?;
    write_tasks(&mut tx, id, &p.definition, &out.instance).await?;
    query(
        be,
        "INSERT INTO power_case_owners (case_id, owner, since, reason, by_user) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(id)
    .bind(actor.user.clone())
    .bind(rfc3339(now))
    .bind("首问负责：首次接待")
    .bind(actor.user.clone())
    .execute(tx.conn())
    .await?;
    calls(&mut tx, k, now, actor, id, &case_no, &it, &out).await?;
    audit::success(
        &mut tx,
        &k.keys,
        now,
        actor,
        "powers.case_open",
        &format!("power_case:{case_no}"),
        serde_json::json!({"item": it.code, "version": it.version, "process": p.id, "channel": n.channel.as_str(), "subject": subject}),
    )
    .await?;
    outbox::publish(
        &mut tx,
        now,
        CASE_TOPIC,
        &format!("power_case:{case_no}"),
        &serde_json::json!({"id": id, "event": "open"}),
    )
    .await?;
    tx.commit().await?;
    Ok(Opened {
        id,
        case_no,
        query_code: code,
    })
}

/// A collective decision the engine asked for becomes a 三重一大 topic in
/// the same transaction; the case waits for `decision.decided`.
#[allow(clippy::too_many_arguments)]
async fn calls(
    tx: &mut WriteTx,
    k: &Kernel,
    now: OffsetDateTime,
    actor: &Actor,
    id: i64,
    case_no: &str,
    it: &Item,
    out: &Outcome,
) -> Result<()> {
    for t in &out.transitions {
        let Transition::Called { node, .. } = t else {
            continue;
        };
        let deputy: Option<String> = query_scalar(
            tx.backend(),
            "SELECT u.username FROM users u JOIN user_roles r ON r.user_id = u.id WHERE r.role = 'deputy_leader' ORDER BY u.id LIMIT 1",
        )
        .fetch_optional(tx.conn())
        .await?;
        let deputy = deputy.ok_or_else(|| {
            Error::invalid("no_deputy", "没有分管局领导账号，不能提交集体决定的议题")
        })?;
        let topic = yangguang_decisions::topic::create_in(
            tx,
            k,
            now,
            actor,
            yangguang_decisions::model::NewTopic {
                kind: yangguang_decisions::rules::TopicKind::Other,
                title: format!("关于{}（办件{case_no}）的集体决定", it.content.name),
                lead_unit: it.content.unit.clone(),
                deputy,
                amount_fen: None,
                procurement: false,
                cadre: false,
                material: yangguang_decisions::model::Material {
                    topic: format!("{}（{}）", it.content.name, it.content.category.label()),
                    background: format!(
                        "本议题由办件{case_no}的办理流程提交集体决定（/staff/bsgk/cases/{id}）；会议作出决定后，办件按流程继续办理。"
                    ),
                    research: String::new(),
                    proposal: String::new(),
                },
            },
        )
        .await?;
        query(
            tx.backend(),
            "UPDATE power_cases SET topic_id = ?, topic_node = ? WHERE id = ?",
        )
        .bind(topic)
        .bind(node.clone())
        .bind(id)
        .execute(tx.conn())
        .await?;
    }
    Ok(())
}

const CASE_COLS: &str = "c.id, c.case_no, c.kind, c.item_id, c.item_version, c.process_id, c.unit, c.party_masked, c.subject, \
     c.channel, c.first_contact, c.owner, c.state, c.facts, c.open, c.received_on, c.due_on, c.due_label, c.decided_on, \
     c.topic_id, c.rev";

async fn case_of(k: &Kernel, mut r: Vec<Val>) -> Result<Case> {
    if r.len() < 21 {
        return Err(Error::Internal("case read: unexpected row shape".into()));
    }
    let item_id = r[3].int()?;
    let item_version = r[4].int()?;
    let process_id = r[5].int()?;
    let item = store::at_version(k, item_id, item_version).await?;
    let definition = process_store::definition(k, process_id)
        .await?
        .ok_or_else(|| Error::Internal(format!("process version {process_id} missing")))?;
    let state = r[12].text()?;
    let facts = r[13].text()?;
    let opt = |v: &mut Val| v.opt_text()?.as_deref().map(parse_date).transpose();
    Ok(Case {
        id: r[0].int()?,
        case_no: r[1].text()?,
        kind: Kind::parse(&r[2].text()?).unwrap_or(Kind::Other),
        item,
        item_version,
        process_id,
        definition,
        unit: r[6].text()?,
        party_masked: r[7].text()?,
        subject: r[8].text()?,
        channel: r[9].text()?,
        first_contact: r[10].text()?,
        owner: r[11].text()?,
        instance: serde_json::from_str(&state)
            .map_err(|e| Error::Internal(format!("case state: {e}")))?,
        facts: serde_json::from_str(&facts)
            .map_err(|e| Error::Internal(format!("case facts: {e}")))?,
        open: r[14].int()? != 0,
        received_on: parse_date(&r[15].text()?)?,
        due_on: opt(&mut r[16])?,
        due_label: r[17].text()?,
        decided_on: opt(&mut r[18])?,
        topic_id: r[19].opt_int()?,
        rev: r[20].int()?,
    })
}

/// A case with its item version and process (in-thread on SQLite: every
/// case page and step reads it; a stale read is caught by the step's
/// revision guard).
pub async fn get(k: &Kernel, id: i64) -> Result<Case> {
    let sql = format!("SELECT {CASE_COLS} FROM power_cases c WHERE c.id = ?");
    let r = read::rows(&k.db, &sql, &[Val::Int(id)])
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| Error::NotFound("没有这个办件".into()))?;
    case_of(k, r).await
}

/// Finds a case by number and query code; `None` for any wrong pair.
pub async fn find_by_code(k: &Kernel, case_no: &str, code: &str) -> Result<Option<Case>> {
    let no = case_no.trim().to_ascii_uppercase();
    let Some(code) = tracking::normalise_query_code(code) else {
        return Ok(None);
    };
    let r = query(
        k.db.backend(),
        "SELECT id, code_hash FROM power_cases WHERE case_no = ?",
    )
    .bind(no.clone())
    .fetch_optional(k.db.pool())
    .await?;
    // The digest is computed whether or not the number exists, so the
    // answer takes as long for an unknown number as for a wrong code.
    let given = code_hash(k, &no, &code);
    let Some(r) = r else { return Ok(None) };
    let stored: String = r.try_get(1)?;
    if !tracking::same_digest(&stored, &given) {
        return Ok(None);
    }
    Ok(Some(get(k, r.try_get(0)?).await?))
}

pub async fn steps(k: &Kernel, id: i64) -> Result<Vec<StepRow>> {
    let rows = query(
        k.db.backend(),
        "SELECT node, name, what, on_date, by_user, acting_for, opinion FROM power_case_steps WHERE case_id = ? ORDER BY seq",
    )
    .bind(id)
    .fetch_all(k.db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(StepRow {
                node: r.try_get(0)?,
                name: r.try_get(1)?,
                what: r.try_get(2)?,
                on: parse_date(&r.try_get::<String, _>(3)?)?,
                by: r.try_get(4)?,
                acting_for: r.try_get(5)?,
                opinion: r.try_get(6)?,
            })
        })
        .collect()
}

/// Applies an engine event and new facts to a case in one transaction:
/// refused (nothing written) when someone changed the case meanwhile.
#[allow(clippy::too_many_arguments)]
async fn commit_change(
    k: &Kernel,
    now: OffsetDateTime,
    actor: &Actor,
    c: &Case,
    out: Outcome,
    facts: Facts,
    opinion: &str,
    audit_type: &str,
    detail: serde_json::Value,
) -> Result<()> {
    let cal = k.calendar();
    let today = today_cst(now);
    let mut facts = facts;
    for t in &out.transitions {
        if let Transition::TimerFired { boundary, .. } = t {
            facts = case::on_timer(c.kind, &facts, boundary);
        }
    }
    if out.instance.ended && facts.decided_on.is_none() && c.kind == Kind::Other {
        facts.decided_on = Some(today);
    }
    let d = derive(c.kind, &facts, &c.item, &cal, c.due_on);
    let mut tx = k.db.begin().await?;
    if c.kind == Kind::Penalty && c.facts.disclosed_on.is_none() && facts.disclosed_on.is_some() {
        facts.disclosure_item =
            Some(crate::release::to_disclosure(&mut tx, k, now, actor, c, &facts).await?);
    }
    if c.facts.withdrawn_on.is_none()
        && facts.withdrawn_on.is_some()
        && let Some(item) = facts.disclosure_item
    {
        crate::release::withdraw_item_in(&mut tx, k, now, actor, item, &facts.withdrawn_reason)
            .await?;
    }
    let be = tx.backend();
    let n = query(
        be,
        "UPDATE power_cases SET state = ?, next_timer_on = ?, facts = ?, open = ?, due_on = ?, due_label = ?, decided_on = ?, \
         decided_year = ?, on_time = COALESCE(on_time, ?), rev = rev + 1, updated_at = ? WHERE id = ? AND rev = ?",
    )
    .bind(json(&out.instance)?)
    .bind(next_timer(&out.instance).map(fmt_date))
    .bind(json(&facts)?)
    .bind(i64::from(!out.instance.ended))
    .bind(d.due.map(fmt_date))
    .bind(d.label)
    .bind(facts.decided_on.map(fmt_date))
    .bind(d.decided_year.map(i64::from))
    .bind(d.on_time.map(i64::from))
    .bind(rfc3339(now))
    .bind(c.id)
    .bind(c.rev)
    .execute(tx.conn())
    .await?
    .rows_affected();
    if n != 1 {
        return Err(Error::Conflict("办件刚被他人办理，请刷新页面后再试".into()));
    }
    // Table 二 of the annual report counts decisions by year (through the
    // kernel's figures, kept current in the deciding transaction).
    if c.facts.decided_on != facts.decided_on
        && let Some(year) = d.decided_year
    {
        crate::stats::refresh_annual_in(&mut tx, now, year).await?;
    }
    let seq: i64 = query_scalar(
        be,
        "SELECT COALESCE(MAX(seq), -1) + 1 FROM power_case_steps WHERE case_id = ?",
    )
    .bind(c.id)
    .fetch_one(tx.conn())
    .await?;
    write_steps(
        &mut tx,
        c.id,
        seq,
        &c.definition,
        &out.transitions,
        today,
        now,
        actor,
        opinion,
    )
    .await?;
    write_tasks(&mut tx, c.id, &c.definition, &out.instance).await?;
    calls(&mut tx, k, now, actor, c.id, &c.case_no, &c.item, &out).await?;
    audit::success(
        &mut tx,
        &k.keys,
        now,
        actor,
        audit_type,
        &format!("power_case:{}", c.case_no),
        detail,
    )
    .await?;
    outbox::publish(
        &mut tx,
        now,
        CASE_TOPIC,
        &format!("power_case:{}", c.case_no),
        &serde_json::json!({"id": c.id, "event": audit_type}),
    )
    .await?;
    tx.commit().await
}

/// Completes a step: the law's checks on what was entered, then the
/// engine (who may, which way the gateways go), then one transaction.
pub async fn act(
    k: &Kernel,
    now: OffsetDateTime,
    actor: &Actor,
    who: &yangguang_process::Actor,
    id: i64,
    input: StepInput,
    vars: Vars,
) -> Result<()> {
    let c = get(k, id).await?;
    act_on(k, now, actor, who, &c, input, vars).await
}

/// [`act`] on a case already read (the page read it to find the step);
/// the revision check refuses it if the case changed since.
pub async fn act_on(
    k: &Kernel,
    now: OffsetDateTime,
    actor: &Actor,
    who: &yangguang_process::Actor,
    c: &Case,
    input: StepInput,
    vars: Vars,
) -> Result<()> {
    if !c.open {
        return Err(Error::Conflict("办件已办结".into()));
    }
    let cal = k.calendar();
    let today = today_cst(now);
    // Only a penalty's 告知 turns on the 较大数额.
    let larger = if c.kind == Kind::Penalty && input.node == "inform" {
        crate::settings::larger_amounts(k).await?
    } else {
        crate::rules::LargerAmounts::default()
    };
    let facts = case::record(c.kind, &c.facts, &input, &vars, today, &cal, &larger)
        .map_err(|m| Error::invalid("refused_by_law", m))?;
    // What the law decides from the recorded facts is not the form's to say.
    let mut vars = vars;
    vars.extend(case::derived_vars(c.kind, &facts));
    let ev = Event::Complete {
        node: input.node.clone(),
        actor: who.clone(),
        vars: vars.clone(),
    };
    let out = engine::step(&c.definition, &c.instance, &ev, today, &cal).map_err(engine_err)?;
    let detail = serde_json::json!({"node": input.node, "vars": vars, "opinion": input.opinion});
    commit_change(
        k,
        now,
        actor,
        c,
        out,
        facts,
        &input.opinion,
        "powers.case_step",
        detail,
    )
    .await
}

/// Fires the timers due before today on every open case; returns how many
/// cases moved. Run by the sweep (any node; the rev check keeps it once).
pub async fn tick(k: &Kernel, now: OffsetDateTime) -> Result<usize> {
    let today = today_cst(now);
    let ids: Vec<i64> = query_scalar(
        k.db.backend(),
        "SELECT id FROM power_cases WHERE open = 1 AND next_timer_on < ? ORDER BY id",
    )
    .bind(fmt_date(today))
    .fetch_all(k.db.pool())
    .await?;
    let cal = k.calendar();
    let mut moved = 0;
    for id in ids {
        let c = get(k, id).await?;
        let out = engine::step(&c.definition, &c.instance, &Event::Tick, today, &cal)
            .map_err(engine_err)?;
        if out.transitions.is_empty() {
            continue;
        }
        let f = c.facts.clone();
        match commit_change(
            k,
            now,
            &Actor::system(),
            &c,
            out,
            f,
            "",
            "powers.case_timer",
            serde_json::json!({}),
        )
        .await
        {
            Ok(()) => moved += 1,
            Err(Error::Conflict(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(moved)
}

/// Resumes a case whose collective decision was taken.
pub async fn decided(
    k: &Kernel,
    now: OffsetDateTime,
    topic_id: i64,
    outcome: &str,
) -> Result<bool> {
    let id: Option<i64> = query_scalar(
        k.db.backend(),
        "SELECT id FROM power_cases WHERE topic_id = ? AND open = 1",
    )
    .bind(topic_id)
    .fetch_optional(k.db.pool())
    .await?;
    let Some(id) = id else { return Ok(false) };
    let c = get(k, id).await?;
    let node: Option<String> = query_scalar(
        k.db.backend(),
        "SELECT topic_node FROM power_cases WHERE id = ?",
    )
    .bind(id)
    .fetch_one(k.db.pool())
    .await?;
    let Some(node) = node else { return Ok(false) };
    let mut vars = Vars::new();
    vars.insert(
        "meeting_outcome".into(),
        yangguang_process::Value::Str(outcome.into()),
    );
    let ev = Event::Decided { node, vars };
    let out = engine::step(
        &c.definition,
        &c.instance,
        &ev,
        today_cst(now),
        &k.calendar(),
    )
    .map_err(engine_err)?;
    let f = c.facts.clone();
    commit_change(
        k,
        now,
        &Actor::system(),
        &c,
        out,
        f,
        "",
        "powers.case_resume",
        serde_json::json!({"topic": topic_id, "outcome": outcome}),
    )
    .await?;
    Ok(true)
}

/// Case facts changed outside the process (extension, excluded period).
pub async fn change_facts(
    k: &Kernel,
    now: OffsetDateTime,
    actor: &Actor,
    id: i64,
    change: impl FnOnce(&Case, Date) -> std::result::Result<Facts, String>,
    audit_type: &str,
) -> Result<()> {
    let c = get(k, id).await?;
    if !c.open {
        return Err(Error::Conflict("办件已办结".into()));
    }
    apply_facts(k, now, actor, &c, change, audit_type).await
}

/// A change the law makes after the case is closed: withdrawing a
/// disclosed decision that was changed or annulled (第四十八条).
pub async fn change_closed_facts(
    k: &Kernel,
    now: OffsetDateTime,
    actor: &Actor,
    id: i64,
    change: impl FnOnce(&Case, Date) -> std::result::Result<Facts, String>,
    audit_type: &str,
) -> Result<()> {
    let c = get(k, id).await?;
    apply_facts(k, now, actor, &c, change, audit_type).await
}

async fn apply_facts(
    k: &Kernel,
    now: OffsetDateTime,
    actor: &Actor,
    c: &Case,
    change: impl FnOnce(&Case, Date) -> std::result::Result<Facts, String>,
    audit_type: &str,
) -> Result<()> {
    let facts = change(c, today_cst(now)).map_err(|m| Error::invalid("refused_by_law", m))?;
    let out = Outcome {
        instance: c.instance.clone(),
        transitions: Vec::new(),
    };
    let detail = serde_json::json!({"facts": &facts});
    commit_change(k, now, actor, c, out, facts, "", audit_type, detail).await
}

/// 首问负责: hands the case on to another person, recorded with why.
pub async fn hand_over(
    k: &Kernel,
    now: OffsetDateTime,
    actor: &Actor,
    id: i64,
    to: &str,
    reason: &str,
) -> Result<()> {
    let reason = yangguang_kernel::text::required("移交理由", reason, 200)?;
    let exists: i64 = query_scalar(
        k.db.backend(),
        "SELECT COUNT(*) FROM users WHERE username = ?",
    )
    .bind(to.to_string())
    .fetch_one(k.db.pool())
    .await?;
    if exists == 0 {
        return Err(Error::invalid("unknown_user", format!("用户“{to}”不存在")));
    }
    let mut tx = k.db.begin().await?;
    let be = tx.backend();
    let n = query(
        be,
        "UPDATE power_cases SET owner = ?, rev = rev + 1 WHERE id = ? AND open = 1 AND owner <> ?",
    )
    .bind(to.to_string())
    .bind(id)
    .bind(to.to_string())
    .execute(tx.conn())
    .await?
    .rows_affected();
    if n != 1 {
        return Err(Error::Conflict("办件已办结，或已由该人员负责".into()));
    }
    query(be, "INSERT INTO power_case_owners (case_id, owner, since, reason, by_user) VALUES (?, ?, ?, ?, ?)")
        .bind(id)
        .bind(to.to_string())
        .bind(rfc3339(now))
        .bind(reason.clone())
        .bind(actor.user.clone())
        .execute(tx.conn())
        .await?;
    audit::commit_success(
        tx,
        &k.keys,
        now,
        actor,
        "powers.case_hand_over",
        &format!("power_case_id:{id}"),
        serde_json::json!({"to": to, "reason": reason}),
    )
    .await
}

/// Owners in order: (owner, since, reason, by).
pub async fn owners(k: &Kernel, id: i64) -> Result<Vec<(String, Date, String, String)>> {
    let rows = query(
        k.db.backend(),
        "SELECT owner, since, reason, by_user FROM power_case_owners WHERE case_id = ? ORDER BY id",
    )
    .bind(id)
    .fetch_all(k.db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let since: String = r.try_get(1)?;
            Ok((
                r.try_get(0)?,
                today_cst(yangguang_kernel::timefmt::parse_rfc3339(&since)?),
                r.try_get(2)?,
                r.try_get(3)?,
            ))
        })
        .collect()
}

/// The party's name and contact in clear, for the case's handlers.
pub async fn party_for_staff(k: &Kernel, id: i64) -> Result<String> {
    let r = query(
        k.db.backend(),
        "SELECT case_no, party_sealed FROM power_cases WHERE id = ?",
    )
    .bind(id)
    .fetch_optional(k.db.pool())
    .await?
    .ok_or_else(|| Error::NotFound("没有这个办件".into()))?;
    let no: String = r.try_get(0)?;
    Ok(party_of(k, &no, &r.try_get::<String, _>(1)?))
}

/// The contact in clear, for the case's handlers.
pub async fn contact_for_staff(k: &Kernel, id: i64) -> Result<String> {
    let r = query(
        k.db.backend(),
        "SELECT case_no, contact_sealed FROM power_cases WHERE id = ?",
    )
    .bind(id)
    .fetch_optional(k.db.pool())
    .await?
    .ok_or_else(|| Error::NotFound("没有这个办件".into()))?;
    let no: String = r.try_get(0)?;
    let sealed: String = r.try_get(1)?;
    Ok(
        pii::open_with_aad(&key(k), &sealed, &format!("power_cases.contact:{no}"))
            .unwrap_or_else(|_| "（无法解密）".into()),
    )
}
