//! Bearer-token authentication for curation (and admin) endpoints.
//!
//! `Authorization: Bearer mieru_…` is the only credential: no cookies, no sessions. Browsers
//! never attach it on their own, so there is no cross-site request forgery surface, and the
//! API's CORS preflight (GET only) keeps other origins' scripts from sending it.
//!
//! Tokens are never logged: the request logger records method and path only, and nothing
//! here prints a header or the token (errors name the failure, not the value).
//!
//! Use [`Curator`] (any curator) or [`Admin`] (the `admin` role) as the FIRST argument of a
//! handler, or `crate::api::curation::JsonWrite` for a JSON write (credentials before the body,
//! which it parses only after them), so a missing or bad credential answers 401/403 before
//! anything about the body is said.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{web, FromRequest, HttpRequest, HttpResponse, ResponseError};

use crate::curation::{CuratorInfo, Role};
use crate::registry::RegistryError;
use crate::AppState;

/// Tokens are `mieru_` and 64 hex digits; anything much longer is not worth a lookup.
const MAX_TOKEN_LEN: usize = 128;

/// A request made by an authenticated curator (role `curator` or `admin`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Curator(pub CuratorInfo);

/// A request made by an authenticated curator with the `admin` role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Admin(pub CuratorInfo);

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("this endpoint needs a curator's bearer token (Authorization: Bearer …)")]
    Missing,
    #[error("the Authorization header is not a bearer token")]
    Malformed,
    #[error("the bearer token is not valid (unknown or revoked)")]
    Invalid,
    #[error("this endpoint needs the {0} role")]
    Forbidden(&'static str),
    /// Storage failed while checking the token; the detail is logged, never shown.
    #[error("the registry is temporarily unavailable")]
    Unavailable(String),
}

impl AuthError {
    fn code(&self) -> &'static str {
        match self {
            AuthError::Missing | AuthError::Malformed | AuthError::Invalid => "unauthorized",
            AuthError::Forbidden(_) => "forbidden",
            AuthError::Unavailable(_) => "unavailable",
        }
    }
}

impl ResponseError for AuthError {
    fn status_code(&self) -> StatusCode {
        match self {
            AuthError::Missing | AuthError::Malformed | AuthError::Invalid => {
                StatusCode::UNAUTHORIZED
            }
            AuthError::Forbidden(_) => StatusCode::FORBIDDEN,
            AuthError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let AuthError::Unavailable(detail) = self {
            tracing::warn!(%detail, "registry unavailable during authentication");
        }
        let mut res = crate::errors::envelope(self.status_code(), self.code(), self.to_string());
        // RFC 6750: say which scheme is expected, and why a token given was refused.
        let (name, value) = match self {
            AuthError::Missing => (header::WWW_AUTHENTICATE, "Bearer realm=\"mieru\""),
            AuthError::Malformed => (
                header::WWW_AUTHENTICATE,
                "Bearer realm=\"mieru\", error=\"invalid_request\"",
            ),
            AuthError::Invalid => (
                header::WWW_AUTHENTICATE,
                "Bearer realm=\"mieru\", error=\"invalid_token\"",
            ),
            AuthError::Forbidden(_) => (
                header::WWW_AUTHENTICATE,
                "Bearer realm=\"mieru\", error=\"insufficient_scope\"",
            ),
            AuthError::Unavailable(_) => (header::RETRY_AFTER, "30"),
        };
        res.headers_mut()
            .insert(name, HeaderValue::from_static(value));
        res
    }
}

/// The token of an `Authorization: Bearer …` header, checked for shape only.
pub fn bearer_token(req: &HttpRequest) -> Result<String, AuthError> {
    let mut values = req.headers().get_all(header::AUTHORIZATION);
    let Some(value) = values.next() else {
        return Err(AuthError::Missing);
    };
    if values.next().is_some() {
        return Err(AuthError::Malformed);
    }
    let value = value.to_str().map_err(|_| AuthError::Malformed)?;
    let (scheme, token) = value.trim().split_once(' ').ok_or(AuthError::Malformed)?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(AuthError::Malformed);
    }
    let token = token.trim();
    let well_formed = !token.is_empty()
        && token.len() <= MAX_TOKEN_LEN
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'));
    if well_formed {
        Ok(token.to_owned())
    } else {
        // A token of the wrong shape cannot be valid: no need to ask the registry.
        Err(AuthError::Invalid)
    }
}

/// Authenticates the request's bearer token and checks it grants `needed`.
pub async fn authenticate(req: &HttpRequest, needed: Role) -> Result<CuratorInfo, AuthError> {
    let token = bearer_token(req)?;
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| AuthError::Unavailable("no application state".into()))?;
    let found = state
        .curate(move |r| r.authenticate(&token))
        .await
        .map_err(|e| match e {
            RegistryError::Unavailable(m) | RegistryError::BadRequest(m) => {
                AuthError::Unavailable(m)
            }
        })?;
    let info = found.ok_or(AuthError::Invalid)?;
    if info.role.allows(needed) {
        Ok(info)
    } else {
        Err(AuthError::Forbidden(needed.as_str()))
    }
}

type AuthFuture<T> = Pin<Box<dyn Future<Output = Result<T, AuthError>>>>;

impl FromRequest for Curator {
    type Error = AuthError;
    type Future = AuthFuture<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { authenticate(&req, Role::Curator).await.map(Curator) })
    }
}

impl FromRequest for Admin {
    type Error = AuthError;
    type Future = AuthFuture<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { authenticate(&req, Role::Admin).await.map(Admin) })
    }
}

/// Adds the bearer scheme to the OpenAPI document (operations name it in `security`).
pub struct BearerScheme;

impl utoipa::Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A curator's token (`mieru curator add NAME --role curator|admin` prints it once)",
                    ))
                    .build(),
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn token_of(header: Option<&str>) -> Result<String, String> {
        let mut req = TestRequest::default();
        if let Some(h) = header {
            req = req.insert_header((header::AUTHORIZATION, h));
        }
        bearer_token(&req.to_http_request()).map_err(|e| e.code().to_owned() + ":" + &e.to_string())
    }

    #[test]
    fn bearer_header_shapes() {
        assert_eq!(token_of(Some("Bearer mieru_abc")).unwrap(), "mieru_abc");
        assert_eq!(token_of(Some("bearer  mieru_abc ")).unwrap(), "mieru_abc");
        assert!(token_of(None).unwrap_err().contains("needs a curator"));
        assert!(token_of(Some("Basic dXNlcjpwYXNz"))
            .unwrap_err()
            .contains("not a bearer"));
        assert!(token_of(Some("Bearer")).is_err());
        assert!(token_of(Some("Bearer a b"))
            .unwrap_err()
            .contains("not valid"));
        let long = format!("Bearer mieru_{}", "a".repeat(200));
        assert!(token_of(Some(&long)).unwrap_err().contains("not valid"));
    }

    #[test]
    fn statuses_and_challenge() {
        for (err, status, challenge) in [
            (AuthError::Missing, 401, Some("Bearer realm=\"mieru\"")),
            (
                AuthError::Invalid,
                401,
                Some("Bearer realm=\"mieru\", error=\"invalid_token\""),
            ),
            (
                AuthError::Forbidden("admin"),
                403,
                Some("Bearer realm=\"mieru\", error=\"insufficient_scope\""),
            ),
            (AuthError::Unavailable("x".into()), 503, None),
        ] {
            let res = err.error_response();
            assert_eq!(res.status().as_u16(), status);
            assert_eq!(
                res.headers()
                    .get(header::WWW_AUTHENTICATE)
                    .and_then(|v| v.to_str().ok()),
                challenge
            );
        }
    }

    #[test]
    fn roles() {
        assert!(Role::Admin.allows(Role::Curator));
        assert!(Role::Admin.allows(Role::Admin));
        assert!(Role::Curator.allows(Role::Curator));
        assert!(!Role::Curator.allows(Role::Admin));
    }
}
