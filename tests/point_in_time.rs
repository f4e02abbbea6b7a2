//! Point in time (issue 10): a facility `as_of` a date before and after a rename, data versions
//! and permalinks whose document hashes resolve to the archived bytes, on every backend.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure

mod common;

use actix_web::test::{self, TestRequest};
use chrono::NaiveDate;
use mieru_web::model::{FacilityDetail, Lookup, PointInTime, SearchRequest};
use mieru_web::registry::Registry;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::sync::Arc;

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn found(l: Lookup<FacilityDetail>) -> FacilityDetail {
    match l {
        Lookup::Found(f) => f,
        other => panic!("expected a record, got {other:?}"),
    }
}

fn names(f: &FacilityDetail) -> Vec<&str> {
    f.names.iter().map(|n| n.value.as_str()).collect()
}

/// The Osaka clinic of the replica: さくら幹細胞クリニック, renamed 梅田さくらクリニック on
/// 2023-04-10 and うめだ再生医療クリニック on 2025-09-01 (jRCT change history).
fn osaka_clinic(registry: &dyn Registry) -> String {
    let hits = registry
        .search(&SearchRequest {
            kind: Some("facility".into()),
            ..common::query("うめだ再生医療クリニック", 5)
        })
        .unwrap();
    hits.hits
        .into_iter()
        .find(|h| h.name == "うめだ再生医療クリニック")
        .expect("the Osaka clinic is found by its current name")
        .id
}

#[actix_web::test]
async fn as_of_versions_and_permalinks() {
    common::on_every_backend(run).await;
}

async fn run(database_url: Option<&str>, backend: &str) {
    let (_dir, app, replica, index) = common::open_on_replica(database_url);

    // Version 1: the plan listings only. Version 2: every source.
    common::crawl_two_versions(&app, &replica, &index).await;
    let registry = app.registry(index.clone());
    let versions = registry.versions(10).unwrap();
    assert_eq!(versions.len(), 2, "{backend}: one version per resolve");
    assert!(versions[0].id > versions[1].id, "newest first");
    assert!(
        versions[0].facts > versions[1].facts,
        "{backend}: {versions:?}"
    );
    let (v1, v2) = (versions[1].id, versions[0].id);

    let id = osaka_clinic(&registry);
    let latest = found(registry.facility(&id, PointInTime::latest()).unwrap());
    let all_names = names(&latest);
    for n in [
        "さくら幹細胞クリニック",
        "梅田さくらクリニック",
        "うめだ再生医療クリニック",
    ] {
        assert!(all_names.contains(&n), "{backend}: {all_names:?}");
    }

    // Before the first rename: only the old name.
    let before = found(
        registry
            .facility(&id, PointInTime::as_of(date("2023-01-31")))
            .unwrap(),
    );
    assert_eq!(
        names(&before),
        vec!["さくら幹細胞クリニック"],
        "{backend}: as_of before the rename"
    );
    assert_eq!(before.name, "さくら幹細胞クリニック");
    let cite = before.citation.as_ref().expect("as_of records are citable");
    assert_eq!(cite.as_of, Some(date("2023-01-31")));
    assert_eq!(cite.data_version, v2);

    // After it: both names, each with its dates; the later rename is not there yet.
    let after = found(
        registry
            .facility(&id, PointInTime::as_of(date("2024-06-30")))
            .unwrap(),
    );
    assert_eq!(after.name, "梅田さくらクリニック", "{backend}");
    let old = after
        .names
        .iter()
        .find(|n| n.value == "さくら幹細胞クリニック")
        .expect("old name kept");
    let new = after
        .names
        .iter()
        .find(|n| n.value == "梅田さくらクリニック")
        .expect("new name shown");
    assert_eq!(new.since, Some(date("2023-04-10")), "{backend}: {new:?}");
    assert_eq!(old.until, Some(date("2023-04-10")), "{backend}: {old:?}");
    assert!(new.current && !old.current);
    assert!(!names(&after).contains(&"うめだ再生医療クリニック"));

    // Data version 1 (plan listings only) knew nothing from jRCT or the registry: the
    // reconstructed record cites only e-再生医療 documents, and says it is not the latest.
    let old_version = found(
        registry
            .facility(
                &id,
                PointInTime {
                    as_of: None,
                    version: Some(v1),
                },
            )
            .unwrap(),
    );
    assert!(!old_version.sources.is_empty());
    assert!(
        old_version.sources.iter().all(|s| s.source == "e-saisei"),
        "{backend}: {:?}",
        old_version.sources
    );
    assert!(latest.sources.iter().any(|s| s.source == "jrct"));
    let c1 = old_version.citation.as_ref().unwrap();
    assert!(!c1.latest);
    assert_eq!(c1.data_version, v1);
    assert_eq!(
        c1.permalink,
        format!("/facilities/{id}?version={v1}"),
        "{backend}"
    );

    // An unknown version is the caller's mistake, not a server error.
    assert!(matches!(
        registry.facility(
            &id,
            PointInTime {
                as_of: None,
                version: Some(v2 + 100)
            }
        ),
        Err(mieru_web::registry::RegistryError::BadRequest(_))
    ));

    // Over HTTP: the latest record's permalink reproduces it, and every fact's document hash
    // resolves to archived bytes with that SHA-256.
    let state = mieru_web::AppState {
        registry: Arc::new(app.registry(index.clone())),
        site: mieru_web::SiteConfig::default(),
    };
    let web = test::init_service(common::web_app(state)).await;
    let get = |uri: &str| TestRequest::get().uri(uri).to_request();
    let cite = latest.citation.as_ref().unwrap();
    assert!(cite.latest);
    assert_eq!(cite.permalink, format!("/facilities/{id}?version={v2}"));
    let res = test::call_service(&web, get(&cite.api_permalink)).await;
    assert_eq!(res.status(), 200, "{backend}: {}", cite.api_permalink);
    let body: Value = test::read_body_json(res).await;
    let pinned: FacilityDetail = serde_json::from_value(body).unwrap();
    assert_eq!(
        pinned, latest,
        "{backend}: the permalink reproduces the record"
    );

    let mut hashes: Vec<&str> = latest
        .names
        .iter()
        .chain(&latest.addresses)
        .flat_map(|v| v.sources.iter())
        .chain(latest.sources.iter())
        .map(|s| s.sha256.as_str())
        .collect();
    hashes.sort();
    hashes.dedup();
    assert!(hashes.len() >= 3, "{backend}: {hashes:?}");
    for sha in hashes {
        let res = test::call_service(&web, get(&format!("/api/v1/documents/{sha}"))).await;
        assert_eq!(res.status(), 200, "{backend}: {sha}");
        let bytes = test::read_body(res).await;
        assert_eq!(hex::encode(Sha256::digest(&bytes)), sha, "{backend}");
    }

    // The page permalink of the old version renders with its banner; the versions list is
    // public; a malformed version is a 400.
    let res = test::call_service(&web, get(&format!("{}&lang=en", c1.permalink))).await;
    assert_eq!(res.status(), 200);
    let html = String::from_utf8(test::read_body(res).await.to_vec()).unwrap();
    assert!(html.contains("as of data version"), "{backend}");
    assert!(html.contains(&format!("?version={v1}")));
    let res = test::call_service(&web, get("/api/v1/versions")).await;
    assert_eq!(res.status(), 200);
    let body: Value = test::read_body_json(res).await;
    assert_eq!(body["versions"][0]["id"], v2);
    for bad in ["version=0", "version=abc", "version=99999"] {
        let res = test::call_service(&web, get(&format!("/api/v1/facilities/{id}?{bad}"))).await;
        assert_eq!(res.status(), 400, "{backend}: {bad}");
    }
}
