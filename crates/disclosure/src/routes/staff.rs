//! The staff side of 主动公开: the disclosure workbench (my 待办, my
//! drafts, and for the office every item, the Art 26 timeliness warnings
//! and the half-yearly regular disclosure reminder), the item form, the
//! item page with its timeline and the steps this person may take now.
//! The 公开指南 is in `guide`.
//!
//! Who acts is decided by the store (`actor_for_step`: duty posts, A/B);
//! a refusal is a 403 with a Chinese message, an illegal step or missing
//! reason a 400 on the item page, and neither writes anything.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use time::Date;
use yangguang_kernel::audit::Actor;
use yangguang_kernel::org::Acting;
use yangguang_kernel::perm::Permission;
use yangguang_kernel::timefmt::{
    self, fmt_date, fmt_date_cn, fmt_instant_cst, parse_rfc3339, today_cst, weekday_cn,
};
use yangguang_kernel::{Kernel, org_store};
use yangguang_webcore::AppState;
use yangguang_webcore::access::{Access, Route};
use yangguang_webcore::error::{PageError, render, status_of};
use yangguang_webcore::forms::Fields;
use yangguang_webcore::layout::{Frame, Layout};

use crate::draft::Draft;
use crate::model::{Action, Attribute, GROUNDS, SECRECY_CHECKS, Status, Validity};
use crate::rules::{self, GENRES, Timeliness};
use crate::store::{self, Item};
use crate::{DisclosureError, text};

type Result<T> = std::result::Result<T, DisclosureError>;

pub fn routes() -> Vec<Route> {
    let wb = Access::Perm(Permission::Workbench);
    let draft = Access::Perm(Permission::DisclosureDraft);
    vec![
        Route::get("/staff/disclosure", wb, get(index)),
        Route::get("/staff/disclosure/new", draft, get(new_form)),
        Route::post("/staff/disclosure/new", draft, post(create)),
        Route::get("/staff/disclosure/{id}", wb, get(item_page)),
        Route::get("/staff/disclosure/{id}/edit", draft, get(edit_form)),
        Route::post("/staff/disclosure/{id}/edit", draft, post(edit_save)),
        Route::post("/staff/disclosure/{id}/step", wb, post(step)),
    ]
}

// ---- shared ----------------------------------------------------------------

/// The signed-in person as these pages need them.
pub(super) struct Me {
    user_id: i64,
    pub(super) username: String,
    manage: bool,
    draft: bool,
}

pub(super) fn me(frame: &Frame) -> Option<Me> {
    frame.viewer.user().map(|s| Me {
        user_id: s.user_id,
        username: s.username.clone(),
        manage: frame.viewer.can(Permission::DisclosureManage),
        draft: frame.viewer.can(Permission::DisclosureDraft),
    })
}

fn today() -> Date {
    today_cst(timefmt::now())
}

fn today_label(d: Date) -> String {
    format!("{}（{}）", fmt_date_cn(d), weekday_cn(d))
}

/// An error page inside the frame (server faults are logged, not shown).
pub(super) fn fail(frame: Frame, e: DisclosureError) -> Response {
    PageError {
        error: e,
        layout: frame.nav("staff"),
        status: None,
    }
    .into_response()
}

fn forbidden(frame: Frame, message: impl Into<String>) -> Response {
    PageError {
        error: DisclosureError::invalid("forbidden", message.into()),
        layout: frame.nav("staff"),
        status: Some(StatusCode::FORBIDDEN),
    }
    .into_response()
}

fn path_id(raw: &str) -> Result<i64> {
    raw.parse::<i64>().map_err(|_| {
        DisclosureError::NotFound(format!(
            "信息“{}”不存在",
            yangguang_kernel::text::clip(raw, 20)
        ))
    })
}

/// A refused form: its key (also the anchor of the message), the message
/// and the status.
pub struct Failure {
    pub key: String,
    pub message: String,
    pub status: StatusCode,
}

impl Failure {
    fn of(key: &str, e: &DisclosureError) -> Failure {
        Failure {
            key: key.to_string(),
            message: e.to_string(),
            status: status_of(e),
        }
    }

    fn forbidden(key: &str, message: String) -> Failure {
        Failure {
            key: key.to_string(),
            message,
            status: StatusCode::FORBIDDEN,
        }
    }
}

/// ` aria-describedby=… aria-invalid=…` for the inputs of the refused form
/// (keys are fixed words, never user input).
fn aria(err_key: &str, key: &str) -> String {
    if !err_key.is_empty() && err_key == key {
        format!(" aria-describedby=\"{key}-error\" aria-invalid=\"true\"")
    } else {
        String::new()
    }
}

/// username → "显示名（username）".
pub(super) async fn names(k: &Kernel) -> Result<HashMap<String, String>> {
    Ok(org_store::list_users(k)
        .await?
        .into_iter()
        .map(|u| {
            let shown = format!("{}（{}）", u.display_name, u.username);
            (u.username, shown)
        })
        .collect())
}

pub(super) fn name_of(names: &HashMap<String, String>, username: &str) -> String {
    names
        .get(username)
        .cloned()
        .unwrap_or_else(|| username.to_string())
}

/// The Art 26 deadline as shown: label, colour, due date.
pub struct Due {
    pub label: String,
    /// `red` overdue, `amber` within three working days, `green` otherwise.
    pub class: &'static str,
    pub due: String,
}

fn due_of(t: &Timeliness) -> Due {
    let class = if t.overdue() {
        "red"
    } else if t.near_due() {
        "amber"
    } else {
        "green"
    };
    let mut label = t.label();
    if t.provisional {
        label.push_str("（暂定）");
    }
    Due {
        label,
        class,
        due: fmt_date(t.due),
    }
}

/// The deadline applies while the item is not yet out (or is being
/// changed) and is to be disclosed proactively.
fn pending_due(k: &Kernel, it: &Item, today: Date) -> Option<Due> {
    let open = matches!(
        it.status,
        Status::Draft | Status::Submitted | Status::Reviewed | Status::Cleared
    );
    (open && it.draft.attribute == Attribute::Proactive)
        .then(|| due_of(&rules::timeliness(&k.calendar(), it.since_on, today)))
}

// ---- the workbench's rows (called from /staff/) ----------------------------

/// One line of a 待办 list.
pub struct TodoRow {
    pub id: i64,
    pub index_no: String,
    pub title: String,
    pub url: String,
    pub status: &'static str,
    /// The absent A holder this person acts for (shown "B岗代X").
    pub acting_for: Option<String>,
    pub due: Option<Due>,
}

/// This person's disclosure 待办 today: own drafts and the steps on posts
/// they act for (A, or B while A is away).
pub async fn todo_rows(
    k: &Kernel,
    user_id: i64,
    username: &str,
    today: Date,
) -> Result<Vec<TodoRow>> {
    let rows = store::inbox(k, user_id, username, today).await?;
    let names = names(k).await?;
    Ok(rows
        .into_iter()
        .map(|r| TodoRow {
            id: r.id,
            url: format!("/staff/disclosure/{}", r.id),
            index_no: r.index_no,
            title: r.title,
            status: r.status.label(),
            acting_for: r.acting_for.map(|a| name_of(&names, &a)),
            due: r.timeliness.as_ref().map(due_of),
        })
        .collect())
}

/// For the staff workbench `/staff/`: (title, url, status label, the
/// absent A holder acted for, Art 26 timeliness label) of each 待办.
pub async fn workbench_rows(
    k: &Kernel,
    user_id: i64,
    username: &str,
    today: Date,
) -> Result<Vec<(String, String, String, Option<String>, Option<String>)>> {
    Ok(todo_rows(k, user_id, username, today)
        .await?
        .into_iter()
        .map(|r| {
            (
                r.title,
                r.url,
                r.status.to_string(),
                r.acting_for,
                r.due.map(|d| d.label),
            )
        })
        .collect())
}

// ---- /staff/disclosure -------------------------------------------------------

pub struct ListRow {
    pub id: i64,
    pub index_no: String,
    pub title: String,
    pub status: &'static str,
    pub author: String,
    pub version: i64,
    pub due: Option<Due>,
}

#[derive(askama::Template)]
#[template(path = "staff_disclosure.html")]
struct IndexPage {
    layout: Layout,
    today: String,
    can_draft: bool,
    manage: bool,
    todo: Vec<TodoRow>,
    mine: Vec<ListRow>,
    all: Vec<ListRow>,
    status: String,
    statuses: Vec<(&'static str, &'static str)>,
    warnings: Vec<ListRow>,
    regular_on: String,
    regular_what: String,
    regular_days: i64,
}

#[derive(Debug, Default, Deserialize)]
struct IndexQuery {
    #[serde(default)]
    status: String,
}

const ALL_STATUSES: [Status; 6] = [
    Status::Draft,
    Status::Submitted,
    Status::Reviewed,
    Status::Cleared,
    Status::Published,
    Status::Withdrawn,
];

async fn index(State(st): State<AppState>, frame: Frame, Query(q): Query<IndexQuery>) -> Response {
    let Some(me) = me(&frame) else {
        return StatusCode::FORBIDDEN.into_response();
    };
    let k = &st.kernel;
    let today = today();
    let r: Result<IndexPage> = async {
        let names = names(k).await?;
        let row = |it: &Item| ListRow {
            id: it.id,
            index_no: it.index_no.clone(),
            title: it.draft.title.clone(),
            status: it.status.label(),
            author: name_of(&names, &it.created_by),
            version: it.published_version,
            due: pending_due(k, it, today),
        };
        let todo = todo_rows(k, me.user_id, &me.username, today).await?;
        let mine = store::items_created_by(k, &me.username, 200)
            .await?
            .iter()
            .map(row)
            .collect();
        let status = Status::parse(q.status.trim());
        let (all, warnings) = if me.manage {
            let wanted: Vec<Status> = match status {
                Some(s) => vec![s],
                None => ALL_STATUSES.to_vec(),
            };
            let all = store::items_in(k, &wanted, 200)
                .await?
                .iter()
                .map(row)
                .collect();
            let warnings = store::timeliness_list(k, today)
                .await?
                .into_iter()
                .filter(|(_, t)| t.overdue() || t.near_due())
                .map(|(it, t)| ListRow {
                    due: Some(due_of(&t)),
                    ..row(&it)
                })
                .collect();
            (all, warnings)
        } else {
            (Vec::new(), Vec::new())
        };
        let (on, what) = rules::next_regular_disclosure(today);
        Ok(IndexPage {
            layout: Layout::default(),
            today: today_label(today),
            can_draft: me.draft,
            manage: me.manage,
            todo,
            mine,
            all,
            status: status.map(|s| s.code().to_string()).unwrap_or_default(),
            statuses: ALL_STATUSES.iter().map(|s| (s.code(), s.label())).collect(),
            warnings,
            regular_on: fmt_date_cn(on),
            regular_what: what,
            regular_days: (on - today).whole_days(),
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

// ---- the item form -----------------------------------------------------------

pub struct CategoryOption {
    pub code: String,
    pub label: String,
}

#[derive(askama::Template)]
#[template(path = "staff_disclosure_form.html")]
struct FormPage {
    layout: Layout,
    /// (id, 索引号) when editing an existing draft.
    editing: Option<(i64, String)>,
    error: Option<String>,
    v: Fields,
    categories: Vec<CategoryOption>,
    genres: Vec<String>,
    grounds: Vec<(&'static str, &'static str)>,
    validities: Vec<(&'static str, &'static str)>,
    attributes: Vec<(&'static str, &'static str)>,
    /// Published items an interpretation may refer to: (id, label).
    published: Vec<(String, String)>,
}

impl FormPage {
    fn action(&self) -> String {
        match &self.editing {
            Some((id, _)) => format!("/staff/disclosure/{id}/edit"),
            None => "/staff/disclosure/new".to_string(),
        }
    }

    fn aria(&self) -> String {
        if self.error.is_some() {
            " aria-describedby=\"form-error\" aria-invalid=\"true\"".to_string()
        } else {
            String::new()
        }
    }
}

fn fields_of(d: &Draft) -> Fields {
    let pairs: Vec<(&str, String)> = vec![
        ("title", d.title.clone()),
        ("summary", d.summary.clone()),
        ("category", d.category_code.clone()),
        ("genre", d.genre.clone()),
        ("publisher", d.publisher.clone()),
        ("written_on", fmt_date(d.written_on)),
        ("doc_no", d.doc_no.clone()),
        ("keywords", d.keywords.clone()),
        ("validity", d.validity.code().to_string()),
        ("attribute", d.attribute.code().to_string()),
        ("ground", d.ground.clone().unwrap_or_default()),
        ("body", d.body_html.clone()),
        (
            "interprets",
            d.interprets_id.map(|i| i.to_string()).unwrap_or_default(),
        ),
    ];
    Fields(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

async fn show_form(
    st: &AppState,
    frame: Frame,
    editing: Option<(i64, String)>,
    error: Option<DisclosureError>,
    v: Fields,
) -> Response {
    let k = &st.kernel;
    let loaded: Result<(Vec<store::Category>, Vec<Item>)> = async {
        Ok((
            store::categories(k).await?,
            // Anything with a current public version (also while a new
            // version is being prepared).
            store::items_in(
                k,
                &[
                    Status::Published,
                    Status::Draft,
                    Status::Submitted,
                    Status::Reviewed,
                    Status::Cleared,
                ],
                1000,
            )
            .await?,
        ))
    }
    .await;
    let (cats, published) = match loaded {
        Ok(x) => x,
        Err(e) => return fail(frame, e),
    };
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    let mut genres: Vec<String> = GENRES.iter().map(|g| g.to_string()).collect();
    let current = v.get("genre").trim().to_string();
    if !current.is_empty() && !genres.contains(&current) {
        genres.push(current);
    }
    let self_id = editing.as_ref().map(|(id, _)| *id);
    let page = FormPage {
        layout: frame.nav("staff"),
        editing,
        error: error.map(|e| e.to_string()),
        v,
        categories: cats
            .iter()
            .map(|c| CategoryOption {
                code: c.code.clone(),
                label: match &c.parent {
                    Some(_) => format!("\u{3000}└ {}", c.name),
                    None => c.name.clone(),
                },
            })
            .collect(),
        genres,
        grounds: GROUNDS.to_vec(),
        validities: [Validity::Valid, Validity::Expired, Validity::Repealed]
            .iter()
            .map(|v| (v.code(), v.label()))
            .collect(),
        attributes: [
            Attribute::Proactive,
            Attribute::OnRequest,
            Attribute::NotDisclosed,
        ]
        .iter()
        .map(|a| (a.code(), a.label()))
        .collect(),
        published: published
            .iter()
            .filter(|it| {
                Some(it.id) != self_id && it.published_version > 0 && it.withdrawn_at.is_none()
            })
            .map(|it| {
                (
                    it.id.to_string(),
                    format!("{}（{}）", it.draft.title, it.index_no),
                )
            })
            .collect(),
    };
    render(status, &page)
}

async fn new_form(State(st): State<AppState>, frame: Frame) -> Response {
    let today = today();
    let publisher = frame.layout.site.agency_name.clone();
    let v = Fields(vec![
        ("publisher".into(), publisher),
        ("written_on".into(), fmt_date(today)),
        ("validity".into(), Validity::Valid.code().into()),
        ("attribute".into(), Attribute::Proactive.code().into()),
    ]);
    show_form(&st, frame, None, None, v).await
}

/// Parses the form and checks what the form alone cannot: the document
/// interpreted must be a published, current item other than this one.
async fn parse_form(k: &Kernel, f: &Fields, today: Date, self_id: Option<i64>) -> Result<Draft> {
    let codes: Vec<String> = store::categories(k)
        .await?
        .into_iter()
        .map(|c| c.code)
        .collect();
    let d = Draft::parse(|n| f.get(n).to_string(), today, &codes)?;
    if let Some(doc) = d.interprets_id {
        let bad = || {
            DisclosureError::invalid(
                "invalid_link",
                "所解读的文件不存在或尚未发布，请从列表中选择已发布的文件",
            )
        };
        if Some(doc) == self_id {
            return Err(bad());
        }
        let target = match store::item(k, doc).await {
            Ok(t) => t,
            Err(DisclosureError::NotFound(_)) => return Err(bad()),
            Err(e) => return Err(e),
        };
        if target.published_version == 0 || target.withdrawn_at.is_some() {
            return Err(bad());
        }
    }
    Ok(d)
}

async fn create(State(st): State<AppState>, frame: Frame, f: Fields) -> Response {
    let Some(me) = me(&frame) else {
        return StatusCode::FORBIDDEN.into_response();
    };
    let k = &st.kernel;
    let now = timefmt::now();
    let r = async {
        let d = parse_form(k, &f, today_cst(now), None).await?;
        let division = store::user_division(k, me.user_id).await?;
        store::create(k, &Actor::user(&me.username), now, division, &d).await
    }
    .await;
    match r {
        Ok(id) => Redirect::to(&format!("/staff/disclosure/{id}?done=create")).into_response(),
        Err(e) if e.is_client_error() => show_form(&st, frame, None, Some(e), f).await,
        Err(e) => fail(frame, e),
    }
}

/// The draft an editor may change: the author's or (office) anyone's,
/// while it is 采编中.
async fn editable(k: &Kernel, me: &Me, raw: &str) -> Result<std::result::Result<Item, String>> {
    let it = store::item(k, path_id(raw)?).await?;
    if it.created_by != me.username && !me.manage {
        return Ok(Err("只有起草人或办公室可以修改该信息的采编稿。".to_string()));
    }
    if it.status != Status::Draft {
        return Err(DisclosureError::Conflict(format!(
            "当前状态为“{}”，只有采编中的信息可以修改{}",
            it.status.label(),
            if it.status == Status::Published {
                "；修改已发布的信息，请在信息页面点击“修改已发布信息”"
            } else {
                "；如需修改，请由当前办理人退回"
            }
        )));
    }
    Ok(Ok(it))
}

async fn edit_form(State(st): State<AppState>, frame: Frame, Path(raw): Path<String>) -> Response {
    let Some(me) = me(&frame) else {
        return StatusCode::FORBIDDEN.into_response();
    };
    match editable(&st.kernel, &me, &raw).await {
        Ok(Ok(it)) => {
            let v = fields_of(&it.draft);
            show_form(&st, frame, Some((it.id, it.index_no)), None, v).await
        }
        Ok(Err(msg)) => forbidden(frame, msg),
        Err(e) => fail(frame, e),
    }
}

async fn edit_save(
    State(st): State<AppState>,
    frame: Frame,
    Path(raw): Path<String>,
    f: Fields,
) -> Response {
    let Some(me) = me(&frame) else {
        return StatusCode::FORBIDDEN.into_response();
    };
    let k = &st.kernel;
    let it = match editable(k, &me, &raw).await {
        Ok(Ok(it)) => it,
        Ok(Err(msg)) => return forbidden(frame, msg),
        Err(e) => return fail(frame, e),
    };
    let now = timefmt::now();
    let r = async {
        let d = parse_form(k, &f, today_cst(now), Some(it.id)).await?;
        store::update(k, &Actor::user(&me.username), now, it.id, &d).await
    }
    .await;
    match r {
        Ok(()) => Redirect::to(&format!("/staff/disclosure/{}?done=edit", it.id)).into_response(),
        Err(e) if e.is_client_error() => {
            show_form(&st, frame, Some((it.id, it.index_no)), Some(e), f).await
        }
        Err(e) => fail(frame, e),
    }
}

// ---- the item page -------------------------------------------------------------

pub struct StepView {
    pub action: String,
    pub who: String,
    pub acting_for: Option<String>,
    pub at: String,
    pub status: String,
    pub reason: Option<String>,
    pub detail: Option<String>,
}

/// What this person may do now.
#[derive(Default)]
pub struct Can {
    pub edit: bool,
    pub submit: bool,
    pub review: bool,
    pub secrecy: bool,
    pub publish: bool,
    pub ret: bool,
    pub revise: bool,
    pub withdraw: bool,
    pub validity: bool,
    /// The absent A holder this person acts for.
    pub acting_for: Option<String>,
}

impl Can {
    fn any(&self) -> bool {
        self.edit
            || self.submit
            || self.review
            || self.secrecy
            || self.publish
            || self.ret
            || self.revise
            || self.withdraw
            || self.validity
    }
}

#[derive(askama::Template)]
#[template(path = "staff_disclosure_item.html")]
struct ItemPage {
    layout: Layout,
    notice: Option<&'static str>,
    error: Option<Failure>,
    posted: Fields,
    it: Item,
    status: &'static str,
    /// A version is public and this working copy is its next version.
    revising: bool,
    category: String,
    ground: String,
    author: String,
    body: String,
    /// The attachments panel (HTML from `files`).
    attachments: String,
    interprets: Option<(i64, String)>,
    due: Option<Due>,
    withdrawn: Option<(String, String)>,
    validity_note: Option<(String, String)>,
    next: Option<String>,
    steps: Vec<StepView>,
    can: Can,
    checks: Vec<(&'static str, &'static str)>,
    validities: Vec<(&'static str, &'static str)>,
}

impl ItemPage {
    fn err_key(&self) -> &str {
        self.error
            .as_ref()
            .map(|e| e.key.as_str())
            .unwrap_or_default()
    }

    fn err_msg(&self) -> &str {
        self.error
            .as_ref()
            .map(|e| e.message.as_str())
            .unwrap_or_default()
    }

    fn aria(&self, key: &str) -> String {
        aria(self.err_key(), key)
    }

    /// The refused form's value of `name` (kept so nothing typed is lost).
    fn kept(&self, key: &str, name: &str) -> &str {
        if self.err_key() == key {
            self.posted.get(name)
        } else {
            ""
        }
    }

    fn checked(&self, code: &str) -> bool {
        self.err_key() == "secrecy" && self.posted.all("check").contains(&code)
    }
}

fn notice(done: &str) -> Option<&'static str> {
    Some(match done {
        "create" => "采编稿已保存。检查无误后请点击“报送”，报送后由处室负责人审核。",
        "edit" => "修改已保存。",
        "submit" => "已报送，等待处室负责人审核。",
        "review" => "审核通过，已转保密审查。",
        "secrecy" => "保密审查通过，已转发布岗位。",
        "publish" => "已发布，公众可在网站“政府信息公开”专栏查看。",
        "return" => "已退回起草人修改，退回理由已记录。",
        "revise" => "已生成新版本的采编稿。修改后重新报送；新版本发布前，网站上仍显示现行版本。",
        "withdraw" => "已撤销。原信息页面保留，并公开撤销时间和理由。",
        "validity" => "有效性已变更，变更理由将在信息页面公开。",
        _ => return None,
    })
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct Done {
    #[serde(default)]
    pub(super) done: String,
}

fn step_label(code: &str) -> &str {
    match code {
        "create" => "起草（采编）",
        "edit" => "修改采编稿",
        "submit" => "报送",
        "review" => "审核通过",
        "secrecy" => "保密审查通过",
        "publish" => "发布",
        "return" => "退回修改",
        "revise" => "修改已发布信息",
        "withdraw" => "撤销",
        "validity" => "变更有效性",
        other => other,
    }
}

fn step_detail(action: &str, detail: &serde_json::Value) -> Option<String> {
    match action {
        "secrecy" => {
            let confirmed: Vec<&str> = detail["checklist"]
                .as_array()
                .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
                .unwrap_or_default();
            let labels: Vec<&str> = SECRECY_CHECKS
                .iter()
                .filter(|(c, _)| confirmed.contains(c))
                .map(|(_, l)| *l)
                .collect();
            Some(format!("逐项确认：{}", labels.join("；")))
        }
        "publish" => detail["change_note"]
            .as_str()
            .filter(|s| !s.trim().is_empty())
            .map(|s| format!("变更说明：{s}")),
        "validity" => detail["validity"]
            .as_str()
            .map(|v| format!("有效性改为“{v}”")),
        _ => None,
    }
}

/// Who may see an item's working copy: the office, the author, whoever
/// acted on it or may act now, and the holders of its duty posts.
async fn may_view(k: &Kernel, me: &Me, it: &Item, today: Date) -> Result<bool> {
    if me.manage || it.created_by == me.username {
        return Ok(true);
    }
    if store::actor_for_step(k, it, me.user_id, &me.username, false, today)
        .await?
        .is_some()
    {
        return Ok(true);
    }
    let acted = store::steps(k, it.id)
        .await?
        .iter()
        .any(|s| s.actor == me.username || s.acting_for.as_deref() == Some(me.username.as_str()));
    if acted {
        return Ok(true);
    }
    let review = crate::model::Duty::Review.code();
    Ok(org_store::posts_on(k, today).await?.iter().any(|p| {
        p.duty.starts_with("disclosure.")
            && (p.post.a_user_id == me.user_id || p.post.b_user_id == Some(me.user_id))
            && (p.duty != review || p.division_id.is_none() || p.division_id == it.division_id)
    }))
}

/// Who acts next, as shown on the item page.
async fn next_step(
    k: &Kernel,
    it: &Item,
    today: Date,
    names: &HashMap<String, String>,
) -> Result<Option<String>> {
    let Some(duty) = it.status.next_duty() else {
        return Ok(match it.status {
            Status::Draft => Some(format!(
                "由起草人{}修改完善后报送",
                name_of(names, &it.created_by)
            )),
            _ => None,
        });
    };
    let by_id: HashMap<i64, String> = org_store::list_users(k)
        .await?
        .into_iter()
        .map(|u| (u.id, format!("{}（{}）", u.display_name, u.username)))
        .collect();
    Ok(Some(
        match org_store::duty_post(k, duty.code(), it.division_id, today).await? {
            Some(p) => {
                let who = match &p.acting {
                    Acting::Primary { user_id } => by_id.get(user_id).cloned().unwrap_or_default(),
                    Acting::Backup {
                        user_id,
                        for_user_id,
                    } => format!(
                        "{}（B岗代{}）",
                        by_id.get(user_id).cloned().unwrap_or_default(),
                        by_id.get(for_user_id).cloned().unwrap_or_default()
                    ),
                    Acting::Nobody { .. } => "今日无人在岗，请办公室安排代岗".to_string(),
                };
                format!("{}（{}），今日办理人：{who}", duty.label(), p.post.name)
            }
            None => format!("{}（未设置岗位，由办公室办理）", duty.label()),
        },
    ))
}

async fn what_i_can(k: &Kernel, me: &Me, it: &Item, today: Date) -> Result<Can> {
    let mut can = Can::default();
    let actor = store::actor_for_step(k, it, me.user_id, &me.username, me.manage, today).await?;
    if let Some(a) = &actor {
        // Shown as a person's name (刘洋), not the account name.
        if let Some(for_user) = &a.acting_for {
            can.acting_for = Some(name_of(&names(k).await?, for_user));
        }
        match it.status {
            Status::Draft => {
                can.edit = true;
                can.submit = true;
            }
            Status::Submitted => {
                can.review = true;
                can.ret = true;
            }
            Status::Reviewed => {
                can.secrecy = true;
                can.ret = true;
            }
            Status::Cleared => {
                can.publish = true;
                can.ret = true;
            }
            Status::Published | Status::Withdrawn => {}
        }
    }
    if it.status == Status::Published {
        can.revise = me.manage || it.created_by == me.username;
        can.withdraw = me.manage;
        can.validity = me.manage;
    }
    Ok(can)
}

async fn show_item(
    st: &AppState,
    frame: Frame,
    raw: &str,
    notice: Option<&'static str>,
    error: Option<Failure>,
    posted: Fields,
) -> Response {
    let Some(me) = me(&frame) else {
        return StatusCode::FORBIDDEN.into_response();
    };
    let k = &st.kernel;
    let today = today();
    let csrf = frame.viewer.csrf.clone();
    // A refusal shown to someone who may not see the item: its message
    // alone.
    let refusal = error.as_ref().map(|e| e.message.clone());
    let r: Result<Option<ItemPage>> = async {
        let it = store::item(k, path_id(raw)?).await?;
        if !may_view(k, &me, &it, today).await? {
            return Ok(None);
        }
        let may_edit = it.created_by == me.username || me.manage;
        let attachments = super::files::panel(k, &it, &csrf, may_edit).await?.html();
        let names = names(k).await?;
        let cats = store::categories(k).await?;
        let category = cats
            .iter()
            .find(|c| c.code == it.draft.category_code)
            .map(|c| c.name.clone())
            .unwrap_or_else(|| it.draft.category_code.clone());
        let ground = it
            .draft
            .ground
            .as_deref()
            .and_then(|g| GROUNDS.iter().find(|(c, _)| *c == g))
            .map(|(_, l)| l.to_string())
            .unwrap_or_default();
        let interprets = match it.draft.interprets_id {
            Some(doc) => match store::item(k, doc).await {
                Ok(d) => Some((d.id, d.draft.title)),
                Err(DisclosureError::NotFound(_)) => None,
                Err(e) => return Err(e),
            },
            None => None,
        };
        let steps = store::timeline(k, it.id)
            .await?
            .into_iter()
            .map(|(s, detail)| StepView {
                action: step_label(&s.action).to_string(),
                who: name_of(&names, &s.actor),
                acting_for: s.acting_for.as_deref().map(|a| name_of(&names, a)),
                at: parse_rfc3339(&s.at)
                    .map(fmt_instant_cst)
                    .unwrap_or_else(|_| s.at.clone()),
                status: if s.from == s.to {
                    s.to.label().to_string()
                } else {
                    format!("{} → {}", s.from.label(), s.to.label())
                },
                detail: step_detail(&s.action, &detail),
                reason: s.reason,
            })
            .collect();
        let withdrawn = it.withdrawn_at.as_ref().map(|at| {
            (
                parse_rfc3339(at)
                    .map(fmt_instant_cst)
                    .unwrap_or_else(|_| at.clone()),
                it.withdrawn_reason.clone().unwrap_or_default(),
            )
        });
        let can = what_i_can(k, &me, &it, today).await?;
        Ok(Some(ItemPage {
            layout: Layout::default(),
            notice,
            error,
            posted,
            status: it.status.label(),
            revising: it.published_version > 0
                && !matches!(it.status, Status::Published | Status::Withdrawn),
            category,
            ground,
            author: name_of(&names, &it.created_by),
            // Sanitised when saved; sanitised again here, cheaply, so a
            // row written by any other path cannot run on a staff page.
            body: text::sanitize(&it.draft.body_html),
            attachments,
            interprets,
            due: pending_due(k, &it, today),
            withdrawn,
            validity_note: store::validity_note(k, it.id).await?,
            next: next_step(k, &it, today, &names).await?,
            steps,
            can,
            checks: SECRECY_CHECKS.to_vec(),
            validities: [Validity::Valid, Validity::Expired, Validity::Repealed]
                .iter()
                .map(|v| (v.code(), v.label()))
                .collect(),
            it,
        }))
    }
    .await;
    match r {
        Ok(Some(mut p)) => {
            let status = p.error.as_ref().map(|e| e.status).unwrap_or(StatusCode::OK);
            p.layout = frame.nav("staff");
            render(status, &p)
        }
        Ok(None) => forbidden(
            frame,
            refusal.unwrap_or_else(|| {
                "您不是该信息的起草人、经办人或相关岗位人员，不能查看该信息。".to_string()
            }),
        ),
        Err(e) => fail(frame, e),
    }
}

async fn item_page(
    State(st): State<AppState>,
    frame: Frame,
    Path(raw): Path<String>,
    Query(q): Query<Done>,
) -> Response {
    show_item(&st, frame, &raw, notice(&q.done), None, Fields::default()).await
}

// ---- steps -----------------------------------------------------------------------

/// What the form asks for.
enum Step {
    Pipeline(Action),
    Validity(Validity, String),
}

const STEP_KEYS: [&str; 8] = [
    "submit", "review", "secrecy", "publish", "return", "revise", "withdraw", "validity",
];

/// A reason or note: required or not, at most 500 characters.
fn note(label: &str, raw: &str) -> Result<String> {
    let v = raw.trim().replace("\r\n", "\n");
    let n = v.chars().count();
    if n > 500 {
        return Err(DisclosureError::invalid(
            "field_too_long",
            format!("{label}过长：最多 500 个字，现有 {n} 个字"),
        ));
    }
    if v.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(DisclosureError::invalid(
            "invalid_characters",
            format!("{label}含有不可见的控制字符，请删除后重试"),
        ));
    }
    Ok(v)
}

fn parse_step(f: &Fields) -> Result<Step> {
    Ok(match f.get("action").trim() {
        "submit" => Step::Pipeline(Action::Submit),
        "review" => Step::Pipeline(Action::Approve),
        "secrecy" => Step::Pipeline(Action::Clear {
            confirmed: f.all("check").iter().map(|c| c.to_string()).collect(),
        }),
        "publish" => {
            let n = note("变更说明", f.get("change_note"))?;
            Step::Pipeline(Action::Publish {
                change_note: Some(n).filter(|n| !n.is_empty()),
            })
        }
        "return" => Step::Pipeline(Action::Return {
            reason: note("退回理由", f.get("reason"))?,
        }),
        "revise" => Step::Pipeline(Action::Revise),
        "withdraw" => Step::Pipeline(Action::Withdraw {
            reason: note("撤销理由", f.get("reason"))?,
        }),
        "validity" => {
            let v = Validity::parse(f.get("validity").trim())
                .ok_or_else(|| DisclosureError::invalid("missing_field", "请选择有效性"))?;
            Step::Validity(v, note("变更理由", f.get("reason"))?)
        }
        _ => {
            return Err(DisclosureError::invalid(
                "unknown_action",
                "无法识别的操作，请刷新页面后重试",
            ));
        }
    })
}

/// Why this person may not take the step now (a Chinese sentence).
async fn not_your_turn(k: &Kernel, it: &Item, today: Date) -> Result<String> {
    Ok(match it.status.next_duty() {
        Some(duty) => {
            let post = org_store::duty_post(k, duty.code(), it.division_id, today).await?;
            let nobody = post
                .as_ref()
                .is_some_and(|p| matches!(p.acting, Acting::Nobody { .. }));
            let post = post
                .map(|p| format!("“{}”岗位", p.post.name))
                .unwrap_or_else(|| "办公室".to_string());
            format!(
                "该信息当前为“{}”，下一步“{}”应由{}今日在岗人员办理，您不能办理此步骤。{}",
                it.status.label(),
                duty.label(),
                post,
                if nobody {
                    "该岗位今日A岗、B岗均不在岗，请办公室安排代岗人员。"
                } else {
                    ""
                }
            )
        }
        None if it.status == Status::Draft => {
            "该信息处于采编中，只有起草人或办公室可以修改和报送。".to_string()
        }
        None => format!(
            "该信息当前为“{}”，只有办公室可以办理此操作。",
            it.status.label()
        ),
    })
}

async fn step(
    State(st): State<AppState>,
    frame: Frame,
    Path(raw): Path<String>,
    f: Fields,
) -> Response {
    let Some(me) = me(&frame) else {
        return StatusCode::FORBIDDEN.into_response();
    };
    let k = &st.kernel;
    let now = timefmt::now();
    let today = today_cst(now);
    let it = match path_id(&raw) {
        Ok(id) => match store::item(k, id).await {
            Ok(it) => it,
            Err(e) => return fail(frame, e),
        },
        Err(e) => return fail(frame, e),
    };
    let asked = f.get("action").trim();
    let key = STEP_KEYS
        .iter()
        .find(|k| **k == asked)
        .copied()
        .unwrap_or("action");
    // Decide who acts (or refuse with 403), then take the step.
    let decided: Result<std::result::Result<(Actor, Step), String>> = async {
        let s = parse_step(&f)?;
        let actor = match &s {
            Step::Pipeline(Action::Withdraw { .. }) | Step::Validity(..) => {
                me.manage.then(|| Actor::user(&me.username)).ok_or_else(|| {
                    "只有办公室（主动公开管理）可以撤销已发布信息或变更其有效性。".to_string()
                })
            }
            Step::Pipeline(Action::Revise) => (me.manage || it.created_by == me.username)
                .then(|| Actor::user(&me.username))
                .ok_or_else(|| "只有起草人或办公室可以修改已发布信息。".to_string()),
            Step::Pipeline(_) => {
                match store::actor_for_step(k, &it, me.user_id, &me.username, me.manage, today)
                    .await?
                {
                    Some(a) => Ok(a),
                    None => Err(not_your_turn(k, &it, today).await?),
                }
            }
        };
        Ok(actor.map(|a| (a, s)))
    }
    .await;
    let failure = match decided {
        Ok(Ok((actor, s))) => {
            let r = match &s {
                Step::Pipeline(a) => store::act(k, &actor, now, it.id, a, None).await.map(|_| ()),
                Step::Validity(v, reason) => {
                    store::set_validity(k, &actor, now, it.id, *v, reason).await
                }
            };
            match r {
                Ok(()) => {
                    return Redirect::to(&format!("/staff/disclosure/{}?done={key}", it.id))
                        .into_response();
                }
                Err(e) if e.is_client_error() => Failure::of(key, &e),
                Err(e) => return fail(frame, e),
            }
        }
        Ok(Err(msg)) => {
            tracing::info!(user = %me.username, item = it.id, action = asked, "disclosure step refused: not this person's turn");
            Failure::forbidden(key, msg)
        }
        Err(e) if e.is_client_error() => Failure::of(key, &e),
        Err(e) => return fail(frame, e),
    };
    show_item(&st, frame, &raw, None, Some(failure), f).await
}
