//! The axum application: layout, static assets, sign-in, the guard, public
//! pages, the staff workbench, administration and the JSON API; later
//! modules' routes are composed here.

pub mod access;
pub mod account;
pub mod admin;
pub mod api;
pub mod error;
pub mod forms;
pub mod layout;
pub mod login;
pub mod pages;
pub mod staff;
#[doc(hidden)]
pub mod testing;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::Router;
use axum::http::{Method, StatusCode, header};
use axum::middleware::from_fn_with_state;
use axum::response::IntoResponse;
use axum::routing::get;
use tokio::sync::RwLock;
use yangguang_kernel::Kernel;

use crate::access::{Access, Route};
use crate::layout::Site;

/// Shared by every handler.
#[derive(Clone)]
pub struct AppState {
    pub kernel: Kernel,
    pub site: Arc<RwLock<Site>>,
    /// False until seeding (demo) or start-up work is finished.
    pub ready: Arc<AtomicBool>,
    /// Mark cookies `Secure` (set when served over HTTPS).
    pub secure_cookies: bool,
    access: Arc<HashMap<(Method, String), Access>>,
}

impl AppState {
    pub async fn new(kernel: Kernel, ready: bool) -> AppState {
        let site = Site::load(&kernel).await;
        let access = routes()
            .into_iter()
            .map(|r| ((r.method, r.path.to_string()), r.access))
            .collect();
        AppState {
            kernel,
            site: Arc::new(RwLock::new(site)),
            ready: Arc::new(AtomicBool::new(ready)),
            secure_cookies: std::env::var("YANGGUANG_SECURE_COOKIES").is_ok_and(|v| v == "1"),
            access: Arc::new(access),
        }
    }

    /// Re-reads the site settings (after seeding or an admin change).
    pub async fn reload_site(&self) {
        let s = Site::load(&self.kernel).await;
        *self.site.write().await = s;
    }

    pub fn set_ready(&self) {
        self.ready.store(true, Ordering::SeqCst);
    }

    pub fn access_of(&self, method: &Method, path: &str) -> Option<Access> {
        let m = if *method == Method::HEAD {
            Method::GET
        } else {
            method.clone()
        };
        self.access.get(&(m, path.to_string())).copied()
    }
}

const CSS: &str = include_str!("../static/site.css");

async fn css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        CSS,
    )
}

async fn healthz(axum::extract::State(st): axum::extract::State<AppState>) -> impl IntoResponse {
    if st.ready.load(Ordering::SeqCst) {
        (StatusCode::OK, "ok")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "starting")
    }
}

async fn robots() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "User-agent: *\nDisallow: /staff/\nDisallow: /admin/\nDisallow: /account\nDisallow: /login\nDisallow: /api/\n",
    )
}

/// Every route with its access rule: the router and the guard both come
/// from this list, and so does the README's route table (checked by a test).
pub fn routes() -> Vec<Route> {
    let mut r = vec![
        Route::get("/healthz", Access::Public, get(healthz)),
        Route::get("/robots.txt", Access::Public, get(robots)),
        Route::get("/static/site.css", Access::Public, get(css)),
    ];
    r.extend(pages::routes());
    r.extend(login::routes());
    r.extend(account::routes());
    r.extend(staff::routes());
    r.extend(admin::routes());
    r.extend(api::routes());
    r
}

/// The whole application.
pub fn app(state: AppState) -> Router {
    let mut router: Router<AppState> = Router::new();
    for r in routes() {
        router = router.route(r.path, r.handler);
    }
    router
        .route_layer(from_fn_with_state(state.clone(), access::guard))
        .fallback(pages::not_found)
        .layer(from_fn_with_state(state.clone(), access::session_layer))
        .with_state(state)
}
