//! The researcher API over the real pipeline (replica → crawl → resolve → read models):
//! cursor paging while new data is ingested, the changes feed, every answer checked against
//! the OpenAPI document, and the JSON Lines export → import round trip on every backend.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure

mod common;
#[path = "../web/tests/contract/mod.rs"]
mod contract;

use actix_web::http::header;
use actix_web::test::{self, TestRequest};
use common::{fast, TestDb};
use contract::{Answer, Contract};
use mieru::app::Mieru;
use mieru::ops::replica::{self, ReplicaFiles};
use mieru_web::model::{ActionFilter, FacilityFilter, Lookup};
use mieru_web::registry::Registry;
use serde_json::Value;
use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;

/// One page's IDs and the cursor of the next page (`None` after the last).
type IdPage = (Vec<String>, Option<String>);

fn facility_page(registry: &dyn Registry, cursor: Option<String>, limit: usize) -> IdPage {
    let page = registry
        .facilities(&FacilityFilter {
            cursor,
            limit,
            ..Default::default()
        })
        .unwrap();
    (
        page.items.into_iter().map(|f| f.id).collect(),
        page.next_cursor,
    )
}

fn action_page(registry: &dyn Registry, cursor: Option<String>, limit: usize) -> IdPage {
    let page = registry
        .actions(&ActionFilter {
            cursor,
            limit,
            ..Default::default()
        })
        .unwrap();
    (
        page.items.into_iter().map(|a| a.id).collect(),
        page.next_cursor,
    )
}

/// The IDs of the pages from `cursor` on to the last (none when `cursor` is `None`).
fn rest_of_pages(
    mut cursor: Option<String>,
    mut page: impl FnMut(Option<String>) -> IdPage,
) -> Vec<String> {
    let mut ids = Vec::new();
    while let Some(c) = cursor.take() {
        let (items, next) = page(Some(c));
        ids.extend(items);
        cursor = next;
    }
    ids
}

/// The IDs of every page, from the first to the last.
fn all_pages(mut page: impl FnMut(Option<String>) -> IdPage) -> Vec<String> {
    let (mut ids, next) = page(None);
    ids.extend(rest_of_pages(next, page));
    ids
}

fn all_facility_ids(registry: &dyn Registry) -> BTreeSet<String> {
    all_pages(|cursor| facility_page(registry, cursor, 100))
        .into_iter()
        .collect()
}

fn all_action_ids(registry: &dyn Registry) -> BTreeSet<String> {
    all_pages(|cursor| action_page(registry, cursor, 100))
        .into_iter()
        .collect()
}

#[actix_web::test]
async fn paging_while_ingesting_changes_feed_and_contract() {
    common::on_every_backend(async |url, _| paging_while_ingesting(url).await).await;
}

async fn paging_while_ingesting(database_url: Option<&str>) {
    let (_dir, app, replica, index) = common::open_on_replica(database_url);

    // Stage 1: the orders only (their targets become facilities); the plan listings, trials
    // and the corporate registry come later.
    let sources = vec!["mhlw-press".to_owned(), "kouseikyoku".to_owned()];
    app.crawl(&sources, &replica.mirrors(), &fast())
        .await
        .unwrap();
    app.resolve_and_index(&index).unwrap();
    let registry = app.registry(index.clone());
    let before = all_facility_ids(&registry);
    let actions_before = all_action_ids(&registry);
    assert!(before.len() > 3, "{before:?}");
    assert!(!actions_before.is_empty());

    // Page through facilities (3 at a time) and actions (2 at a time) …
    let mut seen: Vec<String> = Vec::new();
    let mut seen_actions: Vec<String> = Vec::new();
    let mut cursor = None;
    let mut action_cursor = None;
    for _ in 0..2 {
        let (ids, next) = facility_page(&registry, cursor.take(), 3);
        seen.extend(ids);
        cursor = next;
        let (ids, next) = action_page(&registry, action_cursor.take(), 2);
        seen_actions.extend(ids);
        action_cursor = next;
    }
    assert!(cursor.is_some(), "more than one page");

    // … while every other source is crawled and resolved (new facilities, actions, links).
    let boundary = seen.last().cloned();
    let stage2 = chrono::Utc::now();
    app.crawl_with(&[], &replica.mirrors(), &fast(), &common::every_source())
        .await
        .unwrap();
    app.resolve_and_index(&index).unwrap();
    seen.extend(rest_of_pages(cursor, |c| facility_page(&registry, c, 3)));
    seen_actions.extend(rest_of_pages(action_cursor, |c| {
        action_page(&registry, c, 2)
    }));
    let after = all_facility_ids(&registry);
    assert!(
        after.difference(&before).count() > 5,
        "stage 2 added facilities: {before:?} → {after:?}"
    );
    for (what, seen, before, after) in [
        ("facility", &seen, &before, &after),
        (
            "action",
            &seen_actions,
            &actions_before,
            &all_action_ids(&registry),
        ),
    ] {
        let unique: HashSet<&String> = seen.iter().collect();
        assert_eq!(
            unique.len(),
            seen.len(),
            "a {what} was returned twice: {seen:?}"
        );
        for id in before.intersection(after) {
            assert!(unique.contains(id), "{what} {id} was skipped");
        }
        for id in seen {
            assert!(
                before.contains(id) || after.contains(id),
                "{what} {id} unknown"
            );
        }
    }
    // Records added during the walk are returned when their ID sorts after the position the
    // walk had reached (IDs are per kind, `C…` before `F…`, so not every new one does).
    for id in after.iter().filter(|id| Some(*id) > boundary.as_ref()) {
        assert!(seen.contains(id), "facility {id} never returned");
    }

    // The changes feed: everything new since stage 2 is there, as added or changed.
    let feed = registry
        .changes(&mieru_web::model::ChangesRequest {
            since: stage2,
            cursor: None,
            limit: 200,
        })
        .unwrap();
    let changed: HashSet<&str> = feed.items.iter().map(|c| c.entity.id.as_str()).collect();
    for id in after.difference(&before) {
        assert!(
            changed.contains(id.as_str()),
            "new facility {id} missing from changes"
        );
        let c = feed.items.iter().find(|c| &c.entity.id == id).unwrap();
        assert_eq!(c.change, "added", "{c:?}");
    }
    assert!(feed.items.iter().all(|c| c.at >= stage2));
    // Paged with a small limit, the same set comes back once each.
    let paged = all_pages(|cursor| {
        let page = registry
            .changes(&mieru_web::model::ChangesRequest {
                since: stage2,
                cursor,
                limit: 7,
            })
            .unwrap();
        (
            page.items.into_iter().map(|c| c.entity.id).collect(),
            page.next_cursor,
        )
    });
    let full: Vec<String> = feed.items.iter().map(|c| c.entity.id.clone()).collect();
    assert_eq!(paged, full);
    let none = registry
        .changes(&mieru_web::model::ChangesRequest {
            since: feed.until + chrono::Duration::seconds(1),
            cursor: None,
            limit: 50,
        })
        .unwrap();
    assert!(none.items.is_empty(), "{:?}", none.items);

    // Every endpoint over real records, checked against the served OpenAPI document.
    let state = mieru_web::AppState {
        registry: Arc::new(app.registry(index.clone())),
        site: mieru_web::SiteConfig::default(),
    };
    let web = test::init_service(common::web_app(state)).await;
    let get = |uri: String| TestRequest::get().uri(&uri).to_request();
    let res = test::call_service(&web, get("/api/v1/openapi.json".into())).await;
    let contract = Contract::new(serde_json::from_slice(&test::read_body(res).await).unwrap());
    let mut uris: Vec<String> = vec![
        "/api/v1/facilities?limit=100".into(),
        "/api/v1/facilities?has_actions=true".into(),
        "/api/v1/facilities?kind=cpc".into(),
        "/api/v1/facilities?prefecture=%E6%9D%B1%E4%BA%AC%E9%83%BD".into(),
        "/api/v1/actions?limit=100".into(),
        format!("/api/v1/changes?since={}", stage2.format("%Y-%m-%d")),
        "/api/v1/changes?since=2000-01-01&limit=100".into(),
        "/api/v1/search?q=%E3%82%AF%E3%83%AA%E3%83%8B%E3%83%83%E3%82%AF".into(),
        "/api/v1/exports".into(),
        "/api/v1/facilities?cursor=ffff".into(),
        "/api/v1/changes?since=2000-01-01&cursor=00".into(),
        "/healthz".into(),
    ];
    for name in ["facilities.jsonl", "actions.csv", "entities.jsonl"] {
        uris.push(format!("/api/v1/exports/{name}"));
    }
    uris.extend(after.iter().map(|id| format!("/api/v1/facilities/{id}")));
    uris.extend(
        all_action_ids(&registry)
            .iter()
            .map(|id| format!("/api/v1/actions/{id}")),
    );
    let org_ids: Vec<String> = feed
        .items
        .iter()
        .filter(|c| c.entity.entity == "organization")
        .map(|c| c.entity.id.clone())
        .collect();
    uris.extend(
        org_ids
            .iter()
            .map(|id| format!("/api/v1/organizations/{id}")),
    );
    let mut statuses = std::collections::BTreeMap::new();
    for uri in uris {
        let res = test::call_service(&web, get(uri.clone())).await;
        let status = res.status().as_u16();
        let ct = res
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = test::read_body(res).await;
        assert!(
            status < 500,
            "{uri}: {status} {}",
            String::from_utf8_lossy(&body)
        );
        contract
            .check(&Answer {
                uri: &uri,
                status,
                content_type: ct.as_deref(),
                body: &body,
            })
            .unwrap_or_else(|e| panic!("{e}"));
        *statuses.entry(status).or_insert(0) += 1;
    }
    assert!(
        statuses.get(&200).copied().unwrap_or(0) > 30,
        "{statuses:?}"
    );
    assert!(
        statuses.contains_key(&400),
        "bad cursors refused: {statuses:?}"
    );
    replica.server.stop(true).await;
}

fn read_dir_files(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[actix_web::test]
async fn jsonl_export_and_import_round_trip_on_every_backend() {
    let dir = tempfile::tempdir().unwrap();
    let app = Mieru::open(dir.path(), None).unwrap();
    let replica = replica::start(ReplicaFiles::Bundled).unwrap();
    app.crawl_with(&[], &replica.mirrors(), &fast(), &common::every_source())
        .await
        .unwrap();
    let index = Arc::new(app.open_index().unwrap());
    app.resolve_and_index(&index).unwrap();
    replica.server.stop(true).await;

    let out = dir.path().join("export");
    let written = mieru::ops::export::jsonl(&app.pool, &out).unwrap();
    assert!(written.iter().all(|(_, n)| *n > 0), "{written:?}");
    let original = read_dir_files(&out);
    let registry = app.registry(index.clone());
    let facility_ids = all_facility_ids(&registry);

    for db in TestDb::all() {
        let target = tempfile::tempdir().unwrap();
        let url = db.database_url();
        let restored = Mieru::open(target.path(), url).unwrap();
        let report = mieru::ops::import::jsonl(&restored.pool, &out).unwrap();
        assert_eq!(report.facilities + report.organizations, {
            let lines = |n: &str| {
                String::from_utf8(original.iter().find(|(f, _)| f == n).unwrap().1.clone())
                    .unwrap()
                    .lines()
                    .count()
            };
            lines("facilities.jsonl") + lines("organizations.jsonl")
        });
        // A second import is refused: it would duplicate.
        assert!(matches!(
            mieru::ops::import::jsonl(&restored.pool, &out),
            Err(mieru::ops::import::ImportError::NotEmpty)
        ));
        let again_dir = target.path().join("again");
        mieru::ops::export::jsonl(&restored.pool, &again_dir).unwrap();
        let again = read_dir_files(&again_dir);
        assert_eq!(again.len(), original.len());
        for ((name, a), (_, b)) in original.iter().zip(&again) {
            assert!(a == b, "{} differs after import on {}", name, db.backend);
        }
        // The restored registry answers as the original does, search included.
        let restored_index = Arc::new(restored.open_index().unwrap());
        restored.rebuild_index(&restored_index).unwrap();
        let r2 = restored.registry(restored_index);
        assert_eq!(all_facility_ids(&r2), facility_ids, "{}", db.backend);
        for id in facility_ids.iter().take(20) {
            let (Lookup::Found(mut a), Lookup::Found(mut b)) = (
                registry
                    .facility(id, mieru_web::model::PointInTime::latest())
                    .unwrap(),
                r2.facility(id, mieru_web::model::PointInTime::latest())
                    .unwrap(),
            ) else {
                panic!("{id} missing on {}", db.backend);
            };
            // Each database numbers its own data versions; the records themselves must agree.
            assert!(a.citation.is_some() && b.citation.is_some());
            a.citation = None;
            b.citation = None;
            assert_eq!(a, b);
        }
        // Archived documents are not part of an export; every entity count is.
        let (h1, h2) = (registry.health().unwrap(), r2.health().unwrap());
        assert_eq!((h1.facilities, h1.actions), (h2.facilities, h2.actions));
        let filter = ActionFilter {
            prefecture: Some("東京都".into()),
            limit: 100,
            ..Default::default()
        };
        assert_eq!(
            registry.actions(&filter).unwrap(),
            r2.actions(&filter).unwrap()
        );
        let q = common::query("銀座アオバ再生クリニック", 5);
        let ids = |r: &dyn Registry| -> Vec<String> {
            r.search(&q)
                .unwrap()
                .hits
                .into_iter()
                .map(|h| h.id)
                .collect()
        };
        assert_eq!(ids(&registry), ids(&r2), "{}", db.backend);
        let entities =
            std::fs::read_to_string(r2.export_file("entities.jsonl").unwrap().unwrap().path)
                .unwrap();
        let exported: Value = serde_json::from_str(entities.lines().next().unwrap()).unwrap();
        assert!(exported["id"].is_string());
    }
}
