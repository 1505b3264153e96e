//! Full-text search over 公文 for staff, limited to what each person may
//! open — inside the search engine, never by dropping hits afterwards.
//!
//! **What is indexed.** Per document: title, 文号 (发文字号 or 收文编号),
//! 来文单位 and 来文字号, 主送 and 抄送, 内容摘要, the text of the current
//! version (a .docx-only version adds no text), status and direction, cut
//! by jieba in the catalog's search crate (`yangguang-search`). Opinions
//! are never indexed.
//!
//! **Who finds it.** The rule of `inbox::may_view`: the office and
//! supervisors (`broad`) search without a filter; anyone else finds a
//! document they filed or own, or on which one of `Who::inbox_ids` (they
//! themselves and the A holders they stand in for today as B) has a task.
//! Each document is indexed with viewer keys — the user id of every task
//! assignee, and [`owner_key`] of its filer and owner — and a search adds
//! "holds one of the searcher's keys" as a clause of the query. Filer and
//! owner keys are kept apart from task keys because `may_view` matches
//! them against the signed-in user alone: a B holder finds the documents
//! on which their A has a task, not the ones A merely filed.
//!
//! **Staying current.** A separate index under the data directory
//! (`search-docflow`), rebuilt from the database when it is new or its
//! schema changed, then kept current from the outbox, which every act
//! writes in its transaction (`engine::record`, object `docflow_doc:{id}`):
//! each event re-reads its document — fields, current text, viewer keys —
//! so the index never depends on which columns an act touched. The outbox
//! cursor is committed inside the index (index and cursor agree after a
//! crash). A follower reads the outbox every second, and a search first
//! catches up whenever this process committed anything since the last
//! catch-up (`Db::audited_commits`), so a document routed to someone is
//! found by them right after the act. On PostgreSQL outbox ids may turn
//! visible out of order; ids skipped over are looked for again for
//! [`HOLE_TTL`], and the first catch-up after a start re-reads the last
//! [`LOOKBACK`] events. Viewer keys only ever grow (tasks are never
//! deleted, and `may_view` counts finished and cancelled ones), so an
//! index that lags can miss a document, never show one too many.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use sqlx::Row;
use tokio::sync::{Mutex, Notify};
use yangguang_kernel::db::{query, query_dyn};
use yangguang_kernel::timefmt::{parse_rfc3339, today_cst};
use yangguang_kernel::{Error, Kernel, Result, outbox};
use yangguang_search::{Doc as IndexDoc, Query, SearchIndex};

use crate::model::{Direction, Doc};
use crate::store::{DOC_COLS, doc_from};
use crate::who::Who;

/// How often the follower reads the outbox.
pub const POLL: Duration = Duration::from_secs(1);
/// How long an outbox id skipped by the follower is looked for again.
pub const HOLE_TTL: Duration = Duration::from_secs(30);
/// Events read again by the first catch-up after a start or a rebuild.
pub const LOOKBACK: i64 = 100;
/// Results on one page.
pub const PAGE: usize = 20;
const BATCH: i64 = 500;
/// The cursor is committed without a change of documents once it is this
/// far ahead of the committed one (other modules' events).
const IDLE_COMMIT: i64 = 5_000;

/// The directory of this node's 公文 index.
pub fn index_dir(k: &Kernel) -> PathBuf {
    k.data_dir.join("search-docflow")
}

/// The viewer key of a document's filer or owner (`created_by`,
/// `created_for`): the negated user id, apart from the task assignees'
/// keys (their user ids), since only the signed-in user matches it.
pub fn owner_key(user_id: i64) -> i64 {
    -user_id
}

/// The keys `who` searches with: their own and their A holders' task keys,
/// and their own owner key.
pub fn keys_of(who: &Who) -> Vec<i64> {
    let mut keys = who.inbox_ids();
    keys.push(owner_key(who.me.id));
    keys
}

/// A search as the page asks it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocQuery {
    /// What was typed; any text is accepted.
    pub text: String,
    /// Only 收文 or only 发文.
    pub direction: Option<Direction>,
    /// From 0.
    pub page: usize,
}

/// One result: the document as the database has it now, and the excerpt
/// around the words found (HTML-escaped, hits in `<em>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub doc: Doc,
    pub snippet: String,
}

/// A page of results and how many documents match in all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Results {
    pub total: usize,
    pub docs: Vec<Found>,
}

struct Follow {
    /// Outbox position read so far (`None` before the first catch-up).
    cursor: Option<i64>,
    /// The cursor last committed into the index.
    committed: i64,
    /// Outbox ids skipped over (not yet visible when a later one was).
    holes: BTreeMap<i64, Instant>,
}

/// This node's index of 公文.
pub struct DocSearch {
    k: Kernel,
    index: SearchIndex,
    /// One catch-up at a time (the follower, a search, a rebuild).
    follow: Mutex<Follow>,
    wake: Notify,
    /// This process's audited commits as of the last catch-up
    /// (`u64::MAX`: none yet).
    commits_seen: AtomicU64,
}

fn search_err(e: yangguang_search::SearchError) -> Error {
    Error::Internal(format!("公文检索索引错误：{e}"))
}

/// The document an outbox event is about.
fn doc_of(object: &str) -> Option<i64> {
    object.strip_prefix("docflow_doc:")?.parse().ok()
}

fn in_list(n: usize) -> String {
    vec!["?"; n].join(", ")
}

impl DocSearch {
    /// Opens (or creates) the index; not following the outbox yet: see
    /// [`DocSearch::spawn`] (a search catches up by itself).
    pub fn open(k: &Kernel) -> Result<Arc<DocSearch>> {
        let index = SearchIndex::open_or_create(&index_dir(k)).map_err(search_err)?;
        Ok(Arc::new(DocSearch {
            k: k.clone(),
            index,
            follow: Mutex::new(Follow {
                cursor: None,
                committed: 0,
                holes: BTreeMap::new(),
            }),
            wake: Notify::new(),
            commits_seen: AtomicU64::new(u64::MAX),
        }))
    }

    /// Documents in the index.
    pub fn len(&self) -> u64 {
        self.index.len()
    }

    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// Asks the follower to look now.
    pub fn poke(&self) {
        self.wake.notify_one();
    }

    /// Follows the outbox until the process ends.
    pub fn spawn(self: &Arc<Self>) -> tokio::task::JoinHandle<()> {
        let me = self.clone();
        tokio::spawn(async move {
            loop {
                if let Err(e) = me.catch_up().await {
                    tracing::error!(error = %e, "docflow search index catch-up failed");
                }
                tokio::select! {
                    _ = me.wake.notified() => {}
                    _ = tokio::time::sleep(POLL) => {}
                }
            }
        })
    }

    /// Applies the outbox events not applied yet, rebuilding first when the
    /// index has no cursor (new, or its schema changed). Returns how many
    /// documents it (re)indexed.
    pub async fn catch_up(&self) -> Result<usize> {
        let mut f = self.follow.lock().await;
        let commits = self.k.db.audited_commits();
        let n = match f.cursor {
            Some(_) => self.follow_outbox(&mut f).await?,
            None => match self.index.cursor().map_err(search_err)? {
                None => self.rebuild_locked(&mut f).await?,
                Some(c) => {
                    f.committed = c;
                    f.cursor = Some((c - LOOKBACK).max(0));
                    self.follow_outbox(&mut f).await?
                }
            },
        };
        self.commits_seen.store(commits, Ordering::Release);
        Ok(n)
    }

    /// Rebuilds the whole index from the database (`yangguang reindex`,
    /// or a new index). Returns how many documents it indexed.
    pub async fn rebuild(&self) -> Result<usize> {
        let mut f = self.follow.lock().await;
        self.rebuild_locked(&mut f).await
    }

    async fn rebuild_locked(&self, f: &mut Follow) -> Result<usize> {
        // Events from shortly before here on are applied again afterwards
        // (re-indexing is idempotent): nothing committed meanwhile is lost.
        let start = (outbox::last_id(&self.k.db).await? - LOOKBACK).max(0);
        let rows = query(self.k.db.backend(), "SELECT id FROM docflow_docs")
            .fetch_all(self.k.db.pool())
            .await?;
        let ids: Vec<i64> = rows
            .iter()
            .map(|r| r.try_get::<i64, _>(0))
            .collect::<std::result::Result<_, _>>()?;
        let docs = self.load(&ids).await?;
        let n = docs.len();
        self.write(docs, start, true).await?;
        f.cursor = Some(start);
        f.committed = start;
        f.holes.clear();
        Ok(n + self.follow_outbox(f).await?)
    }

    /// Reads the events after the cursor (and the holes still awaited),
    /// re-indexes the documents they name, commits with the new cursor.
    async fn follow_outbox(&self, f: &mut Follow) -> Result<usize> {
        let db = &self.k.db;
        let now = Instant::now();
        let mut ids = BTreeSet::new();
        f.holes
            .retain(|_, since| now.duration_since(*since) < HOLE_TTL);
        if !f.holes.is_empty() {
            let wanted: Vec<i64> = f.holes.keys().copied().collect();
            for chunk in wanted.chunks(BATCH as usize) {
                let sql = format!(
                    "SELECT id, object FROM outbox WHERE id IN ({})",
                    in_list(chunk.len())
                );
                let mut q = query_dyn(db.backend(), sql);
                for id in chunk {
                    q = q.bind(*id);
                }
                for r in q.fetch_all(db.pool()).await? {
                    f.holes.remove(&r.try_get::<i64, _>(0)?);
                    if let Some(doc) = doc_of(&r.try_get::<String, _>(1)?) {
                        ids.insert(doc);
                    }
                }
            }
        }
        let mut cursor = f.cursor.unwrap_or(0);
        loop {
            let events = outbox::after(db, cursor, BATCH).await?;
            let n = events.len();
            for e in events {
                if e.id > cursor + 1 {
                    // At most a bounded number of remembered gaps.
                    for hole in (cursor + 1).max(e.id - 1000)..e.id {
                        f.holes.insert(hole, now);
                    }
                }
                cursor = cursor.max(e.id);
                if let Some(doc) = doc_of(&e.object) {
                    ids.insert(doc);
                }
            }
            if n < BATCH as usize {
                break;
            }
        }
        f.cursor = Some(cursor);
        if ids.is_empty() && cursor - f.committed < IDLE_COMMIT {
            return Ok(0);
        }
        let ids: Vec<i64> = ids.into_iter().collect();
        let docs = self.load(&ids).await?;
        let n = docs.len();
        // The cursor is committed only forward: a re-read after a start
        // begins behind it.
        let at = cursor.max(f.committed);
        self.write(docs, at, false).await?;
        f.committed = at;
        Ok(n)
    }

    async fn write(&self, docs: Vec<(IndexDoc, Vec<i64>)>, cursor: i64, clear: bool) -> Result<()> {
        let index = self.index.clone();
        tokio::task::spawn_blocking(move || {
            if clear {
                index.clear()?;
            }
            index.upsert_with_viewers(&docs)?;
            index.commit_at(cursor)
        })
        .await
        .map_err(|e| Error::Internal(format!("公文索引任务失败：{e}")))?
        .map_err(search_err)
    }

    /// The documents with these ids as the index holds them, each with its
    /// viewer keys, read in a few queries per 500 documents.
    async fn load(&self, ids: &[i64]) -> Result<Vec<(IndexDoc, Vec<i64>)>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let db = &self.k.db;
        let be = db.backend();
        let mut user_ids: HashMap<String, i64> = HashMap::new();
        for r in query(be, "SELECT id, username FROM users")
            .fetch_all(db.pool())
            .await?
        {
            user_ids.insert(r.try_get(1)?, r.try_get(0)?);
        }
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(BATCH as usize) {
            let list = in_list(chunk.len());
            let bind = |sql: String| {
                let mut q = query_dyn(be, sql);
                for id in chunk {
                    q = q.bind(*id);
                }
                q
            };
            let docs = bind(format!(
                "SELECT {DOC_COLS} FROM docflow_docs WHERE id IN ({list})"
            ))
            .fetch_all(db.pool())
            .await?;
            let mut bodies: HashMap<i64, String> = HashMap::new();
            for r in bind(format!(
                "SELECT v.doc_id, v.body FROM docflow_versions v JOIN (SELECT doc_id, MAX(no) AS no \
                 FROM docflow_versions WHERE doc_id IN ({list}) GROUP BY doc_id) m \
                 ON m.doc_id = v.doc_id AND m.no = v.no"
            ))
            .fetch_all(db.pool())
            .await?
            {
                bodies.insert(r.try_get(0)?, r.try_get(1)?);
            }
            let mut keys: HashMap<i64, Vec<i64>> = HashMap::new();
            for r in bind(format!(
                "SELECT DISTINCT doc_id, assignee_user_id FROM docflow_tasks WHERE doc_id IN ({list})"
            ))
            .fetch_all(db.pool())
            .await?
            {
                keys.entry(r.try_get(0)?).or_default().push(r.try_get(1)?);
            }
            for r in &docs {
                let d = doc_from(r)?;
                let mut k = keys.remove(&d.id).unwrap_or_default();
                for name in [Some(d.created_by.as_str()), d.created_for.as_deref()]
                    .into_iter()
                    .flatten()
                {
                    if let Some(id) = user_ids.get(name) {
                        k.push(owner_key(*id));
                    }
                }
                k.sort_unstable();
                k.dedup();
                let body = bodies.remove(&d.id).unwrap_or_default();
                out.push((index_doc(&d, body)?, k));
            }
        }
        Ok(out)
    }

    /// The page of documents matching `q` that `who` may open (`broad`:
    /// the office and supervisors, who may open every one). Catches up
    /// first when this process committed anything since the last catch-up.
    pub async fn search(&self, who: &Who, broad: bool, q: &DocQuery) -> Result<Results> {
        if self.k.db.audited_commits() != self.commits_seen.load(Ordering::Acquire) {
            self.catch_up().await?;
        }
        let mut ask = Query::new(yangguang_kernel::text::clip(&q.text, 200));
        ask.category = q.direction.map(|d| d.as_str().to_string());
        ask.offset = q.page.saturating_mul(PAGE);
        ask.limit = PAGE;
        let keys = (!broad).then(|| keys_of(who));
        let hits = self
            .index
            .search_as(&ask, keys.as_deref())
            .map_err(search_err)?;
        if hits.items.is_empty() {
            return Ok(Results {
                total: hits.total,
                docs: Vec::new(),
            });
        }
        // What a result shows (文号, status) as the database has it now.
        let sql = format!(
            "SELECT {DOC_COLS} FROM docflow_docs WHERE id IN ({})",
            in_list(hits.items.len())
        );
        let mut dq = query_dyn(self.k.db.backend(), sql);
        for h in &hits.items {
            dq = dq.bind(h.id);
        }
        let mut docs: HashMap<i64, Doc> = HashMap::new();
        for r in dq.fetch_all(self.k.db.pool()).await? {
            let d = doc_from(&r)?;
            docs.insert(d.id, d);
        }
        Ok(Results {
            total: hits.total,
            docs: hits
                .items
                .into_iter()
                .filter_map(|h| {
                    docs.remove(&h.id).map(|doc| Found {
                        doc,
                        snippet: h.snippet,
                    })
                })
                .collect(),
        })
    }
}

/// A document as the search crate indexes it.
fn index_doc(d: &Doc, body: String) -> Result<IndexDoc> {
    let created = today_cst(parse_rfc3339(&d.created_at)?);
    let keywords = [
        d.source_org.as_str(),
        d.source_no.as_str(),
        d.main_to.as_str(),
        d.cc_to.as_str(),
    ]
    .into_iter()
    .map(str::trim)
    .filter(|s| !s.is_empty())
    .collect::<Vec<_>>()
    .join("\n");
    Ok(IndexDoc {
        id: d.id,
        title: d.title.clone(),
        doc_no: d.doc_no.clone().or_else(|| d.reg_no()).unwrap_or_default(),
        keywords,
        summary: d.summary.clone(),
        body,
        attachments_text: String::new(),
        category: d.direction.as_str().to_string(),
        year: created.year(),
        publisher: String::new(),
        validity: d.status.as_str().to_string(),
        published_on: created,
        url: format!("/staff/docflow/docs/{}", d.id),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outbox_objects_name_their_document() {
        assert_eq!(doc_of("docflow_doc:42"), Some(42));
        assert_eq!(doc_of("docflow_paths"), None);
        assert_eq!(doc_of("disclosure_item:42"), None);
    }

    #[test]
    fn owner_keys_never_equal_task_keys() {
        assert_ne!(owner_key(7), 7);
        assert!(owner_key(7) < 0);
    }
}
