//! Task 10, Pipeline of Pools: each stage is one function, `stage`, given where its items come
//! from and what to do with each. Its workers share the input, send what they made on a bounded
//! output and hold a clone of its sender each, so the output ends when the last worker exits; a
//! closer task joins them and then sends the stage's metrics.

use harness::contracts::task10_pipeline::{
    destination, Failed, Image, Item, Outcome, Pipeline, Resizer, Stage, StageConfig, StageMetrics,
    StageName, Stored,
};
use harness::contracts::PoolError;
use harness::net::{HttpClient, HttpError, Page};
use harness::pipe::Input;
use harness::probe::{Jobs, Probe};
use std::future::Future;
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot, Mutex};
use tokio::task::JoinSet;
use tokio::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;

pub struct Answer;

impl Pipeline for Answer {
    fn download(
        &self,
        cfg: StageConfig,
        urls: Jobs<String>,
        probe: Probe<String>,
        client: HttpClient,
        token: CancellationToken,
    ) -> Result<Stage<Item>, PoolError> {
        stage(cfg, urls, token, move |url: String| {
            let (probe, client) = (probe.clone(), client.clone());
            async move {
                let start = Instant::now();
                let got = probe.run_async(url.clone(), client.get(&url)).await;
                let image =
                    page(got, &url, StageName::Download).map(|p| Image { url, bytes: p.body });
                (image, Some(start.elapsed()))
            }
        })
    }

    fn resize(
        &self,
        cfg: StageConfig,
        input: Input<Item>,
        probe: Probe<String>,
        resizer: Resizer,
        token: CancellationToken,
    ) -> Result<Stage<Item>, PoolError> {
        stage(cfg, input, token, move |item: Item| {
            let (probe, resizer) = (probe.clone(), resizer.clone());
            async move {
                let Ok(Image { url, bytes }) = item else {
                    return (item, None); // an earlier stage's failure, passed on
                };
                let start = Instant::now();
                let bytes = probe.run_async(url.clone(), resizer.resize(&bytes)).await;
                (Ok(Image { url, bytes }), Some(start.elapsed()))
            }
        })
    }

    fn upload(
        &self,
        cfg: StageConfig,
        input: Input<Item>,
        probe: Probe<String>,
        client: HttpClient,
        token: CancellationToken,
    ) -> Result<Stage<Outcome>, PoolError> {
        stage(cfg, input, token, move |item: Item| {
            let (probe, client) = (probe.clone(), client.clone());
            async move {
                let Image { url, bytes } = match item {
                    Ok(image) => image,
                    Err(failed) => return (Err(failed), None),
                };
                let start = Instant::now();
                let to = destination(&url);
                let got = probe.run_async(url.clone(), client.post(&to, bytes)).await;
                let stored = page(got, &url, StageName::Upload).map(|p| Stored {
                    url,
                    status: p.status,
                });
                (stored, Some(start.elapsed()))
            }
        })
    }
}

/// A 2xx page, or the failure a stage reports for anything else.
fn page(got: Result<Page, HttpError>, url: &str, stage: StageName) -> Result<Page, Failed> {
    let error = match got {
        Ok(page) if (200..300).contains(&page.status) => return Ok(page),
        Ok(page) => format!("status {}", page.status),
        Err(err) => err.to_string(),
    };
    Err(Failed {
        url: url.to_owned(),
        stage,
        error,
    })
}

/// Where a stage's items come from: the URLs, or the stage before.
trait Source<T>: Send + 'static {
    fn next(&mut self) -> impl Future<Output = Option<T>> + Send;
}

impl Source<String> for Jobs<String> {
    async fn next(&mut self) -> Option<String> {
        Iterator::next(self)
    }
}

impl<T: Send + 'static> Source<T> for Input<T> {
    async fn next(&mut self) -> Option<T> {
        self.recv().await
    }
}

/// Spawns `cfg.workers` tasks that take items from `input` and send `work(item)` on an output of
/// `cfg.buffer`, until the input ends, the output's reader is gone or `token` fires. `work`
/// returns the result and, for a job of this stage's own, how long it took.
fn stage<I, T, W, F>(
    cfg: StageConfig,
    input: impl Source<I>,
    token: CancellationToken,
    work: W,
) -> Result<Stage<Result<T, Failed>>, PoolError>
where
    I: Send + 'static,
    T: Send + 'static,
    W: Fn(I) -> F + Clone + Send + 'static,
    F: Future<Output = (Result<T, Failed>, Option<Duration>)> + Send,
{
    if cfg.workers == 0 {
        return Err(PoolError::ZeroWorkers);
    }
    let (tx, output) = mpsc::channel(cfg.buffer);
    let input = Arc::new(Mutex::new(input));
    let mut workers = JoinSet::new();
    for _ in 0..cfg.workers {
        let (input, tx, token, work) = (input.clone(), tx.clone(), token.clone(), work.clone());
        workers.spawn(async move {
            let mut metrics = StageMetrics::default();
            loop {
                let item = tokio::select! {
                    biased;
                    () = token.cancelled() => None,
                    item = async { input.lock().await.next().await } => item,
                };
                let Some(item) = item else { break };
                let (out, busy) = tokio::select! {
                    biased;
                    () = token.cancelled() => break,
                    done = work(item) => done,
                };
                if let Some(busy) = busy {
                    metrics.busy += busy;
                    match &out {
                        Ok(_) => metrics.ok += 1,
                        Err(failed) => {
                            metrics.failed += 1;
                            tracing::warn!("{failed}");
                        }
                    }
                }
                tokio::select! {
                    biased;
                    () = token.cancelled() => break,
                    sent = tx.send(out) => if sent.is_err() { break },
                }
            }
            metrics
        });
    }
    drop(tx);
    let (report, metrics) = oneshot::channel();
    tokio::spawn(async move {
        let mut total = StageMetrics::default();
        while let Some(done) = workers.join_next().await {
            let m = done.unwrap_or_default(); // a worker that panicked did nothing it can count
            (total.ok, total.failed, total.busy) = (
                total.ok + m.ok,
                total.failed + m.failed,
                total.busy + m.busy,
            );
        }
        let _ = report.send(total);
    });
    Ok(Stage {
        output,
        metrics: Some(metrics),
    })
}
