//! Task 14, Shutdown with Deadline: the model answer.
//!
//! `stop` closes the queue (taking the sender out of its `Mutex<Option<..>>`, so it closes once
//! and a later submit finds `None`), asks the deadline to fire the pool's cancel signal should it
//! fire (Go's `context.AfterFunc(ctx, cancel)`), and joins the workers, who leave when the queue
//! is drained or the cancel has fired. The answer is read from what happened, not from the
//! clock: `Ok` exactly when every accepted job completed. Written against `harness::sync`, so
//! `ci/loom.sh` model-checks the drain racing the deadline.

use harness::contracts::task14_shutdown_deadline::{
    DeadlinePool, Job, ShutdownDeadline, ShutdownTimeout, Stopped,
};
use harness::contracts::{PoolConfig, PoolError};
use harness::probe::Probe;
use harness::signal::Signal;
use harness::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use harness::sync::{sync_channel, thread, Arc, Mutex, SyncSender};

pub struct Answer;

struct Pool {
    jobs: Mutex<Option<SyncSender<Job>>>,
    workers: Mutex<Vec<thread::JoinHandle<()>>>,
    cancel: Signal,
    accepted: AtomicUsize,
    /// Jobs completed, and jobs cancelled mid-process, as the workers saw them.
    tally: Arc<[AtomicUsize; 2]>,
}

impl ShutdownDeadline for Answer {
    fn start(
        &self,
        cfg: PoolConfig,
        probe: Probe<u64>,
    ) -> Result<Box<dyn DeadlinePool>, PoolError> {
        if cfg.workers == 0 {
            return Err(PoolError::ZeroWorkers);
        }
        let (jobs_tx, jobs_rx) = sync_channel::<Job>(cfg.jobs_buffer);
        let jobs_rx = Arc::new(Mutex::new(jobs_rx));
        let cancel = Signal::new();
        let tally = Arc::new([0, 0].map(AtomicUsize::new));
        let workers = (0..cfg.workers)
            .map(|_| {
                let (jobs_rx, cancel, tally, probe) = (
                    jobs_rx.clone(),
                    cancel.clone(),
                    tally.clone(),
                    probe.clone(),
                );
                thread::spawn(move || loop {
                    let job = jobs_rx.lock().unwrap().recv();
                    // Drained, or cancelled: either way this worker is done.
                    let Ok(job) = job else { break };
                    if cancel.fired() {
                        break;
                    }
                    let out = probe.run(job.id, || job.run(&cancel));
                    tally[usize::from(out.is_err())].fetch_add(1, SeqCst);
                })
            })
            .collect();
        Ok(Box::new(Pool {
            jobs: Mutex::new(Some(jobs_tx)),
            workers: Mutex::new(workers),
            cancel,
            accepted: AtomicUsize::new(0),
            tally,
        }))
    }
}

impl DeadlinePool for Pool {
    fn submit(&self, job: Job) -> Result<(), Stopped> {
        // A clone sent on outside the lock: a full queue blocks this caller only, never stop.
        let jobs = self.jobs.lock().unwrap().clone().ok_or(Stopped)?;
        self.accepted.fetch_add(1, SeqCst);
        jobs.send(job).map_err(|_| {
            self.accepted.fetch_sub(1, SeqCst);
            Stopped
        })
    }

    fn stop(&self, deadline: &Signal) -> Result<(), ShutdownTimeout> {
        let mut workers = self.workers.lock().unwrap(); // a second stop waits here
        drop(self.jobs.lock().unwrap().take()); // closes the queue, once
        let cancel = self.cancel.clone();
        deadline.after_fire(move || cancel.fire());
        for worker in workers.drain(..) {
            let _ = worker.join();
        }
        let completed = self.tally[0].load(SeqCst);
        if completed == self.accepted.load(SeqCst) {
            Ok(())
        } else {
            Err(ShutdownTimeout)
        }
    }

    fn cancelled_mid_process(&self) -> Option<usize> {
        Some(self.tally[1].load(SeqCst))
    }
}
