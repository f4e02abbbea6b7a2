//! The counts `/healthz` reports, kept for a few seconds. Counting entities and documents costs
//! tens of milliseconds on a large registry (three COUNTs over 100,000s of rows); a health
//! endpoint that monitors and load balancers call constantly must not do that on every call,
//! nor let anyone on the internet make the database count at will. Liveness is still checked
//! on every call (a pooled connection is validated on check-out).

use std::sync::Mutex;
use std::time::{Duration, Instant};

use mieru_web::model::Health;

/// How long counts are reused: they change only when a resolve or an import publishes a new
/// data version, which takes far longer than this.
pub const HEALTH_TTL: Duration = Duration::from_secs(5);

#[derive(Debug)]
pub struct HealthCache {
    ttl: Duration,
    last: Mutex<Option<(Instant, Health)>>,
}

impl Default for HealthCache {
    fn default() -> Self {
        Self::new(HEALTH_TTL)
    }
}

impl HealthCache {
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            last: Mutex::new(None),
        }
    }

    /// The cached counts while fresh, else `count()`'s (which is then cached). An error is
    /// returned as is and never cached.
    pub fn get_or_count<E>(&self, count: impl FnOnce() -> Result<Health, E>) -> Result<Health, E> {
        if let Ok(last) = self.last.lock() {
            if let Some((at, h)) = last.as_ref() {
                if at.elapsed() < self.ttl {
                    return Ok(h.clone());
                }
            }
        }
        let fresh = count()?;
        if let Ok(mut last) = self.last.lock() {
            *last = Some((Instant::now(), fresh.clone()));
        }
        Ok(fresh)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn health(n: u64) -> Health {
        Health {
            status: "ok".into(),
            facilities: n,
            actions: 0,
            documents: 0,
        }
    }

    #[test]
    fn counts_once_per_ttl_and_never_caches_errors() {
        let calls = std::cell::Cell::new(0);
        let count = |n| {
            calls.set(calls.get() + 1);
            Ok::<_, String>(health(n))
        };
        let cache = HealthCache::new(Duration::from_secs(60));
        assert_eq!(cache.get_or_count(|| count(1)).unwrap().facilities, 1);
        assert_eq!(cache.get_or_count(|| count(2)).unwrap().facilities, 1);
        assert_eq!(calls.get(), 1);

        let failing = HealthCache::new(Duration::from_secs(60));
        assert!(failing
            .get_or_count(|| Err::<Health, _>("down".to_string()))
            .is_err());
        assert_eq!(failing.get_or_count(|| count(3)).unwrap().facilities, 3);

        let expired = HealthCache::new(Duration::ZERO);
        expired.get_or_count(|| count(4)).unwrap();
        assert_eq!(expired.get_or_count(|| count(5)).unwrap().facilities, 5);
    }
}
