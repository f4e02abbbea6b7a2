//! robots.txt rules of one host, as the fetcher caches them for a crawl.

use super::ROBOTS_AGENT;
use std::sync::Arc;
use std::time::Duration;
use texting_robots::Robot;

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
