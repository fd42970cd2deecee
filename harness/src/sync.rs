//! The threads, locks and channels a model-checkable solution is written against.
//!
//! In a normal build these are std's own. With the `loom` feature they are loom's, so
//! `cargo test -p harness --features loom --release --test loom` explores every interleaving of
//! the same solution code. loom has no bounded channel, so under loom `sync_channel` is a small
//! one built from loom's `Mutex` and `Condvar` with std's semantics (but for capacity 0, which
//! buffers one message instead of a rendezvous).

#[cfg(not(feature = "loom"))]
pub use std::{
    sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError},
    sync::{atomic, Arc, Condvar, Mutex, MutexGuard},
    thread,
};

#[cfg(feature = "loom")]
pub use {
    chan::{sync_channel, Receiver, SyncSender, TrySendError},
    loom::{
        sync::{atomic, Arc, Condvar, Mutex, MutexGuard},
        thread,
    },
};

#[cfg(feature = "loom")]
mod chan {
    use loom::sync::{Arc, Condvar, Mutex};
    use std::collections::VecDeque;
    pub use std::sync::mpsc::{RecvError, SendError, TrySendError};

    struct State<T> {
        buf: VecDeque<T>,
        cap: usize,
        senders: usize,
        receiver: bool,
    }

    struct Chan<T> {
        state: Mutex<State<T>>,
        changed: Condvar,
    }

    pub struct SyncSender<T>(Arc<Chan<T>>);
    pub struct Receiver<T>(Arc<Chan<T>>);

    pub fn sync_channel<T>(cap: usize) -> (SyncSender<T>, Receiver<T>) {
        let chan = Arc::new(Chan {
            state: Mutex::new(State {
                buf: VecDeque::new(),
                cap: cap.max(1),
                senders: 1,
                receiver: true,
            }),
            changed: Condvar::new(),
        });
        (SyncSender(chan.clone()), Receiver(chan))
    }

    impl<T> SyncSender<T> {
        pub fn send(&self, t: T) -> Result<(), SendError<T>> {
            let mut st = self.0.state.lock().unwrap();
            loop {
                if !st.receiver {
                    return Err(SendError(t));
                }
                if st.buf.len() < st.cap {
                    st.buf.push_back(t);
                    self.0.changed.notify_all();
                    return Ok(());
                }
                st = self.0.changed.wait(st).unwrap();
            }
        }
    }

    impl<T> SyncSender<T> {
        pub fn try_send(&self, t: T) -> Result<(), TrySendError<T>> {
            let mut st = self.0.state.lock().unwrap();
            if !st.receiver {
                return Err(TrySendError::Disconnected(t));
            }
            if st.buf.len() >= st.cap {
                return Err(TrySendError::Full(t));
            }
            st.buf.push_back(t);
            self.0.changed.notify_all();
            Ok(())
        }
    }

    impl<T> Clone for SyncSender<T> {
        fn clone(&self) -> Self {
            self.0.state.lock().unwrap().senders += 1;
            SyncSender(self.0.clone())
        }
    }

    impl<T> Drop for SyncSender<T> {
        fn drop(&mut self) {
            self.0.state.lock().unwrap().senders -= 1;
            self.0.changed.notify_all();
        }
    }

    impl<T> Receiver<T> {
        pub fn recv(&self) -> Result<T, RecvError> {
            let mut st = self.0.state.lock().unwrap();
            loop {
                if let Some(t) = st.buf.pop_front() {
                    self.0.changed.notify_all();
                    return Ok(t);
                }
                if st.senders == 0 {
                    return Err(RecvError);
                }
                st = self.0.changed.wait(st).unwrap();
            }
        }

        pub fn iter(&self) -> impl Iterator<Item = T> + '_ {
            std::iter::from_fn(move || self.recv().ok())
        }
    }

    impl<T> Drop for Receiver<T> {
        fn drop(&mut self) {
            self.0.state.lock().unwrap().receiver = false;
            self.0.changed.notify_all();
        }
    }

    impl<T: Send + 'static> IntoIterator for Receiver<T> {
        type Item = T;
        type IntoIter = std::iter::FromFn<Box<dyn FnMut() -> Option<T> + Send>>;
        fn into_iter(self) -> Self::IntoIter {
            let rx = self;
            let next: Box<dyn FnMut() -> Option<T> + Send> = Box::new(move || rx.recv().ok());
            std::iter::from_fn(next)
        }
    }

    impl<'a, T> IntoIterator for &'a Receiver<T> {
        type Item = T;
        type IntoIter = Box<dyn Iterator<Item = T> + 'a>;
        fn into_iter(self) -> Self::IntoIter {
            Box::new(self.iter())
        }
    }
}
