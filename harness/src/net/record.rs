//! What the servers saw: the record a solution cannot fake.

use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One request as the server saw it, on the world's clock (time since the world began).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seen {
    pub host: String,
    pub method: String,
    pub path: String,
    /// The request's body (a POST's upload; empty for a GET).
    pub body: Vec<u8>,
    /// When the request arrived at the server.
    pub started: Duration,
    /// When the server sent its response, or noticed the client was gone.
    pub ended: Option<Duration>,
    /// The status sent; `None` if no response was sent.
    pub status: Option<u16>,
    /// The client closed the connection before the response was sent: cancelled mid-flight.
    /// (A request still on the wire when the client gave up never arrives, and is not seen.)
    pub abandoned: bool,
}

#[derive(Default)]
struct Inner {
    seen: Vec<Seen>,
    in_flight: usize,
    peak: usize,
    /// Per host: requests in flight now, and the most at once.
    hosts: std::collections::BTreeMap<String, (usize, usize)>,
}

/// Every request the world's servers saw, and the most in flight at once.
#[derive(Clone, Default)]
pub struct Record(Arc<Mutex<Inner>>);

impl Record {
    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A request arrived; returns its index for [`Record::end`].
    pub(crate) fn start(&self, host: &str, request: (&str, &str, Vec<u8>), at: Duration) -> usize {
        let (method, path, body) = request;
        let mut r = self.inner();
        r.in_flight += 1;
        r.peak = r.peak.max(r.in_flight);
        let (now, peak) = r.hosts.entry(host.to_owned()).or_default();
        *now += 1;
        *peak = (*peak).max(*now);
        r.seen.push(Seen {
            host: host.to_owned(),
            method: method.to_owned(),
            path: path.to_owned(),
            body,
            started: at,
            ended: None,
            status: None,
            abandoned: false,
        });
        r.seen.len() - 1
    }

    /// Request `i` ended: answered with `status`, or abandoned by the client (`None`).
    pub(crate) fn end(&self, i: usize, at: Duration, status: Option<u16>) {
        let mut r = self.inner();
        r.in_flight -= 1;
        let host = r.seen[i].host.clone();
        if let Some((now, _)) = r.hosts.get_mut(&host) {
            *now -= 1;
        }
        let s = &mut r.seen[i];
        s.ended = Some(at);
        s.status = status;
        s.abandoned = status.is_none();
    }

    /// The server closed request `i`'s connection with no response ([`super::Reply::reset`]):
    /// ended, not abandoned.
    pub(crate) fn reset(&self, i: usize, at: Duration) {
        self.end(i, at, None);
        self.inner().seen[i].abandoned = false;
    }

    /// Every request seen so far, in arrival order.
    pub fn seen(&self) -> Vec<Seen> {
        self.inner().seen.clone()
    }

    /// The most requests in flight at one instant.
    pub fn peak(&self) -> usize {
        self.inner().peak
    }

    /// The most requests in flight at once at `host`.
    pub fn peak_at(&self, host: &str) -> usize {
        self.inner().hosts.get(host).map_or(0, |(_, peak)| *peak)
    }

    /// Requests that arrived and have not ended.
    pub fn in_flight(&self) -> usize {
        self.inner().in_flight
    }
}
