//! (being written)

use yangguang_webcore::access::Route;

pub fn routes() -> Vec<Route> {
    Vec::new()
}
