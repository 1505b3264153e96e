//! This module's pages: the public portal (`public`) and the staff side
//! (`staff`). Each route declares its access rule; `web` composes them.

pub mod files;
pub mod public;
pub mod search;
pub mod settings;
pub mod staff;

use yangguang_webcore::access::Route;

pub fn routes() -> Vec<Route> {
    let mut r = public::routes();
    r.extend(staff::routes());
    r.extend(search::routes());
    r.extend(settings::routes());
    r.extend(files::routes());
    r
}
