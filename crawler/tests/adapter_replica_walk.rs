//! Crawl the committed replica the way the static server serves it: from each adapter's start
//! URLs, follow the links it returns, parse every document. Every document file of the replica
//! must be reached by exactly the adapter of its host, and parse (the guide page aside).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure
mod adapter_support;

use adapter_support::*;
use mieru_crawler::adapter::ParseError;
use mieru_crawler::adapters;
use std::collections::{BTreeSet, VecDeque};
use std::path::Path;
use url::Url;

/// `https://host/a/b` → `host/a/b/index.html`; `https://host/a/` → `host/a/index.html`.
fn replica_path(url: &Url) -> String {
    let host = url.host_str().unwrap_or("");
    let path = url.path();
    let last = path.rsplit('/').next().unwrap_or("");
    if path.ends_with('/') {
        format!("{host}{path}index.html")
    } else if !last.contains('.') {
        format!("{host}{path}/index.html")
    } else {
        format!("{host}{path}")
    }
}

fn content_type(rel: &str) -> &'static str {
    match rel.rsplit('.').next().unwrap_or("") {
        "html" => "text/html",
        "pdf" => "application/pdf",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

fn document_files(dir: &Path, root: &Path, out: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        let rel = p.strip_prefix(root).unwrap().to_string_lossy().to_string();
        if p.is_dir() {
            if rel != "tools" {
                document_files(&p, root, out);
            }
        } else if !rel.ends_with("robots.txt") && !rel.ends_with(".md") {
            out.insert(rel);
        }
    }
}

#[test]
fn every_replica_document_is_reached_and_read() {
    let mut reached = BTreeSet::new();
    let mut facts = 0usize;
    for adapter in adapters::all() {
        let ctx = mieru_crawler::adapter::StartContext::now();
        let mut queue: VecDeque<Url> = adapter
            .start_requests(&ctx)
            .into_iter()
            .map(|r| r.url)
            .collect();
        let mut seen = BTreeSet::new();
        while let Some(url) = queue.pop_front() {
            if !seen.insert(url.to_string()) {
                continue;
            }
            assert!(
                adapter.hosts().contains(&url.host_str().unwrap_or("")),
                "{url}"
            );
            let rel = replica_path(&url);
            assert!(
                replica(&rel).is_file(),
                "{} links to {url}, missing {rel}",
                adapter.name()
            );
            let doc = document(adapter.name(), url.as_str(), &rel, Some(content_type(&rel)));
            match adapter.parse(&doc) {
                Ok(p) => {
                    facts += p.facts.len();
                    queue.extend(p.links.into_iter().map(|r| r.url));
                }
                // The bureau's guide page has neither an order nor links.
                Err(ParseError::NoContent(_)) if rel.ends_with("tebiki.html") => {}
                Err(e) => panic!("{} failed on {rel}: {e}", adapter.name()),
            }
            assert!(reached.insert(rel.clone()), "{rel} reached twice");
        }
    }
    let root = replica("");
    let mut all = BTreeSet::new();
    document_files(&root, &root, &mut all);
    assert_eq!(reached, all);
    assert!(facts > 500, "{facts} facts");
}
