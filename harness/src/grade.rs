//! Grading one solution from a crate outside the suite: the `grade` binary.
//!
//! `grade` writes a small shim crate that links the solution crate with the scenarios, builds
//! it, and then runs the shim only as a child ([`crate::isolate`]): once to learn the
//! solutions' names and the scenarios, then once per scenario. `grade` itself never links the
//! solution, never calls its code, and alone writes the reports and picks the exit status.
//! The harness names the scenarios crate only in that generated manifest.

use crate::isolate::{Isolate, Limits};
use crate::report::{self, Reports, Run};
use crate::runner::{self, Status, Verdict};
use crate::verdict::Failure;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

/// Exit status: every attempted scenario was seen to pass.
pub const PASS: i32 = 0;
/// Exit status: some scenario failed, crashed, hung or did not run.
pub const FAIL: i32 = 1;
/// Exit status: nothing could run (bad options, unwritable reports, a compile error, no such
/// solution, nothing attempted).
pub const ERROR: i32 = 2;

const USAGE: &str =
    "usage: grade [CRATE_PATH] [--solution NAME] [--only PREFIX] [--out DIR] [--jobs N]
             [--deadline SECS] [--wall SECS] [--cpu SECS] [--memory MIB] [--rss MIB]
             [--threads N] [--output MIB]

  CRATE_PATH      the solution crate (default: the bundled reference, impls)
  --solution      which exported solution, by name() (default: the first)
  --only          only scenarios whose name starts with PREFIX
  --out           where results.json, junit.xml and report.md go (default target/poolcheck/grade)
  --jobs          scenarios run at once, each in its own process (default 2)
  --deadline      the whole grade, in seconds (default 1800); scenarios not started by then fail
Limits per scenario process; the one hit is named in the verdict:
  --wall          wall-clock seconds (default 90)
  --cpu           CPU seconds, RLIMIT_CPU (default 120)
  --memory        address space in MiB, RLIMIT_AS (default 8192)
  --rss           resident memory in MiB, polled (default 2048)
  --threads       threads alive at once, polled (default 512)
  --output        MiB written to stdout and stderr (default 16)";

/// What `grade` was asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    pub path: String,
    pub solution: Option<String>,
    pub only: Option<String>,
    pub out: Option<PathBuf>,
    pub jobs: usize,
    pub deadline: Duration,
    pub limits: Limits,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            path: "impls".into(),
            solution: None,
            only: None,
            out: None,
            jobs: 2,
            deadline: Duration::from_secs(1800),
            limits: Limits::default(),
        }
    }
}

impl Options {
    /// Parses the command line (without the program name). `Err` carries the reason and usage.
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Options, String> {
        let mut o = Options::default();
        let mut args = args.into_iter().peekable();
        if let Some(a) = args.next_if(|a| !a.starts_with("--")) {
            o.path = a;
        }
        while let Some(a) = args.next() {
            let v = args.next().ok_or(format!("{a} needs a value"));
            let num = |v: Result<String, String>| -> Result<u64, String> {
                let v = v?;
                v.parse::<u64>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or(format!("{a} takes a positive whole number, not {v:?}"))
            };
            match a.as_str() {
                "--solution" => o.solution = Some(v?),
                "--only" => o.only = Some(v?),
                "--out" => o.out = Some(PathBuf::from(v?)),
                "--jobs" => o.jobs = num(v)? as usize,
                "--deadline" => o.deadline = Duration::from_secs(num(v)?),
                "--wall" => o.limits.wall = Duration::from_secs(num(v)?),
                "--cpu" => o.limits.cpu = Duration::from_secs(num(v)?),
                "--memory" => o.limits.memory = num(v)? << 20,
                "--rss" => o.limits.rss = num(v)? << 20,
                "--threads" => o.limits.threads = num(v)?,
                "--output" => o.limits.output = num(v)? << 20,
                other => return Err(format!("unknown option {other:?}")),
            }
        }
        Ok(o)
    }
}

/// The repository the harness is part of (the scenarios are beside it).
fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the harness lives inside the repository")
        .to_path_buf()
}

/// The `grade` binary: returns its exit status.
pub fn main() -> i32 {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{USAGE}");
        return PASS;
    }
    let mut opts = match Options::parse(args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("poolcheck: {e}\n{USAGE}");
            return ERROR;
        }
    };
    let out = opts
        .out
        .clone()
        .unwrap_or_else(|| repo().join("target/poolcheck/grade"));
    let out = std::path::absolute(&out).unwrap_or(out);
    opts.out = Some(out.clone());
    // Replace whatever an earlier run left with a report that says this one has begun; a
    // directory that cannot be written is the one error with no report to carry it.
    let begun = Run {
        solution: opts.path.clone(),
        seed: 0,
        verdicts: Vec::new(),
        pending: Some(format!(
            "grading {} has begun: building the crate",
            opts.path
        )),
    };
    if let Err(e) = report::write_all(&out, &begun) {
        eprintln!("poolcheck: cannot write reports to {}: {e}", out.display());
        return ERROR;
    }
    let runs = repo().join("target/poolcheck/runs");
    let private = runs.join(format!("{}-{:x}", std::process::id(), fastrand::u64(..)));
    let code = match build(&opts, &private) {
        Ok(shim) => grade(
            &opts,
            &out,
            Isolate {
                program: shim,
                args: Vec::new(),
                limits: opts.limits,
                // Short, in the system's temp dir: a scenario's paths (a socket's among them,
                // at most 108 bytes) must not depend on how deep the checkout sits.
                scratch: std::env::temp_dir().join(format!(
                    "poolcheck-{}-{:x}",
                    std::process::id(),
                    fastrand::u32(..)
                )),
            },
        ),
        Err(e) => nothing_ran(&out, &e),
    };
    let _ = std::fs::remove_dir_all(&private);
    code
}

/// Writes the reports of a run where nothing could run, and returns [`ERROR`].
pub fn nothing_ran(out: &Path, message: &str) -> i32 {
    eprintln!("poolcheck: {message}");
    let written = std::fs::create_dir_all(out)
        .and_then(|_| {
            report::write_atomic(&out.join("results.json"), &report::compile_error(message))
        })
        .and_then(|_| report::write_atomic(&out.join("junit.xml"), &report::junit_error(message)))
        .and_then(|_| {
            report::write_atomic(
                &out.join("report.md"),
                &format!(
                    "# poolcheck report\n\nNothing could run.\n\n````text\n{}\n````\n",
                    report::cap(&message.replace("````", "'''"), 8000)
                ),
            )
        });
    if let Err(e) = written {
        eprintln!("poolcheck: cannot write reports to {}: {e}", out.display());
    }
    ERROR
}

/// Builds the shim for the crate at `opts.path` and returns a private copy of its binary.
fn build(opts: &Options, private: &Path) -> Result<PathBuf, String> {
    let krate = std::fs::canonicalize(&opts.path)
        .map_err(|e| format!("cannot grade {}: {e}", opts.path))?;
    let package = package_name(&krate)?;
    // One shim per crate, named for it: grades of different crates never share a binary.
    let tag = format!("{:016x}", fnv(krate.to_string_lossy().as_bytes()));
    let name = format!("poolcheck-grade-{tag}");
    let repo = repo();
    let shim = repo.join("target/grade-shim").join(&tag);
    write_shim(&repo, &shim, &name, &krate, &package)
        .map_err(|e| format!("cannot write the grading shim: {e}"))?;
    eprintln!(
        "poolcheck: building {package} ({}) with the scenarios",
        krate.display()
    );
    // The suite's own target directory: the dependencies are already built there.
    let target = repo.join("target");
    let mut child = Command::new(cargo())
        .args(["build", "--message-format", "short", "--manifest-path"])
        .arg(shim.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&target)
        .env("CARGO_TERM_PROGRESS_WHEN", "never")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let mut said = Vec::new();
    for line in BufReader::new(child.stderr.take().expect("piped")).lines() {
        let line = line.unwrap_or_default();
        let t = line.trim_start();
        if [
            "Compiling",
            "Finished",
            "Blocking",
            "Updating",
            "Downloading",
        ]
        .iter()
        .any(|w| t.starts_with(w))
        {
            eprintln!("poolcheck: build: {t}");
        }
        said.push(line);
    }
    let status = child.wait().map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        let errors: Vec<_> = said
            .into_iter()
            .filter(|l| !l.trim_start().starts_with("Compiling"))
            .collect();
        return Err(format!(
            "{package} does not compile with the suite:\n{}",
            errors.join("\n")
        ));
    }
    // A private hard link (or copy): a later build of the same crate cannot swap the binary
    // under this run.
    std::fs::create_dir_all(private).map_err(|e| e.to_string())?;
    let built = target.join("debug").join(&name);
    let mine = private.join("shim");
    std::fs::hard_link(&built, &mine)
        .or_else(|_| std::fs::copy(&built, &mine).map(|_| ()))
        .map_err(|e| format!("cannot copy the grading shim: {e}"))?;
    Ok(mine)
}

/// Runs every selected scenario in children, `opts.jobs` at a time, writing the reports as the
/// verdicts come in.
fn grade(opts: &Options, out: &Path, isolate: Isolate) -> i32 {
    let began = Instant::now(); // real time: grade's overall deadline
    let listing = match isolate.list() {
        Ok(l) => l,
        Err(e) => return nothing_ran(out, &e),
    };
    let index = match &opts.solution {
        Some(want) => listing.solutions.iter().position(|n| n == want),
        None => (!listing.solutions.is_empty()).then_some(0),
    };
    let Some(index) = index else {
        return nothing_ran(
            out,
            &format!(
                "no solution named {:?}; the crate exports: {}",
                opts.solution.clone().unwrap_or_default(),
                listing.solutions.join(", ")
            ),
        );
    };
    let solution = listing.solutions[index].clone();
    let scenarios: Vec<_> = listing
        .scenarios
        .into_iter()
        .filter(|s| {
            opts.only
                .as_ref()
                .is_none_or(|o| s.full_name().starts_with(o.as_str()))
        })
        .collect();
    if scenarios.is_empty() {
        return nothing_ran(out, &format!("no scenario matches --only {:?}", opts.only));
    }
    let seed = runner::seed_from_env();
    let mut template = format!(
        "HARNESS_SEED={{seed}} cargo run -p harness --bin grade -- {}",
        opts.path
    );
    if let Some(s) = &opts.solution {
        template += &format!(" --solution {s}");
    }
    template += " --only {name}";
    let reports = match Reports::begin(out, &runner::run_id(), &solution, seed, scenarios.len()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("poolcheck: cannot write reports to {}: {e}", out.display());
            return ERROR;
        }
    };
    eprintln!(
        "poolcheck: grading {solution} on {} scenarios, {} at a time; limits per scenario: {}",
        scenarios.len(),
        opts.jobs,
        opts.limits.describe()
    );
    let scenarios = Arc::new(scenarios);
    let next = Arc::new(AtomicUsize::new(0));
    let (tx, rx) = mpsc::channel();
    let deadline = began + opts.deadline;
    for _ in 0..opts.jobs.min(scenarios.len()) {
        let (scenarios, next, tx, isolate) =
            (scenarios.clone(), next.clone(), tx.clone(), isolate.clone());
        let template = template.clone();
        std::thread::spawn(move || loop {
            let i = next.fetch_add(1, Ordering::SeqCst);
            let Some(info) = scenarios.get(i) else { break };
            let replay = runner::replay(&template, seed, &info.full_name());
            let left = deadline.saturating_duration_since(Instant::now()); // real time: see above
            let v = if left.is_zero() {
                Verdict::failed(
                    info.clone(),
                    Failure::new(
                        info.primary(),
                        "the scenario runs within grade's overall deadline",
                        "it never started: the deadline passed while earlier scenarios ran",
                    )
                    .hint("scenarios that hang until their limit use the time up: fix those first"),
                    None,
                    replay,
                )
            } else {
                let mut iso = isolate.clone();
                iso.limits.wall = iso.limits.wall.min(left + Duration::from_secs(1));
                iso.verdict(index, info, seed, replay)
            };
            if tx.send((i, v)).is_err() {
                break;
            }
        });
    }
    drop(tx);
    let mut verdicts = Vec::new();
    for (i, v) in rx {
        match v.status {
            Status::Pass => println!("PASS  {}", v.name()),
            Status::NotAttempted => println!("SKIP  {} (not attempted)", v.name()),
            Status::Fail => println!("FAIL  {}\n{}\n", v.name(), indent(&v.message())),
        }
        if let Err(e) = reports.add(i, &v) {
            eprintln!("poolcheck: could not write reports: {e}");
        }
        verdicts.push(v);
    }
    isolate.clean();
    let seen = verdicts.len();
    if let Err(e) = reports.finish(seen == scenarios.len()) {
        eprintln!("poolcheck: could not write reports: {e}");
    }
    let count = |s: Status| verdicts.iter().filter(|v| v.status == s).count();
    let (passed, failed, skipped) = (
        count(Status::Pass),
        count(Status::Fail),
        count(Status::NotAttempted),
    );
    println!("grade: {passed} passed, {failed} failed, {skipped} skipped");
    eprintln!("poolcheck: reports in {}", out.display());
    if seen < scenarios.len() {
        eprintln!(
            "poolcheck: only {seen} of {} scenarios reported",
            scenarios.len()
        );
        FAIL
    } else if failed > 0 {
        FAIL
    } else if passed == 0 {
        nothing_ran(
            out,
            &format!("{solution} attempts none of the selected tasks"),
        )
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

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// FNV-1a: a stable name for a path.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ *b as u64).wrapping_mul(0x100_0000_01b3)
    })
}

/// The name of the package whose manifest is `krate/Cargo.toml`, from `cargo metadata`.
fn package_name(krate: &Path) -> Result<String, String> {
    let manifest = krate.join("Cargo.toml");
    let out = Command::new(cargo())
        .args([
            "metadata",
            "--no-deps",
            "--format-version",
            "1",
            "--manifest-path",
        ])
        .arg(&manifest)
        .output()
        .map_err(|e| format!("cannot run cargo metadata: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{} is not a cargo package:\n{}",
            krate.display(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let meta: serde_json::Value =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("cargo metadata: {e}"))?;
    meta["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["manifest_path"].as_str().map(PathBuf::from) == Some(manifest.clone()))
        .and_then(|p| p["name"].as_str().map(String::from))
        .ok_or_else(|| format!("no package at {}", manifest.display()))
}

fn write_shim(
    repo: &Path,
    shim: &Path,
    name: &str,
    krate: &Path,
    package: &str,
) -> std::io::Result<()> {
    std::fs::create_dir_all(shim.join("src"))?;
    let manifest = format!(
        r#"# Generated by `grade`: links one solution crate with the suite. Do not edit.
[package]
name = "{name}"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
harness = {{ path = {harness:?} }}
scenarios = {{ path = {scenarios:?} }}
solution = {{ path = {krate:?}, package = {package:?} }}

[profile.dev]
opt-level = 1
[profile.dev.package."*"]
opt-level = 2

[workspace]
"#,
        harness = repo.join("harness"),
        scenarios = repo.join("scenarios"),
    );
    report::write_atomic(&shim.join("Cargo.toml"), &manifest)?;
    if !shim.join("Cargo.lock").exists() {
        // The suite's own lock pins the versions it was tested with.
        let lock = std::fs::read_to_string(repo.join("Cargo.lock")).unwrap_or_default();
        report::write_atomic(&shim.join("Cargo.lock"), &lock)?;
    }
    report::write_atomic(
        &shim.join("src/main.rs"),
        "#[global_allocator]\nstatic ALLOC: harness::alloc::Counting = harness::alloc::Counting;\n\n\
         fn main() {\n    harness::grade::shim_main(solution::solutions, scenarios::all)\n}\n",
    )
}

/// The shim's `main`: it only ever serves as a child of `grade`.
pub fn shim_main(
    solutions: fn() -> Vec<&'static dyn crate::contracts::Solution>,
    scenarios: fn() -> Vec<crate::Scenario>,
) -> ! {
    crate::child::serve(solutions, scenarios);
    eprintln!("poolcheck: this is a grading shim; run `cargo run -p harness --bin grade -- CRATE` instead");
    std::process::exit(ERROR)
}
