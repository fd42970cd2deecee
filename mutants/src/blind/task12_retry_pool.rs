//! Blind mutants of Task 12, Retry-on-Error Pool (see `super`), written from the contract and the
//! course alone, without the scenarios.
//!
//! Every mutant runs the same pool (a producer task, `cfg.pool.workers` worker tasks sharing a
//! bounded jobs channel, a bounded results channel drained by the calling task into the sink,
//! and for the stretch a retry pool fed through an unbounded queue), correct in every respect
//! but one: the [`Defect`] it plants, written where a learner would get it wrong.

use crate::Mutant;
use harness::contracts::task12_retry_pool::{Attempted, JobError, RetryConfig, RetryPool};
use harness::contracts::{LocalFuture, PoolConfig, PoolError, Solution};
use harness::jitter::Jitter;
use harness::net::{HttpClient, HttpError, Page};
use harness::probe::Jobs;
use harness::sink::Sink;
use harness::Check;
use std::collections::{HashMap, HashSet};
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, Mutex};
use tokio::task::{JoinError, JoinHandle, JoinSet};
use tokio::time::Instant;

/// Declares each mutant: its type (with its doc comment), its `Solution` and `RetryPool` impls,
/// and its entry in [`mutants`].
macro_rules! blind_mutants {
    ($(
        $(#[$doc:meta])*
        $ty:ident = $snake:literal, $defect:ident, $check:ident, $bug:literal;
    )*) => {
        $(
            $(#[$doc])*
            pub struct $ty;

            impl Solution for $ty {
                fn name(&self) -> &str {
                    concat!("task12_retry_pool::blind_", $snake)
                }
                fn task12(&self) -> Option<&dyn RetryPool> {
                    Some(self)
                }
            }

            impl RetryPool for $ty {
                fn fetch_all<'a>(
                    &'a self,
                    cfg: RetryConfig,
                    urls: Jobs<String>,
                    client: HttpClient,
                    jitter: Jitter,
                    emit: &'a mut Sink<Attempted>,
                ) -> LocalFuture<'a, Result<(), PoolError>> {
                    Box::pin(fetch_all(Defect::$defect, cfg, urls, client, jitter, emit))
                }
            }
        )*

        /// Every blind mutant of this task, but those dropped at triage.
        pub fn mutants() -> Vec<Mutant> {
            vec![$(
                Mutant {
                    name: concat!("task12_retry_pool::blind_", $snake),
                    bug: $bug,
                    breaks: Check::$check,
                    solution: &$ty,
                },
            )*]
            .into_iter()
            .filter(|m| DROPPED.iter().all(|d| d.name != m.name))
            .collect()
        }
    };
}

blind_mutants! {
    /// Every non-2xx status is retried, 3xx and 4xx included, so a 404 gets `retries + 1` GETs
    /// and is reported as transient. Blame: requirement
    RetriesEveryStatus = "retries_every_status", RetriesEveryStatus, Requirement,
        "I retried every status that was not a 2xx, 404s included.";

    /// Only 502, 503 and 504 count as transient, so a 500 (or any other 5xx) is never retried.
    /// Blame: requirement
    OnlyGatewayErrorsRetried = "only_gateway_errors_retried", OnlyGatewayErrorsRetried, Requirement,
        "I retried only 502, 503 and 504, so a plain 500 was reported as permanent at once.";

    /// A connection that breaks mid-response (`HttpError::Broken`) is taken as permanent; only a
    /// failed connect is retried. Blame: requirement
    BrokenConnectionPermanent = "broken_connection_permanent", BrokenConnectionPermanent, Requirement,
        "I retried only connections that could not be made; one that broke mid-response I reported as permanent.";

    /// A 2xx whose body is not a number is retried as if it were transient. Blame: requirement
    BadBodyRetried = "bad_body_retried", BadBodyRetried, Requirement,
        "I retried a 2xx whose body was not a number, as if the server might answer differently next time.";

    /// Every `HttpError` is retried, a bad URL included, so a bad URL reports `retries + 1`
    /// attempts and waits out every backoff. Blame: requirement
    BadUrlRetried = "bad_url_retried", BadUrlRetried, Requirement,
        "I retried every error the client returned, a bad URL included.";

    /// Only status 200 counts as success, so a 201 or 203 carrying a number is reported as a
    /// permanent failure. Blame: requirement
    Only200Accepted = "only_200_accepted", Only200Accepted, Requirement,
        "I parsed the body only when the status was exactly 200, so a 201 with a number was a permanent failure.";

    /// The body is parsed without trimming, so `"42\n"` is not a number. Blame: requirement
    BodyNotTrimmed = "body_not_trimmed", BodyNotTrimmed, Requirement,
        "I parsed the body as it came, so a number followed by a newline was not a number.";

    /// The body is parsed as an `f64` and cast, so `"4.5"` and `"1e3"` pass as numbers.
    /// Blame: requirement
    BodyParsedAsFloat = "body_parsed_as_float", BodyParsedAsFloat, Requirement,
        "I parsed the body as an f64 and cast it to u64, so 4.5 and 1e3 counted as numbers.";

    /// A transient failure gets `retries` GETs in all, one retry too few. Blame: requirement
    ThreeGetsInAll = "three_gets_in_all", ThreeGetsInAll, Requirement,
        "I read 'retry up to 3 times' as three GETs in all, so a failing URL got one retry too few.";

    /// A transient failure gets `retries + 2` GETs, one retry too many. Blame: requirement
    OneRetryTooMany = "one_retry_too_many", OneRetryTooMany, Requirement,
        "My retry counter ran from 0 to retries inclusive, so a failing URL got one GET too many.";

    /// `attempts` reports the retries made rather than the GETs, one too few (a first-time
    /// success says 0). Blame: requirement
    AttemptsCountRetries = "attempts_count_retries", AttemptsCountRetries, Requirement,
        "I reported how many retries a URL took as its attempts, so a first-time success said 0.";

    /// The backoff grows linearly (`backoff * r`: 100, 200, 300 ms) instead of doubling.
    /// Blame: requirement
    LinearBackoff = "linear_backoff", LinearBackoff, Requirement,
        "My backoff grew by one step per retry, 100, 200, 300 ms, instead of doubling.";

    /// The backoff doubles from the first retry (`backoff * 2^r`: 200, 400, 800 ms).
    /// Blame: requirement
    BackoffDoubledFromStart = "backoff_doubled_from_start", BackoffDoubledFromStart, Requirement,
        "I doubled the backoff before the first retry too, so I waited 200, 400 and 800 ms.";

    /// The jitter comes from the solution's own random generator (up to `jitter.max()`), not
    /// from `jitter.of(url, r)`. Blame: requirement
    OwnRandomJitter = "own_random_jitter", OwnRandomJitter, Requirement,
        "I drew my jitter from my own random generator, up to jitter.max(), instead of asking jitter.of.";

    /// The jitter is asked for with the retry counted from 0 (`jitter.of(url, r - 1)`).
    /// Blame: requirement
    JitterCountedFromZero = "jitter_counted_from_zero", JitterCountedFromZero, Requirement,
        "I counted retries from 0 when I asked for the jitter, so each retry got the previous one's.";

    /// Each backoff is counted from the failed attempt's start, not its end, so a slow failure
    /// eats into its own backoff. Blame: requirement
    WaitFromAttemptStart = "wait_from_attempt_start", WaitFromAttemptStart, Requirement,
        "I set each retry's deadline when the attempt started, so a slow failure ate into its backoff.";

    /// The backoff is waited out with `std::thread::sleep`, on the wall clock, blocking the
    /// runtime's only thread (and every other worker with it). Blame: requirement
    ThreadSleep = "thread_sleep", ThreadSleep, Requirement,
        "I waited out the backoff with std::thread::sleep, which blocked the runtime's only thread.";

    /// A URL the producer has already queued is skipped, so a repeated URL gets one outcome
    /// instead of one per job. Blame: requirement
    RepeatsDeduplicated = "repeats_deduplicated", RepeatsDeduplicated, Requirement,
        "I skipped URLs I had already queued, so a URL listed twice got only one outcome.";

    /// An empty URL list is accepted and answered with `Ok(())` instead of `EmptyInput`.
    /// Blame: requirement
    EmptyInputAccepted = "empty_input_accepted", EmptyInputAccepted, GracefulShutdown,
        "I let an empty URL list through and returned Ok(()) instead of refusing it.";

    /// A worker returns on its first failed URL (a `?` in its loop), dropping that outcome and
    /// leaving the pool a worker short. Blame: errors_handled
    WorkerQuitsOnError = "worker_quits_on_error", WorkerQuitsOnError, ErrorsHandled,
        "My worker returned on its first failed URL, so that outcome was lost and the pool shrank.";

    /// The body's UTF-8 decoding is unwrapped, so a non-UTF-8 body panics and kills its worker,
    /// losing that outcome. Blame: errors_handled
    NonUtf8BodyPanics = "non_utf8_body_panics", NonUtf8BodyPanics, ErrorsHandled,
        "I unwrapped the body's UTF-8 decoding, so a body that was not UTF-8 panicked and killed its worker.";

    /// The pool spawns one worker per CPU instead of `cfg.pool.workers`. Blame: pool_size
    WorkersFromMachine = "workers_from_machine", WorkersFromMachine, PoolSize,
        "I spawned one worker per CPU, as in the file hasher, instead of cfg.pool.workers.";

    /// Zero workers are accepted: nothing takes the jobs and the call returns `Ok(())` with no
    /// outcome. Blame: graceful_shutdown
    ZeroWorkersAccepted = "zero_workers_accepted", ZeroWorkersAccepted, GracefulShutdown,
        "I accepted zero workers, so my pool returned Ok(()) without a single outcome.";

    /// The jobs channel is sized by the worker count instead of `cfg.pool.jobs_buffer`.
    /// Blame: buffer_size
    JobsBufferFromWorkers = "jobs_buffer_from_workers", JobsBufferFromWorkers, BufferSize,
        "I sized my jobs channel by the worker count, the checklist's default, not by jobs_buffer.";

    /// The results channel is unbounded, so finished outcomes pile up while the consumer is
    /// held. Blame: buffer_size
    ResultsUnbounded = "results_unbounded", ResultsUnbounded, BufferSize,
        "I made my results channel unbounded so that no worker would ever wait on the consumer.";

    /// The results channel is sized by `cfg.pool.jobs_buffer` instead of `results_buffer`.
    /// Blame: buffer_size
    ResultsBufferFromJobs = "results_buffer_from_jobs", ResultsBufferFromJobs, BufferSize,
        "I sized my results channel with jobs_buffer, copied from the line above.";

    /// Every URL is collected into a `Vec` up front (to check for an empty list), so the
    /// producer takes every job before any worker is free. Blame: buffer_size
    UrlsCollectedFirst = "urls_collected_first", UrlsCollectedFirst, BufferSize,
        "I collected every URL into a Vec first to check the list was not empty.";

    /// The calling task keeps its own results sender alive, so the results channel never closes
    /// and the call never returns. Blame: close_once
    ResultsSenderKept = "results_sender_kept", ResultsSenderKept, CloseOnce,
        "I cloned my results sender into each worker but never dropped the original, so my results loop never ended.";

    /// Stretch: each retry task holds a sender of the retry queue to re-queue a job that failed
    /// again, so the queue never closes, the retry pool never ends and the call hangs.
    /// Blame: close_once
    RetryQueueNeverClosed = "retry_queue_never_closed", RetryQueueNeverClosed, CloseOnce,
        "My retry tasks re-queued jobs that failed again, so they held the queue open and it never closed.";

    /// A progress-reporting task is spawned and never stopped: it outlives the call.
    /// Blame: no_leaks
    ProgressTickerLeaked = "progress_ticker_leaked", ProgressTickerLeaked, NoLeaks,
        "I spawned a task that logged progress every second and never stopped it.";

    /// The progress-reporting task is aborted on the way out but never awaited, so it has not
    /// ended when the call returns. Blame: all_joined
    ProgressTickerNotAwaited = "progress_ticker_not_awaited", ProgressTickerNotAwaited, NoLeaks,
        "I aborted my progress ticker on the way out but never awaited it.";

    /// The tasks are joined before the results are drained, so once the results channel is
    /// full every worker blocks on its send and the join never returns. Blame: all_joined
    JoinedBeforeDraining = "joined_before_draining", JoinedBeforeDraining, AllJoined,
        "I joined my workers before reading the results, so with more URLs than the results buffer it hung.";

    /// Attempts are counted in a map keyed by URL and shared by every task, so two jobs for the
    /// same URL in flight at once eat each other's retries. Blame: race_free
    AttemptsSharedByUrl = "attempts_shared_by_url", AttemptsSharedByUrl, Requirement,
        "I kept each URL's attempt count in a shared map keyed by URL, so two jobs for the same URL mixed their counts.";

    /// Stretch: `retry_workers` is ignored: the workers keep retrying their own jobs and no
    /// retry pool exists. Blame: stretch
    RetryWorkersIgnored = "retry_workers_ignored", RetryWorkersIgnored, Stretch,
        "I never read retry_workers: my workers kept doing their own retries.";

    /// Stretch: the retry pool gets `cfg.pool.workers` tasks instead of `n`. Blame: stretch
    RetryPoolSizedByWorkers = "retry_pool_sized_by_workers", RetryPoolSizedByWorkers, Stretch,
        "I gave my retry pool as many tasks as the main pool instead of retry_workers.";

    /// Stretch: the retry queue is bounded at `n`, so when every retry task is waiting out a
    /// backoff and the queue is full, workers block and first attempts wait behind backoffs.
    /// Blame: stretch
    RetryQueueBounded = "retry_queue_bounded", RetryQueueBounded, Stretch,
        "I bounded my retry queue at retry_workers, so busy retry tasks held my workers up.";

    /// Stretch: the retry pool runs the whole retry loop from scratch, so a job gets an immediate
    /// GET with no backoff and one GET too many, and its `attempts` forgets the first.
    /// Blame: stretch
    RetryPoolStartsOver = "retry_pool_starts_over", RetryPoolStartsOver, Stretch,
        "I queued just the URL for my retry pool, which ran the whole retry loop again from the first GET.";

    /// Stretch: a job whose first attempt failed transiently is both emitted as a failure and
    /// queued for retry, so it gets two outcomes. Blame: stretch
    FirstFailureEmittedToo = "first_failure_emitted_too", FirstFailureEmittedToo, Stretch,
        "I reported a job's first failure and also queued it for retry, so it got two outcomes.";

    /// Stretch: a retry pool of zero is accepted; the jobs sent to it are lost and the call
    /// returns `Ok(())`. Blame: stretch
    ZeroRetryWorkersAccepted = "zero_retry_workers_accepted", ZeroRetryWorkersAccepted, GracefulShutdown,
        "I accepted a retry pool of zero, so every job that needed a retry vanished.";

    /// Stretch: a retry task starts the first backoff when it picks the job up, not when the
    /// first attempt failed, so a job that waited in the queue waits its backoff again.
    /// Blame: stretch
    RetryWaitFromPickup = "retry_wait_from_pickup", RetryWaitFromPickup, Stretch,
        "My retry tasks slept the backoff after picking a job up, on top of the time it had waited in the queue.";

    /// Stretch: once the last worker ends, the retry pool is aborted (instead of letting its
    /// queue close), dropping the retries still waiting out a backoff. Blame: graceful_shutdown
    RetryPoolAbortedAfterWorkers = "retry_pool_aborted_after_workers", RetryPoolAbortedAfterWorkers, Stretch,
        "Once my last worker finished I shut the retry pool down, dropping the retries still in their backoff.";
}

/// Blind mutants of this task dropped at triage, with the reason.
pub const DROPPED: &[super::Dropped] = &[
    super::Dropped {
        name: "task12_retry_pool::blind_retry_queue_bounded",
        reason: "the contract leaves the retry channel's size to the solution: a bounded one that holds a worker up while every retry task is busy is back-pressure, not a backoff holding it up (an unbounded one would be a buffer without a bound); the writer asked which was meant, and the contract now says",
    },
    super::Dropped {
        name: "task12_retry_pool::blind_retry_wait_from_pickup",
        reason: "a retry task that sleeps the whole backoff once it picks a job up waits at least the backoff from the failure, longer only while every retry task was busy, which the contract now allows for the stretch (a retry pool that sleeps in its tasks is the seed's design); with a free retry task its gaps are exact, as the stretch scenario checks",
    },
];

/// Blind mutants of this task whose checklist item triage changed, with the reason.
pub const RELABELLED: &[super::Relabelled] = &[
    super::Relabelled {
        name: "task12_retry_pool::blind_attempts_shared_by_url",
        was: Check::RaceFree,
        why: "on the harness's one-thread runtime the shared count is no data race: two jobs of one URL that overlap mix their counts on every schedule, and the contract says each has its own attempts, so its outcomes are wrong: `requirement` (`race_free` is decided by the loom model of thread kernels)",
    },
    super::Relabelled {
        name: "task12_retry_pool::blind_empty_input_accepted",
        was: Check::Requirement,
        why: "refusing bad input at once (zero workers, no URLs) is `graceful_shutdown` in every task",
    },
    super::Relabelled {
        name: "task12_retry_pool::blind_zero_retry_workers_accepted",
        was: Check::Stretch,
        why: "refusing a pool of zero is `graceful_shutdown` in every task, the retry pool's too",
    },
    super::Relabelled {
        name: "task12_retry_pool::blind_progress_ticker_not_awaited",
        was: Check::AllJoined,
        why: "an aborted task not awaited is still alive when fetch_all returns: for async pools a task alive at return is `no_leaks` (the contract: every task ended when the call returns); `all_joined` is work that runs after the return",
    },
    super::Relabelled {
        name: "task12_retry_pool::blind_retry_pool_aborted_after_workers",
        was: Check::GracefulShutdown,
        why: "its defect lives only in the stretch's retry pool, and a retry pool that loses retries fails the stretch: the stretch scenario blames what it finds on `stretch`",
    },
];

/// Blind mutants of this task whose catch is measured rather than required.
pub const UNCERTAIN: &[super::Uncertain] = &[];

/// The one thing each mutant gets wrong; each variant names its mutant type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Defect {
    RetriesEveryStatus,
    OnlyGatewayErrorsRetried,
    BrokenConnectionPermanent,
    BadBodyRetried,
    BadUrlRetried,
    Only200Accepted,
    BodyNotTrimmed,
    BodyParsedAsFloat,
    ThreeGetsInAll,
    OneRetryTooMany,
    AttemptsCountRetries,
    LinearBackoff,
    BackoffDoubledFromStart,
    OwnRandomJitter,
    JitterCountedFromZero,
    WaitFromAttemptStart,
    ThreadSleep,
    RepeatsDeduplicated,
    EmptyInputAccepted,
    WorkerQuitsOnError,
    NonUtf8BodyPanics,
    WorkersFromMachine,
    ZeroWorkersAccepted,
    JobsBufferFromWorkers,
    ResultsUnbounded,
    ResultsBufferFromJobs,
    UrlsCollectedFirst,
    ResultsSenderKept,
    RetryQueueNeverClosed,
    ProgressTickerLeaked,
    ProgressTickerNotAwaited,
    JoinedBeforeDraining,
    AttemptsSharedByUrl,
    RetryWorkersIgnored,
    RetryPoolSizedByWorkers,
    RetryQueueBounded,
    RetryPoolStartsOver,
    FirstFailureEmittedToo,
    ZeroRetryWorkersAccepted,
    RetryWaitFromPickup,
    RetryPoolAbortedAfterWorkers,
}

use Defect as D;

// ---------------------------------------------------------------------------------------------
// Channels: bounded or unbounded behind one type, so a defect can swap one for the other.

enum Tx<T> {
    Bounded(mpsc::Sender<T>),
    Unbounded(mpsc::UnboundedSender<T>),
}

impl<T> Clone for Tx<T> {
    fn clone(&self) -> Self {
        match self {
            Tx::Bounded(tx) => Tx::Bounded(tx.clone()),
            Tx::Unbounded(tx) => Tx::Unbounded(tx.clone()),
        }
    }
}

impl<T> Tx<T> {
    /// Sends, waiting for room in a bounded channel; false once the receiver is gone.
    async fn send(&self, item: T) -> bool {
        match self {
            Tx::Bounded(tx) => tx.send(item).await.is_ok(),
            Tx::Unbounded(tx) => tx.send(item).is_ok(),
        }
    }
}

enum Rx<T> {
    Bounded(mpsc::Receiver<T>),
    Unbounded(mpsc::UnboundedReceiver<T>),
}

impl<T> Rx<T> {
    async fn recv(&mut self) -> Option<T> {
        match self {
            Rx::Bounded(rx) => rx.recv().await,
            Rx::Unbounded(rx) => rx.recv().await,
        }
    }
}

/// A channel of `bound` (at least 1), or an unbounded one for `None`.
fn channel<T>(bound: Option<usize>) -> (Tx<T>, Rx<T>) {
    match bound {
        Some(cap) => {
            let (tx, rx) = mpsc::channel(cap);
            (Tx::Bounded(tx), Rx::Bounded(rx))
        }
        None => {
            let (tx, rx) = mpsc::unbounded_channel();
            (Tx::Unbounded(tx), Rx::Unbounded(rx))
        }
    }
}

/// A receiver shared by a pool of tasks: each takes the next item under the lock.
type Shared<T> = Arc<Mutex<Rx<T>>>;

// ---------------------------------------------------------------------------------------------
// One URL's work: an attempt, its verdict, the wait before the next.

/// A URL on its way through the pool: the GETs it has had, and the last one's failure.
struct Job {
    url: String,
    attempts: u32,
    failed_at: Instant,
    last: String,
}

impl Job {
    fn new(url: String) -> Self {
        Job {
            url,
            attempts: 0,
            failed_at: Instant::now(),
            last: String::new(),
        }
    }
}

/// What one GET gave.
enum Try {
    Number(u64),
    Transient(String),
    Permanent(String),
}

/// What every task of one call shares.
struct Pool {
    d: Defect,
    cfg: RetryConfig,
    client: HttpClient,
    jitter: Jitter,
    /// Attempts per URL, shared by every task: only `AttemptsSharedByUrl` keeps count here.
    by_url: std::sync::Mutex<HashMap<String, u32>>,
}

impl Pool {
    /// Retries after the first attempt, at most.
    fn max_retries(&self) -> u32 {
        match self.d {
            D::ThreeGetsInAll => self.cfg.retries.saturating_sub(1),
            D::OneRetryTooMany => self.cfg.retries + 1,
            _ => self.cfg.retries,
        }
    }

    /// The pause before retry `r` (1 for the first): the doubling backoff plus the jitter.
    fn delay(&self, url: &str, r: u32) -> Duration {
        let first = self.cfg.backoff;
        let backoff = match self.d {
            D::LinearBackoff => first * r,
            D::BackoffDoubledFromStart => first * 2u32.saturating_pow(r),
            _ => first * 2u32.saturating_pow(r - 1),
        };
        let jitter = match self.d {
            D::OwnRandomJitter => random_up_to(self.jitter.max()),
            D::JitterCountedFromZero => self.jitter.of(url, r - 1),
            _ => self.jitter.of(url, r),
        };
        backoff + jitter
    }

    /// The number the body holds: decimal, ASCII whitespace trimmed.
    fn parse(&self, body: &[u8]) -> Option<u64> {
        match self.d {
            D::NonUtf8BodyPanics => std::str::from_utf8(body).unwrap().trim_ascii().parse().ok(),
            D::BodyNotTrimmed => std::str::from_utf8(body).ok()?.parse().ok(),
            D::BodyParsedAsFloat => {
                let x: f64 = std::str::from_utf8(body).ok()?.trim_ascii().parse().ok()?;
                (x.is_finite() && x >= 0.0).then_some(x as u64)
            }
            _ => std::str::from_utf8(body).ok()?.trim_ascii().parse().ok(),
        }
    }

    /// Classifies one GET's result.
    fn judge(&self, got: Result<Page, HttpError>) -> Try {
        let d = self.d;
        let page = match got {
            Ok(page) => page,
            Err(e @ HttpError::BadUrl(_)) if d != D::BadUrlRetried => {
                return Try::Permanent(e.to_string())
            }
            Err(e @ HttpError::Broken(_)) if d == D::BrokenConnectionPermanent => {
                return Try::Permanent(e.to_string())
            }
            Err(e) => return Try::Transient(e.to_string()),
        };
        let status = page.status;
        let success = if d == D::Only200Accepted {
            status == 200
        } else {
            (200..300).contains(&status)
        };
        if success {
            return match self.parse(&page.body) {
                Some(n) => Try::Number(n),
                None if d == D::BadBodyRetried => {
                    Try::Transient(format!("status {status}: the body is not a number"))
                }
                None => Try::Permanent(format!("status {status}: the body is not a number")),
            };
        }
        let transient = match d {
            D::RetriesEveryStatus => true,
            D::OnlyGatewayErrorsRetried => matches!(status, 502..=504),
            _ => (500..600).contains(&status),
        };
        if transient {
            Try::Transient(format!("status {status}"))
        } else {
            Try::Permanent(format!("status {status}"))
        }
    }

    /// The job's GET count after one more GET.
    fn count(&self, job: &Job) -> u32 {
        if self.d == D::AttemptsSharedByUrl {
            let mut by_url = self.by_url.lock().unwrap();
            let n = by_url.entry(job.url.clone()).or_insert(0);
            *n += 1;
            *n
        } else {
            job.attempts + 1
        }
    }

    /// The job's outcome, as emitted.
    fn finish(&self, job: &Job, outcome: Result<u64, JobError>) -> Attempted {
        if self.d == D::AttemptsSharedByUrl {
            self.by_url.lock().unwrap().remove(&job.url);
        }
        let attempts = if self.d == D::AttemptsCountRetries {
            job.attempts.saturating_sub(1)
        } else {
            job.attempts
        };
        Attempted {
            url: job.url.clone(),
            outcome,
            attempts,
        }
    }

    /// The outcome of a job out of retries.
    fn give_up(&self, job: Job) -> Attempted {
        let last = job.last.clone();
        self.finish(&job, Err(JobError::Transient(last)))
    }

    /// Whether a job that just failed transiently has a retry left.
    fn can_retry(&self, job: &Job) -> bool {
        job.attempts <= self.max_retries()
    }

    /// One GET: `Some` outcome when it is final, `None` after a transient failure.
    async fn attempt(&self, job: &mut Job) -> Option<Attempted> {
        let started = Instant::now();
        let got = self.client.get(&job.url).await;
        job.attempts = self.count(job);
        match self.judge(got) {
            Try::Number(n) => Some(self.finish(job, Ok(n))),
            Try::Permanent(e) => Some(self.finish(job, Err(JobError::Permanent(e)))),
            Try::Transient(e) => {
                job.last = e;
                job.failed_at = if self.d == D::WaitFromAttemptStart {
                    started
                } else {
                    Instant::now()
                };
                None
            }
        }
    }

    /// Waits out the backoff before the job's next retry, counted from its failure.
    async fn wait_out(&self, job: &Job) {
        let pause = self.delay(&job.url, job.attempts);
        if self.d == D::ThreadSleep {
            std::thread::sleep(pause);
        } else {
            tokio::time::sleep_until(job.failed_at + pause).await;
        }
    }

    /// Runs the job to its outcome: it has had `job.attempts` GETs, the last one failing
    /// transiently (or none yet).
    async fn retry(&self, mut job: Job) -> Attempted {
        loop {
            if job.attempts > 0 {
                if !self.can_retry(&job) {
                    return self.give_up(job);
                }
                self.wait_out(&job).await;
            }
            if let Some(done) = self.attempt(&mut job).await {
                return done;
            }
        }
    }
}

/// A random pause of up to `max`, from a process-wide xorshift generator.
fn random_up_to(max: Duration) -> Duration {
    static STATE: AtomicU64 = AtomicU64::new(0);
    let mut x = STATE.load(Ordering::Relaxed);
    if x == 0 {
        x = std::collections::hash_map::RandomState::new().hash_one(0u8) | 1;
    }
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    STATE.store(x, Ordering::Relaxed);
    let span = u64::try_from(max.as_nanos()).unwrap_or(u64::MAX);
    Duration::from_nanos(x % span.saturating_add(1))
}

// ---------------------------------------------------------------------------------------------
// The tasks.

/// Hands every URL to the workers through the jobs channel.
async fn produce(d: Defect, urls: Box<dyn Iterator<Item = String> + Send>, jobs: Tx<String>) {
    let mut queued = HashSet::new();
    for url in urls {
        if d == D::RepeatsDeduplicated && !queued.insert(url.clone()) {
            continue;
        }
        if !jobs.send(url).await {
            break;
        }
    }
}

/// Takes URLs until the jobs channel closes. Without a retry pool it retries its own jobs; with
/// one it makes first attempts only and queues the transient failures for the retry pool.
async fn worker(
    pool: Arc<Pool>,
    jobs: Shared<String>,
    results: Tx<Attempted>,
    retry_queue: Option<Tx<Job>>,
) {
    loop {
        let next = jobs.lock().await.recv().await;
        let Some(url) = next else { break };
        let mut job = Job::new(url);
        let done = match pool.attempt(&mut job).await {
            Some(done) => done,
            None => match &retry_queue {
                None => pool.retry(job).await,
                Some(queue) if pool.can_retry(&job) => {
                    if pool.d == D::FirstFailureEmittedToo {
                        let first = Attempted {
                            url: job.url.clone(),
                            outcome: Err(JobError::Transient(job.last.clone())),
                            attempts: job.attempts,
                        };
                        if !results.send(first).await {
                            break;
                        }
                    }
                    let job = if pool.d == D::RetryPoolStartsOver {
                        Job::new(job.url)
                    } else {
                        job
                    };
                    let _ = queue.send(job).await;
                    continue;
                }
                Some(_) => pool.give_up(job),
            },
        };
        if pool.d == D::WorkerQuitsOnError {
            if let Err(e) = &done.outcome {
                tracing::warn!(url = %done.url, "giving up: {e}");
                return;
            }
        }
        if !results.send(done).await {
            break;
        }
    }
}

/// The retry pool's task: takes jobs whose first attempt failed transiently, waits out each
/// backoff and makes every retry, until the retry queue closes.
async fn retrier(
    pool: Arc<Pool>,
    queue: Shared<Job>,
    results: Tx<Attempted>,
    requeue: Option<Tx<Job>>,
) {
    loop {
        let next = queue.lock().await.recv().await;
        let Some(mut job) = next else { break };
        if pool.d == D::RetryWaitFromPickup {
            job.failed_at = Instant::now();
        }
        let done = match &requeue {
            None => pool.retry(job).await,
            Some(requeue) => {
                if !pool.can_retry(&job) {
                    pool.give_up(job)
                } else {
                    pool.wait_out(&job).await;
                    match pool.attempt(&mut job).await {
                        Some(done) => done,
                        None => {
                            let _ = requeue.send(job).await;
                            continue;
                        }
                    }
                }
            }
        };
        if !results.send(done).await {
            break;
        }
    }
}

/// Logs how many outcomes were emitted, every second.
async fn report_progress(emitted: Arc<AtomicUsize>) {
    let mut every = tokio::time::interval(Duration::from_secs(1));
    loop {
        every.tick().await;
        tracing::debug!(
            emitted = emitted.load(Ordering::Relaxed),
            "retry pool progress"
        );
    }
}

/// Records a task's end: a panic is kept (the first one) to be returned.
fn joined(end: Result<(), JoinError>, panicked: &mut Option<String>) {
    let Err(e) = end else { return };
    if !e.is_panic() {
        return;
    }
    let payload = e.into_panic();
    let message = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a task panicked".to_owned());
    panicked.get_or_insert(message);
}

async fn join_all(tasks: &mut JoinSet<()>, panicked: &mut Option<String>) {
    while let Some(end) = tasks.join_next().await {
        joined(end, panicked);
    }
}

/// The pool: refusals first, then producer, workers (and retry pool) and the calling task's
/// results loop; returns once every outcome was emitted and every task joined.
async fn fetch_all(
    d: Defect,
    cfg: RetryConfig,
    urls: Jobs<String>,
    client: HttpClient,
    jitter: Jitter,
    emit: &mut Sink<Attempted>,
) -> Result<(), PoolError> {
    if cfg.pool.workers == 0 && d != D::ZeroWorkersAccepted {
        return Err(PoolError::ZeroWorkers);
    }
    let retry_workers = if d == D::RetryWorkersIgnored {
        None
    } else {
        cfg.retry_workers
    };
    if retry_workers == Some(0) && d != D::ZeroRetryWorkersAccepted {
        return Err(PoolError::ZeroWorkers);
    }
    let urls: Box<dyn Iterator<Item = String> + Send> = if d == D::UrlsCollectedFirst {
        let all: Vec<String> = urls.collect();
        if all.is_empty() {
            return Err(PoolError::EmptyInput);
        }
        Box::new(all.into_iter())
    } else {
        let mut urls = urls.peekable();
        if urls.peek().is_none() && d != D::EmptyInputAccepted {
            return Err(PoolError::EmptyInput);
        }
        Box::new(urls)
    };

    let workers = if d == D::WorkersFromMachine {
        PoolConfig::num_cpu()
    } else {
        cfg.pool.workers
    };
    let jobs_buffer = if d == D::JobsBufferFromWorkers {
        cfg.pool.workers
    } else {
        cfg.pool.jobs_buffer
    };
    let results_buffer = match d {
        D::ResultsUnbounded => None,
        D::ResultsBufferFromJobs => Some(cfg.pool.jobs_buffer),
        _ => Some(cfg.pool.results_buffer),
    };

    let pool = Arc::new(Pool {
        d,
        cfg,
        client,
        jitter,
        by_url: std::sync::Mutex::new(HashMap::new()),
    });
    let (jobs_tx, jobs_rx) = channel::<String>(Some(jobs_buffer));
    let (results_tx, mut results_rx) = channel::<Attempted>(results_buffer);
    let producer: JoinHandle<()> = tokio::spawn(produce(d, urls, jobs_tx));

    let mut retriers = JoinSet::new();
    let retry_queue = retry_workers.map(|n| {
        let size = if d == D::RetryPoolSizedByWorkers {
            cfg.pool.workers
        } else {
            n
        };
        let bound = (d == D::RetryQueueBounded).then_some(n);
        let (queue_tx, queue_rx) = channel::<Job>(bound);
        let queue_rx = Arc::new(Mutex::new(queue_rx));
        for _ in 0..size {
            let requeue = (d == D::RetryQueueNeverClosed).then(|| queue_tx.clone());
            retriers.spawn(retrier(
                pool.clone(),
                queue_rx.clone(),
                results_tx.clone(),
                requeue,
            ));
        }
        queue_tx
    });

    let mut pool_tasks = JoinSet::new();
    let jobs_rx = Arc::new(Mutex::new(jobs_rx));
    for _ in 0..workers {
        pool_tasks.spawn(worker(
            pool.clone(),
            jobs_rx.clone(),
            results_tx.clone(),
            retry_queue.clone(),
        ));
    }
    drop(jobs_rx);
    drop(retry_queue);
    if d != D::ResultsSenderKept {
        drop(results_tx);
    }

    let emitted = Arc::new(AtomicUsize::new(0));
    let ticker = matches!(d, D::ProgressTickerLeaked | D::ProgressTickerNotAwaited)
        .then(|| tokio::spawn(report_progress(emitted.clone())));

    let mut panicked = None;
    match d {
        D::JoinedBeforeDraining => {
            join_all(&mut pool_tasks, &mut panicked).await;
            join_all(&mut retriers, &mut panicked).await;
            while let Some(done) = results_rx.recv().await {
                emit.emit(done).await;
                emitted.fetch_add(1, Ordering::Relaxed);
            }
        }
        D::RetryPoolAbortedAfterWorkers => loop {
            tokio::select! {
                next = results_rx.recv() => match next {
                    Some(done) => {
                        emit.emit(done).await;
                        emitted.fetch_add(1, Ordering::Relaxed);
                    }
                    None => break,
                },
                Some(end) = pool_tasks.join_next(), if !pool_tasks.is_empty() => {
                    joined(end, &mut panicked);
                    if pool_tasks.is_empty() {
                        retriers.shutdown().await;
                    }
                }
            }
        },
        _ => {
            while let Some(done) = results_rx.recv().await {
                emit.emit(done).await;
                emitted.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
    joined(producer.await, &mut panicked);
    join_all(&mut pool_tasks, &mut panicked).await;
    join_all(&mut retriers, &mut panicked).await;
    if let Some(ticker) = ticker {
        if d == D::ProgressTickerNotAwaited {
            ticker.abort();
        }
    }
    match panicked {
        Some(message) => Err(PoolError::JobPanicked(message)),
        None => Ok(()),
    }
}
