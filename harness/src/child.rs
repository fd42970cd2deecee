//! The child's side of isolation. A binary that links a solution (the grading shim, the test
//! binaries) calls [`serve`] first thing in `main`; when its parent started it as a child, it
//! lists what it holds or runs one scenario, sends what it saw over a private channel, and exits.
//!
//! The channel is file descriptor 3, a pipe whose other end only the parent holds. Every line on
//! it starts with a nonce the parent chose for this child; the child takes the nonce out of its
//! environment before any solution code runs, so nothing a solution can call writes a line the
//! parent believes. The child's exit status, stdout and stderr are never taken as a verdict.

use crate::contracts::Solution;
use crate::runner::{self, Observation};
use crate::scenario::{Scenario, ScenarioInfo};
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::Write;
use std::os::fd::FromRawFd;
use std::sync::Mutex;

/// The descriptor the parent hands the channel on.
pub(crate) const CHANNEL_FD: i32 = 3;
/// `list` or `run`: set only by a parent starting a child.
pub(crate) const MODE: &str = "POOLCHECK_CHILD";
/// The index of the solution to run in `solutions()`.
pub(crate) const SOLUTION: &str = "POOLCHECK_SOLUTION";
/// The full name of the scenario to run.
pub(crate) const SCENARIO: &str = "POOLCHECK_SCENARIO";
/// The seed of the run.
pub(crate) const SEED: &str = "HARNESS_SEED";
/// The nonce every line on the channel starts with.
pub(crate) const NONCE: &str = "POOLCHECK_NONCE";

/// What a child holds: its solutions' names (from `name()`, which may itself misbehave, hence a
/// child) and its scenarios.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Listing {
    pub solutions: Vec<String>,
    pub scenarios: Vec<ScenarioInfo>,
}

/// One line on the channel.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) enum Message {
    /// The scenario entered a stage: a child killed later still says what it was doing.
    Stage(String),
    Listing(Listing),
    Observed(Observation),
}

/// Where messages go: the parent's channel, or stderr when a person runs the child by hand.
enum Channel {
    Parent { file: Mutex<File>, nonce: String },
    Person,
}

impl Channel {
    fn open(nonce: Option<String>) -> Channel {
        // SAFETY: fcntl on a descriptor number only reads or sets its flags; the descriptor is
        // taken as a File only if it is open, and nothing else in this process owns fd 3.
        let open = unsafe { libc::fcntl(CHANNEL_FD, libc::F_GETFD) } != -1;
        match (open, nonce) {
            (true, Some(nonce)) => {
                // SAFETY: as above; close-on-exec keeps the channel from any process a solution starts.
                unsafe { libc::fcntl(CHANNEL_FD, libc::F_SETFD, libc::FD_CLOEXEC) };
                let file = unsafe { File::from_raw_fd(CHANNEL_FD) };
                Channel::Parent {
                    file: Mutex::new(file),
                    nonce,
                }
            }
            _ => Channel::Person,
        }
    }

    fn send(&self, m: &Message) {
        match self {
            Channel::Parent { file, nonce } => {
                let line = format!(
                    "{nonce}\t{}\n",
                    serde_json::to_string(m).expect("a message always serialises")
                );
                let mut f = file.lock().unwrap_or_else(|p| p.into_inner());
                let _ = f.write_all(line.as_bytes());
            }
            Channel::Person => match m {
                Message::Stage(s) => eprintln!("poolcheck child: {s}"),
                other => eprintln!(
                    "{}",
                    serde_json::to_string_pretty(other).expect("a message always serialises")
                ),
            },
        }
    }
}

static CHANNEL: std::sync::OnceLock<Channel> = std::sync::OnceLock::new();

fn take_env(key: &str) -> Option<String> {
    let v = std::env::var(key).ok();
    std::env::remove_var(key);
    v
}

/// If this process was started as a child, does what it was started for and exits; otherwise
/// returns at once. Call it first thing in `main`, before any thread starts.
pub fn serve(solutions: fn() -> Vec<&'static dyn Solution>, scenarios: fn() -> Vec<Scenario>) {
    let Some(mode) = take_env(MODE) else { return };
    let nonce = take_env(NONCE);
    let solution = take_env(SOLUTION);
    let scenario = take_env(SCENARIO);
    let channel = CHANNEL.get_or_init(|| Channel::open(nonce));
    match mode.as_str() {
        "list" => {
            let listing = Listing {
                solutions: solutions().iter().map(|s| s.name().to_string()).collect(),
                scenarios: scenarios().iter().map(Scenario::info).collect(),
            };
            channel.send(&Message::Listing(listing));
        }
        "run" => {
            let all = solutions();
            let index: usize = solution.and_then(|s| s.parse().ok()).unwrap_or(0);
            let (Some(sol), Some(sc)) = (
                all.get(index).copied(),
                scenarios()
                    .into_iter()
                    .find(|s| Some(s.full_name()) == scenario),
            ) else {
                eprintln!("poolcheck child: no solution #{index} or no scenario {scenario:?}");
                std::process::exit(3);
            };
            let seed = std::env::var(SEED)
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
            let sink = Box::new(|stage: &str| {
                if let Some(c) = CHANNEL.get() {
                    c.send(&Message::Stage(stage.to_string()))
                }
            });
            let seen = runner::observe(sol, &sc, seed, Some(sink));
            channel.send(&Message::Observed(seen));
        }
        other => {
            eprintln!("poolcheck child: unknown mode {other:?}");
            std::process::exit(3);
        }
    }
    // Threads the scenario abandoned (a hung pool) end with the process.
    std::process::exit(0)
}
