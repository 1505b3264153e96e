//! Meetings: the agency's 议事规则 per meeting type, scheduling with an
//! agenda, the notice (at least 1 working day before), attendance,
//! recusal, the discussion record, votes and the per-topic decision.

use std::collections::HashSet;

use sqlx::AnyConnection;
use time::{Date, OffsetDateTime};
use yangguang_kernel::audit::{self, Actor};
use yangguang_kernel::db::{Backend, query, query_scalar};
use yangguang_kernel::org::Role;
use yangguang_kernel::text::{optional, required};
use yangguang_kernel::timefmt::{fmt_date, parse_date, rfc3339, today_cst};
use yangguang_kernel::{Error, Kernel, Result};

use crate::model::{Attendance, MeetingStatus, Method, TopicDecision, TopicStatus, Vote};
use crate::rules::{
    self, Count, Fraction, HeadDecision, MeetingType, Outcome, PassBasis, ProcedureRules, Tally,
};
use crate::store::{conflict, get_i64, get_opt_i64, get_opt_s, get_s};
use crate::topic;

/// One meeting type's stored rules of procedure (议事规则).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Procedure {
    pub meeting_type: MeetingType,
    pub rules: ProcedureRules,
    /// The chair (principal, or the deputy chairing a business meeting).
    pub chair: Option<String>,
    /// Roles allowed to see the per-member vote table.
    pub vote_roles: Vec<String>,
    pub members: Vec<String>,
}

impl Procedure {
    pub fn vote_table_visible(&self, roles: &[Role]) -> bool {
        roles
            .iter()
            .any(|r| self.vote_roles.iter().any(|v| v == r.code()))
    }
}

fn fraction(n: Option<i64>, d: Option<i64>) -> Option<Fraction> {
    match (n, d) {
        (Some(n), Some(d)) if n > 0 && d > 0 => Some(Fraction {
            num: u32::try_from(n).unwrap_or(1),
            den: u32::try_from(d).unwrap_or(2),
        }),
        _ => None,
    }
}

pub(crate) async fn load_procedure(
    c: &mut AnyConnection,
    be: Backend,
    t: MeetingType,
) -> Result<Procedure> {
    let r = query(
        be,
        "SELECT basis, quorum_num, quorum_den, personnel_num, personnel_den, chair, vote_roles \
         FROM decision_procedures WHERE meeting_type = ?",
    )
    .bind(t.as_str())
    .fetch_optional(&mut *c)
    .await?
    .ok_or_else(|| Error::NotFound(format!("{}的议事规则未设置", t.label())))?;
    let basis = PassBasis::parse(&get_s(&r, 0)?).unwrap_or(ProcedureRules::default_for(t).basis);
    let rules = ProcedureRules {
        basis,
        quorum: fraction(get_opt_i64(&r, 1)?, get_opt_i64(&r, 2)?),
        personnel_quorum: fraction(get_opt_i64(&r, 3)?, get_opt_i64(&r, 4)?),
    };
    let members = query(
        be,
        "SELECT username FROM decision_members WHERE meeting_type = ? ORDER BY sort, username",
    )
    .bind(t.as_str())
    .fetch_all(&mut *c)
    .await?
    .iter()
    .map(|r| get_s(r, 0))
    .collect::<Result<Vec<_>>>()?;
    Ok(Procedure {
        meeting_type: t,
        rules,
        chair: get_opt_s(&r, 5)?,
        vote_roles: get_s(&r, 6)?
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect(),
        members,
    })
}

pub async fn procedure(k: &Kernel, t: MeetingType) -> Result<Procedure> {
    let mut c = k.db.pool().acquire().await?;
    load_procedure(&mut c, k.db.backend(), t).await
}

/// Sets a meeting type's chair and members (the office, from the
/// agency's 议事规则). The decision rule keeps the §5 defaults.
pub async fn set_members(
    k: &Kernel,
    now: OffsetDateTime,
    actor: &Actor,
    t: MeetingType,
    chair: &str,
    members: &[String],
) -> Result<()> {
    let chair = required("主持人", chair, 64)?;
    let mut seen = HashSet::new();
    let members: Vec<String> = members
        .iter()
        .map(|m| m.trim().to_string())
        .filter(|m| !m.is_empty() && seen.insert(m.clone()))
        .collect();
    if !members.contains(&chair) {
        return Err(Error::invalid("chair_not_member", "主持人须是该会议的成员"));
    }
    let mut tx = k.db.begin().await?;
    let be = tx.backend();
    for m in &members {
        let n: i64 = query_scalar(be, "SELECT COUNT(*) FROM users WHERE username = ?")
            .bind(m.clone())
            .fetch_one(tx.conn())
            .await?;
        if n == 0 {
            return Err(Error::invalid(
                "unknown_member",
                format!("“{m}”不是本系统的用户"),
            ));
        }
    }
    query(be, "DELETE FROM decision_members WHERE meeting_type = ?")
        .bind(t.as_str())
        .execute(tx.conn())
        .await?;
    for (i, m) in members.iter().enumerate() {
        query(
            be,
            "INSERT INTO decision_members (meeting_type, username, sort) VALUES (?, ?, ?)",
        )
        .bind(t.as_str())
        .bind(m.clone())
        .bind(i as i64)
        .execute(tx.conn())
        .await?;
    }
    query(
        be,
        "UPDATE decision_procedures SET chair = ?, updated_at = ? WHERE meeting_type = ?",
    )
    .bind(chair.clone())
    .bind(rfc3339(now))
    .bind(t.as_str())
    .execute(tx.conn())
    .await?;
    audit::commit_success(
        tx,
        &k.keys,
        now,
        actor,
        "decision.procedure_members",
        &format!("decision_procedure:{}", t.as_str()),
        serde_json::json!({"chair": chair, "members": members}),
    )
    .await
}

/// Sets which roles see the per-member vote table of a meeting type.
/// Business roles only: administrators never see votes.
pub async fn set_vote_roles(
    k: &Kernel,
    now: OffsetDateTime,
    actor: &Actor,
    t: MeetingType,
    roles: &[Role],
) -> Result<()> {
    if let Some(r) = roles.iter().find(|r| r.is_admin()) {
        return Err(Error::invalid(
            "admin_role",
            format!("{}不能查看表决情况（三员不参与业务）", r.label()),
        ));
    }
    let mut codes: Vec<&str> = roles.iter().map(|r| r.code()).collect();
    codes.sort_unstable();
    codes.dedup();
    let joined = codes.join(",");
    let mut tx = k.db.begin().await?;
    let be = tx.backend();
    query(
        be,
        "UPDATE decision_procedures SET vote_roles = ?, updated_at = ? WHERE meeting_type = ?",
    )
    .bind(joined.clone())
    .bind(rfc3339(now))
    .bind(t.as_str())
    .execute(tx.conn())
    .await?;
    audit::commit_success(
        tx,
        &k.keys,
        now,
        actor,
        "decision.procedure_vote_roles",
        &format!("decision_procedure:{}", t.as_str()),
        serde_json::json!({"vote_roles": codes}),
    )
    .await
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meeting {
    pub id: i64,
    pub meeting_type: MeetingType,
    pub title: String,
    pub on: Date,
    pub place: String,
    pub chair: String,
    pub status: MeetingStatus,
    pub notice_on: Option<Date>,
    pub notice_special: Option<String>,
    pub archived_at: Option<String>,
    pub archive_hash: Option<String>,
}

const COLS: &str = "id, meeting_type, title, meeting_on, place, chair, status, notice_on, notice_special, archived_at, archive_hash";

fn meeting_from(r: &sqlx::any::AnyRow) -> Result<Meeting> {
    let t = get_s(r, 1)?;
    let st = get_s(r, 6)?;
    Ok(Meeting {
        id: get_i64(r, 0)?,
        meeting_type: MeetingType::parse(&t).unwrap_or(MeetingType::Business),
        title: get_s(r, 2)?,
        on: parse_date(&get_s(r, 3)?)?,
        place: get_s(r, 4)?,
        chair: get_s(r, 5)?,
        status: MeetingStatus::parse(&st).unwrap_or(MeetingStatus::Scheduled),
        notice_on: get_opt_s(r, 7)?.map(|d| parse_date(&d)).transpose()?,
        notice_special: get_opt_s(r, 8)?,
        archived_at: get_opt_s(r, 9)?,
        archive_hash: get_opt_s(r, 10)?,
    })
}

pub(crate) async fn load(c: &mut AnyConnection, be: Backend, id: i64) -> Result<Meeting> {
    let r = yangguang_kernel::db::query_dyn(
        be,
        format!("SELECT {COLS} FROM decision_meetings WHERE id = ?"),
    )
    .bind(id)
    .fetch_optional(&mut *c)
    .await?
    .ok_or_else(|| Error::NotFound(format!("会议 {id} 不存在")))?;
    meeting_from(&r)
}

pub async fn meeting(k: &Kernel, id: i64) -> Result<Meeting> {
    let mut c = k.db.pool().acquire().await?;
    load(&mut c, k.db.backend(), id).await
}

pub async fn list(k: &Kernel) -> Result<Vec<Meeting>> {
    let rows = yangguang_kernel::db::query_dyn(
        k.db.backend(),
        format!("SELECT {COLS} FROM decision_meetings ORDER BY meeting_on DESC, id DESC"),
    )
    .fetch_all(k.db.pool())
    .await?;
    rows.iter().map(meeting_from).collect()
}

pub(crate) fn not_archived(m: &Meeting) -> Result<()> {
    if m.archived_at.is_some() {
        return Err(conflict(
            "会议记录已归档，不能修改；如需更正，请以更正记录补充并写明理由",
        ));
    }
    Ok(())
}

fn object(id: i64) -> String {
    format!("decision_meeting:{id}")
}

/// A meeting to schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMeeting {
    pub meeting_type: MeetingType,
    pub title: String,
    pub on: Date,
    pub place: String,
    /// Defaults to the meeting type's chair.
    pub chair: Option<String>,
    pub topics: Vec<i64>,
}

/// Schedules a meeting with its agenda. Topics must be ready for a
/// meeting (or postponed from an earlier one); a business meeting also
/// takes topics the principal sent to ordinary business.
pub async fn schedule(
    k: &Kernel,
    now: OffsetDateTime,
    actor: &Actor,
    m: NewMeeting,
) -> Result<i64> {
    let title = required("会议名称", &m.title, 200)?;
    let place = required("会议地点", &m.place, 100)?;
    if m.topics.is_empty() {
        return Err(Error::invalid("empty_agenda", "请至少选择一个议题列入议程"));
    }
    if m.on < today_cst(now) {
        return Err(Error::invalid(
            "meeting_in_past",
            format!("会议日期 {} 早于今天，不能安排", fmt_date(m.on)),
        ));
    }
    let mut tx = k.db.begin().await?;
    let be = tx.backend();
    let p = load_procedure(tx.conn(), be, m.meeting_type).await?;
    let chair = match m.chair.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        Some(c) => c.to_string(),
        None => p.chair.clone().ok_or_else(|| {
            Error::invalid(
                "no_chair",
                format!(
                    "{}尚未设置主持人和成员，请先在议事规则中设置",
                    m.meeting_type.label()
                ),
            )
        })?,
    };
    if p.members.is_empty() {
        return Err(Error::invalid(
            "no_members",
            format!(
                "{}尚未设置成员，请先在议事规则中设置",
                m.meeting_type.label()
            ),
        ));
    }
    if !p.members.contains(&chair) {
        return Err(Error::invalid("chair_not_member", "主持人须是该会议的成员"));
    }
    let id: i64 = query_scalar(
        be,
        "INSERT INTO decision_meetings (meeting_type, title, meeting_on, place, chair, status, created_by, created_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(m.meeting_type.as_str())
    .bind(title.clone())
    .bind(fmt_date(m.on))
    .bind(place.clone())
    .bind(chair.clone())
    .bind(MeetingStatus::Scheduled.as_str())
    .bind(actor.user.clone())
    .bind(rfc3339(now))
    .fetch_one(tx.conn())
    .await?;
    let mut seen = HashSet::new();
    for (pos, tid) in m.topics.iter().enumerate() {
        if !seen.insert(*tid) {
            continue;
        }
        let t = topic::load(tx.conn(), be, *tid).await?;
        let ok = match t.status {
            TopicStatus::Ready | TopicStatus::Postponed => true,
            TopicStatus::Ordinary => m.meeting_type == MeetingType::Business,
            _ => false,
        };
        if !ok {
            return Err(conflict(format!(
                "议题“{}”当前状态为“{}”，不能列入{}议程",
                t.title,
                t.status.label(),
                m.meeting_type.label()
            )));
        }
        query(
            be,
            "INSERT INTO decision_agenda (meeting_id, topic_id, position) VALUES (?, ?, ?)",
        )
        .bind(id)
        .bind(*tid)
        .bind(pos as i64)
        .execute(tx.conn())
        .await?;
        query(
            be,
            "UPDATE decision_topics SET status = ?, meeting_id = ?, closed_at = NULL, outcome = NULL WHERE id = ?",
        )
        .bind(TopicStatus::Scheduled.as_str())
        .bind(id)
        .bind(*tid)
        .execute(tx.conn())
        .await?;
    }
    audit::success(
        &mut tx,
        &k.keys,
        now,
        actor,
        "decision.meeting_schedule",
        &object(id),
        serde_json::json!({"type": m.meeting_type.as_str(), "title": title, "on": fmt_date(m.on), "chair": chair, "topics": m.topics}),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The agenda: topic ids in order.
pub async fn agenda(k: &Kernel, meeting_id: i64) -> Result<Vec<topic::Topic>> {
    let mut c = k.db.pool().acquire().await?;
    let be = k.db.backend();
    let ids: Vec<i64> = query_scalar(
        be,
        "SELECT topic_id FROM decision_agenda WHERE meeting_id = ? ORDER BY position",
    )
    .bind(meeting_id)
    .fetch_all(&mut *c)
    .await?;
    let mut out = Vec::new();
    for id in ids {
        out.push(topic::load(&mut c, be, id).await?);
    }
    Ok(out)
}

/// A topic's outcome at one meeting (kept per meeting: a postponed
/// topic is decided again at a later one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgendaEntry {
    pub topic: topic::Topic,
    pub outcome: Option<TopicStatus>,
    pub reason: Option<String>,
    pub method: Option<Method>,
    pub override_reason: Option<String>,
    /// expected, present, for, against, abstain.
    pub counts: Option<[i64; 5]>,
}

impl AgendaEntry {
    /// Still to be decided at meeting `meeting_id`.
    pub fn open(&self, meeting_id: i64) -> bool {
        self.outcome.is_none()
            && self.topic.status == TopicStatus::Scheduled
            && self.topic.meeting_id == Some(meeting_id)
    }

    /// The status shown for this meeting: its outcome here, or the topic's.
    pub fn status_label(&self) -> &'static str {
        self.outcome.unwrap_or(self.topic.status).label()
    }
}

/// The agenda with each topic's outcome at this meeting.
pub async fn agenda_entries(k: &Kernel, meeting_id: i64) -> Result<Vec<AgendaEntry>> {
    let mut c = k.db.pool().acquire().await?;
    let be = k.db.backend();
    let rows = query(
        be,
        "SELECT topic_id, outcome, outcome_reason, method, override_reason, t_expected, t_present, t_for, \
         t_against, t_abstain FROM decision_agenda WHERE meeting_id = ? ORDER BY position",
    )
    .bind(meeting_id)
    .fetch_all(&mut *c)
    .await?;
    let mut out = Vec::new();
    for r in &rows {
        let counts = match (
            get_opt_i64(r, 5)?,
            get_opt_i64(r, 6)?,
            get_opt_i64(r, 7)?,
            get_opt_i64(r, 8)?,
            get_opt_i64(r, 9)?,
        ) {
            (Some(a), Some(b), Some(c), Some(d), Some(e)) => Some([a, b, c, d, e]),
            _ => None,
        };
        out.push(AgendaEntry {
            topic: topic::load(&mut c, be, get_i64(r, 0)?).await?,
            outcome: get_opt_s(r, 1)?.and_then(|s| TopicStatus::parse(&s)),
            reason: get_opt_s(r, 2)?,
            method: get_opt_s(r, 3)?.and_then(|s| Method::parse(&s)),
            override_reason: get_opt_s(r, 4)?,
            counts,
        });
    }
    Ok(out)
}

/// Sends the notice with the materials to the members (their list is
/// fixed at this point: they are the notified attendees). In time iff
/// `add_working_days(notice, 1) ≤ meeting`; otherwise only as a special
/// case with its reason.
pub async fn send_notice(
    k: &Kernel,
    now: OffsetDateTime,
    actor: &Actor,
    meeting_id: i64,
    special_reason: Option<&str>,
) -> Result<()> {
    let today = today_cst(now);
    let special = match special_reason {
        Some(r) => optional("特殊情况理由", r, 500)?,
        None => None,
    };
    let mut tx = k.db.begin().await?;
    let be = tx.backend();
    let m = load(tx.conn(), be, meeting_id).await?;
    if m.status != MeetingStatus::Scheduled {
        return Err(conflict(format!(
            "会议当前状态为“{}”，不能再发通知",
            m.status.label()
        )));
    }
    let timing = rules::check_notice(&k.calendar(), today, m.on, special.as_deref())?;
    let special = match timing {
        rules::NoticeTiming::InTime => None,
        rules::NoticeTiming::SpecialLate => special,
    };
    let p = load_procedure(tx.conn(), be, m.meeting_type).await?;
    for u in &p.members {
        query(
            be,
            "INSERT INTO decision_attendees (meeting_id, username, attendance) VALUES (?, ?, ?)",
        )
        .bind(meeting_id)
        .bind(u.clone())
        .bind(Attendance::Notified.as_str())
        .execute(tx.conn())
        .await?;
    }
    query(
        be,
        "UPDATE decision_meetings SET status = ?, notice_on = ?, notice_special = ?, notified_by = ? WHERE id = ?",
    )
    .bind(MeetingStatus::Notified.as_str())
    .bind(fmt_date(today))
    .bind(special.clone())
    .bind(actor.user.clone())
    .bind(meeting_id)
    .execute(tx.conn())
    .await?;
    audit::commit_success(
        tx,
        &k.keys,
        now,
        actor,
        "decision.meeting_notice",
        &object(meeting_id),
        serde_json::json!({"notice_on": fmt_date(today), "meeting_on": fmt_date(m.on), "special": special, "attendees": p.members}),
    )
    .await
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attendee {
    pub username: String,
    pub attendance: Attendance,
    pub absent_reason: Option<String>,
}

pub async fn attendees(k: &Kernel, meeting_id: i64) -> Result<Vec<Attendee>> {
    let mut c = k.db.pool().acquire().await?;
    load_attendees(&mut c, k.db.backend(), meeting_id).await
}

async fn load_attendees(
    c: &mut AnyConnection,
    be: Backend,
    meeting_id: i64,
) -> Result<Vec<Attendee>> {
    let rows = query(
        be,
        "SELECT a.username, a.attendance, a.absent_reason FROM decision_attendees a \
         LEFT JOIN decision_members m ON m.username = a.username AND m.meeting_type = \
         (SELECT meeting_type FROM decision_meetings WHERE id = a.meeting_id) \
         WHERE a.meeting_id = ? ORDER BY m.sort, a.username",
    )
    .bind(meeting_id)
    .fetch_all(&mut *c)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Attendee {
                username: get_s(r, 0)?,
                attendance: Attendance::parse(&get_s(r, 1)?).unwrap_or(Attendance::Notified),
                absent_reason: get_opt_s(r, 2)?,
            })
        })
        .collect()
}

/// Whether `user` may read the meeting's materials now: only notified
/// attendees, only until the meeting closes (the archive keeps them).
pub async fn can_read_materials(k: &Kernel, meeting_id: i64, user: &str) -> Result<bool> {
    let m = meeting(k, meeting_id).await?;
    if !matches!(m.status, MeetingStatus::Notified | MeetingStatus::InSession) {
        return Ok(false);
    }
    let n: i64 = query_scalar(
        k.db.backend(),
        "SELECT COUNT(*) FROM decision_attendees WHERE meeting_id = ? AND username = ?",
    )
    .bind(meeting_id)
    .bind(user.to_string())
    .fetch_one(k.db.pool())
    .await?;
    Ok(n > 0)
}

/// One attendee's attendance as recorded at the opening.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Presence {
    Present,
    Absent(String),
}

/// Records attendance and opens the meeting. Every notified attendee is
/// marked present or absent (with the reason).
pub async fn open(
    k: &Kernel,
    now: OffsetDateTime,
    actor: &Actor,
    meeting_id: i64,
    presence: &[(String, Presence)],
) -> Result<()> {
    let mut tx = k.db.begin().await?;
    let be = tx.backend();
    let m = load(tx.conn(), be, meeting_id).await?;
    if m.status != MeetingStatus::Notified {
        return Err(conflict(format!(
            "会议当前状态为“{}”，不能登记出席情况",
            m.status.label()
        )));
    }
    let list = load_attendees(tx.conn(), be, meeting_id).await?;
    let mut detail = Vec::new();
    for a in &list {
        let p = presence
            .iter()
            .find(|(u, _)| *u == a.username)
            .map(|(_, p)| p.clone())
            .ok_or_else(|| {
                Error::invalid(
                    "attendance_missing",
                    format!("请登记“{}”出席或缺席", a.username),
                )
            })?;
        let (att, reason) = match p {
            Presence::Present => (Attendance::Present, None),
            Presence::Absent(r) => (
                Attendance::Absent,
                Some(required(&format!("{}缺席的原因", a.username), &r, 200)?),
            ),
        };
        query(
            be,
            "UPDATE decision_attendees SET attendance = ?, absent_reason = ? WHERE meeting_id = ? AND username = ?",
        )
        .bind(att.as_str())
        .bind(reason.clone())
        .bind(meeting_id)
        .bind(a.username.clone())
        .execute(tx.conn())
        .await?;
        detail.push(
            serde_json::json!({"user": a.username, "attendance": att.as_str(), "reason": reason}),
        );
    }
    if let Some((u, _)) = presence
        .iter()
        .find(|(u, _)| !list.iter().any(|a| a.username == *u))
    {
        return Err(Error::invalid(
            "not_a_member",
            format!("“{u}”不是本次会议通知的参会成员"),
        ));
    }
    query(
        be,
        "UPDATE decision_meetings SET status = ?, opened_at = ? WHERE id = ?",
    )
    .bind(MeetingStatus::InSession.as_str())
    .bind(rfc3339(now))
    .bind(meeting_id)
    .execute(tx.conn())
    .await?;
    audit::commit_success(
        tx,
        &k.keys,
        now,
        actor,
        "decision.meeting_open",
        &object(meeting_id),
        serde_json::json!({"attendance": detail}),
    )
    .await
}

/// Loads the meeting in session and the agenda topic still open.
async fn open_topic(
    c: &mut AnyConnection,
    be: Backend,
    meeting_id: i64,
    topic_id: i64,
) -> Result<(Meeting, topic::Topic)> {
    let m = load(c, be, meeting_id).await?;
    if m.status != MeetingStatus::InSession {
        return Err(conflict(format!(
            "会议当前状态为“{}”，不在会议进行中",
            m.status.label()
        )));
    }
    let on: i64 = query_scalar(
        be,
        "SELECT COUNT(*) FROM decision_agenda WHERE meeting_id = ? AND topic_id = ?",
    )
    .bind(meeting_id)
    .bind(topic_id)
    .fetch_one(&mut *c)
    .await?;
    if on == 0 {
        return Err(Error::NotFound(format!(
            "议题 {topic_id} 不在本次会议议程中"
        )));
    }
    let t = topic::load(c, be, topic_id).await?;
    if t.closed() || t.status != TopicStatus::Scheduled || t.meeting_id != Some(meeting_id) {
        return Err(conflict(format!(
            "议题“{}”已作出决定（{}），表决和记录不能再更改",
            t.title,
            t.status.label()
        )));
    }
    Ok((m, t))
}

async fn attendance_of(
    c: &mut AnyConnection,
    be: Backend,
    meeting_id: i64,
    user: &str,
) -> Result<Option<Attendance>> {
    let a: Option<String> = query_scalar(
        be,
        "SELECT attendance FROM decision_attendees WHERE meeting_id = ? AND username = ?",
    )
    .bind(meeting_id)
    .bind(user.to_string())
    .fetch_optional(&mut *c)
    .await?;
    Ok(a.and_then(|a| Attendance::parse(&a)))
}

async fn is_recused(
    c: &mut AnyConnection,
    be: Backend,
    meeting_id: i64,
    topic_id: i64,
    user: &str,
) -> Result<bool> {
    let n: i64 = query_scalar(
        be,
        "SELECT COUNT(*) FROM decision_recusals WHERE meeting_id = ? AND topic_id = ? AND username = ?",
    )
    .bind(meeting_id)
    .bind(topic_id)
    .bind(user.to_string())
    .fetch_one(&mut *c)
    .await?;
    Ok(n > 0)
}

/// Whether `user` withdrew from the topic at this meeting.
pub async fn is_recused_user(
    k: &Kernel,
    meeting_id: i64,
    topic_id: i64,
    user: &str,
) -> Result<bool> {
    let mut c = k.db.pool().acquire().await?;
    is_recused(&mut c, k.db.backend(), meeting_id, topic_id, user).await
}

/// Records that a member withdraws (回避) from a topic.
pub async fn recuse(
    k: &Kernel,
    now: OffsetDateTime,
    actor: &Actor,
    meeting_id: i64,
    topic_id: i64,
    user: &str,
    reason: &str,
) -> Result<()> {
    let reason = required("回避理由", reason, 200)?;
    let mut tx = k.db.begin().await?;
    let be = tx.backend();
    open_topic(tx.conn(), be, meeting_id, topic_id).await?;
    if attendance_of(tx.conn(), be, meeting_id, user)
        .await?
        .is_none()
    {
        return Err(Error::invalid(
            "not_a_member",
            format!("“{user}”不是本次会议的成员"),
        ));
    }
    if is_recused(tx.conn(), be, meeting_id, topic_id, user).await? {
        return Err(conflict(format!("“{user}”已登记回避该议题")));
    }
    let voted: i64 = query_scalar(
        be,
        "SELECT COUNT(*) FROM decision_votes WHERE meeting_id = ? AND topic_id = ? AND username = ?",
    )
    .bind(meeting_id)
    .bind(topic_id)
    .bind(user.to_string())
    .fetch_one(tx.conn())
    .await?;
    if voted > 0 {
        return Err(conflict(format!("“{user}”已对该议题表决，不能再登记回避")));
    }
    query(
        be,
        "INSERT INTO decision_recusals (meeting_id, topic_id, username, reason) VALUES (?, ?, ?, ?)",
    )
    .bind(meeting_id)
    .bind(topic_id)
    .bind(user.to_string())
    .bind(reason.clone())
    .execute(tx.conn())
    .await?;
    audit::commit_success(
        tx,
        &k.keys,
        now,
        actor,
        "decision.recuse",
        &object(meeting_id),
        serde_json::json!({"topic": topic_id, "user": user, "reason": reason}),
    )
    .await
}

/// Who spoke in the discussion of a topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpeakerRole {
    /// 承办单位汇报
    LeadUnit,
    /// 分管领导说明
    Deputy,
    /// 成员发表意见
    Member,
    /// 主持人末位表态
    Chair,
}

impl SpeakerRole {
    pub fn as_str(self) -> &'static str {
        match self {
            SpeakerRole::LeadUnit => "lead_unit",
            SpeakerRole::Deputy => "deputy",
            SpeakerRole::Member => "member",
            SpeakerRole::Chair => "chair",
        }
    }
    pub fn parse(s: &str) -> Option<SpeakerRole> {
        [
            SpeakerRole::LeadUnit,
            SpeakerRole::Deputy,
            SpeakerRole::Member,
            SpeakerRole::Chair,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }
    pub fn label(self) -> &'static str {
        match self {
            SpeakerRole::LeadUnit => "承办单位汇报",
            SpeakerRole::Deputy => "分管领导说明",
            SpeakerRole::Member => "发表意见",
            SpeakerRole::Chair => "主持人表态",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Speech {
    pub username: String,
    pub role: SpeakerRole,
    pub content: String,
}

/// One contribution to the discussion record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpeechEntry<'a> {
    pub user: &'a str,
    pub role: SpeakerRole,
    pub content: &'a str,
}

/// Adds to the discussion record. The chair speaks last (主持人末位表态):
/// once the chair has stated a position on a topic, nobody else speaks on
/// it, and the chair speaks only once.
pub async fn speak(
    k: &Kernel,
    now: OffsetDateTime,
    actor: &Actor,
    meeting_id: i64,
    topic_id: i64,
    entry: SpeechEntry<'_>,
) -> Result<()> {
    let SpeechEntry {
        user,
        role,
        content,
    } = entry;
    let content = crate::model::long_text("发言内容", content, 5000)?;
    let mut tx = k.db.begin().await?;
    let be = tx.backend();
    let (m, _) = open_topic(tx.conn(), be, meeting_id, topic_id).await?;
    let chair_spoke: i64 = query_scalar(
        be,
        "SELECT COUNT(*) FROM decision_speeches WHERE meeting_id = ? AND topic_id = ? AND role = 'chair'",
    )
    .bind(meeting_id)
    .bind(topic_id)
    .fetch_one(tx.conn())
    .await?;
    if chair_spoke > 0 {
        return Err(conflict(
            "主持人已末位表态，该议题的讨论已结束，不能再记录发言",
        ));
    }
    if role == SpeakerRole::Chair && user != m.chair {
        return Err(Error::invalid(
            "not_the_chair",
            "只有会议主持人才能作末位表态",
        ));
    }
    query(
        be,
        "INSERT INTO decision_speeches (meeting_id, topic_id, username, role, content, at) VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(meeting_id)
    .bind(topic_id)
    .bind(user.to_string())
    .bind(role.as_str())
    .bind(content.clone())
    .bind(rfc3339(now))
    .execute(tx.conn())
    .await?;
    audit::commit_success(
        tx,
        &k.keys,
        now,
        actor,
        "decision.speech",
        &object(meeting_id),
        serde_json::json!({"topic": topic_id, "user": user, "role": role.as_str(), "sha256": yangguang_kernel::files::hash(content.as_bytes())}),
    )
    .await
}

pub async fn speeches(k: &Kernel, meeting_id: i64, topic_id: i64) -> Result<Vec<Speech>> {
    let rows = query(
        k.db.backend(),
        "SELECT username, role, content FROM decision_speeches WHERE meeting_id = ? AND topic_id = ? ORDER BY id",
    )
    .bind(meeting_id)
    .bind(topic_id)
    .fetch_all(k.db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Speech {
                username: get_s(r, 0)?,
                role: SpeakerRole::parse(&get_s(r, 1)?).unwrap_or(SpeakerRole::Member),
                content: get_s(r, 2)?,
            })
        })
        .collect()
}

/// One member's vote with the opinion given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ballot<'a> {
    pub user: &'a str,
    pub vote: Vote,
    pub opinion: &'a str,
}

/// Records one member's vote and opinion on a topic. Only members present
/// and not recused vote, once; a vote is never changed.
pub async fn cast_vote(
    k: &Kernel,
    now: OffsetDateTime,
    actor: &Actor,
    meeting_id: i64,
    topic_id: i64,
    ballot: Ballot<'_>,
) -> Result<()> {
    let Ballot {
        user,
        vote,
        opinion,
    } = ballot;
    let opinion = optional("表决意见", opinion, 1000)?.unwrap_or_default();
    let mut tx = k.db.begin().await?;
    let be = tx.backend();
    let (m, t) = open_topic(tx.conn(), be, meeting_id, topic_id).await?;
    if m.meeting_type == MeetingType::Business {
        return Err(Error::invalid(
            "no_vote_in_business_meeting",
            "业务会议由主持人听取汇报后决定，不进行表决",
        ));
    }
    match attendance_of(tx.conn(), be, meeting_id, user).await? {
        None => {
            return Err(Error::invalid(
                "not_a_member",
                format!("“{user}”不是本次会议的成员，不能表决"),
            ));
        }
        Some(Attendance::Present) => {}
        Some(_) => {
            return Err(Error::invalid(
                "not_present",
                format!(
                    "“{user}”未出席本次会议，不能表决；可以提交书面意见，但书面意见不计入表决票"
                ),
            ));
        }
    }
    if is_recused(tx.conn(), be, meeting_id, topic_id, user).await? {
        return Err(Error::invalid(
            "recused",
            format!("“{user}”已回避议题“{}”，不能表决", t.title),
        ));
    }
    let n: i64 = query_scalar(
        be,
        "SELECT COUNT(*) FROM decision_votes WHERE meeting_id = ? AND topic_id = ? AND username = ?",
    )
    .bind(meeting_id)
    .bind(topic_id)
    .bind(user.to_string())
    .fetch_one(tx.conn())
    .await?;
    if n > 0 {
        return Err(conflict(format!(
            "“{user}”已对议题“{}”表决，每人只能表决一次，表决不能更改",
            t.title
        )));
    }
    query(
        be,
        "INSERT INTO decision_votes (meeting_id, topic_id, username, vote, opinion, at) VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(meeting_id)
    .bind(topic_id)
    .bind(user.to_string())
    .bind(vote.as_str())
    .bind(opinion.clone())
    .bind(rfc3339(now))
    .execute(tx.conn())
    .await?;
    audit::commit_success(
        tx,
        &k.keys,
        now,
        actor,
        "decision.vote",
        &object(meeting_id),
        serde_json::json!({"topic": topic_id, "user": user, "vote": vote.as_str(), "opinion": opinion}),
    )
    .await
}

/// A written opinion of a member absent from the meeting: recorded, never
/// counted as a vote.
pub async fn written_opinion(
    k: &Kernel,
    now: OffsetDateTime,
    actor: &Actor,
    meeting_id: i64,
    topic_id: i64,
    user: &str,
    opinion: &str,
) -> Result<()> {
    let opinion = crate::model::long_text("书面意见", opinion, 2000)?;
    let mut tx = k.db.begin().await?;
    let be = tx.backend();
    open_topic(tx.conn(), be, meeting_id, topic_id).await?;
    if attendance_of(tx.conn(), be, meeting_id, user).await? != Some(Attendance::Absent) {
        return Err(Error::invalid(
            "not_absent",
            "书面意见只适用于缺席的会议成员；出席的成员请在会上表决",
        ));
    }
    query(
        be,
        "INSERT INTO decision_written_opinions (meeting_id, topic_id, username, opinion, at) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(meeting_id)
    .bind(topic_id)
    .bind(user.to_string())
    .bind(opinion.clone())
    .bind(rfc3339(now))
    .execute(tx.conn())
    .await?;
    audit::commit_success(
        tx,
        &k.keys,
        now,
        actor,
        "decision.written_opinion",
        &object(meeting_id),
        serde_json::json!({"topic": topic_id, "user": user}),
    )
    .await
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoteRow {
    pub username: String,
    pub vote: Vote,
    pub opinion: String,
}

pub async fn votes(k: &Kernel, meeting_id: i64, topic_id: i64) -> Result<Vec<VoteRow>> {
    let mut c = k.db.pool().acquire().await?;
    load_votes(&mut c, k.db.backend(), meeting_id, topic_id).await
}

async fn load_votes(
    c: &mut AnyConnection,
    be: Backend,
    meeting_id: i64,
    topic_id: i64,
) -> Result<Vec<VoteRow>> {
    let rows = query(
        be,
        "SELECT username, vote, opinion FROM decision_votes WHERE meeting_id = ? AND topic_id = ? ORDER BY id",
    )
    .bind(meeting_id)
    .bind(topic_id)
    .fetch_all(&mut *c)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(VoteRow {
                username: get_s(r, 0)?,
                vote: Vote::parse(&get_s(r, 1)?).unwrap_or(Vote::Abstain),
                opinion: get_s(r, 2)?,
            })
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenOpinion {
    pub username: String,
    pub opinion: String,
}

pub async fn written_opinions(
    k: &Kernel,
    meeting_id: i64,
    topic_id: i64,
) -> Result<Vec<WrittenOpinion>> {
    let rows = query(
        k.db.backend(),
        "SELECT username, opinion FROM decision_written_opinions WHERE meeting_id = ? AND topic_id = ? ORDER BY id",
    )
    .bind(meeting_id)
    .bind(topic_id)
    .fetch_all(k.db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(WrittenOpinion {
                username: get_s(r, 0)?,
                opinion: get_s(r, 1)?,
            })
        })
        .collect()
}

/// The count of one topic now: members net of recusals, votes of those
/// present (written opinions are never among them).
async fn count_of(
    c: &mut AnyConnection,
    be: Backend,
    meeting_id: i64,
    topic_id: i64,
) -> Result<Count> {
    let att = load_attendees(c, be, meeting_id).await?;
    let recused: Vec<String> = query_scalar(
        be,
        "SELECT username FROM decision_recusals WHERE meeting_id = ? AND topic_id = ?",
    )
    .bind(meeting_id)
    .bind(topic_id)
    .fetch_all(&mut *c)
    .await?;
    let expected = att
        .iter()
        .filter(|a| !recused.contains(&a.username))
        .count();
    let present = att
        .iter()
        .filter(|a| a.attendance == Attendance::Present && !recused.contains(&a.username))
        .count();
    let votes = load_votes(c, be, meeting_id, topic_id).await?;
    let n = |v: Vote| votes.iter().filter(|r| r.vote == v).count() as u32;
    Ok(Count {
        expected: expected as u32,
        present: present as u32,
        for_: n(Vote::For),
        against: n(Vote::Against),
        abstain: n(Vote::Abstain),
    })
}

/// The tally of a topic as it stands (for the meeting page).
pub async fn current_tally(
    k: &Kernel,
    meeting_id: i64,
    topic_id: i64,
    head: Option<HeadDecision>,
) -> Result<std::result::Result<Tally, rules::TallyError>> {
    let mut c = k.db.pool().acquire().await?;
    let be = k.db.backend();
    let m = load(&mut c, be, meeting_id).await?;
    let t = topic::load(&mut c, be, topic_id).await?;
    let p = load_procedure(&mut c, be, m.meeting_type).await?;
    let count = count_of(&mut c, be, meeting_id, topic_id).await?;
    Ok(rules::tally(&p.rules, t.cadre, count, head))
}

/// Closes a topic with the chair's decision. Quorum comes first; the
/// outcome follows the meeting type's rule; after this the topic's votes
/// and record are fixed.
pub async fn decide(
    k: &Kernel,
    now: OffsetDateTime,
    actor: &Actor,
    meeting_id: i64,
    topic_id: i64,
    d: TopicDecision,
) -> Result<TopicStatus> {
    let mut tx = k.db.begin().await?;
    let be = tx.backend();
    let (m, t) = open_topic(tx.conn(), be, meeting_id, topic_id).await?;
    let p = load_procedure(tx.conn(), be, m.meeting_type).await?;
    let mut count = count_of(tx.conn(), be, meeting_id, topic_id).await?;
    let clean = |r: &Option<String>, label: &str| -> Result<Option<String>> {
        match r {
            Some(r) => optional(label, r, 1000),
            None => Ok(None),
        }
    };
    let (status, method, reason, head, override_reason) = match &d {
        TopicDecision::Postpone { reason } => (
            TopicStatus::Postponed,
            Method::Postpone,
            Some(required("暂缓理由", reason, 1000)?),
            None,
            None,
        ),
        TopicDecision::Unanimous => {
            if count.votes() > 0 {
                return Err(Error::invalid(
                    "already_voted",
                    "该议题已有表决票，请按表决结果作出决定",
                ));
            }
            let all = Count {
                for_: count.present,
                ..count
            };
            let head = (p.rules.basis == PassBasis::HeadDecides).then_some(HeadDecision::Adopt);
            let tl = rules::tally(&p.rules, t.cadre, all, head)?;
            match tl.outcome {
                Outcome::NoQuorum => return Err(no_quorum(&tl)),
                // 党组会议: all present agreeing is still too few when
                // they are not more than half of those who should attend.
                Outcome::NotPassed => {
                    return Err(Error::invalid(
                        "unanimous_too_few",
                        format!(
                            "到会 {} 人一致同意，但未超过应到会 {} 人的半数，不能通过；请暂缓",
                            all.present, all.expected
                        ),
                    ));
                }
                Outcome::Passed => {}
            }
            count = all;
            (TopicStatus::Adopted, Method::Unanimous, None, None, None)
        }
        TopicDecision::Vote { reason } | TopicDecision::Ballot { reason, .. } => {
            let ballot = match &d {
                TopicDecision::Ballot { urgency, .. } => Some(required("紧急事由", urgency, 1000)?),
                _ => None,
            };
            if p.rules.basis == PassBasis::HeadDecides {
                return Err(Error::invalid(
                    "head_decides",
                    format!(
                        "{}由行政首长（主持人）决定，请选择“主持人决定”",
                        m.meeting_type.label()
                    ),
                ));
            }
            let tl = rules::tally(&p.rules, t.cadre, count, None)?;
            if tl.outcome == Outcome::NoQuorum {
                return Err(no_quorum(&tl));
            }
            // RULES.md §5: for and against close → postpone to the next
            // meeting; only an urgent matter is decided by ballot now.
            if tl.close && ballot.is_none() {
                return Err(Error::invalid(
                    "close_vote",
                    format!(
                        "赞成 {} 票、反对 {} 票，票数接近，应暂缓到下次会议再议；确属紧急事项的，请选择“紧急事项票决”并写明紧急事由",
                        count.for_, count.against
                    ),
                ));
            }
            let method = if ballot.is_some() {
                Method::Ballot
            } else {
                Method::Vote
            };
            // The urgency is kept with the outcome's reason (the minutes
            // print both).
            let with_urgency = |r: Option<String>| match (&ballot, r) {
                (Some(u), Some(r)) => Some(format!("紧急事由：{u}；{r}")),
                (Some(u), None) => Some(format!("紧急事由：{u}")),
                (None, r) => r,
            };
            match tl.outcome {
                Outcome::NoQuorum => return Err(no_quorum(&tl)),
                Outcome::Passed => (
                    TopicStatus::Adopted,
                    method,
                    with_urgency(clean(reason, "决定理由")?),
                    None,
                    None,
                ),
                Outcome::NotPassed => (
                    TopicStatus::NotAdopted,
                    method,
                    with_urgency(Some(clean(reason, "未通过的理由")?.ok_or_else(|| {
                        Error::invalid(
                            "reason_required",
                            "表决未通过，请写明未通过的理由（如事实不清、缺乏法律依据）",
                        )
                    })?)),
                    None,
                    None,
                ),
            }
        }
        TopicDecision::Head { adopt, reason } => {
            if p.rules.basis != PassBasis::HeadDecides {
                return Err(Error::invalid(
                    "vote_decides",
                    format!(
                        "{}按表决结果决定，不由主持人个人决定",
                        m.meeting_type.label()
                    ),
                ));
            }
            let h = if *adopt {
                HeadDecision::Adopt
            } else {
                HeadDecision::Reject
            };
            let tl = rules::tally(&p.rules, t.cadre, count, Some(h))?;
            if tl.outcome == Outcome::NoQuorum {
                return Err(no_quorum(&tl));
            }
            let reason = clean(reason, "决定理由")?;
            if tl.against_majority && reason.is_none() {
                return Err(Error::invalid(
                    "override_reason_required",
                    "行政首长的决定与多数表决意见不一致，须写明理由，理由将写入会议纪要",
                ));
            }
            let status = if *adopt {
                TopicStatus::Adopted
            } else {
                TopicStatus::NotAdopted
            };
            let (r, o) = if tl.against_majority {
                (None, reason)
            } else {
                (reason, None)
            };
            (status, Method::Head, r, Some(h.as_str()), o)
        }
    };
    query(
        be,
        "UPDATE decision_topics SET status = ?, outcome = ?, outcome_reason = ?, method = ?, head_decision = ?, \
         override_reason = ?, t_expected = ?, t_present = ?, t_for = ?, t_against = ?, t_abstain = ?, closed_at = ? WHERE id = ?",
    )
    .bind(status.as_str())
    .bind(status.as_str())
    .bind(reason.clone())
    .bind(method.as_str())
    .bind(head.map(str::to_string))
    .bind(override_reason.clone())
    .bind(i64::from(count.expected))
    .bind(i64::from(count.present))
    .bind(i64::from(count.for_))
    .bind(i64::from(count.against))
    .bind(i64::from(count.abstain))
    .bind(rfc3339(now))
    .bind(topic_id)
    .execute(tx.conn())
    .await?;
    // The outcome at this meeting stays with the meeting's record even if
    // the topic goes on (a postponed topic comes back at a later meeting).
    query(
        be,
        "UPDATE decision_agenda SET outcome = ?, outcome_reason = ?, method = ?, override_reason = ?, \
         t_expected = ?, t_present = ?, t_for = ?, t_against = ?, t_abstain = ?, closed_at = ? \
         WHERE meeting_id = ? AND topic_id = ?",
    )
    .bind(status.as_str())
    .bind(reason.clone())
    .bind(method.as_str())
    .bind(override_reason.clone())
    .bind(i64::from(count.expected))
    .bind(i64::from(count.present))
    .bind(i64::from(count.for_))
    .bind(i64::from(count.against))
    .bind(i64::from(count.abstain))
    .bind(rfc3339(now))
    .bind(meeting_id)
    .bind(topic_id)
    .execute(tx.conn())
    .await?;
    if matches!(status, TopicStatus::Adopted | TopicStatus::NotAdopted) {
        crate::topic::publish_decided(&mut tx, now, topic_id, status).await?;
    }
    audit::success(
        &mut tx,
        &k.keys,
        now,
        actor,
        "decision.topic_decide",
        &format!("decision_topic:{topic_id}"),
        serde_json::json!({
            "meeting": meeting_id, "outcome": status.as_str(), "method": method.as_str(),
            "reason": reason, "head": head, "override_reason": override_reason,
            "expected": count.expected, "present": count.present,
            "for": count.for_, "against": count.against, "abstain": count.abstain,
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(status)
}

fn no_quorum(t: &Tally) -> Error {
    Error::invalid(
        "no_quorum",
        format!(
            "到会人数不足法定人数（应到 {} 人，至少 {} 人到会，实到 {} 人），会议不能作出决定，只能暂缓",
            t.count.expected, t.quorum_needed, t.count.present
        ),
    )
}

/// Closes the meeting once every topic is decided; attendees lose access
/// to the materials from now on.
pub async fn close(k: &Kernel, now: OffsetDateTime, actor: &Actor, meeting_id: i64) -> Result<()> {
    let mut tx = k.db.begin().await?;
    let be = tx.backend();
    let m = load(tx.conn(), be, meeting_id).await?;
    if m.status != MeetingStatus::InSession {
        return Err(conflict(format!(
            "会议当前状态为“{}”，不能结束",
            m.status.label()
        )));
    }
    let open: i64 = query_scalar(
        be,
        "SELECT COUNT(*) FROM decision_agenda WHERE meeting_id = ? AND closed_at IS NULL",
    )
    .bind(meeting_id)
    .fetch_one(tx.conn())
    .await?;
    if open > 0 {
        return Err(Error::invalid(
            "topics_open",
            format!("还有 {open} 个议题未作出决定（通过、不通过或暂缓），不能结束会议"),
        ));
    }
    query(
        be,
        "UPDATE decision_meetings SET status = ?, closed_at = ? WHERE id = ?",
    )
    .bind(MeetingStatus::Closed.as_str())
    .bind(rfc3339(now))
    .bind(meeting_id)
    .execute(tx.conn())
    .await?;
    audit::commit_success(
        tx,
        &k.keys,
        now,
        actor,
        "decision.meeting_close",
        &object(meeting_id),
        serde_json::json!({}),
    )
    .await
}
