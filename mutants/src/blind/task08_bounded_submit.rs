//! Blind mutants of Task 8, Bounded Submit (see `super`): written from the course, the contract
//! and the public types only, without having seen how the suite decides anything.
//!
//! One skeleton ([`Blind`]), correct but for the piece its [`Bug`] plants: a crossbeam jobs
//! channel of `jobs_buffer` behind a `Mutex<Option<Sender>>` (taken, so closed, by the first
//! `stop`), `workers` threads sharing the receiver, a results channel of `results_buffer`, and
//! `stop` joining the workers while it holds their handles' lock so a concurrent `stop` waits too.
//! Two bugs swap in a design of their own: an unbounded queue behind counters
//! ([`Bug::CounterCheckThenAct`]) and workers that poll a stop flag ([`Bug::DrainFlagRace`]).

use crate::Mutant;
use crossbeam_channel::{bounded, unbounded, Receiver, RecvTimeoutError, Sender, TrySendError};
use harness::contracts::task08_bounded_submit::{BoundedSubmit, Done, SubmitError, SubmitPool};
use harness::contracts::{PoolConfig, PoolError};
use harness::probe::Probe;
use harness::Check;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// The one planted defect of each blind mutant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bug {
    /// `submit` does a plain blocking `send` instead of `try_send`, so it waits for room instead
    /// of answering `PoolFull`. Blame: `requirement`.
    BlockingSendWhenFull,
    /// `submit` tries the send first and looks at the token only when the queue is full, so a
    /// cancelled token with room in the queue still gets its job accepted. Blame: `ctx_honored`.
    TokenCheckedOnlyWhenFull,
    /// `submit` answers `Stopped` before looking at the token, so a cancelled caller after `stop`
    /// gets `Stopped` instead of `Cancelled` (the contract's order). Blame: `ctx_honored`.
    StoppedBeforeCancelled,
    /// The jobs channel is `bounded(jobs_buffer.max(1))` ("a zero-capacity channel can't be
    /// try-sent to"), so with `jobs_buffer` 0 one job waits with no worker free. Blame:
    /// `buffer_size`.
    RendezvousMadeOne,
    /// The jobs channel holds `jobs_buffer + 1` jobs. Blame: `buffer_size`.
    QueueOneTooMany,
    /// The jobs channel holds `jobs_buffer - 1` jobs ("the worker's hand is a slot too"), so
    /// `PoolFull` comes one job early. Blame: `buffer_size`.
    QueueOneTooFew,
    /// An unbounded queue with a pending counter: `submit` reads the counter, then locks the
    /// sender and increments it, so two submits can both take the last slot and the queue holds
    /// more than `jobs_buffer`. Only some interleavings show it. Blame: `buffer_size`.
    CounterCheckThenAct,
    /// The results channel is unbounded, ignoring `results_buffer`. Blame: `buffer_size`.
    ResultsUnbounded,
    /// Workers check a `stopping` flag before each job and quit, so jobs still queued when `stop`
    /// is called are dropped. Blame: `graceful_shutdown`.
    StopDropsQueuedJobs,
    /// `stop` closes the jobs channel and returns without joining the workers (their handles are
    /// dropped: detached), so threads and jobs are still running after it returns. Blame:
    /// `no_leaks`.
    StopDoesNotJoin,
    /// `stop` takes the handles out of their lock and joins them outside it, so a second `stop`
    /// at the same time finds none and returns before the drain. Blame: `all_joined`.
    ConcurrentStopReturnsEarly,
    /// Detached workers with a hand-made wait group whose `add(1)` is the first line of the
    /// worker, so a `stop` before a worker got scheduled waits for nobody. Only some interleavings
    /// show it. Blame: `all_joined`.
    WaitGroupAddInsideWorker,
    /// `stop` does `take().expect(..)` on the jobs sender (Go's `close` twice), so a second `stop`
    /// panics. Blame: `close_once`.
    SecondStopPanics,
    /// A second `stop` waits on a condvar for the first one's signal without checking whether it
    /// already came, so a `stop` after the first has returned hangs forever. Blame:
    /// `graceful_shutdown`.
    SecondStopHangs,
    /// `submit` unwraps the jobs sender, which `stop` has taken, so a submit after `stop` panics
    /// instead of answering `Stopped`. Blame: `requirement`.
    SubmitAfterStopPanics,
    /// `submit` falls through to `Ok(())` when the sender is gone, so a job submitted after `stop`
    /// is accepted and never runs. Blame: `graceful_shutdown`.
    SubmitAfterStopAcceptedAndLost,
    /// Workers poll with `recv_timeout` and exit once the stop flag is set and the queue looks
    /// empty (the sender is never closed); `submit` checks the flag, then sends, so a submit racing
    /// `stop` can be accepted after the last worker left. Blame: `race_free`.
    DrainFlagRace,
    /// The pool keeps a clone of the results sender in its struct, so the results stream never
    /// ends after `stop`. Blame: `close_once`.
    ResultsSenderKeptAlive,
    /// The results iterator ends once `stop` was called and no result came for 10 ms, so a slow
    /// job still draining is cut off. Blame: `close_once`.
    ResultsEndBeforeDrain,
    /// Workers start `PoolConfig::num_cpu()` threads instead of `cfg.workers`. Blame: `pool_size`.
    WorkersFromCpuCount,
    /// The spawn loop is `0..=cfg.workers`: one worker too many. Blame: `pool_size`.
    OneWorkerTooMany,
    /// `start` never refuses zero workers: it returns a pool that accepts jobs and never runs
    /// them. Blame: `pool_size`.
    ZeroWorkersAccepted,
    /// Each job is keyed in the probe by the order it was submitted, not by its number. Blame:
    /// `requirement`.
    KeyedBySubmitIndex,
    /// Workers `try_send` their result ("never block, like submit") and drop it when the results
    /// channel is full. Blame: `requirement`.
    ResultsDroppedWhenFull,
    /// `try_submit` does a blocking `send`. Blame: `stretch`.
    TrySubmitBlocks,
    /// `blocking_submit` just calls the non-blocking path, so it answers `PoolFull`. Blame:
    /// `stretch`.
    BlockingSubmitReturnsFull,
    /// `blocking_submit` loops on the non-blocking path until it gets `Ok`, so after `stop` it
    /// spins forever. Blame: `stretch`.
    BlockingSubmitSpinsAfterStop,
    /// `blocking_submit` polls the non-blocking path and returns whatever is not `PoolFull`, so a
    /// call still waiting when `stop` is called gets `Stopped` instead of being taken. Blame:
    /// `stretch`.
    BlockingSubmitRefusedDuringStop,
    /// `blocking_submit` holds the jobs sender's lock while it waits for room, so every `submit`
    /// and `try_submit` on another thread blocks behind it. Blame: `stretch`.
    BlockingSubmitHoldsLock,
}

/// A learner's Task 8 solution, with one planted [`Bug`].
pub struct Blind(pub Bug);

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// A job in the queue: its number and the order it was accepted in.
struct Msg {
    n: i64,
    seq: i64,
}

/// What the workers and the pool share.
#[derive(Default)]
struct Shared {
    stopping: AtomicBool,
    /// Jobs in the queue, not yet taken ([`Bug::CounterCheckThenAct`]).
    pending: AtomicUsize,
    /// Workers waiting for a job ([`Bug::CounterCheckThenAct`]).
    idle: AtomicUsize,
    /// A hand-made wait group ([`Bug::WaitGroupAddInsideWorker`]).
    wg: Mutex<usize>,
    wg_cv: Condvar,
}

impl Shared {
    fn wg_add(&self) {
        *lock(&self.wg) += 1;
    }
    fn wg_done(&self) {
        let mut n = lock(&self.wg);
        *n -= 1;
        if *n == 0 {
            self.wg_cv.notify_all();
        }
    }
    fn wg_wait(&self) {
        let mut n = lock(&self.wg);
        while *n > 0 {
            n = self.wg_cv.wait(n).unwrap_or_else(|p| p.into_inner());
        }
    }
}

struct Pool {
    bug: Bug,
    jobs_buffer: usize,
    jobs: Mutex<Option<Sender<Msg>>>,
    /// Kept so a send into a pool whose workers left still "succeeds" ([`Bug::DrainFlagRace`]).
    _jobs_rx: Option<Receiver<Msg>>,
    results_rx: Mutex<Option<Receiver<Done>>>,
    /// Kept for [`Bug::ResultsSenderKeptAlive`].
    _results_tx: Option<Sender<Done>>,
    handles: Mutex<Vec<JoinHandle<()>>>,
    shared: Arc<Shared>,
    seq: AtomicI64,
    /// [`Bug::SecondStopHangs`]: whether a stop began, and the first one's "done" signal.
    stop_began: AtomicBool,
    stop_done: Mutex<bool>,
    stop_cv: Condvar,
}

impl BoundedSubmit for Blind {
    fn start(&self, cfg: PoolConfig, probe: Probe<i64>) -> Result<Box<dyn SubmitPool>, PoolError> {
        let bug = self.0;
        if cfg.workers == 0 && bug != Bug::ZeroWorkersAccepted {
            return Err(PoolError::ZeroWorkers);
        }
        let (jobs_tx, jobs_rx) = match bug {
            Bug::CounterCheckThenAct => unbounded(),
            Bug::RendezvousMadeOne => bounded(cfg.jobs_buffer.max(1)),
            Bug::QueueOneTooMany => bounded(cfg.jobs_buffer + 1),
            Bug::QueueOneTooFew => bounded(cfg.jobs_buffer.saturating_sub(1)),
            _ => bounded(cfg.jobs_buffer),
        };
        let (results_tx, results_rx) = match bug {
            Bug::ResultsUnbounded => unbounded(),
            _ => bounded(cfg.results_buffer),
        };
        let shared = Arc::new(Shared::default());
        let spawn = |_: usize| {
            let rx = jobs_rx.clone();
            let tx = results_tx.clone();
            let probe = probe.clone();
            let shared = Arc::clone(&shared);
            thread::spawn(move || worker(bug, rx, tx, probe, shared))
        };
        let handles: Vec<JoinHandle<()>> = match bug {
            Bug::WorkersFromCpuCount => (0..PoolConfig::num_cpu()).map(spawn).collect(),
            Bug::OneWorkerTooMany => (0..=cfg.workers).map(spawn).collect(),
            // Detached: the workers count themselves in.
            Bug::WaitGroupAddInsideWorker => {
                (0..cfg.workers).for_each(|i| drop(spawn(i)));
                Vec::new()
            }
            _ => (0..cfg.workers).map(spawn).collect(),
        };
        Ok(Box::new(Pool {
            bug,
            jobs_buffer: cfg.jobs_buffer,
            jobs: Mutex::new(Some(jobs_tx)),
            _jobs_rx: (bug == Bug::DrainFlagRace).then_some(jobs_rx),
            results_rx: Mutex::new(Some(results_rx)),
            _results_tx: (bug == Bug::ResultsSenderKeptAlive).then_some(results_tx),
            handles: Mutex::new(handles),
            shared,
            seq: AtomicI64::new(0),
            stop_began: AtomicBool::new(false),
            stop_done: Mutex::new(false),
            stop_cv: Condvar::new(),
        }))
    }
}

fn worker(
    bug: Bug,
    rx: Receiver<Msg>,
    results: Sender<Done>,
    probe: Probe<i64>,
    shared: Arc<Shared>,
) {
    if bug == Bug::WaitGroupAddInsideWorker {
        shared.wg_add();
    }
    loop {
        if bug == Bug::StopDropsQueuedJobs && shared.stopping.load(SeqCst) {
            break;
        }
        let msg = match bug {
            Bug::DrainFlagRace => loop {
                if shared.stopping.load(SeqCst) && rx.is_empty() {
                    break None;
                }
                match rx.recv_timeout(Duration::from_millis(5)) {
                    Ok(m) => break Some(m),
                    Err(RecvTimeoutError::Timeout) => continue,
                    Err(RecvTimeoutError::Disconnected) => break None,
                }
            },
            Bug::CounterCheckThenAct => {
                shared.idle.fetch_add(1, SeqCst);
                let m = rx.recv().ok();
                shared.idle.fetch_sub(1, SeqCst);
                if m.is_some() {
                    shared.pending.fetch_sub(1, SeqCst);
                }
                m
            }
            _ => rx.recv().ok(),
        };
        let Some(Msg { n, seq }) = msg else { break };
        let key = if bug == Bug::KeyedBySubmitIndex {
            seq
        } else {
            n
        };
        let square = probe.run(key, || n * n);
        let done = Done { job: n, square };
        if bug == Bug::ResultsDroppedWhenFull {
            let _ = results.try_send(done);
        } else {
            // The reader went away: nobody wants the result, but the job still ran.
            let _ = results.send(done);
        }
    }
    if bug == Bug::WaitGroupAddInsideWorker {
        shared.wg_done();
    }
}

impl Pool {
    fn msg(&self, n: i64) -> Msg {
        Msg {
            n,
            seq: self.seq.fetch_add(1, SeqCst),
        }
    }

    fn closed(&self) -> bool {
        match self.bug {
            Bug::DrainFlagRace => self.shared.stopping.load(SeqCst),
            _ => lock(&self.jobs).is_none(),
        }
    }

    /// Room in the counted queue: a rendezvous hands a job only to a waiting worker.
    fn room(&self) -> usize {
        match self.jobs_buffer {
            0 => self.shared.idle.load(SeqCst),
            n => n,
        }
    }

    /// The non-blocking offer behind `submit` and `try_submit`: `Stopped`, `PoolFull` or `Ok`.
    fn offer(&self, job: i64) -> Result<(), SubmitError> {
        if self.bug == Bug::CounterCheckThenAct {
            return self.offer_counted(job);
        }
        if self.bug == Bug::DrainFlagRace && self.shared.stopping.load(SeqCst) {
            return Err(SubmitError::Stopped);
        }
        let guard = lock(&self.jobs);
        let tx = match guard.as_ref() {
            Some(tx) => tx,
            None => match self.bug {
                Bug::SubmitAfterStopPanics => {
                    panic!("submit on a stopped pool: the jobs sender is gone")
                }
                Bug::SubmitAfterStopAcceptedAndLost => return Ok(()),
                _ => return Err(SubmitError::Stopped),
            },
        };
        if self.bug == Bug::BlockingSendWhenFull {
            return tx.send(self.msg(job)).map_err(|_| SubmitError::Stopped);
        }
        match tx.try_send(self.msg(job)) {
            Ok(()) => Ok(()),
            Err(TrySendError::Full(_)) => Err(SubmitError::PoolFull),
            Err(TrySendError::Disconnected(_)) => Err(SubmitError::Stopped),
        }
    }

    /// [`Bug::CounterCheckThenAct`]: the count is read, then the sender locked and the count
    /// bumped: two submits can both see the last slot free.
    fn offer_counted(&self, job: i64) -> Result<(), SubmitError> {
        if self.closed() {
            return Err(SubmitError::Stopped);
        }
        if self.shared.pending.load(SeqCst) >= self.room() {
            return Err(SubmitError::PoolFull);
        }
        let guard = lock(&self.jobs);
        let Some(tx) = guard.as_ref() else {
            return Err(SubmitError::Stopped);
        };
        self.shared.pending.fetch_add(1, SeqCst);
        tx.send(self.msg(job)).map_err(|_| SubmitError::Stopped)
    }

    /// A clone of the jobs sender, so a wait for room holds no lock; `None` once stopped.
    fn sender(&self) -> Option<Sender<Msg>> {
        if self.bug == Bug::DrainFlagRace && self.shared.stopping.load(SeqCst) {
            return None;
        }
        lock(&self.jobs).clone()
    }

    fn blocking(&self, job: i64) -> Result<(), SubmitError> {
        match self.bug {
            Bug::BlockingSubmitReturnsFull => self.offer(job),
            Bug::BlockingSubmitSpinsAfterStop => loop {
                if self.offer(job).is_ok() {
                    return Ok(());
                }
                thread::yield_now();
            },
            Bug::BlockingSubmitRefusedDuringStop => loop {
                match self.offer(job) {
                    Err(SubmitError::PoolFull) => thread::sleep(Duration::from_millis(1)),
                    other => return other,
                }
            },
            Bug::BlockingSubmitHoldsLock => {
                let guard = lock(&self.jobs);
                let Some(tx) = guard.as_ref() else {
                    return Err(SubmitError::Stopped);
                };
                tx.send(self.msg(job)).map_err(|_| SubmitError::Stopped)
            }
            Bug::CounterCheckThenAct => {
                let Some(tx) = self.sender() else {
                    return Err(SubmitError::Stopped);
                };
                while self.shared.pending.load(SeqCst) >= self.room() {
                    thread::sleep(Duration::from_millis(1));
                }
                self.shared.pending.fetch_add(1, SeqCst);
                tx.send(self.msg(job)).map_err(|_| SubmitError::Stopped)
            }
            _ => {
                let Some(tx) = self.sender() else {
                    return Err(SubmitError::Stopped);
                };
                tx.send(self.msg(job)).map_err(|_| SubmitError::Stopped)
            }
        }
    }

    fn join_all(&self) {
        let mut handles = lock(&self.handles);
        for h in handles.drain(..) {
            let _ = h.join();
        }
    }
}

impl SubmitPool for Pool {
    fn submit(&self, token: &CancellationToken, job: i64) -> Result<(), SubmitError> {
        match self.bug {
            Bug::StoppedBeforeCancelled => {
                if self.closed() {
                    return Err(SubmitError::Stopped);
                }
                if token.is_cancelled() {
                    return Err(SubmitError::Cancelled);
                }
                self.offer(job)
            }
            Bug::TokenCheckedOnlyWhenFull => match self.offer(job) {
                Err(SubmitError::PoolFull) if token.is_cancelled() => Err(SubmitError::Cancelled),
                other => other,
            },
            _ => {
                if token.is_cancelled() {
                    return Err(SubmitError::Cancelled);
                }
                self.offer(job)
            }
        }
    }

    fn results(&self) -> Box<dyn Iterator<Item = Done> + Send> {
        let Some(rx) = lock(&self.results_rx).take() else {
            return Box::new(std::iter::empty());
        };
        if self.bug == Bug::ResultsEndBeforeDrain {
            let shared = Arc::clone(&self.shared);
            return Box::new(std::iter::from_fn(move || loop {
                match rx.recv_timeout(Duration::from_millis(10)) {
                    Ok(done) => return Some(done),
                    Err(RecvTimeoutError::Timeout) if shared.stopping.load(SeqCst) => return None,
                    Err(RecvTimeoutError::Timeout) => continue,
                    Err(RecvTimeoutError::Disconnected) => return None,
                }
            }));
        }
        Box::new(rx.into_iter())
    }

    fn stop(&self) {
        self.shared.stopping.store(true, SeqCst);
        match self.bug {
            Bug::SecondStopHangs => {
                if self.stop_began.swap(true, SeqCst) {
                    // Someone else is stopping: wait for their signal.
                    let done = lock(&self.stop_done);
                    let _done = self.stop_cv.wait(done).unwrap_or_else(|p| p.into_inner());
                    return;
                }
                drop(lock(&self.jobs).take());
                self.join_all();
                *lock(&self.stop_done) = true;
                self.stop_cv.notify_all();
            }
            Bug::SecondStopPanics => {
                drop(
                    lock(&self.jobs)
                        .take()
                        .expect("stop: the jobs channel is already closed"),
                );
                self.join_all();
            }
            Bug::DrainFlagRace => self.join_all(),
            Bug::StopDoesNotJoin => {
                drop(lock(&self.jobs).take());
                lock(&self.handles).clear();
            }
            Bug::ConcurrentStopReturnsEarly => {
                drop(lock(&self.jobs).take());
                let handles = std::mem::take(&mut *lock(&self.handles));
                for h in handles {
                    let _ = h.join();
                }
            }
            Bug::WaitGroupAddInsideWorker => {
                drop(lock(&self.jobs).take());
                self.shared.wg_wait();
            }
            _ => {
                drop(lock(&self.jobs).take());
                self.join_all();
            }
        }
    }

    fn try_submit(&self, job: i64) -> Option<Result<(), SubmitError>> {
        if self.bug == Bug::TrySubmitBlocks {
            let Some(tx) = self.sender() else {
                return Some(Err(SubmitError::Stopped));
            };
            return Some(tx.send(self.msg(job)).map_err(|_| SubmitError::Stopped));
        }
        Some(self.offer(job))
    }

    fn blocking_submit(&self, job: i64) -> Option<Result<(), SubmitError>> {
        Some(self.blocking(job))
    }
}

pub fn mutants() -> Vec<Mutant> {
    vec![
        mutant!(
            task08,
            "task08_bounded_submit",
            "blind_blocking_send_when_full",
            Blind(Bug::BlockingSendWhenFull),
            Check::Requirement,
            "I used a plain send in submit, so when the queue is full it waits instead of saying the pool is full."
        ),
        mutant!(
            task08,
            "task08_bounded_submit",
            "blind_token_checked_only_when_full",
            Blind(Bug::TokenCheckedOnlyWhenFull),
            Check::CtxHonored,
            "I try the send first and only look at the token when the queue is full, so a cancelled caller still gets its job in."
        ),
        mutant!(
            task08,
            "task08_bounded_submit",
            "blind_stopped_before_cancelled",
            Blind(Bug::StoppedBeforeCancelled),
            Check::CtxHonored,
            "I check whether the pool is stopped before the token, so a cancelled caller after stop hears Stopped, not Cancelled."
        ),
        mutant!(
            task08,
            "task08_bounded_submit",
            "blind_rendezvous_made_one",
            Blind(Bug::RendezvousMadeOne),
            Check::BufferSize,
            "I gave the jobs channel at least one slot because try_send on a zero-capacity channel looked useless."
        ),
        mutant!(
            task08,
            "task08_bounded_submit",
            "blind_queue_one_too_many",
            Blind(Bug::QueueOneTooMany),
            Check::BufferSize,
            "I made the jobs channel jobs_buffer + 1 so a full buffer still had room for one more."
        ),
        mutant!(
            task08,
            "task08_bounded_submit",
            "blind_queue_one_too_few",
            Blind(Bug::QueueOneTooFew),
            Check::BufferSize,
            "I made the jobs channel jobs_buffer - 1 because I counted the job in a worker's hand as a slot."
        ),
        mutant!(
            task08,
            "task08_bounded_submit",
            "blind_counter_check_then_act",
            Blind(Bug::CounterCheckThenAct),
            Check::BufferSize,
            "I used an unbounded queue with a pending counter, read the counter and then bumped it under the sender's lock, so two submits can both take the last slot."
        ),
        mutant!(
            task08,
            "task08_bounded_submit",
            "blind_results_unbounded",
            Blind(Bug::ResultsUnbounded),
            Check::BufferSize,
            "I made the results channel unbounded so a worker never waits on a slow reader."
        ),
        mutant!(
            task08,
            "task08_bounded_submit",
            "blind_stop_drops_queued_jobs",
            Blind(Bug::StopDropsQueuedJobs),
            Check::GracefulShutdown,
            "I have the workers check a stopping flag before each job and quit, so jobs still queued at stop never run."
        ),
        mutant!(
            task08,
            "task08_bounded_submit",
            "blind_stop_does_not_join",
            Blind(Bug::StopDoesNotJoin),
            Check::AllJoined,
            "I close the jobs channel in stop and return, letting the workers finish on their own."
        ),
        mutant!(
            task08,
            "task08_bounded_submit",
            "blind_concurrent_stop_returns_early",
            Blind(Bug::ConcurrentStopReturnsEarly),
            Check::AllJoined,
            "I take the worker handles out of the mutex and join them outside it, so a second stop at the same time finds nothing to wait for."
        ),
        mutant!(
            task08,
            "task08_bounded_submit",
            "blind_wait_group_add_inside_worker",
            Blind(Bug::WaitGroupAddInsideWorker),
            Check::AllJoined,
            "I count each worker into my wait group from inside the worker, so a stop before it started waits for nobody."
        ),
        mutant!(
            task08,
            "task08_bounded_submit",
            "blind_second_stop_panics",
            Blind(Bug::SecondStopPanics),
            Check::CloseOnce,
            "I take the jobs sender with expect in stop, like close in Go, so stopping twice panics."
        ),
        mutant!(
            task08,
            "task08_bounded_submit",
            "blind_second_stop_hangs",
            Blind(Bug::SecondStopHangs),
            Check::CloseOnce,
            "I make a second stop wait on a condvar for the first one's signal without checking if it already came, so a later stop hangs."
        ),
        mutant!(
            task08,
            "task08_bounded_submit",
            "blind_submit_after_stop_panics",
            Blind(Bug::SubmitAfterStopPanics),
            Check::Requirement,
            "I assumed the jobs sender is always there, so a submit after stop panics instead of answering Stopped."
        ),
        mutant!(
            task08,
            "task08_bounded_submit",
            "blind_submit_after_stop_accepted_and_lost",
            Blind(Bug::SubmitAfterStopAcceptedAndLost),
            Check::GracefulShutdown,
            "I only send if the jobs sender is still there and return Ok otherwise, so a job submitted after stop is accepted and never runs."
        ),
        mutant!(
            task08,
            "task08_bounded_submit",
            "blind_drain_flag_race",
            Blind(Bug::DrainFlagRace),
            Check::Requirement,
            "I stop with a flag that workers poll, leaving once it is set and the queue is empty, and submit checks the flag before sending, so a submit racing stop can land after the last worker left."
        ),
        mutant!(
            task08,
            "task08_bounded_submit",
            "blind_results_sender_kept_alive",
            Blind(Bug::ResultsSenderKeptAlive),
            Check::CloseOnce,
            "I kept a copy of the results sender in the pool struct, so the results stream never ends after stop."
        ),
        mutant!(
            task08,
            "task08_bounded_submit",
            "blind_results_end_before_drain",
            Blind(Bug::ResultsEndBeforeDrain),
            Check::CloseOnce,
            "I end the results stream once stop was called and nothing came for 10 ms, which cuts off a slow job still draining."
        ),
        mutant!(
            task08,
            "task08_bounded_submit",
            "blind_workers_from_cpu_count",
            Blind(Bug::WorkersFromCpuCount),
            Check::PoolSize,
            "I start one worker per CPU instead of cfg.workers."
        ),
        mutant!(
            task08,
            "task08_bounded_submit",
            "blind_one_worker_too_many",
            Blind(Bug::OneWorkerTooMany),
            Check::PoolSize,
            "I spawn the workers in 0..=cfg.workers, one too many."
        ),
        mutant!(
            task08,
            "task08_bounded_submit",
            "blind_zero_workers_accepted",
            Blind(Bug::ZeroWorkersAccepted),
            Check::GracefulShutdown,
            "I never check for zero workers, so start returns a pool that takes jobs and never runs them."
        ),
        mutant!(
            task08,
            "task08_bounded_submit",
            "blind_keyed_by_submit_index",
            Blind(Bug::KeyedBySubmitIndex),
            Check::Requirement,
            "I number the jobs as they are accepted and key the probe by that number instead of the job itself."
        ),
        mutant!(
            task08,
            "task08_bounded_submit",
            "blind_results_dropped_when_full",
            Blind(Bug::ResultsDroppedWhenFull),
            Check::Requirement,
            "I send results with try_send so a worker never blocks, and a result is dropped when the results channel is full."
        ),
        mutant!(
            task08,
            "task08_bounded_submit",
            "blind_try_submit_blocks",
            Blind(Bug::TrySubmitBlocks),
            Check::Stretch,
            "I wrote try_submit with a plain send, so it waits when the queue is full."
        ),
        mutant!(
            task08,
            "task08_bounded_submit",
            "blind_blocking_submit_returns_full",
            Blind(Bug::BlockingSubmitReturnsFull),
            Check::Stretch,
            "I made blocking_submit call the same non-blocking path, so it answers PoolFull instead of waiting."
        ),
        mutant!(
            task08,
            "task08_bounded_submit",
            "blind_blocking_submit_spins_after_stop",
            Blind(Bug::BlockingSubmitSpinsAfterStop),
            Check::Stretch,
            "I made blocking_submit retry the non-blocking submit until it gets Ok, so after stop it spins forever."
        ),
        mutant!(
            task08,
            "task08_bounded_submit",
            "blind_blocking_submit_refused_during_stop",
            Blind(Bug::BlockingSubmitRefusedDuringStop),
            Check::Stretch,
            "I made blocking_submit poll the non-blocking submit while it says full, so a call still waiting when stop comes gets Stopped."
        ),
        mutant!(
            task08,
            "task08_bounded_submit",
            "blind_blocking_submit_holds_lock",
            Blind(Bug::BlockingSubmitHoldsLock),
            Check::Stretch,
            "I hold the jobs sender's lock while blocking_submit waits for room, so every other submit blocks behind it."
        ),
    ]
}

/// Blind mutants of this task dropped at triage, with the reason.
pub const DROPPED: &[super::Dropped] = &[];

/// Blind mutants of this task whose checklist item triage changed, with the reason.
pub const RELABELLED: &[super::Relabelled] = &[
    super::Relabelled {
        name: "task08_bounded_submit::blind_stop_does_not_join",
        was: Check::NoLeaks,
        why: "the threads left running ran jobs (workers never joined): all_joined, by the blame rules",
    },
    super::Relabelled {
        name: "task08_bounded_submit::blind_second_stop_hangs",
        was: Check::GracefulShutdown,
        why: "stop is the pool's close: one that cannot be called twice breaks \"closed exactly once\", as a second stop that panics does",
    },
    super::Relabelled {
        name: "task08_bounded_submit::blind_drain_flag_race",
        was: Check::RaceFree,
        why: "a race is blamed on what it breaks: an accepted job that never runs is a lost result, requirement (race_free is the loom model's)",
    },
    super::Relabelled {
        name: "task08_bounded_submit::blind_zero_workers_accepted",
        was: Check::PoolSize,
        why: "zero workers accepted is a refusal that did not happen: graceful_shutdown, as for every task",
    },
];

/// Blind mutants of this task whose catch is measured rather than required.
pub const UNCERTAIN: &[super::Uncertain] = &[super::Uncertain {
    name: "task08_bounded_submit::blind_drain_flag_race",
    why: "the job is lost only when a submit is preempted between its look at the stop flag and its send while the workers see the flag and leave: a window of a few instructions inside submit, where no harness boundary lies; the loom model of the reference catches this race in every run (ci/loom.sh), the perturbed submits_racing_stop only in some",
}];
