//! The polite, safe fetcher.
//!
//! Every request goes through the same gates, in order: the URL's real host must be on the
//! allowlist (the union of the adapters' hosts), robots.txt of that host must allow the path,
//! and the per-host rate limit must have a free slot. Redirects are followed by hand so each hop
//! passes the same gates; bodies are streamed against a size cap. Mirrors (`--mirror`) change
//! only where bytes come from: documents are always described by their real URL.
//!
//! The parts: `config` (limits and identity), `error` (why a fetch failed), `robots`
//! (robots.txt), `pacing` (per-host rate limit and crawl delays) and `hop` (one request,
//! retried); this module follows redirects through them and describes what was fetched.

mod body;
mod config;
mod error;
mod hop;
mod pacing;
mod robots;

pub use crate::raw_body::{RawBody, SpooledFile};
pub use config::{FetchConfig, ROBOTS_AGENT, USER_AGENT};
pub use error::FetchError;

use crate::adapter::{Adapter, SourceLimits};
use crate::mirror::MirrorMap;
use crate::provenance::DocumentMeta;
use crate::request::{Method, Request};
use crate::sink::Validators;
use chrono::Utc;
use error::error_chain;
use hop::{header_string, Hop, HopRequest};
use pacing::HostGate;
use reqwest::header;
use robots::RobotsRules;
use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;
use url::Url;

/// The result of a successful fetch.
// One value per fetch, moved once: boxing the metadata would only add noise for callers.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, PartialEq)]
pub enum FetchOutcome {
    /// A body was received. `meta.url` is the real URL of the final hop (for a form download,
    /// the request's document name).
    Fetched { meta: DocumentMeta, raw: RawBody },
    /// The server answered 304 to a conditional GET.
    NotModified,
    /// The server answered 404 or 410.
    Gone(u16),
}

pub struct Fetcher {
    /// One client per source, each with its own cookie jar for this crawl (a form token is
    /// bound to the session that read the page).
    clients: Mutex<HashMap<String, reqwest::Client>>,
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
        // Built once up front so that a bad setup fails here, not on the first request.
        let probe = build_client(&config)?;
        Ok(Self {
            clients: Mutex::new(HashMap::from([(String::new(), probe)])),
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

    /// Forget robots.txt rules, crawl delays and cookies, so the next crawl starts afresh.
    pub fn begin_crawl(&self) {
        lock(&self.robots).clear();
        lock(&self.clients).retain(|source, _| source.is_empty());
        self.clear_crawl_delays();
    }

    /// The client of `source`, with its own cookie jar (robots.txt uses the shared one).
    fn client_for(&self, source: &str) -> Result<reqwest::Client, FetchError> {
        let mut clients = lock(&self.clients);
        if let Some(c) = clients.get(source) {
            return Ok(c.clone());
        }
        let client = build_client(&self.config)?;
        clients.insert(source.to_string(), client.clone());
        Ok(client)
    }

    /// Fetch one document by its real URL for `source` (a GET), sending `validators` as a
    /// conditional request.
    pub async fn fetch(
        &self,
        source: &str,
        url: &Url,
        validators: Option<&Validators>,
    ) -> Result<FetchOutcome, FetchError> {
        let request = Request::get(url.clone());
        self.send(source, &request, validators, &SourceLimits::default())
            .await
    }

    /// Send one request for `source` under its limits. Validators go to the first hop only:
    /// after a redirect they describe another URL. A POST answered by a redirect continues as
    /// a GET, as browsers do. Every hop passes the allowlist, robots.txt and the rate limit.
    pub async fn send(
        &self,
        source: &str,
        request: &Request,
        validators: Option<&Validators>,
        limits: &SourceLimits,
    ) -> Result<FetchOutcome, FetchError> {
        let mut current = request.url.clone();
        current.set_fragment(None);
        let mut visited: HashSet<String> = HashSet::from([current.as_str().to_string()]);
        let mut validators = validators;
        let mut method = request.method;
        let mut redirects = 0usize;
        loop {
            self.check_allowed(&current)?;
            self.check_robots(&current).await?;
            let hr = HopRequest {
                source,
                url: &current,
                method,
                form: if method == Method::Post {
                    &request.form
                } else {
                    &[]
                },
                validators,
                size_cap: limits.size_cap.unwrap_or(self.config.size_cap),
                timeout: limits.timeout.unwrap_or(self.config.timeout),
                min_interval: limits.min_interval,
            };
            match self.hop_with_retries(&hr).await? {
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
                    method = Method::Get;
                }
                Hop::NotModified => return Ok(FetchOutcome::NotModified),
                Hop::Status(s @ (404 | 410)) => return Ok(FetchOutcome::Gone(s)),
                Hop::Status(s) => return Err(FetchError::Http(s)),
                Hop::Body {
                    status,
                    headers,
                    raw,
                    sha256,
                } => {
                    // A document is named by its request (a form download by its file, a Web-API
                    // answer without the user's application ID); a redirected GET by where it
                    // ended up.
                    let url = if redirects > 0 && request.is_get() {
                        current.to_string()
                    } else {
                        request.key().to_string()
                    };
                    let meta = DocumentMeta {
                        source: source.to_string(),
                        url,
                        fetched_at: Utc::now(),
                        http_status: status,
                        content_type: header_string(&headers, header::CONTENT_TYPE),
                        etag: header_string(&headers, header::ETAG),
                        last_modified: header_string(&headers, header::LAST_MODIFIED),
                        sha256,
                        size: raw.len(),
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
}

fn build_client(config: &FetchConfig) -> Result<reqwest::Client, FetchError> {
    reqwest::Client::builder()
        .user_agent(config.user_agent.clone())
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .connect_timeout(config.timeout.min(Duration::from_secs(10)))
        .build()
        .map_err(|e| FetchError::Setup(error_chain(&e)))
}

#[cfg(test)]
mod tests {
    use super::*;

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
