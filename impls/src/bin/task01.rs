//! Task 1, Squarer, as a program: the Rust face of the seed's `go run ./cmd/task01`.
//!
//! ```text
//! cargo run --release -p impls --bin task01
//! ```
//!
//! Four workers square the integers 1 to 100 through buffered jobs and results channels, and the
//! program prints each square as it arrives, in any order (`--in-order` for the stretch), then a
//! summary line.

use clap::Parser;
use harness::contracts::task01_squarer::Squared;
use harness::contracts::{PoolConfig, Squarer};
use harness::probe::{Jobs, Probe};
use impls::task01_squarer::Answer;
use indicatif::ProgressBar;
use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

/// Square the integers 1 to COUNT on a pool of workers and print the squares.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// How many integers to square: 1, 2, ..., COUNT (the seed's 100)
    #[arg(short = 'n', long, default_value_t = 100,
          value_parser = clap::value_parser!(i64).range(0..=3_037_000_499))]
    count: i64,
    /// Worker threads (the seed's 4)
    #[arg(short, long, default_value_t = 4)]
    workers: usize,
    /// Capacity of the jobs channel [default: WORKERS]
    #[arg(long)]
    jobs_buffer: Option<usize>,
    /// Capacity of the results channel [default: WORKERS]
    #[arg(long)]
    results_buffer: Option<usize>,
    /// Print the squares in input order (the stretch)
    #[arg(long)]
    in_order: bool,
    /// Print the summary line only
    #[arg(short, long)]
    quiet: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let cfg = PoolConfig {
        workers: args.workers,
        jobs_buffer: args.jobs_buffer.unwrap_or(args.workers),
        results_buffer: args.results_buffer.unwrap_or(args.workers),
    };
    let mut out = io::BufWriter::new(io::stdout().lock());
    // The squares show the progress on a terminal; the bar (on stderr, and only when stderr is a
    // terminal) stands in for them when they are not shown there. Redrawn every 64 Ki squares.
    let bar = match args.quiet || !io::stdout().is_terminal() {
        true => ProgressBar::new(args.count as u64),
        false => ProgressBar::hidden(),
    };
    let (mut done, mut sum, mut write_error) = (0u64, 0i128, None);
    let mut emit = |r: Squared| {
        sum += i128::from(r.square);
        done += 1;
        if done.is_multiple_of(1 << 16) {
            bar.set_position(done);
        }
        if !args.quiet && write_error.is_none() {
            let n = r.index + 1; // the integers are 1, 2, ...: index i holds i + 1
            write_error = writeln!(out, "{n}² = {}", r.square).err();
        }
    };
    let numbers = Jobs::untracked(1..=args.count);
    let result = match args.in_order {
        false => Answer.square_all(cfg, numbers, Probe::noop(), &mut emit),
        true => Answer.square_all_in_order(cfg, numbers, Probe::noop(), &mut emit),
    };
    bar.finish_and_clear();
    if let Err(e) = result {
        eprintln!("task01: {e}");
        return ExitCode::FAILURE;
    }
    let summary = format!(
        "squared {done} integers on {} workers; the squares add up to {sum}",
        cfg.workers
    );
    let written = match write_error {
        Some(e) => Err(e),
        None => writeln!(out, "{summary}").and_then(|()| out.flush()),
    };
    match written {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            eprintln!("task01: cannot write the output: {e}");
            ExitCode::FAILURE
        }
        _ => ExitCode::SUCCESS, // a reader that left early (`| head`) is no failure
    }
}
