//! Deadline arithmetic at inbox scale: one due date, and the overdue scan
//! over 100,000 open clocks.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use time::Date;
use time::macros::date;
use yangguang_kernel::calendar::Calendar;
use yangguang_kernel::clock::overdue_among;

/// Deterministic xorshift so runs are comparable (no rand dependency).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }

    fn date_in(&mut self, first: Date, last: Date) -> Date {
        let span = (last - first).whole_days() as u64 + 1;
        first + time::Duration::days(self.below(span) as i64)
    }
}

fn add_working_days(c: &mut Criterion) {
    let cal = Calendar::builtin();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let starts: Vec<Date> = (0..1024)
        .map(|_| rng.date_in(date!(2024 - 01 - 01), date!(2026 - 12 - 31)))
        .collect();
    let mut group = c.benchmark_group("add_working_days");
    let mut i = 0;
    group.bench_function("20", |b| {
        b.iter(|| {
            i = (i + 1) % starts.len();
            cal.add_working_days(black_box(starts[i]), black_box(20))
        })
    });
    group.finish();
}

fn overdue(c: &mut Criterion) {
    let cal = Calendar::builtin();
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let clocks: Vec<(Date, u32)> = (0..100_000)
        .map(|_| {
            let start = rng.date_in(date!(2024 - 11 - 27), date!(2026 - 11 - 26));
            (start, 20 + rng.below(41) as u32)
        })
        .collect();
    let today = date!(2026 - 11 - 26);
    let mut group = c.benchmark_group("overdue_among");
    group.bench_function("100000", |b| {
        b.iter(|| overdue_among(&cal, black_box(&clocks), black_box(today)))
    });
    group.finish();
}

criterion_group!(benches, add_working_days, overdue);
criterion_main!(benches);
