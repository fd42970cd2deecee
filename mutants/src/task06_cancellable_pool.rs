//! Task 6's mutants: the cancellable pool's model answer with one mistake each.

use crate::Mutant;
use harness::contracts::task03_url_fetcher::{Fetched, Page};
use harness::contracts::task06_cancellable_pool::{CancelConfig, CancelStats, CancellablePool};
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
    ProducerIgnoresToken,
    GetNotCancelled,
    NoOwnDeadline,
    DeadlineHardcoded,
    DeadlineOnWallClock,
    CutShortEmitted,
    CancelledCountedCompleted,
    NeverStartedFromTaken,
    DeadlineTimerLeft,
    TaskPerUrl,
    NoZeroCheck,
    NoEmptyCheck,
    PanicIgnored,
}

struct Buggy(Bug);

impl CancellablePool for Buggy {
    fn fetch_all<'a>(
        &'a self,
        cfg: CancelConfig,
        urls: Jobs<String>,
        probe: Probe<String>,
        client: HttpClient,
        token: CancellationToken,
        emit: &'a mut Sink<Fetched>,
    ) -> LocalFuture<'a, Result<CancelStats, PoolError>> {
        let bug = self.0;
        Box::pin(async move {
            if cfg.pool.workers == 0 && bug != Bug::NoZeroCheck {
                return Err(PoolError::ZeroWorkers);
            }
            let mut urls = urls.peekable();
            if urls.peek().is_none() && bug != Bug::NoEmptyCheck {
                return Err(PoolError::EmptyInput);
            }
            let total = urls.len();
            let token = token.child_token();
            let (job_tx, job_rx) = mpsc::channel::<String>(cfg.pool.jobs_buffer);
            let (result_tx, mut results) = mpsc::channel::<Fetched>(cfg.pool.results_buffer);
            let job_rx = Arc::new(Mutex::new(job_rx));
            let taken = Arc::new(std::sync::atomic::AtomicUsize::new(0));
            let mut tasks: JoinSet<(usize, usize)> = JoinSet::new();
            let (t, counted) = (token.clone(), taken.clone());
            tasks.spawn(async move {
                loop {
                    if bug != Bug::ProducerIgnoresToken && t.is_cancelled() {
                        break;
                    }
                    let Some(url) = urls.next() else { break };
                    counted.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if bug == Bug::ProducerIgnoresToken {
                        // Waits for room however long it takes, cancelled or not.
                        if job_tx.send(url).await.is_err() {
                            break;
                        }
                        continue;
                    }
                    tokio::select! {
                        _ = t.cancelled() => break,
                        sent = job_tx.send(url) => if sent.is_err() { break },
                    }
                }
                (0, 0)
            });
            let workers = match bug {
                Bug::TaskPerUrl => 1 << 10,
                _ => cfg.pool.workers,
            };
            for _ in 0..workers {
                let (job_rx, result_tx, t) = (job_rx.clone(), result_tx.clone(), token.clone());
                let (probe, client) = (probe.clone(), client.clone());
                tasks.spawn(async move {
                    let (mut completed, mut cancelled) = (0, 0);
                    loop {
                        let next = tokio::select! {
                            _ = t.cancelled() => None,
                            url = async { job_rx.lock().await.recv().await } => url,
                        };
                        let Some(url) = next.filter(|_| !t.is_cancelled()) else {
                            break;
                        };
                        let get = fetch(&client, &probe, &url, cfg.timeout);
                        let outcome = if bug == Bug::GetNotCancelled {
                            get.await
                        } else {
                            tokio::select! {
                                biased;
                                _ = t.cancelled() => {
                                    cancelled += 1;
                                    if bug == Bug::CancelledCountedCompleted {
                                        completed += 1;
                                        cancelled -= 1;
                                    }
                                    if bug == Bug::CutShortEmitted {
                                        tracing::warn!("URL {url}: error cancelled");
                                        let outcome = Err("cancelled".to_string());
                                        let _ = result_tx.try_send(Fetched { url, outcome });
                                    }
                                    break;
                                }
                                outcome = get => outcome,
                            }
                        };
                        completed += 1;
                        if let Err(err) = &outcome {
                            tracing::warn!("URL {url}: error {err}");
                        }
                        tokio::select! {
                            _ = t.cancelled() => break,
                            sent = result_tx.send(Fetched { url, outcome }) => if sent.is_err() { break },
                        }
                    }
                    (completed, cancelled)
                });
            }
            drop(result_tx);
            let after = match bug {
                Bug::NoOwnDeadline => Duration::MAX,
                Bug::DeadlineHardcoded => Duration::from_secs(10),
                _ => cfg.cancel_after,
            };
            if bug == Bug::DeadlineTimerLeft {
                // A timer task of its own, never aborted: alive after the call returns.
                let t = token.clone();
                tokio::spawn(async move {
                    tokio::time::sleep(after).await;
                    t.cancel();
                });
            }
            let wall = std::time::Instant::now(); // the bug: the machine's clock
            let deadline = tokio::time::sleep(after);
            tokio::pin!(deadline);
            let own_timer = !matches!(bug, Bug::DeadlineTimerLeft | Bug::DeadlineOnWallClock);
            loop {
                tokio::select! {
                    () = &mut deadline, if own_timer && !token.is_cancelled() => token.cancel(),
                    () = token.cancelled() => break,
                    fetched = results.recv() => match fetched {
                        Some(fetched) => {
                            emit.emit(fetched).await;
                            if bug == Bug::DeadlineOnWallClock && wall.elapsed() >= after {
                                token.cancel();
                            }
                        }
                        None => break,
                    },
                }
            }
            let (mut completed, mut cancelled) = (0, 0);
            while let Some(done) = tasks.join_next().await {
                let (c, x) = match done {
                    Err(_) if bug == Bug::PanicIgnored => (0, 0),
                    done => done.map_err(|e| PoolError::JobPanicked(e.to_string()))?,
                };
                (completed, cancelled) = (completed + c, cancelled + x);
            }
            let total = match bug {
                Bug::NeverStartedFromTaken => taken.load(std::sync::atomic::Ordering::Relaxed),
                _ => total,
            };
            Ok(CancelStats {
                completed,
                cancelled,
                never_started: total.saturating_sub(completed + cancelled),
            })
        })
    }
}

/// One GET, body included, inside the probe and under the timeout.
async fn fetch(
    client: &HttpClient,
    probe: &Probe<String>,
    url: &str,
    limit: Duration,
) -> Result<Page, String> {
    let start = Instant::now();
    match timeout(limit, probe.run_async(url.to_owned(), client.get(url))).await {
        Ok(Ok(page)) => Ok(Page {
            status: page.status,
            bytes: page.body.len(),
            latency: start.elapsed(),
        }),
        Ok(Err(err)) => Err(err.to_string()),
        Err(_) => Err(format!("timed out after {limit:?}")),
    }
}

pub fn mutants() -> Vec<Mutant> {
    use Bug::*;
    macro_rules! m {
        ($name:literal, $bug:expr, $check:expr, $what:literal) => {
            mutant!(
                task06,
                "task06_cancellable_pool",
                $name,
                Buggy($bug),
                $check,
                $what
            )
        };
    }
    vec![
        m!("producer_ignores_token", ProducerIgnoresToken, Check::CtxHonored,
            "the producer never looks at the token: it keeps taking URLs and waits on a full jobs channel"),
        m!("get_not_cancelled", GetNotCancelled, Check::CtxHonored,
            "workers check the token only between jobs: a GET in flight runs to its end"),
        m!("no_own_deadline", NoOwnDeadline, Check::CtxHonored,
            "the pool never cancels itself: cfg.cancel_after is ignored"),
        m!("deadline_hardcoded", DeadlineHardcoded, Check::CtxHonored,
            "cancels itself after the seed's 10 s instead of cfg.cancel_after"),
        m!("deadline_on_wall_clock", DeadlineOnWallClock, Check::CtxHonored,
            "times its own deadline with std::time::Instant, the machine's clock, not the runtime's"),
        m!("cut_short_emitted", CutShortEmitted, Check::ErrorsHandled,
            "emits and logs each GET the cancellation cut short as a failed URL"),
        m!("cancelled_counted_completed", CancelledCountedCompleted, Check::Stretch,
            "counts a GET cut short by the cancellation as completed"),
        m!("never_started_from_taken", NeverStartedFromTaken, Check::Stretch,
            "counts never-started from the URLs taken, forgetting those left in the input"),
        m!("deadline_timer_left", DeadlineTimerLeft, Check::NoLeaks,
            "runs its deadline in a spawned timer task that nobody aborts: alive after the call"),
        m!("task_per_url", TaskPerUrl, Check::PoolSize,
            "a task per URL: requests in flight without bound"),
        m!("zero_workers_hang", NoZeroCheck, Check::GracefulShutdown,
            "accepts zero workers: nobody fetches, and the call waits for the deadline"),
        m!("empty_input_accepted", NoEmptyCheck, Check::GracefulShutdown,
            "accepts an empty URL list and returns empty stats"),
        m!("panic_ignored", PanicIgnored, Check::ErrorsHandled,
            "counts a task that panicked as having done nothing: the job is lost without a word, and the call returns Ok"),
    ]
}
