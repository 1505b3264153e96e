//! What every page's frame shows: the agency, the site name, the footer
//! settings and the visitor's display preferences.

use axum::http::HeaderMap;
use yangguang_kernel::Kernel;

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

/// One page's frame.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    pub site: Site,
    /// Main navigation entry to mark as current.
    pub nav: &'static str,
    /// 长者模式: larger type, higher contrast.
    pub elder: bool,
    /// 无障碍浏览: underlined links, stronger focus, no decoration.
    pub a11y: bool,
    /// The path of this page (for the mode switches to return to).
    pub path: String,
}

impl Layout {
    pub fn new(site: &Site, nav: &'static str, headers: &HeaderMap, path: &str) -> Layout {
        let cookies = headers
            .get_all(axum::http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .map(|c| c.trim().to_string())
            .collect::<Vec<_>>();
        Layout {
            site: site.clone(),
            nav,
            elder: cookies.iter().any(|c| c == "yg_elder=1"),
            a11y: cookies.iter().any(|c| c == "yg_a11y=1"),
            path: path.to_string(),
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
