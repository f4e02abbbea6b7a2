//! The refusals several endpoints share, declared once for the OpenAPI document: who may call
//! (bearer token and role), the JSON body, the rate limit and an unavailable registry. Each
//! endpoint lists its own answers (success, 400, 404, 409 …) and adds the sets that apply.
//! These types only describe answers; the answers themselves are `ErrorBody` envelopes
//! written by `errors`, `auth` and `ratelimit`.

use std::collections::BTreeMap;

use utoipa::openapi::{RefOr, Response};
use utoipa::IntoResponses;

use crate::errors::ErrorBody;

/// The per-client rate limit (any endpoint; one that never asks the registry has only this).
#[derive(IntoResponses)]
#[response(status = 429, description = "Too many requests; see `Retry-After`")]
pub struct RateLimited(pub ErrorBody);

/// The registry being down.
#[derive(IntoResponses)]
#[response(status = 503, description = "Registry temporarily unavailable")]
pub struct Unavailable(pub ErrorBody);

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

/// Declares a set made of other sets, for the endpoints that answer all of them (the
/// document lists the same refusals as naming each set would).
macro_rules! refusal_set {
    ($(#[doc = $doc:tt])* $name:ident = $($part:ty),+) => {
        $(#[doc = $doc])*
        pub struct $name;

        impl IntoResponses for $name {
            fn responses() -> BTreeMap<String, RefOr<Response>> {
                let mut all = BTreeMap::new();
                $(all.append(&mut <$part as IntoResponses>::responses());)+
                all
            }
        }
    };
}

refusal_set! {
    /// Any endpoint that asks the registry: the per-client rate limit and the registry being
    /// down.
    PublicRefusals = RateLimited, Unavailable
}

refusal_set! {
    /// A curator's read: credentials, then the public refusals.
    CuratorReadRefusals = CuratorRefusals, PublicRefusals
}

refusal_set! {
    /// A curator's JSON write: credentials, the body's type, then the public refusals.
    CuratorWriteRefusals = CuratorRefusals, NotJson, PublicRefusals
}

refusal_set! {
    /// An administrator's JSON write: credentials, the body's type, then the public refusals.
    AdminWriteRefusals = AdminRefusals, NotJson, PublicRefusals
}
