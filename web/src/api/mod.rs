//! The JSON API under `/api/v1`: thin handlers over the registry, one error envelope, ETags,
//! CORS for GETs and a generated OpenAPI document.

pub mod docs_page;
pub mod documents;
pub mod entities;
pub mod exports;
pub mod health;
pub mod lists;
pub mod openapi;
pub mod ratelimit;
pub mod respond;
pub mod search;

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::Method;
use actix_web::middleware::DefaultHeaders;
use actix_web::{web, HttpResponse};

pub const PREFIX: &str = "/api/v1";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api", web::get().to(docs_page::api_page));
    cfg.service(
        web::scope(PREFIX)
            // Every API route is a public, read-only GET: any origin may read it, and a
            // script may see the validators and the rate-limit answer.
            .wrap(DefaultHeaders::new().add(respond::cors()).add((
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
            .route("/openapi.json", web::get().to(openapi::openapi_json))
            // `If-None-Match` is not a CORS-safelisted header, so a browser asks first.
            .route("/{tail:.*}", web::method(Method::OPTIONS).to(preflight))
            .default_service(web::to(crate::errors::fallback)),
    );
}

/// Answer to a CORS preflight: GETs from any origin, with the caching headers allowed.
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
