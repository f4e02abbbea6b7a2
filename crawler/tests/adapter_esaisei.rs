//! e-saisei: the 第二種 / 第三種 plan lists of the replica, read field by field (the committees
//! are in `adapter_esaisei_committees.rs`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure
mod common;

use common::esaisei::{FILE2, FILE3, LIST2, LIST3};
use common::*;
use mieru_crawler::adapter::{Adapter, ParseError};
use mieru_crawler::adapters::esaisei::ESaisei;
use mieru_crawler::document::Body;
use mieru_crawler::provenance::Property as P;

#[test]
fn class_two_list_one_plan_and_one_facility_per_row() {
    let p = parse("e-saisei", LIST2, FILE2, Some("text/html; charset=UTF-8"));
    let f = &p.facts;
    let plans = subjects_with(f, "plan:");
    let facilities = subjects_with(f, "facility:");
    // 20 data rows; the header and the colspan note row are skipped.
    assert_eq!(plans.len(), 20);
    assert_eq!(facilities.len(), 20);
    assert!(p.links.is_empty());

    // Corporation and clinic joined by a raw CR LF in the cell.
    let plan = "plan:e-saisei:02C2406012";
    let fac = "facility:e-saisei:02C2406012";
    assert_facts(
        f,
        plan,
        &[
            (P::PlanNumber, "02C2406012"),
            (P::Title, "自己脂肪由来間葉系幹細胞を用いた慢性疼痛の治療"),
            (P::RiskClass, "2"),
            (P::Purpose, "treatment"),
            (P::Status, "中止"),
            (P::DiscontinuedOn, "2025-10-03"),
        ],
    );
    assert_eq!(one(f, plan, P::Provider), fac);
    assert_eq!(
        one(f, plan, P::Committee),
        "committee:e-saisei:東京セル再生医療等委員会"
    );
    assert_eq!(
        values(f, plan, P::Attachment),
        [
            "https://saiseiiryo.mhlw.go.jp/published_plan/download/02C2406012/5/0",
            "https://saiseiiryo.mhlw.go.jp/published_plan/download/02C2406012/5/1"
        ]
    );
    assert_eq!(
        one(f, plan, P::ListedIn),
        "e-再生医療 第二種再生医療等提供計画 公開一覧"
    );
    assert_facts(
        f,
        fac,
        &[
            (P::Name, "銀座アオバ再生クリニック"),
            (P::Prefecture, "東京都"),
            (P::Address, "東京都中央区銀座4丁目9番13号　アオバビル5階"),
        ],
    );
    let op = one(f, fac, P::Operator);
    assert_eq!(op, "organization:e-saisei:02C2406012");
    assert_eq!(one(f, &op, P::Name), "医療法人社団蒼天会");

    // Same clinic, other row: no corporation, full-width address; never merged here.
    let fac2 = "facility:e-saisei:02C2407031";
    assert_facts(
        f,
        fac2,
        &[
            (P::Name, "銀座アオバ再生クリニック"),
            (P::Address, "東京都中央区銀座４－９－１３　アオバビル５階"),
        ],
    );
    assert!(values(f, fac2, P::Operator).is_empty());

    // The clinic renamed twice, each name on its own row.
    assert_eq!(
        one(f, "facility:e-saisei:02E1910156", P::Name),
        "さくら幹細胞クリニック"
    );
    assert_eq!(
        one(f, "facility:e-saisei:02E2304020", P::Name),
        "梅田さくらクリニック"
    );
    let op = one(f, "facility:e-saisei:02E2304020", P::Operator);
    assert_eq!(one(f, &op, P::Name), "医療法人和光会");
    assert_facts(
        f,
        "facility:e-saisei:02E2508011",
        &[
            (P::Name, "うめだ再生医療クリニック"),
            (P::Address, "大阪府大阪市北区梅田2-5-8 さくらビル3F"),
        ],
    );

    // Corporation written with spaces: 医療法人 玄海会 博多リジェネクリニック.
    let op = one(f, "facility:e-saisei:02G2203015", P::Operator);
    assert_eq!(one(f, &op, P::Name), "医療法人 玄海会");
    assert_eq!(
        one(f, "facility:e-saisei:02G2203015", P::Name),
        "博多リジェネクリニック"
    );

    // Look-alikes keep their own prefecture.
    assert_eq!(
        one(f, "facility:e-saisei:02C2102045", P::Prefecture),
        "東京都"
    );
    assert_facts(
        f,
        "facility:e-saisei:02G2111007",
        &[(P::Prefecture, "福岡県"), (P::Name, "表参道セルクリニック")],
    );

    // Full-width Latin spelling kept as written.
    assert_eq!(
        one(f, "facility:e-saisei:02C2301005", P::Name),
        "ＡＢＣ　ＣＬＩＮＩＣ　東京"
    );
    assert_eq!(
        one(f, "facility:e-saisei:02C2303019", P::Name),
        "ABC CLINIC 東京"
    );

    // Research plan of a university hospital; an ended plan.
    assert_eq!(one(f, "plan:e-saisei:02C1905001", P::Purpose), "research");
    assert_eq!(
        values(f, "plan:e-saisei:02C1905001", P::Attachment).len(),
        3
    );
    assert_eq!(
        one(f, "facility:e-saisei:02C1905001", P::Name),
        "国立大学法人東都大学医学部附属病院"
    );
    assert_eq!(one(f, "plan:e-saisei:02E2012033", P::Status), "終了");
    assert_eq!(one(f, "plan:e-saisei:02E2012033", P::EndedOn), "2024-03-31");
}

#[test]
fn class_three_list() {
    let p = parse("e-saisei", LIST3, FILE3, None);
    let f = &p.facts;
    let plans = subjects_with(f, "plan:").len();
    assert_eq!(plans, 17);
    let plan = "plan:e-saisei:03C2405007";
    assert_facts(
        f,
        plan,
        &[
            (P::RiskClass, "3"),
            (P::DiscontinuedOn, "2025-10-03"),
            (
                P::Title,
                "自己血由来多血小板血漿（PRP）を用いた皮膚の若返り治療",
            ),
        ],
    );
    let fac = "facility:e-saisei:03C2405007";
    assert_eq!(one(f, fac, P::Name), "銀座アオバ再生クリニック");
    let op = one(f, fac, P::Operator);
    assert_eq!(one(f, &op, P::Name), "医療法人社団蒼天会");
    // The renamed clinic and the possible successor at the same address.
    assert_eq!(
        one(f, "facility:e-saisei:03C2511002", P::Name),
        "銀座ミライ整形クリニック"
    );
    assert_eq!(one(f, "plan:e-saisei:03C2511002", P::EndedOn), "2026-02-10");
    assert_facts(
        f,
        "facility:e-saisei:03C2603001",
        &[
            (P::Name, "銀座ルミナスクリニック"),
            (
                P::Address,
                "東京都中央区銀座４丁目９番１３号　アオバビル５階",
            ),
        ],
    );
    assert_eq!(one(f, "plan:e-saisei:03C2603001", P::Status), "提供中");
    let op = one(f, "facility:e-saisei:03C2603001", P::Operator);
    assert_eq!(one(f, &op, P::Name), "医療法人社団光明会");
    // Half-width katakana kept as written; CR LF between corporation and clinic.
    assert_eq!(
        one(f, "facility:e-saisei:03C2208031", P::Name),
        "新宿ｾﾙｸﾘﾆｯｸ"
    );
    let op = one(f, "facility:e-saisei:03G2203016", P::Operator);
    assert_eq!(one(f, &op, P::Name), "医療法人玄海会");
    assert_eq!(
        one(f, "facility:e-saisei:03G2203016", P::Name),
        "博多リジェネクリニック"
    );
}

#[test]
fn rows_that_do_not_fit_are_skipped_not_fatal() {
    let url = "https://saiseiiryo.mhlw.go.jp/published_plan/index/2";
    let html = "<table><tr><td>短い行</td></tr>\
        <tr><td>Aクリニック</td><td>東京都</td><td>港区1-1</td><td></td><td>計画A</td><td></td><td></td>\
        <td><a href=\"/published_plan/download/02C2501001/5/0\">資料1</a></td></tr>\
        <tr><td>リンクなし</td><td>東京都</td><td>港区</td><td></td><td>計画B</td><td></td><td></td><td></td></tr>\
        <tr><td></td><td></td><td></td><td></td><td></td><td></td><td></td>\
        <td><a href=\"/published_plan/download/02C2501002/5/0\">資料1</a></td></tr></table>";
    let mut doc = document("e-saisei", url, FILE2, None);
    doc.body = Body::Html(html.into());
    let p = ESaisei::new().parse(&doc).expect("parses");
    let f = &p.facts;
    // No header: positions; the row without a plan link is skipped; the empty row still has a key.
    assert_eq!(one(f, "plan:e-saisei:02C2501001", P::Title), "計画A");
    assert_eq!(
        one(f, "facility:e-saisei:02C2501001", P::Address),
        "東京都港区1-1"
    );
    assert!(values(f, "plan:e-saisei:02C2501002", P::Title).is_empty());
    assert_eq!(
        one(f, "plan:e-saisei:02C2501002", P::PlanNumber),
        "02C2501002"
    );

    doc.body = Body::Html("<html><body><p>メンテナンス中</p></body></html>".into());
    assert!(matches!(
        ESaisei::new().parse(&doc),
        Err(ParseError::NoContent(_))
    ));
    doc.body = Body::Binary;
    assert!(matches!(
        ESaisei::new().parse(&doc),
        Err(ParseError::WrongKind(_))
    ));
}

#[test]
fn td_header_rows_are_read_by_label() {
    // Header written with <td> and a different column order; a data row without a plan link
    // that mentions 治療 and 委員会 must not be taken for a header.
    let html = "<table>\
        <tr><td>再生医療等の名称</td><td>医療機関名</td><td>都道府県</td><td>所在地</td>\
        <td>認定再生医療等委員会</td><td>区分</td><td>提供状況</td><td>資料</td></tr>\
        <tr><td>PRPを用いた治療</td><td>架空クリニック</td><td>大阪府</td><td>大阪市北区1-1</td>\
        <td>架空再生医療等委員会</td><td>治療</td><td>提供中</td><td></td></tr>\
        <tr><td>幹細胞を用いた研究</td><td>架空病院</td><td>大阪府</td><td>大阪市北区2-2</td>\
        <td>架空再生医療等委員会</td><td>研究</td><td>中止 令和7年1月5日</td>\
        <td><a href=\"/published_plan/download/02E2501003/5/0\">資料1</a></td></tr></table>";
    let mut doc = document("e-saisei", LIST2, FILE2, None);
    doc.body = Body::Html(html.into());
    let p = ESaisei::new().parse(&doc).expect("parses");
    let f = &p.facts;
    let plan = "plan:e-saisei:02E2501003";
    assert_facts(
        f,
        plan,
        &[
            (P::Title, "幹細胞を用いた研究"),
            (P::Purpose, "research"),
            (P::Status, "中止"),
            (P::DiscontinuedOn, "2025-01-05"),
            (P::Committee, "committee:e-saisei:架空再生医療等委員会"),
        ],
    );
    assert_facts(
        f,
        "facility:e-saisei:02E2501003",
        &[(P::Name, "架空病院"), (P::Address, "大阪府大阪市北区2-2")],
    );
    assert_eq!(subjects_with(f, "plan:").len(), 1);
}
