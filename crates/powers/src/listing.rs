//! The public list's data: each node keeps the list's summaries in memory
//! and reloads them when the list's revision (bumped in every transaction
//! that changes an item) moves; filters, search and paging then run in
//! memory. One indexed read a request, whatever the list's size.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

use yangguang_kernel::read::{self, Val};
use yangguang_kernel::{Error, Kernel, Result};

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

/// The whole list at one revision, in list order (category, code).
#[derive(Debug, Default)]
pub struct Catalog {
    pub rev: i64,
    pub rows: Vec<Summary>,
    /// Active items by category.
    pub counts: Vec<(Category, i64)>,
    /// Units holding active items.
    pub units: Vec<String>,
}

impl Catalog {
    fn of(rev: i64, mut rows: Vec<Summary>) -> Catalog {
        rows.sort_by(|a, b| (a.category, &a.code).cmp(&(b.category, &b.code)));
        let mut counts: BTreeMap<Category, i64> = BTreeMap::new();
        let mut units = BTreeSet::new();
        for r in rows.iter().filter(|r| r.active) {
            *counts.entry(r.category).or_default() += 1;
            units.insert(r.unit.clone());
        }
        Catalog {
            rev,
            rows,
            counts: counts.into_iter().collect(),
            units: units.into_iter().collect(),
        }
    }

    /// One page (1-based) of the rows matching `f`, and how many match.
    pub fn page(&self, f: &Filter, page: i64) -> (i64, Vec<Summary>) {
        let q = f.q.trim();
        let hits = self.rows.iter().filter(|r| {
            (f.abolished || r.active)
                && f.category.is_none_or(|c| c == r.category)
                && (f.unit.is_empty() || f.unit == r.unit)
                && (q.is_empty() || r.code == q || r.name.contains(q))
        });
        let skip = usize::try_from((page.max(1) - 1) * PAGE_SIZE).unwrap_or(usize::MAX);
        let mut total = 0i64;
        let mut out = Vec::with_capacity(PAGE_SIZE as usize);
        for (i, r) in hits.enumerate() {
            total += 1;
            if i >= skip && out.len() < PAGE_SIZE as usize {
                out.push(r.clone());
            }
        }
        (total, out)
    }
}

type Cache = Mutex<HashMap<String, Arc<Catalog>>>;

fn cache() -> &'static Cache {
    static C: OnceLock<Cache> = OnceLock::new();
    C.get_or_init(|| Mutex::new(HashMap::new()))
}

async fn rev(k: &Kernel) -> Result<i64> {
    let rows = read::rows(&k.db, "SELECT rev FROM power_list_rev WHERE id = 1", &[]).await?;
    rows.first()
        .and_then(|r| r.first())
        .map(Val::int)
        .transpose()?
        .ok_or_else(|| Error::Internal("power_list_rev missing".into()))
}

/// The list as this node has it, reloaded when the revision moved.
pub async fn catalog(k: &Kernel) -> Result<Arc<Catalog>> {
    let now = rev(k).await?;
    let key = k.db.url().to_string();
    if let Ok(c) = cache().lock()
        && let Some(cat) = c.get(&key)
        && cat.rev == now
    {
        return Ok(cat.clone());
    }
    // Read after the revision: the rows are at least that new.
    let rows = read::rows(
        &k.db,
        "SELECT code, name, category, unit, active FROM power_items ORDER BY category, code",
        &[],
    )
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for mut r in rows {
        if r.len() < 5 {
            return Err(Error::Internal(
                "power list read: unexpected row shape".into(),
            ));
        }
        let c = r[2].text()?;
        out.push(Summary {
            code: r[0].text()?,
            name: r[1].text()?,
            category: Category::parse(&c).unwrap_or(Category::Other),
            unit: r[3].text()?,
            active: r[4].int()? != 0,
        });
    }
    let cat = Arc::new(Catalog::of(now, out));
    if let Ok(mut c) = cache().lock() {
        c.insert(key, cat.clone());
    }
    Ok(cat)
}

/// Keeps this node's copy of the list current in the background (checks
/// the revision every second), so a public request after a change finds
/// the list loaded instead of paying for the reload.
pub fn spawn_warmer(k: Kernel) {
    tokio::spawn(async move {
        loop {
            if let Err(e) = catalog(&k).await {
                tracing::warn!(error = %e, "power list reload failed; retried in a second");
            }
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(code: &str, name: &str, c: Category, unit: &str, active: bool) -> Summary {
        Summary {
            code: code.into(),
            name: name.into(),
            category: c,
            unit: unit.into(),
            active,
        }
    }

    #[test]
    fn the_list_filters_searches_and_pages_in_list_order_without_abolished_items() {
        let mut rows: Vec<Summary> = (0..45)
            .map(|i| {
                row(
                    &format!("CF-{i:03}"),
                    &format!("处罚{i}"),
                    Category::Penalty,
                    "监察支队",
                    true,
                )
            })
            .collect();
        rows.push(row(
            "XK-001",
            "危险化学品经营许可",
            Category::Licensing,
            "危化处",
            true,
        ));
        rows.push(row(
            "XK-002",
            "已废止的许可",
            Category::Licensing,
            "危化处",
            false,
        ));
        let cat = Catalog::of(1, rows);
        assert_eq!(
            cat.counts,
            vec![(Category::Licensing, 1), (Category::Penalty, 45)]
        );
        assert_eq!(
            cat.units,
            vec!["危化处".to_string(), "监察支队".to_string()]
        );
        let (total, page) = cat.page(&Filter::default(), 1);
        assert_eq!(total, 46);
        assert_eq!(page[0].code, "XK-001", "licensing comes first");
        let (_, third) = cat.page(&Filter::default(), 3);
        assert_eq!(third.len(), 6);
        let f = Filter {
            q: "危险化学品".into(),
            ..Filter::default()
        };
        assert_eq!(cat.page(&f, 1).0, 1);
        let f = Filter {
            q: "CF-044".into(),
            ..Filter::default()
        };
        assert_eq!(cat.page(&f, 1).1[0].name, "处罚44");
        let f = Filter {
            category: Some(Category::Licensing),
            abolished: true,
            ..Filter::default()
        };
        assert_eq!(cat.page(&f, 1).0, 2);
    }
}
