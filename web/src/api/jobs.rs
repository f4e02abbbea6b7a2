//! Background jobs over the API: `GET /api/v1/jobs/{id}` tells curators and admins how far the
//! job a write queued has got (see [`crate::jobs`]). Bearer token first, like every curation
//! endpoint, so a request without valid credentials is answered 401 whatever its ID.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use utoipa::OpenApi;

use crate::api::auth::{BearerScheme, Curator};
use crate::api::corrections::{private_json, CurationApiError};
use crate::api::refusals::CuratorReadRefusals;
use crate::errors::{ApiError, ErrorBody, ErrorDetail};
use crate::input::InputError;
use crate::jobs::{Job, JobProgress, JobRef, JobStatus, RefreshSummary, ResolveSummary};
use crate::AppState;

/// Routes, registered inside the `/api/v1` scope.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/jobs/{id}", web::get().to(job));
}

/// A job ID: a positive integer.
fn job_id(s: &str) -> Result<i64, InputError> {
    s.parse::<i64>()
        .ok()
        .filter(|n| *n > 0 && s.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| InputError::new("invalid_id", "a job ID is a positive integer"))
}

/// A background job: its status and progress (curators and admins).
///
/// Curation writes and admin ingests answer `202 Accepted` with this URL: the change is
/// recorded, and the job resolves and re-indexes so the records show it. Poll until `status`
/// is `done` (the change shows from `data_version` on) or `failed` (see `error`).
#[utoipa::path(
    get,
    path = "/api/v1/jobs/{id}",
    tag = "curation",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Job ID, as the write's answer named it")),
    responses(
        (status = 200, description = "The job as it stands", body = Job),
        (status = 400, description = "Malformed job ID", body = ErrorBody),
        (status = 404, description = "No such job", body = ErrorBody),
        CuratorReadRefusals
    )
)]
pub async fn job(
    _curator: Curator,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, CurationApiError> {
    let id = job_id(&path.into_inner())?;
    match state.curate(move |r| r.job(id)).await? {
        Some(job) => Ok(private_json(StatusCode::OK, &job)),
        None => Err(ApiError::NotFound("job").into()),
    }
}

/// The jobs part of the OpenAPI document (merged into the main one).
#[derive(OpenApi)]
#[openapi(
    paths(job),
    components(schemas(
        ErrorBody, ErrorDetail, Job, JobRef, JobStatus, JobProgress, RefreshSummary, ResolveSummary
    )),
    modifiers(&BearerScheme)
)]
pub struct JobsApi;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_ids_are_positive_integers() {
        assert_eq!(job_id("12").ok(), Some(12));
        for bad in ["0", "-3", "+3", "x", "", "1.5", "99999999999999999999"] {
            assert_eq!(job_id(bad).map_err(|e| e.code), Err("invalid_id"), "{bad}");
        }
    }
}
