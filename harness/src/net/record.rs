//! What the servers saw: the record a solution cannot fake.

use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One request as the server saw it, on the world's clock (time since the world began).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seen {
    pub host: String,
    pub path: String,
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
}

/// Every request the world's servers saw, and the most in flight at once.
#[derive(Clone, Default)]
pub struct Record(Arc<Mutex<Inner>>);

impl Record {
    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A request arrived; returns its index for [`Record::end`].
    pub(crate) fn start(&self, host: &str, path: &str, at: Duration) -> usize {
        let mut r = self.inner();
        r.in_flight += 1;
        r.peak = r.peak.max(r.in_flight);
        r.seen.push(Seen {
            host: host.to_owned(),
            path: path.to_owned(),
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

    /// Requests that arrived and have not ended.
    pub fn in_flight(&self) -> usize {
        self.inner().in_flight
    }
}
