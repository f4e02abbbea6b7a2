//! houjin-bangou: the download page and the full / diff zips (Shift_JIS CSV, 30 columns).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure
mod adapter_support;

use adapter_support::*;
use mieru_crawler::adapter::{Adapter, ParseError};
use mieru_crawler::adapters::houjin::HoujinBangou;
use mieru_crawler::document::Body;
use mieru_crawler::provenance::Property as P;

const DIFF_URL: &str = "https://www.houjin-bangou.nta.go.jp/download/sashibun/diff_20261101.zip";
const DIFF: &str = "www.houjin-bangou.nta.go.jp/download/sashibun/diff_20261101.zip";
const FULL_URL: &str =
    "https://www.houjin-bangou.nta.go.jp/download/zenken/00_zenkoku_all_20261031.zip";
const FULL: &str = "www.houjin-bangou.nta.go.jp/download/zenken/00_zenkoku_all_20261031.zip";

#[test]
fn download_page_links_both_zips() {
    let p = parse(
        "houjin-bangou",
        "https://www.houjin-bangou.nta.go.jp/download/",
        "www.houjin-bangou.nta.go.jp/download/index.html",
        Some("text/html"),
    );
    assert!(p.facts.is_empty());
    let links: Vec<&str> = p.links.iter().map(|u| u.url.as_str()).collect();
    assert_eq!(links, [FULL_URL, DIFF_URL]);
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
    assert_eq!(one(f, celltec, P::NameChangedOn), "2019-07-01");
    assert_eq!(one(f, celltec, P::ClosedOn), "2024-04-01");
    assert_eq!(one(f, celltec, P::CloseCause), "11");
    assert_eq!(
        one(f, celltec, P::Successor),
        "organization:houjin-bangou:2010401067890"
    );
    assert_eq!(
        one(f, celltec, P::NameEn),
        "Yokohama Cell Research Institute Co., Ltd."
    );
    assert_eq!(one(f, celltec, P::OrgKind), "301");

    let neo = "organization:houjin-bangou:2010401067890";
    assert_eq!(one(f, neo, P::Name), "株式会社ネオセルジャパン");
    assert!(values(f, neo, P::ClosedOn).is_empty());

    // The new corporation at the same address (a possible successor only).
    let komyo = "organization:houjin-bangou:7010405023456";
    assert_eq!(one(f, komyo, P::Name), "医療法人社団光明会");
    assert_eq!(one(f, komyo, P::RegisteredOn), "2026-02-02");
    assert_eq!(one(f, komyo, P::Address), "東京都中央区銀座４丁目９－１３");

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
    let p = HoujinBangou.parse(&doc).expect("parses");
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
        HoujinBangou.parse(&doc),
        Err(ParseError::NoContent(_))
    ));
    doc.body = Body::Binary;
    assert!(matches!(
        HoujinBangou.parse(&doc),
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
    let p = HoujinBangou.parse(&doc).expect("parses");
    let f = &p.facts;
    let o = "organization:houjin-bangou:2020001056789";
    assert_eq!(one(f, o, P::NameChangedOn), "2019-07-01");
    assert_eq!(one(f, o, P::ClosedOn), "2024-04-01");
    assert_eq!(one(f, o, P::CloseCause), "11");
    assert_eq!(
        one(f, o, P::Successor),
        "organization:houjin-bangou:2010401067890"
    );
    assert_eq!(one(f, o, P::NameEn), "Yokohama Cell & Research");
    assert_eq!(one(f, o, P::NameKana), "ヨコハマサイボウケンキュウショ");
}
