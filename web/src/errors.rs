//! The one error type of the JSON API and the extractor error handlers that make malformed
//! input answer with the same `{"error":{"code","message"}}` envelope. This maps errors to
//! JSON answers only (through [`crate::respond`]); HTML error pages are `crate::pages`' own.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::input::InputError;
use crate::registry::RegistryError;

/// The body of every API error.
#[derive(Debug, Clone, Serialize, serde::Deserialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, Serialize, serde::Deserialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code, e.g. `query_too_long`, `not_found`, `unavailable`.
    pub code: String,
    /// English explanation for humans.
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    Input(#[from] InputError),
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The registry rejected the request (e.g. a stale cursor).
    #[error("{0}")]
    Rejected(String),
    /// Storage failed; the detail is logged, never shown.
    #[error("the registry is temporarily unavailable")]
    Unavailable(String),
    /// A `Range` that no byte of a file of this many bytes satisfies.
    #[error("the requested range is outside the file ({0} bytes)")]
    RangeNotSatisfiable(u64),
    /// An `If-Match` or `If-Unmodified-Since` that the current file fails.
    #[error("the file no longer matches the request's If-Match or If-Unmodified-Since")]
    PreconditionFailed,
    #[error("internal error")]
    Internal(String),
}

impl From<RegistryError> for ApiError {
    fn from(e: RegistryError) -> Self {
        match e {
            RegistryError::BadRequest(m) => ApiError::Rejected(m),
            RegistryError::Unavailable(m) => ApiError::Unavailable(m),
        }
    }
}

impl ApiError {
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Input(e) => e.code,
            ApiError::NotFound(_) => "not_found",
            ApiError::Rejected(_) => "bad_request",
            ApiError::Unavailable(_) => "unavailable",
            ApiError::RangeNotSatisfiable(_) => "range_not_satisfiable",
            ApiError::PreconditionFailed => "precondition_failed",
            ApiError::Internal(_) => "internal",
        }
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            error: ErrorDetail {
                code: self.code().to_owned(),
                message: self.to_string(),
            },
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Input(_) | ApiError::Rejected(_) => StatusCode::BAD_REQUEST,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::RangeNotSatisfiable(_) => StatusCode::RANGE_NOT_SATISFIABLE,
            ApiError::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            ApiError::Unavailable(detail) => tracing::warn!(%detail, "registry unavailable"),
            ApiError::Internal(detail) => tracing::error!(%detail, "internal error"),
            _ => {}
        }
        let mut res = envelope(self.status_code(), self.code(), self.to_string());
        match self {
            ApiError::Unavailable(_) => {
                res.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
            }
            // RFC 9110 §15.5.17: a 416 says how long the representation is.
            ApiError::RangeNotSatisfiable(size) => {
                if let Ok(value) = HeaderValue::from_str(&format!("bytes */{size}")) {
                    res.headers_mut().insert(header::CONTENT_RANGE, value);
                }
            }
            _ => {}
        }
        res
    }
}

/// The error envelope `{"error":{"code","message"}}` with `status`: never cached, and
/// readable by scripts of any origin (they read the API's errors as they read its answers).
pub fn envelope(status: StatusCode, code: &str, message: String) -> HttpResponse {
    let body = ErrorBody {
        error: ErrorDetail {
            code: code.to_owned(),
            message,
        },
    };
    HttpResponse::build(status)
        .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .insert_header(crate::respond::cors())
        .content_type("application/json")
        .body(crate::respond::to_safe_json(&body))
}

fn extractor_error(code: &'static str, detail: String) -> actix_web::Error {
    ApiError::Input(InputError::new(code, detail)).into()
}

pub fn json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(64 * 1024)
        .error_handler(|e, _| extractor_error("invalid_json", format!("invalid JSON body: {e}")))
}

pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|e, _| {
        extractor_error("invalid_parameter", format!("invalid query string: {e}"))
    })
}

pub fn path_config() -> web::PathConfig {
    web::PathConfig::default()
        .error_handler(|e, _| extractor_error("invalid_path", format!("invalid path: {e}")))
}

/// Any 413 under `/api` as the JSON error envelope. A body over an extractor's limit is
/// refused by actix itself, with a plain-text answer; API clients read only JSON errors.
pub fn json_payload_too_large<B>(
    res: actix_web::dev::ServiceResponse<B>,
) -> actix_web::Result<actix_web::middleware::ErrorHandlerResponse<B>> {
    use actix_web::middleware::ErrorHandlerResponse;
    let is_json = res
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if is_json {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let (req, _) = res.into_parts();
    let body = ErrorBody {
        error: ErrorDetail {
            code: "body_too_large".to_owned(),
            message: "the request body is larger than this endpoint accepts".to_owned(),
        },
    };
    let answer = HttpResponse::PayloadTooLarge()
        .content_type("application/json")
        .body(crate::respond::to_safe_json(&body));
    Ok(ErrorHandlerResponse::Response(
        actix_web::dev::ServiceResponse::new(req, answer).map_into_right_body(),
    ))
}
