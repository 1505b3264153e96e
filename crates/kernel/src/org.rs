//! Org rules (RULES.md §6 AB岗): pure functions over plain data.

use time::Date;

/// The business and administrator roles of DESIGN.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Staff,
    DivisionHead,
    Office,
    DeputyLeader,
    PrincipalLeader,
    Supervisor,
    SystemAdmin,
    SecurityAdmin,
    AuditAdmin,
}

impl Role {
    pub const ALL: [Role; 9] = [
        Role::Staff,
        Role::DivisionHead,
        Role::Office,
        Role::DeputyLeader,
        Role::PrincipalLeader,
        Role::Supervisor,
        Role::SystemAdmin,
        Role::SecurityAdmin,
        Role::AuditAdmin,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::Staff => "staff",
            Role::DivisionHead => "division_head",
            Role::Office => "office",
            Role::DeputyLeader => "deputy_leader",
            Role::PrincipalLeader => "principal_leader",
            Role::Supervisor => "supervisor",
            Role::SystemAdmin => "system_admin",
            Role::SecurityAdmin => "security_admin",
            Role::AuditAdmin => "audit_admin",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Staff => "工作人员",
            Role::DivisionHead => "处室负责人",
            Role::Office => "办公室",
            Role::DeputyLeader => "分管局领导",
            Role::PrincipalLeader => "主要领导",
            Role::Supervisor => "监察室（监督）",
            Role::SystemAdmin => "系统管理员",
            Role::SecurityAdmin => "安全管理员",
            Role::AuditAdmin => "审计管理员",
        }
    }

    pub fn parse(code: &str) -> Option<Role> {
        Role::ALL
            .into_iter()
            .find(|r| r.code() == code || r.label() == code)
    }

    pub fn is_admin(self) -> bool {
        matches!(
            self,
            Role::SystemAdmin | Role::SecurityAdmin | Role::AuditAdmin
        )
    }
}

/// 三权分立: an account holds at most one administrator role, and an
/// administrator holds no business role. Returns the Chinese refusal.
pub fn check_role_set(roles: &[Role]) -> Result<(), String> {
    let admins: Vec<Role> = roles.iter().copied().filter(|r| r.is_admin()).collect();
    if admins.len() > 1 {
        return Err(format!(
            "三权分立：同一账号不能同时担任{}",
            admins
                .iter()
                .map(|r| r.label())
                .collect::<Vec<_>>()
                .join("和")
        ));
    }
    if admins.len() == 1 && roles.len() > 1 {
        return Err(format!(
            "三权分立：{}账号不能兼任业务角色",
            admins[0].label()
        ));
    }
    Ok(())
}

/// A leave record: the holder is away on every day `from..=to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leave {
    pub user_id: i64,
    pub from: Date,
    pub to: Date,
}

/// A post with its primary (A) and backup (B) holders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Post {
    pub id: i64,
    pub name: String,
    pub a_user_id: i64,
    pub b_user_id: Option<i64>,
}

/// Who acts for a post on a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Acting {
    /// The A holder is in.
    Primary { user_id: i64 },
    /// A is away; B acts for A ("B代A").
    Backup { user_id: i64, for_user_id: i64 },
    /// A is away and there is no B holder, or B is away too: the office
    /// must step in.
    Nobody { a_user_id: i64 },
}

impl Acting {
    pub fn user_id(&self) -> Option<i64> {
        match self {
            Acting::Primary { user_id } | Acting::Backup { user_id, .. } => Some(*user_id),
            Acting::Nobody { .. } => None,
        }
    }
}

pub fn is_away(user_id: i64, on: Date, leaves: &[Leave]) -> bool {
    leaves
        .iter()
        .any(|l| l.user_id == user_id && l.from <= on && on <= l.to)
}

/// RULES.md §6: while A is away (leave recorded), B acts for A.
pub fn who_acts(post: &Post, on: Date, leaves: &[Leave]) -> Acting {
    if !is_away(post.a_user_id, on, leaves) {
        return Acting::Primary {
            user_id: post.a_user_id,
        };
    }
    match post.b_user_id {
        Some(b) if !is_away(b, on, leaves) => Acting::Backup {
            user_id: b,
            for_user_id: post.a_user_id,
        },
        _ => Acting::Nobody {
            a_user_id: post.a_user_id,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn post(b: Option<i64>) -> Post {
        Post {
            id: 1,
            name: "信息公开岗".into(),
            a_user_id: 10,
            b_user_id: b,
        }
    }

    #[test]
    fn ab_post_a_acts_when_in() {
        let leaves = [Leave {
            user_id: 10,
            from: date!(2026 - 11 - 20),
            to: date!(2026 - 11 - 25),
        }];
        assert_eq!(
            who_acts(&post(Some(11)), date!(2026 - 11 - 26), &leaves),
            Acting::Primary { user_id: 10 }
        );
    }

    #[test]
    fn ab_post_b_acts_for_a_on_every_day_of_leave_inclusive() {
        let leaves = [Leave {
            user_id: 10,
            from: date!(2026 - 11 - 20),
            to: date!(2026 - 11 - 25),
        }];
        for d in [
            date!(2026 - 11 - 20),
            date!(2026 - 11 - 23),
            date!(2026 - 11 - 25),
        ] {
            assert_eq!(
                who_acts(&post(Some(11)), d, &leaves),
                Acting::Backup {
                    user_id: 11,
                    for_user_id: 10
                }
            );
        }
    }

    #[test]
    fn ab_post_without_b_or_with_b_away_has_nobody() {
        let leaves = [
            Leave {
                user_id: 10,
                from: date!(2026 - 11 - 26),
                to: date!(2026 - 11 - 26),
            },
            Leave {
                user_id: 11,
                from: date!(2026 - 11 - 26),
                to: date!(2026 - 11 - 27),
            },
        ];
        let d = date!(2026 - 11 - 26);
        assert_eq!(
            who_acts(&post(None), d, &leaves),
            Acting::Nobody { a_user_id: 10 }
        );
        assert_eq!(
            who_acts(&post(Some(11)), d, &leaves),
            Acting::Nobody { a_user_id: 10 }
        );
    }

    #[test]
    fn separation_of_admin_roles_refuses_two_admin_roles_or_admin_plus_business() {
        assert!(check_role_set(&[Role::SystemAdmin]).is_ok());
        assert!(check_role_set(&[Role::Staff, Role::DivisionHead]).is_ok());
        let e = check_role_set(&[Role::SystemAdmin, Role::AuditAdmin]).err();
        assert_eq!(
            e.as_deref(),
            Some("三权分立：同一账号不能同时担任系统管理员和审计管理员")
        );
        let e = check_role_set(&[Role::SecurityAdmin, Role::Staff]).err();
        assert_eq!(
            e.as_deref(),
            Some("三权分立：安全管理员账号不能兼任业务角色")
        );
    }

    #[test]
    fn roles_parse_from_code_or_chinese_label() {
        assert_eq!(Role::parse("office"), Some(Role::Office));
        assert_eq!(Role::parse("主要领导"), Some(Role::PrincipalLeader));
        assert_eq!(Role::parse("boss"), None);
    }
}
