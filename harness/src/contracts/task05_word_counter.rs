//! Task 5, Word Counter: count word frequencies across files with NumCPU workers, each producing a
//! partial map that a consumer merges; stretch: the 10 most frequent words.

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
    /// Counts words in every file `files` yields on `cfg.workers` threads: each worker reads and
    /// tokenises one file inside `probe.run(path, || ...)` into a partial [`Counts`], and the
    /// calling thread merges the partial maps. A word is a maximal run of characters for which
    /// `char::is_alphanumeric` holds, lowercased with `str::to_lowercase`.
    /// A file that does not exist ends the run with [`PoolError::MissingPath`] naming it, once
    /// every worker has stopped. Refuses zero workers and an empty list of files.
    fn count_words(
        &self,
        cfg: PoolConfig,
        files: Jobs<PathBuf>,
        probe: Probe<PathBuf>,
    ) -> Result<Counts, PoolError>;

    /// Stretch: the ten most frequent words, most frequent first; equal counts in ascending byte
    /// order of the word, so the answer is deterministic. `None` when not attempted.
    fn top_ten(&self, counts: &Counts) -> Option<Vec<(String, u64)>> {
        let _ = counts;
        None
    }
}
