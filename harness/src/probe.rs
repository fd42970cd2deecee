//! The harness's side of every job: a lazy source of jobs ([`Jobs`]) and a bracket the solution
//! puts around each job's work ([`Probe::run`]).
//!
//! Both write to a [`Ledger`], so the suite sees how many jobs a pool took, how many ran at once
//! and how many it finished, without trusting the solution's own account. A scenario can also make
//! a job slow, blocking ([`Gate`]) or panicking through a hook that runs inside the bracket.

use crate::ledger::Ledger;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};

/// The jobs a solution must process, handed out one at a time as the solution asks for them.
///
/// Each `next()` is recorded as "taken", so a producer that reads far ahead of its workers shows
/// up as jobs taken but not started.
pub struct Jobs<T> {
    items: Box<dyn Iterator<Item = T> + Send>,
    ledger: Option<Arc<Ledger>>,
    key: fn(&T) -> String,
}

impl<T> Jobs<T> {
    pub fn new(
        ledger: Arc<Ledger>,
        items: impl IntoIterator<Item = T, IntoIter: Send + 'static>,
        key: fn(&T) -> String,
    ) -> Self {
        Jobs {
            items: Box::new(items.into_iter()),
            ledger: Some(ledger),
            key,
        }
    }

    /// Jobs that record nothing: for running a solution outside the suite (the task programs,
    /// benchmarks), where nobody reads a ledger.
    pub fn untracked(items: impl IntoIterator<Item = T, IntoIter: Send + 'static>) -> Self {
        Jobs {
            items: Box::new(items.into_iter()),
            ledger: None,
            key: |_| String::new(),
        }
    }
}

impl<T> Iterator for Jobs<T> {
    type Item = T;
    fn next(&mut self) -> Option<T> {
        let Some(ledger) = &self.ledger else {
            return self.items.next();
        };
        let Some(item) = self.items.next() else {
            ledger.exhaust();
            return None;
        };
        ledger.take(&|| (self.key)(&item));
        crate::perturb::producer_here();
        Some(item)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.items.size_hint()
    }
}

/// How many jobs are left, without taking them: exact where the contract says so (task 6's
/// URLs: what a pool cancelled early never started). Lazy inputs of unknown length (task 4's
/// file) do not offer it; `len()` on them panics.
impl<T> ExactSizeIterator for Jobs<T> {}

/// How a job is named in the ledger and in failure messages.
pub trait JobKey {
    fn job_key(&self) -> String;
}

macro_rules! display_key {
    ($($t:ty),*) => {$(
        impl JobKey for $t {
            fn job_key(&self) -> String {
                self.to_string()
            }
        }
    )*};
}
display_key!(i32, i64, u32, u64, usize, String, &str);

impl JobKey for PathBuf {
    fn job_key(&self) -> String {
        self.display().to_string()
    }
}

impl JobKey for &Path {
    fn job_key(&self) -> String {
        self.display().to_string()
    }
}

type Hook<K> = Arc<dyn Fn(&K) + Send + Sync>;

/// The bracket around one job's work. Cheap to clone: give each worker its own copy.
///
/// ```
/// # use harness::{ledger::Ledger, probe::Probe};
/// # use std::sync::Arc;
/// let probe = Probe::new(Arc::new(Ledger::exact("squares")));
/// let n = 7_i64;
/// let square = probe.run(n, || n * n); // started and finished are recorded around the closure
/// assert_eq!(square, 49);
/// ```
pub struct Probe<K> {
    ledger: Option<Arc<Ledger>>,
    hook: Option<Hook<K>>,
    after: Option<Hook<K>>,
}

impl<K> Clone for Probe<K> {
    fn clone(&self) -> Self {
        Probe {
            ledger: self.ledger.clone(),
            hook: self.hook.clone(),
            after: self.after.clone(),
        }
    }
}

impl<K: JobKey> Probe<K> {
    pub fn new(ledger: Arc<Ledger>) -> Self {
        Probe {
            ledger: Some(ledger),
            hook: None,
            after: None,
        }
    }

    /// A probe that records nothing and runs each job as it is: for running a solution outside
    /// the suite (the task programs, benchmarks), and the baseline a probe's cost is measured
    /// against.
    pub fn noop() -> Self {
        Probe {
            ledger: None,
            hook: None,
            after: None,
        }
    }

    /// Runs `hook` inside the bracket of every job, before the solution's work: a place for the
    /// scenario to block on a [`Gate`], to stall one job, or to panic as a faulty job would.
    /// Hooks add up, each after the ones before: whoever holds a probe can add work to a job
    /// but never take away the scenario's gate.
    pub fn with_hook(mut self, hook: impl Fn(&K) + Send + Sync + 'static) -> Self
    where
        K: 'static,
    {
        self.hook = Some(chain(self.hook.take(), Arc::new(hook)));
        self
    }

    /// Holds every job at `gate` until the scenario opens it.
    pub fn gated(self, gate: &Gate) -> Self
    where
        K: 'static,
    {
        let gate = gate.clone();
        self.with_hook(move |_| gate.wait())
    }

    /// Runs `after` once a job has finished and been recorded: a place to let another job go.
    pub fn with_after(mut self, after: impl Fn(&K) + Send + Sync + 'static) -> Self
    where
        K: 'static,
    {
        self.after = Some(chain(self.after.take(), Arc::new(after)));
        self
    }

    /// Does one job: records its start, runs the scenario's hook and then `work`, records its
    /// finish, and returns what `work` returned. A panic in the hook or the work propagates to
    /// the caller as it would from any job; the job then counts as started but never finished.
    pub fn run<R>(&self, key: K, work: impl FnOnce() -> R) -> R {
        // Read before recording: the key is named inside the ledger's lock.
        let exact = self.ledger.as_ref().is_some_and(|l| l.is_exact());
        let name = |k: &K| if exact { k.job_key() } else { String::new() };
        if let Some(ledger) = &self.ledger {
            ledger.start(&|| name(&key));
        }
        if let Some(hook) = &self.hook {
            hook(&key);
        }
        let out = IN_BRACKET.with(|depth| {
            depth.set(depth.get() + 1);
            let out = work();
            depth.set(depth.get() - 1);
            out
        });
        if let Some(ledger) = &self.ledger {
            ledger.finish(&|| name(&key));
        }
        if let Some(after) = &self.after {
            after(&key);
        }
        out
    }
}

thread_local! {
    /// How deep the calling thread is inside [`Probe::run`]'s work: what a harness-made job
    /// reads to know whether it runs inside its bracket.
    static IN_BRACKET: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Whether the calling thread is inside the work of a [`Probe::run`] (a panicking job leaves it
/// set, which only a job that panics and is caught on the same thread can see).
pub fn in_bracket() -> bool {
    IN_BRACKET.with(|depth| depth.get() > 0)
}

impl<K: JobKey> Probe<K> {
    /// [`Probe::run`] for an async job: records its start, runs the scenario's hook, awaits
    /// `work`, records its finish. A job dropped before it finished (a timeout, a cancellation)
    /// counts as started but never finished, as a panicking one does.
    pub async fn run_async<F: std::future::Future>(&self, key: K, work: F) -> F::Output {
        let exact = self.ledger.as_ref().is_some_and(|l| l.is_exact());
        let name = |k: &K| if exact { k.job_key() } else { String::new() };
        if let Some(ledger) = &self.ledger {
            ledger.start(&|| name(&key));
        }
        if let Some(hook) = &self.hook {
            hook(&key);
        }
        let out = work.await;
        if let Some(ledger) = &self.ledger {
            ledger.finish(&|| name(&key));
        }
        if let Some(after) = &self.after {
            after(&key);
        }
        out
    }
}

/// `first` then `then`, as one hook.
fn chain<K: 'static>(first: Option<Hook<K>>, then: Hook<K>) -> Hook<K> {
    match first {
        None => then,
        Some(first) => Arc::new(move |k| {
            first(k);
            then(k)
        }),
    }
}

/// A door jobs wait at until the scenario opens it: how a scenario holds every worker busy to
/// look at the pool's queues, or holds one job back to reorder completions.
#[derive(Clone, Default)]
pub struct Gate {
    inner: Arc<(Mutex<bool>, Condvar)>,
}

impl Gate {
    pub fn closed() -> Self {
        Gate::default()
    }

    pub fn open(&self) {
        let (open, cv) = &*self.inner;
        *open.lock().unwrap_or_else(|p| p.into_inner()) = true;
        cv.notify_all();
    }

    /// Blocks until the gate is open.
    pub fn wait(&self) {
        let (open, cv) = &*self.inner;
        let mut g = open.lock().unwrap_or_else(|p| p.into_inner());
        while !*g {
            g = cv.wait(g).unwrap_or_else(|p| p.into_inner());
        }
    }
}

impl Gate {
    /// Opens the gate when dropped, so a scenario that fails early never strands its workers.
    pub fn open_on_drop(&self) -> OpenOnDrop {
        OpenOnDrop(self.clone())
    }
}

/// See [`Gate::open_on_drop`].
pub struct OpenOnDrop(Gate);

impl Drop for OpenOnDrop {
    fn drop(&mut self) {
        self.0.open();
    }
}

/// A gate per job, made when its job first asks (or when the scenario lets it go first): how a
/// scenario finishes jobs one at a time in an order of its choosing. Once [`Gates::open_all`]
/// has run, every gate made later is open too, so a job that starts after the end never waits.
pub struct Gates<K> {
    map: Mutex<std::collections::BTreeMap<K, Gate>>,
    all_open: std::sync::atomic::AtomicBool,
}

impl<K: Ord> Default for Gates<K> {
    fn default() -> Self {
        Gates {
            map: Mutex::default(),
            all_open: std::sync::atomic::AtomicBool::new(false),
        }
    }
}

impl<K: Ord + Clone + Send + 'static> Gates<K> {
    /// The gate of `job`, made closed unless every gate has been opened.
    pub fn of(&self, job: &K) -> Gate {
        let mut map = self.map.lock().unwrap_or_else(|p| p.into_inner());
        let gate = map.entry(job.clone()).or_default().clone();
        if self.all_open.load(std::sync::atomic::Ordering::SeqCst) {
            gate.open();
        }
        gate
    }

    /// Opens every gate, those made later included.
    pub fn open_all(&self) {
        let map = self.map.lock().unwrap_or_else(|p| p.into_inner());
        self.all_open
            .store(true, std::sync::atomic::Ordering::SeqCst);
        map.values().for_each(Gate::open);
    }

    /// Opens every gate when dropped, so a failing scenario strands no job.
    pub fn open_on_drop(self: &std::sync::Arc<Self>) -> impl Drop {
        struct OpenAll<K: Ord + Clone + Send + 'static>(std::sync::Arc<Gates<K>>);
        impl<K: Ord + Clone + Send + 'static> Drop for OpenAll<K> {
            fn drop(&mut self) {
                self.0.open_all();
            }
        }
        OpenAll(self.clone())
    }

    /// A hook holding each job at its own gate (see [`Probe::with_hook`]).
    pub fn hook(self: &std::sync::Arc<Self>) -> impl Fn(&K) + Send + Sync + 'static {
        let gates = self.clone();
        move |job| gates.of(job).wait()
    }
}
