//! Task 17, Multi-Error Aggregation: what decides whether a solution meets it.
//!
//! The jobs' outcomes are drawn from the seed before the run, so the suite knows the exact
//! success count and the exact set of errors it must get back: none lost, none twice, none made
//! up. Failures are placed where a pool that fails fast shows it (the very first jobs) and where
//! a tally kept with a separate load and store loses one (two workers finishing together).

use crate::support::{self, apart_from_cpus};
use harness::contracts::task17_multi_error::{
    ErrorKind, Job, JobError, MultiError, Outcome as Tally, SEED_JOBS, SEED_WORKERS, TASK,
};
use harness::contracts::{PoolConfig, PoolError, Solution};
use harness::ledger::Ledger;
use harness::probe::{Gate, Jobs, Probe};
use harness::scenario::attempted;
use harness::startup::Release;
use harness::timing::{QUIET, WITHIN};
use harness::{ensure, ensure_eq, Check, Ctx, Failure, Outcome, Stop};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

/// The seed's pool of 8; buffers apart from it and from each other.
fn cfg() -> PoolConfig {
    PoolConfig {
        workers: apart_from_cpus(SEED_WORKERS, SEED_WORKERS + 1),
        jobs_buffer: apart_from_cpus(5, 6),
        results_buffer: apart_from_cpus(3, 4),
    }
}

fn small() -> PoolConfig {
    PoolConfig {
        workers: apart_from_cpus(3, 4),
        jobs_buffer: 2,
        results_buffer: apart_from_cpus(5, 6),
    }
}

pub fn scenarios() -> Vec<harness::Scenario> {
    vec![
        TASK.scenario("the_seed_run_is_exact", &[Check::Requirement, Check::ErrorsHandled],
            "1000 jobs on a pool of 8, about a fifth failing with errors of three kinds: the success count exact, every error back exactly once, each job run once inside probe.run keyed by its id",
            the_seed_run_is_exact),
        TASK.scenario("no_fail_fast", &[Check::ErrorsHandled],
            "the first jobs of every worker fail, then 200 succeed: every job still runs and is counted",
            no_fail_fast),
        TASK.scenario("every_job_failing_is_every_error", &[Check::ErrorsHandled],
            "300 jobs, all failing: no success, 300 errors, each once",
            every_job_failing_is_every_error),
        TASK.scenario("runs_the_configured_workers", &[Check::PoolSize],
            "with every job held, exactly cfg.workers run at once (the seed's 8, then 3: never the CPU count)",
            runs_the_configured_workers),
        TASK.scenario("jobs_taken_ahead_fill_the_jobs_buffer", &[Check::BufferSize],
            "with every worker held, jobs_buffer jobs are taken beyond those running, plus at most one in the producer's hand",
            jobs_taken_ahead_fill_the_jobs_buffer),
        TASK.scenario("tallies_lose_nothing_when_workers_finish_together", &[Check::Requirement],
            "four jobs per run on 4 workers, all succeeding or all failing in turn, runs until 300 pairs of jobs ended within a seeded 1.5 µs of each other: every run's tally exact",
            tallies_lose_nothing_when_workers_finish_together).races(),
        TASK.scenario("no_thread_outlives_the_pool", &[Check::AllJoined, Check::NoLeaks],
            "with the pool's threads starting late, the call returns only once every job has run, nothing runs after, and every thread the pool started exits",
            no_thread_outlives_the_pool),
        TASK.scenario("zero_workers_is_refused_and_no_jobs_is_nothing", &[Check::GracefulShutdown],
            "zero workers gets PoolError::ZeroWorkers, not a hang; no jobs gets Ok with nothing counted",
            zero_workers_is_refused_and_no_jobs_is_nothing),
        TASK.scenario("stretch_errors_by_kind", &[Check::Stretch],
            "by_kind counts the seed run's errors per kind exactly, kinds with none left out",
            stretch_errors_by_kind),
    ]
}

/// `n` jobs, job `i` failing where `fails(i)` says, with a kind and message drawn from the seed.
fn jobs_where(
    ctx: &mut Ctx,
    n: usize,
    fails: impl Fn(usize, &mut fastrand::Rng) -> bool,
) -> Vec<Job> {
    const KINDS: [ErrorKind; 3] = [ErrorKind::Network, ErrorKind::Parse, ErrorKind::Timeout];
    (0..n)
        .map(|i| {
            let id = 10_000 + i as u64;
            if fails(i, &mut ctx.rng) {
                // Messages repeat across jobs, as real errors do: only the job tells two apart.
                let kind = KINDS[ctx.rng.usize(..KINDS.len())];
                let message = ["connection reset", "unexpected token", "deadline exceeded"];
                Job::new(id, Err((kind, message[ctx.rng.usize(..3)].to_string())))
            } else {
                Job::new(id, Ok(ctx.rng.u64(..1_000_000)))
            }
        })
        .collect()
}

/// What a correct pool returns for `jobs`.
fn expected(jobs: &[Job]) -> (usize, BTreeSet<JobError>) {
    let errors: BTreeSet<JobError> = jobs.iter().filter_map(|j| j.run().err()).collect();
    (jobs.len() - errors.len(), errors)
}

fn run(
    mi: &dyn MultiError,
    cfg: PoolConfig,
    ledger: &Arc<Ledger>,
    jobs: Vec<Job>,
    probe: Probe<u64>,
) -> Result<Tally, Failure> {
    let r = mi.run_all(
        cfg,
        Jobs::new(ledger.clone(), jobs, |j| j.id.to_string()),
        probe,
    );
    ledger.close();
    support::returned(
        Check::ErrorsHandled,
        "run_all returns Ok with the tally: failed jobs are counted, never the call's error",
        r,
    )
}

/// The tally is exactly what `jobs` say, under `check`.
fn exact(check: Check, jobs: &[Job], got: &Tally, when: &str) -> Result<(), Failure> {
    let (successes, errors) = expected(jobs);
    let mut seen: BTreeMap<&JobError, usize> = BTreeMap::new();
    for e in &got.errors {
        *seen.entry(e).or_default() += 1;
    }
    let lost: Vec<u64> = errors
        .iter()
        .filter(|e| !seen.contains_key(e))
        .map(|e| e.job)
        .collect();
    let twice: Vec<u64> = seen
        .iter()
        .filter(|(_, n)| **n > 1)
        .map(|(e, _)| e.job)
        .collect();
    let made_up: Vec<u64> = seen
        .keys()
        .filter(|e| !errors.contains(*e))
        .map(|e| e.job)
        .collect();
    ensure(
        got.successes == successes && lost.is_empty() && twice.is_empty() && made_up.is_empty(),
        || {
            let few = |v: &[u64]| {
                v.iter()
                    .take(5)
                    .map(|j| j.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            Failure::new(
            check,
            format!("{when}: {successes} successes and the {} errors of the failed jobs, each once", errors.len()),
            format!(
                "{} successes; errors: {} lost (jobs {}), {} twice (jobs {}), {} not from any failed job (jobs {})",
                got.successes, lost.len(), few(&lost), twice.len(), few(&twice), made_up.len(), few(&made_up)
            ),
        )
        .hint("send every job's outcome to the one thread that tallies (or add it under one lock held for the whole update): count Ok as a success, push each Err onto the list")
        },
    )
}

fn the_seed_run_is_exact(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let mi = attempted(sol.task17(), TASK)?;
    let jobs = jobs_where(ctx, SEED_JOBS, |_, rng| rng.u8(..5) == 0);
    let keys: Vec<String> = jobs.iter().map(|j| j.id.to_string()).collect();
    let ledger = ctx.ledger("jobs");
    ctx.stage("running the seed's 1000 jobs");
    let got = run(mi, cfg(), &ledger, jobs.clone(), Probe::new(ledger.clone()))?;
    ledger.check_keys(keys.iter().map(String::as_str), "by the job's id")?;
    let outside: usize = jobs.iter().map(Job::runs_outside_bracket).sum();
    ensure(outside == 0, || {
        Failure::new(Check::Requirement, "every job's work (job.run()) inside its probe.run", format!("{outside} job(s) ran outside the bracket"))
            .hint("probe.run(job.id, || job.run()): the bracket is the job, not the hand-back of its result")
    })?;
    Ok(exact(Check::Requirement, &jobs, &got, "1000 jobs")?)
}

fn no_fail_fast(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let mi = attempted(sol.task17(), TASK)?;
    let pool = cfg();
    // More failures at the start than workers, so every worker meets one first.
    let jobs = jobs_where(ctx, 2 * pool.workers + 200, |i, _| i < 2 * pool.workers);
    let ledger = ctx.ledger("jobs");
    ctx.stage("running jobs whose first ones all fail");
    let got = run(mi, pool, &ledger, jobs.clone(), Probe::new(ledger.clone()))?;
    let s = ledger.snapshot();
    ensure_eq(Check::ErrorsHandled, "jobs run, though the first ones failed (no fail fast)", jobs.len() as u64, s.started,
        "a failed job is an outcome to send on, like a success: never break out of a worker's loop, or stop the producer, on an error")?;
    Ok(exact(
        Check::ErrorsHandled,
        &jobs,
        &got,
        "after the first jobs failed",
    )?)
}

fn every_job_failing_is_every_error(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let mi = attempted(sol.task17(), TASK)?;
    let jobs = jobs_where(ctx, 300, |_, _| true);
    let ledger = ctx.ledger("jobs");
    ctx.stage("running 300 failing jobs");
    let got = run(
        mi,
        small(),
        &ledger,
        jobs.clone(),
        Probe::new(ledger.clone()),
    )?;
    Ok(exact(Check::ErrorsHandled, &jobs, &got, "300 failed jobs")?)
}

/// Every job held; returns the settled counters.
fn held(
    mi: &dyn MultiError,
    ctx: &mut Ctx,
    pool: PoolConfig,
) -> Result<harness::ledger::Snapshot, Failure> {
    let jobs = jobs_where(ctx, 3 * pool.workers + pool.jobs_buffer + 4, |i, _| {
        i % 3 == 0
    });
    let ledger = ctx.ledger("jobs");
    let gate = Gate::closed();
    let probe = Probe::new(ledger.clone()).gated(&gate);
    let (snap, r) = harness::hold::while_held(ctx, &ledger, &gate, pool.workers as u64, || {
        run(mi, pool, &ledger, jobs.clone(), probe)
    });
    exact(
        Check::Requirement,
        &jobs,
        &r?,
        "after the held jobs were let go",
    )?;
    Ok(snap)
}

fn runs_the_configured_workers(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let mi = attempted(sol.task17(), TASK)?;
    for pool in [cfg(), small()] {
        let s = held(mi, ctx, pool)?;
        ensure_eq(
            Check::PoolSize,
            &format!("jobs running at once with every job held, cfg.workers = {} on a machine of {} CPUs", pool.workers, PoolConfig::num_cpu()),
            pool.workers as u64,
            s.peak_in_flight,
            "start exactly cfg.workers worker threads (the seed's 8 is only a default), each running one job at a time",
        )?;
    }
    Ok(())
}

fn jobs_taken_ahead_fill_the_jobs_buffer(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let mi = attempted(sol.task17(), TASK)?;
    for pool in [cfg(), small()] {
        let s = held(mi, ctx, pool)?;
        support::jobs_window(
            pool,
            &s,
            "jobs",
            "feed the jobs through sync_channel(cfg.jobs_buffer) from a producer thread",
        )?;
    }
    Ok(())
}

fn tallies_lose_nothing_when_workers_finish_together(
    sol: &'static dyn Solution,
    ctx: &mut Ctx,
) -> Outcome {
    let mi = attempted(sol.task17(), TASK)?;
    const MEET: u64 = 300;
    const RUNS: usize = 6_000;
    // All succeeding and all failing runs in turn: a pair always updates the same count.
    let sets = [
        jobs_where(ctx, 4, |_, _| false),
        jobs_where(ctx, 4, |_, _| true),
    ];
    let pool = PoolConfig {
        workers: 4,
        jobs_buffer: 4,
        results_buffer: 4,
    };
    let pairs = ctx.pairs(RUNS, Duration::from_nanos(1_500));
    support::until_pairs_met(
        &pairs,
        (MEET, RUNS),
        Check::Requirement,
        "jobs ended together",
        |n| {
            let ledger = ctx.counting_ledger("jobs");
            let probe = pairs.around(Probe::new(ledger.clone()));
            ctx.stage(format!("run {n}: jobs ending two at a time"));
            let jobs = &sets[n % 2];
            let got = run(mi, pool, &ledger, jobs.clone(), probe)?;
            exact(Check::Requirement, jobs, &got, &format!("run {n}"))
        },
    )
}

/// The pool's threads start late (held at their start until the call blocks on them or
/// returns): a call that waits on a count its workers keep themselves returns before they run.
/// Then twice more with every job fitting in the jobs buffer, the threads let go one at a time,
/// the last started first and then the first started first: whichever side of the workers the
/// producer is started on, it runs alone once, and a call that joins it and then finds no
/// worker counted returns with nothing done.
fn no_thread_outlives_the_pool(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let mi = attempted(sol.task17(), TASK)?;
    let jobs = jobs_where(ctx, 40, |i, _| i % 4 == 1);
    let roomy = PoolConfig {
        jobs_buffer: jobs.len(),
        ..small()
    };
    for (pool, release) in [
        (small(), Release::AllAtOnce),
        (roomy, Release::NewestFirst),
        (roomy, Release::OldestFirst),
    ] {
        let ledger = ctx.ledger("jobs");
        let probe = Probe::new(ledger.clone());
        let mut got = Tally::default();
        support::no_thread_outlives_released(ctx, "run_all", release, || {
            got = run(mi, pool, &ledger, jobs.clone(), probe)?;
            Ok(())
        })?;
        support::nothing_after_return(&ledger.settle(QUIET, WITHIN))?;
        exact(
            Check::Requirement,
            &jobs,
            &got,
            &format!("40 jobs, the threads let go {release:?}"),
        )?;
    }
    Ok(())
}

fn zero_workers_is_refused_and_no_jobs_is_nothing(
    sol: &'static dyn Solution,
    ctx: &mut Ctx,
) -> Outcome {
    let mi = attempted(sol.task17(), TASK)?;
    let jobs = jobs_where(ctx, 20, |i, _| i % 2 == 0);
    let ledger = ctx.ledger("jobs");
    ctx.stage("run_all with zero workers");
    let r = mi.run_all(
        PoolConfig {
            workers: 0,
            ..small()
        },
        Jobs::new(ledger.clone(), jobs, |j| j.id.to_string()),
        Probe::new(ledger.clone()),
    );
    ensure(r == Err(PoolError::ZeroWorkers), || {
        Failure::new(
            Check::GracefulShutdown,
            "run_all with zero workers: Err(ZeroWorkers)",
            format!("{r:?}"),
        )
        .hint("check cfg.workers before starting any thread")
    })?;
    ctx.stage("run_all with no jobs");
    let r = mi.run_all(
        small(),
        Jobs::new(ledger.clone(), Vec::new(), |j: &Job| j.id.to_string()),
        Probe::new(ledger.clone()),
    );
    ensure(r == Ok(Tally::default()), || {
        Failure::new(
            Check::GracefulShutdown,
            "run_all with no jobs: Ok with no success and no error",
            format!("{r:?}"),
        )
        .hint("no jobs is nothing to count, not an error")
    })?;
    Ok(())
}

fn stretch_errors_by_kind(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let mi = attempted(sol.task17(), TASK)?;
    let jobs = jobs_where(ctx, SEED_JOBS, |_, rng| rng.u8(..5) == 0);
    let (_, errors) = expected(&jobs);
    let errors: Vec<JobError> = errors.into_iter().collect();
    let Some(got) = mi.by_kind(&errors) else {
        return Err(Stop::NotAttempted("by_kind is not attempted".into()));
    };
    let mut want = BTreeMap::new();
    for e in &errors {
        *want.entry(e.kind).or_insert(0) += 1;
    }
    ensure_eq(
        Check::Stretch,
        "errors counted per kind",
        want,
        got,
        "count each error under its own kind (e.kind); leave out kinds with none",
    )?;
    let only_timeouts: Vec<JobError> = errors
        .iter()
        .filter(|e| e.kind == ErrorKind::Timeout)
        .cloned()
        .collect();
    let got = mi.by_kind(&only_timeouts).unwrap_or_default();
    ensure_eq(
        Check::Stretch,
        "only timeouts: one kind listed",
        BTreeMap::from([(ErrorKind::Timeout, only_timeouts.len())]),
        got,
        "a kind with no error is not listed, not listed with 0",
    )?;
    Ok(())
}
