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

/// What `/docflow` does before templating: who is acting today (posts,
/// leaves, the A holders stood in for), the three tabs' counts and the
/// first page of 待办.
async fn inbox_page(k: &Kernel) -> ((i64, i64, i64), Vec<inbox::InboxRow>) {
    let w = who::who(k, &username(ME), TODAY).await.expect("who");
    let counts = inbox::counts(k, &w).await.expect("counts");
    let rows = inbox::inbox(k, &w, Tab::Todo, 0).await.expect("inbox");
    (counts, rows)
}

/// Every open 待办 back to reminder level 0, as before the first sweep.
async fn reset_levels(k: &Kernel) {
    query(
        k.db.backend(),
        "UPDATE docflow_tasks SET remind_level = 0 WHERE state IN ('new', 'claimed') AND kind = 'todo' \
         AND remind_level > 0",
    )
    .execute(k.db.pool())
    .await
    .expect("reset");
}

/// Monday's sweep after the levels were reset and, with `before`, after
/// a sweep on that earlier day.
fn sweep_once(
    rt: &tokio::runtime::Runtime,
    k: &Kernel,
    before: Option<time::Date>,
) -> inbox::Sweep {
    rt.block_on(async {
        reset_levels(k).await;
        if let Some(d) = before {
            inbox::sweep(k, NOW - time::Duration::days(3), d)
                .await
                .expect("sweep");
        }
        inbox::sweep(k, NOW, TODAY).await.expect("sweep")
    })
}

const FRIDAY: time::Date = time::macros::date!(2026 - 11 - 20);

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

        // The sweep, three ways; the setup of each iteration is not timed.
        group.sample_size(10);
        // (a) Every level reset to 0 first (as before the very first
        // sweep): every open 待办 due by the next working day is raised,
        // a quarter of the 100,000 (one UPDATE per level, one audit
        // entry, one commit).
        let all = sweep_once(&rt, k, None);
        eprintln!(
            "docflow/sweep_all/{be}: {all:?} of {} open 待办",
            s.open_todo
        );
        assert!(all.overdue > 0 && all.escalated > 0 && all.reminded > 0);
        group.bench_function(format!("sweep_all/{be}/{}", s.open_todo), |b| {
            b.iter_batched(
                || rt.block_on(reset_levels(k)),
                |()| {
                    let r = rt.block_on(inbox::sweep(k, NOW, TODAY)).expect("sweep");
                    assert_eq!(r, all);
                    r
                },
                BatchSize::PerIteration,
            )
        });
        // (b) The first sweep of a working day: levels as Friday's sweep
        // left them; Monday's raises the tasks that crossed a threshold
        // since: now overdue (due Friday to Sunday), now more than two
        // working days overdue, or due on the next working day, Tuesday.
        let day = sweep_once(&rt, k, Some(FRIDAY));
        eprintln!(
            "docflow/sweep_day/{be}: {day:?} of {} open 待办",
            s.open_todo
        );
        assert!(day.overdue > 0 && day.overdue < all.overdue);
        group.bench_function(format!("sweep_day/{be}/{}", s.open_todo), |b| {
            b.iter_batched(
                || {
                    rt.block_on(async {
                        reset_levels(k).await;
                        inbox::sweep(k, NOW - time::Duration::days(3), FRIDAY)
                            .await
                            .expect("friday");
                    })
                },
                |()| {
                    let r = rt.block_on(inbox::sweep(k, NOW, TODAY)).expect("sweep");
                    assert_eq!(r, day);
                    r
                },
                BatchSize::PerIteration,
            )
        });
        // (c) Every later sweep of the day (the sweeper runs every ten
        // minutes): the same three UPDATEs find nothing to raise; no audit
        // entry, nothing committed.
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
