//! Process definitions as stored: BPMN as imported, one row a version.
//! Versions are immutable, so a parsed definition is cached by row id.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use sqlx::Row;
use time::OffsetDateTime;
use yangguang_kernel::audit::{self, Actor};
use yangguang_kernel::db::{query, query_scalar};
use yangguang_kernel::timefmt::rfc3339;
use yangguang_kernel::{Error, Kernel, Result};
use yangguang_process::Definition;

/// One stored version of a process definition.
#[derive(Clone, Debug)]
pub struct ProcessVersion {
    pub id: i64,
    pub key: String,
    pub version: i64,
    pub name: String,
    pub definition: Arc<Definition>,
}

type Cache = Mutex<HashMap<(String, i64), Arc<Definition>>>;

fn cache() -> &'static Cache {
    static C: OnceLock<Cache> = OnceLock::new();
    C.get_or_init(|| Mutex::new(HashMap::new()))
}

fn cached(k: &Kernel, id: i64, json: &str) -> Result<Arc<Definition>> {
    let key = (k.db.url().to_string(), id);
    if let Ok(c) = cache().lock()
        && let Some(d) = c.get(&key)
    {
        return Ok(d.clone());
    }
    let d: Definition = serde_json::from_str(json)
        .map_err(|e| Error::Internal(format!("stored process definition {id}: {e}")))?;
    let d = Arc::new(d);
    if let Ok(mut c) = cache().lock() {
        c.insert(key, d.clone());
    }
    Ok(d)
}

/// What importing a BPMN file did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Imported {
    pub key: String,
    pub version: i64,
    /// False when the file is the current version already.
    pub added: bool,
}

/// Validates a BPMN file and stores it as the next version of its process
/// (keyed by the process id). Running cases keep their version.
pub async fn import_process(
    k: &Kernel,
    now: OffsetDateTime,
    actor: &Actor,
    xml: &str,
    note: &str,
) -> Result<Imported> {
    let def = yangguang_process::parse::parse(xml)
        .map_err(|e| Error::invalid("invalid_process", e.to_string()))?;
    let json = serde_json::to_string(&def).map_err(|e| Error::Internal(e.to_string()))?;
    let mut tx = k.db.begin().await?;
    let be = tx.backend();
    let last = query(
        be,
        "SELECT version, definition FROM power_processes WHERE process_key = ? ORDER BY version DESC LIMIT 1",
    )
    .bind(def.id.clone())
    .fetch_optional(tx.conn())
    .await?;
    let version = match last {
        Some(r) => {
            let v: i64 = r.try_get(0)?;
            if r.try_get::<String, _>(1)? == json {
                return Ok(Imported {
                    key: def.id,
                    version: v,
                    added: false,
                });
            }
            v + 1
        }
        None => 1,
    };
    let id: i64 = query_scalar(
        be,
        "INSERT INTO power_processes (process_key, version, name, xml, definition, note, created_by, created_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(def.id.clone())
    .bind(version)
    .bind(def.name.clone())
    .bind(xml.to_string())
    .bind(json)
    .bind(note.trim().to_string())
    .bind(actor.user.clone())
    .bind(rfc3339(now))
    .fetch_one(tx.conn())
    .await?;
    audit::success(
        &mut tx,
        &k.keys,
        now,
        actor,
        "powers.process_import",
        &format!("power_process:{}", def.id),
        serde_json::json!({"id": id, "version": version, "name": def.name, "note": note.trim()}),
    )
    .await?;
    tx.commit().await?;
    Ok(Imported {
        key: def.id,
        version,
        added: true,
    })
}

fn version_of(k: &Kernel, r: &sqlx::any::AnyRow) -> Result<ProcessVersion> {
    let id: i64 = r.try_get(0)?;
    Ok(ProcessVersion {
        id,
        key: r.try_get(1)?,
        version: r.try_get(2)?,
        name: r.try_get(3)?,
        definition: cached(k, id, &r.try_get::<String, _>(4)?)?,
    })
}

/// The newest version of a process (a hot public read: the definition
/// itself comes from the cache once parsed).
pub async fn current(k: &Kernel, key: &str) -> Result<Option<ProcessVersion>> {
    use yangguang_kernel::read::{self, Val};
    let rows = read::rows(
        &k.db,
        "SELECT id, process_key, version, name FROM power_processes WHERE process_key = ? ORDER BY version DESC LIMIT 1",
        &[Val::Text(key.to_string())],
    )
    .await?;
    let Some(mut r) = rows.into_iter().next() else {
        return Ok(None);
    };
    if r.len() < 4 {
        return Err(Error::Internal("process read: unexpected row shape".into()));
    }
    let id = r[0].int()?;
    let definition = match cached_only(k, id) {
        Some(d) => d,
        None => {
            let json: String = query_scalar(
                k.db.backend(),
                "SELECT definition FROM power_processes WHERE id = ?",
            )
            .bind(id)
            .fetch_one(k.db.pool())
            .await?;
            cached(k, id, &json)?
        }
    };
    Ok(Some(ProcessVersion {
        id,
        key: r[1].text()?,
        version: r[2].int()?,
        name: r[3].text()?,
        definition,
    }))
}

fn cached_only(k: &Kernel, id: i64) -> Option<Arc<Definition>> {
    let c = cache().lock().ok()?;
    c.get(&(k.db.url().to_string(), id)).cloned()
}

/// The definition of a version by row id (what a case runs). Versions
/// never change, so once parsed it comes from the cache without a read.
pub async fn definition(k: &Kernel, id: i64) -> Result<Option<Arc<Definition>>> {
    if let Some(d) = cached_only(k, id) {
        return Ok(Some(d));
    }
    Ok(by_id(k, id).await?.map(|p| p.definition))
}

/// A version by row id.
pub async fn by_id(k: &Kernel, id: i64) -> Result<Option<ProcessVersion>> {
    let r = query(
        k.db.backend(),
        "SELECT id, process_key, version, name, definition FROM power_processes WHERE id = ?",
    )
    .bind(id)
    .fetch_optional(k.db.pool())
    .await?;
    r.map(|r| version_of(k, &r)).transpose()
}

/// The BPMN file of a version as imported.
pub async fn xml(k: &Kernel, id: i64) -> Result<Option<String>> {
    Ok(query_scalar(
        k.db.backend(),
        "SELECT xml FROM power_processes WHERE id = ?",
    )
    .bind(id)
    .fetch_optional(k.db.pool())
    .await?)
}

/// Every process: newest version of each, by key.
pub async fn latest_all(k: &Kernel) -> Result<Vec<ProcessVersion>> {
    let rows = query(
        k.db.backend(),
        "SELECT p.id, p.process_key, p.version, p.name, p.definition FROM power_processes p \
         WHERE p.version = (SELECT MAX(q.version) FROM power_processes q WHERE q.process_key = p.process_key) \
         ORDER BY p.process_key",
    )
    .fetch_all(k.db.pool())
    .await?;
    rows.iter().map(|r| version_of(k, r)).collect()
}

pub async fn process_keys(k: &Kernel) -> Result<Vec<String>> {
    Ok(query_scalar(
        k.db.backend(),
        "SELECT DISTINCT process_key FROM power_processes ORDER BY process_key",
    )
    .fetch_all(k.db.pool())
    .await?)
}
