//! The refusals several endpoints share, declared once for the OpenAPI document: who may call
//! (bearer token and role), the JSON body, the rate limit and an unavailable registry. Each
//! endpoint lists its own answers (success, 400, 404, 409 …) and adds the sets that apply.
//! These types only describe answers; the answers themselves are `ErrorBody` envelopes
//! written by `errors`, `auth` and `ratelimit`.

use utoipa::IntoResponses;

use crate::errors::ErrorBody;

/// Any endpoint: the per-client rate limit and the registry being down.
#[derive(IntoResponses)]
pub enum PublicRefusals {
    #[response(status = 429, description = "Too many requests; see `Retry-After`")]
    TooManyRequests(ErrorBody),
    #[response(status = 503, description = "Registry temporarily unavailable")]
    Unavailable(ErrorBody),
}

/// A curator's endpoint: a valid bearer token whose role allows the call.
#[derive(IntoResponses)]
pub enum CuratorRefusals {
    #[response(status = 401, description = "No valid bearer token")]
    Unauthorized(ErrorBody),
    #[response(status = 403, description = "The token's role may not do this")]
    Forbidden(ErrorBody),
}

/// An administrator's endpoint: a valid bearer token with the admin role.
#[derive(IntoResponses)]
pub enum AdminRefusals {
    #[response(status = 401, description = "No valid bearer token")]
    Unauthorized(ErrorBody),
    #[response(status = 403, description = "Needs the admin role")]
    Forbidden(ErrorBody),
}

/// A write whose body must be JSON.
#[derive(IntoResponses)]
#[response(status = 415, description = "The body must be application/json")]
pub struct NotJson(pub ErrorBody);
