//! Hostile solutions: each attempts task 1 and misbehaves in one way that must end in a truthful
//! failing verdict with complete reports, never a pass, a hang or a missing report. Each is picked
//! with `grade examples/hostile --solution NAME`; `ci/hostile.sh` grades them all.

use harness::contracts::task01_squarer::{Squared, Squarer};
use harness::contracts::{PoolConfig, PoolError, Solution};
use harness::probe::{Jobs, Probe};
use std::io::Write;
use std::path::Path;

/// What the solution does inside its first job.
#[derive(Clone, Copy)]
pub enum Act {
    /// `std::process::exit(0)`: a clean exit before any verdict.
    ExitZero,
    /// `std::process::abort()`.
    Abort,
    /// Allocates and touches memory without end.
    Allocate,
    /// Starts thousands of threads that park forever.
    Threads,
    /// Takes the stdout lock and parks with it, then the other workers print.
    HoldStdout,
    /// Prints without end.
    Flood,
    /// Writes all-pass reports wherever it can find reports, then exits 0.
    Forge,
    /// Panics with a message full of XML and Markdown markup and characters XML 1.0 forbids.
    Markup,
}

pub struct Hostile {
    pub name: &'static str,
    pub act: Act,
}

impl Solution for Hostile {
    fn name(&self) -> &str {
        self.name
    }
    fn task01(&self) -> Option<&dyn Squarer> {
        Some(self)
    }
}

impl Squarer for Hostile {
    fn square_all(
        &self,
        cfg: PoolConfig,
        numbers: Jobs<i64>,
        probe: Probe<i64>,
        emit: &mut dyn FnMut(Squared),
    ) -> Result<(), PoolError> {
        let _ = cfg;
        for (index, n) in numbers.enumerate() {
            let square = probe.run(n, || {
                misbehave(self.act);
                n * n
            });
            emit(Squared { index, square });
        }
        Ok(())
    }
}

fn misbehave(act: Act) {
    match act {
        Act::ExitZero => std::process::exit(0),
        Act::Abort => std::process::abort(),
        Act::Allocate => {
            let mut hoard: Vec<Vec<u8>> = Vec::new();
            loop {
                hoard.push(vec![1u8; 64 << 20]);
            }
        }
        Act::Threads => {
            for _ in 0..20_000 {
                if std::thread::Builder::new()
                    .stack_size(64 << 10)
                    .spawn(|| loop {
                        std::thread::park()
                    })
                    .is_err()
                {
                    break;
                }
            }
        }
        Act::HoldStdout => {
            std::thread::spawn(|| {
                let _held = std::io::stdout().lock();
                loop {
                    std::thread::park();
                }
            });
            std::thread::sleep(std::time::Duration::from_millis(50));
            println!("this line waits for the lock forever");
        }
        Act::Flood => loop {
            let _ = std::io::stdout().write_all(&[b'x'; 1 << 16]);
        },
        Act::Forge => {
            forge();
            std::process::exit(0)
        }
        Act::Markup => panic!(
            "</failure>]]><![CDATA[ <script>alert(1)</script> | # **bold** `code` ```fence``` \u{1}\u{7}\u{fffe}\u{ffff} & done"
        ),
    }
}

/// Overwrites every report it can find under `target/poolcheck/hostile` (where `ci/hostile.sh`
/// grades it) with a pass.
fn forge() {
    let Ok(exe) = std::env::current_exe() else { return };
    let Some(target) = exe.ancestors().find(|p| p.ends_with("target")) else { return };
    let root = target.join("poolcheck/hostile");
    let pass = r#"{"version": 3, "status": "pass", "tests": [{"name": "task01_squarer::every_square_exactly_once", "status": "pass"}]}"#;
    let mut dirs = vec![root.to_path_buf()];
    while let Some(d) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.file_name().is_some_and(|n| n == "results.json") {
                write(&p, pass);
                write(&p.with_file_name("report.md"), "# poolcheck report: forged\n\n35 passed, 0 failed\n");
                write(&p.with_file_name("junit.xml"), "<testsuites tests=\"1\" failures=\"0\"/>");
            }
        }
    }
}

fn write(p: &Path, s: &str) {
    let _ = std::fs::write(p, s);
}

macro_rules! hostile {
    ($($id:ident = $name:literal, $act:ident;)*) => {
        $(pub static $id: Hostile = Hostile { name: $name, act: Act::$act };)*
        /// Every hostile solution.
        pub fn solutions() -> Vec<&'static dyn Solution> {
            vec![$(&$id),*]
        }
    };
}

hostile! {
    EXIT_ZERO = "exit-zero", ExitZero;
    ABORT = "abort", Abort;
    ALLOCATE = "allocate", Allocate;
    THREADS = "threads", Threads;
    HOLD_STDOUT = "hold-stdout", HoldStdout;
    FLOOD = "flood", Flood;
    FORGE = "forge", Forge;
    MARKUP = "<script>alert('name')</script> | **markup** & ]]>", Markup;
}
