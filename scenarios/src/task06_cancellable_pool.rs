//! Task 6, Cancellable Pool: what decides whether a solution meets it.
//!
//! Every scenario runs the solution against scripted servers in a turmoil world on virtual time
//! (`harness::net::sim`, ticks of 10 ms). Every GET takes 3 s at its server, so the pool works in
//! rounds, and no round ends within a tick of a cancellation: what happens at the cancellation is
//! the solution's answer to it, not a coincidence. Each role is timed where it cannot fake it:
//! the producer when it takes a URL (the harness's side of the input), the workers when a GET
//! begins (the probe), the GETs in flight when the servers see them abandoned, the consumer when
//! the call returns.

use crate::roles::{self, check_roles, fast_world, slow_world, Cancel, Keyed, Run, BOUND};
use crate::support;
use harness::contracts::task03_url_fetcher::Fetched;
use harness::contracts::task06_cancellable_pool::{
    CancelConfig, CancelStats, CancellablePool, TASK,
};
use harness::contracts::{PoolConfig, PoolError, Solution};
use harness::net::{Reply, World};
use harness::scenario::attempted;
use harness::{ensure, Check, Ctx, Failure, Outcome, Scenario};
use std::time::Duration;

/// The seed's pool, and a second one where no size or duration coincides with the seed's.
fn configs() -> [CancelConfig; 2] {
    [
        CancelConfig::seed(),
        CancelConfig {
            pool: PoolConfig {
                workers: 5,
                jobs_buffer: 3,
                results_buffer: 7,
            },
            timeout: Duration::from_secs(4),
            cancel_after: Duration::from_secs(7),
        },
    ]
}

/// When the caller cancels, in the scenarios where it does: mid-round for both pools.
const CALLER_CANCELS: Duration = Duration::from_millis(4_500);
impl Keyed for Fetched {
    fn key(&self) -> String {
        self.url.clone()
    }
}

pub fn scenarios() -> Vec<Scenario> {
    vec![
        TASK.scenario("runs_to_the_end_when_never_cancelled", &[Check::Requirement],
            "URLs that all finish before cfg.cancel_after: each emitted once with its status and body length, and the stats count every one completed",
            runs_to_the_end_when_never_cancelled),
        TASK.scenario("caller_cancel_stops_every_role", &[Check::CtxHonored],
            "the caller's token cancelled at 4.5 s, mid-round: the producer takes no URL and no worker starts a GET after it, every GET in flight is abandoned at its server and the call returns within 2 ticks; then with the consumer held across the cancel and a full results channel of 24, the buffer not drained; reported per role",
            caller_cancel_stops_every_role),
        TASK.scenario("own_deadline_cancels_at_cancel_after", &[Check::CtxHonored],
            "no cancel from the caller: the pool cancels itself at cfg.cancel_after on the runtime's clock (10 s, then 7 s), every role within its bound",
            own_deadline_cancels_at_cancel_after),
        TASK.scenario("already_cancelled_token_fetches_nothing", &[Check::CtxHonored],
            "a token cancelled before the call: no request reaches a server and the call returns within 2 ticks",
            already_cancelled_token_fetches_nothing),
        TASK.scenario("cut_short_gets_are_not_failures", &[Check::ErrorsHandled, Check::Requirement],
            "more refusals than workers and a GET that times out, before the cancellation: each emitted and logged as `URL <url>: error <err>`, every worker still fetching at the cancel; the GETs the cancellation cuts short neither emitted nor logged",
            cut_short_gets_are_not_failures),
        TASK.scenario("results_wait_in_the_results_buffer", &[Check::BufferSize],
            "with the consumer held in its first emit, exactly 1 + results_buffer + workers URLs answered (17, then 13)",
            results_wait_in_the_results_buffer),
        TASK.scenario("requests_in_flight_equal_the_workers", &[Check::PoolSize],
            "40 slow URLs: the servers see exactly cfg.workers requests in flight at the peak (8, then 5), never more",
            requests_in_flight_equal_the_workers),
        TASK.scenario("stretch_counts_match_the_servers", &[Check::Stretch],
            "after the caller's cancel and after the pool's own: completed = requests the servers answered, cancelled = requests they saw abandoned, never started = the rest of the input, each exact",
            stretch_counts_match_the_servers),
        TASK.scenario("a_panicking_job_is_reported", &[Check::ErrorsHandled],
            "one job panics inside its probe: every other URL is emitted, the call returns Err(PoolError::JobPanicked) with the panic's message, and no task is left",
            a_panicking_job_is_reported),
        TASK.scenario("nothing_runs_after_return", &[Check::NoLeaks, Check::AllJoined],
            "after a cancellation, every task the solution spawned has ended when fetch_all returns, and no request is in flight at the servers",
            nothing_runs_after_return),
        TASK.scenario("zero_workers_is_refused", &[Check::GracefulShutdown],
            "zero workers gets PoolError::ZeroWorkers at once, no request made", zero_workers_is_refused),
        TASK.scenario("empty_url_list_is_refused", &[Check::GracefulShutdown],
            "no URLs gets PoolError::EmptyInput, not a hang", empty_url_list_is_refused),
    ]
}

/// Runs the solution's `fetch_all` on `urls` in `world`, with `cancel`.
fn fetch(
    ctx: &mut Ctx,
    f: &'static dyn CancellablePool,
    world: World,
    urls: Vec<String>,
    cfg: CancelConfig,
    cancel: Cancel,
) -> Run<Fetched, CancelStats> {
    fetch_held(ctx, f, world, urls, cfg, cancel, None)
}

/// [`fetch`], with the consumer held inside its first emit for `hold`.
fn fetch_held(
    ctx: &mut Ctx,
    f: &'static dyn CancellablePool,
    world: World,
    urls: Vec<String>,
    cfg: CancelConfig,
    cancel: Cancel,
    hold: Option<Duration>,
) -> Run<Fetched, CancelStats> {
    let what = format!("fetch_all ({cfg:?}, cancel {cancel:?})");
    roles::run(
        ctx,
        &what,
        world,
        urls,
        cancel,
        hold,
        move |jobs, probe, client, token, sink| f.fetch_all(cfg, jobs, probe, client, token, sink),
    )
}

fn runs_to_the_end_when_never_cancelled(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let f = attempted(sol.task06(), TASK)?;
    for cfg in configs() {
        // Two rounds of GETs end well before cfg.cancel_after.
        let n = cfg.pool.workers * 2;
        let (world, urls) = slow_world(n);
        let run = fetch(ctx, f, world, urls.clone(), cfg, Cancel::Never);
        let (got, _) = run.returned(Check::Requirement)?;
        let mut emitted: Vec<_> = got
            .out
            .iter()
            .map(|f| (f.url.clone(), f.outcome.as_ref().map(|p| p.bytes).ok()))
            .collect();
        emitted.sort();
        let mut want: Vec<_> = urls
            .iter()
            .enumerate()
            .map(|(i, u)| (u.clone(), Some(i + 1)))
            .collect();
        want.sort();
        ensure(emitted == want, || {
            Failure::new(
                Check::Requirement,
                format!(
                    "all {n} URLs emitted once with their body lengths (nothing cancels this run)"
                ),
                format!(
                    "{} emitted: {:?}",
                    emitted.len(),
                    emitted.iter().take(4).collect::<Vec<_>>()
                ),
            )
            .hint("with no cancellation the pool is task 3's: every URL fetched and emitted")
        })?;
        if let Ok(stats) = &got.result {
            let want = CancelStats {
                completed: n,
                ..CancelStats::default()
            };
            ensure(*stats == want, || {
                Failure::new(
                    Check::Requirement,
                    format!("{want:?}: nothing was cancelled"),
                    format!("{stats:?}"),
                )
            })?;
        }
    }
    Ok(())
}

fn caller_cancel_stops_every_role(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let f = attempted(sol.task06(), TASK)?;
    for cfg in configs() {
        let (world, urls) = slow_world(40);
        let run = fetch(ctx, f, world, urls, cfg, Cancel::At(CALLER_CANCELS));
        check_roles(&run, CALLER_CANCELS, "the caller's cancel")?;
    }
    // Answers at once, and the consumer held in its first emit across the cancel: the results
    // channel full and the workers waiting on it when the token fires. Once let go, the consumer
    // emits fewer than the buffer holds (a `select!` picks at random among ready branches, in
    // Go as in tokio: a result ready beside the cancel may win a few times, all 24 about once
    // in 17 million runs; a consumer that drains the buffer emits them all) and the call
    // returns within the bound.
    let cfg = CancelConfig {
        pool: PoolConfig {
            results_buffer: 24,
            ..configs()[1].pool
        },
        ..configs()[1]
    };
    let (world, urls) = fast_world(60);
    let (c, hold) = (Duration::from_secs(1), Duration::from_secs(2));
    let run = fetch_held(ctx, f, world, urls, cfg, Cancel::At(c), Some(hold));
    let (got, returned) = run.returned(Check::CtxHonored)?;
    let roles = run.roles(got, returned, c);
    let held_until = got.emitted_at.first().copied().unwrap_or_default() + hold;
    let late_emits = got.emitted_at.iter().filter(|t| **t > c).count();
    ensure(
        roles.producer.is_none()
            && roles.workers.is_none()
            && late_emits < cfg.pool.results_buffer
            && returned <= held_until + BOUND,
        || {
            Failure::new(
                Check::CtxHonored,
                format!("with the consumer held in its first emit until {held_until:?} across the caller's cancel at {c:?}: no URL taken and no GET begun after it, fewer results emitted after it than the results buffer holds (not the buffer drained), and the call returned within {BOUND:?} of the consumer's release"),
                format!("{}; {late_emits} result(s) emitted after the cancel", roles.report()),
            )
            .hint("every send on the results channel selects on token.cancelled() too (a worker waiting on a full channel must see the cancel), and the consumer stops reading at the cancel")
        },
    )?;
    Ok(())
}

fn own_deadline_cancels_at_cancel_after(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let f = attempted(sol.task06(), TASK)?;
    for cfg in configs() {
        let (world, urls) = slow_world(60);
        let run = fetch(ctx, f, world, urls, cfg, Cancel::Never);
        check_roles(
            &run,
            cfg.cancel_after,
            "the pool's own deadline (cfg.cancel_after)",
        )?;
        // Cancelled, not finished early: GETs were in flight at the deadline.
        let (got, returned) = run.returned(Check::CtxHonored)?;
        let roles = run.roles(got, returned, cfg.cancel_after);
        ensure(roles.in_flight > 0, || {
            Failure::new(
                Check::CtxHonored,
                format!("GETs in flight at cfg.cancel_after = {:?}, cut short there", cfg.cancel_after),
                format!("the call returned {returned:?} in, with none in flight at the deadline"),
            )
            .hint("the pool's own deadline is cfg.cancel_after from the call, on the runtime's clock (tokio::time::sleep)")
        })?;
    }
    Ok(())
}

fn already_cancelled_token_fetches_nothing(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let f = attempted(sol.task06(), TASK)?;
    let (world, urls) = slow_world(20);
    let run = fetch(ctx, f, world, urls, CancelConfig::seed(), Cancel::Before);
    let (got, returned) = run.returned(Check::CtxHonored)?;
    let requests = run.record.seen().len();
    let begun = got.started_at.len();
    ensure(
        requests == 0 && begun == 0 && returned <= BOUND && got.out.is_empty(),
        || {
            Failure::new(
            Check::CtxHonored,
            format!("with the token cancelled before the call: no GET begun, no request, nothing emitted, the call returned within {BOUND:?}"),
            format!("{begun} GETs begun, {requests} requests, {} emitted, returned at {returned:?}", got.out.len()),
        )
        .hint("check token.is_cancelled() before taking a URL and before each GET, not only while waiting")
        },
    )?;
    Ok(())
}

fn cut_short_gets_are_not_failures(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let f = attempted(sol.task06(), TASK)?;
    let cfg = configs()[1];
    // More refusals than workers, and a server that never answers (its GET times out at 4 s,
    // before the cancel at 4.5 s), ahead of slow URLs the cancel cuts short.
    let (world, mut urls) = slow_world(30);
    let world = world
        .refusing("down.test")
        .route("a.test", "/silent", [Reply::never()]);
    let mut failing: Vec<String> = (0..cfg.pool.workers + 2)
        .map(|i| format!("http://down.test/{i}"))
        .collect();
    failing.push("http://a.test/silent".to_owned());
    urls.splice(0..0, failing.iter().cloned());
    let run = fetch(ctx, f, world, urls, cfg, Cancel::At(CALLER_CANCELS));
    let (got, returned) = run.returned(Check::ErrorsHandled)?;
    let logged: Vec<String> = harness::logs::captured()
        .into_iter()
        .filter(|e| e.is_problem())
        .map(|e| e.text)
        .collect();
    for url in &failing {
        let err = got
            .out
            .iter()
            .find(|f| &f.url == url)
            .and_then(|f| f.outcome.as_ref().err());
        let line = err.map(|e| format!("URL {url}: error {e}"));
        // The silent server's GET must time out at cfg.timeout, before the cancel: task 3's
        // requirement; a refusal not reported is an error not handled.
        let check = if url.ends_with("/silent") {
            Check::Requirement
        } else {
            Check::ErrorsHandled
        };
        ensure(line.as_ref().is_some_and(|l| logged.contains(l)), || {
            Failure::new(
                check,
                format!("{url} (refused, or timed out at cfg.timeout = {:?} before the cancel) emitted with its error and logged at warn as `URL {url}: error <the error as emitted>`", cfg.timeout),
                format!("emitted as {err:?}; problems logged: {:?}", logged.iter().take(4).collect::<Vec<_>>()),
            )
            .hint("a GET that failed before the cancellation is task 3's failure: emitted and logged with its Display text; each GET under cfg.timeout")
        })?;
    }
    let cut: Vec<&String> = logged
        .iter()
        .filter(|t| !failing.iter().any(|u| t.contains(u.as_str())))
        .collect();
    let cut_emitted: Vec<_> = got
        .out
        .iter()
        .filter(|f| f.outcome.is_err() && !failing.contains(&f.url))
        .map(|f| f.url.clone())
        .collect();
    ensure(cut.is_empty() && cut_emitted.is_empty(), || {
        Failure::new(
            Check::ErrorsHandled,
            "no GET cut short by the cancellation logged or emitted as a failure",
            format!("logged: {cut:?}; emitted as failures: {cut_emitted:?}"),
        )
        .hint("a GET the cancellation cuts short is not an error of the URL: count it as cancelled, do not log or emit it")
    })?;
    let roles = run.roles(got, returned, CALLER_CANCELS);
    ensure(roles.in_flight == cfg.pool.workers, || {
        Failure::new(
            Check::ErrorsHandled,
            format!("after {} failures, still {} GETs in flight at the cancel: no worker lost to an error", failing.len(), cfg.pool.workers),
            format!("{} in flight", roles.in_flight),
        )
        .hint("a failed GET is a result like any other: the worker sends it and takes the next URL")
    })?;
    Ok(())
}

fn results_wait_in_the_results_buffer(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let f = attempted(sol.task06(), TASK)?;
    for cfg in configs() {
        let n = 3 * cfg.pool.workers + cfg.pool.results_buffer + cfg.pool.jobs_buffer;
        let (world, urls) = fast_world(n);
        // The consumer held in its first emit for 2 s; 1 s in, the workers have filled the
        // results channel and each waits with one more result in hand, so the servers have
        // answered exactly the held one, the channel's and the workers'.
        let hold = Some(Duration::from_secs(2));
        let run = fetch_held(ctx, f, world, urls, cfg, Cancel::Never, hold);
        run.returned(Check::BufferSize)?;
        support::answered_while_held(&run.record, Duration::from_secs(1), cfg.pool)?;
    }
    Ok(())
}

fn requests_in_flight_equal_the_workers(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let f = attempted(sol.task06(), TASK)?;
    for cfg in configs() {
        let (world, urls) = slow_world(40);
        let run = fetch(ctx, f, world, urls, cfg, Cancel::At(CALLER_CANCELS));
        run.returned(Check::PoolSize)?;
        let peak = run.record.peak();
        ensure(peak == cfg.pool.workers, || {
            Failure::new(
                Check::PoolSize,
                format!(
                    "exactly {} requests in flight at the peak (cfg.pool.workers)",
                    cfg.pool.workers
                ),
                format!("{peak}"),
            )
            .hint("start exactly cfg.pool.workers worker tasks, each making one GET at a time")
        })?;
    }
    Ok(())
}

fn stretch_counts_match_the_servers(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let f = attempted(sol.task06(), TASK)?;
    let cfg = configs()[1];
    // Three URLs refused at once first: failures completed before any cancel.
    const REFUSED: usize = 3;
    for cancel in [Cancel::At(CALLER_CANCELS), Cancel::Never] {
        let (world, mut urls) = slow_world(60);
        let world = world.refusing("down.test");
        for i in 0..REFUSED {
            urls.insert(0, format!("http://down.test/{i}"));
        }
        let run = fetch(ctx, f, world, urls, cfg, cancel);
        let (got, _) = run.returned(Check::Stretch)?;
        let stats = support::stretch_value(
            TASK,
            "fetch_all returns Ok(stats) after a cancellation",
            &got.result,
        )?;
        let seen = run.record.seen();
        let answered = seen.iter().filter(|s| s.status.is_some()).count();
        let abandoned = seen.iter().filter(|s| s.abandoned).count();
        let want = CancelStats {
            completed: answered + REFUSED,
            cancelled: abandoned,
            never_started: run.urls - seen.len() - REFUSED,
        };
        ensure(stats == want, || {
            Failure::new(
                Check::Stretch,
                format!("{want:?}, as the servers saw it (cancel {cancel:?}; {} URLs, {REFUSED} of them refused at once: completed failures)", run.urls),
                format!("{stats:?}"),
            )
            .hint("count a GET completed when it ended (a response, an error or the timeout), cancelled when the cancellation cut it short; never started is the input's length (urls.len()) less both")
        })?;
    }
    Ok(())
}

fn nothing_runs_after_return(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let f = attempted(sol.task06(), TASK)?;
    let (world, urls) = slow_world(40);
    let run = fetch(
        ctx,
        f,
        world,
        urls,
        configs()[1],
        Cancel::At(CALLER_CANCELS),
    );
    let (got, _) = run.returned(Check::AllJoined)?;
    support::nothing_alive(
        got.alive,
        &run.record,
        "keep every task in a JoinSet and drain it after the cancellation, before returning",
    )
}

fn refused(
    sol: &'static dyn Solution,
    ctx: &mut Ctx,
    cfg: CancelConfig,
    urls: Vec<String>,
    want: PoolError,
) -> Outcome {
    let f = attempted(sol.task06(), TASK)?;
    let (world, _) = slow_world(1);
    let run = fetch(ctx, f, world, urls, cfg, Cancel::Never);
    let (got, _) = run.returned(Check::GracefulShutdown)?;
    support::refused_at_once(&got.result, got.out.len(), &run.record, want)
}

fn zero_workers_is_refused(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let mut cfg = CancelConfig::seed();
    cfg.pool.workers = 0;
    refused(
        sol,
        ctx,
        cfg,
        vec!["http://a.test/0".to_owned()],
        PoolError::ZeroWorkers,
    )
}

fn empty_url_list_is_refused(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    refused(
        sol,
        ctx,
        CancelConfig::seed(),
        Vec::new(),
        PoolError::EmptyInput,
    )
}

fn a_panicking_job_is_reported(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let f = attempted(sol.task06(), TASK)?;
    let cfg = configs()[1];
    roles::a_panicking_job(ctx, move |jobs, probe, client, token, sink| {
        f.fetch_all(cfg, jobs, probe, client, token, sink)
    })
}
