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

/// One valid row. A record is valid when it has exactly three fields, `id` parses as `u64`,
/// `name` is not empty and is UTF-8, and `score` parses as an integer from 0 to 100. Fields are
/// taken as the CSV reader unquotes them: no trimming.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub id: u64,
    pub name: String,
    pub score: u8,
}

/// What the consumer counted. `valid + errors` is the number of records after the header.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CsvSummary {
    pub valid: u64,
    pub errors: u64,
    /// Stretch: valid rows per score bucket `score / 10` (so 100 lands in bucket 10; an empty
    /// bucket may be left out or hold 0), or `None` when the stretch is not attempted.
    pub histogram: Option<BTreeMap<u8, u64>>,
}

pub trait CsvParser: Sync {
    /// Parses the CSV at `path`: one producer reads records (the header first), `cfg.workers`
    /// workers fed through a jobs channel of `cfg.jobs_buffer` parse each record into a [`Row`]
    /// inside `probe.run(record_number, || ...)` (records numbered from 1 after the header), and
    /// one consumer fed through a results channel of `cfg.results_buffer` counts. A malformed
    /// record counts as an error, as does one whose parse panics; neither stops the pool. Memory
    /// stays bounded by the buffers, whatever the file's size.
    /// Refuses zero workers, a missing path and an empty file (no header).
    fn parse_file(
        &self,
        cfg: PoolConfig,
        path: &Path,
        probe: Probe<u64>,
    ) -> Result<CsvSummary, PoolError>;
}
