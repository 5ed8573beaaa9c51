//! The assessment at the size of real incidents: seeded synthetic cases of
//! 1,000, 10,000 and 100,000 evidence items (see `ascribe_assess::synth`).
//! Criterion reports the time per case (and items per second); the table at
//! the end puts the time per case and per item side by side, so that growth
//! is visible at a glance. Figures only, no assertions on time.
//!
//! Run: `cargo bench -p ascribe-assess --bench assess`.

use std::time::{Duration, Instant};

use ascribe_assess::{assess, synth, Policy};
use criterion::{black_box, BenchmarkId, Criterion, Throughput};

const SIZES: [usize; 3] = [1_000, 10_000, 100_000];
const SEED: u64 = 1;

fn bench(c: &mut Criterion) {
    let policy = Policy::default();
    let mut group = c.benchmark_group("assess");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(5));
    for n in SIZES {
        let case = synth::case(n, SEED);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &case, |b, case| {
            b.iter(|| assess(black_box(case), &policy).expect("a synthetic case assesses"));
        });
    }
    group.finish();
}

/// The median of a few timed runs per size, printed as one table.
fn summary() {
    let policy = Policy::default();
    println!();
    println!(
        "{:>9}  {:>14}  {:>14}  runs",
        "items", "time per case", "time per item"
    );
    for n in SIZES {
        let case = synth::case(n, SEED);
        let runs = if n >= 100_000 { 5 } else { 11 };
        let mut times: Vec<Duration> = (0..runs)
            .map(|_| {
                let t = Instant::now();
                black_box(assess(black_box(&case), &policy).expect("a synthetic case assesses"));
                t.elapsed()
            })
            .collect();
        times.sort();
        let median = times[runs / 2];
        println!(
            "{n:>9}  {:>11.2} ms  {:>11.0} ns  {runs} (median)",
            median.as_secs_f64() * 1e3,
            median.as_secs_f64() * 1e9 / n as f64
        );
    }
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    bench(&mut c);
    c.final_summary();
    summary();
}
