//! A historical version (`?version=N`) is projected from the record's neighbourhood alone
//! (issue 20): for every facility, CPC and organization, in every data version, on every
//! backend, that projection must equal the one from every fact in the store — on the replica
//! (real page structures, renames, successors, orders with several targets) and on a synthetic
//! registry (renames, closures, plans, inspections and orders).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure

mod common;

use common::TestDb;
use mieru::app::Mieru;
use mieru::serve::history::{project_known_at, record_known_at};
use mieru::serve::neighbourhood::{self, Gathered};
use mieru::store;

/// Compares both projections for every record in every data version; returns how many
/// records existed in some version.
fn assert_neighbourhoods_suffice(app: &Mieru, backend: &str) -> usize {
    let mut conn = app.pool.get().unwrap();
    let versions = store::read_models::versions(&mut conn, 100).unwrap();
    assert!(!versions.is_empty(), "{backend}: nothing resolved");
    let entities: Vec<String> = store::entities::all(&mut conn)
        .unwrap()
        .into_iter()
        .filter(|e| matches!(e.kind.as_str(), "facility" | "cpc" | "organization"))
        .map(|e| e.id)
        .collect();
    for id in &entities {
        match neighbourhood::gather(&mut conn, id).unwrap() {
            Gathered::Neighbourhood(m) => assert!(
                m.facts.len() < 2_000,
                "{backend}: {id} gathered {} facts",
                m.facts.len()
            ),
            // An ID that resolution no longer gives members to (merged into another one).
            Gathered::Unknown => assert!(
                store::entities::members_of(&mut conn, id)
                    .unwrap()
                    .is_empty(),
                "{backend}: {id} has members but no neighbourhood"
            ),
            Gathered::TooLarge => panic!("{backend}: {id} is too large"),
        }
    }
    let ids: Vec<&str> = entities.iter().map(String::as_str).collect();
    let everything = neighbourhood::everything(&mut conn).unwrap();
    let mut compared = 0;
    for v in &versions {
        let full = project_known_at(&mut conn, everything.clone(), &ids, v.created_at).unwrap();
        for (id, full) in ids.iter().zip(full) {
            let scoped = record_known_at(&mut conn, id, v.created_at).unwrap();
            assert_eq!(
                scoped, full,
                "{backend}: {id} at version {} differs from the full projection",
                v.id
            );
            compared += usize::from(full.is_some());
        }
    }
    compared
}

#[actix_web::test]
async fn replica_records_need_only_their_neighbourhood() {
    common::on_every_backend(async |database_url, backend| {
        let (_dir, app, replica, index) = common::open_on_replica(database_url);
        common::crawl_two_versions(&app, &replica, &index).await;
        let compared = assert_neighbourhoods_suffice(&app, backend);
        assert!(compared > 40, "{backend}: only {compared} records compared");
    })
    .await;
}

#[test]
fn synthetic_records_need_only_their_neighbourhood() {
    common::on_synthetic_registry(7, 120, |app, backend| {
        let compared = assert_neighbourhoods_suffice(app, backend);
        assert!(compared >= 240, "{backend}: only {compared} compared");
    });
}

#[test]
fn an_unknown_id_has_no_neighbourhood() {
    let db = TestDb::sqlite();
    let dir = tempfile::tempdir().unwrap();
    let app = Mieru::open(dir.path(), Some(&db.url)).unwrap();
    let mut conn = app.pool.get().unwrap();
    assert!(matches!(
        neighbourhood::gather(&mut conn, "F9999999").unwrap(),
        Gathered::Unknown
    ));
}
