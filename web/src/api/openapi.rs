//! The OpenAPI 3.1 document, generated from the handlers' `#[utoipa::path]` attributes.

use std::sync::OnceLock;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use utoipa::OpenApi;

use crate::api::{documents, entities, health, respond, search};
use crate::errors::{ErrorBody, ErrorDetail};
use crate::model::*;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "mieru API",
        version = "1",
        description = "Regulatory actions under Japan's Act on the Safety of Regenerative Medicine, and the clinics, cell-processing facilities and corporations behind them. Every value carries its sources. Errors are `{\"error\":{\"code\",\"message\"}}`."
    ),
    paths(
        search::search,
        entities::facility,
        entities::organization,
        entities::actions,
        entities::action,
        entities::plan,
        documents::document,
        documents::document_meta,
        openapi_json,
        health::health,
        crate::feed::feed,
    ),
    components(schemas(
        ErrorBody, ErrorDetail, entities::Moved, SourceRef, DatedValue, EntityRef, Event, Evidence,
        Link, ActionSummary, ActionDetail, PlanSummary, PlanDetail, FacilityDetail,
        OrganizationDetail, SearchHit, FacetCount, Facets, SearchResults, DocumentInfo, Health
    )),
    tags(
        (name = "search", description = "Full-text search over every name a record ever had"),
        (name = "entities", description = "Facilities, organizations, actions and plans"),
        (name = "documents", description = "Archived source documents"),
        (name = "meta", description = "Service description and health"),
        (name = "feeds", description = "Syndication")
    )
)]
pub struct ApiDoc;

fn document() -> &'static str {
    static DOC: OnceLock<String> = OnceLock::new();
    DOC.get_or_init(|| {
        ApiDoc::openapi()
            .to_pretty_json()
            .unwrap_or_else(|_| "{}".to_owned())
    })
}

/// This document.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    tag = "meta",
    responses((status = 200, description = "OpenAPI 3.1 description of this API", content_type = "application/json"))
)]
pub async fn openapi_json(req: HttpRequest) -> HttpResponse {
    let body = document();
    let etag = respond::etag_of(body.as_bytes());
    if respond::matches_if_none_match(&req, &etag) {
        return HttpResponse::NotModified()
            .insert_header((header::ETAG, etag))
            .finish();
    }
    HttpResponse::Ok()
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .content_type("application/json")
        .body(body)
}
