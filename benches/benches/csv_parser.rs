//! Task 4 on a small CSV made at setup (2 MB, about 55 k records, `benches::data`): every task-4
//! solution `impls` exports, with the seed's 16 workers, beside one thread parsing the same
//! records without a pool. `cargo bench -p benches --bench csv_parser`.

use benches::{baseline, data::Spec};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use harness::contracts::PoolConfig;
use harness::probe::Probe;
use std::time::Duration;

fn csv_parser(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("records.csv");
    let manifest = Spec {
        seed: 1,
        scale: 0.002,
    }
    .csv(&path)
    .expect("the CSV is written");
    let mut g = c.benchmark_group("task04_csv_parser");
    g.throughput(Throughput::Bytes(manifest.bytes))
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    for solution in impls::solutions() {
        let Some(parser) = solution.task04() else {
            continue;
        };
        g.bench_function(BenchmarkId::new(solution.name(), 16), |b| {
            b.iter(|| {
                let mut counted = || {};
                parser
                    .parse_file(PoolConfig::workers(16), &path, Probe::noop(), &mut counted)
                    .expect("the CSV parses")
            })
        });
    }
    g.bench_function("one_thread", |b| {
        b.iter(|| baseline::parse_csv(&path).expect("the CSV parses"))
    });
    g.finish();
}

criterion_group!(benches, csv_parser);
criterion_main!(benches);
