//! Task 7, Errgroup Migration: the model answer.
//!
//! Go's errgroup in a few lines of std: a scoped thread per file is `g.Go`, a bounded channel of
//! tokens is `g.SetLimit` (a task holds one while it lives), the first error kept behind a mutex
//! is both what `g.Wait` returns and the group's cancellation, and the end of the scope is
//! `g.Wait`. Counts go into one `Mutex<Counts>`; the stretch splits it into 16.

use harness::contracts::task05_word_counter::Counts;
use harness::contracts::task07_errgroup::{ErrgroupCounter, SHARDS};
use harness::contracts::PoolError;
use harness::probe::{Jobs, Probe};
use std::hash::{BuildHasher, RandomState};
use std::io::ErrorKind;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::thread;

pub struct Answer;

/// One file's words: task 5's rules; every read failure is the group's error.
fn count_file(path: &Path) -> Result<Counts, PoolError> {
    let bytes = std::fs::read(path).map_err(|e| match e.kind() {
        ErrorKind::NotFound => PoolError::MissingPath(path.to_path_buf()),
        _ => PoolError::Io(format!("{}: {e}", path.display())),
    })?;
    let mut counts = Counts::new();
    for word in String::from_utf8_lossy(&bytes).split(|c: char| !c.is_alphanumeric()) {
        if !word.is_empty() {
            *counts.entry(word.to_lowercase()).or_default() += 1;
        }
    }
    Ok(counts)
}

/// Runs one task per file, at most `limit` at once, handing each file's counts to `add`; returns
/// the first failure, once every task has ended.
fn group(
    limit: usize,
    files: Jobs<PathBuf>,
    probe: Probe<PathBuf>,
    add: impl Fn(Counts) + Sync,
) -> Result<(), PoolError> {
    if limit == 0 {
        return Err(PoolError::ZeroWorkers);
    }
    let mut files = files.peekable();
    if files.peek().is_none() {
        return Err(PoolError::EmptyInput);
    }
    let first_error = Mutex::new(None);
    let failed = || first_error.lock().unwrap().is_some();
    let (slots, freed) = crossbeam_channel::bounded::<()>(limit);
    thread::scope(|s| {
        // Wait for a slot before taking the next path; stop taking once the group has failed.
        while slots.send(()).is_ok() && !failed() {
            let Some(path) = files.next() else { break };
            let (probe, freed, add, first_error) = (&probe, &freed, &add, &first_error);
            s.spawn(move || {
                if !failed() {
                    let job = || probe.run(path.clone(), || count_file(&path));
                    let outcome = catch_unwind(AssertUnwindSafe(job)).unwrap_or_else(|p| {
                        let msg = p.downcast_ref::<&str>().map(|s| s.to_string());
                        let msg = msg.or_else(|| p.downcast_ref::<String>().cloned());
                        Err(PoolError::JobPanicked(msg.unwrap_or_default()))
                    });
                    match outcome {
                        Ok(counts) => add(counts),
                        Err(e) => {
                            first_error.lock().unwrap().get_or_insert(e);
                        }
                    }
                }
                freed.recv().ok(); // the slot is given back after the error is recorded
            });
        }
    }); // g.Wait(): the scope joins every task
    first_error.into_inner().unwrap().map_or(Ok(()), Err)
}

fn merge(into: &mut Counts, counts: Counts) {
    for (word, n) in counts {
        *into.entry(word).or_default() += n;
    }
}

impl ErrgroupCounter for Answer {
    fn count_words(
        &self,
        limit: usize,
        files: Jobs<PathBuf>,
        probe: Probe<PathBuf>,
    ) -> Result<Counts, PoolError> {
        let total = Mutex::new(Counts::new());
        group(limit, files, probe, |c| {
            merge(&mut total.lock().unwrap(), c)
        })?;
        Ok(total.into_inner().unwrap())
    }

    /// Stretch: one hasher picks every word's shard, so a word is always in the same one.
    fn count_words_sharded(
        &self,
        limit: usize,
        files: Jobs<PathBuf>,
        probe: Probe<PathBuf>,
    ) -> Option<Result<Counts, PoolError>> {
        let hasher = RandomState::new();
        let shards: Vec<Mutex<Counts>> = (0..SHARDS).map(|_| Mutex::default()).collect();
        let add = |counts: Counts| {
            for (word, n) in counts {
                let shard = hasher.hash_one(&word) as usize % SHARDS;
                *shards[shard].lock().unwrap().entry(word).or_default() += n;
            }
        };
        Some(group(limit, files, probe, add).map(|()| {
            let mut total = Counts::new();
            for shard in shards {
                total.extend(shard.into_inner().unwrap());
            }
            total
        }))
    }
}
