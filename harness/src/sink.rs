//! Where an async pool hands its results: the calling task's `for r := range results` loop ends
//! in `sink.emit(r).await`.
//!
//! A harness type rather than a closure because the scenario must be able to hold the consumer
//! on the runtime's clock (the async spelling of holding `emit`, so the results channel's bound
//! shows), and a closure cannot wait without blocking the thread the whole simulated world runs
//! on. Each emit is recorded in the scenario's ledger as a delivery, with its instant.

use crate::ledger::Ledger;
use std::sync::Arc;
use std::time::Duration;

/// The results of one call, in the order they were emitted.
pub struct Sink<T> {
    items: Vec<T>,
    at: Vec<Duration>,
    ledger: Option<Arc<Ledger>>,
    key: fn(&T) -> String,
    hold: Option<(usize, Duration)>,
}

impl<T> Sink<T> {
    /// A sink that records each result in `ledger` under `key(&result)`.
    pub fn new(ledger: Arc<Ledger>, key: fn(&T) -> String) -> Self {
        ledger.reads_results();
        Sink {
            items: Vec::new(),
            at: Vec::new(),
            ledger: Some(ledger),
            key,
            hold: None,
        }
    }

    /// A sink that records nothing: for running a solution outside the suite.
    pub fn untracked() -> Self {
        Sink {
            items: Vec::new(),
            at: Vec::new(),
            ledger: None,
            key: |_| String::new(),
            hold: None,
        }
    }

    /// Holds the consumer inside the `n`-th emit (from 0) for `wait` of the runtime's time.
    pub fn holding(mut self, n: usize, wait: Duration) -> Self {
        self.hold = Some((n, wait));
        self
    }

    /// Takes one result.
    pub async fn emit(&mut self, item: T) {
        if let Some(ledger) = &self.ledger {
            ledger.deliver((self.key)(&item));
        }
        self.at.push(now());
        let n = self.items.len();
        self.items.push(item);
        if let Some((at, wait)) = self.hold {
            if at == n {
                tokio::time::sleep(wait).await;
            }
        }
    }

    /// The results, in the order emitted.
    pub fn items(&self) -> &[T] {
        &self.items
    }

    /// When each result was emitted, on the world's clock (zero outside a simulation).
    pub fn emitted_at(&self) -> &[Duration] {
        &self.at
    }

    /// The results, taken out.
    pub fn into_items(self) -> Vec<T> {
        self.items
    }
}

fn now() -> Duration {
    turmoil::sim_elapsed().unwrap_or_default()
}
