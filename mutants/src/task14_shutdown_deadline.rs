//! Task 14, Shutdown with Deadline: the model answer with one mistake planted per mutant,
//! written as the model answer is, against `harness::sync`, so the loom model can run
//! [`IN_FLIGHT_TIMEOUT_FLAG`] too.

use crate::Mutant;
use harness::contracts::task14_shutdown_deadline::{
    DeadlinePool, Job, ShutdownDeadline, ShutdownTimeout, Stopped,
};
use harness::contracts::{PoolConfig, PoolError};
use harness::probe::Probe;
use harness::signal::Signal;
use harness::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use harness::sync::{sync_channel, thread, Arc, Mutex, SyncSender};
use harness::Check;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Bug {
    DeadlineIgnored,
    FreshSignalForJobs,
    CancelsAtStop,
    ReturnsWithoutJoining,
    QueuedStartedAfterCancel,
    QueuedDroppedOnStop,
    OkOnTimeout,
    ErrIfDeadlineFired,
    InFlightTimeoutFlag,
    SecondStopPanics,
    SubmitAfterStopPanics,
    CpuWorkers,
    QueueFromWorkers,
    ZeroWorkersAccepted,
    MetricCountsQueued,
}

pub struct Buggy(pub Bug);

/// The race the loom model of the drain against the deadline catches (`ci/loom.sh`): a timeout
/// marked when the deadline finds a job in flight, though that job may still complete.
pub const IN_FLIGHT_TIMEOUT_FLAG: Buggy = Buggy(Bug::InFlightTimeoutFlag);

struct Pool {
    bug: Bug,
    jobs: Mutex<Option<SyncSender<Job>>>,
    workers: Mutex<Vec<thread::JoinHandle<()>>>,
    cancel: Signal,
    accepted: AtomicUsize,
    /// Completed, cancelled mid-process, in flight.
    tally: Arc<[AtomicUsize; 3]>,
    stopping: Arc<AtomicBool>,
}

impl ShutdownDeadline for Buggy {
    fn start(
        &self,
        cfg: PoolConfig,
        probe: Probe<u64>,
    ) -> Result<Box<dyn DeadlinePool>, PoolError> {
        let bug = self.0;
        if cfg.workers == 0 && bug != Bug::ZeroWorkersAccepted {
            return Err(PoolError::ZeroWorkers);
        }
        let workers = match bug {
            Bug::CpuWorkers => PoolConfig::num_cpu(),
            _ => cfg.workers,
        };
        let queue = match bug {
            Bug::QueueFromWorkers => cfg.workers,
            _ => cfg.jobs_buffer,
        };
        let (jobs_tx, jobs_rx) = sync_channel::<Job>(queue);
        let jobs_rx = Arc::new(Mutex::new(jobs_rx));
        let cancel = Signal::new();
        let tally = Arc::new([0, 0, 0].map(AtomicUsize::new));
        let stopping = Arc::new(AtomicBool::new(false));
        let workers = (0..workers)
            .map(|_| {
                let (jobs_rx, cancel, tally, probe, stopping) = (
                    jobs_rx.clone(),
                    cancel.clone(),
                    tally.clone(),
                    probe.clone(),
                    stopping.clone(),
                );
                thread::spawn(move || loop {
                    if bug == Bug::QueuedDroppedOnStop && stopping.load(SeqCst) {
                        break; // "stop means stop": the queue is left behind
                    }
                    let job = jobs_rx.lock().unwrap().recv();
                    let Ok(job) = job else { break };
                    if cancel.fired() {
                        if bug == Bug::MetricCountsQueued {
                            tally[1].fetch_add(1, SeqCst);
                            continue;
                        }
                        if bug != Bug::QueuedStartedAfterCancel {
                            break;
                        }
                    }
                    let given = match bug {
                        Bug::FreshSignalForJobs => Signal::new(),
                        _ => cancel.clone(),
                    };
                    tally[2].fetch_add(1, SeqCst);
                    let out = probe.run(job.id, || job.run(&given));
                    tally[usize::from(out.is_err())].fetch_add(1, SeqCst);
                    tally[2].fetch_sub(1, SeqCst);
                })
            })
            .collect();
        Ok(Box::new(Pool {
            bug,
            jobs: Mutex::new(Some(jobs_tx)),
            workers: Mutex::new(workers),
            cancel,
            accepted: AtomicUsize::new(0),
            tally,
            stopping,
        }))
    }
}

impl DeadlinePool for Pool {
    fn submit(&self, job: Job) -> Result<(), Stopped> {
        let jobs = match self.bug {
            Bug::SubmitAfterStopPanics => Some(
                self.jobs
                    .lock()
                    .unwrap()
                    .clone()
                    .expect("the pool is running"),
            ),
            _ => self.jobs.lock().unwrap().clone(),
        };
        let jobs = jobs.ok_or(Stopped)?;
        self.accepted.fetch_add(1, SeqCst);
        jobs.send(job).map_err(|_| {
            self.accepted.fetch_sub(1, SeqCst);
            Stopped
        })
    }

    fn stop(&self, deadline: &Signal) -> Result<(), ShutdownTimeout> {
        let bug = self.bug;
        let mut workers = self.workers.lock().unwrap();
        let sender = self.jobs.lock().unwrap().take();
        if bug == Bug::SecondStopPanics {
            drop(sender.expect("stop is called once"));
        } else {
            drop(sender);
        }
        self.stopping.store(true, SeqCst);
        if bug == Bug::CancelsAtStop {
            self.cancel.fire();
        }
        let timed_out = Arc::new(AtomicBool::new(false));
        if bug != Bug::DeadlineIgnored {
            let (cancel, timed_out, tally) =
                (self.cancel.clone(), timed_out.clone(), self.tally.clone());
            deadline.after_fire(move || {
                // "The deadline caught jobs still running": a look, then an act, apart.
                if bug != Bug::InFlightTimeoutFlag || tally[2].load(SeqCst) > 0 {
                    timed_out.store(true, SeqCst);
                }
                cancel.fire();
            });
        }
        if bug == Bug::ReturnsWithoutJoining {
            // Waits for the drain or the deadline, whichever comes first, and on the deadline
            // leaves the workers to wind down on their own.
            let drained = Signal::new();
            let d = drained.clone();
            deadline.after_fire(move || d.fire());
            let handles: Vec<_> = workers.drain(..).collect();
            let d = drained.clone();
            thread::spawn(move || {
                for h in handles {
                    let _ = h.join();
                }
                d.fire();
            });
            drained.wait();
            return if deadline.fired() {
                Err(ShutdownTimeout)
            } else {
                Ok(())
            };
        }
        for worker in workers.drain(..) {
            let _ = worker.join();
        }
        match bug {
            Bug::OkOnTimeout => Ok(()),
            Bug::ErrIfDeadlineFired if deadline.fired() => Err(ShutdownTimeout),
            Bug::InFlightTimeoutFlag if timed_out.load(SeqCst) => Err(ShutdownTimeout),
            Bug::InFlightTimeoutFlag => Ok(()),
            _ if self.tally[0].load(SeqCst) == self.accepted.load(SeqCst) => Ok(()),
            _ => Err(ShutdownTimeout),
        }
    }

    fn cancelled_mid_process(&self) -> Option<usize> {
        Some(self.tally[1].load(SeqCst))
    }
}

pub fn mutants() -> Vec<Mutant> {
    macro_rules! m {
        ($name:literal, $bug:ident, $breaks:expr, $what:literal) => {
            mutant!(
                task14,
                "task14_shutdown_deadline",
                $name,
                Buggy(Bug::$bug),
                $breaks,
                $what
            )
        };
    }
    vec![
        m!(
            "deadline_ignored",
            DeadlineIgnored,
            Check::CtxHonored,
            "never watches the deadline: stop waits for the drain however long it takes"
        ),
        m!(
            "fresh_signal_for_jobs",
            FreshSignalForJobs,
            Check::CtxHonored,
            "hands each job a fresh signal instead of the pool's cancel, so firing it reaches no job"
        ),
        m!(
            "cancels_at_stop",
            CancelsAtStop,
            Check::GracefulShutdown,
            "fires the pool's cancel as soon as stop is called, before the drain"
        ),
        m!(
            "returns_without_joining",
            ReturnsWithoutJoining,
            Check::AllJoined,
            "on the deadline, returns at once and leaves the cancelled workers to wind down alone"
        ),
        m!(
            "queued_started_after_cancel",
            QueuedStartedAfterCancel,
            Check::CtxHonored,
            "lets the workers keep taking queued jobs after the cancel, each to be cancelled at once"
        ),
        m!(
            "queued_dropped_on_stop",
            QueuedDroppedOnStop,
            Check::GracefulShutdown,
            "workers leave on a stop flag, dropping the jobs still queued"
        ),
        m!(
            "ok_on_timeout",
            OkOnTimeout,
            Check::Requirement,
            "answers Ok whatever happened"
        ),
        m!(
            "err_if_deadline_fired",
            ErrIfDeadlineFired,
            Check::Requirement,
            "answers ShutdownTimeout whenever the deadline has fired, even with every job completed"
        ),
        m!(
            "in_flight_timeout_flag",
            InFlightTimeoutFlag,
            Check::Requirement,
            "marks a timeout when the deadline finds a job in flight, though that job may still complete"
        ),
        m!(
            "second_stop_panics",
            SecondStopPanics,
            Check::CloseOnce,
            "unwraps the jobs sender in stop, so a second stop panics"
        ),
        m!(
            "submit_after_stop_panics",
            SubmitAfterStopPanics,
            Check::GracefulShutdown,
            "expects the jobs sender in submit, so a submit after stop panics"
        ),
        m!(
            "cpu_workers",
            CpuWorkers,
            Check::PoolSize,
            "starts one worker per CPU instead of cfg.workers"
        ),
        m!(
            "queue_from_workers",
            QueueFromWorkers,
            Check::BufferSize,
            "sizes the jobs queue by the workers instead of cfg.jobs_buffer"
        ),
        m!(
            "zero_workers_accepted",
            ZeroWorkersAccepted,
            Check::GracefulShutdown,
            "never checks for zero workers"
        ),
        m!(
            "metric_counts_queued",
            MetricCountsQueued,
            Check::Stretch,
            "counts the queued jobs the workers skip after the cancel as cancelled mid-process"
        ),
    ]
}
