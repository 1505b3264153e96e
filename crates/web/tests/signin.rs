//! Signing in through HTTP: CSRF on every form, cookie flags, the second
//! factor for leaders, enrolment with a QR code, sign-out.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use yangguang_kernel::org::Role;
use yangguang_kernel::testing::kernels;
use yangguang_kernel::{otp, timefmt};
use yangguang_web::testing::{Browser, PASSWORD, add_user, extract_csrf, signed_in, state_for};

#[tokio::test]
async fn csrf_token_is_required_on_every_form_post() {
    for (be, k) in kernels("web_csrf", &yangguang_web::migrations())
        .await
        .expect("kernels")
    {
        let st = state_for(k).await;
        add_user(&st, "liuyang", Role::Staff).await;
        let mut b = Browser::new(&st);
        let page = b.get("/login").await;
        let cookie = page
            .set_cookies
            .iter()
            .find(|c| c.starts_with("yg_csrf="))
            .cloned()
            .unwrap_or_default();
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
            "{be}: {cookie}"
        );
        let p = b
            .post_raw("/login", &[("username", "liuyang"), ("password", PASSWORD)])
            .await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "{be}: no token");
        assert!(p.body.contains("CSRF 校验未通过"), "{be}");
        let p = b
            .post_raw(
                "/login",
                &[
                    ("_csrf", "00000000000000000000000000000000"),
                    ("username", "liuyang"),
                    ("password", PASSWORD),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "{be}: wrong token");
        // Signed in, the token changes to the session's own: the
        // anonymous one no longer works.
        let anon = b.csrf().await;
        let p = b
            .post("/login", &[("username", "liuyang"), ("password", PASSWORD)])
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{be}");
        let p = b.post_raw("/logout/all", &[("_csrf", &anon)]).await;
        assert_eq!(
            p.status,
            StatusCode::FORBIDDEN,
            "{be}: pre-login token refused after sign-in"
        );
        let page = b.get("/account").await;
        assert_eq!(page.status, StatusCode::OK, "{be}: still signed in");
        let token = extract_csrf(&page.body);
        let p = b.post_raw("/logout/all", &[("_csrf", &token)]).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{be}");
    }
}

#[tokio::test]
async fn session_cookie_is_httponly_samesite_and_secure_behind_https() {
    let (_, k) = kernels("web_cookie", &yangguang_web::migrations())
        .await
        .expect("kernels")
        .remove(0);
    let st = state_for(k).await;
    add_user(&st, "liuyang", Role::Staff).await;
    let mut b = Browser::new(&st);
    let token = b.csrf().await;
    let body = serde_urlencoded::to_string([
        ("_csrf", token.as_str()),
        ("username", "liuyang"),
        ("password", PASSWORD),
    ])
    .expect("form");
    let cookie = b
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    let req = Request::post("/login")
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("x-forwarded-proto", "https")
        .body(Body::from(body))
        .expect("req");
    let p = b.send(req).await;
    let s = p
        .set_cookies
        .iter()
        .find(|c| c.starts_with("yg_session="))
        .cloned()
        .unwrap_or_default();
    assert!(
        s.contains("HttpOnly") && s.contains("SameSite=Lax") && s.contains("Secure"),
        "{s}"
    );
    let plain = signed_in(&st, "zhaomin", Role::Staff).await;
    assert!(plain.cookies.iter().any(|(k, _)| k == "yg_session"));
}

#[tokio::test]
async fn wrong_password_shows_one_message_for_unknown_and_known_names() {
    let (_, k) = kernels("web_wrongpw", &yangguang_web::migrations())
        .await
        .expect("kernels")
        .remove(0);
    let st = state_for(k).await;
    add_user(&st, "liuyang", Role::Staff).await;
    let mut b = Browser::new(&st);
    let known = b
        .post("/login", &[("username", "liuyang"), ("password", "nope")])
        .await;
    let unknown = b
        .post("/login", &[("username", "ghost"), ("password", "nope")])
        .await;
    for p in [&known, &unknown] {
        assert_eq!(p.status, StatusCode::UNAUTHORIZED);
        assert!(p.body.contains("用户名或密码错误"));
        assert!(p.body.contains("role=\"alert\""));
    }
}

#[tokio::test]
async fn leader_must_pass_the_second_factor_before_any_page() {
    for (be, k) in kernels("web_2fa", &yangguang_web::migrations())
        .await
        .expect("kernels")
    {
        let st = state_for(k).await;
        let secret = add_user(&st, "wangjg", Role::PrincipalLeader)
            .await
            .expect("leaders get a factor");
        let mut b = Browser::new(&st);
        let p = b
            .post(
                "/login",
                &[
                    ("username", "wangjg"),
                    ("password", PASSWORD),
                    ("next", "/staff/"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{be}");
        assert!(
            p.location
                .as_deref()
                .is_some_and(|l| l.starts_with("/login/otp")),
            "{be}"
        );
        let p = b.get("/staff/").await;
        assert_eq!(
            p.location.as_deref(),
            Some("/login/otp"),
            "{be}: workbench waits for the code"
        );
        let p = b
            .post("/login/otp", &[("code", "123456"), ("next", "/staff/")])
            .await;
        assert_eq!(p.status, StatusCode::UNAUTHORIZED, "{be}");
        assert!(p.body.contains("动态口令不正确"), "{be}");
        let code = otp::totp(&secret, timefmt::now().unix_timestamp() as u64);
        let p = b
            .post("/login/otp", &[("code", &code), ("next", "/staff/")])
            .await;
        assert_eq!(p.location.as_deref(), Some("/staff/"), "{be}");
        let p = b.get("/staff/").await;
        assert_eq!(p.status, StatusCode::OK, "{be}: {}", p.body);
        assert!(p.body.contains("工作台"), "{be}");
    }
}

#[tokio::test]
async fn leader_without_a_factor_enrols_with_a_qr_code_and_gets_recovery_codes() {
    let (_, k) = kernels("web_enrol", &yangguang_web::migrations())
        .await
        .expect("kernels")
        .remove(0);
    let st = state_for(k).await;
    // A leader created without a factor (the CLI path).
    yangguang_kernel::org_store::add_user(
        &st.kernel,
        &yangguang_kernel::audit::Actor::cli(),
        timefmt::now(),
        yangguang_kernel::org_store::NewUser {
            username: "liming".into(),
            display_name: "李明".into(),
            agency_code: None,
            division_code: None,
            title: String::new(),
            password: PASSWORD.into(),
            roles: vec![Role::DeputyLeader],
        },
    )
    .await
    .expect("user");
    let mut b = Browser::new(&st);
    b.post("/login", &[("username", "liming"), ("password", PASSWORD)])
        .await;
    let p = b.get("/staff/").await;
    assert_eq!(p.location.as_deref(), Some("/account/2fa"));
    let page = b.get("/account/2fa").await;
    assert!(
        page.body.contains("<svg") && page.body.contains("role=\"img\""),
        "server-rendered QR code"
    );
    assert!(page.body.contains("必须使用“密码＋动态口令”双因素登录"));
    let secret_b32 = page
        .body
        .split("name=\"secret\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_default()
        .to_string();
    let secret = otp::base32_decode(&secret_b32).expect("secret");
    let p = b
        .post(
            "/account/2fa",
            &[
                ("kind", "totp"),
                ("secret", &secret_b32),
                ("code", "000000"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::BAD_REQUEST);
    assert!(p.body.contains("动态口令不正确或已过期"));
    let code = otp::totp(&secret, timefmt::now().unix_timestamp() as u64);
    let p = b
        .post(
            "/account/2fa",
            &[("kind", "totp"), ("secret", &secret_b32), ("code", &code)],
        )
        .await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.body.contains("只显示这一次"));
    assert_eq!(
        p.body.matches("<li><code>").count(),
        10,
        "ten recovery codes"
    );
    assert_eq!(
        b.get("/staff/").await.status,
        StatusCode::OK,
        "signed in after enrolment"
    );
}

#[tokio::test]
async fn sign_out_ends_the_session_and_protected_pages_ask_to_sign_in() {
    let (_, k) = kernels("web_logout", &yangguang_web::migrations())
        .await
        .expect("kernels")
        .remove(0);
    let st = state_for(k).await;
    let mut b = signed_in(&st, "liuyang", Role::Staff).await;
    let old = b.clone();
    let p = b.post("/logout", &[]).await;
    assert_eq!(p.location.as_deref(), Some("/login?done=logout"));
    assert!(
        p.set_cookies
            .iter()
            .any(|c| c.starts_with("yg_session=;") && c.contains("Max-Age=0"))
    );
    let p = b.get("/login?done=logout").await;
    assert!(p.body.contains("您已安全退出"));
    // The old cookie is dead on the server too.
    let mut replay = old;
    let p = replay.get("/staff/").await;
    assert_eq!(p.location.as_deref(), Some("/login?next=%2Fstaff%2F"));
}

#[tokio::test]
async fn next_parameter_never_redirects_off_site() {
    let (_, k) = kernels("web_next", &yangguang_web::migrations())
        .await
        .expect("kernels")
        .remove(0);
    let st = state_for(k).await;
    add_user(&st, "liuyang", Role::Staff).await;
    let mut b = Browser::new(&st);
    b.post(
        "/login",
        &[
            ("username", "liuyang"),
            ("password", PASSWORD),
            ("next", "//evil.example/x"),
        ],
    )
    .await;
    let p = b.get("/login/otp?next=//evil.example/x").await;
    assert_eq!(p.location.as_deref(), Some("/staff/"));
}

#[tokio::test]
async fn refused_access_and_refused_csrf_are_audited_as_security_events() {
    let (_, k) = kernels("web_denied", &yangguang_web::migrations())
        .await
        .expect("kernels")
        .remove(0);
    let st = state_for(k).await;
    let mut b = signed_in(&st, "liuyang", Role::Staff).await;
    assert_eq!(b.get("/admin/users").await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        b.post_raw("/logout/all", &[]).await.status,
        StatusCode::FORBIDDEN
    );
    let entries = yangguang_kernel::audit::latest(&st.kernel.db, 2)
        .await
        .expect("audit");
    assert_eq!(entries[1].event_type, "access.denied");
    assert_eq!(entries[1].object, "route:GET /admin/users");
    assert_eq!(
        (entries[1].actor.as_str(), entries[1].outcome.as_str()),
        ("liuyang", "refused")
    );
    assert_eq!(entries[0].event_type, "csrf.refused");
    assert_eq!(entries[0].object, "path:/logout/all");
}
