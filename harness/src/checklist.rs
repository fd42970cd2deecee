//! The seed's self-review checklist, one named item per line, plus the two items every task adds:
//! the task's own requirement and its stretch goal. Every assertion a scenario makes is filed
//! under one of these, so a failure tells a learner which line of the checklist they broke.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Check {
    /// The task's stated requirement: the answer is right (every square, every hash, every count).
    Requirement,
    /// The task's stretch goal.
    Stretch,
    /// Tokio tasks and OS threads return to their baseline once the pool is done.
    NoLeaks,
    /// The results stream ends exactly once, after the last result, and nothing arrives after it.
    CloseOnce,
    /// Every worker started is joined: the Rust face of `wg.Add` / `wg.Done`.
    AllJoined,
    /// Cancellation is observed by worker, producer and consumer within a stated bound.
    CtxHonored,
    /// Each error is logged, returned or aggregated; none is swallowed, none stops the pool.
    ErrorsHandled,
    /// Observed peak concurrency equals the configured pool size.
    PoolSize,
    /// Observed queue depth never exceeds the configured bound.
    BufferSize,
    /// Every accepted job completes or is reported; none is silently dropped, bad input included.
    GracefulShutdown,
    /// Model-checked with loom: no interleaving loses, repeats or strands a result.
    RaceFree,
}

impl Check {
    /// Every item, in the order reports show them.
    pub const ALL: [Check; 11] = [
        Check::Requirement,
        Check::Stretch,
        Check::NoLeaks,
        Check::CloseOnce,
        Check::AllJoined,
        Check::CtxHonored,
        Check::ErrorsHandled,
        Check::PoolSize,
        Check::BufferSize,
        Check::GracefulShutdown,
        Check::RaceFree,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Check::Requirement => "requirement",
            Check::Stretch => "stretch",
            Check::NoLeaks => "no_leaks",
            Check::CloseOnce => "close_once",
            Check::AllJoined => "all_joined",
            Check::CtxHonored => "ctx_honored",
            Check::ErrorsHandled => "errors_handled",
            Check::PoolSize => "pool_size",
            Check::BufferSize => "buffer_size",
            Check::GracefulShutdown => "graceful_shutdown",
            Check::RaceFree => "race_free",
        }
    }

    /// The checklist line in the seed's words, for a learner reading a failure cold.
    pub fn meaning(self) -> &'static str {
        match self {
            Check::Requirement => "the task's requirements hold",
            Check::Stretch => "the task's stretch goal holds",
            Check::NoLeaks => "no goroutine (thread or task) leaks",
            Check::CloseOnce => "channels closed exactly once",
            Check::AllJoined => "every wg.Add matched by wg.Done (every worker joined)",
            Check::CtxHonored => "ctx.Done() honoured in worker, producer and consumer",
            Check::ErrorsHandled => "errors handled (logged, embedded, or aggregated)",
            Check::PoolSize => "pool size as configured and justified",
            Check::BufferSize => "buffer sizes as configured and justified",
            Check::GracefulShutdown => "graceful shutdown completes without dropping work",
            Check::RaceFree => "passes the race detector (loom model check)",
        }
    }
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
