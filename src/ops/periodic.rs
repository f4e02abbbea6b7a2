//! A background thread that runs one step after each pause until it is stopped: the lock
//! heartbeat of a crawl and the search-index follower of a server are both this.
//!
//! May depend on: the standard library only.

use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::Duration;

pub struct Periodic {
    stop: mpsc::Sender<()>,
    thread: JoinHandle<()>,
}

impl Periodic {
    /// Waits `first`, runs `step`, and waits whatever pause `step` returns before the next
    /// run (so a step can back off while it fails).
    pub fn start<F>(first: Duration, mut step: F) -> Self
    where
        F: FnMut() -> Duration + Send + 'static,
    {
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            let mut pause = first;
            while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(pause) {
                pause = step();
            }
        });
        Self { stop, thread }
    }

    /// Stops at the next pause and waits for a step in progress to finish.
    pub fn stop(self) {
        // An error means the thread has already ended.
        let _ = self.stop.send(());
        let _ = self.thread.join();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    #[test]
    fn steps_run_until_stopped_and_not_after() {
        let runs = Arc::new(AtomicUsize::new(0));
        let counter = runs.clone();
        let task = Periodic::start(Duration::from_millis(1), move || {
            counter.fetch_add(1, Ordering::SeqCst);
            Duration::from_millis(1)
        });
        while runs.load(Ordering::SeqCst) < 3 {
            std::thread::sleep(Duration::from_millis(1));
        }
        task.stop();
        let after_stop = runs.load(Ordering::SeqCst);
        std::thread::sleep(Duration::from_millis(20));
        assert_eq!(runs.load(Ordering::SeqCst), after_stop);
    }
}
