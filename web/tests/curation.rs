//! The curation surface of the web layer over the fake registry: bearer authentication (401
//! with a challenge, 403 for a role that may not), the public report pages (escaped, usable
//! without JavaScript, Japanese first), the JSON log, and the OpenAPI document naming the
//! security scheme. The end-to-end behaviour over real data is in the root `tests/curation.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure

mod common;
mod contract;

use std::sync::atomic::Ordering;
use std::sync::Arc;

use actix_web::http::header;
use actix_web::test::{call_service, read_body, TestRequest};
use common::{assert_envelope, FakeRegistry, ADMIN_TOKEN, CURATOR_TOKEN};
use serde_json::Value;

/// POST with a JSON body and an optional `Authorization` value; `(status, headers, body)`.
macro_rules! post {
    ($app:expr, $uri:expr, $body:expr, $auth:expr) => {{
        let mut req = TestRequest::post()
            .uri($uri)
            .insert_header((header::CONTENT_TYPE, "application/json"))
            .set_payload($body);
        if let Some(a) = $auth {
            req = req.insert_header((header::AUTHORIZATION, a));
        }
        let res = call_service(&$app, req.to_request()).await;
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        (status, headers, read_body(res).await)
    }};
}

const WRITES: [(&str, &str); 7] = [
    (
        "/api/v1/corrections/R-000001/decision",
        r#"{"decision":"accept","reason":"確認済み"}"#,
    ),
    (
        "/api/v1/curation/judgements",
        r#"{"left":"F001","right":"F002","verdict":"same","reason":"x"}"#,
    ),
    (
        "/api/v1/curation/annotations",
        r#"{"kind":"note","entity_id":"F001","text":"x","reason":"x"}"#,
    ),
    (
        "/api/v1/curation/annotations/1/withdraw",
        r#"{"reason":"x"}"#,
    ),
    ("/api/v1/admin/curators", r#"{"name":"x","role":"curator"}"#),
    ("/api/v1/admin/curators/x/revoke", r#"{"reason":"x"}"#),
    // Even a malformed body is answered 401 first: credentials come before content.
    ("/api/v1/corrections/R-000001/decision", "{not json"),
];

#[actix_web::test]
async fn curation_endpoints_need_a_valid_bearer_token() {
    let app = app!(Arc::new(FakeRegistry::default()));
    for auth in [
        None,
        Some("Bearer mieru_unknown".to_owned()),
        Some("Bearer".to_owned()),
        Some(format!("Basic {CURATOR_TOKEN}")),
        Some(format!("Bearer {CURATOR_TOKEN} extra")),
        Some(format!("Bearer {}", "a".repeat(500))),
    ] {
        for (uri, body) in WRITES {
            let (status, headers, body) = post!(app, uri, body, auth.clone());
            assert_eq!(status, 401, "{uri} with {auth:?}");
            let challenge = headers
                .get(header::WWW_AUTHENTICATE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            assert!(
                challenge.starts_with("Bearer realm=\"mieru\""),
                "{challenge}"
            );
            assert_eq!(
                headers
                    .get(header::CACHE_CONTROL)
                    .and_then(|v| v.to_str().ok()),
                Some("no-store")
            );
            assert_envelope(&body, "unauthorized");
        }
        for uri in [
            "/api/v1/curation/audit",
            "/api/v1/curation/entities/F001/facts",
        ] {
            let mut req = TestRequest::get().uri(uri);
            if let Some(a) = &auth {
                req = req.insert_header((header::AUTHORIZATION, a.as_str()));
            }
            let res = call_service(&app, req.to_request()).await;
            assert_eq!(res.status().as_u16(), 401, "{uri}");
        }
    }
    // A curator's token on an admin endpoint: 403, not 401.
    for (uri, body) in &WRITES[4..6] {
        let (status, headers, body) =
            post!(app, uri, *body, Some(format!("Bearer {CURATOR_TOKEN}")));
        assert_eq!(status, 403, "{uri}");
        assert!(headers
            .get(header::WWW_AUTHENTICATE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("insufficient_scope")));
        assert_envelope(&body, "forbidden");
    }
    // Past authentication, the fake registry cannot curate: 503 with the envelope, and a bad
    // body is a 400 or 415 — never a 5xx for the client's input.
    let (status, _, body) = post!(
        app,
        "/api/v1/admin/curators",
        r#"{"name":"x","role":"curator"}"#,
        Some(format!("Bearer {ADMIN_TOKEN}"))
    );
    assert_eq!(status, 503);
    assert_envelope(&body, "unavailable");
    let (status, _, body) = post!(
        app,
        "/api/v1/corrections/R-000001/decision",
        "{not json",
        Some(format!("Bearer {CURATOR_TOKEN}"))
    );
    assert_eq!(status, 400);
    assert_envelope(&body, "invalid_json");
    let (status, _, body) = post!(
        app,
        "/api/v1/corrections/R-000001/decision",
        r#"{"decision":"accept","reason":"x","surprise":1}"#,
        Some(format!("Bearer {CURATOR_TOKEN}"))
    );
    assert_eq!(status, 400, "unknown fields are refused");
    assert_envelope(&body, "invalid_json");
    let res = call_service(
        &app,
        TestRequest::post()
            .uri("/api/v1/curation/judgements")
            .insert_header((header::AUTHORIZATION, format!("Bearer {CURATOR_TOKEN}")))
            .insert_header((header::CONTENT_TYPE, "text/plain"))
            .set_payload("{}")
            .to_request(),
    )
    .await;
    assert_eq!(res.status().as_u16(), 415);
    let (status, _, _) = post!(
        app,
        "/api/v1/corrections/F001/decision",
        r#"{"decision":"accept","reason":"x"}"#,
        Some(format!("Bearer {CURATOR_TOKEN}"))
    );
    assert_eq!(status, 404, "not a report ID");
    // Storage down while checking a token: 503, not 401.
    let registry = Arc::new(FakeRegistry::default());
    let down = app!(registry.clone());
    registry.down.store(true, Ordering::SeqCst);
    let (status, headers, _) = post!(
        down,
        "/api/v1/curation/judgements",
        "{}",
        Some(format!("Bearer {CURATOR_TOKEN}"))
    );
    assert_eq!(status, 503);
    assert!(headers.contains_key(header::RETRY_AFTER));
}

#[actix_web::test]
async fn public_reports_json_and_pages() {
    let app = app!(Arc::new(FakeRegistry::default()));
    let (status, _, body) = get!(app, "/api/v1/corrections");
    assert_eq!(status, 200);
    let v: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(v["items"][0]["id"], "R-000001");
    assert_eq!(v["items"][0]["kind"], "wrong_link");
    assert!(
        !String::from_utf8_lossy(&body).contains('<'),
        "JSON is HTML-safe"
    );
    let (status, _, body) = get!(app, "/api/v1/corrections?status=accepted");
    assert_eq!(status, 200);
    assert_eq!(
        serde_json::from_slice::<Value>(&body).unwrap()["items"],
        serde_json::json!([])
    );
    for bad in ["status=maybe", "limit=0", "limit=1000", "cursor=%3Cx%3E"] {
        let (status, _, body) = get!(app, format!("/api/v1/corrections?{bad}").as_str());
        assert_eq!(status.as_u16(), 400, "{bad}");
        assert_eq!(
            serde_json::from_slice::<Value>(&body).unwrap()["error"]["code"]
                .as_str()
                .map(|c| c.starts_with("invalid_")),
            Some(true)
        );
    }
    let (status, _, _) = get!(app, "/api/v1/corrections/R-000001");
    assert_eq!(status, 200);
    for missing in ["R-000009", "F001", "R-1x", "%3Cscript%3E"] {
        let (status, _, body) = get!(app, format!("/api/v1/corrections/{missing}").as_str());
        assert_eq!(status.as_u16(), 404, "{missing}");
        assert_envelope(&body, "not_found");
    }

    // The log and the report page: Japanese first, English on request, markup escaped.
    let (status, _, body) = get!(app, "/corrections");
    assert_eq!(status, 200);
    let html = String::from_utf8_lossy(&body);
    assert!(html.contains("訂正の報告と対応の記録") && html.contains("R-000001"));
    assert!(html.contains("受付（未対応）") && html.contains("誤った関連付け"));
    assert!(
        !html.contains("<b>確認</b>") && html.contains("&#60;b&#62;確認"),
        "{html}"
    );
    assert!(!html.contains("<script>alert(1)</script>"));
    let (_, _, body) = get!(app, "/corrections?lang=en");
    let html = String::from_utf8_lossy(&body);
    assert!(html.contains("Correction reports and decisions") && html.contains("Wrong link"));
    let (status, _, body) = get!(app, "/corrections/R-000001");
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&body).contains("/api/v1/corrections/R-000001"));
    for (uri, code) in [
        ("/corrections/R-000009", 404),
        ("/corrections/x", 404),
        ("/corrections?status=maybe", 400),
        ("/corrections?cursor=zz", 400),
    ] {
        let (status, _, _) = get!(app, uri);
        assert_eq!(status.as_u16(), code, "{uri}");
    }

    // The form: plain HTML, prefilled, with a hidden honeypot, posting to /corrections.
    let (status, _, body) = get!(app, "/corrections/new?entity=F001&kind=outdated");
    assert_eq!(status, 200);
    let html = String::from_utf8_lossy(&body);
    assert!(html.contains(r#"<form method="post" action="/corrections""#));
    assert!(html.contains(r#"name="entity" type="text" value="F001""#));
    assert!(html.contains(r#"<option value="outdated" selected>"#));
    assert!(
        html.contains(r#"<div hidden aria-hidden="true">"#) && html.contains(r#"name="website""#)
    );
    assert!(html.contains("誤りを報告"));
    let (_, _, body) = get!(app, "/corrections/new?entity=%22%3E%3Cscript%3E");
    assert!(!String::from_utf8_lossy(&body).contains("\"><script>"));
    // A form post that is not a form, and one the registry cannot take.
    let res = call_service(
        &app,
        TestRequest::post()
            .uri("/corrections")
            .insert_header((header::CONTENT_TYPE, "application/json"))
            .set_payload("{}")
            .to_request(),
    )
    .await;
    assert_eq!(res.status().as_u16(), 400);
    assert!(res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html")));
    let res = call_service(
        &app,
        TestRequest::post()
            .uri("/corrections")
            .insert_header((header::CONTENT_TYPE, "application/x-www-form-urlencoded"))
            .set_payload("entity=F001&kind=outdated&message=%E9%96%89%E9%99%A2&website=")
            .to_request(),
    )
    .await;
    assert_eq!(
        res.status().as_u16(),
        503,
        "the fake registry files nothing"
    );
    let res = call_service(
        &app,
        TestRequest::post()
            .uri("/corrections")
            .insert_header((header::CONTENT_TYPE, "application/x-www-form-urlencoded"))
            .set_payload("entity=F001&kind=rumour&message=x")
            .to_request(),
    )
    .await;
    assert_eq!(res.status().as_u16(), 400);
    let html = String::from_utf8_lossy(&read_body(res).await).into_owned();
    assert!(html.contains("報告を受け付けられませんでした"), "{html}");

    // A post another site made a browser send is refused before anything is filed; the
    // same post from our own page reaches the registry (the fake one files nothing: 503).
    let post_from = |site: &'static str, origin: &'static str| {
        TestRequest::post()
            .uri("/corrections")
            .insert_header((header::HOST, "mieru.example.jp"))
            .insert_header(("sec-fetch-site", site))
            .insert_header((header::ORIGIN, origin))
            .insert_header((header::CONTENT_TYPE, "application/x-www-form-urlencoded"))
            .set_payload("entity=F001&kind=outdated&message=%E9%96%89%E9%99%A2&website=")
            .to_request()
    };
    let res = call_service(&app, post_from("cross-site", "https://evil.example")).await;
    assert_eq!(res.status().as_u16(), 403);
    let html = String::from_utf8_lossy(&read_body(res).await).into_owned();
    assert!(html.contains("他のサイトから送信された報告"), "{html}");
    let res = call_service(&app, post_from("same-origin", "https://mieru.example.jp")).await;
    assert_eq!(res.status().as_u16(), 503);

    // Facility and organization pages link to the form.
    let (_, _, body) = get!(app, "/facilities/F001");
    assert!(String::from_utf8_lossy(&body).contains("/corrections/new?entity=F001"));
    let (_, _, body) = get!(app, "/organizations/O001?lang=en");
    let html = String::from_utf8_lossy(&body);
    assert!(html.contains("/corrections/new?entity=O001") && html.contains("Report an error"));
}

#[actix_web::test]
async fn openapi_documents_curation_with_the_bearer_scheme() {
    let app = app!(Arc::new(FakeRegistry::default()));
    let (_, _, body) = get!(app, "/api/v1/openapi.json");
    let doc: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    for (path, method) in [
        ("/api/v1/corrections/{id}/decision", "post"),
        ("/api/v1/curation/judgements", "post"),
        ("/api/v1/curation/annotations", "post"),
        ("/api/v1/curation/annotations/{id}/withdraw", "post"),
        ("/api/v1/curation/entities/{id}/facts", "get"),
        ("/api/v1/curation/audit", "get"),
        ("/api/v1/admin/curators", "post"),
        ("/api/v1/admin/curators/{name}/revoke", "post"),
        ("/api/v1/jobs/{id}", "get"),
    ] {
        let op = &doc["paths"][path][method];
        assert!(
            op["security"][0]["bearer"].is_array(),
            "{path} names no security"
        );
        for status in ["401", "403"] {
            assert!(op["responses"][status].is_object(), "{path} lacks {status}");
        }
    }
    // The writes whose change a job applies answer 202, naming the job.
    for path in [
        "/api/v1/corrections/{id}/decision",
        "/api/v1/curation/judgements",
        "/api/v1/curation/annotations",
        "/api/v1/curation/annotations/{id}/withdraw",
        "/api/v1/admin/ingest",
    ] {
        let accepted = &doc["paths"][path]["post"]["responses"]["202"];
        assert!(
            accepted["headers"]["Location"].is_object(),
            "{path}: {accepted}"
        );
    }
    for (path, method) in [
        ("/api/v1/corrections", "post"),
        ("/api/v1/corrections", "get"),
        ("/api/v1/corrections/{id}", "get"),
    ] {
        let op = &doc["paths"][path][method];
        assert!(op.is_object(), "{method} {path}");
        assert!(op["security"].is_null(), "{path} is public");
    }
}

#[actix_web::test]
async fn an_oversized_body_is_the_json_413_on_every_write() {
    let app = app!(Arc::new(FakeRegistry::default()));
    // Over the extractor's own limit (256 KiB): actix refuses it before any handler runs.
    let huge = format!(r#"{{"message":"{}"}}"#, "x".repeat(300 * 1024));
    for (uri, _) in &WRITES[..6] {
        let (status, headers, body) = post!(
            app,
            uri,
            huge.clone(),
            Some(format!("Bearer {ADMIN_TOKEN}"))
        );
        assert_eq!(status, 413, "{uri}");
        assert!(
            headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("application/json")),
            "{uri}: {headers:?}"
        );
        assert_envelope(&body, "body_too_large");
    }
    // Over the endpoint's limit (16 KiB) but within the extractor's: the endpoint's answer.
    let big = format!(r#"{{"message":"{}"}}"#, "x".repeat(20 * 1024));
    let (status, _, body) = post!(app, "/api/v1/corrections", big, None::<String>);
    assert_eq!(status, 413);
    assert_envelope(&body, "body_too_large");
}

/// One client files at most `MIERU_REPORTS_PER_DAY` (default 20) reports a UTC day, through
/// the API and the form alike; others are not affected, and the 429 says when to come back.
#[actix_web::test]
async fn one_client_files_a_limited_number_of_reports_a_day() {
    let registry = Arc::new(FakeRegistry::default());
    registry.files_reports.store(true, Ordering::SeqCst);
    let app = app!(registry);
    let report = r#"{"kind":"outdated","entity_id":"F001","message":"閉院しています"}"#;
    let from = |ip: &str| {
        TestRequest::post()
            .uri("/api/v1/corrections")
            .peer_addr(format!("{ip}:40000").parse().unwrap())
            .insert_header((header::CONTENT_TYPE, "application/json"))
            .set_payload(report)
            .to_request()
    };
    let cap = mieru_web::report_quota::DEFAULT_PER_DAY;
    for n in 0..cap {
        let res = call_service(&app, from("198.51.100.20")).await;
        assert_eq!(res.status().as_u16(), 201, "report {n}");
    }
    let res = call_service(&app, from("198.51.100.20")).await;
    assert_eq!(res.status().as_u16(), 429);
    let retry: u64 = res
        .headers()
        .get(header::RETRY_AFTER)
        .unwrap()
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=86_400).contains(&retry), "{retry}");
    assert_envelope(&read_body(res).await, "daily_report_cap");
    // The form from the same client: the form again, 429, in Japanese.
    let form = TestRequest::post()
        .uri("/corrections")
        .peer_addr("198.51.100.20:40001".parse().unwrap())
        .insert_header((header::CONTENT_TYPE, "application/x-www-form-urlencoded"))
        .set_payload("entity=F001&kind=outdated&message=%E9%96%89%E9%99%A2&website=")
        .to_request();
    let res = call_service(&app, form).await;
    assert_eq!(res.status().as_u16(), 429);
    assert!(res.headers().contains_key(header::RETRY_AFTER));
    let html = String::from_utf8_lossy(&read_body(res).await).into_owned();
    assert!(html.contains("1日に送れる報告の数を超えました"), "{html}");
    // Another client still files.
    let res = call_service(&app, from("198.51.100.21")).await;
    assert_eq!(res.status().as_u16(), 201);
}

/// Every curator's write is answered `202 Accepted` once recorded: the recorded value as
/// before, plus the job that applies it, whose URL is the `Location`. A rejected report
/// changes no record: `200` and no job.
#[actix_web::test]
async fn curator_writes_answer_202_with_the_job_that_applies_them() {
    let app = app!(Arc::new(FakeRegistry::default()));
    let (_, _, doc) = get!(app, "/api/v1/openapi.json");
    let contract = contract::Contract::new(serde_json::from_slice(&doc).unwrap());
    let curator = Some(format!("Bearer {CURATOR_TOKEN}"));
    for (uri, body, field, value) in [
        (WRITES[0].0, WRITES[0].1, "status", "accepted"),
        (WRITES[1].0, WRITES[1].1, "verdict", "same"),
        (WRITES[2].0, WRITES[2].1, "kind", "note"),
        (WRITES[3].0, WRITES[3].1, "withdraw_reason", "x"),
    ] {
        let (status, headers, body) = post!(app, uri, body, curator.clone());
        assert_eq!(status, 202, "{uri}: {}", String::from_utf8_lossy(&body));
        assert_eq!(
            headers.get(header::LOCATION).and_then(|v| v.to_str().ok()),
            Some("/api/v1/jobs/7"),
            "{uri}"
        );
        assert_eq!(
            headers
                .get(header::CACHE_CONTROL)
                .and_then(|v| v.to_str().ok()),
            Some("no-store")
        );
        let v: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v[field], value, "{uri}: the recorded value, as before: {v}");
        assert_eq!(
            v["job"],
            serde_json::json!({"id": 7, "url": "/api/v1/jobs/7", "status": "queued"}),
            "{uri}"
        );
        // The body is what the OpenAPI document promises for the 202.
        let template = uri
            .replace("R-000001", "{id}")
            .replace("annotations/1/", "annotations/{id}/");
        let schema = &contract.doc()["paths"][&template]["post"]["responses"]["202"]["content"]
            ["application/json"]["schema"];
        assert!(schema.is_object(), "{template} documents its 202 body");
        contract.validate(schema, &v).unwrap();
    }
    let (status, headers, body) = post!(
        app,
        "/api/v1/corrections/R-000001/decision",
        r#"{"decision":"reject","reason":"根拠なし"}"#,
        curator.clone()
    );
    assert_eq!(status, 200);
    assert!(!headers.contains_key(header::LOCATION));
    let v: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        (v["status"].as_str(), &v["job"]),
        (Some("rejected"), &Value::Null)
    );
    // A refusal is still the refusal, with no job.
    let (status, _, body) = post!(
        app,
        "/api/v1/curation/annotations/2/withdraw",
        r#"{"reason":"x"}"#,
        curator
    );
    assert_eq!(status, 404);
    assert_envelope(&body, "not_found");
}

/// `GET /api/v1/jobs/{id}`: curators and admins only (401 first, whatever the ID), the job's
/// status and progress, 404 for an unknown job and 400 for a malformed ID.
#[actix_web::test]
async fn a_job_shows_its_progress_to_curators_only() {
    let registry = Arc::new(FakeRegistry::default());
    let app = app!(registry.clone());
    let (_, _, doc) = get!(app, "/api/v1/openapi.json");
    let contract = contract::Contract::new(serde_json::from_slice(&doc).unwrap());
    for auth in [None, Some("Bearer mieru_unknown".to_owned())] {
        for uri in ["/api/v1/jobs/7", "/api/v1/jobs/x"] {
            let mut req = TestRequest::get().uri(uri);
            if let Some(a) = &auth {
                req = req.insert_header((header::AUTHORIZATION, a.as_str()));
            }
            let res = call_service(&app, req.to_request()).await;
            assert_eq!(res.status().as_u16(), 401, "{uri} with {auth:?}");
            assert_envelope(&read_body(res).await, "unauthorized");
        }
    }
    let as_curator = |uri: &str, token: &str| {
        TestRequest::get()
            .uri(uri)
            .insert_header((header::AUTHORIZATION, format!("Bearer {token}")))
            .to_request()
    };
    for token in [CURATOR_TOKEN, ADMIN_TOKEN] {
        let res = call_service(&app, as_curator("/api/v1/jobs/7", token)).await;
        assert_eq!(res.status().as_u16(), 200);
        assert_eq!(
            res.headers()
                .get(header::CACHE_CONTROL)
                .and_then(|v| v.to_str().ok()),
            Some("no-store")
        );
        let body = read_body(res).await;
        let answer = contract::Answer {
            uri: "/api/v1/jobs/7",
            status: 200,
            content_type: Some("application/json"),
            body: &body,
        };
        contract.check(&answer).unwrap();
        let job: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(job["id"], 7);
        assert_eq!(job["url"], "/api/v1/jobs/7");
        assert_eq!(job["status"], "running");
        assert_eq!(
            job["progress"],
            serde_json::json!({"step": 1, "steps": 3, "message": "resolving"})
        );
        assert_eq!(job["cause"], "judgement.record");
    }
    let res = call_service(&app, as_curator("/api/v1/jobs/8", CURATOR_TOKEN)).await;
    assert_eq!(res.status().as_u16(), 404);
    assert_envelope(&read_body(res).await, "not_found");
    for bad in ["x", "0", "-1", "1.5", "99999999999999999999", "%3Cb%3E"] {
        let res = call_service(
            &app,
            as_curator(&format!("/api/v1/jobs/{bad}"), CURATOR_TOKEN),
        )
        .await;
        assert_eq!(res.status().as_u16(), 400, "{bad}");
        assert_envelope(&read_body(res).await, "invalid_id");
    }
    // The registry down: 503, not a 404.
    registry.down.store(true, Ordering::SeqCst);
    let res = call_service(&app, as_curator("/api/v1/jobs/7", ADMIN_TOKEN)).await;
    assert_eq!(res.status().as_u16(), 503);
}
