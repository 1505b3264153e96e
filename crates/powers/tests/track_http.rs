//! Public case tracking at /bsgk/cx over HTTP on SQLite and PostgreSQL:
//! the right number + query code shows the current step highlighted on
//! the flowchart as the engine has it, the done steps with their dates,
//! the masked party and the clock; a wrong pair and every try over the
//! limit get one 404 that reveals nothing; a penalty decision's text stays
//! hidden until it is disclosed; no handler, opinion or contact leaks.

mod common;

use axum::http::StatusCode;
use common::{act, add_items, at, item, opinion, usual_bureau, vars};
use time::Date;
use time::macros::date;
use yangguang_kernel::Kernel;
use yangguang_kernel::audit::Actor;
use yangguang_kernel::follow_limit::PER_NUMBER;
use yangguang_kernel::testing::kernels;
use yangguang_kernel::timefmt::fmt_date;
use yangguang_powers::case::{self, IntendedInput, StepInput};
use yangguang_powers::case_store::{self, Channel, NewCase, Opened};
use yangguang_powers::model::{Category, Tier};
use yangguang_powers::routes::track::NOT_FOUND;
use yangguang_powers::rules::{CaseFacts, Party, PenaltyKind};
use yangguang_process::{Value, Vars};
use yangguang_web::testing::{Browser, Page, state_for};

/// What a handler knows and the public must not see.
const PRIVATE: [&str; 12] = [
    "window1",
    "window2",
    "inspector",
    "chief",
    "office1",
    "徐窗口",
    "郑执法",
    "王局长",
    "内部意见",
    "13800001111",
    "张三丰",
    "李四海",
];

async fn setup(k: &Kernel) {
    usual_bureau(k).await;
    add_items(
        k,
        &[
            (
                "XK-001",
                item(
                    "危险化学品经营许可证核发",
                    Category::Licensing,
                    Some(Tier::Ordinary),
                    "licensing",
                ),
            ),
            (
                "CF-001",
                item(
                    "对未按照规定设置安全生产管理机构的处罚",
                    Category::Penalty,
                    None,
                    "penalty",
                ),
            ),
        ],
    )
    .await;
}

async fn open(k: &Kernel, code: &str, party: &str, received: Date) -> Opened {
    case_store::open(
        k,
        at(received),
        &Actor::user(if code.starts_with("CF") {
            "inspector"
        } else {
            "window1"
        }),
        NewCase {
            item_code: code.into(),
            party: party.into(),
            contact: "13800001111".into(),
            subject: "申请危险化学品经营许可证".into(),
            channel: Channel::Window,
            received_on: received,
        },
    )
    .await
    .expect("open")
}

async fn follow(b: &mut Browser, no: &str, code: &str) -> Page {
    b.post("/bsgk/cx", &[("case_no", no), ("code", code)]).await
}

/// Node ids of the chart's groups whose class list has `class`.
fn marked(html: &str, class: &str) -> Vec<String> {
    html.split("<g id=\"")
        .skip(1)
        .filter_map(|g| {
            let (id, rest) = g.split_once('"')?;
            let classes = rest.strip_prefix(" class=\"")?.split('"').next()?;
            let node = id.split_once("-n-")?.1;
            classes
                .split(' ')
                .any(|c| c == class)
                .then(|| node.to_string())
        })
        .collect()
}

/// The chart's group of `node`, up to its end.
fn group<'a>(html: &'a str, node: &str) -> &'a str {
    let start = html
        .find(&format!("-n-{node}\""))
        .unwrap_or_else(|| panic!("no group for {node}"));
    let rest = &html[start..];
    &rest[..rest.find("</g>").unwrap_or(rest.len())]
}

fn error_line(html: &str) -> Option<&str> {
    html.split("id=\"cx-error\">")
        .nth(1)
        .and_then(|s| s.split("</p>").next())
}

fn wrong(code: &str) -> String {
    let first = if code.starts_with('A') { "B" } else { "A" };
    format!("{first}{}", &code[1..])
}

fn assert_private(be: &str, body: &str) {
    for p in PRIVATE {
        assert!(!body.contains(p), "{be}: the public page shows {p}");
    }
}

fn postgres_expected(backends: &[&str]) {
    if std::env::var("YANGGUANG_TEST_POSTGRES").is_ok_and(|v| !v.is_empty()) {
        assert!(backends.contains(&"postgres"), "PostgreSQL was not tested");
    }
}

#[tokio::test]
async fn the_right_pair_shows_the_engines_current_step_on_the_chart_the_done_dates_the_masked_party_and_the_clock()
 {
    let mut backends = Vec::new();
    for (be, k) in kernels("powers_track", &yangguang_web::migrations())
        .await
        .expect("kernels")
    {
        backends.push(be);
        setup(&k).await;
        let st = state_for(k).await;
        let k = &st.kernel;
        let o = open(k, "XK-001", "张三丰", date!(2026 - 03 - 02)).await;
        let id = o.id;
        let complete = vars(&[("materials_complete", Value::Bool(true))]);
        act(
            k,
            "window1",
            date!(2026 - 03 - 03),
            id,
            "check",
            vars(&[("materials_complete", Value::Bool(false))]),
            opinion("缺少营业执照（内部意见甲）"),
        )
        .await
        .expect("check");
        act(
            k,
            "window1",
            date!(2026 - 03 - 03),
            id,
            "notify",
            Vars::new(),
            StepInput {
                missing: vec!["营业执照副本".into()],
                ..StepInput::default()
            },
        )
        .await
        .expect("notify");
        act(
            k,
            "window1",
            date!(2026 - 03 - 05),
            id,
            "recheck",
            complete.clone(),
            opinion("补正齐全（内部意见乙）"),
        )
        .await
        .expect("recheck");
        act(
            k,
            "window1",
            date!(2026 - 03 - 05),
            id,
            "accept",
            Vars::new(),
            opinion("同意受理（内部意见丙）"),
        )
        .await
        .expect("accept");
        case_store::change_facts(
            k,
            at(date!(2026 - 03 - 09)),
            &Actor::user("chief"),
            id,
            |c, today| case::extend(c.kind, &c.facts, "chief", "需现场核查储存设施", 0, today),
            "powers.case_extend",
        )
        .await
        .expect("extend");
        for (on, end) in [
            (date!(2026 - 03 - 10), false),
            (date!(2026 - 03 - 12), true),
        ] {
            case_store::change_facts(
                k,
                at(on),
                &Actor::user("window1"),
                id,
                |c, today| case::exclude(&c.facts, "专家评审", today, end),
                "powers.case_exclude",
            )
            .await
            .expect("exclude");
        }
        let c = case_store::get(k, id).await.expect("case");
        let open_now = yangguang_process::engine::open_tasks(&c.definition, &c.instance);
        assert_eq!(
            open_now.iter().map(|t| t.node.as_str()).collect::<Vec<_>>(),
            vec!["review_window"],
            "{be}"
        );
        let due = c.due_on.expect("due");
        assert!(
            due > date!(2026 - 04 - 17),
            "{be}: the expert review moved the extended date {due}"
        );

        let mut b = Browser::new(&st);
        let form = b.get("/bsgk/cx").await;
        assert_eq!(form.status, StatusCode::OK, "{be}");
        for s in [
            "<label for=\"cx-no\">办件编号</label>",
            "<label for=\"cx-code\">查询码</label>",
            "办件受理回执",
        ] {
            assert!(form.body.contains(s), "{be}: form lacks {s}");
        }
        assert!(!form.body.contains("<script"), "{be}: no JavaScript");

        let p = follow(&mut b, &o.case_no.to_lowercase(), &o.query_code).await;
        assert_eq!(p.status, StatusCode::OK, "{be}: {}", p.body);
        let body = &p.body;
        let t = &open_now[0];
        assert!(
            body.contains(&format!(
                "<td id=\"current\"><strong>{}</strong>（自{}起）</td>",
                t.name,
                fmt_date(t.since)
            )),
            "{be}: current step"
        );
        assert_eq!(
            marked(body, "current"),
            vec![t.node.clone()],
            "{be}: the highlighted node is the engine's open task"
        );
        let mut done = marked(body, "done");
        done.sort();
        assert_eq!(done, vec!["accept", "check", "notify", "recheck"], "{be}");
        for (node, on) in [
            ("check", "2026-03-03"),
            ("notify", "2026-03-03"),
            ("recheck", "2026-03-05"),
            ("accept", "2026-03-05"),
        ] {
            assert!(
                group(body, node).contains(on),
                "{be}: {node} on the chart shows {on}"
            );
        }
        for li in [
            "<li><span class=\"date\">2026-03-03</span> 窗口受理审查材料</li>",
            "<li><span class=\"date\">2026-03-03</span> 一次告知补正</li>",
            "<li><span class=\"date\">2026-03-05</span> 审查补正材料</li>",
            "<li><span class=\"date\">2026-03-05</span> 受理</li>",
            "<li>窗口审查决定　<strong>当前（自2026-03-05起）</strong></li>",
            "<li>受理　<strong>已办（2026-03-05）</strong></li>",
        ] {
            assert!(body.contains(li), "{be}: step list lacks {li}");
        }
        assert!(body.contains("<td id=\"party\">张**</td>"), "{be}");
        assert!(
            body.contains(&format!("<td id=\"due\">{due}</td>")),
            "{be}: due date {due}"
        );
        assert!(body.contains("href=\"/qlqd/XK-001\""), "{be}");
        assert!(body.contains("<td id=\"received\">2026-03-02</td>"), "{be}");
        assert!(
            body.contains(
                "2026-03-09经本机关负责人批准，办理期限延长10个工作日。理由：需现场核查储存设施"
            ),
            "{be}: extension"
        );
        assert!(
            body.contains("<tr><td>2026-03-10</td><td>2026-03-12</td><td>专家评审</td></tr>"),
            "{be}: excluded period"
        );
        assert_private(be, body);

        // A wrong code and an unknown number: one message, no case data.
        let w = follow(&mut b, &o.case_no, &wrong(&o.query_code)).await;
        assert_eq!(w.status, StatusCode::NOT_FOUND, "{be}");
        assert_eq!(error_line(&w.body), Some(NOT_FOUND), "{be}");
        let u = follow(&mut b, "XK-2026-999999", &o.query_code).await;
        assert_eq!(u.status, StatusCode::NOT_FOUND, "{be}");
        assert_eq!(error_line(&u.body), error_line(&w.body), "{be}");
        for body in [&w.body, &u.body] {
            for s in [
                "危险化学品经营许可证核发",
                "张**",
                "窗口审查决定",
                "<svg",
                &due.to_string(),
            ] {
                assert!(!body.contains(s), "{be}: a refusal shows {s}");
            }
        }

        // Over the limit on this number even the right pair is refused,
        // while another case's number is still followed.
        for _ in 1..PER_NUMBER {
            let w = follow(&mut b, &o.case_no, &wrong(&o.query_code)).await;
            assert_eq!(w.status, StatusCode::NOT_FOUND, "{be}");
        }
        let r = follow(&mut b, &o.case_no, &o.query_code).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{be}: limited");
        assert_eq!(error_line(&r.body), Some(NOT_FOUND), "{be}");
        assert!(!r.body.contains("张**"), "{be}");
        let other = open(k, "XK-001", "欧阳娜娜", date!(2026 - 03 - 06)).await;
        let p = follow(&mut b, &other.case_no, &other.query_code).await;
        assert_eq!(p.status, StatusCode::OK, "{be}: the limit is per number");
        assert!(p.body.contains("<td id=\"party\">欧阳**</td>"), "{be}");

        // Empty fields are asked for, not counted as a wrong pair.
        let e = b.post("/bsgk/cx", &[("case_no", ""), ("code", "")]).await;
        assert_eq!(e.status, StatusCode::BAD_REQUEST, "{be}");
        let failures: i64 = yangguang_kernel::db::query_scalar(
            k.db.backend(),
            "SELECT COUNT(*) FROM follow_failures WHERE key = 'n:'",
        )
        .fetch_one(k.db.pool())
        .await
        .expect("count");
        assert_eq!(failures, 0, "{be}");
    }
    postgres_expected(&backends);
}

#[tokio::test]
async fn a_decided_penalty_shows_its_date_but_its_text_only_once_disclosed() {
    let mut backends = Vec::new();
    for (be, k) in kernels("powers_track_penalty", &yangguang_web::migrations())
        .await
        .expect("kernels")
    {
        backends.push(be);
        setup(&k).await;
        let st = state_for(k).await;
        let k = &st.kernel;
        let o = open(k, "CF-001", "李四海", date!(2026 - 12 - 01)).await;
        let id = o.id;
        for (user, on, node, v, input) in [
            (
                "inspector",
                date!(2026 - 12 - 01),
                "register",
                Vars::new(),
                opinion("予以立案（内部意见甲）"),
            ),
            (
                "inspector",
                date!(2026 - 12 - 10),
                "investigate",
                Vars::new(),
                opinion("调查终结（内部意见乙）"),
            ),
            (
                "head",
                date!(2026 - 12 - 11),
                "examine",
                Vars::new(),
                opinion("事实清楚（内部意见丙）"),
            ),
            (
                "inspector",
                date!(2026 - 12 - 22),
                "inform",
                vars(&[("hearing_requested", Value::Bool(false))]),
                StepInput {
                    informed_on: Some(date!(2026 - 12 - 14)),
                    intended: Some(IntendedInput {
                        kind: PenaltyKind::Fine,
                        amount_yuan: Some(50_000),
                        party: Party::Organisation,
                        facts: CaseFacts::default(),
                    }),
                    ..StepInput::default()
                },
            ),
            (
                "chief",
                date!(2026 - 12 - 23),
                "approve",
                Vars::new(),
                opinion("同意（内部意见丁）"),
            ),
            (
                "inspector",
                date!(2026 - 12 - 24),
                "decide",
                vars(&[("disclose", Value::Bool(true))]),
                opinion("责令限期改正，罚款人民币五万元"),
            ),
        ] {
            act(k, user, on, id, node, v, input)
                .await
                .unwrap_or_else(|e| panic!("{be} {node}: {e}"));
        }
        let c = case_store::get(k, id).await.expect("case");
        let mut engine_open: Vec<String> =
            yangguang_process::engine::open_tasks(&c.definition, &c.instance)
                .into_iter()
                .map(|t| t.node)
                .collect();
        engine_open.sort();
        assert_eq!(engine_open, vec!["disclose", "serve"], "{be}");

        let mut b = Browser::new(&st);
        let p = follow(&mut b, &o.case_no, &o.query_code).await;
        assert_eq!(p.status, StatusCode::OK, "{be}: {}", p.body);
        let mut shown = marked(&p.body, "current");
        shown.sort();
        assert_eq!(shown, engine_open, "{be}: both parallel steps highlighted");
        assert!(
            p.body
                .contains("<strong>已作出行政处罚决定</strong>，决定日期：2026-12-24"),
            "{be}"
        );
        assert!(
            p.body
                .contains("<th scope=\"row\">当事人</th><td id=\"party\">李**</td>"),
            "{be}"
        );
        assert!(
            !p.body.contains("罚款人民币五万元"),
            "{be}: the decision text before disclosure"
        );
        assert_private(be, &p.body);

        act(
            k,
            "office1",
            date!(2026 - 12 - 25),
            id,
            "disclose",
            Vars::new(),
            opinion("已在网站公开（内部意见戊）"),
        )
        .await
        .expect("disclose");
        let p = follow(&mut b, &o.case_no, &o.query_code).await;
        assert_eq!(p.status, StatusCode::OK, "{be}");
        assert!(
            p.body
                .contains("<p id=\"result-text\">责令限期改正，罚款人民币五万元</p>"),
            "{be}: disclosed decision text"
        );
        assert_eq!(marked(&p.body, "current"), vec!["serve"], "{be}");
        assert!(
            p.body
                .contains("<li><span class=\"date\">2026-12-25</span> 信息公开</li>"),
            "{be}"
        );
        assert_private(be, &p.body);
    }
    postgres_expected(&backends);
}
