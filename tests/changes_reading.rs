//! The changes feed finds changed entities one of two ways (issue 20): through the facts'
//! time indexes while few facts changed, or by walking entities in ID order with their last
//! change once `since` is old. Both must give the same pages for every `since` the data can
//! tell apart (each time a fact was first seen, changed or retracted, or a document removed,
//! and just after it), page after page, on the replica after two crawls (edits, retractions,
//! removed sources) and on a synthetic registry, on both backends.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure

mod common;

use chrono::{Duration, NaiveDateTime};
use mieru::app::Mieru;
use mieru::store::read_models::{changed_entity_ids_by, ChangesReading};
use mieru::store::{self, DbConnection};
use std::collections::BTreeSet;

/// Every changed entity after `since`, page by page (pages of 7).
fn all_pages(
    conn: &mut DbConnection,
    since: NaiveDateTime,
    reading: ChangesReading,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    loop {
        let page =
            changed_entity_ids_by(conn, since, out.last().map(String::as_str), 7, reading).unwrap();
        if page.is_empty() {
            return out;
        }
        out.extend(page);
    }
}

/// The times at which the answer can change, and a moment after each (at most 80 of them,
/// spread over the whole range, with the oldest and the newest).
fn distinct_sinces(conn: &mut DbConnection) -> Vec<NaiveDateTime> {
    let mut times = BTreeSet::new();
    for f in store::facts::all(conn).unwrap() {
        times.extend(
            [Some(f.first_seen), Some(f.last_changed), f.retracted_at]
                .into_iter()
                .flatten(),
        );
    }
    for d in store::documents::all(conn).unwrap() {
        times.extend(d.removed_at);
    }
    let after: Vec<NaiveDateTime> = times
        .iter()
        .map(|t| *t + Duration::microseconds(1))
        .collect();
    times.extend(after);
    times.insert(NaiveDateTime::default());
    let times: Vec<NaiveDateTime> = times.into_iter().collect();
    let step = times.len().div_ceil(80).max(1);
    let mut sampled: Vec<NaiveDateTime> = times.iter().step_by(step).copied().collect();
    sampled.extend(times.last().copied());
    sampled
}

fn assert_readings_agree(app: &Mieru, backend: &str) -> usize {
    let mut conn = app.pool.get().unwrap();
    let mut nonempty = 0;
    for since in distinct_sinces(&mut conn) {
        let by_changes = all_pages(&mut conn, since, ChangesReading::ByChanges);
        let by_entities = all_pages(&mut conn, since, ChangesReading::ByEntities);
        assert_eq!(by_entities, by_changes, "{backend}: since {since}");
        let cheapest = all_pages(&mut conn, since, ChangesReading::Cheapest);
        assert_eq!(cheapest, by_changes, "{backend}: since {since}");
        nonempty += usize::from(!by_changes.is_empty());
    }
    nonempty
}

#[actix_web::test]
async fn replica_changes_read_either_way_agree() {
    common::on_every_backend(async |database_url, backend| {
        let (_dir, app, replica, index) = common::open_on_replica(database_url);
        common::crawl_two_versions(&app, &replica, &index).await;
        let nonempty = assert_readings_agree(&app, backend);
        assert!(nonempty > 2, "{backend}: only {nonempty} non-empty answers");
    })
    .await;
}

#[test]
fn synthetic_changes_read_either_way_agree() {
    common::on_synthetic_registry(5, 150, |app, backend| {
        let nonempty = assert_readings_agree(app, backend);
        assert!(nonempty > 0, "{backend}: nothing changed");
    });
}
