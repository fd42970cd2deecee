//! Task 2, File Hasher: what decides whether a solution meets it.
//!
//! Every scenario builds its own tree of seeded random files in a temporary directory and compares
//! what the solution emits with a sequential SHA-256 of the same bytes. Elapsed time comes from a
//! [`ManualClock`] that the result sink moves, so the summary is exact.

use crate::support;
use harness::clock::ManualClock;
use harness::contracts::task02_file_hasher::{FileHash, FileHasher, Summary, TASK};
use harness::contracts::{PoolConfig, PoolError, Solution};
use harness::hold::while_held;
use harness::ledger::Ledger;
use harness::probe::{Gate, Probe};
use harness::scenario::attempted;
use harness::{ensure, ensure_eq, Check, Ctx, Failure, Outcome, Scenario};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tempfile::TempDir;

/// How far the clock moves for each result the solution hands over.
const STEP: Duration = Duration::from_millis(7);
/// Directories of every tree, nested; `empty` stays empty.
const DIRS: [&str; 7] = ["", "a", "a/b", "a/b/c", "d", "d/e", "empty"];

pub fn scenarios() -> Vec<Scenario> {
    vec![
        TASK.scenario("hashes_equal_sequential_sha256", &[Check::Requirement],
            "every regular file of a nested tree is emitted once, with the SHA-256 a sequential hash computes; no directory is emitted or logged",
            hashes_equal_sequential_sha256),
        TASK.scenario("runs_num_cpu_workers", &[Check::PoolSize],
            "with every file held, exactly NumCPU (at least 2) files are hashed at once",
            runs_num_cpu_workers),
        TASK.scenario("unreadable_entries_logged_and_skipped", &[Check::ErrorsHandled],
            "a dangling symlink, a FIFO and a file removed mid-walk are each logged with their path and skipped; every other file is still hashed",
            unreadable_entries_logged_and_skipped),
        TASK.scenario("summary_line_exact", &[Check::Stretch],
            "the summary counts the files and bytes hashed and the clock's time from before the walk to after the last result",
            summary_line_exact),
        TASK.scenario("no_thread_outlives_the_pool", &[Check::NoLeaks, Check::AllJoined],
            "every thread the pool started has exited once it returned", no_thread_outlives_the_pool),
        TASK.scenario("zero_workers_is_refused", &[Check::GracefulShutdown],
            "zero workers gets PoolError::ZeroWorkers at once, nothing emitted", zero_workers_is_refused),
        TASK.scenario("missing_root_is_refused", &[Check::GracefulShutdown],
            "a root that does not exist gets PoolError::MissingPath naming it, nothing emitted", missing_root_is_refused),
        TASK.scenario("empty_directory_is_refused", &[Check::GracefulShutdown],
            "an empty root directory gets PoolError::EmptyInput, nothing emitted", empty_directory_is_refused),
    ]
}

/// The seed's pool: `workers` threads and a jobs channel of 64 paths.
fn cfg(workers: usize) -> PoolConfig {
    PoolConfig {
        workers,
        jobs_buffer: 64,
        results_buffer: workers,
    }
}

/// A temporary tree and every regular file in it, by path relative to the root.
struct Tree {
    dir: TempDir,
    files: BTreeMap<PathBuf, Vec<u8>>,
}

impl Tree {
    fn root(&self) -> &Path {
        self.dir.path()
    }

    /// `path` relative to the root, however the solution spelled the root (as given or canonical).
    fn relative(&self, path: &Path) -> PathBuf {
        let canonical = fs::canonicalize(self.root()).unwrap_or_default();
        path.strip_prefix(self.root())
            .or_else(|_| path.strip_prefix(&canonical))
            .unwrap_or(path)
            .to_path_buf()
    }

    fn write(&mut self, rel: impl AsRef<Path>, bytes: Vec<u8>) {
        let rel = rel.as_ref();
        fs::write(self.root().join(rel), &bytes).expect("the suite can write its temporary tree");
        self.files.insert(rel.to_path_buf(), bytes);
    }
}

/// `n` seeded random files (up to 8 KiB) spread over nested directories, plus an empty file and
/// one of a few hundred KiB, so a hash that stops early shows.
fn tree(ctx: &mut Ctx, n: usize) -> Tree {
    let dir = tempfile::tempdir().expect("the suite can make a temporary directory");
    for d in &DIRS[1..] {
        fs::create_dir_all(dir.path().join(d)).expect("the suite can make directories");
    }
    let mut tree = Tree {
        dir,
        files: BTreeMap::new(),
    };
    tree.write("empty.bin", Vec::new());
    let mut big = vec![0; ctx.rng.usize(200 * 1024..400 * 1024)];
    ctx.rng.fill(&mut big);
    tree.write("a/b/big.bin", big);
    for i in 0..n {
        let d = DIRS[ctx.rng.usize(..DIRS.len() - 1)];
        let mut bytes = vec![0; ctx.rng.usize(1..8 * 1024)];
        ctx.rng.fill(&mut bytes);
        tree.write(Path::new(d).join(format!("f{i:03}.dat")), bytes);
    }
    tree
}

fn hex(h: &[u8; 32]) -> String {
    h.iter().map(|b| format!("{b:02x}")).collect()
}

/// What one call returned and emitted.
struct Run {
    result: Result<Summary, PoolError>,
    out: Vec<FileHash>,
}

/// Runs `hash_tree` on a manual clock that moves [`STEP`] per result; every emit is delivered to
/// the ledger, which closes when the call returns.
fn run(
    fh: &dyn FileHasher,
    cfg: PoolConfig,
    root: &Path,
    ledger: &Arc<Ledger>,
    probe: Probe<PathBuf>,
) -> Run {
    let clock = ManualClock::default();
    let mut out = Vec::new();
    let result = fh.hash_tree(cfg, root, probe, &clock, &mut |h| {
        ledger.deliver(h.path.display());
        clock.advance(STEP);
        out.push(h);
    });
    ledger.close();
    Run { result, out }
}

/// Runs `hash_tree` over `tree` as the seed does (NumCPU workers), no job held or changed.
fn run_seed_pool(fh: &dyn FileHasher, tree: &Tree, ledger: &Arc<Ledger>) -> Run {
    run(
        fh,
        cfg(PoolConfig::num_cpu()),
        tree.root(),
        ledger,
        Probe::new(ledger.clone()),
    )
}

fn returned(check: Check, r: &Result<Summary, PoolError>) -> Result<Summary, Failure> {
    support::returned(check, "hash_tree returns Ok(summary)", r.clone()).map_err(|f| {
        f.hint("a file that cannot be hashed is logged and skipped; it never fails the whole run")
    })
}

/// Every file of `tree` emitted exactly once with its sequential SHA-256, and nothing else.
/// Failures are filed under `check`.
fn compare(tree: &Tree, out: &[FileHash], check: Check) -> Result<(), Failure> {
    let mut got: BTreeMap<PathBuf, Vec<[u8; 32]>> = BTreeMap::new();
    for h in out {
        got.entry(tree.relative(&h.path))
            .or_default()
            .push(h.sha256);
    }
    for (rel, bytes) in &tree.files {
        let want: [u8; 32] = Sha256::digest(bytes).into();
        let seen = got.remove(rel).unwrap_or_default();
        ensure(seen == [want], || {
            let (observed, hint) = match seen.as_slice() {
                [] => (
                    format!("it was never emitted ({} results in all for {} files)", out.len(), tree.files.len()),
                    "every regular file the walk finds must reach a worker and its result the caller: send every path, read results until the channel closes",
                ),
                [h] => (
                    format!("its hash was {}", hex(h)),
                    "hash the whole file: io::copy(&mut file, &mut hasher) reads to the end; a single read or a take() stops early",
                ),
                hs => (
                    format!("it was emitted {} times", hs.len()),
                    "each path goes into the jobs channel once and each result out once",
                ),
            };
            Failure::new(
                check,
                format!(
                    "{} ({} bytes) emitted once with SHA-256 {}",
                    rel.display(),
                    bytes.len(),
                    hex(&want)
                ),
                observed,
            )
            .hint(hint)
        })?;
    }
    if let Some((rel, _)) = got.iter().next() {
        let is_dir = tree.root().join(rel).is_dir();
        return Err(Failure::new(
            check,
            "only the regular files of the tree are emitted",
            format!(
                "{} {} was emitted too ({} unexpected paths in all)",
                if is_dir { "directory" } else { "path" },
                rel.display(),
                got.len()
            ),
        )
        .hint(if is_dir {
            "skip directories: the walk yields them too; check entry.file_type().is_dir()"
        } else {
            "emit only files you hashed, under the path the walk gave you"
        }));
    }
    Ok(())
}

fn problems(ctx: &Ctx) -> Vec<String> {
    ctx.logs()
        .iter()
        .filter(|e| e.is_problem())
        .map(ToString::to_string)
        .collect()
}

fn hashes_equal_sequential_sha256(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let fh = attempted(sol.task02(), TASK)?;
    let tree = tree(ctx, 40);
    let ledger = ctx.ledger("files");
    ctx.stage("waiting for hash_tree to return");
    let run = run_seed_pool(fh, &tree, &ledger);
    returned(Check::Requirement, &run.result)?;
    compare(&tree, &run.out, Check::Requirement)?;
    let logged = problems(ctx);
    ensure(logged.is_empty(), || {
        Failure::new(
            Check::Requirement,
            "a tree of readable files and directories logs no warning: directories are skipped silently",
            format!("{} warnings, first: {}", logged.len(), logged[0]),
        )
        .hint("a directory is not an error: skip it before it becomes a job, and warn only about entries that cannot be hashed")
    })?;
    Ok(())
}

fn runs_num_cpu_workers(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let fh = attempted(sol.task02(), TASK)?;
    // At least 2, so a pool one worker short still has a worker and shows up as too small rather
    // than hanging on a one-core machine.
    let workers = PoolConfig::num_cpu().max(2);
    let tree = tree(ctx, 3 * workers);
    let ledger = ctx.ledger("files");
    let gate = Gate::closed();
    let probe = Probe::new(ledger.clone()).gated(&gate);
    let (held, run) = while_held(ctx, &ledger, &gate, workers as u64, || {
        run(fh, cfg(workers), tree.root(), &ledger, probe)
    });
    returned(Check::PoolSize, &run.result)?;
    ensure_eq(
        Check::PoolSize,
        "files hashed at once with every file held",
        workers as u64,
        held.peak_in_flight,
        "spawn exactly cfg.workers worker threads (runtime.NumCPU() in the seed), each hashing one file at a time",
    )?;
    Ok(())
}

fn unreadable_entries_logged_and_skipped(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let fh = attempted(sol.task02(), TASK)?;
    let tree = tree(ctx, 16); // the bad entries below stay out of `tree.files`
    let root = tree.root().to_path_buf();
    let mut bad: Vec<(String, &str)> = Vec::new();
    // A dangling symlink in every directory but `empty`: the walk lists entries in an order the
    // suite cannot choose, and with one in each, a walk that stops at the first one loses files
    // whatever the order. Made after the good files, so filesystems listing newest first walk
    // them early.
    for (i, d) in DIRS[..DIRS.len() - 1].iter().enumerate() {
        let rel = Path::new(d).join(format!("dangling-{i}.lnk"));
        std::os::unix::fs::symlink(root.join("nowhere"), root.join(&rel))
            .expect("the suite can make a symlink");
        bad.push((rel.display().to_string(), "a dangling symlink"));
    }
    let fifo = std::process::Command::new("mkfifo")
        .arg(root.join("a/pipe.fifo"))
        .status()
        .expect("mkfifo runs");
    assert!(fifo.success(), "mkfifo makes the FIFO");
    bad.push(("a/pipe.fifo".into(), "a FIFO"));
    let mut doomed = vec![0; ctx.rng.usize(1..4096)];
    ctx.rng.fill(&mut doomed);
    fs::write(root.join("d/doomed.txt"), doomed).expect("the suite can write a file");
    bad.push(("d/doomed.txt".into(), "a file removed before it was read"));
    let ledger = ctx.ledger("files");
    let probe = Probe::new(ledger.clone()).with_hook(|p: &PathBuf| {
        if p.file_name().is_some_and(|n| n == "doomed.txt") {
            let _ = fs::remove_file(p); // gone between the walk and the open
        }
    });
    ctx.stage("waiting for hash_tree to return (a FIFO in the tree blocks whoever opens it)");
    let run = run(fh, cfg(PoolConfig::num_cpu()), &root, &ledger, probe);
    returned(Check::ErrorsHandled, &run.result)?;
    for (rel, what) in &bad {
        let emitted = run
            .out
            .iter()
            .find(|h| tree.relative(&h.path) == Path::new(rel));
        ensure(emitted.is_none(), || {
            Failure::new(
                Check::ErrorsHandled,
                format!("{rel} ({what}) is skipped: no result"),
                format!("it was emitted with hash {}", hex(&emitted.expect("found").sha256)),
            )
            .hint("when checking, opening or reading fails, log the error and send no result; don't hash an empty buffer in its place")
        })?;
    }
    compare(&tree, &run.out, Check::ErrorsHandled).map_err(|f| Failure {
        expected: format!("the walk goes on past bad entries: {}", f.expected),
        ..f.hint("one bad entry must not stop the walk or a worker: log it and continue the loop")
    })?;
    let logged = problems(ctx);
    for (rel, what) in &bad {
        ensure(logged.iter().any(|l| l.contains(rel.as_str())), || {
            Failure::new(
                Check::ErrorsHandled,
                format!("{rel} ({what}) is logged at warn or error with its path"),
                match logged.as_slice() {
                    [] => "nothing was logged at warn or error".to_owned(),
                    l => format!("{} warnings, none naming it; first: {}", l.len(), l[0]),
                },
            )
            .hint("tracing::warn!(\"skipping {}: {err}\", path.display()) for every walk error and every file that cannot be hashed; a silent skip hides the problem")
        })?;
    }
    Ok(())
}

fn summary_line_exact(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let fh = attempted(sol.task02(), TASK)?;
    let tree = tree(ctx, 24);
    let ledger = ctx.ledger("files");
    ctx.stage("waiting for hash_tree to return");
    let run = run_seed_pool(fh, &tree, &ledger);
    let got = returned(Check::Stretch, &run.result)?;
    let files = tree.files.len() as u64;
    let want = Summary {
        files,
        bytes: tree.files.values().map(|b| b.len() as u64).sum(),
        elapsed: STEP * files as u32,
    };
    ensure(got == want, || {
        let hint = if got.files != want.files {
            "count one file per result the caller receives"
        } else if got.bytes != want.bytes {
            "add the bytes each file really contained (what io::copy returns), hashed files only"
        } else {
            "read clock.now() once before the walk starts and once after the last result was received, and subtract"
        };
        Failure::new(
            Check::Stretch,
            format!("{want} (the clock moved {STEP:?} per result)"),
            got.to_string(),
        )
        .hint(hint)
    })?;
    Ok(())
}

fn no_thread_outlives_the_pool(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let fh = attempted(sol.task02(), TASK)?;
    let tree = tree(ctx, 20);
    let ledger = ctx.ledger("files");
    support::no_thread_outlives(ctx, "hash_tree", || {
        let run = run_seed_pool(fh, &tree, &ledger);
        returned(Check::NoLeaks, &run.result).map(drop)
    })
}

fn refused(
    sol: &'static dyn Solution,
    ctx: &mut Ctx,
    cfg: PoolConfig,
    root: &Path,
    want: PoolError,
) -> Outcome {
    let fh = attempted(sol.task02(), TASK)?;
    let ledger = ctx.ledger("files");
    ctx.stage(format!("waiting for hash_tree to refuse with {want:?}"));
    let run = run(fh, cfg, root, &ledger, Probe::new(ledger.clone()));
    ensure(
        run.result == Err(want.clone()) && run.out.is_empty(),
        || {
            Failure::new(
            Check::GracefulShutdown,
            format!("Err({want:?}) and no results"),
            format!("{:?} with {} results", run.result, run.out.len()),
        )
        .hint("check the workers and the root before starting any thread, and return the matching PoolError")
        },
    )?;
    Ok(())
}

fn zero_workers_is_refused(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let tree = tree(ctx, 5);
    refused(sol, ctx, cfg(0), tree.root(), PoolError::ZeroWorkers)
}

fn missing_root_is_refused(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let dir = tempfile::tempdir().expect("the suite can make a temporary directory");
    let missing = dir.path().join("no-such-dir");
    refused(
        sol,
        ctx,
        cfg(2),
        &missing,
        PoolError::MissingPath(missing.clone()),
    )
}

fn empty_directory_is_refused(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let dir = tempfile::tempdir().expect("the suite can make a temporary directory");
    refused(sol, ctx, cfg(2), dir.path(), PoolError::EmptyInput)
}
