//! The replica lays its fiction on the real sites' paths and structures, and a crawl reads it
//! the way it would read the real sites: every source (jRCT enabled, the Tokyo full corporate
//! file asked for) reaches every document of the replica — through the month lists, the bureau
//! pages, the committee pages and the download forms — and no followed link is missing, so no
//! unrelated release of the month lists was fetched. The corporate-number variants a crawl
//! never asks for (Shift_JIS and XML files, other prefectures) are the only files left.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure

mod common;

use common::{copy_dir, every_source, fast, replica_root};
use mieru::app::{Mieru, SourceChoices};
use mieru::ops::replica::{self, ReplicaFiles};
use mieru::store::documents;
use mieru_crawler::crawl::CrawlOptions;
use std::collections::BTreeSet;
use std::path::Path;

const HOUJIN: &str = "www.houjin-bangou.nta.go.jp";
/// The corporate-number files a crawl with `--houjin-full 13` asks for.
const HOUJIN_WANTED: [&str; 2] = [
    "download/sabun/unicode/diff_20261101.zip",
    "download/zenken/unicode/13_tokyo_all_20261031.zip",
];

/// Document files under `dir`, relative to the replica root.
fn files(dir: &Path, root: &Path, out: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        let rel = p.strip_prefix(root).unwrap().to_string_lossy().to_string();
        if p.is_dir() {
            if rel != "tools" {
                files(&p, root, out);
            }
        } else if !rel.ends_with("robots.txt") && !rel.ends_with(".md") {
            out.insert(rel);
        }
    }
}

#[actix_web::test]
async fn a_full_crawl_reaches_exactly_the_replica() {
    let tmp = tempfile::tempdir().unwrap();
    let app = Mieru::open(&tmp.path().join("data"), None).unwrap();
    // Every month back to the replica's 2017 order: most months have no list in the replica
    // (a 404 each), so the Ministry host's 1 s Crawl-delay is lifted in this copy.
    let site = tmp.path().join("site");
    copy_dir(&replica_root(), &site);
    let robots = site.join("www.mhlw.go.jp/robots.txt");
    let text = std::fs::read_to_string(&robots).unwrap();
    std::fs::write(&robots, text.replace("Crawl-delay: 1\n", "")).unwrap();
    let server = replica::start(ReplicaFiles::Dir(site)).unwrap();
    let choices = SourceChoices {
        houjin_full: vec![13],
        ..every_source()
    };
    let options = CrawlOptions {
        since: chrono::NaiveDate::from_ymd_opt(2017, 6, 1),
        ..fast()
    };
    let (report, _) = app
        .crawl_with(&[], &server.mirrors(), &options, &choices)
        .await
        .unwrap();
    // The only 404s are the computed month lists the replica does not have: a release of a
    // month list that is not about the Act (its page is not in the replica) was never asked for.
    let months = options.start_context().months();
    let missing_months = months
        .iter()
        .filter(|m| {
            let list = format!("houdou_list_{}.html", m.format("%Y%m"));
            !replica_root()
                .join("www.mhlw.go.jp/stf/houdou")
                .join(list)
                .exists()
        })
        .count();
    assert!(missing_months > 0 && missing_months < months.len());
    for r in &report.per_source {
        assert!(r.complete, "{r}");
        let gone = if r.source == "mhlw-press" {
            missing_months
        } else {
            0
        };
        assert_eq!((r.failed, r.gone), (0, gone), "{r}");
        assert!(r.fetched > 0 && r.facts > 0, "{r}");
    }
    let mut conn = app.pool.get().unwrap();
    // The one document read without facts: the Kyushu bureau's guide page (no order in it).
    let unread: Vec<String> = [
        "mhlw-press",
        "kouseikyoku",
        "e-saisei",
        "houjin-bangou",
        "jrct",
    ]
    .iter()
    .flat_map(|s| {
        mieru::serve::sources::source_health(&mut conn, s)
            .unwrap()
            .problems
            .into_iter()
            .map(|p| p.url)
    })
    .collect();
    assert_eq!(
        unread,
        ["https://kouseikyoku.mhlw.go.jp/kyushu/iji/saiseiiryou/newpage_00512.html"]
    );

    let docs = documents::all(&mut conn).unwrap();
    let archived: BTreeSet<String> = docs
        .iter()
        .filter_map(|d| d.current_sha256.clone())
        .collect();
    let root = replica_root();
    let mut all = BTreeSet::new();
    files(&root, &root, &mut all);
    let mut unread = Vec::new();
    for rel in &all {
        if let Some(houjin_path) = rel.strip_prefix(&format!("{HOUJIN}/")) {
            // Download pages carry a per-session token: compared by URL below.
            if houjin_path.ends_with(".html") || !HOUJIN_WANTED.contains(&houjin_path) {
                continue;
            }
        }
        let sha = mieru::archive::sha256_hex(&std::fs::read(root.join(rel)).unwrap());
        if !archived.contains(&sha) {
            unread.push(rel.clone());
        }
    }
    assert!(
        unread.is_empty(),
        "replica documents never reached: {unread:#?}"
    );
    for page in ["download/sabun/", "download/zenken/"] {
        let url = format!("https://{HOUJIN}/{page}");
        assert!(docs.iter().any(|d| d.url == url), "{url} read");
    }
    server.server.stop(true).await;
}
