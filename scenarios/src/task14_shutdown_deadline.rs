//! Task 14, Shutdown with Deadline: the scenarios.
//!
//! Every order is made, not waited for: the jobs work until a `done` signal the scenario fires,
//! and the deadline is a signal the scenario fires too, so "the deadline fires with four jobs in
//! flight and two queued" is an exact state. Each job records what it did (ran, completed,
//! cancelled), so the answer of `stop` and the stretch's metric are judged against the truth.

use crate::support::{self, apart_from_cpus};
use harness::contracts::task14_shutdown_deadline::{
    DeadlinePool, Job, ShutdownDeadline, ShutdownTimeout, Stopped, TASK,
};
use harness::contracts::{PoolConfig, PoolError, Solution};
use harness::ledger::Ledger;
use harness::probe::Probe;
use harness::scenario::attempted;
use harness::signal::Signal;
use harness::timing::{EXIT_GRACE, GET_GOING, HOLD_LAST, QUIET, WITHIN};
use harness::{ensure, leak, Check, Ctx, Failure, Outcome};
use std::sync::atomic::{AtomicU64, Ordering::SeqCst};
use std::sync::Arc;
use std::thread::JoinHandle;

/// Workers and queue apart, neither the CPU count.
fn cfg() -> PoolConfig {
    PoolConfig {
        workers: apart_from_cpus(3, 4),
        jobs_buffer: apart_from_cpus(2, 5),
        results_buffer: 1,
    }
}

/// Another: more queue than workers.
fn other() -> PoolConfig {
    PoolConfig {
        workers: apart_from_cpus(2, 5),
        jobs_buffer: apart_from_cpus(6, 7),
        results_buffer: 1,
    }
}

pub fn scenarios() -> Vec<harness::Scenario> {
    #[rustfmt::skip]
    let list = vec![
        TASK.scenario("stop_drains_every_accepted_job", &[Check::GracefulShutdown, Check::AllJoined, Check::NoLeaks, Check::Requirement, Check::CtxHonored],
            "with the workers busy and the queue full, stop waits (asleep, not polling) for every job, each run once inside probe.run keyed by its id, returns Ok once they are done, and leaves no thread behind",
            stop_drains_every_accepted_job),
        TASK.scenario("a_deadline_first_cancels_the_jobs_in_flight", &[Check::CtxHonored, Check::Requirement, Check::AllJoined, Check::NoLeaks],
            "the deadline fires while stop waits on held jobs: the jobs in flight are cancelled, no queued job starts, the workers exit, and stop answers ShutdownTimeout",
            a_deadline_first_cancels_the_jobs_in_flight),
        TASK.scenario("a_deadline_already_fired_cancels_at_once", &[Check::CtxHonored, Check::Requirement],
            "stop with a deadline that has already fired: held jobs are cancelled at once and the answer is ShutdownTimeout; with nothing left to do it is Ok",
            a_deadline_already_fired_cancels_at_once),
        TASK.scenario("an_uninterruptible_job_finishes_and_the_queue_is_left", &[Check::CtxHonored, Check::Requirement],
            "the deadline fires while the workers are in jobs that cannot be interrupted: they finish them, start nothing queued, and stop answers ShutdownTimeout for the jobs left",
            an_uninterruptible_job_finishes_and_the_queue_is_left),
        TASK.scenario("the_answer_is_what_the_jobs_did", &[Check::Requirement],
            "every job completed, then the deadline fired (before stop, or after it returned): Ok, and nothing changes",
            the_answer_is_what_the_jobs_did),
        TASK.scenario("stop_twice_and_submit_after_stop", &[Check::CloseOnce, Check::GracefulShutdown, Check::Requirement],
            "a second stop while the first drains waits for it, and both and a later one return its answer without a panic; a submit while stop drains or after it gets Stopped and its job never runs",
            stop_twice_and_submit_after_stop),
        TASK.scenario("runs_the_configured_workers_and_queue", &[Check::PoolSize, Check::BufferSize, Check::CtxHonored],
            "with every job held, exactly cfg.workers run at once and exactly cfg.jobs_buffer more are accepted before a submit waits, for three configs (one with no queue); a deadline firing while a submit waits ends both stop and the submit",
            runs_the_configured_workers_and_queue),
        TASK.scenario("zero_workers_is_refused", &[Check::GracefulShutdown],
            "zero workers gets PoolError::ZeroWorkers, not a pool that never runs its jobs",
            zero_workers_is_refused),
        TASK.scenario("the_drain_racing_the_deadline", &[Check::Requirement],
            "the last jobs finish at the same instant as the deadline fires, 150 rounds, some under perturbed schedules: stop answers Ok exactly when every job completed, each job ran once",
            the_drain_racing_the_deadline).races(),
        TASK.scenario("submits_racing_stop", &[Check::GracefulShutdown],
            "a thread submitting jobs and one calling stop start at the same instant, 150 rounds, some under perturbed schedules: no panic, every accepted job runs once, a refused one never",
            submits_racing_stop).races(),
        TASK.scenario("stretch_cancelled_mid_process_is_exact", &[Check::Stretch],
            "the metric counts exactly the jobs in flight when the deadline fired: not those completed before, not those still queued",
            stretch_cancelled_mid_process_is_exact),
    ];
    list
}

/// A started pool and the ledger its probe writes to.
struct Running {
    pool: Arc<dyn DeadlinePool>,
    ledger: Arc<Ledger>,
}

fn started(ts: &dyn ShutdownDeadline, ctx: &Ctx, cfg: PoolConfig) -> Result<Running, Failure> {
    let ledger = ctx.ledger("jobs");
    let pool = ts.start(cfg, Probe::new(ledger.clone())).map_err(|e| {
        Failure::new(
            Check::Requirement,
            format!("start({cfg:?}) returns a pool"),
            format!("Err({e:?})"),
        )
    })?;
    Ok(Running {
        pool: Arc::from(pool),
        ledger,
    })
}

/// Fires its signal when dropped: held jobs are let go however the scenario ends.
struct FireOnDrop(Signal);

impl Drop for FireOnDrop {
    fn drop(&mut self) {
        self.0.fire();
    }
}

/// `n` jobs numbered from `first`, each working until `done` fires.
fn held(first: u64, n: usize, done: &Signal) -> Vec<Job> {
    (first..first + n as u64)
        .map(|id| Job::until(id, done))
        .collect()
}

/// Submits every job; each must be accepted at once (the pool has room for it).
fn submit_all(ctx: &Ctx, run: &Running, jobs: &[Job], check: Check) -> Result<(), Failure> {
    for job in jobs {
        let (pool, job) = (run.pool.clone(), job.clone());
        let id = job.id;
        let r = support::promptly(ctx, check, &format!("submit(job {id}) with room in the pool"), GET_GOING, move || pool.submit(job))
            .map_err(|f| f.hint("a submit with a worker free or room in the queue returns at once: workers each take a job as soon as they are idle, and the queue holds cfg.jobs_buffer"))?;
        ensure(r.is_ok(), || {
            Failure::new(
                check,
                format!("submit(job {id}) before stop: Ok"),
                format!("{r:?}"),
            )
        })?;
    }
    Ok(())
}

/// The workers have taken the first `n` of `jobs` and are inside them, within their brackets.
fn in_flight(run: &Running, jobs: &[Job], n: usize) -> Result<(), Failure> {
    let s = run.ledger.wait_for(GET_GOING, |s| s.in_flight >= n as u64);
    let s = if s.in_flight >= n as u64 {
        run.ledger.settle(QUIET, WITHIN)
    } else {
        s
    };
    let outside: usize = jobs.iter().map(Job::runs_outside_bracket).sum();
    ensure(outside == 0, || {
        Failure::new(
            Check::Requirement,
            "every job's run happens inside its probe.run(job.id, || job.run(&cancel))",
            format!(
                "{outside} run(s) happened outside probe.run ({} in flight inside it)",
                s.in_flight
            ),
        )
        .hint("call job.run inside the closure you hand probe.run, not before it")
    })?;
    support::deciding(
        Check::PoolSize,
        s.in_flight == n as u64,
        &format!("{n} jobs in flight"),
        &format!("{} in flight", s.in_flight),
    )
}

type Answer = std::thread::Result<Result<(), ShutdownTimeout>>;

/// A `stop` called on a thread of the harness's own, and that thread's id.
struct Stopping {
    call: JoinHandle<Answer>,
    tid: Arc<AtomicU64>,
}

/// `stop(deadline)` on a thread of the harness's own; the ledger closes when it returns, so a
/// job that starts or ends after that shows.
fn stop_in_background(run: &Running, deadline: &Signal) -> Stopping {
    let (pool, ledger, deadline) = (run.pool.clone(), run.ledger.clone(), deadline.clone());
    let tid = Arc::new(AtomicU64::new(0));
    let t = tid.clone();
    let call = std::thread::Builder::new()
        .name("poolcheck-stop".into())
        .spawn(move || {
            t.store(leak::current_tid(), SeqCst);
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| pool.stop(&deadline)));
            ledger.close();
            r
        })
        .expect("the scenario can start a thread");
    Stopping { call, tid }
}

/// How often the thread calling `stop` went to sleep over [`HOLD_LAST`] while nothing happened
/// (jobs held, the deadline not fired): a stop blocked on its workers sleeps once and stays
/// asleep; one that polls wakes on every tick.
fn stop_wakeups(ctx: &Ctx, stop: &Stopping) -> u64 {
    let _waiting = ctx.deliberately();
    support::within(GET_GOING, || stop.tid.load(SeqCst) != 0);
    std::thread::sleep(QUIET); // real time: stop settles into its wait
    let tid = stop.tid.load(SeqCst);
    let before = leak::sleeps(tid);
    std::thread::sleep(HOLD_LAST); // real time: a window in which nothing happens
    match (before, leak::sleeps(tid)) {
        (Some(a), Some(b)) => b.saturating_sub(a),
        _ => 0,
    }
}

/// Waits up to `within` for `stop` to answer: one that does not, or panics, fails under `check`.
fn answer(
    ctx: &Ctx,
    stop: Stopping,
    within: std::time::Duration,
    check: Check,
    when: &str,
) -> Result<Result<(), ShutdownTimeout>, Failure> {
    let done = {
        let _waiting = ctx.deliberately();
        support::within(within, || stop.call.is_finished())
    };
    ensure(done, || {
        Failure::new(
            check,
            format!("stop returns {when}"),
            format!("it had not returned after {} ms", within.as_millis()),
        )
    })?;
    stop.call
        .join()
        .unwrap_or_else(Err)
        .map_err(|p| {
            Failure::new(
                Check::CloseOnce,
                format!("stop returns {when}, never panics"),
                format!("it panicked: {}", support::panic_message(&*p)),
            )
            .hint("close the jobs queue once: keep its sender in a Mutex<Option<..>> and take() it, so a second stop finds None")
        })
}

/// Whether `stop` returned within [`HOLD_LAST`], while it should still be waiting.
fn returned_early(ctx: &Ctx, stop: &Stopping) -> bool {
    let _waiting = ctx.deliberately();
    support::within(HOLD_LAST, || stop.call.is_finished())
}

/// `stop(deadline)` called with the workers held inside their jobs: it must still be waiting
/// [`HOLD_LAST`] later.
fn stop_while_held(ctx: &Ctx, run: &Running, deadline: &Signal) -> Result<Stopping, Failure> {
    let stop = stop_in_background(run, deadline);
    not_joined(
        returned_early(ctx, &stop),
        "its workers were held inside their jobs",
        run,
    )?;
    Ok(stop)
}

/// No job of `queued` was started: the workers left the queue once the pool's cancel fired.
fn none_started(queued: &[Job], expected: &str, hint: &str) -> Result<(), Failure> {
    let started: Vec<u64> = queued
        .iter()
        .filter(|j| j.runs().0 > 0)
        .map(|j| j.id)
        .collect();
    ensure(started.is_empty(), || {
        Failure::new(
            Check::CtxHonored,
            expected,
            format!(
                "queued jobs {} were started after the deadline fired",
                ids(&started)
            ),
        )
        .hint(hint)
    })
}

/// `stop` returned while the workers were still inside jobs: it did not wait for them.
fn not_joined(early: bool, while_: &str, run: &Running) -> Result<(), Failure> {
    ensure(!early, || {
        Failure::new(
            Check::AllJoined,
            format!("stop returns only once every worker has exited: not while {while_}"),
            format!("it returned while {while_} ({})", run.ledger.describe()),
        )
        .hint("after closing the jobs queue (and, on the deadline, firing the cancel), join every worker's JoinHandle before returning")
    })
}

/// What each job did: (ran, completed, cancelled), with the ids of those not as `want` says.
fn each(jobs: &[Job], want: (usize, usize, usize)) -> Vec<u64> {
    jobs.iter()
        .filter(|j| j.runs() != want)
        .map(|j| j.id)
        .collect()
}

fn ids(v: &[u64]) -> String {
    v.iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn stop_drains_every_accepted_job(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let ts = attempted(sol.task14(), TASK)?;
    let cfg = cfg();
    let before = leak::Baseline::now();
    let run = started(ts, ctx, cfg)?;
    let done = Signal::new();
    let _let_go = FireOnDrop(done.clone());
    // Ids that are not positions, submitted out of order: only the job's own id keys its run.
    let mut jobs = held(1_000, cfg.workers + cfg.jobs_buffer, &done);
    ctx.rng.shuffle(&mut jobs);
    ctx.stage("filling the pool with held jobs");
    submit_all(ctx, &run, &jobs, Check::BufferSize)?;
    in_flight(&run, &jobs, cfg.workers)?;
    ctx.stage("stop with the workers busy and the queue full; the deadline never fires");
    let deadline = Signal::new();
    let stop = stop_in_background(&run, &deadline);
    let wakeups = stop_wakeups(ctx, &stop);
    let early = stop.call.is_finished();
    done.fire();
    let r = answer(
        ctx,
        stop,
        WITHIN,
        Check::GracefulShutdown,
        "once the held jobs are let go",
    )?;
    let wrong = each(&jobs, (1, 1, 0));
    ensure(wrong.is_empty(), || {
        Failure::new(
            Check::GracefulShutdown,
            format!("every one of the {} accepted jobs runs once and completes", jobs.len()),
            format!("jobs {} did not (ran, completed, cancelled): {:?}", ids(&wrong), jobs.iter().find(|j| wrong.contains(&j.id)).map(|j| j.runs())),
        )
        .hint("stop closes the queue and lets the workers drain it: a worker leaves only when the queue is closed and empty (`for job in rx`), never on a stop flag while jobs wait")
    })?;
    not_joined(early, "its workers were held inside their jobs", &run)?;
    let keys: Vec<String> = jobs.iter().map(|j| j.id.to_string()).collect();
    run.ledger
        .check_keys(keys.iter().map(String::as_str), "by job.id")?;
    ensure(wakeups < 2, || {
        Failure::new(
            Check::CtxHonored,
            "stop sleeps until the drain ends or the deadline fires, as Go's select does",
            format!("its thread woke {wakeups} times in {} ms while nothing happened: it polls the deadline on a timer, so a cancel comes up to a tick late", HOLD_LAST.as_millis()),
        )
        .hint("let the deadline fire the cancel itself (deadline.after_fire(move || cancel.fire())) and just join the workers: no loop, no sleep")
    })?;
    ensure(r == Ok(()), || {
        Failure::new(
            Check::GracefulShutdown,
            "stop answers Ok when every accepted job completed",
            format!("{r:?}"),
        )
    })?;
    support::nothing_after_return(&run.ledger.settle(QUIET, WITHIN))?;
    drop(run);
    Ok(before.settled(ctx, EXIT_GRACE, Check::NoLeaks)?)
}

fn a_deadline_first_cancels_the_jobs_in_flight(
    sol: &'static dyn Solution,
    ctx: &mut Ctx,
) -> Outcome {
    let ts = attempted(sol.task14(), TASK)?;
    let cfg = cfg();
    let before = leak::Baseline::now();
    let run = started(ts, ctx, cfg)?;
    let (done, wound_down) = (Signal::new(), Signal::new());
    let _let_go = (FireOnDrop(done.clone()), FireOnDrop(wound_down.clone()));
    let jobs: Vec<Job> = (1..=(cfg.workers + cfg.jobs_buffer) as u64)
        .map(|id| Job::until_winding_down(id, &done, &wound_down))
        .collect();
    ctx.stage("filling the pool with held jobs");
    submit_all(ctx, &run, &jobs, Check::BufferSize)?;
    in_flight(&run, &jobs, cfg.workers)?;
    let (running, queued) = jobs.split_at(cfg.workers);
    ctx.stage("stop, then the deadline fires while every worker is held");
    let deadline = Signal::new();
    let stop = stop_while_held(ctx, &run, &deadline)?;
    ctx.stage("the deadline fired; the cancelled jobs winding down");
    deadline.fire();
    let left_early = returned_early(ctx, &stop);
    wound_down.fire();
    let r = answer(ctx, stop, GET_GOING, Check::CtxHonored, "soon after the deadline fired, with jobs still held")
        .map_err(|f| f.hint("when the deadline fires, fire the pool's own cancel signal (deadline.after_fire(move || cancel.fire())), and pass that signal to every job.run: the jobs in flight end, and the workers exit"))?;
    run.ledger.wait_for(GET_GOING, |s| s.in_flight == 0);
    let not_cancelled = each(running, (1, 0, 1));
    ensure(not_cancelled.is_empty(), || {
        Failure::new(
            Check::CtxHonored,
            "the jobs in flight when the deadline fired are cancelled (their run returns Err(Cancelled))",
            format!("jobs {} were not", ids(&not_cancelled)),
        )
        .hint("give job.run the pool's cancel signal, the one stop fires on the deadline")
    })?;
    none_started(
        queued,
        "no worker starts a queued job once the pool's cancel has fired",
        "a worker looks at the cancel signal after taking a job and before running it, and leaves if it has fired",
    )?;
    ensure(r == Err(ShutdownTimeout), || {
        Failure::new(
            Check::Requirement,
            "stop answers Err(ShutdownTimeout) when the deadline fired before the drain was done",
            format!("{r:?}"),
        )
    })?;
    not_joined(
        left_early,
        "the cancelled jobs were still winding down",
        &run,
    )?;
    ctx.stage("letting the held jobs go after stop returned");
    done.fire();
    let after = run.ledger.settle(QUIET, WITHIN);
    support::nothing_after_return(&after)?;
    let late = jobs
        .iter()
        .filter(|j| j.runs().1 > 0)
        .map(|j| j.id)
        .collect::<Vec<_>>();
    ensure(late.is_empty(), || {
        Failure::new(
            Check::AllJoined,
            "stop returns only once every worker has exited: nothing runs after it",
            format!("jobs {} completed after stop returned", ids(&late)),
        )
        .hint("join every worker after firing the cancel, then return")
    })?;
    drop(run);
    Ok(before.settled(ctx, EXIT_GRACE, Check::NoLeaks)?)
}

fn a_deadline_already_fired_cancels_at_once(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let ts = attempted(sol.task14(), TASK)?;
    let cfg = other();
    let run = started(ts, ctx, cfg)?;
    let done = Signal::new();
    let _let_go = FireOnDrop(done.clone());
    let jobs = held(1, cfg.workers, &done);
    submit_all(ctx, &run, &jobs, Check::PoolSize)?;
    in_flight(&run, &jobs, cfg.workers)?;
    ctx.stage("stop with a deadline that has already fired, jobs held");
    let deadline = Signal::new();
    deadline.fire();
    let stop = stop_in_background(&run, &deadline);
    let r = answer(ctx, stop, GET_GOING, Check::CtxHonored, "at once when the deadline has already fired")
        .map_err(|f| f.hint("a deadline that fired before stop was called must still cancel: after_fire runs its callback at once on a fired signal; a wait for the deadline's next change never comes"))?;
    let not_cancelled = each(&jobs, (1, 0, 1));
    ensure(
        not_cancelled.is_empty() && r == Err(ShutdownTimeout),
        || {
            Failure::new(
            Check::CtxHonored,
            "with the deadline already fired, the held jobs are cancelled and stop answers Err(ShutdownTimeout)",
            format!("{r:?}; jobs {} were not cancelled", ids(&not_cancelled)),
        )
        },
    )?;
    ctx.stage("stop on a fresh pool with nothing submitted and the deadline already fired");
    let empty = started(ts, ctx, cfg)?;
    let stop = stop_in_background(&empty, &deadline);
    let r = answer(
        ctx,
        stop,
        GET_GOING,
        Check::Requirement,
        "with nothing submitted",
    )?;
    ensure(r == Ok(()), || {
        Failure::new(
            Check::Requirement,
            "stop answers Ok when every accepted job completed, here none: the deadline cancelled nothing",
            format!("{r:?}"),
        )
        .hint("decide the answer from what happened to the jobs (every accepted one completed), not from whether the deadline has fired")
    })?;
    Ok(())
}

fn the_answer_is_what_the_jobs_did(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let ts = attempted(sol.task14(), TASK)?;
    let cfg = cfg();
    for fired_before_stop in [false, true] {
        let run = started(ts, ctx, cfg)?;
        let jobs: Vec<Job> = (1..=cfg.workers as u64 * 3).map(Job::quick).collect();
        ctx.stage(format!(
            "{} quick jobs done, the deadline fired {}",
            jobs.len(),
            if fired_before_stop {
                "before stop"
            } else {
                "after stop returned"
            }
        ));
        for job in &jobs {
            let (pool, job) = (run.pool.clone(), job.clone());
            support::promptly(ctx, Check::Requirement, "submit", WITHIN, move || {
                pool.submit(job)
            })?
            .map_err(|e| {
                Failure::new(
                    Check::Requirement,
                    "submit before stop: Ok",
                    format!("Err({e:?})"),
                )
            })?;
        }
        let s = run
            .ledger
            .wait_for(WITHIN, |s| s.finished >= jobs.len() as u64);
        support::deciding(
            Check::Requirement,
            s.finished == jobs.len() as u64,
            "every quick job done before stop",
            &run.ledger.describe(),
        )?;
        let deadline = Signal::new();
        if fired_before_stop {
            deadline.fire();
        }
        let r = answer(
            ctx,
            stop_in_background(&run, &deadline),
            WITHIN,
            Check::Requirement,
            "with every job done",
        )?;
        deadline.fire();
        let metric = run.pool.cancelled_mid_process();
        let wrong = each(&jobs, (1, 1, 0));
        ensure(r == Ok(()) && wrong.is_empty(), || {
            Failure::new(
                Check::Requirement,
                format!(
                    "every job completed, so stop answers Ok, the deadline fired {} notwithstanding",
                    if fired_before_stop { "before it" } else { "after it" }
                ),
                format!("{r:?}; jobs not run exactly once to completion: [{}]", ids(&wrong)),
            )
            .hint("Err(ShutdownTimeout) means the deadline cut the drain short; if every accepted job completed, the shutdown did not time out, whenever the deadline fired")
        })?;
        ensure(matches!(metric, None | Some(0)), || {
            Failure::new(
                Check::Stretch,
                "no job was cancelled, so the metric stays 0, also after the deadline fired",
                format!("{metric:?}"),
            )
        })?;
    }
    Ok(())
}

fn stop_twice_and_submit_after_stop(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let ts = attempted(sol.task14(), TASK)?;
    let cfg = cfg();
    let run = started(ts, ctx, cfg)?;
    let done = Signal::new();
    let _let_go = FireOnDrop(done.clone());
    let jobs = held(1, cfg.workers, &done);
    submit_all(ctx, &run, &jobs, Check::PoolSize)?;
    in_flight(&run, &jobs, cfg.workers)?;
    ctx.stage("a stop, then a second one, while the jobs are held");
    let deadline = Signal::new();
    let first = stop_while_held(ctx, &run, &deadline)?;
    let second = stop_in_background(&run, &Signal::new());
    let early = returned_early(ctx, &second);
    ctx.stage("a submit while stop drains");
    let during = Job::quick(998);
    let (pool, job) = (run.pool.clone(), during.clone());
    let refused = support::promptly(ctx, Check::GracefulShutdown, "submit while stop drains", GET_GOING, move || pool.submit(job))
        .map_err(|f| f.hint("stop takes the jobs sender out first thing (the queue closes once); a submit that finds it gone answers Err(Stopped) at once"))?;
    done.fire();
    let a = answer(ctx, first, WITHIN, Check::CloseOnce, "(the first of two)")?;
    let b = answer(ctx, second, WITHIN, Check::CloseOnce, "(the second of two)")?;
    let ran = {
        let _waiting = ctx.deliberately();
        support::within(QUIET, || during.runs().0 > 0)
    };
    ensure(refused == Err(Stopped) && !ran, || {
        Failure::new(
            Check::GracefulShutdown,
            "a submit while stop drains: Err(Stopped), and its job never runs",
            format!("{refused:?}; the job ran {} time(s)", during.runs().0),
        )
        .hint("once stop is called the pool takes no job: an Ok that is never run loses the job silently")
    })?;
    ensure(!early, || {
        Failure::new(
            Check::Requirement,
            "a second stop returns only once the first one's drain is done, with its answer",
            format!("it returned {b:?} while the first was still draining held jobs"),
        )
        .hint("let a second stop wait for the first (join under the same lock, or wait on the first's answer): a caller that gets Ok back expects the pool to be stopped")
    })?;
    ctx.stage("a third stop, then a submit, after the pool has stopped");
    let c = answer(
        ctx,
        stop_in_background(&run, &deadline),
        GET_GOING,
        Check::CloseOnce,
        "at once when called again after the pool stopped",
    )?;
    ensure(a == Ok(()) && b == Ok(()) && c == Ok(()), || {
        Failure::new(
            Check::CloseOnce,
            "every stop answers the drain's Ok",
            format!("{a:?}, {b:?}, {c:?}"),
        )
    })?;
    let late = Job::quick(999);
    let (pool, job) = (run.pool.clone(), late.clone());
    let after = support::promptly(ctx, Check::GracefulShutdown, "submit after stop", GET_GOING, move || pool.submit(job))
        .map_err(|f| f.hint("a submit after stop finds the jobs sender gone (None) and answers Err(Stopped); it never sends on a closed queue, never waits"))?;
    let s = run.ledger.settle(QUIET, WITHIN);
    ensure(after == Err(Stopped) && late.runs().0 == 0, || {
        Failure::new(
            Check::GracefulShutdown,
            "a submit after stop: Err(Stopped), and its job never runs",
            format!("{after:?}; the job ran {} time(s) ({} started in all)", late.runs().0, s.started),
        )
        .hint("once stop is called the pool takes no job: an Ok that is never run loses the job silently")
    })?;
    Ok(())
}

/// The deadline fires while the workers are in jobs that cannot be interrupted: the workers
/// finish them, then take nothing more from the queue.
fn an_uninterruptible_job_finishes_and_the_queue_is_left(
    sol: &'static dyn Solution,
    ctx: &mut Ctx,
) -> Outcome {
    let ts = attempted(sol.task14(), TASK)?;
    let cfg = cfg();
    let run = started(ts, ctx, cfg)?;
    let done = Signal::new();
    let _let_go = FireOnDrop(done.clone());
    let mut jobs: Vec<Job> = (1..=cfg.workers as u64)
        .map(|id| Job::uninterruptible(id, &done))
        .collect();
    jobs.extend(held(100, cfg.jobs_buffer, &done));
    ctx.stage("filling the pool: uninterruptible jobs in flight, cancellable ones queued");
    submit_all(ctx, &run, &jobs, Check::BufferSize)?;
    in_flight(&run, &jobs, cfg.workers)?;
    let (running, queued) = jobs.split_at(cfg.workers);
    let deadline = Signal::new();
    let stop = stop_while_held(ctx, &run, &deadline)?;
    ctx.stage("the deadline fired; waiting for the pool's cancel to reach the jobs in flight");
    deadline.fire();
    let cancelled = {
        let _waiting = ctx.deliberately();
        support::within(GET_GOING, || running.iter().all(Job::cancel_fired))
    };
    ensure(cancelled, || {
        Failure::new(
            Check::CtxHonored,
            "once the deadline fires, the pool fires the cancel signal it gave the jobs in flight",
            format!("it had not, {} ms after the deadline fired", GET_GOING.as_millis()),
        )
        .hint("give job.run the pool's own cancel signal, and have the deadline fire it: deadline.after_fire(move || cancel.fire())")
    })?;
    ctx.stage("the pool cancelled; the uninterruptible jobs let go");
    done.fire();
    let r = answer(
        ctx,
        stop,
        GET_GOING,
        Check::CtxHonored,
        "once the uninterruptible jobs are done",
    )?;
    none_started(
        queued,
        "a worker whose job outlived the cancel starts no queued job after it",
        "every worker looks at the pool's cancel before each job it takes, not only one whose job was cancelled",
    )?;
    let wrong = each(running, (1, 1, 0));
    ensure(wrong.is_empty() && r == Err(ShutdownTimeout), || {
        Failure::new(
            Check::Requirement,
            "the jobs that could not be interrupted complete, and stop answers Err(ShutdownTimeout): the queued jobs never ran",
            format!("{r:?}; jobs in flight not completed once: [{}]", ids(&wrong)),
        )
        .hint("the answer is Ok only if every accepted job completed: count the completions and compare with the jobs accepted")
    })?;
    Ok(())
}

fn runs_the_configured_workers_and_queue(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let ts = attempted(sol.task14(), TASK)?;
    let no_queue = PoolConfig {
        jobs_buffer: 0,
        ..other()
    };
    // The last ends on the deadline, with a submit still waiting on the full queue.
    for (cfg, on_deadline) in [(cfg(), false), (no_queue, false), (other(), true)] {
        let run = started(ts, ctx, cfg)?;
        let done = Signal::new();
        let _let_go = FireOnDrop(done.clone());
        ctx.stage(format!(
            "submitting held jobs until a submit waits, {cfg:?}"
        ));
        let accepted = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let total = cfg.workers + cfg.jobs_buffer + 2;
        let submitter = {
            let (pool, accepted, jobs) =
                (run.pool.clone(), accepted.clone(), held(1, total, &done));
            std::thread::Builder::new()
                .name("poolcheck-submitter".into())
                .spawn(move || {
                    for job in jobs {
                        if pool.submit(job).is_ok() {
                            accepted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        }
                    }
                })
                .expect("the scenario can start a thread")
        };
        let s = run
            .ledger
            .wait_for(GET_GOING, |s| s.in_flight >= cfg.workers as u64);
        let s = if s.in_flight >= cfg.workers as u64 {
            run.ledger.settle(QUIET, WITHIN)
        } else {
            s
        };
        let taken = accepted.load(std::sync::atomic::Ordering::SeqCst);
        ensure(
            s.in_flight == cfg.workers as u64 && s.peak_in_flight == cfg.workers as u64,
            || {
                Failure::new(
                    Check::PoolSize,
                    format!(
                        "with every job held, exactly cfg.workers = {} jobs run at once",
                        cfg.workers
                    ),
                    format!("{} run at once (peak {})", s.in_flight, s.peak_in_flight),
                )
                .hint(
                    "start cfg.workers threads, not a count of your own (the seed's, or the CPUs')",
                )
            },
        )?;
        ensure(taken == cfg.workers + cfg.jobs_buffer, || {
            Failure::new(
                Check::BufferSize,
                format!(
                    "with every worker busy, the queue takes exactly cfg.jobs_buffer = {} more jobs before a submit waits ({} accepted in all)",
                    cfg.jobs_buffer,
                    cfg.workers + cfg.jobs_buffer
                ),
                format!("{taken} accepted"),
            )
            .hint("the jobs queue is sync_channel(cfg.jobs_buffer); a submit sends on it and waits while it is full")
        })?;
        if on_deadline {
            ctx.stage("the deadline fires while a submit waits on the full queue");
            let deadline = Signal::new();
            let stop = stop_while_held(ctx, &run, &deadline)?;
            deadline.fire();
            let r = answer(ctx, stop, GET_GOING, Check::CtxHonored, "soon after the deadline fired, with a submit waiting on the full queue")
                .map_err(|f| f.hint("stop must not wait on a lock a waiting submit holds (send on a clone of the sender, outside the lock), and once the workers have left, the queue's receiver must go with them so the waiting send fails"))?;
            let released = {
                let _waiting = ctx.deliberately();
                support::within(GET_GOING, || submitter.is_finished())
            };
            ensure(released && r == Err(ShutdownTimeout), || {
                Failure::new(
                    Check::CtxHonored,
                    "after the deadline, stop answers Err(ShutdownTimeout) and the submit that waited on the full queue returns (Err(Stopped)) instead of waiting forever",
                    format!("{r:?}; the submit {}", if released { "returned" } else { "was still waiting" }),
                )
                .hint("let only the workers hold the jobs receiver: when the last one leaves, a send still waiting fails")
            })?;
            continue;
        }
        ctx.stage("letting every job go and stopping");
        done.fire();
        let r = answer(
            ctx,
            stop_in_background(&run, &Signal::new()),
            WITHIN,
            Check::GracefulShutdown,
            "once the jobs are let go",
        )?;
        let finished = {
            let _waiting = ctx.deliberately();
            support::within(GET_GOING, || submitter.is_finished())
        };
        ensure(finished && r == Ok(()), || {
            Failure::new(
                Check::GracefulShutdown,
                "with the jobs let go, the waiting submits land and stop answers Ok",
                format!(
                    "{r:?}; the submitter {}",
                    if finished {
                        "returned"
                    } else {
                        "was still waiting"
                    }
                ),
            )
        })?;
    }
    Ok(())
}

fn zero_workers_is_refused(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let ts = attempted(sol.task14(), TASK)?;
    let ledger = ctx.ledger("jobs");
    let r = ts
        .start(
            PoolConfig {
                workers: 0,
                ..cfg()
            },
            Probe::new(ledger),
        )
        .map(|_| ());
    Ok(ensure(r == Err(PoolError::ZeroWorkers), || {
        Failure::new(
            Check::GracefulShutdown,
            "start with zero workers: Err(ZeroWorkers)",
            format!("{r:?}"),
        )
        .hint("check cfg.workers before starting any thread: a pool of none never runs a job, and its stop would wait forever")
    })?)
}

/// Round after round, two held jobs on two workers; `stop` waits on them; two threads spin to
/// one instant, one letting the jobs finish and the other firing the deadline. Whoever wins,
/// `stop` must answer from what the jobs did. Every fourth round runs under perturbed schedules.
fn the_drain_racing_the_deadline(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let ts = attempted(sol.task14(), TASK)?;
    const ROUNDS: usize = 150;
    let cfg = PoolConfig {
        workers: 2,
        jobs_buffer: 1,
        results_buffer: 1,
    };
    for round in 0..ROUNDS {
        let once = |ctx: &mut Ctx| -> Result<(), Failure> {
            let run = started(ts, ctx, cfg)?;
            let done = Signal::new();
            let _let_go = FireOnDrop(done.clone());
            let jobs = held(1, cfg.workers, &done);
            ctx.stage(format!(
                "round {round}: the last jobs finishing as the deadline fires"
            ));
            submit_all(ctx, &run, &jobs, Check::PoolSize)?;
            let s = run.ledger.wait_for(GET_GOING, |s| s.in_flight >= 2);
            support::deciding(
                Check::PoolSize,
                s.in_flight == 2,
                "both jobs in flight",
                &run.ledger.describe(),
            )?;
            let deadline = Signal::new();
            let stop = stop_in_background(&run, &deadline);
            let line = support::LineUp::new(2);
            let racers: Vec<JoinHandle<()>> = [done.clone(), deadline.clone()]
                .into_iter()
                .map(|signal| {
                    let line = line.clone();
                    std::thread::Builder::new()
                        .name("poolcheck-racer".into())
                        .spawn(move || {
                            line.go();
                            signal.fire();
                        })
                        .expect("the scenario can start a thread")
                })
                .collect();
            for r in racers {
                let _ = r.join();
            }
            let r = answer(
                ctx,
                stop,
                WITHIN,
                Check::Requirement,
                "once the jobs or the deadline ended it",
            )?;
            let outcomes: Vec<(usize, usize, usize)> = jobs.iter().map(|j| j.runs()).collect();
            let all_completed = outcomes.iter().all(|o| *o == (1, 1, 0));
            let once_each = outcomes.iter().all(|o| o.0 <= 1 && o.1 + o.2 == o.0);
            let cancelled: usize = outcomes.iter().map(|o| o.2).sum();
            let metric = run.pool.cancelled_mid_process();
            ensure(once_each && (r == Ok(())) == all_completed, || {
                Failure::new(
                    Check::Requirement,
                    "stop answers Ok exactly when every accepted job completed, each job run at most once",
                    format!("round {round}: {r:?} with the jobs (ran, completed, cancelled) {outcomes:?}"),
                )
                .hint("decide the answer after joining the workers, from the jobs' outcomes the workers counted; a look at the deadline after the join races it")
            })?;
            ensure(metric.is_none_or(|m| m == cancelled), || {
                Failure::new(
                    Check::Stretch,
                    "the metric equals the jobs whose run returned Err(Cancelled)",
                    format!("round {round}: {metric:?}, {cancelled} cancelled"),
                )
            })?;
            Ok(())
        };
        if round % 4 == 3 {
            ctx.perturbed(once)?;
        } else {
            once(ctx)?;
        }
    }
    Ok(())
}

fn stretch_cancelled_mid_process_is_exact(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let ts = attempted(sol.task14(), TASK)?;
    let cfg = other();
    let Some(_) = ts
        .start(cfg, Probe::new(ctx.ledger("probe")))
        .ok()
        .and_then(|p| {
            let m = p.cancelled_mid_process();
            p.stop(&Signal::new()).ok();
            m
        })
    else {
        return Err(harness::Stop::NotAttempted(
            "cancelled_mid_process is not attempted".into(),
        ));
    };
    // Every worker in flight with jobs queued behind them, then fewer in flight than workers:
    // both ways a metric can count what was never in process.
    let rounds = [
        (cfg.workers, ctx.rng.usize(1..=cfg.jobs_buffer)),
        (ctx.rng.usize(1..cfg.workers), 0),
    ];
    for (flying, queued) in rounds {
        let quick = ctx.rng.usize(1..=3);
        let run = started(ts, ctx, cfg)?;
        ctx.stage(format!(
            "{quick} quick jobs done, then {flying} held in flight and {queued} queued when the deadline fires"
        ));
        let done = Signal::new();
        let _let_go = FireOnDrop(done.clone());
        let first: Vec<Job> = (1..=quick as u64).map(Job::quick).collect();
        submit_all(ctx, &run, &first, Check::Stretch)?;
        run.ledger.wait_for(WITHIN, |s| s.finished >= quick as u64);
        let jobs = held(100, flying + queued, &done);
        submit_all(ctx, &run, &jobs, Check::Stretch)?;
        in_flight(&run, &jobs, flying)?;
        let deadline = Signal::new();
        let stop = stop_while_held(ctx, &run, &deadline)?;
        deadline.fire();
        let _ = answer(
            ctx,
            stop,
            GET_GOING,
            Check::CtxHonored,
            "soon after the deadline fired",
        )?;
        let metric = run.pool.cancelled_mid_process();
        ensure(metric == Some(flying), || {
            Failure::new(
                Check::Stretch,
                format!("cancelled_mid_process counts the {flying} jobs in flight when the deadline fired: not the {quick} completed before, not the {queued} still queued"),
                format!("{metric:?}"),
            )
            .hint("count a job when its run returns Err(Cancelled), in the worker, after the run; a queued job the workers leave behind was never in process")
        })?;
    }
    // Two in flight, one of them uninterruptible: it completes after the deadline, so its
    // worker was busy when the deadline fired but its job was never cancelled mid-process.
    let run = started(ts, ctx, cfg)?;
    ctx.stage("a cancellable job and an uninterruptible one in flight when the deadline fires");
    let done = Signal::new();
    let _let_go = FireOnDrop(done.clone());
    let jobs = vec![Job::until(200, &done), Job::uninterruptible(201, &done)];
    submit_all(ctx, &run, &jobs, Check::Stretch)?;
    in_flight(&run, &jobs, 2)?;
    let deadline = Signal::new();
    let stop = stop_while_held(ctx, &run, &deadline)?;
    deadline.fire();
    run.ledger.wait_for(GET_GOING, |s| s.in_flight <= 1);
    done.fire();
    let _ = answer(
        ctx,
        stop,
        GET_GOING,
        Check::CtxHonored,
        "once the uninterruptible job completed",
    )?;
    let metric = run.pool.cancelled_mid_process();
    ensure(metric == Some(1), || {
        Failure::new(
            Check::Stretch,
            "cancelled_mid_process counts the 1 job cancelled in flight, not the uninterruptible one that completed after the deadline",
            format!("{metric:?}"),
        )
        .hint("count a job when its run returns Err(Cancelled), not the workers busy when the deadline fired")
    })?;
    Ok(())
}

/// Round after round, a thread submitting four quick jobs and one calling `stop` spin to one
/// instant: whichever wins each step, nothing panics, every accepted job runs exactly once and
/// completes, a refused one never runs, and `stop` answers Ok. Every fourth round runs under
/// perturbed schedules.
fn submits_racing_stop(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let ts = attempted(sol.task14(), TASK)?;
    const ROUNDS: usize = 150;
    let cfg = PoolConfig {
        workers: 2,
        jobs_buffer: 2,
        results_buffer: 1,
    };
    for round in 0..ROUNDS {
        let once = |ctx: &mut Ctx| -> Result<(), Failure> {
            let run = started(ts, ctx, cfg)?;
            ctx.stage(format!("round {round}: submits racing stop"));
            let jobs: Vec<Job> = (1..=4).map(Job::quick).collect();
            let line = support::LineUp::new(2);
            let submitter = {
                let (pool, jobs, line) = (run.pool.clone(), jobs.clone(), line.clone());
                std::thread::Builder::new()
                    .name("poolcheck-submitter".into())
                    .spawn(move || {
                        line.go();
                        jobs.into_iter()
                            .map(|j| {
                                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                                    pool.submit(j)
                                }))
                                .map_err(|p| support::panic_message(&*p))
                            })
                            .collect::<Vec<_>>()
                    })
                    .expect("the scenario can start a thread")
            };
            let stop = {
                let (pool, ledger) = (run.pool.clone(), run.ledger.clone());
                std::thread::Builder::new()
                    .name("poolcheck-stop".into())
                    .spawn(move || {
                        line.go();
                        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                            pool.stop(&Signal::new())
                        }));
                        ledger.close();
                        r
                    })
                    .expect("the scenario can start a thread")
            };
            let returned = {
                let _waiting = ctx.deliberately();
                support::within(WITHIN, || submitter.is_finished() && stop.is_finished())
            };
            ensure(returned, || {
                Failure::new(
                    Check::GracefulShutdown,
                    "submits racing stop all return, and so does stop",
                    format!(
                        "round {round}: {} had not returned",
                        if stop.is_finished() {
                            "a submit"
                        } else {
                            "stop"
                        }
                    ),
                )
            })?;
            let answers = submitter.join().unwrap_or_default();
            let r = stop
                .join()
                .unwrap_or_else(Err)
                .map_err(|p| support::panic_message(&*p));
            let panicked: Vec<&String> = answers
                .iter()
                .filter_map(|a| a.as_ref().err())
                .chain(r.as_ref().err())
                .collect();
            ensure(panicked.is_empty(), || {
                Failure::new(
                    Check::GracefulShutdown,
                    "a submit at the same time as stop answers Ok or Err(Stopped), and stop returns, never a panic",
                    format!("round {round}: panicked: {panicked:?}"),
                )
                .hint("decide under one lock: submit takes a clone of the sender if it is still there (None once stop took it); a flag checked before the lock leaves a window for stop")
            })?;
            let mut wrong = Vec::new();
            for (job, a) in jobs.iter().zip(&answers) {
                let want = match a {
                    Ok(Ok(())) => (1, 1, 0),
                    _ => (0, 0, 0),
                };
                if job.runs() != want {
                    wrong.push(format!(
                        "job {} answered {a:?} and ran (ran, completed, cancelled) {:?}",
                        job.id,
                        job.runs()
                    ));
                }
            }
            ensure(wrong.is_empty() && r == Ok(Ok(())), || {
                Failure::new(
                    Check::GracefulShutdown,
                    "every job a racing submit got Ok for runs once and completes, one refused never runs, and stop answers Ok",
                    format!("round {round}: stop {r:?}; {}", wrong.join("; ")),
                )
                .hint("a submit that is accepted must land in the queue before stop closes it: take the sender's clone under the lock stop takes it under")
            })
        };
        if round % 4 == 3 {
            ctx.perturbed(once)?;
        } else {
            once(ctx)?;
        }
    }
    Ok(())
}
