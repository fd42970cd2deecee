//! Task 10's mutants: the pipeline's model answer (one generic stage, its workers sharing the
//! input, a closer joining them) with one mistake each, in one stage.

use crate::Mutant;
use harness::contracts::task10_pipeline::{
    destination, Failed, Image, Item, Outcome, Pipeline, Resizer, Stage, StageConfig, StageMetrics,
    StageName, Stored,
};
use harness::contracts::PoolError;
use harness::net::HttpClient;
use harness::pipe::Input;
use harness::probe::{Jobs, Probe};
use harness::Check;
use std::future::Future;
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot, Mutex};
use tokio::task::JoinSet;
use tokio::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Bug {
    /// The first upload worker to find the input ended drops the shared sender.
    OutputClosedEarly,
    /// The resize stage's closer joins one worker, then drops the set (aborting the rest).
    JoinedOneWorker,
    /// The seed's 16 download workers, whatever the config.
    SeedDownloadWorkers,
    /// The resize output holds one more than its buffer.
    ResizeBufferPlusOne,
    /// The download job is not raced with the token: only its waits are.
    DownloadRunsThroughCancel,
    /// A failed send is ignored: upload workers go on after their reader left.
    SendErrorIgnored,
    /// Zero upload workers made one.
    ZeroUploadWorkersClamped,
    /// A progress ticker per download stage that nobody stops.
    TickerLeft,
    /// The upload stage counts the failures it passes on as its own.
    PassedOnCounted,
}

struct Buggy(Bug);

impl Pipeline for Buggy {
    fn download(
        &self,
        cfg: StageConfig,
        urls: Jobs<String>,
        probe: Probe<String>,
        client: HttpClient,
        token: CancellationToken,
    ) -> Result<Stage<Item>, PoolError> {
        let bug = self.0;
        let cfg = match bug {
            Bug::SeedDownloadWorkers => StageConfig { workers: 16, ..cfg },
            _ => cfg,
        };
        if bug == Bug::TickerLeft && cfg.workers > 0 {
            tokio::spawn(async {
                let mut tick = tokio::time::interval(Duration::from_secs(1));
                loop {
                    tick.tick().await;
                    tracing::debug!("downloading");
                }
            });
        }
        let raced = bug != Bug::DownloadRunsThroughCancel;
        stage(
            bug,
            StageName::Download,
            cfg,
            urls,
            token,
            raced,
            move |url: String| {
                let (probe, client) = (probe.clone(), client.clone());
                async move {
                    let start = Instant::now();
                    let out = match probe.run_async(url.clone(), client.get(&url)).await {
                        Ok(p) if (200..300).contains(&p.status) => Ok(Image { url, bytes: p.body }),
                        Ok(p) => Err(failed(
                            url,
                            StageName::Download,
                            format!("status {}", p.status),
                        )),
                        Err(e) => Err(failed(url, StageName::Download, e.to_string())),
                    };
                    (out, Some(start.elapsed()))
                }
            },
        )
    }

    fn resize(
        &self,
        cfg: StageConfig,
        input: Input<Item>,
        probe: Probe<String>,
        resizer: Resizer,
        token: CancellationToken,
    ) -> Result<Stage<Item>, PoolError> {
        stage(
            self.0,
            StageName::Resize,
            cfg,
            input,
            token,
            true,
            move |item: Item| {
                let (probe, resizer) = (probe.clone(), resizer.clone());
                async move {
                    let Ok(Image { url, bytes }) = item else {
                        return (item, None);
                    };
                    let start = Instant::now();
                    let bytes = probe.run_async(url.clone(), resizer.resize(&bytes)).await;
                    (Ok(Image { url, bytes }), Some(start.elapsed()))
                }
            },
        )
    }

    fn upload(
        &self,
        cfg: StageConfig,
        input: Input<Item>,
        probe: Probe<String>,
        client: HttpClient,
        token: CancellationToken,
    ) -> Result<Stage<Outcome>, PoolError> {
        let bug = self.0;
        let cfg = match bug {
            Bug::ZeroUploadWorkersClamped => StageConfig {
                workers: cfg.workers.max(1),
                ..cfg
            },
            _ => cfg,
        };
        stage(
            bug,
            StageName::Upload,
            cfg,
            input,
            token,
            true,
            move |item: Item| {
                let (probe, client) = (probe.clone(), client.clone());
                async move {
                    let Image { url, bytes } = match item {
                        Ok(image) => image,
                        Err(f) if bug == Bug::PassedOnCounted => {
                            return (Err(f), Some(Duration::ZERO))
                        }
                        Err(f) => return (Err(f), None),
                    };
                    let start = Instant::now();
                    let to = destination(&url);
                    let out = match probe.run_async(url.clone(), client.post(&to, bytes)).await {
                        Ok(p) if (200..300).contains(&p.status) => Ok(Stored {
                            url,
                            status: p.status,
                        }),
                        Ok(p) => Err(failed(
                            url,
                            StageName::Upload,
                            format!("status {}", p.status),
                        )),
                        Err(e) => Err(failed(url, StageName::Upload, e.to_string())),
                    };
                    (out, Some(start.elapsed()))
                }
            },
        )
    }
}

fn failed(url: String, stage: StageName, error: String) -> Failed {
    Failed { url, stage, error }
}

/// Where a stage's items come from.
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

/// The model answer's stage, with `bug` planted where it applies to `name`; `raced`: the job
/// itself is raced with the token.
fn stage<I, T, W, F>(
    bug: Bug,
    name: StageName,
    cfg: StageConfig,
    input: impl Source<I>,
    token: CancellationToken,
    raced: bool,
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
    let plant = |b: Bug, at: StageName| bug == b && name == at;
    let buffer = cfg.buffer + usize::from(plant(Bug::ResizeBufferPlusOne, StageName::Resize));
    let (tx, output) = mpsc::channel(buffer);
    let tx = Arc::new(std::sync::Mutex::new(Some(tx)));
    let input = Arc::new(Mutex::new(input));
    let mut workers = JoinSet::new();
    for _ in 0..cfg.workers {
        let (input, token, work) = (input.clone(), token.clone(), work.clone());
        let early = plant(Bug::OutputClosedEarly, StageName::Upload);
        let ignore = plant(Bug::SendErrorIgnored, StageName::Upload);
        // Each worker's own sender, except where the planted bug shares one that can be taken.
        let mine = match early {
            true => None,
            false => tx.lock().unwrap_or_else(|p| p.into_inner()).clone(),
        };
        let shared = tx.clone();
        workers.spawn(async move {
            let mut metrics = StageMetrics::default();
            loop {
                let item = tokio::select! {
                    biased;
                    () = token.cancelled() => None,
                    item = async { input.lock().await.next().await } => item,
                };
                let Some(item) = item else {
                    if early {
                        shared.lock().unwrap_or_else(|p| p.into_inner()).take();
                    }
                    break;
                };
                let (out, busy) = match raced {
                    true => tokio::select! {
                        biased;
                        () = token.cancelled() => break,
                        done = work(item) => done,
                    },
                    false => work(item).await,
                };
                if let Some(busy) = busy {
                    metrics.busy += busy;
                    match &out {
                        Ok(_) => metrics.ok += 1,
                        Err(f) => {
                            metrics.failed += 1;
                            if f.stage == name {
                                tracing::warn!("{f}");
                            }
                        }
                    }
                }
                let tx = match (&mine, early) {
                    (Some(tx), _) => Some(tx.clone()),
                    (None, _) => shared.lock().unwrap_or_else(|p| p.into_inner()).clone(),
                };
                let Some(tx) = tx else { continue };
                tokio::select! {
                    biased;
                    () = token.cancelled() => break,
                    sent = tx.send(out) => if sent.is_err() && !ignore { break },
                }
            }
            metrics
        });
    }
    if !plant(Bug::OutputClosedEarly, StageName::Upload) {
        tx.lock().unwrap_or_else(|p| p.into_inner()).take();
    }
    let (report, metrics) = oneshot::channel();
    let one = plant(Bug::JoinedOneWorker, StageName::Resize);
    tokio::spawn(async move {
        let mut total = StageMetrics::default();
        while let Some(done) = workers.join_next().await {
            let m = done.unwrap_or_default();
            (total.ok, total.failed, total.busy) = (
                total.ok + m.ok,
                total.failed + m.failed,
                total.busy + m.busy,
            );
            if one {
                break; // the set is dropped here: the other workers are aborted
            }
        }
        let _ = report.send(total);
    });
    Ok(Stage {
        output,
        metrics: Some(metrics),
    })
}

pub fn mutants() -> Vec<Mutant> {
    use Bug::*;
    macro_rules! m {
        ($name:literal, $bug:expr, $check:expr, $what:literal) => {
            mutant!(task10, "task10_pipeline", $name, Buggy($bug), $check, $what)
        };
    }
    vec![
        m!("output_closed_early", OutputClosedEarly, Check::CloseOnce,
            "the upload workers share one sender in an Option, and the first to find its input ended takes it (Go's close(out) without wg.Wait): the others' results are lost"),
        m!("joined_one_worker", JoinedOneWorker, Check::AllJoined,
            "the resize stage's closer joins its first worker and drops the JoinSet, aborting the rest mid-job"),
        m!("seed_download_workers", SeedDownloadWorkers, Check::PoolSize,
            "16 download workers, the seed's number, whatever the config says"),
        m!("resize_buffer_plus_one", ResizeBufferPlusOne, Check::BufferSize,
            "the resize output is a channel of buffer + 1"),
        m!("download_runs_through_cancel", DownloadRunsThroughCancel, Check::CtxHonored,
            "the download workers watch the token while waiting, not during the GET itself"),
        m!("send_error_ignored", SendErrorIgnored, Check::ErrorsHandled,
            "an upload worker ignores a failed send and keeps uploading after its reader left"),
        m!("zero_upload_workers_clamped", ZeroUploadWorkersClamped, Check::GracefulShutdown,
            "zero upload workers made one with max(1) instead of refused"),
        m!("ticker_left", TickerLeft, Check::NoLeaks,
            "a progress ticker task per download stage that nobody stops"),
        m!("passed_on_counted", PassedOnCounted, Check::Stretch,
            "the upload stage counts the failures it passes on as its own"),
    ]
}
