//! poolcheck's reference solutions: one module per task, the model answer a learner reads.

pub mod task01_squarer;

use harness::contracts::{Solution, Squarer};

/// The reference solution to every task this suite checks.
pub struct Reference;

impl Solution for Reference {
    fn name(&self) -> &str {
        "reference"
    }
    fn task01(&self) -> Option<&dyn Squarer> {
        Some(&task01_squarer::Answer)
    }
}

pub static REFERENCE: Reference = Reference;

/// What `grade` looks for in a solution crate: the solutions it exports, by name.
pub fn solutions() -> Vec<&'static dyn Solution> {
    vec![&REFERENCE]
}
