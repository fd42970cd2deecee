//! Task 12, Retry-on-Error Pool: what decides whether a solution meets it.
//!
//! Every scenario runs the solution against scripted servers in a turmoil world on virtual time
//! (`harness::net::sim`: ticks of 10 ms). The servers see every attempt: the n-th request to a
//! path is its n-th attempt, so the retries each URL got and the gap before each are measured
//! where a solution cannot fake them. The jitter is the harness's, seeded per scenario, so every
//! gap is predicted exactly.

use crate::support;
use harness::contracts::task12_retry_pool::{Attempted, JobError, RetryConfig, RetryPool, TASK};
use harness::contracts::{PoolConfig, PoolError, Solution};
use harness::jitter::Jitter;
use harness::ledger::{Ledger, Snapshot};
use harness::net::sim::{self, Ended, TICK};
use harness::net::{Record, Reply, Seen, World};
use harness::probe::Jobs;
use harness::scenario::attempted;
use harness::sink::Sink;
use harness::{ensure, Check, Ctx, Failure, Outcome, Scenario, Stop};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The seed's pool, and a second one where no size, retry count or backoff coincides with the
/// seed's, so using one for another shows.
fn configs() -> [RetryConfig; 2] {
    [
        RetryConfig::seed(),
        RetryConfig {
            pool: PoolConfig {
                workers: 5,
                jobs_buffer: 3,
                results_buffer: 7,
            },
            retries: 2,
            backoff: Duration::from_millis(70),
            retry_workers: None,
        },
    ]
}

/// The jitter's step: three ticks, so a gap without its jitter (or with another's) is off by
/// more than the one tick every gap is allowed.
const JITTER_STEP: Duration = TICK.saturating_mul(3);
/// Jitter of one to four steps.
const JITTER_STEPS: u32 = 4;
/// How much longer than the wait itself a gap at the server is: the response's way back, the
/// new connection and the request's way there. Measured on the reference.
const NETWORK: Duration = TICK.saturating_mul(2);
/// How long a scenario's world may run before the pool is taken for hung.
const LIMIT: Duration = Duration::from_secs(60);

pub fn scenarios() -> Vec<Scenario> {
    vec![
        TASK.scenario("transient_failures_retried_until_success", &[Check::Requirement],
            "500, 500, 200 gives the number on the third attempt; 503 then 200, 5xx three times then 200, a reset then 200, a 201, a refusing host, a URL given twice: each job's number or error and its attempts exact, and the servers saw exactly those attempts, on both pools (3 retries, then 2)",
            transient_failures_retried_until_success),
        TASK.scenario("permanent_failures_never_retried", &[Check::Requirement, Check::ErrorsHandled],
            "404, 400, 410, 301, 200s whose body is not a number (words, empty, negative, a fraction, not UTF-8), bad URLs: each emitted as a permanent error after one attempt (a bad URL, none at the server)",
            permanent_failures_never_retried),
        TASK.scenario("at_most_the_configured_retries", &[Check::Requirement],
            "URLs that always answer 5xx, and a host that refuses: exactly retries + 1 requests each, then a transient error (4, then 3)",
            at_most_the_configured_retries),
        TASK.scenario("backoff_doubles_with_the_given_jitter", &[Check::Requirement],
            "at the servers, the gap before retry r is backoff * 2^(r-1) + jitter.of(url, r) plus the network's two ticks, to the tick (100, 200, 400 ms; then 70, 140 ms)",
            backoff_doubles_with_the_given_jitter),
        TASK.scenario("requests_in_flight_equal_the_workers", &[Check::PoolSize],
            "40 URLs each taking 1 s, a third of them failing once: the servers see exactly cfg.workers requests in flight at the peak (8, then 5), never more",
            requests_in_flight_equal_the_workers),
        TASK.scenario("jobs_taken_ahead_fill_the_jobs_buffer", &[Check::BufferSize],
            "1 s into a run of 2 s GETs: jobs_buffer to jobs_buffer + 1 URLs taken ahead of the workers (8, then 3)",
            jobs_taken_ahead_fill_the_jobs_buffer),
        TASK.scenario("results_wait_in_the_results_buffer", &[Check::BufferSize],
            "with the consumer held in its first emit, exactly 1 + results_buffer + workers URLs answered (17, then 13)",
            results_wait_in_the_results_buffer),
        TASK.scenario("nothing_runs_after_return", &[Check::NoLeaks, Check::AllJoined],
            "with retries still waiting out their backoff late in the run, every task the solution spawned has ended when fetch_all returns, and no request is in flight",
            nothing_runs_after_return),
        TASK.scenario("stretch_retry_pool_takes_the_retries", &[Check::Stretch],
            "2 workers and a retry pool of 3, four of twelve URLs failing twice: first attempts never wait behind a retry, exactly 3 retries in flight at the peak, every outcome right, no retry early; then two failing URLs, their gaps exact",
            stretch_retry_pool_takes_the_retries),
        TASK.scenario("zero_workers_is_refused", &[Check::GracefulShutdown],
            "zero workers, or a retry pool of zero, gets PoolError::ZeroWorkers at once, no request made",
            zero_workers_is_refused),
        TASK.scenario("empty_url_list_is_refused", &[Check::GracefulShutdown],
            "no URLs gets PoolError::EmptyInput, not a hang", empty_url_list_is_refused),
    ]
}

/// What one simulated run gave.
struct Run {
    ended: Ended<Returned>,
    record: Record,
    ledger: Arc<Ledger>,
    jitter: Jitter,
}

/// What `fetch_all` returned and emitted.
struct Returned {
    result: Result<(), PoolError>,
    out: Vec<Attempted>,
    /// Tasks the solution spawned still alive when it returned.
    alive: usize,
    /// The ledger at the instant asked for.
    sampled: Option<Snapshot>,
}

impl Run {
    /// What `fetch_all` returned, or the failure of a run that never returned.
    fn returned(&self, check: Check) -> Result<&Returned, Failure> {
        match &self.ended {
            Ended::Returned(r, _) => Ok(r),
            Ended::TimedOut(limit) => {
                // Blamed as a hang is anywhere (README, "How a failure is blamed"); with no probe
                // in this task, "every job done" is every URL taken and its outcome emitted.
                let at = self.ledger.snapshot();
                let check = if at.exhausted && at.delivered >= at.taken {
                    Check::CloseOnce
                } else {
                    harness::watchdog::blame(check, &[at])
                };
                Err(Failure::new(
                    check,
                    "fetch_all returns once every URL has its outcome",
                    format!("it had not returned after {limit:?} of virtual time; the servers saw {} requests, {} still in flight; {}{}",
                        self.record.seen().len(), self.record.in_flight(), self.ledger.describe(), harness::net::sim::hung_tasks()),
                )
                .hint("the consumer reads results until the results channel closes; drop every sender (the producer's, each worker's, the retry pool's) so it does"))
            }
            Ended::Failed(e) => Err(Failure::new(
                check,
                "the simulated world runs to the end",
                format!("it failed: {e}"),
            )),
        }
    }

    /// What the call returned, which must be `Ok(())`: the outcomes emitted, by URL.
    fn outcomes(&self, check: Check) -> Result<BTreeMap<&str, Vec<&Attempted>>, Failure> {
        let got = self.returned(check)?;
        if let Err(e) = &got.result {
            return Err(Failure::new(
                check,
                "fetch_all returns Ok(())",
                format!("it returned Err({e:?}): {e}"),
            ));
        }
        let mut by_url: BTreeMap<&str, Vec<&Attempted>> = BTreeMap::new();
        for a in &got.out {
            by_url.entry(a.url.as_str()).or_default().push(a);
        }
        Ok(by_url)
    }

    /// Each URL's requests as the servers saw them, in order of arrival: its attempts.
    fn attempts(&self) -> BTreeMap<String, Vec<Seen>> {
        let mut by_url: BTreeMap<String, Vec<Seen>> = BTreeMap::new();
        for s in self.record.seen() {
            by_url
                .entry(format!("http://{}{}", s.host, s.path))
                .or_default()
                .push(s);
        }
        for seen in by_url.values_mut() {
            seen.sort_by_key(|s| s.started);
        }
        by_url
    }
}

/// Runs the solution's `fetch_all` on `urls` in `world`, the ledger sampled at `sample`.
fn fetch(
    ctx: &mut Ctx,
    f: &'static dyn RetryPool,
    world: &World,
    cfg: RetryConfig,
    urls: Vec<String>,
    sample: Option<Duration>,
) -> Run {
    fetch_held(ctx, f, world, cfg, urls, sample, None)
}

/// [`fetch`], with the consumer held inside its first emit for `hold`.
fn fetch_held(
    ctx: &mut Ctx,
    f: &'static dyn RetryPool,
    world: &World,
    cfg: RetryConfig,
    urls: Vec<String>,
    sample: Option<Duration>,
    hold: Option<Duration>,
) -> Run {
    let ledger = ctx.ledger("urls");
    let record = Record::default();
    let seed = ctx.rng.u64(..);
    let jitter = Jitter::new(ctx.rng.u64(..), JITTER_STEP, JITTER_STEPS);
    let what = format!(
        "running fetch_all on {} URLs in a simulated world ({cfg:?})",
        urls.len()
    );
    ctx.stage(what.clone());
    let l = ledger.clone();
    let ended = sim::run_watched(
        world,
        seed,
        LIMIT,
        &record,
        move |client| async move {
            let mut sink = Sink::new(l.clone(), |a: &Attempted| a.url.clone());
            if let Some(wait) = hold {
                sink = sink.holding(0, wait);
            }
            let sampled = Arc::new(Mutex::new(None));
            if let Some(at) = sample {
                let (l, slot) = (l.clone(), sampled.clone());
                tokio::task::spawn_local(async move {
                    tokio::time::sleep(at).await;
                    *slot.lock().unwrap_or_else(|p| p.into_inner()) = Some(l.snapshot());
                });
            }
            let jobs = Jobs::new(l.clone(), urls, |u: &String| u.clone());
            let call = f.fetch_all(cfg, jobs, client, jitter, &mut sink);
            let (result, alive) = harness::tasks::alive_after(call).await;
            l.close();
            let sampled = sampled.lock().unwrap_or_else(|p| p.into_inner()).take();
            Returned {
                result,
                out: sink.into_items(),
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
        jitter,
    }
}

/// A world where each `(path, replies)` is a route on `a.test`, and the URLs to fetch.
fn world_of(routes: &[(impl AsRef<str>, Vec<Reply>)]) -> (World, Vec<String>) {
    let mut world = World::new();
    let mut urls = Vec::new();
    for (path, replies) in routes {
        let path = path.as_ref();
        world = world.route("a.test", path, replies.iter().cloned());
        urls.push(format!("http://a.test{path}"));
    }
    (world, urls)
}

/// What a URL must give: `Ok(n)`, or an error, transient (`Err(true)`) or permanent; after
/// how many attempts; whether they reach a server (false for a URL the client refuses).
type Want = (String, Result<u64, bool>, u32, bool);

/// Checks each URL's outcome and attempts against `want`, and that the servers saw exactly
/// those attempts. A URL listed twice is two jobs: two outcomes, and twice the requests. An
/// outcome missing or emitted too often fails under `lost`, a wrong one under `check`.
fn check_outcomes(run: &Run, check: Check, lost: Check, want: &[Want]) -> Outcome {
    let got = run.outcomes(lost)?;
    let seen = run.attempts();
    let mut times: BTreeMap<&str, usize> = BTreeMap::new();
    for (url, ..) in want {
        *times.entry(url.as_str()).or_default() += 1;
    }
    for (url, n) in &times {
        let emitted = got.get(url).map_or(0, Vec::len);
        ensure(emitted == *n, || {
            Failure::new(
                lost,
                format!("{url}'s outcome emitted {n} time(s), once per time it is in the input"),
                format!("{emitted} time(s)"),
            )
            .hint("every URL the source yields is a job, repeats included; emit each job's outcome, success or error, once, when its last attempt is over")
        })?;
    }
    for (url, outcome, attempts, at_server) in want {
        let a = got[url.as_str()][0];
        let kind = match &a.outcome {
            Ok(n) => Ok(*n),
            Err(JobError::Transient(_)) => Err(true),
            Err(JobError::Permanent(_)) => Err(false),
        };
        let describe = |o: &Result<u64, bool>| match o {
            Ok(n) => format!("Ok({n})"),
            Err(true) => "a transient error".to_string(),
            Err(false) => "a permanent error".to_string(),
        };
        let requests = seen.get(url).map_or(0, Vec::len) as u32;
        let want_requests = if *at_server {
            *attempts * times[url.as_str()] as u32
        } else {
            0
        };
        let all_same = got[url.as_str()]
            .iter()
            .all(|b| b.outcome == a.outcome && b.attempts == a.attempts);
        ensure(
            kind == *outcome && a.attempts == *attempts && all_same && requests == want_requests,
            || {
                Failure::new(
                    check,
                    format!(
                        "{url}: {} after {attempts} attempt(s) (each time it is in the input), {want_requests} request(s) at the server",
                        describe(outcome)
                    ),
                    format!(
                        "{:?} after {} attempt(s) by its own count, {requests} request(s) at the server",
                        a.outcome, a.attempts
                    ),
                )
                .hint("5xx and connection errors are transient: retry them, up to cfg.retries times; any other status, a body that is not a number and a bad URL are permanent: emit them at once; count every client.get in attempts")
            },
        )?;
    }
    Ok(())
}

fn transient_failures_retried_until_success(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let f = attempted(sol.task12(), TASK)?;
    for cfg in configs() {
        let n = |v: &str| Reply::text(200, v);
        let fail = |s: u16| Reply::status(s, 0);
        let (world, mut urls) = world_of(&[
            ("/third", vec![fail(500), fail(500), n("42")]),
            ("/second", vec![fail(503), n("7")]),
            ("/first", vec![n(" 19\n")]),
            ("/fourth", vec![fail(502), fail(500), fail(504), n("3")]),
            ("/big", vec![fail(500), n("18446744073709551615")]),
            ("/created", vec![Reply::text(201, "8")]),
            ("/reset", vec![Reply::reset(), n("4")]),
            // Shared by the two jobs of the URL given twice: each gets two 500s, then 9.
            (
                "/again",
                vec![fail(500), fail(500), fail(500), fail(500), n("9")],
            ),
        ]);
        let world = world.refusing("down.test");
        urls.push("http://down.test/x".to_owned());
        // The same URL twice, side by side: two jobs in flight at once, each with its own
        // attempts (a count kept per URL mixes them: one job gives up early, the other starts
        // over).
        urls.insert(urls.len() - 2, "http://a.test/again".to_owned());
        let (mut want, r) = (Vec::new(), cfg.retries);
        let url = |p: &str| format!("http://a.test{p}");
        want.push((url("/third"), Ok(42), 3, true));
        want.push((url("/second"), Ok(7), 2, true));
        want.push((url("/first"), Ok(19), 1, true));
        want.push(if r >= 3 {
            (url("/fourth"), Ok(3), 4, true)
        } else {
            (url("/fourth"), Err(true), r + 1, true)
        });
        want.push((url("/big"), Ok(u64::MAX), 2, true));
        want.push((url("/created"), Ok(8), 1, true));
        want.push((url("/reset"), Ok(4), 2, true));
        want.push((url("/again"), Ok(9), 3, true));
        want.push((url("/again"), Ok(9), 3, true));
        want.push(("http://down.test/x".to_owned(), Err(true), r + 1, false));
        let run = fetch(ctx, f, &world, cfg, urls, None);
        check_outcomes(&run, Check::Requirement, Check::Requirement, &want)?;
    }
    Ok(())
}

fn permanent_failures_never_retried(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let f = attempted(sol.task12(), TASK)?;
    let s = |code: u16| vec![Reply::status(code, 3), Reply::text(200, "1")];
    let t = |text: &str| vec![Reply::text(200, text), Reply::text(200, "1")];
    // Every path would answer a number on a second attempt: a retry shows in the outcome too.
    let (world, mut urls) = world_of(&[
        ("/404", s(404)),
        ("/400", s(400)),
        ("/410", s(410)),
        ("/301", s(301)),
        ("/words", t("forty-two")),
        ("/empty", t("")),
        ("/negative", t("-5")),
        ("/fraction", t("4.2")),
        (
            "/binary",
            vec![
                Reply::bytes(200, &[0xff, 0xfe, b'7']),
                Reply::text(200, "1"),
            ],
        ),
    ]);
    let mut want: Vec<_> = urls
        .iter()
        .map(|u| (u.clone(), Err(false), 1, true))
        .collect();
    for bad in ["not a url", "ftp://a.test/file"] {
        urls.push(bad.to_owned());
        want.push((bad.to_owned(), Err(false), 1, false));
    }
    let run = fetch(ctx, f, &world, RetryConfig::seed(), urls, None);
    // A wrong kind or a retry is the requirement's (tell transient from permanent); an outcome
    // lost (a worker that quit or panicked on the error) is an error not handled.
    check_outcomes(&run, Check::Requirement, Check::ErrorsHandled, &want)
}

fn at_most_the_configured_retries(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let f = attempted(sol.task12(), TASK)?;
    for cfg in configs() {
        let r = cfg.retries;
        // One more failure than the retries allow, then a number: a retry too many succeeds.
        let then = |s: u16| {
            let mut v = vec![Reply::status(s, 0); r as usize + 1];
            v.push(Reply::text(200, "1"));
            v
        };
        let (world, mut urls) =
            world_of(&[("/a", then(500)), ("/b", then(503)), ("/c", then(599))]);
        let world = world.refusing("down.test");
        urls.push("http://down.test/x".to_owned());
        let want: Vec<_> = urls
            .iter()
            .map(|u| (u.clone(), Err(true), r + 1, !u.contains("down")))
            .collect();
        let run = fetch(ctx, f, &world, cfg, urls, None);
        check_outcomes(&run, Check::Requirement, Check::Requirement, &want)?;
    }
    Ok(())
}

/// How a gap is held to its wait.
#[derive(Clone, Copy, PartialEq)]
enum Gaps {
    /// To the tick.
    Exact,
    /// Never more than a tick short: a retry that waited for a busy retry pool comes later.
    AtLeast,
}

/// Checks the gap before every retry the servers saw: from the failed attempt's response to the
/// next attempt's arrival, `backoff * 2^(r-1) + jitter.of(url, r)` plus [`NETWORK`], to a tick.
fn check_gaps(run: &Run, cfg: &RetryConfig, check: Check, held: Gaps) -> Outcome {
    let mut gaps = 0;
    for (url, seen) in run.attempts() {
        for (r, pair) in (1u32..).zip(seen.windows(2)) {
            let Some(failed_at) = pair[0].ended else {
                continue;
            };
            let wait = cfg.backoff * 2u32.pow(r - 1) + run.jitter.of(&url, r);
            let want = wait + NETWORK;
            let gap = pair[1].started.saturating_sub(failed_at);
            gaps += 1;
            let fits = match held {
                Gaps::Exact => gap.abs_diff(want) <= TICK,
                Gaps::AtLeast => gap + TICK >= want,
            };
            ensure(fits, || {
                Failure::new(
                    check,
                    format!("{url}: retry {r} arrives {}{want:?} after attempt {r}'s response (a backoff of {:?} and jitter.of(url, {r}) = {:?}, plus the network's {NETWORK:?}), ± 1 tick", if held == Gaps::AtLeast { "at least " } else { "" }, cfg.backoff * 2u32.pow(r - 1), run.jitter.of(&url, r)),
                    format!("it arrived {gap:?} after"),
                )
                .hint("before retry r (counted from 1) sleep cfg.backoff * 2^(r-1) + jitter.of(&url, r) with tokio::time::sleep, right after the failed attempt")
            })?;
        }
    }
    ensure(gaps > 0, || {
        Failure::new(check, "retries to measure", "the servers saw none")
    })?;
    Ok(())
}

fn backoff_doubles_with_the_given_jitter(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let f = attempted(sol.task12(), TASK)?;
    for cfg in configs() {
        // Twelve URLs failing for good: every gap of every retry measured, 36 then 24.
        let routes: Vec<(String, Vec<Reply>)> = (0..12)
            .map(|i| (format!("/{i}"), vec![Reply::status(500 + i % 4, 0)]))
            .collect();
        let (world, urls) = world_of(&routes);
        let run = fetch(ctx, f, &world, cfg, urls, None);
        run.outcomes(Check::Requirement)?;
        check_gaps(&run, &cfg, Check::Requirement, Gaps::Exact)?;
    }
    Ok(())
}

/// The most requests in flight at once among `seen`.
fn peak(seen: impl Iterator<Item = Seen>) -> usize {
    let mut edges: Vec<(Duration, i32)> = Vec::new();
    for s in seen {
        edges.push((s.started, 1));
        edges.push((s.ended.unwrap_or(Duration::MAX), -1));
    }
    // Ends before starts at the same instant: a request answered as another arrives is not both.
    edges.sort();
    let (mut now, mut most) = (0i32, 0i32);
    for (_, d) in edges {
        now += d;
        most = most.max(now);
    }
    most as usize
}

fn requests_in_flight_equal_the_workers(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let f = attempted(sol.task12(), TASK)?;
    for cfg in configs() {
        let slow = |r: Reply| r.after(Duration::from_secs(1));
        let routes: Vec<(String, Vec<Reply>)> = (0..40)
            .map(|i| {
                let ok = slow(Reply::text(200, "1"));
                let replies = if i % 3 == 0 {
                    vec![slow(Reply::status(500, 0)), ok]
                } else {
                    vec![ok]
                };
                (format!("/{i}"), replies)
            })
            .collect();
        let (world, urls) = world_of(&routes);
        let run = fetch(ctx, f, &world, cfg, urls, None);
        run.outcomes(Check::PoolSize)?;
        let most = peak(run.record.seen().into_iter());
        ensure(most == cfg.pool.workers, || {
            Failure::new(
                Check::PoolSize,
                format!("exactly {} requests in flight at the peak (cfg.pool.workers)", cfg.pool.workers),
                format!("{most}"),
            )
            .hint("start exactly cfg.pool.workers worker tasks, each making one request at a time, retries included")
        })?;
    }
    Ok(())
}

fn jobs_taken_ahead_fill_the_jobs_buffer(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let f = attempted(sol.task12(), TASK)?;
    for cfg in configs() {
        let n = 3 * cfg.pool.workers + cfg.pool.jobs_buffer;
        let routes: Vec<(String, Vec<Reply>)> = (0..n)
            .map(|i| {
                let r = Reply::text(200, "1").after(Duration::from_secs(2));
                (format!("/{i}"), vec![r])
            })
            .collect();
        let (world, urls) = world_of(&routes);
        let run = fetch(ctx, f, &world, cfg, urls, Some(Duration::from_secs(1)));
        // (Sampled at 1 s: every worker on its first 2 s GET.)
        let got = run.returned(Check::BufferSize)?;
        let Some(at) = &got.sampled else {
            return Err(Failure::new(
                Check::BufferSize,
                "the pool still running 1 s in",
                "it had returned",
            )
            .into());
        };
        let started = run
            .record
            .seen()
            .iter()
            .filter(|s| s.started < Duration::from_secs(1))
            .count() as u64;
        let ahead = at.taken.saturating_sub(started);
        let (lo, hi) = (cfg.pool.jobs_buffer as u64, cfg.pool.jobs_buffer as u64 + 1);
        ensure((lo..=hi).contains(&ahead), || {
            Failure::new(
                Check::BufferSize,
                format!("with every worker on a 2 s GET, {lo} to {hi} URLs taken from the input and not yet requested (the jobs channel of {} full, and the producer holding at most one more)", cfg.pool.jobs_buffer),
                format!("{ahead} ({} taken, {started} requested)", at.taken),
            )
            .hint("a bounded jobs channel of exactly cfg.pool.jobs_buffer, fed by one producer task as the workers take from it")
        })?;
    }
    Ok(())
}

fn results_wait_in_the_results_buffer(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let f = attempted(sol.task12(), TASK)?;
    for cfg in configs() {
        let n = 3 * cfg.pool.workers + cfg.pool.results_buffer + cfg.pool.jobs_buffer;
        let routes: Vec<(String, Vec<Reply>)> = (0..n)
            .map(|i| (format!("/{i}"), vec![Reply::text(200, "1")]))
            .collect();
        let (world, urls) = world_of(&routes);
        // The consumer held in its first emit for 2 s; 1 s in, the workers have filled the
        // results channel and each waits with one more outcome in hand, so the servers have
        // answered exactly the held one, the channel's and the workers'.
        let hold = Some(Duration::from_secs(2));
        let run = fetch_held(ctx, f, &world, cfg, urls, None, hold);
        run.outcomes(Check::BufferSize)?;
        support::answered_while_held(&run.record, Duration::from_secs(1), cfg.pool)?;
    }
    Ok(())
}

fn nothing_runs_after_return(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let f = attempted(sol.task12(), TASK)?;
    // The last URLs fail until their last retry: backoffs are still running near the end.
    let routes: Vec<(String, Vec<Reply>)> = (0..20)
        .map(|i| {
            let fail = Reply::status(500, 0);
            let replies = if i >= 16 {
                vec![fail.clone(), fail.clone(), fail, Reply::text(200, "1")]
            } else {
                vec![Reply::text(200, "1").after(TICK * (i % 5))]
            };
            (format!("/{i}"), replies)
        })
        .collect();
    let (world, urls) = world_of(&routes);
    let run = fetch(ctx, f, &world, configs()[1], urls, None);
    let alive = run.returned(Check::AllJoined)?.alive;
    support::nothing_alive(alive, &run.record, "keep every task (producer, workers, retry pool) in a JoinSet and drain it before returning")
}

fn stretch_retry_pool_takes_the_retries(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let f = attempted(sol.task12(), TASK)?;
    let cfg = RetryConfig {
        pool: PoolConfig {
            workers: 2,
            jobs_buffer: 2,
            results_buffer: 4,
        },
        retry_workers: Some(3),
        ..RetryConfig::seed()
    };
    // Twelve URLs, every third failing at once twice, each of its retries taking 1 s at the
    // server: four jobs for the retry pool, which its three tasks and a retry channel of any
    // size from one take without holding a worker up.
    let slow = Duration::from_secs(1);
    let routes: Vec<(String, Vec<Reply>)> = (0..12)
        .map(|i| {
            let replies = if i % 3 == 0 {
                vec![
                    Reply::status(500, 0),
                    Reply::status(502, 0).after(slow),
                    Reply::text(200, "5").after(slow),
                ]
            } else {
                vec![Reply::text(200, "5")]
            };
            (format!("/{i}"), replies)
        })
        .collect();
    let (world, urls) = world_of(&routes);
    let run = fetch(ctx, f, &world, cfg, urls.clone(), None);
    if let Ok(Returned {
        result: Err(PoolError::NotAttempted),
        ..
    }) = run.returned(Check::Stretch)
    {
        return Err(Stop::NotAttempted(format!(
            "{} returned PoolError::NotAttempted for a retry pool",
            TASK.id()
        )));
    }
    let want: Vec<_> = (0..12)
        .zip(&urls)
        .map(|(i, u)| (u.clone(), Ok(5), if i % 3 == 0 { 3 } else { 1 }, true))
        .collect();
    check_outcomes(&run, Check::Stretch, Check::Stretch, &want)?;
    // Four retried jobs for three retry tasks: the fourth may wait for one, so its gaps are
    // only never early.
    check_gaps(&run, &cfg, Check::Stretch, Gaps::AtLeast)?;
    let attempts = run.attempts();
    let firsts: Vec<Seen> = attempts.values().map(|s| s[0].clone()).collect();
    let retries: Vec<Seen> = attempts.values().flat_map(|s| s[1..].to_vec()).collect();
    // Two workers making first attempts only: twelve immediate answers are all in within six
    // rounds of a few ticks; a worker that retried its own job would wait seconds.
    let last_first = firsts.iter().map(|s| s.started).max().unwrap_or_default();
    ensure(last_first < slow, || {
        Failure::new(
            Check::Stretch,
            "every first attempt made within 1 s: the workers hand a failed job to the retry pool and take the next",
            format!("the last first attempt arrived at {last_first:?}"),
        )
        .hint("with cfg.retry_workers = Some(n), a worker sends a job that failed transiently to the retry pool's channel and goes on; only the retry pool sleeps and retries")
    })?;
    let (most_first, most_retry) = (peak(firsts.into_iter()), peak(retries.into_iter()));
    ensure(most_first <= cfg.pool.workers && most_retry == 3, || {
        Failure::new(
            Check::Stretch,
            "at most 2 first attempts (cfg.pool.workers) and exactly 3 retries (cfg.retry_workers) in flight at the peak",
            format!("{most_first} first attempts and {most_retry} retries"),
        )
        .hint("start exactly n retry tasks, each retrying one job at a time")
    })?;
    // Few failures for the retry pool to take: each waits only for its backoff.
    let (world, urls) = world_of(&[
        ("/x", vec![Reply::status(500, 0)]),
        ("/y", vec![Reply::status(503, 0), Reply::text(200, "1")]),
    ]);
    let run = fetch(ctx, f, &world, cfg, urls, None);
    run.outcomes(Check::Stretch)?;
    check_gaps(&run, &cfg, Check::Stretch, Gaps::Exact)
}

fn refused(
    sol: &'static dyn Solution,
    ctx: &mut Ctx,
    cfg: RetryConfig,
    urls: Vec<String>,
    want: PoolError,
) -> Outcome {
    let f = attempted(sol.task12(), TASK)?;
    let world = World::new().route("a.test", "/", [Reply::text(200, "1")]);
    let run = fetch(ctx, f, &world, cfg, urls, None);
    let Returned { result, out, .. } = run.returned(Check::GracefulShutdown)?;
    support::refused_at_once(result, out.len(), &run.record, want)
}

fn zero_workers_is_refused(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let url = || vec!["http://a.test/".to_owned()];
    let mut cfg = RetryConfig::seed();
    cfg.pool.workers = 0;
    refused(sol, ctx, cfg, url(), PoolError::ZeroWorkers)?;
    let cfg = RetryConfig {
        retry_workers: Some(0),
        ..RetryConfig::seed()
    };
    refused(sol, ctx, cfg, url(), PoolError::ZeroWorkers)
}

fn empty_url_list_is_refused(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    refused(
        sol,
        ctx,
        RetryConfig::seed(),
        Vec::new(),
        PoolError::EmptyInput,
    )
}
