//! Task 17, Multi-Error Aggregation: a pool of 8 runs 1000 jobs without failing fast and returns
//! how many succeeded and every error, none lost and none twice (Go's `errors.Join`); stretch:
//! the errors grouped by kind, with counts.

use super::{PoolConfig, PoolError};
use crate::probe::{Jobs, Probe};
use crate::scenario::Task;
use std::collections::BTreeMap;
use std::fmt;

pub const TASK: Task = Task {
    number: 17,
    slug: "multi_error",
    title: "Multi-Error Aggregation",
};

/// The seed's run: 1000 jobs on a pool of 8.
pub const SEED_JOBS: usize = 1000;
pub const SEED_WORKERS: usize = 8;

/// The kinds the stretch groups errors by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ErrorKind {
    Network,
    Parse,
    Timeout,
}

/// Why one job failed. Every error names its job, so no two jobs' errors are equal.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct JobError {
    pub job: u64,
    pub kind: ErrorKind,
    pub message: String,
}

impl fmt::Display for JobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "job {}: {:?} error: {}",
            self.job, self.kind, self.message
        )
    }
}

impl std::error::Error for JobError {}

/// One job, as the harness hands it over: [`Job::run`] does its work and says how it went, and
/// notes a run outside `probe.run`'s bracket (where the contract forbids it).
#[derive(Clone, Debug)]
pub struct Job {
    pub id: u64,
    outcome: Result<u64, JobError>,
    outside: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl PartialEq for Job {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id && self.outcome == other.outcome
    }
}

impl Eq for Job {}

impl Job {
    /// A job that will succeed with `value`, or fail with `kind` and `message`.
    pub fn new(id: u64, outcome: Result<u64, (ErrorKind, String)>) -> Self {
        Job {
            id,
            outcome: outcome.map_err(|(kind, message)| JobError {
                job: id,
                kind,
                message,
            }),
            outside: Default::default(),
        }
    }

    /// The job's work: its value, or why it failed.
    pub fn run(&self) -> Result<u64, JobError> {
        if !crate::probe::in_bracket() {
            self.outside
                .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
        self.outcome.clone()
    }

    /// How often this job (or a clone of it) ran outside `probe.run`.
    pub fn runs_outside_bracket(&self) -> usize {
        self.outside.load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// What the pool returns: Go's `(successCount int, errs error)`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Jobs whose `run` returned `Ok`.
    pub successes: usize,
    /// Every error a job returned, exactly once each, in any order.
    pub errors: Vec<JobError>,
}

pub trait MultiError: Sync {
    /// Runs every job `jobs` yields on `cfg.workers` worker threads (the seed's 8 is a default;
    /// use `cfg.workers`), fed by a producer thread through a jobs channel of `cfg.jobs_buffer`,
    /// each job's work inside `probe.run(job.id, || job.run())`, outcomes sent through a results
    /// channel of `cfg.results_buffer` or added to one shared tally (behind a `Mutex`). No fail
    /// fast: a failed job stops nothing, every job runs. Returns, once every worker has been
    /// joined, how many jobs succeeded and every error.
    ///
    /// No jobs is `Ok` with nothing counted. Refuses zero workers ([`PoolError::ZeroWorkers`])
    /// before starting any thread.
    fn run_all(
        &self,
        cfg: PoolConfig,
        jobs: Jobs<Job>,
        probe: Probe<u64>,
    ) -> Result<Outcome, PoolError>;

    /// Stretch: how many of `errors` there are of each kind, kinds with none left out. `None`
    /// when not attempted.
    fn by_kind(&self, errors: &[JobError]) -> Option<BTreeMap<ErrorKind, usize>> {
        let _ = errors;
        None
    }
}
