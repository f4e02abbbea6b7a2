//! Unit tests of the adapters' shared helpers (kept apart so `util.rs` stays short).

use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn dates_in_every_form() {
    assert_eq!(first_date("令和7年3月5日"), Some(d(2025, 3, 5)));
    assert_eq!(first_date("令和6年 10 月 24 日"), Some(d(2024, 10, 24)));
    assert_eq!(first_date("令和元年5月1日"), Some(d(2019, 5, 1)));
    assert_eq!(first_date("平成２９年６月２７日"), Some(d(2017, 6, 27)));
    assert_eq!(first_date("令和七年十二月三日"), Some(d(2025, 12, 3)));
    assert_eq!(first_date("R7.12.26"), Some(d(2025, 12, 26)));
    assert_eq!(first_date("H28.9.1"), Some(d(2016, 9, 1)));
    assert_eq!(first_date("2017/11/15"), Some(d(2017, 11, 15)));
    assert_eq!(first_date("2025年3月5日"), Some(d(2025, 3, 5)));
    assert_eq!(first_date("平成31年5月1日"), None);
    assert_eq!(first_date("令和7年2月30日"), None);
    assert_eq!(first_date("no date"), None);
}

#[test]
fn basis_skips_inspections_and_violations() {
    let lead = "法第24条第2項に基づく立入検査を行ったところ、法第4条第1項違反が確認されたため、\
                本日、法第 22 条及び法第 47 条に基づき、一時停止を命じました。";
    assert_eq!(basis_articles(lead), ["法第22条", "法第47条"]);
    let lead = "九州厚生局長は、本日、再生医療等の安全性の確保等に関する法律（平成２５年法律第８５号。\
                以下「法」という。）第２３条第１項及び第４８条第２項の規定に基づき、改善命令を行いました。";
    assert_eq!(basis_articles(lead), ["法第23条第1項", "法第48条第2項"]);
}

#[test]
fn operator_split() {
    assert_eq!(
        split_operator("医療法人社団蒼天会\r\n銀座アオバ再生クリニック"),
        (
            Some("医療法人社団蒼天会".into()),
            "銀座アオバ再生クリニック".into()
        )
    );
    assert_eq!(
        split_operator("医療法人 玄海会 博多リジェネクリニック"),
        (
            Some("医療法人 玄海会".into()),
            "博多リジェネクリニック".into()
        )
    );
    assert_eq!(
        split_operator("医療法人社団蒼天会銀座アオバ再生クリニック"),
        (
            Some("医療法人社団蒼天会".into()),
            "銀座アオバ再生クリニック".into()
        )
    );
    assert_eq!(
        split_operator("銀座ルミナスクリニック"),
        (None, "銀座ルミナスクリニック".into())
    );
    assert_eq!(
        split_operator("株式会社ミナトバイオ"),
        (Some("株式会社ミナトバイオ".into()), String::new())
    );
}

#[test]
fn operator_in_a_trailing_bracket() {
    assert_eq!(
        split_operator("架空クリニック（医療法人社団架空会）"),
        (Some("医療法人社団架空会".into()), "架空クリニック".into())
    );
    assert_eq!(
        split_operator("架空クリニック（東京都）"),
        (None, "架空クリニック（東京都）".into())
    );
}

#[test]
fn corporate_numbers() {
    assert!(valid_corporate_number("7000012050002"));
    assert!(!valid_corporate_number("7000012050003"));
    assert!(!valid_corporate_number("700001205000"));
    assert!(!valid_corporate_number("７000012050002"));
}

#[test]
fn brackets_tolerate_a_stray_opening() {
    let chars: Vec<char> = "・「未完の計画名（計画番号：1）".chars().collect();
    let (inner, end) = bracketed(&chars, 0, '「', '」').unwrap();
    assert_eq!(inner, "未完の計画名（計画番号：1）");
    assert_eq!(end, chars.len());
}

#[test]
fn clean_keeps_spelling() {
    assert_eq!(
        clean(" 医療法人社団蒼天会\r\n銀座　クリニック\t"),
        "医療法人社団蒼天会 銀座　クリニック"
    );
}
