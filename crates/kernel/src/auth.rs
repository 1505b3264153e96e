//! Sign-in (RULES.md §9): password policy and history, lockout after
//! repeated failures (for any name, so a refusal never reveals whether an
//! account exists), sessions stored in the database (idle timeout and
//! absolute lifetime), the second factor, sign-out everywhere.

use sqlx::Row;
use time::{Duration, OffsetDateTime};

use crate::audit::{self, Actor, Event, Outcome};
use crate::db::{query, query_scalar};
use crate::org::Role;
use crate::org_store::check_username;
use crate::otp;
use crate::pii::{self, DataKey};
use crate::timefmt::{parse_rfc3339, rfc3339};
use crate::{Error, Kernel, Result};

/// The security policy (security administrator's page), stored in
/// `settings` under `security.*`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    pub min_length: u32,
    /// Passwords not to be reused.
    pub history: u32,
    /// Days until a password must be changed; 0: never.
    pub max_age_days: u32,
    pub lockout_threshold: u32,
    pub lockout_window_minutes: u32,
    pub idle_minutes: u32,
    pub absolute_hours: u32,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            min_length: 10,
            history: 5,
            max_age_days: 90,
            lockout_threshold: 5,
            lockout_window_minutes: 15,
            idle_minutes: 30,
            absolute_hours: 12,
        }
    }
}

/// (setting key, label, min, max) for each policy field, in form order.
pub const POLICY_FIELDS: [(&str, &str, u32, u32); 7] = [
    ("min_length", "密码最小长度（位）", 8, 64),
    ("history", "不得重复使用最近几次密码", 1, 24),
    ("max_age_days", "密码有效期（天，0 为不过期）", 0, 365),
    ("lockout_threshold", "连续登录失败锁定次数", 3, 20),
    (
        "lockout_window_minutes",
        "失败计数及锁定时长（分钟）",
        5,
        1440,
    ),
    ("idle_minutes", "无操作自动退出（分钟）", 5, 120),
    ("absolute_hours", "会话最长有效期（小时）", 1, 24),
];

impl Policy {
    pub fn get(&self, field: &str) -> u32 {
        match field {
            "min_length" => self.min_length,
            "history" => self.history,
            "max_age_days" => self.max_age_days,
            "lockout_threshold" => self.lockout_threshold,
            "lockout_window_minutes" => self.lockout_window_minutes,
            "idle_minutes" => self.idle_minutes,
            "absolute_hours" => self.absolute_hours,
            _ => 0,
        }
    }

    fn set(&mut self, field: &str, v: u32) {
        match field {
            "min_length" => self.min_length = v,
            "history" => self.history = v,
            "max_age_days" => self.max_age_days = v,
            "lockout_threshold" => self.lockout_threshold = v,
            "lockout_window_minutes" => self.lockout_window_minutes = v,
            "idle_minutes" => self.idle_minutes = v,
            "absolute_hours" => self.absolute_hours = v,
            _ => {}
        }
    }

    /// Parses the policy form: every field present, in range.
    pub fn parse(fields: &[(String, String)]) -> Result<Policy> {
        let mut p = Policy::default();
        for (key, label, min, max) in POLICY_FIELDS {
            let raw = fields
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.trim())
                .unwrap_or_default();
            let v: u32 = raw.parse().map_err(|_| {
                Error::invalid(
                    "invalid_policy",
                    format!("{label}应为整数，现为“{}”", crate::text::clip(raw, 20)),
                )
            })?;
            if v < min || v > max {
                return Err(Error::invalid(
                    "invalid_policy",
                    format!("{label}应在 {min} 到 {max} 之间，现为 {v}"),
                ));
            }
            p.set(key, v);
        }
        Ok(p)
    }

    pub async fn load(k: &Kernel) -> Result<Policy> {
        let rows = query(
            k.db.backend(),
            "SELECT key, value FROM settings WHERE key LIKE 'security.%'",
        )
        .fetch_all(k.db.pool())
        .await?;
        let mut p = Policy::default();
        for r in &rows {
            let key: String = r.try_get(0)?;
            let value: String = r.try_get(1)?;
            if let (Some(field), Ok(v)) = (key.strip_prefix("security."), value.parse::<u32>()) {
                p.set(field, v);
            }
        }
        Ok(p)
    }

    pub async fn save(&self, k: &Kernel, actor: &Actor, now: OffsetDateTime) -> Result<()> {
        let before = Policy::load(k).await?;
        let mut tx = k.db.begin().await?;
        for (field, ..) in POLICY_FIELDS {
            let key = format!("security.{field}");
            crate::settings::put_in(&mut tx, now, &key, &self.get(field).to_string()).await?;
        }
        let changes: serde_json::Map<String, serde_json::Value> = POLICY_FIELDS
            .iter()
            .filter(|(f, ..)| before.get(f) != self.get(f))
            .map(|(f, ..)| {
                (
                    f.to_string(),
                    serde_json::json!([before.get(f), self.get(f)]),
                )
            })
            .collect();
        audit::append(
            &mut tx,
            &k.keys,
            now,
            Event {
                actor,
                event_type: "security.policy.update",
                object: "settings:security",
                outcome: Outcome::Success,
                detail: serde_json::Value::Object(changes),
            },
        )
        .await?;
        tx.commit().await
    }
}

/// Password rules of the policy: length, three of four character classes,
/// not containing the user name.
pub fn check_password(policy: &Policy, username: &str, pw: &str) -> Result<()> {
    let n = pw.chars().count();
    let min = policy.min_length as usize;
    if n < min {
        return Err(Error::invalid(
            "weak_password",
            format!("密码至少 {min} 位，现为 {n} 位"),
        ));
    }
    crate::password::check_policy(pw)?;
    if !username.is_empty() && pw.to_lowercase().contains(&username.to_lowercase()) {
        return Err(Error::invalid("weak_password", "密码不能包含用户名"));
    }
    Ok(())
}

/// What the sign-in form tells a person: never whether the account exists.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignInError {
    #[error("用户名或密码错误")]
    Refused,
    #[error("登录失败次数过多，请 {minutes} 分钟后再试")]
    TooManyFailures { minutes: u32 },
    #[error("账号已被锁定，请联系系统管理员")]
    AccountLocked,
}

/// A signed-in session as the web layer sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    /// The second factor was given (or is not required).
    pub mfa_ok: bool,
    /// A second factor is required but none is enrolled yet.
    pub must_enroll: bool,
    pub password_expired: bool,
    pub token_hash: String,
}

impl Session {
    /// Fully signed in: may use pages beyond the sign-in steps.
    pub fn complete(&self) -> bool {
        self.mfa_ok && !self.must_enroll && !self.password_expired
    }
}

pub fn token_hash(token: &str) -> String {
    use sm3::Digest;
    hex::encode(sm3::Sm3::digest(token.as_bytes()))
}

fn new_token() -> Result<String> {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).map_err(|e| Error::Internal(format!("无法生成随机数：{e}")))?;
    Ok(hex::encode(b))
}

struct Account {
    id: i64,
    username: String,
    hash: String,
    locked: bool,
}

async fn account(k: &Kernel, username: &str) -> Result<Option<Account>> {
    let row = query(
        k.db.backend(),
        "SELECT id, username, password_hash, locked FROM users WHERE username = ?",
    )
    .bind(username.to_string())
    .fetch_optional(k.db.pool())
    .await?;
    row.map(|r| {
        let locked: i64 = r.try_get(3)?;
        Ok(Account {
            id: r.try_get(0)?,
            username: r.try_get(1)?,
            hash: r.try_get(2)?,
            locked: locked != 0,
        })
    })
    .transpose()
}

pub async fn roles_of(k: &Kernel, user_id: i64) -> Result<Vec<Role>> {
    let codes: Vec<String> = query_scalar(
        k.db.backend(),
        "SELECT role FROM user_roles WHERE user_id = ? ORDER BY role",
    )
    .bind(user_id)
    .fetch_all(k.db.pool())
    .await?;
    Ok(codes.iter().filter_map(|c| Role::parse(c)).collect())
}

/// The enrolled second factor's kind (`totp` or `sm3`), if any.
pub async fn second_factor_kind(k: &Kernel, user_id: i64) -> Result<Option<String>> {
    mfa_kind(k, user_id).await
}

async fn mfa_kind(k: &Kernel, user_id: i64) -> Result<Option<String>> {
    Ok(
        query_scalar(k.db.backend(), "SELECT kind FROM mfa WHERE user_id = ?")
            .bind(user_id)
            .fetch_optional(k.db.pool())
            .await?,
    )
}

/// Checks the password and opens a session. Returns the session token
/// (for the cookie) or the refusal to show.
pub async fn sign_in(
    k: &Kernel,
    username: &str,
    password: &str,
    now: OffsetDateTime,
    ip: &str,
    user_agent: &str,
) -> Result<std::result::Result<String, SignInError>> {
    let policy = Policy::load(k).await?;
    let name = username.trim().to_string();
    let since = rfc3339(now - Duration::minutes(i64::from(policy.lockout_window_minutes)));
    let be = k.db.backend();
    let failures: i64 = query_scalar(
        be,
        "SELECT COUNT(*) FROM login_failures WHERE username = ? AND at > ?",
    )
    .bind(name.clone())
    .bind(since)
    .fetch_one(k.db.pool())
    .await?;
    let actor = Actor::user(if check_username(&name).is_ok() {
        &name
    } else {
        "anonymous"
    });
    let refuse = |reason: SignInError| {
        let name = name.clone();
        let actor = actor.clone();
        async move {
            let mut tx = k.db.begin().await?;
            if reason == SignInError::Refused {
                query(
                    be,
                    "INSERT INTO login_failures (username, at, ip) VALUES (?, ?, ?)",
                )
                .bind(name.clone())
                .bind(rfc3339(now))
                .bind(ip.to_string())
                .execute(tx.conn())
                .await?;
            }
            audit::append(
                &mut tx,
                &k.keys,
                now,
                Event {
                    actor: &actor,
                    event_type: "auth.login",
                    object: &format!("user:{}", crate::text::clip(&name, 40)),
                    outcome: Outcome::Refused,
                    detail: serde_json::json!({ "reason": reason.to_string(), "ip": ip }),
                },
            )
            .await?;
            tx.commit().await?;
            Ok::<_, Error>(Err(reason))
        }
    };
    if failures >= i64::from(policy.lockout_threshold) {
        return refuse(SignInError::TooManyFailures {
            minutes: policy.lockout_window_minutes,
        })
        .await;
    }
    let acct = account(k, &name).await?;
    // Verify against a dummy hash when the account does not exist, so the
    // time taken does not reveal it either.
    let ok = match &acct {
        Some(a) => crate::password::verify(password, &a.hash),
        None => {
            let _ = crate::password::verify(password, DUMMY_HASH);
            false
        }
    };
    let Some(acct) = acct.filter(|_| ok) else {
        return refuse(SignInError::Refused).await;
    };
    if acct.locked {
        return refuse(SignInError::AccountLocked).await;
    }
    let token = new_token()?;
    let roles = roles_of(k, acct.id).await?;
    let mfa_needed = crate::perm::needs_second_factor(&roles);
    let mut tx = k.db.begin().await?;
    query(
        be,
        "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, mfa_ok, ip, user_agent) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(token_hash(&token))
    .bind(acct.id)
    .bind(rfc3339(now))
    .bind(rfc3339(now))
    .bind(rfc3339(now + Duration::hours(i64::from(policy.absolute_hours))))
    .bind(i64::from(!mfa_needed))
    .bind(ip.to_string())
    .bind(crate::text::clip(user_agent, 200))
    .execute(tx.conn())
    .await?;
    audit::append(
        &mut tx,
        &k.keys,
        now,
        Event {
            actor: &Actor::user(&acct.username),
            event_type: "auth.login",
            object: &format!("user:{}", acct.username),
            outcome: Outcome::Success,
            detail: serde_json::json!({ "ip": ip, "second_factor_pending": mfa_needed }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(token))
}

/// An argon2id hash of a random string: verified against when the account
/// does not exist.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$QnBvbGg1cHpYRGd3bU9pbHhQZ0JmZw";

/// The session behind a cookie token, if valid now. Ends it (recorded)
/// when idle too long or past its lifetime; refreshes `last_seen_at`.
pub async fn session(k: &Kernel, token: &str, now: OffsetDateTime) -> Result<Option<Session>> {
    if token.len() != 64 || !token.chars().all(|c| c.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let th = token_hash(token);
    let be = k.db.backend();
    let row = query(
        be,
        "SELECT s.user_id, s.last_seen_at, s.expires_at, s.mfa_ok, u.username, u.display_name, u.locked, u.password_changed_at \
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ? AND s.ended_at IS NULL",
    )
    .bind(th.clone())
    .fetch_optional(k.db.pool())
    .await?;
    let Some(r) = row else { return Ok(None) };
    let policy = Policy::load(k).await?;
    let user_id: i64 = r.try_get(0)?;
    let last_seen = parse_rfc3339(&r.try_get::<String, _>(1)?)?;
    let expires = parse_rfc3339(&r.try_get::<String, _>(2)?)?;
    let locked: i64 = r.try_get(6)?;
    let ended = if now >= expires {
        Some("absolute")
    } else if now - last_seen > Duration::minutes(i64::from(policy.idle_minutes)) {
        Some("idle")
    } else if locked != 0 {
        Some("locked")
    } else {
        None
    };
    let username: String = r.try_get(4)?;
    if let Some(reason) = ended {
        end_sessions(
            k,
            &Actor::system(),
            now,
            SessionScope::One(&th),
            reason,
            &username,
        )
        .await?;
        return Ok(None);
    }
    // Touch at most once a minute: a page view is not a write.
    if now - last_seen > Duration::minutes(1) {
        query(
            be,
            "UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?",
        )
        .bind(rfc3339(now))
        .bind(th.clone())
        .execute(k.db.pool())
        .await?;
    }
    let roles = roles_of(k, user_id).await?;
    let mfa_ok: i64 = r.try_get(3)?;
    let must_enroll =
        crate::perm::needs_second_factor(&roles) && mfa_kind(k, user_id).await?.is_none();
    let changed = parse_rfc3339(&r.try_get::<String, _>(7)?)?;
    // An administrator's reset stores the epoch: change at next sign-in.
    let password_expired = changed.unix_timestamp() <= 0
        || (policy.max_age_days > 0
            && now - changed > Duration::days(i64::from(policy.max_age_days)));
    Ok(Some(Session {
        user_id,
        username,
        display_name: r.try_get(5)?,
        roles,
        mfa_ok: mfa_ok != 0 || must_enroll,
        must_enroll,
        password_expired,
        token_hash: th,
    }))
}

pub enum SessionScope<'a> {
    One(&'a str),
    AllOfUser(i64),
}

async fn end_sessions(
    k: &Kernel,
    actor: &Actor,
    now: OffsetDateTime,
    scope: SessionScope<'_>,
    reason: &str,
    username: &str,
) -> Result<u64> {
    let mut tx = k.db.begin().await?;
    let be = tx.backend();
    let n = match scope {
        SessionScope::One(th) => query(
            be,
            "UPDATE sessions SET ended_at = ?, end_reason = ? WHERE token_hash = ? AND ended_at IS NULL",
        )
        .bind(rfc3339(now))
        .bind(reason.to_string())
        .bind(th.to_string()),
        SessionScope::AllOfUser(uid) => query(
            be,
            "UPDATE sessions SET ended_at = ?, end_reason = ? WHERE user_id = ? AND ended_at IS NULL",
        )
        .bind(rfc3339(now))
        .bind(reason.to_string())
        .bind(uid),
    }
    .execute(tx.conn())
    .await?
    .rows_affected();
    audit::append(
        &mut tx,
        &k.keys,
        now,
        Event {
            actor,
            event_type: "auth.logout",
            object: &format!("user:{username}"),
            outcome: Outcome::Success,
            detail: serde_json::json!({ "reason": reason, "sessions": n }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(n)
}

pub async fn sign_out(k: &Kernel, s: &Session, now: OffsetDateTime) -> Result<()> {
    end_sessions(
        k,
        &Actor::user(&s.username),
        now,
        SessionScope::One(&s.token_hash),
        "logout",
        &s.username,
    )
    .await?;
    Ok(())
}

/// Ends every session of the user (on every node: sessions are rows).
pub async fn sign_out_everywhere(k: &Kernel, s: &Session, now: OffsetDateTime) -> Result<u64> {
    end_sessions(
        k,
        &Actor::user(&s.username),
        now,
        SessionScope::AllOfUser(s.user_id),
        "logout_all",
        &s.username,
    )
    .await
}

fn data_key(k: &Kernel) -> DataKey {
    DataKey::new(k.keys.data)
}

/// The outcome of a second-factor attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecondFactor {
    Accepted,
    Refused,
    /// Too many failures (password and code failures count together): the
    /// session is ended.
    LockedOut {
        minutes: u32,
    },
}

async fn recent_failures(
    k: &Kernel,
    username: &str,
    policy: &Policy,
    now: OffsetDateTime,
) -> Result<i64> {
    let since = rfc3339(now - Duration::minutes(i64::from(policy.lockout_window_minutes)));
    Ok(query_scalar(
        k.db.backend(),
        "SELECT COUNT(*) FROM login_failures WHERE username = ? AND at > ?",
    )
    .bind(username.to_string())
    .bind(since)
    .fetch_one(k.db.pool())
    .await?)
}

/// The second factor for a signed-in session: a one-time code of the
/// enrolled kind, or an unused recovery code.
pub async fn verify_second_factor(
    k: &Kernel,
    s: &Session,
    code: &str,
    now: OffsetDateTime,
) -> Result<SecondFactor> {
    let policy = Policy::load(k).await?;
    if recent_failures(k, &s.username, &policy, now).await? >= i64::from(policy.lockout_threshold) {
        end_sessions(
            k,
            &Actor::system(),
            now,
            SessionScope::One(&s.token_hash),
            "second_factor_lockout",
            &s.username,
        )
        .await?;
        return Ok(SecondFactor::LockedOut {
            minutes: policy.lockout_window_minutes,
        });
    }
    let be = k.db.backend();
    let row = query(
        be,
        "SELECT kind, secret_sealed, last_step FROM mfa WHERE user_id = ?",
    )
    .bind(s.user_id)
    .fetch_optional(k.db.pool())
    .await?;
    let Some(r) = row else {
        return Ok(SecondFactor::Refused);
    };
    let kind: String = r.try_get(0)?;
    let sealed: String = r.try_get(1)?;
    let last: Option<i64> = r.try_get(2)?;
    let secret = pii::open_with_aad(&data_key(k), &sealed, &format!("mfa:{}", s.user_id))
        .map_err(|e| Error::Internal(format!("二次验证密钥无法解密：{e}")))?;
    let secret = otp::base32_decode(&secret).map_err(|e| Error::Internal(e.to_string()))?;
    let unix = now.unix_timestamp().max(0) as u64;
    let last = last.map(|l| l.max(0) as u64);
    let digits: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let step = match kind.as_str() {
        "sm3" => otp::verify_sm3_otp(&secret, &digits, unix, last),
        _ => otp::verify_totp(&secret, &digits, unix, last),
    };
    let mut tx = k.db.begin().await?;
    let ok = if let Some(step) = step {
        query(be, "UPDATE mfa SET last_step = ? WHERE user_id = ?")
            .bind(step as i64)
            .bind(s.user_id)
            .execute(tx.conn())
            .await?;
        true
    } else {
        let h = otp::hash_recovery_code(&k.keys.data, code);
        let used = query(
            be,
            "UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL",
        )
        .bind(rfc3339(now))
        .bind(s.user_id)
        .bind(h)
        .execute(tx.conn())
        .await?
        .rows_affected();
        used == 1
    };
    if ok {
        query(be, "UPDATE sessions SET mfa_ok = 1 WHERE token_hash = ?")
            .bind(s.token_hash.clone())
            .execute(tx.conn())
            .await?;
    } else {
        query(
            be,
            "INSERT INTO login_failures (username, at, ip) VALUES (?, ?, '')",
        )
        .bind(s.username.clone())
        .bind(rfc3339(now))
        .execute(tx.conn())
        .await?;
    }
    audit::append(
        &mut tx,
        &k.keys,
        now,
        Event {
            actor: &Actor::user(&s.username),
            event_type: "auth.second_factor",
            object: &format!("user:{}", s.username),
            outcome: if ok { Outcome::Success } else { Outcome::Refused },
            detail: serde_json::json!({ "kind": if step.is_some() { kind.as_str() } else { "recovery_code" } }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(if ok {
        SecondFactor::Accepted
    } else {
        SecondFactor::Refused
    })
}

/// Enrols a second factor (`totp` or `sm3`) once the user has shown a valid
/// code for the new secret; returns fresh recovery codes (shown once).
pub async fn enroll_second_factor(
    k: &Kernel,
    s: &Session,
    kind: &str,
    secret_b32: &str,
    code: &str,
    now: OffsetDateTime,
) -> Result<Vec<String>> {
    let kind = match kind {
        "totp" | "sm3" => kind,
        _ => return Err(Error::invalid("invalid_mfa_kind", "请选择动态口令类型")),
    };
    let secret = otp::base32_decode(secret_b32)
        .map_err(|e| Error::invalid("invalid_secret", e.to_string()))?;
    let unix = now.unix_timestamp().max(0) as u64;
    let digits: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let step = match kind {
        "sm3" => otp::verify_sm3_otp(&secret, &digits, unix, None),
        _ => otp::verify_totp(&secret, &digits, unix, None),
    }
    .ok_or_else(|| {
        Error::invalid(
            "wrong_code",
            "动态口令不正确或已过期，请查看令牌上的最新口令后重试",
        )
    })?;
    store_second_factor(k, s.user_id, &s.username, kind, secret_b32, Some(step), now).await
}

/// Stores the second factor (also used by the demo to pre-enrol users).
pub async fn store_second_factor(
    k: &Kernel,
    user_id: i64,
    username: &str,
    kind: &str,
    secret_b32: &str,
    step: Option<u64>,
    now: OffsetDateTime,
) -> Result<Vec<String>> {
    let sealed = pii::seal_with_aad(&data_key(k), secret_b32, &format!("mfa:{user_id}"))
        .map_err(|e| Error::Internal(e.to_string()))?;
    let codes = otp::new_recovery_codes(10).map_err(|e| Error::Internal(e.to_string()))?;
    let mut tx = k.db.begin().await?;
    let be = tx.backend();
    query(be, "DELETE FROM mfa WHERE user_id = ?")
        .bind(user_id)
        .execute(tx.conn())
        .await?;
    query(be, "INSERT INTO mfa (user_id, kind, secret_sealed, enrolled_at, last_step) VALUES (?, ?, ?, ?, ?)")
        .bind(user_id)
        .bind(kind.to_string())
        .bind(sealed)
        .bind(rfc3339(now))
        .bind(step.map(|s| s as i64))
        .execute(tx.conn())
        .await?;
    // Earlier recovery codes stop working; they stay on record as used.
    query(
        be,
        "UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND used_at IS NULL",
    )
    .bind(rfc3339(now))
    .bind(user_id)
    .execute(tx.conn())
    .await?;
    for c in &codes {
        query(
            be,
            "INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES (?, ?, ?)",
        )
        .bind(user_id)
        .bind(otp::hash_recovery_code(&k.keys.data, c))
        .bind(rfc3339(now))
        .execute(tx.conn())
        .await?;
    }
    audit::append(
        &mut tx,
        &k.keys,
        now,
        Event {
            actor: &Actor::user(username),
            event_type: "auth.second_factor.enroll",
            object: &format!("user:{username}"),
            outcome: Outcome::Success,
            detail: serde_json::json!({ "kind": kind }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(codes)
}

/// Changes one's own password: the old one must match, the new one must
/// follow the policy and differ from the last `history` passwords.
pub async fn change_password(
    k: &Kernel,
    s: &Session,
    old: &str,
    new: &str,
    now: OffsetDateTime,
) -> Result<()> {
    let acct = account(k, &s.username)
        .await?
        .ok_or_else(|| Error::NotFound("账号不存在".into()))?;
    if !crate::password::verify(old, &acct.hash) {
        return Err(Error::invalid("wrong_password", "原密码不正确"));
    }
    set_password_checked(k, &Actor::user(&s.username), now, acct.id, &s.username, new).await
}

/// Sets a password after the policy and history checks (own change or an
/// administrator's reset), recording it in the history.
pub async fn set_password_checked(
    k: &Kernel,
    actor: &Actor,
    now: OffsetDateTime,
    user_id: i64,
    username: &str,
    new: &str,
) -> Result<()> {
    set_password_inner(k, actor, now, user_id, username, new, false).await
}

/// An administrator's reset: the user must choose a new password at the
/// next sign-in, and every open session of the user ends.
pub async fn reset_password(
    k: &Kernel,
    actor: &Actor,
    now: OffsetDateTime,
    user_id: i64,
    username: &str,
    temporary: &str,
) -> Result<()> {
    set_password_inner(k, actor, now, user_id, username, temporary, true).await?;
    end_sessions(
        k,
        actor,
        now,
        SessionScope::AllOfUser(user_id),
        "password_reset",
        username,
    )
    .await?;
    Ok(())
}

async fn set_password_inner(
    k: &Kernel,
    actor: &Actor,
    now: OffsetDateTime,
    user_id: i64,
    username: &str,
    new: &str,
    must_change: bool,
) -> Result<()> {
    let policy = Policy::load(k).await?;
    check_password(&policy, username, new)?;
    let be = k.db.backend();
    let recent: Vec<String> = query_scalar(
        be,
        "SELECT password_hash FROM password_history WHERE user_id = ? ORDER BY id DESC LIMIT ?",
    )
    .bind(user_id)
    .bind(i64::from(policy.history))
    .fetch_all(k.db.pool())
    .await?;
    if recent.iter().any(|h| crate::password::verify(new, h)) {
        return Err(Error::invalid(
            "password_reused",
            format!("新密码不能与最近 {} 次使用过的密码相同", policy.history),
        ));
    }
    let hash = crate::password::hash(new)?;
    let mut tx = k.db.begin().await?;
    query(
        be,
        "UPDATE users SET password_hash = ?, password_changed_at = ? WHERE id = ?",
    )
    .bind(hash.clone())
    .bind(if must_change {
        "1970-01-01T00:00:00Z".to_string()
    } else {
        rfc3339(now)
    })
    .bind(user_id)
    .execute(tx.conn())
    .await?;
    query(
        be,
        "INSERT INTO password_history (user_id, password_hash, created_at) VALUES (?, ?, ?)",
    )
    .bind(user_id)
    .bind(hash)
    .bind(rfc3339(now))
    .execute(tx.conn())
    .await?;
    audit::append(
        &mut tx,
        &k.keys,
        now,
        Event {
            actor,
            event_type: if must_change {
                "auth.password.reset"
            } else {
                "auth.password.change"
            },
            object: &format!("user:{username}"),
            outcome: Outcome::Success,
            detail: serde_json::json!({}),
        },
    )
    .await?;
    tx.commit().await
}

/// The business permission grants in force.
pub async fn grants(k: &Kernel) -> Result<Vec<(Role, crate::perm::Permission)>> {
    let rows = query(
        k.db.backend(),
        "SELECT role, permission FROM role_permissions",
    )
    .fetch_all(k.db.pool())
    .await?;
    let mut out = Vec::new();
    for r in &rows {
        let role: String = r.try_get(0)?;
        let p: String = r.try_get(1)?;
        if let (Some(role), Some(p)) = (Role::parse(&role), crate::perm::Permission::parse(&p)) {
            out.push((role, p));
        }
    }
    Ok(out)
}

/// An open session as the account page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenSession {
    pub token_hash: String,
    pub created: String,
    pub last_seen: String,
    pub ip: String,
    pub user_agent: String,
}

/// The user's open sessions, newest first (times in Beijing time).
pub async fn open_sessions(k: &Kernel, user_id: i64) -> Result<Vec<OpenSession>> {
    let rows = query(
        k.db.backend(),
        "SELECT token_hash, created_at, last_seen_at, ip, user_agent FROM sessions \
         WHERE user_id = ? AND ended_at IS NULL ORDER BY created_at DESC",
    )
    .bind(user_id)
    .fetch_all(k.db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let created: String = r.try_get(1)?;
            let seen: String = r.try_get(2)?;
            Ok(OpenSession {
                token_hash: r.try_get(0)?,
                created: crate::timefmt::fmt_instant_cst(parse_rfc3339(&created)?),
                last_seen: crate::timefmt::fmt_instant_cst(parse_rfc3339(&seen)?),
                ip: r.try_get(3)?,
                user_agent: r.try_get(4)?,
            })
        })
        .collect()
}

/// After enrolment the new code has been shown: the session has passed
/// its second factor.
pub async fn mark_second_factor_passed(k: &Kernel, s: &Session) -> Result<()> {
    query(
        k.db.backend(),
        "UPDATE sessions SET mfa_ok = 1 WHERE token_hash = ?",
    )
    .bind(s.token_hash.clone())
    .execute(k.db.pool())
    .await?;
    Ok(())
}

/// The enrolled kind and secret (base32) of a user's second factor.
/// Only for the demo's printout and `user otp-code` on a demo data
/// directory; never shown on a page.
pub async fn second_factor_secret(k: &Kernel, user_id: i64) -> Result<Option<(String, String)>> {
    let row = query(
        k.db.backend(),
        "SELECT kind, secret_sealed FROM mfa WHERE user_id = ?",
    )
    .bind(user_id)
    .fetch_optional(k.db.pool())
    .await?;
    let Some(r) = row else { return Ok(None) };
    let kind: String = r.try_get(0)?;
    let sealed: String = r.try_get(1)?;
    let secret = pii::open_with_aad(&data_key(k), &sealed, &format!("mfa:{user_id}"))
        .map_err(|e| Error::Internal(format!("二次验证密钥无法解密：{e}")))?;
    Ok(Some((kind, secret)))
}
