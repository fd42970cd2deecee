//! `cargo run -p harness --bin grade -- [CRATE_PATH] [--solution NAME] [--only PREFIX] [--out DIR] ...`
//!
//! Grades the solution crate at CRATE_PATH (default: the bundled reference, `impls`), each
//! scenario in a child process of its own, and writes `results.json`, `junit.xml` and
//! `report.md` into DIR (default `target/poolcheck/grade`) as it goes. `--help` lists the limits.
//! Exit status: 0 every attempted scenario passed, 1 something failed, 2 nothing could run.

fn main() {
    std::process::exit(harness::grade::main());
}
