//! What the corporate-number registry undoes: a revoked closure (process 22) reopens the
//! corporation, and an annulled merger (72) withdraws the successor the merger (71) stated.
//! Fictional corporations in the registry's real column layout.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure

use mieru::app::Mieru;
use mieru::store;
use mieru_web::model::{Lookup, OrganizationDetail, PointInTime};
use mieru_web::registry::Registry;
use std::sync::Arc;

const CLOSED_THEN_REVOKED: &str = "7010405099001";
const SURVIVOR: &str = "6010405099002";
const ABSORBED: &str = "5010405099003";

/// One row of the 30-column layout: the columns this test needs, the rest empty.
fn row(
    seq: u32,
    number: &str,
    process: &str,
    changed: &str,
    name: &str,
    extra: &[(usize, &str)],
) -> String {
    let mut cols = vec![String::new(); 30];
    cols[0] = seq.to_string();
    cols[1] = number.into();
    cols[2] = process.into();
    cols[3] = "0".into();
    cols[4] = "2026-11-30".into();
    cols[5] = changed.into();
    cols[6] = format!("\"{name}\"");
    cols[8] = "399".into();
    cols[9] = "東京都".into();
    cols[10] = "中央区".into();
    cols[11] = "架空町１丁目２番３号".into();
    cols[22] = "2015-10-05".into();
    for (i, v) in extra {
        cols[*i] = (*v).into();
    }
    cols.join(",")
}

fn organization(
    app: &Mieru,
    index: Arc<mieru::search::SearchIndex>,
    number: &str,
) -> OrganizationDetail {
    let mut conn = app.pool.get().unwrap();
    let members = store::entities::members(&mut conn).unwrap();
    let id = members
        .get(&format!("organization:houjin-bangou:{number}"))
        .unwrap_or_else(|| panic!("{number} resolved"))
        .clone();
    match app
        .registry(index)
        .organization(&id, PointInTime::latest())
        .unwrap()
    {
        Lookup::Found(d) => d,
        other => panic!("{id}: {other:?}"),
    }
}

#[test]
fn revoked_closures_and_annulled_mergers_no_longer_stand() {
    let rows = [
        "2026-11-30,6,1,3".to_owned(),
        row(1, CLOSED_THEN_REVOKED, "21", "2026-10-01", "医療法人社団架空会", &[(18, "2026-10-01"), (19, "11")]),
        row(2, CLOSED_THEN_REVOKED, "22", "2026-11-02", "医療法人社団架空会", &[]),
        row(3, SURVIVOR, "71", "2026-09-01", "医療法人社団存続会", &[(21, "令和8年9月1日東京都中央区架空町１丁目２番３号医療法人社団消滅会（5010405099003）を合併")]),
        row(4, ABSORBED, "21", "2026-09-01", "医療法人社団消滅会", &[(18, "2026-09-01"), (19, "21"), (20, SURVIVOR)]),
        row(5, SURVIVOR, "72", "2026-11-10", "医療法人社団存続会", &[(21, "令和8年11月10日医療法人社団消滅会（5010405099003）との合併無効")]),
    ];
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("13_tokyo_diff_20261130.csv");
    std::fs::write(&csv, rows.join("\r\n") + "\r\n").unwrap();

    let data = tempfile::tempdir().unwrap();
    let app = Mieru::open(data.path(), None).unwrap();
    app.ingest_files("houjin-bangou", &[csv]).unwrap();
    let index = Arc::new(mieru::search::SearchIndex::in_memory().unwrap());
    app.resolve_and_index(&index).unwrap();

    let reopened = organization(&app, index.clone(), CLOSED_THEN_REVOKED);
    assert_ne!(reopened.status, "closed", "{reopened:?}");
    assert!(reopened.events.iter().any(|e| e.kind == "closure_filed"));
    let revoked = reopened
        .events
        .iter()
        .find(|e| e.kind == "closure_revoked")
        .expect("the revocation is in the history");
    assert_eq!(
        revoked.date.map(|d| d.to_string()).as_deref(),
        Some("2026-11-02")
    );
    assert!(!revoked.sources.is_empty(), "the revocation cites its file");

    let absorbed = organization(&app, index.clone(), ABSORBED);
    assert!(
        absorbed.links.iter().all(|l| l.kind != "successor"),
        "an annulled merger proves no successor: {:?}",
        absorbed.links
    );
    let survivor = organization(&app, index, SURVIVOR);
    assert!(survivor.events.iter().any(|e| e.kind == "merger_annulled"));
}
