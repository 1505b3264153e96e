//! This module's SQL: items (working copies), published versions, the
//! step timeline, attachments, the guide. One transaction per state
//! change, with its audit entry and outbox event.

use sqlx::Row;
use time::{Date, OffsetDateTime};
use yangguang_kernel::audit::{self, Actor};
use yangguang_kernel::db::{WriteTx, query, query_scalar};
use yangguang_kernel::timefmt::{fmt_date, parse_date, rfc3339, today_cst};
use yangguang_kernel::{Kernel, numbering, org_store, outbox};

use crate::draft::Draft;
use crate::model::{Action, Attribute, ItemState, Status, Validity, publishable, transition};
use crate::{DisclosureError, rules, text};

pub type Result<T> = std::result::Result<T, DisclosureError>;

/// Outbox topics this module writes (the search index follows them).
pub const TOPIC_PUBLISHED: &str = "disclosure.published";
pub const TOPIC_REMOVED: &str = "disclosure.removed";
/// The category tree changed (names, order, new categories).
pub const TOPIC_CATEGORIES: &str = "disclosure.categories";

/// A category of the 主题分类 tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    pub code: String,
    pub parent: Option<String>,
    pub name: String,
}

pub async fn categories(k: &Kernel) -> Result<Vec<Category>> {
    let rows = query(
        k.db.backend(),
        "SELECT code, parent_code, name FROM disclosure_categories ORDER BY sort, code",
    )
    .fetch_all(k.db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Category {
                code: r.try_get(0)?,
                parent: r.try_get(1)?,
                name: r.try_get(2)?,
            })
        })
        .collect()
}

/// The working copy of an item, as staff see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub id: i64,
    pub index_no: String,
    pub status: Status,
    pub division_id: Option<i64>,
    pub draft: Draft,
    pub created_by: String,
    pub since_on: Date,
    pub published_version: i64,
    pub withdrawn_at: Option<String>,
    pub withdrawn_reason: Option<String>,
}

const ITEM_COLS: &str = "id, index_no, status, division_id, title, summary, category_code, genre, publisher, \
     written_on, doc_no, keywords, validity, attribute, ground, body_html, interprets_id, created_by, since_on, \
     published_version, withdrawn_at, withdrawn_reason";

fn item_from(r: &sqlx::any::AnyRow) -> Result<Item> {
    let status: String = r.try_get(2)?;
    let validity: String = r.try_get(12)?;
    let attribute: String = r.try_get(13)?;
    let written: String = r.try_get(9)?;
    let since: String = r.try_get(18)?;
    Ok(Item {
        id: r.try_get(0)?,
        index_no: r.try_get(1)?,
        status: Status::parse(&status).unwrap_or(Status::Draft),
        division_id: r.try_get(3)?,
        draft: Draft {
            title: r.try_get(4)?,
            summary: r.try_get(5)?,
            category_code: r.try_get(6)?,
            genre: r.try_get(7)?,
            publisher: r.try_get(8)?,
            written_on: parse_date(&written)?,
            doc_no: r.try_get(10)?,
            keywords: r.try_get(11)?,
            validity: Validity::parse(&validity).unwrap_or(Validity::Valid),
            attribute: Attribute::parse(&attribute).unwrap_or(Attribute::Proactive),
            ground: r.try_get(14)?,
            body_html: r.try_get(15)?,
            interprets_id: r.try_get(16)?,
        },
        created_by: r.try_get(17)?,
        since_on: parse_date(&since)?,
        published_version: r.try_get(19)?,
        withdrawn_at: r.try_get(20)?,
        withdrawn_reason: r.try_get(21)?,
    })
}

pub async fn item(k: &Kernel, id: i64) -> Result<Item> {
    let sql = format!("SELECT {ITEM_COLS} FROM disclosure_items WHERE id = ?");
    let row = yangguang_kernel::db::query_dyn(k.db.backend(), sql)
        .bind(id)
        .fetch_optional(k.db.pool())
        .await?
        .ok_or_else(|| DisclosureError::NotFound(format!("信息 {id} 不存在")))?;
    item_from(&row)
}

/// One recorded step (timeline row and audit entry).
struct Step<'a> {
    item_id: i64,
    index_no: &'a str,
    action: &'a str,
    from: Status,
    to: Status,
    reason: Option<&'a str>,
    detail: serde_json::Value,
}

async fn step(
    tx: &mut WriteTx,
    k: &Kernel,
    now: OffsetDateTime,
    actor: &Actor,
    s: Step<'_>,
) -> Result<()> {
    let Step {
        item_id,
        index_no,
        action,
        from,
        to,
        reason,
        detail,
    } = s;
    query(
        tx.backend(),
        "INSERT INTO disclosure_steps (item_id, action, from_status, to_status, actor, acting_for, at, reason, detail) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(item_id)
    .bind(action.to_string())
    .bind(from.code())
    .bind(to.code())
    .bind(actor.user.clone())
    .bind(actor.acting_for.clone())
    .bind(rfc3339(now))
    .bind(reason.map(str::to_string))
    .bind(detail.to_string())
    .execute(tx.conn())
    .await?;
    audit::success(
        tx,
        &k.keys,
        now,
        actor,
        &format!("disclosure.{action}"),
        &format!("disclosure:{index_no}"),
        serde_json::json!({ "from": from.code(), "to": to.code(), "reason": reason, "detail": detail }),
    )
    .await?;
    Ok(())
}

fn check_categories(d: &Draft, cats: &[Category]) -> Result<()> {
    if cats.iter().any(|c| c.code == d.category_code) {
        Ok(())
    } else {
        Err(DisclosureError::invalid(
            "unknown_category",
            "请选择主题分类",
        ))
    }
}

/// Creates a draft (采编) with its 索引号; returns the item id.
pub async fn create(
    k: &Kernel,
    actor: &Actor,
    now: OffsetDateTime,
    division_id: Option<i64>,
    d: &Draft,
) -> Result<i64> {
    let mut tx = k.db.begin().await?;
    let id = create_in(&mut tx, k, actor, now, division_id, d).await?;
    tx.commit().await?;
    Ok(id)
}

/// As `create`, inside the caller's transaction: the public function
/// through which another module (an issued 公文 marked for 主动公开)
/// files a draft here without touching this module's tables.
pub async fn create_in(
    tx: &mut WriteTx,
    k: &Kernel,
    actor: &Actor,
    now: OffsetDateTime,
    division_id: Option<i64>,
    d: &Draft,
) -> Result<i64> {
    check_categories(d, &categories(k).await?)?;
    let agency = org_store::main_agency(k)
        .await?
        .ok_or_else(|| DisclosureError::NotFound("尚未登记机关".into()))?;
    let pattern = crate::settings::index_pattern(k).await?;
    let today = today_cst(now);
    let seq = numbering::next(tx, &format!("index_no:{}", agency.code), today.year()).await?;
    let index_no = rules::format_index_no(&pattern, &agency.code, today.year(), seq)?;
    let id: i64 = query_scalar(
        tx.backend(),
        "INSERT INTO disclosure_items (agency_id, division_id, index_no, status, title, summary, category_code, genre, \
         publisher, written_on, doc_no, keywords, validity, attribute, ground, body_html, interprets_id, created_by, \
         created_at, since_on, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(agency.id)
    .bind(division_id)
    .bind(index_no.clone())
    .bind(Status::Draft.code())
    .bind(d.title.clone())
    .bind(d.summary.clone())
    .bind(d.category_code.clone())
    .bind(d.genre.clone())
    .bind(d.publisher.clone())
    .bind(fmt_date(d.written_on))
    .bind(d.doc_no.clone())
    .bind(d.keywords.clone())
    .bind(d.validity.label())
    .bind(d.attribute.code())
    .bind(d.ground.clone())
    .bind(d.body_html.clone())
    .bind(d.interprets_id)
    .bind(actor.acting_for.clone().unwrap_or_else(|| actor.user.clone()))
    .bind(rfc3339(now))
    .bind(fmt_date(today))
    .bind(rfc3339(now))
    .fetch_one(tx.conn())
    .await?;
    step(
        tx,
        k,
        now,
        actor,
        Step {
            item_id: id,
            index_no: &index_no,
            action: "create",
            from: Status::Draft,
            to: Status::Draft,
            reason: None,
            detail: serde_json::json!({ "title": d.title }),
        },
    )
    .await?;
    Ok(id)
}

/// Saves the working copy; only while it is a draft.
pub async fn update(
    k: &Kernel,
    actor: &Actor,
    now: OffsetDateTime,
    id: i64,
    d: &Draft,
) -> Result<()> {
    check_categories(d, &categories(k).await?)?;
    let it = item(k, id).await?;
    if it.status != Status::Draft {
        return Err(DisclosureError::Conflict(format!(
            "当前状态为“{}”，只有采编中的信息可以修改；请先退回",
            it.status.label()
        )));
    }
    let mut tx = k.db.begin().await?;
    query(
        tx.backend(),
        "UPDATE disclosure_items SET title = ?, summary = ?, category_code = ?, genre = ?, publisher = ?, written_on = ?, \
         doc_no = ?, keywords = ?, validity = ?, attribute = ?, ground = ?, body_html = ?, interprets_id = ?, updated_at = ? \
         WHERE id = ? AND status = 'draft'",
    )
    .bind(d.title.clone())
    .bind(d.summary.clone())
    .bind(d.category_code.clone())
    .bind(d.genre.clone())
    .bind(d.publisher.clone())
    .bind(fmt_date(d.written_on))
    .bind(d.doc_no.clone())
    .bind(d.keywords.clone())
    .bind(d.validity.label())
    .bind(d.attribute.code())
    .bind(d.ground.clone())
    .bind(d.body_html.clone())
    .bind(d.interprets_id)
    .bind(rfc3339(now))
    .bind(id)
    .execute(tx.conn())
    .await?;
    step(
        &mut tx,
        k,
        now,
        actor,
        Step {
            item_id: id,
            index_no: &it.index_no,
            action: "edit",
            from: Status::Draft,
            to: Status::Draft,
            reason: None,
            detail: serde_json::json!({}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Takes a pipeline step. `published_on`: the publication date to record
/// (today for a normal publish; the original date for an import).
pub async fn act(
    k: &Kernel,
    actor: &Actor,
    now: OffsetDateTime,
    id: i64,
    action: &Action,
    published_on: Option<Date>,
) -> Result<Status> {
    let mut tx = k.db.begin().await?;
    let to = act_in(&mut tx, k, actor, now, id, action, published_on).await?;
    tx.commit().await?;
    Ok(to)
}

/// [`act`] inside the caller's transaction (another module's change that
/// must take the item with it, or neither); the caller commits.
pub async fn act_in(
    tx: &mut WriteTx,
    k: &Kernel,
    actor: &Actor,
    now: OffsetDateTime,
    id: i64,
    action: &Action,
    published_on: Option<Date>,
) -> Result<Status> {
    let it = item(k, id).await?;
    let to = transition(
        ItemState {
            status: it.status,
            has_published_version: it.published_version > 0,
        },
        action,
    )?;
    if let Action::Publish { .. } = action {
        publishable(it.draft.attribute)?;
    }
    let today = today_cst(now);
    let be = tx.backend();
    // The status guard makes a concurrent second step fail instead of
    // applying twice.
    let n = query(
        be,
        "UPDATE disclosure_items SET status = ?, updated_at = ? WHERE id = ? AND status = ?",
    )
    .bind(to.code())
    .bind(rfc3339(now))
    .bind(id)
    .bind(it.status.code())
    .execute(tx.conn())
    .await?
    .rows_affected();
    if n != 1 {
        return Err(DisclosureError::Conflict(
            "该信息刚被他人处理，请刷新后重试".into(),
        ));
    }
    let (reason, detail) = match action {
        Action::Return { reason } | Action::Withdraw { reason } => {
            (Some(reason.trim().to_string()), serde_json::json!({}))
        }
        Action::Clear { confirmed } => (None, serde_json::json!({ "checklist": confirmed })),
        Action::Publish { change_note } => {
            (None, serde_json::json!({ "change_note": change_note }))
        }
        _ => (None, serde_json::json!({})),
    };
    match action {
        Action::Publish { change_note } => {
            let version = it.published_version + 1;
            let on = published_on.unwrap_or(today);
            let attachments = attachments_json(tx, id).await?;
            let body_text = text::plain(&it.draft.body_html);
            query(
                be,
                "INSERT INTO disclosure_versions (item_id, version, title, summary, category_code, genre, publisher, \
                 written_on, published_on, doc_no, keywords, body_html, body_text, attachments, change_note, published_at, published_by, \
                 interprets_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(id)
            .bind(version)
            .bind(it.draft.title.clone())
            .bind(it.draft.summary.clone())
            .bind(it.draft.category_code.clone())
            .bind(it.draft.genre.clone())
            .bind(it.draft.publisher.clone())
            .bind(fmt_date(it.draft.written_on))
            .bind(fmt_date(on))
            .bind(it.draft.doc_no.clone())
            .bind(it.draft.keywords.clone())
            .bind(it.draft.body_html.clone())
            .bind(body_text)
            .bind(attachments)
            .bind(change_note.clone().filter(|n| !n.trim().is_empty()))
            .bind(rfc3339(now))
            .bind(actor.user.clone())
            .bind(it.draft.interprets_id)
            .execute(tx.conn())
            .await?;
            query(
                be,
                "UPDATE disclosure_items SET published_version = ?, last_published_at = ?, \
                 first_published_on = COALESCE(first_published_on, ?), validity = ? WHERE id = ?",
            )
            .bind(version)
            .bind(rfc3339(now))
            .bind(fmt_date(on))
            .bind(it.draft.validity.label())
            .bind(id)
            .execute(tx.conn())
            .await?;
            outbox::publish(
                tx,
                now,
                TOPIC_PUBLISHED,
                &format!("disclosure:{id}"),
                &serde_json::json!({ "id": id, "version": version }),
            )
            .await?;
        }
        Action::Withdraw { reason } => {
            query(
                be,
                "UPDATE disclosure_items SET withdrawn_at = ?, withdrawn_reason = ? WHERE id = ?",
            )
            .bind(rfc3339(now))
            .bind(reason.trim().to_string())
            .bind(id)
            .execute(tx.conn())
            .await?;
            outbox::publish(
                tx,
                now,
                TOPIC_REMOVED,
                &format!("disclosure:{id}"),
                &serde_json::json!({ "id": id }),
            )
            .await?;
        }
        Action::Revise => {
            // A change restarts the 20-working-day clock (条例 Art 26).
            query(be, "UPDATE disclosure_items SET since_on = ? WHERE id = ?")
                .bind(fmt_date(today))
                .bind(id)
                .execute(tx.conn())
                .await?;
        }
        _ => {}
    }
    step(
        tx,
        k,
        now,
        actor,
        Step {
            item_id: id,
            index_no: &it.index_no,
            action: action.code(),
            from: it.status,
            to,
            reason: reason.as_deref(),
            detail,
        },
    )
    .await?;
    Ok(to)
}

/// 失效 / 废止 (or back to 有效) of a published item, with the reason, shown
/// on its public page.
pub async fn set_validity(
    k: &Kernel,
    actor: &Actor,
    now: OffsetDateTime,
    id: i64,
    validity: Validity,
    reason: &str,
) -> Result<()> {
    let it = item(k, id).await?;
    if it.published_version == 0 || it.status == Status::Withdrawn {
        return Err(DisclosureError::Conflict(
            "只有已发布的信息可以变更有效性".into(),
        ));
    }
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(DisclosureError::invalid(
            "missing_reason",
            "变更有效性须说明理由，理由将在信息页面公开",
        ));
    }
    if reason.chars().count() > 500 {
        return Err(DisclosureError::invalid(
            "field_too_long",
            "理由最多 500 个字",
        ));
    }
    let mut tx = k.db.begin().await?;
    query(
        tx.backend(),
        "UPDATE disclosure_items SET validity = ?, validity_changed_on = ?, validity_reason = ?, updated_at = ? WHERE id = ?",
    )
    .bind(validity.label())
    .bind(fmt_date(today_cst(now)))
    .bind(reason.to_string())
    .bind(rfc3339(now))
    .bind(id)
    .execute(tx.conn())
    .await?;
    outbox::publish(
        &mut tx,
        now,
        TOPIC_PUBLISHED,
        &format!("disclosure:{id}"),
        &serde_json::json!({ "id": id }),
    )
    .await?;
    step(
        &mut tx,
        k,
        now,
        actor,
        Step {
            item_id: id,
            index_no: &it.index_no,
            action: "validity",
            from: it.status,
            to: it.status,
            reason: Some(reason),
            detail: serde_json::json!({ "validity": validity.label() }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn attachments_json(tx: &mut WriteTx, item_id: i64) -> Result<String> {
    let rows = query(
        tx.backend(),
        "SELECT id, file_hash, filename, mime, size FROM disclosure_attachments WHERE item_id = ? AND removed_at IS NULL ORDER BY id",
    )
    .bind(item_id)
    .fetch_all(tx.conn())
    .await?;
    let mut v = Vec::new();
    for r in &rows {
        let id: i64 = r.try_get(0)?;
        let hash: String = r.try_get(1)?;
        let name: String = r.try_get(2)?;
        let mime: String = r.try_get(3)?;
        let size: i64 = r.try_get(4)?;
        v.push(
            serde_json::json!({ "id": id, "hash": hash, "name": name, "mime": mime, "size": size }),
        );
    }
    Ok(serde_json::Value::Array(v).to_string())
}

/// One step on an item's timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepRow {
    pub action: String,
    pub from: Status,
    pub to: Status,
    pub actor: String,
    pub acting_for: Option<String>,
    pub at: String,
    pub reason: Option<String>,
}

pub async fn steps(k: &Kernel, id: i64) -> Result<Vec<StepRow>> {
    let rows = query(
        k.db.backend(),
        "SELECT action, from_status, to_status, actor, acting_for, at, reason FROM disclosure_steps WHERE item_id = ? ORDER BY id",
    )
    .bind(id)
    .fetch_all(k.db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let from: String = r.try_get(1)?;
            let to: String = r.try_get(2)?;
            Ok(StepRow {
                action: r.try_get(0)?,
                from: Status::parse(&from).unwrap_or(Status::Draft),
                to: Status::parse(&to).unwrap_or(Status::Draft),
                actor: r.try_get(3)?,
                acting_for: r.try_get(4)?,
                at: r.try_get(5)?,
                reason: r.try_get(6)?,
            })
        })
        .collect()
}

/// Items in the given statuses (staff lists), newest first.
pub async fn items_in(k: &Kernel, statuses: &[Status], limit: i64) -> Result<Vec<Item>> {
    let marks = vec!["?"; statuses.len()].join(", ");
    let sql = format!(
        "SELECT {ITEM_COLS} FROM disclosure_items WHERE status IN ({marks}) ORDER BY id DESC LIMIT ?"
    );
    let mut q = yangguang_kernel::db::query_dyn(k.db.backend(), sql);
    for s in statuses {
        q = q.bind(s.code());
    }
    let rows = q.bind(limit).fetch_all(k.db.pool()).await?;
    rows.iter().map(item_from).collect()
}

/// May this user take the next step on `it` today, and as whom? The
/// step's duty post decides (A, or B while A is away); without such a
/// post, nobody but the office (DisclosureManage) may, acting as itself.
pub async fn actor_for_step(
    k: &Kernel,
    it: &Item,
    user_id: i64,
    username: &str,
    may_manage: bool,
    today: Date,
) -> Result<Option<Actor>> {
    let posts = match it.status.next_duty() {
        Some(_) => org_store::posts_on(k, today).await?,
        None => Vec::new(),
    };
    actor_for_step_in(k, &posts, it, user_id, username, may_manage).await
}

/// `actor_for_step` over today's posts already loaded (the inbox checks
/// many items against one read of the posts).
async fn actor_for_step_in(
    k: &Kernel,
    posts: &[org_store::PostView],
    it: &Item,
    user_id: i64,
    username: &str,
    may_manage: bool,
) -> Result<Option<Actor>> {
    match it.status {
        Status::Draft => {
            // The author, or the office.
            Ok((it.created_by == username || may_manage).then(|| Actor::user(username)))
        }
        s => match s.next_duty() {
            Some(duty) => match org_store::duty_post_in(posts, duty.code(), it.division_id) {
                // Nobody in the post today (A away, no B in): the office
                // steps in, as the AB rule says (RULES.md §6).
                Some(post) if post.acting.user_id().is_none() => {
                    Ok(may_manage.then(|| Actor::user(username)))
                }
                Some(post) => Ok(org_store::actor_on_post(k, &post, user_id).await?),
                None => Ok(may_manage.then(|| Actor::user(username))),
            },
            None => Ok(may_manage.then(|| Actor::user(username))),
        },
    }
}

/// One line of a staff member's 待办 inbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxRow {
    pub id: i64,
    pub index_no: String,
    pub title: String,
    pub status: Status,
    /// "B代A" when the user acts for an absent A holder.
    pub acting_for: Option<String>,
    pub timeliness: Option<rules::Timeliness>,
}

/// Items waiting for this user today: their own drafts, and every item
/// whose next step is on a post they act for (A/B posts apply).
pub async fn inbox(k: &Kernel, user_id: i64, username: &str, today: Date) -> Result<Vec<InboxRow>> {
    let cal = k.calendar();
    // One read of today's posts for every open item.
    let posts = org_store::posts_on(k, today).await?;
    let open = items_in(
        k,
        &[
            Status::Draft,
            Status::Submitted,
            Status::Reviewed,
            Status::Cleared,
        ],
        500,
    )
    .await?;
    let mut out = Vec::new();
    for it in open {
        if let Some(actor) = actor_for_step_in(k, &posts, &it, user_id, username, false).await? {
            let pending =
                it.published_version == 0 || it.status != Status::Draft || it.since_on == today;
            out.push(InboxRow {
                id: it.id,
                index_no: it.index_no.clone(),
                title: it.draft.title.clone(),
                status: it.status,
                acting_for: actor.acting_for,
                timeliness: pending.then(|| rules::timeliness(&cal, it.since_on, today)),
            });
        }
    }
    Ok(out)
}

/// Items not yet published (or being changed) with their Art 26 deadline,
/// most urgent first: the office's timeliness list.
pub async fn timeliness_list(k: &Kernel, today: Date) -> Result<Vec<(Item, rules::Timeliness)>> {
    let cal = k.calendar();
    let open = items_in(
        k,
        &[
            Status::Draft,
            Status::Submitted,
            Status::Reviewed,
            Status::Cleared,
        ],
        1000,
    )
    .await?;
    let mut out: Vec<(Item, rules::Timeliness)> = open
        .into_iter()
        .filter(|it| it.draft.attribute == Attribute::Proactive)
        .map(|it| {
            let t = rules::timeliness(&cal, it.since_on, today);
            (it, t)
        })
        .collect();
    out.sort_by_key(|(_, t)| t.days_left);
    Ok(out)
}

// ---- staff pages and the guide ------------------------------------------

/// The division an account belongs to: a new item is reviewed by the
/// review post of its author's division.
pub async fn user_division(k: &Kernel, user_id: i64) -> Result<Option<i64>> {
    Ok(
        query_scalar::<Option<i64>>(k.db.backend(), "SELECT division_id FROM users WHERE id = ?")
            .bind(user_id)
            .fetch_optional(k.db.pool())
            .await?
            .flatten(),
    )
}

/// The items an author created (any status), newest first.
pub async fn items_created_by(k: &Kernel, username: &str, limit: i64) -> Result<Vec<Item>> {
    let sql = format!(
        "SELECT {ITEM_COLS} FROM disclosure_items WHERE created_by = ? ORDER BY id DESC LIMIT ?"
    );
    let rows = yangguang_kernel::db::query_dyn(k.db.backend(), sql)
        .bind(username.to_string())
        .bind(limit)
        .fetch_all(k.db.pool())
        .await?;
    rows.iter().map(item_from).collect()
}

/// An item's timeline with each step's recorded detail (the checklist of
/// a confidentiality review, a change note, a new validity).
pub async fn timeline(k: &Kernel, id: i64) -> Result<Vec<(StepRow, serde_json::Value)>> {
    let rows = query(
        k.db.backend(),
        "SELECT action, from_status, to_status, actor, acting_for, at, reason, detail FROM disclosure_steps \
         WHERE item_id = ? ORDER BY id",
    )
    .bind(id)
    .fetch_all(k.db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let from: String = r.try_get(1)?;
            let to: String = r.try_get(2)?;
            let detail: String = r.try_get(7)?;
            Ok((
                StepRow {
                    action: r.try_get(0)?,
                    from: Status::parse(&from).unwrap_or(Status::Draft),
                    to: Status::parse(&to).unwrap_or(Status::Draft),
                    actor: r.try_get(3)?,
                    acting_for: r.try_get(4)?,
                    at: r.try_get(5)?,
                    reason: r.try_get(6)?,
                },
                serde_json::from_str(&detail).unwrap_or(serde_json::Value::Null),
            ))
        })
        .collect()
}

/// The validity change on record (when, why) of an item, if any.
pub async fn validity_note(k: &Kernel, id: i64) -> Result<Option<(String, String)>> {
    let row = query(
        k.db.backend(),
        "SELECT validity_changed_on, validity_reason FROM disclosure_items WHERE id = ?",
    )
    .bind(id)
    .fetch_optional(k.db.pool())
    .await?;
    Ok(match row {
        Some(r) => {
            let on: Option<String> = r.try_get(0)?;
            let why: Option<String> = r.try_get(1)?;
            on.zip(why)
        }
        None => None,
    })
}

/// One saved version of the guide's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuideRow {
    pub id: i64,
    /// The settings as saved (JSON of `guide::Guide`).
    pub settings: String,
    pub edited_by: String,
    pub edited_at: String,
}

/// The saved guide settings, newest first.
pub async fn guide_rows(k: &Kernel, limit: i64) -> Result<Vec<GuideRow>> {
    let rows = query(
        k.db.backend(),
        "SELECT id, settings, edited_by, edited_at FROM disclosure_guide ORDER BY id DESC LIMIT ?",
    )
    .bind(limit)
    .fetch_all(k.db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(GuideRow {
                id: r.try_get(0)?,
                settings: r.try_get(1)?,
                edited_by: r.try_get(2)?,
                edited_at: r.try_get(3)?,
            })
        })
        .collect()
}

/// The latest saved guide settings, read in-thread (`kernel::read`): the
/// public guide page asks on every view.
pub async fn latest_guide(k: &Kernel) -> Result<Option<GuideRow>> {
    let rows = yangguang_kernel::read::rows(
        &k.db,
        "SELECT id, settings, edited_by, edited_at FROM disclosure_guide ORDER BY id DESC LIMIT 1",
        &[],
    )
    .await?;
    let Some(mut r) = rows.into_iter().next() else {
        return Ok(None);
    };
    if r.len() < 4 {
        return Err(DisclosureError::Internal("guide row too short".into()));
    }
    Ok(Some(GuideRow {
        id: r[0].int()?,
        settings: r[1].text()?,
        edited_by: r[2].text()?,
        edited_at: r[3].text()?,
    }))
}

/// Saves the guide's settings as a new row (the history is kept), audited
/// as `disclosure.guide.update` with the labels of the changed fields.
pub async fn save_guide(
    k: &Kernel,
    actor: &Actor,
    now: OffsetDateTime,
    settings: &serde_json::Value,
    changed: &[&str],
) -> Result<i64> {
    let mut tx = k.db.begin().await?;
    let id: i64 = query_scalar(
        tx.backend(),
        "INSERT INTO disclosure_guide (settings, edited_by, edited_at) VALUES (?, ?, ?) RETURNING id",
    )
    .bind(settings.to_string())
    .bind(actor.user.clone())
    .bind(rfc3339(now))
    .fetch_one(tx.conn())
    .await?;
    audit::success(
        &mut tx,
        &k.keys,
        now,
        actor,
        "disclosure.guide.update",
        "disclosure:guide",
        serde_json::json!({ "version": id, "changed": changed }),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}
