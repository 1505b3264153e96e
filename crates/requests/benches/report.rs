//! The annual report over 1,000,000 applications of one year, and the
//! overdue / near-due sweep over 100,000 open applications, on SQLite (and
//! on PostgreSQL when YANGGUANG_TEST_POSTGRES is set). Figures go to
//! docs/benchmarks.md.
//!
//!   cargo bench -p yangguang-requests --bench report

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use time::macros::date;
use time::{Date, Duration};
use yangguang_kernel::Kernel;
use yangguang_kernel::db::query_dyn;
use yangguang_kernel::testing::kernels;
use yangguang_requests::outcome::Outcome;
use yangguang_requests::rules::ApplicantKind;
use yangguang_requests::{annual, store};

const YEAR_APPS: usize = 1_000_000;
const OPEN_APPS: usize = 100_000;
const BATCH: usize = 500;

/// Deterministic xorshift (no rand dependency).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// Rows go in as literal values built here (no user input), 500 a statement.
async fn fill(k: &Kernel, n: usize, open: bool, first_seq: usize, rng: &mut Rng) {
    let outcomes: Vec<Outcome> = Outcome::all().collect();
    let start: Date = if open {
        date!(2026 - 10 - 01)
    } else {
        date!(2025 - 01 - 01)
    };
    let span = if open { 56 } else { 365 };
    let mut tx = k.db.begin().await.expect("tx");
    let mut done = 0;
    while done < n {
        let mut sql = String::from(
            "INSERT INTO ysq_applications (app_no, year, code_hash, channel, applicant_kind, applicant_name, id_type, \
             id_number_sealed, phone_sealed, description, provision_form, delivery, applicant_key, arrived_on, received_on, \
             status, due_on, paused, outcome, replied_on, created_by, created_at, updated_at) VALUES ",
        );
        for i in 0..BATCH.min(n - done) {
            let seq = first_seq + done + i;
            let received = start + Duration::days(rng.below(span) as i64);
            let kind = ApplicantKind::ALL[rng.below(6) as usize].code();
            let due = received + Duration::days(28);
            let (status, outcome, replied) = if open {
                ("open", "NULL".to_string(), "NULL".to_string())
            } else {
                let o = outcomes[rng.below(outcomes.len() as u64) as usize].code();
                let r = received + Duration::days(rng.below(40) as i64);
                ("replied", format!("'{o}'"), format!("'{r}'"))
            };
            if i > 0 {
                sql.push(',');
            }
            sql.push_str(&format!(
                "('B-{seq}', {y}, 'h', 'online', '{kind}', '申请人', 'resident_id', 's', 's', '某文件', 'electronic', 'online', \
                 'k{key}', '{received}', '{received}', '{status}', '{due}', {paused}, {outcome}, {replied}, 'bench', 'now', 'now')",
                y = received.year(),
                key = rng.below(200_000),
                paused = i64::from(open && rng.below(10) == 0),
            ));
        }
        query_dyn(tx.backend(), sql)
            .execute(tx.conn())
            .await
            .expect("insert");
        done += BATCH.min(n - done);
    }
    tx.commit().await.expect("commit");
}

fn setup(rt: &tokio::runtime::Runtime) -> Vec<(&'static str, Kernel)> {
    rt.block_on(async {
        let ks = kernels("bench-requests", &yangguang_web::migrations())
            .await
            .expect("kernels");
        for (_, k) in &ks {
            let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
            fill(k, YEAR_APPS, false, 0, &mut rng).await;
            fill(k, OPEN_APPS, true, YEAR_APPS, &mut rng).await;
            if k.db.backend() == yangguang_kernel::db::Backend::Postgres {
                query_dyn(k.db.backend(), "ANALYZE ysq_applications".into())
                    .execute(k.db.pool())
                    .await
                    .expect("analyze");
            } else {
                query_dyn(k.db.backend(), "ANALYZE".into())
                    .execute(k.db.pool())
                    .await
                    .expect("analyze");
            }
        }
        ks
    })
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let ks = setup(&rt);
    let mut group = c.benchmark_group("requests");
    group.sample_size(10);
    for (be, k) in &ks {
        let t = rt.block_on(annual::table3(k, 2025)).expect("table3");
        assert!(t.invariant_failures().is_empty());
        group.bench_function(format!("annual_report/{be}/{YEAR_APPS}"), |b| {
            b.iter(|| {
                rt.block_on(annual::build(k, black_box(2025)))
                    .expect("report")
            })
        });
        group.bench_function(format!("overdue_sweep/{be}/{OPEN_APPS}"), |b| {
            b.iter(|| {
                rt.block_on(store::sweep(k, black_box(date!(2026 - 11 - 26))))
                    .expect("sweep")
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
