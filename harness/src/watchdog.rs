//! Every scenario runs under a watchdog: a deadlock or endless loop in a solution becomes a
//! failure that says what was stuck, and the suite moves on.
//!
//! The scenario runs on a thread of its own. The watchdog declares a hang when nothing moves for
//! `stall` (no job event in any ledger, no new stage in the scenario) or when the whole scenario
//! passes `limit`. A hung thread cannot be killed; it is abandoned, blocked where it stood.

use crate::checklist::Check;
use crate::contracts::Solution;
use crate::leak;
use crate::scenario::{Ctx, Scenario, StageSink, Watch};
use crate::timing;
use crate::verdict::{Failure, Outcome, Stop};
use std::panic::{self, AssertUnwindSafe};
use std::sync::{mpsc, Arc, Mutex, Once};
use std::time::{Duration, Instant};

/// How long a scenario may take, and how long it may stand still.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub stall: Duration,
    pub limit: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            stall: timing::STALL,
            limit: timing::LIMIT,
        }
    }
}

static PANICS: Mutex<Vec<String>> = Mutex::new(Vec::new());
static QUIET_HOOK: Once = Once::new();

/// Panics are part of what the suite judges, so they are recorded for the verdict rather than
/// printed in the middle of the test output.
fn install_panic_recorder() {
    QUIET_HOOK.call_once(|| {
        panic::set_hook(Box::new(|info| {
            let thread = std::thread::current();
            let msg = panic_message(info.payload());
            let at = info
                .location()
                .map(|l| format!(" at {}:{}", l.file(), l.line()))
                .unwrap_or_default();
            let mut panics = PANICS.lock().unwrap_or_else(|p| p.into_inner());
            if panics.len() < 32 {
                panics.push(format!(
                    "thread {:?} panicked{at}: {msg}",
                    thread.name().unwrap_or("<unnamed>")
                ));
            }
        }));
    });
}

/// A panic's message, as `panic!` gave it.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "<non-string panic payload>".into())
}

/// The panics recorded since the last call (the scenario's own and its solution's threads').
pub(crate) fn take_panics() -> Vec<String> {
    std::mem::take(&mut *PANICS.lock().unwrap_or_else(|p| p.into_inner()))
}

/// Runs `scenario` against `solution` under the watchdog; each stage it enters also goes to
/// `sink`.
pub(crate) fn guard(
    scenario: Scenario,
    solution: &'static dyn Solution,
    seed: u64,
    limits: Limits,
    sink: Option<StageSink>,
) -> Outcome {
    install_panic_recorder();
    take_panics();
    let watch = Arc::new(Watch::with_sink(sink));
    let before = leak::Baseline::now();
    let heap = crate::alloc::current();
    let (tx, rx) = mpsc::channel();
    let w = watch.clone();
    let spawned = std::thread::Builder::new()
        .name("scenario".into())
        .spawn(move || {
            let mut ctx = Ctx::new(seed, &scenario.full_name(), w);
            let out = panic::catch_unwind(AssertUnwindSafe(|| (scenario.body)(solution, &mut ctx)));
            let _ = tx.send(out);
        });
    if let Err(e) = spawned {
        return Err(Failure::new(scenario.primary(), "the scenario starts", e.to_string()).into());
    }
    let started = Instant::now(); // real time: the watchdog's own clock, by design
    let mut moved = (0, started);
    loop {
        match rx.recv_timeout(Duration::from_millis(20)) {
            Ok(Ok(outcome)) => return outcome,
            Ok(Err(payload)) => {
                let msg = panic_message(&*payload);
                return Err(Failure::new(
                    scenario.primary(),
                    "no panic escapes the pool: a failing job is reported, not propagated",
                    format!("the call panicked: {msg}"),
                )
                .hint("catch a job's panic in the worker (std::panic::catch_unwind) and report it")
                .into());
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Err(Failure::new(
                    scenario.primary(),
                    "the scenario completes",
                    "its thread vanished",
                )
                .into())
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
        }
        let total = started.elapsed();
        let idle = idle_for(&watch, &mut moved);
        let deadlocked = idle >= timing::DEADLOCK && before.all_asleep();
        if deadlocked || idle >= limits.stall || total >= limits.limit {
            // The scenario may have ended while the watchdog looked: its verdict wins.
            if let Ok(Ok(outcome)) = rx.try_recv() {
                return outcome;
            }
            return Err(Stop::Fail(hang(
                &scenario, &watch, &before, idle, total, deadlocked, heap,
            )));
        }
    }
}

/// How long since anything moved: a job event in any ledger, a new stage of the scenario or the
/// end of one of its own bounded waits. Zero while the scenario is in such a wait, or while held
/// threads are let go one by one (see `startup::letting_go_one_by_one`).
///
/// The ledgers keep no clock (an event is a few atomic additions): the watchdog notes, at each of
/// its looks, whether their event count moved since the last one, in `moved` (count, when).
fn idle_for(watch: &Watch, moved: &mut (u64, Instant)) -> Duration {
    let events: u64 =
        watch.ledgers().iter().map(|l| l.version()).sum::<u64>() + watch.deliberate.ended();
    if events != moved.0 {
        *moved = (events, Instant::now()); // real time: the watchdog's own clock
    }
    if watch.deliberate.active() {
        return Duration::ZERO;
    }
    if crate::startup::letting_go_one_by_one() {
        *moved = (events, Instant::now()); // real time: the watchdog's own clock
        return Duration::ZERO;
    }
    let mut idle = moved.1.elapsed(); // real time: the watchdog's own clock
    if let Some(at) = watch.stage().1 {
        idle = idle.min(at.elapsed());
    }
    idle
}

/// The item a hang is blamed on, from where the jobs stood:
/// - every job of the input done (and read, where the scenario reads results), yet the call
///   never returns: the results stream is never ended, `close_once`;
/// - results finished but unread while the pool is stuck: the caller stopped reading before the
///   pool could finish (joined first, or fed jobs on the same thread), `graceful_shutdown`;
/// - otherwise the scenario's own item (a job stuck inside its work, a pool that never starts).
pub fn blame(primary: Check, ledgers: &[crate::ledger::Snapshot]) -> Check {
    if !ledgers.is_empty() && ledgers.iter().all(|s| s.all_done()) {
        Check::CloseOnce
    } else if ledgers.iter().any(|s| s.unread() > 0 && s.in_flight == 0) {
        Check::GracefulShutdown
    } else {
        primary
    }
}

fn hang(
    scenario: &Scenario,
    watch: &Watch,
    before: &leak::Baseline,
    idle: Duration,
    total: Duration,
    deadlocked: bool,
    heap: usize,
) -> Failure {
    let (stage, _) = watch.stage();
    let mut observed = format!(
        "the scenario hung: nothing moved for {:.2} s ({:.2} s in all){}",
        idle.as_secs_f64(),
        total.as_secs_f64(),
        if deadlocked {
            ", every thread blocked: a deadlock"
        } else {
            ""
        }
    );
    if !stage.is_empty() {
        observed += &format!(" while {stage}");
    }
    // The ledgers of runs still going (a scenario that repeats its pool closes each run's
    // ledger when the call returns), else the last one.
    let ledgers = watch.ledgers();
    let open: Vec<_> = ledgers.iter().filter(|l| !l.snapshot().closed).collect();
    let shown = match (open.is_empty(), ledgers.last()) {
        (true, Some(last)) => vec![last],
        _ => open,
    };
    for l in shown {
        observed += &format!("; {}", l.describe());
    }
    let grew = crate::alloc::current().saturating_sub(heap) >> 20;
    if grew >= 64 {
        observed += &format!("; meanwhile the heap grew by {grew} MiB: memory without bound");
    }
    let alive = before.extra();
    if !alive.is_empty() {
        observed += &format!(
            "; {} thread(s) the scenario started are alive (a pool's threads inherit the name \"scenario\" unless named): {}",
            alive.len(),
            alive.join(", ")
        );
    }
    let snaps: Vec<_> = watch.ledgers().iter().map(|l| l.snapshot()).collect();
    let check = blame(scenario.primary(), &snaps);
    if check == Check::CloseOnce {
        observed += "; every job was done, so the pool waits on an end that never comes";
    } else if check == Check::GracefulShutdown && check != scenario.primary() {
        observed +=
            "; finished results wait unread: the caller stopped reading before the pool finished";
    }
    Failure::new(
        check,
        "the pool finishes and returns; no thread waits forever",
        observed,
    )
    .hint(
        "a pool that never returns usually waits on a channel nobody closes: drop the jobs sender \
         after the last job, let each worker's results sender drop when it exits, and never wait \
         for work that cannot come (zero workers, an empty input)",
    )
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    struct Nobody;
    impl Solution for Nobody {
        fn name(&self) -> &str {
            "nobody"
        }
    }

    /// A long hold of the scenario's own, then a moment of quiet with every thread asleep (a
    /// gate just opened, its workers not yet awake): the hold does not count as standing still.
    /// Before the end of a wait restarted the idle clock, this was a "deadlock" at the first look.
    fn hold_then_quiet(_: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
        let (tx, rx) = mpsc::channel::<()>();
        let asleep = std::thread::spawn(move || rx.recv());
        {
            let _waiting = ctx.deliberately();
            std::thread::sleep(timing::DEADLOCK + Duration::from_millis(50)); // real time: the watchdog's own clock is what is tested
        }
        std::thread::sleep(Duration::from_millis(100)); // real time: quiet past the watchdog's look
        drop(tx);
        let _ = asleep.join();
        Ok(())
    }

    pub(crate) fn the_end_of_a_deliberate_wait_restarts_the_idle_clock() {
        let task = crate::scenario::Task {
            number: 0,
            slug: "watchdog",
            title: "Watchdog",
        };
        let scenario = task.scenario(
            "hold_then_quiet",
            &[Check::Requirement],
            "a watchdog self-test",
            hold_then_quiet,
        );
        let out = guard(scenario, &Nobody, 0, Limits::default(), None);
        assert!(out.is_ok(), "{out:?}");
    }
}
