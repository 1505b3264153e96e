//! Signing in and out: password, then the second factor where the role
//! requires it; sign-out here or everywhere.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use yangguang_kernel::auth::{self, SecondFactor};
use yangguang_kernel::timefmt;

use crate::AppState;
use crate::access::{Access, Route, SESSION_COOKIE, set_cookie};
use crate::error::{ApiError, render};
use crate::forms::Fields;
use crate::layout::{Frame, Layout};

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/login", Access::Public, get(login_page)),
        Route::post("/login", Access::Public, post(login_submit)),
        Route::get("/login/otp", Access::SignInStep, get(otp_page)),
        Route::post("/login/otp", Access::SignInStep, post(otp_submit)),
        Route::post("/logout", Access::SignInStep, post(logout)),
        Route::post("/logout/all", Access::SignedIn, post(logout_all)),
    ]
}

/// Only local paths: never an open redirect.
pub fn safe_next(next: &str) -> String {
    if next.starts_with('/') && !next.starts_with("//") && !next.starts_with("/\\") {
        next.to_string()
    } else {
        String::new()
    }
}

/// Where a fully signed-in person lands.
pub fn landing(viewer_roles: &[yangguang_kernel::org::Role], next: &str) -> String {
    let next = safe_next(next);
    if !next.is_empty() && next != "/login" {
        return next;
    }
    if viewer_roles.iter().any(|r| r.is_admin()) {
        "/admin/".into()
    } else {
        "/staff/".into()
    }
}

#[derive(askama::Template)]
#[template(path = "login.html")]
struct LoginPage {
    layout: Layout,
    error: Option<String>,
    notice: Option<String>,
    username: String,
    next: String,
}

#[derive(Deserialize)]
pub struct NextQuery {
    #[serde(default)]
    next: String,
    #[serde(default)]
    done: String,
}

async fn login_page(frame: Frame, Query(q): Query<NextQuery>) -> Response {
    if let Some(s) = frame.viewer.user() {
        return Redirect::to(&landing(&s.roles, &q.next)).into_response();
    }
    let notice = match q.done.as_str() {
        "logout" => Some("您已安全退出。".to_string()),
        "timeout" => Some("登录已超时，请重新登录。".to_string()),
        _ => None,
    };
    render(
        StatusCode::OK,
        &LoginPage {
            layout: frame.nav("login"),
            error: None,
            notice,
            username: String::new(),
            next: safe_next(&q.next),
        },
    )
}

fn client_ip(headers: &HeaderMap) -> String {
    headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(|v| v.trim().to_string())
        .unwrap_or_default()
}

async fn login_submit(
    State(st): State<AppState>,
    frame: Frame,
    headers: HeaderMap,
    f: Fields,
) -> Response {
    let username = f.get("username").trim().to_string();
    let next = safe_next(f.get("next"));
    let ua = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let now = timefmt::now();
    let result = match auth::sign_in(
        &st.kernel,
        &username,
        f.get("password"),
        now,
        &client_ip(&headers),
        ua,
    )
    .await
    {
        Ok(r) => r,
        Err(e) => return ApiError(e).into_response(),
    };
    match result {
        Ok(token) => {
            // A fresh token on every sign-in (no session fixation); the old
            // session of this browser, if any, is ended.
            if let Some(old) = frame.viewer.session.as_ref() {
                let _ = auth::sign_out(&st.kernel, old, now).await;
            }
            let mut resp = Redirect::to(&format!(
                "/login/otp?{}",
                serde_urlencoded::to_string([("next", next)]).unwrap_or_default()
            ))
            .into_response();
            if let Ok(v) = HeaderValue::from_str(&set_cookie(
                SESSION_COOKIE,
                &token,
                None,
                frame.viewer.secure,
            )) {
                resp.headers_mut().append(header::SET_COOKIE, v);
            }
            resp
        }
        Err(refusal) => render(
            StatusCode::UNAUTHORIZED,
            &LoginPage {
                layout: frame.nav("login"),
                error: Some(refusal.to_string()),
                notice: None,
                username,
                next,
            },
        ),
    }
}

#[derive(askama::Template)]
#[template(path = "login_otp.html")]
struct OtpPage {
    layout: Layout,
    display_name: String,
    kind_label: &'static str,
    error: Option<String>,
    next: String,
}

fn kind_label(kind: Option<&str>) -> &'static str {
    match kind {
        Some("sm3") => "国密动态令牌（SM3）",
        _ => "手机验证器应用",
    }
}

async fn otp_page(
    State(st): State<AppState>,
    frame: Frame,
    Query(q): Query<NextQuery>,
) -> Response {
    let Some(s) = frame.viewer.session.clone() else {
        return Redirect::to("/login").into_response();
    };
    if s.must_enroll {
        return Redirect::to("/account/2fa").into_response();
    }
    if s.mfa_ok {
        return Redirect::to(&landing(&s.roles, &q.next)).into_response();
    }
    let kind = auth::second_factor_kind(&st.kernel, s.user_id)
        .await
        .ok()
        .flatten();
    render(
        StatusCode::OK,
        &OtpPage {
            layout: frame.nav("login"),
            display_name: s.display_name.clone(),
            kind_label: kind_label(kind.as_deref()),
            error: None,
            next: safe_next(&q.next),
        },
    )
}

async fn otp_submit(State(st): State<AppState>, frame: Frame, f: Fields) -> Response {
    let Some(s) = frame.viewer.session.clone() else {
        return Redirect::to("/login").into_response();
    };
    let next = safe_next(f.get("next"));
    let now = timefmt::now();
    let secure = frame.viewer.secure;
    match auth::verify_second_factor(&st.kernel, &s, f.get("code"), now).await {
        Ok(SecondFactor::Accepted) => Redirect::to(&landing(&s.roles, &next)).into_response(),
        Ok(SecondFactor::LockedOut { minutes }) => {
            let mut resp = render(
                StatusCode::UNAUTHORIZED,
                &LoginPage {
                    layout: frame.nav("login"),
                    error: Some(format!(
                        "动态口令错误次数过多，已退出登录，请 {minutes} 分钟后再试"
                    )),
                    notice: None,
                    username: String::new(),
                    next: String::new(),
                },
            );
            clear_session_cookie(&mut resp, secure);
            resp
        }
        Ok(SecondFactor::Refused) => {
            let kind = auth::second_factor_kind(&st.kernel, s.user_id)
                .await
                .ok()
                .flatten();
            render(
                StatusCode::UNAUTHORIZED,
                &OtpPage {
                    layout: frame.nav("login"),
                    display_name: s.display_name.clone(),
                    kind_label: kind_label(kind.as_deref()),
                    error: Some("动态口令不正确或已使用，请等待令牌刷新后输入新的口令".to_string()),
                    next,
                },
            )
        }
        Err(e) => ApiError(e).into_response(),
    }
}

fn clear_session_cookie(resp: &mut Response, secure: bool) {
    if let Ok(v) = HeaderValue::from_str(&set_cookie(SESSION_COOKIE, "", Some(0), secure)) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
}

async fn logout(State(st): State<AppState>, frame: Frame) -> Response {
    if let Some(s) = frame.viewer.session.as_ref()
        && let Err(e) = auth::sign_out(&st.kernel, s, timefmt::now()).await
    {
        return ApiError(e).into_response();
    }
    let mut resp = Redirect::to("/login?done=logout").into_response();
    clear_session_cookie(&mut resp, frame.viewer.secure);
    resp
}

async fn logout_all(State(st): State<AppState>, frame: Frame) -> Response {
    if let Some(s) = frame.viewer.session.as_ref()
        && let Err(e) = auth::sign_out_everywhere(&st.kernel, s, timefmt::now()).await
    {
        return ApiError(e).into_response();
    }
    let mut resp = Redirect::to("/login?done=logout").into_response();
    clear_session_cookie(&mut resp, frame.viewer.secure);
    resp
}
