//! Public case tracking at /bsgk/cx: case number + query code from the
//! 办件回执. As on the 依申请公开 follow page, every wrong pair and every
//! attempt over the limit gets the same 404 (the count is shared by every
//! node through `follow_limit`). The right pair shows what the public may
//! know: the item, the masked party, dates, the current steps on the
//! flowchart the case runs, the clock in force and the result — never who
//! handled a step, their opinions or the party's contact.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use yangguang_kernel::calendar::Calendar;
use yangguang_kernel::follow_limit as limit;
use yangguang_kernel::timefmt::{self, fmt_date};
use yangguang_process::svg;
use yangguang_process::{engine, steps};
use yangguang_webcore::AppState;
use yangguang_webcore::error::render;
use yangguang_webcore::forms::Fields;
use yangguang_webcore::layout::{Frame, Layout};

use super::fail;

use crate::case::{self, Facts, Kind};
use crate::case_store::{self, Case, StepRow};

/// One message for every wrong pair and for every attempt over the limit.
pub const NOT_FOUND: &str =
    "办件编号或查询码不正确，或尝试次数过多。请核对办件回执上的办件编号和查询码，稍后再试。";

/// Longer input is cut before it is looked up or counted: a case number
/// is 14 characters, and the counter table should not grow with junk.
const MAX_INPUT: usize = 32;

#[derive(askama::Template)]
#[template(path = "bsgk_follow.html")]
struct FollowPage {
    layout: Layout,
    case_no: String,
    error: Option<&'static str>,
}

fn form(
    layout: Layout,
    status: StatusCode,
    case_no: String,
    error: Option<&'static str>,
) -> Response {
    render(
        status,
        &FollowPage {
            layout,
            case_no,
            error,
        },
    )
}

pub async fn page(frame: Frame) -> Response {
    form(frame.nav("bsgk"), StatusCode::OK, String::new(), None)
}

fn cut(s: &str) -> String {
    s.trim().chars().take(MAX_INPUT).collect()
}

pub async fn follow(
    State(st): State<AppState>,
    frame: Frame,
    headers: HeaderMap,
    f: Fields,
) -> Response {
    let case_no = cut(f.get("case_no"));
    let code = cut(f.get("code"));
    let layout = frame.nav("bsgk");
    if case_no.is_empty() || code.is_empty() {
        return form(
            layout,
            StatusCode::BAD_REQUEST,
            case_no,
            Some("请填写办件编号和查询码。"),
        );
    }
    let k = &st.kernel;
    let who = yangguang_webcore::access::client_key(&headers);
    let now = timefmt::now();
    let found = match limit::allowed(k, &who, &case_no, now).await {
        Ok(false) => return form(layout, StatusCode::NOT_FOUND, case_no, Some(NOT_FOUND)),
        Ok(true) => case_store::find_by_code(k, &case_no, &code).await,
        Err(e) => Err(e),
    };
    let c = match found {
        Ok(Some(c)) => c,
        Ok(None) => {
            if let Err(e) = limit::failed(k, &who, &case_no, now).await {
                return fail(e, layout);
            }
            return form(layout, StatusCode::NOT_FOUND, case_no, Some(NOT_FOUND));
        }
        Err(e) => return fail(e, layout),
    };
    let rows = match case_store::steps(k, c.id).await {
        Ok(r) => r,
        Err(e) => return fail(e, layout),
    };
    let s = status(&c, &rows, &k.calendar());
    let mut resp = render(StatusCode::OK, &StatusPage { layout, s });
    // The page carries a person's case: no shared cache keeps it.
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// The clock as the page shows it.
pub struct ClockView {
    pub label: &'static str,
    pub due: String,
    pub promised: Option<String>,
    pub explain: Vec<String>,
    pub paused: bool,
}

/// The result as the public may read it.
#[derive(Debug, PartialEq, Eq)]
pub struct Outcome {
    /// 准予许可 / 不予许可 / 已作出行政处罚决定 / 已办结.
    pub label: &'static str,
    pub decided: String,
    pub served: Option<String>,
    /// The decision's text, when it may be shown.
    pub text: Option<String>,
    /// Why the text is not shown, or that a disclosure was withdrawn.
    pub note: Option<String>,
}

/// The result of a decided case. Licensing decisions are the applicant's
/// own and shown; a penalty decision's text only once it was disclosed
/// (and not after the disclosure was withdrawn, 行政处罚法第四十八条).
pub fn outcome(kind: Kind, f: &Facts) -> Option<Outcome> {
    let decided = f.decided_on?;
    let text = (!f.result.trim().is_empty()).then(|| f.result.trim().to_string());
    let (label, text, note) = match kind {
        Kind::Licensing => (
            match f.granted {
                Some(true) => "准予许可",
                Some(false) => "不予许可",
                None => "已作出许可决定",
            },
            text,
            None,
        ),
        Kind::Penalty => match (f.disclosed_on, f.withdrawn_on) {
            (_, Some(w)) => (
                "已作出行政处罚决定",
                None,
                Some(format!(
                    "该处罚决定的公开信息已于{w}撤回{}",
                    if f.withdrawn_reason.trim().is_empty() {
                        String::new()
                    } else {
                        format!("，理由：{}", f.withdrawn_reason.trim())
                    }
                )),
            ),
            (Some(_), None) => ("已作出行政处罚决定", text, None),
            (None, None) => (
                "已作出行政处罚决定",
                None,
                Some("处罚决定书依法送达当事人；具有一定社会影响的行政处罚决定依法公开后，在此显示决定内容。".into()),
            ),
        },
        Kind::Other => ("已办结", None, None),
    };
    Some(Outcome {
        label,
        decided: fmt_date(decided),
        served: f.served_on.map(fmt_date),
        text,
        note,
    })
}

/// Everything the status page shows, all public.
pub struct Status {
    pub case_no: String,
    pub item_code: String,
    pub item_name: String,
    pub category: &'static str,
    /// 申请人 / 当事人.
    pub party_label: &'static str,
    pub party: String,
    pub received: String,
    /// 受理日期 / 立案日期, with its label.
    pub started: Option<(&'static str, String)>,
    pub state: String,
    /// Current steps: (name, since).
    pub current: Vec<(String, String)>,
    pub clock: Option<ClockView>,
    /// 不计入期限的期间: (from, to or 至今, reason).
    pub excluded: Vec<(String, String, String)>,
    /// Approved extension: (date, length, reason).
    pub extension: Option<(String, String, String)>,
    pub outcome: Option<Outcome>,
    /// Completed steps in order: (date, name).
    pub done: Vec<(String, String)>,
    pub svg: String,
    /// Every step of the process: (name, 已办（date）/ 当前（自date起）/ "").
    pub outline: Vec<(String, String)>,
}

/// The public view of a case from its record and steps: step names and
/// dates only (a row's handler, acting-for and opinion are never read).
pub fn status(c: &Case, rows: &[StepRow], cal: &Calendar) -> Status {
    let open = engine::open_tasks(&c.definition, &c.instance);
    let view = case_store::progress_view(c, rows);
    let done: Vec<(String, String)> = rows
        .iter()
        .filter(|r| r.what == "completed")
        .map(|r| (fmt_date(r.on), r.name.clone()))
        .collect();
    let last = view.done.clone();
    let svg = svg::render(&c.definition, &view);
    let outline = steps::steps(&c.definition)
        .into_iter()
        .map(|s| {
            let mark = if let Some(t) = open.iter().find(|t| t.node == s.id) {
                format!("当前（自{}起）", fmt_date(t.since))
            } else if let Some((_, d)) = last.iter().find(|(n, _)| *n == s.id) {
                format!("已办（{d}）")
            } else {
                String::new()
            };
            (s.name, mark)
        })
        .collect();
    let f = &c.facts;
    let clock = c
        .open
        .then(|| {
            case::clock(
                c.kind,
                f,
                c.item.content.statutory,
                c.item.content.promised,
                cal,
            )
        })
        .flatten()
        .map(|k| ClockView {
            label: k.label,
            due: fmt_date(k.due),
            promised: k.promised.map(fmt_date),
            explain: k.explain,
            paused: k.paused,
        });
    let state = if c.open {
        if clock.as_ref().is_some_and(|k| k.paused) {
            "办理中（处于不计入期限的期间）".to_string()
        } else {
            "办理中".to_string()
        }
    } else {
        // The end event the case reached names how it ended.
        match rows.iter().rev().find(|r| r.what == "ended") {
            Some(r) if !r.name.trim().is_empty() => format!("已办结（{}）", r.name),
            _ => "已办结".to_string(),
        }
    };
    let started = match c.kind {
        Kind::Licensing => f.accepted_on.map(|d| {
            let mut s = fmt_date(d);
            if f.deemed_accepted {
                s.push_str("（逾期未告知补正，自收到申请材料之日起视为受理）");
            }
            ("受理日期", s)
        }),
        Kind::Penalty => f.filed_on.map(|d| ("立案日期", fmt_date(d))),
        Kind::Other => None,
    };
    let extension = f.extension.as_ref().map(|e| {
        let len = match c.kind {
            Kind::Penalty => format!("{}日", e.days),
            _ => format!("{}个工作日", e.days),
        };
        (fmt_date(e.on), len, e.reason.clone())
    });
    Status {
        case_no: c.case_no.clone(),
        item_code: c.item.code.clone(),
        item_name: c.item.content.name.clone(),
        category: c.item.content.category.label(),
        party_label: if c.kind == Kind::Penalty {
            "当事人"
        } else {
            "申请人"
        },
        party: c.party_masked.clone(),
        received: fmt_date(c.received_on),
        started,
        state,
        current: open
            .iter()
            .map(|t| (t.name.clone(), fmt_date(t.since)))
            .collect(),
        clock,
        excluded: f
            .excluded
            .iter()
            .map(|e| {
                (
                    fmt_date(e.from),
                    e.to.map_or("至今".into(), fmt_date),
                    e.reason.clone(),
                )
            })
            .collect(),
        extension,
        outcome: outcome(c.kind, f),
        done,
        svg,
        outline,
    }
}

#[derive(askama::Template)]
#[template(path = "bsgk_status.html")]
struct StatusPage {
    layout: Layout,
    s: Status,
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn decided_penalty() -> Facts {
        Facts {
            filed_on: Some(date!(2026 - 12 - 01)),
            decided_on: Some(date!(2026 - 12 - 28)),
            result: "罚款人民币五万元".into(),
            ..Facts::default()
        }
    }

    #[test]
    fn a_penalty_decision_text_is_shown_only_once_disclosed_and_not_after_withdrawal() {
        let f = decided_penalty();
        let o = outcome(Kind::Penalty, &f).expect("decided");
        assert_eq!(o.text, None);
        assert_eq!(o.decided, "2026-12-28");
        let f = Facts {
            disclosed_on: Some(date!(2026 - 12 - 30)),
            ..f
        };
        let o = outcome(Kind::Penalty, &f).expect("decided");
        assert_eq!(o.text.as_deref(), Some("罚款人民币五万元"));
        let f = Facts {
            withdrawn_on: Some(date!(2027 - 01 - 05)),
            withdrawn_reason: "原决定经复议被撤销".into(),
            ..f
        };
        let o = outcome(Kind::Penalty, &f).expect("decided");
        assert_eq!(o.text, None);
        assert!(
            o.note
                .as_deref()
                .is_some_and(|n| n.contains("2027-01-05") && n.contains("原决定经复议被撤销"))
        );
    }

    #[test]
    fn a_licensing_result_says_granted_or_refused_and_an_undecided_case_has_none() {
        assert_eq!(outcome(Kind::Licensing, &Facts::default()), None);
        let f = Facts {
            decided_on: Some(date!(2026 - 03 - 24)),
            granted: Some(false),
            result: "不符合经营场所条件，不予许可".into(),
            ..Facts::default()
        };
        let o = outcome(Kind::Licensing, &f).expect("decided");
        assert_eq!(o.label, "不予许可");
        assert_eq!(o.text.as_deref(), Some("不符合经营场所条件，不予许可"));
    }
}
