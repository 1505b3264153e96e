//! The inbox (待办 / 待阅 / 已办, with the A/B banner and 催办), the
//! office's overdue list with the posts that have no B holder, and the
//! timeliness statistics with their .xlsx.

use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use time::Date;
use yangguang_kernel::org::Acting;
use yangguang_kernel::org_store;
use yangguang_kernel::timefmt::{fmt_date, parse_date};
use yangguang_kernel::{Error, Result};
use yangguang_webcore::AppState;
use yangguang_webcore::error::render;
use yangguang_webcore::layout::{Frame, Layout};

use super::{fail, me, today};
use crate::inbox::{self, Tab};

#[derive(Debug, Default, Deserialize)]
pub struct InboxQuery {
    #[serde(default)]
    pub tab: String,
    #[serde(default)]
    pub page: Option<i64>,
}

pub struct Row {
    pub doc_id: i64,
    pub task_id: i64,
    pub title: String,
    pub number: String,
    pub direction: &'static str,
    pub step: String,
    pub urgency: &'static str,
    pub state: &'static str,
    pub due: String,
    pub overdue: bool,
    pub remind: &'static str,
    /// The A holder this person acts for on this task ("" for own).
    pub for_a: String,
    pub done_at: String,
}

#[derive(askama::Template)]
#[template(path = "docflow_inbox.html")]
struct InboxPage {
    layout: Layout,
    tab: &'static str,
    counts: (i64, i64, i64),
    rows: Vec<Row>,
    page: i64,
    more: bool,
    /// "您今日为X（岗位）的B岗…" lines.
    banners: Vec<String>,
    escalated: Vec<(i64, String, String, String, &'static str)>,
    oversee: bool,
}

fn remind_label(level: u8) -> &'static str {
    match level {
        0 => "",
        1 => "即将到期",
        2 => "已逾期（已告处室负责人）",
        _ => "逾期超过2个工作日（已告分管领导）",
    }
}

pub async fn page(
    State(st): State<AppState>,
    frame: Frame,
    Query(q): Query<InboxQuery>,
) -> Response {
    let k = &st.kernel;
    let tab = Tab::parse(&q.tab);
    let page = q.page.unwrap_or(0).max(0);
    let r: Result<InboxPage> = async {
        let me = me(k, &frame).await?;
        let who = &me.who;
        let counts = inbox::counts(k, who).await?;
        let list = inbox::inbox(k, who, tab, page).await?;
        let more = list.len() as i64 == inbox::PAGE;
        let rows = list
            .into_iter()
            .map(|r| Row {
                doc_id: r.task.doc_id,
                task_id: r.task.id,
                number: r.number.clone().unwrap_or_default(),
                direction: r.direction.label(),
                step: r.task.step_label(),
                urgency: r.urgency.label(),
                state: r.task.state.label(),
                due: r.task.due_on.clone().unwrap_or_default(),
                overdue: r.overdue,
                remind: remind_label(r.remind),
                for_a: if r.task.assignee_user_id == who.me.id {
                    String::new()
                } else {
                    who.person_for(r.task.assignee_user_id).display.clone()
                },
                done_at: r.task.done_on.clone().unwrap_or_default(),
                title: r.title,
            })
            .collect();
        let banners = who
            .posts
            .iter()
            .filter(|p| matches!(p.acting, Acting::Backup { user_id, .. } if user_id == who.me.id))
            .map(|p| {
                format!(
                    "{}（{}A岗）今日不在岗，由您作为B岗代为办理：其待办已列入您的收件箱，标有“代{}”，每项办理均记录为“B岗代A岗”。",
                    p.a_name, p.post.name, p.a_name
                )
            })
            .collect();
        let escalated = inbox::escalated_to(k, who)
            .await?
            .into_iter()
            .map(|(doc, title, name, due, level)| {
                (doc, title, name, due.unwrap_or_default(), remind_label(level))
            })
            .collect();
        Ok(InboxPage {
            layout: Layout::default(),
            tab: tab.as_str(),
            counts,
            rows,
            page,
            more,
            banners,
            escalated,
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

pub struct OverdueRow {
    pub doc_id: i64,
    pub title: String,
    pub step: String,
    pub assignee: String,
    pub division: String,
    pub due: String,
    pub remind: &'static str,
    pub uncovered: bool,
}

#[derive(askama::Template)]
#[template(path = "docflow_overdue.html")]
struct OverduePage {
    layout: Layout,
    rows: Vec<OverdueRow>,
    unbacked: Vec<(String, String, String)>,
}

pub async fn overdue(State(st): State<AppState>, frame: Frame) -> Response {
    let k = &st.kernel;
    let r: Result<OverduePage> = async {
        let me = me(k, &frame).await?;
        let rows = inbox::overdue(k, &me.who, 500)
            .await?
            .into_iter()
            .map(|o| OverdueRow {
                doc_id: o.task.doc_id,
                step: o.task.step_label(),
                due: o.task.due_on.clone().unwrap_or_default(),
                remind: remind_label(o.remind),
                uncovered: o.uncovered,
                assignee: o.assignee,
                division: o.division.unwrap_or_default(),
                title: o.title,
            })
            .collect();
        let unbacked = org_store::posts_without_backup(k, me.who.today)
            .await?
            .into_iter()
            .map(|p| (p.post.name, p.division.unwrap_or_default(), p.a_name))
            .collect();
        Ok(OverduePage {
            layout: Layout::default(),
            rows,
            unbacked,
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

#[derive(Debug, Default, Deserialize)]
pub struct StatsQuery {
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
}

fn period(q: &StatsQuery, today: Date) -> Result<(Date, Date)> {
    let from = if q.from.trim().is_empty() {
        Date::from_calendar_date(today.year(), time::Month::January, 1)
            .map_err(|e| Error::Internal(e.to_string()))?
    } else {
        parse_date(&q.from)?
    };
    let to = if q.to.trim().is_empty() {
        today
    } else {
        parse_date(&q.to)?
    };
    if to < from {
        return Err(Error::invalid(
            "invalid_period",
            "统计区间的结束日期不能早于开始日期",
        ));
    }
    Ok((from, to))
}

pub struct StatRow {
    pub division: String,
    pub on_time: i64,
    pub late: i64,
    pub open: i64,
    pub open_overdue: i64,
    pub rate: String,
    pub steps: String,
}

fn stat_rows(list: Vec<inbox::DivisionStats>) -> Vec<StatRow> {
    list.into_iter()
        .map(|s| {
            let done = s.on_time + s.late;
            StatRow {
                rate: if done == 0 {
                    "—".into()
                } else {
                    format!("{:.1}%", s.on_time as f64 * 100.0 / done as f64)
                },
                steps: s
                    .avg_days
                    .iter()
                    .map(|(l, d)| format!("{l} {d:.1}"))
                    .collect::<Vec<_>>()
                    .join("；"),
                division: s.division,
                on_time: s.on_time,
                late: s.late,
                open: s.open,
                open_overdue: s.open_overdue,
            }
        })
        .collect()
}

#[derive(askama::Template)]
#[template(path = "docflow_stats.html")]
struct StatsPage {
    layout: Layout,
    from: String,
    to: String,
    rows: Vec<StatRow>,
    error: Option<String>,
}

pub async fn stats(
    State(st): State<AppState>,
    frame: Frame,
    Query(q): Query<StatsQuery>,
) -> Response {
    let k = &st.kernel;
    let today = today();
    let r = async {
        let (from, to) = period(&q, today)?;
        Ok::<_, Error>((from, to, stat_rows(inbox::stats(k, from, to, today).await?)))
    }
    .await;
    let (status, page) = match r {
        Ok((from, to, rows)) => (
            StatusCode::OK,
            StatsPage {
                layout: Layout::default(),
                from: fmt_date(from),
                to: fmt_date(to),
                rows,
                error: None,
            },
        ),
        Err(e) => (
            yangguang_webcore::error::status_of(&e),
            StatsPage {
                layout: Layout::default(),
                from: q.from.clone(),
                to: q.to.clone(),
                rows: Vec::new(),
                error: Some(yangguang_webcore::error::public_message(&e)),
            },
        ),
    };
    let mut page = page;
    page.layout = frame.nav("staff");
    render(status, &page)
}

fn xlsx(rows: &[StatRow], from: Date, to: Date) -> Result<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let xe = |e: rust_xlsxwriter::XlsxError| Error::Internal(format!("生成 xlsx 失败：{e}"));
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let ws = wb.add_worksheet();
    ws.set_name("办文时效").map_err(xe)?;
    ws.write_string(
        0,
        0,
        format!("网上办文时效统计（{} 至 {}）", fmt_date(from), fmt_date(to)),
    )
    .map_err(xe)?;
    let head = [
        "处室",
        "按时办结",
        "超时办结",
        "在办",
        "在办已逾期",
        "按时办结率",
        "各环节平均用时（工作日）",
    ];
    for (c, h) in head.iter().enumerate() {
        ws.write_string_with_format(1, c as u16, *h, &bold)
            .map_err(xe)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let row = i as u32 + 2;
        ws.write_string(row, 0, &r.division).map_err(xe)?;
        ws.write_number(row, 1, r.on_time as f64).map_err(xe)?;
        ws.write_number(row, 2, r.late as f64).map_err(xe)?;
        ws.write_number(row, 3, r.open as f64).map_err(xe)?;
        ws.write_number(row, 4, r.open_overdue as f64).map_err(xe)?;
        ws.write_string(row, 5, &r.rate).map_err(xe)?;
        ws.write_string(row, 6, &r.steps).map_err(xe)?;
    }
    wb.save_to_buffer().map_err(xe)
}

pub async fn stats_xlsx(
    State(st): State<AppState>,
    frame: Frame,
    Query(q): Query<StatsQuery>,
) -> Response {
    let k = &st.kernel;
    let today = today();
    let r = async {
        let (from, to) = period(&q, today)?;
        let rows = stat_rows(inbox::stats(k, from, to, today).await?);
        xlsx(&rows, from, to)
    }
    .await;
    match r {
        Ok(bytes) => {
            let mut resp = bytes.into_response();
            let h = resp.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ),
            );
            h.insert(
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static(
                    "attachment; filename=\"docflow-stats.xlsx\"; filename*=UTF-8''%E5%8A%9E%E6%96%87%E6%97%B6%E6%95%88%E7%BB%9F%E8%AE%A1.xlsx",
                ),
            );
            resp
        }
        Err(e) => fail(frame, e),
    }
}
