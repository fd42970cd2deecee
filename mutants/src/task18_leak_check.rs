//! Task 18, Goroutine Leak Test: the model answer's leak checker with one mistake planted per
//! mutant.

use crate::Mutant;
use harness::contracts::task18_leak_check::{Counts, LeakCheck, LeakReport};
use harness::Check;
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Bug {
    NoGrace,
    SleepsWholeGrace,
    NeverGivesUp,
    BaselineAfterF,
    ThreadCounts,
    CountsAtLeast,
    EndedCountedToo,
    TasksIgnored,
    DetachedTimer,
    NamesLeftOut,
}

struct Buggy(Bug);

/// One look: the threads alive now that were not before, and the tasks over the count before.
fn look(counts: &Counts, bug: Bug, before: &BTreeSet<u64>, tasks_before: usize) -> LeakReport {
    let now = counts.threads();
    let tasks = match bug {
        Bug::TasksIgnored => 0,
        _ => counts.tasks().saturating_sub(tasks_before),
    };
    let ids: BTreeSet<u64> = now.iter().map(|t| t.id).collect();
    let new: Vec<_> = now.iter().filter(|t| !before.contains(&t.id)).collect();
    let threads = match bug {
        Bug::ThreadCounts => ids.len().saturating_sub(before.len()),
        Bug::CountsAtLeast => usize::from(ids.len() >= before.len()).max(new.len()),
        Bug::EndedCountedToo => new.len() + before.difference(&ids).count(),
        _ => new.len(),
    };
    let mut what: Vec<String> = match bug {
        Bug::NamesLeftOut => vec![],
        _ => new
            .iter()
            .map(|t| format!("thread {:?} (tid {}) is still alive", t.name, t.id))
            .collect(),
    };
    if tasks > 0 {
        what.push(format!("{tasks} tokio task(s) still alive"));
    }
    LeakReport {
        leaked: threads + tasks,
        what,
    }
}

impl LeakCheck for Buggy {
    fn with_leak_check(
        &self,
        counts: &Counts,
        grace: Duration,
        f: Box<dyn FnOnce() + Send + '_>,
    ) -> Result<(), LeakReport> {
        let bug = self.0;
        let timer_done = Arc::new(AtomicBool::new(false));
        if bug == Bug::DetachedTimer {
            let done = timer_done.clone();
            std::thread::spawn(move || {
                std::thread::sleep(grace);
                done.store(true, SeqCst);
            });
        }
        let baseline = |counts: &Counts| {
            let ids: BTreeSet<u64> = counts.threads().iter().map(|t| t.id).collect();
            (ids, counts.tasks())
        };
        let (before, tasks_before) = match bug {
            Bug::BaselineAfterF => {
                f();
                baseline(counts)
            }
            _ => {
                let b = baseline(counts);
                f();
                b
            }
        };
        if bug == Bug::SleepsWholeGrace {
            std::thread::sleep(grace);
        }
        let deadline = Instant::now() + grace;
        loop {
            let report = look(counts, bug, &before, tasks_before);
            if report.leaked == 0 {
                return Ok(());
            }
            let over = match bug {
                Bug::NoGrace | Bug::SleepsWholeGrace => true,
                Bug::NeverGivesUp => false,
                Bug::DetachedTimer => timer_done.load(SeqCst),
                _ => Instant::now() >= deadline,
            };
            if over {
                return Err(report);
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

pub fn mutants() -> Vec<Mutant> {
    macro_rules! m {
        ($name:literal, $bug:ident, $breaks:expr, $what:literal) => {
            mutant!(
                task18,
                "task18_leak_check",
                $name,
                Buggy(Bug::$bug),
                $breaks,
                $what
            )
        };
    }
    vec![
        m!(
            "no_grace",
            NoGrace,
            Check::Requirement,
            "looks once, right after f returns, and calls whatever is still winding down a leak"
        ),
        m!(
            "sleeps_the_whole_grace",
            SleepsWholeGrace,
            Check::Requirement,
            "sleeps the whole grace after f, then looks once, even when the pool had ended before"
        ),
        m!(
            "never_gives_up",
            NeverGivesUp,
            Check::Requirement,
            "keeps looking until nothing is left, with no deadline, so a real leak never gets an answer"
        ),
        m!(
            "baseline_after_f",
            BaselineAfterF,
            Check::Requirement,
            "takes the baseline after f has run, so what f leaked is in it"
        ),
        m!(
            "thread_counts",
            ThreadCounts,
            Check::Requirement,
            "compares how many threads are alive, not which: a leak in a pool that ended an older thread cancels out"
        ),
        m!(
            "counts_at_least",
            CountsAtLeast,
            Check::Requirement,
            "calls it a leak when as many threads are alive after f as before (>= where > was meant)"
        ),
        m!(
            "ended_counted_too",
            EndedCountedToo,
            Check::Requirement,
            "counts every thread whose liveness changed, so an older thread f ended counts as leaked"
        ),
        m!(
            "tasks_ignored",
            TasksIgnored,
            Check::Requirement,
            "counts threads only, so tokio tasks never awaited pass"
        ),
        m!(
            "detached_timer",
            DetachedTimer,
            Check::NoLeaks,
            "times the grace on a thread it starts before the baseline and never joins, left sleeping after an early Ok"
        ),
        m!(
            "names_left_out",
            NamesLeftOut,
            Check::Stretch,
            "reports how many threads leaked but not their names"
        ),
    ]
}
