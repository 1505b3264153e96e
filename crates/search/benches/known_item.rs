//! Known-item search against other engines: this engine's side of
//! `bench/search/run.sh` (see that script and docs/benchmarks.md).
//!
//! ```sh
//! cargo bench -p yangguang-search --bench known_item -- gen CORPUS.jsonl QUERIES.jsonl [N]
//! cargo bench -p yangguang-search --bench known_item -- run CORPUS.jsonl QUERIES.jsonl [PASSES]
//! cargo bench -p yangguang-search --bench known_item -- ceiling CORPUS.jsonl QUERIES.jsonl
//! ```
//!
//! `gen` picks the queries every engine is asked: N (200) targets drawn with a
//! fixed seed among the items whose text no other item has word for word
//! (another version of the same law often has), and for each 2
//! or 3 of its words (jieba's dictionary cut of the body, 2+ letters, no
//! digits) that 2 to 50 items have (in title or body), in the order they
//! appear in the target; a target with fewer such words is drawn again.
//! It lives here only because jieba is here; it knows nothing of the index.
//!
//! `run` indexes the corpus on disk (title, 文号, summary, body), scores
//! top-1/3/10 recall and MRR over one pass, then times `PASSES` (default 5)
//! passes over the queries three ways: `SearchIndex::find` with 10 hits (the
//! ranked ids with titles, urls and dates: the work Xapian's row does, ids
//! and titles), `SearchIndex::search` with 10 hits (the same plus a snippet
//! each, as the API returns them: Xapian's counterpart is its
//! `MSet.snippet` row) and the count alone (`limit = 0`). It prints two JSON
//! lines, `yangguang` (find) and `yangguang-snippets` (search): index time,
//! docs/s, latency p50/p99 over all timed queries, recall.
//! `YANGGUANG_BENCH_MISSES=FILE` writes the queries whose target is not in
//! the top 3 to FILE. `SEED=0x…` makes `gen` draw another query set (default
//! `0x5eed2026`, the benchmark's): a set to check a ranking on that its
//! tuning never looked at.
//!
//! `ceiling` scores, for the same queries, the ranking that knows how `gen`
//! draws (items that could have given the query, the likeliest first): the
//! top-3 recall no engine can beat on average, since a query can be drawn
//! from more than one item. `CEILING_UNORDERED=1` ignores the order of the
//! words (a ranking that does not use it).
//!
//! A bench target (not an example) so that `cargo test` does not build it,
//! and `harness = false` so it reads its own arguments; it needs no
//! dependency the crate does not already have (JSON is read by hand: the
//! corpus is flat objects of strings and numbers).

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Write as _};
use std::time::{Duration, Instant};

use yangguang_search::{Doc, Query, SearchIndex};

/// Queries `gen` makes unless told.
const QUERIES: usize = 200;
/// The benchmark's seed; `SEED` in the environment picks another.
const SEED: u64 = 0x5eed_2026;
const MIN_DF: usize = 2;
const MAX_DF: usize = 50;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

fn main() -> Res<()> {
    // `cargo bench` adds `--bench`; criterion-style filters are not used.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["gen", corpus, out] => gen_queries(corpus, out, QUERIES),
        ["gen", corpus, out, n] => gen_queries(corpus, out, n.parse()?),
        ["run", corpus, queries] => run(corpus, queries, 5),
        ["ceiling", corpus, queries] => ceiling(corpus, queries),
        ["run", corpus, queries, passes] => run(corpus, queries, passes.parse()?),
        // `cargo bench` with no arguments (e.g. the whole workspace's
        // benches): nothing to do without a corpus.
        [] => {
            eprintln!("known_item: see bench/search/run.sh (gen|run CORPUS QUERIES)");
            Ok(())
        }
        _ => Err(
            "usage: known_item gen CORPUS OUT [N] | run CORPUS QUERIES [PASSES] | ceiling CORPUS QUERIES"
                .into(),
        ),
    }
}

/// xorshift64*: deterministic and dependency-free.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// A JSON value of a flat object: what the corpus and queries hold (lists
/// and literals are read past, their values unused).
enum Value {
    Str(String),
    Num(f64),
    Other,
}

impl Value {
    fn str(&self) -> &str {
        match self {
            Value::Str(s) => s,
            _ => "",
        }
    }
    fn num(&self) -> f64 {
        match self {
            Value::Num(n) => *n,
            _ => 0.0,
        }
    }
}

/// A tiny JSON reader for one line holding an object of strings, numbers,
/// null/true/false and lists of those.
struct Json<'a> {
    s: &'a [u8],
    at: usize,
}

impl Json<'_> {
    fn object(line: &str) -> Res<HashMap<String, Value>> {
        let mut p = Json {
            s: line.as_bytes(),
            at: 0,
        };
        let mut out = HashMap::new();
        p.expect(b'{')?;
        if p.peek() == Some(b'}') {
            return Ok(out);
        }
        loop {
            let key = p.string()?;
            p.expect(b':')?;
            let value = p.value()?;
            out.insert(key, value);
            match p.next_token() {
                Some(b',') => continue,
                Some(b'}') => return Ok(out),
                _ => return Err(format!("bad JSON at byte {}", p.at).into()),
            }
        }
    }
    fn skip_ws(&mut self) {
        while self.at < self.s.len() && self.s[self.at].is_ascii_whitespace() {
            self.at += 1;
        }
    }
    fn peek(&mut self) -> Option<u8> {
        self.skip_ws();
        self.s.get(self.at).copied()
    }
    fn next_token(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.at += 1;
        Some(c)
    }
    fn expect(&mut self, c: u8) -> Res<()> {
        if self.next_token() == Some(c) {
            Ok(())
        } else {
            Err(format!("expected {:?} at byte {}", c as char, self.at).into())
        }
    }
    fn value(&mut self) -> Res<Value> {
        match self.peek() {
            Some(b'"') => Ok(Value::Str(self.string()?)),
            Some(b'[') => {
                self.at += 1;
                if self.peek() == Some(b']') {
                    self.at += 1;
                    return Ok(Value::Other);
                }
                loop {
                    self.value()?;
                    match self.next_token() {
                        Some(b',') => continue,
                        Some(b']') => return Ok(Value::Other),
                        _ => return Err(format!("bad JSON list at byte {}", self.at).into()),
                    }
                }
            }
            Some(c) if c == b'-' || c.is_ascii_digit() => {
                let start = self.at;
                while self.at < self.s.len()
                    && matches!(
                        self.s[self.at],
                        b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'
                    )
                {
                    self.at += 1;
                }
                Ok(Value::Num(
                    std::str::from_utf8(&self.s[start..self.at])?.parse()?,
                ))
            }
            _ => {
                while self.at < self.s.len() && self.s[self.at].is_ascii_alphabetic() {
                    self.at += 1;
                }
                Ok(Value::Other)
            }
        }
    }
    fn string(&mut self) -> Res<String> {
        self.expect(b'"')?;
        let mut out = Vec::new();
        loop {
            let c = *self.s.get(self.at).ok_or("unterminated string")?;
            self.at += 1;
            match c {
                b'"' => return Ok(String::from_utf8(out)?),
                b'\\' => {
                    let e = *self.s.get(self.at).ok_or("bad escape")?;
                    self.at += 1;
                    let ch = match e {
                        b'n' => '\n',
                        b't' => '\t',
                        b'r' => '\r',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'u' => {
                            let hi = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&hi)
                                && self.s.get(self.at..self.at + 2) == Some(b"\\u")
                            {
                                self.at += 2;
                                let lo = self.hex4()?;
                                0x10000 + ((hi - 0xD800) << 10) + (lo.wrapping_sub(0xDC00) & 0x3ff)
                            } else {
                                hi
                            };
                            char::from_u32(code).unwrap_or('\u{fffd}')
                        }
                        other => char::from(other),
                    };
                    let mut buf = [0; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                }
                _ => out.push(c),
            }
        }
    }
    fn hex4(&mut self) -> Res<u32> {
        let h = self.s.get(self.at..self.at + 4).ok_or("bad \\u escape")?;
        self.at += 4;
        Ok(u32::from_str_radix(std::str::from_utf8(h)?, 16)?)
    }
}

fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn read_lines(path: &str) -> Res<Vec<HashMap<String, Value>>> {
    let f = std::fs::File::open(path).map_err(|e| format!("{path}: {e}"))?;
    BufReader::new(f)
        .lines()
        .filter(|l| l.as_ref().map_or(true, |l| !l.trim().is_empty()))
        .map(|l| Json::object(&l?))
        .collect()
}

fn date(s: &str) -> Option<time::Date> {
    let mut it = s.split('-').map(|p| p.parse::<i32>().ok());
    let (y, m, d) = (it.next()??, it.next()??, it.next()??);
    let month = time::Month::try_from(u8::try_from(m).ok()?).ok()?;
    time::Date::from_calendar_date(y, month, u8::try_from(d).ok()?).ok()
}

/// The corpus as the platform's indexer would hand it over.
fn load_docs(path: &str) -> Res<Vec<Doc>> {
    let started = Instant::now();
    let docs: Vec<Doc> = read_lines(path)?
        .into_iter()
        .map(|o| {
            let get = |k: &str| o.get(k).map(|v| v.str().to_string()).unwrap_or_default();
            let published_on = date(&get("date")).unwrap_or(time::Date::MIN);
            let id = o.get("id").map_or(0.0, Value::num) as i64;
            // The indexer files items under their top-level category.
            let category = get("category")
                .split('_')
                .next()
                .unwrap_or_default()
                .to_string();
            Doc {
                id,
                title: get("title"),
                doc_no: get("doc_no"),
                summary: get("summary"),
                body: get("body"),
                category,
                year: published_on.year(),
                publisher: get("publisher"),
                validity: "有效".into(),
                published_on,
                url: format!("/xxgk/item/{id}"),
                ..Doc::default()
            }
        })
        .collect();
    eprintln!(
        "known_item: {} items read in {:.1?}",
        docs.len(),
        started.elapsed()
    );
    Ok(docs)
}

fn is_query_word(w: &str) -> bool {
    w.chars().count() >= 2 && w.chars().all(char::is_alphabetic)
}

/// What `gen` draws from: the corpus, each body's distinct words, their
/// document frequencies, and how many items share each text.
struct Pool {
    docs: Vec<Doc>,
    df: HashMap<String, usize>,
    body_words: Vec<Vec<String>>,
    same_text: HashMap<String, usize>,
}

impl Pool {
    /// The words of item `t` a query may be drawn from.
    fn rare(&self, t: usize) -> Vec<&String> {
        self.body_words[t]
            .iter()
            .filter(|w| (MIN_DF..=MAX_DF).contains(&self.df[w.as_str()]))
            .collect()
    }
    /// Whether item `t` may be a target (no other item has its text).
    fn drawable(&self, t: usize) -> bool {
        let text: String = self.docs[t].body.split_whitespace().collect();
        self.same_text[&text] == 1
    }
}

fn gen_queries(corpus: &str, out: &str, wanted: usize) -> Res<()> {
    let pool = pool(corpus)?;
    let (docs, df) = (&pool.docs, &pool.df);
    let seed = match std::env::var("SEED") {
        Ok(s) if !s.trim().is_empty() => {
            let s = s.trim();
            match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
                Some(hex) => u64::from_str_radix(hex, 16)?,
                None => s.parse()?,
            }
        }
        _ => SEED,
    };
    if seed == 0 {
        return Err("SEED must not be 0 (xorshift would stay at 0)".into());
    }
    let mut rng = Rng(seed);
    let mut chosen: HashSet<usize> = HashSet::new();
    let mut lines = String::new();
    let mut tries = 0;
    while chosen.len() < wanted && tries < 1000 * wanted {
        tries += 1;
        let t = rng.below(docs.len());
        if chosen.contains(&t) {
            continue;
        }
        if !pool.drawable(t) {
            continue;
        }
        let rare = pool.rare(t);
        let n = 2 + rng.below(2);
        if rare.len() < n {
            continue;
        }
        let mut picked: Vec<&str> = Vec::new();
        while picked.len() < n {
            let w = rare[rng.below(rare.len())];
            if !picked.contains(&w.as_str()) {
                picked.push(w);
            }
        }
        // In the order the reader met them.
        picked.sort_by_key(|w| docs[t].body.find(w).unwrap_or(usize::MAX));
        chosen.insert(t);
        let words: Vec<String> = picked.iter().map(|w| quote(w)).collect();
        let dfs: Vec<String> = picked.iter().map(|w| df[*w].to_string()).collect();
        let _ = writeln!(
            lines,
            "{{\"target\": {}, \"q\": {}, \"words\": [{}], \"df\": [{}], \"title\": {}}}",
            docs[t].id,
            quote(&picked.join(" ")),
            words.join(", "),
            dfs.join(", "),
            quote(&docs[t].title)
        );
    }
    std::fs::write(out, lines)?;
    eprintln!(
        "known_item: {} queries (seed {seed:#x}, df {MIN_DF}..={MAX_DF}) → {out}",
        chosen.len()
    );
    Ok(())
}

/// The top-3 recall of the best ranking there can be for `gen`'s queries:
/// the items by the likelihood that `gen` drew the query from them (only
/// items it may draw, holding every query word among the words it draws
/// from, fewer such words first), ties shared out evenly. It knows what no
/// engine knows (the drawing rule); no engine can do better on average.
fn ceiling(corpus: &str, queries: &str) -> Res<()> {
    let pool = pool(corpus)?;
    let index: HashMap<i64, usize> = pool
        .docs
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id, i))
        .collect();
    // Each word's items, among those `gen` may draw, with their number of
    // rare words.
    let mut items_of: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut rare_count = vec![0usize; pool.docs.len()];
    for (t, count) in rare_count.iter_mut().enumerate() {
        if !pool.drawable(t) {
            continue;
        }
        let rare = pool.rare(t);
        *count = rare.len();
        for w in rare {
            items_of.entry(w.as_str()).or_default().push(t);
        }
    }
    let (mut sum, mut n) = (0f64, 0usize);
    for q in read_lines(queries)? {
        let target = index[&(q.get("target").map_or(0.0, Value::num) as i64)];
        let text = q.get("q").map(|v| v.str().to_string()).unwrap_or_default();
        let words: Vec<&str> = text.split_whitespace().collect();
        let k = words.len();
        let holders = |w: &str| items_of.get(w).cloned().unwrap_or_default();
        let mut candidates: Vec<usize> = holders(words[0]);
        for w in &words[1..] {
            let h: HashSet<usize> = holders(w).into_iter().collect();
            candidates.retain(|c| h.contains(c));
        }
        // And the words first met in the query's order (how `gen` sorts).
        let in_order = |c: usize| {
            let at: Vec<usize> = words
                .iter()
                .map(|w| pool.docs[c].body.find(w).unwrap_or(usize::MAX))
                .collect();
            at.windows(2).all(|p| p[0] <= p[1])
        };
        let ordered = std::env::var_os("CEILING_UNORDERED").is_none();
        candidates.retain(|&c| rare_count[c] >= k && (!ordered || in_order(c)));
        // Likelihood 1 / C(R, k): ranks by R, fewer first.
        let r = rare_count[target];
        let better = candidates.iter().filter(|&&c| rare_count[c] < r).count();
        let tied = candidates
            .iter()
            .filter(|&&c| rare_count[c] == r)
            .count()
            .max(1);
        // Expected share of the 3 places left after the better ones.
        let places = 3usize.saturating_sub(better);
        sum += (places.min(tied) as f64) / tied as f64;
        n += 1;
    }
    println!(
        "{{\"engine\": \"ceiling\", \"queries\": {n}, \"top3\": {:.4}}}",
        sum / n.max(1) as f64
    );
    Ok(())
}

fn pool(corpus: &str) -> Res<Pool> {
    let docs = load_docs(corpus)?;
    let jieba = jieba_rs::Jieba::new();
    let started = Instant::now();
    // Words of each body (candidates), and of title + body (for the df).
    let cut = |text: &str| -> Vec<String> {
        let set: HashSet<&str> = jieba
            .cut(text, false)
            .into_iter()
            .map(|t| t.word)
            .filter(|w| is_query_word(w))
            .collect();
        let mut v: Vec<String> = set.into_iter().map(str::to_string).collect();
        v.sort();
        v
    };
    let mut df: HashMap<String, usize> = HashMap::new();
    let mut body_words = Vec::with_capacity(docs.len());
    for d in &docs {
        let body = cut(&d.body);
        let mut all: HashSet<&String> = body.iter().collect();
        let title = cut(&d.title);
        all.extend(title.iter());
        for w in all {
            *df.entry(w.clone()).or_default() += 1;
        }
        body_words.push(body);
    }
    // Items sharing their text word for word with another cannot be told
    // apart by any engine: they are not drawn as targets.
    let mut same_text: HashMap<String, usize> = HashMap::new();
    for d in &docs {
        let text: String = d.body.split_whitespace().collect();
        *same_text.entry(text).or_default() += 1;
    }
    eprintln!(
        "known_item: {} distinct words in {:.1?}",
        df.len(),
        started.elapsed()
    );
    Ok(Pool {
        docs,
        df,
        body_words,
        same_text,
    })
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1e3
}

fn run(corpus: &str, queries: &str, passes: usize) -> Res<()> {
    let docs = load_docs(corpus)?;
    let queries: Vec<(i64, String)> = read_lines(queries)?
        .into_iter()
        .map(|o| {
            (
                o.get("target").map_or(0.0, Value::num) as i64,
                o.get("q").map(|v| v.str().to_string()).unwrap_or_default(),
            )
        })
        .collect();
    let dir = tempfile::tempdir()?;
    let index = SearchIndex::open_or_create(dir.path())?;
    let started = Instant::now();
    index.upsert(&docs)?;
    index.commit()?;
    let index_time = started.elapsed();
    let on_disk: u64 = std::fs::read_dir(dir.path())?
        .filter_map(|e| e.ok()?.metadata().ok())
        .map(|m| m.len())
        .sum();
    eprintln!(
        "known_item: {} items indexed and committed in {:.2?} ({:.0} docs/s), {:.0} MB on disk",
        index.len(),
        index_time,
        docs.len() as f64 / index_time.as_secs_f64(),
        on_disk as f64 / 1e6
    );

    let (mut top1, mut top3, mut top10, mut rr) = (0usize, 0usize, 0usize, 0f64);
    let mut misses = String::new();
    for (target, text) in &queries {
        let hits = index.search(&Query::new(text.as_str()))?;
        let top: Vec<String> = hits
            .items
            .iter()
            .take(3)
            .map(|h| h.id.to_string())
            .collect();
        let top = top.join(",");
        match hits.items.iter().position(|h| h.id == *target) {
            Some(rank) => {
                top1 += usize::from(rank < 1);
                top3 += usize::from(rank < 3);
                top10 += 1;
                rr += 1.0 / (rank as f64 + 1.0);
                if rank >= 3 {
                    let _ = writeln!(misses, "{target}\t{text}\trank {}\t{top}", rank + 1);
                }
            }
            None => {
                let _ = writeln!(
                    misses,
                    "{target}\t{text}\tnot in top 10 of {}\t{top}",
                    hits.total
                );
            }
        }
    }
    if let Some(path) = std::env::var_os("YANGGUANG_BENCH_MISSES") {
        std::fs::write(path, &misses)?;
    }
    // Timed passes. `find` is the like-for-like of Xapian's row (ranked
    // ids with their titles, no excerpt); `search` adds the snippets, as
    // the API returns them (Xapian's counterpart: + MSet.snippet).
    let timed = |limit: usize, snippets: bool| -> Res<Vec<Duration>> {
        let mut took = Vec::with_capacity(passes * queries.len());
        for _ in 0..passes {
            for (_, text) in &queries {
                let q = Query {
                    limit,
                    ..Query::new(text.as_str())
                };
                let t = Instant::now();
                if snippets {
                    std::hint::black_box(index.search(&q)?);
                } else {
                    std::hint::black_box(index.find(&q)?);
                }
                took.push(t.elapsed());
            }
        }
        took.sort();
        Ok(took)
    };
    let took = timed(10, false)?;
    let with_snippets = timed(10, true)?;
    let none = timed(0, false)?;
    eprintln!(
        "known_item: p50 {:.3} ms for 10 hits (ids, titles, urls, dates), {:.3} ms with snippets, {:.3} ms for the count alone",
        percentile(&took, 0.5),
        percentile(&with_snippets, 0.5),
        percentile(&none, 0.5)
    );
    let n = queries.len().max(1) as f64;
    let mut out = std::io::stdout().lock();
    let line = |engine: &str, took: &[Duration]| -> String {
        format!(
            "{{\"engine\": \"{engine}\", \"items\": {}, \"queries\": {}, \"index_s\": {:.3}, \
             \"docs_per_s\": {:.0}, \"index_mb\": {:.1}, \"p50_ms\": {:.4}, \"p99_ms\": {:.4}, \
             \"samples\": {}, \"top1\": {:.4}, \"top3\": {:.4}, \"top10\": {:.4}, \"mrr\": {:.4}, \
             \"p50_count_ms\": {:.4}}}",
            docs.len(),
            queries.len(),
            index_time.as_secs_f64(),
            docs.len() as f64 / index_time.as_secs_f64(),
            on_disk as f64 / 1e6,
            percentile(took, 0.5),
            percentile(took, 0.99),
            took.len(),
            top1 as f64 / n,
            top3 as f64 / n,
            top10 as f64 / n,
            rr / n,
            percentile(&none, 0.5)
        )
    };
    writeln!(out, "{}", line("yangguang", &took))?;
    writeln!(out, "{}", line("yangguang-snippets", &with_snippets))?;
    Ok(())
}
