//! The real-time windows the suite waits in. Each bounds only how long the suite waits on a pool
//! that is slow, stuck or wrong; none of them can turn a correct pool's verdict, which holds at
//! every instant. Virtual time (tokio's paused clock, turmoil) is for what a solution measures.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// No job event for this long means a held pool has done all it can (a blocked producer, workers
/// at a gate): the moment to look at its queues.
pub const QUIET: Duration = Duration::from_millis(30);
/// How long a pool may take to put its workers to work before the scenario looks anyway; a pool
/// short of workers waits this out and is judged on what it did.
pub const GET_GOING: Duration = Duration::from_millis(500);
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

static DELIBERATE: AtomicUsize = AtomicUsize::new(0);

/// Marks a bounded wait of the scenario's own (a settle, a leak check's retries) for as long as it
/// lives, so the watchdog does not mistake it for a stall.
pub struct Deliberate(());

impl Deliberate {
    pub fn begin() -> Self {
        DELIBERATE.fetch_add(1, Ordering::SeqCst);
        Deliberate(())
    }

    /// Whether some scenario thread is in a deliberate wait right now.
    pub fn active() -> bool {
        DELIBERATE.load(Ordering::SeqCst) > 0
    }
}

impl Drop for Deliberate {
    fn drop(&mut self) {
        DELIBERATE.fetch_sub(1, Ordering::SeqCst);
    }
}
