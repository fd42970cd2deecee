//! `race_free`: pool kernels model-checked with loom, every interleaving of a small pool: task
//! 1's pool, task 8's submit racing stop, task 11's reorder buffer, task 14's drain racing the
//! deadline.
//!
//! Run with `ci/loom.sh` (`cargo test -p harness --features loom --release
//! --test loom`). The reference must hold in every interleaving; the racy mutant must not.

use harness::contracts::task01_squarer::{Squared, Squarer};
use harness::contracts::PoolConfig;
use harness::ledger::Ledger;
use harness::probe::{Jobs, Probe};
use std::sync::Arc;

/// Two workers, one-slot buffers, two numbers: small enough to exhaust, big enough for every
/// hand-off (producer to worker, worker to worker, worker to caller) to race.
const CFG: PoolConfig = PoolConfig {
    workers: 2,
    jobs_buffer: 1,
    results_buffer: 1,
};
const INPUT: [i64; 2] = [3, -4];

/// One execution: every result delivered exactly once, the results stream ended (the call
/// returned) only after every job finished, nothing finished after it.
fn check(squarer: &dyn Squarer) {
    let ledger = Arc::new(Ledger::exact("loom"));
    let mut out: Vec<Squared> = Vec::new();
    let r = squarer.square_all(
        CFG,
        Jobs::new(ledger.clone(), INPUT, |n| n.to_string()),
        Probe::new(ledger.clone()),
        &mut |s| {
            ledger.deliver(s.square);
            out.push(s)
        },
    );
    ledger.close();
    assert_eq!(r, Ok(()), "square_all returns Ok");
    out.sort_by_key(|s| s.index);
    let want: Vec<_> = INPUT
        .iter()
        .enumerate()
        .map(|(index, n)| Squared {
            index,
            square: n * n,
        })
        .collect();
    assert_eq!(out, want, "every result delivered exactly once");
    let s = ledger.snapshot();
    assert_eq!(
        (s.started, s.finished),
        (2, 2),
        "every job finished before the results stream ended"
    );
    assert!(
        s.after_close.is_empty(),
        "nothing after the end: {:?}",
        s.after_close
    );
}

/// Explores every interleaving of `check` with at most `preemptions` preemptions, unless
/// `LOOM_MAX_PREEMPTIONS` says otherwise.
fn explore(preemptions: usize, check: impl Fn() + Send + Sync + 'static) {
    let mut b = loom::model::Builder::new();
    if b.preemption_bound.is_none() {
        b.preemption_bound = Some(preemptions);
    }
    b.check(check);
}

fn model(squarer: &'static dyn Squarer) {
    explore(2, move || check(squarer));
}

#[test]
fn task01_squarer_reference_is_race_free() {
    model(&impls::task01_squarer::Answer);
}

#[test]
fn task01_squarer_racy_last_worker_is_caught() {
    let caught = std::panic::catch_unwind(|| model(&mutants::task01_squarer::RacyLastWorkerCloses));
    assert!(
        caught.is_err(),
        "loom found no interleaving that breaks the racy mutant: the model cannot fail"
    );
}

mod task08 {
    use harness::contracts::task08_bounded_submit::{BoundedSubmit, SubmitError, SubmitPool};
    use harness::contracts::PoolConfig;
    use harness::ledger::Ledger;
    use harness::probe::Probe;
    use std::sync::Arc;
    use tokio_util::sync::CancellationToken;

    /// One worker, one queue slot: a submit on its own thread races `stop` on the main one.
    const CFG: PoolConfig = PoolConfig {
        workers: 1,
        jobs_buffer: 1,
        results_buffer: 2,
    };

    /// One execution: a submit that was accepted has its job run exactly once before the stream
    /// ends, and once `stop` has returned nothing is accepted.
    fn check(bs: &dyn BoundedSubmit) {
        let ledger = Arc::new(Ledger::exact("loom"));
        let pool: Arc<dyn SubmitPool> = Arc::from(
            bs.start(CFG, Probe::new(ledger.clone()))
                .expect("start returns a pool"),
        );
        let results = pool.results();
        let p = pool.clone();
        let submitter = loom::thread::spawn(move || p.submit(&CancellationToken::new(), 7).is_ok());
        pool.stop();
        let after = pool.submit(&CancellationToken::new(), 8);
        let accepted = submitter.join().unwrap();
        let ran: Vec<i64> = results.map(|d| d.job).collect();
        assert_eq!(
            after,
            Err(SubmitError::Stopped),
            "nothing is accepted once stop has returned"
        );
        let want = if accepted { vec![7] } else { vec![] };
        assert_eq!(
            ran, want,
            "an accepted job runs exactly once, a refused one never"
        );
    }

    fn model(bs: &'static dyn BoundedSubmit) {
        super::explore(2, move || check(bs));
    }

    #[test]
    fn task08_bounded_submit_reference_is_race_free() {
        model(&impls::task08_bounded_submit::Answer);
    }

    #[test]
    fn task08_bounded_submit_sentinel_stop_is_caught() {
        let caught =
            std::panic::catch_unwind(|| model(&mutants::task08_bounded_submit::SentinelStop));
        assert!(
            caught.is_err(),
            "loom found no interleaving where a submit racing stop is accepted and lost: the model cannot fail"
        );
    }
}

mod task11 {
    use harness::contracts::task11_result_ordering::{ResultOrdering, StreamConfig};
    use harness::contracts::PoolConfig;
    use harness::ledger::Ledger;
    use harness::probe::{Jobs, Probe};
    use std::sync::Arc;

    /// Two workers, a window of two, two numbers: the second can finish first, so the reorder
    /// buffer's every hand-off (a result early, or next) races the other worker. One preemption:
    /// the producer, two workers and the consumer make the space large.
    const CFG: StreamConfig = StreamConfig {
        pool: PoolConfig {
            workers: 2,
            jobs_buffer: 1,
            results_buffer: 1,
        },
        window: 2,
    };
    const INPUT: [i64; 2] = [3, -4];

    /// One execution: every square emitted once, in input order, and never more than the window
    /// out at once.
    fn check(ro: &dyn ResultOrdering) {
        let ledger = Arc::new(Ledger::exact("loom"));
        let mut out = Vec::new();
        let r = ro.ordered_stream(
            CFG,
            Jobs::new(ledger.clone(), INPUT, |n| n.to_string()),
            Probe::new(ledger.clone()),
            &mut |sq| out.push(sq),
        );
        assert_eq!(r, Ok(()), "ordered_stream returns Ok");
        assert_eq!(out, vec![9, 16], "every square once, in input order");
    }

    fn model(ro: &'static dyn ResultOrdering) {
        super::explore(1, move || check(ro));
    }

    #[test]
    fn task11_result_ordering_reference_is_race_free() {
        model(&impls::task11_result_ordering::Answer);
    }

    #[test]
    fn task11_result_ordering_worker_side_reorder_is_caught() {
        let caught =
            std::panic::catch_unwind(|| model(&mutants::task11_result_ordering::WorkerSideReorder));
        assert!(
            caught.is_err(),
            "loom found no interleaving that strands a result in the workers' reorder buffer: the model cannot fail"
        );
    }
}

mod task14 {
    use harness::contracts::task14_shutdown_deadline::{Job, ShutdownDeadline};
    use harness::contracts::PoolConfig;
    use harness::ledger::Ledger;
    use harness::probe::Probe;
    use harness::signal::Signal;
    use std::sync::Arc;

    /// One worker, one queued job that looks at the cancel once: the drain races the deadline,
    /// fired on a thread of its own.
    const CFG: PoolConfig = PoolConfig {
        workers: 1,
        jobs_buffer: 1,
        results_buffer: 1,
    };

    /// One execution: `stop` answers Ok exactly when the job completed, the job ran at most
    /// once and not after `stop` returned, and the metric counts the cancelled run.
    fn check(ts: &dyn ShutdownDeadline) {
        let ledger = Arc::new(Ledger::exact("loom"));
        let pool = ts
            .start(CFG, Probe::new(ledger.clone()))
            .expect("start returns a pool");
        let job = Job::quick(1);
        pool.submit(job.clone())
            .expect("a submit before stop is accepted");
        let deadline = Signal::new();
        let d = deadline.clone();
        let firer = loom::thread::spawn(move || d.fire());
        let r = pool.stop(&deadline);
        let at_return = job.runs();
        firer.join().unwrap();
        let (ran, completed, cancelled) = at_return;
        assert!(ran <= 1, "the job runs at most once: {at_return:?}");
        assert_eq!(
            r.is_ok(),
            completed == 1,
            "stop answers Ok exactly when every accepted job completed: {r:?} with the job (ran, completed, cancelled) {at_return:?}"
        );
        assert_eq!(job.runs(), at_return, "nothing runs after stop returned");
        assert_eq!(
            pool.cancelled_mid_process(),
            Some(cancelled),
            "the metric counts the cancelled runs"
        );
    }

    fn model(ts: &'static dyn ShutdownDeadline) {
        super::explore(2, move || check(ts));
    }

    #[test]
    fn task14_shutdown_deadline_reference_is_race_free() {
        model(&impls::task14_shutdown_deadline::Answer);
    }

    #[test]
    fn task14_shutdown_deadline_in_flight_timeout_flag_is_caught() {
        let caught = std::panic::catch_unwind(|| {
            model(&mutants::task14_shutdown_deadline::IN_FLIGHT_TIMEOUT_FLAG)
        });
        assert!(
            caught.is_err(),
            "loom found no interleaving where the deadline catches a job in flight that then completes: the model cannot fail"
        );
    }
}
