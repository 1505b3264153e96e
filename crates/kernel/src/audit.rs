//! The append-only audit log (RULES.md §9). Each entry's `mac` is
//! HMAC-SM3(key, previous mac ‖ canonical row); the head (count and last
//! mac) is also written to a file outside the database after each commit,
//! so an edited, inserted, deleted or truncated entry is detected. No code
//! path updates or deletes an `audit_log` row.

use std::path::{Path, PathBuf};

use hmac::{KeyInit, Mac, SimpleHmac};
use sm3::Sm3;
use sqlx::Row;
use time::OffsetDateTime;

use crate::db::{Db, WriteTx, query, query_scalar};
use crate::keys::Keys;
use crate::timefmt::rfc3339;
use crate::{Error, Result};

/// Who did something, and for whom (B acting for A on an A/B post).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user: String,
    pub acting_for: Option<String>,
}

impl Actor {
    pub fn user(name: &str) -> Actor {
        Actor {
            user: name.to_string(),
            acting_for: None,
        }
    }
    pub fn system() -> Actor {
        Actor::user("system")
    }
    pub fn public() -> Actor {
        Actor::user("public")
    }
    pub fn cli() -> Actor {
        Actor::user("cli")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    Failure,
    Refused,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failure => "failure",
            Outcome::Refused => "refused",
        }
    }
}

/// One audit entry to append.
#[derive(Debug, Clone)]
pub struct Event<'a> {
    pub actor: &'a Actor,
    pub event_type: &'a str,
    pub object: &'a str,
    pub outcome: Outcome,
    pub detail: serde_json::Value,
}

/// A stored entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub acting_for: Option<String>,
    pub event_type: String,
    pub object: String,
    pub outcome: String,
    pub detail: String,
    pub mac: String,
}

impl Entry {
    fn canonical(&self) -> String {
        serde_json::json!([
            self.seq,
            self.at,
            self.actor,
            self.acting_for,
            self.event_type,
            self.object,
            self.outcome,
            self.detail
        ])
        .to_string()
    }
}

fn compute_mac(key: &[u8; 32], prev_mac: &str, entry: &Entry) -> String {
    // A fresh HMAC over (previous mac ‖ canonical row); new_from_slice
    // accepts any key length, so this cannot fail for a 32-byte key.
    let mut mac = match <SimpleHmac<Sm3> as KeyInit>::new_from_slice(key) {
        Ok(m) => m,
        Err(_) => return String::new(),
    };
    mac.update(prev_mac.as_bytes());
    mac.update(entry.canonical().as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// The head to write outside the database once the transaction commits.
#[derive(Debug, Clone)]
pub(crate) struct PendingHead {
    path: PathBuf,
    seq: i64,
    mac: String,
}

impl PendingHead {
    pub(crate) fn write(&self) -> Result<()> {
        // Never move the head backwards (another process may have written
        // a newer one between our commit and this write).
        if let Ok(Some((seq, _))) = read_head(&self.path)
            && seq > self.seq
        {
            return Ok(());
        }
        let tmp = self.path.with_extension("tmp");
        std::fs::write(&tmp, format!("{} {}\n", self.seq, self.mac))?;
        std::fs::rename(&tmp, &self.path)?;
        Ok(())
    }
}

/// Reads the head file: `None` when none was written yet.
pub fn read_head(path: &Path) -> Result<Option<(i64, String)>> {
    if !path.exists() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(path)?;
    let mut parts = text.split_whitespace();
    let seq = parts
        .next()
        .and_then(|s| s.parse::<i64>().ok())
        .ok_or_else(|| Error::AuditBroken(format!("审计链头文件 {} 格式错误", path.display())))?;
    let mac = parts.next().unwrap_or_default().to_string();
    Ok(Some((seq, mac)))
}

/// Appends one entry inside the caller's transaction.
pub async fn append(
    tx: &mut WriteTx,
    keys: &Keys,
    at: OffsetDateTime,
    event: Event<'_>,
) -> Result<i64> {
    let be = tx.backend();
    // Locks the head row for the rest of the transaction (PostgreSQL) so
    // concurrent writers chain one after another.
    query(be, "UPDATE audit_head SET seq = seq WHERE id = 1")
        .execute(tx.conn())
        .await?;
    let row = query(be, "SELECT seq, mac FROM audit_head WHERE id = 1")
        .fetch_one(tx.conn())
        .await?;
    let prev_seq: i64 = row.try_get(0)?;
    let prev_mac: String = row.try_get(1)?;
    let mut entry = Entry {
        seq: prev_seq + 1,
        at: rfc3339(at),
        actor: event.actor.user.clone(),
        acting_for: event.actor.acting_for.clone(),
        event_type: event.event_type.to_string(),
        object: event.object.to_string(),
        outcome: event.outcome.as_str().to_string(),
        detail: event.detail.to_string(),
        mac: String::new(),
    };
    entry.mac = compute_mac(&keys.audit, &prev_mac, &entry);
    query(
        be,
        "INSERT INTO audit_log (seq, at, actor, acting_for, event_type, object, outcome, detail, mac) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(entry.seq)
    .bind(entry.at.clone())
    .bind(entry.actor.clone())
    .bind(entry.acting_for.clone())
    .bind(entry.event_type.clone())
    .bind(entry.object.clone())
    .bind(entry.outcome.clone())
    .bind(entry.detail.clone())
    .bind(entry.mac.clone())
    .execute(tx.conn())
    .await?;
    query(be, "UPDATE audit_head SET seq = ?, mac = ? WHERE id = 1")
        .bind(entry.seq)
        .bind(entry.mac.clone())
        .execute(tx.conn())
        .await?;
    tx.pending_head = Some(PendingHead {
        path: keys.head_path.clone(),
        seq: entry.seq,
        mac: entry.mac.clone(),
    });
    Ok(entry.seq)
}

/// Appends the entry of a successful state change inside its transaction:
/// what every module's store writes with each change.
pub async fn success(
    tx: &mut WriteTx,
    keys: &Keys,
    at: OffsetDateTime,
    actor: &Actor,
    event_type: &str,
    object: &str,
    detail: serde_json::Value,
) -> Result<i64> {
    append(
        tx,
        keys,
        at,
        Event {
            actor,
            event_type,
            object,
            outcome: Outcome::Success,
            detail,
        },
    )
    .await
}

/// Appends the entry of a successful state change and commits: the last
/// step of most store functions.
pub async fn commit_success(
    mut tx: WriteTx,
    keys: &Keys,
    at: OffsetDateTime,
    actor: &Actor,
    event_type: &str,
    object: &str,
    detail: serde_json::Value,
) -> Result<()> {
    success(&mut tx, keys, at, actor, event_type, object, detail).await?;
    tx.commit().await
}

/// Appends one entry in a transaction of its own (for events that change
/// nothing else, such as a refused sign-in or a CLI run).
pub async fn record(db: &Db, keys: &Keys, at: OffsetDateTime, event: Event<'_>) -> Result<i64> {
    let mut tx = db.begin().await?;
    let seq = append(&mut tx, keys, at, event).await?;
    tx.commit().await?;
    Ok(seq)
}

fn entry_from(row: &sqlx::any::AnyRow) -> Result<Entry> {
    Ok(Entry {
        seq: row.try_get(0)?,
        at: row.try_get(1)?,
        actor: row.try_get(2)?,
        acting_for: row.try_get(3)?,
        event_type: row.try_get(4)?,
        object: row.try_get(5)?,
        outcome: row.try_get(6)?,
        detail: row.try_get(7)?,
        mac: row.try_get(8)?,
    })
}

/// Entries with `seq > after`, oldest first, at most `limit`.
pub async fn page(db: &Db, after: i64, limit: i64) -> Result<Vec<Entry>> {
    let rows = query(
        db.backend(),
        "SELECT seq, at, actor, acting_for, event_type, object, outcome, detail, mac \
         FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?",
    )
    .bind(after)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(entry_from).collect()
}

/// The newest entries first, for screens.
pub async fn latest(db: &Db, limit: i64) -> Result<Vec<Entry>> {
    let rows = query(
        db.backend(),
        "SELECT seq, at, actor, acting_for, event_type, object, outcome, detail, mac \
         FROM audit_log ORDER BY seq DESC LIMIT ?",
    )
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(entry_from).collect()
}

/// Entries about one object, oldest first (a record's timeline).
pub async fn for_object(db: &Db, object: &str) -> Result<Vec<Entry>> {
    let rows = query(
        db.backend(),
        "SELECT seq, at, actor, acting_for, event_type, object, outcome, detail, mac \
         FROM audit_log WHERE object = ? ORDER BY seq",
    )
    .bind(object.to_string())
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(entry_from).collect()
}

/// Where the chain first breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    pub seq: i64,
    pub reason: String,
}

impl std::fmt::Display for Broken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "第 {} 条：{}", self.seq, self.reason)
    }
}

/// Walks the whole chain. `Ok(Ok(n))`: intact with n entries;
/// `Ok(Err(b))`: the first broken entry.
pub async fn verify(db: &Db, keys: &Keys) -> Result<std::result::Result<i64, Broken>> {
    let mut prev_mac = String::new();
    let mut expected = 1i64;
    let mut last = 0i64;
    let mut head_mac_at: Option<String> = None;
    let head = read_head(&keys.head_path)?;
    loop {
        let batch = page(db, last, 2000).await?;
        if batch.is_empty() {
            break;
        }
        for e in &batch {
            if e.seq != expected {
                let reason = if e.seq > expected {
                    format!("缺少第 {expected} 条至第 {} 条（记录被删除）", e.seq - 1)
                } else {
                    "序号重复或乱序（记录被插入）".to_string()
                };
                return Ok(Err(Broken {
                    seq: expected,
                    reason,
                }));
            }
            if compute_mac(&keys.audit, &prev_mac, e) != e.mac {
                return Ok(Err(Broken {
                    seq: e.seq,
                    reason: "校验码不符（记录被修改、插入，或前一条被删除）".to_string(),
                }));
            }
            if let Some((hseq, _)) = &head
                && *hseq == e.seq
            {
                head_mac_at = Some(e.mac.clone());
            }
            prev_mac = e.mac.clone();
            expected += 1;
            last = e.seq;
        }
    }
    let count = expected - 1;
    let in_db: i64 = query_scalar(db.backend(), "SELECT seq FROM audit_head WHERE id = 1")
        .fetch_one(db.pool())
        .await?;
    if in_db != count {
        return Ok(Err(Broken {
            seq: count + 1,
            reason: format!("库内链头记录 {in_db} 条，实际 {count} 条"),
        }));
    }
    if let Some((hseq, hmac)) = head {
        if hseq > count {
            return Ok(Err(Broken {
                seq: count + 1,
                reason: format!("库外链头记录共 {hseq} 条，库内只有 {count} 条（日志被截断）"),
            }));
        }
        if hseq > 0 && head_mac_at.as_deref() != Some(hmac.as_str()) {
            return Ok(Err(Broken {
                seq: hseq,
                reason: "与库外链头的校验码不符".to_string(),
            }));
        }
    }
    Ok(Ok(count))
}
