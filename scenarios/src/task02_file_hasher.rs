//! Task 2, File Hasher: what decides whether a solution meets it.
//!
//! Every scenario builds its own tree of seeded random files in a temporary directory and compares
//! what the solution emits with a sequential SHA-256 of the same bytes. The trees hold every input
//! class the contract names: nested, hidden and empty directories, hidden and empty files, live
//! symlinks to a file and to a directory, and (where errors are the point) dangling symlinks,
//! symlink loops, a FIFO, a socket, files removed when their job starts and jobs that panic.
//! Elapsed time comes from a [`ManualClock`] that the result sink moves, so the summary is exact.

use crate::support;
use harness::clock::ManualClock;
use harness::contracts::task02_file_hasher::{FileHash, FileHasher, Summary, TASK};
use harness::contracts::{PoolConfig, PoolError, Solution};
use harness::hold::{returns_while_held, while_held};
use harness::ledger::{Ledger, Snapshot};
use harness::probe::{Gate, Probe};
use harness::scenario::attempted;
use harness::timing::{GET_GOING, QUIET, WITHIN};
use harness::{ensure, ensure_eq, leak, Check, Ctx, Failure, Outcome, Scenario};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread;
use std::time::Duration;
use tempfile::TempDir;

/// How far the clock moves for each result the solution hands over.
const STEP: Duration = Duration::from_millis(7);
/// Directories of every tree, nested, one hidden; `empty` stays empty.
const DIRS: [&str; 8] = ["", "a", "a/b", "a/b/c", "d", "d/e", ".cache", "empty"];

pub fn scenarios() -> Vec<Scenario> {
    vec![
        TASK.scenario("hashes_equal_sequential_sha256", &[Check::Requirement, Check::Stretch],
            "every regular file of a nested tree (hidden, empty, big, behind a symlink to a file or a directory; the root given as a symlink) is emitted once, named as walked, with the SHA-256 of the bytes it holds when its job starts, hashed inside one probe.run keyed by its path, emitted on the calling thread; nothing is logged; the summary is exact",
            hashes_equal_sequential_sha256),
        TASK.scenario("runs_exactly_the_configured_workers", &[Check::PoolSize],
            "with every file held, exactly cfg.workers files are hashed at once (a worker count that is not the machine's NumCPU)",
            runs_exactly_the_configured_workers),
        TASK.scenario("jobs_channel_holds_jobs_buffer_paths", &[Check::BufferSize],
            "with every worker held, the walk finds jobs_buffer or jobs_buffer + 1 files beyond those being hashed, no more and no fewer",
            jobs_channel_holds_jobs_buffer_paths),
        TASK.scenario("results_channel_holds_at_most_its_buffer", &[Check::BufferSize],
            "with emit held at its first result, results finished but not emitted fill results_buffer plus one per blocked worker, and no more",
            results_channel_holds_at_most_its_buffer),
        TASK.scenario("returns_only_after_the_last_file", &[Check::CloseOnce],
            "with one file held, hash_tree does not return; once it is released, every file is emitted before the call returns and nothing runs after it",
            returns_only_after_the_last_file),
        TASK.scenario("bad_entries_logged_and_skipped", &[Check::ErrorsHandled, Check::Requirement],
            "dangling symlinks, symlink loops, a FIFO, a socket, files removed when their job starts and more jobs that panic than there are workers: each is logged with its path and skipped, every other file is still hashed, and only regular files reach probe.run",
            bad_entries_logged_and_skipped),
        TASK.scenario("summary_line_exact", &[Check::Stretch],
            "on a tree with bad entries and panicking jobs, run as the seed's pool, the summary counts exactly the files and bytes hashed and emitted, and the clock's time from before the walk to after the last result",
            summary_line_exact),
        TASK.scenario("summary_exact_when_workers_finish_together", &[Check::Stretch],
            "workers leave probe.run in pairs a seeded few hundred nanoseconds apart, over runs until 600 pairs met: the summary still counts every file and byte",
            summary_exact_when_workers_finish_together).races(),
        TASK.scenario("no_thread_outlives_the_pool", &[Check::NoLeaks, Check::AllJoined],
            "every thread the pool started has exited once it returned", no_thread_outlives_the_pool),
        TASK.scenario("zero_workers_is_refused", &[Check::GracefulShutdown],
            "zero workers gets PoolError::ZeroWorkers at once, nothing emitted", zero_workers_is_refused),
        TASK.scenario("missing_root_is_refused", &[Check::GracefulShutdown],
            "a root that does not exist gets PoolError::MissingPath naming it, nothing emitted", missing_root_is_refused),
        TASK.scenario("empty_directory_is_refused", &[Check::GracefulShutdown],
            "an empty root directory gets PoolError::EmptyInput, nothing emitted", empty_directory_is_refused),
        TASK.scenario("tree_without_files_is_refused", &[Check::GracefulShutdown],
            "a tree of directories, dangling symlinks, a symlink loop, a FIFO and a socket (no regular file) gets PoolError::EmptyInput, nothing emitted",
            tree_without_files_is_refused),
        TASK.scenario("root_file_is_a_tree_of_one", &[Check::Requirement],
            "a root that is a regular file is hashed as a tree of that one file, named as given",
            root_file_is_a_tree_of_one),
    ]
}

/// The pool most scenarios run: no two of its sizes equal, none equal to the machine's NumCPU or
/// to the seed's jobs buffer of 64, and the buffers at least 2 apart, so using one quantity for
/// another shows (3 workers, 5 results, 8 jobs on a 2-CPU machine).
fn cfg() -> PoolConfig {
    let cpu = PoolConfig::num_cpu();
    let v: Vec<usize> = [3, 5, 8, 11, 14]
        .into_iter()
        .filter(|&n| n != cpu)
        .collect();
    PoolConfig {
        workers: v[0],
        results_buffer: v[1],
        jobs_buffer: v[2],
    }
}

/// The seed's pool: NumCPU workers and a jobs channel of 64 paths (the seed names no results
/// buffer; this one differs from both).
fn seed_cfg() -> PoolConfig {
    let workers = PoolConfig::num_cpu();
    PoolConfig {
        workers,
        jobs_buffer: 64,
        results_buffer: if workers == 7 { 9 } else { 7 },
    }
}

/// A temporary tree, the files in it by the path a walk yields (`root.join(relative)`), and what
/// the scenario does to some of them when their job starts.
struct Tree {
    tmp: TempDir,
    root: PathBuf,
    /// Every regular file the walk finds, with the bytes it holds when its job starts.
    files: BTreeMap<PathBuf, Vec<u8>>,
    /// Files that hold other bytes until their job starts: the path → the file with the real ones.
    staged: BTreeMap<PathBuf, PathBuf>,
    /// Files removed when their job starts: they fail inside the probe.
    doomed: BTreeSet<PathBuf>,
    /// Files whose job panics.
    panics: BTreeSet<PathBuf>,
    /// Entries that are not regular files (never a job), relative to the root, and what they are.
    bad: Vec<(String, &'static str)>,
}

impl Tree {
    fn new() -> Tree {
        let tmp = tempfile::tempdir().expect("the suite can make a temporary directory");
        let root = tmp.path().join("root");
        for d in ["root", "outside", "staging"] {
            fs::create_dir(tmp.path().join(d)).expect("the suite can make directories");
        }
        Tree {
            tmp,
            root,
            files: BTreeMap::new(),
            staged: BTreeMap::new(),
            doomed: BTreeSet::new(),
            panics: BTreeSet::new(),
            bad: Vec::new(),
        }
    }

    /// The same tree, its root given as a symlink to the directory: what the walk yields is
    /// named through the link (`root.join(relative)`, the root as given), never canonicalized.
    fn via_link(mut self) -> Tree {
        let link = self.tmp.path().join("root.lnk");
        symlink(&self.root, &link).expect("the suite can make a symlink");
        self.root = link;
        self
    }

    /// Where symlinks point: beside the root, never inside it.
    fn outside(&self) -> PathBuf {
        self.tmp.path().join("outside")
    }

    fn dirs(&self) {
        for d in &DIRS[1..] {
            fs::create_dir_all(self.root.join(d)).expect("the suite can make directories");
        }
    }

    fn write(&mut self, rel: impl AsRef<Path>, bytes: Vec<u8>) -> PathBuf {
        let path = self.root.join(rel);
        fs::create_dir_all(path.parent().expect("under the root"))
            .expect("the suite can make directories");
        fs::write(&path, &bytes).expect("the suite can write its temporary tree");
        self.files.insert(path.clone(), bytes);
        path
    }

    /// A file that holds a placeholder of another length until its job starts.
    fn write_staged(&mut self, ctx: &mut Ctx, rel: impl AsRef<Path>, bytes: Vec<u8>) {
        let real = self
            .tmp
            .path()
            .join("staging")
            .join(self.staged.len().to_string());
        fs::write(&real, &bytes).expect("the suite can write its temporary tree");
        let mut placeholder = vec![0; bytes.len() % 97 + 1 + ctx.rng.usize(1..64)];
        ctx.rng.fill(&mut placeholder);
        let path = self.write(rel, placeholder);
        self.files.insert(path.clone(), bytes);
        self.staged.insert(path, real);
    }

    fn entry(&mut self, rel: impl AsRef<Path>, what: &'static str) {
        self.bad.push((rel.as_ref().display().to_string(), what));
    }

    /// The ledger of this tree's jobs, told how many there are so a hang with every one done is
    /// told from a stuck job.
    fn ledger(&self, ctx: &Ctx) -> Arc<Ledger> {
        let ledger = ctx.ledger("files");
        ledger.expect(self.files.len() as u64);
        ledger
    }

    /// The files that yield a result.
    fn hashed(&self) -> impl Iterator<Item = (&PathBuf, &Vec<u8>)> {
        self.files
            .iter()
            .filter(|(p, _)| !self.doomed.contains(*p) && !self.panics.contains(*p))
    }

    fn summary(&self) -> Summary {
        let files = self.hashed().count() as u64;
        Summary {
            files,
            bytes: self.hashed().map(|(_, b)| b.len() as u64).sum(),
            elapsed: STEP * files as u32,
        }
    }

    /// The probe for this tree: staged files get their bytes, doomed files go and planted
    /// panics fire, each when its job starts. A doomed file is counted as read at once, since it
    /// can yield no result, so a hang is judged on the results that can still come.
    fn probe(&self, ledger: &Arc<Ledger>) -> Probe<PathBuf> {
        let (doomed, panics) = (self.doomed.clone(), self.panics.clone());
        let l = ledger.clone();
        Probe::new(ledger.clone())
            .with_hook(support::content_on_start(self.staged.clone()))
            .with_hook(move |p: &PathBuf| {
                if doomed.contains(p) {
                    l.deliver(p.display());
                    let _ = fs::remove_file(p); // gone between the walk and the open
                }
                if panics.contains(p) {
                    panic!("a job that panics (planted by the suite)");
                }
            })
    }

    /// Each regular file inside exactly one probe.run, keyed by its path as walked.
    fn check_keys(&self, ledger: &Ledger) -> Result<(), Failure> {
        let keys: Vec<String> = self.files.keys().map(|p| p.display().to_string()).collect();
        ledger.check_keys(
            keys.iter().map(String::as_str),
            "by the file's path as the walk yields it (root.join(relative)); nothing else, not a directory, a FIFO, a socket or a link that leads nowhere",
        )
    }
}

fn random_bytes(ctx: &mut Ctx, len: usize) -> Vec<u8> {
    let mut bytes = vec![0; len];
    ctx.rng.fill(&mut bytes);
    bytes
}

/// `n` seeded random files (up to 8 KiB) spread over nested and hidden directories, a hidden file,
/// an empty file, one of a few hundred KiB (so a hash that stops early shows), a live symlink to a
/// file and one to a directory of two files; with `staged`, every file reached without a link
/// holds other bytes until its job starts.
fn clean_tree(ctx: &mut Ctx, n: usize, staged: bool) -> Tree {
    fill(Tree::new(), ctx, n, staged)
}

/// [`clean_tree`]'s files in `tree`.
fn fill(mut tree: Tree, ctx: &mut Ctx, n: usize, staged: bool) -> Tree {
    tree.dirs();
    let mut plain: Vec<(PathBuf, Vec<u8>)> = vec![
        ("empty.bin".into(), Vec::new()),
        (".profile".into(), random_bytes(ctx, 300)),
    ];
    let big = ctx.rng.usize(200 * 1024..400 * 1024);
    plain.push(("a/b/big.bin".into(), random_bytes(ctx, big)));
    for i in 0..n {
        let d = DIRS[ctx.rng.usize(..DIRS.len() - 1)];
        let len = ctx.rng.usize(1..8 * 1024);
        plain.push((
            Path::new(d).join(format!("f{i:03}.dat")),
            random_bytes(ctx, len),
        ));
    }
    for (rel, bytes) in plain {
        if staged {
            tree.write_staged(ctx, rel, bytes);
        } else {
            tree.write(rel, bytes);
        }
    }
    // Links to what lies outside the tree: hashed only through the link, under the link's path.
    let outside = tree.outside();
    let target = random_bytes(ctx, 1000);
    fs::write(outside.join("target.dat"), &target).expect("the suite can write");
    fs::create_dir_all(outside.join("dir/sub")).expect("the suite can make directories");
    let (x, y) = (random_bytes(ctx, 2000), random_bytes(ctx, 3000));
    fs::write(outside.join("dir/x.dat"), &x).expect("the suite can write");
    fs::write(outside.join("dir/sub/y.dat"), &y).expect("the suite can write");
    symlink(outside.join("target.dat"), tree.root.join("a/file.lnk")).expect("symlink");
    symlink(outside.join("dir"), tree.root.join("d/dir.lnk")).expect("symlink");
    let root = tree.root.clone();
    tree.files.insert(root.join("a/file.lnk"), target);
    tree.files.insert(root.join("d/dir.lnk/x.dat"), x);
    tree.files.insert(root.join("d/dir.lnk/sub/y.dat"), y);
    tree
}

/// Plants every kind of entry that is not a regular file: a dangling symlink in every directory
/// but `empty` (the walk's order is the filesystem's, so a walk that stops at the first one loses
/// files whatever the order), a symlink to itself, one to an ancestor directory (a loop), a FIFO
/// and a socket.
fn plant_bad_entries(tree: &mut Tree) {
    let root = tree.root.clone();
    for (i, d) in DIRS[..DIRS.len() - 1].iter().enumerate() {
        let rel = Path::new(d).join(format!("dangling-{i}.lnk"));
        symlink(root.join("nowhere"), root.join(&rel)).expect("the suite can make a symlink");
        tree.entry(rel, "a dangling symlink");
    }
    symlink("self.lnk", root.join("a/self.lnk")).expect("the suite can make a symlink");
    tree.entry("a/self.lnk", "a symlink to itself");
    symlink(root.join("a"), root.join("a/b/up.lnk")).expect("the suite can make a symlink");
    tree.entry("a/b/up.lnk", "a symlink loop (to an ancestor directory)");
    let fifo = std::process::Command::new("mkfifo")
        .arg(root.join("a/pipe.fifo"))
        .status()
        .expect("mkfifo runs");
    assert!(fifo.success(), "mkfifo makes the FIFO");
    tree.entry("a/pipe.fifo", "a FIFO");
    // A socket's path must fit in 108 bytes, and a tree may sit deep: bind it at a short path,
    // then move it in (the entry stays a socket). A system where neither works plants none.
    let short = std::env::temp_dir().join(format!("poolcheck-{}.sock", std::process::id()));
    let _ = fs::remove_file(&short);
    let bound = std::os::unix::net::UnixListener::bind(&short).is_ok();
    if bound && fs::rename(&short, root.join("d/e/sock")).is_ok() {
        tree.entry("d/e/sock", "a socket");
    }
}

/// [`clean_tree`] with every bad entry, and `workers + 1` files removed when their job starts and
/// as many whose job panics: more than there are workers, so a pool that loses a worker to each
/// shows it.
fn bad_tree(ctx: &mut Ctx, n: usize, workers: usize) -> Tree {
    let mut tree = clean_tree(ctx, n, false);
    plant_bad_entries(&mut tree);
    for i in 0..=workers {
        let d = DIRS[ctx.rng.usize(..DIRS.len() - 1)];
        let len = ctx.rng.usize(1..4096);
        let doomed = tree.write(
            Path::new(d).join(format!("doomed-{i}.txt")),
            random_bytes(ctx, len),
        );
        tree.doomed.insert(doomed);
        let d = DIRS[ctx.rng.usize(..DIRS.len() - 1)];
        let len = ctx.rng.usize(1..4096);
        let panics = tree.write(
            Path::new(d).join(format!("panics-{i}.txt")),
            random_bytes(ctx, len),
        );
        tree.panics.insert(panics);
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
    /// Results emitted on a thread other than the one that called `hash_tree`.
    off_thread: usize,
}

/// Runs `hash_tree` on a manual clock that moves [`STEP`] per result; every emit is delivered to
/// the ledger (which closes when the call returns), and then `on_emit` runs: a place to hold the
/// consumer.
fn run_with(
    fh: &dyn FileHasher,
    cfg: PoolConfig,
    root: &Path,
    ledger: &Ledger,
    probe: Probe<PathBuf>,
    on_emit: impl Fn(),
) -> Run {
    let clock = ManualClock::default();
    let caller = thread::current().id();
    let (mut out, mut off_thread) = (Vec::new(), 0);
    let result = fh.hash_tree(cfg, root, probe, &clock, &mut |h| {
        ledger.deliver(h.path.display());
        if thread::current().id() != caller {
            off_thread += 1;
        }
        clock.advance(STEP);
        out.push(h);
        on_emit();
    });
    ledger.close();
    Run {
        result,
        out,
        off_thread,
    }
}

fn run(
    fh: &dyn FileHasher,
    cfg: PoolConfig,
    root: &Path,
    ledger: &Ledger,
    probe: Probe<PathBuf>,
) -> Run {
    run_with(fh, cfg, root, ledger, probe, || ())
}

fn returned(check: Check, r: &Result<Summary, PoolError>) -> Result<Summary, Failure> {
    support::returned(check, "hash_tree returns Ok(summary)", r.clone()).map_err(|f| {
        f.hint("a file that cannot be hashed is logged and skipped; it never fails the whole run")
    })
}

/// Every file of `tree` that yields a result emitted exactly once, under its path as walked, with
/// its sequential SHA-256; nothing else. Failures are filed under `check`.
fn compare(tree: &Tree, out: &[FileHash], check: Check) -> Result<(), Failure> {
    let mut got: BTreeMap<&Path, Vec<[u8; 32]>> = BTreeMap::new();
    for h in out {
        got.entry(&h.path).or_default().push(h.sha256);
    }
    let rel = |p: &Path| {
        p.strip_prefix(&tree.root)
            .unwrap_or(p)
            .display()
            .to_string()
    };
    for (path, bytes) in tree.hashed() {
        let want: [u8; 32] = Sha256::digest(bytes).into();
        let seen = got.remove(path.as_path()).unwrap_or_default();
        ensure(seen == [want], || {
            let (observed, hint) = match seen.as_slice() {
                [] => (
                    format!("it was never emitted under that path ({} results in all for {} files)", out.len(), tree.hashed().count()),
                    "every regular file the walk finds (through symlinks too) must reach a worker and its result the caller, named as the walk yields it: root.join(relative), the root as given",
                ),
                [h] => (
                    format!("its hash was {}", hex(h)),
                    "hash the whole file, inside probe.run: open and read it there (io::copy(&mut file, &mut hasher) reads to the end), never before",
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
                    rel(path),
                    bytes.len(),
                    hex(&want)
                ),
                observed,
            )
            .hint(hint)
        })?;
    }
    if let Some((path, _)) = got.iter().next() {
        let what = if path.is_dir() {
            "directory"
        } else if tree.doomed.contains(*path) {
            "file removed before it was read"
        } else if tree.panics.contains(*path) {
            "file whose job panicked"
        } else if tree.bad.iter().any(|(r, _)| tree.root.join(r) == *path) {
            "entry that is not a regular file"
        } else {
            "path"
        };
        return Err(Failure::new(
            check,
            "only the regular files of the tree that could be hashed are emitted, each under its path as walked",
            format!(
                "{what} {} was emitted too ({} unexpected paths in all)",
                path.display(),
                got.len()
            ),
        )
        .hint(match what {
            "directory" => "skip directories: the walk yields them too; check entry.file_type().is_dir()",
            "path" => "emit only files you hashed, under the path the walk gave you (root.join(relative), never canonicalized)",
            _ => "when opening or reading fails, or the job panics, log it and send no result; don't hash an empty buffer in its place",
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

/// The summary the tree's results add up to, exactly.
fn summary_exact(tree: &Tree, got: Summary) -> Result<(), Failure> {
    let want = tree.summary();
    ensure(got == want, || {
        let hint = if got.files != want.files {
            "count one file per result the caller receives (not per path found, nor per job started), on the calling thread or with atomic adds"
        } else if got.bytes != want.bytes {
            "add the bytes each file really held when it was hashed (what io::copy returns), hashed files only"
        } else {
            "read clock.now() once before the walk starts and once after the last result was emitted, and subtract"
        };
        Failure::new(
            Check::Stretch,
            format!(
                "{want} (the clock moved {STEP:?} per result; {} entries skipped)",
                tree.files.len() as u64 - want.files + tree.bad.len() as u64
            ),
            got.to_string(),
        )
        .hint(hint)
    })
}

/// The ledger once the held pool has done all it can: settled, and then settled again (a few
/// times at most) until every thread started since `before` is asleep. A walk makes no ledger
/// event, and on a busy machine a thread can wait for a CPU longer than one quiet spell.
fn quiescent(ledger: &Ledger, before: &leak::Baseline) -> Snapshot {
    let mut held = ledger.settle(QUIET, WITHIN);
    for _ in 0..16 {
        if before.all_asleep() {
            break;
        }
        held = ledger.settle(QUIET, WITHIN);
    }
    held
}

fn hashes_equal_sequential_sha256(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let fh = attempted(sol.task02(), TASK)?;
    let tree = fill(Tree::new().via_link(), ctx, 40, true);
    let ledger = tree.ledger(ctx);
    ctx.stage("waiting for hash_tree to return");
    let run = run(fh, cfg(), &tree.root, &ledger, tree.probe(&ledger));
    let summary = returned(Check::Requirement, &run.result)?;
    compare(&tree, &run.out, Check::Requirement)?;
    tree.check_keys(&ledger)?;
    ensure(run.off_thread == 0, || {
        Failure::new(
            Check::Requirement,
            "every result goes to emit on the thread that called hash_tree",
            format!("{} of {} results were emitted on another thread", run.off_thread, run.out.len()),
        )
        .hint("workers send results through the results channel; the calling thread reads it and calls emit")
    })?;
    let logged = problems(ctx);
    ensure(logged.is_empty(), || {
        Failure::new(
            Check::Requirement,
            "a tree of readable files, directories and live symlinks logs no warning: directories are skipped silently, symlinks followed",
            format!("{} warnings, first: {}", logged.len(), logged[0]),
        )
        .hint("a directory is not an error, and a symlink to a file or a directory is followed (WalkDir::follow_links(true)): warn only about entries that cannot be hashed")
    })?;
    summary_exact(&tree, summary)?;
    Ok(())
}

fn runs_exactly_the_configured_workers(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let fh = attempted(sol.task02(), TASK)?;
    let cfg = cfg();
    let tree = clean_tree(ctx, 4 * cfg.workers, false);
    let ledger = tree.ledger(ctx);
    let gate = Gate::closed();
    let probe = tree.probe(&ledger).gated(&gate);
    let (held, run) = while_held(ctx, &ledger, &gate, cfg.workers as u64, || {
        run(fh, cfg, &tree.root, &ledger, probe)
    });
    returned(Check::PoolSize, &run.result)?;
    ensure_eq(
        Check::PoolSize,
        &format!("files hashed at once with every file held ({} CPUs here)", PoolConfig::num_cpu()),
        cfg.workers as u64,
        held.peak_in_flight,
        "spawn exactly cfg.workers worker threads (not NumCPU: the caller chose), each hashing one file at a time",
    )?;
    Ok(())
}

fn jobs_channel_holds_jobs_buffer_paths(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let fh = attempted(sol.task02(), TASK)?;
    let cfg = cfg();
    // One file per directory: the walk reads a directory only when it gets there, so a file
    // removed before then is never found.
    let mut tree = Tree::new();
    for i in 0..40 {
        let len = ctx.rng.usize(1..2048);
        tree.write(format!("d{i:02}/f.dat"), random_bytes(ctx, len));
    }
    let ledger = tree.ledger(ctx);
    let gate = Gate::closed();
    let probe = tree.probe(&ledger).gated(&gate);
    let before = leak::Baseline::now();
    let (held, run) = thread::scope(|s| {
        let _open = gate.open_on_drop();
        let pool = s.spawn(|| run(fh, cfg, &tree.root, &ledger, probe));
        ctx.stage("holding every worker at a gate while the walk fills the jobs channel");
        ledger.wait_for(GET_GOING, |s| s.started >= cfg.workers as u64);
        let held = quiescent(&ledger, &before);
        // Every file no worker has started goes: the paths the walk already found still reach
        // probe.run (and fail there), and the walk finds no more. What starts from now on is
        // what the walk had found ahead of the workers.
        let started: BTreeSet<String> = ledger
            .lives()
            .unwrap_or_default()
            .into_iter()
            .filter(|(_, l)| l.started > 0)
            .map(|(k, _)| k)
            .collect();
        for path in tree.files.keys() {
            if !started.contains(&path.display().to_string()) {
                let _ = fs::remove_file(path);
            }
        }
        gate.open();
        ctx.stage("waiting for hash_tree to return after opening the gate");
        let run = pool.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
        (held, run)
    });
    returned(Check::BufferSize, &run.result)?;
    let found = ledger.snapshot().started;
    let ahead = found.saturating_sub(held.started);
    let (jb, bound) = (cfg.jobs_buffer as u64, cfg.jobs_buffer as u64 + 1);
    ensure(ahead <= bound, || {
        Failure::new(
            Check::BufferSize,
            format!("at most {bound} files found but not started with {} workers held (jobs_buffer {jb} + 1 in the walker's hand)", held.started),
            format!("the walk had found {ahead} files ahead of the held workers ({found} started in all)"),
        )
        .hint("make the jobs channel sync_channel(cfg.jobs_buffer) and send each path as the walk finds it: a bigger or unbounded channel, or a walk collected into a Vec first, runs ahead of the workers")
    })?;
    ensure(ahead >= jb, || {
        Failure::new(
            Check::BufferSize,
            format!("with {} workers held, the jobs channel fills: {jb} or {bound} files found but not started", held.started),
            format!("not deciding: the walk stopped with only {ahead} files found ahead of the held workers, so the channel never held jobs_buffer paths ({found} started in all)"),
        )
        .hint("make the jobs channel sync_channel(cfg.jobs_buffer), not smaller, and don't check a path before probe.run: every path found goes into exactly one probe.run")
    })?;
    Ok(())
}

fn results_channel_holds_at_most_its_buffer(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let fh = attempted(sol.task02(), TASK)?;
    let cfg = cfg();
    let tree = clean_tree(ctx, 40, false);
    let ledger = tree.ledger(ctx);
    let consumer = Gate::closed();
    let before = leak::Baseline::now();
    let (held, run) = thread::scope(|s| {
        let _open = consumer.open_on_drop();
        let pool = s.spawn(|| {
            run_with(fh, cfg, &tree.root, &ledger, tree.probe(&ledger), || {
                consumer.wait() // emit is held at its first result
            })
        });
        ctx.stage("holding emit at its first result until the pool fills up");
        ledger.wait_for(GET_GOING, |s| s.delivered >= 1);
        let held = quiescent(&ledger, &before);
        consumer.open();
        ctx.stage("waiting for hash_tree to return after releasing emit");
        let run = pool.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
        (held, run)
    });
    returned(Check::BufferSize, &run.result)?;
    let (rb, w) = (cfg.results_buffer as u64, cfg.workers as u64);
    let bound = rb + w;
    ensure(held.unread() <= bound, || {
        Failure::new(
            Check::BufferSize,
            format!("at most {bound} results finished but not emitted (results_buffer {rb} + 1 in each of {w} blocked workers' hands)"),
            format!("{} finished, {} emitted: {} waiting", held.finished, held.delivered, held.unread()),
        )
        .hint("make the results channel sync_channel(cfg.results_buffer), so workers block when the caller falls behind")
    })?;
    ensure(held.unread() + held.in_flight >= bound, || {
        Failure::new(
            Check::BufferSize,
            format!("with emit held, the results channel fills: {rb} results waiting in it and each of {w} workers holding one, finished or still in probe.run"),
            format!(
                "not deciding: the pool stopped with {} results waiting and {} files in probe.run, so the channel never held results_buffer results",
                held.unread(),
                held.in_flight
            ),
        )
        .hint("make the results channel sync_channel(cfg.results_buffer), not smaller, with cfg.workers workers sending into it")
    })?;
    Ok(())
}

fn returns_only_after_the_last_file(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let fh = attempted(sol.task02(), TASK)?;
    let tree = clean_tree(ctx, 24, false);
    let keys: Vec<&PathBuf> = tree.files.keys().collect();
    let last = keys[ctx.rng.usize(..keys.len())].clone();
    let ledger = tree.ledger(ctx);
    let gate = Gate::closed();
    let (g, l) = (gate.clone(), last.clone());
    let probe = tree.probe(&ledger).with_hook(move |p| {
        if *p == l {
            g.wait();
        }
    });
    let (early, held, run) = returns_while_held(ctx, &ledger, &gate, || {
        run(fh, cfg(), &tree.root, &ledger, probe)
    });
    let rel = last
        .strip_prefix(&tree.root)
        .unwrap_or(&last)
        .display()
        .to_string();
    ensure(!early, || {
        Failure::new(
            Check::CloseOnce,
            "hash_tree returns (the results stream ends) only after the last file was hashed",
            format!(
                "it returned while {rel} was still being hashed: {} of {} files emitted",
                held.delivered,
                tree.files.len()
            ),
        )
        .hint("don't stop reading results on a guess (the walk is done, the channel looks empty, nothing came for a while): read the results channel until it closes, which happens when the last worker drops its sender")
    })?;
    returned(Check::CloseOnce, &run.result)?;
    support::nothing_after_return(&ledger.settle(QUIET, WITHIN))?;
    ensure_eq(
        Check::CloseOnce,
        "files emitted before hash_tree returned",
        tree.files.len(),
        run.out.len(),
        "every result is read before the call returns",
    )?;
    Ok(())
}

fn bad_entries_logged_and_skipped(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let fh = attempted(sol.task02(), TASK)?;
    let cfg = cfg();
    let tree = bad_tree(ctx, 16, cfg.workers);
    let ledger = tree.ledger(ctx);
    ctx.stage("waiting for hash_tree to return (a FIFO in the tree blocks whoever opens it)");
    let run = run(fh, cfg, &tree.root, &ledger, tree.probe(&ledger));
    returned(Check::ErrorsHandled, &run.result)?;
    compare(&tree, &run.out, Check::ErrorsHandled).map_err(|f| Failure {
        expected: format!("the walk and every worker go on past bad entries and panicking jobs: {}", f.expected),
        ..f.hint("one bad entry must not stop the walk or a worker: log it and continue the loop; catch a job's panic (std::panic::catch_unwind around probe.run) and go on to the next path")
    })?;
    let logged = problems(ctx);
    let rel = |p: &PathBuf| {
        p.strip_prefix(&tree.root)
            .unwrap_or(p)
            .display()
            .to_string()
    };
    let mut must_log: Vec<(String, &str)> = tree.bad.clone();
    must_log.extend(
        tree.doomed
            .iter()
            .map(|p| (rel(p), "a file removed before it was read")),
    );
    must_log.extend(
        tree.panics
            .iter()
            .map(|p| (rel(p), "a file whose job panicked")),
    );
    for (rel, what) in &must_log {
        ensure(logged.iter().any(|l| l.contains(rel.as_str())), || {
            Failure::new(
                Check::ErrorsHandled,
                format!("{rel} ({what}) is logged at warn or error with its path"),
                match logged.as_slice() {
                    [] => "nothing was logged at warn or error".to_owned(),
                    l => format!("{} warnings, none naming it; first: {}", l.len(), l[0]),
                },
            )
            .hint("tracing::warn!(\"skipping {}: {err}\", path.display()) for every walk error, every entry that is not a regular file, every file that cannot be read and every job that panics; a silent skip hides the problem")
        })?;
    }
    tree.check_keys(&ledger)?;
    Ok(())
}

fn summary_line_exact(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let fh = attempted(sol.task02(), TASK)?;
    let cfg = seed_cfg();
    let tree = bad_tree(ctx, 24, cfg.workers);
    let ledger = tree.ledger(ctx);
    ctx.stage("waiting for hash_tree to return");
    let run = run(fh, cfg, &tree.root, &ledger, tree.probe(&ledger));
    let got = returned(Check::Stretch, &run.result)?;
    summary_exact(&tree, got)?;
    Ok(())
}

fn summary_exact_when_workers_finish_together(
    sol: &'static dyn Solution,
    ctx: &mut Ctx,
) -> Outcome {
    let fh = attempted(sol.task02(), TASK)?;
    // Two workers, one per CPU here, so a pair really runs at once.
    let cfg = PoolConfig {
        workers: 2,
        jobs_buffer: 6,
        results_buffer: 4,
    };
    const FILES: usize = 600;
    // Pairs that must meet, over up to RUNS runs of the pool on the same tree. About one met
    // pair in thirty loses an update in a counter raced this way (measured here: 3 to 4.5%,
    // quiet or beside four CPU hogs), so 600 pairs leave a lost update some twenty chances. One
    // run meets 200 to 280 pairs on a quiet machine, a hundred beside four hogs; a machine too
    // busy to meet 600 in RUNS runs decides nothing.
    const MEET: u64 = 600;
    const RUNS: usize = 24;
    // Nothing lies between leaving the job and the counter but a return: a cache-line
    // transfer's offset either way is what collides.
    const SPREAD: Duration = Duration::from_nanos(400);
    let mut tree = Tree::new();
    for i in 0..FILES {
        let len = ctx.rng.usize(1..200);
        tree.write(format!("{:02}/f{i:03}.dat", i % 20), random_bytes(ctx, len));
    }
    let mut met = 0;
    for run_no in 0..RUNS {
        let ledger = tree.ledger(ctx);
        let pairs = ctx.pairs(FILES / 2, SPREAD);
        let probe = pairs.around(tree.probe(&ledger));
        ctx.stage(format!(
            "run {run_no}: waiting for hash_tree to return while workers finish in pairs"
        ));
        let run = run(fh, cfg, &tree.root, &ledger, probe);
        let got = returned(Check::Stretch, &run.result)?;
        met += pairs.met();
        summary_exact(&tree, got)?;
        if met >= MEET {
            return Ok(());
        }
    }
    Err(support::not_deciding(
        Check::Stretch,
        &format!("{MEET} pairs of workers finishing at one instant"),
        &format!("{met} pairs met in {RUNS} runs: the machine kept the workers apart"),
    ))?
}

fn no_thread_outlives_the_pool(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let fh = attempted(sol.task02(), TASK)?;
    let tree = clean_tree(ctx, 20, false);
    let ledger = tree.ledger(ctx);
    support::no_thread_outlives(ctx, "hash_tree", || {
        let run = run(fh, cfg(), &tree.root, &ledger, tree.probe(&ledger));
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
            .hint("refuse zero workers and a missing root before starting any thread, and return EmptyInput when the walk found no regular file")
        },
    )?;
    Ok(())
}

fn zero_workers_is_refused(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let tree = clean_tree(ctx, 5, false);
    let cfg = PoolConfig {
        workers: 0,
        ..cfg()
    };
    refused(sol, ctx, cfg, &tree.root, PoolError::ZeroWorkers)
}

fn missing_root_is_refused(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let tree = Tree::new();
    let missing = tree.root.join("no-such-dir");
    refused(
        sol,
        ctx,
        cfg(),
        &missing,
        PoolError::MissingPath(missing.clone()),
    )
}

fn empty_directory_is_refused(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let tree = Tree::new();
    refused(sol, ctx, cfg(), &tree.root, PoolError::EmptyInput)
}

fn tree_without_files_is_refused(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let mut tree = Tree::new();
    tree.dirs();
    plant_bad_entries(&mut tree);
    refused(sol, ctx, cfg(), &tree.root, PoolError::EmptyInput)
}

fn root_file_is_a_tree_of_one(sol: &'static dyn Solution, ctx: &mut Ctx) -> Outcome {
    let fh = attempted(sol.task02(), TASK)?;
    let mut tree = Tree::new();
    let len = ctx.rng.usize(1..8192);
    let file = tree.write("only.dat", random_bytes(ctx, len));
    tree.root = file.clone();
    let ledger = tree.ledger(ctx);
    ctx.stage("waiting for hash_tree to return on a root that is a file");
    let run = run(fh, cfg(), &file, &ledger, tree.probe(&ledger));
    returned(Check::Requirement, &run.result)?;
    compare(&tree, &run.out, Check::Requirement)?;
    tree.check_keys(&ledger)?;
    Ok(())
}
