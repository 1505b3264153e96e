//! After the meeting: minutes (approved by the principal before issue,
//! numbered `〔2026〕第3期`), internal publicity with staff comments, the
//! archive (no edit after it, corrections as linked records, content
//! hashes in the audit chain) and follow-up of adopted decisions.

use time::{Date, OffsetDateTime};
use yangguang_kernel::audit::{self, Actor};
use yangguang_kernel::db::{query, query_scalar};
use yangguang_kernel::docx::{self, Block};
use yangguang_kernel::text::required;
use yangguang_kernel::timefmt::{fmt_date, fmt_date_cn, parse_date, rfc3339, today_cst};
use yangguang_kernel::{Error, Kernel, Result, numbering};

use crate::meeting::{self, Meeting, not_archived};
use crate::model::{
    Attendance, MeetingStatus, Method, MinutesStatus, PublicityClose, PublicityResult, TopicStatus,
    long_text,
};
use crate::rules;
use crate::store::{conflict, display_names, get_i64, get_opt_s, get_s, name_of};
use crate::topic;

/// The yearly sequence of minutes numbers.
pub const SEQUENCE: &str = "decision.minutes";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Minutes {
    pub id: i64,
    pub meeting_id: i64,
    pub body: String,
    pub status: MinutesStatus,
    pub number: Option<String>,
    pub approved_by: Option<String>,
    pub issued_on: Option<Date>,
    pub publicity_ends: Option<Date>,
    pub publicity_result: Option<PublicityResult>,
    pub publicity_change: Option<String>,
}

impl Minutes {
    /// Open for comments on `today`.
    pub fn in_publicity(&self, today: Date) -> bool {
        self.status == MinutesStatus::Issued
            && self.publicity_result.is_none()
            && self.publicity_ends.is_some_and(|e| today <= e)
    }
}

async fn load(
    c: &mut sqlx::AnyConnection,
    be: yangguang_kernel::db::Backend,
    meeting_id: i64,
) -> Result<Option<Minutes>> {
    let r = query(
        be,
        "SELECT id, meeting_id, body, status, number, approved_by, issued_on, publicity_ends, publicity_result, publicity_change \
         FROM decision_minutes WHERE meeting_id = ?",
    )
    .bind(meeting_id)
    .fetch_optional(&mut *c)
    .await?;
    let Some(r) = r else { return Ok(None) };
    Ok(Some(Minutes {
        id: get_i64(&r, 0)?,
        meeting_id: get_i64(&r, 1)?,
        body: get_s(&r, 2)?,
        status: MinutesStatus::parse(&get_s(&r, 3)?).unwrap_or(MinutesStatus::Draft),
        number: get_opt_s(&r, 4)?,
        approved_by: get_opt_s(&r, 5)?,
        issued_on: get_opt_s(&r, 6)?.map(|d| parse_date(&d)).transpose()?,
        publicity_ends: get_opt_s(&r, 7)?.map(|d| parse_date(&d)).transpose()?,
        publicity_result: get_opt_s(&r, 8)?.and_then(|s| PublicityResult::parse(&s)),
        publicity_change: get_opt_s(&r, 9)?,
    }))
}

pub async fn minutes(k: &Kernel, meeting_id: i64) -> Result<Option<Minutes>> {
    let mut c = k.db.pool().acquire().await?;
    load(&mut c, k.db.backend(), meeting_id).await
}

fn object(meeting_id: i64) -> String {
    format!("decision_meeting:{meeting_id}")
}

/// A starting text for the minutes, drafted from the record: attendance,
/// each topic's outcome with the count and any override reason.
pub async fn draft_from_record(k: &Kernel, meeting_id: i64) -> Result<String> {
    let m = meeting::meeting(k, meeting_id).await?;
    let names = display_names(k).await?;
    let att = meeting::attendees(k, meeting_id).await?;
    let mut out = format!(
        "{}年{}月{}日，{}主持召开{}，研究{}。\n",
        m.on.year(),
        u8::from(m.on.month()),
        m.on.day(),
        name_of(&names, &m.chair),
        m.meeting_type.label(),
        m.title
    );
    let present: Vec<String> = att
        .iter()
        .filter(|a| a.attendance == Attendance::Present)
        .map(|a| name_of(&names, &a.username))
        .collect();
    out.push_str(&format!("出席：{}。\n", present.join("、")));
    let absent: Vec<String> = att
        .iter()
        .filter(|a| a.attendance == Attendance::Absent)
        .map(|a| {
            format!(
                "{}（{}）",
                name_of(&names, &a.username),
                a.absent_reason.clone().unwrap_or_default()
            )
        })
        .collect();
    if !absent.is_empty() {
        out.push_str(&format!("请假：{}。\n", absent.join("、")));
    }
    for (i, e) in meeting::agenda_entries(k, meeting_id)
        .await?
        .iter()
        .enumerate()
    {
        out.push_str(&format!("{}、{}\n", cn_num(i + 1), e.topic.title));
        out.push_str(&format!("{}。", e.status_label()));
        if let Some([ex, p, f, a, ab]) = e.counts
            && e.method != Some(Method::Postpone)
        {
            out.push_str(&format!(
                "应到会 {ex} 人，实到会 {p} 人；赞成 {f} 票，反对 {a} 票，弃权 {ab} 票。"
            ));
        }
        if let Some(r) = &e.reason {
            out.push_str(&format!("理由：{r}。"));
        }
        if let Some(r) = &e.override_reason {
            out.push_str(&format!("行政首长的决定与多数意见不一致，理由：{r}。"));
        }
        out.push('\n');
    }
    Ok(out)
}

fn cn_num(n: usize) -> String {
    const D: [&str; 11] = [
        "零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十",
    ];
    match n {
        0..=10 => D[n].to_string(),
        11..=19 => format!("十{}", D[n - 10]),
        _ => n.to_string(),
    }
}

/// The office drafts (or revises the draft of) the minutes of a closed
/// meeting. Approved or issued minutes are not edited.
pub async fn save_draft(
    k: &Kernel,
    now: OffsetDateTime,
    actor: &Actor,
    meeting_id: i64,
    body: &str,
) -> Result<()> {
    let body = long_text("纪要正文", body, 50000)?;
    let mut tx = k.db.begin().await?;
    let be = tx.backend();
    let m = meeting::load(tx.conn(), be, meeting_id).await?;
    not_archived(&m)?;
    if m.status != MeetingStatus::Closed {
        return Err(conflict("会议结束后才能起草会议纪要"));
    }
    match load(tx.conn(), be, meeting_id).await? {
        Some(x) if x.status != MinutesStatus::Draft => {
            return Err(conflict(format!(
                "会议纪要{}，不能再修改",
                x.status.label()
            )));
        }
        Some(_) => {
            query(
                be,
                "UPDATE decision_minutes SET body = ?, drafted_by = ?, drafted_at = ? WHERE meeting_id = ?",
            )
            .bind(body.clone())
            .bind(actor.user.clone())
            .bind(rfc3339(now))
            .bind(meeting_id)
            .execute(tx.conn())
            .await?;
        }
        None => {
            query(
                be,
                "INSERT INTO decision_minutes (meeting_id, body, status, drafted_by, drafted_at) VALUES (?, ?, ?, ?, ?)",
            )
            .bind(meeting_id)
            .bind(body.clone())
            .bind(MinutesStatus::Draft.as_str())
            .bind(actor.user.clone())
            .bind(rfc3339(now))
            .execute(tx.conn())
            .await?;
        }
    }
    audit::commit_success(
        tx,
        &k.keys,
        now,
        actor,
        "decision.minutes_draft",
        &object(meeting_id),
        serde_json::json!({"sha256": yangguang_kernel::files::hash(body.as_bytes())}),
    )
    .await
}

/// The principal (the meeting's chair) approves the draft.
pub async fn approve(
    k: &Kernel,
    now: OffsetDateTime,
    actor: &Actor,
    meeting_id: i64,
) -> Result<()> {
    let mut tx = k.db.begin().await?;
    let be = tx.backend();
    let m = meeting::load(tx.conn(), be, meeting_id).await?;
    not_archived(&m)?;
    let x = load(tx.conn(), be, meeting_id)
        .await?
        .ok_or_else(|| conflict("会议纪要尚未起草"))?;
    if x.status != MinutesStatus::Draft {
        return Err(conflict(format!("会议纪要{}", x.status.label())));
    }
    if actor.user != m.chair {
        return Err(Error::invalid(
            "not_the_chair",
            "会议纪要须由主持会议的主要负责人审定",
        ));
    }
    query(
        be,
        "UPDATE decision_minutes SET status = ?, approved_by = ?, approved_at = ? WHERE meeting_id = ?",
    )
    .bind(MinutesStatus::Approved.as_str())
    .bind(actor.user.clone())
    .bind(rfc3339(now))
    .bind(meeting_id)
    .execute(tx.conn())
    .await?;
    audit::commit_success(
        tx,
        &k.keys,
        now,
        actor,
        "decision.minutes_approve",
        &object(meeting_id),
        serde_json::json!({"sha256": yangguang_kernel::files::hash(x.body.as_bytes())}),
    )
    .await
}

/// Issues approved minutes: takes the next number of the year and opens
/// the two-working-day internal publicity.
pub async fn issue(
    k: &Kernel,
    now: OffsetDateTime,
    actor: &Actor,
    meeting_id: i64,
) -> Result<String> {
    let today = today_cst(now);
    let mut tx = k.db.begin().await?;
    let be = tx.backend();
    let m = meeting::load(tx.conn(), be, meeting_id).await?;
    not_archived(&m)?;
    let x = load(tx.conn(), be, meeting_id)
        .await?
        .ok_or_else(|| conflict("会议纪要尚未起草"))?;
    match x.status {
        MinutesStatus::Draft => {
            return Err(Error::invalid(
                "minutes_not_approved",
                "会议纪要未经主要负责人审定，不能印发",
            ));
        }
        MinutesStatus::Issued => return Err(conflict("会议纪要已印发")),
        MinutesStatus::Approved => {}
    }
    let year = today.year();
    let seq = numbering::next(&mut tx, SEQUENCE, year).await?;
    let number = rules::minutes_no(year, seq);
    let ends = rules::publicity_ends(&k.calendar(), today);
    query(
        be,
        "UPDATE decision_minutes SET status = ?, year = ?, seq = ?, number = ?, issued_on = ?, publicity_ends = ? WHERE meeting_id = ?",
    )
    .bind(MinutesStatus::Issued.as_str())
    .bind(i64::from(year))
    .bind(seq)
    .bind(number.clone())
    .bind(fmt_date(today))
    .bind(fmt_date(ends))
    .bind(meeting_id)
    .execute(tx.conn())
    .await?;
    audit::success(
        &mut tx,
        &k.keys,
        now,
        actor,
        "decision.minutes_issue",
        &object(meeting_id),
        serde_json::json!({"number": number, "publicity_ends": fmt_date(ends), "sha256": yangguang_kernel::files::hash(x.body.as_bytes())}),
    )
    .await?;
    tx.commit().await?;
    Ok(number)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    pub username: String,
    pub body: String,
    pub at: String,
}

pub async fn comments(k: &Kernel, meeting_id: i64) -> Result<Vec<Comment>> {
    let rows = query(
        k.db.backend(),
        "SELECT c.username, c.body, c.at FROM decision_comments c JOIN decision_minutes m ON m.id = c.minutes_id \
         WHERE m.meeting_id = ? ORDER BY c.id",
    )
    .bind(meeting_id)
    .fetch_all(k.db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Comment {
                username: get_s(r, 0)?,
                body: get_s(r, 1)?,
                at: get_s(r, 2)?,
            })
        })
        .collect()
}

/// A staff comment during publicity.
pub async fn comment(
    k: &Kernel,
    now: OffsetDateTime,
    actor: &Actor,
    meeting_id: i64,
    body: &str,
) -> Result<()> {
    let body = long_text("意见", body, 2000)?;
    let mut tx = k.db.begin().await?;
    let be = tx.backend();
    let x = load(tx.conn(), be, meeting_id)
        .await?
        .ok_or_else(|| Error::NotFound("会议纪要不存在".into()))?;
    if !x.in_publicity(today_cst(now)) {
        return Err(conflict("会议纪要不在公示期内，不能再提意见"));
    }
    query(
        be,
        "INSERT INTO decision_comments (minutes_id, username, body, at) VALUES (?, ?, ?, ?)",
    )
    .bind(x.id)
    .bind(actor.user.clone())
    .bind(body.clone())
    .bind(rfc3339(now))
    .execute(tx.conn())
    .await?;
    audit::commit_success(
        tx,
        &k.keys,
        now,
        actor,
        "decision.publicity_comment",
        &object(meeting_id),
        serde_json::json!({"sha256": yangguang_kernel::files::hash(body.as_bytes())}),
    )
    .await
}

/// The principal closes publicity after its end: no change, adjusted
/// (with the change), or reconvene a topic (a new topic ready for the next
/// meeting, linked to the old one).
pub async fn close_publicity(
    k: &Kernel,
    now: OffsetDateTime,
    actor: &Actor,
    meeting_id: i64,
    c: PublicityClose,
) -> Result<Option<i64>> {
    let today = today_cst(now);
    let mut tx = k.db.begin().await?;
    let be = tx.backend();
    let m = meeting::load(tx.conn(), be, meeting_id).await?;
    not_archived(&m)?;
    let x = load(tx.conn(), be, meeting_id)
        .await?
        .ok_or_else(|| conflict("会议纪要尚未起草"))?;
    if x.status != MinutesStatus::Issued || x.publicity_result.is_some() {
        return Err(conflict("会议纪要未在公示中"));
    }
    if let Some(end) = x.publicity_ends
        && today <= end
    {
        return Err(conflict(format!(
            "公示期至 {} 结束，期满后才能作出公示处理决定",
            fmt_date(end)
        )));
    }
    if actor.user != m.chair {
        return Err(Error::invalid(
            "not_the_chair",
            "公示意见由主持会议的主要负责人处理",
        ));
    }
    let (result, change, new_topic) = match c {
        PublicityClose::NoChange => (PublicityResult::NoChange, None, None),
        PublicityClose::Adjusted(ch) => (
            PublicityResult::Adjusted,
            Some(long_text("调整内容", &ch, 2000)?),
            None,
        ),
        PublicityClose::Reconvene(tid) => {
            let t = topic::load(tx.conn(), be, tid).await?;
            if t.meeting_id != Some(meeting_id) {
                return Err(Error::invalid("not_on_agenda", "该议题不在本次会议议程中"));
            }
            let id: i64 = query_scalar(
                be,
                "INSERT INTO decision_topics (kind, title, lead_unit, deputy, amount_fen, procurement, cadre, scope_required, \
                 scope_rule, m_topic, m_background, m_research, m_proposal, status, created_by, created_at, reconvened_from) \
                 SELECT kind, title, lead_unit, deputy, amount_fen, procurement, cadre, scope_required, scope_rule, m_topic, \
                 m_background, m_research, m_proposal, ?, ?, ?, id FROM decision_topics WHERE id = ? RETURNING id",
            )
            .bind(TopicStatus::Ready.as_str())
            .bind(actor.user.clone())
            .bind(rfc3339(now))
            .bind(tid)
            .fetch_one(tx.conn())
            .await?;
            (
                PublicityResult::Reconvene,
                Some(format!("议题“{}”重新上会研究", t.title)),
                Some(id),
            )
        }
    };
    query(
        be,
        "UPDATE decision_minutes SET publicity_result = ?, publicity_change = ?, publicity_closed_by = ?, publicity_closed_at = ? WHERE meeting_id = ?",
    )
    .bind(result.as_str())
    .bind(change.clone())
    .bind(actor.user.clone())
    .bind(rfc3339(now))
    .bind(meeting_id)
    .execute(tx.conn())
    .await?;
    audit::success(
        &mut tx,
        &k.keys,
        now,
        actor,
        "decision.publicity_close",
        &object(meeting_id),
        serde_json::json!({"result": result.as_str(), "change": change, "new_topic": new_topic}),
    )
    .await?;
    tx.commit().await?;
    Ok(new_topic)
}

/// The archive record of a meeting: every part with its content hash.
async fn archive_parts(k: &Kernel, m: &Meeting) -> Result<serde_json::Value> {
    let h = |v: &serde_json::Value| yangguang_kernel::files::hash(v.to_string().as_bytes());
    let agenda = meeting::agenda_entries(k, m.id).await?;
    let mut materials = Vec::new();
    let mut record = Vec::new();
    let mut votes = Vec::new();
    for e in &agenda {
        let t = &e.topic;
        let att = topic::attachments(k, t.id).await?;
        materials.push(serde_json::json!({
            "topic": t.id, "title": t.title, "material": [t.material.topic, t.material.background, t.material.research, t.material.proposal],
            "attachments": att.iter().map(|a| (a.file_name.clone(), a.file_hash.clone())).collect::<Vec<_>>(),
        }));
        let sp = meeting::speeches(k, m.id, t.id).await?;
        let wo = meeting::written_opinions(k, m.id, t.id).await?;
        record.push(serde_json::json!({
            "topic": t.id, "outcome": e.outcome.map(|o| o.as_str()), "reason": e.reason,
            "override": e.override_reason, "counts": e.counts,
            "speeches": sp.iter().map(|s| (s.username.clone(), s.role.as_str(), s.content.clone())).collect::<Vec<_>>(),
            "written_opinions": wo.iter().map(|w| (w.username.clone(), w.opinion.clone())).collect::<Vec<_>>(),
        }));
        let v = meeting::votes(k, m.id, t.id).await?;
        votes.push(serde_json::json!({
            "topic": t.id, "votes": v.iter().map(|v| (v.username.clone(), v.vote.as_str(), v.opinion.clone())).collect::<Vec<_>>(),
        }));
    }
    let att = meeting::attendees(k, m.id).await?;
    let notice = serde_json::json!({
        "on": m.notice_on.map(fmt_date), "special": m.notice_special, "meeting_on": fmt_date(m.on),
        "attendees": att.iter().map(|a| (a.username.clone(), a.attendance.as_str(), a.absent_reason.clone())).collect::<Vec<_>>(),
    });
    let x = minutes(k, m.id).await?;
    let minutes = serde_json::json!({"number": x.as_ref().and_then(|x| x.number.clone()), "body": x.as_ref().map(|x| x.body.clone())});
    let comments: Vec<_> = comments(k, m.id)
        .await?
        .into_iter()
        .map(|c| (c.username, c.body, c.at))
        .collect();
    let comments = serde_json::json!(comments);
    let parts = serde_json::json!({
        "notice": h(&notice), "materials": h(&serde_json::json!(materials)), "record": h(&serde_json::json!(record)),
        "votes": h(&serde_json::json!(votes)), "minutes": h(&minutes), "comments": h(&comments),
    });
    Ok(parts)
}

/// Archives a meeting once publicity is closed. From then on nothing of
/// it is edited; the content hashes of every part go into the audit chain.
pub async fn archive(
    k: &Kernel,
    now: OffsetDateTime,
    actor: &Actor,
    meeting_id: i64,
) -> Result<String> {
    let m = meeting::meeting(k, meeting_id).await?;
    not_archived(&m)?;
    let x = minutes(k, meeting_id).await?;
    let ready = x
        .as_ref()
        .is_some_and(|x| x.status == MinutesStatus::Issued && x.publicity_result.is_some());
    if !ready {
        return Err(conflict("会议纪要印发且公示处理完毕后才能归档"));
    }
    let parts = archive_parts(k, &m).await?;
    let hash = yangguang_kernel::files::hash(parts.to_string().as_bytes());
    let mut tx = k.db.begin().await?;
    let be = tx.backend();
    // Re-read inside the transaction: nothing may have changed meanwhile.
    let again = meeting::load(tx.conn(), be, meeting_id).await?;
    not_archived(&again)?;
    query(
        be,
        "UPDATE decision_meetings SET archived_at = ?, archived_by = ?, archive_hash = ? WHERE id = ? AND archived_at IS NULL",
    )
    .bind(rfc3339(now))
    .bind(actor.user.clone())
    .bind(hash.clone())
    .bind(meeting_id)
    .execute(tx.conn())
    .await?;
    audit::success(
        &mut tx,
        &k.keys,
        now,
        actor,
        "decision.archive",
        &object(meeting_id),
        serde_json::json!({"sha256": hash, "parts": parts}),
    )
    .await?;
    tx.commit().await?;
    Ok(hash)
}

/// Recomputes the archive hash: equal to the stored one iff nothing
/// archived has changed.
pub async fn verify_archive(k: &Kernel, meeting_id: i64) -> Result<bool> {
    let m = meeting::meeting(k, meeting_id).await?;
    let Some(stored) = m.archive_hash.clone() else {
        return Ok(false);
    };
    let parts = archive_parts(k, &m).await?;
    Ok(yangguang_kernel::files::hash(parts.to_string().as_bytes()) == stored)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correction {
    pub id: i64,
    pub reason: String,
    pub body: String,
    pub username: String,
    pub at: String,
}

/// A correction of an archived meeting: a new record linked to it, with
/// its reason; the archive itself is not changed.
pub async fn correct(
    k: &Kernel,
    now: OffsetDateTime,
    actor: &Actor,
    meeting_id: i64,
    reason: &str,
    body: &str,
) -> Result<i64> {
    let reason = required("更正理由", reason, 500)?;
    let body = long_text("更正内容", body, 5000)?;
    let mut tx = k.db.begin().await?;
    let be = tx.backend();
    let m = meeting::load(tx.conn(), be, meeting_id).await?;
    if m.archived_at.is_none() {
        return Err(conflict("会议尚未归档；归档前的错误请在相应环节更正"));
    }
    let id: i64 = query_scalar(
        be,
        "INSERT INTO decision_corrections (meeting_id, reason, body, username, at) VALUES (?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(meeting_id)
    .bind(reason.clone())
    .bind(body.clone())
    .bind(actor.user.clone())
    .bind(rfc3339(now))
    .fetch_one(tx.conn())
    .await?;
    audit::success(
        &mut tx,
        &k.keys,
        now,
        actor,
        "decision.correction",
        &object(meeting_id),
        serde_json::json!({"correction": id, "reason": reason, "sha256": yangguang_kernel::files::hash(body.as_bytes())}),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn corrections(k: &Kernel, meeting_id: i64) -> Result<Vec<Correction>> {
    let rows = query(
        k.db.backend(),
        "SELECT id, reason, body, username, at FROM decision_corrections WHERE meeting_id = ? ORDER BY id",
    )
    .bind(meeting_id)
    .fetch_all(k.db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Correction {
                id: get_i64(r, 0)?,
                reason: get_s(r, 1)?,
                body: get_s(r, 2)?,
                username: get_s(r, 3)?,
                at: get_s(r, 4)?,
            })
        })
        .collect()
}

/// The minutes as a .docx: header, number, body, the vote table.
pub async fn docx(k: &Kernel, meeting_id: i64, with_votes: bool) -> Result<Vec<u8>> {
    let m = meeting::meeting(k, meeting_id).await?;
    let x = minutes(k, meeting_id)
        .await?
        .ok_or_else(|| Error::NotFound("会议纪要不存在".into()))?;
    let names = display_names(k).await?;
    let mut blocks = vec![
        Block::Title(format!("{}纪要", m.meeting_type.label())),
        Block::Plain(x.number.clone().unwrap_or_else(|| "（未编号草稿）".into())),
    ];
    for line in x.body.lines().filter(|l| !l.trim().is_empty()) {
        blocks.push(Block::Para(line.to_string()));
    }
    if with_votes {
        for t in meeting::agenda(k, meeting_id).await? {
            let v = meeting::votes(k, meeting_id, t.id).await?;
            if v.is_empty() {
                continue;
            }
            blocks.push(Block::Heading(format!("表决情况：{}", t.title)));
            let mut rows = vec![vec![
                "成员".to_string(),
                "表决".to_string(),
                "意见".to_string(),
            ]];
            for r in v {
                rows.push(vec![
                    name_of(&names, &r.username),
                    r.vote.label().to_string(),
                    r.opinion,
                ]);
            }
            blocks.push(Block::Table(rows));
        }
    }
    if let Some(d) = x.issued_on {
        blocks.push(Block::Right(fmt_date_cn(d)));
    }
    docx::build(&format!("{}纪要", m.meeting_type.label()), &blocks)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUp {
    pub id: i64,
    pub topic_id: i64,
    pub topic_title: String,
    pub unit: String,
    pub deadline: Date,
    pub done_on: Option<Date>,
    pub overdue: bool,
    pub last_progress: Option<String>,
}

/// Assigns the follow-up of an adopted decision.
pub async fn assign_follow_up(
    k: &Kernel,
    now: OffsetDateTime,
    actor: &Actor,
    topic_id: i64,
    unit: &str,
    deadline: Date,
) -> Result<i64> {
    let unit = required("责任单位", unit, 100)?;
    let mut tx = k.db.begin().await?;
    let be = tx.backend();
    let t = topic::load(tx.conn(), be, topic_id).await?;
    if t.status != TopicStatus::Adopted {
        return Err(conflict("只有会议通过的决定才需要落实"));
    }
    if deadline < today_cst(now) {
        return Err(Error::invalid("deadline_past", "落实期限不能早于今天"));
    }
    let n: i64 = query_scalar(
        be,
        "SELECT COUNT(*) FROM decision_followups WHERE topic_id = ?",
    )
    .bind(topic_id)
    .fetch_one(tx.conn())
    .await?;
    if n > 0 {
        return Err(conflict("该决定已确定责任单位和期限"));
    }
    let id: i64 = query_scalar(
        be,
        "INSERT INTO decision_followups (topic_id, unit, deadline, created_by, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(topic_id)
    .bind(unit.clone())
    .bind(fmt_date(deadline))
    .bind(actor.user.clone())
    .bind(rfc3339(now))
    .fetch_one(tx.conn())
    .await?;
    audit::success(
        &mut tx,
        &k.keys,
        now,
        actor,
        "decision.followup_assign",
        &format!("decision_topic:{topic_id}"),
        serde_json::json!({"unit": unit, "deadline": fmt_date(deadline)}),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// A progress report; `done` marks the decision carried out.
pub async fn report_progress(
    k: &Kernel,
    now: OffsetDateTime,
    actor: &Actor,
    followup_id: i64,
    note: &str,
    done: bool,
) -> Result<()> {
    let note = long_text("落实进展", note, 2000)?;
    let mut tx = k.db.begin().await?;
    let be = tx.backend();
    let done_on: Option<Option<String>> =
        query_scalar(be, "SELECT done_on FROM decision_followups WHERE id = ?")
            .bind(followup_id)
            .fetch_optional(tx.conn())
            .await?;
    match done_on {
        None => return Err(Error::NotFound(format!("落实事项 {followup_id} 不存在"))),
        Some(Some(_)) => return Err(conflict("该决定已落实完毕")),
        Some(None) => {}
    }
    query(
        be,
        "INSERT INTO decision_progress (followup_id, note, done, username, at) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(followup_id)
    .bind(note.clone())
    .bind(i64::from(done))
    .bind(actor.user.clone())
    .bind(rfc3339(now))
    .execute(tx.conn())
    .await?;
    if done {
        query(be, "UPDATE decision_followups SET done_on = ? WHERE id = ?")
            .bind(fmt_date(today_cst(now)))
            .bind(followup_id)
            .execute(tx.conn())
            .await?;
    }
    audit::commit_success(
        tx,
        &k.keys,
        now,
        actor,
        "decision.followup_progress",
        &format!("decision_followup:{followup_id}"),
        serde_json::json!({"note": note, "done": done}),
    )
    .await
}

/// The supervision view: every follow-up with its overdue flag, overdue
/// first.
pub async fn follow_ups(k: &Kernel, today: Date) -> Result<Vec<FollowUp>> {
    let rows = query(
        k.db.backend(),
        "SELECT f.id, f.topic_id, t.title, f.unit, f.deadline, f.done_on, \
         (SELECT p.note FROM decision_progress p WHERE p.followup_id = f.id ORDER BY p.id DESC LIMIT 1) \
         FROM decision_followups f JOIN decision_topics t ON t.id = f.topic_id ORDER BY f.deadline, f.id",
    )
    .fetch_all(k.db.pool())
    .await?;
    let mut out = Vec::new();
    for r in &rows {
        let deadline = parse_date(&get_s(r, 4)?)?;
        let done_on = get_opt_s(r, 5)?.map(|d| parse_date(&d)).transpose()?;
        out.push(FollowUp {
            id: get_i64(r, 0)?,
            topic_id: get_i64(r, 1)?,
            topic_title: get_s(r, 2)?,
            unit: get_s(r, 3)?,
            deadline,
            done_on,
            overdue: rules::overdue(deadline, today, done_on.is_some()),
            last_progress: get_opt_s(r, 6)?,
        });
    }
    out.sort_by_key(|f| (!f.overdue, f.done_on.is_some(), f.deadline));
    Ok(out)
}
