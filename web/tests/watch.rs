//! Watch feeds, source health and action status as the web layer renders them, over a
//! fictional registry: well-formed Atom with escaped markup, merged IDs answered with 200,
//! unknown prefectures refused, `/sources` with safe links, status evidence on pages.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure

mod common;

use std::sync::Arc;

use actix_web::http::{header, StatusCode};
use common::{assert_envelope, header_str, sha, text, FakeRegistry, HTML_DOC};
use quick_xml::events::Event;

/// Checks the document is well-formed Atom; returns (subtitle, entry ids, link hrefs).
fn atom(xml: &str) -> (String, Vec<String>, Vec<String>) {
    let mut reader = quick_xml::Reader::from_str(xml);
    let (mut depth, mut subtitle, mut ids, mut hrefs) = (0i32, String::new(), vec![], vec![]);
    let mut current = String::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) => {
                let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
                if depth == 0 {
                    assert_eq!(name, "feed");
                }
                current = name;
                depth += 1;
            }
            Event::Empty(e) => {
                for a in e.attributes().flatten() {
                    if a.key.as_ref() == b"href" {
                        hrefs.push(
                            a.decode_and_unescape_value(reader.decoder())
                                .unwrap()
                                .into_owned(),
                        );
                    }
                }
            }
            Event::End(_) => {
                depth -= 1;
                current.clear();
            }
            Event::Text(t) => {
                let v = t.unescape().unwrap().into_owned();
                match (depth, current.as_str()) {
                    (2, "subtitle") => subtitle.push_str(&v),
                    (3, "id") => ids.push(v),
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(depth, 0);
    (subtitle, ids, hrefs)
}

#[actix_web::test]
async fn entity_feeds_are_atom_with_escaped_markup_and_evidence_links() {
    let app = app!(Arc::new(FakeRegistry::default()));
    let (status, headers, body) = get!(app, "/facilities/F003/feed.atom");
    assert_eq!(status, StatusCode::OK);
    assert!(header_str(&headers, header::CONTENT_TYPE).starts_with("application/atom+xml"));
    let xml = text(&body);
    assert!(!xml.contains("<script>") && !xml.contains("<b>"), "{xml}");
    let (_, ids, hrefs) = atom(&xml);
    assert_eq!(
        ids,
        ["tag:mieru.example.jp,2026:F003/new_action/2025-03-05/A001.1"]
    );
    assert!(hrefs.contains(&"https://mieru.example.jp/actions/A001".to_owned()));
    assert!(hrefs.contains(&format!(
        "https://mieru.example.jp/api/v1/documents/{}",
        sha(HTML_DOC)
    )));
    assert!(hrefs.contains(&"https://www.mhlw.go.jp/stf/newpage_99901.html".to_owned()));
    // Conditional GET.
    let etag = headers.get(header::ETAG).unwrap().clone();
    let (status, _, body) = get!(
        app,
        "/facilities/F003/feed.atom",
        [(header::IF_NONE_MATCH, etag)]
    );
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert!(body.is_empty());
}

#[actix_web::test]
async fn a_merged_id_answers_200_with_the_survivors_feed() {
    let app = app!(Arc::new(FakeRegistry::default()));
    for (old, new, kind) in [
        ("F900", "F001", "facilities"),
        ("O900", "O001", "organizations"),
    ] {
        let (status, _, body) = get!(app, &format!("/{kind}/{old}/feed.atom"));
        assert_eq!(status, StatusCode::OK, "{old}");
        let xml = text(&body);
        let (subtitle, ids, hrefs) = atom(&xml);
        assert!(
            subtitle.contains(&format!("ID {old} は {new} に統合")),
            "{subtitle}"
        );
        assert_eq!(ids.len(), 1);
        assert!(ids[0].contains(&format!("{new}/new_action")), "{ids:?}");
        assert!(
            hrefs.contains(&format!("https://mieru.example.jp/{kind}/{new}")),
            "{hrefs:?}"
        );
        assert!(
            hrefs.contains(&format!("https://mieru.example.jp/{kind}/{old}/feed.atom")),
            "self stays what was subscribed to: {hrefs:?}"
        );
    }
}

#[actix_web::test]
async fn feeds_refuse_unknown_ids_and_prefectures_with_the_envelope() {
    let app = app!(Arc::new(FakeRegistry::default()));
    let (status, _, body) = get!(app, "/facilities/F404/feed.atom");
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_envelope(&body, "not_found");
    let (status, _, body) = get!(app, "/facilities/..%2Fx/feed.atom");
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_envelope(&body, "invalid_id");
    let (status, _, body) = get!(app, "/prefectures/Tokyo/feed.atom");
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_envelope(&body, "not_found");
    let (status, _, body) = get!(app, "/prefectures/%E6%9D%B1%E4%BA%AC%E9%83%BD/feed.atom");
    assert_eq!(status, StatusCode::OK);
    let (_, ids, _) = atom(&text(&body));
    assert!(ids.is_empty());
}

#[actix_web::test]
async fn pages_offer_their_feed_and_show_status_evidence() {
    let app = app!(Arc::new(FakeRegistry::default()));
    let (_, _, body) = get!(app, "/facilities/F001");
    let html = text(&body);
    assert!(html.contains(
        "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"更新を購読（Atom）\" href=\"/facilities/F001/feed.atom\">"
    ));
    assert!(html.contains("更新を購読（Atom）</a>"));
    assert!(html.contains("公表が継続しており、解除・後続の処分は確認されていません"));
    assert!(html.contains("2025-03-06 時点で公表元への掲載を確認"));
    let (_, _, body) = get!(app, "/actions/A001?lang=en");
    let html = text(&body);
    assert!(
        html.contains("Still listed at the source on 2025-03-06"),
        "{html}"
    );
    let (_, _, body) = get!(app, "/organizations/O001");
    assert!(text(&body).contains("href=\"/organizations/O001/feed.atom\""));
}

#[actix_web::test]
async fn the_sources_page_and_api_show_health_safely() {
    let app = app!(Arc::new(FakeRegistry::default()));
    let (status, _, body) = get!(app, "/sources");
    assert_eq!(status, StatusCode::OK);
    let html = text(&body);
    assert!(html.contains("<h1>情報源の状態</h1>"));
    assert!(html.contains("data-status=\"unavailable\""));
    assert!(html.contains("利用不可（最後の巡回が失敗）"));
    assert!(html.contains("添付資料は読みません"));
    assert!(html.contains("<code>https://www.mhlw.go.jp/stf/houdou/houdou_list_{YYYYMM}.html</code> <span class=\"tag\">確認済み</span>"));
    assert!(html.contains("<h3>利用条件</h3>") && html.contains("利用条件"));
    assert!(
        !html.contains("未確認"),
        "entry points are no longer called unverified"
    );
    assert!(!html.contains("<script>alert"), "markup escaped");
    assert!(!html.contains("href=\"javascript:"), "unsafe URLs are text");
    assert!(html.contains(&format!("href=\"/api/v1/documents/{}\"", sha(HTML_DOC))));
    assert!(html.contains("href=\"/sources\""), "footer link");
    let (status, headers, body) = get!(app, "/api/v1/sources");
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers.get(header::CACHE_CONTROL).unwrap(), "no-cache");
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(v["sources"][0]["status"], "unavailable");
    assert_eq!(v["sources"][0]["entry_points"][0]["verified"], "seen");
    assert_eq!(v["sources"][0]["enabled_by_default"], true);
}
