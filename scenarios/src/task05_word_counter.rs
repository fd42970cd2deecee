//! Task 5, Word Counter: what decides whether a solution meets it.
//!
//! Inputs cover every class the contract names or implies: letters of several scripts and both
//! cases, digits (ASCII, Arabic-Indic, superscript, Roman numerals), capitals whose lowercase
//! depends on context (a final `Σ` before an apostrophe) or is longer than them (`İ`), empty
//! files, bytes that are not UTF-8, files of one name in different directories, a symlink to a
//! file, directories among the paths, missing paths and panicking jobs. Configurations keep every
//! quantity apart (workers, both buffers, the machine's CPU count), so using one for another shows.

use crate::support;
use crate::words::{
    corpus, differences, plain_texts, seed_bytes_from, sequential_count, tempdir, write_files,
    CONTEXT_WORDS, COUNT_HINT, NOT_UTF8,
};
use harness::contracts::task05_word_counter::{Counts, WordCounter, TASK};
use harness::contracts::{PoolConfig, PoolError, Solution};
use harness::hold::while_held;
use harness::ledger::{Ledger, Snapshot};
use harness::probe::{Gate, Jobs, Probe};
use harness::scenario::attempted;
use harness::timing::{EXIT_GRACE, GET_GOING, QUIET, WITHIN};
use harness::{ensure, ensure_eq, leak, Check, Ctx, Failure, Outcome, Scenario, Stop};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestError, TestRng, TestRunner};
use std::collections::{BTreeMap, BTreeSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// The main pool: buffers smaller than the input, so their bounds show, and no two of workers,
/// jobs buffer, results buffer and the CPU count equal. One result slot: a consumer that stops
/// reading blocks the workers at once.
fn cfg() -> PoolConfig {
    PoolConfig {
        workers: support::apart_from_cpus(3, 4),
        jobs_buffer: support::apart_from_cpus(5, 6),
        results_buffer: support::apart_from_cpus(1, 0),
    }
}

/// A second pool with other sizes, a rendezvous jobs channel among them.
fn other() -> PoolConfig {
    PoolConfig {
        workers: support::apart_from_cpus(5, 6),
        jobs_buffer: 0,
        results_buffer: support::apart_from_cpus(7, 8),
    }
}

pub fn scenarios() -> Vec<Scenario> {
    vec![
        TASK.scenario("equals_sequential_count", &[Check::Requirement],
            "16 generated corpora (mixed case, letters of several scripts, digits, context-dependent lowercase, punctuation, empty files) count exactly as a sequential count does, merged() called once per file on the calling thread",
            equals_sequential_count),
        TASK.scenario("counts_every_kind_of_input", &[Check::Requirement, Check::ErrorsHandled],
            "files in nested directories (one name twice), a symlink, non-UTF-8 bytes, an empty file and directories among the paths: exact counts of the bytes each file holds when its job starts, each path inside one probe.run keyed by itself, each directory logged and skipped",
            counts_every_kind_of_input),
        TASK.scenario("runs_the_configured_workers", &[Check::PoolSize],
            "with every file held, exactly cfg.workers files are counted at once (3, then 5: never the CPU count)",
            runs_the_configured_workers),
        TASK.scenario("files_taken_ahead_fill_the_jobs_buffer", &[Check::BufferSize],
            "with every worker held, the pool takes jobs_buffer files beyond those being counted, plus at most one in the producer's hand",
            files_taken_ahead_fill_the_jobs_buffer),
        TASK.scenario("partial_maps_wait_in_the_results_buffer", &[Check::BufferSize],
            "with merged() held, results_buffer partial maps wait, plus one in each blocked worker's hand, and no more",
            partial_maps_wait_in_the_results_buffer),
        TASK.scenario("missing_files_are_reported", &[Check::ErrorsHandled, Check::AllJoined],
            "more missing paths than workers, files after them: every file still counted, then PoolError::MissingPath naming one of them, after every worker stopped, leaving no thread behind",
            missing_files_are_reported),
        TASK.scenario("panicking_jobs_are_reported", &[Check::ErrorsHandled, Check::AllJoined],
            "more jobs panic than there are workers, files after them: every file still counted, then PoolError::JobPanicked with a planted message, after every worker stopped, leaving no thread behind",
            panicking_jobs_are_reported),
        TASK.scenario("exact_over_repeated_runs", &[Check::Requirement, Check::AllJoined, Check::CloseOnce],
            "24 runs, each forcing one interleaving (a lone worker; the last files released together; every worker idle when the jobs channel closes): exact counts, every worker joined before the call returns, the call returns",
            exact_over_repeated_runs),
        TASK.scenario("results_close_when_the_last_workers_finish_together", &[Check::CloseOnce, Check::Requirement],
            "two files on three workers, runs until 2 000 of them had the two workers counting the files leave their jobs within a seeded 1.5 µs of each other once the files ran out: every run returns, with exact counts (a \"last worker out closes\" counter read and written apart misses zero and closes nothing)",
            results_close_when_the_last_workers_finish_together).races(),
        TASK.scenario("stretch_top_ten_with_ties", &[Check::Stretch],
            "top_ten lists the ten most frequent words, ties in ascending byte order, including across 10th place",
            stretch_top_ten_with_ties),
        TASK.scenario("no_thread_outlives_the_pool", &[Check::NoLeaks, Check::AllJoined],
            "every thread the pool started has exited once it returned", no_thread_outlives_the_pool),
        TASK.scenario("zero_workers_is_refused", &[Check::GracefulShutdown],
            "zero workers gets PoolError::ZeroWorkers at once, not a hang", zero_workers_is_refused),
        TASK.scenario("empty_file_list_is_refused", &[Check::GracefulShutdown],
            "no files gets PoolError::EmptyInput, not a hang or an empty count", empty_file_list_is_refused),
    ]
}

fn jobs(ledger: &Arc<Ledger>, paths: Vec<PathBuf>) -> Jobs<PathBuf> {
    Jobs::new(ledger.clone(), paths, |p| p.display().to_string())
}

/// What the scenario saw of `merged()`: how often it was called, and how often from a thread
/// other than the one that called `count_words`.
#[derive(Default)]
struct Merges {
    calls: u64,
    elsewhere: u64,
}

/// Calls `count_words` with `paths`; see [`count_files`].
fn count(
    wc: &dyn WordCounter,
    cfg: PoolConfig,
    ledger: &Arc<Ledger>,
    paths: Vec<PathBuf>,
    probe: Probe<PathBuf>,
) -> (Result<Counts, PoolError>, Merges) {
    count_files(wc, cfg, ledger, jobs(ledger, paths), probe, None)
}

/// Calls `count_words` with a `merged` that records every call in the ledger (as a delivery, so
/// partial maps finished but not merged show as unread, and a pool that hangs with some is told
/// from one that hangs with every file done) and the thread it came from; closes the ledger once
/// the call returned. With `hold`, every `merged()` call waits at it once recorded.
///
/// The ledger knows from the start that the scenario reads results, so a pool that blocks before
/// its first merge (the caller joined, or fed every file, before reading) is blamed as the
/// README says.
fn count_files(
    wc: &dyn WordCounter,
    cfg: PoolConfig,
    ledger: &Arc<Ledger>,
    files: Jobs<PathBuf>,
    probe: Probe<PathBuf>,
    hold: Option<&Gate>,
) -> (Result<Counts, PoolError>, Merges) {
    ledger.reads_results();
    let caller = std::thread::current().id();
    let mut m = Merges::default();
    let r = wc.count_words(cfg, files, probe, &mut || {
        ledger.deliver("merged()");
        m.calls += 1;
        if std::thread::current().id() != caller {
            m.elsewhere += 1;
        }
        if let Some(gate) = hold {
            gate.wait();
        }
    });
    ledger.close();
    (r, m)
}

/// `merged()` was called once per file, every time on the calling thread.
fn merged_once_per_file(m: &Merges, files: usize) -> Result<(), Failure> {
    ensure(m.calls == files as u64 && m.elsewhere == 0, || {
        Failure::new(
            Check::Requirement,
            format!("merged() called {files} times (once per file's partial map), all on the calling thread"),
            format!("{} calls, {} of them from another thread", m.calls, m.elsewhere),
        )
        .hint("the calling thread is the consumer: for each partial map it takes from the results channel, merge it into the total and call merged()")
    })
}

fn counted(r: Result<Counts, PoolError>) -> Result<Counts, Failure> {
    support::returned(Check::Requirement, "count_words returns Ok(counts)", r)
}

fn equals_sequential_count(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let wc = attempted(sol.task05(), TASK)?;
    let config = Config {
        cases: 16,
        failure_persistence: None,
        max_shrink_iters: 256,
        ..Config::default()
    };
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes_from(ctx.seed));
    let mut runner = TestRunner::new_with_rng(config, rng);
    let ctx = &*ctx;
    let ledger = ctx.ledger("files");
    let outcome = runner.run(&corpus(), |texts| {
        ctx.stage(format!(
            "counting a generated corpus of {} files",
            texts.len()
        ));
        let dir = tempdir();
        let paths = write_files(dir.path(), &texts);
        let (r, m) = count(wc, cfg(), &ledger, paths, Probe::new(ledger.clone()));
        let got = r.map_err(|e| TestCaseError::fail(format!("count_words returned Err({e:?})")))?;
        let diffs = differences(&sequential_count(texts.iter().map(String::as_str)), &got);
        if !diffs.is_empty() {
            return Err(TestCaseError::fail(diffs.join("; ")));
        }
        merged_once_per_file(&m, texts.len()).map_err(|f| TestCaseError::fail(f.observed))
    });
    match outcome {
        Ok(()) => Ok(()),
        Err(TestError::Fail(why, texts)) => Err(Failure::new(
            Check::Requirement,
            "the same counts as a sequential count of the same files (words are maximal runs of \
             char::is_alphanumeric characters, each lowercased on its own), merged() called once \
             per file on the calling thread",
            format!("for the smallest failing corpus proptest found, files {texts:?}: {why}"),
        )
        .hint(COUNT_HINT)
        .into()),
        Err(TestError::Abort(why)) => Err(Failure::new(
            Check::Requirement,
            "16 generated corpora counted",
            format!("the property run stopped: {why}"),
        )
        .into()),
    }
}

/// One directory per run: nested directories, one file name used twice, files whose real bytes
/// appear only when their job starts, a symlink to a file outside the list, directories among
/// the paths.
fn counts_every_kind_of_input(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let wc = attempted(sol.task05(), TASK)?;
    let root = tempdir();
    let stash = tempdir();
    let mut contents: Vec<Vec<u8>> = plain_texts(ctx, 6)
        .into_iter()
        .map(String::into_bytes)
        .collect();
    contents.push(Vec::new()); // an empty file
    contents.push(NOT_UTF8.to_vec());
    contents.push(CONTEXT_WORDS.as_bytes().to_vec());
    contents.push(format!("{CONTEXT_WORDS}\r\n{CONTEXT_WORDS}").into_bytes());
    let names = ["a.txt", "b.md", "a.txt", "notes", ".hidden", "x y.txt"];
    let mut paths: Vec<PathBuf> = Vec::new();
    let mut staged = BTreeMap::new();
    let mut texts: Vec<String> = Vec::new();
    for (i, bytes) in contents.iter().enumerate() {
        let sub = root
            .path()
            .join(format!("d{}", i % 3))
            .join(["", "deep"][i % 2]);
        std::fs::create_dir_all(&sub).expect("the scenario can make directories");
        let path = sub.join(names[i % names.len()]);
        let path = if paths.contains(&path) {
            sub.join(format!("{i}-{}", names[i % names.len()]))
        } else {
            path
        };
        // The path holds other words until its job starts; the real bytes wait in the stash.
        std::fs::write(&path, "placeholder words read too early\n").expect("write");
        let real = stash.path().join(format!("real{i}"));
        std::fs::write(&real, bytes).expect("write");
        staged.insert(path.clone(), real);
        texts.push(String::from_utf8_lossy(bytes).into_owned());
        paths.push(path);
    }
    // A symlink to a file that is not in the list (its bytes are there from the start).
    let target = stash.path().join("linked.txt");
    std::fs::write(&target, "Linked LINKED linked ΣΑΣ").expect("write");
    let link = root.path().join("d1").join("link.txt");
    std::os::unix::fs::symlink(&target, &link).expect("the scenario can make a symlink");
    texts.push("Linked LINKED linked ΣΑΣ".into());
    paths.push(link);
    // Directories, which exist but cannot be read as files.
    let dirs = vec![root.path().join("d0"), root.path().join("d2").join("deep")];
    paths.extend(dirs.iter().cloned());
    ctx.rng.shuffle(&mut paths);
    let n = paths.len();
    let keys: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    let ledger = ctx.ledger("files");
    let probe = Probe::new(ledger.clone()).with_hook(support::content_on_start(staged));
    ctx.stage("counting a tree of every kind of input");
    let (r, m) = count(wc, cfg(), &ledger, paths, probe);
    let got = r.map_err(|e| {
        Failure::new(
            Check::ErrorsHandled,
            "Ok(counts): a directory is logged and skipped, non-UTF-8 bytes are read lossily, and neither ends the run",
            format!("it returned Err({e:?})"),
        )
        .hint("only io::ErrorKind::NotFound is a missing path; any other read error (a directory) is logged with tracing::warn! naming the path and counts nothing; read with std::fs::read and String::from_utf8_lossy, never read_to_string")
    })?;
    ledger.check_keys(
        keys.iter().map(String::as_str),
        "by the path exactly as files yielded it",
    )?;
    let diffs = differences(&sequential_count(texts.iter().map(String::as_str)), &got);
    ensure(diffs.is_empty(), || {
        Failure::new(
            Check::Requirement,
            "the counts of the bytes each file holds once its job starts (its placeholder words never), words split first and then lowercased each on its own, non-UTF-8 read lossily",
            diffs.join("; "),
        )
        .hint(COUNT_HINT.to_string() + "; read each file inside probe.run, never before it")
    })?;
    let logs = ctx.logs();
    for dir in &dirs {
        let name = dir.display().to_string();
        ensure(
            logs.iter()
                .any(|e| e.is_problem() && e.text.contains(&name)),
            || {
                Failure::new(
                    Check::ErrorsHandled,
                    format!("a warning or error naming {name}, a directory among the paths"),
                    format!(
                        "{} problem lines logged, none naming it",
                        logs.iter().filter(|e| e.is_problem()).count()
                    ),
                )
                .hint("log each path that cannot be read with tracing::warn!(\"skipping {}: {e}\", path.display())")
            },
        )?;
    }
    merged_once_per_file(&m, n)?;
    Ok(())
}

/// Holds every file's job at a gate, lets the pool fill up, and returns the settled counters.
fn held_pool(wc: &dyn WordCounter, ctx: &mut Ctx, cfg: PoolConfig) -> Result<Snapshot, Failure> {
    let texts = plain_texts(ctx, 3 * cfg.workers + cfg.jobs_buffer + 4);
    let dir = tempdir();
    let paths = write_files(dir.path(), &texts);
    let ledger = ctx.ledger("files");
    let gate = Gate::closed();
    let probe = Probe::new(ledger.clone()).gated(&gate);
    let (held, (r, _)) = while_held(ctx, &ledger, &gate, cfg.workers as u64, || {
        count(wc, cfg, &ledger, paths, probe)
    });
    counted(r)?;
    Ok(held)
}

fn runs_the_configured_workers(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let wc = attempted(sol.task05(), TASK)?;
    for cfg in [cfg(), other()] {
        let held = held_pool(wc, ctx, cfg)?;
        ensure_eq(
            Check::PoolSize,
            &format!(
                "files counted at once with every file held, cfg.workers = {} on a machine of {} CPUs",
                cfg.workers,
                PoolConfig::num_cpu()
            ),
            cfg.workers as u64,
            held.peak_in_flight,
            "spawn exactly cfg.workers worker threads (the course's NumCPU is only a default: not available_parallelism()), each counting one file at a time",
        )?;
    }
    Ok(())
}

fn files_taken_ahead_fill_the_jobs_buffer(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let wc = attempted(sol.task05(), TASK)?;
    for cfg in [cfg(), other()] {
        let held = held_pool(wc, ctx, cfg)?;
        support::jobs_window(
            cfg,
            &held,
            "files",
            "feed paths from the iterator into sync_channel(cfg.jobs_buffer) from a producer thread as workers free up: \
             collecting the whole file list first, or an unbounded or larger channel, runs ahead of the workers; a \
             smaller one is not the buffer asked for",
        )?;
    }
    Ok(())
}

fn partial_maps_wait_in_the_results_buffer(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let wc = attempted(sol.task05(), TASK)?;
    for cfg in [cfg(), other()] {
        let full = (cfg.results_buffer + cfg.workers) as u64;
        let texts = plain_texts(ctx, 2 * full as usize + cfg.jobs_buffer + 4);
        let dir = tempdir();
        let paths = write_files(dir.path(), &texts);
        let ledger = ctx.ledger("files");
        let consumer = Gate::closed();
        let held = std::thread::scope(|s| {
            let _open = consumer.open_on_drop();
            let (l, c) = (ledger.clone(), consumer.clone());
            let pool = s.spawn(move || {
                count_files(
                    wc,
                    cfg,
                    &l,
                    jobs(&l, paths),
                    Probe::new(l.clone()),
                    Some(&c),
                )
                .0
            });
            ctx.stage("holding merged() at the first partial map until the pool fills up");
            ledger.wait_for(GET_GOING, |s| s.delivered >= 1 && s.unread() >= full);
            let held = ledger.settle(QUIET, WITHIN);
            consumer.open();
            ctx.stage("waiting for count_words to return after releasing merged()");
            let r = pool.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
            support::deciding(
                Check::BufferSize,
                held.delivered >= 1,
                "the first partial map reached merged()",
                "merged() was never called",
            )?;
            counted(r)?;
            Ok::<_, Failure>(held)
        })?;
        ensure(held.unread() == full, || {
            Failure::new(
                Check::BufferSize,
                format!(
                    "with merged() held, {full} files finished but not merged (results_buffer {}, plus one in each of {} blocked workers' hands)",
                    cfg.results_buffer, cfg.workers
                ),
                format!(
                    "{} finished, {} merged: {} waiting{}",
                    held.finished,
                    held.delivered,
                    held.unread(),
                    if held.unread() < full { " (fewer: a smaller results channel, or fewer workers)" } else { "" }
                ),
            )
            .hint("send partial maps through sync_channel(cfg.results_buffer), so workers block when the consumer falls behind; an unbounded channel lets them pile up")
        })?;
    }
    Ok(())
}

/// What a bad entry is made of.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Bad {
    /// A path that does not exist.
    Missing,
    /// A file whose job panics.
    Panics,
}

/// The scenario shared by missing paths and panicking jobs: the first file is held at a gate
/// while the other workers meet bad entries; one more bad entry than there are workers follows,
/// then good files, so a worker that quits on its first bad entry (or dies with it) leaves files
/// nobody counts. Then: the call must not return while the held file is being counted, must
/// count every file, return the right error, and leave no thread behind.
fn bad_entries_reported(wc: &dyn WordCounter, ctx: &mut Ctx, bad: Bad) -> Outcome {
    let cfg = cfg();
    let texts = plain_texts(ctx, 12);
    let dir = tempdir();
    let good = write_files(dir.path(), &texts);
    let tag = ctx.rng.u32(..10_000);
    let bad_paths: Vec<PathBuf> = (0..=cfg.workers)
        .map(|i| dir.path().join(format!("bad-{i}-{tag:04}.txt")))
        .collect();
    if bad == Bad::Panics {
        for p in &bad_paths {
            std::fs::write(p, "these words are never counted").expect("write");
        }
    }
    let messages: BTreeSet<String> = bad_paths
        .iter()
        .map(|p| {
            format!(
                "the job for {} panics, as the scenario planted",
                p.display()
            )
        })
        .collect();
    let mut paths = vec![good[0].clone()];
    paths.extend(bad_paths.iter().cloned());
    paths.extend(good[1..].iter().cloned());
    let held = good[0].clone();
    let held_name = held.display().to_string();
    let ledger = ctx.ledger("files");
    let gate = Gate::closed();
    let g = gate.clone();
    let doomed: BTreeSet<PathBuf> = match bad {
        Bad::Panics => bad_paths.iter().cloned().collect(),
        Bad::Missing => BTreeSet::new(),
    };
    let probe = Probe::new(ledger.clone()).with_hook(move |p: &PathBuf| {
        if *p == held {
            g.wait();
        } else if doomed.contains(p) {
            panic!(
                "the job for {} panics, as the scenario planted",
                p.display()
            );
        }
    });
    let before = leak::Baseline::now();
    let all = paths.clone();
    let (early, joined) = std::thread::scope(|s| {
        let _open = gate.open_on_drop();
        let l = ledger.clone();
        let pool =
            s.spawn(move || catch_unwind(AssertUnwindSafe(|| count(wc, cfg, &l, paths, probe))));
        ctx.stage("holding the first file while the other workers meet the bad entries");
        ledger.wait_for(GET_GOING, |s| s.started >= cfg.workers as u64);
        let early = ledger.settle(QUIET, WITHIN);
        gate.open();
        ctx.stage("waiting for count_words to return after releasing the held file");
        (early, pool.join())
    });
    let what = match bad {
        Bad::Missing => "missing path",
        Bad::Panics => "panicking job",
    };
    let r = match joined {
        Ok(Ok((r, _))) => r,
        Ok(Err(p)) | Err(p) => {
            return Err(Failure::new(
                Check::ErrorsHandled,
                format!("an error returned for the {what}s, not a panic"),
                format!(
                    "count_words panicked: {}; started and never finished: {}",
                    support::panic_message(&*p),
                    ledger.stuck().join(", ")
                ),
            )
            .hint("catch each job's panic in its worker (std::panic::catch_unwind around probe.run), turn NotFound into PoolError::MissingPath(path), and send every outcome through the results channel; never unwrap() a read or expect() a send")
            .into())
        }
    };
    ensure(!early.closed, || {
        Failure::new(
            Check::AllJoined,
            "the call returns only once every worker has stopped",
            format!(
                "count_words returned {r:?} while a worker was still counting {held_name}: a worker alive after the call returned"
            ),
        )
        .hint("keep the first error and go on reading results until the channel closes, then join every worker (or use std::thread::scope): returning at the first error abandons workers mid-file")
    })?;
    support::deciding(
        Check::ErrorsHandled,
        early.started >= cfg.workers as u64,
        &format!("{} files started while the first was held", cfg.workers),
        &format!("{} started", early.started),
    )?;
    let lives = ledger.lives().unwrap_or_default();
    let never: Vec<String> = all
        .iter()
        .map(|p| p.display().to_string())
        .filter(|k| lives.get(k).is_none_or(|l| l.started == 0))
        .collect();
    ensure(never.is_empty(), || {
        Failure::new(
            Check::ErrorsHandled,
            format!("every one of the {} paths counted (its job started) despite the {what}s", all.len()),
            format!(
                "{} never started, first {}: the pool stopped, or lost its workers, at the {what}s",
                never.len(),
                never.iter().take(3).cloned().collect::<Vec<_>>().join(", ")
            ),
        )
        .hint("a bad entry costs only its own file: the worker sends its error as the outcome and takes the next path; never return from a worker, or let it die, on one file's error")
    })?;
    let right = match (&r, bad) {
        (Err(PoolError::MissingPath(p)), Bad::Missing) => bad_paths.contains(p),
        (Err(PoolError::JobPanicked(m)), Bad::Panics) => messages.contains(m),
        _ => false,
    };
    ensure(right, || {
        Failure::new(
            Check::ErrorsHandled,
            match bad {
                Bad::Missing => format!("Err(MissingPath(..)) naming one of the {} missing paths", bad_paths.len()),
                Bad::Panics => format!("Err(JobPanicked(..)) with the message of one of the {} panicking jobs", bad_paths.len()),
            },
            match &r {
                Ok(c) => format!("Ok with {} distinct words: the {what}s were not reported", c.len()),
                Err(e) => format!("Err({e:?})"),
            },
        )
        .hint(match bad {
            Bad::Missing => "send each file's outcome as a Result: map io::ErrorKind::NotFound to PoolError::MissingPath(path), and have the consumer keep the first error and return it at the end",
            Bad::Panics => "catch the panic around probe.run (std::panic::catch_unwind), send Err(PoolError::JobPanicked(message)) as the file's outcome, and have the consumer return the first error: never Ok with a count missing",
        })
    })?;
    ctx.stage("waiting for the pool's threads to exit after the error");
    before.settled(ctx, EXIT_GRACE, Check::NoLeaks)?;
    support::nothing_after_return(&ledger.settle(QUIET, WITHIN))?;
    Ok(())
}

fn missing_files_are_reported(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let wc = attempted(sol.task05(), TASK)?;
    bad_entries_reported(wc, ctx, Bad::Missing)
}

fn panicking_jobs_are_reported(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let wc = attempted(sol.task05(), TASK)?;
    bad_entries_reported(wc, ctx, Bad::Panics)
}

/// How one run of [`exact_over_repeated_runs`] forces its interleaving.
#[derive(Clone, Copy, Debug)]
enum Shape {
    /// One worker: a wait that counts workers registered by the workers themselves looks before
    /// the only worker has registered.
    Alone,
    /// The last `workers` files are held until every file has started, then released at once:
    /// every worker finishes, sends and exits together, with partial maps still queued.
    Together,
    /// The job source holds its end until every file is finished (and merged, where the pool
    /// merges as it goes): every worker sits idle, then all see the jobs channel close at once.
    IdleThenClosed,
}

/// Paths handed out in order; with a gate, the end of the list waits at it (the producer is
/// then held inside `next()`, the jobs channel still open).
struct Source {
    paths: std::vec::IntoIter<PathBuf>,
    end: Option<Gate>,
}

impl Iterator for Source {
    type Item = PathBuf;
    fn next(&mut self) -> Option<PathBuf> {
        let next = self.paths.next();
        if next.is_none() {
            if let Some(end) = self.end.take() {
                end.wait();
            }
        }
        next
    }
}

/// Races wholly inside a solution (a wait group added inside the worker, a "last worker out
/// closes" counter that is checked and then set, a consumer that stops when the workers are
/// done rather than when the results channel closes) show only in some interleavings. Each run
/// forces the harness's side of one ([`Shape`]: its gates open in an order the seed does not
/// change), and the pool runs many times. A job that starts after the call returned is held at
/// a gate, so the worker running it is still alive when the leak check looks.
fn exact_over_repeated_runs(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let wc = attempted(sol.task05(), TASK)?;
    const RUNS: usize = 24;
    const FILES: usize = 12;
    let texts = plain_texts(ctx, FILES);
    let dir = tempdir();
    let paths = write_files(dir.path(), &texts);
    let expected = sequential_count(texts.iter().map(String::as_str));
    let late = Gate::closed();
    let _release = late.open_on_drop();
    let alone = PoolConfig {
        workers: 1,
        jobs_buffer: 2,
        results_buffer: 3,
    };
    let many = PoolConfig {
        workers: support::apart_from_cpus(8, 9),
        jobs_buffer: 3,
        results_buffer: 16,
    };
    // A pool that cannot get every file started (fewer workers than it should have) makes a
    // shape wait out GET_GOING: after the first time, the runs go on without that shape's hold.
    let mut holding = true;
    for run in 0..RUNS {
        let shape = [Shape::Alone, Shape::Together, Shape::IdleThenClosed][run % 3];
        let cfg = match shape {
            Shape::Alone => alone,
            _ => many,
        };
        let ledger = ctx.ledger("files");
        let (l, lg) = (ledger.clone(), late.clone());
        let together = Gate::closed();
        let tail: BTreeSet<PathBuf> = match shape {
            Shape::Together if holding => paths[FILES - cfg.workers..].iter().cloned().collect(),
            _ => BTreeSet::new(),
        };
        let tg = together.clone();
        let probe = Probe::new(ledger.clone()).with_hook(move |p: &PathBuf| {
            if l.snapshot().closed {
                lg.wait(); // started after the call returned: keep its worker alive
            }
            if tail.contains(p) {
                tg.wait();
            }
        });
        let end = Gate::closed();
        let source = Source {
            paths: paths.clone().into_iter(),
            end: matches!(shape, Shape::IdleThenClosed if holding).then(|| end.clone()),
        };
        let before = leak::Baseline::now();
        ctx.stage(format!("run {run} of {RUNS}: {shape:?}, {cfg:?}"));
        let (r, m) = std::thread::scope(|s| {
            let (_t, _e) = (together.open_on_drop(), end.open_on_drop());
            let l = ledger.clone();
            let pool = s.spawn(move || {
                let files = Jobs::new(l.clone(), source, |p| p.display().to_string());
                count_files(wc, cfg, &l, files, probe, None)
            });
            let n = FILES as u64;
            let reached = match shape {
                Shape::Alone => true,
                Shape::Together => ledger.wait_for(GET_GOING, |s| s.started >= n).started >= n,
                Shape::IdleThenClosed => {
                    let merged_all_or_none =
                        |s: &Snapshot| s.finished >= n && (s.unread() == 0 || s.delivered == 0);
                    merged_all_or_none(&ledger.wait_for(GET_GOING, merged_all_or_none))
                }
            };
            holding &= reached;
            together.open();
            end.open();
            pool.join().unwrap_or_else(|p| std::panic::resume_unwind(p))
        });
        before.settled(ctx, EXIT_GRACE, Check::NoLeaks)?;
        support::nothing_after_return(&ledger.snapshot())?;
        let got = counted(r)?;
        let diffs = differences(&expected, &got);
        ensure(diffs.is_empty(), || {
            Failure::new(
                Check::Requirement,
                format!("in every run, the counts of the same {FILES} files"),
                format!("run {run} ({shape:?}, {cfg:?}): {}", diffs.join("; ")),
            )
            .hint("a race: the consumer must read until the results channel closes (not until a count of finished workers says so), and the workers must be joined, not waited for by a counter they increment themselves")
        })?;
        merged_once_per_file(&m, FILES)?;
    }
    Ok(())
}

fn results_close_when_the_last_workers_finish_together(
    sol: &'static dyn Solution,
    ctx: &mut Ctx,
) -> Outcome {
    let wc = attempted(sol.task05(), TASK)?;
    // The third worker finds no file and leaves first; the other two race to be last. Buffers
    // big enough that no worker waits on the consumer between its job and its exit.
    let cfg = PoolConfig {
        workers: support::apart_from_cpus(3, 4),
        jobs_buffer: support::apart_from_cpus(6, 7),
        results_buffer: support::apart_from_cpus(5, 7),
    };
    // Each run is one chance (its last two workers), so the runs are many and small. Between a
    // job's end and a "last one out" counter lie the solution's result send (waking the
    // consumer) and its receive of the closed jobs channel, whose microseconds of jitter decide
    // more than the offset does: measured here, such a counter missed zero about once in 200
    // met pairs, with offsets within 0, 1.5 or 4 µs alike, quiet or beside four CPU hogs, but
    // 2 000 met pairs missed it once in a 20-seed sweep run beside builds: MEET met pairs give
    // it some twenty-five chances. About nine runs in ten meet on a quiet machine, six beside a
    // parallel build; a machine too busy to meet them in RUNS decides nothing.
    const MEET: u64 = 5_000;
    const RUNS: usize = 15_000;
    let spread = Duration::from_nanos(1_500);
    let texts = plain_texts(ctx, 2);
    let dir = tempdir();
    let paths = write_files(dir.path(), &texts);
    let expected = sequential_count(texts.iter().map(String::as_str));
    let pairs = ctx.pairs(RUNS, spread);
    support::until_pairs_met(
        &pairs,
        (MEET, RUNS),
        Check::CloseOnce,
        "last two workers left their files together",
        |run| {
            let ledger = ctx.counting_ledger("files");
            let probe = pairs.around(Probe::new(ledger.clone()));
            ctx.stage(format!(
            "run {run}: waiting for count_words to return after its last two workers left their files together"
        ));
            let (r, m) = count(wc, cfg, &ledger, paths.clone(), probe);
            let got = counted(r)?;
            let diffs = differences(&expected, &got);
            ensure(diffs.is_empty(), || {
                Failure::new(
                    Check::Requirement,
                    "in every run, the counts of the same 2 files",
                    format!("run {run}: {}", diffs.join("; ")),
                )
            })?;
            merged_once_per_file(&m, 2)
        },
    )
}

fn stretch_top_ten_with_ties(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let wc = attempted(sol.task05(), TASK)?;
    // Two tied at the top, three tied in the middle, four tied across 10th place (only the
    // smallest word of them makes the list), ties below.
    let mut plan = vec![
        50, 50, 40, 30, 30, 30, 20, 10, 9, 7, 7, 7, 7, 5, 5, 3, 1, 1, 1, 1,
    ];
    ctx.rng.shuffle(&mut plan);
    const LETTERS: [char; 29] = [
        'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p', 'q', 'r',
        's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 'é', 'ж', 'ß',
    ];
    let mut words = BTreeSet::new();
    while words.len() < plan.len() {
        let len = ctx.rng.usize(1..=5);
        words.insert(
            (0..len)
                .map(|_| LETTERS[ctx.rng.usize(..LETTERS.len())])
                .collect::<String>(),
        );
    }
    let entries: Vec<(String, u64)> = words.into_iter().zip(plan).collect();
    let mut expected = entries.clone();
    expected.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.as_bytes().cmp(b.0.as_bytes())));
    expected.truncate(10);
    // Every map is built afresh, so each iterates in another order (std's hasher is seeded per
    // map): a top ten that leaves ties in the map's order matches by chance about one map in
    // fifty, never in all of them.
    const MAPS: usize = 16;
    for map in 0..MAPS {
        let counts: Counts = entries.iter().cloned().collect();
        let Some(got) = wc.top_ten(&counts) else {
            return Err(Stop::NotAttempted("top_ten is not attempted".into()));
        };
        ensure_eq(
            Check::Stretch,
            &format!("top_ten (map {map} of {MAPS} built from the same counts)"),
            &expected,
            &got,
            "sort by count descending, then by word ascending (a.0.cmp(&b.0) is byte order), and keep the first ten",
        )?;
        let few: Counts = [("b", 2), ("a", 2), ("c", 5)]
            .into_iter()
            .map(|(w, n)| (w.to_string(), n))
            .collect();
        let got = wc.top_ten(&few).unwrap_or_default();
        ensure_eq(
            Check::Stretch,
            "top_ten of three words",
            vec![("c".to_string(), 5), ("a".into(), 2), ("b".into(), 2)],
            got,
            "with fewer than ten words, list them all, in the same order",
        )?;
    }
    Ok(())
}

fn no_thread_outlives_the_pool(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let wc = attempted(sol.task05(), TASK)?;
    let texts = plain_texts(ctx, 12);
    let dir = tempdir();
    let paths = write_files(dir.path(), &texts);
    let ledger = ctx.ledger("files");
    support::no_thread_outlives(ctx, "count_words", || {
        counted(count(wc, cfg(), &ledger, paths, Probe::new(ledger.clone())).0).map(drop)
    })?;
    support::nothing_after_return(&ledger.snapshot())?;
    Ok(())
}

fn refused(
    sol: &'static dyn Solution,
    ctx: &mut Ctx,
    cfg: PoolConfig,
    paths: Vec<PathBuf>,
    want: PoolError,
) -> Outcome {
    let wc = attempted(sol.task05(), TASK)?;
    let ledger = ctx.ledger("files");
    ctx.stage(format!("waiting for count_words to refuse with {want:?}"));
    let (r, m) = count(wc, cfg, &ledger, paths, Probe::new(ledger.clone()));
    ensure(r == Err(want.clone()) && m.calls == 0, || {
        Failure::new(
            Check::GracefulShutdown,
            format!("Err({want:?}), merged() never called"),
            match &r {
                Ok(c) => format!("Ok with {} distinct words", c.len()),
                Err(e) => format!("Err({e:?}), merged() called {} times", m.calls),
            },
        )
        .hint("check the input before starting any thread and return the error")
    })?;
    Ok(())
}

fn zero_workers_is_refused(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    // More files than the jobs buffer holds, so a producer with no worker to feed blocks.
    let texts = plain_texts(ctx, 10);
    let dir = tempdir();
    let paths = write_files(dir.path(), &texts);
    let cfg = PoolConfig {
        workers: 0,
        ..cfg()
    };
    refused(sol, ctx, cfg, paths, PoolError::ZeroWorkers)
}

fn empty_file_list_is_refused(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    refused(sol, ctx, cfg(), Vec::new(), PoolError::EmptyInput)
}
