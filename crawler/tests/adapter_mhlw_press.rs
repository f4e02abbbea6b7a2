//! mhlw-press: the three releases of the replica (current template UTF-8, old template
//! Shift_JIS) and the list page, read field by field.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure
mod adapter_support;

use adapter_support::*;
use mieru_crawler::adapter::{Adapter, ParseError};
use mieru_crawler::adapters::mhlw_press::MhlwPress;
use mieru_crawler::document::Body;
use mieru_crawler::provenance::Property as P;

#[test]
fn list_page_links_releases_on_the_ministry_host_only() {
    let p = parse(
        "mhlw-press",
        "https://www.mhlw.go.jp/stf/seisakunitsuite/bunya/saisei_iryou/meirei.html",
        "www.mhlw.go.jp/stf/seisakunitsuite/bunya/saisei_iryou/meirei.html",
        None,
    );
    assert!(p.facts.is_empty(), "{}", dump(&p.facts));
    let links: Vec<&str> = p.links.iter().map(|u| u.url.as_str()).collect();
    assert_eq!(
        links,
        [
            "https://www.mhlw.go.jp/stf/newpage_66789.html",
            "https://www.mhlw.go.jp/stf/newpage_61234.html",
            "https://www.mhlw.go.jp/stf/houdou/0000158832.html",
        ]
    );
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
    assert_eq!(one(f, a, P::ActionType), "emergency_order");
    assert_eq!(one(f, a, P::IssuedOn), "2025-09-12");
    assert_eq!(one(f, a, P::Authority), "厚生労働大臣");
    assert_eq!(
        one(f, a, P::Headline),
        "再生医療等の安全性の確保等に関する法律に基づく緊急命令について"
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
    assert_eq!(one(f, clinic, P::Name), "銀座アオバ再生クリニック");
    assert_eq!(one(f, clinic, P::Prefecture), "東京都");
    assert_eq!(one(f, clinic, P::Address), "東京都中央区");
    let op = one(f, clinic, P::Operator);
    assert_eq!(one(f, &op, P::Name), "医療法人社団蒼天会");
    let manager = one(f, clinic, P::Manager);
    assert_eq!(manager, "person:mhlw-press:newpage_61234#1-manager");
    assert_eq!(one(f, &manager, P::Name), "黒江　誠司");
    let cpc = "cpc:mhlw-press:FC3150021";
    assert_eq!(one(f, cpc, P::Name), "銀座アオバ細胞加工センター");
    assert_eq!(one(f, cpc, P::Role), "cpc");
    assert_eq!(one(f, cpc, P::FacilityNumber), "FC3150021");

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
