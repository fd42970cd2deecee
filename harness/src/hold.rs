//! Holding a pool still to look at it: every job waits at a gate while the scenario reads the
//! ledger, the one way to see a pool's true concurrency and queue depths without racing it.

use crate::ledger::{Ledger, Snapshot};
use crate::probe::Gate;
use crate::scenario::Ctx;
use crate::timing::{GET_GOING, HOLD_LAST, QUIET, WITHIN};

/// Runs `pool` on its own thread while the probe holds jobs at `gate` (see
/// [`crate::probe::Probe::gated`]). Once `running` jobs have started (or [`GET_GOING`] passed) and
/// the ledger has settled, takes a snapshot, opens the gate, and returns the snapshot with what
/// `pool` returned. The gate opens on every path, so a failing scenario strands no worker.
pub fn while_held<R: Send>(
    ctx: &Ctx,
    ledger: &Ledger,
    gate: &Gate,
    running: u64,
    pool: impl FnOnce() -> R + Send,
) -> (Snapshot, R) {
    std::thread::scope(|s| {
        let _open = gate.open_on_drop();
        let pool = s.spawn(pool);
        ctx.stage("holding every job at a gate until the pool fills up");
        ledger.wait_for(GET_GOING, |s| s.started >= running);
        let held = ledger.settle(QUIET, WITHIN);
        gate.open();
        ctx.stage("waiting for the pool to return after opening the gate");
        let returned = pool.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
        (held, returned)
    })
}

/// Runs `pool` on its own thread while the probe holds one job at `gate`, and says whether
/// `pool` returned while that job was still held: a pool that ends its results stream early (a
/// consumer that stops on a count, or on a quiet spell) does so within [`HOLD_LAST`] of every
/// other job settling. A correct pool never returns while a job runs, so it costs it the whole
/// window, and its verdict does not depend on the window's length.
pub fn returns_while_held<R: Send>(
    ctx: &Ctx,
    ledger: &Ledger,
    gate: &Gate,
    pool: impl FnOnce() -> R + Send,
) -> (bool, Snapshot, R) {
    std::thread::scope(|s| {
        let _open = gate.open_on_drop();
        let pool = s.spawn(pool);
        ctx.stage("holding one job at a gate while everything else finishes");
        let held = ledger.settle(QUIET, WITHIN);
        let _waiting = ctx.deliberately();
        let deadline = std::time::Instant::now() + HOLD_LAST; // real time: see above
        loop {
            let late = std::time::Instant::now() >= deadline; // real time: the window's end
            if pool.is_finished() || late {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(2)); // real time: polling the window
        }
        let early = pool.is_finished();
        drop(_waiting);
        gate.open();
        ctx.stage("waiting for the pool to return after releasing the held job");
        let returned = pool.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
        (early, held, returned)
    })
}
