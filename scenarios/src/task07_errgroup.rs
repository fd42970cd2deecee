//! Task 7, Errgroup Migration: what decides whether a solution meets it.
//!
//! The counts are judged on task 5's corpora against task 5's sequential count. The group's
//! life is judged with gates: jobs held in their bracket show the limit (jobs counted at once,
//! threads alive, paths taken ahead), and a failing job released while the others are still held
//! shows, with no race to lose, whether anything starts after the first error and which error
//! comes back. Limits are kept apart from the machine's CPU count.

use crate::support::{self, apart_from_cpus};
use crate::words::{
    corpus, differences, plain_texts, seed_bytes_from, sequential_count, tempdir, write_files,
    CONTEXT_WORDS, COUNT_HINT, NOT_UTF8,
};
use harness::contracts::task05_word_counter::Counts;
use harness::contracts::task07_errgroup::{ErrgroupCounter, TASK};
use harness::contracts::{PoolError, Solution};
use harness::ledger::{Ledger, Snapshot};
use harness::probe::{Gate, Jobs, Probe};
use harness::scenario::attempted;
use harness::timing::{EXIT_GRACE, GET_GOING, QUIET, WITHIN};
use harness::{ensure, ensure_eq, leak, Check, Ctx, Failure, Outcome, Stop};
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// The main limit, and a second one: neither the machine's CPU count.
fn limit() -> usize {
    apart_from_cpus(3, 4)
}
fn other() -> usize {
    apart_from_cpus(5, 6)
}

pub fn scenarios() -> Vec<harness::Scenario> {
    vec![
        TASK.scenario("counts_as_task_5_does", &[Check::Requirement],
            "16 generated corpora (task 5's: mixed case, several scripts, digits, context-dependent lowercase, empty files), and files of bytes that are not UTF-8, count exactly as task 5's sequential count does",
            counts_as_task_5_does),
        TASK.scenario("runs_at_most_limit_at_once", &[Check::PoolSize],
            "with every file held, exactly `limit` files are counted at once and the group has `limit` threads alive, with at most one path taken ahead (limits 3 and 5, never the CPU count); each file read inside its bracket",
            runs_at_most_limit_at_once),
        TASK.scenario("no_file_starts_after_the_first_error", &[Check::CtxHonored, Check::AllJoined],
            "a missing file fails while the other jobs are held and the next file's task is held at its thread's start: that task starts no job, no other starts and no path is taken after the failure, the call waits for the held jobs, returns MissingPath, and leaves no thread behind",
            no_file_starts_after_the_first_error),
        TASK.scenario("the_first_error_is_returned", &[Check::ErrorsHandled],
            "a missing file and a directory fail one after the other, in both orders: the call returns the first (MissingPath(path), or Io naming the directory)",
            the_first_error_is_returned),
        TASK.scenario("a_panicking_job_is_reported", &[Check::ErrorsHandled],
            "a job panics while the others are held: the call returns JobPanicked with its message, not a panic, starts nothing after it, and joins every task",
            a_panicking_job_is_reported),
        TASK.scenario("concurrent_adds_lose_nothing", &[Check::Requirement],
            "two files of the same 2 000 words on a limit of 3, runs until 300 of them had both jobs end within a seeded 1.5 µs of each other: every run's counts exact (an add read and written under two separate locks loses one file's)",
            concurrent_adds_lose_nothing).races(),
        TASK.scenario("no_thread_outlives_the_group", &[Check::NoLeaks, Check::AllJoined],
            "every thread the group started has exited once it returned", no_thread_outlives_the_group),
        TASK.scenario("zero_limit_is_refused", &[Check::GracefulShutdown],
            "a limit of 0 gets PoolError::ZeroWorkers at once, not a hang", zero_limit_is_refused),
        TASK.scenario("empty_file_list_is_refused", &[Check::GracefulShutdown],
            "no files gets PoolError::EmptyInput, not a hang or an empty count", empty_file_list_is_refused),
        TASK.scenario("stretch_sharded_counts_equal", &[Check::Stretch],
            "count_words_sharded counts 8 generated corpora and 12 files sharing most of their words exactly as the sequential count does",
            stretch_sharded_counts_equal),
    ]
}

/// Which of the two calls a scenario makes.
#[derive(Clone, Copy)]
enum Call {
    Plain,
    Sharded,
}

/// Calls the solution with `paths` taken through the ledger; closes the ledger once it returned.
/// `None`: the sharded stretch is not attempted.
fn count(
    ec: &dyn ErrgroupCounter,
    call: Call,
    limit: usize,
    ledger: &Arc<Ledger>,
    paths: impl IntoIterator<Item = PathBuf, IntoIter: Send + 'static>,
    probe: Probe<PathBuf>,
) -> Option<Result<Counts, PoolError>> {
    let files = Jobs::new(ledger.clone(), paths, |p| p.display().to_string());
    let r = match call {
        Call::Plain => Some(ec.count_words(limit, files, probe)),
        Call::Sharded => ec.count_words_sharded(limit, files, probe),
    };
    ledger.close();
    r
}

fn plain(
    ec: &dyn ErrgroupCounter,
    limit: usize,
    ledger: &Arc<Ledger>,
    paths: impl IntoIterator<Item = PathBuf, IntoIter: Send + 'static>,
    probe: Probe<PathBuf>,
) -> Result<Counts, PoolError> {
    count(ec, Call::Plain, limit, ledger, paths, probe).expect("count_words always answers")
}

fn counted(r: Result<Counts, PoolError>) -> Result<Counts, Failure> {
    support::returned(Check::Requirement, "count_words returns Ok(counts)", r)
}

/// `got` equals the sequential count of `texts`, under `check`.
fn exact(check: Check, texts: &[String], got: &Counts, what: &str) -> Result<(), Failure> {
    let diffs = differences(&sequential_count(texts.iter().map(String::as_str)), got);
    ensure(diffs.is_empty(), || {
        Failure::new(
            check,
            format!("{what}: the counts of a sequential count of the same files"),
            diffs.join("; "),
        )
        .hint(COUNT_HINT)
    })
}

/// Runs 16 (or `cases`) generated corpora through `call`; `Err(NotAttempted)` for a stretch
/// left at `None`.
fn corpora(ec: &dyn ErrgroupCounter, ctx: &Ctx, call: Call, cases: u32, check: Check) -> Outcome {
    let config = Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 256,
        ..Config::default()
    };
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes_from(ctx.seed));
    let mut runner = TestRunner::new_with_rng(config, rng);
    let ledger = ctx.ledger("files");
    let attempted = std::cell::Cell::new(true);
    let outcome = runner.run(&corpus(), |texts| {
        ctx.stage(format!(
            "counting a generated corpus of {} files",
            texts.len()
        ));
        let dir = tempdir();
        let paths = write_files(dir.path(), &texts);
        let Some(r) = count(
            ec,
            call,
            limit(),
            &ledger,
            paths,
            Probe::new(ledger.clone()),
        ) else {
            attempted.set(false);
            return Ok(());
        };
        let got = r.map_err(|e| TestCaseError::fail(format!("it returned Err({e:?})")))?;
        let diffs = differences(&sequential_count(texts.iter().map(String::as_str)), &got);
        match diffs.is_empty() {
            true => Ok(()),
            false => Err(TestCaseError::fail(diffs.join("; "))),
        }
    });
    if !attempted.get() {
        return Err(Stop::NotAttempted(
            "count_words_sharded is not attempted".into(),
        ));
    }
    match outcome {
        Ok(()) => Ok(()),
        Err(TestError::Fail(why, texts)) => Err(Failure::new(
            check,
            "the same counts as task 5's sequential count of the same files (words are maximal \
             runs of char::is_alphanumeric characters, each lowercased on its own)",
            format!("for the smallest failing corpus proptest found, files {texts:?}: {why}"),
        )
        .hint(COUNT_HINT)
        .into()),
        Err(TestError::Abort(why)) => Err(Failure::new(
            check,
            "every generated corpus counted",
            format!("the property run stopped: {why}"),
        )
        .into()),
    }
}

fn counts_as_task_5_does(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let ec = attempted(sol.task07(), TASK)?;
    corpora(ec, ctx, Call::Plain, 16, Check::Requirement)?;
    // What a generated corpus never holds: bytes that are not UTF-8 (read lossily, as task 5).
    let dir = tempdir();
    let mut contents = vec![
        NOT_UTF8.to_vec(),
        CONTEXT_WORDS.as_bytes().to_vec(),
        Vec::new(),
    ];
    contents.extend(plain_texts(ctx, 3).into_iter().map(String::into_bytes));
    let paths: Vec<PathBuf> = contents
        .iter()
        .enumerate()
        .map(|(i, bytes)| {
            let path = dir.path().join(format!("k{i}.txt"));
            std::fs::write(&path, bytes).expect("the scenario can write its files");
            path
        })
        .collect();
    let texts: Vec<String> = contents
        .iter()
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .collect();
    let ledger = ctx.ledger("files");
    ctx.stage("counting files of bytes that are not UTF-8, context-dependent capitals and nothing");
    let got = support::returned(
        Check::Requirement,
        "Ok(counts): bytes that are not UTF-8 are read lossily (String::from_utf8_lossy), never an error",
        plain(ec, limit(), &ledger, paths, Probe::new(ledger.clone())),
    )?;
    exact(
        Check::Requirement,
        &texts,
        &got,
        "files of every kind of content",
    )?;
    Ok(())
}

fn runs_at_most_limit_at_once(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let ec = attempted(sol.task07(), TASK)?;
    for limit in [limit(), other()] {
        let texts = plain_texts(ctx, 3 * limit + 4);
        let dir = tempdir();
        let paths = write_files(dir.path(), &texts);
        // Each file holds other words until its job starts: a read outside the bracket shows.
        let stash = tempdir();
        let staged = paths
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let real = stash.path().join(format!("real{i}"));
                std::fs::rename(p, &real).expect("the scenario can move its files");
                std::fs::write(p, "placeholder words read too early").expect("write");
                (p.clone(), real)
            })
            .collect();
        let ledger = ctx.ledger("files");
        let gate = Gate::closed();
        let probe = Probe::new(ledger.clone())
            .with_hook(support::content_on_start(staged))
            .gated(&gate);
        let before = leak::Baseline::now();
        let (held, threads, r) = std::thread::scope(|s| {
            let _open = gate.open_on_drop();
            let l = ledger.clone();
            let pool = s.spawn(move || plain(ec, limit, &l, paths, probe));
            ctx.stage("holding every file at a gate until the group fills up");
            ledger.wait_for(GET_GOING, |s| s.started >= limit as u64);
            let held = ledger.settle(QUIET, WITHIN);
            // The thread calling count_words is one of the new ones.
            let threads = before.extra().len().saturating_sub(1);
            gate.open();
            ctx.stage("waiting for count_words to return after opening the gate");
            let r = pool.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
            (held, threads, r)
        });
        let got = counted(r)?;
        exact(
            Check::Requirement,
            &texts,
            &got,
            "each file read inside probe.run",
        )?;
        let cpus = harness::contracts::PoolConfig::num_cpu();
        ensure_eq(
            Check::PoolSize,
            &format!("files counted at once with every file held, limit = {limit} on a machine of {cpus} CPUs"),
            limit as u64,
            held.peak_in_flight,
            "start a task for a file only while fewer than `limit` are alive (g.SetLimit(limit)): a bounded channel of `limit` tokens, sent before each spawn and received as each task ends",
        )?;
        ensure(threads <= limit, || {
            Failure::new(
                Check::PoolSize,
                format!("at most {limit} of the group's threads alive while {limit} files are held"),
                format!("{threads} threads alive besides the caller"),
            )
            .hint("wait for a slot before spawning (SetLimit makes g.Go block): spawning a thread per file that then waits on a semaphore keeps one thread per file alive")
        })?;
        ensure(held.queued() <= 1, || {
            Failure::new(
                Check::PoolSize,
                format!("at most one path taken from `files` and not started while {limit} are held"),
                format!("{} taken, {} started", held.taken, held.started),
            )
            .hint("take the next path only once a slot is free: collecting every path first runs ahead of the limit")
        })?;
    }
    Ok(())
}

/// What a failing job is made of.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Bad {
    Missing,
    Panics,
}

/// Paths handed out in order, the one at `at` only once `gate` opens (the caller is then held
/// inside `next()`, with a slot free).
struct Source {
    paths: std::vec::IntoIter<PathBuf>,
    at: usize,
    gate: Gate,
}

impl Iterator for Source {
    type Item = PathBuf;
    fn next(&mut self) -> Option<PathBuf> {
        if self.at == 0 {
            self.gate.wait();
        }
        self.at = self.at.wrapping_sub(1);
        self.paths.next()
    }
}

/// The group with its last slot about to be used when a job fails, put together with gates:
/// `limit - 2` good files held in their brackets, the bad file held in its own, and the caller
/// held inside `next()` before the following path. Then the caller gets that path and starts its
/// task, which is held at its thread's start; the bad job fails; the task is let go. A group that
/// is cancelled starts no job after the failure, neither that task's (spawned before the failure,
/// it must look before starting) nor any other, and takes no path after it. Then the held files
/// finish: the call waits for them, returns the failure, and leaves no thread behind.
fn fails_while_held(ec: &dyn ErrgroupCounter, ctx: &mut Ctx, bad: Bad) -> Outcome {
    let limit = limit();
    let texts = plain_texts(ctx, 3 * limit + 2);
    let dir = tempdir();
    let good = write_files(dir.path(), &texts);
    let tag = ctx.rng.u32(..10_000);
    let bad_path = dir.path().join(format!("bad-{tag:04}.txt"));
    let message = format!(
        "the job for {} panics, as the scenario planted",
        bad_path.display()
    );
    if bad == Bad::Panics {
        std::fs::write(&bad_path, "never counted").expect("write");
    }
    let held_good = limit - 2;
    let mut paths: Vec<PathBuf> = good[..held_good].to_vec();
    paths.push(bad_path.clone());
    paths.extend(good[held_good..].iter().cloned());
    let held: std::collections::BTreeSet<PathBuf> = good[..held_good].iter().cloned().collect();
    let ledger = ctx.ledger("files");
    let (gate, bad_gate, source_gate) = (Gate::closed(), Gate::closed(), Gate::closed());
    let failing = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (g, bg, b, m, f) = (
        gate.clone(),
        bad_gate.clone(),
        bad_path.clone(),
        message.clone(),
        failing.clone(),
    );
    let probe = Probe::new(ledger.clone()).with_hook(move |p: &PathBuf| {
        if held.contains(p) {
            g.wait();
        } else if *p == b {
            bg.wait();
            f.store(true, std::sync::atomic::Ordering::SeqCst);
            if bad == Bad::Panics {
                panic!("{m}");
            }
        }
    });
    let source = Source {
        paths: paths.into_iter(),
        at: held_good + 1,
        gate: source_gate.clone(),
    };
    let before = leak::Baseline::now();
    let (at_failure, after_failure, task_held, joined) = std::thread::scope(|s| {
        let _open = [
            gate.open_on_drop(),
            bad_gate.open_on_drop(),
            source_gate.open_on_drop(),
        ];
        let l = ledger.clone();
        let pool =
            s.spawn(move || catch_unwind(AssertUnwindSafe(|| plain(ec, limit, &l, source, probe))));
        ctx.stage("holding the first files and the bad one in their brackets");
        ledger.wait_for(GET_GOING, |s| s.started > held_good as u64);
        ledger.settle(QUIET, WITHIN);
        ctx.stage("letting the caller take one more path, its task held at its thread's start");
        let hold = ctx.hold_new_threads();
        source_gate.open();
        let task_held = support::within(GET_GOING, || hold.held() > 0);
        let at_failure = ledger.settle(QUIET, WITHIN);
        ctx.stage("letting the bad job fail");
        bad_gate.open();
        support::within(GET_GOING, || {
            failing.load(std::sync::atomic::Ordering::SeqCst)
        });
        ledger.settle(QUIET, WITHIN);
        hold.release();
        let after_failure = ledger.settle(QUIET, WITHIN);
        gate.open();
        ctx.stage("waiting for count_words to return after releasing the held files");
        (at_failure, after_failure, task_held, pool.join())
    });
    support::deciding(
        Check::CtxHonored,
        at_failure.started == held_good as u64 + 1 && task_held,
        &format!("{} files started and held, the bad one among them, and the next path's task held at its start", held_good + 1),
        &format!("{} started; a task held: {task_held}", at_failure.started),
    )?;
    let what = match bad {
        Bad::Missing => "a missing file",
        Bad::Panics => "a panicking job",
    };
    let r = match joined {
        Ok(Ok(r)) => r,
        Ok(Err(p)) | Err(p) => {
            return Err(Failure::new(
                Check::ErrorsHandled,
                format!("an error returned for {what}, not a panic"),
                format!("count_words panicked: {}", support::panic_message(&*p)),
            )
            .hint("catch each job's panic in its task (std::panic::catch_unwind around probe.run) and keep it as the group's error, PoolError::JobPanicked(message); never unwrap() a read")
            .into())
        }
    };
    ensure(!after_failure.closed, || {
        Failure::new(
            Check::AllJoined,
            "the call returns only once every task has ended (g.Wait())",
            format!("count_words returned {r:?} while {held_good} files were still being counted"),
        )
        .hint("keep the first error and return it after the scope has joined every task: returning at the error abandons the tasks still running")
    })?;
    let right = match (&r, bad) {
        (Err(PoolError::MissingPath(p)), Bad::Missing) => *p == bad_path,
        (Err(PoolError::JobPanicked(got)), Bad::Panics) => *got == message,
        _ => false,
    };
    ensure(right, || {
        Failure::new(
            Check::ErrorsHandled,
            match bad {
                Bad::Missing => format!("Err(MissingPath({}))", bad_path.display()),
                Bad::Panics => format!("Err(JobPanicked({message:?}))"),
            },
            format!("{r:?}"),
        )
        .hint("the first failure is the group's result: keep it (a Mutex<Option<PoolError>>, set once) and return it after the group has ended, never Ok with a file's count missing")
    })?;
    let last = ledger.settle(QUIET, WITHIN);
    let started = |s: &Snapshot| s.started.saturating_sub(at_failure.started);
    let taken = |s: &Snapshot| s.taken.saturating_sub(at_failure.taken);
    ensure(started(&after_failure) == 0 && started(&last) == 0, || {
        Failure::new(
            Check::CtxHonored,
            format!("no job started after {what} failed, not even the one whose task was spawned just before and held at its start"),
            format!(
                "{} started once the failure was recorded and its task let go, {} by the end",
                started(&after_failure),
                started(&last)
            ),
        )
        .hint("record the first error before the failing task gives back its slot, and have every task check it just before starting its job (if the group has failed, return without starting): errgroup.WithContext's ctx.Err()")
    })?;
    ensure(taken(&last) == 0, || {
        Failure::new(
            Check::CtxHonored,
            format!("no path taken from `files` after {what} failed ({} taken before it)", at_failure.taken),
            format!("{} more taken by the end: the caller went on feeding a cancelled group", taken(&last)),
        )
        .hint("the caller checks the group's failure after it gets a slot and before it takes the next path; stop taking once it has failed")
    })?;
    ctx.stage("waiting for the group's threads to exit after the error");
    before.settled(ctx, EXIT_GRACE, Check::NoLeaks)?;
    support::nothing_after_return(&ledger.settle(QUIET, WITHIN))?;
    Ok(())
}

fn no_file_starts_after_the_first_error(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let ec = attempted(sol.task07(), TASK)?;
    fails_while_held(ec, ctx, Bad::Missing)
}

fn a_panicking_job_is_reported(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let ec = attempted(sol.task07(), TASK)?;
    fails_while_held(ec, ctx, Bad::Panics)
}

/// A good file held, a directory and a missing path held in their brackets; the two bad ones are
/// let go one after the other, each once the other has ended, in both orders.
fn the_first_error_is_returned(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let ec = attempted(sol.task07(), TASK)?;
    let limit = limit();
    for directory_first in [false, true] {
        let texts = plain_texts(ctx, 4);
        let dir = tempdir();
        let good = write_files(dir.path(), &texts);
        let tag = ctx.rng.u32(..10_000);
        let missing = dir.path().join(format!("missing-{tag:04}.txt"));
        let directory = dir.path().join(format!("sub-{tag:04}"));
        std::fs::create_dir(&directory).expect("the scenario can make a directory");
        let paths = vec![
            good[0].clone(),
            directory.clone(),
            missing.clone(),
            good[1].clone(),
        ];
        let gates: Vec<(PathBuf, Gate)> = [&good[0], &directory, &missing]
            .into_iter()
            .map(|p| (p.clone(), Gate::closed()))
            .collect();
        let hooks = gates.clone();
        let ledger = ctx.ledger("files");
        let probe = Probe::new(ledger.clone()).with_hook(move |p: &PathBuf| {
            if let Some((_, g)) = hooks.iter().find(|(q, _)| q == p) {
                g.wait();
            }
        });
        let ended = |p: &PathBuf| {
            let key = p.display().to_string();
            ledger
                .lives()
                .and_then(|l| l.get(&key).copied())
                .is_some_and(|l| l.finished >= 1)
        };
        let order = match directory_first {
            true => [&directory, &missing],
            false => [&missing, &directory],
        };
        let (reached, r) = std::thread::scope(|s| {
            let _open: Vec<_> = gates.iter().map(|(_, g)| g.open_on_drop()).collect();
            let l = ledger.clone();
            let pool = s.spawn(move || plain(ec, limit, &l, paths, probe));
            ctx.stage("holding a good file, a directory and a missing path in their brackets");
            let three = ledger.wait_for(GET_GOING, |s| s.started >= 3).started >= 3;
            let mut reached = three;
            for p in order {
                gates.iter().find(|(q, _)| q == p).expect("gated").1.open();
                reached &= support::within(GET_GOING, || ended(p));
            }
            gates[0].1.open();
            ctx.stage("waiting for count_words to return");
            (
                reached,
                pool.join().unwrap_or_else(|p| std::panic::resume_unwind(p)),
            )
        });
        support::deciding(
            Check::ErrorsHandled,
            reached,
            "the good file, the directory and the missing path in their brackets at once, then each bad one ended",
            "they never were: fewer than 3 tasks at once, or a bad path's job never ended",
        )?;
        let want_dir = directory.display().to_string();
        let right = match (&r, directory_first) {
            (Err(PoolError::Io(m)), true) => m.contains(&want_dir),
            (Err(PoolError::MissingPath(p)), false) => *p == missing,
            _ => false,
        };
        ensure(right, || {
            let (first, second) = match directory_first {
                true => (format!("Err(Io(..)) naming {want_dir}"), "the missing path"),
                false => (
                    format!("Err(MissingPath({}))", missing.display()),
                    "the directory",
                ),
            };
            Failure::new(
                Check::ErrorsHandled,
                format!("{first}: the first failure, though {second} failed after it"),
                format!("{r:?}"),
            )
            .hint("keep only the first error (if slot.is_none() { *slot = Some(e) }) and return it: a directory that cannot be read is an error here (task 7 returns the first read error), NotFound is MissingPath(path), any other is Io with the path in its message")
        })?;
    }
    Ok(())
}

fn concurrent_adds_lose_nothing(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let ec = attempted(sol.task07(), TASK)?;
    // Adding 2 000 words takes long beside the 1.5 µs the pairs leave apart: a lost update
    // needs only the second add to start before the first has stored, which a met pair makes
    // all but certain. 300 met pairs are 300 such chances.
    const MEET: u64 = 300;
    const RUNS: usize = 6_000;
    let words: Vec<String> = (0..2_000).map(|i| format!("w{i}")).collect();
    let texts = vec![words.join(" "), words.join("\n")];
    let dir = tempdir();
    let paths = write_files(dir.path(), &texts);
    let pairs = ctx.pairs(RUNS, Duration::from_nanos(1_500));
    support::until_pairs_met(
        &pairs,
        (MEET, RUNS),
        Check::Requirement,
        "two jobs ended together",
        |run| {
            let ledger = ctx.counting_ledger("files");
            let probe = pairs.around(Probe::new(ledger.clone()));
            ctx.stage(format!("run {run}: two files whose jobs end together"));
            let got = counted(plain(ec, 3, &ledger, paths.clone(), probe))?;
            exact(Check::Requirement, &texts, &got, &format!("run {run}, both files' words added"))
            .map_err(|f| f.hint("add into the shared map under one lock held for the whole add (or merge each task's partial map after g.Wait()): reading a copy under one lock and storing it under another loses whatever another task added in between"))
        },
    )
}

fn no_thread_outlives_the_group(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let ec = attempted(sol.task07(), TASK)?;
    let texts = plain_texts(ctx, 12);
    let dir = tempdir();
    let paths = write_files(dir.path(), &texts);
    let ledger = ctx.ledger("files");
    support::no_thread_outlives(ctx, "count_words", || {
        counted(plain(
            ec,
            limit(),
            &ledger,
            paths,
            Probe::new(ledger.clone()),
        ))
        .map(drop)
    })?;
    support::nothing_after_return(&ledger.snapshot())?;
    Ok(())
}

fn refused(
    sol: &'static dyn Solution,
    ctx: &mut Ctx,
    limit: usize,
    paths: Vec<PathBuf>,
    want: PoolError,
) -> Outcome {
    let ec = attempted(sol.task07(), TASK)?;
    let ledger = ctx.ledger("files");
    ctx.stage(format!("waiting for count_words to refuse with {want:?}"));
    let r = plain(ec, limit, &ledger, paths, Probe::new(ledger.clone()));
    ensure(r == Err(want.clone()), || {
        Failure::new(
            Check::GracefulShutdown,
            format!("Err({want:?})"),
            match &r {
                Ok(c) => format!("Ok with {} distinct words", c.len()),
                Err(e) => format!("Err({e:?})"),
            },
        )
        .hint("check the input before starting any thread and return the error: a limit of 0 would make the first spawn wait forever")
    })?;
    Ok(())
}

fn zero_limit_is_refused(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let texts = plain_texts(ctx, 4);
    let dir = tempdir();
    let paths = write_files(dir.path(), &texts);
    refused(sol, ctx, 0, paths, PoolError::ZeroWorkers)
}

fn empty_file_list_is_refused(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    refused(sol, ctx, limit(), Vec::new(), PoolError::EmptyInput)
}

fn stretch_sharded_counts_equal(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let ec = attempted(sol.task07(), TASK)?;
    corpora(ec, ctx, Call::Sharded, 8, Check::Stretch)?;
    // Twelve files of the same few words: every word is added by many tasks, into its shard.
    let texts = plain_texts(ctx, 12);
    let dir = tempdir();
    let paths = write_files(dir.path(), &texts);
    let ledger = ctx.ledger("files");
    ctx.stage("counting 12 files that share their words, sharded");
    let r = count(
        ec,
        Call::Sharded,
        other(),
        &ledger,
        paths,
        Probe::new(ledger.clone()),
    )
    .ok_or_else(|| Stop::NotAttempted("count_words_sharded is not attempted".into()))?;
    let got = support::returned(Check::Stretch, "count_words_sharded returns Ok(counts)", r)?;
    exact(Check::Stretch, &texts, &got, "12 files sharing their words, sharded")
        .map_err(|f| f.hint("pick a word's shard with one hasher shared by every task (a RandomState made once, or a fixed hash such as FNV), so a word is always in the same shard; then the shards can be joined without adding"))?;
    Ok(())
}
