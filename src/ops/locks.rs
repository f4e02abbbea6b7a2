//! Named locks in the database's `locks` table, for work that must run once at a time per
//! database whichever process or machine starts it: the crawl and the resolve.
//!
//! A holder is written `pid N on HOST` (the crawler) or `pid N on HOST #K` (K tells apart
//! several holders in one process, e.g. two admin ingests on one server). A lock is stale,
//! and taken over, when its holder is a process of this host that no longer exists (kill -9),
//! a `#K` of this very process that is no longer running (a panic unwound past it), or when its
//! heartbeat is older than the lock's staleness window (a holder on another host that died).

use super::periodic::Periodic;
use crate::store::{self, crawl_state, DbConnection, DbPool, StoreError};
use std::collections::HashSet;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The lock that serialises `pipeline::refresh::run` across processes and servers.
pub const RESOLVE_LOCK: &str = "resolve";

/// How long a resolve waits for another one to finish before giving up.
pub const RESOLVE_WAIT: Duration = Duration::from_secs(600);

/// A resolve lock whose heartbeat is older than this belongs to a dead resolver on another host
/// (one on this host is recognised at once). Heartbeats are written between the phases of a
/// resolve, so this must exceed the longest phase.
pub const RESOLVE_STALE_MINUTES: i64 = 30;

/// Holder numbers of this process that are running now.
static IN_FLIGHT: Mutex<Option<HashSet<u64>>> = Mutex::new(None);
static NEXT: AtomicU64 = AtomicU64::new(1);

/// This machine's name, as holders record it.
pub fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname")
        .map(|s| s.trim().to_owned())
        .unwrap_or_else(|_| "localhost".into())
}

/// What can be said of a lock holder from this process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HolderState {
    /// A process on this host that is running (or this process, still holding it).
    Running,
    /// A process on this host that has exited, or a holder of this process that is gone.
    Dead,
    /// On another host, or not written by mieru: only its heartbeat can tell.
    Unknown,
}

/// Reads `pid N on HOST[ #K]`.
fn parse_holder(holder: &str) -> Option<(u32, &str, Option<u64>)> {
    let (pid, rest) = holder.strip_prefix("pid ")?.split_once(" on ")?;
    let pid = pid.parse().ok()?;
    match rest.rsplit_once(" #") {
        Some((host, k)) => Some((pid, host, Some(k.parse().ok()?))),
        None => Some((pid, rest, None)),
    }
}

pub fn holder_state(holder: &str) -> HolderState {
    let Some((pid, host, k)) = parse_holder(holder) else {
        return HolderState::Unknown;
    };
    if host != hostname() {
        return HolderState::Unknown;
    }
    if pid == std::process::id() {
        return match k {
            Some(k) if !in_flight(k) => HolderState::Dead,
            _ => HolderState::Running,
        };
    }
    if Path::new("/proc").join(pid.to_string()).exists() {
        HolderState::Running
    } else {
        HolderState::Dead
    }
}

fn in_flight(k: u64) -> bool {
    let guard = IN_FLIGHT.lock().unwrap_or_else(|p| p.into_inner());
    guard.as_ref().is_some_and(|s| s.contains(&k))
}

/// Marks a holder number as running for as long as it lives; dropped on unwind too, so a
/// panic leaves a lock the next caller of this process recognises as stale.
struct InFlight(u64);

impl InFlight {
    fn new() -> Self {
        let k = NEXT.fetch_add(1, Ordering::Relaxed);
        let mut guard = IN_FLIGHT.lock().unwrap_or_else(|p| p.into_inner());
        guard.get_or_insert_with(HashSet::new).insert(k);
        Self(k)
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        let mut guard = IN_FLIGHT.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(set) = guard.as_mut() {
            set.remove(&self.0);
        }
    }
}

/// A lock this process holds. Release it with [`HeldLock::release`]; if it is dropped
/// instead (an error path, a panic), the row stays but reads as stale to the next taker.
pub struct HeldLock {
    name: String,
    holder: String,
    _in_flight: InFlight,
}

impl HeldLock {
    /// Takes the named lock, waiting (polling) up to `wait` while a live holder has it.
    pub fn acquire(
        conn: &mut DbConnection,
        name: &str,
        wait: Duration,
        stale_after: chrono::Duration,
    ) -> Result<Self, StoreError> {
        let in_flight = InFlight::new();
        let holder = format!(
            "pid {} on {} #{}",
            std::process::id(),
            hostname(),
            in_flight.0
        );
        let started = Instant::now();
        let mut pause = Duration::from_millis(50);
        loop {
            match crawl_state::acquire_lock(conn, name, &holder, store::now(), stale_after) {
                Ok(()) => {
                    return Ok(Self {
                        name: name.to_owned(),
                        holder,
                        _in_flight: in_flight,
                    })
                }
                Err(StoreError::Locked(msg)) => {
                    if let Some(other) = crawl_state::lock_holder(conn, name)? {
                        if holder_state(&other) == HolderState::Dead
                            && crawl_state::take_over_lock(
                                conn,
                                name,
                                &other,
                                &holder,
                                store::now(),
                            )?
                        {
                            tracing::warn!(lock = name, previous = %other, "took over a lock whose holder is gone");
                            return Ok(Self {
                                name: name.to_owned(),
                                holder,
                                _in_flight: in_flight,
                            });
                        }
                    }
                    if started.elapsed() >= wait {
                        return Err(StoreError::Locked(format!(
                            "{msg} (gave up after waiting {} s for the {name} lock)",
                            wait.as_secs()
                        )));
                    }
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_millis(500));
                }
                Err(e) => return Err(e),
            }
        }
    }

    pub fn holder(&self) -> &str {
        &self.holder
    }

    /// Tells other processes this holder is still at work.
    pub fn heartbeat(&self, conn: &mut DbConnection) -> Result<(), StoreError> {
        crawl_state::heartbeat(conn, &self.name, &self.holder, store::now())
    }

    pub fn release(self, conn: &mut DbConnection) -> Result<(), StoreError> {
        crawl_state::release_lock(conn, &self.name, &self.holder)
    }
}

/// Beats a held lock's heartbeat on its own thread while a long job (a crawl) runs, so that
/// other processes do not take it over as stale.
pub struct Heartbeat(Periodic);

impl Heartbeat {
    pub fn start(pool: DbPool, lock: &HeldLock, every: Duration) -> Self {
        let (name, holder) = (lock.name.clone(), lock.holder.clone());
        Self(Periodic::start(every, move || {
            if let Ok(mut conn) = pool.get() {
                if let Err(e) = crawl_state::heartbeat(&mut conn, &name, &holder, store::now()) {
                    tracing::warn!(lock = %name, error = %e, "lock heartbeat failed");
                }
            }
            every
        }))
    }

    pub fn stop(self) {
        self.0.stop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holders_of_this_host_are_judged_by_their_process() {
        let host = hostname();
        let me = std::process::id();
        assert_eq!(
            holder_state(&format!("pid {me} on {host}")),
            HolderState::Running
        );
        // Process IDs are bounded by pid_max (at most 2^22): this one cannot exist.
        assert_eq!(
            holder_state(&format!("pid 4294967 on {host}")),
            HolderState::Dead
        );
        assert_eq!(
            holder_state("pid 1 on some-other-host"),
            HolderState::Unknown
        );
        assert_eq!(holder_state("someone"), HolderState::Unknown);
        let running = InFlight::new();
        assert_eq!(
            holder_state(&format!("pid {me} on {host} #{}", running.0)),
            HolderState::Running
        );
        let gone = running.0;
        drop(running);
        assert_eq!(
            holder_state(&format!("pid {me} on {host} #{gone}")),
            HolderState::Dead
        );
    }

    fn pool() -> (tempfile::TempDir, crate::store::DbPool) {
        let dir = tempfile::tempdir().unwrap();
        let pool = crate::store::connect(&dir.path().join("t.db").to_string_lossy(), 4).unwrap();
        (dir, pool)
    }

    #[test]
    fn a_second_taker_waits_for_the_first_or_gives_up_naming_it() {
        let (_dir, pool) = pool();
        let stale = chrono::Duration::minutes(30);
        let first =
            HeldLock::acquire(&mut pool.get().unwrap(), "resolve", Duration::ZERO, stale).unwrap();
        let Err(StoreError::Locked(msg)) = HeldLock::acquire(
            &mut pool.get().unwrap(),
            "resolve",
            Duration::from_millis(200),
            stale,
        ) else {
            panic!("a running holder keeps its lock");
        };
        assert!(msg.contains(first.holder()), "{msg}");

        let waiter = {
            let pool = pool.clone();
            std::thread::spawn(move || {
                let started = Instant::now();
                let lock = HeldLock::acquire(
                    &mut pool.get().unwrap(),
                    "resolve",
                    Duration::from_secs(20),
                    stale,
                )
                .unwrap();
                let waited = started.elapsed();
                lock.release(&mut pool.get().unwrap()).unwrap();
                waited
            })
        };
        std::thread::sleep(Duration::from_millis(300));
        first.release(&mut pool.get().unwrap()).unwrap();
        assert!(waiter.join().unwrap() >= Duration::from_millis(250));
        assert_eq!(
            crawl_state::lock_holder(&mut pool.get().unwrap(), "resolve").unwrap(),
            None
        );
    }

    #[test]
    fn a_dead_holder_is_taken_over_at_once() {
        let (_dir, pool) = pool();
        let mut conn = pool.get().unwrap();
        let dead = format!("pid 4294967 on {} #1", hostname());
        crawl_state::acquire_lock(
            &mut conn,
            "resolve",
            &dead,
            store::now(),
            chrono::Duration::zero(),
        )
        .unwrap();
        let lock = HeldLock::acquire(
            &mut conn,
            "resolve",
            Duration::ZERO,
            chrono::Duration::minutes(30),
        )
        .unwrap();
        assert_eq!(
            crawl_state::lock_holder(&mut conn, "resolve")
                .unwrap()
                .as_deref(),
            Some(lock.holder())
        );
        // A panic (the holder dropped without release) leaves a lock the next taker of this
        // process recognises as stale.
        drop(lock);
        let again = HeldLock::acquire(
            &mut conn,
            "resolve",
            Duration::ZERO,
            chrono::Duration::minutes(30),
        )
        .unwrap();
        again.release(&mut conn).unwrap();
    }

    #[test]
    fn host_names_with_spaces_and_hashes_parse() {
        assert_eq!(
            parse_holder("pid 12 on my host #3"),
            Some((12, "my host", Some(3)))
        );
        assert_eq!(parse_holder("pid 12 on h"), Some((12, "h", None)));
        assert_eq!(parse_holder("pid x on h"), None);
    }
}
