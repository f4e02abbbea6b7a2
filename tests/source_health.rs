//! Source health on the real pipeline: a crawl in which one source's server is down marks
//! that source `unavailable` (API and `/sources` page) while the others stay `available`, and
//! removes nothing of it: no document marked removed, no fact retracted. Documents that could
//! not be read are listed with their archived copies. Both backends when
//! `MIERU_TEST_DATABASE_URL` is set.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure

mod common;

use actix_web::test::{self, TestRequest};
use common::fast_no_retries;
use mieru::app::Mieru;
use mieru::store::{documents, facts};
use serde_json::Value;
use std::sync::Arc;

/// (documents removed, facts retracted) of one source.
fn removed_of(app: &Mieru, source: &str) -> (usize, usize) {
    let mut conn = app.pool.get().unwrap();
    let docs = documents::all(&mut conn).unwrap();
    let ids: Vec<i64> = docs
        .iter()
        .filter(|d| d.source == source)
        .map(|d| d.id)
        .collect();
    let removed = docs
        .iter()
        .filter(|d| d.source == source && d.removed_at.is_some())
        .count();
    let retracted = facts::all(&mut conn)
        .unwrap()
        .into_iter()
        .filter(|f| ids.contains(&f.document_id) && f.retracted_at.is_some())
        .count();
    (removed, retracted)
}

fn source<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["source"] == name)
        .unwrap_or_else(|| panic!("{name} in {report}"))
}

#[actix_web::test]
async fn a_failing_source_is_unavailable_and_loses_nothing() {
    common::on_every_backend(failing_source).await;
}

async fn failing_source(database_url: Option<&str>, backend: &str) {
    let (_tmp, app, server, index) = common::open_on_replica(database_url);
    let mirrors = server.mirrors();
    let state = mieru_web::AppState {
        registry: Arc::new(app.registry(index.clone())),
        site: mieru_web::SiteConfig::default(),
    };
    let web = test::init_service(common::web_app(state)).await;
    let get = |uri: &str| TestRequest::get().uri(uri).to_request();
    let report = |body: &[u8]| -> Value { serde_json::from_slice(body).unwrap() };

    // Before any crawl: every source says so.
    let res = test::call_service(&web, get("/api/v1/sources")).await;
    assert_eq!(res.status(), 200);
    let before = report(&test::read_body(res).await);
    assert!(
        before["sources"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["status"] == "not_crawled"),
        "{before}"
    );

    // 1. A good crawl: every source available, with counts and its problem documents.
    app.crawl_with(&[], &mirrors, &fast_no_retries(), &common::every_source())
        .await
        .unwrap();
    app.resolve_and_index(&index).unwrap();
    let res = test::call_service(&web, get("/api/v1/sources")).await;
    let good = report(&test::read_body(res).await);
    for s in good["sources"].as_array().unwrap() {
        assert_eq!(s["status"], "available", "{backend}: {s}");
        assert!(s["last_success"].is_string(), "{s}");
        assert_eq!(s["last_attempt_failed"], false);
        assert!(s["documents_live"].as_u64().unwrap() > 0, "{s}");
        assert!(s["facts_live"].as_u64().unwrap() > 0, "{s}");
        assert!(!s["known_gaps"].as_array().unwrap().is_empty(), "{s}");
        assert!(!s["hosts"].as_array().unwrap().is_empty(), "{s}");
    }
    // The bureau's guide page has no order in it: archived, listed as not read, linked.
    let bureau = source(&good, "kouseikyoku");
    let guide = bureau["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| {
            p["url"]
                .as_str()
                .unwrap()
                .ends_with("/kyushu/iji/saiseiiryou/newpage_00512.html")
        })
        .unwrap_or_else(|| panic!("{bureau}"));
    assert_eq!(guide["kind"], "parse_error");
    let sha = guide["sha256"].as_str().unwrap();
    let res = test::call_service(&web, get(&format!("/api/v1/documents/{sha}"))).await;
    assert_eq!(res.status(), 200, "the archived copy of the unread page");
    let e_saisei_good = source(&good, "e-saisei").clone();
    let kept = removed_of(&app, "e-saisei");
    assert_eq!(kept, (0, 0), "{backend}");

    // 2. The e-再生医療 server is down (nothing listens on its port).
    let broken = common::with_host_down(&mirrors, "saiseiiryo.mhlw.go.jp");
    let (crawl, stats) = app
        .crawl_with(&[], &broken, &fast_no_retries(), &common::every_source())
        .await
        .unwrap();
    assert!(
        crawl
            .per_source
            .iter()
            .any(|r| r.source == "e-saisei" && !r.complete),
        "{crawl}"
    );
    assert_eq!((stats.removed, stats.facts_retracted), (0, 0), "{stats:?}");
    app.resolve_and_index(&index).unwrap();

    let res = test::call_service(&web, get("/api/v1/sources")).await;
    assert_eq!(res.status(), 200);
    let after = report(&test::read_body(res).await);
    let down = source(&after, "e-saisei");
    assert_eq!(down["status"], "unavailable", "{backend}: {down}");
    assert_eq!(down["last_attempt_failed"], true);
    // Its last success is still the good crawl; its counts did not drop.
    assert_eq!(down["last_success"], e_saisei_good["last_success"]);
    assert_eq!(down["documents_live"], e_saisei_good["documents_live"]);
    assert_eq!(down["documents_removed"], 0);
    assert_eq!(down["facts_live"], e_saisei_good["facts_live"]);
    assert_eq!(down["facts_retracted"], 0);
    assert!(
        down["last_note"]
            .as_str()
            .unwrap_or_default()
            .contains("nothing marked removed"),
        "{down}"
    );
    // The failed fetches are listed, with the last good archived copies.
    let fetch_errors: Vec<&Value> = down["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["kind"] == "fetch_error")
        .collect();
    assert!(!fetch_errors.is_empty(), "{down}");
    assert!(
        fetch_errors.iter().all(|p| p["sha256"].is_string()),
        "{down}"
    );
    for other in ["mhlw-press", "kouseikyoku", "jrct", "houjin-bangou"] {
        assert_eq!(
            source(&after, other)["status"],
            "available",
            "{backend}: {other}"
        );
    }
    assert_eq!(
        removed_of(&app, "e-saisei"),
        (0, 0),
        "{backend}: nothing removed"
    );

    // The page says the same, Japanese first, English on request.
    let res = test::call_service(&web, get("/sources")).await;
    assert_eq!(res.status(), 200);
    let html = String::from_utf8(test::read_body(res).await.to_vec()).unwrap();
    assert!(html.contains("<h1>情報源の状態</h1>"));
    let section = |html: &str, name: &str| -> String {
        html.split(&format!("id=\"source-{name}\""))
            .nth(1)
            .and_then(|rest| rest.split("</section>").next())
            .unwrap_or_else(|| panic!("{name} section"))
            .to_owned()
    };
    let es = section(&html, "e-saisei");
    assert!(es.contains("data-status=\"unavailable\""), "{es}");
    assert!(es.contains("利用不可"), "{es}");
    assert!(es.contains("最後の巡回は失敗"), "{es}");
    assert!(
        es.contains("/api/v1/documents/"),
        "archived copies linked: {es}"
    );
    assert!(section(&html, "jrct").contains("data-status=\"available\""));
    let res = test::call_service(&web, get("/sources?lang=en")).await;
    let html = String::from_utf8(test::read_body(res).await.to_vec()).unwrap();
    assert!(section(&html, "e-saisei").contains("Unavailable (last crawl failed)"));
    assert!(html.contains("Known gaps"));

    // 3. The server is back: available again.
    app.crawl_with(&[], &mirrors, &fast_no_retries(), &common::every_source())
        .await
        .unwrap();
    let res = test::call_service(&web, get("/api/v1/sources")).await;
    let back = report(&test::read_body(res).await);
    assert_eq!(
        source(&back, "e-saisei")["status"],
        "available",
        "{backend}"
    );
    server.server.stop(true).await;
}
