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
