//! Who is acting on a case step today: the user's role codes and the
//! posts they act for (their own as A, and A's while A is away, as B).

use sqlx::Row;
use time::Date;
use yangguang_kernel::audit::Actor;
use yangguang_kernel::db::query;
use yangguang_kernel::org::Acting;
use yangguang_kernel::org_store;
use yangguang_kernel::{Error, Kernel, Result};
use yangguang_process::Candidate;

/// A user as the engine and the audit log see them today.
#[derive(Clone, Debug)]
pub struct Who {
    pub username: String,
    pub engine: yangguang_process::Actor,
    /// (post name, the A holder's username) for posts held today as B.
    pub as_backup: Vec<(String, String)>,
}

impl Who {
    /// The audit actor for completing a step with this candidate: B for A
    /// when the step is a post this user covers as B.
    pub fn actor_for(&self, c: Option<&Candidate>) -> Actor {
        if let Some(Candidate::Post(p)) = c
            && let Some((_, a)) = self.as_backup.iter().find(|(name, _)| name == p)
        {
            return Actor {
                user: self.username.clone(),
                acting_for: Some(a.clone()),
            };
        }
        Actor::user(&self.username)
    }

    pub fn may(&self, c: &Candidate) -> bool {
        match c {
            Candidate::Role(r) => self.engine.roles.contains(r),
            Candidate::Post(p) => self.engine.posts.contains(p),
        }
    }
}

pub async fn who(k: &Kernel, username: &str, today: Date) -> Result<Who> {
    let be = k.db.backend();
    let row = query(be, "SELECT id FROM users WHERE username = ?")
        .bind(username.to_string())
        .fetch_optional(k.db.pool())
        .await?
        .ok_or_else(|| Error::invalid("unknown_user", format!("用户“{username}”不存在")))?;
    let id: i64 = row.try_get(0)?;
    let roles: Vec<String> = query(be, "SELECT role FROM user_roles WHERE user_id = ?")
        .bind(id)
        .fetch_all(k.db.pool())
        .await?
        .iter()
        .filter_map(|r| r.try_get::<String, _>(0).ok())
        .collect();
    let mut posts = Vec::new();
    let mut as_backup = Vec::new();
    for p in org_store::posts_on(k, today).await? {
        if p.acting.user_id() != Some(id) {
            continue;
        }
        if let Acting::Backup { for_user_id, .. } = p.acting {
            let a: String = query(be, "SELECT username FROM users WHERE id = ?")
                .bind(for_user_id)
                .fetch_one(k.db.pool())
                .await?
                .try_get(0)?;
            as_backup.push((p.post.name.clone(), a));
        }
        posts.push(p.post.name.clone());
    }
    Ok(Who {
        username: username.to_string(),
        engine: yangguang_process::Actor {
            user_id: id,
            roles,
            posts,
        },
        as_backup,
    })
}
