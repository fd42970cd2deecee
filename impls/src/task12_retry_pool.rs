//! Task 12, Retry-on-Error Pool: each worker runs its job in a retry loop; a transient failure
//! waits `backoff * 2^(r-1)` plus the harness's jitter and tries again, a permanent one is final.
//! Stretch: with a retry pool, the workers make first attempts only and hand on what failed.

use harness::contracts::task12_retry_pool::{Attempted, JobError, RetryConfig, RetryPool};
use harness::contracts::{LocalFuture, PoolError};
use harness::jitter::Jitter;
use harness::net::{HttpClient, HttpError};
use harness::probe::Jobs;
use harness::sink::Sink;
use std::sync::Arc;
use tokio::sync::{mpsc, Mutex};
use tokio::task::JoinSet;

pub struct Answer;

impl RetryPool for Answer {
    fn fetch_all<'a>(
        &'a self,
        cfg: RetryConfig,
        urls: Jobs<String>,
        client: HttpClient,
        jitter: Jitter,
        emit: &'a mut Sink<Attempted>,
    ) -> LocalFuture<'a, Result<(), PoolError>> {
        Box::pin(async move {
            if cfg.pool.workers == 0 || cfg.retry_workers == Some(0) {
                return Err(PoolError::ZeroWorkers);
            }
            let mut urls = urls.peekable();
            if urls.peek().is_none() {
                return Err(PoolError::EmptyInput);
            }
            let (job_tx, job_rx) = mpsc::channel::<String>(cfg.pool.jobs_buffer);
            let (result_tx, mut results) = mpsc::channel::<Attempted>(cfg.pool.results_buffer);
            let mut tasks = JoinSet::new();
            tasks.spawn(async move {
                for url in urls {
                    if job_tx.send(url).await.is_err() {
                        break;
                    }
                }
            });
            // The stretch: a pool of its own for the jobs whose first attempt failed.
            let retry_tx = cfg.retry_workers.map(|n| {
                let (retry_tx, retry_rx) = mpsc::channel::<(String, String)>(cfg.pool.jobs_buffer);
                let retry_rx = Arc::new(Mutex::new(retry_rx));
                for _ in 0..n {
                    let (retry_rx, result_tx) = (retry_rx.clone(), result_tx.clone());
                    let client = client.clone();
                    tasks.spawn(async move {
                        loop {
                            let Some((url, err)) = retry_rx.lock().await.recv().await else {
                                break;
                            };
                            let done = retry(&client, jitter, &cfg, url, err).await;
                            if result_tx.send(done).await.is_err() {
                                break;
                            }
                        }
                    });
                }
                retry_tx
            });
            let job_rx = Arc::new(Mutex::new(job_rx));
            for _ in 0..cfg.pool.workers {
                let (job_rx, result_tx) = (job_rx.clone(), result_tx.clone());
                let (retry_tx, client) = (retry_tx.clone(), client.clone());
                tasks.spawn(async move {
                    loop {
                        let Some(url) = job_rx.lock().await.recv().await else {
                            break;
                        };
                        let done = match (attempt(&client, &url).await, &retry_tx) {
                            (Err(JobError::Transient(err)), Some(retry_tx)) => {
                                if retry_tx.send((url, err)).await.is_err() {
                                    break;
                                }
                                continue;
                            }
                            (Err(JobError::Transient(err)), None) => {
                                retry(&client, jitter, &cfg, url, err).await
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
                });
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

/// The retries of `url`, whose first attempt failed transiently with `err`.
async fn retry(
    client: &HttpClient,
    jitter: Jitter,
    cfg: &RetryConfig,
    url: String,
    mut err: String,
) -> Attempted {
    for r in 1..=cfg.retries {
        tokio::time::sleep(cfg.backoff * 2u32.pow(r - 1) + jitter.of(&url, r)).await;
        match attempt(client, &url).await {
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
        attempts: cfg.retries + 1,
    }
}

/// One GET, classified: a number, or a transient or permanent error.
async fn attempt(client: &HttpClient, url: &str) -> Result<u64, JobError> {
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
        500..=599 => Err(JobError::Transient(format!("status {}", page.status))),
        status => Err(JobError::Permanent(format!("status {status}"))),
    }
}
