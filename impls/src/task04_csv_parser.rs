//! Task 4, CSV Parser: the model answer (not written yet).

use harness::contracts::task04_csv_parser::{CsvParser, CsvSummary};
use harness::contracts::{PoolConfig, PoolError};
use harness::probe::Probe;
use std::path::Path;

pub struct Answer;

impl CsvParser for Answer {
    fn parse_file(
        &self,
        _cfg: PoolConfig,
        _path: &Path,
        _probe: Probe<u64>,
    ) -> Result<CsvSummary, PoolError> {
        Err(PoolError::NotAttempted)
    }
}
