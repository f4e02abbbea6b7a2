//! The HTML site over a fictional registry: content, escaping, languages, redirects, headers.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure

mod common;

use std::sync::atomic::Ordering;
use std::sync::Arc;

use actix_web::http::{header, StatusCode};
use common::{header_str, sha, text, FakeRegistry, HTML_DOC};

fn assert_html(headers: &header::HeaderMap) {
    assert_eq!(
        headers.get(header::CONTENT_TYPE).unwrap(),
        "text/html; charset=utf-8"
    );
}

#[actix_web::test]
async fn every_page_renders_in_japanese_by_default() {
    let app = app!(Arc::new(FakeRegistry::default()));
    for uri in [
        "/",
        "/search?q=%E3%82%AF%E3%83%AA%E3%83%8B%E3%83%83%E3%82%AF",
        "/facilities/F001",
        "/facilities/F002",
        "/facilities/F003",
        "/organizations/O001",
        "/actions",
        "/actions/A001",
        "/plans/02C1910156",
        "/about",
    ] {
        let (status, headers, body) = get!(app, uri);
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert_html(&headers);
        let html = text(&body);
        assert!(html.starts_with("<!doctype html>"), "{uri}");
        assert!(html.contains("<html lang=\"ja\">"), "{uri}");
        for needle in [
            "<header",
            "<nav",
            "<main id=\"main\"",
            "<footer",
            "class=\"skip-link\" href=\"#main\"",
            "type=\"application/atom+xml\"",
            "property=\"og:title\"",
            "hreflang=\"en\"",
            "/static/style.css",
        ] {
            assert!(html.contains(needle), "{uri} lacks {needle}");
        }
        // No inline script or style: the CSP forbids them.
        assert!(
            !html.contains("<script>") && !html.contains("style=\""),
            "{uri}"
        );
        assert!(!html.contains("onclick"), "{uri}");
    }
}

#[actix_web::test]
async fn search_results_show_former_names_actions_and_facets() {
    let app = app!(Arc::new(FakeRegistry::default()));
    let (status, _, body) = get!(
        app,
        "/search?q=%E3%82%AF%E3%83%AA%E3%83%8B%E3%83%83%E3%82%AF"
    );
    assert_eq!(status, StatusCode::OK);
    let html = text(&body);
    assert!(html.contains("みらい再生クリニック"));
    assert!(html.contains("旧名: さくら再生クリニック"));
    assert!(html.contains("行政処分 1件"));
    assert!(html.contains("href=\"/facilities/F001\""));
    // Facet links keep the query and add the filter (percent-encoded).
    assert!(
        html.contains("prefecture=%E6%9D%B1%E4%BA%AC%E9%83%BD"),
        "{html}"
    );
    assert!(html.contains("年"));
    // The box keeps what was typed.
    assert!(html.contains("value=\"クリニック\""));
}

#[actix_web::test]
async fn search_page_explains_bad_input_without_500() {
    let app = app!(Arc::new(FakeRegistry::default()));
    let (status, headers, body) = get!(app, "/search?q=");
    assert_eq!(status, StatusCode::OK);
    assert_html(&headers);
    assert!(text(&body).contains("検索語を入力してください"));

    let long = format!("/search?q={}", "x".repeat(10_000));
    let (status, headers, body) = get!(app, &long);
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_html(&headers);
    assert!(text(&body).contains("200文字以内"));

    let (status, _, body) = get!(app, "/search?q=a%07b");
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(text(&body).contains("制御文字"));

    // Even a malformed query string gets an HTML page, not the API's JSON.
    let (status, headers, _) = get!(app, "/search?q=a&q=b");
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_html(&headers);

    let (status, headers, _) = get!(app, "/search?q=x&limit=0");
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_html(&headers);
}

#[actix_web::test]
async fn facility_page_shows_the_whole_history() {
    let app = app!(Arc::new(FakeRegistry::default()));
    let (status, _, body) = get!(app, "/facilities/F001");
    assert_eq!(status, StatusCode::OK);
    let html = text(&body);
    for needle in [
        "<h1>みらい再生クリニック</h1>",
        "緊急命令",
        "2025-03-05（令和7年3月5日）",
        "架空厚生局",
        "法第22条、法第47条",
        "提供計画を提出せずに再生医療等を提供",
        "再生医療等の提供の一時停止",
        "さくら再生クリニック",
        "名称の変遷",
        "東京都架空区星見町1-2-3",
        "医療法人社団架空会",
        "山田 架空太郎",
        "02C1910156",
        "第二種",
        "沿革",
        "廃止",
    ] {
        assert!(html.contains(needle), "facility page lacks {needle}");
    }
    // Timeline oldest first, whatever order the registry used.
    let plan_event = html.find("第二種計画を提出").unwrap();
    let rename_event = html.find("名称を「みらい再生クリニック」に変更").unwrap();
    assert!(plan_event < rename_event);
    // The possible successor is shown as such, with evidence and confidence.
    let (_, after) = html
        .split_once("class=\"possible-box\"")
        .expect("possible box");
    assert!(after.contains("関連の可能性"));
    assert!(after.contains("あおば幹細胞クリニック"));
    assert!(after.contains("62% (中)"));
    assert!(after.contains("所在地の一致"));
    assert!(
        !html.contains("確認された関係"),
        "a possible link must not be listed as established"
    );
    // Sources: original and archived copy with hash and fetch time; unsafe URLs are not links.
    let doc = sha(HTML_DOC);
    assert!(html.contains(&format!("href=\"/api/v1/documents/{doc}\"")));
    assert!(html.contains(&format!("<code>{doc}</code>")));
    assert!(html.contains("href=\"https://www.mhlw.go.jp/stf/newpage_99901.html\""));
    assert!(html.contains("2025-03-06 03:00 UTC"));
    assert!(!html.contains("href=\"javascript:"));
}

#[actix_web::test]
async fn markup_in_names_is_escaped() {
    let app = app!(Arc::new(FakeRegistry::default()));
    for uri in [
        "/facilities/F003",
        "/search?q=%3Cscript%3E",
        "/actions",
        "/actions/A002",
        "/plans/02C1910156",
    ] {
        let (status, _, body) = get!(app, uri);
        assert_eq!(status, StatusCode::OK, "{uri}");
        let html = text(&body);
        assert!(!html.contains("<script>alert(1)</script>"), "{uri}");
        assert!(!html.contains("<b>指導</b>"), "{uri}");
        // askama writes numeric references; either form is inert text.
        let escaped = html.contains("&#60;script&#62;alert(1)&#60;/script&#62;")
            || html.contains("&lt;script&gt;alert(1)&lt;/script&gt;");
        assert!(escaped, "{uri}");
    }
}

#[actix_web::test]
async fn merged_ids_redirect_and_as_of_is_shown() {
    let app = app!(Arc::new(FakeRegistry::default()));
    let (status, headers, _) = get!(app, "/facilities/F900?as_of=2025-01-01");
    assert_eq!(status, StatusCode::MOVED_PERMANENTLY);
    assert_eq!(
        headers.get(header::LOCATION).unwrap(),
        "/facilities/F001?as_of=2025-01-01"
    );
    let (status, headers, _) = get!(app, "/organizations/O900");
    assert_eq!(status, StatusCode::MOVED_PERMANENTLY);
    assert_eq!(
        headers.get(header::LOCATION).unwrap(),
        "/organizations/O001"
    );

    let (status, _, body) = get!(app, "/facilities/F001?as_of=2025-01-01");
    assert_eq!(status, StatusCode::OK);
    let html = text(&body);
    assert!(html.contains("class=\"banner\""));
    assert!(html.contains("2025-01-01（令和7年1月1日）"));
    let (status, _, _) = get!(app, "/facilities/F001?as_of=2025-02-31");
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[actix_web::test]
async fn english_via_query_then_cookie() {
    let app = app!(Arc::new(FakeRegistry::default()));
    let (status, headers, body) = get!(app, "/facilities/F001?lang=en");
    assert_eq!(status, StatusCode::OK);
    let html = text(&body);
    assert!(html.contains("<html lang=\"en\">"));
    assert!(html.contains("Names over time"));
    assert!(html.contains("Emergency order"));
    assert!(html.contains("Possibly related"));
    assert!(html.contains("hreflang=\"ja\""));
    assert!(html.contains("href=\"/facilities/F001?lang=ja\""));
    assert!(!html.contains("名称の変遷"));
    let cookie = header_str(&headers, header::SET_COOKIE).to_owned();
    assert!(cookie.starts_with("lang=en"), "{cookie}");
    assert_eq!(headers.get(header::VARY).unwrap(), "Cookie");

    let (_, headers, body) = get!(app, "/about", [(header::COOKIE, "lang=en")]);
    let html = text(&body);
    assert!(html.contains("How records are linked"));
    assert!(html.contains("mailto:errors@mieru.example.jp"));
    assert!(!headers.contains_key(header::SET_COOKIE));

    let (_, _, body) = get!(app, "/about");
    let html = text(&body);
    assert!(html.contains("施設・法人の結び付け方"));
    assert!(html.contains("関連の可能性"));
}

#[actix_web::test]
async fn unknown_pages_are_html_404_and_bad_ids_400() {
    let app = app!(Arc::new(FakeRegistry::default()));
    for uri in [
        "/no/such/page",
        "/facilities/F404",
        "/actions/A404",
        "/plans/X1",
        "/static/nope.css",
    ] {
        let (status, headers, body) = get!(app, uri);
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert_html(&headers);
        assert!(text(&body).contains("ページが見つかりません"), "{uri}");
        assert!(headers.contains_key("content-security-policy"), "{uri}");
    }
    let (status, headers, _) = get!(app, "/facilities/F%3Cx%3E");
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_html(&headers);
    // A protocol-relative path must not leak into our own links.
    let (_, _, body) = get!(app, "//evil.example/x");
    assert!(!text(&body).contains("href=\"//evil.example"));
}

#[actix_web::test]
async fn actions_list_filters_and_cursor() {
    let app = app!(Arc::new(FakeRegistry::default()));
    let (status, _, body) = get!(app, "/actions?limit=1");
    assert_eq!(status, StatusCode::OK);
    let html = text(&body);
    assert!(html.contains("href=\"/actions?cursor=c1\""), "{html}");
    assert!(html.contains("<label for=\"f-type\">"));
    let (status, _, body) = get!(app, "/actions?cursor=c1");
    assert_eq!(status, StatusCode::OK);
    assert!(text(&body).contains("最新から表示"));
    let (status, headers, body) = get!(app, "/actions?cursor=zzz");
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_html(&headers);
    assert!(text(&body).contains("ページ送りの指定が正しくありません"));
    let (status, _, body) = get!(app, "/actions?from=2025-99-01");
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(text(&body).contains("YYYY-MM-DD"));
    let (status, _, body) = get!(app, "/actions?action_type=improvement_order");
    assert_eq!(status, StatusCode::OK);
    let html = text(&body);
    assert!(html.contains("value=\"improvement_order\" selected"));
    assert!(!html.contains("href=\"/actions/A001\""));
}

#[actix_web::test]
async fn unavailable_registry_gives_a_503_page_but_home_still_works() {
    let registry = Arc::new(FakeRegistry::default());
    let app = app!(registry.clone());
    registry.down.store(true, Ordering::SeqCst);
    let (status, headers, body) = get!(app, "/facilities/F001");
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_html(&headers);
    assert!(text(&body).contains("一時的にご利用いただけません"));
    let (status, _, body) = get!(app, "/");
    assert_eq!(status, StatusCode::OK);
    assert!(text(&body).contains("id=\"q\""));
}

#[actix_web::test]
async fn security_headers_on_pages_and_assets() {
    let app = app!(Arc::new(FakeRegistry::default()));
    for uri in [
        "/",
        "/facilities/F001",
        "/static/style.css",
        "/favicon.ico",
        "/nope",
    ] {
        let (_, headers, _) = get!(app, uri);
        let csp = headers
            .get("content-security-policy")
            .unwrap()
            .to_str()
            .unwrap();
        assert!(csp.contains("default-src 'self'"), "{uri}");
        assert!(csp.contains("frame-ancestors 'none'"), "{uri}");
        assert!(!csp.contains("unsafe-inline"), "{uri}");
        assert_eq!(headers.get("x-content-type-options").unwrap(), "nosniff");
        assert_eq!(headers.get("x-frame-options").unwrap(), "DENY");
        assert!(headers.contains_key("referrer-policy"));
        assert!(headers.contains_key("permissions-policy"));
    }
    let (status, headers, body) = get!(app, "/static/style.css");
    assert_eq!(status, StatusCode::OK);
    assert!(header_str(&headers, header::CONTENT_TYPE).starts_with("text/css"));
    assert!(text(&body).contains("@media"));
    let etag = headers.get(header::ETAG).unwrap().clone();
    let (status, _, _) = get!(app, "/static/style.css", [(header::IF_NONE_MATCH, etag)]);
    assert_eq!(status, StatusCode::NOT_MODIFIED);
}
