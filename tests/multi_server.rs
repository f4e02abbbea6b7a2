//! Several processes on one PostgreSQL database (PostgreSQL only: without
//! `MIERU_TEST_DATABASE_URL` the test warns and does nothing, and fails under
//! `MIERU_REQUIRE_POSTGRES=1`; each test makes its own database):
//! - a second `mieru crawl` exits non-zero naming the crawler that holds the lock;
//! - two `mieru resolve` at once are serialised by the resolve lock: no duplicate IDs;
//! - two `mieru serve`, each with its own data directory and index: a document ingested
//!   through one (admin token) is answered 202 with a job, which one of the servers' workers
//!   runs; once it is done, the document is searchable on both within 5 s.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure

mod common;

use common::{free_port, TestDb};
use diesel::prelude::*;
use mieru::ops::replica::{self, ReplicaFiles};
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::process::Command;

const NEW_CLINIC: &str = "月見坂再生医療クリニック";
const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/admin_ingest/newpage_70001.html"
);

fn mieru(data_dir: &Path, db: &TestDb) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mieru"));
    cmd.arg("--data-dir")
        .arg(data_dir)
        .arg("--database-url")
        .arg(&db.url)
        // Servers on one database share one archive, so each serves every document.
        .env(
            "MIERU_ARCHIVE_DIR",
            data_dir.parent().unwrap().join("shared-archive"),
        )
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    cmd
}

fn crawl_cmd(data_dir: &Path, db: &TestDb, mirrors: &[String]) -> Command {
    let mut cmd = mieru(data_dir, db);
    cmd.args(["crawl", "--no-resolve", "--rate", "100"]);
    for m in mirrors {
        cmd.arg("--mirror").arg(m);
    }
    cmd
}

async fn run_ok(mut cmd: Command, what: &str) -> String {
    let out = cmd.output().await.unwrap();
    assert!(
        out.status.success(),
        "{what} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn lock_holder(pool: &mieru::store::DbPool, name: &str) -> Option<String> {
    mieru::store::crawl_state::lock_holder(&mut pool.get().unwrap(), name).unwrap()
}

/// PostgreSQL only, on purpose: several servers on one database is a PostgreSQL deployment
/// (README, "Running on PostgreSQL"); the crawler lock on SQLite is `store_backends.rs`'s
/// `only_one_crawler_holds_the_lock`. Without `MIERU_TEST_DATABASE_URL` there is no SQLite half
/// to run: the test warns, naming itself, and returns; `MIERU_REQUIRE_POSTGRES=1` (CI) makes
/// that a failure.
#[actix_web::test]
async fn one_crawler_serialised_resolves_and_servers_in_step() {
    let Some(db) = TestDb::postgres() else {
        return;
    };
    let pool = db.pool();
    let replica = replica::start(ReplicaFiles::Bundled).unwrap();
    let mirrors = replica.mirrors();
    let dir_a = tempfile::tempdir().unwrap();
    let dir_b = tempfile::tempdir().unwrap();

    // 1. Only one crawler: a second one, started while the first holds the lock, exits
    //    non-zero and names the holder.
    let first = crawl_cmd(dir_a.path(), &db, &mirrors).spawn().unwrap();
    let first_pid = first.id().unwrap();
    let started = Instant::now();
    let holder = loop {
        if let Some(h) = lock_holder(&pool, "crawler") {
            break h;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the crawler never took the lock"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(
        holder.starts_with(&format!("pid {first_pid} on ")),
        "{holder}"
    );
    let second = crawl_cmd(dir_b.path(), &db, &mirrors)
        .output()
        .await
        .unwrap();
    assert!(!second.status.success(), "a second crawler must not run");
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(
        stderr.contains(&format!("another crawler ({holder}) holds the lock"))
            && stderr.contains("only one crawl may run at a time"),
        "{stderr}"
    );
    let first = first.wait_with_output().await.unwrap();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert_eq!(
        lock_holder(&pool, "crawler"),
        None,
        "released after the crawl"
    );

    // 2. Two resolves at once (two processes, as two servers would): the resolve lock makes
    //    the second wait, so IDs are handed out once — every entity has members, no orphan
    //    of a resolve that lost a race.
    let a = mieru(dir_a.path(), &db).arg("resolve").spawn().unwrap();
    let b = mieru(dir_b.path(), &db).arg("resolve").spawn().unwrap();
    let (a, b) = (
        a.wait_with_output().await.unwrap(),
        b.wait_with_output().await.unwrap(),
    );
    for out in [&a, &b] {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    {
        use mieru::store::schema::{entities, entity_members};
        let mut conn = pool.get().unwrap();
        let orphans: Vec<String> = entities::table
            .filter(entities::merged_into.is_null())
            // Plans are keyed by their public number and have no member rows.
            .filter(entities::kind.ne("plan"))
            .filter(diesel::dsl::not(diesel::dsl::exists(
                entity_members::table.filter(entity_members::entity_id.eq(entities::id)),
            )))
            .select(entities::id)
            .load(&mut *conn)
            .unwrap();
        assert!(orphans.is_empty(), "entities without members: {orphans:?}");
        let count: i64 = entities::table.count().get_result(&mut *conn).unwrap();
        assert!(count > 20, "{count}");
    }
    assert_eq!(
        lock_holder(&pool, "resolve"),
        None,
        "released after the resolves"
    );
    let check = run_ok(
        {
            let mut c = mieru(dir_a.path(), &db);
            c.arg("check");
            c
        },
        "check",
    )
    .await;
    assert!(check.contains("result: clean"), "{check}");

    // 3. Two servers, each with its own data directory and index, on the one database.
    let token = |role: &'static str, name: &'static str| {
        let mut c = mieru(dir_a.path(), &db);
        c.args(["curator", "add", name, "--role", role]);
        async move {
            let out = run_ok(c, "curator add").await;
            out.lines()
                .find(|l| l.starts_with("mieru_"))
                .unwrap_or_else(|| panic!("no token printed: {out}"))
                .to_owned()
        }
    };
    let admin = token("admin", "ops").await;
    let curator = token("curator", "reviewer").await;

    let (port_a, port_b) = (free_port(), free_port());
    let _server_a = serve(dir_a.path(), &db, port_a);
    let _server_b = serve(dir_b.path(), &db, port_b);
    let http = reqwest::Client::new();
    for port in [port_a, port_b] {
        wait_until(Duration::from_secs(60), || async {
            search(&http, port, "銀座アオバ")
                .await
                .is_some_and(|(n, _)| n > 0)
        })
        .await
        .unwrap_or_else(|| panic!("server on {port} never answered a search"));
    }
    assert_eq!(
        search(&http, port_b, NEW_CLINIC).await.map(|(n, _)| n),
        Some(0),
        "not there before the ingest"
    );

    let ingest_url = format!(
        "http://127.0.0.1:{port_a}/api/v1/admin/ingest?source=mhlw-press&filename=newpage_70001.html"
    );
    let bytes = std::fs::read(FIXTURE).unwrap();
    let post = |token: Option<&str>, body: Vec<u8>| {
        let mut req = http.post(&ingest_url).body(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send()
    };
    assert_eq!(post(None, bytes.clone()).await.unwrap().status(), 401);
    assert_eq!(
        post(Some(&curator), bytes.clone()).await.unwrap().status(),
        403
    );
    assert_eq!(
        post(Some(&admin), vec![b' '; 21 * 1024 * 1024])
            .await
            .unwrap()
            .status(),
        413
    );

    let sent = Instant::now();
    let response = post(Some(&admin), bytes.clone()).await.unwrap();
    let answered = Instant::now();
    let status = response.status();
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body: serde_json::Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    // Archived and recorded before the answer; resolved and indexed by a job afterwards.
    assert_eq!(status, 202, "{body}");
    assert!(body["facts_added"].as_u64().unwrap() > 0, "{body}");
    assert_eq!(body["parse_error"], serde_json::Value::Null, "{body}");
    let job_url = body["job"]["url"].as_str().unwrap().to_owned();
    assert_eq!(location.as_deref(), Some(job_url.as_str()));
    // Either server's worker may run it (the resolve lock lets one do so); both show it.
    let job_of = |port: u16| {
        let request = http
            .get(format!("http://127.0.0.1:{port}{job_url}"))
            .bearer_auth(&admin);
        async move {
            let job: serde_json::Value =
                serde_json::from_str(&request.send().await.ok()?.text().await.ok()?).ok()?;
            Some(job)
        }
    };
    wait_until(Duration::from_secs(120), || async {
        job_of(port_a)
            .await
            .is_some_and(|j| j["status"] == "done" || j["status"] == "failed")
    })
    .await
    .expect("the ingest's job never finished");
    let done = Instant::now();
    let job = job_of(port_b).await.unwrap();
    assert_eq!(job["status"], "done", "{job}");
    assert_eq!(job["cause"], "ingest");
    assert!(job["data_version"].as_i64().is_some(), "{job}");

    for port in [port_a, port_b] {
        let found = wait_until(Duration::from_secs(10), || async {
            search(&http, port, NEW_CLINIC)
                .await
                .is_some_and(|(n, _)| n > 0)
        })
        .await;
        assert!(found.is_some(), "never searchable on the server on {port}");
    }
    let seen = Instant::now();
    let after_job = seen - done;
    println!(
        "ingest through A answered in {:?}; its job done {:?} later; searchable on both {:?} after that",
        answered - sent,
        done - answered,
        after_job
    );
    assert!(
        after_job < Duration::from_secs(5),
        "searchable on both only {after_job:?} after the job"
    );
    let (_, entities) = search(&http, port_b, NEW_CLINIC).await.unwrap();
    assert!(
        entities.iter().any(|e| e == "action") && entities.iter().any(|e| e == "facility"),
        "the new action and its clinic: {entities:?}"
    );
    // The other server serves the archived bytes of the document ingested through A.
    let sha = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(&bytes))
    };
    let archived = http
        .get(format!("http://127.0.0.1:{port_b}/api/v1/documents/{sha}"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        archived.status(),
        200,
        "B serves the document ingested through A"
    );
    assert_eq!(archived.bytes().await.unwrap().as_ref(), &bytes[..]);
    // The ingest is audited under the admin's name.
    {
        use mieru::store::schema::audit_log;
        let mut conn = pool.get().unwrap();
        let audited: i64 = audit_log::table
            .filter(audit_log::actor.eq("ops"))
            .filter(audit_log::action.eq("ingest"))
            .count()
            .get_result(&mut *conn)
            .unwrap();
        assert_eq!(audited, 1);
    }
    replica.server.stop(true).await;
}

/// A `mieru serve` process, killed when dropped.
fn serve(data_dir: &Path, db: &TestDb, port: u16) -> tokio::process::Child {
    let mut cmd = mieru(data_dir, db);
    cmd.args(["serve", "--addr", &format!("127.0.0.1:{port}")])
        .env("MIERU_INDEX_POLL_MS", "1000")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd.spawn().unwrap()
}

/// Total hits and the kinds of the hits of `/api/v1/search?q=…`, or `None` while the server
/// does not answer.
async fn search(http: &reqwest::Client, port: u16, q: &str) -> Option<(u64, Vec<String>)> {
    let response = http
        .get(format!("http://127.0.0.1:{port}/api/v1/search"))
        .query(&[("q", q)])
        .send()
        .await
        .ok()?;
    if !response.status().is_success() {
        return None;
    }
    let body: serde_json::Value = serde_json::from_str(&response.text().await.ok()?).ok()?;
    let kinds = body
        .get("hits")?
        .as_array()?
        .iter()
        .filter_map(|h| h.get("entity")?.as_str().map(str::to_owned))
        .collect();
    Some((body.get("total")?.as_u64()?, kinds))
}

async fn wait_until<F, Fut>(limit: Duration, mut ready: F) -> Option<Duration>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    while started.elapsed() < limit {
        if ready().await {
            return Some(started.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    None
}
