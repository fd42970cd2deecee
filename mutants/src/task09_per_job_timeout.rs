//! Task 9's mutants: the per-job timeout pool's model answer with one mistake each.

use crate::Mutant;

pub fn mutants() -> Vec<Mutant> {
    Vec::new()
}
