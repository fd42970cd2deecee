//! Task 10, Pipeline of Pools: download (16 workers, HTTP) → resize (NumCPU workers, CPU-bound)
//! → upload (8 workers, HTTP), each stage a pool of its own that closes its output once its
//! workers have exited; stretch: each stage's size configurable (here, always) and per-stage
//! metrics.
//!
//! Each stage is a function from an input to an output channel, as the seed's hint has it
//! (`func stage(in <-chan T) <-chan U`): the solution writes the three stages, and the harness
//! connects them, handing each stage the previous one's output wrapped in a
//! [`crate::pipe::Input`] (which records when it ended) and reading the last one's output itself.

use super::PoolError;
use crate::net::HttpClient;
use crate::pipe::Input;
use crate::probe::{Jobs, Probe};
use crate::scenario::Task;
use bytes::Bytes;
use std::fmt;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;

pub const TASK: Task = Task {
    number: 10,
    slug: "pipeline",
    title: "Pipeline of Pools",
};

/// One stage's pool: its workers, and the capacity of its output channel (at least 1: tokio's
/// bounded channels have no rendezvous).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StageConfig {
    pub workers: usize,
    pub buffer: usize,
}

/// The three stages' sizes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PipelineConfig {
    pub download: StageConfig,
    pub resize: StageConfig,
    pub upload: StageConfig,
}

impl PipelineConfig {
    /// The seed's sizes: 16 downloads, NumCPU resizes, 8 uploads, each output holding as many
    /// items as its stage has workers.
    pub fn seed() -> Self {
        let stage = |workers| StageConfig {
            workers,
            buffer: workers,
        };
        PipelineConfig {
            download: stage(16),
            resize: stage(super::PoolConfig::num_cpu()),
            upload: stage(8),
        }
    }
}

/// Where an image is uploaded: `http://store.test/<host><path>` for `http://<host><path>`.
pub fn destination(url: &str) -> String {
    let rest = url.strip_prefix("http://").unwrap_or(url);
    format!("http://{STORE}/{rest}")
}

/// The host every upload goes to.
pub const STORE: &str = "store.test";

/// Which stage a job failed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StageName {
    Download,
    Resize,
    Upload,
}

/// A job that failed, and where: it travels on through the later stages untouched, so every
/// URL comes out of the pipeline exactly once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failed {
    pub url: String,
    pub stage: StageName,
    /// The error as its `Display` reads, or `status <code>` for a response that was not a 2xx.
    pub error: String,
}

impl fmt::Display for Failed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "URL {}: error {}", self.url, self.error)
    }
}

/// An image on its way through the pipeline: downloaded, then resized.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Image {
    pub url: String,
    pub bytes: Bytes,
}

/// An image uploaded: the status the store answered (a 2xx).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stored {
    pub url: String,
    pub status: u16,
}

/// What flows between stages: an image, or the failure that stopped it.
pub type Item = Result<Image, Failed>;
/// What comes out of the last stage.
pub type Outcome = Result<Stored, Failed>;

/// The stretch: what one stage did, sent once every worker of the stage has exited.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StageMetrics {
    /// Jobs the stage did that succeeded.
    pub ok: usize,
    /// Jobs the stage did that failed (failures from earlier stages, passed on, are not its).
    pub failed: usize,
    /// The time its jobs took, added up: each job's own `probe.run_async`, on the runtime's
    /// clock (`tokio::time::Instant`).
    pub busy: Duration,
}

/// What a stage function returns: its output, and (the stretch) its metrics to come.
pub struct Stage<T> {
    pub output: mpsc::Receiver<T>,
    /// `None`: the stretch is not attempted.
    pub metrics: Option<oneshot::Receiver<StageMetrics>>,
}

/// The resize step: the harness's stand-in for CPU-bound work (the seed's placeholder sleep). It
/// costs virtual time and blocks no thread, so a simulated world can run it; what it returns is
/// the image at half size (every other byte), so the store can tell a resized image from
/// another.
#[derive(Clone, Debug)]
pub struct Resizer {
    cost: Duration,
}

impl Resizer {
    /// Each resize takes `cost` of the runtime's time.
    pub fn new(cost: Duration) -> Self {
        Resizer { cost }
    }

    /// `image` at half size, after the resize's cost.
    pub async fn resize(&self, image: &[u8]) -> Bytes {
        tokio::time::sleep(self.cost).await;
        half(image)
    }
}

/// The image at half size, as [`Resizer::resize`] makes it.
pub fn half(image: &[u8]) -> Bytes {
    image.iter().step_by(2).copied().collect()
}

pub trait Pipeline: Sync {
    /// Stage 1: `cfg.workers` tasks GET each URL `urls` yields with `client`, inside
    /// `probe.run_async(url, ...)` (the GET, body included), and send `Ok(Image)` for a 2xx, or
    /// `Err(Failed)` (stage `Download`) for an error or any other status, on an output channel
    /// of `cfg.buffer` (`tokio::sync::mpsc::channel`). The workers take each URL as they start
    /// it (sharing `urls` behind a mutex), or from a producer through a channel of `cfg.buffer`:
    /// at most `cfg.buffer + 1` URLs taken and not yet begun.
    fn download(
        &self,
        cfg: StageConfig,
        urls: Jobs<String>,
        probe: Probe<String>,
        client: HttpClient,
        token: CancellationToken,
    ) -> Result<Stage<Item>, PoolError>;

    /// Stage 2: `cfg.workers` tasks take each item of `input`; an image is resized with
    /// `resizer.resize(&bytes)` inside `probe.run_async(url, ...)` and sent on as
    /// `Ok(Image { url, bytes: resized })`; a failure is sent on as it came, with no probe.
    fn resize(
        &self,
        cfg: StageConfig,
        input: Input<Item>,
        probe: Probe<String>,
        resizer: Resizer,
        token: CancellationToken,
    ) -> Result<Stage<Item>, PoolError>;

    /// Stage 3: `cfg.workers` tasks take each item of `input`; an image is POSTed to
    /// [`destination`]`(&url)` with the bytes as its body (`client.post`) inside
    /// `probe.run_async(url, ...)`, and sent on as `Ok(Stored)` for a 2xx, `Err(Failed)` (stage
    /// `Upload`) otherwise; a failure is sent on as it came, with no probe.
    ///
    /// Every stage, the three alike (panicking jobs are not part of this task's scenarios yet;
    /// a run that is cancelled owes only what it sent before the cancel, and its metrics count
    /// the jobs it finished):
    /// - is called on the harness's runtime and returns at once, its workers spawned
    ///   (`tokio::spawn`, a `JoinSet` inside a task of the stage's own); refuses zero workers
    ///   ([`PoolError::ZeroWorkers`]) before spawning anything; an empty input is no error: the
    ///   output just ends;
    /// - logs each failure of its own with `tracing::warn!("{failed}")` ([`Failed`]'s `Display`,
    ///   `URL <url>: error <err>`), once;
    /// - ends its output only after every one of its workers has exited, having sent all it
    ///   did (each worker holds a clone of the sender and drops it as it exits; the stage's own
    ///   copy is dropped once they are spawned), and every task it spawned has ended within a
    ///   tick of that;
    /// - when `token` fires: takes no further item, begins no further job, drops the job in
    ///   hand (a GET or POST dropped closes its connection: the server sees it abandoned) and
    ///   ends, each within a tick; what it had not sent is dropped;
    /// - when its output's reader has gone (a send fails), stops taking items and ends;
    /// - sends, once its workers have exited, its [`StageMetrics`] on `metrics` (the stretch;
    ///   `None` if not attempted).
    ///
    /// Measured, at the servers and the probes: each stage's jobs at once (requests in flight
    /// at the image hosts and at the store, resizes inside their probe) equal its workers when
    /// it is the slow stage; items finished but not yet taken by the next stage at most its
    /// buffer plus one in each of its workers' hands; each output's end after the stage's last
    /// job finished; every URL out of the pipeline once.
    fn upload(
        &self,
        cfg: StageConfig,
        input: Input<Item>,
        probe: Probe<String>,
        client: HttpClient,
        token: CancellationToken,
    ) -> Result<Stage<Outcome>, PoolError>;
}
