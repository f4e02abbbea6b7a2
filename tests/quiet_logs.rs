//! A client cannot write ERROR lines into the server's log: request lines actix cannot parse
//! are answered 400 and only counted, and the count is reported at WARN once per interval.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn malformed_requests_are_counted_and_reported_at_warn() {
    let dir = tempfile::tempdir().unwrap();
    let port = common::free_port();
    let mut server = Command::new(env!("CARGO_BIN_EXE_mieru"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
        .env("RUST_LOG", "info")
        .env("MIERU_CONNECTION_REPORT_SECS", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let connect = || loop {
        match TcpStream::connect(("127.0.0.1", port)) {
            Ok(s) => return s,
            Err(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(100)),
            Err(e) => panic!("server did not start: {e}"),
        }
    };
    for bad in [
        &b"GARBAGE\x01 / HTTP/9.9\r\n\r\n"[..],
        &b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"[..],
        &b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"[..],
    ] {
        let mut s = connect();
        s.write_all(bad).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut answer = [0u8; 12];
        s.read_exact(&mut answer).unwrap();
        assert_eq!(&answer, b"HTTP/1.1 400", "{}", String::from_utf8_lossy(bad));
    }
    // Two report intervals, so the counts have been written.
    std::thread::sleep(Duration::from_millis(2500));
    server.kill().unwrap();
    let mut log = String::new();
    server
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    server.wait().unwrap();
    assert!(
        !log.contains("ERROR"),
        "no ERROR line from what a client sent:\n{log}"
    );
    let report = log
        .lines()
        .find(|l| l.contains("malformed requests or broken client connections"))
        .unwrap_or_else(|| panic!("no WARN report:\n{log}"));
    assert!(report.contains("WARN"), "{report}");
    assert!(report.contains("count=3"), "{report}");
}
