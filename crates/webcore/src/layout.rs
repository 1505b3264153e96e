//! What every page's frame shows: the agency, the site name, the footer
//! settings, the signed-in person and the visitor's display preferences.

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use yangguang_kernel::Kernel;
use yangguang_kernel::perm::Permission;

use crate::AppState;
use crate::access::Viewer;

/// Site settings an administrator sets (footer and header).
#[derive(Debug, Clone, Default)]
pub struct Site {
    pub agency_name: String,
    pub site_name: String,
    pub address: String,
    pub phone: String,
    pub site_code: String,
    pub icp: String,
    pub psb: String,
}

impl Site {
    pub async fn load(k: &Kernel) -> Site {
        let agency = yangguang_kernel::org_store::main_agency(k)
            .await
            .ok()
            .flatten();
        let get = |key: &'static str| {
            let k = k.clone();
            async move {
                yangguang_kernel::db::query_scalar::<String>(
                    k.db.backend(),
                    "SELECT value FROM settings WHERE key = ?",
                )
                .bind(key)
                .fetch_optional(k.db.pool())
                .await
                .ok()
                .flatten()
                .unwrap_or_default()
            }
        };
        Site {
            agency_name: agency
                .as_ref()
                .map(|a| a.name.clone())
                .unwrap_or_else(|| "阳光政务".to_string()),
            site_name: "政府信息公开".to_string(),
            address: agency
                .as_ref()
                .map(|a| a.address.clone())
                .unwrap_or_default(),
            phone: agency.as_ref().map(|a| a.phone.clone()).unwrap_or_default(),
            site_code: get("site.code").await,
            icp: get("site.icp").await,
            psb: get("site.psb").await,
        }
    }
}

/// The signed-in person as the frame shows them.
#[derive(Debug, Clone, Default)]
pub struct UserBar {
    pub display_name: String,
    pub username: String,
    pub roles: String,
    pub workbench: bool,
    pub admin: bool,
}

/// One page's frame.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    pub site: std::sync::Arc<Site>,
    /// Main navigation entry to mark as current.
    pub nav: &'static str,
    /// 长者模式: larger type, higher contrast.
    pub elder: bool,
    /// 无障碍浏览: underlined links, stronger focus, no decoration.
    pub a11y: bool,
    /// The path of this page (for the mode switches to return to).
    pub path: String,
    pub user: Option<UserBar>,
    /// CSRF token for this page's forms (minted when first printed).
    pub csrf: crate::access::Csrf,
}

impl Layout {
    pub fn new(
        site: &std::sync::Arc<Site>,
        nav: &'static str,
        headers: &HeaderMap,
        path: &str,
        viewer: &Viewer,
    ) -> Layout {
        let cookie = |name: &str| crate::access::cookie(headers, name);
        let user = viewer.user().map(|s| UserBar {
            display_name: s.display_name.clone(),
            username: s.username.clone(),
            roles: s
                .roles
                .iter()
                .map(|r| r.label())
                .collect::<Vec<_>>()
                .join("、"),
            workbench: viewer.can(Permission::Workbench),
            admin: s.roles.iter().any(|r| r.is_admin()),
        });
        Layout {
            site: site.clone(),
            nav,
            elder: cookie("yg_elder").as_deref() == Some("1"),
            a11y: cookie("yg_a11y").as_deref() == Some("1"),
            path: path.to_string(),
            user,
            csrf: viewer.csrf.clone(),
        }
    }

    pub fn body_class(&self) -> String {
        let mut c = Vec::new();
        if self.elder {
            c.push("elder");
        }
        if self.a11y {
            c.push("a11y");
        }
        c.join(" ")
    }
}

/// Extractor: the frame of the current request (nav set by the handler).
pub struct Frame {
    pub layout: Layout,
    pub viewer: Viewer,
}

impl Frame {
    pub fn nav(mut self, nav: &'static str) -> Layout {
        self.layout.nav = nav;
        self.layout
    }
}

impl FromRequestParts<AppState> for Frame {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Self::Rejection> {
        let viewer = parts
            .extensions
            .get::<Viewer>()
            .cloned()
            .unwrap_or_default();
        let site = st.site.read().await.clone();
        let layout = Layout::new(&site, "", &parts.headers, parts.uri.path(), &viewer);
        Ok(Frame { layout, viewer })
    }
}
