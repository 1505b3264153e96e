//! The office's catalog settings page: the 主题分类 tree and the 索引号
//! pattern (`/staff/disclosure/settings`).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use yangguang_kernel::audit::Actor;
use yangguang_kernel::perm::Permission;
use yangguang_kernel::{Error, timefmt};
use yangguang_webcore::AppState;
use yangguang_webcore::access::{Access, Route};
use yangguang_webcore::error::{PageError, render};
use yangguang_webcore::forms::Fields;
use yangguang_webcore::layout::{Frame, Layout};

use crate::{rules, settings, store};

pub fn routes() -> Vec<Route> {
    let p = Access::Perm(Permission::DisclosureManage);
    vec![
        Route::get("/staff/disclosure/settings", p, get(page)),
        Route::post("/staff/disclosure/settings/categories", p, post(add)),
        Route::post(
            "/staff/disclosure/settings/categories/{code}",
            p,
            post(update),
        ),
        Route::post("/staff/disclosure/settings/index-pattern", p, post(pattern)),
    ]
}

pub struct Row {
    pub code: String,
    pub name: String,
    pub parent: String,
    pub child: bool,
}

#[derive(askama::Template)]
#[template(path = "staff_disclosure_settings.html")]
struct Page {
    layout: Layout,
    rows: Vec<Row>,
    tops: Vec<(String, String)>,
    pattern: String,
    example: String,
    notice: Option<&'static str>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
struct Done {
    #[serde(default)]
    done: String,
}

async fn show(
    st: &AppState,
    frame: Frame,
    notice: Option<&'static str>,
    error: Option<String>,
) -> Response {
    let k = &st.kernel;
    let (cats, pattern) = match (store::categories(k).await, settings::index_pattern(k).await) {
        (Ok(c), Ok(p)) => (c, p),
        (Err(e), _) | (_, Err(e)) => {
            return PageError {
                error: e,
                layout: frame.nav("staff"),
                status: None,
            }
            .into_response();
        }
    };
    let agency = yangguang_kernel::org_store::main_agency(k)
        .await
        .ok()
        .flatten()
        .map(|a| a.code)
        .unwrap_or_default();
    let year = timefmt::today_cst(timefmt::now()).year();
    let example = rules::format_index_no(&pattern, &agency, year, 1).unwrap_or_default();
    let name_of = |code: &Option<String>| {
        code.as_ref()
            .and_then(|c| cats.iter().find(|x| &x.code == c))
            .map(|x| x.name.clone())
            .unwrap_or_default()
    };
    let mut rows = Vec::new();
    for top in cats.iter().filter(|c| c.parent.is_none()) {
        rows.push(Row {
            code: top.code.clone(),
            name: top.name.clone(),
            parent: String::new(),
            child: false,
        });
        for c in cats
            .iter()
            .filter(|c| c.parent.as_deref() == Some(top.code.as_str()))
        {
            rows.push(Row {
                code: c.code.clone(),
                name: c.name.clone(),
                parent: name_of(&c.parent),
                child: true,
            });
        }
    }
    let tops = cats
        .iter()
        .filter(|c| c.parent.is_none())
        .map(|c| (c.code.clone(), c.name.clone()))
        .collect();
    let status = match &error {
        Some(_) => StatusCode::BAD_REQUEST,
        None => StatusCode::OK,
    };
    render(
        status,
        &Page {
            layout: frame.nav("staff"),
            rows,
            tops,
            pattern,
            example,
            notice,
            error,
        },
    )
}

async fn page(State(st): State<AppState>, frame: Frame, Query(q): Query<Done>) -> Response {
    let notice = match q.done.as_str() {
        "category" => Some("主题分类已保存。"),
        "pattern" => Some("索引号格式已保存，此后生成的索引号按新格式编排；已生成的索引号不变。"),
        _ => None,
    };
    show(&st, frame, notice, None).await
}

fn actor(frame: &Frame) -> Option<Actor> {
    frame.viewer.user().map(|s| Actor::user(&s.username))
}

async fn done(st: &AppState, frame: Frame, r: Result<(), Error>, what: &str) -> Response {
    match r {
        Ok(()) => Redirect::to(&format!("/staff/disclosure/settings?done={what}")).into_response(),
        Err(e) if e.is_client_error() => show(st, frame, None, Some(e.to_string())).await,
        Err(e) => PageError {
            error: e,
            layout: frame.nav("staff"),
            status: None,
        }
        .into_response(),
    }
}

async fn add(State(st): State<AppState>, frame: Frame, f: Fields) -> Response {
    let Some(a) = actor(&frame) else {
        return StatusCode::FORBIDDEN.into_response();
    };
    let r = settings::add_category(
        &st.kernel,
        &a,
        timefmt::now(),
        f.get("code"),
        f.get("name"),
        f.get("parent"),
        f.get("sort"),
    )
    .await;
    done(&st, frame, r, "category").await
}

async fn update(
    State(st): State<AppState>,
    frame: Frame,
    Path(code): Path<String>,
    f: Fields,
) -> Response {
    let Some(a) = actor(&frame) else {
        return StatusCode::FORBIDDEN.into_response();
    };
    let r = settings::update_category(
        &st.kernel,
        &a,
        timefmt::now(),
        &code,
        f.get("name"),
        f.get("sort"),
    )
    .await;
    done(&st, frame, r, "category").await
}

async fn pattern(State(st): State<AppState>, frame: Frame, f: Fields) -> Response {
    let Some(a) = actor(&frame) else {
        return StatusCode::FORBIDDEN.into_response();
    };
    let r = settings::set_index_pattern(&st.kernel, &a, timefmt::now(), f.get("pattern")).await;
    done(&st, frame, r, "pattern").await
}
