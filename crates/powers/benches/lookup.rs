//! Public case lookup (POST /bsgk/cx: case number + query code → the
//! status page with the flowchart of the case's process, its current step
//! highlighted) with 1,000,000 cases, through the whole application in
//! process (one router as the server builds it), on SQLite as deployed
//! (WAL, `synchronous=FULL`). Target: p50 under 2 ms. Figures go to
//! docs/benchmarks.md.
//!
//!   cargo bench -p yangguang-powers --bench lookup
//!
//! Data: the demo bureau and its 232 items; three real cases made through
//! `case_store` (a licence open at 窗口审查决定, a licence granted and
//! closed, a penalty open at 案件审理); then 1,000,000 copies of them
//! (one in five the closed licence, one in five the open one, three in
//! five the penalty), numbered `XK-2022-000001` … `CF-2026-120001` over
//! five years, each with its own query code and its code digest computed
//! as `case_store` does, and each with the step rows of its model (about
//! 6.2 million in all). The copies are made in SQL from the models' rows
//! (`INSERT … SELECT` joined to a table of numbers and digests), 100,000
//! a transaction. Each timed lookup is of a different case drawn at
//! random. Outside `cargo bench` (criterion's test mode) 10,000 copies.

#[path = "../tests/common/mod.rs"]
mod common;
mod support;

use std::collections::HashMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use criterion::{Criterion, criterion_group, criterion_main};
use time::Date;
use time::macros::date;
use yangguang_kernel::Kernel;
use yangguang_kernel::audit::Actor;
use yangguang_kernel::tracking;
use yangguang_powers::case::StepInput;
use yangguang_powers::case_store::{self, Channel, NewCase, Opened};
use yangguang_powers::routes::track;
use yangguang_process::{Value, Vars};
use yangguang_web::testing::state_for;

use support::{Http, Rng, bulk, exec, lit};

/// Ids of the copies start here (the models are 1–3).
const FIRST_ID: usize = 1_000;
const CHUNK: usize = 100_000;

async fn open(k: &Kernel, item: &str, by: &str, party: &str, subject: &str) -> Opened {
    let received = date!(2026 - 03 - 02);
    case_store::open(
        k,
        common::at(received),
        &Actor::user(by),
        NewCase {
            item_code: item.into(),
            party: party.into(),
            contact: "0512-66660000".into(),
            subject: subject.into(),
            channel: if item.starts_with("CF") {
                Channel::ExOfficio
            } else {
                Channel::Window
            },
            received_on: received,
        },
    )
    .await
    .expect("open")
}

async fn step(k: &Kernel, user: &str, on: Date, id: i64, node: &str, v: Vars, opinion: &str) {
    let input = StepInput {
        opinion: opinion.into(),
        ..StepInput::default()
    };
    common::act(k, user, on, id, node, v, input)
        .await
        .unwrap_or_else(|e| panic!("{node}: {e}"));
}

/// The three model cases, as the window and the inspectors make them.
async fn models(k: &Kernel) -> [Opened; 3] {
    let ok = || common::vars(&[("materials_complete", Value::Bool(true))]);
    let lic_open = open(
        k,
        "XK-004",
        "window1",
        "苏州某化工贸易有限公司",
        "申请危险化学品经营许可证",
    )
    .await;
    step(
        k,
        "window1",
        date!(2026 - 03 - 03),
        lic_open.id,
        "check",
        ok(),
        "",
    )
    .await;
    step(
        k,
        "window1",
        date!(2026 - 03 - 04),
        lic_open.id,
        "accept",
        Vars::new(),
        "",
    )
    .await;

    let lic_closed = open(
        k,
        "XK-005",
        "window1",
        "苏州某仓储有限公司",
        "申请危险化学品经营许可证（仓储经营）",
    )
    .await;
    let id = lic_closed.id;
    step(k, "window1", date!(2026 - 03 - 03), id, "check", ok(), "").await;
    step(
        k,
        "window1",
        date!(2026 - 03 - 04),
        id,
        "accept",
        Vars::new(),
        "",
    )
    .await;
    step(
        k,
        "window1",
        date!(2026 - 03 - 05),
        id,
        "review_window",
        Vars::new(),
        "材料齐全，现场核查符合条件",
    )
    .await;
    let granted = common::vars(&[("granted", Value::Bool(true))]);
    step(
        k,
        "deputy",
        date!(2026 - 03 - 06),
        id,
        "decide",
        granted,
        "准予许可，核发危险化学品经营许可证",
    )
    .await;
    step(
        k,
        "window1",
        date!(2026 - 03 - 09),
        id,
        "issue",
        Vars::new(),
        "",
    )
    .await;

    let pen = open(
        k,
        "CF-001",
        "inspector",
        "苏州某机械制造有限公司",
        "未按照规定设置安全生产管理机构",
    )
    .await;
    step(
        k,
        "inspector",
        date!(2026 - 03 - 02),
        pen.id,
        "register",
        Vars::new(),
        "予以立案",
    )
    .await;
    step(
        k,
        "inspector",
        date!(2026 - 03 - 10),
        pen.id,
        "investigate",
        Vars::new(),
        "调查终结",
    )
    .await;
    [lic_open, lic_closed, pen]
}

/// The i-th copy: (model index, case number); numbers run per prefix and
/// year after the models' own.
fn numbering(total: usize) -> Vec<(usize, String)> {
    let mut next: HashMap<(&str, i32), u32> = HashMap::from([(("XK", 2026), 3), (("CF", 2026), 2)]);
    (0..total)
        .map(|i| {
            let m = match i % 5 {
                0 => 1,
                1 => 0,
                _ => 2,
            };
            let prefix = if m == 2 { "CF" } else { "XK" };
            let year = 2022 + (i * 5 / total) as i32;
            let seq = next.entry((prefix, year)).or_insert(1);
            let no = format!("{prefix}-{year}-{seq:06}");
            *seq += 1;
            (m, no)
        })
        .collect()
}

/// The query code of the i-th copy.
fn code_of(i: usize) -> String {
    let mut r = Rng(0x9e37_79b9_7f4a_7c15 ^ (i as u64 + 1).wrapping_mul(0xff51_afd7_ed55_8ccd));
    let mut b = [0u8; tracking::QUERY_CODE_LEN];
    for x in &mut b {
        *x = r.below(256) as u8;
    }
    tracking::query_code_from(&b)
}

const CASE_COLS: &str = "kind, item_id, item_version, process_id, unit, party_sealed, party_masked, contact_sealed, \
     subject, channel, first_contact, owner, state, rev, next_timer_on, facts, open, received_on, due_on, due_label, \
     decided_on, decided_year, on_time, topic_id, topic_node, created_at, updated_at";
const STEP_COLS: &str = "seq, node, name, what, on_date, at, by_user, acting_for, opinion";

/// Copies the models into `numbers.len()` cases with their steps.
async fn fill(k: &Kernel, models: &[i64; 3], numbers: &[(usize, String)]) {
    let started = Instant::now();
    let m = |c: &str| format!("m.{}", c.trim());
    let case_sel: Vec<String> = CASE_COLS.split(',').map(m).collect();
    let step_sel: Vec<String> = STEP_COLS.split(',').map(m).collect();
    for (c, chunk) in numbers.chunks(CHUNK).enumerate() {
        let mut tx = k.db.begin().await.expect("tx");
        exec(
            &mut tx,
            "CREATE TEMP TABLE IF NOT EXISTS bench_copies (id INTEGER PRIMARY KEY, model INTEGER NOT NULL, \
             case_no TEXT NOT NULL, code_hash TEXT NOT NULL)"
                .into(),
        )
        .await;
        let base = FIRST_ID + c * CHUNK;
        bulk(
            &mut tx,
            "INSERT INTO bench_copies (id, model, case_no, code_hash)",
            chunk.iter().enumerate().map(|(j, (model, no))| {
                let code = code_of(c * CHUNK + j);
                let hash = tracking::keyed_hex(
                    &k.keys.data,
                    &[b"power-case", no.as_bytes(), code.as_bytes()],
                );
                format!(
                    "({}, {}, {}, {})",
                    base + j,
                    models[*model],
                    lit(no),
                    lit(&hash)
                )
            }),
        )
        .await;
        exec(
            &mut tx,
            format!(
                "INSERT INTO power_cases (id, case_no, code_hash, {CASE_COLS}) SELECT t.id, t.case_no, t.code_hash, {} \
                 FROM bench_copies t JOIN power_cases m ON m.id = t.model ORDER BY t.id",
                case_sel.join(", ")
            ),
        )
        .await;
        exec(
            &mut tx,
            format!(
                "INSERT INTO power_case_steps (case_id, {STEP_COLS}) SELECT t.id, {} \
                 FROM bench_copies t JOIN power_case_steps m ON m.case_id = t.model ORDER BY t.id, m.seq",
                step_sel.join(", ")
            ),
        )
        .await;
        exec(&mut tx, "DELETE FROM bench_copies".into()).await;
        tx.commit().await.expect("commit");
    }
    let steps: i64 =
        yangguang_kernel::db::query_scalar(k.db.backend(), "SELECT COUNT(*) FROM power_case_steps")
            .fetch_one(k.db.pool())
            .await
            .expect("count");
    eprintln!(
        "filled {} cases, {steps} steps in {:.1} s",
        numbers.len() + 3,
        started.elapsed().as_secs_f64()
    );
}

/// What the page does before templating.
async fn lookup_store(k: &Kernel, no: &str, code: &str) -> track::Status {
    let c = case_store::find_by_code(k, no, code)
        .await
        .expect("find")
        .expect("the right pair");
    let rows = case_store::steps(k, c.id).await.expect("steps");
    track::status(&c, &rows, &k.calendar())
}

fn bench(c: &mut Criterion) {
    let total = if support::full_run() {
        1_000_000
    } else {
        10_000
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let numbers = numbering(total);
    let (st, http) = rt.block_on(async {
        let (_, k) = support::kernels("bench-powers-lookup", false)
            .await
            .remove(0);
        common::usual_bureau(&k).await;
        support::demo_list(&k).await;
        let ms = models(&k).await;
        let ids = [ms[0].id, ms[1].id, ms[2].id];
        assert_eq!(ids, [1, 2, 3], "the models come first");
        // The models found by their own codes, as the receipt gives them.
        for o in &ms {
            let s = lookup_store(&k, &o.case_no, &o.query_code).await;
            assert_eq!(s.case_no, o.case_no);
        }
        fill(&k, &ids, &numbers).await;
        let st = state_for(k).await;
        let http = Http::new(&st).await;
        (st, http)
    });
    let k = &st.kernel;
    // Every model's shape, checked once through HTTP: the current step is
    // marked on the chart; the closed licence says so.
    for (i, want) in [(1, "窗口审查决定"), (0, "办结"), (2, "案件审理")] {
        let (no, code) = (&numbers[i].1, code_of(i));
        let (status, body) =
            rt.block_on(http.post("/bsgk/cx", &[("case_no", no), ("code", &code)]));
        assert_eq!(status, StatusCode::OK, "{no}: {body}");
        assert!(
            body.contains(no.as_str()) && body.contains(want),
            "{no}: {want}"
        );
        assert!(body.contains("<svg"), "{no}");
    }
    let (status, _) = rt.block_on(http.post(
        "/bsgk/cx",
        &[("case_no", &numbers[7].1), ("code", &code_of(8))],
    ));
    assert_eq!(status, StatusCode::NOT_FOUND, "another case's code");

    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let mut pick = move || {
        let i = rng.below(total as u64) as usize;
        (numbers[i].1.clone(), code_of(i))
    };
    let mut group = c.benchmark_group("powers");
    group.sample_size(50);
    group.measurement_time(Duration::from_secs(10));
    group.bench_function(format!("bsgk_lookup/sqlite/{total}"), |b| {
        b.iter(|| {
            let (no, code) = pick();
            let (status, body) =
                rt.block_on(http.post("/bsgk/cx", &[("case_no", &no), ("code", &code)]));
            assert_eq!(status, StatusCode::OK);
            black_box(body)
        })
    });
    group.bench_function(format!("bsgk_lookup_store/sqlite/{total}"), |b| {
        b.iter(|| {
            let (no, code) = pick();
            black_box(rt.block_on(lookup_store(k, &no, &code)))
        })
    });
    if support::full_run() {
        yangguang_kernel::testing::percentiles("powers/bsgk_lookup (HTTP)", 2_000, || {
            let (no, code) = pick();
            let (status, body) =
                rt.block_on(http.post("/bsgk/cx", &[("case_no", &no), ("code", &code)]));
            assert_eq!(status, StatusCode::OK);
            black_box(body);
        });
        yangguang_kernel::testing::percentiles("powers/bsgk_lookup_store", 2_000, || {
            let (no, code) = pick();
            black_box(rt.block_on(lookup_store(k, &no, &code)));
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
