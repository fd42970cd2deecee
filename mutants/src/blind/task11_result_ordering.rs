//! Blind mutants of Task 11, Result Ordering (see `super`): written from the course, the contract
//! and the public types only, without having seen how the suite decides anything.
//!
//! One pool, [`Ordered`], is correct but for the piece its [`Bug`] plants. Its correct shape:
//! - slice: a producer thread numbers the jobs 0, 1, 2, ... and feeds them through a jobs channel
//!   of `jobs_buffer`; `workers` scoped workers square each inside `probe.run(index, ..)` and send
//!   `(index, square)` through a results channel of `results_buffer`; the calling thread stores
//!   each square at its index; the scope joins everyone before the slice is returned;
//! - stream: the same pool, plus a window of `window` tokens (a channel of that capacity) that the
//!   producer fills one token per job before taking it from `numbers`, and the calling thread
//!   empties one token per square emitted; the calling thread keeps early squares in a
//!   `BTreeMap` keyed by index and emits while the next expected index is there.
//!
//! A job that panics is caught in its worker and reported as [`PoolError::JobPanicked`] once the
//! pool has wound down (the stream stops taking jobs by dropping its end of the window).

use crate::Mutant;
use crossbeam_channel::{bounded, unbounded, Receiver};
use harness::contracts::task11_result_ordering::{ResultOrdering, StreamConfig, SEED_WORKERS};
use harness::contracts::{PoolConfig, PoolError};
use harness::probe::{Jobs, Probe};
use harness::Check;
use std::any::Any;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::thread;

pub fn mutants() -> Vec<Mutant> {
    vec![
        // ---- the slice version ----
        mutant!(
            task11,
            "task11_result_ordering",
            "blind_completion_order",
            Ordered(Bug::CompletionOrder),
            Check::Requirement,
            "I push each square onto the slice as it arrives, so the slice is in completion order."
        ),
        mutant!(
            task11,
            "task11_result_ordering",
            "blind_index_from_worker_counter",
            Ordered(Bug::IndexFromWorkerCounter),
            Check::Requirement,
            "I give each job its index in the worker from a shared counter (load, then store one more) instead of numbering jobs in the producer."
        ),
        mutant!(
            task11,
            "task11_result_ordering",
            "blind_index_from_one",
            Ordered(Bug::IndexFromOne),
            Check::Requirement,
            "I bump the producer's index before sending each job, so jobs are numbered from 1 and the slice starts with a stray 0."
        ),
        mutant!(
            task11,
            "task11_result_ordering",
            "blind_keyed_by_number",
            Ordered(Bug::KeyedByNumber),
            Check::Requirement,
            "I key each probe.run by the number being squared instead of its position in the input."
        ),
        mutant!(
            task11,
            "task11_result_ordering",
            "blind_position_by_number",
            Ordered(Bug::PositionByNumber),
            Check::Requirement,
            "I map each number to its position in a HashMap and put its square back there, so a repeated number lands twice in one slot and leaves a 0 in the other."
        ),
        mutant!(
            task11,
            "task11_result_ordering",
            "blind_workers_from_cpus",
            Ordered(Bug::WorkersFromCpus),
            Check::PoolSize,
            "I size the slice version's pool from the machine's CPU count, since squaring is CPU-bound, instead of cfg.workers."
        ),
        mutant!(
            task11,
            "task11_result_ordering",
            "blind_unbounded_jobs",
            Ordered(Bug::UnboundedJobs),
            Check::BufferSize,
            "I feed the slice version's workers through an unbounded jobs channel, so the producer reads the whole input ahead of them."
        ),
        mutant!(
            task11,
            "task11_result_ordering",
            "blind_zero_workers_clamped",
            Ordered(Bug::ZeroWorkersClamped),
            Check::GracefulShutdown,
            "I quietly run the slice version with one worker when asked for zero instead of refusing it."
        ),
        mutant!(
            task11,
            "task11_result_ordering",
            "blind_empty_is_error",
            Ordered(Bug::EmptyIsError),
            Check::Requirement,
            "I return EmptyInput from the slice version when there were no numbers, instead of an empty slice."
        ),
        mutant!(
            task11,
            "task11_result_ordering",
            "blind_producer_on_caller",
            Ordered(Bug::ProducerOnCaller),
            Check::Requirement,
            "I feed the jobs from the calling thread before collecting, so with more jobs than the channels hold the feeder and the workers wait on each other forever."
        ),
        mutant!(
            task11,
            "task11_result_ordering",
            "blind_join_before_drain",
            Ordered(Bug::JoinBeforeDrain),
            Check::AllJoined,
            "I join every worker before reading the results channel, so a worker blocked on a full results channel is never joined."
        ),
        mutant!(
            task11,
            "task11_result_ordering",
            "blind_busy_count_in_worker",
            Ordered(Bug::BusyCountInWorker),
            Check::Requirement,
            "I count busy workers inside each worker around each job and return once the count is zero, without joining them."
        ),
        // ---- the streaming version ----
        mutant!(
            task11,
            "task11_result_ordering",
            "blind_emit_smallest_buffered",
            Ordered(Bug::EmitSmallestBuffered),
            Check::Requirement,
            "I emit from the reorder buffer whenever it is not empty, smallest index first, instead of waiting for the next expected index."
        ),
        mutant!(
            task11,
            "task11_result_ordering",
            "blind_stops_before_last",
            Ordered(Bug::StopsBeforeLast),
            Check::Requirement,
            "I stop the stream once the next index to emit is the last one, so the last square is never emitted."
        ),
        mutant!(
            task11,
            "task11_result_ordering",
            "blind_sort_at_end",
            Ordered(Bug::SortAtEnd),
            Check::Requirement,
            "I collect every square with its index, sort them once the pool is done and only then emit them all."
        ),
        mutant!(
            task11,
            "task11_result_ordering",
            "blind_no_window",
            Ordered(Bug::NoWindow),
            Check::BufferSize,
            "I rely on the bounded channels and never enforce the window, so a stalled job lets the reorder buffer grow without bound."
        ),
        mutant!(
            task11,
            "task11_result_ordering",
            "blind_window_plus_one",
            Ordered(Bug::WindowPlusOne),
            Check::BufferSize,
            "I allow window + 1 jobs out at once, counting the one being emitted as already gone."
        ),
        mutant!(
            task11,
            "task11_result_ordering",
            "blind_window_on_results_channel",
            Ordered(Bug::WindowOnResultsChannel),
            Check::BufferSize,
            "I enforce the window by giving the results channel a capacity of window, so the reorder buffer behind it is still unbounded."
        ),
        mutant!(
            task11,
            "task11_result_ordering",
            "blind_window_freed_on_receipt",
            Ordered(Bug::WindowFreedOnReceipt),
            Check::BufferSize,
            "I give a job's window slot back as soon as its square reaches the reorder buffer instead of once it is emitted."
        ),
        mutant!(
            task11,
            "task11_result_ordering",
            "blind_window_slot_in_worker",
            Ordered(Bug::WindowSlotInWorker),
            Check::BufferSize,
            "I take a window slot in the worker just before it runs a job, so the producer still reads jobs into the jobs channel past the window."
        ),
        mutant!(
            task11,
            "task11_result_ordering",
            "blind_emit_from_worker",
            Ordered(Bug::EmitFromWorker),
            Check::Requirement,
            "I share emit with the workers behind a Mutex, so whichever worker finishes the next index emits the squares that are ready from its own thread."
        ),
        mutant!(
            task11,
            "task11_result_ordering",
            "blind_result_before_probe",
            Ordered(Bug::ResultBeforeProbe),
            Check::Requirement,
            "I send each square as soon as I have computed it and only then record the job with probe.run, so the square is out before the job has run."
        ),
        mutant!(
            task11,
            "task11_result_ordering",
            "blind_stream_keys_from_one",
            Ordered(Bug::StreamKeysFromOne),
            Check::Requirement,
            "I key the streaming version's probe.run by index + 1 so the job numbers read 1, 2, 3 like a person counts."
        ),
        mutant!(
            task11,
            "task11_result_ordering",
            "blind_seed_eight_workers",
            Ordered(Bug::SeedEightWorkers),
            Check::PoolSize,
            "I keep the course's pool of 8 workers in the streaming version instead of cfg.pool.workers."
        ),
        mutant!(
            task11,
            "task11_result_ordering",
            "blind_jobs_buffer_swapped",
            Ordered(Bug::JobsBufferSwapped),
            Check::BufferSize,
            "I size the streaming version's jobs channel with results_buffer, mixing up the two buffer sizes."
        ),
        mutant!(
            task11,
            "task11_result_ordering",
            "blind_unbounded_results",
            Ordered(Bug::UnboundedResults),
            Check::BufferSize,
            "I make the streaming version's results channel unbounded, since the window already bounds the jobs out."
        ),
        mutant!(
            task11,
            "task11_result_ordering",
            "blind_zero_window_accepted",
            Ordered(Bug::ZeroWindowAccepted),
            Check::GracefulShutdown,
            "I refuse zero workers but forget to refuse a zero window, so the producer waits forever for a slot."
        ),
        mutant!(
            task11,
            "task11_result_ordering",
            "blind_stream_empty_is_error",
            Ordered(Bug::StreamEmptyIsError),
            Check::Requirement,
            "I peek at the numbers and refuse an empty stream with EmptyInput, as the earlier tasks did."
        ),
        mutant!(
            task11,
            "task11_result_ordering",
            "blind_assert_unique_numbers",
            Ordered(Bug::AssertUniqueNumbers),
            Check::Requirement,
            "I assert that no number is squared twice to catch double work, and the assert panics on an input that repeats a number."
        ),
    ]
}

/// Blind mutants of this task dropped at triage, with the reason.
pub const DROPPED: &[super::Dropped] = &[super::Dropped {
    name: "task11_result_ordering::blind_detached_threads",
    reason: "its threads have finished every job, sent every result and left their loops when the results channel closes: what is left is an OS thread tearing itself down for microseconds, which a pool joined with thread::scope also leaves (scope returns once each closure has returned, before the thread's exit). Nothing a caller can observe tells the two apart, so no verdict may rest on it",
}];

/// Blind mutants of this task whose checklist item triage changed, with the reason.
pub const RELABELLED: &[super::Relabelled] = &[
    super::Relabelled {
        name: "task11_result_ordering::blind_busy_count_in_worker",
        was: Check::AllJoined,
        why: "the call returns with squares missing (the count reads zero between jobs): a result missing is requirement by the blame rules, and it is caught there in every run",
    },
    super::Relabelled {
        name: "task11_result_ordering::blind_zero_workers_clamped",
        was: Check::ErrorsHandled,
        why: "zero workers run as one is a refusal that did not happen: graceful_shutdown, as for every task",
    },
    super::Relabelled {
        name: "task11_result_ordering::blind_zero_window_accepted",
        was: Check::ErrorsHandled,
        why: "a zero window accepted is a refusal that did not happen: graceful_shutdown, as for every task",
    },
    super::Relabelled {
        name: "task11_result_ordering::blind_index_from_worker_counter",
        was: Check::RaceFree,
        why: "a race is blamed on what it breaks: squares at the wrong positions, requirement",
    },
];

/// Blind mutants of this task whose catch is measured rather than required.
pub const UNCERTAIN: &[super::Uncertain] = &[super::Uncertain {
    name: "task11_result_ordering::blind_index_from_worker_counter",
    why: "a square lands at the wrong position only when a worker is preempted between its receive and its look at the counter while another worker receives and counts first: a window inside the solution, before probe.run, where no harness boundary lies; in_order_under_perturbed_schedules reached it in every local and sweep run but missed it once when the CI gate graded four mutants at a time; numbers handed over as harness objects that know their bracket would decide it in every run (a contract change left for later)",
}];

/// The one piece of [`Ordered`] that is wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Bug {
    // ---- planted in `ordered_slice` ----
    /// The calling thread pushes squares in arrival order instead of storing each at its index:
    /// the slice is in completion order. Breaks `requirement`.
    CompletionOrder,
    /// The worker numbers each job from a shared counter with a load then a store (check-then-act),
    /// in the order workers get there rather than the input's: two workers can take one index, or
    /// swap two. Breaks `race_free`.
    IndexFromWorkerCounter,
    /// The producer increments its index before sending, so jobs are numbered 1..=n (probe keys
    /// too) and the slice has a stray 0 at the front and one element too many. Breaks `requirement`.
    IndexFromOne,
    /// Each `probe.run` is keyed by the number instead of its position. Breaks `requirement`.
    KeyedByNumber,
    /// Squares are put back at the position a `HashMap<number, position>` holds: a repeated number
    /// keeps only its last position. Breaks `requirement`.
    PositionByNumber,
    /// The slice version's pool has the machine's CPU count of workers. Breaks `pool_size`.
    WorkersFromCpus,
    /// The slice version's jobs channel is unbounded. Breaks `buffer_size`.
    UnboundedJobs,
    /// Zero workers are run as one instead of refused. Breaks `errors_handled`.
    ZeroWorkersClamped,
    /// No numbers is `Err(EmptyInput)` instead of an empty slice. Breaks `requirement`.
    EmptyIsError,
    /// No producer thread: the calling thread feeds every job before it reads a result, which
    /// deadlocks once the jobs outnumber what the channels and workers hold. Breaks `requirement`.
    ProducerOnCaller,
    /// Workers are joined before the results are read: a deadlock once more results are done
    /// than the results channel holds. Breaks `all_joined`.
    JoinBeforeDrain,
    /// Detached workers count themselves busy around each job (the `wg.Add` inside the worker),
    /// and the caller returns once the count is zero, which it can be between two jobs while
    /// jobs still wait in the channel. Breaks `all_joined`.
    BusyCountInWorker,
    // ---- planted in `ordered_stream` ----
    /// The reorder buffer emits its smallest entry whenever it is not empty, not only the next
    /// expected index. Breaks `requirement`.
    EmitSmallestBuffered,
    /// The consumer stops when the next index to emit is the last one (an off-by-one on the
    /// total), losing the last square. Breaks `requirement`.
    StopsBeforeLast,
    /// Every square is collected, sorted and emitted at the end: nothing streams, and window slots
    /// are given back on receipt. Breaks `requirement`.
    SortAtEnd,
    /// No window at all: only the channels bound the jobs in flight; the reorder buffer is
    /// unbounded behind a stalled job. Breaks `buffer_size`.
    NoWindow,
    /// The window holds `window + 1` jobs. Breaks `buffer_size`.
    WindowPlusOne,
    /// The results channel has capacity `window` and there is no other window: the reorder buffer
    /// is unbounded. Breaks `buffer_size`.
    WindowOnResultsChannel,
    /// A job's window slot is freed when its square reaches the reorder buffer, not when it is
    /// emitted: unbounded buffering behind a stalled job. Breaks `buffer_size`.
    WindowFreedOnReceipt,
    /// The window slot is taken by the worker before it runs a job, so the producer takes up to
    /// `window + jobs_buffer + 1` jobs not yet emitted. Breaks `buffer_size`.
    WindowSlotInWorker,
    /// The reorder buffer and `emit` are shared with the workers; the worker that completes the
    /// next index emits from its own thread. Breaks `requirement`.
    EmitFromWorker,
    /// The square is computed and sent before `probe.run`, which then brackets nothing: the result
    /// is out before the job has started. Breaks `requirement`.
    ResultBeforeProbe,
    /// The streaming version keys `probe.run` by `index + 1`. Breaks `requirement`.
    StreamKeysFromOne,
    /// The streaming version has the seed's 8 workers. Breaks `pool_size`.
    SeedEightWorkers,
    /// The streaming version's jobs channel has `results_buffer` slots. Breaks `buffer_size`.
    JobsBufferSwapped,
    /// The streaming version's results channel is unbounded. Breaks `buffer_size`.
    UnboundedResults,
    /// A zero window is not refused (and then hangs: its window never has a slot). Breaks
    /// `errors_handled`.
    ZeroWindowAccepted,
    /// No numbers is `Err(EmptyInput)` instead of an empty stream. Breaks `requirement`.
    StreamEmptyIsError,
    /// The consumer asserts no number is seen twice, and panics on a repeated number. Breaks
    /// `requirement`.
    AssertUniqueNumbers,
}

/// A result-ordering pool, correct but for its [`Bug`].
struct Ordered(Bug);

/// One job's outcome: its square, or the message of the panic it died with.
type Outcome = Result<i64, String>;

fn panic_message(p: Box<dyn Any + Send>) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "a job panicked".to_string()
    }
}

/// Squares `n` inside the probe's bracket, catching a panic so the pool can wind down.
fn run_job(probe: &Probe<usize>, key: usize, n: i64) -> Outcome {
    catch_unwind(AssertUnwindSafe(|| probe.run(key, || n * n))).map_err(panic_message)
}

/// Gives back one window slot, if there is a window.
fn release(slots: &Option<Receiver<()>>) {
    if let Some(slots) = slots {
        let _ = slots.recv();
    }
}

impl ResultOrdering for Ordered {
    fn ordered_slice(
        &self,
        cfg: PoolConfig,
        numbers: Jobs<i64>,
        probe: Probe<usize>,
    ) -> Result<Vec<i64>, PoolError> {
        let bug = self.0;
        if bug == Bug::BusyCountInWorker {
            return slice_busy_count(cfg, numbers, probe);
        }
        if cfg.workers == 0 && bug != Bug::ZeroWorkersClamped {
            return Err(PoolError::ZeroWorkers);
        }
        let workers = match bug {
            Bug::ZeroWorkersClamped => cfg.workers.max(1),
            Bug::WorkersFromCpus => PoolConfig::num_cpu(),
            _ => cfg.workers,
        };
        let (jobs_tx, jobs_rx) = if bug == Bug::UnboundedJobs {
            unbounded::<(usize, i64)>()
        } else {
            bounded(cfg.jobs_buffer)
        };
        let (results_tx, results_rx) = bounded::<(usize, i64, Outcome)>(cfg.results_buffer);
        let positions: Mutex<HashMap<i64, usize>> = Mutex::default();
        let claimed = AtomicUsize::new(0);

        let (out, failed) = thread::scope(|s| {
            let mut handles = Vec::with_capacity(workers);
            for _ in 0..workers {
                let jobs = jobs_rx.clone();
                let results = results_tx.clone();
                let probe = probe.clone();
                let claimed = &claimed;
                handles.push(s.spawn(move || {
                    for (index, n) in jobs {
                        let index = if bug == Bug::IndexFromWorkerCounter {
                            let mine = claimed.load(SeqCst);
                            claimed.store(mine + 1, SeqCst);
                            mine
                        } else {
                            index
                        };
                        let key = if bug == Bug::KeyedByNumber {
                            n as usize
                        } else {
                            index
                        };
                        if results.send((index, n, run_job(&probe, key, n))).is_err() {
                            break;
                        }
                    }
                }));
            }
            drop(jobs_rx);
            drop(results_tx);

            let positions = &positions;
            let produce = move || {
                let mut index = 0;
                for n in numbers {
                    if bug == Bug::IndexFromOne {
                        index += 1;
                    }
                    if bug == Bug::PositionByNumber {
                        positions.lock().unwrap().insert(n, index);
                    }
                    if jobs_tx.send((index, n)).is_err() {
                        break;
                    }
                    if bug != Bug::IndexFromOne {
                        index += 1;
                    }
                }
            };
            if bug == Bug::ProducerOnCaller {
                produce();
            } else {
                s.spawn(produce);
            }
            if bug == Bug::JoinBeforeDrain {
                for h in handles {
                    let _ = h.join();
                }
            }

            let mut out: Vec<i64> = Vec::new();
            let mut failed = None;
            for (index, n, outcome) in results_rx {
                match outcome {
                    Err(m) => {
                        failed.get_or_insert(m);
                    }
                    Ok(square) if bug == Bug::CompletionOrder => out.push(square),
                    Ok(square) => {
                        let at = if bug == Bug::PositionByNumber {
                            positions.lock().unwrap()[&n]
                        } else {
                            index
                        };
                        if at >= out.len() {
                            out.resize(at + 1, 0);
                        }
                        out[at] = square;
                    }
                }
            }
            (out, failed)
        });

        if let Some(m) = failed {
            return Err(PoolError::JobPanicked(m));
        }
        if bug == Bug::EmptyIsError && out.is_empty() {
            return Err(PoolError::EmptyInput);
        }
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
        if bug == Bug::EmitFromWorker {
            return stream_emit_from_worker(cfg, numbers, probe, emit);
        }
        let mut numbers = numbers.peekable();
        if bug == Bug::StreamEmptyIsError && numbers.peek().is_none() {
            return Err(PoolError::EmptyInput);
        }
        let workers = if bug == Bug::SeedEightWorkers {
            SEED_WORKERS
        } else {
            cfg.pool.workers
        };
        let window = if bug == Bug::WindowPlusOne {
            cfg.window + 1
        } else {
            cfg.window
        };
        let jobs_cap = if bug == Bug::JobsBufferSwapped {
            cfg.pool.results_buffer
        } else {
            cfg.pool.jobs_buffer
        };
        let (jobs_tx, jobs_rx) = bounded::<(usize, i64)>(jobs_cap);
        let (results_tx, results_rx) = match bug {
            Bug::UnboundedResults => unbounded::<(usize, i64, Outcome)>(),
            Bug::WindowOnResultsChannel => bounded(window),
            _ => bounded(cfg.pool.results_buffer),
        };
        // The window: one token per job taken and not yet emitted.
        let (slots_tx, slots_rx) = bounded::<()>(window);
        let has_window = !matches!(bug, Bug::NoWindow | Bug::WindowOnResultsChannel);
        let producer_takes_slot = has_window && bug != Bug::WindowSlotInWorker;
        // How many jobs the producer took, once it has seen the end of the input.
        let total = AtomicUsize::new(usize::MAX);

        let failed = thread::scope(|s| {
            for _ in 0..workers {
                let jobs = jobs_rx.clone();
                let results = results_tx.clone();
                let probe = probe.clone();
                let slots = slots_tx.clone();
                s.spawn(move || {
                    for (index, n) in jobs {
                        if bug == Bug::WindowSlotInWorker && slots.send(()).is_err() {
                            break;
                        }
                        let key = if bug == Bug::StreamKeysFromOne {
                            index + 1
                        } else {
                            index
                        };
                        if bug == Bug::ResultBeforeProbe {
                            if results.send((index, n, Ok(n * n))).is_err() {
                                break;
                            }
                            probe.run(key, || ());
                            continue;
                        }
                        if results.send((index, n, run_job(&probe, key, n))).is_err() {
                            break;
                        }
                    }
                });
            }
            drop(jobs_rx);
            drop(results_tx);

            let total = &total;
            s.spawn(move || {
                let mut index = 0;
                loop {
                    if producer_takes_slot && slots_tx.send(()).is_err() {
                        break;
                    }
                    let Some(n) = numbers.next() else { break };
                    if jobs_tx.send((index, n)).is_err() {
                        break;
                    }
                    index += 1;
                }
                total.store(index, SeqCst);
            });

            let mut slots = has_window.then_some(slots_rx);
            let mut pending: BTreeMap<usize, i64> = BTreeMap::new();
            let mut next = 0;
            let mut failed = None;
            let mut seen = HashSet::new();
            let mut everything = Vec::new();
            while let Ok((index, n, outcome)) = results_rx.recv() {
                let square = match outcome {
                    Ok(square) => square,
                    Err(m) => {
                        failed.get_or_insert(m);
                        // Stop taking jobs; let the ones out finish.
                        slots = None;
                        continue;
                    }
                };
                if failed.is_some() {
                    continue;
                }
                if bug == Bug::AssertUniqueNumbers {
                    assert!(seen.insert(n), "{n} was squared twice");
                }
                if matches!(bug, Bug::WindowFreedOnReceipt | Bug::SortAtEnd) {
                    release(&slots);
                }
                if bug == Bug::SortAtEnd {
                    everything.push((index, square));
                    continue;
                }
                pending.insert(index, square);
                if bug == Bug::EmitSmallestBuffered {
                    while let Some((at, square)) = pending.pop_first() {
                        emit(square);
                        next = at + 1;
                        release(&slots);
                    }
                } else {
                    while let Some(square) = pending.remove(&next) {
                        emit(square);
                        next += 1;
                        if bug != Bug::WindowFreedOnReceipt {
                            release(&slots);
                        }
                    }
                }
                if bug == Bug::StopsBeforeLast && next + 1 == total.load(SeqCst) {
                    break;
                }
            }
            drop(results_rx);
            drop(slots);
            if bug == Bug::SortAtEnd && failed.is_none() {
                everything.sort_unstable_by_key(|&(index, _)| index);
                for (_, square) in everything {
                    emit(square);
                }
            }
            failed
        });

        match failed {
            Some(m) => Err(PoolError::JobPanicked(m)),
            None => Ok(()),
        }
    }
}

/// [`Bug::BusyCountInWorker`]: detached workers write into a shared vector and count themselves
/// busy around each job; the caller waits for the producer, then for the count to reach zero.
fn slice_busy_count(
    cfg: PoolConfig,
    numbers: Jobs<i64>,
    probe: Probe<usize>,
) -> Result<Vec<i64>, PoolError> {
    if cfg.workers == 0 {
        return Err(PoolError::ZeroWorkers);
    }
    let (jobs_tx, jobs_rx) = bounded::<(usize, i64)>(cfg.jobs_buffer);
    let squares = Arc::new(Mutex::new(Vec::<i64>::new()));
    let busy = Arc::new(AtomicUsize::new(0));
    let failed = Arc::new(Mutex::new(None::<String>));
    for _ in 0..cfg.workers {
        let jobs = jobs_rx.clone();
        let squares = Arc::clone(&squares);
        let busy = Arc::clone(&busy);
        let failed = Arc::clone(&failed);
        let probe = probe.clone();
        thread::spawn(move || {
            for (index, n) in jobs {
                busy.fetch_add(1, SeqCst);
                match run_job(&probe, index, n) {
                    Ok(square) => {
                        let mut v = squares.lock().unwrap();
                        if index >= v.len() {
                            v.resize(index + 1, 0);
                        }
                        v[index] = square;
                    }
                    Err(m) => {
                        failed.lock().unwrap().get_or_insert(m);
                    }
                }
                busy.fetch_sub(1, SeqCst);
            }
        });
    }
    drop(jobs_rx);
    let producer = thread::spawn(move || {
        let mut count = 0;
        for n in numbers {
            if jobs_tx.send((count, n)).is_err() {
                break;
            }
            count += 1;
        }
        count
    });
    let count = producer
        .join()
        .map_err(|p| PoolError::JobPanicked(panic_message(p)))?;
    while busy.load(SeqCst) > 0 {
        thread::yield_now();
    }
    if let Some(m) = failed.lock().unwrap().take() {
        return Err(PoolError::JobPanicked(m));
    }
    let mut out = squares.lock().unwrap().clone();
    out.resize(count, 0);
    Ok(out)
}

/// `emit`, smuggled to the workers ([`Bug::EmitFromWorker`]).
struct SharedEmit<'a>(*mut (dyn FnMut(i64) + 'a));

// SAFETY (the learner's): only ever called with the reorder buffer's lock held, one at a time,
// while the calling thread waits for the scope.
unsafe impl Send for SharedEmit<'_> {}

/// The reorder buffer the workers share in [`Bug::EmitFromWorker`].
struct Reorder<'a> {
    pending: BTreeMap<usize, i64>,
    next: usize,
    emit: SharedEmit<'a>,
    slots: Option<Receiver<()>>,
    failed: Option<String>,
}

/// [`Bug::EmitFromWorker`]: the worker that completes the next index drains the buffer.
fn stream_emit_from_worker(
    cfg: StreamConfig,
    mut numbers: Jobs<i64>,
    probe: Probe<usize>,
    emit: &mut dyn FnMut(i64),
) -> Result<(), PoolError> {
    let (jobs_tx, jobs_rx) = bounded::<(usize, i64)>(cfg.pool.jobs_buffer);
    let (slots_tx, slots_rx) = bounded::<()>(cfg.window);
    let shared = Mutex::new(Reorder {
        pending: BTreeMap::new(),
        next: 0,
        emit: SharedEmit(emit as *mut (dyn FnMut(i64) + '_)),
        slots: Some(slots_rx),
        failed: None,
    });
    thread::scope(|s| {
        for _ in 0..cfg.pool.workers {
            let jobs = jobs_rx.clone();
            let probe = probe.clone();
            let shared = &shared;
            s.spawn(move || {
                for (index, n) in jobs {
                    let outcome = run_job(&probe, index, n);
                    let mut guard = shared.lock().unwrap();
                    let st = &mut *guard;
                    match outcome {
                        Err(m) => {
                            st.failed.get_or_insert(m);
                            st.slots = None;
                        }
                        Ok(_) if st.failed.is_some() => {}
                        Ok(square) => {
                            st.pending.insert(index, square);
                            while let Some(square) = st.pending.remove(&st.next) {
                                // SAFETY: see `SharedEmit`.
                                unsafe { (*st.emit.0)(square) };
                                st.next += 1;
                                release(&st.slots);
                            }
                        }
                    }
                }
            });
        }
        drop(jobs_rx);
        s.spawn(move || {
            let mut index = 0;
            while slots_tx.send(()).is_ok() {
                let Some(n) = numbers.next() else { break };
                if jobs_tx.send((index, n)).is_err() {
                    break;
                }
                index += 1;
            }
        });
    });
    match shared.into_inner().unwrap().failed {
        Some(m) => Err(PoolError::JobPanicked(m)),
        None => Ok(()),
    }
}
