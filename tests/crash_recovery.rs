//! `kill -9` at any point loses nothing and corrupts nothing: `mieru crawl` is SIGKILLed ten
//! times at random points of its run (fetch, archive, ingest, resolve, index), `mieru check`
//! is clean after every kill, and a final crawl leaves exactly what one uninterrupted crawl
//! leaves — no duplicate or missing documents, snapshots, facts, events or entities. Then
//! `mieru serve` is killed while it builds its index, and a restarted server answers.
//!
//! The kill points come from a seeded RNG; the seed is printed, and `MIERU_CRASH_SEED=N`
//! replays a run. SQLite always; PostgreSQL too when `MIERU_TEST_DATABASE_URL` is set.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure

mod common;

use common::{copy_dir_with, free_port, replica_root, TestDb};
use diesel::prelude::*;
use mieru::ops::replica::{self, ReplicaFiles};
use rand::{Rng, SeedableRng};
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::process::Command;

/// Real kills wanted (a crawl that finished before its kill point does not count).
const KILLS: usize = 10;

fn mieru(data_dir: &Path, db: &TestDb) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mieru"));
    cmd.arg("--data-dir").arg(data_dir);
    if db.backend == "postgres" {
        cmd.arg("--database-url").arg(&db.url);
    }
    cmd.env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

fn crawl_cmd(data_dir: &Path, db: &TestDb, mirrors: &[String]) -> Command {
    let mut cmd = mieru(data_dir, db);
    cmd.arg("crawl").arg("--rate").arg("100");
    for m in mirrors {
        cmd.arg("--mirror").arg(m);
    }
    cmd
}

/// `mieru check`: clean (exit 0) or a panic with its report. Returns the report.
async fn assert_check_clean(data_dir: &Path, db: &TestDb, context: &str) -> String {
    let out = mieru(data_dir, db)
        .arg("check")
        .stdout(Stdio::piped())
        .output()
        .await
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success() && report.contains("result: clean"),
        "{context}: mieru check is not clean:\n{report}"
    );
    report
}

/// The bundled replica in a directory, with a short robots.txt Crawl-delay so a crawl takes
/// a couple of seconds instead of ten and the kills land in real work, not in waits.
fn fast_replica(dir: &Path) {
    copy_dir_with(&replica_root(), dir, &|file| {
        (file.file_name()? == "robots.txt").then(|| {
            let text = std::fs::read_to_string(file).unwrap();
            assert!(text.contains("Crawl-delay: 1"), "{text}");
            text.replace("Crawl-delay: 1", "Crawl-delay: 0.2")
                .into_bytes()
        })
    });
}

/// What a crawl left, in a form two databases can be compared by.
#[derive(Debug, PartialEq, Eq)]
struct Contents {
    documents: Vec<(String, String, Option<String>)>,
    snapshots: Vec<(String, String)>,
    facts: Vec<(String, String, String, String, bool)>,
    events: Vec<(String, String, String, Option<chrono::NaiveDate>)>,
    entities: Vec<(String, String, String, String, Option<String>)>,
}

/// Pages that carry a per-session form token (the corporate-number download pages, as on the
/// real site): their bytes differ with every session, so two databases that crawled the same
/// replica in different sessions hold different copies of them. Compared by presence only.
fn per_session(url: &str) -> bool {
    url.starts_with("https://www.houjin-bangou.nta.go.jp/download/") && !url.contains('#')
}

fn contents(url: &str) -> Contents {
    use mieru::store::schema::{documents, entities, events, facts, snapshots};
    let pool = mieru::store::connect(url, 1).unwrap();
    let mut conn = pool.get().unwrap();
    let conn = &mut *conn;
    let mut documents: Vec<(String, String, Option<String>)> = documents::table
        .select((documents::source, documents::url, documents::current_sha256))
        .load(conn)
        .unwrap();
    for (_, url, sha) in &mut documents {
        if per_session(url) {
            *sha = sha.as_ref().map(|_| "per-session page".to_owned());
        }
    }
    documents.sort();
    let mut snapshots: Vec<(String, String)> = snapshots::table
        .inner_join(documents::table)
        .select((documents::url, snapshots::sha256))
        .load(conn)
        .unwrap();
    snapshots.retain(|(url, _)| !per_session(url));
    snapshots.sort();
    let mut facts: Vec<(String, String, String, String, bool)> = facts::table
        .inner_join(documents::table)
        .select((
            documents::url,
            facts::subject,
            facts::property,
            facts::value,
            facts::retracted_at.is_not_null(),
        ))
        .load(conn)
        .unwrap();
    facts.sort();
    let mut events: Vec<(String, String, String, Option<chrono::NaiveDate>)> = events::table
        .select((
            events::entity_id,
            events::kind,
            events::summary_en,
            events::event_date,
        ))
        .load(conn)
        .unwrap();
    events.sort();
    let mut entities: Vec<(String, String, String, String, Option<String>)> = entities::table
        .select((
            entities::id,
            entities::kind,
            entities::name,
            entities::status,
            entities::merged_into,
        ))
        .load(conn)
        .unwrap();
    entities.sort();
    Contents {
        documents,
        snapshots,
        facts,
        events,
        entities,
    }
}

fn db_url(db: &TestDb, data_dir: &Path) -> String {
    if db.backend == "postgres" {
        db.url.clone()
    } else {
        data_dir.join("mieru.db").to_string_lossy().into_owned()
    }
}

#[actix_web::test]
async fn killed_crawls_and_servers_lose_nothing() {
    let seed: u64 = std::env::var("MIERU_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(rand::random);
    println!("crash test seed: {seed} (MIERU_CRASH_SEED={seed} replays it)");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);

    let site = tempfile::tempdir().unwrap();
    fast_replica(site.path());
    let replica = replica::start(ReplicaFiles::Dir(site.path().to_owned())).unwrap();
    let mirrors = replica.mirrors();

    // One reference database per backend, crawled without interruption; the interrupted
    // database of that backend is a second, fresh one.
    let mut backends: Vec<(TestDb, TestDb)> = vec![(TestDb::sqlite(), TestDb::sqlite())];
    if let Some(a) = TestDb::postgres() {
        backends.push((a, TestDb::postgres().expect("a second PostgreSQL database")));
    }
    for (reference_db, interrupted_db) in &backends {
        let backend = reference_db.backend;
        let reference = tempfile::tempdir().unwrap();
        let started = Instant::now();
        let status = crawl_cmd(reference.path(), reference_db, &mirrors)
            .status()
            .await
            .unwrap();
        let duration = started.elapsed();
        assert!(status.success());
        println!("{backend}: an uninterrupted crawl takes {duration:?}");

        let interrupted = tempfile::tempdir().unwrap();
        let mut kills = Vec::new();
        let mut attempts = 0;
        while kills.len() < KILLS {
            attempts += 1;
            assert!(
                attempts <= 3 * KILLS,
                "seed {seed}: crawls keep finishing before their kill point"
            );
            let delay = Duration::from_millis(rng.gen_range(0..duration.as_millis() as u64));
            let mut child = crawl_cmd(interrupted.path(), interrupted_db, &mirrors)
                .spawn()
                .unwrap();
            tokio::time::sleep(delay).await;
            if child.try_wait().unwrap().is_some() {
                continue; // finished first: not a crash
            }
            child.kill().await.unwrap(); // SIGKILL, then reaped
            let context = format!(
                "seed {seed}, {backend}, kill {} at {delay:?}",
                kills.len() + 1
            );
            let report = assert_check_clean(interrupted.path(), interrupted_db, &context).await;
            let notices = report
                .lines()
                .skip_while(|l| !l.starts_with("notices:"))
                .skip(1)
                .filter(|l| l.starts_with("  ") && !l.starts_with("    "))
                .map(|l| l.trim().to_owned())
                .collect::<Vec<_>>();
            kills.push((delay, notices));
        }
        for (i, (delay, notices)) in kills.iter().enumerate() {
            println!(
                "{backend}: kill {} at {delay:?}; check clean; notices {notices:?}",
                i + 1
            );
        }

        let status = crawl_cmd(interrupted.path(), interrupted_db, &mirrors)
            .status()
            .await
            .unwrap();
        assert!(
            status.success(),
            "seed {seed}: a crawl after kills takes over the dead crawler's lock"
        );
        assert_check_clean(interrupted.path(), interrupted_db, "after the final crawl").await;

        let expected = contents(&db_url(reference_db, reference.path()));
        let got = contents(&db_url(interrupted_db, interrupted.path()));
        assert!(!expected.facts.is_empty() && !expected.events.is_empty());
        assert!(!expected.entities.is_empty());
        assert_eq!(got.documents, expected.documents, "seed {seed}, {backend}");
        assert_eq!(got.snapshots, expected.snapshots, "seed {seed}, {backend}");
        assert_eq!(
            got.facts.len(),
            expected.facts.len(),
            "seed {seed}, {backend}: no duplicate or missing facts"
        );
        assert_eq!(got.facts, expected.facts, "seed {seed}, {backend}");
        assert_eq!(got.entities, expected.entities, "seed {seed}, {backend}");
        assert_eq!(got.events, expected.events, "seed {seed}, {backend}");

        kill_a_server_while_it_indexes(interrupted.path(), interrupted_db, &mut rng, seed).await;
    }
    replica.server.stop(true).await;
}

fn serve_cmd(data_dir: &Path, db: &TestDb, port: u16) -> Command {
    let mut cmd = mieru(data_dir, db);
    cmd.arg("serve")
        .arg("--addr")
        .arg(format!("127.0.0.1:{port}"));
    cmd
}

async fn search_total(port: u16, q: &str) -> Option<u64> {
    let url = format!("http://127.0.0.1:{port}/api/v1/search?q={q}");
    let response = reqwest::get(&url).await.ok()?;
    if !response.status().is_success() {
        return None;
    }
    let body: serde_json::Value = serde_json::from_str(&response.text().await.ok()?).ok()?;
    body.get("total")?.as_u64()
}

/// A server with no index builds one before it serves; killed at a random point of that
/// (or of serving), the data stays clean and the next server builds or opens its index.
async fn kill_a_server_while_it_indexes(
    data_dir: &Path,
    db: &TestDb,
    rng: &mut rand::rngs::StdRng,
    seed: u64,
) {
    let index_dir = data_dir.join("index");
    std::fs::remove_dir_all(&index_dir).unwrap();
    let port = free_port();
    let started = Instant::now();
    let mut server = serve_cmd(data_dir, db, port).spawn().unwrap();
    let ready = loop {
        if search_total(port, "クリニック")
            .await
            .is_some_and(|n| n > 0)
        {
            break started.elapsed();
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "server never answered"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    server.kill().await.unwrap();

    std::fs::remove_dir_all(&index_dir).unwrap();
    let delay = Duration::from_millis(rng.gen_range(0..ready.as_millis() as u64));
    let mut server = serve_cmd(data_dir, db, port).spawn().unwrap();
    tokio::time::sleep(delay).await;
    server.kill().await.unwrap();
    println!(
        "{}: server ready after {ready:?}; killed one at {delay:?}",
        db.backend
    );
    assert_check_clean(
        data_dir,
        db,
        &format!("seed {seed}: after killing a server"),
    )
    .await;

    let mut server = serve_cmd(data_dir, db, port).spawn().unwrap();
    let started = Instant::now();
    loop {
        if search_total(port, "クリニック")
            .await
            .is_some_and(|n| n > 0)
        {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "seed {seed}: a server restarted after a kill never answered searches"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    server.kill().await.unwrap();
}
