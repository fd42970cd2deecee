//! Task 4, CSV Parser: the model answer.
//!
//! A producer thread reads records with the `csv` crate (flexible field counts, so a short or long
//! record reaches a worker, which judges it) and sends each, numbered from 1 after the header,
//! into a bounded jobs channel (crossbeam's, which many receivers share without a lock around
//! it: sixteen workers behind one `Mutex<Receiver>` spend their time waiting for the lock). `workers` threads parse records into [`Row`]s inside the probe's
//! bracket, catching a panicking parse so it counts as an error, and send the outcome into a
//! bounded results channel; the calling thread counts each outcome and calls `counted()`. Memory
//! holds the buffers' worth of records, never the file. Every thread is scoped, so all are joined
//! before returning.

use crossbeam_channel::bounded;
use csv::{ByteRecord, ReaderBuilder};
use harness::contracts::task04_csv_parser::{CsvParser, CsvSummary, Row};
use harness::contracts::{PoolConfig, PoolError};
use harness::probe::Probe;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::ErrorKind;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::thread;

pub struct Answer;

/// Why a record is not a row, for the error count.
pub(crate) type Parsed = Result<Row, String>;

/// The contract's validity rules, fields taken as written.
pub(crate) fn parse(rec: &ByteRecord) -> Parsed {
    let [id, name, score] = [0, 1, 2].map(|i| rec.get(i).unwrap_or_default());
    if rec.len() != 3 {
        return Err(format!("{} fields, want 3", rec.len()));
    }
    let text = |f: &[u8]| String::from_utf8(f.to_vec()).map_err(|e| e.to_string());
    let id = text(id)?.parse().map_err(|e| format!("id: {e}"))?;
    let name = text(name)?;
    let score = text(score)?.parse().map_err(|e| format!("score: {e}"))?;
    match (name.is_empty(), score) {
        (true, _) => Err("empty name".into()),
        (_, 0..=100) => Ok(Row { id, name, score }),
        _ => Err(format!("score {score} is not within 0..=100")),
    }
}

/// Counts one outcome: valid or an error, and a valid row's score into the histogram (the
/// stretch; the summary starts with an empty one).
pub(crate) fn tally(summary: &mut CsvSummary, parsed: Parsed) {
    match parsed {
        Ok(row) => {
            summary.valid += 1;
            if let Some(histogram) = &mut summary.histogram {
                *histogram.entry(row.score / 10).or_insert(0) += 1;
            }
        }
        Err(_) => summary.errors += 1,
    }
}

pub(crate) fn io(e: impl ToString) -> PoolError {
    PoolError::Io(e.to_string())
}

/// What the contract refuses before any thread starts (zero workers, a missing path, an empty
/// file); otherwise the reader, past the header, and a record to read into.
pub(crate) fn refuse(
    cfg: PoolConfig,
    path: &Path,
) -> Result<(csv::Reader<File>, ByteRecord), PoolError> {
    if cfg.workers == 0 {
        return Err(PoolError::ZeroWorkers);
    }
    let file = File::open(path).map_err(|e| match e.kind() {
        ErrorKind::NotFound => PoolError::MissingPath(path.to_path_buf()),
        _ => io(e),
    })?;
    let mut reader = ReaderBuilder::new()
        .has_headers(false) // read the header ourselves, to refuse an empty file
        .flexible(true) // a record with the wrong field count is the worker's error to count
        .from_reader(file);
    let mut record = ByteRecord::new();
    if !reader.read_byte_record(&mut record).map_err(io)? {
        return Err(PoolError::EmptyInput);
    }
    Ok((reader, record))
}

impl CsvParser for Answer {
    fn parse_file(
        &self,
        cfg: PoolConfig,
        path: &Path,
        probe: Probe<u64>,
        counted: &mut dyn FnMut(),
    ) -> Result<CsvSummary, PoolError> {
        let (mut reader, mut record) = refuse(cfg, path)?;
        let (jobs_tx, jobs_rx) = bounded::<(u64, ByteRecord)>(cfg.jobs_buffer);
        let (results_tx, results_rx) = bounded::<Parsed>(cfg.results_buffer);
        thread::scope(|s| {
            for _ in 0..cfg.workers {
                let (jobs, results, probe) = (jobs_rx.clone(), results_tx.clone(), probe.clone());
                s.spawn(move || {
                    // Ends when the producer is done and the channel empty (jobs closed).
                    for (n, rec) in jobs {
                        let parsed =
                            catch_unwind(AssertUnwindSafe(|| probe.run(n, || parse(&rec))))
                                .unwrap_or_else(|_| Err(format!("record {n}: the parse panicked")));
                        if results.send(parsed).is_err() {
                            break;
                        }
                    }
                });
            }
            // Only the workers hold these now: results close when the last worker drops its
            // clone, and if every worker is gone the producer's sends fail and it stops.
            drop((jobs_rx, results_tx));
            let producer = s.spawn(move || {
                for n in 1.. {
                    match reader.read_byte_record(&mut record) {
                        Ok(true) if jobs_tx.send((n, record.clone())).is_ok() => {}
                        Ok(_) => return Ok(()), // end of file, or every worker is gone
                        Err(e) => return Err(io(e)),
                    }
                }
                Ok(())
            }); // jobs_tx drops when the producer returns: jobs close exactly once
            let mut summary = CsvSummary {
                histogram: Some(BTreeMap::new()),
                ..CsvSummary::default()
            };
            for parsed in results_rx {
                tally(&mut summary, parsed);
                counted();
            }
            producer.join().expect("the producer does not panic")?;
            Ok(summary)
        })
    }
}
