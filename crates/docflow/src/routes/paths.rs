//! 签发路径: the seven rows of the matrix (RULES.md §6) as data. Everyone
//! who handles documents reads them; the office saves a new version of a
//! type's path with a reason (documents keep the version they began on).

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use yangguang_kernel::audit::Actor;
use yangguang_kernel::perm::Permission;
use yangguang_kernel::{Error, Kernel, Result, timefmt};
use yangguang_webcore::AppState;
use yangguang_webcore::error::{render, status_of};
use yangguang_webcore::forms::Fields;
use yangguang_webcore::layout::{Frame, Layout};

use super::fail;
use crate::rules::{DocType, SignRole, Step};
use crate::{paths, store};

pub struct TypeRow {
    pub code: &'static str,
    pub label: &'static str,
    pub version: i64,
    pub steps: Vec<(String, String)>,
    pub text: String,
    pub note: String,
    pub by: String,
    pub at: String,
    pub older: Vec<(i64, String, String)>,
}

#[derive(askama::Template)]
#[template(path = "docflow_paths.html")]
struct PathsPage {
    layout: Layout,
    rows: Vec<TypeRow>,
    manage: bool,
    error: Option<String>,
    saved: bool,
    steps: Vec<(&'static str, &'static str)>,
    roles: Vec<(&'static str, &'static str)>,
}

async fn rows(k: &Kernel) -> Result<Vec<TypeRow>> {
    let all = store::paths(k).await?;
    let names = store::names(k).await?;
    let mut out = Vec::new();
    for t in DocType::ALL {
        let mut of: Vec<_> = all.iter().filter(|p| p.doc_type == t).collect();
        of.sort_by_key(|p| std::cmp::Reverse(p.version));
        let Some(cur) = of.first() else { continue };
        out.push(TypeRow {
            code: t.as_str(),
            label: t.label(),
            version: cur.version,
            steps: cur
                .steps
                .iter()
                .map(|s| (s.step.label().to_string(), s.role.label().to_string()))
                .collect(),
            text: cur
                .steps
                .iter()
                .map(|s| format!("{}:{}", s.step.as_str(), s.role.as_str()))
                .collect::<Vec<_>>()
                .join("\n"),
            note: cur.note.clone(),
            by: names.display(&cur.created_by),
            at: super::page::beijing(&cur.created_at)
                .chars()
                .take(10)
                .collect(),
            older: of
                .iter()
                .skip(1)
                .map(|p| {
                    (
                        p.version,
                        p.steps
                            .iter()
                            .map(|s| s.step.label())
                            .collect::<Vec<_>>()
                            .join(" → "),
                        p.note.clone(),
                    )
                })
                .collect(),
        });
    }
    Ok(out)
}

async fn show(
    k: &Kernel,
    frame: Frame,
    status: StatusCode,
    error: Option<String>,
    saved: bool,
) -> Response {
    let manage = frame.viewer.can(Permission::DocflowManage);
    match rows(k).await {
        Ok(rows) => render(
            status,
            &PathsPage {
                layout: frame.nav("staff"),
                rows,
                manage,
                error,
                saved,
                steps: Step::ALL.iter().map(|s| (s.as_str(), s.label())).collect(),
                roles: SignRole::ALL
                    .iter()
                    .map(|r| (r.as_str(), r.label()))
                    .collect(),
            },
        ),
        Err(e) => fail(frame, e),
    }
}

pub async fn page(
    State(st): State<AppState>,
    frame: Frame,
    Query(q): Query<std::collections::HashMap<String, String>>,
) -> Response {
    let saved = q.get("saved").is_some_and(|v| v == "1");
    show(&st.kernel, frame, StatusCode::OK, None, saved).await
}

pub async fn save(State(st): State<AppState>, frame: Frame, f: Fields) -> Response {
    let k = &st.kernel;
    let Some(user) = frame.viewer.user().map(|s| s.username.clone()) else {
        return StatusCode::FORBIDDEN.into_response();
    };
    let r = async {
        let t = DocType::parse(f.get("doc_type"))
            .ok_or_else(|| Error::invalid("invalid_doc_type", "请选择公文类型"))?;
        let lines: Vec<&str> = f.get("steps").lines().collect();
        let steps = paths::parse_steps(&lines)?;
        paths::save(
            k,
            timefmt::now(),
            &Actor::user(&user),
            t,
            &steps,
            f.get("note"),
        )
        .await
    }
    .await;
    match r {
        Ok(_) => Redirect::to("/staff/docflow/paths?saved=1").into_response(),
        Err(e) => {
            show(
                k,
                frame,
                status_of(&e),
                Some(yangguang_webcore::error::public_message(&e)),
                false,
            )
            .await
        }
    }
}
