//! (being written)

use crate::access::Route;

pub fn routes() -> Vec<Route> {
    Vec::new()
}
