//! Task 5 on a small corpus made at setup (3.5 MB in 32 files, about 750 k words,
//! `benches::data`): every task-5 solution `impls` exports, with one worker per CPU, beside one
//! thread counting the same files without a pool. `cargo bench -p benches --bench word_counter`.

use benches::{baseline, data::Spec};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use harness::contracts::PoolConfig;
use harness::probe::{Jobs, Probe};
use std::time::Duration;

fn word_counter(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let corpus = dir.path().join("corpus");
    let manifest = Spec {
        seed: 1,
        scale: 1.0 / 64.0,
    }
    .corpus(&corpus)
    .expect("the corpus is written");
    let files = baseline::files_under(&corpus).expect("the corpus is listed");
    let mut g = c.benchmark_group("task05_word_counter");
    g.throughput(Throughput::Bytes(manifest.bytes))
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    let workers = PoolConfig::num_cpu();
    for solution in impls::solutions() {
        let Some(counter) = solution.task05() else {
            continue;
        };
        g.bench_function(BenchmarkId::new(solution.name(), workers), |b| {
            b.iter(|| {
                let jobs = Jobs::untracked(files.clone());
                let mut merged = || {};
                counter
                    .count_words(
                        PoolConfig::workers(workers),
                        jobs,
                        Probe::noop(),
                        &mut merged,
                    )
                    .expect("the words count")
            })
        });
    }
    g.bench_function("one_thread", |b| {
        b.iter(|| baseline::count_words(&files).expect("the words count"))
    });
    g.finish();
}

criterion_group!(benches, word_counter);
criterion_main!(benches);
