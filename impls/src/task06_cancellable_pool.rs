//! Task 6, Cancellable Pool: task 3's pool, where every wait also waits on the token: the
//! producer's send, each worker's receive and GET, the consumer's receive. The pool's own
//! deadline is a timer in the consumer that cancels a child of the caller's token.

use crate::task03_url_fetcher::fetch;
use harness::contracts::task03_url_fetcher::Fetched;
use harness::contracts::task06_cancellable_pool::{CancelConfig, CancelStats, CancellablePool};
use harness::contracts::{LocalFuture, PoolError};
use harness::net::HttpClient;
use harness::probe::{Jobs, Probe};
use harness::sink::Sink;
use std::sync::Arc;
use tokio::sync::{mpsc, Mutex};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

pub struct Answer;

impl CancellablePool for Answer {
    fn fetch_all<'a>(
        &'a self,
        cfg: CancelConfig,
        urls: Jobs<String>,
        probe: Probe<String>,
        client: HttpClient,
        token: CancellationToken,
        emit: &'a mut Sink<Fetched>,
    ) -> LocalFuture<'a, Result<CancelStats, PoolError>> {
        Box::pin(async move {
            if cfg.pool.workers == 0 {
                return Err(PoolError::ZeroWorkers);
            }
            let mut urls = urls.peekable();
            if urls.peek().is_none() {
                return Err(PoolError::EmptyInput);
            }
            let total = urls.len();
            let token = token.child_token();
            let (job_tx, job_rx) = mpsc::channel::<String>(cfg.pool.jobs_buffer);
            let (result_tx, mut results) = mpsc::channel::<Fetched>(cfg.pool.results_buffer);
            let job_rx = Arc::new(Mutex::new(job_rx));
            // Each task returns the GETs it completed and the GETs it cut short.
            let mut tasks: JoinSet<(usize, usize)> = JoinSet::new();
            let t = token.clone();
            tasks.spawn(async move {
                while let Some(url) = urls.next().filter(|_| !t.is_cancelled()) {
                    tokio::select! {
                        _ = t.cancelled() => break,
                        sent = job_tx.send(url) => if sent.is_err() { break },
                    }
                }
                (0, 0)
            });
            for _ in 0..cfg.pool.workers {
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
                        let outcome = tokio::select! {
                            biased;
                            _ = t.cancelled() => {
                                cancelled += 1;
                                break;
                            }
                            outcome = fetch(&client, &probe, &url, cfg.timeout) => outcome,
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
            let deadline = tokio::time::sleep(cfg.cancel_after);
            tokio::pin!(deadline);
            loop {
                // biased: the cancel first, so no result is emitted after it.
                tokio::select! {
                    biased;
                    () = token.cancelled() => break,
                    () = &mut deadline => token.cancel(),
                    fetched = results.recv() => match fetched {
                        Some(fetched) => emit.emit(fetched).await,
                        None => break,
                    },
                }
            }
            let (mut completed, mut cancelled) = (0, 0);
            while let Some(done) = tasks.join_next().await {
                let (c, x) = done.map_err(|e| PoolError::JobPanicked(e.to_string()))?;
                (completed, cancelled) = (completed + c, cancelled + x);
            }
            Ok(CancelStats {
                completed,
                cancelled,
                never_started: total - completed - cancelled,
            })
        })
    }
}
