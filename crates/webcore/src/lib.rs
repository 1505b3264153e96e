//! What every module's pages share: the application state, access rules
//! and the guard, the page frame, the one mapping of errors to HTTP, and
//! form parsing. Each domain crate declares its routes with `Route`; the
//! `web` crate composes them into one application.

pub mod access;
pub mod download;
pub mod error;
pub mod forms;
pub mod layout;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::http::Method;
use tokio::sync::RwLock;
use yangguang_kernel::Kernel;

use crate::access::{Access, Route};
use crate::layout::Site;

/// Shared by every handler. One `Arc`: axum clones the state several times
/// a request, and a single reference count is the cheapest clone.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

/// What `AppState` holds (its fields read as `st.kernel`, `st.site`, …).
pub struct Shared {
    pub kernel: Kernel,
    /// The site settings; pages take an `Arc` of them, not a copy.
    pub site: RwLock<Arc<Site>>,
    /// False until seeding (demo) or start-up work is finished.
    ready: AtomicBool,
    /// Mark cookies `Secure` (set when served over HTTPS).
    pub secure_cookies: bool,
    access: HashMap<(Method, String), Access>,
    /// Module services (e.g. the search index), by type.
    services: std::sync::RwLock<axum::http::Extensions>,
}

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl AppState {
    /// The state for an application made of `routes` (their access rules
    /// are what the guard enforces).
    pub async fn new(kernel: Kernel, ready: bool, routes: &[Route]) -> AppState {
        let site = Site::load(&kernel).await;
        let access = routes
            .iter()
            .map(|r| ((r.method.clone(), r.path.to_string()), r.access))
            .collect();
        AppState(Arc::new(Shared {
            kernel,
            site: RwLock::new(Arc::new(site)),
            ready: AtomicBool::new(ready),
            secure_cookies: std::env::var("YANGGUANG_SECURE_COOKIES").is_ok_and(|v| v == "1"),
            access,
            services: Default::default(),
        }))
    }

    /// Makes a module's service available to every handler.
    pub fn provide<T: Clone + Send + Sync + 'static>(&self, service: T) {
        match self.services.write() {
            Ok(mut s) => {
                s.insert(service);
            }
            Err(p) => {
                p.into_inner().insert(service);
            }
        }
    }

    /// A module's service, if provided.
    pub fn service<T: Clone + Send + Sync + 'static>(&self) -> Option<T> {
        match self.services.read() {
            Ok(s) => s.get::<T>().cloned(),
            Err(p) => p.into_inner().get::<T>().cloned(),
        }
    }

    /// Re-reads the site settings (after seeding or an admin change).
    pub async fn reload_site(&self) {
        let s = Site::load(&self.kernel).await;
        *self.site.write().await = Arc::new(s);
    }

    pub fn set_ready(&self) {
        self.ready.store(true, Ordering::SeqCst);
    }

    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::SeqCst)
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
