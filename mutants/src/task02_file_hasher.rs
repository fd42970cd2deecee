//! Task 2, File Hasher: the model answer with one mistake planted per mutant.

use crate::Mutant;
use harness::clock::Clock;
use harness::contracts::task02_file_hasher::{FileHash, FileHasher, Summary};
use harness::contracts::{PoolConfig, PoolError};
use harness::probe::Probe;
use harness::Check;
use sha2::{Digest, Sha256};
use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, sync_channel};
use std::sync::Mutex;
use std::thread;
use walkdir::WalkDir;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Bug {
    First64KiBOnly,
    EmitsUnreadableAsEmpty,
    WarnsOnDirectories,
    OneWorkerShort,
    SilentSkip,
    WalkStopsAtFirstError,
    OpensBeforeChecking,
    ElapsedBeforeDrain,
    BytesCountsWholeBuffers,
    LeakedThread,
    NoZeroCheck,
    MissingRootAsIo,
    NoEmptyCheck,
}

struct Buggy(Bug);

fn hash_file(path: &Path, bug: Bug) -> io::Result<([u8; 32], u64)> {
    let mut hasher = Sha256::new();
    if bug == Bug::OpensBeforeChecking {
        // Opening a FIFO blocks until a writer comes: the type check comes too late.
        let file = File::open(path)?;
        if !file.metadata()?.is_file() {
            return Err(io::Error::other("not a regular file"));
        }
        let bytes = io::copy(&mut &file, &mut hasher)?;
        return Ok((hasher.finalize().into(), bytes));
    }
    if !fs::metadata(path)?.is_file() {
        return Err(io::Error::other("not a regular file"));
    }
    let mut file = File::open(path)?;
    let bytes = match bug {
        Bug::First64KiBOnly => io::copy(&mut file.take(64 * 1024), &mut hasher)?,
        Bug::BytesCountsWholeBuffers => {
            let (mut buf, mut bytes) = ([0; 8192], 0);
            loop {
                let n = file.read(&mut buf)?;
                if n == 0 {
                    break bytes;
                }
                hasher.update(&buf[..n]);
                bytes += buf.len() as u64; // the buffer's size, not what was read
            }
        }
        _ => io::copy(&mut file, &mut hasher)?,
    };
    Ok((hasher.finalize().into(), bytes))
}

impl FileHasher for Buggy {
    fn hash_tree(
        &self,
        cfg: PoolConfig,
        root: &Path,
        probe: Probe<PathBuf>,
        clock: &dyn Clock,
        emit: &mut dyn FnMut(FileHash),
    ) -> Result<Summary, PoolError> {
        let bug = self.0;
        if cfg.workers == 0 && bug != Bug::NoZeroCheck {
            return Err(PoolError::ZeroWorkers);
        }
        if !root.exists() && bug != Bug::MissingRootAsIo {
            return Err(PoolError::MissingPath(root.to_path_buf()));
        }
        let mut entries = fs::read_dir(root).map_err(|e| PoolError::Io(e.to_string()))?;
        if entries.next().is_none() && bug != Bug::NoEmptyCheck {
            return Err(PoolError::EmptyInput);
        }
        let start = clock.now();
        let (jobs_tx, jobs_rx) = sync_channel::<PathBuf>(cfg.jobs_buffer);
        let (results_tx, results_rx) = sync_channel(cfg.results_buffer);
        let jobs_rx = Mutex::new(jobs_rx);
        let mut summary = Summary::default();
        let skips_dirs = !matches!(bug, Bug::EmitsUnreadableAsEmpty | Bug::WarnsOnDirectories);
        let logs = bug != Bug::SilentSkip && bug != Bug::EmitsUnreadableAsEmpty;
        if bug == Bug::LeakedThread {
            // A "progress reporter" waiting for a message that never comes.
            let (never_tx, never_rx) = channel::<()>();
            std::mem::forget(never_tx);
            thread::spawn(move || never_rx.recv());
        }
        thread::scope(|s| {
            s.spawn(move || {
                for entry in WalkDir::new(root).follow_links(true) {
                    match entry {
                        Ok(e) if skips_dirs && e.file_type().is_dir() => {}
                        Ok(e) => {
                            if jobs_tx.send(e.into_path()).is_err() {
                                break;
                            }
                        }
                        Err(e) => {
                            if logs {
                                tracing::warn!("skipping: {e}");
                            }
                            if bug == Bug::WalkStopsAtFirstError {
                                break;
                            }
                        }
                    }
                }
            });
            let workers = cfg.workers - usize::from(bug == Bug::OneWorkerShort);
            for _ in 0..workers {
                let (jobs_rx, results_tx, probe) = (&jobs_rx, results_tx.clone(), probe.clone());
                s.spawn(move || loop {
                    let job = jobs_rx.lock().unwrap().recv();
                    let Ok(path) = job else { break };
                    let hashed = match probe.run(path.clone(), || hash_file(&path, bug)) {
                        Ok((sha256, bytes)) => Some((sha256, bytes)),
                        // `fs::read(path).unwrap_or_default()`, in effect: the empty input's hash.
                        Err(_) if bug == Bug::EmitsUnreadableAsEmpty => {
                            Some((Sha256::digest([]).into(), 0))
                        }
                        Err(e) => {
                            if logs {
                                tracing::warn!("skipping {}: {e}", path.display());
                            }
                            None
                        }
                    };
                    if let Some((sha256, bytes)) = hashed {
                        if results_tx.send((FileHash { path, sha256 }, bytes)).is_err() {
                            break;
                        }
                    }
                });
            }
            drop(results_tx);
            if bug == Bug::ElapsedBeforeDrain {
                // Timed once the work is handed out, not once the last result is in.
                summary.elapsed = clock.now() - start;
            }
            for (hash, bytes) in results_rx {
                summary.files += 1;
                summary.bytes += bytes;
                emit(hash);
            }
        });
        if bug != Bug::ElapsedBeforeDrain {
            summary.elapsed = clock.now() - start;
        }
        Ok(summary)
    }
}

pub fn mutants() -> Vec<Mutant> {
    use Bug::*;
    vec![
        mutant!(
            task02,
            "task02_file_hasher",
            "first_64_kib_only",
            Buggy(First64KiBOnly),
            Check::Requirement,
            "hashes only the first 64 KiB of each file"
        ),
        mutant!(
            task02,
            "task02_file_hasher",
            "emits_unreadable_as_empty",
            Buggy(EmitsUnreadableAsEmpty),
            Check::Requirement,
            "no directory check, and an entry that cannot be read is emitted with the empty input's hash"
        ),
        mutant!(
            task02,
            "task02_file_hasher",
            "warns_on_directories",
            Buggy(WarnsOnDirectories),
            Check::Requirement,
            "sends directories to the workers, which log each one as unreadable"
        ),
        mutant!(
            task02,
            "task02_file_hasher",
            "one_worker_short",
            Buggy(OneWorkerShort),
            Check::PoolSize,
            "spawns workers - 1 threads"
        ),
        mutant!(
            task02,
            "task02_file_hasher",
            "silent_skip",
            Buggy(SilentSkip),
            Check::ErrorsHandled,
            "skips unreadable entries without logging them"
        ),
        mutant!(
            task02,
            "task02_file_hasher",
            "walk_stops_at_first_error",
            Buggy(WalkStopsAtFirstError),
            Check::ErrorsHandled,
            "logs the first walk error and stops walking"
        ),
        mutant!(
            task02,
            "task02_file_hasher",
            "opens_before_checking",
            Buggy(OpensBeforeChecking),
            Check::ErrorsHandled,
            "opens each path before checking it is a regular file: blocks forever on a FIFO"
        ),
        mutant!(
            task02,
            "task02_file_hasher",
            "elapsed_before_drain",
            Buggy(ElapsedBeforeDrain),
            Check::Stretch,
            "reads the elapsed time before the results are drained"
        ),
        mutant!(
            task02,
            "task02_file_hasher",
            "bytes_counts_whole_buffers",
            Buggy(BytesCountsWholeBuffers),
            Check::Stretch,
            "adds the read buffer's size for every read, not the bytes read"
        ),
        mutant!(
            task02,
            "task02_file_hasher",
            "leaked_thread",
            Buggy(LeakedThread),
            Check::NoLeaks,
            "starts a reporter thread that never ends"
        ),
        mutant!(
            task02,
            "task02_file_hasher",
            "zero_workers_accepted",
            Buggy(NoZeroCheck),
            Check::GracefulShutdown,
            "accepts zero workers and reports an empty run"
        ),
        mutant!(
            task02,
            "task02_file_hasher",
            "missing_root_as_io_error",
            Buggy(MissingRootAsIo),
            Check::GracefulShutdown,
            "reports a missing root as a generic Io error, not MissingPath"
        ),
        mutant!(
            task02,
            "task02_file_hasher",
            "empty_directory_accepted",
            Buggy(NoEmptyCheck),
            Check::GracefulShutdown,
            "returns Ok on an empty directory instead of EmptyInput"
        ),
    ]
}
