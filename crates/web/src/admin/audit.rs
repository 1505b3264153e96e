//! The audit administrator's audit log page: the chain's verification on
//! top, filters (Beijing dates, actor, event type, object), newest first,
//! 50 a page; exports (CSV, XLSX) with the same filters, each export itself
//! recorded as `audit.export`. Reading writes nothing.

use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use yangguang_kernel::audit::{self, Actor, Entry, Event, Outcome};
use yangguang_kernel::audit_query::{self, EXPORT_HEADER, Filter, PAGE_SIZE};
use yangguang_kernel::perm::Permission;
use yangguang_kernel::timefmt::{self, parse_rfc3339, today_cst};
use yangguang_kernel::{Error, text};

use crate::AppState;
use crate::access::{Access, Route};
use crate::error::{PageError, render};
use crate::layout::{Frame, Layout};

pub fn routes() -> Vec<Route> {
    vec![
        Route::get(
            "/admin/audit",
            Access::Perm(Permission::AuditRead),
            get(audit_page),
        ),
        Route::get(
            "/admin/audit/export.csv",
            Access::Perm(Permission::AuditExport),
            get(export_csv),
        ),
        Route::get(
            "/admin/audit/export.xlsx",
            Access::Perm(Permission::AuditExport),
            get(export_xlsx),
        ),
    ]
}

/// The filter form as typed (shown back in the form and carried by the
/// paging and export links).
#[derive(Debug, Clone, Default)]
struct FilterForm {
    from: String,
    to: String,
    actor: String,
    event_type: String,
    object: String,
    page: String,
}

impl FilterForm {
    fn from_query(raw: Option<&str>) -> Result<FilterForm, Error> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.unwrap_or_default())
            .map_err(|_| Error::invalid("invalid_query", "查询条件格式不正确"))?;
        let get = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.trim().to_string())
                .unwrap_or_default()
        };
        Ok(FilterForm {
            from: get("from"),
            to: get("to"),
            actor: get("actor"),
            event_type: get("type"),
            object: get("object"),
            page: get("page"),
        })
    }

    fn filter(&self) -> Result<Filter, Error> {
        Filter::parse(
            &self.from,
            &self.to,
            &self.actor,
            &self.event_type,
            &self.object,
        )
    }

    /// 1-based; blank is the first page.
    fn page(&self) -> Result<i64, Error> {
        if self.page.is_empty() {
            return Ok(1);
        }
        self.page
            .parse::<i64>()
            .ok()
            .filter(|p| *p >= 1)
            .ok_or_else(|| {
                Error::invalid(
                    "invalid_page",
                    format!("页码“{}”无效", text::clip(&self.page, 20)),
                )
            })
    }

    /// The filters as a query string (without the page).
    fn query_string(&self) -> String {
        let all = [
            ("from", self.from.as_str()),
            ("to", self.to.as_str()),
            ("actor", self.actor.as_str()),
            ("type", self.event_type.as_str()),
            ("object", self.object.as_str()),
        ];
        let set: Vec<(&str, &str)> = all.into_iter().filter(|(_, v)| !v.is_empty()).collect();
        serde_urlencoded::to_string(set).unwrap_or_default()
    }

    fn link(&self, base: &str, page: Option<i64>) -> String {
        let mut q = self.query_string();
        if let Some(p) = page {
            if !q.is_empty() {
                q.push('&');
            }
            q.push_str(&format!("page={p}"));
        }
        if q.is_empty() {
            base.to_string()
        } else {
            format!("{base}?{q}")
        }
    }
}

pub struct Row {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub acting_for: Option<String>,
    pub event_type: String,
    pub event_label: Option<&'static str>,
    pub object: String,
    pub outcome: String,
    pub outcome_class: &'static str,
    pub detail: String,
}

impl Row {
    fn from(e: Entry) -> Row {
        let outcome_class = match e.outcome.as_str() {
            "success" => "green",
            "failure" => "amber",
            _ => "red",
        };
        Row {
            seq: e.seq,
            at: parse_rfc3339(&e.at)
                .map(timefmt::fmt_instant_cst)
                .unwrap_or_else(|_| e.at.clone()),
            outcome: audit_query::outcome_label(&e.outcome).to_string(),
            outcome_class,
            event_label: audit_query::event_label(&e.event_type),
            actor: e.actor,
            acting_for: e.acting_for,
            event_type: e.event_type,
            object: e.object,
            detail: e.detail,
        }
    }
}

pub struct TypeOption {
    pub code: String,
    pub label: String,
    pub selected: bool,
}

#[derive(askama::Template)]
#[template(path = "admin_audit.html")]
struct AuditPage {
    layout: Layout,
    /// The chain's verification: intact, and the sentence to show.
    intact: bool,
    verification: String,
    error: Option<String>,
    from: String,
    to: String,
    actor: String,
    object: String,
    types: Vec<TypeOption>,
    rows: Vec<Row>,
    total: i64,
    page: i64,
    pages: i64,
    prev: Option<String>,
    next: Option<String>,
    filtered: bool,
    can_export: bool,
    csv_href: String,
    xlsx_href: String,
}

async fn verification(st: &AppState) -> (bool, String) {
    match audit::verify(&st.kernel.db, &st.kernel.keys).await {
        Ok(Ok(n)) => (true, format!("审计日志完整：共 {n} 条")),
        Ok(Err(b)) => (false, format!("审计日志校验失败：{b}")),
        Err(e @ Error::AuditBroken(_)) => (false, e.to_string()),
        Err(e) => {
            tracing::error!(error = %e, "audit verification failed to run");
            (
                false,
                "审计日志校验未能完成：系统错误，请联系系统管理员".to_string(),
            )
        }
    }
}

async fn event_types(st: &AppState, selected: &str) -> Result<Vec<TypeOption>, Error> {
    let mut codes = audit_query::event_types(&st.kernel.db).await?;
    if !selected.is_empty() && !codes.iter().any(|c| c == selected) {
        codes.push(selected.to_string());
    }
    Ok(codes
        .into_iter()
        .map(|c| TypeOption {
            label: match audit_query::event_label(&c) {
                Some(l) => format!("{l}（{c}）"),
                None => c.clone(),
            },
            selected: c == selected,
            code: c,
        })
        .collect())
}

fn page_error(frame: Frame, e: Error) -> Response {
    PageError {
        error: e,
        layout: frame.nav("admin"),
        status: None,
    }
    .into_response()
}

/// The rows of one page and the paging around them.
struct Listing {
    rows: Vec<Row>,
    total: i64,
    page: i64,
    pages: i64,
}

async fn listing(st: &AppState, filter: &Filter, page: i64) -> Result<Listing, Error> {
    let total = audit_query::count(&st.kernel.db, filter).await?;
    let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let page = page.min(pages);
    let rows = audit_query::page(&st.kernel.db, filter, page).await?;
    Ok(Listing {
        rows: rows.into_iter().map(Row::from).collect(),
        total,
        page,
        pages,
    })
}

async fn audit_page(State(st): State<AppState>, frame: Frame, RawQuery(raw): RawQuery) -> Response {
    let (form, parsed) = match FilterForm::from_query(raw.as_deref()) {
        Ok(f) => {
            let parsed = f.filter().and_then(|filter| Ok((filter, f.page()?)));
            (f, parsed)
        }
        Err(e) => (FilterForm::default(), Err(e)),
    };
    let (intact, verification) = verification(&st).await;
    let types = match event_types(&st, &form.event_type).await {
        Ok(t) => t,
        Err(e) => return page_error(frame, e),
    };
    let (status, error, listing) = match parsed {
        Ok((filter, page)) => match listing(&st, &filter, page).await {
            Ok(l) => (StatusCode::OK, None, l),
            Err(e) => return page_error(frame, e),
        },
        Err(e) if e.is_client_error() => (
            StatusCode::BAD_REQUEST,
            Some(e.to_string()),
            Listing {
                rows: Vec::new(),
                total: 0,
                page: 1,
                pages: 1,
            },
        ),
        Err(e) => return page_error(frame, e),
    };
    let can_export = error.is_none() && frame.viewer.can(Permission::AuditExport);
    let page = listing.page;
    render(
        status,
        &AuditPage {
            intact,
            verification,
            error,
            from: form.from.clone(),
            to: form.to.clone(),
            actor: form.actor.clone(),
            object: form.object.clone(),
            types,
            rows: listing.rows,
            total: listing.total,
            page,
            pages: listing.pages,
            prev: (page > 1).then(|| form.link("/admin/audit", Some(page - 1))),
            next: (page < listing.pages).then(|| form.link("/admin/audit", Some(page + 1))),
            filtered: !form.query_string().is_empty(),
            can_export,
            csv_href: form.link("/admin/audit/export.csv", None),
            xlsx_href: form.link("/admin/audit/export.xlsx", None),
            layout: frame.nav("admin"),
        },
    )
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Csv,
    Xlsx,
}

impl Format {
    fn code(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }
    fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

async fn export_csv(State(st): State<AppState>, frame: Frame, RawQuery(raw): RawQuery) -> Response {
    export(st, frame, raw, Format::Csv).await
}

async fn export_xlsx(
    State(st): State<AppState>,
    frame: Frame,
    RawQuery(raw): RawQuery,
) -> Response {
    export(st, frame, raw, Format::Xlsx).await
}

/// Column widths of the XLSX export, in `EXPORT_HEADER` order.
const XLSX_WIDTHS: [f64; 10] = [8.0, 20.0, 14.0, 14.0, 26.0, 16.0, 30.0, 8.0, 60.0, 24.0];

/// A cell holds at most 32,767 characters.
const XLSX_CELL_MAX: usize = 32_000;

fn xlsx(entries: &[Entry]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format as CellFormat, Workbook};
    let mut wb = Workbook::new();
    let bold = CellFormat::new().set_bold();
    let ws = wb.add_worksheet();
    ws.set_name("审计日志")?;
    for (col, (h, w)) in EXPORT_HEADER.iter().zip(XLSX_WIDTHS).enumerate() {
        let col = col as u16;
        ws.write_string_with_format(0, col, *h, &bold)?;
        ws.set_column_width(col, w)?;
    }
    for (i, e) in entries.iter().enumerate() {
        let row = (i + 1) as u32;
        for (col, cell) in audit_query::export_row(e).iter().enumerate() {
            if col == 0 {
                ws.write_number(row, 0, e.seq as f64)?;
            } else {
                // Strings only: a cell is never read as a formula.
                ws.write_string(row, col as u16, text::clip(cell, XLSX_CELL_MAX))?;
            }
        }
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, entries.len() as u32, (EXPORT_HEADER.len() - 1) as u16)?;
    wb.save_to_buffer()
}

async fn export(st: AppState, frame: Frame, raw: Option<String>, format: Format) -> Response {
    let Some(s) = frame.viewer.user().cloned() else {
        return StatusCode::FORBIDDEN.into_response();
    };
    let filter = match FilterForm::from_query(raw.as_deref()).and_then(|f| f.filter()) {
        Ok(f) => f,
        Err(e) => return page_error(frame, e),
    };
    let k = &st.kernel;
    let entries = match audit_query::for_export(&k.db, &filter).await {
        Ok(e) => e,
        Err(e) => return page_error(frame, e),
    };
    let body = match format {
        Format::Csv => audit_query::csv(&entries),
        Format::Xlsx => match xlsx(&entries) {
            Ok(b) => b,
            Err(e) => return page_error(frame, Error::Internal(format!("生成 XLSX 失败：{e}"))),
        },
    };
    let now = timefmt::now();
    // No file leaves without its record.
    if let Err(e) = audit::record(
        &k.db,
        &k.keys,
        now,
        Event {
            actor: &Actor::user(&s.username),
            event_type: "audit.export",
            object: "audit_log",
            outcome: Outcome::Success,
            detail: serde_json::json!({
                "format": format.code(),
                "filters": filter.to_json(),
                "rows": entries.len(),
            }),
        },
    )
    .await
    {
        return page_error(frame, e);
    }
    let d = today_cst(now);
    let filename = format!(
        "audit-{:04}{:02}{:02}.{}",
        d.year(),
        u8::from(d.month()),
        d.day(),
        format.code()
    );
    let mut resp = (StatusCode::OK, body).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}
