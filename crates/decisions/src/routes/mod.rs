//! The staff pages of 三重一大: the overview, topics with their submission
//! form, meetings (notice, attendance, record, votes, decisions), minutes
//! with publicity, the archive and the follow-up supervision view.
//!
//! Who may do what beyond the route's permission is decided per page:
//! topic material by the people of the topic's workflow, meeting
//! materials by meeting membership (only until the meeting closes), the
//! vote table by the roles the agency's 议事规则 allow.

pub mod meetings;
pub mod topics;

use std::collections::HashMap;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use time::Date;
use yangguang_kernel::org::Role;
use yangguang_kernel::perm::Permission;
use yangguang_kernel::timefmt::{self, fmt_date, today_cst};
use yangguang_kernel::{Error, Kernel, Result};
use yangguang_webcore::AppState;
use yangguang_webcore::access::{Access, Route};
use yangguang_webcore::error::{PageError, render, status_of};
use yangguang_webcore::forms::Fields;
use yangguang_webcore::layout::{Frame, Layout};

use crate::meeting::{self, Meeting};
use crate::minutes;
use crate::model::TopicStatus;
use crate::rules::MeetingType;
use crate::topic::{self, Topic};

pub fn routes() -> Vec<Route> {
    let wb = Access::Perm(Permission::Workbench);
    let propose = Access::Perm(Permission::DecisionPropose);
    let manage = Access::Perm(Permission::DecisionManage);
    vec![
        Route::get("/staff/decisions", wb, get(index)),
        Route::get("/staff/decisions/followups", wb, get(followups)),
        Route::get("/staff/decisions/rules", manage, get(rules_page)),
        Route::post("/staff/decisions/rules", manage, post(rules_save)),
        Route::get(
            "/staff/decisions/topics/new",
            propose,
            get(topics::new_form),
        ),
        Route::post("/staff/decisions/topics/new", propose, post(topics::create)),
        Route::get("/staff/decisions/topics/{id}", wb, get(topics::page)),
        Route::post("/staff/decisions/topics/{id}/step", wb, post(topics::step)),
        Route::post(
            "/staff/decisions/topics/{id}/files",
            propose,
            post(topics::upload),
        ),
        Route::get(
            "/staff/decisions/topics/{id}/files/{hash}",
            wb,
            get(topics::download),
        ),
        Route::get(
            "/staff/decisions/meetings/new",
            manage,
            get(meetings::new_form),
        ),
        Route::post(
            "/staff/decisions/meetings/new",
            manage,
            post(meetings::create),
        ),
        Route::get("/staff/decisions/meetings/{id}", wb, get(meetings::page)),
        Route::post(
            "/staff/decisions/meetings/{id}/step",
            wb,
            post(meetings::step),
        ),
        Route::get(
            "/staff/decisions/meetings/{id}/minutes",
            wb,
            get(meetings::minutes_page),
        ),
        Route::get(
            "/staff/decisions/meetings/{id}/minutes.docx",
            wb,
            get(meetings::minutes_docx),
        ),
    ]
}

/// The signed-in person as these pages need them.
pub(crate) struct Me {
    pub username: String,
    pub roles: Vec<Role>,
    pub propose: bool,
    pub manage: bool,
    pub supervise: bool,
}

impl Me {
    pub fn principal(&self) -> bool {
        self.roles.contains(&Role::PrincipalLeader)
    }

    /// The people of a topic's workflow: the proposer, the deputy in
    /// charge, the office, the principal and supervisors (who keep the
    /// archive).
    pub fn reads_topic(&self, t: &Topic) -> bool {
        self.username == t.created_by || self.username == t.deputy || self.manage || self.supervise
    }
}

pub(crate) fn me(frame: &Frame) -> Option<Me> {
    frame.viewer.user().map(|s| Me {
        username: s.username.clone(),
        roles: s.roles.clone(),
        propose: frame.viewer.can(Permission::DecisionPropose),
        manage: frame.viewer.can(Permission::DecisionManage),
        supervise: frame.viewer.can(Permission::DecisionSupervise),
    })
}

pub(crate) fn today() -> Date {
    today_cst(timefmt::now())
}

pub(crate) fn fail(frame: Frame, e: Error) -> Response {
    PageError {
        error: e,
        layout: frame.nav("staff"),
        status: None,
    }
    .into_response()
}

pub(crate) fn forbidden(frame: Frame, message: &str) -> Response {
    PageError {
        error: Error::invalid("forbidden", message.to_string()),
        layout: frame.nav("staff"),
        status: Some(StatusCode::FORBIDDEN),
    }
    .into_response()
}

pub(crate) use yangguang_webcore::error::{Failure, path_id};

/// username → "显示名".
pub(crate) async fn names(k: &Kernel) -> Result<HashMap<String, String>> {
    crate::store::display_names(k).await
}

pub(crate) fn name_of(names: &HashMap<String, String>, u: &str) -> String {
    crate::store::name_of(names, u)
}

pub(crate) use yangguang_webcore::download::serve_download;

// ---- /staff/decisions ------------------------------------------------------

pub struct TopicRow {
    pub id: i64,
    pub title: String,
    pub kind: &'static str,
    pub status: &'static str,
    pub lead_unit: String,
}

pub struct MeetingRow {
    pub id: i64,
    pub title: String,
    pub kind: &'static str,
    pub on: String,
    pub status: String,
    pub minutes: String,
}

fn topic_row(t: &Topic) -> TopicRow {
    TopicRow {
        id: t.id,
        title: t.title.clone(),
        kind: t.kind.label(),
        status: t.status.label(),
        lead_unit: t.lead_unit.clone(),
    }
}

#[derive(askama::Template)]
#[template(path = "decisions_index.html")]
struct IndexPage {
    layout: Layout,
    propose: bool,
    manage: bool,
    oversee: bool,
    todo: Vec<(TopicRow, &'static str)>,
    mine: Vec<TopicRow>,
    ready: Vec<TopicRow>,
    meetings: Vec<MeetingRow>,
    publicity: Vec<MeetingRow>,
    archive: Vec<MeetingRow>,
}

/// What this person has to do on a topic now, if anything.
pub(crate) fn topic_todo(me: &Me, t: &Topic) -> Option<&'static str> {
    match t.status {
        TopicStatus::Draft if t.created_by == me.username => Some("完善材料并提交"),
        TopicStatus::Submitted if t.deputy == me.username => Some("审核提交单"),
        TopicStatus::Approved if me.manage => Some("登记提交单"),
        TopicStatus::Recorded | TopicStatus::Deferred if me.principal() => Some("作出会前决定"),
        _ => None,
    }
}

async fn meeting_row(k: &Kernel, m: &Meeting) -> Result<MeetingRow> {
    let x = minutes::minutes(k, m.id).await?;
    let status = if m.archived_at.is_some() {
        "已归档".to_string()
    } else {
        m.status.label().to_string()
    };
    Ok(MeetingRow {
        id: m.id,
        title: m.title.clone(),
        kind: m.meeting_type.label(),
        on: fmt_date(m.on),
        status,
        minutes: x
            .map(|x| match x.number {
                Some(n) => format!("{n} {}", x.status.label()),
                None => x.status.label().to_string(),
            })
            .unwrap_or_default(),
    })
}

async fn index(State(st): State<AppState>, frame: Frame) -> Response {
    let Some(me) = me(&frame) else {
        return StatusCode::FORBIDDEN.into_response();
    };
    let k = &st.kernel;
    let today = today();
    let r: Result<IndexPage> = async {
        let topics = topic::list(k).await?;
        let todo = topics
            .iter()
            .filter_map(|t| topic_todo(&me, t).map(|w| (topic_row(t), w)))
            .collect();
        let mine = topics
            .iter()
            .filter(|t| t.created_by == me.username || t.deputy == me.username)
            .map(topic_row)
            .collect();
        let ready = if me.manage {
            topics
                .iter()
                .filter(|t| {
                    matches!(
                        t.status,
                        TopicStatus::Ready | TopicStatus::Postponed | TopicStatus::Ordinary
                    )
                })
                .map(topic_row)
                .collect()
        } else {
            Vec::new()
        };
        let mut meetings = Vec::new();
        let mut publicity = Vec::new();
        let mut archive = Vec::new();
        for m in meeting::list(k).await? {
            let mine = meeting::attendees(k, m.id)
                .await?
                .iter()
                .any(|a| a.username == me.username)
                || m.chair == me.username;
            let x = minutes::minutes(k, m.id).await?;
            if x.as_ref().is_some_and(|x| x.in_publicity(today)) {
                publicity.push(meeting_row(k, &m).await?);
            }
            if m.archived_at.is_some() {
                if me.manage || me.supervise {
                    archive.push(meeting_row(k, &m).await?);
                }
            } else if me.manage || me.supervise || mine {
                meetings.push(meeting_row(k, &m).await?);
            }
        }
        Ok(IndexPage {
            layout: Layout::default(),
            propose: me.propose,
            manage: me.manage,
            oversee: me.manage || me.supervise,
            todo,
            mine,
            ready,
            meetings,
            publicity,
            archive,
        })
    }
    .await;
    match r {
        Ok(mut p) => {
            p.layout = frame.nav("staff");
            render(StatusCode::OK, &p)
        }
        Err(e) => fail(frame, e),
    }
}

/// One 待办 row of the staff workbench: (title, url, what to do, the
/// absent A holder acted for, time limit) — decisions have neither of the
/// last two.
pub type WorkbenchRow = (String, String, String, Option<String>, Option<String>);

/// For the staff workbench `/staff/`: each topic waiting for this person.
pub async fn workbench_rows(
    k: &Kernel,
    username: &str,
    roles: &[Role],
    manage: bool,
) -> Result<Vec<WorkbenchRow>> {
    let me = Me {
        username: username.to_string(),
        roles: roles.to_vec(),
        propose: false,
        manage,
        supervise: false,
    };
    Ok(topic::list(k)
        .await?
        .iter()
        .filter_map(|t| {
            topic_todo(&me, t).map(|w| {
                (
                    t.title.clone(),
                    format!("/staff/decisions/topics/{}", t.id),
                    format!("三重一大：{w}"),
                    None,
                    None,
                )
            })
        })
        .collect())
}

// ---- /staff/decisions/followups ---------------------------------------------

pub struct FollowRow {
    pub topic_id: i64,
    pub title: String,
    pub unit: String,
    pub deadline: String,
    pub state: String,
    pub overdue: bool,
    pub progress: String,
}

#[derive(askama::Template)]
#[template(path = "decisions_followups.html")]
struct FollowPage {
    layout: Layout,
    rows: Vec<FollowRow>,
    overdue: usize,
}

async fn followups(State(st): State<AppState>, frame: Frame) -> Response {
    let Some(me) = me(&frame) else {
        return StatusCode::FORBIDDEN.into_response();
    };
    if !(me.manage || me.supervise) {
        return forbidden(
            frame,
            "决策落实督办情况仅办公室、主要负责人和监督人员可以查看",
        );
    }
    match minutes::follow_ups(&st.kernel, today()).await {
        Ok(list) => {
            let overdue = list.iter().filter(|f| f.overdue).count();
            let rows = list
                .into_iter()
                .map(|f| FollowRow {
                    topic_id: f.topic_id,
                    title: f.topic_title,
                    unit: f.unit,
                    deadline: fmt_date(f.deadline),
                    state: match f.done_on {
                        Some(d) => format!("已于 {} 落实", fmt_date(d)),
                        None if f.overdue => "逾期未落实".to_string(),
                        None => "落实中".to_string(),
                    },
                    overdue: f.overdue,
                    progress: f.last_progress.unwrap_or_default(),
                })
                .collect();
            render(
                StatusCode::OK,
                &FollowPage {
                    layout: frame.nav("staff"),
                    rows,
                    overdue,
                },
            )
        }
        Err(e) => fail(frame, e),
    }
}

// ---- /staff/decisions/rules ---------------------------------------------------

pub struct ProcRow {
    pub code: &'static str,
    pub name: &'static str,
    pub basis: &'static str,
    pub quorum: String,
    pub personnel: String,
    pub chair: String,
    pub members: String,
    pub vote_roles: String,
}

#[derive(askama::Template)]
#[template(path = "decisions_rules.html")]
struct RulesPage {
    layout: Layout,
    rows: Vec<ProcRow>,
    roles: Vec<(&'static str, &'static str)>,
    error: Option<String>,
    saved: bool,
}

fn business_roles() -> Vec<(&'static str, &'static str)> {
    Role::ALL
        .iter()
        .filter(|r| !r.is_admin())
        .map(|r| (r.code(), r.label()))
        .collect()
}

async fn rules_rows(k: &Kernel) -> Result<Vec<ProcRow>> {
    let mut out = Vec::new();
    for t in MeetingType::ALL {
        let p = meeting::procedure(k, t).await?;
        out.push(ProcRow {
            code: t.as_str(),
            name: t.label(),
            basis: p.rules.basis.label(),
            quorum: p
                .rules
                .quorum
                .map(|q| format!("应到会成员{}到会", q.label()))
                .unwrap_or_else(|| "不设".into()),
            personnel: p
                .rules
                .personnel_quorum
                .map(|q| format!("应到会成员{}到会", q.label()))
                .unwrap_or_else(|| "不设".into()),
            chair: p.chair.clone().unwrap_or_default(),
            members: p.members.join(" "),
            vote_roles: p
                .vote_roles
                .iter()
                .filter_map(|c| Role::parse(c))
                .map(|r| r.label())
                .collect::<Vec<_>>()
                .join("、"),
        });
    }
    Ok(out)
}

async fn rules_page(State(st): State<AppState>, frame: Frame) -> Response {
    match rules_rows(&st.kernel).await {
        Ok(rows) => render(
            StatusCode::OK,
            &RulesPage {
                layout: frame.nav("staff"),
                rows,
                roles: business_roles(),
                error: None,
                saved: false,
            },
        ),
        Err(e) => fail(frame, e),
    }
}

async fn rules_save(State(st): State<AppState>, frame: Frame, f: Fields) -> Response {
    let Some(me) = me(&frame) else {
        return StatusCode::FORBIDDEN.into_response();
    };
    let k = &st.kernel;
    let r: Result<()> = async {
        let t = MeetingType::parse(f.get("meeting_type"))
            .ok_or_else(|| Error::invalid("invalid_meeting_type", "请选择会议类型"))?;
        let now = timefmt::now();
        let actor = yangguang_kernel::audit::Actor::user(&me.username);
        if f.get("action") == "vote_roles" {
            let roles = f
                .all("vote_role")
                .iter()
                .map(|c| {
                    Role::parse(c).ok_or_else(|| Error::invalid("invalid_role", "无法识别的角色"))
                })
                .collect::<Result<Vec<_>>>()?;
            return meeting::set_vote_roles(k, now, &actor, t, &roles).await;
        }
        let members: Vec<String> = f
            .get("members")
            .split(|c: char| c.is_whitespace() || c == ',' || c == '，' || c == '、')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        meeting::set_members(k, now, &actor, t, f.get("chair"), &members).await
    }
    .await;
    let (status, error, saved) = match r {
        Ok(()) => (StatusCode::OK, None, true),
        Err(e) => (status_of(&e), Some(e.to_string()), false),
    };
    match rules_rows(k).await {
        Ok(rows) => render(
            status,
            &RulesPage {
                layout: frame.nav("staff"),
                rows,
                roles: business_roles(),
                error,
                saved,
            },
        ),
        Err(e) => fail(frame, e),
    }
}
