//! Late starters: a scenario can hold back every thread the solution starts, so a pool whose
//! caller counts its workers from inside the workers ("a wait group added inside the worker",
//! "the last one out closes" before anyone registered) shows its race on every run.
//!
//! Thread start-up lies wholly inside the solution, so the harness takes the one boundary it has:
//! the child binary defines `pthread_create`, which every thread in the process (std's
//! `thread::spawn` and `thread::scope` included) is created through. While a hold is armed, a new
//! thread waits in the harness's trampoline before its first instruction of solution code, until
//! the call under test returns, the caller is seen blocked (waiting on the threads it started,
//! which cannot move), or the hold's time is up. A correct pool waits a few milliseconds longer;
//! one that polls for its workers' own count returns before any registered, and is caught with
//! its work done after it returned.
//!
//! A caller may also block on one of the threads it started (a producer it joins before it
//! looks at a count its workers keep): releasing them all at once leaves to chance which runs
//! first. [`Release::NewestFirst`] and [`Release::OldestFirst`] let them go one at a time, the
//! next each time the caller has sat blocked again, so the start order that exposes such a pool
//! is made, not waited for: a producer started after the workers runs alone under the first, one
//! started before them under the second.
//!
//! The symbol is resolved by the static linker ahead of the C library's, and the real function is
//! found with `dlsym(RTLD_NEXT)`. Linux and glibc only, as the rest of the suite.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

type Start = extern "C" fn(*mut libc::c_void) -> *mut libc::c_void;
type Create = unsafe extern "C" fn(
    *mut libc::pthread_t,
    *const libc::pthread_attr_t,
    Start,
    *mut libc::c_void,
) -> libc::c_int;

/// Whether new threads are held now.
static ARMED: AtomicBool = AtomicBool::new(false);
/// Under [`late_starters`], the call's own threads: its caller and every thread they started.
/// Only those are held; another thread of the process (the harness's, or a test's) starts
/// threads as usual, and never takes a place in the start order. Empty: every thread is held.
static CALL: std::sync::Mutex<Vec<u64>> = std::sync::Mutex::new(Vec::new());

fn order() -> std::sync::MutexGuard<'static, (std::collections::BTreeSet<u64>, u64)> {
    ORDER.lock().unwrap_or_else(|p| p.into_inner())
}

fn call_threads() -> std::sync::MutexGuard<'static, Vec<u64>> {
    CALL.lock().unwrap_or_else(|p| p.into_inner())
}

/// Whether a thread `tid` creates now is to be held.
fn holds_threads_of(tid: u64) -> bool {
    if !ARMED.load(Ordering::SeqCst) {
        return false;
    }
    let call = call_threads();
    call.is_empty() || call.contains(&tid)
}
/// Whether the trampoline has ever run: proof the interposition is in effect.
static HELD: AtomicU64 = AtomicU64::new(0);
/// Set while [`late_starters`] lets threads go one by one.
static ONE_BY_ONE: AtomicBool = AtomicBool::new(false);
/// Every thread created under the hold takes the next number: its place in the start order.
static CREATED: AtomicU64 = AtomicU64::new(0);
/// The numbers of the threads held now, and the one let go last one by one (`u64::MAX`: none).
/// A thread leaves the set as it leaves its hold, for whatever reason, under the same lock the
/// watcher picks the next one under: so the one picked is always still held, and its leaving
/// is always seen.
static ORDER: std::sync::Mutex<(std::collections::BTreeSet<u64>, u64)> =
    std::sync::Mutex::new((std::collections::BTreeSet::new(), u64::MAX));
/// The thread id of the last thread let go one by one, [`PENDING`] until it is on its way, 0
/// when none: the next goes only once this one is blocked or gone.
static LAST_GONE: AtomicU64 = AtomicU64::new(0);
const PENDING: u64 = u64::MAX;
/// The longest a thread created now is held, in milliseconds: [`MAX_HOLD`], or [`HOLD_CAP`]
/// under a [`ThreadHold`] the scenario releases itself.
static HOLD_MS: AtomicU64 = AtomicU64::new(MAX_HOLD.as_millis() as u64);

struct Pending {
    start: Start,
    arg: *mut libc::c_void,
    /// Until when, and as which number in the start order, the thread is held; `None` when no
    /// hold was armed at its creation.
    hold: Option<(Instant, u64)>,
}

/// A new thread takes its creator's name until it names itself. One the solution starts from a
/// harness thread (a `poolcheck-stop` calling the pool's `stop`) would pass for the harness's
/// own, which the leak checks leave out: it starts out `unnamed` instead (a harness thread
/// names itself right after, as std's `Builder::name` does).
fn shed_harness_name() {
    let mut name = [0u8; 16];
    // SAFETY: PR_GET_NAME writes at most 16 bytes, NUL included, into `name`.
    unsafe { libc::prctl(libc::PR_GET_NAME, name.as_mut_ptr()) };
    if name.starts_with(b"poolcheck-") {
        // SAFETY: PR_SET_NAME reads a NUL-ended string of at most 16 bytes.
        unsafe { libc::prctl(libc::PR_SET_NAME, c"unnamed".as_ptr()) };
    }
}

extern "C" fn trampoline(p: *mut libc::c_void) -> *mut libc::c_void {
    // SAFETY: `p` is the box `pthread_create` below leaked for this thread.
    let Pending { start, arg, hold } = *unsafe { Box::from_raw(p as *mut Pending) };
    shed_harness_name();
    let Some((until, number)) = hold else {
        return start(arg);
    };
    {
        let mut call = call_threads();
        if !call.is_empty() {
            call.push(crate::leak::current_tid());
        }
    }
    HELD.fetch_add(1, Ordering::SeqCst);
    order().0.insert(number);
    // Polled, not parked: this runs before the thread's runtime is set up.
    loop {
        let due = Instant::now() >= until; // real time: a start-up delay, never a verdict's timing
        let let_go = order().1 == number;
        if due || let_go || !ARMED.load(Ordering::SeqCst) {
            break;
        }
        std::thread::sleep(Duration::from_micros(500)); // real time: the hold's poll
    }
    {
        let mut order = order();
        order.0.remove(&number);
        if order.1 == number {
            LAST_GONE.store(crate::leak::current_tid(), Ordering::SeqCst);
        }
    }
    start(arg)
}

fn real() -> Create {
    static REAL: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    let f = *REAL.get_or_init(|| {
        // SAFETY: looks up the next definition of a C library function by a NUL-ended name.
        let f = unsafe { libc::dlsym(libc::RTLD_NEXT, c"pthread_create".as_ptr()) };
        assert!(
            !f.is_null(),
            "poolcheck: the C library's pthread_create was not found"
        );
        f as usize
    });
    // SAFETY: `f` is the C library's pthread_create, whose type this is.
    unsafe { std::mem::transmute::<usize, Create>(f) }
}

/// Every thread of the process is created here; see the module's doc.
///
/// # Safety
/// As the C library's `pthread_create`.
#[no_mangle]
pub unsafe extern "C" fn pthread_create(
    thread: *mut libc::pthread_t,
    attr: *const libc::pthread_attr_t,
    start: Start,
    arg: *mut libc::c_void,
) -> libc::c_int {
    let real = real();
    let hold = holds_threads_of(crate::leak::current_tid()).then(|| {
        let hold_ms = Duration::from_millis(HOLD_MS.load(Ordering::SeqCst));
        let until = Instant::now() + hold_ms; // real time: the longest a thread is held
        (until, CREATED.fetch_add(1, Ordering::SeqCst))
    });
    let pending = Box::into_raw(Box::new(Pending { start, arg, hold })) as *mut libc::c_void;
    // SAFETY: forwarded with the trampoline, which takes back `pending`.
    let r = unsafe { real(thread, attr, trampoline, pending) };
    if r != 0 {
        // SAFETY: the thread was not created, so the box is still ours.
        drop(unsafe { Box::from_raw(pending as *mut Pending) });
    }
    r
}

/// The longest a new thread is held: long enough that a caller polling its workers' own count
/// sees none of them for many polls, short enough to cost a correct pool little.
pub const MAX_HOLD: Duration = Duration::from_millis(200);

/// How long the caller must sit blocked, without a single wake-up, before the hold ends early:
/// a caller that polls (a timed receive, a sleep loop) wakes far more often than this, and one
/// blocked on its workers (a join, a receive until the channel closes) never wakes at all.
const BLOCKED: Duration = Duration::from_millis(10);

/// One by one, the threads are held with no time limit of their own ([`HOLD_CAP`]): a loaded
/// machine may take long over the sequence, and a thread let go by its clock would race the
/// order. Instead, everything is let go once the caller has gone to sleep this many times in one
/// stage without sitting blocked (it polls), or a stage has lasted [`STAGE_LIMIT`] (it spins).
const POLLS: u64 = 20;
const STAGE_LIMIT: Duration = Duration::from_secs(1);

/// How the threads held by [`late_starters`] are let go once the caller sits blocked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Release {
    /// All at once.
    AllAtOnce,
    /// The last one started first, then the one before it each time the caller has sat blocked
    /// again for [`BLOCKED`].
    NewestFirst,
    /// The first one started first, then the next, the same way.
    OldestFirst,
}

/// Runs `f` (the call under test) with every thread it starts held at its start until `f`
/// returns, the calling thread has sat blocked for [`BLOCKED`] (waiting on its workers, which
/// cannot move until released; then they go in the `release` order) or [`MAX_HOLD`] has passed
/// (one by one: or the caller is seen polling or spinning, see [`POLLS`]);
/// returns what `f` returned and whether any thread was held (a scenario relying on the hold is
/// not deciding if none was).
pub(crate) fn late_starters<R>(release: Release, f: impl FnOnce() -> R) -> (R, bool) {
    let before = HELD.load(Ordering::SeqCst);
    let first = CREATED.load(Ordering::SeqCst);
    let caller = crate::leak::current_tid();
    let done = std::sync::Arc::new(AtomicBool::new(false));
    // Started before the hold is armed, so it is not held itself; it begins watching once the
    // hold is armed (had it looked before, it would have seen no hold and left, and the threads
    // would have waited out their clock).
    let (armed, go) = std::sync::mpsc::channel::<()>();
    let watcher = {
        let done = done.clone();
        std::thread::Builder::new()
            .name("poolcheck-startup".into())
            .spawn(move || {
                if go.recv().is_ok() {
                    release_when_blocked(caller, &done, release, first)
                }
            })
            .ok()
    };
    *call_threads() = vec![caller];
    if release != Release::AllAtOnce {
        HOLD_MS.store(HOLD_CAP.as_millis() as u64, Ordering::SeqCst);
        ONE_BY_ONE.store(true, Ordering::SeqCst);
    }
    ARMED.store(true, Ordering::SeqCst);
    let _ = armed.send(());
    let disarm = Disarm;
    let r = f();
    drop(disarm);
    done.store(true, Ordering::SeqCst);
    if let Some(w) = watcher {
        let _ = w.join();
    }
    order().1 = u64::MAX;
    (r, HELD.load(Ordering::SeqCst) > before)
}

/// Lets the held threads go each time `caller` has been asleep with no context switch for
/// [`BLOCKED`]: all of them, or (one by one) the next in the `release` order, `first` being the
/// number of the first thread created under this hold. One by one, the next goes only once the
/// last one let go is blocked or gone too, however long a loaded machine takes to run it: the
/// order is the schedule, not a race.
fn release_when_blocked(caller: u64, done: &AtomicBool, release: Release, first: u64) {
    let status = format!("/proc/self/task/{caller}/status");
    let mut last: Option<(u64, Instant)> = None;
    // One by one: the caller's own sleeps, and when, since the last thread let go settled.
    let mut stage: Option<(u64, Instant)> = None;
    LAST_GONE.store(0, Ordering::SeqCst);
    while !done.load(Ordering::SeqCst) && ARMED.load(Ordering::SeqCst) {
        if !settled() {
            last = None;
            stage = None;
            std::thread::sleep(Duration::from_micros(500)); // real time: as below
            continue;
        }
        let Some((asleep, switches, voluntary)) =
            std::fs::read_to_string(&status).ok().map(|s| parse(&s))
        else {
            return;
        };
        let now = Instant::now(); // real time: how long the caller has been blocked
        if release != Release::AllAtOnce {
            let (slept, since) = *stage.get_or_insert((voluntary, now));
            if voluntary.saturating_sub(slept) > POLLS || now - since > STAGE_LIMIT {
                // A caller that polls, or spins, is never seen blocked: let everything go.
                ARMED.store(false, Ordering::SeqCst);
                return;
            }
        }
        last = match last {
            Some((seen, since)) if asleep && seen == switches => {
                if now - since >= BLOCKED {
                    match release {
                        Release::AllAtOnce => {
                            ARMED.store(false, Ordering::SeqCst);
                            return;
                        }
                        Release::NewestFirst | Release::OldestFirst => {
                            let mut order = order();
                            let mut ours = order.0.range(first..);
                            let next = match release {
                                Release::NewestFirst => ours.next_back(),
                                _ => ours.next(),
                            };
                            if let Some(&n) = next {
                                LAST_GONE.store(PENDING, Ordering::SeqCst);
                                order.1 = n;
                            }
                        }
                    }
                    None // the caller must sit blocked again before the next goes
                } else {
                    Some((seen, since))
                }
            }
            _ => asleep.then_some((switches, now)),
        };
        std::thread::sleep(Duration::from_micros(500)); // real time: as above
    }
}

/// Whether threads are being let go one by one and some are still held: the watchdog's idle
/// clock stands still meanwhile (a held thread sleeps at its start, as a deadlocked one would,
/// and a loaded machine may take longer over the sequence than the watchdog's deadlock window).
/// Bounded: a caller that polls or spins gets everything at once ([`POLLS`], [`STAGE_LIMIT`]).
pub(crate) fn letting_go_one_by_one() -> bool {
    ONE_BY_ONE.load(Ordering::SeqCst) && ARMED.load(Ordering::SeqCst) && !order().0.is_empty()
}

/// Whether the thread let go last is blocked or gone (or none was); one still on its way out of
/// its hold is not.
fn settled() -> bool {
    match LAST_GONE.load(Ordering::SeqCst) {
        0 => true,
        PENDING => false,
        tid => crate::leak::state(tid).is_none_or(|s| s == 'S'),
    }
}

/// Whether a thread's `/proc` status says it is asleep, its context switches so far, and how
/// many of them were its own (it went to sleep).
fn parse(status: &str) -> (bool, u64, u64) {
    let mut asleep = false;
    let (mut switches, mut voluntary) = (0, 0);
    for line in status.lines() {
        if let Some(state) = line.strip_prefix("State:") {
            asleep = state.trim_start().starts_with('S');
        } else if let Some(n) = line.strip_prefix("voluntary_ctxt_switches:") {
            voluntary = n.trim().parse::<u64>().unwrap_or(0);
            switches += voluntary;
        } else if let Some(n) = line.strip_prefix("nonvoluntary_ctxt_switches:") {
            switches += n.trim().parse::<u64>().unwrap_or(0);
        }
    }
    (asleep, switches, voluntary)
}

/// The longest a [`ThreadHold`] holds a thread, should the scenario never release it.
pub const HOLD_CAP: Duration = Duration::from_secs(5);

/// Every thread started while this lives waits at its start until [`ThreadHold::release`] (or
/// the drop, or [`HOLD_CAP`]): how a scenario puts a task between its spawn and its first
/// instruction while something else happens (a failure the task must see before it starts its
/// job). Unlike [`late_starters`], nothing but the scenario ends the hold.
pub struct ThreadHold {
    before: u64,
}

impl ThreadHold {
    pub(crate) fn arm() -> Self {
        HOLD_MS.store(HOLD_CAP.as_millis() as u64, Ordering::SeqCst);
        ARMED.store(true, Ordering::SeqCst);
        ThreadHold {
            before: HELD.load(Ordering::SeqCst),
        }
    }

    /// How many threads have reached their start since the hold was armed.
    pub fn held(&self) -> u64 {
        HELD.load(Ordering::SeqCst) - self.before
    }

    /// Lets every held thread go.
    pub fn release(self) {}
}

impl Drop for ThreadHold {
    fn drop(&mut self) {
        ARMED.store(false, Ordering::SeqCst);
        HOLD_MS.store(MAX_HOLD.as_millis() as u64, Ordering::SeqCst);
    }
}

/// Releases every held thread, also when the call under test panics.
struct Disarm;
impl Drop for Disarm {
    fn drop(&mut self) {
        ARMED.store(false, Ordering::SeqCst);
        ONE_BY_ONE.store(false, Ordering::SeqCst);
        HOLD_MS.store(MAX_HOLD.as_millis() as u64, Ordering::SeqCst);
        call_threads().clear();
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;
    use std::sync::Arc;

    pub(crate) fn a_thread_started_under_a_polling_caller_runs_after_the_call_returns() {
        let ran = Arc::new(AtomicUsize::new(0));
        let (seen, held) = late_starters(Release::AllAtOnce, || {
            let worker = ran.clone();
            let t = std::thread::spawn(move || worker.fetch_add(1, Ordering::SeqCst));
            // A caller that polls, as a wait-group kept inside the workers does.
            for _ in 0..50 {
                std::thread::sleep(Duration::from_millis(1)); // real time: a caller's poll
            }
            (ran.load(Ordering::SeqCst), t)
        });
        assert!(held, "pthread_create is not interposed: the hold never ran");
        assert_eq!(seen.0, 0, "a held thread ran before the call returned");
        seen.1.join().unwrap();
        assert_eq!(ran.load(Ordering::SeqCst), 1);
    }

    pub(crate) fn a_pool_that_joins_its_workers_is_released_early() {
        let began = Instant::now(); // real time: how long the hold lasted
        let ((), held) = late_starters(Release::AllAtOnce, || {
            std::thread::scope(|s| {
                for _ in 0..4 {
                    s.spawn(|| ());
                }
            })
        });
        assert!(held);
        assert!(
            began.elapsed() < MAX_HOLD / 2, // real time: as above
            "a caller blocked on its workers releases them early"
        );
    }

    /// A caller that joins the thread it started last, then looks at what the others did: under
    /// `NewestFirst` that thread runs alone; under `OldestFirst`, the one started first does.
    pub(crate) fn one_by_one_lets_the_thread_the_caller_waits_on_run_alone() {
        for (release, waited) in [(Release::NewestFirst, 3), (Release::OldestFirst, 0)] {
            let ran = Arc::new(AtomicUsize::new(0));
            let (others_ran, held) = late_starters(release, || {
                let mut threads: Vec<_> = (0..4)
                    .map(|i| {
                        let ran = ran.clone();
                        std::thread::spawn(move || {
                            if i != waited {
                                ran.fetch_add(1, Ordering::SeqCst);
                            }
                        })
                    })
                    .collect();
                threads.remove(waited).join().unwrap();
                let seen = ran.load(Ordering::SeqCst);
                threads.into_iter().for_each(|t| t.join().unwrap());
                seen
            });
            assert!(held);
            assert_eq!(others_ran, 0, "{release:?}: another thread ran first");
            assert_eq!(ran.load(Ordering::SeqCst), 3);
        }
    }
}
