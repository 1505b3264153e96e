//! The public list's data: each node keeps the list's summaries in memory
//! and, when the list's revision (bumped in every transaction that changes
//! an item, and carried by the items it changed) moves, reads only the
//! items newer than its copy and merges them in; filters, search and paging
//! then run in memory. One indexed read a request, whatever the list's size.

use std::collections::{BTreeMap, HashMap};
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
    /// Shared with the previous copy, so a merge copies pointers only.
    pub rows: Vec<Arc<Summary>>,
    /// Active items by category.
    pub counts: Vec<(Category, i64)>,
    /// Units holding active items.
    pub units: Vec<String>,
    /// Active items by category and by unit, kept so that a merge adjusts
    /// them instead of counting the whole list again.
    by_category: BTreeMap<Category, i64>,
    by_unit: BTreeMap<String, i64>,
}

/// Above this many changed items (an import) a merge rebuilds the list
/// instead of moving rows one by one.
const MERGE_ONE_BY_ONE: usize = 64;

fn order(r: &Summary) -> (Category, &str) {
    (r.category, r.code.as_str())
}

impl Catalog {
    fn of(rev: i64, rows: Vec<Summary>) -> Catalog {
        Catalog::sorted(rev, rows.into_iter().map(Arc::new).collect())
    }

    fn sorted(rev: i64, mut rows: Vec<Arc<Summary>>) -> Catalog {
        rows.sort_by(|a, b| order(a).cmp(&order(b)));
        let mut by_category = BTreeMap::new();
        let mut by_unit: BTreeMap<String, i64> = BTreeMap::new();
        for r in rows.iter().filter(|r| r.active) {
            *by_category.entry(r.category).or_default() += 1;
            match by_unit.get_mut(&r.unit) {
                Some(n) => *n += 1,
                None => {
                    by_unit.insert(r.unit.clone(), 1);
                }
            }
        }
        Catalog::finish(rev, rows, by_category, by_unit)
    }

    fn finish(
        rev: i64,
        rows: Vec<Arc<Summary>>,
        by_category: BTreeMap<Category, i64>,
        by_unit: BTreeMap<String, i64>,
    ) -> Catalog {
        Catalog {
            rev,
            rows,
            counts: by_category
                .iter()
                .filter(|(_, n)| **n > 0)
                .map(|(c, n)| (*c, *n))
                .collect(),
            units: by_unit
                .iter()
                .filter(|(_, n)| **n > 0)
                .map(|(u, _)| u.clone())
                .collect(),
            by_category,
            by_unit,
        }
    }

    /// This copy with `changed` (items changed since `self.rev`; codes are
    /// unique) put in place of the old rows or added, at revision `rev`.
    /// A few changes move a few rows, found by binary search in each
    /// category, and adjust the counts; many rebuild the list.
    fn merged(&self, rev: i64, changed: Vec<Summary>) -> Catalog {
        if changed.len() > MERGE_ONE_BY_ONE {
            let mut changed: HashMap<String, Summary> =
                changed.into_iter().map(|s| (s.code.clone(), s)).collect();
            let mut rows: Vec<Arc<Summary>> = Vec::with_capacity(self.rows.len() + changed.len());
            for r in &self.rows {
                rows.push(match changed.remove(&r.code) {
                    Some(new) => Arc::new(new),
                    None => r.clone(),
                });
            }
            rows.extend(changed.into_values().map(Arc::new));
            return Catalog::sorted(rev, rows);
        }
        let mut rows = self.rows.clone();
        let mut by_category = self.by_category.clone();
        let mut by_unit = self.by_unit.clone();
        for new in changed {
            let old = Category::ALL.iter().find_map(|c| {
                rows.binary_search_by(|r| order(r).cmp(&(*c, new.code.as_str())))
                    .ok()
            });
            if let Some(i) = old {
                let old = rows.remove(i);
                if old.active {
                    *by_category.entry(old.category).or_default() -= 1;
                    *by_unit.entry(old.unit.clone()).or_default() -= 1;
                }
            }
            if new.active {
                *by_category.entry(new.category).or_default() += 1;
                *by_unit.entry(new.unit.clone()).or_default() += 1;
            }
            let at = rows.partition_point(|r| order(r) < order(&new));
            rows.insert(at, Arc::new(new));
        }
        Catalog::finish(rev, rows, by_category, by_unit)
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
                out.push(Summary::clone(r));
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

/// The list as this node has it, brought up to the current revision.
pub async fn catalog(k: &Kernel) -> Result<Arc<Catalog>> {
    let now = rev(k).await?;
    let key = k.db.url().to_string();
    let have = cache().lock().ok().and_then(|c| c.get(&key).cloned());
    let cat = match have {
        Some(cat) if cat.rev == now => return Ok(cat),
        // Read after the revision: the rows are at least that new (a row
        // newer still is read again, and merged again, next time).
        Some(cat) if cat.rev < now => cat.merged(now, summaries(k, Some(cat.rev)).await?),
        // None yet, or a database behind this copy (restored): all of it.
        _ => Catalog::of(now, summaries(k, None).await?),
    };
    let cat = Arc::new(cat);
    if let Ok(mut c) = cache().lock() {
        c.insert(key, cat.clone());
    }
    Ok(cat)
}

/// Every item's summary, or only those changed after revision `after`.
async fn summaries(k: &Kernel, after: Option<i64>) -> Result<Vec<Summary>> {
    const COLS: &str = "SELECT code, name, category, unit, active FROM power_items";
    let rows = match after {
        Some(r) => read::rows(&k.db, &format!("{COLS} WHERE rev > ?"), &[Val::Int(r)]).await?,
        None => read::rows(&k.db, COLS, &[]).await?,
    };
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
    Ok(out)
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

    /// What a catalog shows, for comparing two built differently.
    fn shown(c: &Catalog) -> (Vec<Summary>, Vec<(Category, i64)>, Vec<String>) {
        let rows = c.rows.iter().map(|r| Summary::clone(r)).collect();
        (rows, c.counts.clone(), c.units.clone())
    }

    #[test]
    fn a_merge_of_few_or_many_changes_shows_what_a_full_reload_shows() {
        let cats = [Category::Licensing, Category::Penalty, Category::Other];
        let base: Vec<Summary> = (0..300)
            .map(|i| {
                let unit = format!("单位{}", i % 7);
                row(
                    &format!("X-{i:03}"),
                    &format!("事项{i}"),
                    cats[i % 3],
                    &unit,
                    true,
                )
            })
            .collect();
        let cat = Catalog::of(1, base.clone());
        for n in [1, 5, MERGE_ONE_BY_ONE, MERGE_ONE_BY_ONE + 1, 200] {
            // Every third changed item moves category, every fourth is
            // abolished, every fifth moves unit; n / 4 are new.
            let changed: Vec<Summary> = (0..n)
                .map(|j| {
                    let i = j * 300 / n;
                    if j % 4 == 3 {
                        return row(&format!("N-{j:03}"), "新增", cats[j % 3], "新单位", true);
                    }
                    let mut r = base[i].clone();
                    if j % 3 == 0 {
                        r.category = cats[(i + 1) % 3];
                    }
                    if j % 4 == 1 {
                        r.active = false;
                    }
                    if j % 5 == 0 {
                        r.unit = "调整后单位".into();
                    }
                    r.name = format!("{}（调整）", r.name);
                    r
                })
                .collect();
            let mut all: HashMap<String, Summary> =
                base.iter().map(|r| (r.code.clone(), r.clone())).collect();
            for r in &changed {
                all.insert(r.code.clone(), r.clone());
            }
            let full = Catalog::of(2, all.into_values().collect());
            let merged = cat.merged(2, changed);
            assert_eq!(shown(&merged), shown(&full), "{n} changed");
        }
        // A unit whose last active item is abolished leaves the filter.
        let one = Catalog::of(1, vec![row("A-1", "甲", Category::Other, "孤单位", true)]);
        let gone = one.merged(2, vec![row("A-1", "甲", Category::Other, "孤单位", false)]);
        assert!(gone.units.is_empty() && gone.counts.is_empty());
    }

    #[test]
    fn a_merge_replaces_changed_items_adds_new_ones_and_recounts() {
        let cat = Catalog::of(
            3,
            vec![
                row("CF-001", "处罚一", Category::Penalty, "监察支队", true),
                row("XK-001", "许可一", Category::Licensing, "危化处", true),
                row("XK-002", "许可二", Category::Licensing, "危化处", true),
            ],
        );
        let next = cat.merged(
            5,
            vec![
                row("XK-002", "许可二", Category::Licensing, "危化处", false),
                row(
                    "CF-001",
                    "处罚一（调整）",
                    Category::Penalty,
                    "执法局",
                    true,
                ),
                row("QT-001", "其他一", Category::Other, "办公室", true),
            ],
        );
        assert_eq!(next.rev, 5);
        let codes: Vec<&str> = next.rows.iter().map(|r| r.code.as_str()).collect();
        assert_eq!(codes, ["XK-001", "XK-002", "CF-001", "QT-001"]);
        assert_eq!(next.rows[2].name, "处罚一（调整）");
        assert_eq!(
            next.counts,
            vec![
                (Category::Licensing, 1),
                (Category::Penalty, 1),
                (Category::Other, 1)
            ]
        );
        assert_eq!(next.units, ["办公室", "危化处", "执法局"]);
        assert_eq!(cat.rows[2].name, "处罚一", "the old copy is unchanged");
        assert!(
            Arc::ptr_eq(&cat.rows[0], &next.rows[0]),
            "an unchanged row (XK-001) is shared, not copied"
        );
    }
}
