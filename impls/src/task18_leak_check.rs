//! Task 18, Goroutine Leak Test, turned around: the model answer, a leak checker.
//!
//! The threads alive before `f` are remembered by id, the tasks by count; after `f`, any thread
//! not in the first set, or any task over the first count, is `f`'s. A pool may still be winding
//! down, so the check looks again every few milliseconds until nothing is left or the grace has
//! passed (Go's loop of `time.Sleep` before the final `runtime.NumGoroutine()`).

use harness::contracts::task18_leak_check::{Counts, LeakCheck, LeakReport};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

pub struct Answer;

impl LeakCheck for Answer {
    fn with_leak_check(
        &self,
        counts: &Counts,
        grace: Duration,
        f: Box<dyn FnOnce() + Send + '_>,
    ) -> Result<(), LeakReport> {
        let threads_before: BTreeSet<u64> = counts.threads().iter().map(|t| t.id).collect();
        let tasks_before = counts.tasks();
        f();
        let deadline = Instant::now() + grace;
        loop {
            let threads: Vec<_> = counts
                .threads()
                .into_iter()
                .filter(|t| !threads_before.contains(&t.id))
                .collect();
            let tasks = counts.tasks().saturating_sub(tasks_before);
            if threads.is_empty() && tasks == 0 {
                return Ok(());
            }
            if Instant::now() >= deadline {
                let mut what: Vec<String> = threads
                    .iter()
                    .map(|t| format!("thread {:?} (tid {}) is still alive", t.name, t.id))
                    .collect();
                if tasks > 0 {
                    what.push(format!("{tasks} tokio task(s) still alive"));
                }
                return Err(LeakReport {
                    leaked: threads.len() + tasks,
                    what,
                });
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}
