//! Task 18, Goroutine Leak Test, turned around: the solution is the leak checker. Its
//! `with_leak_check` runs a closure and fails when an OS thread or a tokio task the closure
//! started outlives it (Go's `runtime.NumGoroutine()` before and after, with a grace for threads
//! on their way out). The suite hands it leaky pools (jobs never closed, a send blocked forever,
//! a panic without recovery, a task never awaited) and clean ones, and grades its verdicts.
//! Stretch: the report says what each leaked thread was (Go's `runtime.Stack`): its name.
//!
//! The harness's counting is offered read-only through [`Counts`]: the threads of the process
//! from `/proc/self/task`, and the tasks alive on the runtime the pools spawn on.

use crate::scenario::Task;
use std::fmt;
use std::time::Duration;

pub const TASK: Task = Task {
    number: 18,
    slug: "leak_check",
    title: "Goroutine Leak Test",
};

/// One OS thread of this process: its kernel thread id and its name (at most 15 bytes, as the
/// kernel keeps it).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ThreadInfo {
    pub id: u64,
    pub name: String,
}

/// Which of [`Counts`]'s reads a checker made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Look {
    Threads,
    Tasks,
}

/// What the harness counts, for a checker to read. Every read is a fresh look at the process.
pub struct Counts {
    runtime: Option<tokio::runtime::Handle>,
    on_look: Option<Box<dyn Fn(Look) + Send + Sync>>,
}

impl Counts {
    /// Counts over this process's threads and the tasks of `runtime` (none without one).
    pub fn new(runtime: Option<tokio::runtime::Handle>) -> Self {
        Counts {
            runtime,
            on_look: None,
        }
    }

    /// [`Counts::new`], calling `on_look` after every read (what was read is read first): how the
    /// suite's scenarios know when a checker looks.
    pub fn watched(
        runtime: Option<tokio::runtime::Handle>,
        on_look: impl Fn(Look) + Send + Sync + 'static,
    ) -> Self {
        Counts {
            runtime,
            on_look: Some(Box::new(on_look)),
        }
    }

    fn looked(&self, look: Look) {
        if let Some(f) = &self.on_look {
            f(look);
        }
    }

    /// Every OS thread of this process alive now, in thread id order. Ids are not reused while
    /// a thread lives, so the same id before and after a call is the same thread.
    pub fn threads(&self) -> Vec<ThreadInfo> {
        let threads = crate::leak::threads()
            .into_iter()
            .map(|(id, name)| ThreadInfo { id, name })
            .collect();
        self.looked(Look::Threads);
        threads
    }

    /// The tokio tasks alive now on the runtime the pools under check spawn on (a finished task
    /// is not alive, whether or not its `JoinHandle` was awaited). Tasks have no identity here:
    /// compare the count after `f` with the count before (the suite never hands over a pool that
    /// ends a task older than itself). The runtime is a multi-thread one whose workers run before
    /// the check begins, so tasks wind down while the checker sleeps.
    pub fn tasks(&self) -> usize {
        let n = self
            .runtime
            .as_ref()
            .map_or(0, |rt| rt.metrics().num_alive_tasks());
        self.looked(Look::Tasks);
        n
    }
}

/// Why a check failed: what outlived the closure.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LeakReport {
    /// How many threads and tasks outlived the closure and the grace, each counted once: what
    /// the last look found.
    pub leaked: usize,
    /// Stretch: exactly one line per leaked thread, containing its name as
    /// [`Counts::threads`] gives it, and one more line for the leaked tasks when any leaked, in
    /// any order. Empty when not attempted.
    pub what: Vec<String>,
}

impl fmt::Display for LeakReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} leaked", self.leaked)?;
        for line in &self.what {
            write!(f, "\n  {line}")?;
        }
        Ok(())
    }
}

impl std::error::Error for LeakReport {}

pub trait LeakCheck: Sync {
    /// Runs `f` (on the calling thread is simplest), then checks that every thread and every
    /// task `f` started has ended. A thread or task alive before `f` is not `f`'s, even if `f`
    /// ended it: compare which threads are alive (their ids), not how many. A pool may still be winding down when
    /// `f` returns, and still at your first look: look again, for up to `grace` after `f`
    /// returned, before you call anything a leak; return as soon as nothing is left.
    ///
    /// Returns `Ok(())` when nothing `f` started is alive, or `Err(LeakReport)` once `grace` has
    /// passed with something still alive, and never waits much longer than `grace` (it looks at
    /// least once after `f`, even with a zero grace). The check leaves no thread of its own
    /// behind. Threads of the same name are still different threads; ids are not reused within
    /// a check. Nothing but `f` starts threads or tasks during the check, and `f` never panics
    /// on the calling thread.
    fn with_leak_check(
        &self,
        counts: &Counts,
        grace: Duration,
        f: Box<dyn FnOnce() + Send + '_>,
    ) -> Result<(), LeakReport>;
}
