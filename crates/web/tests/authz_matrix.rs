//! The authorization matrix: every route × every role (and anonymous) →
//! allowed or refused, against the table kept here. A route whose rule
//! changes, or a route added without a row, fails this test.

use axum::http::StatusCode;
use yangguang_kernel::org::Role;
use yangguang_kernel::testing::kernels;
use yangguang_web::testing::{Browser, Page, add_user, signed_in, state_for};

const ANON: &str = "anon";
const ALL: &[&str] = &[
    "anon",
    "staff",
    "division_head",
    "office",
    "deputy_leader",
    "principal_leader",
    "supervisor",
    "system_admin",
    "security_admin",
    "audit_admin",
];
const SIGNED: &[&str] = &[
    "staff",
    "division_head",
    "office",
    "deputy_leader",
    "principal_leader",
    "supervisor",
    "system_admin",
    "security_admin",
    "audit_admin",
];
const BUSINESS: &[&str] = &[
    "staff",
    "division_head",
    "office",
    "deputy_leader",
    "principal_leader",
    "supervisor",
];
const DRAFT: &[&str] = &["staff", "division_head", "office"];
const MANAGE: &[&str] = &["office"];
const DOCFLOW: &[&str] = &[
    "staff",
    "division_head",
    "office",
    "deputy_leader",
    "principal_leader",
];
const DOC_SUPERVISE: &[&str] = &["office", "principal_leader", "supervisor"];
const SYS: &[&str] = &["system_admin"];
const SEC: &[&str] = &["security_admin"];
const AUD: &[&str] = &["audit_admin"];

/// (method, route path, the URL requested, who is allowed, ends the session)
type Row = (
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    bool,
);

const TABLE: &[Row] = &[
    ("GET", "/healthz", "/healthz", ALL, false),
    ("GET", "/robots.txt", "/robots.txt", ALL, false),
    ("GET", "/static/site.css", "/static/site.css", ALL, false),
    ("GET", "/", "/", ALL, false),
    ("GET", "/xxgk/", "/xxgk/", ALL, false),
    ("GET", "/xxgk", "/xxgk", ALL, false),
    (
        "GET",
        "/gongju/gongzuori",
        "/gongju/gongzuori?from=2026-09-30&days=20",
        ALL,
        false,
    ),
    (
        "GET",
        "/gongju/banshi",
        "/gongju/banshi?calc=penalty&filed=2026-12-01",
        ALL,
        false,
    ),
    ("GET", "/pref", "/pref?mode=elder&back=/", ALL, false),
    (
        "GET",
        "/api/v1/rules/working-days",
        "/api/v1/rules/working-days?from=2026-09-30&days=20",
        ALL,
        false,
    ),
    (
        "GET",
        "/api/v1/rules/is-working-day",
        "/api/v1/rules/is-working-day?date=2026-10-10",
        ALL,
        false,
    ),
    (
        "GET",
        "/api/v1/rules/due-date",
        "/api/v1/rules/due-date?received=2026-09-30",
        ALL,
        false,
    ),
    (
        "GET",
        "/api/v1/rules/licensing-due",
        "/api/v1/rules/licensing-due?received=2026-09-25",
        ALL,
        false,
    ),
    (
        "GET",
        "/api/v1/rules/penalty-due",
        "/api/v1/rules/penalty-due?filed=2026-12-01",
        ALL,
        false,
    ),
    (
        "GET",
        "/api/v1/openapi.json",
        "/api/v1/openapi.json",
        ALL,
        false,
    ),
    ("GET", "/login", "/login", ALL, false),
    ("POST", "/login", "/login", ALL, false),
    ("GET", "/login/otp", "/login/otp", SIGNED, false),
    ("POST", "/login/otp", "/login/otp", SIGNED, false),
    ("POST", "/logout", "/logout", SIGNED, true),
    ("POST", "/logout/all", "/logout/all", SIGNED, true),
    ("GET", "/account", "/account", SIGNED, false),
    (
        "GET",
        "/account/password",
        "/account/password",
        SIGNED,
        false,
    ),
    (
        "POST",
        "/account/password",
        "/account/password",
        SIGNED,
        false,
    ),
    ("GET", "/account/2fa", "/account/2fa", SIGNED, false),
    ("POST", "/account/2fa", "/account/2fa", SIGNED, false),
    ("GET", "/staff/", "/staff/", BUSINESS, false),
    ("GET", "/admin/", "/admin/", SIGNED, false),
    ("GET", "/admin/org", "/admin/org", SYS, false),
    ("POST", "/admin/org/agency", "/admin/org/agency", SYS, false),
    (
        "POST",
        "/admin/org/divisions",
        "/admin/org/divisions",
        SYS,
        false,
    ),
    ("POST", "/admin/org/posts", "/admin/org/posts", SYS, false),
    (
        "POST",
        "/admin/org/posts/{id}/holders",
        "/admin/org/posts/999999/holders",
        SYS,
        false,
    ),
    ("POST", "/admin/org/leaves", "/admin/org/leaves", SYS, false),
    (
        "POST",
        "/admin/org/leaves/{id}/cancel",
        "/admin/org/leaves/999999/cancel",
        SYS,
        false,
    ),
    ("GET", "/admin/users", "/admin/users", SYS, false),
    ("POST", "/admin/users", "/admin/users", SYS, false),
    (
        "POST",
        "/admin/users/{username}/lock",
        "/admin/users/matrix_target/lock",
        SYS,
        false,
    ),
    (
        "POST",
        "/admin/users/{username}/unlock",
        "/admin/users/matrix_target/unlock",
        SYS,
        false,
    ),
    (
        "POST",
        "/admin/users/{username}/password",
        "/admin/users/matrix_target/password",
        SYS,
        false,
    ),
    ("GET", "/admin/calendar", "/admin/calendar", SYS, false),
    (
        "POST",
        "/admin/calendar/import",
        "/admin/calendar/import",
        SYS,
        false,
    ),
    (
        "POST",
        "/admin/calendar/local",
        "/admin/calendar/local",
        SYS,
        false,
    ),
    ("GET", "/admin/roles", "/admin/roles", SEC, false),
    ("POST", "/admin/roles/user", "/admin/roles/user", SEC, false),
    (
        "POST",
        "/admin/roles/grants",
        "/admin/roles/grants",
        SEC,
        false,
    ),
    ("GET", "/admin/policy", "/admin/policy", SEC, false),
    ("POST", "/admin/policy", "/admin/policy", SEC, false),
    ("GET", "/admin/audit", "/admin/audit", AUD, false),
    (
        "GET",
        "/admin/audit/export.csv",
        "/admin/audit/export.csv",
        AUD,
        false,
    ),
    (
        "GET",
        "/admin/audit/export.xlsx",
        "/admin/audit/export.xlsx",
        AUD,
        false,
    ),
    ("GET", "/xxgk/ml", "/xxgk/ml", ALL, false),
    ("GET", "/sitemap", "/sitemap", ALL, false),
    ("GET", "/search", "/search?q=%E5%AE%89%E5%85%A8", ALL, false),
    (
        "GET",
        "/api/v1/search",
        "/api/v1/search?q=%E5%AE%89%E5%85%A8",
        ALL,
        false,
    ),
    ("GET", "/api/v1/catalog", "/api/v1/catalog", ALL, false),
    (
        "GET",
        "/api/v1/items/{id}",
        "/api/v1/items/999999",
        ALL,
        false,
    ),
    ("GET", "/xxgk/item/{id}", "/xxgk/item/999999", ALL, false),
    (
        "GET",
        "/xxgk/item/{id}/print",
        "/xxgk/item/999999/print",
        ALL,
        false,
    ),
    ("GET", "/xxgk/feed.atom", "/xxgk/feed.atom", ALL, false),
    (
        "GET",
        "/xxgk/feed/{feed}",
        "/xxgk/feed/zcwj.atom",
        ALL,
        false,
    ),
    ("GET", "/sitemap.xml", "/sitemap.xml", ALL, false),
    ("GET", "/xxgk/zn", "/xxgk/zn", ALL, false),
    ("GET", "/xxgk/file/{aid}", "/xxgk/file/999999", ALL, false),
    (
        "GET",
        "/staff/disclosure",
        "/staff/disclosure",
        BUSINESS,
        false,
    ),
    (
        "GET",
        "/staff/disclosure/new",
        "/staff/disclosure/new",
        DRAFT,
        false,
    ),
    (
        "POST",
        "/staff/disclosure/new",
        "/staff/disclosure/new",
        DRAFT,
        false,
    ),
    (
        "GET",
        "/staff/disclosure/guide",
        "/staff/disclosure/guide",
        MANAGE,
        false,
    ),
    (
        "POST",
        "/staff/disclosure/guide",
        "/staff/disclosure/guide",
        MANAGE,
        false,
    ),
    (
        "GET",
        "/staff/disclosure/{id}",
        "/staff/disclosure/999999",
        BUSINESS,
        false,
    ),
    (
        "GET",
        "/staff/disclosure/{id}/edit",
        "/staff/disclosure/999999/edit",
        DRAFT,
        false,
    ),
    (
        "POST",
        "/staff/disclosure/{id}/edit",
        "/staff/disclosure/999999/edit",
        DRAFT,
        false,
    ),
    (
        "POST",
        "/staff/disclosure/{id}/step",
        "/staff/disclosure/999999/step",
        BUSINESS,
        false,
    ),
    (
        "POST",
        "/staff/disclosure/{id}/attachments",
        "/staff/disclosure/999999/attachments",
        DRAFT,
        false,
    ),
    (
        "POST",
        "/staff/disclosure/{id}/attachments/{aid}/remove",
        "/staff/disclosure/999999/attachments/1/remove",
        DRAFT,
        false,
    ),
    (
        "GET",
        "/staff/disclosure/{id}/attachments/{aid}",
        "/staff/disclosure/999999/attachments/1",
        BUSINESS,
        false,
    ),
    (
        "GET",
        "/staff/disclosure/settings",
        "/staff/disclosure/settings",
        MANAGE,
        false,
    ),
    (
        "POST",
        "/staff/disclosure/settings/categories",
        "/staff/disclosure/settings/categories",
        MANAGE,
        false,
    ),
    (
        "POST",
        "/staff/disclosure/settings/categories/{code}",
        "/staff/disclosure/settings/categories/nope",
        MANAGE,
        false,
    ),
    (
        "POST",
        "/staff/disclosure/settings/index-pattern",
        "/staff/disclosure/settings/index-pattern",
        MANAGE,
        false,
    ),
    // 权力清单 and 办件 (crates/powers)
    ("GET", "/qlqd/", "/qlqd/", ALL, false),
    ("GET", "/qlqd/qlqd.xlsx", "/qlqd/qlqd.xlsx", ALL, false),
    ("GET", "/qlqd/{code}", "/qlqd/XK-999", ALL, false),
    (
        "GET",
        "/qlqd/{code}/flow.svg",
        "/qlqd/XK-999/flow.svg",
        ALL,
        false,
    ),
    ("GET", "/bsgk/cx", "/bsgk/cx", ALL, false),
    ("POST", "/bsgk/cx", "/bsgk/cx", ALL, false),
    ("GET", "/staff/qlqd", "/staff/qlqd", MANAGE, false),
    (
        "POST",
        "/staff/qlqd/import",
        "/staff/qlqd/import",
        MANAGE,
        false,
    ),
    (
        "POST",
        "/staff/qlqd/abolish",
        "/staff/qlqd/abolish",
        MANAGE,
        false,
    ),
    (
        "POST",
        "/staff/qlqd/larger-amounts",
        "/staff/qlqd/larger-amounts",
        MANAGE,
        false,
    ),
    (
        "POST",
        "/staff/qlqd/processes",
        "/staff/qlqd/processes",
        MANAGE,
        false,
    ),
    (
        "GET",
        "/staff/qlqd/processes/{id}",
        "/staff/qlqd/processes/999999.bpmn",
        MANAGE,
        false,
    ),
    ("GET", "/staff/bsgk", "/staff/bsgk", DOCFLOW, false),
    ("GET", "/staff/bsgk/new", "/staff/bsgk/new", DOCFLOW, false),
    ("POST", "/staff/bsgk/new", "/staff/bsgk/new", DOCFLOW, false),
    (
        "GET",
        "/staff/bsgk/cases/{id}",
        "/staff/bsgk/cases/999999",
        DOCFLOW,
        false,
    ),
    (
        "GET",
        "/staff/bsgk/cases/{id}/receipt",
        "/staff/bsgk/cases/999999/receipt",
        DOCFLOW,
        false,
    ),
    (
        "GET",
        "/staff/bsgk/cases/{id}/letter",
        "/staff/bsgk/cases/999999/letter",
        DOCFLOW,
        false,
    ),
    (
        "GET",
        "/staff/bsgk/cases/{id}/letter/docx",
        "/staff/bsgk/cases/999999/letter/docx",
        DOCFLOW,
        false,
    ),
    (
        "POST",
        "/staff/bsgk/cases/{id}/act",
        "/staff/bsgk/cases/999999/act",
        DOCFLOW,
        false,
    ),
    (
        "POST",
        "/staff/bsgk/cases/{id}/extend",
        "/staff/bsgk/cases/999999/extend",
        DOCFLOW,
        false,
    ),
    (
        "POST",
        "/staff/bsgk/cases/{id}/exclude",
        "/staff/bsgk/cases/999999/exclude",
        DOCFLOW,
        false,
    ),
    (
        "POST",
        "/staff/bsgk/cases/{id}/handover",
        "/staff/bsgk/cases/999999/handover",
        DOCFLOW,
        false,
    ),
    (
        "POST",
        "/staff/bsgk/cases/{id}/withdraw",
        "/staff/bsgk/cases/999999/withdraw",
        DOCFLOW,
        false,
    ),
    (
        "GET",
        "/staff/bsgk/overdue",
        "/staff/bsgk/overdue",
        DOC_SUPERVISE,
        false,
    ),
    (
        "GET",
        "/staff/bsgk/stats",
        "/staff/bsgk/stats",
        DOC_SUPERVISE,
        false,
    ),
    (
        "GET",
        "/staff/bsgk/stats.xlsx",
        "/staff/bsgk/stats.xlsx",
        DOC_SUPERVISE,
        false,
    ),
    (
        "POST",
        "/staff/bsgk/entered",
        "/staff/bsgk/entered",
        MANAGE,
        false,
    ),
    // 网上办文 (crates/docflow)
    ("GET", "/staff/docflow", "/staff/docflow", DOCFLOW, false),
    (
        "GET",
        "/staff/docflow/search",
        "/staff/docflow/search?q=%E9%80%9A%E7%9F%A5",
        DOCFLOW,
        false,
    ),
    (
        "GET",
        "/staff/docflow/incoming",
        "/staff/docflow/incoming",
        DOCFLOW,
        false,
    ),
    (
        "GET",
        "/staff/docflow/incoming/new",
        "/staff/docflow/incoming/new",
        DOCFLOW,
        false,
    ),
    (
        "POST",
        "/staff/docflow/incoming/new",
        "/staff/docflow/incoming/new",
        DOCFLOW,
        false,
    ),
    (
        "GET",
        "/staff/docflow/outgoing",
        "/staff/docflow/outgoing",
        DOCFLOW,
        false,
    ),
    (
        "GET",
        "/staff/docflow/outgoing/new",
        "/staff/docflow/outgoing/new",
        DOCFLOW,
        false,
    ),
    (
        "POST",
        "/staff/docflow/outgoing/new",
        "/staff/docflow/outgoing/new",
        DOCFLOW,
        false,
    ),
    (
        "GET",
        "/staff/docflow/docs/{id}",
        "/staff/docflow/docs/999999",
        DOCFLOW,
        false,
    ),
    (
        "POST",
        "/staff/docflow/docs/{id}/do",
        "/staff/docflow/docs/999999/do",
        DOCFLOW,
        false,
    ),
    (
        "GET",
        "/staff/docflow/docs/{id}/versions",
        "/staff/docflow/docs/999999/versions",
        DOCFLOW,
        false,
    ),
    (
        "GET",
        "/staff/docflow/docs/{id}/files/{file}",
        "/staff/docflow/docs/999999/files/1",
        DOCFLOW,
        false,
    ),
    (
        "GET",
        "/staff/docflow/docs/{id}/print",
        "/staff/docflow/docs/999999/print",
        DOCFLOW,
        false,
    ),
    (
        "GET",
        "/staff/docflow/docs/{id}/docx",
        "/staff/docflow/docs/999999/docx",
        DOCFLOW,
        false,
    ),
    (
        "POST",
        "/staff/docflow/tasks/{id}/claim",
        "/staff/docflow/tasks/999999/claim",
        DOCFLOW,
        false,
    ),
    (
        "POST",
        "/staff/docflow/tasks/{id}/act",
        "/staff/docflow/tasks/999999/act",
        DOCFLOW,
        false,
    ),
    (
        "GET",
        "/staff/docflow/paths",
        "/staff/docflow/paths",
        DOCFLOW,
        false,
    ),
    (
        "POST",
        "/staff/docflow/paths",
        "/staff/docflow/paths",
        MANAGE,
        false,
    ),
    (
        "GET",
        "/staff/docflow/overdue",
        "/staff/docflow/overdue",
        DOC_SUPERVISE,
        false,
    ),
    (
        "GET",
        "/staff/docflow/stats",
        "/staff/docflow/stats",
        DOC_SUPERVISE,
        false,
    ),
    (
        "GET",
        "/staff/docflow/stats.xlsx",
        "/staff/docflow/stats.xlsx",
        DOC_SUPERVISE,
        false,
    ),
    (
        "GET",
        "/api/v1/docflow/inbox",
        "/api/v1/docflow/inbox",
        DOCFLOW,
        false,
    ),
    (
        "POST",
        "/api/v1/docflow/tasks/{id}/claim",
        "/api/v1/docflow/tasks/999999/claim",
        DOCFLOW,
        false,
    ),
    (
        "POST",
        "/api/v1/docflow/tasks/{id}/act",
        "/api/v1/docflow/tasks/999999/act",
        DOCFLOW,
        false,
    ),
    // 三重一大 collective decisions (crates/decisions)
    (
        "GET",
        "/staff/decisions",
        "/staff/decisions",
        BUSINESS,
        false,
    ),
    (
        "GET",
        "/staff/decisions/followups",
        "/staff/decisions/followups",
        &["office", "principal_leader", "supervisor"],
        false,
    ),
    (
        "GET",
        "/staff/decisions/rules",
        "/staff/decisions/rules",
        MANAGE,
        false,
    ),
    (
        "POST",
        "/staff/decisions/rules",
        "/staff/decisions/rules",
        MANAGE,
        false,
    ),
    (
        "GET",
        "/staff/decisions/topics/new",
        "/staff/decisions/topics/new",
        &["staff", "division_head", "office", "deputy_leader"],
        false,
    ),
    (
        "POST",
        "/staff/decisions/topics/new",
        "/staff/decisions/topics/new",
        &["staff", "division_head", "office", "deputy_leader"],
        false,
    ),
    (
        "GET",
        "/staff/decisions/topics/{id}",
        "/staff/decisions/topics/999999",
        BUSINESS,
        false,
    ),
    (
        "POST",
        "/staff/decisions/topics/{id}/step",
        "/staff/decisions/topics/999999/step",
        BUSINESS,
        false,
    ),
    (
        "POST",
        "/staff/decisions/topics/{id}/files",
        "/staff/decisions/topics/999999/files",
        &["staff", "division_head", "office", "deputy_leader"],
        false,
    ),
    (
        "GET",
        "/staff/decisions/topics/{id}/files/{hash}",
        "/staff/decisions/topics/999999/files/00",
        BUSINESS,
        false,
    ),
    (
        "GET",
        "/staff/decisions/meetings/new",
        "/staff/decisions/meetings/new",
        MANAGE,
        false,
    ),
    (
        "POST",
        "/staff/decisions/meetings/new",
        "/staff/decisions/meetings/new",
        MANAGE,
        false,
    ),
    (
        "GET",
        "/staff/decisions/meetings/{id}",
        "/staff/decisions/meetings/999999",
        BUSINESS,
        false,
    ),
    (
        "POST",
        "/staff/decisions/meetings/{id}/step",
        "/staff/decisions/meetings/999999/step",
        BUSINESS,
        false,
    ),
    (
        "GET",
        "/staff/decisions/meetings/{id}/minutes",
        "/staff/decisions/meetings/999999/minutes",
        BUSINESS,
        false,
    ),
    (
        "GET",
        "/staff/decisions/meetings/{id}/minutes.docx",
        "/staff/decisions/meetings/999999/minutes.docx",
        BUSINESS,
        false,
    ),
    // 依申请公开 (crates/requests)
    ("GET", "/xxgk/ysqgk", "/xxgk/ysqgk", ALL, false),
    ("POST", "/xxgk/ysqgk", "/xxgk/ysqgk", ALL, false),
    ("GET", "/xxgk/ysqgk/cx", "/xxgk/ysqgk/cx", ALL, false),
    ("POST", "/xxgk/ysqgk/cx", "/xxgk/ysqgk/cx", ALL, false),
    ("GET", "/xxgk/nb", "/xxgk/nb", ALL, false),
    ("GET", "/xxgk/nb/{year}", "/xxgk/nb/2025", ALL, false),
    ("GET", "/staff/ysqgk", "/staff/ysqgk", DRAFT, false),
    ("GET", "/staff/ysqgk/new", "/staff/ysqgk/new", MANAGE, false),
    (
        "POST",
        "/staff/ysqgk/new",
        "/staff/ysqgk/new",
        MANAGE,
        false,
    ),
    (
        "GET",
        "/staff/ysqgk/{id}",
        "/staff/ysqgk/999999",
        DRAFT,
        false,
    ),
    (
        "POST",
        "/staff/ysqgk/{id}/act",
        "/staff/ysqgk/999999/act",
        DRAFT,
        false,
    ),
    (
        "POST",
        "/staff/ysqgk/{id}/files",
        "/staff/ysqgk/999999/files",
        DRAFT,
        false,
    ),
    (
        "GET",
        "/staff/ysqgk/{id}/letter",
        "/staff/ysqgk/999999/letter",
        DRAFT,
        false,
    ),
    (
        "GET",
        "/staff/ysqgk/{id}/letter/docx",
        "/staff/ysqgk/999999/letter/docx",
        DRAFT,
        false,
    ),
    (
        "GET",
        "/staff/ysqgk/{id}/files/{file}",
        "/staff/ysqgk/999999/files/1",
        DRAFT,
        false,
    ),
    (
        "GET",
        "/staff/ysqgk/stats",
        "/staff/ysqgk/stats",
        MANAGE,
        false,
    ),
    (
        "GET",
        "/staff/ysqgk/stats/xlsx",
        "/staff/ysqgk/stats/xlsx",
        MANAGE,
        false,
    ),
    (
        "GET",
        "/staff/ysqgk/report",
        "/staff/ysqgk/report",
        MANAGE,
        false,
    ),
    (
        "POST",
        "/staff/ysqgk/report",
        "/staff/ysqgk/report",
        MANAGE,
        false,
    ),
    (
        "GET",
        "/staff/ysqgk/report/docx",
        "/staff/ysqgk/report/docx",
        MANAGE,
        false,
    ),
    (
        "GET",
        "/staff/ysqgk/report/json",
        "/staff/ysqgk/report/json",
        MANAGE,
        false,
    ),
    (
        "GET",
        "/staff/ysqgk/settings",
        "/staff/ysqgk/settings",
        MANAGE,
        false,
    ),
    (
        "POST",
        "/staff/ysqgk/settings",
        "/staff/ysqgk/settings",
        MANAGE,
        false,
    ),
];

/// Refused by the guard: 403, or sent to sign in (page) / 401 (API).
fn refused(p: &Page) -> bool {
    p.status == StatusCode::FORBIDDEN
        || p.status == StatusCode::UNAUTHORIZED && p.body.contains("\"unauthenticated\"")
        || p.location
            .as_deref()
            .is_some_and(|l| l.starts_with("/login?next="))
}

async fn request(b: &mut Browser, method: &str, url: &str) -> Page {
    match method {
        "GET" => b.get(url).await,
        _ => b.post(url, &[]).await,
    }
}

#[tokio::test]
async fn every_route_for_every_role_is_allowed_or_refused_as_the_table_says() {
    let (_, k) = kernels("authz_matrix", &yangguang_web::migrations())
        .await
        .expect("kernels")
        .remove(0);
    let st = state_for(k).await;
    add_user(&st, "matrix_target", Role::Staff).await;

    // Every route has a row and every row a route.
    let routes: Vec<(String, String)> = yangguang_web::routes()
        .iter()
        .map(|r| (r.method.to_string(), r.path.to_string()))
        .collect();
    for (m, p) in &routes {
        assert!(
            TABLE.iter().any(|(tm, tp, ..)| tm == m && tp == p),
            "route {m} {p} has no row in the matrix"
        );
    }
    for (m, p, ..) in TABLE {
        assert!(
            routes.iter().any(|(rm, rp)| rm == m && rp == p),
            "row {m} {p} is not a route"
        );
    }

    let mut wrong = Vec::new();
    let mut checked = 0;
    for who in ALL {
        let role = Role::parse(who);
        let mut n = 0;
        let mut session = |st: &yangguang_web::AppState| {
            n += 1;
            let st = st.clone();
            let name = format!("m_{who}_{n}");
            async move {
                match role {
                    Some(r) => signed_in(&st, &name, r).await,
                    None => Browser::new(&st),
                }
            }
        };
        let mut b = session(&st).await;
        for (method, path, url, allowed, ends) in TABLE {
            let expect_allowed = allowed.contains(who);
            let page = if *ends {
                let mut fresh = session(&st).await;
                request(&mut fresh, method, url).await
            } else {
                request(&mut b, method, url).await
            };
            checked += 1;
            if refused(&page) == expect_allowed {
                wrong.push(format!(
                    "{who:>16} {method:4} {path}: expected {}, got {} {:?}",
                    if expect_allowed { "allowed" } else { "refused" },
                    page.status,
                    page.location
                ));
            }
        }
        // The browser still holds a working session (nothing above ended it).
        if who != &ANON {
            let p = b.get("/account").await;
            assert_eq!(p.status, StatusCode::OK, "{who}: session survived the run");
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {checked} cells differ:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert_eq!(checked, TABLE.len() * ALL.len());
}
