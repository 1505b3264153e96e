//! Supervision of cases (限时办结): the overdue list, the statistics by
//! item and unit with their .xlsx, the yearly decision counts of table 二
//! and the form for the figures of powers run outside the system.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use time::Date;
use yangguang_kernel::audit::Actor;
use yangguang_kernel::figures::Decisions;
use yangguang_kernel::perm::Permission;
use yangguang_kernel::timefmt::{self, fmt_date, parse_rfc3339, today_cst};
use yangguang_kernel::{Error, Result};
use yangguang_webcore::AppState;
use yangguang_webcore::download::serve_download;
use yangguang_webcore::error::{public_message, render, status_of};
use yangguang_webcore::forms::Fields;
use yangguang_webcore::layout::{Frame, Layout};

use super::cases::me;
use super::fail;
use crate::stats::{self, ItemStats, StepAverage};

fn today() -> Date {
    today_cst(timefmt::now())
}

fn flags(frame: &Frame) -> (bool, bool) {
    (
        frame.viewer.can(Permission::PowersSupervise),
        frame.viewer.can(Permission::PowersManage),
    )
}

pub struct OverdueLine {
    pub id: i64,
    pub case_no: String,
    pub item: String,
    pub unit: String,
    pub owner: String,
    pub step: String,
    pub due: String,
    pub days: u32,
}

#[derive(askama::Template)]
#[template(path = "bsgk_overdue.html")]
struct OverduePage {
    layout: Layout,
    supervise: bool,
    manage: bool,
    today: String,
    rows: Vec<OverdueLine>,
}

pub async fn overdue(State(st): State<AppState>, frame: Frame) -> Response {
    let (supervise, manage) = flags(&frame);
    let layout = frame.nav("staff");
    let today = today();
    match stats::overdue(&st.kernel, today).await {
        Ok(list) => {
            let rows = list
                .into_iter()
                .map(|o| OverdueLine {
                    id: o.id,
                    case_no: o.case_no,
                    item: format!("{} {}", o.item_code, o.item_name),
                    unit: o.unit,
                    owner: o.owner,
                    step: o.step,
                    due: format!("{}至{}", o.due_label, fmt_date(o.due)),
                    days: o.days,
                })
                .collect();
            render(
                StatusCode::OK,
                &OverduePage {
                    layout,
                    supervise,
                    manage,
                    today: fmt_date(today),
                    rows,
                },
            )
        }
        Err(e) => fail(e, layout),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct StatsQuery {
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub done: String,
}

/// A table line as shown and exported.
pub struct Line {
    pub unit: String,
    pub code: String,
    pub name: String,
    pub received: i64,
    pub decided: i64,
    pub on_time: i64,
    pub late: i64,
    pub open: i64,
    pub open_overdue: i64,
    pub rate: String,
    pub steps: String,
}

fn rate(on_time: i64, decided: i64) -> String {
    if decided == 0 {
        "—".into()
    } else {
        format!("{:.1}%", on_time as f64 * 100.0 / decided as f64)
    }
}

fn steps_text(s: &[StepAverage]) -> String {
    s.iter()
        .map(|a| format!("{} {:.1}", a.name, a.days))
        .collect::<Vec<_>>()
        .join("；")
}

fn line(r: &ItemStats) -> Line {
    Line {
        unit: r.unit.clone(),
        code: r.code.clone(),
        name: r.name.clone(),
        received: r.received,
        decided: r.decided,
        on_time: r.on_time,
        late: r.late,
        open: r.open,
        open_overdue: r.open_overdue,
        rate: rate(r.on_time, r.decided),
        steps: steps_text(&r.steps),
    }
}

fn total(rows: &[ItemStats], all_steps: &[StepAverage]) -> Line {
    let sum = |f: fn(&ItemStats) -> i64| rows.iter().map(f).sum::<i64>();
    let (on_time, decided) = (sum(|r| r.on_time), sum(|r| r.decided));
    Line {
        unit: "合计".into(),
        code: String::new(),
        name: String::new(),
        received: sum(|r| r.received),
        decided,
        on_time,
        late: sum(|r| r.late),
        open: sum(|r| r.open),
        open_overdue: sum(|r| r.open_overdue),
        rate: rate(on_time, decided),
        steps: steps_text(all_steps),
    }
}

/// One row of the table 二 figures.
pub struct AnnualLine {
    pub label: &'static str,
    pub system: i64,
    pub entered: String,
    pub total: i64,
    pub note: String,
    pub by: String,
}

/// The entered-figure form as typed (kept when refused).
#[derive(Default)]
pub struct EnteredForm {
    pub year: String,
    pub kind: String,
    pub count: String,
    pub note: String,
}

#[derive(askama::Template)]
#[template(path = "bsgk_stats.html")]
struct StatsPage {
    layout: Layout,
    supervise: bool,
    manage: bool,
    from: String,
    to: String,
    rows: Vec<Line>,
    total: Line,
    steps: Vec<(String, u32, String)>,
    year: i32,
    annual: Vec<AnnualLine>,
    kinds: Vec<(&'static str, &'static str)>,
    form: EnteredForm,
    notice: Option<&'static str>,
    error: Option<String>,
}

async fn annual_lines(st: &AppState, year: i32) -> Result<Vec<AnnualLine>> {
    let decided = stats::decided_in(&st.kernel, year).await?;
    let entered = stats::entered(&st.kernel, year).await?;
    Ok(Decisions::ALL
        .into_iter()
        .map(|d| {
            let system = decided.get(&d).copied().unwrap_or(0);
            let e = entered.iter().find(|e| e.kind == d);
            AnnualLine {
                label: d.label(),
                system,
                entered: e.map_or("—".into(), |e| format!("{}（填报）", e.count)),
                total: system + e.map_or(0, |e| e.count),
                note: e.map(|e| e.note.clone()).unwrap_or_default(),
                by: e
                    .map(|e| {
                        let at = parse_rfc3339(&e.entered_at)
                            .map(|t| fmt_date(today_cst(t)))
                            .unwrap_or_default();
                        format!("{} {at}", e.entered_by)
                    })
                    .unwrap_or_default(),
            }
        })
        .collect())
}

async fn show(
    st: &AppState,
    frame: Frame,
    q: &StatsQuery,
    form: EnteredForm,
    notice: Option<&'static str>,
    refused: Option<Error>,
) -> Response {
    let (supervise, manage) = flags(&frame);
    let layout = frame.nav("staff");
    let today = today();
    let mut status = refused.as_ref().map_or(StatusCode::OK, status_of);
    let mut error = refused.as_ref().map(public_message);
    let (from, to, s) = match stats::period(&q.from, &q.to, today) {
        Ok((from, to)) => match stats::stats(&st.kernel, from, to, today).await {
            Ok(s) => (fmt_date(from), fmt_date(to), s),
            Err(e) => return fail(e, layout),
        },
        Err(e) => {
            status = status_of(&e);
            error = Some(public_message(&e));
            (q.from.clone(), q.to.clone(), stats::Stats::default())
        }
    };
    let year = q
        .year
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (2000..=today.year()).contains(y))
        .unwrap_or(today.year());
    let annual = match annual_lines(st, year).await {
        Ok(a) => a,
        Err(e) => return fail(e, layout),
    };
    render(
        status,
        &StatsPage {
            layout,
            supervise,
            manage,
            from,
            to,
            rows: s.rows.iter().map(line).collect(),
            total: total(&s.rows, &s.steps),
            steps: s
                .steps
                .iter()
                .map(|a| (a.name.clone(), a.completed, format!("{:.1}", a.days)))
                .collect(),
            year,
            annual,
            kinds: Decisions::ALL
                .iter()
                .map(|d| (d.code(), d.label()))
                .collect(),
            form,
            notice,
            error,
        },
    )
}

pub async fn page(
    State(st): State<AppState>,
    frame: Frame,
    Query(q): Query<StatsQuery>,
) -> Response {
    let notice = (q.done == "entered").then_some("已保存填报数，年度报告表二将计入。");
    show(&st, frame, &q, EnteredForm::default(), notice, None).await
}

fn workbook(
    rows: &[Line],
    total: &Line,
    steps: &[StepAverage],
    from: Date,
    to: Date,
) -> Result<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let xe = |e: rust_xlsxwriter::XlsxError| Error::Internal(format!("生成 xlsx 失败：{e}"));
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let ws = wb.add_worksheet();
    ws.set_name("办件统计").map_err(xe)?;
    ws.write_string(
        0,
        0,
        format!("办件统计（{} 至 {}）", fmt_date(from), fmt_date(to)),
    )
    .map_err(xe)?;
    let head = [
        "承办处室",
        "事项编码",
        "事项名称",
        "收件",
        "办结",
        "按时办结",
        "超时办结",
        "在办",
        "在办已超期",
        "按时办结率",
        "各环节平均用时（工作日）",
    ];
    for (c, h) in head.iter().enumerate() {
        ws.write_string_with_format(1, c as u16, *h, &bold)
            .map_err(xe)?;
    }
    for (i, r) in rows.iter().chain(std::iter::once(total)).enumerate() {
        let row = i as u32 + 2;
        ws.write_string(row, 0, &r.unit).map_err(xe)?;
        ws.write_string(row, 1, &r.code).map_err(xe)?;
        ws.write_string(row, 2, &r.name).map_err(xe)?;
        for (c, n) in [
            r.received,
            r.decided,
            r.on_time,
            r.late,
            r.open,
            r.open_overdue,
        ]
        .into_iter()
        .enumerate()
        {
            ws.write_number(row, c as u16 + 3, n as f64).map_err(xe)?;
        }
        ws.write_string(row, 9, &r.rate).map_err(xe)?;
        ws.write_string(row, 10, &r.steps).map_err(xe)?;
    }
    let ws = wb.add_worksheet();
    ws.set_name("各环节平均用时").map_err(xe)?;
    for (c, h) in ["环节", "办结次数", "平均用时（工作日）"]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(0, c as u16, *h, &bold)
            .map_err(xe)?;
    }
    for (i, s) in steps.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_string(row, 0, &s.name).map_err(xe)?;
        ws.write_number(row, 1, f64::from(s.completed))
            .map_err(xe)?;
        ws.write_number(row, 2, (s.days * 10.0).round() / 10.0)
            .map_err(xe)?;
    }
    wb.save_to_buffer().map_err(xe)
}

pub async fn xlsx(
    State(st): State<AppState>,
    frame: Frame,
    Query(q): Query<StatsQuery>,
) -> Response {
    let today = today();
    let r = async {
        let (from, to) = stats::period(&q.from, &q.to, today)?;
        let s = stats::stats(&st.kernel, from, to, today).await?;
        let rows: Vec<Line> = s.rows.iter().map(line).collect();
        workbook(&rows, &total(&s.rows, &s.steps), &s.steps, from, to)
    }
    .await;
    match r {
        Ok(bytes) => serve_download(
            "办件统计.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            bytes,
        ),
        Err(e) => fail(e, frame.nav("staff")),
    }
}

/// POST /staff/bsgk/entered: the figure of decisions on powers run
/// outside the system, for table 二 (marked as entered).
pub async fn save_entered(State(st): State<AppState>, frame: Frame, f: Fields) -> Response {
    let now = timefmt::now();
    let form = EnteredForm {
        year: f.get("year").to_string(),
        kind: f.get("kind").to_string(),
        count: f.get("count").to_string(),
        note: f.get("note").to_string(),
    };
    let r = async {
        let user = me(&frame)?;
        let e = stats::parse_entered(
            &form.year,
            &form.kind,
            &form.count,
            &form.note,
            today_cst(now),
        )?;
        stats::save_entered(&st.kernel, now, &Actor::user(&user), &e).await?;
        Ok::<_, Error>(e.year)
    }
    .await;
    match r {
        Ok(year) => {
            Redirect::to(&format!("/staff/bsgk/stats?year={year}&done=entered")).into_response()
        }
        Err(e) if e.is_client_error() || matches!(e, Error::Forbidden(_)) => {
            let q = StatsQuery {
                year: form.year.clone(),
                ..StatsQuery::default()
            };
            show(&st, frame, &q, form, None, Some(e)).await
        }
        Err(e) => fail(e, frame.nav("staff")),
    }
}
