//! Test support: fresh databases on every backend, a data directory, and the replica; the
//! crawl options, replica copies and in-process web app the pipeline tests share.
#![allow(dead_code)]

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::App;
use diesel::connection::SimpleConnection;
use diesel::Connection;
use mieru::app::Mieru;
use mieru::ops::replica::{self, ReplicaFiles, RunningReplica};
use mieru::search::SearchIndex;
use mieru::store::{self, DbPool};
use mieru_crawler::crawl::CrawlOptions;
use mieru_web::model::{FacilityDetail, Lookup, PointInTime, SearchRequest};
use mieru_web::registry::Registry;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// Set to `1` (CI does, in `.ci/run`) and a test whose PostgreSQL half cannot run fails
/// instead of skipping it.
pub const REQUIRE_POSTGRES: &str = "MIERU_REQUIRE_POSTGRES";

/// The running test's name: libtest names each test's thread after the test.
fn test_name() -> String {
    std::thread::current()
        .name()
        .unwrap_or("<unnamed test>")
        .to_owned()
}

fn postgres_required() -> bool {
    std::env::var(REQUIRE_POSTGRES).is_ok_and(|v| v == "1")
}

/// The server named by `MIERU_TEST_DATABASE_URL`, or — that variable unset — a warning naming
/// the test on the process's stderr (written directly: libtest swallows `eprintln!` of passing
/// tests), or a panic when `MIERU_REQUIRE_POSTGRES=1`.
fn postgres_base_url() -> Option<String> {
    match std::env::var("MIERU_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            let test = test_name();
            assert!(
                !postgres_required(),
                "{test}: {REQUIRE_POSTGRES}=1 but MIERU_TEST_DATABASE_URL is not set: \
                 its PostgreSQL half cannot run"
            );
            let _ = writeln!(
                std::io::stderr().lock(),
                "WARNING: {test}: PostgreSQL half SKIPPED — set MIERU_TEST_DATABASE_URL to run it \
                 ({REQUIRE_POSTGRES}=1 makes this an error)"
            );
            None
        }
    }
}

/// A fresh, empty database: a SQLite file in a temp dir, or a new PostgreSQL database
/// created on the server named by `MIERU_TEST_DATABASE_URL` (dropped when done).
pub struct TestDb {
    pub url: String,
    pub backend: &'static str,
    _dir: Option<tempfile::TempDir>,
    pg_admin: Option<(String, String)>,
}

impl TestDb {
    pub fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = dir.path().join("test.db").to_string_lossy().into_owned();
        Self {
            url,
            backend: "sqlite",
            _dir: Some(dir),
            pg_admin: None,
        }
    }

    /// A new PostgreSQL database, or `None` — said loudly, naming the test — when
    /// `MIERU_TEST_DATABASE_URL` is not set. Panics when the server cannot be reached, and
    /// instead of skipping when `MIERU_REQUIRE_POSTGRES=1`.
    pub fn postgres() -> Option<Self> {
        let base = postgres_base_url()?;
        let name = format!("mieru_t_{}_{}", std::process::id(), rand::random::<u32>());
        let mut admin = diesel::PgConnection::establish(&base).unwrap_or_else(|e| {
            panic!(
                "{}: cannot connect to MIERU_TEST_DATABASE_URL ({base}): {e}",
                test_name()
            )
        });
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("create test database");
        let url = match base.rsplit_once('/') {
            Some((prefix, _)) => format!("{prefix}/{name}"),
            None => panic!("MIERU_TEST_DATABASE_URL needs a database path"),
        };
        Some(Self {
            url,
            backend: "postgres",
            _dir: None,
            pg_admin: Some((base, name)),
        })
    }

    /// SQLite always; PostgreSQL too when `MIERU_TEST_DATABASE_URL` is set (see `postgres`).
    pub fn all() -> Vec<Self> {
        let mut v = vec![Self::sqlite()];
        v.extend(Self::postgres());
        v
    }

    /// The `database_url` of `Mieru::open`: `None` (the data directory's SQLite) on SQLite.
    pub fn database_url(&self) -> Option<&str> {
        (self.backend == "postgres").then_some(self.url.as_str())
    }

    pub fn pool(&self) -> DbPool {
        store::connect(&self.url, 4).expect("connect and migrate")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((base, name)) = &self.pg_admin {
            if let Ok(mut admin) = diesel::PgConnection::establish(base) {
                let _ =
                    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}

/// The sources a crawl reads, as `--source` names them.
pub const SOURCES: [&str; 5] = [
    "mhlw-press",
    "kouseikyoku",
    "e-saisei",
    "jrct",
    "houjin-bangou",
];

/// Runs `test` once on each backend of `TestDb::all`, given `Mieru::open`'s database URL
/// and the backend's name.
pub async fn on_every_backend(test: impl AsyncFn(Option<&str>, &'static str)) {
    for db in TestDb::all() {
        test(db.database_url(), db.backend).await;
    }
}

/// A fresh data directory (removed when dropped) opened on `database_url` (as `Mieru::open`
/// takes it), the bundled replica serving on loopback, and the search index.
pub fn open_on_replica(
    database_url: Option<&str>,
) -> (tempfile::TempDir, Mieru, RunningReplica, Arc<SearchIndex>) {
    let dir = tempfile::tempdir().unwrap();
    let app = Mieru::open(dir.path(), database_url).unwrap();
    let replica = replica::start(ReplicaFiles::Bundled).unwrap();
    let index = Arc::new(app.open_index().unwrap());
    (dir, app, replica, index)
}

/// Two data versions of the replica: version 1 from the plan listings only, version 2 from
/// every source.
pub async fn crawl_two_versions(app: &Mieru, replica: &RunningReplica, index: &SearchIndex) {
    app.crawl(&["e-saisei".to_owned()], &replica.mirrors(), &fast())
        .await
        .unwrap();
    app.resolve_and_index(index).unwrap();
    app.crawl_with(&[], &replica.mirrors(), &fast(), &every_source())
        .await
        .unwrap();
    app.resolve_and_index(index).unwrap();
}

/// Crawl options for the local replica: 100 requests a second.
pub fn fast() -> CrawlOptions {
    CrawlOptions {
        rate_per_sec: 100.0,
        // Month pages are computed from the replica's own date, not the real one, back to the
        // month of the replica's 2025-09-12 emergency order (each month list costs the replica's
        // 1 s Crawl-delay; the 2017 release is read by a longer `--since`).
        today: Some(mieru::ops::replica::as_of()),
        since: chrono::NaiveDate::from_ymd_opt(2025, 9, 1),
        ..CrawlOptions::default()
    }
}

/// Every source of the replica, jRCT included (off by default for the real site's terms;
/// the replica is ours), at test speed.
pub fn every_source() -> mieru::app::SourceChoices {
    mieru::app::SourceChoices {
        jrct: true,
        jrct_interval: Some(Duration::from_millis(10)),
        ..mieru::app::SourceChoices::default()
    }
}

/// `fast()` without retries: a failing server fails the document at once.
pub fn fast_no_retries() -> CrawlOptions {
    CrawlOptions {
        max_retries: 0,
        retry_base_delay: Duration::from_millis(10),
        ..fast()
    }
}

/// The bundled replica's files (`replica/`).
pub fn replica_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("replica")
}

/// Copies the tree `from` into `to` (created).
pub fn copy_dir(from: &Path, to: &Path) {
    copy_dir_with(from, to, &|_| None);
}

/// Copies the tree `from` into `to` (created), writing `rewrite(file)` instead of a file's
/// bytes where it gives some.
pub fn copy_dir_with(from: &Path, to: &Path, rewrite: &dyn Fn(&Path) -> Option<Vec<u8>>) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir_with(&entry.path(), &target, rewrite);
        } else if let Some(bytes) = rewrite(&entry.path()) {
            std::fs::write(&target, bytes).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A loopback port free now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// A search for `q`, for its first `limit` hits (what the search box sends).
pub fn query(q: &str, limit: usize) -> SearchRequest {
    SearchRequest {
        q: q.into(),
        limit,
        ..SearchRequest::default()
    }
}

/// The facility `id` as it stands now; a panic when it has no page of its own.
pub fn facility_now(registry: &dyn Registry, id: &str) -> FacilityDetail {
    match registry.facility(id, PointInTime::latest()).unwrap() {
        Lookup::Found(detail) => detail,
        other => panic!("no facility page for {id}: {other:?}"),
    }
}

/// Asserts that `facility` lists an action of `action_type`.
pub fn assert_has_action(facility: &FacilityDetail, action_type: &str) {
    assert!(
        facility
            .actions
            .iter()
            .any(|a| a.action_type == action_type),
        "no {action_type}: {:?}",
        facility.actions
    );
}

/// `mirrors` (`HOST=URL`, as `RunningReplica::mirrors` gives them) with `host` pointed at a
/// loopback port nothing listens on: that source's server is down.
pub fn with_host_down(mirrors: &[String], host: &str) -> Vec<String> {
    let closed_port = free_port();
    let prefix = format!("{host}=");
    mirrors
        .iter()
        .map(|m| {
            if m.starts_with(&prefix) {
                format!("{host}=http://127.0.0.1:{closed_port}/{host}")
            } else {
                m.clone()
            }
        })
        .collect()
}

/// The site and API as the server mounts them, for `actix_web::test::init_service`.
pub fn web_app(
    state: mieru_web::AppState,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    App::new()
        .app_data(mieru_web::app_data(state))
        .configure(mieru_web::configure)
}

/// The two facilities of the first possible link (for curator decisions on it).
pub fn possible_facility_link(app: &mieru::app::Mieru) -> (String, String) {
    let mut conn = app.pool.get().expect("conn");
    let link = mieru::store::entities::all_links(&mut conn)
        .expect("links")
        .into_iter()
        .find(|l| l.kind.starts_with("possible") && l.from_id.starts_with('F'))
        .expect("a possible link between facilities");
    (link.from_id, link.to_id)
}

/// Runs `test` on a synthetic registry (`facilities` of them, 10 events each, resolved) on
/// every backend, each in a fresh data directory.
pub fn on_synthetic_registry(seed: u64, facilities: usize, test: impl Fn(&Mieru, &'static str)) {
    for db in TestDb::all() {
        let dir = tempfile::tempdir().expect("tempdir");
        let app = Mieru::open(dir.path(), Some(&db.url)).expect("open");
        let spec = mieru::ops::synth::Spec::new(seed, facilities, 10);
        mieru::ops::synth::load::run(&app, &spec, true, &mut |_| {}).expect("synth");
        test(&app, db.backend);
    }
}
