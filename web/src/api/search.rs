use actix_web::{web, HttpRequest, HttpResponse};

use crate::api::refusals::PublicRefusals;
use crate::errors::{ApiError, ErrorBody};
use crate::input::SearchParams;
use crate::model::SearchResults;
use crate::respond;
use crate::AppState;

/// Search facilities, CPCs, organizations, actions and plans by any name they ever had.
#[utoipa::path(
    get,
    path = "/api/v1/search",
    tag = "search",
    params(SearchParams),
    responses(
        (status = 200, description = "Ranked hits with facet counts", body = SearchResults),
        (status = 400, description = "Invalid query or parameter", body = ErrorBody),
        PublicRefusals
    )
)]
pub async fn search(
    req: HttpRequest,
    state: web::Data<AppState>,
    params: web::Query<SearchParams>,
) -> Result<HttpResponse, ApiError> {
    let request = params.validate()?;
    let results = state.read(move |r| r.search(&request)).await?;
    Ok(respond::ok(&req, &results))
}
