//! Exercism test-runner `results.json`, version 3: tests in task order, `task_id` the task number,
//! the learner's log output capped at 500 characters, `status: error` when nothing could run.

use super::Run;
use crate::runner::Status;
use serde_json::{json, Value};

const OUTPUT_CAP: usize = 500;

fn cap(s: &str) -> String {
    if s.chars().count() <= OUTPUT_CAP {
        return s.to_string();
    }
    let kept: String = s.chars().take(OUTPUT_CAP - 30).collect();
    format!("{kept}\n[output truncated at {OUTPUT_CAP}]")
}

pub fn results_json(run: &Run) -> String {
    let tests: Vec<Value> = run
        .verdicts
        .iter()
        .filter(|v| v.status != Status::NotAttempted)
        .map(|v| {
            let mut t = json!({
                "name": v.name(),
                "status": if v.status == Status::Pass { "pass" } else { "fail" },
                "test_code": format!("{}\n{}", v.about, v.replay),
                "task_id": v.task.number,
            });
            if v.status == Status::Fail {
                t["message"] = json!(v.message());
            }
            if !v.logs.is_empty() {
                t["output"] = json!(cap(&v.logs.join("\n")));
            }
            t
        })
        .collect();
    let status = if tests.is_empty() {
        "error"
    } else if tests.iter().any(|t| t["status"] == "fail") {
        "fail"
    } else {
        "pass"
    };
    let mut doc = json!({ "version": 3, "status": status, "tests": tests });
    if tests.is_empty() {
        doc["message"] = json!(format!(
            "{} attempts none of the tasks this suite checks: every task answered None",
            run.solution
        ));
    }
    serde_json::to_string_pretty(&doc).expect("a JSON value always serialises")
}

/// The report of a run where nothing could run: the solution did not compile.
pub fn compile_error(message: &str) -> String {
    let doc = json!({ "version": 3, "status": "error", "message": message, "tests": [] });
    serde_json::to_string_pretty(&doc).expect("a JSON value always serialises")
}
