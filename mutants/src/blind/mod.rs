//! Blind mutants: buggy solutions written by people who had read only the course and the
//! contracts, never the scenarios or the other mutants. They find the scenarios' blind spots
//! instead of sharing them; REPORT.md records how many the suite caught on its first run.

pub mod task01_squarer;
pub mod task02_file_hasher;
pub mod task03_url_fetcher;
pub mod task04_csv_parser;
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

use crate::Mutant;
use harness::Check;

/// A blind mutant taken out at triage because it meets the contract, and why.
pub struct Dropped {
    pub name: &'static str,
    pub reason: &'static str,
}

/// A blind mutant whose bug is a race wholly inside the solution that the perturbed schedules do
/// not catch in every run. It is still judged every run and its catch rate measured over 20 seeds
/// (`ci/sweep.sh`, REPORT.md), but a miss does not fail the mutants test: a gate that fails by
/// luck is a defect too.
pub struct Uncertain {
    pub name: &'static str,
    pub why: &'static str,
}

/// A blind mutant whose checklist item was changed at triage: the writer's item, and why the
/// suite's blame rules (README, "How a failure is blamed") name the one in `breaks` instead.
pub struct Relabelled {
    pub name: &'static str,
    pub was: Check,
    pub why: &'static str,
}

/// Every blind mutant, in task order.
pub fn all() -> Vec<Mutant> {
    [
        task01_squarer::mutants(),
        task02_file_hasher::mutants(),
        task03_url_fetcher::mutants(),
        task04_csv_parser::mutants(),
        task05_word_counter::mutants(),
        task06_cancellable_pool::mutants(),
        task07_errgroup::mutants(),
        task08_bounded_submit::mutants(),
        task09_per_job_timeout::mutants(),
        task10_pipeline::mutants(),
        task11_result_ordering::mutants(),
        task12_retry_pool::mutants(),
        task14_shutdown_deadline::mutants(),
        task17_multi_error::mutants(),
        task18_leak_check::mutants(),
    ]
    .concat()
}

/// Every blind mutant dropped at triage.
pub fn dropped() -> Vec<&'static Dropped> {
    [
        task01_squarer::DROPPED,
        task02_file_hasher::DROPPED,
        task03_url_fetcher::DROPPED,
        task04_csv_parser::DROPPED,
        task05_word_counter::DROPPED,
        task06_cancellable_pool::DROPPED,
        task07_errgroup::DROPPED,
        task08_bounded_submit::DROPPED,
        task09_per_job_timeout::DROPPED,
        task10_pipeline::DROPPED,
        task11_result_ordering::DROPPED,
        task12_retry_pool::DROPPED,
        task14_shutdown_deadline::DROPPED,
        task17_multi_error::DROPPED,
        task18_leak_check::DROPPED,
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Every blind mutant relabelled at triage.
pub fn relabelled() -> Vec<&'static Relabelled> {
    [
        task01_squarer::RELABELLED,
        task02_file_hasher::RELABELLED,
        task03_url_fetcher::RELABELLED,
        task04_csv_parser::RELABELLED,
        task05_word_counter::RELABELLED,
        task06_cancellable_pool::RELABELLED,
        task07_errgroup::RELABELLED,
        task08_bounded_submit::RELABELLED,
        task09_per_job_timeout::RELABELLED,
        task10_pipeline::RELABELLED,
        task11_result_ordering::RELABELLED,
        task12_retry_pool::RELABELLED,
        task14_shutdown_deadline::RELABELLED,
        task17_multi_error::RELABELLED,
        task18_leak_check::RELABELLED,
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Every blind mutant whose catch is measured rather than required.
pub fn uncertain() -> Vec<&'static Uncertain> {
    [
        task01_squarer::UNCERTAIN,
        task02_file_hasher::UNCERTAIN,
        task03_url_fetcher::UNCERTAIN,
        task04_csv_parser::UNCERTAIN,
        task05_word_counter::UNCERTAIN,
        task06_cancellable_pool::UNCERTAIN,
        task07_errgroup::UNCERTAIN,
        task08_bounded_submit::UNCERTAIN,
        task09_per_job_timeout::UNCERTAIN,
        task10_pipeline::UNCERTAIN,
        task11_result_ordering::UNCERTAIN,
        task12_retry_pool::UNCERTAIN,
        task14_shutdown_deadline::UNCERTAIN,
        task17_multi_error::UNCERTAIN,
        task18_leak_check::UNCERTAIN,
    ]
    .into_iter()
    .flatten()
    .collect()
}
