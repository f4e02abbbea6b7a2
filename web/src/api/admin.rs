//! Admin endpoints: ingest a document through a server. With several servers on one database,
//! a document ingested through one is resolved into the shared database, and every other
//! server's index follower picks the new data version up within its polling interval.
//!
//! Bearer token with the `admin` role only ([`Admin`] is the handler's first argument, so a
//! request without valid credentials is answered 401/403 before its body is read).

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};
use utoipa::OpenApi;

use crate::admin::*;
use crate::api::auth::{Admin, BearerScheme};
use crate::api::refusals::AdminRefusals;
use crate::errors::{self, ApiError, ErrorBody, ErrorDetail};
use crate::input::{blank_to_none, InputError};
use crate::jobs::{JobRef, JobStatus};
use crate::registry::RegistryError;
use crate::respond;
use crate::AppState;

/// Routes, registered inside the `/api/v1` scope.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/ingest", web::post().to(ingest));
}

#[derive(Debug, thiserror::Error)]
pub enum AdminApiError {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error("the document is larger than {MAX_DOCUMENT_BYTES} bytes")]
    TooLarge,
    #[error("the body could not be read: {0}")]
    Body(String),
}

impl From<RegistryError> for AdminApiError {
    fn from(e: RegistryError) -> Self {
        AdminApiError::Api(e.into())
    }
}

impl From<InputError> for AdminApiError {
    fn from(e: InputError) -> Self {
        AdminApiError::Api(e.into())
    }
}

impl ResponseError for AdminApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            AdminApiError::Api(e) => e.status_code(),
            AdminApiError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AdminApiError::Body(_) => StatusCode::BAD_REQUEST,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let code = match self {
            AdminApiError::Api(e) => return e.error_response(),
            AdminApiError::TooLarge => "body_too_large",
            AdminApiError::Body(_) => "invalid_body",
        };
        errors::envelope(self.status_code(), code, self.to_string())
    }
}

fn invalid(message: impl Into<String>) -> InputError {
    InputError::new("invalid_parameter", message)
}

impl IngestParams {
    /// Checks the parameters' shape; whether the source exists is the registry's to say.
    pub fn validate(&self) -> Result<IngestRequest, InputError> {
        let trimmed = |v: &Option<String>| blank_to_none(v.as_deref()).map(str::to_owned);
        let source = trimmed(&self.source)
            .ok_or_else(|| InputError::new("missing_parameter", "`source` is required"))?;
        let source_ok = source.chars().count() <= MAX_SOURCE_CHARS
            && source
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !source_ok {
            return Err(invalid(
                "`source` is a source name such as `mhlw-press` (lowercase letters, digits, `-`)",
            ));
        }
        let url = trimmed(&self.url);
        if let Some(u) = &url {
            let scheme_ok = u.starts_with("https://") || u.starts_with("http://");
            if !scheme_ok
                || u.chars().count() > MAX_URL_CHARS
                || u.chars().any(|c| c.is_control() || c.is_whitespace())
            {
                return Err(invalid(format!(
                    "`url` is an http(s) URL of at most {MAX_URL_CHARS} characters"
                )));
            }
        }
        let filename = trimmed(&self.filename);
        if let Some(f) = &filename {
            let ok = f.chars().count() <= MAX_FILENAME_CHARS
                && !f.chars().any(|c| c.is_control() || matches!(c, '/' | '\\'))
                && f != "."
                && f != "..";
            if !ok {
                return Err(invalid(format!(
                    "`filename` is a file name (no path) of at most {MAX_FILENAME_CHARS} characters"
                )));
            }
        }
        Ok(IngestRequest {
            source,
            url,
            filename,
        })
    }
}

/// Ingest a document (admins only).
///
/// The body is the document's bytes, as published (HTML, PDF, Excel, CSV or ZIP). It is
/// archived, read with the source's parser and recorded with its facts — what `mieru ingest`
/// does — before the answer; resolving it into the registry and re-indexing (`mieru resolve`)
/// is the job the answer names (`job`, and `Location`), run in the background by the
/// database's worker. Other servers on the same database re-index within their polling
/// interval once it is done. A document the parser cannot read is archived all the same and
/// answered with `parse_error`.
#[utoipa::path(
    post,
    path = "/api/v1/admin/ingest",
    tag = "admin",
    security(("bearer" = [])),
    params(IngestParams),
    request_body(content = String, content_type = "application/octet-stream", description = "The document's bytes"),
    responses(
        (status = 202, description = "Archived and recorded; the job resolving and indexing it is queued (`Location` is its URL)", body = IngestResult,
            headers(("Location" = String, description = "`/api/v1/jobs/{id}`"))),
        (status = 400, description = "Missing or invalid parameter, unknown source, empty body", body = ErrorBody),
        (status = 413, description = "The document is larger than 20 MiB", body = ErrorBody),
        (status = 429, description = "Too many requests; see `Retry-After`", body = ErrorBody),
        (status = 503, description = "Registry temporarily unavailable (or another resolve held the lock too long)", body = ErrorBody),
        AdminRefusals
    )
)]
pub async fn ingest(
    admin: Admin,
    req: HttpRequest,
    state: web::Data<AppState>,
    payload: web::Payload,
) -> Result<HttpResponse, AdminApiError> {
    let params = web::Query::<IngestParams>::from_query(req.query_string())
        .map_err(|e| invalid(format!("invalid query string: {e}")))?;
    let request = params.validate()?;
    let body = match payload.to_bytes_limited(MAX_DOCUMENT_BYTES).await {
        Ok(Ok(body)) => body,
        Ok(Err(e)) => return Err(AdminApiError::Body(e.to_string())),
        Err(_limit_exceeded) => return Err(AdminApiError::TooLarge),
    };
    if body.is_empty() {
        return Err(InputError::new("empty_body", "the body must be the document's bytes").into());
    }
    let by = admin.0;
    let result = state
        .administer(move |r| r.ingest_document(&request, &body, &by))
        .await?;
    let mut res = HttpResponse::Accepted();
    res.insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")));
    if let Ok(location) = HeaderValue::from_str(&result.job.url) {
        res.insert_header((header::LOCATION, location));
    }
    Ok(res
        .content_type("application/json")
        .body(respond::to_safe_json(&result)))
}

#[derive(OpenApi)]
#[openapi(
    paths(ingest),
    components(schemas(ErrorBody, ErrorDetail, IngestResult, JobRef, JobStatus)),
    modifiers(&BearerScheme),
    tags((name = "admin", description = "Operating the registry (admin token)"))
)]
pub struct AdminApi;

#[cfg(test)]
mod tests {
    use super::*;

    fn params(source: &str, url: Option<&str>, filename: Option<&str>) -> IngestParams {
        IngestParams {
            source: Some(source.into()),
            url: url.map(Into::into),
            filename: filename.map(Into::into),
        }
    }

    #[test]
    fn parameters_are_validated() {
        let ok = params("mhlw-press", None, Some("newpage_1.html"))
            .validate()
            .unwrap();
        assert_eq!(ok.source, "mhlw-press");
        assert_eq!(ok.filename.as_deref(), Some("newpage_1.html"));
        let ok = params(" jrct ", Some("https://jrct.mhlw.go.jp/x"), None)
            .validate()
            .unwrap();
        assert_eq!((ok.source.as_str(), ok.url.is_some()), ("jrct", true));

        let code = |p: IngestParams| p.validate().unwrap_err().code;
        assert_eq!(code(IngestParams::default()), "missing_parameter");
        assert_eq!(code(params("  ", None, None)), "missing_parameter");
        assert_eq!(code(params("MHLW", None, None)), "invalid_parameter");
        assert_eq!(code(params("a/b", None, None)), "invalid_parameter");
        assert_eq!(
            code(params(&"a".repeat(41), None, None)),
            "invalid_parameter"
        );
        assert_eq!(
            code(params("jrct", Some("file:///etc/passwd"), None)),
            "invalid_parameter"
        );
        assert_eq!(
            code(params("jrct", Some("https://x/a b"), None)),
            "invalid_parameter"
        );
        assert_eq!(
            code(params("jrct", None, Some("../../etc/passwd"))),
            "invalid_parameter"
        );
        assert_eq!(code(params("jrct", None, Some(".."))), "invalid_parameter");
        assert_eq!(
            code(params("jrct", None, Some("a\u{0}b"))),
            "invalid_parameter"
        );
    }
}
