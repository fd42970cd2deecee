//! The parent's side of isolation: each scenario runs in a child process of its own, and every
//! way a child can end is a verdict with its reason.
//!
//! The parent never runs solution code. It starts the child in a process group of its own with
//! the limits that bind on Linux even as root (`RLIMIT_AS` for memory, `RLIMIT_CPU`), watches
//! `/proc/<pid>/status` for threads and resident memory, drains and caps its output, and kills
//! the whole group over any limit or past the wall-clock deadline. Only a line on the private
//! channel carrying this child's nonce counts as the child's report ([`crate::child`]).

use crate::child::{self, Listing, Message};
use crate::runner::{Observation, Verdict};
use crate::scenario::ScenarioInfo;
use crate::verdict::Failure;
use std::io::{BufRead, BufReader, Read};
use std::os::fd::AsRawFd;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::PathBuf;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

const MIB: u64 = 1 << 20;

/// What a child may use before the parent ends it. `grade` exposes each as an option.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Wall-clock time per scenario. The child's own watchdog reports a hang well before this
    /// (see [`crate::timing`]); this catches a child whose watchdog cannot run.
    pub wall: Duration,
    /// CPU time per scenario (`RLIMIT_CPU`).
    pub cpu: Duration,
    /// Address space (`RLIMIT_AS`): an allocation past it fails and the child aborts.
    pub memory: u64,
    /// Resident memory, polled: the child is killed above it.
    pub rss: u64,
    /// Threads alive at once, polled: the child is killed above it.
    pub threads: u64,
    /// Bytes written to stdout and stderr together.
    pub output: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            wall: Duration::from_secs(90),
            cpu: Duration::from_secs(120),
            memory: 8 << 30,
            rss: 2 << 30,
            threads: 512,
            output: 16 * MIB,
        }
    }
}

impl Limits {
    pub fn describe(&self) -> String {
        format!(
            "wall {} s, CPU {} s, address space {} MiB, resident {} MiB, {} threads, output {} MiB",
            self.wall.as_secs(),
            self.cpu.as_secs(),
            self.memory / MIB,
            self.rss / MIB,
            self.threads,
            self.output / MIB
        )
    }
}

/// Which limit the parent enforced by killing the child.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Over {
    Wall,
    Threads(u64),
    Rss(u64),
    Output(u64),
}

/// How a child ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    Exited(i32),
    Signalled(i32),
    Killed(Over),
}

/// Everything the parent saw of one child.
#[derive(Debug)]
pub struct Ended {
    pub ending: Ending,
    /// The last stage the child reported, and its final message if it sent one.
    pub stage: Option<String>,
    final_message: Option<Message>,
    /// Lines on the channel without this child's nonce: ignored, but said.
    pub forged: u64,
    pub stderr: String,
    pub peak_threads: u64,
    pub peak_rss: u64,
    pub wall: Duration,
}

/// A program that can serve as a child ([`crate::child::serve`]), and how to start it.
#[derive(Clone, Debug)]
pub struct Isolate {
    pub program: PathBuf,
    /// Arguments before the child's own (none for the shim; test binaries need none either).
    pub args: Vec<String>,
    pub limits: Limits,
    /// A private directory; each child gets a fresh one under it as its working and temp dir.
    pub scratch: PathBuf,
}

static NEXT: AtomicU64 = AtomicU64::new(0);

enum Event {
    Line(Message),
    Forged,
    Exit(std::io::Result<ExitStatus>),
}

impl Isolate {
    /// This very binary as the child (a test target that calls [`crate::child::serve`] first),
    /// with the default limits and a private scratch directory.
    pub fn for_tests() -> Isolate {
        Isolate {
            program: std::env::current_exe().expect("a test binary knows its own path"),
            args: Vec::new(),
            limits: Limits::default(),
            scratch: std::env::temp_dir().join(format!(
                "poolcheck-{}-{:x}",
                std::process::id(),
                fastrand::u32(..)
            )),
        }
    }

    /// Removes the scratch directory.
    pub fn clean(&self) {
        let _ = std::fs::remove_dir_all(&self.scratch);
    }

    /// [`Isolate::run`] as a verdict.
    pub fn verdict(
        &self,
        solution: usize,
        info: &ScenarioInfo,
        seed: u64,
        replay: String,
    ) -> Verdict {
        match self.run(solution, info, seed) {
            Ok(seen) => Verdict::new(info.clone(), seen, replay),
            Err((failure, note)) => Verdict::failed(info.clone(), failure, Some(note), replay),
        }
    }

    /// Asks a child for the solutions' names and the scenarios.
    pub fn list(&self) -> Result<Listing, String> {
        let limits = Limits {
            wall: self.limits.wall.min(Duration::from_secs(20)),
            ..self.limits
        };
        let ended = self.spawn("list", &[], &limits);
        match ended.final_message {
            Some(Message::Listing(l)) => Ok(l),
            _ => Err(format!(
                "the crate could not say what it holds: solutions() and each name() must return \
                 promptly; the child {}{}",
                describe(&ended, &limits),
                stderr_note(&ended)
            )),
        }
    }

    /// Runs one scenario against solution number `solution` in a child: what the child saw, or
    /// the failure the parent decides when the child could not say.
    pub fn run(
        &self,
        solution: usize,
        info: &ScenarioInfo,
        seed: u64,
    ) -> Result<Observation, (Failure, String)> {
        let ended = self.spawn(
            "run",
            &[
                (child::SOLUTION, solution.to_string()),
                (child::SCENARIO, info.full_name()),
                (child::SEED, seed.to_string()),
            ],
            &self.limits,
        );
        let mut note = Vec::new();
        if ended.forged > 0 {
            note.push(format!(
                "{} line(s) on the report channel did not carry the nonce and were ignored",
                ended.forged
            ));
        }
        match ended.final_message {
            Some(Message::Observed(mut seen)) => {
                if !note.is_empty() {
                    let prev = seen
                        .note
                        .take()
                        .map(|n| format!("{n}; "))
                        .unwrap_or_default();
                    seen.note = Some(prev + &note.join("; "));
                }
                Ok(seen)
            }
            _ => {
                let while_ = ended
                    .stage
                    .as_deref()
                    .map(|s| format!(" while {s}"))
                    .unwrap_or_default();
                let f = Failure::new(
                    info.primary(),
                    "the scenario runs to its end and reports; the solution never ends the process",
                    format!("the process {}{while_}", describe(&ended, &self.limits)),
                )
                .hint(hint(&ended));
                note.push(format!(
                    "peak {} threads, {} MiB resident, {:.1} s{}",
                    ended.peak_threads,
                    ended.peak_rss / MIB,
                    ended.wall.as_secs_f64(),
                    stderr_note(&ended)
                ));
                Err((f, note.join("; ")))
            }
        }
    }

    fn spawn(&self, mode: &str, vars: &[(&str, String)], limits: &Limits) -> Ended {
        let began = Instant::now(); // real time: the parent's own deadline, by design
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = self
            .scratch
            .join(format!("child-{}-{n}", std::process::id()));
        let nonce = format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..));
        match self.start(mode, vars, limits, &dir, &nonce) {
            Ok(ended) => {
                let _ = std::fs::remove_dir_all(&dir);
                Ended {
                    wall: began.elapsed(),
                    ..ended
                }
            }
            Err(e) => Ended {
                ending: Ending::Exited(-1),
                stage: Some(format!("starting the child: {e}")),
                final_message: None,
                forged: 0,
                stderr: String::new(),
                peak_threads: 0,
                peak_rss: 0,
                wall: began.elapsed(),
            },
        }
    }

    fn start(
        &self,
        mode: &str,
        vars: &[(&str, String)],
        limits: &Limits,
        dir: &std::path::Path,
        nonce: &str,
    ) -> std::io::Result<Ended> {
        std::fs::create_dir_all(dir)?;
        let (reader, writer) = std::io::pipe()?;
        let wfd = writer.as_raw_fd();
        let mut cmd = Command::new(&self.program);
        cmd.args(&self.args)
            .current_dir(dir)
            .env("TMPDIR", dir)
            .env(child::NONCE, nonce)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0);
        for (k, _) in std::env::vars() {
            if k.starts_with("POOLCHECK_") {
                cmd.env_remove(k);
            }
        }
        cmd.env(child::MODE, mode)
            .envs(vars.iter().map(|(k, v)| (k, v)));
        let (mem, cpu) = (limits.memory, limits.cpu.as_secs().max(1));
        // SAFETY: only async-signal-safe calls (dup2, fcntl, setrlimit, prctl) between fork and exec.
        unsafe {
            cmd.pre_exec(move || {
                if wfd == child::CHANNEL_FD {
                    libc::fcntl(wfd, libc::F_SETFD, 0);
                } else if libc::dup2(wfd, child::CHANNEL_FD) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                let set = |res, soft: u64, hard: u64| {
                    let r = libc::rlimit {
                        rlim_cur: soft as libc::rlim_t,
                        rlim_max: hard as libc::rlim_t,
                    };
                    libc::setrlimit(res, &r)
                };
                set(libc::RLIMIT_AS, mem, mem);
                set(libc::RLIMIT_CPU, cpu, cpu + 5);
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                Ok(())
            });
        }
        let mut child = cmd.spawn()?;
        drop(writer);
        drop(cmd);
        let pid = child.id() as i32;
        let (tx, rx) = mpsc::channel();
        let flooded = Arc::new(AtomicU64::new(0));
        let stdout = child.stdout.take().expect("piped");
        let stderr = child.stderr.take().expect("piped");
        let tail_out = drain(stdout, flooded.clone());
        let tail_err = drain(stderr, flooded.clone());
        let lines = {
            let (tx, nonce) = (tx.clone(), nonce.to_string());
            std::thread::spawn(move || read_channel(reader, &nonce, tx))
        };
        std::thread::spawn(move || {
            let _ = tx.send(Event::Exit(child.wait()));
        });

        let mut ended = Ended {
            ending: Ending::Exited(0),
            stage: None,
            final_message: None,
            forged: 0,
            stderr: String::new(),
            peak_threads: 0,
            peak_rss: 0,
            wall: Duration::ZERO,
        };
        let started = Instant::now(); // real time: the wall-clock limit
        let mut reported: Option<Instant> = None;
        let mut killed: Option<Over> = None;
        let status = loop {
            match rx.recv_timeout(Duration::from_millis(10)) {
                Ok(Event::Exit(status)) => break status,
                Ok(Event::Line(Message::Stage(s))) => ended.stage = Some(s),
                Ok(Event::Line(m)) => {
                    ended.final_message = Some(m);
                    reported = Some(Instant::now()); // real time: grace to exit after reporting
                }
                Ok(Event::Forged) => ended.forged += 1,
                Err(_) => {}
            }
            if killed.is_some() {
                continue;
            }
            let (threads, rss) = proc_status(pid);
            ended.peak_threads = ended.peak_threads.max(threads);
            ended.peak_rss = ended.peak_rss.max(rss);
            let over = if threads > limits.threads {
                Some(Over::Threads(threads))
            } else if rss > limits.rss {
                Some(Over::Rss(rss))
            } else if flooded.load(Ordering::Relaxed) > limits.output {
                Some(Over::Output(flooded.load(Ordering::Relaxed)))
            } else if started.elapsed() > limits.wall {
                Some(Over::Wall)
            } else {
                None
            };
            let lingering = reported.is_some_and(|t| t.elapsed() > Duration::from_secs(2));
            if over.is_some() || lingering {
                killed = over.filter(|_| reported.is_none());
                // SAFETY: signals the child's own process group, which the parent created.
                unsafe { libc::kill(-pid, libc::SIGKILL) };
            }
        };
        // Whatever the child left in its group (a process a solution started) goes with it.
        // SAFETY: as above.
        unsafe { libc::kill(-pid, libc::SIGKILL) };
        // The channel ends once every holder of its write end is gone; a final message may
        // still be in flight.
        if let Ok(Ok(rest)) = lines_join(lines) {
            for m in rest {
                match m {
                    Event::Line(Message::Stage(s)) => ended.stage = Some(s),
                    Event::Line(m) => ended.final_message = Some(m),
                    Event::Forged => ended.forged += 1,
                    Event::Exit(_) => {}
                }
            }
        }
        while let Ok(ev) = rx.try_recv() {
            match ev {
                Event::Line(Message::Stage(s)) => ended.stage = Some(s),
                Event::Line(m) => ended.final_message = Some(m),
                Event::Forged => ended.forged += 1,
                Event::Exit(_) => {}
            }
        }
        let _ = tail_out.recv_timeout(Duration::from_millis(500));
        ended.stderr = tail_err
            .recv_timeout(Duration::from_millis(500))
            .unwrap_or_default();
        ended.ending = match (killed, status) {
            (Some(over), _) => Ending::Killed(over),
            (None, Ok(s)) => match (s.code(), s.signal()) {
                (Some(c), _) => Ending::Exited(c),
                (None, Some(sig)) => Ending::Signalled(sig),
                _ => Ending::Exited(-1),
            },
            (None, Err(_)) => Ending::Exited(-1),
        };
        Ok(ended)
    }
}

/// Waits a little for the channel reader: it ends when the last write end closes.
fn lines_join(
    h: std::thread::JoinHandle<Vec<Event>>,
) -> Result<std::thread::Result<Vec<Event>>, ()> {
    let deadline = Instant::now() + Duration::from_millis(500); // real time: pipe drain grace
    while !h.is_finished() {
        let late = Instant::now() > deadline; // real time: as above
        if late {
            return Err(());
        }
        std::thread::sleep(Duration::from_millis(1)); // real time: polling the reader
    }
    Ok(h.join())
}

/// Reads the channel: lines with the nonce go to the parent live (stages) or are kept for the
/// end; lines without it are counted as forged.
fn read_channel(reader: std::io::PipeReader, nonce: &str, tx: mpsc::Sender<Event>) -> Vec<Event> {
    let mut r = BufReader::new(reader.take(256 * MIB));
    let mut line = Vec::new();
    let mut kept = Vec::new();
    loop {
        line.clear();
        match r.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => return kept,
            Ok(_) => {}
        }
        let text = String::from_utf8_lossy(&line);
        let ev = match text.trim_end().split_once('\t') {
            Some((n, json)) if n == nonce => match serde_json::from_str::<Message>(json) {
                Ok(m) => Event::Line(m),
                Err(_) => Event::Forged,
            },
            _ => Event::Forged,
        };
        if let Err(mpsc::SendError(ev)) = tx.send(ev) {
            kept.push(ev);
        }
    }
}

/// Drains a child's stdout or stderr, counting every byte into `total` and keeping the last
/// 4 KiB, which it sends once the stream ends.
fn drain(mut from: impl Read + Send + 'static, total: Arc<AtomicU64>) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        let mut tail: Vec<u8> = Vec::new();
        loop {
            match from.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    total.fetch_add(n as u64, Ordering::Relaxed);
                    tail.extend_from_slice(&buf[..n]);
                    if tail.len() > 8192 {
                        tail.drain(..tail.len() - 4096);
                    }
                }
            }
        }
        let keep = tail.len().saturating_sub(4096);
        let _ = tx.send(String::from_utf8_lossy(&tail[keep..]).into_owned());
    });
    rx
}

/// Threads and resident bytes of process `pid`, from `/proc/<pid>/status` (0 once it is gone).
fn proc_status(pid: i32) -> (u64, u64) {
    let Ok(s) = std::fs::read_to_string(format!("/proc/{pid}/status")) else {
        return (0, 0);
    };
    let field = |name: &str| {
        s.lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
            .unwrap_or(0)
    };
    (field("Threads:"), field("VmRSS:") * 1024)
}

const SIGNALS: [(i32, &str); 8] = [
    (libc::SIGABRT, "SIGABRT"),
    (libc::SIGSEGV, "SIGSEGV"),
    (libc::SIGBUS, "SIGBUS"),
    (libc::SIGILL, "SIGILL"),
    (libc::SIGFPE, "SIGFPE"),
    (libc::SIGKILL, "SIGKILL"),
    (libc::SIGXCPU, "SIGXCPU"),
    (libc::SIGTERM, "SIGTERM"),
];

fn signal_name(sig: i32) -> String {
    SIGNALS
        .iter()
        .find(|(n, _)| *n == sig)
        .map_or(format!("signal {sig}"), |(_, s)| s.to_string())
}

fn out_of_memory(e: &Ended) -> bool {
    e.stderr.contains("memory allocation of")
}

/// How a child that did not report ended, in a sentence.
fn describe(e: &Ended, limits: &Limits) -> String {
    match e.ending {
        Ending::Exited(-1) => format!(
            "could not be run ({})",
            e.stage.as_deref().unwrap_or("unknown error")
        ),
        Ending::Exited(code) => format!(
            "ended with exit status {code} before the scenario reported (std::process::exit inside the solution?)"
        ),
        Ending::Signalled(libc::SIGABRT) if out_of_memory(e) => format!(
            "ran out of memory: an allocation failed under the {} MiB address-space limit",
            limits.memory / MIB
        ),
        Ending::Signalled(libc::SIGABRT) if e.stderr.contains("has overflowed its stack") => {
            "overflowed a thread's stack (SIGABRT)".to_string()
        }
        Ending::Signalled(libc::SIGABRT) => {
            "aborted (SIGABRT: std::process::abort, a panic while panicking, or panic = \"abort\")"
                .to_string()
        }
        Ending::Signalled(libc::SIGXCPU) | Ending::Signalled(libc::SIGKILL)
            if e.wall >= limits.cpu / 2 =>
        {
            format!(
                "used more than {} s of CPU and was killed by the kernel",
                limits.cpu.as_secs()
            )
        }
        Ending::Signalled(sig) => format!("was killed by {}", signal_name(sig)),
        Ending::Killed(Over::Wall) => format!(
            "was still running after {} s and its own watchdog had not reported: the suite killed it",
            limits.wall.as_secs()
        ),
        Ending::Killed(Over::Threads(n)) => format!(
            "had {n} threads alive, over the limit of {}: the suite killed it",
            limits.threads
        ),
        Ending::Killed(Over::Rss(b)) => format!(
            "ran out of memory: {} MiB resident, over the limit of {} MiB: the suite killed it",
            b / MIB,
            limits.rss / MIB
        ),
        Ending::Killed(Over::Output(b)) => format!(
            "flooded its output: {} MiB written to stdout and stderr, over the limit of {} MiB: the suite killed it",
            b / MIB,
            limits.output / MIB
        ),
    }
}

fn hint(e: &Ended) -> &'static str {
    match e.ending {
        Ending::Exited(_) => {
            "a pool reports failure by returning an error, never by ending the process: no \
             std::process::exit, and no panic that escapes with panic = \"abort\""
        }
        Ending::Signalled(_) if out_of_memory(e) => {
            "memory grows without bound: bound every channel and never collect the whole input"
        }
        Ending::Killed(Over::Rss(_)) => {
            "memory grows without bound: bound every channel and never collect the whole input"
        }
        Ending::Killed(Over::Threads(_)) => {
            "start a fixed number of workers (cfg.workers), not a thread per job, and join them"
        }
        Ending::Killed(Over::Output(_)) => "log each problem once; never print in a loop",
        Ending::Killed(Over::Wall) => {
            "the pool never returned: look for a channel nobody closes or a lock held forever"
        }
        Ending::Signalled(_) => {
            "a pool must survive its jobs: catch a job's panic in the worker and report it"
        }
    }
}

fn stderr_note(e: &Ended) -> String {
    let tail: String = e
        .stderr
        .trim()
        .chars()
        .rev()
        .take(600)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    if tail.is_empty() {
        String::new()
    } else {
        format!("; its stderr ended with: {tail}")
    }
}
