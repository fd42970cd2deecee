//! Mutants of Task 12, Retry-on-Error Pool.

use crate::Mutant;

pub fn mutants() -> Vec<Mutant> {
    Vec::new()
}
