//! The office's settings of the catalog: the 主题分类 tree (categories are
//! added and renamed, never deleted — items refer to them) and the 索引号
//! pattern. Every change is audited.

use time::OffsetDateTime;
use yangguang_kernel::Kernel;
use yangguang_kernel::audit::{self, Actor};
use yangguang_kernel::db::query;
use yangguang_kernel::text::required;

use crate::store::{self, Result};
use crate::{DisclosureError, rules};

/// A category code: 2–30 lower-case letters, digits and `_`.
pub fn check_code(code: &str) -> Result<String> {
    let c = code.trim();
    let ok = (2..=30).contains(&c.len())
        && c.chars()
            .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_');
    if !ok {
        return Err(DisclosureError::invalid(
            "invalid_category_code",
            "分类代码应为 2–30 位小写英文字母、数字或下划线，例如 aqsc_jdjc",
        ));
    }
    Ok(c.to_string())
}

fn sort_of(s: &str) -> Result<i64> {
    match s.trim() {
        "" => Ok(500),
        t => t
            .parse::<i64>()
            .ok()
            .filter(|n| (0..=9999).contains(n))
            .ok_or_else(|| {
                DisclosureError::invalid("invalid_sort", "排序号应为 0 到 9999 之间的整数")
            }),
    }
}

/// Adds a category (top level, or under a top-level parent: the tree has
/// two levels, as catalogs of Chinese government sites do).
pub async fn add_category(
    k: &Kernel,
    actor: &Actor,
    now: OffsetDateTime,
    code: &str,
    name: &str,
    parent: &str,
    sort: &str,
) -> Result<()> {
    let code = check_code(code)?;
    let name = required("分类名称", name, 30)?;
    let sort = sort_of(sort)?;
    let cats = store::categories(k).await?;
    if cats.iter().any(|c| c.code == code) {
        return Err(DisclosureError::Conflict(format!("分类代码“{code}”已存在")));
    }
    let parent = match parent.trim() {
        "" => None,
        p => {
            let found = cats
                .iter()
                .find(|c| c.code == p)
                .ok_or_else(|| DisclosureError::invalid("unknown_category", "上级分类不存在"))?;
            if found.parent.is_some() {
                return Err(DisclosureError::invalid(
                    "too_deep",
                    "主题分类最多两级：请选择一级分类作为上级",
                ));
            }
            Some(p.to_string())
        }
    };
    let mut tx = k.db.begin().await?;
    query(
        tx.backend(),
        "INSERT INTO disclosure_categories (code, parent_code, name, sort) VALUES (?, ?, ?, ?)",
    )
    .bind(code.clone())
    .bind(parent.clone())
    .bind(name.clone())
    .bind(sort)
    .execute(tx.conn())
    .await?;
    audit::success(
        &mut tx,
        &k.keys,
        now,
        actor,
        "disclosure.category.add",
        &format!("category:{code}"),
        serde_json::json!({ "name": name, "parent": parent, "sort": sort }),
    )
    .await?;
    tree_changed(&mut tx, now, &code).await?;
    tx.commit().await?;
    Ok(())
}

/// Renames a category or changes its order.
pub async fn update_category(
    k: &Kernel,
    actor: &Actor,
    now: OffsetDateTime,
    code: &str,
    name: &str,
    sort: &str,
) -> Result<()> {
    let name = required("分类名称", name, 30)?;
    // A blank order keeps the category where it is.
    let sort = match sort.trim() {
        "" => None,
        s => Some(sort_of(s)?),
    };
    let before = store::categories(k)
        .await?
        .into_iter()
        .find(|c| c.code == code)
        .ok_or_else(|| DisclosureError::NotFound("分类不存在".into()))?;
    let mut tx = k.db.begin().await?;
    query(
        tx.backend(),
        "UPDATE disclosure_categories SET name = ?, sort = COALESCE(?, sort) WHERE code = ?",
    )
    .bind(name.clone())
    .bind(sort)
    .bind(code.to_string())
    .execute(tx.conn())
    .await?;
    audit::success(
        &mut tx,
        &k.keys,
        now,
        actor,
        "disclosure.category.update",
        &format!("category:{code}"),
        serde_json::json!({ "before": before.name, "after": name, "sort": sort }),
    )
    .await?;
    tree_changed(&mut tx, now, code).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn index_pattern(k: &Kernel) -> Result<String> {
    Ok(yangguang_kernel::settings::get(k, INDEX_PATTERN)
        .await?
        .unwrap_or_else(|| rules::DEFAULT_INDEX_PATTERN.to_string()))
}

const INDEX_PATTERN: &str = "disclosure.index_pattern";

/// Sets the 索引号 pattern for numbers issued from now on (numbers already
/// issued never change).
pub async fn set_index_pattern(
    k: &Kernel,
    actor: &Actor,
    now: OffsetDateTime,
    pattern: &str,
) -> Result<()> {
    let p = pattern.trim();
    rules::check_index_pattern(p)?;
    let before = index_pattern(k).await?;
    let mut tx = k.db.begin().await?;
    yangguang_kernel::settings::put_in(&mut tx, now, INDEX_PATTERN, p).await?;
    audit::success(
        &mut tx,
        &k.keys,
        now,
        actor,
        "disclosure.index_pattern",
        "settings:disclosure.index_pattern",
        serde_json::json!({ "before": before, "after": p }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Tells every node's page cache and catalog that the tree changed.
async fn tree_changed(
    tx: &mut yangguang_kernel::db::WriteTx,
    now: OffsetDateTime,
    code: &str,
) -> Result<()> {
    yangguang_kernel::outbox::publish(
        tx,
        now,
        store::TOPIC_CATEGORIES,
        &format!("category:{code}"),
        &serde_json::json!({ "code": code }),
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn category_codes_are_short_lower_case_words() {
        assert_eq!(check_code(" aqsc_jdjc ").ok().as_deref(), Some("aqsc_jdjc"));
        assert!(check_code("安全").is_err());
        assert!(check_code("A").is_err());
        assert!(check_code("Upper").is_err());
    }
}
