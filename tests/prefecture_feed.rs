//! A prefecture's watch feed reads its records newest feed bound first and stops once no
//! record left can reach its newest entries (issue 20). Reading one record at a time must give
//! exactly the feed that reading every record gives, for every prefecture, on the replica (two
//! crawls: renames, successors, edited and removed sources) and on a synthetic registry large
//! enough that feeds are cut, on both backends; and records whose bound is not known (a
//! database migrated before the bounds existed) are read whatever their place.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure

mod common;

use diesel::prelude::*;
use mieru::app::Mieru;
use mieru::serve::watch::prefecture_feed_paged;
use mieru::store::{self, DbConnection};
use mieru_web::model::Lookup;
use mieru_web::watch::{WatchFeed, MAX_ENTRIES};
use std::collections::BTreeSet;

/// Reads every record in one page: the feed as built before it was bounded.
const EVERY_RECORD: i64 = i64::MAX;

fn feed(conn: &mut DbConnection, prefecture: &str, page: i64) -> WatchFeed {
    match prefecture_feed_paged(conn, prefecture, page).unwrap() {
        Lookup::Found(f) => f,
        other => panic!("{prefecture}: {other:?}"),
    }
}

fn prefectures(conn: &mut DbConnection) -> BTreeSet<String> {
    store::entities::all(conn)
        .unwrap()
        .into_iter()
        .filter(|e| e.merged_into.is_none())
        .filter_map(|e| e.prefecture)
        .collect()
}

/// Compares the paged feeds with the full ones; returns the longest feed's length.
fn assert_paging_changes_nothing(app: &Mieru, backend: &str) -> usize {
    let mut conn = app.pool.get().unwrap();
    let prefectures = prefectures(&mut conn);
    assert!(!prefectures.is_empty(), "{backend}: no prefecture");
    let mut longest = 0;
    for p in &prefectures {
        let full = feed(&mut conn, p, EVERY_RECORD);
        for page in [1, 7] {
            assert_eq!(
                feed(&mut conn, p, page),
                full,
                "{backend}: {p}, {page} records a page"
            );
        }
        longest = longest.max(full.entries.len());
    }
    longest
}

/// Forgets the feed bound of every other record, as a database migrated before the bounds
/// existed has none.
fn forget_half_the_bounds(app: &Mieru) {
    use mieru::store::schema::watch_activity;
    let mut conn = app.pool.get().unwrap();
    let ids: Vec<String> = watch_activity::table
        .select(watch_activity::entity_id)
        .order(watch_activity::entity_id.asc())
        .load(&mut *conn)
        .unwrap();
    let every_other: Vec<&String> = ids.iter().step_by(2).collect();
    assert!(!every_other.is_empty());
    diesel::update(watch_activity::table.filter(watch_activity::entity_id.eq_any(every_other)))
        .set(watch_activity::last_activity.eq(None::<chrono::NaiveDateTime>))
        .execute(&mut *conn)
        .unwrap();
}

#[actix_web::test]
async fn replica_feeds_do_not_depend_on_paging() {
    common::on_every_backend(async |database_url, backend| {
        let (_dir, app, replica, index) = common::open_on_replica(database_url);
        common::crawl_two_versions(&app, &replica, &index).await;
        let longest = assert_paging_changes_nothing(&app, backend);
        assert!(longest > 0, "{backend}: every feed is empty");
        forget_half_the_bounds(&app);
        assert_paging_changes_nothing(&app, backend);
    })
    .await;
}

#[test]
fn synthetic_feeds_are_cut_the_same_way_whatever_the_paging() {
    common::on_synthetic_registry(11, 2000, |app, backend| {
        let longest = assert_paging_changes_nothing(app, backend);
        assert_eq!(
            longest, MAX_ENTRIES,
            "{backend}: no feed long enough to be cut"
        );
        forget_half_the_bounds(app);
        assert_paging_changes_nothing(app, backend);
    });
}
