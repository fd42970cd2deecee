//! Blind mutants of Task 6, Cancellable Pool (see `super`): written from the course, the contract
//! and the public types only, without having seen how the suite decides anything.
//!
//! Every mutant is the same correct skeleton ([`pool`]) with one wrong piece plugged in ([`Bug`]):
//! a producer task feeding a bounded jobs channel from the input, `workers` tasks sharing the
//! jobs receiver, each GET inside `probe.run_async` under `tokio::time::timeout` and raced
//! against the pool's token, a bounded results channel read by the calling task, and the pool's
//! own deadline as a child token a timer cancels. Everything but the planted defect is meant to
//! be right, the stretch included, so each mutant fails on its one defect only.

use crate::Mutant;
use harness::contracts::task03_url_fetcher::{Fetched, Page};
use harness::contracts::task06_cancellable_pool::{CancelConfig, CancelStats, CancellablePool};
use harness::contracts::{LocalFuture, PoolConfig, PoolError, Solution};
use harness::net::HttpClient;
use harness::probe::{Jobs, Probe};
use harness::sink::Sink;
use harness::Check;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::RecvTimeoutError;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

/// The one wrong piece each mutant plugs into the skeleton.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Bug {
    /// The producer sends with a plain `send().await` and never looks at the token.
    ProducerIgnoresToken,
    /// The worker awaits its GET to the end; it checks the token only between jobs.
    GetAwaitedToEnd,
    /// The GET runs in a task of its own; on cancel the worker drops the handle (detaching it).
    GetSpawnedDetached,
    /// The worker takes the next job without checking the token and, after a cancelled GET,
    /// goes on to the next job instead of stopping.
    NoCheckBetweenJobs,
    /// The worker's send to the results channel does not race the token.
    SendIgnoresToken,
    /// The consumer reads the results channel to its end without watching the token.
    ConsumerDrainsAfterCancel,
    /// The pool's token is linked to the caller's by a watcher task spawned after the workers.
    LateWatcher,
    /// The pool's deadline is the seed's 10 s, not `cfg.cancel_after`.
    DeadlineHardcoded,
    /// No deadline of the pool's own: only the caller's token stops it.
    DeadlineMissing,
    /// The deadline is a std thread waiting on the wall clock.
    DeadlineWallClock,
    /// The deadline is a `timeout` around the consumer loop; the token is never cancelled.
    DeadlineStopsConsumerOnly,
    /// The deadline's timer task is never stopped when the run ends first.
    DeadlineTimerLeaked,
    /// On cancellation the call returns at once, without joining its tasks.
    ReturnsWithoutJoining,
    /// The producer holds a drop guard of the pool's token: when it ends, everything is cancelled.
    ProducerDropGuard,
    /// A GET cut short by the cancellation is logged as a failure.
    CancelledLoggedAsError,
    /// A GET cut short by the cancellation is counted as completed.
    CancelledCountedCompleted,
    /// `never_started` counts only the URLs taken, not those left in the input.
    NeverStartedFromTaken,
    /// `taken` is counted after a successful send: the URL in the producer's hand is lost.
    ProducerHandNotCounted,
    /// A GET that ended with an error or the timeout is counted as cancelled, not completed.
    FailedCountedCancelled,
    /// The GET timeout is the seed's 5 s, not `cfg.timeout`.
    TimeoutHardcoded,
    /// The failure is logged with `{:?}` instead of its `Display` text.
    LogDebugFormat,
    /// A worker stops for good after its first failed GET.
    WorkerQuitsOnError,
    /// The pool has as many workers as the machine has CPUs.
    WorkersFromCpu,
    /// The results channel is sized with `jobs_buffer`.
    ResultsBufferFromJobs,
}

/// What the pool counts for the stretch, shared by its tasks.
#[derive(Default)]
struct Tally {
    /// URLs taken from the input.
    taken: AtomicUsize,
    /// GETs that ended before the cancellation.
    completed: AtomicUsize,
    /// GETs cut short by the cancellation.
    cancelled: AtomicUsize,
}

impl Tally {
    fn add(counter: &AtomicUsize) {
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

type Input = Arc<std::sync::Mutex<Jobs<String>>>;
type JobsRx = Arc<tokio::sync::Mutex<mpsc::Receiver<String>>>;

/// One URL from the input.
fn take(input: &Input) -> Option<String> {
    input.lock().unwrap_or_else(|p| p.into_inner()).next()
}

/// The stretch: every URL the input holds is completed, cancelled or never started.
fn stats(tally: &Tally, input: &Input, bug: Bug) -> CancelStats {
    let completed = tally.completed.load(Ordering::Relaxed);
    let cancelled = tally.cancelled.load(Ordering::Relaxed);
    let taken = tally.taken.load(Ordering::Relaxed);
    let rest = if bug == Bug::NeverStartedFromTaken {
        0
    } else {
        // What the pool left in the input, counted without taking it.
        input.lock().unwrap_or_else(|p| p.into_inner()).len()
    };
    CancelStats {
        completed,
        cancelled,
        never_started: (taken + rest).saturating_sub(completed + cancelled),
    }
}

/// The producer: the input into the jobs channel, the peeked first URL included.
async fn producer(
    input: Input,
    first: String,
    jobs: mpsc::Sender<String>,
    token: CancellationToken,
    tally: Arc<Tally>,
    bug: Bug,
) {
    // "defer cancel()": whatever way the producer ends, the pool is cancelled.
    let _cancel_on_exit = (bug == Bug::ProducerDropGuard).then(|| token.clone().drop_guard());
    let mut first = Some(first);
    loop {
        let url = match first.take() {
            Some(url) => url,
            None => {
                if bug != Bug::ProducerIgnoresToken && token.is_cancelled() {
                    return;
                }
                match take(&input) {
                    Some(url) => url,
                    None => return,
                }
            }
        };
        if bug != Bug::ProducerHandNotCounted {
            Tally::add(&tally.taken);
        }
        if bug == Bug::ProducerIgnoresToken {
            if jobs.send(url).await.is_err() {
                return;
            }
        } else {
            tokio::select! {
                biased;
                _ = token.cancelled() => return,
                sent = jobs.send(url) => if sent.is_err() { return },
            }
        }
        if bug == Bug::ProducerHandNotCounted {
            Tally::add(&tally.taken);
        }
    }
}

/// The next job from the shared jobs channel, `None` once it is closed and empty.
async fn next_job(jobs: &JobsRx) -> Option<String> {
    jobs.lock().await.recv().await
}

/// One GET, body included, inside the probe and under the timeout.
async fn get(
    probe: &Probe<String>,
    client: &HttpClient,
    url: &str,
    limit: Duration,
) -> Result<Page, String> {
    let started = Instant::now();
    match tokio::time::timeout(limit, probe.run_async(url.to_owned(), client.get(url))).await {
        Ok(Ok(page)) => Ok(Page {
            status: page.status,
            bytes: page.body.len(),
            latency: started.elapsed(),
        }),
        Ok(Err(e)) => Err(e.to_string()),
        Err(elapsed) => Err(elapsed.to_string()),
    }
}

/// What one worker holds.
struct Worker {
    jobs: JobsRx,
    results: mpsc::Sender<Fetched>,
    probe: Probe<String>,
    client: HttpClient,
    token: CancellationToken,
    timeout: Duration,
    tally: Arc<Tally>,
    bug: Bug,
}

impl Worker {
    async fn run(self) {
        let w = &self;
        loop {
            // Between jobs: a cancelled pool takes no more jobs.
            let url = if w.bug == Bug::NoCheckBetweenJobs {
                match next_job(&w.jobs).await {
                    Some(url) => url,
                    None => return,
                }
            } else {
                tokio::select! {
                    biased;
                    _ = w.token.cancelled() => return,
                    job = next_job(&w.jobs) => match job {
                        Some(url) => url,
                        None => return,
                    },
                }
            };
            // Inside the GET: a cancellation drops it at once.
            let out = match w.bug {
                Bug::GetAwaitedToEnd => Some(get(&w.probe, &w.client, &url, w.timeout).await),
                Bug::GetSpawnedDetached => {
                    let (probe, client, key, limit) =
                        (w.probe.clone(), w.client.clone(), url.clone(), w.timeout);
                    let handle =
                        tokio::spawn(async move { get(&probe, &client, &key, limit).await });
                    tokio::select! {
                        biased;
                        done = handle => Some(done.unwrap_or_else(|e| Err(e.to_string()))),
                        _ = w.token.cancelled() => None,
                    }
                }
                _ => tokio::select! {
                    biased;
                    done = get(&w.probe, &w.client, &url, w.timeout) => Some(done),
                    _ = w.token.cancelled() => None,
                },
            };
            let Some(out) = out else {
                if w.bug == Bug::CancelledCountedCompleted {
                    Tally::add(&w.tally.completed);
                } else {
                    Tally::add(&w.tally.cancelled);
                }
                if w.bug == Bug::CancelledLoggedAsError {
                    let err = "request cancelled";
                    tracing::warn!("URL {url}: error {err}");
                }
                if w.bug == Bug::NoCheckBetweenJobs {
                    continue;
                }
                return;
            };
            if w.bug == Bug::FailedCountedCancelled && out.is_err() {
                Tally::add(&w.tally.cancelled);
            } else {
                Tally::add(&w.tally.completed);
            }
            if let Err(err) = &out {
                if w.bug == Bug::LogDebugFormat {
                    tracing::warn!("URL {url}: error {err:?}");
                } else {
                    tracing::warn!("URL {url}: error {err}");
                }
            }
            let failed = out.is_err();
            let fetched = Fetched { url, outcome: out };
            if w.bug == Bug::SendIgnoresToken {
                if w.results.send(fetched).await.is_err() {
                    return;
                }
            } else {
                tokio::select! {
                    biased;
                    _ = w.token.cancelled() => return,
                    sent = w.results.send(fetched) => if sent.is_err() { return },
                }
            }
            if w.bug == Bug::WorkerQuitsOnError && failed {
                return;
            }
        }
    }
}

/// The consumer, on the calling task: every result to `emit`, until the results end or the pool
/// is cancelled.
async fn consume(
    results: &mut mpsc::Receiver<Fetched>,
    emit: &mut Sink<Fetched>,
    token: &CancellationToken,
    bug: Bug,
) {
    if bug == Bug::ConsumerDrainsAfterCancel {
        while let Some(fetched) = results.recv().await {
            emit.emit(fetched).await;
        }
        return;
    }
    loop {
        let fetched = tokio::select! {
            biased;
            _ = token.cancelled() => return,
            next = results.recv() => match next {
                Some(fetched) => fetched,
                None => return,
            },
        };
        tokio::select! {
            biased;
            _ = emit.emit(fetched) => {}
            _ = token.cancelled() => return,
        }
    }
}

/// The pool's own deadline: cancels `token` after `after`, or ends when it is cancelled first.
async fn deadline(token: CancellationToken, after: Duration) {
    tokio::select! {
        biased;
        _ = token.cancelled() => {}
        _ = tokio::time::sleep(after) => token.cancel(),
    }
}

/// Cancels `pool` when the caller's token fires or `after` has passed.
async fn watch(caller: CancellationToken, pool: CancellationToken, after: Duration) {
    tokio::select! {
        _ = caller.cancelled() => {}
        _ = tokio::time::sleep(after) => {}
    }
    pool.cancel();
}

fn panicked(e: tokio::task::JoinError) -> PoolError {
    PoolError::JobPanicked(e.to_string())
}

/// The skeleton every mutant shares, with `bug` plugged in.
async fn pool(
    cfg: CancelConfig,
    mut urls: Jobs<String>,
    probe: Probe<String>,
    client: HttpClient,
    caller: CancellationToken,
    emit: &mut Sink<Fetched>,
    bug: Bug,
) -> Result<CancelStats, PoolError> {
    if cfg.pool.workers == 0 {
        return Err(PoolError::ZeroWorkers);
    }
    let Some(first) = urls.next() else {
        return Err(PoolError::EmptyInput);
    };
    let workers = if bug == Bug::WorkersFromCpu {
        PoolConfig::num_cpu()
    } else {
        cfg.pool.workers
    };

    // The pool's own deadline, counted from the call.
    let token = if bug == Bug::LateWatcher {
        CancellationToken::new()
    } else {
        caller.child_token()
    };
    let mut timer: Option<JoinHandle<()>> = None;
    let mut wall_timer = None;
    match bug {
        Bug::DeadlineMissing | Bug::DeadlineStopsConsumerOnly | Bug::LateWatcher => {}
        Bug::DeadlineWallClock => {
            // A timer thread, stopped at the end by dropping `stop`.
            let (t, after) = (token.clone(), cfg.cancel_after);
            let (stop, stopped) = std::sync::mpsc::channel::<()>();
            let thread = std::thread::spawn(move || {
                if let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(after) {
                    t.cancel();
                }
            });
            wall_timer = Some((stop, thread));
        }
        Bug::DeadlineTimerLeaked => {
            let (t, after) = (token.clone(), cfg.cancel_after);
            tokio::spawn(async move {
                tokio::time::sleep(after).await;
                t.cancel();
            });
        }
        _ => {
            let after = if bug == Bug::DeadlineHardcoded {
                Duration::from_secs(10)
            } else {
                cfg.cancel_after
            };
            timer = Some(tokio::spawn(deadline(token.clone(), after)));
        }
    }

    let (jobs_tx, jobs_rx) = mpsc::channel::<String>(cfg.pool.jobs_buffer);
    let results_buffer = if bug == Bug::ResultsBufferFromJobs {
        cfg.pool.jobs_buffer
    } else {
        cfg.pool.results_buffer
    };
    let (results_tx, mut results_rx) = mpsc::channel::<Fetched>(results_buffer);
    let jobs_rx: JobsRx = Arc::new(tokio::sync::Mutex::new(jobs_rx));
    let input: Input = Arc::new(std::sync::Mutex::new(urls));
    let tally = Arc::new(Tally::default());
    let timeout = if bug == Bug::TimeoutHardcoded {
        Duration::from_secs(5)
    } else {
        cfg.timeout
    };

    let producer = tokio::spawn(producer(
        Arc::clone(&input),
        first,
        jobs_tx,
        token.clone(),
        Arc::clone(&tally),
        bug,
    ));
    let mut handles = Vec::with_capacity(workers);
    for _ in 0..workers {
        let worker = Worker {
            jobs: Arc::clone(&jobs_rx),
            results: results_tx.clone(),
            probe: probe.clone(),
            client: client.clone(),
            token: token.clone(),
            timeout,
            tally: Arc::clone(&tally),
            bug,
        };
        handles.push(tokio::spawn(worker.run()));
    }
    drop(results_tx);
    if bug == Bug::LateWatcher {
        timer = Some(tokio::spawn(watch(
            caller.clone(),
            token.clone(),
            cfg.cancel_after,
        )));
    }

    if bug == Bug::DeadlineStopsConsumerOnly {
        let consumer = consume(&mut results_rx, emit, &token, bug);
        let _ = tokio::time::timeout(cfg.cancel_after, consumer).await;
    } else {
        consume(&mut results_rx, emit, &token, bug).await;
    }
    if bug == Bug::ReturnsWithoutJoining && token.is_cancelled() {
        // Partial results are fine: the workers see the token and stop on their own.
        return Ok(stats(&tally, &input, bug));
    }

    for handle in handles {
        handle.await.map_err(panicked)?;
    }
    producer.await.map_err(panicked)?;
    if let Some(timer) = timer {
        timer.abort();
        let _ = timer.await;
    }
    if let Some((stop, thread)) = wall_timer {
        drop(stop);
        let _ = thread.join();
    }
    let stats = stats(&tally, &input, bug);
    drop((jobs_rx, results_rx));
    Ok(stats)
}

/// Declares one mutant: its type, name, and the bug it plugs into [`pool`].
macro_rules! blind {
    ($(#[$doc:meta])* $ty:ident, $name:literal, $bug:expr) => {
        $(#[$doc])*
        pub struct $ty;

        impl $ty {
            pub const NAME: &'static str = concat!("task06_cancellable_pool::blind_", $name);
        }

        impl Solution for $ty {
            fn name(&self) -> &str {
                Self::NAME
            }
            fn task06(&self) -> Option<&dyn CancellablePool> {
                Some(self)
            }
        }

        impl CancellablePool for $ty {
            fn fetch_all<'a>(
                &'a self,
                cfg: CancelConfig,
                urls: Jobs<String>,
                probe: Probe<String>,
                client: HttpClient,
                token: CancellationToken,
                emit: &'a mut Sink<Fetched>,
            ) -> LocalFuture<'a, Result<CancelStats, PoolError>> {
                Box::pin(pool(cfg, urls, probe, client, token, emit, $bug))
            }
        }
    };
}

blind!(
    /// The producer sends each URL with a plain `send().await` and never looks at the token:
    /// once cancelled it keeps taking URLs, and blocks for good on the full jobs channel.
    /// Blame: ctx_honored
    ProducerIgnoresToken,
    "producer_ignores_token",
    Bug::ProducerIgnoresToken
);

blind!(
    /// Workers check the token between jobs only: a GET in flight at the cancellation runs to
    /// its end (or its timeout) instead of being dropped.
    /// Blame: ctx_honored
    GetAwaitedToEnd,
    "get_awaited_to_end",
    Bug::GetAwaitedToEnd
);

blind!(
    /// Each GET runs in a task of its own and the worker races its `JoinHandle` against the
    /// token: dropping the handle detaches the GET, which goes on after the cancellation and
    /// after the call returns.
    /// Blame: ctx_honored
    GetSpawnedDetached,
    "get_spawned_detached",
    Bug::GetSpawnedDetached
);

blind!(
    /// Workers take the next job without checking the token and, after a GET cut short, go on
    /// to the next job: after a cancellation each worker starts a GET for every job still queued.
    /// Blame: ctx_honored
    NoCheckBetweenJobs,
    "no_check_between_jobs",
    Bug::NoCheckBetweenJobs
);

blind!(
    /// A worker's send to the results channel does not race the token: with the consumer
    /// stopped and the results channel full, the worker blocks and the call never returns.
    /// Blame: ctx_honored
    SendIgnoresToken,
    "send_ignores_token",
    Bug::SendIgnoresToken
);

blind!(
    /// The consumer reads the results channel to its end without watching the token: after a
    /// cancellation it still emits every result buffered (and finishes an emit it is held in).
    /// Blame: ctx_honored
    ConsumerDrainsAfterCancel,
    "consumer_drains_after_cancel",
    Bug::ConsumerDrainsAfterCancel
);

blind!(
    /// The pool's token is a fresh one linked to the caller's by a watcher task spawned after
    /// the workers: with a token already cancelled at the call, the producer and the workers run
    /// first and start GETs before the watcher passes the cancellation on.
    /// Blame: ctx_honored
    LateWatcher,
    "late_watcher",
    Bug::LateWatcher
);

blind!(
    /// The pool's own deadline is the seed's 10 s, not `cfg.cancel_after`.
    /// Blame: requirement
    DeadlineHardcoded,
    "deadline_hardcoded_10s",
    Bug::DeadlineHardcoded
);

blind!(
    /// The pool has no deadline of its own: only the caller's token ever stops it.
    /// Blame: requirement
    DeadlineMissing,
    "deadline_missing",
    Bug::DeadlineMissing
);

blind!(
    /// The deadline is a std thread waiting `cancel_after` on the wall clock (`recv_timeout` on
    /// a stop channel, joined at the end), not a timer on the runtime's clock.
    /// Blame: requirement
    DeadlineWallClock,
    "deadline_wall_clock",
    Bug::DeadlineWallClock
);

blind!(
    /// The deadline is a `tokio::time::timeout` around the consumer loop only: the pool's token
    /// is never cancelled, so the producer and the workers go on past it.
    /// Blame: requirement
    DeadlineStopsConsumerOnly,
    "deadline_stops_consumer_only",
    Bug::DeadlineStopsConsumerOnly
);

blind!(
    /// The deadline's timer task is spawned and forgotten: when the run ends before the
    /// deadline, the timer is still alive after the call returns.
    /// Blame: no_leaks
    DeadlineTimerLeaked,
    "deadline_timer_leaked",
    Bug::DeadlineTimerLeaked
);

blind!(
    /// On a cancellation the call returns as soon as the consumer stops, without joining the
    /// workers and the producer (and reads the stats before the workers have counted).
    /// Blame: all_joined
    ReturnsWithoutJoining,
    "returns_without_joining",
    Bug::ReturnsWithoutJoining
);

blind!(
    /// The producer holds a drop guard of the pool's token ("defer cancel()" in the wrong
    /// place): when it has sent the last URL, the GETs still in flight are cancelled.
    /// Blame: graceful_shutdown
    ProducerDropGuard,
    "producer_drop_guard",
    Bug::ProducerDropGuard
);

blind!(
    /// A GET cut short by the cancellation is logged as a failure, `URL <url>: error request
    /// cancelled`.
    /// Blame: errors_handled
    CancelledLoggedAsError,
    "cancelled_logged_as_error",
    Bug::CancelledLoggedAsError
);

blind!(
    /// A GET cut short by the cancellation is counted as completed, not cancelled.
    /// Blame: stretch
    CancelledCountedCompleted,
    "cancelled_counted_completed",
    Bug::CancelledCountedCompleted
);

blind!(
    /// `never_started` counts only the URLs taken from the input, not those left in it.
    /// Blame: stretch
    NeverStartedFromTaken,
    "never_started_from_taken",
    Bug::NeverStartedFromTaken
);

blind!(
    /// The producer counts a URL once its send succeeded: the URL in its hand at the
    /// cancellation is in no count, so `never_started` is one short.
    /// Blame: stretch
    ProducerHandNotCounted,
    "producer_hand_not_counted",
    Bug::ProducerHandNotCounted
);

blind!(
    /// A GET that ended with an error or its timeout is counted as cancelled, not completed.
    /// Blame: stretch
    FailedCountedCancelled,
    "failed_counted_cancelled",
    Bug::FailedCountedCancelled
);

blind!(
    /// Each GET's timeout is the seed's 5 s, not `cfg.timeout`.
    /// Blame: requirement
    TimeoutHardcoded,
    "timeout_hardcoded_5s",
    Bug::TimeoutHardcoded
);

blind!(
    /// A failed GET is logged with `{:?}` (the error text in quotes), not its `Display` text.
    /// Blame: errors_handled
    LogDebugFormat,
    "log_debug_format",
    Bug::LogDebugFormat
);

blind!(
    /// A worker sends its first failed GET and then stops for good: the pool shrinks with every
    /// error, and with all workers gone the rest waits for the deadline.
    /// Blame: errors_handled
    WorkerQuitsOnError,
    "worker_quits_on_error",
    Bug::WorkerQuitsOnError
);

blind!(
    /// The pool spawns one worker per CPU (`PoolConfig::num_cpu()`), not `cfg.pool.workers`.
    /// Blame: pool_size
    WorkersFromCpu,
    "workers_from_cpu",
    Bug::WorkersFromCpu
);

blind!(
    /// The results channel is sized with `cfg.pool.jobs_buffer`, not `results_buffer`.
    /// Blame: buffer_size
    ResultsBufferFromJobs,
    "results_buffer_from_jobs",
    Bug::ResultsBufferFromJobs
);

/// One entry of [`mutants`].
fn entry(
    name: &'static str,
    bug: &'static str,
    breaks: Check,
    solution: &'static dyn Solution,
) -> Mutant {
    Mutant {
        name,
        bug,
        breaks,
        solution,
    }
}

/// Every blind mutant of this task.
pub fn mutants() -> Vec<Mutant> {
    vec![
        entry(
            ProducerIgnoresToken::NAME,
            "My producer just awaits send for each URL and never looks at the token, so after a cancel it keeps taking URLs and hangs on the full jobs channel.",
            Check::CtxHonored,
            &ProducerIgnoresToken,
        ),
        entry(
            GetAwaitedToEnd::NAME,
            "My workers check the token before each job but await the GET itself to the end, so a request in flight is not dropped at the cancel.",
            Check::CtxHonored,
            &GetAwaitedToEnd,
        ),
        entry(
            GetSpawnedDetached::NAME,
            "I spawn each GET as its own task and race its JoinHandle against the token, not knowing that dropping the handle leaves the GET running.",
            Check::CtxHonored,
            &GetSpawnedDetached,
        ),
        entry(
            NoCheckBetweenJobs::NAME,
            "My workers only watch the token inside the GET and move on to the next job after a cancelled one, so they start a GET for every job still queued.",
            Check::CtxHonored,
            &NoCheckBetweenJobs,
        ),
        entry(
            SendIgnoresToken::NAME,
            "My workers send results with a plain send().await, so once the consumer stops at the cancel a worker facing a full results channel blocks forever.",
            Check::CtxHonored,
            &SendIgnoresToken,
        ),
        entry(
            ConsumerDrainsAfterCancel::NAME,
            "My consumer is a plain while-let over the results channel that never looks at the token, so after a cancel it still emits every result left in the buffer.",
            Check::CtxHonored,
            &ConsumerDrainsAfterCancel,
        ),
        entry(
            LateWatcher::NAME,
            "I link my own token to the caller's with a watcher task I spawn after the workers, so a token cancelled before the call lets them start GETs first.",
            Check::CtxHonored,
            &LateWatcher,
        ),
        entry(
            DeadlineHardcoded::NAME,
            "I cancel the pool after the task's 10 seconds instead of cfg.cancel_after.",
            Check::CtxHonored,
            &DeadlineHardcoded,
        ),
        entry(
            DeadlineMissing::NAME,
            "I forgot the pool's own deadline: only the caller's token ever stops it.",
            Check::CtxHonored,
            &DeadlineMissing,
        ),
        entry(
            DeadlineWallClock::NAME,
            "My deadline is a std thread that waits cancel_after with recv_timeout and then cancels, so it runs on the wall clock, not the runtime's.",
            Check::CtxHonored,
            &DeadlineWallClock,
        ),
        entry(
            DeadlineStopsConsumerOnly::NAME,
            "I put the deadline as a timeout around my consumer loop and never cancel the token, so the producer and workers keep going past it.",
            Check::CtxHonored,
            &DeadlineStopsConsumerOnly,
        ),
        entry(
            DeadlineTimerLeaked::NAME,
            "I spawn a task that sleeps cancel_after and cancels, and never stop it when the run finishes early, so it outlives the call.",
            Check::NoLeaks,
            &DeadlineTimerLeaked,
        ),
        entry(
            ReturnsWithoutJoining::NAME,
            "When cancelled I return as soon as my consumer stops, trusting the workers to see the token and end on their own.",
            Check::NoLeaks,
            &ReturnsWithoutJoining,
        ),
        entry(
            ProducerDropGuard::NAME,
            "I put the token's drop guard in the producer, like a defer cancel(), so when it has sent the last URL the GETs still running are cancelled.",
            Check::Requirement,
            &ProducerDropGuard,
        ),
        entry(
            CancelledLoggedAsError::NAME,
            "I log a GET cut short by the cancel like any failed one, as URL <url>: error request cancelled.",
            Check::ErrorsHandled,
            &CancelledLoggedAsError,
        ),
        entry(
            CancelledCountedCompleted::NAME,
            "I count a GET cut short by the cancel as completed, since it did end.",
            Check::Stretch,
            &CancelledCountedCompleted,
        ),
        entry(
            NeverStartedFromTaken::NAME,
            "My never-started count is the URLs taken minus those fetched, forgetting the URLs still left in the input.",
            Check::Stretch,
            &NeverStartedFromTaken,
        ),
        entry(
            ProducerHandNotCounted::NAME,
            "My producer counts a URL only once its send succeeds, so the one in its hand at the cancel is counted nowhere.",
            Check::Stretch,
            &ProducerHandNotCounted,
        ),
        entry(
            FailedCountedCancelled::NAME,
            "I count a GET that failed or timed out as cancelled instead of completed.",
            Check::Stretch,
            &FailedCountedCancelled,
        ),
        entry(
            TimeoutHardcoded::NAME,
            "I give each GET the task's 5-second timeout instead of cfg.timeout.",
            Check::Requirement,
            &TimeoutHardcoded,
        ),
        entry(
            LogDebugFormat::NAME,
            "I log a failed GET with {:?}, so the error text comes out quoted instead of as its Display.",
            Check::ErrorsHandled,
            &LogDebugFormat,
        ),
        entry(
            WorkerQuitsOnError::NAME,
            "My worker returns after sending its first failed GET, so every error costs the pool a worker.",
            Check::ErrorsHandled,
            &WorkerQuitsOnError,
        ),
        entry(
            WorkersFromCpu::NAME,
            "I size the pool with the machine's CPU count instead of cfg.pool.workers.",
            Check::PoolSize,
            &WorkersFromCpu,
        ),
        entry(
            ResultsBufferFromJobs::NAME,
            "I size the results channel with jobs_buffer, copying the jobs channel's line.",
            Check::BufferSize,
            &ResultsBufferFromJobs,
        ),
    ]
}

/// Blind mutants of this task dropped at triage, with the reason.
pub const DROPPED: &[super::Dropped] = &[];

/// Blind mutants of this task whose checklist item triage changed, with the reason.
pub const RELABELLED: &[super::Relabelled] = &[
    super::Relabelled {
        name: "task06_cancellable_pool::blind_deadline_hardcoded_10s",
        was: Check::Requirement,
        why: "the pool's own deadline is a cancellation (the seed: cancel after 10 s): a deadline that never fires, fires at the wrong instant or stops only the consumer leaves roles running past it, which `ctx_honored` measures per role",
    },
    super::Relabelled {
        name: "task06_cancellable_pool::blind_deadline_missing",
        was: Check::Requirement,
        why: "the pool's own deadline is a cancellation (the seed: cancel after 10 s): a deadline that never fires, fires at the wrong instant or stops only the consumer leaves roles running past it, which `ctx_honored` measures per role",
    },
    super::Relabelled {
        name: "task06_cancellable_pool::blind_deadline_wall_clock",
        was: Check::Requirement,
        why: "the pool's own deadline is a cancellation (the seed: cancel after 10 s): a deadline that never fires, fires at the wrong instant or stops only the consumer leaves roles running past it, which `ctx_honored` measures per role",
    },
    super::Relabelled {
        name: "task06_cancellable_pool::blind_deadline_stops_consumer_only",
        was: Check::Requirement,
        why: "the pool's own deadline is a cancellation (the seed: cancel after 10 s): a deadline that never fires, fires at the wrong instant or stops only the consumer leaves roles running past it, which `ctx_honored` measures per role",
    },
    super::Relabelled {
        name: "task06_cancellable_pool::blind_returns_without_joining",
        was: Check::AllJoined,
        why: "its workers are still alive when fetch_all returns: for async pools a task alive at return is `no_leaks` (the contract: every task ended when the call returns); `all_joined` is work that runs after the return",
    },
    super::Relabelled {
        name: "task06_cancellable_pool::blind_producer_drop_guard",
        was: Check::GracefulShutdown,
        why: "its defect shows in a run nobody cancels: the GETs still running when the last URL is sent are cut short, so URLs go missing from a run that should fetch them all: `requirement`",
    },
];

/// Blind mutants of this task whose catch is measured rather than required.
pub const UNCERTAIN: &[super::Uncertain] = &[];
