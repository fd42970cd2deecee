//! Task 2, File Hasher, as a program: the Rust face of the seed's `go run ./cmd/task02`.
//!
//! ```text
//! cargo run --release -p impls --bin task02 -- some/dir
//! ```
//!
//! One worker per CPU SHA-256es the files a walk of the directory finds, through a jobs channel
//! of 64 paths. The program prints one `hash  path` line per file (as `sha256sum` does), then the
//! summary line (the stretch); entries that cannot be hashed are logged on stderr and skipped.

use clap::Parser;
use harness::clock::SystemClock;
use harness::contracts::task02_file_hasher::FileHash;
use harness::contracts::{FileHasher, PoolConfig};
use harness::probe::Probe;
use impls::task02_file_hasher::Answer;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// SHA-256 every file under a directory on a pool of workers, and print a summary line.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// The directory to walk (symlinks are followed)
    root: PathBuf,
    /// Worker threads [default: the number of CPUs]
    #[arg(short, long, default_value_t = PoolConfig::num_cpu(), hide_default_value = true)]
    workers: usize,
    /// Capacity of the jobs channel, in paths (the seed's 64)
    #[arg(long, default_value_t = 64)]
    jobs_buffer: usize,
    /// Capacity of the results channel [default: WORKERS]
    #[arg(long)]
    results_buffer: Option<usize>,
    /// Print the summary line only
    #[arg(short, long)]
    quiet: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    tracing_subscriber::fmt().with_writer(io::stderr).init(); // skipped entries are logged
    let cfg = PoolConfig {
        workers: args.workers,
        jobs_buffer: args.jobs_buffer,
        results_buffer: args.results_buffer.unwrap_or(args.workers),
    };
    let mut out = io::BufWriter::new(io::stdout().lock());
    // The hash lines show the progress on a terminal; the bar (on stderr, and only when stderr is
    // a terminal) stands in for them when they are not shown there.
    let bar = match args.quiet || !io::stdout().is_terminal() {
        true => ProgressBar::new_spinner(),
        false => ProgressBar::hidden(),
    };
    bar.set_style(
        ProgressStyle::with_template("{spinner} {pos} files hashed in {elapsed}")
            .expect("a valid template"),
    );
    let mut write_error = None;
    let mut emit = |h: FileHash| {
        bar.inc(1);
        if !args.quiet && write_error.is_none() {
            let hex: String = h.sha256.iter().map(|b| format!("{b:02x}")).collect();
            write_error = writeln!(out, "{hex}  {}", h.path.display()).err();
        }
    };
    let result = Answer.hash_tree(
        cfg,
        &args.root,
        Probe::noop(),
        &SystemClock::default(),
        &mut emit,
    );
    bar.finish_and_clear();
    let summary = match result {
        Ok(summary) => summary,
        Err(e) => {
            eprintln!("task02: {e}");
            return ExitCode::FAILURE;
        }
    };
    let written = match write_error {
        Some(e) => Err(e),
        None => writeln!(out, "{summary}").and_then(|()| out.flush()),
    };
    match written {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            eprintln!("task02: cannot write the output: {e}");
            ExitCode::FAILURE
        }
        _ => ExitCode::SUCCESS, // a reader that left early (`| head`) is no failure
    }
}
