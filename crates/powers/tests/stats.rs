//! 限时办结 and 办件统计 on SQLite and PostgreSQL: cases decided on time
//! and late counted per item and unit, the average working days a step
//! took across 清明, the overdue list leaving out a clock stopped in an
//! excluded period, the yearly decision counts written to the kernel's
//! figures for table 二, and over HTTP the supervisor's overdue list and
//! statistics (.xlsx), refused to staff without powers.supervise, and the
//! office's entered figure, refused with a Chinese message when invalid.

mod common;

use axum::http::StatusCode;
use common::{ENFORCEMENT, HQ, WINDOW, add_items, at, bureau, count, vars};
use time::Date;
use time::macros::date;
use yangguang_kernel::audit::Actor;
use yangguang_kernel::figures::{self, Decisions};
use yangguang_kernel::org::Role;
use yangguang_kernel::testing::kernels;
use yangguang_kernel::{Error, Kernel};
use yangguang_powers::case::StepInput;
use yangguang_powers::case_store::{self, Channel, NewCase};
use yangguang_powers::model::{Category, Content};
use yangguang_powers::{stats, who};
use yangguang_process::{Value, Vars};
use yangguang_web::testing::{signed_in, state_for};

const FIELD: &str = "监察支队";

fn item(name: &str, category: Category, unit: &str, post: &str, process: &str) -> Content {
    common::content(name, category, None, unit, post, process)
}

async fn setup(k: &Kernel) {
    bureau(
        k,
        &[
            ("window1", "徐窗口", Role::Staff),
            ("inspector", "郑执法", Role::Staff),
            ("head", "何处长", Role::DivisionHead),
            ("deputy", "李副局长", Role::DeputyLeader),
            ("chief", "王局长", Role::PrincipalLeader),
        ],
        &[(WINDOW, "window1", None), (ENFORCEMENT, "inspector", None)],
    )
    .await;
    add_items(
        k,
        &[
            (
                "XK-001",
                item(
                    "危险化学品经营许可证核发",
                    Category::Licensing,
                    HQ,
                    WINDOW,
                    "licensing",
                ),
            ),
            (
                "CF-001",
                item(
                    "对未按照规定设置安全生产管理机构的处罚",
                    Category::Penalty,
                    FIELD,
                    ENFORCEMENT,
                    "penalty",
                ),
            ),
            (
                "QZ-001",
                item(
                    "查封违法生产、储存危险化学品的场所",
                    Category::Coercion,
                    FIELD,
                    ENFORCEMENT,
                    "enforcement",
                ),
            ),
            (
                "JL-001",
                item("安全生产举报奖励", Category::Reward, HQ, WINDOW, "other"),
            ),
        ],
    )
    .await;
}

async fn act(
    k: &Kernel,
    user: &str,
    on: Date,
    id: i64,
    node: &str,
    v: Vars,
    opinion: &str,
) -> Result<(), Error> {
    let w = who::who(k, user, on).await.expect("who");
    let c = case_store::get(k, id).await.expect("case");
    let cand = yangguang_process::engine::open_tasks(&c.definition, &c.instance)
        .into_iter()
        .find(|t| t.node == node)
        .and_then(|t| t.candidate);
    let input = StepInput {
        node: node.into(),
        opinion: opinion.into(),
        ..StepInput::default()
    };
    case_store::act(
        k,
        at(on),
        &w.actor_for(cand.as_ref()),
        &w.engine,
        id,
        input,
        v,
    )
    .await
}

async fn open(k: &Kernel, code: &str, user: &str, on: Date, channel: Channel) -> (i64, String) {
    let o = case_store::open(
        k,
        at(on),
        &Actor::user(user),
        NewCase {
            item_code: code.into(),
            party: "苏州某化工贸易有限公司".into(),
            contact: String::new(),
            subject: "办件统计测试".into(),
            channel,
            received_on: on,
        },
    )
    .await
    .expect("open");
    (o.id, o.case_no)
}

/// A licence accepted on `on`, at the window's review.
async fn accepted_licence(k: &Kernel, on: Date) -> (i64, String) {
    let (id, no) = open(k, "XK-001", "window1", on, Channel::Window).await;
    act(
        k,
        "window1",
        on,
        id,
        "check",
        vars(&[("materials_complete", Value::Bool(true))]),
        "",
    )
    .await
    .expect("check");
    act(k, "window1", on, id, "accept", Vars::new(), "")
        .await
        .expect("accept");
    (id, no)
}

async fn decide_licence(k: &Kernel, id: i64, reviewed: Date, decided: Date, issued: Date) {
    act(
        k,
        "window1",
        reviewed,
        id,
        "review_window",
        Vars::new(),
        "经审查符合条件",
    )
    .await
    .expect("review");
    act(
        k,
        "deputy",
        decided,
        id,
        "decide",
        vars(&[("granted", Value::Bool(true))]),
        "准予许可",
    )
    .await
    .expect("decide");
    act(k, "window1", issued, id, "issue", Vars::new(), "证件已送达")
        .await
        .expect("issue");
}

struct Cases {
    /// Open, past its limit: at the window's review since 2026-03-20.
    late_open: (i64, String),
    /// Open penalty past its 90 days.
    penalty: (i64, String),
    /// Open, its clock stopped for 专家评审.
    paused: (i64, String),
}

/// Two licences decided (one on time, one late, its decision step across
/// 清明), three open cases, a coercion and a reward case run to the end.
async fn scenario(k: &Kernel) -> Cases {
    setup(k).await;
    let (a, _) = accepted_licence(k, date!(2026 - 03 - 02)).await;
    assert_eq!(
        case_store::get(k, a).await.expect("a").due_on,
        Some(date!(2026 - 03 - 30))
    );
    decide_licence(
        k,
        a,
        date!(2026 - 03 - 10),
        date!(2026 - 03 - 11),
        date!(2026 - 03 - 12),
    )
    .await;
    let (b, _) = accepted_licence(k, date!(2026 - 03 - 02)).await;
    decide_licence(
        k,
        b,
        date!(2026 - 04 - 03),
        date!(2026 - 04 - 08),
        date!(2026 - 04 - 09),
    )
    .await;
    let late_open = accepted_licence(k, date!(2026 - 03 - 20)).await;
    let paused = accepted_licence(k, date!(2026 - 03 - 02)).await;
    case_store::change_facts(
        k,
        at(date!(2026 - 03 - 05)),
        &Actor::user("window1"),
        paused.0,
        |c, today| yangguang_powers::case::exclude(&c.facts, "专家评审", today, false),
        "powers.case_exclude",
    )
    .await
    .expect("exclude");
    let penalty = open(
        k,
        "CF-001",
        "inspector",
        date!(2026 - 03 - 02),
        Channel::ExOfficio,
    )
    .await;
    act(
        k,
        "inspector",
        date!(2026 - 03 - 02),
        penalty.0,
        "register",
        Vars::new(),
        "予以立案",
    )
    .await
    .expect("register");
    let (q, _) = open(
        k,
        "QZ-001",
        "inspector",
        date!(2026 - 03 - 02),
        Channel::ExOfficio,
    )
    .await;
    for (user, day, node) in [
        ("chief", 3, "approve"),
        ("inspector", 4, "execute"),
        ("head", 5, "decide"),
        ("inspector", 6, "lift"),
    ] {
        let on = Date::from_calendar_date(2026, time::Month::March, day).expect("day");
        act(k, user, on, q, node, Vars::new(), "依法办理")
            .await
            .expect(node);
    }
    let (r, _) = open(
        k,
        "JL-001",
        "window1",
        date!(2026 - 03 - 02),
        Channel::Window,
    )
    .await;
    for (user, day, node) in [
        ("window1", 3, "accept"),
        ("head", 4, "review"),
        ("deputy", 5, "approve"),
        ("window1", 6, "notify"),
    ] {
        let on = Date::from_calendar_date(2026, time::Month::March, day).expect("day");
        act(k, user, on, r, node, Vars::new(), "同意")
            .await
            .expect(node);
    }
    for id in [a, b, q, r] {
        assert!(
            !case_store::get(k, id).await.expect("case").open,
            "case {id} ran to the end"
        );
    }
    Cases {
        late_open,
        penalty,
        paused,
    }
}

#[tokio::test]
async fn statistics_count_on_time_and_late_decisions_per_item_and_unit_and_average_step_days_in_working_days()
 {
    for (be, k) in kernels("powers_stats", &yangguang_web::migrations())
        .await
        .expect("kernels")
    {
        scenario(&k).await;
        let s = stats::stats(
            &k,
            date!(2026 - 01 - 01),
            date!(2026 - 06 - 15),
            date!(2026 - 06 - 15),
        )
        .await
        .expect("stats");
        let keys: Vec<(&str, &str)> = s
            .rows
            .iter()
            .map(|r| (r.unit.as_str(), r.code.as_str()))
            .collect();
        assert_eq!(
            keys,
            vec![
                (HQ, "JL-001"),
                (HQ, "XK-001"),
                (FIELD, "CF-001"),
                (FIELD, "QZ-001")
            ],
            "{be}: by unit, then code"
        );
        let row = |code: &str| s.rows.iter().find(|r| r.code == code).expect("row");
        let xk = row("XK-001");
        assert_eq!(
            (
                xk.received,
                xk.decided,
                xk.on_time,
                xk.late,
                xk.open,
                xk.open_overdue
            ),
            (4, 2, 1, 1, 2, 1),
            "{be}: the paused licence is open but not overdue"
        );
        let cf = row("CF-001");
        assert_eq!(
            (cf.received, cf.decided, cf.open, cf.open_overdue),
            (1, 0, 1, 1),
            "{be}"
        );
        let qz = row("QZ-001");
        assert_eq!(
            (qz.received, qz.decided, qz.on_time, qz.late, qz.open),
            (1, 1, 1, 0, 0),
            "{be}"
        );
        // 作出许可决定: 1 working day (03-10 → 03-11) and 2 across 清明
        // (04-03 → 04-08, 04-04..06 not counted): 1.5 on average.
        let decide = xk
            .steps
            .iter()
            .find(|a| a.name == "作出许可决定")
            .expect("decide step");
        assert_eq!((decide.completed, decide.days), (2, 1.5), "{be}");
        let all = s
            .steps
            .iter()
            .find(|a| a.name == "作出许可决定")
            .expect("overall");
        assert_eq!((all.completed, all.days), (2, 1.5), "{be}");

        // A period after the decisions: nothing received or decided in it.
        let s = stats::stats(
            &k,
            date!(2026 - 05 - 01),
            date!(2026 - 06 - 15),
            date!(2026 - 06 - 15),
        )
        .await
        .expect("stats");
        assert!(s.rows.is_empty(), "{be}: {:?}", s.rows);
        // The spring alone: only A's decision step falls in it.
        let s = stats::stats(
            &k,
            date!(2026 - 03 - 01),
            date!(2026 - 03 - 31),
            date!(2026 - 06 - 15),
        )
        .await
        .expect("stats");
        let xk = s.rows.iter().find(|r| r.code == "XK-001").expect("row");
        assert_eq!((xk.decided, xk.on_time, xk.late), (1, 1, 0), "{be}");
        let decide = xk
            .steps
            .iter()
            .find(|a| a.name == "作出许可决定")
            .expect("decide step");
        assert_eq!((decide.completed, decide.days), (1, 1.0), "{be}");
    }
}

#[tokio::test]
async fn the_overdue_list_counts_working_days_past_the_limit_and_leaves_out_a_stopped_clock() {
    for (be, k) in kernels("powers_overdue", &yangguang_web::migrations())
        .await
        .expect("kernels")
    {
        let c = scenario(&k).await;
        let list = stats::overdue(&k, date!(2026 - 06 - 15))
            .await
            .expect("overdue");
        let nos: Vec<&str> = list.iter().map(|o| o.case_no.as_str()).collect();
        assert_eq!(
            nos,
            vec![c.late_open.1.as_str(), c.penalty.1.as_str()],
            "{be}: longest overdue first, the paused licence left out"
        );
        let l = &list[0];
        assert_eq!(
            (l.due, l.due_label.as_str()),
            (date!(2026 - 04 - 20), "办理期限"),
            "{be}"
        );
        // 04-21..06-15: 劳动节 05-01..05 off, Saturday 05-09 worked.
        assert_eq!(l.days, 38, "{be}");
        assert_eq!(
            (l.owner.as_str(), l.step.as_str(), l.unit.as_str()),
            ("徐窗口", "窗口审查决定", HQ),
            "{be}"
        );
        let p = &list[1];
        assert_eq!(
            p.due,
            date!(2026 - 05 - 31),
            "{be}: 90 calendar days from 立案"
        );
        assert_eq!((p.days, p.step.as_str()), (11, "调查取证"), "{be}");
        assert!(
            stats::overdue(&k, date!(2026 - 04 - 20))
                .await
                .expect("overdue")
                .is_empty(),
            "{be}: the last day is still in time"
        );
        assert!(!nos.contains(&c.paused.1.as_str()), "{be}");
    }
}

#[tokio::test]
async fn decisions_are_counted_by_the_year_decided_into_the_kernel_figures_for_table_two() {
    for (be, k) in kernels("powers_annual", &yangguang_web::migrations())
        .await
        .expect("kernels")
    {
        scenario(&k).await;
        let now = at(date!(2026 - 06 - 15));
        let counts = stats::refresh_annual(&k, now, 2026).await.expect("refresh");
        let want = [
            (Decisions::Licensing, 2),
            (Decisions::Penalty, 0),
            (Decisions::Coercion, 1),
        ];
        assert_eq!(
            counts.into_iter().collect::<Vec<_>>(),
            want.to_vec(),
            "{be}: the reward case is not a coercion decision"
        );
        stats::refresh_annual(&k, now, 2026).await.expect("again");
        let figs = figures::of_year(&k, 2026).await.expect("figures");
        for (d, n) in want {
            let f = figs.get(d.system_key()).expect("figure");
            assert_eq!(
                (f.value, f.module.as_str()),
                (n, "powers"),
                "{be}: {d:?}, recounted, not added up"
            );
        }
        let counts = stats::refresh_annual(&k, now, 2025).await.expect("2025");
        assert!(counts.values().all(|n| *n == 0), "{be}");
    }
}

#[tokio::test]
async fn a_supervisor_reads_the_overdue_list_and_statistics_and_the_office_enters_outside_figures()
{
    for (be, k) in kernels("powers_stats_http", &yangguang_web::migrations())
        .await
        .expect("kernels")
    {
        let c = scenario(&k).await;
        let st = state_for(k).await;
        let k = &st.kernel;
        let mut supervisor = signed_in(&st, "sup1", Role::Supervisor).await;
        let mut staff = signed_in(&st, "staff9", Role::Staff).await;
        let mut office = signed_in(&st, "office1", Role::Office).await;

        let p = supervisor.get("/staff/bsgk/overdue").await;
        assert_eq!(p.status, StatusCode::OK, "{be}: {}", p.body);
        assert!(
            p.body.contains(&format!(
                "<a href=\"/staff/bsgk/cases/{}\">{}</a>",
                c.late_open.0, c.late_open.1
            )),
            "{be}"
        );
        assert!(
            p.body.contains(&c.penalty.1) && p.body.contains("办理期限至2026-05-31"),
            "{be}"
        );
        assert!(
            !p.body.contains(&c.paused.1),
            "{be}: a stopped clock is not overdue"
        );
        for path in [
            "/staff/bsgk/overdue",
            "/staff/bsgk/stats",
            "/staff/bsgk/stats.xlsx",
        ] {
            assert_eq!(
                staff.get(path).await.status,
                StatusCode::FORBIDDEN,
                "{be}: {path} needs powers.supervise"
            );
        }

        let p = supervisor
            .get("/staff/bsgk/stats?from=2026-01-01&to=2026-06-30")
            .await;
        assert_eq!(p.status, StatusCode::OK, "{be}: {}", p.body);
        assert!(
            p.body.contains("危险化学品经营许可证核发") && p.body.contains("作出许可决定 1.5"),
            "{be}"
        );
        assert!(
            p.body.contains("<td>50.0%</td>"),
            "{be}: one of two licences decided on time"
        );
        let p = supervisor
            .get("/staff/bsgk/stats?from=2026-06-30&to=2026-01-01")
            .await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST, "{be}");
        assert!(p.body.contains("结束日期不能早于开始日期"), "{be}");
        for path in [
            "/staff/bsgk/stats.xlsx",
            "/staff/bsgk/stats.xlsx?from=2026-03-01&to=2026-03-31",
        ] {
            let x = supervisor.get(path).await;
            assert_eq!(x.status, StatusCode::OK, "{be}: {path}");
            assert!(x.body.starts_with("PK"), "{be}: {path} is an .xlsx");
        }

        // Entering is the office's (powers.manage), not the supervisor's.
        let form = |count: &'static str| {
            vec![
                ("year", "2026"),
                ("kind", "licensing"),
                ("count", count),
                ("note", "纸质办理的许可"),
            ]
        };
        assert_eq!(
            supervisor
                .post("/staff/bsgk/entered", &form("5"))
                .await
                .status,
            StatusCode::FORBIDDEN,
            "{be}"
        );
        let audits = || {
            count(
                k,
                "SELECT COUNT(*) FROM audit_log WHERE event_type = 'powers.entered_count'",
            )
        };
        // Decisions already keep the system's figures current.
        let figures = count(k, "SELECT COUNT(*) FROM annual_figures").await;
        for bad in ["-1", "2.5", "五"] {
            let p = office.post("/staff/bsgk/entered", &form(bad)).await;
            assert_eq!(p.status, StatusCode::BAD_REQUEST, "{be}: {bad}");
            assert!(p.body.contains("应为不小于0的整数"), "{be}: {bad}");
        }
        let p = office
            .post(
                "/staff/bsgk/entered",
                &[("year", "2026"), ("kind", "levy"), ("count", "1")],
            )
            .await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST, "{be}");
        assert!(p.body.contains("请选择类别"), "{be}");
        assert_eq!(
            count(k, "SELECT COUNT(*) FROM power_entered_counts").await,
            0,
            "{be}: nothing written"
        );
        assert_eq!(
            count(k, "SELECT COUNT(*) FROM annual_figures").await,
            figures,
            "{be}"
        );
        assert_eq!(audits().await, 0, "{be}");

        for n in ["7", "5"] {
            let p = office.post("/staff/bsgk/entered", &form(n)).await;
            assert_eq!(p.status, StatusCode::SEE_OTHER, "{be}: {}", p.body);
            assert_eq!(
                p.location.as_deref(),
                Some("/staff/bsgk/stats?year=2026&done=entered"),
                "{be}"
            );
        }
        let stored = count(
            k,
            "SELECT count FROM power_entered_counts WHERE year = 2026 AND kind = 'licensing'",
        )
        .await;
        assert_eq!(stored, 5, "{be}: the later figure replaces the earlier");
        let figs = figures::of_year(k, 2026).await.expect("figures");
        assert_eq!(
            figs.get(Decisions::Licensing.entered_key())
                .map(|f| f.value),
            Some(5),
            "{be}"
        );
        assert_eq!(audits().await, 2, "{be}: each entry audited");
        let p = office.get("/staff/bsgk/stats?year=2026&done=entered").await;
        assert!(
            p.body.contains("已保存填报数")
                && p.body.contains("5（填报）")
                && p.body.contains("纸质办理的许可"),
            "{be}"
        );
    }
}
