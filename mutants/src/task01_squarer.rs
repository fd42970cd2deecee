//! Task 1, Squarer: the model answer with one mistake planted per mutant.

use crate::{chan, Mutant};
use harness::contracts::task01_squarer::{Squared, Squarer};
use harness::contracts::{PoolConfig, PoolError};
use harness::probe::{Jobs, Probe};
use harness::Check;
use std::collections::BTreeMap;
use std::sync::mpsc::channel;
use std::sync::{Arc, Mutex};
use std::thread;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Bug {
    LostResult,
    DoubleCount,
    OneWorkerShort,
    UnboundedJobs,
    JobsOffByOne,
    UnboundedResults,
    ResultsOffByOne,
    ReturnsBeforeLastWorker,
    LeakedThread,
    JobsNeverClosed,
    NoZeroCheck,
    NoEmptyCheck,
    ProducerInCaller,
    UnorderedStretch,
}

struct Buggy(Bug);

impl Squarer for Buggy {
    fn square_all(
        &self,
        cfg: PoolConfig,
        numbers: Jobs<i64>,
        probe: Probe<i64>,
        emit: &mut dyn FnMut(Squared),
    ) -> Result<(), PoolError> {
        let bug = self.0;
        if cfg.workers == 0 && bug != Bug::NoZeroCheck {
            return Err(PoolError::ZeroWorkers);
        }
        let mut numbers = numbers.enumerate().peekable();
        if numbers.peek().is_none() && bug != Bug::NoEmptyCheck {
            return Err(PoolError::EmptyInput);
        }
        let jobs_cap = cfg.jobs_buffer + usize::from(bug == Bug::JobsOffByOne);
        let results_cap = cfg.results_buffer + usize::from(bug == Bug::ResultsOffByOne);
        let (jobs_tx, jobs_rx) = chan::<(usize, i64)>(bug == Bug::UnboundedJobs, jobs_cap);
        let (results_tx, results_rx) = chan(bug == Bug::UnboundedResults, results_cap);
        let jobs_rx = Arc::new(Mutex::new(jobs_rx));
        let workers = cfg.workers - usize::from(bug == Bug::OneWorkerShort);
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                let (jobs, results, probe) = (jobs_rx.clone(), results_tx.clone(), probe.clone());
                thread::spawn(move || loop {
                    let job = jobs.lock().unwrap().recv();
                    let Ok((index, n)) = job else { break };
                    let square = probe.run(n, || n * n);
                    if bug == Bug::LostResult && index == 0 {
                        continue;
                    }
                    if bug == Bug::DoubleCount && index == 0 {
                        results.send(Squared { index, square });
                    }
                    if !results.send(Squared { index, square }) {
                        break;
                    }
                })
            })
            .collect();
        drop(results_tx);
        if bug == Bug::LeakedThread {
            // A "progress reporter" waiting for a message that never comes.
            let (never_tx, never_rx) = channel::<()>();
            std::mem::forget(never_tx);
            thread::spawn(move || never_rx.recv());
        }
        let keep_open = (bug == Bug::JobsNeverClosed).then(|| jobs_tx.clone());
        if bug == Bug::ProducerInCaller {
            // Sends every job before reading any result: fills both buffers and waits forever.
            for job in numbers {
                jobs_tx.send(job);
            }
            drop(jobs_tx);
        } else {
            thread::spawn(move || {
                for job in numbers {
                    if !jobs_tx.send(job) {
                        break;
                    }
                }
            });
        }
        if bug == Bug::ReturnsBeforeLastWorker {
            // Stops reading as soon as nothing is waiting, instead of when the channel closes.
            for r in results_rx.iter().take(1) {
                emit(r);
            }
            while let Ok(r) = results_rx.try_recv() {
                emit(r);
            }
            return Ok(());
        }
        for r in results_rx.iter() {
            emit(r);
        }
        drop(keep_open);
        for h in handles {
            let _ = h.join();
        }
        Ok(())
    }

    fn square_all_in_order(
        &self,
        cfg: PoolConfig,
        numbers: Jobs<i64>,
        probe: Probe<i64>,
        emit: &mut dyn FnMut(Squared),
    ) -> Result<(), PoolError> {
        if self.0 == Bug::UnorderedStretch {
            return self.square_all(cfg, numbers, probe, emit);
        }
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

pub fn mutants() -> Vec<Mutant> {
    use Bug::*;
    vec![
        mutant!(
            task01,
            "task01_squarer",
            "lost_result",
            Buggy(LostResult),
            Check::Requirement,
            "a worker skips sending the first job's result"
        ),
        mutant!(
            task01,
            "task01_squarer",
            "double_count",
            Buggy(DoubleCount),
            Check::Requirement,
            "a worker sends the first job's result twice"
        ),
        mutant!(
            task01,
            "task01_squarer",
            "one_worker_short",
            Buggy(OneWorkerShort),
            Check::PoolSize,
            "spawns workers - 1 threads"
        ),
        mutant!(
            task01,
            "task01_squarer",
            "unbounded_jobs",
            Buggy(UnboundedJobs),
            Check::BufferSize,
            "the jobs channel is unbounded (mpsc::channel)"
        ),
        mutant!(
            task01,
            "task01_squarer",
            "jobs_off_by_one",
            Buggy(JobsOffByOne),
            Check::BufferSize,
            "the jobs channel holds jobs_buffer + 1"
        ),
        mutant!(
            task01,
            "task01_squarer",
            "unbounded_results",
            Buggy(UnboundedResults),
            Check::BufferSize,
            "the results channel is unbounded"
        ),
        mutant!(
            task01,
            "task01_squarer",
            "results_off_by_one",
            Buggy(ResultsOffByOne),
            Check::BufferSize,
            "the results channel holds results_buffer + 1"
        ),
        mutant!(
            task01,
            "task01_squarer",
            "returns_before_last_worker",
            Buggy(ReturnsBeforeLastWorker),
            Check::CloseOnce,
            "stops reading results when none is waiting, not when the channel closes"
        ),
        mutant!(
            task01,
            "task01_squarer",
            "leaked_thread",
            Buggy(LeakedThread),
            Check::NoLeaks,
            "starts a reporter thread that never ends"
        ),
        mutant!(
            task01,
            "task01_squarer",
            "jobs_never_closed",
            Buggy(JobsNeverClosed),
            Check::CloseOnce,
            "keeps a jobs sender alive, so workers wait forever"
        ),
        mutant!(
            task01,
            "task01_squarer",
            "zero_workers_hang",
            Buggy(NoZeroCheck),
            Check::GracefulShutdown,
            "accepts zero workers and waits forever"
        ),
        mutant!(
            task01,
            "task01_squarer",
            "empty_input_accepted",
            Buggy(NoEmptyCheck),
            Check::GracefulShutdown,
            "returns Ok on no numbers instead of EmptyInput"
        ),
        mutant!(
            task01,
            "task01_squarer",
            "producer_in_caller",
            Buggy(ProducerInCaller),
            Check::GracefulShutdown,
            "the caller sends every job before reading results: deadlocks once buffers fill"
        ),
        mutant!(
            task01,
            "task01_squarer",
            "unordered_stretch",
            Buggy(UnorderedStretch),
            Check::Stretch,
            "the in-order variant emits in completion order"
        ),
    ]
}

/// A race the ordinary scenarios almost never see, for the loom model to find: the last worker
/// closes the results with a racy count (`load` then `store`, not `fetch_sub`), so two workers
/// finishing together can both count "one left" and nobody closes: the caller waits forever.
/// Written against `harness::sync` so loom can run it; judged only by `tests/loom.rs`.
pub struct RacyLastWorkerCloses;

impl Squarer for RacyLastWorkerCloses {
    fn square_all(
        &self,
        cfg: PoolConfig,
        numbers: Jobs<i64>,
        probe: Probe<i64>,
        emit: &mut dyn FnMut(Squared),
    ) -> Result<(), PoolError> {
        use harness::sync::atomic::{AtomicUsize, Ordering::SeqCst};
        use harness::sync::{sync_channel, thread, Arc, Mutex};
        if cfg.workers == 0 {
            return Err(PoolError::ZeroWorkers);
        }
        let (jobs_tx, jobs_rx) = sync_channel::<(usize, i64)>(cfg.jobs_buffer);
        let (results_tx, results_rx) = sync_channel(cfg.results_buffer);
        let (jobs_rx, results_tx) = (
            Arc::new(Mutex::new(jobs_rx)),
            Arc::new(Mutex::new(Some(results_tx))),
        );
        let live = Arc::new(AtomicUsize::new(cfg.workers));
        let workers: Vec<_> = (0..cfg.workers)
            .map(|_| {
                let (jobs, results, live, probe) = (
                    jobs_rx.clone(),
                    results_tx.clone(),
                    live.clone(),
                    probe.clone(),
                );
                thread::spawn(move || {
                    loop {
                        let job = jobs.lock().unwrap().recv();
                        let Ok((index, n)) = job else { break };
                        let square = probe.run(n, || n * n);
                        let tx = results.lock().unwrap().clone();
                        if let Some(tx) = tx {
                            let _ = tx.send(Squared { index, square });
                        }
                    }
                    let left = live.load(SeqCst) - 1;
                    live.store(left, SeqCst);
                    if left == 0 {
                        results.lock().unwrap().take(); // the last worker closes the results
                    }
                })
            })
            .collect();
        let producer = thread::spawn(move || {
            for job in numbers.enumerate() {
                let _ = jobs_tx.send(job);
            }
        });
        for r in results_rx.iter() {
            emit(r);
        }
        let _ = producer.join();
        for w in workers {
            let _ = w.join();
        }
        Ok(())
    }
}
