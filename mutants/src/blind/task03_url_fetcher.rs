//! Blind mutants of Task 3, URL Fetcher (see `super`): each is a whole solution of the
//! [`UrlFetcher`] contract with one planted defect, written from the course and the contract
//! alone.
//!
//! The shared helpers at the top are correct (a bounded async channel that also does the
//! rendezvous of a buffer of 0, the refusals, the producer, one timed GET inside the probe, the
//! worker loop and the stretch's tally); each mutant either plugs one wrong piece into the correct
//! skeleton ([`run_pool`], driven by a [`Knobs`] table) or writes its own pool around the correct
//! pieces.

use crate::Mutant;
use harness::contracts::task03_url_fetcher::{
    FetchConfig, FetchStats, Fetched, LocalFuture, Page, UrlFetcher,
};
use harness::contracts::{PoolConfig, PoolError, Solution};
use harness::net::{HttpClient, Page as Response};
use harness::probe::{Jobs, Probe};
use harness::sink::Sink;
use harness::Check;
use std::collections::HashSet;
use std::future::Future;
use std::iter::Peekable;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot, Mutex, Semaphore};
use tokio::task::{JoinError, JoinSet};
use tokio::time::Instant;

// ---------------------------------------------------------------------------------------------
// Correct building blocks.
// ---------------------------------------------------------------------------------------------

/// A future that can be handed to `tokio::spawn`.
type SendFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;
/// The URLs left once the refusals have looked at the first one.
type Urls = Peekable<Jobs<String>>;
/// Set on a value sent through a rendezvous channel: the receiver answers it once it took it.
type Ack = Option<oneshot::Sender<()>>;

/// The sending half of [`channel`].
enum Tx<T> {
    Bounded {
        tx: mpsc::Sender<(T, Ack)>,
        rendezvous: bool,
    },
    Unbounded(mpsc::UnboundedSender<(T, Ack)>),
}

impl<T> Clone for Tx<T> {
    fn clone(&self) -> Self {
        match self {
            Tx::Bounded { tx, rendezvous } => Tx::Bounded {
                tx: tx.clone(),
                rendezvous: *rendezvous,
            },
            Tx::Unbounded(tx) => Tx::Unbounded(tx.clone()),
        }
    }
}

impl<T> Tx<T> {
    /// Sends `value`, waiting for room (for a rendezvous, until the receiver took it); false once
    /// the receiver is gone.
    async fn send(&self, value: T) -> bool {
        match self {
            Tx::Unbounded(tx) => tx.send((value, None)).is_ok(),
            Tx::Bounded {
                tx,
                rendezvous: false,
            } => tx.send((value, None)).await.is_ok(),
            Tx::Bounded {
                tx,
                rendezvous: true,
            } => {
                let (ack, taken) = oneshot::channel();
                tx.send((value, Some(ack))).await.is_ok() && taken.await.is_ok()
            }
        }
    }
}

/// The receiving half of [`channel`].
enum Rx<T> {
    Bounded(mpsc::Receiver<(T, Ack)>),
    Unbounded(mpsc::UnboundedReceiver<(T, Ack)>),
}

impl<T> Rx<T> {
    /// The next value; `None` once every sender is gone and the channel is empty.
    async fn recv(&mut self) -> Option<T> {
        let (value, ack) = match self {
            Rx::Bounded(rx) => rx.recv().await?,
            Rx::Unbounded(rx) => rx.recv().await?,
        };
        if let Some(ack) = ack {
            let _ = ack.send(());
        }
        Some(value)
    }
}

/// A channel of `cap` (`None`: unbounded). tokio's `mpsc::channel(0)` panics, so a capacity of 0
/// is a channel of one whose every send also waits for the receiver to take the value: a
/// rendezvous, as the contract's buffer of 0 asks.
fn channel<T>(cap: Option<usize>) -> (Tx<T>, Rx<T>) {
    match cap {
        None => {
            let (tx, rx) = mpsc::unbounded_channel();
            (Tx::Unbounded(tx), Rx::Unbounded(rx))
        }
        Some(cap) => {
            let (tx, rx) = mpsc::channel(cap.max(1));
            (
                Tx::Bounded {
                    tx,
                    rendezvous: cap == 0,
                },
                Rx::Bounded(rx),
            )
        }
    }
}

/// A URL on its way to a worker, stamped when the producer took it.
struct Queued {
    url: String,
    at: Instant,
}

/// Everything one GET needs.
struct Job {
    worker: usize,
    url: String,
    queued: Instant,
    probe: Probe<String>,
    client: HttpClient,
    timeout: Duration,
}

/// Fetches one URL: the GET inside the probe, its failure logged.
type FetchFn = fn(Job) -> SendFuture<Fetched>;

/// One worker task's share of the pool.
struct Worker {
    id: usize,
    jobs: Arc<Mutex<Rx<Queued>>>,
    results: Tx<Fetched>,
    probe: Probe<String>,
    client: HttpClient,
    timeout: Duration,
    /// A cap on GETs in flight across the pool, where one is planted.
    cap: Option<Arc<Semaphore>>,
    fetch: FetchFn,
}

impl Worker {
    fn job(&self, queued: Queued) -> Job {
        Job {
            worker: self.id,
            url: queued.url,
            queued: queued.at,
            probe: self.probe.clone(),
            client: self.client.clone(),
            timeout: self.timeout,
        }
    }
}

/// The contract's refusals, before anything starts: zero workers, then no URLs.
fn refuse(cfg: &FetchConfig, urls: Jobs<String>) -> Result<Urls, PoolError> {
    if cfg.pool.workers == 0 {
        return Err(PoolError::ZeroWorkers);
    }
    let mut urls = urls.peekable();
    if urls.peek().is_none() {
        return Err(PoolError::EmptyInput);
    }
    Ok(urls)
}

/// Feeds every URL into the jobs channel, then closes it by dropping the sender.
fn produce(urls: Urls, jobs: Tx<Queued>) -> SendFuture<()> {
    Box::pin(async move {
        for url in urls {
            let queued = Queued {
                url,
                at: Instant::now(),
            };
            if !jobs.send(queued).await {
                break;
            }
        }
    })
}

/// A response as the task reports it.
fn page(response: Response, latency: Duration) -> Page {
    Page {
        status: response.status,
        bytes: response.body.len(),
        latency,
    }
}

/// One GET of `url` under `timeout`, body included, its latency on the runtime's clock.
async fn timed_get(client: &HttpClient, url: &str, timeout: Duration) -> Result<Page, String> {
    let start = Instant::now();
    match tokio::time::timeout(timeout, client.get(url)).await {
        Ok(Ok(response)) => Ok(page(response, start.elapsed())),
        Ok(Err(e)) => Err(e.to_string()),
        Err(elapsed) => Err(elapsed.to_string()),
    }
}

/// Logs a failure as the seed asks and wraps the outcome for `emit`.
fn logged(url: String, outcome: Result<Page, String>) -> Fetched {
    if let Err(err) = &outcome {
        tracing::warn!("URL {url}: error {err}");
    }
    Fetched { url, outcome }
}

/// The correct fetch: the timed GET inside `probe.run_async(url, ...)`.
fn fetch(job: Job) -> SendFuture<Fetched> {
    Box::pin(async move {
        let get = timed_get(&job.client, &job.url, job.timeout);
        let outcome = job.probe.run_async(job.url.clone(), get).await;
        logged(job.url, outcome)
    })
}

/// The correct worker: takes a URL (the lock held only for the take), fetches it, sends the
/// result, until the jobs channel is closed and empty.
fn work(w: Worker) -> SendFuture<()> {
    Box::pin(async move {
        loop {
            let next = w.jobs.lock().await.recv().await;
            let Some(queued) = next else { break };
            let fetched = (w.fetch)(w.job(queued)).await;
            if !w.results.send(fetched).await {
                break;
            }
        }
    })
}

/// The stretch's running totals.
#[derive(Clone, Copy, Default)]
struct Tally {
    urls: u64,
    failed: u64,
    responses: u32,
    bytes: u64,
    latency: Duration,
}

fn tally(t: &mut Tally, fetched: &Fetched) {
    t.urls += 1;
    match &fetched.outcome {
        Ok(page) => {
            t.responses += 1;
            t.bytes += page.bytes as u64;
            t.latency += page.latency;
        }
        Err(_) => t.failed += 1,
    }
}

fn stats(t: &Tally) -> FetchStats {
    FetchStats {
        total_bytes: t.bytes,
        mean_latency: if t.responses == 0 {
            Duration::ZERO
        } else {
            t.latency / t.responses
        },
        error_rate: if t.urls == 0 {
            0.0
        } else {
            t.failed as f64 / t.urls as f64
        },
    }
}

fn panicked(e: JoinError) -> PoolError {
    PoolError::JobPanicked(e.to_string())
}

/// Joins every task of `set`, all of them even after a panic; the first panic is the error.
async fn join_all(mut set: JoinSet<()>) -> Result<(), PoolError> {
    let mut first = Ok(());
    while let Some(joined) = set.join_next().await {
        if let Err(e) = joined {
            if first.is_ok() {
                first = Err(panicked(e));
            }
        }
    }
    first
}

/// `cfg.pool.workers` correct workers on `jobs`, each with a clone of `results` (which goes).
fn crew(
    cfg: &FetchConfig,
    jobs: Rx<Queued>,
    results: Tx<Fetched>,
    probe: &Probe<String>,
    client: &HttpClient,
) -> Vec<Worker> {
    let jobs = Arc::new(Mutex::new(jobs));
    (0..cfg.pool.workers)
        .map(|id| Worker {
            id,
            jobs: jobs.clone(),
            results: results.clone(),
            probe: probe.clone(),
            client: client.clone(),
            timeout: cfg.timeout,
            cap: None,
            fetch,
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The correct skeleton, and the table of pieces a mutant swaps.
// ---------------------------------------------------------------------------------------------

type Size = fn(&PoolConfig) -> usize;
type Buffer = fn(&PoolConfig) -> Option<usize>;

/// The pieces of [`run_pool`]; [`CORRECT`] is right everywhere.
#[derive(Clone, Copy)]
struct Knobs {
    refuse: fn(&FetchConfig, Jobs<String>) -> Result<Urls, PoolError>,
    workers: Size,
    jobs_buffer: Buffer,
    results_buffer: Size,
    /// A semaphore on GETs in flight (`None`: none).
    in_flight: Buffer,
    produce: fn(Urls, Tx<Queued>) -> SendFuture<()>,
    worker: fn(Worker) -> SendFuture<()>,
    fetch: FetchFn,
    tally: fn(&mut Tally, &Fetched),
    stats: fn(&Tally) -> FetchStats,
}

fn workers_cfg(p: &PoolConfig) -> usize {
    p.workers
}
fn jobs_cfg(p: &PoolConfig) -> Option<usize> {
    Some(p.jobs_buffer)
}
fn results_cfg(p: &PoolConfig) -> usize {
    p.results_buffer
}
fn no_cap(_: &PoolConfig) -> Option<usize> {
    None
}

const CORRECT: Knobs = Knobs {
    refuse,
    workers: workers_cfg,
    jobs_buffer: jobs_cfg,
    results_buffer: results_cfg,
    in_flight: no_cap,
    produce,
    worker: work,
    fetch,
    tally,
    stats,
};

/// The pool: refusals, `workers` tasks on a shared jobs receiver, a spawned producer, the
/// consumer (`emit`) on the calling task, every task joined before the stats are returned.
async fn run_pool(
    k: &'static Knobs,
    cfg: FetchConfig,
    urls: Jobs<String>,
    probe: Probe<String>,
    client: HttpClient,
    emit: &mut Sink<Fetched>,
) -> Result<FetchStats, PoolError> {
    let urls = (k.refuse)(&cfg, urls)?;
    let (job_tx, job_rx) = channel((k.jobs_buffer)(&cfg.pool));
    let (res_tx, mut res_rx) = channel(Some((k.results_buffer)(&cfg.pool)));
    let jobs = Arc::new(Mutex::new(job_rx));
    let cap = (k.in_flight)(&cfg.pool).map(|n| Arc::new(Semaphore::new(n)));
    let mut workers = JoinSet::new();
    for id in 0..(k.workers)(&cfg.pool) {
        workers.spawn((k.worker)(Worker {
            id,
            jobs: jobs.clone(),
            results: res_tx.clone(),
            probe: probe.clone(),
            client: client.clone(),
            timeout: cfg.timeout,
            cap: cap.clone(),
            fetch: k.fetch,
        }));
    }
    drop((jobs, res_tx));
    let producer = tokio::spawn((k.produce)(urls, job_tx));
    let mut totals = Tally::default();
    while let Some(fetched) = res_rx.recv().await {
        (k.tally)(&mut totals, &fetched);
        emit.emit(fetched).await;
    }
    let ended = join_all(workers).await;
    let produced = producer.await.map_err(panicked);
    ended?;
    produced?;
    Ok((k.stats)(&totals))
}

/// Declares one mutant: its type, its static, its name and either the knobs it plants in
/// [`run_pool`] or the pool function it runs instead.
macro_rules! solution {
    ($(#[$doc:meta])* $ty:ident, $st:ident, $name:literal, knobs: $knobs:expr) => {
        solution!(@impl $(#[$doc])* $ty, $st, $name, |cfg, urls, probe, client, emit| {
            static KNOBS: Knobs = $knobs;
            Box::pin(run_pool(&KNOBS, cfg, urls, probe, client, emit))
        });
    };
    ($(#[$doc:meta])* $ty:ident, $st:ident, $name:literal, pool: $pool:path) => {
        solution!(@impl $(#[$doc])* $ty, $st, $name, |cfg, urls, probe, client, emit| {
            Box::pin($pool(cfg, urls, probe, client, emit))
        });
    };
    (@impl $(#[$doc:meta])* $ty:ident, $st:ident, $name:literal,
        |$cfg:ident, $urls:ident, $probe:ident, $client:ident, $emit:ident| $body:block) => {
        $(#[$doc])*
        pub struct $ty;

        static $st: $ty = $ty;

        impl UrlFetcher for $ty {
            fn fetch_all<'a>(
                &'a self,
                $cfg: FetchConfig,
                $urls: Jobs<String>,
                $probe: Probe<String>,
                $client: HttpClient,
                $emit: &'a mut Sink<Fetched>,
            ) -> LocalFuture<'a, Result<FetchStats, PoolError>> $body
        }

        impl Solution for $ty {
            fn name(&self) -> &str {
                concat!("task03_url_fetcher::blind_", $name)
            }
            fn task03(&self) -> Option<&dyn UrlFetcher> {
                Some(self)
            }
        }
    };
}

// ---------------------------------------------------------------------------------------------
// Timeouts.
// ---------------------------------------------------------------------------------------------

fn fetch_no_timeout(job: Job) -> SendFuture<Fetched> {
    Box::pin(async move {
        let outcome = job
            .probe
            .run_async(job.url.clone(), async {
                let start = Instant::now();
                // The client has its own timeouts, surely.
                match job.client.get(&job.url).await {
                    Ok(response) => Ok(page(response, start.elapsed())),
                    Err(e) => Err(e.to_string()),
                }
            })
            .await;
        logged(job.url, outcome)
    })
}

solution!(
    /// Awaits the GET with no timeout at all, so a server that never answers holds its worker
    /// (and the call) forever.
    ///
    /// Blame: requirement
    NoTimeout, NO_TIMEOUT, "no_timeout",
    knobs: Knobs { fetch: fetch_no_timeout, ..CORRECT }
);

/// The seed's number, written down once.
const SEED_TIMEOUT: Duration = Duration::from_secs(5);

fn fetch_seed_timeout(job: Job) -> SendFuture<Fetched> {
    Box::pin(async move {
        let get = timed_get(&job.client, &job.url, SEED_TIMEOUT);
        let outcome = job.probe.run_async(job.url.clone(), get).await;
        logged(job.url, outcome)
    })
}

solution!(
    /// Times every GET out at the seed's 5 s constant instead of `cfg.timeout`.
    ///
    /// Blame: requirement
    TimeoutHardcodedSeed, TIMEOUT_HARDCODED_SEED, "timeout_hardcoded_seed",
    knobs: Knobs { fetch: fetch_seed_timeout, ..CORRECT }
);

fn fetch_deadline_from_queue(job: Job) -> SendFuture<Fetched> {
    Box::pin(async move {
        let deadline = job.queued + job.timeout;
        let outcome = job
            .probe
            .run_async(job.url.clone(), async {
                let start = Instant::now();
                match tokio::time::timeout_at(deadline, job.client.get(&job.url)).await {
                    Ok(Ok(response)) => Ok(page(response, start.elapsed())),
                    Ok(Err(e)) => Err(e.to_string()),
                    Err(elapsed) => Err(elapsed.to_string()),
                }
            })
            .await;
        logged(job.url, outcome)
    })
}

solution!(
    /// Gives each URL its timeout from the moment the producer queued it, so time spent waiting in
    /// the jobs channel is taken off the GET's own allowance.
    ///
    /// Blame: requirement
    DeadlineFromQueue, DEADLINE_FROM_QUEUE, "deadline_from_queue",
    knobs: Knobs { fetch: fetch_deadline_from_queue, ..CORRECT }
);

/// A worker that works out its deadline once, before its loop, and reuses it for every GET.
fn work_deadline_hoisted(w: Worker) -> SendFuture<()> {
    Box::pin(async move {
        let deadline = Instant::now() + w.timeout;
        loop {
            let next = w.jobs.lock().await.recv().await;
            let Some(queued) = next else { break };
            let job = w.job(queued);
            let outcome = job
                .probe
                .run_async(job.url.clone(), async {
                    let start = Instant::now();
                    match tokio::time::timeout_at(deadline, job.client.get(&job.url)).await {
                        Ok(Ok(response)) => Ok(page(response, start.elapsed())),
                        Ok(Err(e)) => Err(e.to_string()),
                        Err(elapsed) => Err(elapsed.to_string()),
                    }
                })
                .await;
            if !w.results.send(logged(job.url, outcome)).await {
                break;
            }
        }
    })
}

solution!(
    /// Computes each worker's deadline once before its loop, so after `timeout` of running every
    /// later GET of that worker fails at once.
    ///
    /// Blame: requirement
    DeadlineHoistedPerWorker, DEADLINE_HOISTED_PER_WORKER, "deadline_hoisted_per_worker",
    knobs: Knobs { worker: work_deadline_hoisted, ..CORRECT }
);

fn fetch_timeout_on_handle(job: Job) -> SendFuture<Fetched> {
    Box::pin(async move {
        let outcome = job
            .probe
            .run_async(job.url.clone(), async {
                let start = Instant::now();
                let (client, url) = (job.client.clone(), job.url.clone());
                let request = tokio::spawn(async move { client.get(&url).await });
                match tokio::time::timeout(job.timeout, request).await {
                    Ok(Ok(Ok(response))) => Ok(page(response, start.elapsed())),
                    Ok(Ok(Err(e))) => Err(e.to_string()),
                    Ok(Err(join)) => Err(join.to_string()),
                    Err(elapsed) => Err(elapsed.to_string()),
                }
            })
            .await;
        logged(job.url, outcome)
    })
}

solution!(
    /// Runs each GET on its own spawned task and times out the `JoinHandle`, which only detaches
    /// the task: a timed-out GET keeps its connection and keeps running, after the call returns too.
    ///
    /// Blame: no_leaks
    TimeoutOnSpawnedHandle, TIMEOUT_ON_SPAWNED_HANDLE, "timeout_on_spawned_handle",
    knobs: Knobs { fetch: fetch_timeout_on_handle, ..CORRECT }
);

fn fetch_std_clock(job: Job) -> SendFuture<Fetched> {
    Box::pin(async move {
        let outcome = job
            .probe
            .run_async(job.url.clone(), async {
                let start = std::time::Instant::now();
                match tokio::time::timeout(job.timeout, job.client.get(&job.url)).await {
                    Ok(Ok(response)) => Ok(page(response, start.elapsed())),
                    Ok(Err(e)) => Err(e.to_string()),
                    Err(elapsed) => Err(elapsed.to_string()),
                }
            })
            .await;
        logged(job.url, outcome)
    })
}

solution!(
    /// Measures latency with `std::time::Instant`, the wall clock, instead of the runtime's
    /// `tokio::time::Instant`, so on virtual time every latency is wrong.
    ///
    /// Blame: requirement
    LatencyOnStdClock, LATENCY_ON_STD_CLOCK, "latency_on_std_clock",
    knobs: Knobs { fetch: fetch_std_clock, ..CORRECT }
);

// ---------------------------------------------------------------------------------------------
// Errors.
// ---------------------------------------------------------------------------------------------

fn fetch_unlogged(job: Job) -> SendFuture<Fetched> {
    Box::pin(async move {
        let get = timed_get(&job.client, &job.url, job.timeout);
        let outcome = job.probe.run_async(job.url.clone(), get).await;
        // The caller gets the error in `Fetched`, that is enough.
        Fetched {
            url: job.url,
            outcome,
        }
    })
}

solution!(
    /// Emits each failure with its error but never logs it.
    ///
    /// Blame: errors_handled
    ErrorNotLogged, ERROR_NOT_LOGGED, "error_not_logged",
    knobs: Knobs { fetch: fetch_unlogged, ..CORRECT }
);

fn fetch_logs_debug(job: Job) -> SendFuture<Fetched> {
    Box::pin(async move {
        let url = job.url.clone();
        let outcome = job
            .probe
            .run_async(job.url.clone(), async {
                let start = Instant::now();
                match tokio::time::timeout(job.timeout, job.client.get(&url)).await {
                    Ok(Ok(response)) => Ok(page(response, start.elapsed())),
                    Ok(Err(e)) => {
                        tracing::warn!("URL {url}: error {e:?}");
                        Err(e.to_string())
                    }
                    Err(elapsed) => {
                        tracing::warn!("URL {url}: error {elapsed:?}");
                        Err(elapsed.to_string())
                    }
                }
            })
            .await;
        Fetched { url, outcome }
    })
}

solution!(
    /// Logs each failure with the error's `Debug` (`Connect("...")`, `Elapsed(())`) where the seed's
    /// `%v` is its `Display`.
    ///
    /// Blame: errors_handled
    ErrorLoggedWithDebug, ERROR_LOGGED_WITH_DEBUG, "error_logged_with_debug",
    knobs: Knobs { fetch: fetch_logs_debug, ..CORRECT }
);

fn fetch_timeout_unlogged(job: Job) -> SendFuture<Fetched> {
    Box::pin(async move {
        let url = job.url.clone();
        let outcome = job
            .probe
            .run_async(job.url.clone(), async {
                let start = Instant::now();
                match tokio::time::timeout(job.timeout, job.client.get(&url)).await {
                    Ok(Ok(response)) => Ok(page(response, start.elapsed())),
                    Ok(Err(e)) => {
                        tracing::warn!("URL {url}: error {e}");
                        Err(e.to_string())
                    }
                    Err(elapsed) => Err(elapsed.to_string()),
                }
            })
            .await;
        Fetched { url, outcome }
    })
}

solution!(
    /// Logs the client's errors but not a timeout, which is emitted as an error without a log line.
    ///
    /// Blame: errors_handled
    TimeoutNotLogged, TIMEOUT_NOT_LOGGED, "timeout_not_logged",
    knobs: Knobs { fetch: fetch_timeout_unlogged, ..CORRECT }
);

fn fetch_logs_http_errors(job: Job) -> SendFuture<Fetched> {
    Box::pin(async move {
        let get = timed_get(&job.client, &job.url, job.timeout);
        let outcome = job.probe.run_async(job.url.clone(), get).await;
        if let Ok(page) = &outcome {
            if page.status >= 400 {
                tracing::warn!("URL {}: error {}", job.url, page.status);
            }
        }
        logged(job.url, outcome)
    })
}

solution!(
    /// Also logs `URL <url>: error <status>` for every 4xx and 5xx response, which the contract
    /// says is a response, not an error.
    ///
    /// Blame: errors_handled
    HttpStatusLogged, HTTP_STATUS_LOGGED, "http_status_logged",
    knobs: Knobs { fetch: fetch_logs_http_errors, ..CORRECT }
);

fn fetch_http_status_is_error(job: Job) -> SendFuture<Fetched> {
    Box::pin(async move {
        let get = timed_get(&job.client, &job.url, job.timeout);
        let outcome = match job.probe.run_async(job.url.clone(), get).await {
            Ok(page) if page.status >= 400 => Err(format!("HTTP {}", page.status)),
            other => other,
        };
        logged(job.url, outcome)
    })
}

solution!(
    /// Turns every 4xx and 5xx response into a failure (`Err("HTTP 404")`, logged), losing its
    /// status and body length.
    ///
    /// Blame: requirement
    HttpStatusIsError, HTTP_STATUS_IS_ERROR, "http_status_is_error",
    knobs: Knobs { fetch: fetch_http_status_is_error, ..CORRECT }
);

/// A worker that only sends what it fetched; failures were logged already.
fn work_drops_failures(w: Worker) -> SendFuture<()> {
    Box::pin(async move {
        loop {
            let next = w.jobs.lock().await.recv().await;
            let Some(queued) = next else { break };
            let fetched = (w.fetch)(w.job(queued)).await;
            if fetched.outcome.is_err() {
                continue;
            }
            if !w.results.send(fetched).await {
                break;
            }
        }
    })
}

solution!(
    /// Logs a failed URL but never emits it, so failures are missing from the results (and from
    /// the error rate).
    ///
    /// Blame: requirement
    FailedUrlNotEmitted, FAILED_URL_NOT_EMITTED, "failed_url_not_emitted",
    knobs: Knobs { worker: work_drops_failures, ..CORRECT }
);

/// A worker that returns once it has reported its first failure.
fn work_stops_on_error(w: Worker) -> SendFuture<()> {
    Box::pin(async move {
        loop {
            let next = w.jobs.lock().await.recv().await;
            let Some(queued) = next else { break };
            let fetched = (w.fetch)(w.job(queued)).await;
            let failed = fetched.outcome.is_err();
            if !w.results.send(fetched).await || failed {
                return;
            }
        }
    })
}

solution!(
    /// Each worker returns after its first failed GET, so every failure shrinks the pool and once
    /// all have failed the URLs still queued are never fetched.
    ///
    /// Blame: errors_handled
    WorkerStopsOnFirstError, WORKER_STOPS_ON_FIRST_ERROR, "worker_stops_on_first_error",
    knobs: Knobs { worker: work_stops_on_error, ..CORRECT }
);

// ---------------------------------------------------------------------------------------------
// Sizes.
// ---------------------------------------------------------------------------------------------

fn workers_cpu(_: &PoolConfig) -> usize {
    PoolConfig::num_cpu()
}

solution!(
    /// Sizes the pool from the machine's CPU count instead of `cfg.pool.workers`.
    ///
    /// Blame: pool_size
    WorkersFromCpuCount, WORKERS_FROM_CPU_COUNT, "workers_from_cpu_count",
    knobs: Knobs { workers: workers_cpu, ..CORRECT }
);

fn workers_eight(_: &PoolConfig) -> usize {
    8
}

solution!(
    /// Starts the seed's 8 workers whatever `cfg.pool.workers` says.
    ///
    /// Blame: pool_size
    WorkersHardcoded8, WORKERS_HARDCODED_8, "workers_hardcoded_8",
    knobs: Knobs { workers: workers_eight, ..CORRECT }
);

fn workers_one_short(p: &PoolConfig) -> usize {
    // Worker ids from 1, like the log lines.
    (1..p.workers).count()
}

solution!(
    /// Numbers the workers from 1 in `1..workers`, starting one worker too few (none at all for
    /// a pool of one, which then returns without fetching anything).
    ///
    /// Blame: pool_size
    OneWorkerShort, ONE_WORKER_SHORT, "one_worker_short",
    knobs: Knobs { workers: workers_one_short, ..CORRECT }
);

/// A worker whose `while let` keeps the jobs lock's guard alive through the whole loop body.
fn work_guard_held(w: Worker) -> SendFuture<()> {
    Box::pin(async move {
        while let Some(queued) = w.jobs.lock().await.recv().await {
            let fetched = (w.fetch)(w.job(queued)).await;
            if !w.results.send(fetched).await {
                break;
            }
        }
    })
}

solution!(
    /// Takes jobs with `while let Some(url) = jobs.lock().await.recv().await`, whose guard lives
    /// to the end of the loop body: the lock is held across the GET and one request runs at a time.
    ///
    /// Blame: pool_size
    LockHeldAcrossGet, LOCK_HELD_ACROSS_GET, "lock_held_across_get",
    knobs: Knobs { worker: work_guard_held, ..CORRECT }
);

fn cap_jobs_buffer(p: &PoolConfig) -> Option<usize> {
    Some(p.jobs_buffer.max(1))
}

/// The correct worker, but each GET first takes a permit from the pool's semaphore.
fn work_capped(w: Worker) -> SendFuture<()> {
    Box::pin(async move {
        loop {
            let next = w.jobs.lock().await.recv().await;
            let Some(queued) = next else { break };
            let permit = match &w.cap {
                Some(cap) => cap.clone().acquire_owned().await.ok(),
                None => None,
            };
            let fetched = (w.fetch)(w.job(queued)).await;
            drop(permit);
            if !w.results.send(fetched).await {
                break;
            }
        }
    })
}

solution!(
    /// Caps GETs in flight with a semaphore sized from the jobs buffer rather than the worker
    /// count, so fewer than `workers` requests run at once when the buffer is smaller.
    ///
    /// Blame: pool_size
    SemaphoreFromJobsBuffer, SEMAPHORE_FROM_JOBS_BUFFER, "semaphore_from_jobs_buffer",
    knobs: Knobs { in_flight: cap_jobs_buffer, worker: work_capped, ..CORRECT }
);

fn jobs_unbounded(_: &PoolConfig) -> Option<usize> {
    None
}

solution!(
    /// Feeds the workers through an unbounded jobs channel, so the producer takes every URL at once.
    ///
    /// Blame: buffer_size
    UnboundedJobs, UNBOUNDED_JOBS, "unbounded_jobs",
    knobs: Knobs { jobs_buffer: jobs_unbounded, ..CORRECT }
);

fn results_from_jobs(p: &PoolConfig) -> usize {
    p.jobs_buffer
}

solution!(
    /// Sizes the results channel with `jobs_buffer` (copy-paste of the line above).
    ///
    /// Blame: buffer_size
    ResultsBufferFromJobs, RESULTS_BUFFER_FROM_JOBS, "results_buffer_from_jobs",
    knobs: Knobs { results_buffer: results_from_jobs, ..CORRECT }
);

/// Every result gathered into a `Vec` first, then emitted once the pool is done.
async fn pool_collect_then_emit(
    cfg: FetchConfig,
    urls: Jobs<String>,
    probe: Probe<String>,
    client: HttpClient,
    emit: &mut Sink<Fetched>,
) -> Result<FetchStats, PoolError> {
    let urls = refuse(&cfg, urls)?;
    let (job_tx, job_rx) = channel(Some(cfg.pool.jobs_buffer));
    let (res_tx, mut res_rx) = channel(Some(cfg.pool.results_buffer));
    let mut workers = JoinSet::new();
    for w in crew(&cfg, job_rx, res_tx, &probe, &client) {
        workers.spawn(work(w));
    }
    let producer = tokio::spawn(produce(urls, job_tx));
    let mut all = Vec::new();
    while let Some(fetched) = res_rx.recv().await {
        all.push(fetched);
    }
    join_all(workers).await?;
    producer.await.map_err(panicked)?;
    let mut totals = Tally::default();
    for fetched in all {
        tally(&mut totals, &fetched);
        emit.emit(fetched).await;
    }
    Ok(stats(&totals))
}

solution!(
    /// Drains the results channel into a `Vec` and emits only after the pool is done: an
    /// unbounded buffer behind the bounded results channel.
    ///
    /// Blame: buffer_size
    ResultsCollectedBeforeEmit, RESULTS_COLLECTED_BEFORE_EMIT, "results_collected_before_emit",
    pool: pool_collect_then_emit
);

// ---------------------------------------------------------------------------------------------
// Lifetimes.
// ---------------------------------------------------------------------------------------------

/// The calling task keeps its own jobs sender, so the jobs channel never closes; the consumer
/// stops by counting, and the workers are never joined.
async fn pool_jobs_never_closed(
    cfg: FetchConfig,
    urls: Jobs<String>,
    probe: Probe<String>,
    client: HttpClient,
    emit: &mut Sink<Fetched>,
) -> Result<FetchStats, PoolError> {
    let urls = refuse(&cfg, urls)?;
    let (job_tx, job_rx) = channel(Some(cfg.pool.jobs_buffer));
    let (res_tx, mut res_rx) = channel(Some(cfg.pool.results_buffer));
    let mut handles = Vec::new();
    for w in crew(&cfg, job_rx, res_tx, &probe, &client) {
        handles.push(tokio::spawn(work(w)));
    }
    let jobs = job_tx.clone();
    let mut producer = tokio::spawn(async move {
        let mut sent = 0usize;
        for url in urls {
            let queued = Queued {
                url,
                at: Instant::now(),
            };
            if !jobs.send(queued).await {
                break;
            }
            sent += 1;
        }
        sent
    });
    let (mut got, mut sent) = (0usize, None);
    let mut totals = Tally::default();
    while sent != Some(got) {
        tokio::select! {
            n = &mut producer, if sent.is_none() => sent = Some(n.map_err(panicked)?),
            Some(fetched) = res_rx.recv() => {
                got += 1;
                tally(&mut totals, &fetched);
                emit.emit(fetched).await;
            }
        }
    }
    Ok(stats(&totals))
}

solution!(
    /// Never closes the jobs channel (the calling task keeps a sender), so it stops the consumer
    /// by counting and returns without joining the workers, still parked on the jobs channel.
    ///
    /// Blame: all_joined
    JobsNeverClosed, JOBS_NEVER_CLOSED, "jobs_never_closed",
    pool: pool_jobs_never_closed
);

/// Sends every URL from the calling task, then reads the results.
async fn pool_one_task(
    cfg: FetchConfig,
    urls: Jobs<String>,
    probe: Probe<String>,
    client: HttpClient,
    emit: &mut Sink<Fetched>,
) -> Result<FetchStats, PoolError> {
    let urls = refuse(&cfg, urls)?;
    let (job_tx, job_rx) = channel(Some(cfg.pool.jobs_buffer));
    let (res_tx, mut res_rx) = channel(Some(cfg.pool.results_buffer));
    let mut workers = JoinSet::new();
    for w in crew(&cfg, job_rx, res_tx, &probe, &client) {
        workers.spawn(work(w));
    }
    for url in urls {
        let queued = Queued {
            url,
            at: Instant::now(),
        };
        if !job_tx.send(queued).await {
            break;
        }
    }
    drop(job_tx);
    let mut totals = Tally::default();
    while let Some(fetched) = res_rx.recv().await {
        tally(&mut totals, &fetched);
        emit.emit(fetched).await;
    }
    join_all(workers).await?;
    Ok(stats(&totals))
}

solution!(
    /// Produces and consumes on the calling task, sending every URL before reading any result:
    /// with more URLs than both buffers and the workers hold, the workers block on the full
    /// results channel, the producer on the full jobs channel, and the call never returns.
    ///
    /// Blame: graceful_shutdown
    ProducerAndConsumerOneTask, PRODUCER_AND_CONSUMER_ONE_TASK, "producer_and_consumer_one_task",
    pool: pool_one_task
);

// ---------------------------------------------------------------------------------------------
// Refusals and inputs.
// ---------------------------------------------------------------------------------------------

fn refuse_empty_only(_: &FetchConfig, urls: Jobs<String>) -> Result<Urls, PoolError> {
    let mut urls = urls.peekable();
    if urls.peek().is_none() {
        return Err(PoolError::EmptyInput);
    }
    Ok(urls)
}

solution!(
    /// Never checks for zero workers: it takes a URL, starts no worker, and returns `Ok` with
    /// nothing fetched instead of `ZeroWorkers`.
    ///
    /// Blame: graceful_shutdown
    ZeroWorkersAccepted, ZERO_WORKERS_ACCEPTED, "zero_workers_accepted",
    knobs: Knobs { refuse: refuse_empty_only, ..CORRECT }
);

fn refuse_zero_only(cfg: &FetchConfig, urls: Jobs<String>) -> Result<Urls, PoolError> {
    if cfg.pool.workers == 0 {
        return Err(PoolError::ZeroWorkers);
    }
    Ok(urls.peekable())
}

solution!(
    /// Never checks for an empty list: it starts the pool and returns `Ok` with zeroed stats
    /// instead of `EmptyInput`.
    ///
    /// Blame: graceful_shutdown
    EmptyInputAccepted, EMPTY_INPUT_ACCEPTED, "empty_input_accepted",
    knobs: Knobs { refuse: refuse_zero_only, ..CORRECT }
);

fn produce_valid_only(urls: Urls, jobs: Tx<Queued>) -> SendFuture<()> {
    Box::pin(async move {
        for url in urls {
            if !url.starts_with("http://") && !url.starts_with("https://") {
                tracing::debug!("skipping {url}: not a URL");
                continue;
            }
            let queued = Queued {
                url,
                at: Instant::now(),
            };
            if !jobs.send(queued).await {
                break;
            }
        }
    })
}

solution!(
    /// Filters malformed URLs out in the producer, so a bad URL is neither fetched, logged as the
    /// seed asks, nor emitted with its error.
    ///
    /// Blame: graceful_shutdown
    BadUrlSkippedByProducer, BAD_URL_SKIPPED_BY_PRODUCER, "bad_url_skipped_by_producer",
    knobs: Knobs { produce: produce_valid_only, ..CORRECT }
);

fn produce_unique(urls: Urls, jobs: Tx<Queued>) -> SendFuture<()> {
    Box::pin(async move {
        let mut seen = HashSet::new();
        for url in urls {
            if !seen.insert(url.clone()) {
                continue;
            }
            let queued = Queued {
                url,
                at: Instant::now(),
            };
            if !jobs.send(queued).await {
                break;
            }
        }
    })
}

solution!(
    /// Skips URLs it has already queued, so a URL listed twice is fetched and emitted once.
    ///
    /// Blame: requirement
    DuplicateUrlsDropped, DUPLICATE_URLS_DROPPED, "duplicate_urls_dropped",
    knobs: Knobs { produce: produce_unique, ..CORRECT }
);

// ---------------------------------------------------------------------------------------------
// The "how".
// ---------------------------------------------------------------------------------------------

fn fetch_outside_probe(job: Job) -> SendFuture<Fetched> {
    Box::pin(async move {
        let outcome = timed_get(&job.client, &job.url, job.timeout).await;
        let outcome = job
            .probe
            .run_async(job.url.clone(), std::future::ready(outcome))
            .await;
        logged(job.url, outcome)
    })
}

solution!(
    /// Does the GET first and then passes its finished outcome through `probe.run_async`, so the
    /// probe brackets no work at all.
    ///
    /// Blame: requirement
    GetOutsideProbe, GET_OUTSIDE_PROBE, "get_outside_probe",
    knobs: Knobs { fetch: fetch_outside_probe, ..CORRECT }
);

fn fetch_keyed_by_worker(job: Job) -> SendFuture<Fetched> {
    Box::pin(async move {
        let key = format!("worker {}: {}", job.worker, job.url);
        let get = timed_get(&job.client, &job.url, job.timeout);
        let outcome = job.probe.run_async(key, get).await;
        logged(job.url, outcome)
    })
}

solution!(
    /// Keys each job in the probe as `worker <id>: <url>` instead of the URL as given.
    ///
    /// Blame: requirement
    ProbeKeyWithWorkerId, PROBE_KEY_WITH_WORKER_ID, "probe_key_with_worker_id",
    knobs: Knobs { fetch: fetch_keyed_by_worker, ..CORRECT }
);

// ---------------------------------------------------------------------------------------------
// Races.
// ---------------------------------------------------------------------------------------------

/// The consumer stops as soon as the last worker has been joined, whatever is still queued.
async fn pool_stop_when_joined(
    cfg: FetchConfig,
    urls: Jobs<String>,
    probe: Probe<String>,
    client: HttpClient,
    emit: &mut Sink<Fetched>,
) -> Result<FetchStats, PoolError> {
    let urls = refuse(&cfg, urls)?;
    let (job_tx, job_rx) = channel(Some(cfg.pool.jobs_buffer));
    let (res_tx, mut res_rx) = channel(Some(cfg.pool.results_buffer));
    let mut workers = JoinSet::new();
    for w in crew(&cfg, job_rx, res_tx, &probe, &client) {
        workers.spawn(work(w));
    }
    let producer = tokio::spawn(produce(urls, job_tx));
    let mut totals = Tally::default();
    loop {
        tokio::select! {
            Some(fetched) = res_rx.recv() => {
                tally(&mut totals, &fetched);
                emit.emit(fetched).await;
            }
            joined = workers.join_next() => match joined {
                Some(result) => result.map_err(panicked)?,
                None => break,
            },
        }
    }
    producer.await.map_err(panicked)?;
    Ok(stats(&totals))
}

solution!(
    /// Selects between the next result and the next joined worker and stops once every worker has
    /// been joined, so results still in the channel at that moment are lost whenever `select!`
    /// picks the join first.
    ///
    /// Blame: requirement
    ConsumerStopsWhenWorkersJoined, CONSUMER_STOPS_WHEN_WORKERS_JOINED,
    "consumer_stops_when_workers_joined",
    pool: pool_stop_when_joined
);

/// Workers keep the stretch's totals in a shared mutex, copied out, updated, and written back
/// after the result is sent.
async fn pool_shared_totals(
    cfg: FetchConfig,
    urls: Jobs<String>,
    probe: Probe<String>,
    client: HttpClient,
    emit: &mut Sink<Fetched>,
) -> Result<FetchStats, PoolError> {
    let urls = refuse(&cfg, urls)?;
    let (job_tx, job_rx) = channel(Some(cfg.pool.jobs_buffer));
    let (res_tx, mut res_rx) = channel(Some(cfg.pool.results_buffer));
    let totals = Arc::new(Mutex::new(Tally::default()));
    let mut workers = JoinSet::new();
    for w in crew(&cfg, job_rx, res_tx, &probe, &client) {
        let totals = totals.clone();
        workers.spawn(async move {
            loop {
                let next = w.jobs.lock().await.recv().await;
                let Some(queued) = next else { break };
                let fetched = (w.fetch)(w.job(queued)).await;
                // Don't hold the lock while sending.
                let mut mine = *totals.lock().await;
                tally(&mut mine, &fetched);
                if !w.results.send(fetched).await {
                    break;
                }
                *totals.lock().await = mine;
            }
        });
    }
    let producer = tokio::spawn(produce(urls, job_tx));
    while let Some(fetched) = res_rx.recv().await {
        emit.emit(fetched).await;
    }
    join_all(workers).await?;
    producer.await.map_err(panicked)?;
    let totals = *totals.lock().await;
    Ok(stats(&totals))
}

solution!(
    /// Workers copy the shared totals out, add their result, send it, then write the copy back:
    /// a read-modify-write across an await, so concurrent updates overwrite each other.
    ///
    /// Blame: stretch
    StatsLostUpdate, STATS_LOST_UPDATE, "stats_lost_update",
    pool: pool_shared_totals
);

// ---------------------------------------------------------------------------------------------
// The stretch.
// ---------------------------------------------------------------------------------------------

fn stats_mean_over_all(t: &Tally) -> FetchStats {
    FetchStats {
        mean_latency: if t.urls == 0 {
            Duration::ZERO
        } else {
            t.latency / t.urls as u32
        },
        ..stats(t)
    }
}

solution!(
    /// Divides the summed latency by every URL instead of the GETs that got a response.
    ///
    /// Blame: stretch
    MeanLatencyOverAllUrls, MEAN_LATENCY_OVER_ALL_URLS, "mean_latency_over_all_urls",
    knobs: Knobs { stats: stats_mean_over_all, ..CORRECT }
);

fn tally_http_errors_failed(t: &mut Tally, fetched: &Fetched) {
    tally(t, fetched);
    if matches!(&fetched.outcome, Ok(page) if page.status >= 400) {
        t.failed += 1;
    }
}

solution!(
    /// Counts 4xx and 5xx responses as failures in the error rate.
    ///
    /// Blame: stretch
    ErrorRateCountsHttpErrors, ERROR_RATE_COUNTS_HTTP_ERRORS, "error_rate_counts_http_errors",
    knobs: Knobs { tally: tally_http_errors_failed, ..CORRECT }
);

fn tally_bytes_of_success(t: &mut Tally, fetched: &Fetched) {
    t.urls += 1;
    match &fetched.outcome {
        Ok(page) => {
            t.responses += 1;
            if (200..300).contains(&page.status) {
                t.bytes += page.bytes as u64;
            }
            t.latency += page.latency;
        }
        Err(_) => t.failed += 1,
    }
}

solution!(
    /// Adds up the bodies of 2xx responses only, leaving the bytes of error pages out of the total.
    ///
    /// Blame: stretch
    BytesOfSuccessOnly, BYTES_OF_SUCCESS_ONLY, "bytes_of_success_only",
    knobs: Knobs { tally: tally_bytes_of_success, ..CORRECT }
);

fn stats_error_rate_over_responses(t: &Tally) -> FetchStats {
    FetchStats {
        error_rate: if t.responses == 0 {
            0.0
        } else {
            t.failed as f64 / f64::from(t.responses)
        },
        ..stats(t)
    }
}

solution!(
    /// Divides the failures by the responses instead of by every URL.
    ///
    /// Blame: stretch
    ErrorRateOverResponses, ERROR_RATE_OVER_RESPONSES, "error_rate_over_responses",
    knobs: Knobs { stats: stats_error_rate_over_responses, ..CORRECT }
);

// ---------------------------------------------------------------------------------------------
// Registration.
// ---------------------------------------------------------------------------------------------

fn entry(solution: &'static dyn Solution, bug: &'static str, breaks: Check) -> Mutant {
    Mutant {
        name: solution.name(),
        bug,
        breaks,
        solution,
    }
}

/// Every blind mutant of this task.
pub fn mutants() -> Vec<Mutant> {
    vec![
        entry(
            &NO_TIMEOUT,
            "I awaited client.get with no timeout; I thought the client had one.",
            Check::Requirement,
        ),
        entry(
            &TIMEOUT_HARDCODED_SEED,
            "I used the task's 5 seconds as a constant instead of cfg.timeout.",
            Check::Requirement,
        ),
        entry(
            &DEADLINE_FROM_QUEUE,
            "I set each URL's deadline when the producer queued it, not when its GET started.",
            Check::Requirement,
        ),
        entry(
            &DEADLINE_HOISTED_PER_WORKER,
            "I computed the deadline once per worker, before its loop, and reused it for every GET.",
            Check::Requirement,
        ),
        entry(
            &TIMEOUT_ON_SPAWNED_HANDLE,
            "I spawned each GET and timed out its JoinHandle, which leaves the GET running.",
            Check::NoLeaks,
        ),
        entry(
            &LATENCY_ON_STD_CLOCK,
            "I measured latency with std::time::Instant instead of tokio's.",
            Check::Requirement,
        ),
        entry(
            &ERROR_NOT_LOGGED,
            "I put the error in the result and never logged it.",
            Check::ErrorsHandled,
        ),
        entry(
            &ERROR_LOGGED_WITH_DEBUG,
            "I logged the error with {:?} instead of {}.",
            Check::ErrorsHandled,
        ),
        entry(
            &TIMEOUT_NOT_LOGGED,
            "I logged the client's errors but forgot the timeout arm.",
            Check::ErrorsHandled,
        ),
        entry(
            &HTTP_STATUS_LOGGED,
            "I also logged an error line for every 4xx and 5xx status.",
            Check::ErrorsHandled,
        ),
        entry(
            &HTTP_STATUS_IS_ERROR,
            "I turned 4xx and 5xx responses into errors.",
            Check::Requirement,
        ),
        entry(
            &FAILED_URL_NOT_EMITTED,
            "My worker skipped sending a failed URL since it was already logged.",
            Check::Requirement,
        ),
        entry(
            &WORKER_STOPS_ON_FIRST_ERROR,
            "My worker returned after its first failed GET.",
            Check::ErrorsHandled,
        ),
        entry(
            &WORKERS_FROM_CPU_COUNT,
            "I sized the pool with the CPU count instead of the config.",
            Check::PoolSize,
        ),
        entry(
            &WORKERS_HARDCODED_8,
            "I started the task's 8 workers whatever the config said.",
            Check::PoolSize,
        ),
        entry(
            &ONE_WORKER_SHORT,
            "I spawned workers for ids 1..workers, one too few.",
            Check::PoolSize,
        ),
        entry(
            &LOCK_HELD_ACROSS_GET,
            "My while-let kept the jobs mutex locked through the GET, so one request ran at a time.",
            Check::PoolSize,
        ),
        entry(
            &SEMAPHORE_FROM_JOBS_BUFFER,
            "I capped requests in flight with a semaphore of jobs_buffer permits.",
            Check::PoolSize,
        ),
        entry(
            &UNBOUNDED_JOBS,
            "I used an unbounded jobs channel.",
            Check::BufferSize,
        ),
        entry(
            &RESULTS_BUFFER_FROM_JOBS,
            "I sized the results channel with jobs_buffer.",
            Check::BufferSize,
        ),
        entry(
            &RESULTS_COLLECTED_BEFORE_EMIT,
            "I collected every result into a Vec and emitted them at the end.",
            Check::BufferSize,
        ),
        entry(
            &JOBS_NEVER_CLOSED,
            "I kept a jobs sender alive, counted results to stop, and never joined the workers.",
            Check::NoLeaks,
        ),
        entry(
            &PRODUCER_AND_CONSUMER_ONE_TASK,
            "I sent every URL from the calling task before reading any result.",
            Check::GracefulShutdown,
        ),
        entry(
            &ZERO_WORKERS_ACCEPTED,
            "I never checked for zero workers.",
            Check::GracefulShutdown,
        ),
        entry(
            &EMPTY_INPUT_ACCEPTED,
            "I never checked for an empty URL list.",
            Check::GracefulShutdown,
        ),
        entry(
            &BAD_URL_SKIPPED_BY_PRODUCER,
            "My producer silently skipped URLs that did not start with http.",
            Check::ErrorsHandled,
        ),
        entry(
            &DUPLICATE_URLS_DROPPED,
            "My producer skipped URLs it had already queued.",
            Check::Requirement,
        ),
        entry(
            &GET_OUTSIDE_PROBE,
            "I did the GET before probe.run_async and only passed its outcome through.",
            Check::Requirement,
        ),
        entry(
            &PROBE_KEY_WITH_WORKER_ID,
            "I keyed probe jobs as 'worker N: url' instead of the URL.",
            Check::Requirement,
        ),
        entry(
            &CONSUMER_STOPS_WHEN_WORKERS_JOINED,
            "My consumer stopped once every worker was joined, losing results still queued.",
            Check::Requirement,
        ),
        entry(
            &STATS_LOST_UPDATE,
            "My workers copied the totals out and wrote them back after an await, losing updates.",
            Check::Stretch,
        ),
        entry(
            &MEAN_LATENCY_OVER_ALL_URLS,
            "I divided the latency sum by every URL instead of the responses.",
            Check::Stretch,
        ),
        entry(
            &ERROR_RATE_COUNTS_HTTP_ERRORS,
            "I counted 4xx and 5xx responses as errors in the error rate.",
            Check::Stretch,
        ),
        entry(
            &BYTES_OF_SUCCESS_ONLY,
            "I only added the bytes of 2xx responses.",
            Check::Stretch,
        ),
        entry(
            &ERROR_RATE_OVER_RESPONSES,
            "I divided the failures by the responses instead of by every URL.",
            Check::Stretch,
        ),
    ]
}

/// Blind mutants of this task taken out at triage (they meet the contract), with the reason.
pub const DROPPED: &[super::Dropped] = &[];

/// Blind mutants of this task whose checklist item triage changed, with the reason.
pub const RELABELLED: &[super::Relabelled] = &[
    super::Relabelled {
        name: "task03_url_fetcher::blind_jobs_never_closed",
        was: Check::AllJoined,
        why: "its workers are never joined and are still alive (blocked on a jobs channel nobody closes) when fetch_all returns: for async pools a task alive at return is `no_leaks` (the contract: every task ended when the call returns); `all_joined` is work that runs after the return",
    },
    super::Relabelled {
        name: "task03_url_fetcher::blind_bad_url_skipped_by_producer",
        was: Check::GracefulShutdown,
        why: "a malformed URL dropped without a result or a log line is an error not handled: the contract makes a bad URL a failed GET, emitted with its error and logged",
    },
];

/// Blind mutants of this task whose catch is measured, not required (see `super::Uncertain`).
pub const UNCERTAIN: &[super::Uncertain] = &[];
