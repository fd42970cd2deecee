//! Blind mutants of Task 18, Goroutine Leak Test (see `super`): written from the course, the
//! contract and the public types only, without having seen how the suite decides anything.
//!
//! Questions the contract left open while writing these (an unclear contract is a finding):
//!
//! 1. Tasks have no identity. [`Counts::tasks`] is a bare number, yet the contract says "a
//!    thread or task alive before `f` is not `f`'s, even if `f` ended it: compare which are
//!    alive, not how many". For tasks a checker can only compare how many: if `f` ends a task
//!    that was alive before it and leaks one of its own, the count is unchanged. Is that case
//!    out of scope for tasks, or is a checker expected to do something cleverer?
//! 2. Thread ids "are not reused while a thread lives", so a thread that was alive before `f`
//!    and died during it may have its id reused by a thread `f` leaks, which then hides in the
//!    baseline. Must a checker guard against that (e.g. compare id and name), or is it out of
//!    scope?
//! 3. Threads the process starts on its own while `f` runs (tokio's blocking pool keeps an idle
//!    thread alive for ~10 s after `spawn_blocking`; a harness watchdog; a lazily started timer
//!    thread): are they `f`'s? A checker cannot tell them apart from a pool's workers.
//! 4. How much is "never waits much longer than `grace`"? One poll interval? Is there a bound on
//!    how often a checker may look (a busy loop over `/proc` meets every stated rule but burns a
//!    core, and may starve the very threads it waits for on a small machine)?
//! 5. A `grace` of zero: must the checker still look once after `f` returns (I assume yes:
//!    "look again, for up to `grace`" reads as at least one look)?
//! 6. If `f` panics: should the panic propagate out of `with_leak_check`, be turned into an
//!    `Err`, or be caught and the check still run? Nothing says.
//! 7. The runtime the pools spawn on is "a current-thread runtime". If `with_leak_check` is
//!    called on the thread that drives it, sleeping in the grace loop stops every task from
//!    making progress, so no task can wind down during the grace. Is the checker ever called
//!    there, and if so is it expected to drive the runtime (it has no handle to it)?
//! 8. Stretch format: is the task line required only when tasks leaked, and is it one line for
//!    all of them or one per task? Must each thread line contain only the name, or merely
//!    contain it? Does the order of lines matter? Are lines for threads that were *not* leaked
//!    (a full dump, like `runtime.Stack(buf, true)`) wrong, or just noise?
//! 9. `leaked` counts "threads and tasks ... each counted once": when the check gives up, is
//!    `leaked` what was alive at the last look (I assume so), or at any look?

use crate::Mutant;
use harness::contracts::task18_leak_check::{Counts, LeakCheck, LeakReport, ThreadInfo};
use harness::Check;
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::{Duration, Instant};

/// How long the checkers sleep between looks.
const POLL: Duration = Duration::from_millis(5);

/// What was alive before `f` ran.
struct Baseline {
    ids: BTreeSet<u64>,
    names: BTreeSet<String>,
    tasks: usize,
}

impl Baseline {
    fn take(counts: &Counts) -> Self {
        let threads = counts.threads();
        Baseline {
            ids: threads.iter().map(|t| t.id).collect(),
            names: threads.into_iter().map(|t| t.name).collect(),
            tasks: counts.tasks(),
        }
    }

    /// One look, done right: threads whose ids were not in the baseline, tasks above it.
    fn look(&self, counts: &Counts) -> Look {
        let all = counts.threads();
        let threads = all
            .iter()
            .filter(|t| !self.ids.contains(&t.id))
            .cloned()
            .collect();
        let tasks = counts.tasks().saturating_sub(self.tasks);
        Look {
            all,
            threads,
            tasks,
        }
    }
}

/// One look at the process after `f`.
struct Look {
    /// Every thread alive at this look.
    all: Vec<ThreadInfo>,
    /// The threads that were not alive before `f`.
    threads: Vec<ThreadInfo>,
    /// How many tasks more than before `f`.
    tasks: usize,
}

impl Look {
    fn clean(&self) -> bool {
        self.threads.is_empty() && self.tasks == 0
    }

    fn report(&self) -> LeakReport {
        let mut what: Vec<String> = self.threads.iter().map(thread_line).collect();
        if self.tasks > 0 {
            what.push(tasks_line(self.tasks));
        }
        LeakReport {
            leaked: self.threads.len() + self.tasks,
            what,
        }
    }
}

fn thread_line(t: &ThreadInfo) -> String {
    format!("thread {:?} (tid {}) still alive", t.name, t.id)
}

fn tasks_line(n: usize) -> String {
    format!("{n} tokio task(s) still alive")
}

/// The leak checker of most of these mutants; `Bug` picks the one thing it gets wrong.
pub struct Blind(Bug);

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Bug {
    /// I take the "before" snapshot after `f` has returned, so nothing `f` started is ever new
    /// and every pool passes. Breaks `requirement`.
    BaselineAfterF,
    /// I tell threads apart by name instead of id, so a leaked worker named like a thread that
    /// was already alive (or an unnamed one inheriting the main thread's name) hides in the
    /// baseline. Breaks `requirement`.
    NamesNotIds,
    /// I look exactly once, right after `f` returns, with no grace, so a pool still winding down
    /// its workers is called a leak. Breaks `requirement`.
    NoGrace,
    /// I hard-coded the course's ~50 ms of grace and ignore the `grace` I am given, so a pool
    /// that needs longer is called a leak and a short grace is overrun. Breaks `requirement`.
    FixedFiftyMillis,
    /// My grace loop waits until the threads are gone and has no deadline, so a real leak makes
    /// the check hang forever instead of failing. Breaks `requirement`.
    NeverGivesUp,
    /// I allow one extra thread or task ("the runtime may have started a timer thread"), like
    /// Go's `if after > before+1`, so a pool that leaks exactly one passes. Breaks `requirement`.
    ToleratesOne,
    /// I only compare threads; a tokio task that was never awaited is never looked for.
    /// Breaks `requirement`.
    IgnoresTasks,
    /// My "nothing left" test is `threads.is_empty() || tasks == 0`, so a leak of only threads
    /// or only tasks passes. Breaks `requirement`.
    OrNotAnd,
    /// I count every task alive after `f` as leaked, not the ones above the baseline, so tasks
    /// that were alive before `f` are blamed on it. Breaks `requirement`.
    TasksAbsolute,
    /// I read the task count once, right after `f`, and only the threads get the grace loop, so
    /// a task that finishes a moment later is still called a leak. Breaks `requirement`.
    TasksCheckedOnce,
    /// I build the report from my first look, right after `f`, so when something does leak the
    /// count also includes the threads that exited during the grace. Breaks `requirement`.
    ReportFromFirstLook,
    /// I count all the leaked tasks as one (they get one line in the report, so one leak),
    /// so `leaked` is short whenever more than one task leaked. Breaks `requirement`.
    TasksCountAsOne,
    /// I start the grace clock before running `f` instead of when it returns, so a slow `f`
    /// leaves no grace at all and a pool still winding down is called a leak.
    /// Breaks `requirement`.
    GraceFromStart,
    /// Like Go's `t.Errorf`, I print the leak report and carry on: the check returns `Ok` even
    /// when something leaked. Breaks `requirement`.
    PrintsInsteadOfErr,
    /// My report lines give each leaked thread's id, not its name. Breaks `stretch`.
    WhatIdsNotNames,
    /// Like `runtime.Stack(buf, true)`, my report lists every thread alive, not only the leaked
    /// ones. Breaks `stretch`.
    WhatEveryThread,
    /// My report names the leaked threads but has no line for leaked tasks. Breaks `stretch`.
    WhatNoTaskLine,
}

impl Blind {
    fn look(&self, before: &Baseline, counts: &Counts, tasks_once: &mut Option<usize>) -> Look {
        let all = counts.threads();
        let threads = all
            .iter()
            .filter(|t| match self.0 {
                Bug::NamesNotIds => !before.names.contains(&t.name),
                _ => !before.ids.contains(&t.id),
            })
            .cloned()
            .collect();
        let tasks = match self.0 {
            Bug::IgnoresTasks => 0,
            Bug::TasksAbsolute => counts.tasks(),
            Bug::TasksCheckedOnce => {
                *tasks_once.get_or_insert_with(|| counts.tasks().saturating_sub(before.tasks))
            }
            _ => counts.tasks().saturating_sub(before.tasks),
        };
        Look {
            all,
            threads,
            tasks,
        }
    }

    fn clean(&self, look: &Look) -> bool {
        match self.0 {
            Bug::OrNotAnd => look.threads.is_empty() || look.tasks == 0,
            Bug::ToleratesOne => look.threads.len() + look.tasks <= 1,
            _ => look.clean(),
        }
    }

    fn report(&self, look: &Look) -> LeakReport {
        let named = match self.0 {
            Bug::WhatEveryThread => &look.all,
            _ => &look.threads,
        };
        let mut what: Vec<String> = named
            .iter()
            .map(|t| match self.0 {
                Bug::WhatIdsNotNames => format!("thread {} still alive", t.id),
                _ => thread_line(t),
            })
            .collect();
        if look.tasks > 0 && self.0 != Bug::WhatNoTaskLine {
            what.push(tasks_line(look.tasks));
        }
        let leaked = match self.0 {
            Bug::TasksCountAsOne => look.threads.len() + usize::from(look.tasks > 0),
            _ => look.threads.len() + look.tasks,
        };
        LeakReport { leaked, what }
    }
}

impl LeakCheck for Blind {
    fn with_leak_check(
        &self,
        counts: &Counts,
        grace: Duration,
        f: Box<dyn FnOnce() + Send + '_>,
    ) -> Result<(), LeakReport> {
        let bug = self.0;
        let started = Instant::now();
        let early = (bug != Bug::BaselineAfterF).then(|| Baseline::take(counts));
        f();
        let before = early.unwrap_or_else(|| Baseline::take(counts));

        let grace = match bug {
            Bug::FixedFiftyMillis => Duration::from_millis(50),
            _ => grace,
        };
        let deadline = match bug {
            Bug::GraceFromStart => started + grace,
            _ => Instant::now() + grace,
        };
        let mut tasks_once = None;
        let mut first: Option<LeakReport> = None;
        loop {
            let look = self.look(&before, counts, &mut tasks_once);
            if self.clean(&look) {
                return Ok(());
            }
            let report = self.report(&look);
            if first.is_none() {
                first = Some(report.clone());
            }
            let now = Instant::now();
            let give_up = match bug {
                Bug::NoGrace => true,
                Bug::NeverGivesUp => false,
                _ => now >= deadline,
            };
            if give_up {
                let report = match (bug, first) {
                    (Bug::ReportFromFirstLook, Some(first)) => first,
                    _ => report,
                };
                if bug == Bug::PrintsInsteadOfErr {
                    eprintln!("leak check: {report}");
                    return Ok(());
                }
                return Err(report);
            }
            match bug {
                Bug::NeverGivesUp => thread::sleep(POLL),
                _ => thread::sleep(POLL.min(deadline.saturating_duration_since(now))),
            }
        }
    }
}

/// I compare how many threads are alive before and after, like `runtime.NumGoroutine()`, not
/// which: a pool that ends a thread that was alive before it and leaks one of its own passes.
/// Breaks `requirement`.
pub struct Counting;

impl LeakCheck for Counting {
    fn with_leak_check(
        &self,
        counts: &Counts,
        grace: Duration,
        f: Box<dyn FnOnce() + Send + '_>,
    ) -> Result<(), LeakReport> {
        let threads_before = counts.threads().len();
        let tasks_before = counts.tasks();
        f();
        let deadline = Instant::now() + grace;
        loop {
            let mut threads = counts.threads();
            let extra_threads = threads.len().saturating_sub(threads_before);
            let extra_tasks = counts.tasks().saturating_sub(tasks_before);
            if extra_threads == 0 && extra_tasks == 0 {
                return Ok(());
            }
            let now = Instant::now();
            if now >= deadline {
                // Ids grow, so the newest threads are the ones with the highest ids.
                let newest = threads.split_off(threads.len() - extra_threads);
                let mut what: Vec<String> = newest.iter().map(thread_line).collect();
                if extra_tasks > 0 {
                    what.push(tasks_line(extra_tasks));
                }
                return Err(LeakReport {
                    leaked: extra_threads + extra_tasks,
                    what,
                });
            }
            thread::sleep(POLL.min(deadline - now));
        }
    }
}

/// I wait out the whole grace (a crossbeam `after` timer) and then look once, so even a clean
/// pool costs the full grace instead of returning as soon as nothing is left.
/// Breaks `requirement`.
pub struct AfterGrace;

impl LeakCheck for AfterGrace {
    fn with_leak_check(
        &self,
        counts: &Counts,
        grace: Duration,
        f: Box<dyn FnOnce() + Send + '_>,
    ) -> Result<(), LeakReport> {
        let before = Baseline::take(counts);
        f();
        // Give the pool its grace to wind down, then look.
        let _ = crossbeam_channel::after(grace).recv();
        let look = before.look(counts);
        if look.clean() {
            Ok(())
        } else {
            Err(look.report())
        }
    }
}

/// My grace loop is `while now < deadline { look }` then `Err(last)`: with a zero grace it
/// never looks and fails a clean pool with an empty report, and a pool that finishes during the
/// last sleep is still failed with the stale report. Breaks `requirement`.
pub struct WhileBeforeDeadline;

impl LeakCheck for WhileBeforeDeadline {
    fn with_leak_check(
        &self,
        counts: &Counts,
        grace: Duration,
        f: Box<dyn FnOnce() + Send + '_>,
    ) -> Result<(), LeakReport> {
        let before = Baseline::take(counts);
        f();
        let deadline = Instant::now() + grace;
        let mut last = LeakReport::default();
        while Instant::now() < deadline {
            let look = before.look(counts);
            if look.clean() {
                return Ok(());
            }
            last = look.report();
            thread::sleep(POLL);
        }
        Err(last)
    }
}

/// The grace is timed by a thread of mine (started before the baseline so it is not counted
/// against `f`) that sleeps `grace` and raises a flag; I never join it, so every check that
/// returns early leaves it sleeping behind me. Breaks `no_leaks`.
pub struct TimerThread;

impl LeakCheck for TimerThread {
    fn with_leak_check(
        &self,
        counts: &Counts,
        grace: Duration,
        f: Box<dyn FnOnce() + Send + '_>,
    ) -> Result<(), LeakReport> {
        let expired = Arc::new(AtomicBool::new(false));
        let (start, started) = mpsc::channel::<()>();
        {
            let expired = Arc::clone(&expired);
            thread::Builder::new()
                .name("leak-timer".into())
                .spawn(move || {
                    if started.recv().is_ok() {
                        thread::sleep(grace);
                        expired.store(true, Ordering::Release);
                    }
                })
                .expect("spawn the grace timer");
        }
        let before = Baseline::take(counts);
        f();
        let _ = start.send(());
        loop {
            let look = before.look(counts);
            if look.clean() {
                return Ok(());
            }
            if expired.load(Ordering::Acquire) {
                return Err(look.report());
            }
            thread::sleep(POLL);
        }
    }
}

/// The kernel id of the calling thread, from `/proc/thread-self` (a link to `PID/task/TID`).
fn own_tid() -> Option<u64> {
    let link = std::fs::read_link("/proc/thread-self").ok()?;
    link.file_name()?.to_str()?.parse().ok()
}

/// I run `f` on a scoped thread (left out of the check by its tid) and start looking as soon as
/// it has told me its tid instead of after joining it, so the first look usually comes before
/// `f` has started anything and a leaky pool passes. Breaks `requirement`.
pub struct CheckBeforeJoin;

impl LeakCheck for CheckBeforeJoin {
    fn with_leak_check(
        &self,
        counts: &Counts,
        grace: Duration,
        f: Box<dyn FnOnce() + Send + '_>,
    ) -> Result<(), LeakReport> {
        let before = Baseline::take(counts);
        thread::scope(|s| {
            let (tid_tx, tid_rx) = mpsc::channel();
            s.spawn(move || {
                let _ = tid_tx.send(own_tid());
                f();
            });
            let runner = tid_rx.recv().ok().flatten();
            let deadline = Instant::now() + grace;
            loop {
                let mut look = before.look(counts);
                look.threads.retain(|t| Some(t.id) != runner);
                if look.clean() {
                    return Ok(());
                }
                let now = Instant::now();
                if now >= deadline {
                    return Err(look.report());
                }
                thread::sleep(POLL.min(deadline - now));
            }
        })
    }
}

/// Every blind mutant of task 18.
pub fn mutants() -> Vec<Mutant> {
    vec![
        mutant!(
            task18,
            "task18_leak_check",
            "blind_baseline_after_f",
            Blind(Bug::BaselineAfterF),
            Check::Requirement,
            "I took the before snapshot after running f, so nothing f started ever looked new."
        ),
        mutant!(
            task18,
            "task18_leak_check",
            "blind_names_not_ids",
            Blind(Bug::NamesNotIds),
            Check::Requirement,
            "I told threads apart by name, so a leaked thread named like one already alive hid."
        ),
        mutant!(
            task18,
            "task18_leak_check",
            "blind_no_grace",
            Blind(Bug::NoGrace),
            Check::Requirement,
            "I looked once right after f returned, so a pool still winding down was a leak."
        ),
        mutant!(
            task18,
            "task18_leak_check",
            "blind_fixed_50ms_grace",
            Blind(Bug::FixedFiftyMillis),
            Check::Requirement,
            "I hard-coded 50 ms of grace and ignored the grace I was given."
        ),
        mutant!(
            task18,
            "task18_leak_check",
            "blind_never_gives_up",
            Blind(Bug::NeverGivesUp),
            Check::Requirement,
            "My grace loop had no deadline, so a real leak made the check hang forever."
        ),
        mutant!(
            task18,
            "task18_leak_check",
            "blind_tolerates_one",
            Blind(Bug::ToleratesOne),
            Check::Requirement,
            "I allowed one extra thread or task, so a pool leaking exactly one passed."
        ),
        mutant!(
            task18,
            "task18_leak_check",
            "blind_ignores_tasks",
            Blind(Bug::IgnoresTasks),
            Check::Requirement,
            "I only compared threads and never looked at tokio tasks."
        ),
        mutant!(
            task18,
            "task18_leak_check",
            "blind_or_not_and",
            Blind(Bug::OrNotAnd),
            Check::Requirement,
            "I called it clean when either threads or tasks were back, not when both were."
        ),
        mutant!(
            task18,
            "task18_leak_check",
            "blind_tasks_absolute",
            Blind(Bug::TasksAbsolute),
            Check::Requirement,
            "I counted every task alive after f as leaked, not only those above the baseline."
        ),
        mutant!(
            task18,
            "task18_leak_check",
            "blind_tasks_checked_once",
            Blind(Bug::TasksCheckedOnce),
            Check::Requirement,
            "I gave the grace to threads only and read the task count once, right after f."
        ),
        mutant!(
            task18,
            "task18_leak_check",
            "blind_report_from_first_look",
            Blind(Bug::ReportFromFirstLook),
            Check::Requirement,
            "My report came from my first look, counting threads that exited during the grace."
        ),
        mutant!(
            task18,
            "task18_leak_check",
            "blind_tasks_count_as_one",
            Blind(Bug::TasksCountAsOne),
            Check::Requirement,
            "I counted all the leaked tasks as a single leak."
        ),
        mutant!(
            task18,
            "task18_leak_check",
            "blind_grace_from_start",
            Blind(Bug::GraceFromStart),
            Check::Requirement,
            "I started the grace clock before f ran, so a slow f left no grace at all."
        ),
        mutant!(
            task18,
            "task18_leak_check",
            "blind_prints_instead_of_err",
            Blind(Bug::PrintsInsteadOfErr),
            Check::Requirement,
            "Like t.Errorf, I printed the leak and returned Ok anyway."
        ),
        mutant!(
            task18,
            "task18_leak_check",
            "blind_what_ids_not_names",
            Blind(Bug::WhatIdsNotNames),
            Check::Stretch,
            "My report gave each leaked thread's id, not its name."
        ),
        mutant!(
            task18,
            "task18_leak_check",
            "blind_what_every_thread",
            Blind(Bug::WhatEveryThread),
            Check::Stretch,
            "Like runtime.Stack(buf, true), my report listed every thread, not only the leaked."
        ),
        mutant!(
            task18,
            "task18_leak_check",
            "blind_what_no_task_line",
            Blind(Bug::WhatNoTaskLine),
            Check::Stretch,
            "My report named the leaked threads but said nothing about leaked tasks."
        ),
        mutant!(
            task18,
            "task18_leak_check",
            "blind_counting",
            Counting,
            Check::Requirement,
            "I compared how many threads were alive, not which, like runtime.NumGoroutine()."
        ),
        mutant!(
            task18,
            "task18_leak_check",
            "blind_after_grace",
            AfterGrace,
            Check::Requirement,
            "I waited out the whole grace before looking, even when the pool was already clean."
        ),
        mutant!(
            task18,
            "task18_leak_check",
            "blind_while_before_deadline",
            WhileBeforeDeadline,
            Check::Requirement,
            "My loop only looked while before the deadline, so a zero grace never looked at all."
        ),
        mutant!(
            task18,
            "task18_leak_check",
            "blind_timer_thread",
            TimerThread,
            Check::NoLeaks,
            "I timed the grace on a thread of my own and never joined it."
        ),
        mutant!(
            task18,
            "task18_leak_check",
            "blind_check_before_join",
            CheckBeforeJoin,
            Check::Requirement,
            "I ran f on a scoped thread and checked before joining it, so I looked too early."
        ),
    ]
}

/// Blind mutants taken out at triage, and why.
pub const DROPPED: &[super::Dropped] = &[super::Dropped {
    name: "task18_leak_check::blind_busy_poll",
    reason: "it meets the contract: it looks until nothing is left or the grace has passed and answers what the last look found; spinning between looks costs a core but changes no verdict, and the contract sets no rate of looking (the seed's hint sleeps, and so does the model answer, 5 ms)",
}];

/// Blind mutants whose checklist item was changed at triage, and why.
pub const RELABELLED: &[super::Relabelled] = &[];

/// Blind mutants measured, not required, and why.
pub const UNCERTAIN: &[super::Uncertain] = &[];
