//! Task 9's mutants: the per-job timeout pool's model answer with one mistake each.

use crate::Mutant;
use harness::contracts::task03_url_fetcher::Page;
use harness::contracts::task09_per_job_timeout::{
    JobOutcome, PerJobTimeout, Percentiles, Timed, TimeoutConfig,
};
use harness::contracts::{LocalFuture, PoolError};
use harness::net::HttpClient;
use harness::probe::{Jobs, Probe};
use harness::sink::Sink;
use harness::Check;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, Mutex};
use tokio::task::JoinSet;
use tokio::time::{timeout, Instant};
use tokio_util::sync::CancellationToken;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Bug {
    NoJobTimeout,
    TimedOutLoggedAsError,
    PercentileOffByOne,
    NoEmptyCheck,
    PanicIgnored,
}

struct Buggy(Bug);

impl PerJobTimeout for Buggy {
    fn fetch_all<'a>(
        &'a self,
        cfg: TimeoutConfig,
        urls: Jobs<String>,
        probe: Probe<String>,
        client: HttpClient,
        token: CancellationToken,
        emit: &'a mut Sink<Timed>,
    ) -> LocalFuture<'a, Result<Percentiles, PoolError>> {
        let bug = self.0;
        Box::pin(async move {
            if cfg.pool.workers == 0 {
                return Err(PoolError::ZeroWorkers);
            }
            let mut urls = urls.peekable();
            if urls.peek().is_none() && bug != Bug::NoEmptyCheck {
                return Err(PoolError::EmptyInput);
            }
            let limit = match bug {
                Bug::NoJobTimeout => Duration::MAX,
                _ => cfg.job_timeout,
            };
            let (job_tx, job_rx) = mpsc::channel::<String>(cfg.pool.jobs_buffer);
            let (result_tx, mut results) = mpsc::channel::<Timed>(cfg.pool.results_buffer);
            let job_rx = Arc::new(Mutex::new(job_rx));
            let mut tasks = JoinSet::new();
            let t = token.clone();
            tasks.spawn(async move {
                while let Some(url) = urls.next().filter(|_| !t.is_cancelled()) {
                    tokio::select! {
                        _ = t.cancelled() => break,
                        sent = job_tx.send(url) => if sent.is_err() { break },
                    }
                }
            });
            for _ in 0..cfg.pool.workers {
                let (job_rx, result_tx, t) = (job_rx.clone(), result_tx.clone(), token.clone());
                let (probe, client) = (probe.clone(), client.clone());
                tasks.spawn(async move {
                    loop {
                        let next = tokio::select! {
                            _ = t.cancelled() => None,
                            url = async { job_rx.lock().await.recv().await } => url,
                        };
                        let Some(url) = next.filter(|_| !t.is_cancelled()) else {
                            break;
                        };
                        // Whichever fires first: the token drops the GET, the timeout ends it.
                        let outcome = tokio::select! {
                            biased;
                            _ = t.cancelled() => break,
                            outcome = fetch(&client, &probe, &url, limit) => outcome,
                        };
                        match &outcome {
                            JobOutcome::TimedOut if bug == Bug::TimedOutLoggedAsError => {
                                tracing::warn!("URL {url}: error deadline has elapsed")
                            }
                            JobOutcome::TimedOut => {
                                tracing::warn!("URL {url}: timed out after {:?}", cfg.job_timeout)
                            }
                            JobOutcome::Failed(err) => tracing::warn!("URL {url}: error {err}"),
                            JobOutcome::Done(_) => {}
                        }
                        tokio::select! {
                            _ = t.cancelled() => break,
                            sent = result_tx.send(Timed { url, outcome }) => if sent.is_err() { break },
                        }
                    }
                });
            }
            drop(result_tx);
            let mut latencies = Vec::new();
            loop {
                let timed = tokio::select! {
                    biased;
                    _ = token.cancelled() => break,
                    timed = results.recv() => match timed {
                        Some(timed) => timed,
                        None => break,
                    },
                };
                if let JobOutcome::Done(page) = &timed.outcome {
                    latencies.push(page.latency);
                }
                emit.emit(timed).await;
            }
            while let Some(done) = tasks.join_next().await {
                if bug != Bug::PanicIgnored {
                    done.map_err(|e| PoolError::JobPanicked(e.to_string()))?;
                }
            }
            latencies.sort();
            let rank = |p: usize| match latencies.len() {
                0 => Duration::ZERO,
                n if bug == Bug::PercentileOffByOne => {
                    latencies[((p * n).div_ceil(100)).min(n - 1)]
                }
                n => latencies[(p * n).div_ceil(100) - 1],
            };
            Ok(Percentiles {
                p50: rank(50),
                p95: rank(95),
                p99: rank(99),
            })
        })
    }
}

/// One GET, body included, inside the probe and under the job's own timeout.
async fn fetch(
    client: &HttpClient,
    probe: &Probe<String>,
    url: &str,
    limit: Duration,
) -> JobOutcome {
    let start = Instant::now();
    match timeout(limit, probe.run_async(url.to_owned(), client.get(url))).await {
        Ok(Ok(page)) => JobOutcome::Done(Page {
            status: page.status,
            bytes: page.body.len(),
            latency: start.elapsed(),
        }),
        Ok(Err(err)) => JobOutcome::Failed(err.to_string()),
        Err(_) => JobOutcome::TimedOut,
    }
}

pub fn mutants() -> Vec<Mutant> {
    use Bug::*;
    macro_rules! m {
        ($name:literal, $bug:expr, $check:expr, $what:literal) => {
            mutant!(
                task09,
                "task09_per_job_timeout",
                $name,
                Buggy($bug),
                $check,
                $what
            )
        };
    }
    vec![
        m!("no_job_timeout", NoJobTimeout, Check::Requirement,
            "GETs with no timeout of their own: a server that never answers holds its worker for good"),
        m!("timed_out_logged_as_error", TimedOutLoggedAsError, Check::ErrorsHandled,
            "logs a timed-out job like any other failure"),
        m!("percentile_off_by_one", PercentileOffByOne, Check::Stretch,
            "takes ceil(p * n / 100) as a 0-based index: one rank too high"),
        m!("empty_input_accepted", NoEmptyCheck, Check::GracefulShutdown,
            "accepts an empty URL list and returns zero percentiles"),
        m!("panic_ignored", PanicIgnored, Check::ErrorsHandled,
            "joins its tasks and drops their errors: a job that panicked is lost without a word, and the call returns Ok"),
    ]
}
