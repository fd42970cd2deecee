//! Task 11, Result Ordering: a pool whose results come out in input order however its jobs
//! finish: as a slice indexed by each job's position, or as a stream through a reorder buffer;
//! stretch: the two benchmarked against each other (`cargo bench -p benches --bench result_ordering`).

use super::{PoolConfig, PoolError};
use crate::probe::{Jobs, Probe};
use crate::scenario::Task;

pub const TASK: Task = Task {
    number: 11,
    slug: "result_ordering",
    title: "Result Ordering",
};

/// The seed's pool: 8 workers.
pub const SEED_WORKERS: usize = 8;

/// The streaming version's sizes: the pool's, and the reorder window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StreamConfig {
    pub pool: PoolConfig,
    /// At most this many jobs taken from the input and not yet emitted: the reorder buffer's
    /// bound. When the next job to emit stalls, the pool stops taking jobs once `window` are
    /// out (back-pressure) instead of buffering results without bound.
    pub window: usize,
}

pub trait ResultOrdering: Sync {
    /// The slice version: `cfg.workers` worker threads square every number `numbers` yields,
    /// each inside `probe.run(index, || n * n)` keyed by the number's position in the input
    /// (0, 1, 2, ...), fed through a jobs channel of `cfg.jobs_buffer` by a producer thread, and
    /// the squares are returned with the square of the number at position `i` at index `i`
    /// (Go's `results[j.Index] = result`), once every worker has been joined.
    ///
    /// Refuses zero workers ([`PoolError::ZeroWorkers`]) before starting any thread. No numbers
    /// is an empty result, not an error.
    fn ordered_slice(
        &self,
        cfg: PoolConfig,
        numbers: Jobs<i64>,
        probe: Probe<usize>,
    ) -> Result<Vec<i64>, PoolError>;

    /// The streaming version: the same jobs, but each square goes to `emit` on the calling
    /// thread, in input order, as soon as it and every earlier one are done (a job finishing
    /// early waits in a reorder buffer until the ones before it have been emitted: a min-heap or
    /// a map keyed by the next expected index). At most `cfg.window` jobs are taken from
    /// `numbers` and not yet emitted at any moment; with the next job to emit stalled, the pool
    /// takes exactly `cfg.window` jobs and waits. Returns once every square has been emitted and
    /// every worker joined.
    ///
    /// Refuses zero workers and a zero window ([`PoolError::ZeroWorkers`]) before starting any
    /// thread.
    fn ordered_stream(
        &self,
        cfg: StreamConfig,
        numbers: Jobs<i64>,
        probe: Probe<usize>,
        emit: &mut dyn FnMut(i64),
    ) -> Result<(), PoolError>;
}
