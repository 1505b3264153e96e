//! Org tables: agencies, divisions, users, roles, posts, leave records.
//! Every change writes its audit entry in the same transaction.

use sqlx::Row;
use time::{Date, OffsetDateTime};

use crate::Kernel;
use crate::audit::{self, Actor, Event, Outcome};
use crate::db::{query, query_scalar};
use crate::org::{self, Acting, Leave, Post, Role};
use crate::text::{optional, required};
use crate::timefmt::{fmt_date, parse_date, rfc3339};
use crate::{Error, Result};

#[derive(Debug, Clone)]
pub struct NewAgency {
    pub code: String,
    pub name: String,
    pub short_name: String,
    pub doc_prefix: String,
    pub address: String,
    pub phone: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agency {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub short_name: String,
    pub doc_prefix: String,
    pub address: String,
    pub phone: String,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub agency_code: Option<String>,
    pub division_code: Option<String>,
    pub title: String,
    pub password: String,
    pub roles: Vec<Role>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub division: Option<String>,
    pub title: String,
    pub locked: bool,
    pub roles: Vec<Role>,
}

/// Usernames: 3–32 ASCII letters, digits, `.`, `_`, `-`.
pub fn check_username(name: &str) -> Result<String> {
    let n = name.trim();
    let ok = (3..=32).contains(&n.len())
        && n.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if !ok {
        return Err(Error::invalid(
            "invalid_username",
            format!(
                "用户名“{}”无效：应为 3–32 位英文字母、数字或 . _ -",
                crate::text::clip(n, 40)
            ),
        ));
    }
    Ok(n.to_string())
}

pub async fn add_agency(
    k: &Kernel,
    actor: &Actor,
    now: OffsetDateTime,
    a: NewAgency,
) -> Result<i64> {
    let code = required("机关代码", &a.code, 32)?;
    let name = required("机关名称", &a.name, 100)?;
    let short = required("机关简称", &a.short_name, 40)?;
    let prefix = required("发文机关代字", &a.doc_prefix, 20)?;
    let address = optional("地址", &a.address, 200)?.unwrap_or_default();
    let phone = optional("电话", &a.phone, 40)?.unwrap_or_default();
    let be = k.db.backend();
    if agency_by_code(k, &code).await?.is_some() {
        return Err(Error::Conflict(format!("机关代码“{code}”已存在")));
    }
    let mut tx = k.db.begin().await?;
    let id: i64 = query_scalar(
        be,
        "INSERT INTO agencies (code, name, short_name, doc_prefix, address, phone, created_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(code.clone())
    .bind(name.clone())
    .bind(short)
    .bind(prefix)
    .bind(address)
    .bind(phone)
    .bind(rfc3339(now))
    .fetch_one(tx.conn())
    .await?;
    audit::append(
        &mut tx,
        &k.keys,
        now,
        Event {
            actor,
            event_type: "org.agency.create",
            object: &format!("agency:{code}"),
            outcome: Outcome::Success,
            detail: serde_json::json!({ "name": name }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

fn agency_from(r: &sqlx::any::AnyRow) -> Result<Agency> {
    Ok(Agency {
        id: r.try_get(0)?,
        code: r.try_get(1)?,
        name: r.try_get(2)?,
        short_name: r.try_get(3)?,
        doc_prefix: r.try_get(4)?,
        address: r.try_get(5)?,
        phone: r.try_get(6)?,
    })
}

pub async fn agency_by_code(k: &Kernel, code: &str) -> Result<Option<Agency>> {
    let row = query(
        k.db.backend(),
        "SELECT id, code, name, short_name, doc_prefix, address, phone FROM agencies WHERE code = ?",
    )
    .bind(code.to_string())
    .fetch_optional(k.db.pool())
    .await?;
    row.as_ref().map(agency_from).transpose()
}

/// The first agency registered: the one a single-agency site serves.
/// The first agency (the one this system serves). Read in-thread: public
/// pages such as the guide ask for it on every view.
pub async fn main_agency(k: &Kernel) -> Result<Option<Agency>> {
    let rows = crate::read::rows(
        &k.db,
        "SELECT id, code, name, short_name, doc_prefix, address, phone FROM agencies ORDER BY id LIMIT 1",
        &[],
    )
    .await?;
    let Some(mut r) = rows.into_iter().next() else {
        return Ok(None);
    };
    if r.len() < 7 {
        return Err(Error::Internal("agency row too short".into()));
    }
    Ok(Some(Agency {
        id: r[0].int()?,
        code: r[1].text()?,
        name: r[2].text()?,
        short_name: r[3].text()?,
        doc_prefix: r[4].text()?,
        address: r[5].text()?,
        phone: r[6].text()?,
    }))
}

/// The kinds of division: (code, label).
pub const DIVISION_KINDS: [(&str, &str); 3] = [
    ("office", "办公室"),
    ("division", "业务处室"),
    ("supervision", "监察室"),
];

/// The label of a division kind (the code itself when unknown).
pub fn division_kind_label(code: &str) -> &str {
    DIVISION_KINDS
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, l)| *l)
        .unwrap_or(code)
}

fn division_kind(code: &str) -> Result<&'static str> {
    let code = code.trim();
    DIVISION_KINDS
        .iter()
        .find(|(c, l)| *c == code || *l == code)
        .map(|(c, _)| *c)
        .ok_or_else(|| {
            Error::invalid(
                "invalid_division_kind",
                "处室类型应为办公室、业务处室或监察室",
            )
        })
}

/// A division (处室) to register.
#[derive(Debug, Clone)]
pub struct NewDivision<'a> {
    pub agency_code: &'a str,
    pub code: &'a str,
    pub name: &'a str,
    /// office | division | supervision
    pub kind: &'a str,
    pub sort: i64,
}

pub async fn add_division(
    k: &Kernel,
    actor: &Actor,
    now: OffsetDateTime,
    d: NewDivision<'_>,
) -> Result<i64> {
    let NewDivision {
        agency_code,
        code,
        name,
        kind,
        sort,
    } = d;
    let agency = agency_by_code(k, agency_code)
        .await?
        .ok_or_else(|| Error::NotFound(format!("机关代码“{agency_code}”不存在")))?;
    let code = required("处室代码", code, 32)?;
    let name = required("处室名称", name, 60)?;
    let kind = division_kind(kind)?;
    let be = k.db.backend();
    let mut tx = k.db.begin().await?;
    let exists: i64 = query_scalar(
        be,
        "SELECT COUNT(*) FROM divisions WHERE agency_id = ? AND code = ?",
    )
    .bind(agency.id)
    .bind(code.clone())
    .fetch_one(tx.conn())
    .await?;
    if exists > 0 {
        return Err(Error::Conflict(format!("处室代码“{code}”已存在")));
    }
    let id: i64 = query_scalar(
        be,
        "INSERT INTO divisions (agency_id, code, name, kind, sort) VALUES (?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(agency.id)
    .bind(code.clone())
    .bind(name.clone())
    .bind(kind.to_string())
    .bind(sort)
    .fetch_one(tx.conn())
    .await?;
    audit::append(
        &mut tx,
        &k.keys,
        now,
        Event {
            actor,
            event_type: "org.division.create",
            object: &format!("division:{}:{code}", agency.code),
            outcome: Outcome::Success,
            detail: serde_json::json!({ "name": name }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn add_user(k: &Kernel, actor: &Actor, now: OffsetDateTime, u: NewUser) -> Result<i64> {
    create_user(k, actor, now, u, false).await
}

/// An account as the system administrator creates it: no roles (the
/// security administrator assigns them, 三权分立).
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub username: String,
    pub display_name: String,
    pub agency_code: Option<String>,
    pub division_code: Option<String>,
    pub title: String,
    /// The initial password: the user must change it at first sign-in.
    pub password: String,
}

/// Creates an account without roles (the system administrator's page).
/// Same validation as `add_user`; the initial password is recorded in the
/// password history and must be changed at the first sign-in.
pub async fn add_account(
    k: &Kernel,
    actor: &Actor,
    now: OffsetDateTime,
    a: NewAccount,
) -> Result<i64> {
    let u = NewUser {
        username: a.username,
        display_name: a.display_name,
        agency_code: a.agency_code,
        division_code: a.division_code,
        title: a.title,
        password: a.password,
        roles: Vec::new(),
    };
    create_user(k, actor, now, u, true).await
}

/// `add_user` (roles required, password valid from now) or `add_account`
/// (no roles, password to be changed at first sign-in).
async fn create_user(
    k: &Kernel,
    actor: &Actor,
    now: OffsetDateTime,
    u: NewUser,
    account_only: bool,
) -> Result<i64> {
    let username = check_username(&u.username)?;
    let display = required("姓名", &u.display_name, 40)?;
    let title = optional("职务", &u.title, 40)?.unwrap_or_default();
    if !account_only {
        if u.roles.is_empty() {
            return Err(Error::invalid("missing_role", "请至少指定一个角色"));
        }
        org::check_role_set(&u.roles).map_err(|m| Error::invalid("role_conflict", m))?;
    }
    let policy = crate::auth::Policy::load(k).await?;
    crate::auth::check_password(&policy, &username, &u.password)?;
    let be = k.db.backend();
    let agency = match &u.agency_code {
        Some(code) => Some(
            agency_by_code(k, code)
                .await?
                .ok_or_else(|| Error::NotFound(format!("机关代码“{code}”不存在")))?,
        ),
        None => main_agency(k).await?,
    };
    let division_id = match (&u.division_code, &agency) {
        (Some(dc), Some(a)) => Some(division_id(k, a.id, dc).await?),
        (Some(dc), None) => return Err(Error::NotFound(format!("处室代码“{dc}”不存在"))),
        _ => None,
    };
    let hash = crate::password::hash(&u.password)?;
    let mut tx = k.db.begin().await?;
    let exists: i64 = query_scalar(be, "SELECT COUNT(*) FROM users WHERE username = ?")
        .bind(username.clone())
        .fetch_one(tx.conn())
        .await?;
    if exists > 0 {
        return Err(Error::Conflict(format!("用户名“{username}”已存在")));
    }
    let id: i64 = query_scalar(
        be,
        "INSERT INTO users (username, display_name, agency_id, division_id, title, password_hash, locked, password_changed_at, created_at) \
         VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?) RETURNING id",
    )
    .bind(username.clone())
    .bind(display.clone())
    .bind(agency.as_ref().map(|a| a.id))
    .bind(division_id)
    .bind(title)
    .bind(hash.clone())
    .bind(if account_only {
        // As an administrator's reset: change at next sign-in.
        "1970-01-01T00:00:00Z".to_string()
    } else {
        rfc3339(now)
    })
    .bind(rfc3339(now))
    .fetch_one(tx.conn())
    .await?;
    query(
        be,
        "INSERT INTO password_history (user_id, password_hash, created_at) VALUES (?, ?, ?)",
    )
    .bind(id)
    .bind(hash)
    .bind(rfc3339(now))
    .execute(tx.conn())
    .await?;
    for r in &u.roles {
        query(be, "INSERT INTO user_roles (user_id, role) VALUES (?, ?)")
            .bind(id)
            .bind(r.code())
            .execute(tx.conn())
            .await?;
    }
    audit::append(
        &mut tx,
        &k.keys,
        now,
        Event {
            actor,
            event_type: "org.user.create",
            object: &format!("user:{username}"),
            outcome: Outcome::Success,
            detail: if account_only {
                serde_json::json!({
                    "display_name": display,
                    "roles": Vec::<&str>::new(),
                    "must_change_password": true,
                })
            } else {
                serde_json::json!({
                    "display_name": display,
                    "roles": u.roles.iter().map(|r| r.code()).collect::<Vec<_>>(),
                })
            },
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

async fn division_id(k: &Kernel, agency_id: i64, code: &str) -> Result<i64> {
    query_scalar(
        k.db.backend(),
        "SELECT id FROM divisions WHERE agency_id = ? AND code = ?",
    )
    .bind(agency_id)
    .bind(code.to_string())
    .fetch_optional(k.db.pool())
    .await?
    .ok_or_else(|| Error::NotFound(format!("处室代码“{code}”不存在")))
}

async fn user_id(k: &Kernel, username: &str) -> Result<i64> {
    query_scalar(k.db.backend(), "SELECT id FROM users WHERE username = ?")
        .bind(username.to_string())
        .fetch_optional(k.db.pool())
        .await?
        .ok_or_else(|| Error::NotFound(format!("用户“{}”不存在", crate::text::clip(username, 40))))
}

/// Sets a user's password (administrator reset or CLI), under the policy
/// and the history rule.
pub async fn set_password(
    k: &Kernel,
    actor: &Actor,
    now: OffsetDateTime,
    username: &str,
    password: &str,
) -> Result<()> {
    let id = user_id(k, username).await?;
    crate::auth::set_password_checked(k, actor, now, id, username, password).await
}

/// Replaces a user's roles (the security administrator's work).
pub async fn set_roles(
    k: &Kernel,
    actor: &Actor,
    now: OffsetDateTime,
    username: &str,
    roles: &[Role],
) -> Result<()> {
    if roles.is_empty() {
        return Err(Error::invalid("missing_role", "请至少指定一个角色"));
    }
    org::check_role_set(roles).map_err(|m| Error::invalid("role_conflict", m))?;
    let id = user_id(k, username).await?;
    let before = crate::auth::roles_of(k, id).await?;
    let mut tx = k.db.begin().await?;
    let be = tx.backend();
    query(be, "DELETE FROM user_roles WHERE user_id = ?")
        .bind(id)
        .execute(tx.conn())
        .await?;
    for r in roles {
        query(be, "INSERT INTO user_roles (user_id, role) VALUES (?, ?)")
            .bind(id)
            .bind(r.code())
            .execute(tx.conn())
            .await?;
    }
    audit::append(
        &mut tx,
        &k.keys,
        now,
        Event {
            actor,
            event_type: "org.user.roles",
            object: &format!("user:{username}"),
            outcome: Outcome::Success,
            detail: serde_json::json!({
                "before": before.iter().map(|r| r.code()).collect::<Vec<_>>(),
                "after": roles.iter().map(|r| r.code()).collect::<Vec<_>>(),
            }),
        },
    )
    .await?;
    tx.commit().await
}

pub async fn set_locked(
    k: &Kernel,
    actor: &Actor,
    now: OffsetDateTime,
    username: &str,
    locked: bool,
) -> Result<()> {
    if locked && actor.user == username.trim() {
        return Err(Error::invalid("self_lock", "不能锁定自己的账号"));
    }
    let id = user_id(k, username).await?;
    let mut tx = k.db.begin().await?;
    query(tx.backend(), "UPDATE users SET locked = ? WHERE id = ?")
        .bind(i64::from(locked))
        .bind(id)
        .execute(tx.conn())
        .await?;
    audit::append(
        &mut tx,
        &k.keys,
        now,
        Event {
            actor,
            event_type: if locked {
                "org.user.lock"
            } else {
                "org.user.unlock"
            },
            object: &format!("user:{username}"),
            outcome: Outcome::Success,
            detail: serde_json::json!({}),
        },
    )
    .await?;
    tx.commit().await
}

pub async fn list_users(k: &Kernel) -> Result<Vec<User>> {
    let be = k.db.backend();
    let rows = query(
        be,
        "SELECT u.id, u.username, u.display_name, d.name, u.title, u.locked \
         FROM users u LEFT JOIN divisions d ON d.id = u.division_id ORDER BY u.id",
    )
    .fetch_all(k.db.pool())
    .await?;
    let roles = query(
        be,
        "SELECT user_id, role FROM user_roles ORDER BY user_id, role",
    )
    .fetch_all(k.db.pool())
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let id: i64 = r.try_get(0)?;
        let mut rs = Vec::new();
        for x in &roles {
            let uid: i64 = x.try_get(0)?;
            let code: String = x.try_get(1)?;
            if uid == id
                && let Some(role) = Role::parse(&code)
            {
                rs.push(role);
            }
        }
        let locked: i64 = r.try_get(5)?;
        out.push(User {
            id,
            username: r.try_get(1)?,
            display_name: r.try_get(2)?,
            division: r.try_get(3)?,
            title: r.try_get(4)?,
            locked: locked != 0,
            roles: rs,
        });
    }
    Ok(out)
}

/// A post with its A holder and optional B holder.
#[derive(Debug, Clone)]
pub struct NewPost<'a> {
    pub agency_code: &'a str,
    pub division_code: Option<&'a str>,
    pub name: &'a str,
    pub a_username: &'a str,
    pub b_username: Option<&'a str>,
}

pub async fn add_post(
    k: &Kernel,
    actor: &Actor,
    now: OffsetDateTime,
    p: NewPost<'_>,
) -> Result<i64> {
    let NewPost {
        agency_code,
        division_code,
        name,
        a_username,
        b_username,
    } = p;
    let name = required("岗位名称", name, 60)?;
    let agency = agency_by_code(k, agency_code)
        .await?
        .ok_or_else(|| Error::NotFound(format!("机关代码“{agency_code}”不存在")))?;
    let be = k.db.backend();
    let division_id = match division_code {
        Some(dc) => Some(division_id(k, agency.id, dc).await?),
        None => None,
    };
    let a = user_id(k, a_username).await?;
    let b = match b_username {
        Some(b) => Some(user_id(k, b).await?),
        None => None,
    };
    if b == Some(a) {
        return Err(Error::invalid("same_ab_holder", "A岗与B岗不能是同一人"));
    }
    let mut tx = k.db.begin().await?;
    let id: i64 = query_scalar(
        be,
        "INSERT INTO posts (agency_id, division_id, name, a_user_id, b_user_id) VALUES (?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(agency.id)
    .bind(division_id)
    .bind(name.clone())
    .bind(a)
    .bind(b)
    .fetch_one(tx.conn())
    .await?;
    audit::append(
        &mut tx,
        &k.keys,
        now,
        Event {
            actor,
            event_type: "org.post.create",
            object: &format!("post:{id}"),
            outcome: Outcome::Success,
            detail: serde_json::json!({ "name": name, "a": a_username, "b": b_username }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn add_leave(
    k: &Kernel,
    actor: &Actor,
    now: OffsetDateTime,
    username: &str,
    from: &str,
    to: &str,
    reason: &str,
) -> Result<i64> {
    let from = parse_date(from)?;
    let to = parse_date(to)?;
    if to < from {
        return Err(Error::invalid(
            "invalid_range",
            "请假结束日期不能早于开始日期",
        ));
    }
    let reason = required("请假事由", reason, 100)?;
    let uid = user_id(k, username).await?;
    let mut tx = k.db.begin().await?;
    let id: i64 = query_scalar(
        tx.backend(),
        "INSERT INTO leaves (user_id, from_date, to_date, reason, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(uid)
    .bind(fmt_date(from))
    .bind(fmt_date(to))
    .bind(reason.clone())
    .bind(rfc3339(now))
    .fetch_one(tx.conn())
    .await?;
    audit::append(
        &mut tx,
        &k.keys,
        now,
        Event {
            actor,
            event_type: "org.leave.create",
            object: &format!("user:{username}"),
            outcome: Outcome::Success,
            detail: serde_json::json!({ "from": fmt_date(from), "to": fmt_date(to), "reason": reason }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

async fn leaves_on(k: &Kernel, on: Date) -> Result<Vec<Leave>> {
    let d = fmt_date(on);
    let rows = query(
        k.db.backend(),
        "SELECT user_id, from_date, to_date FROM leaves \
         WHERE cancelled_at IS NULL AND from_date <= ? AND to_date >= ?",
    )
    .bind(d.clone())
    .bind(d)
    .fetch_all(k.db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let f: String = r.try_get(1)?;
            let t: String = r.try_get(2)?;
            Ok(Leave {
                user_id: r.try_get(0)?,
                from: parse_date(&f)?,
                to: parse_date(&t)?,
            })
        })
        .collect()
}

/// A post as shown to the office: holders by name and who acts today.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostView {
    pub post: Post,
    pub division: Option<String>,
    pub division_id: Option<i64>,
    /// The procedure step the post performs ('' for none).
    pub duty: String,
    pub a_name: String,
    pub b_name: Option<String>,
    pub acting: Acting,
    pub acting_name: Option<String>,
}

pub async fn posts_on(k: &Kernel, on: Date) -> Result<Vec<PostView>> {
    let rows = query(
        k.db.backend(),
        "SELECT p.id, p.name, p.a_user_id, p.b_user_id, d.name, ua.display_name, ub.display_name, p.division_id, p.duty \
         FROM posts p JOIN users ua ON ua.id = p.a_user_id \
         LEFT JOIN users ub ON ub.id = p.b_user_id \
         LEFT JOIN divisions d ON d.id = p.division_id ORDER BY p.id",
    )
    .fetch_all(k.db.pool())
    .await?;
    let leaves = leaves_on(k, on).await?;
    let mut out = Vec::new();
    for r in &rows {
        let post = Post {
            id: r.try_get(0)?,
            name: r.try_get(1)?,
            a_user_id: r.try_get(2)?,
            b_user_id: r.try_get(3)?,
        };
        let a_name: String = r.try_get(5)?;
        let b_name: Option<String> = r.try_get(6)?;
        let acting = org::who_acts(&post, on, &leaves);
        let acting_name = match &acting {
            Acting::Primary { .. } => Some(a_name.clone()),
            Acting::Backup { .. } => b_name.clone(),
            Acting::Nobody { .. } => None,
        };
        out.push(PostView {
            post,
            division: r.try_get(4)?,
            division_id: r.try_get(7)?,
            duty: r.try_get(8)?,
            a_name,
            b_name,
            acting,
            acting_name,
        });
    }
    Ok(out)
}

/// "Who acts for post P on date D" with the audit actor to record.
pub async fn acting_for_post(
    k: &Kernel,
    post_id: i64,
    on: Date,
) -> Result<(Acting, Option<Actor>)> {
    let views = posts_on(k, on).await?;
    let v = views
        .into_iter()
        .find(|v| v.post.id == post_id)
        .ok_or_else(|| Error::NotFound(format!("岗位 {post_id} 不存在")))?;
    let name_of = |id: i64| async move {
        query_scalar::<String>(k.db.backend(), "SELECT username FROM users WHERE id = ?")
            .bind(id)
            .fetch_one(k.db.pool())
            .await
    };
    let actor = match &v.acting {
        Acting::Primary { user_id } => Some(Actor::user(&name_of(*user_id).await?)),
        Acting::Backup {
            user_id,
            for_user_id,
        } => Some(Actor {
            user: name_of(*user_id).await?,
            acting_for: Some(name_of(*for_user_id).await?),
        }),
        Acting::Nobody { .. } => None,
    };
    Ok((v.acting, actor))
}

/// Posts without a B holder: the office must name one.
pub async fn posts_without_backup(k: &Kernel, on: Date) -> Result<Vec<PostView>> {
    Ok(posts_on(k, on)
        .await?
        .into_iter()
        .filter(|v| v.post.b_user_id.is_none())
        .collect())
}

/// Changes the agency's details; the code identifies it and does not
/// change (other records and settings refer to it).
pub async fn update_agency(
    k: &Kernel,
    actor: &Actor,
    now: OffsetDateTime,
    a: NewAgency,
) -> Result<()> {
    let code = a.code.trim().to_string();
    let name = required("机关名称", &a.name, 100)?;
    let short = required("机关简称", &a.short_name, 40)?;
    let prefix = required("发文机关代字", &a.doc_prefix, 20)?;
    let address = optional("地址", &a.address, 200)?.unwrap_or_default();
    let phone = optional("电话", &a.phone, 40)?.unwrap_or_default();
    let before = agency_by_code(k, &code).await?.ok_or_else(|| {
        Error::NotFound(format!("机关代码“{}”不存在", crate::text::clip(&code, 40)))
    })?;
    let after = Agency {
        id: before.id,
        code: before.code.clone(),
        name,
        short_name: short,
        doc_prefix: prefix,
        address,
        phone,
    };
    let mut changes = serde_json::Map::new();
    for (field, old, new) in [
        ("name", &before.name, &after.name),
        ("short_name", &before.short_name, &after.short_name),
        ("doc_prefix", &before.doc_prefix, &after.doc_prefix),
        ("address", &before.address, &after.address),
        ("phone", &before.phone, &after.phone),
    ] {
        if old != new {
            changes.insert(field.to_string(), serde_json::json!([old, new]));
        }
    }
    let mut tx = k.db.begin().await?;
    query(
        tx.backend(),
        "UPDATE agencies SET name = ?, short_name = ?, doc_prefix = ?, address = ?, phone = ? WHERE id = ?",
    )
    .bind(after.name.clone())
    .bind(after.short_name.clone())
    .bind(after.doc_prefix.clone())
    .bind(after.address.clone())
    .bind(after.phone.clone())
    .bind(after.id)
    .execute(tx.conn())
    .await?;
    audit::append(
        &mut tx,
        &k.keys,
        now,
        Event {
            actor,
            event_type: "org.agency.update",
            object: &format!("agency:{}", after.code),
            outcome: Outcome::Success,
            detail: serde_json::Value::Object(changes),
        },
    )
    .await?;
    tx.commit().await
}

/// A division as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Division {
    pub id: i64,
    pub code: String,
    pub name: String,
    /// office | division | supervision
    pub kind: String,
    pub sort: i64,
}

/// The divisions of an agency, in their order.
pub async fn list_divisions(k: &Kernel, agency_code: &str) -> Result<Vec<Division>> {
    let rows = query(
        k.db.backend(),
        "SELECT d.id, d.code, d.name, d.kind, d.sort FROM divisions d \
         JOIN agencies a ON a.id = d.agency_id WHERE a.code = ? ORDER BY d.sort, d.id",
    )
    .bind(agency_code.to_string())
    .fetch_all(k.db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Division {
                id: r.try_get(0)?,
                code: r.try_get(1)?,
                name: r.try_get(2)?,
                kind: r.try_get(3)?,
                sort: r.try_get(4)?,
            })
        })
        .collect()
}

/// An account as the system administrator's list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountView {
    pub user: User,
    /// Division code (for forms), if any.
    pub division_code: Option<String>,
    /// The enrolled second factor's kind (`totp`, `sm3`), if any.
    pub second_factor: Option<String>,
    /// A new or reset password not yet changed by its holder.
    pub must_change_password: bool,
}

/// Every account with its second factor and password state.
pub async fn list_accounts(k: &Kernel) -> Result<Vec<AccountView>> {
    let be = k.db.backend();
    let users = list_users(k).await?;
    let extra = query(
        be,
        "SELECT u.id, d.code, u.password_changed_at FROM users u \
         LEFT JOIN divisions d ON d.id = u.division_id",
    )
    .fetch_all(k.db.pool())
    .await?;
    let mfa = query(be, "SELECT user_id, kind FROM mfa")
        .fetch_all(k.db.pool())
        .await?;
    let mut extra_by_id = std::collections::HashMap::new();
    for r in &extra {
        let id: i64 = r.try_get(0)?;
        let code: Option<String> = r.try_get(1)?;
        let changed: String = r.try_get(2)?;
        let pending = crate::timefmt::parse_rfc3339(&changed)
            .map(|t| t.unix_timestamp() <= 0)
            .unwrap_or(false);
        extra_by_id.insert(id, (code, pending));
    }
    let mut mfa_by_id = std::collections::HashMap::new();
    for r in &mfa {
        let id: i64 = r.try_get(0)?;
        let kind: String = r.try_get(1)?;
        mfa_by_id.insert(id, kind);
    }
    Ok(users
        .into_iter()
        .map(|u| {
            let (division_code, must_change_password) =
                extra_by_id.remove(&u.id).unwrap_or((None, false));
            AccountView {
                second_factor: mfa_by_id.remove(&u.id),
                division_code,
                must_change_password,
                user: u,
            }
        })
        .collect())
}

/// Names a post's A holder and B holder (none: the post is flagged to the
/// office). A and B must be different people.
pub async fn set_post_holders(
    k: &Kernel,
    actor: &Actor,
    now: OffsetDateTime,
    post_id: i64,
    a_username: &str,
    b_username: Option<&str>,
) -> Result<()> {
    let be = k.db.backend();
    let before = query(
        be,
        "SELECT ua.username, ub.username FROM posts p JOIN users ua ON ua.id = p.a_user_id \
         LEFT JOIN users ub ON ub.id = p.b_user_id WHERE p.id = ?",
    )
    .bind(post_id)
    .fetch_optional(k.db.pool())
    .await?
    .ok_or_else(|| Error::NotFound(format!("岗位 {post_id} 不存在")))?;
    let before_a: String = before.try_get(0)?;
    let before_b: Option<String> = before.try_get(1)?;
    let a_username = a_username.trim();
    if a_username.is_empty() {
        return Err(Error::invalid("missing_field", "请选择A岗人员"));
    }
    let b_username = b_username.map(str::trim).filter(|b| !b.is_empty());
    let a = user_id(k, a_username).await?;
    let b = match b_username {
        Some(b) => Some(user_id(k, b).await?),
        None => None,
    };
    if b == Some(a) {
        return Err(Error::invalid("same_ab_holder", "A岗与B岗不能是同一人"));
    }
    let mut tx = k.db.begin().await?;
    query(
        tx.backend(),
        "UPDATE posts SET a_user_id = ?, b_user_id = ? WHERE id = ?",
    )
    .bind(a)
    .bind(b)
    .bind(post_id)
    .execute(tx.conn())
    .await?;
    audit::append(
        &mut tx,
        &k.keys,
        now,
        Event {
            actor,
            event_type: "org.post.holders",
            object: &format!("post:{post_id}"),
            outcome: Outcome::Success,
            detail: serde_json::json!({
                "before": { "a": before_a, "b": before_b },
                "after": { "a": a_username, "b": b_username },
            }),
        },
    )
    .await?;
    tx.commit().await
}

/// A leave record as listed (cancelled records stay, marked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaveRecord {
    pub id: i64,
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub from: Date,
    pub to: Date,
    pub reason: String,
    /// RFC 3339 instant of the cancellation, if cancelled.
    pub cancelled_at: Option<String>,
}

/// Leave records still current or upcoming on `on` (ending on or after
/// it), cancelled ones included, by start date.
pub async fn leaves_from(k: &Kernel, on: Date) -> Result<Vec<LeaveRecord>> {
    let rows = query(
        k.db.backend(),
        "SELECT l.id, l.user_id, u.username, u.display_name, l.from_date, l.to_date, l.reason, l.cancelled_at \
         FROM leaves l JOIN users u ON u.id = l.user_id WHERE l.to_date >= ? ORDER BY l.from_date, l.id",
    )
    .bind(fmt_date(on))
    .fetch_all(k.db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let f: String = r.try_get(4)?;
            let t: String = r.try_get(5)?;
            Ok(LeaveRecord {
                id: r.try_get(0)?,
                user_id: r.try_get(1)?,
                username: r.try_get(2)?,
                display_name: r.try_get(3)?,
                from: parse_date(&f)?,
                to: parse_date(&t)?,
                reason: r.try_get(6)?,
                cancelled_at: r.try_get(7)?,
            })
        })
        .collect()
}

/// Cancels a leave record: the row stays, with `cancelled_at` set; from
/// then on the A holder acts again.
pub async fn cancel_leave(
    k: &Kernel,
    actor: &Actor,
    now: OffsetDateTime,
    leave_id: i64,
) -> Result<()> {
    let mut tx = k.db.begin().await?;
    let be = tx.backend();
    let row = query(
        be,
        "SELECT u.username, l.from_date, l.to_date, l.cancelled_at FROM leaves l \
         JOIN users u ON u.id = l.user_id WHERE l.id = ?",
    )
    .bind(leave_id)
    .fetch_optional(tx.conn())
    .await?
    .ok_or_else(|| Error::NotFound(format!("请假记录 {leave_id} 不存在")))?;
    let username: String = row.try_get(0)?;
    let from: String = row.try_get(1)?;
    let to: String = row.try_get(2)?;
    let cancelled: Option<String> = row.try_get(3)?;
    let already = || Error::Conflict("该请假记录已撤销".to_string());
    if cancelled.is_some() {
        return Err(already());
    }
    let n = query(
        be,
        "UPDATE leaves SET cancelled_at = ? WHERE id = ? AND cancelled_at IS NULL",
    )
    .bind(rfc3339(now))
    .bind(leave_id)
    .execute(tx.conn())
    .await?
    .rows_affected();
    if n != 1 {
        return Err(already());
    }
    audit::append(
        &mut tx,
        &k.keys,
        now,
        Event {
            actor,
            event_type: "org.leave.cancel",
            object: &format!("user:{username}"),
            outcome: Outcome::Success,
            detail: serde_json::json!({ "leave": leave_id, "from": from, "to": to }),
        },
    )
    .await?;
    tx.commit().await
}

/// The id of an account by its username (`NotFound` with the Chinese
/// message when there is none).
pub async fn user_id_by_name(k: &Kernel, username: &str) -> Result<i64> {
    user_id(k, username.trim()).await
}

/// Sets the duty a post performs (e.g. `disclosure.secrecy`), audited.
pub async fn set_post_duty(
    k: &Kernel,
    actor: &Actor,
    now: OffsetDateTime,
    post_id: i64,
    duty: &str,
) -> Result<()> {
    let duty = optional("岗位职责", duty, 40)?.unwrap_or_default();
    let mut tx = k.db.begin().await?;
    let n = query(tx.backend(), "UPDATE posts SET duty = ? WHERE id = ?")
        .bind(duty.clone())
        .bind(post_id)
        .execute(tx.conn())
        .await?
        .rows_affected();
    if n == 0 {
        return Err(Error::NotFound(format!("岗位 {post_id} 不存在")));
    }
    audit::append(
        &mut tx,
        &k.keys,
        now,
        Event {
            actor,
            event_type: "org.post.duty",
            object: &format!("post:{post_id}"),
            outcome: Outcome::Success,
            detail: serde_json::json!({ "duty": duty }),
        },
    )
    .await?;
    tx.commit().await
}

/// The post performing `duty` for a division on a date: the division's
/// own post if it has one, else an agency-wide post (no division).
pub async fn duty_post(
    k: &Kernel,
    duty: &str,
    division_id: Option<i64>,
    on: Date,
) -> Result<Option<PostView>> {
    Ok(duty_post_in(&posts_on(k, on).await?, duty, division_id))
}

/// `duty_post` over posts already loaded (one read for many items).
pub fn duty_post_in(posts: &[PostView], duty: &str, division_id: Option<i64>) -> Option<PostView> {
    let posts: Vec<&PostView> = posts.iter().filter(|p| p.duty == duty).collect();
    posts
        .iter()
        .find(|p| division_id.is_some() && p.division_id == division_id)
        .or_else(|| posts.iter().find(|p| p.division_id.is_none()))
        .or_else(|| posts.first())
        .map(|p| (*p).clone())
}

/// The audit actor for `user_id` acting on `post` today: the user alone,
/// or "B for A" when the user is the B holder standing in.
pub async fn actor_on_post(k: &Kernel, post: &PostView, user_id: i64) -> Result<Option<Actor>> {
    let name = |id: i64| async move {
        query_scalar::<String>(k.db.backend(), "SELECT username FROM users WHERE id = ?")
            .bind(id)
            .fetch_one(k.db.pool())
            .await
    };
    Ok(match &post.acting {
        Acting::Primary { user_id: a } if *a == user_id => Some(Actor::user(&name(*a).await?)),
        Acting::Backup {
            user_id: b,
            for_user_id,
        } if *b == user_id => Some(Actor {
            user: name(*b).await?,
            acting_for: Some(name(*for_user_id).await?),
        }),
        _ => None,
    })
}
