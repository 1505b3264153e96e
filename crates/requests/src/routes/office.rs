//! The office's statistics (.xlsx export), annual report preparation and
//! publication (.docx, JSON), and request settings.

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use yangguang_kernel::audit::Actor;
use yangguang_kernel::figures::Decisions;
use yangguang_kernel::perm::Permission;
use yangguang_kernel::timefmt::{self, fmt_date, today_cst};
use yangguang_kernel::{Error, Result};
use yangguang_webcore::AppState;
use yangguang_webcore::access::{Access, Route};
use yangguang_webcore::error::{PageError, render};
use yangguang_webcore::forms::Fields;
use yangguang_webcore::layout::{Frame, Layout};

use crate::stats::{self, Line};
use crate::{annual, output, report, settings};

pub fn routes() -> Vec<Route> {
    let m = Access::Perm(Permission::RequestManage);
    vec![
        Route::get("/staff/ysqgk/stats", m, get(stats_page)),
        Route::get("/staff/ysqgk/stats/xlsx", m, get(stats_xlsx)),
        Route::get("/staff/ysqgk/report", m, get(report_page)),
        Route::post("/staff/ysqgk/report", m, post(report_save)),
        Route::get("/staff/ysqgk/report/docx", m, get(report_docx)),
        Route::get("/staff/ysqgk/report/json", m, get(report_json)),
        Route::get("/staff/ysqgk/settings", m, get(settings_page)),
        Route::post("/staff/ysqgk/settings", m, post(settings_save)),
    ]
}

fn err(e: Error, layout: Layout) -> Response {
    PageError {
        error: e,
        layout,
        status: None,
    }
    .into_response()
}

#[derive(Deserialize, Default)]
struct YearQ {
    #[serde(default)]
    year: String,
    #[serde(default)]
    done: String,
}

fn year_of(q: &YearQ, default_last: bool) -> Result<i32> {
    let this = today_cst(timefmt::now()).year();
    match q.year.trim() {
        "" => Ok(if default_last { this - 1 } else { this }),
        s => s
            .parse::<i32>()
            .ok()
            .filter(|y| (2000..=2100).contains(y))
            .ok_or_else(|| Error::invalid("invalid_year", "年度应为 2000 至 2100 之间的四位年份")),
    }
}

#[derive(askama::Template)]
#[template(path = "staff_ysq_stats.html")]
struct StatsPage {
    layout: Layout,
    year: i32,
    headers: Vec<&'static str>,
    tables: Vec<(&'static str, Vec<Line>)>,
}

async fn lines(st: &AppState, year: i32) -> Result<(Vec<Line>, Vec<Line>, Line)> {
    let facts = stats::facts(&st.kernel, year).await?;
    Ok(stats::summarise(&facts, year, &st.kernel.calendar()))
}

async fn stats_page(State(st): State<AppState>, frame: Frame, Query(q): Query<YearQ>) -> Response {
    let r = async {
        let year = year_of(&q, false)?;
        let (m, d, t) = lines(&st, year).await?;
        let mut months = m;
        months.push(t.clone());
        let mut divisions = d;
        divisions.push(t);
        Ok::<_, Error>((year, months, divisions))
    }
    .await;
    match r {
        Ok((year, months, divisions)) => render(
            StatusCode::OK,
            &StatsPage {
                layout: frame.nav("staff"),
                year,
                headers: stats::HEADERS[..12].to_vec(),
                tables: vec![("按月", months), ("按处室", divisions)],
            },
        ),
        Err(e) => err(e, frame.nav("staff")),
    }
}

fn attachment(name: &str, mime: &'static str, bytes: Vec<u8>) -> Response {
    let mut resp = bytes.into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

async fn stats_xlsx(State(st): State<AppState>, frame: Frame, Query(q): Query<YearQ>) -> Response {
    let r = async {
        let year = year_of(&q, false)?;
        let (m, d, t) = lines(&st, year).await?;
        Ok::<_, Error>((year, stats::xlsx(year, &m, &d, &t)?))
    }
    .await;
    match r {
        Ok((year, bytes)) => attachment(
            &format!("ysqgk-stats-{year}.xlsx"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            bytes,
        ),
        Err(e) => err(e, frame.nav("staff")),
    }
}

/// A table 二 field of the report form: `fed` figures come from the
/// power list's cases and its entered figures, and take no input here.
pub struct T2Field {
    pub key: String,
    pub computed: String,
    pub entered: String,
    pub fed: Option<String>,
}

#[derive(askama::Template)]
#[template(path = "staff_ysq_report.html")]
struct ReportPage {
    layout: Layout,
    year: i32,
    section1: String,
    section5: String,
    section6: String,
    t2: Vec<T2Field>,
    preview: String,
    published: Option<String>,
    notice: Option<&'static str>,
    error: Option<String>,
}

async fn show_report(
    st: &AppState,
    frame: Frame,
    year: i32,
    notice: Option<&'static str>,
    error: Option<String>,
) -> Response {
    let k = &st.kernel;
    let r = async {
        let d = annual::draft(k, year).await?;
        let computed = annual::table2_computed(k, year).await?;
        let fed = annual::table2_fed(k, year, &d).await?;
        let j = annual::build(k, year).await?;
        Ok::<_, Error>((d, computed, fed, j))
    }
    .await;
    let (d, computed, fed, j) = match r {
        Ok(x) => x,
        Err(e) => return err(e, frame.nav("staff")),
    };
    let t2 = report::table2_keys()
        .into_iter()
        .map(|key| {
            let c = computed
                .get(&key)
                .map(|v| v.to_string())
                .unwrap_or_else(|| "（无）".into());
            let e = d
                .entered
                .get(&key)
                .map(|v| v.to_string())
                .unwrap_or_default();
            let fed = fed
                .get(&key)
                .map(|f| format!("{}件（{}）", f.total(), f.note()));
            T2Field {
                key,
                computed: c,
                entered: e,
                fed,
            }
        })
        .collect();
    let published = d
        .published_at
        .as_deref()
        .and_then(|p| timefmt::parse_rfc3339(p).ok())
        .map(|t| fmt_date(today_cst(t)));
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    render(
        status,
        &ReportPage {
            layout: frame.nav("staff"),
            year,
            section1: d.section1,
            section5: d.section5,
            section6: d.section6,
            t2,
            preview: output::report_html(&j),
            published,
            notice,
            error,
        },
    )
}

async fn report_page(State(st): State<AppState>, frame: Frame, Query(q): Query<YearQ>) -> Response {
    let notice = match q.done.as_str() {
        "saved" => Some("已保存。"),
        "published" => Some("已发布到“年度报告”栏目。"),
        _ => None,
    };
    match year_of(&q, true) {
        Ok(y) => show_report(&st, frame, y, notice, None).await,
        Err(e) => err(e, frame.nav("staff")),
    }
}

async fn report_save(State(st): State<AppState>, frame: Frame, f: Fields) -> Response {
    let Some(s) = frame.viewer.user() else {
        return StatusCode::FORBIDDEN.into_response();
    };
    let actor = Actor::user(&s.username);
    let year = match year_of(
        &YearQ {
            year: f.get("year").into(),
            done: String::new(),
        },
        true,
    ) {
        Ok(y) => y,
        Err(e) => return err(e, frame.nav("staff")),
    };
    let r = async {
        // Fed figures are not entered here; a value an older draft holds
        // for one is kept (it still counts as entered outside the system).
        let fed: Vec<String> = Decisions::ALL
            .into_iter()
            .map(annual::decisions_key)
            .collect();
        let mut entered: BTreeMap<String, f64> = annual::draft(&st.kernel, year)
            .await?
            .entered
            .into_iter()
            .filter(|(k, _)| fed.contains(k))
            .collect();
        for (name, value) in &f.0 {
            if let Some(key) = name.strip_prefix("t2:") {
                if fed.iter().any(|k| k == key) {
                    continue;
                }
                let v = value.trim();
                if v.is_empty() {
                    continue;
                }
                let n: f64 = v.parse().map_err(|_| {
                    Error::invalid("invalid_table2_value", format!("表二“{key}”应为数字"))
                })?;
                entered.insert(key.to_string(), n);
            }
        }
        let d = annual::Draft {
            section1: f.get("section1").into(),
            section5: f.get("section5").into(),
            section6: f.get("section6").into(),
            entered,
            published_at: None,
        };
        let now = timefmt::now();
        annual::save_draft(&st.kernel, year, &d, &actor, now).await?;
        if f.get("action") == "publish" {
            annual::publish(&st.kernel, year, &actor, now).await?;
            return Ok("published");
        }
        Ok::<_, Error>("saved")
    }
    .await;
    match r {
        Ok(done) => {
            Redirect::to(&format!("/staff/ysqgk/report?year={year}&done={done}")).into_response()
        }
        Err(e) if e.is_client_error() => {
            show_report(&st, frame, year, None, Some(e.to_string())).await
        }
        Err(e) => err(e, frame.nav("staff")),
    }
}

async fn report_docx(State(st): State<AppState>, frame: Frame, Query(q): Query<YearQ>) -> Response {
    let r = async {
        let year = year_of(&q, true)?;
        let j = annual::build(&st.kernel, year).await?;
        Ok::<_, Error>((year, output::report_docx(&j)?))
    }
    .await;
    match r {
        Ok((year, bytes)) => attachment(
            &format!("annual-report-{year}.docx"),
            yangguang_kernel::docx::MIME,
            bytes,
        ),
        Err(e) => err(e, frame.nav("staff")),
    }
}

async fn report_json(State(st): State<AppState>, frame: Frame, Query(q): Query<YearQ>) -> Response {
    let r = async {
        let year = year_of(&q, true)?;
        annual::build(&st.kernel, year).await
    }
    .await;
    match r {
        Ok(j) => axum::Json(j).into_response(),
        Err(e) => err(e, frame.nav("staff")),
    }
}

#[derive(askama::Template)]
#[template(path = "staff_ysq_settings.html")]
struct SettingsPage {
    layout: Layout,
    s: settings::Settings,
    notice: Option<&'static str>,
    error: Option<String>,
}

async fn settings_page(
    State(st): State<AppState>,
    frame: Frame,
    Query(q): Query<YearQ>,
) -> Response {
    match settings::load(&st.kernel).await {
        Ok(s) => render(
            StatusCode::OK,
            &SettingsPage {
                layout: frame.nav("staff"),
                s,
                notice: (q.done == "saved").then_some("已保存。"),
                error: None,
            },
        ),
        Err(e) => err(e, frame.nav("staff")),
    }
}

async fn settings_save(State(st): State<AppState>, frame: Frame, f: Fields) -> Response {
    let Some(u) = frame.viewer.user() else {
        return StatusCode::FORBIDDEN.into_response();
    };
    let actor = Actor::user(&u.username);
    let r = settings::save(
        &st.kernel,
        &actor,
        timefmt::now(),
        f.get("review_body"),
        f.get("court"),
        f.get("letter_prefix"),
        f.get("fee_pay_days"),
    )
    .await;
    match r {
        Ok(()) => Redirect::to("/staff/ysqgk/settings?done=saved").into_response(),
        Err(e) if e.is_client_error() => {
            let s = settings::load(&st.kernel)
                .await
                .unwrap_or(settings::Settings {
                    agency_name: String::new(),
                    review_body: f.get("review_body").into(),
                    court: f.get("court").into(),
                    letter_prefix: f.get("letter_prefix").into(),
                    fee_pay_days: 20,
                    office_address: String::new(),
                    office_phone: String::new(),
                });
            render(
                StatusCode::BAD_REQUEST,
                &SettingsPage {
                    layout: frame.nav("staff"),
                    s,
                    notice: None,
                    error: Some(e.to_string()),
                },
            )
        }
        Err(e) => err(e, frame.nav("staff")),
    }
}
