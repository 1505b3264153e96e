//! Meeting pages: scheduling with the agenda, the notice, attendance, the
//! record and voting page, decisions, minutes (printable and .docx),
//! publicity comments, archive and corrections.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use yangguang_kernel::audit::Actor;
use yangguang_kernel::timefmt::{self, fmt_date, fmt_instant_cst, parse_date, parse_rfc3339};
use yangguang_kernel::{Error, Kernel, Result, docx};
use yangguang_webcore::AppState;
use yangguang_webcore::error::{render, status_of};
use yangguang_webcore::forms::Fields;
use yangguang_webcore::layout::{Frame, Layout};

use super::{Failure, Me, fail, forbidden, me, name_of, names, path_id, today};
use crate::meeting::{self, Ballot, Meeting, NewMeeting, Presence, SpeakerRole, SpeechEntry};
use crate::minutes;
use crate::model::{
    Attendance, MeetingStatus, MinutesStatus, PublicityClose, TopicDecision, TopicStatus, Vote,
};
use crate::rules::{HeadDecision, MeetingType, PassBasis};
use crate::topic;

// ---- scheduling ------------------------------------------------------------------

#[derive(askama::Template)]
#[template(path = "decisions_meeting_form.html")]
struct FormPage {
    layout: Layout,
    error: Option<String>,
    v: Fields,
    types: Vec<(&'static str, &'static str)>,
    topics: Vec<(i64, String, &'static str)>,
}

async fn schedulable(k: &Kernel) -> Result<Vec<(i64, String, &'static str)>> {
    Ok(topic::list(k)
        .await?
        .into_iter()
        .filter(|t| {
            matches!(
                t.status,
                TopicStatus::Ready | TopicStatus::Postponed | TopicStatus::Ordinary
            )
        })
        .map(|t| (t.id, t.title, t.status.label()))
        .collect())
}

fn types() -> Vec<(&'static str, &'static str)> {
    MeetingType::ALL
        .iter()
        .map(|t| (t.as_str(), t.label()))
        .collect()
}

pub async fn new_form(State(st): State<AppState>, frame: Frame) -> Response {
    match schedulable(&st.kernel).await {
        Ok(topics) => render(
            StatusCode::OK,
            &FormPage {
                layout: frame.nav("staff"),
                error: None,
                v: Fields::default(),
                types: types(),
                topics,
            },
        ),
        Err(e) => fail(frame, e),
    }
}

fn parse_meeting(f: &Fields) -> Result<NewMeeting> {
    let meeting_type = MeetingType::parse(f.get("meeting_type"))
        .ok_or_else(|| Error::invalid("invalid_meeting_type", "请选择会议类型"))?;
    let on = parse_date(f.get("on"))?;
    let topics = f
        .all("topic")
        .iter()
        .map(|s| path_id(s, "议题"))
        .collect::<Result<Vec<_>>>()?;
    Ok(NewMeeting {
        meeting_type,
        title: f.get("title").into(),
        on,
        place: f.get("place").into(),
        chair: None,
        topics,
    })
}

pub async fn create(State(st): State<AppState>, frame: Frame, f: Fields) -> Response {
    let Some(me) = me(&frame) else {
        return StatusCode::FORBIDDEN.into_response();
    };
    let k = &st.kernel;
    let r = match parse_meeting(&f) {
        Ok(m) => meeting::schedule(k, timefmt::now(), &Actor::user(&me.username), m).await,
        Err(e) => Err(e),
    };
    match r {
        Ok(id) => Redirect::to(&format!("/staff/decisions/meetings/{id}")).into_response(),
        Err(e) => match schedulable(k).await {
            Ok(topics) => render(
                status_of(&e),
                &FormPage {
                    layout: frame.nav("staff"),
                    error: Some(e.to_string()),
                    v: f,
                    types: types(),
                    topics,
                },
            ),
            Err(e) => fail(frame, e),
        },
    }
}

// ---- the meeting page ------------------------------------------------------------

pub struct AttRow {
    pub username: String,
    pub name: String,
    pub state: String,
}

pub struct AgendaItem {
    pub id: i64,
    pub title: String,
    pub kind: &'static str,
    pub status: &'static str,
    pub open: bool,
    pub material: Option<[(&'static str, String); 4]>,
    pub files: Vec<(String, String)>,
    pub speeches: Vec<(String, &'static str, String)>,
    /// The per-member vote table, for roles the 议事规则 allow.
    pub votes: Option<Vec<(String, &'static str, String)>>,
    pub vote_count: usize,
    pub my_vote: Option<&'static str>,
    pub can_vote: bool,
    pub opinions: Vec<(String, String)>,
    pub recused: Vec<String>,
    pub tally: Vec<String>,
    pub outcome: Vec<String>,
}

pub struct MinutesView {
    pub number: String,
    pub status: &'static str,
    pub body: String,
    pub draft: bool,
    pub approved: bool,
    pub issued: bool,
    pub in_publicity: bool,
    pub ends: String,
    pub result: Option<String>,
}

#[derive(askama::Template)]
#[template(path = "decisions_meeting.html")]
struct MeetingPage {
    layout: Layout,
    m: Meeting,
    kind: &'static str,
    status: String,
    chair: String,
    rule: &'static str,
    head_decides: bool,
    error: Option<Failure>,
    manage: bool,
    /// The principal and supervisors read the archive.
    archive_reader: bool,
    is_chair: bool,
    materials: bool,
    attendees: Vec<AttRow>,
    present: Vec<(String, String)>,
    absent: Vec<(String, String)>,
    agenda: Vec<AgendaItem>,
    minutes: Option<MinutesView>,
    draft: String,
    comments: Vec<(String, String, String)>,
    corrections: Vec<(String, String, String, String)>,
}

impl MeetingPage {
    fn scheduled(&self) -> bool {
        self.m.status == MeetingStatus::Scheduled
    }
    fn notified(&self) -> bool {
        self.m.status == MeetingStatus::Notified
    }
    fn in_session(&self) -> bool {
        self.m.status == MeetingStatus::InSession
    }
    fn closed(&self) -> bool {
        self.m.status == MeetingStatus::Closed
    }
    fn archived(&self) -> bool {
        self.m.archived_at.is_some()
    }
    fn can_draft(&self) -> bool {
        !self.archived() && self.minutes.as_ref().is_none_or(|x| x.draft)
    }
    fn can_close(&self) -> bool {
        self.manage && self.in_session() && self.agenda.iter().all(|a| !a.open)
    }
    fn can_archive(&self) -> bool {
        self.manage
            && !self.archived()
            && self
                .minutes
                .as_ref()
                .is_some_and(|x| x.issued && x.result.is_some())
    }
    fn can_close_publicity(&self) -> bool {
        self.is_chair
            && !self.archived()
            && self
                .minutes
                .as_ref()
                .is_some_and(|x| x.issued && x.result.is_none() && !x.in_publicity)
    }
}

/// Who may open a meeting's page: the office, the principal and
/// supervisors, and the meeting's own members.
async fn may_view(k: &Kernel, me: &Me, m: &Meeting) -> Result<bool> {
    if me.manage || me.supervise || m.chair == me.username {
        return Ok(true);
    }
    if meeting::attendees(k, m.id)
        .await?
        .iter()
        .any(|a| a.username == me.username)
    {
        return Ok(true);
    }
    Ok(meeting::procedure(k, m.meeting_type)
        .await?
        .members
        .contains(&me.username))
}

const NOT_MEMBER: &str = "本会议的记录仅限会议成员、办公室、主要负责人和监督人员查看";

async fn load_page(k: &Kernel, me: &Me, m: Meeting, error: Option<Failure>) -> Result<MeetingPage> {
    let names = names(k).await?;
    let p = meeting::procedure(k, m.meeting_type).await?;
    let vote_table = p.vote_table_visible(&me.roles);
    let materials = meeting::can_read_materials(k, m.id, &me.username).await?;
    let att = meeting::attendees(k, m.id).await?;
    let me_present = att
        .iter()
        .any(|a| a.username == me.username && a.attendance == Attendance::Present);
    let mut agenda = Vec::new();
    for e in meeting::agenda_entries(k, m.id).await? {
        let open = e.open(m.id);
        let status = e.status_label();
        let t = e.topic.clone();
        let files = if materials {
            topic::attachments(k, t.id)
                .await?
                .into_iter()
                .map(|a| (a.file_hash, a.file_name))
                .collect()
        } else {
            Vec::new()
        };
        let speeches = meeting::speeches(k, m.id, t.id)
            .await?
            .into_iter()
            .map(|s| (name_of(&names, &s.username), s.role.label(), s.content))
            .collect();
        let votes = meeting::votes(k, m.id, t.id).await?;
        let my_vote = votes
            .iter()
            .find(|v| v.username == me.username)
            .map(|v| v.vote.label());
        let recused: Vec<String> = {
            let mut out = Vec::new();
            for a in &att {
                if crate::meeting::is_recused_user(k, m.id, t.id, &a.username).await? {
                    out.push(a.username.clone());
                }
            }
            out
        };
        let opinions = meeting::written_opinions(k, m.id, t.id)
            .await?
            .into_iter()
            .map(|w| (name_of(&names, &w.username), w.opinion))
            .collect();
        let tally = if open && m.status == MeetingStatus::InSession {
            let head = (p.rules.basis == PassBasis::HeadDecides).then_some(HeadDecision::Adopt);
            match meeting::current_tally(k, m.id, t.id, head).await? {
                Ok(tl) => {
                    let mut lines = tl.explain();
                    if head.is_some() {
                        lines.truncate(2);
                        lines.push("表决仅供参考，由行政首长（主持人）作出决定".into());
                    }
                    lines
                }
                Err(e) => vec![Error::from(e).to_string()],
            }
        } else {
            Vec::new()
        };
        let mut outcome = Vec::new();
        if let Some(o) = e.outcome {
            outcome.push(format!("决定：{}", o.label()));
            if let Some([ex, p, f, a, ab]) = e.counts
                && e.method != Some(crate::model::Method::Postpone)
            {
                outcome.push(format!(
                    "应到会 {ex} 人，实到会 {p} 人；赞成 {f} 票，反对 {a} 票，弃权 {ab} 票"
                ));
            }
            if let Some(r) = &e.reason {
                outcome.push(format!("理由：{r}"));
            }
            if let Some(r) = &e.override_reason {
                outcome.push(format!("行政首长的决定与多数意见不一致，理由：{r}"));
            }
        }
        agenda.push(AgendaItem {
            id: t.id,
            title: t.title.clone(),
            kind: t.kind.label(),
            status,
            open,
            material: materials.then(|| {
                [
                    ("会商议题", t.material.topic.clone()),
                    ("基本情况", t.material.background.clone()),
                    ("调研论证", t.material.research.clone()),
                    ("处理建议", t.material.proposal.clone()),
                ]
            }),
            files,
            speeches,
            vote_count: votes.len(),
            can_vote: open
                && m.status == MeetingStatus::InSession
                && me_present
                && my_vote.is_none()
                && !recused.contains(&me.username)
                && m.meeting_type != MeetingType::Business,
            my_vote,
            votes: vote_table.then(|| {
                votes
                    .iter()
                    .map(|v| {
                        (
                            name_of(&names, &v.username),
                            v.vote.label(),
                            v.opinion.clone(),
                        )
                    })
                    .collect()
            }),
            opinions,
            recused: recused.iter().map(|u| name_of(&names, u)).collect(),
            tally,
            outcome,
        });
    }
    let x = minutes::minutes(k, m.id).await?;
    let today = today();
    let minutes = x.as_ref().map(|x| MinutesView {
        number: x.number.clone().unwrap_or_default(),
        status: x.status.label(),
        body: x.body.clone(),
        draft: x.status == MinutesStatus::Draft,
        approved: x.status == MinutesStatus::Approved,
        issued: x.status == MinutesStatus::Issued,
        in_publicity: x.in_publicity(today),
        ends: x.publicity_ends.map(fmt_date).unwrap_or_default(),
        result: x.publicity_result.map(|r| {
            let mut s = r.label().to_string();
            if let Some(c) = &x.publicity_change {
                s.push('：');
                s.push_str(c);
            }
            s
        }),
    });
    let draft = match &x {
        Some(x) => x.body.clone(),
        None if m.status == MeetingStatus::Closed => minutes::draft_from_record(k, m.id).await?,
        None => String::new(),
    };
    let comments = minutes::comments(k, m.id)
        .await?
        .into_iter()
        .map(|c| (name_of(&names, &c.username), c.body, instant(&c.at)))
        .collect();
    let corrections = minutes::corrections(k, m.id)
        .await?
        .into_iter()
        .map(|c| {
            (
                name_of(&names, &c.username),
                c.reason,
                c.body,
                instant(&c.at),
            )
        })
        .collect();
    let status = if m.archived_at.is_some() {
        format!("{}，已归档", m.status.label())
    } else {
        m.status.label().to_string()
    };
    Ok(MeetingPage {
        layout: Layout::default(),
        kind: m.meeting_type.label(),
        status,
        chair: name_of(&names, &m.chair),
        rule: p.rules.basis.label(),
        head_decides: p.rules.basis == PassBasis::HeadDecides,
        error,
        manage: me.manage,
        archive_reader: me.supervise,
        is_chair: m.chair == me.username,
        materials,
        attendees: att
            .iter()
            .map(|a| AttRow {
                username: a.username.clone(),
                name: name_of(&names, &a.username),
                state: match &a.absent_reason {
                    Some(r) => format!("{}（{r}）", a.attendance.label()),
                    None => a.attendance.label().to_string(),
                },
            })
            .collect(),
        present: att
            .iter()
            .filter(|a| a.attendance == Attendance::Present)
            .map(|a| (a.username.clone(), name_of(&names, &a.username)))
            .collect(),
        absent: att
            .iter()
            .filter(|a| a.attendance == Attendance::Absent)
            .map(|a| (a.username.clone(), name_of(&names, &a.username)))
            .collect(),
        agenda,
        minutes,
        draft,
        comments,
        corrections,
        m,
    })
}

fn instant(at: &str) -> String {
    parse_rfc3339(at)
        .map(fmt_instant_cst)
        .unwrap_or_else(|_| at.to_string())
}

async fn viewable(k: &Kernel, me: &Me, raw: &str) -> Result<std::result::Result<Meeting, ()>> {
    let id = path_id(raw, "会议")?;
    let m = meeting::meeting(k, id).await?;
    Ok(if may_view(k, me, &m).await? {
        Ok(m)
    } else {
        Err(())
    })
}

pub async fn page(State(st): State<AppState>, frame: Frame, Path(raw): Path<String>) -> Response {
    let Some(me) = me(&frame) else {
        return StatusCode::FORBIDDEN.into_response();
    };
    let k = &st.kernel;
    match viewable(k, &me, &raw).await {
        Err(e) => fail(frame, e),
        Ok(Err(())) => forbidden(frame, NOT_MEMBER),
        Ok(Ok(m)) => match load_page(k, &me, m, None).await {
            Ok(mut p) => {
                p.layout = frame.nav("staff");
                render(StatusCode::OK, &p)
            }
            Err(e) => fail(frame, e),
        },
    }
}

fn topic_of(f: &Fields) -> Result<i64> {
    path_id(f.get("topic"), "议题")
}

async fn do_step(k: &Kernel, me: &Me, m: &Meeting, f: &Fields) -> std::result::Result<(), Failure> {
    let now = timefmt::now();
    let actor = Actor::user(&me.username);
    let office_only = |what: &str| -> std::result::Result<(), Failure> {
        if me.manage {
            Ok(())
        } else {
            Err(Failure::forbidden(&format!("{what}由办公室办理")))
        }
    };
    let r: Result<()> = match f.get("action") {
        "notice" => {
            office_only("会议通知")?;
            let special = f.get("special_reason");
            meeting::send_notice(
                k,
                now,
                &actor,
                m.id,
                (!special.trim().is_empty()).then_some(special),
            )
            .await
        }
        "open" => {
            office_only("出席情况")?;
            let presence: Vec<(String, Presence)> = meeting::attendees(k, m.id)
                .await
                .map_err(|e| Failure::of(&e))?
                .into_iter()
                .filter_map(|a| {
                    let key = format!("att_{}", a.username);
                    match f.get(&key) {
                        "present" => Some((a.username, Presence::Present)),
                        "absent" => {
                            let reason = f.get(&format!("reason_{}", a.username)).to_string();
                            Some((a.username, Presence::Absent(reason)))
                        }
                        _ => None,
                    }
                })
                .collect();
            meeting::open(k, now, &actor, m.id, &presence).await
        }
        "recuse" => {
            office_only("回避登记")?;
            match topic_of(f) {
                Ok(t) => {
                    meeting::recuse(k, now, &actor, m.id, t, f.get("user"), f.get("reason")).await
                }
                Err(e) => Err(e),
            }
        }
        "speak" => {
            office_only("会议记录")?;
            let role = SpeakerRole::parse(f.get("role")).unwrap_or(SpeakerRole::Member);
            match topic_of(f) {
                Ok(t) => {
                    meeting::speak(
                        k,
                        now,
                        &actor,
                        m.id,
                        t,
                        SpeechEntry {
                            user: f.get("user"),
                            role,
                            content: f.get("content"),
                        },
                    )
                    .await
                }
                Err(e) => Err(e),
            }
        }
        "vote" => {
            let user = match f.get("user") {
                "" => me.username.as_str(),
                u => u,
            };
            if user != me.username {
                office_only("代为登记表决")?;
            }
            let vote = Vote::parse(f.get("vote")).ok_or_else(|| {
                Failure::of(&Error::invalid("invalid_vote", "请选择赞成、反对或弃权"))
            })?;
            match topic_of(f) {
                Ok(t) => {
                    meeting::cast_vote(
                        k,
                        now,
                        &actor,
                        m.id,
                        t,
                        Ballot {
                            user,
                            vote,
                            opinion: f.get("opinion"),
                        },
                    )
                    .await
                }
                Err(e) => Err(e),
            }
        }
        "opinion" => {
            office_only("书面意见登记")?;
            match topic_of(f) {
                Ok(t) => {
                    meeting::written_opinion(
                        k,
                        now,
                        &actor,
                        m.id,
                        t,
                        f.get("user"),
                        f.get("opinion"),
                    )
                    .await
                }
                Err(e) => Err(e),
            }
        }
        "decide" => {
            if !(me.manage || m.chair == me.username) {
                return Err(Failure::forbidden("议题决定由主持人作出、办公室记录"));
            }
            let reason = {
                let r = f.get("reason").trim();
                (!r.is_empty()).then(|| r.to_string())
            };
            let d = match f.get("method") {
                "unanimous" => TopicDecision::Unanimous,
                "vote" => TopicDecision::Vote { reason },
                "ballot" => TopicDecision::Ballot {
                    urgency: f.get("urgency").to_string(),
                    reason,
                },
                "head_adopt" => TopicDecision::Head {
                    adopt: true,
                    reason,
                },
                "head_reject" => TopicDecision::Head {
                    adopt: false,
                    reason,
                },
                "postpone" => TopicDecision::Postpone {
                    reason: reason.unwrap_or_default(),
                },
                _ => {
                    return Err(Failure::of(&Error::invalid(
                        "invalid_method",
                        "请选择决定方式",
                    )));
                }
            };
            match topic_of(f) {
                Ok(t) => meeting::decide(k, now, &actor, m.id, t, d)
                    .await
                    .map(|_| ()),
                Err(e) => Err(e),
            }
        }
        "close" => {
            office_only("结束会议")?;
            meeting::close(k, now, &actor, m.id).await
        }
        "minutes_save" => {
            office_only("起草会议纪要")?;
            minutes::save_draft(k, now, &actor, m.id, f.get("body")).await
        }
        "minutes_approve" => minutes::approve(k, now, &actor, m.id).await,
        "minutes_issue" => {
            office_only("印发会议纪要")?;
            minutes::issue(k, now, &actor, m.id).await.map(|_| ())
        }
        "publicity_close" => {
            let c = match f.get("result") {
                "no_change" => Ok(PublicityClose::NoChange),
                "adjusted" => Ok(PublicityClose::Adjusted(f.get("change").into())),
                "reconvene" => topic_of(f).map(PublicityClose::Reconvene),
                _ => Err(Error::invalid("invalid_result", "请选择公示处理结果")),
            };
            match c {
                Ok(c) => minutes::close_publicity(k, now, &actor, m.id, c)
                    .await
                    .map(|_| ()),
                Err(e) => Err(e),
            }
        }
        "archive" => {
            office_only("归档")?;
            minutes::archive(k, now, &actor, m.id).await.map(|_| ())
        }
        "correct" => {
            office_only("更正记录")?;
            minutes::correct(k, now, &actor, m.id, f.get("reason"), f.get("body"))
                .await
                .map(|_| ())
        }
        _ => Err(Error::invalid("invalid_action", "无法识别的操作")),
    };
    r.map_err(|e| Failure::of(&e))
}

pub async fn step(
    State(st): State<AppState>,
    frame: Frame,
    Path(raw): Path<String>,
    f: Fields,
) -> Response {
    let Some(me) = me(&frame) else {
        return StatusCode::FORBIDDEN.into_response();
    };
    let k = &st.kernel;
    let id = match path_id(&raw, "会议") {
        Ok(id) => id,
        Err(e) => return fail(frame, e),
    };
    let m = match meeting::meeting(k, id).await {
        Ok(m) => m,
        Err(e) => return fail(frame, e),
    };
    // Staff comment on issued minutes during publicity from the minutes page.
    if f.get("action") == "comment" {
        let r = minutes::comment(
            k,
            timefmt::now(),
            &Actor::user(&me.username),
            id,
            f.get("body"),
        )
        .await;
        return match r {
            Ok(()) => {
                Redirect::to(&format!("/staff/decisions/meetings/{id}/minutes")).into_response()
            }
            Err(e) => match minutes_view(k, &me, &m, Some(Failure::of(&e))).await {
                Ok(Ok(mut p)) => {
                    p.layout = frame.nav("staff");
                    render(status_of(&e), &p)
                }
                Ok(Err(msg)) => forbidden(frame, msg),
                Err(e) => fail(frame, e),
            },
        };
    }
    match may_view(k, &me, &m).await {
        Ok(true) => {}
        Ok(false) => return forbidden(frame, NOT_MEMBER),
        Err(e) => return fail(frame, e),
    }
    match do_step(k, &me, &m, &f).await {
        Ok(()) => Redirect::to(&format!("/staff/decisions/meetings/{id}")).into_response(),
        Err(failure) => {
            let status = failure.status;
            match meeting::meeting(k, id).await {
                Ok(m) => match load_page(k, &me, m, Some(failure)).await {
                    Ok(mut p) => {
                        p.layout = frame.nav("staff");
                        render(status, &p)
                    }
                    Err(e) => fail(frame, e),
                },
                Err(e) => fail(frame, e),
            }
        }
    }
}

// ---- minutes ---------------------------------------------------------------------

pub struct VoteTable {
    pub title: String,
    pub rows: Vec<(String, &'static str, String)>,
}

#[derive(askama::Template)]
#[template(path = "decisions_minutes.html")]
struct MinutesPage {
    layout: Layout,
    m: Meeting,
    kind: &'static str,
    number: String,
    status: &'static str,
    lines: Vec<String>,
    issued_on: String,
    votes: Option<Vec<VoteTable>>,
    in_publicity: bool,
    ends: String,
    result: Option<String>,
    comments: Vec<(String, String, String)>,
    error: Option<Failure>,
    corrections: Vec<(String, String)>,
}

/// Issued minutes are for all staff (internal publicity); a draft only
/// for the office, the chair, supervisors and the meeting's members.
async fn minutes_view(
    k: &Kernel,
    me: &Me,
    m: &Meeting,
    error: Option<Failure>,
) -> Result<std::result::Result<MinutesPage, &'static str>> {
    let x = minutes::minutes(k, m.id)
        .await?
        .ok_or_else(|| Error::NotFound("会议纪要尚未起草".into()))?;
    if x.status != MinutesStatus::Issued && !may_view(k, me, m).await? {
        return Ok(Err("会议纪要印发前仅限办公室、主持人和会议成员查看"));
    }
    let names = names(k).await?;
    let p = meeting::procedure(k, m.meeting_type).await?;
    let votes = if p.vote_table_visible(&me.roles) {
        let mut out = Vec::new();
        for t in meeting::agenda(k, m.id).await? {
            let v = meeting::votes(k, m.id, t.id).await?;
            if v.is_empty() {
                continue;
            }
            out.push(VoteTable {
                title: t.title,
                rows: v
                    .into_iter()
                    .map(|v| (name_of(&names, &v.username), v.vote.label(), v.opinion))
                    .collect(),
            });
        }
        Some(out)
    } else {
        None
    };
    let comments = minutes::comments(k, m.id)
        .await?
        .into_iter()
        .map(|c| (name_of(&names, &c.username), c.body, instant(&c.at)))
        .collect();
    Ok(Ok(MinutesPage {
        layout: Layout::default(),
        kind: m.meeting_type.label(),
        number: x.number.clone().unwrap_or_else(|| "（未编号）".into()),
        status: x.status.label(),
        lines: x
            .body
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_string)
            .collect(),
        issued_on: x
            .issued_on
            .map(yangguang_kernel::timefmt::fmt_date_cn)
            .unwrap_or_default(),
        votes,
        in_publicity: x.in_publicity(today()),
        ends: x.publicity_ends.map(fmt_date).unwrap_or_default(),
        result: x.publicity_result.map(|r| r.label().to_string()),
        comments,
        error,
        corrections: minutes::corrections(k, m.id)
            .await?
            .into_iter()
            .map(|c| (c.reason, c.body))
            .collect(),
        m: m.clone(),
    }))
}

/// The print view of the minutes: the document alone, A4, no site frame.
#[derive(askama::Template)]
#[template(path = "decisions_minutes_print.html")]
struct PrintPage {
    p: MinutesPage,
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct PrintQuery {
    #[serde(default)]
    print: String,
}

pub async fn minutes_page(
    State(st): State<AppState>,
    frame: Frame,
    Path(raw): Path<String>,
    Query(q): Query<PrintQuery>,
) -> Response {
    let Some(me) = me(&frame) else {
        return StatusCode::FORBIDDEN.into_response();
    };
    let k = &st.kernel;
    let r = async {
        let m = meeting::meeting(k, path_id(&raw, "会议")?).await?;
        minutes_view(k, &me, &m, None).await
    }
    .await;
    match r {
        Ok(Ok(p)) if !q.print.is_empty() => render(StatusCode::OK, &PrintPage { p }),
        Ok(Ok(mut p)) => {
            p.layout = frame.nav("staff");
            render(StatusCode::OK, &p)
        }
        Ok(Err(msg)) => forbidden(frame, msg),
        Err(e) => fail(frame, e),
    }
}

pub async fn minutes_docx(
    State(st): State<AppState>,
    frame: Frame,
    Path(raw): Path<String>,
) -> Response {
    let Some(me) = me(&frame) else {
        return StatusCode::FORBIDDEN.into_response();
    };
    let k = &st.kernel;
    let r = async {
        let m = meeting::meeting(k, path_id(&raw, "会议")?).await?;
        match minutes_view(k, &me, &m, None).await? {
            Err(msg) => Ok(Err(msg)),
            Ok(p) => {
                let bytes = minutes::docx(k, m.id, p.votes.is_some()).await?;
                Ok(Ok((p.number, bytes)))
            }
        }
    }
    .await;
    match r {
        Ok(Ok((number, bytes))) => {
            super::serve_download(&format!("会议纪要{number}.docx"), docx::MIME, bytes)
        }
        Ok(Err(msg)) => forbidden(frame, msg),
        Err(e) => fail(frame, e),
    }
}
