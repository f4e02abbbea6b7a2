//! The crawl driver against a wiremock replica of a fictional source, one fault per test.
//! In every test the other documents of the same crawl must still reach the sink.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure

use chrono::{DateTime, Utc};
use mieru_crawler::adapter::{Adapter, ParseError, Parsed, StartContext};
use mieru_crawler::crawl::{crawl, CrawlOptions, CrawlReport};
use mieru_crawler::document::{Body, Document};
use mieru_crawler::fetch::{Fetcher, RawBody};
use mieru_crawler::mirror::MirrorMap;
use mieru_crawler::provenance::{DocumentMeta, Fact, Property, SubjectKey, SubjectKind};
use mieru_crawler::request::Request;
use mieru_crawler::sink::{ParseOutcome, Sink, SinkError, Validators};
use scraper::{Html, Selector};
use std::collections::HashMap;
use std::time::{Duration, Instant};
use url::Url;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const HOST: &str = "www.kakuu-kousei.test";
const OUTSIDE: &str = "www.soto.test";
/// A second host of the same source, served by a raw TCP server for faults wiremock won't make.
const FILES: &str = "files.kakuu-kousei.test";

/// A fictional source: every `<li>` is a facility name, every `<a href>` a link.
struct Fixture;

impl Adapter for Fixture {
    fn name(&self) -> &'static str {
        "fixture"
    }
    fn hosts(&self) -> &'static [&'static str] {
        &[HOST, FILES]
    }
    fn start_requests(&self, _: &StartContext) -> Vec<Request> {
        vec![Request::get(real("/index.html"))]
    }
    fn check_structure(&self, _: &Document) -> Vec<String> {
        Vec::new()
    }
    fn parse(&self, doc: &Document) -> Result<Parsed, ParseError> {
        let Body::Html(html) = &doc.body else {
            return Err(ParseError::WrongKind(format!("{:?}", doc.body)));
        };
        let base = Url::parse(&doc.meta.url).map_err(|e| ParseError::Malformed(e.to_string()))?;
        let page = Html::parse_document(html);
        let li = Selector::parse("li").map_err(|e| ParseError::Malformed(e.to_string()))?;
        let a = Selector::parse("a[href]").map_err(|e| ParseError::Malformed(e.to_string()))?;
        let subject = SubjectKey::new(SubjectKind::Facility, "fixture", base.path());
        let facts = page
            .select(&li)
            .map(|e| Fact::new(&subject, Property::Name, e.text().collect::<String>()))
            .collect();
        let links = page
            .select(&a)
            .filter_map(|e| e.value().attr("href"))
            .filter_map(|h| base.join(h).ok())
            .map(Request::get)
            .collect();
        Ok(Parsed { facts, links })
    }
}

fn real(p: &str) -> Url {
    Url::parse(&format!("https://{HOST}{p}")).unwrap()
}

/// The mirror serves the replica under `/m`.
fn mp(p: &str) -> String {
    format!("/m{p}")
}

#[derive(Default)]
struct MemSink {
    docs: Vec<(DocumentMeta, Vec<u8>, ParseOutcome)>,
    store: HashMap<String, (Validators, Vec<u8>)>,
    unchanged: Vec<String>,
    gone: Vec<String>,
    failed: Vec<(String, String)>,
    finished: Vec<(String, Vec<String>, bool)>,
    /// Make `document` fail for this URL, as a full disk or a lost database would.
    fail_document_for: Option<String>,
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
        let raw = raw.bytes_up_to(u64::MAX).unwrap().unwrap().into_owned();
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
    fn doc(&self, p: &str) -> Option<&(DocumentMeta, Vec<u8>, ParseOutcome)> {
        let url = real(p).to_string();
        self.docs.iter().find(|(m, _, _)| m.url == url)
    }

    fn facts_of(&self, p: &str) -> Vec<String> {
        match self.doc(p) {
            Some((_, _, Ok(parsed))) => parsed.facts.iter().map(|f| f.value.clone()).collect(),
            _ => Vec::new(),
        }
    }

    fn failed_for(&self, p: &str) -> Option<&str> {
        let url = real(p).to_string();
        self.failed
            .iter()
            .find(|(u, _)| *u == url)
            .map(|(_, e)| e.as_str())
    }

    /// The documents every fault test shares were fetched, parsed and stored.
    fn assert_others_fetched(&self) {
        for (p, fact) in [
            ("/index.html", "架空再生医療センター"),
            ("/ok1.html", "医療法人社団架空会 みらいクリニック"),
            ("/ok2.html", "株式会社架空細胞 培養センター"),
        ] {
            assert_eq!(self.facts_of(p), vec![fact.to_string()], "document {p}");
        }
    }

    fn complete(&self) -> bool {
        self.finished.last().map(|f| f.2).unwrap_or(false)
    }
}

fn html(body: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(
        format!("<!DOCTYPE html><html><head><title>t</title></head><body>{body}</body></html>"),
        "text/html; charset=utf-8",
    )
}

/// index → ok1, ok2 and the pages named in `extra_links`.
async fn mount_site(server: &MockServer, extra_links: &[&str]) {
    let mut links = String::from(r#"<a href="ok1.html">1</a><a href="/ok2.html#top">2</a>"#);
    for l in extra_links {
        links.push_str(&format!(r#"<a href="{l}">x</a>"#));
    }
    Mock::given(method("GET"))
        .and(path(mp("/index.html")))
        .respond_with(html(&format!(
            "<ul><li>架空再生医療センター</li></ul>{links}"
        )))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(mp("/ok1.html")))
        .respond_with(html(
            "<ul><li>医療法人社団架空会 みらいクリニック</li></ul><a href=\"index.html\">back</a>",
        ))
        .expect(1)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(mp("/ok2.html")))
        .respond_with(html("<li>株式会社架空細胞 培養センター</li>"))
        .expect(1)
        .mount(server)
        .await;
}

fn opts() -> CrawlOptions {
    CrawlOptions {
        rate_per_sec: 1000.0,
        max_retries: 3,
        retry_base_delay: Duration::from_millis(10),
        timeout: Duration::from_secs(5),
        size_cap: 1024 * 1024,
        max_documents: None,
        progress: false,
        ..CrawlOptions::default()
    }
}

fn mirrors(server: &MockServer, outside: Option<&MockServer>) -> MirrorMap {
    let mut specs = vec![format!("{HOST}={}/m", server.uri())];
    if let Some(o) = outside {
        specs.push(format!("{OUTSIDE}={}/", o.uri()));
    }
    MirrorMap::parse(&specs).unwrap()
}

async fn run(server: &MockServer, sink: &mut MemSink, opts: &CrawlOptions) -> CrawlReport {
    let adapters: [&dyn Adapter; 1] = [&Fixture];
    let fetcher =
        Fetcher::for_adapters(opts.fetch_config(), &adapters, mirrors(server, None)).unwrap();
    crawl(&adapters, &fetcher, sink, opts).await
}

#[tokio::test]
async fn server_errors_are_retried_until_success() {
    let server = MockServer::start().await;
    mount_site(&server, &["flaky.html"]).await;
    Mock::given(path(mp("/flaky.html")))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(path(mp("/flaky.html")))
        .respond_with(html("<li>架空中央クリニック</li>"))
        .expect(1)
        .mount(&server)
        .await;
    let mut sink = MemSink::default();
    let report = run(&server, &mut sink, &opts()).await;
    sink.assert_others_fetched();
    assert_eq!(sink.facts_of("/flaky.html"), vec!["架空中央クリニック"]);
    let r = report.source("fixture").unwrap();
    assert_eq!(
        (r.fetched, r.failed, r.facts, r.new_snapshots),
        (4, 0, 4, 4)
    );
    assert!(r.complete && sink.complete());
    server.verify().await;
}

#[tokio::test]
async fn persistent_server_error_fails_only_that_document() {
    let server = MockServer::start().await;
    mount_site(&server, &["down.html"]).await;
    let o = CrawlOptions {
        max_retries: 2,
        ..opts()
    };
    Mock::given(path(mp("/down.html")))
        .respond_with(ResponseTemplate::new(500))
        .expect(3)
        .mount(&server)
        .await;
    let mut sink = MemSink::default();
    let report = run(&server, &mut sink, &o).await;
    sink.assert_others_fetched();
    assert_eq!(sink.failed_for("/down.html"), Some("HTTP status 500"));
    assert_eq!(report.source("fixture").unwrap().failed, 1);
    assert!(
        !sink.complete(),
        "a server error makes the crawl incomplete"
    );
    // Not evidence of removal: the failed URL is still among the seen ones.
    let seen = &sink.finished[0].1;
    assert!(seen.contains(&real("/down.html").to_string()));
    server.verify().await;
}

#[tokio::test]
async fn too_many_requests_honours_retry_after() {
    let server = MockServer::start().await;
    mount_site(&server, &["busy.html"]).await;
    Mock::given(path(mp("/busy.html")))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path(mp("/busy.html")))
        .respond_with(html("<li>架空北クリニック</li>"))
        .expect(1)
        .mount(&server)
        .await;
    let mut sink = MemSink::default();
    let t0 = Instant::now();
    run(&server, &mut sink, &opts()).await;
    assert!(
        t0.elapsed() >= Duration::from_millis(950),
        "waited {:?}, not the 1 s Retry-After",
        t0.elapsed()
    );
    sink.assert_others_fetched();
    assert_eq!(sink.facts_of("/busy.html"), vec!["架空北クリニック"]);
    assert!(sink.complete());
    server.verify().await;
}

#[tokio::test]
async fn timeout_then_crawl_continues() {
    let server = MockServer::start().await;
    mount_site(&server, &["slow.html"]).await;
    let o = CrawlOptions {
        timeout: Duration::from_millis(300),
        max_retries: 1,
        ..opts()
    };
    Mock::given(path(mp("/slow.html")))
        .respond_with(html("<li>遅い</li>").set_delay(Duration::from_secs(3)))
        .expect(2)
        .mount(&server)
        .await;
    let mut sink = MemSink::default();
    let t0 = Instant::now();
    let report = run(&server, &mut sink, &o).await;
    assert!(t0.elapsed() < Duration::from_secs(3));
    sink.assert_others_fetched();
    assert_eq!(sink.failed_for("/slow.html"), Some("timed out"));
    assert_eq!(report.source("fixture").unwrap().failed, 1);
    assert!(!sink.complete());
    server.verify().await;
}

#[tokio::test]
async fn wrong_charset_header_on_shift_jis_and_malformed_html() {
    let server = MockServer::start().await;
    mount_site(&server, &["sjis.html", "broken.html"]).await;
    let page = "<html><head><title>報道発表</title></head><body><ul><li>医療法人社団架空会　ひかり再生クリニック</li></ul></body></html>";
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(page);
    Mock::given(path(mp("/sjis.html")))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(sjis.into_owned(), "text/html; charset=UTF-8"),
        )
        .expect(1)
        .mount(&server)
        .await;
    // Unclosed tags, stray end tags, a `<` in text, a bad entity: still read, link still found.
    Mock::given(path(mp("/broken.html")))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            "<html><body><div><ul><li>架空東クリニック<li>架空西クリニック</span></div>< &nope; <a href=deep.html>深い",
            "text/html",
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path(mp("/deep.html")))
        .respond_with(html("<li>架空深層センター</li>"))
        .expect(1)
        .mount(&server)
        .await;
    let mut sink = MemSink::default();
    let report = run(&server, &mut sink, &opts()).await;
    sink.assert_others_fetched();
    assert_eq!(
        sink.facts_of("/sjis.html"),
        vec!["医療法人社団架空会　ひかり再生クリニック"]
    );
    let (meta, _, _) = sink.doc("/sjis.html").unwrap();
    assert_eq!(meta.encoding.as_deref(), Some("Shift_JIS"));
    assert_eq!(
        sink.facts_of("/broken.html"),
        vec!["架空東クリニック", "架空西クリニック"]
    );
    assert_eq!(sink.facts_of("/deep.html"), vec!["架空深層センター"]);
    assert_eq!(report.source("fixture").unwrap().parse_errors, 0);
    server.verify().await;
}

/// Serves every request with a 200 that declares 5000 bytes, sends a few and closes
/// (hyper-based servers such as wiremock refuse to send such a response).
async fn truncating_server() -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut req = Vec::new();
                let mut buf = [0u8; 1024];
                while !req.windows(4).any(|w| w == b"\r\n\r\n") {
                    match sock.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => req.extend_from_slice(&buf[..n]),
                    }
                }
                let reply: &[u8] = if req.starts_with(b"GET /robots.txt ") {
                    b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
                } else {
                    b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5000\r\n\r\n<li>cut"
                };
                let _ = sock.write_all(reply).await;
                let _ = sock.shutdown().await;
            });
        }
    });
    format!("http://{addr}")
}

#[tokio::test]
async fn oversized_and_truncated_bodies_fail_alone() {
    let server = MockServer::start().await;
    let files = truncating_server().await;
    mount_site(
        &server,
        &["huge.csv", "https://files.kakuu-kousei.test/cut.html"],
    )
    .await;
    // 50 MB against a 1 MiB cap: refused from the declared length, never buffered.
    Mock::given(path(mp("/huge.csv")))
        .respond_with(ResponseTemplate::new(200).set_body_raw(vec![b'x'; 50_000_000], "text/csv"))
        .expect(1)
        .mount(&server)
        .await;
    let o = CrawlOptions {
        max_retries: 1,
        ..opts()
    };
    let adapters: [&dyn Adapter; 1] = [&Fixture];
    let mirrors = MirrorMap::parse(&[
        format!("{HOST}={}/m", server.uri()),
        format!("{FILES}={files}"),
    ])
    .unwrap();
    let fetcher = Fetcher::for_adapters(o.fetch_config(), &adapters, mirrors).unwrap();
    let mut sink = MemSink::default();
    let report = crawl(&adapters, &fetcher, &mut sink, &o).await;
    sink.assert_others_fetched();
    let huge = sink.failed_for("/huge.csv").unwrap();
    assert!(
        huge.starts_with("body larger than the 1048576-byte cap"),
        "{huge}"
    );
    let cut_url = format!("https://{FILES}/cut.html");
    let cut = sink
        .failed
        .iter()
        .find(|(u, _)| *u == cut_url)
        .map(|(_, e)| e.as_str());
    assert_eq!(cut, Some("body truncated after 7 bytes of 5000"));
    assert!(
        sink.docs.iter().all(|(m, _, _)| m.url != cut_url),
        "a truncated body is never stored"
    );
    assert_eq!(report.source("fixture").unwrap().failed, 2);
    assert!(!sink.complete(), "a truncated body is a network failure");
    server.verify().await;
}

#[tokio::test]
async fn redirects_map_back_to_real_urls_and_loops_fail() {
    let server = MockServer::start().await;
    // new.html is linked directly too, after the redirect that reaches it: fetched once.
    mount_site(&server, &["loop1.html", "moved.html", "new.html"]).await;
    // The loop answers with mirror URLs, relative and absolute, as a replica server would.
    Mock::given(path(mp("/loop1.html")))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "/m/loop2.html"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path(mp("/loop2.html")))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("location", format!("{}/m/loop1.html", server.uri())),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path(mp("/moved.html")))
        .respond_with(
            ResponseTemplate::new(301)
                .insert_header("location", format!("https://{HOST}/new.html")),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path(mp("/new.html")))
        .respond_with(html("<li>移転先クリニック</li>"))
        .expect(1)
        .mount(&server)
        .await;
    let mut sink = MemSink::default();
    run(&server, &mut sink, &opts()).await;
    sink.assert_others_fetched();
    let e = sink.failed_for("/loop1.html").unwrap();
    assert!(e.starts_with("redirect loop"), "{e}");
    // Recorded under the real URL of the final hop.
    assert_eq!(sink.facts_of("/new.html"), vec!["移転先クリニック"]);
    assert!(sink
        .docs
        .iter()
        .all(|(m, _, _)| m.url.starts_with("https://www.kakuu-kousei.test/")));
    server.verify().await;
}

#[tokio::test]
async fn links_to_unlisted_hosts_are_never_requested() {
    let server = MockServer::start().await;
    let outside = MockServer::start().await;
    mount_site(
        &server,
        &[
            "https://www.soto.test/evil.html",
            "http://www.soto.test/robots.txt",
        ],
    )
    .await;
    Mock::given(method("GET"))
        .respond_with(html("<li>外部</li>"))
        .expect(0)
        .mount(&outside)
        .await;
    let adapters: [&dyn Adapter; 1] = [&Fixture];
    let o = opts();
    // Even with a mirror for the outside host configured, it is not on the allowlist.
    let fetcher = Fetcher::for_adapters(
        o.fetch_config(),
        &adapters,
        mirrors(&server, Some(&outside)),
    )
    .unwrap();
    let mut sink = MemSink::default();
    let report = crawl(&adapters, &fetcher, &mut sink, &o).await;
    sink.assert_others_fetched();
    let r = report.source("fixture").unwrap();
    assert_eq!((r.fetched, r.failed), (3, 0));
    assert!(sink.complete());
    outside.verify().await;
    server.verify().await;
}

#[tokio::test]
async fn robots_disallow_is_respected_and_read_once() {
    let server = MockServer::start().await;
    mount_site(&server, &["private/secret.html", "private/other.html"]).await;
    Mock::given(path(mp("/robots.txt")))
        .respond_with(
            ResponseTemplate::new(200).set_body_string("User-agent: *\nDisallow: /private/\n"),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path(mp("/private/secret.html")))
        .respond_with(html("<li>秘密</li>"))
        .expect(0)
        .mount(&server)
        .await;
    let mut sink = MemSink::default();
    let report = run(&server, &mut sink, &opts()).await;
    sink.assert_others_fetched();
    let e = sink.failed_for("/private/secret.html").unwrap();
    assert!(e.starts_with("robots.txt disallows"), "{e}");
    assert!(sink.failed_for("/private/other.html").is_some());
    // Our own refusal is not a server failure: the crawl is still complete.
    assert!(report.source("fixture").unwrap().complete);
    server.verify().await;
}

#[tokio::test]
async fn conditional_get_then_gone() {
    let server = MockServer::start().await;
    mount_site(&server, &["cached.html", "later-gone.html"]).await;
    Mock::given(path(mp("/cached.html")))
        .respond_with(
            html(r#"<li>架空南クリニック</li><a href="leaf.html">leaf</a>"#)
                .insert_header("etag", "\"v1\""),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path(mp("/leaf.html")))
        .respond_with(html("<li>架空葉クリニック</li>"))
        .mount(&server)
        .await;
    Mock::given(path(mp("/later-gone.html")))
        .respond_with(html("<li>閉院予定クリニック</li>"))
        .expect(1)
        .mount(&server)
        .await;
    let mut sink = MemSink::default();
    let first = run(&server, &mut sink, &opts()).await;
    assert_eq!(first.source("fixture").unwrap().fetched, 6);
    sink.assert_others_fetched();
    server.verify().await;

    // Second crawl: the cached page answers 304 to its ETag; the other page is gone.
    server.reset().await;
    mount_site(&server, &["cached.html", "later-gone.html"]).await;
    Mock::given(path(mp("/cached.html")))
        .and(header("if-none-match", "\"v1\""))
        .respond_with(ResponseTemplate::new(304))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path(mp("/leaf.html")))
        .respond_with(html("<li>架空葉クリニック</li>"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path(mp("/later-gone.html")))
        .respond_with(ResponseTemplate::new(404))
        .expect(1)
        .mount(&server)
        .await;
    let docs_before = sink.docs.len();
    let second = run(&server, &mut sink, &opts()).await;
    let r = second.source("fixture").unwrap();
    assert_eq!(sink.unchanged, vec![real("/cached.html").to_string()]);
    assert_eq!(sink.gone, vec![real("/later-gone.html").to_string()]);
    assert_eq!((r.unchanged, r.gone, r.fetched), (1, 1, 4));
    // No new document for the unchanged page, and unchanged content adds no snapshot.
    let new_docs: Vec<&str> = sink.docs[docs_before..]
        .iter()
        .map(|(m, _, _)| m.url.as_str())
        .collect();
    assert!(!new_docs.contains(&real("/cached.html").as_str()));
    assert_eq!(r.new_snapshots, 0);
    // The 304 page's links were still followed (from the archived snapshot).
    assert!(new_docs.contains(&real("/leaf.html").as_str()));
    assert!(sink.complete());
    server.verify().await;
}

#[tokio::test]
async fn document_limit_makes_the_crawl_incomplete() {
    let server = MockServer::start().await;
    Mock::given(path(mp("/index.html")))
        .respond_with(html(
            r#"<li>a</li><a href="ok1.html">1</a><a href="ok2.html">2</a>"#,
        ))
        .mount(&server)
        .await;
    Mock::given(path(mp("/ok1.html")))
        .respond_with(html("<li>b</li>"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path(mp("/ok2.html")))
        .respond_with(html("<li>c</li>"))
        .expect(0)
        .mount(&server)
        .await;
    let o = CrawlOptions {
        max_documents: Some(2),
        ..opts()
    };
    let mut sink = MemSink::default();
    let report = run(&server, &mut sink, &o).await;
    assert_eq!(report.source("fixture").unwrap().fetched, 2);
    assert!(!sink.complete());
    server.verify().await;
}

#[tokio::test]
async fn sink_and_parse_errors_are_counted_and_the_crawl_goes_on() {
    let server = MockServer::start().await;
    mount_site(&server, &["notes.txt", "unstorable.html"]).await;
    Mock::given(path(mp("/notes.txt")))
        .respond_with(ResponseTemplate::new(200).set_body_raw("plain text", "text/plain"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path(mp("/unstorable.html")))
        .respond_with(html("<li>保存できない</li>"))
        .expect(1)
        .mount(&server)
        .await;
    let mut sink = MemSink {
        fail_document_for: Some(real("/unstorable.html").to_string()),
        ..MemSink::default()
    };
    let report = run(&server, &mut sink, &opts()).await;
    sink.assert_others_fetched();
    let r = report.source("fixture").unwrap();
    assert_eq!((r.fetched, r.parse_errors, r.sink_errors), (5, 1, 1));
    // The unreadable document is still archived, with its parse error.
    let (_, raw, outcome) = sink.doc("/notes.txt").unwrap();
    assert_eq!(raw, b"plain text");
    assert!(
        matches!(outcome, Err(ParseError::Malformed(m)) if m.starts_with("unexpected document kind"))
    );
    assert!(report.to_string().contains("1 sink errors"));
    server.verify().await;
}

/// A source of published files that never change once out (like the corporate-number diffs).
struct PublishedFile;

impl Adapter for PublishedFile {
    fn name(&self) -> &'static str {
        "published-file"
    }
    fn hosts(&self) -> &'static [&'static str] {
        &[HOST]
    }
    fn start_requests(&self, _: &StartContext) -> Vec<Request> {
        vec![Request::get(real("/files/diff_20261101.csv")).immutable()]
    }
    fn check_structure(&self, _: &Document) -> Vec<String> {
        Vec::new()
    }
    fn parse(&self, doc: &Document) -> Result<Parsed, ParseError> {
        match &doc.body {
            Body::Csv(_) => Ok(Parsed::default()),
            other => Err(ParseError::WrongKind(format!("not the file: {other:?}"))),
        }
    }
}

#[tokio::test]
async fn a_held_file_is_not_fetched_again_unless_what_was_held_could_not_be_read() {
    let server = MockServer::start().await;
    // The first answer is an error page with status 200, as some download servers send.
    Mock::given(method("GET"))
        .and(path(mp("/files/diff_20261101.csv")))
        .respond_with(html("<p>エラーが発生しました</p>"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(mp("/files/diff_20261101.csv")))
        .respond_with(ResponseTemplate::new(200).set_body_raw("a,b\n1,2\n", "text/csv"))
        .expect(1)
        .mount(&server)
        .await;
    let adapters: [&dyn Adapter; 1] = [&PublishedFile];
    let fetcher =
        Fetcher::for_adapters(opts().fetch_config(), &adapters, mirrors(&server, None)).unwrap();
    let mut sink = MemSink::default();
    let fetched = |r: &CrawlReport| r.per_source[0].fetched;

    let first = crawl(&adapters, &fetcher, &mut sink, &opts()).await;
    assert_eq!((fetched(&first), first.per_source[0].parse_errors), (1, 1));
    // What was held could not be read: the file is asked for again, and now it is the file.
    let second = crawl(&adapters, &fetcher, &mut sink, &opts()).await;
    assert_eq!(
        (fetched(&second), second.per_source[0].parse_errors),
        (1, 0)
    );
    // Held and read: never fetched again.
    let third = crawl(&adapters, &fetcher, &mut sink, &opts()).await;
    assert_eq!((fetched(&third), third.per_source[0].unchanged), (0, 1));
    server.verify().await;
}
