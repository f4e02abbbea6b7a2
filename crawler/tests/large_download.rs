//! A 300 MB download streams into the archive in constant memory: spooled to disk while it
//! is hashed, moved into place by the sink, and never decoded whole. One test in its own
//! binary, so the process's peak RSS is this crawl's alone.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure

mod common;

use common::crawling::{fetcher, raw_server, MemSink, TestSource};
use mieru_crawler::adapter::{Adapter, SourceLimits};
use mieru_crawler::crawl::{crawl, CrawlOptions};
use mieru_crawler::request::Request;
use sha2::{Digest, Sha256};
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use url::Url;

const HOST: &str = "www.ookii-file.test";
const SIZE: u64 = 300 * 1024 * 1024;
const CHUNK: usize = 64 * 1024;

/// The byte at offset `i` of the generated file (a pattern, so the hash is known up front).
fn chunk_at(n: u64) -> Vec<u8> {
    (0..CHUNK)
        .map(|i| ((n as usize * 31 + i * 7) % 251) as u8)
        .collect()
}

fn expected_sha() -> String {
    let mut h = Sha256::new();
    for n in 0..SIZE / CHUNK as u64 {
        h.update(chunk_at(n));
    }
    hex::encode(h.finalize())
}

/// Answers `/zenken.zip` (and any path but `/robots.txt`) with 300 MB generated chunk by
/// chunk. Returns the base URL.
async fn serve() -> String {
    raw_server(|mut sock| async move {
        let header = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/zip\r\ncontent-length: {SIZE}\r\nconnection: close\r\n\r\n"
        );
        sock.write_all(header.as_bytes()).await.unwrap();
        for n in 0..SIZE / CHUNK as u64 {
            if sock.write_all(&chunk_at(n)).await.is_err() {
                return;
            }
        }
    })
    .await
}

/// The source: one file, allowed to be large and slow.
fn big_file() -> TestSource {
    let start = Request::get(Url::parse(&format!("https://{HOST}/zenken.zip")).unwrap());
    TestSource {
        limits: SourceLimits {
            size_cap: Some(1024 * 1024 * 1024),
            timeout: Some(Duration::from_secs(600)),
            min_interval: None,
        },
        ..TestSource::new("big-file", &[HOST], start, |_| {
            panic!("a body over the decode limit is never handed to the parser")
        })
    }
}

/// `VmRSS` or `VmHWM` of this process, in kB.
fn status_kb(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_300_mb_download_streams_into_the_archive_in_constant_memory() {
    let want = expected_sha();
    let work = tempfile::tempdir().unwrap();
    let archive = work.path().join("archive");
    std::fs::create_dir_all(&archive).unwrap();
    let base = serve().await;

    let options = CrawlOptions {
        rate_per_sec: 100.0,
        spool_dir: Some(archive.join("spool")),
        ..CrawlOptions::default()
    };
    let source = big_file();
    let adapters: [&dyn Adapter; 1] = [&source];
    let fetcher = fetcher(&options, &adapters, &[format!("{HOST}={base}")]);
    let mut sink = MemSink {
        archive_dir: Some(archive.clone()),
        ..MemSink::default()
    };
    let before = status_kb("VmRSS:");
    let report = crawl(&adapters, &fetcher, &mut sink, &options).await;
    let peak = status_kb("VmHWM:");
    let growth_mb = peak.saturating_sub(before) as f64 / 1024.0;
    eprintln!(
        "RSS before {before} kB, peak {peak} kB: +{growth_mb:.1} MB for a {SIZE}-byte download"
    );

    assert_eq!(report.per_source[0].fetched, 1, "{report}");
    assert!(sink.failed.is_empty(), "failed: {:?}", sink.failed);
    assert_eq!(sink.spooled, 1, "a 300 MB body must be spooled");
    let (meta, _, outcome) = &sink.docs[0];
    assert_eq!(meta.size, SIZE);
    assert_eq!(meta.sha256, want, "hashed while streaming");
    let path = archive.join(&meta.sha256);
    assert_eq!(std::fs::metadata(path).unwrap().len(), SIZE);
    let why = match outcome {
        Err(e) => e.to_string(),
        Ok(_) => "read".into(),
    };
    assert!(
        why.contains("decode limit"),
        "archived, reported unread: {why}"
    );
    let spool_left = std::fs::read_dir(archive.join("spool")).unwrap().count();
    assert_eq!(spool_left, 0, "the spooled file was moved, not copied");
    assert!(growth_mb < 50.0, "RSS grew by {growth_mb:.1} MB");
}
