//! The whole pipeline against the bundled replica, as a patient and a journalist use it:
//! crawl → archive → facts → resolve → index → search.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure

mod common;

use common::fast;
use mieru::app::Mieru;
use mieru::ops::replica::{self, ReplicaFiles};
use mieru_web::registry::Registry;
use std::sync::Arc;

fn search(index: &mieru::search::SearchIndex, q: &str) -> Vec<(String, String)> {
    index
        .search(&common::query(q, 10))
        .unwrap()
        .hits
        .into_iter()
        .map(|h| (h.id, h.name))
        .collect()
}

#[actix_web::test]
async fn crawl_resolve_index_and_find_a_renamed_clinic() {
    let dir = tempfile::tempdir().unwrap();
    let app = Mieru::open(dir.path(), None).unwrap();
    let replica = replica::start(ReplicaFiles::Bundled).unwrap();

    let (report, stats) = app
        .crawl_with(&[], &replica.mirrors(), &fast(), &common::every_source())
        .await
        .unwrap();
    for source in common::SOURCES {
        let r = report
            .source(source)
            .unwrap_or_else(|| panic!("{source} crawled"));
        assert!(r.fetched > 0 && r.facts > 0, "{source}: {r}");
        assert_eq!(r.failed, 0, "{source}: {r}");
    }
    assert!(stats.facts_added > 500, "{stats:?}");

    let index = Arc::new(app.open_index().unwrap());
    let resolved = app.resolve_and_index(&index).unwrap();
    assert!(resolved.facilities > 20, "{resolved}");

    // A patient types the clinic's old name and finds it under its new one, with its order.
    let hits = search(&index, "銀座アオバ再生クリニック");
    let clinic = hits
        .iter()
        .find(|(_, name)| name == "銀座ミライ整形クリニック")
        .expect("renamed clinic found by its former name");
    let registry = app.registry(index.clone());
    let detail = common::facility_now(&registry, &clinic.0);
    assert!(detail
        .names
        .iter()
        .any(|n| n.value == "銀座アオバ再生クリニック" && !n.current));
    common::assert_has_action(&detail, "emergency_order");
    assert!(detail.events.iter().any(|e| e.kind == "renamed"));
    assert_eq!(detail.status, "closed");
    // A journalist follows a fact to its archived source.
    let source = detail.sources.first().expect("sources cited");
    let archived = registry
        .document(&source.sha256)
        .unwrap()
        .expect("archived copy");
    assert_eq!(mieru::archive::sha256_hex(&archived.bytes), source.sha256);

    // Look-alikes in two prefectures stay two facilities.
    let lookalikes: Vec<_> = search(&index, "表参道セルクリニック")
        .into_iter()
        .filter(|(_, n)| n == "表参道セルクリニック")
        .collect();
    assert_eq!(lookalikes.len(), 2, "{lookalikes:?}");

    // A second crawl of the unchanged replica stores nothing new.
    let (again, stats2) = app
        .crawl_with(&[], &replica.mirrors(), &fast(), &common::every_source())
        .await
        .unwrap();
    assert_eq!(stats2.new_snapshots, 0, "{again}");
    assert_eq!(stats2.facts_added, 0, "{again}");
    let unchanged: usize = again.per_source.iter().map(|r| r.unchanged).sum();
    assert!(unchanged > 10, "conditional GET answered 304: {again}");
    replica.server.stop(true).await;
}
