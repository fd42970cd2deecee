//! poolcheck's harness: the contracts a worker-pool solution implements, the instruments that
//! watch it (ledger, probe, leak, logs, alloc, clock, watchdog), the runner that turns scenarios
//! into tests, and the reports CI gates and graders read.
//!
//! The harness knows neither the scenarios nor the solutions: `scenarios` and `impls` depend on
//! it, and only its test targets wire them together.

pub mod alloc;
pub mod checklist;
pub mod child;
pub mod clock;
pub mod contracts;
pub mod grade;
pub mod hold;
pub mod isolate;
pub mod jitter;
pub mod leak;
pub mod ledger;
pub mod logs;
pub mod net;
pub mod pairs;
pub mod perturb;
pub mod pipe;
pub mod probe;
pub mod report;
pub mod runner;
pub mod scenario;
pub mod signal;
pub mod sink;
pub mod startup;
pub mod sync;
pub mod tasks;
pub mod timing;
pub mod verdict;
pub mod watchdog;

pub use checklist::Check;
pub use scenario::{Ctx, Scenario, Task};
pub use verdict::{ensure, ensure_eq, Failure, Outcome, Stop};

/// The unit tests that start, hold and count the process's threads: one test, so they run one
/// after another (each would see the others' threads, and libtest's, as its own).
#[cfg(test)]
#[test]
fn thread_watching_self_tests() {
    leak::tests::a_thread_left_running_is_named();
    startup::tests::a_thread_started_under_a_polling_caller_runs_after_the_call_returns();
    startup::tests::a_pool_that_joins_its_workers_is_released_early();
    startup::tests::one_by_one_lets_the_thread_the_caller_waits_on_run_alone();
    watchdog::tests::the_end_of_a_deliberate_wait_restarts_the_idle_clock();
}
