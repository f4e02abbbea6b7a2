//! mieru's public web site (HTML, Japanese first) and its JSON API under `/api/v1`.
//!
//! The crate reaches its data only through the traits of [`registry`] (reads, curation,
//! admin), so it knows nothing of the database or the search index. Use [`configure`] inside
//! an `App` (with [`app_data`]) or [`serve`] to run a complete server.

pub mod admin;
pub mod api;
pub mod assets;
pub mod body_timeout;
pub mod curation;
pub mod errors;
pub mod feed;
pub mod headers;
pub mod i18n;
pub mod input;
pub mod jobs;
pub mod malformed;
pub mod model;
pub mod origin;
pub mod pages;
pub mod registry;
pub mod report_quota;
pub mod respond;
pub mod response_cache;
pub mod urls;
pub mod watch;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use actix_web::dev::Service;
use actix_web::middleware::Compress;
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};

use crate::registry::{AdminRegistry, CurationRegistry, Registry, RegistryError, SiteRegistry};

/// Site-wide settings shown in pages and used to build absolute URLs (feed, Open Graph).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteConfig {
    /// Public origin without a trailing slash, e.g. `https://mieru.example.jp`.
    pub base_url: String,
    /// Shown in the footer and `/about`: which data build is served (e.g. `2026-11-25`).
    pub data_version: String,
    /// Where users report an error (an address or URL); shown on `/about`.
    pub contact: String,
}

impl Default for SiteConfig {
    fn default() -> Self {
        Self {
            base_url: "http://127.0.0.1:8080".to_owned(),
            data_version: "dev".to_owned(),
            contact: "https://github.com/mieru-registry/mieru/issues".to_owned(),
        }
    }
}

impl SiteConfig {
    /// `base_url` with any trailing slash removed, so joins never produce `//`.
    pub fn origin(&self) -> &str {
        self.base_url.trim_end_matches('/')
    }
}

/// Everything handlers share.
pub struct AppState {
    /// The data behind the site: one value implementing [`registry::Registry`],
    /// [`registry::CurationRegistry`] and [`registry::AdminRegistry`] (see [`registry`]).
    /// Handlers reach it through [`AppState::read`], [`AppState::curate`] and
    /// [`AppState::administer`], each of which hands out only its own trait.
    pub registry: Arc<dyn SiteRegistry>,
    pub site: SiteConfig,
}

pub fn app_data(state: AppState) -> web::Data<AppState> {
    web::Data::new(state)
}

impl AppState {
    /// One blocking read (search, records, lists, feeds …) on the thread pool.
    pub async fn read<T, F>(&self, f: F) -> Result<T, RegistryError>
    where
        T: Send + 'static,
        F: FnOnce(&dyn Registry) -> Result<T, RegistryError> + Send + 'static,
    {
        self.block(move |r| f(r)).await
    }

    /// One blocking curation call (reports, judgements, annotations, authentication).
    pub async fn curate<T, F>(&self, f: F) -> Result<T, RegistryError>
    where
        T: Send + 'static,
        F: FnOnce(&dyn CurationRegistry) -> Result<T, RegistryError> + Send + 'static,
    {
        self.block(move |r| f(r)).await
    }

    /// One blocking admin call (curators, ingest).
    pub async fn administer<T, F>(&self, f: F) -> Result<T, RegistryError>
    where
        T: Send + 'static,
        F: FnOnce(&dyn AdminRegistry) -> Result<T, RegistryError> + Send + 'static,
    {
        self.block(move |r| f(r)).await
    }

    /// Runs one blocking registry call on the thread pool; a panicked or cancelled call is
    /// reported as the registry being unavailable.
    async fn block<T, F>(&self, f: F) -> Result<T, RegistryError>
    where
        T: Send + 'static,
        F: FnOnce(&dyn SiteRegistry) -> Result<T, RegistryError> + Send + 'static,
    {
        let registry = Arc::clone(&self.registry);
        match web::block(move || f(registry.as_ref())).await {
            Ok(result) => result,
            Err(e) => Err(RegistryError::Unavailable(format!(
                "blocking call failed: {e}"
            ))),
        }
    }
}

/// Registers every route (API, feed, health, pages, static files), the extractor error
/// handlers, the security headers and the per-client rate limit (the process-wide limiter,
/// configured from `MIERU_RATE_PER_SEC` / `MIERU_RATE_BURST`, default 20/s with bursts of 60).
/// The caller provides `AppState` via [`app_data`].
///
/// Each call has a response cache of its own: one app, one registry. A server shares one
/// between its workers through [`configure_with`].
pub fn configure(cfg: &mut web::ServiceConfig) {
    configure_with(cfg, api::ratelimit::default_limiter(), Arc::default());
}

/// [`configure`] with a given rate limiter and response cache (share one of each between all
/// workers).
pub fn configure_with(
    cfg: &mut web::ServiceConfig,
    limiter: api::ratelimit::RateLimiter,
    cache: Arc<response_cache::ResponseCache>,
) {
    cfg.app_data(errors::json_config())
        .app_data(errors::query_config())
        .app_data(errors::path_config());
    // One catch-all scope so that security headers also cover 404s and static files.
    // From the outside in: security headers, the rate limit (a cached answer is still
    // charged), the response cache, compression (so the cache keeps encoded bytes).
    cfg.service(
        web::scope("")
            .wrap(Compress::default())
            .wrap(response_cache::CacheResponses::new(cache))
            .wrap_fn(move |req, srv| api::ratelimit::limit(&limiter, req, srv))
            .wrap(headers::security_headers())
            .configure(api::configure)
            .route("/healthz", web::get().to(api::health::health))
            .route("/feed.atom", web::get().to(feed::feed))
            .configure(feed::watch::configure)
            .configure(assets::configure)
            .configure(pages::configure)
            .default_service(web::to(fallback)),
    );
}

/// Unknown URLs: the JSON envelope under `/api`, an HTML page elsewhere.
async fn fallback(req: HttpRequest) -> HttpResponse {
    if req.path() == "/api" || req.path().starts_with("/api/") {
        api::not_found().await
    } else {
        pages::not_found(&req)
    }
}

/// Seconds in-flight requests get to finish after a shutdown signal.
const SHUTDOWN_GRACE_SECS: u64 = 15;

/// Runs the whole site on `addr` until SIGINT/SIGTERM, then drains in-flight requests.
pub async fn serve(state: AppState, addr: SocketAddr) -> std::io::Result<()> {
    let data = app_data(state);
    // Registry calls are blocking and run on actix's blocking pool, so a couple of async
    // workers per core are plenty.
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .clamp(2, 16);
    tracing::info!(%addr, workers, "starting web server");
    // Requests actix could not parse are counted, not logged one by one (see `malformed`).
    actix_web::rt::spawn(async {
        let mut every = actix_web::rt::time::interval(malformed::report_every());
        loop {
            every.tick().await;
            malformed::report();
        }
    });
    let cache = Arc::new(response_cache::ResponseCache::default());
    HttpServer::new(move || {
        let cache = cache.clone();
        App::new()
            .app_data(data.clone())
            .wrap(body_timeout::BodyTimeout::new(body_timeout::configured()))
            .wrap_fn(|req, srv| {
                let started = Instant::now();
                let method = req.method().clone();
                let path = req.path().to_owned();
                let fut = srv.call(req);
                async move {
                    let res = fut.await;
                    let elapsed_ms = started.elapsed().as_millis();
                    // Its own target, so `RUST_LOG=info,mieru_web::access=warn` keeps every
                    // other log but drops the line per request (13% of /healthz throughput).
                    match &res {
                        Ok(r) => tracing::info!(
                            target: "mieru_web::access",
                            %method, %path, status = r.status().as_u16(), elapsed_ms, "request"
                        ),
                        Err(e) => tracing::warn!(
                            target: "mieru_web::access",
                            %method, %path, error = %e, elapsed_ms, "request failed"
                        ),
                    }
                    res
                }
            })
            .configure(move |cfg| configure_with(cfg, api::ratelimit::default_limiter(), cache))
    })
    .workers(workers)
    // Compressed bodies go out as a header write and then chunk writes; with Nagle's algorithm
    // each later small write waited for the client's delayed ACK (40 ms on Linux), so every
    // compressed page on a keep-alive connection took ≥ 40 ms (p50 44 ms at 8 connections;
    // 2.6 ms with this).
    .tcp_nodelay(true)
    .shutdown_timeout(SHUTDOWN_GRACE_SECS)
    .bind(addr)?
    .run()
    .await
}
