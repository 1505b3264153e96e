//! Acts sustained, one after another, in the database of the inbox bench
//! (1,000,000 tasks): 会签 by the head of division d02 on outgoing drafts
//! awaiting their one co-signature, on SQLite in a file with WAL and
//! `synchronous=FULL` (as deployed: every commit is on disk), and on
//! PostgreSQL when YANGGUANG_TEST_POSTGRES is set. Data: `common/mod.rs`.
//! Figures go to docs/benchmarks.md.
//!
//!   cargo bench -p yangguang-docflow --bench acts
//!
//! Each `acts::act(Act::Cosign)` is one transaction: the task read and
//! checked, finished with the opinion by a guarded update, the document
//! moved 会签中 → 汇总中 (it was the last co-signature), the drafter's 汇总
//! task created, one audit entry and one outbox row, one commit.

mod common;

use std::time::{Duration, Instant};

use common::*;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sqlx::Row;
use yangguang_docflow::acts::{self, Act};
use yangguang_docflow::model::Status;
use yangguang_docflow::rules;
use yangguang_docflow::store;
use yangguang_docflow::who::{self, Who};
use yangguang_kernel::Kernel;
use yangguang_kernel::db::query_dyn;

/// The co-signing head (d02) and the drafter (a member of d03).
const SIGNER: usize = 27;
const DRAFTER: usize = 57;

/// Outgoing drafts in 会签中, each with one open 会签 task for SIGNER in
/// `state` ('claimed': ready to act; 'new': to be claimed first), made
/// in bulk and not timed; returns the task ids in order.
async fn drafts(k: &Kernel, org: &Org, n: usize, state: &str) -> Vec<i64> {
    let mut tx = k.db.begin().await.expect("tx");
    let be = tx.backend();
    let before: i64 = query_dyn(be, "SELECT COALESCE(MAX(id), 0) FROM docflow_docs".into())
        .fetch_one(tx.conn())
        .await
        .expect("max")
        .try_get(0)
        .expect("max");
    bulk(
        &mut tx,
        "INSERT INTO docflow_docs (direction, title, status, urgency, secrecy, lead_division_id, deputy, created_by, \
         created_at, updated_at, doc_type, step_index)",
        (0..n).map(|i| {
            format!(
                "('out', '关于印发第{i}号安全生产检查办法的通知（送审稿）', 'cosigning', 'normal', 'none', {}, 'fu2', \
                 '{}', '2026-11-20T02:00:00Z', '2026-11-20T02:00:00Z', 'routine', 0)",
                org.divisions[3], org.names[DRAFTER]
            )
        }),
    )
    .await;
    let docs: Vec<i64> = query_dyn(
        be,
        format!("SELECT id FROM docflow_docs WHERE id > {before} ORDER BY id"),
    )
    .fetch_all(tx.conn())
    .await
    .expect("docs")
    .iter()
    .map(|r| r.try_get::<i64, _>(0).expect("id"))
    .collect();
    assert_eq!(docs.len(), n);
    let claimed = if state == "claimed" {
        "'2026-11-23T00:30:00Z'"
    } else {
        "NULL"
    };
    bulk(
        &mut tx,
        "INSERT INTO docflow_tasks (doc_id, kind, step, note, assignee_user_id, division_id, state, created_by, \
         created_at, due_on, claimed_at)",
        docs.iter().map(|d| {
            format!(
                "({d}, 'todo', 'cosign', '', {}, {}, '{state}', '{}', '2026-11-20T02:00:00Z', '2026-11-25', {claimed})",
                org.users[SIGNER], org.divisions[2], org.names[DRAFTER]
            )
        }),
    )
    .await;
    let tasks: Vec<i64> = query_dyn(
        be,
        format!(
            "SELECT id FROM docflow_tasks WHERE doc_id > {before} AND step = 'cosign' AND state = '{state}' ORDER BY id"
        ),
    )
    .fetch_all(tx.conn())
    .await
    .expect("tasks")
    .iter()
    .map(|r| r.try_get::<i64, _>(0).expect("id"))
    .collect();
    assert_eq!(tasks.len(), n);
    tx.commit().await.expect("commit");
    tasks
}

/// Unused drafts of one state, topped up (untimed) when a sample needs
/// more than are left.
struct Pool<'a> {
    k: &'a Kernel,
    org: &'a Org,
    state: &'static str,
    left: Vec<i64>,
}

impl Pool<'_> {
    async fn take(&mut self, n: usize) -> Vec<i64> {
        if self.left.len() < n {
            let more = drafts(self.k, self.org, n.max(2_000), self.state).await;
            self.left.extend(more);
        }
        self.left.drain(..n).collect()
    }
}

async fn cosign(k: &Kernel, w: &Who, task: i64, op: &rules::Opinion) {
    acts::act(k, NOW, w, task, Act::Cosign(op.clone()))
        .await
        .expect("cosign");
}

fn bench(c: &mut Criterion) {
    let s = scale();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let ks: Vec<(&str, Kernel, Org)> = rt.block_on(async {
        let mut out = Vec::new();
        for (be, k) in kernels("bench-docflow-acts").await {
            let org = fill(&k, s).await;
            out.push((be, k, org));
        }
        out
    });
    let op = rules::opinion(
        "instruct",
        "建议第三条增加“每季度至少检查一次”的表述，其余无意见。",
    )
    .expect("opinion");
    let mut group = c.benchmark_group("docflow");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(15));
    group.throughput(Throughput::Elements(1));
    for (be, k, org) in &ks {
        let w = rt
            .block_on(who::who(k, &org.names[SIGNER], TODAY))
            .expect("who");
        // One act checked: the draft moves on and the drafter is asked
        // to consolidate.
        let t = rt.block_on(drafts(k, org, 1, "claimed"))[0];
        let doc = rt.block_on(store::task(k, t)).expect("task").doc_id;
        rt.block_on(cosign(k, &w, t, &op));
        let d = rt.block_on(store::doc(k, doc)).expect("doc");
        assert_eq!(d.status, Status::Consolidating, "{be}");
        let trail = rt.block_on(store::doc_tasks(k, doc)).expect("tasks");
        assert_eq!(trail.len(), 2, "{be}: the 会签 and the drafter's 汇总");

        let mut claimed = Pool {
            k,
            org,
            state: "claimed",
            left: Vec::new(),
        };
        group.bench_function(format!("act_cosign/{be}"), |b| {
            b.iter_custom(|iters| {
                rt.block_on(async {
                    let tasks = claimed.take(iters as usize).await;
                    let start = Instant::now();
                    for t in tasks {
                        cosign(k, &w, t, &op).await;
                    }
                    start.elapsed()
                })
            })
        });
        // 签收 then 会签: two transactions, two commits, two audit
        // entries and outbox rows; one element is the pair.
        let mut new = Pool {
            k,
            org,
            state: "new",
            left: Vec::new(),
        };
        group.bench_function(format!("claim_and_cosign/{be}"), |b| {
            b.iter_custom(|iters| {
                rt.block_on(async {
                    let tasks = new.take(iters as usize).await;
                    let start = Instant::now();
                    for t in tasks {
                        acts::claim(k, NOW, &w, t).await.expect("claim");
                        cosign(k, &w, t, &op).await;
                    }
                    start.elapsed()
                })
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
