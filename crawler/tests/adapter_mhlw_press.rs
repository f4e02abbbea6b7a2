//! mhlw-press: the index of releases, the month lists (only the Act's releases are followed),
//! the three releases of the replica (current template UTF-8, old template Shift_JIS) read field
//! by field, the release date from `<time datetime>`, PDF attachments, start pages and the
//! structure check.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure
mod common;

use common::*;
use mieru_crawler::adapter::{Adapter, ParseError, StartContext};
use mieru_crawler::adapters::mhlw_press::{self, MhlwPress};
use mieru_crawler::document::Body;
use mieru_crawler::provenance::Property as P;
use std::collections::BTreeSet;

const HOUDOU: &str = "www.mhlw.go.jp/stf/houdou/";

/// The Act's releases of the replica, as their month lists link them.
const ACT_RELEASES: [&str; 3] = [
    "https://www.mhlw.go.jp/stf/houdou/0000158832.html",
    "https://www.mhlw.go.jp/stf/newpage_61234.html",
    "https://www.mhlw.go.jp/stf/newpage_66789.html",
];

fn month_list_files() -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(replica(HOUDOU))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with("houdou_list_"))
        .collect();
    files.sort();
    files
}

fn html_doc(
    url: &str,
    rel: &str,
    edit: impl Fn(String) -> String,
) -> mieru_crawler::document::Document {
    let mut doc = document("mhlw-press", url, rel, Some("text/html"));
    let Body::Html(html) = doc.body else {
        panic!("{rel} is HTML")
    };
    doc.body = Body::Html(edit(html));
    doc
}

#[test]
fn index_follows_its_two_newest_month_lists_and_no_unrelated_release() {
    let p = parse(
        "mhlw-press",
        mhlw_press::INDEX_URL,
        &format!("{HOUDOU}index.html"),
        None,
    );
    assert!(p.facts.is_empty(), "{}", dump(&p.facts));
    let links: Vec<&str> = p.links.iter().map(|r| r.url.as_str()).collect();
    // The index also lists this month's newest releases: none concerns the Act.
    assert_eq!(
        links,
        [
            "https://www.mhlw.go.jp/stf/houdou/houdou_list_202611.html",
            "https://www.mhlw.go.jp/stf/houdou/houdou_list_202610.html",
        ]
    );
}

#[test]
fn month_lists_yield_only_the_acts_releases() {
    let files = month_list_files();
    assert_eq!(files.len(), 16, "{files:?}");
    let mut followed = BTreeSet::new();
    let mut listed = 0;
    for f in &files {
        let url = format!("https://www.mhlw.go.jp/stf/houdou/{f}");
        let p = parse("mhlw-press", &url, &format!("{HOUDOU}{f}"), None);
        assert!(p.facts.is_empty(), "{f}");
        let text = std::fs::read_to_string(replica(&format!("{HOUDOU}{f}"))).unwrap();
        listed += text.matches("<li>").count();
        for r in p.links {
            assert!(r.is_get() && !r.may_be_missing, "{f}: {r:?}");
            followed.insert(r.url.to_string());
        }
    }
    // 0 unrelated: every followed link is one of the Act's releases, and each exists.
    assert_eq!(
        followed,
        ACT_RELEASES.iter().map(|s| s.to_string()).collect()
    );
    for u in &followed {
        let rel = u.trim_start_matches("https://");
        assert!(replica(rel).is_file(), "{rel}");
    }
    // The lists mix in other topics (pages the replica does not have): never followed.
    assert!(listed >= followed.len() + 30, "{listed} listed");
}

#[test]
fn release_date_comes_from_time_datetime() {
    let url = "https://www.mhlw.go.jp/stf/newpage_61234.html";
    let rel = "www.mhlw.go.jp/stf/newpage_61234.html";
    let a = "action:mhlw-press:newpage_61234";
    // The page's own date wins over the date line's text.
    let doc = html_doc(url, rel, |h| {
        h.replace(
            "datetime=\"2025-09-12\"",
            "datetime=\"2025-09-11T10:00:00+09:00\"",
        )
    });
    let p = MhlwPress.parse(&doc).unwrap();
    assert_eq!(one(&p.facts, a, P::IssuedOn), "2025-09-11");
    assert_eq!(
        fact(&p.facts, a, P::Article, "法第22条").observed_on,
        Some(d(2025, 9, 11))
    );
    // Without a <time>, the text's date.
    let doc = html_doc(url, rel, |h| {
        h.replace("<time datetime=\"2025-09-12\">", "<span>")
            .replace("</time>", "</span>")
    });
    let p = MhlwPress.parse(&doc).unwrap();
    assert_eq!(one(&p.facts, a, P::IssuedOn), "2025-09-12");
}

#[test]
fn a_release_follows_its_pdf_attachments_only() {
    let url = "https://www.mhlw.go.jp/stf/newpage_61234.html";
    let rel = "www.mhlw.go.jp/stf/newpage_61234.html";
    let doc = html_doc(url, rel, |h| {
        h.replace(
            "<p>【今後の対応】</p>",
            "<p><a href=\"/content/10800000/000987001.pdf\" data-icon=\"pdf\">別添（PDF：120KB）</a></p>\n\
             <p><a href=\"/stf/houdou/index.html\">報道発表資料一覧</a></p>\n<p>【今後の対応】</p>",
        )
    });
    let p = MhlwPress.parse(&doc).unwrap();
    let links: Vec<&str> = p.links.iter().map(|r| r.url.as_str()).collect();
    assert_eq!(
        links,
        ["https://www.mhlw.go.jp/content/10800000/000987001.pdf"]
    );
    assert!(!p.facts.is_empty());

    // A release on another subject that passed the title filter: read, nothing in it.
    let doc = html_doc(url, rel, |_| {
        "<html><body><div class=\"m-boxInfo\"><p class=\"m-boxInfo__date\"><time datetime=\"2026-11-13\">\
         2026年11月13日</time></p></div><h1>再生医療等評価部会の開催について</h1>\
         <div class=\"m-grid__col1\"><p>第99回を開催します。</p></div></body></html>"
            .to_string()
    });
    let p = MhlwPress.parse(&doc).unwrap();
    assert!(p.facts.is_empty() && p.links.is_empty());

    // An attachment that is no order (別紙) yields nothing; the same text elsewhere is an error.
    let mut doc = document(
        "mhlw-press",
        "https://www.mhlw.go.jp/content/10800000/000987001.pdf",
        rel,
        None,
    );
    doc.body = Body::Text("別紙\n再生医療等提供計画の一覧\n".into());
    assert!(MhlwPress.parse(&doc).unwrap().facts.is_empty());
    doc.meta.url = url.into();
    assert!(matches!(
        MhlwPress.parse(&doc),
        Err(ParseError::NoContent(_))
    ));
}

#[test]
fn start_pages_are_the_index_and_the_months_of_the_window() {
    let today = d(2026, 11, 20);
    let starts = MhlwPress.start_requests(&StartContext::new(today, None));
    let urls: Vec<&str> = starts.iter().map(|r| r.url.as_str()).collect();
    assert_eq!(
        urls,
        [
            "https://www.mhlw.go.jp/stf/houdou/index.html",
            "https://www.mhlw.go.jp/stf/houdou/houdou_list_202611.html",
            "https://www.mhlw.go.jp/stf/houdou/houdou_list_202610.html",
        ]
    );
    // The index always exists; this month's list may not yet.
    assert!(!starts[0].may_be_missing);
    assert!(starts[1..].iter().all(|r| r.may_be_missing && r.is_get()));

    // --since before the Act walks back to 2014-11 and no further.
    let all = MhlwPress.start_requests(&StartContext::new(today, Some(d(2014, 1, 1))));
    assert_eq!(all.len(), 1 + 12 * 12 + 1);
    assert_eq!(
        all.last().unwrap().url.as_str(),
        "https://www.mhlw.go.jp/stf/houdou/houdou_list_201411.html"
    );
    // Every start URL is the §7 entry point or a computed month page.
    for r in &all {
        let u = r.url.as_str();
        let month = u
            .strip_prefix("https://www.mhlw.go.jp/stf/houdou/houdou_list_")
            .and_then(|s| s.strip_suffix(".html"))
            .is_some_and(|m| m.len() == 6 && m.chars().all(|c| c.is_ascii_digit()));
        assert!(u == mhlw_press::INDEX_URL || month, "{u}");
    }
}

#[test]
fn check_structure_names_what_is_missing() {
    let list_url = "https://www.mhlw.go.jp/stf/houdou/houdou_list_202611.html";
    let list_rel = "www.mhlw.go.jp/stf/houdou/houdou_list_202611.html";
    let index_rel = "www.mhlw.go.jp/stf/houdou/index.html";
    let fine = |url: &str, rel: &str| MhlwPress.check_structure(&html_doc(url, rel, |h| h));
    assert!(fine(list_url, list_rel).is_empty());
    assert!(fine(mhlw_press::INDEX_URL, index_rel).is_empty());

    // The list class renamed: named by the check, and the list is a parse error, not empty.
    let renamed = html_doc(list_url, list_rel, |h| {
        h.replace("m-listNews\"", "m-newsList\"")
    });
    assert_eq!(
        MhlwPress.check_structure(&renamed),
        ["ul.m-listNews > li > a"]
    );
    assert!(matches!(
        MhlwPress.parse(&renamed),
        Err(ParseError::NoContent(_))
    ));

    let renamed = html_doc(mhlw_press::INDEX_URL, index_rel, |h| {
        h.replace("m-listLinkMonth", "m-listMonth")
    });
    assert_eq!(
        MhlwPress.check_structure(&renamed),
        ["ul.m-listLinkMonth > li > a"]
    );
    // A release is read by its text: nothing to check.
    let release = "https://www.mhlw.go.jp/stf/newpage_61234.html";
    let doc = html_doc(release, "www.mhlw.go.jp/stf/newpage_61234.html", |_| {
        String::new()
    });
    assert!(MhlwPress.check_structure(&doc).is_empty());
}

#[test]
fn emergency_order_2025_current_template() {
    let p = parse(
        "mhlw-press",
        "https://www.mhlw.go.jp/stf/newpage_61234.html",
        "www.mhlw.go.jp/stf/newpage_61234.html",
        Some("text/html"),
    );
    let f = &p.facts;
    let a = "action:mhlw-press:newpage_61234";
    assert_facts(
        f,
        a,
        &[
            (P::ActionType, "emergency_order"),
            (P::IssuedOn, "2025-09-12"),
            (P::Authority, "厚生労働大臣"),
            (
                P::Headline,
                "再生医療等の安全性の確保等に関する法律に基づく緊急命令について",
            ),
        ],
    );
    // 法第 22 条及び法第 47 条 (spaced); the inspection articles 24/52 are not the basis.
    assert_eq!(values(f, a, P::Article), ["法第22条", "法第47条"]);
    assert_eq!(
        fact(f, a, P::Article, "法第22条").observed_on,
        Some(d(2025, 9, 12))
    );

    let targets = values(f, a, P::Target);
    // Every party is a target, with its role: the clinic, its corporation and manager, the CPC.
    assert_eq!(
        targets,
        [
            "facility:mhlw-press:newpage_61234#1",
            "organization:mhlw-press:newpage_61234#1-operator",
            "person:mhlw-press:newpage_61234#1-manager",
            "cpc:mhlw-press:FC3150021"
        ]
    );
    let clinic = "facility:mhlw-press:newpage_61234#1";
    assert_facts(
        f,
        clinic,
        &[
            (P::Name, "銀座アオバ再生クリニック"),
            (P::Prefecture, "東京都"),
            (P::Address, "東京都中央区"),
        ],
    );
    let op = one(f, clinic, P::Operator);
    assert_eq!(one(f, &op, P::Name), "医療法人社団蒼天会");
    let manager = one(f, clinic, P::Manager);
    assert_eq!(manager, "person:mhlw-press:newpage_61234#1-manager");
    assert_eq!(one(f, &manager, P::Name), "黒江　誠司");
    let cpc = "cpc:mhlw-press:FC3150021";
    assert_facts(
        f,
        cpc,
        &[
            (P::Name, "銀座アオバ細胞加工センター"),
            (P::Role, "cpc"),
            (P::FacilityNumber, "FC3150021"),
        ],
    );

    // 事案 + 3 violations.
    let findings = values(f, a, P::Finding);
    assert_eq!(findings.len(), 4);
    assert!(findings[0].contains("死亡した"));
    assert_eq!(
        findings[2],
        "再生医療等提供計画に記載のない医師が再生医療等を行っていた。（法第 4 条第 3 項第 2 号違反）"
    );
    // Plans ordered suspended, the first with a stray unmatched 「.
    let plans = values(f, a, P::ConcernsPlan);
    assert_eq!(plans.len(), 3);
    assert_eq!(
        one(f, &plans[0], P::Title),
        "自己脂肪由来間葉系幹細胞を用いた慢性疼痛の治療"
    );
    assert_eq!(one(f, &plans[0], P::PlanNumber), "02C2406012");
    assert_eq!(one(f, &plans[1], P::PlanNumber), "02C2407031");
    assert_eq!(
        one(f, &plans[2], P::Title),
        "自己血由来多血小板血漿（PRP）を用いた皮膚の若返り治療"
    );
    assert_eq!(one(f, &plans[2], P::PlanNumber), "03C2405007");
    // 今後の対応 is neither a finding nor a measure.
    assert!(values(f, a, P::Measure).is_empty());
    assert!(p.links.is_empty());
}

#[test]
fn improvement_order_2026_names_the_renamed_clinic() {
    let p = parse(
        "mhlw-press",
        "https://www.mhlw.go.jp/stf/newpage_66789.html",
        "www.mhlw.go.jp/stf/newpage_66789.html",
        None,
    );
    let f = &p.facts;
    let a = "action:mhlw-press:newpage_66789";
    assert_eq!(one(f, a, P::ActionType), "improvement_order");
    assert_eq!(one(f, a, P::IssuedOn), "2026-01-23");
    // Only the order's basis, not the earlier 法第47条 order or the 法第52条 inspection.
    assert_eq!(values(f, a, P::Article), ["法第48条第2項"]);

    // `銀座アオバ再生クリニック（現　銀座ミライ整形クリニック）`: Name = new, FormerName = old.
    let clinic = "facility:mhlw-press:newpage_66789#1";
    assert_eq!(one(f, clinic, P::Name), "銀座ミライ整形クリニック");
    assert_eq!(one(f, clinic, P::FormerName), "銀座アオバ再生クリニック");
    assert_eq!(
        fact(f, clinic, P::FormerName, "銀座アオバ再生クリニック").observed_on,
        Some(d(2026, 1, 23))
    );
    let op = one(f, clinic, P::Operator);
    assert_eq!(one(f, &op, P::Name), "医療法人社団翠嶺会");
    let cpc = "cpc:mhlw-press:FC3150021";
    assert_eq!(one(f, cpc, P::FacilityNumber), "FC3150021");
    assert_eq!(values(f, a, P::Target), [clinic, op.as_str(), cpc]);

    let findings = values(f, a, P::Finding);
    assert_eq!(findings.len(), 3);
    assert!(findings[0].contains("供給者の管理"));
    assert!(findings[1].contains("品質の照査"));
    assert!(findings[2].contains("逸脱として処理していなかった"));
    let measures = values(f, a, P::Measure);
    assert_eq!(measures.len(), 2);
    assert!(measures[1].contains("令和8年2月27日"));
}

#[test]
fn emergency_order_2017_old_template_shift_jis() {
    let doc = document(
        "mhlw-press",
        "https://www.mhlw.go.jp/stf/houdou/0000158832.html",
        "www.mhlw.go.jp/stf/houdou/0000158832.html",
        None,
    );
    assert_eq!(doc.meta.encoding.as_deref(), Some("Shift_JIS"));
    let p = MhlwPress.parse(&doc).expect("parses");
    let f = &p.facts;
    let a = "action:mhlw-press:0000158832";
    assert_eq!(one(f, a, P::ActionType), "emergency_order");
    assert_eq!(one(f, a, P::IssuedOn), "2017-06-27");
    // 法第２４条第２項に基づく立入検査 is not the basis; 法第２２条 is.
    assert_eq!(values(f, a, P::Article), ["法第22条"]);
    let t = "facility:mhlw-press:0000158832#1".to_string();
    assert_eq!(
        values(f, a, P::Target),
        [t.as_str(), "person:mhlw-press:0000158832#1-manager"]
    );
    assert_eq!(one(f, &t, P::Name), "白鷺臍帯血クリニック");
    assert_eq!(one(f, &t, P::Address), "東京都渋谷区");
    assert!(values(f, &t, P::Operator).is_empty());
    let m = one(f, &t, P::Manager);
    assert_eq!(one(f, &m, P::Name), "佐藤　健");
    let findings = values(f, a, P::Finding);
    assert_eq!(findings.len(), 2);
    assert!(findings[0].ends_with("（法第４条第１項違反）"));
    let plans = values(f, a, P::ConcernsPlan);
    assert_eq!(plans.len(), 2);
    assert_eq!(
        one(f, &plans[0], P::Title),
        "臍帯血幹細胞を用いた美容目的の治療"
    );
    assert!(values(f, &plans[0], P::PlanNumber).is_empty());
    // The breadcrumb's /stf/houdou/ index is not a release.
    assert!(p.links.is_empty(), "{:?}", p.links);
}

#[test]
fn release_as_pdf_text_and_garbage() {
    let mut doc = document(
        "mhlw-press",
        "file:///order.pdf",
        "www.mhlw.go.jp/stf/newpage_61234.html",
        None,
    );
    doc.body = Body::Text(
        "令和6年 10 月 24 日\n再生医療等の安全性の確保等に関する法律に基づく緊急命令について\n\
         本日、「医療法人社団架空会　架空ＣＬＩＮＩＣ」（大阪府大阪市北区）に対し、\n\
         法第 22 条に基づき、再生医療等の提供の一時停止を命じました。\n\
         【確認された法律違反】\n・ 記録を作成していなかった。\n（法第 16 条違反）\n"
            .into(),
    );
    let p = MhlwPress.parse(&doc).expect("parses");
    let f = &p.facts;
    let a = "action:mhlw-press:order";
    assert_eq!(one(f, a, P::IssuedOn), "2024-10-24");
    assert_eq!(values(f, a, P::Article), ["法第22条"]);
    let t = "facility:mhlw-press:order#1";
    assert_eq!(values(f, a, P::Target)[0], t);
    assert_eq!(one(f, t, P::Name), "架空ＣＬＩＮＩＣ");
    assert_eq!(one(f, t, P::Prefecture), "大阪府");
    // A wrapped item line continues the item.
    assert_eq!(
        values(f, a, P::Finding),
        ["記録を作成していなかった。（法第 16 条違反）"]
    );

    doc.body = Body::Html("<p>お探しのページは見つかりませんでした</p>".into());
    assert!(matches!(
        MhlwPress.parse(&doc),
        Err(ParseError::NoContent(_))
    ));
}
