//! Attachments: upload and removal on a draft (采编) by its author or the
//! office, the staff download for whoever may see the working copy, and
//! the public download of the attachments of an item's current published
//! version — nothing else is ever served to the public.
//!
//! An upload is checked by its content (`attach::check`) before anything
//! is written; the file, its row with the extracted text and the audit
//! entry are written in one transaction. A refusal is a Chinese page
//! (400, 409 or 413) and writes nothing.

use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use sqlx::Row;
use time::Date;
use yangguang_kernel::audit::{self, Actor, Event, Outcome};
use yangguang_kernel::db::{query, query_scalar};
use yangguang_kernel::perm::Permission;
use yangguang_kernel::timefmt::{self, fmt_instant_cst, parse_rfc3339, rfc3339, today_cst};
use yangguang_kernel::{Kernel, files, org_store};
use yangguang_webcore::AppState;
use yangguang_webcore::access::{Access, Route};
use yangguang_webcore::error::PageError;
use yangguang_webcore::layout::Frame;

use crate::DisclosureError;
use crate::attach::{self, Kind};
use crate::model::Status;
use crate::store::{self, Item};

type Result<T> = std::result::Result<T, DisclosureError>;

/// The most attachments one item may carry at a time.
pub const MAX_PER_ITEM: i64 = 50;

/// What the multipart extractor may read: the file and the form around
/// it (the session layer has already bounded the body to the same).
const UPLOAD_BODY_LIMIT: usize = 25 * 1024 * 1024;

pub fn routes() -> Vec<Route> {
    let draft = Access::Perm(Permission::DisclosureDraft);
    vec![
        Route::post(
            "/staff/disclosure/{id}/attachments",
            draft,
            post(upload).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        ),
        Route::post(
            "/staff/disclosure/{id}/attachments/{aid}/remove",
            draft,
            post(remove),
        ),
        Route::get(
            "/staff/disclosure/{id}/attachments/{aid}",
            Access::Perm(Permission::Workbench),
            get(staff_file),
        ),
        Route::get("/xxgk/file/{aid}", Access::Public, get(public_file)),
    ]
}

// ---- pages for refusals --------------------------------------------------------

fn fail(frame: Frame, nav: &'static str, e: DisclosureError) -> Response {
    let status = match &e {
        DisclosureError::Invalid { code, .. } if *code == attach::TOO_LARGE => {
            Some(StatusCode::PAYLOAD_TOO_LARGE)
        }
        DisclosureError::Invalid { code, .. } if *code == "forbidden" => {
            Some(StatusCode::FORBIDDEN)
        }
        _ => None,
    };
    PageError {
        error: e,
        layout: frame.nav(nav),
        status,
    }
    .into_response()
}

fn forbidden(message: &str) -> DisclosureError {
    DisclosureError::invalid("forbidden", message)
}

/// The one 404 of the public download: unknown, never published, not in
/// the current version, withdrawn — all read the same.
fn public_not_found(frame: Frame) -> Response {
    PageError {
        error: DisclosureError::NotFound("您要下载的附件不存在或已不再公开。".into()),
        layout: frame.nav("xxgk"),
        status: None,
    }
    .into_response()
}

fn path_id(raw: &str, what: &str) -> Result<i64> {
    raw.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| DisclosureError::NotFound(format!("{what}不存在")))
}

fn today() -> Date {
    today_cst(timefmt::now())
}

// ---- upload and removal ---------------------------------------------------------

/// The draft whose attachments this person may change: the author's or
/// (office) anyone's, while it is 采编中.
async fn changeable(k: &Kernel, frame: &Frame, raw_id: &str) -> Result<(Item, Actor)> {
    let Some(s) = frame.viewer.user() else {
        return Err(forbidden("请先登录"));
    };
    let it = store::item(k, path_id(raw_id, "信息")?).await?;
    if it.created_by != s.username && !frame.viewer.can(Permission::DisclosureManage) {
        return Err(forbidden("只有起草人或办公室可以修改该信息的附件。"));
    }
    if it.status != Status::Draft {
        return Err(DisclosureError::Conflict(format!(
            "当前状态为“{}”，只有采编中的信息可以修改附件{}",
            it.status.label(),
            if it.status == Status::Published {
                "；修改已发布的信息，请先在信息页面点击“修改已发布信息”"
            } else {
                "；如需修改，请由当前办理人退回"
            }
        )));
    }
    Ok((it, Actor::user(&s.username)))
}

/// The `file` field of the upload form: (file name, bytes).
async fn file_field(
    mp: std::result::Result<Multipart, MultipartRejection>,
) -> Result<(String, Vec<u8>)> {
    let unreadable = || {
        DisclosureError::invalid(
            "attachment_unreadable",
            "无法读取上传的文件，请通过“上传附件”表单重新选择文件后上传",
        )
    };
    let mut mp = mp.map_err(|_| unreadable())?;
    while let Some(field) = mp.next_field().await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            DisclosureError::invalid(
                attach::TOO_LARGE,
                format!("附件过大：最大 {} MB", attach::MAX_BYTES / (1024 * 1024)),
            )
        } else {
            unreadable()
        }
    })? {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or_default().to_string();
        let bytes = field.bytes().await.map_err(|_| unreadable())?;
        if name.is_empty() && bytes.is_empty() {
            break;
        }
        return Ok((name, bytes.to_vec()));
    }
    Err(DisclosureError::invalid(
        "attachment_missing",
        "请选择要上传的附件文件",
    ))
}

async fn upload(
    State(st): State<AppState>,
    frame: Frame,
    Path(raw): Path<String>,
    mp: std::result::Result<Multipart, MultipartRejection>,
) -> Response {
    match add(&st.kernel, &frame, &raw, mp).await {
        Ok(id) => Redirect::to(&format!("/staff/disclosure/{id}")).into_response(),
        Err(e) => fail(frame, "staff", e),
    }
}

async fn add(
    k: &Kernel,
    frame: &Frame,
    raw: &str,
    mp: std::result::Result<Multipart, MultipartRejection>,
) -> Result<i64> {
    let (it, actor) = changeable(k, frame, raw).await?;
    let (name, bytes) = file_field(mp).await?;
    // Checking and text extraction read the whole file: off the runtime.
    let (checked, text, bytes) = tokio::task::spawn_blocking(move || {
        attach::check(&name, &bytes).map(|c| {
            let text = attach::extract_text(c.kind, &bytes);
            (c, text, bytes)
        })
    })
    .await
    .map_err(|e| DisclosureError::Internal(format!("附件检查中断：{e}")))??;
    let now = timefmt::now();
    let mut tx = k.db.begin().await?;
    let be = tx.backend();
    // Still a draft (a concurrent submit makes this fail, not add).
    let n = query(
        be,
        "UPDATE disclosure_items SET updated_at = ? WHERE id = ? AND status = 'draft'",
    )
    .bind(rfc3339(now))
    .bind(it.id)
    .execute(tx.conn())
    .await?
    .rows_affected();
    if n != 1 {
        return Err(DisclosureError::Conflict(
            "该信息刚被他人报送或处理，只有采编中的信息可以修改附件".into(),
        ));
    }
    let hash = files::hash(&bytes);
    let same: Option<String> = query_scalar(
        be,
        "SELECT filename FROM disclosure_attachments WHERE item_id = ? AND file_hash = ? AND removed_at IS NULL",
    )
    .bind(it.id)
    .bind(hash.clone())
    .fetch_optional(tx.conn())
    .await?;
    if let Some(same) = same {
        return Err(DisclosureError::Conflict(format!(
            "这个文件已作为附件“{same}”上传过，无需重复上传"
        )));
    }
    let count: i64 = query_scalar(
        be,
        "SELECT COUNT(*) FROM disclosure_attachments WHERE item_id = ? AND removed_at IS NULL",
    )
    .bind(it.id)
    .fetch_one(tx.conn())
    .await?;
    if count >= MAX_PER_ITEM {
        return Err(DisclosureError::Conflict(format!(
            "每条信息最多 {MAX_PER_ITEM} 个附件，请先删除不需要的附件"
        )));
    }
    let stored = files::put(&mut tx, &k.data_dir, now, &bytes, checked.kind.mime()).await?;
    let aid: i64 = query_scalar(
        be,
        "INSERT INTO disclosure_attachments (item_id, file_hash, filename, mime, size, text_content, created_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(it.id)
    .bind(stored.clone())
    .bind(checked.filename.clone())
    .bind(checked.kind.mime())
    .bind(checked.size as i64)
    .bind(text.clone())
    .bind(rfc3339(now))
    .fetch_one(tx.conn())
    .await?;
    audit::append(
        &mut tx,
        &k.keys,
        now,
        Event {
            actor: &actor,
            event_type: "disclosure.attachment.add",
            object: &format!("disclosure:{}", it.index_no),
            outcome: Outcome::Success,
            detail: serde_json::json!({
                "attachment_id": aid,
                "filename": checked.filename,
                "hash": stored,
                "mime": checked.kind.mime(),
                "size": checked.size,
                "text_chars": text.chars().count(),
            }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(it.id)
}

async fn remove(
    State(st): State<AppState>,
    frame: Frame,
    Path((raw, raw_aid)): Path<(String, String)>,
) -> Response {
    match drop_one(&st.kernel, &frame, &raw, &raw_aid).await {
        Ok(id) => Redirect::to(&format!("/staff/disclosure/{id}")).into_response(),
        Err(e) => fail(frame, "staff", e),
    }
}

/// Marks an attachment removed (the row stays: a published version may
/// still list it). Removing one already removed changes nothing.
async fn drop_one(k: &Kernel, frame: &Frame, raw: &str, raw_aid: &str) -> Result<i64> {
    let (it, actor) = changeable(k, frame, raw).await?;
    let aid = path_id(raw_aid, "附件")?;
    let now = timefmt::now();
    let mut tx = k.db.begin().await?;
    let be = tx.backend();
    let row = query(
        be,
        "SELECT filename, removed_at FROM disclosure_attachments WHERE id = ? AND item_id = ?",
    )
    .bind(aid)
    .bind(it.id)
    .fetch_optional(tx.conn())
    .await?
    .ok_or_else(|| DisclosureError::NotFound("附件不存在".into()))?;
    let filename: String = row.try_get(0)?;
    let removed_at: Option<String> = row.try_get(1)?;
    if removed_at.is_some() {
        return Ok(it.id);
    }
    let n = query(
        be,
        "UPDATE disclosure_items SET updated_at = ? WHERE id = ? AND status = 'draft'",
    )
    .bind(rfc3339(now))
    .bind(it.id)
    .execute(tx.conn())
    .await?
    .rows_affected();
    if n != 1 {
        return Err(DisclosureError::Conflict(
            "该信息刚被他人报送或处理，只有采编中的信息可以修改附件".into(),
        ));
    }
    query(
        be,
        "UPDATE disclosure_attachments SET removed_at = ? WHERE id = ? AND removed_at IS NULL",
    )
    .bind(rfc3339(now))
    .bind(aid)
    .execute(tx.conn())
    .await?;
    audit::success(
        &mut tx,
        &k.keys,
        now,
        &actor,
        "disclosure.attachment.remove",
        &format!("disclosure:{}", it.index_no),
        serde_json::json!({ "attachment_id": aid, "filename": filename }),
    )
    .await?;
    tx.commit().await?;
    Ok(it.id)
}

// ---- downloads ------------------------------------------------------------------

/// A file as a download: its type from its content, never rendered by the
/// browser, the real name in UTF-8.
fn serve(aid: i64, name: &str, bytes: Vec<u8>, cache: &'static str) -> Response {
    let kind = attach::detect(&bytes).ok().flatten();
    let mime = kind.map(Kind::mime).unwrap_or("application/octet-stream");
    let ext = kind.map(Kind::extension).unwrap_or("bin");
    yangguang_webcore::download::serve_file(
        name,
        &format!("attachment-{aid}.{ext}"),
        mime,
        bytes,
        cache,
    )
}

/// Reads a stored file off the runtime (it is hashed on the way).
async fn read_file(k: &Kernel, hash: String) -> Result<Vec<u8>> {
    let dir = k.data_dir.clone();
    tokio::task::spawn_blocking(move || files::get(&dir, &hash))
        .await
        .map_err(|e| DisclosureError::Internal(format!("读取附件中断：{e}")))?
}

async fn public_file(
    State(st): State<AppState>,
    frame: Frame,
    Path(raw): Path<String>,
) -> Response {
    let k = &st.kernel;
    let found: Result<Option<(i64, String, String)>> = async {
        let Ok(aid) = path_id(&raw, "附件") else {
            return Ok(None);
        };
        let item_id: Option<i64> = query_scalar(
            k.db.backend(),
            "SELECT item_id FROM disclosure_attachments WHERE id = ?",
        )
        .bind(aid)
        .fetch_optional(k.db.pool())
        .await?;
        let Some(item_id) = item_id else {
            return Ok(None);
        };
        // Only what the current published version lists (empty when
        // withdrawn; None when never published or not 主动公开).
        let Some(it) = crate::public::item(k, item_id).await? else {
            return Ok(None);
        };
        Ok(it
            .attachments
            .into_iter()
            .find(|a| a.id == aid)
            .map(|a| (a.id, a.name, a.hash)))
    }
    .await;
    match found {
        Ok(Some((aid, name, hash))) => match read_file(k, hash).await {
            Ok(bytes) => serve(aid, &name, bytes, "no-cache"),
            Err(DisclosureError::NotFound(_)) => public_not_found(frame),
            Err(e) => fail(frame, "xxgk", e),
        },
        Ok(None) => public_not_found(frame),
        Err(e) => fail(frame, "xxgk", e),
    }
}

/// Who may open a working copy's attachments: as `staff::may_view` — the
/// office, the author, whoever acted on it or may act now, and the holders
/// of its duty posts.
async fn may_view(k: &Kernel, frame: &Frame, it: &Item, today: Date) -> Result<bool> {
    let Some(s) = frame.viewer.user() else {
        return Ok(false);
    };
    if frame.viewer.can(Permission::DisclosureManage) || it.created_by == s.username {
        return Ok(true);
    }
    if store::actor_for_step(k, it, s.user_id, &s.username, false, today)
        .await?
        .is_some()
    {
        return Ok(true);
    }
    let acted = store::steps(k, it.id)
        .await?
        .iter()
        .any(|st| st.actor == s.username || st.acting_for.as_deref() == Some(s.username.as_str()));
    if acted {
        return Ok(true);
    }
    let review = crate::model::Duty::Review.code();
    Ok(org_store::posts_on(k, today).await?.iter().any(|p| {
        p.duty.starts_with("disclosure.")
            && (p.post.a_user_id == s.user_id || p.post.b_user_id == Some(s.user_id))
            && (p.duty != review || p.division_id.is_none() || p.division_id == it.division_id)
    }))
}

async fn staff_file(
    State(st): State<AppState>,
    frame: Frame,
    Path((raw, raw_aid)): Path<(String, String)>,
) -> Response {
    let k = &st.kernel;
    let r: Result<(i64, String, String)> = async {
        let it = store::item(k, path_id(&raw, "信息")?).await?;
        if !may_view(k, &frame, &it, today()).await? {
            return Err(forbidden(
                "您不是该信息的起草人、经办人或相关岗位人员，不能查看该信息的附件。",
            ));
        }
        let aid = path_id(&raw_aid, "附件")?;
        let row = query(
            k.db.backend(),
            "SELECT filename, file_hash FROM disclosure_attachments WHERE id = ? AND item_id = ?",
        )
        .bind(aid)
        .bind(it.id)
        .fetch_optional(k.db.pool())
        .await?
        .ok_or_else(|| DisclosureError::NotFound("附件不存在".into()))?;
        Ok((aid, row.try_get(0)?, row.try_get(1)?))
    }
    .await;
    match r {
        Ok((aid, name, hash)) => match read_file(k, hash).await {
            Ok(bytes) => serve(aid, &name, bytes, "private, no-store"),
            Err(e) => fail(frame, "staff", e),
        },
        Err(e) => fail(frame, "staff", e),
    }
}

// ---- the attachments panel of the staff item page ------------------------------

/// One current attachment as the staff item page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffAttachment {
    pub id: i64,
    pub name: String,
    /// "PDF", "DOCX", "PNG 图片", …
    pub kind: &'static str,
    /// "34.5 KB"
    pub size: String,
    /// Text was read for the search index (else it is found by its name).
    pub has_text: bool,
    /// Whether its kind carries text at all (images do not).
    pub text_kind: bool,
    /// When uploaded, China time.
    pub added: String,
}

/// The current (not removed) attachments of an item's working copy.
pub async fn current(k: &Kernel, item_id: i64) -> Result<Vec<StaffAttachment>> {
    let rows = query(
        k.db.backend(),
        "SELECT id, filename, mime, size, text_content, created_at FROM disclosure_attachments \
         WHERE item_id = ? AND removed_at IS NULL ORDER BY id",
    )
    .bind(item_id)
    .fetch_all(k.db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let mime: String = r.try_get(2)?;
            let size: i64 = r.try_get(3)?;
            let text: String = r.try_get(4)?;
            let at: String = r.try_get(5)?;
            let kind = Kind::of_mime(&mime);
            Ok(StaffAttachment {
                id: r.try_get(0)?,
                name: r.try_get(1)?,
                kind: kind.map(Kind::label).unwrap_or("文件"),
                size: attach::size_label(size),
                has_text: !text.trim().is_empty(),
                text_kind: kind.is_some_and(Kind::has_text),
                added: parse_rfc3339(&at).map(fmt_instant_cst).unwrap_or(at),
            })
        })
        .collect()
}

/// What `files_panel.html` shows: the list, and while the item is a draft
/// and this person may change it, the upload form and remove buttons.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AttachmentsPanel {
    pub item_id: i64,
    pub editable: bool,
    pub csrf: String,
    pub rows: Vec<StaffAttachment>,
    pub max_mb: usize,
    pub max_count: i64,
    pub accept: &'static str,
}

#[derive(askama::Template)]
#[template(path = "files_panel.html")]
struct PanelHtml<'a> {
    panel: &'a AttachmentsPanel,
}

impl AttachmentsPanel {
    /// The panel as an HTML fragment, for `{{ …|safe }}` in a page.
    pub fn html(&self) -> String {
        askama::Template::render(&PanelHtml { panel: self }).unwrap_or_else(|e| {
            tracing::error!(error = %e, "attachments panel failed");
            String::new()
        })
    }
}

/// The panel for `it` as seen by the signed-in person of `frame`.
/// `may_edit`: this person may change the draft (its author or the
/// office); the upload form shows only while it is also 采编中.
pub async fn panel(k: &Kernel, it: &Item, csrf: &str, may_edit: bool) -> Result<AttachmentsPanel> {
    Ok(AttachmentsPanel {
        item_id: it.id,
        editable: may_edit && it.status == Status::Draft,
        csrf: csrf.to_string(),
        rows: current(k, it.id).await?,
        max_mb: attach::MAX_BYTES / (1024 * 1024),
        max_count: MAX_PER_ITEM,
        accept: attach::ACCEPT,
    })
}
