//! Task 5, Word Counter: the model answer with one mistake planted per mutant.
//!
//! The body uses detached threads and join handles (the Go shape, `go` and `wg.Wait()`) rather
//! than the model answer's scope, so the error-path mistakes it plants can return early or block.

use crate::Mutant;
use harness::contracts::task05_word_counter::{Counts, WordCounter};
use harness::contracts::{PoolConfig, PoolError};
use harness::probe::{Jobs, Probe};
use harness::Check;
use std::io::ErrorKind;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, sync_channel};
use std::sync::{Arc, Mutex};
use std::thread;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Bug {
    MergeOverwrites,
    SplitsOnWhitespace,
    ForgetsLowercase,
    LowercasesFirst,
    OneWorkerShort,
    CollectsFilesUpFront,
    IgnoresMissingFile,
    SkipsSilently,
    UnwrapsRead,
    ReturnsBeforeWorkersStop,
    JoinsBeforeDraining,
    NeverCallsMerged,
    TieBreakReversed,
    LeakedThread,
    NoZeroCheck,
    NoEmptyCheck,
}

struct Buggy(Bug);

fn tokenise(bug: Bug, text: &str) -> Counts {
    let lowered;
    let text = if bug == Bug::LowercasesFirst {
        lowered = text.to_lowercase();
        &lowered
    } else {
        text
    };
    let words: Vec<&str> = match bug {
        Bug::SplitsOnWhitespace => text.split_whitespace().collect(),
        _ => text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect(),
    };
    let mut counts = Counts::new();
    for word in words {
        let word = match bug {
            Bug::ForgetsLowercase | Bug::LowercasesFirst => word.to_string(),
            _ => word.to_lowercase(),
        };
        *counts.entry(word).or_default() += 1;
    }
    counts
}

fn count_file(bug: Bug, path: &Path) -> Result<Counts, PoolError> {
    let bytes = if bug == Bug::UnwrapsRead {
        std::fs::read(path).unwrap()
    } else {
        match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(_) if bug == Bug::IgnoresMissingFile => return Ok(Counts::new()),
            Err(e) if e.kind() == ErrorKind::NotFound => {
                return Err(PoolError::MissingPath(path.to_path_buf()))
            }
            Err(_) if bug == Bug::SkipsSilently => return Ok(Counts::new()),
            Err(e) => {
                tracing::warn!("skipping {}: {e}", path.display());
                return Ok(Counts::new());
            }
        }
    };
    Ok(tokenise(bug, &String::from_utf8_lossy(&bytes)))
}

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

impl WordCounter for Buggy {
    fn count_words(
        &self,
        cfg: PoolConfig,
        files: Jobs<PathBuf>,
        probe: Probe<PathBuf>,
        merged: &mut dyn FnMut(),
    ) -> Result<Counts, PoolError> {
        let bug = self.0;
        if cfg.workers == 0 && bug != Bug::NoZeroCheck {
            return Err(PoolError::ZeroWorkers);
        }
        let mut files = files.peekable();
        if files.peek().is_none() && bug != Bug::NoEmptyCheck {
            return Err(PoolError::EmptyInput);
        }
        let (jobs_tx, jobs_rx) = sync_channel::<PathBuf>(cfg.jobs_buffer);
        let (results_tx, results_rx) = sync_channel(cfg.results_buffer);
        let jobs_rx = Arc::new(Mutex::new(jobs_rx));
        let workers = cfg.workers - usize::from(bug == Bug::OneWorkerShort);
        let mut handles: Vec<_> = (0..workers)
            .map(|_| {
                let (jobs, results, probe) = (jobs_rx.clone(), results_tx.clone(), probe.clone());
                thread::spawn(move || loop {
                    let job = jobs.lock().unwrap().recv();
                    let Ok(path) = job else { break };
                    let work = || probe.run(path.clone(), || count_file(bug, &path));
                    let partial = catch_unwind(AssertUnwindSafe(work))
                        .unwrap_or_else(|p| Err(PoolError::JobPanicked(panic_message(&*p))));
                    if results.send(partial).is_err() {
                        break;
                    }
                })
            })
            .collect();
        drop(results_tx);
        if bug == Bug::LeakedThread {
            // A "progress reporter" waiting for a message that never comes.
            let (never_tx, never_rx) = channel::<()>();
            std::mem::forget(never_tx);
            thread::spawn(move || never_rx.recv());
        }
        if bug == Bug::CollectsFilesUpFront {
            // Reads the whole file list before handing any of it out.
            let all: Vec<PathBuf> = files.collect();
            handles.push(thread::spawn(move || {
                for path in all {
                    if jobs_tx.send(path).is_err() {
                        break;
                    }
                }
            }));
        } else {
            handles.push(thread::spawn(move || {
                for path in files {
                    if jobs_tx.send(path).is_err() {
                        break;
                    }
                }
            }));
        }
        let (mut global, mut first_error) = (Counts::new(), None);
        for partial in results_rx.iter() {
            match partial {
                Ok(partial) => {
                    for (word, n) in partial {
                        if bug == Bug::MergeOverwrites {
                            global.insert(word, n);
                        } else {
                            *global.entry(word).or_default() += n;
                        }
                    }
                }
                // Returns at once, leaving the other workers mid-file.
                Err(e) if bug == Bug::ReturnsBeforeWorkersStop => return Err(e),
                // Waits for the workers (wg.Wait()) while nobody reads their results: deadlock.
                Err(e) if bug == Bug::JoinsBeforeDraining => {
                    for h in handles {
                        let _ = h.join();
                    }
                    return Err(e);
                }
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
            if bug != Bug::NeverCallsMerged {
                merged();
            }
        }
        for h in handles {
            h.join().expect("a word counter thread panicked");
        }
        first_error.map_or(Ok(global), Err)
    }

    fn top_ten(&self, counts: &Counts) -> Option<Vec<(String, u64)>> {
        let mut all: Vec<(String, u64)> = counts.iter().map(|(w, n)| (w.clone(), *n)).collect();
        if self.0 == Bug::TieBreakReversed {
            all.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| b.0.cmp(&a.0)));
        } else {
            all.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        }
        all.truncate(10);
        Some(all)
    }
}

pub fn mutants() -> Vec<Mutant> {
    use Bug::*;
    vec![
        mutant!(
            task05,
            "task05_word_counter",
            "merge_overwrites",
            Buggy(MergeOverwrites),
            Check::Requirement,
            "the consumer merges with insert(), so the last file's count of a word wins"
        ),
        mutant!(
            task05,
            "task05_word_counter",
            "splits_on_whitespace_only",
            Buggy(SplitsOnWhitespace),
            Check::Requirement,
            "tokenises with split_whitespace, so punctuation sticks to words"
        ),
        mutant!(
            task05,
            "task05_word_counter",
            "forgets_to_lowercase",
            Buggy(ForgetsLowercase),
            Check::Requirement,
            "counts \"Word\" and \"word\" apart"
        ),
        mutant!(
            task05,
            "task05_word_counter",
            "lowercases_before_splitting",
            Buggy(LowercasesFirst),
            Check::Requirement,
            "lowercases the whole text, then splits: a final sigma before an apostrophe, or an İ, gives other words"
        ),
        mutant!(
            task05,
            "task05_word_counter",
            "skips_directory_silently",
            Buggy(SkipsSilently),
            Check::ErrorsHandled,
            "a path that cannot be read as a file is skipped without a log line"
        ),
        mutant!(
            task05,
            "task05_word_counter",
            "never_calls_merged",
            Buggy(NeverCallsMerged),
            Check::Requirement,
            "merges every partial map but never calls merged()"
        ),
        mutant!(
            task05,
            "task05_word_counter",
            "one_worker_short",
            Buggy(OneWorkerShort),
            Check::PoolSize,
            "spawns workers - 1 threads"
        ),
        mutant!(
            task05,
            "task05_word_counter",
            "collects_file_list_up_front",
            Buggy(CollectsFilesUpFront),
            Check::BufferSize,
            "collects every path into a Vec before feeding the workers"
        ),
        mutant!(
            task05,
            "task05_word_counter",
            "ignores_missing_file",
            Buggy(IgnoresMissingFile),
            Check::ErrorsHandled,
            "a file that cannot be read counts as empty, and the run returns Ok"
        ),
        mutant!(
            task05,
            "task05_word_counter",
            "unwraps_file_read",
            Buggy(UnwrapsRead),
            Check::ErrorsHandled,
            "read_to_string(path).unwrap(): a missing file panics its worker"
        ),
        mutant!(
            task05,
            "task05_word_counter",
            "returns_before_workers_stop",
            Buggy(ReturnsBeforeWorkersStop),
            Check::AllJoined,
            "returns the first error at once, leaving workers mid-file (alive after the return)"
        ),
        mutant!(
            task05,
            "task05_word_counter",
            "joins_workers_before_draining",
            Buggy(JoinsBeforeDraining),
            Check::GracefulShutdown,
            "on the first error, joins the workers while nobody reads their results: deadlock"
        ),
        mutant!(
            task05,
            "task05_word_counter",
            "tie_break_reversed",
            Buggy(TieBreakReversed),
            Check::Stretch,
            "top_ten breaks ties in descending word order"
        ),
        mutant!(
            task05,
            "task05_word_counter",
            "leaked_thread",
            Buggy(LeakedThread),
            Check::NoLeaks,
            "starts a reporter thread that never ends"
        ),
        mutant!(
            task05,
            "task05_word_counter",
            "zero_workers_hang",
            Buggy(NoZeroCheck),
            Check::GracefulShutdown,
            "accepts zero workers: the producer blocks on a channel nobody reads"
        ),
        mutant!(
            task05,
            "task05_word_counter",
            "empty_list_accepted",
            Buggy(NoEmptyCheck),
            Check::GracefulShutdown,
            "returns Ok(empty counts) on no files instead of EmptyInput"
        ),
    ]
}
