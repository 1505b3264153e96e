//! The power list's public pages through the whole application in
//! process (one router as the server builds it: session and CSRF layers,
//! access guard, handler, template), on SQLite as deployed (WAL,
//! `synchronous=FULL`): `/qlqd/` (the list's first page with its
//! category counts and unit filter), a search in it, `/qlqd/{code}` (the
//! item with its 办事指南 and inline SVG flowchart) and the chart alone,
//! with the demo's 232 items and then with 10,000 (a province's list).
//! Targets: under 1 ms of server time at 232 items, under 5 ms at 10,000.
//! Figures go to docs/benchmarks.md.
//!
//!   cargo bench -p yangguang-powers --bench pages
//!
//! The list is held in memory by each node and reloaded when its revision
//! moves (`listing::catalog`), merging in the items changed since its
//! copy: `qlqd_list_first/…` times the first render after a change (one
//! item renamed, untimed, before each request), `qlqd_list/…` every later
//! one. `catalog_read_…` time the full read a node does once at start.

#[path = "../tests/common/mod.rs"]
mod common;
mod support;

use std::hint::black_box;
use std::time::Duration;

use axum::http::StatusCode;
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use sqlx::Row;
use time::macros::date;
use yangguang_kernel::Kernel;
use yangguang_kernel::db::query;
use yangguang_powers::model::Content;
use yangguang_web::testing::state_for;

use support::{Http, bulk, lit};

/// Cities of the province, one copy of the demo list each in turn.
const CITIES: [&str; 13] = [
    "南京市",
    "无锡市",
    "徐州市",
    "常州市",
    "苏州市",
    "南通市",
    "连云港市",
    "淮安市",
    "盐城市",
    "扬州市",
    "镇江市",
    "泰州市",
    "宿迁市",
];

/// Grows the list to `total` items by copying the demo items under new
/// codes (`CF-101-00232`), with the copy's number in the name and a
/// city's bureau in the unit, item and version rows as the import writes
/// them; one transaction, one revision bump.
async fn grow_items(k: &Kernel, total: usize) {
    let demo: Vec<(String, Content)> = query(
        k.db.backend(),
        "SELECT code, content FROM power_items ORDER BY id",
    )
    .fetch_all(k.db.pool())
    .await
    .expect("items")
    .iter()
    .map(|r| {
        let json: String = r.get(1);
        (r.get(0), serde_json::from_str(&json).expect("content"))
    })
    .collect();
    let have = demo.len();
    let copies: Vec<(String, Content)> = (have..total)
        .map(|n| {
            let (code, c) = &demo[n % have];
            let mut c = c.clone();
            c.name = format!("{}（{n}）", c.name);
            c.unit = format!("{}{}", CITIES[n / have % CITIES.len()], c.unit);
            (format!("{code}-{n:05}"), c)
        })
        .collect();
    let mut tx = k.db.begin().await.expect("tx");
    let rev = yangguang_powers::store::bump(&mut tx).await.expect("bump");
    bulk(
        &mut tx,
        "INSERT INTO power_items (code, version, category, name, unit, active, content, updated_on, rev)",
        copies.iter().map(|(code, c)| {
            format!(
                "({}, 1, {}, {}, {}, 1, {}, '2026-01-05', {rev})",
                lit(code),
                lit(c.category.as_str()),
                lit(&c.name),
                lit(&c.unit),
                lit(&serde_json::to_string(c).expect("json"))
            )
        }),
    )
    .await;
    support::exec(
        &mut tx,
        "INSERT INTO power_item_versions (item_id, version, content, reason, changed_by, changed_at) \
         SELECT id, 1, content, '首次公布', 'bench', '2026-01-05T01:00:00Z' FROM power_items \
         WHERE id NOT IN (SELECT item_id FROM power_item_versions)"
            .into(),
    )
    .await;
    tx.commit().await.expect("commit");
}

/// One item renamed, as an adjustment does (the revision bumped and the
/// item carrying it), so the next list render merges it in.
async fn rename_one(k: &Kernel, i: u64) {
    let mut tx = k.db.begin().await.expect("tx");
    let rev = yangguang_powers::store::bump(&mut tx).await.expect("bump");
    support::exec(
        &mut tx,
        format!(
            "UPDATE power_items SET name = {}, rev = {rev} WHERE code = 'CF-150'",
            lit(&format!("调整后的名称（第{i}次）"))
        ),
    )
    .await;
    tx.commit().await.expect("commit");
}

const CATALOG_SQL: &str = "SELECT code, name, category, unit, active FROM power_items";

fn bench(c: &mut Criterion) {
    let full = support::full_run();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let (st, http) = rt.block_on(async {
        let (_, k) = support::kernels("bench-powers-pages", false)
            .await
            .remove(0);
        yangguang_powers::seed::seed(&k, common::at(date!(2026 - 03 - 01)))
            .await
            .expect("seed");
        let st = state_for(k).await;
        let http = Http::new(&st).await;
        (st, http)
    });
    let get = |uri: &str| {
        let (status, body) = rt.block_on(http.get(uri));
        assert_eq!(status, StatusCode::OK, "{uri}");
        body
    };
    let search = format!(
        "/qlqd/?category=penalty&q={}",
        "%E5%8D%B1%E9%99%A9%E5%8C%96%E5%AD%A6%E5%93%81" // 危险化学品
    );
    let mut group = c.benchmark_group("powers");
    group.sample_size(50);
    group.measurement_time(Duration::from_secs(5));
    let sizes = [232, if full { 10_000 } else { 1_000 }];
    for n in sizes {
        if n > 232 {
            rt.block_on(grow_items(&st.kernel, n));
        }
        // What the pages show, checked once.
        let list = get("/qlqd/");
        assert!(list.contains(&format!("共 {n} 项")), "{n}: {list}");
        assert!(list.contains("/qlqd/XK-001"), "{n}: licensing comes first");
        let found = get(&search);
        assert!(found.contains("危险化学品"), "{n}");
        let item = get("/qlqd/CF-101");
        assert!(item.contains("<svg") && item.contains("办事指南"), "{n}");
        assert!(get("/qlqd/CF-101/flow.svg").starts_with("<svg"), "{n}");

        group.bench_function(format!("qlqd_list/{n}"), |b| {
            b.iter(|| black_box(get("/qlqd/")))
        });
        rt.block_on(rename_one(&st.kernel, 0));
        assert!(
            get("/qlqd/?q=CF-150").contains("调整后的名称（第0次）"),
            "{n}"
        );
        let mut renames = 0;
        group.bench_function(format!("qlqd_list_first/{n}"), |b| {
            b.iter_batched(
                || {
                    renames += 1;
                    rt.block_on(rename_one(&st.kernel, renames))
                },
                |()| black_box(get("/qlqd/")),
                BatchSize::PerIteration,
            )
        });
        group.bench_function(format!("qlqd_search/{n}"), |b| {
            b.iter(|| black_box(get(&search)))
        });
        group.bench_function(format!("qlqd_item/{n}"), |b| {
            b.iter(|| black_box(get("/qlqd/CF-101")))
        });
        group.bench_function(format!("qlqd_item_licensing/{n}"), |b| {
            b.iter(|| black_box(get("/qlqd/XK-001")))
        });
        group.bench_function(format!("qlqd_flow_svg/{n}"), |b| {
            b.iter(|| black_box(get("/qlqd/CF-101/flow.svg")))
        });
        // Where a first render's time goes: the catalog's one read of every
        // item, through sqlx's Any driver (as `listing::catalog` does) and
        // through the kernel's in-thread SQLite reader.
        group.bench_function(format!("catalog_read_sqlx/{n}"), |b| {
            b.iter(|| {
                rt.block_on(async {
                    query(st.kernel.db.backend(), CATALOG_SQL)
                        .fetch_all(st.kernel.db.pool())
                        .await
                        .expect("rows")
                        .len()
                })
            })
        });
        group.bench_function(format!("catalog_read_in_thread/{n}"), |b| {
            b.iter(|| {
                rt.block_on(yangguang_kernel::read::rows(
                    &st.kernel.db,
                    CATALOG_SQL,
                    &[],
                ))
                .expect("rows")
                .len()
            })
        });
        if full {
            for uri in ["/qlqd/", search.as_str(), "/qlqd/CF-101"] {
                yangguang_kernel::testing::percentiles(
                    &format!("powers/{uri} at {n} items"),
                    2_000,
                    || {
                        black_box(get(uri));
                    },
                );
            }
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
