//! poolcheck's reference solutions: one module per task, the model answer a learner reads.

pub mod task01_squarer;
pub mod task02_file_hasher;
pub mod task03_url_fetcher;
pub mod task04_csv_parser;
pub mod task04_csv_parser_batched;
pub mod task05_word_counter;
pub mod task06_cancellable_pool;
pub mod task07_errgroup;
pub mod task08_bounded_submit;
pub mod task09_per_job_timeout;
pub mod task10_pipeline;
pub mod task11_result_ordering;
pub mod task12_retry_pool;
pub mod task14_shutdown_deadline;
pub mod task17_multi_error;
pub mod task18_leak_check;

use harness::contracts::{
    BoundedSubmit, CancellablePool, CsvParser, ErrgroupCounter, FileHasher, LeakCheck, MultiError,
    PerJobTimeout, Pipeline, ResultOrdering, RetryPool, ShutdownDeadline, Solution, Squarer,
    UrlFetcher, WordCounter,
};

/// The reference solution to every task this suite checks.
pub struct Reference;

impl Solution for Reference {
    fn name(&self) -> &str {
        "reference"
    }
    fn task01(&self) -> Option<&dyn Squarer> {
        Some(&task01_squarer::Answer)
    }
    fn task02(&self) -> Option<&dyn FileHasher> {
        Some(&task02_file_hasher::Answer)
    }
    fn task03(&self) -> Option<&dyn UrlFetcher> {
        Some(&task03_url_fetcher::Answer)
    }
    fn task04(&self) -> Option<&dyn CsvParser> {
        Some(&task04_csv_parser::Answer)
    }
    fn task05(&self) -> Option<&dyn WordCounter> {
        Some(&task05_word_counter::Answer)
    }
    fn task06(&self) -> Option<&dyn CancellablePool> {
        Some(&task06_cancellable_pool::Answer)
    }
    fn task07(&self) -> Option<&dyn ErrgroupCounter> {
        Some(&task07_errgroup::Answer)
    }
    fn task08(&self) -> Option<&dyn BoundedSubmit> {
        Some(&task08_bounded_submit::Answer)
    }
    fn task09(&self) -> Option<&dyn PerJobTimeout> {
        Some(&task09_per_job_timeout::Answer)
    }
    fn task10(&self) -> Option<&dyn Pipeline> {
        Some(&task10_pipeline::Answer)
    }
    fn task11(&self) -> Option<&dyn ResultOrdering> {
        Some(&task11_result_ordering::Answer)
    }
    fn task12(&self) -> Option<&dyn RetryPool> {
        Some(&task12_retry_pool::Answer)
    }
    fn task14(&self) -> Option<&dyn ShutdownDeadline> {
        Some(&task14_shutdown_deadline::Answer)
    }
    fn task17(&self) -> Option<&dyn MultiError> {
        Some(&task17_multi_error::Answer)
    }
    fn task18(&self) -> Option<&dyn LeakCheck> {
        Some(&task18_leak_check::Answer)
    }
}

pub static REFERENCE: Reference = Reference;

/// Task 4's second model answer, records handed over in batches
/// ([`task04_csv_parser_batched`]): `grade impls --solution batched`.
pub struct Batched;

impl Solution for Batched {
    fn name(&self) -> &str {
        "batched"
    }
    fn task04(&self) -> Option<&dyn CsvParser> {
        Some(&task04_csv_parser_batched::Answer)
    }
}

pub static BATCHED: Batched = Batched;

/// What `grade` looks for in a solution crate: the solutions it exports, by name.
pub fn solutions() -> Vec<&'static dyn Solution> {
    vec![&REFERENCE, &BATCHED]
}
