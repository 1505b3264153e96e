//! Search and the harvesting APIs through HTTP: only published, current
//! items are found; withdrawal removes an item from results within a
//! second; odd queries never produce an error page; and an anonymous crawl
//! of the whole portal reaches no draft, unreviewed, 不予公开 or withdrawn
//! text anywhere.

use std::collections::{BTreeSet, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use time::macros::date;
use yangguang_disclosure::draft::Draft;
use yangguang_disclosure::indexer::Indexer;
use yangguang_disclosure::model::{Action, Attribute, SECRECY_CHECKS, Validity};
use yangguang_disclosure::{store, text};
use yangguang_kernel::Kernel;
use yangguang_kernel::audit::Actor;
use yangguang_kernel::testing::kernels;
use yangguang_kernel::timefmt;
use yangguang_web::AppState;
use yangguang_web::testing::{Browser, state_for};

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

fn draft(title: &str, body: &str, attribute: Attribute) -> Draft {
    Draft {
        title: title.into(),
        summary: String::from("概述"),
        category_code: "zcwj_bmwj".into(),
        genre: "通知".into(),
        publisher: "苏州市安全生产监督管理局".into(),
        written_on: date!(2026 - 03 - 02),
        doc_no: String::new(),
        keywords: String::new(),
        validity: Validity::Valid,
        attribute,
        ground: (attribute == Attribute::NotDisclosed).then(|| "art16_process".to_string()),
        body_html: text::paragraphs(body),
        interprets_id: None,
    }
}

/// Creates and takes an item `stage` steps (4 = published).
async fn staged(k: &Kernel, d: &Draft, stage: usize) -> i64 {
    let a = Actor::user("tester");
    let now = timefmt::now();
    let id = store::create(k, &a, now, None, d).await.expect("create");
    let confirmed = SECRECY_CHECKS.iter().map(|(c, _)| c.to_string()).collect();
    let steps = [
        Action::Submit,
        Action::Approve,
        Action::Clear { confirmed },
        Action::Publish { change_note: None },
    ];
    for s in steps.into_iter().take(stage) {
        store::act(k, &a, now, id, &s, None).await.expect("step");
    }
    id
}

async fn catch_up(st: &AppState) {
    yangguang_web::catch_up_search(st).await.expect("catch up");
}

async fn search_json(b: &mut Browser, q: &str) -> serde_json::Value {
    let url = format!(
        "/api/v1/search?{}",
        serde_urlencoded::to_string([("q", q), ("limit", "10")]).expect("q")
    );
    let p = b.get(&url).await;
    assert_eq!(p.status, StatusCode::OK, "{url}: {}", p.body);
    serde_json::from_str(&p.body).expect("json")
}

#[tokio::test]
async fn only_published_items_are_searchable_and_the_api_has_the_documented_shape() {
    for (be, st) in states("search_published").await {
        let k = st.kernel.clone();
        let published = staged(
            &k,
            &draft(
                "危险化学品仓储安全检查通知",
                "开展危险化学品仓储企业安全检查，重点核查防爆设施。",
                Attribute::Proactive,
            ),
            4,
        )
        .await;
        staged(
            &k,
            &draft(
                "未报送的草稿通知",
                "草稿中的危险化学品仓储检查细节。",
                Attribute::Proactive,
            ),
            0,
        )
        .await;
        staged(
            &k,
            &draft(
                "已清审待发布通知",
                "待发布的危险化学品仓储检查安排。",
                Attribute::Proactive,
            ),
            3,
        )
        .await;
        catch_up(&st).await;
        let mut b = Browser::new(&st);
        let v = search_json(&mut b, "危险化学品 仓储").await;
        assert_eq!(v["total"], 1, "{be}: {v}");
        let hit = &v["items"][0];
        assert_eq!(hit["id"], published, "{be}");
        assert_eq!(
            hit["title"], "危险化学品仓储安全检查通知",
            "{be}: full plain title"
        );
        assert_eq!(hit["url"], format!("/xxgk/item/{published}"), "{be}");
        assert_eq!(
            hit["published_on"],
            timefmt::fmt_date(timefmt::today_cst(timefmt::now())),
            "{be}"
        );
        assert!(
            hit["snippet"].as_str().is_some_and(|s| s.contains("<em>")),
            "{be}: {hit}"
        );
        // The HTML page: each hit is one link to its item.
        let p = b
            .get("/search?q=%E5%8D%B1%E9%99%A9%E5%8C%96%E5%AD%A6%E5%93%81")
            .await;
        assert_eq!(p.status, StatusCode::OK, "{be}");
        assert_eq!(p.body.matches("<a href=\"/xxgk/item/").count(), 1, "{be}");
        assert!(
            !p.body.contains("未报送的草稿通知") && !p.body.contains("已清审待发布通知"),
            "{be}"
        );
    }
}

#[tokio::test]
async fn a_withdrawn_item_leaves_the_results_within_a_second() {
    let (_, st) = states("search_withdraw").await.remove(0);
    let k = st.kernel.clone();
    let id = staged(
        &k,
        &draft(
            "烟花爆竹经营许可公告",
            "烟花爆竹零售经营许可的办理公告。",
            Attribute::Proactive,
        ),
        4,
    )
    .await;
    catch_up(&st).await;
    let mut b = Browser::new(&st);
    assert_eq!(search_json(&mut b, "烟花爆竹 许可").await["total"], 1);
    store::act(
        &k,
        &Actor::user("office"),
        timefmt::now(),
        id,
        &Action::Withdraw {
            reason: "内容有误".into(),
        },
        None,
    )
    .await
    .expect("withdraw");
    // No explicit catch-up: the node's follower must pick it up by itself.
    let started = Instant::now();
    loop {
        if search_json(&mut b, "烟花爆竹 许可").await["total"] == 0 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "still found one second after withdrawal"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn odd_queries_never_produce_an_error_page() {
    let (_, st) = states("search_odd").await.remove(0);
    staged(
        &st.kernel,
        &draft(
            "安全生产月活动通知",
            "安全生产月活动。",
            Attribute::Proactive,
        ),
        4,
    )
    .await;
    catch_up(&st).await;
    let mut b = Browser::new(&st);
    for q in [
        "",
        "   ",
        "！！！",
        "\"unbalanced",
        "AND OR NOT",
        "title:",
        "<script>alert(1)</script>",
        "😀😀",
        &"长".repeat(5000),
    ] {
        let url = format!(
            "/search?{}",
            serde_urlencoded::to_string([("q", q)]).expect("q")
        );
        let p = b.get(&url).await;
        assert_eq!(p.status, StatusCode::OK, "{q:?}");
        assert!(
            !p.body.contains("<script>alert(1)</script>"),
            "query echoed unescaped"
        );
        let api = format!(
            "/api/v1/search?{}",
            serde_urlencoded::to_string([("q", q)]).expect("q")
        );
        assert_eq!(b.get(&api).await.status, StatusCode::OK, "{q:?}");
    }
    // Malformed filters are refused with a message, not an error page.
    let p = b.get("/search?q=%E5%AE%89%E5%85%A8&page=abc").await;
    assert_eq!(p.status, StatusCode::BAD_REQUEST);
    assert!(p.body.contains("参数 page 的值“abc”无效"));
    let p = b.get("/api/v1/search?q=x&limit=101").await;
    assert_eq!(p.status, StatusCode::BAD_REQUEST);
    assert!(p.body.contains("\"invalid_parameter\""));
}

#[tokio::test]
async fn catalog_and_item_apis_list_only_what_the_public_may_read() {
    let (_, st) = states("search_apis").await.remove(0);
    let k = st.kernel.clone();
    let id = staged(
        &k,
        &draft("公开的部门文件", "公开正文。", Attribute::Proactive),
        4,
    )
    .await;
    let hidden = staged(
        &k,
        &draft("待审核文件", "待审核正文。", Attribute::Proactive),
        1,
    )
    .await;
    let mut b = Browser::new(&st);
    let p = b.get("/api/v1/catalog?category=zcwj").await;
    let v: serde_json::Value = serde_json::from_str(&p.body).expect("json");
    assert_eq!(v["total"], 1, "{v}");
    assert_eq!(v["items"][0]["id"], id);
    assert!(
        v["items"][0]["index_no"]
            .as_str()
            .is_some_and(|s| s.contains('/'))
    );
    let p = b.get(&format!("/api/v1/items/{id}")).await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.body.contains("公开正文"));
    let p = b.get(&format!("/api/v1/items/{hidden}")).await;
    assert_eq!(p.status, StatusCode::NOT_FOUND);
    assert!(!p.body.contains("待审核"));
    assert_eq!(
        b.get("/api/v1/catalog?year=abc").await.status,
        StatusCode::BAD_REQUEST
    );
}

fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "<loc>"] {
        for part in html.split(attr).skip(1) {
            let end = part.find(['"', '<']).unwrap_or(part.len());
            let mut url = part[..end].replace("&amp;", "&");
            if let Some(i) = url.find("://") {
                // Absolute links of this site (feeds, sitemap): keep the path.
                url = url[i + 3..]
                    .find('/')
                    .map(|j| url[i + 3 + j..].to_string())
                    .unwrap_or_default();
            }
            if url.starts_with('/') && !url.starts_with("//") {
                out.push(url);
            }
        }
    }
    out
}

#[tokio::test]
async fn an_anonymous_crawl_reaches_no_unpublished_withdrawn_or_undisclosed_text() {
    for (be, st) in states("search_crawl").await {
        let k = st.kernel.clone();
        let secret = [
            ("草稿正文甲乙丙", 0, Attribute::Proactive),
            ("报送正文丁戊己", 1, Attribute::Proactive),
            ("审核正文庚辛壬", 2, Attribute::Proactive),
            ("清审正文癸子丑", 3, Attribute::Proactive),
        ];
        for (t, stage, attr) in secret {
            staged(&k, &draft(t, &format!("{t}的内容"), attr), stage).await;
        }
        // 不予公开 cannot be published; it stays a draft with its ground.
        staged(
            &k,
            &draft(
                "不予公开正文寅卯辰",
                "不予公开正文寅卯辰的内容",
                Attribute::NotDisclosed,
            ),
            0,
        )
        .await;
        let w = staged(
            &k,
            &draft("撤销前标题", "撤销正文巳午未的内容", Attribute::Proactive),
            4,
        )
        .await;
        store::act(
            &k,
            &Actor::user("office"),
            timefmt::now(),
            w,
            &Action::Withdraw {
                reason: "错误".into(),
            },
            None,
        )
        .await
        .expect("withdraw");
        // A published item with a pending revision: the revision's text is not public.
        let r = staged(
            &k,
            &draft("已发布并修改中", "第一版正文", Attribute::Proactive),
            4,
        )
        .await;
        store::act(
            &k,
            &Actor::user("tester"),
            timefmt::now(),
            r,
            &Action::Revise,
            None,
        )
        .await
        .expect("revise");
        let mut d = draft("已发布并修改中", "修改稿正文申酉戌", Attribute::Proactive);
        d.summary = "修改稿概述".into();
        store::update(&k, &Actor::user("tester"), timefmt::now(), r, &d)
            .await
            .expect("edit");
        staged(
            &k,
            &draft("普通公开文件", "普通公开正文", Attribute::Proactive),
            4,
        )
        .await;
        if let Some(ix) = st.service::<Arc<Indexer>>() {
            ix.catch_up().await.expect("index");
        }

        let forbidden = [
            "甲乙丙",
            "丁戊己",
            "庚辛壬",
            "癸子丑",
            "寅卯辰",
            "巳午未",
            "申酉戌",
            "修改稿概述",
        ];
        let mut b = Browser::new(&st);
        let mut queue: VecDeque<String> = [
            "/",
            "/sitemap.xml",
            "/xxgk/feed.atom",
            "/api/v1/catalog?per_page=100",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for w in forbidden {
            queue.push_back(format!(
                "/search?q={}",
                serde_urlencoded::to_string([("", w)])
                    .expect("q")
                    .trim_start_matches('=')
            ));
            queue.push_back(format!(
                "/api/v1/search?q={}",
                serde_urlencoded::to_string([("", w)])
                    .expect("q")
                    .trim_start_matches('=')
            ));
        }
        let mut seen = BTreeSet::new();
        while let Some(url) = queue.pop_front() {
            if !seen.insert(url.clone()) || seen.len() > 400 {
                continue;
            }
            if url.starts_with("/staff")
                || url.starts_with("/admin")
                || url.starts_with("/login")
                || url.starts_with("/pref")
            {
                continue;
            }
            let p = b.get(&url).await;
            // A results page repeats the query itself: only its hits count.
            let shown = if url.starts_with("/search?") {
                p.body
                    .split("<ol class=\"hits\"")
                    .nth(1)
                    .and_then(|h| h.split("</ol>").next())
                    .unwrap_or_default()
                    .to_string()
            } else {
                p.body.clone()
            };
            for f in forbidden {
                assert!(!shown.contains(f), "{be}: {url} shows “{f}”");
            }
            for l in links(&p.body) {
                if !seen.contains(&l) {
                    queue.push_back(l);
                }
            }
        }
        assert!(
            seen.len() > 15,
            "{be}: the crawl reached {} pages",
            seen.len()
        );
        assert!(
            seen.iter().any(|u| u.starts_with("/xxgk/item/")),
            "{be}: item pages were crawled"
        );
    }
}
