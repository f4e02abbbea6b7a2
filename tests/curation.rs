//! Curation on every backend: tokens stored only as hashes, every change audited, corrections
//! that change links through judgements, hidden facts left out of records but kept in
//! `facts`, and the histories telling each correction with its reason. Then the same end to
//! end over HTTP with the real registry on the bundled replica: the no-JavaScript form, the
//! public log, 401 without credentials, and no token in any log line.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure

mod common;

use actix_web::http::header;
use actix_web::test::{self, TestRequest};
use actix_web::web::Bytes;
use common::{fast, TestDb};
use mieru::app::Mieru;
use mieru::curation::{self, corrections, ops, CurationError};
use mieru::ops::eval;
use mieru::pipeline::{jobs, refresh};
use mieru::search::SearchIndex;
use mieru::store::{self, DbConnection, DbPool};
use mieru_web::curation::{
    CorrectionKind, CuratorInfo, Decision, NewCorrection, Refusal, Role, Verdict,
};
use serde_json::Value;
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

fn eval_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("eval")
}

fn decision(verdict: Verdict, reason: &str) -> Decision {
    Decision {
        decision: verdict,
        reason: reason.into(),
        verdict: None,
        fact_id: None,
        text: None,
    }
}

fn report(kind: CorrectionKind, entity: &str, other: Option<&str>, message: &str) -> NewCorrection {
    NewCorrection {
        kind,
        entity_id: entity.into(),
        other_id: other.map(str::to_owned),
        fact_id: None,
        message: message.into(),
    }
}

/// The stored record of an entity, as JSON.
fn record(conn: &mut DbConnection, id: &str) -> Value {
    let v = store::read_models::entity_view(conn, id)
        .expect("view")
        .unwrap_or_else(|| panic!("no record {id}"));
    let d = mieru::pipeline::project::stored::decode_facility(&v.detail).expect("stored record");
    serde_json::to_value(d).expect("json")
}

fn correction_events(rec: &Value) -> Vec<String> {
    rec["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["kind"] == "correction")
        .map(|e| format!("{} | {}", e["summary_ja"], e["summary_en"]))
        .collect()
}

fn linked(conn: &mut DbConnection, a: &str, b: &str) -> bool {
    store::entities::all_links(conn)
        .expect("links")
        .iter()
        .any(|l| (l.from_id == a && l.to_id == b) || (l.from_id == b && l.to_id == a))
}

fn refused(r: Result<impl Sized, CurationError>) -> Refusal {
    match r {
        Err(CurationError::Refused(refusal)) => refusal,
        Err(e) => panic!("storage error instead of a refusal: {e}"),
        Ok(_) => panic!("accepted what should be refused"),
    }
}

/// Runs the refresh jobs the changes so far queued, as a server's worker does after answering.
fn run_jobs(pool: &DbPool) {
    let index = SearchIndex::in_memory().expect("index");
    let run = jobs::run_queued(pool, &index, std::time::Duration::from_secs(60))
        .expect("jobs")
        .expect("a queued job");
    run.outcome.expect("refreshed");
}

/// The code of a refusal as invalid; a failure for any other answer.
fn invalid_code(r: Result<impl Sized, CurationError>) -> &'static str {
    match refused(r) {
        Refusal::Invalid { code, .. } => code,
        other => panic!("refused, but not as invalid: {other:?}"),
    }
}

#[test]
fn curation_on_every_backend() {
    let (docs, _) = eval::load(&eval_dir()).expect("eval set");
    for db in TestDb::all() {
        let data = tempfile::tempdir().expect("temp dir");
        let app = Mieru::open(data.path(), Some(&db.url)).expect("open");
        let mut conn = app.pool.get().expect("conn");
        eval::ingest(&app, &eval_dir(), &docs).expect("ingest");
        refresh::run(&mut conn).expect("resolve");
        curation_scenario(&app.pool, &mut conn, db.backend);
    }
}

fn curation_scenario(pool: &DbPool, conn: &mut DbConnection, backend: &str) {
    // Tokens: shown once, stored as SHA-256 only, revocable.
    let token = curation::add_curator(conn, "yamada", Role::Curator, "test").expect("add");
    let admin_token = curation::add_curator(conn, "sato", Role::Admin, "test").expect("add admin");
    assert!(token.starts_with("mieru_") && token != admin_token);
    let rows = store::curation::all_curators(conn).expect("curators");
    assert_eq!(rows.len(), 2);
    for r in &rows {
        assert_eq!(r.token_sha256.len(), 64);
        assert!(!r.token_sha256.contains(&token) && !r.token_sha256.contains(&admin_token));
    }
    assert_eq!(
        rows.iter()
            .find(|r| r.name == "yamada")
            .map(|r| r.token_sha256.clone()),
        Some(curation::token_sha256(&token))
    );
    let yamada = curation::authenticate(conn, &token)
        .expect("auth")
        .expect("valid");
    let decide = |conn: &mut DbConnection, id: &str, verdict: Verdict, reason: &str| {
        corrections::decide(conn, id, &decision(verdict, reason), &yamada)
    };
    assert_eq!(
        yamada,
        CuratorInfo {
            name: "yamada".into(),
            role: Role::Curator
        }
    );
    assert_eq!(
        curation::authenticate(conn, &admin_token)
            .expect("auth")
            .map(|c| c.role),
        Some(Role::Admin)
    );
    assert!(curation::authenticate(conn, "mieru_0000")
        .expect("auth")
        .is_none());
    let truncated: String = token.chars().take(token.len() - 1).collect();
    assert!(curation::authenticate(conn, &truncated)
        .expect("auth")
        .is_none());
    assert!(matches!(
        refused(curation::add_curator(conn, "yamada", Role::Admin, "test")),
        Refusal::Conflict(_)
    ));

    // A possible link between two facilities, to be reported wrong.
    let possible = store::entities::all_links(conn)
        .expect("links")
        .into_iter()
        .find(|l| l.kind.starts_with("possible"))
        .expect("the eval set has possible links");
    let (a, b) = (possible.from_id.clone(), possible.to_id.clone());

    // Reports are checked before they are filed.
    assert_eq!(
        refused(corrections::submit(
            conn,
            &report(CorrectionKind::WrongLink, "F999999", Some(&b), "x")
        )),
        Refusal::invalid("unknown_entity", "no record with ID F999999")
    );
    let too_long = "長".repeat(2001);
    for (kind, message, code) in [
        (CorrectionKind::WrongLink, "x", "missing_other"),
        (CorrectionKind::Outdated, "   ", "empty_text"),
        (CorrectionKind::Outdated, too_long.as_str(), "too_long"),
    ] {
        let submitted = corrections::submit(conn, &report(kind, &a, None, message));
        assert_eq!(invalid_code(submitted), code);
    }

    let wrong_link = report(
        CorrectionKind::WrongLink,
        &a,
        Some(&b),
        "二つは別の診療所です（所在地の建物が違う）",
    );
    let filed = corrections::submit(conn, &wrong_link).expect("submit");
    assert_eq!(filed.id, "R-000001");
    assert_eq!(filed.status, "open");
    // The same report again is the same report, not a copy in the public log.
    let again = corrections::submit(conn, &wrong_link).expect("submit again");
    assert_eq!(again.id, "R-000001");
    assert_eq!(
        corrections::list(conn, None, None, 10).expect("log").len(),
        1
    );
    let log = corrections::list(conn, None, None, 10).expect("log");
    assert_eq!(log.first().map(|c| c.id.as_str()), Some("R-000001"));

    // Accepting it records a `different` judgement and queues a refresh: once it has run, the
    // link is gone.
    assert!(linked(conn, &a, &b), "{backend}: linked before");
    let applied =
        decide(conn, &filed.id, Verdict::Accept, "現地確認で別施設と判明").expect("decide");
    let job = applied.job.as_ref().expect("a refresh job");
    assert_eq!(
        (job.status.as_str(), job.cause.as_str()),
        ("queued", "correction.accept")
    );
    assert_eq!(job.target, "R-000001");
    assert!(
        linked(conn, &a, &b),
        "{backend}: the link stays until the job runs"
    );
    run_jobs(pool);
    assert_eq!(applied.value.status, "accepted");
    assert_eq!(applied.value.decided_by.as_deref(), Some("yamada"));
    assert_eq!(
        applied.value.outcome.as_deref(),
        Some("judgement:different")
    );
    assert!(
        !linked(conn, &a, &b),
        "{backend}: the accepted correction removed the link"
    );
    let notes = store::curation::judgement_notes(conn).expect("judgements");
    assert!(notes
        .iter()
        .any(|j| j.verdict == "different" && j.correction_id.as_deref() == Some("R-000001")));
    // Decided once.
    assert!(matches!(
        refused(decide(conn, &filed.id, Verdict::Reject, "again")),
        Refusal::Conflict(_)
    ));
    // Both histories tell the correction, with the reason and the curator.
    for id in [&a, &b] {
        let events = correction_events(&record(conn, id));
        assert!(
            events.iter().any(|e| e.contains("訂正 R-000001")
                && e.contains("理由: 現地確認で別施設と判明")
                && e.contains("yamada")
                && e.contains("Reason: 現地確認で別施設と判明")),
            "{backend} {id}: {events:?}"
        );
    }

    // A wrong fact: hidden from the record pending review, kept in `facts`.
    let rec = record(conn, &a);
    let address = rec["addresses"][0]["value"]
        .as_str()
        .expect("an address")
        .to_owned();
    let members = store::entities::members_of(conn, &a).expect("members");
    let fact = store::facts::all(conn)
        .expect("facts")
        .into_iter()
        .filter(|f| members.contains(&f.subject) && f.property == "address")
        .collect::<Vec<_>>();
    assert!(!fact.is_empty());
    let hide_ids: Vec<i64> = fact.iter().map(|f| f.id).collect();
    let wrong = corrections::submit(
        conn,
        &NewCorrection {
            fact_id: hide_ids.first().copied(),
            ..report(CorrectionKind::WrongFact, &a, None, "所在地が違います")
        },
    )
    .expect("submit wrong fact");
    let accepted =
        decide(conn, &wrong.id, Verdict::Accept, "公表元に照会中").expect("accept wrong fact");
    assert!(accepted
        .value
        .outcome
        .as_deref()
        .is_some_and(|o| o.starts_with("annotation:") && o.ends_with(":hide_fact")));
    // Every statement of that address goes (the others directly, as a curator may).
    let mut direct = Vec::new();
    for id in hide_ids.iter().skip(1) {
        direct.push(
            ops::hide_fact(conn, *id, "同じ住所の別の記載", &yamada)
                .expect("hide")
                .value,
        );
    }
    run_jobs(pool);
    let hidden_rec = record(conn, &a);
    assert_eq!(
        hidden_rec["addresses"].as_array().map(Vec::len),
        Some(0),
        "{backend}: hidden address still shown: {}",
        hidden_rec["addresses"]
    );
    let stored: Vec<i64> = store::facts::all(conn)
        .expect("facts")
        .iter()
        .map(|f| f.id)
        .collect();
    assert!(
        hide_ids.iter().all(|id| stored.contains(id)),
        "facts stay stored"
    );
    let events = correction_events(&hidden_rec);
    assert!(
        events
            .iter()
            .any(|e| e.contains(&wrong.id) && e.contains("公表元に照会中")),
        "{events:?}"
    );
    assert!(matches!(
        refused(ops::hide_fact(conn, hide_ids[0], "twice", &yamada)),
        Refusal::Conflict(_)
    ));
    // Unhiding brings it back (and says so in the history).
    for id in &hide_ids {
        ops::unhide(conn, *id, "照会の結果、正しかった", &yamada).expect("unhide");
    }
    run_jobs(pool);
    let back = record(conn, &a);
    assert_eq!(
        back["addresses"][0]["value"].as_str(),
        Some(address.as_str()),
        "{backend}: unhidden"
    );
    assert!(correction_events(&back)
        .iter()
        .any(|e| e.contains("取り下げ") && e.contains("照会の結果、正しかった")));

    // Outdated: an annotation; rejected: nothing changes but the report.
    let outdated = corrections::submit(
        conn,
        &report(CorrectionKind::Outdated, &b, None, "2025年に閉院しています"),
    )
    .expect("submit outdated");
    decide(conn, &outdated.id, Verdict::Accept, "閉院の届出を確認").expect("accept outdated");
    run_jobs(pool);
    assert!(correction_events(&record(conn, &b))
        .iter()
        .any(|e| e.contains("2025年に閉院しています") && e.contains("閉院の届出を確認")));
    let spam = corrections::submit(conn, &report(CorrectionKind::Outdated, &b, None, "spam"))
        .expect("submit");
    let rejected = decide(conn, &spam.id, Verdict::Reject, "根拠なし").expect("reject");
    assert!(rejected.job.is_none(), "a rejection changes no record");
    assert_eq!(rejected.value.status, "rejected");
    assert_eq!(
        corrections::list(conn, None, Some("open"), 50)
            .expect("open")
            .len(),
        0
    );

    // A direct judgement shows in the history as a human judgement.
    ops::judge(
        conn,
        &mieru_web::curation::JudgementRequest {
            left: a.clone(),
            right: b.clone(),
            verdict: "successor".into(),
            reason: "登記で承継を確認".into(),
        },
        &yamada,
    )
    .expect("judge");
    run_jobs(pool);
    assert!(correction_events(&record(conn, &b))
        .iter()
        .any(|e| e.contains("人による判断")
            && e.contains("前身")
            && e.contains("登記で承継を確認")));

    // `mieru resolve judge` is audited too.
    ops::judge_from_cli(
        conn,
        &a,
        &b,
        mieru::pipeline::resolve::review::Verdict::Successor,
        "tester",
        "登記で承継を再確認",
    )
    .expect("cli judge");

    // Every change is in the audit log, with who and why; no token anywhere in it.
    let audit = store::curation::audit_page(conn, None, 500).expect("audit");
    let actions: Vec<&str> = audit.iter().map(|a| a.action.as_str()).collect();
    for wanted in [
        "curator.add",
        "correction.accept",
        "correction.reject",
        "annotation.add",
        "annotation.withdraw",
        "judgement.record",
    ] {
        assert!(
            actions.contains(&wanted),
            "{backend}: {wanted} not audited: {actions:?}"
        );
    }
    assert!(audit
        .iter()
        .any(|e| e.actor == "cli:tester" && e.reason == "登記で承継を再確認"));
    assert!(audit.iter().any(|e| e.action == "correction.accept"
        && e.target == "R-000001"
        && e.actor == "yamada"
        && e.reason == "現地確認で別施設と判明"));
    for e in &audit {
        for field in [&e.detail, &e.target, &e.reason, &e.actor] {
            assert!(!field.contains(&token) && !field.contains(&admin_token));
        }
    }

    // Revoked tokens stop working at once.
    curation::revoke_curator(conn, "yamada", "test", "left the project").expect("revoke");
    assert!(curation::authenticate(conn, &token)
        .expect("auth")
        .is_none());
    assert!(matches!(
        refused(curation::revoke_curator(conn, "yamada", "test", "again")),
        Refusal::Conflict(_)
    ));
}

// ---- over HTTP, with the real registry on the replica ----

/// A GET of `uri`, with the `Authorization` header `auth` when given.
fn get_as(uri: &str, auth: Option<&str>) -> TestRequest {
    let req = TestRequest::get().uri(uri);
    match auth {
        Some(v) => req.insert_header((header::AUTHORIZATION, v)),
        None => req,
    }
}

/// A POST of the JSON `body` to `uri`, with the `Authorization` header `auth` when given.
fn post_json(uri: &str, auth: Option<&str>, body: impl Into<Bytes>) -> TestRequest {
    let req = TestRequest::post()
        .uri(uri)
        .insert_header((header::CONTENT_TYPE, "application/json"))
        .set_payload(body);
    match auth {
        Some(v) => req.insert_header((header::AUTHORIZATION, v)),
        None => req,
    }
}

/// A POST of the form `body` (urlencoded) to `uri`.
fn post_form(uri: &str, body: impl Into<Bytes>) -> TestRequest {
    TestRequest::post()
        .uri(uri)
        .insert_header((header::CONTENT_TYPE, "application/x-www-form-urlencoded"))
        .set_payload(body)
}

/// Every log line of this test binary, at every level.
fn captured_logs() -> &'static Arc<Mutex<Vec<u8>>> {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let buf = Arc::new(Mutex::new(Vec::new()));
        let writer = Capture(buf.clone());
        // Everything the server side may log, at every level; the test's own HTTP client
        // (hyper, reqwest) is left out: its lines are not the server's.
        let filter = tracing_subscriber::EnvFilter::new(
            "trace,hyper=off,hyper_util=off,reqwest=off,h2=off,rustls=off,tantivy=info",
        );
        let subscriber = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        let _ = tracing::subscriber::set_global_default(subscriber);
        buf
    })
}

#[derive(Clone)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut b) = self.0.lock() {
            b.extend_from_slice(data);
        }
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[actix_web::test]
async fn corrections_end_to_end_over_http() {
    let logs = captured_logs();
    common::on_every_backend(async |url, backend| end_to_end(url, backend, logs).await).await;
}

async fn end_to_end(database_url: Option<&str>, backend: &str, logs: &Arc<Mutex<Vec<u8>>>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = Mieru::open(dir.path(), database_url).expect("open");
    let replica =
        mieru::ops::replica::start(mieru::ops::replica::ReplicaFiles::Bundled).expect("replica");
    app.crawl_with(&[], &replica.mirrors(), &fast(), &common::every_source())
        .await
        .expect("crawl");
    replica.server.stop(true).await;
    let index = Arc::new(app.open_index().expect("index"));
    app.resolve_and_index(&index).expect("resolve");
    let (token, admin_token) = {
        let mut conn = app.pool.get().expect("conn");
        (
            curation::add_curator(&mut conn, "tanaka", Role::Curator, "test").expect("curator"),
            curation::add_curator(&mut conn, "root", Role::Admin, "test").expect("admin"),
        )
    };
    // A facility with a possible link, as the API shows it.
    let (a, b) = common::possible_facility_link(&app);

    let registry = Arc::new(app.registry(index.clone()));
    // As `mieru serve` does: a worker runs the jobs the registry's writes queue.
    let worker = app.start_job_worker(&registry, index.clone());
    let state = mieru_web::AppState {
        registry,
        site: mieru_web::SiteConfig::default(),
    };
    let web = test::init_service(common::web_app(state)).await;
    macro_rules! call {
        ($req:expr) => {{
            let res = test::call_service(&web, $req.to_request()).await;
            let status = res.status().as_u16();
            let headers = res.headers().clone();
            let body = test::read_body(res).await;
            (status, headers, String::from_utf8_lossy(&body).into_owned())
        }};
    }
    let facility_json = |body: &str| -> Value { serde_json::from_str(body).expect("json") };
    let (s, _, body) = call!(TestRequest::get().uri(&format!("/api/v1/facilities/{a}")));
    assert_eq!(s, 200);
    assert!(
        body.contains(&format!("\"{b}\"")),
        "{backend}: {a} links {b} before"
    );

    // The report link on the facility page leads to a form that works without JavaScript.
    let (s, _, page) = call!(TestRequest::get().uri(&format!("/facilities/{a}")));
    assert_eq!(s, 200);
    assert!(page.contains(&format!("/corrections/new?entity={a}")) && page.contains("誤りを報告"));
    let (s, _, form) = call!(TestRequest::get().uri(&format!("/corrections/new?entity={a}")));
    assert_eq!(s, 200);
    assert!(form.contains("method=\"post\" action=\"/corrections\""));
    assert!(form.contains(&format!("value=\"{a}\"")));
    let (_, _, form_en) =
        call!(TestRequest::get().uri(&format!("/corrections/new?entity={a}&lang=en")));
    assert!(form_en.contains("Report an error"));

    // A refused submission gets the form back with the reason; the honeypot drops bots.
    let (s, _, again) = call!(post_form(
        "/corrections",
        format!("entity={a}&kind=wrong_link&other=&message=x")
    ));
    assert_eq!(s, 400);
    assert!(again.contains("もう一方の記録の ID"), "{again}");
    let (s, _, _) = call!(post_form(
        "/corrections",
        format!("entity={a}&kind=outdated&message=buy&website=http%3A%2F%2Fspam")
    ));
    assert_eq!(s, 400);

    // The form: urlencoded POST → 303 to the report.
    let message = "別の施設です。所在地の建物が異なります <script>x</script>";
    let payload = format!(
        "entity={a}&kind=wrong_link&other={b}&message={}&website=",
        mieru_web::urls::encode(message)
    );
    let (s, h, _) = call!(post_form("/corrections", payload));
    assert_eq!(s, 303, "{backend}");
    let location = h
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .expect("location")
        .to_owned();
    assert_eq!(location, "/corrections/R-000001?filed=1");
    let (s, _, page) = call!(TestRequest::get().uri(&location));
    assert_eq!(s, 200);
    assert!(page.contains("R-000001") && page.contains("受付（未対応）"));
    assert!(
        !page.contains("<script>x</script>"),
        "report text is escaped"
    );
    let (_, _, log) = call!(TestRequest::get().uri("/corrections"));
    assert!(log.contains("R-000001") && log.contains("別の施設です"));
    let (s, _, api_log) = call!(TestRequest::get().uri("/api/v1/corrections"));
    assert_eq!(s, 200);
    let api_log: Value = serde_json::from_str(&api_log).expect("json");
    assert_eq!(api_log["items"][0]["id"], "R-000001");
    assert_eq!(api_log["items"][0]["status"], "open");
    assert_eq!(api_log["items"][0]["entity"]["id"], a.as_str());
    // The JSON API files reports too.
    let (s, h, filed) = call!(post_json(
        "/api/v1/corrections",
        None,
        format!(r#"{{"kind":"outdated","entity_id":"{b}","message":"閉院済み"}}"#)
    ));
    assert_eq!(s, 201, "{filed}");
    assert_eq!(
        h.get(header::LOCATION).and_then(|v| v.to_str().ok()),
        Some("/api/v1/corrections/R-000002")
    );
    let (s, _, _) = call!(post_json(
        "/api/v1/corrections",
        None,
        r#"{"kind":"rumour","entity_id":"F000001","message":"x"}"#
    ));
    assert_eq!(s, 400);

    // Every curation endpoint refuses a request without valid credentials.
    let decision_body = r#"{"decision":"accept","reason":"建物が別であることを現地で確認"}"#;
    let writes = [
        ("/api/v1/corrections/R-000001/decision", decision_body),
        (
            "/api/v1/curation/judgements",
            r#"{"left":"F000001","right":"F000002","verdict":"same","reason":"x"}"#,
        ),
        (
            "/api/v1/curation/annotations",
            r#"{"kind":"note","entity_id":"F000001","text":"x","reason":"x"}"#,
        ),
        (
            "/api/v1/curation/annotations/1/withdraw",
            r#"{"reason":"x"}"#,
        ),
        ("/api/v1/admin/curators", r#"{"name":"x","role":"admin"}"#),
        ("/api/v1/admin/curators/tanaka/revoke", r#"{"reason":"x"}"#),
    ];
    for auth in [
        None,
        Some("Bearer mieru_forged"),
        Some("Basic dGFuYWthOng="),
    ] {
        for (uri, body) in writes {
            let (s, h, b) = call!(post_json(uri, auth, body));
            assert_eq!(s, 401, "{backend} {uri} {auth:?}: {b}");
            assert!(h
                .get(header::WWW_AUTHENTICATE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("Bearer")));
            assert_eq!(facility_json(&b)["error"]["code"], "unauthorized");
        }
        for uri in [
            format!("/api/v1/curation/entities/{a}/facts"),
            "/api/v1/curation/audit".to_owned(),
            "/api/v1/jobs/1".to_owned(),
        ] {
            assert_eq!(call!(get_as(&uri, auth)).0, 401, "{uri}");
        }
    }
    // A curator is not an admin.
    let (s, _, b) = call!(post_json(
        "/api/v1/admin/curators",
        Some(&format!("Bearer {token}")),
        r#"{"name":"mallory","role":"admin"}"#
    ));
    assert_eq!(s, 403, "{b}");
    assert_eq!(facility_json(&b)["error"]["code"], "forbidden");
    // Nothing changed: still open, still linked.
    let (_, _, still) = call!(TestRequest::get().uri("/api/v1/corrections/R-000001"));
    assert_eq!(facility_json(&still)["status"], "open");

    // With credentials, accepting it is recorded at once (202, with the job applying it);
    // once the job is done the link has changed and the history shows why.
    let bearer = format!("Bearer {token}");
    let (s, h, decided) = call!(post_json(
        "/api/v1/corrections/R-000001/decision",
        Some(&bearer),
        decision_body
    ));
    assert_eq!(s, 202, "{backend}: {decided}");
    let decided = facility_json(&decided);
    assert_eq!(decided["status"], "accepted");
    assert_eq!(decided["decided_by"], "tanaka");
    let job_url = h
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .expect("the job's location")
        .to_owned();
    assert_eq!(decided["job"]["url"], job_url.as_str());
    let started = std::time::Instant::now();
    let job = loop {
        let (s, _, body) = call!(get_as(&job_url, Some(&bearer)));
        assert_eq!(s, 200, "{backend}: {body}");
        let job = facility_json(&body);
        if job["status"] == "done" || job["status"] == "failed" {
            break job;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(120),
            "{backend}: the job is still {job}"
        );
        actix_web::rt::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    assert_eq!(job["status"], "done", "{backend}: {job}");
    assert_eq!(job["cause"], "correction.accept");
    let (_, _, body) = call!(TestRequest::get().uri(&format!("/api/v1/facilities/{a}")));
    let f = facility_json(&body);
    assert!(
        !f["links"]
            .as_array()
            .expect("links")
            .iter()
            .any(|l| l["other"]["id"] == b.as_str()),
        "{backend}: link to {b} gone"
    );
    let correction = f["events"]
        .as_array()
        .expect("events")
        .iter()
        .find(|e| e["kind"] == "correction")
        .expect("a correction event");
    assert!(correction["summary_ja"]
        .as_str()
        .is_some_and(|s| s.contains("R-000001")
            && s.contains("理由: 建物が別であることを現地で確認")
            && s.contains("tanaka")));
    let (_, _, page) = call!(TestRequest::get().uri(&format!("/facilities/{a}")));
    assert!(page.contains("訂正 R-000001") && page.contains("建物が別であることを現地で確認"));
    let (_, _, report_page) = call!(TestRequest::get().uri("/corrections/R-000001?lang=en"));
    assert!(report_page.contains("Accepted") && report_page.contains("tanaka"));
    // The same request again: without credentials 401, with them 409 (decided once).
    let (s, _, _) = call!(post_json(
        "/api/v1/corrections/R-000001/decision",
        None,
        decision_body
    ));
    assert_eq!(s, 401);
    let (s, _, _) = call!(post_json(
        "/api/v1/corrections/R-000001/decision",
        Some(&bearer),
        decision_body
    ));
    assert_eq!(s, 409);
    // Curators see the audit log and a record's facts; an admin may add curators.
    let (s, _, audit) = call!(get_as("/api/v1/curation/audit", Some(&bearer)));
    assert_eq!(s, 200);
    assert!(audit.contains("correction.accept"));
    let (s, _, facts) = call!(get_as(
        &format!("/api/v1/curation/entities/{a}/facts"),
        Some(&bearer)
    ));
    assert_eq!(s, 200);
    assert!(facility_json(&facts)
        .as_array()
        .is_some_and(|f| !f.is_empty()));
    let (s, _, issued) = call!(post_json(
        "/api/v1/admin/curators",
        Some(&format!("Bearer {admin_token}")),
        r#"{"name":"suzuki","role":"curator"}"#
    ));
    assert_eq!(s, 201, "{issued}");
    let issued_token = facility_json(&issued)["token"]
        .as_str()
        .expect("token")
        .to_owned();
    // A revoked token gets 401 at once.
    let (s, _, _) = call!(post_json(
        "/api/v1/admin/curators/suzuki/revoke",
        Some(&format!("Bearer {admin_token}")),
        r#"{"reason":"test"}"#
    ));
    assert_eq!(s, 204);
    let (s, _, _) = call!(get_as(
        "/api/v1/curation/audit",
        Some(&format!("Bearer {issued_token}"))
    ));
    assert_eq!(s, 401);
    // Cross-origin writes are not allowed by the preflight.
    let (s, h, _) = call!(TestRequest::default()
        .method(actix_web::http::Method::OPTIONS)
        .uri("/api/v1/corrections/R-000001/decision")
        .insert_header((header::ORIGIN, "https://elsewhere.example"))
        .insert_header((header::ACCESS_CONTROL_REQUEST_METHOD, "POST")));
    assert!(s < 300);
    let allowed = h
        .get(header::ACCESS_CONTROL_ALLOW_METHODS)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(!allowed.contains("POST"), "{allowed}");
    assert!(!h
        .get(header::ACCESS_CONTROL_ALLOW_HEADERS)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase()
        .contains("authorization"));

    // The real server (with its request log) on a socket: tokens never reach a log line.
    let port = common::free_port();
    let addr: std::net::SocketAddr = format!("127.0.0.1:{port}").parse().expect("addr");
    let state = mieru_web::AppState {
        registry: Arc::new(app.registry(index.clone())),
        site: mieru_web::SiteConfig::default(),
    };
    let server = actix_web::rt::spawn(mieru_web::serve(state, addr));
    let client = reqwest::Client::new();
    let mut up = false;
    for _ in 0..100 {
        if client
            .get(format!("http://{addr}/healthz"))
            .send()
            .await
            .is_ok()
        {
            up = true;
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(up, "server did not start");
    for t in [
        &token,
        &admin_token,
        &issued_token,
        &"mieru_not_a_real_token_0123".to_owned(),
    ] {
        let res = client
            .get(format!("http://{addr}/api/v1/curation/audit"))
            .bearer_auth(t)
            .send()
            .await
            .expect("request");
        assert!(res.status().as_u16() < 500);
        let res = client
            .post(format!(
                "http://{addr}/api/v1/corrections/R-000002/decision"
            ))
            .bearer_auth(t)
            .header("content-type", "application/json")
            .body(r#"{"decision":"reject","reason":"log test"}"#)
            .send()
            .await
            .expect("request");
        assert!(res.status().as_u16() < 500);
    }
    server.abort();
    worker.stop();
    let text = String::from_utf8_lossy(&logs.lock().expect("logs")).into_owned();
    assert!(
        text.contains("/api/v1/curation/audit"),
        "the request log was captured"
    );
    for t in [&token, &admin_token, &issued_token] {
        assert!(!text.contains(t.as_str()), "{backend}: a token was logged");
        assert!(
            !text.contains(t.trim_start_matches("mieru_")),
            "{backend}: a token's secret part was logged"
        );
    }
    assert!(!text.contains("mieru_not_a_real_token_0123"));
}
