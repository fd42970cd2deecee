//! A scenario: one question asked of one task's solution, and the context it runs in.

use crate::checklist::Check;
use crate::contracts::Solution;
use crate::ledger::Ledger;
use crate::logs::{self, LogEvent};
use crate::verdict::Outcome;
use serde::Serialize;
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
}

impl Scenario {
    /// `task01_squarer::every_square_exactly_once`: the test's name and its replay handle.
    pub fn full_name(&self) -> String {
        format!("{}::{}", self.task.id(), self.name)
    }

    pub fn primary(&self) -> Check {
        self.checks.first().copied().unwrap_or(Check::Requirement)
    }
}

/// What the watchdog can read while a scenario runs: its ledgers and the step it is on.
#[derive(Default)]
pub struct Watch {
    ledgers: Mutex<Vec<Arc<Ledger>>>,
    stage: Mutex<(String, Option<Instant>)>,
}

impl Watch {
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
pub struct Ctx {
    pub seed: u64,
    /// Seeded from the run's seed and the scenario's name, so `--exact` replays the same inputs.
    pub rng: fastrand::Rng,
    watch: Arc<Watch>,
}

impl Ctx {
    pub fn new(seed: u64, name: &str, watch: Arc<Watch>) -> Self {
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
        let ledger = Arc::new(ledger);
        self.watch
            .ledgers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(ledger.clone());
        ledger
    }

    /// Says what the scenario is doing now; a hang report quotes the last stage.
    pub fn stage(&self, what: impl Into<String>) {
        *self.watch.stage.lock().unwrap_or_else(|p| p.into_inner()) =
            (what.into(), Some(Instant::now())); // real time: progress stamp for the watchdog
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
