//! 网上办文 over HTTP, as people use it, on SQLite and PostgreSQL: the
//! forms and pages of one incoming document from receipt to 办结 and one
//! outgoing document from draft to 核发 and its red-header page, with the
//! refusals on the way (each a Chinese message, its status, nothing
//! written) and the JSON API.

mod common;

use std::collections::HashMap;

use axum::http::StatusCode;
use yangguang_kernel::audit::Actor;
use yangguang_kernel::org::Role;
use yangguang_kernel::org_store::{self, NewDivision, NewPost};
use yangguang_kernel::testing::kernels;
use yangguang_kernel::timefmt;
use yangguang_web::AppState;
use yangguang_web::testing::{AGENCY, Browser, Page, add_person, form_action, sign_in, state_for};

use common::{count, writes};

/// What a refused request must leave as it was: documents' tasks,
/// versions, numbers, outbox and the successful audit entries (a refusal
/// itself is audited, as `refused`).
async fn kept(k: &yangguang_kernel::Kernel) -> [i64; 6] {
    let mut w = writes(k).await;
    w[3] = count(
        k,
        "SELECT COUNT(*) FROM audit_log WHERE outcome = 'success'",
    )
    .await;
    w
}

/// (username, name, division, roles)
const PEOPLE: [(&str, &str, &str, &[Role]); 9] = [
    ("wangjz", "王局长", "", &[Role::PrincipalLeader]),
    ("lifj", "李副局长", "", &[Role::DeputyLeader]),
    ("zhouws", "周文秘", "bgs", &[Role::Office]),
    ("hegao", "何核稿", "bgs", &[Role::Office]),
    (
        "zhuren",
        "张主任",
        "bgs",
        &[Role::Office, Role::DivisionHead],
    ),
    ("chencz", "陈处长", "zcfgc", &[Role::DivisionHead]),
    ("liuky", "刘科员", "zcfgc", &[Role::Staff]),
    ("hecz", "贺处长", "jcs", &[Role::DivisionHead]),
    ("xuky", "徐科员", "jcs", &[Role::Staff]),
];

struct Bureau {
    st: AppState,
    people: HashMap<&'static str, Browser>,
    divisions: HashMap<&'static str, i64>,
}

impl Bureau {
    fn b(&mut self, who: &str) -> &mut Browser {
        self.people.get_mut(who).expect("person")
    }
}

/// A bureau of two divisions and an office, every person signed in.
async fn bureaus(tag: &str) -> Vec<(&'static str, Bureau)> {
    let mut out = Vec::new();
    for (be, k) in kernels(tag, &yangguang_web::migrations())
        .await
        .expect("kernels")
    {
        let st = state_for(k).await;
        let k = &st.kernel;
        let now = timefmt::now();
        let mut divisions = HashMap::new();
        for (i, (code, name, kind)) in [
            ("bgs", "办公室", "office"),
            ("zcfgc", "政策法规处", "division"),
            ("jcs", "监督检查处", "division"),
        ]
        .into_iter()
        .enumerate()
        {
            let id = org_store::add_division(
                k,
                &Actor::cli(),
                now,
                NewDivision {
                    agency_code: AGENCY,
                    code,
                    name,
                    kind,
                    sort: i as i64,
                },
            )
            .await
            .expect("division");
            divisions.insert(code, id);
        }
        let mut secrets = Vec::new();
        for (u, n, d, roles) in PEOPLE {
            let div = (!d.is_empty()).then_some(d);
            secrets.push((u, add_person(&st, u, n, div, roles).await));
        }
        for (name, div, a, b, duty) in [
            (
                "收发文登记岗",
                Some("bgs"),
                "zhouws",
                None,
                "docflow.register",
            ),
            ("核稿岗", Some("bgs"), "hegao", None, "docflow.review"),
            (
                "办公室主任岗",
                Some("bgs"),
                "zhuren",
                Some("hegao"),
                "docflow.director",
            ),
            ("局长岗", None, "wangjz", Some("lifj"), ""),
        ] {
            let post = org_store::add_post(
                k,
                &Actor::cli(),
                now,
                NewPost {
                    agency_code: AGENCY,
                    division_code: div,
                    name,
                    a_username: a,
                    b_username: b,
                },
            )
            .await
            .expect("post");
            org_store::set_post_duty(k, &Actor::cli(), now, post, duty)
                .await
                .expect("duty");
        }
        let mut people = HashMap::new();
        for (u, secret) in secrets {
            people.insert(u, sign_in(&st, u, secret.as_deref()).await);
        }
        out.push((
            be,
            Bureau {
                st,
                people,
                divisions,
            },
        ));
    }
    out
}

fn doc_id(p: &Page) -> i64 {
    p.location
        .as_deref()
        .and_then(|l| l.strip_prefix("/staff/docflow/docs/"))
        .and_then(|l| l.split(['?', '#']).next())
        .and_then(|l| l.parse().ok())
        .unwrap_or_else(|| panic!("no document in {:?}: {}", p.location, p.body))
}

/// The id of `user`'s open task on the document page, claimed if needed.
async fn claimed_task(b: &mut Browser, doc: i64) -> i64 {
    let page = b.get(&format!("/staff/docflow/docs/{doc}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let task: i64 = page
        .body
        .split("id=\"task-")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no task of mine on document {doc}"));
    if page
        .body
        .contains(&format!("/staff/docflow/tasks/{task}/claim"))
    {
        let p = b
            .post(&format!("/staff/docflow/tasks/{task}/claim"), &[])
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "claim: {}", p.body);
    }
    task
}

/// Submits `user`'s task form on the document page with `fields`.
async fn act(b: &mut Browser, doc: i64, fields: &[(&str, &str)]) -> Page {
    let task = claimed_task(b, doc).await;
    let page = b.get(&format!("/staff/docflow/docs/{doc}")).await;
    let action = form_action(&page.body, &format!("/tasks/{task}/act"))
        .unwrap_or_else(|| panic!("no form for task {task}: {}", page.body));
    b.post_multipart(&action, fields, ("", b"")).await
}

/// Acts and expects the redirect back to the document.
async fn done(b: &mut Browser, doc: i64, fields: &[(&str, &str)]) {
    let p = act(b, doc, fields).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
}

async fn new_doc(
    b: &mut Browser,
    form: &str,
    fields: &[(&str, &str)],
    file: (&str, &[u8]),
) -> Page {
    let page = b.get(form).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let action = form_action(&page.body, "multipart/form-data").expect("form");
    b.post_multipart(&action, fields, file).await
}

async fn status_of_doc(st: &AppState, doc: i64) -> String {
    yangguang_docflow::store::doc(&st.kernel, doc)
        .await
        .expect("doc")
        .status
        .as_str()
        .to_string()
}

#[tokio::test]
async fn incoming_document_is_received_registered_routed_handled_and_closed_through_the_pages() {
    for (be, mut bu) in bureaus("docflow-http-in").await {
        let k = bu.st.kernel.clone();
        let today = timefmt::fmt_date(timefmt::today_cst(timefmt::now()));
        let fields = [
            ("title", "关于开展危险化学品安全专项整治的通知"),
            ("summary", "请各地开展隐患排查并报送情况"),
            ("source_org", "江苏省安全生产监督管理局"),
            ("source_no", "苏安监〔2026〕101号"),
            ("secrecy", "none"),
            ("urgency", "normal"),
            ("copies", "2"),
            ("received_on", today.as_str()),
            ("deputy", "lifj"),
        ];
        // A missing date is refused in Chinese; nothing is written.
        let before = kept(&k).await;
        let mut bad = fields.to_vec();
        bad.retain(|(f, _)| *f != "received_on");
        let p = new_doc(
            bu.b("liuky"),
            "/staff/docflow/incoming/new",
            &bad,
            ("", b""),
        )
        .await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST, "{be}");
        assert!(p.body.contains("日期"), "{be}: {}", p.body);
        assert!(
            p.body.contains("关于开展危险化学品安全专项整治的通知"),
            "{be}: the form keeps what was typed"
        );
        assert_eq!(kept(&k).await, before, "{be}");

        let p = new_doc(
            bu.b("liuky"),
            "/staff/docflow/incoming/new",
            &fields,
            ("来文.pdf", b"%PDF-1.4 scanned page"),
        )
        .await;
        let id = doc_id(&p);
        // The deputy's explicit opinion: whitespace is refused.
        claimed_task(bu.b("lifj"), id).await;
        let before = kept(&k).await;
        let p = act(
            bu.b("lifj"),
            id,
            &[("verdict", "instruct"), ("text", "  \u{3000} ")],
        )
        .await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST, "{be}");
        assert!(p.body.contains("未作任何更改"), "{be}: {}", p.body);
        assert!(p.body.contains("意见"), "{be}");
        assert_eq!(kept(&k).await, before, "{be}");
        done(bu.b("lifj"), id, &[("verdict", "agree")]).await;
        // 收文登记 gives the year's number once.
        let register = claimed_task(bu.b("zhouws"), id).await;
        done(bu.b("zhouws"), id, &fields).await;
        let d = yangguang_docflow::store::doc(&k, id).await.expect("doc");
        let year = &today[..4];
        assert_eq!(d.reg_no(), Some(format!("收〔{year}〕1号")), "{be}");
        let before = kept(&k).await;
        let again = bu
            .b("zhouws")
            .get(&format!("/staff/docflow/docs/{id}"))
            .await;
        let token = yangguang_web::testing::extract_csrf(&again.body);
        let p = bu
            .b("zhouws")
            .post_multipart(
                &format!("/staff/docflow/tasks/{register}/act?_csrf={token}"),
                &fields,
                ("", b""),
            )
            .await;
        assert_eq!(p.status, StatusCode::CONFLICT, "{be}: {}", p.body);
        assert_eq!(kept(&k).await, before, "{be}: no second number");
        // 初审 and 分办: lead 政策法规处, co 监督检查处.
        let lead = bu.divisions["zcfgc"].to_string();
        let co = bu.divisions["jcs"].to_string();
        done(
            bu.b("zhouws"),
            id,
            &[
                ("action", "route"),
                ("lead", &lead),
                ("co", &co),
                ("limit", "10"),
            ],
        )
        .await;
        assert_eq!(status_of_doc(&bu.st, id).await, "handling", "{be}");
        // The principal supervises: every document opens for him.
        let p = bu
            .b("wangjz")
            .get(&format!("/staff/docflow/docs/{id}"))
            .await;
        assert_eq!(p.status, StatusCode::OK, "{be}: the principal supervises");
        done(
            bu.b("chencz"),
            id,
            &[
                ("verdict", "instruct"),
                ("text", "请刘科员牵头办理"),
                ("handler", "liuky"),
            ],
        )
        .await;
        done(
            bu.b("hecz"),
            id,
            &[("verdict", "agree"), ("handler", "xuky")],
        )
        .await;
        done(
            bu.b("xuky"),
            id,
            &[("result", "监督检查处已安排三个检查组")],
        )
        .await;
        done(bu.b("liuky"), id, &[("result", "已部署全市检查并上报省局")]).await;
        assert_eq!(status_of_doc(&bu.st, id).await, "closed", "{be}");
        // The whole trail on one page: who, what opinion, the result.
        let page = bu
            .b("liuky")
            .get(&format!("/staff/docflow/docs/{id}"))
            .await;
        for s in [
            "李副局长",
            "周文秘",
            "陈处长",
            "请刘科员牵头办理",
            "贺处长",
            "徐科员",
            "已部署全市检查并上报省局",
            "来文.pdf",
        ] {
            assert!(page.body.contains(s), "{be}: the trail shows {s}");
        }
    }
}

#[tokio::test]
async fn outgoing_document_goes_from_draft_through_cosigning_review_and_signing_to_the_red_header_page()
 {
    for (be, mut bu) in bureaus("docflow-http-out").await {
        let k = bu.st.kernel.clone();
        let p = new_doc(
            bu.b("liuky"),
            "/staff/docflow/outgoing/new",
            &[
                ("title", "关于加强有限空间作业安全管理的通知"),
                ("doc_type", "routine"),
                ("urgency", "normal"),
                ("secrecy", "none"),
                ("deputy", "lifj"),
                ("main_to", "各市、县（区）安全生产监督管理局"),
                ("cc_to", "省安全生产监督管理局"),
                ("public_release", "1"),
                ("body", "一、总体要求\n二、主要任务"),
            ],
            ("", b""),
        )
        .await;
        let id = doc_id(&p);
        let jcs = bu.divisions["jcs"].to_string();
        done(bu.b("liuky"), id, &[("cosign", &jcs)]).await;
        assert_eq!(status_of_doc(&bu.st, id).await, "cosigning", "{be}");

        // The co-signing head's task: not even the drafter may act on it.
        let task = claimed_task(bu.b("hecz"), id).await;
        let before = kept(&k).await;
        let token = {
            let page = bu
                .b("liuky")
                .get(&format!("/staff/docflow/docs/{id}"))
                .await;
            yangguang_web::testing::extract_csrf(&page.body)
        };
        let p = bu
            .b("chencz")
            .post_multipart(
                &format!("/staff/docflow/tasks/{task}/act?_csrf={token}"),
                &[("verdict", "agree")],
                ("", b""),
            )
            .await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "{be}: {}", p.body);
        assert_eq!(kept(&k).await, before, "{be}");
        // A 会签 opinion must be stated (the task is claimed already).
        let p = act(bu.b("hecz"), id, &[("text", "建议增加检查频次")]).await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST, "{be}");
        assert_eq!(kept(&k).await, before, "{be}");
        done(
            bu.b("hecz"),
            id,
            &[("verdict", "instruct"), ("text", "建议增加检查频次")],
        )
        .await;
        // A staff member of that division with no step cannot open it.
        let p = bu.b("xuky").get(&format!("/staff/docflow/docs/{id}")).await;
        assert_eq!(p.status, StatusCode::NOT_FOUND, "{be}");
        assert!(!p.body.contains("建议增加检查频次"), "{be}");

        done(bu.b("liuky"), id, &[("note", "已采纳监督检查处意见")]).await;
        // 一般业务: head, office 核稿, then the deputy in charge signs.
        done(bu.b("chencz"), id, &[("verdict", "agree")]).await;
        // Before numbering there is nothing to print.
        let p = bu
            .b("zhouws")
            .get(&format!("/staff/docflow/docs/{id}/print"))
            .await;
        assert_eq!(p.status, StatusCode::CONFLICT, "{be}: {}", p.body);
        done(bu.b("hegao"), id, &[("verdict", "agree")]).await;
        // The principal is not the signer this path names: 403, nothing written.
        let sign_task = claimed_task(bu.b("lifj"), id).await;
        let token = {
            let page = bu.b("wangjz").get("/staff/docflow").await;
            yangguang_web::testing::extract_csrf(&page.body)
        };
        let before = kept(&k).await;
        let p = bu
            .b("wangjz")
            .post_multipart(
                &format!("/staff/docflow/tasks/{sign_task}/act?_csrf={token}"),
                &[("verdict", "agree")],
                ("", b""),
            )
            .await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "{be}: {}", p.body);
        assert_eq!(kept(&k).await, before, "{be}");
        done(bu.b("lifj"), id, &[("verdict", "agree")]).await;
        assert_eq!(status_of_doc(&bu.st, id).await, "signed", "{be}");
        // The signed text is frozen: a new version is refused.
        let before = kept(&k).await;
        let page = bu
            .b("liuky")
            .get(&format!("/staff/docflow/docs/{id}"))
            .await;
        let token = yangguang_web::testing::extract_csrf(&page.body);
        let p = bu
            .b("liuky")
            .post_multipart(
                &format!("/staff/docflow/docs/{id}/do?_csrf={token}"),
                &[("action", "version"), ("body", "改一个字")],
                ("", b""),
            )
            .await;
        assert!(p.status.is_client_error(), "{be}: {}", p.status);
        assert_eq!(kept(&k).await, before, "{be}");

        done(bu.b("zhouws"), id, &[("note", "")]).await;
        done(bu.b("zhouws"), id, &[]).await;
        let year = &timefmt::fmt_date(timefmt::today_cst(timefmt::now()))[..4];
        let number = format!("苏安监〔{year}〕1号");
        done(
            bu.b("zhouws"),
            id,
            &[
                ("copies", "30"),
                ("main_to", "各市、县（区）安全生产监督管理局"),
                ("cc_to", "省安全生产监督管理局"),
            ],
        )
        .await;
        done(bu.b("zhouws"), id, &[("archive_location", "档案室A柜3层")]).await;
        assert_eq!(status_of_doc(&bu.st, id).await, "issued", "{be}");

        let p = bu
            .b("liuky")
            .get(&format!("/staff/docflow/docs/{id}/print"))
            .await;
        assert_eq!(p.status, StatusCode::OK, "{be}");
        for s in [
            number.as_str(),
            "关于加强有限空间作业安全管理的通知",
            "苏州市安全生产监督管理局",
            "抄送",
            "省安全生产监督管理局",
            "印发",
        ] {
            assert!(p.body.contains(s), "{be}: the red-header page shows {s}");
        }
        let p = bu
            .b("liuky")
            .get(&format!("/staff/docflow/docs/{id}/docx"))
            .await;
        assert_eq!(p.status, StatusCode::OK, "{be}");
        assert!(p.body.starts_with("PK"), "{be}: a .docx (zip) file");
        // Marked for 主动公开: one disclosure draft.
        assert_eq!(
            count(&k, "SELECT COUNT(*) FROM disclosure_items").await,
            1,
            "{be}"
        );
    }
}

#[tokio::test]
async fn the_api_lists_the_inbox_without_opinions_and_refuses_acts_without_the_token() {
    for (be, mut bu) in bureaus("docflow-http-api").await {
        let k = bu.st.kernel.clone();
        let p = new_doc(
            bu.b("liuky"),
            "/staff/docflow/outgoing/new",
            &[
                ("title", "关于开展安全生产月活动的通知"),
                ("doc_type", "routine"),
                ("deputy", "lifj"),
                ("body", "一、活动主题"),
            ],
            ("", b""),
        )
        .await;
        let id = doc_id(&p);
        let jcs = bu.divisions["jcs"].to_string();
        done(bu.b("liuky"), id, &[("cosign", &jcs)]).await;
        let p = bu.b("hecz").get("/api/v1/docflow/inbox").await;
        assert_eq!(p.status, StatusCode::OK, "{be}");
        let v: serde_json::Value = serde_json::from_str(&p.body).expect("json");
        let tasks = v["tasks"].as_array().expect("tasks");
        assert_eq!(tasks.len(), 1, "{be}");
        assert_eq!(tasks[0]["step"], "cosign");
        assert_eq!(tasks[0]["title"], "关于开展安全生产月活动的通知");
        let task = tasks[0]["id"].as_i64().expect("id");
        let csrf = v["csrf"].as_str().expect("csrf").to_string();

        // Without the token: refused, nothing written.
        let before = kept(&k).await;
        let p = bu
            .b("hecz")
            .post_json(
                &format!("/api/v1/docflow/tasks/{task}/claim"),
                &serde_json::json!({}),
                None,
            )
            .await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "{be}: {}", p.body);
        assert_eq!(kept(&k).await, before, "{be}");
        // Acting before 签收 is refused with a Chinese message.
        let p = bu
            .b("hecz")
            .post_json(
                &format!("/api/v1/docflow/tasks/{task}/act"),
                &serde_json::json!({"verdict": "agree"}),
                Some(&csrf),
            )
            .await;
        assert!(p.status.is_client_error(), "{be}: {}", p.status);
        assert!(p.body.contains("签收"), "{be}: {}", p.body);
        assert_eq!(kept(&k).await, before, "{be}");
        let p = bu
            .b("hecz")
            .post_json(
                &format!("/api/v1/docflow/tasks/{task}/claim"),
                &serde_json::json!({}),
                Some(&csrf),
            )
            .await;
        assert_eq!(p.status, StatusCode::OK, "{be}: {}", p.body);
        // Blank opinion: 400 and the reason.
        let p = bu
            .b("hecz")
            .post_json(
                &format!("/api/v1/docflow/tasks/{task}/act"),
                &serde_json::json!({"verdict": "instruct", "text": "   "}),
                Some(&csrf),
            )
            .await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST, "{be}: {}", p.body);
        assert!(p.body.contains("意见"), "{be}: {}", p.body);
        let p = bu
            .b("hecz")
            .post_json(
                &format!("/api/v1/docflow/tasks/{task}/act"),
                &serde_json::json!({"verdict": "instruct", "text": "建议突出有限空间作业"}),
                Some(&csrf),
            )
            .await;
        assert_eq!(p.status, StatusCode::OK, "{be}: {}", p.body);
        assert_eq!(status_of_doc(&bu.st, id).await, "consolidating", "{be}");
        // Another person's task through the API: 404 when the document is
        // not theirs to see, and never an opinion in any answer.
        let p = bu.b("liuky").get("/api/v1/docflow/inbox").await;
        assert!(!p.body.contains("建议突出有限空间作业"), "{be}");
        let p = bu.b("xuky").get("/api/v1/docflow/inbox").await;
        let v: serde_json::Value = serde_json::from_str(&p.body).expect("json");
        let csrf = v["csrf"].as_str().expect("csrf").to_string();
        let p = bu
            .b("xuky")
            .post_json(
                &format!("/api/v1/docflow/tasks/{task}/claim"),
                &serde_json::json!({}),
                Some(&csrf),
            )
            .await;
        assert_eq!(p.status, StatusCode::NOT_FOUND, "{be}: {}", p.body);
        // Signed out: no inbox at all.
        let mut anon = Browser::new(&bu.st);
        let p = anon.get("/api/v1/docflow/inbox").await;
        assert!(
            p.status == StatusCode::UNAUTHORIZED || p.status == StatusCode::SEE_OTHER,
            "{be}: {}",
            p.status
        );
    }
}
