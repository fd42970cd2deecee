//! Task 1, Squarer: the model answer.
//!
//! A producer thread feeds a bounded jobs channel; `workers` threads share its receiver, square,
//! and send into a bounded results channel; the calling thread ranges over the results. The
//! results channel closes by itself when the last worker drops its sender (Go's closer goroutine
//! and `wg.Wait()`), and every thread is joined before returning. A job that panics is caught in
//! its worker and travels as an error beside the results, so the worker lives on.
//!
//! Written against `harness::sync`, which is std in a normal build and loom under the loom model.

use harness::contracts::task01_squarer::{Squared, Squarer};
use harness::contracts::{PoolConfig, PoolError};
use harness::probe::{Jobs, Probe};
use harness::sync::{sync_channel, thread, Arc, Mutex};
use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};

pub struct Answer;

impl Squarer for Answer {
    fn square_all(
        &self,
        cfg: PoolConfig,
        numbers: Jobs<i64>,
        probe: Probe<i64>,
        emit: &mut dyn FnMut(Squared),
    ) -> Result<(), PoolError> {
        if cfg.workers == 0 {
            return Err(PoolError::ZeroWorkers);
        }
        let mut numbers = numbers.enumerate().peekable();
        if numbers.peek().is_none() {
            return Err(PoolError::EmptyInput);
        }
        let (jobs_tx, jobs_rx) = sync_channel::<(usize, i64)>(cfg.jobs_buffer);
        let (results_tx, results_rx) = sync_channel(cfg.results_buffer);
        let jobs_rx = Arc::new(Mutex::new(jobs_rx));
        let workers: Vec<_> = (0..cfg.workers)
            .map(|_| {
                let (jobs, results, probe) = (jobs_rx.clone(), results_tx.clone(), probe.clone());
                thread::spawn(move || loop {
                    let job = jobs.lock().unwrap().recv(); // the lock is held for the recv only
                    let Ok((index, n)) = job else { break }; // jobs closed: the producer is done
                    let square = catch_unwind(AssertUnwindSafe(|| probe.run(n, || n * n)));
                    let result = square.map(|square| Squared { index, square });
                    if results.send(result).is_err() {
                        break;
                    }
                })
            })
            .collect();
        drop(results_tx); // results close when the last worker drops its clone
        let producer = thread::spawn(move || {
            for job in numbers {
                if jobs_tx.send(job).is_err() {
                    break;
                }
            } // jobs_tx drops here: jobs close exactly once
        });
        let mut panicked = None;
        for r in results_rx.iter() {
            match r {
                Ok(r) => emit(r),
                Err(p) => panicked = panicked.or(Some(panic_message(&*p))),
            }
        }
        let _ = producer.join(); // the producer only sends: it cannot panic
        for w in workers {
            let _ = w.join(); // every job's panic was caught in its worker
        }
        panicked.map_or(Ok(()), |m| Err(PoolError::JobPanicked(m)))
    }

    /// Stretch: a reorder buffer keyed by index releases results in input order.
    fn square_all_in_order(
        &self,
        cfg: PoolConfig,
        numbers: Jobs<i64>,
        probe: Probe<i64>,
        emit: &mut dyn FnMut(Squared),
    ) -> Result<(), PoolError> {
        let (mut pending, mut next) = (BTreeMap::new(), 0);
        self.square_all(cfg, numbers, probe, &mut |r| {
            pending.insert(r.index, r);
            while let Some(r) = pending.remove(&next) {
                emit(r);
                next += 1;
            }
        })
    }
}

/// A panic's message, as `panic!` gave it.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a job panicked".into())
}
