//! The 公开指南 (条例 Art 12): its settings, which the office edits (every
//! save kept, the history shown with what changed), and the public page
//! `/xxgk/zn` made from the latest.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use yangguang_kernel::audit::Actor;
use yangguang_kernel::perm::Permission;
use yangguang_kernel::timefmt::{self, fmt_date_cn, fmt_instant_cst, parse_rfc3339, today_cst};
use yangguang_kernel::{Kernel, org_store};
use yangguang_webcore::AppState;
use yangguang_webcore::access::{Access, Route};
use yangguang_webcore::error::{PageError, render, status_of};
use yangguang_webcore::forms::Fields;
use yangguang_webcore::layout::{Frame, Layout};

use super::staff::{Done, fail, me, name_of, names};
use crate::DisclosureError;
use crate::guide::{self, FIELDS, FieldSpec, Guide};
use crate::listing;
use crate::store;
use crate::view::{Menus, Side};

type Result<T> = std::result::Result<T, DisclosureError>;

pub fn routes() -> Vec<Route> {
    let manage = Access::Perm(Permission::DisclosureManage);
    vec![
        Route::get("/staff/disclosure/guide", manage, get(guide_page)),
        Route::post("/staff/disclosure/guide", manage, post(guide_save)),
        Route::get("/xxgk/zn", Access::Public, get(guide_public)),
    ]
}

// ---- the guide: settings (office) ------------------------------------------------

/// The guide's settings: the latest saved, else the defaults made from the
/// agency and the category tree (`cats` when the caller has it at hand).
pub async fn current_guide(
    k: &Kernel,
    cats: Option<&[store::Category]>,
) -> Result<(Guide, Option<store::GuideRow>)> {
    match store::latest_guide(k).await? {
        Some(row) => match serde_json::from_str::<Guide>(&row.settings) {
            Ok(g) => Ok((g, Some(row))),
            Err(e) => Err(DisclosureError::Internal(format!(
                "公开指南设置无法读取：{e}"
            ))),
        },
        None => {
            let agency = org_store::main_agency(k).await?;
            let g = match cats {
                Some(cats) => Guide::default_for(agency.as_ref(), cats),
                None => Guide::default_for(agency.as_ref(), &store::categories(k).await?),
            };
            Ok((g, None))
        }
    }
}

pub struct HistoryRow {
    pub version: i64,
    pub who: String,
    pub at: String,
    pub changed: String,
}

#[derive(askama::Template)]
#[template(path = "staff_disclosure_guide.html")]
struct GuidePage {
    layout: Layout,
    notice: Option<&'static str>,
    error: Option<String>,
    v: Fields,
    fields: &'static [FieldSpec],
    saved: bool,
    history: Vec<HistoryRow>,
}

impl GuidePage {
    fn aria(&self) -> String {
        if self.error.is_some() {
            " aria-describedby=\"guide-error\" aria-invalid=\"true\"".to_string()
        } else {
            String::new()
        }
    }
}

fn guide_fields(g: &Guide) -> Fields {
    Fields(
        FIELDS
            .iter()
            .map(|s| (s.name.to_string(), g.get(s.name).to_string()))
            .collect(),
    )
}

async fn show_guide(
    st: &AppState,
    frame: Frame,
    notice: Option<&'static str>,
    error: Option<DisclosureError>,
    posted: Option<Fields>,
) -> Response {
    let k = &st.kernel;
    let r: Result<(Guide, bool, Vec<HistoryRow>)> = async {
        let (g, latest) = current_guide(k, None).await?;
        let names = names(k).await?;
        let rows = store::guide_rows(k, 50).await?;
        let parsed: Vec<Option<Guide>> = rows
            .iter()
            .map(|r| serde_json::from_str::<Guide>(&r.settings).ok())
            .collect();
        let history = rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let changed = match (parsed.get(i).cloned().flatten(), parsed.get(i + 1)) {
                    (Some(now), Some(Some(before))) => {
                        let c = now.changed_from(before);
                        if c.is_empty() {
                            "（未改动内容）".to_string()
                        } else {
                            c.join("、")
                        }
                    }
                    (_, None) => "首次保存".to_string(),
                    _ => "—".to_string(),
                };
                HistoryRow {
                    version: r.id,
                    who: name_of(&names, &r.edited_by),
                    at: parse_rfc3339(&r.edited_at)
                        .map(fmt_instant_cst)
                        .unwrap_or_else(|_| r.edited_at.clone()),
                    changed,
                }
            })
            .collect();
        Ok((g, latest.is_some(), history))
    }
    .await;
    let (g, saved, history) = match r {
        Ok(x) => x,
        Err(e) => return fail(frame, e),
    };
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    render(
        status,
        &GuidePage {
            layout: frame.nav("staff"),
            notice,
            error: error.map(|e| e.to_string()),
            v: posted.unwrap_or_else(|| guide_fields(&g)),
            fields: &FIELDS,
            saved,
            history,
        },
    )
}

async fn guide_page(State(st): State<AppState>, frame: Frame, Query(q): Query<Done>) -> Response {
    let n = (q.done == "guide").then_some("公开指南已保存，网站“公开指南”页面已同步更新。");
    show_guide(&st, frame, n, None, None).await
}

async fn guide_save(State(st): State<AppState>, frame: Frame, f: Fields) -> Response {
    let Some(me) = me(&frame) else {
        return StatusCode::FORBIDDEN.into_response();
    };
    let k = &st.kernel;
    let r = async {
        let g = Guide::parse(|n| f.get(n).to_string())?;
        let (before, _) = current_guide(k, None).await?;
        let changed = g.changed_from(&before);
        let json = serde_json::to_value(&g)
            .map_err(|e| DisclosureError::Internal(format!("公开指南设置无法保存：{e}")))?;
        store::save_guide(
            k,
            &Actor::user(&me.username),
            timefmt::now(),
            &json,
            &changed,
        )
        .await
    }
    .await;
    match r {
        Ok(_) => Redirect::to("/staff/disclosure/guide?done=guide").into_response(),
        Err(e) if e.is_client_error() => show_guide(&st, frame, None, Some(e), Some(f)).await,
        Err(e) => fail(frame, e),
    }
}

// ---- the guide: public page /xxgk/zn -------------------------------------------------

#[derive(askama::Template)]
#[template(path = "xxgk_zn.html")]
struct ZnPage<'a> {
    layout: Layout,
    /// The column's left menu, as on /xxgk/, with 公开指南 current.
    side: Side<'a>,
    agency: String,
    g: Guide,
    updated: Option<String>,
    how: Vec<String>,
    classification: Vec<String>,
    fees: Vec<String>,
    supervision: Vec<String>,
}

async fn guide_public(State(st): State<AppState>, frame: Frame) -> Response {
    let k = &st.kernel;
    let r: Result<(Guide, Option<store::GuideRow>, Arc<Menus>)> = async {
        // The menus hold the category tree the defaults are made from.
        let menus = listing::source(&st).await.menus().await?;
        let (g, row) = current_guide(k, Some(&menus.cats)).await?;
        Ok((g, row, menus))
    }
    .await;
    let (g, row, menus) = match r {
        Ok(x) => x,
        Err(e) => {
            return PageError {
                error: e,
                layout: frame.nav("xxgk"),
                status: None,
            }
            .into_response();
        }
    };
    let owned = |s: &str| guide::lines(s).into_iter().map(str::to_string).collect();
    let agency = frame.layout.site.agency_name.clone();
    let page = ZnPage {
        side: Side::new(&menus, "guide", None),
        agency,
        updated: row.and_then(|r| {
            parse_rfc3339(&r.edited_at)
                .ok()
                .map(|t| fmt_date_cn(today_cst(t)))
        }),
        how: owned(&g.how_to_obtain),
        classification: owned(&g.classification),
        fees: owned(&g.fees),
        supervision: owned(&g.supervision),
        g,
        layout: frame.nav("xxgk"),
    };
    render(StatusCode::OK, &page)
}
