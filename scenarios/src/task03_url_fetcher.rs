//! Task 3, URL Fetcher: what decides whether a solution meets it.
//!
//! Every scenario runs the solution against a scripted world of upstream servers inside a
//! turmoil simulation (`harness::net::sim`): virtual time, every message 1 ms, ticks of 1 ms. The
//! servers record what the solution cannot fake: each request's start and end, the requests in
//! flight at once, the requests abandoned before their response.

use harness::contracts::task03_url_fetcher::{FetchConfig, FetchStats, Fetched, UrlFetcher, TASK};
use harness::contracts::{PoolConfig, PoolError, Solution};
use harness::ledger::Ledger;
use harness::net::sim::{self, Ended, TICK};
use harness::net::{Record, Reply, World};
use harness::probe::{Jobs, Probe};
use harness::scenario::attempted;
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

/// How much longer than the server's own latency a GET takes on the simulated network: connect
/// (two messages), the request, the response, one message each.
const NETWORK: Duration = Duration::from_millis(4);
/// How long a scenario's world may run before the pool is taken for hung.
const LIMIT: Duration = Duration::from_secs(40);

pub fn scenarios() -> Vec<Scenario> {
    vec![
        TASK.scenario("status_and_length_for_every_url", &[Check::Requirement],
            "40 URLs on two hosts (200, 301, 404, 500, bodies of 0 to 20 000 bytes, latencies of 0 to 2 s): each is emitted once with its status and body length, each GET inside one probe.run_async keyed by its URL, on both pools",
            status_and_length_for_every_url),
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
            "total bytes and error rate exact, mean latency within a tick of the scripted latencies plus the network's 4 ms",
            stretch_stats_exact),
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
    ended: Ended<(Result<FetchStats, PoolError>, Vec<Fetched>, usize)>,
    record: Record,
    ledger: Arc<Ledger>,
}

impl Run {
    /// What `fetch_all` returned and emitted, or the failure of a run that never returned.
    fn returned(
        &self,
        check: Check,
    ) -> Result<(&Result<FetchStats, PoolError>, &[Fetched]), Failure> {
        match &self.ended {
            Ended::Returned((r, out, _), _) => Ok((r, out)),
            Ended::TimedOut(limit) => Err(Failure::new(
                check,
                "fetch_all returns once every URL was fetched or failed",
                format!("it had not returned after {limit:?} of virtual time; the servers saw {} requests, {} still in flight; {}",
                    self.record.seen().len(), self.record.in_flight(), self.ledger.describe()),
            )
            .hint("every GET needs the timeout (tokio::time::timeout around the request), and the consumer must stop when the results channel closes: drop every sender (the producer's jobs sender, each worker's results sender)")),
            Ended::Failed(e) => Err(Failure::new(check, "the simulated world runs to the end", format!("it failed: {e}"))),
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
    let ledger = ctx.ledger("urls");
    let record = Record::default();
    let seed = ctx.rng.u64(..);
    ctx.stage(format!(
        "running fetch_all on {} URLs in a simulated world ({cfg:?})",
        urls.len()
    ));
    let l = ledger.clone();
    let ended = sim::run(world, seed, LIMIT, &record, move |client| async move {
        l.reads_results();
        let mut out = Vec::new();
        let jobs = Jobs::new(l.clone(), urls, |u: &String| u.clone());
        let before = tokio::runtime::Handle::current()
            .metrics()
            .num_alive_tasks();
        let r = f
            .fetch_all(
                cfg,
                jobs,
                Probe::new(l.clone()),
                client,
                &mut |fetched: Fetched| {
                    l.deliver(&fetched.url);
                    out.push(fetched);
                },
            )
            .await;
        let alive = tokio::runtime::Handle::current()
            .metrics()
            .num_alive_tasks()
            - before;
        l.close();
        (r, out, alive)
    });
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
        let reply = Reply::status(status, ctx.rng.usize(0..20_000))
            .after(Duration::from_millis(ctx.rng.u64(0..=max_latency_ms)));
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
        let (world, urls, replies) = scripted(ctx, 40, &[200, 200, 301, 404, 500], 2_000);
        let run = fetch(ctx, f, &world, cfg, urls.clone());
        let (_, out) = run.returned(Check::Requirement)?;
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for fetched in out {
            *seen.entry(&fetched.url).or_default() += 1;
            let want = &replies[&fetched.url];
            let got = fetched.outcome.as_ref().map(|p| (p.status, p.bytes));
            ensure(got == Ok((want.status, want.body)), || {
                Failure::new(
                    Check::Requirement,
                    format!("{}: status {} with a {}-byte body", fetched.url, want.status, want.body),
                    format!("{got:?}"),
                )
                .hint("emit the response's status and the length of its whole body; a 4xx or 5xx status is a response, not an error")
            })?;
        }
        let once =
            urls.iter().all(|u| seen.get(u.as_str()) == Some(&1)) && seen.len() == urls.len();
        ensure(once, || {
            let missing: Vec<_> = urls
                .iter()
                .filter(|u| !seen.contains_key(u.as_str()))
                .take(3)
                .collect();
            Failure::new(
                Check::Requirement,
                format!("each of the {} URLs emitted once", urls.len()),
                format!("{} emitted for {} distinct URLs; missing, first three: {missing:?}", out.len(), seen.len()),
            )
            .hint("emit every result the workers send, on the calling task, until the results channel closes")
        })?;
        run.ledger.check_keys(
            urls.iter().map(String::as_str),
            "each GET inside one probe.run_async keyed by its URL as given",
        )?;
    }
    Ok(())
}

fn failed_urls_logged_with_their_error(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let f = attempted(sol.task03(), TASK)?;
    let cfg = FetchConfig::seed();
    let (mut world, mut urls, _) = scripted(ctx, 12, &[200, 404], 300);
    world = world
        .refusing("down.test")
        .route("a.test", "/silent", [Reply::never()]);
    let bad = [
        "http://down.test/x".to_owned(),
        "http://a.test/silent".to_owned(),
        "ftp://a.test/file".to_owned(),
        "not a url".to_owned(),
    ];
    urls.extend(bad.iter().cloned());
    ctx.rng.shuffle(&mut urls);
    let run = fetch(ctx, f, &world, cfg, urls.clone());
    let (_, out) = run.returned(Check::ErrorsHandled)?;
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
        let logged = logs
            .iter()
            .filter(|l| l.is_problem() && l.text.starts_with(&prefix))
            .count();
        ensure(logged == usize::from(failed), || {
            Failure::new(
                Check::ErrorsHandled,
                format!("`{prefix}<err>` logged at warn {} time(s)", usize::from(failed)),
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
        let world = World::new()
            .route("a.test", "/silent", [Reply::never()])
            .route("a.test", "/slow", [Reply::ok(10).after(inside)]);
        let urls = vec![
            "http://a.test/silent".to_owned(),
            "http://a.test/slow".to_owned(),
        ];
        let run = fetch(ctx, f, &world, cfg, urls);
        let (_, out) = run.returned(Check::Requirement)?;
        let slow = out
            .iter()
            .find(|x| x.url.ends_with("/slow"))
            .map(|x| x.outcome.clone());
        ensure(matches!(slow, Some(Ok(_))), || {
            Failure::new(
                Check::Requirement,
                format!("a response {inside:?} after the request, inside the {:?} timeout, is fetched", cfg.timeout),
                format!("{slow:?}"),
            )
            .hint("use cfg.timeout as it is, around the whole GET (tokio::time::timeout(cfg.timeout, client.get(url)))")
        })?;
        let seen = run.record.seen();
        let silent = seen.iter().find(|s| s.path == "/silent");
        // The request reaches the server 3 ms (3 messages) after the GET began; the close
        // reaches it one message after the timeout fired.
        let want = cfg.timeout - Duration::from_millis(2);
        let held = silent.and_then(|s| Some(s.ended? - s.started));
        ensure(
            held.is_some_and(|h| h.abs_diff(want) <= 2 * TICK)
                && silent.is_some_and(|s| s.abandoned),
            || {
                Failure::new(
                Check::Requirement,
                format!("the request that never gets an answer abandoned {want:?} after it reached the server (the timeout, {:?}, less the network's 2 ms), give or take 2 ticks", cfg.timeout),
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
    let cfg = configs()[1];
    let (world, mut urls, replies) = scripted(ctx, 30, &[200, 404, 500], 1_000);
    let world = world.refusing("down.test");
    urls.extend([
        "http://down.test/a".to_owned(),
        "http://down.test/b".to_owned(),
    ]);
    let run = fetch(ctx, f, &world, cfg, urls.clone());
    let (r, _) = run.returned(Check::Stretch)?;
    let got = match r {
        Err(PoolError::NotAttempted) => {
            return Err(harness::Stop::NotAttempted(
                "the stretch (stats) is not attempted".into(),
            ))
        }
        Err(e) => {
            return Err(Failure::new(Check::Stretch, "Ok(stats)", format!("Err({e:?})")).into())
        }
        Ok(s) => *s,
    };
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
            format!("total_bytes {bytes}, error_rate {rate:.4}, mean_latency {mean:?} (± 1 tick)"),
            format!("total_bytes {}, error_rate {:.4}, mean_latency {:?}", got.total_bytes, got.error_rate, got.mean_latency),
        )
        .hint("bytes: every body's length; mean latency: over the GETs that got a response only, timed with tokio::time::Instant; error rate: failed URLs over all URLs")
    })?;
    Ok(())
}

fn nothing_runs_after_return(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let f = attempted(sol.task03(), TASK)?;
    let (world, urls, _) = scripted(ctx, 24, &[200], 500);
    let run = fetch(ctx, f, &world, configs()[1], urls);
    run.returned(Check::AllJoined)?;
    let alive = match run.ended {
        Ended::Returned((_, _, alive), _) => alive,
        _ => 0,
    };
    ensure(alive == 0 && run.record.in_flight() == 0, || {
        Failure::new(
            Check::NoLeaks,
            "no task the solution spawned is alive when fetch_all returns, and no request is in flight",
            format!("{alive} task(s) still alive; {} request(s) in flight at the servers", run.record.in_flight()),
        )
        .hint("keep every task in a JoinSet and drain it (while set.join_next().await.is_some() {}) before returning")
    })?;
    Ok(())
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
    let (r, out) = run.returned(Check::GracefulShutdown)?;
    ensure(
        r.as_ref().err() == Some(&want) && out.is_empty() && run.record.seen().is_empty(),
        || {
            Failure::new(
                Check::GracefulShutdown,
                format!("Err({want:?}) at once, nothing emitted, no request made"),
                format!(
                    "{r:?}, {} emitted, {} requests",
                    out.len(),
                    run.record.seen().len()
                ),
            )
            .hint("check the config and the input before starting any task")
        },
    )?;
    Ok(())
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
