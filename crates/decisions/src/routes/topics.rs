//! Topic pages: the new-topic form (four-part material), the topic page
//! with its preparation checks, the submission form's steps and the
//! principal's pre-meeting decision, attachments.

use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use yangguang_kernel::audit::Actor;
use yangguang_kernel::timefmt::{self, fmt_date, parse_date};
use yangguang_kernel::{Error, Kernel, Result, files};
use yangguang_webcore::AppState;
use yangguang_webcore::error::render;
use yangguang_webcore::forms::Fields;
use yangguang_webcore::layout::{Frame, Layout};

use super::{Failure, Me, fail, forbidden, me, name_of, names, path_id, today};
use crate::meeting;
use crate::minutes;
use crate::model::{CheckKind, PreDecision, TopicForm, TopicStatus};
use crate::rules::TopicKind;
use crate::topic::{self, CheckEntry, Topic};

#[derive(askama::Template)]
#[template(path = "decisions_topic_form.html")]
struct FormPage {
    layout: Layout,
    error: Option<String>,
    v: Fields,
    kinds: Vec<(&'static str, &'static str)>,
    deputies: Vec<(String, String)>,
}

async fn deputies(k: &Kernel) -> Result<Vec<(String, String)>> {
    let users = yangguang_kernel::org_store::list_users(k).await?;
    Ok(users
        .into_iter()
        .filter(|u| {
            u.roles.iter().any(|r| {
                matches!(
                    r,
                    yangguang_kernel::org::Role::DeputyLeader
                        | yangguang_kernel::org::Role::PrincipalLeader
                )
            })
        })
        .map(|u| {
            (
                u.username.clone(),
                format!("{}（{}）", u.display_name, u.username),
            )
        })
        .collect())
}

fn kinds() -> Vec<(&'static str, &'static str)> {
    TopicKind::ALL
        .iter()
        .map(|k| (k.as_str(), k.label()))
        .collect()
}

pub async fn new_form(State(st): State<AppState>, frame: Frame) -> Response {
    match deputies(&st.kernel).await {
        Ok(deputies) => render(
            StatusCode::OK,
            &FormPage {
                layout: frame.nav("staff"),
                error: None,
                v: Fields::default(),
                kinds: kinds(),
                deputies,
            },
        ),
        Err(e) => fail(frame, e),
    }
}

fn topic_form(f: &Fields) -> TopicForm {
    let opt = |n: &str| (!f.get(n).is_empty()).then(|| f.get(n).to_string());
    TopicForm {
        kind: f.get("kind").into(),
        title: f.get("title").into(),
        lead_unit: f.get("lead_unit").into(),
        deputy: f.get("deputy").into(),
        amount: f.get("amount").into(),
        procurement: opt("procurement"),
        cadre: opt("cadre"),
        m_topic: f.get("m_topic").into(),
        m_background: f.get("m_background").into(),
        m_research: f.get("m_research").into(),
        m_proposal: f.get("m_proposal").into(),
    }
}

pub async fn create(State(st): State<AppState>, frame: Frame, f: Fields) -> Response {
    let Some(me) = me(&frame) else {
        return StatusCode::FORBIDDEN.into_response();
    };
    let k = &st.kernel;
    let r = match topic_form(&f).parse() {
        Ok(t) => topic::create(k, timefmt::now(), &Actor::user(&me.username), t).await,
        Err(e) => Err(e),
    };
    match r {
        Ok(id) => Redirect::to(&format!("/staff/decisions/topics/{id}")).into_response(),
        Err(e) => {
            let status = yangguang_webcore::error::status_of(&e);
            match deputies(k).await {
                Ok(deputies) => render(
                    status,
                    &FormPage {
                        layout: frame.nav("staff"),
                        error: Some(e.to_string()),
                        v: f,
                        kinds: kinds(),
                        deputies,
                    },
                ),
                Err(e) => fail(frame, e),
            }
        }
    }
}

pub struct CheckView {
    pub kind: &'static str,
    pub label: &'static str,
    pub state: String,
    pub file: Option<(String, String)>,
}

pub struct FileView {
    pub hash: String,
    pub name: String,
}

/// What this person may do on the topic now.
#[derive(Default)]
pub struct Can {
    pub edit: bool,
    pub approve: bool,
    pub record: bool,
    pub pre_decide: bool,
    pub higher: bool,
    pub follow_up: bool,
    pub progress: Option<i64>,
}

#[derive(askama::Template)]
#[template(path = "decisions_topic.html")]
struct TopicPage {
    layout: Layout,
    t: Topic,
    deputy: String,
    creator: String,
    amount: String,
    error: Option<Failure>,
    checks: Vec<CheckView>,
    files: Vec<FileView>,
    can: Can,
    check_kinds: Vec<(&'static str, &'static str)>,
    meeting: Option<(i64, String)>,
    outcome: Vec<String>,
    follow_up: Option<(String, String, String)>,
    today: String,
}

async fn load_page(k: &Kernel, me: &Me, id: i64, error: Option<Failure>) -> Result<TopicPage> {
    let t = topic::topic(k, id).await?;
    let names = names(k).await?;
    let checks_done = topic::checks(k, id).await?;
    let checks = CheckKind::ALL
        .iter()
        .map(|c| {
            let done = checks_done.iter().find(|x| x.kind == *c);
            CheckView {
                kind: c.as_str(),
                label: c.label(),
                state: match done {
                    None => "尚未登记".into(),
                    Some(x) => match (&x.not_needed_reason, x.done_on) {
                        (Some(r), _) => format!("不需要：{r}"),
                        (None, Some(d)) => format!("已于 {} 完成", fmt_date(d)),
                        _ => "已登记".into(),
                    },
                },
                file: done.and_then(|x| match (&x.file_hash, &x.file_name) {
                    (Some(h), Some(n)) => Some((h.clone(), n.clone())),
                    _ => None,
                }),
            }
        })
        .collect();
    let files = topic::attachments(k, id)
        .await?
        .into_iter()
        .map(|a| FileView {
            hash: a.file_hash,
            name: a.file_name,
        })
        .collect();
    let fu = minutes::follow_ups(k, today())
        .await?
        .into_iter()
        .find(|f| f.topic_id == id);
    let can = Can {
        edit: t.status == TopicStatus::Draft && t.created_by == me.username,
        approve: t.status == TopicStatus::Submitted && t.deputy == me.username,
        record: t.status == TopicStatus::Approved && me.manage,
        pre_decide: matches!(t.status, TopicStatus::Recorded | TopicStatus::Deferred)
            && me.principal(),
        higher: t.status == TopicStatus::Adopted && me.manage && t.higher_body.is_none(),
        follow_up: t.status == TopicStatus::Adopted && me.manage && fu.is_none(),
        progress: fu
            .as_ref()
            .filter(|f| f.done_on.is_none() && (me.manage || me.username == t.created_by))
            .map(|f| f.id),
    };
    let meeting = match t.meeting_id {
        Some(mid) => Some((mid, meeting::meeting(k, mid).await?.title)),
        None => None,
    };
    let mut outcome = Vec::new();
    if t.closed() {
        outcome.push(format!("会议决定：{}", t.status.label()));
        if let Some([e, p, f, a, ab]) = t.counts
            && t.method.as_deref() != Some("postpone")
        {
            outcome.push(format!(
                "应到会 {e} 人，实到会 {p} 人；赞成 {f} 票，反对 {a} 票，弃权 {ab} 票"
            ));
        }
        if let Some(r) = &t.outcome_reason {
            outcome.push(format!("理由：{r}"));
        }
        if let Some(r) = &t.override_reason {
            outcome.push(format!("行政首长的决定与多数意见不一致，理由：{r}"));
        }
    }
    if let (Some(b), Some(r), Some(on)) = (&t.higher_body, &t.higher_result, &t.higher_on) {
        outcome.push(format!("报{b}批准：{r}（{on}）"));
    }
    Ok(TopicPage {
        layout: Layout::default(),
        deputy: name_of(&names, &t.deputy),
        creator: name_of(&names, &t.created_by),
        amount: t.amount_label(),
        error,
        checks,
        files,
        can,
        check_kinds: CheckKind::ALL
            .iter()
            .map(|c| (c.as_str(), c.label()))
            .collect(),
        meeting,
        outcome,
        follow_up: fu.map(|f| {
            (
                f.unit,
                fmt_date(f.deadline),
                match f.done_on {
                    Some(d) => format!("已于 {} 落实", fmt_date(d)),
                    None if f.overdue => "逾期未落实".into(),
                    None => "落实中".into(),
                },
            )
        }),
        today: fmt_date(today()),
        t,
    })
}

/// The topic, if this person may read its material (404 first: an unknown
/// topic is not found for everyone).
async fn readable(
    k: &Kernel,
    me: &Me,
    raw: &str,
) -> Result<std::result::Result<Topic, &'static str>> {
    let id = path_id(raw, "议题")?;
    let t = topic::topic(k, id).await?;
    if me.reads_topic(&t) {
        return Ok(Ok(t));
    }
    // A notified attendee of the topic's meeting, while it is open.
    if let Some(mid) = t.meeting_id
        && meeting::can_read_materials(k, mid, &me.username).await?
    {
        return Ok(Ok(t));
    }
    Ok(Err(
        "议题材料仅限承办人、分管领导、办公室、主要负责人，以及会议结束前的参会成员查阅",
    ))
}

pub async fn page(State(st): State<AppState>, frame: Frame, Path(raw): Path<String>) -> Response {
    let Some(me) = me(&frame) else {
        return StatusCode::FORBIDDEN.into_response();
    };
    let k = &st.kernel;
    match readable(k, &me, &raw).await {
        Err(e) => fail(frame, e),
        Ok(Err(msg)) => forbidden(frame, msg),
        Ok(Ok(t)) => match load_page(k, &me, t.id, None).await {
            Ok(mut p) => {
                p.layout = frame.nav("staff");
                render(StatusCode::OK, &p)
            }
            Err(e) => fail(frame, e),
        },
    }
}

async fn do_step(k: &Kernel, me: &Me, t: &Topic, f: &Fields) -> std::result::Result<(), Failure> {
    let now = timefmt::now();
    let actor = Actor::user(&me.username);
    let refuse = |m: &str| Err(Failure::forbidden(m));
    let r = match f.get("action") {
        "not_needed" => {
            if t.created_by != me.username {
                return refuse("只有议题承办人可以登记前期准备");
            }
            let kind = CheckKind::parse(f.get("check")).ok_or_else(|| {
                Failure::of(&Error::invalid("invalid_check", "请选择前期准备事项"))
            })?;
            topic::record_check(
                k,
                now,
                &actor,
                t.id,
                kind,
                CheckEntry::NotNeeded(f.get("reason").into()),
            )
            .await
        }
        "submit" => {
            if t.created_by != me.username {
                return refuse("只有议题承办人可以提交");
            }
            topic::submit(k, now, &actor, t.id).await
        }
        "approve" => topic::approve(k, now, &actor, t.id).await,
        "record" => {
            if !me.manage {
                return refuse("提交单由办公室登记");
            }
            topic::record(k, now, &actor, t.id).await
        }
        "pre_decide" => {
            if !me.principal() {
                return refuse("会前决定由主要负责人作出");
            }
            match PreDecision::parse(f.get("decision"), f.get("note")) {
                Ok(d) => topic::pre_decide(k, now, &actor, t.id, d).await,
                Err(e) => Err(e),
            }
        }
        "higher" => {
            if !me.manage {
                return refuse("报批情况由办公室登记");
            }
            match parse_date(f.get("on")) {
                Ok(on) => {
                    topic::record_higher_approval(
                        k,
                        now,
                        &actor,
                        t.id,
                        f.get("body"),
                        f.get("result"),
                        on,
                    )
                    .await
                }
                Err(e) => Err(e),
            }
        }
        "follow_up" => {
            if !me.manage {
                return refuse("落实责任由办公室确定");
            }
            match parse_date(f.get("deadline")) {
                Ok(d) => minutes::assign_follow_up(k, now, &actor, t.id, f.get("unit"), d)
                    .await
                    .map(|_| ()),
                Err(e) => Err(e),
            }
        }
        "progress" => {
            if !(me.manage || me.username == t.created_by) {
                return refuse("落实进展由承办单位或办公室报告");
            }
            match path_id(f.get("followup"), "落实事项") {
                Ok(fid) => {
                    minutes::report_progress(
                        k,
                        now,
                        &actor,
                        fid,
                        f.get("note"),
                        !f.get("done").is_empty(),
                    )
                    .await
                }
                Err(e) => Err(e),
            }
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
    let t = match readable(k, &me, &raw).await {
        Err(e) => return fail(frame, e),
        Ok(Err(msg)) => return forbidden(frame, msg),
        Ok(Ok(t)) => t,
    };
    match do_step(k, &me, &t, &f).await {
        Ok(()) => Redirect::to(&format!("/staff/decisions/topics/{}", t.id)).into_response(),
        Err(failure) => {
            let status = failure.status;
            match load_page(k, &me, t.id, Some(failure)).await {
                Ok(mut p) => {
                    p.layout = frame.nav("staff");
                    render(status, &p)
                }
                Err(e) => fail(frame, e),
            }
        }
    }
}

/// The upload form: `purpose` is `attachment` or a check kind (then
/// `done_on` is its date), `file` the document.
async fn read_upload(
    mp: std::result::Result<Multipart, MultipartRejection>,
) -> Result<(String, String, String, Vec<u8>)> {
    let unreadable = || {
        Error::invalid(
            "attachment_unreadable",
            "无法读取上传的文件，请重新选择文件后上传",
        )
    };
    let mut mp = mp.map_err(|_| unreadable())?;
    let (mut purpose, mut done_on, mut file) = (String::new(), String::new(), None);
    while let Some(field) = mp.next_field().await.map_err(|_| unreadable())? {
        match field.name() {
            Some("purpose") => purpose = field.text().await.map_err(|_| unreadable())?,
            Some("done_on") => done_on = field.text().await.map_err(|_| unreadable())?,
            Some("file") => {
                let name = field.file_name().unwrap_or_default().to_string();
                let bytes = field.bytes().await.map_err(|_| unreadable())?;
                if !(name.is_empty() && bytes.is_empty()) {
                    file = Some((name, bytes.to_vec()));
                }
            }
            _ => {}
        }
    }
    let (name, bytes) =
        file.ok_or_else(|| Error::invalid("attachment_missing", "请选择要上传的文件"))?;
    Ok((purpose, done_on, name, bytes))
}

pub async fn upload(
    State(st): State<AppState>,
    frame: Frame,
    Path(raw): Path<String>,
    mp: std::result::Result<Multipart, MultipartRejection>,
) -> Response {
    let Some(me) = me(&frame) else {
        return StatusCode::FORBIDDEN.into_response();
    };
    let k = &st.kernel;
    let t = match path_id(&raw, "议题") {
        Ok(id) => match topic::topic(k, id).await {
            Ok(t) => t,
            Err(e) => return fail(frame, e),
        },
        Err(e) => return fail(frame, e),
    };
    if t.created_by != me.username {
        return forbidden(frame, "只有议题承办人可以上传材料");
    }
    let r: Result<()> = async {
        let (purpose, done_on, name, bytes) = read_upload(mp).await?;
        let now = timefmt::now();
        let actor = Actor::user(&me.username);
        match CheckKind::parse(&purpose) {
            Some(kind) => {
                let on = parse_date(&done_on)?;
                topic::record_check(
                    k,
                    now,
                    &actor,
                    t.id,
                    kind,
                    CheckEntry::Done {
                        on,
                        file_name: &name,
                        mime: "application/octet-stream",
                        bytes: &bytes,
                    },
                )
                .await
            }
            None => topic::add_attachment(
                k,
                now,
                &actor,
                t.id,
                &name,
                "application/octet-stream",
                &bytes,
            )
            .await
            .map(|_| ()),
        }
    }
    .await;
    match r {
        Ok(()) => Redirect::to(&format!("/staff/decisions/topics/{}", t.id)).into_response(),
        Err(e) => {
            let status = yangguang_webcore::error::status_of(&e);
            match load_page(k, &me, t.id, Some(Failure::of(&e))).await {
                Ok(mut p) => {
                    p.layout = frame.nav("staff");
                    render(status, &p)
                }
                Err(e) => fail(frame, e),
            }
        }
    }
}

pub async fn download(
    State(st): State<AppState>,
    frame: Frame,
    Path((raw, hash)): Path<(String, String)>,
) -> Response {
    let Some(me) = me(&frame) else {
        return StatusCode::FORBIDDEN.into_response();
    };
    let k = &st.kernel;
    let t = match readable(k, &me, &raw).await {
        Err(e) => return fail(frame, e),
        Ok(Err(msg)) => return forbidden(frame, msg),
        Ok(Ok(t)) => t,
    };
    let r: Result<(String, Vec<u8>)> = async {
        let name = topic::attachments(k, t.id)
            .await?
            .into_iter()
            .find(|a| a.file_hash == hash)
            .map(|a| a.file_name)
            .or(topic::checks(k, t.id)
                .await?
                .into_iter()
                .find(|c| c.file_hash.as_deref() == Some(hash.as_str()))
                .and_then(|c| c.file_name))
            .ok_or_else(|| Error::NotFound("附件不存在".into()))?;
        Ok((name, files::get(&k.data_dir, &hash)?))
    }
    .await;
    match r {
        Ok((name, bytes)) => super::serve_download(&name, "application/octet-stream", bytes),
        Err(e) => fail(frame, e),
    }
}
