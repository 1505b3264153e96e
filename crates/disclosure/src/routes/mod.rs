//! This module's pages: the public portal (`public`), the staff side
//! (`staff`) and the 公开指南 (`guide`). Each route declares its access rule; `web` composes them.

pub mod files;
pub mod guide;
pub mod public;
pub mod search;
pub mod settings;
pub mod staff;

use yangguang_webcore::access::Route;

pub fn routes() -> Vec<Route> {
    let mut r = public::routes();
    r.extend(staff::routes());
    r.extend(guide::routes());
    r.extend(search::routes());
    r.extend(settings::routes());
    r.extend(files::routes());
    r
}
