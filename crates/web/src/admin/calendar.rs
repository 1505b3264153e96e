//! The system administrator's calendar page (RULES.md §1): which years
//! have an announced holiday arrangement, a clear warning while next year's
//! is missing (deadlines crossing into it are provisional), importing a
//! year's arrangement as CSV, the agency's own days off.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use yangguang_kernel::calendar::DayKind;
use yangguang_kernel::timefmt::{self, fmt_date, today_cst, weekday_cn};
use yangguang_kernel::{Error, Result, calendar_store, org_store};
use yangguang_kernel::{perm::Permission, text};

use super::org::{Done, Failure, aria, fault, me};
use crate::AppState;
use crate::access::{Access, Route};
use crate::error::render;
use crate::forms::Fields;
use crate::layout::{Frame, Layout};

pub fn routes() -> Vec<Route> {
    let p = Access::Perm(Permission::CalendarManage);
    vec![
        Route::get("/admin/calendar", p, get(page)),
        Route::post("/admin/calendar/import", p, post(import)),
        Route::post("/admin/calendar/local", p, post(add_local)),
    ]
}

pub struct YearRow {
    pub year: i32,
    pub holidays: usize,
    pub workdays: usize,
}

pub struct DayOffRow {
    pub date: String,
    pub weekday: &'static str,
    pub reason: String,
}

#[derive(askama::Template)]
#[template(path = "admin_calendar.html")]
struct CalendarPage {
    layout: Layout,
    notice: Option<String>,
    error: Option<Failure>,
    draft: Fields,
    next_year: i32,
    next_loaded: bool,
    years: Vec<YearRow>,
    days_off: Vec<DayOffRow>,
}

impl CalendarPage {
    fn err_key(&self) -> &str {
        self.error
            .as_ref()
            .map(|e| e.key.as_str())
            .unwrap_or_default()
    }

    fn err_msg(&self) -> &str {
        self.error
            .as_ref()
            .map(|e| e.message.as_str())
            .unwrap_or_default()
    }

    fn aria(&self, key: &str) -> String {
        aria(self.err_key(), key)
    }
}

fn counts(cal: &yangguang_kernel::calendar::Calendar, year: i32) -> (usize, usize) {
    let days = cal.arrangement(year);
    let holidays = days.iter().filter(|d| d.kind == DayKind::Holiday).count();
    (holidays, days.len() - holidays)
}

/// The notice after a redirect. The import summary's day counts are read
/// from the calendar now in force, not from the address.
fn notice(st: &AppState, q: &Done) -> Option<String> {
    let clocks: usize = q.clocks.parse().unwrap_or(0);
    match q.done.as_str() {
        "import" => {
            let cal = st.kernel.calendar();
            let years: Vec<i32> = q
                .years
                .split(',')
                .filter_map(|y| y.trim().parse::<i32>().ok())
                .filter(|y| cal.has_arrangement(*y))
                .take(10)
                .collect();
            if years.is_empty() {
                return None;
            }
            let (h, w) = years.iter().fold((0, 0), |(h, w), y| {
                let (a, b) = counts(&cal, *y);
                (h + a, w + b)
            });
            Some(format!(
                "已导入 {} 年节假日安排：放假 {h} 天，调休上班 {w} 天；重新计算到期日 {clocks} 个。",
                years
                    .iter()
                    .map(|y| y.to_string())
                    .collect::<Vec<_>>()
                    .join("、")
            ))
        }
        "local" => Some(format!("已登记本机关放假日；重新计算到期日 {clocks} 个。")),
        _ => None,
    }
}

async fn page(State(st): State<AppState>, frame: Frame, Query(q): Query<Done>) -> Response {
    let n = notice(&st, &q);
    show(&st, frame, n, None, Fields::default())
}

fn show(
    st: &AppState,
    frame: Frame,
    notice: Option<String>,
    error: Option<Failure>,
    draft: Fields,
) -> Response {
    let today = today_cst(timefmt::now());
    let cal = st.kernel.calendar();
    let next_year = today.year() + 1;
    let mut years: Vec<YearRow> = cal
        .years()
        .into_iter()
        .map(|year| {
            let (holidays, workdays) = counts(&cal, year);
            YearRow {
                year,
                holidays,
                workdays,
            }
        })
        .collect();
    years.reverse();
    let status = error.as_ref().map(|e| e.status).unwrap_or(StatusCode::OK);
    render(
        status,
        &CalendarPage {
            layout: frame.nav("admin"),
            notice,
            error,
            draft,
            next_year,
            next_loaded: cal.has_arrangement(next_year),
            years,
            days_off: cal
                .local_days_off()
                .into_iter()
                .map(|(d, reason)| DayOffRow {
                    date: fmt_date(d),
                    weekday: weekday_cn(d),
                    reason,
                })
                .collect(),
        },
    )
}

fn refused(st: &AppState, frame: Frame, draft: Fields, key: &str, e: Error) -> Response {
    if e.is_client_error() {
        show(st, frame, None, Some(Failure::of(key, &e)), draft)
    } else {
        fault(frame, e)
    }
}

async fn import(State(st): State<AppState>, frame: Frame, f: Fields) -> Response {
    let Some(actor) = me(&frame) else {
        return StatusCode::FORBIDDEN.into_response();
    };
    let r = async {
        let source = text::optional("来源", f.get("source"), 100)?
            .unwrap_or_else(|| "系统管理页面导入".to_string());
        calendar_store::import_csv(&st.kernel, &actor, timefmt::now(), &source, f.get("csv")).await
    }
    .await;
    match r {
        Ok(summary) => {
            let years = summary
                .years
                .iter()
                .map(|y| y.to_string())
                .collect::<Vec<_>>()
                .join(",");
            let clocks = summary.clocks_recomputed.to_string();
            let q = serde_urlencoded::to_string([
                ("done", "import"),
                ("years", years.as_str()),
                ("clocks", clocks.as_str()),
            ])
            .unwrap_or_default();
            Redirect::to(&format!("/admin/calendar?{q}")).into_response()
        }
        Err(e) => refused(&st, frame, f, "import", e),
    }
}

async fn add_local(State(st): State<AppState>, frame: Frame, f: Fields) -> Response {
    let Some(actor) = me(&frame) else {
        return StatusCode::FORBIDDEN.into_response();
    };
    let k = &st.kernel;
    let r: Result<usize> = async {
        let agency = org_store::main_agency(k)
            .await?
            .ok_or_else(|| Error::invalid("no_agency", "请先在“机构与岗位”中登记本机关"))?;
        calendar_store::add_local_day_off(
            k,
            &actor,
            timefmt::now(),
            &agency.code,
            f.get("day"),
            f.get("reason"),
        )
        .await
    }
    .await;
    match r {
        Ok(n) => Redirect::to(&format!("/admin/calendar?done=local&clocks={n}")).into_response(),
        Err(e) => refused(&st, frame, f, "local", e),
    }
}
