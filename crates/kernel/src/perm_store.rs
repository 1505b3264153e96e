//! Editing the business permission grants (the security administrator's
//! role × permission matrix). Administrator permissions are never stored:
//! each belongs to its one administrator role (三权分立, RULES.md §9), so a
//! grant naming one is refused and nothing is written.

use time::OffsetDateTime;

use crate::audit::{self, Actor, Event, Outcome};
use crate::db::query;
use crate::org::Role;
use crate::perm::{Permission, grantable};
use crate::{Error, Kernel, Result};

/// The roles whose permissions the matrix edits (business roles).
pub fn business_roles() -> Vec<Role> {
    Role::ALL.into_iter().filter(|r| !r.is_admin()).collect()
}

/// The permissions the matrix edits (those without an administrator owner).
pub fn business_permissions() -> Vec<Permission> {
    Permission::ALL
        .into_iter()
        .filter(|p| p.admin_owner().is_none())
        .collect()
}

/// Checks one grant: only a business permission to a business role.
/// Returns the Chinese refusal.
pub fn check_grant(role: Role, p: Permission) -> Result<()> {
    if !grantable(role, p) {
        let message = match p.admin_owner() {
            Some(owner) => format!(
                "三权分立：“{}”只属于{}，不能授予{}",
                p.label(),
                owner.label(),
                role.label()
            ),
            None => format!("三权分立：{}不能持有业务权限“{}”", role.label(), p.label()),
        };
        return Err(Error::invalid("grant_not_allowed", message));
    }
    if let Some(owner) = p.admin_owner() {
        return Err(Error::invalid(
            "grant_fixed",
            format!("“{}”固定授予{}，不可调整", p.label(), owner.label()),
        ));
    }
    Ok(())
}

/// Parses a matrix checkbox value `role:permission` (codes), e.g.
/// `staff:org.view`.
pub fn parse_grant(value: &str) -> Result<(Role, Permission)> {
    value
        .split_once(':')
        .and_then(|(r, p)| Some((Role::parse(r)?, Permission::parse(p)?)))
        .ok_or_else(|| {
            Error::invalid(
                "invalid_grant",
                format!("无法识别的授权“{}”", crate::text::clip(value, 40)),
            )
        })
}

fn codes(grants: &[(Role, Permission)]) -> Vec<String> {
    grants
        .iter()
        .map(|(r, p)| format!("{}:{}", r.code(), p.code()))
        .collect()
}

/// Replaces the whole business grant matrix with `grants`. Every pair must
/// be a business permission for a business role; otherwise nothing is
/// written. Audited (`security.grants.update`) with before and after.
pub async fn set_grants(
    k: &Kernel,
    actor: &Actor,
    now: OffsetDateTime,
    grants: &[(Role, Permission)],
) -> Result<()> {
    for (r, p) in grants {
        check_grant(*r, *p)?;
    }
    let mut after: Vec<(Role, Permission)> = grants.to_vec();
    after.sort();
    after.dedup();
    let mut before = crate::auth::grants(k).await?;
    before.sort();
    before.dedup();
    let added: Vec<(Role, Permission)> = after
        .iter()
        .filter(|g| !before.contains(g))
        .copied()
        .collect();
    let removed: Vec<(Role, Permission)> = before
        .iter()
        .filter(|g| !after.contains(g))
        .copied()
        .collect();
    let mut tx = k.db.begin().await?;
    let be = tx.backend();
    query(be, "DELETE FROM role_permissions")
        .execute(tx.conn())
        .await?;
    for (r, p) in &after {
        query(
            be,
            "INSERT INTO role_permissions (role, permission) VALUES (?, ?)",
        )
        .bind(r.code())
        .bind(p.code())
        .execute(tx.conn())
        .await?;
    }
    audit::append(
        &mut tx,
        &k.keys,
        now,
        Event {
            actor,
            event_type: "security.grants.update",
            object: "role_permissions",
            outcome: Outcome::Success,
            detail: serde_json::json!({
                "before": codes(&before),
                "after": codes(&after),
                "added": codes(&added),
                "removed": codes(&removed),
            }),
        },
    )
    .await?;
    tx.commit().await
}

/// Assigns an account's roles on the security administrator's page:
/// `org_store::set_roles` (which enforces 三权分立) after two more rules —
/// nobody changes his own roles, and the last holder of an administrator
/// role keeps it (otherwise nobody could do that role's work).
pub async fn assign_roles(
    k: &Kernel,
    actor: &Actor,
    now: OffsetDateTime,
    username: &str,
    roles: &[Role],
) -> Result<()> {
    if actor.user == username {
        return Err(Error::invalid(
            "own_roles",
            "不能修改本人账号的角色，请由另一名安全管理员办理",
        ));
    }
    let users = crate::org_store::list_users(k).await?;
    let target = users
        .iter()
        .find(|u| u.username == username)
        .ok_or_else(|| {
            Error::NotFound(format!("用户“{}”不存在", crate::text::clip(username, 40)))
        })?;
    for r in target.roles.iter().filter(|r| r.is_admin()) {
        let holders = users.iter().filter(|u| u.roles.contains(r)).count();
        if !roles.contains(r) && holders <= 1 {
            return Err(Error::Conflict(format!(
                "{}是系统中唯一的{}，请先为其他账号分配该角色，再调整此账号",
                target.display_name,
                r.label()
            )));
        }
    }
    crate::org_store::set_roles(k, actor, now, username, roles).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separation_of_duties_only_business_pairs_may_be_granted() {
        for r in Role::ALL {
            for p in Permission::ALL {
                let ok = !r.is_admin() && p.admin_owner().is_none();
                assert_eq!(check_grant(r, p).is_ok(), ok, "{r:?} {p:?}");
            }
        }
        let e = check_grant(Role::Staff, Permission::AuditRead)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("三权分立"), "{e}");
        assert!(e.contains("审计管理员"), "{e}");
    }

    #[test]
    fn grant_values_parse_from_codes_and_refuse_anything_else() {
        assert_eq!(
            parse_grant("staff:org.view").ok(),
            Some((Role::Staff, Permission::OrgView))
        );
        assert!(parse_grant("staff").is_err());
        assert!(parse_grant("boss:org.view").is_err());
        assert!(parse_grant("staff:root").is_err());
    }

    #[test]
    fn the_matrix_has_six_business_roles_and_every_non_admin_permission() {
        assert_eq!(business_roles().len(), 6);
        assert_eq!(
            business_permissions(),
            vec![
                Permission::Workbench,
                Permission::OrgView,
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
            ]
        );
    }
}
