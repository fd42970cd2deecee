//! The real tier: the world's servers as wiremock servers on loopback, the solution on a real
//! tokio runtime and real time. It decides no timing verdict; it proves a solution works on a
//! real socket and holds it to the HTTP contract itself (method, path, `Host` header, body,
//! how many requests each path got), from what the servers received.
//!
//! What it runs of the scripted vocabulary: statuses in turn per path, bodies (length or
//! content), latency (real time: keep it short), a reply that never comes (an hour's delay),
//! a refusing host (a loopback port nothing listens on) and a host's default reply. Not a reset:
//! wiremock cannot close a connection unanswered, so a world with one is refused.

use super::{Ended, HttpClient, Reply, World};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// One request a server received, as it arrived.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Received {
    /// The host the world names (the server it reached).
    pub host: String,
    pub method: String,
    pub path: String,
    /// The request's `Host` header.
    pub host_header: Option<String>,
    pub body: Vec<u8>,
}

/// The replies of one route in turn, counted per path: the n-th request to a path gets the
/// n-th reply, and the last from then on.
struct InTurn {
    replies: Vec<Reply>,
    counts: Mutex<BTreeMap<String, usize>>,
}

impl Respond for InTurn {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let n = {
            let mut counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
            let n = counts.entry(request.url.path().to_owned()).or_default();
            *n += 1;
            *n - 1
        };
        let reply = &self.replies[n.min(self.replies.len() - 1)];
        let body = match &reply.content {
            Some(bytes) => bytes.clone(),
            None => vec![b'x'; reply.body],
        };
        let delay = match reply.never {
            true => Duration::from_secs(3600),
            false => reply.latency,
        };
        ResponseTemplate::new(reply.status)
            .set_body_bytes(body)
            .set_delay(delay)
    }
}

/// Runs `client` (the solution, handed a client that reaches the world's servers on loopback)
/// on a current-thread tokio runtime, until it returns or `limit` of real time passed; then
/// what each server received.
pub fn run<R, F>(
    world: &World,
    limit: Duration,
    client: impl FnOnce(HttpClient) -> F,
) -> (Ended<R>, Vec<Received>)
where
    F: std::future::Future<Output = R>,
{
    if world.hosts.values().any(|h| {
        h.routes
            .values()
            .chain(&h.otherwise)
            .flatten()
            .any(|r| r.reset)
    }) {
        let why = "the real tier cannot script a reset (wiremock always answers)";
        tracing::warn!("{why}");
        return (Ended::Failed(why.into()), Vec::new());
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return (Ended::Failed(format!("no runtime: {e}")), Vec::new()),
    };
    runtime.block_on(async {
        let mut servers = Vec::new();
        let mut addrs = BTreeMap::new();
        for (name, host) in &world.hosts {
            if host.refusing {
                addrs.insert(name.clone(), closed_port());
                continue;
            }
            let server = MockServer::start().await;
            for (path, replies) in &host.routes {
                let replies = InTurn {
                    replies: replies.clone(),
                    counts: Mutex::default(),
                };
                Mock::given(wiremock::matchers::path(path.as_str()))
                    .respond_with(replies)
                    .with_priority(1)
                    .mount(&server)
                    .await;
            }
            let otherwise = host
                .otherwise
                .clone()
                .unwrap_or_else(|| vec![Reply::status(404, 0)]);
            Mock::given(wiremock::matchers::any())
                .respond_with(InTurn {
                    replies: otherwise,
                    counts: Mutex::default(),
                })
                .with_priority(10)
                .mount(&server)
                .await;
            addrs.insert(name.clone(), *server.address());
            servers.push((name.clone(), server));
        }
        let started = tokio::time::Instant::now();
        let call = client(HttpClient::real(Arc::new(addrs)));
        let ended = match tokio::time::timeout(limit, call).await {
            Ok(r) => Ended::Returned(r, started.elapsed()),
            Err(_) => Ended::TimedOut(limit),
        };
        let mut received = Vec::new();
        for (name, server) in &servers {
            for r in server.received_requests().await.unwrap_or_default() {
                received.push(Received {
                    host: name.clone(),
                    method: r.method.to_string(),
                    path: r.url.path().to_owned(),
                    host_header: r
                        .headers
                        .get("host")
                        .and_then(|h| h.to_str().ok())
                        .map(str::to_owned),
                    body: r.body.clone(),
                });
            }
        }
        (ended, received)
    })
}

/// A loopback address nothing listens on: a port bound and let go (a connection is refused).
fn closed_port() -> SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 9)))
}
