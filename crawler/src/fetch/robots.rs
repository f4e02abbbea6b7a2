//! robots.txt of each host: read once per crawl following RFC 9309, parsed into the rules the
//! fetcher caches, and checked before every request.

use super::hop::{Hop, HopRequest};
use super::{lock, FetchError, Fetcher, ROBOTS_AGENT};
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;
use texting_robots::Robot;
use url::Url;

/// robots.txt files are read up to this size (RFC 9309 asks for at least 500 KiB).
const ROBOTS_SIZE_CAP: u64 = 512 * 1024;

#[derive(Clone)]
pub(super) enum RobotsRules {
    /// No robots.txt (4xx), or one we could not parse: everything is allowed.
    AllowAll,
    /// robots.txt could not be fetched (5xx, network): RFC 9309 says assume full disallow.
    Unreachable(String),
    Rules(Arc<Robot>),
}

impl RobotsRules {
    pub(super) fn parse(txt: &[u8]) -> Self {
        // The parser is fuzzed upstream, but a crawl must never die on a hostile file.
        match std::panic::catch_unwind(|| Robot::new(ROBOTS_AGENT, txt)) {
            Ok(Ok(robot)) => Self::Rules(Arc::new(robot)),
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "unparsable robots.txt ignored");
                Self::AllowAll
            }
            Err(_) => {
                tracing::warn!("robots.txt parser panicked; file ignored");
                Self::AllowAll
            }
        }
    }

    pub(super) fn crawl_delay(&self) -> Option<Duration> {
        match self {
            Self::Rules(robot) => robot
                .delay
                .filter(|d| d.is_finite() && *d > 0.0)
                .and_then(|d| Duration::try_from_secs_f32(d).ok()),
            _ => None,
        }
    }
}

impl Fetcher {
    pub(super) async fn check_robots(&self, url: &Url) -> Result<(), FetchError> {
        let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
        let cached = lock(&self.robots).get(&host).cloned();
        let rules = match cached {
            Some(r) => r,
            None => {
                let r = self.load_robots(url, &host).await;
                lock(&self.robots).insert(host.clone(), r.clone());
                r
            }
        };
        match rules {
            RobotsRules::AllowAll => Ok(()),
            RobotsRules::Unreachable(reason) => Err(FetchError::RobotsUnavailable { host, reason }),
            RobotsRules::Rules(robot) => {
                if robot.allowed(url.as_str()) {
                    Ok(())
                } else {
                    Err(FetchError::RobotsDisallowed(url.to_string()))
                }
            }
        }
    }

    /// Read robots.txt of `url`'s origin, following RFC 9309: a 4xx or an unfollowable
    /// redirect means no rules; a 5xx or network failure means the whole host is off limits.
    async fn load_robots(&self, url: &Url, host: &str) -> RobotsRules {
        let Ok(mut robots_url) = url.join("/robots.txt") else {
            return RobotsRules::AllowAll;
        };
        robots_url.set_query(None);
        let mut visited = HashSet::from([robots_url.as_str().to_string()]);
        for _ in 0..=self.config.max_redirects {
            if self.check_allowed(&robots_url).is_err() {
                return RobotsRules::AllowAll;
            }
            let hr = HopRequest {
                source: "",
                url: &robots_url,
                method: crate::request::Method::Get,
                form: &[],
                validators: None,
                size_cap: ROBOTS_SIZE_CAP,
                timeout: self.config.timeout,
                min_interval: None,
            };
            match self.hop_with_retries(&hr).await {
                Ok(Hop::Redirect(next)) => {
                    if !visited.insert(next.as_str().to_string()) {
                        return RobotsRules::AllowAll;
                    }
                    robots_url = next;
                }
                Ok(Hop::Body { raw, .. }) => {
                    let rules = RobotsRules::parse(raw.in_memory().unwrap_or_default());
                    if let Some(delay) = rules.crawl_delay() {
                        let delay = delay.min(self.config.max_crawl_delay);
                        tracing::debug!(host, ?delay, "robots.txt crawl-delay");
                        self.set_crawl_delay(host, delay);
                    }
                    return rules;
                }
                Ok(Hop::NotModified | Hop::Status(_)) => return RobotsRules::AllowAll,
                Err(FetchError::TooLarge { .. }) => return RobotsRules::AllowAll,
                Err(e) if e.is_server_or_network() => {
                    tracing::warn!(host, error = %e, "robots.txt unreachable");
                    return RobotsRules::Unreachable(e.to_string());
                }
                Err(_) => return RobotsRules::AllowAll,
            }
        }
        RobotsRules::AllowAll
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_groups_and_delay() {
        let r = RobotsRules::parse(
            b"User-agent: *\nDisallow: /private/\nCrawl-delay: 2\n\nUser-agent: mieru\nDisallow: /secret\nCrawl-delay: 1.5\n",
        );
        let RobotsRules::Rules(robot) = &r else {
            panic!("expected rules");
        };
        assert!(!robot.allowed("https://www.mhlw.go.jp/secret/x.html"));
        // Our own group replaces the `*` group.
        assert!(robot.allowed("https://www.mhlw.go.jp/private/x.html"));
        assert_eq!(r.crawl_delay(), Some(Duration::from_millis(1500)));
    }

    #[test]
    fn garbage_allows() {
        let r = RobotsRules::parse(&[0xff, 0xfe, 0x00, 0x01]);
        assert!(r.crawl_delay().is_none());
    }
}
