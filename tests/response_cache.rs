//! Public record pages are answered from whole responses kept per data version (issue 20):
//! the second request for a page gets the first one's encoded bytes; a new data version is
//! never answered from the old one; and nothing that may differ between visitors is shared
//! (credentials, other cookies, conditional requests, answers that set a cookie); search is
//! kept per index generation.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure

mod common;

use actix_web::http::header;
use actix_web::test::{self, TestRequest};
use mieru_web::response_cache::CACHE_HEADER;
use std::sync::Arc;

#[actix_web::test]
async fn pages_are_kept_per_data_version_and_never_shared_when_personal() {
    for db in common::TestDb::all() {
        let backend = db.backend;
        let dir = tempfile::tempdir().unwrap();
        let app = mieru::app::Mieru::open(dir.path(), Some(&db.url)).unwrap();
        let spec = mieru::ops::synth::Spec::new(3, 30, 4);
        mieru::ops::synth::load::run(&app, &spec, true, &mut |_| {}).unwrap();
        let index = Arc::new(app.open_index().unwrap());
        app.resolve_and_index(&index).unwrap();
        let state = mieru_web::AppState {
            registry: Arc::new(app.registry(index.clone())),
            site: mieru_web::SiteConfig::default(),
        };
        let web = test::init_service(common::web_app(state)).await;

        // The answer and whether the cache gave it (`hit`), kept it (`miss`) or stayed out.
        let get = |uri: &str, headers: &[(header::HeaderName, &str)]| {
            let mut req = TestRequest::get().uri(uri);
            for (name, value) in headers {
                req = req.insert_header((name.clone(), *value));
            }
            req.to_request()
        };
        macro_rules! call {
            ($uri:expr, $headers:expr) => {{
                let res = test::call_service(&web, get($uri, $headers)).await;
                let status = res.status();
                let cache = res
                    .headers()
                    .get(CACHE_HEADER)
                    .map(|v| v.to_str().unwrap().to_owned());
                let encoding = res
                    .headers()
                    .get(header::CONTENT_ENCODING)
                    .map(|v| v.to_str().unwrap().to_owned());
                let body = test::read_body(res).await;
                (status, cache, encoding, body)
            }};
        }
        let gzip = [(header::ACCEPT_ENCODING, "gzip")];

        for uri in ["/facilities/F000001", "/api/v1/facilities/F000001"] {
            let first = call!(uri, &gzip);
            assert_eq!(first.0, 200, "{backend}: {uri}");
            assert_eq!(first.1.as_deref(), Some("miss"), "{backend}: {uri}");
            assert_eq!(first.2.as_deref(), Some("gzip"), "{backend}: {uri}");
            let second = call!(uri, &gzip);
            assert_eq!(second.1.as_deref(), Some("hit"), "{backend}: {uri}");
            assert_eq!(second.2.as_deref(), Some("gzip"), "{backend}: {uri}");
            assert_eq!(second.3, first.3, "{backend}: {uri}: the kept bytes");
            // Another encoding is another answer.
            let plain = call!(uri, &[]);
            assert_eq!(plain.1.as_deref(), Some("miss"), "{backend}: {uri}");
            assert_eq!(plain.2, None);
        }

        // The language cookie is part of the key; any other cookie keeps the cache out.
        let en = call!("/facilities/F000001", &[(header::COOKIE, "lang=en")]);
        assert_eq!(en.1.as_deref(), Some("miss"), "{backend}");
        let ja = call!("/facilities/F000001", &[]);
        assert_ne!(en.3, ja.3, "{backend}: English and Japanese pages differ");
        assert_eq!(
            call!("/facilities/F000001", &[(header::COOKIE, "lang=en")])
                .1
                .as_deref(),
            Some("hit")
        );
        for personal in [
            (header::COOKIE, "lang=en; session=1"),
            (header::AUTHORIZATION, "Bearer x"),
            (header::IF_NONE_MATCH, "\"abc\""),
            (header::RANGE, "bytes=0-10"),
        ] {
            let res = call!("/facilities/F000001", std::slice::from_ref(&personal));
            assert_eq!(res.1, None, "{backend}: {personal:?}");
        }
        // An answer that sets a cookie, and search, are never kept.
        assert_eq!(call!("/facilities/F000001?lang=en", &[]).1, None);
        assert_eq!(call!("/facilities/F000001?lang=en", &[]).1, None);
        // Search is kept per index generation.
        let search = "/api/v1/search?q=%E3%81%95";
        assert_eq!(call!(search, &[]).1.as_deref(), Some("miss"));
        assert_eq!(call!(search, &[]).1.as_deref(), Some("hit"));
        index.upsert(Vec::new()).unwrap();
        assert_eq!(
            call!(search, &[]).1.as_deref(),
            Some("miss"),
            "{backend}: a commit of the index"
        );

        // A new data version: the kept answers are not used again.
        app.resolve_and_index(&index).unwrap();
        let after = call!("/facilities/F000001", &gzip);
        assert_eq!(
            after.1.as_deref(),
            Some("miss"),
            "{backend}: new data version"
        );
        assert_eq!(
            call!("/facilities/F000001", &gzip).1.as_deref(),
            Some("hit")
        );
    }
}
