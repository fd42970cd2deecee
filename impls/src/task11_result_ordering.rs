//! Task 11, Result Ordering: the model answer.
//!
//! One pool serves both versions: a producer numbers the jobs as it takes them, the workers send
//! back `(index, square)`, and the calling thread puts each result in its place. The slice
//! version writes `out[index]`; the stream version keeps early results in a `BTreeMap` and emits
//! from it while the next expected index is there. Its window is a channel of `window` tokens:
//! the producer sends one before taking a job, the consumer takes one back for each square it
//! emits, so a stalled head job stops the producer once `window` jobs are out. Written against
//! `harness::sync`, so `ci/loom.sh` model-checks it.

use harness::contracts::task11_result_ordering::{ResultOrdering, StreamConfig};
use harness::contracts::{PoolConfig, PoolError};
use harness::probe::{Jobs, Probe};
use harness::sync::{sync_channel, thread, Arc, Mutex, Receiver};
use std::collections::BTreeMap;

pub struct Answer;

/// The producer and `cfg.workers` workers; `admit` is called before each number is taken and
/// stops the producer when it says no. Returns the results and every thread to join.
fn start(
    cfg: PoolConfig,
    numbers: Jobs<i64>,
    probe: Probe<usize>,
    mut admit: impl FnMut() -> bool + Send + 'static,
) -> (Receiver<(usize, i64)>, Vec<thread::JoinHandle<()>>) {
    let (jobs_tx, jobs_rx) = sync_channel::<(usize, i64)>(cfg.jobs_buffer);
    let (results_tx, results_rx) = sync_channel(cfg.results_buffer);
    let jobs_rx = Arc::new(Mutex::new(jobs_rx));
    let mut threads: Vec<_> = (0..cfg.workers)
        .map(|_| {
            let (jobs, results, probe) = (jobs_rx.clone(), results_tx.clone(), probe.clone());
            thread::spawn(move || loop {
                let job = jobs.lock().unwrap().recv(); // the lock is held for the recv only
                let Ok((index, n)) = job else { break };
                let square = probe.run(index, || n * n);
                if results.send((index, square)).is_err() {
                    break;
                }
            })
        })
        .collect();
    threads.push(thread::spawn(move || {
        let mut numbers = numbers;
        for index in 0.. {
            if !admit() {
                break;
            }
            let Some(n) = numbers.next() else { break };
            if jobs_tx.send((index, n)).is_err() {
                break;
            }
        }
    }));
    (results_rx, threads)
}

impl ResultOrdering for Answer {
    fn ordered_slice(
        &self,
        cfg: PoolConfig,
        numbers: Jobs<i64>,
        probe: Probe<usize>,
    ) -> Result<Vec<i64>, PoolError> {
        if cfg.workers == 0 {
            return Err(PoolError::ZeroWorkers);
        }
        let (results, threads) = start(cfg, numbers, probe, || true);
        let mut out = Vec::new();
        for (index, square) in results.iter() {
            if index >= out.len() {
                out.resize(index + 1, 0);
            }
            out[index] = square; // results[j.Index] = result
        }
        threads.into_iter().for_each(|t| drop(t.join()));
        Ok(out)
    }

    fn ordered_stream(
        &self,
        cfg: StreamConfig,
        numbers: Jobs<i64>,
        probe: Probe<usize>,
        emit: &mut dyn FnMut(i64),
    ) -> Result<(), PoolError> {
        if cfg.pool.workers == 0 || cfg.window == 0 {
            return Err(PoolError::ZeroWorkers);
        }
        let (permit, permits) = sync_channel::<()>(cfg.window);
        let (results, threads) = start(cfg.pool, numbers, probe, move || permit.send(()).is_ok());
        let (mut early, mut next) = (BTreeMap::new(), 0);
        for (index, square) in results.iter() {
            early.insert(index, square);
            while let Some(square) = early.remove(&next) {
                emit(square);
                next += 1;
                let _ = permits.recv(); // one more job may be taken
            }
        }
        drop(permits); // a producer waiting for a permit sees the window closed
        threads.into_iter().for_each(|t| drop(t.join()));
        Ok(())
    }
}
