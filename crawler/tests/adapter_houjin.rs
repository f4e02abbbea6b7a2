//! houjin-bangou: the download pages (form POSTs with the session's token, named stably) and
//! the full / diff zips (30-column CSV; the crawl reads the Unicode ones).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure
mod common;

use common::*;
use mieru_crawler::adapter::{Adapter, ParseError, StartContext};
use mieru_crawler::adapters::houjin::download::TOKEN_FIELD;
use mieru_crawler::adapters::houjin::{HoujinBangou, Options};
use mieru_crawler::document::{Body, Document};
use mieru_crawler::provenance::Property as P;
use mieru_crawler::request::Request;

const DIFF_PAGE_URL: &str = "https://www.houjin-bangou.nta.go.jp/download/sabun/";
const DIFF_PAGE: &str = "www.houjin-bangou.nta.go.jp/download/sabun/index.html";
const FULL_PAGE_URL: &str = "https://www.houjin-bangou.nta.go.jp/download/zenken/";
const FULL_PAGE: &str = "www.houjin-bangou.nta.go.jp/download/zenken/index.html";
/// The token written in the stored pages (the replica server issues its own per session).
const PAGE_TOKEN: &str = "5d0c7b2e-4a1f-4c39-9e8a-2b6f1d3c7a90";

const DIFF_URL: &str =
    "https://www.houjin-bangou.nta.go.jp/download/sabun/#20261101_diff_csv_unicode";
const DIFF: &str = "www.houjin-bangou.nta.go.jp/download/sabun/unicode/diff_20261101.zip";
const FULL_URL: &str =
    "https://www.houjin-bangou.nta.go.jp/download/zenken/#20261031_00_all_csv_unicode";
const FULL: &str =
    "www.houjin-bangou.nta.go.jp/download/zenken/unicode/00_zenkoku_all_20261031.zip";

fn with_full(codes: &[u8]) -> HoujinBangou {
    HoujinBangou::new(Options {
        full_prefectures: codes.to_vec(),
        ..Options::default()
    })
}

fn page(url: &str, rel: &str) -> Document {
    document("houjin-bangou", url, rel, Some("text/html"))
}

/// The replica's map of file numbers (`DOWNLOADS.md`): number → stored file.
fn stored_file(number: &str) -> String {
    let manifest =
        std::fs::read_to_string(replica("www.houjin-bangou.nta.go.jp/DOWNLOADS.md")).unwrap();
    manifest
        .lines()
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            (cells.len() > 4 && cells[2] == number).then(|| cells[3].to_string())
        })
        .next()
        .unwrap_or_else(|| panic!("number {number} not in DOWNLOADS.md"))
}

fn field<'a>(r: &'a Request, name: &str) -> &'a str {
    r.form
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no field {name} in {:?}", r.form))
}

#[test]
fn start_pages_follow_the_options() {
    let ctx = StartContext::now();
    let urls = |a: &HoujinBangou| -> Vec<String> {
        a.start_requests(&ctx)
            .into_iter()
            .map(|r| r.url.to_string())
            .collect()
    };
    assert_eq!(urls(&HoujinBangou::default()), [DIFF_PAGE_URL]);
    assert_eq!(urls(&with_full(&[13])), [DIFF_PAGE_URL, FULL_PAGE_URL]);

    // The Web-API: one lookup per valid number, the application ID never in the name.
    let api = HoujinBangou::new(Options {
        app_id: Some("SECRET-ID".into()),
        numbers: vec![
            "5010405012345".into(),
            "5010405012346".into(),
            "5010405012345".into(),
        ],
        ..Options::default()
    });
    let starts = api.start_requests(&ctx);
    assert_eq!(starts.len(), 2, "{starts:?}");
    let lookup = &starts[1];
    assert!(lookup.is_get());
    assert_eq!(
        lookup.key(),
        "https://api.houjin-bangou.nta.go.jp/4/num?number=5010405012345&type=12&history=1"
    );
    assert_eq!(
        lookup.url.as_str(),
        "https://api.houjin-bangou.nta.go.jp/4/num?id=SECRET-ID&number=5010405012345&type=12&history=1"
    );
    assert!(api.hosts().contains(&"api.houjin-bangou.nta.go.jp"));
    assert!(starts.iter().all(|r| !r.key().contains("SECRET")));
}

#[test]
fn diff_page_posts_the_unicode_csv_with_the_token() {
    let p = HoujinBangou::default()
        .parse(&page(DIFF_PAGE_URL, DIFF_PAGE))
        .unwrap();
    assert!(p.facts.is_empty());
    assert_eq!(p.links.len(), 1, "only the CSV Unicode row: {:?}", p.links);
    let r = &p.links[0];
    assert!(!r.is_get() && r.immutable);
    // Posted to the form's action, named by the row's date: stable across publications.
    assert_eq!(
        r.url.as_str(),
        "https://www.houjin-bangou.nta.go.jp/download/sabun/index.html"
    );
    assert_eq!(r.key(), DIFF_URL);
    assert_eq!(field(r, TOKEN_FIELD), PAGE_TOKEN);
    assert_eq!(field(r, "event"), "download");
    assert_eq!(
        format!(
            "www.houjin-bangou.nta.go.jp/{}",
            stored_file(field(r, "selDlFileNo"))
        ),
        DIFF
    );
}

#[test]
fn full_page_posts_only_the_requested_prefectures() {
    let doc = page(FULL_PAGE_URL, FULL_PAGE);
    // No prefecture chosen: the page is read, nothing is requested.
    assert!(HoujinBangou::default()
        .parse(&doc)
        .unwrap()
        .links
        .is_empty());

    let p = with_full(&[13, 27]).parse(&doc).unwrap();
    let names: Vec<&str> = p.links.iter().map(|r| r.key()).collect();
    assert_eq!(
        names,
        [
            "https://www.houjin-bangou.nta.go.jp/download/zenken/#20261031_13_all_csv_unicode",
            "https://www.houjin-bangou.nta.go.jp/download/zenken/#20261031_27_all_csv_unicode",
        ]
    );
    let files: Vec<String> = p
        .links
        .iter()
        .map(|r| {
            assert!(!r.is_get() && r.immutable);
            assert_eq!(field(r, TOKEN_FIELD), PAGE_TOKEN);
            stored_file(field(r, "selDlFileNo"))
        })
        .collect();
    assert_eq!(
        files,
        [
            "download/zenken/unicode/13_tokyo_all_20261031.zip",
            "download/zenken/unicode/27_osaka_all_20261031.zip"
        ]
    );
    // 全国 is code 0.
    let all = with_full(&[0]).parse(&doc).unwrap();
    assert_eq!(all.links.len(), 1);
    assert_eq!(all.links[0].key(), FULL_URL);
}

#[test]
fn check_structure_names_what_is_missing() {
    let a = with_full(&[13]);
    for (url, rel) in [(DIFF_PAGE_URL, DIFF_PAGE), (FULL_PAGE_URL, FULL_PAGE)] {
        let intact = page(url, rel);
        assert!(
            a.check_structure(&intact).is_empty(),
            "{rel}: {:?}",
            a.check_structure(&intact)
        );
        let html = match &intact.body {
            Body::Html(h) => h.clone(),
            other => panic!("{other:?}"),
        };
        let mut no_token = intact.clone();
        no_token.body = Body::Html(html.replace(TOKEN_FIELD, "renamed.token"));
        let missing = a.check_structure(&no_token);
        assert_eq!(missing.len(), 1, "{missing:?}");
        assert!(missing[0].contains(TOKEN_FIELD), "{missing:?}");
        assert!(matches!(a.parse(&no_token), Err(ParseError::NoContent(_))));

        let mut no_rows = intact.clone();
        no_rows.body = Body::Html(html.replace("doDownload(", "doSomething("));
        let missing = a.check_structure(&no_rows);
        assert!(
            missing.iter().any(|m| m.contains("doDownload")),
            "{missing:?}"
        );
    }
    // The diff rows' dates.
    let mut undated = page(DIFF_PAGE_URL, DIFF_PAGE);
    if let Body::Html(h) = &undated.body {
        undated.body = Body::Html(h.replace("令和8年11月1日", "（日付なし）"));
    }
    let missing = a.check_structure(&undated);
    assert!(missing.iter().any(|m| m.contains("th")), "{missing:?}");
    assert!(
        a.parse(&undated).unwrap().links.is_empty(),
        "an undated row is not named"
    );
}

#[test]
fn every_format_of_a_file_states_the_same_facts() {
    let facts = |rel: &str| {
        let mut f = parse("houjin-bangou", DIFF_URL, rel, None).facts;
        f.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
        f
    };
    let unicode = facts(DIFF);
    assert!(!unicode.is_empty());
    assert_eq!(
        facts("www.houjin-bangou.nta.go.jp/download/sabun/diff_20261101.zip"),
        unicode
    );
    assert_eq!(
        facts("www.houjin-bangou.nta.go.jp/download/sabun/xml/diff_20261101.zip"),
        unicode
    );
}

#[test]
fn a_page_where_a_file_was_expected_is_an_error() {
    // The real site answers a refused download with a page; it must not pass for the file.
    let doc = page(DIFF_URL, DIFF_PAGE);
    assert!(matches!(
        HoujinBangou::default().parse(&doc),
        Err(ParseError::WrongKind(_))
    ));
}

#[test]
fn diff_file_keeps_the_rename_history() {
    let p = parse("houjin-bangou", DIFF_URL, DIFF, None);
    let f = &p.facts;
    // 蒼天会 → 翠嶺会 (process 11, 2025-11-01): both names, each dated by its changeDate.
    let soten = "organization:houjin-bangou:5010405012345";
    assert_eq!(one(f, soten, P::CorporateNumber), "5010405012345");
    assert_eq!(
        values(f, soten, P::Name),
        ["医療法人社団蒼天会", "医療法人社団翠嶺会"]
    );
    assert_eq!(
        fact(f, soten, P::Name, "医療法人社団蒼天会").observed_on,
        Some(d(2015, 10, 5))
    );
    assert_eq!(
        fact(f, soten, P::Name, "医療法人社団翠嶺会").observed_on,
        Some(d(2025, 11, 1))
    );
    assert_eq!(one(f, soten, P::NameChangedOn), "2025-11-01");
    assert_eq!(
        values(f, soten, P::NameKana),
        ["ソウテンカイ", "スイレイカイ"]
    );
    assert_eq!(one(f, soten, P::OrgKind), "399");
    // Each row restates the address as of its own date.
    assert_eq!(values(f, soten, P::Prefecture), ["東京都", "東京都"]);
    assert_eq!(
        values(f, soten, P::Address),
        [
            "東京都中央区銀座４丁目９－１３",
            "東京都中央区銀座４丁目９－１３"
        ]
    );
    assert_eq!(one(f, soten, P::RegisteredOn), "2015-10-05");
    assert!(values(f, soten, P::ClosedOn).is_empty());

    // セルテック横浜 → 横浜細胞研究所 (11) → dissolved by merger into ネオセルジャパン (closeCause 11).
    let celltec = "organization:houjin-bangou:2020001056789";
    // The closure row restates the last name as of the closure date.
    assert_eq!(
        values(f, celltec, P::Name),
        [
            "株式会社セルテック横浜",
            "株式会社横浜細胞研究所",
            "株式会社横浜細胞研究所"
        ]
    );
    assert_eq!(
        fact(f, celltec, P::Name, "株式会社セルテック横浜").observed_on,
        Some(d(2015, 10, 5))
    );
    assert_facts(
        f,
        celltec,
        &[
            (P::NameChangedOn, "2019-07-01"),
            (P::ClosedOn, "2024-04-01"),
            (P::CloseCause, "11"),
            (P::Successor, "organization:houjin-bangou:2010401067890"),
            (P::NameEn, "Yokohama Cell Research Institute Co., Ltd."),
            (P::OrgKind, "301"),
        ],
    );

    let neo = "organization:houjin-bangou:2010401067890";
    assert_eq!(one(f, neo, P::Name), "株式会社ネオセルジャパン");
    assert!(values(f, neo, P::ClosedOn).is_empty());

    // The new corporation at the same address (a possible successor only).
    let komyo = "organization:houjin-bangou:7010405023456";
    assert_facts(
        f,
        komyo,
        &[
            (P::Name, "医療法人社団光明会"),
            (P::RegisteredOn, "2026-02-02"),
            (P::Address, "東京都中央区銀座４丁目９－１３"),
        ],
    );

    // The truncated row is skipped; four corporations remain.
    let orgs = subjects(f);
    assert_eq!(orgs.len(), 4, "{orgs:?}");
}

#[test]
fn full_file_has_every_corporation_with_valid_numbers() {
    let p = parse("houjin-bangou", FULL_URL, FULL, None);
    let f = &p.facts;
    assert_eq!(subjects(f).len(), 13);
    let minato = "organization:houjin-bangou:7120001078901";
    assert_eq!(one(f, minato, P::Name), "株式会社ミナトバイオ");
    assert_eq!(one(f, minato, P::Prefecture), "大阪府");
    // 白鷺会: liquidated (closeCause 01), no successor.
    let shirasagi = "organization:houjin-bangou:9010405034567";
    assert_eq!(one(f, shirasagi, P::ClosedOn), "2018-08-31");
    assert_eq!(one(f, shirasagi, P::CloseCause), "01");
    assert!(values(f, shirasagi, P::Successor).is_empty());
    // Look-alike corporations in two prefectures.
    assert_eq!(
        one(f, "organization:houjin-bangou:4010401090123", P::Name),
        "医療法人社団青山セル会"
    );
    assert_eq!(
        one(f, "organization:houjin-bangou:8400105112345", P::Prefecture),
        "福岡県"
    );
}

#[test]
fn bad_rows_and_bodies() {
    let mut doc = document("houjin-bangou", DIFF_URL, DIFF, None);
    let mut good: Vec<String> = vec![""; 30].into_iter().map(String::from).collect();
    good[0] = "1".into();
    good[1] = "7000012050002".into();
    good[2] = "01".into();
    good[4] = "2018-04-02".into();
    good[5] = "2015-10-05".into();
    good[6] = "国税庁".into();
    good[8] = "101".into();
    good[23] = "1".into();
    let mut bad_check = good.clone();
    bad_check[1] = "7000012050003".into();
    let mut bad_date = good.clone();
    bad_date[1] = "5010405012345".into();
    bad_date[5] = "2015/13/45".into();
    bad_date[4] = "not a date".into();
    doc.body = Body::Csv(vec![good, bad_check, vec!["x".into()], bad_date]);
    let p = HoujinBangou::default().parse(&doc).expect("parses");
    let f = &p.facts;
    assert_eq!(
        one(f, "organization:houjin-bangou:7000012050002", P::Name),
        "国税庁"
    );
    assert!(values(f, "organization:houjin-bangou:7000012050003", P::Name).is_empty());
    // A row with unreadable dates still states its name, undated.
    let n = fact(
        f,
        "organization:houjin-bangou:5010405012345",
        P::Name,
        "国税庁",
    );
    assert_eq!(n.observed_on, None);

    doc.body = Body::Csv(vec![vec!["a".into(), "b".into()]]);
    assert!(matches!(
        HoujinBangou::default().parse(&doc),
        Err(ParseError::NoContent(_))
    ));
    doc.body = Body::Binary;
    assert!(matches!(
        HoujinBangou::default().parse(&doc),
        Err(ParseError::NoContent(_))
    ));
}

#[test]
fn xml_format_reads_like_csv() {
    let mut doc = document("houjin-bangou", DIFF_URL, DIFF, None);
    doc.body = Body::Text(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<corporations><lastUpdateDate>2026-11-01</lastUpdateDate><count>2</count>
<corporation><sequenceNumber>1</sequenceNumber><corporateNumber>2020001056789</corporateNumber>
<process>11</process><correct>0</correct><updateDate>2019-07-03</updateDate>
<changeDate>2019-07-01</changeDate><name>株式会社横浜細胞研究所</name><nameImageId/>
<kind>301</kind><prefectureName>神奈川県</prefectureName><cityName>横浜市鶴見区</cityName>
<streetNumber>末広町１丁目６</streetNumber><closeDate/><closeCause/>
<successorCorporateNumber/><assignmentDate>2015-10-05</assignmentDate><latest>0</latest>
<furigana>ヨコハマサイボウケンキュウショ</furigana></corporation>
<corporation><sequenceNumber>2</sequenceNumber><corporateNumber>2020001056789</corporateNumber>
<process>21</process><updateDate>2024-04-03</updateDate><changeDate>2024-04-01</changeDate>
<name>株式会社横浜細胞研究所</name><kind>301</kind><prefectureName>神奈川県</prefectureName>
<closeDate>2024-04-01</closeDate><closeCause>11</closeCause>
<successorCorporateNumber>2010401067890</successorCorporateNumber><latest>1</latest>
<enName>Yokohama Cell &amp; Research</enName></corporation>
</corporations>"#
            .into(),
    );
    let p = HoujinBangou::default().parse(&doc).expect("parses");
    let f = &p.facts;
    let o = "organization:houjin-bangou:2020001056789";
    assert_facts(
        f,
        o,
        &[
            (P::NameChangedOn, "2019-07-01"),
            (P::ClosedOn, "2024-04-01"),
            (P::CloseCause, "11"),
            (P::Successor, "organization:houjin-bangou:2010401067890"),
            (P::NameEn, "Yokohama Cell & Research"),
            (P::NameKana, "ヨコハマサイボウケンキュウショ"),
        ],
    );
}
