//! Watch feeds on the real pipeline against a changing copy of the replica: a facility is
//! renamed at its source, then receives an order under its new name; the feed subscribed to
//! under its ORIGINAL ID carries both entries, with stable `tag:` IDs and links to the
//! archived evidence. An ID merged into another (by a human judgement) keeps serving a feed:
//! 200 with the survivor's entries, said in the subtitle. Both backends when
//! `MIERU_TEST_DATABASE_URL` is set.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure

mod common;

use actix_web::http::header;
use actix_web::test::{self, TestRequest};
use common::{copy_dir, fast_no_retries, replica_root};
use mieru::app::Mieru;
use mieru::ops::replica::{self, ReplicaFiles};
use mieru_web::model::{Lookup, PointInTime};
use mieru_web::registry::Registry;
use quick_xml::events::Event;
use std::path::Path;
use std::sync::Arc;

const OLD_NAME: &str = "広島ベイ幹細胞クリニック";
const NEW_NAME: &str = "広島ベイ再生クリニック";

fn edit(path: &Path, old: &str, new: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert_eq!(text.matches(old).count(), 1, "{old} once in {path:?}");
    std::fs::write(path, text.replace(old, new)).unwrap();
}

/// An improvement order naming the clinic by its new name, in the current MHLW template.
const ORDER: &str = r#"<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="UTF-8">
<title>再生医療等の安全性の確保等に関する法律に基づく改善命令について｜厚生労働省</title>
</head>
<body>
<div class="l-contentMain">
<div class="m-boxInfo"><p class="m-boxInfo__date"><time datetime="2026-11-10">令和8年 11 月 10 日</time></p></div>
<p>報道関係者各位</p>
<h1 class="m-hdgLv1__hdg">再生医療等の安全性の確保等に関する法律に基づく改善命令について</h1>
<div class="m-grid">
<p>　本日、厚生労働大臣は、「広島ベイ再生クリニック」（広島県広島市中区）に対し、法第 23 条第 1 項に基づき、改善命令を行いました。</p>
<p>【確認された法律違反】</p>
<p>・ 再生医療等提供計画に記載のない細胞培養加工施設で特定細胞加工物を製造させていた。（法第 5 条第 1 項違反）</p>
<p>【改善命令の内容】</p>
<p>・ 再生医療等提供計画を変更し、改善計画を提出すること。</p>
</div>
</div>
</body>
</html>
"#;

/// Entries of an Atom document: (id, title, categories, links).
#[derive(Debug, Default, Clone)]
struct Entry {
    id: String,
    title: String,
    updated: String,
    categories: Vec<String>,
    links: Vec<(String, String)>,
}

/// Parses the feed strictly (well-formed XML, Atom namespace) into its subtitle and entries.
fn parse_atom(xml: &str) -> (String, Vec<Entry>) {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut entries: Vec<Entry> = Vec::new();
    let mut path: Vec<String> = Vec::new();
    let mut subtitle = String::new();
    loop {
        let event = reader.read_event().expect("well-formed XML");
        let (start, empty) = match &event {
            Event::Start(e) => (Some(e.clone()), false),
            Event::Empty(e) => (Some(e.clone()), true),
            _ => (None, false),
        };
        if let Some(e) = start {
            let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
            let attr = |k: &str| {
                e.attributes()
                    .flatten()
                    .find(|a| a.key.as_ref() == k.as_bytes())
                    .map(|a| {
                        a.decode_and_unescape_value(reader.decoder())
                            .unwrap()
                            .into_owned()
                    })
            };
            if path.is_empty() {
                assert_eq!(name, "feed");
                assert_eq!(
                    attr("xmlns").as_deref(),
                    Some("http://www.w3.org/2005/Atom")
                );
            }
            if name == "entry" {
                entries.push(Entry::default());
            }
            if path.last().map(String::as_str) == Some("entry") {
                if let Some(entry) = entries.last_mut() {
                    if name == "category" {
                        entry.categories.push(attr("term").unwrap_or_default());
                    }
                    if name == "link" {
                        entry
                            .links
                            .push((attr("rel").unwrap_or_default(), attr("href").unwrap()));
                    }
                }
            }
            if !empty {
                path.push(name);
            }
            continue;
        }
        match event {
            Event::End(_) => {
                path.pop();
            }
            Event::Text(t) => {
                let text = t.unescape().unwrap().into_owned();
                match (path.len(), path.last().map(String::as_str)) {
                    (2, Some("subtitle")) => subtitle.push_str(&text),
                    (3, Some(tag)) if path.get(1).map(String::as_str) == Some("entry") => {
                        if let Some(e) = entries.last_mut() {
                            match tag {
                                "id" => e.id.push_str(&text),
                                "title" => e.title.push_str(&text),
                                "updated" => e.updated.push_str(&text),
                                _ => {}
                            }
                        }
                    }
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert!(path.is_empty(), "unbalanced: {path:?}");
    (subtitle, entries)
}

/// The one entry of `category` among `entries` (a failure when there are none or several).
fn only_entry<'a>(entries: &'a [Entry], category: &str, backend: &str) -> &'a Entry {
    let of: Vec<&Entry> = entries
        .iter()
        .filter(|e| e.categories.iter().any(|c| c == category))
        .collect();
    assert_eq!(of.len(), 1, "{backend}: one {category}: {entries:#?}");
    of[0]
}

async fn crawl_and_resolve(app: &Mieru, mirrors: &[String], index: &mieru::search::SearchIndex) {
    let (report, _) = app
        .crawl_with(&[], mirrors, &fast_no_retries(), &common::every_source())
        .await
        .unwrap();
    assert!(report.per_source.iter().all(|r| r.complete), "{report}");
    app.resolve_and_index(index).unwrap();
}

fn facility_ids_named(registry: &dyn Registry, name: &str) -> Vec<String> {
    let hits = registry.search(&common::query(name, 10)).unwrap();
    hits.hits
        .into_iter()
        .filter(|h| {
            h.entity == "facility" && (h.name == name || h.former_names.iter().any(|n| n == name))
        })
        .map(|h| h.id)
        .collect()
}

#[actix_web::test]
async fn feed_under_the_original_id_follows_a_rename_and_a_later_order() {
    common::on_every_backend(rename_then_order).await;
}

async fn rename_then_order(database_url: Option<&str>, backend: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("replica");
    copy_dir(&replica_root(), &site);
    let app = Mieru::open(&tmp.path().join("data"), database_url).unwrap();
    let server = replica::start(ReplicaFiles::Dir(site.clone())).unwrap();
    let mirrors = server.mirrors();
    let index = Arc::new(app.open_index().unwrap());
    let registry = Arc::new(app.registry(index.clone()));

    // 1. The facility as first crawled.
    crawl_and_resolve(&app, &mirrors, &index).await;
    let ids = facility_ids_named(registry.as_ref(), OLD_NAME);
    assert_eq!(ids.len(), 1, "{backend}: one {OLD_NAME}: {ids:?}");
    let original = ids[0].clone();

    // 2. Renamed at its source (the e-再生医療 list row).
    let renamed_after = chrono::Utc::now();
    edit(
        &site.join("saiseiiryo.mhlw.go.jp/published_plan/index/2/index.html"),
        &format!("<td>{OLD_NAME}</td>"),
        &format!("<td>{NEW_NAME}</td>"),
    );
    crawl_and_resolve(&app, &mirrors, &index).await;
    let Lookup::Found(f) = registry.facility(&original, PointInTime::latest()).unwrap() else {
        panic!("{backend}: {original} still answers");
    };
    assert_eq!(f.name, NEW_NAME, "{backend}");

    // 3. An order naming the new name, listed among the month's releases.
    let ordered_after = chrono::Utc::now();
    std::fs::write(site.join("www.mhlw.go.jp/stf/newpage_70001.html"), ORDER).unwrap();
    edit(
        &site.join("www.mhlw.go.jp/stf/houdou/houdou_list_202611.html"),
        "<ul class=\"m-listNews\">\n",
        "<ul class=\"m-listNews\">\n<li><a href=\"/stf/newpage_70001.html\"><time datetime=\"2026-11-10\">2026年11月10日</time>\
         <span>再生医療等の安全性の確保等に関する法律に基づく改善命令について</span></a></li>\n",
    );
    crawl_and_resolve(&app, &mirrors, &index).await;

    let state = mieru_web::AppState {
        registry: registry.clone(),
        site: mieru_web::SiteConfig {
            base_url: "https://mieru.example.jp".into(),
            ..Default::default()
        },
    };
    let web = test::init_service(common::web_app(state)).await;
    let get = |uri: String| TestRequest::get().uri(&uri).to_request();
    let res = test::call_service(&web, get(format!("/facilities/{original}/feed.atom"))).await;
    assert_eq!(res.status(), 200, "{backend}");
    assert!(res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/atom+xml")));
    let xml = String::from_utf8(test::read_body(res).await.to_vec()).unwrap();
    let (_, entries) = parse_atom(&xml);

    let r = only_entry(&entries, "renamed", backend);
    assert!(
        r.title.contains(OLD_NAME) && r.title.contains(NEW_NAME),
        "{backend}: {r:?}"
    );
    let a = only_entry(&entries, "new_action", backend);
    assert!(
        a.title.contains("改善命令") && a.title.contains("2026-11-10"),
        "{a:?}"
    );
    // `updated` is when mieru first saw each event: after the change was made.
    let parse = |t: &str| chrono::DateTime::parse_from_rfc3339(t).unwrap().to_utc();
    assert!(
        parse(&r.updated) >= renamed_after - chrono::Duration::seconds(1),
        "{r:?}"
    );
    assert!(
        parse(&a.updated) >= ordered_after - chrono::Duration::seconds(1),
        "{a:?}"
    );
    assert!(parse(&r.updated) < ordered_after, "{r:?}");
    // Entry IDs are tag: URIs, unique.
    let mut ids: Vec<&str> = entries.iter().map(|e| e.id.as_str()).collect();
    assert!(
        ids.iter()
            .all(|i| i.starts_with("tag:mieru.example.jp,2026:")),
        "{ids:?}"
    );
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), entries.len());
    // The action entry links its page and its evidence: archived copy and public URL.
    let action_page = a
        .links
        .iter()
        .find(|(rel, _)| rel == "alternate")
        .map(|(_, h)| h.clone())
        .unwrap();
    assert!(
        action_page.starts_with("https://mieru.example.jp/actions/A"),
        "{a:?}"
    );
    assert!(
        a.links
            .iter()
            .any(|(rel, h)| rel == "via" && h == "https://www.mhlw.go.jp/stf/newpage_70001.html"),
        "{a:?}"
    );
    let archived = a
        .links
        .iter()
        .find(|(rel, h)| rel == "related" && h.contains("/api/v1/documents/"))
        .map(|(_, h)| h.trim_start_matches("https://mieru.example.jp").to_owned())
        .unwrap();
    let res = test::call_service(&web, get(archived.clone())).await;
    assert_eq!(res.status(), 200, "{archived}");
    let bytes = test::read_body(res).await;
    assert!(
        String::from_utf8_lossy(&bytes).contains(NEW_NAME),
        "the archived copy is the order"
    );
    // The rename cites the e-再生医療 list.
    assert!(
        r.links
            .iter()
            .any(|(rel, h)| rel == "via"
                && h.contains("saiseiiryo.mhlw.go.jp/published_plan/index/2")),
        "{r:?}"
    );

    // Entry IDs do not move when the read models are rebuilt.
    app.resolve_and_index(&index).unwrap();
    let res = test::call_service(&web, get(format!("/facilities/{original}/feed.atom"))).await;
    let again = String::from_utf8(test::read_body(res).await.to_vec()).unwrap();
    let (_, entries2) = parse_atom(&again);
    let keys = |es: &[Entry]| -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = es
            .iter()
            .map(|e| (e.id.clone(), e.updated.clone()))
            .collect();
        v.sort();
        v
    };
    assert_eq!(keys(&entries), keys(&entries2), "{backend}");

    // The facility page offers the feed.
    let res = test::call_service(&web, get(format!("/facilities/{original}"))).await;
    let html = String::from_utf8(test::read_body(res).await.to_vec()).unwrap();
    let feed_path = format!("/facilities/{original}/feed.atom");
    assert!(
        html.contains(&format!(
            "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"更新を購読（Atom）\" href=\"{feed_path}\">"
        )),
        "{backend}"
    );
    assert!(html.contains("更新を購読（Atom）</a>"));

    // The prefecture feed has the same order.
    let res = test::call_service(
        &web,
        get("/prefectures/%E5%BA%83%E5%B3%B6%E7%9C%8C/feed.atom".into()),
    )
    .await;
    assert_eq!(res.status(), 200);
    let (_, pref) = parse_atom(std::str::from_utf8(&test::read_body(res).await).unwrap());
    assert!(pref.iter().any(|e| e.id == a.id), "{pref:#?}");
    let res = test::call_service(&web, get("/prefectures/Tokyo/feed.atom".into())).await;
    assert_eq!(res.status(), 404);

    // 4. Two records judged the same: the merged-away ID keeps a feed, the survivor's.
    let pair = [
        "facility:e-saisei:02C2209044",
        "facility:e-saisei:02C2205012",
    ];
    let members = mieru::store::entities::members(&mut app.pool.get().unwrap()).unwrap();
    let before: Vec<String> = pair.iter().map(|s| members[*s].clone()).collect();
    assert_ne!(before[0], before[1], "{backend}: two records before");
    {
        let mut conn = app.pool.get().unwrap();
        mieru::store::entities::record_judgement(
            &mut conn,
            pair[0],
            pair[1],
            "same",
            "test",
            "one clinic",
            mieru::store::now(),
        )
        .unwrap();
    }
    app.resolve_and_index(&index).unwrap();
    let mut merged_away = None;
    for id in &before {
        if let Lookup::MovedTo(to) = registry.facility(id, PointInTime::latest()).unwrap() {
            merged_away = Some((id.clone(), to));
        }
    }
    let (old, survivor) = merged_away.expect("one ID now redirects");
    let res = test::call_service(&web, get(format!("/facilities/{old}/feed.atom"))).await;
    assert_eq!(res.status(), 200, "{backend}: a merged ID still has a feed");
    let xml = String::from_utf8(test::read_body(res).await.to_vec()).unwrap();
    let (subtitle, merged_entries) = parse_atom(&xml);
    assert!(
        subtitle.contains(&format!("ID {old} は {survivor} に統合")),
        "{subtitle}"
    );
    assert!(
        xml.contains(&format!("https://mieru.example.jp/facilities/{survivor}\"")),
        "the feed's page is the survivor's"
    );
    let res = test::call_service(&web, get(format!("/facilities/{survivor}/feed.atom"))).await;
    let (_, survivor_entries) =
        parse_atom(std::str::from_utf8(&test::read_body(res).await).unwrap());
    assert_eq!(keys(&merged_entries), keys(&survivor_entries));
    server.server.stop(true).await;
}
