//! Blind mutants of Task 1 (Squarer), written from the contract and the course alone, without
//! having seen the scenarios. Each is a whole solution, in one of the styles learners use (scoped
//! threads, detached `std::thread`s with join handles, `std::sync::mpsc`, `crossbeam-channel`),
//! with exactly one planted defect.
//!
//! Every mutant handles a panicking job the same, correct, way unless that is its defect: the
//! panic is caught around `probe.run`, logged, the worker carries on, the other results are still
//! emitted, and the call returns `PoolError::JobPanicked` at the end.

use crate::Mutant;
use crossbeam_channel as cb;
use harness::contracts::task01_squarer::Squared;
use harness::contracts::{PoolConfig, PoolError, Solution, Squarer};
use harness::probe::{Jobs, Probe};
use harness::Check;
use std::any::Any;
use std::cmp::Ordering as CmpOrdering;
use std::collections::{BTreeMap, BinaryHeap, HashMap};
use std::iter::Peekable;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex, PoisonError};
use std::thread;
use std::time::Duration;

/// Names a mutant and makes it a `Solution` that attempts task 1 only.
macro_rules! blind {
    ($ty:ident, $name:literal) => {
        impl $ty {
            const NAME: &'static str = concat!("task01_squarer::", $name);
        }
        impl Solution for $ty {
            fn name(&self) -> &str {
                Self::NAME
            }
            fn task01(&self) -> Option<&dyn Squarer> {
                Some(self)
            }
        }
    };
}

// ---------------------------------------------------------------------------------------------
// Shared, correct pieces.
// ---------------------------------------------------------------------------------------------

fn panic_message(payload: Box<dyn Any + Send>) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a job panicked".to_string()
    }
}

/// Squares one number inside the probe; a panicking job becomes an error, so its worker survives.
fn square(probe: &Probe<i64>, n: i64) -> Result<i64, String> {
    panic::catch_unwind(AssertUnwindSafe(|| probe.run(n, || n * n))).map_err(panic_message)
}

/// Logs a job's panic and keeps the first one to report at the end.
fn note_panic(slot: &Mutex<Option<String>>, n: i64, msg: String) {
    tracing::error!(n, %msg, "job panicked");
    slot.lock()
        .unwrap_or_else(PoisonError::into_inner)
        .get_or_insert(msg);
}

/// `Ok` unless some job panicked.
fn take_panic(slot: &Mutex<Option<String>>) -> Result<(), PoolError> {
    match slot.lock().unwrap_or_else(PoisonError::into_inner).take() {
        Some(msg) => Err(PoolError::JobPanicked(msg)),
        None => Ok(()),
    }
}

/// Refuses zero workers and an empty input, without losing the first number.
fn refuse(cfg: &PoolConfig, numbers: Jobs<i64>) -> Result<Peekable<Jobs<i64>>, PoolError> {
    if cfg.workers == 0 {
        return Err(PoolError::ZeroWorkers);
    }
    let mut numbers = numbers.peekable();
    if numbers.peek().is_none() {
        return Err(PoolError::EmptyInput);
    }
    Ok(numbers)
}

/// A correct pool (scoped threads, crossbeam channels): the base the stretch mutants reuse.
fn scoped_pool(
    cfg: PoolConfig,
    numbers: Jobs<i64>,
    probe: Probe<i64>,
    on_result: &mut dyn FnMut(Squared),
) -> Result<(), PoolError> {
    let numbers = refuse(&cfg, numbers)?;
    let (jobs_tx, jobs_rx) = cb::bounded::<(usize, i64)>(cfg.jobs_buffer);
    let (results_tx, results_rx) = cb::bounded::<Squared>(cfg.results_buffer);
    let panicked = Mutex::new(None);
    thread::scope(|s| {
        s.spawn(move || {
            for (index, n) in numbers.enumerate() {
                if jobs_tx.send((index, n)).is_err() {
                    break;
                }
            }
        });
        for _ in 0..cfg.workers {
            let jobs_rx = jobs_rx.clone();
            let results_tx = results_tx.clone();
            let probe = probe.clone();
            let panicked = &panicked;
            s.spawn(move || {
                for (index, n) in jobs_rx {
                    match square(&probe, n) {
                        Ok(square) => {
                            if results_tx.send(Squared { index, square }).is_err() {
                                break;
                            }
                        }
                        Err(msg) => note_panic(panicked, n, msg),
                    }
                }
            });
        }
        drop(jobs_rx);
        drop(results_tx);
        for r in results_rx {
            on_result(r);
        }
    });
    take_panic(&panicked)
}

/// A correct reorder buffer: emits each result once every earlier index has been emitted.
fn reorder(emit: &mut dyn FnMut(Squared)) -> impl FnMut(Squared) + '_ {
    let mut next = 0;
    let mut pending = BTreeMap::new();
    move |r: Squared| {
        pending.insert(r.index, r.square);
        while let Some(square) = pending.remove(&next) {
            emit(Squared {
                index: next,
                square,
            });
            next += 1;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Sizes.
// ---------------------------------------------------------------------------------------------

/// The results channel is an unbounded `mpsc::channel()` while the jobs channel is a
/// `sync_channel(cfg.jobs_buffer)`: results pile up unread past `cfg.results_buffer`.
/// A good suite blames `buffer_size`.
pub struct ResultsUnbounded;
blind!(ResultsUnbounded, "blind_results_channel_unbounded");

impl Squarer for ResultsUnbounded {
    fn square_all(
        &self,
        cfg: PoolConfig,
        numbers: Jobs<i64>,
        probe: Probe<i64>,
        emit: &mut dyn FnMut(Squared),
    ) -> Result<(), PoolError> {
        let numbers = refuse(&cfg, numbers)?;
        let (jobs_tx, jobs_rx) = mpsc::sync_channel::<(usize, i64)>(cfg.jobs_buffer);
        let jobs_rx = Arc::new(Mutex::new(jobs_rx));
        // Workers never block on the results: no need to bound this one.
        let (results_tx, results_rx) = mpsc::channel::<Squared>();
        let panicked = Arc::new(Mutex::new(None));
        let mut workers = Vec::with_capacity(cfg.workers);
        for _ in 0..cfg.workers {
            let jobs_rx = Arc::clone(&jobs_rx);
            let results_tx = results_tx.clone();
            let probe = probe.clone();
            let panicked = Arc::clone(&panicked);
            workers.push(thread::spawn(move || loop {
                let job = jobs_rx
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .recv();
                let Ok((index, n)) = job else { break };
                match square(&probe, n) {
                    Ok(square) => {
                        if results_tx.send(Squared { index, square }).is_err() {
                            break;
                        }
                    }
                    Err(msg) => note_panic(&panicked, n, msg),
                }
            }));
        }
        drop(results_tx);
        let producer = thread::spawn(move || {
            for (index, n) in numbers.enumerate() {
                if jobs_tx.send((index, n)).is_err() {
                    break;
                }
            }
        });
        for r in results_rx {
            emit(r);
        }
        let mut joined = producer
            .join()
            .map_err(|p| PoolError::JobPanicked(panic_message(p)));
        for w in workers {
            if let Err(p) = w.join() {
                joined = Err(PoolError::JobPanicked(panic_message(p)));
            }
        }
        joined?;
        take_panic(&panicked)
    }
}

/// The jobs channel is sized `cfg.workers` ("the default is N jobs") instead of
/// `cfg.jobs_buffer`. A good suite blames `buffer_size`.
pub struct JobsBufferFromWorkers;
blind!(JobsBufferFromWorkers, "blind_jobs_buffer_sized_by_workers");

impl JobsBufferFromWorkers {
    fn run(
        cfg: PoolConfig,
        numbers: Jobs<i64>,
        probe: Probe<i64>,
        emit: &mut dyn FnMut(Squared),
    ) -> Result<(), PoolError> {
        let numbers = refuse(&cfg, numbers)?;
        let (jobs_tx, jobs_rx) = cb::bounded::<(usize, i64)>(cfg.workers);
        let (results_tx, results_rx) = cb::bounded::<Squared>(cfg.results_buffer);
        let panicked = Mutex::new(None);
        thread::scope(|s| {
            s.spawn(move || {
                for (index, n) in numbers.enumerate() {
                    if jobs_tx.send((index, n)).is_err() {
                        break;
                    }
                }
            });
            for _ in 0..cfg.workers {
                let (jobs_rx, results_tx, probe) =
                    (jobs_rx.clone(), results_tx.clone(), probe.clone());
                let panicked = &panicked;
                s.spawn(move || {
                    while let Ok((index, n)) = jobs_rx.recv() {
                        match square(&probe, n) {
                            Ok(square) => {
                                if results_tx.send(Squared { index, square }).is_err() {
                                    return;
                                }
                            }
                            Err(msg) => note_panic(panicked, n, msg),
                        }
                    }
                });
            }
            drop((jobs_rx, results_tx));
            results_rx.iter().for_each(&mut *emit);
        });
        take_panic(&panicked)
    }
}

impl Squarer for JobsBufferFromWorkers {
    fn square_all(
        &self,
        cfg: PoolConfig,
        numbers: Jobs<i64>,
        probe: Probe<i64>,
        emit: &mut dyn FnMut(Squared),
    ) -> Result<(), PoolError> {
        Self::run(cfg, numbers, probe, emit)
    }

    fn square_all_in_order(
        &self,
        cfg: PoolConfig,
        numbers: Jobs<i64>,
        probe: Probe<i64>,
        emit: &mut dyn FnMut(Squared),
    ) -> Result<(), PoolError> {
        let mut in_order = reorder(emit);
        Self::run(cfg, numbers, probe, &mut in_order)
    }
}

/// Reads the whole input into a `Vec` first (to check it is not empty), then feeds the bounded
/// jobs channel from the `Vec`: every job is taken long before a worker is free for it.
/// A good suite blames `buffer_size`.
pub struct CollectsInputUpFront;
blind!(CollectsInputUpFront, "blind_collects_input_up_front");

impl Squarer for CollectsInputUpFront {
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
        let numbers: Vec<i64> = numbers.collect();
        if numbers.is_empty() {
            return Err(PoolError::EmptyInput);
        }
        let (jobs_tx, jobs_rx) = cb::bounded::<(usize, i64)>(cfg.jobs_buffer);
        let (results_tx, results_rx) = cb::bounded::<Squared>(cfg.results_buffer);
        let panicked = Mutex::new(None);
        thread::scope(|s| {
            s.spawn(move || {
                for (index, n) in numbers.into_iter().enumerate() {
                    if jobs_tx.send((index, n)).is_err() {
                        break;
                    }
                }
            });
            for _ in 0..cfg.workers {
                let jobs_rx = jobs_rx.clone();
                let results_tx = results_tx.clone();
                let probe = probe.clone();
                let panicked = &panicked;
                s.spawn(move || {
                    for (index, n) in jobs_rx {
                        match square(&probe, n) {
                            Ok(square) => {
                                if results_tx.send(Squared { index, square }).is_err() {
                                    break;
                                }
                            }
                            Err(msg) => note_panic(panicked, n, msg),
                        }
                    }
                });
            }
            drop(jobs_rx);
            drop(results_tx);
            for r in results_rx {
                emit(r);
            }
        });
        take_panic(&panicked)
    }
}

/// Always starts 4 workers, as the course's task statement says, whatever `cfg.workers` asks.
/// A good suite blames `pool_size`.
pub struct HardcodedFourWorkers;
blind!(HardcodedFourWorkers, "blind_hardcoded_four_workers");

impl Squarer for HardcodedFourWorkers {
    fn square_all(
        &self,
        cfg: PoolConfig,
        numbers: Jobs<i64>,
        probe: Probe<i64>,
        emit: &mut dyn FnMut(Squared),
    ) -> Result<(), PoolError> {
        /// "Squares 100 integers using 4 workers."
        const WORKERS: usize = 4;
        let numbers = refuse(&cfg, numbers)?;
        let (jobs_tx, jobs_rx) = mpsc::sync_channel::<(usize, i64)>(cfg.jobs_buffer);
        let (results_tx, results_rx) = mpsc::sync_channel::<Squared>(cfg.results_buffer);
        let jobs_rx = Mutex::new(jobs_rx);
        let panicked = Mutex::new(None);
        thread::scope(|s| {
            s.spawn(move || {
                for (index, n) in numbers.enumerate() {
                    if jobs_tx.send((index, n)).is_err() {
                        break;
                    }
                }
            });
            for _ in 0..WORKERS {
                let results_tx = results_tx.clone();
                let probe = probe.clone();
                let (jobs_rx, panicked) = (&jobs_rx, &panicked);
                s.spawn(move || loop {
                    let job = jobs_rx
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .recv();
                    let Ok((index, n)) = job else { break };
                    match square(&probe, n) {
                        Ok(square) => {
                            if results_tx.send(Squared { index, square }).is_err() {
                                break;
                            }
                        }
                        Err(msg) => note_panic(panicked, n, msg),
                    }
                });
            }
            drop(results_tx);
            for r in results_rx {
                emit(r);
            }
        });
        take_panic(&panicked)
    }
}

/// Off by one in the spawn loop (`0..=cfg.workers`): one worker more than configured.
/// A good suite blames `pool_size`.
pub struct OneWorkerTooMany;
blind!(OneWorkerTooMany, "blind_one_worker_too_many");

impl Squarer for OneWorkerTooMany {
    fn square_all(
        &self,
        cfg: PoolConfig,
        numbers: Jobs<i64>,
        probe: Probe<i64>,
        emit: &mut dyn FnMut(Squared),
    ) -> Result<(), PoolError> {
        let numbers = refuse(&cfg, numbers)?;
        let (jobs_tx, jobs_rx) = cb::bounded::<(usize, i64)>(cfg.jobs_buffer);
        let (results_tx, results_rx) = cb::bounded::<Squared>(cfg.results_buffer);
        let panicked = Arc::new(Mutex::new(None));
        let mut handles = Vec::new();
        for id in 0..=cfg.workers {
            let (jobs_rx, results_tx) = (jobs_rx.clone(), results_tx.clone());
            let (probe, panicked) = (probe.clone(), Arc::clone(&panicked));
            handles.push(thread::spawn(move || {
                tracing::debug!(id, "worker started");
                for (index, n) in jobs_rx.iter() {
                    match square(&probe, n) {
                        Ok(square) => {
                            if results_tx.send(Squared { index, square }).is_err() {
                                break;
                            }
                        }
                        Err(msg) => note_panic(&panicked, n, msg),
                    }
                }
                tracing::debug!(id, "worker done");
            }));
        }
        drop(jobs_rx);
        drop(results_tx);
        handles.push(thread::spawn(move || {
            for (index, n) in numbers.enumerate() {
                if jobs_tx.send((index, n)).is_err() {
                    break;
                }
            }
        }));
        for r in results_rx.iter() {
            emit(r);
        }
        for h in handles {
            h.join()
                .map_err(|p| PoolError::JobPanicked(panic_message(p)))?;
        }
        take_panic(&panicked)
    }
}

/// Zero workers is quietly bumped to one (`cfg.workers.max(1)`) instead of being refused with
/// `PoolError::ZeroWorkers`. A good suite blames `pool_size`.
pub struct ZeroWorkersClampedToOne;
blind!(ZeroWorkersClampedToOne, "blind_zero_workers_clamped_to_one");

impl Squarer for ZeroWorkersClampedToOne {
    fn square_all(
        &self,
        cfg: PoolConfig,
        numbers: Jobs<i64>,
        probe: Probe<i64>,
        emit: &mut dyn FnMut(Squared),
    ) -> Result<(), PoolError> {
        // Never start an empty pool: it would hang.
        let workers = cfg.workers.max(1);
        let mut numbers = numbers.peekable();
        if numbers.peek().is_none() {
            return Err(PoolError::EmptyInput);
        }
        let (jobs_tx, jobs_rx) = cb::bounded::<(usize, i64)>(cfg.jobs_buffer);
        let (results_tx, results_rx) = cb::bounded::<Squared>(cfg.results_buffer);
        let panicked = Arc::new(Mutex::new(None));
        let workers: Vec<_> = (0..workers)
            .map(|_| {
                let (jobs_rx, results_tx) = (jobs_rx.clone(), results_tx.clone());
                let (probe, panicked) = (probe.clone(), Arc::clone(&panicked));
                thread::spawn(move || {
                    for (index, n) in jobs_rx {
                        match square(&probe, n) {
                            Ok(square) => {
                                if results_tx.send(Squared { index, square }).is_err() {
                                    break;
                                }
                            }
                            Err(msg) => note_panic(&panicked, n, msg),
                        }
                    }
                })
            })
            .collect();
        drop((jobs_rx, results_tx));
        let producer = thread::spawn(move || {
            for (index, n) in numbers.enumerate() {
                if jobs_tx.send((index, n)).is_err() {
                    break;
                }
            }
        });
        for r in results_rx {
            emit(r);
        }
        let _ = producer.join();
        for w in workers {
            w.join()
                .map_err(|p| PoolError::JobPanicked(panic_message(p)))?;
        }
        take_panic(&panicked)
    }
}

// ---------------------------------------------------------------------------------------------
// Inputs.
// ---------------------------------------------------------------------------------------------

/// The empty-input check calls `numbers.next()`, which eats the first number: it is never
/// squared and every index is shifted by one. A good suite blames `requirement`.
pub struct EmptyCheckEatsFirstNumber;
blind!(
    EmptyCheckEatsFirstNumber,
    "blind_empty_check_eats_first_number"
);

impl Squarer for EmptyCheckEatsFirstNumber {
    fn square_all(
        &self,
        cfg: PoolConfig,
        mut numbers: Jobs<i64>,
        probe: Probe<i64>,
        emit: &mut dyn FnMut(Squared),
    ) -> Result<(), PoolError> {
        if cfg.workers == 0 {
            return Err(PoolError::ZeroWorkers);
        }
        if numbers.next().is_none() {
            return Err(PoolError::EmptyInput);
        }
        let (jobs_tx, jobs_rx) = cb::bounded::<(usize, i64)>(cfg.jobs_buffer);
        let (results_tx, results_rx) = cb::bounded::<Squared>(cfg.results_buffer);
        let panicked = Mutex::new(None);
        thread::scope(|s| {
            s.spawn(move || {
                for (index, n) in numbers.enumerate() {
                    tracing::trace!(index, n, "queued");
                    if jobs_tx.send((index, n)).is_err() {
                        break;
                    }
                }
            });
            for _ in 0..cfg.workers {
                let jobs_rx = jobs_rx.clone();
                let results_tx = results_tx.clone();
                let probe = probe.clone();
                let panicked = &panicked;
                s.spawn(move || {
                    for (index, n) in jobs_rx {
                        match square(&probe, n) {
                            Ok(square) => {
                                if results_tx.send(Squared { index, square }).is_err() {
                                    break;
                                }
                            }
                            Err(msg) => note_panic(panicked, n, msg),
                        }
                    }
                });
            }
            drop(jobs_rx);
            drop(results_tx);
            for r in results_rx {
                emit(r);
            }
        });
        take_panic(&panicked)
    }
}

/// An empty input is not refused: the pool starts, finds nothing to do and returns `Ok(())`
/// instead of `PoolError::EmptyInput`. A good suite blames `graceful_shutdown` (bad input
/// silently accepted).
pub struct EmptyInputAccepted;
blind!(EmptyInputAccepted, "blind_empty_input_accepted");

impl Squarer for EmptyInputAccepted {
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
        let (jobs_tx, jobs_rx) = mpsc::sync_channel::<(usize, i64)>(cfg.jobs_buffer);
        let (results_tx, results_rx) = mpsc::sync_channel::<Squared>(cfg.results_buffer);
        let jobs_rx = Arc::new(Mutex::new(jobs_rx));
        let panicked = Arc::new(Mutex::new(None));
        let mut handles = Vec::with_capacity(cfg.workers + 1);
        for _ in 0..cfg.workers {
            let jobs_rx = Arc::clone(&jobs_rx);
            let results_tx = results_tx.clone();
            let probe = probe.clone();
            let panicked = Arc::clone(&panicked);
            handles.push(thread::spawn(move || loop {
                let job = jobs_rx
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .recv();
                let Ok((index, n)) = job else { return };
                match square(&probe, n) {
                    Ok(square) => {
                        if results_tx.send(Squared { index, square }).is_err() {
                            return;
                        }
                    }
                    Err(msg) => note_panic(&panicked, n, msg),
                }
            }));
        }
        drop(results_tx);
        handles.push(thread::spawn(move || {
            for (index, n) in numbers.enumerate() {
                if jobs_tx.send((index, n)).is_err() {
                    return;
                }
            }
        }));
        for r in results_rx {
            emit(r);
        }
        for h in handles {
            if let Err(p) = h.join() {
                return Err(PoolError::JobPanicked(panic_message(p)));
            }
        }
        take_panic(&panicked)
    }
}

/// Jobs carry only the number; the consumer finds the index in a number-to-position map the
/// producer fills, so duplicate numbers all get one position. A good suite blames `requirement`.
pub struct IndexLookedUpByValue;
blind!(IndexLookedUpByValue, "blind_index_looked_up_by_value");

impl Squarer for IndexLookedUpByValue {
    fn square_all(
        &self,
        cfg: PoolConfig,
        numbers: Jobs<i64>,
        probe: Probe<i64>,
        emit: &mut dyn FnMut(Squared),
    ) -> Result<(), PoolError> {
        let numbers = refuse(&cfg, numbers)?;
        let (jobs_tx, jobs_rx) = cb::bounded::<i64>(cfg.jobs_buffer);
        let (results_tx, results_rx) = cb::bounded::<(i64, i64)>(cfg.results_buffer);
        let position: Mutex<HashMap<i64, usize>> = Mutex::new(HashMap::new());
        let panicked = Mutex::new(None);
        thread::scope(|s| {
            let position = &position;
            s.spawn(move || {
                for (index, n) in numbers.enumerate() {
                    position
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .insert(n, index);
                    if jobs_tx.send(n).is_err() {
                        break;
                    }
                }
            });
            for _ in 0..cfg.workers {
                let jobs_rx = jobs_rx.clone();
                let results_tx = results_tx.clone();
                let probe = probe.clone();
                let panicked = &panicked;
                s.spawn(move || {
                    for n in jobs_rx {
                        match square(&probe, n) {
                            Ok(square) => {
                                if results_tx.send((n, square)).is_err() {
                                    break;
                                }
                            }
                            Err(msg) => note_panic(panicked, n, msg),
                        }
                    }
                });
            }
            drop(jobs_rx);
            drop(results_tx);
            for (n, square) in results_rx {
                let index = position.lock().unwrap_or_else(PoisonError::into_inner)[&n];
                emit(Squared { index, square });
            }
        });
        take_panic(&panicked)
    }
}

// ---------------------------------------------------------------------------------------------
// The "how".
// ---------------------------------------------------------------------------------------------

/// Brackets each job as `probe.run(index, ..)` (the job's position) instead of
/// `probe.run(n, ..)` (the number): the jobs the probe sees started are not the jobs taken.
/// A good suite blames `requirement`.
pub struct ProbeKeyIsIndex;
blind!(ProbeKeyIsIndex, "blind_probe_key_is_index");

impl Squarer for ProbeKeyIsIndex {
    fn square_all(
        &self,
        cfg: PoolConfig,
        numbers: Jobs<i64>,
        probe: Probe<i64>,
        emit: &mut dyn FnMut(Squared),
    ) -> Result<(), PoolError> {
        let numbers = refuse(&cfg, numbers)?;
        let (jobs_tx, jobs_rx) = mpsc::sync_channel::<(usize, i64)>(cfg.jobs_buffer);
        let (results_tx, results_rx) = mpsc::sync_channel::<Squared>(cfg.results_buffer);
        let jobs_rx = Arc::new(Mutex::new(jobs_rx));
        let panicked = Arc::new(Mutex::new(None));
        let mut workers = Vec::with_capacity(cfg.workers);
        for _ in 0..cfg.workers {
            let jobs_rx = Arc::clone(&jobs_rx);
            let results_tx = results_tx.clone();
            let probe = probe.clone();
            let panicked = Arc::clone(&panicked);
            workers.push(thread::spawn(move || loop {
                let job = jobs_rx
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .recv();
                let Ok((index, n)) = job else { break };
                let key = index as i64;
                let run = panic::catch_unwind(AssertUnwindSafe(|| probe.run(key, || n * n)));
                match run {
                    Ok(square) => {
                        if results_tx.send(Squared { index, square }).is_err() {
                            break;
                        }
                    }
                    Err(p) => note_panic(&panicked, n, panic_message(p)),
                }
            }));
        }
        drop(results_tx);
        let producer = thread::spawn(move || {
            for (index, n) in numbers.enumerate() {
                if jobs_tx.send((index, n)).is_err() {
                    break;
                }
            }
        });
        for r in results_rx {
            emit(r);
        }
        let _ = producer.join();
        for w in workers {
            w.join()
                .map_err(|p| PoolError::JobPanicked(panic_message(p)))?;
        }
        take_panic(&panicked)
    }
}

/// The calling thread is both producer and consumer: it sends every job before reading any
/// result, so once the jobs and results buffers are full it deadlocks (inputs larger than
/// `jobs_buffer + workers + results_buffer`). A good suite blames `requirement`.
pub struct ProducerOnCallingThread;
blind!(ProducerOnCallingThread, "blind_producer_on_calling_thread");

impl Squarer for ProducerOnCallingThread {
    fn square_all(
        &self,
        cfg: PoolConfig,
        numbers: Jobs<i64>,
        probe: Probe<i64>,
        emit: &mut dyn FnMut(Squared),
    ) -> Result<(), PoolError> {
        let numbers = refuse(&cfg, numbers)?;
        let (jobs_tx, jobs_rx) = cb::bounded::<(usize, i64)>(cfg.jobs_buffer);
        let (results_tx, results_rx) = cb::bounded::<Squared>(cfg.results_buffer);
        let panicked = Mutex::new(None);
        thread::scope(|s| {
            for _ in 0..cfg.workers {
                let jobs_rx = jobs_rx.clone();
                let results_tx = results_tx.clone();
                let probe = probe.clone();
                let panicked = &panicked;
                s.spawn(move || {
                    for (index, n) in jobs_rx {
                        match square(&probe, n) {
                            Ok(square) => {
                                if results_tx.send(Squared { index, square }).is_err() {
                                    break;
                                }
                            }
                            Err(msg) => note_panic(panicked, n, msg),
                        }
                    }
                });
            }
            drop(jobs_rx);
            drop(results_tx);
            for (index, n) in numbers.enumerate() {
                if jobs_tx.send((index, n)).is_err() {
                    break;
                }
            }
            drop(jobs_tx);
            for r in results_rx {
                emit(r);
            }
        });
        take_panic(&panicked)
    }
}

// ---------------------------------------------------------------------------------------------
// Lifetimes and the course's "find the bug" patterns.
// ---------------------------------------------------------------------------------------------

/// Waits for the workers (joins them) before reading any result: with more results than the
/// results buffer holds, a worker blocks on a full channel and the join never returns.
/// A good suite blames `all_joined`.
pub struct JoinsBeforeDraining;
blind!(JoinsBeforeDraining, "blind_joins_before_draining_results");

impl Squarer for JoinsBeforeDraining {
    fn square_all(
        &self,
        cfg: PoolConfig,
        numbers: Jobs<i64>,
        probe: Probe<i64>,
        emit: &mut dyn FnMut(Squared),
    ) -> Result<(), PoolError> {
        let numbers = refuse(&cfg, numbers)?;
        let (jobs_tx, jobs_rx) = mpsc::sync_channel::<(usize, i64)>(cfg.jobs_buffer);
        let (results_tx, results_rx) = mpsc::sync_channel::<Squared>(cfg.results_buffer);
        let jobs_rx = Arc::new(Mutex::new(jobs_rx));
        let panicked = Arc::new(Mutex::new(None));
        let producer = thread::spawn(move || {
            for (index, n) in numbers.enumerate() {
                if jobs_tx.send((index, n)).is_err() {
                    break;
                }
            }
        });
        let mut workers = Vec::with_capacity(cfg.workers);
        for _ in 0..cfg.workers {
            let jobs_rx = Arc::clone(&jobs_rx);
            let results_tx = results_tx.clone();
            let probe = probe.clone();
            let panicked = Arc::clone(&panicked);
            workers.push(thread::spawn(move || loop {
                let job = jobs_rx
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .recv();
                let Ok((index, n)) = job else { break };
                match square(&probe, n) {
                    Ok(square) => {
                        if results_tx.send(Squared { index, square }).is_err() {
                            break;
                        }
                    }
                    Err(msg) => note_panic(&panicked, n, msg),
                }
            }));
        }
        drop(results_tx);
        // wg.Wait(), then range over the results.
        let _ = producer.join();
        for w in workers {
            w.join()
                .map_err(|p| PoolError::JobPanicked(panic_message(p)))?;
        }
        for r in results_rx {
            emit(r);
        }
        take_panic(&panicked)
    }
}

/// Every worker holds a clone of one bundle of channel ends, the jobs sender included, so the
/// jobs channel is never closed; the consumer stops on a count, and the detached workers stay
/// blocked in `recv` forever. A good suite blames `no_leaks`.
pub struct JobsChannelNeverClosed;
blind!(JobsChannelNeverClosed, "blind_jobs_channel_never_closed");

#[derive(Clone)]
struct Lanes {
    jobs_tx: cb::Sender<(usize, i64)>,
    jobs_rx: cb::Receiver<(usize, i64)>,
    results_tx: cb::Sender<Squared>,
}

impl Squarer for JobsChannelNeverClosed {
    fn square_all(
        &self,
        cfg: PoolConfig,
        numbers: Jobs<i64>,
        probe: Probe<i64>,
        emit: &mut dyn FnMut(Squared),
    ) -> Result<(), PoolError> {
        let numbers = refuse(&cfg, numbers)?;
        let (jobs_tx, jobs_rx) = cb::bounded(cfg.jobs_buffer);
        let (results_tx, results_rx) = cb::bounded(cfg.results_buffer);
        let lanes = Lanes {
            jobs_tx,
            jobs_rx,
            results_tx,
        };
        let sent = Arc::new(AtomicUsize::new(0));
        let failed = Arc::new(AtomicUsize::new(0));
        let all_sent = Arc::new(AtomicBool::new(false));
        let panicked = Arc::new(Mutex::new(None));
        for _ in 0..cfg.workers {
            let lanes = lanes.clone();
            let probe = probe.clone();
            let (failed, panicked) = (Arc::clone(&failed), Arc::clone(&panicked));
            thread::spawn(move || {
                for (index, n) in lanes.jobs_rx.iter() {
                    match square(&probe, n) {
                        Ok(square) => {
                            if lanes.results_tx.send(Squared { index, square }).is_err() {
                                break;
                            }
                        }
                        Err(msg) => {
                            note_panic(&panicked, n, msg);
                            failed.fetch_add(1, Ordering::SeqCst);
                        }
                    }
                }
            });
        }
        let producer = {
            let lanes = lanes.clone();
            let (sent, all_sent) = (Arc::clone(&sent), Arc::clone(&all_sent));
            thread::spawn(move || {
                for (index, n) in numbers.enumerate() {
                    if lanes.jobs_tx.send((index, n)).is_err() {
                        break;
                    }
                    sent.fetch_add(1, Ordering::SeqCst);
                }
                all_sent.store(true, Ordering::SeqCst);
            })
        };
        let mut received = 0;
        loop {
            if all_sent.load(Ordering::SeqCst)
                && received + failed.load(Ordering::SeqCst) == sent.load(Ordering::SeqCst)
            {
                break;
            }
            match results_rx.recv_timeout(Duration::from_millis(5)) {
                Ok(r) => {
                    emit(r);
                    received += 1;
                }
                Err(cb::RecvTimeoutError::Timeout) => {}
                Err(cb::RecvTimeoutError::Disconnected) => break,
            }
        }
        producer
            .join()
            .map_err(|p| PoolError::JobPanicked(panic_message(p)))?;
        take_panic(&panicked)
    }
}

/// A hand-rolled wait group whose `add` is inside the worker thread: if the consumer looks
/// before any worker has started, it sees zero active workers and returns early, leaving the
/// workers to run (and lose their results) after the call. A good suite blames `all_joined`.
pub struct WaitGroupAddInsideWorker;
blind!(
    WaitGroupAddInsideWorker,
    "blind_wait_group_add_inside_worker"
);

impl Squarer for WaitGroupAddInsideWorker {
    fn square_all(
        &self,
        cfg: PoolConfig,
        numbers: Jobs<i64>,
        probe: Probe<i64>,
        emit: &mut dyn FnMut(Squared),
    ) -> Result<(), PoolError> {
        let numbers = refuse(&cfg, numbers)?;
        let (jobs_tx, jobs_rx) = cb::bounded::<(usize, i64)>(cfg.jobs_buffer);
        let (results_tx, results_rx) = cb::bounded::<Squared>(cfg.results_buffer);
        let active = Arc::new(AtomicUsize::new(0));
        let panicked = Arc::new(Mutex::new(None));
        for id in 0..cfg.workers {
            let (jobs_rx, results_tx) = (jobs_rx.clone(), results_tx.clone());
            let (active, panicked, probe) =
                (Arc::clone(&active), Arc::clone(&panicked), probe.clone());
            thread::spawn(move || {
                active.fetch_add(1, Ordering::SeqCst);
                tracing::debug!(id, "worker up");
                for (index, n) in jobs_rx {
                    match square(&probe, n) {
                        Ok(square) => {
                            if results_tx.send(Squared { index, square }).is_err() {
                                break;
                            }
                        }
                        Err(msg) => note_panic(&panicked, n, msg),
                    }
                }
                active.fetch_sub(1, Ordering::SeqCst);
            });
        }
        thread::spawn(move || {
            for (index, n) in numbers.enumerate() {
                if jobs_tx.send((index, n)).is_err() {
                    break;
                }
            }
        });
        loop {
            match results_rx.recv_timeout(Duration::from_millis(1)) {
                Ok(r) => emit(r),
                Err(cb::RecvTimeoutError::Timeout) => {
                    if active.load(Ordering::SeqCst) == 0 {
                        break;
                    }
                }
                Err(cb::RecvTimeoutError::Disconnected) => break,
            }
        }
        while let Ok(r) = results_rx.try_recv() {
            emit(r);
        }
        take_panic(&panicked)
    }
}

/// The consumer treats a quiet spell (no result for 250 ms) as the end of the results and
/// returns, losing the results of any job slower than that. A good suite blames `close_once`
/// (the stream ends before its last result).
pub struct ConsumerStopsOnQuietSpell;
blind!(
    ConsumerStopsOnQuietSpell,
    "blind_consumer_stops_on_quiet_spell"
);

/// "So a stuck worker can never hang the program."
const QUIET: Duration = Duration::from_millis(250);

fn drain_until_quiet(results: mpsc::Receiver<Squared>, emit: &mut dyn FnMut(Squared)) {
    while let Ok(r) = results.recv_timeout(QUIET) {
        emit(r);
    }
}

impl Squarer for ConsumerStopsOnQuietSpell {
    fn square_all(
        &self,
        cfg: PoolConfig,
        numbers: Jobs<i64>,
        probe: Probe<i64>,
        emit: &mut dyn FnMut(Squared),
    ) -> Result<(), PoolError> {
        let numbers = refuse(&cfg, numbers)?;
        let (jobs_tx, jobs_rx) = mpsc::sync_channel::<(usize, i64)>(cfg.jobs_buffer);
        let (results_tx, results_rx) = mpsc::sync_channel::<Squared>(cfg.results_buffer);
        let jobs_rx = Arc::new(Mutex::new(jobs_rx));
        let panicked = Arc::new(Mutex::new(None));
        let mut handles = Vec::with_capacity(cfg.workers + 1);
        for _ in 0..cfg.workers {
            let jobs_rx = Arc::clone(&jobs_rx);
            let results_tx = results_tx.clone();
            let probe = probe.clone();
            let panicked = Arc::clone(&panicked);
            handles.push(thread::spawn(move || loop {
                let job = jobs_rx
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .recv();
                let Ok((index, n)) = job else { break };
                match square(&probe, n) {
                    Ok(square) => {
                        if results_tx.send(Squared { index, square }).is_err() {
                            break;
                        }
                    }
                    Err(msg) => note_panic(&panicked, n, msg),
                }
            }));
        }
        drop(results_tx);
        drop(jobs_rx);
        handles.push(thread::spawn(move || {
            for (index, n) in numbers.enumerate() {
                if jobs_tx.send((index, n)).is_err() {
                    break;
                }
            }
        }));
        drain_until_quiet(results_rx, emit);
        for h in handles {
            h.join()
                .map_err(|p| PoolError::JobPanicked(panic_message(p)))?;
        }
        take_panic(&panicked)
    }
}

// ---------------------------------------------------------------------------------------------
// Errors (panicking jobs).
// ---------------------------------------------------------------------------------------------

/// No `catch_unwind`: a panicking job kills its worker, and `let _ = h.join()` throws the
/// panic away, so the call returns `Ok(())` with that result (and, once every worker has died,
/// the rest) missing. A good suite blames `errors_handled`.
pub struct PanicSwallowedByJoin;
blind!(PanicSwallowedByJoin, "blind_panic_swallowed_by_join");

impl Squarer for PanicSwallowedByJoin {
    fn square_all(
        &self,
        cfg: PoolConfig,
        numbers: Jobs<i64>,
        probe: Probe<i64>,
        emit: &mut dyn FnMut(Squared),
    ) -> Result<(), PoolError> {
        let numbers = refuse(&cfg, numbers)?;
        let (jobs_tx, jobs_rx) = cb::bounded::<(usize, i64)>(cfg.jobs_buffer);
        let (results_tx, results_rx) = cb::bounded::<Squared>(cfg.results_buffer);
        let mut handles = Vec::with_capacity(cfg.workers + 1);
        for _ in 0..cfg.workers {
            let (jobs_rx, results_tx, probe) = (jobs_rx.clone(), results_tx.clone(), probe.clone());
            handles.push(thread::spawn(move || {
                for (index, n) in jobs_rx {
                    let square = probe.run(n, || n * n);
                    if results_tx.send(Squared { index, square }).is_err() {
                        break;
                    }
                }
            }));
        }
        drop(jobs_rx);
        drop(results_tx);
        handles.push(thread::spawn(move || {
            for (index, n) in numbers.enumerate() {
                if jobs_tx.send((index, n)).is_err() {
                    break;
                }
            }
        }));
        for r in results_rx {
            emit(r);
        }
        for h in handles {
            let _ = h.join();
        }
        Ok(())
    }
}

/// Catches a job's panic but then returns from the worker ("stop on the first error"): each
/// panic shrinks the pool, and once every worker has quit the remaining numbers are never
/// squared. A good suite blames `errors_handled`.
pub struct WorkerQuitsAfterPanic;
blind!(WorkerQuitsAfterPanic, "blind_worker_quits_after_panic");

impl Squarer for WorkerQuitsAfterPanic {
    fn square_all(
        &self,
        cfg: PoolConfig,
        numbers: Jobs<i64>,
        probe: Probe<i64>,
        emit: &mut dyn FnMut(Squared),
    ) -> Result<(), PoolError> {
        let numbers = refuse(&cfg, numbers)?;
        let (jobs_tx, jobs_rx) = cb::bounded::<(usize, i64)>(cfg.jobs_buffer);
        let (results_tx, results_rx) = cb::bounded::<Squared>(cfg.results_buffer);
        let panicked = Mutex::new(None);
        thread::scope(|s| {
            s.spawn(move || {
                for (index, n) in numbers.enumerate() {
                    if jobs_tx.send((index, n)).is_err() {
                        break;
                    }
                }
            });
            for _ in 0..cfg.workers {
                let jobs_rx = jobs_rx.clone();
                let results_tx = results_tx.clone();
                let probe = probe.clone();
                let panicked = &panicked;
                s.spawn(move || {
                    for (index, n) in jobs_rx {
                        match square(&probe, n) {
                            Ok(square) => {
                                if results_tx.send(Squared { index, square }).is_err() {
                                    return;
                                }
                            }
                            Err(msg) => {
                                note_panic(panicked, n, msg);
                                return;
                            }
                        }
                    }
                });
            }
            drop(jobs_rx);
            drop(results_tx);
            for r in results_rx {
                emit(r);
            }
        });
        take_panic(&panicked)
    }
}

// ---------------------------------------------------------------------------------------------
// Races only some interleavings show.
// ---------------------------------------------------------------------------------------------

/// Jobs carry only the number, and a worker takes the index from a shared counter after
/// receiving it, assuming jobs are received in input order: two workers that receive and count
/// in opposite orders swap their indices. A good suite blames `race_free`.
pub struct IndexFromSharedCounter;
blind!(IndexFromSharedCounter, "blind_index_from_shared_counter");

impl Squarer for IndexFromSharedCounter {
    fn square_all(
        &self,
        cfg: PoolConfig,
        numbers: Jobs<i64>,
        probe: Probe<i64>,
        emit: &mut dyn FnMut(Squared),
    ) -> Result<(), PoolError> {
        let numbers = refuse(&cfg, numbers)?;
        let (jobs_tx, jobs_rx) = cb::bounded::<i64>(cfg.jobs_buffer);
        let (results_tx, results_rx) = cb::bounded::<Squared>(cfg.results_buffer);
        let next_index = AtomicUsize::new(0);
        let panicked = Mutex::new(None);
        thread::scope(|s| {
            s.spawn(move || {
                for n in numbers {
                    if jobs_tx.send(n).is_err() {
                        break;
                    }
                }
            });
            for _ in 0..cfg.workers {
                let (jobs_rx, results_tx, probe) =
                    (jobs_rx.clone(), results_tx.clone(), probe.clone());
                let (next_index, panicked) = (&next_index, &panicked);
                s.spawn(move || {
                    while let Ok(n) = jobs_rx.recv() {
                        let index = next_index.fetch_add(1, Ordering::SeqCst);
                        match square(&probe, n) {
                            Ok(square) => {
                                if results_tx.send(Squared { index, square }).is_err() {
                                    break;
                                }
                            }
                            Err(msg) => note_panic(panicked, n, msg),
                        }
                    }
                });
            }
            drop(jobs_rx);
            drop(results_tx);
            for r in results_rx {
                emit(r);
            }
        });
        take_panic(&panicked)
    }
}

// ---------------------------------------------------------------------------------------------
// Stretch: results in input order.
// ---------------------------------------------------------------------------------------------

/// Stretch: the reorder buffer is a `Vec<i64>` of squares where `0` means "not arrived yet", so
/// once a number is 0 its square never counts as arrived and every later result is lost.
/// A good suite blames `stretch`.
pub struct InOrderZeroMeansEmpty;
blind!(
    InOrderZeroMeansEmpty,
    "blind_in_order_zero_means_empty_slot"
);

impl Squarer for InOrderZeroMeansEmpty {
    fn square_all(
        &self,
        cfg: PoolConfig,
        numbers: Jobs<i64>,
        probe: Probe<i64>,
        emit: &mut dyn FnMut(Squared),
    ) -> Result<(), PoolError> {
        scoped_pool(cfg, numbers, probe, emit)
    }

    fn square_all_in_order(
        &self,
        cfg: PoolConfig,
        numbers: Jobs<i64>,
        probe: Probe<i64>,
        emit: &mut dyn FnMut(Squared),
    ) -> Result<(), PoolError> {
        let mut slots: Vec<i64> = Vec::new();
        let mut next = 0;
        scoped_pool(cfg, numbers, probe, &mut |r: Squared| {
            if slots.len() <= r.index {
                slots.resize(r.index + 1, 0);
            }
            slots[r.index] = r.square;
            while next < slots.len() && slots[next] != 0 {
                emit(Squared {
                    index: next,
                    square: slots[next],
                });
                next += 1;
            }
        })
    }
}

/// A result waiting in the reorder heap, ordered by index.
struct Pending(Squared);

impl PartialEq for Pending {
    fn eq(&self, other: &Self) -> bool {
        self.0.index == other.0.index
    }
}

impl Eq for Pending {}

impl PartialOrd for Pending {
    fn partial_cmp(&self, other: &Self) -> Option<CmpOrdering> {
        Some(self.cmp(other))
    }
}

impl Ord for Pending {
    fn cmp(&self, other: &Self) -> CmpOrdering {
        self.0.index.cmp(&other.0.index)
    }
}

/// Stretch: the reorder buffer is a `BinaryHeap` ordered by index without `Reverse`, so it is a
/// max-heap: its top is the highest waiting index, and any result that arrives out of order
/// stalls the heap and is never emitted. A good suite blames `stretch`.
pub struct InOrderMaxHeap;
blind!(InOrderMaxHeap, "blind_in_order_heap_without_reverse");

impl Squarer for InOrderMaxHeap {
    fn square_all(
        &self,
        cfg: PoolConfig,
        numbers: Jobs<i64>,
        probe: Probe<i64>,
        emit: &mut dyn FnMut(Squared),
    ) -> Result<(), PoolError> {
        scoped_pool(cfg, numbers, probe, emit)
    }

    fn square_all_in_order(
        &self,
        cfg: PoolConfig,
        numbers: Jobs<i64>,
        probe: Probe<i64>,
        emit: &mut dyn FnMut(Squared),
    ) -> Result<(), PoolError> {
        let mut heap: BinaryHeap<Pending> = BinaryHeap::new();
        let mut next = 0;
        scoped_pool(cfg, numbers, probe, &mut |r: Squared| {
            heap.push(Pending(r));
            while heap.peek().is_some_and(|p| p.0.index == next) {
                if let Some(Pending(r)) = heap.pop() {
                    emit(r);
                }
                next += 1;
            }
        })
    }
}

/// Stretch: collects every result and sorts by `square` instead of `index`, which is input
/// order only for non-negative numbers given in ascending order. A good suite blames `stretch`.
pub struct InOrderSortedBySquare;
blind!(InOrderSortedBySquare, "blind_in_order_sorted_by_square");

impl Squarer for InOrderSortedBySquare {
    fn square_all(
        &self,
        cfg: PoolConfig,
        numbers: Jobs<i64>,
        probe: Probe<i64>,
        emit: &mut dyn FnMut(Squared),
    ) -> Result<(), PoolError> {
        scoped_pool(cfg, numbers, probe, emit)
    }

    fn square_all_in_order(
        &self,
        cfg: PoolConfig,
        numbers: Jobs<i64>,
        probe: Probe<i64>,
        emit: &mut dyn FnMut(Squared),
    ) -> Result<(), PoolError> {
        let mut all = Vec::new();
        let outcome = scoped_pool(cfg, numbers, probe, &mut |r| all.push(r));
        all.sort_by_key(|r| r.square);
        all.into_iter().for_each(&mut *emit);
        outcome
    }
}

// ---------------------------------------------------------------------------------------------
// Registration.
// ---------------------------------------------------------------------------------------------

static RESULTS_UNBOUNDED: ResultsUnbounded = ResultsUnbounded;
static JOBS_BUFFER_FROM_WORKERS: JobsBufferFromWorkers = JobsBufferFromWorkers;
static COLLECTS_INPUT_UP_FRONT: CollectsInputUpFront = CollectsInputUpFront;
static HARDCODED_FOUR_WORKERS: HardcodedFourWorkers = HardcodedFourWorkers;
static ONE_WORKER_TOO_MANY: OneWorkerTooMany = OneWorkerTooMany;
static ZERO_WORKERS_CLAMPED: ZeroWorkersClampedToOne = ZeroWorkersClampedToOne;
static EMPTY_CHECK_EATS_FIRST: EmptyCheckEatsFirstNumber = EmptyCheckEatsFirstNumber;
static EMPTY_INPUT_ACCEPTED: EmptyInputAccepted = EmptyInputAccepted;
static INDEX_BY_VALUE: IndexLookedUpByValue = IndexLookedUpByValue;
static PROBE_KEY_IS_INDEX: ProbeKeyIsIndex = ProbeKeyIsIndex;
static PRODUCER_ON_CALLER: ProducerOnCallingThread = ProducerOnCallingThread;
static JOINS_BEFORE_DRAINING: JoinsBeforeDraining = JoinsBeforeDraining;
/// Kept for the record, out of `mutants()`: see `DROPPED`.
#[allow(dead_code)]
static JOBS_NEVER_CLOSED: JobsChannelNeverClosed = JobsChannelNeverClosed;
static WG_ADD_INSIDE: WaitGroupAddInsideWorker = WaitGroupAddInsideWorker;
static QUIET_SPELL: ConsumerStopsOnQuietSpell = ConsumerStopsOnQuietSpell;
static PANIC_SWALLOWED: PanicSwallowedByJoin = PanicSwallowedByJoin;
static QUITS_AFTER_PANIC: WorkerQuitsAfterPanic = WorkerQuitsAfterPanic;
static INDEX_FROM_COUNTER: IndexFromSharedCounter = IndexFromSharedCounter;
static ZERO_MEANS_EMPTY: InOrderZeroMeansEmpty = InOrderZeroMeansEmpty;
static MAX_HEAP: InOrderMaxHeap = InOrderMaxHeap;
static SORTED_BY_SQUARE: InOrderSortedBySquare = InOrderSortedBySquare;

pub fn mutants() -> Vec<Mutant> {
    vec![
        Mutant {
            name: ResultsUnbounded::NAME,
            bug: "I bounded the jobs channel but made the results channel unbounded",
            breaks: Check::BufferSize,
            solution: &RESULTS_UNBOUNDED,
        },
        Mutant {
            name: JobsBufferFromWorkers::NAME,
            bug: "I sized the jobs channel by the worker count, not by the jobs buffer",
            breaks: Check::BufferSize,
            solution: &JOBS_BUFFER_FROM_WORKERS,
        },
        Mutant {
            name: CollectsInputUpFront::NAME,
            bug: "I collected all the numbers into a Vec before feeding the bounded jobs channel",
            breaks: Check::BufferSize,
            solution: &COLLECTS_INPUT_UP_FRONT,
        },
        Mutant {
            name: HardcodedFourWorkers::NAME,
            bug: "I always start 4 workers, as the task says, whatever the config asks",
            breaks: Check::PoolSize,
            solution: &HARDCODED_FOUR_WORKERS,
        },
        Mutant {
            name: OneWorkerTooMany::NAME,
            bug: "My spawn loop runs 0..=workers, one worker too many",
            breaks: Check::PoolSize,
            solution: &ONE_WORKER_TOO_MANY,
        },
        Mutant {
            name: ZeroWorkersClampedToOne::NAME,
            bug: "I quietly run one worker when asked for zero instead of refusing",
            breaks: Check::GracefulShutdown,
            solution: &ZERO_WORKERS_CLAMPED,
        },
        Mutant {
            name: EmptyCheckEatsFirstNumber::NAME,
            bug: "My empty-input check calls next(), which throws the first number away",
            breaks: Check::Requirement,
            solution: &EMPTY_CHECK_EATS_FIRST,
        },
        Mutant {
            name: EmptyInputAccepted::NAME,
            bug: "I never check for an empty input, so it returns Ok with nothing done",
            breaks: Check::GracefulShutdown,
            solution: &EMPTY_INPUT_ACCEPTED,
        },
        Mutant {
            name: IndexLookedUpByValue::NAME,
            bug: "I look each result's index up by its number, so duplicates share one index",
            breaks: Check::Requirement,
            solution: &INDEX_BY_VALUE,
        },
        Mutant {
            name: ProbeKeyIsIndex::NAME,
            bug: "I pass the job's position to probe.run instead of the number",
            breaks: Check::Requirement,
            solution: &PROBE_KEY_IS_INDEX,
        },
        Mutant {
            name: ProducerOnCallingThread::NAME,
            bug: "I send every job and only then read results, all on the calling thread",
            breaks: Check::GracefulShutdown,
            solution: &PRODUCER_ON_CALLER,
        },
        Mutant {
            name: JoinsBeforeDraining::NAME,
            bug: "I join the workers before reading the results, so they block on a full channel",
            breaks: Check::GracefulShutdown,
            solution: &JOINS_BEFORE_DRAINING,
        },
        Mutant {
            name: WaitGroupAddInsideWorker::NAME,
            bug: "My wait-group add is inside the worker, so the wait can pass before it starts",
            breaks: Check::AllJoined,
            solution: &WG_ADD_INSIDE,
        },
        Mutant {
            name: ConsumerStopsOnQuietSpell::NAME,
            bug: "My consumer stops when no result comes for 250 ms, dropping slow results",
            breaks: Check::CloseOnce,
            solution: &QUIET_SPELL,
        },
        Mutant {
            name: PanicSwallowedByJoin::NAME,
            bug: "A panicking job kills its worker and I ignore the join error",
            breaks: Check::ErrorsHandled,
            solution: &PANIC_SWALLOWED,
        },
        Mutant {
            name: WorkerQuitsAfterPanic::NAME,
            bug: "My worker returns after the first panicking job instead of carrying on",
            breaks: Check::ErrorsHandled,
            solution: &QUITS_AFTER_PANIC,
        },
        Mutant {
            name: IndexFromSharedCounter::NAME,
            bug: "Workers number jobs from a shared counter, assuming they receive them in order",
            breaks: Check::Requirement,
            solution: &INDEX_FROM_COUNTER,
        },
        Mutant {
            name: InOrderZeroMeansEmpty::NAME,
            bug: "My in-order buffer uses 0 for an empty slot, so a zero stalls it for good",
            breaks: Check::Stretch,
            solution: &ZERO_MEANS_EMPTY,
        },
        Mutant {
            name: InOrderMaxHeap::NAME,
            bug: "My in-order heap lacks Reverse, so out-of-order results are never emitted",
            breaks: Check::Stretch,
            solution: &MAX_HEAP,
        },
        Mutant {
            name: InOrderSortedBySquare::NAME,
            bug: "I sort the results by square instead of by index",
            breaks: Check::Stretch,
            solution: &SORTED_BY_SQUARE,
        },
    ]
}

/// Blind mutants of this task taken out at triage (they meet the contract), with the reason.
pub const DROPPED: &[super::Dropped] = &[super::Dropped {
    name: "task01_squarer::blind_jobs_channel_never_closed",
    reason: "its bug is not there: Rust 2021 closures capture only the fields they use, so each worker's move closure takes `lanes.jobs_rx` and `lanes.results_tx` but not the cloned `jobs_tx`, which is dropped with the rest of the clone; the jobs channel closes and every worker exits (seen under strace), so it meets the contract",
}];

/// Blind mutants of this task whose checklist item triage changed, with the reason.
pub const RELABELLED: &[super::Relabelled] = &[
    super::Relabelled {
        name: "task01_squarer::blind_zero_workers_clamped_to_one",
        was: Check::PoolSize,
        why: "refusing zero workers is graceful_shutdown under the blame rules; clamping to one accepts bad input",
    },
    super::Relabelled {
        name: "task01_squarer::blind_producer_on_calling_thread",
        was: Check::Requirement,
        why: "it deadlocks with finished results nobody reads: graceful_shutdown under the blame rules",
    },
    super::Relabelled {
        name: "task01_squarer::blind_joins_before_draining_results",
        was: Check::AllJoined,
        why: "it deadlocks with finished results nobody reads (joined before draining): graceful_shutdown under the blame rules",
    },

    super::Relabelled {
        name: "task01_squarer::blind_index_from_shared_counter",
        was: Check::RaceFree,
        why: "a race is blamed on its effect (a square at the wrong index: requirement); race_free is the loom model's",
    },
];

/// Blind mutants of this task whose catch is measured, not required (see `super::Uncertain`).
pub const UNCERTAIN: &[super::Uncertain] = &[];
