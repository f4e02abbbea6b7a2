//! Public correction reports over the API: anyone may file one (`POST`), and the log of every
//! report with its decision is public (`GET`). Deciding is in [`crate::api::curation`].
//!
//! Filing needs no credentials, so there is nothing for a forged cross-site request to
//! borrow; a JSON body is required, which makes browsers ask a CORS preflight first, and the
//! preflight allows GETs only — other origins' scripts cannot file reports through a visitor.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::api::refusals::{NotJson, PublicRefusals};
use crate::curation::{Correction, CorrectionFilter, NewCorrection, Refusal};
use crate::errors::{self, ApiError, ErrorBody};
use crate::input::{
    blank_to_none, cursor_param, limit_param, InputError, MAX_CURSOR_CHARS, MAX_LIMIT,
};
use crate::model::Page;
use crate::registry::RegistryError;
use crate::report_quota::report_quota;
use crate::respond;
use crate::AppState;
use std::time::SystemTime;

/// Largest JSON body a curation endpoint reads.
pub const MAX_BODY_BYTES: usize = 16 * 1024;
const DEFAULT_LIMIT: usize = 50;

/// Errors of the curation endpoints: the API's own, plus the registry's refusals (404, 409,
/// or 400 with a specific code) and 415 for a body that is not JSON.
#[derive(Debug, thiserror::Error)]
pub enum CurationApiError {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error(transparent)]
    Refused(#[from] Refusal),
    #[error("send the body as application/json")]
    MediaType,
    #[error("the body is larger than {MAX_BODY_BYTES} bytes")]
    TooLarge,
    #[error("this client has filed the reports one client may file in a day; retry after {} s", crate::api::ratelimit::retry_after_secs(*.0))]
    DailyCap(std::time::Duration),
}

impl From<RegistryError> for CurationApiError {
    fn from(e: RegistryError) -> Self {
        CurationApiError::Api(e.into())
    }
}

impl From<InputError> for CurationApiError {
    fn from(e: InputError) -> Self {
        CurationApiError::Api(e.into())
    }
}

impl ResponseError for CurationApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            CurationApiError::Api(e) => e.status_code(),
            CurationApiError::Refused(Refusal::NotFound(_)) => StatusCode::NOT_FOUND,
            CurationApiError::Refused(Refusal::Invalid { .. }) => StatusCode::BAD_REQUEST,
            CurationApiError::Refused(Refusal::Conflict(_)) => StatusCode::CONFLICT,
            CurationApiError::MediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            CurationApiError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            CurationApiError::DailyCap(_) => StatusCode::TOO_MANY_REQUESTS,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let code = match self {
            CurationApiError::Api(e) => return e.error_response(),
            CurationApiError::Refused(Refusal::NotFound(_)) => "not_found",
            CurationApiError::Refused(Refusal::Invalid { code, .. }) => code,
            CurationApiError::Refused(Refusal::Conflict(_)) => "conflict",
            CurationApiError::MediaType => "unsupported_media_type",
            CurationApiError::TooLarge => "body_too_large",
            CurationApiError::DailyCap(_) => "daily_report_cap",
        };
        let mut res = errors::envelope(self.status_code(), code, self.to_string());
        if let CurationApiError::DailyCap(wait) = self {
            let secs = crate::api::ratelimit::retry_after_secs(*wait);
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        res
    }
}

/// A JSON body of type `T`: the content type must say JSON (so browsers preflight it), the
/// size is bounded, and unknown fields are refused by the types themselves.
pub fn json_body<T: serde::de::DeserializeOwned>(
    req: &HttpRequest,
    body: &[u8],
) -> Result<T, CurationApiError> {
    let is_json = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"));
    if !is_json {
        return Err(CurationApiError::MediaType);
    }
    if body.len() > MAX_BODY_BYTES {
        return Err(CurationApiError::TooLarge);
    }
    serde_json::from_slice(body)
        .map_err(|e| InputError::new("invalid_json", format!("invalid JSON body: {e}")).into())
}

/// A JSON answer nobody should cache (writes, and what only curators see).
pub fn private_json<T: serde::Serialize>(status: StatusCode, value: &T) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .content_type("application/json")
        .body(respond::to_safe_json(value))
}

/// Report IDs are `R-` and digits; anything else cannot name one.
pub fn is_report_id(id: &str) -> bool {
    id.len() <= 16
        && id
            .strip_prefix("R-")
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// File a correction report.
///
/// Anyone may report a wrong link, a missing link, a wrong fact or an outdated entry. The
/// report gets an ID and appears in the public log at once; a curator accepts or rejects it.
/// Nothing about the submitter is stored. Accepted reports become human judgements or
/// annotations; they never overwrite what a source stated. One client may file a limited
/// number of reports per UTC day (20 unless the operator sets `MIERU_REPORTS_PER_DAY`); past
/// it the answer is 429 `daily_report_cap` with `Retry-After` running to the next day. A
/// report identical to one still open is not filed twice: the one on file is returned.
#[utoipa::path(
    post,
    path = "/api/v1/corrections",
    tag = "corrections",
    request_body(content = NewCorrection, content_type = "application/json"),
    responses(
        (status = 201, description = "Filed; `Location` names the report", body = Correction),
        (status = 400, description = "Invalid report (unknown kind or record, missing `other_id` for a link report, message empty or over 2000 characters)", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        NotJson,
        PublicRefusals
    )
)]
pub async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, CurationApiError> {
    let new: NewCorrection = json_body(&req, &body)?;
    let client = req.peer_addr().map(|a| a.ip());
    let quota = report_quota();
    quota
        .check(client, SystemTime::now())
        .map_err(CurationApiError::DailyCap)?;
    let filed = state.curate(move |r| r.submit_correction(&new)).await??;
    quota.record(client, SystemTime::now());
    let mut res = private_json(StatusCode::CREATED, &filed);
    if let Ok(loc) = HeaderValue::from_str(&format!("/api/v1/corrections/{}", filed.id)) {
        res.headers_mut().insert(header::LOCATION, loc);
    }
    Ok(res)
}

/// Query parameters of `GET /api/v1/corrections`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CorrectionParams {
    /// `open`, `accepted` or `rejected` (default: all).
    pub status: Option<String>,
    /// Opaque cursor from a previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// 1–100 (default 50).
    #[param(value_type = Option<u32>)]
    pub limit: Option<String>,
}

impl CorrectionParams {
    pub fn validate(&self) -> Result<CorrectionFilter, InputError> {
        let status = match blank_to_none(self.status.as_deref()) {
            None => None,
            Some(s @ ("open" | "accepted" | "rejected")) => Some(s.to_owned()),
            Some(_) => {
                return Err(InputError::new(
                    "invalid_status",
                    "parameter `status` must be `open`, `accepted` or `rejected`",
                ))
            }
        };
        // Report cursors are hex strings.
        let cursor = cursor_param(self.cursor.as_deref(), MAX_CURSOR_CHARS, |ch| {
            ch.is_ascii_hexdigit()
        })?;
        let limit = limit_param(self.limit.as_deref(), DEFAULT_LIMIT, MAX_LIMIT)?;
        Ok(CorrectionFilter {
            status,
            cursor,
            limit,
        })
    }
}

/// The public log of correction reports, newest first, with each decision (who, when, why).
#[utoipa::path(
    get,
    path = "/api/v1/corrections",
    tag = "corrections",
    params(CorrectionParams),
    responses(
        (status = 200, description = "One page of reports; pass `next_cursor` as `cursor` for the next", body = Page<Correction>),
        (status = 400, description = "Invalid filter or cursor", body = ErrorBody),
        PublicRefusals
    )
)]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    params: web::Query<CorrectionParams>,
) -> Result<HttpResponse, ApiError> {
    let filter = params.validate()?;
    let page = state.curate(move |r| r.corrections(&filter)).await?;
    Ok(respond::ok(&req, &page))
}

/// One correction report with its status and decision.
#[utoipa::path(
    get,
    path = "/api/v1/corrections/{id}",
    tag = "corrections",
    params(("id" = String, Path, description = "Report ID, e.g. `R-000001`")),
    responses(
        (status = 200, description = "The report", body = Correction),
        (status = 404, description = "No such report", body = ErrorBody),
        PublicRefusals
    )
)]
pub async fn get(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    if !is_report_id(&id) {
        return Err(ApiError::NotFound("correction"));
    }
    match state.curate(move |r| r.correction(&id)).await? {
        Some(c) => Ok(respond::ok(&req, &c)),
        None => Err(ApiError::NotFound("correction")),
    }
}
