//! A 300 MB download streams into the archive in constant memory: spooled to disk while it
//! is hashed, moved into place by the sink, and never decoded whole. One test in its own
//! binary, so the process's peak RSS is this crawl's alone.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure

use chrono::{DateTime, Utc};
use mieru_crawler::adapter::{Adapter, ParseError, Parsed, SourceLimits, StartContext};
use mieru_crawler::crawl::{crawl, CrawlOptions};
use mieru_crawler::document::Document;
use mieru_crawler::fetch::{Fetcher, RawBody};
use mieru_crawler::mirror::MirrorMap;
use mieru_crawler::provenance::DocumentMeta;
use mieru_crawler::request::Request;
use mieru_crawler::sink::{ParseOutcome, Sink, SinkError, Validators};
use sha2::{Digest, Sha256};
use std::path::PathBuf;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
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

/// Answers `/robots.txt` with 404 and `/zenken.zip` with 300 MB generated chunk by chunk.
async fn serve(listener: tokio::net::TcpListener) {
    loop {
        let Ok((mut sock, _)) = listener.accept().await else {
            return;
        };
        tokio::spawn(async move {
            let mut buf = vec![0u8; 4096];
            let n = sock.read(&mut buf).await.unwrap_or(0);
            let head = String::from_utf8_lossy(&buf[..n]).to_string();
            if !head.contains("/zenken.zip") {
                let _ = sock
                    .write_all(
                        b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                    )
                    .await;
                return;
            }
            let header = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/zip\r\ncontent-length: {SIZE}\r\nconnection: close\r\n\r\n"
            );
            sock.write_all(header.as_bytes()).await.unwrap();
            for n in 0..SIZE / CHUNK as u64 {
                if sock.write_all(&chunk_at(n)).await.is_err() {
                    return;
                }
            }
        });
    }
}

struct BigFile;

impl Adapter for BigFile {
    fn name(&self) -> &'static str {
        "big-file"
    }
    fn hosts(&self) -> &'static [&'static str] {
        &[HOST]
    }
    fn start_requests(&self, _: &StartContext) -> Vec<Request> {
        vec![Request::get(
            Url::parse(&format!("https://{HOST}/zenken.zip")).unwrap(),
        )]
    }
    fn limits(&self) -> SourceLimits {
        SourceLimits {
            size_cap: Some(1024 * 1024 * 1024),
            timeout: Some(Duration::from_secs(600)),
            min_interval: None,
        }
    }
    fn check_structure(&self, _: &Document) -> Vec<String> {
        Vec::new()
    }
    fn parse(&self, _: &Document) -> Result<Parsed, ParseError> {
        panic!("a body over the decode limit is never handed to the parser")
    }
}

/// Archives like the root's archive: the spooled file is moved to its content address.
struct DiskSink {
    dir: PathBuf,
    stored: Vec<(DocumentMeta, PathBuf, String)>,
}

impl Sink for DiskSink {
    fn validators(&mut self, _: &str, _: &str) -> Result<Option<Validators>, SinkError> {
        Ok(None)
    }
    fn document(
        &mut self,
        meta: &DocumentMeta,
        raw: &RawBody,
        outcome: &ParseOutcome,
    ) -> Result<bool, SinkError> {
        assert!(raw.in_memory().is_none(), "a 300 MB body must be spooled");
        let dest = self.dir.join(&meta.sha256);
        raw.persist(&dest).map_err(|e| SinkError(e.to_string()))?;
        let why = match outcome {
            Err(e) => e.to_string(),
            Ok(_) => "read".into(),
        };
        self.stored.push((meta.clone(), dest, why));
        Ok(true)
    }
    fn unchanged(&mut self, _: &str, _: &str, _: DateTime<Utc>) -> Result<(), SinkError> {
        Ok(())
    }
    fn gone(&mut self, _: &str, _: &str, _: DateTime<Utc>) -> Result<(), SinkError> {
        Ok(())
    }
    fn failed(&mut self, _: &str, url: &str, e: &str, _: DateTime<Utc>) -> Result<(), SinkError> {
        panic!("{url} failed: {e}")
    }
    fn crawl_finished(
        &mut self,
        _: &str,
        _: DateTime<Utc>,
        _: &[String],
        _: bool,
    ) -> Result<(), SinkError> {
        Ok(())
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
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(serve(listener));

    let options = CrawlOptions {
        rate_per_sec: 100.0,
        spool_dir: Some(archive.join("spool")),
        ..CrawlOptions::default()
    };
    let mirrors = MirrorMap::parse(&[format!("{HOST}=http://{addr}")]).unwrap();
    let fetcher = Fetcher::for_adapters(options.fetch_config(), &[&BigFile], mirrors).unwrap();
    let mut sink = DiskSink {
        dir: archive.clone(),
        stored: Vec::new(),
    };
    let before = status_kb("VmRSS:");
    let report = crawl(&[&BigFile], &fetcher, &mut sink, &options).await;
    let peak = status_kb("VmHWM:");
    let growth_mb = peak.saturating_sub(before) as f64 / 1024.0;
    eprintln!(
        "RSS before {before} kB, peak {peak} kB: +{growth_mb:.1} MB for a {SIZE}-byte download"
    );

    assert_eq!(report.per_source[0].fetched, 1, "{report}");
    let (meta, path, why) = &sink.stored[0];
    assert_eq!(meta.size, SIZE);
    assert_eq!(meta.sha256, want, "hashed while streaming");
    assert_eq!(std::fs::metadata(path).unwrap().len(), SIZE);
    assert!(
        why.contains("decode limit"),
        "archived, reported unread: {why}"
    );
    let spool_left = std::fs::read_dir(archive.join("spool")).unwrap().count();
    assert_eq!(spool_left, 0, "the spooled file was moved, not copied");
    assert!(growth_mb < 50.0, "RSS grew by {growth_mb:.1} MB");
}
