//! Task 17, Multi-Error Aggregation: the model answer with one mistake planted per mutant.

use crate::Mutant;
use harness::contracts::task17_multi_error::{ErrorKind, Job, JobError, MultiError, Outcome};
use harness::contracts::{PoolConfig, PoolError};
use harness::probe::{Jobs, Probe};
use harness::Check;
use std::collections::BTreeMap;
use std::sync::mpsc::sync_channel;
use std::sync::Mutex;
use std::thread;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Bug {
    FailFast,
    WorkerQuitsOnError,
    LastErrorPerKind,
    ErrorCountedAsSuccess,
    SharedTallyLostUpdate,
    SeedWorkers,
    JobsUnbounded,
    ZeroWorkersAccepted,
    KeyedByOrder,
    KindsMerged,
}

struct Buggy(Bug);

impl MultiError for Buggy {
    fn run_all(
        &self,
        cfg: PoolConfig,
        jobs: Jobs<Job>,
        probe: Probe<u64>,
    ) -> Result<Outcome, PoolError> {
        let bug = self.0;
        if cfg.workers == 0 && bug != Bug::ZeroWorkersAccepted {
            return Err(PoolError::ZeroWorkers);
        }
        let workers = match bug {
            Bug::SeedWorkers => 8,
            _ => cfg.workers,
        };
        let jobs_cap = if bug == Bug::JobsUnbounded {
            1 << 16
        } else {
            cfg.jobs_buffer
        };
        let (jobs_tx, jobs_rx) = sync_channel::<Job>(jobs_cap);
        let (results_tx, results_rx) = sync_channel(cfg.results_buffer);
        let jobs_rx = std::sync::Arc::new(Mutex::new(jobs_rx));
        let shared = std::sync::Arc::new(Mutex::new(Outcome::default()));
        let taken = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let mut handles = vec![thread::spawn(move || {
            for job in jobs {
                if jobs_tx.send(job).is_err() {
                    break;
                }
            }
        })];
        for _ in 0..workers {
            let (jobs_rx, results_tx, probe) = (jobs_rx.clone(), results_tx.clone(), probe.clone());
            let (shared, taken) = (shared.clone(), taken.clone());
            handles.push(thread::spawn(move || loop {
                let job = jobs_rx.lock().unwrap().recv();
                let Ok(job) = job else { break };
                let key = match bug {
                    Bug::KeyedByOrder => taken.fetch_add(1, std::sync::atomic::Ordering::SeqCst),
                    _ => job.id,
                };
                let result = probe.run(key, || job.run());
                let failed = result.is_err();
                if bug == Bug::SharedTallyLostUpdate {
                    // Read under one lock, written under another.
                    let mut copy = shared.lock().unwrap().clone();
                    match result {
                        Ok(_) => copy.successes += 1,
                        Err(e) => copy.errors.push(e),
                    }
                    *shared.lock().unwrap() = copy;
                    continue;
                }
                if results_tx.send(result).is_err() || (failed && bug == Bug::WorkerQuitsOnError) {
                    break;
                }
            }));
        }
        drop(results_tx);
        let mut outcome = Outcome::default();
        let mut last: BTreeMap<ErrorKind, JobError> = BTreeMap::new();
        for result in results_rx.iter() {
            match result {
                Ok(_) => outcome.successes += 1,
                Err(_) if bug == Bug::ErrorCountedAsSuccess => outcome.successes += 1,
                Err(e) if bug == Bug::LastErrorPerKind => {
                    last.insert(e.kind, e);
                }
                Err(e) => {
                    outcome.errors.push(e);
                    if bug == Bug::FailFast {
                        break; // the rest of the results and the workers left behind
                    }
                }
            }
        }
        outcome.errors.extend(last.into_values());
        if bug == Bug::FailFast {
            return Ok(outcome);
        }
        handles.into_iter().for_each(|h| drop(h.join()));
        if bug == Bug::SharedTallyLostUpdate {
            return Ok(std::mem::take(&mut *shared.lock().unwrap()));
        }
        Ok(outcome)
    }

    fn by_kind(&self, errors: &[JobError]) -> Option<BTreeMap<ErrorKind, usize>> {
        let mut counts = BTreeMap::new();
        for e in errors {
            let kind = match (self.0, e.kind) {
                (Bug::KindsMerged, ErrorKind::Timeout) => ErrorKind::Network,
                (_, kind) => kind,
            };
            *counts.entry(kind).or_default() += 1;
        }
        Some(counts)
    }
}

pub fn mutants() -> Vec<Mutant> {
    macro_rules! m {
        ($name:literal, $bug:ident, $breaks:expr, $what:literal) => {
            mutant!(
                task17,
                "task17_multi_error",
                $name,
                Buggy(Bug::$bug),
                $breaks,
                $what
            )
        };
    }
    vec![
        m!(
            "fails_fast",
            FailFast,
            Check::ErrorsHandled,
            "returns at the first error, as if the task wanted only that one"
        ),
        m!(
            "worker_quits_on_error",
            WorkerQuitsOnError,
            Check::ErrorsHandled,
            "lets a worker return on its first failed job"
        ),
        m!(
            "last_error_per_kind",
            LastErrorPerKind,
            Check::ErrorsHandled,
            "keeps the errors in a map by kind, so only the last of each kind is left"
        ),
        m!(
            "error_counted_as_success",
            ErrorCountedAsSuccess,
            Check::Requirement,
            "counts every outcome it receives as a success"
        ),
        m!(
            "shared_tally_lost_update",
            SharedTallyLostUpdate,
            Check::Requirement,
            "copies the shared tally under one lock, adds to the copy, and stores it under another"
        ),
        m!(
            "the_seeds_eight_workers",
            SeedWorkers,
            Check::PoolSize,
            "always starts the seed's 8 workers, whatever cfg.workers says"
        ),
        m!(
            "jobs_unbounded",
            JobsUnbounded,
            Check::BufferSize,
            "makes the jobs channel as good as unbounded"
        ),
        m!(
            "zero_workers_accepted",
            ZeroWorkersAccepted,
            Check::GracefulShutdown,
            "never checks for zero workers"
        ),
        m!(
            "keyed_by_order",
            KeyedByOrder,
            Check::Requirement,
            "keys each probe.run by the order jobs were taken, not by the job's id"
        ),
        m!(
            "kinds_merged",
            KindsMerged,
            Check::Stretch,
            "counts timeouts as network errors in by_kind"
        ),
    ]
}
