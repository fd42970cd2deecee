//! Time as the harness supplies it. A solution that reports durations reads this clock, never the
//! system's, so a scenario can make elapsed time exact: it moves the clock itself.
//! Async pools (later tasks) run on tokio's paused clock instead; this is the clock of the
//! thread-based tasks.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// A monotonic clock: time since an arbitrary, fixed origin.
pub trait Clock: Send + Sync {
    fn now(&self) -> Duration;
}

/// The real monotonic clock, for running a solution outside the suite.
pub struct SystemClock(std::time::Instant);

impl Default for SystemClock {
    fn default() -> Self {
        SystemClock(std::time::Instant::now()) // real time: this is the real clock, by design
    }
}

impl Clock for SystemClock {
    fn now(&self) -> Duration {
        self.0.elapsed()
    }
}

/// A clock that moves only when the scenario moves it.
#[derive(Default)]
pub struct ManualClock {
    nanos: AtomicU64,
}

impl ManualClock {
    pub fn advance(&self, by: Duration) {
        self.nanos.fetch_add(by.as_nanos() as u64, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Duration {
        Duration::from_nanos(self.nanos.load(Ordering::SeqCst))
    }
}
