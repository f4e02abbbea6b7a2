//! `serve` runs a real server: middleware (compression, headers, logging) on a real socket.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure

mod common;

use std::sync::Arc;
use std::time::Duration;

use actix_web::rt::net::TcpStream;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[actix_web::test]
async fn serve_answers_over_tcp_with_compression_and_headers() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr: std::net::SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let state = common::state(Arc::new(common::FakeRegistry::default()));
    actix_web::rt::spawn(mieru_web::serve(state, addr));

    let mut stream = None;
    for _ in 0..100 {
        if let Ok(s) = TcpStream::connect(addr).await {
            stream = Some(s);
            break;
        }
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    let mut stream = stream.expect("server did not start");
    stream
        .write_all(
            b"GET /about HTTP/1.1\r\nHost: localhost\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n",
        )
        .await
        .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let head = String::from_utf8_lossy(&raw).to_lowercase();
    assert!(head.starts_with("http/1.1 200"), "{head}");
    assert!(head.contains("content-encoding: gzip"), "{head}");
    assert!(head.contains("content-security-policy:"), "{head}");
    assert!(head.contains("x-frame-options: deny"), "{head}");
}

#[actix_web::test]
async fn a_body_that_stops_arriving_is_dropped_after_the_timeout() {
    use actix_web::{App, HttpServer};
    use mieru_web::body_timeout::BodyTimeout;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let data = mieru_web::app_data(common::state(Arc::new(common::FakeRegistry::default())));
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .wrap(BodyTimeout::new(Duration::from_millis(300)))
            .configure(mieru_web::configure)
    })
    .workers(1)
    .listen(listener)
    .unwrap()
    .run();
    let handle = server.handle();
    actix_web::rt::spawn(server);

    let mut stream = TcpStream::connect(addr).await.unwrap();
    // Headers promise 64 bytes; 10 arrive, then nothing.
    stream
        .write_all(
            b"POST /api/v1/corrections HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 64\r\n\r\n{\"kind\":\"",
        )
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let mut raw = Vec::new();
    let read = actix_web::rt::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut raw))
        .await
        .expect("the server must not wait for the rest of the body");
    read.unwrap();
    let head = String::from_utf8_lossy(&raw).to_lowercase();
    assert!(head.starts_with("http/1.1 408"), "{head}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    handle.stop(false).await;
}
