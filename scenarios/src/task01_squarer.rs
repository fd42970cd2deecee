//! Task 1, Squarer: what decides whether a solution meets it.

use crate::support;
use harness::contracts::task01_squarer::{Squared, Squarer, TASK};
use harness::contracts::{PoolConfig, PoolError, Solution};
use harness::hold::{returns_while_held, while_held};
use harness::ledger::{Ledger, Snapshot};
use harness::probe::{Gate, Jobs, Probe};
use harness::scenario::attempted;
use harness::timing::{GET_GOING, QUIET, WITHIN};
use harness::{ensure, ensure_eq, Check, Ctx, Failure, Outcome, Scenario};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The seed's pool: 4 workers; buffers smaller than the input, so their bounds show, and unequal
/// to each other and to the workers, so using one for another shows.
const CFG: PoolConfig = PoolConfig {
    workers: 4,
    jobs_buffer: 7,
    results_buffer: 3,
};
/// Another pool, so a count taken from the seed (4) or the machine (2) instead of the config
/// shows: no quantity here equals one of CFG's or the CPU count of a 2-core machine.
const OTHER: PoolConfig = PoolConfig {
    workers: 5,
    jobs_buffer: 9,
    results_buffer: 6,
};
const N: usize = 100;
/// The largest magnitude the contract allows: its square still fits an i64.
const MAX: i64 = 3_037_000_499;

pub fn scenarios() -> Vec<Scenario> {
    vec![
        TASK.scenario("every_square_exactly_once", &[Check::Requirement, Check::GracefulShutdown],
            "100 numbers in, each square out exactly once with its input index", every_square_exactly_once),
        TASK.scenario("runs_exactly_the_configured_workers", &[Check::PoolSize],
            "with every job held, exactly cfg.workers jobs run at once (4, then 5)", runs_exactly_the_configured_workers),
        TASK.scenario("jobs_channel_holds_its_buffer", &[Check::BufferSize],
            "with workers held, the pool takes jobs_buffer jobs beyond those running, plus at most one in the producer's hand",
            jobs_channel_holds_its_buffer),
        TASK.scenario("results_channel_holds_its_buffer", &[Check::BufferSize],
            "with the consumer held, results_buffer results wait, plus at most one in each blocked worker's hand",
            results_channel_holds_its_buffer),
        TASK.scenario("results_end_once_after_the_last_worker", &[Check::CloseOnce],
            "with one job held, the call does not return (the results stream does not end) until it finished, and nothing runs after it",
            results_end_once_after_the_last_worker),
        TASK.scenario("a_panicking_job_is_reported", &[Check::ErrorsHandled],
            "more jobs panic than there are workers: every other square is emitted and the call returns Err(JobPanicked)",
            a_panicking_job_is_reported),
        TASK.scenario("exact_under_perturbed_schedules", &[Check::Requirement, Check::AllJoined],
            "runs of 2 000 numbers (4 to 12, until 8 000 ran perturbed) on one contended CPU, the producer above the workers, with preemption at random points: every square once with its index, every worker joined",
            exact_under_perturbed_schedules).races(),
        TASK.scenario("no_thread_outlives_the_pool", &[Check::NoLeaks, Check::AllJoined],
            "every thread the pool started has exited once it returned", no_thread_outlives_the_pool),
        TASK.scenario("one_slot_buffers_do_not_deadlock", &[Check::GracefulShutdown],
            "buffers of one job and one result still drain 200 numbers", one_slot_buffers_do_not_deadlock),
        TASK.scenario("zero_workers_is_refused", &[Check::GracefulShutdown],
            "zero workers gets PoolError::ZeroWorkers at once, not a hang", zero_workers_is_refused),
        TASK.scenario("empty_input_is_refused", &[Check::GracefulShutdown],
            "no numbers gets PoolError::EmptyInput, not a hang", empty_input_is_refused),
        TASK.scenario("stretch_results_in_input_order", &[Check::Stretch],
            "square_all_in_order emits by input index even when jobs finish out of order",
            stretch_results_in_input_order),
    ]
}

/// Every class of number the contract allows: zero, negatives, both extremes, and repeats (a
/// solution that finds a number's index by its value gives two of them one index).
fn numbers(ctx: &mut Ctx, n: usize) -> Vec<i64> {
    let mut v = vec![0, MAX, -MAX, 1, -1];
    while v.len() < n {
        let x = ctx.rng.i64(-MAX..=MAX);
        v.push(x);
        if ctx.rng.u8(..) < 40 && v.len() < n {
            v.push(x); // a repeat
        }
    }
    v.truncate(n);
    ctx.rng.shuffle(&mut v);
    v
}

/// Like [`numbers`] without repeats, zero and both extremes still among them: for scenarios
/// that hold or reorder a job by its number.
fn distinct(ctx: &mut Ctx, n: usize) -> Vec<i64> {
    let mut seen: std::collections::BTreeSet<i64> = [0, MAX, -MAX, 1, -1].into();
    while seen.len() < n {
        seen.insert(ctx.rng.i64(-MAX..=MAX));
    }
    let mut v: Vec<i64> = seen.into_iter().collect();
    ctx.rng.shuffle(&mut v);
    v
}

/// The keys the contract asks for: each number itself, once per occurrence.
fn keys(input: &[i64]) -> Vec<String> {
    input.iter().map(|n| n.to_string()).collect()
}

fn jobs(ledger: &Arc<Ledger>, input: Vec<i64>) -> Jobs<i64> {
    Jobs::new(ledger.clone(), input, |n| n.to_string())
}

fn returned(what: &str, r: Result<(), PoolError>) -> Result<(), Failure> {
    support::returned(Check::Requirement, &format!("{what} returns Ok(())"), r)
}

/// Runs `square_all` with a sink that records every delivery; returns what was emitted.
fn run_all(
    sq: &dyn Squarer,
    cfg: PoolConfig,
    ledger: &Arc<Ledger>,
    input: Vec<i64>,
    probe: Probe<i64>,
) -> (Result<(), PoolError>, Vec<Squared>) {
    let mut out = Vec::new();
    let r = sq.square_all(cfg, jobs(ledger, input), probe, &mut |s| {
        ledger.deliver(s.square);
        out.push(s);
    });
    ledger.close();
    (r, out)
}

fn every_square_exactly_once(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let sq = attempted(sol.task01(), TASK)?;
    let input = numbers(ctx, N);
    let ledger = ctx.ledger("squares");
    ctx.stage("waiting for square_all to return");
    let (r, out) = run_all(sq, CFG, &ledger, input.clone(), Probe::new(ledger.clone()));
    returned("square_all", r)?;
    let mut by_index: BTreeMap<usize, Vec<i64>> = BTreeMap::new();
    for s in &out {
        by_index.entry(s.index).or_default().push(s.square);
    }
    for (i, n) in input.iter().enumerate() {
        let got = by_index.remove(&i).unwrap_or_default();
        ensure(got == [n * n], || {
            Failure::new(
                Check::Requirement,
                format!("input #{i} ({n}) yields one result, {}", n * n),
                format!("it yielded {got:?} ({} results in all for {N} numbers)", out.len()),
            )
            .hint(if got.is_empty() {
                "a result was lost: every worker must send every square, and the consumer must read until the results channel closes"
            } else {
                "a result was delivered twice, or carries the wrong index or value"
            })
        })?;
    }
    ensure(by_index.is_empty(), || {
        Failure::new(
            Check::Requirement,
            "indices 0..100 only",
            format!(
                "results for indices {:?}",
                by_index.keys().collect::<Vec<_>>()
            ),
        )
    })?;
    ledger.check_keys(
        keys(&input).iter().map(String::as_str),
        "by the number squared",
    )?;
    Ok(())
}

/// Holds every job at a gate, lets the pool fill up, and returns the settled counters.
fn held_pool(sq: &dyn Squarer, ctx: &mut Ctx, cfg: PoolConfig) -> Result<Snapshot, Failure> {
    let input = numbers(ctx, N);
    let ledger = ctx.ledger("squares");
    let gate = Gate::closed();
    let probe = Probe::new(ledger.clone()).gated(&gate);
    let (held, (r, _)) = while_held(ctx, &ledger, &gate, cfg.workers as u64, || {
        run_all(sq, cfg, &ledger, input, probe)
    });
    returned("square_all", r)?;
    Ok(held)
}

fn runs_exactly_the_configured_workers(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let sq = attempted(sol.task01(), TASK)?;
    for cfg in [CFG, OTHER] {
        let held = held_pool(sq, ctx, cfg)?;
        ensure_eq(
            Check::PoolSize,
            &format!("jobs running at once with every job held, cfg.workers = {}", cfg.workers),
            cfg.workers as u64,
            held.peak_in_flight,
            "spawn exactly cfg.workers worker threads (not the seed's 4, not the CPU count), each taking one job at a time",
        )?;
    }
    Ok(())
}

fn jobs_channel_holds_its_buffer(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let sq = attempted(sol.task01(), TASK)?;
    for cfg in [CFG, OTHER] {
        let held = held_pool(sq, ctx, cfg)?;
        support::jobs_window(cfg, &held, "jobs", "make the jobs channel sync_channel(cfg.jobs_buffer), fed by a producer thread: an unbounded or larger channel lets the producer run ahead; a smaller one (or collecting the input first) is not the buffer asked for")?;
    }
    Ok(())
}

fn results_channel_holds_its_buffer(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let sq = attempted(sol.task01(), TASK)?;
    let input = numbers(ctx, N);
    let ledger = ctx.ledger("squares");
    let consumer = Gate::closed();
    let held = std::thread::scope(|s| {
        let _open = consumer.open_on_drop();
        let (l, c) = (ledger.clone(), consumer.clone());
        let pool = s.spawn(move || {
            let r = sq.square_all(CFG, jobs(&l, input), Probe::new(l.clone()), &mut |r| {
                l.deliver(r.square);
                c.wait(); // the consumer is held at its first result
            });
            l.close();
            r
        });
        ctx.stage("holding the consumer at its first result until the pool fills up");
        ledger.wait_for(GET_GOING, |s| s.delivered >= 1);
        let held = ledger.settle(QUIET, WITHIN);
        if held.delivered == 0 {
            consumer.open();
            let _ = pool.join();
            return Err(support::not_deciding(
                Check::BufferSize,
                "the first result reached emit",
                "none did",
            ));
        }
        consumer.open();
        ctx.stage("waiting for square_all to return after releasing the consumer");
        returned(
            "square_all",
            pool.join().expect("the pool thread does not panic"),
        )?;
        Ok::<_, Failure>(held)
    })?;
    let (low, bound) = (
        CFG.results_buffer as u64,
        (CFG.results_buffer + CFG.workers) as u64,
    );
    ensure((low..=bound).contains(&held.unread()), || {
        Failure::new(
            Check::BufferSize,
            format!(
                "{low} to {bound} results finished but unread (results_buffer {}, plus 1 in each of {} blocked workers' hands)",
                CFG.results_buffer, CFG.workers
            ),
            format!("{} finished, {} read: {} waiting", held.finished, held.delivered, held.unread()),
        )
        .hint("make the results channel sync_channel(cfg.results_buffer), so workers block when the consumer falls behind")
    })?;
    Ok(())
}

fn results_end_once_after_the_last_worker(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let sq = attempted(sol.task01(), TASK)?;
    let input = distinct(ctx, N);
    let last = *input.last().expect("N > 0");
    let ledger = ctx.ledger("squares");
    let gate = Gate::closed();
    let g = gate.clone();
    let probe = Probe::new(ledger.clone()).with_hook(move |n| {
        if *n == last {
            g.wait();
        }
    });
    let l = ledger.clone();
    let (early, held, (r, _)) = returns_while_held(ctx, &ledger, &gate, move || {
        run_all(sq, CFG, &l, input, probe)
    });
    ensure(!early, || {
        Failure::new(
            Check::CloseOnce,
            "the results stream ends (square_all returns) only after the last worker finished",
            format!(
                "square_all returned while the last job ({last}) was still running: {} of {N} delivered",
                held.delivered
            ),
        )
        .hint("don't stop reading results early (on a count, or on a quiet spell): range over the results channel until it closes, which happens when the last worker drops its sender")
    })?;
    returned("square_all", r)?;
    let after = ledger.settle(QUIET, WITHIN);
    support::nothing_after_return(&after)?;
    ensure_eq(
        Check::CloseOnce,
        "results delivered before the end",
        N as u64,
        after.delivered,
        "every result is read before the stream ends",
    )?;
    Ok(())
}

fn a_panicking_job_is_reported(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let sq = attempted(sol.task01(), TASK)?;
    let input = distinct(ctx, N);
    // More panics than workers: the first `workers` jobs in every run, so a pool that loses a
    // worker per panic runs out of workers with every other job still to run, and two more
    // spread over the rest.
    let mut rest: Vec<i64> = input[CFG.workers..].to_vec();
    ctx.rng.shuffle(&mut rest);
    let doomed: std::collections::BTreeSet<i64> = input[..CFG.workers]
        .iter()
        .chain(&rest[..2])
        .copied()
        .collect();
    let ledger = ctx.ledger("squares");
    let d = doomed.clone();
    let probe = Probe::new(ledger.clone()).with_hook(move |n| {
        if d.contains(n) {
            panic!("job {n} panics, as the scenario planted");
        }
    });
    ctx.stage("waiting for square_all to return with panicking jobs");
    let (r, out) = run_all(sq, CFG, &ledger, input.clone(), probe);
    let want: std::collections::BTreeSet<usize> = input
        .iter()
        .enumerate()
        .filter(|(_, n)| !doomed.contains(n))
        .map(|(i, _)| i)
        .collect();
    let got: Vec<usize> = out.iter().map(|s| s.index).collect();
    let got_set: std::collections::BTreeSet<usize> = got.iter().copied().collect();
    let missing: Vec<_> = want.difference(&got_set).take(8).collect();
    ensure(matches!(r, Err(PoolError::JobPanicked(_))), || {
        Failure::new(
            Check::ErrorsHandled,
            format!("Err(JobPanicked(..)) for the {} jobs that panicked", doomed.len()),
            format!("{r:?} with {} of {} other results", got_set.len(), want.len()),
        )
        .hint("catch each job's panic in its worker (std::panic::catch_unwind around probe.run), keep the worker going, and return Err(PoolError::JobPanicked(message)) once every worker is done: never Ok with a result missing")
    })?;
    ensure(missing.is_empty() && got.len() == want.len(), || {
        Failure::new(
            Check::ErrorsHandled,
            format!("every one of the {} jobs that did not panic emitted exactly once", want.len()),
            format!("{} emitted; missing indices {missing:?}", got.len()),
        )
        .hint("a panic must cost only its own job: a worker that dies with it leaves jobs nobody runs")
    })?;
    Ok(())
}

fn exact_under_perturbed_schedules(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let sq = attempted(sol.task01(), TASK)?;
    // Runs long enough that preemption splits a worker's receive from what it does next many
    // times over: the producer runs above the workers here, so a worker that frees a slot in a
    // full jobs channel is preempted right after its receive (800 jobs caught an index taken
    // from a shared counter 20 runs in 20, 200 jobs 12 in 20). On both pools. Races at start-up
    // are the late-starter hold's (no_thread_outlives_the_pool).
    // Runs until 8 000 jobs (32 000 events: taken, started, finished, delivered) ran perturbed,
    // at least 4 and at most 12: on a loaded machine the budget perturbs fewer per run.
    const RUNS: (usize, usize) = (4, 12);
    const PERTURBED: u64 = 32_000;
    ctx.perturbed(|ctx| {
        for run in 0..RUNS.1 {
            if run >= RUNS.0 && ctx.perturbed_events() >= PERTURBED {
                break;
            }
            let size = 2_000;
            let input = numbers(ctx, size);
            let cfg = if run % 2 == 0 { CFG } else { OTHER };
            let ledger = ctx.counting_ledger("squares");
            let before = harness::leak::Baseline::now();
            ctx.stage(format!("run {run} on one contended CPU with preemption"));
            let (r, out) = run_all(sq, cfg, &ledger, input.clone(), Probe::new(ledger.clone()));
            returned("square_all", r)?;
            before.settled(ctx, harness::timing::EXIT_GRACE, Check::NoLeaks)?;
            support::nothing_after_return(&ledger.snapshot())?;
            let mut by_index: Vec<Vec<i64>> = vec![Vec::new(); size];
            for s in &out {
                if let Some(slot) = by_index.get_mut(s.index) {
                    slot.push(s.square);
                }
            }
            let wrong = input
                .iter()
                .enumerate()
                .find(|(i, n)| by_index[*i] != [*n * *n]);
            ensure(wrong.is_none() && out.len() == size, || {
                let (i, n) = wrong.map_or((0, 0), |(i, n)| (i, *n));
                Failure::new(
                    Check::Requirement,
                    "in every run, each number yields its square once, at its own index",
                    format!(
                        "run {run} ({size} numbers): {} results; input #{i} ({n}) got {:?}",
                        out.len(),
                        by_index.get(i)
                    ),
                )
                .hint("a race: the index must travel with its number through the jobs channel (no shared counter), and the consumer must read until the results channel closes (no count of live workers kept by the workers themselves)")
            })?;
        }
        // Deciding takes a fifth of the target: 1 600 jobs, twice the 800 that caught the index
        // race every run. A correct pool behind one `Mutex<Receiver>` perturbs slowly (about
        // 15 000 events in the CPU budget, measured in CI), and is still decided; three grades
        // at once on two cores perturbed 7 606 in the wall cap (CI, 2026-11-28), which a quarter
        // (8 000) failed as undecided.
        let perturbed = ctx.perturbed_events();
        support::deciding(
            Check::Requirement,
            perturbed >= PERTURBED / 5,
            &format!("at least {} job events run under perturbation", PERTURBED / 5),
            &format!("{perturbed} in {} runs: the machine was too loaded to perturb the pool", RUNS.1),
        )?;
        Ok(())
    })
}

fn no_thread_outlives_the_pool(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let sq = attempted(sol.task01(), TASK)?;
    let input = numbers(ctx, N);
    let ledger = ctx.ledger("squares");
    support::no_thread_outlives(ctx, "square_all", || {
        let (r, _) = run_all(sq, CFG, &ledger, input, Probe::new(ledger.clone()));
        returned("square_all", r)
    })
}

fn one_slot_buffers_do_not_deadlock(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let sq = attempted(sol.task01(), TASK)?;
    let cfg = PoolConfig {
        workers: 4,
        jobs_buffer: 1,
        results_buffer: 1,
    };
    let input = numbers(ctx, 2 * N);
    let ledger = ctx.ledger("squares");
    ctx.stage("waiting for square_all to return with one-slot buffers");
    let (r, out) = run_all(sq, cfg, &ledger, input, Probe::new(ledger.clone()));
    returned("square_all", r)?;
    ensure_eq(
        Check::GracefulShutdown,
        "results",
        2 * N,
        out.len(),
        "every result must reach the caller, and the pool must not wait on itself: feed jobs from a producer thread while the caller reads results",
    )?;
    Ok(())
}

fn refused(
    sol: &'static dyn Solution,
    ctx: &mut Ctx,
    cfg: PoolConfig,
    input: Vec<i64>,
    want: PoolError,
) -> Outcome {
    let sq = attempted(sol.task01(), TASK)?;
    let ledger = ctx.ledger("squares");
    ctx.stage(format!("waiting for square_all to refuse with {want:?}"));
    let (r, out) = run_all(sq, cfg, &ledger, input, Probe::new(ledger.clone()));
    ensure(r == Err(want.clone()) && out.is_empty(), || {
        Failure::new(
            Check::GracefulShutdown,
            format!("Err({want:?}) and no results"),
            format!("{r:?} with {} results", out.len()),
        )
        .hint("check the input before starting any thread and return the error")
    })?;
    Ok(())
}

fn zero_workers_is_refused(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let input = numbers(ctx, 10);
    refused(
        sol,
        ctx,
        PoolConfig { workers: 0, ..CFG },
        input,
        PoolError::ZeroWorkers,
    )
}

fn empty_input_is_refused(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    refused(sol, ctx, CFG, Vec::new(), PoolError::EmptyInput)
}

fn stretch_results_in_input_order(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let sq = attempted(sol.task01(), TASK)?;
    let input = distinct(ctx, N);
    let ledger = ctx.ledger("squares");
    // Each even-indexed job waits until the job after it has finished, so completions arrive
    // pairwise swapped: an emitter that does not reorder is caught every time.
    let pos: Arc<BTreeMap<i64, usize>> =
        Arc::new(input.iter().enumerate().map(|(i, n)| (*n, i)).collect());
    let finished: Arc<Vec<Gate>> = Arc::new((0..N).map(|_| Gate::closed()).collect());
    let (p, f) = (pos.clone(), finished.clone());
    let probe = Probe::new(ledger.clone())
        .with_hook(move |n| {
            let i = p[n];
            if i % 2 == 0 && i + 1 < N {
                f[i + 1].wait();
            }
        })
        .with_after({
            let (p, f) = (pos.clone(), finished.clone());
            move |n| f[p[n]].open()
        });
    let _release = finished.iter().map(Gate::open_on_drop).collect::<Vec<_>>();
    let mut out = Vec::new();
    ctx.stage("waiting for square_all_in_order to return");
    let r = sq.square_all_in_order(CFG, jobs(&ledger, input), probe, &mut |r| {
        ledger.deliver(r.square);
        out.push(r);
    });
    match r {
        Err(PoolError::NotAttempted) => {
            return Err(harness::Stop::NotAttempted(
                "square_all_in_order is not attempted".into(),
            ))
        }
        r => returned("square_all_in_order", r)?,
    }
    let order: Vec<usize> = out.iter().map(|r| r.index).collect();
    let first_bad = order.iter().enumerate().find(|(i, idx)| i != *idx);
    ensure(order.len() == N && first_bad.is_none(), || {
        Failure::new(
            Check::Stretch,
            format!("indices 0, 1, 2, ... {} in order", N - 1),
            match first_bad {
                Some((i, idx)) => format!("position {i} held index {idx} (first 6: {:?})", &order[..order.len().min(6)]),
                None => format!("{} results", order.len()),
            },
        )
        .hint("keep early results in a reorder buffer (a BTreeMap keyed by index) and emit while it holds the next expected index")
    })?;
    Ok(())
}
