//! Task 1's reference pool: throughput by worker count (buffers fixed), by buffer size (workers
//! fixed: a one-slot channel pays a thread wake-up per hand-off), and the in-order stretch.
//! `cargo bench -p benches` (criterion writes its estimates under target/criterion).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use harness::contracts::task01_squarer::Squarer;
use harness::contracts::PoolConfig;
use harness::ledger::Ledger;
use harness::probe::{Jobs, Probe};
use std::hint::black_box;
use std::sync::Arc;

const N: i64 = 10_000;

fn run(cfg: PoolConfig, in_order: bool) -> i64 {
    let ledger = Arc::new(Ledger::counting("bench"));
    let jobs = Jobs::new(ledger.clone(), 0..N, |_| String::new());
    let probe = Probe::new(ledger);
    let mut sum = 0;
    let mut emit = |s: harness::contracts::task01_squarer::Squared| sum += s.square;
    let sq = impls::task01_squarer::Answer;
    let r = match in_order {
        false => sq.square_all(cfg, jobs, probe, &mut emit),
        true => sq.square_all_in_order(cfg, jobs, probe, &mut emit),
    };
    r.expect("the reference squares");
    sum
}

fn squarer(c: &mut Criterion) {
    let mut g = c.benchmark_group("task01_squarer");
    g.throughput(Throughput::Elements(N as u64));
    let sized = |workers, buffer| PoolConfig {
        workers,
        jobs_buffer: buffer,
        results_buffer: buffer,
    };
    for workers in [1, 2, 4, 8] {
        let cfg = sized(workers, 64);
        g.bench_with_input(BenchmarkId::new("workers", workers), &cfg, |b, cfg| {
            b.iter(|| black_box(run(*cfg, false)))
        });
    }
    for buffer in [1, 8, 256] {
        let cfg = sized(4, buffer);
        g.bench_with_input(BenchmarkId::new("buffer", buffer), &cfg, |b, cfg| {
            b.iter(|| black_box(run(*cfg, false)))
        });
    }
    g.bench_function(BenchmarkId::new("in_order", 4), |b| {
        b.iter(|| black_box(run(sized(4, 64), true)))
    });
    g.finish();
}

criterion_group!(benches, squarer);
criterion_main!(benches);
