//! Blind mutants of Task 5, Word Counter (see `super`): each is a whole solution of the
//! [`WordCounter`] contract with one planted defect, written from the course and the contract
//! alone.
//!
//! The shared helpers at the top are correct (tokenising, reading a file, merging, the top ten,
//! the refusals); each mutant either plugs a wrong piece into one of the two correct pool
//! skeletons ([`scoped_pool`]: scoped threads and crossbeam channels; [`spawned_pool`]:
//! `thread::spawn`, `std::sync::mpsc` and a shared receiver) or writes its own pool.

use crate::Mutant;
use crossbeam_channel::{bounded, unbounded, Receiver, Sender};
use harness::contracts::task05_word_counter::Counts;
use harness::contracts::{PoolConfig, PoolError, Solution, WordCounter};
use harness::probe::{Jobs, Probe};
use harness::Check;
use std::iter::Peekable;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Condvar, Mutex};
use std::thread;
use std::time::Duration;

// ---------------------------------------------------------------------------------------------
// Correct building blocks.
// ---------------------------------------------------------------------------------------------

type PartResult = Result<Counts, PoolError>;
/// One job: reads and tokenises `path` inside the probe's bracket.
type JobFn = fn(&Probe<PathBuf>, PathBuf) -> PartResult;
/// How the consumer folds one partial map into the total.
type MergeFn = fn(&mut Counts, Counts);

/// Words of `text`: maximal runs of alphanumeric characters, lowercased.
fn tokenise(text: &str) -> Counts {
    let mut counts = Counts::new();
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        *counts.entry(word.to_lowercase()).or_insert(0) += 1;
    }
    counts
}

/// The file's text; `None` for a file that exists but cannot be read (logged and skipped).
fn read_text(path: &Path) -> Result<Option<String>, PoolError> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Err(PoolError::MissingPath(path.to_path_buf()))
        }
        Err(e) => {
            tracing::warn!(path = %path.display(), error = %e, "skipping unreadable file");
            Ok(None)
        }
    }
}

fn count_file_with(path: &Path, tok: fn(&str) -> Counts) -> PartResult {
    Ok(read_text(path)?.map(|t| tok(&t)).unwrap_or_default())
}

fn count_file(path: &Path) -> PartResult {
    count_file_with(path, tokenise)
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "job panicked".to_string()
    }
}

/// Runs one job with a tokeniser, catching a panicking job so it cannot kill its worker.
fn job_with(probe: &Probe<PathBuf>, path: PathBuf, tok: fn(&str) -> Counts) -> PartResult {
    let key = path.clone();
    catch_unwind(AssertUnwindSafe(|| {
        probe.run(key, || count_file_with(&path, tok))
    }))
    .unwrap_or_else(|p| Err(PoolError::JobPanicked(panic_message(p.as_ref()))))
}

fn run_job(probe: &Probe<PathBuf>, path: PathBuf) -> PartResult {
    job_with(probe, path, tokenise)
}

fn merge(total: &mut Counts, part: Counts) {
    for (word, n) in part {
        *total.entry(word).or_insert(0) += n;
    }
}

/// Merges every partial map; remembers (and logs) the first error and returns it at the end.
fn collect(
    results: impl IntoIterator<Item = PartResult>,
    merge_fn: MergeFn,
    merged: &mut dyn FnMut(),
) -> PartResult {
    let mut total = Counts::new();
    let mut first_err = None;
    for r in results {
        match r {
            Ok(part) => merge_fn(&mut total, part),
            Err(e) => {
                tracing::error!(error = %e, "word count job failed");
                first_err.get_or_insert(e);
            }
        }
        merged();
    }
    match first_err {
        Some(e) => Err(e),
        None => Ok(total),
    }
}

/// Refuses zero workers and an empty list of files, taking at most one file to find out.
fn refuse(cfg: &PoolConfig, files: Jobs<PathBuf>) -> Result<Peekable<Jobs<PathBuf>>, PoolError> {
    if cfg.workers == 0 {
        return Err(PoolError::ZeroWorkers);
    }
    let mut files = files.peekable();
    if files.peek().is_none() {
        return Err(PoolError::EmptyInput);
    }
    Ok(files)
}

fn top_ten_sorted(counts: &Counts) -> Vec<(String, u64)> {
    let mut v: Vec<(String, u64)> = counts.iter().map(|(w, &n)| (w.clone(), n)).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v.truncate(10);
    v
}

/// Skeleton A: scoped threads, crossbeam channels of the configured sizes, a producer thread,
/// `cfg.workers` workers and the calling thread as the consumer.
fn scoped_pool(
    cfg: PoolConfig,
    files: impl Iterator<Item = PathBuf> + Send,
    probe: &Probe<PathBuf>,
    job: JobFn,
    merge_fn: MergeFn,
    merged: &mut dyn FnMut(),
) -> PartResult {
    let (job_tx, job_rx) = bounded::<PathBuf>(cfg.jobs_buffer);
    let (res_tx, res_rx) = bounded::<PartResult>(cfg.results_buffer);
    thread::scope(|s| {
        s.spawn(move || {
            for path in files {
                if job_tx.send(path).is_err() {
                    break;
                }
            }
        });
        for _ in 0..cfg.workers {
            let (job_rx, res_tx, probe) = (job_rx.clone(), res_tx.clone(), probe.clone());
            s.spawn(move || {
                for path in job_rx {
                    if res_tx.send(job(&probe, path)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(job_rx);
        drop(res_tx);
        collect(res_rx, merge_fn, merged)
    })
}

/// Skeleton B: `thread::spawn` workers sharing one `mpsc::Receiver` behind a mutex, sync
/// channels of the configured sizes, a producer thread, every handle joined at the end.
fn spawned_pool(
    cfg: PoolConfig,
    files: Peekable<Jobs<PathBuf>>,
    probe: &Probe<PathBuf>,
    job: JobFn,
    merge_fn: MergeFn,
    merged: &mut dyn FnMut(),
) -> PartResult {
    let (job_tx, job_rx) = mpsc::sync_channel::<PathBuf>(cfg.jobs_buffer);
    let (res_tx, res_rx) = mpsc::sync_channel::<PartResult>(cfg.results_buffer);
    let job_rx = Arc::new(Mutex::new(job_rx));
    let mut handles = Vec::with_capacity(cfg.workers + 1);
    for _ in 0..cfg.workers {
        let (jobs, tx, probe) = (Arc::clone(&job_rx), res_tx.clone(), probe.clone());
        handles.push(thread::spawn(move || loop {
            let next = jobs.lock().unwrap_or_else(|p| p.into_inner()).recv();
            let Ok(path) = next else { break };
            if tx.send(job(&probe, path)).is_err() {
                break;
            }
        }));
    }
    drop(job_rx);
    drop(res_tx);
    handles.push(thread::spawn(move || {
        for path in files {
            if job_tx.send(path).is_err() {
                break;
            }
        }
    }));
    let result = collect(res_rx, merge_fn, merged);
    for h in handles {
        if h.join().is_err() {
            tracing::error!("a word counter thread panicked");
        }
    }
    result
}

macro_rules! solution {
    ($ty:ident, $stat:ident, $name:literal) => {
        impl Solution for $ty {
            fn name(&self) -> &str {
                $name
            }
            fn task05(&self) -> Option<&dyn WordCounter> {
                Some(self)
            }
        }
        static $stat: $ty = $ty;
    };
}

/// The correct stretch, shared by every mutant whose defect is elsewhere.
macro_rules! correct_top_ten {
    () => {
        fn top_ten(&self, counts: &Counts) -> Option<Vec<(String, u64)>> {
            Some(top_ten_sorted(counts))
        }
    };
}

// ---------------------------------------------------------------------------------------------
// Inputs: tokenising, lowercasing, errors per file.
// ---------------------------------------------------------------------------------------------

/// Splits on whitespace and trims punctuation from the ends, so `well-known` and `don't` stay one
/// word instead of two. Blame: requirement.
pub struct SplitOnWhitespace;
solution!(
    SplitOnWhitespace,
    SPLIT_ON_WHITESPACE,
    "task05_word_counter::blind_split_on_whitespace"
);

fn tokenise_whitespace(text: &str) -> Counts {
    let mut counts = Counts::new();
    for word in text
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
    {
        *counts.entry(word.to_lowercase()).or_insert(0) += 1;
    }
    counts
}

fn job_whitespace(probe: &Probe<PathBuf>, path: PathBuf) -> PartResult {
    job_with(probe, path, tokenise_whitespace)
}

impl WordCounter for SplitOnWhitespace {
    fn count_words(
        &self,
        cfg: PoolConfig,
        files: Jobs<PathBuf>,
        probe: Probe<PathBuf>,
        merged: &mut dyn FnMut(),
    ) -> Result<Counts, PoolError> {
        let files = refuse(&cfg, files)?;
        spawned_pool(cfg, files, &probe, job_whitespace, merge, merged)
    }
    correct_top_ten!();
}

/// Lowercases with `to_ascii_lowercase`, so `École` and `école` (or `STRASSE`-style non-ASCII
/// capitals) are counted as different words. Blame: requirement.
pub struct AsciiLowercase;
solution!(
    AsciiLowercase,
    ASCII_LOWERCASE,
    "task05_word_counter::blind_ascii_lowercase"
);

fn tokenise_ascii_lower(text: &str) -> Counts {
    let mut counts = Counts::new();
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        *counts.entry(word.to_ascii_lowercase()).or_insert(0) += 1;
    }
    counts
}

fn job_ascii_lower(probe: &Probe<PathBuf>, path: PathBuf) -> PartResult {
    job_with(probe, path, tokenise_ascii_lower)
}

impl WordCounter for AsciiLowercase {
    fn count_words(
        &self,
        cfg: PoolConfig,
        files: Jobs<PathBuf>,
        probe: Probe<PathBuf>,
        merged: &mut dyn FnMut(),
    ) -> Result<Counts, PoolError> {
        let files = refuse(&cfg, files)?;
        scoped_pool(cfg, files, &probe, job_ascii_lower, merge, merged)
    }
    correct_top_ten!();
}

/// Splits on `!char::is_alphabetic`, so digits break words and numbers (`2024`, `mp3`) are
/// lost or cut. Blame: requirement.
pub struct AlphabeticOnly;
solution!(
    AlphabeticOnly,
    ALPHABETIC_ONLY,
    "task05_word_counter::blind_alphabetic_only"
);

fn tokenise_alphabetic(text: &str) -> Counts {
    let mut counts = Counts::new();
    for word in text
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
    {
        *counts.entry(word.to_lowercase()).or_insert(0) += 1;
    }
    counts
}

fn job_alphabetic(probe: &Probe<PathBuf>, path: PathBuf) -> PartResult {
    job_with(probe, path, tokenise_alphabetic)
}

impl WordCounter for AlphabeticOnly {
    fn count_words(
        &self,
        cfg: PoolConfig,
        files: Jobs<PathBuf>,
        probe: Probe<PathBuf>,
        merged: &mut dyn FnMut(),
    ) -> Result<Counts, PoolError> {
        let files = refuse(&cfg, files)?;
        spawned_pool(cfg, files, &probe, job_alphabetic, merge, merged)
    }
    correct_top_ten!();
}

/// Reads with `read_to_string(..).unwrap_or_default()`, so a missing file counts as an empty
/// one and the run succeeds instead of ending with `MissingPath`. Blame: errors_handled.
pub struct MissingFileCountedEmpty;
solution!(
    MissingFileCountedEmpty,
    MISSING_FILE_COUNTED_EMPTY,
    "task05_word_counter::blind_missing_file_counted_empty"
);

fn job_unwrap_or_default(probe: &Probe<PathBuf>, path: PathBuf) -> PartResult {
    let key = path.clone();
    catch_unwind(AssertUnwindSafe(|| {
        probe.run(key, || {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            Ok(tokenise(&text))
        })
    }))
    .unwrap_or_else(|p| Err(PoolError::JobPanicked(panic_message(p.as_ref()))))
}

impl WordCounter for MissingFileCountedEmpty {
    fn count_words(
        &self,
        cfg: PoolConfig,
        files: Jobs<PathBuf>,
        probe: Probe<PathBuf>,
        merged: &mut dyn FnMut(),
    ) -> Result<Counts, PoolError> {
        let files = refuse(&cfg, files)?;
        scoped_pool(cfg, files, &probe, job_unwrap_or_default, merge, merged)
    }
    correct_top_ten!();
}

/// Maps every read error to `MissingPath`, so a file that exists but is unreadable (a directory,
/// no permission, bytes that are not UTF-8 under `read_to_string`) ends the whole run instead of
/// being skipped. Blame: errors_handled.
pub struct EveryReadErrorIsMissing;
solution!(
    EveryReadErrorIsMissing,
    EVERY_READ_ERROR_IS_MISSING,
    "task05_word_counter::blind_every_read_error_is_missing"
);

fn job_any_error_missing(probe: &Probe<PathBuf>, path: PathBuf) -> PartResult {
    let key = path.clone();
    catch_unwind(AssertUnwindSafe(|| {
        probe.run(key, || {
            let text =
                std::fs::read_to_string(&path).map_err(|_| PoolError::MissingPath(path.clone()))?;
            Ok(tokenise(&text))
        })
    }))
    .unwrap_or_else(|p| Err(PoolError::JobPanicked(panic_message(p.as_ref()))))
}

impl WordCounter for EveryReadErrorIsMissing {
    fn count_words(
        &self,
        cfg: PoolConfig,
        files: Jobs<PathBuf>,
        probe: Probe<PathBuf>,
        merged: &mut dyn FnMut(),
    ) -> Result<Counts, PoolError> {
        let files = refuse(&cfg, files)?;
        spawned_pool(cfg, files, &probe, job_any_error_missing, merge, merged)
    }
    correct_top_ten!();
}

/// Never checks `cfg.workers`: zero workers spawn no thread and the run returns an empty map
/// instead of `ZeroWorkers`. Blame: requirement.
pub struct ZeroWorkersAccepted;
solution!(
    ZeroWorkersAccepted,
    ZERO_WORKERS_ACCEPTED,
    "task05_word_counter::blind_zero_workers_accepted"
);

impl WordCounter for ZeroWorkersAccepted {
    fn count_words(
        &self,
        cfg: PoolConfig,
        files: Jobs<PathBuf>,
        probe: Probe<PathBuf>,
        merged: &mut dyn FnMut(),
    ) -> Result<Counts, PoolError> {
        let mut files = files.peekable();
        if files.peek().is_none() {
            return Err(PoolError::EmptyInput);
        }
        scoped_pool(cfg, files, &probe, run_job, merge, merged)
    }
    correct_top_ten!();
}

// ---------------------------------------------------------------------------------------------
// The "how": merging, probe keys, work outside the bracket.
// ---------------------------------------------------------------------------------------------

/// Merges with `total.extend(part)`, which overwrites a word's count with the latest file's
/// instead of adding to it. Blame: requirement.
pub struct MergeOverwrites;
solution!(
    MergeOverwrites,
    MERGE_OVERWRITES,
    "task05_word_counter::blind_merge_overwrites"
);

fn merge_extend(total: &mut Counts, part: Counts) {
    total.extend(part);
}

impl WordCounter for MergeOverwrites {
    fn count_words(
        &self,
        cfg: PoolConfig,
        files: Jobs<PathBuf>,
        probe: Probe<PathBuf>,
        merged: &mut dyn FnMut(),
    ) -> Result<Counts, PoolError> {
        let files = refuse(&cfg, files)?;
        spawned_pool(cfg, files, &probe, run_job, merge_extend, merged)
    }
    correct_top_ten!();
}

/// Keys each job by the file's name (`path.file_name()`) instead of its path, so two files with
/// the same name in different folders share one key. Blame: requirement.
pub struct ProbeKeyFileName;
solution!(
    ProbeKeyFileName,
    PROBE_KEY_FILE_NAME,
    "task05_word_counter::blind_probe_key_file_name"
);

fn job_keyed_by_name(probe: &Probe<PathBuf>, path: PathBuf) -> PartResult {
    let key = path
        .file_name()
        .map(PathBuf::from)
        .unwrap_or_else(|| path.clone());
    catch_unwind(AssertUnwindSafe(|| probe.run(key, || count_file(&path))))
        .unwrap_or_else(|p| Err(PoolError::JobPanicked(panic_message(p.as_ref()))))
}

impl WordCounter for ProbeKeyFileName {
    fn count_words(
        &self,
        cfg: PoolConfig,
        files: Jobs<PathBuf>,
        probe: Probe<PathBuf>,
        merged: &mut dyn FnMut(),
    ) -> Result<Counts, PoolError> {
        let files = refuse(&cfg, files)?;
        scoped_pool(cfg, files, &probe, job_keyed_by_name, merge, merged)
    }
    correct_top_ten!();
}

/// Reads the file before entering `probe.run` and only tokenises inside it, so the I/O (and a
/// missing file's error) happens outside the job's bracket. Blame: requirement.
pub struct ReadOutsideProbe;
solution!(
    ReadOutsideProbe,
    READ_OUTSIDE_PROBE,
    "task05_word_counter::blind_read_outside_probe"
);

fn job_read_first(probe: &Probe<PathBuf>, path: PathBuf) -> PartResult {
    let text = read_text(&path)?;
    catch_unwind(AssertUnwindSafe(|| {
        probe.run(path, || {
            Ok(text.as_deref().map(tokenise).unwrap_or_default())
        })
    }))
    .unwrap_or_else(|p| Err(PoolError::JobPanicked(panic_message(p.as_ref()))))
}

impl WordCounter for ReadOutsideProbe {
    fn count_words(
        &self,
        cfg: PoolConfig,
        files: Jobs<PathBuf>,
        probe: Probe<PathBuf>,
        merged: &mut dyn FnMut(),
    ) -> Result<Counts, PoolError> {
        let files = refuse(&cfg, files)?;
        spawned_pool(cfg, files, &probe, job_read_first, merge, merged)
    }
    correct_top_ten!();
}

// ---------------------------------------------------------------------------------------------
// Sizes.
// ---------------------------------------------------------------------------------------------

/// Takes the pool size from the machine (`available_parallelism`, "NumCPU" as the course says)
/// instead of `cfg.workers`. Blame: pool_size.
pub struct WorkersFromNumCpu;
solution!(
    WorkersFromNumCpu,
    WORKERS_FROM_NUM_CPU,
    "task05_word_counter::blind_workers_from_num_cpu"
);

impl WordCounter for WorkersFromNumCpu {
    fn count_words(
        &self,
        cfg: PoolConfig,
        files: Jobs<PathBuf>,
        probe: Probe<PathBuf>,
        merged: &mut dyn FnMut(),
    ) -> Result<Counts, PoolError> {
        let files = refuse(&cfg, files)?;
        let cfg = PoolConfig {
            workers: PoolConfig::num_cpu(),
            ..cfg
        };
        spawned_pool(cfg, files, &probe, run_job, merge, merged)
    }
    correct_top_ten!();
}

/// Numbers workers from 1 (`for id in 1..cfg.workers`), so it spawns one worker too few (none at
/// all for a pool of one, which then returns an empty map). Blame: pool_size.
pub struct OneWorkerTooFew;
solution!(
    OneWorkerTooFew,
    ONE_WORKER_TOO_FEW,
    "task05_word_counter::blind_one_worker_too_few"
);

impl WordCounter for OneWorkerTooFew {
    fn count_words(
        &self,
        cfg: PoolConfig,
        files: Jobs<PathBuf>,
        probe: Probe<PathBuf>,
        merged: &mut dyn FnMut(),
    ) -> Result<Counts, PoolError> {
        let files = refuse(&cfg, files)?;
        let (job_tx, job_rx) = bounded::<PathBuf>(cfg.jobs_buffer);
        let (res_tx, res_rx) = bounded::<PartResult>(cfg.results_buffer);
        thread::scope(|s| {
            s.spawn(move || {
                for path in files {
                    if job_tx.send(path).is_err() {
                        break;
                    }
                }
            });
            for id in 1..cfg.workers {
                let (job_rx, res_tx, probe) = (job_rx.clone(), res_tx.clone(), probe.clone());
                s.spawn(move || {
                    tracing::debug!(worker = id, "word counter worker started");
                    for path in job_rx {
                        if res_tx.send(run_job(&probe, path)).is_err() {
                            break;
                        }
                    }
                });
            }
            drop(job_rx);
            drop(res_tx);
            collect(res_rx, merge, merged)
        })
    }
    correct_top_ten!();
}

/// Bounds the jobs channel but makes the results channel unbounded, so partial maps pile up
/// without limit behind a slow consumer. Blame: buffer_size.
pub struct UnboundedResults;
solution!(
    UnboundedResults,
    UNBOUNDED_RESULTS,
    "task05_word_counter::blind_unbounded_results"
);

impl WordCounter for UnboundedResults {
    fn count_words(
        &self,
        cfg: PoolConfig,
        files: Jobs<PathBuf>,
        probe: Probe<PathBuf>,
        merged: &mut dyn FnMut(),
    ) -> Result<Counts, PoolError> {
        let files = refuse(&cfg, files)?;
        let (job_tx, job_rx) = bounded::<PathBuf>(cfg.jobs_buffer);
        let (res_tx, res_rx) = unbounded::<PartResult>();
        thread::scope(|s| {
            for _ in 0..cfg.workers {
                let (job_rx, res_tx, probe) = (job_rx.clone(), res_tx.clone(), probe.clone());
                s.spawn(move || {
                    while let Ok(path) = job_rx.recv() {
                        if res_tx.send(run_job(&probe, path)).is_err() {
                            return;
                        }
                    }
                });
            }
            drop(res_tx);
            s.spawn(move || {
                for path in files {
                    if job_tx.send(path).is_err() {
                        break;
                    }
                }
            });
            drop(job_rx);
            collect(res_rx, merge, merged)
        })
    }
    correct_top_ten!();
}

/// Collects every file into a `Vec` first to check for an empty list, so it takes all jobs far
/// ahead of its workers behind a bounded jobs channel. Blame: buffer_size.
pub struct CollectsFilesUpfront;
solution!(
    CollectsFilesUpfront,
    COLLECTS_FILES_UPFRONT,
    "task05_word_counter::blind_collects_files_upfront"
);

impl WordCounter for CollectsFilesUpfront {
    fn count_words(
        &self,
        cfg: PoolConfig,
        files: Jobs<PathBuf>,
        probe: Probe<PathBuf>,
        merged: &mut dyn FnMut(),
    ) -> Result<Counts, PoolError> {
        if cfg.workers == 0 {
            return Err(PoolError::ZeroWorkers);
        }
        let files: Vec<PathBuf> = files.collect();
        if files.is_empty() {
            return Err(PoolError::EmptyInput);
        }
        scoped_pool(cfg, files.into_iter(), &probe, run_job, merge, merged)
    }
    correct_top_ten!();
}

// ---------------------------------------------------------------------------------------------
// Closing, joining, waiting.
// ---------------------------------------------------------------------------------------------

/// Hands the producer a clone of the jobs sender but keeps the original alive until the end, so
/// the jobs channel is never closed, the workers never exit and the run never returns.
/// Blame: close_once.
pub struct JobsNeverClosed;
solution!(
    JobsNeverClosed,
    JOBS_NEVER_CLOSED,
    "task05_word_counter::blind_jobs_never_closed"
);

impl WordCounter for JobsNeverClosed {
    fn count_words(
        &self,
        cfg: PoolConfig,
        files: Jobs<PathBuf>,
        probe: Probe<PathBuf>,
        merged: &mut dyn FnMut(),
    ) -> Result<Counts, PoolError> {
        let files = refuse(&cfg, files)?;
        let (job_tx, job_rx): (Sender<PathBuf>, Receiver<PathBuf>) = bounded(cfg.jobs_buffer);
        let (res_tx, res_rx) = bounded::<PartResult>(cfg.results_buffer);
        thread::scope(|s| {
            for _ in 0..cfg.workers {
                let job_rx = job_rx.clone();
                let res_tx = res_tx.clone();
                let probe = probe.clone();
                s.spawn(move || {
                    for path in job_rx.iter() {
                        if res_tx.send(run_job(&probe, path)).is_err() {
                            break;
                        }
                    }
                });
            }
            drop(res_tx);
            let producer_tx = job_tx.clone();
            s.spawn(move || {
                for path in files {
                    if producer_tx.send(path).is_err() {
                        break;
                    }
                }
            });
            let counts = collect(res_rx, merge, merged);
            drop(job_tx);
            counts
        })
    }
    correct_top_ten!();
}

/// Joins every worker before reading any result, so once more files are done than the results
/// channel holds, a worker blocks on `send` and the join never returns. Blame: graceful_shutdown.
pub struct JoinBeforeDrainingResults;
solution!(
    JoinBeforeDrainingResults,
    JOIN_BEFORE_DRAINING_RESULTS,
    "task05_word_counter::blind_join_before_draining_results"
);

impl WordCounter for JoinBeforeDrainingResults {
    fn count_words(
        &self,
        cfg: PoolConfig,
        files: Jobs<PathBuf>,
        probe: Probe<PathBuf>,
        merged: &mut dyn FnMut(),
    ) -> Result<Counts, PoolError> {
        let files = refuse(&cfg, files)?;
        let (job_tx, job_rx) = mpsc::sync_channel::<PathBuf>(cfg.jobs_buffer);
        let (res_tx, res_rx) = mpsc::sync_channel::<PartResult>(cfg.results_buffer);
        let job_rx = Arc::new(Mutex::new(job_rx));
        let producer = thread::spawn(move || {
            for path in files {
                if job_tx.send(path).is_err() {
                    break;
                }
            }
        });
        let workers: Vec<_> = (0..cfg.workers)
            .map(|_| {
                let (jobs, tx, probe) = (Arc::clone(&job_rx), res_tx.clone(), probe.clone());
                thread::spawn(move || loop {
                    let next = jobs.lock().unwrap_or_else(|p| p.into_inner()).recv();
                    match next {
                        Ok(path) => {
                            if tx.send(run_job(&probe, path)).is_err() {
                                break;
                            }
                        }
                        Err(_) => break,
                    }
                })
            })
            .collect();
        drop(res_tx);
        let _ = producer.join();
        for w in workers {
            if w.join().is_err() {
                tracing::error!("worker panicked");
            }
        }
        collect(res_rx, merge, merged)
    }
    correct_top_ten!();
}

/// The calling thread sends every file and only then reads results, so with more files than the
/// two buffers and the workers hold, producer and workers block on each other forever.
/// Blame: graceful_shutdown.
pub struct ProducerAndConsumerOneThread;
solution!(
    ProducerAndConsumerOneThread,
    PRODUCER_AND_CONSUMER_ONE_THREAD,
    "task05_word_counter::blind_producer_and_consumer_one_thread"
);

impl WordCounter for ProducerAndConsumerOneThread {
    fn count_words(
        &self,
        cfg: PoolConfig,
        files: Jobs<PathBuf>,
        probe: Probe<PathBuf>,
        merged: &mut dyn FnMut(),
    ) -> Result<Counts, PoolError> {
        let files = refuse(&cfg, files)?;
        let (job_tx, job_rx) = bounded::<PathBuf>(cfg.jobs_buffer);
        let (res_tx, res_rx) = bounded::<PartResult>(cfg.results_buffer);
        thread::scope(|s| {
            for _ in 0..cfg.workers {
                let (job_rx, res_tx, probe) = (job_rx.clone(), res_tx.clone(), probe.clone());
                s.spawn(move || {
                    for path in job_rx {
                        if res_tx.send(run_job(&probe, path)).is_err() {
                            break;
                        }
                    }
                });
            }
            drop(job_rx);
            drop(res_tx);
            for path in files {
                if job_tx.send(path).is_err() {
                    break;
                }
            }
            drop(job_tx);
            collect(res_rx, merge, merged)
        })
    }
    correct_top_ten!();
}

/// Returns `MissingPath` with `?` as soon as it arrives, skipping the joins: the remaining
/// workers are left running (detached) after the call has returned. Blame: all_joined.
pub struct MissingFileReturnsBeforeJoin;
solution!(
    MissingFileReturnsBeforeJoin,
    MISSING_FILE_RETURNS_BEFORE_JOIN,
    "task05_word_counter::blind_missing_file_returns_before_join"
);

impl WordCounter for MissingFileReturnsBeforeJoin {
    fn count_words(
        &self,
        cfg: PoolConfig,
        files: Jobs<PathBuf>,
        probe: Probe<PathBuf>,
        merged: &mut dyn FnMut(),
    ) -> Result<Counts, PoolError> {
        let files = refuse(&cfg, files)?;
        let (job_tx, job_rx) = mpsc::sync_channel::<PathBuf>(cfg.jobs_buffer);
        let (res_tx, res_rx) = mpsc::sync_channel::<PartResult>(cfg.results_buffer);
        let job_rx = Arc::new(Mutex::new(job_rx));
        let mut handles = Vec::new();
        for _ in 0..cfg.workers {
            let (jobs, tx, probe) = (Arc::clone(&job_rx), res_tx.clone(), probe.clone());
            handles.push(thread::spawn(move || loop {
                let next = jobs.lock().unwrap_or_else(|p| p.into_inner()).recv();
                let Ok(path) = next else { break };
                if tx.send(run_job(&probe, path)).is_err() {
                    break;
                }
            }));
        }
        drop(job_rx);
        drop(res_tx);
        handles.push(thread::spawn(move || {
            for path in files {
                if job_tx.send(path).is_err() {
                    break;
                }
            }
        }));
        let mut total = Counts::new();
        for part in res_rx {
            merge(&mut total, part?);
            merged();
        }
        for h in handles {
            h.join()
                .map_err(|p| PoolError::JobPanicked(panic_message(p.as_ref())))?;
        }
        Ok(total)
    }
    correct_top_ten!();
}

/// A hand-made wait group whose counter is incremented inside each worker: the consumer can see
/// zero before any worker has started, return early with missing counts and leave the workers
/// detached. Blame: all_joined.
pub struct WaitGroupAddInWorker;
solution!(
    WaitGroupAddInWorker,
    WAIT_GROUP_ADD_IN_WORKER,
    "task05_word_counter::blind_wait_group_add_in_worker"
);

struct WaitGroup {
    count: Mutex<usize>,
    zero: Condvar,
}

impl WaitGroup {
    fn add(&self) {
        *self.count.lock().unwrap_or_else(|p| p.into_inner()) += 1;
    }
    fn done(&self) {
        let mut n = self.count.lock().unwrap_or_else(|p| p.into_inner());
        *n -= 1;
        if *n == 0 {
            self.zero.notify_all();
        }
    }
    /// Waits up to `timeout` for the count to reach zero; true once it has.
    fn wait_timeout(&self, timeout: Duration) -> bool {
        let n = self.count.lock().unwrap_or_else(|p| p.into_inner());
        if *n == 0 {
            return true;
        }
        let (n, _) = self
            .zero
            .wait_timeout(n, timeout)
            .unwrap_or_else(|p| p.into_inner());
        *n == 0
    }
}

impl WordCounter for WaitGroupAddInWorker {
    fn count_words(
        &self,
        cfg: PoolConfig,
        files: Jobs<PathBuf>,
        probe: Probe<PathBuf>,
        merged: &mut dyn FnMut(),
    ) -> Result<Counts, PoolError> {
        let files = refuse(&cfg, files)?;
        let (job_tx, job_rx) = bounded::<PathBuf>(cfg.jobs_buffer);
        let (res_tx, res_rx) = bounded::<PartResult>(cfg.results_buffer);
        let wg = Arc::new(WaitGroup {
            count: Mutex::new(0),
            zero: Condvar::new(),
        });
        thread::spawn(move || {
            for path in files {
                if job_tx.send(path).is_err() {
                    break;
                }
            }
        });
        for _ in 0..cfg.workers {
            let (job_rx, res_tx, probe, wg) = (
                job_rx.clone(),
                res_tx.clone(),
                probe.clone(),
                Arc::clone(&wg),
            );
            thread::spawn(move || {
                wg.add();
                for path in job_rx {
                    if res_tx.send(run_job(&probe, path)).is_err() {
                        break;
                    }
                }
                wg.done();
            });
        }
        drop(res_tx);
        let mut parts = Vec::new();
        loop {
            parts.extend(res_rx.try_iter());
            if wg.wait_timeout(Duration::from_millis(1)) {
                break;
            }
        }
        parts.extend(res_rx.try_iter());
        collect(parts, merge, merged)
    }
    correct_top_ten!();
}

/// The consumer loops "while not every worker has finished", so the partial maps still queued
/// in the results channel when the last worker finishes are never merged. Blame:
/// graceful_shutdown.
pub struct ConsumerStopsWhenWorkersDone;
solution!(
    ConsumerStopsWhenWorkersDone,
    CONSUMER_STOPS_WHEN_WORKERS_DONE,
    "task05_word_counter::blind_consumer_stops_when_workers_done"
);

impl WordCounter for ConsumerStopsWhenWorkersDone {
    fn count_words(
        &self,
        cfg: PoolConfig,
        files: Jobs<PathBuf>,
        probe: Probe<PathBuf>,
        merged: &mut dyn FnMut(),
    ) -> Result<Counts, PoolError> {
        let files = refuse(&cfg, files)?;
        let (job_tx, job_rx) = bounded::<PathBuf>(cfg.jobs_buffer);
        let (res_tx, res_rx) = bounded::<PartResult>(cfg.results_buffer);
        let finished = AtomicUsize::new(0);
        thread::scope(|s| {
            s.spawn(move || {
                for path in files {
                    if job_tx.send(path).is_err() {
                        break;
                    }
                }
            });
            for _ in 0..cfg.workers {
                let (job_rx, res_tx, probe) = (job_rx.clone(), res_tx.clone(), probe.clone());
                let finished = &finished;
                s.spawn(move || {
                    for path in job_rx {
                        if res_tx.send(run_job(&probe, path)).is_err() {
                            break;
                        }
                    }
                    finished.fetch_add(1, Ordering::SeqCst);
                });
            }
            drop(job_rx);
            drop(res_tx);
            let mut parts = Vec::new();
            while finished.load(Ordering::SeqCst) < cfg.workers {
                if let Ok(part) = res_rx.recv_timeout(Duration::from_millis(1)) {
                    parts.push(part);
                }
            }
            collect(parts, merge, merged)
        })
    }
    correct_top_ten!();
}

/// Ports Go's "last worker out closes results" with a load-then-store counter: two workers
/// finishing together both see the same count, nobody sees zero, the results sender is never
/// dropped and the consumer waits forever. Blame: race_free.
pub struct LastWorkerCloseRace;
solution!(
    LastWorkerCloseRace,
    LAST_WORKER_CLOSE_RACE,
    "task05_word_counter::blind_last_worker_close_race"
);

impl WordCounter for LastWorkerCloseRace {
    fn count_words(
        &self,
        cfg: PoolConfig,
        files: Jobs<PathBuf>,
        probe: Probe<PathBuf>,
        merged: &mut dyn FnMut(),
    ) -> Result<Counts, PoolError> {
        let files = refuse(&cfg, files)?;
        let (job_tx, job_rx) = bounded::<PathBuf>(cfg.jobs_buffer);
        let (res_tx, res_rx) = mpsc::sync_channel::<PartResult>(cfg.results_buffer);
        let results: Mutex<Option<mpsc::SyncSender<PartResult>>> = Mutex::new(Some(res_tx));
        let running = AtomicUsize::new(cfg.workers);
        thread::scope(|s| {
            s.spawn(move || {
                for path in files {
                    if job_tx.send(path).is_err() {
                        break;
                    }
                }
            });
            for _ in 0..cfg.workers {
                let (job_rx, probe) = (job_rx.clone(), probe.clone());
                let (results, running) = (&results, &running);
                s.spawn(move || {
                    for path in job_rx {
                        let part = run_job(&probe, path);
                        let tx = results.lock().unwrap_or_else(|p| p.into_inner()).clone();
                        if let Some(tx) = tx {
                            if tx.send(part).is_err() {
                                break;
                            }
                        }
                    }
                    let left = running.load(Ordering::SeqCst) - 1;
                    running.store(left, Ordering::SeqCst);
                    if left == 0 {
                        results.lock().unwrap_or_else(|p| p.into_inner()).take();
                    }
                });
            }
            drop(job_rx);
            collect(res_rx, merge, merged)
        })
    }
    correct_top_ten!();
}

// ---------------------------------------------------------------------------------------------
// Errors and panics.
// ---------------------------------------------------------------------------------------------

/// Each worker returns `Err` with `?` on its first missing file, so one bad file stops a worker
/// for good and, once as many files failed as there are workers, the files still queued are
/// dropped unread. Blame: errors_handled.
pub struct WorkerQuitsOnFirstError;
solution!(
    WorkerQuitsOnFirstError,
    WORKER_QUITS_ON_FIRST_ERROR,
    "task05_word_counter::blind_worker_quits_on_first_error"
);

impl WordCounter for WorkerQuitsOnFirstError {
    fn count_words(
        &self,
        cfg: PoolConfig,
        files: Jobs<PathBuf>,
        probe: Probe<PathBuf>,
        merged: &mut dyn FnMut(),
    ) -> Result<Counts, PoolError> {
        let files = refuse(&cfg, files)?;
        let (job_tx, job_rx) = bounded::<PathBuf>(cfg.jobs_buffer);
        let (res_tx, res_rx) = bounded::<Counts>(cfg.results_buffer);
        thread::scope(|s| {
            s.spawn(move || {
                for path in files {
                    if job_tx.send(path).is_err() {
                        break;
                    }
                }
            });
            let workers: Vec<_> = (0..cfg.workers)
                .map(|_| {
                    let (job_rx, res_tx, probe) = (job_rx.clone(), res_tx.clone(), probe.clone());
                    s.spawn(move || -> Result<(), PoolError> {
                        for path in job_rx {
                            let part = run_job(&probe, path)?;
                            if res_tx.send(part).is_err() {
                                break;
                            }
                        }
                        Ok(())
                    })
                })
                .collect();
            drop(job_rx);
            drop(res_tx);
            let mut total = Counts::new();
            for part in res_rx {
                merge(&mut total, part);
                merged();
            }
            let mut first_err = None;
            for w in workers {
                let outcome = w
                    .join()
                    .unwrap_or_else(|p| Err(PoolError::JobPanicked(panic_message(p.as_ref()))));
                if let Err(e) = outcome {
                    tracing::error!(error = %e, "word counter worker failed");
                    first_err.get_or_insert(e);
                }
            }
            match first_err {
                Some(e) => Err(e),
                None => Ok(total),
            }
        })
    }
    correct_top_ten!();
}

/// Does not catch a panicking job and ignores `join()`'s error, so the job's worker dies, the
/// file's counts vanish and the run still returns `Ok` (with one worker, every later file is
/// dropped too). Blame: errors_handled.
pub struct PanicSwallowedByJoin;
solution!(
    PanicSwallowedByJoin,
    PANIC_SWALLOWED_BY_JOIN,
    "task05_word_counter::blind_panic_swallowed_by_join"
);

impl WordCounter for PanicSwallowedByJoin {
    fn count_words(
        &self,
        cfg: PoolConfig,
        files: Jobs<PathBuf>,
        probe: Probe<PathBuf>,
        merged: &mut dyn FnMut(),
    ) -> Result<Counts, PoolError> {
        let files = refuse(&cfg, files)?;
        let (job_tx, job_rx) = mpsc::sync_channel::<PathBuf>(cfg.jobs_buffer);
        let (res_tx, res_rx) = mpsc::sync_channel::<PartResult>(cfg.results_buffer);
        let job_rx = Arc::new(Mutex::new(job_rx));
        let mut handles = Vec::new();
        for _ in 0..cfg.workers {
            let (jobs, tx, probe) = (Arc::clone(&job_rx), res_tx.clone(), probe.clone());
            handles.push(thread::spawn(move || loop {
                let next = jobs.lock().unwrap_or_else(|p| p.into_inner()).recv();
                let Ok(path) = next else { break };
                let part = probe.run(path.clone(), || count_file(&path));
                if tx.send(part).is_err() {
                    break;
                }
            }));
        }
        drop(job_rx);
        drop(res_tx);
        handles.push(thread::spawn(move || {
            for path in files {
                if job_tx.send(path).is_err() {
                    break;
                }
            }
        }));
        let result = collect(res_rx, merge, merged);
        for h in handles {
            let _ = h.join();
        }
        result
    }
    correct_top_ten!();
}

/// The consumer returns on the first `Err` with `?` while workers still `send(..).expect(..)`
/// their partial maps, so a missing file followed by more files panics a worker and the whole
/// call panics instead of returning `MissingPath`. Blame: errors_handled.
pub struct SendAfterConsumerLeft;
solution!(
    SendAfterConsumerLeft,
    SEND_AFTER_CONSUMER_LEFT,
    "task05_word_counter::blind_send_after_consumer_left"
);

impl WordCounter for SendAfterConsumerLeft {
    fn count_words(
        &self,
        cfg: PoolConfig,
        files: Jobs<PathBuf>,
        probe: Probe<PathBuf>,
        merged: &mut dyn FnMut(),
    ) -> Result<Counts, PoolError> {
        let files = refuse(&cfg, files)?;
        let (job_tx, job_rx) = bounded::<PathBuf>(cfg.jobs_buffer);
        let (res_tx, res_rx) = bounded::<PartResult>(cfg.results_buffer);
        thread::scope(|s| {
            s.spawn(move || {
                for path in files {
                    if job_tx.send(path).is_err() {
                        break;
                    }
                }
            });
            for _ in 0..cfg.workers {
                let (job_rx, res_tx, probe) = (job_rx.clone(), res_tx.clone(), probe.clone());
                s.spawn(move || {
                    for path in job_rx {
                        res_tx
                            .send(run_job(&probe, path))
                            .expect("results channel closed");
                    }
                });
            }
            drop(job_rx);
            drop(res_tx);
            let mut total = Counts::new();
            for part in res_rx {
                merge(&mut total, part?);
                merged();
            }
            Ok(total)
        })
    }
    correct_top_ten!();
}

// ---------------------------------------------------------------------------------------------
// Stretch: the top ten.
// ---------------------------------------------------------------------------------------------

/// Sorts by `(count, word)` and reverses, so words with equal counts come out in descending
/// byte order instead of ascending. Blame: stretch.
pub struct TopTenTiesDescending;
solution!(
    TopTenTiesDescending,
    TOP_TEN_TIES_DESCENDING,
    "task05_word_counter::blind_top_ten_ties_descending"
);

impl WordCounter for TopTenTiesDescending {
    fn count_words(
        &self,
        cfg: PoolConfig,
        files: Jobs<PathBuf>,
        probe: Probe<PathBuf>,
        merged: &mut dyn FnMut(),
    ) -> Result<Counts, PoolError> {
        let files = refuse(&cfg, files)?;
        scoped_pool(cfg, files, &probe, run_job, merge, merged)
    }

    fn top_ten(&self, counts: &Counts) -> Option<Vec<(String, u64)>> {
        let mut v: Vec<(String, u64)> = counts.iter().map(|(w, &n)| (w.clone(), n)).collect();
        v.sort_by_key(|(w, n)| (*n, w.clone()));
        v.reverse();
        v.truncate(10);
        Some(v)
    }
}

/// Sorts by count only (`sort_unstable_by_key`), so the order of equal counts, and which of them
/// make the cut at tenth place, follows the hash map's order. Blame: stretch.
pub struct TopTenTiesUnordered;
solution!(
    TopTenTiesUnordered,
    TOP_TEN_TIES_UNORDERED,
    "task05_word_counter::blind_top_ten_ties_unordered"
);

impl WordCounter for TopTenTiesUnordered {
    fn count_words(
        &self,
        cfg: PoolConfig,
        files: Jobs<PathBuf>,
        probe: Probe<PathBuf>,
        merged: &mut dyn FnMut(),
    ) -> Result<Counts, PoolError> {
        let files = refuse(&cfg, files)?;
        spawned_pool(cfg, files, &probe, run_job, merge, merged)
    }

    fn top_ten(&self, counts: &Counts) -> Option<Vec<(String, u64)>> {
        let mut v: Vec<(String, u64)> = counts.iter().map(|(w, &n)| (w.clone(), n)).collect();
        v.sort_unstable_by_key(|e| std::cmp::Reverse(e.1));
        Some(v.into_iter().take(10).collect())
    }
}

// ---------------------------------------------------------------------------------------------
// Registration.
// ---------------------------------------------------------------------------------------------

fn entry(solution: &'static dyn Solution, bug: &'static str, breaks: Check) -> Mutant {
    Mutant {
        name: solution.name(),
        bug,
        breaks,
        solution,
    }
}

pub fn mutants() -> Vec<Mutant> {
    vec![
        entry(
            &SPLIT_ON_WHITESPACE,
            "I split on whitespace and trimmed punctuation, so `well-known` stayed one word.",
            Check::Requirement,
        ),
        entry(
            &ASCII_LOWERCASE,
            "I lowercased with to_ascii_lowercase, so non-ASCII capitals were not folded.",
            Check::Requirement,
        ),
        entry(
            &ALPHABETIC_ONLY,
            "I split on non-alphabetic characters, so digits broke words and numbers vanished.",
            Check::Requirement,
        ),
        entry(
            &MISSING_FILE_COUNTED_EMPTY,
            "I used read_to_string(..).unwrap_or_default(), so a missing file counted as empty.",
            Check::ErrorsHandled,
        ),
        entry(
            &EVERY_READ_ERROR_IS_MISSING,
            "I mapped every read error to MissingPath, so one unreadable file ended the run.",
            Check::ErrorsHandled,
        ),
        entry(
            &ZERO_WORKERS_ACCEPTED,
            "I never checked for zero workers, so the pool returned an empty map.",
            Check::GracefulShutdown,
        ),
        entry(
            &MERGE_OVERWRITES,
            "I merged with HashMap::extend, which overwrites counts instead of adding them.",
            Check::Requirement,
        ),
        entry(
            &PROBE_KEY_FILE_NAME,
            "I keyed each job by the file's name, not its path.",
            Check::Requirement,
        ),
        entry(
            &READ_OUTSIDE_PROBE,
            "I read the file before probe.run and only tokenised inside it.",
            Check::Requirement,
        ),
        entry(
            &WORKERS_FROM_NUM_CPU,
            "I sized the pool with available_parallelism instead of cfg.workers.",
            Check::PoolSize,
        ),
        entry(
            &ONE_WORKER_TOO_FEW,
            "I numbered workers from 1 with 1..cfg.workers and spawned one too few.",
            Check::PoolSize,
        ),
        entry(
            &UNBOUNDED_RESULTS,
            "I bounded the jobs channel but made the results channel unbounded.",
            Check::BufferSize,
        ),
        entry(
            &COLLECTS_FILES_UPFRONT,
            "I collected all files into a Vec to check for an empty list, taking every job at once.",
            Check::BufferSize,
        ),
        entry(
            &JOBS_NEVER_CLOSED,
            "I gave the producer a clone of the jobs sender and kept the original until the end.",
            Check::CloseOnce,
        ),
        entry(
            &JOIN_BEFORE_DRAINING_RESULTS,
            "I joined the workers before reading results, so a full results channel deadlocks.",
            Check::GracefulShutdown,
        ),
        entry(
            &PRODUCER_AND_CONSUMER_ONE_THREAD,
            "I sent every job from the calling thread before reading any result.",
            Check::GracefulShutdown,
        ),
        entry(
            &MISSING_FILE_RETURNS_BEFORE_JOIN,
            "I returned MissingPath with ? before joining, leaving workers running.",
            Check::AllJoined,
        ),
        entry(
            &WAIT_GROUP_ADD_IN_WORKER,
            "My wait group's add ran inside each worker, so the wait could pass before they started.",
            Check::AllJoined,
        ),
        entry(
            &CONSUMER_STOPS_WHEN_WORKERS_DONE,
            "My consumer stopped once every worker finished, leaving queued partial maps unmerged.",
            Check::Requirement,
        ),
        entry(
            &LAST_WORKER_CLOSE_RACE,
            "The last worker closed results using a load-then-store counter that can miss zero.",
            Check::CloseOnce,
        ),
        entry(
            &WORKER_QUITS_ON_FIRST_ERROR,
            "Each worker returned on its first missing file, so errors shrank the pool.",
            Check::ErrorsHandled,
        ),
        entry(
            &PANIC_SWALLOWED_BY_JOIN,
            "I did not catch a panicking job and ignored join's error, so its counts vanished.",
            Check::ErrorsHandled,
        ),
        entry(
            &SEND_AFTER_CONSUMER_LEFT,
            "My consumer returned on the first error while workers still expect()ed their sends.",
            Check::ErrorsHandled,
        ),
        entry(
            &TOP_TEN_TIES_DESCENDING,
            "I sorted by (count, word) and reversed, so ties came out in descending order.",
            Check::Stretch,
        ),
        entry(
            &TOP_TEN_TIES_UNORDERED,
            "I sorted the top ten by count only, so ties followed the hash map's order.",
            Check::Stretch,
        ),
    ]
}

/// Blind mutants of this task taken out at triage (they meet the contract), with the reason.
pub const DROPPED: &[super::Dropped] = &[];

/// Blind mutants of this task whose checklist item triage changed, with the reason.
pub const RELABELLED: &[super::Relabelled] = &[
    super::Relabelled {
        name: "task05_word_counter::blind_zero_workers_accepted",
        was: Check::Requirement,
        why: "zero workers accepted is a refusal that did not happen: graceful_shutdown",
    },
    super::Relabelled {
        name: "task05_word_counter::blind_consumer_stops_when_workers_done",
        was: Check::GracefulShutdown,
        why: "partial maps left unmerged are counts missing from the answer: requirement",
    },
    super::Relabelled {
        name: "task05_word_counter::blind_last_worker_close_race",
        was: Check::RaceFree,
        why: "a race is blamed on its effect, here a consumer waiting forever with every file done: close_once",
    },
];

/// Blind mutants of this task whose catch is measured, not required (see `super::Uncertain`).
pub const UNCERTAIN: &[super::Uncertain] = &[];
