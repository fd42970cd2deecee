//! Counts the tokio tasks a solution leaves alive when its call returns: the async half of
//! `no_leaks` (threads are [`crate::leak`]'s).
//!
//! The runtime's metrics count tasks started with `tokio::spawn`, but not those started with
//! `spawn_local` (they live in a `LocalSet`, which turmoil's hosts run on). So the call runs in a
//! `LocalSet` of its own: after it returns, that set still holding a task that will not end at
//! once is a task left behind, whichever way it was started.

use std::future::Future;
use std::time::Duration;
use tokio::task::LocalSet;

/// Runs `call` and counts the tasks it started that are still alive when it returns: those on
/// the runtime exactly, and one more if any started with `spawn_local` is (a set of them counts
/// as one).
pub async fn alive_after<F: Future>(call: F) -> (F::Output, usize) {
    let alive = || {
        tokio::runtime::Handle::current()
            .metrics()
            .num_alive_tasks()
    };
    let before = alive();
    let local = LocalSet::new();
    let out = local.run_until(call).await;
    let spawned = alive().saturating_sub(before);
    // One poll of the set: it is ready only when every task on it has ended. A task aborted on
    // the way out (and not awaited) ends at this poll; a task still running does not.
    let local_alive = tokio::time::timeout(Duration::ZERO, local).await.is_err();
    (out, spawned + usize::from(local_alive))
}
