//! The crawl driver's unit tests (kept apart so `crawl.rs` stays short).

use super::*;

struct Nop;
impl Adapter for Nop {
    fn name(&self) -> &'static str {
        "nop"
    }
    fn hosts(&self) -> &'static [&'static str] {
        &["www.example.jp"]
    }
    fn start_requests(&self, _: &StartContext) -> Vec<Request> {
        Vec::new()
    }
    fn check_structure(&self, _: &Document) -> Vec<String> {
        Vec::new()
    }
    fn parse(&self, _doc: &Document) -> Result<Parsed, ParseError> {
        panic!("hostile input")
    }
}

#[test]
fn read_file_describes_the_file() {
    let owned: Vec<u8> = b"a,b\n1,2\n".into();
    let (meta, body) = read_file(&Nop, "/tmp/in/命令書 2026.csv", owned);
    assert_eq!(
        meta.url,
        format!(
            "file:///{}/%E5%91%BD%E4%BB%A4%E6%9B%B8%202026.csv",
            meta.sha256
        )
    );
    assert_eq!(meta.source, "nop");
    assert_eq!(meta.http_status, 200);
    assert_eq!(meta.content_type.as_deref(), Some("text/csv"));
    assert_eq!(meta.size, 8);
    assert_eq!(meta.sha256.len(), 64);
    assert_eq!(meta.encoding.as_deref(), Some("UTF-8"));
    assert_eq!(
        body,
        Body::Csv(vec![
            vec!["a".into(), "b".into()],
            vec!["1".into(), "2".into()]
        ])
    );
    let (meta, _) = read_file(&Nop, "C:\\docs\\order.pdf", b"".as_slice());
    assert_eq!(meta.url, format!("file:///{}/order.pdf", meta.sha256));
}

#[test]
fn adapter_panic_becomes_parse_error() {
    let (meta, body) = read_file(&Nop, "x.txt", b"hi".as_slice());
    let out = parse_safely(&Nop, &Document { meta, body });
    assert!(matches!(out, Err(ParseError::Malformed(_))));
}

#[test]
fn report_display() {
    let r = CrawlReport {
        per_source: vec![SourceReport {
            source: "mhlw-press".into(),
            fetched: 3,
            new_snapshots: 2,
            facts: 40,
            complete: false,
            elapsed: Duration::from_millis(1500),
            ..SourceReport::default()
        }],
    };
    assert_eq!(
        r.to_string(),
        "mhlw-press: 3 fetched (2 new), 0 unchanged, 0 gone, 0 failed, 0 parse errors, 40 facts in 1.5s (incomplete)\n"
    );
}
