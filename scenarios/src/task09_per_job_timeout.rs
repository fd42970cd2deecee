//! Task 9, Per-Job Timeout: what decides whether a solution meets it.
//!
//! Every scenario runs the solution against scripted servers in a turmoil world on virtual time
//! (ticks of 10 ms). A timeout is measured where it cannot be faked: the server sees the request
//! abandoned `job_timeout` after it arrived, to the tick, whenever the job waited in the queue.
//! The token's stop is timed per role as in task 6 (`roles`).

use crate::roles::{self, check_roles, fast_world, slow_world, Cancel, Keyed, Run};
use crate::support;
use harness::contracts::task09_per_job_timeout::{
    JobOutcome, PerJobTimeout, Percentiles, Timed, TimeoutConfig, TASK,
};
use harness::contracts::{PoolConfig, PoolError, Solution};
use harness::net::sim::{LATENCY, TICK};
use harness::net::{Reply, World};
use harness::scenario::attempted;
use harness::{ensure, Check, Ctx, Failure, Outcome, Scenario};
use std::time::Duration;

impl Keyed for Timed {
    fn key(&self) -> String {
        self.url.clone()
    }
}

/// The seed's pool, and a second one where no size or duration coincides with the seed's.
fn configs() -> [TimeoutConfig; 2] {
    [
        TimeoutConfig::seed(),
        TimeoutConfig {
            pool: PoolConfig {
                workers: 5,
                jobs_buffer: 3,
                results_buffer: 7,
            },
            job_timeout: Duration::from_millis(1_500),
        },
    ]
}

/// How much longer than the server's own latency a GET takes: two ticks (task 3's measure).
const NETWORK: Duration = LATENCY.saturating_mul(2);

pub fn scenarios() -> Vec<Scenario> {
    vec![
        TASK.scenario("each_job_times_out_at_its_own_timeout", &[Check::Requirement],
            "servers that never answer or answer late, fast ones between: each slow job emitted as TimedOut and abandoned at its server job_timeout after its request arrived, to the tick, however long it queued first; one answering 2 ticks inside the timeout is Done (2 s, then 1.5 s)",
            each_job_times_out_at_its_own_timeout),
        TASK.scenario("timed_out_jobs_logged_apart", &[Check::ErrorsHandled],
            "a timed-out job logged as `URL <url>: timed out after <timeout>`, a refused one as `URL <url>: error <err>`, neither as the other; more refusals than workers, every URL still emitted",
            timed_out_jobs_logged_apart),
        TASK.scenario("the_token_beats_a_later_timeout", &[Check::CtxHonored, Check::ErrorsHandled],
            "servers that never answer and the caller's token cancelled halfway to the timeout: every GET abandoned at the cancel, not at its timeout, none emitted or logged as timed out, every role stopped within its bound",
            the_token_beats_a_later_timeout),
        TASK.scenario("requests_in_flight_equal_the_workers", &[Check::PoolSize],
            "40 slow URLs: the servers see exactly cfg.workers requests in flight at the peak (8, then 5)",
            requests_in_flight_equal_the_workers),
        TASK.scenario("jobs_taken_ahead_fill_the_jobs_buffer", &[Check::BufferSize],
            "1 s into a run of 3 s GETs: jobs_buffer to jobs_buffer + 1 URLs taken from the input and not yet begun (8, then 3)",
            jobs_taken_ahead_fill_the_jobs_buffer),
        TASK.scenario("results_wait_in_the_results_buffer", &[Check::BufferSize],
            "with the consumer held in its first emit, exactly 1 + results_buffer + workers URLs answered (17, then 13)",
            results_wait_in_the_results_buffer),
        TASK.scenario("stretch_percentiles_exact", &[Check::Stretch],
            "40 responses of distinct scripted latencies and some timeouts: P50, P95 and P99 by nearest rank over the Done latencies, exact, and each latency the scripted one plus the network's two ticks",
            stretch_percentiles_exact),
        TASK.scenario("a_panicking_job_is_reported", &[Check::ErrorsHandled],
            "one job panics inside its probe: every other URL is emitted, the call returns Err(PoolError::JobPanicked) with the panic's message, and no task is left",
            a_panicking_job_is_reported),
        TASK.scenario("nothing_runs_after_return", &[Check::NoLeaks, Check::AllJoined],
            "after a cancellation with GETs in flight, every task the solution spawned has ended when fetch_all returns, and no request is in flight",
            nothing_runs_after_return),
        TASK.scenario("zero_workers_is_refused", &[Check::GracefulShutdown],
            "zero workers gets PoolError::ZeroWorkers at once, no request made", zero_workers_is_refused),
        TASK.scenario("empty_url_list_is_refused", &[Check::GracefulShutdown],
            "no URLs gets PoolError::EmptyInput, not a hang", empty_url_list_is_refused),
    ]
}

/// Runs the solution's `fetch_all` on `urls` in `world`, with `cancel`, the consumer held in its
/// first emit for `hold`.
fn fetch(
    ctx: &mut Ctx,
    f: &'static dyn PerJobTimeout,
    world: World,
    urls: Vec<String>,
    cfg: TimeoutConfig,
    cancel: Cancel,
    hold: Option<Duration>,
) -> Run<Timed, Percentiles> {
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

/// A world of `a.test` paths with their replies, and the URLs to fetch in that order.
fn world_of(routes: &[(String, Reply)]) -> (World, Vec<String>) {
    let mut world = World::new();
    let mut urls = Vec::new();
    for (path, reply) in routes {
        world = world.route("a.test", path, [reply.clone()]);
        urls.push(format!("http://a.test{path}"));
    }
    (world, urls)
}

fn each_job_times_out_at_its_own_timeout(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let f = attempted(sol.task09(), TASK)?;
    for cfg in configs() {
        let t = cfg.job_timeout;
        // Three times as many slow jobs as workers: the later ones wait in the queue a timeout
        // or two before their GET begins, and still get the whole timeout from there.
        let mut routes = Vec::new();
        for i in 0..cfg.pool.workers * 3 {
            let reply = match i % 3 {
                0 => Reply::never(),
                1 => Reply::ok(5).after(t + TICK * 2),
                _ => Reply::ok(5).after(t * 3),
            };
            routes.push((format!("/slow/{i}"), reply));
        }
        routes.push((
            "/inside".to_owned(),
            Reply::ok(7).after(t - NETWORK - TICK * 2),
        ));
        routes.push(("/fast".to_owned(), Reply::ok(9)));
        let (world, urls) = world_of(&routes);
        let run = fetch(ctx, f, world, urls, cfg, Cancel::Never, None);
        let (got, _) = run.returned(Check::Requirement)?;
        roles::check_bracketed(&run, got)?;
        for timed in &got.out {
            let slow = timed.url.contains("/slow/");
            let fits = match &timed.outcome {
                JobOutcome::TimedOut => slow,
                JobOutcome::Done(page) => {
                    !slow && page.bytes == if timed.url.ends_with("/fast") { 9 } else { 7 }
                }
                JobOutcome::Failed(_) => false,
            };
            ensure(fits, || {
                Failure::new(
                    Check::Requirement,
                    format!("{}: {}", timed.url, if slow { format!("TimedOut (its server answers after more than {t:?}, or never)") } else { format!("Done (its server answers inside {t:?})") }),
                    format!("{:?}", timed.outcome),
                )
                .hint("put each GET, body included, under its own tokio::time::timeout(cfg.job_timeout, ...), started when the GET starts")
            })?;
        }
        ensure(got.out.len() == routes.len(), || {
            Failure::new(
                Check::Requirement,
                format!("all {} URLs emitted once", routes.len()),
                format!("{} emitted", got.out.len()),
            )
        })?;
        for s in run
            .record
            .seen()
            .iter()
            .filter(|s| s.path.starts_with("/slow/"))
        {
            let lasted = s.ended.map(|e| e.saturating_sub(s.started));
            ensure(
                s.abandoned && lasted.is_some_and(|d| d.abs_diff(t) <= TICK),
                || {
                    Failure::new(
                        Check::Requirement,
                        format!("{}: abandoned {t:?} after it reached its server (its own timeout, started with its GET), ± 1 tick", s.path),
                        format!("abandoned: {}, after {lasted:?}", s.abandoned),
                    )
                    .hint("the timeout belongs to one GET: start it when the GET starts (not when the URL was taken, nor once per worker), on the runtime's clock")
                },
            )?;
        }
    }
    Ok(())
}

fn timed_out_jobs_logged_apart(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let f = attempted(sol.task09(), TASK)?;
    let cfg = configs()[1];
    let mut routes: Vec<(String, Reply)> = (0..4)
        .map(|i| (format!("/silent/{i}"), Reply::never()))
        .collect();
    routes.extend((0..6).map(|i| (format!("/ok/{i}"), Reply::ok(3))));
    let (world, mut urls) = world_of(&routes);
    let world = world.refusing("down.test");
    // More refusals than workers: a worker lost to each shows as URLs never emitted.
    let refused = cfg.pool.workers + 2;
    urls.extend((0..refused).map(|i| format!("http://down.test/{i}")));
    let total = urls.len();
    let run = fetch(ctx, f, world, urls, cfg, Cancel::Never, None);
    let (got, _) = run.returned(Check::ErrorsHandled)?;
    let logged: Vec<String> = harness::logs::captured()
        .into_iter()
        .filter(|e| e.is_problem())
        .map(|e| e.text)
        .collect();
    let mut want: Vec<String> = Vec::new();
    for timed in &got.out {
        match &timed.outcome {
            JobOutcome::TimedOut => want.push(format!(
                "URL {}: timed out after {:?}",
                timed.url, cfg.job_timeout
            )),
            JobOutcome::Failed(err) => want.push(format!("URL {}: error {err}", timed.url)),
            JobOutcome::Done(_) => {}
        }
    }
    let (mut got_lines, mut want_lines) = (logged.clone(), want.clone());
    got_lines.sort();
    want_lines.sort();
    let timed_out = got
        .out
        .iter()
        .filter(|t| t.outcome == JobOutcome::TimedOut)
        .count();
    let failed = got
        .out
        .iter()
        .filter(|t| matches!(t.outcome, JobOutcome::Failed(_)))
        .count();
    ensure(
        got_lines == want_lines && timed_out == 4 && failed == refused && got.out.len() == total,
        || {
            Failure::new(
            Check::ErrorsHandled,
            format!("all {total} URLs emitted: 4 TimedOut, each logged at warn as `URL <url>: timed out after 1.5s`; {refused} refused ones Failed, each logged as `URL <url>: error <err>`; nothing else logged"),
            format!("{} emitted, {timed_out} TimedOut, {failed} Failed; logged: {:?}", got.out.len(), logged.iter().take(8).collect::<Vec<_>>()),
        )
        .hint("log a timed-out job with its own line, tracing::warn!(\"URL {url}: timed out after {timeout:?}\"), apart from other failures")
        },
    )?;
    Ok(())
}

fn the_token_beats_a_later_timeout(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let f = attempted(sol.task09(), TASK)?;
    for cfg in configs() {
        let routes: Vec<(String, Reply)> = (0..cfg.pool.workers * 3)
            .map(|i| (format!("/{i}"), Reply::never()))
            .collect();
        let (world, urls) = world_of(&routes);
        let c = cfg.job_timeout / 2;
        let run = fetch(ctx, f, world, urls, cfg, Cancel::At(c), None);
        check_roles(&run, c, "the caller's cancel, halfway to the jobs' timeout")?;
        let (got, _) = run.returned(Check::CtxHonored)?;
        let timed_out_logs = harness::logs::captured()
            .into_iter()
            .filter(|e| e.text.contains("timed out"))
            .count();
        ensure(got.out.is_empty(), || {
            Failure::new(
                Check::CtxHonored,
                format!("the cancel at {c:?} came first: no job emitted"),
                format!("{} emitted ({:?})", got.out.len(), got.out.first().map(|t| &t.outcome)),
            )
            .hint("select on token.cancelled() around the timed GET: whichever fires first decides, and a cancelled job is neither a timeout nor a result")
        })?;
        ensure(timed_out_logs == 0, || {
            Failure::new(
                Check::ErrorsHandled,
                format!("the cancel at {c:?} came first: no job logged as timed out"),
                format!("{timed_out_logs} timed-out lines logged"),
            )
            .hint("a job the cancellation cut short did not time out: log nothing for it")
        })?;
    }
    Ok(())
}

fn requests_in_flight_equal_the_workers(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let f = attempted(sol.task09(), TASK)?;
    for cfg in configs() {
        // Answers inside the timeout, one second each.
        let routes: Vec<(String, Reply)> = (0..40)
            .map(|i| (format!("/{i}"), Reply::ok(1).after(Duration::from_secs(1))))
            .collect();
        let (world, urls) = world_of(&routes);
        let run = fetch(ctx, f, world, urls, cfg, Cancel::Never, None);
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

fn jobs_taken_ahead_fill_the_jobs_buffer(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let f = attempted(sol.task09(), TASK)?;
    for cfg in configs() {
        let cfg = TimeoutConfig {
            job_timeout: Duration::from_secs(5),
            ..cfg
        };
        let (world, urls) = slow_world(3 * cfg.pool.workers + cfg.pool.jobs_buffer);
        let run = fetch(ctx, f, world, urls, cfg, Cancel::Never, None);
        let (got, _) = run.returned(Check::BufferSize)?;
        support::jobs_taken_ahead(
            &got.taken_at,
            &got.started_at,
            Duration::from_secs(1),
            cfg.pool,
        )?;
    }
    Ok(())
}

fn results_wait_in_the_results_buffer(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let f = attempted(sol.task09(), TASK)?;
    for cfg in configs() {
        let n = 3 * cfg.pool.workers + cfg.pool.results_buffer + cfg.pool.jobs_buffer;
        let (world, urls) = fast_world(n);
        let hold = Some(Duration::from_secs(2));
        let run = fetch(ctx, f, world, urls, cfg, Cancel::Never, hold);
        run.returned(Check::BufferSize)?;
        support::answered_while_held(&run.record, Duration::from_secs(1), cfg.pool)?;
    }
    Ok(())
}

/// The nearest-rank percentile `p` of `sorted`: its `ceil(p / 100 * n)`-th smallest.
fn nearest_rank(sorted: &[Duration], p: usize) -> Duration {
    match sorted.len() {
        0 => Duration::ZERO,
        n => sorted[(p * n).div_ceil(100) - 1],
    }
}

fn stretch_percentiles_exact(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let f = attempted(sol.task09(), TASK)?;
    let cfg = configs()[1];
    // 40 distinct latencies in whole ticks, all inside the timeout, so every rank is its own
    // value; and 5 jobs that time out, which no percentile counts. A fixed case first, in every
    // run: the slowest job listed first, so it is not the last to answer (a percentile taken in
    // arrival order, unsorted, is wrong at rank 40 there whatever the draw); then a drawn one.
    let fixed: Vec<u32> = std::iter::once(119).chain(0..39).collect();
    let mut drawn: Vec<u32> = (0..120).collect();
    ctx.rng.shuffle(&mut drawn);
    drawn.truncate(40);
    for (ticks, shuffled) in [(fixed, false), (drawn, true)] {
        let mut routes: Vec<(String, Reply)> = ticks
            .iter()
            .enumerate()
            .map(|(i, t)| (format!("/{i}"), Reply::ok(2).after(TICK * *t)))
            .collect();
        routes.extend((0..5).map(|i| (format!("/late/{i}"), Reply::never())));
        if shuffled {
            ctx.rng.shuffle(&mut routes);
        }
        let (world, urls) = world_of(&routes);
        let run = fetch(ctx, f, world, urls, cfg, Cancel::Never, None);
        let (got, _) = run.returned(Check::Stretch)?;
        let stats = support::stretch_value(TASK, "fetch_all returns Ok(percentiles)", &got.result)?;
        let mut latencies: Vec<Duration> = got
            .out
            .iter()
            .filter_map(|t| match &t.outcome {
                JobOutcome::Done(page) => Some(page.latency),
                _ => None,
            })
            .collect();
        let mut scripted: Vec<Duration> = ticks.iter().map(|t| TICK * *t + NETWORK).collect();
        latencies.sort();
        scripted.sort();
        let close = latencies.len() == scripted.len()
            && latencies
                .iter()
                .zip(&scripted)
                .all(|(a, b)| a.abs_diff(*b) <= TICK);
        ensure(close, || {
            Failure::new(
            Check::Stretch,
            "the 40 Done latencies: each the scripted one plus the network's two ticks, ± 1 tick",
            format!(
                "{} Done; the first few {:?}, scripted {:?}",
                latencies.len(),
                &latencies[..latencies.len().min(4)],
                &scripted[..4]
            ),
        )
        .hint("time each GET with tokio::time::Instant, from just before client.get to its end")
        })?;
        let want = Percentiles {
            p50: nearest_rank(&latencies, 50),
            p95: nearest_rank(&latencies, 95),
            p99: nearest_rank(&latencies, 99),
        };
        ensure(stats == want, || {
            Failure::new(
            Check::Stretch,
            format!("{want:?}: nearest rank (the ceil(p/100 * 40)-th smallest: 20th, 38th, 40th) over the Done latencies emitted, timeouts left out"),
            format!("{stats:?}"),
        )
        .hint("sort the latencies of the jobs that got a response; Pp is sorted[ceil(p * n / 100) - 1]")
        })?;
    }
    Ok(())
}

fn nothing_runs_after_return(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let f = attempted(sol.task09(), TASK)?;
    let (world, urls) = slow_world(30);
    let cfg = TimeoutConfig {
        job_timeout: Duration::from_secs(5),
        ..configs()[1]
    };
    let run = fetch(
        ctx,
        f,
        world,
        urls,
        cfg,
        Cancel::At(Duration::from_millis(4_500)),
        None,
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
    cfg: TimeoutConfig,
    urls: Vec<String>,
    want: PoolError,
) -> Outcome {
    let f = attempted(sol.task09(), TASK)?;
    let (world, _) = fast_world(1);
    let run = fetch(ctx, f, world, urls, cfg, Cancel::Never, None);
    let (got, _) = run.returned(Check::GracefulShutdown)?;
    support::refused_at_once(&got.result, got.out.len(), &run.record, want)
}

fn zero_workers_is_refused(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let mut cfg = TimeoutConfig::seed();
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
        TimeoutConfig::seed(),
        Vec::new(),
        PoolError::EmptyInput,
    )
}

fn a_panicking_job_is_reported(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let f = attempted(sol.task09(), TASK)?;
    let cfg = configs()[1];
    roles::a_panicking_job(ctx, move |jobs, probe, client, token, sink| {
        f.fetch_all(cfg, jobs, probe, client, token, sink)
    })
}
