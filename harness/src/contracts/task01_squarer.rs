//! Task 1, Squarer: a 30-line pool that squares integers with 4 workers, buffered jobs and results
//! channels, results in any order; stretch: in input order, using an index.

use super::{PoolConfig, PoolError};
use crate::probe::{Jobs, Probe};
use crate::scenario::Task;

pub const TASK: Task = Task {
    number: 1,
    slug: "squarer",
    title: "Squarer",
};

/// One result: the position of the number in the input and its square.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Squared {
    pub index: usize,
    pub square: i64,
}

pub trait Squarer: Sync {
    /// Squares every number `numbers` yields on `cfg.workers` threads, with a jobs channel of
    /// `cfg.jobs_buffer` fed by a producer thread and a results channel of `cfg.results_buffer`.
    /// Each square is computed inside `probe.run(n, || n * n)` (the key is the number itself),
    /// and every result goes to `emit` on the calling thread (the `for r := range results`
    /// loop), in any order, with the number's position in the input as its `index`. Returns
    /// once every worker has finished and been joined.
    ///
    /// Inputs: numbers may repeat and may be zero or negative; each is at most 3,037,000,499 in
    /// magnitude, so its square fits an `i64`.
    ///
    /// A job that panics (the probe can make one panic) takes neither its worker nor the pool
    /// with it: that number yields no result, every other result is emitted, and the call
    /// returns `Err(PoolError::JobPanicked(message))` (the first panic's message) once every
    /// worker has finished. Never `Ok` with a result missing.
    ///
    /// Measured: with every worker held inside `probe.run`, the jobs taken but not started are
    /// between `jobs_buffer` and `jobs_buffer + 1`; with `emit` held, results finished but not
    /// emitted are at most `results_buffer + workers`; nothing runs after the call returns.
    /// Refuses zero workers ([`PoolError::ZeroWorkers`]) and no numbers ([`PoolError::EmptyInput`])
    /// before starting any thread.
    fn square_all(
        &self,
        cfg: PoolConfig,
        numbers: Jobs<i64>,
        probe: Probe<i64>,
        emit: &mut dyn FnMut(Squared),
    ) -> Result<(), PoolError>;

    /// Stretch: the same, but `emit` receives results in input order (index 0, 1, 2, ...),
    /// each as soon as every earlier one has been emitted.
    fn square_all_in_order(
        &self,
        cfg: PoolConfig,
        numbers: Jobs<i64>,
        probe: Probe<i64>,
        emit: &mut dyn FnMut(Squared),
    ) -> Result<(), PoolError> {
        let _ = (cfg, numbers, probe, emit);
        Err(PoolError::NotAttempted)
    }
}
