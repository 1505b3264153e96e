//! The security administrator's pages (roles, permission matrix, policy)
//! and the audit administrator's audit log (filters, exports,
//! verification), through HTTP on each backend. RULES.md §9.

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;
use yangguang_kernel::audit::{self, Actor, Event, Outcome};
use yangguang_kernel::auth::{self, POLICY_FIELDS, Policy};
use yangguang_kernel::db::{query, query_scalar};
use yangguang_kernel::org::Role;
use yangguang_kernel::org_store::{self, NewPost};
use yangguang_kernel::perm::{Permission, default_business_grants};
use yangguang_kernel::testing::kernels;
use yangguang_kernel::timefmt::{self, fmt_date, today_cst};
use yangguang_kernel::{Kernel, perm_store};
use yangguang_web::testing::{AGENCY, Browser, PASSWORD, add_user, signed_in, state_for};
use yangguang_web::{AppState, app};

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

async fn audit_count(k: &Kernel) -> i64 {
    query_scalar(k.db.backend(), "SELECT COUNT(*) FROM audit_log")
        .fetch_one(k.db.pool())
        .await
        .expect("count")
}

async fn log(k: &Kernel, actor: &str, event_type: &str, object: &str, detail: serde_json::Value) {
    audit::record(
        &k.db,
        &k.keys,
        timefmt::now(),
        Event {
            actor: &Actor::user(actor),
            event_type,
            object,
            outcome: Outcome::Success,
            detail,
        },
    )
    .await
    .expect("record");
}

/// The sequence numbers of the rows on an audit page, in page order.
fn seqs(html: &str) -> Vec<i64> {
    html.split("<td class=\"seq\">")
        .skip(1)
        .filter_map(|s| s.split('<').next()?.parse().ok())
        .collect()
}

/// A GET whose headers and raw bytes the test reads (downloads).
async fn download(b: &Browser, uri: &str) -> (StatusCode, HeaderMap, Vec<u8>) {
    let cookie = b
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    let resp = app(b.state.clone())
        .oneshot(
            Request::get(uri)
                .header(header::COOKIE, cookie)
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("response");
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = resp.into_body().collect().await.expect("body").to_bytes();
    (status, headers, body.to_vec())
}

fn grant_codes(grants: &[(Role, Permission)]) -> Vec<String> {
    grants
        .iter()
        .map(|(r, p)| format!("{}:{}", r.code(), p.code()))
        .collect()
}

async fn post_grants(
    b: &mut Browser,
    grants: &[(Role, Permission)],
) -> yangguang_web::testing::Page {
    let codes = grant_codes(grants);
    let fields: Vec<(&str, &str)> = codes.iter().map(|c| ("grant", c.as_str())).collect();
    b.post("/admin/roles/grants", &fields).await
}

fn policy_form(overrides: &[(&str, &str)]) -> Vec<(String, String)> {
    let p = Policy::default();
    POLICY_FIELDS
        .iter()
        .map(|(key, ..)| {
            let v = overrides
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.to_string())
                .unwrap_or_else(|| p.get(key).to_string());
            (key.to_string(), v)
        })
        .collect()
}

async fn post_policy(b: &mut Browser, overrides: &[(&str, &str)]) -> yangguang_web::testing::Page {
    let form = policy_form(overrides);
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    b.post("/admin/policy", &fields).await
}

#[tokio::test]
async fn separation_of_duties_security_admin_assigns_business_roles_but_never_two_admin_roles() {
    for (be, st) in states("adm_sod").await {
        let k = st.kernel.clone();
        let mut sec = signed_in(&st, "sec1", Role::SecurityAdmin).await;
        add_user(&st, "zhangsan", Role::Staff).await;

        let p = sec
            .post(
                "/admin/roles/user",
                &[
                    ("username", "zhangsan"),
                    ("role", "staff"),
                    ("role", "division_head"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{be}: {}", p.body);
        let page = sec
            .get(p.location.as_deref().unwrap_or("/admin/roles"))
            .await;
        assert_eq!(page.status, StatusCode::OK, "{be}");
        assert!(page.body.contains("已保存账号“zhangsan”的角色"), "{be}");
        let row = page
            .body
            .split("id=\"u-zhangsan\"")
            .nth(1)
            .and_then(|s| s.split("</tr>").next())
            .unwrap_or_default();
        assert!(row.contains("工作人员、处室负责人"), "{be}: {row}");
        let e = audit::latest(&k.db, 1).await.expect("latest").remove(0);
        assert_eq!(e.event_type, "org.user.roles", "{be}");
        assert_eq!(e.object, "user:zhangsan", "{be}");
        assert_eq!(e.actor, "sec1", "{be}");

        // Two administrator roles on one account: refused, nothing written.
        let before = audit_count(&k).await;
        let p = sec
            .post(
                "/admin/roles/user",
                &[
                    ("username", "zhangsan"),
                    ("role", "system_admin"),
                    ("role", "audit_admin"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST, "{be}");
        assert!(p.body.contains("三权分立"), "{be}: {}", p.body);
        assert!(p.body.contains("role=\"alert\""), "{be}");
        assert_eq!(audit_count(&k).await, before, "{be}: nothing written");
        let users = org_store::list_users(&k).await.expect("users");
        let z = users
            .iter()
            .find(|u| u.username == "zhangsan")
            .expect("zhangsan");
        assert_eq!(z.roles, vec![Role::DivisionHead, Role::Staff], "{be}");

        // An administrator with a business role: refused too.
        let p = sec
            .post(
                "/admin/roles/user",
                &[
                    ("username", "zhangsan"),
                    ("role", "staff"),
                    ("role", "audit_admin"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST, "{be}");
        assert!(p.body.contains("三权分立"), "{be}");

        // The security administrator may not change his own roles.
        let p = sec
            .post(
                "/admin/roles/user",
                &[("username", "sec1"), ("role", "staff")],
            )
            .await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST, "{be}");
        assert!(p.body.contains("不能修改本人账号的角色"), "{be}");
        assert_eq!(audit_count(&k).await, before, "{be}: nothing written");

        // Each administrator sees only his own pages.
        for path in ["/admin/audit", "/admin/users", "/admin/audit/export.csv"] {
            assert_eq!(
                sec.get(path).await.status,
                StatusCode::FORBIDDEN,
                "{be}: {path}"
            );
        }
        let mut aud = signed_in(&st, "aud1", Role::AuditAdmin).await;
        for path in ["/admin/roles", "/admin/policy"] {
            assert_eq!(
                aud.get(path).await.status,
                StatusCode::FORBIDDEN,
                "{be}: {path}"
            );
        }
        let p = aud
            .post(
                "/admin/roles/user",
                &[("username", "aud1"), ("role", "security_admin")],
            )
            .await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "{be}");
        let p = post_policy(&mut aud, &[]).await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "{be}");
        assert_eq!(aud.get("/admin/audit").await.status, StatusCode::OK, "{be}");
    }
}

#[tokio::test]
async fn separation_of_duties_the_last_holder_of_an_admin_role_keeps_it() {
    for (be, st) in states("adm_last").await {
        let mut sec = signed_in(&st, "sec1", Role::SecurityAdmin).await;
        add_user(&st, "aud1", Role::AuditAdmin).await;
        let p = sec
            .post(
                "/admin/roles/user",
                &[("username", "aud1"), ("role", "staff")],
            )
            .await;
        assert_eq!(p.status, StatusCode::CONFLICT, "{be}");
        assert!(p.body.contains("唯一的审计管理员"), "{be}: {}", p.body);
        add_user(&st, "aud2", Role::AuditAdmin).await;
        let p = sec
            .post(
                "/admin/roles/user",
                &[("username", "aud1"), ("role", "staff")],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{be}: {}", p.body);
    }
}

#[tokio::test]
async fn granting_org_view_to_staff_shows_posts_without_backup_on_the_workbench_and_revoking_hides_them()
 {
    for (be, st) in states("adm_grant").await {
        let k = st.kernel.clone();
        let mut sec = signed_in(&st, "sec1", Role::SecurityAdmin).await;
        let mut staff = signed_in(&st, "staff1", Role::Staff).await;
        org_store::add_post(
            &k,
            &Actor::cli(),
            timefmt::now(),
            NewPost {
                agency_code: AGENCY,
                division_code: None,
                name: "信息公开岗",
                a_username: "staff1",
                b_username: None,
            },
        )
        .await
        .expect("post");
        let page = staff.get("/staff/").await;
        assert_eq!(page.status, StatusCode::OK, "{be}");
        assert!(!page.body.contains("未设B岗的岗位"), "{be}: no OrgView yet");

        let mut with_view = default_business_grants();
        with_view.push((Role::Staff, Permission::OrgView));
        let p = post_grants(&mut sec, &with_view).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{be}: {}", p.body);
        let page = sec.get("/admin/roles").await;
        assert!(
            page.body.contains(
                "value=\"staff:org.view\" aria-label=\"工作人员：查看岗位与AB岗\" checked"
            ),
            "{be}: the matrix shows the grant"
        );
        assert!(page.body.contains("固定授予审计管理员，不可调整"), "{be}");
        let e = audit::latest(&k.db, 1).await.expect("latest").remove(0);
        assert_eq!(e.event_type, "security.grants.update", "{be}");
        assert!(
            e.detail.contains("\"added\":[\"staff:org.view\"]"),
            "{be}: {}",
            e.detail
        );

        let page = staff.get("/staff/").await;
        assert!(page.body.contains("未设B岗的岗位"), "{be}");
        assert!(page.body.contains("信息公开岗"), "{be}");

        let p = post_grants(&mut sec, &default_business_grants()).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{be}");
        let page = staff.get("/staff/").await;
        assert!(!page.body.contains("未设B岗的岗位"), "{be}: revoked");
    }
}

#[tokio::test]
async fn separation_of_duties_a_forged_grant_of_audit_read_to_staff_is_refused_and_not_stored() {
    for (be, st) in states("adm_forge").await {
        let k = st.kernel.clone();
        let mut sec = signed_in(&st, "sec1", Role::SecurityAdmin).await;
        let mut grants_before = auth::grants(&k).await.expect("grants");
        grants_before.sort();
        let audits = audit_count(&k).await;
        let token = sec.csrf().await;
        let p = sec
            .post_raw(
                "/admin/roles/grants",
                &[
                    ("_csrf", token.as_str()),
                    ("grant", "staff:workbench"),
                    ("grant", "staff:audit.read"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST, "{be}");
        assert!(p.body.contains("三权分立"), "{be}: {}", p.body);
        assert!(p.body.contains("查阅审计日志"), "{be}");
        let mut grants_after = auth::grants(&k).await.expect("grants");
        grants_after.sort();
        assert_eq!(grants_after, grants_before, "{be}: nothing stored");
        assert_eq!(audit_count(&k).await, audits, "{be}: nothing written");

        // Nor through the kernel, nor a business permission to an admin.
        let r = perm_store::set_grants(
            &k,
            &Actor::user("sec1"),
            timefmt::now(),
            &[(Role::AuditAdmin, Permission::Workbench)],
        )
        .await;
        assert!(r.is_err(), "{be}");
        let p = sec
            .post_raw(
                "/admin/roles/grants",
                &[("_csrf", token.as_str()), ("grant", "staff:root")],
            )
            .await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST, "{be}");
        assert!(p.body.contains("无法识别的授权"), "{be}");
    }
}

#[tokio::test]
async fn policy_saves_values_in_range_and_refuses_out_of_range_with_the_range_message() {
    for (be, st) in states("adm_policy").await {
        let k = st.kernel.clone();
        let mut sec = signed_in(&st, "sec1", Role::SecurityAdmin).await;
        let page = sec.get("/admin/policy").await;
        assert_eq!(page.status, StatusCode::OK, "{be}");
        assert!(page.body.contains("允许范围：3–20"), "{be}");

        let p = post_policy(&mut sec, &[("idle_minutes", "10")]).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{be}: {}", p.body);
        let page = sec
            .get(p.location.as_deref().unwrap_or("/admin/policy"))
            .await;
        assert!(page.body.contains("安全策略已保存"), "{be}");
        assert!(
            page.body.contains("name=\"idle_minutes\" type=\"number\" inputmode=\"numeric\" min=\"5\" max=\"120\" step=\"1\" value=\"10\""),
            "{be}"
        );
        assert_eq!(
            Policy::load(&k).await.expect("policy").idle_minutes,
            10,
            "{be}"
        );
        let e = audit::latest(&k.db, 1).await.expect("latest").remove(0);
        assert_eq!(e.event_type, "security.policy.update", "{be}");

        let audits = audit_count(&k).await;
        let p = post_policy(
            &mut sec,
            &[("lockout_threshold", "1"), ("idle_minutes", "20")],
        )
        .await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST, "{be}");
        assert!(
            p.body
                .contains("连续登录失败锁定次数应在 3 到 20 之间，现为 1"),
            "{be}: {}",
            p.body
        );
        let policy = Policy::load(&k).await.expect("policy");
        assert_eq!(policy.lockout_threshold, 5, "{be}: nothing saved");
        assert_eq!(policy.idle_minutes, 10, "{be}: nothing saved");
        assert_eq!(audit_count(&k).await, audits, "{be}");
        let p = post_policy(&mut sec, &[("history", "many")]).await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST, "{be}");
        assert!(p.body.contains("应为整数"), "{be}");
    }
}

#[tokio::test]
async fn lockout_threshold_of_three_locks_the_account_after_three_wrong_passwords_even_for_the_right_one()
 {
    for (be, st) in states("adm_lockout").await {
        let mut sec = signed_in(&st, "sec1", Role::SecurityAdmin).await;
        let p = post_policy(&mut sec, &[("lockout_threshold", "3")]).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{be}: {}", p.body);
        add_user(&st, "lisi", Role::Staff).await;
        let mut b = Browser::new(&st);
        for _ in 0..3 {
            let p = b
                .post(
                    "/login",
                    &[("username", "lisi"), ("password", "Wrong-Passw0rd!")],
                )
                .await;
            assert!(p.body.contains("用户名或密码错误"), "{be}");
        }
        let p = b
            .post("/login", &[("username", "lisi"), ("password", PASSWORD)])
            .await;
        assert_ne!(p.status, StatusCode::SEE_OTHER, "{be}: locked");
        assert!(p.body.contains("登录失败次数过多"), "{be}: {}", p.body);
    }
}

#[tokio::test]
async fn audit_page_lists_newest_first_filters_narrow_and_reading_writes_nothing() {
    for (be, st) in states("adm_audit").await {
        let k = st.kernel.clone();
        let mut aud = signed_in(&st, "aud1", Role::AuditAdmin).await;
        for i in 0..3 {
            log(
                &k,
                "wangwu",
                "test.alpha",
                &format!("doc:{i}"),
                serde_json::json!({}),
            )
            .await;
        }
        // B acting for A: found under either name, shown with "代".
        audit::record(
            &k.db,
            &k.keys,
            timefmt::now(),
            Event {
                actor: &Actor {
                    user: "liming".into(),
                    acting_for: Some("wangwu".into()),
                },
                event_type: "test.alpha",
                object: "doc:3",
                outcome: Outcome::Refused,
                detail: serde_json::json!({}),
            },
        )
        .await
        .expect("record");
        for i in 0..2 {
            log(
                &k,
                "zhaoliu",
                "test.beta",
                &format!("file:X{i}"),
                serde_json::json!({}),
            )
            .await;
        }
        let total = audit_count(&k).await;

        let page = aud.get("/admin/audit").await;
        assert_eq!(page.status, StatusCode::OK, "{be}");
        assert!(
            page.body.contains(&format!("审计日志完整：共 {total} 条")),
            "{be}"
        );
        let s = seqs(&page.body);
        assert_eq!(s.len() as i64, total, "{be}");
        assert_eq!(s.first().copied(), Some(total), "{be}: newest first");
        assert!(s.windows(2).all(|w| w[0] > w[1]), "{be}: {s:?}");
        assert!(
            page.body.contains("<option value=\"test.beta\">"),
            "{be}: the type select"
        );
        assert!(page.body.contains("成功"), "{be}");

        assert!(
            page.body
                .contains("liming<br><span class=\"note\">代 wangwu</span>"),
            "{be}"
        );
        assert!(
            page.body.contains("<span class=\"badge red\">拒绝</span>"),
            "{be}"
        );
        let page = aud.get("/admin/audit?actor=wangwu").await;
        assert_eq!(seqs(&page.body).len(), 4, "{be}");
        let page = aud.get("/admin/audit?type=test.beta").await;
        assert_eq!(seqs(&page.body), vec![total, total - 1], "{be}");
        assert!(
            page.body.contains("<option value=\"test.beta\" selected>"),
            "{be}"
        );
        let page = aud.get("/admin/audit?actor=wangwu&type=test.beta").await;
        assert!(seqs(&page.body).is_empty(), "{be}");
        assert!(page.body.contains("没有符合条件的记录"), "{be}");
        let page = aud.get("/admin/audit?object=file%3Ax").await;
        assert_eq!(seqs(&page.body).len(), 2, "{be}: substring, any case");

        let today = today_cst(timefmt::now());
        let tomorrow = today.next_day().expect("tomorrow");
        let page = aud
            .get(&format!(
                "/admin/audit?from={}&to={}",
                fmt_date(today),
                fmt_date(today)
            ))
            .await;
        assert_eq!(
            seqs(&page.body).len() as i64,
            total,
            "{be}: today in Beijing"
        );
        let page = aud
            .get(&format!("/admin/audit?from={}", fmt_date(tomorrow)))
            .await;
        assert!(seqs(&page.body).is_empty(), "{be}");

        let page = aud.get("/admin/audit?from=2026-02-30").await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{be}");
        assert!(
            page.body.contains("日期“2026-02-30”无效"),
            "{be}: {}",
            page.body
        );
        let page = aud.get("/admin/audit?from=2026-11-27&to=2026-11-26").await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{be}");
        let page = aud.get("/admin/audit?page=x").await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{be}");

        assert_eq!(audit_count(&k).await, total, "{be}: reading writes nothing");
    }
}

#[tokio::test]
async fn audit_page_shows_fifty_entries_a_page_with_paging_that_keeps_the_filters() {
    for (be, st) in states("adm_paging").await {
        let k = st.kernel.clone();
        let mut aud = signed_in(&st, "aud1", Role::AuditAdmin).await;
        for i in 0..60 {
            log(
                &k,
                "wangwu",
                "test.bulk",
                &format!("doc:{i}"),
                serde_json::json!({}),
            )
            .await;
        }
        let page = aud.get("/admin/audit?type=test.bulk").await;
        let first = seqs(&page.body);
        assert_eq!(first.len(), 50, "{be}");
        assert!(page.body.contains("共 60 条"), "{be}");
        assert!(page.body.contains("第 1 / 2 页"), "{be}");
        assert!(
            page.body
                .contains("href=\"/admin/audit?type=test.bulk&#38;page=2\""),
            "{be}"
        );
        let page = aud.get("/admin/audit?type=test.bulk&page=2").await;
        let second = seqs(&page.body);
        assert_eq!(second.len(), 10, "{be}");
        assert!(second[0] < first[49], "{be}");
    }
}

#[tokio::test]
async fn audit_csv_export_has_bom_chinese_header_one_line_per_entry_rfc4180_quoting_and_is_audited()
{
    for (be, st) in states("adm_csv").await {
        let k = st.kernel.clone();
        let aud = signed_in(&st, "aud1", Role::AuditAdmin).await;
        log(&k, "wangwu", "test.alpha", "doc:1", serde_json::json!({})).await;
        log(
            &k,
            "zhaoliu",
            "test.beta",
            "doc:a,b",
            serde_json::json!({ "note": "say \"hi\"" }),
        )
        .await;
        log(&k, "zhaoliu", "test.beta", "doc:c", serde_json::json!({})).await;

        let (status, headers, body) =
            download(&aud, "/admin/audit/export.csv?type=test.beta").await;
        assert_eq!(status, StatusCode::OK, "{be}");
        assert!(body.starts_with(&[0xEF, 0xBB, 0xBF]), "{be}: UTF-8 BOM");
        let disposition = headers
            .get(header::CONTENT_DISPOSITION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let day = fmt_date(today_cst(timefmt::now())).replace('-', "");
        assert_eq!(
            disposition,
            format!("attachment; filename=\"audit-{day}.csv\""),
            "{be}"
        );
        assert!(
            headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("text/csv")),
            "{be}"
        );
        let text = String::from_utf8(body).expect("utf-8");
        let lines: Vec<&str> = text
            .trim_start_matches('\u{feff}')
            .split("\r\n")
            .filter(|l| !l.is_empty())
            .collect();
        assert_eq!(
            lines.len(),
            3,
            "{be}: header and one line per entry: {text}"
        );
        assert!(
            lines[0].starts_with("序号,时间（北京时间）,操作人,"),
            "{be}"
        );
        assert!(lines[1].contains(",doc:c,"), "{be}: newest first");
        assert!(lines[2].contains(",\"doc:a,b\","), "{be}: {}", lines[2]);
        assert!(
            lines[2].contains(r#","{""note"":""say \""hi\""""}","#),
            "{be}: {}",
            lines[2]
        );
        assert!(lines[2].contains(",成功,"), "{be}");

        let e = audit::latest(&k.db, 1).await.expect("latest").remove(0);
        assert_eq!(e.event_type, "audit.export", "{be}");
        assert_eq!(e.actor, "aud1", "{be}");
        assert!(
            e.detail.contains("\"event_type\":\"test.beta\""),
            "{be}: {}",
            e.detail
        );
        assert!(e.detail.contains("\"format\":\"csv\""), "{be}");
        assert!(e.detail.contains("\"rows\":2"), "{be}");

        let (status, ..) = download(&aud, "/admin/audit/export.csv?to=2026-13-01").await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{be}");
    }
}

#[tokio::test]
async fn audit_xlsx_export_is_a_zip_workbook_and_is_audited() {
    for (be, st) in states("adm_xlsx").await {
        let k = st.kernel.clone();
        let aud = signed_in(&st, "aud1", Role::AuditAdmin).await;
        log(&k, "wangwu", "test.alpha", "doc:1", serde_json::json!({})).await;
        let before = audit_count(&k).await;
        let (status, headers, body) = download(&aud, "/admin/audit/export.xlsx").await;
        assert_eq!(status, StatusCode::OK, "{be}");
        assert!(body.starts_with(b"PK"), "{be}: a ZIP container");
        assert!(body.len() > 1000, "{be}");
        let disposition = headers
            .get(header::CONTENT_DISPOSITION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert!(
            disposition.starts_with("attachment; filename=\"audit-")
                && disposition.ends_with(".xlsx\""),
            "{be}: {disposition}"
        );
        assert_eq!(audit_count(&k).await, before + 1, "{be}");
        let e = audit::latest(&k.db, 1).await.expect("latest").remove(0);
        assert_eq!(e.event_type, "audit.export", "{be}");
        assert!(e.detail.contains("\"format\":\"xlsx\""), "{be}");
        assert!(
            e.detail.contains(&format!("\"rows\":{before}")),
            "{be}: {}",
            e.detail
        );
    }
}

#[tokio::test]
async fn audit_page_shows_the_red_verification_failure_with_the_seq_of_a_tampered_row() {
    for (be, st) in states("adm_tamper").await {
        let k = st.kernel.clone();
        let mut aud = signed_in(&st, "aud1", Role::AuditAdmin).await;
        for i in 0..3 {
            log(
                &k,
                "wangwu",
                "test.alpha",
                &format!("doc:{i}"),
                serde_json::json!({}),
            )
            .await;
        }
        query(
            k.db.backend(),
            "UPDATE audit_log SET detail = '{\"forged\":true}' WHERE seq = 3",
        )
        .execute(k.db.pool())
        .await
        .expect("tamper");
        let page = aud.get("/admin/audit").await;
        assert_eq!(page.status, StatusCode::OK, "{be}");
        assert!(
            page.body.contains(
                "<p class=\"field-error verify\" role=\"alert\">审计日志校验失败：第 3 条："
            ),
            "{be}: {}",
            page.body
        );
        assert!(!page.body.contains("审计日志完整"), "{be}");
    }
}
