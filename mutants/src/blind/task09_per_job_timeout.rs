//! Blind mutants of Task 9, Per-Job Timeout (see `super`): written from the course and the
//! task's contract alone, without the scenarios.
//!
//! Every mutant is the same correct async pool (a producer task, a bounded jobs channel shared
//! by `workers` worker tasks, a bounded results channel read on the calling task, each GET inside
//! `probe.run_async` under its own `tokio::time` timeout, the caller's token watched by every
//! role, nearest-rank percentiles of the responses) with one wrong piece plugged in, named by
//! [`Defect`].

use crate::Mutant;
use harness::contracts::task03_url_fetcher::Page;
use harness::contracts::task09_per_job_timeout::{
    JobOutcome, PerJobTimeout, Percentiles, Timed, TimeoutConfig,
};
use harness::contracts::{LocalFuture, PoolConfig, PoolError, Solution};
use harness::net::{HttpClient, HttpError};
use harness::probe::{Jobs, Probe};
use harness::sink::Sink;
use harness::Check;
use std::iter::Peekable;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, Mutex};
use tokio::task::JoinSet;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

/// Every blind mutant of this task.
pub fn mutants() -> Vec<Mutant> {
    vec![
        Mutant {
            name: NoJobTimeout::NAME,
            bug: "I kept the caller's token around each GET but forgot to put the GET under its own timeout.",
            breaks: Check::Requirement,
            solution: &NoJobTimeout,
        },
        Mutant {
            name: TimeoutHardCoded::NAME,
            bug: "I wrote the seed's 2 seconds into the worker instead of using the configured job timeout.",
            breaks: Check::Requirement,
            solution: &TimeoutHardCoded,
        },
        Mutant {
            name: TimeoutPerWorker::NAME,
            bug: "I start each worker's timer once, before its loop, so all the jobs a worker does share one deadline.",
            breaks: Check::Requirement,
            solution: &TimeoutPerWorker,
        },
        Mutant {
            name: TimeoutWholePool::NAME,
            bug: "I made the timeout context once for the whole pool, so every job shares one deadline counted from the call.",
            breaks: Check::Requirement,
            solution: &TimeoutWholePool,
        },
        Mutant {
            name: TimeoutFromEnqueue::NAME,
            bug: "I stamp each job's deadline when the producer queues it, so the time it waits in the jobs channel eats into its timeout.",
            breaks: Check::Requirement,
            solution: &TimeoutFromEnqueue,
        },
        Mutant {
            name: TimeoutWallClock::NAME,
            bug: "I computed each job's deadline from std::time::Instant, the wall clock, instead of the runtime's clock.",
            breaks: Check::Requirement,
            solution: &TimeoutWallClock,
        },
        Mutant {
            name: GetOutsideProbe::NAME,
            bug: "I do the timed GET first and only wrap the handing over of its result in probe.run_async.",
            breaks: Check::Requirement,
            solution: &GetOutsideProbe,
        },
        Mutant {
            name: TimeoutEmittedAsFailed::NAME,
            bug: "I turn a timed-out GET into an ordinary failure with the timeout's error text, as in task 3, instead of reporting it as timed out.",
            breaks: Check::Requirement,
            solution: &TimeoutEmittedAsFailed,
        },
        Mutant {
            name: TokenIgnoredInGet::NAME,
            bug: "My workers check the token between jobs but not while a GET is running, so a cancelled GET runs on until it ends or times out.",
            breaks: Check::CtxHonored,
            solution: &TokenIgnoredInGet,
        },
        Mutant {
            name: CancelEmittedAsTimeout::NAME,
            bug: "When the token cuts a GET short I report the job as timed out, since either way the GET did not finish.",
            breaks: Check::CtxHonored,
            solution: &CancelEmittedAsTimeout,
        },
        Mutant {
            name: ProducerIgnoresToken::NAME,
            bug: "My producer never looks at the token: it keeps taking URLs and blocks on the full jobs channel after cancellation.",
            breaks: Check::CtxHonored,
            solution: &ProducerIgnoresToken,
        },
        Mutant {
            name: CancelLoggedAsTimeout::NAME,
            bug: "I drop a GET the token cancelled without emitting it, but I still log it as timed out.",
            breaks: Check::ErrorsHandled,
            solution: &CancelLoggedAsTimeout,
        },
        Mutant {
            name: TimeoutLoggedAsError::NAME,
            bug: "I log a timed-out job with the same \"URL ...: error ...\" line as every other failure.",
            breaks: Check::ErrorsHandled,
            solution: &TimeoutLoggedAsError,
        },
        Mutant {
            name: TimeoutNotLogged::NAME,
            bug: "I report timed-out jobs but never log them; only real errors get a line.",
            breaks: Check::ErrorsHandled,
            solution: &TimeoutNotLogged,
        },
        Mutant {
            name: WorkerQuitsOnError::NAME,
            bug: "My worker reports a failed GET and then returns, so every error costs the pool a worker.",
            breaks: Check::ErrorsHandled,
            solution: &WorkerQuitsOnError,
        },
        Mutant {
            name: PercentileRankOffByOne::NAME,
            bug: "I use the nearest rank ceil(p/100*n) as a zero-based index, one place too far.",
            breaks: Check::Stretch,
            solution: &PercentileRankOffByOne,
        },
        Mutant {
            name: PercentileInterpolated::NAME,
            bug: "I interpolate linearly between the two nearest latencies instead of taking the nearest rank.",
            breaks: Check::Stretch,
            solution: &PercentileInterpolated,
        },
        Mutant {
            name: PercentileOverAllJobs::NAME,
            bug: "I compute the percentiles over every job's duration, timed-out and failed jobs included.",
            breaks: Check::Stretch,
            solution: &PercentileOverAllJobs,
        },
        Mutant {
            name: PercentileUnsorted::NAME,
            bug: "I pick the percentile by rank from the latencies in the order they arrived, without sorting them.",
            breaks: Check::Stretch,
            solution: &PercentileUnsorted,
        },
        Mutant {
            name: ZeroWorkersAccepted::NAME,
            bug: "I never check for zero workers, so a pool of none starts and waits on work nobody takes.",
            breaks: Check::GracefulShutdown,
            solution: &ZeroWorkersAccepted,
        },
        Mutant {
            name: WorkersFromCpu::NAME,
            bug: "I start one worker per CPU, as in the file hasher, instead of the configured number.",
            breaks: Check::PoolSize,
            solution: &WorkersFromCpu,
        },
        Mutant {
            name: JobsBufferFromResults::NAME,
            bug: "I sized the jobs channel with the results buffer's setting.",
            breaks: Check::BufferSize,
            solution: &JobsBufferFromResults,
        },
        Mutant {
            name: ProducerCollectsUrls::NAME,
            bug: "My producer collects every URL into a Vec first and then feeds the bounded jobs channel from it.",
            breaks: Check::BufferSize,
            solution: &ProducerCollectsUrls,
        },
        Mutant {
            name: ResultsSenderKept::NAME,
            bug: "I cloned the results sender into each worker but kept the original, so the results channel never closes.",
            breaks: Check::CloseOnce,
            solution: &ResultsSenderKept,
        },
        Mutant {
            name: GetTaskDetached::NAME,
            bug: "I spawn each GET as its own task and time out its JoinHandle, not knowing that dropping the handle leaves the GET running.",
            breaks: Check::NoLeaks,
            solution: &GetTaskDetached,
        },
        Mutant {
            name: StopTokenAtEndOfInput::NAME,
            bug: "I cancel a child token when the producer runs out of URLs to stop idle workers, and that also drops queued and in-flight GETs.",
            breaks: Check::Requirement,
            solution: &StopTokenAtEndOfInput,
        },
    ]
}

/// Blind mutants of this task dropped at triage, with the reason.
pub const DROPPED: &[super::Dropped] = &[];

/// Blind mutants of this task whose checklist item triage changed, with the reason.
pub const RELABELLED: &[super::Relabelled] = &[
    super::Relabelled {
        name: "task09_per_job_timeout::blind_zero_workers_accepted",
        was: Check::PoolSize,
        why: "refusing bad input at once (zero workers, no URLs) is `graceful_shutdown` in every task",
    },
    super::Relabelled {
        name: "task09_per_job_timeout::blind_stop_token_at_end_of_input",
        was: Check::GracefulShutdown,
        why: "its defect shows in a run nobody cancels: the GETs still queued or running when the input runs out are dropped, so URLs go missing from every run: `requirement`",
    },
];

/// Blind mutants of this task whose catch is measured rather than required.
pub const UNCERTAIN: &[super::Uncertain] = &[];

/// The one wrong piece each mutant plugs into the shared pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Defect {
    NoJobTimeout,
    TimeoutHardCoded,
    TimeoutPerWorker,
    TimeoutWholePool,
    TimeoutFromEnqueue,
    TimeoutWallClock,
    GetOutsideProbe,
    TimeoutEmittedAsFailed,
    TokenIgnoredInGet,
    CancelEmittedAsTimeout,
    ProducerIgnoresToken,
    CancelLoggedAsTimeout,
    TimeoutLoggedAsError,
    TimeoutNotLogged,
    WorkerQuitsOnError,
    PercentileRankOffByOne,
    PercentileInterpolated,
    PercentileOverAllJobs,
    PercentileUnsorted,
    ZeroWorkersAccepted,
    WorkersFromCpu,
    JobsBufferFromResults,
    ProducerCollectsUrls,
    ResultsSenderKept,
    GetTaskDetached,
    StopTokenAtEndOfInput,
}

macro_rules! blind {
    ($($(#[$doc:meta])* $ty:ident => $name:literal;)*) => {$(
        $(#[$doc])*
        pub struct $ty;

        impl $ty {
            const NAME: &'static str = concat!("task09_per_job_timeout::blind_", $name);
        }

        impl Solution for $ty {
            fn name(&self) -> &str {
                Self::NAME
            }
            fn task09(&self) -> Option<&dyn PerJobTimeout> {
                Some(self)
            }
        }

        impl PerJobTimeout for $ty {
            fn fetch_all<'a>(
                &'a self,
                cfg: TimeoutConfig,
                urls: Jobs<String>,
                probe: Probe<String>,
                client: HttpClient,
                token: CancellationToken,
                emit: &'a mut Sink<Timed>,
            ) -> LocalFuture<'a, Result<Percentiles, PoolError>> {
                Box::pin(fetch_all(Defect::$ty, cfg, urls, probe, client, token, emit))
            }
        }
    )*};
}

blind! {
    /// Each GET runs under the caller's token only, with no timeout of its own.
    /// Blame: requirement
    NoJobTimeout => "no_job_timeout";
    /// The timeout is the seed's 2 s written into the worker, not `cfg.job_timeout`.
    /// Blame: requirement
    TimeoutHardCoded => "timeout_hard_coded";
    /// One deadline per worker, set when the worker starts, shared by all its jobs.
    /// Blame: requirement
    TimeoutPerWorker => "timeout_per_worker";
    /// One deadline for the whole pool, set when the call starts, shared by every job.
    /// Blame: requirement
    TimeoutWholePool => "timeout_whole_pool";
    /// A job's deadline is set when the producer queues it, so its wait in the jobs channel counts.
    /// Blame: requirement
    TimeoutFromEnqueue => "timeout_from_enqueue";
    /// A job's deadline is computed on the wall clock (`std::time::Instant`), not the runtime's.
    /// Blame: requirement
    TimeoutWallClock => "timeout_wall_clock";
    /// The timed GET runs outside `probe.run_async`, which only wraps handing over its result.
    /// Blame: requirement
    GetOutsideProbe => "get_outside_probe";
    /// A timed-out job is emitted as `Failed("deadline has elapsed")` (and logged as an error).
    /// Blame: requirement
    TimeoutEmittedAsFailed => "timeout_emitted_as_failed";
    /// Workers watch the token only between jobs, never during a GET.
    /// Blame: ctx_honored
    TokenIgnoredInGet => "token_ignored_in_get";
    /// A GET the token cuts short is logged and emitted as `TimedOut`.
    /// Blame: ctx_honored
    CancelEmittedAsTimeout => "cancel_emitted_as_timeout";
    /// The producer never watches the token and blocks on the full jobs channel after it fires.
    /// Blame: ctx_honored
    ProducerIgnoresToken => "producer_ignores_token";
    /// A GET the token cuts short is dropped unemitted, but logged as timed out.
    /// Blame: errors_handled
    CancelLoggedAsTimeout => "cancel_logged_as_timeout";
    /// A timed-out job is logged with the generic `URL ...: error ...` line.
    /// Blame: errors_handled
    TimeoutLoggedAsError => "timeout_logged_as_error";
    /// A timed-out job is emitted as `TimedOut` but never logged.
    /// Blame: errors_handled
    TimeoutNotLogged => "timeout_not_logged";
    /// A worker returns after its first failed GET (once it has reported it).
    /// Blame: errors_handled
    WorkerQuitsOnError => "worker_quits_on_error";
    /// The nearest rank is used as a zero-based index: each percentile is one rank too high.
    /// Blame: stretch
    PercentileRankOffByOne => "percentile_rank_off_by_one";
    /// The percentiles are linearly interpolated instead of taken by nearest rank.
    /// Blame: stretch
    PercentileInterpolated => "percentile_interpolated";
    /// The percentiles count every job's duration, timed-out and failed jobs included.
    /// Blame: stretch
    PercentileOverAllJobs => "percentile_over_all_jobs";
    /// The percentiles are ranked in arrival order: the latencies are never sorted.
    /// Blame: stretch
    PercentileUnsorted => "percentile_unsorted";
    /// Zero workers are not refused: the pool starts and the producer waits on a full channel.
    /// Blame: pool_size
    ZeroWorkersAccepted => "zero_workers_accepted";
    /// The pool starts one worker per CPU instead of `cfg.pool.workers`.
    /// Blame: pool_size
    WorkersFromCpu => "workers_from_cpu";
    /// The jobs channel is sized with `results_buffer` instead of `jobs_buffer`.
    /// Blame: buffer_size
    JobsBufferFromResults => "jobs_buffer_from_results";
    /// The producer takes every URL into a `Vec` before feeding the bounded jobs channel.
    /// Blame: buffer_size
    ProducerCollectsUrls => "producer_collects_urls";
    /// The calling task keeps its results sender, so the results channel is never closed.
    /// Blame: close_once
    ResultsSenderKept => "results_sender_kept";
    /// Each GET is a detached task whose `JoinHandle` is timed out, so it runs on past its timeout.
    /// Blame: no_leaks
    GetTaskDetached => "get_task_detached";
    /// A stop token cancelled at the end of input drops queued and in-flight GETs.
    /// Blame: graceful_shutdown
    StopTokenAtEndOfInput => "stop_token_at_end_of_input";
}

/// One URL on its way to a worker, with the instant the producer queued it.
struct Job {
    url: String,
    queued: Instant,
}

/// What a worker hands the calling task: the job's [`Timed`] and how long the job took.
struct Report {
    timed: Timed,
    took: Duration,
}

/// How one GET ended, before it is reported.
enum Got {
    Response(Result<harness::net::Page, HttpError>),
    TimedOut,
    Cancelled,
}

/// The shared pool, with `defect` plugged in.
async fn fetch_all(
    defect: Defect,
    cfg: TimeoutConfig,
    urls: Jobs<String>,
    probe: Probe<String>,
    client: HttpClient,
    token: CancellationToken,
    emit: &mut Sink<Timed>,
) -> Result<Percentiles, PoolError> {
    if cfg.pool.workers == 0 && defect != Defect::ZeroWorkersAccepted {
        return Err(PoolError::ZeroWorkers);
    }
    let mut urls = urls.peekable();
    if is_empty(&mut urls) {
        return Err(PoolError::EmptyInput);
    }
    let workers = match defect {
        Defect::WorkersFromCpu => PoolConfig::num_cpu(),
        _ => cfg.pool.workers,
    };
    let jobs_buffer = match defect {
        Defect::JobsBufferFromResults => cfg.pool.results_buffer,
        _ => cfg.pool.jobs_buffer,
    };
    // What the workers treat as "stop": the caller's token, or (the defect) a child of it the
    // producer also cancels when the URLs run out.
    let stop = match defect {
        Defect::StopTokenAtEndOfInput => token.child_token(),
        _ => token.clone(),
    };
    let pool_deadline = Instant::now() + cfg.job_timeout;

    let (jobs_tx, jobs_rx) = mpsc::channel::<Job>(jobs_buffer);
    let (results_tx, mut results_rx) = mpsc::channel::<Report>(cfg.pool.results_buffer);
    let jobs_rx = Arc::new(Mutex::new(jobs_rx));

    let mut tasks = JoinSet::new();
    tasks.spawn(producer(defect, urls, jobs_tx, token.clone(), stop.clone()));
    for _ in 0..workers {
        tasks.spawn(worker(
            defect,
            cfg,
            pool_deadline,
            jobs_rx.clone(),
            results_tx.clone(),
            probe.clone(),
            client.clone(),
            stop.clone(),
        ));
    }
    let kept = match defect {
        Defect::ResultsSenderKept => Some(results_tx),
        _ => {
            drop(results_tx);
            None
        }
    };

    let mut latencies = Vec::new();
    while let Some(report) = results_rx.recv().await {
        match &report.timed.outcome {
            JobOutcome::Done(page) => latencies.push(page.latency),
            _ if defect == Defect::PercentileOverAllJobs => latencies.push(report.took),
            _ => {}
        }
        emit.emit(report.timed).await;
    }
    drop(kept);

    let mut panicked = None;
    while let Some(joined) = tasks.join_next().await {
        if let Err(e) = joined {
            if e.is_panic() && panicked.is_none() {
                panicked = Some(panic_message(e.into_panic()));
            }
        }
    }
    if let Some(message) = panicked {
        return Err(PoolError::JobPanicked(message));
    }
    Ok(percentiles(defect, latencies))
}

/// Whether there is no URL at all, taking one only when the source cannot say.
fn is_empty(urls: &mut Peekable<Jobs<String>>) -> bool {
    match urls.size_hint() {
        (_, Some(0)) => true,
        (n, _) if n > 0 => false,
        _ => urls.peek().is_none(),
    }
}

/// Feeds the jobs channel until the URLs run out or the token fires; ends by dropping its
/// sender, which closes the channel.
async fn producer(
    defect: Defect,
    mut urls: Peekable<Jobs<String>>,
    jobs: mpsc::Sender<Job>,
    token: CancellationToken,
    stop: CancellationToken,
) {
    if defect == Defect::ProducerCollectsUrls {
        let all: Vec<String> = urls.collect();
        for url in all {
            let job = Job {
                url,
                queued: Instant::now(),
            };
            tokio::select! {
                biased;
                _ = token.cancelled() => return,
                sent = jobs.send(job) => if sent.is_err() { return },
            }
        }
        return;
    }
    loop {
        if token.is_cancelled() && defect != Defect::ProducerIgnoresToken {
            return;
        }
        let Some(url) = urls.next() else {
            if defect == Defect::StopTokenAtEndOfInput {
                stop.cancel();
            }
            return;
        };
        let job = Job {
            url,
            queued: Instant::now(),
        };
        if defect == Defect::ProducerIgnoresToken {
            if jobs.send(job).await.is_err() {
                return;
            }
            continue;
        }
        tokio::select! {
            biased;
            _ = token.cancelled() => return,
            sent = jobs.send(job) => if sent.is_err() { return },
        }
    }
}

/// Takes jobs until the channel is closed and empty or `stop` fires; each GET under its own
/// timeout, raced against `stop`.
#[allow(clippy::too_many_arguments)]
async fn worker(
    defect: Defect,
    cfg: TimeoutConfig,
    pool_deadline: Instant,
    jobs: Arc<Mutex<mpsc::Receiver<Job>>>,
    results: mpsc::Sender<Report>,
    probe: Probe<String>,
    client: HttpClient,
    stop: CancellationToken,
) {
    let timeout = match defect {
        Defect::TimeoutHardCoded => Duration::from_secs(2),
        _ => cfg.job_timeout,
    };
    let worker_deadline = Instant::now() + timeout;
    loop {
        let next = async { jobs.lock().await.recv().await };
        let job = tokio::select! {
            biased;
            _ = stop.cancelled() => return,
            job = next => match job {
                Some(job) => job,
                None => return,
            },
        };
        let url = job.url;
        let started = Instant::now();
        let deadline = match defect {
            Defect::TimeoutPerWorker => worker_deadline,
            Defect::TimeoutWholePool => pool_deadline,
            Defect::TimeoutFromEnqueue => job.queued + timeout,
            Defect::TimeoutWallClock => Instant::from_std(std::time::Instant::now() + timeout),
            _ => started + timeout,
        };
        let attempt = get(defect, deadline, &url, &probe, &client);
        let got = match defect {
            Defect::TokenIgnoredInGet => attempt.await,
            _ => tokio::select! {
                biased;
                _ = stop.cancelled() => Got::Cancelled,
                got = attempt => got,
            },
        };
        let took = started.elapsed();
        let mut quit = false;
        let outcome = match got {
            Got::Cancelled => match defect {
                Defect::CancelEmittedAsTimeout => {
                    tracing::warn!("URL {url}: timed out after {timeout:?}");
                    JobOutcome::TimedOut
                }
                Defect::CancelLoggedAsTimeout => {
                    tracing::warn!("URL {url}: timed out after {timeout:?}");
                    return;
                }
                _ => return,
            },
            Got::TimedOut => match defect {
                Defect::TimeoutEmittedAsFailed => {
                    let err = "deadline has elapsed";
                    tracing::warn!("URL {url}: error {err}");
                    JobOutcome::Failed(err.to_owned())
                }
                Defect::TimeoutLoggedAsError => {
                    tracing::warn!("URL {url}: error deadline has elapsed");
                    JobOutcome::TimedOut
                }
                Defect::TimeoutNotLogged => JobOutcome::TimedOut,
                _ => {
                    tracing::warn!("URL {url}: timed out after {timeout:?}");
                    JobOutcome::TimedOut
                }
            },
            Got::Response(Err(err)) => {
                tracing::warn!("URL {url}: error {err}");
                quit = defect == Defect::WorkerQuitsOnError;
                JobOutcome::Failed(err.to_string())
            }
            Got::Response(Ok(page)) => JobOutcome::Done(Page {
                status: page.status,
                bytes: page.body.len(),
                latency: took,
            }),
        };
        let report = Report {
            timed: Timed { url, outcome },
            took,
        };
        if results.send(report).await.is_err() || quit {
            return;
        }
    }
}

/// One GET of `url` inside the probe, abandoned at `deadline` (or never, for the defect that
/// has no timeout).
async fn get(
    defect: Defect,
    deadline: Instant,
    url: &str,
    probe: &Probe<String>,
    client: &HttpClient,
) -> Got {
    match defect {
        Defect::NoJobTimeout => {
            Got::Response(probe.run_async(url.to_owned(), client.get(url)).await)
        }
        Defect::GetOutsideProbe => {
            let got = tokio::time::timeout_at(deadline, client.get(url)).await;
            probe
                .run_async(url.to_owned(), async move {
                    match got {
                        Ok(response) => Got::Response(response),
                        Err(_) => Got::TimedOut,
                    }
                })
                .await
        }
        Defect::GetTaskDetached => {
            let (probe, client, key) = (probe.clone(), client.clone(), url.to_owned());
            let handle = tokio::spawn(async move {
                let url = key.clone();
                probe.run_async(key, client.get(&url)).await
            });
            match tokio::time::timeout_at(deadline, handle).await {
                Ok(Ok(response)) => Got::Response(response),
                Ok(Err(e)) => std::panic::resume_unwind(e.into_panic()),
                Err(_) => Got::TimedOut,
            }
        }
        _ => {
            let work = probe.run_async(url.to_owned(), client.get(url));
            match tokio::time::timeout_at(deadline, work).await {
                Ok(response) => Got::Response(response),
                Err(_) => Got::TimedOut,
            }
        }
    }
}

/// P50, P95 and P99 of `latencies`, by nearest rank (all zero for none).
fn percentiles(defect: Defect, mut latencies: Vec<Duration>) -> Percentiles {
    if latencies.is_empty() {
        return Percentiles::default();
    }
    if defect != Defect::PercentileUnsorted {
        latencies.sort();
    }
    let at = |p: usize| match defect {
        Defect::PercentileInterpolated => interpolated(&latencies, p),
        Defect::PercentileRankOffByOne => {
            let n = latencies.len();
            latencies[(p * n).div_ceil(100).min(n - 1)]
        }
        _ => nearest_rank(&latencies, p),
    };
    Percentiles {
        p50: at(50),
        p95: at(95),
        p99: at(99),
    }
}

/// The `ceil(p / 100 * n)`-th smallest of the sorted, non-empty `sorted`.
fn nearest_rank(sorted: &[Duration], p: usize) -> Duration {
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    sorted[rank - 1]
}

/// The linear interpolation between the two latencies around `p` percent of the way.
fn interpolated(sorted: &[Duration], p: usize) -> Duration {
    let pos = p as f64 / 100.0 * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]).mul_f64(pos - lo as f64)
}

fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a task panicked".to_owned())
}
