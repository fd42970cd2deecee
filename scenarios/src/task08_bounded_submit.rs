//! Task 8, Bounded Submit: what decides whether a solution meets it.
//!
//! A pool here is an object with a life, so the scenarios drive it as a caller would: submits
//! from several threads, a reader on the results stream, stops at chosen moments. Every order a
//! verdict needs is made with gates: jobs held in their bracket fill the workers and then the
//! queue, so "full" is an exact state, not a moment; a proptest state machine runs random
//! submit / cancel / finish sequences against a model of the queue, one job released at a time.
//! A call that should return at once and does not is a failure with its reason, not a hang: each
//! runs on a thread of its own under a deadline.

use crate::support::{self, apart_from_cpus};
use harness::contracts::task08_bounded_submit::{
    BoundedSubmit, Done, SubmitError, SubmitPool, TASK,
};
use harness::contracts::{PoolConfig, PoolError, Solution};
use harness::ledger::{Ledger, Snapshot};
use harness::probe::{Gate, Gates, Probe};
use harness::scenario::attempted;
use harness::timing::{EXIT_GRACE, GET_GOING, HOLD_LAST, QUIET, WITHIN};
use harness::{ensure, ensure_eq, leak, Check, Ctx, Failure, Outcome, Stop};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestError, TestRng, TestRunner};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;

/// The main pool: workers, queue and results all apart, none the CPU count.
fn cfg() -> PoolConfig {
    PoolConfig {
        workers: apart_from_cpus(3, 4),
        jobs_buffer: apart_from_cpus(5, 6),
        results_buffer: apart_from_cpus(2, 7),
    }
}

/// Another: more workers than queue slots.
fn other() -> PoolConfig {
    PoolConfig {
        workers: apart_from_cpus(5, 6),
        jobs_buffer: apart_from_cpus(2, 3),
        results_buffer: apart_from_cpus(7, 8),
    }
}

pub fn scenarios() -> Vec<harness::Scenario> {
    vec![
        TASK.scenario("every_accepted_job_runs_once", &[Check::Requirement],
            "three threads submit 40 numbers each, retrying when the pool is full, then stop: the results hold every accepted number's square exactly once, each squared inside probe.run keyed by the number",
            every_accepted_job_runs_once),
        TASK.scenario("runs_the_configured_workers", &[Check::PoolSize],
            "with every job held, exactly cfg.workers run at once (3, then 5: never the CPU count)",
            runs_the_configured_workers),
        TASK.scenario("pool_full_exactly_at_capacity", &[Check::BufferSize, Check::Requirement],
            "with the workers held, jobs_buffer more submits are accepted and the next gets PoolFull at once, not blocking (5, then 2, then a rendezvous of 0); the refused job never runs",
            pool_full_exactly_at_capacity),
        TASK.scenario("results_wait_in_the_results_buffer", &[Check::BufferSize],
            "with the reader held at its first result, results_buffer results wait plus one in each blocked worker's hand, and no more (2, then 7)",
            results_wait_in_the_results_buffer),
        TASK.scenario("concurrent_submits_fill_exactly", &[Check::BufferSize],
            "200 rounds of a held pool one slot short of full (2 workers, jobs_buffer 3) and two threads submitting at one instant: exactly 5 submits accepted in every round",
            concurrent_submits_fill_exactly).races(),
        TASK.scenario("matches_a_model_of_the_queue", &[Check::BufferSize, Check::Requirement],
            "12 random sequences of submits, cancelled submits and held jobs let go one at a time: every submit answers what a model of the workers and the queue says (Ok, PoolFull, Cancelled), and every accepted job runs once",
            matches_a_model_of_the_queue),
        TASK.scenario("a_cancelled_token_is_refused", &[Check::CtxHonored],
            "a submit with a cancelled token gets Cancelled at once, with room in the queue, with the queue full and after stop, and its job never runs; another token's submits are still accepted",
            a_cancelled_token_is_refused),
        TASK.scenario("stop_drains_every_accepted_job", &[Check::GracefulShutdown, Check::AllJoined],
            "stop called with the workers held and the queue full: it waits for them, submits meanwhile get Stopped, every accepted job's result is delivered, the stream ends after them, and no thread is left",
            stop_drains_every_accepted_job),
        TASK.scenario("stop_twice_then_submit", &[Check::CloseOnce, Check::GracefulShutdown],
            "two stops at once with jobs held (neither returns before the drain), a third after: none panics or hangs; every submit after them gets Stopped (try_submit and blocking_submit too, where attempted)",
            stop_twice_then_submit),
        TASK.scenario("results_end_only_after_stop", &[Check::CloseOnce],
            "the results stream stays open while the pool is idle and ends once stop has returned, after every result",
            results_end_only_after_stop),
        TASK.scenario("submits_racing_stop", &[Check::Requirement, Check::GracefulShutdown],
            "under perturbed schedules, 20 rounds of three threads submitting while stop is called: every accepted job runs once and nothing is accepted after stop returned",
            submits_racing_stop).races(),
        TASK.scenario("no_thread_outlives_stop", &[Check::NoLeaks, Check::AllJoined],
            "with the pool's threads starting late, stop waits for them: no job runs after it returned and every thread the pool started has exited", no_thread_outlives_stop),
        TASK.scenario("zero_workers_is_refused", &[Check::GracefulShutdown],
            "zero workers gets PoolError::ZeroWorkers from start, not a pool that accepts jobs it never runs",
            zero_workers_is_refused),
        TASK.scenario("stretch_try_and_blocking_submit", &[Check::Stretch],
            "try_submit answers PoolFull on a full pool at once; blocking_submit waits while it is full without blocking other submits, through a stop called meanwhile, and its job runs",
            stretch_try_and_blocking_submit),
    ]
}

/// A started pool with a reader draining its results on a thread of the harness's own.
struct Running {
    pool: Arc<dyn SubmitPool>,
    ledger: Arc<Ledger>,
    reader: JoinHandle<Vec<Done>>,
}

fn started(
    bs: &dyn BoundedSubmit,
    cfg: PoolConfig,
    ledger: &Arc<Ledger>,
    probe: Probe<i64>,
) -> Result<Running, Failure> {
    started_reading(bs, cfg, ledger, probe, None)
}

/// [`started`], the reader waiting at `hold` after its first result.
fn started_reading(
    bs: &dyn BoundedSubmit,
    cfg: PoolConfig,
    ledger: &Arc<Ledger>,
    probe: Probe<i64>,
    hold: Option<Gate>,
) -> Result<Running, Failure> {
    let pool = bs.start(cfg, probe).map_err(|e| {
        Failure::new(
            Check::Requirement,
            format!("start({cfg:?}) returns a pool"),
            format!("Err({e:?})"),
        )
    })?;
    let pool: Arc<dyn SubmitPool> = Arc::from(pool);
    let results = pool.results();
    ledger.reads_results();
    let l = ledger.clone();
    let reader = std::thread::Builder::new()
        .name("poolcheck-reader".into())
        .spawn(move || {
            let mut got = Vec::new();
            for done in results {
                l.deliver(done.job);
                got.push(done);
                if let Some(hold) = &hold {
                    hold.wait();
                }
            }
            l.close();
            got
        })
        .expect("the scenario can start its reader");
    Ok(Running {
        pool,
        ledger: ledger.clone(),
        reader,
    })
}

fn live() -> CancellationToken {
    CancellationToken::new()
}

/// [`support::promptly`], with what a submit pool's calls most often get wrong.
fn promptly<T: Send + 'static>(
    ctx: &Ctx,
    check: Check,
    what: &str,
    within: Duration,
    call: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Failure> {
    support::promptly(ctx, check, what, within, call).map_err(|f| match f.observed.contains("panicked") {
        true => f.hint("a closed pool answers Err(SubmitError::Stopped); keep the jobs sender in a Mutex<Option<..>> and take() it once, never unwrap() a sender that stop has dropped"),
        false => f.hint("submit never waits: use try_send and map TrySendError::Full to PoolFull (Go's select with a default case); a plain send blocks while the queue is full"),
    })
}

fn submit(
    ctx: &Ctx,
    run: &Running,
    token: &CancellationToken,
    job: i64,
    what: &str,
) -> Result<Result<(), SubmitError>, Failure> {
    let (pool, token) = (run.pool.clone(), token.clone());
    promptly(
        ctx,
        Check::Requirement,
        &format!("submit({job}) {what}"),
        GET_GOING,
        move || pool.submit(&token, job),
    )
}

/// Stops the pool on a thread of its own; the handle says when it returned.
fn stop_in_background(run: &Running) -> JoinHandle<std::thread::Result<()>> {
    let pool = run.pool.clone();
    std::thread::Builder::new()
        .name("poolcheck-stop".into())
        .spawn(move || std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| pool.stop())))
        .expect("the scenario can start a thread")
}

/// Waits up to `within` for a thread of the scenario's to finish.
fn finished_within<T>(h: &JoinHandle<T>, within: Duration) -> bool {
    support::within(within, || h.is_finished())
}

/// Stops the pool (under a deadline) and collects the results; the stream must end once stop
/// has returned.
fn stopped(ctx: &Ctx, run: Running) -> Result<(Vec<Done>, Snapshot), Failure> {
    let pool = run.pool.clone();
    promptly(
        ctx,
        Check::GracefulShutdown,
        "stop() with nothing held",
        WITHIN,
        move || pool.stop(),
    )?;
    results_after_stop(run)
}

fn results_after_stop(run: Running) -> Result<(Vec<Done>, Snapshot), Failure> {
    ensure(finished_within(&run.reader, GET_GOING), || {
        Failure::new(
            Check::CloseOnce,
            "the results stream ends once stop has returned",
            format!("it had not ended {} ms after stop returned ({})", GET_GOING.as_millis(), run.ledger.describe()),
        )
        .hint("the results channel closes when its last sender is dropped: let each worker own a clone, drop the pool's own, and have stop join the workers")
    })?;
    let got = run.reader.join().unwrap_or_default();
    Ok((got, run.ledger.snapshot()))
}

/// Every number in `accepted` came back once with its square, and nothing else did.
fn every_accepted_once(
    accepted: &BTreeSet<i64>,
    got: &[Done],
    check: Check,
    when: &str,
) -> Result<(), Failure> {
    let mut seen: BTreeMap<i64, u32> = BTreeMap::new();
    let mut wrong = Vec::new();
    for d in got {
        *seen.entry(d.job).or_default() += 1;
        if d.square != d.job.wrapping_mul(d.job) {
            wrong.push(format!("{} squared as {}", d.job, d.square));
        }
    }
    let missing: Vec<i64> = accepted
        .iter()
        .filter(|j| !seen.contains_key(j))
        .copied()
        .collect();
    let twice: Vec<i64> = seen
        .iter()
        .filter(|(_, n)| **n > 1)
        .map(|(j, _)| *j)
        .collect();
    let extra: Vec<i64> = seen
        .keys()
        .filter(|j| !accepted.contains(j))
        .copied()
        .collect();
    ensure(
        missing.is_empty() && twice.is_empty() && extra.is_empty() && wrong.is_empty(),
        || {
            let some = |v: &[i64]| {
                v.iter()
                    .take(6)
                    .map(|j| j.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            Failure::new(
            check,
            format!("{when}: each of the {} accepted jobs' squares once in the results, nothing else", accepted.len()),
            format!(
                "{} missing [{}], {} twice [{}], {} never accepted [{}], {} wrong [{}]",
                missing.len(), some(&missing), twice.len(), some(&twice), extra.len(), some(&extra), wrong.len(), wrong.iter().take(3).cloned().collect::<Vec<_>>().join(", ")
            ),
        )
        .hint("an accepted job is in the queue until a worker takes it; workers leave only when the queue is closed and empty (for job in rx), so stop must close it and join them, never signal them to quit early")
        },
    )
}

fn every_accepted_job_runs_once(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let bs = attempted(sol.task08(), TASK)?;
    let ledger = ctx.ledger("jobs");
    let run = started(bs, cfg(), &ledger, Probe::new(ledger.clone()))?;
    let base = ctx.rng.i64(-1_000_000..1_000_000);
    ctx.stage("three threads submitting 40 numbers each, retrying while the pool is full");
    let submitters: Vec<JoinHandle<Result<BTreeSet<i64>, String>>> = (0..3)
        .map(|t| {
            let pool = run.pool.clone();
            std::thread::Builder::new()
                .name("poolcheck-submitter".into())
                .spawn(move || {
                    let token = live();
                    let before = |deadline| std::time::Instant::now() < deadline; // real time: the retry bound
                    let mut accepted = BTreeSet::new();
                    for i in 0..40 {
                        let job = base + t * 1_000 + i;
                        let deadline = std::time::Instant::now() + WITHIN; // real time: a bound
                        loop {
                            match pool.submit(&token, job) {
                                Ok(()) => break,
                                Err(SubmitError::PoolFull) if before(deadline) => {
                                    std::thread::yield_now()
                                }
                                Err(e) => return Err(format!("submit({job}) got {e:?}")),
                            }
                        }
                        accepted.insert(job);
                    }
                    Ok(accepted)
                })
                .expect("the scenario can start a thread")
        })
        .collect();
    let mut accepted = BTreeSet::new();
    for s in submitters {
        match s.join() {
            Ok(Ok(a)) => accepted.extend(a),
            Ok(Err(e)) => {
                return Err(Failure::new(
                    Check::Requirement,
                    "each submit to a running pool is accepted once the queue has room",
                    e,
                )
                .hint("with live workers the queue drains: PoolFull only while it holds jobs_buffer jobs, Cancelled only for a cancelled token, Stopped only after stop")
                .into())
            }
            Err(p) => std::panic::resume_unwind(p),
        }
    }
    let keys: Vec<String> = accepted.iter().map(|j| j.to_string()).collect();
    let (got, _) = stopped(ctx, run)?;
    every_accepted_once(&accepted, &got, Check::Requirement, "after stop")?;
    ledger.check_keys(keys.iter().map(String::as_str), "by the number submitted")?;
    Ok(())
}

/// Submits numbers from `from` until `n` were accepted or the pool refused one; returns them.
fn fill(ctx: &Ctx, run: &Running, from: i64, n: usize) -> Result<Vec<i64>, Failure> {
    let token = live();
    let mut accepted = Vec::new();
    for job in from..from + n as i64 {
        match submit(ctx, run, &token, job, "to a held pool")? {
            Ok(()) => accepted.push(job),
            Err(_) => break,
        }
    }
    Ok(accepted)
}

fn runs_the_configured_workers(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let bs = attempted(sol.task08(), TASK)?;
    for cfg in [cfg(), other()] {
        let ledger = ctx.ledger("jobs");
        let gate = Gate::closed();
        let _open = gate.open_on_drop();
        let run = started(bs, cfg, &ledger, Probe::new(ledger.clone()).gated(&gate))?;
        ctx.stage("submitting until the held pool is full");
        let mut accepted = Vec::new();
        for round in 0..cfg.workers + cfg.jobs_buffer + 2 {
            accepted.extend(fill(ctx, &run, 1_000 * round as i64, 1)?);
            ledger.wait_for(QUIET, |s| s.started >= cfg.workers as u64);
        }
        let held = ledger.settle(QUIET, WITHIN);
        gate.open();
        stopped(ctx, run)?;
        ensure_eq(
            Check::PoolSize,
            &format!("jobs running at once with every job held, cfg.workers = {} on a machine of {} CPUs", cfg.workers, PoolConfig::num_cpu()),
            cfg.workers as u64,
            held.peak_in_flight,
            "start exactly cfg.workers worker threads in start(), each taking one job at a time from the queue",
        )?;
    }
    Ok(())
}

/// The workers held one job each, taken one at a time; then the queue filled; then one more.
fn pool_full_exactly_at_capacity(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let bs = attempted(sol.task08(), TASK)?;
    // The third is a rendezvous: a submit is taken only by a worker waiting for it.
    let rendezvous = PoolConfig {
        workers: 2,
        jobs_buffer: 0,
        results_buffer: 3,
    };
    for cfg in [cfg(), other(), rendezvous] {
        let ledger = ctx.ledger("jobs");
        let gate = Gate::closed();
        let _open = gate.open_on_drop();
        let run = started(bs, cfg, &ledger, Probe::new(ledger.clone()).gated(&gate))?;
        let token = live();
        ctx.stage("giving each worker a job, one at a time");
        let mut accepted = BTreeSet::new();
        for w in 0..cfg.workers {
            let job = w as i64;
            // A worker not yet waiting (just started, or between jobs) may leave a full
            // rendezvous: ask again until one takes it.
            let deadline = std::time::Instant::now() + GET_GOING; // real time: a bound
            let mut r = submit(ctx, &run, &token, job, "with a worker idle")?;
            let before = |deadline| std::time::Instant::now() < deadline; // real time: a worker getting ready
            while r == Err(SubmitError::PoolFull) && before(deadline) {
                std::thread::sleep(Duration::from_millis(1)); // real time: a worker getting ready
                r = submit(ctx, &run, &token, job, "with a worker idle")?;
            }
            ensure(r.is_ok(), || {
                Failure::new(
                    Check::BufferSize,
                    format!(
                        "submit({job}) accepted: {w} of {} workers busy, the queue empty",
                        cfg.workers
                    ),
                    format!("{r:?}"),
                )
            })?;
            accepted.insert(job);
            let s = ledger.wait_for(GET_GOING, |s| s.started > w as u64);
            support::deciding(
                Check::BufferSize,
                s.started > w as u64,
                &format!("{} jobs running", w + 1),
                &format!("{} started", s.started),
            )?;
        }
        ctx.stage("filling the queue behind the held workers");
        for q in 0..cfg.jobs_buffer {
            let job = 100 + q as i64;
            let r = submit(ctx, &run, &token, job, "with room in the queue")?;
            ensure(r.is_ok(), || {
                Failure::new(
                    Check::BufferSize,
                    format!("submit({job}) accepted: the queue holds {q} of jobs_buffer {}", cfg.jobs_buffer),
                    format!("{r:?}: the queue is smaller than jobs_buffer"),
                )
                .hint("make the queue with sync_channel(cfg.jobs_buffer): its capacity is exactly the jobs waiting")
            })?;
            accepted.insert(job);
        }
        let refused = 999;
        let r = submit(ctx, &run, &token, refused, "with the queue full")?;
        ensure(r == Err(SubmitError::PoolFull), || {
            Failure::new(
                Check::BufferSize,
                format!("Err(PoolFull): {} workers busy and the queue holding jobs_buffer = {} jobs", cfg.workers, cfg.jobs_buffer),
                format!("{r:?}: the queue holds more than jobs_buffer"),
            )
            .hint("the queue's capacity is cfg.jobs_buffer exactly; try_send on sync_channel(cfg.jobs_buffer) answers Full once it holds that many")
        })?;
        let held = ledger.settle(QUIET, WITHIN);
        gate.open();
        let (got, _) = stopped(ctx, run)?;
        every_accepted_once(
            &accepted,
            &got,
            Check::Requirement,
            "after a refused submit",
        )?;
        ensure_eq(
            Check::PoolSize,
            "jobs running while the queue filled",
            cfg.workers as u64,
            held.peak_in_flight,
            "exactly cfg.workers workers",
        )?;
    }
    Ok(())
}

fn results_wait_in_the_results_buffer(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let bs = attempted(sol.task08(), TASK)?;
    for cfg in [cfg(), other()] {
        let ledger = ctx.ledger("jobs");
        let hold = Gate::closed();
        let _open = hold.open_on_drop();
        let run = started_reading(
            bs,
            cfg,
            &ledger,
            Probe::new(ledger.clone()),
            Some(hold.clone()),
        )?;
        let full = (cfg.results_buffer + cfg.workers) as u64;
        ctx.stage("submitting while the reader holds its first result");
        let mut accepted = BTreeSet::new();
        let mut next = 0;
        let deadline = std::time::Instant::now() + GET_GOING; // real time: a bound
        let before = |deadline| std::time::Instant::now() < deadline; // real time: the fill bound
        while before(deadline) {
            let s = ledger.settle(QUIET, WITHIN);
            if s.delivered >= 1
                && s.unread() >= full
                && s.queued() == 0
                && accepted.len() as u64 >= 1 + full + cfg.jobs_buffer as u64
            {
                break;
            }
            for job in fill(ctx, &run, next, cfg.jobs_buffer + 1)? {
                accepted.insert(job);
            }
            next += 1_000;
        }
        let held = ledger.settle(QUIET, WITHIN);
        hold.open();
        let (got, _) = stopped(ctx, run)?;
        support::deciding(
            Check::BufferSize,
            held.delivered >= 1,
            "the first result reached the reader",
            "it never did",
        )?;
        ensure(held.unread() == full, || {
            Failure::new(
                Check::BufferSize,
                format!("with the reader held, {full} results finished and not read (results_buffer {}, plus one in each of {} blocked workers' hands)", cfg.results_buffer, cfg.workers),
                format!("{} finished, {} read: {} waiting", held.finished, held.delivered, held.unread()),
            )
            .hint("send results through sync_channel(cfg.results_buffer): a worker then waits for the reader; an unbounded channel lets them pile up")
        })?;
        every_accepted_once(
            &accepted,
            &got,
            Check::Requirement,
            "after the reader was let go",
        )?;
    }
    Ok(())
}

/// One step of a sequence [`matches_a_model_of_the_queue`] runs.
#[derive(Clone, Copy, Debug)]
enum Op {
    /// Submit the next number with a live token.
    Submit,
    /// Submit the next number with a cancelled token.
    Cancelled,
    /// Let the oldest running job finish.
    Finish,
}

/// What the pool should hold: jobs running (held at their gates) and the queue behind them.
#[derive(Default, Debug)]
struct Model {
    running: VecDeque<i64>,
    queue: VecDeque<i64>,
    started: u64,
    finished: u64,
}

fn matches_a_model_of_the_queue(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let bs = attempted(sol.task08(), TASK)?;
    let config = Config {
        cases: 12,
        failure_persistence: None,
        max_shrink_iters: 64,
        ..Config::default()
    };
    let rng = TestRng::from_seed(
        RngAlgorithm::ChaCha,
        &crate::words::seed_bytes_from(ctx.seed),
    );
    let mut runner = TestRunner::new_with_rng(config, rng);
    let ops = prop::collection::vec(
        prop_oneof![5 => Just(Op::Submit), 1 => Just(Op::Cancelled), 3 => Just(Op::Finish)],
        4..30,
    );
    let ctx = &*ctx;
    // The failure of the last failing case: proptest's shrinking ends on the shortest.
    let last = std::cell::RefCell::new(None);
    let outcome = runner.run(&ops, |ops| {
        let cfg = PoolConfig {
            workers: 2,
            jobs_buffer: 3,
            results_buffer: 1,
        };
        ctx.stage(format!(
            "running {} steps against a model of the queue",
            ops.len()
        ));
        model_run(bs, cfg, ctx, &ops).map_err(|f| {
            let why = f.observed.clone();
            *last.borrow_mut() = Some(f);
            TestCaseError::fail(why)
        })
    });
    match (outcome, last.into_inner()) {
        (Ok(()), _) => Ok(()),
        (Err(TestError::Fail(_, ops)), Some(f)) => Err(Failure::new(
            f.check,
            format!("{} (2 workers, jobs_buffer 3)", f.expected),
            format!("after the steps {ops:?} (the shortest failing sequence proptest found): {}", f.observed),
        )
        .hint(f.hint.unwrap_or_else(|| "PoolFull exactly when the queue holds jobs_buffer jobs (a job a worker took has left it), Cancelled before anything else for a cancelled token, and every accepted job run once".into()))
        .into()),
        (Err(e), _) => Err(Failure::new(Check::BufferSize, "every sequence run", format!("the property run stopped: {e}")).into()),
    }
}

/// One sequence against the model; each job is held at a gate of its own until a `Finish`.
fn model_run(
    bs: &dyn BoundedSubmit,
    cfg: PoolConfig,
    ctx: &Ctx,
    ops: &[Op],
) -> Result<(), Failure> {
    let ledger = ctx.ledger("jobs");
    let gates = Arc::new(Gates::<i64>::default());
    let probe = Probe::new(ledger.clone()).with_hook(gates.hook());
    let run = started(bs, cfg, &ledger, probe)?;
    let _open = gates.open_on_drop();
    let (token, cancelled) = (live(), live());
    cancelled.cancel();
    let mut m = Model::default();
    let mut accepted = BTreeSet::new();
    for (step, op) in ops.iter().enumerate() {
        let job = step as i64;
        match op {
            Op::Submit | Op::Cancelled => {
                let want = match op {
                    Op::Cancelled => Err(SubmitError::Cancelled),
                    _ if m.running.len() < cfg.workers || m.queue.len() < cfg.jobs_buffer => Ok(()),
                    _ => Err(SubmitError::PoolFull),
                };
                let t = if matches!(op, Op::Cancelled) {
                    &cancelled
                } else {
                    &token
                };
                let got = submit(ctx, &run, t, job, "in the sequence")?;
                ensure(got == want, || {
                    Failure::new(
                        if matches!(op, Op::Cancelled) || got.is_err() == want.is_err() { Check::Requirement } else { Check::BufferSize },
                        format!("step {step}: submit({job}) answers {want:?}, as {} running of {} workers and {} queued of {} say", m.running.len(), cfg.workers, m.queue.len(), cfg.jobs_buffer),
                        format!("{got:?}"),
                    )
                })?;
                if want.is_ok() {
                    accepted.insert(job);
                    if m.running.len() < cfg.workers {
                        m.running.push_back(job);
                        m.started += 1;
                    } else {
                        m.queue.push_back(job);
                    }
                }
            }
            Op::Finish => {
                let Some(done) = m.running.pop_front() else {
                    continue;
                };
                gates.of(&done).open();
                m.finished += 1;
                if let Some(next) = m.queue.pop_front() {
                    m.running.push_back(next);
                    m.started += 1;
                }
            }
        }
        let s = ledger.wait_for(GET_GOING, |s| {
            s.started == m.started && s.finished == m.finished
        });
        ensure(s.started == m.started && s.finished == m.finished, || {
            Failure::new(
                Check::BufferSize,
                format!("after step {step} ({op:?}): {} jobs started and {} finished, running {:?}, queued {:?}", m.started, m.finished, m.running, m.queue),
                format!("{} started, {} finished", s.started, s.finished),
            )
        })?;
    }
    gates.open_all();
    let (got, _) = stopped(ctx, run)?;
    every_accepted_once(
        &accepted,
        &got,
        Check::Requirement,
        "after the sequence and stop",
    )
}

fn a_cancelled_token_is_refused(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let bs = attempted(sol.task08(), TASK)?;
    let cfg = cfg();
    let ledger = ctx.ledger("jobs");
    let gate = Gate::closed();
    let _open = gate.open_on_drop();
    let run = started(bs, cfg, &ledger, Probe::new(ledger.clone()).gated(&gate))?;
    let (token, other) = (live(), live());
    token.cancel();
    let refused = |what: &str, job: i64| -> Outcome {
        let r = submit(ctx, &run, &token, job, what)?;
        ensure(r == Err(SubmitError::Cancelled), || {
            Failure::new(Check::CtxHonored, format!("submit({job}) with a cancelled token {what}: Err(Cancelled)"), format!("{r:?}"))
                .hint("look at the token first: if token.is_cancelled() { return Err(SubmitError::Cancelled) }, before the queue or the pool's state")
        })?;
        Ok(())
    };
    ctx.stage("submitting with a cancelled token");
    refused("with room in the queue", -1)?;
    let mut accepted: BTreeSet<i64> = fill(ctx, &run, 0, cfg.workers + cfg.jobs_buffer + 1)?
        .into_iter()
        .collect();
    refused("with the queue full", -2)?;
    gate.open();
    ledger.wait_for(GET_GOING, |s| s.finished >= accepted.len() as u64);
    let r = submit(ctx, &run, &other, 500, "with another token live")?;
    ensure(r.is_ok(), || {
        Failure::new(Check::CtxHonored, "submit(500) with a live token, another token cancelled: Ok", format!("{r:?}"))
            .hint("the token is the caller's, per call: never keep the first one, nor cancel the pool because one caller's token fired")
    })?;
    accepted.insert(500);
    let pool = run.pool.clone();
    promptly(ctx, Check::GracefulShutdown, "stop()", WITHIN, move || {
        pool.stop()
    })?;
    refused("after stop", -3)?;
    let (got, _) = results_after_stop(run)?;
    let ran: Vec<i64> = got.iter().map(|d| d.job).filter(|j| *j < 0).collect();
    ensure(ran.is_empty(), || {
        Failure::new(
            Check::CtxHonored,
            "no job submitted with a cancelled token runs",
            format!("{ran:?} ran"),
        )
    })?;
    every_accepted_once(&accepted, &got, Check::Requirement, "after stop")?;
    Ok(())
}

/// Fills a held pool; returns what was accepted.
fn held_full(
    bs: &dyn BoundedSubmit,
    ctx: &mut Ctx,
    cfg: PoolConfig,
    gate: &Gate,
) -> Result<(Running, BTreeSet<i64>), Failure> {
    let ledger = ctx.ledger("jobs");
    let run = started(bs, cfg, &ledger, Probe::new(ledger.clone()).gated(gate))?;
    ctx.stage("filling the held pool");
    let mut accepted = BTreeSet::new();
    for job in 0..(cfg.workers + cfg.jobs_buffer + 2) as i64 {
        if fill(ctx, &run, job, 1)?.len() == 1 {
            accepted.insert(job);
        }
        ledger.wait_for(QUIET, |s| s.started >= cfg.workers as u64);
    }
    let s = ledger.settle(QUIET, WITHIN);
    support::deciding(
        Check::GracefulShutdown,
        s.started == cfg.workers as u64 && accepted.len() > cfg.workers,
        &format!("{} workers busy and jobs waiting in the queue", cfg.workers),
        &format!("{} started, {} accepted", s.started, accepted.len()),
    )?;
    Ok((run, accepted))
}

fn stop_drains_every_accepted_job(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let bs = attempted(sol.task08(), TASK)?;
    let cfg = cfg();
    let gate = Gate::closed();
    let _open = gate.open_on_drop();
    let before = leak::Baseline::now();
    let (run, accepted) = held_full(bs, ctx, cfg, &gate)?;
    ctx.stage("stopping while every worker is held and the queue full");
    let stop = stop_in_background(&run);
    let early = {
        let _waiting = ctx.deliberately();
        finished_within(&stop, HOLD_LAST)
    };
    let during = submit(ctx, &run, &live(), 777, "while stop is draining")?;
    let stream_ended_early = run.ledger.snapshot().closed;
    gate.open();
    ensure(!stream_ended_early, || {
        Failure::new(
            Check::CloseOnce,
            "the results stream ends only after stop has drained every accepted job",
            format!("it ended while {} jobs were still held ({})", cfg.workers, run.ledger.describe()),
        )
        .hint("end the stream by the workers dropping their results senders as they exit, never by a timer or a count")
    })?;
    ensure(!early, || {
        Failure::new(
            Check::AllJoined,
            "stop returns only once every accepted job has run and the workers have exited",
            format!(
                "stop returned while {} jobs were still held ({})",
                cfg.workers,
                run.ledger.describe()
            ),
        )
        .hint("after closing the queue, join every worker's JoinHandle before returning")
    })?;
    ensure(finished_within(&stop, WITHIN), || {
        Failure::new(Check::GracefulShutdown, "stop returns once the held jobs are let go", format!("it had not returned after {} s ({})", WITHIN.as_secs(), run.ledger.describe()))
            .hint("close the queue (drop the pool's sender) before joining the workers: a worker leaves `for job in rx` only once every sender is gone")
    })?;
    if let Ok(Err(p)) = stop.join() {
        return Err(Failure::new(
            Check::GracefulShutdown,
            "stop returns",
            format!("it panicked: {}", support::panic_message(&*p)),
        )
        .into());
    }
    ensure(during == Err(SubmitError::Stopped), || {
        Failure::new(Check::GracefulShutdown, "a submit while stop drains gets Err(Stopped)", format!("{during:?}"))
            .hint("stop takes the sender out of the pool first (jobs.lock().take()), so every later submit finds None and answers Stopped")
    })?;
    let (got, after) = results_after_stop(run)?;
    every_accepted_once(
        &accepted,
        &got,
        Check::GracefulShutdown,
        "once stop returned (the queued jobs included)",
    )?;
    support::nothing_after_return(&after)?;
    ctx.stage("waiting for the pool's threads to exit after stop");
    before.settled(ctx, EXIT_GRACE, Check::NoLeaks)?;
    Ok(())
}

fn stop_twice_then_submit(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let bs = attempted(sol.task08(), TASK)?;
    let cfg = other();
    let gate = Gate::closed();
    let _open = gate.open_on_drop();
    let (run, accepted) = held_full(bs, ctx, cfg, &gate)?;
    ctx.stage("two stops at once while the jobs are held");
    let (a, b) = (stop_in_background(&run), stop_in_background(&run));
    let early = {
        let _waiting = ctx.deliberately();
        finished_within(&a, HOLD_LAST) || b.is_finished()
    };
    gate.open();
    for (h, which) in [(a, "first"), (b, "second")] {
        ensure(finished_within(&h, WITHIN), || {
            Failure::new(Check::CloseOnce, format!("the {which} of two concurrent stops returns once the drain is done"), format!("it had not returned after {} s", WITHIN.as_secs()))
                .hint("a second stop must not wait for something the first one consumed: take the sender with Option::take (a no-op the second time) and join the workers under a lock the second stop also waits on")
        })?;
        if let Ok(Err(p)) = h.join() {
            return Err(Failure::new(Check::CloseOnce, format!("the {which} of two concurrent stops returns, never panics"), format!("it panicked: {}", support::panic_message(&*p)))
                .hint("close the queue once: keep the sender in a Mutex<Option<..>> and take() it; the second stop finds None")
                .into());
        }
    }
    ensure(!early, || {
        Failure::new(Check::AllJoined, "neither of two concurrent stops returns before the held jobs have run and the workers exited", "one returned while the jobs were held".to_string())
            .hint("stop is idempotent: the second call waits for the same drain, so hold the workers' lock while joining them")
    })?;
    let pool = run.pool.clone();
    promptly(
        ctx,
        Check::CloseOnce,
        "a third stop(), after the pool stopped",
        GET_GOING,
        move || pool.stop(),
    )?;
    let r = submit(ctx, &run, &live(), 4242, "after stop")?;
    ensure(r == Err(SubmitError::Stopped), || {
        Failure::new(
            Check::GracefulShutdown,
            "submit after stop: Err(Stopped)",
            format!("{r:?}"),
        )
        .hint(
            "a stopped pool answers every submit with Stopped, never accepts a job nobody will run",
        )
    })?;
    type Call = fn(&dyn SubmitPool, i64) -> Option<Result<(), SubmitError>>;
    let stretch: [(&str, Call); 2] = [
        ("try_submit", |p, job| p.try_submit(job)),
        ("blocking_submit", |p, job| p.blocking_submit(job)),
    ];
    for (name, call) in stretch {
        let pool = run.pool.clone();
        let what = format!("{name} after stop");
        if let Some(r) = promptly(ctx, Check::Stretch, &what, GET_GOING, move || {
            call(&*pool, 4243)
        })? {
            ensure(r == Err(SubmitError::Stopped), || {
                Failure::new(
                    Check::Stretch,
                    format!("{what}: Err(Stopped)"),
                    format!("{r:?}"),
                )
            })?;
        }
    }
    let (got, _) = results_after_stop(run)?;
    every_accepted_once(&accepted, &got, Check::GracefulShutdown, "after the stops")?;
    Ok(())
}

fn results_end_only_after_stop(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let bs = attempted(sol.task08(), TASK)?;
    let ledger = ctx.ledger("jobs");
    let run = started(bs, cfg(), &ledger, Probe::new(ledger.clone()))?;
    let accepted: BTreeSet<i64> = fill(ctx, &run, 10, 4)?.into_iter().collect();
    ledger.wait_for(GET_GOING, |s| s.delivered >= accepted.len() as u64);
    ctx.stage("watching the results stream of an idle pool");
    let ended = {
        let _waiting = ctx.deliberately();
        finished_within(&run.reader, HOLD_LAST)
    };
    ensure(!ended, || {
        Failure::new(Check::CloseOnce, "the results stream stays open until stop: the pool is idle, not finished", "it ended with the pool running and idle".to_string())
            .hint("the stream ends when every results sender is dropped: only the workers hold them, and they exit only when stop closes the queue")
    })?;
    let later = fill(ctx, &run, 20, 2)?;
    let (got, after) = stopped(ctx, run)?;
    let accepted: BTreeSet<i64> = accepted.into_iter().chain(later).collect();
    every_accepted_once(&accepted, &got, Check::CloseOnce, "when the stream ended")?;
    support::nothing_after_return(&after)?;
    Ok(())
}

fn submits_racing_stop(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let bs = attempted(sol.task08(), TASK)?;
    const ROUNDS: usize = 20;
    ctx.perturbed(|ctx| {
        for round in 0..ROUNDS {
            let ledger = ctx.counting_ledger("jobs");
            let cfg = PoolConfig {
                workers: 2,
                jobs_buffer: 2,
                results_buffer: 1,
            };
            let run = started(bs, cfg, &ledger, Probe::new(ledger.clone()))?;
            ctx.stage(format!(
                "round {round}: three threads submitting while stop is called"
            ));
            let stopped_at = Arc::new(std::sync::atomic::AtomicBool::new(false));
            let submitters: Vec<JoinHandle<(BTreeSet<i64>, Vec<i64>)>> = (0..3)
                .map(|t| {
                    let (pool, stopped_at) = (run.pool.clone(), stopped_at.clone());
                    std::thread::Builder::new()
                        .name("poolcheck-submitter".into())
                        .spawn(move || {
                            let (token, mut accepted, mut late) =
                                (live(), BTreeSet::new(), Vec::new());
                            for i in 0..10_000 {
                                let job = t * 100_000 + i;
                                let after_stop =
                                    stopped_at.load(std::sync::atomic::Ordering::SeqCst);
                                match pool.submit(&token, job) {
                                    Ok(()) if after_stop => late.push(job),
                                    Ok(()) => {
                                        accepted.insert(job);
                                    }
                                    Err(SubmitError::Stopped) => break,
                                    Err(_) => std::thread::yield_now(),
                                }
                            }
                            (accepted, late)
                        })
                        .expect("the scenario can start a thread")
                })
                .collect();
            ledger.wait_for(GET_GOING, |s| s.finished >= 8);
            run.pool.stop();
            stopped_at.store(true, std::sync::atomic::Ordering::SeqCst);
            let mut accepted = BTreeSet::new();
            let mut late = Vec::new();
            for s in submitters {
                let (a, l) = s.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
                accepted.extend(a);
                late.extend(l);
            }
            ensure(late.is_empty(), || {
                Failure::new(
                    Check::GracefulShutdown,
                    format!("round {round}: nothing accepted once stop has returned"),
                    format!(
                        "{} submits accepted after it, first {:?}",
                        late.len(),
                        late.first()
                    ),
                )
                .hint("stop must leave the pool closed: every later submit answers Stopped")
            })?;
            let (got, _) = results_after_stop(run)?;
            every_accepted_once(
                &accepted,
                &got,
                Check::Requirement,
                &format!("round {round}, submits racing stop"),
            )?;
        }
        Ok(())
    })
}

/// The pool's threads start late (held at their start until stop blocks on them, or returns):
/// a stop that waits on a count the workers keep themselves returns before any of them has
/// counted itself in, and its jobs run after it.
fn no_thread_outlives_stop(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::SeqCst};
    let bs = attempted(sol.task08(), TASK)?;
    let ledger = ctx.ledger("jobs");
    let (stop_returned, late) = (
        Arc::new(AtomicBool::new(false)),
        Arc::new(AtomicU64::new(0)),
    );
    let (r, l) = (stop_returned.clone(), late.clone());
    let probe = Probe::new(ledger.clone()).with_hook(move |_: &i64| {
        if r.load(SeqCst) {
            l.fetch_add(1, SeqCst);
        }
    });
    let before = leak::Baseline::now();
    ctx.stage("start, four submits and stop, the pool's threads starting late");
    let (run, _) = ctx.late_starters(harness::startup::Release::AllAtOnce, |_| {
        let run = started(bs, cfg(), &ledger, probe)?;
        let token = live();
        let accepted: BTreeSet<i64> = (0..4)
            .filter(|job| run.pool.submit(&token, *job).is_ok())
            .collect();
        run.pool.stop();
        stop_returned.store(true, SeqCst);
        Ok::<_, Failure>((run, accepted))
    });
    let (run, accepted) = run?;
    let (got, after) = results_after_stop(run)?;
    ensure(late.load(SeqCst) == 0, || {
        Failure::new(
            Check::AllJoined,
            "stop returns only once every worker has exited, also workers that had not started running when it was called",
            format!("{} job(s) started after stop returned", late.load(SeqCst)),
        )
        .hint("join the JoinHandles start() got from thread::spawn; a count the workers add themselves to misses the workers not yet running")
    })?;
    every_accepted_once(&accepted, &got, Check::GracefulShutdown, "after stop")?;
    ctx.stage("waiting for the pool's threads to exit after stop");
    before.settled(ctx, EXIT_GRACE, Check::NoLeaks)?;
    support::nothing_after_return(&after)?;
    Ok(())
}

fn zero_workers_is_refused(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let bs = attempted(sol.task08(), TASK)?;
    let ledger = ctx.ledger("jobs");
    let cfg = PoolConfig {
        workers: 0,
        ..cfg()
    };
    let r = promptly(
        ctx,
        Check::GracefulShutdown,
        "start with zero workers",
        GET_GOING,
        move || bs.start(cfg, Probe::new(ledger)).err(),
    )?;
    ensure(r == Some(PoolError::ZeroWorkers), || {
        Failure::new(Check::GracefulShutdown, "start(workers: 0) returns Err(ZeroWorkers)", format!("{r:?}"))
            .hint("check cfg.workers before starting anything: a pool with no worker accepts jobs it will never run")
    })?;
    Ok(())
}

fn stretch_try_and_blocking_submit(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let bs = attempted(sol.task08(), TASK)?;
    let cfg = cfg();
    let gate = Gate::closed();
    let _open = gate.open_on_drop();
    let (run, mut accepted) = held_full(bs, ctx, cfg, &gate)?;
    let pool = run.pool.clone();
    let Some(r) = promptly(
        ctx,
        Check::Stretch,
        "try_submit on a full pool",
        GET_GOING,
        move || pool.try_submit(9_001),
    )?
    else {
        return Err(Stop::NotAttempted("try_submit is not attempted".into()));
    };
    ensure(r == Err(SubmitError::PoolFull), || {
        Failure::new(
            Check::Stretch,
            "try_submit on a full pool: Err(PoolFull), at once",
            format!("{r:?}"),
        )
    })?;
    ctx.stage("a blocking_submit waiting on the full pool, then stop, then the held jobs let go");
    let pool = run.pool.clone();
    let blocked = std::thread::Builder::new()
        .name("poolcheck-blocking".into())
        .spawn(move || pool.blocking_submit(9_002))
        .expect("the scenario can start a thread");
    let early = {
        let _waiting = ctx.deliberately();
        finished_within(&blocked, HOLD_LAST)
    };
    let pool = run.pool.clone();
    let token = live();
    let beside = promptly(
        ctx,
        Check::Stretch,
        "submit while a blocking_submit waits",
        GET_GOING,
        move || pool.submit(&token, 9_003),
    )?;
    ensure(beside == Err(SubmitError::PoolFull), || {
        Failure::new(Check::Stretch, "a submit while a blocking_submit waits: Err(PoolFull), at once", format!("{beside:?}"))
            .hint("blocking_submit must not hold the pool's lock while it waits: send on a clone of the jobs sender, taken under the lock and sent on outside it")
    })?;
    let stop = stop_in_background(&run);
    {
        let _waiting = ctx.deliberately();
        finished_within(&stop, QUIET);
    }
    gate.open();
    ensure(finished_within(&blocked, WITHIN), || {
        Failure::new(
            Check::Stretch,
            "blocking_submit returns once the queue has room",
            "it never returned".to_string(),
        )
    })?;
    let r = blocked.join().unwrap_or(None);
    let Some(r) = r else {
        return Err(Stop::NotAttempted(
            "blocking_submit is not attempted".into(),
        ));
    };
    ensure(!early && r == Ok(()), || {
        Failure::new(
            Check::Stretch,
            "blocking_submit waits while the queue is full, through a stop called meanwhile, then Ok once a held job is let go",
            format!("{r:?}{}", if early { ", returned while the queue was still full" } else { "" }),
        )
        .hint("blocking_submit sends with a plain (blocking) send on a clone of the jobs sender, outside the pool's lock: a stop called meanwhile drains the queue, and the send lands")
    })?;
    accepted.insert(9_002);
    ensure(finished_within(&stop, WITHIN), || {
        Failure::new(
            Check::GracefulShutdown,
            "stop returns once the held jobs are let go",
            "it never returned".to_string(),
        )
    })?;
    let (got, _) = results_after_stop(run)?;
    every_accepted_once(
        &accepted,
        &got,
        Check::Stretch,
        "after blocking_submit and stop (its job included)",
    )?;
    Ok(())
}

/// A held pool one slot short of full, and three threads lined up to submit at once: exactly one
/// may get the last slot. A room checked under one lock and taken under another lets two in.
/// Round after round, each a fresh pool, until [`MET`] rounds had two submits running at the same
/// time (measured, so a loaded machine that keeps the racers apart gets more rounds, not a pass).
fn concurrent_submits_fill_exactly(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let bs = attempted(sol.task08(), TASK)?;
    /// Rounds whose submits overlapped, and the most rounds run to get them.
    const MET: usize = 150;
    const MOST: usize = 3_000;
    const RACERS: i64 = 3;
    let cfg = PoolConfig {
        workers: 2,
        jobs_buffer: 3,
        results_buffer: 4,
    };
    let capacity = cfg.workers + cfg.jobs_buffer;
    let mut met = 0;
    for round in 0..MOST {
        if met >= MET {
            break;
        }
        let ledger = ctx.counting_ledger("jobs");
        let gate = Gate::closed();
        let _open = gate.open_on_drop();
        let run = started(bs, cfg, &ledger, Probe::new(ledger.clone()).gated(&gate))?;
        ctx.stage(format!(
            "round {round}: {RACERS} threads racing for the last slot of a held pool"
        ));
        let mut accepted = 0;
        for job in 0..capacity as i64 - 1 {
            accepted += fill(ctx, &run, job, 1)?.len();
            ledger.wait_for(GET_GOING, |s| {
                s.started >= (job + 1).min(cfg.workers as i64) as u64
            });
        }
        let line = support::LineUp::new(RACERS as usize);
        let racers: Vec<JoinHandle<(bool, Instant, Instant)>> = (0..RACERS)
            .map(|t| {
                let (pool, line) = (run.pool.clone(), line.clone());
                std::thread::Builder::new()
                    .name("poolcheck-submitter".into())
                    .spawn(move || {
                        let token = live();
                        line.go();
                        let from = Instant::now(); // real time: whether the submits met
                        let ok = pool.submit(&token, 1_000 + t).is_ok();
                        (ok, from, Instant::now()) // real time: whether the submits met
                    })
                    .expect("the scenario can start a thread")
            })
            .collect();
        let spans: Vec<_> = racers.into_iter().filter_map(|h| h.join().ok()).collect();
        accepted += spans.iter().filter(|s| s.0).count();
        met += support::overlapped(spans.iter().map(|s| (s.1, s.2))) as usize;
        accepted += fill(ctx, &run, 2_000, 2)?.len();
        gate.open();
        stopped(ctx, run)?;
        ensure(accepted == capacity, || {
            Failure::new(
                Check::BufferSize,
                format!("round {round}: {capacity} submits accepted in all ({} workers busy, jobs_buffer {}), the last slot taken by one of three submits made at once", cfg.workers, cfg.jobs_buffer),
                format!("{accepted} accepted"),
            )
            .hint("the check for room and the taking of it must be one step: try_send on sync_channel(jobs_buffer) is; a length read under one lock and a push under another lets two submits take the last slot")
        })?;
    }
    ensure(met >= MET, || {
        Failure::new(
            Check::BufferSize,
            format!("{MET} rounds in which two submits ran at the same time"),
            format!("{met} in {MOST} rounds: the machine kept the racing threads apart, so nothing was decided"),
        )
        .undecided()
    })?;
    Ok(())
}
