//! Captures what solutions log through `tracing`, so `errors_handled` can ask "was this error
//! logged?" of any solution, whichever threads it logs from.
//!
//! A scoped subscriber would only see the scenario's own thread, not the workers it spawns, so the
//! capture is one process-wide subscriber writing into one buffer. Scenarios run one at a time
//! (the runner sees to it), so the buffer belongs to the scenario running now.
//!
//! The crates the harness runs a world on (turmoil, hyper, tokio) log too, at trace level, a
//! line per message with its bytes in hex: they are not the solution's logs, and are turned off
//! at their call sites, so they cost nothing (captured, they made each network verdict megabytes).

use std::fmt::{self, Write as _};
use std::sync::{Mutex, Once};
use tracing::field::{Field, Visit};
use tracing::subscriber::Interest;
use tracing::{Event, Level, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

/// One event: its level and its message with every field, as `message key=value ...`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogEvent {
    pub level: Level,
    pub text: String,
}

impl LogEvent {
    /// Warnings and errors: how a solution reports a problem it survived.
    pub fn is_problem(&self) -> bool {
        self.level <= Level::WARN
    }
}

impl fmt::Display for LogEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:>5} {}", self.level, self.text)
    }
}

static BUFFER: Mutex<Vec<LogEvent>> = Mutex::new(Vec::new());
static INSTALL: Once = Once::new();

struct Capture;

struct Text(String);

impl Visit for Text {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if !self.0.is_empty() {
            self.0.push(' ');
        }
        if field.name() == "message" {
            let _ = write!(self.0, "{value:?}");
        } else {
            let _ = write!(self.0, "{}={value:?}", field.name());
        }
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.0.push_str(value);
        } else {
            self.record_debug(field, &value)
        }
    }
}

/// The targets of the harness's own machinery, never a solution's.
const MACHINERY: &[&str] = &[
    "turmoil",
    "hyper",
    "hyper_util",
    "h2",
    "tokio",
    "mio",
    "want",
];

fn is_machinery(meta: &Metadata<'_>) -> bool {
    let krate = meta.target().split("::").next().unwrap_or_default();
    MACHINERY.contains(&krate)
}

impl<S: Subscriber> Layer<S> for Capture {
    fn register_callsite(&self, meta: &'static Metadata<'static>) -> Interest {
        if is_machinery(meta) {
            Interest::never()
        } else {
            Interest::always()
        }
    }

    fn enabled(&self, meta: &Metadata<'_>, _ctx: Context<'_, S>) -> bool {
        !is_machinery(meta)
    }

    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let mut text = Text(String::new());
        event.record(&mut text);
        let mut buf = BUFFER.lock().unwrap_or_else(|p| p.into_inner());
        // A runaway logger must not exhaust memory; ten thousand lines is far past any scenario.
        if buf.len() < 10_000 {
            buf.push(LogEvent {
                level: *event.metadata().level(),
                text: text.0,
            });
        }
    }
}

/// Installs the capturing subscriber as the process's global default (once).
pub fn install() {
    INSTALL.call_once(|| {
        let subscriber = tracing_subscriber::registry().with(Capture);
        // Fails only if the host program installed its own; then logs are not captured, and the
        // `errors_handled` scenarios say so.
        let _ = tracing::subscriber::set_global_default(subscriber);
    });
}

/// Empties the buffer: a new scenario begins.
pub(crate) fn reset() {
    install();
    BUFFER.lock().unwrap_or_else(|p| p.into_inner()).clear();
}

/// What was logged since the last [`reset`].
pub fn captured() -> Vec<LogEvent> {
    BUFFER.lock().unwrap_or_else(|p| p.into_inner()).clone()
}
