//! Exports stream with constant memory: the real server, serving the largest export of a
//! synthetic registry to several clients that stall mid-download and then read slowly, grows
//! by far less than one copy of the file per client (what it grew by when each response held
//! the file in memory). Its own test binary, so that the process's memory is this test's: the
//! registry is synthesised by a child process, and the clients are raw sockets with a small
//! buffer each.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure

mod common;

use mieru::app::Mieru;
use sha2::{Digest, Sha256};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const FACILITIES: &str = "1500";
const CLIENTS: usize = 8;
/// The most the server may grow by while it writes the file and streams it to every client.
const GROWTH_LIMIT_KIB: u64 = 32 * 1024;
const EXPORT: &str = "facilities.jsonl";
/// Where the ranged clients start reading.
const RANGE_START: u64 = 1_000_000;

/// This process's anonymous resident memory (heap, stacks) in KiB: file-backed pages (the
/// search index's maps, the page cache) are not what a download may grow.
fn rss_anon_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("RssAnon:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("RssAnon in /proc/self/status")
}

/// One download on a plain socket: the request is sent and the head read; the body is read
/// later, through a small buffer.
struct Download {
    reader: BufReader<TcpStream>,
    status: u16,
    length: u64,
    offset: u64,
}

impl Download {
    fn start(addr: SocketAddr, range_from: Option<u64>) -> Self {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(120)))
            .unwrap();
        let range = range_from.map_or(String::new(), |from| format!("Range: bytes={from}-\r\n"));
        write!(
            stream,
            "GET /api/v1/exports/{EXPORT} HTTP/1.1\r\nHost: {addr}\r\n{range}Connection: close\r\n\r\n"
        )
        .unwrap();
        let mut reader = BufReader::with_capacity(16 * 1024, stream);
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        let status: u16 = line.split(' ').nth(1).unwrap().parse().unwrap();
        let mut length = 0;
        loop {
            line.clear();
            reader.read_line(&mut line).unwrap();
            if line == "\r\n" {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().unwrap();
                }
            }
        }
        Self {
            reader,
            status,
            length,
            offset: range_from.unwrap_or(0),
        }
    }

    /// Reads `n` body bytes into `hash`, a chunk at a time with `pause` between chunks.
    fn read(&mut self, hash: &mut Sha256, n: u64, pause: Duration) {
        let mut buf = [0u8; 16 * 1024];
        let mut left = n;
        while left > 0 {
            let want = usize::try_from(left.min(buf.len() as u64)).unwrap();
            let got = self.reader.read(&mut buf[..want]).unwrap();
            assert!(got > 0, "the body ended {left} bytes early");
            hash.update(&buf[..got]);
            left -= got as u64;
            std::thread::sleep(pause);
        }
    }
}

/// SHA-256 of the file from `offset`, read through a small buffer.
fn digest_from(path: &Path, offset: u64) -> Vec<u8> {
    let mut file = std::fs::File::open(path).unwrap();
    std::io::copy(&mut (&mut file).take(offset), &mut std::io::sink()).unwrap();
    let mut hash = Sha256::new();
    let mut buf = [0u8; 64 * 1024];
    loop {
        let n = file.read(&mut buf).unwrap();
        if n == 0 {
            return hash.finalize().to_vec();
        }
        hash.update(&buf[..n]);
    }
}

fn exported_file(exports: &Path) -> PathBuf {
    let version = std::fs::read_dir(exports)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.is_dir())
        .expect("a version directory");
    version.join(EXPORT)
}

#[test]
fn exports_stream_with_constant_memory() {
    let dir = tempfile::tempdir().unwrap();
    let synth = std::process::Command::new(env!("CARGO_BIN_EXE_mieru"))
        .env_remove("MIERU_DATABASE_URL")
        .env_remove("MIERU_ARCHIVE_DIR")
        .arg("--data-dir")
        .arg(dir.path())
        .args(["synth", "--facilities", FACILITIES, "--events-per", "10"])
        .output()
        .unwrap();
    assert!(synth.status.success(), "{synth:?}");

    // All clients come from one address, and a download costs 10 of the default 60 tokens.
    std::env::set_var("MIERU_RATE_BURST", "1000");
    let app = Mieru::open(dir.path(), None).unwrap();
    let index = Arc::new(app.open_index().unwrap());
    let state = mieru_web::AppState {
        registry: Arc::new(app.registry(index)),
        site: mieru_web::SiteConfig::default(),
    };
    let addr: SocketAddr = format!("127.0.0.1:{}", common::free_port())
        .parse()
        .unwrap();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(mieru_web::serve(state, addr))
    });
    let up = Instant::now();
    while TcpStream::connect(addr).is_err() {
        assert!(
            up.elapsed() < Duration::from_secs(30),
            "server did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // Once warm (threads, pools, a first answer), memory is what a download must not grow.
    let mut warm = String::new();
    TcpStream::connect(addr)
        .and_then(|mut s| {
            s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")?;
            s.read_to_string(&mut warm)
        })
        .unwrap();
    assert!(warm.starts_with("HTTP/1.1 200"), "{warm}");
    let baseline = rss_anon_kib();

    let peak = Arc::new(AtomicU64::new(baseline));
    let sampling = Arc::new(AtomicBool::new(true));
    let sampler = {
        let (peak, sampling) = (Arc::clone(&peak), Arc::clone(&sampling));
        std::thread::spawn(move || {
            while sampling.load(Ordering::SeqCst) {
                peak.fetch_max(rss_anon_kib(), Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(10));
            }
        })
    };

    // Every client asks at once (the first request writes the file, the others wait for
    // it), reads 64 KiB and stalls, as an idle client does; half of them ask for a range.
    let starts: Vec<_> = (0..CLIENTS)
        .map(|i| {
            std::thread::spawn(move || {
                let mut d = Download::start(addr, (i % 2 == 1).then_some(RANGE_START));
                assert!(
                    d.length > 64 * 1024,
                    "answered {} with {} bytes",
                    d.status,
                    d.length
                );
                let mut hash = Sha256::new();
                d.read(&mut hash, 64 * 1024, Duration::ZERO);
                (d, hash)
            })
        })
        .collect();
    let mut downloads: Vec<_> = starts.into_iter().map(|t| t.join().unwrap()).collect();
    std::thread::sleep(Duration::from_millis(500));
    let stalled = rss_anon_kib();

    let path = exported_file(&app.exports_dir());
    let size = std::fs::metadata(&path).unwrap().len();
    // The limit is far below what holding the file per response would take.
    assert!(
        size / 1024 * CLIENTS as u64 > 3 * GROWTH_LIMIT_KIB,
        "the export ({size} bytes) is too small to tell"
    );
    for (d, _) in &downloads {
        let expected = if d.offset == 0 { 200 } else { 206 };
        assert_eq!((d.status, d.length), (expected, size - d.offset));
    }

    // Then all of them read the rest, slowly and at once.
    let readers: Vec<_> = downloads
        .drain(..)
        .map(|(mut d, mut hash)| {
            std::thread::spawn(move || {
                d.read(&mut hash, d.length - 64 * 1024, Duration::from_micros(200));
                (d.offset, hash.finalize().to_vec())
            })
        })
        .collect();
    for r in readers {
        let (offset, digest) = r.join().unwrap();
        assert_eq!(digest, digest_from(&path, offset), "from byte {offset}");
    }
    sampling.store(false, Ordering::SeqCst);
    sampler.join().unwrap();
    let peak = peak.load(Ordering::SeqCst);

    let growth = peak.saturating_sub(baseline);
    let line = format!(
        "export {size} bytes to {CLIENTS} clients: RssAnon {baseline} KiB before, {stalled} KiB \
         with every client stalled, peak {peak} KiB (+{growth} KiB)\n"
    );
    std::io::stderr().write_all(line.as_bytes()).unwrap();
    assert!(growth < GROWTH_LIMIT_KIB, "{line}");
}
