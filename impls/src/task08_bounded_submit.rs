//! Task 8, Bounded Submit: the model answer.
//!
//! Go's `select { case p.jobs <- j: ... default: return ErrPoolFull }` is `try_send` on a
//! bounded channel. The jobs sender sits in a `Mutex<Option<..>>`: `stop` takes it out (the
//! channel closes exactly once, and a later submit finds `None`), and because a submit holds the
//! same lock for its `try_send`, no job slips in after the close. The workers drain the queue and
//! exit when it is closed and empty; `stop` joins them under a lock, so a second `stop` waits for
//! the first one's drain. Written against `harness::sync`, so `ci/loom.sh` model-checks it.

use harness::contracts::task08_bounded_submit::{BoundedSubmit, Done, SubmitError, SubmitPool};
use harness::contracts::{PoolConfig, PoolError};
use harness::probe::Probe;
use harness::sync::{sync_channel, thread, Arc, Mutex, Receiver, SyncSender, TrySendError};
use tokio_util::sync::CancellationToken;

pub struct Answer;

struct Pool {
    jobs: Mutex<Option<SyncSender<i64>>>,
    results: Mutex<Option<Receiver<Done>>>,
    workers: Mutex<Vec<thread::JoinHandle<()>>>,
}

impl BoundedSubmit for Answer {
    fn start(&self, cfg: PoolConfig, probe: Probe<i64>) -> Result<Box<dyn SubmitPool>, PoolError> {
        if cfg.workers == 0 {
            return Err(PoolError::ZeroWorkers);
        }
        let (jobs_tx, jobs_rx) = sync_channel::<i64>(cfg.jobs_buffer);
        let (results_tx, results_rx) = sync_channel(cfg.results_buffer);
        let jobs_rx = Arc::new(Mutex::new(jobs_rx));
        let workers = (0..cfg.workers)
            .map(|_| {
                let (jobs_rx, results_tx, probe) =
                    (jobs_rx.clone(), results_tx.clone(), probe.clone());
                thread::spawn(move || loop {
                    let job = jobs_rx.lock().unwrap().recv(); // held for the recv only
                    let Ok(job) = job else { break }; // closed and drained: stop was called
                    let square = probe.run(job, || job * job);
                    if results_tx.send(Done { job, square }).is_err() {
                        break;
                    }
                })
            })
            .collect();
        Ok(Box::new(Pool {
            jobs: Mutex::new(Some(jobs_tx)),
            results: Mutex::new(Some(results_rx)),
            workers: Mutex::new(workers),
        }))
    }
}

impl Pool {
    fn offer(&self, job: i64) -> Result<(), SubmitError> {
        match self.jobs.lock().unwrap().as_ref() {
            None => Err(SubmitError::Stopped),
            Some(jobs) => jobs.try_send(job).map_err(|e| match e {
                TrySendError::Full(_) => SubmitError::PoolFull,
                TrySendError::Disconnected(_) => SubmitError::Stopped,
            }),
        }
    }
}

impl SubmitPool for Pool {
    fn submit(&self, token: &CancellationToken, job: i64) -> Result<(), SubmitError> {
        if token.is_cancelled() {
            return Err(SubmitError::Cancelled);
        }
        self.offer(job)
    }

    fn results(&self) -> Box<dyn Iterator<Item = Done> + Send> {
        Box::new(self.results.lock().unwrap().take().into_iter().flatten())
    }

    fn stop(&self) {
        drop(self.jobs.lock().unwrap().take()); // closes the queue, once
        let mut workers = self.workers.lock().unwrap(); // a second stop waits here
        for worker in workers.drain(..) {
            let _ = worker.join();
        }
    }

    fn try_submit(&self, job: i64) -> Option<Result<(), SubmitError>> {
        Some(self.offer(job))
    }

    /// A clone of the sender, sent on outside the lock: a full queue blocks only this caller,
    /// and `stop` (whose workers drain until every sender is gone) waits for its job to run.
    fn blocking_submit(&self, job: i64) -> Option<Result<(), SubmitError>> {
        let jobs = self.jobs.lock().unwrap().clone();
        Some(match jobs {
            None => Err(SubmitError::Stopped),
            Some(jobs) => jobs.send(job).map_err(|_| SubmitError::Stopped),
        })
    }
}
