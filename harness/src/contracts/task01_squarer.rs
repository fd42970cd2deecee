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
    /// `cfg.jobs_buffer` and a results channel of `cfg.results_buffer`. Each square is computed
    /// inside `probe.run(n, || n * n)`, and every result goes to `emit` on the calling thread (the
    /// `for r := range results` loop), in any order. Returns once every worker has finished.
    /// Refuses zero workers ([`PoolError::ZeroWorkers`]) and no numbers ([`PoolError::EmptyInput`]).
    fn square_all(
        &self,
        cfg: PoolConfig,
        numbers: Jobs<i64>,
        probe: Probe<i64>,
        emit: &mut dyn FnMut(Squared),
    ) -> Result<(), PoolError>;

    /// Stretch: the same, but `emit` receives results in input order.
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
