//! Static files (CSS, a small optional script, the icon) embedded in the binary.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use rust_embed::RustEmbed;

use crate::respond;

#[derive(RustEmbed)]
#[folder = "static/"]
struct Assets;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/static/{file}", web::get().to(asset))
        .route("/favicon.ico", web::get().to(favicon))
        .route("/robots.txt", web::get().to(robots));
}

fn serve(req: &HttpRequest, name: &str) -> Option<HttpResponse> {
    let file = Assets::get(name)?;
    let etag = format!("\"{}\"", hex::encode(file.metadata.sha256_hash()));
    if respond::matches_if_none_match(req, &etag) {
        return Some(
            HttpResponse::NotModified()
                .insert_header((header::ETAG, etag))
                .finish(),
        );
    }
    let mime = mime_guess::from_path(name).first_or_octet_stream();
    Some(
        HttpResponse::Ok()
            .insert_header((header::ETAG, etag))
            .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
            .content_type(mime.as_ref())
            .body(file.data.into_owned()),
    )
}

async fn asset(req: HttpRequest, path: web::Path<String>) -> HttpResponse {
    serve(&req, &path).unwrap_or_else(|| crate::pages::not_found(&req))
}

async fn favicon(req: HttpRequest) -> HttpResponse {
    serve(&req, "favicon.svg").unwrap_or_else(|| crate::pages::not_found(&req))
}

async fn robots() -> HttpResponse {
    // Archived copies are evidence, not content to index under our name.
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body("User-agent: *\nDisallow: /api/v1/documents/\n")
}
