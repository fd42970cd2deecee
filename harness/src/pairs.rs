//! Paired finishes: how a race between two workers finishing together (a total kept with a
//! separate load and store, a "last one out closes" counter) is made to show every run.
//!
//! Around a probe's jobs ([`Pairs::around`]), workers leave `probe.run` two at a time, at two
//! instants a seeded offset apart: the second of a pair to arrive sets the instants a little
//! ahead, and both spin until theirs. Two workers that then load and store one shared word
//! collide when one loads it while the other's store is still on its way: an offset of the
//! order of a cache-line transfer, plus whatever the solution does between the job's end and
//! the store (a result send that wakes the consumer costs microseconds, and its jitter then
//! decides more than the offset). A steady share of the pairs collide, and a scenario runs
//! until enough pairs met.
//!
//! What keeps the pairs real on a busy machine:
//! - each job starts on the next of the allowed CPUs in turn, so two jobs started one after
//!   the other (a pair, usually) run on two CPUs, and the first to finish never spins while its
//!   partner waits behind it on the same CPU;
//! - the pool's threads run at nice -10 (as root): the scenario's thread is raised when it makes
//!   the pairs, and the threads the pool starts inherit it (a thread that pairs without it is
//!   raised when it first arrives). Not a real-time priority, which would let a buggy pool that
//!   spins starve the watchdog;
//! - a pair counts as met only when both left within [`ON_TIME`] of their instants; each worker
//!   writes only its own cache line, and the pairs are counted after the run, so counting adds
//!   nothing between leaving and the solution's next instructions.

use crate::probe::{JobKey, Probe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long, in nanoseconds, a worker waits for its partner before going on alone: long enough
/// for a partner still taking, reading and finishing its job, or a worker thread still starting
/// on a loaded machine, to arrive (a few microseconds paired too few).
const PARTNER_WAIT: u64 = 3_000_000;
/// How late after its instant a worker may leave, in nanoseconds, and still count as leaving
/// with its partner.
pub const ON_TIME: u64 = 100;
/// How far ahead of now a pair's instants are set: long enough for the first of the pair to see
/// them, short enough to cost nothing.
const PAIR_LEAD: u64 = 2_000;

/// A cache line of its own, so two workers writing their own slots do not queue for one line.
#[repr(align(128))]
#[derive(Default)]
struct Padded(AtomicU64);

/// Workers leaving a job two at a time (see the module). Made by [`crate::Ctx::pairs`].
pub struct Pairs {
    base: Instant,
    arrived: AtomicU64,
    at: Vec<AtomicU64>,
    late: Vec<[Padded; 2]>,
    offset: Vec<i64>,
    started: AtomicU64,
    cpus: Vec<usize>,
}

impl Pairs {
    /// `rounds` pairs, the second of each leaving a seeded offset within `spread` of the first,
    /// either one first.
    pub(crate) fn new(rng: &mut fastrand::Rng, rounds: usize, spread: Duration) -> Arc<Self> {
        raise_this_thread();
        let spread = spread.as_nanos() as i64;
        Arc::new(Pairs {
            base: Instant::now(), // real time: the instants pairs meet at, see `now`
            arrived: AtomicU64::new(0),
            at: (0..rounds).map(|_| AtomicU64::new(0)).collect(),
            late: (0..rounds).map(|_| Default::default()).collect(),
            offset: (0..rounds).map(|_| rng.i64(-spread..=spread)).collect(),
            started: AtomicU64::new(0),
            cpus: crate::perturb::allowed(),
        })
    }

    /// Nanoseconds since `base`.
    fn now(&self) -> u64 {
        // real time: the instant two workers leave at; it only lines up two threads and decides
        // nothing about a correct pool, which is exact whatever the timing.
        let elapsed = self.base.elapsed();
        elapsed.as_nanos() as u64
    }

    /// `probe` with the pairs around each job: the n-th job to finish leaves with the (n±1)-th,
    /// and each job starts on the next of the CPUs in turn, so two jobs started one after the
    /// other (a pair, usually) run on two CPUs and neither waits for its partner behind itself.
    pub fn around<K: JobKey + 'static>(self: &Arc<Self>, probe: Probe<K>) -> Probe<K> {
        let (start, leave) = (self.clone(), self.clone());
        probe
            .with_hook(move |_| start.start())
            .with_after(move |_| leave.leave())
    }

    fn start(&self) {
        if self.cpus.len() > 1 {
            let n = self.started.fetch_add(1, Ordering::Relaxed) as usize;
            crate::perturb::pin(&[self.cpus[n % self.cpus.len()]]);
        }
    }

    fn leave(&self) {
        raise_this_thread();
        let me = self.arrived.fetch_add(1, Ordering::SeqCst);
        let round = (me / 2) as usize % self.at.len();
        let side = (me % 2) as usize;
        let at = if side == 1 {
            let t = self.now() + PAIR_LEAD;
            self.at[round].store(t, Ordering::SeqCst);
            t
        } else {
            // Spins, never yields: the partner is on the other CPU finishing its job, and this
            // worker must still be on its own CPU when the partner arrives.
            let give_up = self.now() + PARTNER_WAIT;
            while self.at[round].load(Ordering::SeqCst) == 0 && self.now() < give_up {
                std::hint::spin_loop();
            }
            match self.at[round].load(Ordering::SeqCst) {
                0 => return,
                t => t,
            }
        };
        let offset = self.offset[round];
        let later = (offset > 0) == (side == 1);
        let leave = at + if later { offset.unsigned_abs() } else { 0 };
        let mut left = self.now();
        while left < leave {
            std::hint::spin_loop();
            left = self.now();
        }
        self.late[round][side]
            .0
            .store(left - leave + 1, Ordering::Relaxed);
    }

    /// The pairs whose two workers both left on time.
    pub fn met(&self) -> u64 {
        let on_time = |slot: &Padded| (1..=ON_TIME).contains(&slot.0.load(Ordering::Relaxed));
        self.late
            .iter()
            .filter(|[a, b]| on_time(a) && on_time(b))
            .count() as u64
    }
}

/// Raises the calling thread to the pool's nice value under perturbation, once per thread (where the
/// grader may, as root; elsewhere it stays at the default).
fn raise_this_thread() {
    thread_local!(static DONE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) });
    if !DONE.with(|d| d.replace(true)) {
        crate::perturb::renice(crate::leak::current_tid(), crate::perturb::POOL_NICE);
    }
}
