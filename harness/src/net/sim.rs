//! The simulated tier: the world's servers and the solution's client in one turmoil simulation,
//! on virtual time, seeded by the run's seed.
//!
//! turmoil's defaults are fixed where a verdict needs them exact (see the notes): every message
//! takes exactly [`LATENCY`] (its default is random, 0 to 100 ms), time moves in ticks of
//! [`TICK`], a TCP socket holds 1 024 segments (its default 64 panics under a pool with
//! unbounded requests), and the simulation ends at the scenario's virtual limit.

pub use super::Ended;
use super::{HttpClient, Record, Reply, World};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// How far the world's clock moves in one step: the resolution of every timing verdict. 10 ms
/// tells a 5 s timeout from a 4.9 s one with ten ticks to spare, and runs about ten times as
/// fast as 1 ms (measured: the task-3 scenarios' worlds at 1 ms put the mutants test over its
/// budget).
pub const TICK: Duration = Duration::from_millis(10);
/// How long every message takes on the simulated network: one tick.
pub const LATENCY: Duration = TICK;
/// How long the world runs on after the client returned: a few messages' time.
pub const SETTLE: Duration = Duration::from_millis(10);
/// How often, in virtual time, [`run_watched`] reports progress.
pub const PROGRESS: Duration = Duration::from_millis(250);

/// Virtual time simulated in this process since [`take_simulated`] last asked, in nanoseconds: a
/// verdict reports it beside its wall time (how many simulated seconds a wall second buys).
static SIMULATED: AtomicU64 = AtomicU64::new(0);

/// Tasks of the client alive when the last world ended without its client returning.
static ALIVE_AT_LIMIT: AtomicUsize = AtomicUsize::new(usize::MAX);

/// What the virtual-time watchdog saw of a client that never returned, for its failure: how many
/// tasks it had started with `tokio::spawn` were still alive at the limit (tokio names no task
/// outside `tokio_unstable`; where each job stood is the ledger's to say).
pub fn hung_tasks() -> String {
    match ALIVE_AT_LIMIT.load(Ordering::Relaxed) {
        usize::MAX => String::new(),
        n => format!("; {n} task(s) the pool spawned still alive at the limit"),
    }
}

/// The virtual time simulated since the last call, and a fresh count.
pub(crate) fn take_simulated() -> Duration {
    Duration::from_nanos(SIMULATED.swap(0, Ordering::Relaxed))
}

/// Runs `client` (the solution, handed the harness's client) against `world`, with `seed`
/// fixing turmoil's choices, until it returns or `limit` of virtual time passed.
pub fn run<R, F>(
    world: &World,
    seed: u64,
    limit: Duration,
    record: &Record,
    client: impl FnOnce(HttpClient) -> F + 'static,
) -> Ended<R>
where
    R: 'static,
    F: std::future::Future<Output = R> + 'static,
{
    run_watched(world, seed, limit, record, client, |_| {})
}

/// [`run`], calling `progress` with the world's clock every [`PROGRESS`] of virtual time: a
/// scenario tells its watchdog the world is moving (a long world on a loaded machine can take
/// seconds of real time between two of the pool's own events).
pub fn run_watched<R, F>(
    world: &World,
    seed: u64,
    limit: Duration,
    record: &Record,
    client: impl FnOnce(HttpClient) -> F + 'static,
    mut progress: impl FnMut(Duration),
) -> Ended<R>
where
    R: 'static,
    F: std::future::Future<Output = R> + 'static,
{
    let mut sim = turmoil::Builder::new()
        .rng_seed(seed)
        .epoch(std::time::UNIX_EPOCH)
        .simulation_duration(limit)
        .tick_duration(TICK)
        .min_message_latency(LATENCY)
        .max_message_latency(LATENCY)
        .tcp_capacity(1024)
        .build();
    for (name, host) in &world.hosts {
        let (id, host, record) = (name.clone(), host.clone(), record.clone());
        sim.host(name.as_str(), move || {
            serve(id.clone(), host.clone(), record.clone())
        });
    }
    let out: Rc<RefCell<Option<(R, Duration)>>> = Rc::default();
    let slot = out.clone();
    let runtime: Rc<RefCell<Option<(tokio::runtime::Handle, usize)>>> = Rc::default();
    let rt = runtime.clone();
    sim.client("pool", async move {
        let handle = tokio::runtime::Handle::current();
        let before = handle.metrics().num_alive_tasks();
        *rt.borrow_mut() = Some((handle, before));
        let r = client(HttpClient::simulated()).await;
        *slot.borrow_mut() = Some((r, turmoil::sim_elapsed().unwrap_or_default()));
        // The world runs on a little, so what the client sent last (a close) reaches the
        // servers and is recorded.
        tokio::time::sleep(SETTLE).await;
        Ok(())
    });
    let mut next = PROGRESS;
    let ran = loop {
        match sim.step() {
            Ok(true) => break Ok(()),
            Ok(false) => {
                if sim.elapsed() >= next {
                    progress(sim.elapsed());
                    next += PROGRESS;
                }
            }
            Err(e) => break Err(e),
        }
    };
    SIMULATED.fetch_add(sim.elapsed().as_nanos() as u64, Ordering::Relaxed);
    let returned = out.borrow_mut().take();
    if returned.is_none() {
        let alive = runtime
            .borrow()
            .as_ref()
            .map(|(h, before)| h.metrics().num_alive_tasks().saturating_sub(*before));
        ALIVE_AT_LIMIT.store(alive.unwrap_or(usize::MAX), Ordering::Relaxed);
    }
    match (returned, ran) {
        (Some((r, at)), _) => Ended::Returned(r, at),
        (None, Err(e)) if e.to_string().contains("Ran for duration") => Ended::TimedOut(limit),
        (None, Err(e)) => Ended::Failed(e.to_string()),
        (None, Ok(())) => Ended::Failed("the client ended without a result".into()),
    }
}

/// One host's server: its routes on port 80, each request recorded. A plain HTTP/1 server
/// written here rather than hyper's: while a request waits for its reply, it keeps reading the
/// connection, so a client that gives up (closes) is seen at that instant, as abandoned (hyper's
/// server does not read while its service runs, and would see it only when the reply is due).
async fn serve(name: String, host: super::world::Host, record: Record) -> turmoil::Result {
    if host.refusing {
        // Nothing listens: connections are refused. The host still runs so its name resolves.
        std::future::pending::<()>().await;
    }
    let listener = turmoil::net::TcpListener::bind("0.0.0.0:80").await?;
    let routes = Rc::new((host.routes, host.otherwise));
    let counts: Rc<RefCell<BTreeMap<String, usize>>> = Rc::default();
    loop {
        let (stream, _) = listener.accept().await?;
        let (name, routes, record, counts) =
            (name.clone(), routes.clone(), record.clone(), counts.clone());
        tokio::task::spawn_local(async move {
            let _ = answer(stream, &name, &routes.0, &routes.1, &record, &counts).await;
        });
    }
}

/// Reads one request on `stream`, waits its reply's latency (watching for the client's close),
/// and sends the reply; the connection then closes.
async fn answer(
    mut stream: turmoil::net::TcpStream,
    name: &str,
    routes: &BTreeMap<String, Vec<Reply>>,
    otherwise: &Option<Vec<Reply>>,
    record: &Record,
    counts: &RefCell<BTreeMap<String, usize>>,
) -> std::io::Result<()> {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Ok(()); // closed before a whole request arrived: never seen
        }
        head.extend_from_slice(&buf[..n]);
    }
    let end = head.windows(4).position(|w| w == b"\r\n\r\n").unwrap_or(0) + 4;
    let text = String::from_utf8_lossy(&head[..end]).into_owned();
    let mut words = text.split_whitespace();
    let method = words.next().unwrap_or("GET").to_owned();
    let path = words.next().unwrap_or("/").to_owned();
    let length = text
        .lines()
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = head[end..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Ok(()); // closed before the whole body arrived: never seen
        }
        body.extend_from_slice(&buf[..n]);
    }
    let n = {
        let mut c = counts.borrow_mut();
        let n = c.entry(path.clone()).or_default();
        *n += 1;
        *n - 1
    };
    let reply = routes
        .get(&path)
        .or(otherwise.as_ref())
        .map(|r| r[n.min(r.len() - 1)].clone())
        .unwrap_or(Reply::status(404, 0));
    let i = record.start(name, (&method, &path, body), now());
    let due = async {
        if reply.never {
            std::future::pending::<()>().await;
        }
        tokio::time::sleep(reply.latency).await;
    };
    tokio::select! {
        () = due => {}
        _ = stream.read(&mut buf) => {
            // The client closed (or sent more than its request, which it never does): abandoned.
            record.end(i, now(), None);
            return Ok(());
        }
    }
    if reply.reset {
        // Closed with no response: the server, not the client, gave up.
        record.reset(i, now());
        return Ok(());
    }
    record.end(i, now(), Some(reply.status));
    let reason = hyper::StatusCode::from_u16(reply.status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Status");
    let mut response = format!(
        "HTTP/1.1 {} {reason}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        reply.status, reply.body
    )
    .into_bytes();
    match &reply.content {
        Some(bytes) => response.extend_from_slice(bytes),
        None => response.resize(response.len() + reply.body, b'x'),
    }
    stream.write_all(&response).await?;
    stream.flush().await
}

/// The world's clock.
fn now() -> Duration {
    turmoil::sim_elapsed().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Twelve GETs through 3 permits on a world with seeded latencies; what the servers saw.
    fn trace(seed: u64) -> (Vec<super::super::Seen>, Duration) {
        let mut rng = fastrand::Rng::with_seed(seed);
        let mut world = World::new().refusing("down.test");
        for i in 0..12 {
            let latency = Duration::from_millis(rng.u64(0..500));
            world = world.route(
                "a.test",
                &format!("/{i}"),
                [Reply::ok(i * 10).after(latency)],
            );
        }
        let record = Record::default();
        let ended = run(
            &world,
            seed,
            Duration::from_secs(30),
            &record,
            |client| async move {
                let permits = std::sync::Arc::new(tokio::sync::Semaphore::new(3));
                let mut set = tokio::task::JoinSet::new();
                for i in 0..12 {
                    let (client, permits) = (client.clone(), permits.clone());
                    set.spawn(async move {
                        let _p = permits.acquire().await;
                        client
                            .get(&format!("http://a.test/{i}"))
                            .await
                            .map(|p| p.body.len())
                    });
                }
                let refused = client.get("http://down.test/").await;
                assert!(
                    matches!(refused, Err(super::super::HttpError::Connect(_))),
                    "{refused:?}"
                );
                while set.join_next().await.is_some() {}
            },
        );
        match ended {
            Ended::Returned((), at) => (record.seen(), at),
            _ => panic!("the world's client did not return"),
        }
    }

    #[test]
    fn one_seed_one_trace_byte_for_byte() {
        let (a, at_a) = trace(7);
        let (b, at_b) = trace(7);
        assert_eq!(
            format!("{a:?}"),
            format!("{b:?}"),
            "the same seed must replay the same world"
        );
        assert_eq!(at_a, at_b);
        assert_eq!(a.len(), 12);
        let (c, _) = trace(8);
        assert_ne!(
            format!("{a:?}"),
            format!("{c:?}"),
            "another seed must change the latencies"
        );
    }

    #[test]
    fn a_request_dropped_mid_flight_is_abandoned_at_that_instant() {
        let world = World::new().route("a.test", "/silent", [Reply::never()]);
        let record = Record::default();
        let ended = run(
            &world,
            1,
            Duration::from_secs(30),
            &record,
            |client| async move {
                let r = tokio::time::timeout(
                    Duration::from_secs(2),
                    client.get("http://a.test/silent"),
                )
                .await;
                assert!(r.is_err(), "a reply that never comes times out");
            },
        );
        assert!(matches!(ended, Ended::Returned((), _)));
        let seen = record.seen();
        assert_eq!(seen.len(), 1);
        assert!(seen[0].abandoned);
        // The request arrives two messages after the GET began (turmoil's connect, then the
        // request); the close, one message after the client gave up.
        assert_eq!(
            (seen[0].started, seen[0].ended),
            (2 * LATENCY, Some(Duration::from_secs(2) + LATENCY))
        );
    }
}
