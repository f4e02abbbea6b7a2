//! A daily cap on the public correction reports one client files. Reports are published at
//! once, so without a cap one client could fill the public log (tens of reports a second pass
//! the request rate limit). Counted per client as the rate limiter keys them (an IPv6 /64
//! is one client) and per UTC day; a request without a peer address (in-process tests) has no
//! client and is not capped.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::api::ratelimit::client_key;

/// Enough for a person correcting several records in one sitting.
pub const DEFAULT_PER_DAY: u32 = 20;
const DAY_SECS: u64 = 24 * 60 * 60;
/// Above this many tracked clients, the counts of earlier days are forgotten.
const SWEEP_ABOVE: usize = 10_000;

#[derive(Debug)]
pub struct ReportQuota {
    per_day: u32,
    /// Client → (UTC day number, reports filed that day).
    filed: Mutex<HashMap<IpAddr, (u64, u32)>>,
}

/// The UTC day number of `now`, and how long until the next day begins.
fn day_of(now: SystemTime) -> (u64, Duration) {
    let secs = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    (
        secs / DAY_SECS,
        Duration::from_secs(DAY_SECS - secs % DAY_SECS),
    )
}

impl ReportQuota {
    pub fn new(per_day: u32) -> Self {
        Self {
            per_day,
            filed: Mutex::new(HashMap::new()),
        }
    }

    fn with_counts<T>(&self, f: impl FnOnce(&mut HashMap<IpAddr, (u64, u32)>) -> T) -> T {
        let mut guard = self.filed.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut guard)
    }

    /// `Err(wait)` when `client` has filed its reports for today; `wait` runs to the next
    /// UTC day.
    pub fn check(&self, client: Option<IpAddr>, now: SystemTime) -> Result<(), Duration> {
        let Some(ip) = client else { return Ok(()) };
        let (today, wait) = day_of(now);
        let used = self.with_counts(|m| match m.get(&client_key(ip)) {
            Some(&(day, n)) if day == today => n,
            _ => 0,
        });
        if used >= self.per_day {
            Err(wait)
        } else {
            Ok(())
        }
    }

    /// Counts a report `client` has filed.
    pub fn record(&self, client: Option<IpAddr>, now: SystemTime) {
        let Some(ip) = client else { return };
        let (today, _) = day_of(now);
        self.with_counts(|m| {
            if m.len() > SWEEP_ABOVE {
                m.retain(|_, (day, _)| *day == today);
            }
            let entry = m.entry(client_key(ip)).or_insert((today, 0));
            if entry.0 != today {
                *entry = (today, 0);
            }
            entry.1 = entry.1.saturating_add(1);
        });
    }
}

/// The process-wide quota: `MIERU_REPORTS_PER_DAY` (a whole number ≥ 1), or the default.
pub fn report_quota() -> &'static ReportQuota {
    static QUOTA: OnceLock<ReportQuota> = OnceLock::new();
    QUOTA.get_or_init(|| {
        let per_day = match std::env::var("MIERU_REPORTS_PER_DAY") {
            Err(_) => DEFAULT_PER_DAY,
            Ok(v) => v
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|n| *n >= 1)
                .unwrap_or_else(|| {
                    tracing::warn!(value = %v, "invalid MIERU_REPORTS_PER_DAY; using the default");
                    DEFAULT_PER_DAY
                }),
        };
        ReportQuota::new(per_day)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn a_client_is_capped_for_the_rest_of_the_day_and_free_the_next() {
        let q = ReportQuota::new(2);
        let ip: IpAddr = "203.0.113.7".parse().unwrap();
        let noon = at(20_000 * DAY_SECS + 12 * 3600);
        for _ in 0..2 {
            assert_eq!(q.check(Some(ip), noon), Ok(()));
            q.record(Some(ip), noon);
        }
        assert_eq!(q.check(Some(ip), noon), Err(Duration::from_secs(12 * 3600)));
        // Another client is not affected; the next day starts afresh.
        assert_eq!(q.check(Some("203.0.113.8".parse().unwrap()), noon), Ok(()));
        assert_eq!(q.check(Some(ip), at(20_001 * DAY_SECS)), Ok(()));
    }

    #[test]
    fn an_ipv6_64_is_one_client_and_no_peer_is_never_capped() {
        let q = ReportQuota::new(1);
        let now = at(5 * DAY_SECS);
        q.record(Some("2001:db8:1:2::1".parse().unwrap()), now);
        assert!(q
            .check(Some("2001:db8:1:2::ffff".parse().unwrap()), now)
            .is_err());
        assert!(q
            .check(Some("2001:db8:1:3::1".parse().unwrap()), now)
            .is_ok());
        q.record(None, now);
        assert_eq!(q.check(None, now), Ok(()));
    }
}
