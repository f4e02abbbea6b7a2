//! Archived source documents: the bytes exactly as fetched, and their metadata.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{web, HttpRequest, HttpResponse};

use crate::api::refusals::PublicRefusals;
use crate::errors::{ApiError, ErrorBody};
use crate::input::validate_sha256;
use crate::model::DocumentInfo;
use crate::respond;
use crate::AppState;

/// The archived bytes, as documented in OpenAPI (a binary string, not an array of numbers).
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct ArchivedBytes(pub Vec<u8>);

/// Types a browser would render as an active document; they get a sandboxing CSP so that
/// archived markup never runs script on our origin.
fn is_active_type(essence: &str) -> bool {
    matches!(
        essence,
        "text/html" | "application/xhtml+xml" | "image/svg+xml" | "text/xml" | "application/xml"
    )
}

/// The stored content type if it parses, with the recorded charset added to text types that
/// lack one; `application/octet-stream` otherwise.
fn served_type(info: &DocumentInfo) -> actix_web::mime::Mime {
    let parsed = info
        .content_type
        .as_deref()
        .and_then(|s| s.trim().parse::<actix_web::mime::Mime>().ok());
    match parsed {
        Some(m) => {
            if m.type_() == actix_web::mime::TEXT && m.get_param(actix_web::mime::CHARSET).is_none()
            {
                if let Some(enc) = info.encoding.as_deref() {
                    let with = format!("{}; charset={}", m.essence_str(), enc);
                    if let Ok(m2) = with.parse() {
                        return m2;
                    }
                }
            }
            m
        }
        None => actix_web::mime::APPLICATION_OCTET_STREAM,
    }
}

/// The archived bytes of a source document, served with its stored content type.
#[utoipa::path(
    get,
    path = "/api/v1/documents/{sha256}",
    tag = "documents",
    params(("sha256" = String, Path, description = "SHA-256 of the document, 64 lowercase hex digits")),
    responses(
        (status = 200, description = "The archived bytes, as fetched", content_type = "application/octet-stream", body = inline(ArchivedBytes)),
        (status = 400, description = "Not a SHA-256", body = ErrorBody),
        (status = 404, description = "No such document", body = ErrorBody),
        PublicRefusals
    )
)]
pub async fn document(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let sha = validate_sha256(&path)?.to_owned();
    // Content-addressed: the hash itself is a perfect validator.
    let etag = format!("\"{sha}\"");
    if let Some(res) = respond::not_modified(&req, &etag) {
        return Ok(res);
    }
    let doc = state
        .read(move |r| r.document(&sha))
        .await?
        .ok_or(ApiError::NotFound("document"))?;
    let mime = served_type(&doc.info);
    let mut res = HttpResponse::Ok();
    res.insert_header((header::CONTENT_TYPE, mime.to_string()))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!(
                "inline; filename=\"{}\"",
                doc.info
                    .sha256
                    .chars()
                    .filter(char::is_ascii_hexdigit)
                    .collect::<String>()
            ),
        ))
        .insert_header((
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .insert_header((header::ETAG, etag))
        .insert_header((
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        ));
    if is_active_type(mime.essence_str()) {
        res.insert_header((
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'",
            ),
        ));
    } else {
        // PDFs and spreadsheets must stay viewable (a sandbox blocks browsers' PDF viewers),
        // but they may not be framed or load anything.
        res.insert_header((
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        ));
    }
    Ok(res.body(doc.bytes))
}

/// Metadata of an archived document: source, URL, fetch time, type, encoding, size.
#[utoipa::path(
    get,
    path = "/api/v1/documents/{sha256}/meta",
    tag = "documents",
    params(("sha256" = String, Path, description = "SHA-256 of the document, 64 lowercase hex digits")),
    responses(
        (status = 200, description = "Document metadata", body = DocumentInfo),
        (status = 400, description = "Not a SHA-256", body = ErrorBody),
        (status = 404, description = "No such document", body = ErrorBody),
        PublicRefusals
    )
)]
pub async fn document_meta(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let sha = validate_sha256(&path)?.to_owned();
    let doc = state
        .read(move |r| r.document(&sha))
        .await?
        .ok_or(ApiError::NotFound("document"))?;
    Ok(respond::ok(&req, &doc.info))
}
