//! Task 2, File Hasher: the model answer with one mistake planted per mutant.

use crate::{chan, Mutant};
use harness::clock::Clock;
use harness::contracts::task02_file_hasher::{FileHash, FileHasher, Summary};
use harness::contracts::{PoolConfig, PoolError};
use harness::probe::Probe;
use harness::Check;
use sha2::{Digest, Sha256};
use std::fs::{self, File};
use std::io::{self, Read};
use std::panic::{self, AssertUnwindSafe};
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
    EmptinessFromReadDir,
    RootMustBeADirectory,
    PanicUnwindsThePool,
    CollectsTheWalkFirst,
    BuffersSwapped,
    KeysRelativeToRoot,
    CanonicalRoot,
}

struct Buggy(Bug);

fn hash_file(path: &Path, bug: Bug) -> io::Result<([u8; 32], u64)> {
    let mut hasher = Sha256::new();
    let mut file = File::open(path)?;
    if bug == Bug::OpensBeforeChecking && !file.metadata()?.is_file() {
        // Opening a FIFO blocks until a writer comes: the type check comes too late.
        return Err(io::Error::other("not a regular file"));
    }
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
        if bug == Bug::MissingRootAsIo {
            fs::metadata(root).map_err(|e| PoolError::Io(e.to_string()))?;
        } else if !root.exists() {
            return Err(PoolError::MissingPath(root.to_path_buf()));
        }
        if bug == Bug::EmptinessFromReadDir
            && root.is_dir()
            && fs::read_dir(root).map_or(true, |mut d| d.next().is_none())
        {
            return Err(PoolError::EmptyInput); // a directory with anything in it passes
        }
        if bug == Bug::RootMustBeADirectory {
            fs::read_dir(root).map_err(|e| PoolError::Io(e.to_string()))?;
        }
        let canonical;
        let root = match bug {
            Bug::CanonicalRoot => {
                canonical = root
                    .canonicalize()
                    .map_err(|e| PoolError::Io(e.to_string()))?;
                canonical.as_path()
            }
            _ => root,
        };
        let start = clock.now();
        let (jobs_cap, results_cap) = match bug {
            Bug::BuffersSwapped => (cfg.results_buffer, cfg.jobs_buffer),
            _ => (cfg.jobs_buffer, cfg.results_buffer),
        };
        let (jobs_tx, jobs_rx) = sync_channel::<PathBuf>(jobs_cap);
        let (results_tx, results_rx) = chan(false, results_cap);
        let jobs_rx = Mutex::new(jobs_rx);
        let mut summary = Summary::default();
        let skips_dirs = !matches!(bug, Bug::EmitsUnreadableAsEmpty | Bug::WarnsOnDirectories);
        let checks_type = skips_dirs && bug != Bug::OpensBeforeChecking;
        let logs = bug != Bug::SilentSkip && bug != Bug::EmitsUnreadableAsEmpty;
        if bug == Bug::LeakedThread {
            // A "progress reporter" waiting for a message that never comes.
            let (never_tx, never_rx) = channel::<()>();
            std::mem::forget(never_tx);
            thread::spawn(move || never_rx.recv());
        }
        let found = thread::scope(|s| {
            let producer = s.spawn(move || {
                let mut found = 0u64;
                let mut walk = WalkDir::new(root).follow_links(true).into_iter();
                let mut all = Vec::new();
                if bug == Bug::CollectsTheWalkFirst {
                    // The whole listing first, then the jobs: the walk runs ahead of the workers.
                    all = walk.by_ref().collect();
                }
                let entries: Box<dyn Iterator<Item = walkdir::Result<walkdir::DirEntry>>> =
                    match bug {
                        Bug::CollectsTheWalkFirst => Box::new(all.into_iter()),
                        _ => Box::new(walk),
                    };
                for entry in entries {
                    match entry {
                        Ok(e) if skips_dirs && e.file_type().is_dir() => {}
                        Ok(e) if !checks_type || e.file_type().is_file() => {
                            found += 1;
                            if jobs_tx.send(e.into_path()).is_err() {
                                break;
                            }
                        }
                        Ok(e) => {
                            if logs {
                                tracing::warn!(
                                    "skipping {}: not a regular file",
                                    e.path().display()
                                );
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
                found
            });
            let workers = cfg.workers - usize::from(bug == Bug::OneWorkerShort);
            for _ in 0..workers {
                let (jobs_rx, results_tx, probe) = (&jobs_rx, results_tx.clone(), probe.clone());
                s.spawn(move || loop {
                    let job = jobs_rx.lock().unwrap().recv();
                    let Ok(path) = job else { break };
                    let key = match bug {
                        Bug::KeysRelativeToRoot => path.strip_prefix(root).unwrap_or(&path).into(),
                        _ => path.clone(),
                    };
                    let work = || probe.run(key, || hash_file(&path, bug));
                    let hashed = match bug {
                        Bug::PanicUnwindsThePool => Ok(work()), // a panicking job unwinds the worker
                        _ => panic::catch_unwind(AssertUnwindSafe(work)),
                    };
                    let hashed = match hashed {
                        Ok(Ok((sha256, bytes))) => Some((sha256, bytes)),
                        // `fs::read(path).unwrap_or_default()`, in effect: the empty input's hash.
                        Ok(Err(_)) if bug == Bug::EmitsUnreadableAsEmpty => {
                            Some((Sha256::digest([]).into(), 0))
                        }
                        Ok(Err(e)) => {
                            if logs {
                                tracing::warn!("skipping {}: {e}", path.display());
                            }
                            None
                        }
                        Err(_) => {
                            if logs {
                                tracing::warn!("skipping {}: its job panicked", path.display());
                            }
                            None
                        }
                    };
                    if let Some((sha256, bytes)) = hashed {
                        if !results_tx.send((FileHash { path, sha256 }, bytes)) {
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
            producer.join().unwrap_or(0)
        });
        if found == 0 && !matches!(bug, Bug::NoEmptyCheck | Bug::EmptinessFromReadDir) {
            return Err(PoolError::EmptyInput);
        }
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
            "skips unreadable entries and panicking jobs without logging them"
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
            "sends every entry but directories to the workers, which open it before checking it is a regular file: blocks forever on a FIFO"
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
            "accepts zero workers: the walk fills the jobs channel and waits forever"
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
            "returns Ok with a zero summary when the walk finds no file, instead of EmptyInput"
        ),
        mutant!(
            task02,
            "task02_file_hasher",
            "emptiness_from_read_dir",
            Buggy(EmptinessFromReadDir),
            Check::GracefulShutdown,
            "refuses only a root directory with no entries: a tree of directories and bad entries returns Ok"
        ),
        mutant!(
            task02,
            "task02_file_hasher",
            "root_must_be_a_directory",
            Buggy(RootMustBeADirectory),
            Check::Requirement,
            "lists the root with read_dir first, so a root that is a file fails with an Io error"
        ),
        mutant!(
            task02,
            "task02_file_hasher",
            "panic_unwinds_the_pool",
            Buggy(PanicUnwindsThePool),
            Check::ErrorsHandled,
            "no catch_unwind around a job: a panicking job kills its worker and the scope re-raises it"
        ),
        mutant!(
            task02,
            "task02_file_hasher",
            "collects_the_walk_first",
            Buggy(CollectsTheWalkFirst),
            Check::BufferSize,
            "collects the whole walk into a Vec before sending the first job"
        ),
        mutant!(
            task02,
            "task02_file_hasher",
            "buffers_swapped",
            Buggy(BuffersSwapped),
            Check::BufferSize,
            "sizes the jobs channel with results_buffer and the results channel with jobs_buffer"
        ),
        mutant!(
            task02,
            "task02_file_hasher",
            "keys_relative_to_root",
            Buggy(KeysRelativeToRoot),
            Check::Requirement,
            "passes probe.run the path relative to the root, not the path as walked"
        ),
        mutant!(
            task02,
            "task02_file_hasher",
            "canonical_root",
            Buggy(CanonicalRoot),
            Check::Requirement,
            "canonicalizes the root first, so every path is named through the real directory, not as given"
        ),
    ]
}
