//! jrct: the detail pages of the replica (host `jrct.mhlw.go.jp`), and what jRCT's terms ask
//! of a crawler: off by default; when enabled, only the detail pages of known IDs, one request
//! per interval; the former host only as the source of a redirect.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure
mod common;

use common::crawling::{fetcher, quick_crawl, redirect, serve_get, MemSink};
use common::*;
use mieru_crawler::adapter::{Adapter, ParseError, StartContext};
use mieru_crawler::adapters::jrct::{self, Jrct, Options};
use mieru_crawler::adapters::{self, SourceOptions};
use mieru_crawler::crawl::crawl;
use mieru_crawler::document::Body;
use mieru_crawler::fetch::FetchOutcome;
use mieru_crawler::provenance::Property as P;
use mieru_crawler::request::Request;
use std::time::{Duration, Instant};
use url::Url;
use wiremock::{MockServer, ResponseTemplate};

const J112: &str = "https://jrct.mhlw.go.jp/latest-detail/jRCTb050200112";
const J112_FILE: &str = "jrct.mhlw.go.jp/latest-detail/jRCTb050200112/index.html";
const J045: &str = "https://jrct.mhlw.go.jp/latest-detail/jRCTb030210045";
const J045_FILE: &str = "jrct.mhlw.go.jp/latest-detail/jRCTb030210045/index.html";

fn enabled(ids: &[&str], interval: Duration) -> Jrct {
    Jrct::new(Options {
        enabled: true,
        ids: ids.iter().map(|s| s.to_string()).collect(),
        interval,
    })
}

fn ctx() -> StartContext {
    StartContext::now()
}

#[test]
fn detail_with_changes_and_dated_attachments() {
    let p = parse("jrct", J112, J112_FILE, Some("text/html"));
    let f = &p.facts;
    let plan = "plan:jrct:jRCTb050200112";
    assert_facts(
        f,
        plan,
        &[
            (P::PlanNumber, "jRCTb050200112"),
            (
                P::Title,
                "自己脂肪由来間葉系幹細胞を用いた変形性膝関節症に対する臨床研究",
            ),
            (P::RiskClass, "2"),
            (P::Purpose, "research"),
            (P::Status, "募集中"),
            (P::SubmittedOn, "2020-04-20"),
        ],
    );
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
        "https://jrct.mhlw.go.jp/files/jRCTb050200112/2.pdf",
    );
    assert_eq!(att.observed_on, Some(d(2023, 3, 28)));
    assert!(p.links.is_empty());
}

#[test]
fn second_detail_and_garbage() {
    let p = parse("jrct", J045, J045_FILE, None);
    let f = &p.facts;
    let fac = one(f, "plan:jrct:jRCTb030210045", P::Provider);
    assert_eq!(one(f, &fac, P::Name), "表参道セルクリニック");
    assert_eq!(one(f, &fac, P::Prefecture), "東京都");
    assert_eq!(one(f, "plan:jrct:jRCTb030210045", P::Status), "募集終了");
    assert!(values(f, "plan:jrct:jRCTb030210045", P::Change).is_empty());
    let c = one(f, "plan:jrct:jRCTb030210045", P::Committee);
    assert_eq!(one(f, &c, P::CommitteeNumber), "NA8150016");

    let mut doc = document("jrct", J045, J045_FILE, None);
    doc.body = Body::Html("<p>Service unavailable</p>".into());
    assert!(matches!(
        Jrct::default().parse(&doc),
        Err(ParseError::NoContent(_))
    ));
    doc.body = Body::Binary;
    assert!(matches!(
        Jrct::default().parse(&doc),
        Err(ParseError::WrongKind(_))
    ));
}

#[test]
fn off_by_default_and_never_follows_links() {
    // Off: no start request, from the type's default, from `all()` and from default options.
    assert!(Jrct::default().start_requests(&ctx()).is_empty());
    assert!(!Jrct::default().options().enabled);
    let by_name = adapters::by_name("jrct").unwrap();
    assert!(by_name.start_requests(&ctx()).is_empty());
    let configured = adapters::configured(&SourceOptions::default());
    let j = configured.iter().find(|a| a.name() == "jrct").unwrap();
    assert!(j.start_requests(&ctx()).is_empty());

    // A page that links other studies and a list: read for its facts, no link returned,
    // whether the source is enabled or not.
    let mut doc = document("jrct", J045, J045_FILE, None);
    let Body::Html(html) = &doc.body else {
        panic!("html")
    };
    let linked = html.replace(
        "</body>",
        "<a href=\"/latest-detail/jRCTb050200112\">x</a><a href=\"/search?page=2\">y</a>\
         <a href=\"https://jrct.niph.go.jp/latest-detail/jRCTb070220001\">z</a></body>",
    );
    doc.body = Body::Html(linked);
    for a in [
        Jrct::default(),
        enabled(&["jRCTb030210045"], jrct::DEFAULT_INTERVAL),
    ] {
        let p = a.parse(&doc).unwrap();
        assert!(!p.facts.is_empty());
        assert!(p.links.is_empty(), "{:?}", p.links);
    }
}

#[test]
fn enabled_requests_only_the_known_ids_detail_pages() {
    let a = enabled(
        &[
            "jRCTb050200112",
            " jRCTb050200112",
            "jRCTb030210045",
            "not-an-id",
            "jRCTb0502001129",
            "https://jrct.mhlw.go.jp/search",
        ],
        jrct::DEFAULT_INTERVAL,
    );
    let starts = a.start_requests(&ctx());
    let urls: Vec<&str> = starts.iter().map(|r| r.url.as_str()).collect();
    assert_eq!(urls, [J112, J045]);
    assert!(starts.iter().all(|r| r.is_get() && r.may_be_missing));
    // The former host is allowed (a redirect from it is followed) but never started from.
    assert_eq!(a.hosts(), ["jrct.mhlw.go.jp", "jrct.niph.go.jp"]);
    assert!(starts
        .iter()
        .all(|r| r.url.host_str() == Some("jrct.mhlw.go.jp")));
    // One request per 10 s unless a test says otherwise.
    assert_eq!(a.limits().min_interval, Some(Duration::from_secs(10)));
    assert_eq!(
        Jrct::default().limits().min_interval,
        Some(Duration::from_secs(10))
    );
    assert_eq!(
        jrct::known_ids([
            "02C2406012",
            "jRCTb050200112",
            "x jRCTb030210045 y",
            "jRCTb050200112"
        ]),
        ["jRCTb050200112", "jRCTb030210045"]
    );
    assert!(jrct::TERMS_URL.starts_with("https://jrct.mhlw.go.jp/"));
    assert!(jrct::TERMS_SUMMARY_JA.contains("許可"));
    assert!(jrct::TERMS_SUMMARY_EN.contains("permission"));
}

#[test]
fn structure_check_names_what_is_missing() {
    let a = Jrct::default();
    let doc = document("jrct", J112, J112_FILE, None);
    assert_eq!(a.check_structure(&doc), Vec::<String>::new());
    let mut broken = doc.clone();
    let Body::Html(html) = &doc.body else {
        panic!("html")
    };
    broken.body = Body::Html(html.replace("認定委員会の認定番号<br>Committee number", "番号"));
    assert_eq!(
        a.check_structure(&broken),
        ["detail row 認定委員会の認定番号"]
    );
    broken.body = Body::Html("<p>メンテナンス中</p>".into());
    assert_eq!(a.check_structure(&broken), ["detail table of th | td rows"]);
}

// ------------------------------------------------------------------------------ crawling

/// The replica's host served from `server` under `/m`.
fn mirror(server: &MockServer) -> String {
    format!("jrct.mhlw.go.jp={}/m", server.uri())
}

fn replica_page(rel: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(
        std::fs::read(replica(rel)).unwrap(),
        "text/html; charset=utf-8",
    )
}

#[tokio::test]
async fn known_ids_only_at_the_configured_interval() {
    let server = MockServer::start().await;
    let third = "jRCTb070220001";
    let third_page = std::fs::read_to_string(replica(J045_FILE))
        .unwrap()
        .replace("jRCTb030210045", third);
    for (id, body) in [
        ("jRCTb050200112", replica_page(J112_FILE)),
        ("jRCTb030210045", replica_page(J045_FILE)),
        (
            third,
            ResponseTemplate::new(200).set_body_raw(third_page, "text/html; charset=utf-8"),
        ),
    ] {
        serve_get(&server, &format!("/m/latest-detail/{id}"), body, 1).await;
    }
    let a = enabled(
        &["jRCTb050200112", "jRCTb030210045", third],
        Duration::from_millis(300),
    );
    let adapters: [&dyn Adapter; 1] = [&a];
    let opts = quick_crawl(0);
    let fetcher = fetcher(&opts, &adapters, &[mirror(&server)]);
    let mut sink = MemSink::default();
    let t0 = Instant::now();
    let report = crawl(&adapters, &fetcher, &mut sink, &opts).await;
    let elapsed = t0.elapsed();

    // Three requests 300 ms apart: at least 600 ms, though the crawl-wide rate allows 1000/s.
    assert!(elapsed >= Duration::from_millis(600), "{elapsed:?}");
    let r = report.source("jrct").unwrap();
    assert_eq!((r.fetched, r.failed, r.gone), (3, 0, 0), "{r}");
    assert!(r.complete, "{r}");
    assert!(sink
        .docs
        .iter()
        .all(|(_, _, outcome)| outcome.as_ref().is_ok_and(|p| !p.facts.is_empty())));
    // Nothing else was asked for: the detail pages and robots.txt only.
    let requested: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.url.path().to_string())
        .collect();
    assert!(
        requested
            .iter()
            .all(|p| p == "/m/robots.txt" || p.starts_with("/m/latest-detail/jRCTb")),
        "{requested:?}"
    );
    assert_eq!(
        requested
            .iter()
            .filter(|p| p.contains("latest-detail"))
            .count(),
        3
    );
    server.verify().await;

    // Disabled, the same crawl asks the server for nothing.
    let off = Jrct::default();
    let adapters: [&dyn Adapter; 1] = [&off];
    let before = server.received_requests().await.unwrap().len();
    let report = crawl(&adapters, &fetcher, &mut MemSink::default(), &opts).await;
    assert_eq!(report.source("jrct").unwrap().fetched, 0);
    assert_eq!(server.received_requests().await.unwrap().len(), before);
}

#[tokio::test]
async fn a_study_withdrawn_from_jrct_is_gone_not_a_failure() {
    let server = MockServer::start().await;
    let detail = "/m/latest-detail/jRCTb050200112";
    serve_get(&server, detail, replica_page(J112_FILE), ..).await;
    let a = enabled(
        &["jRCTb050200112", "jRCTb030210045"],
        Duration::from_millis(10),
    );
    let adapters: [&dyn Adapter; 1] = [&a];
    let fetcher = fetcher(&quick_crawl(0), &adapters, &[mirror(&server)]);
    let mut sink = MemSink::default();
    let report = crawl(&adapters, &fetcher, &mut sink, &quick_crawl(0)).await;
    let r = report.source("jrct").unwrap();
    assert_eq!((r.fetched, r.gone, r.failed), (1, 1, 0), "{r}");
    assert!(
        r.complete,
        "a 404 for a known ID may mean the study was withdrawn: {r}"
    );
    assert_eq!(sink.gone, [J045]);
}

#[tokio::test]
async fn a_redirect_from_the_former_host_is_followed() {
    let server = MockServer::start().await;
    let (former, current) = (
        "/old/latest-detail/jRCTb050200112",
        "/new/latest-detail/jRCTb050200112",
    );
    serve_get(&server, former, redirect(301, J112), 1).await;
    serve_get(&server, current, replica_page(J112_FILE), 1).await;
    let a = enabled(&["jRCTb050200112"], Duration::from_millis(10));
    let adapters: [&dyn Adapter; 1] = [&a];
    let mirrors = [
        format!("jrct.niph.go.jp={}/old", server.uri()),
        format!("jrct.mhlw.go.jp={}/new", server.uri()),
    ];
    let fetcher = fetcher(&quick_crawl(0), &adapters, &mirrors);
    let old = Url::parse("https://jrct.niph.go.jp/latest-detail/jRCTb050200112").unwrap();
    let outcome = fetcher
        .send("jrct", &Request::get(old), None, &a.limits())
        .await
        .unwrap();
    let FetchOutcome::Fetched { meta, raw } = outcome else {
        panic!("fetched: {outcome:?}")
    };
    // Recorded under the new host, and read as any detail page.
    assert_eq!(meta.url, J112);
    let bytes = raw.bytes_up_to(u64::MAX).unwrap().unwrap().into_owned();
    let mut m = meta.clone();
    let doc = mieru_crawler::document::Document {
        body: mieru_crawler::decode::decode(&mut m, &bytes),
        meta: m,
    };
    let p = a.parse(&doc).unwrap();
    assert_eq!(
        one(&p.facts, "plan:jrct:jRCTb050200112", P::PlanNumber),
        "jRCTb050200112"
    );
    server.verify().await;
}
