//! The background thread of `mieru serve` that runs queued jobs ([`super::jobs`]): it looks for
//! waiting jobs every poll interval (jobs queued through another server, or left by a crash or
//! a restart) and at once when this process queues one and rings the [`JobBell`].
//!
//! Every server of a database runs one; the resolve lock lets one of them at a time run all
//! waiting jobs, the others' index followers then catch up with the data version it wrote.

use super::jobs::run_queued;
use crate::search::SearchIndex;
use crate::store::DbPool;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// Default polling interval of `mieru serve`.
pub const DEFAULT_POLL: Duration = Duration::from_secs(1);

/// Longest pause between polls while the database keeps failing.
const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// Wakes this process's worker when a job is queued. A ring while the worker is busy is kept,
/// so the job queued during a run is picked up right after it.
#[derive(Clone, Default)]
pub struct JobBell(Arc<(Mutex<bool>, Condvar)>);

impl JobBell {
    pub fn ring(&self) {
        let (rung, bell) = &*self.0;
        *rung.lock().unwrap_or_else(|p| p.into_inner()) = true;
        bell.notify_all();
    }

    /// Waits for a ring, at most `timeout`.
    fn wait(&self, timeout: Duration) {
        let (rung, bell) = &*self.0;
        let guard = rung.lock().unwrap_or_else(|p| p.into_inner());
        let (mut guard, _) = bell
            .wait_timeout_while(guard, timeout, |rung| !*rung)
            .unwrap_or_else(|p| p.into_inner());
        *guard = false;
    }
}

pub struct JobWorker {
    stopping: Arc<AtomicBool>,
    bell: JobBell,
    thread: JoinHandle<()>,
}

impl JobWorker {
    /// Starts at once (jobs left by a crash or a restart run first), then every `every` or
    /// when `bell` rings.
    pub fn start(pool: DbPool, index: Arc<SearchIndex>, bell: JobBell, every: Duration) -> Self {
        let stopping = Arc::new(AtomicBool::new(false));
        let thread = {
            let (stopping, bell) = (stopping.clone(), bell.clone());
            std::thread::spawn(move || {
                let mut pause = every;
                while !stopping.load(Ordering::SeqCst) {
                    // A panic in a run must not end the worker: its jobs stay `running` under
                    // a holder that is gone, and the next run claims them again.
                    let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        // No waiting for the lock: whoever holds it is resolving already, and
                        // the next poll looks again.
                        run_queued(&pool, &index, Duration::ZERO)
                    }));
                    pause = match ran {
                        Ok(Ok(_)) => every,
                        Ok(Err(e)) => {
                            tracing::warn!(error = %e, "job worker: cannot run the queued jobs; retrying");
                            (pause * 2).min(MAX_BACKOFF.max(every))
                        }
                        Err(_) => {
                            tracing::error!("job worker: a run panicked; retrying");
                            (pause * 2).min(MAX_BACKOFF.max(every))
                        }
                    };
                    bell.wait(pause);
                }
            })
        };
        Self {
            stopping,
            bell,
            thread,
        }
    }

    /// Stops after the run in progress, if any, and waits for it.
    pub fn stop(self) {
        self.stopping.store(true, Ordering::SeqCst);
        self.bell.ring();
        // An error means the thread has already ended.
        let _ = self.thread.join();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::jobs::{find, queue_refresh};
    use mieru_web::jobs::JobStatus;
    use std::time::Instant;

    #[test]
    fn a_rung_bell_runs_a_queued_job_before_the_poll_interval() {
        let dir = tempfile::tempdir().unwrap();
        let pool = crate::store::connect(&dir.path().join("t.db").to_string_lossy(), 4).unwrap();
        let index = Arc::new(SearchIndex::in_memory().unwrap());
        let bell = JobBell::default();
        // A poll interval far longer than the test: only the bell can wake the worker.
        let worker = JobWorker::start(
            pool.clone(),
            index.clone(),
            bell.clone(),
            Duration::from_secs(600),
        );
        let mut conn = pool.get().unwrap();
        let job = queue_refresh(&mut conn, "yamada", "judgement.record", "F1 / F2").unwrap();
        bell.ring();
        let started = Instant::now();
        loop {
            let status = find(&mut conn, job.id).unwrap().unwrap().status;
            if status == JobStatus::Done {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "still {status:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(index.data_version().unwrap().is_some());
        worker.stop();
    }
}
