//! Task 9, Per-Job Timeout: task 6's pool where each GET has a timeout of its own (2 s) and the
//! caller's token still applies, whichever fires first; timed-out jobs are logged apart from
//! other failures. Stretch: P50, P95 and P99 of the latencies of the GETs that completed.

use super::task03_url_fetcher::Page;
use super::{LocalFuture, PoolConfig, PoolError};
use crate::net::HttpClient;
use crate::probe::{Jobs, Probe};
use crate::scenario::Task;
use crate::sink::Sink;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

pub const TASK: Task = Task {
    number: 9,
    slug: "per_job_timeout",
    title: "Per-Job Timeout",
};

/// The pool's sizes and the seed's per-job timeout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeoutConfig {
    pub pool: PoolConfig,
    /// How long one GET may take, body included (the seed's 2 s).
    pub job_timeout: Duration,
}

impl TimeoutConfig {
    /// The seed's pool: 8 workers, buffers of 8, 2 s per GET.
    pub fn seed() -> Self {
        TimeoutConfig {
            pool: PoolConfig::workers(8),
            job_timeout: Duration::from_secs(2),
        }
    }
}

/// How one job ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JobOutcome {
    /// A response (any status), with its latency on the runtime's clock.
    Done(Page),
    /// The job's own timeout fired first.
    TimedOut,
    /// The GET failed (its error's `Display`).
    Failed(String),
}

/// What one URL gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timed {
    pub url: String,
    pub outcome: JobOutcome,
}

/// The stretch: percentiles of the latencies of the jobs that got a response, by nearest rank:
/// `Pp` is the `ceil(p / 100 * n)`-th smallest of the `n` latencies (P50 of 1, 2, 3, 4 is 2).
/// All zero when no job got a response.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Percentiles {
    pub p50: Duration,
    pub p95: Duration,
    pub p99: Duration,
}

pub trait PerJobTimeout: Sync {
    /// GETs every URL `urls` yields with `client` on `cfg.pool.workers` tasks (a producer, a
    /// jobs channel of `cfg.pool.jobs_buffer`, a results channel of `cfg.pool.results_buffer`,
    /// each GET inside `probe.run_async(url, ...)`), each GET under its own `cfg.job_timeout`
    /// (`tokio::time::timeout`, started with the GET), and emits each job's [`Timed`] on the
    /// calling task.
    ///
    /// A job whose timeout fires is emitted as [`JobOutcome::TimedOut`] and logged as
    /// `tracing::warn!("URL {url}: timed out after {timeout:?}")`; a failed GET as
    /// [`JobOutcome::Failed`] and `tracing::warn!("URL {url}: error {err}")`, as in task 3.
    ///
    /// The caller's `token` still applies: once it fires, no URL is taken and no GET begins,
    /// every GET in flight is dropped at once (not timed out, not emitted, not logged), and the
    /// call returns once every task has ended; whichever of a job's timeout and the token fires
    /// first decides.
    ///
    /// Returns the stretch's [`Percentiles`] of the jobs emitted as [`JobOutcome::Done`] (or
    /// `Err(PoolError::NotAttempted)`). Refuses zero workers and no URLs at once.
    ///
    /// Measured: each timeout at the server (the request abandoned `job_timeout` after it
    /// started, to the tick); the token's stop per role, as in task 6; the percentiles against
    /// the latencies emitted, exactly.
    fn fetch_all<'a>(
        &'a self,
        cfg: TimeoutConfig,
        urls: Jobs<String>,
        probe: Probe<String>,
        client: HttpClient,
        token: CancellationToken,
        emit: &'a mut Sink<Timed>,
    ) -> LocalFuture<'a, Result<Percentiles, PoolError>>;
}
