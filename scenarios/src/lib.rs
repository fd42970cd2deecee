//! poolcheck's scenarios: for every task, the questions that decide whether a solution meets it.
//! Scenarios judge any solution through `harness::contracts`; none names a particular one.

mod roles;
mod support;
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
mod words;

use harness::Scenario;

/// Every scenario, in task order.
pub fn all() -> Vec<Scenario> {
    [
        task01_squarer::scenarios(),
        task02_file_hasher::scenarios(),
        task03_url_fetcher::scenarios(),
        task04_csv_parser::scenarios(),
        task05_word_counter::scenarios(),
        task06_cancellable_pool::scenarios(),
        task07_errgroup::scenarios(),
        task08_bounded_submit::scenarios(),
        task09_per_job_timeout::scenarios(),
        task10_pipeline::scenarios(),
        task11_result_ordering::scenarios(),
        task12_retry_pool::scenarios(),
        task14_shutdown_deadline::scenarios(),
        task17_multi_error::scenarios(),
        task18_leak_check::scenarios(),
    ]
    .concat()
}
