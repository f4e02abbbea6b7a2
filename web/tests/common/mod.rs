//! A fictional in-memory registry for the web tests, and the helpers they share. Every clinic,
//! corporation and person here is invented.
#![allow(dead_code)]

mod fake;
mod fixtures;

use std::sync::Arc;

use mieru_web::{AppState, SiteConfig};

// Every test crate includes this module and uses a different part of it.
#[allow(unused_imports)]
pub use fake::*;
#[allow(unused_imports)]
pub use fixtures::*;

pub fn state(registry: Arc<FakeRegistry>) -> AppState {
    AppState {
        registry,
        site: SiteConfig {
            base_url: "https://mieru.example.jp/".into(),
            data_version: "test-2026-11-25".into(),
            contact: "errors@mieru.example.jp".into(),
        },
    }
}

/// The whole site over a fake registry, as an actix test service.
#[macro_export]
macro_rules! app {
    ($registry:expr) => {
        actix_web::test::init_service(
            actix_web::App::new()
                .app_data(mieru_web::app_data($crate::common::state($registry)))
                .configure(mieru_web::configure),
        )
        .await
    };
}

/// GET `$uri` (with optional extra headers); yields `(status, headers, body bytes)`.
#[macro_export]
macro_rules! get {
    ($app:expr, $uri:expr) => {
        $crate::get!($app, $uri, [])
    };
    ($app:expr, $uri:expr, [$($h:expr),*]) => {{
        #[allow(unused_mut)]
        let mut req = actix_web::test::TestRequest::get().uri($uri);
        $( req = req.insert_header($h); )*
        let res = actix_web::test::call_service(&$app, req.to_request()).await;
        let status = res.status();
        let headers = res.headers().clone();
        let body = actix_web::test::read_body(res).await;
        (status, headers, body)
    }};
}

/// A response body as JSON; anything else fails the test.
pub fn json(body: &[u8]) -> serde_json::Value {
    serde_json::from_slice(body).expect("JSON body")
}

/// The string `field` of every object in the JSON array `list`; anything else fails the test.
pub fn strings<'a>(list: &'a serde_json::Value, field: &str) -> Vec<&'a str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|item| item[field].as_str().unwrap())
        .collect()
}

/// A response body as UTF-8 text; anything else fails the test.
pub fn text(body: &[u8]) -> String {
    String::from_utf8(body.to_vec()).expect("UTF-8 body")
}

/// The value of header `name` as text; a missing or non-ASCII header fails the test.
pub fn header_str(
    headers: &actix_web::http::header::HeaderMap,
    name: actix_web::http::header::HeaderName,
) -> &str {
    headers
        .get(&name)
        .unwrap_or_else(|| panic!("no {name} header"))
        .to_str()
        .unwrap()
}

/// Asserts the error envelope with `code` and returns nothing.
pub fn assert_envelope(body: &[u8], code: &str) {
    let v: serde_json::Value = serde_json::from_slice(body)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(body)));
    assert_eq!(v["error"]["code"], code, "body: {v}");
    assert!(v["error"]["message"]
        .as_str()
        .is_some_and(|m| !m.is_empty()));
}
