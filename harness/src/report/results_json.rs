//! Exercism test-runner `results.json`, version 3: tests in task order, `task_id` the task number,
//! the learner's log output capped at 500 characters, `status: error` when nothing could run.

use super::{cap, Run};
use crate::runner::Status;
use serde_json::{json, Value};

/// Exercism's cap on a test's output.
const OUTPUT_CAP: usize = 500;
/// Our cap on a failure message: enough for any scenario's, never a flood.
pub(crate) const MESSAGE_CAP: usize = 8000;

pub fn results_json(run: &Run) -> String {
    let tests: Vec<Value> = run
        .verdicts
        .iter()
        .filter(|v| v.status != Status::NotAttempted)
        .map(|v| {
            let mut t = json!({
                "name": v.name(),
                "status": if v.status == Status::Pass { "pass" } else { "fail" },
                "test_code": format!("{}\n{}", v.scenario.about, v.replay),
                "task_id": v.scenario.task,
            });
            if v.status == Status::Fail {
                t["message"] = json!(cap(&v.message(), MESSAGE_CAP));
            }
            if !v.logs.is_empty() {
                t["output"] = json!(cap(&v.logs.join("\n"), OUTPUT_CAP));
            }
            t
        })
        .collect();
    let status = if tests.is_empty() || run.pending.is_some() {
        "error"
    } else if tests.iter().any(|t| t["status"] == "fail") {
        "fail"
    } else {
        "pass"
    };
    let mut doc = json!({ "version": 3, "status": status, "tests": tests });
    if let Some(p) = &run.pending {
        doc["message"] = json!(p);
    } else if tests.is_empty() {
        doc["message"] = json!(format!(
            "{} attempts none of the tasks this suite checks: every task answered None",
            cap(&run.solution, 200)
        ));
    }
    serde_json::to_string_pretty(&doc).expect("a JSON value always serialises")
}

/// The report of a run where nothing could run: the solution did not compile.
pub fn compile_error(message: &str) -> String {
    let doc = json!({ "version": 3, "status": "error", "message": cap(message, MESSAGE_CAP), "tests": [] });
    serde_json::to_string_pretty(&doc).expect("a JSON value always serialises")
}
