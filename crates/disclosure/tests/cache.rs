//! The cache of rendered public pages (`yangguang_disclosure::cache`)
//! through HTTP: a page rendered once is served again from the cache; a
//! publish, change, withdrawal or validity change shows on the next
//! anonymous view — on the node that made it at once, and on another node
//! of the same database within a second; signed-in viewers never get or
//! fill a cached page; display modes and font sizes are entries of their
//! own. On SQLite and (when configured) PostgreSQL.

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use time::Date;
use time::macros::date;
use tower::ServiceExt;
use yangguang_disclosure::cache::{Key, Lookup, PageCache, X_CACHE};
use yangguang_disclosure::draft::Draft;
use yangguang_disclosure::listing::{Listing, Source};
use yangguang_disclosure::model::{Action, Attribute, SECRECY_CHECKS, Validity};
use yangguang_disclosure::public::{self, CatalogFilter};
use yangguang_disclosure::view::{Choice, Row};
use yangguang_disclosure::{settings, store, text};
use yangguang_kernel::audit::Actor;
use yangguang_kernel::org::Role;
use yangguang_kernel::testing::kernels;
use yangguang_kernel::{Kernel, timefmt};
use yangguang_web::AppState;
use yangguang_web::layout::{Frame, Layout};
use yangguang_web::testing::{second_node, signed_in, state_for};

/// How long a change may take to show on another node (the promise).
const WITHIN: Duration = Duration::from_secs(1);

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

fn draft(title: &str, body: &str) -> Draft {
    Draft {
        title: title.into(),
        summary: format!("{title}的内容概述"),
        category_code: "zcwj".into(),
        genre: "通知".into(),
        publisher: "苏州市安全生产监督管理局".into(),
        written_on: date!(2026 - 01 - 05),
        doc_no: String::new(),
        keywords: String::new(),
        validity: Validity::Valid,
        attribute: Attribute::Proactive,
        ground: None,
        body_html: text::sanitize(body),
        interprets_id: None,
    }
}

fn actor() -> Actor {
    Actor::user("tester")
}

async fn step(k: &Kernel, id: i64, a: Action, on: Option<Date>) {
    store::act(k, &actor(), timefmt::now(), id, &a, on)
        .await
        .unwrap_or_else(|e| panic!("{a:?} on {id}: {e}"));
}

async fn published(k: &Kernel, d: &Draft, on: Date) -> i64 {
    let id = store::create(k, &actor(), timefmt::now(), None, d)
        .await
        .expect("create");
    let clear = Action::Clear {
        confirmed: SECRECY_CHECKS.iter().map(|(c, _)| c.to_string()).collect(),
    };
    for a in [Action::Submit, Action::Approve, clear] {
        step(k, id, a, None).await;
    }
    step(k, id, Action::Publish { change_note: None }, Some(on)).await;
    id
}

/// Takes a published item through a change: revise, edit, the review
/// steps, publish version 2.
async fn republish(k: &Kernel, id: i64, d: &Draft) {
    step(k, id, Action::Revise, None).await;
    store::update(k, &actor(), timefmt::now(), id, d)
        .await
        .expect("update");
    let clear = Action::Clear {
        confirmed: SECRECY_CHECKS.iter().map(|(c, _)| c.to_string()).collect(),
    };
    for a in [Action::Submit, Action::Approve, clear] {
        step(k, id, a, None).await;
    }
    step(
        k,
        id,
        Action::Publish {
            change_note: Some("修订".into()),
        },
        Some(date!(2026 - 06 - 01)),
    )
    .await;
}

/// An anonymous GET with these cookies: status, `x-cache`, body.
async fn get(st: &AppState, uri: &str, cookies: &str) -> (StatusCode, String, String) {
    let resp = yangguang_web::app(st.clone())
        .oneshot(
            Request::get(uri)
                .header(header::COOKIE, cookies)
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("response");
    let status = resp.status();
    let x = resp
        .headers()
        .get(X_CACHE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let body = resp.into_body().collect().await.expect("body").to_bytes();
    (status, x, String::from_utf8_lossy(&body).to_string())
}

/// Polls `uri` anonymously until `ok(body)`, for at most `WITHIN`.
async fn shows_within(st: &AppState, uri: &str, ok: impl Fn(&str) -> bool) -> Duration {
    let t0 = Instant::now();
    loop {
        let (status, _, body) = get(st, uri, "").await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        if ok(&body) {
            return t0.elapsed();
        }
        assert!(
            t0.elapsed() < WITHIN,
            "{uri} still shows the old page after {:?}:\n{body}",
            t0.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn cache(st: &AppState) -> std::sync::Arc<PageCache> {
    PageCache::of(st).expect("the application runs a page cache")
}

#[tokio::test]
async fn a_page_rendered_once_is_served_again_from_the_cache() {
    for (be, st) in states("cache_hit").await {
        let k = &st.kernel;
        let id = published(
            k,
            &draft("关于开展汛期安全检查的通知", "<p>汛期检查正文。</p>"),
            date!(2026 - 03 - 02),
        )
        .await;
        for uri in [
            format!("/xxgk/item/{id}"),
            "/xxgk/ml".to_string(),
            "/xxgk/ml?category=zcwj&sort=old".to_string(),
            "/xxgk/".to_string(),
        ] {
            let (s1, x1, first) = get(&st, &uri, "").await;
            assert_eq!((s1, x1.as_str()), (StatusCode::OK, "MISS"), "{be} {uri}");
            let (s2, x2, again) = get(&st, &uri, "").await;
            assert_eq!((s2, x2.as_str()), (StatusCode::OK, "HIT"), "{be} {uri}");
            assert_eq!(first, again, "{be} {uri}: the cached page is the page");
            assert!(again.contains("关于开展汛期安全检查的通知"), "{be} {uri}");
        }
        // Parameters that do not change the page share its entry; the
        // catalog's values are taken trimmed, as the page reads them.
        let (_, x, _) = get(&st, "/xxgk/ml?category=zcwj&sort=old&utm=x", "").await;
        assert_eq!(x, "HIT", "{be}");
        // A 404, a malformed id and a 400 are never stored.
        for uri in ["/xxgk/item/999999", "/xxgk/item/0012", "/xxgk/ml?year=abc"] {
            for _ in 0..2 {
                let (s, x, _) = get(&st, uri, "").await;
                assert!(s.is_client_error(), "{be} {uri}");
                assert_ne!(x, "HIT", "{be} {uri}");
            }
        }
        let stats = cache(&st).stats();
        assert_eq!(stats.entries, 4, "{be}: {stats:?}");
        assert!(stats.bytes > 0);
    }
}

#[tokio::test]
async fn publish_change_withdrawal_and_validity_show_on_the_next_view_and_on_other_nodes_within_a_second()
 {
    for (be, st) in states("cache_invalidate").await {
        let other = second_node(&st, "cache_invalidate_node2").await;
        let k = &st.kernel;
        let id = published(
            k,
            &draft("关于加强危险化学品管理的通知", "<p>第一版正文。</p>"),
            date!(2026 - 03 - 02),
        )
        .await;
        let item = format!("/xxgk/item/{id}");
        // Both nodes have the page and the catalog cached.
        for node in [&st, &other] {
            for uri in [item.as_str(), "/xxgk/ml"] {
                shows_within(node, uri, |b| b.contains("危险化学品")).await;
                let (_, x, _) = get(node, uri, "").await;
                assert_eq!(x, "HIT", "{be} {uri}");
            }
        }

        // A change (version 2): the node that made it shows it at once.
        let mut d2 = draft(
            "关于加强危险化学品管理的通知（修订）",
            "<p>第二版正文。</p>",
        );
        d2.category_code = "zcwj".into();
        republish(k, id, &d2).await;
        let (_, x, now) = get(&st, &item, "").await;
        assert!(
            now.contains("第二版正文") && !now.contains("第一版正文"),
            "{be}"
        );
        assert_eq!(x, "MISS", "{be}: rendered anew");
        let took = shows_within(&other, &item, |b| b.contains("第二版正文")).await;
        eprintln!("{be}: a change showed on the other node after {took:?}");
        shows_within(&other, "/xxgk/ml", |b| b.contains("（修订）")).await;

        // 废止: the notice.
        store::set_validity(
            k,
            &actor(),
            timefmt::now(),
            id,
            Validity::Repealed,
            "已被新办法替代",
        )
        .await
        .expect("validity");
        assert!(
            get(&st, &item, "")
                .await
                .2
                .contains("废止原因：已被新办法替代")
        );
        shows_within(&other, &item, |b| b.contains("废止原因：已被新办法替代")).await;

        // Withdrawal: the text goes, the notice comes, the catalog drops it.
        step(
            k,
            id,
            Action::Withdraw {
                reason: "内容有误".into(),
            },
            None,
        )
        .await;
        for node in [&st, &other] {
            shows_within(node, &item, |b| {
                b.contains("撤销原因：内容有误") && !b.contains("第二版正文")
            })
            .await;
            shows_within(node, "/xxgk/ml", |b| !b.contains("危险化学品")).await;
        }

        // A new item appears in the cached catalog and column on both.
        for node in [&st, &other] {
            get(node, "/xxgk/", "").await;
            assert_eq!(get(node, "/xxgk/", "").await.1, "HIT", "{be}");
        }
        published(
            k,
            &draft("关于做好防汛工作的通知", "<p>防汛。</p>"),
            date!(2026 - 07 - 01),
        )
        .await;
        for node in [&st, &other] {
            shows_within(node, "/xxgk/", |b| b.contains("关于做好防汛工作的通知")).await;
            shows_within(node, "/xxgk/ml", |b| b.contains("关于做好防汛工作的通知")).await;
        }
    }
}

#[tokio::test]
async fn an_interpretation_published_or_withdrawn_changes_the_cached_page_of_its_document() {
    for (be, st) in states("cache_links").await {
        let other = second_node(&st, "cache_links_node2").await;
        let k = &st.kernel;
        let doc = published(
            k,
            &draft("安全生产管理办法", "<p>办法正文。</p>"),
            date!(2026 - 02 - 01),
        )
        .await;
        let page = format!("/xxgk/item/{doc}");
        for node in [&st, &other] {
            get(node, &page, "").await;
            assert_eq!(get(node, &page, "").await.1, "HIT", "{be}");
        }
        let mut d = draft("《安全生产管理办法》政策解读", "<p>解读正文。</p>");
        d.category_code = "zcjd".into();
        d.interprets_id = Some(doc);
        let jd = published(k, &d, date!(2026 - 02 - 02)).await;
        for node in [&st, &other] {
            shows_within(node, &page, |b| b.contains("《安全生产管理办法》政策解读")).await;
        }
        // The interpretation's page shows the document's title; a change
        // of the document's title reaches it.
        let jd_page = format!("/xxgk/item/{jd}");
        for node in [&st, &other] {
            get(node, &jd_page, "").await;
            assert_eq!(get(node, &jd_page, "").await.1, "HIT", "{be}");
        }
        republish(
            k,
            doc,
            &draft("安全生产管理办法（2026年修订）", "<p>新办法。</p>"),
        )
        .await;
        for node in [&st, &other] {
            shows_within(node, &jd_page, |b| {
                b.contains("安全生产管理办法（2026年修订）")
            })
            .await;
        }
        step(
            k,
            jd,
            Action::Withdraw {
                reason: "解读有误".into(),
            },
            None,
        )
        .await;
        for node in [&st, &other] {
            shows_within(node, &page, |b| !b.contains("《安全生产管理办法》政策解读")).await;
        }
    }
}

#[tokio::test]
async fn signed_in_viewers_never_get_a_cached_page_nor_fill_the_cache() {
    for (be, st) in states("cache_signed_in").await {
        let k = &st.kernel;
        let id = published(
            k,
            &draft("关于开展消防检查的通知", "<p>消防检查。</p>"),
            date!(2026 - 03 - 02),
        )
        .await;
        let mut staff = signed_in(&st, "cache_staff", Role::Staff).await;
        for uri in [
            format!("/xxgk/item/{id}"),
            "/xxgk/ml".into(),
            "/xxgk/".into(),
        ] {
            let before = cache(&st).stats();
            // Signed in first: rendered for them, not stored.
            for _ in 0..2 {
                let p = staff.get(&uri).await;
                assert_eq!(p.status, StatusCode::OK, "{be} {uri}");
                assert!(p.body.contains("测试工作人员"), "{be} {uri}: their name");
                assert!(p.body.contains("退出登录"), "{be} {uri}");
            }
            let after = cache(&st).stats();
            assert_eq!(
                after.stores, before.stores,
                "{be} {uri}: stored for a signed-in viewer"
            );
            assert_eq!(after.hits, before.hits, "{be} {uri}");
            // Anonymous visitors fill it; the signed-in viewer still gets
            // their own page, and the anonymous page has no name in it.
            let (_, x, anon) = get(&st, &uri, "").await;
            assert_eq!(x, "MISS", "{be} {uri}");
            assert_eq!(get(&st, &uri, "").await.1, "HIT", "{be} {uri}");
            assert!(!anon.contains("测试工作人员") && !anon.contains("退出登录"));
            assert!(anon.contains("工作人员登录"), "{be} {uri}");
            let p = staff.get(&uri).await;
            assert!(
                p.body.contains("测试工作人员"),
                "{be} {uri}: cached page served"
            );
            assert_eq!(cache(&st).stats().hits, after.hits + 1, "{be} {uri}");
        }
    }
}

#[tokio::test]
async fn display_modes_and_font_sizes_are_entries_of_their_own() {
    for (be, st) in states("cache_modes").await {
        let id = published(
            &st.kernel,
            &draft("关于开展安全生产月活动的通知", "<p>安全生产月。</p>"),
            date!(2026 - 05 - 20),
        )
        .await;
        let item = format!("/xxgk/item/{id}");
        let elder = "yg_elder=1";
        let a11y = "yg_a11y=1";
        let both = "yg_elder=1; yg_a11y=1";
        for uri in [item.as_str(), "/xxgk/ml", "/xxgk/"] {
            let mut seen = Vec::new();
            for cookies in ["", elder, a11y, both] {
                let (_, x, body) = get(&st, uri, cookies).await;
                assert_eq!(x, "MISS", "{be} {uri} [{cookies}]: its own entry");
                let class = match cookies {
                    "" => "<body class=\"\">",
                    "yg_elder=1" => "<body class=\"elder\">",
                    "yg_a11y=1" => "<body class=\"a11y\">",
                    _ => "<body class=\"elder a11y\">",
                };
                assert!(body.contains(class), "{be} {uri} [{cookies}]");
                seen.push(body);
            }
            for (cookies, body) in ["", elder, a11y, both].into_iter().zip(&seen) {
                let (_, x, again) = get(&st, uri, cookies).await;
                assert_eq!(x, "HIT", "{be} {uri} [{cookies}]");
                assert_eq!(&again, body, "{be} {uri} [{cookies}]");
            }
        }
        // 字号: l, s and m (the default, also for an unknown value).
        for (q, class) in [("?fs=l", "fs-l"), ("?fs=s", "fs-s"), ("?fs=m", "fs-m")] {
            let (_, x, body) = get(&st, &format!("{item}{q}"), "").await;
            let expect = if q == "?fs=m" { "HIT" } else { "MISS" };
            assert_eq!(x, expect, "{be} {q}");
            assert!(body.contains(&format!("xxgk-item {class}")), "{be} {q}");
        }
        let (_, x, body) = get(&st, &format!("{item}?fs=huge"), "").await;
        assert_eq!(x, "HIT", "{be}: an unknown size is the default page");
        assert!(body.contains("xxgk-item fs-m"));
    }
}

#[tokio::test]
async fn new_site_settings_empty_the_cache() {
    for (be, st) in states("cache_site").await {
        get(&st, "/xxgk/", "").await;
        assert_eq!(get(&st, "/xxgk/", "").await.1, "HIT", "{be}");
        yangguang_kernel::db::query(
            st.kernel.db.backend(),
            "INSERT INTO settings (key, value, updated_at) VALUES ('site.icp', '苏ICP备00000001号', '2026-11-26T00:00:00Z')",
        )
        .execute(st.kernel.db.pool())
        .await
        .expect("setting");
        st.reload_site().await;
        let (_, x, body) = get(&st, "/xxgk/", "").await;
        assert_eq!(x, "MISS", "{be}");
        assert!(body.contains("苏ICP备00000001号"), "{be}");
    }
}

#[tokio::test]
async fn a_render_begun_before_an_invalidation_is_not_stored() {
    for (be, st) in states("cache_epoch").await {
        let c = cache(&st);
        let frame = Frame {
            layout: Layout {
                site: st.site.read().await.clone(),
                ..Layout::default()
            },
            viewer: Default::default(),
        };
        let Lookup::Miss(ticket) = c.lookup(&frame, Key::item(1, &frame, "m")).await else {
            panic!("{be}: expected a miss");
        };
        c.clear();
        c.store(ticket, &frame.layout.site, "<p>old</p>".into(), &[]);
        assert_eq!(c.stats().stores, 0, "{be}");
        let Lookup::Miss(ticket) = c.lookup(&frame, Key::item(1, &frame, "m")).await else {
            panic!("{be}: expected a miss");
        };
        c.store(ticket, &frame.layout.site, "<p>new</p>".into(), &[]);
        assert!(matches!(
            c.lookup(&frame, Key::item(1, &frame, "m")).await,
            Lookup::Hit(_)
        ));
    }
}

/// Every filter combination the catalog offers over `items`.
fn filters() -> Vec<CatalogFilter> {
    let mut out = Vec::new();
    let cats = [
        None,
        Some("zcwj"),
        Some("zcwj_bmwj"),
        Some("aqsc"),
        Some("nope"),
    ];
    let years = [None, Some(2025), Some(2026), Some(1999)];
    let genres = [None, Some("通知"), Some("意见")];
    let publishers = [
        None,
        Some("苏州市安全生产监督管理局"),
        Some("苏州市应急管理局"),
    ];
    let validities = [None, Some("valid"), Some("repealed")];
    for c in cats {
        for y in years {
            for g in genres {
                for p in publishers {
                    for v in validities {
                        for (oldest_first, page, per_page) in
                            [(false, 1, 20), (true, 1, 2), (false, 2, 2)]
                        {
                            out.push(CatalogFilter {
                                category: c.map(str::to_string),
                                year: y,
                                genre: g.map(str::to_string),
                                publisher: p.map(str::to_string),
                                validity: v.map(str::to_string),
                                oldest_first,
                                page,
                                per_page,
                            });
                        }
                    }
                }
            }
        }
    }
    out
}

/// The rows as a page prints them.
fn printed(rows: &[Row<'_>]) -> Vec<String> {
    rows.iter()
        .map(|r| {
            format!(
                "{} | {} | {} | {} | {} | {}",
                r.id, r.index_no, r.title, r.summary, r.doc_no, r.published_on
            )
        })
        .collect()
}

#[tokio::test]
async fn the_catalog_in_memory_answers_every_filter_as_the_database_does_after_each_change() {
    for (be, st) in states("cache_listing").await {
        let k = &st.kernel;
        let c = cache(&st);
        let mut ids = Vec::new();
        let specs = [
            (
                "zcwj",
                "通知",
                "苏州市安全生产监督管理局",
                date!(2025 - 03 - 02),
            ),
            (
                "zcwj_bmwj",
                "意见",
                "苏州市应急管理局",
                date!(2026 - 01 - 10),
            ),
            (
                "zcwj_bmwj",
                "通知",
                "苏州市应急管理局",
                date!(2026 - 01 - 10),
            ),
            (
                "aqsc",
                "意见",
                "苏州市安全生产监督管理局",
                date!(2026 - 05 - 20),
            ),
            (
                "aqsc_jdjc",
                "通知",
                "苏州市安全生产监督管理局",
                date!(2025 - 12 - 31),
            ),
        ];
        let compare = |when: &'static str| {
            let st = st.clone();
            async move {
                let k = &st.kernel;
                let c = cache(&st);
                c.catch_up().await.expect("catch up");
                let live = c.listing().await.expect("the follower is fresh");
                let loaded = Listing::load(k).await.expect("load");
                for f in filters() {
                    let sql = public::catalog(k, &f).await.expect("sql");
                    assert_eq!(
                        live.catalog(&f),
                        sql,
                        "{be} {when}: followed listing, {f:?}"
                    );
                    assert_eq!(
                        loaded.catalog(&f),
                        sql,
                        "{be} {when}: loaded listing, {f:?}"
                    );
                    // What pages print: the same rows, escaped the same way.
                    let from_db = Source::Database(k);
                    let db = from_db.page(&f).await.expect("sql page");
                    let mem = live.page(&f);
                    assert_eq!(mem.total, db.total, "{be} {when}: page total, {f:?}");
                    assert_eq!(
                        printed(&mem.rows()),
                        printed(&db.rows()),
                        "{be} {when}: printed rows, {f:?}"
                    );
                }
                let (m, d) = (
                    live.menus(),
                    Source::Database(k).menus().await.expect("sql menus"),
                );
                let choices = |c: &[Choice]| -> Vec<(String, String)> {
                    c.iter()
                        .map(|c| (c.value.clone(), c.label.clone()))
                        .collect()
                };
                assert_eq!(
                    (choices(&m.year_choices), choices(&m.genre_choices)),
                    (choices(&d.year_choices), choices(&d.genre_choices)),
                    "{be} {when}: menus"
                );
                assert_eq!(
                    choices(&m.publisher_choices),
                    choices(&d.publisher_choices),
                    "{be} {when}: menus"
                );
                assert_eq!(
                    live.facets(),
                    public::facets(k).await.expect("facets"),
                    "{be} {when}"
                );
            }
        };
        compare("empty").await;
        for (i, (cat, genre, publisher, on)) in specs.into_iter().enumerate() {
            // One title with what HTML escapes: pages print it escaped.
            let title = if i == 1 {
                format!("第{i}号安全生产文件<b>\"A&B\" 'x'</b>")
            } else {
                format!("第{i}号安全生产文件")
            };
            let mut d = draft(&title, "<p>正文。</p>");
            d.category_code = cat.into();
            d.genre = genre.into();
            d.publisher = publisher.into();
            ids.push(published(k, &d, on).await);
        }
        compare("published").await;
        store::set_validity(
            k,
            &actor(),
            timefmt::now(),
            ids[1],
            Validity::Repealed,
            "已废止",
        )
        .await
        .expect("validity");
        let mut d = draft("第0号安全生产文件（修订）", "<p>第二版。</p>");
        d.category_code = "aqsc".into();
        republish(k, ids[0], &d).await;
        step(
            k,
            ids[2],
            Action::Withdraw {
                reason: "内容有误".into(),
            },
            None,
        )
        .await;
        compare("changed").await;
        assert_eq!(c.listing().await.expect("fresh").len(), 4, "{be}");
    }
}

#[tokio::test]
async fn a_category_renamed_or_added_shows_on_cached_pages_at_once() {
    for (be, st) in states("cache_tree").await {
        let k = &st.kernel;
        published(
            k,
            &draft("关于汛期安全检查的通知", "<p>正文。</p>"),
            date!(2026 - 03 - 02),
        )
        .await;
        for uri in ["/xxgk/ml", "/xxgk/ml?category=zcwj", "/xxgk/"] {
            get(&st, uri, "").await;
            assert_eq!(get(&st, uri, "").await.1, "HIT", "{be} {uri}");
        }
        settings::update_category(k, &actor(), timefmt::now(), "zcwj", "政策文件库", "")
            .await
            .expect("rename");
        for uri in ["/xxgk/ml", "/xxgk/ml?category=zcwj", "/xxgk/"] {
            let (_, x, body) = get(&st, uri, "").await;
            assert_eq!(x, "MISS", "{be} {uri}");
            assert!(
                body.contains("政策文件库"),
                "{be} {uri}: the new name shows"
            );
        }
        // The home page lists the latest items under the category's name.
        assert!(
            get(&st, "/", "").await.2.contains("政策文件库"),
            "{be} home"
        );
        let (_, _, body) = get(&st, "/xxgk/ml?category=zcwj", "").await;
        assert!(body.contains("关于汛期安全检查的通知"), "{be}");
    }
}
