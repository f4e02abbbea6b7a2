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
    let id = validate_id(&path)?.to_owned();
    let at = params.validate()?;
    match state.read(move |r| r.facility(&id, at)).await? {
        Lookup::Found(f) => Ok(respond::ok(&req, &f)),
        Lookup::MovedTo(new_id) => {
            let location = format!(
                "{}/facilities/{}{}",
                super::PREFIX,
                urls::encode(&new_id),
                urls::point_in_time(&at)
            );
            Ok(moved(&req, location, new_id))
        }
        Lookup::NotFound => Err(ApiError::NotFound("facility")),
    }
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
    let id = validate_id(&path)?.to_owned();
    let at = params.validate()?;
    match state.read(move |r| r.organization(&id, at)).await? {
        Lookup::Found(o) => Ok(respond::ok(&req, &o)),
        Lookup::MovedTo(new_id) => {
            let location = format!(
                "{}/organizations/{}{}",
                super::PREFIX,
                urls::encode(&new_id),
                urls::point_in_time(&at)
            );
            Ok(moved(&req, location, new_id))
        }
        Lookup::NotFound => Err(ApiError::NotFound("organization")),
    }
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
    match state.read(move |r| r.action(&id)).await? {
        Some(a) => Ok(respond::ok(&req, &a)),
        None => Err(ApiError::NotFound("action")),
    }
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
    match state.read(move |r| r.plan(&number)).await? {
        Some(p) => Ok(respond::ok(&req, &p)),
        None => Err(ApiError::NotFound("plan")),
    }
}
