//! Task 2, File Hasher: walk a directory and SHA-256 each file in parallel (the seed's pool:
//! NumCPU workers and a jobs channel of 64; here whatever [`PoolConfig`] says), skipping
//! directories and logging unreadable entries; stretch: a summary line with total files, bytes and
//! elapsed time.

use super::{PoolConfig, PoolError};
use crate::clock::Clock;
use crate::probe::Probe;
use crate::scenario::Task;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub const TASK: Task = Task {
    number: 2,
    slug: "file_hasher",
    title: "File Hasher",
};

/// One hashed file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileHash {
    pub path: PathBuf,
    pub sha256: [u8; 32],
}

/// The final summary: the files hashed and emitted, their bytes, and the time from before the walk
/// to after the last result, read from the clock the suite supplies. Nothing skipped is counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub files: u64,
    pub bytes: u64,
    pub elapsed: Duration,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "hashed {} files, {} bytes in {:?}",
            self.files, self.bytes, self.elapsed
        )
    }
}

pub trait FileHasher: Sync {
    /// Walks `root` and SHA-256es every regular file in it on `cfg.workers` threads.
    ///
    /// The pool: a producer thread walks the tree and sends the path of each regular file, as
    /// the walk finds it, into a jobs channel of `cfg.jobs_buffer` paths; `cfg.workers` worker
    /// threads take paths from it; each [`FileHash`] goes through a results channel of
    /// `cfg.results_buffer` to `emit`, which is called on the calling thread only (the
    /// `for r := range results` loop). Returns once every thread has finished and been joined.
    ///
    /// Inputs: the walk follows symlinks, so a live symlink to a file is hashed as a file and one
    /// to a directory is walked into. A file's path is the one the walk yields,
    /// `root.join(relative)` with `root` as given (never canonicalized): a file reached through a
    /// linked directory is named through the link. Hidden files and directories are walked like
    /// any other; an empty file is hashed (the SHA-256 of no bytes). A `root` that is itself a
    /// regular file is a tree of that one file, named `root`.
    ///
    /// Each regular file the walk finds goes through exactly one `probe.run(path, || ...)`, keyed
    /// by that path, and all of its work (opening, reading, hashing) happens inside it: a worker
    /// does nothing with a path before. A file that has gone, or cannot be read, by then fails
    /// inside the probe.
    ///
    /// Whatever cannot be hashed is logged with `tracing::warn!` (or `error!`) naming its path,
    /// and skipped: it yields no [`FileHash`], and the walk and every worker go on.
    /// - Non-regular entries (a FIFO, a socket, a dangling symlink) and symlink loops: the walk
    ///   finds them, and they are never opened and never passed to `probe.run`.
    /// - A file that cannot be opened or read (removed before its job ran, say).
    /// - A job that panics (the probe can make one panic): its worker catches the panic, logs
    ///   the path and takes its next path; no worker is lost, and the call still returns `Ok`.
    ///
    /// Directories are skipped silently.
    ///
    /// The summary counts the files hashed and emitted and their bytes, exactly, however many
    /// entries were skipped; `elapsed` is `clock.now()` after the last result was emitted minus
    /// `clock.now()` before the walk started.
    ///
    /// Measured: with every worker held inside `probe.run`, the paths the walk has found that no
    /// worker has started are between `jobs_buffer` and `jobs_buffer + 1` (the channel full, one
    /// more in the producer's hand): the walk runs no further ahead of the workers than that, so
    /// a walk collected into a list first breaks the bound. With `emit` held, results finished
    /// but not emitted are at most `results_buffer + workers`. Nothing runs after the call
    /// returns.
    ///
    /// Refuses zero workers ([`PoolError::ZeroWorkers`]) and a root that does not exist
    /// ([`PoolError::MissingPath`] naming it as given) before starting any thread. A walk that
    /// finds no regular file at all (an empty directory, only directories, only entries that
    /// cannot be hashed) returns [`PoolError::EmptyInput`], nothing emitted; a tree whose files
    /// were found but all failed is not empty: `Ok` with a zero summary.
    fn hash_tree(
        &self,
        cfg: PoolConfig,
        root: &Path,
        probe: Probe<PathBuf>,
        clock: &dyn Clock,
        emit: &mut dyn FnMut(FileHash),
    ) -> Result<Summary, PoolError>;
}
