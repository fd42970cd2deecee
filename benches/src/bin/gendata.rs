//! Makes the seeded data sets of the seed's tasks (see `benches::data` for what each holds):
//!
//! ```text
//! cargo run --release -p benches --bin gendata -- --seed 1 --out target/perf-data
//! ```
//!
//! writes `OUT/task02/tree/`, `OUT/task04/records.csv` and `OUT/task05/corpus/`, each with a
//! `manifest.json` beside it that records the seed, the scale and the answer a correct run finds.
//! A data set whose manifest already has this seed and scale is kept as it is.

use benches::data::{Manifest, Spec};
use clap::Parser;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// Generate the data sets of tasks 2, 4 and 5 (1 GiB tree, 1 GB CSV, 223 MB corpus at scale 1).
#[derive(Parser)]
#[command(about)]
struct Args {
    /// The seed: the same seed and scale give the same bytes
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Where to write the data sets
    #[arg(long)]
    out: PathBuf,
    /// Only this task's data set (2, 4 or 5); all three by default
    #[arg(long, value_parser = ["2", "4", "5"])]
    task: Option<String>,
    /// Size relative to the seed's (0.01 for a quick run)
    #[arg(long, default_value_t = 1.0)]
    scale: f64,
    /// Regenerate even if the data set is already there
    #[arg(long)]
    force: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    if !(args.scale > 0.0 && args.scale <= 16.0) {
        eprintln!("gendata: --scale must be in (0, 16], not {}", args.scale);
        return ExitCode::FAILURE;
    }
    let spec = Spec {
        seed: args.seed,
        scale: args.scale,
    };
    for task in ["2", "4", "5"] {
        if args.task.as_deref().is_some_and(|t| t != task) {
            continue;
        }
        if let Err(e) = generate(&args, spec, task) {
            eprintln!("gendata: task {task} in {}: {e}", args.out.display());
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

/// Writes one task's data set in `OUT/task0N`, its manifest last, so a data set cut short by an
/// interruption has no manifest and is made again next time.
fn generate(args: &Args, spec: Spec, task: &str) -> Result<(), Box<dyn std::error::Error>> {
    let dir = args.out.join(format!("task0{task}"));
    let manifest_path = dir.join("manifest.json");
    if !args.force {
        if let Some(m) = read_manifest(&manifest_path) {
            if m.seed == spec.seed && m.scale == spec.scale {
                eprintln!(
                    "task {task}: kept {} (seed {}, scale {})",
                    dir.display(),
                    m.seed,
                    m.scale
                );
                return Ok(());
            }
        }
    }
    if dir.exists() {
        fs::remove_dir_all(&dir)?;
    }
    fs::create_dir_all(&dir)?;
    let start = Instant::now();
    let manifest = match task {
        "2" => spec.tree(&dir.join("tree"))?,
        "4" => spec.csv(&dir.join("records.csv"))?,
        _ => spec.corpus(&dir.join("corpus"))?,
    };
    fs::write(&manifest_path, serde_json::to_string_pretty(&manifest)?)?;
    eprintln!(
        "task {task}: wrote {} bytes in {} files to {} in {:.1?}",
        manifest.bytes,
        manifest.files,
        dir.display(),
        start.elapsed()
    );
    Ok(())
}

fn read_manifest(path: &Path) -> Option<Manifest> {
    serde_json::from_str(&fs::read_to_string(path).ok()?).ok()
}
