//! Site search (`/search`) and the JSON APIs for harvesting: search,
//! catalog and one item. Search never shows an error page for odd query
//! text; only malformed filters are refused.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use serde_json::{Value, json};
use yangguang_kernel::Error;
use yangguang_kernel::timefmt::fmt_date;
use yangguang_search::{Order, Query as SearchQuery};
use yangguang_webcore::AppState;
use yangguang_webcore::access::{Access, Route};
use yangguang_webcore::error::{ApiError, PageError, render};
use yangguang_webcore::layout::{Frame, Layout};

use crate::indexer::Indexer;
use crate::public::{self, CatalogFilter};
use crate::store;

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/search", Access::Public, get(search_page)),
        Route::get("/api/v1/search", Access::Public, get(search_api)).api(
            "全文检索已发布的政府信息（按相关度排序）",
            &[
                ("q", "检索词，任意文字", true),
                ("limit", "返回条数，1–100，默认 10", false),
                ("offset", "跳过条数，默认 0", false),
                ("category", "主题分类代码（一级分类）", false),
                ("year", "发布年份", false),
                ("publisher", "发布机构", false),
                ("validity", "有效性：有效、失效、废止", false),
                ("order", "relevance（默认）或 date", false),
            ],
        ),
        Route::get("/api/v1/catalog", Access::Public, get(catalog_api)).api(
            "政府信息公开目录（索引号、名称、内容概述、生成日期等），可按分类、年份、体裁、发布机构、有效性筛选",
            &[
                ("category", "主题分类代码（含下级分类）", false),
                ("year", "发布年份", false),
                ("genre", "体裁", false),
                ("publisher", "发布机构", false),
                ("validity", "有效性", false),
                ("page", "页码，默认 1", false),
                ("per_page", "每页条数，1–100，默认 20", false),
            ],
        ),
        Route::get("/api/v1/items/{id}", Access::Public, get(item_api))
            .api("一条已发布信息的元数据、正文与附件", &[("id", "信息编号", true)]),
    ]
}

fn indexer(st: &AppState) -> Result<Arc<Indexer>, Error> {
    st.service::<Arc<Indexer>>()
        .ok_or_else(|| Error::Internal("搜索索引尚未启动".into()))
}

/// Search parameters, parsed leniently: text is taken as is; filters
/// must be well formed.
#[derive(Deserialize, Default)]
pub struct SearchParams {
    #[serde(default)]
    q: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    publisher: String,
    #[serde(default)]
    validity: String,
    #[serde(default)]
    order: String,
    #[serde(default)]
    page: String,
    #[serde(default)]
    limit: String,
    #[serde(default)]
    offset: String,
}

fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

fn number(name: &str, s: &str, default: usize, max: usize) -> Result<usize, Error> {
    match s.trim() {
        "" => Ok(default),
        t => t
            .parse::<usize>()
            .ok()
            .filter(|n| *n <= max)
            .ok_or_else(|| {
                Error::invalid(
                    "invalid_parameter",
                    format!(
                        "参数 {name} 的值“{}”无效：应为 0 到 {max} 之间的整数",
                        yangguang_kernel::text::clip(t, 20)
                    ),
                )
            }),
    }
}

fn to_query(p: &SearchParams, limit: usize, offset: usize) -> Result<SearchQuery, Error> {
    let year = match p.year.trim() {
        "" => None,
        y => Some(
            y.parse::<i32>()
                .ok()
                .filter(|y| (1949..=2100).contains(y))
                .ok_or_else(|| {
                    Error::invalid(
                        "invalid_parameter",
                        format!("年份“{}”无效", yangguang_kernel::text::clip(y, 10)),
                    )
                })?,
        ),
    };
    Ok(SearchQuery {
        text: yangguang_kernel::text::clip(&p.q, 200),
        category: opt(&p.category),
        year,
        publisher: opt(&p.publisher),
        validity: opt(&p.validity),
        order: if p.order == "date" {
            Order::Newest
        } else {
            Order::Relevance
        },
        offset,
        limit,
    })
}

pub struct HitRow {
    pub title: String,
    pub url: String,
    pub date: String,
    pub snippet: String,
}

#[derive(askama::Template)]
#[template(path = "search.html")]
struct SearchPage {
    layout: Layout,
    q: String,
    order_date: bool,
    total: usize,
    hits: Vec<HitRow>,
    page: usize,
    pages: usize,
    error: Option<String>,
    category: String,
    categories: Vec<(String, String)>,
    query_string: String,
}

const PER_PAGE: usize = 10;

async fn search_page(
    State(st): State<AppState>,
    frame: Frame,
    Query(p): Query<SearchParams>,
) -> Response {
    let categories: Vec<(String, String)> = store::categories(&st.kernel)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|c| c.parent.is_none())
        .map(|c| (c.code, c.name))
        .collect();
    let page = number("page", &p.page, 1, 1000).map(|n| n.max(1));
    let run = match page {
        Ok(page) => to_query(&p, PER_PAGE, (page - 1) * PER_PAGE).and_then(|q| {
            Ok((
                page,
                if p.q.trim().is_empty() {
                    None
                } else {
                    Some(indexer(&st)?.search(&q)?)
                },
            ))
        }),
        Err(e) => Err(e),
    };
    let query_string = serde_urlencoded::to_string([
        ("q", p.q.as_str()),
        ("category", p.category.as_str()),
        ("order", p.order.as_str()),
    ])
    .unwrap_or_default();
    let (status, error, page, hits) = match run {
        Ok((page, hits)) => (StatusCode::OK, None, page, hits),
        Err(e) if e.is_client_error() => (StatusCode::BAD_REQUEST, Some(e.to_string()), 1, None),
        Err(e) => {
            return PageError {
                error: e,
                layout: frame.nav("search"),
                status: None,
            }
            .into_response();
        }
    };
    let total = hits.as_ref().map(|h| h.total).unwrap_or(0);
    render(
        status,
        &SearchPage {
            layout: frame.nav("search"),
            q: p.q.clone(),
            order_date: p.order == "date",
            total,
            pages: total.div_ceil(PER_PAGE).min(1000),
            page,
            hits: hits
                .map(|h| {
                    h.items
                        .into_iter()
                        .map(|x| HitRow {
                            title: x.title,
                            url: x.url,
                            date: fmt_date(x.published_on),
                            snippet: x.snippet,
                        })
                        .collect()
                })
                .unwrap_or_default(),
            error,
            category: p.category.clone(),
            categories,
            query_string,
        },
    )
}

async fn search_api(
    State(st): State<AppState>,
    Query(p): Query<SearchParams>,
) -> Result<Json<Value>, ApiError> {
    let limit = number("limit", &p.limit, 10, yangguang_search::MAX_LIMIT)?;
    let offset = number("offset", &p.offset, 0, yangguang_search::MAX_OFFSET)?;
    let q = to_query(&p, limit, offset)?;
    let hits = indexer(&st)?.search(&q)?;
    Ok(Json(json!({
        "total": hits.total,
        "items": hits.items.iter().map(|h| json!({
            "id": h.id,
            "title": h.title,
            "url": h.url,
            "published_on": fmt_date(h.published_on),
            "snippet": h.snippet,
        })).collect::<Vec<_>>(),
    })))
}

#[derive(Deserialize, Default)]
struct CatalogParams {
    #[serde(default)]
    category: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    genre: String,
    #[serde(default)]
    publisher: String,
    #[serde(default)]
    validity: String,
    #[serde(default)]
    page: String,
    #[serde(default)]
    per_page: String,
}

async fn catalog_api(
    State(st): State<AppState>,
    Query(p): Query<CatalogParams>,
) -> Result<Json<Value>, ApiError> {
    let year = match p.year.trim() {
        "" => None,
        y => Some(
            y.parse::<i32>()
                .ok()
                .filter(|y| (1949..=2100).contains(y))
                .ok_or_else(|| {
                    Error::invalid(
                        "invalid_parameter",
                        format!("年份“{}”无效", yangguang_kernel::text::clip(y, 10)),
                    )
                })?,
        ),
    };
    let page = number("page", &p.page, 1, 100_000)?.max(1);
    let per_page = number("per_page", &p.per_page, 20, 100)?.max(1);
    let f = CatalogFilter {
        category: opt(&p.category),
        year,
        genre: opt(&p.genre),
        publisher: opt(&p.publisher),
        validity: opt(&p.validity),
        oldest_first: false,
        page: page as i64,
        per_page: per_page as i64,
    };
    let (total, rows) = crate::listing::source(&st).await.catalog(&f).await?;
    Ok(Json(json!({
        "total": total,
        "page": page,
        "per_page": per_page,
        "items": rows.iter().map(|r| json!({
            "id": r.id,
            "index_no": r.index_no,
            "title": r.title,
            "summary": r.summary,
            "category": r.category_name,
            "genre": r.genre,
            "publisher": r.publisher,
            "written_on": fmt_date(r.written_on),
            "published_on": fmt_date(r.published_on),
            "doc_no": r.doc_no,
            "validity": r.validity,
            "url": format!("/xxgk/item/{}", r.id),
        })).collect::<Vec<_>>(),
    })))
}

async fn item_api(
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let not_found = || ApiError(Error::NotFound("信息不存在".into()));
    let id: i64 = id.parse().map_err(|_| not_found())?;
    let it = public::item(&st.kernel, id).await?.ok_or_else(not_found)?;
    Ok(Json(json!({
        "id": it.id,
        "index_no": it.index_no,
        "version": it.version,
        "title": it.title,
        "summary": it.summary,
        "category": it.category_name,
        "genre": it.genre,
        "publisher": it.publisher,
        "written_on": fmt_date(it.written_on),
        "published_on": fmt_date(it.published_on),
        "doc_no": it.doc_no,
        "keywords": it.keywords,
        "validity": it.validity,
        "withdrawn": it.withdrawn.as_ref().map(|(at, why)| json!({ "at": at, "reason": why })),
        "body_html": it.body_html,
        "attachments": it.attachments.iter().map(|a| json!({
            "name": a.name, "mime": a.mime, "size": a.size, "url": format!("/xxgk/file/{}", a.id),
        })).collect::<Vec<_>>(),
        "url": format!("/xxgk/item/{}", it.id),
    })))
}
