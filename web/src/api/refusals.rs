//! The refusals several endpoints share, declared once for the OpenAPI document: who may call
//! (bearer token and role), the JSON body, the rate limit and an unavailable registry. Each
//! endpoint lists its own answers (success, 400, 404, 409 …) and adds the set that applies.
//! These types only describe answers; the answers themselves are `ErrorBody` envelopes
//! written by `errors` and `auth`.

use utoipa::IntoResponses;

use crate::errors::ErrorBody;

/// Any public endpoint: the per-client rate limit and the registry being down.
#[derive(IntoResponses)]
pub enum PublicRefusals {
    #[response(status = 429, description = "Too many requests; see `Retry-After`")]
    TooManyRequests(ErrorBody),
    #[response(status = 503, description = "Registry temporarily unavailable")]
    Unavailable(ErrorBody),
}

/// A curator's read: credentials and role, then the public refusals.
#[derive(IntoResponses)]
pub enum CuratorReadRefusals {
    #[response(status = 401, description = "No valid bearer token")]
    Unauthorized(ErrorBody),
    #[response(status = 403, description = "The token's role may not do this")]
    Forbidden(ErrorBody),
    #[response(status = 429, description = "Too many requests; see `Retry-After`")]
    TooManyRequests(ErrorBody),
    #[response(status = 503, description = "Registry temporarily unavailable")]
    Unavailable(ErrorBody),
}

/// A curator's write: as a read, and the body must be JSON.
#[derive(IntoResponses)]
pub enum CuratorWriteRefusals {
    #[response(status = 401, description = "No valid bearer token")]
    Unauthorized(ErrorBody),
    #[response(status = 403, description = "The token's role may not do this")]
    Forbidden(ErrorBody),
    #[response(status = 415, description = "The body must be application/json")]
    NotJson(ErrorBody),
    #[response(status = 429, description = "Too many requests; see `Retry-After`")]
    TooManyRequests(ErrorBody),
    #[response(status = 503, description = "Registry temporarily unavailable")]
    Unavailable(ErrorBody),
}

/// An administrator's write: credentials and the admin role, a JSON body, the public refusals.
#[derive(IntoResponses)]
pub enum AdminWriteRefusals {
    #[response(status = 401, description = "No valid bearer token")]
    Unauthorized(ErrorBody),
    #[response(status = 403, description = "Needs the admin role")]
    Forbidden(ErrorBody),
    #[response(status = 415, description = "The body must be application/json")]
    NotJson(ErrorBody),
    #[response(status = 429, description = "Too many requests; see `Retry-After`")]
    TooManyRequests(ErrorBody),
    #[response(status = 503, description = "Registry temporarily unavailable")]
    Unavailable(ErrorBody),
}
