//! The power list's pages: the public list, item pages with their service
//! guide and flowchart, the .xlsx export, public case tracking; the
//! office's pages to import the list and process definitions; the staff's
//! case pages; supervision (overdue cases, statistics).

pub mod case_page;
pub mod cases;
pub mod public;
pub mod staff;
pub mod stats;
pub mod track;

use yangguang_kernel::perm::Permission;
use yangguang_webcore::access::{Access, Route};

use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use yangguang_kernel::Error;
use yangguang_webcore::error::PageError;
use yangguang_webcore::layout::Layout;

/// An error as a page in the site's frame, with the status it maps to.
pub(crate) fn fail(e: Error, layout: Layout) -> Response {
    PageError {
        error: e,
        layout,
        status: None,
    }
    .into_response()
}

pub fn routes() -> Vec<Route> {
    let m = Access::Perm(Permission::PowersManage);
    let h = Access::Perm(Permission::PowersHandle);
    let s = Access::Perm(Permission::PowersSupervise);
    vec![
        Route::get("/qlqd/", Access::Public, get(public::list)),
        Route::get("/qlqd/qlqd.xlsx", Access::Public, get(public::export)),
        Route::get("/qlqd/{code}", Access::Public, get(public::item)),
        Route::get(
            "/qlqd/{code}/flow.svg",
            Access::Public,
            get(public::flow_svg),
        ),
        Route::get("/bsgk/cx", Access::Public, get(track::page)),
        Route::post("/bsgk/cx", Access::Public, post(track::follow)),
        Route::get("/staff/qlqd", m, get(staff::page)),
        Route::post("/staff/qlqd/import", m, post(staff::import_items)),
        Route::post("/staff/qlqd/abolish", m, post(staff::abolish)),
        Route::post("/staff/qlqd/larger-amounts", m, post(staff::larger_amounts)),
        Route::post("/staff/qlqd/processes", m, post(staff::import_process)),
        Route::get("/staff/qlqd/processes/{id}", m, get(staff::process_file)),
        Route::get("/staff/bsgk", h, get(cases::inbox)),
        Route::get("/staff/bsgk/new", h, get(cases::new_form)),
        Route::post("/staff/bsgk/new", h, post(cases::create)),
        Route::get("/staff/bsgk/cases/{id}", h, get(cases::page)),
        Route::get("/staff/bsgk/cases/{id}/receipt", h, get(cases::receipt)),
        Route::get("/staff/bsgk/cases/{id}/letter", h, get(cases::letter)),
        Route::get(
            "/staff/bsgk/cases/{id}/letter/docx",
            h,
            get(cases::letter_docx),
        ),
        Route::post("/staff/bsgk/cases/{id}/act", h, post(cases::act)),
        Route::post("/staff/bsgk/cases/{id}/extend", h, post(cases::extend)),
        Route::post("/staff/bsgk/cases/{id}/exclude", h, post(cases::exclude)),
        Route::post("/staff/bsgk/cases/{id}/handover", h, post(cases::hand_over)),
        Route::post("/staff/bsgk/cases/{id}/withdraw", h, post(cases::withdraw)),
        Route::get("/staff/bsgk/overdue", s, get(stats::overdue)),
        Route::get("/staff/bsgk/stats", s, get(stats::page)),
        Route::get("/staff/bsgk/stats.xlsx", s, get(stats::xlsx)),
        Route::post("/staff/bsgk/entered", m, post(stats::save_entered)),
    ]
}
