//! Verdicts, and running one scenario in this process: what a child does (see [`crate::child`]),
//! and what the debug mode does for a debugger. The deciding process never calls [`observe`]; it
//! gets [`Observation`]s from children ([`crate::isolate`]).

use crate::contracts::Solution;
use crate::logs;
use crate::scenario::{Scenario, ScenarioInfo, StageSink};
use crate::verdict::{Failure, Stop};
use crate::watchdog::{self, Limits};
use serde::{Deserialize, Serialize};
use std::time::Instant;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Status {
    Pass,
    Fail,
    NotAttempted,
}

/// What a child saw of one scenario, sent to the parent when the scenario ends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Observation {
    pub status: Status,
    pub failure: Option<Failure>,
    /// Why a scenario was not attempted, or the panics seen while it passed or failed.
    pub note: Option<String>,
    /// What the solution logged, one event a line.
    pub logs: Vec<String>,
    pub millis: u64,
    /// Virtual time the scenario's simulated worlds ran, in milliseconds (0: none).
    #[serde(default)]
    pub simulated_ms: u64,
}

/// One scenario's result, with everything a report or a learner needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    pub scenario: ScenarioInfo,
    pub status: Status,
    pub failure: Option<Failure>,
    pub note: Option<String>,
    pub logs: Vec<String>,
    pub replay: String,
    pub millis: u64,
    #[serde(default)]
    pub simulated_ms: u64,
}

impl Verdict {
    pub fn new(scenario: ScenarioInfo, seen: Observation, replay: String) -> Self {
        Verdict {
            scenario,
            status: seen.status,
            failure: seen.failure,
            note: seen.note,
            logs: seen.logs,
            replay,
            millis: seen.millis,
            simulated_ms: seen.simulated_ms,
        }
    }

    /// A failure the parent decided itself: the child crashed, exited, hung or went over a limit.
    pub fn failed(
        scenario: ScenarioInfo,
        failure: Failure,
        note: Option<String>,
        replay: String,
    ) -> Self {
        Verdict {
            scenario,
            status: Status::Fail,
            failure: Some(failure),
            note,
            logs: Vec::new(),
            replay,
            millis: 0,
            simulated_ms: 0,
        }
    }

    pub fn name(&self) -> String {
        self.scenario.full_name()
    }

    /// The whole failure as a learner reads it: task, checklist item, expected, observed, hint,
    /// the panics seen, and the one-line replay command.
    pub fn message(&self) -> String {
        let mut m = format!(
            "{} — {}\n{}",
            self.name(),
            self.scenario.title,
            self.scenario.about
        );
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

/// The run's seed: `HARNESS_SEED` when set, else drawn at random; either way printed once, so any
/// run can be replayed.
pub fn seed_from_env() -> u64 {
    let seed = match std::env::var("HARNESS_SEED") {
        Ok(s) => s.trim().parse().unwrap_or_else(|_| {
            eprintln!("poolcheck: HARNESS_SEED={s:?} is not a number; using 0");
            0
        }),
        Err(_) => fastrand::u64(..),
    };
    eprintln!("poolcheck: HARNESS_SEED={seed}");
    seed
}

/// A replay command template with `{seed}` and `{name}` filled in.
pub fn replay(template: &str, seed: u64, name: &str) -> String {
    template
        .replace("{seed}", &seed.to_string())
        .replace("{name}", name)
}

/// Runs `scenario` against `solution` here, under the watchdog, and says what was seen.
pub(crate) fn observe(
    solution: &'static dyn Solution,
    scenario: &Scenario,
    seed: u64,
    sink: Option<StageSink>,
) -> Observation {
    logs::reset();
    crate::net::sim::take_simulated();
    let began = Instant::now(); // real time: how long the scenario took, for reports only
    let outcome = watchdog::guard(*scenario, solution, seed, Limits::default(), sink);
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
    Observation {
        status,
        failure,
        note,
        logs: logs::captured().iter().map(|e| e.to_string()).collect(),
        millis: began.elapsed().as_millis() as u64,
        simulated_ms: crate::net::sim::take_simulated().as_millis() as u64,
    }
}

/// The replay command of `cargo test -p harness`.
pub const SUITE_REPLAY: &str =
    "HARNESS_SEED={seed} cargo test -p harness --test suite -- --exact {name}";

/// Set to run every scenario in the test binary's own process, for a debugger. The verdicts are
/// then only as trustworthy as the solution: a solution that exits takes the run with it.
pub const IN_PROCESS: &str = "POOLCHECK_IN_PROCESS";

/// Whether `name` is among the tests libtest-mimic will run with these arguments.
pub fn selected(name: &str, args: &libtest_mimic::Arguments) -> bool {
    let hit = |pat: &str| match args.exact {
        true => name == pat,
        false => name.contains(pat),
    };
    args.filter.as_deref().is_none_or(hit) && !args.skip.iter().any(|s| hit(s))
}

/// A run id shared by every process of one run: nextest's, else this process's own.
pub fn run_id() -> String {
    std::env::var("NEXTEST_RUN_ID")
        .unwrap_or_else(|_| format!("{}-{:x}", std::process::id(), fastrand::u64(..)))
}

/// The main of a libtest-mimic test target: every scenario becomes a test named
/// `taskNN_slug::scenario`, so `--list`, `--exact` and filters work as with any `cargo test`,
/// and each runs in a child process of its own (this same binary, started as a child), so a
/// solution that exits, aborts or hangs fails its test and the run goes on. Under
/// [`IN_PROCESS`] the scenarios run here instead, one at a time.
///
/// The first solution `solutions` returns is the one judged. When `POOLCHECK_OUT` names a
/// directory, `results.json`, `junit.xml` and `report.md` are rewritten there as each verdict
/// arrives, from every process of the run (nextest included).
pub fn test_main(
    solutions: fn() -> Vec<&'static dyn Solution>,
    scenarios: fn() -> Vec<Scenario>,
    template: &str,
) -> ! {
    crate::child::serve(solutions, scenarios);
    let mut args = libtest_mimic::Arguments::from_args();
    let in_process = std::env::var_os(IN_PROCESS).is_some();
    if in_process {
        args.test_threads = Some(1);
    }
    let seed = seed_from_env();
    let isolate = crate::isolate::Isolate::for_tests();
    let solution = match in_process {
        true => Ok(solutions()[0].name().to_string()),
        false => isolate
            .list()
            .and_then(|l| l.solutions.first().cloned().ok_or("no solution".into())),
    };
    let solution = solution.unwrap_or_else(|e| {
        eprintln!("poolcheck: {e}");
        std::process::exit(2)
    });
    let all = scenarios();
    let expected = match std::env::var_os("NEXTEST_RUN_ID") {
        Some(_) => all.len(),
        None => all
            .iter()
            .filter(|s| selected(&s.full_name(), &args))
            .count(),
    };
    let reports = crate::report::out_dir().and_then(|dir| {
        crate::report::Reports::begin(&dir, &run_id(), &solution, seed, expected)
            .map_err(|e| eprintln!("poolcheck: cannot write reports to {}: {e}", dir.display()))
            .ok()
    });
    let reports = std::sync::Arc::new(reports);
    let trials = all
        .into_iter()
        .enumerate()
        .map(|(order, sc)| {
            let (isolate, reports) = (isolate.clone(), reports.clone());
            let replay = replay(template, seed, &sc.full_name());
            libtest_mimic::Trial::test(sc.full_name(), move || {
                let v = match in_process {
                    true => {
                        Verdict::new(sc.info(), observe(solutions()[0], &sc, seed, None), replay)
                    }
                    false => isolate.verdict(0, &sc.info(), seed, replay),
                };
                if let Some(r) = &*reports {
                    if let Err(e) = r.add(order, &v) {
                        eprintln!("poolcheck: could not write reports: {e}");
                    }
                }
                match v.status {
                    Status::Fail => Err(v.message().into()),
                    _ => Ok(()),
                }
            })
        })
        .collect();
    let conclusion = libtest_mimic::run(&args, trials);
    if let Some(r) = &*reports {
        let complete = std::env::var_os("NEXTEST_RUN_ID").is_none();
        if let Err(e) = r.finish(complete) {
            eprintln!("poolcheck: could not write reports: {e}");
        }
    }
    isolate.clean();
    conclusion.exit()
}
