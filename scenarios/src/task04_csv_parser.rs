//! Task 4, CSV Parser: what decides whether a solution meets it.
//!
//! Every input is a seeded CSV written to a temp file, and every expected count comes from how
//! the file was generated: each record is made from one named [`Case`], valid or with one flaw,
//! every validity rule on both sides of its boundary, so the scenario knows the answer without
//! parsing anything itself. The consumer's `counted()` delivers into the ledger, so results
//! finished but not counted are measured, and a hang with results unread is told from one with
//! every record done.

use crate::support;
use harness::contracts::task04_csv_parser::{CsvParser, CsvSummary, HEADER, TASK};
use harness::contracts::{PoolConfig, PoolError, Solution};
use harness::hold::{returns_while_held, while_held};
use harness::ledger::{Ledger, Snapshot};
use harness::probe::{Gate, Probe};
use harness::scenario::attempted;
use harness::timing::{GET_GOING, QUIET, WITHIN};
use harness::{ensure, ensure_eq, Check, Ctx, Failure, Outcome, Scenario, Stop};
use std::collections::{BTreeMap, BTreeSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tempfile::TempDir;

/// The pool every scenario runs: no two sizes equal, none equal to the machine's 2 CPUs nor to
/// the course's 16 workers, so a solution that uses one for another (or hard-codes 16) shows.
const CFG: PoolConfig = PoolConfig {
    workers: 5,
    jobs_buffer: 9,
    results_buffer: 3,
};
/// Records in the mixed files: every case many times over, and far more than the buffers hold.
const N: usize = 400;
/// Panicking records planted: more than the workers, so a pool that loses a worker per panic
/// runs out of them.
const PANICS: usize = CFG.workers + 3;
/// The probe key the scenario itself runs once before the call (see [`reading`]).
const SENTINEL: u64 = u64::MAX;

/// The wide file of `memory_stays_bounded`: names of 256 to 1024 bytes keep the record count (and
/// so the suite's time) small while the file is 8 MiB, about 7 times the memory bound.
const WIDE_FILE: usize = 8 << 20;
const NAME_LEN: std::ops::RangeInclusive<usize> = 256..=1024;
/// The longest wide record: a 6-digit id, a 1024-byte name, a 3-digit score, 2 commas, a newline.
const MAX_RECORD: usize = 6 + 1024 + 3 + 3;
/// Each record of `jobs_channel_holds_at_most_its_buffer`, in bytes: larger than any reader's
/// buffer, so the file offset the solution has read to tells how many records it has read.
const BIG_RECORD: usize = 64 << 10;
const BIG_RECORDS: usize = 40;

pub fn scenarios() -> Vec<Scenario> {
    vec![
        TASK.scenario("counts_valid_rows_and_errors", &[Check::Requirement, Check::ErrorsHandled],
            "400 records, every validity rule on both sides of its boundary (quoted names with commas, quotes and line breaks): exact valid and error counts, histogram, keys, counted() per record",
            counts_valid_rows_and_errors),
        TASK.scenario("records_numbered_from_one", &[Check::Requirement],
            "a file of valid records only: each counted once, parsed inside probe.run keyed by its number from 1 after the header, counted() once per record on the calling thread",
            records_numbered_from_one),
        TASK.scenario("header_only_counts_nothing", &[Check::Requirement],
            "a header with no record after it: Ok with zero counts", header_only_counts_nothing),
        TASK.scenario("runs_the_configured_workers", &[Check::PoolSize],
            "with every record held, exactly 5 records are parsed at once (not the course's 16)", runs_the_configured_workers),
        TASK.scenario("jobs_channel_holds_at_most_its_buffer", &[Check::BufferSize],
            "with every worker held, the records read from the file but not started are between jobs_buffer and jobs_buffer + 1",
            jobs_channel_holds_at_most_its_buffer),
        TASK.scenario("results_channel_holds_at_most_its_buffer", &[Check::BufferSize],
            "with counted() held, the records finished but not counted are at most results_buffer + workers, and the channel did fill",
            results_channel_holds_at_most_its_buffer),
        TASK.scenario("memory_stays_bounded", &[Check::BufferSize],
            "an 8 MiB file with the workers held at first: peak heap stays within a few times the buffers' worth of records",
            memory_stays_bounded),
        TASK.scenario("results_end_after_the_last_record", &[Check::CloseOnce],
            "with one record held, the call does not return and the consumer does not stop counting until it finishes",
            results_end_after_the_last_record),
        TASK.scenario("histogram_exact", &[Check::Stretch],
            "the score histogram (bucket score / 10, 100 in bucket 10) counts valid rows only, exactly",
            histogram_exact),
        TASK.scenario("panicking_row_counts_as_error", &[Check::ErrorsHandled, Check::Requirement],
            "8 records whose parse panics (more than the 5 workers) are each counted as an error and every other record is still counted",
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

/// How one record is made: a valid row at a boundary of a rule, or one flaw. Every case is
/// planted in every mixed file, so no rule is left untried whatever the seed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Case {
    // Valid.
    Plain,
    ScoreZero,
    ScoreHundred,
    /// `"+5"`: `str::parse::<u8>` takes a plus sign.
    ScorePlusSign,
    /// `"007"`, `"0100"`.
    ScoreLeadingZeros,
    IdPlusSign,
    IdLeadingZeros,
    /// `u64::MAX`, the largest id.
    IdMax,
    /// `" "`: a name is never trimmed, so a blank one is not empty.
    NameBlank,
    // Invalid: the field count.
    OneField,
    TwoFields,
    FourFields,
    TrailingComma,
    // Invalid: the id.
    IdEmpty,
    IdNegative,
    IdPadded,
    IdTrailingSpace,
    /// `u64::MAX + 1`.
    IdOverflow,
    IdNotANumber,
    IdDecimal,
    IdHex,
    // Invalid: the name.
    NameEmpty,
    // Invalid: not UTF-8, in each field.
    NameNotUtf8,
    IdNotUtf8,
    ScoreNotUtf8,
    // Invalid: the score.
    ScoreNegative,
    Score101,
    /// Past `u8`.
    Score256,
    /// `" 9"`: invalid because fields are taken as written; a parser that trims is caught.
    ScorePadded,
    ScoreTrailingSpace,
    ScoreEmpty,
    ScoreDecimal,
    ScoreNotANumber,
}

const VALID: [Case; 9] = [
    Case::Plain,
    Case::ScoreZero,
    Case::ScoreHundred,
    Case::ScorePlusSign,
    Case::ScoreLeadingZeros,
    Case::IdPlusSign,
    Case::IdLeadingZeros,
    Case::IdMax,
    Case::NameBlank,
];

const INVALID: [Case; 24] = [
    Case::OneField,
    Case::TwoFields,
    Case::FourFields,
    Case::TrailingComma,
    Case::IdEmpty,
    Case::IdNegative,
    Case::IdPadded,
    Case::IdTrailingSpace,
    Case::IdOverflow,
    Case::IdNotANumber,
    Case::IdDecimal,
    Case::IdHex,
    Case::NameEmpty,
    Case::NameNotUtf8,
    Case::IdNotUtf8,
    Case::ScoreNotUtf8,
    Case::ScoreNegative,
    Case::Score101,
    Case::Score256,
    Case::ScorePadded,
    Case::ScoreTrailingSpace,
    Case::ScoreEmpty,
    Case::ScoreDecimal,
    Case::ScoreNotANumber,
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
    /// Valid rows per bucket, leaving out the records numbered in `except`.
    fn histogram(&self, except: &BTreeSet<u64>) -> BTreeMap<u8, u64> {
        let mut h = BTreeMap::new();
        for (i, s) in self.records.iter().enumerate() {
            match s {
                Some(s) if !except.contains(&(i as u64 + 1)) => *h.entry(s / 10).or_insert(0) += 1,
                _ => {}
            }
        }
        h
    }
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

fn record(rng: &mut fastrand::Rng, id: usize, case: Case) -> Record {
    let score = match case {
        Case::ScoreZero => 0,
        Case::ScoreHundred => 100,
        _ => rng.u8(0..=100),
    };
    let text = |s: String| s.into_bytes();
    let mut f = vec![text(id.to_string()), name(rng), text(score.to_string())];
    let not_utf8 = [&b"caf"[..], &[0xe9, 0xff]].concat();
    match case {
        Case::Plain | Case::ScoreZero | Case::ScoreHundred => {}
        Case::ScorePlusSign => f[2] = text(format!("+{score}")),
        Case::ScoreLeadingZeros => f[2] = text(format!("00{score}")),
        Case::IdPlusSign => f[0] = text(format!("+{id}")),
        Case::IdLeadingZeros => f[0] = text(format!("00{id}")),
        Case::IdMax => f[0] = text(u64::MAX.to_string()),
        Case::NameBlank => f[1] = b" ".to_vec(),
        Case::OneField => f.truncate(1),
        Case::TwoFields => f.truncate(2),
        Case::FourFields => f.push(b"extra".to_vec()),
        Case::TrailingComma => f.push(Vec::new()),
        Case::IdEmpty => f[0].clear(),
        Case::IdNegative => f[0] = text(format!("-{id}")),
        Case::IdPadded => f[0] = text(format!(" {id}")),
        Case::IdTrailingSpace => f[0] = text(format!("{id} ")),
        Case::IdOverflow => f[0] = text("18446744073709551616".into()),
        Case::IdNotANumber => f[0] = text("abc".into()),
        Case::IdDecimal => f[0] = text(format!("{id}.0")),
        Case::IdHex => f[0] = text(format!("{id:#x}")),
        Case::NameEmpty => f[1].clear(),
        Case::NameNotUtf8 => f[1] = not_utf8,
        Case::IdNotUtf8 => f[0] = [f[0].clone(), vec![0xff]].concat(),
        Case::ScoreNotUtf8 => f[2] = [f[2].clone(), vec![0xff]].concat(),
        Case::ScoreNegative => f[2] = text(format!("-{}", score.max(1))),
        Case::Score101 => f[2] = text("101".into()),
        Case::Score256 => f[2] = text("256".into()),
        Case::ScorePadded => f[2] = text(format!(" {score}")),
        Case::ScoreTrailingSpace => f[2] = text(format!("{score} ")),
        Case::ScoreEmpty => f[2].clear(),
        Case::ScoreDecimal => f[2] = text(format!("{score}.0")),
        Case::ScoreNotANumber => f[2] = text("5O".into()),
    }
    Record {
        fields: f,
        score: VALID.contains(&case).then_some(score),
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

/// `n` records drawn from `cases` (each at least once, then about `valid_share` in ten of the
/// rest valid), with `\n` and `\r\n` line ends, and sometimes no line end after the last record.
fn file_of(ctx: &mut Ctx, n: usize, cases: &[Case], valid_share: u8) -> Csv {
    let rng = &mut ctx.rng;
    let mut plan: Vec<Case> = cases.to_vec();
    while plan.len() < n {
        let valid = rng.u8(0..10) < valid_share;
        let from: Vec<Case> = cases
            .iter()
            .copied()
            .filter(|c| VALID.contains(c) == valid)
            .collect();
        let from = if from.is_empty() {
            cases.to_vec()
        } else {
            from
        };
        // Plain rows most of the valid time, so the flawed and boundary ones stay a minority.
        let case = match from.contains(&Case::Plain) && rng.bool() {
            true => Case::Plain,
            false => from[rng.usize(..from.len())],
        };
        plan.push(case);
    }
    rng.shuffle(&mut plan);
    let mut out = format!("{HEADER}\n").into_bytes();
    let mut records = Vec::with_capacity(n);
    for (i, case) in plan.into_iter().enumerate() {
        let r = record(rng, i + 1, case);
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

/// Every case, valid and invalid, about 6 in 10 records valid.
fn mixed(ctx: &mut Ctx, n: usize) -> Csv {
    file_of(ctx, n, &[&VALID[..], &INVALID[..]].concat(), 6)
}

/// Valid records only, every valid case among them.
fn clean(ctx: &mut Ctx, n: usize) -> Csv {
    file_of(ctx, n, &VALID, 10)
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

/// `n` valid records of exactly [`BIG_RECORD`] bytes each, line end included.
fn big(ctx: &mut Ctx, n: usize) -> Csv {
    let rng = &mut ctx.rng;
    let mut out = format!("{HEADER}\n").into_bytes();
    let mut records = Vec::with_capacity(n);
    for i in 1..=n {
        let score = rng.u8(0..=100);
        let (id, sc) = (i.to_string(), score.to_string());
        let len = BIG_RECORD - id.len() - sc.len() - 3;
        let name: String = (0..len).map(|_| rng.alphabetic()).collect();
        out.extend_from_slice(format!("{id},{name},{sc}\n").as_bytes());
        records.push(Some(score));
    }
    let (dir, path) = write(&out);
    Csv {
        _dir: dir,
        path,
        records,
    }
}

/// What one call did: what it returned (or its panic's message), how many times the consumer
/// called `counted()`, and whether any of those calls came from a thread other than the caller.
struct Run {
    called: Result<Result<CsvSummary, PoolError>, String>,
    counted: u64,
    foreign: bool,
}

/// Marks `ledger` as one whose results the scenario reads, from before the first one: a
/// sentinel job, keyed [`SENTINEL`], started, finished and delivered once on the scenario's
/// thread. From then on the watchdog sees results finished but not counted (a pool that joins
/// before it drains hangs with results unread, `graceful_shutdown`) even before the first
/// `counted()`; the sentinel leaves every difference the scenarios measure unchanged.
fn reading(ledger: &Arc<Ledger>, records: u64) {
    Probe::new(ledger.clone()).run(SENTINEL, || ());
    ledger.deliver(SENTINEL);
    ledger.expect(records + 1);
}

/// Calls `parse_file` with a `counted` that delivers into `ledger` and records its thread, then
/// waits at `hold` (if any) on every call; closes the ledger once the call returns.
fn call(
    parser: &dyn CsvParser,
    cfg: PoolConfig,
    path: &Path,
    probe: Probe<u64>,
    ledger: &Ledger,
    hold: Option<&Gate>,
) -> Run {
    let caller = std::thread::current().id();
    let (mut counted, mut foreign) = (0, false);
    let called = {
        let mut sink = || {
            ledger.deliver("counted");
            counted += 1;
            foreign |= std::thread::current().id() != caller;
            if let Some(gate) = hold {
                gate.wait();
            }
        };
        catch_unwind(AssertUnwindSafe(|| {
            parser.parse_file(cfg, path, probe, &mut sink)
        }))
        .map_err(|p| support::panic_message(&*p))
    };
    ledger.close();
    Run {
        called,
        counted,
        foreign,
    }
}

/// The summary, or a failure under `check` saying why there is none.
fn returned(check: Check, run: &Run) -> Result<CsvSummary, Failure> {
    let expected = "parse_file returns Ok(summary)";
    match &run.called {
        Ok(r) => support::returned(check, expected, r.clone()).map_err(|f| {
            f.hint("a malformed or panicking record is counted as an error, never a reason to stop the run")
        }),
        Err(msg) => Err(Failure::new(check, expected, format!("it panicked: {msg}"))
            .hint("no panic may escape the pool: wrap each record's work in std::panic::catch_unwind \
                   inside the worker and count a panic as an error; with std::thread::scope, a panicking \
                   worker re-panics in the caller when the scope ends")),
    }
}

/// How the scenario files a short count: records never parsed (the pool stopped early), or
/// records parsed but not counted.
struct Losses {
    stopped: Check,
    uncounted: Check,
}

/// In a file with bad records, a pool that stops early breaks `errors_handled`; a count that
/// loses records it parsed breaks the requirement.
const MIXED: Losses = Losses {
    stopped: Check::ErrorsHandled,
    uncounted: Check::Requirement,
};
/// In a file of valid records nothing can stop a pool: any loss is a wrong count.
const CLEAN: Losses = Losses {
    stopped: Check::Requirement,
    uncounted: Check::Requirement,
};

/// Every record started exactly once, keyed by its number: the keys started twice or outside
/// `1..=records` (checked, `requirement`), and the keys never started (returned).
fn keys(ledger: &Ledger, records: u64) -> Result<Vec<u64>, Failure> {
    let Some(lives) = ledger.lives() else {
        return Ok(Vec::new());
    };
    let want: Vec<String> = (1..=records)
        .chain([SENTINEL])
        .map(|k| k.to_string())
        .collect();
    let wanted: BTreeSet<&str> = want.iter().map(String::as_str).collect();
    let wrong = lives
        .iter()
        .any(|(k, l)| (l.started > 1) || (l.started == 1 && !wanted.contains(k.as_str())));
    if wrong {
        ledger.check_keys(
            want.iter().map(String::as_str),
            "by record number, from 1 after the header",
        )?;
    }
    Ok((1..=records)
        .filter(|k| lives.get(&k.to_string()).is_none_or(|l| l.started == 0))
        .collect())
}

/// `counted()` once per record counted, all on the calling thread.
fn counted_each(run: &Run, got: &CsvSummary) -> Result<(), Failure> {
    ensure(!run.foreign, || {
        Failure::new(
            Check::Requirement,
            "counted() is called on the thread that called parse_file (the consumer runs there)",
            "it was called from another thread",
        )
        .hint("run the consumer loop on the calling thread and the producer on a thread of its own")
    })?;
    ensure(run.counted == got.valid + got.errors, || {
        Failure::new(
            Check::Requirement,
            format!(
                "counted() called once per record counted: {} times (valid {} + errors {})",
                got.valid + got.errors,
                got.valid,
                got.errors
            ),
            format!("it was called {} times", run.counted),
        )
        .hint(
            "every record's outcome, valid or an error, goes through the results channel to the \
               consumer, which counts it and then calls counted(): no count kept anywhere else",
        )
    })
}

/// The summary is exact for `csv`, with the valid records numbered in `doomed` made to panic:
/// its counts, the histogram if attempted, each record keyed by its number, `counted()` per
/// record.
fn exact(
    csv: &Csv,
    doomed: &BTreeSet<u64>,
    losses: Losses,
    ledger: &Ledger,
    run: &Run,
    got: &CsvSummary,
) -> Result<(), Failure> {
    let records = csv.len();
    let panicked = doomed.len() as u64;
    let valid = csv.valid() - panicked;
    let never_started = keys(ledger, records)?;
    counted_each(run, got)?;
    let total = got.valid + got.errors;
    let expected = format!(
        "valid = {valid}, errors = {} ({records} records after the header{})",
        records - valid,
        match panicked {
            0 => String::new(),
            n => format!(", {n} of them valid but panicking"),
        }
    );
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
    ensure(total == records || never_started.is_empty(), || {
        Failure::new(
            losses.stopped,
            &expected,
            format!(
                "{observed}; records never parsed: {}",
                list(&never_started)
            ),
        )
        .hint(
            "records were never parsed: a malformed or panicking record is counted as an error and \
             its worker goes on to the next job; a worker (or a producer) that stops on its first \
             bad record drops it and every record after it",
        )
    })?;
    ensure(total == records, || {
        Failure::new(
            losses.uncounted,
            &expected,
            format!("{observed}, though every record went through probe.run"),
        )
        .hint(
            "every record was parsed but not every outcome was counted: send each outcome, valid, \
             malformed or panicked, to the consumer, and count each exactly once",
        )
    })?;
    ensure(got.valid == valid, || {
        let check = match panicked > 0 && got.valid == csv.valid() {
            true => Check::ErrorsHandled,
            false => Check::Requirement,
        };
        Failure::new(check, &expected, &observed).hint(
            "a record is valid when it has exactly 3 fields, all UTF-8, id parses as u64 \
             (str::parse, so \"+5\" and \"007\" do), name is not empty, and score parses as u8 and is \
             at most 100; fields are taken as the CSV reader unquotes them, with no trimming; a \
             record whose parse panics is an error",
        )
    })?;
    if let Some(histogram) = &got.histogram {
        histogram_of(csv, doomed, histogram)?;
    }
    ensure(never_started.is_empty(), || {
        Failure::new(
            Check::Requirement,
            "each record's parse inside probe.run, keyed by its number",
            format!("records never run through probe.run: {}", list(&never_started)),
        )
        .hint("call probe.run(record_number, || parse(record)) for every record, the whole parse inside")
    })
}

fn list(keys: &[u64]) -> String {
    let shown: Vec<String> = keys.iter().take(8).map(u64::to_string).collect();
    match keys.len() > 8 {
        true => format!("{} ... ({} in all)", shown.join(", "), keys.len()),
        false => shown.join(", "),
    }
}

/// The histogram: valid rows (the panicking ones excluded) per bucket `score / 10`.
fn histogram_of(
    csv: &Csv,
    doomed: &BTreeSet<u64>,
    histogram: &BTreeMap<u8, u64>,
) -> Result<(), Failure> {
    // Empty buckets may be left out or hold 0.
    let got: BTreeMap<u8, u64> = histogram
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(b, n)| (*b, *n))
        .collect();
    let want = csv.histogram(doomed);
    ensure_eq(
        Check::Stretch,
        "valid rows per bucket score / 10",
        want,
        got,
        "bucket valid rows only (a panicking record is not one), by score / 10, so 0..=9 land in \
         bucket 0 and 100 alone in bucket 10",
    )
}

/// Runs `parse_file` on `csv` with a plain probe and judges the summary exactly.
fn parses_exactly(sol: &'static dyn Solution, ctx: &mut Ctx, csv: &Csv, losses: Losses) -> Outcome {
    let parser = attempted(sol.task04(), TASK)?;
    let ledger = ctx.ledger("records");
    reading(&ledger, csv.len());
    ctx.stage("waiting for parse_file to return");
    let probe = Probe::new(ledger.clone());
    let run = call(parser, CFG, &csv.path, probe, &ledger, None);
    let got = returned(Check::Requirement, &run)?;
    exact(csv, &BTreeSet::new(), losses, &ledger, &run, &got)?;
    Ok(())
}

fn counts_valid_rows_and_errors(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let csv = mixed(ctx, N);
    parses_exactly(sol, ctx, &csv, MIXED)
}

fn records_numbered_from_one(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let csv = clean(ctx, 120);
    parses_exactly(sol, ctx, &csv, CLEAN)
}

fn header_only_counts_nothing(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let parser = attempted(sol.task04(), TASK)?;
    let header = match ctx.rng.bool() {
        true => format!("{HEADER}\n"),
        false => HEADER.to_string(),
    };
    let (_dir, path) = write(header.as_bytes());
    let ledger = ctx.ledger("records");
    reading(&ledger, 0);
    ctx.stage("waiting for parse_file to return on a header-only file");
    let run = call(
        parser,
        CFG,
        &path,
        Probe::new(ledger.clone()),
        &ledger,
        None,
    );
    let got = returned(Check::Requirement, &run).map_err(|f| {
        f.hint("a header with no record after it is not an empty file: return Ok with zero counts")
    })?;
    ensure(
        got.valid == 0 && got.errors == 0 && run.counted == 0,
        || {
            Failure::new(
                Check::Requirement,
                "valid = 0, errors = 0, counted() never called",
                format!(
                    "valid = {}, errors = {}, counted() called {} times",
                    got.valid, got.errors, run.counted
                ),
            )
            .hint("the header is not a record: skip it, and count only what follows")
        },
    )?;
    Ok(())
}

/// Holds every record at a gate until the workers hold one each (or the pool has taken all it
/// will take), then lets go; returns the counters while held and what the call did.
fn held(parser: &dyn CsvParser, ctx: &Ctx, ledger: &Arc<Ledger>, path: &Path) -> (Snapshot, Run) {
    let gate = Gate::closed();
    let probe = Probe::new(ledger.clone()).gated(&gate);
    // The sentinel is one start already.
    while_held(ctx, ledger, &gate, CFG.workers as u64 + 1, || {
        call(parser, CFG, path, probe, ledger, None)
    })
}

fn runs_the_configured_workers(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let parser = attempted(sol.task04(), TASK)?;
    let csv = mixed(ctx, N);
    let ledger = ctx.ledger("records");
    reading(&ledger, csv.len());
    let (snap, run) = held(parser, ctx, &ledger, &csv.path);
    returned(Check::PoolSize, &run)?;
    ensure_eq(
        Check::PoolSize,
        "records parsed at once with every record held",
        CFG.workers as u64,
        snap.peak_in_flight,
        "spawn exactly cfg.workers worker threads (the course's 16 is only its default), each \
         parsing one record at a time",
    )?;
    Ok(())
}

/// The furthest offset any open descriptor of this process has read `path` to, from
/// `/proc/self/fdinfo`: how far the solution's reader has got into the file.
fn read_offset(path: &Path) -> Option<u64> {
    let path = path.canonicalize().ok()?;
    std::fs::read_dir("/proc/self/fd")
        .ok()?
        .flatten()
        .filter(|fd| std::fs::read_link(fd.path()).is_ok_and(|to| to == path))
        .filter_map(|fd| {
            let info =
                std::fs::read_to_string(format!("/proc/self/fdinfo/{}", fd.file_name().to_str()?))
                    .ok()?;
            info.lines()
                .find_map(|l| l.strip_prefix("pos:"))
                .and_then(|p| p.trim().parse().ok())
        })
        .max()
}

fn jobs_channel_holds_at_most_its_buffer(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let parser = attempted(sol.task04(), TASK)?;
    let csv = big(ctx, BIG_RECORDS);
    let ledger = ctx.ledger("records");
    reading(&ledger, csv.len());
    let gate = Gate::closed();
    let probe = Probe::new(ledger.clone()).gated(&gate);
    let (held, read_to, run) = std::thread::scope(|s| {
        let _open = gate.open_on_drop();
        let pool = s.spawn(|| call(parser, CFG, &csv.path, probe, &ledger, None));
        ctx.stage("holding every worker at a gate until the producer fills the jobs channel");
        ledger.wait_for(GET_GOING, |s| s.started > CFG.workers as u64);
        let held = ledger.settle(QUIET, WITHIN);
        let read_to = read_offset(&csv.path);
        gate.open();
        ctx.stage("waiting for parse_file to return after opening the gate");
        let run = pool.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
        (held, read_to, run)
    });
    returned(Check::BufferSize, &run)?;
    let started = held.started - 1; // the sentinel
    ensure(started == CFG.workers as u64, || {
        Failure::new(
            Check::BufferSize,
            format!(
                "not deciding: the {} workers each hold a record, so the jobs channel can fill",
                CFG.workers
            ),
            format!("{started} records started while held, so the channel's bound was not tried"),
        )
        .hint("spawn cfg.workers workers, each taking one record at a time")
    })?;
    let Some(read_to) = read_to else {
        return Err(Failure::new(
            Check::BufferSize,
            "not deciding: the CSV is open while the workers are held, read record by record",
            "no open file descriptor on the CSV was found (read whole, or mapped)",
        )
        .hint("open the file and read it record by record (csv::Reader over a File), never whole")
        .into());
    };
    let read = read_to.saturating_sub(HEADER.len() as u64 + 1) / BIG_RECORD as u64;
    let queued = read.saturating_sub(started);
    let (lo, hi) = (CFG.jobs_buffer as u64, CFG.jobs_buffer as u64 + 1);
    ensure((lo..=hi).contains(&queued), || {
        Failure::new(
            Check::BufferSize,
            format!(
                "between {lo} and {hi} records read but not started (jobs_buffer {lo}, + 1 in the producer's hand)"
            ),
            format!(
                "the reader is at byte {read_to}: {read} records of {BIG_RECORD} bytes read, {started} started, {queued} waiting"
            ),
        )
        .hint("make the jobs channel sync_channel(cfg.jobs_buffer), and read one record at a time: \
               the producer then blocks with one record in hand while the channel is full")
    })?;
    Ok(())
}

fn results_channel_holds_at_most_its_buffer(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let parser = attempted(sol.task04(), TASK)?;
    let csv = mixed(ctx, N);
    let ledger = ctx.ledger("records");
    reading(&ledger, csv.len());
    let consumer = Gate::closed();
    let (held, run) = std::thread::scope(|s| {
        let _open = consumer.open_on_drop();
        let probe = Probe::new(ledger.clone());
        let pool = s.spawn(|| call(parser, CFG, &csv.path, probe, &ledger, Some(&consumer)));
        ctx.stage("holding counted() at its first call until the pool fills up");
        ledger.wait_for(GET_GOING, |s| s.delivered >= 2); // the sentinel and one record
        let held = ledger.settle(QUIET, WITHIN);
        consumer.open();
        ctx.stage("waiting for parse_file to return after releasing counted()");
        let run = pool.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
        (held, run)
    });
    returned(Check::BufferSize, &run)?;
    let (r, w) = (CFG.results_buffer as u64, CFG.workers as u64);
    let unread = held.unread();
    let observed = format!(
        "{} finished, {} counted: {unread} waiting",
        held.finished - 1,
        held.delivered - 1
    );
    ensure(held.delivered >= 2 && unread >= r, || {
        Failure::new(
            Check::BufferSize,
            format!("not deciding: with counted() held, the results channel fills ({r} results waiting at least)"),
            observed.clone(),
        )
        .hint("make the results channel sync_channel(cfg.results_buffer), and call counted() for each result the consumer takes")
    })?;
    ensure(unread <= r + w, || {
        Failure::new(
            Check::BufferSize,
            format!(
                "at most {} records finished but not counted (results_buffer {r} + 1 in each of {w} blocked workers' hands)",
                r + w
            ),
            observed.clone(),
        )
        .hint("make the results channel sync_channel(cfg.results_buffer), so workers block when the consumer falls behind")
    })?;
    Ok(())
}

fn memory_stays_bounded(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let parser = attempted(sol.task04(), TASK)?;
    ctx.stage("writing an 8 MiB CSV");
    let csv = wide(ctx, WIDE_FILE);
    let ledger = ctx.counting_ledger("records");
    reading(&ledger, csv.len());
    // Records in hand at once at most: the jobs buffer plus one in the producer's hand, one per
    // worker, and the results buffer plus one per worker blocked on sending.
    let in_hand = CFG.jobs_buffer + 1 + 2 * CFG.workers + CFG.results_buffer;
    let worth = in_hand * MAX_RECORD;
    // Four copies of each (a record, its parsed row, allocator slack) plus 1 MiB for the reader's
    // buffers and the threads' own bookkeeping: about 1.1 MiB against an 8 MiB file.
    let bound = 4 * worth + (1 << 20);
    let ((snap, run), peak) = ctx.heap_peak_growth(|ctx| held(parser, ctx, &ledger, &csv.path));
    let peak = peak.ok_or_else(|| {
        Failure::new(
            Check::BufferSize,
            "the test binary counts heap use",
            "no allocation was counted",
        )
        .hint("install `#[global_allocator] static A: harness::alloc::Counting = harness::alloc::Counting;` in the test binary")
    })?;
    let got = returned(Check::BufferSize, &run)?;
    ensure(peak <= bound, || {
        Failure::new(
            Check::BufferSize,
            format!(
                "peak heap growth at most {bound} bytes: 4 × {in_hand} records of up to {MAX_RECORD} bytes \
                 in the buffers and hands, plus 1 MiB"
            ),
            format!(
                "{peak} bytes while parsing a {} byte file ({} records started while {} were held)",
                WIDE_FILE, snap.started - 1, CFG.workers
            ),
        )
        .hint("make the jobs channel sync_channel(cfg.jobs_buffer), so the producer blocks while the \
               workers are busy, and read the file record by record (csv::Reader), never whole")
    })?;
    exact(&csv, &BTreeSet::new(), CLEAN, &ledger, &run, &got)?;
    Ok(())
}

fn results_end_after_the_last_record(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let parser = attempted(sol.task04(), TASK)?;
    let csv = mixed(ctx, 100);
    let last = ctx.rng.u64(1..=csv.len());
    let ledger = ctx.ledger("records");
    reading(&ledger, csv.len());
    let gate = Gate::closed();
    let g = gate.clone();
    let probe = Probe::new(ledger.clone()).with_hook(move |n| {
        if *n == last {
            g.wait();
        }
    });
    let (early, _, run) = returns_while_held(ctx, &ledger, &gate, || {
        call(parser, CFG, &csv.path, probe, &ledger, None)
    });
    let after = ledger.settle(QUIET, WITHIN);
    let lives = ledger.lives().unwrap_or_default();
    if lives.get(&last.to_string()).is_none_or(|l| l.started == 0) {
        // Nothing was held: record `last` never went through probe.run. The summary says why.
        let got = returned(Check::Requirement, &run)?;
        exact(&csv, &BTreeSet::new(), MIXED, &ledger, &run, &got)?;
        return Err(Failure::new(
            Check::CloseOnce,
            format!("not deciding: record {last} is held inside probe.run"),
            "it never went through probe.run",
        )
        .into());
    }
    ensure(!early, || {
        Failure::new(
            Check::CloseOnce,
            format!("parse_file returns only after the last record finished (record {last} was held)"),
            format!(
                "it returned while record {last} was still being parsed, {} records counted",
                run.counted
            ),
        )
        .hint("don't take a quiet spell (recv_timeout) or a count for the end of the input: read \
               the results channel until it closes, which happens when the last worker drops its sender")
    })?;
    let got = returned(Check::CloseOnce, &run)?;
    counted_each(&run, &got)?;
    ensure(after.unread() == 0 && after.after_close.is_empty(), || {
        Failure::new(
            Check::CloseOnce,
            "every record that finished is counted before parse_file returns; nothing runs after",
            format!(
                "{} finished, {} counted (record {last} was held a while){}",
                after.finished - 1,
                after.delivered - 1,
                match after.after_close.is_empty() {
                    true => String::new(),
                    false => format!("; after it returned: {}", after.after_close.join(", ")),
                }
            ),
        )
        .hint(
            "the consumer stopped reading before the last record finished: a quiet spell is not \
               the end of the input; range over the results channel until it closes",
        )
    })?;
    exact(&csv, &BTreeSet::new(), MIXED, &ledger, &run, &got)?;
    Ok(())
}

fn histogram_exact(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let parser = attempted(sol.task04(), TASK)?;
    let csv = mixed(ctx, N);
    let ledger = ctx.ledger("records");
    reading(&ledger, csv.len());
    ctx.stage("waiting for parse_file to return");
    let run = call(
        parser,
        CFG,
        &csv.path,
        Probe::new(ledger.clone()),
        &ledger,
        None,
    );
    let got = returned(Check::Stretch, &run)?;
    let Some(histogram) = got.histogram else {
        return Err(Stop::NotAttempted(
            "the histogram stretch is not attempted".into(),
        ));
    };
    histogram_of(&csv, &BTreeSet::new(), &histogram)?;
    Ok(())
}

fn panicking_row_counts_as_error(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let parser = attempted(sol.task04(), TASK)?;
    let csv = mixed(ctx, N);
    let mut valid_at: Vec<u64> = (1..=csv.len())
        .filter(|n| csv.records[*n as usize - 1].is_some())
        .collect();
    ctx.rng.shuffle(&mut valid_at);
    let doomed: BTreeSet<u64> = valid_at.into_iter().take(PANICS).collect();
    let ledger = ctx.ledger("records");
    reading(&ledger, csv.len());
    let d = doomed.clone();
    let probe = Probe::new(ledger.clone()).with_hook(move |n| {
        if d.contains(n) {
            panic!("planted panic while parsing record {n}");
        }
    });
    ctx.stage(format!(
        "waiting for parse_file to return after records {} panicked",
        list(&doomed.iter().copied().collect::<Vec<_>>())
    ));
    let run = call(parser, CFG, &csv.path, probe, &ledger, None);
    let got = returned(Check::ErrorsHandled, &run)?;
    let losses = Losses {
        stopped: Check::ErrorsHandled,
        uncounted: Check::ErrorsHandled,
    };
    exact(&csv, &doomed, losses, &ledger, &run, &got)?;
    Ok(())
}

fn no_thread_outlives_the_pool(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let parser = attempted(sol.task04(), TASK)?;
    let csv = mixed(ctx, N);
    let ledger = ctx.ledger("records");
    reading(&ledger, csv.len());
    let out = support::no_thread_outlives(ctx, "parse_file", || {
        let run = call(
            parser,
            CFG,
            &csv.path,
            Probe::new(ledger.clone()),
            &ledger,
            None,
        );
        returned(Check::NoLeaks, &run).map(drop)
    });
    // A progress stamp: the leak check's own half-second wait, just ended, is not a stall (the
    // watchdog would otherwise read a leftover thread asleep as a deadlock in the instant before
    // this verdict reaches it).
    ctx.stage("the leak check is done");
    out
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
    let run = call(parser, cfg, path, Probe::new(ledger.clone()), &ledger, None);
    ensure(run.called == Ok(Err(want.clone())), || {
        Failure::new(
            Check::GracefulShutdown,
            format!("Err({want:?})"),
            match &run.called {
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
