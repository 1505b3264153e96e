//! 权力清单 public pages: `/qlqd/` the list with filters and search,
//! `/qlqd/{code}` the item with its 办事指南 and flowchart, the whole list
//! as .xlsx.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use yangguang_kernel::timefmt::fmt_date;
use yangguang_kernel::{Error, Kernel, Result};
use yangguang_process::steps::Step;
use yangguang_process::svg::{self, View};
use yangguang_webcore::AppState;
use yangguang_webcore::download::serve_download;
use yangguang_webcore::error::render;
use yangguang_webcore::layout::{Frame, Layout};

use super::fail;

use crate::listing::{self, Filter, PAGE_SIZE, Summary};
use crate::model::{Category, Item};
use crate::{process_store, store, xlsx};

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    category: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    page: String,
}

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(askama::Template)]
#[template(path = "qlqd_list.html")]
struct ListPage {
    layout: Layout,
    heading: String,
    categories: Vec<(String, String, i64, bool)>,
    units: Vec<Choice>,
    q: String,
    total: i64,
    rows: Vec<Summary>,
    page: i64,
    pages: i64,
    prev: Option<String>,
    next: Option<String>,
    filtered: bool,
    error: Option<String>,
}

fn href(f: &Filter, page: i64) -> String {
    let mut parts = Vec::new();
    if let Some(c) = f.category {
        parts.push(format!("category={}", c.as_str()));
    }
    if !f.unit.is_empty() {
        parts.push(format!("unit={}", enc(&f.unit)));
    }
    if !f.q.is_empty() {
        parts.push(format!("q={}", enc(&f.q)));
    }
    if page > 1 {
        parts.push(format!("page={page}"));
    }
    if parts.is_empty() {
        "/qlqd/".into()
    } else {
        format!("/qlqd/?{}", parts.join("&"))
    }
}

fn enc(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .map(|v| v.trim_start_matches('=').to_string())
        .unwrap_or_default()
}

/// Parses the query into a filter; a bad value is named, the rest kept.
fn filter_of(q: &ListQuery) -> (Filter, i64, Option<String>) {
    let mut error = None;
    let category = match q.category.trim() {
        "" => None,
        c => match Category::parse(c) {
            Some(c) => Some(c),
            None => {
                error = Some(format!(
                    "类别“{}”不存在，已显示全部类别",
                    yangguang_kernel::text::clip(c, 20)
                ));
                None
            }
        },
    };
    let page = match q.page.trim() {
        "" => 1,
        p => match p.parse::<i64>() {
            Ok(n) if (1..=100_000).contains(&n) => n,
            _ => {
                error = Some("页码无效，已显示第 1 页".into());
                1
            }
        },
    };
    let f = Filter {
        category,
        unit: q.unit.trim().chars().take(60).collect(),
        q: q.q.trim().chars().take(60).collect(),
        abolished: false,
    };
    (f, page, error)
}

pub async fn list(
    State(st): State<AppState>,
    frame: Frame,
    Query(q): Query<ListQuery>,
) -> Response {
    let layout = frame.nav("qlqd");
    let (f, page, error) = filter_of(&q);
    let k = &st.kernel;
    let cat = match listing::catalog(k).await {
        Ok(c) => c,
        Err(e) => return fail(e, layout),
    };
    let (total, rows) = cat.page(&f, page);
    let counts = cat.counts.clone();
    let units = cat.units.clone();
    let all: i64 = counts.iter().map(|(_, n)| n).sum();
    let mut categories = vec![(
        "/qlqd/".to_string(),
        "全部".to_string(),
        all,
        f.category.is_none(),
    )];
    for (c, n) in counts {
        let mut g = f.clone();
        g.category = Some(c);
        categories.push((href(&g, 1), c.label().to_string(), n, f.category == Some(c)));
    }
    let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let heading = match f.category {
        Some(c) => format!("{}事项", c.label()),
        None => "权力清单".to_string(),
    };
    let page_out = page.min(pages);
    render(
        if error.is_some() {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::OK
        },
        &ListPage {
            layout,
            heading,
            categories,
            units: units
                .into_iter()
                .map(|u| Choice {
                    selected: u == f.unit,
                    value: u.clone(),
                    label: u,
                })
                .collect(),
            q: f.q.clone(),
            total,
            rows,
            page,
            pages,
            prev: (page_out > 1).then(|| href(&f, page_out - 1)),
            next: (page < pages).then(|| href(&f, page + 1)),
            filtered: f != Filter::default(),
            error,
        },
    )
}

#[derive(askama::Template)]
#[template(path = "qlqd_item.html")]
struct ItemPage {
    layout: Layout,
    it: Item,
    updated_on: String,
    statutory: String,
    promised: String,
    tier: String,
    svg: String,
    process_name: String,
    process_version: i64,
    steps: Vec<Step>,
    versions: Vec<(i64, String, String)>,
    /// Each basis with the catalog item of its law's text, when published.
    basis: Vec<(crate::model::Basis, Option<i64>)>,
}

/// The item and the newest version of its process, or 404.
async fn item_and_process(k: &Kernel, code: &str) -> Result<(Item, process_store::ProcessVersion)> {
    let not_found = || {
        Error::NotFound(format!(
            "权力清单中没有编码为“{}”的事项",
            yangguang_kernel::text::clip(code, 40)
        ))
    };
    let it = store::get(k, code).await?.ok_or_else(not_found)?;
    let p = process_store::current(k, &it.content.process)
        .await?
        .ok_or_else(|| {
            Error::Internal(format!(
                "process {} of item {code} missing",
                it.content.process
            ))
        })?;
    Ok((it, p))
}

pub async fn item(State(st): State<AppState>, frame: Frame, Path(code): Path<String>) -> Response {
    let layout = frame.nav("qlqd");
    let k = &st.kernel;
    let r: Result<_> = async {
        let (it, p) = item_and_process(k, &code).await?;
        let versions = store::versions(k, it.id).await?;
        let mut laws: Vec<String> = it.content.basis.iter().map(|b| b.law.clone()).collect();
        laws.dedup();
        let linked = yangguang_disclosure::public::listed_by_title(k, &laws).await?;
        Ok((it, p, versions, linked))
    }
    .await;
    let (it, p, versions, linked) = match r {
        Ok(v) => v,
        Err(e) => return fail(e, layout),
    };
    let view = View {
        title: Some(format!("{}办理流程图", it.content.name)),
        ..View::default()
    };
    let c = &it.content;
    let page = ItemPage {
        updated_on: fmt_date(it.updated_on),
        statutory: c
            .statutory
            .map(|l| l.label())
            .unwrap_or_else(|| "无".into()),
        promised: c.promised.map(|l| l.label()).unwrap_or_else(|| "无".into()),
        tier: c.tier.map(|t| t.label().to_string()).unwrap_or_default(),
        svg: svg::render(&p.definition, &view),
        process_name: p.name.clone(),
        process_version: p.version,
        steps: yangguang_process::steps::steps(&p.definition),
        versions: versions
            .into_iter()
            .map(|v| (v.version, fmt_date(v.changed_on), v.reason))
            .collect(),
        basis: it
            .content
            .basis
            .iter()
            .map(|b| {
                let id = linked.iter().find(|(t, _)| *t == b.law).map(|(_, id)| *id);
                (b.clone(), id)
            })
            .collect(),
        layout,
        it,
    };
    render(StatusCode::OK, &page)
}

/// The item's flowchart alone, as an SVG file.
pub async fn flow_svg(
    State(st): State<AppState>,
    frame: Frame,
    Path(code): Path<String>,
) -> Response {
    let code = code.trim_end_matches(".svg").to_string();
    match item_and_process(&st.kernel, &code).await {
        Ok((it, p)) => {
            let view = View {
                title: Some(format!("{}办理流程图", it.content.name)),
                ..View::default()
            };
            let mut resp = svg::render(&p.definition, &view).into_response();
            resp.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("image/svg+xml; charset=utf-8"),
            );
            resp
        }
        Err(e) => fail(e, frame.nav("qlqd")),
    }
}

pub async fn export(State(st): State<AppState>, frame: Frame) -> Response {
    let r: Result<Vec<u8>> = async {
        let items = store::all(&st.kernel).await?;
        xlsx::write(&items, "权力清单")
    }
    .await;
    match r {
        Ok(bytes) => serve_download(
            "权力清单.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            bytes,
        ),
        Err(e) => fail(e, frame.nav("qlqd")),
    }
}
