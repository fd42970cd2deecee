//! The suite proves it can fail: every mutant must fail a scenario, and its report must name the
//! checklist item it breaks; every scenario must catch at least one mutant; the reference must
//! pass everything. With `POOLCHECK_OUT` set, the mutant → caught-by table is written there as
//! `mutants.md` for REPORT.md; with `POOLCHECK_TIMES` set, every verdict slower than 150 ms is
//! listed, to keep this test fast.

use harness::runner::{Runner, Status, Verdict};
use libtest_mimic::{Arguments, Failed, Trial};
use std::collections::BTreeMap;
use std::sync::OnceLock;

#[global_allocator]
static ALLOC: harness::alloc::Counting = harness::alloc::Counting;

const REPLAY: &str = "HARNESS_SEED={seed} cargo run -p harness --bin grade -- mutants --solution {solution} --only {name}";

fn runner() -> &'static Runner {
    static R: OnceLock<Runner> = OnceLock::new();
    R.get_or_init(|| Runner::from_env(REPLAY))
}

/// A mutant and its verdicts.
type Judged = (mutants::Mutant, Vec<Verdict>);

/// One mutant's verdicts on the scenarios of the task it attempts, computed once, when first
/// asked for: `--exact mutant::NAME` runs only that mutant.
fn verdicts_of(i: usize) -> &'static Judged {
    static V: OnceLock<Vec<OnceLock<Judged>>> = OnceLock::new();
    let all = V.get_or_init(|| mutants::all().iter().map(|_| OnceLock::new()).collect());
    all[i].get_or_init(|| {
        let m = mutants::all()[i];
        let mut r = runner().clone();
        r.replay = r.replay.replace("{solution}", m.name);
        let scenarios: Vec<_> = scenarios::all()
            .into_iter()
            .filter(|s| m.name.starts_with(&s.task.id()))
            .collect();
        (m, r.run_all(m.solution, &scenarios))
    })
}

/// Every mutant's verdicts.
fn verdicts() -> Vec<&'static Judged> {
    (0..mutants::all().len()).map(verdicts_of).collect()
}

fn caught(m: &mutants::Mutant, vs: &[Verdict]) -> Result<(), Failed> {
    let replay = format!(
        "replay: HARNESS_SEED={} cargo test -p harness --test mutants -- --exact mutant::{}",
        runner().seed,
        m.name
    );
    let failed: Vec<_> = vs.iter().filter(|v| v.status == Status::Fail).collect();
    if failed.is_empty() {
        return Err(format!(
            "mutant {} ({}) passed every scenario: the suite cannot see this bug\n{replay}",
            m.name, m.bug
        )
        .into());
    }
    if !failed
        .iter()
        .any(|v| v.failure.as_ref().is_some_and(|f| f.check == m.breaks))
    {
        let named: Vec<_> = failed
            .iter()
            .map(|v| {
                format!(
                    "{} [{}]",
                    v.scenario,
                    v.failure.as_ref().map_or("?", |f| f.check.name())
                )
            })
            .collect();
        return Err(format!(
            "mutant {} breaks {}, but no failure names it; failures: {}\n{replay}",
            m.name,
            m.breaks,
            named.join(", ")
        )
        .into());
    }
    Ok(())
}

fn table(all: &[&Judged]) -> String {
    let mut md =
        String::from("| mutant | the bug | must be blamed on | caught by |\n|---|---|---|---|\n");
    for (m, vs) in all {
        let by: Vec<_> = vs
            .iter()
            .filter_map(|v| {
                v.failure
                    .as_ref()
                    .map(|f| format!("`{}` ({})", v.scenario, f.check))
            })
            .collect();
        md += &format!(
            "| `{}` | {} | {} | {} |\n",
            m.name,
            m.bug,
            m.breaks,
            if by.is_empty() {
                "**nothing**".into()
            } else {
                by.join(", ")
            }
        );
    }
    md
}

fn main() {
    let mut args = Arguments::from_args();
    args.test_threads = Some(1);
    runner(); // prints the seed before any test line
    let mut trials: Vec<Trial> = mutants::all()
        .into_iter()
        .enumerate()
        .map(|(i, m)| {
            Trial::test(format!("mutant::{}", m.name), move || {
                let (m, vs) = verdicts_of(i);
                caught(m, vs)
            })
        })
        .collect();
    trials.push(Trial::test("every_scenario_catches_a_mutant", || {
        let mut catches: BTreeMap<String, usize> = scenarios::all()
            .iter()
            .map(|s| (s.full_name(), 0))
            .collect();
        for (_, vs) in verdicts() {
            for v in vs.iter().filter(|v| v.status == Status::Fail) {
                *catches.entry(v.name()).or_default() += 1;
            }
        }
        let blind: Vec<_> = catches
            .into_iter()
            .filter(|(_, n)| *n == 0)
            .map(|(s, _)| s)
            .collect();
        match blind.is_empty() {
            true => Ok(()),
            false => Err(format!(
                "no mutant fails these scenarios, so they have not shown they can fail: {}",
                blind.join(", ")
            )
            .into()),
        }
    }));
    trials.push(Trial::test("reference_passes_everything", || {
        let mut r = runner().clone();
        r.replay = harness::runner::SUITE_REPLAY.into();
        let bad: Vec<_> = r
            .run_all(&impls::REFERENCE, &scenarios::all())
            .into_iter()
            .filter(|v| v.status != Status::Pass)
            .map(|v| v.message())
            .collect();
        match bad.is_empty() {
            true => Ok(()),
            false => Err(bad.join("\n\n").into()),
        }
    }));
    let conclusion = libtest_mimic::run(&args, trials);
    if std::env::var_os("POOLCHECK_TIMES").is_some() {
        for (m, vs) in verdicts() {
            for v in vs.iter().filter(|v| v.millis > 150) {
                eprintln!("{:>6} ms {} {}", v.millis, m.name, v.scenario);
            }
        }
    }
    if let Some(dir) = harness::report::out_dir() {
        let _ = std::fs::create_dir_all(&dir);
        let _ = std::fs::write(dir.join("mutants.md"), table(&verdicts()));
    }
    conclusion.exit()
}
