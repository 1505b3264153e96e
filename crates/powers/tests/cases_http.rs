//! The staff's case pages over HTTP on SQLite and PostgreSQL: the window
//! registers a case and prints the receipt, the step lands in the window
//! post's inbox and the workbench, the form asks what the process needs
//! next, an unanswered question and a person the process does not name
//! are refused with a Chinese message and nothing written, the extension
//! is the agency head's, and 首问负责 hand-over is recorded.

use axum::http::StatusCode;
use yangguang_kernel::audit::Actor;
use yangguang_kernel::org::Role;
use yangguang_kernel::org_store::{self, NewDivision, NewPost};
use yangguang_kernel::testing::kernels;
use yangguang_kernel::timefmt;
use yangguang_powers::model::{Basis, Category, Content, DaysKind, Limit, Tier};
use yangguang_powers::{seed, store};
use yangguang_web::testing::{AGENCY, add_person, sign_in, state_for};

async fn count(k: &yangguang_kernel::Kernel, sql: &'static str) -> i64 {
    yangguang_kernel::db::query_scalar(k.db.backend(), sql)
        .fetch_one(k.db.pool())
        .await
        .expect("count")
}

fn licence() -> Content {
    Content {
        name: "烟花爆竹经营（零售）许可证核发".into(),
        category: Category::Licensing,
        basis: vec![Basis {
            law: "烟花爆竹安全管理条例".into(),
            article: "第十九条".into(),
            clause: String::new(),
            text: "从事烟花爆竹零售的经营者，应当具备下列条件".into(),
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
        promised: Some(Limit {
            days: 10,
            kind: DaysKind::Working,
        }),
        fees: String::new(),
        tier: Some(Tier::Ordinary),
        process: "licensing".into(),
        channel: String::new(),
    }
}

fn case_id(location: &str) -> String {
    location
        .trim_start_matches("/staff/bsgk/cases/")
        .split(['/', '?'])
        .next()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn the_window_registers_a_case_and_only_the_post_the_process_names_completes_its_step() {
    for (be, k) in kernels("powers_cases_http", &yangguang_web::migrations())
        .await
        .expect("kernels")
    {
        let st = state_for(k).await;
        let k = &st.kernel;
        let now = timefmt::now();
        org_store::add_division(
            k,
            &Actor::cli(),
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
        add_person(&st, "window1", "徐窗口", Some("wh"), &[Role::Staff]).await;
        add_person(&st, "clerk2", "孙科员", Some("wh"), &[Role::Staff]).await;
        let chief = add_person(&st, "chief1", "王局长", None, &[Role::PrincipalLeader]).await;
        org_store::add_post(
            k,
            &Actor::cli(),
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
        for (_, xml) in seed::PROCESSES {
            yangguang_powers::process_store::import_process(k, now, &Actor::cli(), xml, "")
                .await
                .expect("process");
        }
        let mut tx = k.db.begin().await.expect("tx");
        store::save_in(&mut tx, k, now, &Actor::cli(), "XK-006", &licence(), "")
            .await
            .expect("item");
        tx.commit().await.expect("commit");

        let mut window = sign_in(&st, "window1", None).await;
        let form = window.get("/staff/bsgk/new").await;
        assert_eq!(form.status, StatusCode::OK, "{be}: {}", form.body);
        assert!(form.body.contains("烟花爆竹经营（零售）许可证核发"), "{be}");

        // Bad input: a Chinese message, the form kept, nothing written.
        let bad = window
            .post(
                "/staff/bsgk/new",
                &[
                    ("item", "XK-006"),
                    ("channel", "window"),
                    ("party", " "),
                    ("subject", "申请零售许可"),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{be}: {}", bad.body);
        assert!(bad.body.contains("申请人（当事人）"), "{be}");
        assert_eq!(
            count(k, "SELECT COUNT(*) FROM power_cases").await,
            0,
            "{be}"
        );

        let made = window
            .post(
                "/staff/bsgk/new",
                &[
                    ("item", "XK-006"),
                    ("channel", "window"),
                    ("party", "苏州市姑苏区福临烟花爆竹经营部"),
                    ("contact", "13900001111"),
                    ("subject", "申请烟花爆竹经营（零售）许可证"),
                ],
            )
            .await;
        assert_eq!(made.status, StatusCode::SEE_OTHER, "{be}: {}", made.body);
        let receipt_at = made.location.expect("receipt");
        let receipt = window.get(&receipt_at).await;
        assert!(
            receipt.body.contains("办件受理回执") && receipt.body.contains("XK-"),
            "{be}"
        );
        assert!(receipt.body.contains("查询码"), "{be}");
        let id = case_id(&receipt_at);

        let inbox = window.get("/staff/bsgk").await;
        assert!(
            inbox.body.contains("窗口受理审查材料"),
            "{be}: the step is in the window post's inbox"
        );
        let bench = window.get("/staff/").await;
        assert!(
            bench.body.contains("办件：窗口受理审查材料"),
            "{be}: and on the workbench"
        );

        let page = window.get(&format!("/staff/bsgk/cases/{id}")).await;
        assert_eq!(page.status, StatusCode::OK, "{be}");
        assert!(
            page.body.contains("申请材料是否齐全、符合法定形式"),
            "{be}: the form asks what the gateway needs"
        );
        assert!(page.body.contains("一次告知期限"), "{be}");
        assert!(
            page.body.contains("class=\"current\""),
            "{be}: the current step is marked on the chart"
        );

        let steps = count(k, "SELECT COUNT(*) FROM power_case_steps").await;
        let unanswered = window
            .post(&format!("/staff/bsgk/cases/{id}/act"), &[("node", "check")])
            .await;
        assert_eq!(unanswered.status, StatusCode::BAD_REQUEST, "{be}");
        assert!(
            unanswered
                .body
                .contains("请回答：申请材料是否齐全、符合法定形式"),
            "{be}"
        );
        let mut clerk = sign_in(&st, "clerk2", None).await;
        let other = clerk
            .post(
                &format!("/staff/bsgk/cases/{id}/act"),
                &[("node", "check"), ("var.materials_complete", "true")],
            )
            .await;
        assert_eq!(other.status, StatusCode::FORBIDDEN, "{be}: {}", other.body);
        assert!(other.body.contains("岗位“行政许可窗口岗”"), "{be}");
        assert_eq!(
            count(k, "SELECT COUNT(*) FROM power_case_steps").await,
            steps,
            "{be}: nothing written"
        );

        let done = window
            .post(
                &format!("/staff/bsgk/cases/{id}/act"),
                &[
                    ("node", "check"),
                    ("var.materials_complete", "true"),
                    ("opinion", "材料齐全"),
                ],
            )
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{be}: {}", done.body);
        let done = window
            .post(
                &format!("/staff/bsgk/cases/{id}/act"),
                &[("node", "accept"), ("opinion", "予以受理")],
            )
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{be}: {}", done.body);
        let page = window.get(&format!("/staff/bsgk/cases/{id}")).await;
        assert!(
            page.body.contains("承诺办结日期"),
            "{be}: the promise is shown once accepted"
        );

        let letter = window.get(&format!("/staff/bsgk/cases/{id}/letter")).await;
        assert_eq!(letter.status, StatusCode::CONFLICT, "{be}");
        assert!(letter.body.contains("尚未作出决定"), "{be}");

        // The extension is the agency head's.
        let refused = window
            .post(
                &format!("/staff/bsgk/cases/{id}/extend"),
                &[("reason", "需现场核查")],
            )
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{be}");
        let mut head = sign_in(&st, "chief1", chief.as_deref()).await;
        let ok = head
            .post(
                &format!("/staff/bsgk/cases/{id}/extend"),
                &[("reason", "需现场核查储存场所")],
            )
            .await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{be}: {}", ok.body);
        let page = window.get(&format!("/staff/bsgk/cases/{id}")).await;
        assert!(page.body.contains("延长：10个工作日"), "{be}");

        // 首问负责: hand-over is recorded with its reason.
        let moved = window
            .post(
                &format!("/staff/bsgk/cases/{id}/handover"),
                &[("to", "clerk2"), ("reason", "本人调岗，移交孙科员跟踪")],
            )
            .await;
        assert_eq!(moved.status, StatusCode::SEE_OTHER, "{be}: {}", moved.body);
        let page = clerk.get(&format!("/staff/bsgk/cases/{id}")).await;
        assert!(page.body.contains("本人调岗，移交孙科员跟踪"), "{be}");
        let owned = clerk.get("/staff/bsgk").await;
        assert!(owned.body.contains("我负责的在办件（首问负责，1）"), "{be}");

        // The decision, then its letter for printing (the party's name in
        // full: the letter is served on them).
        let done = window
            .post(
                &format!("/staff/bsgk/cases/{id}/act"),
                &[("node", "review_window"), ("opinion", "经营场所符合条件")],
            )
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{be}: {}", done.body);
        let deputy = add_person(&st, "deputy1", "李副局长", None, &[Role::DeputyLeader]).await;
        let mut deputy = sign_in(&st, "deputy1", deputy.as_deref()).await;
        let done = deputy
            .post(
                &format!("/staff/bsgk/cases/{id}/act"),
                &[
                    ("node", "decide"),
                    ("var.granted", "true"),
                    ("opinion", "准予许可，核发烟花爆竹经营（零售）许可证"),
                ],
            )
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{be}: {}", done.body);
        let letter = window.get(&format!("/staff/bsgk/cases/{id}/letter")).await;
        assert_eq!(letter.status, StatusCode::OK, "{be}: {}", letter.body);
        let case_no = yangguang_powers::case_store::get(k, id.parse().expect("id"))
            .await
            .expect("case")
            .case_no;
        assert!(case_no.starts_with("XK-"), "{be}: {case_no}");
        for text in [
            "苏州市安全生产监督管理局<br>准予行政许可决定书",
            case_no.as_str(),
            "苏州市姑苏区福临烟花爆竹经营部：",
            "提出的烟花爆竹经营（零售）许可证核发申请（申请烟花爆竹经营（零售）许可证）",
            "准予许可，核发烟花爆竹经营（零售）许可证",
            "十日内向你（单位）颁发、送达行政许可证件",
            "六十日内依法申请行政复议",
        ] {
            assert!(
                letter.body.contains(text),
                "{be}: the letter shows {text}: {}",
                letter.body
            );
        }
        // The same letter as Word, for the seal.
        let docx = window
            .get(&format!("/staff/bsgk/cases/{id}/letter/docx"))
            .await;
        assert_eq!(docx.status, StatusCode::OK, "{be}: {}", docx.body);
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx.bytes)).expect("a .docx");
        let mut xml = String::new();
        std::io::Read::read_to_string(
            &mut zip.by_name("word/document.xml").expect("document.xml"),
            &mut xml,
        )
        .expect("utf-8");
        for text in [
            "准予行政许可决定书",
            case_no.as_str(),
            "苏州市姑苏区福临烟花爆竹经营部：",
            "准予许可，核发烟花爆竹经营（零售）许可证",
            "六十日内依法申请行政复议",
        ] {
            assert!(xml.contains(text), "{be}: the .docx says {text}");
        }
    }
}
