//! Task 12's mutants: the retry pool's model answer with one mistake each.

use crate::Mutant;
use harness::contracts::task12_retry_pool::{Attempted, JobError, RetryConfig, RetryPool};
use harness::contracts::{LocalFuture, PoolError};
use harness::jitter::Jitter;
use harness::net::{HttpClient, HttpError};
use harness::probe::Jobs;
use harness::sink::Sink;
use harness::Check;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, Mutex};
use tokio::task::JoinSet;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Bug {
    NoJitter,
    GlobalRngJitter,
    Retries404,
    OneRetryTooMany,
    BackoffNotDoubled,
    TaskPerUrl,
    ResultsUnbounded,
    JobsOffByOne,
    WorkerLeftRunning,
    RetriesStayInWorkers,
    NoZeroCheck,
    NoEmptyCheck,
}

struct Buggy(Bug);

impl RetryPool for Buggy {
    fn fetch_all<'a>(
        &'a self,
        cfg: RetryConfig,
        urls: Jobs<String>,
        client: HttpClient,
        jitter: Jitter,
        emit: &'a mut Sink<Attempted>,
    ) -> LocalFuture<'a, Result<(), PoolError>> {
        let bug = self.0;
        Box::pin(async move {
            if (cfg.pool.workers == 0 || cfg.retry_workers == Some(0)) && bug != Bug::NoZeroCheck {
                return Err(PoolError::ZeroWorkers);
            }
            let mut urls = urls.peekable();
            if urls.peek().is_none() && bug != Bug::NoEmptyCheck {
                return Err(PoolError::EmptyInput);
            }
            let jobs_buffer = cfg.pool.jobs_buffer + usize::from(bug == Bug::JobsOffByOne);
            let (job_tx, job_rx) = mpsc::channel::<String>(jobs_buffer);
            let results_buffer = match bug {
                Bug::ResultsUnbounded => 1 << 16,
                _ => cfg.pool.results_buffer,
            };
            let (result_tx, mut results) = mpsc::channel::<Attempted>(results_buffer);
            let mut tasks = JoinSet::new();
            tasks.spawn(async move {
                for url in urls {
                    if job_tx.send(url).await.is_err() {
                        break;
                    }
                }
            });
            let pool = Pool { bug, cfg, jitter };
            let retry_tx = cfg
                .retry_workers
                .filter(|_| bug != Bug::RetriesStayInWorkers);
            let retry_tx = retry_tx.map(|n| {
                let (retry_tx, retry_rx) = mpsc::channel::<(String, String)>(jobs_buffer);
                let retry_rx = Arc::new(Mutex::new(retry_rx));
                for _ in 0..n {
                    let (retry_rx, result_tx, client) =
                        (retry_rx.clone(), result_tx.clone(), client.clone());
                    tasks.spawn(async move {
                        loop {
                            let Some((url, err)) = retry_rx.lock().await.recv().await else {
                                break;
                            };
                            let done = pool.retry(&client, url, err).await;
                            if result_tx.send(done).await.is_err() {
                                break;
                            }
                        }
                    });
                }
                retry_tx
            });
            let job_rx = Arc::new(Mutex::new(job_rx));
            let workers = match bug {
                Bug::TaskPerUrl => 1 << 10,
                _ => cfg.pool.workers,
            };
            for w in 0..workers {
                let (job_rx, result_tx) = (job_rx.clone(), result_tx.clone());
                let (retry_tx, client) = (retry_tx.clone(), client.clone());
                let worker = async move {
                    loop {
                        let Some(url) = job_rx.lock().await.recv().await else {
                            break;
                        };
                        let done = match (pool.attempt(&client, &url).await, &retry_tx) {
                            (Err(JobError::Transient(err)), Some(retry_tx)) => {
                                if retry_tx.send((url, err)).await.is_err() {
                                    break;
                                }
                                continue;
                            }
                            (Err(JobError::Transient(err)), None) => {
                                pool.retry(&client, url, err).await
                            }
                            (outcome, _) => Attempted {
                                url,
                                outcome,
                                attempts: 1,
                            },
                        };
                        if result_tx.send(done).await.is_err() {
                            break;
                        }
                    }
                };
                if bug == Bug::WorkerLeftRunning && w == 0 {
                    // Detached: its handle dropped, so the join below never waits for it.
                    tokio::task::spawn_local(async move {
                        worker.await;
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    });
                } else {
                    tasks.spawn_local(worker);
                }
            }
            drop((result_tx, retry_tx));
            while let Some(done) = results.recv().await {
                emit.emit(done).await;
            }
            while tasks.join_next().await.is_some() {}
            Ok(())
        })
    }
}

#[derive(Clone, Copy)]
struct Pool {
    bug: Bug,
    cfg: RetryConfig,
    jitter: Jitter,
}

/// A jitter source of the solution's own, seeded from nothing the harness controls.
static OWN_RNG: AtomicU64 = AtomicU64::new(0x2545_f491_4f6c_dd1d);

impl Pool {
    fn wait(&self, url: &str, r: u32) -> Duration {
        let backoff = match self.bug {
            Bug::BackoffNotDoubled => self.cfg.backoff * r,
            _ => self.cfg.backoff * 2u32.pow(r - 1),
        };
        let jitter = match self.bug {
            Bug::NoJitter => Duration::ZERO,
            Bug::GlobalRngJitter => {
                let x = OWN_RNG.fetch_add(0x9e37_79b9_7f4a_7c15, Ordering::Relaxed);
                Duration::from_millis(x.wrapping_mul(0xbf58_476d_1ce4_e5b9) >> 58)
                    .min(self.jitter.max())
            }
            _ => self.jitter.of(url, r),
        };
        backoff + jitter
    }

    async fn retry(&self, client: &HttpClient, url: String, mut err: String) -> Attempted {
        let retries = self.cfg.retries + u32::from(self.bug == Bug::OneRetryTooMany);
        for r in 1..=retries {
            tokio::time::sleep(self.wait(&url, r)).await;
            match self.attempt(client, &url).await {
                Err(JobError::Transient(e)) => err = e,
                outcome => {
                    return Attempted {
                        url,
                        outcome,
                        attempts: r + 1,
                    }
                }
            }
        }
        Attempted {
            url,
            outcome: Err(JobError::Transient(err)),
            attempts: retries + 1,
        }
    }

    async fn attempt(&self, client: &HttpClient, url: &str) -> Result<u64, JobError> {
        let page = match client.get(url).await {
            Ok(page) => page,
            Err(e @ HttpError::BadUrl(_)) => return Err(JobError::Permanent(e.to_string())),
            Err(e) => return Err(JobError::Transient(e.to_string())),
        };
        match page.status {
            200..=299 => std::str::from_utf8(&page.body)
                .ok()
                .and_then(|body| body.trim().parse().ok())
                .ok_or_else(|| JobError::Permanent("the body is not a number".into())),
            404 if self.bug == Bug::Retries404 => Err(JobError::Transient("status 404".into())),
            500..=599 => Err(JobError::Transient(format!("status {}", page.status))),
            status => Err(JobError::Permanent(format!("status {status}"))),
        }
    }
}

pub fn mutants() -> Vec<Mutant> {
    use Bug::*;
    macro_rules! m {
        ($name:literal, $bug:expr, $check:expr, $what:literal) => {
            mutant!(
                task12,
                "task12_retry_pool",
                $name,
                Buggy($bug),
                $check,
                $what
            )
        };
    }
    vec![
        m!(
            "no_jitter",
            NoJitter,
            Check::Requirement,
            "waits the bare backoff: every client retries in step with the others"
        ),
        m!(
            "global_rng_jitter",
            GlobalRngJitter,
            Check::Requirement,
            "draws its jitter from a global RNG of its own instead of the harness's seeded jitter"
        ),
        m!(
            "retries_404",
            Retries404,
            Check::Requirement,
            "takes a 404 for transient and retries it, though the server will say the same again"
        ),
        m!(
            "one_retry_too_many",
            OneRetryTooMany,
            Check::Requirement,
            "retries cfg.retries + 1 times"
        ),
        m!(
            "backoff_not_doubled",
            BackoffNotDoubled,
            Check::Requirement,
            "waits 100, 200, 300 ms: linear, not exponential"
        ),
        m!(
            "task_per_url",
            TaskPerUrl,
            Check::PoolSize,
            "starts a task per URL: requests in flight without bound"
        ),
        m!(
            "results_unbounded",
            ResultsUnbounded,
            Check::BufferSize,
            "a results channel far larger than cfg.pool.results_buffer"
        ),
        m!(
            "jobs_off_by_one",
            JobsOffByOne,
            Check::BufferSize,
            "a jobs channel one larger than cfg.pool.jobs_buffer"
        ),
        m!(
            "worker_left_running",
            WorkerLeftRunning,
            Check::NoLeaks,
            "one worker is spawned detached and outlives the call"
        ),
        m!(
            "retries_stay_in_workers",
            RetriesStayInWorkers,
            Check::Stretch,
            "ignores cfg.retry_workers: the workers still sleep out every backoff"
        ),
        m!(
            "zero_workers_hang",
            NoZeroCheck,
            Check::GracefulShutdown,
            "accepts zero workers: no one takes a job and the call never returns"
        ),
        m!(
            "empty_input_accepted",
            NoEmptyCheck,
            Check::GracefulShutdown,
            "accepts an empty URL list and returns Ok(())"
        ),
    ]
}
