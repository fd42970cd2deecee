//! Blind mutants of Task 10, Pipeline of Pools (see `super`): written from the course and the
//! task's contract alone, without the scenarios.
//!
//! Every mutant is one pipeline, written once the way a learner would (`tokio::spawn`ed
//! supervisor per stage owning a `JoinSet` of workers, a bounded `tokio::sync::mpsc` output, the
//! input shared behind a `tokio::sync::Mutex`, `tokio::select!` on the `CancellationToken` around
//! every wait), parameterised by a [`Defect`] that plants exactly one mistake in one stage;
//! [`Defect::None`] is not listed and is the pipeline with no mistake.
//!
//! Questions the contract left open (noted here instead of looked up):
//! - A `StageConfig::buffer` of 0: `PoolConfig` calls 0 a rendezvous channel, but the contract
//!   asks for `tokio::sync::mpsc::channel(cfg.buffer)`, which panics on 0 and has no rendezvous
//!   flavour. Is a buffer of 0 ever handed to a stage, and what is it then? These mutants use
//!   `cfg.buffer.max(1)`.
//! - The download stage reads a synchronous `Jobs<String>`: may its workers share it behind a
//!   `std::sync::Mutex` and call `next()` on the runtime's thread, or is a producer task feeding
//!   a channel expected (and if so, with what capacity: the stage config has only one buffer)?
//! - When the token fires, a failure already logged but not yet sent is dropped: is it still
//!   owed to the output ("every URL out of the pipeline once" seems to hold only for a run that
//!   is not cancelled)?
//! - `StageMetrics` of a cancelled stage: is the metrics message still owed, and does a job
//!   dropped by the token count as `failed`, or not at all? These mutants count it not at all.
//! - `busy` is "each job's own `probe.run_async`": is the time to wait for the input lock or the
//!   output's room ever part of it? (Taken as no.)
//! - A job that panics (a scenario's hook inside `probe.run_async`): the contract does not say
//!   what a stage owes then. Here the worker's task dies, the `JoinSet` swallows the panic and
//!   the stage goes on one worker short, that URL never coming out. Should it be reported as a
//!   `Failed` (with which error text), or the worker replaced?
//! - Where in the checklist does a logic race on a shared counter belong, when `race_free` is
//!   model-checked with loom and this pipeline is tokio code on virtual time? The lost-update
//!   mutant is filed under `stretch`, where its wrong numbers show.

use crate::Mutant;
use harness::contracts::task10_pipeline::{
    destination, Failed, Image, Item, Outcome, Pipeline, Resizer, Stage, StageConfig, StageMetrics,
    StageName, Stored, STORE,
};
use harness::contracts::{PoolConfig, PoolError, Solution};
use harness::net::{HttpClient, HttpError, Page};
use harness::pipe::Input;
use harness::probe::{Jobs, Probe};
use harness::Check;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinSet;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

/// The one mistake a mutant makes, and the checklist item a good suite should blame for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Defect {
    /// No mistake: the pipeline the mutants are built from.
    None,
    /// The download stage runs the seed's 16 workers whatever its config says (`pool_size`).
    DownloadSixteen,
    /// The resize stage runs `NumCPU` workers, as the seed says, instead of its config's
    /// (`pool_size`).
    ResizeNumCpu,
    /// The upload stage spawns `0..=workers`, one worker too many (`pool_size`).
    UploadExtraWorker,
    /// Each resize worker takes the input's lock once and keeps it for its whole life, so one
    /// worker does every resize (`pool_size`).
    InputLockHeld,
    /// The resize stage turns zero workers into one instead of refusing them (`pool_size`).
    ZeroWorkersClamped,
    /// The download stage's output holds `buffer + 1` items (`buffer_size`).
    BufferPlusOne,
    /// The upload stage's output is sized by its workers instead of its buffer (`buffer_size`).
    BufferIsWorkers,
    /// The resize workers send into an unbounded channel that a forwarder copies into the
    /// bounded output, so finished resizes pile up without limit (`buffer_size`).
    UnboundedResizeQueue,
    /// The download stage's producer drains every URL into an unbounded queue up front
    /// (`buffer_size`).
    DownloadPrefetch,
    /// The download stage's supervisor awaits one `join_next` and then drops the `JoinSet`,
    /// aborting the workers still downloading (`all_joined`).
    JoinFirstOnly,
    /// The first resize worker to see the input end cancels the stage's own token "to stop the
    /// others", which drop the resize in hand (`graceful_shutdown`).
    AbortOnInputEnd,
    /// The upload stage keeps its sender in an `Option` to close it as Go does, and the first
    /// worker to see the input end closes it while the others are still uploading
    /// (`close_once`).
    CloseOnInputEnd,
    /// The resize stage's progress monitor holds a clone of the output sender and loops until the
    /// reader goes, so the output never ends (`close_once`).
    SenderKeptByMonitor,
    /// The download stage's progress ticker loops forever, outliving the stage (`no_leaks`).
    LeakedTicker,
    /// Each download runs in a task of its own whose `JoinHandle` the worker awaits; on
    /// cancellation the worker drops the handle, which does not abort the task, and the GET
    /// runs on (`no_leaks`).
    DetachedJobTask,
    /// Each download worker drops its sender when done and then sleeps "to let connections
    /// close" before it returns, so it outlives the end of the output (`all_joined`).
    LingerAfterClose,
    /// The download workers check the token only at the top of the loop, never during a GET or
    /// a send (`ctx_honored`).
    TokenBetweenJobs,
    /// The resize stage never looks at the token (`ctx_honored`).
    ResizeIgnoresToken,
    /// The upload workers race the token against the POST but not against a full output
    /// (`ctx_honored`).
    UploadSendIgnoresToken,
    /// A download worker sends its first failure and then returns, so the stage loses a worker
    /// per failure (`errors_handled`).
    StopOnFirstError,
    /// The resize stage drops the failures it receives instead of passing them on
    /// (`errors_handled`).
    ResizeSwallowsFailures,
    /// The download stage sends its failures on without logging them (`errors_handled`).
    DownloadFailureNotLogged,
    /// The upload stage logs again every failure it passes on from an earlier stage
    /// (`errors_handled`).
    PassedOnFailureLoggedAgain,
    /// The upload stage reports any answer from the store as stored, 5xx included
    /// (`errors_handled`).
    Upload5xxStored,
    /// A download worker ignores a failed send and keeps taking URLs after the reader has gone
    /// (`errors_handled`).
    SendErrorIgnored,
    /// The download stage passes any response on as an image, a 404's body included
    /// (`requirement`).
    DownloadAnyStatusOk,
    /// The upload stage labels its failures `StageName::Download`, copied from stage 1
    /// (`requirement`).
    UploadFailureStageDownload,
    /// The upload stage POSTs to `http://store.test/http://host/path` (`requirement`).
    WrongDestination,
    /// The resize stage awaits the resize but sends the original bytes on (`requirement`).
    ResizedBytesDiscarded,
    /// The upload stage POSTs outside the probe and wraps only the finished result in
    /// `probe.run_async` (`requirement`).
    UploadOutsideProbe,
    /// The resize stage keys its probe by the image's destination instead of its URL
    /// (`requirement`).
    ResizeProbeKeyDestination,
    /// The upload stage counts the failures it passes on as its own in its metrics (`stretch`).
    MetricsCountPassedOn,
    /// The resize stage's `busy` runs from before waiting for an item to after sending it
    /// (`stretch`).
    BusyIncludesWait,
    /// The resize stage sends its metrics when its first worker exits (`stretch`).
    MetricsBeforeExit,
    /// Each download worker reads the stage's metrics before its GET and writes them back,
    /// plus its own job, after it: a read-modify-write across an await that loses the other
    /// workers' updates (`stretch`).
    MetricsLostUpdate,
}

/// One blind mutant: the pipeline with `defect` planted.
pub struct Blind {
    name: &'static str,
    defect: Defect,
}

impl Solution for Blind {
    fn name(&self) -> &str {
        self.name
    }
    fn task10(&self) -> Option<&dyn Pipeline> {
        Some(self)
    }
}

macro_rules! blind {
    ($name:literal, $defect:ident, $breaks:ident, $bug:literal) => {{
        static S: Blind = Blind {
            name: concat!("task10_pipeline::blind_", $name),
            defect: Defect::$defect,
        };
        Mutant {
            name: S.name,
            bug: $bug,
            breaks: Check::$breaks,
            solution: &S,
        }
    }};
}

/// Every blind mutant of this task.
pub fn mutants() -> Vec<Mutant> {
    vec![
        blind!(
            "download_sixteen",
            DownloadSixteen,
            PoolSize,
            "I gave the download stage the seed's 16 workers and forgot to use its config."
        ),
        blind!(
            "resize_num_cpu",
            ResizeNumCpu,
            PoolSize,
            "I sized the resize stage by the number of CPUs, since it is CPU-bound, and ignored its config."
        ),
        blind!(
            "upload_extra_worker",
            UploadExtraWorker,
            PoolSize,
            "I spawned the upload workers with `0..=workers`, so there is one more than configured."
        ),
        blind!(
            "input_lock_held",
            InputLockHeld,
            PoolSize,
            "Each resize worker locks the shared input once before its loop, so the first one keeps it and does every resize."
        ),
        blind!(
            "zero_workers_clamped",
            ZeroWorkersClamped,
            GracefulShutdown,
            "I turned zero resize workers into one with `max(1)` instead of returning ZeroWorkers."
        ),
        blind!(
            "buffer_plus_one",
            BufferPlusOne,
            BufferSize,
            "I made the download output `buffer + 1` long to leave room for the item in hand."
        ),
        blind!(
            "buffer_is_workers",
            BufferIsWorkers,
            BufferSize,
            "I sized the upload output by its workers, as the checklist's default says, not by its buffer."
        ),
        blind!(
            "unbounded_resize_queue",
            UnboundedResizeQueue,
            BufferSize,
            "My resize workers send into an unbounded channel so they never block, and a forwarder copies it into the bounded output."
        ),
        blind!(
            "download_prefetch",
            DownloadPrefetch,
            BufferSize,
            "A producer task drains every URL into an unbounded queue up front for the download workers to share."
        ),
        blind!(
            "join_first_only",
            JoinFirstOnly,
            AllJoined,
            "The download supervisor awaits `join_next` once, thinking it waits for all, then drops the JoinSet and aborts the rest."
        ),
        blind!(
            "abort_on_input_end",
            AbortOnInputEnd,
            AllJoined,
            "The first resize worker to see the input end cancels the stage's token to stop the others, which drops their resizes in hand."
        ),
        blind!(
            "close_on_input_end",
            CloseOnInputEnd,
            CloseOnce,
            "I keep the upload sender in an `Option` to close it like Go, and the first worker to see the input end closes it while others still upload."
        ),
        blind!(
            "sender_kept_by_monitor",
            SenderKeptByMonitor,
            CloseOnce,
            "My resize progress monitor holds a clone of the output sender to log its capacity, so the output never ends."
        ),
        blind!(
            "leaked_ticker",
            LeakedTicker,
            NoLeaks,
            "I spawned a ticker that logs download progress every second and never stops it."
        ),
        blind!(
            "detached_job_task",
            DetachedJobTask,
            NoLeaks,
            "Each GET runs in its own spawned task and on cancellation I drop its JoinHandle, which does not abort it, so the GET runs on."
        ),
        blind!(
            "linger_after_close",
            LingerAfterClose,
            NoLeaks,
            "Each download worker drops its sender and then sleeps a little to let connections close before returning."
        ),
        blind!(
            "token_between_jobs",
            TokenBetweenJobs,
            CtxHonored,
            "My download workers check the token only between jobs, never during a GET or a blocked send."
        ),
        blind!(
            "resize_ignores_token",
            ResizeIgnoresToken,
            CtxHonored,
            "The resize stage is CPU work, so I didn't pass the token into it at all."
        ),
        blind!(
            "upload_send_ignores_token",
            UploadSendIgnoresToken,
            CtxHonored,
            "I race the token against each POST but my upload workers then block on a full output without watching it."
        ),
        blind!(
            "stop_on_first_error",
            StopOnFirstError,
            ErrorsHandled,
            "A download worker returns after sending its first failure, like Go's `if err != nil { return }`."
        ),
        blind!(
            "resize_swallows_failures",
            ResizeSwallowsFailures,
            ErrorsHandled,
            "My resize stage does `let Ok(image) = item else { continue }`, dropping failed downloads."
        ),
        blind!(
            "download_failure_not_logged",
            DownloadFailureNotLogged,
            ErrorsHandled,
            "The download stage sends its failures on but never logs them."
        ),
        blind!(
            "passed_on_failure_logged_again",
            PassedOnFailureLoggedAgain,
            ErrorsHandled,
            "The upload stage logs every failure it sees, those passed on from earlier stages too."
        ),
        blind!(
            "upload_5xx_stored",
            Upload5xxStored,
            ErrorsHandled,
            "I report any answer from the store as stored, a 500 included."
        ),
        blind!(
            "send_error_ignored",
            SendErrorIgnored,
            ErrorsHandled,
            "I ignore the result of the download send, so a worker keeps downloading after the reader has gone."
        ),
        blind!(
            "download_any_status_ok",
            DownloadAnyStatusOk,
            ErrorsHandled,
            "I pass any download response on as an image, so a 404 page gets resized and uploaded."
        ),
        blind!(
            "upload_failure_stage_download",
            UploadFailureStageDownload,
            ErrorsHandled,
            "I copied the failure from the download stage, so upload failures say `StageName::Download`."
        ),
        blind!(
            "wrong_destination",
            WrongDestination,
            Requirement,
            "I POST to `http://store.test/` followed by the whole URL, scheme included."
        ),
        blind!(
            "resized_bytes_discarded",
            ResizedBytesDiscarded,
            Requirement,
            "I await the resize but send on the original bytes, so the store gets full-size images."
        ),
        blind!(
            "upload_outside_probe",
            UploadOutsideProbe,
            Requirement,
            "I POST first and wrap only the finished result in `probe.run_async`."
        ),
        blind!(
            "resize_probe_key_destination",
            ResizeProbeKeyDestination,
            Requirement,
            "I key the resize probe by the image's destination URL instead of its own URL."
        ),
        blind!(
            "metrics_count_passed_on",
            MetricsCountPassedOn,
            Stretch,
            "The upload stage counts the failures it passes on from earlier stages as its own."
        ),
        blind!(
            "busy_includes_wait",
            BusyIncludesWait,
            Stretch,
            "I time a resize from before waiting for the item to after sending it on."
        ),
        blind!(
            "metrics_before_exit",
            MetricsBeforeExit,
            Stretch,
            "The resize supervisor sends its metrics when the first worker exits, since the input has ended by then."
        ),
        blind!(
            "metrics_lost_update",
            MetricsLostUpdate,
            Stretch,
            "Each download worker copies the metrics before its GET and writes them back after it, losing the other workers' updates."
        ),
    ]
}

/// Blind mutants that meet the contract, with the reason.
pub const DROPPED: &[super::Dropped] = &[];

/// Blind mutants whose writer named another item than the one the blame rules name.
pub const RELABELLED: &[super::Relabelled] = &[
    super::Relabelled {
        name: "task10_pipeline::blind_zero_workers_clamped",
        was: Check::PoolSize,
        why: "refusing bad input at once (zero workers) is `graceful_shutdown` in every task; a clamp is a refusal that did not happen",
    },
    super::Relabelled {
        name: "task10_pipeline::blind_abort_on_input_end",
        was: Check::GracefulShutdown,
        why: "jobs cut short when a stage's input runs out are seen as a stage ending without letting its workers finish (cancelled or aborted instead of joined): `all_joined`, the same as a JoinSet dropped after its first join",
    },
    super::Relabelled {
        name: "task10_pipeline::blind_linger_after_close",
        was: Check::AllJoined,
        why: "an async task still alive after the output ended is `no_leaks` (tasks are counted, not told apart by whether they ran a job)",
    },
    super::Relabelled {
        name: "task10_pipeline::blind_download_any_status_ok",
        was: Check::Requirement,
        why: "a failing entry (a 404) not reported as a failure is `errors_handled` in every task",
    },
    super::Relabelled {
        name: "task10_pipeline::blind_upload_failure_stage_download",
        was: Check::Requirement,
        why: "the failure is reported, naming the wrong stage: how a failure is reported is `errors_handled`'s",
    },
];

/// Blind mutants whose catch is measured, not required.
pub const UNCERTAIN: &[super::Uncertain] = &[];

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// A stage's output as its workers see it.
enum Out<T> {
    Bounded(mpsc::Sender<T>),
    Unbounded(mpsc::UnboundedSender<T>),
    /// Go's `close(out)`, in Rust: the sender in a slot any worker can empty.
    Closable(Arc<Mutex<Option<mpsc::Sender<T>>>>),
}

impl<T> Clone for Out<T> {
    fn clone(&self) -> Self {
        match self {
            Out::Bounded(tx) => Out::Bounded(tx.clone()),
            Out::Unbounded(tx) => Out::Unbounded(tx.clone()),
            Out::Closable(slot) => Out::Closable(slot.clone()),
        }
    }
}

impl<T> Out<T> {
    /// Sends; false once the reader has gone (or the output was closed).
    async fn send(&self, t: T) -> bool {
        match self {
            Out::Bounded(tx) => tx.send(t).await.is_ok(),
            Out::Unbounded(tx) => tx.send(t).is_ok(),
            Out::Closable(slot) => {
                let tx = lock(slot).clone();
                match tx {
                    Some(tx) => tx.send(t).await.is_ok(),
                    None => false,
                }
            }
        }
    }

    /// Ends the output for everyone, where the output can be ended.
    fn close(&self) {
        if let Out::Closable(slot) = self {
            lock(slot).take();
        }
    }
}

/// Sends `t`, or gives up when `token` fires first.
async fn send_or_cancel<T>(out: &Out<T>, t: T, token: &CancellationToken) -> bool {
    tokio::select! {
        biased;
        _ = token.cancelled() => false,
        sent = out.send(t) => sent,
    }
}

/// Adds one job to the stage's metrics; `snapshot` is what a worker read earlier, if it did.
fn record(metrics: &Mutex<StageMetrics>, snapshot: Option<StageMetrics>, ok: bool, busy: Duration) {
    let mut shared = lock(metrics);
    let mut now = snapshot.unwrap_or(*shared);
    if ok {
        now.ok += 1;
    } else {
        now.failed += 1;
    }
    now.busy += busy;
    *shared = now;
}

fn is_2xx(page: &Page) -> bool {
    (200..300).contains(&page.status)
}

impl Blind {
    /// How many workers `stage` runs, or why it refuses to start.
    fn workers(&self, stage: StageName, cfg: StageConfig) -> Result<usize, PoolError> {
        let d = self.defect;
        if d == Defect::ZeroWorkersClamped && stage == StageName::Resize {
            return Ok(cfg.workers.max(1));
        }
        if cfg.workers == 0 {
            return Err(PoolError::ZeroWorkers);
        }
        Ok(match (d, stage) {
            (Defect::DownloadSixteen, StageName::Download) => 16,
            (Defect::ResizeNumCpu, StageName::Resize) => PoolConfig::num_cpu(),
            (Defect::UploadExtraWorker, StageName::Upload) => cfg.workers + 1,
            _ => cfg.workers,
        })
    }

    /// Spawns `workers` workers, each made by `worker` from its copy of the output and the
    /// stage's metrics, and a supervisor that joins them and then sends the metrics.
    fn launch<T, W, F>(
        &self,
        stage: StageName,
        cfg: StageConfig,
        workers: usize,
        token: &CancellationToken,
        mut worker: W,
    ) -> Stage<T>
    where
        T: Send + 'static,
        W: FnMut(Out<T>, Arc<Mutex<StageMetrics>>) -> F,
        F: Future<Output = ()> + Send + 'static,
    {
        let d = self.defect;
        let buffer = match (d, stage) {
            (Defect::BufferPlusOne, StageName::Download) => cfg.buffer + 1,
            (Defect::BufferIsWorkers, StageName::Upload) => cfg.workers,
            _ => cfg.buffer,
        };
        let (tx, rx) = mpsc::channel(buffer.max(1));
        let metrics = Arc::new(Mutex::new(StageMetrics::default()));

        if d == Defect::SenderKeptByMonitor && stage == StageName::Resize {
            let tx = tx.clone();
            tokio::spawn(async move {
                while !tx.is_closed() {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    tracing::debug!(free = tx.capacity(), "resize output");
                }
            });
        }
        if d == Defect::LeakedTicker && stage == StageName::Download {
            let metrics = metrics.clone();
            tokio::spawn(async move {
                let mut tick = tokio::time::interval(Duration::from_secs(1));
                loop {
                    tick.tick().await;
                    let now = *lock(&metrics);
                    tracing::debug!(ok = now.ok, failed = now.failed, "download progress");
                }
            });
        }

        let out = match (d, stage) {
            (Defect::UnboundedResizeQueue, StageName::Resize) => {
                let (utx, mut urx) = mpsc::unbounded_channel();
                let token = token.clone();
                tokio::spawn(async move {
                    loop {
                        let item = tokio::select! {
                            biased;
                            _ = token.cancelled() => break,
                            item = urx.recv() => item,
                        };
                        let Some(item) = item else { break };
                        tokio::select! {
                            biased;
                            _ = token.cancelled() => break,
                            sent = tx.send(item) => if sent.is_err() { break },
                        }
                    }
                });
                Out::Unbounded(utx)
            }
            (Defect::CloseOnInputEnd, StageName::Upload) => {
                Out::Closable(Arc::new(Mutex::new(Some(tx))))
            }
            _ => Out::Bounded(tx),
        };

        let mut set = JoinSet::new();
        for _ in 0..workers {
            set.spawn(worker(out.clone(), metrics.clone()));
        }
        drop(out);

        let (metrics_tx, metrics_rx) = oneshot::channel();
        tokio::spawn(async move {
            match (d, stage) {
                (Defect::JoinFirstOnly, StageName::Download) => {
                    let _ = set.join_next().await;
                    drop(set);
                }
                (Defect::MetricsBeforeExit, StageName::Resize) => {
                    let _ = set.join_next().await;
                    let _ = metrics_tx.send(*lock(&metrics));
                    while set.join_next().await.is_some() {}
                    return;
                }
                _ => while set.join_next().await.is_some() {},
            }
            let _ = metrics_tx.send(*lock(&metrics));
        });

        Stage {
            output: rx,
            metrics: Some(metrics_rx),
        }
    }
}

/// Where the download workers take their URLs.
enum Urls {
    /// The harness's jobs, shared: each `next()` is one URL taken.
    Shared(Arc<Mutex<Jobs<String>>>),
    /// A queue a producer filled.
    Queue(Arc<tokio::sync::Mutex<mpsc::UnboundedReceiver<String>>>),
}

impl Clone for Urls {
    fn clone(&self) -> Self {
        match self {
            Urls::Shared(jobs) => Urls::Shared(jobs.clone()),
            Urls::Queue(queue) => Urls::Queue(queue.clone()),
        }
    }
}

fn take_url(jobs: &Mutex<Jobs<String>>) -> Option<String> {
    lock(jobs).next()
}

/// The next item of a shared input, or `None` once it ended (or, if `token` is given, fired).
async fn next_item<T>(
    input: &tokio::sync::Mutex<Input<T>>,
    token: Option<&CancellationToken>,
) -> Option<T> {
    let recv = async { input.lock().await.recv().await };
    match token {
        None => recv.await,
        Some(token) => tokio::select! {
            biased;
            _ = token.cancelled() => None,
            item = recv => item,
        },
    }
}

impl Pipeline for Blind {
    fn download(
        &self,
        cfg: StageConfig,
        urls: Jobs<String>,
        probe: Probe<String>,
        client: HttpClient,
        token: CancellationToken,
    ) -> Result<Stage<Item>, PoolError> {
        let d = self.defect;
        let workers = self.workers(StageName::Download, cfg)?;
        let urls = if d == Defect::DownloadPrefetch {
            let (qtx, qrx) = mpsc::unbounded_channel();
            let token = token.clone();
            tokio::spawn(async move {
                for url in urls {
                    if token.is_cancelled() || qtx.send(url).is_err() {
                        break;
                    }
                }
            });
            Urls::Queue(Arc::new(tokio::sync::Mutex::new(qrx)))
        } else {
            Urls::Shared(Arc::new(Mutex::new(urls)))
        };
        let stage = self.launch(StageName::Download, cfg, workers, &token, |out, metrics| {
            let (urls, probe, client, token) =
                (urls.clone(), probe.clone(), client.clone(), token.clone());
            async move {
                loop {
                    if token.is_cancelled() {
                        break;
                    }
                    let url = match &urls {
                        Urls::Shared(jobs) => take_url(jobs),
                        Urls::Queue(queue) => tokio::select! {
                            biased;
                            _ = token.cancelled() => break,
                            url = async { queue.lock().await.recv().await } => url,
                        },
                    };
                    let Some(url) = url else { break };

                    let snapshot = (d == Defect::MetricsLostUpdate).then(|| *lock(&metrics));
                    let started = Instant::now();
                    let page = match d {
                        Defect::TokenBetweenJobs => {
                            probe.run_async(url.clone(), client.get(&url)).await
                        }
                        Defect::DetachedJobTask => {
                            let handle = tokio::spawn({
                                let (probe, client, url) =
                                    (probe.clone(), client.clone(), url.clone());
                                async move { probe.run_async(url.clone(), client.get(&url)).await }
                            });
                            tokio::select! {
                                biased;
                                _ = token.cancelled() => break,
                                joined = handle => joined
                                    .unwrap_or_else(|e| Err(HttpError::Broken(e.to_string()))),
                            }
                        }
                        _ => tokio::select! {
                            biased;
                            _ = token.cancelled() => break,
                            page = probe.run_async(url.clone(), client.get(&url)) => page,
                        },
                    };
                    let busy = started.elapsed();

                    let item = match page {
                        Ok(page) if is_2xx(&page) || d == Defect::DownloadAnyStatusOk => {
                            Ok(Image {
                                url,
                                bytes: page.body,
                            })
                        }
                        Ok(page) => Err(Failed {
                            url,
                            stage: StageName::Download,
                            error: format!("status {}", page.status),
                        }),
                        Err(e) => Err(Failed {
                            url,
                            stage: StageName::Download,
                            error: e.to_string(),
                        }),
                    };
                    record(&metrics, snapshot, item.is_ok(), busy);
                    let failed = item.is_err();
                    if let Err(f) = &item {
                        if d != Defect::DownloadFailureNotLogged {
                            tracing::warn!("{f}");
                        }
                    }

                    let sent = match d {
                        Defect::TokenBetweenJobs => out.send(item).await,
                        Defect::SendErrorIgnored => {
                            let _ = out.send(item).await;
                            true
                        }
                        _ => send_or_cancel(&out, item, &token).await,
                    };
                    if !sent || (failed && d == Defect::StopOnFirstError) {
                        break;
                    }
                }
                if d == Defect::LingerAfterClose {
                    drop(out);
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        });
        Ok(stage)
    }

    fn resize(
        &self,
        cfg: StageConfig,
        input: Input<Item>,
        probe: Probe<String>,
        resizer: Resizer,
        token: CancellationToken,
    ) -> Result<Stage<Item>, PoolError> {
        let d = self.defect;
        let workers = self.workers(StageName::Resize, cfg)?;
        let input = Arc::new(tokio::sync::Mutex::new(input));
        // The token the workers watch: the stage's own child where a worker may cancel it.
        let stop = if d == Defect::AbortOnInputEnd {
            token.child_token()
        } else {
            token.clone()
        };
        let honour = d != Defect::ResizeIgnoresToken;
        let stage = self.launch(StageName::Resize, cfg, workers, &token, |out, metrics| {
            let (input, probe, resizer, stop) =
                (input.clone(), probe.clone(), resizer.clone(), stop.clone());
            async move {
                let mut held = if d == Defect::InputLockHeld {
                    Some(input.lock().await)
                } else {
                    None
                };
                loop {
                    let waited = Instant::now();
                    let item = match held.as_mut() {
                        Some(rx) => tokio::select! {
                            biased;
                            _ = stop.cancelled() => None,
                            item = rx.recv() => item,
                        },
                        None => next_item(&input, honour.then_some(&stop)).await,
                    };
                    let Some(item) = item else {
                        if d == Defect::AbortOnInputEnd {
                            stop.cancel();
                        }
                        break;
                    };

                    let (next, busy) = match item {
                        Err(failed) if d == Defect::ResizeSwallowsFailures => {
                            drop(failed);
                            continue;
                        }
                        Err(failed) => (Err(failed), None),
                        Ok(image) => {
                            let key = if d == Defect::ResizeProbeKeyDestination {
                                destination(&image.url)
                            } else {
                                image.url.clone()
                            };
                            let started = Instant::now();
                            let job = probe.run_async(key, resizer.resize(&image.bytes));
                            let resized = if honour {
                                tokio::select! {
                                    biased;
                                    _ = stop.cancelled() => break,
                                    resized = job => resized,
                                }
                            } else {
                                job.await
                            };
                            let busy = started.elapsed();
                            let bytes = if d == Defect::ResizedBytesDiscarded {
                                image.bytes
                            } else {
                                resized
                            };
                            let next = Ok(Image {
                                url: image.url,
                                bytes,
                            });
                            (next, Some(busy))
                        }
                    };

                    let sent = if honour {
                        send_or_cancel(&out, next, &stop).await
                    } else {
                        out.send(next).await
                    };
                    if let Some(busy) = busy {
                        let busy = if d == Defect::BusyIncludesWait {
                            waited.elapsed()
                        } else {
                            busy
                        };
                        record(&metrics, None, true, busy);
                    }
                    if !sent {
                        break;
                    }
                }
            }
        });
        Ok(stage)
    }

    fn upload(
        &self,
        cfg: StageConfig,
        input: Input<Item>,
        probe: Probe<String>,
        client: HttpClient,
        token: CancellationToken,
    ) -> Result<Stage<Outcome>, PoolError> {
        let d = self.defect;
        let workers = self.workers(StageName::Upload, cfg)?;
        let input = Arc::new(tokio::sync::Mutex::new(input));
        let failed_in = if d == Defect::UploadFailureStageDownload {
            StageName::Download
        } else {
            StageName::Upload
        };
        let stage = self.launch(StageName::Upload, cfg, workers, &token, |out, metrics| {
            let (input, probe, client, token) =
                (input.clone(), probe.clone(), client.clone(), token.clone());
            async move {
                loop {
                    let Some(item) = next_item(&input, Some(&token)).await else {
                        if d == Defect::CloseOnInputEnd {
                            out.close();
                        }
                        break;
                    };
                    let outcome = match item {
                        Err(failed) => {
                            if d == Defect::PassedOnFailureLoggedAgain {
                                tracing::warn!("{failed}");
                            }
                            if d == Defect::MetricsCountPassedOn {
                                lock(&metrics).failed += 1;
                            }
                            Err(failed)
                        }
                        Ok(Image { url, bytes }) => {
                            let to = if d == Defect::WrongDestination {
                                format!("http://{STORE}/{url}")
                            } else {
                                destination(&url)
                            };
                            let started = Instant::now();
                            let answer = if d == Defect::UploadOutsideProbe {
                                let answer = tokio::select! {
                                    biased;
                                    _ = token.cancelled() => break,
                                    answer = client.post(&to, bytes) => answer,
                                };
                                probe.run_async(url.clone(), async { answer }).await
                            } else {
                                tokio::select! {
                                    biased;
                                    _ = token.cancelled() => break,
                                    answer = probe.run_async(url.clone(), client.post(&to, bytes)) => answer,
                                }
                            };
                            let busy = started.elapsed();
                            let outcome = match answer {
                                Ok(page) if is_2xx(&page) || d == Defect::Upload5xxStored => {
                                    Ok(Stored {
                                        url,
                                        status: page.status,
                                    })
                                }
                                Ok(page) => Err(Failed {
                                    url,
                                    stage: failed_in,
                                    error: format!("status {}", page.status),
                                }),
                                Err(e) => Err(Failed {
                                    url,
                                    stage: failed_in,
                                    error: e.to_string(),
                                }),
                            };
                            record(&metrics, None, outcome.is_ok(), busy);
                            if let Err(f) = &outcome {
                                tracing::warn!("{f}");
                            }
                            outcome
                        }
                    };
                    let sent = if d == Defect::UploadSendIgnoresToken {
                        out.send(outcome).await
                    } else {
                        send_or_cancel(&out, outcome, &token).await
                    };
                    if !sent {
                        break;
                    }
                }
            }
        });
        Ok(stage)
    }
}
