//! The machine's limits for the task programs, measured in the same run as they are (`ci/perf.sh`):
//!
//! - SHA-256 throughput of an in-memory buffer on one thread and on every core (the `sha2` crate,
//!   as the task 2 reference uses it): no pool can hash faster than that;
//! - the page-cache read rate of each data set's own bytes (read once to warm, then timed): no
//!   pool can read its input faster;
//! - a sequential baseline per task: the same work on one thread, without a pool.
//!
//! ```text
//! cargo run --release -p benches --bin limits -- --data target/perf-data
//! ```
//!
//! prints one JSON object: rates in bytes per second, times in seconds.

use benches::baseline;
use clap::Parser;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::io;
use std::path::PathBuf;
use std::process::ExitCode;
use std::thread;
use std::time::Instant;

/// Measure SHA-256 throughput, page-cache read rates and one-thread baselines; print JSON.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// The directory `gendata --out` wrote (its task02/, task04/, task05/ are measured when present)
    #[arg(long)]
    data: Option<PathBuf>,
    /// Threads for the all-cores SHA-256 rate [default: the number of CPUs]
    #[arg(long)]
    threads: Option<usize>,
    /// MiB each thread hashes per SHA-256 round
    #[arg(long, default_value_t = 256)]
    sha_mib: usize,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match measure(&args) {
        Ok(report) => {
            println!("{report:#}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("limits: {e}");
            ExitCode::FAILURE
        }
    }
}

fn measure(args: &Args) -> io::Result<Value> {
    let cores = thread::available_parallelism().map_or(1, |n| n.get());
    let threads = args.threads.unwrap_or(cores);
    let mut report = json!({
        "cores": cores,
        "sha256": {
            "threads": threads,
            "one_thread_bps": sha256_rate(1, args.sha_mib),
            "all_threads_bps": sha256_rate(threads, args.sha_mib),
        },
    });
    let Some(data) = &args.data else {
        return Ok(report);
    };
    let tree = data.join("task02/tree");
    if tree.is_dir() {
        let files = baseline::files_under(&tree)?;
        let (sequential_s, _) = best_of(1, || baseline::hash_files(&files))?;
        report["task02"] = read_rate(&files)?;
        report["task02"]["sequential_s"] = json!(sequential_s);
    }
    let csv = data.join("task04/records.csv");
    if csv.is_file() {
        let files = vec![csv.clone()];
        report["task04"] = read_rate(&files)?;
        let (sequential_s, counts) = best_of(1, || baseline::parse_csv(&csv))?;
        report["task04"]["sequential_s"] = json!(sequential_s);
        report["task04"]["sequential_answer"] = json!(counts);
    }
    let corpus = data.join("task05/corpus");
    if corpus.is_dir() {
        let files = baseline::files_under(&corpus)?;
        report["task05"] = read_rate(&files)?;
        let (sequential_s, counts) = best_of(1, || baseline::count_words(&files))?;
        report["task05"]["sequential_s"] = json!(sequential_s);
        report["task05"]["sequential_answer"] = json!({
            "words": counts.values().sum::<u64>(),
            "distinct": counts.len(),
        });
    }
    Ok(report)
}

/// Bytes per second that `threads` threads hash together, each hashing `mib` MiB of one shared
/// in-memory buffer; the best of three rounds.
fn sha256_rate(threads: usize, mib: usize) -> f64 {
    let mut buf = vec![0u8; 64 << 20];
    fastrand::Rng::with_seed(7).fill(&mut buf);
    let passes = mib.div_ceil(64).max(1);
    let round = || {
        let start = Instant::now();
        thread::scope(|s| {
            for _ in 0..threads {
                s.spawn(|| {
                    let mut hasher = Sha256::new();
                    for _ in 0..passes {
                        hasher.update(&buf);
                    }
                    std::hint::black_box(hasher.finalize());
                });
            }
        });
        (threads * passes * buf.len()) as f64 / start.elapsed().as_secs_f64()
    };
    (0..3).map(|_| round()).fold(0.0, f64::max)
}

/// The page-cache read of `files`: read once to warm the cache, then the best of three timed reads.
fn read_rate(files: &[PathBuf]) -> io::Result<Value> {
    let bytes = baseline::read_all(files)?;
    let (read_s, _) = best_of(3, || baseline::read_all(files))?;
    Ok(
        json!({ "files": files.len(), "bytes": bytes, "read_s": read_s, "read_bps": bytes as f64 / read_s }),
    )
}

/// The shortest of `runs` runs of `work`, in seconds, and the last run's answer.
fn best_of<T>(runs: usize, mut work: impl FnMut() -> io::Result<T>) -> io::Result<(f64, T)> {
    let mut best = f64::INFINITY;
    let mut answer = None;
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        answer = Some(work()?);
        best = best.min(start.elapsed().as_secs_f64());
    }
    Ok((best, answer.expect("at least one run")))
}
