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
use std::sync::{Arc, OnceLock, RwLock, RwLockReadGuard};

use sqlx::Row as _;
use time::Date;
use yangguang_kernel::Kernel;
use yangguang_kernel::db::query_dyn;
use yangguang_kernel::timefmt::parse_date;
use yangguang_webcore::AppState;

use crate::cache::PageCache;

use crate::public::{CatalogFilter, CatalogRow, LISTED, PUBLIC_FROM};
use crate::store::{self, Category, Result};
use crate::view::{Day, Esc, Menus, OwnedRow, Row, escape_html, needs_escaping};

/// Eight texts one after the other in one allocation: `ends[i]` ends
/// field i.
#[derive(Debug, Clone)]
struct Packed {
    text: Box<str>,
    ends: [u32; 8],
}

impl Packed {
    fn new(fields: [&str; 8]) -> Packed {
        let mut text = String::with_capacity(fields.iter().map(|f| f.len()).sum());
        let mut ends = [0u32; 8];
        for (i, f) in fields.iter().enumerate() {
            text.push_str(f);
            ends[i] = u32::try_from(text.len()).unwrap_or(u32::MAX);
        }
        Packed {
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
}

/// One listed item as the catalog shows it. Its texts share one
/// allocation: a page reads 20 entries scattered over the heap, and one
/// cache miss an entry is cheaper than one a field. Texts that HTML would
/// escape are kept escaped as well (rare: most titles have no `<>&"'`), so
/// that pages print them as they are.
#[derive(Debug, Clone)]
struct Entry {
    id: i64,
    published_on: Date,
    written_on: Date,
    /// index_no, title, summary, genre, publisher, doc_no, validity,
    /// category_code.
    text: Packed,
    html: Option<Box<Packed>>,
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
        let html = fields.iter().any(|f| needs_escaping(f)).then(|| {
            let escaped = fields.map(escape_html);
            Box::new(Packed::new(escaped.each_ref().map(String::as_str)))
        });
        Entry {
            id,
            published_on,
            written_on,
            text: Packed::new(fields),
            html,
        }
    }

    fn field(&self, i: usize) -> &str {
        self.text.field(i)
    }

    fn html(&self, i: usize) -> Esc<'_> {
        Esc(match &self.html {
            Some(h) => h.field(i),
            None => self.text.field(i),
        })
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

    fn view(&self) -> Row<'_> {
        Row {
            id: self.id,
            index_no: self.html(INDEX_NO),
            title: self.html(TITLE),
            summary: self.html(SUMMARY),
            doc_no: self.html(DOC_NO),
            published_on: Day(self.published_on),
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

/// An item in a sorted list: its key and the entry itself, so that a page
/// reads its rows straight from the list (entries are allocated in catalog
/// order when loaded: a page's rows lie close together in memory).
type Slot = (Key, Arc<Entry>);

fn find(list: &[Slot], key: &Key) -> std::result::Result<usize, usize> {
    list.binary_search_by(|(k, _)| k.cmp(key))
}

#[derive(Default)]
struct State {
    cats: Vec<Category>,
    /// The listed items by id.
    entries: HashMap<i64, Arc<Entry>>,
    /// The listed items ascending by (published_on, id): the catalog's
    /// order read backwards, so that a page is a slice of this vector.
    order: Vec<Slot>,
    /// The items under each filter value, ascending like `order`: a
    /// filtered page is a slice too.
    dims: HashMap<Dim, Vec<Slot>>,
    /// The menus, made on first use after a change of the category tree
    /// or of the filter values in use.
    menus: OnceLock<Arc<Menus>>,
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

    fn index(&mut self, e: &Arc<Entry>, add: bool) {
        let key = e.key();
        for d in self.dims_of(e) {
            if add {
                let set = self.dims.entry(d).or_insert_with(|| {
                    self.menus = OnceLock::new();
                    Vec::new()
                });
                if let Err(i) = find(set, &key) {
                    set.insert(i, (key, e.clone()));
                }
            } else if let Some(set) = self.dims.get_mut(&d) {
                if let Ok(i) = find(set, &key) {
                    set.remove(i);
                }
                if set.is_empty() {
                    self.dims.remove(&d);
                    self.menus = OnceLock::new();
                }
            }
        }
    }

    /// Rebuilds the filter sets (after a change of the category tree, or
    /// once loaded): each set is filled, then sorted once.
    fn reindex(&mut self) {
        let mut dims: HashMap<Dim, Vec<Slot>> = HashMap::new();
        for (key, e) in &self.order {
            for d in self.dims_of(e) {
                dims.entry(d).or_default().push((*key, e.clone()));
            }
        }
        // Filled in catalog order: already sorted.
        self.dims = dims;
        self.menus = OnceLock::new();
    }

    fn remove(&mut self, id: i64) {
        if let Some(e) = self.entries.remove(&id) {
            self.index(&e, false);
            if let Ok(i) = find(&self.order, &e.key()) {
                self.order.remove(i);
            }
        }
    }

    fn insert(&mut self, e: Entry) {
        self.remove(e.id);
        let e = Arc::new(e);
        self.index(&e, true);
        let key = e.key();
        let i = find(&self.order, &key).unwrap_or_else(|i| i);
        self.order.insert(i, (key, e.clone()));
        self.entries.insert(e.id, e);
    }

    fn category_name(&self, code: &str) -> String {
        self.cats
            .iter()
            .find(|c| c.code == code)
            .map(|c| c.name.clone())
            .unwrap_or_default()
    }

    /// The filter menus' values: years (newest first), genres, publishers.
    fn facets(&self) -> (Vec<i32>, Vec<String>, Vec<String>) {
        let (mut years, mut genres, mut publishers) = (Vec::new(), Vec::new(), Vec::new());
        for d in self.dims.keys() {
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

    fn menus(&self) -> Arc<Menus> {
        self.menus
            .get_or_init(|| {
                let (years, genres, publishers) = self.facets();
                Arc::new(Menus::new(self.cats.clone(), years, genres, publishers))
            })
            .clone()
    }

    /// The number of listed items matching `f`, and the keys of its page
    /// in page order.
    fn select(&self, f: &CatalogFilter) -> (usize, Vec<Arc<Entry>>) {
        let per = f.per_page.clamp(1, 100) as usize;
        let offset = (f.page.max(1) as usize - 1).saturating_mul(per);
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
        // A page of one sorted vector is a slice of it.
        let slice = |all: &[Slot]| -> (usize, Vec<Arc<Entry>>) {
            let n = all.len();
            let (lo, hi) = if f.oldest_first {
                (offset.min(n), offset.saturating_add(per).min(n))
            } else {
                (
                    n.saturating_sub(offset.saturating_add(per)),
                    n.saturating_sub(offset),
                )
            };
            let page = all.get(lo..hi).unwrap_or_default().iter();
            let page = if f.oldest_first {
                page.map(|(_, e)| e.clone()).collect()
            } else {
                page.rev().map(|(_, e)| e.clone()).collect()
            };
            (n, page)
        };
        if wanted.is_empty() {
            return slice(&self.order);
        }
        let mut sets: Vec<&[Slot]> = wanted
            .iter()
            .map(|d| self.dims.get(d).map(Vec::as_slice).unwrap_or_default())
            .collect();
        sets.sort_by_key(|s| s.len());
        let (first, rest) = (sets[0], &sets[1..]);
        if rest.is_empty() {
            return slice(first);
        }
        // Walk the smallest set; look each key up in the others.
        let ordered: Box<dyn Iterator<Item = &Slot>> = if f.oldest_first {
            Box::new(first.iter())
        } else {
            Box::new(first.iter().rev())
        };
        let mut total = 0usize;
        let mut page = Vec::new();
        for (_, e) in ordered.filter(|(k, _)| rest.iter().all(|s| find(s, k).is_ok())) {
            if total >= offset && page.len() < per {
                page.push(e.clone());
            }
            total += 1;
        }
        (total, page)
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
    fn read(&self) -> RwLockReadGuard<'_, State> {
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
            // In catalog order: entries are then allocated in that order.
            format!("SELECT {COLS} {PUBLIC_FROM} WHERE {LISTED} ORDER BY v.published_on, i.id"),
        )
        .fetch_all(k.db.pool())
        .await?;
        let mut st = State {
            cats: store::categories(k).await?,
            ..State::default()
        };
        for r in &rows {
            let e = Arc::new(entry_of(r)?);
            st.order.push((e.key(), e));
        }
        drop(rows);
        st.order.sort_unstable_by_key(|(k, _)| *k);
        st.entries = st.order.iter().map(|(_, e)| (e.id, e.clone())).collect();
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
        self.read().facets()
    }

    /// The category tree and the filter menus, as pages print them.
    pub fn menus(&self) -> Arc<Menus> {
        self.read().menus()
    }

    /// The number of listed items matching `f`, and the rows of its page
    /// (same answer as `public::catalog`).
    pub fn catalog(&self, f: &CatalogFilter) -> (i64, Vec<CatalogRow>) {
        let st = self.read();
        let (total, entries) = st.select(f);
        let rows = entries
            .iter()
            .map(|e| e.row(st.category_name(e.field(CATEGORY))))
            .collect();
        (total as i64, rows)
    }

    /// A page of the catalog to print: its rows are the listing's own
    /// entries, with their escaped texts.
    pub fn page(&self, f: &CatalogFilter) -> Page {
        let (total, entries) = self.read().select(f);
        Page {
            total: total as i64,
            rows: Rows::Memory(entries),
        }
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

    /// The category tree and the filter menus, as pages print them.
    pub async fn menus(&self) -> Result<Arc<Menus>> {
        match self {
            Source::Memory(l) => Ok(l.menus()),
            Source::Database(k) => {
                let cats = store::categories(k).await?;
                let (years, genres, publishers) = crate::public::facets(k).await?;
                Ok(Arc::new(Menus::new(cats, years, genres, publishers)))
            }
        }
    }

    /// A catalog page to print (see `Listing::page`).
    pub async fn page(&self, f: &CatalogFilter) -> Result<Page> {
        match self {
            Source::Memory(l) => Ok(l.page(f)),
            Source::Database(k) => {
                let (total, rows) = crate::public::catalog(k, f).await?;
                Ok(Page {
                    total,
                    rows: Rows::Owned(rows.into_iter().map(OwnedRow::from).collect()),
                })
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

/// A catalog page to print: how many items match, and its rows.
pub struct Page {
    pub total: i64,
    rows: Rows,
}

enum Rows {
    /// Entries of the listing.
    Memory(Vec<Arc<Entry>>),
    /// Rows read from the database.
    Owned(Vec<OwnedRow>),
}

impl Page {
    /// An empty page (a query that selects nothing).
    pub fn empty() -> Page {
        Page {
            total: 0,
            rows: Rows::Owned(Vec::new()),
        }
    }

    pub fn rows(&self) -> Vec<Row<'_>> {
        match &self.rows {
            Rows::Memory(entries) => entries.iter().map(|e| e.view()).collect(),
            Rows::Owned(rows) => rows.iter().map(OwnedRow::row).collect(),
        }
    }
}
