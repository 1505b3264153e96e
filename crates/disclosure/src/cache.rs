//! Rendered public pages for anonymous visitors: the item page, the
//! catalog and the column list, kept as finished HTML so that a page
//! already rendered once costs a lookup instead of database reads and a
//! template.
//!
//! **What is cached.** Only `200 OK` pages seen by a visitor without any
//! session (a signed-in person's page shows their name and a CSRF token:
//! those are never stored nor served from here). A page is keyed by what
//! changes its HTML: the item (or the normalised catalog query, or the
//! column page number), the display modes (`yg_elder`, `yg_a11y`) and, for
//! items, the font size (`fs`). Entries remember the site settings they
//! were rendered with; a change of the agency name or footer empties the
//! cache. Entries of one item stand for its current published version,
//! validity and withdrawal state: every outbox event about the item drops
//! them, so an entry is in effect keyed by item and version.
//!
//! **Size.** Bounded in bytes (`YANGGUANG_PAGE_CACHE_MB`, default 256;
//! `0` keeps no page: every view is a first render, while the follower
//! still keeps the in-memory catalog, `listing`, current); over the bound the least recently useful
//! entries go first (CLOCK: an entry read since the hand last passed gets
//! a second chance).
//!
//! **Invalidation.** Publishing, changing, withdrawing or ending an item
//! writes `disclosure.published` / `disclosure.removed` to the outbox in
//! the same transaction (`store`). Every node runs a follower of the
//! outbox (as its search index does) that polls every 250 ms and drops,
//! for each event: the item's pages, the pages of the items it links to
//! or is linked from (政策解读 and the document interpreted, whose titles
//! appear on each other's page) and every catalog and column page. On top
//! of that, a write made by this process is visible to the very next
//! request: a lookup that finds the database handle's count of audited
//! commits changed (`Db::audited_commits`, an atomic) catches up with the
//! outbox before answering; another process on this node (the CLI) is
//! noticed by the audit head file it rewrites after each audited commit,
//! looked at every `HEAD_LOOK_MS` at most. Two safety nets: a render
//! that began before an invalidation is not stored (the epoch), and when
//! the follower has not completed a catch-up for `STALE` (its database
//! reads failing or slow) the cache is bypassed rather than trusted.
//! On PostgreSQL, outbox ids can become visible out of order; ids skipped
//! by the follower are looked at again for `HOLE_TTL`.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::hash::{BuildHasherDefault, Hasher};
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::Response;
use sqlx::Row;
use tokio::sync::{Mutex, Notify};
use yangguang_kernel::db::query_dyn;
use yangguang_kernel::{Kernel, outbox};
use yangguang_webcore::AppState;
use yangguang_webcore::layout::{Frame, Site};

use crate::listing::Listing;
use crate::store::{Result, TOPIC_CATEGORIES, TOPIC_PUBLISHED, TOPIC_REMOVED};

/// How often the follower reads the outbox.
pub const POLL: Duration = Duration::from_millis(250);
/// Without a completed catch-up for this long, the cache is bypassed.
pub const STALE: Duration = Duration::from_millis(800);
/// How long an outbox id skipped by the follower is looked for again.
pub const HOLE_TTL: Duration = Duration::from_secs(30);
/// Default bound of the cached HTML, in MiB.
pub const DEFAULT_MB: usize = 256;
const BATCH: i64 = 500;
/// How often (ms) a request looks at the audit head file for another
/// process's commits on this node.
const HEAD_LOOK_MS: u64 = 50;
/// Bookkeeping per entry counted on top of the HTML.
const OVERHEAD: usize = 96;
/// Item page variants: 4 display modes × 3 font sizes.
const ITEM_VARIANTS: u8 = 12;

/// The response header that says whether a page came from the cache.
pub const X_CACHE: HeaderName = HeaderName::from_static("x-cache");

/// Initial capacity of a page being rendered.
const RENDER_BUFFER: usize = 24 * 1024;

/// What a page is cached under.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Key {
    /// An item page: id and variant (display modes and font size).
    Item(i64, u8),
    /// A list page (catalog or column): normalised query and display modes.
    List(Box<str>, u8),
}

impl Key {
    /// An item page. `fs`: "s", "m" or "l".
    pub fn item(id: i64, frame: &Frame, fs: &str) -> Key {
        let size = match fs {
            "s" => 0,
            "l" => 2,
            _ => 1,
        };
        Key::Item(id, mode(frame) * 3 + size)
    }

    /// A list page: `page` names the page ("ml", "column"), `parts` are
    /// the query values that select its content, in a fixed order.
    pub fn list(page: &str, parts: &[&str], frame: &Frame) -> Key {
        let mut s =
            String::with_capacity(page.len() + parts.iter().map(|p| p.len() + 1).sum::<usize>());
        s.push_str(page);
        for p in parts {
            s.push('\u{1f}');
            s.push_str(p);
        }
        Key::List(s.into_boxed_str(), mode(frame))
    }

    fn size(&self) -> usize {
        match self {
            Key::Item(..) => 16,
            Key::List(s, _) => 24 + s.len(),
        }
    }
}

/// The display modes of the page: bit 0 长者模式, bit 1 无障碍.
fn mode(frame: &Frame) -> u8 {
    u8::from(frame.layout.elder) | (u8::from(frame.layout.a11y) << 1)
}

/// Everything of the site settings that a page shows.
fn same_site(a: &Arc<Site>, b: &Arc<Site>) -> bool {
    // Settings are shared as one `Arc` until they change: usually the same.
    Arc::ptr_eq(a, b)
        || a.agency_name == b.agency_name
            && a.site_name == b.site_name
            && a.address == b.address
            && a.phone == b.phone
            && a.site_code == b.site_code
            && a.icp == b.icp
            && a.psb == b.psb
}

/// A fast hash for item keys (integers the cache made canonical; list keys,
/// which visitors choose, keep the standard keyed hash).
#[derive(Default)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u8(*b);
        }
    }
    fn write_u8(&mut self, n: u8) {
        self.write_u64(u64::from(n));
    }
    fn write_i64(&mut self, n: i64) {
        self.write_u64(n as u64);
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

type ItemMap = HashMap<(i64, u8), Entry, BuildHasherDefault<IdHasher>>;

struct Entry {
    body: Bytes,
    /// Matches the CLOCK queue's record of this entry.
    seq: u64,
    /// Read since the CLOCK hand last passed.
    used: AtomicBool,
}

#[derive(Default)]
struct Inner {
    items: ItemMap,
    /// `Key::List` keys only.
    lists: HashMap<Key, Entry>,
    /// Item → items whose cached page shows it (its title as a link).
    links: HashMap<i64, Vec<i64>>,
    clock: VecDeque<(Key, u64)>,
    bytes: usize,
    seq: u64,
    site: Option<Arc<Site>>,
}

impl Inner {
    fn entry(&self, key: &Key) -> Option<&Entry> {
        match key {
            Key::Item(id, v) => self.items.get(&(*id, *v)),
            Key::List(..) => self.lists.get(key),
        }
    }

    fn remove(&mut self, key: &Key) -> Option<Entry> {
        let e = match key {
            Key::Item(id, v) => self.items.remove(&(*id, *v)),
            Key::List(..) => self.lists.remove(key),
        };
        if let Some(e) = &e {
            self.bytes = self
                .bytes
                .saturating_sub(e.body.len() + key.size() + OVERHEAD);
        }
        e
    }

    fn clear(&mut self) {
        self.items.clear();
        self.lists.clear();
        self.links.clear();
        self.clock.clear();
        self.bytes = 0;
    }

    fn drop_item(&mut self, id: i64) {
        for v in 0..ITEM_VARIANTS {
            self.remove(&Key::Item(id, v));
        }
    }

    fn drop_lists(&mut self) {
        let freed: usize = self
            .lists
            .iter()
            .map(|(k, e)| e.body.len() + k.size() + OVERHEAD)
            .sum();
        self.lists.clear();
        self.bytes = self.bytes.saturating_sub(freed);
    }

    /// Frees room for `need` bytes under `cap` (CLOCK with second chance).
    fn evict(&mut self, need: usize, cap: usize) {
        let mut turns = self.clock.len() * 2 + 1;
        while self.bytes + need > cap && turns > 0 {
            turns -= 1;
            let Some((key, seq)) = self.clock.pop_front() else {
                break;
            };
            let Some(e) = self.entry(&key) else {
                continue;
            };
            if e.seq != seq {
                continue;
            }
            if e.used.swap(false, Ordering::Relaxed) {
                self.clock.push_back((key, seq));
            } else {
                self.remove(&key);
            }
        }
    }

    /// Drops the queue's records of entries that are gone (after many
    /// invalidations), so that the queue stays in proportion.
    fn compact(&mut self) {
        if self.clock.len() <= 2 * (self.items.len() + self.lists.len()) + 1024 {
            return;
        }
        let clock = std::mem::take(&mut self.clock);
        self.clock = clock
            .into_iter()
            .filter(|(k, seq)| self.entry(k).is_some_and(|e| e.seq == *seq))
            .collect();
        let items = &self.items;
        self.links.retain(|_, ids| {
            ids.retain(|id| (0..ITEM_VARIANTS).any(|v| items.contains_key(&(*id, v))));
            !ids.is_empty()
        });
    }
}

/// A miss: the page may be stored once rendered, unless something was
/// invalidated meanwhile.
pub struct Ticket {
    key: Key,
    epoch: u64,
}

/// The result of a lookup.
pub enum Lookup {
    /// The finished page.
    Hit(Response),
    /// Render it, then `store` it with this ticket.
    Miss(Ticket),
    /// Render it and do not store it (a signed-in viewer, the cache off or
    /// not known to be current).
    Bypass,
}

/// Counters, for tests and diagnostics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    pub hits: u64,
    pub misses: u64,
    pub stores: u64,
    pub invalidations: u64,
    pub entries: usize,
    pub bytes: usize,
}

/// Notices commits of this node cheaply: the audit head file is replaced
/// (written beside it, then renamed over it) after every audited commit,
/// so an open handle on it shows no links once it has been replaced; the
/// handle is checked with `fstat`, without looking the path up.
struct HeadWatch {
    path: PathBuf,
    file: RwLock<Option<std::fs::File>>,
}

impl HeadWatch {
    fn print_of(m: &std::fs::Metadata) -> u64 {
        let t = (m.mtime() as u64).wrapping_mul(1_000_000_007) ^ (m.mtime_nsec() as u64);
        t.wrapping_mul(31)
            .wrapping_add(m.ino().rotate_left(17))
            .wrapping_add(m.size().rotate_left(41))
            | 1
    }

    /// A fingerprint of the current head file (1: there is none yet).
    fn print(&self) -> u64 {
        {
            let file = match self.file.read() {
                Ok(g) => g,
                Err(p) => p.into_inner(),
            };
            if let Some(m) = file.as_ref().and_then(|f| f.metadata().ok())
                && m.nlink() > 0
            {
                return Self::print_of(&m);
            }
        }
        // Not open yet, or replaced since: open the file there is now.
        let (file, print) = match std::fs::File::open(&self.path) {
            Ok(f) => {
                let print = f.metadata().map(|m| Self::print_of(&m)).unwrap_or(1);
                (Some(f), print)
            }
            Err(_) => (None, 1),
        };
        match self.file.write() {
            Ok(mut g) => *g = file,
            Err(p) => *p.into_inner() = file,
        }
        print
    }
}

struct Follow {
    cursor: i64,
    /// Outbox ids skipped over (not yet visible when a later one was):
    /// looked for again until they turn up or expire.
    holes: BTreeMap<i64, Instant>,
}

/// This node's cache of rendered public pages.
pub struct PageCache {
    k: Kernel,
    /// The catalog in memory, kept current by the same follower.
    listing: Arc<Listing>,
    cap: usize,
    inner: RwLock<Inner>,
    /// Bumped by every invalidation.
    epoch: AtomicU64,
    follow: Mutex<Follow>,
    wake: Notify,
    start: Instant,
    /// When (ms after `start`) the last successful catch-up began.
    fresh_at: AtomicU64,
    head: HeadWatch,
    /// The audit head file as last caught up with (a fingerprint).
    head_seen: AtomicU64,
    /// This process's audited commits as last caught up with.
    commits_seen: AtomicU64,
    /// When (ms after `start`) the head file was last looked at.
    head_looked: AtomicU64,
    hits: AtomicU64,
    misses: AtomicU64,
    stores: AtomicU64,
    invalidations: AtomicU64,
}

impl PageCache {
    /// A cache following the outbox from now on (nothing is cached yet,
    /// so nothing earlier can be stale; the last few events are read again
    /// so that an id still uncommitted now is noticed as a gap). Not
    /// following yet: see `start`.
    pub async fn new(k: &Kernel, cap_bytes: usize) -> Result<Arc<PageCache>> {
        let cursor = (outbox::last_id(&k.db).await? - 100).max(0);
        // Read after the cursor: events from there on are applied again.
        let listing = Arc::new(Listing::load(k).await?);
        let cache = PageCache {
            k: k.clone(),
            listing,
            cap: cap_bytes,
            inner: RwLock::new(Inner::default()),
            epoch: AtomicU64::new(0),
            follow: Mutex::new(Follow {
                cursor,
                holes: BTreeMap::new(),
            }),
            wake: Notify::new(),
            start: Instant::now(),
            // The read of the outbox above counts as a catch-up.
            fresh_at: AtomicU64::new(1),
            head: HeadWatch {
                path: k.keys.head_path.clone(),
                file: RwLock::new(None),
            },
            head_seen: AtomicU64::new(0),
            commits_seen: AtomicU64::new(k.db.audited_commits()),
            head_looked: AtomicU64::new(0),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            stores: AtomicU64::new(0),
            invalidations: AtomicU64::new(0),
        };
        cache.head_seen.store(cache.head_print(), Ordering::SeqCst);
        Ok(Arc::new(cache))
    }

    /// The cache with its bound from `YANGGUANG_PAGE_CACHE_MB` (0: no page
    /// is kept) and its outbox follower running.
    pub async fn start(k: &Kernel) -> Result<Arc<PageCache>> {
        let mb = std::env::var("YANGGUANG_PAGE_CACHE_MB")
            .ok()
            .and_then(|v| v.trim().parse::<usize>().ok())
            .unwrap_or(DEFAULT_MB);
        let cache = PageCache::new(k, mb.saturating_mul(1024 * 1024)).await?;
        cache.spawn();
        Ok(cache)
    }

    /// This application's cache, if it runs one.
    pub fn of(st: &AppState) -> Option<Arc<PageCache>> {
        st.service::<Arc<PageCache>>()
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    fn head_print(&self) -> u64 {
        self.head.print()
    }

    /// Whether this node may have committed something since the last
    /// catch-up: this process's own commits are counted in memory (no
    /// system call a request); another process's on this node (the CLI)
    /// replace the audit head file, looked at every `HEAD_LOOK_MS` at most
    /// (and the follower reads the outbox every 250 ms anyway).
    fn local_changes(&self) -> bool {
        if !self.own_commits_seen() {
            return true;
        }
        let now = self.now_ms();
        if now.saturating_sub(self.head_looked.load(Ordering::Relaxed)) < HEAD_LOOK_MS {
            return false;
        }
        self.head_looked.store(now, Ordering::Relaxed);
        !self.head_file_seen()
    }

    fn own_commits_seen(&self) -> bool {
        self.k.db.audited_commits() == self.commits_seen.load(Ordering::Acquire)
    }

    fn head_file_seen(&self) -> bool {
        self.head_print() == self.head_seen.load(Ordering::Acquire)
    }

    /// Catches up first when this node has committed something since the
    /// last look (read-your-writes on the node that wrote).
    async fn sync_local(&self) {
        if !self.local_changes() {
            return;
        }
        let mut f = self.follow.lock().await;
        // Another request may have caught up while this one waited.
        if self.own_commits_seen() && self.head_file_seen() {
            return;
        }
        if let Err(e) = self.follow_outbox(&mut f).await {
            tracing::error!(error = %e, "page cache: outbox catch-up failed");
        }
    }

    /// The in-memory catalog, when it is as current as cached pages are
    /// (`None`: read the database).
    pub async fn listing(&self) -> Option<Arc<Listing>> {
        self.sync_local().await;
        self.fresh().then(|| self.listing.clone())
    }

    fn fresh(&self) -> bool {
        let last = self.fresh_at.load(Ordering::Acquire);
        last != 0 && self.now_ms().saturating_sub(last) <= STALE.as_millis() as u64
    }

    /// Looks a page up for `frame`'s viewer.
    pub async fn lookup(&self, frame: &Frame, key: Key) -> Lookup {
        if frame.viewer.session.is_some() {
            return Lookup::Bypass;
        }
        self.sync_local().await;
        if !self.fresh() {
            return Lookup::Bypass;
        }
        let site = &frame.layout.site;
        let (found, other_site) = {
            let inner = match self.inner.read() {
                Ok(g) => g,
                Err(p) => p.into_inner(),
            };
            match &inner.site {
                Some(s) if same_site(s, site) => (
                    inner.entry(&key).map(|e| {
                        e.used.store(true, Ordering::Relaxed);
                        e.body.clone()
                    }),
                    false,
                ),
                Some(_) => (None, true),
                None => (None, false),
            }
        };
        if other_site {
            self.reset_site(site);
        }
        match found {
            Some(body) => {
                self.hits.fetch_add(1, Ordering::Relaxed);
                Lookup::Hit(html(body, "HIT"))
            }
            None => {
                self.misses.fetch_add(1, Ordering::Relaxed);
                // Taken before the handler reads anything: a render from
                // data read before an invalidation is refused by `store`.
                let epoch = self.epoch.load(Ordering::Acquire);
                Lookup::Miss(Ticket { key, epoch })
            }
        }
    }

    /// The site settings changed: nothing rendered before applies.
    fn reset_site(&self, site: &Arc<Site>) {
        let mut inner = self.write();
        if inner.site.as_ref().is_some_and(|s| same_site(s, site)) {
            return;
        }
        inner.clear();
        inner.site = Some(site.clone());
        self.epoch.fetch_add(1, Ordering::AcqRel);
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Inner> {
        match self.inner.write() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        }
    }

    /// Keeps a rendered page. `site`: the settings it was rendered with;
    /// `links`: the items whose titles it shows (an item page's 政策解读
    /// and interpreted document).
    pub fn store(&self, ticket: Ticket, site: &Arc<Site>, body: Bytes, links: &[i64]) {
        let size = body.len() + ticket.key.size() + OVERHEAD;
        if size > self.cap / 4 {
            return;
        }
        let mut inner = self.write();
        if self.epoch.load(Ordering::Acquire) != ticket.epoch {
            return;
        }
        match &inner.site {
            Some(s) if same_site(s, site) => {}
            Some(_) => return,
            None => inner.site = Some(site.clone()),
        }
        if let Some(old) = inner.remove(&ticket.key) {
            drop(old);
        }
        inner.evict(size, self.cap);
        inner.seq += 1;
        let seq = inner.seq;
        let entry = Entry {
            body,
            seq,
            used: AtomicBool::new(false),
        };
        match &ticket.key {
            Key::Item(id, v) => {
                inner.items.insert((*id, *v), entry);
                for l in links {
                    let ids = inner.links.entry(*l).or_default();
                    if !ids.contains(id) {
                        ids.push(*id);
                    }
                }
            }
            Key::List(..) => {
                inner.lists.insert(ticket.key.clone(), entry);
            }
        }
        inner.bytes += size;
        inner.clock.push_back((ticket.key, seq));
        inner.compact();
        self.stores.fetch_add(1, Ordering::Relaxed);
    }

    /// Drops the pages of these items, the pages that show them, and every
    /// list page.
    fn drop_items(&self, ids: &BTreeSet<i64>) {
        let mut inner = self.write();
        self.epoch.fetch_add(1, Ordering::AcqRel);
        inner.drop_lists();
        for id in ids {
            inner.drop_item(*id);
            if let Some(shown_on) = inner.links.remove(id) {
                for other in shown_on {
                    inner.drop_item(other);
                }
            }
        }
        self.invalidations
            .fetch_add(ids.len() as u64, Ordering::Relaxed);
    }

    /// Empties the cache.
    pub fn clear(&self) {
        let mut inner = self.write();
        self.epoch.fetch_add(1, Ordering::AcqRel);
        inner.clear();
    }

    pub fn stats(&self) -> Stats {
        let inner = match self.inner.read() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        Stats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            stores: self.stores.load(Ordering::Relaxed),
            invalidations: self.invalidations.load(Ordering::Relaxed),
            entries: inner.items.len() + inner.lists.len(),
            bytes: inner.bytes,
        }
    }

    /// Asks the follower to look now.
    pub fn poke(&self) {
        self.wake.notify_one();
    }

    /// Applies every outbox event not seen yet. Returns how many events
    /// about items it read.
    pub async fn catch_up(&self) -> Result<usize> {
        let mut f = self.follow.lock().await;
        self.follow_outbox(&mut f).await
    }

    async fn follow_outbox(&self, f: &mut Follow) -> Result<usize> {
        // Whatever committed before this moment is seen by the reads below.
        let began = self.now_ms().max(1);
        let commits = self.k.db.audited_commits();
        let head = self.head_print();
        let mut ids = BTreeSet::new();
        let mut seen = 0;
        let mut tree_changed = false;
        let db = &self.k.db;
        let now = Instant::now();
        f.holes
            .retain(|_, since| now.duration_since(*since) < HOLE_TTL);
        if !f.holes.is_empty() {
            let wanted: Vec<i64> = f.holes.keys().copied().collect();
            for chunk in wanted.chunks(BATCH as usize) {
                let sql = format!(
                    "SELECT id, topic, payload FROM outbox WHERE id IN ({})",
                    vec!["?"; chunk.len()].join(", ")
                );
                let mut q = query_dyn(db.backend(), sql);
                for id in chunk {
                    q = q.bind(*id);
                }
                for r in q.fetch_all(db.pool()).await? {
                    let id: i64 = r.try_get(0)?;
                    let topic: String = r.try_get(1)?;
                    let payload: String = r.try_get(2)?;
                    f.holes.remove(&id);
                    let payload = serde_json::from_str(&payload).unwrap_or_default();
                    if let Some(item) = item_of(&topic, &payload) {
                        ids.insert(item);
                        seen += 1;
                    }
                    tree_changed |= topic == TOPIC_CATEGORIES;
                }
            }
        }
        loop {
            let events = outbox::after(db, f.cursor, BATCH).await?;
            let n = events.len();
            for e in events {
                if e.id > f.cursor + 1 {
                    // At most a bounded number of remembered gaps.
                    let from = (f.cursor + 1).max(e.id - 1000);
                    for hole in from..e.id {
                        f.holes.insert(hole, now);
                    }
                }
                f.cursor = f.cursor.max(e.id);
                if let Some(item) = item_of(&e.topic, &e.payload) {
                    ids.insert(item);
                    seen += 1;
                }
                tree_changed |= e.topic == TOPIC_CATEGORIES;
            }
            if n < BATCH as usize {
                break;
            }
        }
        if tree_changed {
            // Category names and the tree show on every page.
            self.listing.reload_categories(&self.k).await?;
            self.clear();
        }
        if !ids.is_empty() {
            self.listing.refresh(&self.k, &ids).await?;
            let related = self.interpreted(&ids).await?;
            ids.extend(related);
            self.drop_items(&ids);
        }
        self.head_seen.store(head, Ordering::Release);
        self.commits_seen.store(commits, Ordering::Release);
        self.fresh_at.store(began, Ordering::Release);
        Ok(seen)
    }

    /// The documents these items interpret (their pages list them as
    /// 相关解读), as the working copies say now.
    async fn interpreted(&self, ids: &BTreeSet<i64>) -> Result<Vec<i64>> {
        let db = &self.k.db;
        let ids: Vec<i64> = ids.iter().copied().collect();
        let mut out = Vec::new();
        for chunk in ids.chunks(BATCH as usize) {
            let sql = format!(
                "SELECT interprets_id FROM disclosure_items WHERE interprets_id IS NOT NULL AND id IN ({})",
                vec!["?"; chunk.len()].join(", ")
            );
            let mut q = query_dyn(db.backend(), sql);
            for id in chunk {
                q = q.bind(*id);
            }
            for r in q.fetch_all(db.pool()).await? {
                out.push(r.try_get::<i64, _>(0)?);
            }
        }
        Ok(out)
    }

    /// Follows the outbox until the process ends.
    pub fn spawn(self: &Arc<Self>) -> tokio::task::JoinHandle<()> {
        let me = self.clone();
        tokio::spawn(async move {
            loop {
                if let Err(e) = me.catch_up().await {
                    tracing::error!(error = %e, "page cache: outbox catch-up failed");
                }
                tokio::select! {
                    _ = me.wake.notified() => {}
                    _ = tokio::time::sleep(POLL) => {}
                }
            }
        })
    }
}

/// The item an outbox event is about, if it concerns public pages.
fn item_of(topic: &str, payload: &serde_json::Value) -> Option<i64> {
    if topic != TOPIC_PUBLISHED && topic != TOPIC_REMOVED {
        return None;
    }
    payload["id"].as_i64()
}

/// An HTML page response.
pub fn html(body: Bytes, cache: &'static str) -> Response {
    let mut resp = Response::new(Body::from(body));
    // Room for these and the security headers the session layer adds:
    // no regrowth on the way out.
    *resp.headers_mut() = HeaderMap::with_capacity(8);
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(X_CACHE, HeaderValue::from_static(cache));
    *resp.status_mut() = StatusCode::OK;
    resp
}

/// Renders a page for the cache: on a `ticket`, the HTML is kept.
pub fn render_page<T: askama::Template>(
    cache: Option<(&PageCache, Ticket)>,
    site: &Arc<Site>,
    page: &T,
    links: &[i64],
) -> Response {
    // Sized for a typical page (items ~9 KB, catalog ~18 KB): no regrowth.
    let mut s = String::with_capacity(RENDER_BUFFER);
    match page.render_into(&mut s) {
        Ok(()) => {
            if cache.as_ref().is_some_and(|(c, _)| c.cap > 0) && s.capacity() > s.len() + 1024 {
                // A kept page holds only its bytes.
                s.shrink_to_fit();
            }
            let body = Bytes::from(s);
            match cache {
                Some((c, ticket)) => {
                    c.store(ticket, site, body.clone(), links);
                    html(body, "MISS")
                }
                None => html(body, "BYPASS"),
            }
        }
        Err(_) => yangguang_webcore::error::render(StatusCode::OK, page),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(seq: u64, n: usize) -> Entry {
        Entry {
            body: Bytes::from(vec![b'x'; n]),
            seq,
            used: AtomicBool::new(false),
        }
    }

    fn put(inner: &mut Inner, key: Key, n: usize, cap: usize) {
        let size = n + key.size() + OVERHEAD;
        inner.evict(size, cap);
        inner.seq += 1;
        let seq = inner.seq;
        match &key {
            Key::Item(id, v) => {
                inner.items.insert((*id, *v), entry(seq, n));
            }
            Key::List(..) => {
                inner.lists.insert(key.clone(), entry(seq, n));
            }
        }
        inner.bytes += size;
        inner.clock.push_back((key, seq));
    }

    #[test]
    fn the_bound_holds_and_recently_read_entries_get_a_second_chance() {
        let one = 1000 + 16 + OVERHEAD;
        let cap = one * 3;
        let mut inner = Inner::default();
        for id in 1..=3 {
            put(&mut inner, Key::Item(id, 0), 1000, cap);
        }
        assert_eq!(inner.items.len(), 3);
        // Item 1 was read: item 2 goes first.
        inner.items[&(1, 0)].used.store(true, Ordering::Relaxed);
        put(&mut inner, Key::Item(4, 0), 1000, cap);
        assert!(inner.bytes <= cap);
        assert!(inner.items.contains_key(&(1, 0)));
        assert!(!inner.items.contains_key(&(2, 0)));
        assert_eq!(inner.items.len(), 3);
    }

    #[test]
    fn dropping_an_item_takes_all_its_variants_and_lists_go_together() {
        let mut inner = Inner::default();
        for v in 0..ITEM_VARIANTS {
            put(&mut inner, Key::Item(7, v), 10, usize::MAX);
        }
        put(&mut inner, Key::Item(8, 0), 10, usize::MAX);
        put(&mut inner, Key::List("ml".into(), 0), 10, usize::MAX);
        inner.drop_item(7);
        inner.drop_lists();
        assert_eq!(inner.items.len(), 1);
        assert!(inner.lists.is_empty());
        assert_eq!(inner.bytes, 10 + 16 + OVERHEAD);
    }
}
