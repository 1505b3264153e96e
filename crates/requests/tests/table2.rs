//! Table 二's 本年处理决定数量 on SQLite and PostgreSQL: a licence decided
//! in the system in 2026 counts in 2026's 行政许可 row (through the
//! kernel's yearly figures the power list keeps, not its tables), plus the
//! figure the office entered for powers run outside the system, and the
//! report says which part is which.

use axum::http::StatusCode;
use time::macros::{date, datetime};
use time::{Date, OffsetDateTime};
use yangguang_kernel::Kernel;
use yangguang_kernel::audit::Actor;
use yangguang_kernel::org::Role;
use yangguang_kernel::org_store::{self, NewDivision, NewPost, NewUser};
use yangguang_kernel::testing::kernels;
use yangguang_powers::case::StepInput;
use yangguang_powers::case_store::{self, Channel, NewCase};
use yangguang_powers::model::{Basis, Category, Content, DaysKind, Limit, Tier};
use yangguang_powers::{process_store, seed, stats, store, who};
use yangguang_process::{Value, Vars};
use yangguang_requests::{annual, output};
use yangguang_web::testing::{signed_in, state_for};

const AGENCY: &str = "014101876";

/// 09:00 Beijing time on `d`.
fn at(d: Date) -> OffsetDateTime {
    d.with_hms(1, 0, 0).expect("time").assume_utc()
}

fn licence() -> Content {
    Content {
        name: "危险化学品经营许可证核发".into(),
        category: Category::Licensing,
        basis: vec![Basis {
            law: "危险化学品安全管理条例".into(),
            article: "第三十三条".into(),
            clause: String::new(),
            text: "国家对危险化学品经营（包括仓储经营）实行许可制度。".into(),
        }],
        penalty: String::new(),
        unit: "危险化学品安全监督管理处".into(),
        post: "行政许可窗口岗".into(),
        conditions: String::new(),
        materials: vec!["申请书".into()],
        statutory: Some(Limit {
            days: 20,
            kind: DaysKind::Working,
        }),
        promised: None,
        fees: String::new(),
        tier: Some(Tier::Ordinary),
        process: "licensing".into(),
        channel: String::new(),
    }
}

async fn setup(k: &Kernel) {
    let now = datetime!(2026-03-01 09:00 +8);
    let cli = Actor::cli();
    org_store::add_agency(
        k,
        &cli,
        now,
        org_store::NewAgency {
            code: AGENCY.into(),
            name: "苏州市安全生产监督管理局".into(),
            short_name: "苏州市安监局".into(),
            doc_prefix: "苏安监".into(),
            address: String::new(),
            phone: String::new(),
        },
    )
    .await
    .expect("agency");
    org_store::add_division(
        k,
        &cli,
        now,
        NewDivision {
            agency_code: AGENCY,
            code: "wh",
            name: "危险化学品安全监督管理处",
            kind: "division",
            sort: 1,
        },
    )
    .await
    .expect("division");
    for (u, role) in [("window1", Role::Staff), ("deputy", Role::DeputyLeader)] {
        org_store::add_user(
            k,
            &cli,
            now,
            NewUser {
                username: u.into(),
                display_name: u.into(),
                agency_code: Some(AGENCY.into()),
                division_code: Some("wh".into()),
                title: String::new(),
                password: "Pass-word-2026!".into(),
                roles: vec![role],
            },
        )
        .await
        .expect("user");
    }
    org_store::add_post(
        k,
        &cli,
        now,
        NewPost {
            agency_code: AGENCY,
            division_code: Some("wh"),
            name: "行政许可窗口岗",
            a_username: "window1",
            b_username: None,
        },
    )
    .await
    .expect("post");
    for (file, xml) in seed::PROCESSES {
        process_store::import_process(k, now, &cli, xml, "")
            .await
            .unwrap_or_else(|e| panic!("{file}: {e}"));
    }
    let mut tx = k.db.begin().await.expect("tx");
    store::save_in(&mut tx, k, now, &cli, "XK-001", &licence(), "")
        .await
        .expect("item");
    tx.commit().await.expect("commit");
}

async fn act(k: &Kernel, user: &str, on: Date, id: i64, node: &str, v: Vars, opinion: &str) {
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
    .expect(node);
}

/// A licence received on 2026-03-02 and decided on `decided`.
async fn decided_licence(k: &Kernel, decided: Date) {
    let on = date!(2026 - 03 - 02);
    let id = case_store::open(
        k,
        at(on),
        &Actor::user("window1"),
        NewCase {
            item_code: "XK-001".into(),
            party: "苏州某化工贸易有限公司".into(),
            contact: String::new(),
            subject: "申请危险化学品经营许可证".into(),
            channel: Channel::Window,
            received_on: on,
        },
    )
    .await
    .expect("open")
    .id;
    let yes = |name: &str| {
        [(name.to_string(), Value::Bool(true))]
            .into_iter()
            .collect::<Vars>()
    };
    act(k, "window1", on, id, "check", yes("materials_complete"), "").await;
    act(k, "window1", on, id, "accept", Vars::new(), "").await;
    act(
        k,
        "window1",
        decided,
        id,
        "review_window",
        Vars::new(),
        "符合条件",
    )
    .await;
    act(
        k,
        "deputy",
        decided,
        id,
        "decide",
        yes("granted"),
        "准予许可",
    )
    .await;
    act(
        k,
        "window1",
        decided,
        id,
        "issue",
        Vars::new(),
        "证件已送达",
    )
    .await;
    // The recount the decision's transaction runs (idempotent).
    stats::refresh_annual(k, at(decided), decided.year())
        .await
        .expect("refresh");
}

/// (value, source) of a table 二 row's first column.
fn row(j: &serde_json::Value, label: &str) -> (f64, String) {
    j["table2"]["sections"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|s| s["rows"].as_array().into_iter().flatten())
        .find(|r| r["label"] == label)
        .map(|r| {
            (
                r["values"][0].as_f64().unwrap_or(-1.0),
                r["sources"][0].as_str().unwrap_or_default().to_string(),
            )
        })
        .expect("row")
}

#[tokio::test]
async fn a_licence_decided_in_2026_counts_in_table_two_of_2026_with_the_entered_outside_figure_marked()
 {
    for (be, k) in kernels("ysq_table2", &yangguang_web::migrations())
        .await
        .expect("kernels")
    {
        setup(&k).await;
        decided_licence(&k, date!(2026 - 03 - 10)).await;
        let j = annual::build(&k, 2026).await.expect("report");
        assert_eq!(row(&j, "行政许可"), (1.0, "computed".into()), "{be}");
        assert_eq!(row(&j, "行政处罚"), (0.0, "computed".into()), "{be}");
        assert_eq!(row(&j, "行政强制"), (0.0, "computed".into()), "{be}");
        let j = annual::build(&k, 2025).await.expect("report");
        assert_eq!(
            row(&j, "行政许可").0,
            0.0,
            "{be}: counted in the year decided"
        );

        // The office enters powers run outside the system on the power
        // list's page; table 二 adds it and says which part is which.
        let st = state_for(k).await;
        let k = &st.kernel;
        let mut office = signed_in(&st, "office1", Role::Office).await;
        let p = office
            .post(
                "/staff/bsgk/entered",
                &[
                    ("year", "2026"),
                    ("kind", "licensing"),
                    ("count", "3"),
                    ("note", "窗口纸质办理"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{be}: {}", p.body);
        let j = annual::build(k, 2026).await.expect("report");
        assert_eq!(row(&j, "行政许可"), (4.0, "mixed".into()), "{be}");
        let html = output::report_html(&j);
        assert!(
            html.contains("行政许可本年处理决定数量：其中系统办结1件，填报系统外办理3件。"),
            "{be}: {html}"
        );
        assert!(html.contains("4（含填报）"), "{be}");

        // The report form takes no figure for a fed row: a posted one is
        // ignored, the page shows where the figure comes from.
        let p = office
            .post(
                "/staff/ysqgk/report",
                &[
                    ("year", "2026"),
                    ("t2:行政许可/本年处理决定数量", "99"),
                    ("section1", "总体情况"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{be}: {}", p.body);
        assert_eq!(
            row(&annual::build(k, 2026).await.expect("report"), "行政许可").0,
            4.0,
            "{be}"
        );
        let p = office.get("/staff/ysqgk/report?year=2026").await;
        assert_eq!(p.status, StatusCode::OK, "{be}");
        assert!(
            p.body
                .contains("办件统计：4件（其中系统办结1件，填报系统外办理3件）"),
            "{be}"
        );
        assert!(
            !p.body.contains("name=\"t2:行政许可/本年处理决定数量\""),
            "{be}"
        );
        assert!(
            p.body.contains("name=\"t2:规章/本年制发件数\""),
            "{be}: other rows are still entered here"
        );
    }
}

#[tokio::test]
async fn a_figure_an_older_draft_entered_for_a_fed_row_still_counts_as_entered() {
    for (be, k) in kernels("ysq_table2_legacy", &yangguang_web::migrations())
        .await
        .expect("kernels")
    {
        let d = annual::Draft {
            entered: [("行政强制/本年处理决定数量".to_string(), 12.0)]
                .into_iter()
                .collect(),
            ..annual::Draft::default()
        };
        annual::save_draft(&k, 2025, &d, &Actor::cli(), at(date!(2026 - 01 - 10)))
            .await
            .expect("draft");
        let j = annual::build(&k, 2025).await.expect("report");
        assert_eq!(row(&j, "行政强制"), (12.0, "entered".into()), "{be}");
        assert!(
            output::report_html(&j).contains("其中系统办结0件，填报系统外办理12件"),
            "{be}"
        );
    }
}
