//! Permissions: what each role may do. Business permissions are data (the
//! security administrator edits them); each administrator permission
//! belongs to exactly one administrator role and cannot be granted to any
//! other role (三权分立, RULES.md §9).

use crate::org::Role;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Permission {
    /// The staff workbench (待办 inbox, my posts).
    Workbench,
    /// Org overview for the office: posts, A/B gaps, leave.
    OrgView,
    /// Agencies, divisions, posts, leave records.
    OrgManage,
    /// Accounts: create, lock, unlock, reset password.
    UserManage,
    /// Holiday arrangement import, local days off.
    CalendarManage,
    /// Assign roles to accounts; edit role permissions.
    RoleManage,
    /// Password, lockout and session policy.
    PolicyManage,
    /// Read the audit log and its verification.
    AuditRead,
    /// Export the audit log (CSV, XLSX).
    AuditExport,
    /// Draft items for proactive disclosure (采编).
    DisclosureDraft,
    /// Oversee disclosure: every item, timeliness, the guide, withdrawal.
    DisclosureManage,
    /// Handle information requests assigned to one's posts (依申请公开办理).
    RequestHandle,
    /// The disclosure office's side of requests: registration, assignment,
    /// extensions, replies, fees, review records, statistics, annual report.
    RequestManage,
    /// Propose topics (议题) for collective decision.
    DecisionPropose,
    /// The office's side of 三重一大: meetings, notices, minutes, archive.
    DecisionManage,
    /// Supervision of decisions: vote tables, follow-up, overdue items.
    DecisionSupervise,
    /// 网上办文: one's inbox, acting on one's tasks, drafting outgoing
    /// documents, receiving incoming ones for one's division.
    DocflowHandle,
    /// The office's side of 网上办文: registration, routing, 核稿, numbering,
    /// printing, issue, signing paths, every overdue task.
    DocflowManage,
    /// Supervision of 网上办文: every document's trail, timeliness statistics.
    DocflowSupervise,
    /// 办件: register cases at the window, act on one's case steps.
    PowersHandle,
    /// The power list: items and their versions, process definitions,
    /// .xlsx import, figures entered for powers run outside the system.
    PowersManage,
    /// Supervision of cases: every case, overdue cases, statistics.
    PowersSupervise,
}

impl Permission {
    pub const ALL: [Permission; 22] = [
        Permission::Workbench,
        Permission::OrgView,
        Permission::OrgManage,
        Permission::UserManage,
        Permission::CalendarManage,
        Permission::RoleManage,
        Permission::PolicyManage,
        Permission::AuditRead,
        Permission::AuditExport,
        Permission::DisclosureDraft,
        Permission::DisclosureManage,
        Permission::RequestHandle,
        Permission::RequestManage,
        Permission::DecisionPropose,
        Permission::DecisionManage,
        Permission::DecisionSupervise,
        Permission::DocflowHandle,
        Permission::DocflowManage,
        Permission::DocflowSupervise,
        Permission::PowersHandle,
        Permission::PowersManage,
        Permission::PowersSupervise,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Permission::Workbench => "workbench",
            Permission::OrgView => "org.view",
            Permission::OrgManage => "org.manage",
            Permission::UserManage => "user.manage",
            Permission::CalendarManage => "calendar.manage",
            Permission::RoleManage => "role.manage",
            Permission::PolicyManage => "policy.manage",
            Permission::AuditRead => "audit.read",
            Permission::AuditExport => "audit.export",
            Permission::DisclosureDraft => "disclosure.draft",
            Permission::DisclosureManage => "disclosure.manage",
            Permission::RequestHandle => "request.handle",
            Permission::RequestManage => "request.manage",
            Permission::DecisionPropose => "decision.propose",
            Permission::DecisionManage => "decision.manage",
            Permission::DecisionSupervise => "decision.supervise",
            Permission::DocflowHandle => "docflow.handle",
            Permission::DocflowManage => "docflow.manage",
            Permission::DocflowSupervise => "docflow.supervise",
            Permission::PowersHandle => "powers.handle",
            Permission::PowersManage => "powers.manage",
            Permission::PowersSupervise => "powers.supervise",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Permission::Workbench => "工作台（待办）",
            Permission::OrgView => "查看岗位与AB岗",
            Permission::OrgManage => "机构、处室、岗位、请假管理",
            Permission::UserManage => "账号管理",
            Permission::CalendarManage => "节假日安排管理",
            Permission::RoleManage => "角色与权限分配",
            Permission::PolicyManage => "安全策略",
            Permission::AuditRead => "查阅审计日志",
            Permission::AuditExport => "导出审计日志",
            Permission::DisclosureDraft => "主动公开信息采编",
            Permission::DisclosureManage => "主动公开管理（公开指南、时限、撤销）",
            Permission::RequestHandle => "依申请公开办理",
            Permission::RequestManage => "依申请公开管理（登记、分办、延期、答复、统计、年报）",
            Permission::DecisionPropose => "提交“三重一大”议题",
            Permission::DecisionManage => "“三重一大”会务管理（会议、通知、纪要、归档）",
            Permission::DecisionSupervise => "“三重一大”监督（表决记录、决策落实）",
            Permission::DocflowHandle => "网上办文（待办、签收、办理、拟稿）",
            Permission::DocflowManage => "公文管理（登记、分办、核稿、编号、印制、核发、签发路径）",
            Permission::DocflowSupervise => "公文督办（全部办理轨迹、时效统计）",
            Permission::PowersHandle => "办件受理与办理（窗口登记、本人办理步骤）",
            Permission::PowersManage => {
                "权力清单管理（事项及版本、流程定义、导入导出、系统外办件数填报）"
            }
            Permission::PowersSupervise => "办件监督（全部办件、超期办件、时效统计）",
        }
    }

    pub fn parse(code: &str) -> Option<Permission> {
        Permission::ALL.into_iter().find(|p| p.code() == code)
    }

    /// The one administrator role that owns this permission, if any.
    pub fn admin_owner(self) -> Option<Role> {
        match self {
            Permission::OrgManage | Permission::UserManage | Permission::CalendarManage => {
                Some(Role::SystemAdmin)
            }
            Permission::RoleManage | Permission::PolicyManage => Some(Role::SecurityAdmin),
            Permission::AuditRead | Permission::AuditExport => Some(Role::AuditAdmin),
            Permission::Workbench
            | Permission::OrgView
            | Permission::DisclosureDraft
            | Permission::DisclosureManage
            | Permission::RequestHandle
            | Permission::RequestManage
            | Permission::DecisionPropose
            | Permission::DecisionManage
            | Permission::DecisionSupervise
            | Permission::DocflowHandle
            | Permission::DocflowManage
            | Permission::DocflowSupervise
            | Permission::PowersHandle
            | Permission::PowersManage
            | Permission::PowersSupervise => None,
        }
    }
}

/// The default grants of business permissions (administrator permissions
/// are fixed to their owner and not listed here).
pub fn default_business_grants() -> Vec<(Role, Permission)> {
    let business = [
        Role::Staff,
        Role::DivisionHead,
        Role::Office,
        Role::DeputyLeader,
        Role::PrincipalLeader,
        Role::Supervisor,
    ];
    let mut out: Vec<(Role, Permission)> = business
        .iter()
        .map(|r| (*r, Permission::Workbench))
        .collect();
    for r in [
        Role::Office,
        Role::DeputyLeader,
        Role::PrincipalLeader,
        Role::Supervisor,
    ] {
        out.push((r, Permission::OrgView));
    }
    for r in [Role::Staff, Role::DivisionHead, Role::Office] {
        out.push((r, Permission::DisclosureDraft));
    }
    out.push((Role::Office, Permission::DisclosureManage));
    for r in [Role::Staff, Role::DivisionHead, Role::Office] {
        out.push((r, Permission::RequestHandle));
    }
    out.push((Role::Office, Permission::RequestManage));
    for r in [
        Role::Staff,
        Role::DivisionHead,
        Role::Office,
        Role::DeputyLeader,
    ] {
        out.push((r, Permission::DecisionPropose));
    }
    out.push((Role::Office, Permission::DecisionManage));
    for r in [Role::PrincipalLeader, Role::Supervisor] {
        out.push((r, Permission::DecisionSupervise));
    }
    for r in [
        Role::Staff,
        Role::DivisionHead,
        Role::Office,
        Role::DeputyLeader,
        Role::PrincipalLeader,
    ] {
        out.push((r, Permission::DocflowHandle));
    }
    out.push((Role::Office, Permission::DocflowManage));
    for r in [Role::Office, Role::PrincipalLeader, Role::Supervisor] {
        out.push((r, Permission::DocflowSupervise));
    }
    for r in [
        Role::Staff,
        Role::DivisionHead,
        Role::Office,
        Role::DeputyLeader,
        Role::PrincipalLeader,
    ] {
        out.push((r, Permission::PowersHandle));
    }
    out.push((Role::Office, Permission::PowersManage));
    for r in [Role::Office, Role::PrincipalLeader, Role::Supervisor] {
        out.push((r, Permission::PowersSupervise));
    }
    out
}

/// May a grant of `p` to `role` exist at all?
pub fn grantable(role: Role, p: Permission) -> bool {
    match p.admin_owner() {
        Some(owner) => owner == role,
        None => !role.is_admin(),
    }
}

/// Does an account with `roles`, under the business `grants`, hold `p`?
pub fn allowed(roles: &[Role], grants: &[(Role, Permission)], p: Permission) -> bool {
    match p.admin_owner() {
        Some(owner) => roles.contains(&owner),
        None => roles
            .iter()
            .any(|r| !r.is_admin() && grants.contains(&(*r, p))),
    }
}

/// Roles that must sign in with a second factor (RULES.md §9).
pub fn needs_second_factor(roles: &[Role]) -> bool {
    roles
        .iter()
        .any(|r| r.is_admin() || matches!(r, Role::DeputyLeader | Role::PrincipalLeader))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separation_of_duties_admin_permissions_belong_to_one_admin_role_only() {
        let g = default_business_grants();
        for p in Permission::ALL {
            if let Some(owner) = p.admin_owner() {
                for r in Role::ALL {
                    assert_eq!(allowed(&[r], &g, p), r == owner, "{:?} {:?}", r, p);
                    assert_eq!(grantable(r, p), r == owner);
                }
            }
        }
    }

    #[test]
    fn admins_hold_no_business_permission_even_if_granted() {
        let g = vec![(Role::AuditAdmin, Permission::Workbench)];
        assert!(!allowed(&[Role::AuditAdmin], &g, Permission::Workbench));
        assert!(!grantable(Role::AuditAdmin, Permission::Workbench));
    }

    #[test]
    fn leaders_and_admins_need_a_second_factor_staff_do_not() {
        assert!(needs_second_factor(&[Role::PrincipalLeader]));
        assert!(needs_second_factor(&[Role::DeputyLeader]));
        assert!(needs_second_factor(&[Role::AuditAdmin]));
        assert!(!needs_second_factor(&[Role::Staff, Role::DivisionHead]));
        assert!(!needs_second_factor(&[Role::Office]));
    }
}
