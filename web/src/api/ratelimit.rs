//! Per-client rate limiting: a token bucket per client IP, kept in process.
//!
//! Each client may send `burst` requests at once and `per_second` on average; beyond that it
//! gets a 429 with `Retry-After`. A request takes tokens by what it costs the server
//! ([`request_cost`]): a search or a feed several, a historical version or an export file
//! more, a page one — so the limit bounds a client's share of the work, not its request count. IPv6 clients are keyed by their /64, since one host usually
//! owns a whole /64 and could otherwise rotate addresses. Requests without a peer address
//! (in-process test requests, never a TCP connection) are not limited: there is no client to
//! attribute them to.

use std::collections::HashMap;
use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{Service, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::HttpResponse;

use crate::errors::{ErrorBody, ErrorDetail};

/// Generous for people and scripts alike; tests set it low.
pub const DEFAULT_PER_SECOND: f64 = 20.0;
pub const DEFAULT_BURST: u32 = 60;
/// Above this many tracked clients, buckets that have refilled are forgotten.
const SWEEP_ABOVE: usize = 10_000;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimitConfig {
    /// Sustained requests per second per client (> 0).
    pub per_second: f64,
    /// Requests a client may send at once (≥ 1).
    pub burst: u32,
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        Self {
            per_second: DEFAULT_PER_SECOND,
            burst: DEFAULT_BURST,
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum RateLimitConfigError {
    #[error("rate limit: requests per second must be a number above 0, got {0:?}")]
    PerSecond(String),
    #[error("rate limit: burst must be an integer of at least 1, got {0:?}")]
    Burst(String),
}

impl RateLimitConfig {
    pub fn new(per_second: f64, burst: u32) -> Result<Self, RateLimitConfigError> {
        if !(per_second.is_finite() && per_second > 0.0) {
            return Err(RateLimitConfigError::PerSecond(per_second.to_string()));
        }
        if burst == 0 {
            return Err(RateLimitConfigError::Burst(burst.to_string()));
        }
        Ok(Self { per_second, burst })
    }

    /// From `MIERU_RATE_PER_SEC` and `MIERU_RATE_BURST` (each optional; defaults otherwise).
    pub fn from_env() -> Result<Self, RateLimitConfigError> {
        let read = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let per_second = match read("MIERU_RATE_PER_SEC") {
            None => DEFAULT_PER_SECOND,
            Some(v) => v
                .trim()
                .parse::<f64>()
                .map_err(|_| RateLimitConfigError::PerSecond(v.clone()))?,
        };
        let burst = match read("MIERU_RATE_BURST") {
            None => DEFAULT_BURST,
            Some(v) => v
                .trim()
                .parse::<u32>()
                .map_err(|_| RateLimitConfigError::Burst(v.clone()))?,
        };
        Self::new(per_second, burst)
    }
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

#[derive(Debug, Default)]
struct Buckets {
    map: HashMap<IpAddr, Bucket>,
}

/// Shared by every worker of a server (clone it; the buckets are behind one `Arc`).
#[derive(Debug, Clone)]
pub struct RateLimiter {
    config: RateLimitConfig,
    buckets: Arc<Mutex<Buckets>>,
}

/// The bucket key: the address itself, or the /64 network of an IPv6 address.
pub(crate) fn client_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let mut seg = v6.segments();
                for s in seg.iter_mut().skip(4) {
                    *s = 0;
                }
                IpAddr::V6(seg.into())
            }
        },
    }
}

impl RateLimiter {
    pub fn new(config: RateLimitConfig) -> Self {
        Self {
            config,
            buckets: Arc::new(Mutex::new(Buckets::default())),
        }
    }

    pub fn config(&self) -> RateLimitConfig {
        self.config
    }

    /// Takes one token for `ip` at `now`; `Err(wait)` when the bucket is empty.
    pub fn check_at(&self, ip: IpAddr, now: Instant) -> Result<u32, Duration> {
        self.take_at(ip, 1.0, now)
    }

    /// Takes `cost` tokens for `ip` at `now` (never more than the burst, so every request
    /// can pass on a full bucket); `Err(wait)` until that many are back.
    pub fn take_at(&self, ip: IpAddr, cost: f64, now: Instant) -> Result<u32, Duration> {
        let RateLimitConfig { per_second, burst } = self.config;
        let burst = f64::from(burst);
        let cost = cost.clamp(0.0, burst);
        // A poisoned lock only means another request panicked mid-update; the counts are
        // still usable.
        let mut guard = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if guard.map.len() > SWEEP_ABOVE {
            guard.map.retain(|_, b| {
                let refilled =
                    b.tokens + now.saturating_duration_since(b.updated).as_secs_f64() * per_second;
                refilled < burst
            });
        }
        let bucket = guard.map.entry(client_key(ip)).or_insert(Bucket {
            tokens: burst,
            updated: now,
        });
        let elapsed = now.saturating_duration_since(bucket.updated).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * per_second).min(burst);
        bucket.updated = now;
        if bucket.tokens >= cost {
            bucket.tokens -= cost;
            // Whole tokens left, for the RateLimit-Remaining header.
            Ok(bucket.tokens.floor().clamp(0.0, f64::from(u32::MAX)) as u32)
        } else {
            Err(Duration::from_secs_f64((cost - bucket.tokens) / per_second))
        }
    }

    pub fn check(&self, ip: IpAddr) -> Result<u32, Duration> {
        self.check_at(ip, Instant::now())
    }

    /// Number of clients currently tracked.
    pub fn tracked(&self) -> usize {
        self.buckets
            .lock()
            .map(|g| g.map.len())
            .unwrap_or_else(|p| p.into_inner().map.len())
    }
}

/// The process-wide limiter used by [`crate::configure`]: one set of buckets for every
/// worker, configured from the environment (defaults when unset or invalid).
pub fn default_limiter() -> RateLimiter {
    static LIMITER: OnceLock<RateLimiter> = OnceLock::new();
    LIMITER
        .get_or_init(|| {
            let config = RateLimitConfig::from_env().unwrap_or_else(|e| {
                tracing::warn!(error = %e, "invalid rate limit setting; using the defaults");
                RateLimitConfig::default()
            });
            RateLimiter::new(config)
        })
        .clone()
}

/// Seconds to announce in `Retry-After`: whole seconds, at least 1.
pub(crate) fn retry_after_secs(wait: Duration) -> u64 {
    let s = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    s.max(1)
}

fn too_many(path: &str, wait: Duration) -> HttpResponse {
    let secs = retry_after_secs(wait);
    let message = format!("too many requests; retry after {secs} s");
    let mut res = if path == "/api" || path.starts_with("/api/") || path == "/feed.atom" {
        HttpResponse::build(StatusCode::TOO_MANY_REQUESTS)
            .content_type("application/json")
            .insert_header(crate::respond::cors())
            .body(crate::respond::to_safe_json(&ErrorBody {
                error: ErrorDetail {
                    code: "rate_limited".into(),
                    message,
                },
            }))
    } else {
        HttpResponse::build(StatusCode::TOO_MANY_REQUESTS)
            .content_type("text/plain; charset=utf-8")
            .body(format!(
                "{message}\nアクセスが集中しています。{secs} 秒後に再度お試しください。\n"
            ))
    };
    let headers = res.headers_mut();
    headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// Tokens a request takes, by what it makes the server do: a page or a record is one read of
/// a stored row; a search, a feed or the changes list scans an index or many rows; a record
/// as of an old version is projected afresh; an export is a large file.
pub fn request_cost(path: &str, query: &str) -> f64 {
    let historical = query
        .split('&')
        .any(|p| p.starts_with("version=") || p.starts_with("as_of="));
    let export = path.starts_with("/exports/") || path.starts_with("/api/v1/exports/");
    if historical || export {
        10.0
    } else if path == "/search"
        || path == "/api/v1/search"
        || path.ends_with(".atom")
        || path == "/changes"
        || path == "/api/v1/changes"
    {
        4.0
    } else if path == "/sources" || path == "/api/v1/sources" {
        2.0
    } else {
        1.0
    }
}

/// Paths never limited: health checks come from the operator's own monitoring.
fn exempt(path: &str) -> bool {
    path == "/healthz"
}

/// The middleware body, for `wrap_fn`: answers 429 for a client over its limit, otherwise
/// passes the request on. The check runs before the inner service is called, so the returned
/// future never borrows the service.
#[allow(clippy::type_complexity)]
pub fn limit<S, B>(
    limiter: &RateLimiter,
    req: ServiceRequest,
    srv: &S,
) -> Pin<Box<dyn Future<Output = Result<ServiceResponse<EitherBody<B, BoxBody>>, actix_web::Error>>>>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
    S::Future: 'static,
    B: MessageBody + 'static,
{
    let ip = req.peer_addr().map(|a| a.ip());
    if let Some(ip) = ip.filter(|_| !exempt(req.path())) {
        let cost = request_cost(req.path(), req.query_string());
        if let Err(wait) = limiter.take_at(ip, cost, Instant::now()) {
            let res = too_many(req.path(), wait);
            let res = req.into_response(res).map_into_right_body();
            return Box::pin(async move { Ok(res) });
        }
    }
    let fut = srv.call(req);
    Box::pin(async move { Ok(fut.await?.map_into_left_body()) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{Ipv4Addr, Ipv6Addr};

    #[test]
    fn bucket_allows_burst_then_refills() {
        let l = RateLimiter::new(RateLimitConfig::new(2.0, 3).unwrap());
        let ip = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1));
        let t0 = Instant::now();
        assert_eq!(l.check_at(ip, t0), Ok(2));
        assert_eq!(l.check_at(ip, t0), Ok(1));
        assert_eq!(l.check_at(ip, t0), Ok(0));
        let wait = l.check_at(ip, t0).unwrap_err();
        assert!((wait.as_secs_f64() - 0.5).abs() < 1e-6, "{wait:?}");
        // Another client is unaffected.
        assert!(l
            .check_at(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 2)), t0)
            .is_ok());
        // Half a second later one token is back, and only one.
        let t1 = t0 + Duration::from_millis(500);
        assert!(l.check_at(ip, t1).is_ok());
        assert!(l.check_at(ip, t1).is_err());
        // Long idle: back to the burst, never above.
        let t2 = t1 + Duration::from_secs(3600);
        assert_eq!(l.check_at(ip, t2), Ok(2));
    }

    #[test]
    fn costly_requests_take_more_of_the_bucket() {
        let l = RateLimiter::new(RateLimitConfig::new(1.0, 10).unwrap());
        let ip = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 9));
        let t0 = Instant::now();
        let search = request_cost("/api/v1/search", "q=さくら");
        assert_eq!(search, 4.0);
        assert_eq!(l.take_at(ip, search, t0), Ok(6));
        assert_eq!(l.take_at(ip, search, t0), Ok(2));
        // Two tokens left: a page passes, a search waits for the two it lacks.
        let wait = l.take_at(ip, search, t0).unwrap_err();
        assert!((wait.as_secs_f64() - 2.0).abs() < 1e-6, "{wait:?}");
        assert_eq!(
            l.take_at(ip, request_cost("/facilities/F000001", ""), t0),
            Ok(1)
        );
        // A cost above the burst is capped at it, so it passes on a full bucket.
        let later = t0 + Duration::from_secs(3600);
        assert_eq!(l.take_at(ip, 1000.0, later), Ok(0));
        assert_eq!(request_cost("/facilities/F000001", "version=3"), 10.0);
        assert_eq!(
            request_cost("/organizations/O000001", "lang=en&as_of=2024-01-01"),
            10.0
        );
        assert_eq!(request_cost("/exports/facilities.csv", ""), 10.0);
        assert_eq!(request_cost("/prefectures/東京都/feed.atom", ""), 4.0);
        assert_eq!(request_cost("/sources", ""), 2.0);
    }

    #[test]
    fn ipv6_hosts_share_their_64() {
        let l = RateLimiter::new(RateLimitConfig::new(1.0, 1).unwrap());
        let t0 = Instant::now();
        let a: Ipv6Addr = "2001:db8:1:2::1".parse().unwrap();
        let b: Ipv6Addr = "2001:db8:1:2:ffff::9".parse().unwrap();
        let c: Ipv6Addr = "2001:db8:1:3::1".parse().unwrap();
        assert!(l.check_at(IpAddr::V6(a), t0).is_ok());
        assert!(l.check_at(IpAddr::V6(b), t0).is_err());
        assert!(l.check_at(IpAddr::V6(c), t0).is_ok());
        assert_eq!(l.tracked(), 2);
    }

    #[test]
    fn config_refuses_nonsense() {
        assert!(RateLimitConfig::new(0.0, 5).is_err());
        assert!(RateLimitConfig::new(f64::NAN, 5).is_err());
        assert!(RateLimitConfig::new(1.0, 0).is_err());
        assert_eq!(retry_after_secs(Duration::from_millis(10)), 1);
        assert_eq!(retry_after_secs(Duration::from_millis(2100)), 3);
    }
}
