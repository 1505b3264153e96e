//! The axum application: layout, static assets, sign-in, the guard, public
//! pages, the staff workbench, administration and the JSON API; later
//! modules' routes are composed here.

pub mod account;
pub mod admin;
pub mod api;
pub mod login;
pub mod pages;
pub mod staff;
#[doc(hidden)]
pub mod testing;

pub use yangguang_webcore::{AppState, access, error, forms, layout};

use axum::Router;
use axum::http::{StatusCode, header};
use axum::middleware::from_fn_with_state;
use axum::response::IntoResponse;
use axum::routing::get;
use yangguang_kernel::Kernel;

use crate::access::{Access, Route};

/// Every module's migrations, in dependency order (the kernel's run first).
pub fn migrations() -> Vec<&'static [yangguang_kernel::migrate::Migration]> {
    vec![
        yangguang_disclosure::MIGRATIONS,
        yangguang_requests::MIGRATIONS,
        yangguang_decisions::MIGRATIONS,
        yangguang_docflow::MIGRATIONS,
        yangguang_powers::MIGRATIONS,
    ]
}

/// The application state for this application's routes, with the
/// modules' services started (this node's search index follows the
/// outbox).
pub async fn state(kernel: Kernel, ready: bool) -> AppState {
    let st = AppState::new(kernel.clone(), ready, &routes()).await;
    match yangguang_disclosure::indexer::Indexer::open(&kernel) {
        Ok(ix) => {
            ix.spawn();
            st.provide(ix);
        }
        Err(e) => {
            tracing::error!(error = %e, "search index could not be opened; search is unavailable")
        }
    }
    // Rendered public pages and the catalog in memory, both kept current
    // by this node's outbox follower.
    match yangguang_disclosure::cache::PageCache::start(&kernel).await {
        Ok(cache) => st.provide(cache),
        Err(e) => {
            tracing::error!(error = %e, "page cache could not start; pages are rendered each time")
        }
    }
    // 依申请公开: lapsed consultations end, lapsed supplements/fees close.
    yangguang_requests::sweeper::spawn(kernel.clone());
    // 网上办文: reminder levels, and paused documents resume once decided.
    yangguang_docflow::sweeper::spawn(kernel.clone());
    // 办件: boundary timers fire; cases resume once their meeting decided.
    yangguang_powers::sweeper::spawn(kernel.clone());
    // 权力清单: this node's in-memory list follows the list's revision.
    yangguang_powers::listing::spawn_warmer(kernel.clone());
    // 公文检索: this node's index of 公文, following the outbox.
    match yangguang_docflow::search::DocSearch::open(&kernel) {
        Ok(ix) => {
            ix.spawn();
            st.provide(ix);
        }
        Err(e) => tracing::error!(error = %e, "docflow search index could not be opened"),
    }
    st
}

/// Brings this node's search index up to date (before reporting ready).
pub async fn catch_up_search(st: &AppState) -> yangguang_kernel::Result<()> {
    if let Some(ix) = st.service::<std::sync::Arc<yangguang_disclosure::indexer::Indexer>>() {
        ix.catch_up().await?;
    }
    Ok(())
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
    if st.is_ready() {
        (StatusCode::OK, "ok")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "starting")
    }
}

async fn robots() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "User-agent: *\nDisallow: /staff/\nDisallow: /admin/\nDisallow: /account\nDisallow: /login\nDisallow: /api/\nSitemap: /sitemap.xml\n",
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
    r.extend(yangguang_disclosure::routes::routes());
    r.extend(yangguang_requests::routes::routes());
    r.extend(yangguang_decisions::routes::routes());
    r.extend(yangguang_docflow::routes::routes());
    r.extend(yangguang_powers::routes::routes());
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
