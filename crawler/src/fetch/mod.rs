//! The polite, safe fetcher.
//!
//! Every request goes through the same gates, in order: the URL's real host must be on the
//! allowlist (the union of the adapters' hosts), robots.txt of that host must allow the path,
//! and the per-host rate limit must have a free slot. Redirects are followed by hand so each hop
//! passes the same gates; bodies are streamed against a size cap. Mirrors (`--mirror`) change
//! only where bytes come from: documents are always described by their real URL.

mod robots;

use crate::adapter::Adapter;
use crate::mirror::MirrorMap;
use crate::provenance::DocumentMeta;
use crate::sink::Validators;
use chrono::Utc;
use reqwest::header::{self, HeaderMap};
use reqwest::StatusCode;
use robots::RobotsRules;
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;
use tokio::time::Instant;
use url::Url;

/// The user agent sent with every request (and matched against robots.txt as `mieru`).
pub const USER_AGENT: &str = concat!(
    "mieru/",
    env!("CARGO_PKG_VERSION"),
    " (+https://github.com/mieru-registry/mieru)"
);

/// The product token robots.txt groups are matched against.
pub const ROBOTS_AGENT: &str = "mieru";

/// robots.txt files are read up to this size (RFC 9309 asks for at least 500 KiB).
const ROBOTS_SIZE_CAP: u64 = 512 * 1024;

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
            max_crawl_delay: Duration::from_secs(60),
        }
    }
}

/// The result of a successful fetch.
// One value per fetch, moved once: boxing the metadata would only add noise for callers.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum FetchOutcome {
    /// A body was received. `meta.url` is the real URL of the final hop.
    Fetched { meta: DocumentMeta, raw: Vec<u8> },
    /// The server answered 304 to a conditional GET.
    NotModified,
    /// The server answered 404 or 410.
    Gone(u16),
}

#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum FetchError {
    #[error("host not on the allowlist: {0}")]
    HostNotAllowed(String),
    #[error("not an http(s) URL with a host: {0}")]
    UnsupportedUrl(String),
    #[error("robots.txt disallows {0}")]
    RobotsDisallowed(String),
    #[error(
        "robots.txt of {host} could not be read ({reason}); the host is treated as disallowed"
    )]
    RobotsUnavailable { host: String, reason: String },
    #[error("body larger than the {limit}-byte cap{}", declared.map(|d| format!(" (declared {d} bytes)")).unwrap_or_default())]
    TooLarge { limit: u64, declared: Option<u64> },
    #[error("more than {0} redirects")]
    TooManyRedirects(usize),
    #[error("redirect loop back to {0}")]
    RedirectLoop(String),
    #[error("HTTP status {0}")]
    Http(u16),
    #[error("timed out")]
    Timeout,
    #[error("body truncated after {received} bytes{}", expected.map(|e| format!(" of {e}")).unwrap_or_default())]
    Truncated {
        received: u64,
        expected: Option<u64>,
    },
    #[error("network error: {0}")]
    Network(String),
    #[error("HTTP client could not be built: {0}")]
    Setup(String),
}

impl FetchError {
    /// Whether the failure lies with the server or the network (as opposed to a refusal by
    /// our own rules or a permanent answer). Such a failure makes a crawl incomplete.
    pub fn is_server_or_network(&self) -> bool {
        match self {
            Self::Http(s) => *s >= 500 || *s == 429,
            Self::Timeout
            | Self::Truncated { .. }
            | Self::Network(_)
            | Self::RobotsUnavailable { .. } => true,
            _ => false,
        }
    }

    /// Worth another attempt after a pause.
    fn is_retryable(&self) -> bool {
        match self {
            Self::Http(s) => *s >= 500 || *s == 429,
            Self::Timeout | Self::Truncated { .. } | Self::Network(_) => true,
            _ => false,
        }
    }
}

/// One attempt's failure, with the server's `Retry-After` when it gave one.
struct AttemptError {
    error: FetchError,
    retry_after: Option<Duration>,
}

impl From<FetchError> for AttemptError {
    fn from(error: FetchError) -> Self {
        Self {
            error,
            retry_after: None,
        }
    }
}

/// What one request (one hop) answered.
enum Hop {
    Redirect(Url),
    NotModified,
    /// Any final non-2xx status that is not retried (404, 410, 403 …).
    Status(u16),
    Body {
        status: u16,
        headers: HeaderMap,
        raw: Vec<u8>,
    },
}

#[derive(Debug, Clone, Copy)]
struct HostGate {
    next: Instant,
    crawl_delay: Option<Duration>,
}

pub struct Fetcher {
    client: reqwest::Client,
    config: FetchConfig,
    allowed_hosts: HashSet<String>,
    mirrors: MirrorMap,
    robots: Mutex<HashMap<String, RobotsRules>>,
    gates: Mutex<HashMap<String, HostGate>>,
}

impl std::fmt::Debug for Fetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fetcher")
            .field("config", &self.config)
            .field("allowed_hosts", &self.allowed_hosts)
            .field("mirrors", &self.mirrors)
            .finish_non_exhaustive()
    }
}

/// Lock a mutex whose data stays consistent even if a holder panicked (plain maps).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Fetcher {
    pub fn new<'a>(
        config: FetchConfig,
        allowed_hosts: impl IntoIterator<Item = &'a str>,
        mirrors: MirrorMap,
    ) -> Result<Self, FetchError> {
        let client = reqwest::Client::builder()
            .user_agent(config.user_agent.clone())
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(config.timeout.min(Duration::from_secs(10)))
            .build()
            .map_err(|e| FetchError::Setup(error_chain(&e)))?;
        Ok(Self {
            client,
            config,
            allowed_hosts: allowed_hosts
                .into_iter()
                .map(str::to_ascii_lowercase)
                .collect(),
            mirrors,
            robots: Mutex::new(HashMap::new()),
            gates: Mutex::new(HashMap::new()),
        })
    }

    /// A fetcher allowed exactly the union of the adapters' hosts.
    pub fn for_adapters(
        config: FetchConfig,
        adapters: &[&dyn Adapter],
        mirrors: MirrorMap,
    ) -> Result<Self, FetchError> {
        let hosts: Vec<&str> = adapters
            .iter()
            .flat_map(|a| a.hosts().iter().copied())
            .collect();
        Self::new(config, hosts, mirrors)
    }

    pub fn config(&self) -> &FetchConfig {
        &self.config
    }

    pub fn mirrors(&self) -> &MirrorMap {
        &self.mirrors
    }

    pub fn is_host_allowed(&self, host: &str) -> bool {
        self.allowed_hosts.contains(&host.to_ascii_lowercase())
    }

    /// Forget robots.txt rules and crawl delays, so the next crawl reads robots.txt afresh.
    pub fn begin_crawl(&self) {
        lock(&self.robots).clear();
        for gate in lock(&self.gates).values_mut() {
            gate.crawl_delay = None;
        }
    }

    /// Fetch one document by its real URL for `source`, sending `validators` as a conditional
    /// GET. Validators go to the first hop only: after a redirect they describe another URL.
    pub async fn fetch(
        &self,
        source: &str,
        url: &Url,
        validators: Option<&Validators>,
    ) -> Result<FetchOutcome, FetchError> {
        let mut current = url.clone();
        current.set_fragment(None);
        let mut visited: HashSet<String> = HashSet::from([current.as_str().to_string()]);
        let mut validators = validators;
        let mut redirects = 0usize;
        loop {
            self.check_allowed(&current)?;
            self.check_robots(&current).await?;
            match self
                .hop_with_retries(&current, validators, self.config.size_cap)
                .await?
            {
                Hop::Redirect(mut next) => {
                    redirects += 1;
                    if redirects > self.config.max_redirects {
                        return Err(FetchError::TooManyRedirects(self.config.max_redirects));
                    }
                    next.set_fragment(None);
                    if !visited.insert(next.as_str().to_string()) {
                        return Err(FetchError::RedirectLoop(next.to_string()));
                    }
                    tracing::debug!(from = %current, to = %next, "redirect");
                    current = next;
                    validators = None;
                }
                Hop::NotModified => return Ok(FetchOutcome::NotModified),
                Hop::Status(s @ (404 | 410)) => return Ok(FetchOutcome::Gone(s)),
                Hop::Status(s) => return Err(FetchError::Http(s)),
                Hop::Body {
                    status,
                    headers,
                    raw,
                } => {
                    let meta = DocumentMeta {
                        source: source.to_string(),
                        url: current.to_string(),
                        fetched_at: Utc::now(),
                        http_status: status,
                        content_type: header_string(&headers, header::CONTENT_TYPE),
                        etag: header_string(&headers, header::ETAG),
                        last_modified: header_string(&headers, header::LAST_MODIFIED),
                        sha256: hex::encode(Sha256::digest(&raw)),
                        size: raw.len() as u64,
                        encoding: None,
                    };
                    return Ok(FetchOutcome::Fetched { meta, raw });
                }
            }
        }
    }

    fn check_allowed(&self, url: &Url) -> Result<(), FetchError> {
        let host = match (url.scheme(), url.host_str()) {
            ("http" | "https", Some(h)) => h,
            _ => return Err(FetchError::UnsupportedUrl(url.to_string())),
        };
        if self.is_host_allowed(host) {
            Ok(())
        } else {
            Err(FetchError::HostNotAllowed(host.to_string()))
        }
    }

    async fn check_robots(&self, url: &Url) -> Result<(), FetchError> {
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
            match self
                .hop_with_retries(&robots_url, None, ROBOTS_SIZE_CAP)
                .await
            {
                Ok(Hop::Redirect(next)) => {
                    if !visited.insert(next.as_str().to_string()) {
                        return RobotsRules::AllowAll;
                    }
                    robots_url = next;
                }
                Ok(Hop::Body { raw, .. }) => {
                    let rules = RobotsRules::parse(&raw);
                    if let Some(delay) = rules.crawl_delay() {
                        let delay = delay.min(self.config.max_crawl_delay);
                        tracing::debug!(host, ?delay, "robots.txt crawl-delay");
                        let mut gates = lock(&self.gates);
                        let gate = gates.entry(host.to_string()).or_insert(HostGate {
                            next: Instant::now(),
                            crawl_delay: None,
                        });
                        gate.crawl_delay = Some(delay);
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

    /// Wait for this host's next free slot under the rate limit and any crawl delay.
    async fn wait_turn(&self, host: &str) {
        let base = interval_for(self.config.rate_per_sec);
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

    async fn hop_with_retries(
        &self,
        real: &Url,
        validators: Option<&Validators>,
        size_cap: u64,
    ) -> Result<Hop, FetchError> {
        let host = real.host_str().unwrap_or_default().to_ascii_lowercase();
        let mut attempt = 0u32;
        loop {
            self.wait_turn(&host).await;
            let err = match self.hop_once(real, validators, size_cap).await {
                Ok(hop) => return Ok(hop),
                Err(e) => e,
            };
            if !err.error.is_retryable() || attempt >= self.config.max_retries {
                return Err(err.error);
            }
            let backoff = self
                .config
                .retry_base_delay
                .saturating_mul(2u32.saturating_pow(attempt));
            let delay = match err.retry_after {
                Some(ra) if ra > self.config.max_retry_delay => {
                    tracing::warn!(url = %real, retry_after = ?ra, "Retry-After too long; giving up");
                    return Err(err.error);
                }
                Some(ra) => ra.max(backoff),
                None => backoff,
            }
            .min(self.config.max_retry_delay);
            attempt += 1;
            tracing::info!(url = %real, error = %err.error, attempt, ?delay, "retrying");
            tokio::time::sleep(delay).await;
        }
    }

    async fn hop_once(
        &self,
        real: &Url,
        validators: Option<&Validators>,
        size_cap: u64,
    ) -> Result<Hop, AttemptError> {
        let target = self.mirrors.to_mirror(real);
        let mut req = self
            .client
            .get(target.clone())
            .timeout(self.config.timeout)
            .header(header::ACCEPT_LANGUAGE, "ja,en;q=0.5");
        if let Some(v) = validators {
            if let Some(etag) = &v.etag {
                req = req.header(header::IF_NONE_MATCH, etag);
            }
            if let Some(lm) = &v.last_modified {
                req = req.header(header::IF_MODIFIED_SINCE, lm);
            }
        }
        let mut resp = req.send().await.map_err(|e| map_send_error(&e))?;
        let status = resp.status();
        if status.is_redirection() && status != StatusCode::NOT_MODIFIED {
            let Some(location) = header_string(resp.headers(), header::LOCATION) else {
                return Ok(Hop::Status(status.as_u16()));
            };
            let next = target
                .join(&location)
                .map_err(|_| FetchError::UnsupportedUrl(location.clone()))?;
            // A mirror answers with mirror URLs; map them back so the next hop is checked
            // against the real host it stands for.
            let next = self.mirrors.to_real(&next).unwrap_or(next);
            return Ok(Hop::Redirect(next));
        }
        if status == StatusCode::NOT_MODIFIED {
            return Ok(Hop::NotModified);
        }
        if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS {
            return Err(AttemptError {
                error: FetchError::Http(status.as_u16()),
                retry_after: retry_after(resp.headers()),
            });
        }
        if !status.is_success() {
            return Ok(Hop::Status(status.as_u16()));
        }
        let declared = resp.content_length();
        if let Some(len) = declared {
            if len > size_cap {
                return Err(FetchError::TooLarge {
                    limit: size_cap,
                    declared: Some(len),
                }
                .into());
            }
        }
        let initial = declared
            .unwrap_or(64 * 1024)
            .min(size_cap)
            .min(4 * 1024 * 1024);
        let mut raw: Vec<u8> = Vec::with_capacity(usize::try_from(initial).unwrap_or(0));
        loop {
            match resp.chunk().await {
                Ok(Some(chunk)) => {
                    if raw.len() as u64 + chunk.len() as u64 > size_cap {
                        // Dropping the response closes the connection: the rest is never read.
                        return Err(FetchError::TooLarge {
                            limit: size_cap,
                            declared,
                        }
                        .into());
                    }
                    raw.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => return Err(map_body_error(&e, raw.len() as u64, declared).into()),
            }
        }
        if let Some(len) = declared {
            if (raw.len() as u64) < len {
                return Err(FetchError::Truncated {
                    received: raw.len() as u64,
                    expected: Some(len),
                }
                .into());
            }
        }
        Ok(Hop::Body {
            status: status.as_u16(),
            headers: resp.headers().clone(),
            raw,
        })
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

fn header_string(headers: &HeaderMap, name: header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// `Retry-After` as seconds or as an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let v = header_string(headers, header::RETRY_AFTER)?;
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = chrono::DateTime::parse_from_rfc2822(&v).ok()?;
    let secs = (at.with_timezone(&Utc) - Utc::now()).num_milliseconds();
    Some(Duration::from_millis(u64::try_from(secs).unwrap_or(0)))
}

/// The error and its causes on one line (reqwest's own message hides the cause).
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut msg = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

fn map_send_error(e: &reqwest::Error) -> FetchError {
    if e.is_timeout() {
        FetchError::Timeout
    } else {
        FetchError::Network(error_chain(e))
    }
}

fn map_body_error(e: &reqwest::Error, received: u64, expected: Option<u64>) -> FetchError {
    if e.is_timeout() {
        FetchError::Timeout
    } else if e.is_body() || e.is_decode() {
        // hyper reports a connection closed mid-body as a body error.
        FetchError::Truncated { received, expected }
    } else {
        FetchError::Network(error_chain(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_forms() {
        let mut h = HeaderMap::new();
        h.insert(header::RETRY_AFTER, "7".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(7)));
        h.insert(
            header::RETRY_AFTER,
            "Sun, 06 Nov 1994 08:49:37 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&h), Some(Duration::ZERO));
        h.insert(header::RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(retry_after(&h), None);
    }

    #[test]
    fn intervals() {
        assert_eq!(interval_for(1.0), Duration::from_secs(1));
        assert_eq!(interval_for(4.0), Duration::from_millis(250));
        assert_eq!(interval_for(0.0), Duration::from_secs(1));
        assert_eq!(interval_for(f64::NAN), Duration::from_secs(1));
        assert_eq!(interval_for(f64::INFINITY), Duration::ZERO);
    }

    #[test]
    fn error_classes() {
        assert!(FetchError::Http(503).is_server_or_network());
        assert!(FetchError::Http(429).is_retryable());
        assert!(!FetchError::Http(403).is_server_or_network());
        assert!(!FetchError::HostNotAllowed("x".into()).is_retryable());
        assert!(!FetchError::TooLarge {
            limit: 1,
            declared: None
        }
        .is_retryable());
        assert!(FetchError::Truncated {
            received: 1,
            expected: Some(2)
        }
        .is_server_or_network());
    }

    #[tokio::test]
    async fn refuses_unlisted_hosts_and_schemes() {
        let f = Fetcher::new(
            FetchConfig::default(),
            ["www.mhlw.go.jp"],
            MirrorMap::default(),
        )
        .unwrap();
        let u = Url::parse("https://evil.example/x").unwrap();
        assert_eq!(
            f.fetch("t", &u, None).await,
            Err(FetchError::HostNotAllowed("evil.example".into()))
        );
        let u = Url::parse("ftp://www.mhlw.go.jp/x").unwrap();
        assert!(matches!(
            f.fetch("t", &u, None).await,
            Err(FetchError::UnsupportedUrl(_))
        ));
    }
}
