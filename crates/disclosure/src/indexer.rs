//! Keeps this node's search index current: it follows the outbox from the
//! cursor stored inside the index itself (so index and cursor never
//! disagree after a crash), and rebuilds from the published catalog when
//! the index is new, its schema changed, or on `yangguang reindex`.
//! Only what `public::for_index` returns is ever indexed: published,
//! current, 主动公开, not withdrawn.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Mutex, Notify};
use yangguang_kernel::{Error, Kernel, outbox};
use yangguang_search::{Doc, Hits, Query, SearchIndex};

use crate::public;
use crate::store::{Result, TOPIC_PUBLISHED, TOPIC_REMOVED};

/// How often the index looks for new events (the "within a second"
/// promise of a withdrawal holds with margin).
pub const POLL: Duration = Duration::from_millis(250);
const BATCH: i64 = 500;

pub struct Indexer {
    k: Kernel,
    index: SearchIndex,
    /// One catch-up at a time (the poller, a poke, a reindex).
    busy: Mutex<()>,
    wake: Notify,
}

fn search_err(e: yangguang_search::SearchError) -> Error {
    Error::Internal(format!("搜索索引错误：{e}"))
}

pub fn index_dir(k: &Kernel) -> PathBuf {
    k.data_dir.join("search-index")
}

impl Indexer {
    pub fn open(k: &Kernel) -> Result<Arc<Indexer>> {
        let dir = index_dir(k);
        std::fs::create_dir_all(&dir)?;
        let index = SearchIndex::open_or_create(&dir).map_err(search_err)?;
        Ok(Arc::new(Indexer {
            k: k.clone(),
            index,
            busy: Mutex::new(()),
            wake: Notify::new(),
        }))
    }

    pub fn search(&self, q: &Query) -> Result<Hits> {
        self.index.search(q).map_err(search_err)
    }

    pub fn len(&self) -> u64 {
        self.index.len()
    }

    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// Asks the follower to look now (after a publish or withdrawal here).
    pub fn poke(&self) {
        self.wake.notify_one();
    }

    async fn doc(&self, id: i64, cats: &[crate::store::Category]) -> Result<Option<Doc>> {
        Ok(public::for_index(&self.k, id)
            .await?
            .map(|(it, attachments_text)| {
                // Filters work on top-level categories (a child's parent).
                let top = cats
                    .iter()
                    .find(|c| c.code == it.category_code)
                    .and_then(|c| c.parent.clone())
                    .unwrap_or_else(|| it.category_code.clone());
                Doc {
                    id: it.id,
                    title: it.title,
                    doc_no: it.doc_no,
                    keywords: it.keywords,
                    summary: it.summary,
                    body: it.body_text,
                    attachments_text,
                    category: top,
                    year: it.published_on.year(),
                    publisher: it.publisher,
                    validity: it.validity,
                    published_on: it.published_on,
                    url: format!("/xxgk/item/{}", it.id),
                }
            }))
    }

    async fn write(
        &self,
        upserts: Vec<Doc>,
        deletes: Vec<i64>,
        cursor: i64,
        clear: bool,
    ) -> Result<()> {
        let index = self.index.clone();
        tokio::task::spawn_blocking(move || {
            if clear {
                index.clear()?;
            }
            if !deletes.is_empty() {
                index.delete(&deletes)?;
            }
            if !upserts.is_empty() {
                index.upsert(&upserts)?;
            }
            index.commit_at(cursor)
        })
        .await
        .map_err(|e| Error::Internal(format!("索引任务失败：{e}")))?
        .map_err(search_err)
    }

    /// Rebuilds the whole index from the published catalog. `progress` is
    /// told (done, total) as it goes.
    pub async fn rebuild(&self, mut progress: impl FnMut(usize, usize)) -> Result<usize> {
        let _g = self.busy.lock().await;
        // Events from here on are replayed afterwards (upserts are
        // idempotent), so nothing published meanwhile is missed.
        let start = outbox::last_id(&self.k.db).await?;
        let ids = public::listed_ids(&self.k).await?;
        // Read once per pass, not once per document.
        let cats = crate::store::categories(&self.k).await?;
        let total = ids.len();
        let mut docs = Vec::with_capacity(total);
        for (n, id) in ids.iter().enumerate() {
            if let Some(d) = self.doc(*id, &cats).await? {
                docs.push(d);
            }
            if n % 100 == 0 {
                progress(n, total);
            }
        }
        let indexed = docs.len();
        self.write(docs, Vec::new(), start, true).await?;
        progress(total, total);
        self.follow(start).await?;
        Ok(indexed)
    }

    /// Applies every outbox event after the index's cursor (rebuilding
    /// first when the index has none). Returns how many events were read.
    pub async fn catch_up(&self) -> Result<usize> {
        let cursor = self.index.cursor().map_err(search_err)?;
        let Some(cursor) = cursor else {
            return self.rebuild(|_, _| {}).await;
        };
        let _g = self.busy.lock().await;
        self.follow(cursor).await
    }

    /// The events after `cursor`, applied in batches (caller holds `busy`).
    async fn follow(&self, mut cursor: i64) -> Result<usize> {
        let mut seen = 0;
        loop {
            let events = outbox::after(&self.k.db, cursor, BATCH).await?;
            let Some(last) = events.last().map(|e| e.id) else {
                break;
            };
            let cats = crate::store::categories(&self.k).await?;
            let mut upserts = Vec::new();
            let mut deletes = Vec::new();
            for e in &events {
                if e.topic != TOPIC_PUBLISHED && e.topic != TOPIC_REMOVED {
                    continue;
                }
                let Some(id) = e.payload["id"].as_i64() else {
                    continue;
                };
                upserts.retain(|d: &Doc| d.id != id);
                deletes.retain(|d| *d != id);
                match self.doc(id, &cats).await? {
                    Some(d) => upserts.push(d),
                    None => deletes.push(id),
                }
            }
            self.write(upserts, deletes, last, false).await?;
            seen += events.len();
            cursor = last;
        }
        Ok(seen)
    }

    /// Follows the outbox until the process ends.
    pub fn spawn(self: &Arc<Self>) -> tokio::task::JoinHandle<()> {
        let me = self.clone();
        tokio::spawn(async move {
            loop {
                if let Err(e) = me.catch_up().await {
                    tracing::error!(error = %e, "search index catch-up failed");
                }
                tokio::select! {
                    _ = me.wake.notified() => {}
                    _ = tokio::time::sleep(POLL) => {}
                }
            }
        })
    }
}
