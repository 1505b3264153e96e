//! 公文检索: full-text search over the documents this person may open
//! (the permission filter is part of the search itself, `crate::search`).

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use yangguang_kernel::timefmt::{fmt_date, parse_rfc3339, today_cst};
use yangguang_kernel::{Error, Result};
use yangguang_webcore::AppState;
use yangguang_webcore::error::render;
use yangguang_webcore::layout::{Frame, Layout};

use super::{fail, me};
use crate::model::Direction;
use crate::search::{DocQuery, DocSearch, PAGE};

/// Deepest page offered (the search crate pages to 10,000 hits).
const MAX_PAGE: usize = yangguang_search::MAX_OFFSET / PAGE;

#[derive(Debug, Default, Deserialize)]
pub struct SearchParams {
    #[serde(default)]
    pub q: String,
    /// `in` (收文), `out` (发文) or empty (both).
    #[serde(default)]
    pub direction: String,
    /// From 1; anything else is the first page.
    #[serde(default)]
    pub page: String,
}

pub struct HitRow {
    pub id: i64,
    pub title: String,
    pub number: String,
    pub direction: &'static str,
    pub status: &'static str,
    pub date: String,
    pub snippet: String,
}

#[derive(askama::Template)]
#[template(path = "docflow_search.html")]
struct SearchPage {
    layout: Layout,
    q: String,
    direction: String,
    searched: bool,
    total: usize,
    rows: Vec<HitRow>,
    page: usize,
    pages: usize,
    per_page: usize,
    oversee: bool,
}

pub async fn page(
    State(st): State<AppState>,
    frame: Frame,
    Query(p): Query<SearchParams>,
) -> Response {
    let k = &st.kernel;
    let text = yangguang_kernel::text::clip(p.q.trim(), 200);
    let direction = match p.direction.as_str() {
        "in" => Some(Direction::In),
        "out" => Some(Direction::Out),
        _ => None,
    };
    let page = p
        .page
        .trim()
        .parse::<usize>()
        .unwrap_or(1)
        .clamp(1, MAX_PAGE);
    let r: Result<SearchPage> = async {
        let me = me(k, &frame).await?;
        let mut out = SearchPage {
            layout: Layout::default(),
            q: text.clone(),
            direction: direction.map(|d| d.as_str()).unwrap_or("").to_string(),
            searched: !text.is_empty(),
            total: 0,
            rows: Vec::new(),
            page,
            pages: 0,
            per_page: PAGE,
            oversee: me.broad(),
        };
        if text.is_empty() {
            return Ok(out);
        }
        let index = st
            .service::<Arc<DocSearch>>()
            .ok_or_else(|| Error::Internal("公文检索索引尚未启动".into()))?;
        let found = index
            .search(
                &me.who,
                me.broad(),
                &DocQuery {
                    text: text.clone(),
                    direction,
                    page: page - 1,
                },
            )
            .await?;
        out.total = found.total;
        out.pages = found.total.div_ceil(PAGE).min(MAX_PAGE);
        out.rows = found
            .docs
            .into_iter()
            .map(|f| HitRow {
                id: f.doc.id,
                number: f
                    .doc
                    .doc_no
                    .clone()
                    .or_else(|| f.doc.reg_no())
                    .unwrap_or_default(),
                direction: f.doc.direction.label(),
                status: f.doc.status.label(),
                date: parse_rfc3339(&f.doc.created_at)
                    .map(|t| fmt_date(today_cst(t)))
                    .unwrap_or_default(),
                snippet: f.snippet,
                title: f.doc.title,
            })
            .collect();
        Ok(out)
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
