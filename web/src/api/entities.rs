//! Facilities, organizations, actions and plans.

use actix_web::http::header;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::refusals::PublicRefusals;
use crate::errors::{ApiError, ErrorBody};
use crate::input::{validate_id, ActionParams, PointInTimeParams};
use crate::model::{
    ActionDetail, ActionSummary, FacilityDetail, Lookup, OrganizationDetail, Page, PlanDetail,
};
use crate::registry::RecordLookup;
use crate::respond;
use crate::urls;
use crate::AppState;

/// Body of a 301 answered for an ID that was merged into another.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Moved {
    /// The ID the record now lives under.
    pub moved_to: String,
    /// Its URL (same as the `Location` header).
    pub location: String,
}

fn moved(req: &HttpRequest, location: String, new_id: String) -> HttpResponse {
    let mut res = respond::json(
        req,
        StatusCode::MOVED_PERMANENTLY,
        &Moved {
            moved_to: new_id,
            location: location.clone(),
        },
    );
    if let Ok(v) = header::HeaderValue::from_str(&location) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    res
}

/// What differs between the two kinds of record that have a history and can be merged away.
struct RecordKind<T> {
    /// Path segment of the collection (`/api/v1/{collection}/{id}`).
    collection: &'static str,
    /// What a 404 says was not found.
    what: &'static str,
    fetch: RecordLookup<T>,
}

const FACILITY: RecordKind<FacilityDetail> = RecordKind {
    collection: "facilities",
    what: "facility",
    fetch: |r, id, at| r.facility(id, at),
};

const ORGANIZATION: RecordKind<OrganizationDetail> = RecordKind {
    collection: "organizations",
    what: "organization",
    fetch: |r, id, at| r.organization(id, at),
};

impl<T: Serialize + Send + 'static> RecordKind<T> {
    /// The record at the requested point in time, a 301 to where a merged ID now lives (at
    /// the same point in time), or a 404.
    async fn answer(
        &self,
        req: &HttpRequest,
        state: &AppState,
        id: &str,
        params: &PointInTimeParams,
    ) -> Result<HttpResponse, ApiError> {
        let id = validate_id(id)?.to_owned();
        let at = params.validate()?;
        let fetch = self.fetch;
        match state.read(move |r| fetch(r, &id, at)).await? {
            Lookup::Found(record) => Ok(respond::ok(req, &record)),
            Lookup::MovedTo(new_id) => {
                let location = format!(
                    "{}/{}/{}{}",
                    super::PREFIX,
                    self.collection,
                    urls::encode(&new_id),
                    urls::point_in_time(&at)
                );
                Ok(moved(req, location, new_id))
            }
            Lookup::NotFound => Err(ApiError::NotFound(self.what)),
        }
    }
}

/// 200 with the record, or a 404 saying `what` was not found.
fn found<T: Serialize>(
    req: &HttpRequest,
    record: Option<T>,
    what: &'static str,
) -> Result<HttpResponse, ApiError> {
    match record {
        Some(r) => Ok(respond::ok(req, &r)),
        None => Err(ApiError::NotFound(what)),
    }
}

/// A facility (clinic, hospital) or CPC with its whole history.
#[utoipa::path(
    get,
    path = "/api/v1/facilities/{id}",
    tag = "entities",
    params(("id" = String, Path, description = "mieru facility ID, e.g. `F000123`"), PointInTimeParams),
    responses(
        (status = 200, description = "The facility with names, addresses, operators, plans, actions, events, links and sources", body = FacilityDetail),
        (status = 301, description = "The ID was merged; follow `Location`", body = Moved),
        (status = 400, description = "Malformed ID, `as_of` or `version`, or an unknown data version", body = ErrorBody),
        (status = 404, description = "Unknown ID", body = ErrorBody),
        PublicRefusals
    )
)]
pub async fn facility(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    params: web::Query<PointInTimeParams>,
) -> Result<HttpResponse, ApiError> {
    FACILITY.answer(&req, &state, &path, &params).await
}

/// An organization (corporation or individual operator) with its facilities and history.
#[utoipa::path(
    get,
    path = "/api/v1/organizations/{id}",
    tag = "entities",
    params(("id" = String, Path, description = "mieru organization ID, e.g. `O000045`"), PointInTimeParams),
    responses(
        (status = 200, description = "The organization", body = OrganizationDetail),
        (status = 301, description = "The ID was merged; follow `Location`", body = Moved),
        (status = 400, description = "Malformed ID, `as_of` or `version`, or an unknown data version", body = ErrorBody),
        (status = 404, description = "Unknown ID", body = ErrorBody),
        PublicRefusals
    )
)]
pub async fn organization(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    params: web::Query<PointInTimeParams>,
) -> Result<HttpResponse, ApiError> {
    ORGANIZATION.answer(&req, &state, &path, &params).await
}

/// Regulatory actions, newest first, with cursor pagination.
#[utoipa::path(
    get,
    path = "/api/v1/actions",
    tag = "entities",
    params(ActionParams),
    responses(
        (status = 200, description = "One page of actions; pass `next_cursor` as `cursor` for the next", body = Page<ActionSummary>),
        (status = 400, description = "Invalid filter, date or cursor", body = ErrorBody),
        PublicRefusals
    )
)]
pub async fn actions(
    req: HttpRequest,
    state: web::Data<AppState>,
    params: web::Query<ActionParams>,
) -> Result<HttpResponse, ApiError> {
    let filter = params.validate()?;
    let page = state.read(move |r| r.actions(&filter)).await?;
    Ok(respond::ok(&req, &page))
}

/// One action with its findings, measures, plans and sources.
#[utoipa::path(
    get,
    path = "/api/v1/actions/{id}",
    tag = "entities",
    params(("id" = String, Path, description = "mieru action ID, e.g. `A000007`")),
    responses(
        (status = 200, description = "The action", body = ActionDetail),
        (status = 400, description = "Malformed ID", body = ErrorBody),
        (status = 404, description = "Unknown ID", body = ErrorBody),
        PublicRefusals
    )
)]
pub async fn action(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = validate_id(&path)?.to_owned();
    found(&req, state.read(move |r| r.action(&id)).await?, "action")
}

/// A provision plan by its number (e-再生医療 plan key or jRCT ID).
#[utoipa::path(
    get,
    path = "/api/v1/plans/{number}",
    tag = "entities",
    params(("number" = String, Path, description = "Plan number, e.g. `02C1910156` or `jRCTb030190134`")),
    responses(
        (status = 200, description = "The plan", body = PlanDetail),
        (status = 400, description = "Malformed plan number", body = ErrorBody),
        (status = 404, description = "Unknown plan", body = ErrorBody),
        PublicRefusals
    )
)]
pub async fn plan(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let number = validate_id(&path)?.to_owned();
    found(&req, state.read(move |r| r.plan(&number)).await?, "plan")
}
