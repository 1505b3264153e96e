//! Administration, kept apart by role (三权分立): the system administrator
//! (org, users, calendar), the security administrator (roles, permissions,
//! policy), the audit administrator (audit log). Each page's permission is
//! declared with its route.

pub mod audit;
pub mod calendar;
pub mod org;
pub mod policy;
pub mod roles;
pub mod users;

use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use yangguang_kernel::perm::Permission;

use crate::access::{Access, Route};
use crate::error::render;
use crate::layout::{Frame, Layout};

pub fn routes() -> Vec<Route> {
    let mut r = vec![Route::get("/admin/", Access::SignedIn, get(index))];
    r.extend(org::routes());
    r.extend(users::routes());
    r.extend(calendar::routes());
    r.extend(roles::routes());
    r.extend(policy::routes());
    r.extend(audit::routes());
    r
}

/// One entry on the administration index.
pub struct Section {
    pub href: &'static str,
    pub title: &'static str,
    pub what: &'static str,
}

const SECTIONS: &[(Permission, &str, &str, &str)] = &[
    (
        Permission::OrgManage,
        "/admin/org",
        "机构与岗位",
        "机关、处室、岗位（A岗/B岗）、请假登记",
    ),
    (
        Permission::UserManage,
        "/admin/users",
        "账号管理",
        "新建账号、锁定与解锁、重置密码",
    ),
    (
        Permission::CalendarManage,
        "/admin/calendar",
        "节假日安排",
        "导入国务院公布的年度节假日安排、本机关放假日",
    ),
    (
        Permission::RoleManage,
        "/admin/roles",
        "角色与权限",
        "为账号分配角色，设置各业务角色的权限",
    ),
    (
        Permission::PolicyManage,
        "/admin/policy",
        "安全策略",
        "密码规则、登录失败锁定、会话超时",
    ),
    (
        Permission::AuditRead,
        "/admin/audit",
        "审计日志",
        "查询、导出审计日志，校验日志完整性",
    ),
];

#[derive(askama::Template)]
#[template(path = "admin_index.html")]
struct Index {
    layout: Layout,
    sections: Vec<Section>,
}

async fn index(frame: Frame) -> Response {
    let sections = SECTIONS
        .iter()
        .filter(|(p, ..)| frame.viewer.can(*p))
        .map(|(_, href, title, what)| Section { href, title, what })
        .collect();
    render(
        StatusCode::OK,
        &Index {
            layout: frame.nav("admin"),
            sections,
        },
    )
}
