//! The JSON API under `/api/v1`: the rules calculators and the OpenAPI
//! document, which is generated from every documented route.

use axum::Json;
use axum::extract::{Query, State};
use axum::routing::get;
use serde::Deserialize;
use serde_json::{Value, json};
use yangguang_kernel::Error;
use yangguang_kernel::clock::{ClockInput, Pause, due_date};
use yangguang_kernel::timefmt::{fmt_date, parse_date, weekday_cn};

use crate::AppState;
use crate::access::{Access, Route};
use crate::error::ApiError;
use crate::pages::{calculate, parse_calc};

/// The rules API (every module adds its own API routes with `.api(..)`).
pub fn routes() -> Vec<Route> {
    vec![
        Route::get(
            "/api/v1/rules/working-days",
            Access::Public,
            get(working_days),
        )
        .api(
            "计算自某日起第 N 个工作日（起算日不计入），列出跳过的每一天及原因",
            &[
                ("from", "起算日，YYYY-MM-DD", true),
                ("days", "工作日数，1–3650", true),
            ],
        ),
        Route::get(
            "/api/v1/rules/is-working-day",
            Access::Public,
            get(is_working_day),
        )
        .api(
            "判断某日是否为工作日及原因",
            &[("date", "日期，YYYY-MM-DD", true)],
        ),
        Route::get("/api/v1/rules/due-date", Access::Public, get(due)).api(
            "法定期限到期日：收到日、基础期限、中止（逗号分隔的 FROM..TO）、延长、重新起算日",
            &[
                ("received", "收到日，YYYY-MM-DD", true),
                ("base", "基础期限（工作日），默认 20", false),
                ("pause", "中止区间 FROM..TO，多个以逗号分隔", false),
                ("extend", "延长的工作日数，最多 20", false),
                ("restart", "重新起算日（补正材料收到之日）", false),
            ],
        ),
        Route::get(
            "/api/v1/rules/licensing-due",
            Access::Public,
            get(licensing_due),
        )
        .api(
            "行政许可决定期限：自受理之日起20个工作日，经负责人批准可延长10个工作日，听证、检验、检测、鉴定、专家评审等期间不计入（《行政许可法》第四十二条、第四十五条、第八十二条）",
            &[
                ("received", "受理之日，YYYY-MM-DD", true),
                ("extended", "经本行政机关负责人批准延长10个工作日：true 或 false", false),
                ("pause", "不计入期限的期间 FROM..TO，多个以逗号分隔", false),
            ],
        ),
        Route::get("/api/v1/rules/penalty-due", Access::Public, get(penalty_due)).api(
            "行政处罚决定期限：自立案之日起90日（日历日），经负责人批准延长的加计延长天数（《行政处罚法》第六十条）",
            &[
                ("filed", "立案之日，YYYY-MM-DD", true),
                ("extended_days", "经批准延长的日数，1–90", false),
            ],
        ),
        Route::get("/api/v1/openapi.json", Access::Public, get(openapi))
            .api("本接口文档（OpenAPI 3.1）", &[]),
    ]
}

/// The OpenAPI 3.1 document, generated from every documented route of
/// the application, so it cannot miss one.
pub fn openapi_document() -> Value {
    let mut paths = serde_json::Map::new();
    for r in crate::routes() {
        let Some(doc) = r.doc else { continue };
        let params: Vec<Value> = doc
            .params
            .iter()
            .map(|(name, desc, required)| {
                let place = if r.path.contains(&format!("{{{name}}}")) {
                    "path"
                } else {
                    "query"
                };
                json!({ "name": name, "in": place, "required": *required || place == "path",
                        "description": desc, "schema": { "type": "string" } })
            })
            .collect();
        let op = json!({
            "summary": doc.summary,
            "parameters": params,
            "responses": {
                "200": { "description": "成功", "content": { "application/json": {} } },
                "400": { "description": "输入有误", "content": { "application/json": {
                    "schema": { "$ref": "#/components/schemas/Error" } } } },
                "404": { "description": "不存在", "content": { "application/json": {
                    "schema": { "$ref": "#/components/schemas/Error" } } } }
            }
        });
        let entry = paths.entry(r.path.to_string()).or_insert_with(|| json!({}));
        entry[r.method.as_str().to_ascii_lowercase()] = op;
    }
    json!({
        "openapi": "3.1.0",
        "info": { "title": "阳光政务 API", "version": env!("CARGO_PKG_VERSION") },
        "paths": paths,
        "components": { "schemas": { "Error": {
            "type": "object",
            "required": ["error", "message"],
            "properties": {
                "error": { "type": "string", "description": "稳定的错误代码" },
                "message": { "type": "string", "description": "中文说明" }
            }
        }}}
    })
}

async fn openapi() -> Json<Value> {
    Json(openapi_document())
}

#[derive(Deserialize)]
pub struct WorkingDaysQuery {
    from: Option<String>,
    days: Option<String>,
}

fn missing(name: &str) -> ApiError {
    ApiError(Error::invalid(
        "missing_parameter",
        format!("缺少参数 {name}"),
    ))
}

async fn working_days(
    State(st): State<AppState>,
    Query(q): Query<WorkingDaysQuery>,
) -> Result<Json<Value>, ApiError> {
    let from = q.from.ok_or_else(|| missing("from"))?;
    let days = q.days.ok_or_else(|| missing("days"))?;
    let (f, n) = parse_calc(&from, &days)?;
    let r = calculate(&st.kernel.calendar(), f, n);
    let missing_years: Vec<i32> = st.kernel.calendar().explain_add(f, n).missing_years;
    Ok(Json(json!({
        "from": r.from,
        "days": r.days,
        "due": r.due,
        "provisional": !missing_years.is_empty(),
        "missing_years": missing_years,
        "skipped": r.skipped.iter().map(|s| json!({
            "date": s.date, "weekday": s.weekday, "reason": s.reason
        })).collect::<Vec<_>>(),
    })))
}

#[derive(Deserialize)]
pub struct DayQuery {
    date: Option<String>,
}

async fn is_working_day(
    State(st): State<AppState>,
    Query(q): Query<DayQuery>,
) -> Result<Json<Value>, ApiError> {
    let d = parse_date(&q.date.ok_or_else(|| missing("date"))?)?;
    let cal = st.kernel.calendar();
    let s = cal.status(d);
    Ok(Json(json!({
        "date": fmt_date(d),
        "weekday": weekday_cn(d),
        "working": s.working,
        "reason": s.reason.describe(),
        "provisional": !cal.has_arrangement(d.year()),
    })))
}

#[derive(Deserialize)]
pub struct DueQuery {
    received: Option<String>,
    base: Option<String>,
    pause: Option<String>,
    extend: Option<String>,
    restart: Option<String>,
}

fn number(name: &str, v: Option<String>, default: u32) -> Result<u32, Error> {
    match v.as_deref().map(str::trim) {
        None | Some("") => Ok(default),
        Some(s) => s.parse().map_err(|_| {
            Error::invalid(
                "invalid_number",
                format!(
                    "参数 {name} 的值“{}”不是非负整数",
                    yangguang_kernel::text::clip(s, 20)
                ),
            )
        }),
    }
}

/// Parses `FROM..TO` (TO may be empty: still paused).
pub fn parse_pause(s: &str) -> Result<Pause, Error> {
    let (a, b) = s.split_once("..").ok_or_else(|| {
        Error::invalid(
            "invalid_pause",
            format!(
                "中止区间“{}”格式应为 FROM..TO，例如 2026-10-09..2026-10-16",
                yangguang_kernel::text::clip(s, 40)
            ),
        )
    })?;
    let to = if b.trim().is_empty() {
        None
    } else {
        Some(parse_date(b)?)
    };
    Ok(Pause {
        from: parse_date(a)?,
        to,
    })
}

async fn due(
    State(st): State<AppState>,
    Query(q): Query<DueQuery>,
) -> Result<Json<Value>, ApiError> {
    let received = parse_date(&q.received.ok_or_else(|| missing("received"))?)?;
    let pauses = q
        .pause
        .as_deref()
        .unwrap_or_default()
        .split(',')
        .filter(|s| !s.trim().is_empty())
        .map(parse_pause)
        .collect::<Result<Vec<_>, _>>()?;
    let input = ClockInput {
        received,
        base: number("base", q.base, 20)?,
        pauses,
        extension: number("extend", q.extend, 0)?,
        restart: q
            .restart
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(parse_date)
            .transpose()?,
    };
    let d = due_date(&st.kernel.calendar(), &input).map_err(Error::from)?;
    Ok(Json(json!({
        "due": fmt_date(d.due),
        "start": fmt_date(d.start),
        "base": d.base,
        "extension": d.extension,
        "paused_days": d.paused_days,
        "provisional": d.provisional,
        "missing_years": d.missing_years,
        "explanation": d.explain(),
    })))
}

#[derive(Deserialize)]
pub struct LicensingDueQuery {
    received: Option<String>,
    extended: Option<String>,
    pause: Option<String>,
}

/// `extended=true|false` (also 1/0, on/off as an HTML checkbox sends).
pub fn parse_flag(name: &str, v: Option<&str>) -> Result<bool, Error> {
    match v.map(str::trim).unwrap_or_default() {
        "" | "false" | "0" | "off" => Ok(false),
        "true" | "1" | "on" => Ok(true),
        other => Err(Error::invalid(
            "invalid_flag",
            format!(
                "参数 {name} 的值“{}”无效：应为 true 或 false",
                yangguang_kernel::text::clip(other, 20)
            ),
        )),
    }
}

/// Comma- or newline-separated `FROM..TO` periods.
pub fn parse_pauses(v: Option<&str>) -> Result<Vec<Pause>, Error> {
    v.unwrap_or_default()
        .split([',', '，', '\n'])
        .filter(|s| !s.trim().is_empty())
        .map(parse_pause)
        .collect()
}

async fn licensing_due(
    State(st): State<AppState>,
    Query(q): Query<LicensingDueQuery>,
) -> Result<Json<Value>, ApiError> {
    let accepted = parse_date(&q.received.ok_or_else(|| missing("received"))?)?;
    let extended = parse_flag("extended", q.extended.as_deref())?;
    let pauses = parse_pauses(q.pause.as_deref())?;
    let d =
        yangguang_powers::rules::licensing_due(accepted, extended, &pauses, &st.kernel.calendar())
            .map_err(Error::from)?;
    Ok(Json(json!({
        "due": fmt_date(d.due()),
        "accepted": fmt_date(d.clock.start),
        "base": d.clock.base,
        "extension": d.clock.extension,
        "excluded_days": d.clock.paused_days,
        "provisional": d.clock.provisional,
        "missing_years": d.clock.missing_years,
        "explanation": d.explain(),
    })))
}

#[derive(Deserialize)]
pub struct PenaltyDueQuery {
    filed: Option<String>,
    extended_days: Option<String>,
}

async fn penalty_due(
    State(st): State<AppState>,
    Query(q): Query<PenaltyDueQuery>,
) -> Result<Json<Value>, ApiError> {
    use yangguang_powers::rules;
    let filed = parse_date(&q.filed.ok_or_else(|| missing("filed"))?)?;
    let days = rules::parse_extension_days(q.extended_days.as_deref()).map_err(Error::from)?;
    let p = rules::penalty_clock(filed, days).map_err(Error::from)?;
    Ok(Json(json!({
        "due": fmt_date(p.due),
        "filed": fmt_date(p.filed),
        "base_days": p.base_days,
        "extended_days": p.extended_days,
        "explanation": p.explain(&st.kernel.calendar()),
    })))
}
