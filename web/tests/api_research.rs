//! The researcher's API: facility list with filters and cursors, the changes feed, exports,
//! rate limiting, CORS preflight, compression and the human-readable API page.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure

mod common;

use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use actix_web::http::{header, StatusCode};
use actix_web::middleware::Compress;
use actix_web::test::{self, TestRequest};
use actix_web::App;
use common::{assert_envelope, header_str, json, strings, FakeRegistry};
use mieru_web::api::ratelimit::{RateLimitConfig, RateLimiter};
use serde_json::Value;

#[actix_web::test]
async fn facility_list_filters_and_pages() {
    let app = app!(Arc::new(FakeRegistry::default()));
    let (status, _, body) = get!(app, "/api/v1/facilities");
    assert_eq!(status, StatusCode::OK);
    let v = json(&body);
    assert_eq!(strings(&v["items"], "id"), ["F001", "F002", "F003"]);
    assert_eq!(v["items"][0]["former_names"][0], "さくら再生クリニック");
    assert!(v["next_cursor"].is_null());

    let (_, _, body) = get!(app, "/api/v1/facilities?kind=cpc");
    assert_eq!(json(&body)["items"][0]["id"], "F003");
    let (_, _, body) = get!(app, "/api/v1/facilities?has_actions=false");
    let v = json(&body);
    assert_eq!(v["items"].as_array().unwrap().len(), 1);
    assert_eq!(v["items"][0]["id"], "F002");
    let (_, _, body) = get!(
        app,
        "/api/v1/facilities?prefecture=%E5%A4%A7%E9%98%AA%E5%BA%9C"
    );
    assert_eq!(json(&body)["items"][0]["id"], "F003");

    // Walk with limit=1: every facility once, in order.
    let mut seen = Vec::new();
    let mut uri = "/api/v1/facilities?limit=1".to_owned();
    loop {
        let (status, _, body) = get!(app, uri.as_str());
        assert_eq!(status, StatusCode::OK);
        let v = json(&body);
        seen.extend(strings(&v["items"], "id").into_iter().map(str::to_owned));
        match v["next_cursor"].as_str() {
            Some(c) => uri = format!("/api/v1/facilities?limit=1&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen, ["F001", "F002", "F003"]);

    for (uri, code) in [
        ("/api/v1/facilities?kind=plan", "invalid_kind"),
        ("/api/v1/facilities?has_actions=maybe", "invalid_parameter"),
        ("/api/v1/facilities?limit=0", "invalid_limit"),
        ("/api/v1/facilities?cursor=%2F%2F", "invalid_cursor"),
        ("/api/v1/facilities?cursor=zz", "bad_request"),
    ] {
        let (status, _, body) = get!(app, uri);
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}");
        assert_envelope(&body, code);
    }
}

#[actix_web::test]
async fn changes_feed() {
    let app = app!(Arc::new(FakeRegistry::default()));
    let (status, _, body) = get!(app, "/api/v1/changes?since=2025-01-01");
    assert_eq!(status, StatusCode::OK);
    let v = json(&body);
    assert_eq!(v["since"], "2025-01-01T00:00:00Z");
    assert_eq!(v["items"][0]["entity"]["id"], "F001");
    assert_eq!(v["items"][0]["properties"][0]["property"], "name");
    let (_, _, body) = get!(app, "/api/v1/changes?since=2026-01-01T00:00:00%2B09:00");
    assert!(json(&body)["items"].as_array().unwrap().is_empty());
    for (uri, code) in [
        ("/api/v1/changes", "missing_since"),
        ("/api/v1/changes?since=last%20week", "invalid_since"),
        ("/api/v1/changes?since=2025-13-01", "invalid_since"),
        (
            "/api/v1/changes?since=2025-01-01&limit=1000",
            "invalid_limit",
        ),
    ] {
        let (status, _, body) = get!(app, uri);
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}");
        assert_envelope(&body, code);
    }
}

#[actix_web::test]
async fn exports_are_listed_and_downloadable() {
    let app = app!(Arc::new(FakeRegistry::default()));
    let (status, _, body) = get!(app, "/api/v1/exports");
    assert_eq!(status, StatusCode::OK);
    let v = json(&body);
    let names = strings(&v["files"], "name");
    assert!(names.contains(&"facilities.jsonl") && names.contains(&"actions.csv"));
    assert!(v["licence"].as_str().unwrap().contains("attribution"));

    let (status, headers, body) = get!(app, "/api/v1/exports/facilities.jsonl");
    assert_eq!(status, StatusCode::OK);
    assert!(header_str(&headers, header::CONTENT_TYPE).starts_with("application/x-ndjson"));
    assert!(header_str(&headers, header::CONTENT_DISPOSITION).starts_with("attachment"));
    let lines: Vec<Value> = std::str::from_utf8(&body)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    let etag = header_str(&headers, header::ETAG).to_owned();
    let (status, _, _) = get!(
        app,
        "/api/v1/exports/facilities.jsonl",
        [(header::IF_NONE_MATCH, etag)]
    );
    assert_eq!(status, StatusCode::NOT_MODIFIED);

    let (status, _, body) = get!(app, "/api/v1/exports/secrets.txt");
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_envelope(&body, "not_found");
    let (status, _, body) = get!(app, "/api/v1/exports/%2E%2E%2Fmieru.db");
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_envelope(&body, "invalid_export");
}

/// The export is a file on disk: byte ranges, validators and `If-Range` as for any static
/// file, refusals in the error envelope, and a new ETag with a new data version.
#[actix_web::test]
async fn exports_answer_ranges_and_validators() {
    let registry = Arc::new(FakeRegistry::default());
    let app = app!(registry.clone());
    let uri = "/api/v1/exports/facilities.jsonl";
    let (status, headers, whole) = get!(app, uri);
    assert_eq!(status, StatusCode::OK);
    let size = whole.len();
    assert!(size > 100, "{size} bytes");
    assert_eq!(
        header_str(&headers, header::CONTENT_DISPOSITION),
        "attachment; filename=\"mieru-facilities.jsonl\""
    );
    assert_eq!(
        header_str(&headers, header::CACHE_CONTROL),
        "public, max-age=300"
    );
    assert_eq!(header_str(&headers, header::ACCEPT_RANGES), "bytes");
    let etag = header_str(&headers, header::ETAG).to_owned();
    let last_modified = header_str(&headers, header::LAST_MODIFIED).to_owned();

    let (status, headers, body) = get!(app, uri, [(header::RANGE, "bytes=10-29")]);
    assert_eq!(status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(body, whole.slice(10..30));
    assert_eq!(
        header_str(&headers, header::CONTENT_RANGE),
        format!("bytes 10-29/{size}")
    );
    let (status, _, body) = get!(app, uri, [(header::RANGE, "bytes=-5")]);
    assert_eq!(status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(body, whole.slice(size - 5..));

    // A range past the end: 416 with the length, in the envelope.
    let (status, headers, body) = get!(app, uri, [(header::RANGE, format!("bytes={size}-"))]);
    assert_eq!(status, StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(
        header_str(&headers, header::CONTENT_RANGE),
        format!("bytes */{size}")
    );
    assert_envelope(&body, "range_not_satisfiable");

    // A resumed download continues only from the same file.
    let (status, _, body) = get!(
        app,
        uri,
        [
            (header::RANGE, "bytes=10-"),
            (header::IF_RANGE, etag.clone())
        ]
    );
    assert_eq!(status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(body, whole.slice(10..));
    let (status, _, body) = get!(
        app,
        uri,
        [
            (header::RANGE, "bytes=10-"),
            (header::IF_RANGE, "\"other\"")
        ]
    );
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, whole);

    let (status, headers, body) = get!(app, uri, [(header::IF_NONE_MATCH, etag.clone())]);
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert!(body.is_empty());
    assert_eq!(header_str(&headers, header::ETAG), etag);
    let (status, _, _) = get!(app, uri, [(header::IF_MODIFIED_SINCE, last_modified)]);
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    let (status, _, body) = get!(app, uri, [(header::IF_MATCH, "\"other\"")]);
    assert_eq!(status, StatusCode::PRECONDITION_FAILED);
    assert_envelope(&body, "precondition_failed");
    let (status, _, body) = get!(app, uri);
    assert_eq!((status, &body), (StatusCode::OK, &whole));

    // A new data version is a new file: the old ETag no longer matches.
    registry.data_version.store(2, Ordering::SeqCst);
    let (status, headers, body) = get!(app, uri, [(header::IF_NONE_MATCH, etag.clone())]);
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, whole);
    assert_ne!(header_str(&headers, header::ETAG), etag);

    registry.down.store(true, Ordering::SeqCst);
    let (status, _, body) = get!(app, uri);
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_envelope(&body, "unavailable");
}

fn from(ip: &str) -> SocketAddr {
    format!("{ip}:40000").parse().unwrap()
}

#[actix_web::test]
async fn rate_limit_answers_429_with_retry_after() {
    let limiter = RateLimiter::new(RateLimitConfig::new(0.5, 3).unwrap());
    let app = test::init_service(
        App::new()
            .app_data(mieru_web::app_data(common::state(Arc::new(
                FakeRegistry::default(),
            ))))
            .configure(|cfg| mieru_web::configure_with(cfg, limiter.clone(), Default::default())),
    )
    .await;
    let call = |ip: &'static str, uri: &'static str| {
        TestRequest::get().uri(uri).peer_addr(from(ip)).to_request()
    };
    for _ in 0..3 {
        let res = test::call_service(&app, call("192.0.2.10", "/api/v1/actions")).await;
        assert_eq!(res.status(), StatusCode::OK);
    }
    let res = test::call_service(&app, call("192.0.2.10", "/api/v1/actions")).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = header_str(res.headers(), header::RETRY_AFTER)
        .parse()
        .unwrap();
    assert!((1..=2).contains(&retry), "{retry}");
    assert_eq!(
        res.headers()
            .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
            .unwrap(),
        "*"
    );
    assert!(res.headers().contains_key("content-security-policy"));
    let body = test::read_body(res).await;
    assert_envelope(&body, "rate_limited");
    // Pages are limited too (plain text there); health checks and other clients are not.
    let res = test::call_service(&app, call("192.0.2.10", "/about")).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let res = test::call_service(&app, call("192.0.2.10", "/healthz")).await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = test::call_service(&app, call("198.51.100.7", "/api/v1/actions")).await;
    assert_eq!(res.status(), StatusCode::OK);
    // A search takes more of the bucket than a list: on a full bucket of 3 it takes all 3
    // (its cost, 4, is capped at the burst), and the next list request must wait.
    let res = test::call_service(&app, call("198.51.100.8", "/api/v1/search?q=x")).await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = test::call_service(&app, call("198.51.100.8", "/api/v1/actions")).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    // The same /64 is the same client.
    for _ in 0..3 {
        let res = test::call_service(&app, call("[2001:db8::1]", "/api/v1/actions")).await;
        assert_eq!(res.status(), StatusCode::OK);
    }
    let res = test::call_service(&app, call("[2001:db8::2]", "/api/v1/actions")).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[actix_web::test]
async fn default_limit_is_on_and_generous() {
    let config = mieru_web::api::ratelimit::default_limiter().config();
    assert!(
        config.per_second >= 10.0 && config.burst >= 30,
        "{config:?}"
    );
}

#[actix_web::test]
async fn preflight_and_exposed_headers() {
    let app = app!(Arc::new(FakeRegistry::default()));
    let req = TestRequest::default()
        .method(actix_web::http::Method::OPTIONS)
        .uri("/api/v1/facilities/F001")
        .insert_header((header::ORIGIN, "https://research.example.org"))
        .insert_header((header::ACCESS_CONTROL_REQUEST_METHOD, "GET"))
        .insert_header((header::ACCESS_CONTROL_REQUEST_HEADERS, "if-none-match"))
        .to_request();
    let res = test::call_service(&app, req).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let h = res.headers();
    assert_eq!(h.get(header::ACCESS_CONTROL_ALLOW_ORIGIN).unwrap(), "*");
    assert!(header_str(h, header::ACCESS_CONTROL_ALLOW_HEADERS).contains("If-None-Match"));
    let (_, headers, _) = get!(app, "/api/v1/actions");
    assert!(header_str(&headers, header::ACCESS_CONTROL_EXPOSE_HEADERS).contains("ETag"));
}

#[actix_web::test]
async fn responses_are_compressed_when_asked() {
    // As `mieru_web::serve` assembles the app.
    let app = test::init_service(
        App::new()
            .app_data(mieru_web::app_data(common::state(Arc::new(
                FakeRegistry::default(),
            ))))
            .wrap(Compress::default())
            .configure(mieru_web::configure),
    )
    .await;
    for encoding in ["gzip", "br"] {
        let req = TestRequest::get()
            .uri("/api/v1/openapi.json")
            .insert_header((header::ACCEPT_ENCODING, encoding))
            .to_request();
        let res = test::call_service(&app, req).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(
            res.headers().get(header::CONTENT_ENCODING).unwrap(),
            encoding
        );
        let compressed = test::read_body(res).await;
        let (_, _, plain) = get!(app, "/api/v1/openapi.json");
        assert!(
            compressed.len() * 3 < plain.len(),
            "{encoding}: {} vs {}",
            compressed.len(),
            plain.len()
        );
    }
}

#[actix_web::test]
async fn api_page_lists_every_endpoint_of_the_document() {
    let app = app!(Arc::new(FakeRegistry::default()));
    let (status, headers, body) = get!(app, "/api");
    assert_eq!(status, StatusCode::OK);
    assert!(header_str(&headers, header::CONTENT_TYPE).starts_with("text/html"));
    let page = String::from_utf8(body.to_vec()).unwrap();
    let (_, _, doc) = get!(app, "/api/v1/openapi.json");
    let doc = json(&doc);
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in ["get", "post", "delete"] {
            if item.get(method).is_some() {
                let op = format!("{} {path}", method.to_uppercase());
                assert!(page.contains(&op), "{op} missing from /api");
            }
        }
        for p in item["get"]["parameters"].as_array().into_iter().flatten() {
            let name = p["name"].as_str().unwrap();
            assert!(
                page.contains(&format!("<code>{name}</code>")),
                "{path}: parameter {name}"
            );
        }
    }
    // Examples use this site's origin.
    assert!(page.contains("curl 'https://mieru.example.jp/api/v1/facilities/F000001'"));
    // Self-contained: no script, nothing loaded from elsewhere.
    assert!(!page.contains("<script") && !page.contains("src="));
    assert!(!page.contains("href=\"http"));
}
