//! A stage boundary of a pipeline: the input one stage reads, which is the output of the stage
//! before it.
//!
//! A solution builds each stage as the seed's hint says, a function from an input channel to an
//! output channel, and the harness connects them: it wraps the output a stage returns in an
//! [`Input`] before handing it to the next stage. The wrapper is the only place a stage's end can
//! be seen from outside the solution: it records when the channel ended (every sender dropped,
//! which for a stage is the moment its last worker let go of its output), so a scenario can
//! check that nothing of the stage was still working then.

use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;

/// When a stage's output ended, as its reader saw it, on the world's clock.
#[derive(Clone, Debug, Default)]
pub struct Boundary(Arc<Mutex<Option<Duration>>>);

impl Boundary {
    /// When the reader first got `None`: the stage had ended its output. `None` if it never did.
    pub fn ended(&self) -> Option<Duration> {
        *self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn end(&self) {
        let mut ended = self.0.lock().unwrap_or_else(|p| p.into_inner());
        ended.get_or_insert_with(|| turmoil::sim_elapsed().unwrap_or_default());
    }
}

/// A stage's input: the previous stage's output channel, read as a `tokio::sync::mpsc::Receiver`
/// is. Share it between workers as a receiver is shared (`Arc<tokio::sync::Mutex<Input<T>>>`).
pub struct Input<T> {
    rx: mpsc::Receiver<T>,
    boundary: Boundary,
}

impl<T> Input<T> {
    /// `rx`, its end recorded in `boundary`.
    pub fn new(rx: mpsc::Receiver<T>, boundary: Boundary) -> Self {
        Input { rx, boundary }
    }

    /// An input that records nothing: for running a pipeline outside the suite.
    pub fn untracked(rx: mpsc::Receiver<T>) -> Self {
        Input::new(rx, Boundary::default())
    }

    /// The next item, or `None` once the previous stage has ended its output and every item in
    /// it has been read.
    pub async fn recv(&mut self) -> Option<T> {
        let item = self.rx.recv().await;
        if item.is_none() {
            self.boundary.end();
        }
        item
    }
}
