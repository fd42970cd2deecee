//! Task 18, Goroutine Leak Test, turned around: what decides whether a leak checker meets it.
//!
//! The suite hands the checker pools whose ends it knows. The leaky ones (jobs never closed, a
//! send blocked forever, a panic without recovery, tasks never awaited, a leak that keeps the
//! thread count level, leaked threads named like an older one) leave threads or tasks blocked
//! until the checker has answered; then the suite lets them go. Some clean ones are still winding down when the checker first looks:
//! their last threads end only once it has read the threads after `f` returned, their last tasks
//! once it has read the tasks, so a checker without a grace fails them in every run, not only on
//! a slow machine, and a correct one passes them however loaded the machine is.

use crate::support;
use harness::contracts::task18_leak_check::{Counts, LeakCheck, LeakReport, Look, TASK};
use harness::contracts::Solution;
use harness::probe::Gate;
use harness::scenario::attempted;
use harness::timing::{EXIT_GRACE, WITHIN};
use harness::{ensure, leak, Check, Ctx, Failure, Outcome};
use std::any::Any;
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::mpsc::{channel, sync_channel};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;

/// The grace a leaky pool is checked with: the seed's 50 ms. A leaky pool leaks whatever the
/// grace, so a short one only keeps the suite quick.
const LEAKY_GRACE: Duration = Duration::from_millis(50);
/// The grace a clean pool is checked with: generous, so a correct checker never fails one on a
/// loaded machine (the pools end within microseconds of being let go, and a correct checker
/// returns as soon as they have).
const CLEAN_GRACE: Duration = Duration::from_millis(500);
/// How much longer than its grace a check may take to answer ("never much longer than grace").
const SLACK: Duration = Duration::from_secs(1);

pub fn scenarios() -> Vec<harness::Scenario> {
    vec![
        TASK.scenario("passes_pools_that_end_everything", &[Check::Requirement],
            "beside a task alive throughout, a pool of 3 scoped threads, a pool of 4 tokio tasks awaited, and a pool that ends a thread started before it each pass; so does a run that starts nothing, checked with a zero grace",
            passes_pools_that_end_everything),
        TASK.scenario("passes_pools_still_winding_down", &[Check::Requirement],
            "a pool whose 2 detached workers end only after the checker's first look at the threads, and whose 2 tasks end only after its first look at the tasks: it passes within the grace",
            passes_pools_still_winding_down),
        TASK.scenario("fails_jobs_never_closed", &[Check::Requirement],
            "2 workers blocked forever on a jobs channel nobody closes, beside a flusher that ends during the grace: Err with 2 leaked",
            fails_jobs_never_closed),
        TASK.scenario("fails_a_send_blocked_forever", &[Check::Requirement],
            "2 workers blocked forever sending results nobody reads (the caller stopped after one): Err with 2 leaked",
            fails_a_send_blocked_forever),
        TASK.scenario("fails_a_panic_without_recovery", &[Check::Requirement],
            "a worker panics before its wait-group Done, so the closer waits forever: Err with 1 leaked",
            fails_a_panic_without_recovery),
        TASK.scenario("fails_tasks_never_awaited", &[Check::Requirement],
            "2 tokio tasks spawned, never awaited, blocked forever: Err with 2 leaked",
            fails_tasks_never_awaited),
        TASK.scenario("tells_threads_apart_by_id", &[Check::Requirement],
            "a pool that ends a thread started before it and leaks one of its own (the count level): Err with 1 leaked; a pool leaking 2 threads named like one alive before it: Err with 2 leaked",
            tells_threads_apart_by_id),
        TASK.scenario("answers_within_the_grace", &[Check::Requirement],
            "on a leaky pool, Err soon after the 50 ms grace, never a wait without end; on a clean pool checked with a 500 ms grace, Ok long before it",
            answers_within_the_grace),
        TASK.scenario("leaves_no_thread_of_its_own", &[Check::NoLeaks],
            "after a check of a clean pool, and of a leaky one once its leftovers are let go, every thread the checker started has exited",
            leaves_no_thread_of_its_own),
        TASK.scenario("stretch_names_each_leaked_thread", &[Check::Stretch],
            "the report over each leaky pool has one line per leaked thread, naming it, and one for leaked tasks: no more",
            stretch_names_each_leaked_thread),
        TASK.scenario("the_grace_runs_from_f_returning", &[Check::Requirement],
            "a pool whose f takes 400 ms, checked with a 300 ms grace, whose workers end 100 ms after the first look: it passes (the grace is the caller's and starts when f returns)",
            the_grace_runs_from_f_returning),
    ]
}

/// A pool handed to the checker, and what the suite knows it leaves behind.
struct Pool {
    what: &'static str,
    f: Box<dyn FnOnce() + Send>,
    /// The names of the threads it leaks.
    threads: Vec<&'static str>,
    /// How many tasks it leaks.
    tasks: usize,
}

impl Pool {
    fn leaked(&self) -> usize {
        self.threads.len() + self.tasks
    }
}

/// One check's world: a runtime whose worker is already running, the counts the checker reads
/// (watched, to end the winding-down pools), and what the pools leave blocked until the world
/// ends: dropping it lets every leftover go and waits for the leaked threads to exit.
struct World {
    runtime: tokio::runtime::Handle,
    /// Set once `f` has returned.
    returned: Arc<AtomicBool>,
    /// Opened by the first look at the threads after `f` returned.
    threads_looked: Gate,
    /// Cancelled by the first look at the tasks after `f` returned.
    tasks_looked: CancellationToken,
    /// What keeps the leaky pools' threads and tasks blocked.
    leftovers: Leftovers,
    /// Names of threads to wait for when the world ends.
    leaked: Vec<&'static str>,
    /// Every wait of a world is bounded (the check by its grace and `SLACK`, the end by
    /// `WITHIN`): none is a stall for the watchdog.
    _deliberate: harness::timing::Waiting,
}

impl World {
    fn new(ctx: &Ctx, runtime: &tokio::runtime::Runtime) -> World {
        World {
            _deliberate: ctx.deliberately(),
            runtime: runtime.handle().clone(),
            returned: Default::default(),
            threads_looked: Gate::closed(),
            tasks_looked: CancellationToken::new(),
            leftovers: Default::default(),
            leaked: Vec::new(),
        }
    }

    fn counts(&self) -> Counts {
        let (returned, threads, tasks) = (
            self.returned.clone(),
            self.threads_looked.clone(),
            self.tasks_looked.clone(),
        );
        Counts::watched(Some(self.runtime.clone()), move |look| {
            if returned.load(SeqCst) {
                match look {
                    Look::Threads => threads.open(),
                    Look::Tasks => tasks.cancel(),
                }
            }
        })
    }

    /// Runs the checker on `pool` with `grace`, on a thread of its own, waiting up to `grace` and
    /// [`SLACK`] for its answer.
    fn check(
        &mut self,
        ctx: &Ctx,
        lc: &'static dyn LeakCheck,
        pool: Pool,
        grace: Duration,
    ) -> Result<Result<(), LeakReport>, Failure> {
        ctx.stage(format!("with_leak_check over {}", pool.what));
        self.leaked.extend(&pool.threads);
        let counts = self.counts();
        let (f, returned) = (pool.f, self.returned.clone());
        let f = Box::new(move || {
            f();
            returned.store(true, SeqCst);
        });
        support::promptly(
            ctx,
            Check::Requirement,
            &format!(
                "with_leak_check over {} (grace {} ms)",
                pool.what,
                grace.as_millis()
            ),
            grace + SLACK,
            move || lc.with_leak_check(&counts, grace, f),
        )
    }
}

impl Drop for World {
    fn drop(&mut self) {
        self.leftovers.let_go();
        self.threads_looked.open();
        self.tasks_looked.cancel();
        let leaked = std::mem::take(&mut self.leaked);
        support::within(WITHIN, || {
            leak::threads()
                .iter()
                .all(|(_, name)| !leaked.contains(&name.as_str()))
        });
    }
}

/// What a leaky pool leaves behind to keep its threads and tasks blocked; the world drops it.
#[derive(Clone, Default)]
struct Leftovers(Arc<Mutex<Vec<Box<dyn Any + Send>>>>);

impl Leftovers {
    fn keep(&self, what: impl Any + Send) {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(Box::new(what));
    }

    fn let_go(&self) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }
}

/// The runtime the pools spawn their tasks on: one worker, running before any check, and a task
/// of its own alive throughout (a listener, say), which is no pool's.
fn runtime() -> tokio::runtime::Runtime {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("pool-runtime")
        .enable_all()
        .build()
        .expect("the scenario can start a runtime");
    drop(rt.spawn(std::future::pending::<()>()));
    rt
}

fn named(name: &str, f: impl FnOnce() + Send + 'static) -> thread::JoinHandle<()> {
    thread::Builder::new()
        .name(name.into())
        .spawn(f)
        .expect("the pool can start a thread")
}

/// Clean: 3 scoped workers square 12 numbers and are joined before `f` returns.
fn scoped_threads() -> Pool {
    Pool {
        what: "a pool of 3 scoped worker threads, joined",
        f: Box::new(|| {
            let (tx, rx) = sync_channel::<i64>(2);
            let rx = Mutex::new(rx);
            thread::scope(|s| {
                for w in 0..3 {
                    let rx = &rx;
                    thread::Builder::new()
                        .name(format!("scoped-{w}"))
                        .spawn_scoped(s, move || {
                            while let Ok(n) = rx.lock().unwrap().recv() {
                                std::hint::black_box(n * n);
                            }
                        })
                        .expect("the pool can start a thread");
                }
                for n in 0..12 {
                    tx.send(n).expect("the workers are running");
                }
                drop(tx);
            });
        }),
        threads: vec![],
        tasks: 0,
    }
}

/// Clean, with nothing to wind down: the squares computed on the calling thread. (A thread
/// joined a moment ago may still be listed while the kernel ends it, so only a call that starts
/// none is clean at a first look.)
fn sequential() -> Pool {
    Pool {
        what: "a run that starts no thread or task (the squares on the calling thread)",
        f: Box::new(|| {
            std::hint::black_box((0..12i64).map(|n| n * n).sum::<i64>());
        }),
        threads: vec![],
        tasks: 0,
    }
}

/// Clean: 4 tasks spawned on the runtime and awaited.
fn awaited_tasks(world: &World) -> Pool {
    let rt = world.runtime.clone();
    Pool {
        what: "a pool of 4 tokio tasks, each awaited",
        f: Box::new(move || {
            rt.block_on(async {
                let handles: Vec<_> = (0..4i64)
                    .map(|n| tokio::spawn(async move { n * n }))
                    .collect();
                for h in handles {
                    h.await.expect("the task ran");
                }
            })
        }),
        threads: vec![],
        tasks: 0,
    }
}

/// A thread started before the check, blocked until its sender is dropped; `f` may end it.
struct Bystander {
    stop: std::sync::mpsc::Sender<()>,
    handle: thread::JoinHandle<()>,
}

fn bystander() -> Bystander {
    let (stop, rx) = channel::<()>();
    let handle = named("bystander", move || {
        let _ = rx.recv();
    });
    Bystander { stop, handle }
}

/// Clean: ends a thread that was alive before it, and starts nothing.
fn ends_a_bystander(by: Bystander) -> Pool {
    Pool {
        what: "a pool that ends a thread started before it (the count goes down)",
        f: Box::new(move || {
            drop(by.stop);
            let _ = by.handle.join();
        }),
        threads: vec![],
        tasks: 0,
    }
}

/// Clean, but winding down: 2 detached workers that end only once the checker has looked at the
/// threads after `f`, and 2 tasks that end only once it has looked at the tasks.
fn winding_down(world: &World) -> Pool {
    let (gate, token, rt) = (
        world.threads_looked.clone(),
        world.tasks_looked.clone(),
        world.runtime.clone(),
    );
    Pool {
        what: "a pool whose 2 detached workers and 2 tasks end just after it returns",
        f: Box::new(move || {
            let (results_tx, results) = channel();
            for w in 0..2i64 {
                let (tx, gate) = (results_tx.clone(), gate.clone());
                named(&format!("winding-{w}"), move || {
                    let _ = tx.send(w * w);
                    gate.wait();
                });
            }
            for t in 0..2 {
                let token = token.clone();
                drop(rt.spawn(async move {
                    token.cancelled().await;
                    t
                }));
            }
            drop(results_tx);
            assert_eq!(results.iter().take(2).count(), 2, "both workers answer");
        }),
        threads: vec![],
        tasks: 0,
    }
}

/// Leaky: the jobs channel's sender is never dropped, so 2 workers wait in `recv` forever; a
/// third thread, a flusher, ends just after the checker's first look (so what leaked is what the
/// last look finds, not the first).
fn jobs_never_closed(world: &World) -> Pool {
    let (keep, gate) = (world.leftovers.clone(), world.threads_looked.clone());
    Pool {
        what: "a pool whose jobs channel is never closed",
        f: Box::new(move || {
            let (jobs, rx) = channel::<i64>();
            let (results_tx, results) = channel();
            let rx = Arc::new(Mutex::new(rx));
            for w in 0..2 {
                let (rx, tx) = (rx.clone(), results_tx.clone());
                named(&format!("unclosed-{w}"), move || loop {
                    let job = rx.lock().unwrap_or_else(|p| p.into_inner()).recv();
                    match job {
                        Ok(n) => {
                            let _ = tx.send(n * n);
                        }
                        Err(_) => return,
                    }
                });
            }
            for n in 0..6 {
                jobs.send(n).expect("the workers are running");
            }
            assert_eq!(results.iter().take(6).count(), 6, "every job answered");
            // Not a leak: a flusher that ends just after the checker first looks.
            named("flusher", move || gate.wait());
            // The bug: `jobs` is kept, never dropped (Go's missing close(jobs)).
            keep.keep(jobs);
        }),
        threads: vec!["unclosed-0", "unclosed-1"],
        tasks: 0,
    }
}

/// Leaky: the caller reads one result and returns; 2 workers wait forever to send theirs.
fn send_blocked_forever(world: &World) -> Pool {
    let keep = world.leftovers.clone();
    Pool {
        what: "a pool whose caller stops reading results after the first",
        f: Box::new(move || {
            let (jobs, rx) = sync_channel::<i64>(4);
            let (results_tx, results) = sync_channel::<i64>(0);
            let rx = Arc::new(Mutex::new(rx));
            for n in 0..4 {
                jobs.send(n).expect("the jobs channel has room");
            }
            drop(jobs);
            for w in 0..2 {
                let (rx, tx) = (rx.clone(), results_tx.clone());
                named(&format!("blocked-send-{w}"), move || loop {
                    let job = rx.lock().unwrap_or_else(|p| p.into_inner()).recv();
                    let Ok(n) = job else { return };
                    if tx.send(n * n).is_err() {
                        return;
                    }
                });
            }
            drop(results_tx);
            let _first = results.recv().expect("a worker answers");
            // The bug: the caller returns early; `results` lives on, so every send blocks.
            keep.keep(results);
        }),
        threads: vec!["blocked-send-0", "blocked-send-1"],
        tasks: 0,
    }
}

/// A hand-made wait group (Go's `sync.WaitGroup`).
#[derive(Default)]
struct WaitGroup {
    count: Mutex<usize>,
    zero: Condvar,
}

impl WaitGroup {
    fn done(&self) {
        let mut n = self.count.lock().unwrap_or_else(|p| p.into_inner());
        *n -= 1;
        if *n == 0 {
            self.zero.notify_all();
        }
    }
    fn wait(&self) {
        let n = self.count.lock().unwrap_or_else(|p| p.into_inner());
        drop(self.zero.wait_while(n, |n| *n > 0));
    }
}

/// Lets a wait group's waiters go when dropped (the suite's release, not the pool's).
struct ZeroOnDrop(Arc<WaitGroup>);

impl Drop for ZeroOnDrop {
    fn drop(&mut self) {
        *self.0.count.lock().unwrap_or_else(|p| p.into_inner()) = 0;
        self.0.zero.notify_all();
    }
}

/// Leaky: a worker panics before its `done()` (no Drop guard, Go's missing `defer wg.Done()`),
/// so the closer waiting for the wait group blocks forever.
fn panic_without_recovery(world: &World) -> Pool {
    let keep = world.leftovers.clone();
    Pool {
        what: "a pool whose worker panics before its wait-group done()",
        f: Box::new(move || {
            let wg = Arc::new(WaitGroup::default());
            *wg.count.lock().unwrap() = 2;
            let (results_tx, results) = channel::<i64>();
            let workers: Vec<_> = (0..2i64)
                .map(|w| {
                    let (wg, tx) = (wg.clone(), results_tx.clone());
                    named(&format!("panicky-{w}"), move || {
                        if w == 1 {
                            panic!("a planted panic: task 18's pool that panics without recovery");
                        }
                        let _ = tx.send(w);
                        wg.done();
                    })
                })
                .collect();
            let closer_wg = wg.clone();
            named("wg-closer", move || {
                closer_wg.wait();
                drop(results_tx);
            });
            for w in workers {
                let _ = w.join();
            }
            let _got: Vec<i64> = results.try_iter().collect();
            keep.keep(ZeroOnDrop(wg));
        }),
        threads: vec!["wg-closer"],
        tasks: 0,
    }
}

/// Leaky: 2 tasks spawned and never awaited, each waiting on a sender nobody uses.
fn tasks_never_awaited(world: &World) -> Pool {
    let (keep, rt) = (world.leftovers.clone(), world.runtime.clone());
    Pool {
        what: "a pool of 2 tokio tasks never awaited, blocked forever",
        f: Box::new(move || {
            for _ in 0..2 {
                let (tx, rx) = tokio::sync::oneshot::channel::<()>();
                drop(rt.spawn(async move {
                    let _ = rx.await;
                }));
                keep.keep(tx);
            }
        }),
        threads: vec![],
        tasks: 2,
    }
}

/// Leaky, with the count level: ends a thread started before it and leaks one of its own.
fn leak_with_level_count(world: &World, by: Bystander) -> Pool {
    let keep = world.leftovers.clone();
    Pool {
        what: "a pool that ends a thread started before it and leaks one of its own",
        f: Box::new(move || {
            drop(by.stop);
            let _ = by.handle.join();
            let (tx, rx) = channel::<()>();
            named("replacement", move || {
                let _ = rx.recv();
            });
            keep.keep(tx);
        }),
        threads: vec!["replacement"],
        tasks: 0,
    }
}

/// Leaky, named like a thread alive before it: an earlier pool's worker, `pool-worker`, still
/// runs when this pool starts 2 workers of the same name that it never stops.
fn leak_named_like_an_older_thread(world: &World) -> Pool {
    let keep = world.leftovers.clone();
    let (tx, rx) = channel::<()>();
    named("pool-worker", move || {
        let _ = rx.recv();
    });
    keep.keep(tx);
    Pool {
        what: "a pool whose 2 leaked workers share their name with a thread alive before it",
        f: Box::new(move || {
            for _ in 0..2 {
                let (tx, rx) = channel::<()>();
                named("pool-worker", move || {
                    let _ = rx.recv();
                });
                keep.keep(tx);
            }
        }),
        threads: vec!["pool-worker", "pool-worker"],
        tasks: 0,
    }
}

/// Every leaky pool, each in a world of its own with its `Bystander` where it needs one.
type Leaky = fn(&World) -> Pool;

fn leaky_pools() -> [(&'static str, Leaky); 6] {
    [
        ("jobs never closed", jobs_never_closed),
        ("a send blocked forever", send_blocked_forever),
        ("a panic without recovery", panic_without_recovery),
        ("a leak with the count level", |w| {
            leak_with_level_count(w, bystander())
        }),
        (
            "threads named like an older one",
            leak_named_like_an_older_thread,
        ),
        ("tasks never awaited", tasks_never_awaited),
    ]
}

fn hint_for(pool: &str) -> &'static str {
    match pool {
        p if p.contains("tokio") => "count the tasks too: counts.tasks() before f, and again after it, alongside the threads",
        p if p.contains("ends a thread") => "compare which threads are alive, not how many: keep the ids from counts.threads() before f, and any id after f that is not among them is f's",
        p if p.contains("share their name") => "tell threads apart by id: two threads of one name are two threads, and a name alive before f can be taken by a thread f starts",
        p if p.contains("jobs channel") => "report what the last look found: a thread that ended during the grace (here a flusher) is no leak",
        _ => "take the baseline before f runs, then after f (and the grace) report every thread whose id was not alive before",
    }
}

/// The checker must answer `Err` with exactly `pool.leaked()` leaked.
fn fails_leaky(
    ctx: &Ctx,
    lc: &'static dyn LeakCheck,
    rt: &tokio::runtime::Runtime,
    pool: impl FnOnce(&World) -> Pool,
) -> Result<LeakReport, Failure> {
    let mut world = World::new(ctx, rt);
    let pool = pool(&world);
    let (what, leaked) = (pool.what, pool.leaked());
    let answer = world.check(ctx, lc, pool, LEAKY_GRACE)?;
    match answer {
        Err(report) if report.leaked == leaked => Ok(report),
        r => Err(Failure::new(
            Check::Requirement,
            format!("with_leak_check over {what} answers Err(LeakReport {{ leaked: {leaked}, .. }}): it leaks {leaked}"),
            format!("{r:?}"),
        )
        .hint(hint_for(what))),
    }
}

/// The checker must answer `Ok(())`.
fn passes_clean(
    ctx: &Ctx,
    lc: &'static dyn LeakCheck,
    rt: &tokio::runtime::Runtime,
    grace: Duration,
    pool: impl FnOnce(&World) -> Pool,
) -> Outcome {
    let mut world = World::new(ctx, rt);
    let pool = pool(&world);
    let what = pool.what;
    let answer = world.check(ctx, lc, pool, grace)?;
    ensure(answer.is_ok(), || {
        Failure::new(
            Check::Requirement,
            format!("with_leak_check over {what}, with a grace of {} ms, answers Ok(()): everything it started has ended", grace.as_millis()),
            format!("{answer:?}"),
        )
        .hint(if what.contains("just after") || what.contains("slow") {
            "a pool may still be winding down when f returns: look again every few milliseconds until nothing is left or the grace, counted from f's return, has passed"
        } else if grace.is_zero() {
            "a zero grace still means one look after f returns"
        } else {
            "a thread or task alive before f is not f's, and one that ended is no leak: report only ids alive after f that were not alive before, and tasks over the count before"
        })
    })?;
    Ok(())
}

fn passes_pools_that_end_everything(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let lc = attempted(sol.task18(), TASK)?;
    let rt = runtime();
    passes_clean(ctx, lc, &rt, CLEAN_GRACE, |_| scoped_threads())?;
    passes_clean(ctx, lc, &rt, CLEAN_GRACE, awaited_tasks)?;
    passes_clean(ctx, lc, &rt, CLEAN_GRACE, |_| ends_a_bystander(bystander()))?;
    passes_clean(ctx, lc, &rt, Duration::ZERO, |_| sequential())
}

fn passes_pools_still_winding_down(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let lc = attempted(sol.task18(), TASK)?;
    let rt = runtime();
    passes_clean(ctx, lc, &rt, CLEAN_GRACE, winding_down)
}

/// How long the slow pool's `f` runs, longer than the grace it is checked with; and how long its
/// workers take to end after the checker's first look, longer than the seed's 50 ms.
const SLOW_F: Duration = Duration::from_millis(400);
const SLOW_GRACE: Duration = Duration::from_millis(300);
const SLOW_END: Duration = Duration::from_millis(100);

/// Clean but slow: `f` takes longer than the grace, and its 2 detached workers end a while after
/// the checker's first look at the threads.
fn slow_pool(world: &World) -> Pool {
    let gate = world.threads_looked.clone();
    Pool {
        what: "a slow pool (f takes 400 ms) whose 2 detached workers end 100 ms after the checker first looks",
        f: Box::new(move || {
            for w in 0..2 {
                let gate = gate.clone();
                named(&format!("slow-{w}"), move || {
                    gate.wait();
                    thread::sleep(SLOW_END); // real time: a pool winding down longer than 50 ms
                });
            }
            thread::sleep(SLOW_F); // real time: a pool slower than the grace
        }),
        threads: vec![],
        tasks: 0,
    }
}

fn the_grace_runs_from_f_returning(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let lc = attempted(sol.task18(), TASK)?;
    let rt = runtime();
    passes_clean(ctx, lc, &rt, SLOW_GRACE, slow_pool)
}

/// A scenario of one leaky pool.
fn one_leaky(sol: &'static dyn Solution, ctx: &mut Ctx, pool: Leaky) -> Outcome {
    let lc = attempted(sol.task18(), TASK)?;
    fails_leaky(ctx, lc, &runtime(), pool)?;
    Ok(())
}

fn fails_jobs_never_closed(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    one_leaky(sol, ctx, jobs_never_closed)
}

fn fails_a_send_blocked_forever(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    one_leaky(sol, ctx, send_blocked_forever)
}

fn fails_a_panic_without_recovery(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    one_leaky(sol, ctx, panic_without_recovery)
}

fn fails_tasks_never_awaited(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    one_leaky(sol, ctx, tasks_never_awaited)
}

fn tells_threads_apart_by_id(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let lc = attempted(sol.task18(), TASK)?;
    let rt = runtime();
    fails_leaky(ctx, lc, &rt, |w| leak_with_level_count(w, bystander()))?;
    fails_leaky(ctx, lc, &rt, leak_named_like_an_older_thread)?;
    Ok(())
}

fn answers_within_the_grace(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let lc = attempted(sol.task18(), TASK)?;
    let rt = runtime();
    let mut world = World::new(ctx, &rt);
    let pool = jobs_never_closed(&world);
    let began = Instant::now(); // real time: how long the check took
    let answer = world.check(ctx, lc, pool, LEAKY_GRACE)?;
    let took = began.elapsed(); // real time: how long the check took
    ensure(answer.is_err() && took < LEAKY_GRACE + SLACK, || {
        Failure::new(
            Check::Requirement,
            format!("over a leaky pool, with a grace of {} ms, Err within {} ms", LEAKY_GRACE.as_millis(), (LEAKY_GRACE + SLACK).as_millis()),
            format!("{answer:?} after {} ms", took.as_millis()),
        )
        .hint("stop looking once the grace has passed since f returned: the grace is the caller's, not a constant of the checker's")
    })?;
    drop(world);
    let mut world = World::new(ctx, &rt);
    let pool = scoped_threads();
    let began = Instant::now(); // real time: how long the check took
    let answer = world.check(ctx, lc, pool, CLEAN_GRACE)?;
    let took = began.elapsed(); // real time: how long the check took
    ensure(answer.is_ok() && took < CLEAN_GRACE / 2, || {
        Failure::new(
            Check::Requirement,
            format!("over a pool that ended every thread before it returned, checked with a grace of {} ms, Ok well before the grace ends", CLEAN_GRACE.as_millis()),
            format!("{answer:?} after {} ms", took.as_millis()),
        )
        .hint("the grace is the most to wait: return Ok as soon as a look finds nothing left")
    })?;
    Ok(())
}

/// The threads alive now, by id.
fn ids() -> BTreeSet<u64> {
    leak::threads().into_iter().map(|(id, _)| id).collect()
}

fn leaves_no_thread_of_its_own(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let lc = attempted(sol.task18(), TASK)?;
    let rt = runtime();
    for leaky in [false, true] {
        let before = ids();
        let mut world = World::new(ctx, &rt);
        let pool = if leaky {
            jobs_never_closed(&world)
        } else {
            scoped_threads()
        };
        let what = pool.what;
        // A clean pool's check returns at its first look; a thread timing its grace outlives it
        // by the whole grace, longer than the exit window.
        let grace = if leaky { LEAKY_GRACE } else { 4 * EXIT_GRACE };
        let _answer = world.check(ctx, lc, pool, grace)?;
        drop(world);
        ctx.stage(format!(
            "waiting for the threads of the check over {what} to exit"
        ));
        let settled = {
            let _waiting = ctx.deliberately();
            support::within(EXIT_GRACE, || ids().is_subset(&before))
        };
        ensure(settled, || {
            let left: Vec<String> = leak::threads()
                .into_iter()
                .filter(|(id, _)| !before.contains(id))
                .map(|(id, name)| format!("{name:?} (tid {id})"))
                .collect();
            Failure::new(
                Check::NoLeaks,
                format!("every thread the check over {what} started has exited within {} ms of its answer (and of the pool's leftovers being let go)", EXIT_GRACE.as_millis()),
                format!("still alive: {}", left.join(", ")),
            )
            .hint("a leak checker must not leak: run f on the calling thread, or join any thread you start before you answer")
        })?;
    }
    Ok(())
}

fn stretch_names_each_leaked_thread(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let lc = attempted(sol.task18(), TASK)?;
    let rt = runtime();
    for (name, pool) in leaky_pools() {
        let (mut names, mut tasks) = (vec![], 0);
        let report = fails_leaky(ctx, lc, &rt, |w| {
            let p = pool(w);
            (names, tasks) = (p.threads.clone(), p.tasks);
            p
        })?;
        let lines = names.len() + usize::from(tasks > 0);
        let named = |n: &str| report.what.iter().filter(|line| line.contains(n)).count();
        let missing: Vec<_> = names
            .iter()
            .filter(|n| named(n) < names.iter().filter(|m| m == n).count())
            .collect();
        ensure(missing.is_empty() && report.what.len() == lines, || {
            Failure::new(
                Check::Stretch,
                format!("the report over a pool with {name} has {lines} lines: one naming each thread it leaked {names:?}{}", if tasks > 0 { ", one for its leaked tasks" } else { "" }),
                format!("what = {:?}{}", report.what, if missing.is_empty() { String::new() } else { format!(" ({missing:?} not named)") }),
            )
            .hint("one line per leaked thread, with its name from counts.threads(), and a line for the tasks: only what leaked, not every thread alive")
        })?;
    }
    Ok(())
}
