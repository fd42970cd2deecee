//! Runs scenarios against a solution and turns each into a [`Verdict`]; exposes them to
//! `cargo test` as one test each through libtest-mimic.

use crate::checklist::Check;
use crate::contracts::Solution;
use crate::logs;
use crate::report::{self, Run};
use crate::scenario::{Scenario, Task};
use crate::verdict::{Failure, Stop};
use crate::watchdog::{self, Limits};
use libtest_mimic::{Arguments, Failed, Trial};
use std::sync::{Arc, Mutex};
use std::time::Instant;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Pass,
    Fail,
    NotAttempted,
}

/// One scenario's result, with everything a report or a learner needs.
#[derive(Clone, Debug)]
pub struct Verdict {
    pub task: Task,
    pub scenario: &'static str,
    pub checks: &'static [Check],
    pub about: &'static str,
    pub status: Status,
    pub failure: Option<Failure>,
    /// Why a scenario was not attempted, or the panics seen while it passed or failed.
    pub note: Option<String>,
    /// What the solution logged, one event a line.
    pub logs: Vec<String>,
    pub replay: String,
    pub millis: u128,
}

impl Verdict {
    pub fn name(&self) -> String {
        format!("{}::{}", self.task.id(), self.scenario)
    }

    /// The whole failure as a learner reads it: task, checklist item, expected, observed, hint,
    /// the panics seen, and the one-line replay command.
    pub fn message(&self) -> String {
        let mut m = format!("{} — {}\n{}", self.name(), self.task.title, self.about);
        if let Some(f) = &self.failure {
            m += &format!("\n{f}");
        }
        if let Some(n) = &self.note {
            m += &format!("\nnote:      {n}");
        }
        m += &format!("\nreplay:    {}", self.replay);
        m
    }
}

/// Runs scenarios with one seed; `replay` is the command template a failure prints, with `{seed}`
/// and `{name}` filled in.
#[derive(Clone)]
pub struct Runner {
    pub seed: u64,
    pub limits: Limits,
    pub replay: String,
}

impl Runner {
    /// The seed comes from `HARNESS_SEED` when set, else it is drawn at random; either way it is
    /// printed once, so any run can be replayed.
    pub fn from_env(replay: &str) -> Self {
        let seed = match std::env::var("HARNESS_SEED") {
            Ok(s) => s.trim().parse().unwrap_or_else(|_| {
                eprintln!("poolcheck: HARNESS_SEED={s:?} is not a number; using 0");
                0
            }),
            Err(_) => fastrand::u64(..),
        };
        eprintln!("poolcheck: HARNESS_SEED={seed}");
        Runner {
            seed,
            limits: Limits::default(),
            replay: replay.to_string(),
        }
    }

    pub fn replay_for(&self, name: &str) -> String {
        self.replay
            .replace("{seed}", &self.seed.to_string())
            .replace("{name}", name)
    }

    pub fn run(&self, solution: &'static dyn Solution, scenario: &Scenario) -> Verdict {
        logs::reset();
        let began = Instant::now(); // real time: how long the scenario took, for reports only
        let outcome = watchdog::guard(*scenario, solution, self.seed, self.limits);
        let panics = watchdog::take_panics();
        let (status, failure, mut note) = match outcome {
            Ok(()) => (Status::Pass, None, None),
            Err(Stop::Fail(f)) => (Status::Fail, Some(f), None),
            Err(Stop::NotAttempted(why)) => (Status::NotAttempted, None, Some(why)),
        };
        if !panics.is_empty() && status != Status::NotAttempted {
            note = Some(format!(
                "panics during the scenario: {}",
                panics.join(" | ")
            ));
        }
        Verdict {
            task: scenario.task,
            scenario: scenario.name,
            checks: scenario.checks,
            about: scenario.about,
            status,
            failure,
            note,
            logs: logs::captured().iter().map(|e| e.to_string()).collect(),
            replay: self.replay_for(&scenario.full_name()),
            millis: began.elapsed().as_millis(),
        }
    }

    pub fn run_all(&self, solution: &'static dyn Solution, scenarios: &[Scenario]) -> Vec<Verdict> {
        scenarios.iter().map(|s| self.run(solution, s)).collect()
    }
}

/// The replay command of `cargo test -p harness`.
pub const SUITE_REPLAY: &str =
    "HARNESS_SEED={seed} cargo test -p harness --test suite -- --exact {name}";

/// The main of a libtest-mimic test target: every scenario becomes a test named
/// `taskNN_slug::scenario`, so `--list`, `--exact` and filters work as with any `cargo test`.
///
/// Tests run one at a time whatever `--test-threads` says: the leak and allocation verdicts count
/// process-wide resources, and the log capture is process-wide. When `POOLCHECK_OUT` names a
/// directory, the run's `results.json`, `junit.xml` and `report.md` are written there.
pub fn test_main(solution: &'static dyn Solution, scenarios: Vec<Scenario>, replay: &str) -> ! {
    let mut args = Arguments::from_args();
    args.test_threads = Some(1);
    let runner = Runner::from_env(replay);
    let verdicts = Arc::new(Mutex::new(Vec::new()));
    let trials = scenarios
        .into_iter()
        .map(|sc| {
            let (runner, verdicts) = (runner.clone(), verdicts.clone());
            Trial::test(sc.full_name(), move || {
                let v = runner.run(solution, &sc);
                let result = match v.status {
                    Status::Fail => Err(Failed::from(v.message())),
                    _ => Ok(()),
                };
                verdicts.lock().unwrap_or_else(|p| p.into_inner()).push(v);
                result
            })
        })
        .collect();
    let conclusion = libtest_mimic::run(&args, trials);
    if let Some(dir) = report::out_dir() {
        let mut verdicts = verdicts.lock().unwrap_or_else(|p| p.into_inner()).clone();
        verdicts.sort_by_key(|v| v.task.number);
        let run = Run {
            solution: solution.name().to_string(),
            seed: runner.seed,
            verdicts,
        };
        if let Err(e) = report::write_all(&dir, &run) {
            eprintln!("poolcheck: could not write reports: {e}");
        }
    }
    conclusion.exit()
}
