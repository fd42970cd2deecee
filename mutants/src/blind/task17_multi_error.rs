//! Blind mutants of Task 17, Multi-Error Aggregation (see `super`): written from the course, the contract
//! and the public types only, without having seen how the suite decides anything.
//!
//! One pool, written three ways a learner might write it (outcomes through a results channel read on
//! the caller's thread, one shared tally behind a `Mutex`, per-worker tallies merged at the join),
//! each correct except for the one piece [`Bug`] plants.

use crate::Mutant;
use crossbeam_channel::{Receiver, Sender};
use harness::contracts::task17_multi_error::{
    ErrorKind, Job, JobError, MultiError, Outcome, SEED_WORKERS,
};
use harness::contracts::{PoolConfig, PoolError};
use harness::probe::{Jobs, Probe};
use harness::Check;
use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;

/// The one planted piece of a blind mutant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Bug {
    // Errors handled: fail fast, or errors lost.
    FailFastFlag,
    WorkerReturnsOnError,
    KeepsLastError,
    ErrorsKeyedByKind,
    DedupByMessage,
    OverwriteMerge,
    // The counts.
    ErrorCountedTwice,
    FailureCountedAsSuccess,
    SuccessOffByOne,
    // Races on the shared tally.
    LostUpdateSuccesses,
    LostUpdateErrors,
    // Sizes.
    EightWorkers,
    NumCpuWorkers,
    ZeroWorkersAsOne,
    UnboundedJobs,
    JobsBufferFromWorkers,
    // Inputs.
    EmptyIsError,
    // The "how".
    WorkOutsideProbe,
    OneBasedKeys,
    // Lifetimes.
    RunningCounterInWorker,
    JobsSenderNeverDropped,
    ProducerOnCallerThread,
    // The stretch.
    StretchListsZeroKinds,
    StretchTimeoutAsNetwork,
    StretchFirstOfKindUncounted,
}

/// A job on the jobs channel, with the key its work is recorded under in `probe.run`.
type Keyed = (u64, Job);

/// How the pool gathers its outcomes: the contract allows a results channel or one shared tally;
/// the course's hint also names per-worker slices merged at the end.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    Channel,
    Tally,
    PerWorker,
}

/// A solution of `MultiError` carrying one planted [`Bug`].
struct Pool(Bug);

impl Pool {
    fn style(&self) -> Style {
        match self.0 {
            Bug::LostUpdateSuccesses
            | Bug::LostUpdateErrors
            | Bug::RunningCounterInWorker
            | Bug::JobsSenderNeverDropped => Style::Tally,
            Bug::OverwriteMerge => Style::PerWorker,
            _ => Style::Channel,
        }
    }

    fn is(&self, bug: Bug) -> bool {
        self.0 == bug
    }

    /// How many workers to start, or the refusal of zero.
    fn workers(&self, cfg: PoolConfig) -> Result<usize, PoolError> {
        if self.is(Bug::ZeroWorkersAsOne) {
            // "A pool needs at least one worker, so give it one."
            return Ok(cfg.workers.max(1));
        }
        if cfg.workers == 0 {
            return Err(PoolError::ZeroWorkers);
        }
        Ok(match self.0 {
            Bug::EightWorkers => SEED_WORKERS,
            Bug::NumCpuWorkers => PoolConfig::num_cpu(),
            _ => cfg.workers,
        })
    }

    /// The jobs channel: `cfg.jobs_buffer` deep.
    fn jobs_channel(&self, cfg: PoolConfig, workers: usize) -> (Sender<Keyed>, Receiver<Keyed>) {
        match self.0 {
            Bug::UnboundedJobs => crossbeam_channel::unbounded(),
            // "Default N jobs": N read as the number of workers.
            Bug::JobsBufferFromWorkers => crossbeam_channel::bounded(workers),
            _ => crossbeam_channel::bounded(cfg.jobs_buffer),
        }
    }

    /// The producer: feeds every job, keyed for `probe.run`, into the jobs channel and says how
    /// many it sent and the index of the last one.
    fn produce(bug: Bug, jobs: Jobs<Job>, tx: &Sender<Keyed>, stop: &AtomicBool) -> (usize, usize) {
        let mut sent = 0;
        let mut last = 0;
        for (i, job) in jobs.enumerate() {
            if bug == Bug::FailFastFlag && stop.load(Ordering::SeqCst) {
                break;
            }
            let key = if bug == Bug::OneBasedKeys {
                i as u64 + 1
            } else {
                job.id
            };
            if tx.send((key, job)).is_err() {
                break;
            }
            sent += 1;
            last = i;
        }
        (sent, last)
    }

    /// One job's work, inside the probe's bracket.
    fn work(bug: Bug, probe: &Probe<u64>, key: u64, job: &Job) -> Result<u64, JobError> {
        if bug == Bug::WorkOutsideProbe {
            let out = job.run();
            probe.run(key, || out)
        } else {
            probe.run(key, || job.run())
        }
    }

    fn via_channel(
        &self,
        cfg: PoolConfig,
        jobs: Jobs<Job>,
        probe: Probe<u64>,
    ) -> Result<Outcome, PoolError> {
        let bug = self.0;
        let workers = self.workers(cfg)?;
        let (job_tx, job_rx) = self.jobs_channel(cfg, workers);
        let (res_tx, res_rx) =
            crossbeam_channel::bounded::<Result<u64, JobError>>(cfg.results_buffer);
        let stop = Arc::new(AtomicBool::new(false));
        let also_kept: Arc<Mutex<Vec<JobError>>> = Arc::default();

        let mut handles = Vec::with_capacity(workers);
        for _ in 0..workers {
            let rx = job_rx.clone();
            let tx = res_tx.clone();
            let probe = probe.clone();
            let stop = stop.clone();
            let also_kept = also_kept.clone();
            handles.push(thread::spawn(move || {
                for (key, job) in rx.iter() {
                    if bug == Bug::FailFastFlag && stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let out = Self::work(bug, &probe, key, &job);
                    let failed = out.is_err();
                    if let Err(e) = &out {
                        if bug == Bug::FailFastFlag {
                            stop.store(true, Ordering::SeqCst);
                        }
                        if bug == Bug::ErrorCountedTwice {
                            also_kept.lock().unwrap().push(e.clone());
                        }
                    }
                    if tx.send(out).is_err() {
                        break;
                    }
                    if failed && bug == Bug::WorkerReturnsOnError {
                        return;
                    }
                }
            }));
        }
        drop(job_rx);
        drop(res_tx);

        let mut producer = None;
        let mut produced = (0, 0);
        if bug == Bug::ProducerOnCallerThread {
            produced = Self::produce(bug, jobs, &job_tx, &stop);
            drop(job_tx);
        } else {
            let stop = stop.clone();
            producer = Some(thread::spawn(move || {
                Self::produce(bug, jobs, &job_tx, &stop)
            }));
        }

        let mut outcome = Outcome::default();
        let mut last_error = None;
        let mut one_per_kind = BTreeMap::new();
        let mut seen = HashSet::new();
        for out in res_rx.iter() {
            match out {
                Ok(_) => outcome.successes += 1,
                Err(e) => {
                    if bug == Bug::FailureCountedAsSuccess {
                        outcome.successes += 1;
                    }
                    match bug {
                        Bug::KeepsLastError => last_error = Some(e),
                        Bug::ErrorsKeyedByKind => {
                            one_per_kind.insert(e.kind, e);
                        }
                        Bug::DedupByMessage => {
                            if seen.insert((e.kind, e.message.clone())) {
                                outcome.errors.push(e);
                            }
                        }
                        _ => outcome.errors.push(e),
                    }
                }
            }
        }

        let joined = join_all(handles);
        if let Some(p) = producer {
            produced = join_all([p])?.pop().unwrap_or_default();
        }
        joined?;
        let (sent, last_index) = produced;

        match bug {
            Bug::KeepsLastError => outcome.errors.extend(last_error),
            Bug::ErrorsKeyedByKind => outcome.errors.extend(one_per_kind.into_values()),
            Bug::ErrorCountedTwice => outcome
                .errors
                .extend(std::mem::take(&mut *also_kept.lock().unwrap())),
            Bug::SuccessOffByOne => {
                outcome.successes = last_index.saturating_sub(outcome.errors.len())
            }
            Bug::EmptyIsError if sent == 0 => return Err(PoolError::EmptyInput),
            _ => {}
        }
        Ok(outcome)
    }

    fn via_tally(
        &self,
        cfg: PoolConfig,
        jobs: Jobs<Job>,
        probe: Probe<u64>,
    ) -> Result<Outcome, PoolError> {
        #[derive(Default)]
        struct Tally {
            successes: usize,
            errors: Vec<JobError>,
            done: usize,
            running: usize,
        }

        let bug = self.0;
        let workers = self.workers(cfg)?;
        let (job_tx, job_rx) = self.jobs_channel(cfg, workers);
        let shared: Arc<(Mutex<Tally>, Condvar)> = Arc::default();

        let mut handles = Vec::with_capacity(workers);
        for _ in 0..workers {
            let rx = job_rx.clone();
            let probe = probe.clone();
            let shared = shared.clone();
            handles.push(thread::spawn(move || {
                let (tally, cv) = &*shared;
                if bug == Bug::RunningCounterInWorker {
                    tally.lock().unwrap().running += 1;
                }
                for (key, job) in rx.iter() {
                    match Self::work(bug, &probe, key, &job) {
                        Ok(_) if bug == Bug::LostUpdateSuccesses => {
                            let n = tally.lock().unwrap().successes;
                            tally.lock().unwrap().successes = n + 1;
                        }
                        Ok(_) => tally.lock().unwrap().successes += 1,
                        Err(e) if bug == Bug::LostUpdateErrors => {
                            // errs = errors.Join(errs, err)
                            let mut joined = tally.lock().unwrap().errors.clone();
                            joined.push(e);
                            tally.lock().unwrap().errors = joined;
                        }
                        Err(e) => tally.lock().unwrap().errors.push(e),
                    }
                    tally.lock().unwrap().done += 1;
                    cv.notify_all();
                }
                if bug == Bug::RunningCounterInWorker {
                    tally.lock().unwrap().running -= 1;
                    cv.notify_all();
                }
            }));
        }
        drop(job_rx);

        let stop = AtomicBool::new(false);
        let (tally, cv) = &*shared;
        match bug {
            Bug::JobsSenderNeverDropped => {
                // Kept to resubmit failed jobs later; the producer feeds through a clone.
                let feed = job_tx.clone();
                let producer = thread::spawn(move || Self::produce(bug, jobs, &feed, &stop));
                let (sent, _) = join_all([producer])?.pop().unwrap_or_default();
                drop(handles);
                let mut t = tally.lock().unwrap();
                while t.done < sent {
                    t = cv.wait(t).unwrap();
                }
                let outcome = Outcome {
                    successes: t.successes,
                    errors: std::mem::take(&mut t.errors),
                };
                drop(t);
                // Stands for the sender stored in a long-lived place for those resubmissions.
                std::mem::forget(job_tx);
                Ok(outcome)
            }
            Bug::RunningCounterInWorker => {
                let producer = thread::spawn(move || Self::produce(bug, jobs, &job_tx, &stop));
                join_all([producer])?;
                drop(handles);
                let mut t = tally.lock().unwrap();
                while t.running > 0 {
                    t = cv.wait(t).unwrap();
                }
                Ok(Outcome {
                    successes: t.successes,
                    errors: std::mem::take(&mut t.errors),
                })
            }
            _ => {
                let producer = thread::spawn(move || Self::produce(bug, jobs, &job_tx, &stop));
                let produced = join_all([producer]);
                let joined = join_all(handles);
                produced?;
                joined?;
                let mut t = tally.lock().unwrap();
                Ok(Outcome {
                    successes: t.successes,
                    errors: std::mem::take(&mut t.errors),
                })
            }
        }
    }

    fn via_per_worker(
        &self,
        cfg: PoolConfig,
        jobs: Jobs<Job>,
        probe: Probe<u64>,
    ) -> Result<Outcome, PoolError> {
        let bug = self.0;
        let workers = self.workers(cfg)?;
        let (job_tx, job_rx) = self.jobs_channel(cfg, workers);

        let mut handles = Vec::with_capacity(workers);
        for _ in 0..workers {
            let rx = job_rx.clone();
            let probe = probe.clone();
            handles.push(thread::spawn(move || {
                let mut mine = Outcome::default();
                for (key, job) in rx.iter() {
                    match Self::work(bug, &probe, key, &job) {
                        Ok(_) => mine.successes += 1,
                        Err(e) => mine.errors.push(e),
                    }
                }
                mine
            }));
        }
        drop(job_rx);

        let stop = AtomicBool::new(false);
        let producer = thread::spawn(move || Self::produce(bug, jobs, &job_tx, &stop));
        let produced = join_all([producer]);
        let joined = join_all(handles);
        produced?;

        let mut outcome = Outcome::default();
        for mine in joined? {
            outcome.successes += mine.successes;
            if bug == Bug::OverwriteMerge {
                outcome.errors = mine.errors;
            } else {
                outcome.errors.extend(mine.errors);
            }
        }
        Ok(outcome)
    }
}

/// Joins every thread, then reports the first that panicked, if any.
fn join_all<T>(
    handles: impl IntoIterator<Item = thread::JoinHandle<T>>,
) -> Result<Vec<T>, PoolError> {
    let mut out = Vec::new();
    let mut first_panic = None;
    for h in handles {
        match h.join() {
            Ok(t) => out.push(t),
            Err(p) => {
                first_panic.get_or_insert(panicked(p));
            }
        }
    }
    match first_panic {
        Some(e) => Err(e),
        None => Ok(out),
    }
}

/// A thread's panic, as the pool reports it.
fn panicked(p: Box<dyn std::any::Any + Send>) -> PoolError {
    let msg = p
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a worker panicked".to_string());
    PoolError::JobPanicked(msg)
}

impl MultiError for Pool {
    fn run_all(
        &self,
        cfg: PoolConfig,
        jobs: Jobs<Job>,
        probe: Probe<u64>,
    ) -> Result<Outcome, PoolError> {
        match self.style() {
            Style::Channel => self.via_channel(cfg, jobs, probe),
            Style::Tally => self.via_tally(cfg, jobs, probe),
            Style::PerWorker => self.via_per_worker(cfg, jobs, probe),
        }
    }

    fn by_kind(&self, errors: &[JobError]) -> Option<BTreeMap<ErrorKind, usize>> {
        let mut counts = BTreeMap::new();
        if self.is(Bug::StretchListsZeroKinds) {
            for kind in [ErrorKind::Network, ErrorKind::Parse, ErrorKind::Timeout] {
                counts.insert(kind, 0);
            }
        }
        for e in errors {
            let kind = match e.kind {
                // "A timeout is a network error."
                ErrorKind::Timeout if self.is(Bug::StretchTimeoutAsNetwork) => ErrorKind::Network,
                kind => kind,
            };
            if self.is(Bug::StretchFirstOfKindUncounted) {
                counts.entry(kind).and_modify(|c| *c += 1).or_insert(0);
            } else {
                *counts.entry(kind).or_insert(0) += 1;
            }
        }
        Some(counts)
    }
}

/// Fail fast: the first error sets a stop flag, after which the workers and the producer take no
/// more jobs, so later jobs never run and their errors are never seen. Breaks `errors_handled`.
static FAIL_FAST_FLAG: Pool = Pool(Bug::FailFastFlag);

/// A worker returns on its first error (Go's `if err != nil { return }` in the worker loop): the
/// pool shrinks with every error, and once as many jobs have failed as there are workers nobody is
/// left and the rest are dropped. Breaks `errors_handled`.
static WORKER_RETURNS_ON_ERROR: Pool = Pool(Bug::WorkerReturnsOnError);

/// Only the last error is kept (`err = e`, not `errors.Join(errs, e)`). Breaks `errors_handled`.
static KEEPS_LAST_ERROR: Pool = Pool(Bug::KeepsLastError);

/// Errors gathered in a map keyed by kind, so one error per kind survives. Breaks `errors_handled`.
static ERRORS_KEYED_BY_KIND: Pool = Pool(Bug::ErrorsKeyedByKind);

/// Errors deduplicated by kind and message, so two jobs failing with the same message count as
/// one error. Breaks `errors_handled`.
static DEDUP_BY_MESSAGE: Pool = Pool(Bug::DedupByMessage);

/// Per-worker error slices merged with `=` instead of `extend`: only the last joined worker's
/// errors are returned. Breaks `errors_handled`.
static OVERWRITE_MERGE: Pool = Pool(Bug::OverwriteMerge);

/// Each error is sent on the results channel and also pushed to a shared list left over from a
/// Mutex version, and both are returned: every error twice. Breaks `requirement`.
static ERROR_COUNTED_TWICE: Pool = Pool(Bug::ErrorCountedTwice);

/// Every finished job counts as a success, failed ones included. Breaks `requirement`.
static FAILURE_COUNTED_AS_SUCCESS: Pool = Pool(Bug::FailureCountedAsSuccess);

/// Successes computed as the last job's zero-based index minus the errors: one short. Breaks
/// `requirement`.
static SUCCESS_OFF_BY_ONE: Pool = Pool(Bug::SuccessOffByOne);

/// The shared success counter is read under one lock and written under another: two workers
/// finishing together lose an increment. Breaks `race_free`.
static LOST_UPDATE_SUCCESSES: Pool = Pool(Bug::LostUpdateSuccesses);

/// The shared error list is copied under one lock, appended to, and stored back under another
/// (`errs = errors.Join(errs, err)` with the lock held only to read): two failures together lose
/// one error. Breaks `race_free`.
static LOST_UPDATE_ERRORS: Pool = Pool(Bug::LostUpdateErrors);

/// The pool size is the seed's 8, not `cfg.workers`. Breaks `pool_size`.
static EIGHT_WORKERS: Pool = Pool(Bug::EightWorkers);

/// The pool size is the machine's CPU count, not `cfg.workers`. Breaks `pool_size`.
static NUM_CPU_WORKERS: Pool = Pool(Bug::NumCpuWorkers);

/// Zero workers are quietly run as one instead of refused with `PoolError::ZeroWorkers`. Breaks
/// `pool_size`.
static ZERO_WORKERS_AS_ONE: Pool = Pool(Bug::ZeroWorkersAsOne);

/// The jobs channel is unbounded: the producer takes every job up front. Breaks `buffer_size`.
static UNBOUNDED_JOBS: Pool = Pool(Bug::UnboundedJobs);

/// The jobs channel holds `cfg.workers` jobs instead of `cfg.jobs_buffer`. Breaks `buffer_size`.
static JOBS_BUFFER_FROM_WORKERS: Pool = Pool(Bug::JobsBufferFromWorkers);

/// No jobs is refused as `PoolError::EmptyInput` instead of `Ok` with nothing counted. Breaks
/// `requirement`.
static EMPTY_IS_ERROR: Pool = Pool(Bug::EmptyIsError);

/// Each job runs before `probe.run`, which then only wraps handing back its result. Breaks
/// `requirement`.
static WORK_OUTSIDE_PROBE: Pool = Pool(Bug::WorkOutsideProbe);

/// Jobs keyed for `probe.run` by their position from 1, not by `job.id`. Breaks `requirement`.
static ONE_BASED_KEYS: Pool = Pool(Bug::OneBasedKeys);

/// `wg.Add` inside the worker: each worker counts itself running when it starts, and the caller
/// waits, after the producer, for that count to reach zero; if the workers have not started yet it
/// returns at once, with jobs still to run. Breaks `all_joined`.
static RUNNING_COUNTER_IN_WORKER: Pool = Pool(Bug::RunningCounterInWorker);

/// A clone of the jobs sender is kept and never dropped, so the jobs channel never closes: the
/// caller returns once as many outcomes as jobs have arrived, and the idle workers block on it
/// forever. Breaks `no_leaks`.
static JOBS_SENDER_NEVER_DROPPED: Pool = Pool(Bug::JobsSenderNeverDropped);

/// The producer runs on the caller's thread, which reads results only after sending every job:
/// with more jobs than the two buffers and the workers hold, workers block on a full results
/// channel and the producer on a full jobs channel, and the pool never returns. Breaks
/// `graceful_shutdown`.
static PRODUCER_ON_CALLER_THREAD: Pool = Pool(Bug::ProducerOnCallerThread);

/// Stretch: every kind is listed, those with no error at 0. Breaks `stretch`.
static STRETCH_LISTS_ZERO_KINDS: Pool = Pool(Bug::StretchListsZeroKinds);

/// Stretch: timeouts are counted as network errors. Breaks `stretch`.
static STRETCH_TIMEOUT_AS_NETWORK: Pool = Pool(Bug::StretchTimeoutAsNetwork);

/// Stretch: counted with `and_modify(+1).or_insert(0)`, so each kind's first error is not counted
/// (a kind with one error shows 0). Breaks `stretch`.
static STRETCH_FIRST_OF_KIND_UNCOUNTED: Pool = Pool(Bug::StretchFirstOfKindUncounted);

pub fn mutants() -> Vec<Mutant> {
    vec![
        mutant!(
            task17,
            "task17_multi_error",
            "blind_fail_fast_flag",
            FAIL_FAST_FLAG,
            Check::ErrorsHandled,
            "I set a stop flag on the first error and stop handing out jobs, like errgroup does."
        ),
        mutant!(
            task17,
            "task17_multi_error",
            "blind_worker_returns_on_error",
            WORKER_RETURNS_ON_ERROR,
            Check::ErrorsHandled,
            "I return from the worker once its job fails, after reporting the error."
        ),
        mutant!(
            task17,
            "task17_multi_error",
            "blind_keeps_last_error",
            KEEPS_LAST_ERROR,
            Check::ErrorsHandled,
            "I store each error in one variable, so only the last one is returned."
        ),
        mutant!(
            task17,
            "task17_multi_error",
            "blind_errors_keyed_by_kind",
            ERRORS_KEYED_BY_KIND,
            Check::ErrorsHandled,
            "I collect the errors in a map keyed by kind, so each kind keeps one error."
        ),
        mutant!(
            task17,
            "task17_multi_error",
            "blind_dedup_by_message",
            DEDUP_BY_MESSAGE,
            Check::ErrorsHandled,
            "I skip an error whose kind and message I have already seen, to keep the report short."
        ),
        mutant!(
            task17,
            "task17_multi_error",
            "blind_overwrite_merge",
            OVERWRITE_MERGE,
            Check::ErrorsHandled,
            "I merge each worker's error slice with = instead of extend, keeping only the last worker's."
        ),
        mutant!(
            task17,
            "task17_multi_error",
            "blind_error_counted_twice",
            ERROR_COUNTED_TWICE,
            Check::Requirement,
            "I send each error on the results channel and also push it to the old shared list, and return both."
        ),
        mutant!(
            task17,
            "task17_multi_error",
            "blind_failure_counted_as_success",
            FAILURE_COUNTED_AS_SUCCESS,
            Check::Requirement,
            "I add one to the success count for every result, failed ones too."
        ),
        mutant!(
            task17,
            "task17_multi_error",
            "blind_success_off_by_one",
            SUCCESS_OFF_BY_ONE,
            Check::Requirement,
            "I compute successes as the last job's index minus the errors, forgetting the index starts at 0."
        ),
        mutant!(
            task17,
            "task17_multi_error",
            "blind_lost_update_successes",
            LOST_UPDATE_SUCCESSES,
            Check::Requirement,
            "I read the success count under the lock and write count + 1 under a second lock."
        ),
        mutant!(
            task17,
            "task17_multi_error",
            "blind_lost_update_errors",
            LOST_UPDATE_ERRORS,
            Check::Requirement,
            "I copy the error list under the lock, append, and store it back under a second lock."
        ),
        mutant!(
            task17,
            "task17_multi_error",
            "blind_eight_workers",
            EIGHT_WORKERS,
            Check::PoolSize,
            "I start 8 workers, as the task says, whatever the config asks."
        ),
        mutant!(
            task17,
            "task17_multi_error",
            "blind_num_cpu_workers",
            NUM_CPU_WORKERS,
            Check::PoolSize,
            "I start one worker per CPU instead of cfg.workers."
        ),
        mutant!(
            task17,
            "task17_multi_error",
            "blind_zero_workers_as_one",
            ZERO_WORKERS_AS_ONE,
            Check::GracefulShutdown,
            "I run zero workers as one instead of refusing them."
        ),
        mutant!(
            task17,
            "task17_multi_error",
            "blind_unbounded_jobs",
            UNBOUNDED_JOBS,
            Check::BufferSize,
            "I made the jobs channel unbounded so the producer never blocks."
        ),
        mutant!(
            task17,
            "task17_multi_error",
            "blind_jobs_buffer_from_workers",
            JOBS_BUFFER_FROM_WORKERS,
            Check::BufferSize,
            "I size the jobs channel by the number of workers, reading \"N jobs\" as N workers."
        ),
        mutant!(
            task17,
            "task17_multi_error",
            "blind_empty_is_error",
            EMPTY_IS_ERROR,
            Check::GracefulShutdown,
            "I return EmptyInput when no job was sent, as the earlier tasks do."
        ),
        mutant!(
            task17,
            "task17_multi_error",
            "blind_work_outside_probe",
            WORK_OUTSIDE_PROBE,
            Check::Requirement,
            "I run the job first and wrap only the hand-back of its result in probe.run."
        ),
        mutant!(
            task17,
            "task17_multi_error",
            "blind_one_based_keys",
            ONE_BASED_KEYS,
            Check::Requirement,
            "I key each job in probe.run by its position counted from 1, not by its id."
        ),
        mutant!(
            task17,
            "task17_multi_error",
            "blind_running_counter_in_worker",
            RUNNING_COUNTER_IN_WORKER,
            Check::AllJoined,
            "I count each worker running when it starts and wait for the count to drop to zero instead of joining."
        ),
        mutant!(
            task17,
            "task17_multi_error",
            "blind_jobs_sender_never_dropped",
            JOBS_SENDER_NEVER_DROPPED,
            Check::AllJoined,
            "I keep a jobs sender for later and wait for one outcome per job, so the idle workers never exit."
        ),
        mutant!(
            task17,
            "task17_multi_error",
            "blind_producer_on_caller_thread",
            PRODUCER_ON_CALLER_THREAD,
            Check::Requirement,
            "I send every job from the calling thread and only then read the results."
        ),
        mutant!(
            task17,
            "task17_multi_error",
            "blind_stretch_lists_zero_kinds",
            STRETCH_LISTS_ZERO_KINDS,
            Check::Stretch,
            "I start the counts with every kind at 0, so kinds with no error are listed."
        ),
        mutant!(
            task17,
            "task17_multi_error",
            "blind_stretch_timeout_as_network",
            STRETCH_TIMEOUT_AS_NETWORK,
            Check::Stretch,
            "I count timeouts as network errors, since a timeout is a network failure."
        ),
        mutant!(
            task17,
            "task17_multi_error",
            "blind_stretch_first_of_kind_uncounted",
            STRETCH_FIRST_OF_KIND_UNCOUNTED,
            Check::Stretch,
            "I count with and_modify(+1).or_insert(0), so each kind's first error is not counted."
        ),
    ]
}

/// Blind mutants of this task dropped at triage, with the reason.
pub const DROPPED: &[super::Dropped] = &[
    super::Dropped {
        name: "task17_multi_error::blind_unbounded_results",
        reason: "the results channel lives inside run_all, which returns only the tally: nothing a caller can hold or time waits on it, so the contract's results_buffer cannot be measured here (a consumer hook, as task 5's merged(), would make it measurable)",
    },
    super::Dropped {
        name: "task17_multi_error::blind_detached_workers",
        reason: "its workers have finished every job and left their loops when the results channel closes; what is left is an OS thread tearing itself down, which a pool joined with thread::scope also leaves: nothing a caller can observe tells the two apart",
    },
];

/// Blind mutants of this task whose checklist item triage changed, with the reason.
pub const RELABELLED: &[super::Relabelled] = &[
    super::Relabelled {
        name: "task17_multi_error::blind_zero_workers_as_one",
        was: Check::PoolSize,
        why: "zero workers run as one is a refusal that did not happen: graceful_shutdown, as for every task",
    },
    super::Relabelled {
        name: "task17_multi_error::blind_lost_update_errors",
        was: Check::RaceFree,
        why: "a race is blamed on what it breaks: errors lost from the tally, requirement",
    },
    super::Relabelled {
        name: "task17_multi_error::blind_lost_update_successes",
        was: Check::RaceFree,
        why: "a race is blamed on what it breaks: a wrong success count, requirement",
    },
    super::Relabelled {
        name: "task17_multi_error::blind_empty_is_error",
        was: Check::Requirement,
        why: "the scenario that decides what bad or empty input gets is graceful_shutdown, as in every task",
    },
    super::Relabelled {
        name: "task17_multi_error::blind_jobs_sender_never_dropped",
        was: Check::NoLeaks,
        why: "the threads left blocked are workers that ran jobs: all_joined by the blame rules",
    },
    super::Relabelled {
        name: "task17_multi_error::blind_producer_on_caller_thread",
        was: Check::GracefulShutdown,
        why: "it hangs before returning any tally; the consumer is inside run_all, so no scenario sees results unread, and a hang is blamed on the scenario's first item",
    },
];

/// Blind mutants of this task whose catch is measured rather than required.
pub const UNCERTAIN: &[super::Uncertain] = &[super::Uncertain {
    name: "task17_multi_error::blind_lost_update_successes",
    why: "the count is lost only when another worker takes the lock between this one's read and its write: two lock calls back to back with nothing between them, a window of a few instructions inside the solution where no harness boundary lies; the paired finishes of tallies_lose_nothing_when_workers_finish_together catch the wider lost update of the error list in every run, this one in none of 3 seeded runs",
}];
