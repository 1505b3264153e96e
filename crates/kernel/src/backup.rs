//! Online backup and restore: a tar file with every table (read in one
//! snapshot transaction), the attachments and the audit chain's head.
//! Keys are NOT in the backup (RULES.md §9): they are kept separately, and
//! restore needs them in the target data directory.

use std::io::{BufRead, Read, Write};
use std::path::Path;

use sqlx::{Column, Row};

use crate::db::{Backend, Db, query_dyn};
use crate::{Error, Kernel, Result};

const FORMAT: &str = "yangguang-backup/1";

/// What a backup or restore did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub tables: usize,
    pub rows: usize,
    pub files: usize,
}

async fn table_names(db: &Db, conn: &mut sqlx::AnyConnection) -> Result<Vec<String>> {
    let sql = match db.backend() {
        Backend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid"
        }
        Backend::Postgres => {
            "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE c.relkind = 'r' AND n.nspname = current_schema() ORDER BY c.oid"
        }
    };
    let rows = sqlx::query(sql).fetch_all(conn).await?;
    rows.iter()
        .map(|r| Ok(r.try_get::<String, _>(0)?))
        .collect()
}

fn is_ident(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn value_json(row: &sqlx::any::AnyRow, i: usize) -> serde_json::Value {
    if let Ok(v) = row.try_get::<Option<i64>, _>(i) {
        return v
            .map(serde_json::Value::from)
            .unwrap_or(serde_json::Value::Null);
    }
    if let Ok(v) = row.try_get::<Option<String>, _>(i) {
        return v
            .map(serde_json::Value::from)
            .unwrap_or(serde_json::Value::Null);
    }
    if let Ok(v) = row.try_get::<Option<f64>, _>(i) {
        return v
            .map(serde_json::Value::from)
            .unwrap_or(serde_json::Value::Null);
    }
    if let Ok(v) = row.try_get::<Option<Vec<u8>>, _>(i) {
        return v
            .map(|b| serde_json::json!({ "hex": hex::encode(b) }))
            .unwrap_or(serde_json::Value::Null);
    }
    serde_json::Value::Null
}

fn append_bytes<W: Write>(tar: &mut tar::Builder<W>, name: &str, bytes: &[u8]) -> Result<()> {
    let mut h = tar::Header::new_gnu();
    h.set_size(bytes.len() as u64);
    h.set_mode(0o600);
    h.set_cksum();
    tar.append_data(&mut h, name, bytes)?;
    Ok(())
}

/// Writes a consistent snapshot of the database and attachments to `to`.
pub async fn backup(k: &Kernel, to: &Path) -> Result<Summary> {
    let mut tx = k.db.begin_read().await?;
    let tables = table_names(&k.db, &mut tx).await?;
    let file = std::fs::File::create(to)?;
    let mut tar = tar::Builder::new(std::io::BufWriter::new(file));
    let mut rows_total = 0;
    for t in &tables {
        if !is_ident(t) {
            continue;
        }
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT * FROM {t}")))
            .fetch_all(&mut *tx)
            .await?;
        let mut buf = Vec::new();
        if let Some(first) = rows.first() {
            let cols: Vec<&str> = first.columns().iter().map(|c| c.name()).collect();
            writeln!(buf, "{}", serde_json::json!(cols))?;
        } else {
            writeln!(buf, "[]")?;
        }
        for r in &rows {
            let vals: Vec<serde_json::Value> = (0..r.len()).map(|i| value_json(r, i)).collect();
            writeln!(buf, "{}", serde_json::Value::Array(vals))?;
        }
        rows_total += rows.len();
        append_bytes(&mut tar, &format!("tables/{t}.jsonl"), &buf)?;
    }
    tx.commit().await?;
    let head = std::fs::read(&k.keys.head_path).unwrap_or_default();
    append_bytes(&mut tar, "audit-head", &head)?;
    let mut files = 0;
    let dir = crate::files::files_dir(&k.data_dir);
    if dir.exists() {
        for sub in std::fs::read_dir(&dir)? {
            let sub = sub?.path();
            if !sub.is_dir() {
                continue;
            }
            for f in std::fs::read_dir(&sub)? {
                let f = f?.path();
                if let (Some(a), Some(b)) = (sub.file_name(), f.file_name()) {
                    let name = format!("files/{}/{}", a.to_string_lossy(), b.to_string_lossy());
                    tar.append_path_with_name(&f, name)?;
                    files += 1;
                }
            }
        }
    }
    let manifest = serde_json::json!({
        "format": FORMAT,
        "created_at": crate::timefmt::now_rfc3339(),
        "backend": format!("{:?}", k.db.backend()),
        "tables": tables,
        "rows": rows_total,
        "files": files,
        "keys": "不含密钥：请另行保管 keys/ 目录",
    });
    append_bytes(&mut tar, "manifest.json", manifest.to_string().as_bytes())?;
    tar.into_inner()?.flush()?;
    Ok(Summary {
        tables: tables.len(),
        rows: rows_total,
        files,
    })
}

#[derive(Clone, Copy)]
enum ColKind {
    Int,
    Text,
    Real,
    Blob,
}

async fn column_kinds(
    k: &Kernel,
    conn: &mut sqlx::AnyConnection,
    t: &str,
) -> Result<Vec<(String, ColKind)>> {
    let rows = match k.db.backend() {
        Backend::Sqlite => {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT name, type FROM pragma_table_info('{t}')"
            )))
            .fetch_all(&mut *conn)
            .await?
        }
        Backend::Postgres => {
            query_dyn(
                Backend::Postgres,
                "SELECT column_name::text, data_type::text FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name = ?"
                    .to_string(),
            )
            .bind(t.to_string())
            .fetch_all(&mut *conn)
            .await?
        }
    };
    rows.iter()
        .map(|r| {
            let name: String = r.try_get(0)?;
            let ty: String = r.try_get::<String, _>(1)?.to_ascii_lowercase();
            let kind = if ty.contains("int") {
                ColKind::Int
            } else if ty.contains("bytea") || ty.contains("blob") {
                ColKind::Blob
            } else if ty.contains("real") || ty.contains("double") || ty.contains("float") {
                ColKind::Real
            } else {
                ColKind::Text
            };
            Ok((name, kind))
        })
        .collect()
}

async fn check_migrations(
    conn: &mut sqlx::AnyConnection,
    be: Backend,
    bytes: &[u8],
) -> Result<usize> {
    let mut lines = bytes.lines();
    let header: Vec<String> = match lines.next() {
        Some(l) => serde_json::from_str(&l?).unwrap_or_default(),
        None => return Ok(0),
    };
    let (Some(mi), Some(vi)) = (
        header.iter().position(|h| h == "module"),
        header.iter().position(|h| h == "version"),
    ) else {
        return Ok(0);
    };
    let mut n = 0;
    for line in lines {
        let vals: Vec<serde_json::Value> = serde_json::from_str(&line?)
            .map_err(|e| Error::invalid("backup_corrupt", format!("迁移记录损坏：{e}")))?;
        let module = vals
            .get(mi)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string();
        let version = vals.get(vi).and_then(|v| v.as_i64()).unwrap_or_default();
        let known: i64 = query_dyn(
            be,
            "SELECT COUNT(*) FROM schema_migrations WHERE module = ? AND version = ?".to_string(),
        )
        .bind(module.clone())
        .bind(version)
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?;
        if known == 0 {
            return Err(Error::invalid(
                "backup_newer",
                format!(
                    "备份来自更新的版本（迁移 {module} {version} 在本版本中不存在），请先升级程序"
                ),
            ));
        }
        n += 1;
    }
    Ok(n)
}

/// Restores a backup into a freshly migrated, empty database.
pub async fn restore(k: &Kernel, from: &Path) -> Result<Summary> {
    let users: i64 = crate::db::query_scalar(k.db.backend(), "SELECT COUNT(*) FROM audit_log")
        .fetch_one(k.db.pool())
        .await?;
    if users > 0 {
        return Err(Error::Conflict(
            "目标数据库已有数据：恢复只能写入新建的空数据库，请指定新的 --data-dir 或 --database"
                .into(),
        ));
    }
    let file = std::fs::File::open(from).map_err(|e| {
        Error::invalid(
            "backup_unreadable",
            format!("无法打开备份文件 {}：{e}", from.display()),
        )
    })?;
    let mut archive = tar::Archive::new(std::io::BufReader::new(file));
    let mut tables: Vec<(String, Vec<u8>)> = Vec::new();
    let mut manifest: Option<serde_json::Value> = None;
    let mut head: Vec<u8> = Vec::new();
    let mut files = 0;
    let fdir = crate::files::files_dir(&k.data_dir);
    for entry in archive.entries()? {
        let mut entry = entry?;
        let name = entry.path()?.to_string_lossy().to_string();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes)?;
        if let Some(t) = name
            .strip_prefix("tables/")
            .and_then(|n| n.strip_suffix(".jsonl"))
        {
            tables.push((t.to_string(), bytes));
        } else if name == "manifest.json" {
            manifest = serde_json::from_slice(&bytes).ok();
        } else if name == "audit-head" {
            head = bytes;
        } else if let Some(rest) = name.strip_prefix("files/") {
            let hash = rest.rsplit('/').next().unwrap_or_default();
            if crate::files::hash(&bytes) != hash {
                return Err(Error::invalid(
                    "backup_corrupt",
                    format!("备份中的附件 {hash} 已损坏"),
                ));
            }
            let p = fdir.join(&hash[..2.min(hash.len())]).join(hash);
            if let Some(parent) = p.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(p, bytes)?;
            files += 1;
        }
    }
    let format_ok = manifest
        .as_ref()
        .and_then(|m| m["format"].as_str())
        .is_some_and(|f| f == FORMAT);
    if !format_ok {
        return Err(Error::invalid(
            "backup_corrupt",
            "不是阳光政务的备份文件，或备份文件不完整",
        ));
    }
    let mut tx = k.db.begin().await?;
    let be = tx.backend();
    let mut rows_total = 0;
    let existing = table_names(&k.db, tx.conn()).await?;
    for (t, bytes) in &tables {
        if !is_ident(t) {
            continue;
        }
        if t == "schema_migrations" {
            // Not copied: the target was migrated by this version. A backup
            // made by a newer version (unknown migrations) is refused.
            rows_total += check_migrations(tx.conn(), be, bytes).await?;
            continue;
        }
        if !existing.contains(t) {
            return Err(Error::invalid(
                "backup_schema",
                format!("备份中的数据表 {t} 在本版本中不存在"),
            ));
        }
        let kinds = column_kinds(k, tx.conn(), t).await?;
        query_dyn(be, format!("DELETE FROM {t}"))
            .execute(tx.conn())
            .await?;
        let mut lines = bytes.lines();
        let header: Vec<String> = match lines.next() {
            Some(l) => serde_json::from_str(&l?).unwrap_or_default(),
            None => continue,
        };
        if header.is_empty() {
            continue;
        }
        let col_kinds: Vec<ColKind> = header
            .iter()
            .map(|h| {
                kinds
                    .iter()
                    .find(|(n, _)| n == h)
                    .map(|(_, k)| *k)
                    .unwrap_or(ColKind::Text)
            })
            .collect();
        if header.iter().any(|h| !is_ident(h)) {
            return Err(Error::invalid(
                "backup_corrupt",
                format!("数据表 {t} 的列名无效"),
            ));
        }
        let sql = format!(
            "INSERT INTO {t} ({}) VALUES ({})",
            header.join(", "),
            vec!["?"; header.len()].join(", ")
        );
        for line in lines {
            let vals: Vec<serde_json::Value> = serde_json::from_str(&line?).map_err(|e| {
                Error::invalid("backup_corrupt", format!("数据表 {t} 的记录损坏：{e}"))
            })?;
            let mut q = query_dyn(be, sql.clone());
            for (v, kind) in vals.iter().zip(&col_kinds) {
                q = match kind {
                    ColKind::Int => q.bind(v.as_i64()),
                    ColKind::Real => q.bind(v.as_f64()),
                    ColKind::Text => q.bind(v.as_str().map(str::to_string)),
                    ColKind::Blob => q.bind(v["hex"].as_str().and_then(|h| hex::decode(h).ok())),
                };
            }
            q.execute(tx.conn()).await?;
            rows_total += 1;
        }
        if be == Backend::Postgres && header.iter().any(|h| h == "id") {
            let is_identity: i64 = query_dyn(
                be,
                "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = current_schema() \
                 AND table_name = ? AND column_name = 'id' AND is_identity = 'YES'"
                    .to_string(),
            )
            .bind(t.to_string())
            .fetch_one(tx.conn())
            .await?
            .try_get(0)?;
            if is_identity > 0 {
                query_dyn(
                    be,
                    format!(
                        "SELECT setval(pg_get_serial_sequence('{t}', 'id'), COALESCE((SELECT MAX(id) FROM {t}), 0) + 1, false)"
                    ),
                )
                .execute(tx.conn())
                .await?;
            }
        }
    }
    tx.commit().await?;
    if !head.is_empty() {
        std::fs::write(&k.keys.head_path, &head)?;
    }
    let cal = crate::calendar_store::load(&k.db).await?;
    k.replace_calendar(cal);
    Ok(Summary {
        tables: tables.len(),
        rows: rows_total,
        files,
    })
}
