//! The reports a run leaves behind: `results.json` for exercism-style graders, `junit.xml` for CI
//! dashboards, `report.md` for people.

mod junit;
mod markdown;
mod results_json;

pub use junit::{junit, junit_error};
pub use markdown::markdown;
pub use results_json::{compile_error, results_json};

use crate::runner::Verdict;
use std::path::{Path, PathBuf};

/// One run of the suite against one solution.
#[derive(Clone, Debug)]
pub struct Run {
    pub solution: String,
    pub seed: u64,
    pub verdicts: Vec<Verdict>,
    /// Set while the run is not complete, saying how far it got: a report is never the previous
    /// run's, and never claims more than was seen.
    pub pending: Option<String>,
}

/// The directory `POOLCHECK_OUT` names, if set. A relative path is taken from the repository's
/// root (test binaries run in their package's directory, which no user has in mind).
pub fn out_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(std::env::var_os("POOLCHECK_OUT")?);
    Some(match dir.is_relative() {
        true => Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(dir),
        false => dir,
    })
}

/// Writes `results.json`, `junit.xml` and `report.md` into `dir`, each replaced atomically.
pub fn write_all(dir: &Path, run: &Run) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    write_atomic(&dir.join("results.json"), &results_json(run))?;
    write_atomic(&dir.join("junit.xml"), &junit(run))?;
    write_atomic(&dir.join("report.md"), &markdown(run))
}

/// Writes `path` whole or not at all: a reader never sees half a report.
pub fn write_atomic(path: &Path, contents: &str) -> std::io::Result<()> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("report");
    let tmp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    std::fs::write(&tmp, contents)?;
    std::fs::rename(&tmp, path)
}

/// A run's reports, rewritten as each verdict arrives, so an interrupted run leaves a truthful
/// partial report. Several processes may add to one run (nextest runs each test in a process of
/// its own): each verdict is kept as a file under `.verdicts/<run id>/`, and the reports are
/// composed from all of them under a lock.
pub struct Reports {
    dir: PathBuf,
    verdicts: PathBuf,
    solution: String,
    seed: u64,
    expected: usize,
}

impl Reports {
    /// Starts the reports of run `run_id` in `dir`: fails if `dir` cannot be written, and
    /// replaces an earlier run's reports with this run's, empty and marked in progress.
    /// `expected` is how many verdicts make the run complete.
    pub fn begin(
        dir: &Path,
        run_id: &str,
        solution: &str,
        seed: u64,
        expected: usize,
    ) -> std::io::Result<Reports> {
        std::fs::create_dir_all(dir)?;
        let r = Reports {
            dir: dir.to_path_buf(),
            verdicts: dir.join(".verdicts").join(run_id),
            solution: solution.to_string(),
            seed,
            expected,
        };
        let _lock = r.lock()?;
        if !r.verdicts.exists() {
            let _ = std::fs::remove_dir_all(dir.join(".verdicts"));
            std::fs::create_dir_all(&r.verdicts)?;
            r.compose(false)?;
        }
        Ok(r)
    }

    fn lock(&self) -> std::io::Result<std::fs::File> {
        let f = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(self.dir.join(".lock"))?;
        f.lock()?;
        Ok(f)
    }

    /// Adds verdict number `order` (reports list verdicts by it) and rewrites the reports.
    pub fn add(&self, order: usize, v: &Verdict) -> std::io::Result<()> {
        let file = self.verdicts.join(format!("{order:05}.json"));
        write_atomic(
            &file,
            &serde_json::to_string(v).map_err(std::io::Error::other)?,
        )?;
        let _lock = self.lock()?;
        self.compose(false).map(|_| ())
    }

    /// Rewrites the reports one last time; `complete` says every selected scenario ran.
    pub fn finish(&self, complete: bool) -> std::io::Result<Run> {
        let _lock = self.lock()?;
        self.compose(complete)
    }

    fn compose(&self, complete: bool) -> std::io::Result<Run> {
        let mut files: Vec<_> = std::fs::read_dir(&self.verdicts)?
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        let verdicts: Vec<Verdict> = files
            .iter()
            .filter_map(|p| serde_json::from_str(&std::fs::read_to_string(p).ok()?).ok())
            .collect();
        let pending = (!complete && verdicts.len() < self.expected).then(|| {
            format!(
                "incomplete: {} of {} scenarios have reported (the run is still going, was \
                 interrupted, or ran a subset)",
                verdicts.len(),
                self.expected
            )
        });
        let run = Run {
            solution: self.solution.clone(),
            seed: self.seed,
            verdicts,
            pending,
        };
        write_all(&self.dir, &run)?;
        Ok(run)
    }
}

/// At most `max` characters of `s`, saying so when cut: a report never carries a megabyte of a
/// solution's panic message.
pub fn cap(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let kept: String = s.chars().take(max.saturating_sub(30)).collect();
    format!("{kept} [… cut at {max} characters]")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checklist::Check;
    use crate::runner::{Status, Verdict};
    use crate::scenario::ScenarioInfo;
    use crate::verdict::Failure;

    fn verdict(scenario: &'static str, status: Status, failure: Option<Failure>) -> Verdict {
        Verdict {
            scenario: ScenarioInfo {
                task: 1,
                slug: "squarer".into(),
                title: "Squarer".into(),
                name: scenario.into(),
                checks: vec![Check::PoolSize],
                about: "decides <something> & more".into(),
                races: false,
            },
            status,
            failure,
            note: None,
            logs: vec!["x".repeat(600)],
            replay: format!("HARNESS_SEED=1 cargo test -- --exact task01_squarer::{scenario}"),
            millis: 12,
            simulated_ms: 0,
        }
    }

    fn run() -> Run {
        let broke = Failure::new(Check::PoolSize, "4 at once", "1 at once").hint("spawn 4");
        Run {
            solution: "mine".into(),
            seed: 1,
            verdicts: vec![
                verdict("passes", Status::Pass, None),
                verdict("fails", Status::Fail, Some(broke)),
                verdict("skipped", Status::NotAttempted, None),
            ],
            pending: None,
        }
    }

    #[test]
    fn results_json_is_exercism_v3() {
        let doc: serde_json::Value = serde_json::from_str(&results_json(&run())).unwrap();
        assert_eq!(doc["version"], 3);
        assert_eq!(doc["status"], "fail");
        let tests = doc["tests"].as_array().unwrap();
        assert_eq!(tests.len(), 2, "not-attempted scenarios are left out");
        assert_eq!(tests[0]["task_id"], 1);
        assert_eq!(tests[1]["status"], "fail");
        let message = tests[1]["message"].as_str().unwrap();
        assert!(
            message.contains("pool_size") && message.contains("replay:"),
            "{message}"
        );
        assert!(tests[0]["output"].as_str().unwrap().chars().count() <= 500);
    }

    #[test]
    fn compile_error_is_status_error_with_the_message() {
        let doc: serde_json::Value = serde_json::from_str(&compile_error("E0425")).unwrap();
        assert_eq!(
            (doc["status"].as_str(), doc["message"].as_str()),
            (Some("error"), Some("E0425"))
        );
    }

    #[test]
    fn junit_escapes_and_counts() {
        let x = junit(&run());
        assert!(
            x.contains("tests=\"3\" failures=\"1\" skipped=\"1\""),
            "{x}"
        );
        assert!(x.contains("&lt;something&gt; &amp; more"), "{x}");
        assert!(
            x.contains("<failure message=\"pool_size: 1 at once\""),
            "{x}"
        );
        assert!(!x.contains("<something>"));
    }

    #[test]
    fn markdown_matrix_blames_the_broken_item() {
        let m = markdown(&run());
        let row = m
            .lines()
            .find(|l| l.starts_with("| task01_squarer |"))
            .unwrap();
        let cells: Vec<_> = row.split('|').map(str::trim).collect();
        let col = 2 + Check::ALL
            .iter()
            .position(|c| *c == Check::PoolSize)
            .unwrap();
        assert_eq!(cells[col], "❌", "{row}");
        assert!(m.contains("**fail: pool_size**"));
    }
}
