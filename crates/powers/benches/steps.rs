//! Persisted case steps, one after another, on SQLite in a file with WAL
//! and `synchronous=FULL` (as deployed: every commit is on disk) and on
//! PostgreSQL when YANGGUANG_TEST_POSTGRES is set. Target: at least 500
//! steps/s on SQLite. Figures go to docs/benchmarks.md.
//!
//!   cargo bench -p yangguang-powers --bench steps
//!
//! A step is what the case page's 办理 button does: who the user is today
//! (posts, leaves), the case read with its item version and process, the
//! law's checks on what was entered, the engine's step, then one
//! transaction: the guarded case update (state, facts, clock columns),
//! the step rows, the inbox rows rewritten, audit entry, outbox row,
//! commit. Measured on 窗口受理审查材料 (材料齐全 → 受理) of a licence.

#[path = "../tests/common/mod.rs"]
mod common;
mod support;

use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use time::macros::date;
use yangguang_kernel::Kernel;
use yangguang_kernel::audit::Actor;
use yangguang_powers::case::StepInput;
use yangguang_powers::case_store::{self, Channel, NewCase};
use yangguang_powers::model::{Category, Tier};
use yangguang_powers::who;
use yangguang_process::{Value, engine};

const RECEIVED: time::Date = date!(2026 - 03 - 02);
const TODAY: time::Date = date!(2026 - 03 - 03);

/// `n` licence applications received at the window (untimed).
async fn open_cases(k: &Kernel, n: u64) -> Vec<i64> {
    let mut ids = Vec::with_capacity(n as usize);
    for _ in 0..n {
        let o = case_store::open(
            k,
            common::at(RECEIVED),
            &Actor::user("window1"),
            NewCase {
                item_code: "XK-001".into(),
                party: "苏州某化工贸易有限公司".into(),
                contact: "0512-66660000".into(),
                subject: "申请危险化学品经营许可证".into(),
                channel: Channel::Window,
                received_on: RECEIVED,
            },
        )
        .await
        .expect("open");
        ids.push(o.id);
    }
    ids
}

/// What the case page's POST does, as `routes::case_page::act`: the case
/// read once (to find the step and its candidate), who the user is today,
/// then `act_on` (the law's checks, the engine, one transaction).
async fn check(k: &Kernel, id: i64) {
    let c = case_store::get(k, id).await.expect("case");
    let task = engine::open_tasks(&c.definition, &c.instance)
        .into_iter()
        .find(|t| t.node == "check")
        .expect("check is open");
    let w = who::who(k, "window1", TODAY).await.expect("who");
    let actor = w.actor_for(task.candidate.as_ref());
    let input = StepInput {
        node: "check".into(),
        opinion: "材料齐全，符合法定形式".into(),
        ..StepInput::default()
    };
    let vars = common::vars(&[("materials_complete", Value::Bool(true))]);
    case_store::act_on(k, common::at(TODAY), &actor, &w.engine, &c, input, vars)
        .await
        .expect("step");
}

/// The reads alone (no transaction): where the rest of a step's time goes.
async fn reads(k: &Kernel, id: i64) -> usize {
    let c = case_store::get(k, id).await.expect("case");
    let w = who::who(k, "window1", TODAY).await.expect("who");
    engine::open_tasks(&c.definition, &c.instance).len() + w.as_backup.len()
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let ks = rt.block_on(async {
        let ks = support::kernels("bench-powers-steps", true).await;
        for (_, k) in &ks {
            common::usual_bureau(k).await;
            common::add_items(
                k,
                &[(
                    "XK-001",
                    common::item(
                        "危险化学品经营许可证核发",
                        Category::Licensing,
                        Some(Tier::Ordinary),
                        "licensing",
                    ),
                )],
            )
            .await;
        }
        ks
    });
    let mut group = c.benchmark_group("powers");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(15));
    group.throughput(Throughput::Elements(1));
    for (be, k) in &ks {
        // One step checked: the case moved on to 受理, the step recorded.
        rt.block_on(async {
            let id = open_cases(k, 1).await[0];
            check(k, id).await;
            let c = case_store::get(k, id).await.expect("case");
            assert_eq!(common::open_nodes(&c), vec!["accept"], "{be}");
            let steps = case_store::steps(k, id).await.expect("steps");
            assert!(
                steps
                    .iter()
                    .any(|s| s.node == "check" && s.what == "completed" && s.by == "window1"),
                "{be}"
            );
        });
        group.bench_function(format!("case_step/{be}"), |b| {
            b.iter_custom(|iters| {
                rt.block_on(async {
                    let ids = open_cases(k, iters).await;
                    let start = Instant::now();
                    for id in ids {
                        check(k, id).await;
                    }
                    start.elapsed()
                })
            })
        });
        let id = rt.block_on(open_cases(k, 1))[0];
        group.bench_function(format!("case_step_reads/{be}"), |b| {
            b.iter(|| rt.block_on(reads(k, id)))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
