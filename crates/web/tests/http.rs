//! The web shell through HTTP: pages, the working-day calculator, the JSON
//! API and its OpenAPI document, errors, health.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;
use yangguang_kernel::testing::kernels;
use yangguang_web::{AppState, app};

async fn state(tag: &str, ready: bool) -> Vec<(&'static str, AppState)> {
    let mut out = Vec::new();
    for (be, k) in kernels(tag, &yangguang_web::migrations())
        .await
        .expect("kernels")
    {
        out.push((be, yangguang_web::state(k, ready).await));
    }
    out
}

async fn get(st: &AppState, uri: &str) -> (StatusCode, String, axum::http::HeaderMap) {
    let resp = app(st.clone())
        .oneshot(Request::get(uri).body(Body::empty()).expect("request"))
        .await
        .expect("response");
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = resp.into_body().collect().await.expect("body").to_bytes();
    (status, String::from_utf8_lossy(&body).to_string(), headers)
}

async fn get_json(st: &AppState, uri: &str) -> (StatusCode, serde_json::Value) {
    let (s, body, h) = get(st, uri).await;
    assert!(
        h.get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json")),
        "{uri} must answer JSON"
    );
    (s, serde_json::from_str(&body).expect("json"))
}

#[tokio::test]
async fn calculator_page_shows_due_date_and_every_skipped_day_with_reason() {
    for (be, st) in state("web_calc", true).await {
        let (s, html, _) = get(&st, "/gongju/gongzuori?from=2026-09-30&days=20").await;
        assert_eq!(s, StatusCode::OK, "{be}");
        assert!(
            html.contains("截止日期为 <strong>2026年11月3日（星期二）</strong>"),
            "{be}: {html}"
        );
        assert!(
            html.contains("<td>2026-10-01</td><td>星期四</td><td>国庆节假期</td>"),
            "{be}"
        );
        assert!(
            html.contains("<td>2026-10-11</td><td>星期日</td><td>休息日</td>"),
            "{be}"
        );
        assert!(
            !html.contains("<td>2026-10-10</td>"),
            "{be}: the make-up Saturday is a working day, not skipped"
        );
        assert!(html.contains("共 14 天"), "{be}");
        assert!(html.contains("<html lang=\"zh-CN\">"), "{be}");
        assert!(html.contains("跳到主要内容"), "{be}");
    }
}

#[tokio::test]
async fn calculator_page_refuses_bad_input_with_a_chinese_message_and_400() {
    for (be, st) in state("web_calc_bad", true).await {
        let (s, html, _) = get(&st, "/gongju/gongzuori?from=2026-02-30&days=20").await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{be}");
        assert!(html.contains("role=\"alert\""), "{be}");
        assert!(html.contains("日期“2026-02-30”无效"), "{be}");
        let (s, html, _) = get(&st, "/gongju/gongzuori?from=2026-09-30&days=0").await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{be}");
        assert!(html.contains("工作日数 0 超出范围"), "{be}");
        let (s, html, _) = get(&st, "/gongju/gongzuori?from=2026-09-30&days=abc").await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{be}");
        assert!(html.contains("工作日数“abc”无效"), "{be}");
    }
}

#[tokio::test]
async fn calculator_marks_dates_in_unannounced_years_as_provisional() {
    for (be, st) in state("web_calc_prov", true).await {
        let (_, html, _) = get(&st, "/gongju/gongzuori?from=2026-12-20&days=20").await;
        assert!(html.contains("暂定：2027年的节假日安排尚未公布"), "{be}");
    }
}

#[tokio::test]
async fn working_days_api_answers_json_with_skipped_days() {
    for (be, st) in state("web_api", true).await {
        let (s, v) = get_json(&st, "/api/v1/rules/working-days?from=2026-09-30&days=20").await;
        assert_eq!(s, StatusCode::OK, "{be}");
        assert_eq!(v["due"], "2026-11-03", "{be}");
        assert_eq!(v["provisional"], false, "{be}");
        assert_eq!(v["skipped"].as_array().map(Vec::len), Some(14), "{be}");
        assert_eq!(v["skipped"][0]["reason"], "国庆节假期", "{be}");
    }
}

#[tokio::test]
async fn api_errors_have_a_stable_code_and_a_chinese_message() {
    for (be, st) in state("web_api_bad", true).await {
        let (s, v) = get_json(&st, "/api/v1/rules/working-days?from=2026-13-01&days=20").await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{be}");
        assert_eq!(v["error"], "invalid_date", "{be}");
        assert!(
            v["message"]
                .as_str()
                .is_some_and(|m| m.contains("2026-13-01")),
            "{be}"
        );
        let (s, v) = get_json(&st, "/api/v1/rules/working-days?from=2026-09-30").await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{be}");
        assert_eq!(v["message"], "缺少参数 days", "{be}");
        let (s, v) = get_json(&st, "/api/v1/rules/working-days?from=2026-09-30&days=99999").await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{be}");
        assert_eq!(v["error"], "days_out_of_range", "{be}");
        let (s, v) = get_json(&st, "/api/v1/nothing-here").await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{be}");
        assert_eq!(v["error"], "not_found", "{be}");
    }
}

#[tokio::test]
async fn due_date_api_applies_pauses_and_extension_as_rules_section_1() {
    for (be, st) in state("web_due", true).await {
        let (s, v) = get_json(
            &st,
            "/api/v1/rules/due-date?received=2026-09-30&pause=2026-10-09..2026-10-16&extend=10",
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{be}");
        assert_eq!(v["due"], "2026-11-25", "{be}");
        assert_eq!(v["paused_days"], 6, "{be}");
        let (s, v) = get_json(&st, "/api/v1/rules/due-date?received=2026-09-30&extend=21").await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{be}");
        assert_eq!(v["error"], "invalid_clock", "{be}");
        let (s, v) = get_json(
            &st,
            "/api/v1/rules/due-date?received=2026-09-30&pause=2026-10-09",
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{be}");
        assert_eq!(v["error"], "invalid_pause", "{be}");
        let (_, v) = get_json(&st, "/api/v1/rules/is-working-day?date=2026-10-10").await;
        assert_eq!(v["working"], true, "{be}");
        assert_eq!(v["reason"], "国庆节调休上班日", "{be}");
    }
}

#[tokio::test]
async fn openapi_document_lists_every_api_endpoint_and_each_answers() {
    let st = state("web_openapi", true).await.remove(0).1;
    let (s, doc) = get_json(&st, "/api/v1/openapi.json").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().expect("paths");
    let api: Vec<(String, &str)> = yangguang_web::routes()
        .iter()
        .filter(|r| r.path.starts_with("/api/"))
        .map(|r| (r.method.as_str().to_ascii_lowercase(), r.path))
        .collect();
    assert!(api.len() >= 4);
    for (method, p) in &api {
        assert!(
            paths.get(*p).and_then(|x| x.get(method)).is_some(),
            "{method} {p} missing from openapi.json"
        );
    }
    let documented: usize = paths
        .values()
        .map(|v| v.as_object().map(|o| o.len()).unwrap_or(0))
        .sum();
    assert_eq!(
        documented,
        api.len(),
        "every documented operation is a route"
    );
    for (method, p) in &api {
        if method != "get" || p.contains('{') {
            continue;
        }
        // Each documented path is routed (400 for missing parameters, not 404).
        let (s, _) = get_json(&st, p).await;
        assert_ne!(s, StatusCode::NOT_FOUND, "{p} is documented but not routed");
    }
}

#[tokio::test]
async fn healthz_answers_only_once_ready() {
    let st = state("web_health", false).await.remove(0).1;
    let (s, _, _) = get(&st, "/healthz").await;
    assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE);
    st.set_ready();
    let (s, body, _) = get(&st, "/healthz").await;
    assert_eq!((s, body.as_str()), (StatusCode::OK, "ok"));
}

#[tokio::test]
async fn unknown_page_is_a_chinese_404_inside_the_site_frame() {
    let st = state("web_404", true).await.remove(0).1;
    let (s, html, _) = get(&st, "/no/such/page").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(html.contains("<h1>页面不存在</h1>"));
    assert!(html.contains("您访问的页面 /no/such/page 不存在或已移动。"));
}

#[tokio::test]
async fn public_column_and_home_render_with_navigation_and_footer() {
    let st = state("web_pages", true).await.remove(0).1;
    let (s, html, _) = get(&st, "/xxgk/").await;
    assert_eq!(s, StatusCode::OK);
    for text in [
        "公开指南",
        "公开目录",
        "年度报告",
        "依申请公开",
        "主办单位",
        "网站标识码",
        "长者模式",
        "无障碍浏览",
    ] {
        assert!(html.contains(text), "/xxgk/ lacks {text}");
    }
    assert!(html.contains("<a href=\"/xxgk/\" aria-current=\"page\">政府信息公开</a>"));
    let (s, html, _) = get(&st, "/").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("工作日期限计算器"));
}

#[tokio::test]
async fn elder_mode_switch_sets_a_cookie_and_never_redirects_off_site() {
    let st = state("web_pref", true).await.remove(0).1;
    let (s, _, h) = get(&st, "/pref?mode=elder&back=/xxgk/").await;
    assert!(s.is_redirection());
    assert_eq!(
        h.get(header::LOCATION).and_then(|v| v.to_str().ok()),
        Some("/xxgk/")
    );
    assert!(
        h.get(header::SET_COOKIE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|c| c.starts_with("yg_elder=1"))
    );
    let (_, _, h) = get(&st, "/pref?mode=elder&back=//evil.example/").await;
    assert_eq!(
        h.get(header::LOCATION).and_then(|v| v.to_str().ok()),
        Some("/")
    );
    let resp = app(st.clone())
        .oneshot(
            Request::get("/xxgk/")
                .header(header::COOKIE, "yg_elder=1")
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("response");
    let html = String::from_utf8_lossy(&resp.into_body().collect().await.expect("body").to_bytes())
        .to_string();
    assert!(html.contains("<body class=\"elder\">"));
    assert!(html.contains("退出长者模式"));
}

#[tokio::test]
async fn a_first_visit_gets_a_csrf_cookie_only_from_a_page_with_a_form() {
    let st = state("web_csrf_lazy", true).await.remove(0).1;
    let csrf_cookie = |h: &axum::http::HeaderMap| {
        h.get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with("yg_csrf="))
            .map(str::to_string)
    };
    for uri in ["/", "/xxgk/", "/xxgk/ml", "/search?q=安全"] {
        let (s, _, h) = get(&st, uri).await;
        assert_eq!(s, StatusCode::OK, "{uri}");
        assert_eq!(csrf_cookie(&h), None, "{uri} has no form: no cookie");
    }
    let (s, body, h) = get(&st, "/login").await;
    assert_eq!(s, StatusCode::OK);
    let cookie = csrf_cookie(&h).expect("the sign-in form mints a token");
    let token = cookie
        .trim_start_matches("yg_csrf=")
        .split(';')
        .next()
        .unwrap_or_default()
        .to_string();
    assert_eq!(token.len(), 32);
    assert!(
        body.contains(&format!("name=\"_csrf\" value=\"{token}\"")),
        "the form carries the cookie's token"
    );
}

#[tokio::test]
async fn banshi_page_licensing_form_applies_art42_extension_and_art45_periods() {
    for (be, st) in state("web_banshi_xk", true).await {
        let (s, html, _) = get(
            &st,
            "/gongju/banshi?calc=licensing&received=2026-09-25&extended=true&pause=2026-10-09..2026-10-16",
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{be}");
        assert!(
            html.contains("期限届满日为 <strong>2026年11月20日（星期五）</strong>，应当在此日或之前作出行政许可决定"),
            "{be}: {html}"
        );
        assert!(html.contains("<li>合计：36个工作日</li>"), "{be}");
        assert!(html.contains("经本行政机关负责人批准"), "{be}");
        assert!(
            html.contains("name=\"extended\" type=\"checkbox\" value=\"true\" checked"),
            "{be}: the checkbox stays ticked"
        );
        // One period a line in the textarea; without the extension.
        let (s, html, _) = get(
            &st,
            "/gongju/banshi?calc=licensing&received=2026-09-25&pause=2026-10-09..2026-10-16%0D%0A2026-10-19..2026-10-20",
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{be}");
        assert!(html.contains("2026年11月9日（星期一）"), "{be}: {html}");
        assert!(html.contains("共7个工作日"), "{be}");
    }
}

#[tokio::test]
async fn banshi_page_penalty_form_counts_art60_calendar_days_from_filing() {
    for (be, st) in state("web_banshi_cf", true).await {
        let (s, html, _) = get(
            &st,
            "/gongju/banshi?calc=penalty&filed=2026-12-01&extended_days=",
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{be}");
        assert!(
            html.contains("期限届满日为 <strong>2027年3月1日（星期一）</strong>"),
            "{be}: {html}"
        );
        let (s, html, _) = get(
            &st,
            "/gongju/banshi?calc=penalty&filed=2026-12-01&extended_days=30",
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{be}");
        assert!(html.contains("2027年3月31日（星期三）"), "{be}");
        assert!(html.contains("<li>合计：120日</li>"), "{be}");
        assert!(
            html.contains("value=\"30\""),
            "{be}: the field keeps its value"
        );
    }
}

#[tokio::test]
async fn banshi_page_has_both_forms_with_labels_and_is_linked_from_gongzuori() {
    let st = state("web_banshi_forms", true).await.remove(0).1;
    let (s, html, _) = get(&st, "/gongju/banshi").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("<h1>行政许可、行政处罚办理期限计算</h1>"));
    for id in ["received", "extended", "pause", "filed", "extended_days"] {
        assert!(html.contains(&format!("for=\"{id}\"")), "label for {id}");
        assert!(html.contains(&format!("id=\"{id}\"")), "field {id}");
    }
    assert_eq!(
        html.matches("action=\"/gongju/banshi\" method=\"get\"")
            .count(),
        2
    );
    assert!(!html.contains("<script"), "no JavaScript");
    assert!(
        !html.contains("计算结果"),
        "nothing computed before a form is sent"
    );
    let (_, html, _) = get(&st, "/gongju/gongzuori").await;
    assert!(html.contains("<a href=\"/gongju/banshi\">"));
}

#[tokio::test]
async fn banshi_page_refuses_bad_input_with_400_and_a_chinese_message() {
    let st = state("web_banshi_bad", true).await.remove(0).1;
    for (uri, msg) in [
        (
            "/gongju/banshi?calc=licensing&received=2026-02-30",
            "日期“2026-02-30”无效",
        ),
        ("/gongju/banshi?calc=licensing&received=", "请填写受理日期"),
        (
            "/gongju/banshi?calc=licensing&received=2026-09-25&pause=2026-10-16..2026-10-09",
            "不计入期限的期间无效：结束日期2026-10-09早于开始日期2026-10-16",
        ),
        (
            "/gongju/banshi?calc=licensing&received=2026-09-25&pause=2026-10-09",
            "格式应为 FROM..TO",
        ),
        (
            "/gongju/banshi?calc=penalty&filed=2026-12-01&extended_days=91",
            "延长91日超出范围",
        ),
        (
            "/gongju/banshi?calc=penalty&filed=2026-12-01&extended_days=abc",
            "延长天数“abc”无效",
        ),
        ("/gongju/banshi?calc=other", "计算类型“other”无效"),
    ] {
        let (s, html, _) = get(&st, uri).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{uri}");
        assert!(html.contains("role=\"alert\""), "{uri}");
        assert!(html.contains(msg), "{uri}: {html}");
        assert!(!html.contains("计算结果"), "{uri}");
    }
}

#[tokio::test]
async fn licensing_and_penalty_due_apis_answer_the_date_and_the_explanation() {
    for (be, st) in state("web_powers_api", true).await {
        let (s, v) = get_json(
            &st,
            "/api/v1/rules/licensing-due?received=2026-09-25&extended=true&pause=2026-10-09..2026-10-16",
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{be}");
        assert_eq!(v["due"], "2026-11-20", "{be}");
        assert_eq!(v["extension"], 10, "{be}");
        assert_eq!(v["excluded_days"], 6, "{be}");
        assert_eq!(
            v["explanation"][0], "受理日：2026-09-25（受理当日不计入期限）",
            "{be}"
        );
        let (_, v) = get_json(&st, "/api/v1/rules/licensing-due?received=2026-09-25").await;
        assert_eq!(v["due"], "2026-10-29", "{be}");
        let (s, v) = get_json(&st, "/api/v1/rules/penalty-due?filed=2026-12-01").await;
        assert_eq!(s, StatusCode::OK, "{be}");
        assert_eq!(v["due"], "2027-03-01", "{be}");
        assert_eq!(v["extended_days"], 0, "{be}");
        let (_, v) = get_json(
            &st,
            "/api/v1/rules/penalty-due?filed=2026-12-01&extended_days=90",
        )
        .await;
        assert_eq!(v["due"], "2027-05-30", "{be}");
    }
}

#[tokio::test]
async fn licensing_and_penalty_due_apis_refuse_bad_input_with_400_code_and_chinese_message() {
    let st = state("web_powers_api_bad", true).await.remove(0).1;
    for (uri, code, msg) in [
        (
            "/api/v1/rules/licensing-due",
            "missing_parameter",
            "缺少参数 received",
        ),
        (
            "/api/v1/rules/licensing-due?received=2026-09-25&pause=2026-10-16..2026-10-09",
            "invalid_pause",
            "第四十五条",
        ),
        (
            "/api/v1/rules/licensing-due?received=2026-09-25&extended=maybe",
            "invalid_flag",
            "参数 extended 的值“maybe”无效",
        ),
        (
            "/api/v1/rules/penalty-due?filed=2026-13-01",
            "invalid_date",
            "日期“2026-13-01”无效",
        ),
        (
            "/api/v1/rules/penalty-due?filed=2026-12-01&extended_days=91",
            "extension_out_of_range",
            "第六十条",
        ),
        (
            "/api/v1/rules/penalty-due?filed=2026-12-01&extended_days=0",
            "extension_out_of_range",
            "延长0日超出范围",
        ),
    ] {
        let (s, v) = get_json(&st, uri).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{uri}");
        assert_eq!(v["error"], code, "{uri}");
        assert!(
            v["message"].as_str().is_some_and(|m| m.contains(msg)),
            "{uri}: {v}"
        );
    }
}
