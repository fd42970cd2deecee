//! Blind mutants of Task 4 (CSV Parser), written from the contract and the course only.
//!
//! Each mutant is a whole solution with one planted defect. The helpers at the top are the
//! correct pieces a learner would write once (opening the file, parsing one record, counting);
//! a mutant either reuses them or writes its own, and its doc comment names its one defect and
//! the checklist item a good suite should blame.

use crate::Mutant;
use csv::{ByteRecord, ReaderBuilder, StringRecord};
use harness::contracts::task04_csv_parser::{CsvSummary, Row};
use harness::contracts::{CsvParser, PoolConfig, PoolError, Solution};
use harness::probe::Probe;
use harness::Check;
use std::any::Any;
use std::collections::BTreeMap;
use std::fs::File;
use std::io;
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::thread;
use std::time::Duration;
use tracing::{debug, info, warn};

macro_rules! mutant_solution {
    ($ty:ident, $suffix:literal) => {
        impl $ty {
            const NAME: &'static str = concat!("task04_csv_parser::blind_", $suffix);
        }
        impl Solution for $ty {
            fn name(&self) -> &str {
                Self::NAME
            }
            fn task04(&self) -> Option<&dyn CsvParser> {
                Some(self)
            }
        }
    };
}

// ---------------------------------------------------------------------------------------------
// Shared, correct helpers.
// ---------------------------------------------------------------------------------------------

/// A parsed record (or why it is not a valid row), with its record number.
type Outcome = (u64, Result<Row, String>);

/// A record's parser: what a worker runs inside `probe.run`.
type ParseFn = fn(&ByteRecord) -> Result<Row, String>;

fn open_file(path: &Path) -> Result<File, PoolError> {
    File::open(path).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => PoolError::MissingPath(path.to_path_buf()),
        _ => PoolError::Io(format!("{}: {e}", path.display())),
    })
}

fn csv_io(e: csv::Error) -> PoolError {
    PoolError::Io(e.to_string())
}

/// Refuses zero workers, a missing path and a file without a header; returns a reader positioned
/// after the header.
fn open_csv(cfg: &PoolConfig, path: &Path) -> Result<csv::Reader<File>, PoolError> {
    if cfg.workers == 0 {
        return Err(PoolError::ZeroWorkers);
    }
    let file = open_file(path)?;
    let mut rdr = ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(file);
    if rdr.byte_headers().map_err(csv_io)?.is_empty() {
        return Err(PoolError::EmptyInput);
    }
    Ok(rdr)
}

fn parse_fields(id: &str, name: &str, score: &str) -> Result<Row, String> {
    let id = id.parse::<u64>().map_err(|e| format!("id {id:?}: {e}"))?;
    if name.is_empty() {
        return Err("empty name".to_owned());
    }
    let score = score
        .parse::<u8>()
        .ok()
        .filter(|s| *s <= 100)
        .ok_or_else(|| format!("score {score:?} is not an integer in 0..=100"))?;
    Ok(Row {
        id,
        name: name.to_owned(),
        score,
    })
}

fn utf8_field(rec: &ByteRecord, i: usize) -> Result<&str, String> {
    std::str::from_utf8(&rec[i]).map_err(|e| format!("field {i} is not UTF-8: {e}"))
}

fn parse_record(rec: &ByteRecord) -> Result<Row, String> {
    if rec.len() != 3 {
        return Err(format!("{} fields, expected 3", rec.len()));
    }
    parse_fields(
        utf8_field(rec, 0)?,
        utf8_field(rec, 1)?,
        utf8_field(rec, 2)?,
    )
}

fn parse_string_record(rec: &StringRecord) -> Result<Row, String> {
    match (rec.len(), rec.get(0), rec.get(1), rec.get(2)) {
        (3, Some(id), Some(name), Some(score)) => parse_fields(id, name, score),
        (n, ..) => Err(format!("{n} fields, expected 3")),
    }
}

fn panic_message(p: &(dyn Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "non-string panic payload".to_owned())
}

/// Runs one job inside the probe, turning a panic into an error for that record.
fn guarded(
    probe: &Probe<u64>,
    n: u64,
    work: impl FnOnce() -> Result<Row, String>,
) -> Result<Row, String> {
    panic::catch_unwind(AssertUnwindSafe(|| probe.run(n, work)))
        .unwrap_or_else(|p| Err(format!("parse panicked: {}", panic_message(p.as_ref()))))
}

#[derive(Default)]
struct Tally {
    valid: u64,
    errors: u64,
    hist: BTreeMap<u8, u64>,
}

impl Tally {
    fn add(&mut self, n: u64, outcome: Result<Row, String>) {
        match outcome {
            Ok(row) => {
                self.valid += 1;
                *self.hist.entry(row.score / 10).or_insert(0) += 1;
            }
            Err(e) => {
                self.errors += 1;
                warn!(record = n, error = %e, "invalid record");
            }
        }
    }

    fn summary(self) -> CsvSummary {
        info!(valid = self.valid, errors = self.errors, "csv parsed");
        CsvSummary {
            valid: self.valid,
            errors: self.errors,
            histogram: Some(self.hist),
        }
    }
}

/// The producer: reads records after the header, numbering them from 1, until the file ends or
/// `send` reports that nobody is listening.
fn produce(
    rdr: &mut csv::Reader<File>,
    mut send: impl FnMut((u64, ByteRecord)) -> bool,
) -> Result<(), PoolError> {
    let mut n = 0u64;
    loop {
        let mut rec = ByteRecord::new();
        if !rdr.read_byte_record(&mut rec).map_err(csv_io)? {
            return Ok(());
        }
        n += 1;
        if !send((n, rec)) {
            return Ok(());
        }
    }
}

/// A correct pool with scoped threads and std channels (workers share the receiver behind a
/// mutex); the producer runs on its own thread, the consumer on the calling thread.
fn pool_std(
    cfg: PoolConfig,
    mut rdr: csv::Reader<File>,
    probe: Probe<u64>,
    parse: ParseFn,
    counted: &mut dyn FnMut(),
) -> Result<CsvSummary, PoolError> {
    let (job_tx, job_rx) = mpsc::sync_channel::<(u64, ByteRecord)>(cfg.jobs_buffer);
    let (res_tx, res_rx) = mpsc::sync_channel::<Outcome>(cfg.results_buffer);
    let job_rx = Mutex::new(job_rx);
    thread::scope(|s| {
        for _ in 0..cfg.workers {
            let (job_rx, res_tx, probe) = (&job_rx, res_tx.clone(), probe.clone());
            s.spawn(move || loop {
                let job = job_rx.lock().unwrap_or_else(|p| p.into_inner()).recv();
                let Ok((n, rec)) = job else { break };
                let outcome = guarded(&probe, n, || parse(&rec));
                if res_tx.send((n, outcome)).is_err() {
                    break;
                }
            });
        }
        drop(res_tx);
        let producer = s.spawn(move || produce(&mut rdr, |job| job_tx.send(job).is_ok()));
        let mut tally = Tally::default();
        for (n, outcome) in res_rx {
            tally.add(n, outcome);
            counted();
        }
        let produced = producer.join().expect("the producer does not panic");
        produced.map(|()| tally.summary())
    })
}

/// A correct pool with scoped threads and crossbeam channels; the producer on its own thread,
/// the consumer on the calling thread.
fn pool_crossbeam(
    cfg: PoolConfig,
    mut rdr: csv::Reader<File>,
    probe: Probe<u64>,
    parse: ParseFn,
    counted: &mut dyn FnMut(),
) -> Result<CsvSummary, PoolError> {
    let (job_tx, job_rx) = crossbeam_channel::bounded::<(u64, ByteRecord)>(cfg.jobs_buffer);
    let (res_tx, res_rx) = crossbeam_channel::bounded::<Outcome>(cfg.results_buffer);
    thread::scope(|s| {
        let producer = s.spawn(move || produce(&mut rdr, |job| job_tx.send(job).is_ok()));
        for _ in 0..cfg.workers {
            let (job_rx, res_tx, probe) = (job_rx.clone(), res_tx.clone(), probe.clone());
            s.spawn(move || {
                for (n, rec) in job_rx {
                    let outcome = guarded(&probe, n, || parse(&rec));
                    if res_tx.send((n, outcome)).is_err() {
                        return;
                    }
                }
            });
        }
        drop((job_rx, res_tx));
        let mut tally = Tally::default();
        for (n, outcome) in res_rx {
            tally.add(n, outcome);
            counted();
        }
        let produced = producer.join().expect("the producer does not panic");
        produced.map(|()| tally.summary())
    })
}

// ---------------------------------------------------------------------------------------------
// Sizes.
// ---------------------------------------------------------------------------------------------

/// Defect: the pool always starts 16 workers, as the course's task text says, instead of
/// `cfg.workers`. A good suite blames `pool_size`.
pub struct HardcodedSixteenWorkers;
mutant_solution!(HardcodedSixteenWorkers, "hardcoded_sixteen_workers");

/// The task says "a pool of 16 workers".
const WORKERS: usize = 16;

impl CsvParser for HardcodedSixteenWorkers {
    fn parse_file(
        &self,
        cfg: PoolConfig,
        path: &Path,
        probe: Probe<u64>,
        counted: &mut dyn FnMut(),
    ) -> Result<CsvSummary, PoolError> {
        let mut rdr = open_csv(&cfg, path)?;
        let (jobs, job_rx) = crossbeam_channel::bounded::<(u64, ByteRecord)>(cfg.jobs_buffer);
        let (results, res_rx) = crossbeam_channel::bounded::<Outcome>(cfg.results_buffer);
        thread::scope(|s| {
            for id in 0..WORKERS {
                let job_rx = job_rx.clone();
                let results = results.clone();
                let probe = probe.clone();
                s.spawn(move || {
                    debug!(worker = id, "worker started");
                    while let Ok((n, rec)) = job_rx.recv() {
                        let res = guarded(&probe, n, || parse_record(&rec));
                        if results.send((n, res)).is_err() {
                            break;
                        }
                    }
                });
            }
            drop(results);
            let producer = s.spawn(move || produce(&mut rdr, |job| jobs.send(job).is_ok()));
            let mut tally = Tally::default();
            while let Ok((n, res)) = res_rx.recv() {
                tally.add(n, res);
                counted();
            }
            let produced = producer.join().expect("producer panicked");
            produced.map(|()| tally.summary())
        })
    }
}

/// Defect: the jobs channel is unbounded ("the producer should never wait"), so the producer
/// reads the whole file ahead of the workers and memory grows with the file. A good suite blames
/// `buffer_size`.
pub struct UnboundedJobsChannel;
mutant_solution!(UnboundedJobsChannel, "unbounded_jobs_channel");

impl CsvParser for UnboundedJobsChannel {
    fn parse_file(
        &self,
        cfg: PoolConfig,
        path: &Path,
        probe: Probe<u64>,
        counted: &mut dyn FnMut(),
    ) -> Result<CsvSummary, PoolError> {
        let mut rdr = open_csv(&cfg, path)?;
        let (job_tx, job_rx) = crossbeam_channel::unbounded::<(u64, ByteRecord)>();
        let (res_tx, res_rx) = crossbeam_channel::bounded::<Outcome>(cfg.results_buffer);
        thread::scope(|s| {
            for _ in 0..cfg.workers {
                let (job_rx, res_tx, probe) = (job_rx.clone(), res_tx.clone(), probe.clone());
                s.spawn(move || {
                    for (n, rec) in job_rx {
                        let outcome = guarded(&probe, n, || parse_record(&rec));
                        if res_tx.send((n, outcome)).is_err() {
                            return;
                        }
                    }
                });
            }
            drop((job_rx, res_tx));
            let producer = s.spawn(move || produce(&mut rdr, |job| job_tx.send(job).is_ok()));
            let mut tally = Tally::default();
            for (n, outcome) in res_rx {
                tally.add(n, outcome);
                counted();
            }
            let produced = producer.join().expect("producer panicked");
            produced.map(|()| tally.summary())
        })
    }
}

/// Defect: both channels are sized with `cfg.jobs_buffer` (a copy-paste), so the results
/// channel ignores `cfg.results_buffer`. A good suite blames `buffer_size`.
pub struct ResultsBufferFromJobsBuffer;
mutant_solution!(
    ResultsBufferFromJobsBuffer,
    "results_buffer_from_jobs_buffer"
);

impl CsvParser for ResultsBufferFromJobsBuffer {
    fn parse_file(
        &self,
        cfg: PoolConfig,
        path: &Path,
        probe: Probe<u64>,
        counted: &mut dyn FnMut(),
    ) -> Result<CsvSummary, PoolError> {
        let mut rdr = open_csv(&cfg, path)?;
        let (job_tx, job_rx) = crossbeam_channel::bounded::<(u64, ByteRecord)>(cfg.jobs_buffer);
        let (res_tx, res_rx) = crossbeam_channel::bounded::<Outcome>(cfg.jobs_buffer);

        let producer = thread::spawn(move || produce(&mut rdr, |job| job_tx.send(job).is_ok()));
        let workers: Vec<_> = (0..cfg.workers)
            .map(|_| {
                let (job_rx, res_tx, probe) = (job_rx.clone(), res_tx.clone(), probe.clone());
                thread::spawn(move || {
                    for (n, rec) in job_rx.iter() {
                        let outcome = guarded(&probe, n, || parse_record(&rec));
                        if res_tx.send((n, outcome)).is_err() {
                            break;
                        }
                    }
                })
            })
            .collect();
        drop((job_rx, res_tx));

        let mut tally = Tally::default();
        for (n, outcome) in res_rx.iter() {
            tally.add(n, outcome);
            counted();
        }
        for w in workers {
            if w.join().is_err() {
                warn!("a worker panicked");
            }
        }
        let produced = producer
            .join()
            .map_err(|p| PoolError::JobPanicked(panic_message(p.as_ref())))?;
        produced.map(|()| tally.summary())
    }
}

/// Defect: the producer first collects every record into a `Vec` (to log a total for progress)
/// and only then feeds the bounded jobs channel, so memory grows with the file, behind bounded
/// channels. A good suite blames `buffer_size`.
pub struct CollectsAllRecordsFirst;
mutant_solution!(CollectsAllRecordsFirst, "collects_all_records_first");

impl CsvParser for CollectsAllRecordsFirst {
    fn parse_file(
        &self,
        cfg: PoolConfig,
        path: &Path,
        probe: Probe<u64>,
        counted: &mut dyn FnMut(),
    ) -> Result<CsvSummary, PoolError> {
        let mut rdr = open_csv(&cfg, path)?;
        let records: Vec<ByteRecord> = rdr
            .byte_records()
            .collect::<Result<_, _>>()
            .map_err(csv_io)?;
        info!(total = records.len(), "records to parse");

        let (job_tx, job_rx) = mpsc::sync_channel::<(u64, ByteRecord)>(cfg.jobs_buffer);
        let (res_tx, res_rx) = mpsc::sync_channel::<Outcome>(cfg.results_buffer);
        let job_rx = Mutex::new(job_rx);
        let tally = thread::scope(|s| {
            s.spawn(move || {
                for (i, rec) in records.into_iter().enumerate() {
                    if job_tx.send((i as u64 + 1, rec)).is_err() {
                        break;
                    }
                }
            });
            for _ in 0..cfg.workers {
                let (job_rx, res_tx, probe) = (&job_rx, res_tx.clone(), probe.clone());
                s.spawn(move || loop {
                    let next = job_rx.lock().unwrap_or_else(|p| p.into_inner()).recv();
                    let Ok((n, rec)) = next else { return };
                    let outcome = guarded(&probe, n, || parse_record(&rec));
                    if res_tx.send((n, outcome)).is_err() {
                        return;
                    }
                });
            }
            drop(res_tx);
            let mut tally = Tally::default();
            for (n, outcome) in res_rx {
                tally.add(n, outcome);
                counted();
            }
            tally
        });
        Ok(tally.summary())
    }
}

// ---------------------------------------------------------------------------------------------
// Errors and panics.
// ---------------------------------------------------------------------------------------------

/// Defect: no `catch_unwind` around the job, so a panicking parse kills its worker: the record
/// is never counted, and once every worker is dead the producer stops and the rest is lost. A
/// good suite blames `errors_handled`.
pub struct NoCatchUnwind;
mutant_solution!(NoCatchUnwind, "no_catch_unwind");

impl CsvParser for NoCatchUnwind {
    fn parse_file(
        &self,
        cfg: PoolConfig,
        path: &Path,
        probe: Probe<u64>,
        counted: &mut dyn FnMut(),
    ) -> Result<CsvSummary, PoolError> {
        let mut rdr = open_csv(&cfg, path)?;
        let (job_tx, job_rx) = mpsc::sync_channel::<(u64, ByteRecord)>(cfg.jobs_buffer);
        let (res_tx, res_rx) = mpsc::sync_channel::<Outcome>(cfg.results_buffer);
        let job_rx = Arc::new(Mutex::new(job_rx));

        let mut workers = Vec::with_capacity(cfg.workers);
        for _ in 0..cfg.workers {
            let job_rx = Arc::clone(&job_rx);
            let res_tx = res_tx.clone();
            let probe = probe.clone();
            workers.push(thread::spawn(move || loop {
                let job = job_rx.lock().unwrap_or_else(|p| p.into_inner()).recv();
                let Ok((n, rec)) = job else { break };
                let parsed = probe.run(n, || parse_record(&rec));
                if res_tx.send((n, parsed)).is_err() {
                    break;
                }
            }));
        }
        drop((job_rx, res_tx));

        let producer = thread::spawn(move || {
            produce(&mut rdr, |job| {
                let sent = job_tx.send(job).is_ok();
                if !sent {
                    warn!("no worker left to take jobs");
                }
                sent
            })
        });

        let mut tally = Tally::default();
        for (n, outcome) in res_rx {
            tally.add(n, outcome);
            counted();
        }
        for w in workers {
            if let Err(p) = w.join() {
                warn!(panic = %panic_message(p.as_ref()), "worker died");
            }
        }
        let produced = producer
            .join()
            .map_err(|p| PoolError::JobPanicked(panic_message(p.as_ref())))?;
        produced.map(|()| tally.summary())
    }
}

/// Defect: a worker reports its first bad record (malformed or panicked) and then returns, as in
/// `if err != nil { results <- err; return }`, so the pool shrinks with every error and, once no
/// worker is left, the producer stops and the rest of the file is never counted. A good suite
/// blames `errors_handled`.
pub struct WorkerQuitsOnFirstError;
mutant_solution!(WorkerQuitsOnFirstError, "worker_quits_on_first_error");

fn quitting_worker(
    probe: &Probe<u64>,
    jobs: crossbeam_channel::Receiver<(u64, ByteRecord)>,
    results: crossbeam_channel::Sender<Outcome>,
) -> Result<(), String> {
    for (n, rec) in jobs {
        match guarded(probe, n, || parse_record(&rec)) {
            Ok(row) => {
                if results.send((n, Ok(row))).is_err() {
                    return Ok(());
                }
            }
            Err(e) => {
                let _ = results.send((n, Err(e.clone())));
                return Err(format!("record {n}: {e}"));
            }
        }
    }
    Ok(())
}

impl CsvParser for WorkerQuitsOnFirstError {
    fn parse_file(
        &self,
        cfg: PoolConfig,
        path: &Path,
        probe: Probe<u64>,
        counted: &mut dyn FnMut(),
    ) -> Result<CsvSummary, PoolError> {
        let mut rdr = open_csv(&cfg, path)?;
        let (job_tx, job_rx) = crossbeam_channel::bounded(cfg.jobs_buffer);
        let (res_tx, res_rx) = crossbeam_channel::bounded::<Outcome>(cfg.results_buffer);
        thread::scope(|s| {
            let workers: Vec<_> = (0..cfg.workers)
                .map(|_| {
                    let (jobs, results, probe) = (job_rx.clone(), res_tx.clone(), &probe);
                    s.spawn(move || quitting_worker(probe, jobs, results))
                })
                .collect();
            drop((job_rx, res_tx));
            let producer = s.spawn(move || produce(&mut rdr, |job| job_tx.send(job).is_ok()));
            let mut tally = Tally::default();
            for (n, outcome) in res_rx {
                tally.add(n, outcome);
                counted();
            }
            for w in workers {
                if let Ok(Err(e)) = w.join() {
                    warn!(error = %e, "worker stopped");
                }
            }
            let produced = producer.join().expect("producer panicked");
            produced.map(|()| tally.summary())
        })
    }
}

/// Defect: the reader is left strict (not `flexible`) and the producer loops
/// `while let Some(Ok(record))`, so the first record with the wrong number of fields (or
/// non-UTF-8 bytes) ends the read and every record after it is never counted. A good suite
/// blames `errors_handled`.
pub struct StopsAtFirstRejectedRecord;
mutant_solution!(StopsAtFirstRejectedRecord, "stops_at_first_rejected_record");

impl CsvParser for StopsAtFirstRejectedRecord {
    fn parse_file(
        &self,
        cfg: PoolConfig,
        path: &Path,
        probe: Probe<u64>,
        counted: &mut dyn FnMut(),
    ) -> Result<CsvSummary, PoolError> {
        if cfg.workers == 0 {
            return Err(PoolError::ZeroWorkers);
        }
        let mut rdr = csv::Reader::from_reader(open_file(path)?);
        if rdr.headers().map_err(csv_io)?.is_empty() {
            return Err(PoolError::EmptyInput);
        }

        let (job_tx, job_rx) = mpsc::sync_channel::<(u64, StringRecord)>(cfg.jobs_buffer);
        let (res_tx, res_rx) = mpsc::sync_channel::<Outcome>(cfg.results_buffer);
        let job_rx = Arc::new(Mutex::new(job_rx));
        let workers: Vec<_> = (0..cfg.workers)
            .map(|_| {
                let (job_rx, res_tx, probe) = (Arc::clone(&job_rx), res_tx.clone(), probe.clone());
                thread::spawn(move || loop {
                    let job = job_rx.lock().unwrap_or_else(|p| p.into_inner()).recv();
                    let Ok((n, rec)) = job else { return };
                    let outcome = guarded(&probe, n, || parse_string_record(&rec));
                    if res_tx.send((n, outcome)).is_err() {
                        return;
                    }
                })
            })
            .collect();
        drop(res_tx);

        let producer = thread::spawn(move || {
            let mut records = rdr.records();
            let mut n = 0u64;
            while let Some(Ok(record)) = records.next() {
                n += 1;
                if job_tx.send((n, record)).is_err() {
                    break;
                }
            }
            debug!(records = n, "producer done");
        });

        let mut tally = Tally::default();
        for (n, outcome) in res_rx {
            tally.add(n, outcome);
            counted();
        }
        let _ = producer.join();
        for w in workers {
            let _ = w.join();
        }
        Ok(tally.summary())
    }
}

/// Defect: records the reader cannot decode (a non-UTF-8 field, read as `StringRecord`) are
/// dropped by a `filter_map(Result::ok)`: counted neither as valid nor as errors. A good suite
/// blames `graceful_shutdown` (bad input silently dropped).
pub struct SkipsUndecodableRecords;
mutant_solution!(SkipsUndecodableRecords, "skips_undecodable_records");

impl CsvParser for SkipsUndecodableRecords {
    fn parse_file(
        &self,
        cfg: PoolConfig,
        path: &Path,
        probe: Probe<u64>,
        counted: &mut dyn FnMut(),
    ) -> Result<CsvSummary, PoolError> {
        if cfg.workers == 0 {
            return Err(PoolError::ZeroWorkers);
        }
        let mut rdr = ReaderBuilder::new()
            .flexible(true)
            .from_reader(open_file(path)?);
        if rdr.headers().map_err(csv_io)?.is_empty() {
            return Err(PoolError::EmptyInput);
        }
        let (job_tx, job_rx) = crossbeam_channel::bounded::<(u64, StringRecord)>(cfg.jobs_buffer);
        let (res_tx, res_rx) = crossbeam_channel::bounded::<Outcome>(cfg.results_buffer);
        thread::scope(|s| {
            s.spawn(move || {
                let records = rdr
                    .records()
                    .enumerate()
                    .filter_map(|(i, r)| r.ok().map(|r| (i as u64 + 1, r)));
                for job in records {
                    if job_tx.send(job).is_err() {
                        break;
                    }
                }
            });
            for _ in 0..cfg.workers {
                let (job_rx, res_tx, probe) = (job_rx.clone(), res_tx.clone(), probe.clone());
                s.spawn(move || {
                    for (n, rec) in job_rx {
                        let outcome = guarded(&probe, n, || parse_string_record(&rec));
                        if res_tx.send((n, outcome)).is_err() {
                            break;
                        }
                    }
                });
            }
            drop((job_rx, res_tx));
            let mut tally = Tally::default();
            for (n, outcome) in res_rx {
                tally.add(n, outcome);
                counted();
            }
            Ok(tally.summary())
        })
    }
}

/// Defect: worker panics are caught but the record is only logged, never counted as an error,
/// so `valid + errors` falls short by the number of panicking records. A good suite blames
/// `errors_handled`.
pub struct PanicOnlyLogged;
mutant_solution!(PanicOnlyLogged, "panic_only_logged");

impl CsvParser for PanicOnlyLogged {
    fn parse_file(
        &self,
        cfg: PoolConfig,
        path: &Path,
        probe: Probe<u64>,
        counted: &mut dyn FnMut(),
    ) -> Result<CsvSummary, PoolError> {
        let mut rdr = open_csv(&cfg, path)?;
        let (job_tx, job_rx) = crossbeam_channel::bounded::<(u64, ByteRecord)>(cfg.jobs_buffer);
        let (res_tx, res_rx) = crossbeam_channel::bounded::<Outcome>(cfg.results_buffer);
        thread::scope(|s| {
            let producer = s.spawn(move || produce(&mut rdr, |job| job_tx.send(job).is_ok()));
            for _ in 0..cfg.workers {
                let (job_rx, res_tx, probe) = (job_rx.clone(), res_tx.clone(), probe.clone());
                s.spawn(move || {
                    for (n, rec) in job_rx {
                        let run = panic::catch_unwind(AssertUnwindSafe(|| {
                            probe.run(n, || parse_record(&rec))
                        }));
                        match run {
                            Ok(outcome) => {
                                if res_tx.send((n, outcome)).is_err() {
                                    return;
                                }
                            }
                            Err(p) => {
                                warn!(record = n, panic = %panic_message(p.as_ref()), "parse panicked, skipping");
                            }
                        }
                    }
                });
            }
            drop((job_rx, res_tx));
            let mut tally = Tally::default();
            for (n, outcome) in res_rx {
                tally.add(n, outcome);
                counted();
            }
            let produced = producer.join().expect("producer panicked");
            produced.map(|()| tally.summary())
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Joining, draining and closing.
// ---------------------------------------------------------------------------------------------

/// Defect: the calling thread joins the producer and every worker before it starts reading the
/// results, so once the results channel and the jobs channel are full everyone waits on everyone
/// (the `wg.Wait()` before `range results` deadlock); small files pass. A good suite blames
/// `all_joined`.
pub struct JoinsBeforeDraining;
mutant_solution!(JoinsBeforeDraining, "joins_before_draining");

impl CsvParser for JoinsBeforeDraining {
    fn parse_file(
        &self,
        cfg: PoolConfig,
        path: &Path,
        probe: Probe<u64>,
        counted: &mut dyn FnMut(),
    ) -> Result<CsvSummary, PoolError> {
        let mut rdr = open_csv(&cfg, path)?;
        let (job_tx, job_rx) = mpsc::sync_channel::<(u64, ByteRecord)>(cfg.jobs_buffer);
        let (res_tx, res_rx) = mpsc::sync_channel::<Outcome>(cfg.results_buffer);
        let job_rx = Arc::new(Mutex::new(job_rx));

        let producer = thread::spawn(move || produce(&mut rdr, |job| job_tx.send(job).is_ok()));
        let mut handles = Vec::new();
        for _ in 0..cfg.workers {
            let (job_rx, res_tx, probe) = (Arc::clone(&job_rx), res_tx.clone(), probe.clone());
            handles.push(thread::spawn(move || loop {
                let next = job_rx.lock().unwrap_or_else(|p| p.into_inner()).recv();
                match next {
                    Ok((n, rec)) => {
                        let outcome = guarded(&probe, n, || parse_record(&rec));
                        if res_tx.send((n, outcome)).is_err() {
                            return;
                        }
                    }
                    Err(_) => return,
                }
            }));
        }
        drop(res_tx);

        // Wait for everything to finish, then count.
        let produced = producer
            .join()
            .map_err(|p| PoolError::JobPanicked(panic_message(p.as_ref())))?;
        for h in handles {
            h.join()
                .map_err(|p| PoolError::JobPanicked(panic_message(p.as_ref())))?;
        }
        produced?;
        let mut tally = Tally::default();
        for (n, outcome) in res_rx.try_iter() {
            tally.add(n, outcome);
            counted();
        }
        Ok(tally.summary())
    }
}

/// Defect: the consumer treats a quiet results channel (`recv_timeout` of 200 ms) as the end of
/// the stream, so one slow record ends the count early and later results are sent into a closed
/// channel and lost. A good suite blames `close_once`.
pub struct ConsumerStopsOnQuietChannel;
mutant_solution!(
    ConsumerStopsOnQuietChannel,
    "consumer_stops_on_quiet_channel"
);

const IDLE: Duration = Duration::from_millis(200);

impl CsvParser for ConsumerStopsOnQuietChannel {
    fn parse_file(
        &self,
        cfg: PoolConfig,
        path: &Path,
        probe: Probe<u64>,
        counted: &mut dyn FnMut(),
    ) -> Result<CsvSummary, PoolError> {
        let mut rdr = open_csv(&cfg, path)?;
        let (job_tx, job_rx) = crossbeam_channel::bounded::<(u64, ByteRecord)>(cfg.jobs_buffer);
        let (res_tx, res_rx) = crossbeam_channel::bounded::<Outcome>(cfg.results_buffer);
        thread::scope(|s| {
            for _ in 0..cfg.workers {
                let (job_rx, res_tx, probe) = (job_rx.clone(), res_tx.clone(), probe.clone());
                s.spawn(move || {
                    for (n, rec) in job_rx {
                        let outcome = guarded(&probe, n, || parse_record(&rec));
                        let _ = res_tx.send((n, outcome));
                    }
                });
            }
            drop((job_rx, res_tx));
            let producer = s.spawn(move || produce(&mut rdr, |job| job_tx.send(job).is_ok()));
            let mut tally = Tally::default();
            // Don't hang forever if something goes wrong upstream.
            while let Ok((n, outcome)) = res_rx.recv_timeout(IDLE) {
                tally.add(n, outcome);
                counted();
            }
            let produced = producer.join().expect("producer panicked");
            produced.map(|()| tally.summary())
        })
    }
}

/// Defect: a progress logger thread is spawned detached (`thread::spawn`, handle dropped) and
/// only checks its stop flag once a second, so it outlives `parse_file`. A good suite blames
/// `no_leaks`.
pub struct DetachedProgressLogger;
mutant_solution!(DetachedProgressLogger, "detached_progress_logger");

impl CsvParser for DetachedProgressLogger {
    fn parse_file(
        &self,
        cfg: PoolConfig,
        path: &Path,
        probe: Probe<u64>,
        counted: &mut dyn FnMut(),
    ) -> Result<CsvSummary, PoolError> {
        let mut rdr = open_csv(&cfg, path)?;
        let done = Arc::new(AtomicBool::new(false));
        let progress = Arc::new(AtomicU64::new(0));
        {
            let (done, progress) = (Arc::clone(&done), Arc::clone(&progress));
            thread::spawn(move || {
                while !done.load(Ordering::Relaxed) {
                    thread::sleep(Duration::from_secs(1));
                    info!(records = progress.load(Ordering::Relaxed), "progress");
                }
            });
        }

        let (job_tx, job_rx) = mpsc::sync_channel::<(u64, ByteRecord)>(cfg.jobs_buffer);
        let (res_tx, res_rx) = mpsc::sync_channel::<Outcome>(cfg.results_buffer);
        let job_rx = Mutex::new(job_rx);
        let result = thread::scope(|s| {
            for _ in 0..cfg.workers {
                let (job_rx, res_tx, probe) = (&job_rx, res_tx.clone(), probe.clone());
                s.spawn(move || loop {
                    let job = job_rx.lock().unwrap_or_else(|p| p.into_inner()).recv();
                    let Ok((n, rec)) = job else { break };
                    let outcome = guarded(&probe, n, || parse_record(&rec));
                    if res_tx.send((n, outcome)).is_err() {
                        break;
                    }
                });
            }
            drop(res_tx);
            let producer = s.spawn(move || produce(&mut rdr, |job| job_tx.send(job).is_ok()));
            let mut tally = Tally::default();
            for (n, outcome) in res_rx {
                tally.add(n, outcome);
                progress.fetch_add(1, Ordering::Relaxed);
                counted();
            }
            let produced = producer.join().expect("producer panicked");
            produced.map(|()| tally.summary())
        });
        done.store(true, Ordering::Relaxed);
        result
    }
}

// ---------------------------------------------------------------------------------------------
// Races.
// ---------------------------------------------------------------------------------------------

/// Defect: to spare the results channel, workers count bad records themselves in a shared
/// atomic with a load then a store (not `fetch_add`), so two workers failing at once lose an
/// increment. A good suite blames `race_free`.
pub struct RacyErrorCounter;
mutant_solution!(RacyErrorCounter, "racy_error_counter");

impl CsvParser for RacyErrorCounter {
    fn parse_file(
        &self,
        cfg: PoolConfig,
        path: &Path,
        probe: Probe<u64>,
        counted: &mut dyn FnMut(),
    ) -> Result<CsvSummary, PoolError> {
        let mut rdr = open_csv(&cfg, path)?;
        let errors = AtomicU64::new(0);
        let (job_tx, job_rx) = crossbeam_channel::bounded::<(u64, ByteRecord)>(cfg.jobs_buffer);
        let (row_tx, row_rx) = crossbeam_channel::bounded::<Row>(cfg.results_buffer);
        let (valid, hist, produced) = thread::scope(|s| {
            let producer = s.spawn(move || produce(&mut rdr, |job| job_tx.send(job).is_ok()));
            for _ in 0..cfg.workers {
                let (job_rx, row_tx, probe, errors) =
                    (job_rx.clone(), row_tx.clone(), probe.clone(), &errors);
                s.spawn(move || {
                    for (n, rec) in job_rx {
                        match guarded(&probe, n, || parse_record(&rec)) {
                            Ok(row) => {
                                if row_tx.send(row).is_err() {
                                    return;
                                }
                            }
                            Err(e) => {
                                warn!(record = n, error = %e, "invalid record");
                                let seen = errors.load(Ordering::Relaxed);
                                errors.store(seen + 1, Ordering::Relaxed);
                            }
                        }
                    }
                });
            }
            drop((job_rx, row_tx));
            let mut valid = 0u64;
            let mut hist = BTreeMap::new();
            for row in row_rx {
                valid += 1;
                *hist.entry(row.score / 10).or_insert(0u64) += 1;
                counted();
            }
            (valid, hist, producer.join().expect("producer panicked"))
        });
        produced?;
        Ok(CsvSummary {
            valid,
            errors: errors.into_inner(),
            histogram: Some(hist),
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Counting and numbering.
// ---------------------------------------------------------------------------------------------

/// Defect: the reader is built with `has_headers(false)` (emptiness checked on the file's
/// length), so the header line is sent as record 1 and counted as an error, and every real
/// record's number is one too high. A good suite blames `requirement`.
pub struct CountsHeaderAsRecord;
mutant_solution!(CountsHeaderAsRecord, "counts_header_as_record");

impl CsvParser for CountsHeaderAsRecord {
    fn parse_file(
        &self,
        cfg: PoolConfig,
        path: &Path,
        probe: Probe<u64>,
        counted: &mut dyn FnMut(),
    ) -> Result<CsvSummary, PoolError> {
        if cfg.workers == 0 {
            return Err(PoolError::ZeroWorkers);
        }
        let file = open_file(path)?;
        let len = file
            .metadata()
            .map_err(|e| PoolError::Io(e.to_string()))?
            .len();
        if len == 0 {
            return Err(PoolError::EmptyInput);
        }
        let rdr = ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(file);
        pool_std(cfg, rdr, probe, parse_record, counted)
    }
}

/// Defect: the producer calls `.skip(1)` on `byte_records()` to skip the header, which the
/// reader has already consumed, so the first record is never parsed and the others are numbered
/// one low. A good suite blames `requirement`.
pub struct SkipsHeaderTwice;
mutant_solution!(SkipsHeaderTwice, "skips_header_twice");

impl CsvParser for SkipsHeaderTwice {
    fn parse_file(
        &self,
        cfg: PoolConfig,
        path: &Path,
        probe: Probe<u64>,
        counted: &mut dyn FnMut(),
    ) -> Result<CsvSummary, PoolError> {
        let mut rdr = open_csv(&cfg, path)?;
        let (job_tx, job_rx) = mpsc::sync_channel::<(u64, ByteRecord)>(cfg.jobs_buffer);
        let (res_tx, res_rx) = mpsc::sync_channel::<Outcome>(cfg.results_buffer);
        let job_rx = Mutex::new(job_rx);
        thread::scope(|s| {
            let producer = s.spawn(move || -> Result<(), PoolError> {
                // skip the header row
                for (i, rec) in rdr.byte_records().skip(1).enumerate() {
                    let rec = rec.map_err(csv_io)?;
                    if job_tx.send((i as u64 + 1, rec)).is_err() {
                        break;
                    }
                }
                Ok(())
            });
            for _ in 0..cfg.workers {
                let (job_rx, res_tx, probe) = (&job_rx, res_tx.clone(), probe.clone());
                s.spawn(move || loop {
                    let job = job_rx.lock().unwrap_or_else(|p| p.into_inner()).recv();
                    let Ok((n, rec)) = job else { break };
                    let outcome = guarded(&probe, n, || parse_record(&rec));
                    if res_tx.send((n, outcome)).is_err() {
                        break;
                    }
                });
            }
            drop(res_tx);
            let mut tally = Tally::default();
            for (n, outcome) in res_rx {
                tally.add(n, outcome);
                counted();
            }
            let produced = producer.join().expect("producer panicked");
            produced.map(|()| tally.summary())
        })
    }
}

/// Defect: jobs are keyed with `enumerate()`'s index, so records are numbered from 0 instead of
/// from 1 after the header. A good suite blames `requirement`.
pub struct KeysFromZero;
mutant_solution!(KeysFromZero, "keys_from_zero");

impl CsvParser for KeysFromZero {
    fn parse_file(
        &self,
        cfg: PoolConfig,
        path: &Path,
        probe: Probe<u64>,
        counted: &mut dyn FnMut(),
    ) -> Result<CsvSummary, PoolError> {
        let mut rdr = open_csv(&cfg, path)?;
        let (job_tx, job_rx) = crossbeam_channel::bounded::<(u64, ByteRecord)>(cfg.jobs_buffer);
        let (res_tx, res_rx) = crossbeam_channel::bounded::<Outcome>(cfg.results_buffer);
        let producer = thread::spawn(move || -> Result<(), PoolError> {
            for (i, rec) in rdr.byte_records().enumerate() {
                let rec = rec.map_err(csv_io)?;
                if job_tx.send((i as u64, rec)).is_err() {
                    break;
                }
            }
            Ok(())
        });
        let workers: Vec<_> = (0..cfg.workers)
            .map(|_| {
                let (job_rx, res_tx, probe) = (job_rx.clone(), res_tx.clone(), probe.clone());
                thread::spawn(move || {
                    while let Ok((n, rec)) = job_rx.recv() {
                        let outcome = guarded(&probe, n, || parse_record(&rec));
                        if res_tx.send((n, outcome)).is_err() {
                            break;
                        }
                    }
                })
            })
            .collect();
        drop((job_rx, res_tx));
        let mut tally = Tally::default();
        while let Ok((n, outcome)) = res_rx.recv() {
            tally.add(n, outcome);
            counted();
        }
        for w in workers {
            let _ = w.join();
        }
        let produced = producer
            .join()
            .map_err(|p| PoolError::JobPanicked(panic_message(p.as_ref())))?;
        produced.map(|()| tally.summary())
    }
}

/// Defect: the worker parses the record first and only then calls `probe.run(n, || row)`, so the
/// parse runs outside the bracket (and a panic in it is not caught by the guard around it). A
/// good suite blames `requirement`.
pub struct ParsesOutsideProbe;
mutant_solution!(ParsesOutsideProbe, "parses_outside_probe");

impl CsvParser for ParsesOutsideProbe {
    fn parse_file(
        &self,
        cfg: PoolConfig,
        path: &Path,
        probe: Probe<u64>,
        counted: &mut dyn FnMut(),
    ) -> Result<CsvSummary, PoolError> {
        let mut rdr = open_csv(&cfg, path)?;
        let (job_tx, job_rx) = mpsc::sync_channel::<(u64, ByteRecord)>(cfg.jobs_buffer);
        let (res_tx, res_rx) = mpsc::sync_channel::<Outcome>(cfg.results_buffer);
        let job_rx = Mutex::new(job_rx);
        thread::scope(|s| {
            for _ in 0..cfg.workers {
                let (job_rx, res_tx, probe) = (&job_rx, res_tx.clone(), probe.clone());
                s.spawn(move || loop {
                    let job = job_rx.lock().unwrap_or_else(|p| p.into_inner()).recv();
                    let Ok((n, rec)) = job else { break };
                    let parsed = parse_record(&rec);
                    let outcome = guarded(&probe, n, move || parsed);
                    if res_tx.send((n, outcome)).is_err() {
                        break;
                    }
                });
            }
            drop(res_tx);
            let producer = s.spawn(move || produce(&mut rdr, |job| job_tx.send(job).is_ok()));
            let mut tally = Tally::default();
            for (n, outcome) in res_rx {
                tally.add(n, outcome);
                counted();
            }
            let produced = producer.join().expect("producer panicked");
            produced.map(|()| tally.summary())
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Inputs: one record class handled wrongly at a time.
// ---------------------------------------------------------------------------------------------

/// Defect: the reader trims whitespace around fields (`Trim::All`), so `" 42"` or `"7 "` parse
/// as valid although the contract says no trimming. A good suite blames `requirement`.
pub struct TrimsFields;
mutant_solution!(TrimsFields, "trims_fields");

impl CsvParser for TrimsFields {
    fn parse_file(
        &self,
        cfg: PoolConfig,
        path: &Path,
        probe: Probe<u64>,
        counted: &mut dyn FnMut(),
    ) -> Result<CsvSummary, PoolError> {
        if cfg.workers == 0 {
            return Err(PoolError::ZeroWorkers);
        }
        let mut rdr = ReaderBuilder::new()
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(open_file(path)?);
        if rdr.byte_headers().map_err(csv_io)?.is_empty() {
            return Err(PoolError::EmptyInput);
        }
        pool_std(cfg, rdr, probe, parse_record, counted)
    }
}

/// Defect: the score is only parsed as a `u8`, never checked against 100, so scores 101 to 255
/// count as valid (and land in histogram buckets 10 to 25). A good suite blames `requirement`.
pub struct ScoreNotCappedAt100;
mutant_solution!(ScoreNotCappedAt100, "score_not_capped_at_100");

fn parse_uncapped_score(rec: &ByteRecord) -> Result<Row, String> {
    if rec.len() != 3 {
        return Err(format!("{} fields, expected 3", rec.len()));
    }
    let id = utf8_field(rec, 0)?
        .parse::<u64>()
        .map_err(|e| format!("bad id: {e}"))?;
    let name = utf8_field(rec, 1)?;
    if name.is_empty() {
        return Err("empty name".to_owned());
    }
    let score = utf8_field(rec, 2)?
        .parse::<u8>()
        .map_err(|e| format!("bad score: {e}"))?;
    Ok(Row {
        id,
        name: name.to_owned(),
        score,
    })
}

impl CsvParser for ScoreNotCappedAt100 {
    fn parse_file(
        &self,
        cfg: PoolConfig,
        path: &Path,
        probe: Probe<u64>,
        counted: &mut dyn FnMut(),
    ) -> Result<CsvSummary, PoolError> {
        let rdr = open_csv(&cfg, path)?;
        pool_crossbeam(cfg, rdr, probe, parse_uncapped_score, counted)
    }
}

/// Defect: an empty `name` is accepted (only the UTF-8 check is made). A good suite blames
/// `requirement`.
pub struct EmptyNameAccepted;
mutant_solution!(EmptyNameAccepted, "empty_name_accepted");

fn parse_allowing_empty_name(rec: &ByteRecord) -> Result<Row, String> {
    let [id, name, score] = [0, 1, 2].map(|i| rec.get(i));
    match (rec.len(), id, name, score) {
        (3, Some(id), Some(name), Some(score)) => {
            let id = std::str::from_utf8(id)
                .ok()
                .and_then(|s| s.parse::<u64>().ok())
                .ok_or("bad id")?;
            let name = String::from_utf8(name.to_vec()).map_err(|_| "name is not UTF-8")?;
            let score = std::str::from_utf8(score)
                .ok()
                .and_then(|s| s.parse::<u8>().ok())
                .filter(|s| *s <= 100)
                .ok_or("bad score")?;
            Ok(Row { id, name, score })
        }
        (n, ..) => Err(format!("{n} fields, expected 3")),
    }
}

impl CsvParser for EmptyNameAccepted {
    fn parse_file(
        &self,
        cfg: PoolConfig,
        path: &Path,
        probe: Probe<u64>,
        counted: &mut dyn FnMut(),
    ) -> Result<CsvSummary, PoolError> {
        let rdr = open_csv(&cfg, path)?;
        pool_std(cfg, rdr, probe, parse_allowing_empty_name, counted)
    }
}

/// Defect: the field count is checked with `len() < 3`, so a record with extra fields is parsed
/// from its first three and counted as valid. A good suite blames `requirement`.
pub struct ExtraFieldsAccepted;
mutant_solution!(ExtraFieldsAccepted, "extra_fields_accepted");

fn parse_first_three(rec: &ByteRecord) -> Result<Row, String> {
    if rec.len() < 3 {
        return Err(format!("only {} fields", rec.len()));
    }
    parse_fields(
        utf8_field(rec, 0)?,
        utf8_field(rec, 1)?,
        utf8_field(rec, 2)?,
    )
}

impl CsvParser for ExtraFieldsAccepted {
    fn parse_file(
        &self,
        cfg: PoolConfig,
        path: &Path,
        probe: Probe<u64>,
        counted: &mut dyn FnMut(),
    ) -> Result<CsvSummary, PoolError> {
        let rdr = open_csv(&cfg, path)?;
        pool_crossbeam(cfg, rdr, probe, parse_first_three, counted)
    }
}

/// Defect: the producer reads the file line by line (`BufRead::lines`, "one line per job" as the
/// course says) and each worker parses its line as a one-line CSV, so a quoted field holding a
/// newline is split into two broken records. A good suite blames `requirement`.
pub struct OneLinePerJob;
mutant_solution!(OneLinePerJob, "one_line_per_job");

fn parse_line(line: &[u8]) -> Result<Row, String> {
    let mut rdr = ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(line);
    let mut rec = ByteRecord::new();
    match rdr.read_byte_record(&mut rec) {
        Ok(true) => parse_record(&rec),
        Ok(false) => Err("blank line".to_owned()),
        Err(e) => Err(e.to_string()),
    }
}

impl CsvParser for OneLinePerJob {
    fn parse_file(
        &self,
        cfg: PoolConfig,
        path: &Path,
        probe: Probe<u64>,
        counted: &mut dyn FnMut(),
    ) -> Result<CsvSummary, PoolError> {
        use std::io::BufRead;
        if cfg.workers == 0 {
            return Err(PoolError::ZeroWorkers);
        }
        let mut lines = io::BufReader::new(open_file(path)?).split(b'\n');
        // The header is the first non-blank line.
        loop {
            match lines.next() {
                None => return Err(PoolError::EmptyInput),
                Some(Err(e)) => return Err(PoolError::Io(e.to_string())),
                Some(Ok(line)) if line.iter().all(|b| *b == b'\r') => continue,
                Some(Ok(_header)) => break,
            }
        }
        let (job_tx, job_rx) = crossbeam_channel::bounded::<(u64, Vec<u8>)>(cfg.jobs_buffer);
        let (res_tx, res_rx) = crossbeam_channel::bounded::<Outcome>(cfg.results_buffer);
        thread::scope(|s| {
            let producer = s.spawn(move || -> Result<(), PoolError> {
                let mut n = 0u64;
                for line in lines {
                    let mut line = line.map_err(|e| PoolError::Io(e.to_string()))?;
                    if line.last() == Some(&b'\r') {
                        line.pop();
                    }
                    if line.is_empty() {
                        continue; // the csv reader skips blank lines too
                    }
                    n += 1;
                    if job_tx.send((n, line)).is_err() {
                        break;
                    }
                }
                Ok(())
            });
            for _ in 0..cfg.workers {
                let (job_rx, res_tx, probe) = (job_rx.clone(), res_tx.clone(), probe.clone());
                s.spawn(move || {
                    for (n, line) in job_rx {
                        let outcome = guarded(&probe, n, || parse_line(&line));
                        if res_tx.send((n, outcome)).is_err() {
                            return;
                        }
                    }
                });
            }
            drop((job_rx, res_tx));
            let mut tally = Tally::default();
            for (n, outcome) in res_rx {
                tally.add(n, outcome);
                counted();
            }
            let produced = producer.join().expect("producer panicked");
            produced.map(|()| tally.summary())
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Refusals.
// ---------------------------------------------------------------------------------------------

/// Defect: zero workers is not refused but quietly raised to one (`cfg.workers.max(1)`). A good
/// suite blames `requirement`.
pub struct ZeroWorkersBecomeOne;
mutant_solution!(ZeroWorkersBecomeOne, "zero_workers_become_one");

impl CsvParser for ZeroWorkersBecomeOne {
    fn parse_file(
        &self,
        cfg: PoolConfig,
        path: &Path,
        probe: Probe<u64>,
        counted: &mut dyn FnMut(),
    ) -> Result<CsvSummary, PoolError> {
        let cfg = PoolConfig {
            workers: cfg.workers.max(1),
            ..cfg
        };
        let rdr = open_csv(&cfg, path)?;
        pool_crossbeam(cfg, rdr, probe, parse_record, counted)
    }
}

/// Defect: an empty file is not refused: with no header the reader simply yields no records and
/// the pool returns an all-zero summary. A good suite blames `requirement`.
pub struct EmptyFileAccepted;
mutant_solution!(EmptyFileAccepted, "empty_file_accepted");

impl CsvParser for EmptyFileAccepted {
    fn parse_file(
        &self,
        cfg: PoolConfig,
        path: &Path,
        probe: Probe<u64>,
        counted: &mut dyn FnMut(),
    ) -> Result<CsvSummary, PoolError> {
        if cfg.workers == 0 {
            return Err(PoolError::ZeroWorkers);
        }
        let rdr = ReaderBuilder::new()
            .flexible(true)
            .from_reader(open_file(path)?);
        pool_std(cfg, rdr, probe, parse_record, counted)
    }
}

// ---------------------------------------------------------------------------------------------
// Stretch: the histogram.
// ---------------------------------------------------------------------------------------------

/// Defect: the histogram uses ten deciles, `(score / 10).min(9)`, so a score of 100 lands in
/// bucket 9 instead of bucket 10. A good suite blames `stretch`.
pub struct HistogramFoldsHundredIntoNine;
mutant_solution!(
    HistogramFoldsHundredIntoNine,
    "histogram_folds_hundred_into_nine"
);

impl CsvParser for HistogramFoldsHundredIntoNine {
    fn parse_file(
        &self,
        cfg: PoolConfig,
        path: &Path,
        probe: Probe<u64>,
        counted: &mut dyn FnMut(),
    ) -> Result<CsvSummary, PoolError> {
        let mut rdr = open_csv(&cfg, path)?;
        let (job_tx, job_rx) = mpsc::sync_channel::<(u64, ByteRecord)>(cfg.jobs_buffer);
        let (res_tx, res_rx) = mpsc::sync_channel::<Outcome>(cfg.results_buffer);
        let job_rx = Mutex::new(job_rx);
        thread::scope(|s| {
            for _ in 0..cfg.workers {
                let (job_rx, res_tx, probe) = (&job_rx, res_tx.clone(), probe.clone());
                s.spawn(move || loop {
                    let job = job_rx.lock().unwrap_or_else(|p| p.into_inner()).recv();
                    let Ok((n, rec)) = job else { break };
                    let outcome = guarded(&probe, n, || parse_record(&rec));
                    if res_tx.send((n, outcome)).is_err() {
                        break;
                    }
                });
            }
            drop(res_tx);
            let producer = s.spawn(move || produce(&mut rdr, |job| job_tx.send(job).is_ok()));
            let mut summary = CsvSummary {
                histogram: Some(BTreeMap::new()),
                ..CsvSummary::default()
            };
            for (n, outcome) in res_rx {
                match outcome {
                    Ok(row) => {
                        summary.valid += 1;
                        let decile = (row.score / 10).min(9);
                        if let Some(h) = summary.histogram.as_mut() {
                            *h.entry(decile).or_insert(0) += 1;
                        }
                    }
                    Err(e) => {
                        summary.errors += 1;
                        warn!(record = n, error = %e, "invalid record");
                    }
                }
                counted();
            }
            let produced = producer.join().expect("producer panicked");
            produced.map(|()| summary)
        })
    }
}

/// Defect: each worker keeps its own histogram and the merge does `total.insert(bucket, count)`
/// instead of adding, so a bucket keeps only the last worker's count. A good suite blames
/// `stretch`.
pub struct HistogramMergeOverwrites;
mutant_solution!(HistogramMergeOverwrites, "histogram_merge_overwrites");

impl CsvParser for HistogramMergeOverwrites {
    fn parse_file(
        &self,
        cfg: PoolConfig,
        path: &Path,
        probe: Probe<u64>,
        counted: &mut dyn FnMut(),
    ) -> Result<CsvSummary, PoolError> {
        let mut rdr = open_csv(&cfg, path)?;
        let (job_tx, job_rx) = crossbeam_channel::bounded::<(u64, ByteRecord)>(cfg.jobs_buffer);
        let (res_tx, res_rx) = crossbeam_channel::bounded::<Outcome>(cfg.results_buffer);
        thread::scope(|s| {
            let producer = s.spawn(move || produce(&mut rdr, |job| job_tx.send(job).is_ok()));
            let workers: Vec<_> = (0..cfg.workers)
                .map(|_| {
                    let (job_rx, res_tx, probe) = (job_rx.clone(), res_tx.clone(), probe.clone());
                    s.spawn(move || {
                        let mut local: BTreeMap<u8, u64> = BTreeMap::new();
                        for (n, rec) in job_rx {
                            let outcome = guarded(&probe, n, || parse_record(&rec));
                            if let Ok(row) = &outcome {
                                *local.entry(row.score / 10).or_default() += 1;
                            }
                            if res_tx.send((n, outcome)).is_err() {
                                break;
                            }
                        }
                        local
                    })
                })
                .collect();
            drop((job_rx, res_tx));

            let (mut valid, mut errors) = (0u64, 0u64);
            for (n, outcome) in res_rx {
                match outcome {
                    Ok(_) => valid += 1,
                    Err(e) => {
                        errors += 1;
                        warn!(record = n, error = %e, "invalid record");
                    }
                }
                counted();
            }
            let mut histogram = BTreeMap::new();
            for w in workers {
                let local = w.join().expect("worker panicked");
                for (bucket, count) in local {
                    histogram.insert(bucket, count);
                }
            }
            producer.join().expect("producer panicked")?;
            Ok(CsvSummary {
                valid,
                errors,
                histogram: Some(histogram),
            })
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Registration.
// ---------------------------------------------------------------------------------------------

static HARDCODED_SIXTEEN_WORKERS: HardcodedSixteenWorkers = HardcodedSixteenWorkers;
static UNBOUNDED_JOBS_CHANNEL: UnboundedJobsChannel = UnboundedJobsChannel;
static RESULTS_BUFFER_FROM_JOBS_BUFFER: ResultsBufferFromJobsBuffer = ResultsBufferFromJobsBuffer;
static COLLECTS_ALL_RECORDS_FIRST: CollectsAllRecordsFirst = CollectsAllRecordsFirst;
static NO_CATCH_UNWIND: NoCatchUnwind = NoCatchUnwind;
static WORKER_QUITS_ON_FIRST_ERROR: WorkerQuitsOnFirstError = WorkerQuitsOnFirstError;
static STOPS_AT_FIRST_REJECTED_RECORD: StopsAtFirstRejectedRecord = StopsAtFirstRejectedRecord;
static SKIPS_UNDECODABLE_RECORDS: SkipsUndecodableRecords = SkipsUndecodableRecords;
static PANIC_ONLY_LOGGED: PanicOnlyLogged = PanicOnlyLogged;
static JOINS_BEFORE_DRAINING: JoinsBeforeDraining = JoinsBeforeDraining;
static CONSUMER_STOPS_ON_QUIET_CHANNEL: ConsumerStopsOnQuietChannel = ConsumerStopsOnQuietChannel;
static DETACHED_PROGRESS_LOGGER: DetachedProgressLogger = DetachedProgressLogger;
static RACY_ERROR_COUNTER: RacyErrorCounter = RacyErrorCounter;
static COUNTS_HEADER_AS_RECORD: CountsHeaderAsRecord = CountsHeaderAsRecord;
static SKIPS_HEADER_TWICE: SkipsHeaderTwice = SkipsHeaderTwice;
static KEYS_FROM_ZERO: KeysFromZero = KeysFromZero;
static TRIMS_FIELDS: TrimsFields = TrimsFields;
static SCORE_NOT_CAPPED_AT_100: ScoreNotCappedAt100 = ScoreNotCappedAt100;
static EMPTY_NAME_ACCEPTED: EmptyNameAccepted = EmptyNameAccepted;
static EXTRA_FIELDS_ACCEPTED: ExtraFieldsAccepted = ExtraFieldsAccepted;
static ONE_LINE_PER_JOB: OneLinePerJob = OneLinePerJob;
static ZERO_WORKERS_BECOME_ONE: ZeroWorkersBecomeOne = ZeroWorkersBecomeOne;
static EMPTY_FILE_ACCEPTED: EmptyFileAccepted = EmptyFileAccepted;
static HISTOGRAM_FOLDS_HUNDRED_INTO_NINE: HistogramFoldsHundredIntoNine =
    HistogramFoldsHundredIntoNine;
static HISTOGRAM_MERGE_OVERWRITES: HistogramMergeOverwrites = HistogramMergeOverwrites;

pub fn mutants() -> Vec<Mutant> {
    vec![
        Mutant {
            name: HardcodedSixteenWorkers::NAME,
            bug: "I used the 16 workers the task asks for instead of the configured count.",
            breaks: Check::PoolSize,
            solution: &HARDCODED_SIXTEEN_WORKERS,
        },
        Mutant {
            name: UnboundedJobsChannel::NAME,
            bug: "I made the jobs channel unbounded so the producer never waits.",
            breaks: Check::BufferSize,
            solution: &UNBOUNDED_JOBS_CHANNEL,
        },
        Mutant {
            name: ResultsBufferFromJobsBuffer::NAME,
            bug: "I sized the results channel with jobs_buffer by copy-paste.",
            breaks: Check::BufferSize,
            solution: &RESULTS_BUFFER_FROM_JOBS_BUFFER,
        },
        Mutant {
            name: CollectsAllRecordsFirst::NAME,
            bug: "I read every record into a Vec first to log the total, then fed the pool.",
            breaks: Check::BufferSize,
            solution: &COLLECTS_ALL_RECORDS_FIRST,
        },
        Mutant {
            name: NoCatchUnwind::NAME,
            bug: "I didn't catch panics, so a panicking parse kills its worker and loses records.",
            breaks: Check::ErrorsHandled,
            solution: &NO_CATCH_UNWIND,
        },
        Mutant {
            name: WorkerQuitsOnFirstError::NAME,
            bug: "My worker reports its first bad record and then returns, shrinking the pool.",
            breaks: Check::ErrorsHandled,
            solution: &WORKER_QUITS_ON_FIRST_ERROR,
        },
        Mutant {
            name: StopsAtFirstRejectedRecord::NAME,
            bug: "My producer's `while let Some(Ok(record))` stops at the first record the strict reader rejects.",
            breaks: Check::ErrorsHandled,
            solution: &STOPS_AT_FIRST_REJECTED_RECORD,
        },
        Mutant {
            name: SkipsUndecodableRecords::NAME,
            bug: "I filtered out records the reader could not decode, so non-UTF-8 rows vanish from the counts.",
            breaks: Check::ErrorsHandled,
            solution: &SKIPS_UNDECODABLE_RECORDS,
        },
        Mutant {
            name: PanicOnlyLogged::NAME,
            bug: "I catch a parse panic and log it, but never count the record as an error.",
            breaks: Check::ErrorsHandled,
            solution: &PANIC_ONLY_LOGGED,
        },
        Mutant {
            name: JoinsBeforeDraining::NAME,
            bug: "I join every worker before reading the results, which deadlocks once the channels fill.",
            breaks: Check::GracefulShutdown,
            solution: &JOINS_BEFORE_DRAINING,
        },
        Mutant {
            name: ConsumerStopsOnQuietChannel::NAME,
            bug: "My consumer treats 200 ms without a result as the end of the stream.",
            breaks: Check::CloseOnce,
            solution: &CONSUMER_STOPS_ON_QUIET_CHANNEL,
        },
        Mutant {
            name: DetachedProgressLogger::NAME,
            bug: "My progress logger thread is detached and outlives the call by up to a second.",
            breaks: Check::NoLeaks,
            solution: &DETACHED_PROGRESS_LOGGER,
        },
        Mutant {
            name: RacyErrorCounter::NAME,
            bug: "Workers count errors with a load then a store on a shared atomic, losing increments.",
            breaks: Check::Requirement,
            solution: &RACY_ERROR_COUNTER,
        },
        Mutant {
            name: CountsHeaderAsRecord::NAME,
            bug: "I built the reader without headers, so the header line is counted as a bad record.",
            breaks: Check::Requirement,
            solution: &COUNTS_HEADER_AS_RECORD,
        },
        Mutant {
            name: SkipsHeaderTwice::NAME,
            bug: "I skip(1) the records to drop the header the reader had already consumed.",
            breaks: Check::Requirement,
            solution: &SKIPS_HEADER_TWICE,
        },
        Mutant {
            name: KeysFromZero::NAME,
            bug: "I keyed jobs with enumerate()'s index, so records are numbered from 0.",
            breaks: Check::Requirement,
            solution: &KEYS_FROM_ZERO,
        },
        Mutant {
            name: TrimsFields::NAME,
            bug: "I set the reader to trim whitespace around every field.",
            breaks: Check::Requirement,
            solution: &TRIMS_FIELDS,
        },
        Mutant {
            name: ScoreNotCappedAt100::NAME,
            bug: "I parse the score as a u8 and never check that it is at most 100.",
            breaks: Check::Requirement,
            solution: &SCORE_NOT_CAPPED_AT_100,
        },
        Mutant {
            name: EmptyNameAccepted::NAME,
            bug: "I only check that the name is UTF-8, not that it is non-empty.",
            breaks: Check::Requirement,
            solution: &EMPTY_NAME_ACCEPTED,
        },
        Mutant {
            name: ExtraFieldsAccepted::NAME,
            bug: "I check for at least three fields instead of exactly three.",
            breaks: Check::Requirement,
            solution: &EXTRA_FIELDS_ACCEPTED,
        },
        Mutant {
            name: OneLinePerJob::NAME,
            bug: "I read the file line by line, so a quoted field with a newline becomes two broken records.",
            breaks: Check::Requirement,
            solution: &ONE_LINE_PER_JOB,
        },
        Mutant {
            name: ZeroWorkersBecomeOne::NAME,
            bug: "I quietly raise zero workers to one instead of refusing.",
            breaks: Check::GracefulShutdown,
            solution: &ZERO_WORKERS_BECOME_ONE,
        },
        Mutant {
            name: EmptyFileAccepted::NAME,
            bug: "I don't refuse an empty file; it returns an all-zero summary.",
            breaks: Check::GracefulShutdown,
            solution: &EMPTY_FILE_ACCEPTED,
        },
        Mutant {
            name: HistogramFoldsHundredIntoNine::NAME,
            bug: "My histogram has ten deciles, so a score of 100 goes into bucket 9.",
            breaks: Check::Stretch,
            solution: &HISTOGRAM_FOLDS_HUNDRED_INTO_NINE,
        },
        Mutant {
            name: HistogramMergeOverwrites::NAME,
            bug: "I merge per-worker histograms with insert instead of adding the counts.",
            breaks: Check::Stretch,
            solution: &HISTOGRAM_MERGE_OVERWRITES,
        },
    ]
}

/// Blind mutants of this task taken out at triage (they meet the contract), with the reason.
pub const DROPPED: &[super::Dropped] = &[super::Dropped {
    name: ParsesOutsideProbe::NAME,
    reason: "parsing a record is pure and in memory: parsed before probe.run or inside it, every \
             record still goes through probe.run once with its number, a panic inside the bracket \
             is still counted as an error, and no count, result, timing or allocation a scenario \
             can see differs from a correct pool's",
}];

/// Blind mutants of this task whose checklist item triage changed, with the reason.
pub const RELABELLED: &[super::Relabelled] = &[
    super::Relabelled {
        name: SkipsUndecodableRecords::NAME,
        was: Check::GracefulShutdown,
        why: "a malformed record (not UTF-8) neither counted nor logged is a failing entry swallowed: errors_handled",
    },
    super::Relabelled {
        name: JoinsBeforeDraining::NAME,
        was: Check::AllJoined,
        why: "joining before draining hangs with finished results nobody reads: graceful_shutdown",
    },
    super::Relabelled {
        name: RacyErrorCounter::NAME,
        was: Check::RaceFree,
        why: "a race is blamed on its effect: errors counted outside the results stream (and lost updates) make the count wrong, requirement; race_free is the loom model's",
    },
    super::Relabelled {
        name: ZeroWorkersBecomeOne::NAME,
        was: Check::Requirement,
        why: "zero workers clamped to one instead of refused is a refusal that did not happen: graceful_shutdown",
    },
    super::Relabelled {
        name: EmptyFileAccepted::NAME,
        was: Check::Requirement,
        why: "an empty file accepted instead of refused is a refusal that did not happen: graceful_shutdown",
    },
];

/// Blind mutants of this task whose catch is measured, not required (see `super::Uncertain`).
pub const UNCERTAIN: &[super::Uncertain] = &[];
