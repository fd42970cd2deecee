//! Task 1, Squarer: the model answer.
//!
//! A producer thread feeds a bounded jobs channel; `workers` threads share its receiver, square,
//! and send into a bounded results channel; the calling thread ranges over the results. The
//! results channel closes by itself when the last worker drops its sender (Go's closer goroutine
//! and `wg.Wait()`), and every thread is joined before returning.
//!
//! Written against `harness::sync`, which is std in a normal build and loom under the loom model.

use harness::contracts::task01_squarer::{Squared, Squarer};
use harness::contracts::{PoolConfig, PoolError};
use harness::probe::{Jobs, Probe};
use harness::sync::{sync_channel, thread, Arc, Mutex};
use std::collections::BTreeMap;

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
                    let square = probe.run(n, || n * n);
                    if results.send(Squared { index, square }).is_err() {
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
        for r in results_rx.iter() {
            emit(r);
        }
        let mut panicked = producer.join().is_err();
        for w in workers {
            panicked |= w.join().is_err();
        }
        match panicked {
            true => Err(PoolError::JobPanicked("a squarer thread panicked".into())),
            false => Ok(()),
        }
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
