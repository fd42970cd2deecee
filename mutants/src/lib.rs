//! Buggy solutions the suite must reject: proof that every scenario can fail.
//!
//! Each module holds one task's mutants, each a small, realistic mistake (a channel never closed,
//! a lost result, an off-by-one buffer...) and the checklist item a report must blame for it.
//! `harness/tests/mutants.rs` runs every scenario against every mutant and fails if any mutant
//! passes, if its report does not name the item it breaks, or if any scenario catches no mutant.

/// A mutant: `mutant!(task01, "task01_squarer", "lost_result", Buggy(LostResult), Check::Requirement,
/// "what is wrong")` declares a solution attempting only that task with the buggy contract.
macro_rules! mutant {
    ($field:ident, $task:literal, $name:literal, $imp:expr, $breaks:expr, $bug:literal) => {{
        static S: $crate::Mutated = $crate::Mutated {
            name: concat!($task, "::", $name),
            $field: Some(&$imp),
            ..$crate::Mutated::NONE
        };
        $crate::Mutant {
            name: S.name,
            bug: $bug,
            breaks: $breaks,
            solution: &S,
        }
    }};
}

pub mod blind;
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

use harness::contracts::{
    BoundedSubmit, CancellablePool, CsvParser, ErrgroupCounter, FileHasher, LeakCheck, MultiError,
    PerJobTimeout, Pipeline, ResultOrdering, RetryPool, ShutdownDeadline, Solution, Squarer,
    UrlFetcher, WordCounter,
};
use harness::Check;

/// One planted bug.
#[derive(Clone, Copy)]
pub struct Mutant {
    /// The solution's name, `taskNN_slug::what_is_wrong`: what `grade --solution` takes.
    pub name: &'static str,
    /// The mistake, in a learner's words.
    pub bug: &'static str,
    /// The checklist item its report must name.
    pub breaks: Check,
    pub solution: &'static dyn Solution,
}

/// A solution that attempts only the task whose contract it fills in.
pub struct Mutated {
    pub name: &'static str,
    pub task01: Option<&'static dyn Squarer>,
    pub task02: Option<&'static dyn FileHasher>,
    pub task03: Option<&'static dyn UrlFetcher>,
    pub task04: Option<&'static dyn CsvParser>,
    pub task05: Option<&'static dyn WordCounter>,
    pub task06: Option<&'static dyn CancellablePool>,
    pub task07: Option<&'static dyn ErrgroupCounter>,
    pub task08: Option<&'static dyn BoundedSubmit>,
    pub task09: Option<&'static dyn PerJobTimeout>,
    pub task10: Option<&'static dyn Pipeline>,
    pub task11: Option<&'static dyn ResultOrdering>,
    pub task12: Option<&'static dyn RetryPool>,
    pub task14: Option<&'static dyn ShutdownDeadline>,
    pub task17: Option<&'static dyn MultiError>,
    pub task18: Option<&'static dyn LeakCheck>,
}

impl Mutated {
    pub const NONE: Mutated = Mutated {
        name: "",
        task01: None,
        task02: None,
        task03: None,
        task04: None,
        task05: None,
        task06: None,
        task07: None,
        task08: None,
        task09: None,
        task10: None,
        task11: None,
        task12: None,
        task14: None,
        task17: None,
        task18: None,
    };
}

impl Solution for Mutated {
    fn name(&self) -> &str {
        self.name
    }
    fn task01(&self) -> Option<&dyn Squarer> {
        self.task01
    }
    fn task02(&self) -> Option<&dyn FileHasher> {
        self.task02
    }
    fn task03(&self) -> Option<&dyn UrlFetcher> {
        self.task03
    }
    fn task04(&self) -> Option<&dyn CsvParser> {
        self.task04
    }
    fn task05(&self) -> Option<&dyn WordCounter> {
        self.task05
    }
    fn task06(&self) -> Option<&dyn CancellablePool> {
        self.task06
    }
    fn task07(&self) -> Option<&dyn ErrgroupCounter> {
        self.task07
    }
    fn task08(&self) -> Option<&dyn BoundedSubmit> {
        self.task08
    }
    fn task09(&self) -> Option<&dyn PerJobTimeout> {
        self.task09
    }
    fn task10(&self) -> Option<&dyn Pipeline> {
        self.task10
    }
    fn task11(&self) -> Option<&dyn ResultOrdering> {
        self.task11
    }
    fn task12(&self) -> Option<&dyn RetryPool> {
        self.task12
    }
    fn task14(&self) -> Option<&dyn ShutdownDeadline> {
        self.task14
    }
    fn task17(&self) -> Option<&dyn MultiError> {
        self.task17
    }
    fn task18(&self) -> Option<&dyn LeakCheck> {
        self.task18
    }
}

/// A sender of either flavour, so one mutant body can plant a bounded or an unbounded channel.
pub(crate) enum Tx<T> {
    Bounded(std::sync::mpsc::SyncSender<T>),
    Unbounded(std::sync::mpsc::Sender<T>),
}

impl<T> Tx<T> {
    /// Sends; false once the receiver is gone.
    pub(crate) fn send(&self, t: T) -> bool {
        match self {
            Tx::Bounded(s) => s.send(t).is_ok(),
            Tx::Unbounded(s) => s.send(t).is_ok(),
        }
    }
}

impl<T> Clone for Tx<T> {
    fn clone(&self) -> Self {
        match self {
            Tx::Bounded(s) => Tx::Bounded(s.clone()),
            Tx::Unbounded(s) => Tx::Unbounded(s.clone()),
        }
    }
}

/// An unbounded channel where `unbounded` is the planted bug, else `sync_channel(cap)`.
pub(crate) fn chan<T>(unbounded: bool, cap: usize) -> (Tx<T>, std::sync::mpsc::Receiver<T>) {
    if unbounded {
        let (tx, rx) = std::sync::mpsc::channel();
        (Tx::Unbounded(tx), rx)
    } else {
        let (tx, rx) = std::sync::mpsc::sync_channel(cap);
        (Tx::Bounded(tx), rx)
    }
}

/// Every mutant, in task order.
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
        blind::all(),
    ]
    .concat()
}

/// What `grade` looks for in a solution crate: here, every mutant, by name.
pub fn solutions() -> Vec<&'static dyn Solution> {
    all().into_iter().map(|m| m.solution).collect()
}
