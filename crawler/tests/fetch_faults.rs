//! The fetcher on its own: allowlist, robots.txt, rate limits, redirects, streaming caps and
//! connection faults that wiremock cannot produce (a raw TCP server stands in for those).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure

mod common;

use common::crawling::{raw_server, redirect, serve_get, text};
use mieru_crawler::fetch::{FetchConfig, FetchError, FetchOutcome, Fetcher};
use mieru_crawler::mirror::MirrorMap;
use mieru_crawler::sink::Validators;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;
use url::Url;
use wiremock::matchers::{header, header_regex, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const HOST: &str = "www.kakuu-kyoku.test";

fn config() -> FetchConfig {
    FetchConfig {
        rate_per_sec: 1000.0,
        retry_base_delay: Duration::from_millis(10),
        timeout: Duration::from_secs(5),
        size_cap: 1024 * 1024,
        ..FetchConfig::default()
    }
}

fn real(p: &str) -> Url {
    Url::parse(&format!("https://{HOST}{p}")).unwrap()
}

fn fetcher_for(base: &str, cfg: FetchConfig) -> Fetcher {
    let mirrors = MirrorMap::parse(&[format!("{HOST}={base}")]).unwrap();
    Fetcher::new(cfg, [HOST], mirrors).unwrap()
}

#[tokio::test]
async fn fetched_meta_uses_the_real_url_and_sends_the_user_agent() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/r/doc.html"))
        .and(header_regex(
            "user-agent",
            r"^mieru/\d+\.\d+\.\d+ \(\+https://",
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw("<p>架空</p>", "text/html; charset=utf-8")
                .insert_header("etag", "\"abc\"")
                .insert_header("last-modified", "Tue, 24 Nov 2026 01:00:00 GMT"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let f = fetcher_for(&format!("{}/r", server.uri()), config());
    let out = f
        .fetch("fixture", &real("/doc.html#frag"), None)
        .await
        .unwrap();
    let FetchOutcome::Fetched { meta, raw } = out else {
        panic!("expected a body, got {out:?}");
    };
    assert_eq!(raw.in_memory(), Some("<p>架空</p>".as_bytes()));
    assert_eq!(meta.url, real("/doc.html").to_string());
    assert_eq!(meta.source, "fixture");
    assert_eq!(meta.http_status, 200);
    assert_eq!(meta.etag.as_deref(), Some("\"abc\""));
    assert_eq!(
        meta.last_modified.as_deref(),
        Some("Tue, 24 Nov 2026 01:00:00 GMT")
    );
    assert_eq!(meta.size, raw.len());
    assert_eq!(meta.sha256.len(), 64);
    server.verify().await;
}

#[tokio::test]
async fn conditional_get_sends_both_validators() {
    let server = MockServer::start().await;
    Mock::given(path("/x.html"))
        .and(header("if-none-match", "\"v7\""))
        // wiremock's `header` splits values on commas, which an HTTP date contains.
        .and(header_regex(
            "if-modified-since",
            "^Mon, 23 Nov 2026 00:00:00 GMT$",
        ))
        .respond_with(ResponseTemplate::new(304))
        .expect(1)
        .mount(&server)
        .await;
    let f = fetcher_for(&server.uri(), config());
    let v = Validators {
        etag: Some("\"v7\"".into()),
        last_modified: Some("Mon, 23 Nov 2026 00:00:00 GMT".into()),
        sha256: None,
        unreadable: false,
    };
    assert_eq!(
        f.fetch("s", &real("/x.html"), Some(&v)).await,
        Ok(FetchOutcome::NotModified)
    );
    server.verify().await;
}

#[tokio::test]
async fn unlisted_host_is_refused_before_any_request() {
    let outside = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&outside)
        .await;
    // The outside host has a mirror, but is not on the allowlist.
    let mirrors = MirrorMap::parse(&[format!("www.soto.test={}", outside.uri())]).unwrap();
    let f = Fetcher::new(config(), [HOST], mirrors).unwrap();
    let url = Url::parse("https://www.soto.test/a.html").unwrap();
    assert_eq!(
        f.fetch("s", &url, None).await,
        Err(FetchError::HostNotAllowed("www.soto.test".into()))
    );
    outside.verify().await;
}

#[tokio::test]
async fn redirect_to_unlisted_host_is_refused() {
    let server = MockServer::start().await;
    let outside = MockServer::start().await;
    let away = format!("{}/x", outside.uri());
    serve_get(&server, "/go", redirect(302, &away), ..).await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&outside)
        .await;
    let f = fetcher_for(&server.uri(), config());
    let err = f.fetch("s", &real("/go"), None).await.unwrap_err();
    assert_eq!(err, FetchError::HostNotAllowed("127.0.0.1".into()));
    outside.verify().await;
}

#[tokio::test]
async fn redirect_chains_are_bounded() {
    let server = MockServer::start().await;
    for i in 0..8 {
        let next = format!("/hop{}", i + 1);
        serve_get(&server, &format!("/hop{i}"), redirect(307, &next), ..).await;
    }
    let f = fetcher_for(&server.uri(), config());
    assert_eq!(
        f.fetch("s", &real("/hop0"), None).await,
        Err(FetchError::TooManyRedirects(5))
    );
    let short = f.fetch("s", &real("/hop4"), None).await;
    // hop4 → … → hop8: four redirects, then hop8 is unmounted (404).
    assert_eq!(short, Ok(FetchOutcome::Gone(404)));
}

#[tokio::test]
async fn rate_limit_and_crawl_delay_space_requests() {
    let server = MockServer::start().await;
    let robots = text("User-agent: mieru\nCrawl-delay: 0.2\n");
    serve_get(&server, "/robots.txt", robots, 1).await;
    serve_get(&server, "/p", text("ok"), 3).await;
    let f = fetcher_for(&server.uri(), config());
    let t0 = Instant::now();
    for _ in 0..3 {
        assert!(matches!(
            f.fetch("s", &real("/p"), None).await,
            Ok(FetchOutcome::Fetched { .. })
        ));
    }
    // robots.txt, then three documents 0.2 s apart.
    assert!(
        t0.elapsed() >= Duration::from_millis(390),
        "{:?}",
        t0.elapsed()
    );
    server.verify().await;

    // Without a crawl delay the configured rate applies: 10/s → 3 requests ≥ 0.2 s apart total.
    let server = MockServer::start().await;
    serve_get(&server, "/q", text("ok"), ..).await;
    let f = fetcher_for(
        &server.uri(),
        FetchConfig {
            rate_per_sec: 10.0,
            ..config()
        },
    );
    let t0 = Instant::now();
    for _ in 0..3 {
        f.fetch("s", &real("/q"), None).await.unwrap();
    }
    assert!(
        t0.elapsed() >= Duration::from_millis(290),
        "{:?}",
        t0.elapsed()
    );
}

#[tokio::test]
async fn unreachable_robots_blocks_the_host_and_is_read_once_per_crawl() {
    let server = MockServer::start().await;
    // Two crawls, one attempt plus three retries each.
    serve_get(&server, "/robots.txt", ResponseTemplate::new(503), 2 * 4).await;
    serve_get(&server, "/a", ResponseTemplate::new(200), 0).await;
    let f = fetcher_for(&server.uri(), config());
    for _ in 0..2 {
        f.begin_crawl();
        for _ in 0..2 {
            let e = f.fetch("s", &real("/a"), None).await.unwrap_err();
            assert!(matches!(e, FetchError::RobotsUnavailable { .. }), "{e}");
            assert!(e.is_server_or_network());
        }
    }
    server.verify().await;
}

#[tokio::test]
async fn long_retry_after_gives_up_instead_of_stalling() {
    let server = MockServer::start().await;
    let busy = ResponseTemplate::new(429).insert_header("retry-after", "3600");
    serve_get(&server, "/later", busy, 1).await;
    let f = fetcher_for(&server.uri(), config());
    assert_eq!(
        f.fetch("s", &real("/later"), None).await,
        Err(FetchError::Http(429))
    );
    server.verify().await;
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    let server = MockServer::start().await;
    serve_get(&server, "/forbidden", ResponseTemplate::new(403), 1).await;
    serve_get(&server, "/removed", ResponseTemplate::new(410), 1).await;
    let f = fetcher_for(&server.uri(), config());
    assert_eq!(
        f.fetch("s", &real("/forbidden"), None).await,
        Err(FetchError::Http(403))
    );
    assert_eq!(
        f.fetch("s", &real("/removed"), None).await,
        Ok(FetchOutcome::Gone(410))
    );
    server.verify().await;
}

#[tokio::test]
async fn body_shorter_than_content_length_is_truncated() {
    let hits = Arc::new(AtomicU64::new(0));
    let h = hits.clone();
    let base = raw_server(move |mut sock| {
        h.fetch_add(1, Ordering::SeqCst);
        async move {
            let _ = sock
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5000\r\n\r\n<p>only this")
                .await;
            let _ = sock.shutdown().await;
        }
    })
    .await;
    let f = fetcher_for(
        &base,
        FetchConfig {
            max_retries: 1,
            ..config()
        },
    );
    let err = f.fetch("s", &real("/cut"), None).await.unwrap_err();
    assert!(
        matches!(
            err,
            FetchError::Truncated {
                expected: Some(5000),
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(hits.load(Ordering::SeqCst), 2, "truncation is retried once");
}

#[tokio::test]
async fn endless_chunked_body_is_cut_at_the_cap_while_streaming() {
    // No Content-Length: only streaming can notice the size. The server would send 50 MB.
    let sent = Arc::new(AtomicU64::new(0));
    let s = sent.clone();
    let base = raw_server(move |mut sock| {
        let s = s.clone();
        async move {
            if sock
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nTransfer-Encoding: chunked\r\n\r\n")
                .await
                .is_err()
            {
                return;
            }
            let chunk = vec![b'a'; 64 * 1024];
            let head = format!("{:x}\r\n", chunk.len());
            for _ in 0..800 {
                let ok = sock.write_all(head.as_bytes()).await.is_ok()
                    && sock.write_all(&chunk).await.is_ok()
                    && sock.write_all(b"\r\n").await.is_ok();
                if !ok {
                    return;
                }
                s.fetch_add(chunk.len() as u64, Ordering::SeqCst);
            }
            let _ = sock.write_all(b"0\r\n\r\n").await;
        }
    })
    .await;
    let f = fetcher_for(&base, config());
    let err = f.fetch("s", &real("/big.csv"), None).await.unwrap_err();
    assert_eq!(
        err,
        FetchError::TooLarge {
            limit: 1024 * 1024,
            declared: None
        }
    );
    // The connection was dropped: the server could not push anywhere near 50 MB.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let pushed = sent.load(Ordering::SeqCst);
    assert!(pushed < 20 * 1024 * 1024, "server pushed {pushed} bytes");
}

#[tokio::test]
async fn connection_refused_is_a_network_error_after_retries() {
    // Bind then drop a listener to get a port nobody listens on.
    let port = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let f = fetcher_for(&format!("http://127.0.0.1:{port}"), config());
    let err = f.fetch("s", &real("/x"), None).await.unwrap_err();
    // robots.txt is fetched first and is unreachable too: the host is off limits.
    assert!(err.is_server_or_network(), "{err:?}");
}

/// A form POST passes the same gates as a GET: the allowlist, robots.txt and the rate limit;
/// it carries its form body and the cookie the page set, and a redirect after it is a GET.
#[tokio::test]
async fn form_posts_pass_the_same_gates_and_keep_the_session() {
    use mieru_crawler::adapter::SourceLimits;
    use mieru_crawler::request::Request;
    use wiremock::matchers::body_string_contains;

    let server = MockServer::start().await;
    let robots = text("User-agent: *\nDisallow: /private/\n");
    serve_get(&server, "/robots.txt", robots, ..).await;
    let page = text("<form></form>").insert_header("set-cookie", "JSESSIONID=s1; Path=/");
    serve_get(&server, "/download/", page, ..).await;
    Mock::given(method("POST"))
        .and(path("/download/"))
        .and(header("cookie", "JSESSIONID=s1"))
        .and(body_string_contains("selDlFileNo=7"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(b"PK-file".to_vec()))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/private/"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let f = fetcher_for(&server.uri(), config());
    let limits = SourceLimits::default();
    f.fetch("houjin", &real("/download/"), None).await.unwrap();
    let form = vec![
        ("event".into(), "download".into()),
        ("selDlFileNo".into(), "7".into()),
    ];
    let doc = Url::parse(&format!("https://{HOST}/download/#file_7")).unwrap();
    let post = Request::post_form(real("/download/"), form.clone(), doc);
    match f.send("houjin", &post, None, &limits).await.unwrap() {
        FetchOutcome::Fetched { meta, raw } => {
            assert_eq!(meta.url, format!("https://{HOST}/download/#file_7"));
            assert_eq!(raw.in_memory(), Some(&b"PK-file"[..]));
        }
        other => panic!("{other:?}"),
    }
    // Robots.txt and the allowlist refuse a POST as they refuse a GET.
    let private = Request::post_form(real("/private/"), form.clone(), real("/private/"));
    assert!(matches!(
        f.send("houjin", &private, None, &limits).await,
        Err(FetchError::RobotsDisallowed(_))
    ));
    let outside = Url::parse("https://www.soto.test/download/").unwrap();
    let elsewhere = Request::post_form(outside.clone(), form.clone(), outside);
    assert!(matches!(
        f.send("houjin", &elsewhere, None, &limits).await,
        Err(FetchError::HostNotAllowed(_))
    ));
    // Each source has its own cookie jar: another source has no session, so the POST that
    // needs one finds no matching mock.
    assert!(matches!(
        f.send("other", &post, None, &limits).await,
        Ok(FetchOutcome::Gone(404))
    ));
    // The rate limit spaces POSTs too.
    let slow = fetcher_for(
        &server.uri(),
        FetchConfig {
            rate_per_sec: 5.0,
            ..config()
        },
    );
    slow.fetch("houjin", &real("/download/"), None)
        .await
        .unwrap();
    let t0 = Instant::now();
    slow.send("houjin", &post, None, &limits).await.unwrap();
    assert!(
        t0.elapsed() >= Duration::from_millis(150),
        "{:?}",
        t0.elapsed()
    );
    server.verify().await;
}
