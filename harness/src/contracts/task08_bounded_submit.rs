//! Task 8, Bounded Submit: a pool that is an object with a life: `submit` a job (refused at once
//! when the queue is full, never blocking), read the `results`, `stop` it (every accepted job
//! drained first); stretch: `try_submit` and a `blocking_submit`.

use super::{PoolConfig, PoolError};
use crate::probe::Probe;
use crate::scenario::Task;
use tokio_util::sync::CancellationToken;

pub const TASK: Task = Task {
    number: 8,
    slug: "bounded_submit",
    title: "Bounded Submit",
};

/// One job done: the number submitted and its square.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Done {
    pub job: i64,
    pub square: i64,
}

/// Why a submit was refused. The job was not taken: it will not run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubmitError {
    /// The jobs queue holds `jobs_buffer` jobs: Go's `ErrPoolFull`.
    PoolFull,
    /// The caller's token is cancelled: Go's `ctx.Err()`.
    Cancelled,
    /// The pool has been stopped.
    Stopped,
}

impl std::fmt::Display for SubmitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SubmitError::PoolFull => "the pool is full",
            SubmitError::Cancelled => "the submit was cancelled",
            SubmitError::Stopped => "the pool is stopped",
        })
    }
}

impl std::error::Error for SubmitError {}

pub trait BoundedSubmit: Sync {
    /// Starts a pool: `cfg.workers` threads, each taking one job at a time from a jobs queue
    /// that holds at most `cfg.jobs_buffer` jobs (`sync_channel(cfg.jobs_buffer)`), squaring it
    /// inside `probe.run(job, || job * job)` (the key is the number) and sending a [`Done`] into
    /// a results channel of `cfg.results_buffer`. A job a worker has taken is no longer in the
    /// queue. Returns at once; refuses zero workers ([`PoolError::ZeroWorkers`]) before starting
    /// any thread. With `jobs_buffer` 0 a submit is accepted only while a worker waits for a job.
    fn start(&self, cfg: PoolConfig, probe: Probe<i64>) -> Result<Box<dyn SubmitPool>, PoolError>;
}

/// A started pool. Every method may be called from any thread, at the same time as the others.
pub trait SubmitPool: Send + Sync {
    /// Offers `job` without ever blocking (Go's `select` with a `default`), and answers, in this
    /// order: `Err(Cancelled)` if `token` is cancelled; `Err(Stopped)` once `stop` has been
    /// called; `Err(PoolFull)` while the jobs queue holds `jobs_buffer` jobs; else `Ok(())`, and
    /// the job will run exactly once and its result be in the stream. A submit at the same time
    /// as `stop` may be accepted or get `Stopped`, but once `stop` has returned every submit gets
    /// `Stopped`. Never panics.
    fn submit(&self, token: &CancellationToken, job: i64) -> Result<(), SubmitError>;

    /// The results: every accepted job's [`Done`] exactly once, in any order, as the workers
    /// finish them. The stream ends once `stop` has drained the pool and its workers have
    /// exited, and not before. Called once; read it on a thread of its own while jobs are
    /// submitted and stopped (a worker waits for room in the results channel).
    fn results(&self) -> Box<dyn Iterator<Item = Done> + Send>;

    /// Stops the pool: from the call on, the pool takes no job; the workers finish every job
    /// already accepted (none is dropped), then exit; `stop` returns once they all have. Closes
    /// the jobs queue exactly once. Idempotent: another `stop`, at the same time or later,
    /// returns once the drain is done, and never panics.
    fn stop(&self);

    /// Stretch: `TrySubmit`, the non-blocking submit without a token: `submit` in all else.
    /// `None` when not attempted.
    fn try_submit(&self, job: i64) -> Option<Result<(), SubmitError>> {
        let _ = job;
        None
    }

    /// Stretch: `BlockingSubmit`: waits while the queue is full, however long, until it takes
    /// the job (`Ok`); `Err(Stopped)` if the pool was stopped before the call. A call still
    /// waiting when `stop` is called is accepted once there is room, and its job runs before
    /// `stop` returns. `None` when not attempted.
    fn blocking_submit(&self, job: i64) -> Option<Result<(), SubmitError>> {
        let _ = job;
        None
    }
}
