//! `GET /api/v1/sources`: the health of every public source.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{web, HttpRequest, HttpResponse};

use crate::api::refusals::PublicRefusals;
use crate::errors::ApiError;
use crate::model::SourcesReport;
use crate::respond;
use crate::AppState;

/// Per source: the last complete crawl, the last attempt and whether it failed, `available` /
/// `unavailable`, counts of documents and facts, documents that could not be fetched or read
/// (with their archived copies) and known gaps.
#[utoipa::path(
    get,
    path = "/api/v1/sources",
    tag = "meta",
    responses(
        (status = 200, description = "Health of every source", body = SourcesReport),
        PublicRefusals
    )
)]
pub async fn sources(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let report = state.read(|r| r.sources()).await?;
    let mut res = respond::ok(&req, &report);
    // Crawls change this at any time; a minute-old answer would hide an outage.
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Ok(res)
}
