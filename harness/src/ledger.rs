//! What happened to every job: taken from the source, started, finished, delivered.
//!
//! The ledger is the suite's ground truth. A solution never writes to it directly; the probe
//! ([`crate::probe`]) and the scenario's result sink do, so a solution cannot misreport. From the
//! counters come the checklist's measurable items: peak concurrency (`pool_size`), jobs held
//! taken-but-not-started and results finished-but-unread (`buffer_size`), work after the results
//! stream ended (`close_once`), jobs delivered twice or never (`graceful_shutdown`).

use crate::timing::Deliberate;
use std::collections::BTreeMap;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// One job's life, by how many times each event happened (1 each is the only healthy answer).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Life {
    pub taken: u32,
    pub started: u32,
    pub finished: u32,
    pub delivered: u32,
}

/// Counters at one instant.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Snapshot {
    pub taken: u64,
    pub started: u64,
    pub finished: u64,
    pub delivered: u64,
    /// Jobs between start and finish right now.
    pub in_flight: u64,
    /// The most jobs ever between start and finish at once: the concurrency the pool really used.
    pub peak_in_flight: u64,
    /// Events seen after [`Ledger::close`]: work done after the results stream had ended.
    pub after_close: Vec<String>,
    pub closed: bool,
}

impl Snapshot {
    /// Jobs taken from the source but not started: the jobs queue plus any job in a hand.
    pub fn queued(&self) -> u64 {
        self.taken.saturating_sub(self.started)
    }
    /// Results computed but not yet delivered: the results queue plus any result in a hand.
    pub fn unread(&self) -> u64 {
        self.finished.saturating_sub(self.delivered)
    }
}

#[derive(Default)]
struct State {
    snap: Snapshot,
    /// Per-job lives, kept only when the ledger is exact (large inputs count without them).
    lives: Option<BTreeMap<String, Life>>,
    /// Bumped on every event: the watchdog and `settle` read progress from it.
    version: u64,
    last_event: Option<Instant>,
}

/// The record of one scenario's jobs. Cheap to share: wrap it in an `Arc`.
pub struct Ledger {
    label: String,
    state: Mutex<State>,
    changed: Condvar,
}

#[derive(Clone, Copy)]
enum Event {
    Take,
    Start,
    Finish,
    Deliver,
}

impl Ledger {
    /// A ledger that remembers every job by key, for exact once-and-only-once verdicts.
    pub fn exact(label: impl Into<String>) -> Self {
        Self::with_lives(label, Some(BTreeMap::new()))
    }

    /// A ledger that only counts, for inputs too large to remember job by job.
    pub fn counting(label: impl Into<String>) -> Self {
        Self::with_lives(label, None)
    }

    fn with_lives(label: impl Into<String>, lives: Option<BTreeMap<String, Life>>) -> Self {
        Ledger {
            label: label.into(),
            state: Mutex::new(State {
                lives,
                ..State::default()
            }),
            changed: Condvar::new(),
        }
    }

    pub fn label(&self) -> &str {
        &self.label
    }

    pub fn is_exact(&self) -> bool {
        self.lock().lives.is_some()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic elsewhere (a panicking job) must not hide the record of what happened.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn record(&self, event: Event, key: &dyn Fn() -> String) {
        let mut st = self.lock();
        let st = &mut *st;
        let s = &mut st.snap;
        let name = match event {
            Event::Take => {
                s.taken += 1;
                "taken"
            }
            Event::Start => {
                s.started += 1;
                s.in_flight += 1;
                s.peak_in_flight = s.peak_in_flight.max(s.in_flight);
                "started"
            }
            Event::Finish => {
                s.finished += 1;
                s.in_flight = s.in_flight.saturating_sub(1);
                "finished"
            }
            Event::Deliver => {
                s.delivered += 1;
                "delivered"
            }
        };
        if s.closed && s.after_close.len() < 16 {
            s.after_close.push(format!("job {} {name}", key()));
        }
        if let Some(lives) = &mut st.lives {
            let life = lives.entry(key()).or_default();
            match event {
                Event::Take => life.taken += 1,
                Event::Start => life.started += 1,
                Event::Finish => life.finished += 1,
                Event::Deliver => life.delivered += 1,
            }
        }
        st.version += 1;
        st.last_event = Some(Instant::now()); // real time: progress stamp for the watchdog
        self.changed.notify_all();
    }

    pub fn take(&self, key: &dyn Fn() -> String) {
        self.record(Event::Take, key)
    }
    pub fn start(&self, key: &dyn Fn() -> String) {
        self.record(Event::Start, key)
    }
    pub fn finish(&self, key: &dyn Fn() -> String) {
        self.record(Event::Finish, key)
    }
    /// The scenario's result sink calls this for every result the solution hands over.
    pub fn deliver(&self, key: impl ToString) {
        self.record(Event::Deliver, &|| key.to_string())
    }

    /// The results stream has ended (the solution returned): anything after this is a defect.
    pub fn close(&self) {
        self.lock().snap.closed = true;
    }

    pub fn snapshot(&self) -> Snapshot {
        self.lock().snap.clone()
    }

    /// Every job's life, by key, if this ledger is exact.
    pub fn lives(&self) -> Option<BTreeMap<String, Life>> {
        self.lock().lives.clone()
    }

    /// Keys of jobs started and not finished: what a stuck pool is stuck on.
    pub fn stuck(&self) -> Vec<String> {
        let st = self.lock();
        st.lives
            .iter()
            .flatten()
            .filter(|(_, l)| l.started > l.finished)
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// How long since the last event, if any happened.
    pub fn quiet_for(&self) -> Option<Duration> {
        self.lock().last_event.map(|t| t.elapsed())
    }

    /// Waits until no event has happened for `quiet`, so the pool has done all it can do before
    /// the scenario looks (a blocked producer, workers held at a gate). Gives up after `within`.
    ///
    /// Real time here decides only how far a buggy pool gets before the snapshot; a correct pool
    /// satisfies every bound at every instant, so its verdict does not depend on this timing.
    pub fn settle(&self, quiet: Duration, within: Duration) -> Snapshot {
        let _waiting = Deliberate::begin();
        let deadline = Instant::now() + within; // real time: settle window, see above
        let mut st = self.lock();
        loop {
            let seen = st.version;
            let (next, timeout) = self
                .changed
                .wait_timeout(st, quiet)
                .unwrap_or_else(|p| p.into_inner());
            st = next;
            let expired = Instant::now() >= deadline; // real time: settle window
            if (timeout.timed_out() && st.version == seen) || expired {
                return st.snap.clone();
            }
        }
    }

    /// Waits until `ready` holds for the counters, or `within` passes; returns the last snapshot.
    pub fn wait_for(&self, within: Duration, ready: impl Fn(&Snapshot) -> bool) -> Snapshot {
        let _waiting = Deliberate::begin();
        let deadline = Instant::now() + within; // real time: bounded wait for the pool to get going
        let mut st = self.lock();
        while !ready(&st.snap) {
            let left = deadline.saturating_duration_since(Instant::now()); // real time: as above
            if left.is_zero() {
                break;
            }
            st = self
                .changed
                .wait_timeout(st, left)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
        st.snap.clone()
    }

    /// One line for a watchdog report: where the jobs stood when the scenario stopped moving.
    pub fn describe(&self) -> String {
        let s = self.snapshot();
        let stuck = self.stuck();
        let mut line = format!(
            "{}: taken {}, started {}, finished {}, delivered {}, in flight {}",
            self.label, s.taken, s.started, s.finished, s.delivered, s.in_flight
        );
        if !stuck.is_empty() {
            let shown: Vec<_> = stuck.iter().take(8).cloned().collect();
            line += &format!(" (stuck in job {})", shown.join(", "));
        }
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(k: &'static str) -> impl Fn() -> String {
        move || k.to_string()
    }

    #[test]
    fn counts_peaks_and_queues() {
        let l = Ledger::exact("t");
        l.take(&key("a"));
        l.take(&key("b"));
        l.start(&key("a"));
        l.start(&key("b"));
        l.finish(&key("a"));
        let s = l.snapshot();
        assert_eq!(
            (s.queued(), s.in_flight, s.peak_in_flight, s.unread()),
            (0, 1, 2, 1)
        );
        assert_eq!(l.stuck(), vec!["b".to_string()]);
        l.deliver("a");
        l.deliver("a");
        assert_eq!(
            l.lives().unwrap()["a"].delivered,
            2,
            "a double delivery is on record"
        );
    }

    #[test]
    fn events_after_close_are_recorded() {
        let l = Ledger::exact("t");
        l.close();
        l.finish(&key("late"));
        assert_eq!(
            l.snapshot().after_close,
            vec!["job late finished".to_string()]
        );
    }

    #[test]
    fn counting_ledger_keeps_no_lives() {
        let l = Ledger::counting("t");
        l.start(&|| unreachable!("a counting ledger never names a job"));
        assert!(l.lives().is_none());
    }
}
