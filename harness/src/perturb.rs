//! Perturbed schedules: how a race that lies wholly inside a solution (a check-then-act on a
//! counter, an index taken from a shared counter, a wait-group added inside the worker, a "last
//! one out closes" test) is made to show.
//!
//! Inside [`crate::scenario::Ctx::perturbed`]:
//! - the scenario's thread and every thread it starts share one CPU, so a thread that is
//!   preempted stays stopped while another runs;
//! - every one of them gets a high-resolution timer of its own that interrupts it every hundred
//!   microseconds or so with a signal whose handler yields the CPU: preemption lands at any
//!   instruction, not only at the end of a time slice, and the thread stays off the CPU while
//!   another runs.
//!
//! Real-time priorities (a hog that starves newly started workers) were tried and left out: on a
//! machine without real-time throttling they can starve a correct pool, and a verdict must never
//! depend on that.
//!
//! The seed picks the CPU and the period; the kernel still picks the moments, which
//! is why a race scenario runs its pool many times and REPORT.md gives each mutant's catch rate
//! over 20 seeds. Each scenario runs in a process of its own, so none of this touches anything
//! else. The signal is SIGURG, ignored by default (as Go's runtime uses it), so a stray one is
//! harmless.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

extern "C" fn yield_now(_: libc::c_int) {
    // SAFETY: sched_yield is async-signal-safe.
    unsafe { libc::sched_yield() };
}

/// Pins the calling thread to the CPUs in `cpus`.
pub(crate) fn pin(cpus: &[usize]) {
    // SAFETY: plain affinity calls on the calling thread.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        for c in cpus {
            libc::CPU_SET(*c, &mut set);
        }
        libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set);
    }
}

/// The CPUs the calling thread may run on.
pub(crate) fn allowed() -> Vec<usize> {
    // SAFETY: reads the calling thread's affinity.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set);
        (0..libc::CPU_SETSIZE as usize)
            .filter(|c| libc::CPU_ISSET(*c, &set))
            .collect()
    }
}

/// The thread that takes jobs from the source while perturbed (0: none yet, or not perturbed).
static PRODUCER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
/// Job events (takes, starts, finishes, deliveries) seen while the timers ran: how much of the
/// pool's work was perturbed, so a scenario can run until enough was.
static PERTURBED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Job events seen under perturbation so far in this process.
pub(crate) fn perturbed_events() -> u64 {
    PERTURBED.load(Ordering::Relaxed)
}

/// Whether a perturbed section is running.
static ACTIVE: AtomicBool = AtomicBool::new(false);
/// The nice value of every perturbed thread but the producer: above the machine's other work, so
/// other processes' threads on the pool's CPU (a parallel test run, a busy host) rarely run
/// between two of the pool's, where they would separate what the perturbation brings together.
/// (19 was tried: on a loaded machine the other processes' threads then starve the pool, and
/// too little of its work is perturbed to decide; at the default a blind mutant escaped once
/// with two mutants tests running at once.)
pub(crate) const POOL_NICE: libc::c_int = -10;
/// The producer's: above the workers'. Both where the grader may raise priorities, as root;
/// else they stay at the default and the timers alone preempt.
const PRODUCER_NICE: libc::c_int = -20;

pub(crate) fn renice(tid: u64, nice: libc::c_int) {
    if tid == 0 {
        return; // 0 would mean the calling thread
    }
    // SAFETY: sets one thread's nice value; a refusal (no privilege) leaves it as it was.
    unsafe { libc::setpriority(libc::PRIO_PROCESS, tid as libc::id_t, nice) };
}

/// Called by the job source ([`crate::probe::Jobs`]) on every take. While perturbed, the thread
/// that takes jobs (the producer) runs at a higher priority than every other thread of the pool:
/// when a worker's receive frees a slot in a full jobs channel and wakes the blocked producer,
/// the producer preempts that worker at once, between taking its job and whatever it does next
/// (numbering it, counting it). A worker whose next step races another's is then caught with
/// that step not yet taken hundreds of times a run, not by a tick's luck.
pub(crate) fn producer_here() {
    if !ACTIVE.load(Ordering::Relaxed) {
        return;
    }
    let tid = crate::leak::current_tid();
    if PRODUCER.swap(tid, Ordering::SeqCst) != tid {
        renice(tid, PRODUCER_NICE);
        // SAFETY: reads one thread's nice value.
        if unsafe { libc::getpriority(libc::PRIO_PROCESS, tid as libc::id_t) } != PRODUCER_NICE {
            renice(tid, 0);
        }
    }
}

/// How much CPU time the process may spend perturbed in one section; the rest of it runs
/// unperturbed. CPU time, not wall time: on a loaded machine (other scenarios' children beside
/// this one) the pool gets less of its CPU, and a wall-clock budget would perturb fewer of its
/// jobs and catch less; in CPU time it perturbs as many jobs however loaded the machine is.
const BUDGET: Duration = Duration::from_millis(1500);
/// The wall-clock cap beside the budget: a pool that crawls under perturbation on a heavily
/// loaded machine (a thread off the CPU collects its ticks and yields the moment it runs) spends
/// little CPU, and must still never crawl into the scenario's wall-clock limit.
const WALL_CAP: Duration = Duration::from_secs(8);

/// The CPU time the whole process has used.
fn cpu_time() -> Duration {
    // SAFETY: reads a clock into a local.
    unsafe {
        let mut t: libc::timespec = std::mem::zeroed();
        libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut t);
        Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
    }
}

/// Gives every thread of the process not in `spared` a timer of its own that interrupts it
/// every `period` or so (high-resolution, aimed at that thread: the signal lands wherever the
/// thread is when it runs), checking for new threads every millisecond, until `stop`.
///
/// While `progress` stands still for 20 ms the timers are disarmed: a pool that has stopped
/// moving (a hang) must be left asleep, so the watchdog tells a deadlock at once.
fn preempt(
    mut rng: fastrand::Rng,
    period: Duration,
    progress: &dyn Fn() -> u64,
    spared: &Mutex<BTreeSet<u64>>,
    stop: &AtomicBool,
) {
    let mut timers: std::collections::BTreeMap<u64, libc::timer_t> = Default::default();
    let (mut seen, mut still) = (progress(), 0u32);
    let began = std::time::Instant::now(); // real time: the perturbation's wall-clock cap
    let cpu = cpu_time();
    while !stop.load(Ordering::Relaxed) {
        // After its budget the perturbation stops, so a correct pool's verdict never depends on
        // the load (see BUDGET and WALL_CAP).
        let capped = began.elapsed() > WALL_CAP; // real time: the wall cap
        if cpu_time() - cpu > BUDGET || capped {
            break;
        }
        let now = progress();
        still = if now == seen { still + 1 } else { 0 };
        if !timers.is_empty() {
            PERTURBED.fetch_add(now.saturating_sub(seen), Ordering::Relaxed);
        }
        seen = now;
        if still >= 20 {
            for (tid, timer) in std::mem::take(&mut timers) {
                // SAFETY: deletes a timer this thread created.
                unsafe { libc::timer_delete(timer) };
                renice(tid, 0);
            }
            std::thread::sleep(Duration::from_millis(1)); // real time: as below
            continue;
        }
        let spared = spared.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let alive: BTreeSet<u64> = crate::leak::threads().into_iter().map(|(t, _)| t).collect();
        timers.retain(|tid, timer| {
            let keep = alive.contains(tid);
            if !keep {
                // SAFETY: deletes a timer this thread created.
                unsafe { libc::timer_delete(*timer) };
            }
            keep
        });
        for tid in alive.difference(&spared) {
            if timers.contains_key(tid) {
                continue;
            }
            if PRODUCER.load(Ordering::SeqCst) != *tid {
                renice(*tid, POOL_NICE);
            }
            let every = period.as_nanos() as i64 / 2 + rng.i64(0..=period.as_nanos() as i64);
            // SAFETY: a POSIX timer aimed at one thread of this process, with a signal whose
            // handler only yields; deleted when the thread is gone or the perturbation ends.
            unsafe {
                let mut ev: libc::sigevent = std::mem::zeroed();
                ev.sigev_notify = libc::SIGEV_THREAD_ID;
                ev.sigev_signo = libc::SIGURG;
                ev.sigev_notify_thread_id = *tid as libc::c_int;
                let mut timer: libc::timer_t = std::mem::zeroed();
                if libc::timer_create(libc::CLOCK_MONOTONIC, &mut ev, &mut timer) == 0 {
                    let tick = libc::timespec {
                        tv_sec: 0,
                        tv_nsec: every.max(20_000),
                    };
                    let spec = libc::itimerspec {
                        it_interval: tick,
                        it_value: tick,
                    };
                    libc::timer_settime(timer, 0, &spec, std::ptr::null_mut());
                    timers.insert(*tid, timer);
                }
            }
        }
        std::thread::sleep(Duration::from_millis(1)); // real time: how often new threads are armed
    }
    for (tid, timer) in timers {
        // SAFETY: as above.
        unsafe { libc::timer_delete(timer) };
        renice(tid, 0);
    }
}

/// Runs `f` with perturbed schedules (see the module's doc), the CPU, period and bursts drawn
/// from `seed`.
pub(crate) fn run<R>(
    seed: u64,
    period: Duration,
    progress: impl Fn() -> u64 + Send + 'static,
    f: impl FnOnce() -> R,
) -> R {
    let mut rng = fastrand::Rng::with_seed(seed);
    let cpus = allowed();
    let cpu = cpus.get(rng.usize(..cpus.len().max(1))).copied();
    // SAFETY: installs a handler that only yields, for a signal ignored by default.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = yield_now as *const () as usize;
        action.sa_flags = libc::SA_RESTART;
        libc::sigemptyset(&mut action.sa_mask);
        libc::sigaction(libc::SIGURG, &action, std::ptr::null_mut());
    }
    // The threads alive now (but this one) are the harness's: never interrupted.
    let me = crate::leak::current_tid();
    let spared: Arc<Mutex<BTreeSet<u64>>> = Arc::new(Mutex::new(
        crate::leak::threads()
            .into_iter()
            .map(|(tid, _)| tid)
            .filter(|tid| *tid != me)
            .collect(),
    ));
    let stop = Arc::new(AtomicBool::new(false));
    let others: Vec<usize> = cpus.iter().copied().filter(|c| Some(*c) != cpu).collect();
    let preemptor = {
        let (stop, spared, rng) = (stop.clone(), spared.clone(), rng.fork());
        std::thread::Builder::new()
            .name("poolcheck-preempt".into())
            .spawn(move || {
                if !others.is_empty() {
                    pin(&others);
                }
                let tid = crate::leak::current_tid();
                spared.lock().unwrap_or_else(|p| p.into_inner()).insert(tid);
                preempt(rng, period, &progress, &spared, &stop)
            })
    };
    if let Some(c) = cpu {
        pin(&[c]);
    }
    ACTIVE.store(true, Ordering::SeqCst);
    let out = f();
    ACTIVE.store(false, Ordering::SeqCst);
    renice(PRODUCER.swap(0, Ordering::SeqCst), 0);

    stop.store(true, Ordering::Relaxed);
    if let Ok(h) = preemptor {
        let _ = h.join();
    }
    pin(&cpus);
    out
}
