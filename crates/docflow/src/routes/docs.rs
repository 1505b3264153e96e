//! Incoming and outgoing lists and the forms that start a document: 收到
//! 来文 (the receiving division files it with its scans) and 拟稿 (the
//! lead division's draft, rich text or an uploaded .docx).

use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use yangguang_kernel::timefmt::{self, fmt_date};
use yangguang_kernel::{Kernel, Result};
use yangguang_webcore::AppState;
use yangguang_webcore::error::{public_message, render, status_of};
use yangguang_webcore::forms::Fields;
use yangguang_webcore::layout::{Frame, Layout};

use super::{fail, form, leaders, me};
use crate::model::{Direction, Status};
use crate::rules::{DocType, Secrecy, Urgency};
use crate::store::{self, LIST_PAGE};
use crate::{incoming, outgoing};

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub page: Option<i64>,
}

pub struct DocRow {
    pub id: i64,
    pub title: String,
    pub number: String,
    pub source: String,
    pub urgency: &'static str,
    pub status: &'static str,
    pub date: String,
    pub due: String,
}

#[derive(askama::Template)]
#[template(path = "docflow_list.html")]
struct ListPage {
    layout: Layout,
    incoming: bool,
    rows: Vec<DocRow>,
    total: i64,
    page: i64,
    more: bool,
    status: String,
    statuses: Vec<(&'static str, &'static str)>,
    oversee: bool,
}

fn statuses(d: Direction) -> Vec<(&'static str, &'static str)> {
    Status::ALL
        .iter()
        .filter(|s| s.direction().is_none_or(|x| x == d))
        .map(|s| (s.as_str(), s.label()))
        .collect()
}

async fn list(k: &Kernel, frame: Frame, q: ListQuery, d: Direction) -> Response {
    let page = q.page.unwrap_or(0).max(0);
    let status = Status::parse(&q.status);
    let r: Result<ListPage> = async {
        let me = me(k, &frame).await?;
        let (docs, total) = store::list_docs(k, &me.who, me.broad(), d, status, page).await?;
        let rows = docs
            .into_iter()
            .map(|x| DocRow {
                id: x.id,
                number: match d {
                    Direction::In => x.reg_no().unwrap_or_default(),
                    Direction::Out => x.doc_no.clone().unwrap_or_default(),
                },
                source: match d {
                    Direction::In => format!("{} {}", x.source_org, x.source_no)
                        .trim()
                        .to_string(),
                    Direction::Out => x
                        .doc_type
                        .map(|t| t.label().to_string())
                        .unwrap_or_default(),
                },
                urgency: x.urgency.label(),
                status: x.status.label(),
                date: x.received_on.clone().unwrap_or_else(|| {
                    super::page::beijing(&x.created_at)
                        .chars()
                        .take(10)
                        .collect()
                }),
                due: x.due_on.clone().unwrap_or_default(),
                title: x.title,
            })
            .collect();
        Ok(ListPage {
            layout: Layout::default(),
            incoming: d == Direction::In,
            rows,
            total,
            page,
            more: (page + 1) * LIST_PAGE < total,
            status: status.map(|s| s.as_str().to_string()).unwrap_or_default(),
            statuses: statuses(d),
            oversee: me.broad(),
        })
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

pub async fn incoming(
    State(st): State<AppState>,
    frame: Frame,
    Query(q): Query<ListQuery>,
) -> Response {
    list(&st.kernel, frame, q, Direction::In).await
}

pub async fn outgoing(
    State(st): State<AppState>,
    frame: Frame,
    Query(q): Query<ListQuery>,
) -> Response {
    list(&st.kernel, frame, q, Direction::Out).await
}

fn secrecies() -> Vec<(&'static str, &'static str)> {
    Secrecy::ALL
        .iter()
        .map(|s| (s.as_str(), s.label()))
        .collect()
}

fn urgencies() -> Vec<(&'static str, &'static str)> {
    Urgency::ALL
        .iter()
        .map(|u| (u.as_str(), u.label()))
        .collect()
}

#[derive(askama::Template)]
#[template(path = "docflow_incoming_form.html")]
struct IncomingForm {
    layout: Layout,
    error: Option<String>,
    v: Fields,
    leaders: Vec<(String, String)>,
    secrecies: Vec<(&'static str, &'static str)>,
    urgencies: Vec<(&'static str, &'static str)>,
    today: String,
}

async fn incoming_page(
    k: &Kernel,
    frame: Frame,
    status: StatusCode,
    error: Option<String>,
    v: Fields,
) -> Response {
    match leaders(k).await {
        Ok(leaders) => render(
            status,
            &IncomingForm {
                layout: frame.nav("staff"),
                error,
                v,
                leaders,
                secrecies: secrecies(),
                urgencies: urgencies(),
                today: fmt_date(super::today()),
            },
        ),
        Err(e) => fail(frame, e),
    }
}

pub async fn incoming_form(State(st): State<AppState>, frame: Frame) -> Response {
    incoming_page(&st.kernel, frame, StatusCode::OK, None, Fields::default()).await
}

pub async fn incoming_create(
    State(st): State<AppState>,
    frame: Frame,
    mp: std::result::Result<Multipart, MultipartRejection>,
) -> Response {
    let (r, kept) = submit(&st.kernel, &frame, mp, false).await;
    match r {
        Ok(id) => Redirect::to(&format!("/staff/docflow/docs/{id}")).into_response(),
        Err(e) => {
            incoming_page(
                &st.kernel,
                frame,
                status_of(&e),
                Some(public_message(&e)),
                kept,
            )
            .await
        }
    }
}

/// Reads a new document's form and files and creates it (incoming:
/// received by the user's division; outgoing: a first draft); the fields
/// are kept to fill the form again when refused.
async fn submit(
    k: &Kernel,
    frame: &Frame,
    mp: std::result::Result<Multipart, MultipartRejection>,
    outgoing: bool,
) -> (Result<i64>, Fields) {
    let mut kept = Fields::default();
    let r: Result<i64> = async {
        let me = me(k, frame).await?;
        let (f, files) = form::read_multipart(mp).await?;
        kept = f.clone();
        if outgoing {
            outgoing::create(k, timefmt::now(), &me.who, form::new_outgoing(&f, files)?).await
        } else {
            incoming::receive(k, timefmt::now(), &me.who, form::new_incoming(&f, files)?).await
        }
    }
    .await;
    (r, kept)
}

#[derive(askama::Template)]
#[template(path = "docflow_outgoing_form.html")]
struct OutgoingForm {
    layout: Layout,
    error: Option<String>,
    v: Fields,
    leaders: Vec<(String, String)>,
    types: Vec<(&'static str, &'static str)>,
    secrecies: Vec<(&'static str, &'static str)>,
    urgencies: Vec<(&'static str, &'static str)>,
}

async fn outgoing_page(
    k: &Kernel,
    frame: Frame,
    status: StatusCode,
    error: Option<String>,
    v: Fields,
) -> Response {
    match leaders(k).await {
        Ok(leaders) => render(
            status,
            &OutgoingForm {
                layout: frame.nav("staff"),
                error,
                v,
                leaders,
                types: DocType::ALL
                    .iter()
                    .map(|t| (t.as_str(), t.label()))
                    .collect(),
                secrecies: secrecies(),
                urgencies: urgencies(),
            },
        ),
        Err(e) => fail(frame, e),
    }
}

pub async fn outgoing_form(State(st): State<AppState>, frame: Frame) -> Response {
    outgoing_page(&st.kernel, frame, StatusCode::OK, None, Fields::default()).await
}

pub async fn outgoing_create(
    State(st): State<AppState>,
    frame: Frame,
    mp: std::result::Result<Multipart, MultipartRejection>,
) -> Response {
    let (r, kept) = submit(&st.kernel, &frame, mp, true).await;
    match r {
        Ok(id) => Redirect::to(&format!("/staff/docflow/docs/{id}")).into_response(),
        Err(e) => {
            outgoing_page(
                &st.kernel,
                frame,
                status_of(&e),
                Some(public_message(&e)),
                kept,
            )
            .await
        }
    }
}
