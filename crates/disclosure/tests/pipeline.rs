//! The staff side of 主动公开 through HTTP, on SQLite and PostgreSQL: the
//! publishing pipeline with its duty posts (A/B), refusals that write
//! nothing, returns, withdrawal and validity with their reasons, the Art 26
//! timeliness warnings, the guide and its history, and XSS payloads in
//! every field.

use axum::http::StatusCode;
use yangguang_disclosure::model::Status;
use yangguang_disclosure::routes::staff::workbench_rows;
use yangguang_disclosure::store;
use yangguang_kernel::audit::{self, Actor};
use yangguang_kernel::db::{query, query_scalar};
use yangguang_kernel::org::Role;
use yangguang_kernel::org_store::{self, NewDivision, NewPost};
use yangguang_kernel::testing::kernels;
use yangguang_kernel::timefmt::{self, fmt_date, today_cst};
use yangguang_kernel::{Kernel, Result};
use yangguang_web::AppState;
use yangguang_web::testing::{AGENCY, Browser, Page, signed_in, state_for};

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

fn today() -> time::Date {
    today_cst(timefmt::now())
}

async fn count(k: &Kernel, sql: &'static str) -> i64 {
    query_scalar::<i64>(k.db.backend(), sql)
        .fetch_one(k.db.pool())
        .await
        .expect("count")
}

/// Rows that any step writes: items, steps, versions, audit entries.
async fn writes(k: &Kernel) -> (i64, i64, i64, i64) {
    (
        count(k, "SELECT COUNT(*) FROM disclosure_items").await,
        count(k, "SELECT COUNT(*) FROM disclosure_steps").await,
        count(k, "SELECT COUNT(*) FROM disclosure_versions").await,
        count(k, "SELECT COUNT(*) FROM audit_log").await,
    )
}

/// The demo-like org: a division with its author and head; the review
/// post of that division, the confidentiality review post (A + B), the
/// publish post; an office manager and a staff member without duties.
struct Org {
    author: Browser,
    head: Browser,
    sec_a: Browser,
    sec_b: Browser,
    publisher: Browser,
    office: Browser,
    other: Browser,
}

async fn org(st: &AppState) -> Org {
    let k = &st.kernel;
    let now = timefmt::now();
    let cli = Actor::cli();
    let div = org_store::add_division(
        k,
        &cli,
        now,
        NewDivision {
            agency_code: AGENCY,
            code: "zcfg",
            name: "政策法规处",
            kind: "division",
            sort: 1,
        },
    )
    .await
    .expect("division");
    let org = Org {
        author: signed_in(st, "author", Role::Staff).await,
        head: signed_in(st, "head", Role::DivisionHead).await,
        sec_a: signed_in(st, "seca", Role::Office).await,
        sec_b: signed_in(st, "secb", Role::Office).await,
        publisher: signed_in(st, "pub1", Role::Office).await,
        office: signed_in(st, "office1", Role::Office).await,
        other: signed_in(st, "other", Role::Staff).await,
    };
    for u in ["author", "head"] {
        query(
            k.db.backend(),
            "UPDATE users SET division_id = ? WHERE username = ?",
        )
        .bind(div)
        .bind(u)
        .execute(k.db.pool())
        .await
        .expect("division of user");
    }
    for (division, name, a, b, duty) in [
        (
            Some("zcfg"),
            "政策法规处审核岗",
            "head",
            None,
            "disclosure.review",
        ),
        (
            None,
            "保密审查岗",
            "seca",
            Some("secb"),
            "disclosure.secrecy",
        ),
        (None, "信息发布岗", "pub1", None, "disclosure.publish"),
    ] {
        let post = org_store::add_post(
            k,
            &cli,
            now,
            NewPost {
                agency_code: AGENCY,
                division_code: division,
                name,
                a_username: a,
                b_username: b,
            },
        )
        .await
        .expect("post");
        org_store::set_post_duty(k, &cli, now, post, duty)
            .await
            .expect("duty");
    }
    org
}

fn item_form(title: &str) -> Vec<(&'static str, String)> {
    vec![
        ("title", title.to_string()),
        ("summary", "关于安全生产工作的通知".to_string()),
        ("category", "zcwj_bmwj".to_string()),
        ("genre", "通知".to_string()),
        ("publisher", "苏州市安全生产监督管理局".to_string()),
        ("written_on", fmt_date(today())),
        ("doc_no", "苏安监〔2026〕38号".to_string()),
        ("keywords", "安全生产 通知".to_string()),
        ("validity", "valid".to_string()),
        ("attribute", "proactive".to_string()),
        ("ground", String::new()),
        ("body", "<p>各处室：现将有关事项通知如下。</p>".to_string()),
        ("interprets", String::new()),
    ]
}

async fn post_form(b: &mut Browser, uri: &str, fields: &[(&str, String)]) -> Page {
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    b.post(uri, &pairs).await
}

/// Creates an item through the form; returns its id.
async fn create(b: &mut Browser, title: &str) -> i64 {
    let page = post_form(b, "/staff/disclosure/new", &item_form(title)).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "create: {}", page.body);
    let to = page.location.expect("location");
    to.trim_start_matches("/staff/disclosure/")
        .split('?')
        .next()
        .and_then(|s| s.parse().ok())
        .expect("item id in the location")
}

async fn act(b: &mut Browser, id: i64, fields: &[(&str, &str)]) -> Page {
    b.post(&format!("/staff/disclosure/{id}/step"), fields)
        .await
}

const ALL_CHECKS: [(&str, &str); 5] = [
    ("action", "secrecy"),
    ("check", "state_secret"),
    ("check", "work_secret"),
    ("check", "trade_secret"),
    ("check", "privacy"),
];

async fn status_of(k: &Kernel, id: i64) -> Status {
    store::item(k, id).await.expect("item").status
}

#[tokio::test]
async fn an_item_passes_draft_submit_review_confidentiality_review_and_publish_through_http()
-> Result<()> {
    for (be, st) in states("dis_pipeline").await {
        let k = &st.kernel;
        let mut o = org(&st).await;
        let form = o.author.get("/staff/disclosure/new").await;
        assert_eq!(form.status, StatusCode::OK, "{be}");
        assert!(
            form.body.contains("苏州市安全生产监督管理局"),
            "{be}: publisher defaults to the agency"
        );
        let id = create(&mut o.author, "关于开展安全生产大检查的通知").await;
        assert_eq!(status_of(k, id).await, Status::Draft);
        assert_eq!(
            act(&mut o.author, id, &[("action", "submit")]).await.status,
            StatusCode::SEE_OTHER,
            "{be}"
        );
        assert_eq!(status_of(k, id).await, Status::Submitted);
        // The head of the author's division has it in his inbox.
        let inbox = o.head.get("/staff/disclosure").await;
        assert!(
            inbox.body.contains("关于开展安全生产大检查的通知"),
            "{be}: {}",
            inbox.body
        );
        assert_eq!(
            act(&mut o.head, id, &[("action", "review")]).await.status,
            StatusCode::SEE_OTHER
        );
        assert_eq!(status_of(k, id).await, Status::Reviewed);
        // Three of four checks: refused, the missing one named, nothing written.
        let before = writes(k).await;
        let page = act(&mut o.sec_a, id, &ALL_CHECKS[..4]).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{be}");
        assert!(
            page.body.contains("尚未确认“不涉及个人隐私”"),
            "{be}: {}",
            page.body
        );
        assert!(page.body.contains("role=\"alert\""));
        assert_eq!(
            writes(k).await,
            before,
            "{be}: a refused review writes nothing"
        );
        assert_eq!(status_of(k, id).await, Status::Reviewed);
        assert_eq!(
            act(&mut o.sec_a, id, &ALL_CHECKS).await.status,
            StatusCode::SEE_OTHER
        );
        assert_eq!(status_of(k, id).await, Status::Cleared);
        assert_eq!(
            act(&mut o.publisher, id, &[("action", "publish")])
                .await
                .status,
            StatusCode::SEE_OTHER
        );
        let it = store::item(k, id).await?;
        assert_eq!(
            (it.status, it.published_version),
            (Status::Published, 1),
            "{be}"
        );
        let public = Browser::new(&st).get(&format!("/xxgk/item/{id}")).await;
        assert_eq!(public.status, StatusCode::OK, "{be}: the public page");
        // The timeline: every step, who, and the checklist.
        let page = o.author.get(&format!("/staff/disclosure/{id}")).await;
        assert_eq!(page.status, StatusCode::OK);
        for s in [
            "起草（采编）",
            "报送",
            "审核通过",
            "保密审查通过",
            "发布",
            "（seca）",
            "（pub1）",
            "不涉及个人隐私",
            "第 1 版",
        ] {
            assert!(page.body.contains(s), "{be}: timeline lacks {s}");
        }
        let steps: Vec<String> = store::steps(k, id)
            .await?
            .into_iter()
            .map(|s| s.action)
            .collect();
        assert_eq!(
            steps,
            ["create", "submit", "review", "secrecy", "publish"],
            "{be}"
        );
        // A change to the published item needs a change note to publish.
        assert_eq!(
            act(&mut o.author, id, &[("action", "revise")]).await.status,
            StatusCode::SEE_OTHER
        );
        assert_eq!(status_of(k, id).await, Status::Draft);
        act(&mut o.author, id, &[("action", "submit")]).await;
        act(&mut o.head, id, &[("action", "review")]).await;
        act(&mut o.sec_a, id, &ALL_CHECKS).await;
        let page = act(&mut o.publisher, id, &[("action", "publish")]).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{be}");
        assert!(page.body.contains("变更说明"));
        let page = act(
            &mut o.publisher,
            id,
            &[("action", "publish"), ("change_note", "更正附件")],
        )
        .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{be}");
        assert_eq!(store::item(k, id).await?.published_version, 2);
    }
    Ok(())
}

#[tokio::test]
async fn a_step_out_of_turn_is_refused_403_and_changes_nothing() -> Result<()> {
    for (be, st) in states("dis_turn").await {
        let k = &st.kernel;
        let mut o = org(&st).await;
        let id = create(&mut o.author, "关于印发年度工作要点的通知").await;
        // Nobody but the author (or the office) submits the draft.
        let before = writes(k).await;
        let page = act(&mut o.other, id, &[("action", "submit")]).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{be}");
        assert_eq!(writes(k).await, before);
        act(&mut o.author, id, &[("action", "submit")]).await;
        let before = writes(k).await;
        let page = act(&mut o.author, id, &[("action", "review")]).await;
        assert_eq!(
            page.status,
            StatusCode::FORBIDDEN,
            "{be}: the author cannot review"
        );
        assert!(
            page.body.contains("政策法规处审核岗"),
            "{be}: {}",
            page.body
        );
        assert_eq!(writes(k).await, before, "{be}");
        assert_eq!(status_of(k, id).await, Status::Submitted);
        act(&mut o.head, id, &[("action", "review")]).await;
        act(&mut o.sec_a, id, &ALL_CHECKS).await;
        let before = writes(k).await;
        for who in [&mut o.other, &mut o.head, &mut o.office] {
            let page = act(who, id, &[("action", "publish")]).await;
            assert_eq!(
                page.status,
                StatusCode::FORBIDDEN,
                "{be}: only the publish post publishes"
            );
            assert!(page.body.contains("信息发布岗"));
        }
        assert_eq!(writes(k).await, before, "{be}");
        assert_eq!(status_of(k, id).await, Status::Cleared);
        // A staff member with no part in it may not even open it.
        assert_eq!(
            o.other.get(&format!("/staff/disclosure/{id}")).await.status,
            StatusCode::FORBIDDEN
        );
        // An illegal step by the one whose turn it is: 400, nothing written.
        let page = act(&mut o.other, id, &[("action", "withdraw"), ("reason", "x")]).await;
        assert_eq!(
            page.status,
            StatusCode::FORBIDDEN,
            "{be}: withdrawal is the office's"
        );
        let page = act(&mut o.publisher, id, &[("action", "review")]).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{be}");
        assert!(page.body.contains("当前状态为“待发布”"));
        assert_eq!(writes(k).await, before);
    }
    Ok(())
}

#[tokio::test]
async fn b_acts_for_an_absent_a_and_the_step_records_acting_for() -> Result<()> {
    for (be, st) in states("dis_ab").await {
        let k = &st.kernel;
        let mut o = org(&st).await;
        let d = fmt_date(today());
        org_store::add_leave(k, &Actor::cli(), timefmt::now(), "seca", &d, &d, "年休假").await?;
        let id = create(&mut o.author, "关于调整值班安排的通知").await;
        act(&mut o.author, id, &[("action", "submit")]).await;
        act(&mut o.head, id, &[("action", "review")]).await;
        let inbox = o.sec_b.get("/staff/disclosure").await;
        assert!(inbox.body.contains("关于调整值班安排的通知"), "{be}");
        assert!(
            inbox.body.contains("B岗代测试办公室（seca）"),
            "{be}: {}",
            inbox.body
        );
        // A is away: A's own attempt is not A's turn today.
        assert_eq!(
            act(&mut o.sec_a, id, &ALL_CHECKS).await.status,
            StatusCode::FORBIDDEN,
            "{be}"
        );
        let rows = workbench_rows(
            k,
            org_store::user_id_by_name(k, "secb").await?,
            "secb",
            today(),
        )
        .await?;
        assert_eq!(rows.len(), 1, "{be}");
        assert_eq!(rows[0].1, format!("/staff/disclosure/{id}"));
        assert_eq!(rows[0].3.as_deref(), Some("测试办公室（seca）"));
        assert_eq!(
            act(&mut o.sec_b, id, &ALL_CHECKS).await.status,
            StatusCode::SEE_OTHER,
            "{be}"
        );
        let last = store::steps(k, id).await?.pop().expect("step");
        assert_eq!(
            (last.action.as_str(), last.actor.as_str()),
            ("secrecy", "secb")
        );
        assert_eq!(last.acting_for.as_deref(), Some("seca"), "{be}");
        let index_no = store::item(k, id).await?.index_no;
        let entry = audit::for_object(&k.db, &format!("disclosure:{index_no}"))
            .await?
            .pop()
            .expect("audit entry");
        assert_eq!(entry.event_type, "disclosure.secrecy");
        assert_eq!(
            (entry.actor.as_str(), entry.acting_for.as_deref()),
            ("secb", Some("seca")),
            "{be}"
        );
        let page = o.sec_b.get(&format!("/staff/disclosure/{id}")).await;
        assert!(
            page.body.contains("代 测试办公室（seca）"),
            "{be}: the timeline says B for A"
        );
    }
    Ok(())
}

#[tokio::test]
async fn a_return_needs_a_reason_and_sends_the_item_back_to_the_authors_inbox() -> Result<()> {
    for (be, st) in states("dis_return").await {
        let k = &st.kernel;
        let mut o = org(&st).await;
        let id = create(&mut o.author, "关于征集立法建议的公告").await;
        act(&mut o.author, id, &[("action", "submit")]).await;
        let before = writes(k).await;
        let page = act(&mut o.head, id, &[("action", "return"), ("reason", "  ")]).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{be}");
        assert!(page.body.contains("退回须说明理由"));
        assert_eq!(writes(k).await, before, "{be}");
        let page = act(
            &mut o.head,
            id,
            &[("action", "return"), ("reason", "请补充文号")],
        )
        .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{be}");
        assert_eq!(status_of(k, id).await, Status::Draft);
        let inbox = o.author.get("/staff/disclosure").await;
        let todo = inbox.body.split("id=\"h-mine\"").next().unwrap_or_default();
        assert!(
            todo.contains("关于征集立法建议的公告") && todo.contains("采编中"),
            "{be}"
        );
        let page = o.author.get(&format!("/staff/disclosure/{id}")).await;
        assert!(
            page.body.contains("理由：请补充文号"),
            "{be}: the reason is on the timeline"
        );
        // The author edits the returned draft.
        let mut f = item_form("关于征集立法建议的公告");
        f.retain(|(k, _)| *k != "doc_no");
        f.push(("doc_no", "苏安监〔2026〕39号".into()));
        let page = post_form(&mut o.author, &format!("/staff/disclosure/{id}/edit"), &f).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{be}: {}", page.body);
        assert_eq!(store::item(k, id).await?.draft.doc_no, "苏安监〔2026〕39号");
        // Someone else may not edit it.
        let page = post_form(&mut o.other, &format!("/staff/disclosure/{id}/edit"), &f).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{be}");
    }
    Ok(())
}

async fn published(o: &mut Org, title: &str) -> i64 {
    let id = create(&mut o.author, title).await;
    act(&mut o.author, id, &[("action", "submit")]).await;
    act(&mut o.head, id, &[("action", "review")]).await;
    act(&mut o.sec_a, id, &ALL_CHECKS).await;
    let page = act(&mut o.publisher, id, &[("action", "publish")]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "publish: {}", page.body);
    id
}

#[tokio::test]
async fn withdrawal_and_validity_changes_need_a_reason_and_appear_on_the_timeline() -> Result<()> {
    for (be, st) in states("dis_withdraw").await {
        let k = &st.kernel;
        let mut o = org(&st).await;
        let id = published(&mut o, "关于废止部分规范性文件的决定").await;
        let before = writes(k).await;
        let page = act(
            &mut o.office,
            id,
            &[
                ("action", "validity"),
                ("validity", "repealed"),
                ("reason", ""),
            ],
        )
        .await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{be}");
        assert!(page.body.contains("变更有效性须说明理由"));
        let page = act(&mut o.office, id, &[("action", "withdraw"), ("reason", "")]).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{be}");
        assert!(page.body.contains("撤销须说明理由"));
        // Not the office: refused.
        let page = act(
            &mut o.author,
            id,
            &[("action", "withdraw"), ("reason", "错误")],
        )
        .await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{be}");
        assert_eq!(writes(k).await, before, "{be}");
        let page = act(
            &mut o.office,
            id,
            &[
                ("action", "validity"),
                ("validity", "repealed"),
                ("reason", "已被新规定取代"),
            ],
        )
        .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{be}");
        assert_eq!(store::item(k, id).await?.draft.validity.label(), "废止");
        let page = act(
            &mut o.office,
            id,
            &[("action", "withdraw"), ("reason", "内容有误，已另行发布")],
        )
        .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{be}");
        assert_eq!(status_of(k, id).await, Status::Withdrawn);
        let page = o.office.get(&format!("/staff/disclosure/{id}")).await;
        for s in [
            "变更有效性",
            "理由：已被新规定取代",
            "有效性改为“废止”",
            "撤销",
            "理由：内容有误，已另行发布",
            "已撤销",
        ] {
            assert!(page.body.contains(s), "{be}: timeline lacks {s}");
        }
    }
    Ok(())
}

#[tokio::test]
async fn an_item_created_25_working_days_ago_shows_as_overdue_to_the_office() -> Result<()> {
    for (be, st) in states("dis_due").await {
        let k = &st.kernel;
        let mut o = org(&st).await;
        let id = create(&mut o.author, "关于公布行政执法人员名单的公告").await;
        let fresh = create(&mut o.author, "刚起草的信息").await;
        let cal = k.calendar();
        let mut since = today();
        while cal.working_days_after(since, today()) < 25 {
            since = since.previous_day().expect("day");
        }
        query(
            k.db.backend(),
            "UPDATE disclosure_items SET since_on = ? WHERE id = ?",
        )
        .bind(fmt_date(since))
        .bind(id)
        .execute(k.db.pool())
        .await?;
        let page = o.office.get("/staff/disclosure").await;
        assert_eq!(page.status, StatusCode::OK);
        let due = page
            .body
            .split("id=\"h-due\"")
            .nth(1)
            .and_then(|s| s.split("id=\"h-all\"").next())
            .unwrap_or_default();
        assert!(due.contains("关于公布行政执法人员名单的公告"), "{be}");
        assert!(due.contains("badge red\">已超期 5 个工作日"), "{be}: {due}");
        assert!(
            !due.contains("刚起草的信息"),
            "{be}: a fresh draft is not flagged"
        );
        assert!(
            page.body.contains("定期公开提醒"),
            "{be}: the half-yearly reminder"
        );
        // Staff see no office sections.
        let page = o.author.get("/staff/disclosure").await;
        assert!(!page.body.contains("id=\"h-due\""));
        assert!(
            page.body.contains("已超期 5 个工作日"),
            "{be}: the author sees it in the inbox"
        );
        let _ = fresh;
    }
    Ok(())
}

#[tokio::test]
async fn the_guide_keeps_its_history_and_the_public_page_shows_the_latest() -> Result<()> {
    for (be, st) in states("dis_guide").await {
        let k = &st.kernel;
        let mut o = org(&st).await;
        // Before any save: the defaults from the agency.
        let page = Browser::new(&st).get("/xxgk/zn").await;
        assert_eq!(page.status, StatusCode::OK, "{be}");
        assert!(page.body.contains("苏州市安全生产监督管理局办公室"));
        assert!(page.body.contains("规范性文件"), "{be}: the category tree");
        assert_eq!(
            o.author.get("/staff/disclosure/guide").await.status,
            StatusCode::FORBIDDEN
        );
        let form = o.office.get("/staff/disclosure/guide").await;
        assert_eq!(form.status, StatusCode::OK);
        let guide = |phone: &str| {
            vec![
                ("office_name", "苏州市安全生产监督管理局办公室".to_string()),
                ("address", "苏州市三香路 1 号".to_string()),
                ("postcode", "215004".to_string()),
                ("office_hours", "工作日 9:00—17:00".to_string()),
                ("phone", phone.to_string()),
                ("fax", "0512-68000001".to_string()),
                ("email", "xxgk@example.gov.cn".to_string()),
                ("website", "https://ajj.example.gov.cn/".to_string()),
                ("how_to_obtain", "网站查阅。\n现场查阅。".to_string()),
                ("classification", "按主题分类。".to_string()),
                ("fees", "不收费。".to_string()),
                ("supervision", "可以投诉。".to_string()),
            ]
        };
        let page = post_form(
            &mut o.office,
            "/staff/disclosure/guide",
            &guide("0512-68000000"),
        )
        .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{be}: {}", page.body);
        let page = post_form(
            &mut o.office,
            "/staff/disclosure/guide",
            &guide("0512-68009999"),
        )
        .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{be}");
        assert_eq!(
            count(k, "SELECT COUNT(*) FROM disclosure_guide").await,
            2,
            "{be}"
        );
        let page = Browser::new(&st).get("/xxgk/zn").await;
        assert!(
            page.body.contains("0512-68009999") && !page.body.contains("0512-68000000"),
            "{be}"
        );
        for s in [
            "一、公开的主体和范围",
            "二、主动公开",
            "三、依申请公开",
            "四、收费",
            "五、监督和救济",
            "苏州市三香路 1 号",
            "0512-68000001",
        ] {
            assert!(page.body.contains(s), "{be}: guide lacks {s}");
        }
        let history = o.office.get("/staff/disclosure/guide").await;
        assert!(
            history.body.contains("首次保存") && history.body.contains("联系电话"),
            "{be}"
        );
        let entries = audit::for_object(&k.db, "disclosure:guide").await?;
        assert_eq!(entries.len(), 2);
        assert!(
            entries
                .iter()
                .all(|e| e.event_type == "disclosure.guide.update")
        );
        // An over-long field: refused, kept on the page, nothing saved.
        let mut long = guide("0512-1");
        long.retain(|(k, _)| *k != "office_name");
        long.push(("office_name", "长".repeat(101)));
        let page = post_form(&mut o.office, "/staff/disclosure/guide", &long).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{be}");
        assert!(page.body.contains("过长") && page.body.contains("role=\"alert\""));
        assert!(page.body.contains("0512-1"), "{be}: values are kept");
        assert_eq!(
            count(k, "SELECT COUNT(*) FROM disclosure_guide").await,
            2,
            "{be}"
        );
    }
    Ok(())
}

const XSS: &str = "\"><script>alert(1)</script><img src=x onerror=alert(2)>";

/// The payload shown as text (askama writes `<` as `&#60;` or `&lt;`).
fn escaped(body: &str) -> bool {
    body.contains("&lt;script&gt;") || body.contains("&#60;script&#62;")
}

fn no_markup_from_input(be: &str, where_: &str, body: &str) {
    // Escaped, the payload is text ("&lt;img src=x onerror=…"); only a
    // tag that the browser would parse is a failure.
    assert!(!body.contains("<script"), "{be}: script tag on {where_}");
    assert!(!body.contains("<img"), "{be}: injected tag on {where_}");
}

#[tokio::test]
async fn xss_payloads_in_every_field_are_escaped_on_the_staff_pages() -> Result<()> {
    for (be, st) in states("dis_xss").await {
        let k = &st.kernel;
        let mut o = org(&st).await;
        let short = "<script>x</script>";
        let fields = vec![
            ("title", format!("标题{XSS}")),
            ("summary", format!("概述{XSS}")),
            ("category", "zcwj".to_string()),
            ("genre", short.to_string()),
            ("publisher", format!("机构{XSS}")),
            ("written_on", fmt_date(today())),
            ("doc_no", format!("文号{XSS}")),
            ("keywords", format!("词{XSS}")),
            ("validity", "valid".to_string()),
            ("attribute", "proactive".to_string()),
            ("ground", String::new()),
            (
                "body",
                format!(
                    "<p onclick=\"alert(3)\">正文</p>{XSS}<a href=\"javascript:alert(4)\">链接</a>"
                ),
            ),
            ("interprets", String::new()),
        ];
        // Refused (bad date): the page echoes every value, escaped.
        let mut bad = fields.clone();
        bad.retain(|(k, _)| *k != "written_on");
        bad.push(("written_on", format!("2026{XSS}")));
        let page = post_form(&mut o.author, "/staff/disclosure/new", &bad).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{be}");
        assert_eq!(
            count(k, "SELECT COUNT(*) FROM disclosure_items").await,
            0,
            "{be}: nothing saved"
        );
        no_markup_from_input(be, "the refused form", &page.body);
        assert!(escaped(&page.body), "{be}: values kept, escaped");
        let id = create_with(&mut o.author, &fields).await;
        let it = store::item(k, id).await?;
        assert!(
            !it.draft.body_html.contains("onclick") && !it.draft.body_html.contains("javascript")
        );
        for uri in [
            format!("/staff/disclosure/{id}"),
            format!("/staff/disclosure/{id}/edit"),
            "/staff/disclosure".to_string(),
        ] {
            let page = o.author.get(&uri).await;
            assert_eq!(page.status, StatusCode::OK, "{be}: {uri}");
            no_markup_from_input(be, &uri, &page.body);
            assert!(
                !page.body.contains("onclick") && !page.body.contains("javascript:"),
                "{be}: {uri}"
            );
        }
        // A reason with markup on the timeline (return is refused in Draft,
        // so submit first).
        act(&mut o.author, id, &[("action", "submit")]).await;
        let page = act(&mut o.head, id, &[("action", "return"), ("reason", XSS)]).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{be}");
        let page = o.author.get(&format!("/staff/disclosure/{id}")).await;
        no_markup_from_input(be, "the timeline", &page.body);
        // A refused step echoes what was typed, escaped.
        act(&mut o.author, id, &[("action", "submit")]).await;
        let long = format!("{XSS}{}", "长".repeat(500));
        let page = act(&mut o.head, id, &[("action", "return"), ("reason", &long)]).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{be}");
        no_markup_from_input(be, "the refused step", &page.body);
        // The guide, staff page and public page.
        let guide: Vec<(&str, String)> = yangguang_disclosure::guide::FIELDS
            .iter()
            .map(|f| {
                let payload = if f.max < 60 { "<script>" } else { XSS };
                (
                    f.name,
                    format!("{}{payload}", f.label.chars().next().unwrap_or('x')),
                )
            })
            .collect();
        let page = post_form(&mut o.office, "/staff/disclosure/guide", &guide).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{be}: {}", page.body);
        for uri in ["/staff/disclosure/guide", "/xxgk/zn"] {
            let page = o.office.get(uri).await;
            assert_eq!(page.status, StatusCode::OK);
            no_markup_from_input(be, uri, &page.body);
            assert!(escaped(&page.body), "{be}: {uri}");
        }
    }
    Ok(())
}

async fn create_with(b: &mut Browser, fields: &[(&str, String)]) -> i64 {
    let page = post_form(b, "/staff/disclosure/new", fields).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "create: {}", page.body);
    page.location
        .expect("location")
        .trim_start_matches("/staff/disclosure/")
        .split('?')
        .next()
        .and_then(|s| s.parse().ok())
        .expect("id")
}
