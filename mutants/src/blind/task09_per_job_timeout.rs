//! Blind mutants of Task 9, Per-Job Timeout (see `super`): not written yet.

use crate::Mutant;

/// Every blind mutant of this task.
pub fn mutants() -> Vec<Mutant> {
    Vec::new()
}

/// Blind mutants of this task dropped at triage, with the reason.
pub const DROPPED: &[super::Dropped] = &[];

/// Blind mutants of this task whose checklist item triage changed, with the reason.
pub const RELABELLED: &[super::Relabelled] = &[];

/// Blind mutants of this task whose catch is measured rather than required.
pub const UNCERTAIN: &[super::Uncertain] = &[];
