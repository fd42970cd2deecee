//! Blind mutants of Task 7, Errgroup Migration (see `super`): written from the course, the
//! contract and the public types only, without having seen how the suite decides anything.
//!
//! One errgroup port ([`Blind`]) with a [`Bug`] choosing the planted piece: the calling thread
//! takes one path at a time, waits for a free slot (`g.SetLimit`), and starts one scoped thread
//! per path; each task checks the group's cancellation, counts its file inside `probe.run`, adds
//! the counts into one `Mutex`-protected map (or 16 shards), and records a failure in the group
//! (`errgroup.WithContext`); the first failure recorded is returned once every task is joined.
//! The stretch (`count_words_sharded`) runs the same port with the shard map, correct unless the
//! planted bug is the stretch's own.

use crate::Mutant;
use harness::contracts::task05_word_counter::Counts;
use harness::contracts::task07_errgroup::{ErrgroupCounter, SHARDS};
use harness::contracts::{PoolConfig, PoolError};
use harness::probe::{Jobs, Probe};
use harness::Check;
use std::any::Any;
use std::collections::hash_map::RandomState;
use std::collections::HashMap;
use std::hash::BuildHasher;
use std::io;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Condvar, Mutex, MutexGuard};
use std::thread::{self, ScopedJoinHandle};

/// The planted defect of one blind mutant (`Correct` only where the stretch runs clean).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Bug {
    /// No defect: what the stretch runs when the planted bug is not the stretch's.
    Correct,
    /// The spawner waits only while more than `limit` tasks are alive, so `limit + 1` run at
    /// once. Breaks `pool_size`.
    LimitOffByOne,
    /// The group's limit is the machine's CPU count (`g.SetLimit(runtime.NumCPU())`), not
    /// `limit`. Breaks `pool_size`.
    LimitFromCpuCount,
    /// Every path is taken and its thread spawned up front; each thread waits on a semaphore of
    /// `limit` permits before its job, so far more than `limit` threads are alive and every path
    /// is taken before any starts. Breaks `pool_size`.
    AllThreadsSpawnedUpFront,
    /// The paths are collected into a `Vec` first (to check for an empty list), so every path is
    /// taken from `files` before the first task starts. Breaks `buffer_size`.
    FilesCollectedUpFront,
    /// A limit of 0 is clamped to 1 instead of being refused. Breaks `pool_size`.
    ZeroLimitAccepted,
    /// An empty list of files returns `Ok` with no counts instead of `EmptyInput`. Breaks
    /// `requirement`.
    EmptyInputAccepted,
    /// Neither the spawner nor the tasks look at the group's cancellation: after a failure every
    /// remaining file is still read (the first error is still returned). Breaks `ctx_honored`.
    NoCancelCheck,
    /// Only the tasks check the cancellation: the spawner keeps taking every path and spawning a
    /// task for it after a failure. Breaks `ctx_honored`.
    CancelOnlyByTasks,
    /// Only the spawner checks the cancellation, at the top of its loop before it waits for a
    /// slot (Go's `if ctx.Err() != nil { break }; g.Go(...)`); the task it then starts when a
    /// failing job frees the slot runs its job anyway. Breaks `ctx_honored`.
    CancelOnlyBySpawner,
    /// The tasks check correctly, but the spawner checks only before waiting for a slot, so the
    /// slot a failing job frees is used to start a task and take one more path after the
    /// failure. Breaks `ctx_honored`.
    SpawnerChecksBeforeWaiting,
    /// Each task checks the cancellation after its job (to drop its counts) instead of before,
    /// so a task spawned just before a failure still reads its file. Breaks `ctx_honored`.
    CancelAfterJob,
    /// Every failure overwrites the group's error, so the last failure is returned, not the
    /// first. Breaks `errors_handled`.
    LastErrorReturned,
    /// Failures are kept by task number and the one of the earliest file in the list is
    /// returned, not the one whose job ended first. Breaks `errors_handled`.
    FirstErrorInFileOrder,
    /// A missing file is logged and skipped (task 5's "skip bad files" habit): the call returns
    /// `Ok` without it. Breaks `errors_handled`.
    MissingFileSkipped,
    /// A path that cannot be read as a file (a directory) is logged and counts no words, as in
    /// task 5, instead of failing the group with `Io`. Breaks `errors_handled`.
    DirectoryTreatedAsFine,
    /// Every read failure, a directory's included, is reported as `MissingPath`. Breaks
    /// `errors_handled`.
    EveryErrorIsMissingPath,
    /// A task's failure is returned as its thread's result; the spawner ignores the results of
    /// the tasks it joins to free a slot, so a failure of an early task is lost and the call
    /// returns `Ok` without that file. Breaks `errors_handled`.
    ErrorLostWhenReaped,
    /// No `catch_unwind`: a panicking job unwinds its thread and the spawner's `join().unwrap()`
    /// re-raises it, so the call panics instead of returning `JobPanicked`. Breaks
    /// `errors_handled`.
    PanicTakesPoolDown,
    /// No `catch_unwind`, and join results ignored: a panicking job is lost, the group is not
    /// cancelled and the call returns `Ok` without that file. Breaks `errors_handled`.
    PanicLost,
    /// The panic's message is taken only from a `&str` payload; a formatted panic (`String`)
    /// becomes a generic text. Breaks `errors_handled`.
    PanicMessageStrOnly,
    /// Plain detached `thread::spawn` with a results channel: the call returns on the first
    /// error received while the other tasks still run, and never joins a thread. Breaks
    /// `all_joined`.
    ReturnsBeforeJoining,
    /// The shared map is updated word by word as a read and a write under two separate lock
    /// acquisitions, so concurrent tasks lose updates. Breaks `race_free`.
    LostUpdate,
    /// The whole text is lowercased before it is split into words. Breaks `requirement`.
    LowercaseBeforeSplit,
    /// Words are runs of ASCII letters and digits only. Breaks `requirement`.
    AsciiOnlyWords,
    /// Files are read with `read_to_string`, so a file that is not UTF-8 fails the group instead
    /// of being read lossily. Breaks `requirement`.
    Utf8Required,
    /// The merge adds 1 per distinct word of a file instead of the word's count. Breaks
    /// `requirement`.
    DistinctWordsCountedOnce,
    /// The file is read before `probe.run`; only the tokenising is inside the bracket. Breaks
    /// `requirement`.
    ReadOutsideProbe,
    /// The probe is keyed by the file's name, not by the path as `files` yielded it. Breaks
    /// `requirement`.
    ProbeKeyedByFileName,
    /// Stretch: each task picks shards with its own `RandomState`, so one word lands in several
    /// shards, and the join (`extend`, since "a word is in one shard") keeps only one of them.
    /// Breaks `stretch`.
    ShardHasherPerTask,
    /// Stretch: the join loops over `0..SHARDS - 1`, dropping the last shard's words. Breaks
    /// `stretch`.
    ShardJoinSkipsLast,
}

/// Where the spawner looks at the group's cancellation.
#[derive(PartialEq, Eq)]
enum SpawnerCheck {
    /// After a slot is free, and again before taking the next path (correct).
    Strict,
    /// Only at the top of the loop, before waiting for a slot.
    BeforeWaiting,
    Never,
}

/// Where a task looks at the group's cancellation.
#[derive(PartialEq, Eq)]
enum TaskCheck {
    /// Just before its job (correct).
    BeforeJob,
    AfterJob,
    Never,
}

impl Bug {
    fn is_stretch(self) -> bool {
        matches!(self, Bug::ShardHasherPerTask | Bug::ShardJoinSkipsLast)
    }

    fn spawner_check(self) -> SpawnerCheck {
        match self {
            Bug::NoCancelCheck | Bug::CancelOnlyByTasks => SpawnerCheck::Never,
            Bug::CancelOnlyBySpawner | Bug::SpawnerChecksBeforeWaiting => {
                SpawnerCheck::BeforeWaiting
            }
            _ => SpawnerCheck::Strict,
        }
    }

    fn task_check(self) -> TaskCheck {
        match self {
            Bug::NoCancelCheck | Bug::CancelOnlyBySpawner => TaskCheck::Never,
            Bug::CancelAfterJob => TaskCheck::AfterJob,
            _ => TaskCheck::BeforeJob,
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn into_inner<T>(m: Mutex<T>) -> T {
    m.into_inner().unwrap_or_else(|p| p.into_inner())
}

/// What a task's thread returns: a failure not yet recorded in the group (only where the bug
/// hands failures back through `join`).
type Outcome = Result<(), PoolError>;

/// The group's shared state: `errgroup.WithContext`'s cancellation and first error, plus the
/// slots `g.SetLimit` hands out.
#[derive(Default)]
struct Group {
    cancelled: AtomicBool,
    /// Failures in the order they were recorded, with the number of the task that had them.
    errors: Mutex<Vec<(usize, PoolError)>>,
    /// Tasks whose thread is ending, not yet joined by the spawner.
    ended: Mutex<Vec<usize>>,
    freed: Condvar,
}

impl Group {
    fn cancelled(&self) -> bool {
        self.cancelled.load(Ordering::SeqCst)
    }

    fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
    }

    fn fail(&self, task: usize, e: PoolError) {
        self.cancel();
        lock(&self.errors).push((task, e));
    }

    fn verdict(self, bug: Bug) -> Option<PoolError> {
        let mut errors = into_inner(self.errors).into_iter();
        let picked = match bug {
            Bug::LastErrorReturned => errors.last(),
            Bug::FirstErrorInFileOrder => errors.min_by_key(|(task, _)| *task),
            _ => errors.next(),
        };
        picked.map(|(_, e)| e)
    }
}

/// Tells the spawner a task's thread is ending (Go's `defer g.done()`), even if it unwinds.
struct Ended<'a> {
    group: &'a Group,
    task: usize,
}

impl Drop for Ended<'_> {
    fn drop(&mut self) {
        lock(&self.group.ended).push(self.task);
        self.group.freed.notify_all();
    }
}

/// A counting semaphore (for the mutant that spawns every thread up front).
struct Semaphore {
    permits: Mutex<usize>,
    cv: Condvar,
}

struct Permit<'a>(&'a Semaphore);

impl Semaphore {
    fn new(permits: usize) -> Self {
        Semaphore {
            permits: Mutex::new(permits),
            cv: Condvar::new(),
        }
    }

    fn acquire(&self) -> Permit<'_> {
        let mut p = lock(&self.permits);
        while *p == 0 {
            p = self.cv.wait(p).unwrap_or_else(|e| e.into_inner());
        }
        *p -= 1;
        Permit(self)
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        *lock(&self.0.permits) += 1;
        self.0.cv.notify_one();
    }
}

/// The map the group shares: one `Mutex`, or the stretch's shards.
enum Store {
    One(Mutex<Counts>),
    Sharded {
        shards: Vec<Mutex<Counts>>,
        hasher: RandomState,
    },
}

impl Store {
    fn new(sharded: bool) -> Self {
        if sharded {
            Store::Sharded {
                shards: (0..SHARDS).map(|_| Mutex::new(Counts::new())).collect(),
                hasher: RandomState::new(),
            }
        } else {
            Store::One(Mutex::new(Counts::new()))
        }
    }

    fn add(&self, partial: Counts, bug: Bug) {
        match self {
            Store::One(map) => match bug {
                Bug::LostUpdate => {
                    for (w, n) in partial {
                        let old = lock(map).get(&w).copied().unwrap_or(0);
                        lock(map).insert(w, old + n);
                    }
                }
                Bug::DistinctWordsCountedOnce => {
                    let mut map = lock(map);
                    for w in partial.into_keys() {
                        *map.entry(w).or_default() += 1;
                    }
                }
                _ => {
                    let mut map = lock(map);
                    for (w, n) in partial {
                        *map.entry(w).or_default() += n;
                    }
                }
            },
            Store::Sharded { shards, hasher } => {
                let own;
                let hasher = if bug == Bug::ShardHasherPerTask {
                    own = RandomState::new();
                    &own
                } else {
                    hasher
                };
                for (w, n) in partial {
                    let shard = hasher.hash_one(&w) as usize % SHARDS;
                    *lock(&shards[shard]).entry(w).or_default() += n;
                }
            }
        }
    }

    fn into_counts(self, bug: Bug) -> Counts {
        match self {
            Store::One(map) => into_inner(map),
            Store::Sharded { shards, .. } => {
                let joined = if bug == Bug::ShardJoinSkipsLast {
                    SHARDS - 1
                } else {
                    SHARDS
                };
                let mut total = Counts::new();
                // A word is always in the shard its hash picks, so the shards never overlap.
                for shard in shards.into_iter().take(joined) {
                    total.extend(into_inner(shard));
                }
                total
            }
        }
    }
}

fn read_file(path: &Path, bug: Bug) -> io::Result<Vec<u8>> {
    if bug == Bug::Utf8Required {
        std::fs::read_to_string(path).map(String::into_bytes)
    } else {
        std::fs::read(path)
    }
}

/// Task 5's words: maximal alphanumeric runs, each lowercased on its own.
fn words(bytes: &[u8], bug: Bug) -> Counts {
    let text = String::from_utf8_lossy(bytes);
    let mut counts = Counts::new();
    let mut add = |w: &str| {
        if !w.is_empty() {
            *counts.entry(w.to_lowercase()).or_default() += 1;
        }
    };
    match bug {
        Bug::LowercaseBeforeSplit => text
            .to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .for_each(&mut add),
        Bug::AsciiOnlyWords => text
            .split(|c: char| !c.is_ascii_alphanumeric())
            .for_each(&mut add),
        _ => text
            .split(|c: char| !c.is_alphanumeric())
            .for_each(&mut add),
    }
    counts
}

fn io_error(path: &Path, e: &io::Error) -> PoolError {
    PoolError::Io(format!("{}: {e}", path.display()))
}

fn panic_message(payload: &(dyn Any + Send), bug: Bug) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        return (*s).to_string();
    }
    if bug != Bug::PanicMessageStrOnly {
        if let Some(s) = payload.downcast_ref::<String>() {
            return s.clone();
        }
    }
    "a job panicked".to_string()
}

/// What every task of one call shares.
struct Ctx<'a> {
    bug: Bug,
    group: &'a Group,
    store: &'a Store,
    probe: &'a Probe<PathBuf>,
    /// Only where every thread is spawned up front and the limit is a semaphore.
    sem: Option<&'a Semaphore>,
}

impl Ctx<'_> {
    /// One task of the group: its thread's whole body.
    fn task(&self, task: usize, path: PathBuf) -> Outcome {
        let _ended = Ended {
            group: self.group,
            task,
        };
        let _permit = self.sem.map(Semaphore::acquire);
        if self.bug.task_check() == TaskCheck::BeforeJob && self.group.cancelled() {
            return Ok(());
        }
        let pre = (self.bug == Bug::ReadOutsideProbe).then(|| read_file(&path, self.bug));
        let key = if self.bug == Bug::ProbeKeyedByFileName {
            PathBuf::from(path.file_name().unwrap_or_default())
        } else {
            path.clone()
        };
        let run = || self.probe.run(key, || self.job(task, &path, pre));
        match self.bug {
            Bug::PanicTakesPoolDown | Bug::PanicLost => run(),
            _ => match panic::catch_unwind(AssertUnwindSafe(run)) {
                Ok(outcome) => outcome,
                Err(payload) => {
                    let message = panic_message(&*payload, self.bug);
                    self.group.fail(task, PoolError::JobPanicked(message));
                    Ok(())
                }
            },
        }
    }

    /// Inside the bracket: read, count, add, or fail the group.
    fn job(&self, task: usize, path: &Path, pre: Option<io::Result<Vec<u8>>>) -> Outcome {
        let bytes = match pre.unwrap_or_else(|| read_file(path, self.bug)) {
            Ok(bytes) => bytes,
            Err(e) => {
                return match self.classify(path, &e) {
                    Some(err) => self.failed(task, err),
                    None => Ok(()),
                }
            }
        };
        let counts = words(&bytes, self.bug);
        if self.bug.task_check() == TaskCheck::AfterJob && self.group.cancelled() {
            return Ok(());
        }
        self.store.add(counts, self.bug);
        Ok(())
    }

    fn classify(&self, path: &Path, e: &io::Error) -> Option<PoolError> {
        if self.bug == Bug::EveryErrorIsMissingPath {
            return Some(PoolError::MissingPath(path.to_path_buf()));
        }
        if e.kind() == io::ErrorKind::NotFound {
            if self.bug == Bug::MissingFileSkipped {
                tracing::warn!("skipping {}: {e}", path.display());
                return None;
            }
            return Some(PoolError::MissingPath(path.to_path_buf()));
        }
        if self.bug == Bug::DirectoryTreatedAsFine {
            tracing::warn!("skipping {}: {e}", path.display());
            return None;
        }
        Some(io_error(path, e))
    }

    fn failed(&self, task: usize, err: PoolError) -> Outcome {
        if self.bug == Bug::ErrorLostWhenReaped {
            self.group.cancel();
            Err(err)
        } else {
            self.group.fail(task, err);
            Ok(())
        }
    }
}

/// Joins one task's thread and deals with what it handed back.
fn reap(
    bug: Bug,
    group: &Group,
    task: usize,
    joined: thread::Result<Outcome>,
    to_free_a_slot: bool,
) {
    match joined {
        Ok(Ok(())) => {}
        Ok(Err(e)) => {
            if !(to_free_a_slot && bug == Bug::ErrorLostWhenReaped) {
                group.fail(task, e);
            }
        }
        Err(payload) => {
            if bug != Bug::PanicLost {
                panic::resume_unwind(payload);
            }
        }
    }
}

/// `g.SetLimit`: waits until fewer than `limit` tasks are alive, joining those that ended.
fn wait_for_slot<'s>(
    bug: Bug,
    limit: usize,
    group: &Group,
    handles: &mut HashMap<usize, ScopedJoinHandle<'s, Outcome>>,
) {
    let full = |alive: usize| {
        if bug == Bug::LimitOffByOne {
            alive > limit
        } else {
            alive >= limit
        }
    };
    loop {
        let ended = {
            let mut ended = lock(&group.ended);
            while ended.is_empty() && full(handles.len()) {
                ended = group.freed.wait(ended).unwrap_or_else(|p| p.into_inner());
            }
            std::mem::take(&mut *ended)
        };
        for task in ended {
            if let Some(h) = handles.remove(&task) {
                reap(bug, group, task, h.join(), true);
            }
        }
        if !full(handles.len()) {
            return;
        }
    }
}

/// One blind mutant: the errgroup port with one planted [`Bug`].
struct Blind(Bug);

impl Blind {
    fn count(
        &self,
        limit: usize,
        mut files: Jobs<PathBuf>,
        probe: Probe<PathBuf>,
        sharded: bool,
    ) -> Result<Counts, PoolError> {
        let bug = if sharded && !self.0.is_stretch() {
            Bug::Correct
        } else {
            self.0
        };
        if bug == Bug::ReturnsBeforeJoining {
            return detached(limit, files, probe);
        }
        if limit == 0 && bug != Bug::ZeroLimitAccepted {
            return Err(PoolError::ZeroWorkers);
        }
        let limit = match bug {
            Bug::LimitFromCpuCount => PoolConfig::num_cpu(),
            // SetLimit(0) would block forever: at least one.
            Bug::ZeroLimitAccepted => limit.max(1),
            _ => limit,
        };
        let mut source: Box<dyn Iterator<Item = PathBuf>> = if bug == Bug::FilesCollectedUpFront {
            let all: Vec<PathBuf> = files.collect();
            if all.is_empty() {
                return Err(PoolError::EmptyInput);
            }
            Box::new(all.into_iter())
        } else {
            match files.next() {
                Some(first) => Box::new(std::iter::once(first).chain(files)),
                None if bug == Bug::EmptyInputAccepted => return Ok(Counts::new()),
                None => return Err(PoolError::EmptyInput),
            }
        };

        let group = Group::default();
        let store = Store::new(sharded);
        let sem = Semaphore::new(limit);
        let up_front = bug == Bug::AllThreadsSpawnedUpFront;
        let ctx = Ctx {
            bug,
            group: &group,
            store: &store,
            probe: &probe,
            sem: up_front.then_some(&sem),
        };
        let check = bug.spawner_check();
        thread::scope(|s| {
            let ctx = &ctx;
            let mut handles = HashMap::new();
            let mut task = 0;
            let mut next = source.next();
            while let Some(path) = next {
                if !up_front {
                    if check == SpawnerCheck::BeforeWaiting && group.cancelled() {
                        break;
                    }
                    wait_for_slot(bug, limit, &group, &mut handles);
                    if check == SpawnerCheck::Strict && group.cancelled() {
                        break;
                    }
                }
                handles.insert(task, s.spawn(move || ctx.task(task, path)));
                task += 1;
                if check == SpawnerCheck::Strict && group.cancelled() {
                    break;
                }
                next = source.next();
            }
            for (task, h) in handles.drain() {
                reap(bug, &group, task, h.join(), false);
            }
        });
        match group.verdict(bug) {
            Some(e) => Err(e),
            None => Ok(store.into_counts(bug)),
        }
    }
}

/// The port with plain `thread::spawn` and a results channel: returns on the first error it
/// receives, and never joins a thread.
fn detached(
    limit: usize,
    mut files: Jobs<PathBuf>,
    probe: Probe<PathBuf>,
) -> Result<Counts, PoolError> {
    struct Shared {
        cancelled: AtomicBool,
        alive: Mutex<usize>,
        freed: Condvar,
        counts: Mutex<Counts>,
    }
    if limit == 0 {
        return Err(PoolError::ZeroWorkers);
    }
    let Some(first) = files.next() else {
        return Err(PoolError::EmptyInput);
    };
    let shared = Arc::new(Shared {
        cancelled: AtomicBool::new(false),
        alive: Mutex::new(0),
        freed: Condvar::new(),
        counts: Mutex::new(Counts::new()),
    });
    let (tx, rx) = mpsc::channel::<Outcome>();
    let mut started = 0;
    let mut next = Some(first);
    while let Some(path) = next {
        let go = {
            let mut alive = lock(&shared.alive);
            while *alive >= limit {
                alive = shared.freed.wait(alive).unwrap_or_else(|p| p.into_inner());
            }
            if shared.cancelled.load(Ordering::SeqCst) {
                false
            } else {
                *alive += 1;
                true
            }
        };
        if !go {
            break;
        }
        let (shared_t, tx, probe) = (Arc::clone(&shared), tx.clone(), probe.clone());
        thread::spawn(move || {
            let shared = shared_t;
            let outcome = if shared.cancelled.load(Ordering::SeqCst) {
                Ok(())
            } else {
                let job = || {
                    probe.run(path.clone(), || {
                        let bytes = match std::fs::read(&path) {
                            Ok(bytes) => bytes,
                            Err(e) => {
                                shared.cancelled.store(true, Ordering::SeqCst);
                                return Err(if e.kind() == io::ErrorKind::NotFound {
                                    PoolError::MissingPath(path.clone())
                                } else {
                                    io_error(&path, &e)
                                });
                            }
                        };
                        let counts = words(&bytes, Bug::Correct);
                        let mut total = lock(&shared.counts);
                        for (w, n) in counts {
                            *total.entry(w).or_default() += n;
                        }
                        Ok(())
                    })
                };
                match panic::catch_unwind(AssertUnwindSafe(job)) {
                    Ok(outcome) => outcome,
                    Err(payload) => {
                        shared.cancelled.store(true, Ordering::SeqCst);
                        Err(PoolError::JobPanicked(panic_message(
                            &*payload,
                            Bug::Correct,
                        )))
                    }
                }
            };
            let _ = tx.send(outcome);
            *lock(&shared.alive) -= 1;
            shared.freed.notify_all();
        });
        started += 1;
        if shared.cancelled.load(Ordering::SeqCst) {
            break;
        }
        next = files.next();
    }
    drop(tx);
    for _ in 0..started {
        if let Ok(Err(e)) = rx.recv() {
            return Err(e);
        }
    }
    let counts = std::mem::take(&mut *lock(&shared.counts));
    Ok(counts)
}

impl ErrgroupCounter for Blind {
    fn count_words(
        &self,
        limit: usize,
        files: Jobs<PathBuf>,
        probe: Probe<PathBuf>,
    ) -> Result<Counts, PoolError> {
        self.count(limit, files, probe, false)
    }

    fn count_words_sharded(
        &self,
        limit: usize,
        files: Jobs<PathBuf>,
        probe: Probe<PathBuf>,
    ) -> Option<Result<Counts, PoolError>> {
        Some(self.count(limit, files, probe, true))
    }
}

pub fn mutants() -> Vec<Mutant> {
    vec![
        mutant!(
            task07,
            "task07_errgroup",
            "blind_limit_off_by_one",
            Blind(Bug::LimitOffByOne),
            Check::PoolSize,
            "I wait for a slot only while more than `limit` tasks are alive, so one too many run."
        ),
        mutant!(
            task07,
            "task07_errgroup",
            "blind_limit_from_cpu_count",
            Blind(Bug::LimitFromCpuCount),
            Check::PoolSize,
            "I kept the course's g.SetLimit(runtime.NumCPU()) and ignore the limit I am given."
        ),
        mutant!(
            task07,
            "task07_errgroup",
            "blind_all_threads_spawned_up_front",
            Blind(Bug::AllThreadsSpawnedUpFront),
            Check::PoolSize,
            "I spawn a thread for every file at once and have each wait on a semaphore of `limit` permits."
        ),
        mutant!(
            task07,
            "task07_errgroup",
            "blind_files_collected_up_front",
            Blind(Bug::FilesCollectedUpFront),
            Check::PoolSize,
            "I collect the paths into a Vec first so I can check for an empty list, taking them all before any starts."
        ),
        mutant!(
            task07,
            "task07_errgroup",
            "blind_zero_limit_accepted",
            Blind(Bug::ZeroLimitAccepted),
            Check::GracefulShutdown,
            "I clamp a limit of 0 to 1 because SetLimit(0) would block forever, instead of refusing it."
        ),
        mutant!(
            task07,
            "task07_errgroup",
            "blind_empty_input_accepted",
            Blind(Bug::EmptyInputAccepted),
            Check::GracefulShutdown,
            "I return empty counts for an empty list of files instead of refusing it."
        ),
        mutant!(
            task07,
            "task07_errgroup",
            "blind_no_cancel_check",
            Blind(Bug::NoCancelCheck),
            Check::CtxHonored,
            "I record the first error but nobody looks at the cancellation, so every remaining file is still read."
        ),
        mutant!(
            task07,
            "task07_errgroup",
            "blind_cancel_only_by_tasks",
            Blind(Bug::CancelOnlyByTasks),
            Check::CtxHonored,
            "My tasks check ctx.Done(), but my loop keeps taking every path and starting a task for it after a failure."
        ),
        mutant!(
            task07,
            "task07_errgroup",
            "blind_cancel_only_by_spawner",
            Blind(Bug::CancelOnlyBySpawner),
            Check::CtxHonored,
            "I check ctx.Err() only at the top of my loop before g.Go, so the task started when a failure frees a slot still runs."
        ),
        mutant!(
            task07,
            "task07_errgroup",
            "blind_spawner_checks_before_waiting",
            Blind(Bug::SpawnerChecksBeforeWaiting),
            Check::CtxHonored,
            "My loop checks the cancellation before waiting for a slot, not after, so it takes another path after a failure."
        ),
        mutant!(
            task07,
            "task07_errgroup",
            "blind_cancel_after_job",
            Blind(Bug::CancelAfterJob),
            Check::CtxHonored,
            "My tasks check the cancellation after reading their file, to drop the counts, instead of before starting."
        ),
        mutant!(
            task07,
            "task07_errgroup",
            "blind_last_error_returned",
            Blind(Bug::LastErrorReturned),
            Check::ErrorsHandled,
            "I overwrite the group's error on every failure, so I return the last one, not the first."
        ),
        mutant!(
            task07,
            "task07_errgroup",
            "blind_first_error_in_file_order",
            Blind(Bug::FirstErrorInFileOrder),
            Check::ErrorsHandled,
            "I keep each task's error by its index and return the earliest file's, not the first to happen."
        ),
        mutant!(
            task07,
            "task07_errgroup",
            "blind_missing_file_skipped",
            Blind(Bug::MissingFileSkipped),
            Check::ErrorsHandled,
            "I log a missing file and carry on, as in task 5, instead of failing the group."
        ),
        mutant!(
            task07,
            "task07_errgroup",
            "blind_directory_treated_as_fine",
            Blind(Bug::DirectoryTreatedAsFine),
            Check::ErrorsHandled,
            "I log a directory and count no words for it, as in task 5, instead of returning an I/O error."
        ),
        mutant!(
            task07,
            "task07_errgroup",
            "blind_every_error_is_missing_path",
            Blind(Bug::EveryErrorIsMissingPath),
            Check::ErrorsHandled,
            "I report any read failure, a directory too, as a missing path."
        ),
        mutant!(
            task07,
            "task07_errgroup",
            "blind_error_lost_when_reaped",
            Blind(Bug::ErrorLostWhenReaped),
            Check::ErrorsHandled,
            "I return errors from the task threads, but ignore the result of the ones I join to free a slot."
        ),
        mutant!(
            task07,
            "task07_errgroup",
            "blind_panic_takes_pool_down",
            Blind(Bug::PanicTakesPoolDown),
            Check::ErrorsHandled,
            "I don't catch panics, and join().unwrap() passes a job's panic on to the caller."
        ),
        mutant!(
            task07,
            "task07_errgroup",
            "blind_panic_lost",
            Blind(Bug::PanicLost),
            Check::ErrorsHandled,
            "I don't catch panics and ignore what join() returns, so a panicking file is simply missing."
        ),
        mutant!(
            task07,
            "task07_errgroup",
            "blind_panic_message_str_only",
            Blind(Bug::PanicMessageStrOnly),
            Check::ErrorsHandled,
            "I take the panic's message only when it is a &str, so a formatted panic's message is lost."
        ),
        mutant!(
            task07,
            "task07_errgroup",
            "blind_returns_before_joining",
            Blind(Bug::ReturnsBeforeJoining),
            Check::AllJoined,
            "I spawn detached threads that send on a channel and return as soon as I receive the first error."
        ),
        mutant!(
            task07,
            "task07_errgroup",
            "blind_lost_update",
            Blind(Bug::LostUpdate),
            Check::Requirement,
            "I read a word's count under the lock and write it back under a second lock, so updates get lost."
        ),
        mutant!(
            task07,
            "task07_errgroup",
            "blind_lowercase_before_split",
            Blind(Bug::LowercaseBeforeSplit),
            Check::Requirement,
            "I lowercase the whole text first and then split it into words."
        ),
        mutant!(
            task07,
            "task07_errgroup",
            "blind_ascii_only_words",
            Blind(Bug::AsciiOnlyWords),
            Check::Requirement,
            "I split words on anything that is not an ASCII letter or digit."
        ),
        mutant!(
            task07,
            "task07_errgroup",
            "blind_utf8_required",
            Blind(Bug::Utf8Required),
            Check::Requirement,
            "I read files with read_to_string, so a file that is not UTF-8 fails the group."
        ),
        mutant!(
            task07,
            "task07_errgroup",
            "blind_distinct_words_counted_once",
            Blind(Bug::DistinctWordsCountedOnce),
            Check::Requirement,
            "My merge does global[k]++ for each word of a file's map and forgets its count."
        ),
        mutant!(
            task07,
            "task07_errgroup",
            "blind_read_outside_probe",
            Blind(Bug::ReadOutsideProbe),
            Check::Requirement,
            "I read the file before probe.run and only count the words inside it."
        ),
        mutant!(
            task07,
            "task07_errgroup",
            "blind_probe_keyed_by_file_name",
            Blind(Bug::ProbeKeyedByFileName),
            Check::Requirement,
            "I key probe.run by the file's name instead of the path I was given."
        ),
        mutant!(
            task07,
            "task07_errgroup",
            "blind_shard_hasher_per_task",
            Blind(Bug::ShardHasherPerTask),
            Check::Stretch,
            "Each task makes its own RandomState to pick shards, and I join the shards with extend."
        ),
        mutant!(
            task07,
            "task07_errgroup",
            "blind_shard_join_skips_last",
            Blind(Bug::ShardJoinSkipsLast),
            Check::Stretch,
            "I join the shards with for i in 0..SHARDS - 1 and miss the last one."
        ),
    ]
}

/// Blind mutants of this task dropped at triage, with the reason.
pub const DROPPED: &[super::Dropped] = &[];

/// Blind mutants of this task whose checklist item triage changed, with the reason.
pub const RELABELLED: &[super::Relabelled] = &[
    super::Relabelled {
        name: "task07_errgroup::blind_lost_update",
        was: Check::RaceFree,
        why: "a race is blamed on what it breaks (README, \"How a failure is blamed\"): a lost update is a wrong count, requirement",
    },
    super::Relabelled {
        name: "task07_errgroup::blind_files_collected_up_front",
        was: Check::BufferSize,
        why: "errgroup has no jobs buffer: the contract bounds the paths taken ahead by the limit (SetLimit makes g.Go block before the next path is taken), so running ahead of it is pool_size",
    },
    super::Relabelled {
        name: "task07_errgroup::blind_zero_limit_accepted",
        was: Check::PoolSize,
        why: "a limit of 0 accepted is a refusal that did not happen: graceful_shutdown, as for every task",
    },
    super::Relabelled {
        name: "task07_errgroup::blind_empty_input_accepted",
        was: Check::Requirement,
        why: "an empty list accepted is a refusal that did not happen: graceful_shutdown, as for every task",
    },
];

/// Blind mutants of this task whose catch is measured rather than required.
pub const UNCERTAIN: &[super::Uncertain] = &[];
