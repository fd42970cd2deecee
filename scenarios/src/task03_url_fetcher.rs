//! Task 3, URL Fetcher: what decides whether a solution meets it.
//!
//! Every scenario runs the solution against a scripted world of upstream servers inside a
//! turmoil simulation (`harness::net::sim`): virtual time, every message one tick of 10 ms. The
//! servers record what the solution cannot fake: each request's start and end, the requests in
//! flight at once, the requests abandoned before their response.

use crate::support;
use harness::contracts::task03_url_fetcher::{FetchConfig, FetchStats, Fetched, UrlFetcher, TASK};
use harness::contracts::{PoolConfig, PoolError, Solution};
use harness::ledger::Ledger;
use harness::net::sim::{self, Ended, LATENCY, TICK};
use harness::net::{Record, Reply, World};
use harness::probe::{Jobs, Probe};
use harness::scenario::attempted;
use harness::sink::Sink;
use harness::{ensure, ensure_eq, Check, Ctx, Failure, Outcome, Scenario};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// The seed's pool, and a second one where no two sizes (nor the CPU count, nor the seed's 8)
/// coincide, so using one for another shows.
fn configs() -> [FetchConfig; 2] {
    [
        FetchConfig::seed(),
        FetchConfig {
            pool: PoolConfig {
                workers: 5,
                jobs_buffer: 3,
                results_buffer: 7,
            },
            timeout: Duration::from_secs(3),
        },
    ]
}

/// How much longer than the server's own latency a GET takes on the simulated network, measured:
/// two ticks (at 1 ms ticks it was four messages: connect twice, the request, the response; at
/// 10 ms a tick carries more than one of them).
const NETWORK: Duration = LATENCY.saturating_mul(2);
/// How long a scenario's world may run before the pool is taken for hung.
const LIMIT: Duration = Duration::from_secs(40);

pub fn scenarios() -> Vec<Scenario> {
    vec![
        TASK.scenario("status_and_length_for_every_url", &[Check::Requirement],
            "40 URLs on two hosts (200, 301, 404, 500, bodies of 0 to 20 000 bytes, latencies of 0 to 2 s): each is emitted once with its status and body length, each GET inside one probe.run_async keyed by its URL, on both pools",
            status_and_length_for_every_url),
        TASK.scenario("works_on_real_sockets", &[Check::Requirement],
            "the same contract on real loopback sockets (wiremock's servers, real time, 20 ms at most): every URL's status and body length, a refusing host an error, and each path got exactly one GET with its host in the Host header",
            works_on_real_sockets),
        TASK.scenario("results_are_emitted_as_they_come", &[Check::BufferSize],
            "30 URLs of 0 to 2 s on the second pool: the first result is emitted before the last GET ends",
            results_are_emitted_as_they_come),
        TASK.scenario("jobs_taken_ahead_fill_the_jobs_buffer", &[Check::BufferSize],
            "1 s into a run of 2 s GETs: exactly cfg.workers GETs started and jobs_buffer to jobs_buffer + 1 URLs taken ahead (8 and 8, then 5 and 3)",
            jobs_taken_ahead_fill_the_jobs_buffer),
        TASK.scenario("results_wait_in_the_results_buffer", &[Check::BufferSize],
            "with the consumer held in its first emit, exactly results_buffer + workers results wait finished and unread (16, then 12)",
            results_wait_in_the_results_buffer),
        TASK.scenario("results_queued_when_the_workers_end_are_emitted", &[Check::Requirement],
            "2 workers and a results channel of 32: with the consumer held in its first emit until every worker has ended, the 32 results still queued are all emitted",
            results_queued_when_the_workers_end_are_emitted),
        TASK.scenario("failed_urls_logged_with_their_error", &[Check::ErrorsHandled],
            "a refusing host, a server that never answers and malformed URLs among good ones: each failure is emitted as an error and logged at warn as `URL <url>: error <err>`; the others are not",
            failed_urls_logged_with_their_error),
        TASK.scenario("timeout_fires_at_the_configured_time", &[Check::Requirement],
            "a server that never answers is abandoned at the configured timeout after its request started, to the tick (5 s, then 3 s), and one answering just inside it is not cut short",
            timeout_fires_at_the_configured_time),
        TASK.scenario("requests_in_flight_equal_the_workers", &[Check::PoolSize],
            "40 URLs each taking 1 s: the servers see exactly cfg.workers requests in flight at the peak (8, then 5), never more",
            requests_in_flight_equal_the_workers),
        TASK.scenario("stretch_stats_exact", &[Check::Stretch],
            "total bytes and error rate exact, mean latency within a tick of the scripted latencies plus the network's two ticks",
            stretch_stats_exact),
        TASK.scenario("a_panicking_job_is_reported", &[Check::ErrorsHandled],
            "one job panics inside its probe: every other URL is emitted, the call returns Err(PoolError::JobPanicked) with the panic's message, and no task is left",
            a_panicking_job_is_reported),
        TASK.scenario("nothing_runs_after_return", &[Check::NoLeaks, Check::AllJoined],
            "every task the solution spawned has ended when fetch_all returns, and no request is still in flight at the servers",
            nothing_runs_after_return),
        TASK.scenario("zero_workers_is_refused", &[Check::GracefulShutdown],
            "zero workers gets PoolError::ZeroWorkers at once, no request made", zero_workers_is_refused),
        TASK.scenario("empty_url_list_is_refused", &[Check::GracefulShutdown],
            "no URLs gets PoolError::EmptyInput, not a hang or empty stats", empty_url_list_is_refused),
    ]
}

/// What one simulated run gave.
struct Run {
    ended: Ended<Returned>,
    record: Record,
    ledger: Arc<Ledger>,
}

/// What `fetch_all` returned and emitted, on the world's clock.
struct Returned {
    result: Result<FetchStats, PoolError>,
    out: Vec<Fetched>,
    /// When each result was emitted.
    emitted_at: Vec<Duration>,
    /// When each URL's `probe.run_async` began, in order.
    started_at: Vec<(String, Duration)>,
    /// Tasks the solution spawned still alive when it returned.
    alive: usize,
    /// The ledger at the instant asked for ([`fetch_sampled`]).
    sampled: Option<harness::ledger::Snapshot>,
}

impl Run {
    /// What `fetch_all` returned, or the failure of a run that never returned.
    fn returned(&self, check: Check) -> Result<&Returned, Failure> {
        match &self.ended {
            Ended::Returned(r, _) => Ok(r),
            Ended::TimedOut(limit) => {
                // Blamed as a hang is anywhere (README, "How a failure is blamed"): every job done
                // and the call still waiting is a stream never closed; results finished but never
                // read, a consumer that stopped reading.
                let check = harness::watchdog::blame(check, &[self.ledger.snapshot()]);
                Err(Failure::new(
                    check,
                    "fetch_all returns once every URL was fetched or failed",
                    format!("it had not returned after {limit:?} of virtual time; the servers saw {} requests, {} still in flight; {}{}",
                        self.record.seen().len(), self.record.in_flight(), self.ledger.describe(), harness::net::sim::hung_tasks()),
                )
                .hint("every GET needs the timeout (tokio::time::timeout around the request), the consumer must read results while the producer sends, and it must stop when the results channel closes: drop every sender (the producer's jobs sender, each worker's results sender)"))
            }
            Ended::Failed(e) => Err(Failure::new(
                check,
                "the simulated world runs to the end",
                format!("it failed: {e}"),
            )),
        }
    }
}

/// Runs the solution's `fetch_all` on `urls` in `world`.
fn fetch(
    ctx: &mut Ctx,
    f: &'static dyn UrlFetcher,
    world: &World,
    cfg: FetchConfig,
    urls: Vec<String>,
) -> Run {
    fetch_sampled(ctx, f, world, cfg, urls, Looks::default())
}

/// What a run looks at beyond the results: the ledger's snapshot at `sample` on the world's
/// clock, the consumer held inside its first emit for `hold`, the job of URL `panic_on`
/// panicking inside its bracket.
#[derive(Default)]
struct Looks {
    sample: Option<Duration>,
    hold: Option<Duration>,
    panic_on: Option<String>,
}

/// [`fetch`], looking at what `looks` says.
fn fetch_sampled(
    ctx: &mut Ctx,
    f: &'static dyn UrlFetcher,
    world: &World,
    cfg: FetchConfig,
    urls: Vec<String>,
    looks: Looks,
) -> Run {
    let Looks {
        sample,
        hold,
        panic_on,
    } = looks;
    let ledger = ctx.ledger("urls");
    let record = Record::default();
    let seed = ctx.rng.u64(..);
    ctx.stage(format!(
        "running fetch_all on {} URLs in a simulated world ({cfg:?})",
        urls.len()
    ));
    let l = ledger.clone();
    let what = format!(
        "running fetch_all on {} URLs in a simulated world ({cfg:?})",
        urls.len()
    );
    let ended = sim::run_watched(
        world,
        seed,
        LIMIT,
        &record,
        move |client| async move {
            let now = || turmoil::sim_elapsed().unwrap_or_default();
            let mut sink = Sink::new(l.clone(), |f: &Fetched| f.url.clone());
            if let Some(wait) = hold {
                sink = sink.holding(0, wait);
            }
            let starts = Arc::new(std::sync::Mutex::new(Vec::new()));
            let s = starts.clone();
            let probe = Probe::new(l.clone()).with_hook(move |url: &String| {
                s.lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push((url.clone(), now()));
                if panic_on.as_ref() == Some(url) {
                    panic!("{}", support::PANIC);
                }
            });
            let sampled = Arc::new(std::sync::Mutex::new(None));
            if let Some(at) = sample {
                let (l, slot) = (l.clone(), sampled.clone());
                tokio::task::spawn_local(async move {
                    tokio::time::sleep(at).await;
                    *slot.lock().unwrap_or_else(|p| p.into_inner()) = Some(l.snapshot());
                });
            }
            let jobs = Jobs::new(l.clone(), urls, |u: &String| u.clone());
            let call = f.fetch_all(cfg, jobs, probe, client, &mut sink);
            let (result, alive) = harness::tasks::alive_after(call).await;
            let emitted_at = sink.emitted_at().to_vec();
            let out = sink.into_items();
            l.close();
            let started_at = std::mem::take(&mut *starts.lock().unwrap_or_else(|p| p.into_inner()));
            let sampled = sampled.lock().unwrap_or_else(|p| p.into_inner()).take();
            Returned {
                result,
                out,
                emitted_at,
                started_at,
                alive,
                sampled,
            }
        },
        |at| ctx.stage(format!("{what}: the world at {at:?}")),
    );
    Run {
        ended,
        record,
        ledger,
    }
}

/// `n` URLs on hosts `a.test` and `b.test`, each with a seeded reply.
fn scripted(
    ctx: &mut Ctx,
    n: usize,
    statuses: &[u16],
    max_latency_ms: u64,
) -> (World, Vec<String>, BTreeMap<String, Reply>) {
    let mut world = World::new();
    let mut urls = Vec::new();
    let mut replies = BTreeMap::new();
    for i in 0..n {
        let host = if i % 2 == 0 { "a.test" } else { "b.test" };
        let path = format!("/page/{i}");
        let status = statuses[ctx.rng.usize(..statuses.len())];
        // Latencies in whole ticks, so every GET's time is exact on the world's clock.
        let ticks = ctx.rng.u64(0..=max_latency_ms / TICK.as_millis() as u64) as u32;
        let reply = Reply::status(status, ctx.rng.usize(0..20_000)).after(TICK * ticks);
        world = world.route(host, &path, [reply.clone()]);
        let url = format!("http://{host}{path}");
        replies.insert(url.clone(), reply);
        urls.push(url);
    }
    (world, urls, replies)
}

fn status_and_length_for_every_url(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let f = attempted(sol.task03(), TASK)?;
    for cfg in configs() {
        let (world, mut urls, replies) = scripted(ctx, 40, &[200, 200, 301, 404, 500], 2_000);
        // Four URLs twice: each occurrence is a job of its own.
        for i in [3, 10, 17, 30] {
            urls.push(urls[i].clone());
        }
        ctx.rng.shuffle(&mut urls);
        let run = fetch(ctx, f, &world, cfg, urls.clone());
        let got = run.returned(Check::Requirement)?;
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for fetched in &got.out {
            *seen.entry(&fetched.url).or_default() += 1;
            let want = &replies[&fetched.url];
            let page = fetched.outcome.as_ref().map(|p| (p.status, p.bytes));
            ensure(page == Ok((want.status, want.body)), || {
                Failure::new(
                    Check::Requirement,
                    format!("{}: status {} with a {}-byte body", fetched.url, want.status, want.body),
                    format!("{page:?}"),
                )
                .hint("emit the response's status and the length of its whole body; a 4xx or 5xx status is a response, not an error")
            })?;
            let latency = fetched
                .outcome
                .as_ref()
                .map(|p| p.latency)
                .unwrap_or_default();
            let expected = want.latency + NETWORK;
            ensure(latency.abs_diff(expected) <= TICK, || {
                Failure::new(
                    Check::Requirement,
                    format!("{}: a latency of {expected:?} on the runtime's clock (the server's {:?} and the network's {NETWORK:?}), ± 1 tick", fetched.url, want.latency),
                    format!("{latency:?}"),
                )
                .hint("time each GET with tokio::time::Instant, from just before client.get to its end: std::time::Instant runs on the machine's clock, not the runtime's")
            })?;
        }
        let mut want: BTreeMap<&str, usize> = BTreeMap::new();
        for u in &urls {
            *want.entry(u).or_default() += 1;
        }
        ensure(seen == want, || {
            let wrong: Vec<_> = want
                .iter()
                .filter(|(u, n)| seen.get(*u) != Some(n))
                .take(3)
                .map(|(u, n)| format!("{u}: {n} wanted, {} emitted", seen.get(u).unwrap_or(&0)))
                .collect();
            Failure::new(
                Check::Requirement,
                format!("each of the {} URLs emitted once per time it appears in the input", urls.len()),
                format!("{} emitted; first differences: {wrong:?}", got.out.len()),
            )
            .hint("every URL the source yields is a job, repeats included; emit every result the workers send, on the calling task, until the results channel closes")
        })?;
        run.ledger.check_keys(
            urls.iter().map(String::as_str),
            "each GET inside one probe.run_async keyed by its URL as given",
        )?;
        // Each GET inside its bracket: a URL's first request reaches its server after its first
        // probe.run_async began.
        for s in run.record.seen() {
            let url = format!("http://{}{}", s.host, s.path);
            let began = got
                .started_at
                .iter()
                .find(|(u, _)| *u == url)
                .map(|(_, t)| *t);
            ensure(began.is_some_and(|b| b < s.started), || {
                Failure::new(
                    Check::Requirement,
                    format!("{url}'s request reaches its server after its probe.run_async began"),
                    format!("it arrived at {:?}; probe.run_async began at {began:?}", s.started),
                )
                .hint("the GET itself, body included, goes inside the bracket: probe.run_async(url.clone(), client.get(&url))")
            })?;
        }
    }
    Ok(())
}

fn results_are_emitted_as_they_come(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let f = attempted(sol.task03(), TASK)?;
    let cfg = configs()[1];
    let (world, urls, _) = scripted(ctx, 30, &[200], 2_000);
    let run = fetch(ctx, f, &world, cfg, urls);
    let got = run.returned(Check::BufferSize)?;
    let first = got.emitted_at.iter().min().copied().unwrap_or_default();
    let last_end = run
        .record
        .seen()
        .iter()
        .filter_map(|s| s.ended)
        .max()
        .unwrap_or_default();
    ensure(first < last_end, || {
        Failure::new(
            Check::BufferSize,
            "the first result emitted before the last GET ended: results flow through the results channel of cfg.results_buffer",
            format!("the first was emitted at {first:?}, after the last GET ended at {last_end:?}: every result waited somewhere unbounded"),
        )
        .hint("emit each result as it comes off the results channel; gathering them all first (a Vec) keeps every one in memory, whatever the channel's bound")
    })?;
    Ok(())
}

fn jobs_taken_ahead_fill_the_jobs_buffer(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let f = attempted(sol.task03(), TASK)?;
    for cfg in configs() {
        let n = 2 * cfg.pool.workers + cfg.pool.jobs_buffer + 5;
        let mut world = World::new();
        let urls: Vec<String> = (0..n)
            .map(|i| {
                world = std::mem::take(&mut world).route(
                    "a.test",
                    &format!("/{i}"),
                    [Reply::ok(10).after(Duration::from_secs(2))],
                );
                format!("http://a.test/{i}")
            })
            .collect();
        // One second in, every worker waits on its first GET and the producer on a full channel.
        let run = fetch_sampled(
            ctx,
            f,
            &world,
            cfg,
            urls,
            Looks {
                sample: Some(Duration::from_secs(1)),
                ..Looks::default()
            },
        );
        let got = run.returned(Check::BufferSize)?;
        let Some(at) = &got.sampled else {
            return Err(Failure::new(
                Check::BufferSize,
                "the pool still running 1 s in",
                "it had returned",
            )
            .into());
        };
        let (busy, ahead) = (at.started, at.taken - at.started);
        let (lo, hi) = (cfg.pool.jobs_buffer as u64, cfg.pool.jobs_buffer as u64 + 1);
        ensure(
            busy == cfg.pool.workers as u64 && (lo..=hi).contains(&ahead),
            || {
                Failure::new(
                Check::BufferSize,
                format!("1 s in, with every worker on a 2 s GET: {} GETs started and {lo} to {hi} URLs taken but not started (the jobs channel full, one in the producer's hand)", cfg.pool.workers),
                format!("{busy} started, {ahead} taken ahead"),
            )
            .hint("a bounded jobs channel of exactly cfg.pool.jobs_buffer (tokio::sync::mpsc::channel), fed by one producer task")
            },
        )?;
    }
    Ok(())
}

fn results_wait_in_the_results_buffer(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let f = attempted(sol.task03(), TASK)?;
    for cfg in configs() {
        let n = 3 * cfg.pool.workers + cfg.pool.results_buffer + cfg.pool.jobs_buffer;
        let mut world = World::new();
        let urls: Vec<String> = (0..n)
            .map(|i| {
                world =
                    std::mem::take(&mut world).route("a.test", &format!("/{i}"), [Reply::ok(10)]);
                format!("http://a.test/{i}")
            })
            .collect();
        // The consumer held in its first emit for 2 s; 1 s in, the workers have filled the
        // results channel and each waits with one more result in hand.
        let run = fetch_sampled(
            ctx,
            f,
            &world,
            cfg,
            urls,
            Looks {
                sample: Some(Duration::from_secs(1)),
                hold: Some(Duration::from_secs(2)),
                ..Looks::default()
            },
        );
        let got = run.returned(Check::BufferSize)?;
        let Some(at) = &got.sampled else {
            return Err(Failure::new(
                Check::BufferSize,
                "the pool still running 1 s in",
                "it had returned",
            )
            .into());
        };
        // The held emit's own result is delivered; the channel holds results_buffer more, and
        // each worker, blocked on its send, one in hand.
        let unread = at.finished - at.delivered;
        let want = (cfg.pool.results_buffer + cfg.pool.workers) as u64;
        ensure(unread == want, || {
            Failure::new(
                Check::BufferSize,
                format!("with the consumer held, {want} results finished and not yet emitted (the results channel of {} full, one result in each of the {} blocked workers' hands)", cfg.pool.results_buffer, cfg.pool.workers),
                format!("{unread} ({} finished, {} emitted)", at.finished, at.delivered),
            )
            .hint("a bounded results channel of exactly cfg.pool.results_buffer, read by the calling task; no list or unbounded channel in between")
        })?;
    }
    Ok(())
}

fn results_queued_when_the_workers_end_are_emitted(
    sol: &'static dyn Solution,
    ctx: &mut Ctx,
) -> Outcome {
    let f = attempted(sol.task03(), TASK)?;
    // Few workers, a long results channel: when the consumer is let go, 32 results wait and
    // only three events (two workers ending, the last) tell that the workers are done, so a
    // consumer that stops on those rather than on the channel's end loses results in all but
    // about one run in ten million, whichever way its select! picks.
    let cfg = FetchConfig {
        pool: PoolConfig {
            workers: 2,
            jobs_buffer: 4,
            results_buffer: 32,
        },
        ..FetchConfig::seed()
    };
    let n = cfg.pool.results_buffer + 1;
    let mut world = World::new();
    let urls: Vec<String> = (0..n)
        .map(|i| {
            world = std::mem::take(&mut world).route("a.test", &format!("/{i}"), [Reply::ok(10)]);
            format!("http://a.test/{i}")
        })
        .collect();
    let run = fetch_sampled(
        ctx,
        f,
        &world,
        cfg,
        urls,
        Looks {
            hold: Some(Duration::from_secs(2)),
            ..Looks::default()
        },
    );
    let got = run.returned(Check::Requirement)?;
    ensure(got.out.len() == n, || {
        Failure::new(
            Check::Requirement,
            format!("all {n} results emitted: the one held, then the {} left queued in the results channel after both workers ended", n - 1),
            format!("{} emitted", got.out.len()),
        )
        .hint("read results until the results channel closes (`while let Some(r) = rx.recv().await`); that the workers have ended says nothing about what they left in the channel")
    })?;
    Ok(())
}

fn failed_urls_logged_with_their_error(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let f = attempted(sol.task03(), TASK)?;
    let cfg = FetchConfig::seed();
    let (mut world, mut urls, _) = scripted(ctx, 12, &[200, 404], 300);
    // A 404 and a 500 in every run, whatever the draw: responses, never failures to log.
    world = world
        .refusing("down.test")
        .route("a.test", "/silent", [Reply::never()])
        .route("a.test", "/missing", [Reply::status(404, 10)])
        .route("b.test", "/broken", [Reply::status(500, 10)]);
    urls.extend(["http://a.test/missing", "http://b.test/broken"].map(String::from));
    // More failures than workers: a worker that stops on its first failure shows.
    let mut bad: Vec<String> = (0..cfg.pool.workers + 2)
        .map(|i| format!("http://down.test/{i}"))
        .collect();
    bad.extend(["http://a.test/silent", "ftp://a.test/file", "not a url"].map(String::from));
    urls.extend(bad.iter().cloned());
    ctx.rng.shuffle(&mut urls);
    let run = fetch(ctx, f, &world, cfg, urls.clone());
    let out = &run.returned(Check::ErrorsHandled)?.out;
    let logs = ctx.logs();
    for url in &urls {
        let failed = bad.contains(url);
        let emitted = out.iter().find(|x| &x.url == url);
        ensure(
            emitted.is_some_and(|x| x.outcome.is_err() == failed),
            || {
                Failure::new(
                Check::ErrorsHandled,
                format!("{url} emitted {}", if failed { "with its error" } else { "with its response" }),
                format!("{:?}", emitted.map(|x| &x.outcome)),
            )
            .hint("a GET that fails (refused, broken, timed out, a bad URL) is still one result: emit it with its error and go on to the next URL")
            },
        )?;
        let prefix = format!("URL {url}: error ");
        let line = match emitted.map(|x| &x.outcome) {
            Some(Err(err)) => format!("{prefix}{err}"),
            _ => format!("{prefix}<err>"),
        };
        let logged = logs
            .iter()
            .filter(|l| l.is_problem() && l.text.starts_with(&prefix))
            .count();
        let exact = logs.iter().any(|l| l.is_problem() && l.text == line);
        ensure(logged == usize::from(failed) && (!failed || exact), || {
            Failure::new(
                Check::ErrorsHandled,
                format!("`{line}` logged at warn {} time(s), the error as emitted and as its Display reads", usize::from(failed)),
                format!("logged {logged} time(s); warnings: {:?}", logs.iter().filter(|l| l.is_problem()).map(|l| &l.text).take(4).collect::<Vec<_>>()),
            )
            .hint("tracing::warn!(\"URL {url}: error {err}\") once for each failed URL, and never for a response, whatever its status")
        })?;
    }
    Ok(())
}

fn timeout_fires_at_the_configured_time(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let f = attempted(sol.task03(), TASK)?;
    for cfg in configs() {
        // Inside the timeout by 100 ms, network included.
        let inside = cfg.timeout - Duration::from_millis(100) - NETWORK;
        // Twice as many slow URLs as workers, so some wait in the queue first: the timeout
        // counts from each GET's start, not from when its URL was queued.
        let mut world = World::new().route("a.test", "/silent", [Reply::never()]);
        let mut urls = vec!["http://a.test/silent".to_owned()];
        for i in 0..2 * cfg.pool.workers {
            world = world.route(
                "a.test",
                &format!("/slow/{i}"),
                [Reply::ok(10).after(inside)],
            );
            urls.push(format!("http://a.test/slow/{i}"));
        }
        let run = fetch(ctx, f, &world, cfg, urls.clone());
        let out = &run.returned(Check::Requirement)?.out;
        let slow = out
            .iter()
            .filter(|x| x.url.contains("/slow/"))
            .find(|x| x.outcome.is_err())
            .map(|x| x.outcome.clone());
        ensure(slow.is_none() && out.len() == urls.len(), || {
            Failure::new(
                Check::Requirement,
                                format!("every response {inside:?} after its request, inside the {:?} timeout, fetched, queued ones too", cfg.timeout),
                format!("{slow:?} ({} of {} emitted)", out.len(), urls.len()),
            )
                        .hint("use cfg.timeout as it is, around the whole GET and started with it (tokio::time::timeout(cfg.timeout, client.get(url))), not when the URL was queued")
        })?;
        let seen = run.record.seen();
        let silent = seen.iter().find(|s| s.path == "/silent");
        // The request reaches the server two messages after the GET began (turmoil's connect,
        // then the request); the close reaches it one message after the timeout fired.
        let want = cfg.timeout - LATENCY;
        let held = silent.and_then(|s| Some(s.ended? - s.started));
        ensure(
            held.is_some_and(|h| h.abs_diff(want) <= TICK) && silent.is_some_and(|s| s.abandoned),
            || {
                Failure::new(
                Check::Requirement,
                format!("the request that never gets an answer abandoned {want:?} after it reached the server (the timeout, {:?}, less one message's {LATENCY:?}), give or take a tick of {TICK:?}", cfg.timeout),
                match held {
                    Some(h) => format!("the server saw it abandoned after {h:?}"),
                    None => "the server saw it still open when fetch_all returned (or never saw it)".to_owned(),
                },
            )
            .hint("wrap each GET in tokio::time::timeout(cfg.timeout, ...): a timer on the runtime's clock, not std::time")
            },
        )?;
    }
    Ok(())
}

fn requests_in_flight_equal_the_workers(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let f = attempted(sol.task03(), TASK)?;
    for cfg in configs() {
        let mut world = World::new();
        let urls: Vec<String> = (0..40)
            .map(|i| {
                world = std::mem::take(&mut world).route(
                    "a.test",
                    &format!("/{i}"),
                    [Reply::ok(100).after(Duration::from_secs(1))],
                );
                format!("http://a.test/{i}")
            })
            .collect();
        let run = fetch(ctx, f, &world, cfg, urls);
        run.returned(Check::PoolSize)?;
        ensure_eq(
            Check::PoolSize,
            "requests in flight at the servers' peak",
            cfg.pool.workers,
            run.record.peak(),
            "start exactly cfg.pool.workers worker tasks, each doing one GET at a time; never a task per URL",
        )?;
    }
    Ok(())
}

fn stretch_stats_exact(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let f = attempted(sol.task03(), TASK)?;
    // The second pool, then the same with one result slot and every reply at one latency:
    // workers finish in one tick and wait on the results channel together, so totals kept
    // across an await lose updates.
    let tight = FetchConfig {
        pool: PoolConfig {
            results_buffer: 1,
            ..configs()[1].pool
        },
        ..configs()[1]
    };
    for (cfg, one_latency) in [(configs()[1], false), (tight, true)] {
        let (_, mut urls, mut replies) = scripted(ctx, 30, &[200, 404, 500], 1_000);
        let mut world = World::new().refusing("down.test");
        for (url, r) in replies.iter_mut() {
            if one_latency {
                r.latency = Duration::from_millis(200);
            }
            let (host, path) = url
                .trim_start_matches("http://")
                .split_once('/')
                .unwrap_or_default();
            world = world.route(host, &format!("/{path}"), [r.clone()]);
        }
        urls.extend([
            "http://down.test/a".to_owned(),
            "http://down.test/b".to_owned(),
        ]);
        let run = fetch(ctx, f, &world, cfg, urls.clone());
        let got = support::stretch_value(
            TASK,
            "fetch_all returns Ok(stats)",
            &run.returned(Check::Stretch)?.result,
        )?;
        let bytes: u64 = replies.values().map(|r| r.body as u64).sum();
        let mean = replies
            .values()
            .map(|r| r.latency + NETWORK)
            .sum::<Duration>()
            / replies.len() as u32;
        let rate = 2.0 / urls.len() as f64;
        let close = got.total_bytes == bytes
            && (got.error_rate - rate).abs() < 1e-9
            && got.mean_latency.abs_diff(mean) <= TICK;
        ensure(close, || {
            Failure::new(
                Check::Stretch,
                format!("total_bytes {bytes}, error_rate {rate:.4}, mean_latency {mean:?} (± 1 tick), with {cfg:?}"),
                format!("total_bytes {}, error_rate {:.4}, mean_latency {:?}", got.total_bytes, got.error_rate, got.mean_latency),
            )
            .hint("bytes: every body's length; mean latency: over the GETs that got a response only, timed with tokio::time::Instant; error rate: failed URLs over all URLs; add up on the calling task (or under one lock held across no await)")
        })?;
    }
    Ok(())
}

fn nothing_runs_after_return(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let f = attempted(sol.task03(), TASK)?;
    let (world, mut urls, _) = scripted(ctx, 24, &[200], 500);
    // One GET that times out: it must end with its timeout, not run on after the call.
    let world = world.route("a.test", "/silent", [Reply::never()]);
    urls.push("http://a.test/silent".to_owned());
    let run = fetch(ctx, f, &world, configs()[1], urls);
    let alive = run.returned(Check::AllJoined)?.alive;
    support::nothing_alive(alive, &run.record, "keep every task in a JoinSet and drain it (while set.join_next().await.is_some() {}) before returning")
}

fn refused(
    sol: &'static dyn Solution,
    ctx: &mut Ctx,
    cfg: FetchConfig,
    urls: Vec<String>,
    want: PoolError,
) -> Outcome {
    let f = attempted(sol.task03(), TASK)?;
    let world = World::new().route("a.test", "/", [Reply::ok(1)]);
    let run = fetch(ctx, f, &world, cfg, urls);
    let Returned { result, out, .. } = run.returned(Check::GracefulShutdown)?;
    support::refused_at_once(result, out.len(), &run.record, want)
}

fn zero_workers_is_refused(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let mut cfg = FetchConfig::seed();
    cfg.pool.workers = 0;
    refused(
        sol,
        ctx,
        cfg,
        vec!["http://a.test/".to_owned()],
        PoolError::ZeroWorkers,
    )
}

fn empty_url_list_is_refused(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    refused(
        sol,
        ctx,
        FetchConfig::seed(),
        Vec::new(),
        PoolError::EmptyInput,
    )
}

fn works_on_real_sockets(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let f = attempted(sol.task03(), TASK)?;
    let cfg = configs()[1];
    let mut world = World::new().refusing("down.test");
    let mut urls = Vec::new();
    let mut replies = BTreeMap::new();
    for i in 0..12 {
        let host = if i % 2 == 0 { "a.test" } else { "b.test" };
        let status = [200, 404, 500, 200][i % 4];
        let reply = Reply::bytes(status, format!("page {i} ").repeat(i + 1).as_bytes())
            .after(Duration::from_millis(ctx.rng.u64(0..=20)));
        let path = format!("/real/{i}");
        world = world.route(host, &path, [reply.clone()]);
        let url = format!("http://{host}{path}");
        replies.insert(url.clone(), reply);
        urls.push(url);
    }
    urls.push("http://down.test/x".to_owned());
    ctx.stage("running fetch_all on real loopback sockets");
    let ledger = ctx.ledger("urls");
    let (l, list) = (ledger.clone(), urls.clone());
    let (ended, received) =
        harness::net::real::run(&world, Duration::from_secs(5), |client| async move {
            let mut sink = Sink::new(l.clone(), |f: &Fetched| f.url.clone());
            let jobs = Jobs::new(l.clone(), list, |u: &String| u.clone());
            let result = f
                .fetch_all(cfg, jobs, Probe::new(l.clone()), client, &mut sink)
                .await;
            (result, sink.into_items())
        });
    let (result, out) = support::real_returned(ended, "fetch_all returns", || ledger.describe())?;
    ensure(
        matches!(result, Ok(_) | Err(PoolError::NotAttempted)),
        || {
            Failure::new(
                Check::Requirement,
                "fetch_all returns Ok on real sockets",
                format!("{result:?}"),
            )
        },
    )?;
    ensure_eq(
        Check::Requirement,
        "URLs emitted on real sockets, each once",
        urls.len(),
        out.len(),
        "emit every URL's result, on the calling task",
    )?;
    for fetched in &out {
        let got = fetched.outcome.as_ref().map(|p| (p.status, p.bytes));
        let want = replies.get(&fetched.url).map(|r| (r.status, r.body));
        ensure(want.map_or(got.is_err(), |w| got == Ok(w)), || {
            Failure::new(
                Check::Requirement,
                format!(
                    "{}: {}",
                    fetched.url,
                    want.map_or(
                        "an error (nothing listens there)".to_string(),
                        |(s, b)| format!("status {s} with a {b}-byte body")
                    )
                ),
                format!("{got:?}"),
            )
        })?;
    }
    for url in replies.keys() {
        let (host, path) = url
            .trim_start_matches("http://")
            .split_once('/')
            .unwrap_or_default();
        let got: Vec<_> = received
            .iter()
            .filter(|r| r.host == host && r.path == format!("/{path}"))
            .collect();
        ensure(
            got.len() == 1 && got[0].method == "GET" && got[0].host_header.as_deref() == Some(host),
            || {
                Failure::new(
                    Check::Requirement,
                    format!("{url}: one GET with `Host: {host}`"),
                    format!(
                        "{:?}",
                        got.iter()
                            .map(|r| (&r.method, &r.host_header))
                            .collect::<Vec<_>>()
                    ),
                )
                .hint("one client.get(&url) per URL, through the harness's client")
            },
        )?;
    }
    Ok(())
}

fn a_panicking_job_is_reported(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let f = attempted(sol.task03(), TASK)?;
    let (world, urls, _) = scripted(ctx, 16, &[200], 300);
    let doomed = urls[5].clone();
    let looks = Looks {
        panic_on: Some(doomed.clone()),
        ..Looks::default()
    };
    let run = fetch_sampled(ctx, f, &world, configs()[1], urls.clone(), looks);
    let got = run.returned(Check::ErrorsHandled)?;
    support::panic_reported(
        &got.result,
        got.out.iter().map(|f| f.url.as_str()),
        &urls,
        &doomed,
        got.alive,
    )
}
