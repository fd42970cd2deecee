//! What several tasks' scenarios share word for word.

use harness::contracts::{PoolConfig, PoolError};
use harness::ensure;
use harness::net::Record;
use harness::startup::Release;
use harness::timing::EXIT_GRACE;
use harness::{leak, Check, Ctx, Failure, Outcome};
use std::time::Duration;

/// What the call returned on `Ok`; on `Err`, a failure under `check` that expected `expected`
/// (say, "count_words returns Ok(counts)") and quotes the error.
pub fn returned<T>(check: Check, expected: &str, r: Result<T, PoolError>) -> Result<T, Failure> {
    r.map_err(|e| Failure::new(check, expected, format!("it returned Err({e:?}): {e}")))
}

/// The leak check: `run` runs the pool once through `call` and fails if the call did; then every
/// thread started since just before it must have exited within [`EXIT_GRACE`].
///
/// The pool's threads start late (held at their start until the call returns or
/// [`harness::startup::MAX_HOLD`] passed): a caller that counts its workers from inside them
/// returns before any registered, and its workers run after it.
pub fn no_thread_outlives(
    ctx: &mut Ctx,
    call: &str,
    run: impl FnOnce() -> Result<(), Failure>,
) -> Outcome {
    no_thread_outlives_released(ctx, call, Release::AllAtOnce, run)
}

/// [`no_thread_outlives`], the held threads let go in the `release` order once the call blocks
/// on them.
pub fn no_thread_outlives_released(
    ctx: &mut Ctx,
    call: &str,
    release: Release,
    run: impl FnOnce() -> Result<(), Failure>,
) -> Outcome {
    let before = leak::Baseline::now();
    ctx.stage(format!(
        "waiting for {call} to return, its threads starting late ({release:?})"
    ));
    ctx.late_starters(release, |_| run()).0?;
    ctx.stage("waiting for the pool's threads to exit");
    before.settled(ctx, EXIT_GRACE, Check::NoLeaks)?;
    Ok(())
}

pub use harness::watchdog::panic_message;

/// Runs `call` on a thread of its own and waits up to `within` for it: a call that should
/// return at once and blocks is a failure under `check`, saying which, not a hang; so is one
/// that panics. (A blocked call's thread is left to finish when the scenario's gates open.)
pub fn promptly<T: Send + 'static>(
    ctx: &Ctx,
    check: Check,
    what: &str,
    within: Duration,
    call: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Failure> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("poolcheck-call".into())
        .spawn(move || {
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(call));
            let _ = tx.send(r);
        })
        .expect("the scenario can start a thread");
    let answer = {
        let _waiting = ctx.deliberately();
        rx.recv_timeout(within)
    };
    match answer {
        Ok(Ok(t)) => Ok(t),
        Ok(Err(p)) => Err(Failure::new(
            check,
            format!("{what} returns, never panics"),
            format!("it panicked: {}", panic_message(&*p)),
        )),
        Err(_) => Err(Failure::new(
            check,
            format!("{what} returns at once"),
            format!("it had not returned after {} ms", within.as_millis()),
        )),
    }
}

/// Threads that act at one instant, a race given its chance: each calls [`LineUp::go`], which
/// returns once every thread of the line-up has arrived. An instant fixed ahead of time is missed
/// by a thread a loaded machine starts late; a line-up waits for it.
#[derive(Clone)]
pub struct LineUp {
    arrived: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    n: usize,
}

impl LineUp {
    /// A line-up of `n` threads.
    pub fn new(n: usize) -> Self {
        Self {
            arrived: Default::default(),
            n,
        }
    }

    /// Arrives and spins until all `n` have: the last to arrive lets the others go within
    /// nanoseconds of its own start. Yields now and then, so a spinner never keeps a late thread
    /// off a busy machine's cores.
    pub fn go(&self) {
        use std::sync::atomic::Ordering::SeqCst;
        self.arrived.fetch_add(1, SeqCst);
        let mut spins = 0u32;
        while self.arrived.load(SeqCst) < self.n {
            spins = spins.wrapping_add(1);
            if spins.is_multiple_of(4096) {
                std::thread::yield_now();
            } else {
                std::hint::spin_loop();
            }
        }
    }
}

/// Whether two of the spans (start, end) overlap: two calls that ran at the same time.
pub fn overlapped(
    spans: impl IntoIterator<Item = (std::time::Instant, std::time::Instant)>,
) -> bool {
    let mut spans: Vec<_> = spans.into_iter().collect();
    spans.sort();
    spans.windows(2).any(|w| w[1].0 < w[0].1)
}

/// Polls `done` every millisecond for up to `within` of real time and says whether it came true:
/// the scenario's bounded wait for a thing the solution does (a thread spawned, a job ended, a
/// call returned). The bound only ends a wait on a pool that is slow, stuck or wrong.
pub fn within(within: Duration, mut done: impl FnMut() -> bool) -> bool {
    let deadline = std::time::Instant::now() + within; // real time: the wait's bound
    let before = |deadline| std::time::Instant::now() < deadline; // real time: the wait's bound
    while !done() && before(deadline) {
        std::thread::sleep(Duration::from_millis(1)); // real time: polling
    }
    done()
}

/// A probe hook under which each file in `staged` gets its real content only when its job
/// starts: `staged` maps a path the solution sees (holding placeholder bytes of another length)
/// to a file with the real bytes, moved into place inside the bracket. A solution that reads a
/// file before `probe.run` reads the placeholder, and its hash, count or byte total shows it.
pub fn content_on_start(
    staged: std::collections::BTreeMap<std::path::PathBuf, std::path::PathBuf>,
) -> impl Fn(&std::path::PathBuf) + Send + Sync + 'static {
    move |path| {
        if let Some(real) = staged.get(path) {
            let _ = std::fs::rename(real, path);
        }
    }
}

/// A run that never reached the condition a scenario exists to look at (the workers all busy,
/// the buffer full) decides nothing: it fails as not deciding, under the scenario's item, and is
/// never a pass.
pub fn not_deciding(check: Check, needed: &str, saw: &str) -> Failure {
    Failure::new(
        check,
        format!("the run reaches what this scenario decides on: {needed}"),
        format!("it never did ({saw}), so nothing could be decided; a run that decides nothing is not a pass"),
    )
    .hint("the pool never got into the state the scenario needs to look at: usually fewer workers than configured, or a pool that stalls before its first job")
    .undecided()
}

/// `Ok` when the run reached the condition (`reached`), else [`not_deciding`].
pub fn deciding(check: Check, reached: bool, needed: &str, saw: &str) -> Result<(), Failure> {
    match reached {
        true => Ok(()),
        false => Err(not_deciding(check, needed, saw)),
    }
}

/// No job started or finished after the call returned: a worker still running then was never
/// joined (a wait that returned early, a wait-group added inside the worker).
pub fn nothing_after_return(after: &harness::ledger::Snapshot) -> Result<(), Failure> {
    harness::ensure(after.after_close.is_empty(), || {
        Failure::new(
            Check::AllJoined,
            "no job runs after the call returned: every worker joined first",
            format!("after it returned: {}", after.after_close.join(", ")),
        )
        .hint("wait for every worker (join each JoinHandle, or let a thread::scope end) before returning; a wait-group's add must happen before the worker starts, not inside it")
    })
}

/// The jobs channel's window, read with every worker held at a gate: `jobs_buffer` to
/// `jobs_buffer + 1` of `what` taken but not started (the channel full, one more in the
/// producer's hand), once the run shows every worker busy.
pub fn jobs_window(
    cfg: harness::contracts::PoolConfig,
    held: &harness::ledger::Snapshot,
    what: &str,
    hint: &str,
) -> Result<(), Failure> {
    deciding(
        Check::BufferSize,
        held.in_flight == cfg.workers as u64,
        &format!("all {} workers busy at a gate", cfg.workers),
        &format!("{} {what} in flight", held.in_flight),
    )?;
    let (low, high) = (cfg.jobs_buffer as u64, cfg.jobs_buffer as u64 + 1);
    harness::ensure((low..=high).contains(&held.queued()), || {
        Failure::new(
            Check::BufferSize,
            format!(
                "with every worker busy, {low} to {high} {what} taken but not started (jobs_buffer {}, plus one in the producer's hand)",
                cfg.jobs_buffer
            ),
            format!(
                "{} taken, {} started: {} waiting",
                held.taken,
                held.started,
                held.queued()
            ),
        )
        .hint(hint)
    })
}

/// With the consumer held in its first emit, the URLs the servers answered before `at` are the
/// held one, a full results channel and one in each blocked worker's hand (the async tasks).
pub fn answered_while_held(record: &Record, at: Duration, pool: PoolConfig) -> Outcome {
    let answered = record
        .seen()
        .iter()
        .filter(|s| s.ended.is_some_and(|e| e < at))
        .count();
    let want = 1 + pool.results_buffer + pool.workers;
    ensure(answered == want, || {
        Failure::new(
            Check::BufferSize,
            format!("with the consumer held in its first emit, {want} URLs answered by {at:?}: the held one, the results channel of {} full, one in each of the {} blocked workers' hands", pool.results_buffer, pool.workers),
            format!("{answered}"),
        )
        .hint("a bounded results channel of exactly cfg.pool.results_buffer, read by the calling task; no list or unbounded channel in between")
    })?;
    Ok(())
}

/// A refusal at once (the async tasks): `Err(want)`, nothing emitted, no request made.
pub fn refused_at_once<T: std::fmt::Debug>(
    result: &Result<T, PoolError>,
    emitted: usize,
    record: &Record,
    want: PoolError,
) -> Outcome {
    let requests = record.seen().len();
    ensure(
        result.as_ref().err() == Some(&want) && emitted == 0 && requests == 0,
        || {
            Failure::new(
                Check::GracefulShutdown,
                format!("Err({want:?}) at once, nothing emitted, no request made"),
                format!("{result:?}, {emitted} emitted, {requests} requests"),
            )
            .hint("check the config and the input before starting any task")
        },
    )?;
    Ok(())
}

/// Nothing of the pool runs on after its call (the async tasks): no task it started is alive and
/// no request is in flight at the servers. `hint` says where this task's tasks are.
pub fn nothing_alive(alive: usize, record: &Record, hint: &str) -> Outcome {
    let in_flight = record.in_flight();
    ensure(alive == 0 && in_flight == 0, || {
        Failure::new(
            Check::NoLeaks,
            "no task the solution spawned is alive when the call returns, and no request is in flight",
            format!("{alive} task(s) still alive; {in_flight} request(s) in flight at the servers"),
        )
        .hint(hint)
    })?;
    Ok(())
}

/// With every worker on a slow job, the jobs taken from the input by `at` and not yet begun
/// fill the jobs channel, plus at most one in the producer's hand (the async tasks: `taken` and
/// `begun` are the instants of each take and each `probe.run_async`).
pub fn jobs_taken_ahead(
    taken: &[(Duration, bool)],
    begun: &[(Duration, bool)],
    at: Duration,
    pool: PoolConfig,
) -> Outcome {
    let count = |acts: &[(Duration, bool)]| acts.iter().filter(|(t, _)| *t < at).count();
    let ahead = count(taken).saturating_sub(count(begun));
    let (lo, hi) = (pool.jobs_buffer, pool.jobs_buffer + 1);
    ensure((lo..=hi).contains(&ahead), || {
        Failure::new(
            Check::BufferSize,
            format!("with every worker on a slow GET, {lo} to {hi} URLs taken from the input and not yet begun by {at:?} (the jobs channel of {} full, and the producer holding at most one more)", pool.jobs_buffer),
            format!("{ahead} ({} taken, {} begun)", count(taken), count(begun)),
        )
        .hint("a bounded jobs channel of exactly cfg.pool.jobs_buffer, fed by one producer task as the workers take from it; no list of URLs gathered first")
    })?;
    Ok(())
}

/// The stretch's value from what the call returned: the scenario stops as not attempted on
/// `PoolError::NotAttempted`, and any other error fails the stretch (`expected`: what it
/// should have returned, say "fetch_all returns Ok(stats)").
pub fn stretch_value<T: Copy>(
    task: harness::scenario::Task,
    expected: &str,
    result: &Result<T, PoolError>,
) -> Result<T, harness::Stop> {
    match result {
        Ok(value) => Ok(*value),
        Err(PoolError::NotAttempted) => Err(harness::Stop::NotAttempted(format!(
            "{} returned PoolError::NotAttempted",
            task.id()
        ))),
        Err(e) => Err(Failure::new(
            Check::Stretch,
            expected,
            format!("it returned Err({e:?}): {e}"),
        )
        .into()),
    }
}

/// What a job planted to panic says.
pub const PANIC: &str = "a job that panics (planted by the suite)";

/// A job planted to panic (the async tasks: `doomed`'s) was reported: the call returned
/// `Err(PoolError::JobPanicked)` with the panic's message, every other URL of `urls` was emitted
/// once, and no task is left.
pub fn panic_reported<'a, T: std::fmt::Debug>(
    result: &Result<T, PoolError>,
    emitted: impl Iterator<Item = &'a str>,
    urls: &[String],
    doomed: &str,
    alive: usize,
) -> Outcome {
    let mut emitted: Vec<&str> = emitted.collect();
    emitted.sort();
    let mut want: Vec<&str> = urls
        .iter()
        .map(String::as_str)
        .filter(|u| *u != doomed)
        .collect();
    want.sort();
    let reported = matches!(result, Err(PoolError::JobPanicked(m)) if m.contains(PANIC));
    ensure(reported && emitted == want && alive == 0, || {
        Failure::new(
            Check::ErrorsHandled,
            format!("the job of {doomed} panics: Err(PoolError::JobPanicked(<its message>)), the other {} URLs emitted once each, no task left", want.len()),
            format!("{result:?}; {} of them emitted; {alive} task(s) alive", emitted.len()),
        )
        .hint("join every task and look at what each join returns: a JoinError is a panicked task, to return as PoolError::JobPanicked(err.to_string()) once the rest are done")
    })?;
    Ok(())
}

/// What a real-tier run returned, or the failure of one that did not (`ends`: what the call
/// should have done, say "fetch_all returns"; `stood`: where its jobs stood).
pub fn real_returned<R>(
    ended: harness::net::Ended<R>,
    ends: &str,
    stood: impl FnOnce() -> String,
) -> Result<R, Failure> {
    match ended {
        harness::net::Ended::Returned(got, _) => Ok(got),
        harness::net::Ended::TimedOut(limit) => Err(Failure::new(
            Check::Requirement,
            format!("{ends} on real sockets"),
            format!("it had not after {limit:?} of real time; {}", stood()),
        )),
        harness::net::Ended::Failed(e) => {
            Err(Failure::new(Check::Requirement, "the real servers run", e))
        }
    }
}

/// `want`, unless the machine has that many CPUs: then `instead` (a pool sized from the CPU
/// count rather than the config must show).
pub fn apart_from_cpus(want: usize, instead: usize) -> usize {
    if PoolConfig::num_cpu() == want {
        instead
    } else {
        want
    }
}

/// Runs `run` (one run of the pool, given its number) until `pairs` have met `meet` times, at
/// most `runs` times; a machine that kept the pairs apart decides nothing, under `check`.
pub fn until_pairs_met(
    pairs: &harness::pairs::Pairs,
    (meet, runs): (u64, usize),
    check: Check,
    what: &str,
    mut run: impl FnMut(usize) -> Result<(), Failure>,
) -> Outcome {
    let mut met = 0;
    for n in 0..runs {
        run(n)?;
        if n % 16 == 15 {
            met = pairs.met();
            if met >= meet {
                return Ok(());
            }
        }
    }
    Err(not_deciding(
        check,
        &format!("{meet} runs whose {what}"),
        &format!("{met} in {runs} runs: the machine kept them apart"),
    ))?
}
