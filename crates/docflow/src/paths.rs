//! The office edits the signing matrix as data: each change is a new
//! version of the type's path (old versions stay, documents keep the
//! version they started on).

use time::OffsetDateTime;
use yangguang_kernel::audit::{self, Actor};
use yangguang_kernel::db::{query, query_scalar};
use yangguang_kernel::timefmt::rfc3339;
use yangguang_kernel::{Error, Kernel, Result};

use crate::rules::{self, DocType, PathStep, SignRole, Step};

/// Parses "step:role" lines (codes or labels) as the settings form sends them.
pub fn parse_steps(lines: &[&str]) -> Result<Vec<PathStep>> {
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let l = l.trim();
        if l.is_empty() {
            continue;
        }
        let (s, r) = l.split_once(':').ok_or_else(|| {
            Error::invalid(
                "invalid_signing_path",
                format!("第 {} 步应写成“步骤:角色”", i + 1),
            )
        })?;
        let step = Step::parse(s).ok_or_else(|| {
            Error::invalid(
                "invalid_signing_path",
                format!("第 {} 步：无法识别的步骤“{}”", i + 1, s.trim()),
            )
        })?;
        let role = SignRole::parse(r).ok_or_else(|| {
            Error::invalid(
                "invalid_signing_path",
                format!("第 {} 步：无法识别的角色“{}”", i + 1, r.trim()),
            )
        })?;
        out.push(PathStep { step, role });
    }
    Ok(out)
}

/// Saves a new version of `t`'s path; returns its version number.
pub async fn save(
    k: &Kernel,
    now: OffsetDateTime,
    actor: &Actor,
    t: DocType,
    steps: &[PathStep],
    note: &str,
) -> Result<i64> {
    rules::validate_path(steps)?;
    let note = note.trim();
    if note.is_empty() {
        return Err(Error::invalid("note_required", "请写明调整签发路径的理由"));
    }
    let json = serde_json::to_string(steps)
        .map_err(|e| Error::Internal(format!("docflow: path json: {e}")))?;
    let mut tx = k.db.begin().await?;
    let version: i64 = query_scalar(
        tx.backend(),
        "SELECT COALESCE(MAX(version), 0) + 1 FROM docflow_paths WHERE doc_type = ?",
    )
    .bind(t.as_str())
    .fetch_one(tx.conn())
    .await?;
    query(
        tx.backend(),
        "INSERT INTO docflow_paths (doc_type, version, steps, note, created_by, created_at) \
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(t.as_str())
    .bind(version)
    .bind(json.clone())
    .bind(note.to_string())
    .bind(actor.user.clone())
    .bind(rfc3339(now))
    .execute(tx.conn())
    .await?;
    audit::success(
        &mut tx,
        &k.keys,
        now,
        actor,
        "docflow.path",
        &format!("docflow_path:{}", t.as_str()),
        serde_json::json!({"version": version, "steps": json, "note": note}),
    )
    .await?;
    tx.commit().await?;
    Ok(version)
}
