//! The reports a run leaves behind: `results.json` for exercism-style graders, `junit.xml` for CI
//! dashboards, `report.md` for people.

mod junit;
mod markdown;
mod results_json;

pub use junit::junit;
pub use markdown::markdown;
pub use results_json::{compile_error, results_json};

use crate::runner::Verdict;
use std::path::Path;

/// One run of the suite against one solution.
#[derive(Clone, Debug)]
pub struct Run {
    pub solution: String,
    pub seed: u64,
    pub verdicts: Vec<Verdict>,
}

/// Writes `results.json`, `junit.xml` and `report.md` into `dir`, creating it.
pub fn write_all(dir: &Path, run: &Run) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join("results.json"), results_json(run))?;
    std::fs::write(dir.join("junit.xml"), junit(run))?;
    std::fs::write(dir.join("report.md"), markdown(run))
}
