//! Late starters: a scenario can hold back every thread the solution starts, so a pool whose
//! caller counts its workers from inside the workers ("a wait group added inside the worker",
//! "the last one out closes" before anyone registered) shows its race on every run.
//!
//! Thread start-up lies wholly inside the solution, so the harness takes the one boundary it has:
//! the child binary defines `pthread_create`, which every thread in the process (std's
//! `thread::spawn` and `thread::scope` included) is created through. While a hold is armed, a new
//! thread waits in the harness's trampoline before its first instruction of solution code, until
//! the call under test returns or the hold's time is up, whichever comes first. A correct pool
//! only waits a little longer; one that returns before its workers started is caught returning
//! with work undone, its workers starting after it.
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
/// Whether the trampoline has ever run: proof the interposition is in effect.
static HELD: AtomicU64 = AtomicU64::new(0);

struct Pending {
    start: Start,
    arg: *mut libc::c_void,
    until: Instant,
}

extern "C" fn trampoline(p: *mut libc::c_void) -> *mut libc::c_void {
    // SAFETY: `p` is the box `pthread_create` below leaked for this thread.
    let Pending { start, arg, until } = *unsafe { Box::from_raw(p as *mut Pending) };
    HELD.fetch_add(1, Ordering::SeqCst);
    // Polled, not parked: this runs before the thread's runtime is set up. Real time: the hold
    // is a start-up delay, never part of a verdict's timing.
    while ARMED.load(Ordering::SeqCst) && Instant::now() < until {
        std::thread::sleep(Duration::from_micros(500));
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
    if !ARMED.load(Ordering::SeqCst) {
        // SAFETY: forwarded as received.
        return unsafe { real(thread, attr, start, arg) };
    }
    let until = Instant::now() + MAX_HOLD;
    let pending = Box::into_raw(Box::new(Pending { start, arg, until })) as *mut libc::c_void;
    // SAFETY: forwarded with the trampoline, which takes back `pending`.
    let r = unsafe { real(thread, attr, trampoline, pending) };
    if r != 0 {
        // SAFETY: the thread was not created, so the box is still ours.
        drop(unsafe { Box::from_raw(pending as *mut Pending) });
    }
    r
}

/// The longest a new thread is held: long enough that a caller polling its workers' own count
/// every few milliseconds sees none of them, short enough to cost a correct pool little.
pub const MAX_HOLD: Duration = Duration::from_millis(200);

/// Runs `f` (the call under test) with every thread it starts held at its start until `f`
/// returns or [`MAX_HOLD`] has passed; returns what `f` returned and whether any thread was held
/// (a scenario relying on the hold is not deciding if none was).
pub(crate) fn late_starters<R>(f: impl FnOnce() -> R) -> (R, bool) {
    let before = HELD.load(Ordering::SeqCst);
    ARMED.store(true, Ordering::SeqCst);
    let disarm = Disarm;
    let r = f();
    drop(disarm);
    (r, HELD.load(Ordering::SeqCst) > before)
}

/// Releases every held thread, also when the call under test panics.
struct Disarm;
impl Drop for Disarm {
    fn drop(&mut self) {
        ARMED.store(false, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;
    use std::sync::Arc;

    #[test]
    fn a_thread_started_under_the_hold_runs_after_the_call_returns() {
        let ran = Arc::new(AtomicUsize::new(0));
        let (seen, held) = late_starters(|| {
            let worker = ran.clone();
            let t = std::thread::spawn(move || worker.fetch_add(1, Ordering::SeqCst));
            std::thread::sleep(Duration::from_millis(50));
            (ran.load(Ordering::SeqCst), t)
        });
        assert!(held, "pthread_create is not interposed: the hold never ran");
        assert_eq!(seen.0, 0, "a held thread ran before the call returned");
        seen.1.join().unwrap();
        assert_eq!(ran.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn a_pool_that_joins_its_workers_waits_at_most_the_hold() {
        let began = Instant::now();
        let ((), held) = late_starters(|| {
            std::thread::scope(|s| {
                for _ in 0..4 {
                    s.spawn(|| ());
                }
            })
        });
        assert!(held);
        assert!(began.elapsed() < MAX_HOLD + Duration::from_millis(500));
    }
}
