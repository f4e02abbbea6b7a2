//! What the crawl and fetch tests share: a sink that keeps everything in memory, a source
//! defined by its fields, fast crawl options, a wiremock route in one call, and a raw TCP
//! server for faults wiremock won't make.

use chrono::{DateTime, Utc};
use mieru_crawler::adapter::{Adapter, ParseError, Parsed, SourceLimits, StartContext};
use mieru_crawler::crawl::CrawlOptions;
use mieru_crawler::document::Document;
use mieru_crawler::fetch::{Fetcher, RawBody};
use mieru_crawler::mirror::MirrorMap;
use mieru_crawler::provenance::DocumentMeta;
use mieru_crawler::request::Request;
use mieru_crawler::sink::{ParseOutcome, Sink, SinkError, Validators};
use std::collections::HashMap;
use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate, Times};

/// A source whose name, hosts, start request, limits and parser are given; it checks no
/// structure. Each test states only what its source does differently.
pub struct TestSource {
    pub name: &'static str,
    pub hosts: &'static [&'static str],
    pub start: Request,
    pub limits: SourceLimits,
    pub parse: fn(&Document) -> Result<Parsed, ParseError>,
}

impl TestSource {
    /// A source with the crawl-wide limits.
    pub fn new(
        name: &'static str,
        hosts: &'static [&'static str],
        start: Request,
        parse: fn(&Document) -> Result<Parsed, ParseError>,
    ) -> Self {
        Self {
            name,
            hosts,
            start,
            limits: SourceLimits::default(),
            parse,
        }
    }
}

impl Adapter for TestSource {
    fn name(&self) -> &'static str {
        self.name
    }
    fn hosts(&self) -> &'static [&'static str] {
        self.hosts
    }
    fn start_requests(&self, _: &StartContext) -> Vec<Request> {
        vec![self.start.clone()]
    }
    fn limits(&self) -> SourceLimits {
        self.limits
    }
    fn check_structure(&self, _: &Document) -> Vec<String> {
        Vec::new()
    }
    fn parse(&self, doc: &Document) -> Result<Parsed, ParseError> {
        (self.parse)(doc)
    }
}

/// Crawl options for a local server: no pacing to speak of, short retry delays and timeout.
pub fn quick_crawl(max_retries: u32) -> CrawlOptions {
    CrawlOptions {
        rate_per_sec: 1000.0,
        max_retries,
        retry_base_delay: Duration::from_millis(10),
        timeout: Duration::from_secs(5),
        ..CrawlOptions::default()
    }
}

/// A fetcher for `adapters` with `opts`, sending each real host to its mirror
/// (`host=base URL` specs).
pub fn fetcher(opts: &CrawlOptions, adapters: &[&dyn Adapter], mirrors: &[String]) -> Fetcher {
    let mirrors = MirrorMap::parse(mirrors).unwrap();
    Fetcher::for_adapters(opts.fetch_config(), adapters, mirrors).unwrap()
}

/// Serves `response` for every GET of `url_path` on `server`, expected `times` times (`..`:
/// any number).
pub async fn serve_get(
    server: &MockServer,
    url_path: &str,
    response: ResponseTemplate,
    times: impl Into<Times>,
) {
    Mock::given(method("GET"))
        .and(path(url_path))
        .respond_with(response)
        .expect(times)
        .mount(server)
        .await;
}

/// A redirect with status `status` to `location`.
pub fn redirect(status: u16, location: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).insert_header("location", location)
}

/// A 200 with a plain-text body (robots.txt, a small document).
pub fn text(body: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_string(body)
}

/// Keeps in memory everything the crawl driver reports, and archives like the root's sink:
/// validators and raw bytes per URL, so a second crawl sees what the first stored.
#[derive(Default)]
pub struct MemSink {
    pub docs: Vec<(DocumentMeta, Vec<u8>, ParseOutcome)>,
    pub store: HashMap<String, (Validators, Vec<u8>)>,
    pub unchanged: Vec<String>,
    pub gone: Vec<String>,
    pub failed: Vec<(String, String)>,
    pub finished: Vec<(String, Vec<String>, bool)>,
    /// Make `document` fail for this URL, as a full disk or a lost database would.
    pub fail_document_for: Option<String>,
    /// Where bodies are moved, named by their SHA-256, as the root's archive takes a spooled
    /// body; they are then not read into memory (and kept empty in `docs` and `store`).
    pub archive_dir: Option<PathBuf>,
    /// How many bodies came spooled to disk rather than in memory.
    pub spooled: usize,
}

impl Sink for MemSink {
    fn validators(&mut self, _: &str, url: &str) -> Result<Option<Validators>, SinkError> {
        Ok(self.store.get(url).map(|(v, _)| v.clone()))
    }
    fn document(
        &mut self,
        meta: &DocumentMeta,
        raw: &RawBody,
        outcome: &ParseOutcome,
    ) -> Result<bool, SinkError> {
        if raw.in_memory().is_none() {
            self.spooled += 1;
        }
        let raw = match &self.archive_dir {
            Some(dir) => {
                let dest = dir.join(&meta.sha256);
                raw.persist(&dest).map_err(|e| SinkError(e.to_string()))?;
                Vec::new()
            }
            None => raw.bytes_up_to(u64::MAX).unwrap().unwrap().into_owned(),
        };
        let raw = raw.as_slice();
        if self.fail_document_for.as_deref() == Some(meta.url.as_str()) {
            return Err(SinkError("disk full".into()));
        }
        let new = self
            .store
            .get(&meta.url)
            .is_none_or(|(v, _)| v.sha256.as_deref() != Some(meta.sha256.as_str()));
        let v = Validators {
            etag: meta.etag.clone(),
            last_modified: meta.last_modified.clone(),
            sha256: Some(meta.sha256.clone()),
            unreadable: outcome.is_err(),
        };
        self.store.insert(meta.url.clone(), (v, raw.to_vec()));
        self.docs
            .push((meta.clone(), raw.to_vec(), copy_outcome(outcome)));
        Ok(new)
    }
    fn unchanged(&mut self, _: &str, url: &str, _: DateTime<Utc>) -> Result<(), SinkError> {
        self.unchanged.push(url.to_string());
        Ok(())
    }
    fn gone(&mut self, _: &str, url: &str, _: DateTime<Utc>) -> Result<(), SinkError> {
        self.gone.push(url.to_string());
        Ok(())
    }
    fn failed(
        &mut self,
        _: &str,
        url: &str,
        error: &str,
        _: DateTime<Utc>,
    ) -> Result<(), SinkError> {
        self.failed.push((url.to_string(), error.to_string()));
        Ok(())
    }
    fn archived(&mut self, _: &str, url: &str) -> Result<Option<Vec<u8>>, SinkError> {
        Ok(self.store.get(url).map(|(_, raw)| raw.clone()))
    }
    fn crawl_finished(
        &mut self,
        source: &str,
        _: DateTime<Utc>,
        seen: &[String],
        complete: bool,
    ) -> Result<(), SinkError> {
        self.finished
            .push((source.to_string(), seen.to_vec(), complete));
        Ok(())
    }
}

/// `ParseError` is not `Clone`; keep its message.
fn copy_outcome(outcome: &ParseOutcome) -> ParseOutcome {
    match outcome {
        Ok(p) => Ok(p.clone()),
        Err(e) => Err(ParseError::Malformed(e.to_string())),
    }
}

impl MemSink {
    /// The stored document of `url`.
    pub fn doc_at(&self, url: &str) -> Option<&(DocumentMeta, Vec<u8>, ParseOutcome)> {
        self.docs.iter().find(|(m, _, _)| m.url == url)
    }

    /// The error recorded for `url`.
    pub fn failed_at(&self, url: &str) -> Option<&str> {
        self.failed
            .iter()
            .find(|(u, _)| u == url)
            .map(|(_, e)| e.as_str())
    }

    /// Whether the last crawl finished complete.
    pub fn complete(&self) -> bool {
        self.finished.last().map(|f| f.2).unwrap_or(false)
    }
}

/// A one-route HTTP/1.1 server over raw TCP, for faults a well-behaved server won't make.
/// `/robots.txt` answers 404; anything else gets `respond` once the request head is read.
/// Returns the base URL.
pub async fn raw_server<F, Fut>(respond: F) -> String
where
    F: Fn(TcpStream) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let respond = Arc::new(respond);
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let respond = respond.clone();
            tokio::spawn(async move {
                let mut req = Vec::new();
                let mut buf = [0u8; 1024];
                while !req.windows(4).any(|w| w == b"\r\n\r\n") {
                    match sock.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => req.extend_from_slice(&buf[..n]),
                    }
                }
                if req.starts_with(b"GET /robots.txt ") {
                    let _ = sock
                        .write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                        .await;
                    return;
                }
                respond(sock).await;
            });
        }
    });
    format!("http://{addr}")
}
