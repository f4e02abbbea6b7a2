//! Japanese text normalisation for mieru: the key forms used for matching and search,
//! corporate forms, addresses, dates, identifiers, phone numbers and legal articles.
//! Pure functions without I/O; none of them panics on any input.
//!
//! ```
//! use mieru_text::*;
//! use chrono::NaiveDate;
//!
//! // Keys: width, kana, small kana, dashes, spaces, punctuation and old kanji fold away.
//! assert_eq!(fold("ｸﾘﾆｯｸ"), fold("く り に っ く"));
//! assert_eq!(name_key("医療法人社団　再生会"), name_key("(医)再生会"));
//! assert_eq!(
//!     split_operator_and_facility("医療法人社団再生会\r\nＸＸ ＣＬＩＮＩＣ"),
//!     (Some("医療法人社団再生会".to_string()), "XX CLINIC".to_string())
//! );
//! assert_eq!(address_key("東京都中央区銀座三丁目12番5号 再生ビル4F"), "東京都中央区銀座3-12-5");
//! assert_eq!(parse_date("令和6年 10 月 24 日"), NaiveDate::from_ymd_opt(2024, 10, 24));
//! assert_eq!(era_form(NaiveDate::from_ymd_opt(2019, 5, 1).unwrap()), "令和元年5月1日");
//! assert_eq!(find_articles("法第23条第1項及び第48条第2項"), ["法第23条第1項", "法第48条第2項"]);
//! assert_eq!(classify_identifier("02C1910156"), Some(IdentifierKind::PlanNumber));
//! assert!(is_valid_corporate_number("7000012050002"));
//! assert_eq!(normalize_phone("０３（１２３４）５６７８").as_deref(), Some("0312345678"));
//! ```

pub mod address;
pub mod articles;
pub mod corporate;
pub mod dates;
pub mod ids;
pub mod normalize;
pub mod numerals;
pub mod phone;

#[cfg(test)]
mod testutil;

pub use address::{
    address_key, parse_address, prefecture_code, split_prefecture, AddressParts, PREFECTURES,
};
pub use articles::{find_article_mentions, find_articles, ArticleMention};
pub use corporate::{
    locate_operator_and_facility, name_key, split_corporate_form, split_current_name,
    split_operator_and_facility, CorporateForm, OperatorSplit,
};
pub use dates::{era_form, find_compact_dates, find_dates, parse_date};
pub use ids::{
    classify_identifier, corporate_check_digit, find_committee_numbers, find_facility_numbers,
    find_identifiers, find_plan_numbers, is_valid_corporate_number, normalize_identifier,
    IdentifierKind,
};
pub use normalize::{bigrams, dice, display_clean, fold, similarity};
pub use phone::normalize_phone;

#[cfg(test)]
mod hostile_input {
    //! Every public function on input no source should send but some will.
    use super::*;

    fn hostile() -> Vec<String> {
        vec![
            String::new(),
            " ".to_string(),
            "\u{3000}\r\n\t".to_string(),
            "\u{0}\u{1}\u{7f}\u{9f}".to_string(),
            "\u{301}\u{302}\u{303}\u{3099}\u{309A}".to_string(),
            "a\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}".to_string(),
            "\u{202E}逆向き\u{202C}".to_string(),
            "👨\u{200D}👩\u{200D}👧".to_string(),
            "\u{E000}\u{F8FF}\u{FFFD}\u{FFFF}".to_string(),
            "(((((((((((".to_string(),
            "第".repeat(10_000),
            "１".repeat(10_000),
            "令和".repeat(5_000),
            "医療法人社団 ".repeat(2_000),
            "〒".repeat(10_000),
            "-".repeat(10_000),
            "+81".repeat(3_000),
            "ｶﾞ".repeat(5_000),
        ]
    }

    #[test]
    fn no_function_panics() {
        for s in hostile() {
            let folded = fold(&s);
            assert_eq!(fold(&folded), folded);
            let clean = display_clean(&s);
            assert_eq!(clean.trim(), clean);
            let grams = bigrams(&folded);
            let d = dice(&grams, &grams);
            assert!((0.0..=1.0).contains(&d));
            let _ = similarity(&s, "再生会");
            let _ = split_corporate_form(&s);
            let _ = name_key(&s);
            let _ = split_operator_and_facility(&s);
            let _ = split_current_name(&s);
            let _ = prefecture_code(&s);
            let _ = split_prefecture(&s);
            let _ = address_key(&s);
            let _ = parse_address(&s);
            let _ = parse_date(&s);
            for (_, range) in find_compact_dates(&s) {
                assert!(s.get(range).is_some());
            }
            for (_, range) in find_dates(&s) {
                assert!(s.get(range).is_some());
            }
            let _ = is_valid_corporate_number(&s);
            let _ = corporate_check_digit(&s);
            let _ = find_plan_numbers(&s);
            let _ = find_facility_numbers(&s);
            let _ = find_committee_numbers(&s);
            let _ = find_identifiers(&s);
            let _ = classify_identifier(&s);
            let _ = normalize_phone(&s);
            let _ = find_articles(&s);
            let _ = find_article_mentions(&s);
            if let Some(found) = locate_operator_and_facility(&s) {
                assert!(s.get(found.corporation).is_some() && s.get(found.facility).is_some());
            }
        }
    }
}
