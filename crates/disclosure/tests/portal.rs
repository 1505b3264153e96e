//! The public portal of 主动公开 through HTTP, as an anonymous visitor sees
//! it: the column, the catalog, item pages and their print view, feeds and
//! the sitemap — on SQLite and (when configured) PostgreSQL.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use time::Date;
use time::macros::{date, datetime};
use tower::ServiceExt;
use yangguang_disclosure::draft::Draft;
use yangguang_disclosure::model::{Action, Attribute, SECRECY_CHECKS, Validity};
use yangguang_disclosure::{store, text};
use yangguang_kernel::Kernel;
use yangguang_kernel::audit::Actor;
use yangguang_kernel::testing::kernels;
use yangguang_kernel::timefmt;
use yangguang_web::AppState;
use yangguang_web::testing::{Browser, state_for};

const SCRIPT: &str = "<script>alert(1)</script>";
const IMG: &str = "\"><img src=x onerror=alert(1)>";

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

fn clear() -> Action {
    Action::Clear {
        confirmed: SECRECY_CHECKS.iter().map(|(c, _)| c.to_string()).collect(),
    }
}

/// Creates `d` and takes it through the pipeline up to `stage` steps
/// (0 draft, 1 submitted, 2 reviewed, 3 cleared).
async fn staged(k: &Kernel, d: &Draft, stage: usize) -> i64 {
    let id = store::create(k, &actor(), timefmt::now(), None, d)
        .await
        .expect("create");
    let steps = [Action::Submit, Action::Approve, clear()];
    for a in steps.into_iter().take(stage) {
        step(k, id, a, None).await;
    }
    id
}

/// Creates `d` and publishes it with publication date `on`.
async fn published(k: &Kernel, d: &Draft, on: Date) -> i64 {
    let id = staged(k, d, 3).await;
    step(k, id, Action::Publish { change_note: None }, Some(on)).await;
    id
}

/// A request with a Host header, read with its content type.
async fn raw(st: &AppState, uri: &str, host: &str) -> (StatusCode, String, String) {
    let resp = yangguang_web::app(st.clone())
        .oneshot(
            Request::get(uri)
                .header(header::HOST, host)
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("response");
    let status = resp.status();
    let ct = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let body = resp.into_body().collect().await.expect("body").to_bytes();
    (status, ct, String::from_utf8_lossy(&body).to_string())
}

fn pos(hay: &str, needle: &str) -> usize {
    hay.find(needle)
        .unwrap_or_else(|| panic!("page lacks {needle:?}:\n{hay}"))
}

/// A small XML well-formedness check: balanced tags, quoted attributes,
/// only the five predefined entities and character references, one root.
/// Returns the root element's name.
fn well_formed(x: &str) -> Result<String, String> {
    fn entities_ok(s: &str) -> bool {
        let mut rest = s;
        while let Some(i) = rest.find('&') {
            let tail = &rest[i + 1..];
            let Some(end) = tail.find(';') else {
                return false;
            };
            let name = &tail[..end];
            let ok = matches!(name, "amp" | "lt" | "gt" | "quot" | "apos")
                || name
                    .strip_prefix('#')
                    .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
            if !ok {
                return false;
            }
            rest = &tail[end + 1..];
        }
        true
    }
    let mut s = x.trim_start();
    if let Some(rest) = s.strip_prefix("<?xml") {
        s = &rest[rest.find("?>").ok_or("unterminated prolog")? + 2..];
    }
    let mut stack: Vec<String> = Vec::new();
    let mut root: Option<String> = None;
    while let Some(i) = s.find('<') {
        let text = &s[..i];
        if !entities_ok(text) {
            return Err(format!("bad entity in text {text:?}"));
        }
        if stack.is_empty() && !text.trim().is_empty() {
            return Err(format!("text outside the root: {text:?}"));
        }
        s = &s[i + 1..];
        // The tag, up to the first '>' outside quotes.
        let mut quote: Option<char> = None;
        let mut end = None;
        for (j, c) in s.char_indices() {
            match (quote, c) {
                (None, '"' | '\'') => quote = Some(c),
                (Some(q), c) if c == q => quote = None,
                (Some(_), '<') => return Err("'<' in an attribute".into()),
                (None, '>') => {
                    end = Some(j);
                    break;
                }
                _ => {}
            }
        }
        let end = end.ok_or("unterminated tag")?;
        let tag = &s[..end];
        s = &s[end + 1..];
        if !entities_ok(tag) {
            return Err(format!("bad entity in tag {tag:?}"));
        }
        if let Some(name) = tag.strip_prefix('/') {
            let open = stack.pop().ok_or(format!("stray </{name}>"))?;
            if open != name.trim() {
                return Err(format!("<{open}> closed by </{name}>"));
            }
            continue;
        }
        let name = tag
            .trim_end_matches('/')
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_string();
        if name.is_empty() {
            return Err("empty tag".into());
        }
        if stack.is_empty() {
            if root.is_some() {
                return Err("two root elements".into());
            }
            root = Some(name.clone());
        }
        if !tag.ends_with('/') {
            stack.push(name);
        }
    }
    if !stack.is_empty() {
        return Err(format!("unclosed {stack:?}"));
    }
    if !s.trim().is_empty() {
        return Err("text after the root".into());
    }
    root.ok_or_else(|| "no root".into())
}

#[test]
fn the_xml_check_itself_catches_broken_documents() {
    assert_eq!(
        well_formed("<?xml version=\"1.0\"?>\n<a x=\"1&amp;2\"><b/>t &lt; u</a>").as_deref(),
        Ok("a")
    );
    assert!(well_formed("<a><b></a></b>").is_err());
    assert!(well_formed("<a>x & y</a>").is_err());
    assert!(well_formed("<a x=\"<\"></a>").is_err());
    assert!(well_formed("<a></a><b></b>").is_err());
}

/// Every public page a visitor can reach without knowing an item id.
const PUBLIC_LISTS: &[&str] = &[
    "/",
    "/xxgk/",
    "/xxgk/ml",
    "/xxgk/ml?category=zcwj",
    "/xxgk/ml?category=zcwj_gfxwj",
    "/xxgk/ml?sort=old",
    "/xxgk/feed.atom",
    "/xxgk/feed/zcwj.atom",
    "/xxgk/feed/zcwj_gfxwj.atom",
    "/sitemap.xml",
];

#[tokio::test]
async fn item_page_shows_the_metadata_table_first_then_the_text_and_version_notes_after_a_change() {
    for (be, st) in states("portal_item").await {
        let k = &st.kernel;
        let mut d = draft(
            "关于开展安全生产大检查的通知",
            "<p>第一版正文：各单位于三月底前完成自查。</p>",
        );
        d.category_code = "zcwj_gfxwj".into();
        d.doc_no = "苏安监〔2026〕7号".into();
        d.written_on = date!(2026 - 02 - 27);
        let id = published(k, &d, date!(2026 - 03 - 02)).await;
        let url = format!("/xxgk/item/{id}");
        let mut b = Browser::new(&st);

        let p = b.get(&url).await;
        assert_eq!(p.status, StatusCode::OK, "{be}: {}", p.body);
        let h = &p.body;
        // DESIGN.md "Look and feel": 索引号 | 主题分类 / 发布机构 | 成文日期 /
        // 名称 / 文号 | 发布日期 / 有效性, then the title and the text.
        let order = [
            "<th scope=\"row\">索引号</th><td>AJJ/2026-",
            "<th scope=\"row\">主题分类</th><td>规范性文件</td>",
            "<th scope=\"row\">发布机构</th><td>苏州市安全生产监督管理局</td>",
            "<th scope=\"row\">成文日期</th><td>2026-02-27</td>",
            "<th scope=\"row\">名称</th><td colspan=\"3\">关于开展安全生产大检查的通知</td>",
            "<th scope=\"row\">文号</th><td>苏安监〔2026〕7号</td>",
            "<th scope=\"row\">发布日期</th><td>2026-03-02</td>",
            "<th scope=\"row\">有效性</th><td colspan=\"3\">有效</td>",
            "<h1>关于开展安全生产大检查的通知</h1>",
            "第一版正文：各单位于三月底前完成自查。",
            "<h2 id=\"h-ver\">版本记录</h2>",
        ];
        let at: Vec<usize> = order.iter().map(|n| pos(h, n)).collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{be}: order {at:?}");
        assert!(
            h.contains("<title>关于开展安全生产大检查的通知 - 苏州市安全生产监督管理局</title>")
        );
        assert!(h.contains(&format!("<a href=\"{url}/print\">打印本页</a>")));
        assert!(h.contains("首次发布"));
        for fs in ["l", "m", "s"] {
            assert!(
                h.contains(&format!("href=\"{url}?fs={fs}\"")),
                "{be}: 字号 {fs}"
            );
        }
        assert!(h.contains("xxgk-item fs-m"));
        assert!(
            b.get(&format!("{url}?fs=l"))
                .await
                .body
                .contains("xxgk-item fs-l")
        );
        assert!(
            b.get(&format!("{url}?fs=s"))
                .await
                .body
                .contains("xxgk-item fs-s")
        );
        assert!(
            b.get(&format!("{url}?fs=huge"))
                .await
                .body
                .contains("xxgk-item fs-m")
        );

        // A change is drafted: the public still sees version 1 only.
        step(k, id, Action::Revise, None).await;
        let mut d2 = d.clone();
        d2.title = "关于开展安全生产大检查的通知（修订）".into();
        d2.body_html = text::sanitize("<p>第二版正文：各单位于四月底前完成自查。</p>");
        store::update(k, &actor(), timefmt::now(), id, &d2)
            .await
            .expect("update");
        for stage in [
            None,
            Some(Action::Submit),
            Some(Action::Approve),
            Some(clear()),
        ] {
            if let Some(a) = stage {
                step(k, id, a, None).await;
            }
            let h = b.get(&url).await.body;
            assert!(
                h.contains("第一版正文") && !h.contains("第二版正文"),
                "{be}: draft leaked"
            );
            assert!(!h.contains("（修订）"), "{be}: draft title leaked");
        }
        step(
            k,
            id,
            Action::Publish {
                change_note: Some("自查期限延长至四月底".into()),
            },
            Some(date!(2026 - 06 - 15)),
        )
        .await;

        let h = b.get(&url).await.body;
        assert!(h.contains("第二版正文：各单位于四月底前完成自查。"), "{be}");
        assert!(!h.contains("第一版正文"), "{be}: old text still shown");
        assert!(h.contains("<h1>关于开展安全生产大检查的通知（修订）</h1>"));
        assert!(h.contains("<th scope=\"row\">发布日期</th><td>2026-06-15</td>"));
        let versions = &h[pos(&h, "版本记录")..];
        let v1 = pos(
            versions,
            "<td>第 1 版</td><td>2026-03-02</td><td>首次发布</td>",
        );
        let v2 = pos(
            versions,
            "<td>第 2 版</td><td>2026-06-15</td><td>自查期限延长至四月底</td>",
        );
        assert!(v1 < v2);

        // The print view: A4, no navigation, the table and the text.
        let p = b.get(&format!("{url}/print")).await;
        assert_eq!(p.status, StatusCode::OK);
        assert!(p.body.contains("size: A4"));
        assert!(!p.body.contains("class=\"mainnav\"") && !p.body.contains("class=\"side"));
        assert!(pos(&p.body, "<th scope=\"row\">索引号</th>") < pos(&p.body, "第二版正文"));
    }
}

#[tokio::test]
async fn expired_or_repealed_item_shows_the_date_and_reason_above_the_text() {
    for (be, st) in states("portal_validity").await {
        let k = &st.kernel;
        let id = published(
            k,
            &draft("旧的检查办法", "<p>旧办法的正文。</p>"),
            date!(2026 - 01 - 10),
        )
        .await;
        store::set_validity(
            k,
            &actor(),
            datetime!(2026-05-20 02:00 UTC),
            id,
            Validity::Repealed,
            "已被新办法替代",
        )
        .await
        .expect("validity");
        let h = Browser::new(&st)
            .get(&format!("/xxgk/item/{id}"))
            .await
            .body;
        let notice = pos(&h, "本文件已于 2026-05-20 废止。");
        assert!(notice < pos(&h, "废止原因：已被新办法替代"));
        assert!(
            notice < pos(&h, "旧办法的正文。"),
            "{be}: notice above the text"
        );
        assert!(h.contains("<th scope=\"row\">有效性</th><td colspan=\"3\">废止</td>"));
    }
}

#[tokio::test]
async fn withdrawn_item_keeps_its_page_with_notice_and_reason_but_its_text_is_nowhere() {
    for (be, st) in states("portal_withdrawn").await {
        let k = &st.kernel;
        let secret = "撤销前正文中的独特句子甲乙丙丁。";
        let mut d = draft("将被撤销的通知", &format!("<p>{secret}</p>"));
        // The summary defaults to the opening of the text: it must go too.
        d.summary = secret.into();
        let id = published(k, &d, date!(2026 - 04 - 01)).await;
        let url = format!("/xxgk/item/{id}");
        let mut b = Browser::new(&st);
        assert!(
            b.get(&url).await.body.contains(secret),
            "{be}: published first"
        );

        // A minute after publishing (the publish step stamps the real
        // time): the notice and the sitemap date follow from this instant,
        // whatever the time of day the test runs at.
        let at = timefmt::now() + time::Duration::minutes(1);
        store::act(
            k,
            &actor(),
            at,
            id,
            &Action::Withdraw {
                reason: "文件内容有误，予以撤销".into(),
            },
            None,
        )
        .await
        .expect("withdraw");

        let p = b.get(&url).await;
        assert_eq!(p.status, StatusCode::OK, "{be}: the page stays");
        // Shown in Beijing time (UTC+8).
        let shown = (at.to_offset(time::macros::offset!(+8)))
            .format(time::macros::format_description!(
                "[year]-[month]-[day] [hour]:[minute]"
            ))
            .expect("format");
        assert!(
            p.body.contains(&format!(
                "本信息已于 {shown} 撤销。</strong>撤销原因：文件内容有误，予以撤销"
            )),
            "{be}: {}",
            p.body
        );
        assert!(
            p.body
                .contains("<th scope=\"row\">名称</th><td colspan=\"3\">将被撤销的通知</td>")
        );
        assert!(p.body.contains("<td colspan=\"3\">已撤销</td>"));
        assert!(!p.body.contains(secret), "{be}: withdrawn text on its page");
        assert!(!p.body.contains("item-body"), "{be}: no body block");
        let print = b.get(&format!("{url}/print")).await;
        assert_eq!(print.status, StatusCode::OK);
        assert!(print.body.contains("撤销原因：文件内容有误，予以撤销"));
        assert!(!print.body.contains(secret));

        for list in PUBLIC_LISTS {
            let p = b.get(list).await;
            assert!(!p.body.contains(secret), "{be}: withdrawn text on {list}");
            if list.contains("feed") || list.starts_with("/xxgk/ml") || *list == "/xxgk/" {
                assert!(
                    !p.body.contains("将被撤销的通知"),
                    "{be}: withdrawn item still listed on {list}"
                );
            }
        }
        // Decided: the sitemap keeps the withdrawn page (it stays, with the
        // notice) so that search engines replace their copy of the old text.
        let sm = b.get("/sitemap.xml").await.body;
        let day = &shown[..10];
        assert!(
            sm.contains(&format!("/xxgk/item/{id}</loc><lastmod>{day}</lastmod>")),
            "{be}: {sm}"
        );
    }
}

#[tokio::test]
async fn unpublished_items_are_the_same_404_as_an_unknown_id_and_appear_on_no_public_page() {
    for (be, st) in states("portal_unpublished").await {
        let k = &st.kernel;
        published(
            k,
            &draft("已发布的公开信息", "<p>公开正文。</p>"),
            date!(2026 - 03 - 01),
        )
        .await;
        let mut hidden = Vec::new();
        for (stage, name) in ["采编", "报送", "审核", "保密审查"].iter().enumerate() {
            let title = format!("未发布标题{name}");
            let body = format!("<p>未发布正文{name}。</p>");
            let mut d = draft(&title, &body);
            d.category_code = "zcwj_gfxwj".into();
            let id = staged(k, &d, stage).await;
            hidden.push((id, title, format!("未发布正文{name}")));
        }
        // 不予公开, reviewed and cleared as far as the pipeline lets it go.
        let mut d = draft("不予公开标题", "<p>不予公开正文。</p>");
        d.attribute = Attribute::NotDisclosed;
        d.ground = Some("art16_process".into());
        let id = staged(k, &d, 3).await;
        assert!(
            store::act(
                k,
                &actor(),
                timefmt::now(),
                id,
                &Action::Publish { change_note: None },
                None
            )
            .await
            .is_err(),
            "{be}: 不予公开 is never published"
        );
        hidden.push((id, "不予公开标题".into(), "不予公开正文".into()));

        let mut b = Browser::new(&st);
        let normal = |body: &str, path: &str| body.replace(path, "/xxgk/item/X");
        let unknown = b.get("/xxgk/item/999999").await;
        assert_eq!(unknown.status, StatusCode::NOT_FOUND);
        assert!(unknown.body.contains("您要查看的信息不存在或已移动"));
        let reference = normal(&unknown.body, "/xxgk/item/999999");
        for bad in ["abc", "0", "-1", "007", "1e3"] {
            let path = format!("/xxgk/item/{bad}");
            let p = b.get(&path).await;
            assert_eq!(p.status, StatusCode::NOT_FOUND, "{be}: {path}");
            assert_eq!(normal(&p.body, &path), reference, "{be}: {path}");
        }
        for (id, title, body) in &hidden {
            for suffix in ["", "/print"] {
                let path = format!("/xxgk/item/{id}{suffix}");
                let p = b.get(&path).await;
                assert_eq!(p.status, StatusCode::NOT_FOUND, "{be}: {path}");
                if suffix.is_empty() {
                    assert_eq!(
                        normal(&p.body, &path),
                        reference,
                        "{be}: an unpublished item's 404 must not differ"
                    );
                }
                assert!(!p.body.contains(title.as_str()) && !p.body.contains(body.as_str()));
            }
        }
        for list in PUBLIC_LISTS {
            let p = b.get(list).await;
            assert_eq!(p.status, StatusCode::OK, "{be}: {list}");
            for (id, title, body) in &hidden {
                assert!(
                    !p.body.contains(title.as_str()) && !p.body.contains(body.as_str()),
                    "{be}: {title} on {list}"
                );
                assert!(
                    !p.body.contains(&format!("/xxgk/item/{id}<")),
                    "{be}: item {id} linked from {list}"
                );
            }
        }
        assert!(b.get("/xxgk/ml").await.body.contains("已发布的公开信息"));
    }
}

/// Titles in a catalog page's result table, in order.
fn listed(html: &str) -> Vec<String> {
    let Some(start) = html.find("<table class=\"catalog\">") else {
        return Vec::new();
    };
    let table = &html[start
        ..html[start..]
            .find("</table>")
            .map_or(html.len(), |e| start + e)];
    table
        .split("<a href=\"/xxgk/item/")
        .skip(1)
        .filter_map(|s| s.split_once("\">").map(|(_, rest)| rest))
        .filter_map(|s| s.split_once("</a>").map(|(t, _)| t.to_string()))
        .collect()
}

#[tokio::test]
async fn catalog_filters_by_category_with_children_year_genre_publisher_and_validity() {
    for (be, st) in states("portal_filters").await {
        let k = &st.kernel;
        let mk = |title: &str, cat: &str, genre: &str, publisher: &str| {
            let mut d = draft(title, "<p>正文。</p>");
            d.category_code = cat.into();
            d.genre = genre.into();
            d.publisher = publisher.into();
            d
        };
        let ajj = "苏州市安全生产监督管理局";
        let yjj = "苏州市应急管理局";
        published(
            k,
            &mk("甲政策文件", "zcwj", "通知", ajj),
            date!(2025 - 05 - 01),
        )
        .await;
        published(
            k,
            &mk("乙规范性文件", "zcwj_gfxwj", "意见", ajj),
            date!(2026 - 02 - 01),
        )
        .await;
        published(
            k,
            &mk("丙工作动态", "gzdt", "通知", yjj),
            date!(2026 - 03 - 01),
        )
        .await;
        let d = published(
            k,
            &mk("丁部门文件", "zcwj_bmwj", "公告", ajj),
            date!(2026 - 04 - 01),
        )
        .await;
        store::set_validity(
            k,
            &actor(),
            timefmt::now(),
            d,
            Validity::Repealed,
            "已被替代",
        )
        .await
        .expect("validity");

        let mut b = Browser::new(&st);
        let mut check = async |url: &str, want: &[&str]| {
            let p = b.get(url).await;
            assert_eq!(p.status, StatusCode::OK, "{be}: {url}: {}", p.body);
            assert_eq!(listed(&p.body), want, "{be}: {url}");
            assert!(
                p.body.contains(&format!("共 {} 条", want.len())),
                "{be}: {url}"
            );
            p.body
        };
        let all = check(
            "/xxgk/ml",
            &["丁部门文件", "丙工作动态", "乙规范性文件", "甲政策文件"],
        )
        .await;
        assert!(all.contains("<option value=\"2025\">2025年</option>"));
        assert!(all.contains(&format!("<option value=\"{yjj}\">{yjj}</option>")));
        let zcwj = check(
            "/xxgk/ml?category=zcwj",
            &["丁部门文件", "乙规范性文件", "甲政策文件"],
        )
        .await;
        assert!(zcwj.contains("<h1>政策文件</h1>"));
        assert!(zcwj.contains("<input type=\"hidden\" name=\"category\" value=\"zcwj\">"));
        assert!(zcwj.contains("href=\"/xxgk/ml?category=zcwj\" aria-current=\"page\""));
        check("/xxgk/ml?category=zcwj_gfxwj", &["乙规范性文件"]).await;
        check("/xxgk/ml?year=2025", &["甲政策文件"]).await;
        check("/xxgk/ml?year=2024", &[]).await;
        check(
            "/xxgk/ml?genre=%E9%80%9A%E7%9F%A5",
            &["丙工作动态", "甲政策文件"],
        )
        .await;
        let by_pub = check(
            "/xxgk/ml?publisher=%E8%8B%8F%E5%B7%9E%E5%B8%82%E5%BA%94%E6%80%A5%E7%AE%A1%E7%90%86%E5%B1%80",
            &["丙工作动态"],
        )
        .await;
        assert!(by_pub.contains(&format!("<option value=\"{yjj}\" selected>{yjj}</option>")));
        check("/xxgk/ml?validity=repealed", &["丁部门文件"]).await;
        check("/xxgk/ml?validity=%E5%BA%9F%E6%AD%A2", &["丁部门文件"]).await;
        check(
            "/xxgk/ml?validity=valid",
            &["丙工作动态", "乙规范性文件", "甲政策文件"],
        )
        .await;
        check(
            "/xxgk/ml?category=zcwj&genre=%E9%80%9A%E7%9F%A5&year=2025",
            &["甲政策文件"],
        )
        .await;
        check(
            "/xxgk/ml?sort=old",
            &["甲政策文件", "乙规范性文件", "丙工作动态", "丁部门文件"],
        )
        .await;
        // The column lists the latest titles with their dates.
        let col = b.get("/xxgk/").await.body;
        assert!(pos(&col, "丁部门文件") < pos(&col, "甲政策文件"));
        assert!(col.contains("<span class=\"date\">2026-04-01</span>"));
        assert!(col.contains("href=\"/xxgk/ml?category=zcwj_gfxwj\">公开制度</a>"));
    }
}

#[tokio::test]
async fn catalog_pages_by_twenty_with_links_that_keep_the_filters_in_both_orders() {
    for (be, st) in states("portal_paging").await {
        let k = &st.kernel;
        for n in 1..=45 {
            let mut d = draft(&format!("工作动态第{n:02}号"), "<p>动态。</p>");
            d.category_code = "gzdt".into();
            let on = date!(2026 - 01 - 01) + time::Duration::days(n);
            published(k, &d, on).await;
        }
        // Something outside the filter that must never slip in.
        published(
            k,
            &draft("其他分类的信息", "<p>x</p>"),
            date!(2026 - 12 - 01),
        )
        .await;

        let mut b = Browser::new(&st);
        let base = "/xxgk/ml?category=gzdt&genre=%E9%80%9A%E7%9F%A5";
        let p1 = b.get(base).await;
        let rows = listed(&p1.body);
        assert_eq!(rows.len(), 20, "{be}");
        assert_eq!(rows.first().map(String::as_str), Some("工作动态第45号"));
        assert_eq!(rows.last().map(String::as_str), Some("工作动态第26号"));
        assert!(p1.body.contains("共 45 条"));
        assert!(p1.body.contains("第 1 / 3 页"));
        let next = "/xxgk/ml?category=gzdt&#38;genre=%E9%80%9A%E7%9F%A5&#38;page=2";
        assert!(
            p1.body
                .contains(&format!("<a href=\"{next}\" rel=\"next\">下一页</a>")),
            "{be}"
        );

        let p3 = b.get(&format!("{base}&page=3")).await;
        assert_eq!(
            listed(&p3.body),
            (1..=5)
                .rev()
                .map(|n| format!("工作动态第{n:02}号"))
                .collect::<Vec<_>>()
        );
        assert!(p3.body.contains("<span class=\"disabled\">下一页</span>"));

        let old = b.get(&format!("{base}&sort=old")).await;
        let rows = listed(&old.body);
        assert_eq!(rows.first().map(String::as_str), Some("工作动态第01号"));
        assert_eq!(rows.last().map(String::as_str), Some("工作动态第20号"));
        assert!(
            old.body
                .contains("genre=%E9%80%9A%E7%9F%A5&#38;sort=old&#38;page=2")
        );
        assert!(
            old.body
                .contains("<input type=\"hidden\" name=\"sort\" value=\"old\">")
        );

        let beyond = b.get(&format!("{base}&page=9")).await;
        assert_eq!(beyond.status, StatusCode::OK);
        assert!(beyond.body.contains("本页没有信息"));
        assert!(listed(&beyond.body).is_empty());

        // The column's own list is paged too.
        let col2 = b.get("/xxgk/?page=2").await;
        assert_eq!(col2.status, StatusCode::OK);
        assert!(col2.body.contains("工作动态第25号") && !col2.body.contains("工作动态第45号"));
    }
}

#[tokio::test]
async fn bad_catalog_filters_are_a_400_with_a_chinese_message_on_the_page() {
    for (be, st) in states("portal_bad").await {
        let mut b = Browser::new(&st);
        let long = "长".repeat(101);
        let cases: Vec<(String, &str)> = vec![
            (
                "/xxgk/ml?year=abc".into(),
                "年份“abc”无效：应为四位数字年份",
            ),
            ("/xxgk/ml?year=20261".into(), "年份“20261”无效"),
            (
                "/xxgk/ml?page=-1".into(),
                "页码“-1”无效：应为不小于 1 的整数",
            ),
            ("/xxgk/ml?page=0".into(), "页码“0”无效"),
            ("/xxgk/ml?page=1.5".into(), "页码“1.5”无效"),
            ("/xxgk/ml?page=99999999999999999999".into(), "无效"),
            (
                "/xxgk/ml?validity=maybe".into(),
                "有效性“maybe”无效：应为有效、失效或废止",
            ),
            ("/xxgk/ml?sort=random".into(), "排序方式“random”无效"),
            ("/xxgk/ml?category=nope".into(), "主题分类“nope”不存在"),
            (format!("/xxgk/ml?genre={long}"), "体裁“"),
            (
                "/xxgk/ml?year=%3Cscript%3E".into(),
                "年份“&#60;script&#62;”无效",
            ),
            ("/xxgk/?page=-1".into(), "页码“-1”无效"),
            ("/xxgk/?page=abc".into(), "页码“abc”无效"),
        ];
        for (url, message) in cases {
            let p = b.get(&url).await;
            assert_eq!(p.status, StatusCode::BAD_REQUEST, "{be}: {url}");
            assert!(p.body.contains(message), "{be}: {url}:\n{}", p.body);
            assert!(!p.body.contains("<script>"), "{be}: {url}");
            assert!(
                p.body.contains("政府信息公开"),
                "{be}: inside the site frame"
            );
        }
        // Unknown parameters are ignored, empty ones mean "all".
        let p = b.get("/xxgk/ml?year=&genre=&foo=bar").await;
        assert_eq!(p.status, StatusCode::OK);
    }
}

#[tokio::test]
async fn xss_payloads_in_every_field_render_escaped_on_page_catalog_column_feed_and_sitemap() {
    for (be, st) in states("portal_xss").await {
        let k = &st.kernel;
        let payload = format!("标题{SCRIPT}{IMG}");
        let d = Draft {
            title: payload.clone(),
            summary: format!("概述{SCRIPT}{IMG}"),
            category_code: "zcwj".into(),
            genre: format!("通知{SCRIPT}"),
            publisher: format!("机构{IMG}"),
            written_on: date!(2026 - 01 - 05),
            doc_no: format!("文号{SCRIPT}{IMG}"),
            keywords: format!("关键词{SCRIPT}{IMG}"),
            validity: Validity::Valid,
            attribute: Attribute::Proactive,
            ground: None,
            body_html: text::sanitize(&format!("<p>正文{SCRIPT}<img src=x onerror=alert(1)></p>")),
            interprets_id: None,
        };
        let id = published(k, &d, date!(2026 - 02 - 01)).await;
        let mut interp = draft(&format!("解读{SCRIPT}"), "<p>解读正文</p>");
        interp.category_code = "zcjd".into();
        interp.interprets_id = Some(id);
        let jd = published(k, &interp, date!(2026 - 02 - 02)).await;

        let mut b = Browser::new(&st);
        let genre = "%E9%80%9A%E7%9F%A5%3Cscript%3Ealert(1)%3C%2Fscript%3E";
        let urls = [
            format!("/xxgk/item/{id}"),
            format!("/xxgk/item/{id}/print"),
            format!("/xxgk/item/{jd}"),
            "/xxgk/".to_string(),
            "/xxgk/ml".to_string(),
            format!("/xxgk/ml?genre={genre}"),
            "/xxgk/ml?category=zcwj".to_string(),
            "/xxgk/feed.atom".to_string(),
            "/xxgk/feed/zcwj.atom".to_string(),
            "/sitemap.xml".to_string(),
        ];
        for url in &urls {
            let p = b.get(url).await;
            assert_eq!(p.status, StatusCode::OK, "{be}: {url}");
            for raw in [SCRIPT, IMG, "<script", "<img", "onerror=alert(1)>"] {
                assert!(
                    !p.body.contains(raw),
                    "{be}: {raw:?} raw on {url}:\n{}",
                    p.body
                );
            }
        }
        let page = b.get(&format!("/xxgk/item/{id}")).await.body;
        assert!(
            page.contains("标题&#60;script&#62;alert(1)&#60;/script&#62;"),
            "{be}"
        );
        // The document lists its interpretation, and the interpretation
        // links back to the document, both by id.
        let jd_link = format!("<a href=\"/xxgk/item/{jd}\">解读&#60;script&#62;");
        assert!(
            page[pos(&page, "<h2 id=\"h-jd\">相关解读</h2>")..].contains(&jd_link),
            "{be}"
        );
        let jd_page = b.get(&format!("/xxgk/item/{jd}")).await.body;
        let doc_link = format!("<a href=\"/xxgk/item/{id}\">标题&#60;script&#62;");
        assert!(
            jd_page[pos(&jd_page, "<h2 id=\"h-doc\">所解读的文件</h2>")..].contains(&doc_link),
            "{be}"
        );
        let filtered = b.get(&format!("/xxgk/ml?genre={genre}")).await.body;
        assert_eq!(
            listed(&filtered).len(),
            1,
            "{be}: the payload genre filters"
        );
        let feed = b.get("/xxgk/feed.atom").await.body;
        assert!(feed.contains("标题&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img"));
        assert_eq!(well_formed(&feed).as_deref(), Ok("feed"), "{be}");
    }
}

#[tokio::test]
async fn feeds_and_sitemap_are_well_formed_with_one_entry_per_listed_item() {
    for (be, st) in states("portal_feeds").await {
        let k = &st.kernel;
        let mut ids = Vec::new();
        for (title, cat) in [
            ("政策文件一", "zcwj"),
            ("规范性文件二", "zcwj_gfxwj"),
            ("工作动态三", "gzdt"),
        ] {
            let mut d = draft(title, &format!("<p>{title}正文 & 附注</p>"));
            d.category_code = cat.into();
            ids.push(published(k, &d, date!(2026 - 05 - 01)).await);
        }
        let draft_id = staged(k, &draft("草稿四", "<p>草稿正文</p>"), 0).await;
        let host = "www.example.gov.cn";

        let (s, ct, feed) = raw(&st, "/xxgk/feed.atom", host).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(ct, "application/atom+xml; charset=utf-8");
        assert!(feed.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>"));
        assert!(feed.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\""));
        assert_eq!(well_formed(&feed).as_deref(), Ok("feed"), "{be}: {feed}");
        assert_eq!(feed.matches("<entry>").count(), 3, "{be}");
        for id in &ids {
            assert!(feed.contains(&format!(
                "<link rel=\"alternate\" type=\"text/html\" href=\"http://{host}/xxgk/item/{id}\"/>"
            )));
        }
        assert!(!feed.contains("草稿四"));
        assert!(feed.contains("<link rel=\"self\" type=\"application/atom+xml\" href=\"http://www.example.gov.cn/xxgk/feed.atom\"/>"));

        let (s, ct, cat) = raw(&st, "/xxgk/feed/zcwj.atom", host).await;
        assert_eq!(
            (s, ct.as_str()),
            (StatusCode::OK, "application/atom+xml; charset=utf-8")
        );
        assert_eq!(well_formed(&cat).as_deref(), Ok("feed"));
        assert_eq!(
            cat.matches("<entry>").count(),
            2,
            "{be}: a category and its children"
        );
        assert!(
            cat.contains("政策文件一")
                && cat.contains("规范性文件二")
                && !cat.contains("工作动态三")
        );
        for missing in [
            "/xxgk/feed/nope.atom",
            "/xxgk/feed/zcwj",
            "/xxgk/feed/zcwj.rss",
        ] {
            assert_eq!(
                raw(&st, missing, host).await.0,
                StatusCode::NOT_FOUND,
                "{missing}"
            );
        }

        let (s, ct, sm) = raw(&st, "/sitemap.xml", host).await;
        assert_eq!(
            (s, ct.as_str()),
            (StatusCode::OK, "application/xml; charset=utf-8")
        );
        assert_eq!(well_formed(&sm).as_deref(), Ok("urlset"), "{be}: {sm}");
        assert!(sm.contains("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"));
        for id in &ids {
            assert_eq!(
                sm.matches(&format!("<loc>http://{host}/xxgk/item/{id}</loc>"))
                    .count(),
                1,
                "{be}"
            );
        }
        assert!(!sm.contains(&format!("/xxgk/item/{draft_id}<")));
        assert_eq!(sm.matches("/xxgk/item/").count(), 3);
        for page in ["/", "/xxgk/", "/xxgk/ml", "/xxgk/ml?category=zcwj"] {
            assert!(
                sm.contains(&format!("<loc>http://{host}{page}</loc>")),
                "{be}: {page}"
            );
        }
        assert_eq!(
            raw(&st, "/sitemap.xml?p=2", host).await.0,
            StatusCode::NOT_FOUND
        );

        // A forged Host header is not echoed into the documents.
        let (_, _, forged) = raw(&st, "/sitemap.xml", "evil\"><x").await;
        assert!(forged.contains("<loc>http://localhost/</loc>") && !forged.contains("evil"));

        // The column and catalog pages announce their feeds.
        let mut b = Browser::new(&st);
        let alt = "<link rel=\"alternate\" type=\"application/atom+xml\"";
        assert!(b.get("/xxgk/").await.body.contains(&format!(
            "{alt} title=\"苏州市安全生产监督管理局 · 政府信息公开\" href=\"/xxgk/feed.atom\">"
        )));
        assert!(
            b.get("/xxgk/ml")
                .await
                .body
                .contains("href=\"/xxgk/feed.atom\">")
        );
        let zc = b.get("/xxgk/ml?category=zcwj").await.body;
        assert!(zc.contains(alt) && zc.contains("href=\"/xxgk/feed/zcwj.atom\">"));
        // /xxgk without the slash goes to the column.
        let p = b.get("/xxgk").await;
        assert_eq!(p.location.as_deref(), Some("/xxgk/"));
    }
}
