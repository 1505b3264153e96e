//! Task completions per second through the pure `step` on the licensing
//! fixture (issue 13 asks for at least 50,000/s in memory).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use time::macros::date;
use yangguang_kernel::calendar::Calendar;
use yangguang_process::engine::step;
use yangguang_process::parse::parse;
use yangguang_process::{Actor, Event, Instance, Value, Vars};

fn bench(c: &mut Criterion) {
    let def = match parse(include_str!("../fixtures/licensing.bpmn")) {
        Ok(d) => d,
        Err(e) => panic!("fixture: {e}"),
    };
    let cal = Calendar::builtin();
    let today = date!(2026 - 09 - 30);
    let clerk = Actor {
        user_id: 1,
        roles: vec!["staff".into()],
        posts: vec!["行政许可窗口岗".into()],
    };
    let vars: Vars = [("tier".to_string(), Value::Str("ordinary".into()))].into();
    let started = match step(
        &def,
        &Instance::default(),
        &Event::Start { vars },
        today,
        &cal,
    ) {
        Ok(o) => o.instance,
        Err(e) => panic!("start: {e}"),
    };
    // One completion: the check (through the gateway on materials_complete)
    // to the next task, with its timer bookkeeping.
    let complete = Event::Complete {
        node: "check".into(),
        actor: clerk,
        vars: [("materials_complete".to_string(), Value::Bool(true))].into(),
    };
    let mut group = c.benchmark_group("engine");
    group.throughput(Throughput::Elements(1));
    group.bench_function("complete_task", |b| {
        b.iter(|| step(&def, black_box(&started), black_box(&complete), today, &cal))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
