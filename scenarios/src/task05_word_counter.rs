//! Task 5, Word Counter: what decides whether a solution meets it.

use crate::support;
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
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A small pool whose buffers are smaller than the input, so their bounds show.
const CFG: PoolConfig = PoolConfig {
    workers: 2,
    jobs_buffer: 2,
    results_buffer: 2,
};

pub fn scenarios() -> Vec<Scenario> {
    vec![
        TASK.scenario("equals_sequential_count", &[Check::Requirement],
            "16 generated corpora (mixed case, unicode letters and digits, punctuation) count exactly as a sequential count does",
            equals_sequential_count),
        TASK.scenario("runs_num_cpu_workers", &[Check::PoolSize],
            "with every file held, NumCPU (at least 2) files are counted at once", runs_num_cpu_workers),
        TASK.scenario("files_taken_at_most_a_buffer_ahead", &[Check::BufferSize],
            "with workers held, the pool takes at most jobs_buffer files beyond those being counted, plus one in the producer's hand",
            files_taken_at_most_a_buffer_ahead),
        TASK.scenario("missing_file_is_reported", &[Check::ErrorsHandled],
            "a path that does not exist ends the run with PoolError::MissingPath naming it, after every worker stopped, leaving no thread behind",
            missing_file_is_reported),
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

/// Writes `texts` as `f00.txt`, `f01.txt`, ... in `dir`, in order.
fn write_files(dir: &Path, texts: &[String]) -> Vec<PathBuf> {
    texts
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let path = dir.join(format!("f{i:02}.txt"));
            std::fs::write(&path, text).expect("the scenario can write its temporary files");
            path
        })
        .collect()
}

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("the scenario can create a temporary directory")
}

/// `n` short files of ordinary words, for scenarios where the counts are not the question.
fn plain_texts(ctx: &mut Ctx, n: usize) -> Vec<String> {
    const WORDS: [&str; 8] = [
        "go", "Rust", "pool", "worker", "channel", "map", "merge", "word",
    ];
    (0..n)
        .map(|_| {
            let k = ctx.rng.usize(5..30);
            let words: Vec<&str> = (0..k)
                .map(|_| WORDS[ctx.rng.usize(..WORDS.len())])
                .collect();
            words.join(", ")
        })
        .collect()
}

/// The contract's count, one file after another: maximal runs of alphanumeric characters, each
/// lowercased.
fn sequential_count(texts: &[String]) -> Counts {
    let mut counts = Counts::new();
    for text in texts {
        let mut word = String::new();
        for c in text.chars().chain([' ']) {
            if c.is_alphanumeric() {
                word.push(c);
            } else if !word.is_empty() {
                *counts.entry(word.to_lowercase()).or_default() += 1;
                word.clear();
            }
        }
    }
    counts
}

fn counted(r: Result<Counts, PoolError>) -> Result<Counts, Failure> {
    support::returned(Check::Requirement, "count_words returns Ok(counts)", r)
}

/// 32 bytes for proptest's ChaCha from the run's seed (splitmix64), so `--exact` replays them.
fn seed_bytes_from(seed: u64) -> [u8; 32] {
    let mut state = seed;
    let mut out = [0u8; 32];
    for chunk in out.chunks_mut(8) {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        chunk.copy_from_slice(&(z ^ (z >> 31)).to_le_bytes());
    }
    out
}

/// Letters of both cases (some outside ASCII), ASCII and Arabic-Indic digits, CJK: short words
/// from these collide often, within a file and across files, and after lowercasing.
const ALPHABET: [char; 12] = ['a', 'b', 'A', 'B', 'é', 'É', 'ж', 'Ж', 'ß', '7', '٣', '中'];
/// What may stand between words: whitespace of several kinds, punctuation, symbols.
const SEPARATORS: [&str; 16] = [
    " ", "\n", "  ", "\t", "\r\n", ",", ", ", ".", "!?", "'", "-", "_", "…", "—", "\u{a0}",
    "\u{3000}",
];

/// A corpus: one to six files, each a run of words and separators (possibly none).
fn corpus() -> impl Strategy<Value = Vec<String>> {
    let word = prop::collection::vec(prop::sample::select(&ALPHABET[..]), 1..=3)
        .prop_map(|cs| cs.into_iter().collect::<String>());
    let file = (
        prop::sample::select(&SEPARATORS[..]),
        prop::collection::vec((word, prop::sample::select(&SEPARATORS[..])), 0..24),
    )
        .prop_map(|(lead, words)| {
            let mut text = if lead == " " {
                String::new()
            } else {
                lead.into()
            };
            for (w, sep) in words {
                text += &w;
                text += sep;
            }
            text
        });
    prop::collection::vec(file, 1..=6)
}

/// The first few words whose counts differ, as `word: expected x, got y`.
fn differences(expected: &Counts, got: &Counts) -> Vec<String> {
    let mut words: Vec<&String> = expected.keys().chain(got.keys()).collect();
    words.sort();
    words.dedup();
    words
        .into_iter()
        .filter(|w| expected.get(*w) != got.get(*w))
        .take(6)
        .map(|w| {
            format!(
                "{w:?}: expected {}, got {}",
                expected.get(w).copied().unwrap_or(0),
                got.get(w).copied().unwrap_or(0)
            )
        })
        .collect()
}

fn equals_sequential_count(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let wc = attempted(sol.task05(), TASK)?;
    let config = Config {
        cases: 16,
        failure_persistence: None,
        max_shrink_iters: 512,
        ..Config::default()
    };
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes_from(ctx.seed));
    let mut runner = TestRunner::new_with_rng(config, rng);
    let ctx = &*ctx;
    // One ledger for every case: each case's files live in a directory of their own.
    let ledger = ctx.ledger("files");
    let outcome = runner.run(&corpus(), |texts| {
        ctx.stage(format!(
            "counting a generated corpus of {} files",
            texts.len()
        ));
        let dir = tempdir();
        let paths = write_files(dir.path(), &texts);
        let probe = Probe::new(ledger.clone());
        let got = wc
            .count_words(CFG, jobs(&ledger, paths), probe)
            .map_err(|e| TestCaseError::fail(format!("count_words returned Err({e:?})")))?;
        let diffs = differences(&sequential_count(&texts), &got);
        if diffs.is_empty() {
            Ok(())
        } else {
            Err(TestCaseError::fail(diffs.join("; ")))
        }
    });
    match outcome {
        Ok(()) => Ok(()),
        Err(TestError::Fail(why, texts)) => Err(Failure::new(
            Check::Requirement,
            "the same counts as a sequential count of the same files: words are maximal runs of \
             char::is_alphanumeric characters, lowercased",
            format!("for the smallest failing corpus proptest found, files {texts:?}: {why}"),
        )
        .hint(
            "split each file with text.split(|c: char| !c.is_alphanumeric()), skip empty pieces, \
             lowercase each word, and merge partial maps with *global.entry(word).or_default() += n: \
             insert() overwrites what other files counted",
        )
        .into()),
        Err(TestError::Abort(why)) => Err(Failure::new(
            Check::Requirement,
            "16 generated corpora counted",
            format!("the property run stopped: {why}"),
        )
        .into()),
    }
}

/// Holds every file's job at a gate, lets the pool fill up, and returns the settled counters.
fn held_pool(wc: &dyn WordCounter, ctx: &mut Ctx, cfg: PoolConfig) -> Result<Snapshot, Failure> {
    let texts = plain_texts(ctx, 3 * cfg.workers + 4);
    let dir = tempdir();
    let paths = write_files(dir.path(), &texts);
    let ledger = ctx.ledger("files");
    let gate = Gate::closed();
    let probe = Probe::new(ledger.clone()).gated(&gate);
    let (held, r) = while_held(ctx, &ledger, &gate, cfg.workers as u64, || {
        let r = wc.count_words(cfg, jobs(&ledger, paths), probe);
        ledger.close();
        r
    });
    counted(r)?;
    Ok(held)
}

fn runs_num_cpu_workers(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let wc = attempted(sol.task05(), TASK)?;
    // At least 2, even on a one-core machine: a pool one worker short must still show as fewer
    // files counted at once, and 1 - 1 would be a pool that does nothing.
    let workers = PoolConfig::num_cpu().max(2);
    let cfg = PoolConfig::workers(workers);
    let held = held_pool(wc, ctx, cfg)?;
    ensure_eq(
        Check::PoolSize,
        "files counted at once with every file held",
        workers as u64,
        held.peak_in_flight,
        "spawn exactly cfg.workers worker threads (NumCPU), each counting one file at a time",
    )?;
    Ok(())
}

fn files_taken_at_most_a_buffer_ahead(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let wc = attempted(sol.task05(), TASK)?;
    let held = held_pool(wc, ctx, CFG)?;
    let bound = CFG.jobs_buffer as u64 + 1;
    ensure(held.queued() <= bound, || {
        Failure::new(
            Check::BufferSize,
            format!(
                "at most {bound} files taken but not started (jobs_buffer {} + 1 in the producer's hand)",
                CFG.jobs_buffer
            ),
            format!("{} taken, {} started: {} waiting", held.taken, held.started, held.queued()),
        )
        .hint(
            "feed paths from the iterator into sync_channel(cfg.jobs_buffer) as workers free up: \
             collecting the whole file list first, or an unbounded channel, runs ahead of the workers",
        )
    })?;
    Ok(())
}

fn missing_file_is_reported(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let wc = attempted(sol.task05(), TASK)?;
    // One result slot and many files after the missing one: a consumer that stops reading at the
    // error while waiting for its workers leaves them blocked on a full results channel.
    let cfg = PoolConfig {
        workers: 2,
        jobs_buffer: 2,
        results_buffer: 1,
    };
    let texts = plain_texts(ctx, 20);
    let dir = tempdir();
    let mut paths = write_files(dir.path(), &texts);
    let missing = dir
        .path()
        .join(format!("missing-{:04}.txt", ctx.rng.u32(..10_000)));
    paths.insert(1, missing.clone());
    // The first file is held while the other worker meets the missing one: the run must not end
    // before the held file's worker has stopped.
    let held = paths[0].clone();
    let held_name = held.display().to_string();
    let ledger = ctx.ledger("files");
    let gate = Gate::closed();
    let g = gate.clone();
    let probe = Probe::new(ledger.clone()).with_hook(move |p| {
        if *p == held {
            g.wait();
        }
    });
    let before = leak::Baseline::now();
    let (early, joined) = std::thread::scope(|s| {
        let _open = gate.open_on_drop();
        let l = ledger.clone();
        let pool = s.spawn(move || {
            let r = wc.count_words(cfg, jobs(&l, paths), probe);
            l.close();
            r
        });
        ctx.stage("holding the first file while the other worker meets the missing one");
        ledger.wait_for(GET_GOING, |s| s.started >= 2);
        let early = ledger.settle(QUIET, WITHIN);
        gate.open();
        ctx.stage("waiting for count_words to return after releasing the held file");
        (early, pool.join())
    });
    let r = joined.map_err(|p| {
        let msg = support::panic_message(&*p);
        Failure::new(
            Check::ErrorsHandled,
            format!("Err({:?})", PoolError::MissingPath(missing.clone())),
            format!(
                "count_words panicked: {msg}; started and never finished: {}",
                ledger.stuck().join(", ")
            ),
        )
        .hint("don't unwrap() the read: turn NotFound into PoolError::MissingPath(path) and send it through the results channel")
    })?;
    ensure(!early.closed, || {
        Failure::new(
            Check::ErrorsHandled,
            "the run ends with the error only once every worker has stopped",
            format!("count_words returned {r:?} while a worker was still counting {held_name}"),
        )
        .hint(
            "keep the first error and go on reading results until the channel closes (or use \
             std::thread::scope), so no worker is abandoned mid-file",
        )
    })?;
    let want = Err(PoolError::MissingPath(missing.clone()));
    ensure(r == want, || {
        Failure::new(
            Check::ErrorsHandled,
            format!("{want:?}"),
            match &r {
                Ok(c) => format!(
                    "Ok with {} distinct words: the missing file was ignored",
                    c.len()
                ),
                Err(e) => format!("Err({e:?})"),
            },
        )
        .hint(
            "send each file's outcome as a Result: map io::ErrorKind::NotFound to \
             PoolError::MissingPath(path), and have the consumer keep the first error",
        )
    })?;
    ctx.stage("waiting for the pool's threads to exit after the error");
    before.settled(EXIT_GRACE, Check::ErrorsHandled)?;
    Ok(())
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
    let mut words = std::collections::BTreeSet::new();
    while words.len() < plan.len() {
        let len = ctx.rng.usize(1..=5);
        words.insert(
            (0..len)
                .map(|_| LETTERS[ctx.rng.usize(..LETTERS.len())])
                .collect::<String>(),
        );
    }
    let counts: Counts = words.into_iter().zip(plan).collect();
    let mut expected: Vec<(String, u64)> = counts.iter().map(|(w, n)| (w.clone(), *n)).collect();
    expected.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.as_bytes().cmp(b.0.as_bytes())));
    expected.truncate(10);
    let Some(got) = wc.top_ten(&counts) else {
        return Err(Stop::NotAttempted("top_ten is not attempted".into()));
    };
    ensure_eq(
        Check::Stretch,
        "top_ten",
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
    Ok(())
}

fn no_thread_outlives_the_pool(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let wc = attempted(sol.task05(), TASK)?;
    let texts = plain_texts(ctx, 12);
    let dir = tempdir();
    let paths = write_files(dir.path(), &texts);
    let ledger = ctx.ledger("files");
    support::no_thread_outlives(ctx, "count_words", || {
        counted(wc.count_words(CFG, jobs(&ledger, paths), Probe::new(ledger.clone()))).map(drop)
    })
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
    let r = wc.count_words(cfg, jobs(&ledger, paths), Probe::new(ledger.clone()));
    ensure(r == Err(want.clone()), || {
        Failure::new(
            Check::GracefulShutdown,
            format!("Err({want:?})"),
            match &r {
                Ok(c) => format!("Ok with {} distinct words", c.len()),
                Err(e) => format!("Err({e:?})"),
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
    let cfg = PoolConfig { workers: 0, ..CFG };
    refused(sol, ctx, cfg, paths, PoolError::ZeroWorkers)
}

fn empty_file_list_is_refused(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    refused(sol, ctx, CFG, Vec::new(), PoolError::EmptyInput)
}
