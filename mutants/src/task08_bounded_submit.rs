//! Task 8, Bounded Submit: the model answer with one mistake planted per mutant. Written, as the
//! model answer is, against `harness::sync`, so the loom model can run [`SentinelStop`] too.

use crate::Mutant;
use harness::contracts::task08_bounded_submit::{BoundedSubmit, Done, SubmitError, SubmitPool};
use harness::contracts::{PoolConfig, PoolError};
use harness::probe::Probe;
use harness::sync::atomic::{AtomicBool, AtomicI64, AtomicUsize, Ordering::SeqCst};
use harness::sync::{sync_channel, thread, Arc, Mutex, Receiver, SyncSender, TrySendError};
use harness::Check;
use tokio_util::sync::CancellationToken;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Bug {
    BlockingSubmit,
    TokenIgnored,
    QueueOneMore,
    ResultsUnbounded,
    StopDoesNotWait,
    StopDropsQueued,
    SecondStopPanics,
    SubmitAfterStopAccepted,
    StreamNeverEnds,
    WorkersFromCpus,
    ZeroWorkersAccepted,
    RoomCheckedThenTaken,
    WorkersCountThemselves,
    ConcurrentStopEarly,
    KeyedByOrder,
    BlockingSubmitRefusedInStop,
}

struct Buggy(Bug);

struct Pool {
    bug: Bug,
    jobs: Mutex<Option<SyncSender<i64>>>,
    /// A second sender the pool keeps ([`Bug::SubmitAfterStopAccepted`]).
    spare: Mutex<Option<SyncSender<i64>>>,
    results: Mutex<Option<Receiver<Done>>>,
    /// A results sender the pool keeps alive, held only to be dropped with the pool
    /// ([`Bug::StreamNeverEnds`]).
    _kept_results: Option<SyncSender<Done>>,
    workers: Mutex<Vec<thread::JoinHandle<()>>>,
    stopping: Arc<AtomicBool>,
    /// Jobs in the queue, counted by hand ([`Bug::RoomCheckedThenTaken`]).
    queued: Arc<AtomicUsize>,
    capacity: usize,
    /// Workers that have counted themselves in and not out ([`Bug::WorkersCountThemselves`]).
    alive: Arc<AtomicUsize>,
}

impl BoundedSubmit for Buggy {
    fn start(&self, cfg: PoolConfig, probe: Probe<i64>) -> Result<Box<dyn SubmitPool>, PoolError> {
        let bug = self.0;
        if cfg.workers == 0 && bug != Bug::ZeroWorkersAccepted {
            return Err(PoolError::ZeroWorkers);
        }
        let workers = match bug {
            Bug::WorkersFromCpus => PoolConfig::num_cpu(),
            _ => cfg.workers,
        };
        let capacity = match bug {
            Bug::QueueOneMore => cfg.jobs_buffer + 1,
            Bug::RoomCheckedThenTaken => 1 << 20,
            _ => cfg.jobs_buffer,
        };
        let results_cap = match bug {
            Bug::ResultsUnbounded => 1 << 20,
            _ => cfg.results_buffer,
        };
        let (jobs_tx, jobs_rx) = sync_channel::<i64>(capacity);
        let (results_tx, results_rx) = sync_channel(results_cap);
        let jobs_rx = Arc::new(Mutex::new(jobs_rx));
        let stopping = Arc::new(AtomicBool::new(false));
        let alive = Arc::new(AtomicUsize::new(0));
        let order = Arc::new(AtomicI64::new(0));
        let queued = Arc::new(AtomicUsize::new(0));
        let handles = (0..workers)
            .map(|_| {
                let (jobs_rx, results_tx, probe) =
                    (jobs_rx.clone(), results_tx.clone(), probe.clone());
                let (stopping, alive, order) = (stopping.clone(), alive.clone(), order.clone());
                let queued = queued.clone();
                thread::spawn(move || {
                    if bug == Bug::WorkersCountThemselves {
                        alive.fetch_add(1, SeqCst);
                    }
                    loop {
                        if bug == Bug::StopDropsQueued && stopping.load(SeqCst) {
                            break;
                        }
                        let job = jobs_rx.lock().unwrap().recv();
                        let Ok(job) = job else { break };
                        if bug == Bug::RoomCheckedThenTaken {
                            queued.fetch_sub(1, SeqCst);
                        }
                        let key = match bug {
                            Bug::KeyedByOrder => order.fetch_add(1, SeqCst),
                            _ => job,
                        };
                        let square = probe.run(key, || job * job);
                        if results_tx.send(Done { job, square }).is_err() {
                            break;
                        }
                    }
                    if bug == Bug::WorkersCountThemselves {
                        alive.fetch_sub(1, SeqCst);
                    }
                })
            })
            .collect();
        Ok(Box::new(Pool {
            bug,
            spare: Mutex::new((bug == Bug::SubmitAfterStopAccepted).then(|| jobs_tx.clone())),
            jobs: Mutex::new(Some(jobs_tx)),
            results: Mutex::new(Some(results_rx)),
            _kept_results: (bug == Bug::StreamNeverEnds).then_some(results_tx),
            workers: Mutex::new(handles),
            stopping,
            queued,
            capacity: cfg.jobs_buffer,
            alive,
        }))
    }
}

impl Pool {
    fn offer(&self, job: i64) -> Result<(), SubmitError> {
        if self.bug == Bug::RoomCheckedThenTaken {
            // The room is read here and taken below, under the lock: two submits can both see
            // the last slot free.
            if self.queued.load(SeqCst) >= self.capacity {
                return Err(SubmitError::PoolFull);
            }
        }
        let jobs = self.jobs.lock().unwrap();
        let Some(jobs) = jobs.as_ref() else {
            return match self.spare.lock().unwrap().as_ref() {
                Some(spare) => spare.try_send(job).or(Ok(())),
                None => Err(SubmitError::Stopped),
            };
        };
        if self.bug == Bug::RoomCheckedThenTaken {
            self.queued.fetch_add(1, SeqCst);
        }
        if self.bug == Bug::BlockingSubmit {
            return jobs.send(job).map_err(|_| SubmitError::Stopped);
        }
        jobs.try_send(job).map_err(|e| match e {
            TrySendError::Full(_) => SubmitError::PoolFull,
            TrySendError::Disconnected(_) => SubmitError::Stopped,
        })
    }
}

impl SubmitPool for Pool {
    fn submit(&self, token: &CancellationToken, job: i64) -> Result<(), SubmitError> {
        if token.is_cancelled() && self.bug != Bug::TokenIgnored {
            return Err(SubmitError::Cancelled);
        }
        self.offer(job)
    }

    fn results(&self) -> Box<dyn Iterator<Item = Done> + Send> {
        Box::new(self.results.lock().unwrap().take().into_iter().flatten())
    }

    fn stop(&self) {
        self.stopping.store(true, SeqCst);
        let taken = self.jobs.lock().unwrap().take();
        if self.bug == Bug::SecondStopPanics {
            assert!(taken.is_some(), "the jobs channel is open");
        }
        drop(taken);
        match self.bug {
            Bug::StopDoesNotWait => drop(std::mem::take(&mut *self.workers.lock().unwrap())),
            Bug::WorkersCountThemselves => {
                while self.alive.load(SeqCst) > 0 {
                    thread::yield_now();
                }
            }
            Bug::ConcurrentStopEarly => {
                let workers = std::mem::take(&mut *self.workers.lock().unwrap());
                for w in workers {
                    let _ = w.join();
                }
            }
            _ => {
                let mut workers = self.workers.lock().unwrap();
                for w in workers.drain(..) {
                    let _ = w.join();
                }
            }
        }
    }

    fn try_submit(&self, job: i64) -> Option<Result<(), SubmitError>> {
        Some(self.offer(job))
    }

    fn blocking_submit(&self, job: i64) -> Option<Result<(), SubmitError>> {
        if self.bug == Bug::BlockingSubmitRefusedInStop {
            // Polls the non-blocking path: a call still waiting when stop comes is refused.
            loop {
                match self.offer(job) {
                    Err(SubmitError::PoolFull) => thread::yield_now(),
                    r => return Some(r),
                }
            }
        }
        let jobs = self.jobs.lock().unwrap().clone();
        Some(match jobs {
            None => Err(SubmitError::Stopped),
            Some(jobs) => jobs.send(job).map_err(|_| SubmitError::Stopped),
        })
    }
}

/// The race the loom model exists for, kept out of the mutants test (ordinary runs almost never
/// show it): `stop` raises a flag and queues one end-of-work marker per worker; `submit` looks at
/// the flag, then sends. A submit that looked before the flag and sends after the markers
/// queues a job behind them, which no worker is left to take: accepted, never run.
pub struct SentinelStop;

struct SentinelPool {
    jobs: SyncSender<Option<i64>>,
    stopped: AtomicBool,
    results: Mutex<Option<Receiver<Done>>>,
    workers: Mutex<Vec<thread::JoinHandle<()>>>,
}

impl BoundedSubmit for SentinelStop {
    fn start(&self, cfg: PoolConfig, probe: Probe<i64>) -> Result<Box<dyn SubmitPool>, PoolError> {
        if cfg.workers == 0 {
            return Err(PoolError::ZeroWorkers);
        }
        let (jobs, jobs_rx) = sync_channel::<Option<i64>>(cfg.jobs_buffer + cfg.workers);
        let (results_tx, results_rx) = sync_channel(cfg.results_buffer);
        let jobs_rx = Arc::new(Mutex::new(jobs_rx));
        let workers = (0..cfg.workers)
            .map(|_| {
                let (jobs_rx, results_tx, probe) =
                    (jobs_rx.clone(), results_tx.clone(), probe.clone());
                thread::spawn(move || {
                    while let Ok(Some(job)) = jobs_rx.lock().unwrap().recv() {
                        let square = probe.run(job, || job * job);
                        if results_tx.send(Done { job, square }).is_err() {
                            break;
                        }
                    }
                })
            })
            .collect();
        Ok(Box::new(SentinelPool {
            jobs,
            stopped: AtomicBool::new(false),
            results: Mutex::new(Some(results_rx)),
            workers: Mutex::new(workers),
        }))
    }
}

impl SubmitPool for SentinelPool {
    fn submit(&self, token: &CancellationToken, job: i64) -> Result<(), SubmitError> {
        if token.is_cancelled() {
            return Err(SubmitError::Cancelled);
        }
        if self.stopped.load(SeqCst) {
            return Err(SubmitError::Stopped);
        }
        self.jobs
            .try_send(Some(job))
            .map_err(|_| SubmitError::PoolFull)
    }

    fn results(&self) -> Box<dyn Iterator<Item = Done> + Send> {
        Box::new(self.results.lock().unwrap().take().into_iter().flatten())
    }

    fn stop(&self) {
        if self.stopped.swap(true, SeqCst) {
            return;
        }
        let mut workers = self.workers.lock().unwrap();
        for _ in 0..workers.len() {
            let _ = self.jobs.send(None);
        }
        for w in workers.drain(..) {
            let _ = w.join();
        }
    }
}

pub fn mutants() -> Vec<Mutant> {
    macro_rules! m {
        ($name:literal, $bug:ident, $breaks:expr, $what:literal) => {
            mutant!(
                task08,
                "task08_bounded_submit",
                $name,
                Buggy(Bug::$bug),
                $breaks,
                $what
            )
        };
    }
    vec![
        m!("submit_blocks_when_full", BlockingSubmit, Check::Requirement,
            "sends with a blocking send, so a submit to a full pool waits instead of answering PoolFull"),
        m!("token_ignored", TokenIgnored, Check::CtxHonored,
            "never looks at the caller's token"),
        m!("queue_one_too_many", QueueOneMore, Check::BufferSize,
            "makes the jobs queue sync_channel(jobs_buffer + 1)"),
        m!("results_unbounded", ResultsUnbounded, Check::BufferSize,
            "makes the results channel as good as unbounded"),
        m!("stop_does_not_wait", StopDoesNotWait, Check::AllJoined,
            "closes the queue in stop and returns without joining the workers"),
        m!("stop_drops_queued_jobs", StopDropsQueued, Check::GracefulShutdown,
            "has the workers quit on a stopping flag, leaving the queued jobs undone"),
        m!("second_stop_panics", SecondStopPanics, Check::CloseOnce,
            "expects the jobs sender to be there, so a second stop panics"),
        m!("submit_after_stop_accepted", SubmitAfterStopAccepted, Check::GracefulShutdown,
            "keeps a spare jobs sender, so a submit after stop is accepted and never runs"),
        m!("results_never_end", StreamNeverEnds, Check::CloseOnce,
            "keeps a results sender in the pool, so the stream never ends"),
        m!("workers_from_the_cpus", WorkersFromCpus, Check::PoolSize,
            "starts one worker per CPU instead of cfg.workers"),
        m!("zero_workers_accepted", ZeroWorkersAccepted, Check::GracefulShutdown,
            "never checks for zero workers, so the pool accepts jobs it never runs"),
        m!("room_checked_then_taken", RoomCheckedThenTaken, Check::BufferSize,
            "counts the jobs itself, reading the count before the lock and adding to it inside, so two submits take the last slot"),
        m!("workers_count_themselves", WorkersCountThemselves, Check::AllJoined,
            "has each worker count itself in when it starts, and stop wait for the count to reach zero"),
        m!("concurrent_stop_returns_early", ConcurrentStopEarly, Check::AllJoined,
            "takes the handles out of their lock and joins them outside it, so a second stop finds none and returns at once"),
        m!("keyed_by_order", KeyedByOrder, Check::Requirement,
            "keys each probe.run by the order jobs were taken, not by the number"),
        m!("blocking_submit_refused_in_stop", BlockingSubmitRefusedInStop, Check::Stretch,
            "makes blocking_submit poll submit, so a call still waiting when stop comes gets Stopped"),
    ]
}
