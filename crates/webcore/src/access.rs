//! Who may do what, in one place. Every route is declared with its access
//! rule (`Route`); the router is built from the same list, and one guard
//! checks the rule of the matched route. A route without a rule is refused.
//! The session middleware loads the signed-in session and checks CSRF on
//! every state-changing request.

use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::MethodRouter;
use hmac::{KeyInit, Mac, SimpleHmac};
use yangguang_kernel::Error;
use yangguang_kernel::auth::{self, Session};
use yangguang_kernel::org::Role;
use yangguang_kernel::perm::{self, Permission};
use yangguang_kernel::timefmt;

use crate::AppState;
use std::sync::Arc;

/// What a route requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// A session part-way through signing in (second factor, enrolment,
    /// expired password) or a complete one.
    SignInStep,
    /// Any complete session.
    SignedIn,
    /// A complete session holding the permission.
    Perm(Permission),
}

impl Access {
    /// As written in the README's route table.
    pub fn describe(self) -> String {
        match self {
            Access::Public => "公开".to_string(),
            Access::SignInStep => "登录中（已验证密码）".to_string(),
            Access::SignedIn => "已登录".to_string(),
            Access::Perm(p) => format!("`{}`", p.code()),
        }
    }
}

/// One route: method, path, rule, handler.
pub struct Route {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
    pub handler: MethodRouter<AppState>,
    /// For JSON API routes: what the OpenAPI document says of it.
    pub doc: Option<ApiDoc>,
}

/// An API route's documentation: summary and parameters (name,
/// description, required). Parameters named in the path (`{id}`) are
/// path parameters; the others are query parameters.
#[derive(Debug, Clone, Copy)]
pub struct ApiDoc {
    pub summary: &'static str,
    pub params: &'static [(&'static str, &'static str, bool)],
}

impl Route {
    pub fn get(path: &'static str, access: Access, handler: MethodRouter<AppState>) -> Route {
        Route {
            method: Method::GET,
            path,
            access,
            handler,
            doc: None,
        }
    }
    pub fn post(path: &'static str, access: Access, handler: MethodRouter<AppState>) -> Route {
        Route {
            method: Method::POST,
            path,
            access,
            handler,
            doc: None,
        }
    }
    /// Documents a JSON API route (listed in `/api/v1/openapi.json`).
    pub fn api(
        mut self,
        summary: &'static str,
        params: &'static [(&'static str, &'static str, bool)],
    ) -> Route {
        self.doc = Some(ApiDoc { summary, params });
        self
    }
}

/// The signed-in person (if any) and the CSRF token for forms.
#[derive(Debug, Clone, Default)]
pub struct Viewer {
    pub session: Option<Session>,
    pub grants: Vec<(Role, Permission)>,
    pub csrf: Csrf,
    pub secure: bool,
}

/// The CSRF token of a request. A first-time visitor's token is minted only
/// when a page actually writes it into a form (templates print it through
/// `Display`); only then does the response set the `yg_csrf` cookie, so the
/// many pages without forms stay cookie-free (and cheaper to serve).
#[derive(Debug, Clone, Default)]
pub struct Csrf(Arc<std::sync::OnceLock<String>>);

impl Csrf {
    /// A token known already (the session's, or the visitor's cookie).
    pub fn known(token: String) -> Csrf {
        let c = Csrf::default();
        let _ = c.0.set(token);
        c
    }

    /// The token, minting a fresh random one on first use.
    pub fn as_str(&self) -> &str {
        self.0.get_or_init(|| random_hex(16))
    }

    /// Whether the token was minted or given (false: nobody asked for it).
    pub fn is_set(&self) -> bool {
        self.0.get().is_some()
    }
}

impl std::ops::Deref for Csrf {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl std::fmt::Display for Csrf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Viewer {
    /// A complete session.
    pub fn user(&self) -> Option<&Session> {
        self.session.as_ref().filter(|s| s.complete())
    }

    pub fn can(&self, p: Permission) -> bool {
        self.user()
            .is_some_and(|s| perm::allowed(&s.roles, &self.grants, p))
    }
}

pub const SESSION_COOKIE: &str = "yg_session";
pub const CSRF_COOKIE: &str = "yg_csrf";

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// `Set-Cookie` value with the flags every cookie of ours carries.
pub fn set_cookie(name: &str, value: &str, max_age: Option<i64>, secure: bool) -> String {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(a) = max_age {
        c.push_str(&format!("; Max-Age={a}"));
    }
    if secure {
        c.push_str("; Secure");
    }
    c
}

fn random_hex(n: usize) -> String {
    let mut b = vec![0u8; n];
    // A failed random source leaves zeros; the token then never matches a
    // real one and the form is refused, which is safe.
    let _ = getrandom::fill(&mut b);
    hex::encode(b)
}

/// The CSRF token of a signed-in session: derived from the session, so it
/// changes with every sign-in and needs no storage.
fn session_csrf(key: &[u8], token_hash: &str) -> String {
    match <SimpleHmac<sm3::Sm3> as KeyInit>::new_from_slice(key) {
        Ok(mut m) => {
            m.update(b"csrf:");
            m.update(token_hash.as_bytes());
            hex::encode(&m.finalize().into_bytes()[..16])
        }
        Err(_) => String::new(),
    }
}

fn ct_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && !a.is_empty()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn is_secure(st: &AppState, headers: &HeaderMap) -> bool {
    st.secure_cookies
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

const FORM_LIMIT: usize = 2 * 1024 * 1024;
/// Uploads (`multipart/form-data`): an attachment of up to 20 MB and the
/// form around it.
const UPLOAD_LIMIT: usize = 25 * 1024 * 1024;

/// How much of a state-changing request's body is read.
fn body_limit(headers: &HeaderMap) -> usize {
    let multipart = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        });
    if multipart { UPLOAD_LIMIT } else { FORM_LIMIT }
}

/// Loads the session, checks CSRF on state-changing requests, and makes the
/// `Viewer` available to handlers.
pub async fn session_layer(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    if path.starts_with("/static/") || path == "/healthz" || path == "/robots.txt" {
        return next.run(req).await;
    }
    let now = timefmt::now();
    let secure = is_secure(&st, req.headers());
    let session = match cookie(req.headers(), SESSION_COOKIE) {
        Some(t) => match auth::session(&st.kernel, &t, now).await {
            Ok(s) => s,
            Err(e) => return crate::error::ApiError(e).into_response(),
        },
        None => None,
    };
    let grants = match &session {
        Some(_) => auth::grants(&st.kernel).await.unwrap_or_default(),
        None => Vec::new(),
    };
    let (csrf, new_csrf_cookie) = match (&session, cookie(req.headers(), CSRF_COOKIE)) {
        (Some(s), _) => (
            Csrf::known(session_csrf(&st.kernel.keys.data, &s.token_hash)),
            false,
        ),
        (None, Some(c)) if c.len() == 32 && c.chars().all(|c| c.is_ascii_hexdigit()) => {
            (Csrf::known(c), false)
        }
        (None, _) => (Csrf::default(), true),
    };
    let mut req = req;
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if unsafe_method {
        let (parts, body) = req.into_parts();
        let bytes = match axum::body::to_bytes(body, body_limit(&parts.headers)).await {
            Ok(b) => b,
            Err(_) => {
                return crate::error::ApiError(Error::invalid("body_too_large", "提交的内容过大"))
                    .into_response();
            }
        };
        let from_header = parts
            .headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let from_query = parts.uri.query().and_then(|q| {
            serde_urlencoded::from_str::<Vec<(String, String)>>(q)
                .ok()
                .and_then(|v| v.into_iter().find(|(k, _)| k == "_csrf").map(|(_, v)| v))
        });
        let from_form = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
            .ok()
            .and_then(|v| v.into_iter().find(|(k, _)| k == "_csrf").map(|(_, v)| v));
        let given = from_header.or(from_form).or(from_query).unwrap_or_default();
        if new_csrf_cookie || !ct_eq(&given, csrf.as_str()) {
            tracing::warn!(path = %parts.uri.path(), "CSRF check failed");
            let user = session
                .as_ref()
                .map(|s| s.username.clone())
                .unwrap_or_default();
            record_refusal(
                &st,
                &user,
                "csrf.refused",
                &format!("path:{}", parts.uri.path()),
            )
            .await;
            return csrf_refused(&st, &parts.headers, parts.uri.path()).await;
        }
        req = Request::from_parts(parts, Body::from(bytes));
    }
    req.extensions_mut().insert(Viewer {
        session,
        grants,
        csrf: csrf.clone(),
        secure,
    });
    let mut resp = next.run(req).await;
    if new_csrf_cookie
        && csrf.is_set()
        && let Ok(v) = HeaderValue::from_str(&set_cookie(CSRF_COOKIE, csrf.as_str(), None, secure))
    {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    let h = resp.headers_mut();
    // Named by constants: a name given as text is parsed on every insert.
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    resp
}

/// Audits a refusal; a failure to audit is logged, not shown (the
/// refusal stands either way).
async fn record_refusal(st: &AppState, user: &str, event_type: &str, object: &str) {
    let actor =
        yangguang_kernel::audit::Actor::user(if user.is_empty() { "anonymous" } else { user });
    let r = yangguang_kernel::audit::record(
        &st.kernel.db,
        &st.kernel.keys,
        timefmt::now(),
        yangguang_kernel::audit::Event {
            actor: &actor,
            event_type,
            object,
            outcome: yangguang_kernel::audit::Outcome::Refused,
            detail: serde_json::json!({}),
        },
    )
    .await;
    if let Err(e) = r {
        tracing::error!(error = %e, "could not audit a refusal");
    }
}

async fn csrf_refused(st: &AppState, headers: &HeaderMap, path: &str) -> Response {
    let message = "页面已过期或请求来源无法确认（CSRF 校验未通过），请返回上一页刷新后重新提交。";
    if path.starts_with("/api/") {
        return (
            StatusCode::FORBIDDEN,
            axum::Json(serde_json::json!({ "error": "csrf_failed", "message": message })),
        )
            .into_response();
    }
    let site = st.site.read().await.clone();
    let layout = crate::layout::Layout::new(&site, "", headers, path, &Viewer::default());
    crate::error::PageError {
        error: Error::invalid("csrf_failed", message),
        layout,
        status: Some(StatusCode::FORBIDDEN),
    }
    .into_response()
}

/// The guard: applies the matched route's rule.
pub async fn guard(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let matched = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_default();
    let Some(access) = st.access_of(&method, &matched) else {
        tracing::error!(%method, path = %matched, "route has no access rule: refused");
        return StatusCode::FORBIDDEN.into_response();
    };
    let viewer = req
        .extensions()
        .get::<Viewer>()
        .cloned()
        .unwrap_or_default();
    match check(access, &viewer) {
        Decision::Allow => next.run(req).await,
        Decision::SignIn => {
            if matched.starts_with("/api/") {
                return (
                    StatusCode::UNAUTHORIZED,
                    axum::Json(
                        serde_json::json!({ "error": "unauthenticated", "message": "请先登录" }),
                    ),
                )
                    .into_response();
            }
            let target = req
                .uri()
                .path_and_query()
                .map(|p| p.as_str().to_string())
                .unwrap_or_else(|| "/".into());
            let next_q = serde_urlencoded::to_string([("next", target)]).unwrap_or_default();
            Redirect::to(&format!("/login?{next_q}")).into_response()
        }
        Decision::Step(to) => Redirect::to(to).into_response(),
        Decision::Forbidden => {
            // A refused access is a security event (RULES.md §9).
            let user = viewer
                .session
                .as_ref()
                .map(|s| s.username.clone())
                .unwrap_or_default();
            record_refusal(
                &st,
                &user,
                "access.denied",
                &format!("route:{method} {matched}"),
            )
            .await;
            let site = st.site.read().await.clone();
            let layout =
                crate::layout::Layout::new(&site, "", req.headers(), req.uri().path(), &viewer);
            crate::error::PageError {
                error: Error::invalid(
                    "forbidden",
                    "您的账号没有访问此页面的权限。如需开通，请联系安全管理员。",
                ),
                layout,
                status: Some(StatusCode::FORBIDDEN),
            }
            .into_response()
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum Decision {
    Allow,
    SignIn,
    /// Part-way through signing in: go to this step first.
    Step(&'static str),
    Forbidden,
}

/// The rule, as a pure function (tested directly and by the matrix test).
pub fn check(access: Access, viewer: &Viewer) -> Decision {
    match access {
        Access::Public => Decision::Allow,
        Access::SignInStep => match &viewer.session {
            Some(_) => Decision::Allow,
            None => Decision::SignIn,
        },
        Access::SignedIn | Access::Perm(_) => match &viewer.session {
            None => Decision::SignIn,
            Some(s) if s.must_enroll => Decision::Step("/account/2fa"),
            Some(s) if !s.mfa_ok => Decision::Step("/login/otp"),
            Some(s) if s.password_expired => Decision::Step("/account/password"),
            Some(_) => match access {
                Access::Perm(p) if !viewer.can(p) => Decision::Forbidden,
                _ => Decision::Allow,
            },
        },
    }
}

/// The client behind the proxy (X-Real-IP, else the first X-Forwarded-For),
/// or `follow_limit::NO_CLIENT` when there is no proxy header to go by.
pub fn client_key(headers: &HeaderMap) -> String {
    headers
        .get("x-real-ip")
        .or_else(|| headers.get("x-forwarded-for"))
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| yangguang_kernel::follow_limit::NO_CLIENT.into())
}
