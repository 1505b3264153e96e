//! 公文检索 on SQLite and PostgreSQL: a person finds exactly the documents
//! `inbox::may_view` lets them open (the office and supervisors all, the
//! others what they filed or have a task on, a B holder what their absent
//! A has a task on), right after the act that gave them one; Chinese is
//! matched by words; and the page over HTTP.

mod common;

use common::*;
use yangguang_docflow::acts::{Act, Registration};
use yangguang_docflow::inbox;
use yangguang_docflow::incoming::{self, NewIncoming};
use yangguang_docflow::model::{Direction, TaskStep};
use yangguang_docflow::outgoing::{self, NewOutgoing};
use yangguang_docflow::rules::{DocType, Secrecy, Urgency};
use yangguang_docflow::search::{DocQuery, DocSearch};
use yangguang_docflow::store;
use yangguang_kernel::Kernel;
use yangguang_kernel::db::query;
use yangguang_kernel::perm::{self, Permission};

fn registration() -> Registration {
    Registration {
        source_org: "江苏省安全生产监督管理局".into(),
        source_no: "苏安监〔2026〕101号".into(),
        secrecy: Secrecy::None,
        secrecy_years: None,
        urgency: Urgency::Normal,
        copies: 2,
        received_on: TODAY,
    }
}

/// Filed by `by`, approved by the deputy, registered by the office:
/// waiting for 初审 and routing.
async fn registered(k: &Kernel, by: &str, title: &str, summary: &str) -> i64 {
    let id = incoming::receive(
        k,
        NOW,
        &who(k, by).await,
        NewIncoming {
            title: title.into(),
            summary: summary.into(),
            reg: registration(),
            paper: false,
            major: false,
            deputy: "li".into(),
            files: Vec::new(),
        },
    )
    .await
    .expect("receive");
    work(k, "li", id, TaskStep::Approve, Act::Approve(agree())).await;
    work(
        k,
        "zhou",
        id,
        TaskStep::Register,
        Act::Register(registration()),
    )
    .await;
    id
}

/// 初审分办 to the division `lead` (its head gets the 拟办 task).
async fn route(k: &Kernel, id: i64, lead: &str) {
    let lead = division(k, lead).await;
    work(
        k,
        "zhou",
        id,
        TaskStep::Route,
        Act::Route {
            lead,
            co: vec![],
            limit: None,
        },
    )
    .await;
}

/// The office and supervisors (as the route's `Me::broad`).
async fn broad(k: &Kernel, user: &str) -> bool {
    let w = who(k, user).await;
    let grants = perm::default_business_grants();
    perm::allowed(&w.me.roles, &grants, Permission::DocflowManage)
        || perm::allowed(&w.me.roles, &grants, Permission::DocflowSupervise)
}

/// The documents `user` finds for `text`, in rank order.
async fn finds(ix: &DocSearch, k: &Kernel, user: &str, text: &str) -> Vec<i64> {
    let w = who(k, user).await;
    ix.search(
        &w,
        broad(k, user).await,
        &DocQuery {
            text: text.into(),
            ..DocQuery::default()
        },
    )
    .await
    .expect("search")
    .docs
    .into_iter()
    .map(|f| f.doc.id)
    .collect()
}

/// For every person of the bureau: found by `text` exactly when
/// `may_view` lets them open it.
async fn found_as_may_view(ix: &DocSearch, k: &Kernel, be: &str, id: i64, text: &str) {
    let doc = store::doc(k, id).await.expect("doc");
    for (user, ..) in USERS {
        let w = who(k, user).await;
        let may = inbox::may_view(k, &w, &doc, broad(k, user).await)
            .await
            .expect("may_view");
        let found = finds(ix, k, user, text).await.contains(&id);
        assert_eq!(
            found, may,
            "{be}: {user} may view {id}: {may}, found: {found}"
        );
    }
}

#[tokio::test]
async fn another_divisions_staff_find_a_document_only_once_a_task_is_routed_to_them() {
    for (be, k) in setup("docflow-search-route").await {
        let ix = DocSearch::open(&k).expect("index");
        let id = registered(
            &k,
            "liu",
            "关于开展危险化学品安全专项整治的通知",
            "请各地开展隐患排查",
        )
        .await;
        let q = "危险化学品 专项整治";
        // 监督检查处 has no task on it yet: its staff and head find nothing;
        // the office and the principal (broad) and the filer find it.
        assert!(finds(&ix, &k, "xu", q).await.is_empty(), "{be}");
        assert!(finds(&ix, &k, "he", q).await.is_empty(), "{be}");
        assert!(finds(&ix, &k, "sun", q).await.is_empty(), "{be}");
        assert_eq!(finds(&ix, &k, "zhou", q).await, vec![id], "{be}");
        assert_eq!(finds(&ix, &k, "wang", q).await, vec![id], "{be}");
        assert_eq!(finds(&ix, &k, "liu", q).await, vec![id], "{be}");
        found_as_may_view(&ix, &k, be, id, q).await;
        // Routed to 监督检查处: its head finds it right after the act.
        route(&k, id, "jcs").await;
        assert_eq!(finds(&ix, &k, "he", q).await, vec![id], "{be}");
        assert!(finds(&ix, &k, "xu", q).await.is_empty(), "{be}");
        found_as_may_view(&ix, &k, be, id, q).await;
        // The head names 徐科员 handler: now he finds it too.
        work(
            &k,
            "he",
            id,
            TaskStep::DivisionOpinion,
            Act::DivisionOpinion {
                opinion: agree(),
                handler: "xu".into(),
            },
        )
        .await;
        assert_eq!(finds(&ix, &k, "xu", q).await, vec![id], "{be}");
        found_as_may_view(&ix, &k, be, id, q).await;
        // A fresh start rebuilds the same from the database.
        drop(ix);
        std::fs::remove_dir_all(yangguang_docflow::search::index_dir(&k)).expect("rm");
        let ix = DocSearch::open(&k).expect("index");
        assert_eq!(finds(&ix, &k, "xu", q).await, vec![id], "{be}");
        assert!(finds(&ix, &k, "sun", q).await.is_empty(), "{be}");
        assert_eq!(ix.len(), 1, "{be}");
    }
}

#[tokio::test]
async fn a_b_holder_standing_in_for_an_absent_a_finds_the_documents_a_has_a_task_on() {
    for (be, k) in setup("docflow-search-ab").await {
        let ix = DocSearch::open(&k).expect("index");
        // Routed to 政策法规处: its head 陈处长 (A; 刘科员 is B) has the task.
        let routed = registered(&k, "xu", "关于报送烟花爆竹经营情况的函", "").await;
        route(&k, routed, "zcfgc").await;
        // Filed by 陈处长 himself: no task of his on it (the deputy approves).
        let filed = registered(&k, "chen", "关于烟花爆竹仓储检查的报告", "").await;
        let q = "烟花爆竹";
        let mut both = finds(&ix, &k, "chen", q).await;
        both.sort();
        assert_eq!(both, vec![routed, filed], "{be}");
        assert!(finds(&ix, &k, "liu", q).await.is_empty(), "{be}");
        // 陈处长 on leave today: 刘科员 stands in and finds what A has a
        // task on — not what A merely filed, which he may not open either.
        away(&k, "chen").await;
        assert_eq!(finds(&ix, &k, "liu", q).await, vec![routed], "{be}");
        for id in [routed, filed] {
            found_as_may_view(&ix, &k, be, id, q).await;
        }
    }
}

fn draft(title: &str, body: &str) -> NewOutgoing {
    NewOutgoing {
        title: title.into(),
        doc_type: DocType::Routine,
        urgency: Urgency::Normal,
        secrecy: Secrecy::None,
        secrecy_years: None,
        deputy: "li".into(),
        instructing_leader: None,
        main_to: "各市、县（区）安全生产监督管理局".into(),
        cc_to: String::new(),
        public_release: false,
        body: body.into(),
        docx: None,
    }
}

#[tokio::test]
async fn chinese_queries_match_by_words_of_title_text_numbers_and_units() {
    for (be, k) in setup("docflow-search-words").await {
        let ix = DocSearch::open(&k).expect("index");
        let liu = who(&k, "liu").await;
        let out = outgoing::create(
            &k,
            NOW,
            &liu,
            draft(
                "关于加强安全生产应急预案管理的通知",
                "各单位要定期组织应急演练，完善事故隐患排查治理制度。",
            ),
        )
        .await
        .expect("draft");
        let inc = registered(&k, "sun", "关于开展职业卫生专项检查的通知", "").await;
        let office = |text: &'static str| {
            let (ix, k) = (&ix, &k);
            async move { finds(ix, k, "zhou", text).await }
        };
        // Words, in any order, from the title and the current text.
        assert_eq!(office("应急预案 管理").await, vec![out], "{be}");
        assert_eq!(office("演练 隐患排查").await, vec![out], "{be}");
        // A compound typed as a whole finds the text that has it.
        assert_eq!(office("隐患排查治理").await, vec![out], "{be}");
        // Characters that straddle two words (应急|预案, 事故|隐患) are no
        // word of either, nor is a word sharing one character (演出, 演练).
        for text in ["急预", "故隐", "演出"] {
            assert!(office(text).await.is_empty(), "{be}: {text}");
        }
        // 主送 of the draft; 来文单位 and 来文字号 of the incoming one; its 收文编号.
        assert_eq!(
            office("县（区）安全生产监督管理局").await,
            vec![out],
            "{be}"
        );
        assert_eq!(office("江苏省安全生产监督管理局").await, vec![inc], "{be}");
        assert_eq!(office("苏安监〔2026〕101号").await, vec![inc], "{be}");
        assert_eq!(office("收〔2026〕1号").await.first(), Some(&inc), "{be}");
        // A new version replaces the text searched.
        outgoing::new_version(
            &k,
            NOW,
            &liu,
            out,
            "请于月底前报送危化品重大危险源清单。",
            None,
        )
        .await
        .expect("version");
        assert_eq!(office("重大危险源").await, vec![out], "{be}");
        assert!(office("演练").await.is_empty(), "{be}");
        assert!(office("隐患").await.is_empty(), "{be}");
        assert_eq!(office("应急预案").await, vec![out], "{be}: the title stays");
        // Direction filter.
        let only_in = ix
            .search(
                &who(&k, "zhou").await,
                true,
                &DocQuery {
                    text: "通知".into(),
                    direction: Some(Direction::In),
                    page: 0,
                },
            )
            .await
            .expect("search");
        assert_eq!(only_in.total, 1, "{be}");
        assert_eq!(only_in.docs[0].doc.id, inc, "{be}");
    }
}

mod http {
    use super::*;
    use yangguang_web::testing::{PASSWORD, sign_in, state_for};

    /// The bureau's people get a real password (the fixture stores none).
    async fn passwords(k: &Kernel) {
        let hash = yangguang_kernel::password::hash(PASSWORD).expect("hash");
        query(
            k.db.backend(),
            "UPDATE users SET password_hash = ?, password_changed_at = ?",
        )
        .bind(hash)
        .bind(yangguang_kernel::timefmt::now_rfc3339())
        .execute(k.db.pool())
        .await
        .expect("passwords");
    }

    #[tokio::test]
    async fn the_search_page_lists_with_number_and_status_only_what_the_user_may_open() {
        for (be, k) in setup("docflow-search-http").await {
            passwords(&k).await;
            let st = state_for(k.clone()).await;
            assert!(st.service::<std::sync::Arc<DocSearch>>().is_some(), "{be}");
            let mut zhou = sign_in(&st, "zhou", None).await;
            let mut xu = sign_in(&st, "xu", None).await;
            // No query: the form, no results.
            let p = zhou.get("/staff/docflow/search").await;
            assert_eq!(p.status, 200, "{be}: {}", p.body);
            assert!(p.body.contains(r#"name="q""#), "{be}");
            assert!(!p.body.contains("检索结果"), "{be}");
            // The inbox carries the search box.
            let p = xu.get("/staff/docflow").await;
            assert!(p.body.contains(r#"action="/staff/docflow/search""#), "{be}");
            let mut ids = Vec::new();
            for n in 1..=21 {
                let title = format!("关于第{n}批危险化学品企业检查的通知");
                ids.push(registered(&k, "liu", &title, "对危险化学品生产企业开展检查").await);
            }
            let q = "/staff/docflow/search?q=%E5%8D%B1%E9%99%A9%E5%8C%96%E5%AD%A6%E5%93%81";
            // The office: all 21, 20 on the first page, with 文号 and status.
            let p = zhou.get(q).await;
            assert_eq!(p.status, 200, "{be}");
            assert!(p.body.contains("共 21 件"), "{be}: {}", p.body);
            assert!(p.body.contains("第 1 / 2 页"), "{be}");
            assert!(p.body.contains("待初审分办"), "{be}");
            assert!(p.body.contains("收〔2026〕"), "{be}");
            assert!(p.body.contains("<em>"), "{be}: the words are highlighted");
            assert_eq!(p.body.matches("/staff/docflow/docs/").count(), 20, "{be}");
            let p = zhou.get(&format!("{q}&page=2")).await;
            assert_eq!(p.body.matches("/staff/docflow/docs/").count(), 1, "{be}");
            // Another division's staff: nothing, not even the count.
            let p = xu.get(q).await;
            assert_eq!(p.status, 200, "{be}");
            assert!(p.body.contains("共 0 件"), "{be}");
            assert!(p.body.contains("没有找到您可以查看的相关公文"), "{be}");
            assert!(!p.body.contains("危险化学品企业检查"), "{be}");
            // Routed to 监督检查处 and given to 徐科员: found at once.
            let id = ids[6];
            route(&k, id, "jcs").await;
            work(
                &k,
                "he",
                id,
                TaskStep::DivisionOpinion,
                Act::DivisionOpinion {
                    opinion: agree(),
                    handler: "xu".into(),
                },
            )
            .await;
            let p = xu.get(q).await;
            assert!(p.body.contains("共 1 件"), "{be}: {}", p.body);
            assert!(p.body.contains("关于第7批危险化学品企业检查的通知"), "{be}");
            assert!(
                p.body.contains(&format!("/staff/docflow/docs/{id}")),
                "{be}"
            );
            assert!(p.body.contains("承办中"), "{be}");
        }
    }
}
