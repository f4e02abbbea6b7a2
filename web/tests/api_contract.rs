//! Contract tests: every endpoint's answers, over many good and bad inputs, checked against
//! the OpenAPI document the server itself serves. Bad input must give a documented 4xx with
//! the error envelope, never a 5xx.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure

mod common;
mod contract;

use std::sync::atomic::Ordering;
use std::sync::Arc;

use actix_web::http::header;
use common::{assert_envelope, sha, FakeRegistry, HTML_DOC, PDF_DOC};
use contract::{Answer, Contract, NASTY};

/// Known-good values of each path parameter (per template) and bad ones for all.
fn path_values(template: &str, name: &str) -> Vec<String> {
    let good: Vec<String> = match (template, name) {
        (t, "id") if t.contains("organizations") => vec!["O001".into(), "O900".into()],
        (t, "id") if t.contains("actions") => vec!["A001".into(), "A002".into()],
        (_, "id") => vec!["F001".into(), "F003".into(), "F900".into()],
        (_, "number") => vec!["02C1910156".into()],
        (_, "sha256") => vec![sha(HTML_DOC), sha(PDF_DOC)],
        (_, "file") => vec!["facilities.jsonl".into(), "actions.csv".into()],
        _ => vec![],
    };
    let bad = [
        "X404",
        "%3Cscript%3E",
        "..%2F..%2Fetc",
        "a%20b",
        "%E6%96%BD%E8%A8%AD",
        "0000000000000000000000000000000000000000000000000000000000000000",
        "ABCDEF",
        "plans.jsonl",
        "x.exe",
        "%00",
    ];
    good.into_iter()
        .chain(bad.iter().map(|s| (*s).to_owned()))
        .collect()
}

/// Parameters some operations need to do anything, so bad values of the others are tested
/// past the first refusal.
fn base_query(template: &str) -> &'static str {
    match template {
        "/api/v1/search" => "q=%E3%82%AF%E3%83%AA%E3%83%8B%E3%83%83%E3%82%AF",
        "/api/v1/changes" => "since=2024-01-01",
        _ => "",
    }
}

fn uris(contract: &Contract) -> Vec<String> {
    let mut out = Vec::new();
    for template in contract.paths() {
        // Expand path parameters (at most one per template here).
        let mut paths = vec![template.clone()];
        if let (Some(open), Some(close)) = (template.find('{'), template.find('}')) {
            let name = template
                .chars()
                .skip(open + 1)
                .take(close - open - 1)
                .collect::<String>();
            let placeholder = format!("{{{name}}}");
            paths = path_values(&template, &name)
                .into_iter()
                .map(|v| template.replace(&placeholder, &v))
                .collect();
        }
        let base = base_query(&template);
        for p in &paths {
            out.push(if base.is_empty() {
                p.clone()
            } else {
                format!("{p}?{base}")
            });
            out.push(p.clone());
        }
        let Some(first) = paths.first() else { continue };
        for param in contract.query_params(&template) {
            for v in NASTY {
                let q = if base.is_empty() || base.starts_with(&format!("{param}=")) {
                    format!("{param}={v}")
                } else {
                    format!("{base}&{param}={v}")
                };
                out.push(format!("{first}?{q}"));
            }
            // Repeated parameters are refused by the extractor.
            out.push(format!("{first}?{param}=1&{param}=2"));
        }
    }
    out
}

#[actix_web::test]
async fn every_answer_matches_the_openapi_document() {
    let app = app!(Arc::new(FakeRegistry::default()));
    let (status, _, body) = get!(app, "/api/v1/openapi.json");
    assert_eq!(status, 200);
    let contract = Contract::new(serde_json::from_slice(&body).unwrap());
    let uris = uris(&contract);
    assert!(uris.len() > 300, "only {} requests", uris.len());
    let (mut ok, mut refused, mut failures) = (0, 0, Vec::new());
    for uri in &uris {
        let (status, headers, body) = get!(app, uri.as_str());
        let ct = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        if status.is_server_error() {
            failures.push(format!(
                "{uri}: {status} {}",
                String::from_utf8_lossy(&body)
            ));
            continue;
        }
        if status.is_client_error() {
            refused += 1;
            assert_envelope(
                &body,
                serde_json::from_slice::<serde_json::Value>(&body).unwrap()["error"]["code"]
                    .as_str()
                    .unwrap(),
            );
        } else {
            ok += 1;
        }
        if let Err(e) = contract.check(&Answer {
            uri,
            status: status.as_u16(),
            content_type: ct.as_deref(),
            body: &body,
        }) {
            failures.push(e);
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(ok > 50 && refused > 100, "ok {ok}, refused {refused}");
}

#[actix_web::test]
async fn errors_of_a_failing_registry_are_documented_too() {
    let registry = Arc::new(FakeRegistry::default());
    let app = app!(registry.clone());
    let (_, _, body) = get!(app, "/api/v1/openapi.json");
    let contract = Contract::new(serde_json::from_slice(&body).unwrap());
    registry.down.store(true, Ordering::SeqCst);
    let mut checked = 0;
    for uri in uris(&contract) {
        let (status, headers, body) = get!(app, uri.as_str());
        assert!(
            status.as_u16() == 503 || status.is_client_error() || status.is_success(),
            "{uri}: {status}"
        );
        let ct = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        contract
            .check(&Answer {
                uri: &uri,
                status: status.as_u16(),
                content_type: ct.as_deref(),
                body: &body,
            })
            .unwrap_or_else(|e| panic!("{e}"));
        checked += 1;
    }
    assert!(checked > 300);
}

#[actix_web::test]
async fn the_validator_rejects_answers_that_break_the_contract() {
    // A contract test that cannot fail proves nothing: feed it wrong answers.
    let app = app!(Arc::new(FakeRegistry::default()));
    let (_, _, body) = get!(app, "/api/v1/openapi.json");
    let contract = Contract::new(serde_json::from_slice(&body).unwrap());
    let check = |uri: &str, status: u16, body: &str| {
        contract.check(&Answer {
            uri,
            status,
            content_type: Some("application/json"),
            body: body.as_bytes(),
        })
    };
    // A facility without its required fields.
    assert!(check("/api/v1/facilities/F001", 200, r#"{"id":"F001"}"#).is_err());
    // A wrong type deep inside (action_count must be an integer).
    let (_, _, page) = get!(app, "/api/v1/facilities?limit=1");
    let mut v: serde_json::Value = serde_json::from_slice(&page).unwrap();
    assert!(check("/api/v1/facilities", 200, &v.to_string()).is_ok());
    v["items"][0]["action_count"] = "many".into();
    assert!(check("/api/v1/facilities", 200, &v.to_string()).is_err());
    // A date that is not a date.
    let mut c: serde_json::Value =
        serde_json::from_slice(&get!(app, "/api/v1/changes?since=2024-01-01").2).unwrap();
    c["until"] = "yesterday".into();
    assert!(check("/api/v1/changes", 200, &c.to_string()).is_err());
    // An undocumented status, and an error without the envelope.
    assert!(check("/api/v1/actions", 418, "{}").is_err());
    assert!(check("/api/v1/actions", 400, r#"{"message":"no"}"#).is_err());
    assert!(check("/api/v1/nowhere", 200, "{}").is_err());
}
