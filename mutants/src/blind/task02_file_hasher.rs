//! Blind mutants of Task 2, File Hasher: each a complete solution of the contract with one planted
//! defect, written from the contract and the course alone (without reading the scenarios).
//!
//! The correct shape they all start from: refuse zero workers, a missing root and an empty
//! directory; walk the root following symlinks, skipping directories silently and logging anything
//! else that is not a regular file (or that the walk cannot read); feed the paths to
//! `cfg.workers` workers through a jobs channel of `cfg.jobs_buffer`; each worker opens and hashes
//! its file inside `probe.run(path, ..)`, logs the files it cannot read and sends the rest through
//! a results channel of `cfg.results_buffer`; the calling thread drains the results into `emit`,
//! then joins everyone and returns the summary timed on the suite's clock.

use crate::Mutant;
use harness::clock::Clock;
use harness::contracts::task02_file_hasher::{FileHash, FileHasher, Summary};
use harness::contracts::{PoolConfig, PoolError, Solution};
use harness::probe::Probe;
use harness::Check;
use sha2::{Digest, Sha256};
use std::fs::{self, File};
use std::io::{self, Read};
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::thread;
use std::time::Duration;
use tracing::warn;
use walkdir::WalkDir;

/// `impl Solution` for a mutant: its name, and itself as its Task 2.
macro_rules! solution {
    ($ty:ident, $name:literal) => {
        impl $ty {
            const NAME: &'static str = concat!("task02_file_hasher::", $name);
        }
        impl Solution for $ty {
            fn name(&self) -> &str {
                Self::NAME
            }
            fn task02(&self) -> Option<&dyn FileHasher> {
                Some(self)
            }
        }
    };
}

// ---------------------------------------------------------------------------------------------
// Shared, correct helpers (what a learner factors out once and reuses).
// ---------------------------------------------------------------------------------------------

/// The refusals: zero workers, a missing root, an empty directory.
fn refuse(cfg: &PoolConfig, root: &Path) -> Result<(), PoolError> {
    if cfg.workers == 0 {
        return Err(PoolError::ZeroWorkers);
    }
    if !root.exists() {
        return Err(PoolError::MissingPath(root.to_path_buf()));
    }
    if root.is_dir() {
        let mut entries = fs::read_dir(root).map_err(|e| PoolError::Io(e.to_string()))?;
        if entries.next().is_none() {
            return Err(PoolError::EmptyInput);
        }
    }
    Ok(())
}

/// Streams a file through SHA-256: its digest and its length in bytes.
fn sha256_file(path: &Path) -> io::Result<([u8; 32], u64)> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = [0u8; 8192];
    let mut total = 0u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        total += n as u64;
    }
    Ok((hasher.finalize().into(), total))
}

/// The path a walk error is about, for the log line.
fn err_path(err: &walkdir::Error, root: &Path) -> String {
    err.path().unwrap_or(root).display().to_string()
}

/// Walks `root` following symlinks and hands every regular file to `send`, logging the rest;
/// stops early if `send` says the workers are gone.
fn walk_files(root: &Path, mut send: impl FnMut(PathBuf) -> bool) {
    for entry in WalkDir::new(root).follow_links(true) {
        match entry {
            Ok(e) if e.file_type().is_dir() => {}
            Ok(e) if e.file_type().is_file() => {
                if !send(e.into_path()) {
                    return;
                }
            }
            Ok(e) => warn!("skipping {}: not a regular file", e.path().display()),
            Err(err) => warn!("skipping {}: {err}", err_path(&err, root)),
        }
    }
}

/// One result on its way to the consumer: the hash and the bytes it covered.
type Hashed = (FileHash, u64);

/// Hashes one file inside the probe, logging a failure or a panic; `None` if it was skipped.
fn hash_job(probe: &Probe<PathBuf>, path: PathBuf) -> Option<Hashed> {
    let key = path.clone();
    let out = panic::catch_unwind(AssertUnwindSafe(|| probe.run(key, || sha256_file(&path))));
    match out {
        Ok(Ok((sha256, len))) => Some((FileHash { path, sha256 }, len)),
        Ok(Err(e)) => {
            warn!("skipping {}: {e}", path.display());
            None
        }
        Err(_) => {
            warn!("skipping {}: hashing it panicked", path.display());
            None
        }
    }
}

fn summary(files: u64, bytes: u64, start: Duration, clock: &dyn Clock) -> Summary {
    Summary {
        files,
        bytes,
        elapsed: clock.now().saturating_sub(start),
    }
}

// ---------------------------------------------------------------------------------------------
// Errors and odd entries.
// ---------------------------------------------------------------------------------------------

/// Skips only directories, as the course says, and sends every other entry to a worker: a FIFO is
/// then opened for reading and the worker blocks forever waiting for a writer, instead of being
/// logged and skipped. A good suite blames `errors_handled`.
pub struct FifoOpenedAndBlocks;
solution!(FifoOpenedAndBlocks, "blind_fifo_opened_and_blocks");

impl FileHasher for FifoOpenedAndBlocks {
    fn hash_tree(
        &self,
        cfg: PoolConfig,
        root: &Path,
        probe: Probe<PathBuf>,
        clock: &dyn Clock,
        emit: &mut dyn FnMut(FileHash),
    ) -> Result<Summary, PoolError> {
        refuse(&cfg, root)?;
        let start = clock.now();
        let (job_tx, job_rx) = mpsc::sync_channel::<PathBuf>(cfg.jobs_buffer);
        let (res_tx, res_rx) = mpsc::sync_channel::<Hashed>(cfg.results_buffer);
        let job_rx = Arc::new(Mutex::new(job_rx));

        let mut handles = Vec::with_capacity(cfg.workers + 1);
        for _ in 0..cfg.workers {
            let job_rx = Arc::clone(&job_rx);
            let res_tx = res_tx.clone();
            let probe = probe.clone();
            handles.push(thread::spawn(move || loop {
                let next = job_rx.lock().unwrap().recv();
                let Ok(path) = next else { break };
                if let Some(hashed) = hash_job(&probe, path) {
                    if res_tx.send(hashed).is_err() {
                        break;
                    }
                }
            }));
        }
        drop(res_tx);
        drop(job_rx);

        let root_owned = root.to_path_buf();
        handles.push(thread::spawn(move || {
            for entry in WalkDir::new(&root_owned).follow_links(true) {
                match entry {
                    Ok(e) if e.file_type().is_dir() => continue,
                    Ok(e) => {
                        if job_tx.send(e.into_path()).is_err() {
                            break;
                        }
                    }
                    Err(err) => warn!("skipping {}: {err}", err_path(&err, &root_owned)),
                }
            }
        }));

        let (mut files, mut bytes) = (0, 0);
        for (hash, len) in res_rx {
            files += 1;
            bytes += len;
            emit(hash);
        }
        for h in handles {
            h.join()
                .map_err(|_| PoolError::JobPanicked("a pool thread panicked".into()))?;
        }
        Ok(summary(files, bytes, start, clock))
    }
}

/// Walks with `filter_map(Result::ok)`, the idiom from walkdir's README, so a dangling symlink, a
/// symlink loop or an unreadable directory vanishes from the walk without a warning. A good suite
/// blames `errors_handled`.
pub struct WalkErrorsSwallowed;
solution!(WalkErrorsSwallowed, "blind_walk_errors_swallowed");

impl FileHasher for WalkErrorsSwallowed {
    fn hash_tree(
        &self,
        cfg: PoolConfig,
        root: &Path,
        probe: Probe<PathBuf>,
        clock: &dyn Clock,
        emit: &mut dyn FnMut(FileHash),
    ) -> Result<Summary, PoolError> {
        refuse(&cfg, root)?;
        let start = clock.now();
        let (job_tx, job_rx) = crossbeam_channel::bounded::<PathBuf>(cfg.jobs_buffer);
        let (res_tx, res_rx) = crossbeam_channel::bounded::<Hashed>(cfg.results_buffer);

        let (files, bytes) = thread::scope(|s| {
            for _ in 0..cfg.workers {
                let job_rx = job_rx.clone();
                let res_tx = res_tx.clone();
                let probe = probe.clone();
                s.spawn(move || {
                    for path in job_rx {
                        if let Some(hashed) = hash_job(&probe, path) {
                            if res_tx.send(hashed).is_err() {
                                return;
                            }
                        }
                    }
                });
            }
            drop(job_rx);
            drop(res_tx);

            s.spawn(move || {
                let walker = WalkDir::new(root)
                    .follow_links(true)
                    .into_iter()
                    .filter_map(Result::ok);
                for entry in walker {
                    let kind = entry.file_type();
                    if kind.is_dir() {
                        continue;
                    }
                    if !kind.is_file() {
                        warn!("skipping {}: not a regular file", entry.path().display());
                        continue;
                    }
                    if job_tx.send(entry.into_path()).is_err() {
                        return;
                    }
                }
            });

            let (mut files, mut bytes) = (0u64, 0u64);
            for (hash, len) in &res_rx {
                files += 1;
                bytes += len;
                emit(hash);
            }
            (files, bytes)
        });
        Ok(summary(files, bytes, start, clock))
    }
}

/// The worker returns on the first file it cannot read ("log and stop"), so every unreadable file
/// retires a worker: the pool shrinks, and once all have quit the walk blocks on a full jobs
/// channel forever. A good suite blames `errors_handled`.
pub struct WorkerQuitsOnError;
solution!(WorkerQuitsOnError, "blind_worker_quits_on_error");

impl FileHasher for WorkerQuitsOnError {
    fn hash_tree(
        &self,
        cfg: PoolConfig,
        root: &Path,
        probe: Probe<PathBuf>,
        clock: &dyn Clock,
        emit: &mut dyn FnMut(FileHash),
    ) -> Result<Summary, PoolError> {
        refuse(&cfg, root)?;
        let start = clock.now();
        let (job_tx, job_rx) = mpsc::sync_channel::<PathBuf>(cfg.jobs_buffer);
        let (res_tx, res_rx) = mpsc::sync_channel::<Hashed>(cfg.results_buffer);
        let job_rx = Mutex::new(job_rx);

        let mut files = 0u64;
        let mut bytes = 0u64;
        thread::scope(|s| {
            for _ in 0..cfg.workers {
                let res_tx = res_tx.clone();
                let probe = probe.clone();
                let job_rx = &job_rx;
                s.spawn(move || loop {
                    let next = job_rx.lock().unwrap().recv();
                    let Ok(path) = next else { return };
                    let out = panic::catch_unwind(AssertUnwindSafe(|| {
                        probe.run(path.clone(), || sha256_file(&path))
                    }));
                    let (sha256, len) = match out {
                        Ok(Ok(v)) => v,
                        Ok(Err(e)) => {
                            warn!("cannot hash {}: {e}", path.display());
                            return;
                        }
                        Err(_) => {
                            warn!("cannot hash {}: hashing it panicked", path.display());
                            continue;
                        }
                    };
                    if res_tx.send((FileHash { path, sha256 }, len)).is_err() {
                        return;
                    }
                });
            }
            drop(res_tx);
            s.spawn(move || walk_files(root, |p| job_tx.send(p).is_ok()));
            for (hash, len) in res_rx {
                files += 1;
                bytes += len;
                emit(hash);
            }
        });
        Ok(summary(files, bytes, start, clock))
    }
}

/// No `catch_unwind` around a job and the workers are joined with `let _ = h.join()`: a job that
/// panics kills its worker, its file disappears with no log and no error, and the pool carries on
/// one worker short. A good suite blames `graceful_shutdown`.
pub struct PanicKillsWorker;
solution!(PanicKillsWorker, "blind_panic_kills_worker");

impl FileHasher for PanicKillsWorker {
    fn hash_tree(
        &self,
        cfg: PoolConfig,
        root: &Path,
        probe: Probe<PathBuf>,
        clock: &dyn Clock,
        emit: &mut dyn FnMut(FileHash),
    ) -> Result<Summary, PoolError> {
        refuse(&cfg, root)?;
        let start = clock.now();
        let (job_tx, job_rx) = mpsc::sync_channel::<PathBuf>(cfg.jobs_buffer);
        let (res_tx, res_rx) = mpsc::sync_channel::<Hashed>(cfg.results_buffer);
        let job_rx = Arc::new(Mutex::new(job_rx));

        let workers: Vec<_> = (0..cfg.workers)
            .map(|_| {
                let job_rx = Arc::clone(&job_rx);
                let res_tx = res_tx.clone();
                let probe = probe.clone();
                thread::spawn(move || loop {
                    let next = job_rx.lock().unwrap().recv();
                    let Ok(path) = next else { break };
                    match probe.run(path.clone(), || sha256_file(&path)) {
                        Ok((sha256, len)) => {
                            if res_tx.send((FileHash { path, sha256 }, len)).is_err() {
                                break;
                            }
                        }
                        Err(e) => warn!("skipping {}: {e}", path.display()),
                    }
                })
            })
            .collect();
        drop(job_rx);
        drop(res_tx);

        let root_owned = root.to_path_buf();
        let producer = thread::spawn(move || walk_files(&root_owned, |p| job_tx.send(p).is_ok()));

        let (mut files, mut bytes) = (0, 0);
        for (hash, len) in res_rx {
            files += 1;
            bytes += len;
            emit(hash);
        }
        let _ = producer.join();
        for w in workers {
            let _ = w.join();
        }
        Ok(summary(files, bytes, start, clock))
    }
}

// ---------------------------------------------------------------------------------------------
// Inputs and the requirement.
// ---------------------------------------------------------------------------------------------

/// Forgets `.follow_links(true)`: a symlink to a file is reported as "not a regular file" and a
/// symlinked directory is never entered, so files the contract says to hash are missing. A good
/// suite blames `requirement`.
pub struct SymlinksNotFollowed;
solution!(SymlinksNotFollowed, "blind_symlinks_not_followed");

impl FileHasher for SymlinksNotFollowed {
    fn hash_tree(
        &self,
        cfg: PoolConfig,
        root: &Path,
        probe: Probe<PathBuf>,
        clock: &dyn Clock,
        emit: &mut dyn FnMut(FileHash),
    ) -> Result<Summary, PoolError> {
        refuse(&cfg, root)?;
        let start = clock.now();
        let (job_tx, job_rx) = crossbeam_channel::bounded::<PathBuf>(cfg.jobs_buffer);
        let (res_tx, res_rx) = crossbeam_channel::bounded::<Hashed>(cfg.results_buffer);

        thread::scope(|s| {
            for _ in 0..cfg.workers {
                let (job_rx, res_tx, probe) = (job_rx.clone(), res_tx.clone(), probe.clone());
                s.spawn(move || {
                    while let Ok(path) = job_rx.recv() {
                        let Some(hashed) = hash_job(&probe, path) else {
                            continue;
                        };
                        if res_tx.send(hashed).is_err() {
                            break;
                        }
                    }
                });
            }
            drop((job_rx, res_tx));

            s.spawn(move || {
                for entry in WalkDir::new(root) {
                    let entry = match entry {
                        Ok(entry) => entry,
                        Err(err) => {
                            warn!("skipping {}: {err}", err_path(&err, root));
                            continue;
                        }
                    };
                    if entry.file_type().is_dir() {
                        continue;
                    }
                    if !entry.file_type().is_file() {
                        warn!("skipping {}: not a regular file", entry.path().display());
                        continue;
                    }
                    if job_tx.send(entry.into_path()).is_err() {
                        break;
                    }
                }
            });

            let (mut files, mut bytes) = (0, 0);
            while let Ok((hash, len)) = res_rx.recv() {
                files += 1;
                bytes += len;
                emit(hash);
            }
            Ok(summary(files, bytes, start, clock))
        })
    }
}

/// Hashes with a single `read` into an 8 KiB buffer instead of reading to the end: every file
/// larger than the buffer gets the digest (and byte count) of its first 8 KiB only. A good suite
/// blames `requirement`.
pub struct SingleReadTruncates;
solution!(SingleReadTruncates, "blind_single_read_truncates");

impl SingleReadTruncates {
    fn digest(path: &Path) -> io::Result<([u8; 32], u64)> {
        let mut file = File::open(path)?;
        let mut buf = vec![0u8; 8 * 1024];
        let n = file.read(&mut buf)?;
        let mut hasher = Sha256::new();
        hasher.update(&buf[..n]);
        Ok((hasher.finalize().into(), n as u64))
    }
}

impl FileHasher for SingleReadTruncates {
    fn hash_tree(
        &self,
        cfg: PoolConfig,
        root: &Path,
        probe: Probe<PathBuf>,
        clock: &dyn Clock,
        emit: &mut dyn FnMut(FileHash),
    ) -> Result<Summary, PoolError> {
        refuse(&cfg, root)?;
        let start = clock.now();
        let (job_tx, job_rx) = mpsc::sync_channel::<PathBuf>(cfg.jobs_buffer);
        let (res_tx, res_rx) = mpsc::sync_channel::<Hashed>(cfg.results_buffer);
        let job_rx = Mutex::new(job_rx);

        thread::scope(|s| {
            for _ in 0..cfg.workers {
                let res_tx = res_tx.clone();
                let probe = probe.clone();
                let job_rx = &job_rx;
                s.spawn(move || loop {
                    let next = job_rx.lock().unwrap().recv();
                    let Ok(path) = next else { return };
                    let out = panic::catch_unwind(AssertUnwindSafe(|| {
                        probe.run(path.clone(), || Self::digest(&path))
                    }));
                    match out {
                        Ok(Ok((sha256, len))) => {
                            if res_tx.send((FileHash { path, sha256 }, len)).is_err() {
                                return;
                            }
                        }
                        Ok(Err(e)) => warn!("skipping {}: {e}", path.display()),
                        Err(_) => warn!("skipping {}: hashing it panicked", path.display()),
                    }
                });
            }
            drop(res_tx);
            s.spawn(move || walk_files(root, |p| job_tx.send(p).is_ok()));

            let (mut files, mut bytes) = (0, 0);
            for (hash, len) in res_rx {
                files += 1;
                bytes += len;
                emit(hash);
            }
            Ok(summary(files, bytes, start, clock))
        })
    }
}

/// Reads the file with `fs::read` before entering the probe and only digests the bytes inside
/// `probe.run`: the I/O is not bracketed as the contract says, and a file removed while its job
/// waits is still "hashed" from the copy read early. A good suite blames `requirement`.
pub struct ReadOutsideProbe;
solution!(ReadOutsideProbe, "blind_read_outside_probe");

impl FileHasher for ReadOutsideProbe {
    fn hash_tree(
        &self,
        cfg: PoolConfig,
        root: &Path,
        probe: Probe<PathBuf>,
        clock: &dyn Clock,
        emit: &mut dyn FnMut(FileHash),
    ) -> Result<Summary, PoolError> {
        refuse(&cfg, root)?;
        let start = clock.now();
        let (job_tx, job_rx) = crossbeam_channel::bounded::<PathBuf>(cfg.jobs_buffer);
        let (res_tx, res_rx) = crossbeam_channel::bounded::<Hashed>(cfg.results_buffer);

        thread::scope(|s| {
            for _ in 0..cfg.workers {
                let (job_rx, res_tx, probe) = (job_rx.clone(), res_tx.clone(), probe.clone());
                s.spawn(move || {
                    for path in job_rx {
                        let data = match fs::read(&path) {
                            Ok(data) => data,
                            Err(e) => {
                                warn!("skipping {}: {e}", path.display());
                                continue;
                            }
                        };
                        let hashed = panic::catch_unwind(AssertUnwindSafe(|| {
                            probe.run(path.clone(), || Sha256::digest(&data))
                        }));
                        let Ok(digest) = hashed else {
                            warn!("skipping {}: hashing it panicked", path.display());
                            continue;
                        };
                        let hash = FileHash {
                            path,
                            sha256: digest.into(),
                        };
                        if res_tx.send((hash, data.len() as u64)).is_err() {
                            break;
                        }
                    }
                });
            }
            drop(job_rx);
            drop(res_tx);
            s.spawn(move || walk_files(root, |p| job_tx.send(p).is_ok()));

            let (mut files, mut bytes) = (0, 0);
            for (hash, len) in res_rx {
                files += 1;
                bytes += len;
                emit(hash);
            }
            Ok(summary(files, bytes, start, clock))
        })
    }
}

/// Never checks for an empty directory: an empty root runs the pool over nothing and returns
/// `Ok` with a zero summary instead of refusing with `EmptyInput`. A good suite blames
/// `requirement`.
pub struct EmptyDirAccepted;
solution!(EmptyDirAccepted, "blind_empty_dir_accepted");

impl FileHasher for EmptyDirAccepted {
    fn hash_tree(
        &self,
        cfg: PoolConfig,
        root: &Path,
        probe: Probe<PathBuf>,
        clock: &dyn Clock,
        emit: &mut dyn FnMut(FileHash),
    ) -> Result<Summary, PoolError> {
        if cfg.workers == 0 {
            return Err(PoolError::ZeroWorkers);
        }
        if !root.exists() {
            return Err(PoolError::MissingPath(root.to_path_buf()));
        }
        let start = clock.now();
        let (job_tx, job_rx) = crossbeam_channel::bounded::<PathBuf>(cfg.jobs_buffer);
        let (res_tx, res_rx) = crossbeam_channel::bounded::<Hashed>(cfg.results_buffer);

        thread::scope(|s| {
            for _ in 0..cfg.workers {
                let (job_rx, res_tx, probe) = (job_rx.clone(), res_tx.clone(), probe.clone());
                s.spawn(move || {
                    for path in job_rx {
                        if let Some(hashed) = hash_job(&probe, path) {
                            if res_tx.send(hashed).is_err() {
                                break;
                            }
                        }
                    }
                });
            }
            drop(job_rx);
            drop(res_tx);
            s.spawn(move || walk_files(root, |p| job_tx.send(p).is_ok()));

            let (mut files, mut bytes) = (0, 0);
            for (hash, len) in res_rx {
                files += 1;
                bytes += len;
                emit(hash);
            }
            Ok(summary(files, bytes, start, clock))
        })
    }
}

/// Retries a failed read once, but forgets the `break` after a successful attempt: every readable
/// file is hashed (and emitted, and counted) twice. A good suite blames `requirement`.
pub struct RetryEmitsTwice;
solution!(RetryEmitsTwice, "blind_retry_emits_twice");

impl FileHasher for RetryEmitsTwice {
    fn hash_tree(
        &self,
        cfg: PoolConfig,
        root: &Path,
        probe: Probe<PathBuf>,
        clock: &dyn Clock,
        emit: &mut dyn FnMut(FileHash),
    ) -> Result<Summary, PoolError> {
        const ATTEMPTS: usize = 2;
        refuse(&cfg, root)?;
        let start = clock.now();
        let (job_tx, job_rx) = crossbeam_channel::bounded::<PathBuf>(cfg.jobs_buffer);
        let (res_tx, res_rx) = crossbeam_channel::bounded::<Hashed>(cfg.results_buffer);

        thread::scope(|s| {
            for _ in 0..cfg.workers {
                let (job_rx, res_tx, probe) = (job_rx.clone(), res_tx.clone(), probe.clone());
                s.spawn(move || {
                    for path in job_rx {
                        // A file may be mid-write when we open it: give it a second chance.
                        for attempt in 1..=ATTEMPTS {
                            let out = panic::catch_unwind(AssertUnwindSafe(|| {
                                probe.run(path.clone(), || sha256_file(&path))
                            }));
                            match out {
                                Ok(Ok((sha256, len))) => {
                                    let hash = FileHash {
                                        path: path.clone(),
                                        sha256,
                                    };
                                    if res_tx.send((hash, len)).is_err() {
                                        return;
                                    }
                                }
                                Ok(Err(e)) if attempt < ATTEMPTS => {
                                    tracing::debug!("retrying {}: {e}", path.display());
                                }
                                Ok(Err(e)) => warn!("skipping {}: {e}", path.display()),
                                Err(_) => {
                                    warn!("skipping {}: hashing it panicked", path.display());
                                    break;
                                }
                            }
                        }
                    }
                });
            }
            drop(job_rx);
            drop(res_tx);
            s.spawn(move || walk_files(root, |p| job_tx.send(p).is_ok()));

            let (mut files, mut bytes) = (0, 0);
            for (hash, len) in res_rx {
                files += 1;
                bytes += len;
                emit(hash);
            }
            Ok(summary(files, bytes, start, clock))
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Sizes.
// ---------------------------------------------------------------------------------------------

/// Sizes the jobs channel at 64, as the course's hint says, instead of `cfg.jobs_buffer`. A good
/// suite blames `buffer_size`.
pub struct JobsBufferHardcoded;
solution!(JobsBufferHardcoded, "blind_jobs_buffer_hardcoded");

impl FileHasher for JobsBufferHardcoded {
    fn hash_tree(
        &self,
        cfg: PoolConfig,
        root: &Path,
        probe: Probe<PathBuf>,
        clock: &dyn Clock,
        emit: &mut dyn FnMut(FileHash),
    ) -> Result<Summary, PoolError> {
        const JOBS_BUFFER: usize = 64;
        refuse(&cfg, root)?;
        let start = clock.now();
        let (job_tx, job_rx) = crossbeam_channel::bounded::<PathBuf>(JOBS_BUFFER);
        let (res_tx, res_rx) = crossbeam_channel::bounded::<Hashed>(cfg.results_buffer);

        thread::scope(|s| {
            for _ in 0..cfg.workers {
                let (job_rx, res_tx, probe) = (job_rx.clone(), res_tx.clone(), probe.clone());
                s.spawn(move || {
                    for path in job_rx {
                        if let Some(hashed) = hash_job(&probe, path) {
                            if res_tx.send(hashed).is_err() {
                                break;
                            }
                        }
                    }
                });
            }
            drop(job_rx);
            drop(res_tx);
            s.spawn(move || walk_files(root, |p| job_tx.send(p).is_ok()));

            let (mut files, mut bytes) = (0, 0);
            for (hash, len) in res_rx {
                files += 1;
                bytes += len;
                emit(hash);
            }
            Ok(summary(files, bytes, start, clock))
        })
    }
}

/// Bounds the jobs channel but makes the results channel an unbounded `mpsc::channel()`, so a
/// slow consumer lets finished hashes pile up without limit. A good suite blames `buffer_size`.
pub struct ResultsUnbounded;
solution!(ResultsUnbounded, "blind_results_unbounded");

impl FileHasher for ResultsUnbounded {
    fn hash_tree(
        &self,
        cfg: PoolConfig,
        root: &Path,
        probe: Probe<PathBuf>,
        clock: &dyn Clock,
        emit: &mut dyn FnMut(FileHash),
    ) -> Result<Summary, PoolError> {
        refuse(&cfg, root)?;
        let start = clock.now();
        let (job_tx, job_rx) = mpsc::sync_channel::<PathBuf>(cfg.jobs_buffer);
        let (res_tx, res_rx) = mpsc::channel::<Hashed>();
        let job_rx = Arc::new(Mutex::new(job_rx));

        let mut workers = Vec::new();
        for _ in 0..cfg.workers {
            let job_rx = Arc::clone(&job_rx);
            let res_tx = res_tx.clone();
            let probe = probe.clone();
            workers.push(thread::spawn(move || loop {
                let next = job_rx.lock().unwrap().recv();
                let Ok(path) = next else { break };
                if let Some(hashed) = hash_job(&probe, path) {
                    if res_tx.send(hashed).is_err() {
                        break;
                    }
                }
            }));
        }
        drop(res_tx);
        drop(job_rx);
        let root_owned = root.to_path_buf();
        let producer = thread::spawn(move || walk_files(&root_owned, |p| job_tx.send(p).is_ok()));

        let (mut files, mut bytes) = (0, 0);
        for (hash, len) in res_rx {
            files += 1;
            bytes += len;
            emit(hash);
        }
        let mut panicked = producer.join().is_err();
        for w in workers {
            panicked |= w.join().is_err();
        }
        if panicked {
            return Err(PoolError::JobPanicked("a pool thread panicked".into()));
        }
        Ok(summary(files, bytes, start, clock))
    }
}

/// Spawns `PoolConfig::num_cpu()` workers, as the course says, instead of `cfg.workers` (it still
/// refuses zero). A good suite blames `pool_size`.
pub struct WorkersFromNumCpu;
solution!(WorkersFromNumCpu, "blind_workers_from_num_cpu");

impl FileHasher for WorkersFromNumCpu {
    fn hash_tree(
        &self,
        cfg: PoolConfig,
        root: &Path,
        probe: Probe<PathBuf>,
        clock: &dyn Clock,
        emit: &mut dyn FnMut(FileHash),
    ) -> Result<Summary, PoolError> {
        refuse(&cfg, root)?;
        let workers = PoolConfig::num_cpu();
        let start = clock.now();
        let (job_tx, job_rx) = mpsc::sync_channel::<PathBuf>(cfg.jobs_buffer);
        let (res_tx, res_rx) = mpsc::sync_channel::<Hashed>(cfg.results_buffer);
        let job_rx = Mutex::new(job_rx);

        thread::scope(|s| {
            for _ in 0..workers {
                let res_tx = res_tx.clone();
                let probe = probe.clone();
                let job_rx = &job_rx;
                s.spawn(move || loop {
                    let next = job_rx.lock().unwrap().recv();
                    let Ok(path) = next else { return };
                    if let Some(hashed) = hash_job(&probe, path) {
                        if res_tx.send(hashed).is_err() {
                            return;
                        }
                    }
                });
            }
            drop(res_tx);
            s.spawn(move || walk_files(root, |p| job_tx.send(p).is_ok()));

            let (mut files, mut bytes) = (0, 0);
            for (hash, len) in res_rx {
                files += 1;
                bytes += len;
                emit(hash);
            }
            Ok(summary(files, bytes, start, clock))
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Closing, joining, who runs where.
// ---------------------------------------------------------------------------------------------

/// Joins the workers before draining the results (the `wg.Wait()` before `range results`
/// mistake): once the results channel is full every worker blocks on its send and the join never
/// returns. A good suite blames `all_joined`.
pub struct JoinBeforeDrain;
solution!(JoinBeforeDrain, "blind_join_before_drain");

impl FileHasher for JoinBeforeDrain {
    fn hash_tree(
        &self,
        cfg: PoolConfig,
        root: &Path,
        probe: Probe<PathBuf>,
        clock: &dyn Clock,
        emit: &mut dyn FnMut(FileHash),
    ) -> Result<Summary, PoolError> {
        refuse(&cfg, root)?;
        let start = clock.now();
        let (job_tx, job_rx) = crossbeam_channel::bounded::<PathBuf>(cfg.jobs_buffer);
        let (res_tx, res_rx) = crossbeam_channel::bounded::<Hashed>(cfg.results_buffer);

        thread::scope(|s| {
            let workers: Vec<_> = (0..cfg.workers)
                .map(|_| {
                    let (job_rx, res_tx, probe) = (job_rx.clone(), res_tx.clone(), probe.clone());
                    s.spawn(move || {
                        for path in job_rx {
                            if let Some(hashed) = hash_job(&probe, path) {
                                if res_tx.send(hashed).is_err() {
                                    break;
                                }
                            }
                        }
                    })
                })
                .collect();
            drop(job_rx);
            drop(res_tx);
            let producer = s.spawn(move || walk_files(root, |p| job_tx.send(p).is_ok()));

            // Wait for everyone to finish, then collect what they produced.
            let mut panicked = producer.join().is_err();
            for w in workers {
                panicked |= w.join().is_err();
            }
            let (mut files, mut bytes) = (0, 0);
            for (hash, len) in res_rx {
                files += 1;
                bytes += len;
                emit(hash);
            }
            if panicked {
                return Err(PoolError::JobPanicked("a pool thread panicked".into()));
            }
            Ok(summary(files, bytes, start, clock))
        })
    }
}

/// Walks on the calling thread, feeding the jobs channel, and only then drains the results:
/// producer and consumer on one thread, so a tree with more files than the two buffers and the
/// workers can hold deadlocks. A good suite blames `graceful_shutdown`.
pub struct ProducerOnCallingThread;
solution!(ProducerOnCallingThread, "blind_producer_on_calling_thread");

impl FileHasher for ProducerOnCallingThread {
    fn hash_tree(
        &self,
        cfg: PoolConfig,
        root: &Path,
        probe: Probe<PathBuf>,
        clock: &dyn Clock,
        emit: &mut dyn FnMut(FileHash),
    ) -> Result<Summary, PoolError> {
        refuse(&cfg, root)?;
        let start = clock.now();
        let (job_tx, job_rx) = crossbeam_channel::bounded::<PathBuf>(cfg.jobs_buffer);
        let (res_tx, res_rx) = crossbeam_channel::bounded::<Hashed>(cfg.results_buffer);

        thread::scope(|s| {
            for _ in 0..cfg.workers {
                let (job_rx, res_tx, probe) = (job_rx.clone(), res_tx.clone(), probe.clone());
                s.spawn(move || {
                    for path in job_rx {
                        if let Some(hashed) = hash_job(&probe, path) {
                            if res_tx.send(hashed).is_err() {
                                break;
                            }
                        }
                    }
                });
            }
            drop(job_rx);
            drop(res_tx);

            walk_files(root, |p| job_tx.send(p).is_ok());
            drop(job_tx);

            let (mut files, mut bytes) = (0, 0);
            for (hash, len) in res_rx {
                files += 1;
                bytes += len;
                emit(hash);
            }
            Ok(summary(files, bytes, start, clock))
        })
    }
}

/// Gives the walker a clone of the jobs sender and keeps the original alive for the whole scope:
/// the jobs channel never closes, the workers wait for more paths forever and the call never
/// returns. A good suite blames `close_once`.
pub struct JobsNeverClosed;
solution!(JobsNeverClosed, "blind_jobs_never_closed");

impl FileHasher for JobsNeverClosed {
    fn hash_tree(
        &self,
        cfg: PoolConfig,
        root: &Path,
        probe: Probe<PathBuf>,
        clock: &dyn Clock,
        emit: &mut dyn FnMut(FileHash),
    ) -> Result<Summary, PoolError> {
        refuse(&cfg, root)?;
        let start = clock.now();
        let (job_tx, job_rx) = crossbeam_channel::bounded::<PathBuf>(cfg.jobs_buffer);
        let (res_tx, res_rx) = crossbeam_channel::bounded::<Hashed>(cfg.results_buffer);

        thread::scope(|s| {
            for _ in 0..cfg.workers {
                let (job_rx, res_tx, probe) = (job_rx.clone(), res_tx.clone(), probe.clone());
                s.spawn(move || {
                    for path in job_rx {
                        if let Some(hashed) = hash_job(&probe, path) {
                            if res_tx.send(hashed).is_err() {
                                break;
                            }
                        }
                    }
                });
            }
            drop(res_tx);

            let walker_tx = job_tx.clone();
            s.spawn(move || walk_files(root, |p| walker_tx.send(p).is_ok()));

            let (mut files, mut bytes) = (0, 0);
            for (hash, len) in res_rx {
                files += 1;
                bytes += len;
                emit(hash);
            }
            Ok(summary(files, bytes, start, clock))
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Races.
// ---------------------------------------------------------------------------------------------

/// Detached workers and a consumer that stops as soon as the walk is done and the results channel
/// is momentarily empty: a file still being hashed at that instant is lost, and its worker keeps
/// running after the call returns. A good suite blames `race_free`.
pub struct DoneFlagRace;
solution!(DoneFlagRace, "blind_done_flag_race");

impl FileHasher for DoneFlagRace {
    fn hash_tree(
        &self,
        cfg: PoolConfig,
        root: &Path,
        probe: Probe<PathBuf>,
        clock: &dyn Clock,
        emit: &mut dyn FnMut(FileHash),
    ) -> Result<Summary, PoolError> {
        refuse(&cfg, root)?;
        let start = clock.now();
        let (job_tx, job_rx) = crossbeam_channel::bounded::<PathBuf>(cfg.jobs_buffer);
        let (res_tx, res_rx) = crossbeam_channel::bounded::<Hashed>(cfg.results_buffer);
        let walk_done = Arc::new(AtomicBool::new(false));

        for _ in 0..cfg.workers {
            let (job_rx, res_tx, probe) = (job_rx.clone(), res_tx.clone(), probe.clone());
            thread::spawn(move || {
                for path in job_rx {
                    if let Some(hashed) = hash_job(&probe, path) {
                        if res_tx.send(hashed).is_err() {
                            break;
                        }
                    }
                }
            });
        }
        drop(job_rx);
        drop(res_tx);

        let root_owned = root.to_path_buf();
        let done = Arc::clone(&walk_done);
        thread::spawn(move || {
            walk_files(&root_owned, |p| job_tx.send(p).is_ok());
            done.store(true, Ordering::SeqCst);
        });

        let (mut files, mut bytes) = (0, 0);
        loop {
            match res_rx.try_recv() {
                Ok((hash, len)) => {
                    files += 1;
                    bytes += len;
                    emit(hash);
                }
                Err(crossbeam_channel::TryRecvError::Empty) => {
                    if walk_done.load(Ordering::SeqCst) && res_rx.is_empty() {
                        break;
                    }
                    thread::sleep(Duration::from_millis(1));
                }
                Err(crossbeam_channel::TryRecvError::Disconnected) => break,
            }
        }
        Ok(summary(files, bytes, start, clock))
    }
}

/// The workers keep the summary's totals in shared atomics but add with a separate `load` and
/// `store`, so two workers finishing together lose one file or its bytes. A good suite blames
/// `race_free`.
pub struct CounterLostUpdate;
solution!(CounterLostUpdate, "blind_counter_lost_update");

impl FileHasher for CounterLostUpdate {
    fn hash_tree(
        &self,
        cfg: PoolConfig,
        root: &Path,
        probe: Probe<PathBuf>,
        clock: &dyn Clock,
        emit: &mut dyn FnMut(FileHash),
    ) -> Result<Summary, PoolError> {
        refuse(&cfg, root)?;
        let start = clock.now();
        let files = AtomicU64::new(0);
        let bytes = AtomicU64::new(0);
        let (job_tx, job_rx) = crossbeam_channel::bounded::<PathBuf>(cfg.jobs_buffer);
        let (res_tx, res_rx) = crossbeam_channel::bounded::<FileHash>(cfg.results_buffer);

        thread::scope(|s| {
            for _ in 0..cfg.workers {
                let (job_rx, res_tx, probe) = (job_rx.clone(), res_tx.clone(), probe.clone());
                let (files, bytes) = (&files, &bytes);
                s.spawn(move || {
                    for path in job_rx {
                        let Some((hash, len)) = hash_job(&probe, path) else {
                            continue;
                        };
                        let f = files.load(Ordering::Relaxed);
                        files.store(f + 1, Ordering::Relaxed);
                        let b = bytes.load(Ordering::Relaxed);
                        bytes.store(b + len, Ordering::Relaxed);
                        if res_tx.send(hash).is_err() {
                            break;
                        }
                    }
                });
            }
            drop(job_rx);
            drop(res_tx);
            s.spawn(move || walk_files(root, |p| job_tx.send(p).is_ok()));
            for hash in res_rx {
                emit(hash);
            }
        });
        Ok(summary(
            files.into_inner(),
            bytes.into_inner(),
            start,
            clock,
        ))
    }
}

// ---------------------------------------------------------------------------------------------
// The stretch goal: the summary.
// ---------------------------------------------------------------------------------------------

/// Times the run with `std::time::Instant` instead of the clock the suite supplies, so the
/// summary's elapsed time is the machine's, not the one the contract asks for. A good suite blames
/// `stretch`.
pub struct WallClockElapsed;
solution!(WallClockElapsed, "blind_wall_clock_elapsed");

impl FileHasher for WallClockElapsed {
    fn hash_tree(
        &self,
        cfg: PoolConfig,
        root: &Path,
        probe: Probe<PathBuf>,
        _clock: &dyn Clock,
        emit: &mut dyn FnMut(FileHash),
    ) -> Result<Summary, PoolError> {
        refuse(&cfg, root)?;
        let started = std::time::Instant::now();
        let (job_tx, job_rx) = crossbeam_channel::bounded::<PathBuf>(cfg.jobs_buffer);
        let (res_tx, res_rx) = crossbeam_channel::bounded::<Hashed>(cfg.results_buffer);

        let (files, bytes) = thread::scope(|s| {
            for _ in 0..cfg.workers {
                let (job_rx, res_tx, probe) = (job_rx.clone(), res_tx.clone(), probe.clone());
                s.spawn(move || {
                    for path in job_rx {
                        if let Some(hashed) = hash_job(&probe, path) {
                            if res_tx.send(hashed).is_err() {
                                break;
                            }
                        }
                    }
                });
            }
            drop(job_rx);
            drop(res_tx);
            s.spawn(move || walk_files(root, |p| job_tx.send(p).is_ok()));

            let (mut files, mut bytes) = (0, 0);
            for (hash, len) in res_rx {
                files += 1;
                bytes += len;
                emit(hash);
            }
            (files, bytes)
        });
        Ok(Summary {
            files,
            bytes,
            elapsed: started.elapsed(),
        })
    }
}

/// Counts the summary in the walker (every path queued, sized from its metadata) rather than from
/// the results, so a file that fails to open, or vanishes before it is read, is still counted. A
/// good suite blames `stretch`.
pub struct SummaryCountsQueued;
solution!(SummaryCountsQueued, "blind_summary_counts_queued");

impl FileHasher for SummaryCountsQueued {
    fn hash_tree(
        &self,
        cfg: PoolConfig,
        root: &Path,
        probe: Probe<PathBuf>,
        clock: &dyn Clock,
        emit: &mut dyn FnMut(FileHash),
    ) -> Result<Summary, PoolError> {
        refuse(&cfg, root)?;
        let start = clock.now();
        let (job_tx, job_rx) = crossbeam_channel::bounded::<PathBuf>(cfg.jobs_buffer);
        let (res_tx, res_rx) = crossbeam_channel::bounded::<FileHash>(cfg.results_buffer);

        let (files, bytes) = thread::scope(|s| {
            for _ in 0..cfg.workers {
                let (job_rx, res_tx, probe) = (job_rx.clone(), res_tx.clone(), probe.clone());
                s.spawn(move || {
                    for path in job_rx {
                        if let Some((hash, _)) = hash_job(&probe, path) {
                            if res_tx.send(hash).is_err() {
                                break;
                            }
                        }
                    }
                });
            }
            drop(job_rx);
            drop(res_tx);

            let walker = s.spawn(move || {
                let (mut files, mut bytes) = (0u64, 0u64);
                for entry in WalkDir::new(root).follow_links(true) {
                    match entry {
                        Ok(e) if e.file_type().is_dir() => {}
                        Ok(e) if e.file_type().is_file() => {
                            files += 1;
                            bytes += e.metadata().map_or(0, |m| m.len());
                            if job_tx.send(e.into_path()).is_err() {
                                break;
                            }
                        }
                        Ok(e) => warn!("skipping {}: not a regular file", e.path().display()),
                        Err(err) => warn!("skipping {}: {err}", err_path(&err, root)),
                    }
                }
                (files, bytes)
            });

            for hash in res_rx {
                emit(hash);
            }
            walker.join().unwrap_or_default()
        });
        Ok(summary(files, bytes, start, clock))
    }
}

// ---------------------------------------------------------------------------------------------
// Registration.
// ---------------------------------------------------------------------------------------------

static FIFO_OPENED_AND_BLOCKS: FifoOpenedAndBlocks = FifoOpenedAndBlocks;
static WALK_ERRORS_SWALLOWED: WalkErrorsSwallowed = WalkErrorsSwallowed;
static WORKER_QUITS_ON_ERROR: WorkerQuitsOnError = WorkerQuitsOnError;
static PANIC_KILLS_WORKER: PanicKillsWorker = PanicKillsWorker;
static SYMLINKS_NOT_FOLLOWED: SymlinksNotFollowed = SymlinksNotFollowed;
static SINGLE_READ_TRUNCATES: SingleReadTruncates = SingleReadTruncates;
static READ_OUTSIDE_PROBE: ReadOutsideProbe = ReadOutsideProbe;
static EMPTY_DIR_ACCEPTED: EmptyDirAccepted = EmptyDirAccepted;
static RETRY_EMITS_TWICE: RetryEmitsTwice = RetryEmitsTwice;
static JOBS_BUFFER_HARDCODED: JobsBufferHardcoded = JobsBufferHardcoded;
static RESULTS_UNBOUNDED: ResultsUnbounded = ResultsUnbounded;
static WORKERS_FROM_NUM_CPU: WorkersFromNumCpu = WorkersFromNumCpu;
static JOIN_BEFORE_DRAIN: JoinBeforeDrain = JoinBeforeDrain;
static PRODUCER_ON_CALLING_THREAD: ProducerOnCallingThread = ProducerOnCallingThread;
static JOBS_NEVER_CLOSED: JobsNeverClosed = JobsNeverClosed;
static DONE_FLAG_RACE: DoneFlagRace = DoneFlagRace;
static COUNTER_LOST_UPDATE: CounterLostUpdate = CounterLostUpdate;
static WALL_CLOCK_ELAPSED: WallClockElapsed = WallClockElapsed;
static SUMMARY_COUNTS_QUEUED: SummaryCountsQueued = SummaryCountsQueued;

pub fn mutants() -> Vec<Mutant> {
    vec![
        Mutant {
            name: FifoOpenedAndBlocks::NAME,
            bug: "I only skip directories, so a FIFO is opened like a file and the worker blocks on it forever",
            breaks: Check::ErrorsHandled,
            solution: &FIFO_OPENED_AND_BLOCKS,
        },
        Mutant {
            name: WalkErrorsSwallowed::NAME,
            bug: "I walk with filter_map(Result::ok), so dangling symlinks and unreadable directories disappear without a warning",
            breaks: Check::ErrorsHandled,
            solution: &WALK_ERRORS_SWALLOWED,
        },
        Mutant {
            name: WorkerQuitsOnError::NAME,
            bug: "my worker logs an unreadable file and returns, so each bad file retires a worker and the last one leaves the walk stuck",
            breaks: Check::ErrorsHandled,
            solution: &WORKER_QUITS_ON_ERROR,
        },
        Mutant {
            name: PanicKillsWorker::NAME,
            bug: "a panicking job kills its worker and I ignore the join result, so its file is silently dropped",
            breaks: Check::ErrorsHandled,
            solution: &PANIC_KILLS_WORKER,
        },
        Mutant {
            name: SymlinksNotFollowed::NAME,
            bug: "I forgot follow_links(true), so symlinked files and directories are never hashed",
            breaks: Check::Requirement,
            solution: &SYMLINKS_NOT_FOLLOWED,
        },
        Mutant {
            name: SingleReadTruncates::NAME,
            bug: "I hash one read() of 8 KiB, so files larger than that get the wrong digest",
            breaks: Check::Requirement,
            solution: &SINGLE_READ_TRUNCATES,
        },
        Mutant {
            name: ReadOutsideProbe::NAME,
            bug: "I read the file before probe.run and only digest inside it, so the I/O is outside the bracket",
            breaks: Check::Requirement,
            solution: &READ_OUTSIDE_PROBE,
        },
        Mutant {
            name: EmptyDirAccepted::NAME,
            bug: "I never check for an empty directory, so it returns Ok with zero files instead of EmptyInput",
            breaks: Check::GracefulShutdown,
            solution: &EMPTY_DIR_ACCEPTED,
        },
        Mutant {
            name: RetryEmitsTwice::NAME,
            bug: "my retry loop has no break after success, so every file is hashed and emitted twice",
            breaks: Check::Requirement,
            solution: &RETRY_EMITS_TWICE,
        },
        Mutant {
            name: JobsBufferHardcoded::NAME,
            bug: "I sized the jobs channel at 64 like the hint says instead of the configured buffer",
            breaks: Check::BufferSize,
            solution: &JOBS_BUFFER_HARDCODED,
        },
        Mutant {
            name: ResultsUnbounded::NAME,
            bug: "I bounded the jobs channel but used an unbounded mpsc::channel for results",
            breaks: Check::BufferSize,
            solution: &RESULTS_UNBOUNDED,
        },
        Mutant {
            name: WorkersFromNumCpu::NAME,
            bug: "I spawn num_cpu() workers as the course says instead of the configured count",
            breaks: Check::PoolSize,
            solution: &WORKERS_FROM_NUM_CPU,
        },
        Mutant {
            name: JoinBeforeDrain::NAME,
            bug: "I join the workers before reading the results, so they block on a full results channel and the join never returns",
            breaks: Check::GracefulShutdown,
            solution: &JOIN_BEFORE_DRAIN,
        },
        Mutant {
            name: ProducerOnCallingThread::NAME,
            bug: "I walk and send jobs on the calling thread before draining results, so a big tree deadlocks",
            breaks: Check::GracefulShutdown,
            solution: &PRODUCER_ON_CALLING_THREAD,
        },
        Mutant {
            name: JobsNeverClosed::NAME,
            bug: "I gave the walker a clone of the jobs sender and kept the original, so the jobs channel never closes",
            breaks: Check::CloseOnce,
            solution: &JOBS_NEVER_CLOSED,
        },
        Mutant {
            name: DoneFlagRace::NAME,
            bug: "I stop reading results once the walk is done and the channel looks empty, losing files still being hashed",
            breaks: Check::CloseOnce,
            solution: &DONE_FLAG_RACE,
        },
        Mutant {
            name: CounterLostUpdate::NAME,
            bug: "my workers bump the summary counters with load then store, so concurrent updates get lost",
            breaks: Check::Stretch,
            solution: &COUNTER_LOST_UPDATE,
        },
        Mutant {
            name: WallClockElapsed::NAME,
            bug: "I time the run with Instant::now() instead of the clock I was given",
            breaks: Check::Stretch,
            solution: &WALL_CLOCK_ELAPSED,
        },
        Mutant {
            name: SummaryCountsQueued::NAME,
            bug: "I count files and bytes in the walker, so files that fail to hash still appear in the summary",
            breaks: Check::Stretch,
            solution: &SUMMARY_COUNTS_QUEUED,
        },
    ]
}

/// Blind mutants of this task taken out at triage (they meet the contract), with the reason.
pub const DROPPED: &[super::Dropped] = &[];

/// Blind mutants of this task whose checklist item triage changed, with the reason.
pub const RELABELLED: &[super::Relabelled] = &[
    super::Relabelled {
        name: "task02_file_hasher::blind_panic_kills_worker",
        was: Check::GracefulShutdown,
        why: "a panicking job not handled as the contract says (logged with its path and skipped, no worker lost) is errors_handled under the blame rules",
    },
    super::Relabelled {
        name: "task02_file_hasher::blind_empty_dir_accepted",
        was: Check::Requirement,
        why: "an empty directory accepted is a refusal that did not happen: graceful_shutdown under the blame rules",
    },
    super::Relabelled {
        name: "task02_file_hasher::blind_join_before_drain",
        was: Check::AllJoined,
        why: "it deadlocks with finished results nobody reads (joined before draining): graceful_shutdown under the blame rules",
    },
    super::Relabelled {
        name: "task02_file_hasher::blind_done_flag_race",
        was: Check::RaceFree,
        why: "a race is blamed on its effect: the call returns while a file is still being hashed (shown every run by holding one job), close_once; race_free is the loom model's",
    },
    super::Relabelled {
        name: "task02_file_hasher::blind_counter_lost_update",
        was: Check::RaceFree,
        why: "a race is blamed on its effect: a lost update makes the summary's totals wrong, stretch; race_free is the loom model's",
    },
];

/// Blind mutants of this task whose catch is measured, not required (see `super::Uncertain`).
pub const UNCERTAIN: &[super::Uncertain] = &[];
