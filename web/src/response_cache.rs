//! Whole responses of public record pages, lists and feeds, kept per data version (issue 20).
//!
//! A record page is the same for every visitor until the next resolve publishes a new data
//! version, yet each request rendered and compressed it again: compression alone cost more
//! than the rest of the page, and a clinic in the news is asked for thousands of times. The
//! cache sits inside the rate limiter (a hit is still charged) and outside compression, so it
//! keeps the encoded bytes and answers a hit with them as they are.
//!
//! Only what cannot differ between visitors is kept: a GET of a listed public path, without
//! credentials, conditions or ranges, with no cookie but the language one, answered 200 with
//! no cookie set. The key holds every request header the answer depends on. The whole cache is
//! dropped when the registry reports a new data version or search index generation; a
//! registry that cannot tell (`None`) is never cached for.

use std::collections::{HashMap, VecDeque};
use std::future::{ready, Future, Ready};
use std::pin::Pin;
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::web::{Bytes, Data};
use actix_web::HttpResponse;

use crate::registry::CacheVersion;
use crate::AppState;

/// The response header that tells whether the cache answered (`hit`) or stored (`miss`).
pub const CACHE_HEADER: &str = "x-mieru-cache";

/// Bytes of responses kept at most (oldest dropped first).
pub const DEFAULT_MAX_BYTES: usize = 64 * 1024 * 1024;
/// A response larger than this is never kept.
const MAX_ENTRY_BYTES: usize = 2 * 1024 * 1024;
/// Request header values longer than this make a request uncacheable (keys stay small).
const MAX_HEADER_KEY_LEN: usize = 200;

/// Public reads whose answer depends only on the data version, the search index and the
/// request itself. The changes list (it states "now"), source health (crawls change it without
/// a new version), exports and archived documents (large, and served from disk) are left out.
fn cacheable_path(path: &str) -> bool {
    const PREFIXES: [&str; 9] = [
        "/facilities/",
        "/organizations/",
        "/actions",
        "/plans/",
        "/prefectures/",
        "/api/v1/facilities",
        "/api/v1/organizations",
        "/api/v1/actions",
        "/api/v1/plans/",
    ];
    matches!(path, "/" | "/feed.atom" | "/search" | "/api/v1/search")
        || PREFIXES.iter().any(|p| path.starts_with(p))
}

/// Request headers a kept answer may depend on (content negotiation, the host in absolute
/// links, the language cookie).
const KEY_HEADERS: [HeaderName; 5] = [
    header::ACCEPT_ENCODING,
    header::ACCEPT,
    header::ACCEPT_LANGUAGE,
    header::HOST,
    header::COOKIE,
];

/// Requests that must reach the handler: credentials, conditions and ranges.
const BYPASS_HEADERS: [HeaderName; 6] = [
    header::AUTHORIZATION,
    header::IF_NONE_MATCH,
    header::IF_MODIFIED_SINCE,
    header::IF_MATCH,
    header::RANGE,
    header::IF_RANGE,
];

/// The key of a request, or `None` when its answer must not be shared.
fn key_of(req: &ServiceRequest) -> Option<String> {
    if req.method() != Method::GET || !cacheable_path(req.path()) {
        return None;
    }
    let headers = req.headers();
    if BYPASS_HEADERS.iter().any(|h| headers.contains_key(h)) {
        return None;
    }
    if let Some(cookie) = headers.get(header::COOKIE) {
        // Only the language preference is shared; any other cookie may personalise.
        let only_language = cookie.to_str().ok().is_some_and(|c| {
            c.split(';').all(|part| {
                part.trim()
                    .split_once('=')
                    .is_some_and(|(name, _)| name == crate::i18n::COOKIE)
            })
        });
        if !only_language {
            return None;
        }
    }
    let mut key = String::from(req.uri().path_and_query().map_or("", |p| p.as_str()));
    for h in &KEY_HEADERS {
        key.push('\n');
        for v in headers.get_all(h) {
            let v = v.to_str().ok()?;
            if v.len() > MAX_HEADER_KEY_LEN {
                return None;
            }
            key.push_str(v);
            key.push(',');
        }
    }
    Some(key)
}

/// Whether a response may be kept for everyone.
fn shareable(status: StatusCode, headers: &HeaderMap) -> bool {
    let private = headers
        .get(header::CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("no-store") || v.contains("private"));
    status == StatusCode::OK && !headers.contains_key(header::SET_COOKIE) && !private
}

/// One kept answer.
struct Kept {
    status: StatusCode,
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Bytes,
}

impl Kept {
    fn response(&self) -> HttpResponse {
        let mut res = HttpResponse::build(self.status);
        for (name, value) in &self.headers {
            res.append_header((name.clone(), value.clone()));
        }
        res.insert_header((CACHE_HEADER, "hit"));
        res.body(self.body.clone())
    }

    fn size(&self, key: &str) -> usize {
        key.len() + self.body.len() + self.headers.len() * 64
    }
}

#[derive(Default)]
struct Entries {
    version: Option<CacheVersion>,
    kept: HashMap<String, Arc<Kept>>,
    order: VecDeque<String>,
    bytes: usize,
}

impl Entries {
    /// Drops everything when the data version moved.
    fn at_version(&mut self, version: CacheVersion) {
        if self.version != Some(version) {
            *self = Entries {
                version: Some(version),
                ..Entries::default()
            };
        }
    }
}

/// The cache shared by every worker of a server.
pub struct ResponseCache {
    max_bytes: usize,
    entries: Mutex<Entries>,
}

impl Default for ResponseCache {
    fn default() -> Self {
        Self::new(DEFAULT_MAX_BYTES)
    }
}

impl ResponseCache {
    pub fn new(max_bytes: usize) -> Self {
        Self {
            max_bytes,
            entries: Mutex::new(Entries::default()),
        }
    }

    fn get(&self, version: CacheVersion, key: &str) -> Option<Arc<Kept>> {
        let mut entries = self.entries.lock().ok()?;
        entries.at_version(version);
        entries.kept.get(key).cloned()
    }

    fn put(&self, version: CacheVersion, key: String, kept: Kept) {
        let size = kept.size(&key);
        if size > MAX_ENTRY_BYTES.min(self.max_bytes) {
            return;
        }
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        entries.at_version(version);
        while entries.bytes + size > self.max_bytes {
            let Some(oldest) = entries.order.pop_front() else {
                break;
            };
            if let Some(old) = entries.kept.remove(&oldest) {
                entries.bytes = entries.bytes.saturating_sub(old.size(&oldest));
            }
        }
        if let Some(old) = entries.kept.insert(key.clone(), Arc::new(kept)) {
            entries.bytes = entries.bytes.saturating_sub(old.size(&key));
        } else {
            entries.order.push_back(key);
        }
        entries.bytes += size;
    }

    /// Bytes kept now (for tests and the benchmark notes).
    pub fn bytes(&self) -> usize {
        self.entries.lock().map(|e| e.bytes).unwrap_or(0)
    }
}

/// The middleware: `scope.wrap(CacheResponses::new(cache))`, inside the rate limiter and
/// outside `Compress`.
pub struct CacheResponses {
    cache: Arc<ResponseCache>,
}

impl CacheResponses {
    pub fn new(cache: Arc<ResponseCache>) -> Self {
        Self { cache }
    }
}

impl<S, B> Transform<S, ServiceRequest> for CacheResponses
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B, BoxBody>>;
    type Error = actix_web::Error;
    type Transform = CacheService<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(CacheService {
            service: Rc::new(service),
            cache: self.cache.clone(),
        }))
    }
}

pub struct CacheService<S> {
    service: Rc<S>,
    cache: Arc<ResponseCache>,
}

type Answer<B> = Result<ServiceResponse<EitherBody<B, BoxBody>>, actix_web::Error>;

impl<S, B> Service<ServiceRequest> for CacheService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B, BoxBody>>;
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Answer<B>>>>;

    actix_web::dev::forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        let service = Rc::clone(&self.service);
        let cache = Arc::clone(&self.cache);
        Box::pin(async move {
            let Some(key) = key_of(&req) else {
                return Ok(service.call(req).await?.map_into_left_body());
            };
            let state = req.app_data::<Data<AppState>>().cloned();
            let version = match state {
                Some(state) => state.read(|r| r.cache_version()).await.ok().flatten(),
                None => None,
            };
            let Some(version) = version else {
                return Ok(service.call(req).await?.map_into_left_body());
            };
            if let Some(kept) = cache.get(version, &key) {
                return Ok(req.into_response(kept.response()).map_into_right_body());
            }
            let res = service.call(req).await?;
            if !shareable(res.status(), res.headers()) {
                return Ok(res.map_into_left_body());
            }
            let (req, res) = res.into_parts();
            let (head, body) = res.into_parts();
            // Handlers build these bodies in memory, so reading them whole costs nothing new.
            let body = actix_web::body::to_bytes(body)
                .await
                .map_err(|e| actix_web::error::ErrorInternalServerError(e.into().to_string()))?;
            let kept = Kept {
                status: head.status(),
                headers: head
                    .headers()
                    .iter()
                    .map(|(n, v)| (n.clone(), v.clone()))
                    .collect(),
                body: body.clone(),
            };
            cache.put(version, key, kept);
            let mut res = head.set_body(BoxBody::new(body));
            res.headers_mut().insert(
                HeaderName::from_static(CACHE_HEADER),
                HeaderValue::from_static("miss"),
            );
            Ok(ServiceResponse::new(req, res).map_into_right_body())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(n: usize) -> Kept {
        Kept {
            status: StatusCode::OK,
            headers: Vec::new(),
            body: Bytes::from(vec![b'x'; n]),
        }
    }

    fn v(data: i64) -> CacheVersion {
        CacheVersion { data, search: 0 }
    }

    #[test]
    fn a_new_version_empties_the_cache_and_old_entries_go_first() {
        let cache = ResponseCache::new(3_000);
        cache.put(v(1), "a".into(), kept(1_000));
        cache.put(v(1), "b".into(), kept(1_000));
        assert!(cache.get(v(1), "a").is_some());
        // Over the bound: the oldest goes.
        cache.put(v(1), "c".into(), kept(1_500));
        assert!(cache.get(v(1), "a").is_none());
        assert!(cache.get(v(1), "b").is_some() && cache.get(v(1), "c").is_some());
        assert!(cache.bytes() <= 3_000);
        // Another version: nothing of the old one answers.
        assert!(cache.get(v(2), "b").is_none());
        assert_eq!(cache.bytes(), 0);
        // So is another search generation.
        cache.put(v(2), "e".into(), kept(10));
        let next = CacheVersion { data: 2, search: 1 };
        assert!(cache.get(next, "e").is_none());
        // Too large to keep at all.
        cache.put(v(2), "d".into(), kept(5_000));
        assert!(cache.get(v(2), "d").is_none());
    }

    #[test]
    fn only_public_paths_are_cacheable() {
        for p in [
            "/",
            "/facilities/F000001",
            "/api/v1/facilities?limit=5",
            "/feed.atom",
        ] {
            assert!(cacheable_path(p.split('?').next().unwrap_or(p)), "{p}");
        }
        for p in [
            "/api/v1/changes",
            "/sources",
            "/api/v1/exports/facilities.jsonl",
            "/healthz",
            "/corrections/new",
            "/api/v1/jobs/1",
        ] {
            assert!(!cacheable_path(p), "{p}");
        }
    }
}
