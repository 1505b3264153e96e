//! Sign-in rules (RULES.md §9) through the kernel on each database:
//! lockout, idle and absolute timeouts, password policy and history, both
//! one-time password kinds, replay and recovery codes, sign-out everywhere.

use time::{Duration, OffsetDateTime};
use yangguang_kernel::audit::Actor;
use yangguang_kernel::auth::{self, Policy, SecondFactor, SignInError};
use yangguang_kernel::org::Role;
use yangguang_kernel::org_store::{self, NewAgency, NewUser};
use yangguang_kernel::testing::kernels;
use yangguang_kernel::{Error, Kernel, otp};

const PW: &str = "Correct-Horse-9";
const T0: OffsetDateTime = time::macros::datetime!(2026-11-26 01:00 UTC);

async fn setup(k: &Kernel, username: &str, role: Role) -> i64 {
    if org_store::agency_by_code(k, "AJJ")
        .await
        .expect("q")
        .is_none()
    {
        org_store::add_agency(
            k,
            &Actor::cli(),
            T0,
            NewAgency {
                code: "AJJ".into(),
                name: "苏州市安全生产监督管理局".into(),
                short_name: "苏州市安监局".into(),
                doc_prefix: "苏安监".into(),
                address: String::new(),
                phone: String::new(),
            },
        )
        .await
        .expect("agency");
    }
    org_store::add_user(
        k,
        &Actor::cli(),
        T0,
        NewUser {
            username: username.into(),
            display_name: "测试".into(),
            agency_code: None,
            division_code: None,
            title: String::new(),
            password: PW.into(),
            roles: vec![role],
        },
    )
    .await
    .expect("user")
}

async fn login(
    k: &Kernel,
    user: &str,
    pw: &str,
    at: OffsetDateTime,
) -> Result<String, SignInError> {
    auth::sign_in(k, user, pw, at, "127.0.0.1", "test")
        .await
        .expect("sign_in runs")
}

#[tokio::test]
async fn lockout_after_five_failures_in_fifteen_minutes_without_revealing_the_account() {
    for (be, k) in kernels("auth_lockout", &[]).await.expect("kernels") {
        setup(&k, "liuyang", Role::Staff).await;
        for i in 0..5 {
            let at = T0 + Duration::minutes(i);
            assert_eq!(
                login(&k, "liuyang", "wrong", at).await,
                Err(SignInError::Refused),
                "{be}"
            );
            // An unknown name gets the very same answer.
            assert_eq!(
                login(&k, "nobody", "wrong", at).await,
                Err(SignInError::Refused),
                "{be}"
            );
        }
        let locked = login(&k, "liuyang", PW, T0 + Duration::minutes(5)).await;
        assert_eq!(
            locked,
            Err(SignInError::TooManyFailures { minutes: 15 }),
            "{be}"
        );
        assert_eq!(
            login(&k, "nobody", PW, T0 + Duration::minutes(5)).await,
            Err(SignInError::TooManyFailures { minutes: 15 }),
            "{be}: same refusal for a name that does not exist"
        );
        assert_eq!(
            locked.err().map(|e| e.to_string()).as_deref(),
            Some("登录失败次数过多，请 15 分钟后再试")
        );
        // The window slides: 15 minutes after the failures, the right password works.
        assert!(
            login(&k, "liuyang", PW, T0 + Duration::minutes(20))
                .await
                .is_ok(),
            "{be}"
        );
    }
}

#[tokio::test]
async fn administrator_lock_is_told_only_after_the_right_password() {
    for (be, k) in kernels("auth_locked", &[]).await.expect("kernels") {
        setup(&k, "liuyang", Role::Staff).await;
        org_store::set_locked(&k, &Actor::cli(), T0, "liuyang", true)
            .await
            .expect("lock");
        assert_eq!(
            login(&k, "liuyang", "wrong", T0).await,
            Err(SignInError::Refused),
            "{be}"
        );
        assert_eq!(
            login(&k, "liuyang", PW, T0).await,
            Err(SignInError::AccountLocked),
            "{be}"
        );
    }
}

#[tokio::test]
async fn session_ends_after_thirty_idle_minutes_and_after_its_absolute_lifetime() {
    for (be, k) in kernels("auth_timeout", &[]).await.expect("kernels") {
        setup(&k, "liuyang", Role::Staff).await;
        let t = login(&k, "liuyang", PW, T0).await.expect("login");
        assert!(
            auth::session(&k, &t, T0 + Duration::minutes(29))
                .await
                .expect("s")
                .is_some(),
            "{be}"
        );
        // Activity at 29 minutes resets the idle clock.
        assert!(
            auth::session(&k, &t, T0 + Duration::minutes(58))
                .await
                .expect("s")
                .is_some(),
            "{be}"
        );
        assert!(
            auth::session(&k, &t, T0 + Duration::minutes(89))
                .await
                .expect("s")
                .is_none(),
            "{be}: idle"
        );
        assert!(
            auth::session(&k, &t, T0 + Duration::minutes(90))
                .await
                .expect("s")
                .is_none(),
            "{be}: stays ended"
        );

        // Absolute lifetime (12 h) even with constant activity.
        let t = login(&k, "liuyang", PW, T0).await.expect("login");
        let mut at = T0;
        while at < T0 + Duration::hours(12) - Duration::minutes(20) {
            at += Duration::minutes(20);
            assert!(
                auth::session(&k, &t, at).await.expect("s").is_some(),
                "{be} at {at}"
            );
        }
        assert!(
            auth::session(&k, &t, T0 + Duration::hours(12))
                .await
                .expect("s")
                .is_none(),
            "{be}: absolute"
        );
    }
}

#[tokio::test]
async fn sign_out_everywhere_ends_every_session_of_the_user() {
    for (be, k) in kernels("auth_logout_all", &[]).await.expect("kernels") {
        setup(&k, "liuyang", Role::Staff).await;
        let a = login(&k, "liuyang", PW, T0).await.expect("login");
        let b = login(&k, "liuyang", PW, T0).await.expect("login");
        let s = auth::session(&k, &a, T0).await.expect("s").expect("open");
        assert_eq!(
            auth::sign_out_everywhere(&k, &s, T0).await.expect("out"),
            2,
            "{be}"
        );
        assert!(
            auth::session(&k, &b, T0).await.expect("s").is_none(),
            "{be}"
        );
    }
}

#[tokio::test]
async fn password_policy_refuses_short_simple_username_and_reused_passwords() {
    for (be, k) in kernels("auth_pw", &[]).await.expect("kernels") {
        setup(&k, "liuyang", Role::Staff).await;
        let t = login(&k, "liuyang", PW, T0).await.expect("login");
        let s = auth::session(&k, &t, T0).await.expect("s").expect("open");
        let msg = |r: Result<(), Error>| r.err().map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(
            msg(auth::change_password(&k, &s, "bad", "Xyz-12345678", T0).await),
            "原密码不正确",
            "{be}"
        );
        assert_eq!(
            msg(auth::change_password(&k, &s, PW, "Ab1!", T0).await),
            "密码至少 10 位，现为 4 位",
            "{be}"
        );
        assert!(
            msg(auth::change_password(&k, &s, PW, "abcdefghijk", T0).await).contains("至少三类"),
            "{be}"
        );
        assert_eq!(
            msg(auth::change_password(&k, &s, PW, "Liuyang-2026!", T0).await),
            "密码不能包含用户名",
            "{be}"
        );
        assert!(
            msg(auth::change_password(&k, &s, PW, PW, T0).await).contains("最近 5 次"),
            "{be}"
        );
        // Five changes, then the first password may be used again (not before).
        let mut current = PW.to_string();
        for i in 1..=4 {
            let next = format!("Newpass-{i}x!");
            auth::change_password(&k, &s, &current, &next, T0)
                .await
                .expect("change");
            current = next;
        }
        assert!(
            msg(auth::change_password(&k, &s, &current, PW, T0).await).contains("最近 5 次"),
            "{be}: 5th back"
        );
        auth::change_password(&k, &s, &current, "Newpass-5x!", T0)
            .await
            .expect("change");
        auth::change_password(&k, &s, "Newpass-5x!", PW, T0)
            .await
            .expect("6 changes later the first is allowed");
    }
}

#[tokio::test]
async fn password_expiry_and_administrator_reset_force_a_change() {
    for (be, k) in kernels("auth_expiry", &[]).await.expect("kernels") {
        let id = setup(&k, "liuyang", Role::Staff).await;
        let t = login(&k, "liuyang", PW, T0 + Duration::days(91))
            .await
            .expect("login");
        let s = auth::session(&k, &t, T0 + Duration::days(91))
            .await
            .expect("s")
            .expect("open");
        assert!(s.password_expired && !s.complete(), "{be}: 90-day expiry");
        auth::reset_password(
            &k,
            &Actor::user("sysadmin"),
            T0,
            id,
            "liuyang",
            "Temp-Pass-77",
        )
        .await
        .expect("reset");
        assert!(
            auth::session(&k, &t, T0).await.expect("s").is_none(),
            "{be}: reset ends sessions"
        );
        let t = login(&k, "liuyang", "Temp-Pass-77", T0)
            .await
            .expect("login");
        let s = auth::session(&k, &t, T0).await.expect("s").expect("open");
        assert!(s.password_expired, "{be}: must change after reset");
    }
}

#[tokio::test]
async fn leaders_need_a_second_factor_totp_and_replay_is_refused() {
    for (be, k) in kernels("auth_totp", &[]).await.expect("kernels") {
        let id = setup(&k, "wangjg", Role::PrincipalLeader).await;
        let t = login(&k, "wangjg", PW, T0).await.expect("login");
        let s = auth::session(&k, &t, T0).await.expect("s").expect("open");
        assert!(
            s.must_enroll && !s.complete(),
            "{be}: leader without a factor must enrol"
        );
        let secret = otp::new_secret().expect("secret");
        let b32 = otp::base32(&secret);
        let unix = T0.unix_timestamp() as u64;
        let e = auth::enroll_second_factor(&k, &s, "totp", &b32, "000000", T0).await;
        assert!(
            matches!(
                e,
                Err(Error::Invalid {
                    code: "wrong_code",
                    ..
                })
            ),
            "{be}"
        );
        let codes = auth::enroll_second_factor(&k, &s, "totp", &b32, &otp::totp(&secret, unix), T0)
            .await
            .expect("enrol");
        assert_eq!(codes.len(), 10, "{be}");
        let _ = id;
        // A new session: the second factor is asked.
        let t2 = login(&k, "wangjg", PW, T0 + Duration::minutes(1))
            .await
            .expect("login");
        let s2 = auth::session(&k, &t2, T0 + Duration::minutes(1))
            .await
            .expect("s")
            .expect("open");
        assert!(!s2.mfa_ok, "{be}");
        let later = T0 + Duration::minutes(1);
        let code = otp::totp(&secret, later.unix_timestamp() as u64);
        assert_eq!(
            auth::verify_second_factor(&k, &s2, &code, later)
                .await
                .expect("v"),
            SecondFactor::Accepted,
            "{be}"
        );
        assert!(
            auth::session(&k, &t2, later)
                .await
                .expect("s")
                .expect("open")
                .complete(),
            "{be}"
        );
        // The same code cannot be used twice (replay).
        let t3 = login(&k, "wangjg", PW, later).await.expect("login");
        let s3 = auth::session(&k, &t3, later)
            .await
            .expect("s")
            .expect("open");
        assert_eq!(
            auth::verify_second_factor(&k, &s3, &code, later)
                .await
                .expect("v"),
            SecondFactor::Refused,
            "{be}"
        );
        // A recovery code works once.
        assert_eq!(
            auth::verify_second_factor(&k, &s3, &codes[0], later)
                .await
                .expect("v"),
            SecondFactor::Accepted,
            "{be}"
        );
        let t4 = login(&k, "wangjg", PW, later).await.expect("login");
        let s4 = auth::session(&k, &t4, later)
            .await
            .expect("s")
            .expect("open");
        assert_eq!(
            auth::verify_second_factor(&k, &s4, &codes[0], later)
                .await
                .expect("v"),
            SecondFactor::Refused,
            "{be}"
        );
    }
}

#[tokio::test]
async fn national_algorithm_sm3_one_time_password_signs_in_and_failures_lock_out() {
    for (be, k) in kernels("auth_sm3", &[]).await.expect("kernels") {
        let id = setup(&k, "auditadmin", Role::AuditAdmin).await;
        let secret = otp::new_secret().expect("secret");
        auth::store_second_factor(&k, id, "auditadmin", "sm3", &otp::base32(&secret), None, T0)
            .await
            .expect("enrol");
        let t = login(&k, "auditadmin", PW, T0).await.expect("login");
        let s = auth::session(&k, &t, T0).await.expect("s").expect("open");
        let unix = T0.unix_timestamp() as u64;
        // A TOTP code for the same secret is not an SM3 code.
        let wrong = otp::totp(&secret, unix);
        let mut failures = 0;
        if wrong != otp::sm3_otp(&secret, unix) {
            assert_eq!(
                auth::verify_second_factor(&k, &s, &wrong, T0)
                    .await
                    .expect("v"),
                SecondFactor::Refused,
                "{be}"
            );
            failures += 1;
        }
        assert_eq!(
            auth::verify_second_factor(&k, &s, &otp::sm3_otp(&secret, unix), T0)
                .await
                .expect("v"),
            SecondFactor::Accepted,
            "{be}"
        );
        // Wrong codes count as sign-in failures (with the one above): after
        // the fifth, the next attempt ends the session.
        let t = login(&k, "auditadmin", PW, T0).await.expect("login");
        let s = auth::session(&k, &t, T0).await.expect("s").expect("open");
        while failures < 5 {
            let r = auth::verify_second_factor(&k, &s, "999999x", T0)
                .await
                .expect("v");
            assert_eq!(r, SecondFactor::Refused, "{be}");
            failures += 1;
        }
        assert_eq!(
            auth::verify_second_factor(&k, &s, &otp::sm3_otp(&secret, unix), T0)
                .await
                .expect("v"),
            SecondFactor::LockedOut { minutes: 15 },
            "{be}"
        );
        assert!(
            auth::session(&k, &t, T0).await.expect("s").is_none(),
            "{be}: session ended"
        );
    }
}

#[tokio::test]
async fn security_policy_is_validated_and_audited() {
    for (be, k) in kernels("auth_policy", &[]).await.expect("kernels") {
        let form = |idle: &str| {
            auth::POLICY_FIELDS
                .iter()
                .map(|(f, ..)| {
                    let v = if *f == "idle_minutes" {
                        idle.to_string()
                    } else {
                        Policy::default().get(f).to_string()
                    };
                    (f.to_string(), v)
                })
                .collect::<Vec<_>>()
        };
        let e = Policy::parse(&form("2")).err().map(|e| e.to_string());
        assert_eq!(
            e.as_deref(),
            Some("无操作自动退出（分钟）应在 5 到 120 之间，现为 2"),
            "{be}"
        );
        let p = Policy::parse(&form("10")).expect("valid");
        p.save(&k, &Actor::user("secadmin"), T0)
            .await
            .expect("save");
        assert_eq!(
            Policy::load(&k).await.expect("load").idle_minutes,
            10,
            "{be}"
        );
        let entries = yangguang_kernel::audit::latest(&k.db, 1)
            .await
            .expect("audit");
        assert_eq!(entries[0].event_type, "security.policy.update", "{be}");
        assert!(entries[0].detail.contains("idle_minutes"), "{be}");
    }
}
