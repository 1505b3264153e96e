//! The public flowchart on a case page: the penalty fixture (drawn, with
//! its DI) rendered with a current and two done steps, and the same
//! definition without DI (laid out on every render). Figures go to
//! docs/benchmarks.md; the item page's budget is 1 ms of CPU.
//!
//!   cargo bench -p yangguang-process --bench svg

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use yangguang_process::layout::layout;
use yangguang_process::parse::parse;
use yangguang_process::svg::{View, render};

const PENALTY: &str = include_str!("../fixtures/penalty.bpmn");

fn bench(c: &mut Criterion) {
    let drawn = parse(PENALTY).expect("penalty fixture parses");
    let mut undrawn = drawn.clone();
    for n in &mut undrawn.nodes {
        n.bounds = None;
    }
    for f in &mut undrawn.flows {
        f.waypoints.clear();
    }
    let view = View {
        current: vec!["inform".into()],
        done: vec![
            ("register".into(), "2026-03-02".into()),
            ("investigate".into(), "2026-03-09".into()),
        ],
        title: None,
        prefix: Some("case1".into()),
    };
    println!(
        "penalty: {} nodes, {} flows; svg {} bytes (DI), {} bytes (laid out)",
        drawn.nodes.len(),
        drawn.flows.len(),
        render(&drawn, &view).len(),
        render(&undrawn, &view).len()
    );
    c.bench_function("svg/render penalty with DI", |b| {
        b.iter(|| render(black_box(&drawn), black_box(&view)))
    });
    c.bench_function("svg/render penalty without DI (layout + render)", |b| {
        b.iter(|| render(black_box(&undrawn), black_box(&view)))
    });
    c.bench_function("svg/layout penalty", |b| {
        b.iter(|| layout(black_box(&undrawn)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
