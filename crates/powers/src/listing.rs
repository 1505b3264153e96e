//! The public list's query: filters, search by name or code, pages.

use sqlx::Row;
use yangguang_kernel::db::query;
use yangguang_kernel::{Kernel, Result};

use crate::model::Category;

pub const PAGE_SIZE: i64 = 20;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    pub category: Option<Category>,
    pub unit: String,
    /// Part of the name, or the code.
    pub q: String,
    /// Include abolished items (shown as 已取消).
    pub abolished: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    pub code: String,
    pub name: String,
    pub category: Category,
    pub unit: String,
    pub active: bool,
}

/// Escapes LIKE's wildcards so a search for "10%" finds "10%".
fn like(q: &str) -> String {
    let mut s = String::with_capacity(q.len() + 2);
    s.push('%');
    for ch in q.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            s.push('\\');
        }
        s.push(ch);
    }
    s.push('%');
    s
}

/// One page of the list (1-based) and the total matching.
pub async fn page(k: &Kernel, f: &Filter, page: i64) -> Result<(i64, Vec<Summary>)> {
    let be = k.db.backend();
    let cat = f.category.map_or("", |c| c.as_str()).to_string();
    let q = f.q.trim().to_string();
    let pattern = like(&q);
    let active_only = i64::from(!f.abolished);
    let total: i64 = query(
        be,
        "SELECT COUNT(*) FROM power_items WHERE (? = '' OR category = ?) AND (? = '' OR unit = ?) \
         AND (? = '' OR name LIKE ? ESCAPE '\\' OR code = ?) AND (active = 1 OR ? = 0)",
    )
    .bind(cat.clone())
    .bind(cat.clone())
    .bind(f.unit.clone())
    .bind(f.unit.clone())
    .bind(q.clone())
    .bind(pattern.clone())
    .bind(q.clone())
    .bind(active_only)
    .fetch_one(k.db.pool())
    .await?
    .try_get(0)?;
    let rows = query(
        be,
        "SELECT code, name, category, unit, active FROM power_items WHERE (? = '' OR category = ?) AND (? = '' OR unit = ?) \
         AND (? = '' OR name LIKE ? ESCAPE '\\' OR code = ?) AND (active = 1 OR ? = 0) \
         ORDER BY category, code LIMIT ? OFFSET ?",
    )
    .bind(cat.clone())
    .bind(cat)
    .bind(f.unit.clone())
    .bind(f.unit.clone())
    .bind(q.clone())
    .bind(pattern)
    .bind(q)
    .bind(active_only)
    .bind(PAGE_SIZE)
    .bind((page.max(1) - 1) * PAGE_SIZE)
    .fetch_all(k.db.pool())
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let c: String = r.try_get(2)?;
        out.push(Summary {
            code: r.try_get(0)?,
            name: r.try_get(1)?,
            category: Category::parse(&c).unwrap_or(Category::Other),
            unit: r.try_get(3)?,
            active: r.try_get::<i64, _>(4)? != 0,
        });
    }
    Ok((total, out))
}

/// The units that hold items (the unit filter's choices).
pub async fn units(k: &Kernel) -> Result<Vec<String>> {
    let rows = query(
        k.db.backend(),
        "SELECT DISTINCT unit FROM power_items WHERE active = 1 ORDER BY unit",
    )
    .fetch_all(k.db.pool())
    .await?;
    rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
}
