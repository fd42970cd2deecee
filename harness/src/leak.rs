//! `no_leaks`: OS threads (and, for async pools, tokio tasks) return to their baseline.
//!
//! Threads are counted from `/proc/self/task`; tokio tasks from the runtime's own metrics
//! ([`tasks_settled`], for the async pools of the later tasks). Modelled on Go's goleak: a thread may still be on its way out when the pool returns, so the
//! check retries with backoff before it fails, then names every thread that stayed.
//! Counting threads is process-wide, which is why the runner runs one scenario at a time.

use crate::checklist::Check;
use crate::scenario::Ctx;
use crate::verdict::Failure;
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

/// The OS thread id of the calling thread.
pub fn current_tid() -> u64 {
    // SAFETY: gettid has no preconditions and cannot fail.
    (unsafe { libc::gettid() }) as u64
}

/// The scheduler state of thread `tid` of this process (`R` running, `S` asleep, `D` in I/O...).
pub fn state(tid: u64) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/self/task/{tid}/stat")).ok()?;
    // The name in parentheses may hold spaces; the state follows the closing one.
    stat.rsplit_once(") ")?.1.chars().next()
}

/// How often thread `tid` of this process has gone to sleep so far (its voluntary context
/// switches): a thread blocked on a lock, a channel or a join adds none while it stays blocked;
/// one that polls on a timer adds one per tick.
pub fn sleeps(tid: u64) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/self/task/{tid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("voluntary_ctxt_switches:"))
        .and_then(|n| n.trim().parse().ok())
}

/// The OS threads of this process, as (thread id, name).
pub fn threads() -> BTreeSet<(u64, String)> {
    let Ok(dir) = std::fs::read_dir("/proc/self/task") else {
        return BTreeSet::new();
    };
    dir.flatten()
        .filter_map(|e| {
            let tid = e.file_name().to_str()?.parse().ok()?;
            let name = std::fs::read_to_string(e.path().join("comm")).unwrap_or_default();
            Some((tid, name.trim().to_string()))
        })
        .collect()
}

/// Threads alive at one moment, to compare against later.
#[derive(Clone, Debug)]
pub struct Baseline(BTreeSet<(u64, String)>);

impl Baseline {
    pub fn now() -> Self {
        Baseline(threads())
    }

    /// Whether every thread started since the baseline is asleep (blocked on a lock, a channel,
    /// a join): with no progress, the mark of a deadlock.
    pub fn all_asleep(&self) -> bool {
        self.new_threads()
            .iter()
            .all(|(tid, _)| state(*tid).is_none_or(|s| s == 'S'))
    }

    /// Threads alive now that were not at the baseline, by thread id (a thread may rename
    /// itself), leaving out the harness's own (named `poolcheck-...`).
    fn new_threads(&self) -> Vec<(u64, String)> {
        let old: BTreeSet<u64> = self.0.iter().map(|(tid, _)| *tid).collect();
        threads()
            .into_iter()
            .filter(|(tid, name)| !old.contains(tid) && !name.starts_with("poolcheck-"))
            .collect()
    }

    /// Threads alive now that were not alive at the baseline.
    pub fn extra(&self) -> Vec<String> {
        self.new_threads()
            .iter()
            .map(|(tid, name)| format!("{name:?} (tid {tid})"))
            .collect()
    }

    /// Waits up to `within` for every thread started since the baseline to exit; if some stay,
    /// fails naming them: under `all_joined` if one of them ran a job (a worker the pool never
    /// joined), else under `check` (a thread that was never a worker: a helper left running).
    pub fn settled(&self, ctx: &Ctx, within: Duration, check: Check) -> Result<(), Failure> {
        let _waiting = ctx.deliberately();
        let deadline = Instant::now() + within; // real time: grace for exiting threads, as goleak
        let mut pause = Duration::from_millis(1);
        loop {
            let extra = self.extra();
            if extra.is_empty() {
                // Exited, but not joined: a worker that ran jobs after the call returned.
                let after = ctx.work_after_return();
                return crate::ensure(!after, || {
                    Failure::new(
                        Check::AllJoined,
                        "every worker has finished its jobs before the call returned",
                        "jobs ran after it returned (its workers exited later, on their own): the call did not wait for them",
                    )
                    .hint("wait for every worker (join each JoinHandle, or let a thread::scope end) before returning; a wait-group's add must happen before the worker starts, not inside it")
                });
            }
            let expired = Instant::now() >= deadline; // real time: see above
            if expired {
                // A leftover thread is one of the pool's workers if it ran a job, or if jobs ran
                // after the call returned (a worker that had not yet run one was still coming).
                let workers = ctx.workers();
                let worker = ctx.work_after_return()
                    || self
                        .new_threads()
                        .iter()
                        .any(|(tid, _)| workers.contains(tid));
                let check = if worker { Check::AllJoined } else { check };
                return Err(Failure::new(
                    check,
                    "every thread the pool started has exited once it returned",
                    format!(
                        "{} thread(s) still alive {} ms after it returned{}: {}",
                        extra.len(),
                        within.as_millis(),
                        if worker {
                            ", among them a worker that ran jobs (never joined)"
                        } else {
                            ", none of which ran a job (a helper thread left running)"
                        },
                        extra.join(", ")
                    ),
                )
                .hint(
                    "join every JoinHandle (or use std::thread::scope) before returning, and make \
                     sure each thread's loop ends: a worker leaves `for job in rx` only when every \
                     sender is dropped",
                ));
            }
            std::thread::sleep(pause); // real time: backoff while threads exit, as goleak
            pause = (pause * 2).min(Duration::from_millis(50));
        }
    }
}

/// Waits, in the runtime's own time (virtual under a paused clock), for the tasks alive on the
/// current tokio runtime to fall back to `baseline`; if they do not within `within`, fails under
/// `check`. `num_alive_tasks` is exact on the current-thread runtime the scenarios use.
pub async fn tasks_settled(baseline: usize, within: Duration, check: Check) -> Result<(), Failure> {
    let metrics = tokio::runtime::Handle::current().metrics();
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let alive = metrics.num_alive_tasks();
        if alive <= baseline {
            return Ok(());
        }
        if tokio::time::Instant::now() >= deadline {
            return Err(Failure::new(
                check,
                format!("tokio tasks back to {baseline} once the pool returned"),
                format!(
                    "{alive} alive {} ms (runtime time) after it returned",
                    within.as_millis()
                ),
            )
            .hint(
                "await every JoinHandle (or a JoinSet / TaskTracker) before returning, and make \
                 each task's loop end when its input closes or its token is cancelled",
            ));
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_task_left_running_is_a_leak_and_a_finished_one_is_not() {
        let base = tokio::runtime::Handle::current()
            .metrics()
            .num_alive_tasks();
        let done = tokio::spawn(async {});
        done.await.unwrap();
        assert_eq!(
            tasks_settled(base, Duration::from_millis(50), Check::NoLeaks).await,
            Ok(())
        );
        let _stuck = tokio::spawn(std::future::pending::<()>());
        let leak = tasks_settled(base, Duration::from_millis(50), Check::NoLeaks).await;
        assert!(leak.unwrap_err().observed.contains("1 alive"));
    }

    pub(crate) fn a_thread_left_running_is_named() {
        let ctx = Ctx::new(0, "leak", Default::default());
        let base = Baseline::now();
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let t = std::thread::Builder::new()
            .name("stuck-worker".into())
            .spawn(move || rx.recv())
            .unwrap();
        let leak = base
            .settled(&ctx, Duration::from_millis(20), Check::NoLeaks)
            .unwrap_err();
        assert!(leak.observed.contains("stuck-worker"), "{}", leak.observed);
        drop(tx);
        t.join().unwrap().unwrap_err();
        assert_eq!(
            base.settled(&ctx, Duration::from_millis(500), Check::NoLeaks),
            Ok(())
        );
    }
}
