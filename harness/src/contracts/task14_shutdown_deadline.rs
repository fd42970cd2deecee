//! Task 14, Shutdown with Deadline: a pool whose `stop(deadline)` drains the jobs it accepted,
//! but, if the deadline fires first, cancels the jobs in flight, lets its workers exit and says
//! the shutdown timed out; stretch: how many jobs were cancelled mid-process.
//!
//! The deadline is a [`Signal`] the caller fires (Go's `ctx.Done()`), not a clock: the suite
//! fires it at the exact moment a scenario needs, and loom can fire it at every step of a drain.

use super::{PoolConfig, PoolError};
use crate::probe::Probe;
use crate::scenario::Task;
use crate::signal::Signal;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

pub const TASK: Task = Task {
    number: 14,
    slug: "shutdown_deadline",
    title: "Shutdown with Deadline",
};

/// A job's run that ended because the pool's cancel signal fired before its work was done.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cancelled;

/// `stop` ended the pool by cancelling: Go's `ErrShutdownTimeout`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShutdownTimeout;

impl std::fmt::Display for ShutdownTimeout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the shutdown deadline passed before the jobs drained; the rest were cancelled")
    }
}

impl std::error::Error for ShutdownTimeout {}

/// A submit after `stop` was called: the job was not taken and will not run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stopped;

/// One job, as the harness hands it over. [`Job::run`] does its work, watching the `cancel`
/// signal it is given, and records how it went, so the suite knows what every job did.
#[derive(Clone, Debug)]
pub struct Job {
    pub id: u64,
    work: Work,
    record: Arc<Record>,
}

#[derive(Clone, Debug)]
enum Work {
    /// Looks at `cancel` once, as a real job checks `ctx.Err()` before a step.
    Quick,
    /// Works until `done` fires, unless `cancel` fires first; then, cancelled, winds down until
    /// the second signal fires (at once when there is none).
    Until(Signal, Option<Signal>),
    /// Works until `done` fires, whatever `cancel` does: a step that cannot be interrupted.
    Uninterruptible(Signal),
}

#[derive(Debug, Default)]
struct Record {
    runs: AtomicUsize,
    completed: AtomicUsize,
    cancelled: AtomicUsize,
    outside: AtomicUsize,
    /// The cancel signal the last run was given.
    given: std::sync::Mutex<Option<Signal>>,
}

impl Job {
    /// A job done as soon as it runs, unless the pool's cancel has already fired.
    pub fn quick(id: u64) -> Self {
        Job {
            id,
            work: Work::Quick,
            record: Arc::default(),
        }
    }

    /// A job that works until `done` fires; if the pool's cancel fires first, it stops there.
    pub fn until(id: u64, done: &Signal) -> Self {
        Job {
            id,
            work: Work::Until(done.clone(), None),
            record: Arc::default(),
        }
    }

    /// [`Job::until`], but a cancelled run takes until `wound_down` fires to return, as a real
    /// job closes its files and connections: a pool's workers are still inside it meanwhile.
    pub fn until_winding_down(id: u64, done: &Signal, wound_down: &Signal) -> Self {
        Job {
            id,
            work: Work::Until(done.clone(), Some(wound_down.clone())),
            record: Arc::default(),
        }
    }

    /// A job that works until `done` fires and never looks at the cancel: its worker finishes
    /// it, cancel or not (a step that cannot be interrupted).
    pub fn uninterruptible(id: u64, done: &Signal) -> Self {
        Job {
            id,
            work: Work::Uninterruptible(done.clone()),
            record: Arc::default(),
        }
    }

    /// The job's work: `Ok(id)` once done, `Err(Cancelled)` if `cancel` fired first.
    pub fn run(&self, cancel: &Signal) -> Result<u64, Cancelled> {
        self.record.runs.fetch_add(1, Ordering::SeqCst);
        *self.record.given.lock().unwrap_or_else(|p| p.into_inner()) = Some(cancel.clone());
        if !crate::probe::in_bracket() {
            self.record.outside.fetch_add(1, Ordering::SeqCst);
        }
        let done = match &self.work {
            Work::Quick => !cancel.fired(),
            Work::Uninterruptible(done) => {
                done.wait();
                true
            }
            Work::Until(done, wind_down) => {
                let wake = Signal::new();
                for s in [done, cancel] {
                    let wake = wake.clone();
                    s.after_fire(move || wake.fire());
                }
                wake.wait();
                let done = done.fired();
                if let (false, Some(wound_down)) = (done, wind_down) {
                    wound_down.wait();
                }
                done
            }
        };
        let (count, out) = if done {
            (&self.record.completed, Ok(self.id))
        } else {
            (&self.record.cancelled, Err(Cancelled))
        };
        count.fetch_add(1, Ordering::SeqCst);
        out
    }

    /// Whether the cancel signal this job's run was given has fired: the pool has cancelled.
    pub fn cancel_fired(&self) -> bool {
        let given = self.record.given.lock().unwrap_or_else(|p| p.into_inner());
        given.as_ref().is_some_and(Signal::fired)
    }

    /// How often this job (or a clone) ran outside `probe.run`, where the contract forbids it.
    pub fn runs_outside_bracket(&self) -> usize {
        self.record.outside.load(Ordering::SeqCst)
    }

    /// How often this job (or a clone) ran, how often it completed, how often it was cancelled.
    pub fn runs(&self) -> (usize, usize, usize) {
        let r = &self.record;
        (
            r.runs.load(Ordering::SeqCst),
            r.completed.load(Ordering::SeqCst),
            r.cancelled.load(Ordering::SeqCst),
        )
    }
}

pub trait ShutdownDeadline: Sync {
    /// Starts a pool: `cfg.workers` threads, each taking one job at a time from a jobs queue of
    /// `cfg.jobs_buffer` (`sync_channel(cfg.jobs_buffer)`) and running it inside
    /// `probe.run(job.id, || job.run(&cancel))`, where `cancel` is the pool's own [`Signal`]
    /// (Go's internal context). Returns at once; refuses zero workers
    /// ([`PoolError::ZeroWorkers`]) before starting any thread.
    fn start(&self, cfg: PoolConfig, probe: Probe<u64>)
        -> Result<Box<dyn DeadlinePool>, PoolError>;
}

/// A started pool. Every method may be called from any thread.
pub trait DeadlinePool: Send + Sync {
    /// Queues `job`, waiting while the queue is full. `Err(Stopped)` once `stop` has been
    /// called (the job will not run); never panics. A submit already waiting on a full queue
    /// when `stop` is called lands (its job is accepted, and drained or cancelled with the
    /// rest) or, once the pool is cancelled and its workers gone, returns `Err(Stopped)`: it
    /// never waits forever.
    fn submit(&self, job: Job) -> Result<(), Stopped>;

    /// Stops the pool: closes the jobs queue (exactly once) and waits for the workers to run
    /// every accepted job and exit; returns `Ok(())` when every accepted job completed.
    ///
    /// If `deadline` fires before that (or has fired already), fires the pool's cancel signal:
    /// the jobs in flight end with `Err(Cancelled)`, no worker starts another job, and `stop`
    /// returns `Err(ShutdownTimeout)` once every worker has exited (never before). So `stop`
    /// answers `Ok` exactly when every accepted job completed, whenever the deadline fires.
    ///
    /// `stop` waits without polling: it sleeps until the drain ends or the deadline fires
    /// (Go's `select`), so the cancel follows the deadline at once, not on a timer's next tick.
    ///
    /// Idempotent: a later `stop` returns once the first is done, with its answer (its own
    /// deadline is not looked at), and never panics.
    fn stop(&self, deadline: &Signal) -> Result<(), ShutdownTimeout>;

    /// Stretch: how many jobs the pool's cancel stopped mid-process (their run returned
    /// `Err(Cancelled)`), over the pool's life. `None` when not attempted.
    fn cancelled_mid_process(&self) -> Option<usize> {
        None
    }
}
