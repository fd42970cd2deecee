//! Task 2's reference on a small tree made at setup (8 MiB in 256 files, `benches::data`): the
//! pool with one worker and with one per CPU, beside one thread hashing the same files without a
//! pool. `cargo bench -p benches --bench file_hasher`.

use benches::{baseline, data::Spec};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use harness::clock::SystemClock;
use harness::contracts::{FileHasher, PoolConfig};
use harness::probe::Probe;
use std::hint::black_box;
use std::time::Duration;

fn file_hasher(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let root = dir.path().join("tree");
    let spec = Spec {
        seed: 1,
        scale: 1.0 / 128.0,
    };
    let manifest = spec.tree(&root).expect("the tree is written");
    let files = baseline::files_under(&root).expect("the tree is listed");
    let mut g = c.benchmark_group("task02_file_hasher");
    g.throughput(Throughput::Bytes(manifest.bytes))
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    let mut worker_counts = vec![1, PoolConfig::num_cpu()];
    worker_counts.dedup();
    for workers in worker_counts {
        let cfg = PoolConfig {
            workers,
            jobs_buffer: 64,
            results_buffer: workers,
        };
        g.bench_with_input(BenchmarkId::new("reference", workers), &cfg, |b, cfg| {
            b.iter(|| {
                let hasher = impls::task02_file_hasher::Answer;
                let mut emit = |h| drop(black_box(h));
                let clock = SystemClock::default();
                hasher
                    .hash_tree(*cfg, &root, Probe::noop(), &clock, &mut emit)
                    .expect("the tree hashes")
            })
        });
    }
    g.bench_function("one_thread", |b| {
        b.iter(|| baseline::hash_files(&files).expect("the files hash"))
    });
    g.finish();
}

criterion_group!(benches, file_hasher);
criterion_main!(benches);
