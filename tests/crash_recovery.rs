//! Killing `mieru crawl` mid-run and running it again leaves exactly what one uninterrupted
//! crawl leaves: no duplicate documents, snapshots, facts or events.

mod common;

use diesel::prelude::*;
use mieru::replica::{self, ReplicaFiles};
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;
use tokio::process::Command;

fn crawl_cmd(data_dir: &Path, mirrors: &[String]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mieru"));
    cmd.arg("--data-dir")
        .arg(data_dir)
        .arg("crawl")
        .arg("--rate")
        .arg("100");
    for m in mirrors {
        cmd.arg("--mirror").arg(m);
    }
    cmd.env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

/// What a crawl left, in a form two databases can be compared by.
#[derive(Debug, PartialEq, Eq)]
struct Contents {
    documents: Vec<(String, String, Option<String>)>,
    snapshots: Vec<(String, String)>,
    facts: Vec<(String, String, String, String)>,
    events: Vec<(String, String, Option<chrono::NaiveDate>)>,
}

fn contents(data_dir: &Path) -> Contents {
    use mieru::store::schema::{documents, events, facts, snapshots};
    let pool = mieru::store::connect(&data_dir.join("mieru.db").to_string_lossy(), 1).unwrap();
    let mut conn = pool.get().unwrap();
    let conn = &mut *conn;
    let mut documents: Vec<(String, String, Option<String>)> = documents::table
        .select((documents::source, documents::url, documents::current_sha256))
        .load(conn)
        .unwrap();
    documents.sort();
    let mut snapshots: Vec<(String, String)> = snapshots::table
        .inner_join(documents::table)
        .select((documents::url, snapshots::sha256))
        .load(conn)
        .unwrap();
    snapshots.sort();
    let mut facts: Vec<(String, String, String, String)> = facts::table
        .inner_join(documents::table)
        .select((
            documents::url,
            facts::subject,
            facts::property,
            facts::value,
        ))
        .load(conn)
        .unwrap();
    facts.sort();
    let mut events: Vec<(String, String, Option<chrono::NaiveDate>)> = events::table
        .select((events::kind, events::summary_en, events::event_date))
        .load(conn)
        .unwrap();
    events.sort();
    Contents {
        documents,
        snapshots,
        facts,
        events,
    }
}

#[actix_web::test]
async fn killed_crawls_leave_no_duplicates() {
    let replica = replica::start(ReplicaFiles::Bundled).unwrap();
    let mirrors = replica.mirrors();

    let reference = tempfile::tempdir().unwrap();
    let status = crawl_cmd(reference.path(), &mirrors)
        .status()
        .await
        .unwrap();
    assert!(status.success());

    let interrupted = tempfile::tempdir().unwrap();
    for delay_ms in [700u64, 2_500, 6_000] {
        let mut child = crawl_cmd(interrupted.path(), &mirrors).spawn().unwrap();
        tokio::time::sleep(Duration::from_millis(delay_ms)).await;
        child.kill().await.unwrap(); // SIGKILL, then reaped
    }
    let status = crawl_cmd(interrupted.path(), &mirrors)
        .status()
        .await
        .unwrap();
    assert!(
        status.success(),
        "a crawl after kills takes over the dead crawler's lock"
    );

    let expected = contents(reference.path());
    let got = contents(interrupted.path());
    assert!(!expected.facts.is_empty() && !expected.events.is_empty());
    assert_eq!(got.documents, expected.documents);
    assert_eq!(got.snapshots, expected.snapshots);
    assert_eq!(
        got.facts.len(),
        expected.facts.len(),
        "no duplicate or missing facts"
    );
    assert_eq!(got.facts, expected.facts);
    assert_eq!(got.events, expected.events);
    replica.server.stop(true).await;
}
