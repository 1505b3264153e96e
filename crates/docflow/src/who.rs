//! Who is acting today: the signed-in user, the A holders they stand in
//! for as B, and the facts the signing path asks about.

use sqlx::Row;
use time::Date;
use yangguang_kernel::audit::Actor;
use yangguang_kernel::db::query;
use yangguang_kernel::org::{Acting, Role};
use yangguang_kernel::org_store::{self, PostView};
use yangguang_kernel::{Error, Kernel, Result};

/// Post duties this module reads (set by the office in 岗位管理).
pub const DUTY_REGISTER: &str = "docflow.register";
pub const DUTY_REVIEW: &str = "docflow.review";
pub const DUTY_DIRECTOR: &str = "docflow.director";

/// A user as the rules see them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id: i64,
    pub username: String,
    pub display: String,
    pub roles: Vec<Role>,
    pub division_id: Option<i64>,
}

impl Person {
    pub fn has(&self, r: Role) -> bool {
        self.roles.contains(&r)
    }
}

/// The signed-in user on a day.
#[derive(Debug, Clone)]
pub struct Who {
    pub me: Person,
    /// A holders whose posts this user covers today as B (A away).
    pub stands_for: Vec<Person>,
    pub today: Date,
    /// Posts as they are today (who acts for each).
    pub posts: Vec<PostView>,
}

impl Who {
    pub fn stands_for_ids(&self) -> Vec<i64> {
        self.stands_for.iter().map(|p| p.id).collect()
    }

    /// The people whose tasks this user works today: self, then each A.
    pub fn inbox_ids(&self) -> Vec<i64> {
        let mut v = vec![self.me.id];
        v.extend(self.stands_for_ids());
        v
    }

    /// The audit actor when acting on a task of `assignee`.
    pub fn actor_for(&self, assignee: i64) -> Actor {
        match self.stands_for.iter().find(|p| p.id == assignee) {
            Some(a) => Actor {
                user: self.me.username.clone(),
                acting_for: Some(a.username.clone()),
            },
            None => Actor::user(&self.me.username),
        }
    }

    pub fn person_for(&self, assignee: i64) -> &Person {
        self.stands_for
            .iter()
            .find(|p| p.id == assignee)
            .unwrap_or(&self.me)
    }

    /// Whether this user (or an A they stand in for) acts on the post
    /// with `duty` today.
    pub fn on_duty(&self, duty: &str) -> bool {
        self.posts
            .iter()
            .any(|p| p.duty == duty && p.acting.user_id().is_some_and(|u| u == self.me.id))
    }
}

pub async fn person_by_id(k: &Kernel, id: i64) -> Result<Person> {
    let row = query(
        k.db.backend(),
        "SELECT id, username, display_name, division_id FROM users WHERE id = ?",
    )
    .bind(id)
    .fetch_optional(k.db.pool())
    .await?
    .ok_or_else(|| Error::NotFound(format!("用户 {id} 不存在")))?;
    let roles = query(
        k.db.backend(),
        "SELECT role FROM user_roles WHERE user_id = ?",
    )
    .bind(id)
    .fetch_all(k.db.pool())
    .await?
    .iter()
    .filter_map(|r| r.try_get::<String, _>(0).ok())
    .filter_map(|c| Role::parse(&c))
    .collect();
    Ok(Person {
        id: row.try_get(0)?,
        username: row.try_get(1)?,
        display: row.try_get(2)?,
        roles,
        division_id: row.try_get(3)?,
    })
}

pub async fn person(k: &Kernel, username: &str) -> Result<Person> {
    let id = org_store::user_id_by_name(k, username)
        .await
        .map_err(|_| Error::invalid("unknown_user", format!("用户“{username}”不存在")))?;
    person_by_id(k, id).await
}

/// Builds the context of `username` on `today` (one read of the posts).
pub async fn who(k: &Kernel, username: &str, today: Date) -> Result<Who> {
    let me = person(k, username).await?;
    let posts = org_store::posts_on(k, today).await?;
    let mut stands_for = Vec::new();
    for p in &posts {
        if let Acting::Backup {
            user_id,
            for_user_id,
        } = p.acting
            && user_id == me.id
            && !stands_for.iter().any(|x: &Person| x.id == for_user_id)
        {
            stands_for.push(person_by_id(k, for_user_id).await?);
        }
    }
    Ok(Who {
        me,
        stands_for,
        today,
        posts,
    })
}

/// The A holder of the post with `duty` (tasks go to A; B sees them
/// while A is away).
pub fn duty_holder(posts: &[PostView], duty: &str, label: &str) -> Result<i64> {
    org_store::duty_post_in(posts, duty, None)
        .map(|p| p.post.a_user_id)
        .ok_or_else(|| {
            Error::Conflict(format!(
                "尚未设置{label}岗位（岗位职责 {duty}），请在岗位管理中设置"
            ))
        })
}
