//! Scenarios of this task: not written yet.

use harness::Scenario;

pub fn scenarios() -> Vec<Scenario> {
    Vec::new()
}
