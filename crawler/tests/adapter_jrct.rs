//! jrct: the list page and the detail pages of the replica.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure
mod adapter_support;

use adapter_support::*;
use mieru_crawler::adapter::{Adapter, ParseError};
use mieru_crawler::adapters::jrct::Jrct;
use mieru_crawler::document::Body;
use mieru_crawler::provenance::Property as P;

#[test]
fn list_links_detail_pages() {
    let p = parse(
        "jrct",
        "https://jrct.niph.go.jp/list/saisei",
        "jrct.niph.go.jp/list/saisei/index.html",
        Some("text/html"),
    );
    assert!(p.facts.is_empty());
    let links: Vec<&str> = p.links.iter().map(|u| u.url.as_str()).collect();
    assert_eq!(
        links,
        [
            "https://jrct.niph.go.jp/latest-detail/jRCTb050200112",
            "https://jrct.niph.go.jp/latest-detail/jRCTb030210045",
        ]
    );
}

#[test]
fn detail_with_changes_and_dated_attachments() {
    let p = parse(
        "jrct",
        "https://jrct.niph.go.jp/latest-detail/jRCTb050200112",
        "jrct.niph.go.jp/latest-detail/jRCTb050200112/index.html",
        Some("text/html"),
    );
    let f = &p.facts;
    let plan = "plan:jrct:jRCTb050200112";
    assert_eq!(one(f, plan, P::PlanNumber), "jRCTb050200112");
    assert_eq!(
        one(f, plan, P::Title),
        "自己脂肪由来間葉系幹細胞を用いた変形性膝関節症に対する臨床研究"
    );
    assert_eq!(one(f, plan, P::RiskClass), "2");
    assert_eq!(one(f, plan, P::Purpose), "research");
    assert_eq!(one(f, plan, P::Status), "募集中");
    assert_eq!(one(f, plan, P::SubmittedOn), "2020-04-20");
    assert_eq!(values(f, plan, P::ChangedOn), ["2025-09-01", "2023-04-10"]);
    let c = one(f, plan, P::Committee);
    assert_eq!(c, "committee:jrct:NA8190027");
    assert_eq!(one(f, &c, P::CommitteeNumber), "NA8190027");
    assert_eq!(one(f, &c, P::Name), "なにわ特定認定再生医療等委員会");
    let fac = one(f, plan, P::Provider);
    // The current name, and each renamed-to name dated by its change (変更後).
    let mut names: Vec<(String, Option<String>)> = f
        .iter()
        .filter(|x| x.subject.as_str() == fac && x.property == P::Name)
        .map(|x| (x.value.clone(), x.observed_on.map(|d| d.to_string())))
        .collect();
    names.sort();
    assert_eq!(names.len(), 2, "{names:?}");
    assert_eq!(names[0].0, "うめだ再生医療クリニック");
    assert_eq!(
        names[1],
        (
            "梅田さくらクリニック".to_owned(),
            Some("2023-04-10".to_owned())
        )
    );
    // `大阪府大阪府大阪市…` with the English half dropped.
    assert_eq!(one(f, &fac, P::Address), "大阪府大阪市北区梅田2-5-8");
    let org = one(f, &fac, P::Operator);
    assert_eq!(one(f, &org, P::Name), "医療法人和光会");
    // Each `研究責任医師の所属機関` change names a former name of the provider, dated by it.
    let mut former: Vec<(String, Option<String>)> = f
        .iter()
        .filter(|x| x.subject.as_str() == fac && x.property == P::FormerName)
        .map(|x| (x.value.clone(), x.observed_on.map(|d| d.to_string())))
        .collect();
    former.sort();
    assert_eq!(
        former,
        [
            (
                "さくら幹細胞クリニック".to_owned(),
                Some("2023-04-10".to_owned())
            ),
            (
                "梅田さくらクリニック".to_owned(),
                Some("2025-09-01".to_owned())
            ),
        ]
    );
    let changes = values(f, plan, P::Change);
    assert_eq!(
        changes,
        [
            "研究責任医師の所属機関: さくら幹細胞クリニック → 梅田さくらクリニック",
            "研究責任医師の所属機関: 梅田さくらクリニック → うめだ再生医療クリニック",
        ]
    );
    assert_eq!(
        fact(f, plan, P::Change, &changes[0]).observed_on,
        Some(d(2023, 4, 10))
    );
    let att = fact(
        f,
        plan,
        P::Attachment,
        "https://jrct.niph.go.jp/files/jRCTb050200112/2.pdf",
    );
    assert_eq!(att.observed_on, Some(d(2023, 3, 28)));
    assert!(p.links.is_empty());
}

#[test]
fn second_detail_and_garbage() {
    let p = parse(
        "jrct",
        "https://jrct.niph.go.jp/latest-detail/jRCTb030210045",
        "jrct.niph.go.jp/latest-detail/jRCTb030210045/index.html",
        None,
    );
    let f = &p.facts;
    let fac = one(f, "plan:jrct:jRCTb030210045", P::Provider);
    assert_eq!(one(f, &fac, P::Name), "表参道セルクリニック");
    assert_eq!(one(f, &fac, P::Prefecture), "東京都");
    assert_eq!(one(f, "plan:jrct:jRCTb030210045", P::Status), "募集終了");
    assert!(values(f, "plan:jrct:jRCTb030210045", P::Change).is_empty());

    let mut doc = document(
        "jrct",
        "https://jrct.niph.go.jp/latest-detail/jRCTb030210045",
        "jrct.niph.go.jp/latest-detail/jRCTb030210045/index.html",
        None,
    );
    doc.body = Body::Html("<p>Service unavailable</p>".into());
    assert!(matches!(Jrct.parse(&doc), Err(ParseError::NoContent(_))));
}
