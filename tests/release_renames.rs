//! A release that names a renamed clinic and its renamed corporation in one string —
//! `一般社団法人旧（現　一般社団法人新）旧クリニック（現　新クリニック）`, the form the Ministry
//! used for the first order after a death — gives ONE facility and ONE organization, each with
//! both names, the old one ending and the new one starting on the release's date; and a search
//! by either old name finds them. The release is fiction in the real template.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure

use mieru::app::Mieru;
use mieru_web::model::{DatedValue, Lookup, PointInTime, SearchRequest};
use mieru_web::registry::Registry;
use std::sync::Arc;

const RELEASE: &str = r#"<!DOCTYPE html>
<html lang="ja"><head><meta charset="UTF-8"><title>再生医療等の安全性の確保等に関する法律に基づく緊急命令について｜厚生労働省</title></head>
<body><div class="m-grid__col1">
<p class="m-boxInfo__date"><time datetime="2025-08-29">令和7年8月29日</time></p>
<h1>再生医療等の安全性の確保等に関する法律に基づく緊急命令について</h1>
<p>令和7年8月27日、「一般社団法人北星会（現　一般社団法人南天会）北星クリニック（現　南天メディカルクリニック）」（東京都中央区）から、再生医療等の安全性の確保等に関する法律（平成25年法律第85号。以下「法」という。）第18条に基づく疾病等報告がなされました。</p>
<p>保健衛生上の危害の発生又は拡大を防止するため必要があると判断したため、本日付けで、法第22条に基づき、再生医療等の提供の一時停止を命じましたのでお知らせいたします。</p>
<p>【提供の一時停止を命じた再生医療等】</p>
<p>・「慢性疼痛に対する自己脂肪由来幹細胞治療」</p>
</div></body></html>
"#;

fn d(y: i32, m: u32, day: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(y, m, day).expect("date")
}

/// Asserts that `names` holds `old` until `on` (since unknown) and `new` from `on` on.
fn assert_renamed(names: &[DatedValue], old: &str, new: &str, on: chrono::NaiveDate) {
    let spans: Vec<(&str, Option<chrono::NaiveDate>, Option<chrono::NaiveDate>)> = names
        .iter()
        .map(|n| (n.value.as_str(), n.since, n.until))
        .collect();
    assert!(spans.contains(&(old, None, Some(on))), "{spans:?}");
    assert!(spans.contains(&(new, Some(on), None)), "{spans:?}");
}

#[test]
fn renamed_clinic_and_corporation_are_one_facility_and_one_organization() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let file = tmp.path().join("newpage_99001.html");
    std::fs::write(&file, RELEASE).expect("write");
    let app = Mieru::open(&tmp.path().join("data"), None).expect("open");
    app.ingest_files("mhlw-press", &[file]).expect("ingest");
    let index = Arc::new(app.open_index().expect("index"));
    app.resolve_and_index(&index).expect("resolve");
    let registry = app.registry(index);

    let search = |q: &str, kind: &str| {
        registry
            .search(&SearchRequest {
                q: q.into(),
                kind: Some(kind.into()),
                limit: 10,
                ..Default::default()
            })
            .expect("search")
            .hits
    };
    let by_old = search("北星クリニック", "facility");
    let by_new = search("南天メディカルクリニック", "facility");
    assert_eq!(by_old.len(), 1, "{by_old:?}");
    assert_eq!(by_old[0].id, by_new[0].id, "one facility under both names");
    let Lookup::Found(facility) = registry
        .facility(&by_old[0].id, PointInTime::latest())
        .expect("facility")
    else {
        panic!("facility not found")
    };
    assert_eq!(facility.name, "南天メディカルクリニック");
    assert_renamed(
        &facility.names,
        "北星クリニック",
        "南天メディカルクリニック",
        d(2025, 8, 29),
    );

    let orgs_old = search("北星会", "organization");
    let orgs_new = search("南天会", "organization");
    assert_eq!(orgs_old.len(), 1, "one organization: {orgs_old:?}");
    assert_eq!(orgs_old[0].id, orgs_new[0].id);
    let Lookup::Found(org) = registry
        .organization(&orgs_old[0].id, PointInTime::latest())
        .expect("organization")
    else {
        panic!("organization not found")
    };
    assert_renamed(
        &org.names,
        "一般社団法人北星会",
        "一般社団法人南天会",
        d(2025, 8, 29),
    );
}
