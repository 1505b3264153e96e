//! The inbox page's reads for a user with 2,000 open tasks among
//! 1,000,000, and the 催办 sweep over 100,000 open tasks, on SQLite (WAL,
//! `synchronous=FULL`, as deployed) and on PostgreSQL when
//! YANGGUANG_TEST_POSTGRES is set. Data: `common/mod.rs`. Figures go to
//! docs/benchmarks.md.
//!
//!   cargo bench -p yangguang-docflow --bench inbox

mod common;

use std::hint::black_box;
use std::time::Duration;

use common::*;
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use yangguang_docflow::inbox::{self, Tab};
use yangguang_docflow::who;
use yangguang_kernel::Kernel;
use yangguang_kernel::db::query;
use yangguang_kernel::testing::percentiles;

/// What `/docflow` does before templating: who is acting today (posts,
/// leaves, the A holders stood in for), the three tabs' counts and the
/// first page of 待办.
async fn inbox_page(k: &Kernel) -> ((i64, i64, i64), Vec<inbox::InboxRow>) {
    let w = who::who(k, &username(ME), TODAY).await.expect("who");
    let counts = inbox::counts(k, &w).await.expect("counts");
    let rows = inbox::inbox(k, &w, Tab::Todo, 0).await.expect("inbox");
    (counts, rows)
}

/// Forgets today's 催办 pass, so the next sweep is the day's first.
async fn forget_today(k: &Kernel) {
    query(k.db.backend(), "DELETE FROM docflow_sweeps")
        .execute(k.db.pool())
        .await
        .expect("forget");
}

fn bench(c: &mut Criterion) {
    let s = scale();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let ks = rt.block_on(async {
        let ks = kernels("bench-docflow-inbox").await;
        for (_, k) in &ks {
            fill(k, s).await;
        }
        ks
    });
    let mut group = c.benchmark_group("docflow");
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(10));
    for (be, k) in &ks {
        // What the page shows, checked once.
        let ((todo, read, done), rows) = rt.block_on(inbox_page(k));
        assert_eq!(todo as usize, s.me_todo + s.me_a_todo, "{be}");
        assert_eq!(read as usize, s.me_read, "{be}");
        assert_eq!(done as usize, s.me_done + s.me_a_done, "{be}");
        assert_eq!(rows.len(), 50.min(todo as usize), "{be}");
        assert!(
            rows.windows(2)
                .all(|w| w[0].task.due_on <= w[1].task.due_on)
        );
        assert!(rows[0].overdue, "{be}: the first rows are overdue");

        group.bench_function(format!("inbox_page/{be}/{}", s.tasks), |b| {
            b.iter(|| rt.block_on(inbox_page(black_box(k))))
        });
        if full_run() {
            percentiles(&format!("docflow/inbox_page/{be}"), 2_000, || {
                black_box(rt.block_on(inbox_page(k)));
            });
        }

        // The sweep, two ways; the setup of each iteration is not timed.
        group.sample_size(10);
        // (a) The first pass of a working day: every person with open 待办
        // due by the next working day gets one notice with their counts
        // (one grouped read of the index, multi-row outbox INSERTs, one
        // audit entry, one commit).
        let first = rt.block_on(async {
            forget_today(k).await;
            inbox::sweep(k, NOW, TODAY).await.expect("sweep")
        });
        eprintln!(
            "docflow/sweep_first/{be}: {first:?} of {} open 待办",
            s.open_todo
        );
        assert!(first.people > 0 && first.overdue > 0 && first.escalated > 0 && first.reminded > 0);
        group.bench_function(format!("sweep_first/{be}/{}", s.open_todo), |b| {
            b.iter_batched(
                || rt.block_on(forget_today(k)),
                |()| {
                    let r = rt.block_on(inbox::sweep(k, NOW, TODAY)).expect("sweep");
                    assert_eq!(r, first);
                    r
                },
                BatchSize::PerIteration,
            )
        });
        // (b) Every later pass of the day (the sweeper runs every ten
        // minutes): the day is recorded; nothing is read or written but
        // that check and the paused documents' topics.
        group.bench_function(format!("sweep_again/{be}/{}", s.open_todo), |b| {
            b.iter(|| {
                let r = rt.block_on(inbox::sweep(k, NOW, TODAY)).expect("sweep");
                assert_eq!(r, inbox::Sweep::default());
                r
            })
        });
        group.sample_size(20);
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
