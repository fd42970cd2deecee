//! Task 10's mutants: the reference pipeline with one stage gone wrong.

use crate::Mutant;

pub fn mutants() -> Vec<Mutant> {
    vec![]
}
