//! Who is acting on a case step today: the user's role codes and the
//! posts they act for (their own as A, and A's while A is away, as B).

use time::Date;
use yangguang_kernel::audit::Actor;
use yangguang_kernel::org::{self, Acting, Leave, Post};
use yangguang_kernel::read::{self, Val};
use yangguang_kernel::timefmt::{fmt_date, parse_date};
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

/// Who `username` is today: three short in-thread reads on SQLite (their
/// roles, the posts they hold as A or B, today's leaves), as a case step
/// and its page need them on every request.
pub async fn who(k: &Kernel, username: &str, today: Date) -> Result<Who> {
    let rows = read::rows(
        &k.db,
        "SELECT u.id, r.role FROM users u LEFT JOIN user_roles r ON r.user_id = u.id WHERE u.username = ?",
        &[Val::Text(username.to_string())],
    )
    .await?;
    let unknown = || Error::invalid("unknown_user", format!("用户“{username}”不存在"));
    let id = rows
        .first()
        .and_then(|r| r.first())
        .ok_or_else(unknown)?
        .int()?;
    let mut roles = Vec::new();
    for mut r in rows {
        if let Some(role) = r.get_mut(1).map(Val::opt_text).transpose()?.flatten() {
            roles.push(role);
        }
    }
    let held = read::rows(
        &k.db,
        "SELECT p.id, p.name, p.a_user_id, p.b_user_id, ua.username FROM posts p \
         JOIN users ua ON ua.id = p.a_user_id WHERE p.a_user_id = ? OR p.b_user_id = ? ORDER BY p.id",
        &[Val::Int(id), Val::Int(id)],
    )
    .await?;
    let day = fmt_date(today);
    let leaves = read::rows(
        &k.db,
        "SELECT user_id, from_date, to_date FROM leaves \
         WHERE cancelled_at IS NULL AND from_date <= ? AND to_date >= ?",
        &[Val::Text(day.clone()), Val::Text(day)],
    )
    .await?
    .into_iter()
    .map(|mut r| {
        if r.len() < 3 {
            return Err(Error::Internal("leave read: unexpected row shape".into()));
        }
        Ok(Leave {
            user_id: r[0].int()?,
            from: parse_date(&r[1].text()?)?,
            to: parse_date(&r[2].text()?)?,
        })
    })
    .collect::<Result<Vec<_>>>()?;
    let mut posts = Vec::new();
    let mut as_backup = Vec::new();
    for mut r in held {
        if r.len() < 5 {
            return Err(Error::Internal("post read: unexpected row shape".into()));
        }
        let post = Post {
            id: r[0].int()?,
            name: r[1].text()?,
            a_user_id: r[2].int()?,
            b_user_id: r[3].opt_int()?,
        };
        match org::who_acts(&post, today, &leaves) {
            Acting::Primary { user_id } if user_id == id => {}
            Acting::Backup { user_id, .. } if user_id == id => {
                as_backup.push((post.name.clone(), r[4].text()?));
            }
            _ => continue,
        }
        posts.push(post.name);
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
