//! The security administrator's policy page: password rules, lockout after
//! repeated failed sign-ins, session timeouts (RULES.md §9). Each field
//! shows its allowed range; a value outside it is refused with the Chinese
//! message and nothing is saved.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use yangguang_kernel::audit::Actor;
use yangguang_kernel::auth::{POLICY_FIELDS, Policy};
use yangguang_kernel::perm::Permission;
use yangguang_kernel::timefmt;

use crate::AppState;
use crate::access::{Access, Route};
use crate::error::{PageError, render, status_of};
use crate::forms::Fields;
use crate::layout::{Frame, Layout};

pub fn routes() -> Vec<Route> {
    let p = Access::Perm(Permission::PolicyManage);
    vec![
        Route::get("/admin/policy", p, get(policy_page)),
        Route::post("/admin/policy", p, post(policy_submit)),
    ]
}

pub struct PolicyField {
    pub key: &'static str,
    pub label: &'static str,
    pub min: u32,
    pub max: u32,
    pub value: String,
}

#[derive(askama::Template)]
#[template(path = "admin_policy.html")]
struct PolicyPage {
    layout: Layout,
    done: bool,
    error: Option<String>,
    fields: Vec<PolicyField>,
}

#[derive(Deserialize)]
struct DoneQuery {
    #[serde(default)]
    done: String,
}

fn fields(value: impl Fn(&str) -> String) -> Vec<PolicyField> {
    POLICY_FIELDS
        .iter()
        .map(|(key, label, min, max)| PolicyField {
            key,
            label,
            min: *min,
            max: *max,
            value: value(key),
        })
        .collect()
}

async fn policy_page(
    State(st): State<AppState>,
    frame: Frame,
    Query(q): Query<DoneQuery>,
) -> Response {
    let policy = match Policy::load(&st.kernel).await {
        Ok(p) => p,
        Err(e) => {
            return PageError {
                error: e,
                layout: frame.nav("admin"),
                status: None,
            }
            .into_response();
        }
    };
    render(
        StatusCode::OK,
        &PolicyPage {
            layout: frame.nav("admin"),
            done: q.done == "1",
            error: None,
            fields: fields(|k| policy.get(k).to_string()),
        },
    )
}

async fn policy_submit(State(st): State<AppState>, frame: Frame, f: Fields) -> Response {
    let Some(s) = frame.viewer.user().cloned() else {
        return StatusCode::FORBIDDEN.into_response();
    };
    let result = match Policy::parse(&f.0) {
        Ok(p) => {
            p.save(&st.kernel, &Actor::user(&s.username), timefmt::now())
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Redirect::to("/admin/policy?done=1").into_response(),
        Err(e) if e.is_client_error() => render(
            status_of(&e),
            &PolicyPage {
                layout: frame.nav("admin"),
                done: false,
                error: Some(e.to_string()),
                // The submitted values, so the person can correct one.
                fields: fields(|k| f.get(k).trim().to_string()),
            },
        ),
        Err(e) => PageError {
            error: e,
            layout: frame.nav("admin"),
            status: None,
        }
        .into_response(),
    }
}
