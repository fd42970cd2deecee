//! One run of a cancellable async pool (tasks 6 and 9), each role timed where a solution cannot
//! fake it: the producer when it takes a URL (the harness's side of the input), a worker when
//! its GET's `probe.run_async` begins, a GET in flight when its server sees the connection
//! closed, the consumer when the call returns. `ctx_honored` is reported per role from these.

use harness::contracts::{LocalFuture, PoolError};
use harness::ledger::Ledger;
use harness::net::sim::{self, Ended, TICK};
use harness::net::{HttpClient, Record, Reply, World};
use harness::probe::{Jobs, Probe};
use harness::sink::Sink;
use harness::{ensure, Check, Ctx, Failure, Outcome};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// How long every GET of a slow world takes at its server: the pool works in rounds, and no
/// round ends within a tick of a cancellation in the scenarios.
pub const SLOW: Duration = Duration::from_secs(3);
/// How soon after the cancellation each role must have stopped: no URL taken and no GET begun
/// after it (after the caller's token fired, seen at the act; after a pool's own deadline, more
/// than a tick later); a GET in flight seen abandoned at its server, and the call returned,
/// within two ticks (the client's close takes a tick on the wire).
pub const BOUND: Duration = TICK.saturating_mul(2);
/// How long a world may run before the pool is taken for hung.
const LIMIT: Duration = Duration::from_secs(60);

/// A result a pool emits, keyed by its URL in the ledger.
pub trait Keyed: 'static {
    fn key(&self) -> String;
}

/// Who cancels, and when.
#[derive(Clone, Copy, Debug)]
pub enum Cancel {
    /// Nobody but the pool's own deadline.
    Never,
    /// The caller, at this instant.
    At(Duration),
    /// The caller, before the call.
    Before,
}

impl Cancel {
    /// Fires `token` as this says: now, later on the runtime's clock, or never.
    pub fn arm(self, token: &CancellationToken) {
        match self {
            Cancel::Never => {}
            Cancel::Before => token.cancel(),
            Cancel::At(at) => {
                let token = token.clone();
                tokio::task::spawn_local(async move {
                    tokio::time::sleep(at).await;
                    token.cancel();
                });
            }
        }
    }
}

/// The jobs of `urls`, recorded in `ledger`, and when each URL is taken (and whether `token` had
/// fired then): the producer's acts.
pub fn timed_jobs(
    ledger: &Arc<Ledger>,
    urls: Vec<String>,
    token: &CancellationToken,
) -> (Jobs<String>, Arc<Mutex<Vec<Act>>>) {
    let takes = Arc::new(Mutex::new(Vec::new()));
    let (t, fired) = (takes.clone(), token.clone());
    let urls = urls.into_iter().inspect(move |_| {
        let act = (
            turmoil::sim_elapsed().unwrap_or_default(),
            fired.is_cancelled(),
        );
        t.lock().unwrap_or_else(|p| p.into_inner()).push(act);
    });
    (
        Jobs::new(ledger.clone(), urls, |u: &String| u.clone()),
        takes,
    )
}

/// One act of a role: when, and whether the caller's token had already fired (an act in the
/// cancellation's own instant but after it is late too).
pub type Act = (Duration, bool);

/// What one simulated run gave.
pub struct Run<T, R> {
    pub ended: Ended<Returned<T, R>>,
    pub record: Record,
    pub ledger: Arc<Ledger>,
    pub urls: usize,
}

/// What `fetch_all` returned and emitted, and when each role acted, on the world's clock.
pub struct Returned<T, R> {
    pub result: Result<R, PoolError>,
    pub out: Vec<T>,
    /// When each result was emitted.
    pub emitted_at: Vec<Duration>,
    /// When each URL was taken from the input, and whether the caller's token had fired.
    pub taken_at: Vec<Act>,
    /// When each GET's `probe.run_async` began, and whether the caller's token had fired.
    pub started_at: Vec<Act>,
    /// Each `probe.run_async` by its key (the URL), and when it began.
    pub begun: Vec<(String, Duration)>,
    /// Tasks the solution spawned still alive when it returned.
    pub alive: usize,
}

impl<T, R> Run<T, R> {
    pub fn returned(&self, check: Check) -> Result<(&Returned<T, R>, Duration), Failure> {
        match &self.ended {
            Ended::Returned(r, at) => Ok((r, *at)),
            Ended::TimedOut(limit) => {
                // A pool that does not stop once cancelled is the cancellation's failure, wherever
                // its jobs stood; elsewhere, blamed as a hang is anywhere.
                let check = match check {
                    Check::CtxHonored => check,
                    _ => harness::watchdog::blame(check, &[self.ledger.snapshot()]),
                };
                Err(Failure::new(
                    check,
                    "fetch_all returns once every URL is done, or at once when cancelled",
                    format!("it had not returned after {limit:?} of virtual time; the servers saw {} requests, {} still in flight; {}{}",
                        self.record.seen().len(), self.record.in_flight(), self.ledger.describe(), harness::net::sim::hung_tasks()),
                )
                .hint("every wait (the producer's send, a worker's receive and GET, the consumer's receive) goes in a tokio::select! with token.cancelled()"))
            }
            Ended::Failed(e) => Err(Failure::new(
                check,
                "the simulated world runs to the end",
                format!("it failed: {e}"),
            )),
        }
    }

    /// Each role's last act against the cancellation at `c`, one line per role.
    pub fn roles(&self, got: &Returned<T, R>, returned: Duration, c: Duration) -> Roles {
        // Late: after the caller's token fired (seen at the act), or more than a tick after the
        // pool's own deadline (which only the pool sees).
        let late = |acts: &[Act]| {
            let late: Vec<Duration> = acts
                .iter()
                .filter(|(t, fired)| *fired || *t > c + TICK)
                .map(|(t, _)| t.saturating_sub(c))
                .collect();
            late.iter().max().map(|d| (late.len(), *d))
        };
        let seen = self.record.seen();
        let in_flight: Vec<_> = seen
            .iter()
            .filter(|s| s.started <= c && s.ended.is_none_or(|e| e > c))
            .collect();
        let unabandoned = in_flight.iter().filter(|s| !s.abandoned).count();
        let last_end = in_flight
            .iter()
            .map(|s| s.ended.unwrap_or(Duration::MAX))
            .max();
        Roles {
            producer: late(&got.taken_at),
            workers: late(&got.started_at),
            in_flight: in_flight.len(),
            unabandoned,
            last_end: last_end.map(|e| e.saturating_sub(c)),
            returned: returned.saturating_sub(c),
        }
    }
}

/// What each role did after the cancellation: the report `ctx_honored` gives per role.
pub struct Roles {
    /// URLs taken after it, and the last one's delay, if any.
    pub producer: Option<(usize, Duration)>,
    /// GETs begun after it, and the last one's delay, if any.
    pub workers: Option<(usize, Duration)>,
    /// GETs in flight at the cancellation, and how many of them were answered instead of
    /// abandoned.
    pub in_flight: usize,
    pub unabandoned: usize,
    /// When the last of them ended at its server, after the cancellation.
    pub last_end: Option<Duration>,
    /// When the call returned (the consumer stopped), after it.
    pub returned: Duration,
}

impl Roles {
    pub fn report(&self) -> String {
        let late = |acts: Option<(usize, Duration)>, what: &str| match acts {
            None => format!("no {what} after it"),
            Some((n, d)) => format!("{n} {what} after it, the last {d:?} after it"),
        };
        format!(
            "producer: {}; workers: {}; GETs in flight: {} of {} abandoned, the last ended {}; consumer: returned {:?} after it",
            late(self.producer, "URLs taken"),
            late(self.workers, "GETs begun"),
            self.in_flight - self.unabandoned,
            self.in_flight,
            match self.last_end {
                Some(Duration::MAX) | None if self.in_flight > 0 => "never".to_string(),
                Some(d) => format!("{d:?} after it"),
                None => "(none in flight)".to_string(),
            },
            self.returned
        )
    }

    /// Every role within its bound.
    pub fn honoured(&self) -> bool {
        self.producer.is_none()
            && self.workers.is_none()
            && self.unabandoned == 0
            && self.last_end.is_none_or(|d| d <= BOUND)
            && self.returned <= BOUND
    }
}

/// Runs `call` (the solution's `fetch_all`, handed the harness's jobs, probe, client, token and
/// sink) on `urls` in `world` with `cancel`, the consumer held in its first emit for `hold`,
/// timing each role's acts.
pub fn run<T: Keyed, R: 'static>(
    ctx: &mut Ctx,
    what: &str,
    world: World,
    urls: Vec<String>,
    cancel: Cancel,
    hold: Option<Duration>,
    call: impl for<'a> FnOnce(
            Jobs<String>,
            Probe<String>,
            HttpClient,
            CancellationToken,
            &'a mut Sink<T>,
        ) -> LocalFuture<'a, Result<R, PoolError>>
        + 'static,
) -> Run<T, R> {
    let ledger = ctx.ledger("urls");
    let record = Record::default();
    let seed = ctx.rng.u64(..);
    let what = format!("running {what} on {} URLs in a simulated world", urls.len());
    ctx.stage(what.clone());
    let (l, n) = (ledger.clone(), urls.len());
    let ended = sim::run_watched(
        &world,
        seed,
        LIMIT,
        &record,
        move |client| async move {
            let now = || turmoil::sim_elapsed().unwrap_or_default();
            let mut sink = Sink::new(l.clone(), T::key);
            if let Some(wait) = hold {
                sink = sink.holding(0, wait);
            }
            let token = CancellationToken::new();
            let starts = Arc::new(Mutex::new(Vec::new()));
            let begun = Arc::new(Mutex::new(Vec::new()));
            let (s, b, fired) = (starts.clone(), begun.clone(), token.clone());
            let probe = Probe::new(l.clone()).with_hook(move |url: &String| {
                let act = (now(), fired.is_cancelled());
                s.lock().unwrap_or_else(|p| p.into_inner()).push(act);
                b.lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push((url.clone(), now()));
            });
            let (jobs, takes) = timed_jobs(&l, urls, &token);
            cancel.arm(&token);
            let (result, alive) =
                harness::tasks::alive_after(call(jobs, probe, client, token, &mut sink)).await;
            l.close();
            let begun = std::mem::take(&mut *begun.lock().unwrap_or_else(|p| p.into_inner()));
            let take = |v: &Arc<Mutex<Vec<Act>>>| {
                std::mem::take(&mut *v.lock().unwrap_or_else(|p| p.into_inner()))
            };
            Returned {
                result,
                emitted_at: sink.emitted_at().to_vec(),
                out: sink.into_items(),
                taken_at: take(&takes),
                started_at: take(&starts),
                begun,
                alive,
            }
        },
        |at| ctx.stage(format!("{what}: the world at {at:?}")),
    );
    Run {
        ended,
        record,
        ledger,
        urls: n,
    }
}

/// `n` URLs on `a.test`, each taking [`SLOW`] with a body of `i + 1` bytes.
pub fn slow_world(n: usize) -> (World, Vec<String>) {
    let mut world = World::new();
    let urls = (0..n)
        .map(|i| {
            let path = format!("/{i}");
            world =
                std::mem::take(&mut world).route("a.test", &path, [Reply::ok(i + 1).after(SLOW)]);
            format!("http://a.test{path}")
        })
        .collect();
    (world, urls)
}

/// `n` URLs on `a.test` that answer at once, each with a body of `i + 1` bytes.
pub fn fast_world(n: usize) -> (World, Vec<String>) {
    let mut world = World::new();
    let urls = (0..n)
        .map(|i| {
            let path = format!("/{i}");
            world = std::mem::take(&mut world).route("a.test", &path, [Reply::ok(i + 1)]);
            format!("http://a.test{path}")
        })
        .collect();
    (world, urls)
}

/// Checks that each request the servers saw came inside its URL's `probe.run_async` bracket:
/// a bracket for that URL began before the request arrived.
pub fn check_bracketed<T, R>(run: &Run<T, R>, got: &Returned<T, R>) -> Outcome {
    for s in run.record.seen() {
        let url = format!("http://{}{}", s.host, s.path);
        let began = got
            .begun
            .iter()
            .filter(|(u, _)| *u == url)
            .map(|(_, t)| *t)
            .min();
        ensure(began.is_some_and(|b| b <= s.started), || {
            Failure::new(
                Check::Requirement,
                format!("{url}'s request reaches its server inside a probe.run_async keyed by its URL"),
                format!("it arrived at {:?}; the bracket began at {began:?}", s.started),
            )
            .hint("the GET itself, body included, goes inside the bracket: probe.run_async(url.clone(), client.get(&url))")
        })?;
    }
    Ok(())
}

/// Checks every role against the cancellation at `c`, under `ctx_honored`.
pub fn check_roles<T, R>(run: &Run<T, R>, c: Duration, who: &str) -> Outcome {
    let (got, returned) = run.returned(Check::CtxHonored)?;
    let roles = run.roles(got, returned, c);
    ensure(roles.honoured(), || {
        Failure::new(
            Check::CtxHonored,
            format!("after {who} at {c:?}: no URL taken and no GET begun later than a tick, every GET in flight abandoned at its server and the call returned within {BOUND:?}"),
            roles.report(),
        )
        .hint("select on token.cancelled() in the producer (before taking and while sending), in each worker (while receiving, and around the GET itself: dropping the GET's future closes its connection) and in the consumer")
    })?;
    Ok(())
}

/// One job of a fast world panics inside its bracket: `call` (the solution's `fetch_all`) must
/// report it, as [`crate::support::panic_reported`] says.
pub fn a_panicking_job<T: Keyed, R: std::fmt::Debug + 'static>(
    ctx: &mut Ctx,
    call: impl for<'a> FnOnce(
            Jobs<String>,
            Probe<String>,
            HttpClient,
            CancellationToken,
            &'a mut Sink<T>,
        ) -> LocalFuture<'a, Result<R, PoolError>>
        + 'static,
) -> Outcome {
    let (world, urls) = fast_world(16);
    let doomed = urls[5].clone();
    let d = doomed.clone();
    let run = run(
        ctx,
        "fetch_all, one job panicking",
        world,
        urls.clone(),
        Cancel::Never,
        None,
        move |jobs, probe, client, token, sink| {
            let probe = probe.with_hook(move |url: &String| {
                if *url == d {
                    panic!("{}", crate::support::PANIC);
                }
            });
            call(jobs, probe, client, token, sink)
        },
    );
    let (got, _) = run.returned(Check::ErrorsHandled)?;
    let keys: Vec<String> = got.out.iter().map(Keyed::key).collect();
    crate::support::panic_reported(
        &got.result,
        keys.iter().map(String::as_str),
        &urls,
        &doomed,
        got.alive,
    )
}
