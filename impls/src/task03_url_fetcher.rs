//! Task 3, URL Fetcher: 8 worker tasks share one client and one jobs channel; each GET runs
//! under the timeout, and the calling task reads the results until the channel closes.

use harness::contracts::task03_url_fetcher::{
    FetchConfig, FetchStats, Fetched, LocalFuture, Page, UrlFetcher,
};
use harness::contracts::PoolError;
use harness::net::HttpClient;
use harness::probe::{Jobs, Probe};
use harness::sink::Sink;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, Mutex};
use tokio::task::JoinSet;
use tokio::time::{timeout, Instant};

pub struct Answer;

impl UrlFetcher for Answer {
    fn fetch_all<'a>(
        &'a self,
        cfg: FetchConfig,
        urls: Jobs<String>,
        probe: Probe<String>,
        client: HttpClient,
        emit: &'a mut Sink<Fetched>,
    ) -> LocalFuture<'a, Result<FetchStats, PoolError>> {
        Box::pin(async move {
            if cfg.pool.workers == 0 {
                return Err(PoolError::ZeroWorkers);
            }
            let mut urls = urls.peekable();
            if urls.peek().is_none() {
                return Err(PoolError::EmptyInput);
            }
            let (job_tx, job_rx) = mpsc::channel::<String>(cfg.pool.jobs_buffer);
            let (result_tx, mut results) = mpsc::channel::<Fetched>(cfg.pool.results_buffer);
            let job_rx = Arc::new(Mutex::new(job_rx));
            let mut tasks = JoinSet::new();
            tasks.spawn(async move {
                for url in urls {
                    if job_tx.send(url).await.is_err() {
                        break;
                    }
                }
            });
            for _ in 0..cfg.pool.workers {
                let (job_rx, result_tx) = (job_rx.clone(), result_tx.clone());
                let (probe, client) = (probe.clone(), client.clone());
                tasks.spawn(async move {
                    loop {
                        let Some(url) = job_rx.lock().await.recv().await else {
                            break;
                        };
                        let outcome = fetch(&client, &probe, &url, cfg.timeout).await;
                        if let Err(err) = &outcome {
                            tracing::warn!("URL {url}: error {err}");
                        }
                        if result_tx.send(Fetched { url, outcome }).await.is_err() {
                            break;
                        }
                    }
                });
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
                emit.emit(fetched).await;
            }
            let mut panicked = None;
            while let Some(done) = tasks.join_next().await {
                if let Err(e) = done {
                    panicked.get_or_insert(PoolError::JobPanicked(e.to_string()));
                }
            }
            if let Some(e) = panicked {
                return Err(e);
            }
            Ok(FetchStats {
                total_bytes: bytes,
                mean_latency: latency.checked_div(n - failed).unwrap_or_default(),
                error_rate: f64::from(failed) / f64::from(n),
            })
        })
    }
}

/// One GET, body included, inside the probe and under the timeout.
pub(crate) async fn fetch(
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
