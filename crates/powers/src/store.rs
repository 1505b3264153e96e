//! This module's SQL for power items, their versions and the process
//! definitions. Every change is one transaction with its audit entry.

use std::collections::{BTreeMap, HashSet};

use sqlx::Row;
use time::{Date, OffsetDateTime};
use yangguang_kernel::audit::{self, Actor};
use yangguang_kernel::db::{WriteTx, query, query_scalar};
use yangguang_kernel::timefmt::{fmt_date, parse_date, rfc3339, today_cst};
use yangguang_kernel::{Error, Kernel, Result};

use crate::model::{Content, Item, Version, check};
use crate::sheet::Row as SheetRow;

fn object(code: &str) -> String {
    format!("power_item:{code}")
}

fn content_json(c: &Content) -> Result<String> {
    serde_json::to_string(c).map_err(|e| Error::Internal(e.to_string()))
}

pub(crate) fn content_of(s: &str) -> Result<Content> {
    serde_json::from_str(s).map_err(|e| Error::Internal(format!("stored item content: {e}")))
}

/// Marks the list changed and returns its new revision, which the changed
/// items carry (each node's cached copy reloads the items newer than its
/// own). The row lock serialises writers, so revisions follow commit order.
pub async fn bump(tx: &mut WriteTx) -> Result<i64> {
    let rev: i64 = query_scalar(
        tx.backend(),
        "UPDATE power_list_rev SET rev = rev + 1 WHERE id = 1 RETURNING rev",
    )
    .fetch_one(tx.conn())
    .await?;
    Ok(rev)
}

/// What saving an item did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Saved {
    Added,
    /// A new version; the old one is kept.
    Changed {
        version: i64,
    },
    Unchanged,
}

/// Adds an item or, when its content differs, a new version of it with
/// the reason; the caller commits. `reason` is required for a change.
pub async fn save_in(
    tx: &mut WriteTx,
    k: &Kernel,
    now: OffsetDateTime,
    actor: &Actor,
    code: &str,
    content: &Content,
    reason: &str,
) -> Result<Saved> {
    check(code, content).map_err(|m| Error::invalid("invalid_item", m))?;
    let be = tx.backend();
    let existing = query(
        be,
        "SELECT id, version, content FROM power_items WHERE code = ?",
    )
    .bind(code.to_string())
    .fetch_optional(tx.conn())
    .await?;
    let json = content_json(content)?;
    let day = fmt_date(today_cst(now));
    let (id, version, saved) = match existing {
        Some(r) => {
            let id: i64 = r.try_get(0)?;
            let version: i64 = r.try_get(1)?;
            let old: String = r.try_get(2)?;
            if content_of(&old)? == *content {
                return Ok(Saved::Unchanged);
            }
            if reason.trim().is_empty() {
                return Err(Error::invalid(
                    "reason_required",
                    format!("调整事项“{code}”须写明调整理由（旧版本保留并注明原因）"),
                ));
            }
            let rev = bump(tx).await?;
            query(
                be,
                "UPDATE power_items SET version = ?, category = ?, name = ?, unit = ?, content = ?, updated_on = ?, active = 1, rev = ? WHERE id = ?",
            )
            .bind(version + 1)
            .bind(content.category.as_str())
            .bind(content.name.clone())
            .bind(content.unit.clone())
            .bind(json.clone())
            .bind(day.clone())
            .bind(rev)
            .bind(id)
            .execute(tx.conn())
            .await?;
            (
                id,
                version + 1,
                Saved::Changed {
                    version: version + 1,
                },
            )
        }
        None => {
            let rev = bump(tx).await?;
            let id: i64 = query_scalar(
                be,
                "INSERT INTO power_items (code, version, category, name, unit, content, updated_on, rev) \
                 VALUES (?, 1, ?, ?, ?, ?, ?, ?) RETURNING id",
            )
            .bind(code.to_string())
            .bind(content.category.as_str())
            .bind(content.name.clone())
            .bind(content.unit.clone())
            .bind(json.clone())
            .bind(day)
            .bind(rev)
            .fetch_one(tx.conn())
            .await?;
            (id, 1, Saved::Added)
        }
    };
    let reason = match (&saved, reason.trim()) {
        (Saved::Added, "") => "首次公布".to_string(),
        (Saved::Added, r) => format!("首次公布（{r}）"),
        (_, r) => r.to_string(),
    };
    query(
        be,
        "INSERT INTO power_item_versions (item_id, version, content, reason, changed_by, changed_at) VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(id)
    .bind(version)
    .bind(json)
    .bind(reason.clone())
    .bind(actor.user.clone())
    .bind(rfc3339(now))
    .execute(tx.conn())
    .await?;
    audit::success(
        tx,
        &k.keys,
        now,
        actor,
        if version == 1 {
            "powers.item_add"
        } else {
            "powers.item_change"
        },
        &object(code),
        serde_json::json!({"version": version, "name": content.name, "reason": reason}),
    )
    .await?;
    Ok(saved)
}

/// Abolishes an item (取消): kept with every version, listed as 已取消.
pub async fn abolish(
    k: &Kernel,
    now: OffsetDateTime,
    actor: &Actor,
    code: &str,
    reason: &str,
) -> Result<()> {
    if reason.trim().is_empty() {
        return Err(Error::invalid("reason_required", "取消事项须写明理由"));
    }
    let mut tx = k.db.begin().await?;
    let be = tx.backend();
    let rev = bump(&mut tx).await?;
    let n = query(
        be,
        "UPDATE power_items SET active = 0, updated_on = ?, rev = ? WHERE code = ? AND active = 1",
    )
    .bind(fmt_date(today_cst(now)))
    .bind(rev)
    .bind(code.to_string())
    .execute(tx.conn())
    .await?
    .rows_affected();
    if n == 0 {
        return Err(Error::NotFound(format!("没有在用的事项“{code}”")));
    }
    audit::success(
        &mut tx,
        &k.keys,
        now,
        actor,
        "powers.item_abolish",
        &object(code),
        serde_json::json!({"reason": reason.trim()}),
    )
    .await?;
    tx.commit().await
}

/// One row's result in an import report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RowResult {
    Added,
    Changed { version: i64 },
    Unchanged,
    Refused(String),
}

impl RowResult {
    pub fn label(&self) -> String {
        match self {
            RowResult::Added => "新增".into(),
            RowResult::Changed { version } => format!("调整（第{version}版）"),
            RowResult::Unchanged => "未变".into(),
            RowResult::Refused(why) => format!("拒绝：{why}"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportLine {
    /// The spreadsheet's row number (the header is row 1).
    pub row: usize,
    pub code: String,
    pub result: RowResult,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportReport {
    pub lines: Vec<ImportLine>,
    /// False when any row was refused: then nothing was written.
    pub applied: bool,
}

impl ImportReport {
    pub fn refused(&self) -> usize {
        self.lines
            .iter()
            .filter(|l| matches!(l.result, RowResult::Refused(_)))
            .count()
    }
}

/// Imports parsed rows all or nothing: every row is checked (duplicate
/// codes in the file, unknown process, a change without a reason falls
/// back to `source`), and only when none is refused are they written, in
/// one transaction with one audit entry a row and one for the import.
pub async fn import(
    k: &Kernel,
    now: OffsetDateTime,
    actor: &Actor,
    rows: Vec<(usize, std::result::Result<SheetRow, String>)>,
    source: &str,
) -> Result<ImportReport> {
    let processes: HashSet<String> = process_keys(k).await?.into_iter().collect();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut lines = Vec::new();
    let mut good = Vec::new();
    for (n, r) in rows {
        let line = |code: String, result| ImportLine {
            row: n,
            code,
            result,
        };
        match r {
            Err(why) => lines.push(line(String::new(), RowResult::Refused(why))),
            Ok(row) => {
                if let Some(first) = seen.get(&row.code) {
                    let why = format!("编码与第{first}行重复");
                    lines.push(line(row.code, RowResult::Refused(why)));
                } else if !processes.contains(&row.content.process) {
                    let why = format!(
                        "办理流程“{}”不存在：请先导入该流程定义",
                        yangguang_kernel::text::clip(&row.content.process, 30)
                    );
                    lines.push(line(row.code, RowResult::Refused(why)));
                } else {
                    seen.insert(row.code.clone(), n);
                    lines.push(line(row.code.clone(), RowResult::Unchanged));
                    good.push((lines.len() - 1, row));
                }
            }
        }
    }
    if lines.is_empty() {
        return Err(Error::invalid(
            "empty_import",
            "表格中没有事项（第一行为表头，从第二行起每行一个事项）",
        ));
    }
    if lines
        .iter()
        .any(|l| matches!(l.result, RowResult::Refused(_)))
    {
        return Ok(ImportReport {
            lines,
            applied: false,
        });
    }
    let mut tx = k.db.begin().await?;
    let fallback = format!("依《{source}》导入");
    let mut counts = [0usize; 3];
    for (i, row) in good {
        let reason = if row.reason.is_empty() {
            &fallback
        } else {
            &row.reason
        };
        let saved = save_in(&mut tx, k, now, actor, &row.code, &row.content, reason).await?;
        lines[i].result = match saved {
            Saved::Added => {
                counts[0] += 1;
                RowResult::Added
            }
            Saved::Changed { version } => {
                counts[1] += 1;
                RowResult::Changed { version }
            }
            Saved::Unchanged => {
                counts[2] += 1;
                RowResult::Unchanged
            }
        };
    }
    audit::success(
        &mut tx,
        &k.keys,
        now,
        actor,
        "powers.import",
        "power_items",
        serde_json::json!({"source": source, "added": counts[0], "changed": counts[1], "unchanged": counts[2]}),
    )
    .await?;
    tx.commit().await?;
    Ok(ImportReport {
        lines,
        applied: true,
    })
}

fn item_of(r: &sqlx::any::AnyRow) -> Result<Item> {
    Ok(Item {
        id: r.try_get(0)?,
        code: r.try_get(1)?,
        version: r.try_get(2)?,
        active: r.try_get::<i64, _>(3)? != 0,
        content: content_of(&r.try_get::<String, _>(4)?)?,
        updated_on: parse_date(&r.try_get::<String, _>(5)?)?,
    })
}

/// The item with this code (a hot public read: in-thread on SQLite).
pub async fn get(k: &Kernel, code: &str) -> Result<Option<Item>> {
    use yangguang_kernel::read::{self, Val};
    let rows = read::rows(
        &k.db,
        "SELECT id, code, version, active, content, updated_on FROM power_items WHERE code = ?",
        &[Val::Text(code.to_string())],
    )
    .await?;
    rows.into_iter().next().map(item_of_vals).transpose()
}

fn item_of_vals(mut r: Vec<yangguang_kernel::read::Val>) -> Result<Item> {
    if r.len() < 6 {
        return Err(Error::Internal(
            "power item read: unexpected row shape".into(),
        ));
    }
    Ok(Item {
        id: r[0].int()?,
        code: r[1].text()?,
        version: r[2].int()?,
        active: r[3].int()? != 0,
        content: content_of(&r[4].text()?)?,
        updated_on: parse_date(&r[5].text()?)?,
    })
}

/// An item by id as it was at `version` (what a case started under).
pub async fn at_version(k: &Kernel, id: i64, version: i64) -> Result<Item> {
    use yangguang_kernel::read::{self, Val};
    let rows = read::rows(
        &k.db,
        "SELECT i.id, i.code, v.version, i.active, v.content, i.updated_on FROM power_items i \
         JOIN power_item_versions v ON v.item_id = i.id AND v.version = ? WHERE i.id = ?",
        &[Val::Int(version), Val::Int(id)],
    )
    .await?;
    let r = rows
        .into_iter()
        .next()
        .ok_or_else(|| Error::Internal(format!("power item {id} version {version} missing")))?;
    item_of_vals(r)
}

/// Every item in code order (export, annual figures).
pub async fn all(k: &Kernel) -> Result<Vec<Item>> {
    let rows = query(
        k.db.backend(),
        "SELECT id, code, version, active, content, updated_on FROM power_items ORDER BY category, code",
    )
    .fetch_all(k.db.pool())
    .await?;
    let mut items: Vec<Item> = rows.iter().map(item_of).collect::<Result<_>>()?;
    items.sort_by(|a, b| (a.content.category, &a.code).cmp(&(b.content.category, &b.code)));
    Ok(items)
}

pub async fn versions(k: &Kernel, item_id: i64) -> Result<Vec<Version>> {
    use yangguang_kernel::read::{self, Val};
    let rows = read::rows(
        &k.db,
        "SELECT version, reason, changed_by, changed_at, content FROM power_item_versions WHERE item_id = ? ORDER BY version DESC",
        &[Val::Int(item_id)],
    )
    .await?;
    rows.into_iter()
        .map(|mut r| {
            if r.len() < 5 {
                return Err(Error::Internal(
                    "power item versions: unexpected row shape".into(),
                ));
            }
            Ok(Version {
                version: r[0].int()?,
                reason: r[1].text()?,
                changed_by: r[2].text()?,
                changed_on: day_of(&r[3].text()?)?,
                content: content_of(&r[4].text()?)?,
            })
        })
        .collect()
}

fn day_of(rfc: &str) -> Result<Date> {
    Ok(today_cst(yangguang_kernel::timefmt::parse_rfc3339(rfc)?))
}

pub use crate::process_store::{ProcessVersion, import_process, process_keys};
