//! Task 5, Word Counter: the model answer.
//!
//! A producer thread feeds file paths into a bounded jobs channel; `workers` threads share its
//! receiver, each reading and tokenising one file into a partial map; the calling thread merges
//! the partial maps as they arrive (Go's `for k, v := range m`). A missing file or a panicking
//! job travels through the results channel as an error: the consumer keeps the first one and goes
//! on draining, so no worker is left blocked on a full channel, and the scope joins every thread
//! before returning.

use harness::contracts::task05_word_counter::{Counts, WordCounter};
use harness::contracts::{PoolConfig, PoolError};
use harness::probe::{Jobs, Probe};
use std::io::ErrorKind;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::mpsc::sync_channel;
use std::sync::Mutex;
use std::thread;

pub struct Answer;

/// One file's partial count. A file that does not exist ends the run; any other read failure
/// (a directory) is a per-file one, logged and skipped.
fn count_file(path: &Path) -> Result<Counts, PoolError> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == ErrorKind::NotFound => {
            return Err(PoolError::MissingPath(path.to_path_buf()))
        }
        Err(e) => {
            tracing::warn!("skipping {}: {e}", path.display());
            return Ok(Counts::new());
        }
    };
    let mut counts = Counts::new();
    let mut lower = String::new();
    for word in String::from_utf8_lossy(&bytes)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        // Most words are ASCII: lowercase them in a reused buffer, and allocate a key only for a
        // word not seen before. Any other word takes the full Unicode rules (`to_lowercase`
        // knows, say, a final sigma from a medial one).
        if word.is_ascii() {
            lower.clear();
            lower.push_str(word);
            lower.make_ascii_lowercase();
        } else {
            lower = word.to_lowercase();
        }
        match counts.get_mut(lower.as_str()) {
            Some(n) => *n += 1,
            None => {
                counts.insert(lower.clone(), 1);
            }
        }
    }
    Ok(counts)
}

/// A panic's message, as `panic!` gave it.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    match (
        payload.downcast_ref::<&str>(),
        payload.downcast_ref::<String>(),
    ) {
        (Some(s), _) => s.to_string(),
        (_, Some(s)) => s.clone(),
        _ => "a job panicked".into(),
    }
}

impl WordCounter for Answer {
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
        let mut files = files.peekable();
        if files.peek().is_none() {
            return Err(PoolError::EmptyInput);
        }
        let (jobs_tx, jobs_rx) = sync_channel::<PathBuf>(cfg.jobs_buffer);
        let (results_tx, results_rx) = sync_channel(cfg.results_buffer);
        let jobs_rx = Mutex::new(jobs_rx);
        thread::scope(|s| {
            s.spawn(move || {
                for path in files {
                    if jobs_tx.send(path).is_err() {
                        break;
                    }
                } // jobs_tx drops here: the jobs channel closes exactly once
            });
            for _ in 0..cfg.workers {
                let (jobs_rx, results_tx, probe) = (&jobs_rx, results_tx.clone(), probe.clone());
                s.spawn(move || loop {
                    let job = jobs_rx.lock().unwrap().recv(); // the lock is held for the recv only
                    let Ok(path) = job else { break }; // jobs closed: the producer is done
                    let work = || probe.run(path.clone(), || count_file(&path));
                    // A panicking job costs its own file only: the worker goes on.
                    let partial = catch_unwind(AssertUnwindSafe(work))
                        .unwrap_or_else(|p| Err(PoolError::JobPanicked(panic_message(&*p))));
                    if results_tx.send(partial).is_err() {
                        break;
                    }
                });
            }
            drop(results_tx); // results close when the last worker drops its clone
            let (mut global, mut first_error) = (Counts::new(), None);
            for partial in results_rx {
                match partial {
                    Ok(partial) => {
                        for (word, n) in partial {
                            *global.entry(word).or_default() += n;
                        }
                    }
                    Err(e) => {
                        first_error.get_or_insert(e);
                    }
                }
                merged();
            }
            first_error.map_or(Ok(global), Err)
        }) // the scope joins the producer and every worker before returning
    }

    /// Stretch: most frequent first, ties in ascending byte order of the word.
    fn top_ten(&self, counts: &Counts) -> Option<Vec<(String, u64)>> {
        let mut all: Vec<(String, u64)> = counts.iter().map(|(w, n)| (w.clone(), *n)).collect();
        all.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        all.truncate(10);
        Some(all)
    }
}
