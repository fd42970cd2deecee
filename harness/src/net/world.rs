//! What the upstream servers do, per host and path: the scripted world.

use std::collections::BTreeMap;
use std::time::Duration;

/// One response: its status, its body's length, and how long the server takes before sending
/// it; or no response at all ([`Reply::never`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    pub body: usize,
    pub latency: Duration,
    /// The server holds the request open and never answers.
    pub never: bool,
    /// What the body holds; `None`: `body` bytes of filler.
    pub content: Option<Vec<u8>>,
    /// The server closes the connection instead of answering: the client's GET breaks.
    pub reset: bool,
}

impl Reply {
    /// `status` with a body of `body` bytes, at once.
    pub fn status(status: u16, body: usize) -> Self {
        Reply {
            status,
            body,
            latency: Duration::ZERO,
            never: false,
            content: None,
            reset: false,
        }
    }

    /// `status` with `text` for its body, at once.
    pub fn text(status: u16, text: &str) -> Self {
        Reply::bytes(status, text.as_bytes())
    }

    /// `status` with `bytes` for its body (UTF-8 or not), at once.
    pub fn bytes(status: u16, bytes: &[u8]) -> Self {
        Reply {
            content: Some(bytes.to_vec()),
            ..Reply::status(status, bytes.len())
        }
    }

    /// The request is read, then the connection closed with no response: a reset.
    pub fn reset() -> Self {
        Reply {
            reset: true,
            ..Reply::ok(0)
        }
    }

    /// A 200 with a body of `body` bytes, at once.
    pub fn ok(body: usize) -> Self {
        Reply::status(200, body)
    }

    /// A request the server accepts and never answers.
    pub fn never() -> Self {
        Reply {
            never: true,
            ..Reply::ok(0)
        }
    }

    /// The same reply, sent `latency` after the request arrived.
    pub fn after(mut self, latency: Duration) -> Self {
        self.latency = latency;
        self
    }
}

/// A host: it answers on port 80 following its routes, or refuses every connection.
#[derive(Clone, Debug, Default)]
pub(crate) struct Host {
    /// Per path, the replies in turn: the n-th request to a path gets the n-th reply, and the
    /// last one from then on.
    pub(crate) routes: BTreeMap<String, Vec<Reply>>,
    /// The replies of every path with no route of its own (each path counted apart).
    pub(crate) otherwise: Option<Vec<Reply>>,
    pub(crate) refusing: bool,
}

/// The upstream servers of one scenario. A path with no route gets a 404 with an empty body.
///
/// ```
/// use harness::net::{Reply, World};
/// use std::time::Duration;
/// let world = World::new()
///     .route("api.test", "/a", [Reply::ok(1200).after(Duration::from_millis(300))])
///     .route("api.test", "/flaky", [Reply::status(500, 0), Reply::status(500, 0), Reply::ok(9)])
///     .refusing("down.test");
/// assert_eq!(world.hosts().len(), 2);
/// ```
#[derive(Clone, Debug, Default)]
pub struct World {
    pub(crate) hosts: BTreeMap<String, Host>,
}

impl World {
    pub fn new() -> Self {
        World::default()
    }

    /// Requests to `http://host/path` get `replies` in turn (the last one repeats).
    pub fn route(
        mut self,
        host: &str,
        path: &str,
        replies: impl IntoIterator<Item = Reply>,
    ) -> Self {
        let replies: Vec<Reply> = replies.into_iter().collect();
        assert!(!replies.is_empty(), "a route needs at least one reply");
        self.hosts
            .entry(host.to_owned())
            .or_default()
            .routes
            .insert(path.to_owned(), replies);
        self
    }

    /// Requests to any path of `host` with no route of its own get `replies` in turn, counted per
    /// path (a store that takes every upload).
    pub fn otherwise(mut self, host: &str, replies: impl IntoIterator<Item = Reply>) -> Self {
        let replies: Vec<Reply> = replies.into_iter().collect();
        assert!(
            !replies.is_empty(),
            "a host's default needs at least one reply"
        );
        self.hosts.entry(host.to_owned()).or_default().otherwise = Some(replies);
        self
    }

    /// `host` exists but refuses every connection (nothing listens on its port).
    pub fn refusing(mut self, host: &str) -> Self {
        self.hosts.entry(host.to_owned()).or_default().refusing = true;
        self
    }

    /// The hosts, by name.
    pub fn hosts(&self) -> Vec<&str> {
        self.hosts.keys().map(String::as_str).collect()
    }
}
