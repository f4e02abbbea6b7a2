//! Unit tests of address parsing (kept apart so `address.rs` stays short).

use super::*;
use crate::testutil::random_strings;

#[test]
fn prefecture_codes() {
    assert_eq!(PREFECTURES.len(), 47);
    assert_eq!(prefecture_code("北海道"), Some(1));
    assert_eq!(prefecture_code("東京都"), Some(13));
    assert_eq!(prefecture_code("東京"), Some(13));
    assert_eq!(prefecture_code("神奈川県"), Some(14));
    assert_eq!(prefecture_code("京都府"), Some(26));
    assert_eq!(prefecture_code("京都"), Some(26));
    assert_eq!(prefecture_code(" 沖縄県 "), Some(47));
    assert_eq!(prefecture_code("北海"), None);
    assert_eq!(prefecture_code("東京都中央区"), None);
    assert_eq!(prefecture_code(""), None);
    for (i, p) in PREFECTURES.iter().enumerate() {
        assert_eq!(prefecture_code(p), u8::try_from(i + 1).ok());
    }
}

#[test]
fn split_prefecture_table() {
    let cases: &[(&str, Option<&str>, &str)] = &[
        ("東京都中央区銀座1-2-3", Some("東京都"), "中央区銀座1-2-3"),
        ("東京中央区銀座1-2-3", Some("東京都"), "中央区銀座1-2-3"),
        ("京都府京都市中京区", Some("京都府"), "京都市中京区"),
        ("京都市中京区烏丸通", Some("京都府"), "京都市中京区烏丸通"),
        ("大阪市北区梅田", Some("大阪府"), "大阪市北区梅田"),
        ("横浜市中区山下町", Some("神奈川県"), "横浜市中区山下町"),
        (
            "神奈川県神奈川県伊勢原市下糟屋",
            Some("神奈川県"),
            "伊勢原市下糟屋",
        ),
        ("神奈川県 神奈川県伊勢原市", Some("神奈川県"), "伊勢原市"),
        (
            "〒100-0013 東京都千代田区霞が関",
            Some("東京都"),
            "千代田区霞が関",
        ),
        (
            "〒１００－００１３　東京都千代田区",
            Some("東京都"),
            "千代田区",
        ),
        (
            "北海道札幌市中央区北1条西2丁目",
            Some("北海道"),
            "札幌市中央区北1条西2丁目",
        ),
        ("福島区海老江", None, "福島区海老江"),
        ("千葉市中央区", Some("千葉県"), "千葉市中央区"),
        ("岩手郡雫石町", Some("岩手県"), "岩手郡雫石町"),
        ("中央区銀座", None, "中央区銀座"),
        ("", None, ""),
        ("所在地：東京都中央区銀座", Some("東京都"), "中央区銀座"),
        (
            "所 在 地 〒104-0061 東京都中央区銀座",
            Some("東京都"),
            "中央区銀座",
        ),
        ("住所 大阪府大阪市北区", Some("大阪府"), "大阪市北区"),
        ("東京都", Some("東京都"), ""),
        ("  大阪府　大阪市", Some("大阪府"), "大阪市"),
    ];
    for (input, pref, rest) in cases {
        assert_eq!(
            split_prefecture(input),
            (*pref, rest.to_string()),
            "split_prefecture({input:?})"
        );
    }
}

#[test]
fn parse_address_table() {
    let p = parse_address("東京都中央区銀座三丁目12番5号 再生ビル4階");
    assert_eq!(p.prefecture, Some("東京都"));
    assert_eq!(p.city.as_deref(), Some("中央区"));
    assert_eq!(p.rest, "銀座");
    assert_eq!(p.block.as_deref(), Some("3-12-5"));
    assert_eq!(p.building.as_deref(), Some("再生ビル4階"));

    let p = parse_address("神奈川県横浜市中区山下町1-2-3 4F");
    assert_eq!(p.city.as_deref(), Some("横浜市中区"));
    assert_eq!(p.rest, "山下町");
    assert_eq!(p.block.as_deref(), Some("1-2-3"));
    assert_eq!(p.building.as_deref(), Some("4F"));

    let p = parse_address("北海道札幌市中央区北1条西2丁目3-4");
    assert_eq!(p.city.as_deref(), Some("札幌市中央区"));
    assert_eq!(p.rest, "北1条西");
    assert_eq!(p.block.as_deref(), Some("2-3-4"));

    let p = parse_address("東京都千代田区三番町5番地");
    assert_eq!(p.rest, "三番町");
    assert_eq!(p.block.as_deref(), Some("5"));

    let p = parse_address("沖縄県中頭郡北谷町美浜12番地の3");
    assert_eq!(p.city.as_deref(), Some("中頭郡北谷町"));
    assert_eq!(p.rest, "美浜");
    assert_eq!(p.block.as_deref(), Some("12-3"));

    let p = parse_address("三重県四日市市諏訪町1-5");
    assert_eq!(p.city.as_deref(), Some("四日市市"));
    assert_eq!(p.block.as_deref(), Some("1-5"));

    let p = parse_address("千葉県市川市八幡2-3-4-501");
    assert_eq!(p.city.as_deref(), Some("市川市"));
    assert_eq!(p.block.as_deref(), Some("2-3-4"));
    assert_eq!(p.building.as_deref(), Some("501"));

    let p = parse_address("奈良県大和郡山市北郡山町10");
    assert_eq!(p.city.as_deref(), Some("大和郡山市"));
    assert_eq!(p.block.as_deref(), Some("10"));

    let p = parse_address("東京都港区南青山");
    assert_eq!(p.city.as_deref(), Some("港区"));
    assert_eq!(p.rest, "南青山");
    assert_eq!(p.block, None);
    assert_eq!(p.building, None);

    let p = parse_address("東京都渋谷区神宮前1丁目 丸ビル 3F");
    assert_eq!(p.block.as_deref(), Some("1"));
    assert_eq!(p.building.as_deref(), Some("丸ビル 3F"));

    let p = parse_address("東京都港区麻布十番1-2-3 十番ビル3F");
    assert_eq!(p.rest, "麻布十番");
    assert_eq!(p.block.as_deref(), Some("1-2-3"));
    assert_eq!(p.building.as_deref(), Some("十番ビル3F"));

    let p = parse_address("");
    assert_eq!(p, AddressParts::default());
}

#[test]
fn address_key_equates_block_spellings() {
    let same = [
        "東京都中央区銀座3丁目12番5号",
        "東京都中央区銀座3-12-5",
        "東京都中央区銀座３－１２－５",
        "東京都中央区銀座3丁目12-5",
        "東京都中央区銀座三丁目十二番五号",
        "東京都中央区銀座3丁目12番地5",
        "東京都中央区銀座3−12−5",
        "東京都中央区銀座3ー12ー5",
        "東京中央区銀座3-12-5 再生ビル2F",
        "東京都 中央区 銀座 3-12-5",
        "〒104-0061 東京都中央区銀座3丁目12番5号 再生ビル 5階",
    ];
    let want = address_key(same[0]);
    assert_eq!(want, "東京都中央区銀座3-12-5");
    for s in same {
        assert_eq!(address_key(s), want, "{s:?}");
    }
    assert_ne!(address_key("東京都中央区銀座3-12-6"), want);
    assert_ne!(address_key("大阪府大阪市中央区銀座3-12-5"), want);
    assert_eq!(
        address_key("神奈川県神奈川県伊勢原市下糟屋143"),
        address_key("神奈川県伊勢原市下糟屋143")
    );
    assert_eq!(address_key("霞ヶ関1-2"), address_key("霞が関一丁目2番"));
    assert_eq!(address_key(""), "");
}

#[test]
fn never_panics() {
    let long = "東京都中央区銀座3-12-5".repeat(500);
    let _ = parse_address(&long);
    let digits = "1-".repeat(5000);
    let _ = address_key(&digits);
    for s in random_strings(0xADD, 3000, 24) {
        let _ = parse_address(&s);
        let _ = address_key(&s);
        let _ = split_prefecture(&s);
    }
}
