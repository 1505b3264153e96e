//! The office's pages for the power list: import the list from .xlsx
//! (all or nothing, with a report a row), import BPMN process definitions
//! (validated; a new version never changes running cases), download them.

use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use yangguang_kernel::audit::Actor;
use yangguang_kernel::timefmt::{self, fmt_date, today_cst};
use yangguang_kernel::{Error, Result};
use yangguang_webcore::AppState;
use yangguang_webcore::download::serve_download;
use yangguang_webcore::error::{PageError, path_id, render};
use yangguang_webcore::forms::Upload;
use yangguang_webcore::layout::{Frame, Layout};

use crate::process_store::{self, ProcessVersion};
use crate::store::{self, ImportReport};
use crate::xlsx;

#[derive(askama::Template)]
#[template(path = "qlqd_staff.html")]
struct StaffPage {
    layout: Layout,
    processes: Vec<ProcessVersion>,
    items: usize,
    notice: Option<String>,
    error: Option<String>,
    report: Option<ImportReport>,
}

async fn show(
    st: &AppState,
    layout: Layout,
    status: StatusCode,
    notice: Option<String>,
    error: Option<String>,
    report: Option<ImportReport>,
) -> Response {
    let k = &st.kernel;
    let r: Result<_> = async {
        Ok((
            process_store::latest_all(k).await?,
            store::all(k).await?.len(),
        ))
    }
    .await;
    match r {
        Ok((processes, items)) => render(
            status,
            &StaffPage {
                layout,
                processes,
                items,
                notice,
                error,
                report,
            },
        ),
        Err(e) => PageError {
            error: e,
            layout,
            status: None,
        }
        .into_response(),
    }
}

pub async fn page(State(st): State<AppState>, frame: Frame) -> Response {
    show(&st, frame.nav("staff"), StatusCode::OK, None, None, None).await
}

fn actor(frame: &Frame) -> Actor {
    Actor::user(frame.viewer.user().map_or("", |u| u.username.as_str()))
}

/// Shows a refusal on the page with its status; server faults as errors.
async fn refused(st: &AppState, layout: Layout, e: Error) -> Response {
    if e.is_client_error() {
        let status = yangguang_webcore::error::status_of(&e);
        show(st, layout, status, None, Some(e.to_string()), None).await
    } else {
        PageError {
            error: e,
            layout,
            status: None,
        }
        .into_response()
    }
}

pub async fn import_items(
    State(st): State<AppState>,
    frame: Frame,
    mp: std::result::Result<Multipart, MultipartRejection>,
) -> Response {
    let actor = actor(&frame);
    let layout = frame.nav("staff");
    let r: Result<ImportReport> = async {
        let up = Upload::read(mp).await?;
        let (name, bytes) = up.require_file("权力清单表格（.xlsx）")?;
        let rows = xlsx::read(bytes)?;
        let source = if name.is_empty() {
            "权力清单.xlsx"
        } else {
            name
        };
        store::import(&st.kernel, timefmt::now(), &actor, rows, source).await
    }
    .await;
    match r {
        Ok(rep) if rep.applied => {
            let notice = format!("导入完成：共{}行，全部写入。", rep.lines.len());
            show(&st, layout, StatusCode::OK, Some(notice), None, Some(rep)).await
        }
        Ok(rep) => {
            let error = format!(
                "{}行被拒绝，整张表格未导入（没有写入任何一行）。请按下表修改后重新导入。",
                rep.refused()
            );
            show(
                &st,
                layout,
                StatusCode::BAD_REQUEST,
                None,
                Some(error),
                Some(rep),
            )
            .await
        }
        Err(e) => refused(&st, layout, e).await,
    }
}

pub async fn import_process(
    State(st): State<AppState>,
    frame: Frame,
    mp: std::result::Result<Multipart, MultipartRejection>,
) -> Response {
    let actor = actor(&frame);
    let layout = frame.nav("staff");
    let r: Result<_> = async {
        let up = Upload::read(mp).await?;
        let (_, bytes) = up.require_file("流程定义文件（.bpmn）")?;
        let xml = std::str::from_utf8(bytes).map_err(|_| {
            Error::invalid(
                "invalid_process",
                "流程定义文件应为 UTF-8 编码的 BPMN 2.0 XML",
            )
        })?;
        let note = up.fields.get("note").to_string();
        process_store::import_process(&st.kernel, timefmt::now(), &actor, xml, &note).await
    }
    .await;
    match r {
        Ok(i) if i.added => {
            let n = format!(
                "流程“{}”已导入为第{}版（{}起新办件按此版运行，在办件仍按原版本）。",
                i.key,
                i.version,
                fmt_date(today_cst(timefmt::now()))
            );
            show(&st, layout, StatusCode::OK, Some(n), None, None).await
        }
        Ok(i) => {
            let n = format!("流程“{}”与第{}版相同，未新增版本。", i.key, i.version);
            show(&st, layout, StatusCode::OK, Some(n), None, None).await
        }
        Err(e) => refused(&st, layout, e).await,
    }
}

/// A stored version's BPMN, with its diagram (DI), for another modeler.
pub async fn process_file(
    State(st): State<AppState>,
    frame: Frame,
    Path(raw): Path<String>,
) -> Response {
    let r: Result<(String, Vec<u8>)> = async {
        let id = path_id(raw.trim_end_matches(".bpmn"), "流程定义")?;
        let p = process_store::by_id(&st.kernel, id)
            .await?
            .ok_or_else(|| Error::NotFound("没有这个流程定义版本".into()))?;
        let xml = yangguang_process::export::to_bpmn(&p.definition);
        Ok((format!("{}-v{}.bpmn", p.key, p.version), xml.into_bytes()))
    }
    .await;
    match r {
        Ok((name, bytes)) => serve_download(&name, "application/xml", bytes),
        Err(e) => PageError {
            error: e,
            layout: frame.nav("staff"),
            status: None,
        }
        .into_response(),
    }
}

/// 取消事项: the item stays, with every version, and reads 已取消.
pub async fn abolish(
    State(st): State<AppState>,
    frame: Frame,
    f: yangguang_webcore::forms::Fields,
) -> Response {
    let actor = actor(&frame);
    let layout = frame.nav("staff");
    let code = f.get("code").trim().to_string();
    match store::abolish(&st.kernel, timefmt::now(), &actor, &code, f.get("reason")).await {
        Ok(()) => {
            let n = format!("事项“{code}”已取消；其各版本和调整记录保留，公开页面标注“已取消”。");
            show(&st, layout, StatusCode::OK, Some(n), None, None).await
        }
        Err(e) => refused(&st, layout, e).await,
    }
}
