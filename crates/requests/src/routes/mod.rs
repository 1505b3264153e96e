//! HTTP routes of 依申请公开.

pub mod office;
pub mod public;
pub mod staff;

use yangguang_webcore::access::Route;

pub fn routes() -> Vec<Route> {
    let mut r = public::routes();
    r.extend(staff::routes());
    r.extend(office::routes());
    r
}
