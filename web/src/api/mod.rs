//! The JSON API under `/api/v1`: thin handlers over the registry, one error envelope, ETags,
//! CORS for GETs and a generated OpenAPI document.

pub mod admin;
pub mod auth;
pub mod corrections;
pub mod curation;
pub mod docs_page;
pub mod documents;
pub mod entities;
pub mod exports;
pub mod health;
pub mod jobs;
pub mod lists;
pub mod openapi;
pub mod ratelimit;
pub mod refusals;
pub mod search;
pub mod sources;
pub mod versions;

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::Method;
use actix_web::middleware::{DefaultHeaders, ErrorHandlers};
use actix_web::{web, HttpResponse, ResponseError};

use crate::errors::ApiError;

pub const PREFIX: &str = crate::urls::API_PREFIX;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api", web::get().to(docs_page::api_page));
    cfg.service(
        web::scope(PREFIX)
            .wrap(ErrorHandlers::new().handler(
                actix_web::http::StatusCode::PAYLOAD_TOO_LARGE,
                crate::errors::json_payload_too_large,
            ))
            // Reads are public GETs: any origin may read them, and a script may see the
            // validators and the rate-limit answer. The writes (correction reports, curation
            // with a bearer token) need a JSON body or an `Authorization` header, so browsers
            // preflight them, and the preflight below allows neither: no cross-origin writes.
            .wrap(DefaultHeaders::new().add(crate::respond::cors()).add((
                header::ACCESS_CONTROL_EXPOSE_HEADERS,
                HeaderValue::from_static("ETag, Retry-After, Location, Content-Disposition"),
            )))
            .route("/search", web::get().to(search::search))
            .route("/facilities", web::get().to(lists::facilities))
            .route("/changes", web::get().to(lists::changes))
            .route("/exports", web::get().to(exports::exports))
            .route("/exports/{file}", web::get().to(exports::export_file))
            .route("/facilities/{id}", web::get().to(entities::facility))
            .route("/organizations/{id}", web::get().to(entities::organization))
            .route("/actions", web::get().to(entities::actions))
            .route("/actions/{id}", web::get().to(entities::action))
            .route("/plans/{number}", web::get().to(entities::plan))
            .route("/documents/{sha256}", web::get().to(documents::document))
            .route(
                "/documents/{sha256}/meta",
                web::get().to(documents::document_meta),
            )
            .route("/versions", web::get().to(versions::versions))
            .route("/sources", web::get().to(sources::sources))
            .route("/openapi.json", web::get().to(openapi::openapi_json))
            // Correction reports (public) and curation (bearer token; see `auth`).
            .configure(curation::configure)
            // Ingest through this server (admin bearer token; see `admin`).
            .configure(admin::configure)
            // The jobs those writes queue (bearer token; see `jobs`).
            .configure(jobs::configure)
            // `If-None-Match` is not a CORS-safelisted header, so a browser asks first.
            .route("/{tail:.*}", web::method(Method::OPTIONS).to(preflight))
            .default_service(web::to(not_found)),
    );
}

/// Unknown URLs under the API: the JSON error envelope.
pub async fn not_found() -> HttpResponse {
    ApiError::NotFound("resource").error_response()
}

/// Answer to a CORS preflight: GETs from any origin, with the caching headers allowed (and
/// deliberately not POST, `Content-Type` or `Authorization`).
async fn preflight() -> HttpResponse {
    HttpResponse::NoContent()
        .insert_header((
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("GET, HEAD, OPTIONS"),
        ))
        .insert_header((
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static("Accept, Accept-Language, If-None-Match, If-Modified-Since"),
        ))
        .insert_header((
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static("86400"),
        ))
        .finish()
}
