//! Task 4, CSV Parser: a producer reads records, 16 workers parse each into a struct, a consumer
//! counts valid rows and errors; stretch: a histogram of one numeric column from valid rows.

use super::{PoolConfig, PoolError};
use crate::probe::Probe;
use crate::scenario::Task;
use std::collections::BTreeMap;
use std::path::Path;

pub const TASK: Task = Task {
    number: 4,
    slug: "csv_parser",
    title: "CSV Parser",
};

/// The header every input starts with.
pub const HEADER: &str = "id,name,score";

/// One valid row. A record is valid when all of these hold, each field taken exactly as the CSV
/// reader unquotes it (no trimming, no other normalisation):
/// - it has exactly 3 fields (a trailing comma makes a fourth, empty one);
/// - every field is UTF-8 (a record with a non-UTF-8 byte in any field is an error record);
/// - `id` is accepted by `str::parse::<u64>`: so `"7"`, `"+5"`, `"007"` and `"18446744073709551615"`
///   (`u64::MAX`) are valid, and `""`, `"-1"`, `" 5"`, `"5 "`, `"1.5"`, `"0x1F"` and
///   `"18446744073709551616"` (`u64::MAX + 1`) are not;
/// - `name` is not empty (`" "` is a valid name: nothing is trimmed);
/// - `score` is accepted by `str::parse::<u8>` and is at most 100: so `"0"`, `"100"`, `"+5"` and
///   `"007"` are valid, and `"-1"`, `"101"`, `"256"`, `" 9"`, `"9 "`, `""` and `"50.0"` are not.
///
/// A field may be quoted (`"..."`, a quote inside written `""`), and a quoted field may hold
/// commas and line breaks: a record is a CSV record, not a line. Lines end in `\n` or `\r\n`;
/// the last record may have no line end.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub id: u64,
    pub name: String,
    pub score: u8,
}

/// What the consumer counted. `valid + errors` is the number of records after the header, every
/// one of them counted exactly once: a record whose parse panicked is an error.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CsvSummary {
    pub valid: u64,
    pub errors: u64,
    /// Stretch: valid rows per score bucket `score / 10` (so 100 lands in bucket 10; an empty
    /// bucket may be left out or hold 0), or `None` when the stretch is not attempted.
    pub histogram: Option<BTreeMap<u8, u64>>,
}

pub trait CsvParser: Sync {
    /// Parses the CSV at `path` (the header [`HEADER`], then records):
    /// - one producer thread reads records one at a time (the header first) and sends each into
    ///   a jobs channel of `cfg.jobs_buffer`, numbered from 1 after the header;
    /// - `cfg.workers` worker threads (the course's 16 is a default; use `cfg.workers`) each take
    ///   one record at a time and parse it into a [`Row`], the whole parse inside
    ///   `probe.run(record_number, || ...)`, and send every outcome, valid or not, into a results
    ///   channel of `cfg.results_buffer`;
    /// - the consumer, on the calling thread, takes each outcome from the results channel, counts
    ///   it as valid or as an error, and right after counting it calls `counted()`: once per
    ///   record, so `counted()` is called `valid + errors` times in all, all on the calling thread.
    ///
    /// Returns the summary once the results channel is closed (after the last worker finished)
    /// and every thread has been joined; nothing runs after the call returns. A header with no
    /// record after it is `Ok` with zero counts.
    ///
    /// Errors: a malformed record counts as an error, and a record whose parse panics (the probe
    /// can make one panic) counts as an error too; neither stops its worker nor the pool, and the
    /// call still returns `Ok` with every record counted. Never `Ok` with a record missing.
    ///
    /// Measured (with records larger than the reader's buffer): with every worker held inside
    /// `probe.run`, the records read from the file but not started are between `jobs_buffer` and
    /// `jobs_buffer + 1` (the channel full, one more in the producer's hand); with `counted()`
    /// held, the records finished but not counted are at most `results_buffer + workers` (the
    /// channel full, one in each blocked worker's hand). Memory stays bounded by the buffers'
    /// worth of records, whatever the file's size: read the file record by record, never whole.
    ///
    /// Refuses, before starting any thread: zero workers ([`PoolError::ZeroWorkers`]), a path
    /// that does not exist ([`PoolError::MissingPath`] with that path), and an empty file, one
    /// without even a header ([`PoolError::EmptyInput`]).
    fn parse_file(
        &self,
        cfg: PoolConfig,
        path: &Path,
        probe: Probe<u64>,
        counted: &mut dyn FnMut(),
    ) -> Result<CsvSummary, PoolError>;
}
