//! The public catalog in memory: every listed item's catalog row in catalog
//! order, with the filter menus' values and the category tree.
//!
//! The catalog page filters, counts and pages over all listed items; in SQL
//! that is several scans of every listed item per page (~2.5 s at 100,000
//! items, docs/benchmarks.md). Here it is a walk over a sorted vector, and an
//! unfiltered page is a slice. The page cache's outbox follower keeps it
//! current: each `disclosure.published` / `disclosure.removed` event re-reads
//! that item's row, `disclosure.categories` re-reads the tree; pages use it
//! only while the follower is fresh (`PageCache::listing`), with the same
//! read-your-writes check as cached pages. About 0.5 KB an item.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, RwLock};

use sqlx::Row;
use time::Date;
use yangguang_kernel::Kernel;
use yangguang_kernel::db::query_dyn;
use yangguang_kernel::timefmt::parse_date;
use yangguang_webcore::AppState;

use crate::cache::PageCache;

use crate::public::{CatalogFilter, CatalogRow, LISTED, PUBLIC_FROM};
use crate::store::{self, Category, Result};

/// One listed item as the catalog shows it. Its texts share one
/// allocation: a page reads 20 entries scattered over the heap, and one
/// cache miss an entry is cheaper than one a field.
#[derive(Debug, Clone)]
struct Entry {
    id: i64,
    published_on: Date,
    written_on: Date,
    /// index_no, title, summary, genre, publisher, doc_no, validity,
    /// category_code, one after the other; `ends[i]` ends field i.
    text: Box<str>,
    ends: [u32; 8],
}

const INDEX_NO: usize = 0;
const TITLE: usize = 1;
const SUMMARY: usize = 2;
const GENRE: usize = 3;
const PUBLISHER: usize = 4;
const DOC_NO: usize = 5;
const VALIDITY: usize = 6;
const CATEGORY: usize = 7;

impl Entry {
    fn new(id: i64, published_on: Date, written_on: Date, fields: [&str; 8]) -> Entry {
        let mut text = String::with_capacity(fields.iter().map(|f| f.len()).sum());
        let mut ends = [0u32; 8];
        for (i, f) in fields.iter().enumerate() {
            text.push_str(f);
            ends[i] = u32::try_from(text.len()).unwrap_or(u32::MAX);
        }
        Entry {
            id,
            published_on,
            written_on,
            text: text.into_boxed_str(),
            ends,
        }
    }

    fn field(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        self.text
            .get(start..self.ends[i] as usize)
            .unwrap_or_default()
    }

    fn key(&self) -> (Date, i64) {
        (self.published_on, self.id)
    }

    fn row(&self, category_name: String) -> CatalogRow {
        CatalogRow {
            id: self.id,
            index_no: self.field(INDEX_NO).to_string(),
            title: self.field(TITLE).to_string(),
            summary: self.field(SUMMARY).to_string(),
            category_name,
            genre: self.field(GENRE).to_string(),
            publisher: self.field(PUBLISHER).to_string(),
            written_on: self.written_on,
            published_on: self.published_on,
            doc_no: self.field(DOC_NO).to_string(),
            validity: self.field(VALIDITY).to_string(),
        }
    }
}

/// A value a catalog filter selects by.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Dim {
    /// An item is under its category and under that category's parent
    /// (the catalog's "category with its children").
    Category(String),
    Year(i32),
    Genre(String),
    Publisher(String),
    Validity(String),
}

type Key = (Date, i64);

#[derive(Default)]
struct State {
    cats: Vec<Category>,
    /// The listed items by id.
    entries: HashMap<i64, Entry>,
    /// Their keys ascending by (published_on, id): the catalog's order read
    /// backwards. Small keys, so that a page is a slice of this vector.
    order: Vec<Key>,
    /// The items under each filter value, in catalog order.
    dims: HashMap<Dim, BTreeSet<Key>>,
}

impl State {
    fn dims_of(&self, e: &Entry) -> Vec<Dim> {
        let mut d = vec![
            Dim::Category(e.field(CATEGORY).to_string()),
            Dim::Year(e.published_on.year()),
            Dim::Genre(e.field(GENRE).to_string()),
            Dim::Publisher(e.field(PUBLISHER).to_string()),
            Dim::Validity(e.field(VALIDITY).to_string()),
        ];
        if let Some(parent) = self
            .cats
            .iter()
            .find(|c| c.code == e.field(CATEGORY))
            .and_then(|c| c.parent.clone())
        {
            d.push(Dim::Category(parent));
        }
        d
    }

    fn index(&mut self, e: &Entry, add: bool) {
        let key = e.key();
        for d in self.dims_of(e) {
            if add {
                self.dims.entry(d).or_default().insert(key);
            } else if let Some(set) = self.dims.get_mut(&d) {
                set.remove(&key);
                if set.is_empty() {
                    self.dims.remove(&d);
                }
            }
        }
    }

    /// Rebuilds the filter sets (after a change of the category tree).
    fn reindex(&mut self) {
        self.dims.clear();
        let entries = std::mem::take(&mut self.entries);
        for e in entries.values() {
            self.index(e, true);
        }
        self.entries = entries;
    }

    fn entry(&self, key: &Key) -> Option<&Entry> {
        self.entries.get(&key.1)
    }

    fn remove(&mut self, id: i64) {
        if let Some(e) = self.entries.remove(&id) {
            self.index(&e, false);
            if let Ok(i) = self.order.binary_search(&e.key()) {
                self.order.remove(i);
            }
        }
    }

    fn insert(&mut self, e: Entry) {
        self.remove(e.id);
        self.index(&e, true);
        let key = e.key();
        let i = self.order.binary_search(&key).unwrap_or_else(|i| i);
        self.order.insert(i, key);
        self.entries.insert(e.id, e);
    }

    fn category_name(&self, code: &str) -> String {
        self.cats
            .iter()
            .find(|c| c.code == code)
            .map(|c| c.name.clone())
            .unwrap_or_default()
    }
}

const COLS: &str = "i.id, i.index_no, v.title, v.summary, v.category_code, v.genre, v.publisher, \
     v.written_on, v.published_on, v.doc_no, i.validity";

fn entry_of(r: &sqlx::any::AnyRow) -> Result<Entry> {
    let written: String = r.try_get(7)?;
    let published: String = r.try_get(8)?;
    let text = |i: usize| r.try_get::<String, _>(i);
    Ok(Entry::new(
        r.try_get(0)?,
        parse_date(&published)?,
        parse_date(&written)?,
        [
            &text(1)?,
            &text(2)?,
            &text(3)?,
            &text(5)?,
            &text(6)?,
            &text(9)?,
            &text(10)?,
            &text(4)?,
        ],
    ))
}

/// The listed items, in memory.
#[derive(Default)]
pub struct Listing {
    state: RwLock<State>,
}

impl Listing {
    fn read(&self) -> std::sync::RwLockReadGuard<'_, State> {
        match self.state.read() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        }
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, State> {
        match self.state.write() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        }
    }

    /// Reads every listed item and the category tree.
    pub async fn load(k: &Kernel) -> Result<Listing> {
        let rows = query_dyn(
            k.db.backend(),
            format!("SELECT {COLS} {PUBLIC_FROM} WHERE {LISTED}"),
        )
        .fetch_all(k.db.pool())
        .await?;
        let entries = rows.iter().map(entry_of).collect::<Result<Vec<_>>>()?;
        let mut st = State {
            cats: store::categories(k).await?,
            ..State::default()
        };
        st.order = entries.iter().map(Entry::key).collect();
        st.order.sort_unstable();
        st.entries = entries.into_iter().map(|e| (e.id, e)).collect();
        st.reindex();
        let l = Listing::default();
        *l.write() = st;
        Ok(l)
    }

    /// Re-reads these items: each is listed again as it is now, or dropped.
    pub async fn refresh(&self, k: &Kernel, ids: &BTreeSet<i64>) -> Result<()> {
        let ids: Vec<i64> = ids.iter().copied().collect();
        for chunk in ids.chunks(200) {
            let sql = format!(
                "SELECT {COLS} {PUBLIC_FROM} WHERE {LISTED} AND i.id IN ({})",
                vec!["?"; chunk.len()].join(", ")
            );
            let mut q = query_dyn(k.db.backend(), sql);
            for id in chunk {
                q = q.bind(*id);
            }
            let found = q
                .fetch_all(k.db.pool())
                .await?
                .iter()
                .map(entry_of)
                .collect::<Result<Vec<_>>>()?;
            let mut st = self.write();
            for id in chunk {
                st.remove(*id);
            }
            for e in found {
                st.insert(e);
            }
        }
        Ok(())
    }

    /// Re-reads the category tree (names, order, parents).
    pub async fn reload_categories(&self, k: &Kernel) -> Result<()> {
        let cats = store::categories(k).await?;
        let mut st = self.write();
        st.cats = cats;
        st.reindex();
        Ok(())
    }

    pub fn categories(&self) -> Vec<Category> {
        self.read().cats.clone()
    }

    /// The filter menus: years (newest first), genres, publishers.
    pub fn facets(&self) -> (Vec<i32>, Vec<String>, Vec<String>) {
        let st = self.read();
        let (mut years, mut genres, mut publishers) = (Vec::new(), Vec::new(), Vec::new());
        for d in st.dims.keys() {
            match d {
                Dim::Year(y) => years.push(*y),
                Dim::Genre(g) => genres.push(g.clone()),
                Dim::Publisher(p) => publishers.push(p.clone()),
                Dim::Category(_) | Dim::Validity(_) => {}
            }
        }
        years.sort_unstable_by(|a, b| b.cmp(a));
        genres.sort_unstable();
        publishers.sort_unstable();
        (years, genres, publishers)
    }

    /// The number of listed items matching `f`, and the rows of its page
    /// (same answer as `public::catalog`).
    pub fn catalog(&self, f: &CatalogFilter) -> (i64, Vec<CatalogRow>) {
        let st = self.read();
        let per = f.per_page.clamp(1, 100) as usize;
        let offset = (f.page.max(1) as usize - 1).saturating_mul(per);
        let out = |e: &Entry| e.row(st.category_name(e.field(CATEGORY)));
        let wanted: Vec<Dim> = [
            f.category.clone().map(Dim::Category),
            f.year.map(Dim::Year),
            f.genre.clone().map(Dim::Genre),
            f.publisher.clone().map(Dim::Publisher),
            f.validity.clone().map(Dim::Validity),
        ]
        .into_iter()
        .flatten()
        .collect();
        if wanted.is_empty() {
            let page: Vec<&Key> = if f.oldest_first {
                st.order.iter().skip(offset).take(per).collect()
            } else {
                st.order.iter().rev().skip(offset).take(per).collect()
            };
            let rows = page
                .into_iter()
                .filter_map(|k| st.entry(k))
                .map(out)
                .collect();
            return (st.order.len() as i64, rows);
        }
        // Walk the smallest filter set; check the others on each item.
        let empty = BTreeSet::new();
        let mut sets: Vec<&BTreeSet<Key>> = wanted
            .iter()
            .map(|d| st.dims.get(d).unwrap_or(&empty))
            .collect();
        sets.sort_by_key(|s| s.len());
        let (first, rest) = (sets[0], &sets[1..]);
        let ordered: Box<dyn Iterator<Item = &Key>> = if f.oldest_first {
            Box::new(first.iter())
        } else {
            Box::new(first.iter().rev())
        };
        if rest.is_empty() {
            let rows = ordered
                .skip(offset)
                .take(per)
                .filter_map(|k| st.entry(k))
                .map(out)
                .collect();
            return (first.len() as i64, rows);
        }
        let mut total = 0usize;
        let mut rows = Vec::new();
        for k in ordered.filter(|k| rest.iter().all(|s| s.contains(k))) {
            if total >= offset
                && rows.len() < per
                && let Some(e) = st.entry(k)
            {
                rows.push(out(e));
            }
            total += 1;
        }
        (total as i64, rows)
    }

    /// How many items are listed.
    pub fn len(&self) -> usize {
        self.read().entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Where one request reads the catalog from: memory when it is current,
/// else the database. Taken once a request (the freshness check is one
/// `fstat`, and one is enough).
pub enum Source<'a> {
    Memory(Arc<Listing>),
    Database(&'a Kernel),
}

/// This application's catalog source for the request at hand.
pub async fn source(st: &AppState) -> Source<'_> {
    let fresh = match PageCache::of(st) {
        Some(c) => c.listing().await,
        None => None,
    };
    match fresh {
        Some(l) => Source::Memory(l),
        None => Source::Database(&st.kernel),
    }
}

impl Source<'_> {
    /// A catalog page.
    pub async fn catalog(&self, f: &CatalogFilter) -> Result<(i64, Vec<CatalogRow>)> {
        match self {
            Source::Memory(l) => Ok(l.catalog(f)),
            Source::Database(k) => crate::public::catalog(k, f).await,
        }
    }

    /// The category tree.
    pub async fn categories(&self) -> Result<Vec<Category>> {
        match self {
            Source::Memory(l) => Ok(l.categories()),
            Source::Database(k) => store::categories(k).await,
        }
    }

    /// The category tree and the filter menus (years, genres, publishers).
    pub async fn menus(&self) -> Result<(Vec<Category>, (Vec<i32>, Vec<String>, Vec<String>))> {
        match self {
            Source::Memory(l) => Ok((l.categories(), l.facets())),
            Source::Database(k) => {
                Ok((store::categories(k).await?, crate::public::facets(k).await?))
            }
        }
    }

    /// Each top-level category with its `n` latest listed items (children
    /// included); categories with nothing listed are left out (the home
    /// page).
    pub async fn latest_per_category(&self, n: i64) -> Result<Vec<(Category, Vec<CatalogRow>)>> {
        let mut out = Vec::new();
        for c in self.categories().await? {
            if c.parent.is_some() {
                continue;
            }
            let f = CatalogFilter {
                category: Some(c.code.clone()),
                page: 1,
                per_page: n,
                ..CatalogFilter::default()
            };
            let rows = self.catalog(&f).await?.1;
            if !rows.is_empty() {
                out.push((c, rows));
            }
        }
        Ok(out)
    }
}
