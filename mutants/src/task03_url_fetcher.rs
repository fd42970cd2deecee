//! Task 3's mutants: the URL fetcher's model answer with one mistake each.

use crate::Mutant;
use harness::contracts::task03_url_fetcher::{
    FetchConfig, FetchStats, Fetched, LocalFuture, Page, UrlFetcher,
};
use harness::contracts::PoolError;
use harness::net::HttpClient;
use harness::probe::{Jobs, Probe};
use harness::sink::Sink;
use harness::Check;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, Mutex};
use tokio::task::JoinSet;
use tokio::time::{timeout, Instant};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Bug {
    NoTimeout,
    TimeoutHardcoded,
    StatusAsError,
    ErrorNotLogged,
    TaskPerUrl,
    EightWorkers,
    DropsFirstResult,
    MeanOverAll,
    ProgressTicker,
    NoZeroCheck,
    NoEmptyCheck,
    PanicIgnored,
}

struct Buggy(Bug);

impl UrlFetcher for Buggy {
    fn fetch_all<'a>(
        &'a self,
        cfg: FetchConfig,
        urls: Jobs<String>,
        probe: Probe<String>,
        client: HttpClient,
        emit: &'a mut Sink<Fetched>,
    ) -> LocalFuture<'a, Result<FetchStats, PoolError>> {
        let bug = self.0;
        Box::pin(async move {
            if cfg.pool.workers == 0 && bug != Bug::NoZeroCheck {
                return Err(PoolError::ZeroWorkers);
            }
            let mut urls = urls.peekable();
            if urls.peek().is_none() && bug != Bug::NoEmptyCheck {
                return Err(PoolError::EmptyInput);
            }
            let limit = match bug {
                Bug::NoTimeout => Duration::MAX,
                Bug::TimeoutHardcoded => Duration::from_secs(5),
                _ => cfg.timeout,
            };
            let workers = if bug == Bug::EightWorkers {
                8
            } else {
                cfg.pool.workers
            };
            let (job_tx, job_rx) = mpsc::channel::<String>(cfg.pool.jobs_buffer);
            let (result_tx, mut results) = mpsc::channel::<Fetched>(cfg.pool.results_buffer);
            let job_rx = Arc::new(Mutex::new(job_rx));
            let mut tasks = JoinSet::new();
            if bug == Bug::ProgressTicker {
                // Detached: nobody stops it.
                tokio::spawn(async {
                    loop {
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        tracing::info!("still fetching");
                    }
                });
            }
            if bug == Bug::TaskPerUrl {
                for url in urls {
                    let (result_tx, probe, client) =
                        (result_tx.clone(), probe.clone(), client.clone());
                    tasks.spawn(async move {
                        let outcome = fetch(&client, &probe, &url, limit, bug).await;
                        let _ = result_tx.send(Fetched { url, outcome }).await;
                    });
                }
            } else {
                tasks.spawn(async move {
                    for url in urls {
                        if job_tx.send(url).await.is_err() {
                            break;
                        }
                    }
                });
                for _ in 0..workers {
                    let (job_rx, result_tx) = (job_rx.clone(), result_tx.clone());
                    let (probe, client) = (probe.clone(), client.clone());
                    tasks.spawn(async move {
                        loop {
                            let Some(url) = job_rx.lock().await.recv().await else {
                                break;
                            };
                            let outcome = fetch(&client, &probe, &url, limit, bug).await;
                            if result_tx.send(Fetched { url, outcome }).await.is_err() {
                                break;
                            }
                        }
                    });
                }
            }
            drop(result_tx);
            let (mut n, mut failed, mut bytes, mut latency) = (0u32, 0u32, 0u64, Duration::ZERO);
            while let Some(fetched) = results.recv().await {
                n += 1;
                match &fetched.outcome {
                    Ok(page) => {
                        (bytes, latency) = (bytes + page.bytes as u64, latency + page.latency)
                    }
                    Err(_) => failed += 1,
                }
                if !(bug == Bug::DropsFirstResult && n == 1) {
                    emit.emit(fetched).await;
                }
            }
            let mut panicked = None;
            while let Some(done) = tasks.join_next().await {
                if let Err(e) = done {
                    panicked.get_or_insert(PoolError::JobPanicked(e.to_string()));
                }
            }
            if let (Some(e), false) = (panicked, bug == Bug::PanicIgnored) {
                return Err(e);
            }
            let answered = if bug == Bug::MeanOverAll {
                n
            } else {
                n - failed
            };
            Ok(FetchStats {
                total_bytes: bytes,
                mean_latency: latency.checked_div(answered).unwrap_or_default(),
                error_rate: f64::from(failed) / f64::from(n),
            })
        })
    }
}

async fn fetch(
    client: &HttpClient,
    probe: &Probe<String>,
    url: &str,
    limit: Duration,
    bug: Bug,
) -> Result<Page, String> {
    let start = Instant::now();
    let got = match limit {
        Duration::MAX => Ok(probe.run_async(url.to_owned(), client.get(url)).await),
        limit => timeout(limit, probe.run_async(url.to_owned(), client.get(url))).await,
    };
    let outcome = match got {
        Ok(Ok(page)) if bug == Bug::StatusAsError && page.status >= 400 => {
            Err(format!("status {}", page.status))
        }
        Ok(Ok(page)) => Ok(Page {
            status: page.status,
            bytes: page.body.len(),
            latency: start.elapsed(),
        }),
        Ok(Err(err)) => Err(err.to_string()),
        Err(_) => Err(format!("timed out after {limit:?}")),
    };
    if let (Err(err), false) = (&outcome, bug == Bug::ErrorNotLogged) {
        tracing::warn!("URL {url}: error {err}");
    }
    outcome
}

pub fn mutants() -> Vec<Mutant> {
    use Bug::*;
    vec![
        mutant!(
            task03,
            "task03_url_fetcher",
            "no_timeout",
            Buggy(NoTimeout),
            Check::Requirement,
            "GETs without a timeout: a server that never answers hangs its worker for good"
        ),
        mutant!(
            task03,
            "task03_url_fetcher",
            "timeout_hardcoded",
            Buggy(TimeoutHardcoded),
            Check::Requirement,
            "uses the seed's 5 s instead of cfg.timeout"
        ),
        mutant!(
            task03,
            "task03_url_fetcher",
            "status_as_error",
            Buggy(StatusAsError),
            Check::Requirement,
            "treats a 4xx or 5xx response as a failed GET"
        ),
        mutant!(
            task03,
            "task03_url_fetcher",
            "error_not_logged",
            Buggy(ErrorNotLogged),
            Check::ErrorsHandled,
            "emits a failed GET's error but never logs it"
        ),
        mutant!(
            task03,
            "task03_url_fetcher",
            "task_per_url",
            Buggy(TaskPerUrl),
            Check::PoolSize,
            "spawns a task per URL: every request in flight at once"
        ),
        mutant!(
            task03,
            "task03_url_fetcher",
            "eight_workers",
            Buggy(EightWorkers),
            Check::PoolSize,
            "always starts the seed's 8 workers, whatever cfg says"
        ),
        mutant!(
            task03,
            "task03_url_fetcher",
            "drops_first_result",
            Buggy(DropsFirstResult),
            Check::Requirement,
            "the consumer counts the first result but never emits it"
        ),
        mutant!(
            task03,
            "task03_url_fetcher",
            "mean_over_all",
            Buggy(MeanOverAll),
            Check::Stretch,
            "averages latency over every URL, failed ones included"
        ),
        mutant!(
            task03,
            "task03_url_fetcher",
            "progress_ticker",
            Buggy(ProgressTicker),
            Check::NoLeaks,
            "a detached progress task that nobody stops outlives the call"
        ),
        mutant!(
            task03,
            "task03_url_fetcher",
            "zero_workers_hang",
            Buggy(NoZeroCheck),
            Check::GracefulShutdown,
            "accepts zero workers, and the producer waits forever for one"
        ),
        mutant!(
            task03,
            "task03_url_fetcher",
            "empty_input_accepted",
            Buggy(NoEmptyCheck),
            Check::GracefulShutdown,
            "returns Ok with empty stats for no URLs"
        ),
        mutant!(
            task03,
            "task03_url_fetcher",
            "panic_ignored",
            Buggy(PanicIgnored),
            Check::ErrorsHandled,
            "joins its tasks with `while tasks.join_next().await.is_some() {}`: a job that panicked is lost without a word, and the call returns Ok"
        ),
    ]
}
