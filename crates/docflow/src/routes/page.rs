//! The document page: what it is, where it stands, the act this person
//! may take now (签收, then the step's form), the acts on the document
//! (new version, 加签, 传阅, 送阅批, 提交集体研究, 申请修改, 撤销), the
//! versions and files, and the whole trail: who, when, as whose B, with
//! what opinion.

use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use yangguang_kernel::{Error, Kernel, Result, files, timefmt};
use yangguang_webcore::AppState;
use yangguang_webcore::download::serve_download;
use yangguang_webcore::error::render;
use yangguang_webcore::forms::Fields;
use yangguang_webcore::layout::{Frame, Layout};

use super::diff::{self, Change};
use super::{Failure, Me, divisions, fail, form, leaders, me, path_id};
use crate::acts::{self, Upload};
use crate::model::{Direction, Doc, Status, TaskState, TaskStep, Version};
use crate::rules::{self, Step, Verdict};
use crate::{docacts, inbox, outgoing, store};

/// A document as this person may see it, or 404 (never a hint that it
/// exists) — the office and supervisors see every document.
pub(crate) async fn visible(k: &Kernel, me: &Me, raw: &str) -> Result<Doc> {
    let id = path_id(raw, "公文")?;
    let doc = store::doc(k, id).await?;
    if !inbox::may_view(k, &me.who, &doc, me.broad()).await? {
        return Err(Error::NotFound(format!("公文“{id}”不存在")));
    }
    Ok(doc)
}

/// A stored instant (RFC 3339, UTC) as Beijing time for the page:
/// `2026-11-26 17:05`.
pub(crate) fn beijing(stored: &str) -> String {
    timefmt::parse_rfc3339(stored)
        .map(timefmt::fmt_instant_cst)
        .unwrap_or_else(|_| {
            stored
                .chars()
                .take(16)
                .collect::<String>()
                .replace('T', " ")
        })
}

pub struct TrailRow {
    pub id: i64,
    pub step: String,
    pub read: bool,
    pub assignee: String,
    pub division: String,
    pub state: &'static str,
    pub open: bool,
    pub created: String,
    pub due: String,
    pub overdue: bool,
    pub done: String,
    pub acted: String,
    pub verdict: String,
    pub opinion: String,
}

/// The task this person may act on now.
pub struct Mine {
    pub id: i64,
    pub step: &'static str,
    pub label: String,
    pub claimed: bool,
    pub read: bool,
    pub for_a: String,
    pub due: String,
    pub paper: bool,
    /// For a division opinion: who may be named handler.
    pub handlers: Vec<(String, String)>,
}

pub struct VersionRow {
    pub no: i64,
    pub author: String,
    pub at: String,
    pub frozen: bool,
    pub sm3: String,
    pub reason: String,
    pub approved_by: String,
    pub file: Option<String>,
}

#[derive(Default)]
pub struct Can {
    pub version: bool,
    pub add_cosign: bool,
    pub circulate: bool,
    pub pause: bool,
    pub amend: bool,
    pub withdraw: bool,
    pub print: bool,
}

#[derive(askama::Template)]
#[template(path = "docflow_doc.html")]
struct DocPage {
    layout: Layout,
    d: Doc,
    error: Option<Failure>,
    number: String,
    kind: &'static str,
    status: &'static str,
    urgency: &'static str,
    secrecy: String,
    deputy: String,
    creator: String,
    /// 签发人: who signed, and as whose B.
    signer: String,
    lead: String,
    co: Vec<String>,
    path: Vec<(String, String, bool, bool)>,
    mine: Vec<Mine>,
    trail: Vec<TrailRow>,
    versions: Vec<VersionRow>,
    body: String,
    files: Vec<(i64, &'static str, String, String)>,
    can: Can,
    divisions: Vec<(i64, String)>,
    leaders: Vec<(String, String)>,
    people: Vec<(String, String)>,
}

async fn load(k: &Kernel, me: &Me, doc: Doc, error: Option<Failure>) -> Result<DocPage> {
    let names = store::names(k).await?;
    let who = &me.who;
    let tasks = store::doc_tasks(k, doc.id).await?;
    let divs = store::divisions(k, doc.id).await?;
    let all_divisions = divisions(k).await?;
    let div_name = |id: Option<i64>| {
        id.and_then(|i| all_divisions.iter().find(|(d, _)| *d == i))
            .map(|(_, n)| n.clone())
            .unwrap_or_default()
    };
    let today = timefmt::fmt_date(who.today);
    let person = |u: &str| names.display(u);
    let mut trail = Vec::new();
    let mut mine = Vec::new();
    let path = match doc.path_id {
        Some(p) => store::path(k, p).await?.steps,
        None => Vec::new(),
    };
    for t in &tasks {
        let overdue = t.state.open() && t.due_on.as_deref().is_some_and(|d| d < today.as_str());
        let acted = match (&t.acted_by, &t.acted_for) {
            (Some(b), Some(a)) => format!("{}（B岗代{}）", person(b), person(a)),
            (Some(b), None) => person(b),
            _ => String::new(),
        };
        trail.push(TrailRow {
            id: t.id,
            step: t.step_label(),
            read: t.is_read(),
            assignee: names.display_id(t.assignee_user_id),
            // A signing step goes to whom the path's role names (a leader,
            // the office); the lead division it carries is not theirs.
            division: if t.step == TaskStep::Sign {
                String::new()
            } else {
                div_name(t.division_id)
            },
            state: t.state.label(),
            open: t.state.open(),
            created: beijing(&t.created_at),
            due: t.due_on.clone().unwrap_or_default(),
            overdue,
            done: t.done_at.as_deref().map(beijing).unwrap_or_default(),
            acted,
            verdict: t
                .verdict
                .as_deref()
                .and_then(Verdict::parse)
                .map(|v| v.label().to_string())
                .or_else(|| (t.verdict.as_deref() == Some("return")).then(|| "退回".to_string()))
                .unwrap_or_default(),
            opinion: t.opinion.clone().unwrap_or_default(),
        });
        if t.state.open() && who.inbox_ids().contains(&t.assignee_user_id) {
            let paper =
                t.step == TaskStep::Sign && Step::parse(&t.note).is_some_and(|s| s.on_paper());
            let handlers = if t.step == TaskStep::DivisionOpinion {
                match t.division_id.or(who.me.division_id) {
                    Some(d) => store::division_people(k, d).await?,
                    None => Vec::new(),
                }
            } else {
                Vec::new()
            };
            mine.push(Mine {
                id: t.id,
                step: t.step.as_str(),
                label: t.step_label(),
                claimed: t.state == TaskState::Claimed,
                read: t.is_read(),
                for_a: if t.assignee_user_id == who.me.id {
                    String::new()
                } else {
                    who.person_for(t.assignee_user_id).display.clone()
                },
                due: t.due_on.clone().unwrap_or_default(),
                paper,
                handlers,
            });
        }
    }
    let versions = store::versions(k, doc.id).await?;
    let body = versions.last().map(|v| v.body.clone()).unwrap_or_default();
    let vrows = versions
        .iter()
        .map(|v: &Version| VersionRow {
            no: v.no,
            author: match &v.author_for {
                Some(a) => format!("{}（B岗代{}）", person(&v.author), person(a)),
                None => person(&v.author),
            },
            at: beijing(&v.created_at),
            frozen: v.frozen,
            sm3: v.sm3.clone().unwrap_or_default(),
            reason: v.reason.clone().unwrap_or_default(),
            approved_by: v.approved_by.as_deref().map(person).unwrap_or_default(),
            file: v.file_name.clone(),
        })
        .collect();
    let files = store::files(k, doc.id)
        .await?
        .into_iter()
        .map(|f| {
            (
                f.id,
                f.kind_label(),
                f.file_name.clone(),
                person(&f.added_by),
            )
        })
        .collect();
    let owner = doc.owner() == who.me.username || doc.created_by == who.me.username;
    let holds = !mine.is_empty();
    let signed = matches!(
        doc.status,
        Status::Signed | Status::Checked | Status::Numbered | Status::Printed | Status::Issued
    );
    let can = Can {
        version: doc.direction == Direction::Out && doc.status.editable() && (owner || holds),
        add_cosign: doc.status == Status::Cosigning && owner,
        circulate: !doc.status.finished() && (me.manage || holds),
        pause: !doc.status.finished()
            && doc.status != Status::Paused
            && (me.manage || doc.deputy == who.me.username),
        amend: doc.direction == Direction::Out && signed && me.manage,
        withdraw: doc.direction == Direction::Out && !doc.status.finished() && (me.manage || owner),
        print: doc.doc_no.is_some(),
    };
    let cur = doc.step_index;
    let path_rows = path
        .iter()
        .enumerate()
        .map(|(i, s)| {
            (
                s.step.label().to_string(),
                s.role.label().to_string(),
                i < cur
                    || matches!(
                        doc.status,
                        Status::Signed
                            | Status::Checked
                            | Status::Numbered
                            | Status::Printed
                            | Status::Issued
                    ),
                i == cur && doc.status == Status::Signing,
            )
        })
        .collect();
    let lead = div_name(doc.lead_division_id);
    let co = divs
        .iter()
        .filter(|(_, _, role)| role != "lead")
        .map(|(_, n, role)| match role.as_str() {
            "co" => format!("{n}（协办）"),
            "cosign" => format!("{n}（会签）"),
            other => format!("{n}（{other}）"),
        })
        .collect();
    Ok(DocPage {
        layout: Layout::default(),
        number: match doc.direction {
            Direction::In => doc.reg_no().unwrap_or_default(),
            Direction::Out => doc.doc_no.clone().unwrap_or_default(),
        },
        kind: doc.direction.label(),
        status: doc.status.label(),
        urgency: doc.urgency.label(),
        secrecy: rules::secrecy_mark(doc.secrecy, doc.secrecy_years).unwrap_or_default(),
        deputy: person(&doc.deputy),
        creator: match &doc.created_for {
            Some(a) => format!("{}（B岗代{}）", person(&doc.created_by), person(a)),
            None => person(&doc.created_by),
        },
        // signed_by is the leader the path named, signed_for their B who
        // signed while they were away.
        signer: match (&doc.signed_by, &doc.signed_for) {
            (Some(a), Some(b)) => format!("{}（B岗代{}）", person(b), person(a)),
            (Some(a), None) => person(a),
            _ => String::new(),
        },
        lead,
        co,
        path: path_rows,
        mine,
        trail,
        versions: vrows,
        body,
        files,
        can,
        divisions: all_divisions,
        leaders: leaders(k).await?,
        people: store::people(k).await?,
        error,
        d: doc,
    })
}

async fn show(k: &Kernel, frame: Frame, me: &Me, id: i64, error: Option<Failure>) -> Response {
    let status = error.as_ref().map(|e| e.status).unwrap_or(StatusCode::OK);
    let r = async {
        let doc = store::doc(k, id).await?;
        load(k, me, doc, error).await
    }
    .await;
    match r {
        Ok(mut p) => {
            p.layout = frame.nav("staff");
            render(status, &p)
        }
        Err(e) => fail(frame, e),
    }
}

pub async fn page(State(st): State<AppState>, frame: Frame, Path(raw): Path<String>) -> Response {
    let k = &st.kernel;
    let me = match me(k, &frame).await {
        Ok(m) => m,
        Err(e) => return fail(frame, e),
    };
    match visible(k, &me, &raw).await {
        Ok(doc) => show(k, frame, &me, doc.id, None).await,
        Err(e) => fail(frame, e),
    }
}

/// After a form: back to the page (303), or the page with the refusal.
async fn after(k: &Kernel, frame: Frame, me: &Me, doc_id: i64, r: Result<()>) -> Response {
    match r {
        Ok(()) => Redirect::to(&format!("/staff/docflow/docs/{doc_id}")).into_response(),
        Err(e) => show(k, frame, me, doc_id, Some(Failure::of(&e))).await,
    }
}

/// The task and its document, when this person may see the document.
async fn task_doc(k: &Kernel, me: &Me, raw: &str) -> Result<(crate::model::Task, Doc)> {
    let id = path_id(raw, "任务")?;
    let task = store::task(k, id).await?;
    let doc = visible(k, me, &task.doc_id.to_string()).await?;
    Ok((task, doc))
}

pub async fn claim(State(st): State<AppState>, frame: Frame, Path(raw): Path<String>) -> Response {
    let k = &st.kernel;
    let me = match me(k, &frame).await {
        Ok(m) => m,
        Err(e) => return fail(frame, e),
    };
    match task_doc(k, &me, &raw).await {
        Ok((task, doc)) => {
            let r = acts::claim(k, timefmt::now(), &me.who, task.id).await;
            after(k, frame, &me, doc.id, r).await
        }
        Err(e) => fail(frame, e),
    }
}

pub async fn act(
    State(st): State<AppState>,
    frame: Frame,
    Path(raw): Path<String>,
    mp: std::result::Result<Multipart, MultipartRejection>,
) -> Response {
    let k = &st.kernel;
    let me = match me(k, &frame).await {
        Ok(m) => m,
        Err(e) => return fail(frame, e),
    };
    match task_doc(k, &me, &raw).await {
        Ok((task, doc)) => {
            let r = async {
                let (f, files) = form::read_multipart(mp).await?;
                let a = form::act(&task, &f, files)?;
                acts::act(k, timefmt::now(), &me.who, task.id, a).await
            }
            .await;
            after(k, frame, &me, doc.id, r).await
        }
        Err(e) => fail(frame, e),
    }
}

/// The acts on a document, by `action`.
async fn do_action(
    k: &Kernel,
    me: &Me,
    doc: &Doc,
    f: &Fields,
    mut files: Vec<(String, Upload)>,
) -> Result<()> {
    let now = timefmt::now();
    let who = &me.who;
    match f.get("action") {
        "version" => {
            let docx = files
                .iter()
                .position(|(n, _)| n == "docx")
                .map(|i| files.remove(i).1);
            outgoing::new_version(k, now, who, doc.id, f.get("body"), docx)
                .await
                .map(|_| ())
        }
        "add_cosign" => {
            let d = f
                .get("division")
                .trim()
                .parse::<i64>()
                .map_err(|_| Error::invalid("division_required", "请选择加签处室"))?;
            outgoing::add_cosign(k, now, who, doc.id, d).await
        }
        "circulate" => {
            let readers: Vec<String> = f.all("reader").iter().map(|s| s.to_string()).collect();
            docacts::circulate(k, now, who, me.manage, doc.id, &readers)
                .await
                .map(|_| ())
        }
        "leader" => docacts::send_to_leader(k, now, who, me.manage, doc.id, f.get("leader")).await,
        "pause" => docacts::pause(k, now, who, me.manage, doc.id, f.get("reason"))
            .await
            .map(|_| ()),
        "amend" => {
            if !me.manage {
                return Err(Error::Forbidden("签发后的修改须经办公室提出申请".into()));
            }
            outgoing::request_amendment(k, now, who, doc.id, f.get("reason"), f.get("body"))
                .await
                .map(|_| ())
        }
        "withdraw" => docacts::withdraw(k, now, who, me.manage, doc.id, f.get("reason")).await,
        other => Err(Error::invalid(
            "unknown_action",
            format!(
                "无法识别的操作“{}”",
                yangguang_kernel::text::clip(other, 20)
            ),
        )),
    }
}

pub async fn doc_action(
    State(st): State<AppState>,
    frame: Frame,
    Path(raw): Path<String>,
    mp: std::result::Result<Multipart, MultipartRejection>,
) -> Response {
    let k = &st.kernel;
    let me = match me(k, &frame).await {
        Ok(m) => m,
        Err(e) => return fail(frame, e),
    };
    let doc = match visible(k, &me, &raw).await {
        Ok(d) => d,
        Err(e) => return fail(frame, e),
    };
    let r = async {
        let (f, files) = form::read_multipart(mp).await?;
        do_action(k, &me, &doc, &f, files).await
    }
    .await;
    after(k, frame, &me, doc.id, r).await
}

#[derive(Debug, Default, Deserialize)]
pub struct VersionsQuery {
    pub a: Option<i64>,
    pub b: Option<i64>,
}

#[derive(askama::Template)]
#[template(path = "docflow_versions.html")]
struct VersionsPage {
    layout: Layout,
    d: Doc,
    nos: Vec<i64>,
    a: i64,
    b: i64,
    a_label: String,
    b_label: String,
    lines: Vec<(Change, String)>,
    changed: usize,
}

fn version_label(v: &Version, names: &store::Names) -> String {
    let mut s = format!(
        "第 {} 版（{}，{}）",
        v.no,
        names.display(&v.author),
        beijing(&v.created_at)
    );
    if v.frozen {
        s.push_str("，签发定稿");
    }
    if let Some(r) = &v.reason {
        s.push_str(&format!("，修改理由：{r}"));
    }
    s
}

pub async fn versions(
    State(st): State<AppState>,
    frame: Frame,
    Path(raw): Path<String>,
    Query(q): Query<VersionsQuery>,
) -> Response {
    let k = &st.kernel;
    let r: Result<VersionsPage> = async {
        let me = me(k, &frame).await?;
        let d = visible(k, &me, &raw).await?;
        let list = store::versions(k, d.id).await?;
        let last = list.last().map(|v| v.no).unwrap_or(1);
        let b = q.b.unwrap_or(last);
        let a = q.a.unwrap_or((b - 1).max(1));
        let find = |n: i64| {
            list.iter()
                .find(|v| v.no == n)
                .ok_or_else(|| Error::NotFound(format!("第 {n} 版不存在")))
        };
        let (va, vb) = (find(a)?, find(b)?);
        let names = store::names(k).await?;
        let lines = diff::lines(&va.body, &vb.body);
        Ok(VersionsPage {
            layout: Layout::default(),
            nos: list.iter().map(|v| v.no).collect(),
            a,
            b,
            a_label: version_label(va, &names),
            b_label: version_label(vb, &names),
            changed: lines.iter().filter(|(c, _)| *c != Change::Same).count(),
            lines,
            d,
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

pub async fn download(
    State(st): State<AppState>,
    frame: Frame,
    Path((raw, file)): Path<(String, String)>,
) -> Response {
    let k = &st.kernel;
    let r = async {
        let me = me(k, &frame).await?;
        let d = visible(k, &me, &raw).await?;
        let fid = path_id(&file, "文件")?;
        let list = store::files(k, d.id).await?;
        let f = list
            .into_iter()
            .find(|f| f.id == fid)
            .ok_or_else(|| Error::NotFound(format!("文件“{fid}”不存在")))?;
        let bytes = files::get(&k.data_dir, &f.file_hash)?;
        Ok::<_, Error>((f.file_name, bytes))
    }
    .await;
    match r {
        Ok((name, bytes)) => serve_download(&name, "application/octet-stream", bytes),
        Err(e) => fail(frame, e),
    }
}
