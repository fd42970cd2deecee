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
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
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

/// What only a lock can keep: per-job lives (exact ledgers), the workers, the late events.
#[derive(Default)]
struct Slow {
    /// Per-job lives, kept only when the ledger is exact (large inputs count without them).
    lives: Option<BTreeMap<String, Life>>,
    /// The OS threads that started a job: the pool's workers, by thread id.
    workers: BTreeSet<u64>,
    /// Events after [`Ledger::close`], the first few.
    after_close: Vec<String>,
}

/// The record of one scenario's jobs. Cheap to share: wrap it in an `Arc`.
///
/// Built for the cost budget of a probe that runs around every job: an event on a counting
/// ledger is one atomic addition (and a few reads), with no lock, no clock read and no wake-up
/// unless a scenario is waiting on the ledger; progress is the sum of the counters, the jobs in
/// flight the started less the finished. The lock is taken only to keep an exact ledger's per-job
/// lives, the first time a thread starts a job, and for events after the close.
pub struct Ledger {
    label: String,
    /// Unique per ledger: how a thread remembers it has registered as a worker here.
    id: u64,
    exact: bool,
    taken: AtomicU64,
    started: AtomicU64,
    finished: AtomicU64,
    delivered: AtomicU64,
    peak_in_flight: AtomicU64,
    closed: AtomicBool,
    exhausted: AtomicBool,
    delivering: AtomicBool,
    /// `u64::MAX` until the scenario says how many jobs the input holds.
    expected: AtomicU64,
    slow: Mutex<Slow>,
    /// Scenarios blocked in [`Ledger::wait_for`]: events wake them only when there are some.
    waiters: AtomicUsize,
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

std::thread_local! {
    /// The ledger this thread last registered with as a worker (by id): registering takes the
    /// lock, so a worker does it once, not on every job.
    static REGISTERED: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
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
        static IDS: AtomicU64 = AtomicU64::new(1);
        Ledger {
            label: label.into(),
            id: IDS.fetch_add(1, Ordering::Relaxed),
            exact: lives.is_some(),
            taken: AtomicU64::new(0),
            started: AtomicU64::new(0),
            finished: AtomicU64::new(0),
            delivered: AtomicU64::new(0),
            peak_in_flight: AtomicU64::new(0),
            closed: AtomicBool::new(false),
            exhausted: AtomicBool::new(false),
            delivering: AtomicBool::new(false),
            expected: AtomicU64::new(u64::MAX),
            slow: Mutex::new(Slow {
                lives,
                ..Slow::default()
            }),
            waiters: AtomicUsize::new(0),
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
        self.exact
    }

    fn lock(&self) -> MutexGuard<'_, Slow> {
        // A panic elsewhere (a panicking job) must not hide the record of what happened.
        self.slow.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn record(&self, event: Event, key: &dyn Fn() -> String) {
        const ONE: Ordering = Ordering::SeqCst;
        let name = match event {
            Event::Take => {
                self.taken.fetch_add(1, ONE);
                "taken"
            }
            Event::Start => {
                self.register_worker();
                let started = self.started.fetch_add(1, ONE) + 1;
                // Finishes read after this start: never more than were in flight at that read,
                // so the peak is never overstated (and exact while workers are held).
                let now = started.saturating_sub(self.finished.load(ONE));
                if now > self.peak_in_flight.load(ONE) {
                    self.peak_in_flight.fetch_max(now, ONE);
                }
                "started"
            }
            Event::Finish => {
                self.finished.fetch_add(1, ONE);
                "finished"
            }
            Event::Deliver => {
                if !self.delivering.load(ONE) {
                    self.delivering.store(true, ONE);
                }
                self.delivered.fetch_add(1, ONE);
                "delivered"
            }
        };
        let late = self.closed.load(ONE);
        if self.exact || late {
            let mut slow = self.lock();
            if late && slow.after_close.len() < 16 {
                slow.after_close.push(format!("job {} {name}", key()));
            }
            if let Some(lives) = &mut slow.lives {
                let life = lives.entry(key()).or_default();
                match event {
                    Event::Take => life.taken += 1,
                    Event::Start => life.started += 1,
                    Event::Finish => life.finished += 1,
                    Event::Deliver => life.delivered += 1,
                }
            }
        }
        self.wake();
    }

    /// Wakes the scenario's waits, if any: the waiter counts itself before it reads the counters
    /// and the event counted before it reads the waiters (both sequentially consistent), so a
    /// waiter either sees the event or is woken by it.
    fn wake(&self) {
        if self.waiters.load(Ordering::SeqCst) > 0 {
            let _slow = self.lock();
            self.changed.notify_all();
        }
    }

    fn register_worker(&self) {
        if REGISTERED.with(|r| r.replace(self.id)) != self.id {
            self.lock().workers.insert(crate::leak::current_tid());
        }
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
        self.exhausted.store(true, Ordering::SeqCst);
        self.wake();
    }

    /// Tells the ledger how many jobs the input holds, for inputs a solution reads itself (a
    /// tree, a file): a hang with every one of them done is then told from a stuck job.
    pub fn expect(&self, jobs: u64) {
        self.expected.store(jobs, Ordering::SeqCst);
    }

    /// Says the scenario reads results through this ledger ([`Ledger::deliver`]) before the first
    /// one arrives, so a pool that hangs before delivering any is seen with results unread.
    pub fn reads_results(&self) {
        self.delivering.store(true, Ordering::SeqCst);
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
        self.closed.store(true, Ordering::SeqCst);
    }

    /// The counters now. Read from the last event of a job's life to the first (delivered before
    /// finished before started before taken), so a snapshot taken while the pool runs never
    /// shows a later stage ahead of an earlier one.
    pub fn snapshot(&self) -> Snapshot {
        self.snapshot_with(&self.lock())
    }

    fn snapshot_with(&self, slow: &Slow) -> Snapshot {
        const ONE: Ordering = Ordering::SeqCst;
        let delivered = self.delivered.load(ONE);
        let finished = self.finished.load(ONE);
        let started = self.started.load(ONE);
        let taken = self.taken.load(ONE);
        let expected = self.expected.load(ONE);
        Snapshot {
            taken,
            started,
            finished,
            delivered,
            in_flight: started.saturating_sub(finished),
            peak_in_flight: self.peak_in_flight.load(ONE),
            after_close: slow.after_close.clone(),
            closed: self.closed.load(ONE),
            exhausted: self.exhausted.load(ONE),
            expected: (expected != u64::MAX).then_some(expected),
            delivering: self.delivering.load(ONE),
        }
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
        const ONE: Ordering = Ordering::SeqCst;
        self.delivered.load(ONE)
            + self.finished.load(ONE)
            + self.started.load(ONE)
            + self.taken.load(ONE)
    }

    /// Waits until no event has happened for `quiet`, so the pool has done all it can do before
    /// the scenario looks (a blocked producer, workers held at a gate). Gives up after `within`.
    ///
    /// Real time here decides only how far a buggy pool gets before the snapshot; a correct pool
    /// satisfies every bound at every instant, so its verdict does not depend on this timing.
    pub fn settle(&self, quiet: Duration, within: Duration) -> Snapshot {
        let _waiting = self.deliberately();
        let deadline = Instant::now() + within; // real time: settle window, see above
        loop {
            let seen = self.version();
            std::thread::sleep(quiet); // real time: the quiet window
            let expired = Instant::now() >= deadline; // real time: settle window
            if self.version() == seen || expired {
                return self.snapshot();
            }
        }
    }

    /// Waits until `ready` holds for the counters, or `within` passes; returns the last snapshot.
    pub fn wait_for(&self, within: Duration, ready: impl Fn(&Snapshot) -> bool) -> Snapshot {
        let _waiting = self.deliberately();
        let deadline = Instant::now() + within; // real time: bounded wait for the pool to get going
        self.waiters.fetch_add(1, Ordering::SeqCst);
        let mut slow = self.lock();
        let snap = loop {
            let snap = self.snapshot_with(&slow);
            let left = deadline.saturating_duration_since(Instant::now()); // real time: as above
            if ready(&snap) || left.is_zero() {
                break snap;
            }
            slow = self
                .changed
                .wait_timeout(slow, left)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        };
        drop(slow);
        self.waiters.fetch_sub(1, Ordering::SeqCst);
        snap
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
