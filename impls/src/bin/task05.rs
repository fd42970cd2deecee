//! Task 5, Word Counter, as a program: the Rust face of the seed's `go run ./cmd/task05`.
//!
//! ```text
//! cargo run --release -p impls --bin task05 -- corpus/*.txt
//! ```
//!
//! One worker per CPU counts the words of one file at a time into a partial map; the calling
//! thread merges them. The program prints the ten most frequent words (the stretch) and the
//! totals.

use clap::builder::PossibleValuesParser;
use clap::Parser;
use harness::contracts::{PoolConfig, WordCounter};
use harness::probe::{Jobs, Probe};
use indicatif::{ProgressBar, ProgressStyle};
use std::path::PathBuf;
use std::process::ExitCode;
use walkdir::WalkDir;

/// Count word frequencies across files on a pool of workers, one file per job, and print the ten
/// most frequent words.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// The text files (a directory stands for every file under it)
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Worker threads [default: the number of CPUs]
    #[arg(short, long, default_value_t = PoolConfig::num_cpu(), hide_default_value = true)]
    workers: usize,
    /// Capacity of the jobs channel, in paths [default: WORKERS]
    #[arg(long)]
    jobs_buffer: Option<usize>,
    /// Capacity of the results channel, in partial maps [default: WORKERS]
    #[arg(long)]
    results_buffer: Option<usize>,
    /// Which of impls' task-5 solutions counts the words
    #[arg(long, default_value = "reference", value_parser = solution_names())]
    solution: String,
}

/// The names of the solutions `impls` exports that answer task 5.
fn solution_names() -> PossibleValuesParser {
    let solutions = impls::solutions().into_iter();
    PossibleValuesParser::new(solutions.filter(|s| s.task05().is_some()).map(|s| s.name()))
}

fn solution(name: &str) -> Option<&'static dyn WordCounter> {
    impls::solutions()
        .into_iter()
        .find(|s| s.name() == name)?
        .task05()
}

/// The files to count: each path as given, or every file under it if it is a directory.
fn expand(paths: &[PathBuf]) -> walkdir::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        if !path.is_dir() {
            files.push(path.clone()); // a missing file is the pool's error to report
            continue;
        }
        for entry in WalkDir::new(path).sort_by_file_name() {
            let entry = entry?;
            if entry.file_type().is_file() {
                files.push(entry.into_path());
            }
        }
    }
    Ok(files)
}

fn main() -> ExitCode {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .init(); // unreadable files are logged
    let Some(counter) = solution(&args.solution) else {
        eprintln!("task05: no task-5 solution named {}", args.solution);
        return ExitCode::FAILURE;
    };
    let files = match expand(&args.files) {
        Ok(files) => files,
        Err(e) => {
            eprintln!("task05: {e}");
            return ExitCode::FAILURE;
        }
    };
    let cfg = PoolConfig {
        workers: args.workers,
        jobs_buffer: args.jobs_buffer.unwrap_or(args.workers),
        results_buffer: args.results_buffer.unwrap_or(args.workers),
    };
    // Drawn on stderr, and only when stderr is a terminal.
    let bar = ProgressBar::new(files.len() as u64).with_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} files merged in {elapsed}")
            .expect("a valid template"),
    );
    let file_count = files.len();
    let result = counter.count_words(cfg, Jobs::untracked(files), Probe::noop(), &mut || {
        bar.inc(1)
    });
    bar.finish_and_clear();
    let counts = match result {
        Ok(counts) => counts,
        Err(e) => {
            eprintln!("task05: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(top) = counter.top_ten(&counts) {
        println!("top ten words:");
        for (rank, (word, n)) in top.iter().enumerate() {
            println!("{:>4}. {word:<16} {n:>10}", rank + 1);
        }
    }
    let total: u64 = counts.values().sum();
    println!(
        "{total} words, {} distinct, in {file_count} files",
        counts.len()
    );
    ExitCode::SUCCESS
}
