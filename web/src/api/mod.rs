//! The JSON API under `/api/v1`: thin handlers over the registry, one error envelope, ETags,
//! CORS for GETs and a generated OpenAPI document.

pub mod documents;
pub mod entities;
pub mod health;
pub mod openapi;
pub mod respond;
pub mod search;

use actix_web::middleware::DefaultHeaders;
use actix_web::web;

pub const PREFIX: &str = "/api/v1";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope(PREFIX)
            // Every API route is a public, read-only GET: any origin may read it.
            .wrap(DefaultHeaders::new().add(respond::cors()))
            .route("/search", web::get().to(search::search))
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
            .default_service(web::to(crate::errors::fallback)),
    );
}
