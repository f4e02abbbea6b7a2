//! The JSON API over a fictional registry: every route, every refusal, caching and headers.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure

mod common;

use std::sync::atomic::Ordering;
use std::sync::Arc;

use actix_web::http::{header, StatusCode};
use common::{
    assert_envelope, header_str, json, sha, strings, FakeRegistry, HTML_DOC, MARKUP_NAME, PDF_DOC,
};

#[actix_web::test]
async fn every_route_answers_200_with_json() {
    let app = app!(Arc::new(FakeRegistry::default()));
    let html_sha = sha(HTML_DOC);
    for uri in [
        "/api/v1/search?q=%E3%82%AF%E3%83%AA%E3%83%8B%E3%83%83%E3%82%AF".to_owned(),
        "/api/v1/facilities/F001".to_owned(),
        "/api/v1/facilities/F001?as_of=2025-01-01".to_owned(),
        "/api/v1/organizations/O001".to_owned(),
        "/api/v1/actions".to_owned(),
        "/api/v1/actions?action_type=emergency_order&from=2024-01-01&to=2025-12-31&limit=5"
            .to_owned(),
        "/api/v1/actions/A001".to_owned(),
        "/api/v1/plans/02C1910156".to_owned(),
        format!("/api/v1/documents/{html_sha}/meta"),
        "/api/v1/openapi.json".to_owned(),
        "/healthz".to_owned(),
    ] {
        let (status, headers, body) = get!(app, &uri);
        assert_eq!(
            status,
            StatusCode::OK,
            "{uri}: {}",
            String::from_utf8_lossy(&body)
        );
        let ct = header_str(&headers, header::CONTENT_TYPE);
        assert!(ct.starts_with("application/json"), "{uri}: {ct}");
        json(&body);
        if uri.starts_with("/api/") {
            assert_eq!(
                headers.get(header::ACCESS_CONTROL_ALLOW_ORIGIN).unwrap(),
                "*",
                "{uri}"
            );
        }
    }
}

#[actix_web::test]
async fn search_returns_hits_with_former_names() {
    let app = app!(Arc::new(FakeRegistry::default()));
    // さくら is the clinic's former name.
    let (status, _, body) = get!(app, "/api/v1/search?q=%E3%81%95%E3%81%8F%E3%82%89");
    assert_eq!(status, StatusCode::OK);
    let v = json(&body);
    assert_eq!(v["total"], 1);
    assert_eq!(v["hits"][0]["id"], "F001");
    assert_eq!(v["hits"][0]["former_names"][0], "さくら再生クリニック");
    assert_eq!(v["hits"][0]["action_count"], 1);
}

#[actix_web::test]
async fn bad_input_gets_4xx_with_the_envelope() {
    let app = app!(Arc::new(FakeRegistry::default()));
    let long = "a".repeat(10_000);
    let cases: Vec<(String, &str)> = vec![
        ("/api/v1/search".into(), "missing_query"),
        ("/api/v1/search?q=".into(), "empty_query"),
        ("/api/v1/search?q=%20%20%E3%80%80".into(), "empty_query"),
        (format!("/api/v1/search?q={long}"), "query_too_long"),
        ("/api/v1/search?q=a%00b".into(), "invalid_query"),
        ("/api/v1/search?q=a%0Ab".into(), "invalid_query"),
        ("/api/v1/search?q=x&limit=0".into(), "invalid_limit"),
        ("/api/v1/search?q=x&limit=1000".into(), "invalid_limit"),
        ("/api/v1/search?q=x&limit=abc".into(), "invalid_limit"),
        ("/api/v1/search?q=x&offset=-1".into(), "invalid_offset"),
        ("/api/v1/search?q=x&offset=10001".into(), "invalid_offset"),
        ("/api/v1/search?q=x&year=twenty".into(), "invalid_year"),
        ("/api/v1/search?q=x&kind=spaceship".into(), "invalid_kind"),
        ("/api/v1/search?q=a&q=b".into(), "invalid_parameter"),
        (
            "/api/v1/facilities/F001?as_of=2025-13-01".into(),
            "invalid_date",
        ),
        (
            "/api/v1/facilities/F001?as_of=yesterday".into(),
            "invalid_date",
        ),
        ("/api/v1/facilities/F%3Cx%3E".into(), "invalid_id"),
        ("/api/v1/actions?from=2025-02-30".into(), "invalid_date"),
        (
            "/api/v1/actions?from=2025-05-01&to=2025-01-01".into(),
            "invalid_date_range",
        ),
        (
            "/api/v1/actions?cursor=%3Cscript%3E".into(),
            "invalid_cursor",
        ),
        ("/api/v1/actions?cursor=zzz".into(), "bad_request"),
        ("/api/v1/actions?limit=0".into(), "invalid_limit"),
        ("/api/v1/actions?limit=1000".into(), "invalid_limit"),
        ("/api/v1/actions?limit=many".into(), "invalid_limit"),
        (
            "/api/v1/actions?action_type=DROP%20TABLE".into(),
            "invalid_parameter",
        ),
        ("/api/v1/documents/abc".into(), "invalid_sha256"),
        (
            format!("/api/v1/documents/{}", "A".repeat(64)),
            "invalid_sha256",
        ),
        (
            format!("/api/v1/documents/{}/meta", "g".repeat(64)),
            "invalid_sha256",
        ),
    ];
    for (uri, code) in cases {
        let (status, headers, body) = get!(app, &uri);
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}");
        assert_eq!(
            headers.get(header::CONTENT_TYPE).unwrap(),
            "application/json",
            "{uri}"
        );
        assert_envelope(&body, code);
    }
}

#[actix_web::test]
async fn unknown_ids_are_404_with_the_envelope() {
    let app = app!(Arc::new(FakeRegistry::default()));
    for uri in [
        "/api/v1/facilities/F404".to_owned(),
        "/api/v1/organizations/O404".to_owned(),
        "/api/v1/actions/A404".to_owned(),
        "/api/v1/plans/99Z9999999".to_owned(),
        format!("/api/v1/documents/{}", "0".repeat(64)),
        format!("/api/v1/documents/{}/meta", "0".repeat(64)),
        "/api/v1/no-such-route".to_owned(),
        "/api/v2/search".to_owned(),
    ] {
        let (status, _, body) = get!(app, &uri);
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert_envelope(&body, "not_found");
    }
}

#[actix_web::test]
async fn unavailable_registry_is_503() {
    let registry = Arc::new(FakeRegistry::default());
    let app = app!(registry.clone());
    registry.down.store(true, Ordering::SeqCst);
    for uri in [
        "/api/v1/search?q=x",
        "/api/v1/facilities/F001",
        "/healthz",
        "/feed.atom",
    ] {
        let (status, headers, body) = get!(app, uri);
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{uri}");
        assert!(headers.contains_key(header::RETRY_AFTER));
        assert_envelope(&body, "unavailable");
        // The internal detail stays in the logs.
        assert!(!String::from_utf8_lossy(&body).contains("fake storage"));
    }
}

#[actix_web::test]
async fn merged_ids_redirect() {
    let app = app!(Arc::new(FakeRegistry::default()));
    let (status, headers, body) = get!(app, "/api/v1/facilities/F900?as_of=2025-01-01");
    assert_eq!(status, StatusCode::MOVED_PERMANENTLY);
    assert_eq!(
        headers.get(header::LOCATION).unwrap(),
        "/api/v1/facilities/F001?as_of=2025-01-01"
    );
    let v = json(&body);
    assert_eq!(v["moved_to"], "F001");
    let (status, headers, _) = get!(app, "/api/v1/organizations/O900");
    assert_eq!(status, StatusCode::MOVED_PERMANENTLY);
    assert_eq!(
        headers.get(header::LOCATION).unwrap(),
        "/api/v1/organizations/O001"
    );
}

#[actix_web::test]
async fn etag_and_if_none_match() {
    let app = app!(Arc::new(FakeRegistry::default()));
    let (status, headers, body) = get!(app, "/api/v1/facilities/F001");
    assert_eq!(status, StatusCode::OK);
    let etag = header_str(&headers, header::ETAG).to_owned();
    assert!(etag.starts_with('"') && etag.ends_with('"'));
    let (status, _, again) = get!(
        app,
        "/api/v1/facilities/F001",
        [(header::IF_NONE_MATCH, etag.clone())]
    );
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert!(again.is_empty());
    let (status, _, same) = get!(
        app,
        "/api/v1/facilities/F001",
        [(header::IF_NONE_MATCH, "\"stale\"")]
    );
    assert_eq!(status, StatusCode::OK);
    assert_eq!(same, body);
    let (_, other, _) = get!(app, "/api/v1/facilities/F002");
    assert_ne!(header_str(&other, header::ETAG), etag);
}

#[actix_web::test]
async fn markup_in_data_never_appears_literally_in_json() {
    let app = app!(Arc::new(FakeRegistry::default()));
    let (status, _, body) = get!(app, "/api/v1/facilities/F003");
    assert_eq!(status, StatusCode::OK);
    let text = String::from_utf8(body.to_vec()).unwrap();
    assert!(!text.contains("<script>"), "{text}");
    assert!(text.contains("\\u003cscript\\u003e"));
    // …and still decodes to the exact name.
    assert_eq!(json(&body)["name"], MARKUP_NAME);
}

#[actix_web::test]
async fn archived_html_is_sandboxed_and_pdf_is_inline() {
    let app = app!(Arc::new(FakeRegistry::default()));
    let (status, headers, body) = get!(app, &format!("/api/v1/documents/{}", sha(HTML_DOC)));
    assert_eq!(status, StatusCode::OK);
    assert_eq!(&body[..], HTML_DOC);
    assert!(header_str(&headers, header::CONTENT_TYPE)
        .eq_ignore_ascii_case("text/html; charset=Shift_JIS"));
    let csp = header_str(&headers, header::CONTENT_SECURITY_POLICY);
    assert!(csp.starts_with("sandbox"), "{csp}");
    assert!(header_str(&headers, header::CONTENT_DISPOSITION).starts_with("inline"));
    assert_eq!(
        headers.get(header::X_CONTENT_TYPE_OPTIONS).unwrap(),
        "nosniff"
    );

    let pdf_sha = sha(PDF_DOC);
    let (status, headers, body) = get!(app, &format!("/api/v1/documents/{pdf_sha}"));
    assert_eq!(status, StatusCode::OK);
    assert_eq!(&body[..], PDF_DOC);
    assert_eq!(
        headers.get(header::CONTENT_TYPE).unwrap(),
        "application/pdf"
    );
    // Content-addressed: the hash is the validator.
    let (status, _, _) = get!(
        app,
        &format!("/api/v1/documents/{pdf_sha}"),
        [(header::IF_NONE_MATCH, format!("\"{pdf_sha}\""))]
    );
    assert_eq!(status, StatusCode::NOT_MODIFIED);

    let (_, _, meta) = get!(app, &format!("/api/v1/documents/{pdf_sha}/meta"));
    let v = json(&meta);
    assert_eq!(v["sha256"], pdf_sha.as_str());
    assert_eq!(v["size"], PDF_DOC.len());
}

#[actix_web::test]
async fn cursor_pagination() {
    let app = app!(Arc::new(FakeRegistry::default()));
    let (_, _, body) = get!(app, "/api/v1/actions?limit=1");
    let v = json(&body);
    assert_eq!(v["items"][0]["id"], "A001");
    assert_eq!(v["next_cursor"], "c1");
    let (_, _, body) = get!(app, "/api/v1/actions?limit=1&cursor=c1");
    let v = json(&body);
    assert_eq!(v["items"][0]["id"], "A002");
    assert!(v["next_cursor"].is_null());
}

#[actix_web::test]
async fn openapi_lists_every_path_with_error_bodies() {
    let app = app!(Arc::new(FakeRegistry::default()));
    let (_, _, body) = get!(app, "/api/v1/openapi.json");
    let v = json(&body);
    assert!(v["openapi"].as_str().unwrap().starts_with("3."));
    let paths = v["paths"].as_object().unwrap();
    for p in [
        "/api/v1/search",
        "/api/v1/facilities/{id}",
        "/api/v1/organizations/{id}",
        "/api/v1/actions",
        "/api/v1/actions/{id}",
        "/api/v1/plans/{number}",
        "/api/v1/documents/{sha256}",
        "/api/v1/documents/{sha256}/meta",
        "/api/v1/openapi.json",
        "/healthz",
        "/feed.atom",
    ] {
        let op = &paths.get(p).unwrap_or_else(|| panic!("missing {p}"))["get"];
        assert!(op["responses"]["200"].is_object(), "{p} lacks 200");
        if p.starts_with("/api/v1/") && p != "/api/v1/openapi.json" {
            let has_4xx = op["responses"]
                .as_object()
                .unwrap()
                .keys()
                .any(|k| k.starts_with('4'));
            assert!(has_4xx, "{p} lacks a 4xx response");
        }
    }
    let search_params = strings(&paths["/api/v1/search"]["get"]["parameters"], "name");
    for name in [
        "q",
        "prefecture",
        "kind",
        "action_type",
        "year",
        "offset",
        "limit",
    ] {
        assert_eq!(
            search_params.iter().filter(|n| **n == name).count(),
            1,
            "{name}"
        );
    }
    let names = |path: &str| strings(&paths[path]["get"]["parameters"], "name");
    assert_eq!(names("/api/v1/facilities/{id}"), ["id", "as_of", "version"]);
    assert!(names("/api/v1/actions").contains(&"cursor"));
    let doc_200 = &paths["/api/v1/documents/{sha256}"]["get"]["responses"]["200"]["content"];
    assert_eq!(
        doc_200["application/octet-stream"]["schema"]["format"],
        "binary"
    );
    assert!(v["components"]["schemas"]["ErrorBody"].is_object());
    assert!(v["components"]["schemas"]["FacilityDetail"].is_object());
}

#[actix_web::test]
async fn health_reports_counts() {
    let app = app!(Arc::new(FakeRegistry::default()));
    let (status, headers, body) = get!(app, "/healthz");
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers.get(header::CACHE_CONTROL).unwrap(), "no-store");
    let v = json(&body);
    assert_eq!(v["status"], "ok");
    assert_eq!(v["facilities"], 3);
}

#[actix_web::test]
async fn feed_is_well_formed_atom_with_escaped_markup() {
    use quick_xml::events::Event;
    let app = app!(Arc::new(FakeRegistry::default()));
    let (status, headers, body) = get!(app, "/feed.atom");
    assert_eq!(status, StatusCode::OK);
    assert!(header_str(&headers, header::CONTENT_TYPE).starts_with("application/atom+xml"));
    let text = String::from_utf8(body.to_vec()).unwrap();
    assert!(!text.contains("<script>") && !text.contains("<b>"));
    let mut reader = quick_xml::Reader::from_str(&text);
    let (mut entries, mut titles, mut depth, mut root) = (0, Vec::new(), 0i32, String::new());
    let mut in_title = false;
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) => {
                let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
                if depth == 0 {
                    root = name.clone();
                    let ns = e
                        .attributes()
                        .flatten()
                        .find(|a| a.key.as_ref() == b"xmlns")
                        .map(|a| String::from_utf8(a.value.to_vec()).unwrap());
                    assert_eq!(ns.as_deref(), Some("http://www.w3.org/2005/Atom"));
                }
                if name == "entry" {
                    entries += 1;
                }
                in_title = name == "title" && depth == 2;
                depth += 1;
            }
            Event::End(_) => {
                depth -= 1;
                in_title = false;
            }
            Event::Text(t) if in_title => titles.push(t.unescape().unwrap().into_owned()),
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(depth, 0);
    assert_eq!(root, "feed");
    assert_eq!(entries, 2);
    assert!(
        titles.iter().any(|t| t.contains("<b>指導</b>")),
        "{titles:?}"
    );
    assert!(
        titles.iter().any(|t| t.starts_with("緊急命令")),
        "{titles:?}"
    );
}

#[actix_web::test]
async fn security_headers_on_api_responses() {
    let app = app!(Arc::new(FakeRegistry::default()));
    for uri in ["/api/v1/facilities/F001", "/api/v1/search", "/api/v1/nope"] {
        let (_, headers, _) = get!(app, uri);
        for h in [
            "content-security-policy",
            "x-content-type-options",
            "referrer-policy",
            "x-frame-options",
            "permissions-policy",
        ] {
            assert!(headers.contains_key(h), "{uri} lacks {h}");
        }
    }
}
