//! Task 5, Word Counter: count word frequencies across files with a pool of workers (the course's
//! NumCPU is the default; the pool uses `cfg.workers`), each producing a partial map that the
//! calling thread merges; stretch: the 10 most frequent words.

use super::{PoolConfig, PoolError};
use crate::probe::{Jobs, Probe};
use crate::scenario::Task;
use std::collections::HashMap;
use std::path::PathBuf;

pub const TASK: Task = Task {
    number: 5,
    slug: "word_counter",
    title: "Word Counter",
};

/// Word → occurrences.
pub type Counts = HashMap<String, u64>;

pub trait WordCounter: Sync {
    /// Counts the words of every file `files` yields:
    /// - one producer thread takes paths from `files` one at a time and sends each into a jobs
    ///   channel of `cfg.jobs_buffer`;
    /// - `cfg.workers` worker threads (the course's NumCPU is a default; use `cfg.workers`) each
    ///   take one path at a time and read and tokenise that file into a partial [`Counts`], the
    ///   whole read and tokenising inside `probe.run(path, || ...)`, keyed by the path exactly as
    ///   `files` yielded it (nothing of the file is read before or after the bracket), and send
    ///   the outcome into a results channel of `cfg.results_buffer`;
    /// - the calling thread takes each outcome from the results channel, merges a partial map into
    ///   the total (adding counts), and right after dealing with it calls `merged()`: once per
    ///   outcome taken (a partial map merged, or a missing file's error kept), all on the calling
    ///   thread. With no bad entry, `merged()` is called once per file.
    ///
    /// Returns the total once the results channel is closed (after the last worker finished) and
    /// every thread has been joined; nothing runs after the call returns.
    ///
    /// Words: split the file's text into maximal runs of characters for which
    /// `char::is_alphanumeric` holds (letters of every script, and digits: `2024`, `mp3` and `٣`
    /// are words), then lowercase each run on its own with `str::to_lowercase`. Split first,
    /// lowercase after: lowercasing the whole text first gives other words where a capital's
    /// lowercase depends on its context (a Greek `Σ` before an apostrophe: `ΟΔΟΣ'Α` is the words
    /// `οδος` and `α`) or is not alphanumeric throughout (`İ` lowercases to `i` and U+0307).
    /// Bytes that are not UTF-8 are read lossily (`String::from_utf8_lossy`): each invalid
    /// sequence becomes U+FFFD, which is not alphanumeric, so it separates words. An empty file
    /// has no words.
    ///
    /// Bad entries, none of which stops the pool (every other file is still counted):
    /// - a path that exists but cannot be read as a file (a directory) is logged with `tracing`
    ///   at warn or error, the message naming the path, and counts no words: its partial map is
    ///   empty, and the call still returns `Ok` if nothing else went wrong;
    /// - a path that does not exist: the call returns `Err(PoolError::MissingPath(path))` naming
    ///   one of the missing paths (any of them), once every worker has finished and been joined;
    /// - a job that panics (the probe can make one panic) takes neither its worker nor the pool
    ///   with it: the call returns `Err(PoolError::JobPanicked(message))` with the message of one
    ///   of the panicking jobs (any of them), once every worker has finished and been joined.
    ///
    /// With both a missing file and a panic, either error. Never `Ok` with a file's count missing.
    ///
    /// Measured: with every worker held inside `probe.run`, the files taken from `files` but not
    /// started are between `jobs_buffer` and `jobs_buffer + 1` (the channel full, one more in the
    /// producer's hand); with `merged()` held, the files finished but not merged reach
    /// `results_buffer + workers` and never exceed it (the channel full, one in each blocked
    /// worker's hand).
    ///
    /// Refuses, before starting any thread: zero workers ([`PoolError::ZeroWorkers`]) and an
    /// empty list of files ([`PoolError::EmptyInput`]), taking at most one path to find out.
    fn count_words(
        &self,
        cfg: PoolConfig,
        files: Jobs<PathBuf>,
        probe: Probe<PathBuf>,
        merged: &mut dyn FnMut(),
    ) -> Result<Counts, PoolError>;

    /// Stretch: the ten most frequent words, most frequent first; equal counts in ascending byte
    /// order of the word, so the answer is deterministic; all of them when there are fewer than
    /// ten. `None` when not attempted.
    fn top_ten(&self, counts: &Counts) -> Option<Vec<(String, u64)>> {
        let _ = counts;
        None
    }
}
