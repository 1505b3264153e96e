//! Public pages: home, the working-day calculator, the 行政许可/行政处罚
//! deadline calculator (办事工具), display preferences
//! (the 政府信息公开 column is the disclosure module's).

use axum::extract::{OriginalUri, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use yangguang_kernel::calendar::Calendar;
use yangguang_kernel::timefmt::{fmt_date, fmt_date_cn, parse_date, today_cst, weekday_cn};
use yangguang_kernel::{Error, timefmt};

use crate::AppState;
use crate::access::{Access, Route};
use crate::error::{PageError, render};
use crate::layout::{Frame, Layout};

pub fn routes() -> Vec<Route> {
    use axum::routing::get;
    vec![
        Route::get("/", Access::Public, get(home)),
        Route::get("/sitemap", Access::Public, get(site_map)),
        Route::get("/gongju/gongzuori", Access::Public, get(gongzuori)),
        Route::get("/gongju/banshi", Access::Public, get(banshi)),
        Route::get("/pref", Access::Public, get(pref)),
    ]
}

/// A category's latest items on the home page.
pub struct HomeColumn {
    pub code: String,
    pub name: String,
    pub items: Vec<(i64, String, String)>,
}

#[derive(askama::Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    columns: Vec<HomeColumn>,
    today: String,
    today_weekday: &'static str,
    today_working: bool,
    today_reason: String,
}

pub async fn home(State(st): State<AppState>, frame: Frame) -> Response {
    let today = today_cst(timefmt::now());
    let status = st.kernel.calendar().status(today);
    let columns = yangguang_disclosure::listing::source(&st)
        .await
        .latest_per_category(6)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|(c, rows)| HomeColumn {
            code: c.code,
            name: c.name,
            items: rows
                .into_iter()
                .map(|r| (r.id, r.title, fmt_date(r.published_on)))
                .collect(),
        })
        .collect();
    render(
        StatusCode::OK,
        &HomePage {
            layout: frame.nav("home"),
            columns,
            today: fmt_date_cn(today),
            today_weekday: weekday_cn(today),
            today_working: status.working,
            // An ordinary weekday or weekend needs no reason beside it.
            today_reason: match status.reason {
                yangguang_kernel::calendar::Reason::Weekday
                | yangguang_kernel::calendar::Reason::Weekend => String::new(),
                other => other.describe(),
            },
        },
    )
}

#[derive(Deserialize, Default)]
pub struct CalcQuery {
    from: Option<String>,
    days: Option<String>,
}

/// One skipped day as shown.
pub struct SkippedRow {
    pub date: String,
    pub weekday: &'static str,
    pub reason: String,
}

pub struct CalcResult {
    pub from: String,
    pub days: u32,
    pub due: String,
    pub due_cn: String,
    pub due_weekday: &'static str,
    pub skipped: Vec<SkippedRow>,
    pub missing_years: String,
}

#[derive(askama::Template)]
#[template(path = "gongzuori.html")]
struct CalcPage {
    layout: Layout,
    from: String,
    days: String,
    error: Option<String>,
    result: Option<CalcResult>,
    years: String,
}

/// Parses the calculator's two inputs (shared with the API).
pub fn parse_calc(from: &str, days: &str) -> Result<(time::Date, u32), Error> {
    let from = parse_date(from)?;
    let days = days.trim();
    let n: u32 = days.parse().map_err(|_| {
        Error::invalid(
            "invalid_days",
            format!(
                "工作日数“{}”无效：应为 1 到 3650 之间的整数",
                yangguang_kernel::text::clip(days, 20)
            ),
        )
    })?;
    if n == 0 || n > 3650 {
        return Err(Error::invalid(
            "days_out_of_range",
            format!("工作日数 {n} 超出范围：应为 1 到 3650 之间的整数"),
        ));
    }
    Ok((from, n))
}

pub fn calculate(cal: &Calendar, from: time::Date, n: u32) -> CalcResult {
    let ex = cal.explain_add(from, n);
    CalcResult {
        from: fmt_date(from),
        days: n,
        due: fmt_date(ex.due),
        due_cn: fmt_date_cn(ex.due),
        due_weekday: weekday_cn(ex.due),
        skipped: ex
            .skipped
            .iter()
            .map(|s| SkippedRow {
                date: fmt_date(s.date),
                weekday: weekday_cn(s.date),
                reason: s.reason.describe(),
            })
            .collect(),
        missing_years: ex
            .missing_years
            .iter()
            .map(|y| format!("{y}年"))
            .collect::<Vec<_>>()
            .join("、"),
    }
}

pub async fn gongzuori(
    State(st): State<AppState>,
    frame: Frame,
    Query(q): Query<CalcQuery>,
) -> Response {
    let cal = st.kernel.calendar();
    let years = cal.years();
    let years = match (years.first(), years.last()) {
        (Some(a), Some(b)) => format!("{a}—{b}年"),
        _ => "（未载入）".to_string(),
    };
    let from = q.from.unwrap_or_default();
    let days = q.days.unwrap_or_default();
    let (status, error, result) = if from.is_empty() && days.is_empty() {
        (StatusCode::OK, None, None)
    } else {
        match parse_calc(&from, &days) {
            Ok((f, n)) => (StatusCode::OK, None, Some(calculate(&cal, f, n))),
            Err(e) => (StatusCode::BAD_REQUEST, Some(e.to_string()), None),
        }
    };
    let from = if from.is_empty() {
        fmt_date(today_cst(timefmt::now()))
    } else {
        from
    };
    let days = if days.is_empty() {
        "20".to_string()
    } else {
        days
    };
    render(
        status,
        &CalcPage {
            layout: frame.nav("tools"),
            from,
            days,
            error,
            result,
            years,
        },
    )
}

#[derive(Deserialize, Default)]
pub struct BanshiQuery {
    calc: Option<String>,
    received: Option<String>,
    extended: Option<String>,
    pause: Option<String>,
    filed: Option<String>,
    extended_days: Option<String>,
}

/// One computed deadline as shown on the 办事工具 page.
pub struct DueResult {
    pub due_cn: String,
    pub due_weekday: &'static str,
    pub lines: Vec<String>,
    /// The same question to the JSON API.
    pub api: String,
}

#[derive(askama::Template)]
#[template(path = "banshi.html")]
struct BanshiPage {
    layout: Layout,
    years: String,
    received: String,
    extended: bool,
    pause: String,
    filed: String,
    extended_days: String,
    licensing: Option<DueResult>,
    licensing_error: Option<String>,
    penalty: Option<DueResult>,
    penalty_error: Option<String>,
}

fn required<'a>(v: Option<&'a str>, label: &str) -> Result<&'a str, Error> {
    match v.map(str::trim) {
        Some(s) if !s.is_empty() => Ok(s),
        _ => Err(Error::invalid(
            "missing_parameter",
            format!("请填写{label}"),
        )),
    }
}

fn licensing_result(cal: &Calendar, q: &BanshiQuery) -> Result<DueResult, Error> {
    let accepted = parse_date(required(q.received.as_deref(), "受理日期")?)?;
    let extended = crate::api::parse_flag("extended", q.extended.as_deref())?;
    let pauses = crate::api::parse_pauses(q.pause.as_deref())?;
    let d = yangguang_powers::rules::licensing_due(accepted, extended, &pauses, cal)?;
    let spans: Vec<String> = pauses
        .iter()
        .map(|p| {
            format!(
                "{}..{}",
                fmt_date(p.from),
                p.to.map(fmt_date).unwrap_or_default()
            )
        })
        .collect();
    let mut api = format!(
        "/api/v1/rules/licensing-due?received={}",
        fmt_date(accepted)
    );
    if extended {
        api.push_str("&extended=true");
    }
    if !spans.is_empty() {
        api.push_str(&format!("&pause={}", spans.join(",")));
    }
    Ok(DueResult {
        due_cn: fmt_date_cn(d.due()),
        due_weekday: weekday_cn(d.due()),
        lines: d.explain(),
        api,
    })
}

fn penalty_result(cal: &Calendar, q: &BanshiQuery) -> Result<DueResult, Error> {
    use yangguang_powers::rules;
    let filed = parse_date(required(q.filed.as_deref(), "立案日期")?)?;
    let days = rules::parse_extension_days(q.extended_days.as_deref())?;
    let p = rules::penalty_clock(filed, days)?;
    let mut api = format!("/api/v1/rules/penalty-due?filed={}", fmt_date(filed));
    if days > 0 {
        api.push_str(&format!("&extended_days={days}"));
    }
    Ok(DueResult {
        due_cn: fmt_date_cn(p.due),
        due_weekday: weekday_cn(p.due),
        lines: p.explain(cal),
        api,
    })
}

/// 办事工具: the 行政许可 and 行政处罚 decision deadlines, two GET forms.
pub async fn banshi(
    State(st): State<AppState>,
    frame: Frame,
    Query(q): Query<BanshiQuery>,
) -> Response {
    let cal = st.kernel.calendar();
    let years = cal.years();
    let years = match (years.first(), years.last()) {
        (Some(a), Some(b)) => format!("{a}—{b}年"),
        _ => "（未载入）".to_string(),
    };
    // Which form was sent; without `calc`, whichever date was given.
    let calc = match q.calc.as_deref().map(str::trim) {
        Some(c) if !c.is_empty() => c.to_string(),
        _ if q.received.is_some() => "licensing".to_string(),
        _ if q.filed.is_some() => "penalty".to_string(),
        _ => String::new(),
    };
    let mut page = BanshiPage {
        layout: frame.nav("tools"),
        years,
        received: q.received.clone().unwrap_or_default(),
        extended: crate::api::parse_flag("extended", q.extended.as_deref()).unwrap_or(false),
        pause: q.pause.clone().unwrap_or_default(),
        filed: q.filed.clone().unwrap_or_default(),
        extended_days: q.extended_days.clone().unwrap_or_default(),
        licensing: None,
        licensing_error: None,
        penalty: None,
        penalty_error: None,
    };
    let mut status = StatusCode::OK;
    match calc.as_str() {
        "" => {}
        "licensing" => match licensing_result(&cal, &q) {
            Ok(r) => page.licensing = Some(r),
            Err(e) => {
                status = StatusCode::BAD_REQUEST;
                page.licensing_error = Some(e.to_string());
            }
        },
        "penalty" => match penalty_result(&cal, &q) {
            Ok(r) => page.penalty = Some(r),
            Err(e) => {
                status = StatusCode::BAD_REQUEST;
                page.penalty_error = Some(e.to_string());
            }
        },
        other => {
            status = StatusCode::BAD_REQUEST;
            page.licensing_error = Some(format!(
                "计算类型“{}”无效：应为 licensing（行政许可）或 penalty（行政处罚）",
                yangguang_kernel::text::clip(other, 20)
            ));
        }
    }
    render(status, &page)
}

#[derive(Deserialize)]
pub struct PrefQuery {
    mode: String,
    back: Option<String>,
}

/// 长者模式 / 无障碍浏览 switches: a cookie, no JavaScript.
pub async fn pref(Query(q): Query<PrefQuery>) -> Response {
    let cookie = match q.mode.as_str() {
        "elder" => "yg_elder=1; Path=/; Max-Age=31536000; SameSite=Lax",
        "a11y" => "yg_a11y=1; Path=/; Max-Age=31536000; SameSite=Lax",
        _ => "yg_elder=0; Path=/; Max-Age=0; SameSite=Lax",
    };
    let clear_a11y = "yg_a11y=0; Path=/; Max-Age=0; SameSite=Lax";
    // Only local paths: never an open redirect.
    let back = q
        .back
        .filter(|b| b.starts_with('/') && !b.starts_with("//"))
        .unwrap_or_else(|| "/".to_string());
    let mut resp = Redirect::to(&back).into_response();
    let h = resp.headers_mut();
    if let Ok(v) = cookie.parse() {
        h.append(header::SET_COOKIE, v);
    }
    if q.mode == "normal"
        && let Ok(v) = clear_a11y.parse()
    {
        h.append(header::SET_COOKIE, v);
    }
    resp
}

pub async fn not_found(frame: Frame, uri: OriginalUri) -> Response {
    if uri.path().starts_with("/api/") {
        return crate::error::ApiError(Error::NotFound("接口不存在".into())).into_response();
    }
    PageError {
        error: Error::NotFound(format!("您访问的页面 {} 不存在或已移动。", uri.path())),
        layout: frame.nav(""),
        status: None,
    }
    .into_response()
}

#[derive(askama::Template)]
#[template(path = "sitemap.html")]
struct SiteMapPage {
    layout: Layout,
    categories: Vec<(String, String, bool)>,
}

/// 网站地图: the site's sections for people (sitemap.xml is for crawlers).
pub async fn site_map(State(st): State<AppState>, frame: Frame) -> Response {
    let categories = yangguang_disclosure::store::categories(&st.kernel)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|c| (c.code, c.name, c.parent.is_some()))
        .collect();
    render(
        StatusCode::OK,
        &SiteMapPage {
            layout: frame.nav(""),
            categories,
        },
    )
}
