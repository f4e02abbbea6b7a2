//! Entry points for fuzzing the crawler's parsers, shared by the cargo-fuzz targets in `fuzz/`
//! and the stable replay test (`tests/fuzz_regressions.rs` in the root package), so a corpus
//! file exercises exactly the same code under both.
//!
//! Each entry takes arbitrary bytes, runs one parser the way the crawler runs it, and checks
//! what must hold for *any* input: no panic, and output the rest of the pipeline can rely on
//! (reference values are subject keys, dates are `YYYY-MM-DD`, links stay on the source's
//! hosts). A violated check panics, which the fuzzer reports as a crash.
//!
//! Inputs of the adapter targets start with one selector byte that picks the document's URL
//! (adapters dispatch on it), then the body.

use chrono::{NaiveDate, Utc};

use crate::adapter::{Adapter, ParseError, Parsed};
use crate::adapters;
use crate::decode::{self, DecodeLimits};
use crate::document::{Body, Document};
use crate::provenance::{DocumentMeta, Property, SubjectKind};

/// The crawler's fuzz targets, by name (the names of the binaries in `fuzz/fuzz_targets/`).
pub const TARGETS: &[&str] = &[
    "html_mhlw_press",
    "html_kouseikyoku",
    "html_esaisei",
    "html_jrct",
    "pdf_text",
    "pdf",
    "excel",
    "csv_houjin",
    "dates",
    "address",
];

/// Runs the target called `name` on `data`; `false` when there is no such target.
pub fn run(name: &str, data: &[u8]) -> bool {
    match name {
        "html_mhlw_press" => html(&adapters::mhlw_press::MhlwPress, MHLW_URLS, data),
        "html_kouseikyoku" => html(&adapters::kouseikyoku::Kouseikyoku, KOUSEIKYOKU_URLS, data),
        "html_esaisei" => html(&adapters::esaisei::ESaisei::new(), ESAISEI_URLS, data),
        "html_jrct" => html(&jrct_enabled(), JRCT_URLS, data),
        "pdf_text" => pdf_text(data),
        "pdf" => pdf(data),
        "excel" => excel(data),
        "csv_houjin" => csv_houjin(data),
        "dates" => dates(data),
        "address" => address(data),
        _ => return false,
    }
    true
}

/// Real URLs of each source's document kinds (as in `replica/MANIFEST.md`).
pub const MHLW_URLS: &[&str] = &[
    "https://www.mhlw.go.jp/stf/houdou/index.html",
    "https://www.mhlw.go.jp/stf/houdou/houdou_list_202509.html",
    "https://www.mhlw.go.jp/stf/newpage_61234.html",
    "https://www.mhlw.go.jp/stf/houdou/0000158832.html",
];
pub const KOUSEIKYOKU_URLS: &[&str] = &[
    "https://kouseikyoku.mhlw.go.jp/kinki/iji/saisei/saisei_top.html",
    "https://kouseikyoku.mhlw.go.jp/kinki/iji/saisei/newpage_00872.html",
    "https://kouseikyoku.mhlw.go.jp/kinki/iji/saisei/newpage_00873.html",
    "https://kouseikyoku.mhlw.go.jp/kinki/iji/saisei/newpage_00456.html",
    "https://kouseikyoku.mhlw.go.jp/kyushu/iji/saiseiiryou/gaiyou.html",
    "https://kouseikyoku.mhlw.go.jp/kyushu/iji/saiseiiryou/newpage_00730.html",
    "https://kouseikyoku.mhlw.go.jp/tokaihokuriku/iji/saiseiiryou.html",
];
pub const ESAISEI_URLS: &[&str] = &[
    "https://saiseiiryo.mhlw.go.jp/published_plan/index/2",
    "https://saiseiiryo.mhlw.go.jp/published_plan/index/3",
    "https://saiseiiryo.mhlw.go.jp/disclosed_committee/index/1",
    "https://saiseiiryo.mhlw.go.jp/disclosed_committee/index/1/page:2",
    "https://saiseiiryo.mhlw.go.jp/disclosed_committee/history/102",
    "https://saiseiiryo.mhlw.go.jp/disclosed_committee/preview/07C2410004",
];
pub const JRCT_URLS: &[&str] = &[
    "https://jrct.mhlw.go.jp/latest-detail/jRCTb050200112",
    "https://jrct.mhlw.go.jp/latest-detail/jRCTb030210045",
];

/// jRCT as a user who enabled it runs it (the default one reads the same way).
fn jrct_enabled() -> adapters::jrct::Jrct {
    adapters::jrct::Jrct::new(adapters::jrct::Options {
        enabled: true,
        ..adapters::jrct::Options::default()
    })
}
/// Documents whose text comes out of a PDF: press releases and bureau notices.
pub const PDF_TEXT_URLS: &[(&str, &str)] = &[
    (
        "mhlw-press",
        "https://www.mhlw.go.jp/content/10800000/000987001.pdf",
    ),
    (
        "kouseikyoku",
        "https://kouseikyoku.mhlw.go.jp/tokaihokuriku/iji/saisei/000987654.pdf",
    ),
];
const CPC_LIST_URL: &str =
    "https://kouseikyoku.mhlw.go.jp/kantoshinetsu/iji/saiseiiryou/cpc_list.xlsx";
const HOUJIN_URLS: &[&str] = &[
    "https://www.houjin-bangou.nta.go.jp/download/zenken/00_zenkoku_all_20261031.csv",
    "https://www.houjin-bangou.nta.go.jp/download/zenken/00_zenkoku_all_20261031.zip",
];

/// Splits off the selector byte: `(index into a list of n, rest)`.
pub fn select(data: &[u8], n: usize) -> (usize, &[u8]) {
    match data.split_first() {
        Some((b, rest)) => (usize::from(*b) % n.max(1), rest),
        None => (0, data),
    }
}

fn meta(source: &str, url: &str, raw: &[u8]) -> DocumentMeta {
    DocumentMeta {
        source: source.to_owned(),
        url: url.to_owned(),
        fetched_at: Utc::now(),
        http_status: 200,
        content_type: None,
        etag: None,
        last_modified: None,
        // Adapters use it only as a fallback document ID.
        sha256: "0".repeat(64),
        size: raw.len() as u64,
        encoding: None,
    }
}

fn parse(adapter: &dyn Adapter, url: &str, raw: &[u8], body: Body) {
    let doc = Document {
        meta: meta(adapter.name(), url, raw),
        body,
    };
    let outcome = adapter.parse(&doc);
    check_parsed(adapter, &outcome);
}

fn html(adapter: &dyn Adapter, urls: &[&str], data: &[u8]) {
    let (i, raw) = select(data, urls.len());
    let url = urls.get(i).copied().unwrap_or_default();
    let text = decode::decode_text(raw, Some("text/html"), true).text;
    parse(adapter, url, raw, Body::Html(text));
}

/// What adapters get from a PDF is text (pdf-extract or pdftotext output), so the parser under
/// test is the adapters' text path; the extractors themselves are fuzzed by [`pdf`].
fn pdf_text(data: &[u8]) {
    let (i, raw) = select(data, PDF_TEXT_URLS.len());
    let Some((source, url)) = PDF_TEXT_URLS.get(i).copied() else {
        return;
    };
    let Some(adapter) = adapters::by_name(source) else {
        return;
    };
    let text = String::from_utf8_lossy(raw).into_owned();
    parse(adapter.as_ref(), url, raw, Body::Text(text));
}

/// The in-process PDF extractor (pdf-extract, panics contained), then the notice parser on
/// whatever text it gives. pdftotext is left out: it is another process, not our parser.
fn pdf(data: &[u8]) {
    if let Some(text) = decode::pdf_text_in_process(data) {
        let adapter = adapters::kouseikyoku::Kouseikyoku;
        let url = PDF_TEXT_URLS.get(1).map_or("", |(_, u)| *u);
        parse(&adapter, url, data, Body::Text(text));
    }
}

/// A workbook through calamine, then the bureau adapter's CPC-list reader.
fn excel(data: &[u8]) {
    if let Some(sheets) = decode::read_sheets(data) {
        parse(
            &adapters::kouseikyoku::Kouseikyoku,
            CPC_LIST_URL,
            data,
            Body::Sheets(sheets),
        );
    }
}

/// The 法人番号 download: a Shift_JIS/UTF-8 CSV (selector even) or a ZIP of them (odd),
/// decoded as the crawler decodes it, then read by the houjin-bangou adapter.
fn csv_houjin(data: &[u8]) {
    let (i, raw) = select(data, HOUJIN_URLS.len());
    let url = HOUJIN_URLS.get(i).copied().unwrap_or_default();
    let body = if i == 0 {
        let text = decode::decode_text(raw, Some("text/csv"), false).text;
        Body::Csv(decode::parse_csv(&text))
    } else {
        // Only ZIPs: other magic bytes would send the input to the PDF or workbook readers.
        if !raw.starts_with(b"PK") {
            return;
        }
        let limits = DecodeLimits {
            zip_max_total: 16 * 1024 * 1024,
            zip_max_members: 64,
        };
        let mut m = meta("houjin-bangou", url, raw);
        m.content_type = Some("application/zip".into());
        decode::decode_with_limits(&mut m, raw, &limits)
    };
    parse(&adapters::houjin::HoujinBangou::default(), url, raw, body);
}

/// 和暦 and Western dates: alone, inside text, and as eight digits.
fn dates(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Some(d) = mieru_text::dates::parse_date(&text) {
        round_trip(d);
    }
    let mut last_end = 0;
    for (d, range) in mieru_text::dates::find_dates(&text) {
        assert!(
            text.get(range.clone()).is_some(),
            "find_dates range {range:?} not on char boundaries"
        );
        assert!(range.start >= last_end, "find_dates ranges overlap");
        last_end = range.end;
        round_trip(d);
    }
    for (d, range) in mieru_text::dates::find_compact_dates(&text) {
        assert!(
            text.get(range.clone()).is_some(),
            "find_compact_dates range {range:?} not on char boundaries"
        );
        round_trip(d);
    }
}

/// A date we read is one we can write in era form and read back.
fn round_trip(d: NaiveDate) {
    let era = mieru_text::dates::era_form(d);
    assert_eq!(
        mieru_text::dates::parse_date(&era),
        Some(d),
        "era form {era:?} does not read back"
    );
}

/// Addresses: splitting, the comparison key and the prefecture.
fn address(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let parts = mieru_text::address::parse_address(&text);
    if let Some(block) = &parts.block {
        assert!(
            !block.is_empty() && block.split('-').all(|n| n.parse::<u64>().is_ok()),
            "block {block:?} is not digits joined by '-'"
        );
    }
    if let Some(p) = parts.prefecture {
        assert!(mieru_text::address::prefecture_code(p).is_some(), "{p}");
    }
    let (prefecture, _) = mieru_text::address::split_prefecture(&text);
    assert_eq!(prefecture, parts.prefecture);
    if let Some(building) = &parts.building {
        assert!(!building.is_empty(), "an empty building is None");
    }
    std::hint::black_box(mieru_text::address::address_key(&text));
    std::hint::black_box(mieru_text::address::prefecture_code(&text));
}

/// What every adapter's output must satisfy, whatever the input.
fn check_parsed(adapter: &dyn Adapter, outcome: &Result<Parsed, ParseError>) {
    let Ok(parsed) = outcome else {
        return;
    };
    for fact in &parsed.facts {
        assert!(
            fact.subject.kind().is_some(),
            "subject {:?} has no known kind",
            fact.subject.as_str()
        );
        if fact.property.is_reference() {
            assert!(
                SubjectKind::parse(fact.value.split(':').next().unwrap_or_default()).is_some(),
                "{:?} of {} is not a subject key: {:?}",
                fact.property,
                fact.subject,
                fact.value
            );
        }
        if is_date_property(fact.property) {
            assert!(
                NaiveDate::parse_from_str(&fact.value, "%Y-%m-%d").is_ok(),
                "{:?} of {} is not a date: {:?}",
                fact.property,
                fact.subject,
                fact.value
            );
        }
    }
    for link in &parsed.links {
        let host = link.url.host_str().unwrap_or_default();
        assert!(
            adapter.hosts().contains(&host),
            "{} links off its hosts: {}",
            adapter.name(),
            link.url
        );
    }
}

fn is_date_property(p: Property) -> bool {
    matches!(
        p,
        Property::NameChangedOn
            | Property::AddressChangedOn
            | Property::ClosedOn
            | Property::RegisteredOn
            | Property::SubmittedOn
            | Property::ChangedOn
            | Property::DiscontinuedOn
            | Property::EndedOn
            | Property::IssuedOn
            | Property::LiftedOn
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_target_runs_on_empty_and_small_inputs() {
        for t in TARGETS {
            assert!(run(t, b""), "{t}");
            assert!(
                run(t, b"\x01<html><body>2025\xE5\xB9\xB4</body></html>"),
                "{t}"
            );
        }
        assert!(!run("no_such_target", b""));
    }

    #[test]
    fn selector_picks_within_the_list() {
        assert_eq!(select(b"\x05abc", 3), (2, &b"abc"[..]));
        assert_eq!(select(b"", 3), (0, &b""[..]));
    }

    #[test]
    fn invariants_hold_on_a_real_notice() {
        let page = "<html><body><p>令和7年7月15日</p><p>改善命令</p></body></html>";
        let mut data = vec![4u8];
        data.extend_from_slice(page.as_bytes());
        assert!(run("html_kouseikyoku", &data));
        dates("令和7年7月15日 及び 平成29年6月27日付け 20220916".as_bytes());
        address("東京都中央区銀座三丁目12番5号 再生ビル4階".as_bytes());
    }
}
