//! What happened to every job: taken from the source, started, finished, delivered.
//!
//! The ledger is the suite's ground truth. A solution never writes to it directly; the probe
//! ([`crate::probe`]) and the scenario's result sink do, so a solution cannot misreport. Only the
//! harness records takes, starts and finishes, and no type a solution is handed gives the ledger
//! out: the scenario's `Arc<Ledger>` is its capability. From the
//! counters come the checklist's measurable items: peak concurrency (`pool_size`), jobs held
//! taken-but-not-started and results finished-but-unread (`buffer_size`), work after the results
//! stream ended (`close_once`), jobs delivered twice or never (`graceful_shutdown`).

use crate::checklist::Check;
use crate::timing::Deliberate;
use crate::verdict::Failure;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Condvar, Mutex, MutexGuard, OnceLock};
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
    /// The job source has said it has no more jobs (a [`crate::probe::Jobs`] returned `None`).
    pub exhausted: bool,
    /// How many jobs the input holds, where the scenario knows it.
    pub expected: Option<u64>,
    /// Whether the scenario reads results through this ledger ([`Ledger::deliver`]).
    pub delivering: bool,
}

impl Snapshot {
    /// Jobs taken from the source but not started: the jobs queue plus any job in a hand.
    pub fn queued(&self) -> u64 {
        self.taken.saturating_sub(self.started)
    }
    /// Results computed but not yet delivered: the results queue plus any result in a hand.
    pub fn unread(&self) -> u64 {
        match self.delivering {
            true => self.finished.saturating_sub(self.delivered),
            false => 0,
        }
    }

    /// Every job of the input has been done (and read, where the scenario reads results):
    /// nothing is left for the pool but to end its results stream and return.
    pub fn all_done(&self) -> bool {
        let all_taken = self.exhausted || self.expected.is_some_and(|n| self.started >= n);
        all_taken && self.in_flight == 0 && self.started > 0 && self.unread() == 0
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
    /// The OS threads that started a job: the pool's workers, by thread id.
    workers: BTreeSet<u64>,
}

/// The record of one scenario's jobs. Cheap to share: wrap it in an `Arc`.
pub struct Ledger {
    label: String,
    state: Mutex<State>,
    changed: Condvar,
    /// The watching scenario's deliberate-wait marks, set when the scenario registers the ledger.
    watch: OnceLock<Deliberate>,
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
            watch: OnceLock::new(),
        }
    }

    /// The ledger as a scenario registers it: its settles count as the scenario's own waits.
    pub(crate) fn watched_by(self, deliberate: Deliberate) -> Self {
        let _ = self.watch.set(deliberate);
        self
    }

    fn deliberately(&self) -> Option<crate::timing::Waiting> {
        self.watch.get().map(Deliberate::begin)
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
                st.workers.insert(crate::leak::current_tid());
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
                s.delivering = true;
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

    pub(crate) fn take(&self, key: &dyn Fn() -> String) {
        self.record(Event::Take, key)
    }
    pub(crate) fn start(&self, key: &dyn Fn() -> String) {
        self.record(Event::Start, key)
    }
    pub(crate) fn finish(&self, key: &dyn Fn() -> String) {
        self.record(Event::Finish, key)
    }
    /// The scenario's result sink calls this for every result the solution hands over.
    pub fn deliver(&self, key: impl ToString) {
        self.record(Event::Deliver, &|| key.to_string())
    }

    /// The job source is empty: called by [`crate::probe::Jobs`] when it returns `None`.
    pub(crate) fn exhaust(&self) {
        self.lock().snap.exhausted = true;
    }

    /// Tells the ledger how many jobs the input holds, for inputs a solution reads itself (a
    /// tree, a file): a hang with every one of them done is then told from a stuck job.
    pub fn expect(&self, jobs: u64) {
        self.lock().snap.expected = Some(jobs);
    }

    /// Says the scenario reads results through this ledger ([`Ledger::deliver`]) before the first
    /// one arrives, so a pool that hangs before delivering any is seen with results unread.
    pub fn reads_results(&self) {
        self.lock().snap.delivering = true;
    }

    /// The threads that started a job (the pool's workers), by thread id.
    pub fn workers(&self) -> BTreeSet<u64> {
        self.lock().workers.clone()
    }

    /// The "how" of the contract: every key in `expected` went through `probe.run` exactly
    /// once, and no other key did. An exact ledger only.
    pub fn check_keys<'a>(
        &self,
        expected: impl IntoIterator<Item = &'a str>,
        contract: &str,
    ) -> Result<(), Failure> {
        let Some(lives) = self.lives() else {
            return Ok(());
        };
        let mut want: BTreeMap<&str, u32> = BTreeMap::new();
        for k in expected {
            *want.entry(k).or_default() += 1;
        }
        let mut wrong = Vec::new();
        for (k, n) in &want {
            let got = lives.get(*k).map_or(0, |l| l.started);
            if got != *n {
                wrong.push(format!("{k:?} started {got} time(s), want {n}"));
            }
        }
        for (k, l) in &lives {
            if l.started > 0 && !want.contains_key(k.as_str()) {
                wrong.push(format!(
                    "unexpected key {k:?} started {} time(s)",
                    l.started
                ));
            }
        }
        crate::ensure(wrong.is_empty(), || {
            let shown: Vec<_> = wrong.iter().take(6).cloned().collect();
            Failure::new(
                Check::Requirement,
                format!("each job inside exactly one probe.run, keyed {contract}"),
                format!("{} key(s) wrong: {}", wrong.len(), shown.join("; ")),
            )
            .hint(format!(
                "wrap each job's whole work in one probe.run, with the key the contract names: {contract}"
            ))
        })
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

    /// How many events the ledger has seen: it moves whenever the pool does.
    pub(crate) fn version(&self) -> u64 {
        self.lock().version
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
        let _waiting = self.deliberately();
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
        let _waiting = self.deliberately();
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
        l.reads_results();
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
