//! The reports a run leaves behind: `results.json` for exercism-style graders, `junit.xml` for CI
//! dashboards, `report.md` for people.

mod junit;
mod markdown;
mod results_json;

pub use junit::{junit, junit_error};
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

/// The directory `POOLCHECK_OUT` names, if set. A relative path is taken from the repository's
/// root (test binaries run in their package's directory, which no user has in mind).
pub fn out_dir() -> Option<std::path::PathBuf> {
    let dir = std::path::PathBuf::from(std::env::var_os("POOLCHECK_OUT")?);
    Some(match dir.is_relative() {
        true => Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(dir),
        false => dir,
    })
}

/// Writes `results.json`, `junit.xml` and `report.md` into `dir`, creating it.
pub fn write_all(dir: &Path, run: &Run) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join("results.json"), results_json(run))?;
    std::fs::write(dir.join("junit.xml"), junit(run))?;
    std::fs::write(dir.join("report.md"), markdown(run))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checklist::Check;
    use crate::runner::{Status, Verdict};
    use crate::scenario::Task;
    use crate::verdict::Failure;

    const TASK: Task = Task {
        number: 1,
        slug: "squarer",
        title: "Squarer",
    };

    fn verdict(scenario: &'static str, status: Status, failure: Option<Failure>) -> Verdict {
        Verdict {
            task: TASK,
            scenario,
            checks: &[Check::PoolSize],
            about: "decides <something> & more",
            status,
            failure,
            note: None,
            logs: vec!["x".repeat(600)],
            replay: format!("HARNESS_SEED=1 cargo test -- --exact task01_squarer::{scenario}"),
            millis: 12,
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
