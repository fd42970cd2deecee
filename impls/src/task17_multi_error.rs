//! Task 17, Multi-Error Aggregation: the model answer.
//!
//! No fail fast: a worker sends every job's outcome, success or error, through the results
//! channel and goes on to the next job; the calling thread counts the successes and keeps every
//! error (Go's `errors.Join(errs, err)`, one error at a time, on one thread, so nothing needs a
//! lock). The scope joins every thread before the tally is returned.

use harness::contracts::task17_multi_error::{ErrorKind, Job, JobError, MultiError, Outcome};
use harness::contracts::{PoolConfig, PoolError};
use harness::probe::{Jobs, Probe};
use std::collections::BTreeMap;
use std::sync::mpsc::sync_channel;
use std::sync::Mutex;
use std::thread;

pub struct Answer;

impl MultiError for Answer {
    fn run_all(
        &self,
        cfg: PoolConfig,
        jobs: Jobs<Job>,
        probe: Probe<u64>,
    ) -> Result<Outcome, PoolError> {
        if cfg.workers == 0 {
            return Err(PoolError::ZeroWorkers);
        }
        let (jobs_tx, jobs_rx) = sync_channel::<Job>(cfg.jobs_buffer);
        let (results_tx, results_rx) = sync_channel(cfg.results_buffer);
        let jobs_rx = Mutex::new(jobs_rx);
        thread::scope(|s| {
            s.spawn(move || {
                for job in jobs {
                    if jobs_tx.send(job).is_err() {
                        break;
                    }
                }
            });
            for _ in 0..cfg.workers {
                let (jobs_rx, results_tx, probe) = (&jobs_rx, results_tx.clone(), probe.clone());
                s.spawn(move || loop {
                    let job = jobs_rx.lock().unwrap().recv();
                    let Ok(job) = job else { break };
                    // A failed job is an outcome like any other: the worker goes on.
                    if results_tx.send(probe.run(job.id, || job.run())).is_err() {
                        break;
                    }
                });
            }
            drop(results_tx);
            let mut outcome = Outcome::default();
            for result in results_rx {
                match result {
                    Ok(_) => outcome.successes += 1,
                    Err(e) => outcome.errors.push(e),
                }
            }
            Ok(outcome)
        })
    }

    fn by_kind(&self, errors: &[JobError]) -> Option<BTreeMap<ErrorKind, usize>> {
        let mut counts = BTreeMap::new();
        for e in errors {
            *counts.entry(e.kind).or_default() += 1;
        }
        Some(counts)
    }
}
