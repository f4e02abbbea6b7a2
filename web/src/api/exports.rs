//! Bulk downloads: the whole registry as JSON Lines or CSV, generated from the read models.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{web, HttpRequest, HttpResponse};

use crate::api::refusals::{PublicRefusals, RateLimited};
use crate::errors::{ApiError, ErrorBody};
use crate::input::InputError;
use crate::model::{ExportInfo, ExportList};
use crate::registry::EXPORT_FILES;
use crate::respond;
use crate::AppState;

/// The terms shown with every download.
pub const LICENCE: &str = "The records are compiled from documents published by Japanese public authorities \
(MHLW, the regional bureaus of health and welfare, e-再生医療, jRCT, the National Tax Agency's corporate number \
site). Reuse them freely, with attribution to mieru and to the cited sources; every record names the archived \
documents it rests on. Figures and findings are as the authorities published them; mieru's links between \
records carry their evidence and confidence and are not findings of fact.";

pub const DATA_DICTIONARY: &str = "docs/data-dictionary.md";

fn list() -> ExportList {
    ExportList {
        files: EXPORT_FILES
            .iter()
            .map(|(name, format, description)| ExportInfo {
                name: (*name).to_owned(),
                format: (*format).to_owned(),
                description: (*description).to_owned(),
                url: format!("{}/exports/{name}", super::PREFIX),
            })
            .collect(),
        licence: LICENCE.to_owned(),
        data_dictionary: DATA_DICTIONARY.to_owned(),
    }
}

/// The bulk export files, with the licence of the data.
#[utoipa::path(
    get,
    path = "/api/v1/exports",
    tag = "exports",
    responses(
        (status = 200, description = "Files that can be downloaded", body = ExportList),
        RateLimited
    )
)]
pub async fn exports(req: HttpRequest) -> HttpResponse {
    respond::ok(&req, &list())
}

/// One export file, generated from the current data.
#[utoipa::path(
    get,
    path = "/api/v1/exports/{file}",
    tag = "exports",
    params(("file" = String, Path, description = "File name from `/api/v1/exports`, e.g. `facilities.jsonl`")),
    responses(
        (status = 200, description = "The file (JSON Lines or CSV, UTF-8)", content_type = "application/x-ndjson", body = String),
        (status = 400, description = "Not an export file name", body = ErrorBody),
        (status = 404, description = "No such export", body = ErrorBody),
        PublicRefusals
    )
)]
pub async fn export_file(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let name = path.into_inner();
    if !EXPORT_FILES.iter().any(|(n, _, _)| *n == name) {
        let shaped = name.len() <= 64
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
        return Err(if shaped {
            ApiError::NotFound("export")
        } else {
            ApiError::Input(InputError::new(
                "invalid_export",
                "export file names are letters, digits, '.', '-' and '_' (see /api/v1/exports)",
            ))
        });
    }
    let file = state
        .read(move |r| r.export_file(&name))
        .await?
        .ok_or(ApiError::NotFound("export"))?;
    let etag = respond::etag_of(&file.bytes);
    if let Some(res) = respond::not_modified(&req, &etag) {
        return Ok(res);
    }
    let disposition = format!("attachment; filename=\"mieru-{}\"", file.name);
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, file.content_type))
        .insert_header((header::CONTENT_DISPOSITION, disposition))
        .insert_header((header::ETAG, etag))
        .insert_header((
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=300"),
        ))
        .body(file.bytes))
}
