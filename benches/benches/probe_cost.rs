//! What the suite's probe costs a pool: task 1's model answer on 100 000 trivial jobs (4
//! workers, buffers of 64) with a probe that records nothing, one that counts (what the
//! scenarios on large inputs use) and one that remembers every job by key (small inputs). The
//! issue's budget: counting within 5% of nothing. `cargo bench -p benches --bench probe_cost`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use harness::contracts::task01_squarer::{Squared, Squarer};
use harness::contracts::PoolConfig;
use harness::ledger::Ledger;
use harness::probe::{Jobs, Probe};
use std::hint::black_box;
use std::sync::Arc;

const N: i64 = 100_000;
const CFG: PoolConfig = PoolConfig {
    workers: 4,
    jobs_buffer: 64,
    results_buffer: 64,
};

/// How the run is observed.
#[derive(Clone, Copy, Debug)]
enum Observed {
    Nothing,
    Counting,
    Exact,
}

fn run(observed: Observed) -> i64 {
    let (jobs, probe) = match observed {
        Observed::Nothing => (Jobs::untracked(0..N), Probe::noop()),
        Observed::Counting | Observed::Exact => {
            let ledger = Arc::new(match observed {
                Observed::Exact => Ledger::exact("bench"),
                _ => Ledger::counting("bench"),
            });
            let jobs = Jobs::new(ledger.clone(), 0..N, |n| n.to_string());
            (jobs, Probe::new(ledger))
        }
    };
    let mut sum = 0;
    let mut emit = |s: Squared| sum += s.square;
    impls::task01_squarer::Answer
        .square_all(CFG, jobs, probe, &mut emit)
        .expect("the reference squares");
    sum
}

fn probe_cost(c: &mut Criterion) {
    let mut g = c.benchmark_group("probe_cost");
    g.throughput(Throughput::Elements(N as u64));
    g.sample_size(20);
    for observed in [Observed::Nothing, Observed::Counting, Observed::Exact] {
        g.bench_function(BenchmarkId::from_parameter(format!("{observed:?}")), |b| {
            b.iter(|| black_box(run(observed)))
        });
    }
    g.finish();
}

criterion_group!(benches, probe_cost);
criterion_main!(benches);
