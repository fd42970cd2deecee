//! Task 1, Squarer: what decides whether a solution meets it.

use crate::support;
use harness::contracts::task01_squarer::{Squared, Squarer, TASK};
use harness::contracts::{PoolConfig, PoolError, Solution};
use harness::hold::while_held;
use harness::ledger::{Ledger, Snapshot};
use harness::probe::{Gate, Jobs, Probe};
use harness::scenario::attempted;
use harness::timing::{GET_GOING, QUIET, WITHIN};
use harness::{ensure, ensure_eq, Check, Ctx, Failure, Outcome, Scenario};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The seed's pool: 4 workers; buffers smaller than the input, so their bounds show.
const CFG: PoolConfig = PoolConfig {
    workers: 4,
    jobs_buffer: 8,
    results_buffer: 8,
};
const N: usize = 100;

pub fn scenarios() -> Vec<Scenario> {
    vec![
        TASK.scenario("every_square_exactly_once", &[Check::Requirement, Check::GracefulShutdown],
            "100 numbers in, each square out exactly once with its input index", every_square_exactly_once),
        TASK.scenario("runs_exactly_the_configured_workers", &[Check::PoolSize],
            "with every job held, exactly 4 jobs run at once", runs_exactly_the_configured_workers),
        TASK.scenario("jobs_channel_holds_at_most_its_buffer", &[Check::BufferSize],
            "with workers held, the pool takes at most jobs_buffer jobs beyond those running, plus one in the producer's hand",
            jobs_channel_holds_at_most_its_buffer),
        TASK.scenario("results_channel_holds_at_most_its_buffer", &[Check::BufferSize],
            "with the consumer held, at most results_buffer results wait, plus one in each blocked worker's hand",
            results_channel_holds_at_most_its_buffer),
        TASK.scenario("results_end_once_after_the_last_worker", &[Check::CloseOnce],
            "the call returns (the results stream ends) only after the last job finished, and nothing runs after it",
            results_end_once_after_the_last_worker),
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

/// Distinct numbers, so each job is known by its number; squares fit in an i64.
fn numbers(ctx: &mut Ctx, n: usize) -> Vec<i64> {
    let mut seen = std::collections::BTreeSet::new();
    while seen.len() < n {
        seen.insert(ctx.rng.i64(-3_000_000_000..=3_000_000_000));
    }
    let mut v: Vec<i64> = seen.into_iter().collect();
    ctx.rng.shuffle(&mut v);
    v
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
    let held = held_pool(sq, ctx, CFG)?;
    ensure_eq(
        Check::PoolSize,
        "jobs running at once with every job held",
        CFG.workers as u64,
        held.peak_in_flight,
        "spawn exactly cfg.workers worker threads, each taking one job at a time",
    )?;
    Ok(())
}

fn jobs_channel_holds_at_most_its_buffer(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let sq = attempted(sol.task01(), TASK)?;
    let held = held_pool(sq, ctx, CFG)?;
    let bound = CFG.jobs_buffer as u64 + 1;
    ensure(held.queued() <= bound, || {
        Failure::new(
            Check::BufferSize,
            format!("at most {bound} jobs taken but not started (jobs_buffer {} + 1 in the producer's hand)", CFG.jobs_buffer),
            format!("{} taken, {} started: {} waiting", held.taken, held.started, held.queued()),
        )
        .hint("make the jobs channel sync_channel(cfg.jobs_buffer): an unbounded or larger channel lets the producer run ahead of the workers")
    })?;
    Ok(())
}

fn results_channel_holds_at_most_its_buffer(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
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
        consumer.open();
        ctx.stage("waiting for square_all to return after releasing the consumer");
        returned(
            "square_all",
            pool.join().expect("the pool thread does not panic"),
        )?;
        Ok::<_, Failure>(held)
    })?;
    let bound = (CFG.results_buffer + CFG.workers) as u64;
    ensure(held.unread() <= bound, || {
        Failure::new(
            Check::BufferSize,
            format!(
                "at most {bound} results finished but unread (results_buffer {} + 1 in each of {} blocked workers' hands)",
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
    let input = numbers(ctx, N);
    let last = *input.last().expect("N > 0");
    let ledger = ctx.ledger("squares");
    let gate = Gate::closed();
    let g = gate.clone();
    let probe = Probe::new(ledger.clone()).with_hook(move |n| {
        if *n == last {
            g.wait();
        }
    });
    let (early, after) = std::thread::scope(|s| {
        let _open = gate.open_on_drop();
        let l = ledger.clone();
        let pool = s.spawn(move || run_all(sq, CFG, &l, input, probe));
        ctx.stage("holding the last job until everything else is done");
        let early = ledger.settle(QUIET, WITHIN);
        gate.open();
        ctx.stage("waiting for square_all to return after releasing the last job");
        let (r, _) = pool.join().expect("run_all does not panic");
        returned("square_all", r)?;
        Ok::<_, Failure>((early, ledger.settle(QUIET, WITHIN)))
    })?;
    ensure(!early.closed, || {
        Failure::new(
            Check::CloseOnce,
            "the results stream ends (square_all returns) only after the last worker finished",
            format!(
                "square_all returned while the last job ({last}) was still running: {} of {N} delivered",
                early.delivered
            ),
        )
        .hint("don't stop reading results early: range over the results channel until it closes, which happens when the last worker drops its sender")
    })?;
    ensure(after.after_close.is_empty(), || {
        Failure::new(
            Check::CloseOnce,
            "nothing happens after the results stream ended",
            after.after_close.join(", "),
        )
    })?;
    ensure_eq(
        Check::CloseOnce,
        "results delivered before the end",
        N as u64,
        after.delivered,
        "every result is read before the stream ends",
    )?;
    Ok(())
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
    let input = numbers(ctx, N);
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
