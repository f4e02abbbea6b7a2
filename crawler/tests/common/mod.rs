//! Shared by the crawler's tests: read a replica fixture from disk, decode it with the
//! crawler's own decoder as a crawl would, parse it, and look facts up; for crawl tests, a
//! sink, a source and servers (in `crawling`).
#![allow(dead_code)]

use chrono::{NaiveDate, TimeZone, Utc};
use mieru_crawler::adapter::Parsed;
use mieru_crawler::adapters;
use mieru_crawler::document::Document;
use mieru_crawler::provenance::{DocumentMeta, Fact, Property};
use sha2::{Digest, Sha256};
use std::path::PathBuf;

pub mod crawling;

/// The e-saisei plan lists of the replica, which both e-saisei test files read: the real
/// URL of each list and its file.
pub mod esaisei {
    pub const LIST2: &str = "https://saiseiiryo.mhlw.go.jp/published_plan/index/2";
    pub const LIST3: &str = "https://saiseiiryo.mhlw.go.jp/published_plan/index/3";
    pub const FILE2: &str = "saiseiiryo.mhlw.go.jp/published_plan/index/2/index.html";
    pub const FILE3: &str = "saiseiiryo.mhlw.go.jp/published_plan/index/3/index.html";
}

/// Path of a file of the committed replica (`replica/<host>/<path>`).
pub fn replica(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../replica")
        .join(rel)
}

/// Decode `replica/<rel>` as if fetched from `url`.
pub fn document(adapter: &str, url: &str, rel: &str, content_type: Option<&str>) -> Document {
    let raw = std::fs::read(replica(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"));
    let mut meta = DocumentMeta {
        source: adapter.to_string(),
        url: url.to_string(),
        fetched_at: Utc.with_ymd_and_hms(2026, 11, 25, 0, 0, 0).unwrap(),
        http_status: 200,
        content_type: content_type.map(str::to_string),
        etag: None,
        last_modified: None,
        sha256: hex::encode(Sha256::digest(&raw)),
        size: raw.len() as u64,
        encoding: None,
    };
    let body = mieru_crawler::decode::decode(&mut meta, &raw);
    Document { meta, body }
}

/// Parse a replica file with the named adapter; panics with the error if it fails.
pub fn parse(adapter: &str, url: &str, rel: &str, content_type: Option<&str>) -> Parsed {
    let a = adapters::by_name(adapter).expect("adapter exists");
    let doc = document(adapter, url, rel, content_type);
    a.parse(&doc)
        .unwrap_or_else(|e| panic!("{adapter} failed on {rel}: {e}"))
}

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// Values of `property` on `subject`, in emission order.
pub fn values(facts: &[Fact], subject: &str, property: Property) -> Vec<String> {
    facts
        .iter()
        .filter(|f| f.subject.as_str() == subject && f.property == property)
        .map(|f| f.value.clone())
        .collect()
}

/// The single value of `property` on `subject`.
pub fn one(facts: &[Fact], subject: &str, property: Property) -> String {
    let v = values(facts, subject, property);
    assert_eq!(v.len(), 1, "{subject} {property:?}: {v:?}");
    v.into_iter().next().unwrap()
}

/// Asserts each `(property, value)` of `subject`: the value is the single one of that
/// property on it.
pub fn assert_facts(facts: &[Fact], subject: &str, expected: &[(Property, &str)]) {
    for (property, value) in expected {
        assert_eq!(
            one(facts, subject, *property),
            *value,
            "{subject} {property:?}"
        );
    }
}

/// The fact itself (to check `observed_on`).
pub fn fact<'a>(facts: &'a [Fact], subject: &str, property: Property, value: &str) -> &'a Fact {
    facts
        .iter()
        .find(|f| f.subject.as_str() == subject && f.property == property && f.value == value)
        .unwrap_or_else(|| panic!("no fact {subject} {property:?} = {value}"))
}

/// Every subject key of the parse, deduplicated, sorted.
pub fn subjects(facts: &[Fact]) -> Vec<String> {
    let mut s: Vec<String> = facts
        .iter()
        .map(|f| f.subject.as_str().to_string())
        .collect();
    s.sort();
    s.dedup();
    s
}

/// The subject keys of the parse that start with `prefix` (`plan:`), deduplicated, sorted.
pub fn subjects_with(facts: &[Fact], prefix: &str) -> Vec<String> {
    let mut s = subjects(facts);
    s.retain(|k| k.starts_with(prefix));
    s
}

pub fn dump(facts: &[Fact]) -> String {
    facts
        .iter()
        .map(|f| {
            format!(
                "{} {:?} {} {:?}",
                f.subject, f.property, f.value, f.observed_on
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}
