//! What several tasks' scenarios share word for word.

use harness::contracts::PoolError;
use harness::timing::EXIT_GRACE;
use harness::{leak, Check, Ctx, Failure, Outcome};

/// What the call returned on `Ok`; on `Err`, a failure under `check` that expected `expected`
/// (say, "count_words returns Ok(counts)") and quotes the error.
pub fn returned<T>(check: Check, expected: &str, r: Result<T, PoolError>) -> Result<T, Failure> {
    r.map_err(|e| Failure::new(check, expected, format!("it returned Err({e:?}): {e}")))
}

/// The leak check: `run` runs the pool once through `call` and fails if the call did; then every
/// thread started since just before it must have exited within [`EXIT_GRACE`].
pub fn no_thread_outlives(
    ctx: &Ctx,
    call: &str,
    run: impl FnOnce() -> Result<(), Failure>,
) -> Outcome {
    let before = leak::Baseline::now();
    ctx.stage(format!("waiting for {call} to return"));
    run()?;
    ctx.stage("waiting for the pool's threads to exit");
    before.settled(EXIT_GRACE, Check::NoLeaks)?;
    Ok(())
}

pub use harness::watchdog::panic_message;
