use actix_web::{web, HttpRequest, HttpResponse};

use crate::errors::{ApiError, ErrorBody};
use crate::model::Health;
use crate::respond;
use crate::AppState;

/// Liveness and data counts; 503 when the registry cannot answer.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "meta",
    responses(
        (status = 200, description = "The registry answers", body = Health),
        (status = 503, description = "Registry unavailable", body = ErrorBody)
    )
)]
pub async fn health(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let h = state.read(|r| r.health()).await?;
    let mut res = respond::ok(&req, &h);
    res.headers_mut().insert(
        actix_web::http::header::CACHE_CONTROL,
        actix_web::http::header::HeaderValue::from_static("no-store"),
    );
    Ok(res)
}
