//! Task 4, CSV Parser, batched: the model answer's pool, with records handed to the workers and
//! outcomes handed back a batch at a time.
//!
//! What batching saves: in the one-record-per-job answer every record crosses two channels, and
//! when a channel runs empty or full the crossing puts a thread to sleep and wakes another (a
//! system call and a context switch, microseconds, for a fraction of a microsecond of parsing).
//! Here a crossing carries up to [`BATCH`] records. Buffers of a thousand records or more save
//! most of those sleeps for the one-record answer too: REPORT.md measures both, side by side.
//!
//! What stays the same is what the contract measures: each record is parsed inside its own
//! `probe.run`, numbered from 1, and the two bounds hold record by record. Batches alone would
//! break them (a worker holding a batch holds records read but not started), so two counts of
//! free slots ([`Slots`]) keep them: the producer takes a slot before it reads a record and the
//! worker gives it back as the record starts (`jobs_buffer` records read but not started), and
//! a worker takes a slot for each outcome it keeps and the consumer gives it back as it takes
//! the outcome to count (`results_buffer` outcomes finished but not counted, as in a channel).
//! Whoever would wait for a slot first hands on the batch it holds, so nobody waits on records
//! only it can release.

use crate::task04_csv_parser::{io, parse, refuse, tally, Parsed};
use crossbeam_channel::unbounded;
use harness::contracts::task04_csv_parser::{CsvParser, CsvSummary};
use harness::contracts::{PoolConfig, PoolError};
use harness::probe::Probe;
use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{Condvar, Mutex};
use std::thread;

/// The most records one crossing carries.
pub const BATCH: usize = 512;

pub struct Answer;

/// A count of free slots, taken in bulk and given back one at a time: one atomic operation per
/// record, and a lock only when somebody has to wait. A waiter wakes for a single free slot
/// (waiting for a batch's worth would leave records unread while a held worker keeps the rest).
struct Slots {
    free: AtomicUsize,
    waiters: AtomicUsize,
    lock: Mutex<()>,
    freed: Condvar,
}

impl Slots {
    fn new(n: usize) -> Self {
        Slots {
            free: AtomicUsize::new(n),
            waiters: AtomicUsize::new(0),
            lock: Mutex::new(()),
            freed: Condvar::new(),
        }
    }

    /// Takes up to `most` free slots without waiting; 0 if none is free.
    fn try_take(&self, most: usize) -> usize {
        let taken = self.free.fetch_update(SeqCst, SeqCst, |free| {
            (free > 0).then(|| free - free.min(most))
        });
        taken.map_or(0, |free| free.min(most))
    }

    /// Takes up to `most` slots, waiting until at least one is free.
    fn take(&self, most: usize) -> usize {
        loop {
            let n = self.try_take(most);
            if n > 0 {
                return n;
            }
            // Counted as a waiter before looking again, so a give either is seen here or
            // sees this waiter and wakes it.
            self.waiters.fetch_add(1, SeqCst);
            let mut guard = self.lock.lock().unwrap_or_else(|p| p.into_inner());
            while self.free.load(SeqCst) == 0 {
                guard = self.freed.wait(guard).unwrap_or_else(|p| p.into_inner());
            }
            drop(guard);
            self.waiters.fetch_sub(1, SeqCst);
        }
    }

    fn give(&self, n: usize) {
        self.free.fetch_add(n, SeqCst);
        if self.waiters.load(SeqCst) > 0 {
            let _guard = self.lock.lock().unwrap_or_else(|p| p.into_inner());
            self.freed.notify_all();
        }
    }
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
        // A zero buffer is a rendezvous: one record at a time in the hand-over.
        let read_ahead = Slots::new(cfg.jobs_buffer.max(1));
        let unread = Slots::new(cfg.results_buffer.max(1));
        let (jobs_tx, jobs_rx) = unbounded::<Vec<(u64, csv::ByteRecord)>>();
        let (results_tx, results_rx) = unbounded::<Vec<Parsed>>();
        let (read_ahead, unread) = (&read_ahead, &unread);
        thread::scope(|s| {
            for _ in 0..cfg.workers {
                let (jobs, results, probe) = (jobs_rx.clone(), results_tx.clone(), probe.clone());
                s.spawn(move || {
                    let mut out = Vec::new();
                    for batch in jobs {
                        for (n, rec) in batch {
                            read_ahead.give(1); // this record is about to start
                            let parsed =
                                catch_unwind(AssertUnwindSafe(|| probe.run(n, || parse(&rec))))
                                    .unwrap_or_else(|_| {
                                        Err(format!("record {n}: the parse panicked"))
                                    });
                            // A slot for the outcome, one at a time, as a channel's send would
                            // wait for room: the outcomes this worker holds go first.
                            if unread.try_take(1) == 0 {
                                if !out.is_empty()
                                    && results.send(std::mem::take(&mut out)).is_err()
                                {
                                    return;
                                }
                                unread.take(1);
                            }
                            out.push(parsed);
                        }
                        if !out.is_empty() && results.send(std::mem::take(&mut out)).is_err() {
                            return;
                        }
                    }
                });
            }
            drop((jobs_rx, results_tx));
            let producer = s.spawn(move || {
                let (mut batch, mut slots) = (Vec::with_capacity(BATCH), 0);
                for n in 1.. {
                    if slots == 0 {
                        slots = read_ahead.try_take(BATCH);
                    }
                    if slots == 0 {
                        if !batch.is_empty() && jobs_tx.send(std::mem::take(&mut batch)).is_err() {
                            return Ok(());
                        }
                        slots = read_ahead.take(BATCH);
                    }
                    if !reader.read_byte_record(&mut record).map_err(io)? {
                        break;
                    }
                    slots -= 1;
                    batch.push((n, record.clone()));
                    if batch.len() == BATCH && jobs_tx.send(std::mem::take(&mut batch)).is_err() {
                        return Ok(());
                    }
                }
                if !batch.is_empty() {
                    let _ = jobs_tx.send(batch);
                }
                Ok(())
            });
            let mut summary = CsvSummary {
                histogram: Some(BTreeMap::new()),
                ..CsvSummary::default()
            };
            for outcomes in results_rx {
                for parsed in outcomes {
                    tally(&mut summary, parsed);
                    unread.give(1); // taken off the results, as from a channel
                    counted();
                }
            }
            producer.join().expect("the producer does not panic")?;
            Ok(summary)
        })
    }
}
