//! What a crawler must get right between crawls, on the real pipeline against the replica:
//! `mieru ingest` of a file per source; a second crawl of an unchanged replica answered by 304s
//! only; a changed row yielding exactly its changed facts; a removed page recorded as removed
//! (and shown as `delisted`); a failing server removing nothing. Two ignored tests measure parse
//! throughput and crawl wall time (run them in release, see their docs).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure

mod common;

use common::{copy_dir, fast_no_retries, replica_root, SOURCES};
use mieru::app::Mieru;
use mieru::ops::replica::{self, ReplicaFiles};
use mieru::pipeline::ingest::IngestStats;
use mieru::pipeline::ingest::StoreSink;
use mieru::store::{documents, facts};
use mieru_crawler::adapter::Adapter;
use mieru_crawler::crawl::{CrawlOptions, CrawlReport};
use mieru_crawler::fetch::{FetchConfig, Fetcher};
use mieru_crawler::mirror::MirrorMap;
use mieru_crawler::sink::Sink;
use mieru_web::registry::Registry;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Live facts as (document URL, subject, property, value).
fn live_facts(app: &Mieru) -> BTreeSet<(String, String, String, String)> {
    let mut conn = app.pool.get().unwrap();
    let docs = documents::all(&mut conn).unwrap();
    facts::all(&mut conn)
        .unwrap()
        .into_iter()
        .filter(|f| f.retracted_at.is_none())
        .map(|f| {
            let url = docs
                .iter()
                .find(|d| d.id == f.document_id)
                .map(|d| d.url.clone())
                .unwrap_or_default();
            (url, f.subject, f.property, f.value)
        })
        .collect()
}

/// The URLs of the documents recorded as removed.
fn removed_urls(app: &Mieru) -> Vec<String> {
    let mut conn = app.pool.get().unwrap();
    documents::all(&mut conn)
        .unwrap()
        .into_iter()
        .filter(|d| d.removed_at.is_some())
        .map(|d| d.url)
        .collect()
}

/// The replica's documents, with the adapter that reads each (by host directory).
fn replica_documents() -> Vec<(&'static str, PathBuf)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.file_name().is_some_and(|n| n != "robots.txt") {
                out.push(path);
            }
        }
    }
    let hosts = [
        ("www.mhlw.go.jp", "mhlw-press"),
        ("kouseikyoku.mhlw.go.jp", "kouseikyoku"),
        ("saiseiiryo.mhlw.go.jp", "e-saisei"),
        ("jrct.mhlw.go.jp", "jrct"),
        ("www.houjin-bangou.nta.go.jp", "houjin-bangou"),
    ];
    let mut out = Vec::new();
    for (host, source) in hosts {
        let mut files = Vec::new();
        walk(&replica_root().join(host), &mut files);
        files.sort();
        out.extend(files.into_iter().map(|f| (source, f)));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// `mieru ingest --source NAME FILE…`

/// Ingests one replica file with `source`'s parser and returns the live facts it gave.
fn ingest_one(source: &str, relative: &str) -> BTreeSet<(String, String, String, String)> {
    let dir = tempfile::tempdir().unwrap();
    let app = Mieru::open(dir.path(), None).unwrap();
    let stats = app
        .ingest_files(source, &[replica_root().join(relative)])
        .unwrap();
    assert_eq!(stats.documents, 1, "{source}: {stats:?}");
    assert_eq!(stats.parse_errors, 0, "{source}: {stats:?}");
    assert!(stats.facts_added > 0, "{source}: {stats:?}");
    let got = live_facts(&app);
    assert_eq!(got.len(), stats.facts_added, "{source}");
    assert!(
        got.iter().all(|(url, ..)| url.starts_with("file:///")),
        "a user's file is recorded under a file: URL"
    );
    got
}

/// `ingest_one`, asserting that some fact's value contains each of `values`.
fn ingest_finding(
    source: &str,
    relative: &str,
    values: &[&str],
) -> BTreeSet<(String, String, String, String)> {
    let got = ingest_one(source, relative);
    for value in values {
        assert!(has_value(&got, value), "{value}: {got:?}");
    }
    got
}

fn has_value(facts: &BTreeSet<(String, String, String, String)>, needle: &str) -> bool {
    facts.iter().any(|(_, _, _, v)| v.contains(needle))
}

#[test]
fn cli_ingest_of_an_order_page_then_resolve() {
    let dir = tempfile::tempdir().unwrap();
    let file = replica_root().join("www.mhlw.go.jp/stf/newpage_61234.html");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_mieru"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["ingest", "--source", "mhlw-press"])
        .arg(&file)
        .env_remove("MIERU_DATABASE_URL")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("ingest:"), "{stdout}");

    let app = Mieru::open(dir.path(), None).unwrap();
    let got = live_facts(&app);
    assert!(
        got.iter()
            .all(|(url, ..)| url.starts_with("file:///") && url.ends_with("/newpage_61234.html")),
        "{got:?}"
    );
    assert!(has_value(&got, "銀座アオバ再生クリニック"), "{got:?}");
    assert!(has_value(&got, "FC3150021"), "the CPC's number: {got:?}");
    // The CLI resolved and indexed: the clinic is searchable and its page has the order.
    let index = Arc::new(app.open_index().unwrap());
    let hits = index
        .search(&common::query("銀座アオバ再生クリニック", 5))
        .unwrap();
    let hit = hits.hits.first().expect("the clinic is indexed");
    let detail = common::facility_now(&app.registry(index.clone()), &hit.id);
    common::assert_has_action(&detail, "emergency_order");
}

#[test]
fn cli_ingest_rejects_an_unknown_source() {
    let dir = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_mieru"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["ingest", "--source", "no-such-source"])
        .arg(replica_root().join("www.mhlw.go.jp/stf/newpage_61234.html"))
        .env_remove("MIERU_DATABASE_URL")
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("unknown source"));
}

#[test]
fn ingest_a_bureau_revocation() {
    ingest_finding(
        "kouseikyoku",
        "kouseikyoku.mhlw.go.jp/kinki/iji/saisei/newpage_00456.html",
        &["FA5150007", "ミナトバイオ"],
    );
}

#[test]
fn ingest_a_bureau_pdf_order() {
    ingest_finding(
        "kouseikyoku",
        "kouseikyoku.mhlw.go.jp/tokaihokuriku/iji/saiseiiryou/000987654.pdf",
        &["02D2106021", "名古屋栄セルクリニック"],
    );
}

#[test]
fn ingest_an_e_saisei_plan_list() {
    let got = ingest_finding(
        "e-saisei",
        "saiseiiryo.mhlw.go.jp/published_plan/index/3/index.html",
        &["梅田さくらクリニック"],
    );
    assert!(
        got.iter().any(|(_, s, _, _)| s.contains("03E2306012")),
        "the plan code from the download link: {got:?}"
    );
}

#[test]
fn ingest_a_jrct_study() {
    ingest_finding(
        "jrct",
        "jrct.mhlw.go.jp/latest-detail/jRCTb050200112/index.html",
        &["うめだ再生医療クリニック", "NA8190027"],
    );
}

#[test]
fn ingest_a_houjin_bangou_zip() {
    let got = ingest_one(
        "houjin-bangou",
        "www.houjin-bangou.nta.go.jp/download/zenken/00_zenkoku_all_20261031.zip",
    );
    // 蒼天会 as it is named now (renamed 2025-11-01), keyed by its corporate number.
    let subject = "organization:houjin-bangou:5010405012345";
    let of = |property: &str| -> Vec<&str> {
        got.iter()
            .filter(|(_, s, p, _)| s == subject && p == property)
            .map(|(_, _, _, v)| v.as_str())
            .collect()
    };
    assert_eq!(of("name"), ["医療法人社団翠嶺会"], "{got:?}");
    assert_eq!(of("corporate_number"), ["5010405012345"]);
    assert_eq!(of("name_changed_on"), ["2025-11-01"]);
    // A merger's successor is a fact too.
    assert!(got.iter().any(
        |(_, s, p, v)| s == "organization:houjin-bangou:2020001056789"
            && p == "successor"
            && v == "organization:houjin-bangou:2010401067890"
    ));
}

// ---------------------------------------------------------------------------------------------
// Crawling again

fn source_report<'a>(
    report: &'a CrawlReport,
    source: &str,
) -> &'a mieru_crawler::crawl::SourceReport {
    report
        .per_source
        .iter()
        .find(|r| r.source == source)
        .unwrap_or_else(|| panic!("{source} crawled: {report}"))
}

/// jRCT is off by default (its terms ask crawlers to refrain): these crawls enable it for the
/// replica's two studies, at a test's pace.
/// Every source, jRCT included (asked about the IDs the other sources name), at test speed.
async fn crawl_all(
    app: &Mieru,
    mirrors: &[String],
    options: &CrawlOptions,
) -> Result<(CrawlReport, IngestStats), String> {
    app.crawl_with(&[], mirrors, options, &common::every_source())
        .await
        .map_err(|e| e.to_string())
}

#[actix_web::test]
async fn recrawl_unchanged_changed_removed_and_failing() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("replica");
    copy_dir(&replica_root(), &site);
    let data = tmp.path().join("data");
    let app = Mieru::open(&data, None).unwrap();
    let server = replica::start(ReplicaFiles::Dir(site.clone())).unwrap();
    let mirrors = server.mirrors();

    let (first, stats1) = crawl_all(&app, &mirrors, &fast_no_retries()).await.unwrap();
    for source in SOURCES {
        let r = source_report(&first, source);
        assert!(r.fetched > 0 && r.complete && r.failed == 0, "{r}");
    }
    assert!(stats1.facts_added > 0);
    let (_, snapshots1) = documents::counts(&mut app.pool.get().unwrap()).unwrap();
    let facts1 = live_facts(&app);
    let fact_rows1 = facts::count(&mut app.pool.get().unwrap()).unwrap();

    // 1. Unchanged: every document answered 304, nothing stored, nothing removed.
    let (second, stats2) = crawl_all(&app, &mirrors, &fast_no_retries()).await.unwrap();
    for source in SOURCES {
        let before = source_report(&first, source);
        let r = source_report(&second, source);
        assert_eq!(r.fetched, 0, "only conditional requests answered 304: {r}");
        assert_eq!(r.unchanged, before.fetched, "every document unchanged: {r}");
        assert!(r.complete && r.failed == 0 && r.gone == 0, "{r}");
    }
    assert_eq!(
        (
            stats2.new_snapshots,
            stats2.facts_added,
            stats2.facts_retracted,
            stats2.removed
        ),
        (0, 0, 0, 0),
        "{stats2:?}"
    );
    let mut conn = app.pool.get().unwrap();
    assert_eq!(documents::counts(&mut conn).unwrap().1, snapshots1);
    assert_eq!(facts::count(&mut conn).unwrap(), fact_rows1);
    drop(conn);
    assert_eq!(live_facts(&app), facts1);

    // 2. One e-saisei row renamed: exactly the facts stating that name change.
    let list = site.join("saiseiiryo.mhlw.go.jp/published_plan/index/3/index.html");
    let html = std::fs::read_to_string(&list).unwrap();
    let (old, new) = (
        "<td>梅田さくらクリニック</td>",
        "<td>梅田さくら再生クリニック</td>",
    );
    assert_eq!(html.matches(old).count(), 1, "one row to edit");
    std::fs::write(&list, html.replace(old, new)).unwrap();

    let (third, stats3) = crawl_all(&app, &mirrors, &fast_no_retries()).await.unwrap();
    let e_saisei = source_report(&third, "e-saisei");
    assert_eq!(
        (e_saisei.fetched, e_saisei.new_snapshots),
        (1, 1),
        "{e_saisei}"
    );
    for source in SOURCES.iter().filter(|s| **s != "e-saisei") {
        assert_eq!(source_report(&third, source).fetched, 0, "{third}");
    }
    let facts3 = live_facts(&app);
    let retracted: Vec<_> = facts1.difference(&facts3).collect();
    let added: Vec<_> = facts3.difference(&facts1).collect();
    assert!(!added.is_empty(), "the new name is a new fact");
    assert_eq!(stats3.facts_added, added.len(), "{stats3:?} {added:?}");
    assert_eq!(
        stats3.facts_retracted,
        retracted.len(),
        "{stats3:?} {retracted:?}"
    );
    assert_eq!(added.len(), retracted.len(), "one new value per old one");
    assert!(
        retracted
            .iter()
            .all(|(url, _, _, v)| url.ends_with("/published_plan/index/3")
                && v.contains("梅田さくらクリニック")),
        "only the old name is retracted: {retracted:?}"
    );
    assert!(
        added
            .iter()
            .all(|(_, _, _, v)| v.contains("梅田さくら再生クリニック")),
        "only the new name is added: {added:?}"
    );
    // The same subjects and properties, with the new value.
    let keys = |v: &[&(String, String, String, String)]| -> BTreeSet<(String, String)> {
        v.iter()
            .map(|(_, s, p, _)| (s.clone(), p.clone()))
            .collect()
    };
    assert_eq!(keys(&added), keys(&retracted));
    assert_eq!(stats3.removed, 0);

    // 3. A study page removed from jRCT (its ID is still known: the server answers 404).
    let study = site.join("jrct.mhlw.go.jp/latest-detail/jRCTb030210045/index.html");
    std::fs::remove_file(&study).unwrap();
    let (fourth, stats4) = crawl_all(&app, &mirrors, &fast_no_retries()).await.unwrap();
    let jrct = source_report(&fourth, "jrct");
    assert_eq!(jrct.gone, 1, "{jrct}");
    assert_eq!(stats4.removed, 1, "{stats4:?}");
    assert_eq!(stats4.facts_added, 0, "{stats4:?}");
    let removed = removed_urls(&app);
    assert_eq!(removed.len(), 1, "{removed:?}");
    let removed_url = removed.first().cloned().unwrap_or_default();
    assert!(removed_url.contains("jRCTb030210045"), "{removed_url}");
    let facts4 = live_facts(&app);

    let index = Arc::new(app.open_index().unwrap());
    app.resolve_and_index(&index).unwrap();
    let registry = app.registry(index.clone());
    let hits = index
        .search(&common::query("表参道セルクリニック", 10))
        .unwrap();
    let mut delisted = Vec::new();
    for hit in &hits.hits {
        if let mieru_web::model::Lookup::Found(detail) = registry
            .facility(&hit.id, mieru_web::model::PointInTime::latest())
            .unwrap()
        {
            delisted.extend(
                detail
                    .events
                    .into_iter()
                    .filter(|e| e.kind == "delisted")
                    .map(|e| (hit.id.clone(), e)),
            );
        }
    }
    assert_eq!(delisted.len(), 1, "one delisted event: {delisted:?}");
    let (_, event) = delisted.first().unwrap();
    assert!(event.summary_ja.contains("jRCTb030210045"), "{event:?}");
    assert!(event.date.is_some(), "{event:?}");

    // 4. One source's server down: that crawl is incomplete and removes nothing.
    let broken = common::with_host_down(&mirrors, "saiseiiryo.mhlw.go.jp");
    let (fifth, stats5) = crawl_all(&app, &broken, &fast_no_retries()).await.unwrap();
    let down = source_report(&fifth, "e-saisei");
    assert!(!down.complete && down.fetched == 0, "{down}");
    assert_eq!(stats5.removed, 0, "{stats5:?}");
    assert_eq!(stats5.facts_retracted, 0, "{stats5:?}");
    assert_eq!(removed_urls(&app), [removed_url], "nothing else removed");
    assert_eq!(live_facts(&app), facts4, "no fact retracted or added");
    server.server.stop(true).await;
}

// ---------------------------------------------------------------------------------------------
// Measurements (ignored; run in release):
// cargo test --release -p mieru --test crawl_changes -- --ignored --nocapture --test-threads 1

/// Documents parsed per second, parse only (decode + adapter), every replica document.
#[test]
#[ignore = "measurement; run in release with --ignored --nocapture"]
fn measure_parse_throughput() {
    let iterations: usize = std::env::var("MIERU_PARSE_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let files: Vec<(Box<dyn Adapter>, String, Vec<u8>)> = replica_documents()
        .into_iter()
        .map(|(source, path)| {
            let adapter = mieru_crawler::adapters::by_name(source).unwrap();
            let bytes = std::fs::read(&path).unwrap();
            (adapter, path.to_string_lossy().into_owned(), bytes)
        })
        .collect();
    let mut facts = 0usize;
    let started = Instant::now();
    for _ in 0..iterations {
        for (adapter, name, bytes) in &files {
            let (meta, body) = mieru_crawler::crawl::read_file(adapter.as_ref(), name, bytes);
            let doc = mieru_crawler::document::Document { meta, body };
            if let Ok(parsed) = adapter.parse(&doc) {
                facts += parsed.facts.len();
            }
        }
    }
    let elapsed = started.elapsed();
    let docs = files.len() * iterations;
    assert!(facts > 0);
    println!(
        "parse: {} documents x {iterations} = {docs} in {elapsed:.2?}: {:.0} documents/s, {:.0} facts/s",
        files.len(),
        docs as f64 / elapsed.as_secs_f64(),
        facts as f64 / elapsed.as_secs_f64()
    );
}

/// Wall time of a crawl of the replica honouring robots.txt `Crawl-delay: 1`, and the same
/// crawl with the delay capped at zero: the difference is what the delay costs.
#[actix_web::test]
#[ignore = "measurement; run in release with --ignored --nocapture"]
async fn measure_crawl_wall_time() {
    let server = replica::start(ReplicaFiles::Bundled).unwrap();
    let mirrors = server.mirrors();
    let options = CrawlOptions::default();
    for max_crawl_delay in [Duration::from_secs(60), Duration::ZERO] {
        let dir = tempfile::tempdir().unwrap();
        let app = Mieru::open(dir.path(), None).unwrap();
        let adapters = mieru_crawler::adapters::all();
        let refs: Vec<&dyn Adapter> = adapters.iter().map(|a| a.as_ref()).collect();
        let config = FetchConfig {
            max_crawl_delay,
            rate_per_sec: if max_crawl_delay.is_zero() {
                1000.0
            } else {
                options.rate_per_sec
            },
            ..options.fetch_config()
        };
        let fetcher =
            Fetcher::for_adapters(config, &refs, MirrorMap::parse(&mirrors).unwrap()).unwrap();
        let mut sink = StoreSink::new(app.pool.clone(), app.archive.clone());
        let started = Instant::now();
        let report =
            mieru_crawler::crawl::crawl(&refs, &fetcher, &mut sink as &mut dyn Sink, &options)
                .await;
        let crawl = started.elapsed();
        let index = app.open_index().unwrap();
        let t = Instant::now();
        app.resolve_and_index(&index).unwrap();
        let resolve = t.elapsed();
        let documents: usize = report.per_source.iter().map(|r| r.fetched).sum();
        println!(
            "crawl (max crawl-delay {max_crawl_delay:?}): {documents} documents in {crawl:.2?}; resolve+index {resolve:.2?}"
        );
        for r in &report.per_source {
            println!("  {r}");
        }
        assert!(documents > 0 && sink.stats.facts_added > 0);
    }
    server.server.stop(true).await;
}
