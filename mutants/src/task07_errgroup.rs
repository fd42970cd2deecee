//! Task 7, Errgroup Migration: the model answer with one mistake planted per mutant.

use crate::Mutant;
use harness::contracts::task05_word_counter::Counts;
use harness::contracts::task07_errgroup::{ErrgroupCounter, SHARDS};
use harness::contracts::{PoolConfig, PoolError};
use harness::probe::{Jobs, Probe};
use harness::Check;
use std::hash::{BuildHasher, RandomState};
use std::io::ErrorKind;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Bug {
    MergeOverwrites,
    ReadsBeforeBracket,
    LimitFromCpus,
    ThreadPerFileUpFront,
    CollectsPathsFirst,
    NoCancel,
    LastErrorWins,
    DirectorySkipped,
    PanicPropagates,
    ReturnsAtFirstError,
    LostUpdate,
    LeakedWatcher,
    ZeroLimitAccepted,
    EmptyAccepted,
    ShardHasherPerTask,
}

struct Buggy(Bug);

fn read(bug: Bug, path: &Path) -> Result<Counts, PoolError> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == ErrorKind::NotFound => {
            return Err(PoolError::MissingPath(path.to_path_buf()))
        }
        Err(e) if bug == Bug::DirectorySkipped => {
            tracing::warn!("skipping {}: {e}", path.display());
            return Ok(Counts::new());
        }
        Err(e) => return Err(PoolError::Io(format!("{}: {e}", path.display()))),
    };
    let mut counts = Counts::new();
    for word in String::from_utf8_lossy(&bytes).split(|c: char| !c.is_alphanumeric()) {
        if !word.is_empty() {
            *counts.entry(word.to_lowercase()).or_default() += 1;
        }
    }
    Ok(counts)
}

fn job(bug: Bug, probe: &Probe<PathBuf>, path: &Path) -> Result<Counts, PoolError> {
    if bug == Bug::ReadsBeforeBracket {
        let early = read(bug, path);
        return probe.run(path.to_path_buf(), || early);
    }
    let run = || probe.run(path.to_path_buf(), || read(bug, path));
    if bug == Bug::PanicPropagates {
        return run();
    }
    catch_unwind(AssertUnwindSafe(run)).unwrap_or_else(|p| {
        let msg = p.downcast_ref::<&str>().map(|s| s.to_string());
        let msg = msg.or_else(|| p.downcast_ref::<String>().cloned());
        Err(PoolError::JobPanicked(msg.unwrap_or_default()))
    })
}

fn keep(bug: Bug, slot: &Mutex<Option<PoolError>>, e: PoolError) {
    let mut slot = slot.lock().unwrap();
    if bug == Bug::LastErrorWins || slot.is_none() {
        *slot = Some(e);
    }
}

fn group(
    bug: Bug,
    limit: usize,
    files: Jobs<PathBuf>,
    probe: Probe<PathBuf>,
    add: impl Fn(Counts) + Sync,
) -> Result<(), PoolError> {
    if limit == 0 && bug != Bug::ZeroLimitAccepted {
        return Err(PoolError::ZeroWorkers);
    }
    let mut files = files.peekable();
    if files.peek().is_none() && bug != Bug::EmptyAccepted {
        return Err(PoolError::EmptyInput);
    }
    let limit = match bug {
        Bug::LimitFromCpus => PoolConfig::num_cpu(),
        _ => limit,
    };
    if bug == Bug::LeakedWatcher {
        thread::spawn(|| thread::sleep(Duration::from_secs(3)));
    }
    let first_error = Mutex::new(None);
    let failed = || bug != Bug::NoCancel && first_error.lock().unwrap().is_some();
    let (slots, freed) = crossbeam_channel::bounded::<()>(limit);
    let paths: Box<dyn Iterator<Item = PathBuf>> = match bug {
        Bug::CollectsPathsFirst => Box::new(files.collect::<Vec<_>>().into_iter()),
        _ => Box::new(files),
    };
    let mut paths = paths;
    thread::scope(|s| loop {
        let up_front = bug == Bug::ThreadPerFileUpFront;
        if !up_front && slots.send(()).is_err() || failed() {
            break;
        }
        let Some(path) = paths.next() else { break };
        let (probe, slots, freed, add, first_error) = (&probe, &slots, &freed, &add, &first_error);
        s.spawn(move || {
            if up_front {
                slots.send(()).ok();
            }
            if !failed() {
                match job(bug, probe, &path) {
                    Ok(counts) => add(counts),
                    Err(e) => keep(bug, first_error, e),
                }
            }
            freed.recv().ok();
        });
    });
    first_error.into_inner().unwrap().map_or(Ok(()), Err)
}

/// The Go shape without a scope: detached threads, and a return at the first error.
fn returns_at_first_error(
    limit: usize,
    files: Jobs<PathBuf>,
    probe: Probe<PathBuf>,
) -> Result<Counts, PoolError> {
    if limit == 0 {
        return Err(PoolError::ZeroWorkers);
    }
    let mut files = files.peekable();
    if files.peek().is_none() {
        return Err(PoolError::EmptyInput);
    }
    let total = Arc::new(Mutex::new(Counts::new()));
    let (slots, freed) = crossbeam_channel::bounded::<()>(limit);
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    let mut spawned = 0;
    for path in files {
        slots.send(()).ok();
        let (probe, freed, total, done) =
            (probe.clone(), freed.clone(), total.clone(), done_tx.clone());
        spawned += 1;
        thread::spawn(move || {
            let r = job(Bug::ReturnsAtFirstError, &probe, &path);
            if let Ok(counts) = &r {
                merge(&mut total.lock().unwrap(), counts.clone());
            }
            freed.recv().ok();
            done.send(r.map(drop)).ok();
        });
        if let Ok(Err(e)) = done_rx.try_recv() {
            return Err(e);
        }
    }
    for _ in 0..spawned {
        if let Ok(Err(e)) = done_rx.recv() {
            return Err(e); // the tasks still running are left behind
        }
    }
    let total = std::mem::take(&mut *total.lock().unwrap());
    Ok(total)
}

fn merge(into: &mut Counts, counts: Counts) {
    for (word, n) in counts {
        *into.entry(word).or_default() += n;
    }
}

impl ErrgroupCounter for Buggy {
    fn count_words(
        &self,
        limit: usize,
        files: Jobs<PathBuf>,
        probe: Probe<PathBuf>,
    ) -> Result<Counts, PoolError> {
        let bug = self.0;
        if bug == Bug::ReturnsAtFirstError {
            return returns_at_first_error(limit, files, probe);
        }
        let total = Mutex::new(Counts::new());
        group(bug, limit, files, probe, |counts| match bug {
            Bug::MergeOverwrites => total.lock().unwrap().extend(counts),
            Bug::LostUpdate => {
                let mut copy = total.lock().unwrap().clone();
                merge(&mut copy, counts);
                *total.lock().unwrap() = copy;
            }
            _ => merge(&mut total.lock().unwrap(), counts),
        })?;
        Ok(total.into_inner().unwrap())
    }

    fn count_words_sharded(
        &self,
        limit: usize,
        files: Jobs<PathBuf>,
        probe: Probe<PathBuf>,
    ) -> Option<Result<Counts, PoolError>> {
        let bug = self.0;
        let hasher = RandomState::new();
        let shards: Vec<Mutex<Counts>> = (0..SHARDS).map(|_| Mutex::default()).collect();
        let add = |counts: Counts| {
            let own = RandomState::new();
            for (word, n) in counts {
                let hash = match bug {
                    Bug::ShardHasherPerTask => own.hash_one(&word),
                    _ => hasher.hash_one(&word),
                };
                *shards[hash as usize % SHARDS]
                    .lock()
                    .unwrap()
                    .entry(word)
                    .or_default() += n;
            }
        };
        Some(group(bug, limit, files, probe, add).map(|()| {
            let mut total = Counts::new();
            for shard in shards {
                total.extend(shard.into_inner().unwrap());
            }
            total
        }))
    }
}

pub fn mutants() -> Vec<Mutant> {
    macro_rules! m {
        ($name:literal, $bug:ident, $breaks:expr, $what:literal) => {
            mutant!(
                task07,
                "task07_errgroup",
                $name,
                Buggy(Bug::$bug),
                $breaks,
                $what
            )
        };
    }
    vec![
        m!("merge_overwrites", MergeOverwrites, Check::Requirement,
            "adds a file's counts with extend(), so a word another file counted is overwritten"),
        m!("reads_before_the_bracket", ReadsBeforeBracket, Check::Requirement,
            "reads the file before probe.run and only returns the counts inside it"),
        m!("limit_from_the_cpus", LimitFromCpus, Check::PoolSize,
            "calls SetLimit with the machine's CPU count instead of `limit`"),
        m!("a_thread_per_file_up_front", ThreadPerFileUpFront, Check::PoolSize,
            "spawns a thread for every file at once, each waiting inside for a slot"),
        m!("collects_the_paths_first", CollectsPathsFirst, Check::PoolSize,
            "collects every path into a Vec before starting the group"),
        m!("never_cancelled", NoCancel, Check::CtxHonored,
            "keeps the first error but never checks it: files go on starting after it"),
        m!("last_error_wins", LastErrorWins, Check::ErrorsHandled,
            "stores every error into the slot, so the last one is returned, not the first"),
        m!("directory_skipped", DirectorySkipped, Check::ErrorsHandled,
            "logs and skips a path that cannot be read, as task 5 did, instead of returning the read error"),
        m!("panic_propagates", PanicPropagates, Check::ErrorsHandled,
            "catches no panic: the scope re-raises a job's panic in the caller"),
        m!("returns_at_first_error", ReturnsAtFirstError, Check::AllJoined,
            "spawns detached threads and returns at the first error, leaving the others running"),
        m!("lost_update", LostUpdate, Check::Requirement,
            "copies the total under one lock, adds to the copy, and stores it under another"),
        m!("leaked_watcher", LeakedWatcher, Check::NoLeaks,
            "starts a detached helper thread that outlives the call"),
        m!("zero_limit_accepted", ZeroLimitAccepted, Check::GracefulShutdown,
            "never checks for a limit of 0: the first slot can never be taken"),
        m!("empty_input_accepted", EmptyAccepted, Check::GracefulShutdown,
            "returns Ok with no counts for an empty list of files"),
        m!("shard_hasher_per_task", ShardHasherPerTask, Check::Stretch,
            "makes a RandomState in every task, so one word lands in different shards and the join overwrites"),
    ]
}
