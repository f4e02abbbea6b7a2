//! The corporate-number files arrive as the real site gives them: the download page is read
//! for its session token and the files' numbers, each file is a form POST, and a file held is
//! not fetched again however its number changes. The replica refuses what the real site
//! refuses (a GET by number, a GET of the file, a POST without the session's token).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure

mod common;

use common::{copy_dir, fast, replica_root};
use mieru::app::{Mieru, SourceChoices};
use mieru::ops::replica::{self, ReplicaFiles};
use mieru::store::{documents, facts};
use mieru_crawler::adapters::houjin::download::TOKEN_FIELD;
use mieru_crawler::crawl::SourceReport;
use std::path::Path;

const SOURCE: &str = "houjin-bangou";
const HOST: &str = "www.houjin-bangou.nta.go.jp";
const DIFF_DOC: &str =
    "https://www.houjin-bangou.nta.go.jp/download/sabun/#20261101_diff_csv_unicode";
const NEXT_DIFF_DOC: &str =
    "https://www.houjin-bangou.nta.go.jp/download/sabun/#20261102_diff_csv_unicode";
const DIFF_FILE: &str = "download/sabun/unicode/diff_20261101.zip";
/// The number the stored page gives the Unicode diff.
const DIFF_NUMBER: &str = "18308";

fn sources() -> Vec<String> {
    vec![SOURCE.to_string()]
}

/// Live facts of one document as (subject, property, value).
fn facts_of(app: &Mieru, url: &str) -> Vec<(String, String, String)> {
    let mut conn = app.pool.get().unwrap();
    let doc = documents::find(&mut conn, SOURCE, url)
        .unwrap()
        .unwrap_or_else(|| panic!("{url} archived"));
    facts::all(&mut conn)
        .unwrap()
        .into_iter()
        .filter(|f| f.document_id == doc.id && f.retracted_at.is_none())
        .map(|f| (f.subject, f.property, f.value))
        .collect()
}

/// Crawls the corporate numbers with the full files of `prefectures` (by JIS code); the
/// source's report.
async fn crawl_with_full_files(
    app: &Mieru,
    mirrors: &[String],
    prefectures: &[u8],
) -> SourceReport {
    let choices = SourceChoices {
        houjin_full: prefectures.to_vec(),
        ..SourceChoices::default()
    };
    let (report, _) = app
        .crawl_with(&sources(), mirrors, &fast(), &choices)
        .await
        .unwrap();
    report.source(SOURCE).unwrap().clone()
}

/// Live facts of the full file of `prefecture` (by JIS code) of 2026-10-31.
fn full_file_facts(app: &Mieru, prefecture: u8) -> Vec<(String, String, String)> {
    facts_of(
        app,
        &format!(
            "https://www.houjin-bangou.nta.go.jp/download/zenken/#20261031_{prefecture}_all_csv_unicode"
        ),
    )
}

/// A new publication in the replica's copy: every number changes, and a diff for 11月2日
/// (the same rows, under a new name) is added above the held one.
fn publish_next_day(site: &Path) {
    let host = site.join(HOST);
    let page = host.join("download/sabun/index.html");
    let html = std::fs::read_to_string(&page).unwrap();
    let row = r#"<tr class="type1_corpHistory1">"#;
    assert_eq!(html.matches(row).count(), 1);
    let new_row = format!(
        "{row}\n<th scope=\"row\">\n    令和8年11月2日\n</th>\n<td>\n        \
         <a href=\"#\" onclick=\"return doDownload(19500);\">zip 1KB</a><br>\n</td>\n</tr>\n"
    );
    let html = html
        .replacen(row, &format!("{new_row}{row}"), 1)
        .replace("doDownload(18308)", "doDownload(19499)");
    std::fs::write(&page, html).unwrap();
    std::fs::copy(
        host.join(DIFF_FILE),
        host.join("download/sabun/unicode/diff_20261102.zip"),
    )
    .unwrap();
    let manifest = host.join("DOWNLOADS.md");
    let text = std::fs::read_to_string(&manifest)
        .unwrap()
        .replace("| 18308 |", "| 19499 |");
    std::fs::write(
        &manifest,
        text + "| download/sabun/index.html | 19500 | download/sabun/unicode/diff_20261102.zip | diff_20261102.zip |\n",
    )
    .unwrap();
}

#[actix_web::test]
async fn diffs_arrive_by_form_post_once_under_a_stable_name() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("replica");
    copy_dir(&replica_root(), &site);
    let server = replica::start(ReplicaFiles::Dir(site.clone())).unwrap();
    let mirrors = server.mirrors();
    let app = Mieru::open(&tmp.path().join("data"), None).unwrap();

    // 1. The page, then the diff by POST with the page's token.
    let (report, stats) = app.crawl(&sources(), &mirrors, &fast()).await.unwrap();
    let r = report.source(SOURCE).unwrap();
    assert_eq!((r.fetched, r.failed, r.parse_errors), (2, 0, 0), "{r}");
    assert!(r.complete, "{r}");
    assert_eq!(stats.new_snapshots, 2, "{stats:?}");
    let mut conn = app.pool.get().unwrap();
    let diff = documents::find(&mut conn, SOURCE, DIFF_DOC)
        .unwrap()
        .expect("diff archived");
    drop(conn);
    // Archived whole: the very file, signature inside.
    let stored = std::fs::read(site.join(HOST).join(DIFF_FILE)).unwrap();
    let sha = diff.current_sha256.clone().unwrap();
    assert_eq!(sha, mieru::archive::sha256_hex(&stored));
    let archived = app.archive.get(&sha).unwrap().unwrap();
    assert!(archived.windows(17).any(|w| w == b"diff_20261101.csv"));
    assert!(archived.windows(4).any(|w| w == b".asc"));
    let got = facts_of(&app, DIFF_DOC);
    let soten = "organization:houjin-bangou:5010405012345";
    for (property, value) in [
        ("name", "医療法人社団蒼天会"),
        ("name", "医療法人社団翠嶺会"),
        ("name_changed_on", "2025-11-01"),
    ] {
        assert!(
            got.iter()
                .any(|(s, p, v)| s == soten && p == property && v == value),
            "{property} = {value}: {got:?}"
        );
    }

    // 2. Nothing new: the page answers 304, the held diff is not asked for.
    let (again, stats2) = app.crawl(&sources(), &mirrors, &fast()).await.unwrap();
    let r = again.source(SOURCE).unwrap();
    assert_eq!((r.fetched, r.unchanged, r.failed), (0, 2, 0), "{r}");
    assert!(r.complete, "{r}");
    assert_eq!((stats2.new_snapshots, stats2.removed), (0, 0), "{stats2:?}");

    // 3. A new publication renumbers every file: the held diff keeps its name and is not
    // fetched again; the new one arrives under its own date.
    publish_next_day(&site);
    let (third, stats3) = app.crawl(&sources(), &mirrors, &fast()).await.unwrap();
    let r = third.source(SOURCE).unwrap();
    assert_eq!(
        (r.fetched, r.unchanged, r.failed),
        (2, 1, 0),
        "page and new diff: {r}"
    );
    assert_eq!(stats3.removed, 0, "{stats3:?}");
    assert!(!facts_of(&app, NEXT_DIFF_DOC).is_empty());
    let mut conn = app.pool.get().unwrap();
    let held = documents::find(&mut conn, SOURCE, DIFF_DOC)
        .unwrap()
        .unwrap();
    assert_eq!(held.current_sha256, diff.current_sha256);
    drop(conn);

    // 4. Some 40 days on, the 11月1日 diff rotates off the page: no longer offered is not
    // withdrawn, and its facts (the corporation's history) stay.
    let page = site.join(HOST).join("download/sabun/index.html");
    let html = std::fs::read_to_string(&page).unwrap();
    let dropped = html.replace("doDownload(19499)", "return false; void(0)");
    assert_ne!(html, dropped);
    std::fs::write(&page, dropped).unwrap();
    let (fourth, stats4) = app.crawl(&sources(), &mirrors, &fast()).await.unwrap();
    assert!(fourth.source(SOURCE).unwrap().complete);
    assert_eq!(stats4.removed, 0, "{stats4:?}");
    let mut conn = app.pool.get().unwrap();
    let held = documents::find(&mut conn, SOURCE, DIFF_DOC)
        .unwrap()
        .unwrap();
    assert!(held.removed_at.is_none(), "a rotated file is not withdrawn");
    drop(conn);
    assert_eq!(facts_of(&app, DIFF_DOC), got);
    server.server.stop(true).await;
}

#[actix_web::test]
async fn the_replica_refuses_what_the_site_refuses() {
    let server = replica::start(ReplicaFiles::Bundled).unwrap();
    let base = format!("http://{}/{HOST}", server.addr);
    let page_url = format!("{base}/download/sabun/");
    let browser = || {
        reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap()
    };
    let form = |token: &str| {
        vec![
            (TOKEN_FIELD.to_string(), token.to_string()),
            ("event".to_string(), "download".to_string()),
            ("selDlFileNo".to_string(), DIFF_NUMBER.to_string()),
        ]
    };
    let token_in = |html: &str| -> String {
        let (_, rest) = html.split_once(TOKEN_FIELD).unwrap();
        let (_, rest) = rest.split_once("value=\"").unwrap();
        rest.split('"').next().unwrap().to_string()
    };

    // A GET by number, of the stored file, or of the number map: refused.
    let plain = reqwest::Client::new();
    for (url, status) in [
        (format!("{page_url}?selDlFileNo={DIFF_NUMBER}"), 400),
        (
            format!("{base}/download/sabun/index.html?event=download&selDlFileNo={DIFF_NUMBER}"),
            400,
        ),
        (format!("{base}/{DIFF_FILE}"), 403),
        (format!("{base}/DOWNLOADS.md"), 403),
    ] {
        let resp = plain.get(&url).send().await.unwrap();
        assert_eq!(resp.status().as_u16(), status, "{url}");
        assert!(resp.text().await.unwrap().contains("エラー"));
    }

    // The page: a session and its own token (not the one of the stored page).
    let a = browser();
    let resp = a.get(&page_url).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert!(resp.headers().get("set-cookie").is_some());
    let token = token_in(&resp.text().await.unwrap());
    assert_ne!(token, "5d0c7b2e-4a1f-4c39-9e8a-2b6f1d3c7a90");
    assert_eq!(token.len(), 36);

    // A POST without the session, or with another session's token: refused.
    let resp = plain
        .post(&page_url)
        .form(&form(&token))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 403);
    let b = browser();
    let other = token_in(&b.get(&page_url).send().await.unwrap().text().await.unwrap());
    assert_ne!(other, token);
    let resp = b.post(&page_url).form(&form(&token)).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 403);
    let resp = a.post(&page_url).form(&form("")).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 403);

    // The right session and token: the file, named.
    let resp = a
        .post(format!("{base}/download/sabun/index.html"))
        .form(&form(&token))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let disposition = resp.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(disposition.contains("diff_20261101.zip"), "{disposition}");
    let body = resp.bytes().await.unwrap();
    let stored = std::fs::read(replica_root().join(HOST).join(DIFF_FILE)).unwrap();
    assert_eq!(body.as_ref(), stored.as_slice());
    server.server.stop(true).await;
}

#[actix_web::test]
async fn full_files_only_for_the_chosen_prefectures() {
    let tmp = tempfile::tempdir().unwrap();
    let server = replica::start(ReplicaFiles::Bundled).unwrap();
    let app = Mieru::open(tmp.path(), None).unwrap();
    let r = crawl_with_full_files(&app, &server.mirrors(), &[13]).await;
    // Two pages, the diff and Tokyo's full file.
    assert_eq!((r.fetched, r.failed, r.parse_errors), (4, 0, 0), "{r}");
    let tokyo = full_file_facts(&app, 13);
    let has = |number: &str| {
        let s = format!("organization:houjin-bangou:{number}");
        tokyo.iter().any(|(subject, ..)| *subject == s)
    };
    assert!(has("4010401090123"), "青山セル会 (東京): {tokyo:?}");
    assert!(!has("7120001078901"), "ミナトバイオ is in 大阪府's file");

    // 大阪府 chosen later: the unchanged page answers 304 and is re-read from the archive; its
    // token still opens the download (the replica's session takes it on the 304).
    let r = crawl_with_full_files(&app, &server.mirrors(), &[13, 27]).await;
    assert_eq!((r.fetched, r.unchanged, r.failed), (1, 4, 0), "{r}");
    let osaka = full_file_facts(&app, 27);
    assert!(
        osaka.iter().any(|(_, _, v)| v == "株式会社ミナトバイオ"),
        "{osaka:?}"
    );
    server.server.stop(true).await;
}
