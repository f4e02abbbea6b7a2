//! Bulk downloads: the whole registry as JSON Lines or CSV, written to disk once per data
//! version by the registry and streamed from there.

use actix_files::NamedFile;
use actix_web::http::header::{
    self, ContentDisposition, DispositionParam, DispositionType, HeaderValue,
};
use actix_web::http::StatusCode;
use actix_web::{mime, web, HttpRequest, HttpResponse};

use crate::api::refusals::{PublicRefusals, RateLimited};
use crate::errors::{ApiError, ErrorBody};
use crate::input::InputError;
use crate::model::{ExportFile, ExportInfo, ExportList};
use crate::registry::{RegistryError, EXPORT_FILES};
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

/// One export file of the current data version, streamed from disk.
///
/// Byte ranges (`Range`, `If-Range`) and validators (`ETag` and `Last-Modified`, which change
/// with the data version; `If-None-Match`, `If-Modified-Since`, `If-Match`,
/// `If-Unmodified-Since`) work as for any static file.
#[utoipa::path(
    get,
    path = "/api/v1/exports/{file}",
    tag = "exports",
    params(
        ("file" = String, Path, description = "File name from `/api/v1/exports`, e.g. `facilities.jsonl`"),
        ("Range" = Option<String>, Header, description = "One byte range, e.g. `bytes=0-1023` or `bytes=-1024`"),
        ("If-None-Match" = Option<String>, Header, description = "ETag of a copy already held"),
        ("If-Range" = Option<String>, Header, description = "ETag or Last-Modified date a range continues from; any other answers the whole file"),
    ),
    responses(
        (status = 200, description = "The file (JSON Lines or CSV, UTF-8)", content_type = "application/x-ndjson", body = String),
        (status = 206, description = "The requested byte range, with `Content-Range`", content_type = "application/x-ndjson", body = String),
        (status = 304, description = "The copy the client holds is current (`If-None-Match`, `If-Modified-Since`)"),
        (status = 400, description = "Not an export file name", body = ErrorBody),
        (status = 404, description = "No such export", body = ErrorBody),
        (status = 412, description = "The file no longer matches `If-Match` or `If-Unmodified-Since`", body = ErrorBody),
        (status = 416, description = "No byte of the file is in the range; `Content-Range` gives its length", body = ErrorBody),
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
    let (file, opened) = state
        .read(move |r| {
            let Some(file) = r.export_file(&name)? else {
                return Ok(None);
            };
            // Opened on the blocking pool too. An open file stays readable even if a newer
            // version's clean-up removes it mid-download.
            let opened = NamedFile::open(&file.path).map_err(|e| {
                RegistryError::Unavailable(format!("export {}: {e}", file.path.display()))
            })?;
            Ok(Some((file, opened)))
        })
        .await?
        .ok_or(ApiError::NotFound("export"))?;
    download(&req, &file, opened)
}

/// `opened` as actix-files answers a static file (ranges, preconditions, a body read from
/// disk a chunk at a time as the client takes it) with the export's type, name and cache
/// policy; its refusals as the error envelope.
fn download(
    req: &HttpRequest,
    file: &ExportFile,
    opened: NamedFile,
) -> Result<HttpResponse, ApiError> {
    let size = opened.metadata().len();
    let content_type: mime::Mime = file.content_type.parse().map_err(|e| {
        ApiError::Internal(format!("export content type {}: {e}", file.content_type))
    })?;
    let disposition = ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![DispositionParam::Filename(format!("mieru-{}", file.name))],
    };
    let mut res = opened
        .set_content_type(content_type)
        .set_content_disposition(disposition)
        .into_response(req);
    match res.status() {
        StatusCode::RANGE_NOT_SATISFIABLE => Err(ApiError::RangeNotSatisfiable(size)),
        StatusCode::PRECONDITION_FAILED => Err(ApiError::PreconditionFailed),
        // The only 400 actix-files gives: a `Range` header that is not visible ASCII.
        StatusCode::BAD_REQUEST => Err(ApiError::Input(InputError::new(
            "invalid_range",
            "the Range header must be ASCII, e.g. bytes=0-1023",
        ))),
        _ => {
            res.headers_mut().insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=300"),
            );
            Ok(res)
        }
    }
}
