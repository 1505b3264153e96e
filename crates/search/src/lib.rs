//! Chinese full-text index of the public disclosure catalog (政府信息公开目录)
//! and of the 公文 staff may see.
//!
//! A tantivy index, cut with jieba: an item's text is indexed as the words of
//! jieba's normal cut and, in a second field, the dictionary words inside
//! them (search mode's extra tokens); queries are cut in normal mode and
//! every word is required (falling back to any word when no item has them
//! all), ranked by BM25, the best 30 then re-ranked by whether the item
//! first mentions the words in the order typed. A hit is read from fast
//! fields; only snippets touch the stored texts. Items may carry viewer
//! keys (`upsert_with_viewers`, used for the staff search over 公文), and
//! a search may be limited to the items holding one of the searcher's keys
//! (`search_as`): a filter inside the query, so a hidden item is never
//! counted, ranked or returned. See `schema.rs` for the
//! fields, `query.rs` for the rules a query follows, `order.rs` for word
//! order and `snippet.rs` for the highlighted excerpts.
//!
//! ```
//! use yangguang_search::{Doc, Query, SearchIndex};
//! let index = SearchIndex::in_memory().unwrap();
//! index.upsert(&[Doc {
//!     id: 1,
//!     title: "关于加强安全生产应急预案管理的通知".into(),
//!     body: "各单位要定期组织应急演练。".into(),
//!     published_on: time::macros::date!(2008 - 05 - 12),
//!     ..Doc::default()
//! }]).unwrap();
//! index.commit().unwrap();
//! let hits = index.search(&Query::new("应急预案 演练")).unwrap();
//! assert_eq!(hits.items[0].id, 1);
//! ```

mod order;
mod query;
mod schema;
mod snippet;
mod tokenizer;

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use tantivy::collector::sort_key::{SortBySimilarityScore, SortByStaticFastValue};
use tantivy::collector::{Count, TopDocs};
use tantivy::directory::MmapDirectory;
use tantivy::index::{SegmentId, SegmentReader};
use tantivy::query::{AllQuery, BooleanQuery, Occur, Query as TQuery};
use tantivy::schema::Value;
use tantivy::tokenizer::{RemoveLongFilter, TextAnalyzer};
use tantivy::{
    DocAddress, Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term,
};

use crate::schema::{Fields, JIEBA_TOKENIZER, SCHEMA_VERSION};

/// One catalog item as the index sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Doc {
    pub id: i64,
    pub title: String,
    /// 文号, e.g. `苏安监办〔2008〕38号`.
    pub doc_no: String,
    pub keywords: String,
    pub summary: String,
    pub body: String,
    pub attachments_text: String,
    /// Catalog category code, e.g. `zcwj`.
    pub category: String,
    pub year: i32,
    pub publisher: String,
    /// 有效 | 失效 | 废止
    pub validity: String,
    pub published_on: time::Date,
    pub url: String,
}

impl Default for Doc {
    fn default() -> Self {
        Doc {
            id: 0,
            title: String::new(),
            doc_no: String::new(),
            keywords: String::new(),
            summary: String::new(),
            body: String::new(),
            attachments_text: String::new(),
            category: String::new(),
            year: 0,
            publisher: String::new(),
            validity: String::new(),
            published_on: time::Date::MIN,
            url: String::new(),
        }
    }
}

/// Order of the hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Order {
    /// Best match first (BM25).
    #[default]
    Relevance,
    /// Latest `published_on` first; equal dates by relevance.
    Newest,
}

/// A search as the reader asked it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// What the reader typed; any text is accepted.
    pub text: String,
    pub category: Option<String>,
    pub year: Option<i32>,
    pub publisher: Option<String>,
    pub validity: Option<String>,
    pub order: Order,
    pub offset: usize,
    /// At most [`MAX_LIMIT`] hits are returned whatever is asked.
    pub limit: usize,
}

impl Query {
    /// A search for `text`: no filters, by relevance, the first 10 hits.
    pub fn new(text: impl Into<String>) -> Query {
        Query {
            text: text.into(),
            category: None,
            year: None,
            publisher: None,
            validity: None,
            order: Order::Relevance,
            offset: 0,
            limit: 10,
        }
    }
}

/// Most hits one search returns.
pub const MAX_LIMIT: usize = 100;
/// Deepest offset one search pages to.
pub const MAX_OFFSET: usize = 10_000;

/// One search result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub id: i64,
    /// The item's full plain title (no markup).
    pub title: String,
    pub url: String,
    pub published_on: time::Date,
    /// About 120 characters, HTML-escaped, hits in `<em>…</em>`.
    pub snippet: String,
}

/// A page of results and how many items match in all.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Hits {
    pub total: usize,
    pub items: Vec<Hit>,
}

/// What can go wrong with the index. Odd query text is never an error.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("搜索索引目录无法访问：{path}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("目录 {0} 不是搜索索引，且不为空；为免误删，未在其中建立索引")]
    NotAnIndex(PathBuf),
    #[error("搜索索引出错：{0}")]
    Index(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl From<tantivy::TantivyError> for SearchError {
    fn from(e: tantivy::TantivyError) -> Self {
        SearchError::Index(Box::new(e))
    }
}

impl From<tantivy::directory::error::OpenDirectoryError> for SearchError {
    fn from(e: tantivy::directory::error::OpenDirectoryError) -> Self {
        SearchError::Index(Box::new(e))
    }
}

/// The index: cheap to clone, shared between threads. Writes go through one
/// writer; searches see the state of the last [`SearchIndex::commit`].
#[derive(Clone)]
pub struct SearchIndex {
    inner: Arc<Inner>,
}

struct Inner {
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
    recreated: bool,
    /// What hits show, for each segment, read once when a commit makes the
    /// segment visible (see `HitColumns`). Segments are immutable, so an
    /// entry stays valid while its segment lives; a commit drops those of
    /// merged-away segments.
    columns: Mutex<HashMap<SegmentId, Arc<HitColumns>>>,
}

/// File beside the index recording [`SCHEMA_VERSION`].
const VERSION_FILE: &str = "yangguang-search.version";
/// Indexing memory, shared by the writer's threads.
const WRITER_MEMORY: usize = 64 << 20;

impl SearchIndex {
    /// Opens the index in `dir`, creating it (and `dir`) if needed. An index
    /// of another schema version is deleted and created anew, empty: see
    /// [`SearchIndex::was_recreated`]. A non-empty `dir` that holds no index is
    /// refused rather than emptied.
    pub fn open_or_create(dir: &Path) -> Result<SearchIndex, SearchError> {
        let io = |source| SearchError::Io {
            path: dir.to_path_buf(),
            source,
        };
        fs::create_dir_all(dir).map_err(io)?;
        let (schema, fields) = schema::build();
        let version_path = dir.join(VERSION_FILE);
        let version = fs::read_to_string(&version_path).ok();
        let has_meta = dir.join("meta.json").exists();
        let current = version.as_deref().map(str::trim) == Some(&SCHEMA_VERSION.to_string());
        if has_meta && current {
            let index = Index::open(MmapDirectory::open(dir)?)?;
            if index.schema() == schema {
                return Self::from_index(index, fields, false);
            }
        }
        if !has_meta && version.is_none() {
            for entry in fs::read_dir(dir).map_err(io)? {
                // tantivy's lock files may be left by an interrupted creation.
                if !entry
                    .map_err(io)?
                    .file_name()
                    .to_string_lossy()
                    .starts_with(".tantivy-")
                {
                    return Err(SearchError::NotAnIndex(dir.to_path_buf()));
                }
            }
        }
        // Another version (or a half-made index): empty the directory's
        // files, then create.
        for entry in fs::read_dir(dir).map_err(io)? {
            let entry = entry.map_err(io)?;
            if entry.file_type().map_err(io)?.is_file() {
                fs::remove_file(entry.path()).map_err(io)?;
            }
        }
        let index = Index::create(
            MmapDirectory::open(dir)?,
            schema,
            tantivy::IndexSettings::default(),
        )?;
        fs::write(&version_path, format!("{SCHEMA_VERSION}\n")).map_err(io)?;
        Self::from_index(index, fields, true)
    }

    /// An index held in memory (tests, tools).
    pub fn in_memory() -> Result<SearchIndex, SearchError> {
        let (schema, fields) = schema::build();
        Self::from_index(Index::create_in_ram(schema), fields, true)
    }

    fn from_index(
        index: Index,
        fields: Fields,
        recreated: bool,
    ) -> Result<SearchIndex, SearchError> {
        for (name, cut) in [
            (JIEBA_TOKENIZER, tokenizer::Cut::Words),
            (schema::PARTS_TOKENIZER, tokenizer::Cut::Parts),
        ] {
            let analyzer = TextAnalyzer::builder(tokenizer::JiebaTokenizer(cut))
                .filter(RemoveLongFilter::limit(100))
                .build();
            index.tokenizers().register(name, analyzer);
        }
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(2));
        let writer = index.writer_with_num_threads(threads, WRITER_MEMORY)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let index = SearchIndex {
            inner: Arc::new(Inner {
                index,
                reader,
                writer: Mutex::new(writer),
                fields,
                recreated,
                columns: Mutex::default(),
            }),
        };
        index.reloaded()?;
        Ok(index)
    }

    /// Whether this index started empty because none existed or its schema
    /// version changed: the caller should then feed it every item again.
    pub fn was_recreated(&self) -> bool {
        self.inner.recreated
    }

    fn writer(&self) -> MutexGuard<'_, IndexWriter> {
        // A panic while holding the lock leaves the writer usable: tantivy
        // keeps its own state consistent, and commit or rollback settles it.
        self.inner
            .writer
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Adds the items, replacing any indexed under the same id. Visible after
    /// [`SearchIndex::commit`]. They carry no viewer keys: a search with a
    /// viewer filter ([`SearchIndex::search_as`]) never finds them.
    pub fn upsert(&self, docs: &[Doc]) -> Result<(), SearchError> {
        self.add(docs.iter().map(|d| (d, &[][..])))
    }

    /// Adds the items like [`SearchIndex::upsert`], each with the keys of
    /// those who may see it (e.g. user ids): a search filtered by viewers
    /// finds an item only if it holds one of the searcher's keys; a search
    /// without a filter finds it like any other.
    pub fn upsert_with_viewers(&self, docs: &[(Doc, Vec<i64>)]) -> Result<(), SearchError> {
        self.add(docs.iter().map(|(d, v)| (d, v.as_slice())))
    }

    fn add<'a>(&self, docs: impl Iterator<Item = (&'a Doc, &'a [i64])>) -> Result<(), SearchError> {
        let f = &self.inner.fields;
        let writer = self.writer();
        for (d, viewers) in docs {
            writer.delete_term(Term::from_field_i64(f.id, d.id));
            let mut doc = TantivyDocument::new();
            doc.add_i64(f.id, d.id);
            for v in viewers {
                doc.add_i64(f.viewers, *v);
            }
            // One value, not six: the positions of both text fields then
            // count the same words (see `tokenizer.rs`), with no gap
            // between values that would differ between them.
            let mut text = String::new();
            for part in [
                &d.title,
                &d.doc_no,
                &d.keywords,
                &d.summary,
                &d.body,
                &d.attachments_text,
            ] {
                if !part.is_empty() {
                    if !text.is_empty() {
                        text.push('\n');
                    }
                    text.push_str(part);
                }
            }
            if !text.is_empty() {
                doc.add_text(f.text, &text);
                doc.add_text(f.text_parts, &text);
            }
            doc.add_text(f.title, &d.title);
            doc.add_text(f.doc_no_exact, schema::exact_doc_no(&d.doc_no));
            doc.add_text(f.summary, &d.summary);
            doc.add_text(f.body, &d.body);
            doc.add_text(f.category, &d.category);
            doc.add_i64(f.year, i64::from(d.year));
            doc.add_text(f.publisher, &d.publisher);
            doc.add_text(f.validity, &d.validity);
            doc.add_i64(f.published_on, i64::from(d.published_on.to_julian_day()));
            doc.add_text(f.url, &d.url);
            writer.add_document(doc)?;
        }
        Ok(())
    }

    /// Removes the items with these ids. Visible after commit.
    pub fn delete(&self, ids: &[i64]) -> Result<(), SearchError> {
        let writer = self.writer();
        for id in ids {
            writer.delete_term(Term::from_field_i64(self.inner.fields.id, *id));
        }
        Ok(())
    }

    /// Removes every item, for a full reindex: until the next commit searches
    /// still see the old items, so `clear`, `upsert` everything, `commit`
    /// swaps the index at once.
    pub fn clear(&self) -> Result<(), SearchError> {
        self.writer().delete_query(Box::new(AllQuery))?;
        Ok(())
    }

    /// Makes every change so far durable and visible to searches.
    pub fn commit(&self) -> Result<(), SearchError> {
        let mut writer = self.writer();
        writer.commit()?;
        self.reloaded()
    }

    /// Commits like [`SearchIndex::commit`], recording with the commit how far
    /// the feed (the outbox) has been read, atomically: after a crash the
    /// index and its cursor still agree.
    pub fn commit_at(&self, cursor: i64) -> Result<(), SearchError> {
        let mut writer = self.writer();
        let mut prepared = writer.prepare_commit()?;
        prepared.set_payload(&cursor.to_string());
        prepared.commit()?;
        self.reloaded()
    }

    /// Makes the last commit visible, forgets the columns of segments it
    /// merged away and reads those of new ones.
    fn reloaded(&self) -> Result<(), SearchError> {
        self.inner.reader.reload()?;
        let searcher = self.inner.reader.searcher();
        let live: HashSet<SegmentId> = searcher
            .segment_readers()
            .iter()
            .map(|s| s.segment_id())
            .collect();
        self.columns().retain(|id, _| live.contains(id));
        // Read the new segments' columns now rather than in a search.
        for segment in searcher.segment_readers() {
            self.hit_columns(segment)?;
        }
        Ok(())
    }

    fn columns(&self) -> MutexGuard<'_, HashMap<SegmentId, Arc<HitColumns>>> {
        self.inner
            .columns
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The hit columns of one segment (opened on first use).
    fn hit_columns(&self, segment: &SegmentReader) -> Result<Arc<HitColumns>, SearchError> {
        let id = segment.segment_id();
        if let Some(c) = self.columns().get(&id) {
            return Ok(c.clone());
        }
        let opened = Arc::new(HitColumns::open(segment)?);
        self.columns().insert(id, opened.clone());
        Ok(opened)
    }

    /// The cursor of the last [`SearchIndex::commit_at`] (`None` for a new
    /// index, or when the last commit was a plain `commit`).
    pub fn cursor(&self) -> Result<Option<i64>, SearchError> {
        let metas = self.inner.index.load_metas()?;
        Ok(metas.payload.and_then(|p| p.parse().ok()))
    }

    /// Number of items searchable now.
    pub fn len(&self) -> u64 {
        self.inner.reader.searcher().num_docs()
    }

    /// Whether no item is searchable.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Searches. Any text is accepted: text that yields no word (empty,
    /// spaces, punctuation) gives no hits, and query syntax means nothing
    /// (`AND`, `title:`, quotes are searched as words or ignored). Errors come
    /// only from the index itself. Each hit carries its snippet.
    pub fn search(&self, q: &Query) -> Result<Hits, SearchError> {
        self.search_as(q, None)
    }

    /// Searches like [`SearchIndex::search`] among the items a viewer may
    /// see: with `Some(keys)`, only items indexed (by
    /// [`SearchIndex::upsert_with_viewers`]) with at least one of `keys`
    /// match — the filter is a clause of the query itself, so totals,
    /// ranking, paging and the any-word fallback count only those items;
    /// `Some(&[])` finds nothing. `None` is no filter: every item.
    pub fn search_as(&self, q: &Query, viewers: Option<&[i64]>) -> Result<Hits, SearchError> {
        let searcher = self.inner.reader.searcher();
        let Some(Ranked {
            mut hits,
            words,
            addresses,
        }) = self.ranked(&searcher, q, viewers)?
        else {
            return Ok(Hits::default());
        };
        if !addresses.is_empty() {
            let f = &self.inner.fields;
            let snippets = snippet::Snippets::new(&words);
            for (hit, addr) in hits.items.iter_mut().zip(&addresses) {
                // Only the body and summary are in the doc store.
                let doc: TantivyDocument = searcher.doc(*addr)?;
                let text = |field| {
                    doc.get_first(field)
                        .and_then(|v| v.as_str())
                        .unwrap_or_default()
                };
                hit.snippet = snippets.make(text(f.body), text(f.summary));
            }
        }
        Ok(hits)
    }

    /// The same hits as [`SearchIndex::search`] without their snippets
    /// (each `snippet` empty): ids, titles, urls and dates, read from fast
    /// fields, the stored texts untouched. For callers that show no excerpt
    /// (a harvest, a count), and the benchmark's like-for-like row.
    pub fn find(&self, q: &Query) -> Result<Hits, SearchError> {
        self.find_as(q, None)
    }

    /// [`SearchIndex::find`] among the items a viewer may see (see
    /// [`SearchIndex::search_as`]).
    pub fn find_as(&self, q: &Query, viewers: Option<&[i64]>) -> Result<Hits, SearchError> {
        let searcher = self.inner.reader.searcher();
        Ok(self
            .ranked(&searcher, q, viewers)?
            .map(|r| r.hits)
            .unwrap_or_default())
    }

    /// The ranked page of hits, without snippets; `None` when the text
    /// holds no word or no viewer key is given.
    fn ranked(
        &self,
        searcher: &Searcher,
        q: &Query,
        viewers: Option<&[i64]>,
    ) -> Result<Option<Ranked>, SearchError> {
        let words = query::words(&q.text);
        if words.is_empty() || viewers.is_some_and(<[i64]>::is_empty) {
            return Ok(None);
        }
        let f = &self.inner.fields;
        let mut filters: Vec<(Occur, Box<dyn TQuery>)> = Vec::new();
        if let Some(keys) = viewers {
            filters.push((Occur::Must, query::filter_any_i64(f.viewers, keys)));
        }
        if let Some(c) = &q.category {
            filters.push((Occur::Must, query::filter_text(f.category, c)));
        }
        if let Some(y) = q.year {
            filters.push((Occur::Must, query::filter_i64(f.year, i64::from(y))));
        }
        if let Some(p) = &q.publisher {
            filters.push((Occur::Must, query::filter_text(f.publisher, p)));
        }
        if let Some(v) = &q.validity {
            filters.push((Occur::Must, query::filter_text(f.validity, v)));
        }
        let mut found = (0, Vec::new());
        // Word order re-ranks the best hits when every word was required.
        let mut reorder = false;
        for stage in query::stages(&words) {
            let text = query::text_query(f, &q.text, &words, stage);
            let query: Box<dyn TQuery> = if filters.is_empty() {
                text
            } else {
                let mut clauses = vec![(Occur::Must, text)];
                clauses.extend(filters.iter().map(|(o, c)| (*o, c.box_clone())));
                Box::new(BooleanQuery::new(clauses))
            };
            reorder = q.order == Order::Relevance && words.len() > 1 && stage != query::Stage::Any;
            found = run(searcher, query.as_ref(), q, reorder)?;
            if found.0 > 0 {
                break;
            }
        }
        let (total, mut scored) = found;
        if reorder {
            order::rerank(searcher, f, &words, &mut scored)?;
        }
        let addresses: Vec<DocAddress> = scored
            .into_iter()
            .skip(q.offset.min(MAX_OFFSET))
            .take(q.limit.min(MAX_LIMIT))
            .map(|(_, a)| a)
            .collect();
        let items = hits(self, searcher, &addresses)?;
        Ok(Some(Ranked {
            hits: Hits { total, items },
            words,
            addresses,
        }))
    }
}

/// A page of hits before snippets: what `search` adds them from.
struct Ranked {
    hits: Hits,
    /// The query's words, to highlight.
    words: Vec<query::Word>,
    /// Where each hit is in the searcher that found it.
    addresses: Vec<DocAddress>,
}

/// The hits at these addresses, from fast fields (no snippets).
fn hits(
    index: &SearchIndex,
    searcher: &Searcher,
    addresses: &[DocAddress],
) -> Result<Vec<Hit>, SearchError> {
    let mut items = Vec::with_capacity(addresses.len());
    for addr in addresses {
        let cols = index.hit_columns(searcher.segment_reader(addr.segment_ord))?;
        let doc = addr.doc_id;
        let published_on = cols
            .published_on
            .first(doc)
            .and_then(|j| i32::try_from(j).ok())
            .and_then(|j| time::Date::from_julian_day(j).ok())
            .unwrap_or(time::Date::MIN);
        items.push(Hit {
            id: cols.id.first(doc).unwrap_or_default(),
            title: cols.title.get(doc).to_string(),
            url: cols.url.get(doc).to_string(),
            published_on,
            snippet: String::new(),
        });
    }
    Ok(items)
}

/// What a hit shows, for every document of one segment: the `id` and
/// `published_on` columns, and the titles and urls decoded from their
/// string columns once. A string column keeps its values in a dictionary
/// whose lookups decode a block of values each: done for 10 hits in every
/// search, that cost more than finding them.
struct HitColumns {
    id: tantivy::columnar::Column<i64>,
    published_on: tantivy::columnar::Column<i64>,
    title: Strings,
    url: Strings,
}

/// The values of one string column, by document.
#[derive(Default)]
struct Strings {
    /// The distinct values, in dictionary order.
    values: Vec<Box<str>>,
    /// For each document, the index of its value (`u32::MAX`: none).
    of_doc: Vec<u32>,
}

impl Strings {
    fn read(column: Option<tantivy::columnar::StrColumn>, docs: u32) -> std::io::Result<Strings> {
        let Some(column) = column else {
            return Ok(Strings::default());
        };
        let mut values = Vec::with_capacity(column.num_terms());
        let mut stream = column.dictionary().stream()?;
        while stream.advance() {
            values.push(String::from_utf8_lossy(stream.key()).into());
        }
        let of_doc = (0..docs)
            .map(|doc| {
                column
                    .term_ords(doc)
                    .next()
                    .and_then(|o| u32::try_from(o).ok())
                    .unwrap_or(u32::MAX)
            })
            .collect();
        Ok(Strings { values, of_doc })
    }

    fn get(&self, doc: tantivy::DocId) -> &str {
        self.of_doc
            .get(doc as usize)
            .and_then(|&i| self.values.get(i as usize))
            .map_or("", |v| v)
    }
}

impl HitColumns {
    fn open(segment: &SegmentReader) -> Result<HitColumns, SearchError> {
        let ff = segment.fast_fields();
        let io = |e: std::io::Error| SearchError::Index(Box::new(e));
        let docs = segment.max_doc();
        Ok(HitColumns {
            id: ff.i64(schema::ID)?,
            published_on: ff.i64(schema::PUBLISHED_ON)?,
            title: Strings::read(ff.str(schema::TITLE)?, docs).map_err(io)?,
            url: Strings::read(ff.str(schema::URL)?, docs).map_err(io)?,
        })
    }
}

/// Runs one query: how many match, and the scored addresses of every hit
/// up to the end of the page asked for — at least the first
/// [`order::WINDOW`] by relevance when `reorder`, which word order may
/// re-rank (the same for every page, so pages neither repeat nor skip).
fn run(
    searcher: &Searcher,
    query: &dyn TQuery,
    q: &Query,
    reorder: bool,
) -> Result<(usize, Vec<(tantivy::Score, DocAddress)>), SearchError> {
    let limit = q.limit.min(MAX_LIMIT);
    let offset = q.offset.min(MAX_OFFSET);
    if limit == 0 {
        return Ok((searcher.search(query, &Count)?, Vec::new()));
    }
    Ok(match q.order {
        Order::Relevance => {
            let depth = if reorder {
                (offset + limit).max(order::WINDOW)
            } else {
                offset + limit
            };
            let top = TopDocs::with_limit(depth).order_by_score();
            searcher.search(query, &(Count, top))?
        }
        Order::Newest => {
            let top = TopDocs::with_limit(offset + limit);
            let key = (
                (
                    SortByStaticFastValue::<i64>::for_field("published_on"),
                    tantivy::Order::Desc,
                ),
                SortBySimilarityScore,
            );
            let (n, docs) = searcher.search(query, &(Count, top.order_by(key)))?;
            (n, docs.into_iter().map(|(_, a)| (0.0, a)).collect())
        }
    })
}
