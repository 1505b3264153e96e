//! 依申请公开 through HTTP on SQLite and PostgreSQL: the public applies
//! and follows; the office registers, supplements, extends, replies; a
//! handler sees only what is assigned to their post, masked; every field's
//! bad input is refused with its message and writes nothing; the annual
//! report is published at /xxgk/nb.

use axum::http::StatusCode;
use yangguang_kernel::Kernel;
use yangguang_kernel::audit::Actor;
use yangguang_kernel::db::query_scalar;
use yangguang_kernel::org::Role;
use yangguang_kernel::org_store::{self, NewDivision, NewPost};
use yangguang_kernel::testing::kernels;
use yangguang_kernel::timefmt::{self, fmt_date, today_cst};
use yangguang_web::AppState;
use yangguang_web::testing::{
    AGENCY, Browser, Page, form_action, second_node, signed_in, state_for,
};

async fn states(tag: &str) -> Vec<(&'static str, AppState)> {
    let mut out = Vec::new();
    for (be, k) in kernels(tag, &yangguang_web::migrations())
        .await
        .expect("kernels")
    {
        out.push((be, state_for(k).await));
    }
    out
}

async fn count(k: &Kernel, sql: &'static str) -> i64 {
    query_scalar::<i64>(k.db.backend(), sql)
        .fetch_one(k.db.pool())
        .await
        .expect("count")
}

async fn writes(k: &Kernel) -> [i64; 4] {
    [
        count(k, "SELECT COUNT(*) FROM ysq_applications").await,
        count(k, "SELECT COUNT(*) FROM ysq_events").await,
        count(k, "SELECT COUNT(*) FROM ysq_pauses").await,
        count(k, "SELECT COUNT(*) FROM audit_log").await,
    ]
}

const VALID: &[(&str, &str)] = &[
    ("applicant_type", "natural"),
    ("org_kind", ""),
    ("name", "张三"),
    ("id_type", "resident_id"),
    ("id_number", "11010519491231002X"),
    ("legal_rep", ""),
    ("contact", ""),
    ("phone", "13800138000"),
    ("email", "zhangsan@example.com"),
    ("address", "江苏省苏州市姑苏区人民路100号"),
    ("description", "2025年度安全生产监督检查计划全文"),
    ("doc_ref", ""),
    ("purpose", ""),
    ("provision_form", "electronic"),
    ("delivery", "online"),
];

fn with(field: &str, value: &str) -> Vec<(String, String)> {
    VALID
        .iter()
        .map(|(k, v)| {
            (
                k.to_string(),
                if *k == field {
                    value.to_string()
                } else {
                    v.to_string()
                },
            )
        })
        .collect()
}

async fn post_owned(b: &mut Browser, uri: &str, fields: &[(String, String)]) -> Page {
    let f: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    b.post(uri, &f).await
}

fn between<'a>(body: &'a str, start: &str, end: &str) -> &'a str {
    body.split(start)
        .nth(1)
        .and_then(|s| s.split(end).next())
        .unwrap_or_default()
}

/// Applies online; returns (number, query code).
async fn apply(b: &mut Browser) -> (String, String) {
    let p = b.post("/xxgk/ysqgk", VALID).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    let no = between(&p.body, "id=\"app-no\">", "<").to_string();
    let code = between(&p.body, "id=\"query-code\">", "<").to_string();
    assert!(no.starts_with("YSQ-"), "{}", p.body);
    (no, code)
}

#[tokio::test]
async fn the_public_applies_without_an_account_and_follows_with_number_and_code() {
    for (be, st) in states("ysq-public").await {
        let mut public = Browser::new(&st);
        let p = public.get("/xxgk/ysqgk").await;
        assert_eq!(p.status, StatusCode::OK, "{be}");
        assert!(
            p.body.contains("申请须知") && p.body.contains("20个工作日"),
            "{be}"
        );
        let (no, code) = apply(&mut public).await;
        let year = today_cst(timefmt::now()).year();
        assert_eq!(no, format!("YSQ-{year}-000001"), "{be}");
        let p = public
            .post(
                "/xxgk/ysqgk/cx",
                &[("action", "view"), ("app_no", &no), ("code", &code)],
            )
            .await;
        assert_eq!(p.status, StatusCode::OK, "{be}");
        assert!(
            p.body.contains("办理中") && p.body.contains("收到申请"),
            "{be}: {}",
            p.body
        );
        // A wrong pair reveals nothing, whatever is wrong.
        for (n, c) in [
            (no.as_str(), "ABCDEFGH"),
            ("YSQ-2026-999999", code.as_str()),
            ("x", "y"),
        ] {
            let p = public
                .post(
                    "/xxgk/ysqgk/cx",
                    &[("action", "view"), ("app_no", n), ("code", c)],
                )
                .await;
            assert_eq!(p.status, StatusCode::NOT_FOUND, "{be}");
            assert!(p.body.contains("申请编号或查询码不正确"), "{be}");
            assert!(!p.body.contains("张三"), "{be}");
        }
        // Five wrong codes lock the number (even the right code is refused),
        // counted across the nodes: one wrong pair above, three here, one
        // on a second node.
        let wrong = [
            ("action", "view"),
            ("app_no", no.as_str()),
            ("code", "ABCDEFGH"),
        ];
        let right = [
            ("action", "view"),
            ("app_no", no.as_str()),
            ("code", code.as_str()),
        ];
        for _ in 0..3 {
            public.post("/xxgk/ysqgk/cx", &wrong).await;
        }
        let node2 = second_node(&st, "ysq-public-node2").await;
        let mut public2 = Browser::new(&node2);
        let p = public2.post("/xxgk/ysqgk/cx", &right).await;
        assert_eq!(
            p.status,
            StatusCode::OK,
            "{be}: four wrong pairs still allow"
        );
        public2.post("/xxgk/ysqgk/cx", &wrong).await;
        for (node, b) in [(1, &mut public), (2, &mut public2)] {
            let p = b.post("/xxgk/ysqgk/cx", &right).await;
            assert_eq!(
                p.status,
                StatusCode::NOT_FOUND,
                "{be}: node {node} rate-limited"
            );
            assert!(
                p.body.contains("申请编号或查询码不正确"),
                "{be}: node {node}"
            );
        }
    }
}

#[tokio::test]
async fn every_bad_field_is_refused_with_its_message_and_nothing_is_written() {
    for (be, st) in states("ysq-bad").await {
        let k = st.kernel.clone();
        let mut public = Browser::new(&st);
        let before = writes(&k).await;
        let long = "长".repeat(2001);
        let cases: &[(&str, &str, &str)] = &[
            ("applicant_type", "", "请选择申请人类型"),
            ("name", "", "请填写姓名"),
            (
                "name",
                "<script>alert(1)</script>名字太长了太长了太长了太长了太长了太长了太长了太长了太长了太长了太长了太长了",
                "姓名过长",
            ),
            ("id_type", "x", "请选择身份证件类型"),
            ("id_number", "", "请填写居民身份证号码"),
            ("id_number", "110105194912310021", "校验位"),
            ("phone", "", "请填写联系电话"),
            ("phone", "1380013800", "电话号码格式不正确"),
            ("email", "not-an-email", "电子邮箱"),
            ("description", "", "请填写所需政府信息的内容描述"),
            ("description", &long, "最多 2000 个字"),
            ("provision_form", "cd", "请选择信息提供形式"),
            ("delivery", "pigeon", "请选择获取信息的方式"),
            ("org_kind", "", "请填写姓名"),
        ];
        for (field, value, msg) in cases {
            let mut f = with(field, value);
            if *field == "org_kind" {
                // An organisation without its kind.
                f = with("applicant_type", "org");
                f.retain(|(k, _)| k != "name");
                f.push(("name".into(), "某公司".into()));
            }
            let p = post_owned(&mut public, "/xxgk/ysqgk", &f).await;
            assert_eq!(p.status, StatusCode::BAD_REQUEST, "{be} {field}");
            let want = if *field == "org_kind" {
                "请选择法人或其他组织的类型"
            } else {
                msg
            };
            assert!(p.body.contains(want), "{be} {field}: expected {want}");
            assert!(!p.body.contains("<script>alert"), "{be}: escaped");
        }
        // Without the CSRF token nothing is accepted either.
        let p = public.post_raw("/xxgk/ysqgk", VALID).await;
        assert_ne!(p.status, StatusCode::OK, "{be}");
        assert_eq!(writes(&k).await[..3], before[..3], "{be}: nothing written");
    }
}

#[tokio::test]
async fn office_registers_supplements_extends_and_replies_and_the_public_downloads_the_letter() {
    for (be, st) in states("ysq-flow").await {
        let k = st.kernel.clone();
        let mut office = signed_in(&st, "office1", Role::Office).await;
        let today = fmt_date(today_cst(timefmt::now()));
        // Registration: ordinary letter needs the confirmation date.
        let mut f = with("delivery", "post");
        f.push(("channel".into(), "ordinary_letter".into()));
        f.push(("arrived_on".into(), today.clone()));
        let before = writes(&k).await;
        let p = post_owned(&mut office, "/staff/ysqgk/new", &f).await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST, "{be}");
        assert!(p.body.contains("与申请人确认的日期"), "{be}");
        assert_eq!(writes(&k).await, before, "{be}");
        f.push(("confirmed".into(), today.clone()));
        let p = post_owned(&mut office, "/staff/ysqgk/new", &f).await;
        assert_eq!(p.status, StatusCode::OK, "{be}: {}", p.body);
        let no = between(&p.body, "id=\"app-no\">", "<").to_string();
        let code = between(&p.body, "id=\"query-code\">", "<").to_string();
        let id = between(&p.body, "href=\"/staff/ysqgk/", "\"").to_string();
        let url = format!("/staff/ysqgk/{id}");
        let act = format!("{url}/act");
        let inbox = office.get("/staff/ysqgk").await;
        assert!(inbox.body.contains(&no), "{be}");
        // Supplement, then the public supplements online.
        let p = office
            .post(
                &act,
                &[
                    ("action", "supplement"),
                    ("on", &today),
                    ("days", "10"),
                    ("text", "请写明文件年度"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{be}: {}", p.body);
        let p = office
            .post(
                &act,
                &[
                    ("action", "supplement"),
                    ("on", &today),
                    ("days", "10"),
                    ("text", "再次补正"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST, "{be}");
        assert!(p.body.contains("一次性"), "{be}");
        let mut public = Browser::new(&st);
        let p = public
            .post(
                "/xxgk/ysqgk/cx",
                &[("action", "view"), ("app_no", &no), ("code", &code)],
            )
            .await;
        assert!(
            p.body.contains("待补正") && p.body.contains("请写明文件年度"),
            "{be}"
        );
        let p = public
            .post(
                "/xxgk/ysqgk/cx",
                &[
                    ("action", "supplement"),
                    ("app_no", &no),
                    ("code", &code),
                    ("text", ""),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST, "{be}");
        let p = public
            .post(
                "/xxgk/ysqgk/cx",
                &[
                    ("action", "supplement"),
                    ("app_no", &no),
                    ("code", &code),
                    ("text", "2025年度"),
                ],
            )
            .await;
        assert!(p.body.contains("补正材料已提交"), "{be}: {}", p.body);
        // Extension: at most 20 working days, once.
        let p = office
            .post(
                &act,
                &[
                    ("action", "extend"),
                    ("days", "21"),
                    ("reason", "需调档"),
                    ("approved_by", "王主任"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST, "{be}");
        let p = office
            .post(
                &act,
                &[
                    ("action", "extend"),
                    ("days", "10"),
                    ("reason", "需调档"),
                    ("approved_by", "王主任"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{be}");
        // Reply: 本机关不掌握 (no attachment needed); letter generated, then issued.
        let p = office
            .post(
                &act,
                &[("action", "draft"), ("outcome", "cannot_1"), ("body", "")],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{be}");
        let page = office.get(&url).await;
        assert!(
            page.body.contains("六个月内"),
            "{be}: remedies for a non-withholding outcome"
        );
        // A file goes up through the page's own upload form (multipart, the
        // CSRF token in its action, as a browser sends it).
        let upload = form_action(&page.body, "multipart/form-data").expect("upload form");
        let p = office
            .post_multipart(
                &upload,
                &[],
                ("检索记录.txt", "未检索到相关信息".as_bytes()),
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{be}: {}", p.body);
        let page = office.get(&url).await;
        assert!(
            page.body.contains("检索记录.txt（24 字节）"),
            "{be}: listed"
        );
        let p = office.post_multipart(&upload, &[], ("", b"")).await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST, "{be}: no file");
        assert!(p.body.contains("请选择要上传的附件"), "{be}: {}", p.body);
        let p = office
            .post(&act, &[("action", "issue"), ("on", &today)])
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{be}: {}", p.body);
        let year = today_cst(timefmt::now()).year();
        let page = office.get(&url).await;
        assert!(page.body.contains(&format!("依申复〔{year}〕1号")), "{be}");
        let d = office.get(&format!("{url}/letter/docx")).await;
        assert_eq!(d.status, StatusCode::OK, "{be}");
        // The public sees the reply, never internal lines.
        let p = public
            .post(
                "/xxgk/ysqgk/cx",
                &[("action", "view"), ("app_no", &no), ("code", &code)],
            )
            .await;
        assert!(
            p.body.contains("已答复") && p.body.contains("无法提供"),
            "{be}"
        );
        assert!(
            !p.body.contains("需调档") && !p.body.contains("office1"),
            "{be}: internal reason hidden"
        );
        let p = public
            .post(
                "/xxgk/ysqgk/cx",
                &[("action", "letter"), ("app_no", &no), ("code", &code)],
            )
            .await;
        assert_eq!(p.status, StatusCode::OK, "{be}");
        assert!(p.body.starts_with("PK"), "{be}: a .docx");
        // Annual report published at /xxgk/nb.
        let p = office
            .post(
                "/staff/ysqgk/report",
                &[
                    ("year", &year.to_string()),
                    ("section1", "总体情况良好"),
                    ("section5", ""),
                    ("section6", ""),
                    ("action", "publish"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{be}: {}", p.body);
        let p = public.get(&format!("/xxgk/nb/{year}")).await;
        assert_eq!(p.status, StatusCode::OK, "{be}");
        assert!(
            p.body.contains("（四）无法提供") && p.body.contains("总体情况良好"),
            "{be}"
        );
        let p = office
            .post(
                "/staff/ysqgk/report",
                &[("year", &year.to_string()), ("t2:规章/本年制发件数", "abc")],
            )
            .await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST, "{be}");
        let x = office
            .get(&format!("/staff/ysqgk/stats/xlsx?year={year}"))
            .await;
        assert_eq!(x.status, StatusCode::OK, "{be}");
    }
}

#[tokio::test]
async fn a_handler_sees_only_assigned_applications_with_personal_data_masked() {
    for (be, st) in states("ysq-handler").await {
        let k = st.kernel.clone();
        let mut office = signed_in(&st, "office1", Role::Office).await;
        let mut handler = signed_in(&st, "staff1", Role::Staff).await;
        let post = org_store::add_post(
            &k,
            &Actor::cli(),
            timefmt::now(),
            NewPost {
                agency_code: AGENCY,
                division_code: None,
                name: "依申请公开承办岗",
                a_username: "staff1",
                b_username: None,
            },
        )
        .await
        .expect("post");
        let mut public = Browser::new(&st);
        apply(&mut public).await;
        let id: i64 = query_scalar(k.db.backend(), "SELECT MAX(id) FROM ysq_applications")
            .fetch_one(k.db.pool())
            .await
            .expect("id");
        let url = format!("/staff/ysqgk/{id}");
        assert_eq!(
            handler.get(&url).await.status,
            StatusCode::NOT_FOUND,
            "{be}"
        );
        let p = office
            .post(
                &format!("{url}/act"),
                &[("action", "assign"), ("post_id", &post.to_string())],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{be}");
        let office_view = office.get(&url).await;
        assert!(office_view.body.contains("11010519491231002X"), "{be}");
        let p = handler.get(&url).await;
        assert_eq!(p.status, StatusCode::OK, "{be}");
        assert!(
            !p.body.contains("11010519491231002X") && !p.body.contains("13800138000"),
            "{be}: masked"
        );
        assert!(
            handler.get("/staff/ysqgk").await.body.contains("YSQ-"),
            "{be}"
        );
        // The formal steps belong to the office.
        let p = handler
            .post(
                &format!("{url}/act"),
                &[
                    ("action", "extend"),
                    ("days", "5"),
                    ("reason", "x"),
                    ("approved_by", "y"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "{be}");
        // Consultation by the handler pauses the clock.
        let today = fmt_date(today_cst(timefmt::now()));
        let p = handler
            .post(
                &format!("{url}/act"),
                &[
                    ("action", "pause"),
                    ("kind", "third_party"),
                    ("party", "某某公司"),
                    ("on", &today),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{be}: {}", p.body);
        let p = handler
            .post(
                &format!("{url}/act"),
                &[
                    ("action", "pause"),
                    ("kind", "third_party"),
                    ("party", ""),
                    ("on", &today),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST, "{be}");
        assert!(p.body.contains("请填写征求意见对象"), "{be}");
        // An internal consultation of another division: never shown to the applicant.
        let did = org_store::add_division(
            &k,
            &Actor::cli(),
            timefmt::now(),
            NewDivision {
                agency_code: AGENCY,
                code: "wh",
                name: "危险化学品处",
                kind: "division",
                sort: 1,
            },
        )
        .await
        .expect("division");
        let p = handler
            .post(
                &format!("{url}/act"),
                &[
                    ("action", "consult"),
                    ("division_id", &did.to_string()),
                    ("question", "是否涉及商业秘密"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{be}: {}", p.body);
        let p = handler
            .post(
                &format!("{url}/act"),
                &[
                    ("action", "consult"),
                    ("division_id", "999999"),
                    ("question", "x"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST, "{be}");
        let cid: i64 = query_scalar(k.db.backend(), "SELECT MAX(id) FROM ysq_consults")
            .fetch_one(k.db.pool())
            .await
            .expect("cid");
        let p = handler
            .post(
                &format!("{url}/act"),
                &[
                    ("action", "consult_answer"),
                    ("consult_id", &cid.to_string()),
                    ("opinion", "涉及第三方商业秘密"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{be}");
        let page = handler.get(&url).await;
        assert!(page.body.contains("涉及第三方商业秘密"), "{be}");
    }
}

#[tokio::test]
async fn every_bad_step_input_is_refused_with_a_message_and_writes_nothing() {
    for (be, st) in states("ysq-bad-steps").await {
        let k = st.kernel.clone();
        let mut office = signed_in(&st, "office1", Role::Office).await;
        let mut public = Browser::new(&st);
        apply(&mut public).await;
        let id: i64 = query_scalar(k.db.backend(), "SELECT MAX(id) FROM ysq_applications")
            .fetch_one(k.db.pool())
            .await
            .expect("id");
        let act = format!("/staff/ysqgk/{id}/act");
        let tomorrow = fmt_date(today_cst(timefmt::now()) + time::Duration::days(1));
        let today = fmt_date(today_cst(timefmt::now()));
        let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
            (vec![("action", "nonsense")], "未知的办理步骤"),
            (
                vec![("action", "assign"), ("post_id", "x")],
                "请选择承办岗位",
            ),
            (
                vec![("action", "assign"), ("post_id", "999999")],
                "请选择承办岗位",
            ),
            (
                vec![
                    ("action", "supplement"),
                    ("on", &today),
                    ("days", "0"),
                    ("text", "补"),
                ],
                "补正期限应为1至60个工作日",
            ),
            (
                vec![
                    ("action", "supplement"),
                    ("on", &today),
                    ("days", "61"),
                    ("text", "补"),
                ],
                "补正期限",
            ),
            (
                vec![
                    ("action", "supplement"),
                    ("on", &today),
                    ("days", "abc"),
                    ("text", "补"),
                ],
                "补正期限",
            ),
            (
                vec![
                    ("action", "supplement"),
                    ("on", &today),
                    ("days", "10"),
                    ("text", ""),
                ],
                "请填写需要补正的内容",
            ),
            (
                vec![
                    ("action", "supplement"),
                    ("on", "2026-02-30"),
                    ("days", "10"),
                    ("text", "补"),
                ],
                "日期“2026-02-30”无效",
            ),
            (
                vec![
                    ("action", "supplement"),
                    ("on", &tomorrow),
                    ("days", "10"),
                    ("text", "补"),
                ],
                "晚于今天",
            ),
            (
                vec![
                    ("action", "supplement_received"),
                    ("on", &today),
                    ("text", "x"),
                ],
                "没有待补正的告知",
            ),
            (
                vec![
                    ("action", "pause"),
                    ("kind", "x"),
                    ("party", "某公司"),
                    ("on", &today),
                ],
                "请选择征求第三方意见",
            ),
            (
                vec![
                    ("action", "pause"),
                    ("kind", "other_agency"),
                    ("party", "某局"),
                    ("on", ""),
                ],
                "日期“”无效",
            ),
            (
                vec![
                    ("action", "pause_end"),
                    ("pause_id", "999999"),
                    ("on", &today),
                ],
                "中止记录 999999 不存在",
            ),
            (
                vec![
                    ("action", "extend"),
                    ("days", "0"),
                    ("reason", "r"),
                    ("approved_by", "a"),
                ],
                "1至20个工作日",
            ),
            (
                vec![
                    ("action", "extend"),
                    ("days", "x"),
                    ("reason", "r"),
                    ("approved_by", "a"),
                ],
                "延长工作日数",
            ),
            (
                vec![
                    ("action", "extend"),
                    ("days", "5"),
                    ("reason", ""),
                    ("approved_by", "a"),
                ],
                "请填写延长理由",
            ),
            (
                vec![
                    ("action", "extend"),
                    ("days", "5"),
                    ("reason", "r"),
                    ("approved_by", ""),
                ],
                "请填写批准人",
            ),
            (
                vec![
                    ("action", "fee"),
                    ("method", "both"),
                    ("pages", "0"),
                    ("on", &today),
                ],
                "请选择按件或按量计收",
            ),
            (
                vec![
                    ("action", "fee"),
                    ("method", "page"),
                    ("pages", "-1"),
                    ("on", &today),
                ],
                "页数",
            ),
            (
                vec![
                    ("action", "fee"),
                    ("method", "page"),
                    ("pages", "30"),
                    ("on", &today),
                ],
                "不收费",
            ),
            (
                vec![
                    ("action", "fee"),
                    ("method", "case"),
                    ("pages", "0"),
                    ("on", &today),
                ],
                "不收费",
            ),
            (
                vec![("action", "draft"), ("outcome", "withhold_9"), ("body", "")],
                "请选择答复类型",
            ),
            (
                vec![("action", "issue"), ("on", &today)],
                "请先拟定答复告知书",
            ),
            (
                vec![
                    ("action", "case"),
                    ("kind", "appeal"),
                    ("filed_on", &today),
                    ("body", "政府"),
                    ("result", "upheld"),
                    ("concluded_on", &today),
                ],
                "请选择类型",
            ),
            (
                vec![
                    ("action", "case"),
                    ("kind", "review"),
                    ("filed_on", &today),
                    ("body", "政府"),
                    ("result", "pending"),
                    ("concluded_on", &today),
                ],
                "尚未审结的案件不应填写审结日期",
            ),
            (
                vec![
                    ("action", "case"),
                    ("kind", "review"),
                    ("filed_on", &today),
                    ("body", ""),
                    ("result", "upheld"),
                    ("concluded_on", &today),
                ],
                "请填写复议机关或受理法院",
            ),
            (
                vec![
                    ("action", "case"),
                    ("kind", "review"),
                    ("filed_on", &today),
                    ("body", "政府"),
                    ("result", "upheld"),
                    ("concluded_on", ""),
                ],
                "请填写审结日期",
            ),
            (
                vec![
                    ("action", "case"),
                    ("kind", "review"),
                    ("filed_on", &tomorrow),
                    ("body", "政府"),
                    ("result", "pending"),
                    ("concluded_on", ""),
                ],
                "提起日期应在",
            ),
        ];
        for (fields, msg) in cases {
            let before = writes(&k).await;
            let p = office.post(&act, &fields).await;
            let what = fields
                .iter()
                .map(|(a, b)| format!("{a}={b}"))
                .collect::<Vec<_>>()
                .join("&");
            assert!(
                p.status == StatusCode::BAD_REQUEST
                    || p.status == StatusCode::NOT_FOUND
                    || p.status == StatusCode::CONFLICT,
                "{be} {what}: {}",
                p.status
            );
            assert!(p.body.contains(msg), "{be} {what}: expected “{msg}”");
            assert_eq!(writes(&k).await, before, "{be} {what}: nothing written");
        }
        // Settings: every field checked; saved ones appear in the letters.
        let good = [
            ("review_body", "苏州市人民政府"),
            ("court", "苏州市姑苏区人民法院"),
            ("letter_prefix", "苏安监依复"),
            ("fee_pay_days", "20"),
        ];
        for (field, bad, msg) in [
            ("review_body", "", "请填写行政复议机关"),
            ("court", "", "请填写管辖法院"),
            ("letter_prefix", "", "请填写告知书编号前缀"),
            ("fee_pay_days", "0", "缴费期限应为1至60个工作日"),
            ("fee_pay_days", "x", "缴费期限"),
        ] {
            let f: Vec<(&str, &str)> = good
                .iter()
                .map(|(k, v)| (*k, if *k == field { bad } else { *v }))
                .collect();
            let p = office.post("/staff/ysqgk/settings", &f).await;
            assert_eq!(p.status, StatusCode::BAD_REQUEST, "{be} {field}");
            assert!(p.body.contains(msg), "{be} {field}: {msg}");
        }
        let p = office.post("/staff/ysqgk/settings", &good).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{be}");
        let p = office
            .post(
                &act,
                &[("action", "draft"), ("outcome", "withhold_1"), ("body", "")],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{be}");
        let page = office.get(&format!("/staff/ysqgk/{id}")).await;
        assert!(
            page.body.contains("应当先向苏州市人民政府申请行政复议")
                && page.body.contains("苏州市姑苏区人民法院"),
            "{be}"
        );
    }
}

#[tokio::test]
async fn the_b_holder_reads_the_case_but_acts_only_while_the_a_holder_is_away() {
    for (be, st) in states("ysq-ab").await {
        let k = st.kernel.clone();
        let mut office = signed_in(&st, "office1", Role::Office).await;
        let _a = signed_in(&st, "staffa", Role::Staff).await;
        let mut b = signed_in(&st, "staffb", Role::Staff).await;
        let post = org_store::add_post(
            &k,
            &Actor::cli(),
            timefmt::now(),
            NewPost {
                agency_code: AGENCY,
                division_code: None,
                name: "依申请公开承办岗",
                a_username: "staffa",
                b_username: Some("staffb"),
            },
        )
        .await
        .expect("post");
        let mut public = Browser::new(&st);
        apply(&mut public).await;
        let id: i64 = query_scalar(k.db.backend(), "SELECT MAX(id) FROM ysq_applications")
            .fetch_one(k.db.pool())
            .await
            .expect("id");
        let url = format!("/staff/ysqgk/{id}");
        let p = office
            .post(
                &format!("{url}/act"),
                &[("action", "assign"), ("post_id", &post.to_string())],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{be}");
        let today = fmt_date(today_cst(timefmt::now()));
        let pause = [
            ("action", "pause"),
            ("kind", "third_party"),
            ("party", "某某公司"),
            ("on", today.as_str()),
        ];
        // A is at work: B may read, not act.
        assert_eq!(b.get(&url).await.status, StatusCode::OK, "{be}");
        let before = writes(&k).await;
        let p = b.post(&format!("{url}/act"), &pause).await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "{be}");
        assert!(
            p.body.contains("B岗仅在A岗不在岗时代为办理"),
            "{be}: {}",
            p.body
        );
        assert_eq!(writes(&k).await, before, "{be}: nothing written");
        // A is on leave today: B acts, recorded as B for A.
        org_store::add_leave(
            &k,
            &Actor::cli(),
            timefmt::now(),
            "staffa",
            &today,
            &today,
            "年休假",
        )
        .await
        .expect("leave");
        let p = b.post(&format!("{url}/act"), &pause).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{be}: {}", p.body);
        assert_eq!(
            count(
                &k,
                "SELECT COUNT(*) FROM audit_log WHERE actor = 'staffb' AND acting_for = 'staffa'"
            )
            .await,
            1,
            "{be}: the audit says B for A"
        );
    }
}
