//! Task 2, File Hasher: walk a directory and SHA-256 each file in parallel with NumCPU workers,
//! skipping directories and logging unreadable entries; stretch: a summary line with total files,
//! bytes and elapsed time.

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

/// The final summary: files and bytes hashed, and the time from before the walk to after the last
/// result, read from the clock the suite supplies.
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
    /// Walks `root` (following symlinks) and hashes every regular file on `cfg.workers` threads fed
    /// by a jobs channel of `cfg.jobs_buffer` paths. Each file is opened and hashed inside
    /// `probe.run(path, || ...)`; each [`FileHash`] goes to `emit` on the calling thread.
    /// Directories are skipped silently. Any other entry that cannot be hashed (a dangling
    /// symlink, a FIFO or socket, a file removed before it was read) is logged with
    /// `tracing::warn!` naming its path, and skipped: the walk goes on.
    /// Refuses zero workers, a missing root ([`PoolError::MissingPath`]) and an empty directory
    /// ([`PoolError::EmptyInput`]).
    fn hash_tree(
        &self,
        cfg: PoolConfig,
        root: &Path,
        probe: Probe<PathBuf>,
        clock: &dyn Clock,
        emit: &mut dyn FnMut(FileHash),
    ) -> Result<Summary, PoolError>;
}
