//! What the public may read: the latest published version of items that
//! are 主动公开 and not withdrawn, and for withdrawn items only the notice.
//! Every public page, feed, sitemap and the search index read through
//! here; working copies are never read for the public.

use sqlx::Row;
use std::sync::LazyLock;
use time::Date;
use yangguang_kernel::Kernel;

use yangguang_kernel::db::query_dyn;
use yangguang_kernel::read::{self, Val};
use yangguang_kernel::timefmt::parse_date;

use crate::store::Result;

/// The condition for "publicly listed".
pub(crate) const LISTED: &str =
    "i.published_version > 0 AND i.withdrawn_at IS NULL AND i.attribute = 'proactive'";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub id: i64,
    pub hash: String,
    pub name: String,
    pub mime: String,
    pub size: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionNote {
    pub version: i64,
    pub published_on: Date,
    pub change_note: Option<String>,
}

/// An item page's content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicItem {
    pub id: i64,
    pub index_no: String,
    pub version: i64,
    pub title: String,
    pub summary: String,
    pub category_code: String,
    pub category_name: String,
    pub genre: String,
    pub publisher: String,
    pub written_on: Date,
    pub published_on: Date,
    pub doc_no: String,
    pub keywords: String,
    pub validity: String,
    pub validity_changed_on: Option<String>,
    pub validity_reason: Option<String>,
    /// Empty when withdrawn (as are the summary and attachments): the
    /// notice replaces the text.
    pub body_html: String,
    pub body_text: String,
    pub attachments: Vec<Attachment>,
    pub versions: Vec<VersionNote>,
    /// (when, why) for a withdrawn item.
    pub withdrawn: Option<(String, String)>,
    /// Interpretations of this document, and the document this interprets.
    pub interpretations: Vec<(i64, String)>,
    pub interprets: Option<(i64, String)>,
}

const PUBLIC_COLS: &str = "i.id, i.index_no, v.version, v.title, v.summary, v.category_code, c.name, v.genre, v.publisher, \
     v.written_on, v.published_on, v.doc_no, v.keywords, i.validity, i.validity_changed_on, i.validity_reason, \
     v.body_html, v.body_text, v.attachments, i.withdrawn_at, i.withdrawn_reason, v.interprets_id, i.attribute";

pub(crate) const PUBLIC_FROM: &str = "FROM disclosure_items i \
     JOIN disclosure_versions v ON v.item_id = i.id AND v.version = i.published_version \
     JOIN disclosure_categories c ON c.code = v.category_code";

fn attachments_from(json: &str) -> Vec<Attachment> {
    serde_json::from_str::<serde_json::Value>(json)
        .ok()
        .and_then(|v| v.as_array().cloned())
        .unwrap_or_default()
        .iter()
        .map(|a| Attachment {
            id: a["id"].as_i64().unwrap_or_default(),
            hash: a["hash"].as_str().unwrap_or_default().to_string(),
            name: a["name"].as_str().unwrap_or_default().to_string(),
            mime: a["mime"].as_str().unwrap_or_default().to_string(),
            size: a["size"].as_i64().unwrap_or_default(),
        })
        .collect()
}

/// An item row (`PUBLIC_COLS`) as the in-thread read returns it.
fn public_from_vals(mut r: Vec<Val>) -> Result<PublicItem> {
    if r.len() < 23 {
        return Err(yangguang_kernel::Error::Internal(
            "item row too short".into(),
        ));
    }
    let withdrawn_at = r[19].opt_text()?;
    let withdrawn_reason = r[20].opt_text()?;
    let withdrawn = withdrawn_at.map(|a| (a, withdrawn_reason.unwrap_or_default()));
    let hide = withdrawn.is_some();
    let att = r[18].text()?;
    Ok(PublicItem {
        id: r[0].int()?,
        index_no: r[1].text()?,
        version: r[2].int()?,
        title: r[3].text()?,
        // The summary is often the opening of the text: withdrawn, it goes too.
        summary: if hide { String::new() } else { r[4].text()? },
        category_code: r[5].text()?,
        category_name: r[6].text()?,
        genre: r[7].text()?,
        publisher: r[8].text()?,
        written_on: parse_date(&r[9].text()?)?,
        published_on: parse_date(&r[10].text()?)?,
        doc_no: r[11].text()?,
        keywords: r[12].text()?,
        validity: r[13].text()?,
        validity_changed_on: r[14].opt_text()?,
        validity_reason: r[15].opt_text()?,
        body_html: if hide { String::new() } else { r[16].text()? },
        body_text: if hide { String::new() } else { r[17].text()? },
        attachments: if hide {
            Vec::new()
        } else {
            attachments_from(&att)
        },
        versions: Vec::new(),
        withdrawn,
        interpretations: Vec::new(),
        interprets: None,
    })
}

/// The public page of an item: `None` when the public may not see it
/// (never published, or not 主动公开). Without the plain text (only the
/// search index needs it).
pub async fn item(k: &Kernel, id: i64) -> Result<Option<PublicItem>> {
    read_item(k, id, false).await
}

/// Reads an item with `kernel::read` in one statement: this is the hottest
/// page, and one statement is one snapshot without `BEGIN` and `COMMIT`.
/// Its rows are told apart by the first column: 0 the item (with the
/// interpreted document's title), 1 a version note, 2 an interpretation.
async fn read_item(k: &Kernel, id: i64, with_text: bool) -> Result<Option<PublicItem>> {
    static ITEM_SQL: LazyLock<[String; 2]> = LazyLock::new(|| {
        let interprets = "(SELECT v2.title FROM disclosure_items i2 \
             JOIN disclosure_versions v2 ON v2.item_id = i2.id AND v2.version = i2.published_version \
             WHERE i2.id = v.interprets_id AND i2.published_version > 0 \
             AND i2.withdrawn_at IS NULL AND i2.attribute = 'proactive')";
        // The other kinds fill the first four columns of the item's 24.
        let rest = ", NULL".repeat(20);
        [false, true].map(|text| {
            let cols = if text {
                PUBLIC_COLS.to_string()
            } else {
                PUBLIC_COLS.replace("v.body_text", "''")
            };
            format!(
                "SELECT CAST(0 AS BIGINT), {cols}, {interprets} {PUBLIC_FROM} \
                 WHERE i.id = ? AND i.published_version > 0 \
                 UNION ALL SELECT CAST(1 AS BIGINT), version, published_on, NULL, change_note{rest} \
                 FROM disclosure_versions WHERE item_id = ? \
                 UNION ALL SELECT CAST(2 AS BIGINT), i.id, v.title, NULL, NULL{rest} {PUBLIC_FROM} \
                 WHERE {LISTED} AND v.interprets_id = ?"
            )
        })
    });
    let ids = [Val::Int(id), Val::Int(id), Val::Int(id)];
    let rows = read::rows(&k.db, &ITEM_SQL[usize::from(with_text)], &ids).await?;
    // The statement's shape is fixed above; a shorter row is a bug, not a panic.
    if rows.iter().any(|r| r.len() < 25) {
        return Err(yangguang_kernel::Error::Internal(
            "item read: unexpected row shape".into(),
        ));
    }
    let mut item = None;
    let mut versions = Vec::new();
    let mut interpretations = Vec::new();
    for mut r in rows {
        match r[0].int()? {
            0 => item = Some(r),
            1 => versions.push(VersionNote {
                version: r[1].int()?,
                published_on: parse_date(&r[2].text()?)?,
                change_note: r[4].opt_text()?,
            }),
            _ => interpretations.push((r[1].int()?, r[2].text()?)),
        }
    }
    let Some(mut row) = item else {
        return Ok(None);
    };
    row.remove(0);
    if row[22].text()? != "proactive" {
        return Ok(None);
    }
    let interprets_id = row[21].opt_int()?;
    let interprets_title = row[23].opt_text()?;
    let mut it = public_from_vals(row)?;
    if let (Some(doc), Some(title)) = (interprets_id, interprets_title) {
        it.interprets = Some((doc, title));
    }
    // Sorted here, not by SQL: a few rows, and no temporary b-trees.
    versions.sort_by_key(|v| v.version);
    interpretations.sort_by_key(|(id, _)| *id);
    it.versions = versions;
    it.interpretations = interpretations;
    Ok(Some(it))
}

/// Catalog browsing filters (all optional).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CatalogFilter {
    /// A category code: the category and its children.
    pub category: Option<String>,
    pub year: Option<i32>,
    pub genre: Option<String>,
    pub publisher: Option<String>,
    pub validity: Option<String>,
    /// Oldest first instead of newest first.
    pub oldest_first: bool,
    pub page: i64,
    pub per_page: i64,
}

/// A catalog row (条例 Art 12: 索引, 名称, 内容概述, 生成日期).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogRow {
    pub id: i64,
    pub index_no: String,
    pub title: String,
    pub summary: String,
    pub category_name: String,
    pub genre: String,
    pub publisher: String,
    pub written_on: Date,
    pub published_on: Date,
    pub doc_no: String,
    pub validity: String,
}

fn where_of(f: &CatalogFilter) -> (String, Vec<String>) {
    let mut w = vec![LISTED.to_string()];
    let mut args = Vec::new();
    if let Some(c) = &f.category {
        w.push("(v.category_code = ? OR c.parent_code = ?)".into());
        args.push(c.clone());
        args.push(c.clone());
    }
    if let Some(y) = f.year {
        w.push("v.published_on >= ? AND v.published_on <= ?".into());
        args.push(format!("{y:04}-01-01"));
        args.push(format!("{y:04}-12-31"));
    }
    if let Some(g) = &f.genre {
        w.push("v.genre = ?".into());
        args.push(g.clone());
    }
    if let Some(p) = &f.publisher {
        w.push("v.publisher = ?".into());
        args.push(p.clone());
    }
    if let Some(v) = &f.validity {
        w.push("i.validity = ?".into());
        args.push(v.clone());
    }
    (w.join(" AND "), args)
}

pub async fn catalog(k: &Kernel, f: &CatalogFilter) -> Result<(i64, Vec<CatalogRow>)> {
    let be = k.db.backend();
    let (w, args) = where_of(f);
    let mut q = query_dyn(be, format!("SELECT COUNT(*) {PUBLIC_FROM} WHERE {w}"));
    for a in &args {
        q = q.bind(a.clone());
    }
    let total: i64 = q.fetch_one(k.db.pool()).await?.try_get(0)?;
    let order = if f.oldest_first { "ASC" } else { "DESC" };
    let per = f.per_page.clamp(1, 100);
    let offset = (f.page.max(1) - 1) * per;
    let mut q = query_dyn(
        be,
        format!(
            "SELECT i.id, i.index_no, v.title, v.summary, c.name, v.genre, v.publisher, v.written_on, v.published_on, \
             v.doc_no, i.validity {PUBLIC_FROM} WHERE {w} ORDER BY v.published_on {order}, i.id {order} LIMIT ? OFFSET ?"
        ),
    );
    for a in &args {
        q = q.bind(a.clone());
    }
    let rows = q.bind(per).bind(offset).fetch_all(k.db.pool()).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let written: String = r.try_get(7)?;
        let published: String = r.try_get(8)?;
        out.push(CatalogRow {
            id: r.try_get(0)?,
            index_no: r.try_get(1)?,
            title: r.try_get(2)?,
            summary: r.try_get(3)?,
            category_name: r.try_get(4)?,
            genre: r.try_get(5)?,
            publisher: r.try_get(6)?,
            written_on: parse_date(&written)?,
            published_on: parse_date(&published)?,
            doc_no: r.try_get(9)?,
            validity: r.try_get(10)?,
        });
    }
    Ok((total, out))
}

/// Distinct values for the catalog's filter menus (years, genres,
/// publishers) among listed items.
pub async fn facets(k: &Kernel) -> Result<(Vec<i32>, Vec<String>, Vec<String>)> {
    let be = k.db.backend();
    let mut years: Vec<i32> = Vec::new();
    let rows = query_dyn(
        be,
        format!("SELECT DISTINCT v.published_on {PUBLIC_FROM} WHERE {LISTED}"),
    )
    .fetch_all(k.db.pool())
    .await?;
    for r in &rows {
        let d: String = r.try_get(0)?;
        if let Some(y) = d.get(..4).and_then(|y| y.parse().ok())
            && !years.contains(&y)
        {
            years.push(y);
        }
    }
    years.sort_unstable_by(|a, b| b.cmp(a));
    let list = |col: &'static str| async move {
        let rows = query_dyn(
            be,
            format!("SELECT DISTINCT {col} {PUBLIC_FROM} WHERE {LISTED} ORDER BY {col}"),
        )
        .fetch_all(k.db.pool())
        .await?;
        rows.iter()
            .map(|r| Ok(r.try_get::<String, _>(0)?))
            .collect::<Result<Vec<String>>>()
    };
    Ok((years, list("v.genre").await?, list("v.publisher").await?))
}

/// For the search index: one listed item's full text, or `None` when it
/// must not be searchable (withdrawn, not public).
pub async fn for_index(k: &Kernel, id: i64) -> Result<Option<(PublicItem, String)>> {
    let Some(it) = read_item(k, id, true).await? else {
        return Ok(None);
    };
    if it.withdrawn.is_some() {
        return Ok(None);
    }
    // Only the attachments of the published version, by id: a draft
    // revision's new file must not become searchable before it is public.
    let mut texts = Vec::new();
    for a in &it.attachments {
        let t: Option<String> = yangguang_kernel::db::query_scalar(
            k.db.backend(),
            "SELECT text_content FROM disclosure_attachments WHERE id = ? AND item_id = ?",
        )
        .bind(a.id)
        .bind(id)
        .fetch_optional(k.db.pool())
        .await?;
        // The name too: a file whose text cannot be read is still found.
        texts.push(a.name.clone());
        texts.extend(t);
    }
    Ok(Some((it, texts.join("\n"))))
}

/// Ids of every listed item (reindex, sitemap).
pub async fn listed_ids(k: &Kernel) -> Result<Vec<i64>> {
    let rows = query_dyn(
        k.db.backend(),
        format!("SELECT i.id {PUBLIC_FROM} WHERE {LISTED} ORDER BY i.id"),
    )
    .fetch_all(k.db.pool())
    .await?;
    rows.iter().map(|r| Ok(r.try_get::<i64, _>(0)?)).collect()
}

/// One entry of an Atom feed (listed items only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedEntry {
    pub id: i64,
    pub index_no: String,
    pub title: String,
    pub summary: String,
    pub category_code: String,
    pub category_name: String,
    pub publisher: String,
    pub doc_no: String,
    /// The current version's publication date.
    pub published_on: Date,
    /// When the current version was published (RFC 3339, UTC).
    pub updated_at: String,
}

/// The `limit` latest listed items for a feed, newest first (the catalog's
/// order). `category`: that category and its children.
pub async fn feed(k: &Kernel, category: Option<&str>, limit: i64) -> Result<Vec<FeedEntry>> {
    let be = k.db.backend();
    let mut w = LISTED.to_string();
    if category.is_some() {
        w.push_str(" AND (v.category_code = ? OR c.parent_code = ?)");
    }
    let mut q = query_dyn(
        be,
        format!(
            "SELECT i.id, i.index_no, v.title, v.summary, v.category_code, c.name, v.publisher, v.doc_no, \
             v.published_on, v.published_at {PUBLIC_FROM} WHERE {w} \
             ORDER BY v.published_on DESC, i.id DESC LIMIT ?"
        ),
    );
    if let Some(c) = category {
        q = q.bind(c.to_string()).bind(c.to_string());
    }
    let rows = q.bind(limit.clamp(1, 500)).fetch_all(k.db.pool()).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let published: String = r.try_get(8)?;
        out.push(FeedEntry {
            id: r.try_get(0)?,
            index_no: r.try_get(1)?,
            title: r.try_get(2)?,
            summary: r.try_get(3)?,
            category_code: r.try_get(4)?,
            category_name: r.try_get(5)?,
            publisher: r.try_get(6)?,
            doc_no: r.try_get(7)?,
            published_on: parse_date(&published)?,
            updated_at: r.try_get(9)?,
        });
    }
    Ok(out)
}

/// One item page for the sitemap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitemapEntry {
    pub id: i64,
    /// The last public change: publication of the current version, a
    /// validity change or the withdrawal (`YYYY-MM-DD`, Beijing).
    pub lastmod: String,
    pub withdrawn: bool,
}

/// Every item page the public can open: listed items, and withdrawn ones
/// (their page stays with the notice; listing it lets search engines
/// replace a cached copy of the old text with the notice).
pub async fn sitemap_entries(k: &Kernel) -> Result<Vec<SitemapEntry>> {
    let rows = query_dyn(
        k.db.backend(),
        format!(
            "SELECT i.id, v.published_at, i.validity_changed_on, i.withdrawn_at {PUBLIC_FROM} \
             WHERE i.published_version > 0 AND i.attribute = 'proactive' ORDER BY i.id"
        ),
    )
    .fetch_all(k.db.pool())
    .await?;
    let day = |s: &str| -> String {
        yangguang_kernel::timefmt::parse_rfc3339(s)
            .map(|t| yangguang_kernel::timefmt::fmt_date(yangguang_kernel::timefmt::today_cst(t)))
            .unwrap_or_else(|_| s.get(..10).unwrap_or_default().to_string())
    };
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let published_at: String = r.try_get(1)?;
        let validity_on: Option<String> = r.try_get(2)?;
        let withdrawn_at: Option<String> = r.try_get(3)?;
        let mut lastmod = day(&published_at);
        for d in [validity_on, withdrawn_at.as_deref().map(day)]
            .into_iter()
            .flatten()
        {
            if d > lastmod {
                lastmod = d;
            }
        }
        out.push(SitemapEntry {
            id: r.try_get(0)?,
            lastmod,
            withdrawn: withdrawn_at.is_some(),
        });
    }
    Ok(out)
}

/// Publicly listed items whose title is exactly one of `titles`: (title,
/// item id), the newest first when two share a title. For links from other
/// modules (the power list links a legal basis to the law's text).
pub async fn listed_by_title(
    k: &yangguang_kernel::Kernel,
    titles: &[String],
) -> yangguang_kernel::Result<Vec<(String, i64)>> {
    if titles.is_empty() {
        return Ok(Vec::new());
    }
    let marks = vec!["?"; titles.len()].join(", ");
    let sql = format!(
        "SELECT i.title, i.id FROM disclosure_items i WHERE {LISTED} AND i.title IN ({marks}) ORDER BY i.id DESC"
    );
    let params: Vec<Val> = titles.iter().map(|t| Val::Text(t.clone())).collect();
    let rows = read::rows(&k.db, &sql, &params).await?;
    let mut out: Vec<(String, i64)> = Vec::new();
    for mut r in rows {
        if r.len() < 2 {
            continue;
        }
        let id = r[1].int()?;
        let title = r[0].text()?;
        if !out.iter().any(|(t, _)| *t == title) {
            out.push((title, id));
        }
    }
    Ok(out)
}
