//! Known-item search over the law corpus.
//!
//! Indexes `$YANGGUANG_LAWS/index.csv` (`path,title,category,date,chars`, one
//! Markdown file per law; default `/work/shared/data/laws`, else a generated
//! corpus), then asks 200 queries of 2–3 rare-but-not-unique words taken from
//! random target laws (fixed seed) and prints, on stderr, the index time, the
//! per-query p50/p99 latency and how often the target is in the top 3.
//! criterion times the batch of 200 queries.
//!
//! Two query sets are scored: words from jieba's dictionary cut of the target
//! (the benchmark proper, also timed), and words from its HMM cut, which adds
//! new words the dictionary lacks (names, 打非治违) — the set that shows
//! whether index and query segment such words alike.
//!
//! `YANGGUANG_BENCH_SHOW_MISSES=1` lists the queries whose target is not in
//! the top 3; `YANGGUANG_BENCH_SHOW_SLOW=1` the slowest queries.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use yangguang_search::{Doc, Query, SearchIndex};

const QUERIES: usize = 200;
const SEED: u64 = 0x5eed_2026;

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

fn date(s: &str) -> Option<time::Date> {
    let mut it = s.split('-').map(|p| p.parse::<i32>().ok());
    let (y, m, d) = (it.next()??, it.next()??, it.next()??);
    let month = time::Month::try_from(u8::try_from(m).ok()?).ok()?;
    time::Date::from_calendar_date(y, month, u8::try_from(d).ok()?).ok()
}

fn laws_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("YANGGUANG_LAWS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/work/shared/data/laws"));
    dir.join("index.csv").exists().then_some(dir)
}

fn load_laws(dir: &Path) -> Vec<Doc> {
    let index = std::fs::read_to_string(dir.join("index.csv")).expect("index.csv");
    let mut docs = Vec::new();
    for line in index.lines().skip(1) {
        let cols: Vec<&str> = line.split(',').collect();
        if cols.len() < 4 {
            continue;
        }
        let Ok(body) = std::fs::read_to_string(dir.join(cols[0])) else {
            continue;
        };
        let published_on = date(cols[3]).unwrap_or(time::Date::MIN);
        docs.push(Doc {
            id: docs.len() as i64,
            title: cols[1].to_string(),
            category: cols[2].to_string(),
            year: published_on.year(),
            validity: "有效".into(),
            published_on,
            url: format!("/laws/{}", cols[0]),
            body,
            ..Doc::default()
        });
    }
    docs
}

/// A corpus of made-up notices, for machines without the law texts: common
/// words drawn Zipf-like, plus a few reference codes (`qxvrt`) each shared by
/// a handful of notices, which play the rare words.
fn generated() -> Vec<Doc> {
    const WORDS: &str = "安全 生产 监督 管理 应急 预案 演练 危险 化学品 烟花 爆竹 许可证 \
        企业 单位 检查 整改 隐患 排查 治理 事故 调查 处理 责任 追究 培训 教育 考核 评估 备案 \
        审查 行政 处罚 复议 诉讼 公开 申请 答复 期限 信息 政府 机关 部门 职责 制度 规定 办法 \
        通知 意见 方案 标准 规范 矿山 建筑 施工 交通 运输 消防 防汛 抗旱 地质 灾害 粮食 储备 \
        价格 监测 环境 保护 排污 水质 大气 噪声 土壤 森林 草原 湿地 渔业 港口 航道 铁路 公路 \
        民航 邮政 电力 燃气 供水 供热 医疗 卫生 疫苗 药品 食品 餐饮 学校 幼儿园 养老 社区";
    let vocab: Vec<&str> = WORDS.split_whitespace().collect();
    let mut rng = Rng(SEED ^ 0xabcdef);
    let codes: Vec<String> = (0..3000)
        .map(|_| {
            (0..5)
                .map(|_| char::from(b'a' + rng.below(26) as u8))
                .collect()
        })
        .collect();
    (0..2000)
        .map(|i| {
            let mut body = String::new();
            for k in 0..400 {
                // Zipf-like: low indices far more often.
                let r = rng.below(vocab.len());
                body.push_str(vocab[rng.below(r + 1)]);
                if k % 60 == 0 {
                    body.push_str(&codes[rng.below(codes.len())]);
                }
                if rng.below(8) == 0 {
                    body.push('。');
                }
            }
            Doc {
                id: i,
                title: format!("关于第{i}号事项的通知"),
                category: "zcwj".into(),
                year: 2010 + (i % 10) as i32,
                published_on: time::Date::MIN,
                body,
                ..Doc::default()
            }
        })
        .collect()
}

/// Queries of 2–3 words, each in 2..=max_df documents, from random targets;
/// words as jieba cuts the target's body with or without its HMM.
fn known_item_queries(docs: &[Doc], jieba: &jieba_rs::Jieba, hmm: bool) -> Vec<(i64, String)> {
    let per_doc: Vec<Vec<String>> = docs
        .iter()
        .map(|d| {
            let set: HashSet<&str> = jieba
                .cut(&d.body, hmm)
                .into_iter()
                .map(|t| t.word)
                .filter(|w| w.chars().count() >= 2 && w.chars().all(|c| c.is_alphabetic()))
                .collect();
            let mut v: Vec<String> = set.into_iter().map(str::to_string).collect();
            v.sort();
            v
        })
        .collect();
    let mut df: HashMap<&str, usize> = HashMap::new();
    for words in &per_doc {
        for w in words {
            *df.entry(w.as_str()).or_default() += 1;
        }
    }
    let max_df = (docs.len() / 50).max(5);
    let mut rng = Rng(SEED);
    let mut out = Vec::new();
    let mut tries = 0;
    while out.len() < QUERIES && tries < 100 * QUERIES {
        tries += 1;
        let t = rng.below(docs.len());
        let rare: Vec<&String> = per_doc[t]
            .iter()
            .filter(|w| (2..=max_df).contains(&df[w.as_str()]))
            .collect();
        if rare.len() < 3 {
            continue;
        }
        let n = 2 + rng.below(2);
        let mut picked: Vec<&str> = Vec::new();
        while picked.len() < n {
            let w = rare[rng.below(rare.len())];
            if !picked.contains(&w.as_str()) {
                picked.push(w);
            }
        }
        out.push((docs[t].id, picked.join(" ")));
    }
    out
}

/// Asks every query; prints recall and latency; lists misses if asked.
fn score(name: &str, index: &SearchIndex, docs: &[Doc], queries: &[(i64, String)]) {
    let (mut top1, mut top3, mut top3_title, mut top10, mut rr) = (0, 0, 0, 0, 0f64);
    let mut latencies = Vec::with_capacity(queries.len());
    let mut misses = Vec::new();
    for (target, text) in queries {
        let started = Instant::now();
        let hits = ask(index, text, 10);
        latencies.push((started.elapsed(), text));
        let title = &docs[*target as usize].title;
        let rank = hits.items.iter().position(|h| h.id == *target);
        if let Some(rank) = rank {
            top1 += usize::from(rank < 1);
            top3 += usize::from(rank < 3);
            top10 += 1;
            rr += 1.0 / (rank as f64 + 1.0);
        }
        top3_title += usize::from(hits.items.iter().take(3).any(|h| &h.title == title));
        if rank.is_none_or(|r| r >= 3) {
            let got: Vec<&str> = hits
                .items
                .iter()
                .take(3)
                .map(|h| h.title.as_str())
                .collect();
            misses.push(format!(
                "  miss: {text:?} → want {title}, got {got:?} of {}",
                hits.total
            ));
        }
    }
    let n = queries.len() as f64;
    let pct = |k: usize| 100.0 * k as f64 / n;
    eprintln!(
        "search bench [{name}]: {} queries: top-3 recall {:.1}% ({:.1}% counting another \
         version of the same law), top-1 {:.1}%, top-10 {:.1}%, MRR {:.3}",
        queries.len(),
        pct(top3),
        pct(top3_title),
        pct(top1),
        pct(top10),
        rr / n
    );
    if std::env::var_os("YANGGUANG_BENCH_SHOW_MISSES").is_some() {
        misses.iter().for_each(|m| eprintln!("{m}"));
    }
    // The first pass reads the index from disk; a second one shows the
    // steady state.
    let mut warm: Vec<(Duration, &String)> = queries
        .iter()
        .map(|(_, text)| {
            let started = Instant::now();
            std::hint::black_box(ask(index, text, 10));
            (started.elapsed(), text)
        })
        .collect();
    for (name, l) in [("first pass", &mut latencies), ("second pass", &mut warm)] {
        l.sort();
        let at = |p: f64| l[((l.len() as f64 - 1.0) * p).round() as usize].0;
        eprintln!(
            "  latency per query, {name} (10 hits with snippets): p50 {:.2?}, p99 {:.2?}, max {:.2?}",
            at(0.5),
            at(0.99),
            at(1.0)
        );
    }
    if std::env::var_os("YANGGUANG_BENCH_SHOW_SLOW").is_some() {
        for (took, text) in warm.iter().rev().take(5) {
            let timed = |limit| {
                let started = Instant::now();
                let hits = ask(index, text, limit);
                (started.elapsed(), hits.total)
            };
            let (count_only, total) = timed(0);
            let (one_hit, _) = timed(1);
            eprintln!(
                "  slow: {text:?} {took:.2?}: {total} found; counting alone {count_only:.2?}, with one hit {one_hit:.2?}"
            );
        }
    }
}

fn ask(index: &SearchIndex, text: &str, limit: usize) -> yangguang_search::Hits {
    index
        .search(&Query {
            limit,
            ..Query::new(text)
        })
        .expect("search")
}

fn bench(c: &mut Criterion) {
    let (docs, source) = match laws_dir() {
        Some(dir) => (load_laws(&dir), dir.display().to_string()),
        None => (generated(), "generated corpus".to_string()),
    };
    let bytes: usize = docs.iter().map(|d| d.body.len()).sum();
    let jieba = jieba_rs::Jieba::new();
    let dictionary_words = known_item_queries(&docs, &jieba, false);
    let hmm_words = known_item_queries(&docs, &jieba, true);

    let dir = tempfile::tempdir().expect("tempdir");
    let index = SearchIndex::open_or_create(dir.path()).expect("index");
    let started = Instant::now();
    index.upsert(&docs).expect("upsert");
    index.commit().expect("commit");
    let index_time = started.elapsed();
    let on_disk: u64 = std::fs::read_dir(dir.path())
        .expect("index dir")
        .filter_map(|e| e.ok()?.metadata().ok())
        .map(|m| m.len())
        .sum();
    eprintln!(
        "search bench: {} docs ({:.1} MB) from {source} indexed and committed in {:.2?}; \
         index on disk {:.1} MB",
        index.len(),
        bytes as f64 / 1e6,
        index_time,
        on_disk as f64 / 1e6
    );
    score("dictionary words", &index, &docs, &dictionary_words);
    score("HMM words", &index, &docs, &hmm_words);

    let mut group = c.benchmark_group("search");
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(15));
    group.bench_function("known_item_200_queries", |b| {
        b.iter(|| {
            for (_, text) in &dictionary_words {
                std::hint::black_box(ask(&index, text, 10));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
