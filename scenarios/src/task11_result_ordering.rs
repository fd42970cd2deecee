//! Task 11, Result Ordering: what decides whether a solution meets it.
//!
//! Completion orders are made, not hoped for: each job waits at a gate of its own, and the
//! scenario lets the running jobs finish one at a time in an order proptest draws from the seed.
//! After each finish the stream must have emitted exactly the finished prefix: no result late
//! (buffered longer than it had to be), none early (out of order). A stalled head job shows the
//! window: the pool takes exactly `window` jobs and waits.

use crate::support::{self, apart_from_cpus};
use harness::contracts::task11_result_ordering::{
    ResultOrdering, StreamConfig, SEED_WORKERS, TASK,
};
use harness::contracts::{PoolConfig, PoolError, Solution};
use harness::ledger::Ledger;
use harness::probe::{Gate, Gates, Jobs, Probe};
use harness::scenario::attempted;
use harness::timing::{GET_GOING, QUIET, WITHIN};
use harness::{ensure, ensure_eq, Check, Ctx, Failure, Outcome};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestError, TestRng, TestRunner};
use std::sync::Arc;

/// The seed's pool of 8, its jobs buffer and results apart from it.
fn cfg() -> PoolConfig {
    PoolConfig {
        workers: apart_from_cpus(SEED_WORKERS, SEED_WORKERS + 1),
        jobs_buffer: apart_from_cpus(3, 4),
        results_buffer: apart_from_cpus(5, 6),
    }
}

/// A small pool, for the window and the orders.
fn small() -> PoolConfig {
    PoolConfig {
        workers: apart_from_cpus(3, 4),
        jobs_buffer: 2,
        results_buffer: 1,
    }
}

fn stream(pool: PoolConfig, window: usize) -> StreamConfig {
    StreamConfig { pool, window }
}

pub fn scenarios() -> Vec<harness::Scenario> {
    vec![
        TASK.scenario("slice_in_input_order_under_any_completion", &[Check::Requirement],
            "16 inputs of up to 16 numbers (repeated and negative ones among them) whose jobs finish one at a time in orders drawn by proptest: the slice holds each square at its number's position, each job keyed by its position",
            slice_in_input_order_under_any_completion),
        TASK.scenario("stream_emits_each_square_as_soon_as_it_can", &[Check::Requirement],
            "the same orders on the stream: after every finish, exactly the squares of the finished prefix have been emitted, in input order",
            stream_emits_each_square_as_soon_as_it_can),
        TASK.scenario("runs_the_configured_workers", &[Check::PoolSize],
            "with every job held, exactly cfg.workers run at once in both versions (the seed's 8, then 3: never the CPU count)",
            runs_the_configured_workers),
        TASK.scenario("a_stalled_head_holds_the_window", &[Check::BufferSize],
            "with the first job held and the others free, the stream takes exactly `window` jobs, buffers the window-1 that finished, and waits (windows 6 and 11); let go, everything comes out in order",
            a_stalled_head_holds_the_window),
        TASK.scenario("jobs_taken_ahead_fill_the_jobs_buffer", &[Check::BufferSize],
            "with every worker held, both versions take jobs_buffer numbers beyond those running, plus at most one in the producer's hand",
            jobs_taken_ahead_fill_the_jobs_buffer),
        TASK.scenario("results_wait_in_the_results_buffer", &[Check::BufferSize],
            "with emit held at the first square, results_buffer squares wait plus one in each blocked worker's hand, and no more (a window too wide to bind)",
            results_wait_in_the_results_buffer),
        TASK.scenario("in_order_under_perturbed_schedules", &[Check::Requirement],
            "both versions, 120 numbers, run until 30 000 job events ran under perturbed schedules (one CPU, a preempting timer): every run in input order",
            in_order_under_perturbed_schedules).races(),
        TASK.scenario("no_thread_outlives_either_version", &[Check::AllJoined, Check::NoLeaks],
            "with the pool's threads starting late, both versions return only once every job has run, nothing runs after, and every thread the pool started exits", no_thread_outlives_either_version),
        TASK.scenario("empty_input_is_empty_output", &[Check::Requirement],
            "no numbers: an empty slice, a stream that emits nothing, both returning at once", empty_input_is_empty_output),
        TASK.scenario("zero_workers_or_window_is_refused", &[Check::GracefulShutdown],
            "zero workers gets PoolError::ZeroWorkers from both versions, a zero window from the stream, not a hang",
            zero_workers_or_window_is_refused),
    ]
}

fn numbers(ledger: &Arc<Ledger>, input: Vec<i64>) -> Jobs<i64> {
    Jobs::new(ledger.clone(), input, |n| n.to_string())
}

/// Which version a run calls.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Version {
    Slice,
    Stream(usize),
}

/// Calls `version` with `input` on the calling thread and returns the squares in the order the
/// solution gave them. The stream's squares are delivered to the ledger as they are emitted, the
/// first one held at `hold` if given; a square emitted from another thread than the caller's is
/// a failure.
fn call_version(
    ro: &dyn ResultOrdering,
    version: Version,
    pool: PoolConfig,
    ledger: &Arc<Ledger>,
    input: Vec<i64>,
    probe: Probe<usize>,
    hold: Option<&Gate>,
) -> Result<Vec<i64>, Failure> {
    if let Version::Stream(_) = version {
        ledger.reads_results();
    }
    let caller = std::thread::current().id();
    let (mut got, mut elsewhere, mut early) = (Vec::new(), 0, 0);
    let r = match version {
        Version::Slice => ro
            .ordered_slice(pool, numbers(ledger, input), probe)
            .map(|v| got = v),
        Version::Stream(window) => ro.ordered_stream(
            stream(pool, window),
            numbers(ledger, input),
            probe,
            &mut |sq| {
                let index = got.len().to_string();
                let done = ledger.lives().and_then(|l| l.get(&index).copied());
                early += usize::from(done.is_some_and(|l| l.finished == 0));
                ledger.deliver(sq);
                got.push(sq);
                elsewhere += usize::from(std::thread::current().id() != caller);
                if let (Some(hold), 1) = (hold, got.len()) {
                    hold.wait();
                }
            },
        ),
    };
    ledger.close();
    support::returned(
        Check::Requirement,
        "the call returns Ok with every square",
        r,
    )?;
    ensure(early == 0, || {
        Failure::new(Check::Requirement, "each square emitted after its job finished inside probe.run", format!("{early} of {} emitted before their job's probe.run had finished", got.len()))
            .hint("compute the square inside probe.run(index, || n * n) and send what it returns: the bracket is the job")
    })?;
    ensure(elsewhere == 0, || {
        Failure::new(Check::Requirement, "every square emitted on the calling thread", format!("{elsewhere} of {} emitted from another thread", got.len()))
            .hint("emit is the consumer's: the calling thread takes each result from the results channel and emits from the reorder buffer; never hand emit to the workers")
    })?;
    Ok(got)
}

/// Calls `version` on its own thread with `input`, every job held at its own gate; lets the
/// running jobs finish one at a time, picking each by the next of `picks` among those running;
/// after each finish, checks the stream's emitted prefix. Returns the squares in the order the
/// solution gave them.
fn run_in_order(
    ro: &dyn ResultOrdering,
    ctx: &Ctx,
    version: Version,
    pool: PoolConfig,
    input: &[i64],
    picks: &[usize],
) -> Result<Vec<i64>, Failure> {
    let ledger = ctx.ledger("numbers");
    let gates = Arc::new(Gates::<usize>::default());
    let probe = Probe::new(ledger.clone()).with_hook(gates.hook());
    std::thread::scope(|s| {
        let _open = gates.open_on_drop(); // before the scope joins the call, on every path
        let (l, owned) = (ledger.clone(), input.to_vec());
        let call = s.spawn(move || call_version(ro, version, pool, &l, owned, probe, None));
        let mut finished = vec![false; input.len()];
        for (step, pick) in picks.iter().enumerate().take(input.len()) {
            if call.is_finished() {
                break; // returned (or panicked) early: what it returned says how
            }
            let outside: Vec<String> = (ledger.lives().unwrap_or_default().into_iter())
                .filter(|(k, l)| {
                    l.started > 0 && k.parse::<usize>().map_or(true, |i| i >= input.len())
                })
                .map(|(k, _)| k)
                .collect();
            ensure(outside.is_empty(), || {
                Failure::new(
                    Check::Requirement,
                    format!("each job keyed by its position, 0 to {}", input.len() - 1),
                    format!("jobs keyed {outside:?}"),
                )
                .hint("probe.run(index, || n * n) with the index the producer gave the number: positions count from 0")
            })?;
            // The counters move before the lives are written: read the lives until they show
            // the running job the counters promise.
            let s = ledger.wait_for(GET_GOING, |s| s.started > step as u64 && s.in_flight > 0);
            let running_now = || -> Vec<usize> {
                let lives = ledger.lives().unwrap_or_default();
                let running = lives
                    .iter()
                    .filter(|(_, l)| l.started > 0 && l.finished == 0);
                // A job let go whose finish the lives do not show yet is not running either.
                let running = running.filter_map(|(k, _)| k.parse::<usize>().ok());
                running
                    .filter(|i| !finished.get(*i).copied().unwrap_or(true))
                    .collect()
            };
            let deadline = std::time::Instant::now() + GET_GOING; // real time: a bound
            let before = |deadline| std::time::Instant::now() < deadline; // real time: a bound on a spin
            let mut running = running_now();
            while running.is_empty() && s.in_flight > 0 && before(deadline) {
                std::thread::yield_now();
                running = running_now();
            }
            support::deciding(
                Check::Requirement,
                !running.is_empty(),
                &format!("a job running at step {step}"),
                &format!("none ({s:?})"),
            )?;
            let done = running[pick % running.len()];
            gates.of(&done).open();
            ledger.wait_for(GET_GOING, |s| s.finished > step as u64);
            finished[done] = true;
            if let Version::Stream(_) = version {
                let prefix = finished.iter().take_while(|f| **f).count();
                // A square emitted too early shows here or in the final order; one held back
                // shows as this wait running out.
                let s = ledger.wait_for(GET_GOING, |s| s.delivered >= prefix as u64);
                ensure(s.delivered == prefix as u64, || {
                    Failure::new(
                        Check::Requirement,
                        format!("after {} finished (the prefix 0..{prefix} done), exactly {prefix} squares emitted", step + 1),
                        format!("{} emitted{}", s.delivered, if s.delivered < prefix as u64 { ": a square held back though every earlier one was done" } else { ": a square emitted before an earlier one finished" }),
                    )
                    .hint("after each result arrives, emit from the reorder buffer while it holds the next expected index (while let Some(v) = buf.remove(&next) { emit(v); next += 1 }); collecting everything and sorting at the end is not a stream")
                })?;
            }
        }
        gates.open_all();
        call.join().unwrap_or_else(|p| std::panic::resume_unwind(p))
    })
}

/// Inputs with repeated numbers, run before the drawn ones in every run: a solution that finds a
/// square's place by its number (a map from number to position) loses a repeat, and drawn inputs
/// hold a repeat only by luck.
const REPEATS: [(&[i64], [usize; 16]); 2] = [
    (
        &[4, -4, 4, 7, 4, 0, 0],
        [6, 5, 4, 3, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    ),
    (&[9, 9, 9, 9], [0; 16]),
];

/// Input orders and completion orders: the fixed `REPEATS` first, then drawn from the run's seed.
fn orders(
    ctx: &Ctx,
    cases: u32,
    mut check: impl FnMut(&[i64], &[usize]) -> Result<(), Failure>,
) -> Outcome {
    for (input, picks) in REPEATS {
        check(input, &picks).map_err(|f| {
            let observed = format!("for the input {input:?} (a number repeated), its running jobs finished in the order the picks {:?} choose: {}", &picks[..input.len()], f.observed);
            Failure { observed, ..f }
        })?;
    }
    let config = Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 2,
        ..Config::default()
    };
    let rng = TestRng::from_seed(
        RngAlgorithm::ChaCha,
        &crate::words::seed_bytes_from(ctx.seed),
    );
    let mut runner = TestRunner::new_with_rng(config, rng);
    let strategy = (
        prop::collection::vec(-50i64..50, 1..16),
        prop::collection::vec(0usize..64, 16),
    );
    let last = std::cell::RefCell::new(None);
    let check = std::cell::RefCell::new(&mut check);
    let outcome = runner.run(&strategy, |(input, picks)| {
        (check.borrow_mut())(&input, &picks).map_err(|f| {
            let why = f.observed.clone();
            *last.borrow_mut() = Some(f);
            TestCaseError::fail(why)
        })
    });
    match (outcome, last.into_inner()) {
        (Ok(()), _) => Ok(()),
        (Err(TestError::Fail(_, (input, picks))), Some(f)) => Err(Failure::new(
            f.check,
            f.expected,
            format!("for the input {input:?}, its running jobs finished in the order the picks {:?} choose (the smallest failing case proptest found): {}", &picks[..input.len()], f.observed),
        )
        .hint(f.hint.unwrap_or_default())
        .into()),
        (Err(e), _) => Err(Failure::new(Check::Requirement, "every order run", format!("the property run stopped: {e}")).into()),
    }
}

fn squares(input: &[i64]) -> Vec<i64> {
    input.iter().map(|n| n * n).collect()
}

fn slice_in_input_order_under_any_completion(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let ro = attempted(sol.task11(), TASK)?;
    let ctx = &*ctx;
    orders(ctx, 16, |input, picks| {
        ctx.stage(format!(
            "the slice version, {} numbers finishing in a drawn order",
            input.len()
        ));
        let got = run_in_order(ro, ctx, Version::Slice, small(), input, picks)?;
        ensure_eq(Check::Requirement, "the slice: each number's square at its position", squares(input), got,
            "index each job in the producer as it is taken (for (i, n) in numbers.enumerate()) and write the result at that index: results[i] = square")
    })
}

fn stream_emits_each_square_as_soon_as_it_can(
    sol: &'static dyn Solution,
    ctx: &mut Ctx,
) -> Outcome {
    let ro = attempted(sol.task11(), TASK)?;
    let ctx = &*ctx;
    orders(ctx, 16, |input, picks| {
        ctx.stage(format!(
            "the stream, {} numbers finishing in a drawn order",
            input.len()
        ));
        let got = run_in_order(ro, ctx, Version::Stream(6), small(), input, picks)?;
        ensure_eq(Check::Requirement, "the stream: every square once, in input order", squares(input), got,
            "keep early results in a map keyed by index and emit while it holds the next expected one")
    })
}

/// Holds every job; returns the settled counters.
fn held(
    ro: &dyn ResultOrdering,
    ctx: &Ctx,
    version: Version,
    pool: PoolConfig,
    n: usize,
) -> Result<harness::ledger::Snapshot, Failure> {
    let ledger = ctx.ledger("numbers");
    let gate = Gate::closed();
    let probe = Probe::new(ledger.clone()).gated(&gate);
    let input: Vec<i64> = (0..n as i64).collect();
    let (snap, r) = harness::hold::while_held(ctx, &ledger, &gate, pool.workers as u64, || {
        call_version(ro, version, pool, &ledger, input.clone(), probe, None)
    });
    r?;
    Ok(snap)
}

fn runs_the_configured_workers(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let ro = attempted(sol.task11(), TASK)?;
    for pool in [cfg(), small()] {
        for (version, name) in [
            (Version::Slice, "ordered_slice"),
            (Version::Stream(2 * pool.workers + 3), "ordered_stream"),
        ] {
            let s = held(ro, ctx, version, pool, 3 * pool.workers + 4)?;
            ensure_eq(
                Check::PoolSize,
                &format!("{name}: jobs running at once with every job held, cfg.workers = {} on a machine of {} CPUs", pool.workers, PoolConfig::num_cpu()),
                pool.workers as u64,
                s.peak_in_flight,
                "start exactly cfg.workers worker threads (the seed's 8 is only a default), each taking one job at a time",
            )?;
        }
    }
    Ok(())
}

/// The call runs on a thread of its own that the scenario need not join: the window is judged
/// while the head is held, before anything else can go wrong.
fn a_stalled_head_holds_the_window(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let ro = attempted(sol.task11(), TASK)?;
    for window in [6, 11] {
        let ledger = ctx.ledger("numbers");
        let head = Gate::closed();
        let _open = head.open_on_drop();
        let h = head.clone();
        let probe = Probe::new(ledger.clone()).with_hook(move |i: &usize| {
            if *i == 0 {
                h.wait();
            }
        });
        let input: Vec<i64> = (0..40).map(|n| n - 7).collect();
        let (l, owned) = (ledger.clone(), input.clone());
        let call = std::thread::Builder::new()
            .name("poolcheck-call".into())
            .spawn(move || {
                call_version(ro, Version::Stream(window), small(), &l, owned, probe, None)
            })
            .expect("the scenario can start a thread");
        ctx.stage(format!("holding the first job, window {window}"));
        ledger.wait_for(GET_GOING, |s| s.finished + 1 >= window as u64);
        let stalled = ledger.settle(QUIET, WITHIN);
        ensure(
            stalled.taken == window as u64 && stalled.delivered == 0,
            || {
                Failure::new(
                Check::BufferSize,
                format!("with the first job stalled, exactly window = {window} numbers taken, none emitted"),
                format!("{} taken, {} finished and waiting, {} emitted", stalled.taken, stalled.finished, stalled.delivered),
            )
            .hint(if stalled.taken > window as u64 {
                "bound what is out, not only what is buffered: take a permit (a token from a channel of `window`) before taking each number, and give one back for each square emitted"
            } else {
                "the window is how many jobs may be out at once: let the producer run until `window` are taken and not emitted"
            })
            },
        )?;
        head.open();
        ctx.stage(format!(
            "waiting for ordered_stream to return after the head was let go, window {window}"
        ));
        ensure(support::within(WITHIN, || call.is_finished()), || {
            Failure::new(
                Check::GracefulShutdown,
                "ordered_stream returns once the stalled head is let go",
                format!(
                    "it had not returned after {} s ({})",
                    WITHIN.as_secs(),
                    ledger.describe()
                ),
            )
        })?;
        let got = call
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p))?;
        ensure_eq(
            Check::Requirement,
            "once the head is let go, every square in input order",
            squares(&input),
            got,
            "emit from the reorder buffer while it holds the next expected index",
        )?;
    }
    Ok(())
}

fn jobs_taken_ahead_fill_the_jobs_buffer(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let ro = attempted(sol.task11(), TASK)?;
    for pool in [cfg(), small()] {
        let n = 3 * pool.workers + pool.jobs_buffer + 4;
        // A window wide enough not to be the bound: the jobs channel is.
        for version in [Version::Slice, Version::Stream(n)] {
            let s = held(ro, ctx, version, pool, n)?;
            support::jobs_window(pool, &s, "numbers", "feed the numbers through sync_channel(cfg.jobs_buffer) from a producer thread, numbering them as it takes them")?;
        }
    }
    Ok(())
}

/// The stream with its first square held in `emit`: the squares finished and not emitted are the
/// results channel full and one in each blocked worker's hand, with a window too wide to bind.
fn results_wait_in_the_results_buffer(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let ro = attempted(sol.task11(), TASK)?;
    for pool in [cfg(), small()] {
        let full = (pool.results_buffer + pool.workers) as u64;
        let n = 4 * (pool.workers + pool.results_buffer + pool.jobs_buffer);
        let ledger = ctx.ledger("numbers");
        let hold = Gate::closed();
        let input: Vec<i64> = (0..n as i64).collect();
        // The first job finishes alone, so its square is emitted (and held) with the reorder
        // buffer empty; then the rest run.
        let rest = Gate::closed();
        let r = rest.clone();
        let probe = Probe::new(ledger.clone()).with_hook(move |i: &usize| {
            if *i != 0 {
                r.wait();
            }
        });
        let (held, got) = std::thread::scope(|s| {
            let _open = (hold.open_on_drop(), rest.open_on_drop());
            let (l, h, owned) = (ledger.clone(), hold.clone(), input.clone());
            let call = s.spawn(move || {
                call_version(ro, Version::Stream(n), pool, &l, owned, probe, Some(&h))
            });
            ctx.stage("holding emit at the first square until the pool fills up");
            ledger.wait_for(GET_GOING, |s| s.delivered >= 1);
            rest.open();
            ledger.wait_for(GET_GOING, |s| s.unread() >= full);
            let held = ledger.settle(QUIET, WITHIN);
            hold.open();
            (
                held,
                call.join().unwrap_or_else(|p| std::panic::resume_unwind(p)),
            )
        });
        ensure_eq(
            Check::Requirement,
            "every square in input order",
            squares(&input),
            got?,
            "emit from the reorder buffer in index order",
        )?;
        support::deciding(
            Check::BufferSize,
            held.delivered >= 1,
            "the first square reached emit",
            "it never did",
        )?;
        ensure(held.unread() == full, || {
            Failure::new(
                Check::BufferSize,
                format!("with emit held, {full} squares finished and not emitted (results_buffer {}, plus one in each of {} blocked workers' hands)", pool.results_buffer, pool.workers),
                format!("{} finished, {} emitted: {} waiting", held.finished, held.delivered, held.unread()),
            )
            .hint("send results through sync_channel(cfg.results_buffer): the window bounds the jobs out, the results channel how far the workers run ahead of the consumer")
        })?;
    }
    Ok(())
}

/// Both versions run again and again under perturbed schedules: an index taken in the worker
/// (from a counter, after the receive) instead of the producer swaps two jobs whenever a worker
/// is preempted between its receive and its count.
fn in_order_under_perturbed_schedules(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let ro = attempted(sol.task11(), TASK)?;
    const RUNS: usize = 400;
    const EVENTS: u64 = 30_000;
    let input: Vec<i64> = (0..120).map(|n| n * 7 - 300).collect();
    ctx.perturbed(|ctx| {
        for run in 0..RUNS {
            let version = if run % 2 == 0 { Version::Slice } else { Version::Stream(7) };
            let ledger = ctx.counting_ledger("numbers");
            ctx.stage(format!("run {run} under perturbed schedules"));
            let got = call_version(ro, version, small(), &ledger, input.clone(), Probe::new(ledger.clone()), None)?;
            ensure_eq(Check::Requirement, &format!("run {run}: every square at its number's position"), squares(&input), got,
                "number each job in the producer as it takes it: an index a worker takes from a counter after its receive follows the order the workers count in, not the input's")?;
            if ctx.perturbed_events() >= EVENTS {
                return Ok(());
            }
        }
        Ok(())
    })
}

/// The pool's threads start late (held at their start until the call blocks on them or
/// returns), so a call that waits on a count its workers keep themselves returns before they
/// run; then every thread must exit, and no job run after the call returned.
fn no_thread_outlives_either_version(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let ro = attempted(sol.task11(), TASK)?;
    let input: Vec<i64> = (0..30).collect();
    for (version, name) in [
        (Version::Slice, "ordered_slice"),
        (Version::Stream(5), "ordered_stream"),
    ] {
        let ledger = ctx.ledger("numbers");
        let probe = Probe::new(ledger.clone());
        let mut got = Vec::new();
        support::no_thread_outlives(ctx, name, || {
            got = call_version(ro, version, small(), &ledger, input.clone(), probe, None)?;
            Ok(())
        })?;
        support::nothing_after_return(&ledger.settle(QUIET, WITHIN))?;
        ensure_eq(
            Check::Requirement,
            &format!("{name}: every square in input order"),
            squares(&input),
            got,
            "put each result at its index",
        )?;
    }
    Ok(())
}

fn empty_input_is_empty_output(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let ro = attempted(sol.task11(), TASK)?;
    let ledger = ctx.ledger("numbers");
    ctx.stage("the slice version with no numbers");
    let r = ro.ordered_slice(
        small(),
        numbers(&ledger, vec![]),
        Probe::new(ledger.clone()),
    );
    ensure(r == Ok(vec![]), || {
        Failure::new(
            Check::Requirement,
            "ordered_slice with no numbers: Ok(vec![])",
            format!("{r:?}"),
        )
        .hint("no numbers is an empty answer, not an error")
    })?;
    ctx.stage("the stream with no numbers");
    let mut emitted = 0;
    let r = ro.ordered_stream(
        stream(small(), 4),
        numbers(&ledger, vec![]),
        Probe::new(ledger.clone()),
        &mut |_| emitted += 1,
    );
    ensure(r == Ok(()) && emitted == 0, || {
        Failure::new(
            Check::Requirement,
            "ordered_stream with no numbers: Ok(()), nothing emitted",
            format!("{r:?}, {emitted} emitted"),
        )
    })?;
    Ok(())
}

fn zero_workers_or_window_is_refused(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let ro = attempted(sol.task11(), TASK)?;
    let ledger = ctx.ledger("numbers");
    let input: Vec<i64> = (0..10).collect();
    let zero = PoolConfig {
        workers: 0,
        ..small()
    };
    ctx.stage("ordered_slice with zero workers");
    let r = ro.ordered_slice(
        zero,
        numbers(&ledger, input.clone()),
        Probe::new(ledger.clone()),
    );
    ensure(r == Err(PoolError::ZeroWorkers), || {
        Failure::new(
            Check::GracefulShutdown,
            "ordered_slice with zero workers: Err(ZeroWorkers)",
            format!("{r:?}"),
        )
        .hint("check cfg.workers before starting any thread")
    })?;
    for (cfg, what) in [
        (stream(zero, 4), "zero workers"),
        (stream(small(), 0), "a zero window"),
    ] {
        ctx.stage(format!("ordered_stream with {what}"));
        let r = ro.ordered_stream(
            cfg,
            numbers(&ledger, input.clone()),
            Probe::new(ledger.clone()),
            &mut |_| {},
        );
        ensure(r == Err(PoolError::ZeroWorkers), || {
            Failure::new(Check::GracefulShutdown, format!("ordered_stream with {what}: Err(ZeroWorkers)"), format!("{r:?}"))
                .hint("check cfg.pool.workers and cfg.window before starting any thread: a window of 0 lets no job out")
        })?;
    }
    Ok(())
}
