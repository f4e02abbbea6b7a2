//! `mieru check` on a crawled, resolved data directory (SQLite, and PostgreSQL when
//! `MIERU_TEST_DATABASE_URL` is set): clean data passes; a corrupted archive file, a missing
//! archive file and dangling references are each reported, by the library and by the CLI's
//! exit code; `--repair` removes stale temporary files and nothing else.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure

mod common;

use common::{fast, TestDb};
use diesel::prelude::*;
use mieru::app::Mieru;
use mieru::ops::check::{self, CheckOptions, CheckReport, Finding};
use mieru::ops::replica::{self, ReplicaFiles};
use mieru::store::schema::{entities, entity_members, facts, locks, snapshots};
use std::path::Path;
use std::time::{Duration, SystemTime};

fn check(app: &Mieru) -> CheckReport {
    check::run(app, CheckOptions::default()).expect("check runs")
}

/// The findings of a report, by kind.
fn kinds(report: &CheckReport) -> Vec<Finding> {
    report.findings.keys().copied().collect()
}

/// `mieru check` through the binary: its exit code and output.
fn cli_check(data_dir: &Path, db: &TestDb, extra: &[&str]) -> (i32, String) {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_mieru"));
    cmd.arg("--data-dir").arg(data_dir);
    if db.backend == "postgres" {
        cmd.arg("--database-url").arg(&db.url);
    }
    let out = cmd
        .arg("check")
        .args(extra)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run mieru check");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[actix_web::test]
async fn check_passes_clean_data_and_reports_each_kind_of_damage() {
    let replica = replica::start(ReplicaFiles::Bundled).unwrap();
    for db in TestDb::all() {
        let dir = tempfile::tempdir().unwrap();
        let url = db.database_url();
        let app = Mieru::open(dir.path(), url).unwrap();
        app.crawl_with(&[], &replica.mirrors(), &fast(), &common::every_source())
            .await
            .unwrap();
        let index = app.open_index().unwrap();
        app.resolve_and_index(&index).unwrap();
        let backend = db.backend;

        // Clean.
        let report = check(&app);
        assert!(report.is_clean(), "{backend}: {report}");
        assert!(report.findings.is_empty(), "{backend}: {report}");
        assert!(
            report.archive_files > 20 && report.archive_files <= report.snapshots,
            "{report}"
        );
        assert!(
            report.facts > 500 && report.events > 10 && report.links > 0,
            "{report}"
        );
        assert!(
            report.entities > 20 && report.members >= report.entities / 2,
            "{report}"
        );
        let (code, out) = cli_check(dir.path(), &db, &[]);
        assert_eq!(code, 0, "{backend}: {out}");
        assert!(out.contains("result: clean"), "{out}");

        let mut conn = app.pool.get().unwrap();
        let (some_sha, other_sha): (String, String) = {
            let shas: Vec<String> = snapshots::table
                .select(snapshots::sha256)
                .order(snapshots::id.asc())
                .limit(2)
                .load(&mut *conn)
                .unwrap();
            (shas[0].clone(), shas[1].clone())
        };

        // What an interrupted process leaves is a notice, not a problem; --repair removes a
        // temporary file old enough to be nobody's write in progress, and keeps a fresh one.
        let some_path = app.archive.path_of(&some_sha).unwrap();
        let shard = some_path.parent().unwrap();
        let stale_tmp = shard.join(".tmpAbC123");
        std::fs::write(&stale_tmp, b"half a document").unwrap();
        std::fs::File::options()
            .write(true)
            .open(&stale_tmp)
            .unwrap()
            .set_modified(SystemTime::now() - Duration::from_secs(3600))
            .unwrap();
        let fresh_tmp = shard.join(".tmpXyZ789");
        std::fs::write(&fresh_tmp, b"a write in progress").unwrap();
        let unreferenced = app.archive.put(b"archived, then killed").unwrap().0;
        diesel::insert_into(locks::table)
            .values((
                locks::name.eq("crawler"),
                locks::holder.eq(format!("pid 4294967 on {}", mieru::ops::locks::hostname())),
                locks::acquired_at.eq(mieru::store::now()),
                locks::heartbeat_at.eq(mieru::store::now()),
            ))
            .execute(&mut *conn)
            .unwrap();
        let report = check(&app);
        assert!(report.is_clean(), "{backend}: {report}");
        assert_eq!(report.count(Finding::TempFile), 2, "{report}");
        assert_eq!(
            report.count(Finding::UnreferencedArchiveFile),
            1,
            "{report}"
        );
        assert_eq!(report.count(Finding::DeadLockHolder), 1, "{report}");
        let (code, out) = cli_check(dir.path(), &db, &["--repair"]);
        assert_eq!(code, 0, "{backend}: {out}");
        assert!(out.contains("repaired: removed"), "{out}");
        assert!(!stale_tmp.exists() && fresh_tmp.exists());
        assert!(
            app.archive.get(&unreferenced).unwrap().is_some(),
            "data is never deleted"
        );
        std::fs::remove_file(&fresh_tmp).unwrap();
        diesel::delete(locks::table).execute(&mut *conn).unwrap();

        // A corrupted archive file.
        let original = std::fs::read(&some_path).unwrap();
        std::fs::write(&some_path, b"bit rot").unwrap();
        let report = check(&app);
        assert_eq!(
            kinds(&report),
            [
                Finding::CorruptArchiveFile,
                Finding::UnreferencedArchiveFile
            ],
            "{backend}: {report}"
        );
        assert_eq!(report.count(Finding::CorruptArchiveFile), 1);
        assert!(report.to_string().contains(&some_sha), "{report}");
        let (code, out) = cli_check(dir.path(), &db, &[]);
        assert_eq!(code, 1, "{backend}: {out}");
        assert!(out.contains("result: 1 problems"), "{out}");
        std::fs::write(&some_path, &original).unwrap();

        // A missing archive file: its snapshot (and, being current, its document) report it.
        let other_path = app.archive.path_of(&other_sha).unwrap();
        let moved = dir.path().join("moved-away");
        std::fs::rename(&other_path, &moved).unwrap();
        let report = check(&app);
        assert!(!report.is_clean(), "{backend}: {report}");
        assert_eq!(report.count(Finding::SnapshotNotArchived), 1, "{report}");
        assert!(report.count(Finding::CurrentNotArchived) <= 1, "{report}");
        assert_eq!(report.count(Finding::CorruptArchiveFile), 0, "{report}");
        assert_eq!(cli_check(dir.path(), &db, &[]).0, 1);
        std::fs::rename(&moved, &other_path).unwrap();
        assert!(check(&app).is_clean());

        // Dangling references: a member of an entity that does not exist, a merge into one,
        // and a fact whose last snapshot is not its document's.
        let first_subject: String = entity_members::table
            .select(entity_members::subject)
            .order(entity_members::subject.asc())
            .first(&mut *conn)
            .unwrap();
        diesel::update(entity_members::table.find(&first_subject))
            .set(entity_members::entity_id.eq("F999999"))
            .execute(&mut *conn)
            .unwrap();
        let first_entity: String = entities::table
            .select(entities::id)
            .order(entities::id.asc())
            .first(&mut *conn)
            .unwrap();
        diesel::update(entities::table.find(&first_entity))
            .set(entities::merged_into.eq("F999998"))
            .execute(&mut *conn)
            .unwrap();
        let first_fact: i64 = facts::table
            .select(facts::id)
            .order(facts::id.asc())
            .first(&mut *conn)
            .unwrap();
        diesel::update(facts::table.find(first_fact))
            .set(facts::last_sha256.eq("0".repeat(64)))
            .execute(&mut *conn)
            .unwrap();
        let report = check(&app);
        assert_eq!(report.count(Finding::MemberWithoutEntity), 1, "{report}");
        assert_eq!(report.count(Finding::MergeTargetMissing), 1, "{report}");
        assert_eq!(report.count(Finding::FactWithoutSnapshot), 1, "{report}");
        let text = report.to_string();
        assert!(
            text.contains("F999999") && text.contains("F999998"),
            "{text}"
        );
        assert!(text.contains(&format!("fact {first_fact} ")), "{text}");
        let (code, out) = cli_check(dir.path(), &db, &[]);
        assert_eq!(code, 1, "{backend}: {out}");
        assert!(out.contains("result: 3 problems"), "{out}");
    }
    replica.server.stop(true).await;
}
