//! The real-time windows the suite waits in. Each bounds only how long the suite waits on a pool
//! that is slow, stuck or wrong; none of them can turn a correct pool's verdict, which holds at
//! every instant. Virtual time (tokio's paused clock, turmoil) is for what a solution measures.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// No job event for this long means a held pool has done all it can (a blocked producer, workers
/// at a gate): the moment to look at its queues.
pub const QUIET: Duration = Duration::from_millis(30);
/// How long a pool may take to put its workers to work before the scenario looks anyway; a pool
/// short of workers waits this out and is judged on what it did.
pub const GET_GOING: Duration = Duration::from_millis(500);
/// How long a scenario holds one job while it waits to see whether the pool returns without it:
/// longer than any "quiet spell" a consumer might take for the end of its input.
pub const HOLD_LAST: Duration = Duration::from_millis(300);
/// The longest any single settle may take.
pub const WITHIN: Duration = Duration::from_secs(5);
/// How long threads may take to exit once a pool returned, as goleak's retry window.
pub const EXIT_GRACE: Duration = Duration::from_millis(500);
/// Nothing moved and every thread the scenario started is asleep for this long: a deadlock.
pub const DEADLOCK: Duration = Duration::from_millis(250);
/// Nothing moved for this long, whatever the threads are doing: a hang (an endless loop, say).
pub const STALL: Duration = Duration::from_secs(3);
/// The most a scenario may take in all.
pub const LIMIT: Duration = Duration::from_secs(60);

/// The scenario's own bounded waits in progress (a settle, a leak check's retries), so the
/// watchdog does not mistake them for a stall. Each scenario's [`crate::scenario::Ctx`] holds
/// one; no solution can reach it, so nothing a solution calls can switch the watchdog off.
///
/// The end of a wait counts as movement: the watchdog's idle clock starts again there, so a
/// 300 ms hold followed by a moment of quiet (a gate just opened, its workers not yet awake) is
/// not read as 300 ms of standing still.
#[derive(Clone, Default)]
pub(crate) struct Deliberate(Arc<Waits>);

#[derive(Default)]
struct Waits {
    active: AtomicUsize,
    ended: AtomicU64,
}

impl Deliberate {
    /// Marks a deliberate wait for as long as the guard lives.
    pub(crate) fn begin(&self) -> Waiting {
        self.0.active.fetch_add(1, Ordering::SeqCst);
        Waiting(self.0.clone())
    }

    /// Whether the scenario is in a deliberate wait right now.
    pub(crate) fn active(&self) -> bool {
        self.0.active.load(Ordering::SeqCst) > 0
    }

    /// How many deliberate waits have ended: the watchdog counts each end as a movement.
    pub(crate) fn ended(&self) -> u64 {
        self.0.ended.load(Ordering::SeqCst)
    }
}

/// A deliberate wait of the scenario's own, for as long as it lives (see `Deliberate::begin`).
#[must_use = "the wait is deliberate only while the guard lives"]
pub struct Waiting(Arc<Waits>);

impl Drop for Waiting {
    fn drop(&mut self) {
        self.0.ended.fetch_add(1, Ordering::SeqCst);
        self.0.active.fetch_sub(1, Ordering::SeqCst);
    }
}
