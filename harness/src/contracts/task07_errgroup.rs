//! Task 7, Errgroup Migration: task 5's word count rebuilt the way Go's `errgroup` does it: one
//! task of a group per file, at most `limit` alive at once (`g.SetLimit`), the first read error
//! returned and the rest of the group cancelled (`errgroup.WithContext`), the counts added into
//! one thread-safe map; stretch: that map split into 16 shards.

use super::task05_word_counter::Counts;
use super::PoolError;
use crate::probe::{Jobs, Probe};
use crate::scenario::Task;
use std::path::PathBuf;

pub const TASK: Task = Task {
    number: 7,
    slug: "errgroup",
    title: "Errgroup Migration",
};

/// How many shards the stretch's map has.
pub const SHARDS: usize = 16;

pub trait ErrgroupCounter: Sync {
    /// Counts the words of every file `files` yields, as a group of tasks:
    /// - the calling thread takes paths from `files` one at a time and starts one task of the
    ///   group (a scoped thread) for each, first waiting while `limit` of the group's tasks are
    ///   alive: `g.SetLimit(limit)` (the course's NumCPU is the default; use `limit`). So at most
    ///   `limit` of the group's threads are alive at once, and at most one path is taken and not
    ///   yet started;
    /// - each task counts its file inside `probe.run(path, || ...)`, keyed by the path exactly
    ///   as `files` yielded it (nothing of the file read before or after the bracket), with the
    ///   words of task 5 ([`super::task05_word_counter::WordCounter::count_words`]), and adds
    ///   them into one map the group shares (behind a `Mutex`), or into a partial map merged
    ///   after the group has ended;
    /// - the first failure cancels the group (`errgroup.WithContext`): a path that does not
    ///   exist is [`PoolError::MissingPath`]`(path)`, any other read failure (a directory) is
    ///   [`PoolError::Io`] with a message naming the path, and a job that panics is
    ///   [`PoolError::JobPanicked`]`(message)`. Once a job has failed, no job starts: each task
    ///   checks the group's cancellation just before starting its job, and the calling thread
    ///   takes no more paths. Jobs already running finish. The call returns the first failure
    ///   (the one whose job ended first) once every task has been joined.
    ///
    /// Returns `Ok(counts)` once every task has been joined; nothing runs after the call returns.
    ///
    /// Refuses, before starting any thread: `limit == 0` ([`PoolError::ZeroWorkers`]) and an
    /// empty list of files ([`PoolError::EmptyInput`]), taking at most one path to find out.
    fn count_words(
        &self,
        limit: usize,
        files: Jobs<PathBuf>,
        probe: Probe<PathBuf>,
    ) -> Result<Counts, PoolError>;

    /// Stretch: [`Self::count_words`] with the shared map split into [`SHARDS`] maps, each
    /// behind its own `Mutex`, a word always going to the shard its hash picks, so tasks adding
    /// different words rarely wait for each other; the shards are joined into one map at the end.
    /// Everything else as `count_words`. `None` when not attempted.
    fn count_words_sharded(
        &self,
        limit: usize,
        files: Jobs<PathBuf>,
        probe: Probe<PathBuf>,
    ) -> Option<Result<Counts, PoolError>> {
        let _ = (limit, files, probe);
        None
    }
}
