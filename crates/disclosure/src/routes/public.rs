//! The public portal of 主动公开 (DESIGN.md "Public addresses"): the
//! 政府信息公开 column, the catalog, item pages and their print view, Atom
//! feeds and the sitemap. Everything shown here is read through
//! `crate::public` (published versions of 主动公开 items only), never
//! from the working copies.

use askama::filters::HtmlSafe;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use std::fmt;
use yangguang_kernel::Error;
use yangguang_kernel::text::clip;
use yangguang_kernel::timefmt::{self, fmt_date, fmt_instant_cst, parse_rfc3339};
use yangguang_webcore::AppState;
use yangguang_webcore::access::{Access, Route};
use yangguang_webcore::error::{PageError, render};
use yangguang_webcore::layout::{Frame, Layout};

use crate::cache::{Key, Lookup, PageCache, render_page};
use crate::listing;
use crate::model::Validity;
use crate::public::{self, CatalogFilter, PublicItem};
use crate::store::{self, Category};
use crate::text::escape;
use crate::view::{Esc, Opt, Row, Side, enc, opts, write_enc};

pub fn routes() -> Vec<Route> {
    use axum::routing::get;
    vec![
        Route::get("/xxgk/", Access::Public, get(column)),
        Route::get("/xxgk", Access::Public, get(column_redirect)),
        Route::get("/xxgk/ml", Access::Public, get(catalog)),
        Route::get("/xxgk/item/{id}", Access::Public, get(item)),
        Route::get("/xxgk/item/{id}/print", Access::Public, get(print)),
        Route::get("/xxgk/feed.atom", Access::Public, get(feed_all)),
        Route::get("/xxgk/feed/{feed}", Access::Public, get(feed_category)),
        Route::get("/sitemap.xml", Access::Public, get(sitemap)),
    ]
}

/// Rows per page of the column list and the catalog.
pub const PER_PAGE: i64 = 20;
/// Entries per Atom feed.
pub const FEED_LEN: i64 = 50;
/// URLs per sitemap file (the sitemap protocol's limit).
pub const SITEMAP_MAX: usize = 50_000;

type Query2 = Result<Query<Vec<(String, String)>>, QueryRejection>;

fn first<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim())
        .unwrap_or_default()
}

fn page_error(layout: Layout, error: Error) -> Response {
    PageError {
        error,
        layout,
        status: None,
    }
    .into_response()
}

/// One 404 for an unknown id, a malformed id and an item the public may
/// not see: nothing tells an unpublished item from a missing one.
fn item_not_found(layout: Layout) -> Response {
    page_error(
        layout,
        Error::NotFound("您要查看的信息不存在或已移动。请通过公开目录或站内搜索查找。".into()),
    )
}

// ---------------------------------------------------------------- paging

pub struct PageLink<H> {
    pub n: i64,
    pub href: H,
    pub current: bool,
}

/// Page links (keeping the filters): first, previous, a window of
/// numbers, next, last.
pub struct Pager<H> {
    pub page: i64,
    pub pages: i64,
    pub first: Option<H>,
    pub prev: Option<H>,
    pub next: Option<H>,
    pub last: Option<H>,
    pub numbers: Vec<PageLink<H>>,
}

fn pager<H>(page: i64, total: i64, href: impl Fn(i64) -> H) -> Pager<H> {
    let pages = ((total + PER_PAGE - 1) / PER_PAGE).max(1);
    let lo = (page - 4).max(1);
    let hi = (lo + 8).min(pages);
    Pager {
        page,
        pages,
        first: (page > 1).then(|| href(1)),
        prev: (page > 1).then(|| href((page - 1).min(pages))),
        next: (page < pages).then(|| href(page + 1)),
        last: (page < pages).then(|| href(pages)),
        numbers: (lo..=hi)
            .map(|n| PageLink {
                n,
                href: href(n),
                current: n == page,
            })
            .collect(),
    }
}

fn parse_page(s: &str) -> Result<i64, Error> {
    if s.is_empty() {
        return Ok(1);
    }
    match s.parse::<i64>() {
        Ok(n) if (1..=100_000).contains(&n) => Ok(n),
        _ => Err(Error::invalid(
            "invalid_page",
            format!("页码“{}”无效：应为不小于 1 的整数", clip(s, 20)),
        )),
    }
}

// ---------------------------------------------------------------- /xxgk/

/// A page of the column's list: `/xxgk/` or `/xxgk/?page=n`.
#[derive(Clone, Copy)]
pub struct ColumnHref(i64);

impl fmt::Display for ColumnHref {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            1 => f.write_str("/xxgk/"),
            n => write!(f, "/xxgk/?page={n}"),
        }
    }
}

impl HtmlSafe for ColumnHref {}

#[derive(askama::Template)]
#[template(path = "public_column.html")]
struct ColumnPage<'a> {
    layout: Layout,
    side: Side<'a>,
    rows: Vec<Row<'a>>,
    total: i64,
    pager: Pager<ColumnHref>,
}

async fn column_redirect() -> Redirect {
    Redirect::permanent("/xxgk/")
}

/// The 政府信息公开 column: its menu and the latest titles with dates.
async fn column(State(st): State<AppState>, frame: Frame, q: Query2) -> Response {
    let cache = PageCache::of(&st);
    let mut ticket = None;
    if let (Some(c), Ok(Query(pairs))) = (&cache, &q) {
        match c
            .lookup(&frame, Key::list("column", &[first(pairs, "page")], &frame))
            .await
        {
            Lookup::Hit(r) => return r,
            Lookup::Miss(t) => ticket = Some(t),
            Lookup::Bypass => {}
        }
    }
    let layout = frame.nav("xxgk");
    let page = match q {
        Ok(Query(pairs)) => parse_page(first(&pairs, "page")),
        Err(_) => Err(bad_query()),
    };
    let page = match page {
        Ok(p) => p,
        Err(e) => return page_error(layout, e),
    };
    let f = CatalogFilter {
        page,
        per_page: PER_PAGE,
        ..CatalogFilter::default()
    };
    let src = listing::source(&st).await;
    let menus = match src.menus().await {
        Ok(m) => m,
        Err(e) => return page_error(layout, e),
    };
    let listed = match src.page(&f).await {
        Ok(l) => l,
        Err(e) => return page_error(layout, e),
    };
    let site = layout.site.clone();
    render_page(
        cache.as_deref().zip(ticket),
        &site,
        &ColumnPage {
            layout,
            side: Side::new(&menus, "column", None),
            rows: listed.rows(),
            total: listed.total,
            pager: pager(page, listed.total, ColumnHref),
        },
        &[],
    )
}

fn bad_query() -> Error {
    Error::invalid(
        "invalid_query",
        "网址中的查询参数格式不正确，请从页面上的链接或表单重新进入",
    )
}

// ---------------------------------------------------------------- /xxgk/ml

/// The catalog's query, parsed once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct CatalogQuery {
    category: Option<String>,
    year: Option<i32>,
    genre: Option<String>,
    publisher: Option<String>,
    validity: Option<Validity>,
    oldest_first: bool,
    page: i64,
}

impl CatalogQuery {
    fn parse(pairs: &[(String, String)], cats: &[Category]) -> Result<CatalogQuery, Error> {
        let text = |name: &str, label: &str| -> Result<Option<String>, Error> {
            let v = first(pairs, name);
            if v.chars().count() > 100 || v.chars().any(char::is_control) {
                return Err(Error::invalid(
                    "invalid_filter",
                    format!("{label}“{}”无效，请从列表中选择", clip(v, 20)),
                ));
            }
            Ok((!v.is_empty()).then(|| v.to_string()))
        };
        let category = match first(pairs, "category") {
            "" => None,
            c if cats.iter().any(|x| x.code == c) => Some(c.to_string()),
            c => {
                return Err(Error::invalid(
                    "unknown_category",
                    format!("主题分类“{}”不存在，请从左侧目录中选择", clip(c, 20)),
                ));
            }
        };
        let year = match first(pairs, "year") {
            "" => None,
            y => match y.parse::<i32>() {
                Ok(n) if y.len() == 4 && (1949..=2100).contains(&n) => Some(n),
                _ => {
                    return Err(Error::invalid(
                        "invalid_year",
                        format!("年份“{}”无效：应为四位数字年份，例如 2026", clip(y, 20)),
                    ));
                }
            },
        };
        let validity = match first(pairs, "validity") {
            "" => None,
            v => Some(Validity::parse(v).ok_or_else(|| {
                Error::invalid(
                    "invalid_validity",
                    format!("有效性“{}”无效：应为有效、失效或废止", clip(v, 20)),
                )
            })?),
        };
        let oldest_first = match first(pairs, "sort") {
            "" | "new" => false,
            "old" => true,
            s => {
                return Err(Error::invalid(
                    "invalid_sort",
                    format!(
                        "排序方式“{}”无效：应为 new（最新在前）或 old（最早在前）",
                        clip(s, 20)
                    ),
                ));
            }
        };
        Ok(CatalogQuery {
            category,
            year,
            genre: text("genre", "体裁")?,
            publisher: text("publisher", "发布机构")?,
            validity,
            oldest_first,
            page: parse_page(first(pairs, "page"))?,
        })
    }

    fn filter(&self) -> CatalogFilter {
        CatalogFilter {
            category: self.category.clone(),
            year: self.year,
            genre: self.genre.clone(),
            publisher: self.publisher.clone(),
            validity: self.validity.map(|v| v.label().to_string()),
            oldest_first: self.oldest_first,
            page: self.page,
            per_page: PER_PAGE,
        }
    }

    /// The catalog address with these filters, `sort` and `page`.
    fn href(&self, oldest_first: bool, page: i64) -> Href<'_> {
        Href {
            q: self,
            filters: true,
            oldest_first,
            page,
        }
    }

    /// The catalog address of this query's category alone.
    fn reset_href(&self) -> Href<'_> {
        Href {
            q: self,
            filters: false,
            oldest_first: false,
            page: 1,
        }
    }

    fn filtered(&self) -> bool {
        self.year.is_some()
            || self.genre.is_some()
            || self.publisher.is_some()
            || self.validity.is_some()
    }
}

/// A catalog address, written into the page as it is printed (`&` as
/// `&#38;`, as escaping would write it).
#[derive(Clone, Copy)]
struct Href<'a> {
    q: &'a CatalogQuery,
    /// Keep year, genre, publisher and validity (else the category alone).
    filters: bool,
    oldest_first: bool,
    page: i64,
}

impl fmt::Display for Href<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("/xxgk/ml")?;
        let mut sep = "?";
        let mut part = |f: &mut fmt::Formatter<'_>, name: &str| -> fmt::Result {
            f.write_str(sep)?;
            sep = "&#38;";
            f.write_str(name)?;
            f.write_str("=")
        };
        if let Some(c) = &self.q.category {
            part(f, "category")?;
            write_enc(f, c)?;
        }
        if self.filters {
            if let Some(y) = self.q.year {
                part(f, "year")?;
                write!(f, "{y}")?;
            }
            if let Some(g) = &self.q.genre {
                part(f, "genre")?;
                write_enc(f, g)?;
            }
            if let Some(p) = &self.q.publisher {
                part(f, "publisher")?;
                write_enc(f, p)?;
            }
            if let Some(v) = self.q.validity {
                part(f, "validity")?;
                f.write_str(v.code())?;
            }
        }
        if self.oldest_first {
            part(f, "sort")?;
            f.write_str("old")?;
        }
        if self.page > 1 {
            part(f, "page")?;
            write!(f, "{}", self.page)?;
        }
        Ok(())
    }
}

impl HtmlSafe for Href<'_> {}

#[derive(askama::Template)]
#[template(path = "public_catalog.html")]
struct CatalogPage<'a> {
    layout: Layout,
    side: Side<'a>,
    heading: &'a str,
    feed_href: String,
    feed_title: String,
    error: Option<String>,
    category: &'a str,
    years: Vec<Opt<'a>>,
    genres: Vec<Opt<'a>>,
    publishers: Vec<Opt<'a>>,
    validities: Vec<Opt<'a>>,
    oldest_first: bool,
    newest_href: Href<'a>,
    oldest_href: Href<'a>,
    reset_href: Href<'a>,
    filtered: bool,
    total: i64,
    rows: Vec<Row<'a>>,
    pager: Pager<Href<'a>>,
}

/// The query values that select a catalog page, in a fixed order (the
/// page's cache key: other parameters do not change it).
const CATALOG_PARAMS: [&str; 7] = [
    "category",
    "year",
    "genre",
    "publisher",
    "validity",
    "sort",
    "page",
];

/// 公开目录: browse by category, filter, sort, page.
async fn catalog(State(st): State<AppState>, frame: Frame, q: Query2) -> Response {
    let cache = PageCache::of(&st);
    let mut ticket = None;
    if let (Some(c), Ok(Query(pairs))) = (&cache, &q) {
        let parts = CATALOG_PARAMS.map(|name| first(pairs, name));
        match c.lookup(&frame, Key::list("ml", &parts, &frame)).await {
            Lookup::Hit(r) => return r,
            Lookup::Miss(t) => ticket = Some(t),
            Lookup::Bypass => {}
        }
    }
    let layout = frame.nav("xxgk");
    let src = listing::source(&st).await;
    let menus = match src.menus().await {
        Ok(m) => m,
        Err(e) => return page_error(layout, e),
    };
    let parsed = match q {
        Ok(Query(pairs)) => CatalogQuery::parse(&pairs, &menus.cats),
        Err(_) => Err(bad_query()),
    };
    let (status, error, cq) = match parsed {
        Ok(cq) => (StatusCode::OK, None, cq),
        Err(e) => (
            StatusCode::BAD_REQUEST,
            Some(e.to_string()),
            CatalogQuery {
                page: 1,
                ..CatalogQuery::default()
            },
        ),
    };
    let listed = if error.is_some() {
        listing::Page::empty()
    } else {
        match src.page(&cq.filter()).await {
            Ok(r) => r,
            Err(e) => return page_error(layout, e),
        }
    };
    let category = menus
        .cats
        .iter()
        .find(|c| Some(&c.code) == cq.category.as_ref());
    let (heading, feed_href) = match category {
        Some(c) => (c.name.as_str(), format!("/xxgk/feed/{}.atom", enc(&c.code))),
        None => ("公开目录", "/xxgk/feed.atom".to_string()),
    };
    let year_sel = cq.year.map(|y| y.to_string());
    let validity_sel = cq.validity.map(|v| v.code());
    let site = layout.site.clone();
    let page = CatalogPage {
        side: Side::new(&menus, "catalog", cq.category.as_deref()),
        feed_title: format!("{} · {heading}", layout.site.agency_name),
        layout,
        heading,
        feed_href,
        error,
        category: cq.category.as_deref().unwrap_or_default(),
        years: opts(&menus.year_choices, year_sel.as_deref()),
        genres: opts(&menus.genre_choices, cq.genre.as_deref()),
        publishers: opts(&menus.publisher_choices, cq.publisher.as_deref()),
        // Codes and labels are plain ASCII and Chinese: nothing to escape.
        validities: [Validity::Valid, Validity::Expired, Validity::Repealed]
            .into_iter()
            .map(|v| Opt {
                value: Esc(v.code()),
                label: Esc(v.label()),
                selected: validity_sel == Some(v.code()),
            })
            .collect(),
        oldest_first: cq.oldest_first,
        newest_href: cq.href(false, 1),
        oldest_href: cq.href(true, 1),
        reset_href: cq.reset_href(),
        filtered: cq.filtered(),
        total: listed.total,
        rows: listed.rows(),
        pager: pager(cq.page, listed.total, |n| cq.href(cq.oldest_first, n)),
    };
    // Only a page that answers its query is kept (not a 400).
    if status == StatusCode::OK {
        render_page(cache.as_deref().zip(ticket), &site, &page, &[])
    } else {
        render(status, &page)
    }
}

// ---------------------------------------------------------------- item pages

pub struct AttachmentView {
    pub href: String,
    pub name: String,
    pub kind: String,
    pub size: String,
}

pub struct VersionView {
    pub version: i64,
    pub published_on: String,
    pub note: String,
}

/// 失效 / 废止: label, since when, why.
pub struct ValidityNotice {
    pub label: String,
    pub on: Option<String>,
    pub reason: Option<String>,
}

/// An item as its page and print view show it.
pub struct ItemView {
    pub id: i64,
    pub href: String,
    pub index_no: String,
    pub title: String,
    pub summary: String,
    pub keywords: String,
    pub category_name: String,
    pub category_href: String,
    pub publisher: String,
    pub written_on: String,
    pub doc_no: String,
    pub published_on: String,
    /// 有效性 as the table shows it (已撤销 once withdrawn).
    pub validity: String,
    pub body_html: String,
    pub attachments: Vec<AttachmentView>,
    pub versions: Vec<VersionView>,
    pub interpretations: Vec<(String, String)>,
    pub interprets: Option<(String, String)>,
    /// The items whose titles this page shows (the two above).
    pub links: Vec<i64>,
    /// (when, in Beijing time; why).
    pub withdrawn: Option<(String, String)>,
    pub validity_notice: Option<ValidityNotice>,
}

fn size_label(n: i64) -> String {
    if n >= 1024 * 1024 {
        format!("{:.1} MB", n as f64 / (1024.0 * 1024.0))
    } else {
        format!("{:.1} KB", (n as f64 / 1024.0).max(0.1))
    }
}

fn view(it: PublicItem) -> ItemView {
    let withdrawn = it.withdrawn.as_ref().map(|(at, why)| {
        let at = parse_rfc3339(at)
            .map(fmt_instant_cst)
            .unwrap_or_else(|_| at.clone());
        (at, why.clone())
    });
    let validity_notice =
        (withdrawn.is_none() && it.validity != Validity::Valid.label()).then(|| ValidityNotice {
            label: it.validity.clone(),
            on: it.validity_changed_on.clone().filter(|s| !s.is_empty()),
            reason: it.validity_reason.clone().filter(|s| !s.trim().is_empty()),
        });
    let link = |(id, title): (i64, String)| (format!("/xxgk/item/{id}"), title);
    let links = it
        .interpretations
        .iter()
        .chain(it.interprets.iter())
        .map(|(id, _)| *id)
        .collect();
    ItemView {
        id: it.id,
        href: format!("/xxgk/item/{}", it.id),
        index_no: it.index_no,
        title: it.title,
        summary: it.summary,
        keywords: it.keywords,
        category_href: format!("/xxgk/ml?category={}", enc(&it.category_code)),
        category_name: it.category_name,
        publisher: it.publisher,
        written_on: fmt_date(it.written_on),
        doc_no: it.doc_no,
        published_on: fmt_date(it.published_on),
        validity: if withdrawn.is_some() {
            "已撤销".to_string()
        } else {
            it.validity
        },
        body_html: it.body_html,
        attachments: it
            .attachments
            .into_iter()
            .map(|a| AttachmentView {
                href: format!("/xxgk/file/{}", a.id),
                kind: a
                    .name
                    .rsplit_once('.')
                    .map(|(_, e)| e.to_ascii_uppercase())
                    .unwrap_or_default(),
                size: size_label(a.size),
                name: a.name,
            })
            .collect(),
        versions: it
            .versions
            .into_iter()
            .map(|v| VersionView {
                version: v.version,
                published_on: fmt_date(v.published_on),
                note: v
                    .change_note
                    .filter(|n| !n.trim().is_empty())
                    .unwrap_or_else(|| {
                        if v.version == 1 {
                            "首次发布".to_string()
                        } else {
                            "（未填写变更说明）".to_string()
                        }
                    }),
            })
            .collect(),
        interpretations: it.interpretations.into_iter().map(link).collect(),
        interprets: it.interprets.map(link),
        links,
        withdrawn,
        validity_notice,
    }
}

/// The item id of a path segment: only the canonical form of a positive
/// number (one address per item).
fn item_id(id: &str) -> Option<i64> {
    id.parse::<i64>()
        .ok()
        .filter(|n| *n > 0 && n.to_string() == id)
}

/// The item the public may see, or the one 404 page.
async fn load(st: &AppState, id: &str) -> Result<Option<ItemView>, Error> {
    let Some(n) = item_id(id) else {
        return Ok(None);
    };
    Ok(public::item(&st.kernel, n).await?.map(view))
}

#[derive(askama::Template)]
#[template(path = "public_item.html")]
struct ItemPage {
    layout: Layout,
    it: ItemView,
    /// 字号: "s", "m" or "l".
    fs: &'static str,
}

async fn item(
    State(st): State<AppState>,
    frame: Frame,
    Path(id): Path<String>,
    q: Query2,
) -> Response {
    // An unknown size is the default, not an error: it only changes a class.
    let fs = match q.as_ref().map(|Query(p)| first(p, "fs")) {
        Ok("l") => "l",
        Ok("s") => "s",
        _ => "m",
    };
    let cache = PageCache::of(&st);
    let mut ticket = None;
    if let (Some(c), Some(n)) = (&cache, item_id(&id)) {
        match c.lookup(&frame, Key::item(n, &frame, fs)).await {
            Lookup::Hit(r) => return r,
            Lookup::Miss(t) => ticket = Some(t),
            Lookup::Bypass => {}
        }
    }
    let layout = frame.nav("xxgk");
    let it = match load(&st, &id).await {
        Ok(Some(it)) => it,
        Ok(None) => return item_not_found(layout),
        Err(e) => return page_error(layout, e),
    };
    let site = layout.site.clone();
    let links = it.links.clone();
    render_page(
        cache.as_deref().zip(ticket),
        &site,
        &ItemPage { layout, it, fs },
        &links,
    )
}

#[derive(askama::Template)]
#[template(path = "public_print.html")]
struct PrintPage {
    agency: String,
    it: ItemView,
}

/// 打印本页: A4, no navigation, the metadata table and the text.
async fn print(State(st): State<AppState>, frame: Frame, Path(id): Path<String>) -> Response {
    let layout = frame.nav("xxgk");
    match load(&st, &id).await {
        Ok(Some(it)) => render(
            StatusCode::OK,
            &PrintPage {
                agency: layout.site.agency_name.clone(),
                it,
            },
        ),
        Ok(None) => item_not_found(layout),
        Err(e) => page_error(layout, e),
    }
}

// ---------------------------------------------------------------- XML

/// Text for XML: escaped, without the control characters XML 1.0 forbids.
fn xml(s: &str) -> String {
    let clean: String = s
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
        .collect();
    escape(&clean)
}

/// The site's address for feeds and the sitemap: the `site.url` setting
/// when an administrator set one, else the request's own host.
async fn base_url(st: &AppState, headers: &HeaderMap) -> String {
    let set = yangguang_kernel::db::query_scalar::<String>(
        st.kernel.db.backend(),
        "SELECT value FROM settings WHERE key = 'site.url'",
    )
    .fetch_optional(st.kernel.db.pool())
    .await
    .ok()
    .flatten()
    .map(|u| u.trim().trim_end_matches('/').to_string())
    .filter(|u| u.starts_with("https://") || u.starts_with("http://"));
    if let Some(u) = set {
        return u;
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.len() <= 255
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .unwrap_or("localhost");
    let https = st.secure_cookies
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"));
    format!("{}://{host}", if https { "https" } else { "http" })
}

fn xml_response(content_type: &'static str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        body,
    )
        .into_response()
}

/// An Atom document (RFC 4287) of `entries`.
fn atom(
    base: &str,
    title: &str,
    self_path: &str,
    alt_path: &str,
    author: &str,
    entries: &[public::FeedEntry],
) -> String {
    let updated = entries
        .iter()
        .map(|e| e.updated_at.as_str())
        .max()
        .map(str::to_string)
        .unwrap_or_else(timefmt::now_rfc3339);
    let mut x = String::with_capacity(1024 + entries.len() * 600);
    x.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    x.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"zh-CN\">\n");
    x.push_str(&format!("<title>{}</title>\n", xml(title)));
    x.push_str(&format!(
        "<id>{}</id>\n",
        xml(&format!("{base}{self_path}"))
    ));
    x.push_str(&format!(
        "<link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        xml(&format!("{base}{self_path}"))
    ));
    x.push_str(&format!(
        "<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        xml(&format!("{base}{alt_path}"))
    ));
    x.push_str(&format!("<updated>{}</updated>\n", xml(&updated)));
    x.push_str(&format!("<author><name>{}</name></author>\n", xml(author)));
    for e in entries {
        let url = xml(&format!("{base}/xxgk/item/{}", e.id));
        let mut summary = e.summary.clone();
        if !e.doc_no.is_empty() {
            summary = format!("{}（{}）{summary}", e.index_no, e.doc_no);
        }
        x.push_str("<entry>\n");
        x.push_str(&format!("<title>{}</title>\n", xml(&e.title)));
        x.push_str(&format!(
            "<link rel=\"alternate\" type=\"text/html\" href=\"{url}\"/>\n"
        ));
        x.push_str(&format!("<id>{url}</id>\n"));
        x.push_str(&format!(
            "<published>{}T00:00:00+08:00</published>\n",
            fmt_date(e.published_on)
        ));
        x.push_str(&format!("<updated>{}</updated>\n", xml(&e.updated_at)));
        x.push_str(&format!(
            "<author><name>{}</name></author>\n",
            xml(&e.publisher)
        ));
        x.push_str(&format!(
            "<category term=\"{}\" label=\"{}\"/>\n",
            xml(&e.category_code),
            xml(&e.category_name)
        ));
        x.push_str(&format!(
            "<summary type=\"text\">{}</summary>\n",
            xml(&summary)
        ));
        x.push_str("</entry>\n");
    }
    x.push_str("</feed>\n");
    x
}

const ATOM: &str = "application/atom+xml; charset=utf-8";

/// `/xxgk/feed.atom`: the latest items of the whole catalog.
async fn feed_all(State(st): State<AppState>, frame: Frame, headers: HeaderMap) -> Response {
    let layout = frame.nav("xxgk");
    let entries = match public::feed(&st.kernel, None, FEED_LEN).await {
        Ok(e) => e,
        Err(e) => return page_error(layout, e),
    };
    let base = base_url(&st, &headers).await;
    let agency = &layout.site.agency_name;
    xml_response(
        ATOM,
        atom(
            &base,
            &format!("{agency} · 政府信息公开"),
            "/xxgk/feed.atom",
            "/xxgk/ml",
            agency,
            &entries,
        ),
    )
}

/// `/xxgk/feed/<category>.atom`: a category and its children.
async fn feed_category(
    State(st): State<AppState>,
    frame: Frame,
    headers: HeaderMap,
    Path(feed): Path<String>,
) -> Response {
    let layout = frame.nav("xxgk");
    let not_found = |layout| {
        page_error(
            layout,
            Error::NotFound("没有这个订阅源：请从公开目录的分类页面进入订阅。".into()),
        )
    };
    let Some(code) = feed.strip_suffix(".atom") else {
        return not_found(layout);
    };
    let cats = match store::categories(&st.kernel).await {
        Ok(c) => c,
        Err(e) => return page_error(layout, e),
    };
    let Some(cat) = cats.iter().find(|c| c.code == code) else {
        return not_found(layout);
    };
    let entries = match public::feed(&st.kernel, Some(code), FEED_LEN).await {
        Ok(e) => e,
        Err(e) => return page_error(layout, e),
    };
    let base = base_url(&st, &headers).await;
    let agency = &layout.site.agency_name;
    xml_response(
        ATOM,
        atom(
            &base,
            &format!("{agency} · {}", cat.name),
            &format!("/xxgk/feed/{}.atom", enc(code)),
            &format!("/xxgk/ml?category={}", enc(code)),
            agency,
            &entries,
        ),
    )
}

/// `/sitemap.xml`: the column pages, each category's catalog page and
/// every item page the public can open (withdrawn ones too: see
/// `public::sitemap_entries`). Over 50,000 addresses it becomes an index
/// of `/sitemap.xml?p=N` parts.
async fn sitemap(
    State(st): State<AppState>,
    frame: Frame,
    headers: HeaderMap,
    q: Query2,
) -> Response {
    let layout = frame.nav("");
    let part = match q {
        Ok(Query(pairs)) => match first(&pairs, "p") {
            "" => None,
            p => match p.parse::<usize>() {
                Ok(n) if n >= 1 => Some(n),
                _ => {
                    return page_error(layout, Error::NotFound("网站地图没有这一部分。".into()));
                }
            },
        },
        Err(_) => return page_error(layout, bad_query()),
    };
    let (cats, items) = match (
        store::categories(&st.kernel).await,
        public::sitemap_entries(&st.kernel).await,
    ) {
        (Ok(c), Ok(i)) => (c, i),
        (Err(e), _) | (_, Err(e)) => return page_error(layout, e),
    };
    let base = base_url(&st, &headers).await;
    // Column pages that exist in this application (others are added by
    // their modules' routes).
    let mut urls: Vec<(String, Option<String>)> = [
        "/",
        "/xxgk/",
        "/xxgk/zn",
        "/xxgk/ml",
        "/xxgk/nb",
        "/xxgk/ysqgk",
    ]
    .into_iter()
    .filter(|p| st.access_of(&Method::GET, p).is_some())
    .map(|p| (p.to_string(), None))
    .collect();
    urls.extend(
        cats.iter()
            .map(|c| (format!("/xxgk/ml?category={}", enc(&c.code)), None)),
    );
    urls.extend(
        items
            .into_iter()
            .map(|e| (format!("/xxgk/item/{}", e.id), Some(e.lastmod))),
    );
    let parts = urls.len().div_ceil(SITEMAP_MAX).max(1);
    let mut x = String::with_capacity(256 + urls.len().min(SITEMAP_MAX) * 90);
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let chunk = match (part, parts) {
        (None, 1) => &urls[..],
        (None, _) => {
            x.push_str("<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
            for n in 1..=parts {
                x.push_str(&format!(
                    "<sitemap><loc>{}</loc></sitemap>\n",
                    xml(&format!("{base}/sitemap.xml?p={n}"))
                ));
            }
            x.push_str("</sitemapindex>\n");
            return xml_response("application/xml; charset=utf-8", x);
        }
        (Some(n), _) if n <= parts => {
            let lo = (n - 1) * SITEMAP_MAX;
            &urls[lo..(lo + SITEMAP_MAX).min(urls.len())]
        }
        (Some(_), _) => {
            return page_error(layout, Error::NotFound("网站地图没有这一部分。".into()));
        }
    };
    x.push_str("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for (path, lastmod) in chunk {
        x.push_str(&format!(
            "<url><loc>{}</loc>",
            xml(&format!("{base}{path}"))
        ));
        if let Some(d) = lastmod {
            x.push_str(&format!("<lastmod>{}</lastmod>", xml(d)));
        }
        x.push_str("</url>\n");
    }
    x.push_str("</urlset>\n");
    xml_response("application/xml; charset=utf-8", x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_text_is_escaped_and_loses_forbidden_control_characters() {
        assert_eq!(xml("a<b>&\"'\u{1}"), "a&lt;b&gt;&amp;&quot;&#39;");
    }

    #[test]
    fn pager_keeps_a_window_and_knows_its_ends() {
        let p = pager(1, 45, |n| format!("?page={n}"));
        assert_eq!(p.pages, 3);
        assert!(p.prev.is_none() && p.first.is_none());
        assert_eq!(p.next.as_deref(), Some("?page=2"));
        let p = pager(1, 0, |n| n.to_string());
        assert_eq!(p.pages, 1);
        assert!(p.next.is_none());
    }
}
