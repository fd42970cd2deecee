//! Task 2, File Hasher: the model answer.
//!
//! A producer thread walks the tree (following symlinks) and feeds the path of every regular file
//! into a bounded jobs channel as it finds it, logging the entries that cannot be hashed;
//! `workers` threads share its receiver, SHA-256 each file inside `probe.run` by streaming it into
//! the hasher, and send `(hash, bytes)` through a bounded results channel to the calling thread,
//! which emits and totals them. A file that cannot be read, or whose job panics, is logged with
//! its path and skipped: the walk and the pool go on. `std::thread::scope` joins every thread
//! before the summary is taken.

use harness::clock::Clock;
use harness::contracts::task02_file_hasher::{FileHash, FileHasher, Summary};
use harness::contracts::{PoolConfig, PoolError};
use harness::probe::Probe;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::{mpsc::sync_channel, Mutex};
use std::thread;
use walkdir::WalkDir;

pub struct Answer;

/// The file's SHA-256 and length.
fn hash_file(path: &Path) -> io::Result<([u8; 32], u64)> {
    let mut hasher = Sha256::new();
    // A large read buffer: `io::copy`'s 8 KiB costs a system call per 8 KiB, a tenth of the
    // hashing time; at 256 KiB the reads vanish beside SHA-256.
    let mut file = io::BufReader::with_capacity(256 * 1024, File::open(path)?);
    let bytes = io::copy(&mut file, &mut hasher)?;
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
        let start = clock.now();
        let (jobs_tx, jobs_rx) = sync_channel::<PathBuf>(cfg.jobs_buffer);
        let (results_tx, results_rx) = sync_channel(cfg.results_buffer);
        let jobs_rx = Mutex::new(jobs_rx);
        let mut summary = Summary::default();
        let found = thread::scope(|s| {
            let producer = s.spawn(move || {
                let mut found = 0u64;
                for entry in WalkDir::new(root).follow_links(true) {
                    match entry {
                        Ok(e) if e.file_type().is_dir() => {} // directories: skipped silently
                        Ok(e) if e.file_type().is_file() => {
                            found += 1;
                            if jobs_tx.send(e.into_path()).is_err() {
                                break;
                            }
                        }
                        // Never opened: a FIFO would block whoever opened it.
                        Ok(e) => {
                            tracing::warn!("skipping {}: not a regular file", e.path().display())
                        }
                        // Dangling links and symlink loops; walkdir's error names the path.
                        Err(e) => tracing::warn!("skipping: {e}"),
                    }
                }
                found // jobs_tx drops here: the workers' loops end once the queue is drained
            });
            for _ in 0..cfg.workers {
                let (jobs_rx, results_tx, probe) = (&jobs_rx, results_tx.clone(), probe.clone());
                s.spawn(move || loop {
                    let job = jobs_rx.lock().unwrap().recv(); // the lock is held for the recv only
                    let Ok(path) = job else { break };
                    let hashed = panic::catch_unwind(AssertUnwindSafe(|| {
                        probe.run(path.clone(), || hash_file(&path))
                    }));
                    match hashed {
                        Ok(Ok((sha256, bytes))) => {
                            if results_tx.send((FileHash { path, sha256 }, bytes)).is_err() {
                                break;
                            }
                        }
                        Ok(Err(e)) => tracing::warn!("skipping {}: {e}", path.display()),
                        Err(_) => tracing::warn!("skipping {}: its job panicked", path.display()),
                    }
                });
            }
            drop(results_tx); // results close when the last worker drops its clone
            for (hash, bytes) in results_rx {
                summary.files += 1;
                summary.bytes += bytes;
                emit(hash);
            }
            producer.join().unwrap_or(0)
        });
        if found == 0 {
            return Err(PoolError::EmptyInput);
        }
        summary.elapsed = clock.now() - start;
        Ok(summary)
    }
}
