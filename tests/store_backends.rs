//! The same storage test bodies against SQLite and (when configured) PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure

mod common;

use chrono::{NaiveDate, TimeZone, Utc};
use common::TestDb;
use mieru::store::{self, documents, entities, facts};
use mieru_crawler::provenance::{DocumentMeta, Fact, Property, SubjectKey, SubjectKind};

fn meta(url: &str, sha: &str, day: u32) -> DocumentMeta {
    DocumentMeta {
        source: "e-saisei".into(),
        url: url.into(),
        fetched_at: Utc.with_ymd_and_hms(2026, 1, day, 9, 0, 0).unwrap(),
        http_status: 200,
        content_type: Some("text/html".into()),
        etag: Some(format!("\"{sha}\"")),
        last_modified: None,
        sha256: sha.repeat(64 / sha.len()),
        size: 1234,
        encoding: Some("UTF-8".into()),
    }
}

fn clinic(name: &str) -> Vec<Fact> {
    let s = SubjectKey::new(SubjectKind::Facility, "e-saisei", "02C2406012");
    vec![
        Fact::new(&s, Property::Name, name),
        Fact::new(&s, Property::Address, "東京都中央区銀座4丁目9番13号")
            .on(NaiveDate::from_ymd_opt(2025, 1, 5)),
    ]
}

#[test]
fn migrations_apply_and_every_table_round_trips() {
    for db in TestDb::all() {
        let pool = db.pool();
        let mut conn = pool.get().unwrap();
        let m = meta(
            "https://saiseiiryo.mhlw.go.jp/published_plan/index/2",
            "a",
            1,
        );
        let out =
            documents::record_fetch(&mut conn, &m, Ok(&clinic("銀座テストクリニック"))).unwrap();
        assert!(out.new_snapshot, "{}", db.backend);
        assert_eq!(out.facts_added, 2, "{}", db.backend);
        let stored = facts::all(&mut conn).unwrap();
        assert_eq!(stored.len(), 2);
        assert_eq!(stored[1].observed_on, NaiveDate::from_ymd_opt(2025, 1, 5));
        assert_eq!(
            stored[0].first_seen,
            m.fetched_at.naive_utc(),
            "{}: timestamps survive",
            db.backend
        );
        entities::record_judgement(
            &mut conn,
            "facility:b",
            "facility:a",
            "successor",
            "tester",
            "same doctors",
            store::now(),
        )
        .unwrap();
        let j = entities::judgements(&mut conn).unwrap();
        assert_eq!(
            (j[0].left_subject.as_str(), j[0].verdict.as_str()),
            ("facility:a", "predecessor")
        );
        assert_eq!(entities::reserve_ids(&mut conn, "F", 3).unwrap(), 1);
        assert_eq!(entities::reserve_ids(&mut conn, "F", 1).unwrap(), 4);
    }
}

#[test]
fn unchanged_refetch_adds_nothing_and_changes_retract_only_what_changed() {
    for db in TestDb::all() {
        let pool = db.pool();
        let mut conn = pool.get().unwrap();
        let url = "https://saiseiiryo.mhlw.go.jp/published_plan/index/2";
        documents::record_fetch(
            &mut conn,
            &meta(url, "a", 1),
            Ok(&clinic("銀座テストクリニック")),
        )
        .unwrap();
        let again = documents::record_fetch(
            &mut conn,
            &meta(url, "a", 2),
            Ok(&clinic("銀座テストクリニック")),
        )
        .unwrap();
        assert!(!again.new_snapshot, "{}", db.backend);
        assert_eq!((again.facts_added, again.facts_retracted), (0, 0));
        assert_eq!(documents::counts(&mut conn).unwrap(), (1, 1));
        let changed = documents::record_fetch(
            &mut conn,
            &meta(url, "b", 3),
            Ok(&clinic("銀座ミライテストクリニック")),
        )
        .unwrap();
        assert!(changed.new_snapshot);
        assert_eq!(
            (changed.facts_added, changed.facts_retracted),
            (1, 1),
            "{}: exactly the renamed fact",
            db.backend
        );
        let all = facts::all(&mut conn).unwrap();
        assert_eq!(all.len(), 3, "history is kept");
        assert!(all[0].retracted_at.is_some());
        assert!(all[1].retracted_at.is_none());
        // A document that failed to parse keeps the facts it had.
        documents::record_fetch(&mut conn, &meta(url, "c", 4), Err("malformed")).unwrap();
        assert_eq!(
            facts::all(&mut conn)
                .unwrap()
                .iter()
                .filter(|f| f.retracted_at.is_none())
                .count(),
            2
        );
        // Removal is recorded, facts stay as history.
        assert!(documents::mark_removed(&mut conn, "e-saisei", url, store::now()).unwrap());
        let doc = documents::find(&mut conn, "e-saisei", url)
            .unwrap()
            .unwrap();
        assert!(doc.removed_at.is_some());
        assert_eq!(facts::all(&mut conn).unwrap().len(), 3);
    }
}

#[test]
fn only_one_crawler_holds_the_lock() {
    use store::crawl_state::{acquire_lock, release_lock, CRAWLER_LOCK};
    for db in TestDb::all() {
        let pool = db.pool();
        let mut conn = pool.get().unwrap();
        let now = store::now();
        let ten = chrono::Duration::minutes(10);
        acquire_lock(&mut conn, CRAWLER_LOCK, "one", now, ten).unwrap();
        let err = acquire_lock(&mut conn, CRAWLER_LOCK, "two", now, ten).unwrap_err();
        assert!(
            err.to_string().contains("only one crawl"),
            "{}: {err}",
            db.backend
        );
        // A dead crawler's stale lock is taken over.
        acquire_lock(
            &mut conn,
            CRAWLER_LOCK,
            "three",
            now + chrono::Duration::minutes(11),
            ten,
        )
        .unwrap();
        release_lock(&mut conn, CRAWLER_LOCK, "three").unwrap();
        acquire_lock(&mut conn, CRAWLER_LOCK, "two", now, ten).unwrap();
    }
}
