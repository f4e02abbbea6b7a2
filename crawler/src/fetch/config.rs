//! How the fetcher identifies itself and how hard it may press a host: the user agent, and
//! rate, retry, timeout, size and redirect limits.

use std::path::PathBuf;
use std::time::Duration;

/// The user agent sent with every request (and matched against robots.txt as `mieru`).
pub const USER_AGENT: &str = concat!(
    "mieru/",
    env!("CARGO_PKG_VERSION"),
    " (+https://github.com/mieru-registry/mieru)"
);

/// The product token robots.txt groups are matched against.
pub const ROBOTS_AGENT: &str = "mieru";

#[derive(Debug, Clone, PartialEq)]
pub struct FetchConfig {
    pub user_agent: String,
    /// Requests per second per host; robots.txt `Crawl-delay` slows this further, never speeds it.
    pub rate_per_sec: f64,
    /// Retries after the first attempt on 5xx, 429, timeouts and connection errors.
    pub max_retries: u32,
    /// First backoff delay; doubled on each retry.
    pub retry_base_delay: Duration,
    /// Longest single wait between attempts. A `Retry-After` longer than this gives up instead
    /// of stalling the crawl.
    pub max_retry_delay: Duration,
    /// Whole-request timeout, from connecting to the last body byte.
    pub timeout: Duration,
    /// Largest body accepted, in bytes.
    pub size_cap: u64,
    pub max_redirects: usize,
    /// Bodies larger than this are written to a spool file as they arrive, not kept in memory.
    pub spool_threshold: u64,
    /// Where spool files go (the archive's own directory, so that archiving is a rename);
    /// the system's temporary directory when `None`.
    pub spool_dir: Option<PathBuf>,
    /// Largest body decoded for an adapter; a larger one is archived and reported unread.
    pub decode_cap: u64,
    /// Upper bound on an honoured robots.txt `Crawl-delay`.
    pub max_crawl_delay: Duration,
}

impl Default for FetchConfig {
    fn default() -> Self {
        Self {
            user_agent: USER_AGENT.to_string(),
            rate_per_sec: 1.0,
            max_retries: 3,
            retry_base_delay: Duration::from_secs(1),
            max_retry_delay: Duration::from_secs(120),
            timeout: Duration::from_secs(30),
            size_cap: 20 * 1024 * 1024,
            max_redirects: 5,
            spool_threshold: 8 * 1024 * 1024,
            spool_dir: None,
            decode_cap: 256 * 1024 * 1024,
            max_crawl_delay: Duration::from_secs(60),
        }
    }
}
