//! Test support: an app on a fresh kernel and a signed-in browser for any
//! role (second factor included), driven through HTTP like a person.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;
use yangguang_kernel::audit::Actor;
use yangguang_kernel::org::Role;
use yangguang_kernel::org_store::{self, NewAgency, NewUser};
use yangguang_kernel::{Kernel, auth, otp, timefmt};

use crate::{AppState, app};

pub const PASSWORD: &str = "Test-Passw0rd!";
pub const AGENCY: &str = "AJJ";

/// A response as a test reads it.
#[derive(Debug, Clone)]
pub struct Page {
    pub status: StatusCode,
    pub body: String,
    /// The body as sent (downloads: .docx, .xlsx).
    pub bytes: Vec<u8>,
    pub location: Option<String>,
    pub set_cookies: Vec<String>,
}

/// A browser: a cookie jar against one app.
#[derive(Clone)]
pub struct Browser {
    pub state: AppState,
    pub cookies: Vec<(String, String)>,
}

impl Browser {
    pub fn new(state: &AppState) -> Browser {
        Browser {
            state: state.clone(),
            cookies: Vec::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn absorb(&mut self, set_cookies: &[String]) {
        for c in set_cookies {
            let first = c.split(';').next().unwrap_or_default();
            if let Some((k, v)) = first.split_once('=') {
                self.cookies.retain(|(n, _)| n != k);
                let expired = c.contains("Max-Age=0");
                if !expired {
                    self.cookies.push((k.to_string(), v.to_string()));
                }
            }
        }
    }

    pub async fn send(&mut self, req: Request<Body>) -> Page {
        let resp = app(self.state.clone())
            .oneshot(req)
            .await
            .expect("response");
        let status = resp.status();
        let location = resp
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let set_cookies: Vec<String> = resp
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_string))
            .collect();
        self.absorb(&set_cookies);
        let body = resp.into_body().collect().await.expect("body").to_bytes();
        Page {
            status,
            body: String::from_utf8_lossy(&body).to_string(),
            bytes: body.to_vec(),
            location,
            set_cookies,
        }
    }

    pub async fn get(&mut self, uri: &str) -> Page {
        let req = Request::get(uri)
            .header(header::COOKIE, self.cookie_header())
            .body(Body::empty())
            .expect("request");
        self.send(req).await
    }

    /// The CSRF token the pages of this browser carry.
    pub async fn csrf(&mut self) -> String {
        let page = self.get("/login").await;
        let from_page = extract_csrf(&page.body);
        if !from_page.is_empty() {
            return from_page;
        }
        // Signed in: /login redirects; any page with a form has it.
        let page = self.get("/account/password").await;
        extract_csrf(&page.body)
    }

    /// POSTs a form, adding this browser's CSRF token.
    pub async fn post(&mut self, uri: &str, fields: &[(&str, &str)]) -> Page {
        let token = self.csrf().await;
        let mut all: Vec<(&str, &str)> = vec![("_csrf", token.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(uri, &all).await
    }

    /// POSTs a `multipart/form-data` form as a browser uploads a file:
    /// `fields`, then `file` (file name, bytes) as the field `file`. No
    /// CSRF token is added: the test posts to the action the page's form
    /// has (`form_action`), token and all.
    pub async fn post_multipart(
        &mut self,
        uri: &str,
        fields: &[(&str, &str)],
        file: (&str, &[u8]),
    ) -> Page {
        let req = Request::post(uri)
            .header(header::COOKIE, self.cookie_header())
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(Body::from(multipart_body(fields, file)))
            .expect("request");
        self.send(req).await
    }

    /// POSTs a JSON body as an API client does, with `csrf` (if any) in
    /// the `X-CSRF-Token` header.
    pub async fn post_json(
        &mut self,
        uri: &str,
        body: &serde_json::Value,
        csrf: Option<&str>,
    ) -> Page {
        let mut req = Request::post(uri)
            .header(header::COOKIE, self.cookie_header())
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(t) = csrf {
            req = req.header("x-csrf-token", t);
        }
        let req = req.body(Body::from(body.to_string())).expect("request");
        self.send(req).await
    }

    /// POSTs exactly these fields (no CSRF token added).
    pub async fn post_raw(&mut self, uri: &str, fields: &[(&str, &str)]) -> Page {
        let body = serde_urlencoded::to_string(fields).expect("form");
        let req = Request::post(uri)
            .header(header::COOKIE, self.cookie_header())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .expect("request");
        self.send(req).await
    }
}

/// The boundary of the multipart bodies tests send.
pub const BOUNDARY: &str = "----yangguang-test-7d3a91";

/// A multipart body: text fields, then the file under the field `file`.
pub fn multipart_body(fields: &[(&str, &str)], (name, bytes): (&str, &[u8])) -> Vec<u8> {
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// The `action` of the first form on the page whose opening tag contains
/// `marker` (e.g. `enctype="multipart/form-data"`), as a browser would
/// post to it.
pub fn form_action(html: &str, marker: &str) -> Option<String> {
    html.split("<form")
        .skip(1)
        .map(|f| f.split('>').next().unwrap_or_default())
        .find(|tag| tag.contains(marker))
        .and_then(|tag| tag.split("action=\"").nth(1))
        .and_then(|a| a.split('"').next())
        .map(|a| a.replace("&amp;", "&"))
}

pub fn extract_csrf(html: &str) -> String {
    html.split("name=\"_csrf\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_default()
        .to_string()
}

/// A kernel with one agency, wrapped in an app state.
pub async fn state_for(k: Kernel) -> AppState {
    if org_store::agency_by_code(&k, AGENCY)
        .await
        .ok()
        .flatten()
        .is_none()
    {
        org_store::add_agency(
            &k,
            &Actor::cli(),
            timefmt::now(),
            NewAgency {
                code: AGENCY.into(),
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
    crate::state(k, true).await
}

/// Another node of the same deployment: its own process state (data
/// directory, audit head, caches, followers), the same database.
pub async fn second_node(st: &AppState, tag: &str) -> AppState {
    let dir = yangguang_kernel::testing::temp_dir(tag);
    let db = yangguang_kernel::db::Db::connect(st.kernel.db.url())
        .await
        .expect("connect");
    let keys = yangguang_kernel::keys::Keys::for_tests(dir.join("audit-head"));
    let k = Kernel::open(db, keys, dir, &crate::migrations())
        .await
        .expect("kernel");
    state_for(k).await
}

/// Creates `username` with `role` (and a TOTP second factor when the role
/// needs one); returns the TOTP secret if any.
pub async fn add_user(st: &AppState, username: &str, role: Role) -> Option<Vec<u8>> {
    let name = format!("测试{}", role.label());
    add_person(st, username, &name, None, &[role]).await
}

/// Creates `username` named `display_name` in the agency's division
/// `division_code` (none: agency-wide) with `roles`, and a TOTP second
/// factor when the roles need one; returns the TOTP secret if any.
pub async fn add_person(
    st: &AppState,
    username: &str,
    display_name: &str,
    division_code: Option<&str>,
    roles: &[Role],
) -> Option<Vec<u8>> {
    let k = &st.kernel;
    let now = timefmt::now();
    let id = org_store::add_user(
        k,
        &Actor::cli(),
        now,
        NewUser {
            username: username.into(),
            display_name: display_name.into(),
            agency_code: Some(AGENCY.into()),
            division_code: division_code.map(str::to_string),
            title: String::new(),
            password: PASSWORD.into(),
            roles: roles.to_vec(),
        },
    )
    .await
    .expect("user");
    if yangguang_kernel::perm::needs_second_factor(roles) {
        let secret = otp::new_secret().expect("secret");
        auth::store_second_factor(k, id, username, "totp", &otp::base32(&secret), None, now)
            .await
            .expect("enrol");
        return Some(secret);
    }
    None
}

/// A browser signed in (password and, where needed, the second factor) as a
/// new user with `role`.
pub async fn signed_in(st: &AppState, username: &str, role: Role) -> Browser {
    let secret = add_user(st, username, role).await;
    sign_in(st, username, secret.as_deref()).await
}

/// A browser signed in as the existing `username` (password and, with
/// `secret`, the second factor).
pub async fn sign_in(st: &AppState, username: &str, secret: Option<&[u8]>) -> Browser {
    let mut b = Browser::new(st);
    let page = b
        .post("/login", &[("username", username), ("password", PASSWORD)])
        .await;
    assert_eq!(
        page.status,
        StatusCode::SEE_OTHER,
        "sign-in of {username}: {}",
        page.body
    );
    if let Some(secret) = secret {
        let code = otp::totp(secret, timefmt::now().unix_timestamp() as u64);
        let page = b.post("/login/otp", &[("code", &code)]).await;
        assert_eq!(
            page.status,
            StatusCode::SEE_OTHER,
            "second factor of {username}: {}",
            page.body
        );
    }
    b
}
