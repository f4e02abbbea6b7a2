//! The per-host rate limit and robots.txt crawl delays: when the next request to a host may go.

use super::{lock, Fetcher};
use std::time::Duration;
use tokio::time::Instant;

#[derive(Debug, Clone, Copy)]
pub(super) struct HostGate {
    next: Instant,
    crawl_delay: Option<Duration>,
}

impl Fetcher {
    /// Wait for this host's next free slot under the rate limit and any crawl delay.
    /// `min_interval` is the source's own pace (jRCT asks for one request per 10 s).
    pub(super) async fn wait_turn(&self, host: &str, min_interval: Option<Duration>) {
        let base = interval_for(self.config.rate_per_sec).max(min_interval.unwrap_or_default());
        let wait = {
            let mut gates = lock(&self.gates);
            let now = Instant::now();
            let gate = gates.entry(host.to_string()).or_insert(HostGate {
                next: now,
                crawl_delay: None,
            });
            let interval = base.max(gate.crawl_delay.unwrap_or(Duration::ZERO));
            let slot = gate.next.max(now);
            gate.next = slot + interval;
            slot - now
        };
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }

    /// Slow `host` down to one request per `delay` (a robots.txt `Crawl-delay`), if the
    /// rate limit is not already slower.
    pub(super) fn set_crawl_delay(&self, host: &str, delay: Duration) {
        let mut gates = lock(&self.gates);
        let gate = gates.entry(host.to_string()).or_insert(HostGate {
            next: Instant::now(),
            crawl_delay: None,
        });
        gate.crawl_delay = Some(delay);
    }

    /// Forget every host's crawl delay (robots.txt is read afresh by the next crawl).
    pub(super) fn clear_crawl_delays(&self) {
        for gate in lock(&self.gates).values_mut() {
            gate.crawl_delay = None;
        }
    }
}

fn interval_for(rate_per_sec: f64) -> Duration {
    if rate_per_sec.is_nan() || rate_per_sec <= 0.0 {
        // A nonsensical rate falls back to the polite default rather than to no limit.
        Duration::from_secs(1)
    } else {
        Duration::try_from_secs_f64(1.0 / rate_per_sec).unwrap_or(Duration::ZERO)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals() {
        assert_eq!(interval_for(1.0), Duration::from_secs(1));
        assert_eq!(interval_for(4.0), Duration::from_millis(250));
        assert_eq!(interval_for(0.0), Duration::from_secs(1));
        assert_eq!(interval_for(f64::NAN), Duration::from_secs(1));
        assert_eq!(interval_for(f64::INFINITY), Duration::ZERO);
    }
}
