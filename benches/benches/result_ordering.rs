//! Task 11's stretch: the slice version and the streaming reorder-buffer version side by side,
//! on 100 000 numbers with the seed's pool of 8, beside one thread squaring them in order (the
//! sequential baseline). The stream's window is given in multiples of the pool.
//! `cargo bench -p benches --bench result_ordering`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use harness::contracts::task11_result_ordering::{StreamConfig, SEED_WORKERS};
use harness::contracts::PoolConfig;
use harness::probe::{Jobs, Probe};
use std::hint::black_box;
use std::time::Duration;

const N: i64 = 100_000;

fn result_ordering(c: &mut Criterion) {
    let pool = PoolConfig::workers(SEED_WORKERS);
    let mut g = c.benchmark_group("task11_result_ordering");
    g.throughput(Throughput::Elements(N as u64))
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    for solution in impls::solutions() {
        let Some(ro) = solution.task11() else {
            continue;
        };
        g.bench_function(
            BenchmarkId::new(format!("{}/slice", solution.name()), SEED_WORKERS),
            |b| {
                b.iter(|| {
                    ro.ordered_slice(pool, Jobs::untracked(0..N), Probe::noop())
                        .expect("the squares")
                })
            },
        );
        for window in [2 * SEED_WORKERS, 16 * SEED_WORKERS] {
            let cfg = StreamConfig { pool, window };
            g.bench_function(
                BenchmarkId::new(format!("{}/stream", solution.name()), window),
                |b| {
                    b.iter(|| {
                        let mut sum = 0i64;
                        ro.ordered_stream(cfg, Jobs::untracked(0..N), Probe::noop(), &mut |sq| {
                            sum = sum.wrapping_add(sq)
                        })
                        .expect("the squares");
                        sum
                    })
                },
            );
        }
    }
    g.bench_function("one_thread", |b| {
        b.iter(|| (0..N).map(|n| black_box(n * n)).collect::<Vec<_>>())
    });
    g.finish();
}

criterion_group!(benches, result_ordering);
criterion_main!(benches);
