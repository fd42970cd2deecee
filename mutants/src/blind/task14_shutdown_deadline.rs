//! Blind mutants of Task 14, Shutdown with Deadline (see `super`): written from the course, the
//! contract and the public types only, without having seen how the suite decides anything.
//!
//! One pool, written the way the course's hint reads (close the jobs queue, race the drain
//! against the deadline, fire the pool's own cancel if the deadline wins), with a [`Bug`] switch:
//! each mutant plants exactly one defect in it, and is otherwise that pool.

use crate::{chan, Mutant, Tx};
use harness::contracts::task14_shutdown_deadline::{
    Cancelled, DeadlinePool, Job, ShutdownDeadline, ShutdownTimeout, Stopped,
};
use harness::contracts::{PoolConfig, PoolError};
use harness::probe::Probe;
use harness::signal::Signal;
use harness::Check;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering::SeqCst};
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// The one defect a mutant plants; each names the checklist item a good suite should blame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Bug {
    /// Stop joins the workers first and only then looks at the deadline, so a deadline that fires
    /// during the drain cancels nothing (`ctx_honored`).
    DeadlineAfterDrain,
    /// Stop looks at the deadline once, when it is called, and never again (`ctx_honored`).
    DeadlineCheckedOnce,
    /// Stop checks the deadline before joining each worker, so it reacts only when some worker
    /// happens to exit (`ctx_honored`).
    DeadlineBetweenJoins,
    /// Stop polls the deadline every 100 ms instead of reacting when it fires (`ctx_honored`).
    DeadlinePolledSlowly,
    /// Each job runs with a fresh `Signal` of its own, so the pool's cancel never reaches the
    /// jobs in flight (`ctx_honored`).
    FreshCancelPerJob,
    /// Workers never check the cancel before taking the next job: after the deadline they start
    /// every queued job (which then ends cancelled) (`ctx_honored`).
    QueuedStartedAfterCancel,
    /// Only the worker whose job was cancelled quits; idle workers go on taking queued jobs after
    /// the cancel (`ctx_honored`).
    IdleWorkersKeepDraining,
    /// Submit holds the pool's lock while it waits on a full queue, so stop cannot even start
    /// watching the deadline (`ctx_honored`).
    SubmitHoldsLock,
    /// The pool keeps its own handle on the jobs receiver, so after a timeout a submitter blocked
    /// on the full queue is never released and stop waits for it forever (`ctx_honored`).
    PoolKeepsReceiver,
    /// Stop fires the pool's cancel as soon as it closes the queue, before any draining
    /// (`graceful_shutdown`).
    CancelAtStop,
    /// Stop decides its answer by whether any job was cancelled mid-process, so queued jobs that
    /// never ran after the deadline are not reported (`graceful_shutdown`).
    OutcomeIgnoresQueued,
    /// Workers quit as soon as the stopped flag is set, dropping the jobs still queued during a
    /// normal drain (`graceful_shutdown`).
    StopFlagEndsDrain,
    /// Stop sends one terminate message per worker instead of closing the queue, so a submit
    /// during the drain is accepted behind them and never runs (`graceful_shutdown`).
    TerminateMessages,
    /// On the deadline stop fires the cancel and returns at once, while the workers are still
    /// finishing their cancelled jobs (`all_joined`).
    ReturnBeforeJoinOnTimeout,
    /// Stop answers `Ok` even when the deadline cancelled jobs (`errors_handled`).
    OkOnTimeout,
    /// A submit after stop returns `Ok` and quietly throws the job away (`errors_handled`).
    SubmitAfterStopOk,
    /// Stop answers by whether the deadline has fired, not by whether every job completed
    /// (`requirement`).
    ErrIfDeadlineFired,
    /// A second stop returns `Ok` at once instead of waiting for the first one's answer
    /// (`requirement`).
    SecondStopReturnsEarly,
    /// The job runs before `probe.run`, which only wraps its result (`requirement`).
    WorkOutsideProbe,
    /// The probe is keyed by a job counter numbered from 1, not by `job.id` (`requirement`).
    KeyedBySequence,
    /// Workers use `try_recv` and quit as soon as the queue is momentarily empty
    /// (`requirement`).
    WorkersQuitWhenIdle,
    /// A second stop closes the queue again and panics (`close_once`).
    SecondStopPanics,
    /// A submit after stop unwraps the closed queue's sender and panics (`close_once`).
    SubmitAfterStopPanics,
    /// Submit checks a stopped flag, then unwraps the sender under the lock: a stop between the
    /// two makes it panic (`race_free`).
    SubmitFlagThenUnwrap,
    /// The completed counter is bumped with a load and a store, so two workers finishing at
    /// once lose a count and stop answers a timeout (`race_free`).
    CompletedNotAtomic,
    /// Stop checks the deadline then waits on a condvar the deadline's callback notifies without
    /// the lock: a deadline firing between the two is lost (`race_free`).
    LostWakeup,
    /// The metric also counts queued jobs skipped after the cancel (`stretch`).
    MetricCountsQueued,
    /// The metric publishes what `fetch_add` returned, the count before this job (`stretch`).
    MetricOffByOne,
    /// Each worker tallies cancelled jobs locally and adds them up only when the queue closes,
    /// which a worker leaving on cancel never reaches (`stretch`).
    MetricNotFlushedOnCancel,
    /// The metric is the number of busy workers when the deadline fired, not the jobs that ended
    /// cancelled (`stretch`).
    MetricBusyAtCancel,
    /// The pool has one worker per CPU, not `cfg.workers` (`pool_size`).
    WorkersFromCpus,
    /// Zero workers are accepted instead of refused (`pool_size`).
    ZeroWorkersAccepted,
    /// The jobs queue is an unbounded `channel()` (`buffer_size`).
    UnboundedQueue,
    /// The jobs queue is sized by `cfg.workers`, not `cfg.jobs_buffer` (`buffer_size`).
    BufferFromWorkers,
    /// A jobs buffer of 0 is bumped to 1 (`buffer_size`).
    ZeroBufferBumped,
    /// Stop waits on the deadline in a watcher thread that never ends if the deadline never
    /// fires (`no_leaks`).
    WatcherThreadLeak,
}

/// A solution to task 14 with one planted [`Bug`].
struct Deadlined(Bug);

impl ShutdownDeadline for Deadlined {
    fn start(
        &self,
        cfg: PoolConfig,
        probe: Probe<u64>,
    ) -> Result<Box<dyn DeadlinePool>, PoolError> {
        Ok(Box::new(Pool::start(self.0, cfg, probe)?))
    }
}

enum Msg {
    Job(Job),
    /// Only the terminate-message pool sends these.
    Terminate,
}

type Queue = Arc<Mutex<Receiver<Msg>>>;

struct State {
    /// The jobs queue's sender: `None` once stop has closed it.
    tx: Option<Tx<Msg>>,
    /// Submits holding a clone of the sender, maybe blocked on a full queue.
    submitting: usize,
    stopping: bool,
    outcome: Option<Result<(), ShutdownTimeout>>,
    handles: Vec<JoinHandle<()>>,
    exited: usize,
}

struct Shared {
    bug: Bug,
    workers: usize,
    /// The pool's own cancel: Go's internal context.
    cancel: Signal,
    state: Mutex<State>,
    changed: Condvar,
    stopped: AtomicBool,
    accepted: AtomicUsize,
    completed: AtomicUsize,
    mid: AtomicUsize,
    mid_published: AtomicUsize,
    busy: AtomicUsize,
    next_key: AtomicU64,
    /// Held by the pool too (the keep-the-receiver pool only).
    _queue: Option<Queue>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn wait<'a>(&self, st: MutexGuard<'a, State>) -> MutexGuard<'a, State> {
        self.changed.wait(st).unwrap_or_else(|p| p.into_inner())
    }

    fn work(&self, rx: &Mutex<Receiver<Msg>>, probe: &Probe<u64>) {
        let bug = self.bug;
        let stops_on_cancel = !matches!(
            bug,
            Bug::QueuedStartedAfterCancel | Bug::IdleWorkersKeepDraining | Bug::MetricCountsQueued
        );
        let mut tally = 0;
        let mut queue_closed = false;
        loop {
            if stops_on_cancel && self.cancel.fired() {
                break;
            }
            if bug == Bug::StopFlagEndsDrain && self.stopped.load(SeqCst) {
                break;
            }
            let msg = {
                let rx = rx.lock().unwrap_or_else(|p| p.into_inner());
                if bug == Bug::WorkersQuitWhenIdle {
                    rx.try_recv().ok()
                } else {
                    rx.recv().ok()
                }
            };
            let job = match msg {
                Some(Msg::Job(job)) => job,
                Some(Msg::Terminate) | None => {
                    queue_closed = true;
                    break;
                }
            };
            if self.cancel.fired() {
                if bug == Bug::MetricCountsQueued {
                    self.mid.fetch_add(1, SeqCst);
                    continue;
                }
                if stops_on_cancel {
                    break;
                }
            }
            let key = if bug == Bug::KeyedBySequence {
                self.next_key.fetch_add(1, SeqCst) + 1
            } else {
                job.id
            };
            let own = Signal::new();
            let cancel = if bug == Bug::FreshCancelPerJob {
                &own
            } else {
                &self.cancel
            };
            self.busy.fetch_add(1, SeqCst);
            let result = if bug == Bug::WorkOutsideProbe {
                let result = job.run(cancel);
                probe.run(key, || result)
            } else {
                probe.run(key, || job.run(cancel))
            };
            self.busy.fetch_sub(1, SeqCst);
            match result {
                Ok(_) if bug == Bug::CompletedNotAtomic => {
                    let n = self.completed.load(SeqCst);
                    self.completed.store(n + 1, SeqCst);
                }
                Ok(_) => {
                    self.completed.fetch_add(1, SeqCst);
                }
                Err(Cancelled) => {
                    match bug {
                        Bug::MetricNotFlushedOnCancel => tally += 1,
                        Bug::MetricOffByOne => {
                            let before = self.mid.fetch_add(1, SeqCst);
                            self.mid_published.store(before, SeqCst);
                        }
                        Bug::MetricBusyAtCancel => {}
                        _ => {
                            self.mid.fetch_add(1, SeqCst);
                        }
                    }
                    if bug == Bug::IdleWorkersKeepDraining {
                        break;
                    }
                }
            }
        }
        if bug == Bug::MetricNotFlushedOnCancel && queue_closed {
            self.mid.fetch_add(tally, SeqCst);
        }
        let mut st = self.lock();
        st.exited += 1;
        self.changed.notify_all();
    }

    /// Records the first stop's answer for any later stop.
    fn answer(&self, outcome: Result<(), ShutdownTimeout>) -> Result<(), ShutdownTimeout> {
        self.lock().outcome = Some(outcome);
        self.changed.notify_all();
        outcome
    }
}

fn join_all(handles: Vec<JoinHandle<()>>) {
    for h in handles {
        let _ = h.join();
    }
}

struct Pool(Arc<Shared>);

impl Pool {
    fn start(bug: Bug, cfg: PoolConfig, probe: Probe<u64>) -> Result<Pool, PoolError> {
        if cfg.workers == 0 && bug != Bug::ZeroWorkersAccepted {
            return Err(PoolError::ZeroWorkers);
        }
        let workers = if bug == Bug::WorkersFromCpus {
            PoolConfig::num_cpu()
        } else {
            cfg.workers
        };
        let buffer = match bug {
            Bug::BufferFromWorkers => cfg.workers,
            Bug::ZeroBufferBumped => cfg.jobs_buffer.max(1),
            _ => cfg.jobs_buffer,
        };
        let (tx, rx) = chan(bug == Bug::UnboundedQueue, buffer);
        let rx: Queue = Arc::new(Mutex::new(rx));
        let shared = Arc::new(Shared {
            bug,
            workers,
            cancel: Signal::new(),
            state: Mutex::new(State {
                tx: Some(tx),
                submitting: 0,
                stopping: false,
                outcome: None,
                handles: Vec::new(),
                exited: 0,
            }),
            changed: Condvar::new(),
            stopped: AtomicBool::new(false),
            accepted: AtomicUsize::new(0),
            completed: AtomicUsize::new(0),
            mid: AtomicUsize::new(0),
            mid_published: AtomicUsize::new(0),
            busy: AtomicUsize::new(0),
            next_key: AtomicU64::new(0),
            _queue: (bug == Bug::PoolKeepsReceiver).then(|| Arc::clone(&rx)),
        });
        let handles: Vec<JoinHandle<()>> = (0..workers)
            .map(|_| {
                let (s, rx, probe) = (Arc::clone(&shared), Arc::clone(&rx), probe.clone());
                thread::spawn(move || s.work(&rx, &probe))
            })
            .collect();
        shared.lock().handles = handles;
        Ok(Pool(shared))
    }
}

impl DeadlinePool for Pool {
    fn submit(&self, job: Job) -> Result<(), Stopped> {
        let s = &*self.0;
        match s.bug {
            Bug::SubmitHoldsLock => {
                let st = s.lock();
                let Some(tx) = &st.tx else {
                    return Err(Stopped);
                };
                s.accepted.fetch_add(1, SeqCst);
                if tx.send(Msg::Job(job)) {
                    return Ok(());
                }
                s.accepted.fetch_sub(1, SeqCst);
                return Err(Stopped);
            }
            Bug::SubmitFlagThenUnwrap if s.stopped.load(SeqCst) => return Err(Stopped),
            _ => {}
        }
        let tx = {
            let mut st = s.lock();
            let tx = match s.bug {
                Bug::SubmitAfterStopPanics | Bug::SubmitFlagThenUnwrap => {
                    st.tx.clone().expect("the jobs queue is open until stop")
                }
                Bug::SubmitAfterStopOk => match &st.tx {
                    Some(tx) => tx.clone(),
                    None => return Ok(()),
                },
                _ => match &st.tx {
                    Some(tx) => tx.clone(),
                    None => return Err(Stopped),
                },
            };
            st.submitting += 1;
            tx
        };
        // Counted before the send, so a stop that sees the job in the queue also counts it.
        s.accepted.fetch_add(1, SeqCst);
        let sent = tx.send(Msg::Job(job));
        drop(tx);
        if !sent {
            s.accepted.fetch_sub(1, SeqCst);
        }
        let mut st = s.lock();
        st.submitting -= 1;
        s.changed.notify_all();
        drop(st);
        if sent {
            Ok(())
        } else {
            Err(Stopped)
        }
    }

    fn stop(&self, deadline: &Signal) -> Result<(), ShutdownTimeout> {
        let s = &self.0;
        let bug = s.bug;
        s.stopped.store(true, SeqCst);
        let handles = {
            let mut st = s.lock();
            if st.stopping {
                match bug {
                    Bug::SecondStopReturnsEarly => return Ok(()),
                    Bug::SecondStopPanics => {}
                    _ => {
                        while st.outcome.is_none() {
                            st = s.wait(st);
                        }
                        return st.outcome.unwrap_or(Err(ShutdownTimeout));
                    }
                }
            }
            st.stopping = true;
            match bug {
                // The workers are told to stop with messages below.
                Bug::TerminateMessages => {}
                Bug::SecondStopPanics => drop(st.tx.take().expect("close the jobs queue")),
                _ => st.tx = None,
            }
            std::mem::take(&mut st.handles)
        };

        // The deadline fires the pool's cancel.
        let cancel = s.cancel.clone();
        match bug {
            // These watch the deadline their own way, below.
            Bug::DeadlineAfterDrain
            | Bug::DeadlineCheckedOnce
            | Bug::DeadlineBetweenJoins
            | Bug::DeadlinePolledSlowly
            | Bug::LostWakeup
            | Bug::ReturnBeforeJoinOnTimeout => {}
            Bug::WatcherThreadLeak => {
                let deadline = deadline.clone();
                thread::spawn(move || {
                    deadline.wait();
                    cancel.fire();
                });
            }
            Bug::MetricBusyAtCancel => {
                let s2 = Arc::clone(s);
                deadline.after_fire(move || {
                    s2.mid.store(s2.busy.load(SeqCst), SeqCst);
                    s2.cancel.fire();
                });
            }
            _ => deadline.after_fire(move || cancel.fire()),
        }
        if bug == Bug::CancelAtStop {
            s.cancel.fire();
        }
        if bug == Bug::TerminateMessages {
            let tx = s.lock().tx.clone();
            if let Some(tx) = tx {
                for _ in 0..s.workers {
                    if !tx.send(Msg::Terminate) {
                        break;
                    }
                }
            }
        }

        // Wait for the workers.
        match bug {
            Bug::DeadlineCheckedOnce => {
                if deadline.fired() {
                    s.cancel.fire();
                }
                join_all(handles);
            }
            Bug::DeadlineAfterDrain => {
                join_all(handles);
                if deadline.fired() {
                    s.cancel.fire();
                }
            }
            Bug::DeadlineBetweenJoins => {
                for h in handles {
                    if deadline.fired() {
                        s.cancel.fire();
                    }
                    let _ = h.join();
                }
            }
            Bug::DeadlinePolledSlowly => {
                while s.lock().exited < s.workers {
                    if deadline.fired() {
                        s.cancel.fire();
                    }
                    thread::sleep(Duration::from_millis(100));
                }
                join_all(handles);
            }
            Bug::LostWakeup => {
                let s2 = Arc::clone(s);
                deadline.after_fire(move || s2.changed.notify_all());
                let mut st = s.lock();
                while st.exited < s.workers {
                    if deadline.fired() {
                        s.cancel.fire();
                    }
                    st = s.wait(st);
                }
                drop(st);
                join_all(handles);
            }
            Bug::ReturnBeforeJoinOnTimeout => {
                let done = Signal::new();
                let joined = done.clone();
                thread::spawn(move || {
                    join_all(handles);
                    joined.fire();
                });
                let wake = Signal::new();
                for sig in [&done, deadline] {
                    let wake = wake.clone();
                    sig.after_fire(move || wake.fire());
                }
                wake.wait();
                if !done.fired() {
                    s.cancel.fire();
                    return s.answer(Err(ShutdownTimeout));
                }
            }
            _ => join_all(handles),
        }

        // Submits still blocked on the queue fail now that the workers are gone.
        let mut st = s.lock();
        while st.submitting > 0 {
            st = s.wait(st);
        }
        drop(st);
        let all_done = s.completed.load(SeqCst) == s.accepted.load(SeqCst);
        let outcome = match bug {
            Bug::OkOnTimeout => Ok(()),
            Bug::ErrIfDeadlineFired if deadline.fired() => Err(ShutdownTimeout),
            Bug::ErrIfDeadlineFired => Ok(()),
            Bug::OutcomeIgnoresQueued if s.mid.load(SeqCst) > 0 => Err(ShutdownTimeout),
            Bug::OutcomeIgnoresQueued => Ok(()),
            _ if all_done => Ok(()),
            _ => Err(ShutdownTimeout),
        };
        s.answer(outcome)
    }

    fn cancelled_mid_process(&self) -> Option<usize> {
        let s = &self.0;
        Some(if s.bug == Bug::MetricOffByOne {
            s.mid_published.load(SeqCst)
        } else {
            s.mid.load(SeqCst)
        })
    }
}

impl Drop for Pool {
    /// A pool dropped without `stop` closes its queue and cancels what it holds, so its workers
    /// end on their own.
    fn drop(&mut self) {
        let s = &self.0;
        {
            let mut st = s.lock();
            if st.stopping {
                return;
            }
            st.stopping = true;
            st.tx = None;
        }
        s.cancel.fire();
    }
}

static DEADLINE_AFTER_DRAIN: Deadlined = Deadlined(Bug::DeadlineAfterDrain);
static DEADLINE_CHECKED_ONCE: Deadlined = Deadlined(Bug::DeadlineCheckedOnce);
static DEADLINE_BETWEEN_JOINS: Deadlined = Deadlined(Bug::DeadlineBetweenJoins);
static DEADLINE_POLLED_SLOWLY: Deadlined = Deadlined(Bug::DeadlinePolledSlowly);
static FRESH_CANCEL_PER_JOB: Deadlined = Deadlined(Bug::FreshCancelPerJob);
static QUEUED_STARTED_AFTER_CANCEL: Deadlined = Deadlined(Bug::QueuedStartedAfterCancel);
static IDLE_WORKERS_KEEP_DRAINING: Deadlined = Deadlined(Bug::IdleWorkersKeepDraining);
static SUBMIT_HOLDS_LOCK: Deadlined = Deadlined(Bug::SubmitHoldsLock);
static POOL_KEEPS_RECEIVER: Deadlined = Deadlined(Bug::PoolKeepsReceiver);
static CANCEL_AT_STOP: Deadlined = Deadlined(Bug::CancelAtStop);
static OUTCOME_IGNORES_QUEUED: Deadlined = Deadlined(Bug::OutcomeIgnoresQueued);
static STOP_FLAG_ENDS_DRAIN: Deadlined = Deadlined(Bug::StopFlagEndsDrain);
static TERMINATE_MESSAGES: Deadlined = Deadlined(Bug::TerminateMessages);
static RETURN_BEFORE_JOIN_ON_TIMEOUT: Deadlined = Deadlined(Bug::ReturnBeforeJoinOnTimeout);
static OK_ON_TIMEOUT: Deadlined = Deadlined(Bug::OkOnTimeout);
static SUBMIT_AFTER_STOP_OK: Deadlined = Deadlined(Bug::SubmitAfterStopOk);
static ERR_IF_DEADLINE_FIRED: Deadlined = Deadlined(Bug::ErrIfDeadlineFired);
static SECOND_STOP_RETURNS_EARLY: Deadlined = Deadlined(Bug::SecondStopReturnsEarly);
static WORK_OUTSIDE_PROBE: Deadlined = Deadlined(Bug::WorkOutsideProbe);
static KEYED_BY_SEQUENCE: Deadlined = Deadlined(Bug::KeyedBySequence);
static WORKERS_QUIT_WHEN_IDLE: Deadlined = Deadlined(Bug::WorkersQuitWhenIdle);
static SECOND_STOP_PANICS: Deadlined = Deadlined(Bug::SecondStopPanics);
static SUBMIT_AFTER_STOP_PANICS: Deadlined = Deadlined(Bug::SubmitAfterStopPanics);
static SUBMIT_FLAG_THEN_UNWRAP: Deadlined = Deadlined(Bug::SubmitFlagThenUnwrap);
static COMPLETED_NOT_ATOMIC: Deadlined = Deadlined(Bug::CompletedNotAtomic);
static LOST_WAKEUP: Deadlined = Deadlined(Bug::LostWakeup);
static METRIC_COUNTS_QUEUED: Deadlined = Deadlined(Bug::MetricCountsQueued);
static METRIC_OFF_BY_ONE: Deadlined = Deadlined(Bug::MetricOffByOne);
static METRIC_NOT_FLUSHED_ON_CANCEL: Deadlined = Deadlined(Bug::MetricNotFlushedOnCancel);
static METRIC_BUSY_AT_CANCEL: Deadlined = Deadlined(Bug::MetricBusyAtCancel);
static WORKERS_FROM_CPUS: Deadlined = Deadlined(Bug::WorkersFromCpus);
static ZERO_WORKERS_ACCEPTED: Deadlined = Deadlined(Bug::ZeroWorkersAccepted);
static UNBOUNDED_QUEUE: Deadlined = Deadlined(Bug::UnboundedQueue);
static BUFFER_FROM_WORKERS: Deadlined = Deadlined(Bug::BufferFromWorkers);
static ZERO_BUFFER_BUMPED: Deadlined = Deadlined(Bug::ZeroBufferBumped);
static WATCHER_THREAD_LEAK: Deadlined = Deadlined(Bug::WatcherThreadLeak);

/// Every blind mutant of this task.
pub fn mutants() -> Vec<Mutant> {
    vec![
        mutant!(
            task14,
            "task14_shutdown_deadline",
            "blind_deadline_after_drain",
            DEADLINE_AFTER_DRAIN,
            Check::CtxHonored,
            "I joined the workers first and only then looked at the deadline, so a deadline during the drain cancelled nothing"
        ),
        mutant!(
            task14,
            "task14_shutdown_deadline",
            "blind_deadline_checked_once",
            DEADLINE_CHECKED_ONCE,
            Check::CtxHonored,
            "I looked at the deadline once when stop was called and never again while the workers drained"
        ),
        mutant!(
            task14,
            "task14_shutdown_deadline",
            "blind_deadline_between_joins",
            DEADLINE_BETWEEN_JOINS,
            Check::CtxHonored,
            "I checked the deadline before joining each worker, so I only noticed it when some worker happened to exit"
        ),
        mutant!(
            task14,
            "task14_shutdown_deadline",
            "blind_deadline_polled_slowly",
            DEADLINE_POLLED_SLOWLY,
            Check::CtxHonored,
            "I polled the deadline every 100 ms instead of reacting the moment it fired"
        ),
        mutant!(
            task14,
            "task14_shutdown_deadline",
            "blind_fresh_cancel_per_job",
            FRESH_CANCEL_PER_JOB,
            Check::CtxHonored,
            "I gave each job a fresh Signal of its own, so the pool's cancel never reached the jobs in flight"
        ),
        mutant!(
            task14,
            "task14_shutdown_deadline",
            "blind_queued_started_after_cancel",
            QUEUED_STARTED_AFTER_CANCEL,
            Check::CtxHonored,
            "My workers never checked the cancel before taking the next job, so after the deadline they started every queued job"
        ),
        mutant!(
            task14,
            "task14_shutdown_deadline",
            "blind_idle_workers_keep_draining",
            IDLE_WORKERS_KEEP_DRAINING,
            Check::CtxHonored,
            "Only a worker whose own job was cancelled quit; idle workers went on taking queued jobs after the cancel"
        ),
        mutant!(
            task14,
            "task14_shutdown_deadline",
            "blind_submit_holds_lock",
            SUBMIT_HOLDS_LOCK,
            Check::CtxHonored,
            "My submit held the pool's lock while waiting on a full queue, so stop could not even start watching the deadline"
        ),
        mutant!(
            task14,
            "task14_shutdown_deadline",
            "blind_pool_keeps_receiver",
            POOL_KEEPS_RECEIVER,
            Check::CtxHonored,
            "My pool kept its own handle on the jobs receiver, so after a timeout a submitter blocked on the full queue was never released"
        ),
        mutant!(
            task14,
            "task14_shutdown_deadline",
            "blind_cancel_at_stop",
            CANCEL_AT_STOP,
            Check::GracefulShutdown,
            "I fired the pool's cancel as soon as stop closed the queue, before the workers had drained anything"
        ),
        mutant!(
            task14,
            "task14_shutdown_deadline",
            "blind_outcome_ignores_queued",
            OUTCOME_IGNORES_QUEUED,
            Check::Requirement,
            "I answered a timeout only when a job was cancelled mid-process, so queued jobs that never ran went unreported"
        ),
        mutant!(
            task14,
            "task14_shutdown_deadline",
            "blind_stop_flag_ends_drain",
            STOP_FLAG_ENDS_DRAIN,
            Check::GracefulShutdown,
            "My workers quit as soon as the stopped flag was set, dropping the jobs still queued during a normal drain"
        ),
        mutant!(
            task14,
            "task14_shutdown_deadline",
            "blind_terminate_messages",
            TERMINATE_MESSAGES,
            Check::GracefulShutdown,
            "I sent each worker a terminate message instead of closing the queue, so a job submitted during the drain was accepted and never ran"
        ),
        mutant!(
            task14,
            "task14_shutdown_deadline",
            "blind_return_before_join_on_timeout",
            RETURN_BEFORE_JOIN_ON_TIMEOUT,
            Check::AllJoined,
            "On the deadline I fired the cancel and returned at once, while the workers were still finishing their cancelled jobs"
        ),
        mutant!(
            task14,
            "task14_shutdown_deadline",
            "blind_ok_on_timeout",
            OK_ON_TIMEOUT,
            Check::Requirement,
            "My stop answered Ok even when the deadline had cancelled jobs"
        ),
        mutant!(
            task14,
            "task14_shutdown_deadline",
            "blind_submit_after_stop_ok",
            SUBMIT_AFTER_STOP_OK,
            Check::GracefulShutdown,
            "A submit after stop returned Ok and quietly threw the job away"
        ),
        mutant!(
            task14,
            "task14_shutdown_deadline",
            "blind_err_if_deadline_fired",
            ERR_IF_DEADLINE_FIRED,
            Check::Requirement,
            "I answered by whether the deadline had fired, not by whether every accepted job completed"
        ),
        mutant!(
            task14,
            "task14_shutdown_deadline",
            "blind_second_stop_returns_early",
            SECOND_STOP_RETURNS_EARLY,
            Check::Requirement,
            "A second stop returned Ok at once instead of waiting for the first one's answer"
        ),
        mutant!(
            task14,
            "task14_shutdown_deadline",
            "blind_work_outside_probe",
            WORK_OUTSIDE_PROBE,
            Check::Requirement,
            "I ran the job before probe.run and only wrapped its result in it"
        ),
        mutant!(
            task14,
            "task14_shutdown_deadline",
            "blind_keyed_by_sequence",
            KEYED_BY_SEQUENCE,
            Check::Requirement,
            "I keyed the probe by a job counter numbered from 1 instead of by job.id"
        ),
        mutant!(
            task14,
            "task14_shutdown_deadline",
            "blind_workers_quit_when_idle",
            WORKERS_QUIT_WHEN_IDLE,
            Check::Requirement,
            "My workers used try_recv and quit as soon as the queue was momentarily empty"
        ),
        mutant!(
            task14,
            "task14_shutdown_deadline",
            "blind_second_stop_panics",
            SECOND_STOP_PANICS,
            Check::CloseOnce,
            "A second stop tried to close the jobs queue again and panicked"
        ),
        mutant!(
            task14,
            "task14_shutdown_deadline",
            "blind_submit_after_stop_panics",
            SUBMIT_AFTER_STOP_PANICS,
            Check::GracefulShutdown,
            "A submit after stop unwrapped the closed queue's sender and panicked"
        ),
        mutant!(
            task14,
            "task14_shutdown_deadline",
            "blind_submit_flag_then_unwrap",
            SUBMIT_FLAG_THEN_UNWRAP,
            Check::GracefulShutdown,
            "My submit checked a stopped flag and then unwrapped the sender, so a stop between the two made it panic"
        ),
        mutant!(
            task14,
            "task14_shutdown_deadline",
            "blind_completed_not_atomic",
            COMPLETED_NOT_ATOMIC,
            Check::Requirement,
            "I bumped the completed counter with a load and a store, so two workers finishing together lost a count and stop said timeout"
        ),
        mutant!(
            task14,
            "task14_shutdown_deadline",
            "blind_lost_wakeup",
            LOST_WAKEUP,
            Check::CtxHonored,
            "I checked the deadline and then waited on a condvar its callback notified without the lock, so a deadline firing in between was lost"
        ),
        mutant!(
            task14,
            "task14_shutdown_deadline",
            "blind_metric_counts_queued",
            METRIC_COUNTS_QUEUED,
            Check::Stretch,
            "My cancelled-mid-process metric also counted the queued jobs skipped after the cancel"
        ),
        mutant!(
            task14,
            "task14_shutdown_deadline",
            "blind_metric_off_by_one",
            METRIC_OFF_BY_ONE,
            Check::Stretch,
            "I published what fetch_add returned, the count before this job, as the metric"
        ),
        mutant!(
            task14,
            "task14_shutdown_deadline",
            "blind_metric_not_flushed_on_cancel",
            METRIC_NOT_FLUSHED_ON_CANCEL,
            Check::Stretch,
            "Each worker added its tally of cancelled jobs only when the queue closed, which a worker leaving on cancel never reached"
        ),
        mutant!(
            task14,
            "task14_shutdown_deadline",
            "blind_metric_busy_at_cancel",
            METRIC_BUSY_AT_CANCEL,
            Check::Stretch,
            "I set the metric to the number of busy workers when the deadline fired, not to the jobs that actually ended cancelled"
        ),
        mutant!(
            task14,
            "task14_shutdown_deadline",
            "blind_workers_from_cpus",
            WORKERS_FROM_CPUS,
            Check::PoolSize,
            "I started one worker per CPU instead of cfg.workers"
        ),
        mutant!(
            task14,
            "task14_shutdown_deadline",
            "blind_zero_workers_accepted",
            ZERO_WORKERS_ACCEPTED,
            Check::GracefulShutdown,
            "I accepted zero workers instead of refusing them"
        ),
        mutant!(
            task14,
            "task14_shutdown_deadline",
            "blind_unbounded_queue",
            UNBOUNDED_QUEUE,
            Check::BufferSize,
            "I used an unbounded channel for the jobs queue"
        ),
        mutant!(
            task14,
            "task14_shutdown_deadline",
            "blind_buffer_from_workers",
            BUFFER_FROM_WORKERS,
            Check::BufferSize,
            "I sized the jobs queue by cfg.workers instead of cfg.jobs_buffer"
        ),
        mutant!(
            task14,
            "task14_shutdown_deadline",
            "blind_zero_buffer_bumped",
            ZERO_BUFFER_BUMPED,
            Check::BufferSize,
            "I bumped a jobs buffer of 0 to 1 because a rendezvous channel looked wrong"
        ),
        mutant!(
            task14,
            "task14_shutdown_deadline",
            "blind_watcher_thread_leak",
            WATCHER_THREAD_LEAK,
            Check::NoLeaks,
            "I waited on the deadline in a watcher thread that never ends when the deadline never fires"
        ),
    ]
}

/// Blind mutants of this task dropped at triage, with the reason.
pub const DROPPED: &[super::Dropped] = &[super::Dropped {
    name: "task14_shutdown_deadline::blind_detached_workers",
    reason: "its workers have run every job and left their loops before the counter stop waits on moves; what is left is an OS thread tearing itself down, which a pool joined with JoinHandle::join also leaves for an instant: nothing a caller can observe tells the two apart (as in tasks 11 and 17)",
}];

/// Blind mutants of this task whose checklist item triage changed, with the reason.
pub const RELABELLED: &[super::Relabelled] = &[
    super::Relabelled {
        name: "task14_shutdown_deadline::blind_ok_on_timeout",
        was: Check::ErrorsHandled,
        why: "the answer of stop is the seed's requirement (Return ErrShutdownTimeout if cancelled), as the in-repo ok_on_timeout: requirement",
    },
    super::Relabelled {
        name: "task14_shutdown_deadline::blind_outcome_ignores_queued",
        was: Check::GracefulShutdown,
        why: "a wrong answer of stop, judged where the queued jobs are left after the deadline: requirement",
    },
    super::Relabelled {
        name: "task14_shutdown_deadline::blind_submit_after_stop_ok",
        was: Check::ErrorsHandled,
        why: "a submit after stop whose job is silently dropped is work lost at shutdown: graceful_shutdown, as every submit after stop is judged",
    },
    super::Relabelled {
        name: "task14_shutdown_deadline::blind_submit_after_stop_panics",
        was: Check::CloseOnce,
        why: "the submit after stop is judged with the other submits after stop, graceful_shutdown; close_once is for the queue closed twice (a second stop)",
    },
    super::Relabelled {
        name: "task14_shutdown_deadline::blind_zero_workers_accepted",
        was: Check::PoolSize,
        why: "zero workers run is a refusal that did not happen: graceful_shutdown, as for every task",
    },
    super::Relabelled {
        name: "task14_shutdown_deadline::blind_lost_wakeup",
        was: Check::RaceFree,
        why: "a race is blamed on what it breaks: a deadline that is not acted on, ctx_honored",
    },
    super::Relabelled {
        name: "task14_shutdown_deadline::blind_submit_flag_then_unwrap",
        was: Check::RaceFree,
        why: "a race is blamed on what it breaks: a submit at the same time as stop that panics, graceful_shutdown",
    },
    super::Relabelled {
        name: "task14_shutdown_deadline::blind_completed_not_atomic",
        was: Check::RaceFree,
        why: "a race is blamed on what it breaks: a wrong answer of stop, requirement",
    },
];

/// Blind mutants of this task whose catch is measured rather than required.
pub const UNCERTAIN: &[super::Uncertain] = &[
    super::Uncertain {
        name: "task14_shutdown_deadline::blind_submit_flag_then_unwrap",
        why: "it panics only when stop both sets its flag and takes the sender between this submit's look at the flag and its lock: a window of a few instructions inside submit, where no harness boundary lies; submits_racing_stop starts the two at one instant, 150 rounds, a quarter perturbed, and reaches it in some runs only",
    },
    super::Uncertain {
        name: "task14_shutdown_deadline::blind_completed_not_atomic",
        why: "a completion is lost only when two workers' load and store of the counter interleave, nanoseconds after their jobs end; the jobs of the_drain_racing_the_deadline end at one instant, 150 rounds, but the window lies wholly inside the solution after probe.run has returned",
    },
    super::Uncertain {
        name: "task14_shutdown_deadline::blind_lost_wakeup",
        why: "the wake-up is lost only when the deadline fires between stop's look at it and its wait, a window of a few instructions inside stop; every scenario fires the deadline while stop sleeps, where a notify always lands, and the racing rounds reach the window in some runs only",
    },
];
