//! Generic HTTP answers shared by the API, the feeds, the static files and the error mapping:
//! HTML-safe JSON, strong ETags and `If-None-Match` → 304, the CORS header. Depends on nothing
//! else in the crate, so every layer may use it.

use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;
use sha2::{Digest, Sha256};

pub fn cors() -> (HeaderName, HeaderValue) {
    (
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    )
}

/// JSON with `<`, `>`, `&`, U+2028 and U+2029 written as `\u` escapes. These characters can
/// only occur inside JSON strings, so the document means the same, yet no markup from the data
/// ever appears literally in a response, whatever a client does with it.
pub fn to_safe_json<T: Serialize + ?Sized>(value: &T) -> String {
    let raw = match serde_json::to_string(value) {
        Ok(s) => s,
        // Our model types always serialise; keep the envelope shape if one ever doesn't.
        Err(_) => {
            return r#"{"error":{"code":"internal","message":"serialisation failed"}}"#.to_owned()
        }
    };
    let mut out = String::with_capacity(raw.len() + 16);
    for c in raw.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// A strong validator over the exact bytes sent.
pub fn etag_of(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    format!("\"{}\"", hex::encode(digest.get(..16).unwrap_or_default()))
}

/// Whether the client already holds `etag` (weak comparison, as RFC 9110 asks for GET).
pub fn matches_if_none_match(req: &HttpRequest, etag: &str) -> bool {
    let bare = etag.trim_start_matches("W/");
    req.headers()
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|candidate| candidate == "*" || candidate.trim_start_matches("W/") == bare)
}

/// An empty 304 carrying `etag` when the client already holds it.
pub fn not_modified(req: &HttpRequest, etag: &str) -> Option<HttpResponse> {
    matches_if_none_match(req, etag).then(|| {
        HttpResponse::NotModified()
            .insert_header((header::ETAG, etag.to_owned()))
            .finish()
    })
}

/// 200 with `body` as `content_type`, a strong ETag over its bytes and `cache_control`, or an
/// empty 304 (the ETag only) when the client's copy is current.
pub fn tagged(
    req: &HttpRequest,
    content_type: &str,
    cache_control: &'static str,
    body: impl Into<Bytes>,
) -> HttpResponse {
    let body = body.into();
    let etag = etag_of(&body);
    if let Some(res) = not_modified(req, &etag) {
        return res;
    }
    HttpResponse::Ok()
        .insert_header((header::ETAG, etag))
        .insert_header((
            header::CACHE_CONTROL,
            HeaderValue::from_static(cache_control),
        ))
        .content_type(content_type)
        .body(body)
}

/// 200 (or `status`) JSON with an ETag, or an empty 304 when the client's copy is current.
pub fn json<T: Serialize + ?Sized>(
    req: &HttpRequest,
    status: StatusCode,
    value: &T,
) -> HttpResponse {
    let body = to_safe_json(value);
    let etag = etag_of(body.as_bytes());
    let cache = HeaderValue::from_static("public, max-age=60");
    if status == StatusCode::OK && matches_if_none_match(req, &etag) {
        return HttpResponse::NotModified()
            .insert_header((header::ETAG, etag))
            .insert_header((header::CACHE_CONTROL, cache))
            .finish();
    }
    HttpResponse::build(status)
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, cache))
        .content_type("application/json")
        .body(body)
}

pub fn ok<T: Serialize + ?Sized>(req: &HttpRequest, value: &T) -> HttpResponse {
    json(req, StatusCode::OK, value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_json_escapes_markup_and_round_trips() {
        let v = serde_json::json!({"name": "<script>alert(1)</script> & \u{2028}"});
        let s = to_safe_json(&v);
        assert!(!s.contains('<') && !s.contains('>') && !s.contains('&'));
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn if_none_match_variants() {
        let etag = etag_of(b"x");
        let req = actix_web::test::TestRequest::default()
            .insert_header((header::IF_NONE_MATCH, format!("\"other\", W/{etag}")))
            .to_http_request();
        assert!(matches_if_none_match(&req, &etag));
        let req = actix_web::test::TestRequest::default()
            .insert_header((header::IF_NONE_MATCH, "\"other\""))
            .to_http_request();
        assert!(!matches_if_none_match(&req, &etag));
    }
}
