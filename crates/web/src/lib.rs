//! The axum application: layout, static assets, public pages and the JSON
//! API; later modules' routers are composed here.

pub mod api;
pub mod error;
pub mod layout;
pub mod pages;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use tokio::sync::RwLock;
use yangguang_kernel::Kernel;

use crate::layout::Site;

/// Shared by every handler.
#[derive(Clone)]
pub struct AppState {
    pub kernel: Kernel,
    pub site: Arc<RwLock<Site>>,
    /// False until seeding (demo) or start-up work is finished.
    pub ready: Arc<AtomicBool>,
}

impl AppState {
    pub async fn new(kernel: Kernel, ready: bool) -> AppState {
        let site = Site::load(&kernel).await;
        AppState {
            kernel,
            site: Arc::new(RwLock::new(site)),
            ready: Arc::new(AtomicBool::new(ready)),
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
        "User-agent: *\nDisallow: /staff/\nDisallow: /admin/\nDisallow: /api/\n",
    )
}

/// The whole application.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/", get(pages::home))
        .route("/xxgk/", get(pages::xxgk))
        .route("/xxgk", get(pages::xxgk_redirect))
        .route("/gongju/gongzuori", get(pages::gongzuori))
        .route("/pref", get(pages::pref))
        .route("/static/site.css", get(css))
        .route("/healthz", get(healthz))
        .route("/robots.txt", get(robots))
        .merge(api::router())
        .fallback(pages::not_found)
        .with_state(state)
}
