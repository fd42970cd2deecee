//! Task 2, File Hasher: the model answer.
//!
//! A producer thread walks the tree (following symlinks) and feeds file paths into a bounded jobs
//! channel; `workers` threads share its receiver, SHA-256 each file by streaming it into the
//! hasher, and send `(hash, bytes)` to the calling thread, which emits and totals them. An entry
//! that cannot be hashed is logged with its path and skipped; the walk and the pool go on.
//! `std::thread::scope` joins every thread before the summary is taken.

use harness::clock::Clock;
use harness::contracts::task02_file_hasher::{FileHash, FileHasher, Summary};
use harness::contracts::{PoolConfig, PoolError};
use harness::probe::Probe;
use sha2::{Digest, Sha256};
use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{mpsc::sync_channel, Mutex};
use std::thread;
use walkdir::WalkDir;

pub struct Answer;

/// The file's SHA-256 and length. The type is checked before opening: opening a FIFO would block
/// until a writer came, and a directory cannot be read.
fn hash_file(path: &Path) -> io::Result<([u8; 32], u64)> {
    if !fs::metadata(path)?.is_file() {
        return Err(io::Error::other("not a regular file"));
    }
    let mut hasher = Sha256::new();
    let bytes = io::copy(&mut File::open(path)?, &mut hasher)?;
    Ok((hasher.finalize().into(), bytes))
}

impl FileHasher for Answer {
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
        let mut entries = fs::read_dir(root).map_err(|e| PoolError::Io(e.to_string()))?;
        if entries.next().is_none() {
            return Err(PoolError::EmptyInput);
        }
        let start = clock.now();
        let (jobs_tx, jobs_rx) = sync_channel::<PathBuf>(cfg.jobs_buffer);
        let (results_tx, results_rx) = sync_channel(cfg.results_buffer);
        let jobs_rx = Mutex::new(jobs_rx);
        let mut summary = Summary::default();
        thread::scope(|s| {
            s.spawn(move || {
                for entry in WalkDir::new(root).follow_links(true) {
                    match entry {
                        Ok(e) if e.file_type().is_dir() => {} // directories: skipped silently
                        Ok(e) => {
                            if jobs_tx.send(e.into_path()).is_err() {
                                break;
                            }
                        }
                        Err(e) => tracing::warn!("skipping: {e}"), // walkdir's error names the path
                    }
                } // jobs_tx drops here: the workers' loops end once the queue is drained
            });
            for _ in 0..cfg.workers {
                let (jobs_rx, results_tx, probe) = (&jobs_rx, results_tx.clone(), probe.clone());
                s.spawn(move || loop {
                    let job = jobs_rx.lock().unwrap().recv(); // the lock is held for the recv only
                    let Ok(path) = job else { break };
                    match probe.run(path.clone(), || hash_file(&path)) {
                        Ok((sha256, bytes)) => {
                            if results_tx.send((FileHash { path, sha256 }, bytes)).is_err() {
                                break;
                            }
                        }
                        Err(e) => tracing::warn!("skipping {}: {e}", path.display()),
                    }
                });
            }
            drop(results_tx); // results close when the last worker drops its clone
            for (hash, bytes) in results_rx {
                summary.files += 1;
                summary.bytes += bytes;
                emit(hash);
            }
        });
        summary.elapsed = clock.now() - start;
        Ok(summary)
    }
}
