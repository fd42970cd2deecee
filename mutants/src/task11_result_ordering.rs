//! Task 11, Result Ordering: the model answer with one mistake planted per mutant. Written, as
//! the model answer is, against `harness::sync`, so the loom model can run [`WorkerSideReorder`].

use crate::Mutant;
use harness::contracts::task11_result_ordering::{ResultOrdering, StreamConfig};
use harness::contracts::{PoolConfig, PoolError};
use harness::probe::{Jobs, Probe};
use harness::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use harness::sync::{sync_channel, thread, Arc, Mutex, Receiver};
use harness::Check;
use std::collections::BTreeMap;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Bug {
    CompletionOrder,
    EmitsSmallestBuffered,
    NoWindow,
    WindowFreedOnReceipt,
    SortAtEnd,
    WorkersFromCpus,
    JobsUnbounded,
    ResultsUnbounded,
    ZeroWindowAccepted,
    KeyedByNumber,
}

struct Buggy(Bug);

/// As big as "unbounded" gets for a channel std allocates up front.
const HUGE: usize = 1 << 16;

fn start(
    bug: Bug,
    cfg: PoolConfig,
    numbers: Jobs<i64>,
    probe: Probe<usize>,
    mut admit: impl FnMut() -> bool + Send + 'static,
) -> (Receiver<(usize, i64)>, Vec<thread::JoinHandle<()>>) {
    let workers = match bug {
        Bug::WorkersFromCpus => PoolConfig::num_cpu(),
        _ => cfg.workers,
    };
    let jobs_cap = if bug == Bug::JobsUnbounded {
        HUGE
    } else {
        cfg.jobs_buffer
    };
    let results_cap = if bug == Bug::ResultsUnbounded {
        HUGE
    } else {
        cfg.results_buffer
    };
    let (jobs_tx, jobs_rx) = sync_channel::<(usize, i64)>(jobs_cap);
    let (results_tx, results_rx) = sync_channel(results_cap);
    let jobs_rx = Arc::new(Mutex::new(jobs_rx));
    let mut threads: Vec<_> = (0..workers)
        .map(|_| {
            let (jobs, results, probe) = (jobs_rx.clone(), results_tx.clone(), probe.clone());
            thread::spawn(move || loop {
                let job = jobs.lock().unwrap().recv();
                let Ok((index, n)) = job else { break };
                let key = if bug == Bug::KeyedByNumber {
                    n.unsigned_abs() as usize
                } else {
                    index
                };
                let square = probe.run(key, || n * n);
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

fn join(threads: Vec<thread::JoinHandle<()>>) {
    threads.into_iter().for_each(|t| drop(t.join()));
}

impl ResultOrdering for Buggy {
    fn ordered_slice(
        &self,
        cfg: PoolConfig,
        numbers: Jobs<i64>,
        probe: Probe<usize>,
    ) -> Result<Vec<i64>, PoolError> {
        let bug = self.0;
        if cfg.workers == 0 {
            return Err(PoolError::ZeroWorkers);
        }
        let (results, threads) = start(bug, cfg, numbers, probe, || true);
        let mut out = Vec::new();
        for (index, square) in results.iter() {
            if bug == Bug::CompletionOrder {
                out.push(square);
                continue;
            }
            if index >= out.len() {
                out.resize(index + 1, 0);
            }
            out[index] = square;
        }
        join(threads);
        Ok(out)
    }

    fn ordered_stream(
        &self,
        cfg: StreamConfig,
        numbers: Jobs<i64>,
        probe: Probe<usize>,
        emit: &mut dyn FnMut(i64),
    ) -> Result<(), PoolError> {
        let bug = self.0;
        if cfg.pool.workers == 0 || (cfg.window == 0 && bug != Bug::ZeroWindowAccepted) {
            return Err(PoolError::ZeroWorkers);
        }
        let window = if bug == Bug::NoWindow {
            HUGE
        } else {
            cfg.window
        };
        let (permit, permits) = sync_channel::<()>(window);
        let (results, threads) = start(bug, cfg.pool, numbers, probe, move || {
            permit.send(()).is_ok()
        });
        let (mut early, mut next) = (BTreeMap::new(), 0);
        for (index, square) in results.iter() {
            early.insert(index, square);
            let freed_on_receipt = matches!(bug, Bug::WindowFreedOnReceipt | Bug::SortAtEnd);
            if freed_on_receipt {
                let _ = permits.recv();
            }
            if bug == Bug::SortAtEnd {
                continue;
            }
            loop {
                let head = match bug {
                    Bug::EmitsSmallestBuffered => early.pop_first().map(|(_, v)| v),
                    _ => early.remove(&next),
                };
                let Some(square) = head else { break };
                emit(square);
                next += 1;
                if !freed_on_receipt {
                    let _ = permits.recv();
                }
            }
        }
        for (_, square) in std::mem::take(&mut early) {
            emit(square); // what SortAtEnd kept back, in index order
        }
        drop(permits);
        join(threads);
        Ok(())
    }
}

/// The race the loom model exists for, kept out of the mutants test (ordinary runs almost never
/// show it): the workers reorder the results themselves. A worker whose index is the next one
/// sends it and drains the shared buffer; any other worker puts its result in the buffer. A
/// worker that looked at `next` before the worker holding the next index sent and drained, and
/// inserts after the drain, strands its result: nobody drains again.
pub struct WorkerSideReorder;

impl ResultOrdering for WorkerSideReorder {
    fn ordered_slice(
        &self,
        cfg: PoolConfig,
        numbers: Jobs<i64>,
        probe: Probe<usize>,
    ) -> Result<Vec<i64>, PoolError> {
        let mut out = Vec::new();
        let stream = StreamConfig {
            pool: cfg,
            window: cfg.workers + cfg.jobs_buffer + 1,
        };
        self.ordered_stream(stream, numbers, probe, &mut |sq| out.push(sq))?;
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
        let (jobs_tx, jobs_rx) = sync_channel::<(usize, i64)>(cfg.pool.jobs_buffer);
        let (ordered_tx, ordered_rx) = sync_channel::<i64>(cfg.window.max(cfg.pool.results_buffer));
        let jobs_rx = Arc::new(Mutex::new(jobs_rx));
        let next = Arc::new(AtomicUsize::new(0));
        let buffer: Arc<Mutex<BTreeMap<usize, i64>>> = Arc::default();
        let mut threads: Vec<_> = (0..cfg.pool.workers)
            .map(|_| {
                let (jobs, out, probe) = (jobs_rx.clone(), ordered_tx.clone(), probe.clone());
                let (next, buffer) = (next.clone(), buffer.clone());
                thread::spawn(move || loop {
                    let job = jobs.lock().unwrap().recv();
                    let Ok((index, n)) = job else { break };
                    let square = probe.run(index, || n * n);
                    if index != next.load(SeqCst) {
                        buffer.lock().unwrap().insert(index, square);
                        continue;
                    }
                    let _ = out.send(square);
                    next.fetch_add(1, SeqCst);
                    loop {
                        let ready = buffer.lock().unwrap().remove(&next.load(SeqCst));
                        let Some(square) = ready else { break };
                        let _ = out.send(square);
                        next.fetch_add(1, SeqCst);
                    }
                })
            })
            .collect();
        drop(ordered_tx);
        threads.push(thread::spawn(move || {
            for job in numbers.enumerate() {
                if jobs_tx.send(job).is_err() {
                    break;
                }
            }
        }));
        for square in ordered_rx.iter() {
            emit(square);
        }
        threads.into_iter().for_each(|t| drop(t.join()));
        Ok(())
    }
}

pub fn mutants() -> Vec<Mutant> {
    macro_rules! m {
        ($name:literal, $bug:ident, $breaks:expr, $what:literal) => {
            mutant!(
                task11,
                "task11_result_ordering",
                $name,
                Buggy(Bug::$bug),
                $breaks,
                $what
            )
        };
    }
    vec![
        m!("slice_in_completion_order", CompletionOrder, Check::Requirement,
            "pushes each result as it arrives instead of writing it at its index"),
        m!("emits_smallest_buffered", EmitsSmallestBuffered, Check::Requirement,
            "emits whatever is smallest in the reorder buffer, not only the next expected index"),
        m!("no_window", NoWindow, Check::BufferSize,
            "never bounds the jobs out: a stalled head lets the buffer grow"),
        m!("window_freed_on_receipt", WindowFreedOnReceipt, Check::BufferSize,
            "gives a window slot back when a result reaches the buffer, not when it is emitted"),
        m!("sorts_at_the_end", SortAtEnd, Check::Requirement,
            "buffers everything and emits it at the end: not a stream"),
        m!("workers_from_the_cpus", WorkersFromCpus, Check::PoolSize,
            "starts one worker per CPU instead of cfg.workers"),
        m!("jobs_unbounded", JobsUnbounded, Check::BufferSize,
            "makes the jobs channel as good as unbounded"),
        m!("results_unbounded", ResultsUnbounded, Check::BufferSize,
            "makes the results channel as good as unbounded: the window bounds the jobs, not how far the workers run ahead"),
        m!("zero_window_accepted", ZeroWindowAccepted, Check::GracefulShutdown,
            "never checks for a zero window"),
        m!("keyed_by_number", KeyedByNumber, Check::Requirement,
            "keys each probe.run by the number, not its position"),
    ]
}
