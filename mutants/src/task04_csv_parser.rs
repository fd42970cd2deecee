//! Task 4, CSV Parser: the model answer with one mistake planted per mutant.

use crate::{chan, Mutant};
use csv::{ByteRecord, ReaderBuilder};
use harness::contracts::task04_csv_parser::{CsvParser, CsvSummary, Row};
use harness::contracts::{PoolConfig, PoolError};
use harness::probe::Probe;
use harness::Check;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader, ErrorKind};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::mpsc::channel;
use std::sync::{Arc, Mutex};
use std::thread;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Bug {
    UnboundedJobs,
    PanicKillsPool,
    WorkerDiesOnMalformedRow,
    FifteenWorkers,
    Score100Rejected,
    TrimsFields,
    HeaderCountedAsRow,
    SplitsLinesOnCommas,
    HistogramFolds100Into9,
    HistogramCountsInvalidRows,
    LeakedThread,
    ZeroWorkersAccepted,
    MissingPathPanics,
    EmptyFileAccepted,
    JobsBufferFromResultsBuffer,
    UnboundedResults,
    HeaderOnlyRefused,
    ConsumerStopsOnQuietSpell,
    CountedOnlyForValidRows,
}

struct Buggy(Bug);

/// A row, or the score of a refused record when its score field alone would pass.
type Parsed = Result<Row, Option<u8>>;

fn parse(bug: Bug, rec: &ByteRecord) -> Parsed {
    let text = |i: usize| {
        let s = std::str::from_utf8(rec.get(i).unwrap_or_default()).ok()?;
        Some(if bug == Bug::TrimsFields { s.trim() } else { s }.to_string())
    };
    let max = if bug == Bug::Score100Rejected {
        99
    } else {
        100
    };
    let score = text(2)
        .and_then(|s| s.parse::<u8>().ok())
        .filter(|s| *s <= max);
    let id = text(0).and_then(|s| s.parse::<u64>().ok());
    match (rec.len(), id, text(1), score) {
        (3, Some(id), Some(name), Some(score)) if !name.is_empty() => Ok(Row { id, name, score }),
        _ => Err(score),
    }
}

type Records = Box<dyn Iterator<Item = Result<ByteRecord, String>> + Send>;

fn records(bug: Bug, file: File) -> Records {
    if bug == Bug::SplitsLinesOnCommas {
        return Box::new(BufReader::new(file).split(b'\n').map(|line| {
            let mut line = line.map_err(|e| e.to_string())?;
            if line.ends_with(b"\r") {
                line.pop();
            }
            Ok(ByteRecord::from(
                line.split(|b| *b == b',').collect::<Vec<_>>(),
            ))
        }));
    }
    let reader = ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(file);
    Box::new(
        reader
            .into_byte_records()
            .map(|r| r.map_err(|e| e.to_string())),
    )
}

impl CsvParser for Buggy {
    fn parse_file(
        &self,
        cfg: PoolConfig,
        path: &Path,
        probe: Probe<u64>,
        counted: &mut dyn FnMut(),
    ) -> Result<CsvSummary, PoolError> {
        let bug = self.0;
        if cfg.workers == 0 && bug != Bug::ZeroWorkersAccepted {
            return Err(PoolError::ZeroWorkers);
        }
        let file = if bug == Bug::MissingPathPanics {
            File::open(path).expect("open the CSV")
        } else {
            File::open(path).map_err(|e| match e.kind() {
                ErrorKind::NotFound => PoolError::MissingPath(path.to_path_buf()),
                _ => PoolError::Io(e.to_string()),
            })?
        };
        let mut records = records(bug, file).peekable();
        if records.peek().is_none() && bug != Bug::EmptyFileAccepted {
            return Err(PoolError::EmptyInput);
        }
        if bug != Bug::HeaderCountedAsRow {
            records.next();
        }
        if records.peek().is_none() && bug == Bug::HeaderOnlyRefused {
            return Err(PoolError::EmptyInput);
        }
        let jobs_buffer = match bug {
            Bug::JobsBufferFromResultsBuffer => cfg.results_buffer,
            _ => cfg.jobs_buffer,
        };
        let (jobs_tx, jobs_rx) = chan::<(u64, ByteRecord)>(bug == Bug::UnboundedJobs, jobs_buffer);
        let (results_tx, results_rx) =
            chan::<Parsed>(bug == Bug::UnboundedResults, cfg.results_buffer);
        let jobs_rx = Arc::new(Mutex::new(jobs_rx));
        let workers = cfg.workers - usize::from(bug == Bug::FifteenWorkers);
        if bug == Bug::LeakedThread {
            // A "progress reporter" waiting for a message that never comes.
            let (never_tx, never_rx) = channel::<()>();
            std::mem::forget(never_tx);
            thread::spawn(move || never_rx.recv());
        }
        thread::scope(|s| {
            for _ in 0..workers {
                let (jobs, results, probe) = (jobs_rx.clone(), results_tx.clone(), probe.clone());
                s.spawn(move || loop {
                    let job = jobs.lock().unwrap().recv();
                    let Ok((n, rec)) = job else { break };
                    let parsed = if bug == Bug::PanicKillsPool {
                        probe.run(n, || parse(bug, &rec))
                    } else {
                        catch_unwind(AssertUnwindSafe(|| probe.run(n, || parse(bug, &rec))))
                            .unwrap_or(Err(None))
                    };
                    let give_up = bug == Bug::WorkerDiesOnMalformedRow && parsed.is_err();
                    if !results.send(parsed) || give_up {
                        break;
                    }
                });
            }
            drop((jobs_rx, results_tx));
            let producer = s.spawn(move || {
                for (n, rec) in (1..).zip(records) {
                    if !jobs_tx.send((n, rec.map_err(PoolError::Io)?)) {
                        break;
                    }
                }
                Ok(())
            });
            let mut summary = CsvSummary::default();
            let mut histogram = BTreeMap::new();
            let quiet = std::time::Duration::from_millis(200);
            let next = || match bug {
                Bug::ConsumerStopsOnQuietSpell => results_rx.recv_timeout(quiet).ok(),
                _ => results_rx.recv().ok(),
            };
            while let Some(parsed) = next() {
                let valid = parsed.is_ok();
                let scored = match parsed {
                    Ok(row) => {
                        summary.valid += 1;
                        Some(row.score)
                    }
                    Err(score) => {
                        summary.errors += 1;
                        score.filter(|_| bug == Bug::HistogramCountsInvalidRows)
                    }
                };
                if let Some(score) = scored {
                    let bucket = match bug {
                        Bug::HistogramFolds100Into9 => (score / 10).min(9),
                        _ => score / 10,
                    };
                    *histogram.entry(bucket).or_insert(0) += 1;
                }
                if valid || bug != Bug::CountedOnlyForValidRows {
                    counted();
                }
            }
            summary.histogram = Some(histogram);
            producer.join().expect("the producer does not panic")?;
            Ok(summary)
        })
    }
}

pub fn mutants() -> Vec<Mutant> {
    use Bug::*;
    vec![
        mutant!(
            task04,
            "task04_csv_parser",
            "unbounded_jobs",
            Buggy(UnboundedJobs),
            Check::BufferSize,
            "the jobs channel is unbounded (mpsc::channel): the producer reads the file far ahead of the workers"
        ),
        mutant!(
            task04,
            "task04_csv_parser",
            "panic_kills_pool",
            Buggy(PanicKillsPool),
            Check::ErrorsHandled,
            "no catch_unwind: a panicking parse kills its worker and re-panics out of parse_file"
        ),
        mutant!(
            task04,
            "task04_csv_parser",
            "worker_dies_on_malformed_row",
            Buggy(WorkerDiesOnMalformedRow),
            Check::ErrorsHandled,
            "a worker sends its first error and returns; once all 16 have, the rest of the file is dropped"
        ),
        mutant!(
            task04,
            "task04_csv_parser",
            "fifteen_workers",
            Buggy(FifteenWorkers),
            Check::PoolSize,
            "spawns workers - 1 threads"
        ),
        mutant!(
            task04,
            "task04_csv_parser",
            "score_100_rejected",
            Buggy(Score100Rejected),
            Check::Requirement,
            "off by one: a score must be below 100 instead of at most 100"
        ),
        mutant!(
            task04,
            "task04_csv_parser",
            "trims_fields",
            Buggy(TrimsFields),
            Check::Requirement,
            "trims whitespace, so \" 7\" passes as an id and \" 50\" as a score"
        ),
        mutant!(
            task04,
            "task04_csv_parser",
            "header_counted_as_row",
            Buggy(HeaderCountedAsRow),
            Check::Requirement,
            "sends the header to the workers, which count it as an error"
        ),
        mutant!(
            task04,
            "task04_csv_parser",
            "splits_lines_on_commas",
            Buggy(SplitsLinesOnCommas),
            Check::Requirement,
            "reads lines and splits them on ',' instead of parsing CSV records"
        ),
        mutant!(
            task04,
            "task04_csv_parser",
            "histogram_folds_100_into_9",
            Buggy(HistogramFolds100Into9),
            Check::Stretch,
            "ten buckets 0..=9: a score of 100 lands in bucket 9"
        ),
        mutant!(
            task04,
            "task04_csv_parser",
            "histogram_counts_invalid_rows",
            Buggy(HistogramCountsInvalidRows),
            Check::Stretch,
            "buckets every record whose score parses, valid or not"
        ),
        mutant!(
            task04,
            "task04_csv_parser",
            "leaked_thread",
            Buggy(LeakedThread),
            Check::NoLeaks,
            "starts a reporter thread that never ends"
        ),
        mutant!(
            task04,
            "task04_csv_parser",
            "zero_workers_accepted",
            Buggy(ZeroWorkersAccepted),
            Check::GracefulShutdown,
            "accepts zero workers and reports an empty summary"
        ),
        mutant!(
            task04,
            "task04_csv_parser",
            "missing_path_panics",
            Buggy(MissingPathPanics),
            Check::GracefulShutdown,
            "opens the file with expect: a missing path panics"
        ),
        mutant!(
            task04,
            "task04_csv_parser",
            "empty_file_accepted",
            Buggy(EmptyFileAccepted),
            Check::GracefulShutdown,
            "returns Ok with zero counts for a file without a header"
        ),
        mutant!(
            task04,
            "task04_csv_parser",
            "jobs_buffer_from_results_buffer",
            Buggy(JobsBufferFromResultsBuffer),
            Check::BufferSize,
            "sizes the jobs channel with cfg.results_buffer"
        ),
        mutant!(
            task04,
            "task04_csv_parser",
            "unbounded_results",
            Buggy(UnboundedResults),
            Check::BufferSize,
            "the results channel is unbounded: workers never wait for a slow consumer"
        ),
        mutant!(
            task04,
            "task04_csv_parser",
            "header_only_refused",
            Buggy(HeaderOnlyRefused),
            Check::Requirement,
            "refuses a file with a header and no record as empty instead of counting zero"
        ),
        mutant!(
            task04,
            "task04_csv_parser",
            "consumer_stops_on_quiet_spell",
            Buggy(ConsumerStopsOnQuietSpell),
            Check::CloseOnce,
            "the consumer takes 200 ms without a result for the end of the results stream"
        ),
        mutant!(
            task04,
            "task04_csv_parser",
            "counted_only_for_valid_rows",
            Buggy(CountedOnlyForValidRows),
            Check::Requirement,
            "calls counted() for valid rows only, not for every record counted"
        ),
    ]
}
