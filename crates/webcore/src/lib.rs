//! What every module's pages share: the application state, access rules
//! and the guard, the page frame, the one mapping of errors to HTTP, and
//! form parsing. Each domain crate declares its routes with `Route`; the
//! `web` crate composes them into one application.

pub mod access;
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
    /// Module services (e.g. the search index), by type.
    services: Arc<std::sync::RwLock<axum::http::Extensions>>,
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
        AppState {
            kernel,
            site: Arc::new(RwLock::new(site)),
            ready: Arc::new(AtomicBool::new(ready)),
            secure_cookies: std::env::var("YANGGUANG_SECURE_COOKIES").is_ok_and(|v| v == "1"),
            access: Arc::new(access),
            services: Arc::default(),
        }
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
        *self.site.write().await = s;
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
