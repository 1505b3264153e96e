//! The system administrator's pages through HTTP, on SQLite and PostgreSQL:
//! accounts (created without roles, lock, unlock, reset), the org page (A/B
//! holders, leave and its cancellation), the calendar (import, local days
//! off), and CSRF on every form.

use axum::http::StatusCode;
use time::Duration;
use yangguang_kernel::audit;
use yangguang_kernel::db::query_scalar;
use yangguang_kernel::org::{Acting, Role};
use yangguang_kernel::org_store;
use yangguang_kernel::testing::kernels;
use yangguang_kernel::timefmt::{self, fmt_date, today_cst};
use yangguang_kernel::{Kernel, Result};
use yangguang_web::AppState;
use yangguang_web::testing::{Browser, PASSWORD, Page, add_user, signed_in, state_for};

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

async fn users(k: &Kernel) -> i64 {
    count(k, "SELECT COUNT(*) FROM users").await
}

async fn audit_entries(k: &Kernel) -> i64 {
    count(k, "SELECT COUNT(*) FROM audit_log").await
}

async fn user_id(k: &Kernel, username: &str) -> i64 {
    org_store::user_id_by_name(k, username).await.expect("user")
}

/// Follows redirects (at most five) and returns the last page and path.
async fn follow(b: &mut Browser, mut page: Page) -> (Page, String) {
    let mut path = String::new();
    for _ in 0..5 {
        match page.location.clone() {
            Some(to) if page.status.is_redirection() => {
                path = to.clone();
                page = b.get(&to).await;
            }
            _ => break,
        }
    }
    (page, path)
}

async fn sign_in(st: &AppState, username: &str, password: &str) -> (Browser, Page) {
    let mut b = Browser::new(st);
    let page = b
        .post("/login", &[("username", username), ("password", password)])
        .await;
    (b, page)
}

fn today() -> time::Date {
    today_cst(timefmt::now())
}

#[tokio::test]
async fn system_admin_creates_an_account_without_roles_and_a_duplicate_username_is_refused_409()
-> Result<()> {
    for (be, st) in states("adm_users_create").await {
        let k = &st.kernel;
        let mut admin = signed_in(&st, "sys1", Role::SystemAdmin).await;
        let before = users(k).await;
        let page = admin
            .post(
                "/admin/users",
                &[
                    ("username", "zhangsan"),
                    ("display_name", "张三"),
                    ("division", ""),
                    ("title", "科员"),
                    ("password", "Chushi-Mima-2026"),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{be}: {}", page.body);
        let to = page.location.clone().unwrap_or_default();
        assert!(to.starts_with("/admin/users?done=created"), "{be}: {to}");
        let page = admin.get(&to).await;
        assert_eq!(page.status, StatusCode::OK, "{be}");
        assert!(page.body.contains("账号“zhangsan”已创建"), "{be}");
        assert!(
            page.body.contains("<th scope=\"row\">zhangsan</th>"),
            "{be}"
        );
        assert!(page.body.contains("张三"), "{be}");
        assert!(page.body.contains("未分配"), "{be}");
        assert!(page.body.contains("待本人修改初始密码"), "{be}");
        assert_eq!(users(k).await, before + 1, "{be}");

        let created = org_store::list_users(k)
            .await?
            .into_iter()
            .find(|u| u.username == "zhangsan")
            .expect("listed");
        assert!(
            created.roles.is_empty(),
            "{be}: roles are the security admin's"
        );
        assert_eq!(created.title, "科员", "{be}");
        let entries = audit::for_object(&k.db, "user:zhangsan").await?;
        assert!(
            entries
                .iter()
                .any(|e| e.event_type == "org.user.create" && e.actor == "sys1"),
            "{be}: {entries:?}"
        );

        // The same username again: refused on the form, nothing written.
        let audit_before = audit_entries(k).await;
        let page = admin
            .post(
                "/admin/users",
                &[
                    ("username", "zhangsan"),
                    ("display_name", "张三丰"),
                    ("title", ""),
                    ("password", "Chushi-Mima-2027"),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::CONFLICT, "{be}");
        assert!(page.body.contains("用户名“zhangsan”已存在"), "{be}");
        assert!(page.body.contains("role=\"alert\""), "{be}");
        assert!(page.body.contains("value=\"张三丰\""), "{be}: form kept");
        assert!(
            !page.body.contains("Chushi-Mima-2027"),
            "{be}: never echoed"
        );
        assert_eq!(users(k).await, before + 1, "{be}");
        assert_eq!(audit_entries(k).await, audit_before, "{be}");

        // A weak initial password is refused with the policy's message.
        let page = admin
            .post(
                "/admin/users",
                &[
                    ("username", "lisi"),
                    ("display_name", "李四"),
                    ("password", "short"),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{be}");
        assert!(page.body.contains("密码至少"), "{be}");
        assert_eq!(users(k).await, before + 1, "{be}");

        // The initial password must be changed at the first sign-in.
        let (mut b, page) = sign_in(&st, "zhangsan", "Chushi-Mima-2026").await;
        let (_, path) = follow(&mut b, page).await;
        assert!(path.starts_with("/account/password"), "{be}: {path}");
    }
    Ok(())
}

#[tokio::test]
async fn locked_account_cannot_sign_in_until_unlocked_and_a_reset_password_must_be_changed()
-> Result<()> {
    for (be, st) in states("adm_users_lock").await {
        let k = &st.kernel;
        let mut admin = signed_in(&st, "sys1", Role::SystemAdmin).await;
        add_user(&st, "liuyang", Role::Staff).await;
        let (mut liu, page) = sign_in(&st, "liuyang", PASSWORD).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{be}");
        assert_eq!(liu.get("/staff/").await.status, StatusCode::OK, "{be}");

        let page = admin.post("/admin/users/liuyang/lock", &[]).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{be}: {}", page.body);
        let page = admin.get("/admin/users").await;
        assert!(page.body.contains("已锁定"), "{be}");
        // The open session ends with the lock.
        let page = liu.get("/staff/").await;
        assert!(
            page.location.unwrap_or_default().starts_with("/login"),
            "{be}"
        );
        let (_, page) = sign_in(&st, "liuyang", PASSWORD).await;
        assert_eq!(page.status, StatusCode::UNAUTHORIZED, "{be}");
        assert!(page.body.contains("账号已被锁定，请联系系统管理员"), "{be}");

        // The administrator cannot lock himself out.
        let page = admin.post("/admin/users/sys1/lock", &[]).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{be}");
        assert!(page.body.contains("不能锁定自己的账号"), "{be}");
        assert!(
            !org_store::list_users(k)
                .await?
                .iter()
                .any(|u| u.username == "sys1" && u.locked),
            "{be}"
        );

        let page = admin.post("/admin/users/liuyang/unlock", &[]).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{be}");
        let (mut liu, page) = sign_in(&st, "liuyang", PASSWORD).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{be}: {}", page.body);
        assert_eq!(liu.get("/staff/").await.status, StatusCode::OK, "{be}");

        // A weak temporary password is refused; nothing changes.
        let page = admin
            .post("/admin/users/liuyang/password", &[("password", "abc")])
            .await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{be}");
        assert!(page.body.contains("密码至少"), "{be}");
        assert_eq!(liu.get("/staff/").await.status, StatusCode::OK, "{be}");

        let page = admin
            .post(
                "/admin/users/liuyang/password",
                &[("password", "Linshi-Mima-77")],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{be}: {}", page.body);
        // The reset ends the user's sessions …
        let page = liu.get("/staff/").await;
        assert!(
            page.location.unwrap_or_default().starts_with("/login"),
            "{be}"
        );
        // … the old password no longer works, and the temporary one leads
        // straight to the password change.
        let (_, page) = sign_in(&st, "liuyang", PASSWORD).await;
        assert_eq!(page.status, StatusCode::UNAUTHORIZED, "{be}");
        let (mut liu, page) = sign_in(&st, "liuyang", "Linshi-Mima-77").await;
        let (_, path) = follow(&mut liu, page).await;
        assert!(path.starts_with("/account/password"), "{be}: {path}");
        let entries = audit::for_object(&k.db, "user:liuyang").await?;
        for ev in ["org.user.lock", "org.user.unlock", "auth.password.reset"] {
            assert!(
                entries
                    .iter()
                    .any(|e| e.event_type == ev && e.actor == "sys1"),
                "{be}: {ev}"
            );
        }

        // Unknown account: 404 on the page.
        let page = admin.post("/admin/users/nobody/lock", &[]).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{be}");
        assert!(page.body.contains("用户“nobody”不存在"), "{be}");
    }
    Ok(())
}

#[tokio::test]
async fn new_b_holder_acts_while_a_is_on_leave_and_cancelling_the_leave_keeps_the_row_and_a_acts_again()
-> Result<()> {
    for (be, st) in states("adm_org_ab").await {
        let k = &st.kernel;
        let mut admin = signed_in(&st, "sys1", Role::SystemAdmin).await;
        for u in ["liuyang", "zhaomin", "wuqiang"] {
            add_user(&st, u, Role::Staff).await;
        }
        let (a, b_old, b_new) = (
            user_id(k, "liuyang").await,
            user_id(k, "zhaomin").await,
            user_id(k, "wuqiang").await,
        );
        let page = admin
            .post(
                "/admin/org/posts",
                &[
                    ("post_name", "信息公开岗"),
                    ("post_division", ""),
                    ("post_a", "liuyang"),
                    ("post_b", "zhaomin"),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{be}: {}", page.body);
        let today = today();
        let post = org_store::posts_on(k, today)
            .await?
            .into_iter()
            .find(|v| v.post.name == "信息公开岗")
            .expect("post");
        assert_eq!(post.post.b_user_id, Some(b_old), "{be}");
        let holders = format!("/admin/org/posts/{}/holders", post.post.id);

        // A and B the same person: refused, nothing changed.
        let page = admin
            .post(&holders, &[("a", "liuyang"), ("b", "liuyang")])
            .await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{be}");
        assert!(page.body.contains("A岗与B岗不能是同一人"), "{be}");
        let now = org_store::posts_on(k, today).await?;
        assert_eq!(now[0].post.b_user_id, Some(b_old), "{be}");

        let page = admin
            .post(&holders, &[("a", "liuyang"), ("b", "wuqiang")])
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{be}: {}", page.body);
        let entries = audit::for_object(&k.db, &format!("post:{}", post.post.id)).await?;
        assert!(
            entries
                .iter()
                .any(|e| e.event_type == "org.post.holders" && e.actor == "sys1"),
            "{be}"
        );

        // A leave whose end is before its start: refused, nothing written.
        let page = admin
            .post(
                "/admin/org/leaves",
                &[
                    ("leave_user", "liuyang"),
                    ("leave_from", &fmt_date(today + Duration::days(3))),
                    ("leave_to", &fmt_date(today)),
                    ("leave_reason", "年休假"),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{be}");
        assert!(page.body.contains("请假结束日期不能早于开始日期"), "{be}");
        assert_eq!(count(k, "SELECT COUNT(*) FROM leaves").await, 0, "{be}");

        let page = admin
            .post(
                "/admin/org/leaves",
                &[
                    ("leave_user", "liuyang"),
                    ("leave_from", &fmt_date(today)),
                    ("leave_to", &fmt_date(today + Duration::days(2))),
                    ("leave_reason", "年休假"),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{be}: {}", page.body);
        let v = &org_store::posts_on(k, today).await?[0];
        assert_eq!(
            v.acting,
            Acting::Backup {
                user_id: b_new,
                for_user_id: a
            },
            "{be}: the new B holder acts for A"
        );
        let page = admin.get("/admin/org").await;
        assert_eq!(page.status, StatusCode::OK, "{be}");
        assert!(page.body.contains("B岗代"), "{be}");
        assert!(page.body.contains("请假中"), "{be}");

        let leave = org_store::leaves_from(k, today).await?;
        assert_eq!(leave.len(), 1, "{be}");
        let cancel = format!("/admin/org/leaves/{}/cancel", leave[0].id);
        let page = admin.post(&cancel, &[]).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{be}: {}", page.body);
        let leave = org_store::leaves_from(k, today).await?;
        assert_eq!(leave.len(), 1, "{be}: the row is kept");
        assert!(leave[0].cancelled_at.is_some(), "{be}");
        assert_eq!(count(k, "SELECT COUNT(*) FROM leaves").await, 1, "{be}");
        let v = &org_store::posts_on(k, today).await?[0];
        assert_eq!(v.acting, Acting::Primary { user_id: a }, "{be}");
        let page = admin.get("/admin/org").await;
        assert!(page.body.contains("已撤销"), "{be}");
        let entries = audit::for_object(&k.db, "user:liuyang").await?;
        assert!(
            entries.iter().any(|e| e.event_type == "org.leave.cancel"),
            "{be}"
        );

        // Cancelling twice is a conflict; an unknown leave is not found.
        let page = admin.post(&cancel, &[]).await;
        assert_eq!(page.status, StatusCode::CONFLICT, "{be}");
        assert!(page.body.contains("该请假记录已撤销"), "{be}");
        let page = admin.post("/admin/org/leaves/99999/cancel", &[]).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{be}");
    }
    Ok(())
}

#[tokio::test]
async fn org_page_edits_the_agency_adds_divisions_and_flags_posts_without_a_b_holder() -> Result<()>
{
    for (be, st) in states("adm_org_agency").await {
        let k = &st.kernel;
        let mut admin = signed_in(&st, "sys1", Role::SystemAdmin).await;
        let page = admin
            .post(
                "/admin/org/agency",
                &[
                    ("code", "OTHER"),
                    ("name", "苏州市应急管理局"),
                    ("short_name", "苏州市应急局"),
                    ("doc_prefix", "苏应急"),
                    ("address", "苏州市姑苏区三香路"),
                    ("phone", "0512-12345678"),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{be}: {}", page.body);
        let a = org_store::main_agency(k).await?.expect("agency");
        assert_eq!(a.code, "AJJ", "{be}: the code does not change");
        assert_eq!(a.doc_prefix, "苏应急", "{be}");
        let page = admin.get("/admin/org?done=agency").await;
        assert!(page.body.contains("机关信息已保存"), "{be}");
        assert!(page.body.contains("苏州市应急管理局"), "{be}: header");
        let page = admin
            .post(
                "/admin/org/agency",
                &[("name", ""), ("short_name", "x"), ("doc_prefix", "x")],
            )
            .await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{be}");
        assert!(page.body.contains("请填写机关名称"), "{be}");

        let page = admin
            .post(
                "/admin/org/divisions",
                &[
                    ("div_code", "zcfgc"),
                    ("div_name", "政策法规处"),
                    ("div_kind", "division"),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{be}: {}", page.body);
        let page = admin
            .post(
                "/admin/org/divisions",
                &[
                    ("div_code", "zcfgc"),
                    ("div_name", "另一个处"),
                    ("div_kind", "division"),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::CONFLICT, "{be}");
        assert!(page.body.contains("处室代码“zcfgc”已存在"), "{be}");
        let divisions = org_store::list_divisions(k, "AJJ").await?;
        assert_eq!(divisions.len(), 1, "{be}");

        add_user(&st, "liuyang", Role::Staff).await;
        let page = admin
            .post(
                "/admin/org/posts",
                &[
                    ("post_name", "收发文登记岗"),
                    ("post_division", "zcfgc"),
                    ("post_a", "liuyang"),
                    ("post_b", ""),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{be}: {}", page.body);
        let page = admin.get("/admin/org").await;
        assert!(page.body.contains("政策法规处"), "{be}");
        assert!(page.body.contains("未设B岗"), "{be}");
        assert!(page.body.contains("有 1 个岗位未设B岗"), "{be}");
    }
    Ok(())
}

const CSV_2027: &str = "date,kind,festival\n\
2027-01-01,holiday,元旦\n\
2027-01-02,holiday,元旦\n\
2027-01-03,holiday,元旦\n\
2027-01-30,workday,春节\n\
2027-02-05,holiday,春节\n\
2027-02-06,holiday,春节\n\
2027-02-07,holiday,春节\n\
2027-02-08,holiday,春节\n\
2027-02-09,holiday,春节\n\
2027-02-10,holiday,春节\n\
2027-02-11,holiday,春节\n\
2027-02-12,holiday,春节\n\
2027-02-20,workday,春节\n";

#[tokio::test]
async fn calendar_import_through_the_page_shows_the_summary_and_a_bad_csv_is_refused_400()
-> Result<()> {
    for (be, st) in states("adm_calendar").await {
        let k = &st.kernel;
        let mut admin = signed_in(&st, "sys1", Role::SystemAdmin).await;
        let next = today().year() + 1;
        let page = admin.get("/admin/calendar").await;
        assert_eq!(page.status, StatusCode::OK, "{be}");
        if !k.calendar().has_arrangement(next) {
            assert!(
                page.body
                    .contains(&format!("{next}年节假日安排尚未导入，跨年的期限将标为暂定")),
                "{be}"
            );
        }
        assert!(page.body.contains("2026年"), "{be}: built-in years listed");

        let audit_before = audit_entries(k).await;
        let bad = "date,kind,festival\n2027-01-01,holiday,元旦\n2027-02-30,holiday,春节\n";
        let page = admin
            .post("/admin/calendar/import", &[("source", ""), ("csv", bad)])
            .await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{be}");
        assert!(
            page.body
                .contains("第3行：日期“2027-02-30”无效，应为 YYYY-MM-DD 格式"),
            "{be}"
        );
        assert!(page.body.contains("2027-02-30,holiday,春节"), "{be}: kept");
        assert!(!k.calendar().has_arrangement(2027), "{be}");
        assert_eq!(audit_entries(k).await, audit_before, "{be}");

        let page = admin
            .post(
                "/admin/calendar/import",
                &[("source", "国办发明电〔2026〕7号"), ("csv", CSV_2027)],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{be}: {}", page.body);
        let to = page.location.unwrap_or_default();
        let page = admin.get(&to).await;
        assert!(
            page.body.contains(
                "已导入 2027 年节假日安排：放假 11 天，调休上班 2 天；重新计算到期日 0 个"
            ),
            "{be}: {}",
            page.body
        );
        assert!(k.calendar().has_arrangement(2027), "{be}");
        if next == 2027 {
            assert!(!page.body.contains("尚未导入"), "{be}");
        }

        let page = admin
            .post(
                "/admin/calendar/local",
                &[("day", "2027-03-15"), ("reason", "地方节日")],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{be}: {}", page.body);
        let page = admin.get("/admin/calendar").await;
        assert!(page.body.contains("2027-03-15"), "{be}");
        assert!(page.body.contains("地方节日"), "{be}");
        assert!(
            !k.calendar()
                .is_working_day(time::macros::date!(2027 - 03 - 15))
        );
        let page = admin
            .post(
                "/admin/calendar/local",
                &[("day", "2027-03-15"), ("reason", "再次")],
            )
            .await;
        assert_eq!(page.status, StatusCode::CONFLICT, "{be}");
    }
    Ok(())
}

#[tokio::test]
async fn system_admin_forms_without_csrf_token_are_refused_403_and_nothing_is_written() {
    for (be, st) in states("adm_csrf").await {
        let k = &st.kernel;
        let mut admin = signed_in(&st, "sys1", Role::SystemAdmin).await;
        add_user(&st, "liuyang", Role::Staff).await;
        let (users_before, audit_before) = (users(k).await, audit_entries(k).await);
        let page = admin
            .post_raw(
                "/admin/users",
                &[
                    ("username", "zhangsan"),
                    ("display_name", "张三"),
                    ("password", "Chushi-Mima-2026"),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{be}");
        let page = admin.post_raw("/admin/users/liuyang/lock", &[]).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{be}");
        let page = admin
            .post_raw(
                "/admin/org/leaves",
                &[
                    ("leave_user", "liuyang"),
                    ("leave_from", "2026-12-01"),
                    ("leave_to", "2026-12-02"),
                    ("leave_reason", "年休假"),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{be}");
        let page = admin
            .post_raw(
                "/admin/calendar/import",
                &[("_csrf", "0123456789abcdef"), ("csv", CSV_2027)],
            )
            .await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{be}");
        assert_eq!(users(k).await, users_before, "{be}");
        // Only the four refusals themselves are recorded (security events).
        assert_eq!(audit_entries(k).await, audit_before + 4, "{be}");
        assert_eq!(
            count(
                k,
                "SELECT COUNT(*) FROM audit_log WHERE event_type = 'csrf.refused'"
            )
            .await,
            4,
            "{be}"
        );
        assert_eq!(count(k, "SELECT COUNT(*) FROM leaves").await, 0, "{be}");
        assert!(!k.calendar().has_arrangement(2027), "{be}");
        assert!(
            !org_store::list_users(k)
                .await
                .expect("users")
                .iter()
                .any(|u| u.locked),
            "{be}"
        );
    }
}

#[tokio::test]
async fn system_admin_pages_are_refused_to_the_other_administrators_and_staff() {
    for (be, st) in states("adm_roles").await {
        let mut sec = signed_in(&st, "sec1", Role::SecurityAdmin).await;
        let mut staff = signed_in(&st, "liuyang", Role::Staff).await;
        for path in ["/admin/org", "/admin/users", "/admin/calendar"] {
            assert_eq!(sec.get(path).await.status, StatusCode::FORBIDDEN, "{be}");
            assert_eq!(staff.get(path).await.status, StatusCode::FORBIDDEN, "{be}");
        }
        let before = users(&st.kernel).await;
        let page = sec
            .post(
                "/admin/users",
                &[
                    ("username", "zhangsan"),
                    ("display_name", "张三"),
                    ("password", "Chushi-Mima-2026"),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{be}");
        assert_eq!(users(&st.kernel).await, before, "{be}");
    }
}
