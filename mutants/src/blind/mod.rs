//! Blind mutants: buggy solutions written by people who had read only the course and the
//! contracts, never the scenarios or the other mutants. They find the scenarios' blind spots
//! instead of sharing them; REPORT.md records how many the suite caught on its first run.

pub mod task01_squarer;
pub mod task02_file_hasher;
pub mod task04_csv_parser;
pub mod task05_word_counter;

use crate::Mutant;

/// Every blind mutant, in task order.
pub fn all() -> Vec<Mutant> {
    [
        task01_squarer::mutants(),
        task02_file_hasher::mutants(),
        task04_csv_parser::mutants(),
        task05_word_counter::mutants(),
    ]
    .concat()
}
