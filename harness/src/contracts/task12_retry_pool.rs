//! Task 12, Retry-on-Error Pool: workers GET each URL and parse its body as a number, retrying a
//! transient failure (no connection, a broken one, a 5xx) up to 3 times with exponential backoff
//! (100, 200, 400 ms) plus jitter, and never retrying a permanent one (any other non-2xx status,
//! a body that is not a number, a bad URL); stretch: the retries move to a separate retry pool
//! fed by the jobs that failed.

use super::{LocalFuture, PoolConfig, PoolError};
use crate::jitter::Jitter;
use crate::net::HttpClient;
use crate::probe::Jobs;
use crate::scenario::Task;
use crate::sink::Sink;
use std::fmt;
use std::time::Duration;

pub const TASK: Task = Task {
    number: 12,
    slug: "retry_pool",
    title: "Retry-on-Error Pool",
};

/// The pool's sizes and the seed's retry policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryConfig {
    pub pool: PoolConfig,
    /// Retries after the first attempt, at most (the seed's 3): a URL gets at most
    /// `retries + 1` GETs.
    pub retries: u32,
    /// The first backoff (the seed's 100 ms); each retry waits twice as long as the one before:
    /// retry `r` (1 for the first) waits `backoff * 2^(r-1) + jitter.of(url, r)`.
    pub backoff: Duration,
    /// The stretch: `Some(n)` moves every retry to a separate pool of `n` tasks fed by the jobs
    /// whose first attempt failed transiently; the `pool.workers` tasks then make first attempts
    /// only. `None`: each worker retries its own job.
    pub retry_workers: Option<usize>,
}

impl RetryConfig {
    /// The seed's pool: 8 workers, buffers of 8, 3 retries from 100 ms, retries in the workers.
    pub fn seed() -> Self {
        RetryConfig {
            pool: PoolConfig::workers(8),
            retries: 3,
            backoff: Duration::from_millis(100),
            retry_workers: None,
        }
    }
}

/// Why a URL gave no number, and whether it was worth retrying.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JobError {
    /// No connection, a broken one, or a 5xx status: retried, and still failing after the last
    /// retry. The text says what the last attempt got.
    Transient(String),
    /// Any other non-2xx status, a 2xx body that is not a number, or a URL the client refuses:
    /// never retried. The text says which.
    Permanent(String),
}

impl fmt::Display for JobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JobError::Transient(e) => write!(f, "transient: {e}"),
            JobError::Permanent(e) => write!(f, "permanent: {e}"),
        }
    }
}

/// What one URL gave: the number its body holds or the error, and how many GETs it took.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attempted {
    pub url: String,
    pub outcome: Result<u64, JobError>,
    /// How many times `client.get` was called for this URL (a bad URL: 1).
    pub attempts: u32,
}

pub trait RetryPool: Sync {
    /// For every URL `urls` yields (a job each, repeats included): GETs it with `client` and
    /// parses the body (ASCII whitespace trimmed) as a decimal `u64`, on `cfg.pool.workers`
    /// tasks fed by a producer through a jobs channel of `cfg.pool.jobs_buffer`, results through
    /// a channel of `cfg.pool.results_buffer`; each URL's [`Attempted`] goes to
    /// `emit.emit(attempted).await` on the calling task, in any order, once.
    ///
    /// A transient failure (an [`crate::net::HttpError::Connect`] or
    /// [`crate::net::HttpError::Broken`], or a 5xx status) is retried, up to `cfg.retries`
    /// times; before retry `r` the job waits `cfg.backoff * 2^(r-1) + jitter.of(url, r)` on the
    /// runtime's clock (`tokio::time::sleep`), counted from the failed attempt's end. A permanent
    /// failure (any status not 2xx or 5xx, a body that is not a number, an
    /// [`crate::net::HttpError::BadUrl`]) is emitted at once, never retried.
    ///
    /// With `cfg.retry_workers == Some(n)` (the stretch), a job whose first attempt failed
    /// transiently goes to a retry pool of `n` tasks, which waits out each backoff and makes
    /// every retry; the workers make first attempts only, so backoffs never hold them up. The
    /// retry channel's size is the solution's choice (a full one may hold a worker up while
    /// every retry task is busy), and a retry waits at least its backoff from the failure
    /// (longer while every retry task is busy).
    /// A solution that does not attempt the stretch returns `Err(PoolError::NotAttempted)` at
    /// once when given `Some`.
    ///
    /// Returns `Ok(())` once every outcome was emitted and every task it spawned has ended.
    /// Refuses zero workers (or a retry pool of zero) with [`PoolError::ZeroWorkers`] and no URLs
    /// with [`PoolError::EmptyInput`], at once.
    ///
    /// Measured, at the servers, on virtual time: the requests each URL got (a permanent failure
    /// exactly one, a bad URL none, never more than `retries + 1`); the gap between an attempt's
    /// response and the next attempt's arrival (the backoff and its jitter plus the network's
    /// share, to a tick); the requests in flight at once (at most `workers`, and exactly that
    /// many when more URLs than workers are slow; with the stretch, first attempts and retries
    /// counted apart: at most `workers` and `n`).
    ///
    /// Details the suite holds a solution to:
    /// - the jitter is the harness's: `jitter.of(url, r)` with the URL as given and `r` counted
    ///   from 1; never a random number of the solution's own;
    /// - a number is what `str::parse::<u64>` accepts once the body (UTF-8; a body that is not
    ///   is not a number) is trimmed of ASCII whitespace;
    /// - a 2xx whose body is not a number is permanent: the server answered, and will answer the
    ///   same again;
    /// - a URL given twice is two jobs, each with its own attempts and outcome;
    /// - a status of 3xx or 4xx is permanent; 5xx is transient;
    /// - the suite gives this task buffers of at least 1;
    /// - no GET hangs in this task's worlds: there is no timeout to configure.
    fn fetch_all<'a>(
        &'a self,
        cfg: RetryConfig,
        urls: Jobs<String>,
        client: HttpClient,
        jitter: Jitter,
        emit: &'a mut Sink<Attempted>,
    ) -> LocalFuture<'a, Result<(), PoolError>>;
}
