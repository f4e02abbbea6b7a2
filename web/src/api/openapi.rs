//! The OpenAPI 3.1 document, generated from the handlers' `#[utoipa::path]` attributes.

use std::sync::OnceLock;

use actix_web::{HttpRequest, HttpResponse};
use utoipa::OpenApi;

use crate::api::{documents, entities, exports, health, lists, search, versions};
use crate::errors::{ErrorBody, ErrorDetail};
use crate::model::*;
use crate::respond;

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
        lists::facilities,
        entities::actions,
        entities::action,
        lists::changes,
        exports::exports,
        exports::export_file,
        entities::plan,
        documents::document,
        documents::document_meta,
        openapi_json,
        health::health,
        versions::versions,
        crate::feed::feed,
        crate::api::sources::sources,
        crate::feed::watch::facility_feed,
        crate::feed::watch::organization_feed,
        crate::feed::watch::prefecture_feed,
    ),
    components(schemas(
        StatusEvidence, SourcesReport, SourceHealth, DocumentProblem, KnownGap,
        ErrorBody, ErrorDetail, entities::Moved, SourceRef, DatedValue, EntityRef, Event, Evidence,
        Link, ActionSummary, ActionDetail, PlanSummary, PlanDetail, FacilityDetail,
        OrganizationDetail, SearchHit, FacetCount, Facets, SearchResults, DocumentInfo, Health,
        FacilitySummary, PropertyChange, Change, ChangesPage, ExportInfo, ExportList, DataVersion,
        Citation, versions::VersionList
    )),
    modifiers(&EveryOperation),
    tags(
        (name = "search", description = "Full-text search over every name a record ever had"),
        (name = "entities", description = "Facilities, organizations, actions and plans"),
        (name = "documents", description = "Archived source documents"),
        (name = "exports", description = "Bulk downloads of every record, with the licence"),
        (name = "meta", description = "Service description and health"),
        (name = "feeds", description = "Syndication")
    )
)]
pub struct ApiDoc;

/// Adds what the middleware can answer on any route, so the document states it everywhere:
/// the per-client rate limit's 429 (with the error envelope and `Retry-After`).
struct EveryOperation;

impl utoipa::Modify for EveryOperation {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        for (path, item) in openapi.paths.paths.iter_mut() {
            // Health checks are never limited (see `ratelimit::exempt`).
            if path == "/healthz" {
                continue;
            }
            let Some(op) = item.get.as_mut() else {
                continue;
            };
            op.responses
                .responses
                .entry("429".to_owned())
                .or_insert_with(|| {
                    ResponseBuilder::new()
                        .description(
                            "Too many requests from this client; retry after `Retry-After` seconds",
                        )
                        .content(
                            "application/json",
                            ContentBuilder::new()
                                .schema(Some(Ref::from_schema_name("ErrorBody")))
                                .build(),
                        )
                        .build()
                        .into()
                });
        }
    }
}

/// The document as served (pretty JSON), built once.
pub fn document() -> &'static str {
    static DOC: OnceLock<String> = OnceLock::new();
    DOC.get_or_init(|| {
        ApiDoc::openapi()
            .merge_from(crate::api::curation::CurationApi::openapi())
            .merge_from(crate::api::admin::AdminApi::openapi())
            .merge_from(crate::api::jobs::JobsApi::openapi())
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
    respond::tagged(&req, "application/json", "public, max-age=3600", document())
}
