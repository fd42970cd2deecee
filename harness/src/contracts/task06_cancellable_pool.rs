//! Task 6, Cancellable Pool: task 3's fetcher with cancellation. The pool takes a token (Go's
//! `ctx`); the producer, the workers (between jobs and inside the GET) and the consumer all stop
//! when it fires, and the pool cancels itself after 10 s; partial results are fine. Stretch:
//! after a cancellation, how many requests completed, were cancelled mid-flight, or never started.

use super::task03_url_fetcher::Fetched;
use super::{LocalFuture, PoolConfig, PoolError};
use crate::net::HttpClient;
use crate::probe::{Jobs, Probe};
use crate::scenario::Task;
use crate::sink::Sink;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

pub const TASK: Task = Task {
    number: 6,
    slug: "cancellable_pool",
    title: "Cancellable Pool",
};

/// The pool's sizes and the seed's two durations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CancelConfig {
    pub pool: PoolConfig,
    /// How long one GET may take (task 3's 5 s).
    pub timeout: Duration,
    /// When the pool cancels itself, counted from the call (the seed's 10 s).
    pub cancel_after: Duration,
}

impl CancelConfig {
    /// The seed's pool: 8 workers, buffers of 8, a 5 s timeout, cancelled at 10 s.
    pub fn seed() -> Self {
        CancelConfig {
            pool: PoolConfig::workers(8),
            timeout: Duration::from_secs(5),
            cancel_after: Duration::from_secs(10),
        }
    }
}

/// The stretch: every URL the input holds is exactly one of these.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CancelStats {
    /// GETs that ended (a response, an error or the timeout) before the cancellation.
    pub completed: usize,
    /// GETs in flight when the cancellation came, cut short by it.
    pub cancelled: usize,
    /// URLs never fetched: left in the input, in the jobs channel, or taken by a worker that
    /// saw the cancellation before its GET.
    pub never_started: usize,
}

pub trait CancellablePool: Sync {
    /// Task 3's `fetch_all` (see [`super::task03_url_fetcher::UrlFetcher::fetch_all`]: the
    /// pool, the probe around each GET, the timeout, the log line, each result emitted once on
    /// the calling task), cancellable: it stops when `token` is cancelled, or when
    /// `cfg.cancel_after` has passed since the call (the pool's own deadline: a child token, or
    /// a timer that cancels, on the runtime's clock).
    ///
    /// Once cancelled: the producer takes no more URLs from `urls`; no worker starts a GET; every
    /// GET in flight is dropped at once (`tokio::select!` on `token.cancelled()` around the GET:
    /// the client closes its connection, and the server records the request as abandoned); the
    /// consumer stops reading (a `select!` may still take the few results it finds ready beside
    /// the cancel, never the whole buffer), and results not yet
    /// emitted are dropped (a worker waiting to send one sees the cancellation too); the call
    /// returns once every task it
    /// spawned has ended. Each within a tick of the cancellation, on virtual time. A GET cut short
    /// is not emitted, and not logged as a failure.
    ///
    /// Returns the stretch's [`CancelStats`] (or `Err(PoolError::NotAttempted)` when the
    /// stretch is not attempted). A run that ends before any cancellation returns every URL as
    /// completed. Refuses zero workers ([`PoolError::ZeroWorkers`]) and no URLs
    /// ([`PoolError::EmptyInput`]) at once.
    ///
    /// Measured, at the servers and the harness's side of the jobs: when the last URL was taken,
    /// the last GET started and each request in flight was abandoned, against the cancellation's
    /// instant; the stats against the requests the servers answered and saw abandoned.
    ///
    /// Details the suite holds a solution to:
    /// - `urls.len()` is how many URLs are left, without taking them (exact, and kept by a
    ///   `Peekable`): what never started is counted from it;
    /// - a token already cancelled when the call begins: nothing is fetched, and every URL is
    ///   never started (taking one URL to see whether the input is empty is fine);
    /// - the pool's own deadline is `cfg.cancel_after`, not the seed's 10 s;
    /// - the suite gives this task buffers of at least 1.
    fn fetch_all<'a>(
        &'a self,
        cfg: CancelConfig,
        urls: Jobs<String>,
        probe: Probe<String>,
        client: HttpClient,
        token: CancellationToken,
        emit: &'a mut Sink<Fetched>,
    ) -> LocalFuture<'a, Result<CancelStats, PoolError>>;
}
