//! Export files on disk, on both backends: concurrent first requests write a file once, later
//! ones reuse it, a new data version writes a new file (with a new ETag over HTTP) and the
//! files of versions before the previous one are removed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure

mod common;

use actix_web::http::{header, StatusCode};
use actix_web::test::{self, TestRequest};
use common::TestDb;
use mieru::app::Mieru;
use mieru::ops::synth::{load, Spec};
use mieru::serve::registry::DbRegistry;
use mieru_web::model::ExportFile;
use mieru_web::registry::Registry;
use std::sync::{Arc, Barrier};

/// `name` asked for by `callers` threads at once; every one must get the same file.
fn ask_at_once(registry: &Arc<DbRegistry>, name: &'static str, callers: usize) -> ExportFile {
    let start = Arc::new(Barrier::new(callers));
    let threads: Vec<_> = (0..callers)
        .map(|_| {
            let registry = Arc::clone(registry);
            let start = Arc::clone(&start);
            std::thread::spawn(move || {
                start.wait();
                registry.export_file(name).unwrap().unwrap()
            })
        })
        .collect();
    let files: Vec<ExportFile> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    for f in &files {
        assert_eq!(f, &files[0]);
    }
    files.into_iter().next().unwrap()
}

#[test]
fn export_files_are_written_once_per_data_version() {
    for db in TestDb::all() {
        let dir = tempfile::tempdir().unwrap();
        let app = Mieru::open(dir.path(), db.database_url()).unwrap();
        load::run(&app, &Spec::new(3, 150, 4), true, &mut |_| {}).unwrap();
        let index = Arc::new(app.open_index().unwrap());
        let registry = Arc::new(app.registry(Arc::clone(&index)));

        let first = ask_at_once(&registry, "facilities.jsonl", 8);
        assert_eq!(registry.export_files_written(), 1, "{}", db.backend);
        assert!(first.path.starts_with(app.exports_dir()), "{first:?}");
        // The served file is the whole export, as `mieru export` writes it.
        let cli = dir.path().join("cli");
        mieru::ops::export::jsonl(&app.pool, &cli).unwrap();
        let served = std::fs::read(&first.path).unwrap();
        assert_eq!(served, std::fs::read(cli.join("facilities.jsonl")).unwrap());
        assert_eq!(served.iter().filter(|b| **b == b'\n').count(), 150);
        assert_eq!(
            registry.export_file("facilities.jsonl").unwrap().unwrap(),
            first
        );
        assert_eq!(registry.export_files_written(), 1, "{}", db.backend);
        assert!(registry.export_file("mieru.db").unwrap().is_none());

        // A new data version: a new file, written once; the previous version's stays for
        // downloads that were just handed it.
        app.resolve_and_index(&index).unwrap();
        let second = ask_at_once(&registry, "facilities.jsonl", 4);
        assert!(second.data_version > first.data_version, "{second:?}");
        assert_ne!(second.path, first.path);
        assert_eq!(registry.export_files_written(), 2, "{}", db.backend);
        assert!(first.path.is_file());

        // One more: the first version's directory goes.
        app.resolve_and_index(&index).unwrap();
        let third = registry.export_file("facilities.jsonl").unwrap().unwrap();
        assert!(third.data_version > second.data_version);
        assert!(!first.path.exists(), "{first:?}");
        assert!(second.path.is_file() && third.path.is_file());
        let versions = std::fs::read_dir(app.exports_dir()).unwrap().count();
        assert_eq!(versions, 2, "{}", db.backend);
    }
}

#[actix_web::test]
async fn a_new_data_version_is_a_new_etag() {
    let dir = tempfile::tempdir().unwrap();
    let app = Mieru::open(dir.path(), None).unwrap();
    load::run(&app, &Spec::new(5, 40, 3), true, &mut |_| {}).unwrap();
    let index = Arc::new(app.open_index().unwrap());
    let state = mieru_web::AppState {
        registry: Arc::new(app.registry(Arc::clone(&index))),
        site: mieru_web::SiteConfig::default(),
    };
    let web = test::init_service(common::web_app(state)).await;
    let uri = "/api/v1/exports/facilities.jsonl";

    let res = test::call_service(&web, TestRequest::get().uri(uri).to_request()).await;
    assert_eq!(res.status(), StatusCode::OK);
    let etag = res.headers().get(header::ETAG).unwrap().clone();
    let whole = test::read_body(res).await;
    assert!(
        whole.len() > 1000 && whole.starts_with(b"{\"id\":"),
        "{whole:?}"
    );

    let ranged = TestRequest::get()
        .uri(uri)
        .insert_header((header::RANGE, "bytes=0-99"))
        .to_request();
    let res = test::call_service(&web, ranged).await;
    assert_eq!(res.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(test::read_body(res).await, whole.slice(..100));

    let cached = || {
        TestRequest::get()
            .uri(uri)
            .insert_header((header::IF_NONE_MATCH, etag.clone()))
            .to_request()
    };
    let res = test::call_service(&web, cached()).await;
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);

    app.resolve_and_index(&index).unwrap();
    let res = test::call_service(&web, cached()).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_ne!(res.headers().get(header::ETAG).unwrap(), &etag);
    // The same records: resolving again changed nothing but the version.
    assert_eq!(test::read_body(res).await, whole);
}
