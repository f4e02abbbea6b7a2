//! No adapter panics on damaged input: every replica document, truncated at many points and
//! with its text shuffled, is fed to every adapter as every kind of body. Errors are fine.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure
mod common;

use common::*;
use mieru_crawler::adapters;
use mieru_crawler::document::{Body, Sheet};

const TEXT_FIXTURES: &[(&str, &str)] = &[
    (
        "https://saiseiiryo.mhlw.go.jp/published_plan/index/2",
        "saiseiiryo.mhlw.go.jp/published_plan/index/2/index.html",
    ),
    (
        "https://www.mhlw.go.jp/stf/newpage_61234.html",
        "www.mhlw.go.jp/stf/newpage_61234.html",
    ),
    (
        "https://www.mhlw.go.jp/stf/houdou/0000158832.html",
        "www.mhlw.go.jp/stf/houdou/0000158832.html",
    ),
    (
        "https://kouseikyoku.mhlw.go.jp/kyushu/iji/saiseiiryou/newpage_00730.html",
        "kouseikyoku.mhlw.go.jp/kyushu/iji/saiseiiryou/newpage_00730.html",
    ),
    (
        "https://kouseikyoku.mhlw.go.jp/kinki/iji/saisei/newpage_00872.html",
        "kouseikyoku.mhlw.go.jp/kinki/iji/saisei/newpage_00872.html",
    ),
    (
        "https://jrct.mhlw.go.jp/latest-detail/jRCTb050200112",
        "jrct.mhlw.go.jp/latest-detail/jRCTb050200112/index.html",
    ),
    (
        "https://saiseiiryo.mhlw.go.jp/disclosed_committee/history/102",
        "saiseiiryo.mhlw.go.jp/disclosed_committee/history/102/index.html",
    ),
    (
        "https://saiseiiryo.mhlw.go.jp/disclosed_committee/preview/07C2410004",
        "saiseiiryo.mhlw.go.jp/disclosed_committee/preview/07C2410004/index.html",
    ),
];

fn bodies(text: &str) -> Vec<Body> {
    let rows: Vec<Vec<String>> = text
        .lines()
        .map(|l| l.split(['<', '>', ',']).map(str::to_string).collect())
        .collect();
    vec![
        Body::Html(text.to_string()),
        Body::Text(text.to_string()),
        Body::Csv(rows.clone()),
        Body::Sheets(vec![Sheet {
            name: "s".into(),
            rows: rows.clone(),
        }]),
        Body::Zip(vec![("a.csv".into(), Body::Csv(rows))]),
    ]
}

#[test]
fn truncated_and_scrambled_documents_never_panic() {
    let all = adapters::all();
    let mut runs = 0usize;
    for (url, rel) in TEXT_FIXTURES {
        let base = document("robustness", url, rel, None);
        let text = match &base.body {
            Body::Html(t) | Body::Text(t) => t.clone(),
            other => panic!("{rel}: {other:?}"),
        };
        let chars: Vec<char> = text.chars().collect();
        let step = (chars.len() / 40).max(1);
        let mut variants: Vec<String> = (0..chars.len())
            .step_by(step)
            .map(|n| chars.iter().take(n).collect())
            .collect();
        // Lines in reverse order, and brackets stripped: structure without sense.
        variants.push(text.lines().rev().collect::<Vec<_>>().join("\n"));
        variants.push(text.replace(['」', '）', ')'], ""));
        for v in &variants {
            for body in bodies(v) {
                for a in &all {
                    let mut doc = base.clone();
                    doc.body = body.clone();
                    let _ = a.parse(&doc);
                    runs += 1;
                }
            }
        }
    }
    assert!(runs > 1000, "{runs}");
}

#[test]
fn odd_urls_never_panic() {
    let base = document(
        "robustness",
        "https://www.mhlw.go.jp/stf/newpage_61234.html",
        "www.mhlw.go.jp/stf/newpage_61234.html",
        None,
    );
    for url in [
        "",
        "not a url",
        "file:///",
        "https://x/",
        "https://kouseikyoku.mhlw.go.jp/",
    ] {
        for a in adapters::all() {
            let mut doc = base.clone();
            doc.meta.url = url.to_string();
            let _ = a.parse(&doc);
        }
    }
}
