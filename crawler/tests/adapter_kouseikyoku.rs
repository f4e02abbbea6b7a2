//! kouseikyoku: the bureau entry pages of sources.md §7 (start requests, structure check, the
//! leaves they link), the 九州 order (HTML), the 近畿 revocation, the 東海北陸 PDF-only order,
//! and 関東信越's CPC Excel list, closure list and new-provider list (linked from 近畿's page).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure
mod common;

use common::*;
use mieru_crawler::adapter::{Adapter, ParseError, StartContext};
use mieru_crawler::adapters::kouseikyoku::{self, Kouseikyoku};
use mieru_crawler::document::Body;
use mieru_crawler::provenance::Property as P;

const H: &str = "https://kouseikyoku.mhlw.go.jp/";
const R: &str = "kouseikyoku.mhlw.go.jp/";

fn bureau(path: &str) -> mieru_crawler::adapter::Parsed {
    parse(
        "kouseikyoku",
        &format!("{H}{path}"),
        &format!("{R}{path}"),
        None,
    )
}

fn links(p: &mieru_crawler::adapter::Parsed) -> Vec<&str> {
    p.links.iter().map(|r| r.url.as_str()).collect()
}

/// The real bureau pages of sources.md §7.
const SECTION_7: [&str; 5] = [
    "https://kouseikyoku.mhlw.go.jp/tokaihokuriku/iji/saiseiiryou.html",
    "https://kouseikyoku.mhlw.go.jp/kinki/iji/saisei/saisei_top.html",
    "https://kouseikyoku.mhlw.go.jp/kyushu/iji/saiseiiryou/gaiyou.html",
    "https://kouseikyoku.mhlw.go.jp/kyushu/iji/saiseiiryou/newpage_00730.html",
    "https://kouseikyoku.mhlw.go.jp/hokkaido/iji/saiseiiryou.html",
];

#[test]
fn start_pages_are_the_real_bureau_pages() {
    let starts =
        Kouseikyoku.start_requests(&StartContext::new(d(2026, 11, 20), Some(d(2014, 1, 1))));
    let urls: Vec<&str> = starts.iter().map(|r| r.url.as_str()).collect();
    assert_eq!(urls, SECTION_7);
    assert!(starts.iter().all(|r| r.is_get() && !r.may_be_missing));
    // The bureaus with no known page are named, and none of them is crawled.
    let uncovered: Vec<&str> = kouseikyoku::UNCOVERED_BUREAUS
        .iter()
        .map(|(s, _)| *s)
        .collect();
    assert_eq!(
        uncovered,
        ["tohoku", "kantoshinetsu", "chugokushikoku", "shikoku"]
    );
    assert_eq!(kouseikyoku::UNCOVERED_BUREAUS[3].1, "四国厚生支局");
    for slug in uncovered {
        assert!(
            urls.iter().all(|u| !u.contains(&format!("/{slug}/"))),
            "{slug}"
        );
    }
}

#[test]
fn entry_pages_link_their_leaves_only() {
    let p = bureau("kyushu/iji/saiseiiryou/gaiyou.html");
    assert!(p.facts.is_empty());
    // Not the law's overview PDF under /kyushu/content/, not the Ministry's pages.
    assert_eq!(
        links(&p),
        [
            "https://kouseikyoku.mhlw.go.jp/kyushu/iji/saiseiiryou/newpage_00730.html",
            "https://kouseikyoku.mhlw.go.jp/kyushu/iji/saiseiiryou/newpage_00512.html",
        ]
    );
    let p = bureau("tokaihokuriku/iji/saiseiiryou.html");
    assert_eq!(
        links(&p),
        ["https://kouseikyoku.mhlw.go.jp/tokaihokuriku/iji/saiseiiryou/000987654.pdf"]
    );
    // 近畿's 「1.更新情報」: the Excel list, two list pages, the revocation; not its guides.
    let p = bureau("kinki/iji/saisei/saisei_top.html");
    assert_eq!(
        links(&p),
        [
            "https://kouseikyoku.mhlw.go.jp/kinki/iji/saisei/000871234.xlsx",
            "https://kouseikyoku.mhlw.go.jp/kinki/iji/saisei/newpage_00873.html",
            "https://kouseikyoku.mhlw.go.jp/kinki/iji/saisei/newpage_00872.html",
            "https://kouseikyoku.mhlw.go.jp/kinki/iji/saisei/newpage_00456.html",
        ]
    );
    // 北海道 has published nothing: an entry page without notices is no error.
    let p = bureau("hokkaido/iji/saiseiiryou.html");
    assert!(p.facts.is_empty() && p.links.is_empty());
    // A notice page with neither an order nor links is reported, not silently empty.
    let doc = document(
        "kouseikyoku",
        &format!("{H}kyushu/iji/saiseiiryou/newpage_00512.html"),
        &format!("{R}kyushu/iji/saiseiiryou/newpage_00512.html"),
        None,
    );
    assert!(matches!(
        Kouseikyoku.parse(&doc),
        Err(ParseError::NoContent(_))
    ));
}

#[test]
fn check_structure_per_entry_page() {
    let check = |path: &str, edit: &dyn Fn(String) -> String| {
        let mut doc = document(
            "kouseikyoku",
            &format!("{H}{path}"),
            &format!("{R}{path}"),
            None,
        );
        let Body::Html(html) = doc.body else {
            panic!("{path} is HTML")
        };
        doc.body = Body::Html(edit(html));
        Kouseikyoku.check_structure(&doc)
    };
    for url in SECTION_7 {
        let path = url.trim_start_matches(H);
        assert_eq!(check(path, &|h| h), Vec::<String>::new(), "{path}");
    }
    // The page body renamed: named, and its links are still read from the whole page.
    let renamed = |h: String| h.replace("id=\"tmp_contents\"", "id=\"main\"");
    assert_eq!(
        check("tokaihokuriku/iji/saiseiiryou.html", &renamed),
        ["div#tmp_contents"]
    );
    // 近畿's update list gone.
    let no_updates = |h: String| h.replace("1.更新情報", "1.新着");
    assert_eq!(
        check("kinki/iji/saisei/saisei_top.html", &no_updates),
        ["heading 「更新情報」"]
    );
    let neither = |h: String| renamed(h).replace("★お知らせ★", "★");
    assert_eq!(
        check("kyushu/iji/saiseiiryou/gaiyou.html", &neither),
        ["div#tmp_contents", "heading 「お知らせ」"]
    );
    // A leaf is not an entry page: nothing to check.
    assert!(check("kinki/iji/saisei/newpage_00872.html", &|_| String::new()).is_empty());
    let mut doc = document(
        "kouseikyoku",
        &format!("{H}tokaihokuriku/iji/saiseiiryou.html"),
        &format!("{R}tokaihokuriku/iji/saiseiiryou.html"),
        None,
    );
    doc.body = Body::Html(renamed(match doc.body {
        Body::Html(h) => h,
        _ => unreachable!(),
    }));
    assert_eq!(
        links(&Kouseikyoku.parse(&doc).unwrap()),
        ["https://kouseikyoku.mhlw.go.jp/tokaihokuriku/iji/saiseiiryou/000987654.pdf"]
    );
}

#[test]
fn kyushu_improvement_order_with_plan_aliases() {
    let p = bureau("kyushu/iji/saiseiiryou/newpage_00730.html");
    let f = &p.facts;
    let a = "action:kouseikyoku:kyushu/newpage_00730";
    assert_facts(
        f,
        a,
        &[
            (P::ActionType, "improvement_order"),
            (P::IssuedOn, "2025-07-15"),
            (P::Authority, "九州厚生局長"),
        ],
    );
    // 第２３条第１項及び第４８条第２項 (full-width, second article without 法).
    assert_eq!(values(f, a, P::Article), ["法第23条第1項", "法第48条第2項"]);

    // 氏 名 木下 悠真 （医療法人玄海会 博多リジェネクリニック管理者）
    let targets = values(f, a, P::Target);
    let person = "person:kouseikyoku:kyushu/newpage_00730#1-manager";
    let clinic = "facility:kouseikyoku:kyushu/newpage_00730#1";
    let corp = "organization:kouseikyoku:kyushu/newpage_00730#1-operator";
    assert_eq!(targets, [clinic, corp, person]);
    assert_eq!(one(f, person, P::Role), "manager");
    assert_eq!(one(f, corp, P::Role), "operator");
    assert_eq!(one(f, person, P::Name), "木下　悠真");
    assert_eq!(one(f, clinic, P::Name), "博多リジェネクリニック");
    assert_eq!(one(f, clinic, P::Manager), person);
    assert_eq!(one(f, clinic, P::Operator), corp);
    assert_eq!(one(f, corp, P::Name), "医療法人玄海会");
    assert_facts(
        f,
        clinic,
        &[
            (P::Address, "福岡県福岡市博多区博多駅前３丁目２番１号"),
            (P::Prefecture, "福岡県"),
        ],
    );

    // Two plans under one `計 画 名` label, each with its number and alias.
    let plans = values(f, a, P::ConcernsPlan);
    assert_eq!(plans.len(), 2);
    assert_eq!(
        one(f, &plans[0], P::Title),
        "自己脂肪由来間葉系幹細胞を用いた変形性膝関節症の治療"
    );
    assert_eq!(one(f, &plans[0], P::PlanNumber), "02G2203015");
    assert_eq!(one(f, &plans[0], P::Name), "膝幹細胞");
    assert_eq!(
        one(f, &plans[1], P::Title),
        "自己皮膚由来線維芽細胞を用いた皮膚のしわの治療"
    );
    assert_eq!(one(f, &plans[1], P::PlanNumber), "03G2203016");
    assert_eq!(one(f, &plans[1], P::Name), "線維芽");

    let findings = values(f, a, P::Finding);
    assert_eq!(findings.len(), 3);
    assert!(findings[0].starts_with("線維芽について"));
    assert!(findings[0].ends_with("（法第４条第３項第２号違反）"));
    assert_eq!(values(f, a, P::Measure).len(), 3);
}

#[test]
fn kinki_licence_revocation_keys_the_cpc_by_its_number() {
    let p = bureau("kinki/iji/saisei/newpage_00456.html");
    let f = &p.facts;
    let a = "action:kouseikyoku:kinki/newpage_00456";
    assert_facts(
        f,
        a,
        &[
            (P::ActionType, "licence_revocation"),
            (P::IssuedOn, "2025-06-18"),
            (P::Authority, "近畿厚生局長"),
        ],
    );
    assert_eq!(values(f, a, P::Article), ["法第49条"]);
    let cpc = "cpc:kouseikyoku:FA5150007";
    assert_facts(
        f,
        cpc,
        &[
            (P::Name, "ミナトバイオ大阪細胞培養センター"),
            (P::FacilityNumber, "FA5150007"),
            (P::Address, "大阪府大阪市港区築港2丁目8番24号"),
        ],
    );
    let org = one(f, cpc, P::Operator);
    assert_eq!(one(f, &org, P::Name), "株式会社ミナトバイオ");
    assert_eq!(values(f, a, P::Target), [cpc, org.as_str()]);
    assert_eq!(one(f, &org, P::Role), "manufacturer");
    assert_eq!(values(f, a, P::Finding).len(), 2);
    assert_eq!(values(f, a, P::Measure).len(), 1);
}

#[test]
fn tokaihokuriku_pdf_only_order_is_readable() {
    let doc = document(
        "kouseikyoku",
        &format!("{H}tokaihokuriku/iji/saiseiiryou/000987654.pdf"),
        &format!("{R}tokaihokuriku/iji/saiseiiryou/000987654.pdf"),
        Some("application/pdf"),
    );
    // pdf-extract reads the Type0/CID font through its ToUnicode map.
    let Body::Text(text) = &doc.body else {
        panic!("PDF not extracted: {:?}", doc.body);
    };
    assert!(text.contains("名古屋栄セルクリニック"), "{text}");
    let p = Kouseikyoku.parse(&doc).expect("parses");
    let f = &p.facts;
    let a = "action:kouseikyoku:tokaihokuriku/000987654";
    assert_facts(
        f,
        a,
        &[
            (P::ActionType, "improvement_order"),
            (P::IssuedOn, "2025-12-03"),
            (P::Authority, "東海北陸厚生局長"),
        ],
    );
    assert_eq!(values(f, a, P::Article), ["法第23条第1項"]);
    let clinic = "facility:kouseikyoku:tokaihokuriku/000987654#1";
    assert_eq!(one(f, clinic, P::Name), "名古屋栄セルクリニック");
    let m = one(f, clinic, P::Manager);
    assert_eq!(one(f, &m, P::Name), "佐藤　健");
    let org = one(f, clinic, P::Operator);
    assert_eq!(one(f, &org, P::Name), "医療法人栄樹会");
    assert_eq!(
        one(f, clinic, P::Address),
        "愛知県名古屋市中区栄3丁目15番6号"
    );
    let plan = one(f, a, P::ConcernsPlan);
    assert_eq!(one(f, &plan, P::PlanNumber), "02D2106021");
    // The alias sits on the next line of the PDF.
    assert_facts(
        f,
        &plan,
        &[
            (P::Name, "膝治療"),
            (P::Title, "自己脂肪由来幹細胞を用いた変形性膝関節症の治療"),
        ],
    );
    // Findings wrapped over two lines are joined.
    let findings = values(f, a, P::Finding);
    assert_eq!(findings.len(), 2);
    assert!(
        findings[0].ends_with("（法第5条第1項違反）"),
        "{findings:?}"
    );
    assert_eq!(values(f, a, P::Measure).len(), 2);
}

#[test]
fn kantoshinetsu_cpc_excel_list() {
    let p = bureau("kinki/iji/saisei/000871234.xlsx");
    let f = &p.facts;
    let cpcs = subjects_with(f, "cpc:");
    assert_eq!(cpcs.len(), 6, "{cpcs:?}");
    let c = "cpc:kouseikyoku:FC3150021";
    assert_facts(
        f,
        c,
        &[
            (P::Name, "銀座アオバ細胞加工センター"),
            (P::FacilityNumber, "FC3150021"),
            (P::LicenceKind, "届出"),
            (P::RegisteredOn, "2020-04-01"),
            (P::Address, "東京都中央区銀座4丁目9番13号　アオバビル6階"),
        ],
    );
    // Linked from 近畿's page, attributed to the bureau its title row names.
    assert_eq!(
        one(f, c, P::ListedIn),
        "関東信越厚生局 細胞培養加工施設一覧"
    );
    // 令和8年10月31日現在
    assert_eq!(
        fact(f, c, P::LicenceKind, "届出").observed_on,
        Some(d(2026, 10, 31))
    );
    let org = one(f, c, P::Operator);
    assert_eq!(one(f, &org, P::Name), "医療法人社団蒼天会");
    let y = "cpc:kouseikyoku:FA3140008";
    assert_eq!(one(f, y, P::LicenceKind), "許可");
    assert_eq!(one(f, y, P::RegisteredOn), "2015-03-20");
    let org = one(f, y, P::Operator);
    assert_eq!(one(f, &org, P::Name), "株式会社横浜細胞研究所");
    // Dates as H28.9.1, 2017/11/15, R1.7.1.
    assert_eq!(
        one(f, "cpc:kouseikyoku:FA3160012", P::RegisteredOn),
        "2016-09-01"
    );
    assert_eq!(
        one(f, "cpc:kouseikyoku:FC3170044", P::RegisteredOn),
        "2017-11-15"
    );
    assert_eq!(
        one(f, "cpc:kouseikyoku:FC3190003", P::RegisteredOn),
        "2019-07-01"
    );
}

#[test]
fn kantoshinetsu_closure_list() {
    let p = bureau("kinki/iji/saisei/newpage_00872.html");
    let f = &p.facts;
    let facilities = subjects_with(f, "facility:");
    assert_eq!(facilities.len(), 3);
    let mirai = "facility:kouseikyoku:kinki/newpage_00872/銀座ミライ整形クリニック/2026-02-10";
    assert_facts(
        f,
        mirai,
        &[
            (P::Name, "銀座ミライ整形クリニック"),
            (P::ClosedOn, "2026-02-10"),
            (P::FormerName, "銀座アオバ再生クリニック"),
            (P::Address, "東京都中央区銀座4丁目9番13号　アオバビル5階"),
        ],
    );
    assert_eq!(
        fact(f, mirai, P::ClosedOn, "2026-02-10").observed_on,
        Some(d(2026, 3, 31))
    );
    assert_eq!(
        one(f, mirai, P::ListedIn),
        "関東信越厚生局 再生医療等提供機関の廃止一覧"
    );
    let org = one(f, mirai, P::Operator);
    assert_eq!(one(f, &org, P::Name), "医療法人社団翠嶺会");
    // An individual opener; a closure date written R7.12.26.
    let kawagoe = "facility:kouseikyoku:kinki/newpage_00872/川越さくら通りクリニック/2025-12-26";
    assert_eq!(one(f, kawagoe, P::ClosedOn), "2025-12-26");
    let org = one(f, kawagoe, P::Operator);
    assert_eq!(one(f, &org, P::Name), "川越　一郎");
    assert_eq!(one(f, &org, P::OrgKind), "個人");
}

#[test]
fn kantoshinetsu_new_providers_list_names_managers() {
    let p = bureau("kinki/iji/saisei/newpage_00873.html");
    let f = &p.facts;
    let lumi = "facility:kouseikyoku:kinki/newpage_00873/銀座ルミナスクリニック/2026-03-02";
    assert_eq!(one(f, lumi, P::Name), "銀座ルミナスクリニック");
    assert_eq!(one(f, lumi, P::RegisteredOn), "2026-03-02");
    assert!(values(f, lumi, P::ClosedOn).is_empty());
    assert_facts(
        f,
        lumi,
        &[
            (P::Address, "東京都中央区銀座4丁目9番13号　アオバビル5階"),
            (
                P::ListedIn,
                "関東信越厚生局 再生医療等提供機関の新規届出一覧",
            ),
        ],
    );
    let org = one(f, lumi, P::Operator);
    assert_eq!(one(f, &org, P::Name), "医療法人社団光明会");
    let m = one(f, lumi, P::Manager);
    assert_eq!(one(f, &m, P::Name), "黒江　誠司");
    assert_eq!(
        fact(f, &m, P::Name, "黒江　誠司").observed_on,
        Some(d(2026, 3, 31))
    );
    let facilities = subjects_with(f, "facility:").len();
    assert_eq!(facilities, 3);
}

#[test]
fn one_line_labels_and_half_width_brackets() {
    // The layout of sources.md written on single lines with half-width brackets (fiction).
    let mut doc = document(
        "kouseikyoku",
        &format!("{H}kyushu/iji/saisei/newpage_09999.html"),
        &format!("{R}kyushu/iji/saiseiiryou/newpage_00730.html"),
        None,
    );
    doc.body = Body::Text(
        "令和7年3月5日\n九州厚生局\n\
         再生医療等の安全性の確保等に関する法律に基づく改善命令について\n\
         九州厚生局長は、本日、法第23条第1項及び第48条第2項の規定に基づき、下記の者に対し改善命令を行いました。\n\
         記\n第1 被処分者等\n\
         氏 名 架空 太郎 (医療法人架空会 架空MSC医療クリニック管理者)\n\
         所 在 地 福岡県福岡市中央区架空町1番1号\n\
         計 画 名 自己皮膚由来線維芽細胞を用いた治療(以下「線維芽」とする)\n\
         第2 命令の理由\n1 線維芽について、記録がなかった。(法第16条違反)\n\
         第3 命令の内容\n1 手順書を整備すること。\n"
            .into(),
    );
    let p = Kouseikyoku.parse(&doc).expect("parses");
    let f = &p.facts;
    let a = "action:kouseikyoku:kyushu/newpage_09999";
    assert_eq!(one(f, a, P::IssuedOn), "2025-03-05");
    assert_eq!(values(f, a, P::Article), ["法第23条第1項", "法第48条第2項"]);
    let clinic = "facility:kouseikyoku:kyushu/newpage_09999#1";
    assert_eq!(one(f, clinic, P::Name), "架空MSC医療クリニック");
    let m = one(f, clinic, P::Manager);
    assert_eq!(one(f, &m, P::Name), "架空 太郎");
    let org = one(f, clinic, P::Operator);
    assert_eq!(one(f, &org, P::Name), "医療法人架空会");
    assert_eq!(one(f, clinic, P::Address), "福岡県福岡市中央区架空町1番1号");
    let plan = one(f, a, P::ConcernsPlan);
    assert_facts(
        f,
        &plan,
        &[
            (P::Title, "自己皮膚由来線維芽細胞を用いた治療"),
            (P::Name, "線維芽"),
        ],
    );
    assert_eq!(
        values(f, a, P::Finding),
        ["線維芽について、記録がなかった。(法第16条違反)"]
    );
    assert_eq!(values(f, a, P::Measure), ["手順書を整備すること。"]);
}
