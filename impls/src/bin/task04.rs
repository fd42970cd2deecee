//! Task 4, CSV Parser, as a program: the Rust face of the seed's `go run ./cmd/task04`.
//!
//! ```text
//! cargo run --release -p impls --bin task04 -- records.csv
//! ```
//!
//! Sixteen workers parse the records of an `id,name,score` CSV, one record per job; the program
//! prints how many rows were valid and how many were errors, then the histogram of the valid
//! rows' scores (the stretch).

use clap::builder::PossibleValuesParser;
use clap::Parser;
use harness::contracts::task04_csv_parser::CsvSummary;
use harness::contracts::{CsvParser, PoolConfig, PoolError};
use harness::probe::Probe;
use indicatif::{ProgressBar, ProgressStyle};
use std::path::PathBuf;
use std::process::ExitCode;

/// Parse a CSV of `id,name,score` records on a pool of workers, one record per job: count the
/// valid rows and the errors, and draw the histogram of the scores.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// The CSV file: the header `id,name,score`, then one record per row
    file: PathBuf,
    /// Worker threads (the seed's 16)
    #[arg(short, long, default_value_t = 16)]
    workers: usize,
    /// Capacity of the jobs channel, in records. The seed leaves it open: a thousand records
    /// (tens of KiB) keep the workers from sleeping on every record, where 16 made the pool
    /// five times slower
    #[arg(long, default_value_t = 1024)]
    jobs_buffer: usize,
    /// Capacity of the results channel, in records
    #[arg(long, default_value_t = 1024)]
    results_buffer: usize,
    /// Which of impls' task-4 solutions parses the file
    #[arg(long, default_value = "reference", value_parser = solution_names())]
    solution: String,
}

/// The names of the solutions `impls` exports that answer task 4.
fn solution_names() -> PossibleValuesParser {
    let solutions = impls::solutions().into_iter();
    PossibleValuesParser::new(solutions.filter(|s| s.task04().is_some()).map(|s| s.name()))
}

fn solution(name: &str) -> Option<&'static dyn CsvParser> {
    impls::solutions()
        .into_iter()
        .find(|s| s.name() == name)?
        .task04()
}

fn main() -> ExitCode {
    let args = Args::parse();
    let Some(parser) = solution(&args.solution) else {
        eprintln!("task04: no task-4 solution named {}", args.solution);
        return ExitCode::FAILURE;
    };
    let cfg = PoolConfig {
        workers: args.workers,
        jobs_buffer: args.jobs_buffer,
        results_buffer: args.results_buffer,
    };
    // Drawn on stderr, and only when stderr is a terminal; redrawn every 64 Ki records.
    let bar = ProgressBar::new_spinner().with_style(
        ProgressStyle::with_template("{spinner} {human_pos} records in {elapsed} ({per_sec})")
            .expect("a valid template"),
    );
    let mut records = 0u64;
    let mut counted = || {
        records += 1;
        if records.is_multiple_of(1 << 16) {
            bar.set_position(records);
        }
    };
    let result = parser.parse_file(cfg, &args.file, Probe::noop(), &mut counted);
    bar.finish_and_clear();
    match result {
        Ok(summary) => {
            print_summary(&summary);
            ExitCode::SUCCESS
        }
        Err(e) => {
            match e {
                PoolError::ZeroWorkers | PoolError::MissingPath(_) => eprintln!("task04: {e}"),
                _ => eprintln!("task04: {}: {e}", args.file.display()),
            }
            ExitCode::FAILURE
        }
    }
}

/// `N valid rows, M errors`, then one bar per score bucket, the longest 50 characters.
fn print_summary(summary: &CsvSummary) {
    println!("{} valid rows, {} errors", summary.valid, summary.errors);
    let Some(histogram) = &summary.histogram else {
        return; // the stretch is not attempted by this solution
    };
    let most = histogram.values().copied().max().unwrap_or(0).max(1);
    println!("scores of the valid rows:");
    for bucket in 0..=10u8 {
        let n = histogram.get(&bucket).copied().unwrap_or(0);
        let label = match bucket {
            10 => "100".to_string(),
            b => format!("{}-{}", b * 10, b * 10 + 9),
        };
        let bar = "#".repeat((n * 50).div_ceil(most) as usize);
        println!("{label:>7} {n:>10} {bar}");
    }
}
