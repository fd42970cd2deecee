//! Task 4, CSV Parser: what decides whether a solution meets it.
//!
//! Every input is a seeded CSV written to a temp file, and every expected count comes from how
//! the file was generated: each record is made valid or given one named flaw, so the scenario
//! knows the answer without parsing anything itself.

use crate::support;
use harness::alloc;
use harness::contracts::task04_csv_parser::{CsvParser, CsvSummary, HEADER, TASK};
use harness::contracts::{PoolConfig, PoolError, Solution};
use harness::hold::while_held;
use harness::ledger::{Ledger, Snapshot};
use harness::probe::{Gate, Probe};
use harness::scenario::attempted;
use harness::{ensure, ensure_eq, Check, Ctx, Failure, Outcome, Scenario, Stop};
use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tempfile::TempDir;

/// The seed's pool: 16 workers; buffers of 16, far smaller than any input, so their bound shows.
const CFG: PoolConfig = PoolConfig {
    workers: 16,
    jobs_buffer: 16,
    results_buffer: 16,
};
/// Records in the mixed files: enough for every flaw many times over, and for 16 held workers.
const N: usize = 400;

/// The wide file of `memory_stays_bounded`: names of 256 to 1024 bytes keep the record count (and
/// so the suite's time) small while the file is 24 MiB, about 20 times the memory bound.
const WIDE_FILE: usize = 24 << 20;
const NAME_LEN: std::ops::RangeInclusive<usize> = 256..=1024;
/// The longest wide record: a 6-digit id, a 1024-byte name, a 3-digit score, 2 commas, a newline.
const MAX_RECORD: usize = 6 + 1024 + 3 + 3;

pub fn scenarios() -> Vec<Scenario> {
    vec![
        TASK.scenario("counts_valid_rows_and_errors", &[Check::Requirement, Check::ErrorsHandled],
            "400 records mixing valid rows (quoted names with commas, quotes and line breaks) and every kind of malformed record: exact valid and error counts",
            counts_valid_rows_and_errors),
        TASK.scenario("runs_sixteen_workers", &[Check::PoolSize],
            "with every record held, exactly 16 records are parsed at once", runs_sixteen_workers),
        TASK.scenario("memory_stays_bounded", &[Check::BufferSize],
            "a 24 MiB file with the workers held at first: peak heap stays within a few times the buffers' worth of records",
            memory_stays_bounded),
        TASK.scenario("histogram_exact", &[Check::Stretch],
            "the score histogram (bucket score / 10, 100 in bucket 10) counts valid rows only, exactly",
            histogram_exact),
        TASK.scenario("panicking_row_counts_as_error", &[Check::ErrorsHandled, Check::GracefulShutdown],
            "a record whose parse panics is counted as an error and every other record is still counted",
            panicking_row_counts_as_error),
        TASK.scenario("no_thread_outlives_the_pool", &[Check::NoLeaks, Check::AllJoined],
            "every thread the pool started has exited once it returned", no_thread_outlives_the_pool),
        TASK.scenario("zero_workers_is_refused", &[Check::GracefulShutdown],
            "zero workers gets PoolError::ZeroWorkers at once, not a hang", zero_workers_is_refused),
        TASK.scenario("missing_path_is_refused", &[Check::GracefulShutdown],
            "a path that does not exist gets PoolError::MissingPath(path), not a panic", missing_path_is_refused),
        TASK.scenario("empty_file_is_refused", &[Check::GracefulShutdown],
            "a file without even a header gets PoolError::EmptyInput", empty_file_is_refused),
    ]
}

/// The ways a record can be malformed; each one must count as an error.
#[derive(Clone, Copy, Debug)]
enum Flaw {
    TooFewFields,
    TooManyFields,
    TrailingComma,
    IdNotU64,
    EmptyName,
    NameNotUtf8,
    ScoreOutOfRange,
    ScoreNotANumber,
    /// A number padded with a space: invalid because fields are taken as written. Planted in
    /// every file, so a parser that trims is caught whatever the seed.
    ScorePadded,
}

const FLAWS: [Flaw; 9] = [
    Flaw::TooFewFields,
    Flaw::TooManyFields,
    Flaw::TrailingComma,
    Flaw::IdNotU64,
    Flaw::EmptyName,
    Flaw::NameNotUtf8,
    Flaw::ScoreOutOfRange,
    Flaw::ScoreNotANumber,
    Flaw::ScorePadded,
];

/// One generated record: its fields as written (before quoting) and, when valid, its score.
struct Record {
    fields: Vec<Vec<u8>>,
    score: Option<u8>,
}

/// A CSV on disk and the oracle's answer for it.
struct Csv {
    _dir: TempDir,
    path: PathBuf,
    /// Valid rows' scores, in file order: record `i + 1` is `records[i]`.
    records: Vec<Option<u8>>,
}

impl Csv {
    fn len(&self) -> u64 {
        self.records.len() as u64
    }
    fn valid(&self) -> u64 {
        self.records.iter().flatten().count() as u64
    }
    fn histogram(&self) -> BTreeMap<u8, u64> {
        let mut h = BTreeMap::new();
        for s in self.records.iter().flatten() {
            *h.entry(s / 10).or_insert(0) += 1;
        }
        h
    }
}

fn pick(rng: &mut fastrand::Rng, from: &[&str]) -> Vec<u8> {
    from[rng.usize(..from.len())].as_bytes().to_vec()
}

/// A name a line-splitting parser gets wrong now and then: commas, quotes, line breaks, accents.
fn name(rng: &mut fastrand::Rng) -> Vec<u8> {
    let mut n: String = (0..rng.usize(1..10)).map(|_| rng.alphabetic()).collect();
    match rng.u8(0..10) {
        0 | 1 => n.push_str(", Jr."),
        2 => n = format!("{n} \"the {n}\" {n}"),
        3 => n.push_str("\nsecond line"),
        4 => n.push_str(" Zoë Ångström"),
        _ => {}
    }
    n.into_bytes()
}

fn record(rng: &mut fastrand::Rng, id: usize, score: u8, flaw: Option<Flaw>) -> Record {
    let mut f = vec![
        id.to_string().into_bytes(),
        name(rng),
        score.to_string().into_bytes(),
    ];
    match flaw {
        None => {
            return Record {
                fields: f,
                score: Some(score),
            }
        }
        Some(Flaw::TooFewFields) => f.truncate(rng.usize(1..3)),
        Some(Flaw::TooManyFields) => f.push(b"extra".to_vec()),
        Some(Flaw::TrailingComma) => f.push(Vec::new()),
        Some(Flaw::IdNotU64) => {
            let bad = [
                "abc",
                "-5",
                "1.5",
                " 7",
                "7 ",
                "",
                "18446744073709551616",
                "0x1F",
            ];
            f[0] = pick(rng, &bad);
        }
        Some(Flaw::EmptyName) => f[1].clear(),
        Some(Flaw::NameNotUtf8) => f[1] = [&b"caf"[..], &[0xe9, 0xff]].concat(),
        Some(Flaw::ScoreOutOfRange) => f[2] = pick(rng, &["101", "-1", "256", "1000"]),
        Some(Flaw::ScoreNotANumber) => f[2] = pick(rng, &["abc", "", "50.0", " 50", "5O"]),
        Some(Flaw::ScorePadded) => f[2] = format!(" {score}").into_bytes(),
    }
    Record {
        fields: f,
        score: None,
    }
}

/// Writes one field, quoting it when it must be quoted, and now and then when it need not be.
fn write_field(out: &mut Vec<u8>, field: &[u8], rng: &mut fastrand::Rng) {
    let must = field
        .iter()
        .any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'));
    if must || rng.u8(0..8) == 0 {
        out.push(b'"');
        for &b in field {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(field);
    }
}

fn write(bytes: &[u8]) -> (TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temp dir for the CSV");
    let path = dir.path().join("input.csv");
    std::fs::write(&path, bytes).expect("the CSV is written");
    (dir, path)
}

/// `n` records: valid rows (scores 0 and 100 among them) and at least one of every flaw, with
/// `\n` and `\r\n` line ends, and sometimes no line end after the last record.
fn mixed(ctx: &mut Ctx, n: usize) -> Csv {
    let rng = &mut ctx.rng;
    let mut plan: Vec<(u8, Option<Flaw>)> = vec![(0, None), (100, None)];
    plan.extend(FLAWS.iter().map(|f| (rng.u8(0..=100), Some(*f))));
    while plan.len() < n {
        let flaw = (rng.u8(0..10) < 4).then(|| FLAWS[rng.usize(..FLAWS.len())]);
        plan.push((rng.u8(0..=100), flaw));
    }
    rng.shuffle(&mut plan);
    let mut out = format!("{HEADER}\n").into_bytes();
    let mut records = Vec::with_capacity(n);
    for (i, (score, flaw)) in plan.into_iter().enumerate() {
        let r = record(rng, i + 1, score, flaw);
        for (j, field) in r.fields.iter().enumerate() {
            if j > 0 {
                out.push(b',');
            }
            write_field(&mut out, field, rng);
        }
        if i + 1 < n || rng.bool() {
            out.extend_from_slice(if rng.u8(0..5) == 0 { b"\r\n" } else { b"\n" });
        }
        records.push(r.score);
    }
    let (dir, path) = write(&out);
    Csv {
        _dir: dir,
        path,
        records,
    }
}

/// About `bytes` of valid records with long names.
fn wide(ctx: &mut Ctx, bytes: usize) -> Csv {
    let rng = &mut ctx.rng;
    let letters: Vec<u8> = (0..2 * NAME_LEN.end())
        .map(|_| rng.alphabetic() as u8)
        .collect();
    let mut out = Vec::with_capacity(bytes + MAX_RECORD);
    out.extend_from_slice(format!("{HEADER}\n").as_bytes());
    let mut records = Vec::new();
    while out.len() < bytes {
        let (len, score) = (rng.usize(NAME_LEN), rng.u8(0..=100));
        let at = rng.usize(..letters.len() - len);
        out.extend_from_slice(format!("{},", records.len() + 1).as_bytes());
        out.extend_from_slice(&letters[at..at + len]);
        out.extend_from_slice(format!(",{score}\n").as_bytes());
        records.push(Some(score));
    }
    let (dir, path) = write(&out);
    Csv {
        _dir: dir,
        path,
        records,
    }
}

type Called = Result<Result<CsvSummary, PoolError>, String>;

/// Calls `parse_file`, turning a panic into its message.
fn call(csv: &dyn CsvParser, cfg: PoolConfig, path: &Path, probe: Probe<u64>) -> Called {
    catch_unwind(AssertUnwindSafe(|| csv.parse_file(cfg, path, probe)))
        .map_err(|p| support::panic_message(&*p))
}

/// The summary, or a failure under `check` saying why there is none.
fn returned(check: Check, called: Called) -> Result<CsvSummary, Failure> {
    let expected = "parse_file returns Ok(summary)";
    match called {
        Ok(r) => support::returned(check, expected, r).map_err(|f| {
            f.hint("a malformed or panicking record is counted as an error, never a reason to stop the run")
        }),
        Err(msg) => Err(Failure::new(check, expected, format!("it panicked: {msg}"))
            .hint("no panic may escape the pool: wrap each record's work in std::panic::catch_unwind \
                   inside the worker and count a panic as an error; with std::thread::scope, a panicking \
                   worker re-panics in the caller when the scope ends")),
    }
}

/// Exact counts: too many records is a counting mistake, too few is work lost, the right total
/// split wrongly is a validity rule misread.
fn counts(csv: &Csv, valid: u64, got: &CsvSummary) -> Result<(), Failure> {
    let (records, errors) = (csv.len(), csv.len() - valid);
    let total = got.valid + got.errors;
    let expected =
        format!("valid = {valid}, errors = {errors} ({records} records after the header)");
    let observed = format!(
        "valid = {}, errors = {} ({total} records)",
        got.valid, got.errors
    );
    ensure(total <= records, || {
        Failure::new(Check::Requirement, &expected, &observed).hint(
            "count records, not lines, and not the header: read with a CSV reader (a quoted name may \
             hold a comma or a line break) and skip the first record",
        )
    })?;
    ensure(total == records, || {
        Failure::new(Check::ErrorsHandled, &expected, &observed).hint(
            "records were lost: a malformed record is counted as an error and its worker goes on to \
             the next job; a worker that returns on its first bad record drops it and every record \
             it would have parsed after",
        )
    })?;
    ensure(got.valid == valid, || {
        Failure::new(Check::Requirement, &expected, &observed).hint(
            "a record is valid when it has exactly 3 fields, id parses as u64, name is non-empty \
             UTF-8 and score is an integer from 0 to 100, both included; fields are taken as the CSV \
             reader unquotes them, with no trimming",
        )
    })
}

fn counts_valid_rows_and_errors(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let parser = attempted(sol.task04(), TASK)?;
    let csv = mixed(ctx, N);
    let ledger = ctx.ledger("records");
    ctx.stage("waiting for parse_file to return");
    let got = returned(
        Check::Requirement,
        call(parser, CFG, &csv.path, Probe::new(ledger)),
    )?;
    counts(&csv, csv.valid(), &got)?;
    Ok(())
}

/// Holds every record at a gate until 16 workers hold one each (or the pool has taken all it
/// will take), then lets go; returns the counters while held and what `parse_file` returned.
fn held(
    parser: &dyn CsvParser,
    ctx: &Ctx,
    ledger: &Arc<Ledger>,
    path: &Path,
) -> (Snapshot, Called) {
    let gate = Gate::closed();
    let probe = Probe::new(ledger.clone()).gated(&gate);
    while_held(ctx, ledger, &gate, CFG.workers as u64, || {
        call(parser, CFG, path, probe)
    })
}

fn runs_sixteen_workers(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let parser = attempted(sol.task04(), TASK)?;
    let csv = mixed(ctx, N);
    let ledger = ctx.ledger("records");
    let (snap, called) = held(parser, ctx, &ledger, &csv.path);
    returned(Check::PoolSize, called)?;
    ensure_eq(
        Check::PoolSize,
        "records parsed at once with every record held",
        CFG.workers as u64,
        snap.peak_in_flight,
        "spawn exactly cfg.workers worker threads (16, as the task says), each parsing one record at a time",
    )?;
    Ok(())
}

fn memory_stays_bounded(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let parser = attempted(sol.task04(), TASK)?;
    ensure(alloc::installed(), || {
        Failure::new(
            Check::BufferSize,
            "the test binary counts heap use",
            "no allocation was counted",
        )
        .hint("install `#[global_allocator] static A: harness::alloc::Counting = harness::alloc::Counting;` in the test binary")
    })?;
    ctx.stage("writing a 24 MiB CSV");
    let csv = wide(ctx, WIDE_FILE);
    let ledger = ctx.counting_ledger("records");
    // Records in hand at once at most: the jobs buffer plus one in the producer's hand, one per
    // worker, and the results buffer plus one per worker blocked on sending.
    let in_hand = CFG.jobs_buffer + 1 + 2 * CFG.workers + CFG.results_buffer;
    let worth = in_hand * MAX_RECORD;
    // Four copies of each (a record, its parsed row, allocator slack) plus 1 MiB for the reader's
    // buffers and the threads' own bookkeeping: about 1.3 MiB against a 24 MiB file.
    let bound = 4 * worth + (1 << 20);
    let ((snap, called), peak) = alloc::peak_growth(|| held(parser, ctx, &ledger, &csv.path));
    let got = returned(Check::BufferSize, called)?;
    ensure(peak <= bound, || {
        Failure::new(
            Check::BufferSize,
            format!(
                "peak heap growth at most {bound} bytes: 4 × {in_hand} records of up to {MAX_RECORD} bytes \
                 in the buffers and hands, plus 1 MiB"
            ),
            format!(
                "{peak} bytes while parsing a {} byte file ({} records started while 16 were held)",
                WIDE_FILE, snap.started
            ),
        )
        .hint("make the jobs channel sync_channel(cfg.jobs_buffer), so the producer blocks while the \
               workers are busy, and read the file record by record (csv::Reader), never whole")
    })?;
    counts(&csv, csv.len(), &got)?;
    Ok(())
}

fn histogram_exact(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let parser = attempted(sol.task04(), TASK)?;
    let csv = mixed(ctx, N);
    let ledger = ctx.ledger("records");
    ctx.stage("waiting for parse_file to return");
    let got = returned(
        Check::Stretch,
        call(parser, CFG, &csv.path, Probe::new(ledger)),
    )?;
    let Some(histogram) = got.histogram else {
        return Err(Stop::NotAttempted(
            "the histogram stretch is not attempted".into(),
        ));
    };
    // Empty buckets may be left out or hold 0.
    let histogram: BTreeMap<u8, u64> = histogram.into_iter().filter(|(_, n)| *n > 0).collect();
    ensure_eq(
        Check::Stretch,
        "valid rows per bucket score / 10",
        csv.histogram(),
        histogram,
        "bucket valid rows only, by score / 10, so 0..=9 land in bucket 0 and 100 alone in bucket 10",
    )?;
    Ok(())
}

fn panicking_row_counts_as_error(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let parser = attempted(sol.task04(), TASK)?;
    let csv = mixed(ctx, N);
    let valid_at: Vec<u64> = (1..=csv.len())
        .filter(|n| csv.records[*n as usize - 1].is_some())
        .collect();
    let doomed = valid_at[ctx.rng.usize(..valid_at.len())];
    let ledger = ctx.ledger("records");
    let probe = Probe::new(ledger).with_hook(move |n| {
        if *n == doomed {
            panic!("planted panic while parsing record {doomed}");
        }
    });
    ctx.stage(format!(
        "waiting for parse_file to return after record {doomed} panicked"
    ));
    let got = returned(Check::ErrorsHandled, call(parser, CFG, &csv.path, probe))?;
    let (records, valid) = (csv.len(), csv.valid() - 1);
    let expected = format!(
        "record {doomed} (valid, but its parse panicked) counts as an error: valid = {valid}, errors = {}",
        records - valid
    );
    let observed = format!("valid = {}, errors = {}", got.valid, got.errors);
    ensure(got.valid + got.errors == records, || {
        Failure::new(Check::GracefulShutdown, &expected, &observed).hint(format!(
            "every one of the {records} records is counted: the worker whose record panicked goes on \
             to the next job, and the others are not stopped"
        ))
    })?;
    ensure(got.valid == valid, || {
        Failure::new(Check::ErrorsHandled, &expected, &observed)
            .hint("a record whose parse panics is an error: catch_unwind around probe.run, and send an Err for it")
    })?;
    Ok(())
}

fn no_thread_outlives_the_pool(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let parser = attempted(sol.task04(), TASK)?;
    let csv = mixed(ctx, N);
    let ledger = ctx.ledger("records");
    support::no_thread_outlives(ctx, "parse_file", || {
        let called = call(parser, CFG, &csv.path, Probe::new(ledger));
        returned(Check::NoLeaks, called).map(drop)
    })
}

fn refused(
    sol: &'static dyn Solution,
    ctx: &mut Ctx,
    cfg: PoolConfig,
    path: &Path,
    want: PoolError,
) -> Outcome {
    let parser = attempted(sol.task04(), TASK)?;
    let ledger = ctx.ledger("records");
    ctx.stage(format!("waiting for parse_file to refuse with {want:?}"));
    let called = call(parser, cfg, path, Probe::new(ledger));
    ensure(called == Ok(Err(want.clone())), || {
        Failure::new(
            Check::GracefulShutdown,
            format!("Err({want:?})"),
            match called {
                Ok(r) => format!("{r:?}"),
                Err(msg) => format!("it panicked: {msg}"),
            },
        )
        .hint(
            "check the input before starting any thread and return the error: zero workers, \
               a path that does not exist (io::ErrorKind::NotFound), a file without a header",
        )
    })?;
    Ok(())
}

fn zero_workers_is_refused(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let csv = mixed(ctx, N);
    let cfg = PoolConfig { workers: 0, ..CFG };
    refused(sol, ctx, cfg, &csv.path, PoolError::ZeroWorkers)
}

fn missing_path_is_refused(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("no_such_file.csv");
    refused(sol, ctx, CFG, &path, PoolError::MissingPath(path.clone()))
}

fn empty_file_is_refused(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let (_dir, path) = write(b"");
    refused(sol, ctx, CFG, &path, PoolError::EmptyInput)
}
