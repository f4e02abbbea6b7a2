//! One request for one URL (a hop): sent through the mirror map with conditional headers,
//! retried with backoff and `Retry-After`, and answered as a redirect, a status or a body
//! streamed against the size cap.

use super::body::BodyWriter;
use super::error::{map_body_error, map_send_error};
use super::{FetchError, Fetcher};
use crate::raw_body::RawBody;
use crate::request::Method;
use crate::sink::Validators;
use chrono::Utc;
use reqwest::header::{self, HeaderMap};
use reqwest::StatusCode;
use std::time::Duration;
use url::Url;

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
pub(super) enum Hop {
    Redirect(Url),
    NotModified,
    /// Any final non-2xx status that is not retried (404, 410, 403 …).
    Status(u16),
    Body {
        status: u16,
        headers: HeaderMap,
        raw: RawBody,
        sha256: String,
    },
}

/// One hop as asked: where, how, and under which of the source's limits.
pub(super) struct HopRequest<'a> {
    pub source: &'a str,
    pub url: &'a Url,
    pub method: Method,
    pub form: &'a [(String, String)],
    pub validators: Option<&'a Validators>,
    pub size_cap: u64,
    pub timeout: Duration,
    pub min_interval: Option<Duration>,
}

impl Fetcher {
    pub(super) async fn hop_with_retries(&self, hr: &HopRequest<'_>) -> Result<Hop, FetchError> {
        let real = hr.url;
        let host = real.host_str().unwrap_or_default().to_ascii_lowercase();
        let mut attempt = 0u32;
        loop {
            self.wait_turn(&host, hr.min_interval).await;
            let err = match self.hop_once(hr).await {
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

    async fn hop_once(&self, hr: &HopRequest<'_>) -> Result<Hop, AttemptError> {
        let size_cap = hr.size_cap;
        let target = self.mirrors.to_mirror(hr.url);
        let client = self.client_for(hr.source)?;
        let mut req = match hr.method {
            Method::Get => client.get(target.clone()),
            Method::Post => client.post(target.clone()).form(hr.form),
        }
        .timeout(hr.timeout)
        .header(header::ACCEPT_LANGUAGE, "ja,en;q=0.5");
        if let Some(v) = hr.validators {
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
        let mut body = BodyWriter::new(
            self.config.spool_threshold,
            self.config.spool_dir.clone(),
            declared,
        );
        loop {
            match resp.chunk().await {
                Ok(Some(chunk)) => {
                    if body.size() + chunk.len() as u64 > size_cap {
                        // Dropping the response closes the connection: the rest is never read.
                        return Err(FetchError::TooLarge {
                            limit: size_cap,
                            declared,
                        }
                        .into());
                    }
                    body.write(&chunk)
                        .map_err(|e| FetchError::Spool(e.to_string()))?;
                }
                Ok(None) => break,
                Err(e) => return Err(map_body_error(&e, body.size(), declared).into()),
            }
        }
        if let Some(len) = declared {
            if body.size() < len {
                return Err(FetchError::Truncated {
                    received: body.size(),
                    expected: Some(len),
                }
                .into());
            }
        }
        let headers = resp.headers().clone();
        let (raw, sha256) = body
            .finish()
            .map_err(|e| FetchError::Spool(e.to_string()))?;
        Ok(Hop::Body {
            status: status.as_u16(),
            headers,
            raw,
            sha256,
        })
    }
}

pub(super) fn header_string(headers: &HeaderMap, name: header::HeaderName) -> Option<String> {
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
}
