//! e-saisei: the certified committees of the replica (lists with paging, history pages,
//! disclosure pages) read field by field, their agreement with the plan lists and jRCT, and
//! the structure check of the entry pages.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure
mod common;

use common::esaisei::{FILE2, FILE3, LIST2, LIST3};
use common::*;
use mieru_crawler::adapter::{Adapter, ParseError};
use mieru_crawler::adapters::esaisei::ESaisei;
use mieru_crawler::document::Body;
use mieru_crawler::provenance::Property as P;

const COMMITTEES: &str = "https://saiseiiryo.mhlw.go.jp/disclosed_committee";
const R: &str = "saiseiiryo.mhlw.go.jp/disclosed_committee";

/// Parse a committee page of the replica with `a` (one adapter per crawl: it pages).
fn committee_page(a: &ESaisei, path: &str) -> mieru_crawler::adapter::Parsed {
    let doc = document(
        "e-saisei",
        &format!("{COMMITTEES}/{path}"),
        &format!("{R}/{path}/index.html"),
        Some("text/html"),
    );
    a.parse(&doc).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn link_urls(p: &mieru_crawler::adapter::Parsed) -> Vec<String> {
    p.links.iter().map(|r| r.url.to_string()).collect()
}

fn ctx() -> mieru_crawler::adapter::StartContext {
    mieru_crawler::adapter::StartContext::now()
}

const TOKYO_CELL: &str = "committee:e-saisei:NA8150016";
const TOKYO_CELL_ADDRESS: &str = "東京都千代田区神田小川町3丁目12番5号　セルビル4階";
/// NA8150016 as both its list row and its disclosure page describe it.
const TOKYO_CELL_FACTS: &[(P, &str)] = &[
    (P::Name, "東京セル再生医療等委員会"),
    (P::CommitteeNumber, "NA8150016"),
    (P::LicenceKind, "特定認定"),
    (P::Prefecture, "東京都"),
    (P::Address, TOKYO_CELL_ADDRESS),
    (P::RegisteredOn, "2015-08-03"),
];

#[test]
fn committee_lists_are_paged_and_read_row_by_row() {
    let a = ESaisei::new();
    let starts: Vec<String> = a
        .start_requests(&ctx())
        .into_iter()
        .map(|r| r.url.to_string())
        .collect();
    assert_eq!(
        starts,
        [
            LIST2,
            LIST3,
            &format!("{COMMITTEES}/index/1"),
            &format!("{COMMITTEES}/index/2")
        ]
    );

    let p = committee_page(&a, "index/1");
    let f = &p.facts;
    let committees = subjects_with(f, "committee:");
    assert_eq!(committees.len(), 5, "{committees:?}");
    let c = TOKYO_CELL;
    assert_facts(f, c, TOKYO_CELL_FACTS);
    assert_eq!(
        one(f, c, P::ListedIn),
        "e-再生医療 特定認定再生医療等委員会 一覧"
    );
    let op = one(f, c, P::Operator);
    assert_eq!(op, "organization:e-saisei:NA8150016");
    assert_eq!(one(f, &op, P::Name), "一般社団法人東京セル医療協会");
    // Links: each committee's history and disclosure, then the next page.
    let links = link_urls(&p);
    assert_eq!(links.len(), 11, "{links:?}");
    assert!(links.contains(&format!("{COMMITTEES}/history/102")));
    assert!(links.contains(&format!("{COMMITTEES}/preview/07C2410004")));
    assert_eq!(
        links.last().unwrap(),
        &format!("{COMMITTEES}/index/1/page:2")
    );

    // The last page: its paginator links no later page.
    let p2 = committee_page(&a, "index/1/page:2");
    let c = "committee:e-saisei:NA8190027";
    assert_eq!(one(&p2.facts, c, P::Name), "なにわ特定認定再生医療等委員会");
    assert_eq!(one(&p2.facts, c, P::RegisteredOn), "2019-07-01");
    let links = link_urls(&p2);
    assert_eq!(links.len(), 6, "{links:?}");
    assert!(links.iter().all(|l| !l.contains("/index/")), "{links:?}");

    // The 認定 list: NB numbers, two pages.
    let p = committee_page(&a, "index/2");
    let c = "committee:e-saisei:NB3150042";
    assert_eq!(one(&p.facts, c, P::Name), "銀座美容再生医療等委員会");
    assert_eq!(one(&p.facts, c, P::LicenceKind), "認定");
    assert_eq!(
        one(&p.facts, c, P::ListedIn),
        "e-再生医療 認定再生医療等委員会 一覧"
    );
    assert!(link_urls(&p).contains(&format!("{COMMITTEES}/index/2/page:2")));
    let p = committee_page(&a, "index/2/page:2");
    assert_eq!(
        one(&p.facts, "committee:e-saisei:NB7190009", P::Name),
        "博多ウェルネス再生医療等委員会"
    );
    assert!(link_urls(&p).iter().all(|l| !l.contains("/index/")));
}

/// A list page without a paginator, holding `ids` as history links.
fn bare_list(ids: &[&str]) -> String {
    let rows: String = ids
        .iter()
        .map(|id| {
            format!(
                "<tr><td>NA81500{id}</td><td>委員会{id}</td><td>設置者{id}</td><td>東京都</td>\
                 <td>令和元年5月1日</td><td><a href=\"/disclosed_committee/history/{id}\">履歴</a></td></tr>"
            )
        })
        .collect();
    format!(
        "<html><body><table><tr><th>認定番号</th><th>再生医療等委員会の名称</th><th>設置者</th>\
         <th>所在地</th><th>認定年月日</th><th>履歴</th></tr>{rows}</table></body></html>"
    )
}

#[test]
fn paging_stops_at_the_first_page_that_adds_no_history_link() {
    let a = ESaisei::new();
    a.start_requests(&ctx());
    let read = |page: &str, html: String| {
        let url = format!("{COMMITTEES}/index/1{page}");
        let mut doc = document("e-saisei", &url, &format!("{R}/index/1/index.html"), None);
        doc.body = Body::Html(html);
        let p = a.parse(&doc).unwrap();
        link_urls(&p)
            .into_iter()
            .filter(|l| l.contains("/index/"))
            .collect::<Vec<_>>()
    };
    // No paginator: a page with new history links leads to the next one …
    assert_eq!(
        read("", bare_list(&["11", "12"])),
        [format!("{COMMITTEES}/index/1/page:2")]
    );
    assert_eq!(
        read("/page:2", bare_list(&["13"])),
        [format!("{COMMITTEES}/index/1/page:3")]
    );
    // … and a page past the end that repeats the last one adds nothing: the end.
    assert!(read("/page:3", bare_list(&["13"])).is_empty());
    // A page without any history link ends the list too.
    assert!(read("/page:4", bare_list(&[])).is_empty());
    // A new crawl pages afresh.
    a.start_requests(&ctx());
    assert_eq!(
        read("", bare_list(&["11", "12"])),
        [format!("{COMMITTEES}/index/1/page:2")]
    );
}

#[test]
fn a_committee_history_names_the_plans_it_reviewed() {
    let a = ESaisei::new();
    let p = committee_page(&a, "history/102");
    let f = &p.facts;
    let c = TOKYO_CELL;
    assert_facts(
        f,
        c,
        &[
            (P::Name, "東京セル再生医療等委員会"),
            (P::CommitteeNumber, "NA8150016"),
            (P::LicenceKind, "特定認定"),
            (P::RegisteredOn, "2015-08-03"),
        ],
    );
    let op = one(f, c, P::Operator);
    assert_eq!(one(f, &op, P::Name), "一般社団法人東京セル医療協会");
    // Every review row with a plan number links that plan to the committee, dated by the
    // meeting; the row without a number (a periodic report) is not read.
    let plans = subjects_with(f, "plan:");
    assert_eq!(
        plans,
        [
            "plan:e-saisei:02C2102045",
            "plan:e-saisei:02C2110027",
            "plan:e-saisei:02C2205012",
            "plan:e-saisei:02C2209044",
            "plan:e-saisei:02C2406012",
            "plan:e-saisei:02C2407031",
            "plan:e-saisei:jRCTb030210045",
        ]
    );
    let mut death_case: Vec<Option<String>> = f
        .iter()
        .filter(|x| x.subject.as_str() == "plan:e-saisei:02C2406012" && x.property == P::Committee)
        .map(|x| {
            assert_eq!(x.value, c);
            x.observed_on.map(|d| d.to_string())
        })
        .collect();
    death_case.sort();
    assert_eq!(
        death_case,
        [Some("2024-05-14".to_owned()), Some("2025-09-03".to_owned())]
    );
    assert_eq!(
        one(f, "plan:e-saisei:jRCTb030210045", P::PlanNumber),
        "jRCTb030210045"
    );
    assert_eq!(link_urls(&p), [format!("{COMMITTEES}/preview/07C2410004")]);

    // A committee whose history lists no review: the committee only.
    let p = committee_page(&a, "history/104");
    assert_eq!(
        one(&p.facts, "committee:e-saisei:NA8170041", P::Name),
        "九州再生医療等委員会"
    );
    assert!(subjects(&p.facts).iter().all(|s| !s.starts_with("plan:")));

    // The 認定 committee that reviewed the death-case clinic and its possible successor.
    let p = committee_page(&a, "history/201");
    for plan in ["03C2405007", "03C2511002", "03C2603001"] {
        assert_eq!(
            one(&p.facts, &format!("plan:e-saisei:{plan}"), P::Committee),
            "committee:e-saisei:NB3150042"
        );
    }
}

#[test]
fn a_committee_disclosure_is_read_label_by_label() {
    let a = ESaisei::new();
    let p = committee_page(&a, "preview/07C2410004");
    let f = &p.facts;
    let c = TOKYO_CELL;
    assert_facts(f, c, TOKYO_CELL_FACTS);
    let org = one(f, c, P::Operator);
    assert_facts(
        f,
        &org,
        &[
            (P::Name, "一般社団法人東京セル医療協会"),
            (P::Address, TOKYO_CELL_ADDRESS),
        ],
    );
    let rep = one(f, &org, P::Representative);
    assert_eq!(rep, "person:e-saisei:NA8150016");
    assert_eq!(one(f, &rep, P::Name), "三島 隆之");
    // Members are not read; the page links nowhere.
    assert!(subjects(f).iter().all(|s| !s.contains("石田")));
    assert!(p.links.is_empty());

    // ■ 第三種…のみ: a 認定 committee.
    let p = committee_page(&a, "preview/10C2502006");
    let c = "committee:e-saisei:NB3150042";
    assert_eq!(one(&p.facts, c, P::LicenceKind), "認定");
    let org = one(&p.facts, c, P::Operator);
    let rep = one(&p.facts, &org, P::Representative);
    assert_eq!(one(&p.facts, &rep, P::Name), "黒江 美和");

    // No number on the page: keyed by its code, the box still gives the kind.
    let p = committee_page(&a, "preview/02G2411001");
    let c = "committee:e-saisei:02G2411001";
    assert_eq!(one(&p.facts, c, P::Name), "博多ウェルネス再生医療等委員会");
    assert_eq!(one(&p.facts, c, P::LicenceKind), "認定");
    assert!(values(&p.facts, c, P::CommitteeNumber).is_empty());
    let org = one(&p.facts, c, P::Operator);
    assert_eq!(one(&p.facts, &org, P::Name), "株式会社博多ウェルネス");

    // Not a committee page.
    let mut doc = document(
        "e-saisei",
        &format!("{COMMITTEES}/preview/07C2410004"),
        &format!("{R}/preview/07C2410004/index.html"),
        None,
    );
    doc.body = Body::Html("<p>ただいまメンテナンス中です</p>".into());
    assert!(matches!(a.parse(&doc), Err(ParseError::NoContent(_))));
}

#[test]
fn committees_agree_with_the_plan_lists_and_jrct() {
    let a = ESaisei::new();
    let mut by_name = std::collections::BTreeMap::new();
    for list in ["index/1", "index/1/page:2", "index/2", "index/2/page:2"] {
        let p = committee_page(&a, list);
        for fact in p.facts.iter().filter(|x| x.property == P::Name) {
            if fact.subject.as_str().starts_with("committee:") {
                by_name.insert(fact.value.clone(), fact.subject.as_str().to_string());
            }
        }
    }
    assert_eq!(by_name.len(), 11);
    // Every committee the plan lists name is on a committee list.
    for (url, file) in [(LIST2, FILE2), (LIST3, FILE3)] {
        let p = parse("e-saisei", url, file, None);
        for fact in p.facts.iter().filter(|x| x.property == P::Committee) {
            let name = fact.value.trim_start_matches("committee:e-saisei:");
            assert!(by_name.contains_key(name), "{name} not listed");
        }
    }
    // The numbers jRCT gives are those of the same committees.
    assert_eq!(
        by_name["東京セル再生医療等委員会"],
        "committee:e-saisei:NA8150016"
    );
    assert_eq!(
        by_name["なにわ特定認定再生医療等委員会"],
        "committee:e-saisei:NA8190027"
    );
}

#[test]
fn entry_pages_structure_check() {
    let a = ESaisei::new();
    let ok = |url: &str, rel: &str| a.check_structure(&document("e-saisei", url, rel, None));
    assert!(ok(LIST2, FILE2).is_empty());
    assert!(ok(LIST3, FILE3).is_empty());
    let list1 = format!("{COMMITTEES}/index/1");
    let file1 = format!("{R}/index/1/index.html");
    assert!(ok(&list1, &file1).is_empty());

    // A plan list whose header lost its labels and whose rows lost their links.
    let mut doc = document("e-saisei", LIST2, FILE2, None);
    let Body::Html(html) = &doc.body else {
        panic!("html")
    };
    doc.body = Body::Html(
        html.replace("<th>都道府県</th>", "<th>県</th>")
            .replace("/published_plan/download/", "/files/"),
    );
    assert_eq!(
        a.check_structure(&doc),
        [
            "plan list header column 都道府県",
            "plan rows with download links (/published_plan/download/{code}/…)"
        ]
    );
    // A committee list without its history links.
    let mut doc = document("e-saisei", &list1, &file1, None);
    let Body::Html(html) = &doc.body else {
        panic!("html")
    };
    doc.body = Body::Html(html.replace("/disclosed_committee/history/", "/disclosed_committee/h/"));
    assert_eq!(
        a.check_structure(&doc),
        ["committee history links (a[href*=\"/disclosed_committee/history/\"])"]
    );
    doc.body = Body::Binary;
    assert_eq!(a.check_structure(&doc).len(), 1);
}
