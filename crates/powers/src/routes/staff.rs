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
    larger: crate::rules::LargerAmounts,
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
            crate::settings::larger_amounts(k).await?,
        ))
    }
    .await;
    match r {
        Ok((processes, items, larger)) => render(
            status,
            &StaffPage {
                layout,
                processes,
                items,
                larger,
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
    let r = store::abolish(&st.kernel, timefmt::now(), &actor, &code, f.get("reason")).await;
    let n = format!("事项“{code}”已取消；其各版本和调整记录保留，公开页面标注“已取消”。");
    outcome(&st, layout, r, n).await
}

/// The page with `notice` after a change, or with the refusal.
async fn outcome(st: &AppState, layout: Layout, r: Result<()>, notice: String) -> Response {
    match r {
        Ok(()) => show(st, layout, StatusCode::OK, Some(notice), None, None).await,
        Err(e) => refused(st, layout, e).await,
    }
}

/// 第六十三条: the province's 较大数额 for 告知 recorded from now on.
pub async fn larger_amounts(
    State(st): State<AppState>,
    frame: Frame,
    f: yangguang_webcore::forms::Fields,
) -> Response {
    let actor = actor(&frame);
    let layout = frame.nav("staff");
    let yuan = |name: &str, who: &str| -> Result<i64> {
        f.get(name)
            .trim()
            .replace([',', '，'], "")
            .parse()
            .map_err(|_| {
                Error::invalid("invalid_amount", format!("对{who}的较大数额应为整数（元）"))
            })
    };
    let r = async {
        let v = crate::rules::LargerAmounts {
            individual_yuan: yuan("individual", "公民")?,
            organisation_yuan: yuan("organisation", "法人或者其他组织")?,
            basis: f.get("basis").to_string(),
        };
        crate::settings::set_larger_amounts(&st.kernel, &actor, timefmt::now(), &v).await
    }
    .await;
    let n = "较大数额标准已保存，此后记录的告知据此判断听证权利；已记录的告知不变。";
    outcome(&st, layout, r, n.to_string()).await
}
