//! One's own account: sessions, password change, second-factor enrolment.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use yangguang_kernel::auth::{self, Policy};
use yangguang_kernel::{Error, otp, qr, timefmt};

use crate::AppState;
use crate::access::{Access, Route};
use crate::error::{ApiError, PageError, render};
use crate::forms::Fields;
use crate::layout::{Frame, Layout};

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/account", Access::SignedIn, get(account_page)),
        Route::get("/account/password", Access::SignInStep, get(password_page)),
        Route::post(
            "/account/password",
            Access::SignInStep,
            post(password_submit),
        ),
        Route::get("/account/2fa", Access::SignInStep, get(mfa_page)),
        Route::post("/account/2fa", Access::SignInStep, post(mfa_submit)),
    ]
}

pub struct SessionRow {
    pub created: String,
    pub last_seen: String,
    pub ip: String,
    pub agent: String,
    pub current: bool,
}

#[derive(askama::Template)]
#[template(path = "account.html")]
struct AccountPage {
    layout: Layout,
    username: String,
    roles: String,
    mfa: String,
    sessions: Vec<SessionRow>,
}

async fn account_page(State(st): State<AppState>, frame: Frame) -> Response {
    let Some(s) = frame.viewer.user().cloned() else {
        return Redirect::to("/login").into_response();
    };
    let kind = auth::second_factor_kind(&st.kernel, s.user_id)
        .await
        .ok()
        .flatten();
    let sessions = match auth::open_sessions(&st.kernel, s.user_id).await {
        Ok(v) => v,
        Err(e) => return ApiError(e).into_response(),
    };
    render(
        StatusCode::OK,
        &AccountPage {
            layout: frame.nav("account"),
            username: s.username.clone(),
            roles: s
                .roles
                .iter()
                .map(|r| r.label())
                .collect::<Vec<_>>()
                .join("、"),
            mfa: match kind.as_deref() {
                Some("sm3") => "已启用：国密 SM3 动态令牌（GM/T 0021-2012）".into(),
                Some(_) => "已启用：手机验证器应用（TOTP）".into(),
                None => "未启用".into(),
            },
            sessions: sessions
                .into_iter()
                .map(|x| SessionRow {
                    current: x.token_hash == s.token_hash,
                    created: x.created,
                    last_seen: x.last_seen,
                    ip: if x.ip.is_empty() { "—".into() } else { x.ip },
                    agent: yangguang_kernel::text::clip(&x.user_agent, 60),
                })
                .collect(),
        },
    )
}

#[derive(askama::Template)]
#[template(path = "account_password.html")]
struct PasswordPage {
    layout: Layout,
    expired: bool,
    error: Option<String>,
    done: bool,
    min_length: u32,
    history: u32,
}

#[derive(Deserialize)]
struct DoneQuery {
    #[serde(default)]
    done: String,
}

async fn password_page(
    State(st): State<AppState>,
    frame: Frame,
    Query(q): Query<DoneQuery>,
) -> Response {
    let expired = frame
        .viewer
        .session
        .as_ref()
        .is_some_and(|s| s.password_expired);
    let policy = Policy::load(&st.kernel).await.unwrap_or_default();
    render(
        StatusCode::OK,
        &PasswordPage {
            layout: frame.nav("account"),
            expired,
            error: None,
            done: q.done == "1",
            min_length: policy.min_length,
            history: policy.history,
        },
    )
}

async fn password_submit(State(st): State<AppState>, frame: Frame, f: Fields) -> Response {
    let Some(s) = frame.viewer.session.clone() else {
        return Redirect::to("/login").into_response();
    };
    let policy = Policy::load(&st.kernel).await.unwrap_or_default();
    let result = if f.get("new") != f.get("confirm") {
        Err(Error::invalid("mismatch", "两次输入的新密码不一致"))
    } else {
        auth::change_password(&st.kernel, &s, f.get("old"), f.get("new"), timefmt::now()).await
    };
    match result {
        Ok(()) => Redirect::to("/account/password?done=1").into_response(),
        Err(e) if e.is_client_error() => render(
            StatusCode::BAD_REQUEST,
            &PasswordPage {
                layout: frame.nav("account"),
                expired: s.password_expired,
                error: Some(e.to_string()),
                done: false,
                min_length: policy.min_length,
                history: policy.history,
            },
        ),
        Err(e) => ApiError(e).into_response(),
    }
}

#[derive(askama::Template)]
#[template(path = "account_2fa.html")]
struct MfaPage {
    layout: Layout,
    kind: String,
    secret: String,
    secret_spaced: String,
    qr_svg: String,
    error: Option<String>,
    required: bool,
    enrolled: bool,
}

#[derive(askama::Template)]
#[template(path = "account_recovery.html")]
struct RecoveryPage {
    layout: Layout,
    codes: Vec<String>,
    next: String,
}

#[derive(Deserialize)]
struct KindQuery {
    #[serde(default)]
    kind: String,
}

fn spaced(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

async fn mfa_form(
    st: &AppState,
    frame: Frame,
    kind: &str,
    secret: String,
    error: Option<String>,
) -> Response {
    let Some(s) = frame.viewer.session.clone() else {
        return Redirect::to("/login").into_response();
    };
    let enrolled = auth::second_factor_kind(&st.kernel, s.user_id)
        .await
        .ok()
        .flatten()
        .is_some();
    let issuer = st.site.read().await.agency_name.clone();
    let qr_svg = if kind == "totp" {
        let secret_bytes = otp::base32_decode(&secret).unwrap_or_default();
        let uri = otp::otpauth_uri(&format!("阳光政务·{issuer}"), &s.username, &secret_bytes);
        qr::svg(&uri, "动态口令绑定二维码").unwrap_or_default()
    } else {
        String::new()
    };
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    render(
        status,
        &MfaPage {
            layout: frame.nav("account"),
            kind: kind.to_string(),
            secret_spaced: spaced(&secret),
            secret,
            qr_svg,
            error,
            required: s.must_enroll,
            enrolled,
        },
    )
}

async fn mfa_page(
    State(st): State<AppState>,
    frame: Frame,
    Query(q): Query<KindQuery>,
) -> Response {
    let kind = if q.kind == "sm3" { "sm3" } else { "totp" };
    let secret = match otp::new_secret() {
        Ok(b) => otp::base32(&b),
        Err(e) => return ApiError(Error::Internal(e.to_string())).into_response(),
    };
    mfa_form(&st, frame, kind, secret, None).await
}

async fn mfa_submit(State(st): State<AppState>, frame: Frame, f: Fields) -> Response {
    let Some(s) = frame.viewer.session.clone() else {
        return Redirect::to("/login").into_response();
    };
    // Re-enrolling replaces a working factor: only a complete session may.
    if !s.must_enroll && !s.complete() {
        return PageError {
            error: Error::invalid("forbidden", "请先完成动态口令验证"),
            layout: frame.nav("account"),
            status: Some(StatusCode::FORBIDDEN),
        }
        .into_response();
    }
    let kind = if f.get("kind") == "sm3" {
        "sm3"
    } else {
        "totp"
    };
    let secret = f.get("secret").to_string();
    let now = timefmt::now();
    match auth::enroll_second_factor(&st.kernel, &s, kind, &secret, f.get("code"), now).await {
        Ok(codes) => {
            // The code just shown proves possession: this session counts as
            // having passed the second factor.
            if let Err(e) = auth::mark_second_factor_passed(&st.kernel, &s).await {
                return ApiError(e).into_response();
            }
            render(
                StatusCode::OK,
                &RecoveryPage {
                    layout: frame.nav("account"),
                    codes,
                    next: crate::login::landing(&s.roles, ""),
                },
            )
        }
        Err(e) if e.is_client_error() => {
            mfa_form(&st, frame, kind, secret, Some(e.to_string())).await
        }
        Err(e) => ApiError(e).into_response(),
    }
}
