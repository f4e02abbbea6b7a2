//! The OpenAPI document the server serves, compared with the committed snapshot
//! `tests/snapshots/openapi.json`, so every change to the public contract shows up in review.
//!
//! After an intended change, rewrite the snapshot and commit it with the change:
//!
//! ```text
//! UPDATE_SNAPSHOTS=1 cargo test -p mieru-web --test openapi_snapshot
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure

use std::path::PathBuf;

use serde_json::{Map, Value};

fn snapshot_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/openapi.json")
}

/// Objects with their keys sorted, at every depth, whatever map type `serde_json` was built
/// with; arrays keep their order (it is meaningful: parameters, required fields, tags).
fn sorted(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k, sorted(v)))
                    .collect::<Map<_, _>>(),
            )
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}

/// The served document as pretty JSON in a stable order, with a final newline.
fn rendered() -> String {
    let doc: Value = serde_json::from_str(mieru_web::api::openapi::document())
        .expect("the served OpenAPI document is JSON");
    let mut text = serde_json::to_string_pretty(&sorted(doc)).expect("a JSON value serialises");
    text.push('\n');
    text
}

#[test]
fn openapi_document_matches_the_snapshot() {
    let path = snapshot_path();
    let actual = rendered();
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().expect("the snapshot has a directory"))
            .expect("create tests/snapshots");
        std::fs::write(&path, &actual).expect("write the snapshot");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {} ({e}); create it with UPDATE_SNAPSHOTS=1 cargo test -p mieru-web --test openapi_snapshot",
            path.display()
        )
    });
    if expected == actual {
        return;
    }
    let (line, want, got) = expected
        .lines()
        .zip(actual.lines())
        .enumerate()
        .find(|(_, (e, a))| e != a)
        .map(|(i, (e, a))| (i + 1, e.to_owned(), a.to_owned()))
        .unwrap_or_else(|| {
            let n = expected.lines().count().min(actual.lines().count());
            (
                n + 1,
                "(end of one side)".into(),
                "(lines differ in number)".into(),
            )
        });
    panic!(
        "the OpenAPI document differs from {} at line {line}:\n  snapshot: {want}\n  now:      {got}\n\
         If the change is intended, run UPDATE_SNAPSHOTS=1 cargo test -p mieru-web --test openapi_snapshot \
         and commit the snapshot.",
        path.display()
    );
}

#[test]
fn rendering_is_stable() {
    assert_eq!(rendered(), rendered());
    let doc: Value = serde_json::from_str(&rendered()).unwrap();
    assert!(doc["paths"].as_object().is_some_and(|p| !p.is_empty()));
}
