//! Attachments on local disk, content-addressed by SM3: the same bytes are
//! stored once, and a stored file never changes under its name.

use std::path::{Path, PathBuf};

use sm3::{Digest, Sm3};
use time::OffsetDateTime;

use crate::db::{WriteTx, query};
use crate::timefmt::rfc3339;
use crate::{Error, Result};

pub fn files_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("files")
}

pub fn hash(bytes: &[u8]) -> String {
    hex::encode(Sm3::digest(bytes))
}

fn path_of(data_dir: &Path, hash: &str) -> PathBuf {
    files_dir(data_dir).join(&hash[..2]).join(hash)
}

/// Stores `bytes` (inside the caller's transaction for the record) and
/// returns the content hash.
pub async fn put(
    tx: &mut WriteTx,
    data_dir: &Path,
    now: OffsetDateTime,
    bytes: &[u8],
    mime: &str,
) -> Result<String> {
    let h = hash(bytes);
    let p = path_of(data_dir, &h);
    if !p.exists() {
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let tmp = p.with_extension("part");
        std::fs::write(&tmp, bytes)?;
        std::fs::rename(&tmp, &p)?;
    }
    let be = tx.backend();
    let exists: i64 = crate::db::query_scalar(be, "SELECT COUNT(*) FROM files WHERE hash = ?")
        .bind(h.clone())
        .fetch_one(tx.conn())
        .await?;
    if exists == 0 {
        query(
            be,
            "INSERT INTO files (hash, size, mime, created_at) VALUES (?, ?, ?, ?)",
        )
        .bind(h.clone())
        .bind(bytes.len() as i64)
        .bind(mime.to_string())
        .bind(rfc3339(now))
        .execute(tx.conn())
        .await?;
    }
    Ok(h)
}

/// Reads a stored file, checking its content against its name.
pub fn get(data_dir: &Path, hash: &str) -> Result<Vec<u8>> {
    if hash.len() != 64 || !hash.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(Error::NotFound("附件不存在".into()));
    }
    let p = path_of(data_dir, hash);
    let bytes = std::fs::read(&p).map_err(|_| Error::NotFound("附件不存在".into()))?;
    if self::hash(&bytes) != hash {
        return Err(Error::Internal(format!("附件 {hash} 内容与校验值不符")));
    }
    Ok(bytes)
}
