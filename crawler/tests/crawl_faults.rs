//! The crawl driver against a wiremock replica of a fictional source, one fault per test.
//! In every test the other documents of the same crawl must still reach the sink.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure

mod common;

use common::crawling::*;
use mieru_crawler::adapter::{Adapter, ParseError, Parsed};
use mieru_crawler::crawl::{crawl, CrawlOptions, CrawlReport};
use mieru_crawler::document::{Body, Document};
use mieru_crawler::provenance::{DocumentMeta, Fact, Property, SubjectKey, SubjectKind};
use mieru_crawler::request::Request;
use mieru_crawler::sink::ParseOutcome;
use scraper::{Html, Selector};
use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;
use url::Url;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate, Times};

const HOST: &str = "www.kakuu-kousei.test";
const OUTSIDE: &str = "www.soto.test";
/// A second host of the same source, served by a raw TCP server for faults wiremock won't make.
const FILES: &str = "files.kakuu-kousei.test";

/// A fictional source: every `<li>` is a facility name, every `<a href>` a link.
fn fixture() -> TestSource {
    TestSource::new(
        "fixture",
        &[HOST, FILES],
        Request::get(real("/index.html")),
        parse_fixture,
    )
}

fn parse_fixture(doc: &Document) -> Result<Parsed, ParseError> {
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

fn real(p: &str) -> Url {
    Url::parse(&format!("https://{HOST}{p}")).unwrap()
}

/// The mirror serves the replica under `/m`.
fn mp(p: &str) -> String {
    format!("/m{p}")
}

/// Serves `response` for every GET of the mirrored `p`, expected `times` times.
async fn mount(server: &MockServer, p: &str, response: ResponseTemplate, times: impl Into<Times>) {
    serve_get(server, &mp(p), response, times).await;
}

/// Serves `response` for the first `n` GETs of the mirrored `p` only, each expected: a fault
/// that clears (a later `mount` answers after it).
async fn mount_first(server: &MockServer, p: &str, response: ResponseTemplate, n: u64) {
    Mock::given(method("GET"))
        .and(path(mp(p)))
        .respond_with(response)
        .up_to_n_times(n)
        .expect(n)
        .mount(server)
        .await;
}

/// What the fault tests ask of the sink, by path on the fixture's host.
impl MemSink {
    fn doc(&self, p: &str) -> Option<&(DocumentMeta, Vec<u8>, ParseOutcome)> {
        self.doc_at(real(p).as_str())
    }

    fn facts_of(&self, p: &str) -> Vec<String> {
        match self.doc(p) {
            Some((_, _, Ok(parsed))) => parsed.facts.iter().map(|f| f.value.clone()).collect(),
            _ => Vec::new(),
        }
    }

    fn failed_for(&self, p: &str) -> Option<&str> {
        self.failed_at(real(p).as_str())
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
}

/// A page naming one facility.
fn li(name: &str) -> ResponseTemplate {
    html(&format!("<li>{name}</li>"))
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
    let index = format!("<ul><li>架空再生医療センター</li></ul>{links}");
    mount(server, "/index.html", html(&index), ..).await;
    let ok1 =
        "<ul><li>医療法人社団架空会 みらいクリニック</li></ul><a href=\"index.html\">back</a>";
    mount(server, "/ok1.html", html(ok1), 1).await;
    mount(server, "/ok2.html", li("株式会社架空細胞 培養センター"), 1).await;
}

fn opts() -> CrawlOptions {
    CrawlOptions {
        size_cap: 1024 * 1024,
        ..quick_crawl(3)
    }
}

fn mirrors(server: &MockServer, outside: Option<&MockServer>) -> Vec<String> {
    let mut specs = vec![format!("{HOST}={}/m", server.uri())];
    if let Some(o) = outside {
        specs.push(format!("{OUTSIDE}={}/", o.uri()));
    }
    specs
}

async fn run(server: &MockServer, sink: &mut MemSink, opts: &CrawlOptions) -> CrawlReport {
    let fixture = fixture();
    let adapters: [&dyn Adapter; 1] = [&fixture];
    let fetcher = fetcher(opts, &adapters, &mirrors(server, None));
    crawl(&adapters, &fetcher, sink, opts).await
}

#[tokio::test]
async fn server_errors_are_retried_until_success() {
    let server = MockServer::start().await;
    mount_site(&server, &["flaky.html"]).await;
    mount_first(&server, "/flaky.html", ResponseTemplate::new(503), 2).await;
    mount(&server, "/flaky.html", li("架空中央クリニック"), 1).await;
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
    mount(&server, "/down.html", ResponseTemplate::new(500), 3).await;
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
    let busy = ResponseTemplate::new(429).insert_header("retry-after", "1");
    mount_first(&server, "/busy.html", busy, 1).await;
    mount(&server, "/busy.html", li("架空北クリニック"), 1).await;
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
    let slow = li("遅い").set_delay(Duration::from_secs(3));
    mount(&server, "/slow.html", slow, 2).await;
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
    let mislabelled =
        ResponseTemplate::new(200).set_body_raw(sjis.into_owned(), "text/html; charset=UTF-8");
    mount(&server, "/sjis.html", mislabelled, 1).await;
    // Unclosed tags, stray end tags, a `<` in text, a bad entity: still read, link still found.
    mount(&server, "/broken.html", ResponseTemplate::new(200).set_body_raw(
            "<html><body><div><ul><li>架空東クリニック<li>架空西クリニック</span></div>< &nope; <a href=deep.html>深い",
            "text/html",
        ), 1).await;
    mount(&server, "/deep.html", li("架空深層センター"), 1).await;
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
    raw_server(|mut sock| async move {
        let _ = sock
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5000\r\n\r\n<li>cut")
            .await;
        let _ = sock.shutdown().await;
    })
    .await
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
    let huge = ResponseTemplate::new(200).set_body_raw(vec![b'x'; 50_000_000], "text/csv");
    mount(&server, "/huge.csv", huge, 1).await;
    let o = CrawlOptions {
        max_retries: 1,
        ..opts()
    };
    let fixture = fixture();
    let adapters: [&dyn Adapter; 1] = [&fixture];
    let mut specs = mirrors(&server, None);
    specs.push(format!("{FILES}={files}"));
    let fetcher = fetcher(&o, &adapters, &specs);
    let mut sink = MemSink::default();
    let report = crawl(&adapters, &fetcher, &mut sink, &o).await;
    sink.assert_others_fetched();
    let huge = sink.failed_for("/huge.csv").unwrap();
    assert!(
        huge.starts_with("body larger than the 1048576-byte cap"),
        "{huge}"
    );
    let cut_url = format!("https://{FILES}/cut.html");
    assert_eq!(
        sink.failed_at(&cut_url),
        Some("body truncated after 7 bytes of 5000")
    );
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
    mount(&server, "/loop1.html", redirect(302, "/m/loop2.html"), 1).await;
    let back = format!("{}/m/loop1.html", server.uri());
    mount(&server, "/loop2.html", redirect(302, &back), 1).await;
    let moved = format!("https://{HOST}/new.html");
    mount(&server, "/moved.html", redirect(301, &moved), 1).await;
    mount(&server, "/new.html", li("移転先クリニック"), 1).await;
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
        .respond_with(li("外部"))
        .expect(0)
        .mount(&outside)
        .await;
    let fixture = fixture();
    let adapters: [&dyn Adapter; 1] = [&fixture];
    let o = opts();
    // Even with a mirror for the outside host configured, it is not on the allowlist.
    let fetcher = fetcher(&o, &adapters, &mirrors(&server, Some(&outside)));
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
    let robots = text("User-agent: *\nDisallow: /private/\n");
    mount(&server, "/robots.txt", robots, 1).await;
    mount(&server, "/private/secret.html", li("秘密"), 0).await;
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
    let cached = html(r#"<li>架空南クリニック</li><a href="leaf.html">leaf</a>"#)
        .insert_header("etag", "\"v1\"");
    mount(&server, "/cached.html", cached, 1).await;
    mount(&server, "/leaf.html", li("架空葉クリニック"), ..).await;
    mount(&server, "/later-gone.html", li("閉院予定クリニック"), 1).await;
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
    mount(&server, "/leaf.html", li("架空葉クリニック"), 1).await;
    mount(&server, "/later-gone.html", ResponseTemplate::new(404), 1).await;
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
    let index = html(r#"<li>a</li><a href="ok1.html">1</a><a href="ok2.html">2</a>"#);
    mount(&server, "/index.html", index, ..).await;
    mount(&server, "/ok1.html", li("b"), 1).await;
    mount(&server, "/ok2.html", li("c"), 0).await;
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
    let notes = ResponseTemplate::new(200).set_body_raw("plain text", "text/plain");
    mount(&server, "/notes.txt", notes, 1).await;
    mount(&server, "/unstorable.html", li("保存できない"), 1).await;
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
fn published_file() -> TestSource {
    let start = Request::get(real("/files/diff_20261101.csv")).immutable();
    TestSource::new("published-file", &[HOST], start, |doc| match &doc.body {
        Body::Csv(_) => Ok(Parsed::default()),
        other => Err(ParseError::WrongKind(format!("not the file: {other:?}"))),
    })
}

#[tokio::test]
async fn a_held_file_is_not_fetched_again_unless_what_was_held_could_not_be_read() {
    let server = MockServer::start().await;
    // The first answer is an error page with status 200, as some download servers send.
    let (file, error_page) = (
        "/files/diff_20261101.csv",
        html("<p>エラーが発生しました</p>"),
    );
    mount_first(&server, file, error_page, 1).await;
    let csv = ResponseTemplate::new(200).set_body_raw("a,b\n1,2\n", "text/csv");
    mount(&server, file, csv, 1).await;
    let source = published_file();
    let adapters: [&dyn Adapter; 1] = [&source];
    let fetcher = fetcher(&opts(), &adapters, &mirrors(&server, None));
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
