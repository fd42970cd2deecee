//! A one-shot event: Go's `ctx.Done()` for threads. It fires once and stays fired; a thread can
//! wait for it, and a callback can be set to run when it fires (Go's `context.AfterFunc`), which
//! is how a thread-based pool races a drain against a deadline without a thread of its own
//! waiting on the deadline. Written on [`crate::sync`], so under loom the firing is an event in
//! the model: `ci/loom.sh` explores it against every step of the pool.

use crate::sync::{Arc, Condvar, Mutex};

type Callback = Box<dyn FnOnce() + Send>;

/// A one-shot event; clones share it.
#[derive(Clone)]
pub struct Signal(Arc<Inner>);

struct Inner {
    state: Mutex<State>,
    changed: Condvar,
}

struct State {
    fired: bool,
    after: Vec<Callback>,
}

impl Default for Signal {
    fn default() -> Self {
        Self::new()
    }
}

impl Signal {
    /// A signal not yet fired.
    pub fn new() -> Self {
        Signal(Arc::new(Inner {
            state: Mutex::new(State {
                fired: false,
                after: Vec::new(),
            }),
            changed: Condvar::new(),
        }))
    }

    /// Fires it: wakes every waiter and runs every callback set so far, on this thread, once.
    /// Firing again does nothing.
    pub fn fire(&self) {
        let after = {
            let mut s = self.lock();
            if s.fired {
                return;
            }
            s.fired = true;
            std::mem::take(&mut s.after)
        };
        self.0.changed.notify_all();
        for f in after {
            f();
        }
    }

    /// Whether it has fired.
    pub fn fired(&self) -> bool {
        self.lock().fired
    }

    /// Blocks until it fires (at once if it has).
    pub fn wait(&self) {
        let mut s = self.lock();
        while !s.fired {
            s = self.0.changed.wait(s).unwrap_or_else(|p| p.into_inner());
        }
    }

    /// Runs `f` when it fires, on the firing thread; at once, on this one, if it has fired.
    pub fn after_fire(&self, f: impl FnOnce() + Send + 'static) {
        let mut s = self.lock();
        if s.fired {
            drop(s);
            f();
        } else {
            s.after.push(Box::new(f));
        }
    }

    fn lock(&self) -> crate::sync::MutexGuard<'_, State> {
        self.0.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl std::fmt::Debug for Signal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Signal({})",
            if self.fired() { "fired" } else { "not fired" }
        )
    }
}

#[cfg(all(test, not(feature = "loom")))]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn fires_once_and_runs_each_callback_once() {
        let s = Signal::new();
        let ran = std::sync::Arc::new(AtomicUsize::new(0));
        let r = ran.clone();
        s.after_fire(move || {
            r.fetch_add(1, Ordering::SeqCst);
        });
        assert!(!s.fired());
        let waiter = {
            let s = s.clone();
            std::thread::spawn(move || s.wait())
        };
        s.fire();
        s.fire();
        waiter.join().unwrap();
        assert_eq!(ran.load(Ordering::SeqCst), 1);
        let r = ran.clone();
        s.after_fire(move || {
            r.fetch_add(1, Ordering::SeqCst);
        });
        assert_eq!(
            ran.load(Ordering::SeqCst),
            2,
            "a callback set after firing runs at once"
        );
    }
}
