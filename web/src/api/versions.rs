//! Data versions: each resolve run publishes one; permalinks name them.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::refusals::PublicRefusals;
use crate::errors::{ApiError, ErrorBody};
use crate::input::{limit_param, InputError};
use crate::model::DataVersion;
use crate::respond;
use crate::AppState;

const DEFAULT_VERSIONS: usize = 100;
const MAX_VERSIONS: usize = 1000;

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VersionParams {
    /// How many versions to list, newest first (1–1000, default 100).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1000)]
    pub limit: Option<String>,
}

impl VersionParams {
    fn limit(&self) -> Result<usize, InputError> {
        limit_param(self.limit.as_deref(), DEFAULT_VERSIONS, MAX_VERSIONS)
    }
}

/// The list of data versions.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct VersionList {
    /// Newest first; the first one is what the site serves now.
    pub versions: Vec<DataVersion>,
}

/// Published data versions, newest first. Pass one as `version` to a facility or organization
/// to see the record as it stood then.
#[utoipa::path(
    get,
    path = "/api/v1/versions",
    tag = "meta",
    params(VersionParams),
    responses(
        (status = 200, description = "Data versions, newest first", body = VersionList),
        (status = 400, description = "Malformed `limit`", body = ErrorBody),
        PublicRefusals
    )
)]
pub async fn versions(
    req: HttpRequest,
    state: web::Data<AppState>,
    params: web::Query<VersionParams>,
) -> Result<HttpResponse, ApiError> {
    let limit = params.limit()?;
    let versions = state.read(move |r| r.versions(limit)).await?;
    Ok(respond::ok(&req, &VersionList { versions }))
}
