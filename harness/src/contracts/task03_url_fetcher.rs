//! Task 3, URL Fetcher: a pool of 8 async workers GETs every URL with a 5 s timeout through one
//! shared client, logs `URL <url>: error <err>` for each failure, and hands back each URL's
//! status and body length; stretch: total bytes, mean latency and error rate.

use super::{PoolConfig, PoolError};
use crate::net::HttpClient;
use crate::probe::{Jobs, Probe};
use crate::scenario::Task;
use crate::sink::Sink;
use std::time::Duration;

pub const TASK: Task = Task {
    number: 3,
    slug: "url_fetcher",
    title: "URL Fetcher",
};

/// The pool's sizes and the seed's one duration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FetchConfig {
    pub pool: PoolConfig,
    /// How long one GET may take, response body included (the seed's 5 s).
    pub timeout: Duration,
}

impl FetchConfig {
    /// The seed's pool: 8 workers, buffers of 8, a 5 s timeout.
    pub fn seed() -> Self {
        FetchConfig {
            pool: PoolConfig::workers(8),
            timeout: Duration::from_secs(5),
        }
    }
}

/// What one URL gave: its status and body length, and how long the GET took on the runtime's
/// clock; or the error, as its `Display` reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fetched {
    pub url: String,
    pub outcome: Result<Page, String>,
}

/// A response as the task reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Page {
    pub status: u16,
    pub bytes: usize,
    pub latency: Duration,
}

/// The stretch: over every URL, the bytes of every body, the mean latency of the GETs that got a
/// response, and the share of URLs that failed (0.0 to 1.0).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FetchStats {
    pub total_bytes: u64,
    pub mean_latency: Duration,
    pub error_rate: f64,
}

pub use super::LocalFuture;

pub trait UrlFetcher: Sync {
    /// GETs every URL `urls` yields with `client`, on `cfg.pool.workers` tasks fed by a producer
    /// through a jobs channel of `cfg.pool.jobs_buffer`, results through a channel of
    /// `cfg.pool.results_buffer`. Each GET, body included, runs inside
    /// `probe.run_async(url, ...)` (the key is the URL as given) under `cfg.timeout`
    /// (`tokio::time::timeout`); every URL's [`Fetched`] goes to `emit.emit(fetched).await` on
    /// the calling task, in any order, once. A failed GET (no connection, a broken one, a bad URL, the timeout) is
    /// logged as `tracing::warn!("URL {url}: error {err}")` and emitted with its error; a 4xx or
    /// 5xx status is a response, not an error. Latency is measured with `tokio::time::Instant`.
    ///
    /// Returns the stretch's [`FetchStats`] (or `Err(PoolError::NotAttempted)` when the stretch
    /// is not attempted, every URL still emitted) once every worker task has ended. Refuses zero
    /// workers ([`PoolError::ZeroWorkers`]) and no URLs ([`PoolError::EmptyInput`]) at once.
    ///
    /// Measured, at the servers: at most `workers` requests in flight, and exactly that many when
    /// more URLs than workers are slow; a GET that gets no response is abandoned at `timeout`
    /// of virtual time after it started (to the tick); nothing runs after the call returns.
    /// With every worker on a slow GET, the URLs taken from `urls` but not started are between
    /// `jobs_buffer` and `jobs_buffer + 1`; results are emitted as they come, not gathered first.
    ///
    /// Details the suite holds a solution to:
    /// - every URL `urls` yields is one job, repeats included: a URL given twice is fetched and
    ///   emitted twice (and keyed twice);
    /// - a bad URL is whatever the client refuses ([`crate::net::HttpError::BadUrl`]): a failed
    ///   GET like any other, emitted and logged, never skipped;
    /// - the timeout covers the whole GET and starts with it: `timeout(cfg.timeout,
    ///   probe.run_async(url, client.get(url)))` (a timed-out job then counts as started and
    ///   never finished) or the probe outside the timeout, either;
    /// - an error is emitted as the text its `Display` gives, and logged with that same text;
    /// - the mean latency of no responses is zero; a `Duration` divided by a count (truncating)
    ///   is fine: the suite allows one tick;
    /// - the suite gives this task buffers of at least 1 (tokio's bounded channels have no
    ///   rendezvous: `mpsc::channel(0)` panics);
    /// - taking one URL to see whether there is any (a `Peekable`) is fine;
    /// - a job that panics (inside `probe.run_async`) takes its worker task with it: the other
    ///   workers go on and every other URL is emitted, and the call returns
    ///   `Err(PoolError::JobPanicked(msg))` once every task has ended, `msg` holding the panic's
    ///   message (a `JoinError`'s `Display` does); it never hangs or loses the other URLs.
    fn fetch_all<'a>(
        &'a self,
        cfg: FetchConfig,
        urls: Jobs<String>,
        probe: Probe<String>,
        client: HttpClient,
        emit: &'a mut Sink<Fetched>,
    ) -> LocalFuture<'a, Result<FetchStats, PoolError>>;
}
