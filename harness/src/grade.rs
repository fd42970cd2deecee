//! Grading one solution from a crate outside the suite.
//!
//! The `grade` binary writes a small shim crate that depends on the harness, the scenarios and the
//! solution crate, builds it, and runs it; the shim's `main` is [`shim_main`]. The harness names
//! the scenarios crate only in that generated manifest, never in its own code.

use crate::contracts::Solution;
use crate::report::{self, Run};
use crate::runner::{Runner, Status};
use crate::scenario::Scenario;
use std::path::PathBuf;

/// Exit status: every attempted task passes.
pub const PASS: i32 = 0;
/// Exit status: some scenario failed.
pub const FAIL: i32 = 1;
/// Exit status: nothing could run (no such solution, nothing attempted, a compile error).
pub const ERROR: i32 = 2;

/// Options the `grade` binary passes through to the shim.
#[derive(Debug, Default, Clone)]
pub struct Options {
    pub solution: Option<String>,
    pub only: Option<String>,
    pub out: Option<PathBuf>,
    /// The crate path as the user typed it, for replay commands.
    pub path: String,
}

impl Options {
    /// Parses `--solution NAME`, `--only SCENARIO`, `--out DIR`, `--path P`.
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Options, String> {
        let mut o = Options::default();
        let mut args = args.into_iter();
        while let Some(a) = args.next() {
            let mut value = || args.next().ok_or(format!("{a} needs a value"));
            match a.as_str() {
                "--solution" => o.solution = Some(value()?),
                "--only" => o.only = Some(value()?),
                "--out" => o.out = Some(PathBuf::from(value()?)),
                "--path" => o.path = value()?,
                other => return Err(format!("unknown option {other:?}")),
            }
        }
        Ok(o)
    }

    /// Arguments that select the same solution and scenarios again.
    pub fn to_args(&self) -> Vec<String> {
        let mut v = Vec::new();
        if let Some(s) = &self.solution {
            v.extend(["--solution".to_string(), s.clone()]);
        }
        if let Some(s) = &self.only {
            v.extend(["--only".to_string(), s.clone()]);
        }
        if let Some(s) = &self.out {
            v.extend(["--out".to_string(), s.display().to_string()]);
        }
        v
    }
}

fn write_error(out: &Option<PathBuf>, message: &str) {
    eprintln!("poolcheck: {message}");
    if let Some(dir) = out {
        let _ = std::fs::create_dir_all(dir);
        let _ = std::fs::write(dir.join("results.json"), report::compile_error(message));
        let _ = std::fs::write(dir.join("junit.xml"), report::junit_error(message));
        let _ = std::fs::write(
            dir.join("report.md"),
            format!("# poolcheck report\n\nNothing could run.\n\n```text\n{message}\n```\n"),
        );
    }
}

/// Writes the reports of a run where nothing could run, and returns [`ERROR`].
pub fn nothing_ran(out: &Option<PathBuf>, message: &str) -> i32 {
    write_error(out, message);
    ERROR
}

/// The shim's `main`: picks the solution, runs every scenario (or `--only` those whose name starts
/// with it), prints each verdict, writes the reports and exits 0, 1 or 2.
pub fn shim_main(solutions: Vec<&'static dyn Solution>, scenarios: Vec<Scenario>) -> ! {
    let opts = match Options::parse(std::env::args().skip(1)) {
        Ok(o) => o,
        Err(e) => std::process::exit(nothing_ran(&None, &e)),
    };
    std::process::exit(grade(&opts, solutions, scenarios))
}

fn grade(opts: &Options, solutions: Vec<&'static dyn Solution>, scenarios: Vec<Scenario>) -> i32 {
    let names: Vec<_> = solutions.iter().map(|s| s.name().to_string()).collect();
    let chosen = match &opts.solution {
        Some(want) => solutions.into_iter().find(|s| s.name() == want),
        None => solutions.into_iter().next(),
    };
    let Some(solution) = chosen else {
        return nothing_ran(
            &opts.out,
            &format!(
                "no solution named {:?}; the crate exports: {}",
                opts.solution.clone().unwrap_or_default(),
                names.join(", ")
            ),
        );
    };
    let scenarios: Vec<_> = scenarios
        .into_iter()
        .filter(|s| {
            opts.only
                .as_ref()
                .is_none_or(|o| s.full_name().starts_with(o.as_str()))
        })
        .collect();
    let mut replay = format!(
        "HARNESS_SEED={{seed}} cargo run -p harness --bin grade -- {}",
        opts.path
    );
    if let Some(s) = &opts.solution {
        replay += &format!(" --solution {s}");
    }
    replay += " --only {name}";
    let runner = Runner::from_env(&replay);
    eprintln!(
        "poolcheck: grading {} on {} scenarios",
        solution.name(),
        scenarios.len()
    );
    let mut verdicts = Vec::new();
    for sc in &scenarios {
        let v = runner.run(solution, sc);
        match v.status {
            Status::Pass => println!("PASS  {}", v.name()),
            Status::NotAttempted => println!("SKIP  {} (not attempted)", v.name()),
            Status::Fail => println!("FAIL  {}\n{}\n", v.name(), indent(&v.message())),
        }
        verdicts.push(v);
    }
    let count = |s: Status| verdicts.iter().filter(|v| v.status == s).count();
    let (passed, failed, skipped) = (
        count(Status::Pass),
        count(Status::Fail),
        count(Status::NotAttempted),
    );
    let run = Run {
        solution: solution.name().to_string(),
        seed: runner.seed,
        verdicts,
    };
    if let Some(dir) = &opts.out {
        match report::write_all(dir, &run) {
            Ok(()) => eprintln!("poolcheck: reports in {}", dir.display()),
            Err(e) => eprintln!(
                "poolcheck: could not write reports to {}: {e}",
                dir.display()
            ),
        }
    }
    println!("grade: {passed} passed, {failed} failed, {skipped} skipped");
    if passed + failed == 0 {
        return nothing_ran(
            &opts.out,
            &format!("{} attempts none of the selected tasks", run.solution),
        );
    }
    if failed > 0 {
        FAIL
    } else {
        PASS
    }
}

fn indent(s: &str) -> String {
    s.lines()
        .map(|l| format!("      {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}
