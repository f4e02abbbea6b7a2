//! `mieru sources check` against the replica: every source's entry pages hold the structure
//! its adapter reads; when one structure changes (the class of the month list renamed), the
//! check names that source, and the command exits 1 naming it. Also: every start URL of every
//! source (all options on) is served by the replica, which lays the fiction on the real paths.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure

mod common;

use common::{copy_dir, fast, replica_root};
use mieru::app::{Mieru, SourceChoices};
use mieru::ops::replica::{self, ReplicaFiles};
use mieru_crawler::sources_check::PageState;

/// Month lists of the replica's current month, whose list class the drift test renames.
const MONTH_LIST: &str = "www.mhlw.go.jp/stf/houdou/houdou_list_202611.html";

#[actix_web::test]
async fn the_replica_passes_and_a_renamed_list_class_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_dir(&replica_root(), &site);
    let app = Mieru::open(&tmp.path().join("data"), None).unwrap();
    let server = replica::start(ReplicaFiles::Dir(site.clone())).unwrap();
    let choices = SourceChoices::default();

    let checks = app
        .check_sources(&[], &server.mirrors(), &fast(), &choices)
        .await
        .unwrap();
    for c in &checks {
        if c.source == "jrct" {
            assert!(c.pages.is_empty(), "jRCT is off by default: {c}");
            continue;
        }
        assert!(c.passed(), "{c}");
        assert!(
            c.pages.iter().any(|p| p.state == PageState::Ok),
            "{}: at least one page checked",
            c.source
        );
    }

    let page = site.join(MONTH_LIST);
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        html.contains("m-listNews"),
        "the replica's month list uses the real class"
    );
    std::fs::write(&page, html.replace("m-listNews", "m-listNewsRenamed")).unwrap();
    let checks = app
        .check_sources(&[], &server.mirrors(), &fast(), &choices)
        .await
        .unwrap();
    let drifted: Vec<&str> = checks
        .iter()
        .filter(|c| !c.passed() && !c.pages.is_empty())
        .map(|c| c.source.as_str())
        .collect();
    assert_eq!(drifted, ["mhlw-press"]);
    let press = checks.iter().find(|c| c.source == "mhlw-press").unwrap();
    let missing = press
        .pages
        .iter()
        .find_map(|p| match &p.state {
            PageState::Drifted(m) => Some((p.url.clone(), m.join("; "))),
            _ => None,
        })
        .unwrap();
    assert!(
        missing.0.ends_with("houdou_list_202611.html"),
        "{missing:?}"
    );
    assert!(missing.1.contains("m-listNews"), "{missing:?}");

    // The command itself: exit 1, naming the source.
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_mieru"));
    cmd.arg("--data-dir").arg(tmp.path().join("cli")).args([
        "sources",
        "check",
        "--rate",
        "100",
        "--as-of",
        "2026-11-20",
    ]);
    for m in server.mirrors() {
        cmd.arg("--mirror").arg(m);
    }
    let out = actix_web::rt::task::spawn_blocking(move || cmd.output())
        .await
        .unwrap()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(stderr.contains("mhlw-press"), "{stderr}");
    assert!(stdout.contains("mhlw-press: DRIFTED"), "{stdout}");
    assert!(stdout.contains("e-saisei: ok"), "{stdout}");
    server.server.stop(true).await;
}
