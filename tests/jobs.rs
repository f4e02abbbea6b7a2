//! Curation writes answer at once and leave the resolve to a background job, on every
//! backend: a judgement is answered `202 Accepted` with the job's URL while no worker runs
//! (the job waits, queued, in the database), a worker started later runs it, and afterwards
//! the record shows the judgement. A job whose refresh fails says `failed` with the error, and
//! the next job, once the cause is gone, shows the change.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure

mod common;

use actix_web::http::header;
use actix_web::test::{self, TestRequest};
use common::TestDb;
use diesel::RunQueryDsl;
use mieru::app::Mieru;
use mieru::ops::eval;
use mieru_web::curation::Role;
use serde_json::Value;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn eval_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("eval")
}

#[actix_web::test]
async fn judgements_are_answered_at_once_and_applied_by_the_job() {
    let (docs, _) = eval::load(&eval_dir()).expect("eval set");
    for db in TestDb::all() {
        let data = tempfile::tempdir().expect("temp dir");
        let app = Mieru::open(data.path(), db.database_url()).expect("open");
        eval::ingest(&app, &eval_dir(), &docs).expect("ingest");
        let index = Arc::new(app.open_index().expect("index"));
        app.resolve_and_index(&index).expect("resolve");
        scenario(&app, index, db.backend).await;
    }
}

/// Renames a table, so that a refresh fails (or works again).
fn rename(app: &Mieru, from: &str, to: &str) {
    let mut conn = app.pool.get().expect("conn");
    diesel::sql_query(format!("ALTER TABLE {from} RENAME TO {to}"))
        .execute(&mut *conn)
        .expect("rename");
}

async fn scenario(app: &Mieru, index: Arc<mieru::search::SearchIndex>, backend: &str) {
    let token = {
        let mut conn = app.pool.get().expect("conn");
        mieru::curation::add_curator(&mut conn, "tanaka", Role::Curator, "test").expect("curator")
    };
    let bearer = format!("Bearer {token}");
    let (a, b) = common::possible_facility_link(app);
    let registry = Arc::new(app.registry(index.clone()));
    let state = mieru_web::AppState {
        registry: registry.clone(),
        site: mieru_web::SiteConfig::default(),
    };
    let web = test::init_service(common::web_app(state)).await;
    macro_rules! call {
        ($req:expr) => {{
            let res = test::call_service(&web, $req.to_request()).await;
            let status = res.status().as_u16();
            let headers = res.headers().clone();
            let body = test::read_body(res).await;
            let json: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            (status, headers, json)
        }};
    }
    // Polls a job's URL until it is done or failed (two minutes at most), and yields it.
    macro_rules! wait_for_job {
        ($url:expr) => {{
            let started = Instant::now();
            loop {
                let (s, _, job) = call!(TestRequest::get()
                    .uri($url)
                    .insert_header((header::AUTHORIZATION, bearer.clone())));
                assert_eq!(s, 200, "{backend}: {job}");
                if job["status"] == "done" || job["status"] == "failed" {
                    break job;
                }
                assert!(
                    started.elapsed() < Duration::from_secs(120),
                    "{backend}: the job is still {job}"
                );
                actix_web::rt::time::sleep(Duration::from_millis(50)).await;
            }
        }};
    }
    let post = |uri: &str, body: String| {
        TestRequest::post()
            .uri(uri)
            .insert_header((header::CONTENT_TYPE, "application/json"))
            .insert_header((header::AUTHORIZATION, bearer.clone()))
            .set_payload(body)
    };
    let get = |uri: &str| {
        TestRequest::get()
            .uri(uri)
            .insert_header((header::AUTHORIZATION, bearer.clone()))
    };
    let linked = |facility: &Value| {
        facility["links"]
            .as_array()
            .expect("links")
            .iter()
            .any(|l| l["other"]["id"] == b.as_str())
    };
    let facility_path = format!("/api/v1/facilities/{a}");
    let (s, _, before) = call!(TestRequest::get().uri(&facility_path));
    assert_eq!(s, 200, "{backend}: {before}");
    assert!(linked(&before), "{backend}: {a} links {b} before");

    // No worker runs yet: the judgement is recorded and answered, its job waits, queued.
    let sent = Instant::now();
    let (s, h, recorded) = call!(post(
        "/api/v1/curation/judgements",
        format!(r#"{{"left":"{a}","right":"{b}","verdict":"different","reason":"別の建物"}}"#)
    ));
    let answered_in = sent.elapsed();
    assert_eq!(s, 202, "{backend}: {recorded}");
    assert_eq!(recorded["verdict"], "different");
    assert_eq!(recorded["author"], "tanaka");
    assert_eq!(recorded["job"]["status"], "queued");
    let job_url = h
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .expect("Location")
        .to_owned();
    assert_eq!(recorded["job"]["url"], job_url.as_str());
    assert!(
        answered_in < Duration::from_secs(5),
        "{backend}: answered in {answered_in:?}"
    );
    actix_web::rt::time::sleep(Duration::from_millis(300)).await;
    let (s, _, queued) = call!(get(&job_url));
    assert_eq!(s, 200, "{backend}: {queued}");
    assert_eq!(queued["status"], "queued", "{backend}: nothing runs it yet");
    assert_eq!(queued["progress"]["step"], 0);
    assert_eq!(queued["cause"], "judgement.record");
    assert_eq!(queued["requested_by"], "tanaka");
    let (_, _, still) = call!(TestRequest::get().uri(&facility_path));
    assert!(linked(&still), "{backend}: not applied before its job runs");

    // A worker (as `mieru serve` starts one) finds it in the database and runs it.
    let worker = app.start_job_worker(&registry, index.clone());
    let started = Instant::now();
    let done = wait_for_job!(&job_url);
    let ran_in = started.elapsed();
    println!("{backend}: judgement answered in {answered_in:?}; its job done {ran_in:?} later");
    assert_eq!(done["status"], "done", "{backend}: {done}");
    assert_eq!(done["progress"]["message"], "done");
    assert_eq!(done["progress"]["step"], done["progress"]["steps"]);
    let version = done["data_version"].as_i64().expect("a data version");
    assert!(done["summary"]["resolve"]["facilities"].as_u64() > Some(0));
    assert_eq!(index.data_version().expect("version"), Some(version));
    assert!(done["started_at"].is_string() && done["finished_at"].is_string());
    let (_, _, after) = call!(TestRequest::get().uri(&facility_path));
    assert!(!linked(&after), "{backend}: the judgement removed the link");
    assert_eq!(after["citation"]["data_version"], version);

    // A refresh that fails (its table gone) fails its job, with the error.
    rename(app, "data_versions", "data_versions_away");
    let note = |text: &str| {
        format!(r#"{{"kind":"note","entity_id":"{a}","text":"{text}","reason":"確認"}}"#)
    };
    let (s, _, annotated) = call!(post("/api/v1/curation/annotations", note("一つ目")));
    assert_eq!(s, 202, "{backend}: {annotated}");
    let failing_url = annotated["job"]["url"]
        .as_str()
        .expect("job url")
        .to_owned();
    let failed = wait_for_job!(&failing_url);
    assert_eq!(failed["status"], "failed", "{backend}: {failed}");
    assert!(
        failed["error"]
            .as_str()
            .is_some_and(|e| e.contains("data_versions")),
        "{backend}: {failed}"
    );
    assert_eq!(failed["progress"]["message"], "resolving");
    assert!(failed["data_version"].is_null());

    // With the cause gone, the next job shows both notes.
    rename(app, "data_versions_away", "data_versions");
    let (s, _, annotated) = call!(post("/api/v1/curation/annotations", note("二つ目")));
    assert_eq!(s, 202, "{backend}: {annotated}");
    let next_url = annotated["job"]["url"]
        .as_str()
        .expect("job url")
        .to_owned();
    let next = wait_for_job!(&next_url);
    assert_eq!(next["status"], "done", "{backend}: {next}");
    let (_, _, noted) = call!(TestRequest::get().uri(&facility_path));
    let events = noted["events"].to_string();
    assert!(
        events.contains("一つ目") && events.contains("二つ目"),
        "{backend}: {events}"
    );

    // Unknown and malformed job IDs.
    let (s, _, missing) = call!(get("/api/v1/jobs/999999"));
    assert_eq!(
        (s, &missing["error"]["code"]),
        (404, &Value::from("not_found"))
    );
    let (s, _, malformed) = call!(get("/api/v1/jobs/x1"));
    assert_eq!(
        (s, &malformed["error"]["code"]),
        (400, &Value::from("invalid_id"))
    );
    worker.stop();
}
