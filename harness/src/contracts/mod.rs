//! What a solution implements: one trait per task, gathered by [`Solution`].
//!
//! Each task's file (`task01_squarer.rs`, ...) holds its [`Task`] record, the trait a solution
//! implements and the data types it exchanges with the suite. The suite hands a solution its
//! work ([`crate::probe`]) and environment ([`crate::clock`], files) and reads back results, so it
//! can judge the solution without trusting its account of itself.

pub mod task01_squarer;
pub mod task02_file_hasher;
pub mod task03_url_fetcher;
pub mod task04_csv_parser;
pub mod task05_word_counter;
pub mod task06_cancellable_pool;
pub mod task07_errgroup;
pub mod task08_bounded_submit;
pub mod task09_per_job_timeout;
pub mod task10_pipeline;
pub mod task11_result_ordering;
pub mod task12_retry_pool;
pub mod task14_shutdown_deadline;
pub mod task17_multi_error;
pub mod task18_leak_check;

use crate::scenario::Task;
use std::fmt;
use std::path::PathBuf;

pub use task01_squarer::Squarer;
pub use task02_file_hasher::FileHasher;
pub use task03_url_fetcher::UrlFetcher;
pub use task04_csv_parser::CsvParser;
pub use task05_word_counter::WordCounter;
pub use task06_cancellable_pool::CancellablePool;
pub use task07_errgroup::ErrgroupCounter;
pub use task08_bounded_submit::BoundedSubmit;
pub use task09_per_job_timeout::PerJobTimeout;
pub use task10_pipeline::Pipeline;
pub use task11_result_ordering::ResultOrdering;
pub use task12_retry_pool::RetryPool;
pub use task14_shutdown_deadline::ShutdownDeadline;
pub use task17_multi_error::MultiError;
pub use task18_leak_check::LeakCheck;

/// A future an async solution returns: it runs on the harness's runtime (a current-thread
/// runtime, on virtual time in simulated scenarios), so it need not be `Send`.
pub type LocalFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + 'a>>;

/// A solution to the course: it answers `Some` for each task it attempts. Tasks it leaves at
/// `None` are reported as not attempted, never as failed.
///
/// ```
/// use harness::contracts::{Solution, Squarer};
/// struct Mine;
/// impl Solution for Mine {
///     fn name(&self) -> &str { "mine" }
///     // fn task01(&self) -> Option<&dyn Squarer> { Some(&MySquarer) }
/// }
/// ```
pub trait Solution: Sync {
    fn name(&self) -> &str;
    fn task01(&self) -> Option<&dyn Squarer> {
        None
    }
    fn task02(&self) -> Option<&dyn FileHasher> {
        None
    }
    fn task03(&self) -> Option<&dyn UrlFetcher> {
        None
    }
    fn task04(&self) -> Option<&dyn CsvParser> {
        None
    }
    fn task05(&self) -> Option<&dyn WordCounter> {
        None
    }
    fn task06(&self) -> Option<&dyn CancellablePool> {
        None
    }
    fn task07(&self) -> Option<&dyn ErrgroupCounter> {
        None
    }
    fn task08(&self) -> Option<&dyn BoundedSubmit> {
        None
    }
    fn task09(&self) -> Option<&dyn PerJobTimeout> {
        None
    }
    fn task10(&self) -> Option<&dyn Pipeline> {
        None
    }
    fn task11(&self) -> Option<&dyn ResultOrdering> {
        None
    }
    fn task12(&self) -> Option<&dyn RetryPool> {
        None
    }
    fn task14(&self) -> Option<&dyn ShutdownDeadline> {
        None
    }
    fn task17(&self) -> Option<&dyn MultiError> {
        None
    }
    fn task18(&self) -> Option<&dyn LeakCheck> {
        None
    }
}

/// Every task this version of the suite knows, in course order.
pub const TASKS: [Task; 15] = [
    task01_squarer::TASK,
    task02_file_hasher::TASK,
    task03_url_fetcher::TASK,
    task04_csv_parser::TASK,
    task05_word_counter::TASK,
    task06_cancellable_pool::TASK,
    task07_errgroup::TASK,
    task08_bounded_submit::TASK,
    task09_per_job_timeout::TASK,
    task10_pipeline::TASK,
    task11_result_ordering::TASK,
    task12_retry_pool::TASK,
    task14_shutdown_deadline::TASK,
    task17_multi_error::TASK,
    task18_leak_check::TASK,
];

/// The sizes the checklist asks to justify: workers, and the capacity of the jobs and results
/// channels. A solution must use exactly these, each for what it names: the suite runs configs
/// where no two of them (nor the machine's CPU count, nor the seed's own numbers) coincide, so
/// using one for another shows.
///
/// A buffer of 0 is a rendezvous channel (`std::sync::mpsc::sync_channel(0)`, crossbeam's
/// `bounded(0)`): each send waits for a receiver. `workers` of 0 is refused
/// ([`PoolError::ZeroWorkers`]).
///
/// What the suite measures, with every worker held at a gate inside `probe.run` (each task's
/// contract states its own):
/// - jobs taken from the source but not started: at least `jobs_buffer` (the jobs channel
///   fills) and at most `jobs_buffer + 1` (one more in the producer's hand, blocked on send);
/// - with the consumer held instead: results finished but not read at most
///   `results_buffer + workers` (the channel full, one result in each blocked worker's hand).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolConfig {
    pub workers: usize,
    pub jobs_buffer: usize,
    pub results_buffer: usize,
}

impl PoolConfig {
    /// `n` workers with the checklist's default buffers: `n` jobs and `n` results.
    pub fn workers(n: usize) -> Self {
        PoolConfig {
            workers: n,
            jobs_buffer: n,
            results_buffer: n,
        }
    }

    /// The machine's parallelism, the Rust spelling of `runtime.NumCPU()`.
    pub fn num_cpu() -> usize {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    }
}

/// The errors every task shares. Bad input is refused with one of these before any work starts;
/// it is never a hang or a panic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PoolError {
    /// `workers == 0`: a pool that can never make progress.
    ZeroWorkers,
    /// Nothing to do: no numbers, no files, an empty CSV.
    EmptyInput,
    /// The input path does not exist.
    MissingPath(PathBuf),
    /// Any other I/O failure that stops the whole run (not a per-file one: those are skipped).
    Io(String),
    /// A job panicked and the pool could not report it any other way.
    JobPanicked(String),
    /// The solution does not attempt this part (a stretch goal's default).
    NotAttempted,
}

impl fmt::Display for PoolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PoolError::ZeroWorkers => write!(f, "a pool needs at least one worker"),
            PoolError::EmptyInput => write!(f, "the input is empty: nothing to do"),
            PoolError::MissingPath(p) => write!(f, "{} does not exist", p.display()),
            PoolError::Io(e) => write!(f, "I/O error: {e}"),
            PoolError::JobPanicked(m) => write!(f, "a job panicked: {m}"),
            PoolError::NotAttempted => write!(f, "not attempted"),
        }
    }
}

impl std::error::Error for PoolError {}
