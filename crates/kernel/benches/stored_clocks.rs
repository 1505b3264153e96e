//! Stored clocks at inbox scale on SQLite: which of 100,000 open clocks are
//! overdue today (an indexed query), and the recomputation pass a calendar
//! import runs over all of them.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use time::macros::date;
use yangguang_kernel::clock::ClockInput;
use yangguang_kernel::testing::kernels;
use yangguang_kernel::{Kernel, clocks};

const N: usize = 100_000;

fn setup(rt: &tokio::runtime::Runtime) -> Kernel {
    rt.block_on(async {
        let (_, k) = kernels("bench_clocks", &[])
            .await
            .expect("kernel")
            .into_iter()
            .next()
            .expect("sqlite");
        let cal = k.calendar();
        let mut tx = k.db.begin().await.expect("tx");
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for i in 0..N {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Open applications received over the last 60 days: about a third overdue.
            let received = date!(2026 - 09 - 27) + time::Duration::days((x % 60) as i64);
            let input = ClockInput {
                received,
                base: 20,
                pauses: vec![],
                extension: (x % 3) as u32 * 5,
                restart: None,
            };
            clocks::save(&mut tx, &cal, "requests", &format!("YSQ-{i:06}"), &input)
                .await
                .expect("save");
        }
        tx.commit().await.expect("commit");
        k
    })
}

fn stored(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let k = setup(&rt);
    let today = date!(2026 - 11 - 26);
    let mut group = c.benchmark_group("stored_clocks");
    group.sample_size(20);
    group.bench_function("overdue_query/100000", |b| {
        b.iter(|| {
            rt.block_on(clocks::overdue(&k.db, black_box(today)))
                .expect("query")
        })
    });
    group.bench_function("recompute_all/100000", |b| {
        b.iter(|| {
            rt.block_on(async {
                let mut tx = k.db.begin().await.expect("tx");
                let n = clocks::recompute_all(&mut tx, &k.calendar())
                    .await
                    .expect("recompute");
                tx.commit().await.expect("commit");
                n
            })
        })
    });
    group.finish();
}

criterion_group!(benches, stored);
criterion_main!(benches);
