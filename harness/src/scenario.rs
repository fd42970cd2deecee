//! A scenario: one question asked of one task's solution, and the context it runs in.

use crate::checklist::Check;
use crate::contracts::Solution;
use crate::ledger::Ledger;
use crate::logs::{self, LogEvent};
use crate::timing::Deliberate;
use crate::verdict::Outcome;
use serde::{Deserialize, Serialize};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// A task of the course, as reports and test names spell it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Task {
    pub number: u8,
    pub slug: &'static str,
    pub title: &'static str,
}

impl Task {
    /// `task01_squarer`: the name shared by the task's contract, model answer, scenarios and mutants.
    pub fn id(&self) -> String {
        format!("task{:02}_{}", self.number, self.slug)
    }

    /// A scenario of this task.
    pub const fn scenario(
        self,
        name: &'static str,
        checks: &'static [Check],
        about: &'static str,
        body: fn(&'static dyn Solution, &mut Ctx) -> Outcome,
    ) -> Scenario {
        Scenario {
            task: self,
            name,
            checks,
            about,
            body,
            races: false,
        }
    }
}

/// One scenario. `checks` lists the checklist items it decides, the first being the one a hang or
/// a panic is filed under.
#[derive(Clone, Copy)]
pub struct Scenario {
    pub task: Task,
    pub name: &'static str,
    pub checks: &'static [Check],
    /// What the scenario decides, in one sentence, for reports and `--list` readers.
    pub about: &'static str,
    pub body: fn(&'static dyn Solution, &mut Ctx) -> Outcome,
    /// It repeats the pool until a race inside the solution had its chances (perturbed
    /// schedules, paired finishes): seconds where others take milliseconds.
    pub races: bool,
}

impl Scenario {
    /// Marks a scenario that repeats the pool until a race had its chances ([`Scenario::races`]).
    pub const fn races(mut self) -> Self {
        self.races = true;
        self
    }

    /// `task01_squarer::every_square_exactly_once`: the test's name and its replay handle.
    pub fn full_name(&self) -> String {
        format!("{}::{}", self.task.id(), self.name)
    }

    pub fn primary(&self) -> Check {
        self.checks.first().copied().unwrap_or(Check::Requirement)
    }

    /// What a report needs to know of this scenario, as owned data: the deciding process learns
    /// it from a child and never links the scenarios.
    pub fn info(&self) -> ScenarioInfo {
        ScenarioInfo {
            task: self.task.number,
            slug: self.task.slug.to_string(),
            title: self.task.title.to_string(),
            name: self.name.to_string(),
            checks: self.checks.to_vec(),
            about: self.about.to_string(),
            races: self.races,
        }
    }
}

/// A scenario as reports name it: its task, its name, the checklist items it decides.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioInfo {
    pub task: u8,
    pub slug: String,
    pub title: String,
    pub name: String,
    pub checks: Vec<Check>,
    pub about: String,
    /// See [`Scenario::races`].
    #[serde(default)]
    pub races: bool,
}

impl ScenarioInfo {
    /// `task01_squarer`.
    pub fn task_id(&self) -> String {
        format!("task{:02}_{}", self.task, self.slug)
    }

    /// `task01_squarer::every_square_exactly_once`.
    pub fn full_name(&self) -> String {
        format!("{}::{}", self.task_id(), self.name)
    }

    /// The item a hang, a crash or an escaped panic is filed under.
    pub fn primary(&self) -> Check {
        self.checks.first().copied().unwrap_or(Check::Requirement)
    }
}

/// Where a scenario's stages go besides the watchdog: the parent process, so a child that is
/// killed still says what it was doing.
pub(crate) type StageSink = Box<dyn Fn(&str) + Send + Sync>;

/// What the watchdog can read while a scenario runs: its ledgers, the step it is on, and whether
/// the scenario is in one of its own bounded waits.
#[derive(Default)]
pub(crate) struct Watch {
    ledgers: Mutex<Vec<Arc<Ledger>>>,
    stage: Mutex<(String, Option<Instant>)>,
    pub(crate) deliberate: Deliberate,
    pub(crate) sink: Option<StageSink>,
}

impl Watch {
    pub(crate) fn with_sink(sink: Option<StageSink>) -> Self {
        Watch {
            sink,
            ..Watch::default()
        }
    }

    pub fn ledgers(&self) -> Vec<Arc<Ledger>> {
        self.ledgers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn stage(&self) -> (String, Option<Instant>) {
        self.stage.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

/// Everything a scenario body gets besides the solution: its seeded randomness, ledgers the
/// watchdog can see, and the log lines the solution wrote.
///
/// A `Ctx` is the scenario's capability: only the runner makes one, and no solution is ever
/// handed one, so what is reached through it (the watchdog's marks, the heap peak, the
/// scenario's ledgers) is out of a solution's reach.
pub struct Ctx {
    pub seed: u64,
    /// Seeded from the run's seed and the scenario's name, so `--exact` replays the same inputs.
    pub rng: fastrand::Rng,
    watch: Arc<Watch>,
}

impl Ctx {
    pub(crate) fn new(seed: u64, name: &str, watch: Arc<Watch>) -> Self {
        let salt = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
        });
        Ctx {
            seed,
            rng: fastrand::Rng::with_seed(seed ^ salt),
            watch,
        }
    }

    /// A ledger that remembers each job, watched by the watchdog.
    pub fn ledger(&self, label: &str) -> Arc<Ledger> {
        self.register(Ledger::exact(label))
    }

    /// A ledger that only counts, for inputs too large to remember job by job.
    pub fn counting_ledger(&self, label: &str) -> Arc<Ledger> {
        self.register(Ledger::counting(label))
    }

    fn register(&self, ledger: Ledger) -> Arc<Ledger> {
        let ledger = Arc::new(ledger.watched_by(self.watch.deliberate.clone()));
        self.watch
            .ledgers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(ledger.clone());
        ledger
    }

    /// Says what the scenario is doing now; a hang report quotes the last stage.
    pub fn stage(&self, what: impl Into<String>) {
        let what = what.into();
        if let Some(sink) = &self.watch.sink {
            sink(&what);
        }
        let at = Instant::now(); // real time: progress stamp for the watchdog
        *self.watch.stage.lock().unwrap_or_else(|p| p.into_inner()) = (what, Some(at));
    }

    /// The threads that started a job in any of this scenario's ledgers: the pool's workers.
    pub fn workers(&self) -> std::collections::BTreeSet<u64> {
        self.watch
            .ledgers()
            .iter()
            .flat_map(|l| l.workers())
            .collect()
    }

    /// Runs `f` with perturbed schedules (see [`crate::perturb`]): the scenario's thread and every
    /// thread it starts share one CPU and are preempted every few tens of microseconds, the CPU
    /// and the period drawn from the seed.
    pub fn perturbed<R>(&mut self, f: impl FnOnce(&mut Ctx) -> R) -> R {
        let period = std::time::Duration::from_micros(self.rng.u64(100..=200));
        let seed = self.rng.u64(..);
        let watch = self.watch.clone();
        let progress = move || watch.ledgers().iter().map(|l| l.version()).sum::<u64>();
        crate::perturb::run(seed, period, progress, || f(self))
    }

    /// Runs `f` with every thread started meanwhile held at its start until `f` returns or
    /// [`crate::startup::MAX_HOLD`] has passed, let go in the `release` order once the caller
    /// blocks on them (see [`crate::startup`]); also says whether any thread was held.
    pub fn late_starters<R>(
        &mut self,
        release: crate::startup::Release,
        f: impl FnOnce(&mut Ctx) -> R,
    ) -> (R, bool) {
        crate::startup::late_starters(release, || f(self))
    }

    /// Holds every thread started from now on at its start until the hold is released (see
    /// [`crate::startup::ThreadHold`]).
    pub fn hold_new_threads(&self) -> crate::startup::ThreadHold {
        crate::startup::ThreadHold::arm()
    }

    /// Workers leaving their jobs two at a time, `rounds` pairs a seeded offset within `spread`
    /// apart (see [`crate::pairs`]): wrap a probe in them with [`crate::pairs::Pairs::around`].
    pub fn pairs(
        &mut self,
        rounds: usize,
        spread: std::time::Duration,
    ) -> Arc<crate::pairs::Pairs> {
        crate::pairs::Pairs::new(&mut self.rng, rounds, spread)
    }

    /// How many job events (takes, starts, finishes, deliveries) ran under perturbation so far:
    /// on a loaded machine the pool gets less of its CPU and the budget ends sooner, so a race
    /// scenario runs its pool until enough of its work was perturbed.
    pub fn perturbed_events(&self) -> u64 {
        crate::perturb::perturbed_events()
    }

    /// Whether any of this scenario's ledgers saw a job start or finish after its call returned.
    pub(crate) fn work_after_return(&self) -> bool {
        self.watch
            .ledgers()
            .iter()
            .any(|l| !l.snapshot().after_close.is_empty())
    }

    /// Marks a bounded wait of the scenario's own for as long as the guard lives, so the
    /// watchdog does not take it for a stall.
    pub fn deliberately(&self) -> crate::timing::Waiting {
        self.watch.deliberate.begin()
    }

    /// Runs `f` and returns its result with the most heap, in bytes, live during it beyond what
    /// was live when it began (see [`crate::alloc`]); `None` if the binary does not count.
    pub fn heap_peak_growth<R>(&mut self, f: impl FnOnce(&mut Ctx) -> R) -> (R, Option<usize>) {
        let (r, grew) = crate::alloc::peak_growth(|| f(self));
        (r, crate::alloc::installed().then_some(grew))
    }

    /// The log events the solution emitted since the scenario began.
    pub fn logs(&self) -> Vec<LogEvent> {
        logs::captured()
    }
}

/// The task's contract if the solution attempts it, else the scenario stops as not attempted.
pub fn attempted<T: ?Sized>(contract: Option<&T>, task: Task) -> Result<&T, crate::Stop> {
    contract.ok_or_else(|| crate::Stop::NotAttempted(format!("{} is not attempted", task.id())))
}
