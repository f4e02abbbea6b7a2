//! Folding of Japanese text for the index: the same function runs on documents and on queries, so
//! that every spelling a source or a user may type meets the same tokens.
//!
//! The character-level passes are `mieru_text::fold`, the very key form the resolver matches on
//! (NFKC, lowercase, hiragana → katakana, small kana → large, old kanji → common, one dash form,
//! 霞が関 = 霞ヶ関). That function makes a *key* and so drops spaces; the index needs word
//! boundaries, so it runs on each space-separated part. Around it, what only search needs:
//! 1. before: NFKC, then corporate-form abbreviations expanded (`㈱`/`(株)` → `株式会社`,
//!    `(医)` → `医療法人` …), since the key form would reduce `(株)` to a bare `株`;
//! 2. after: the dash after katakana dropped (it is the long-vowel mark: センター = センタ),
//!    and kanji numerals of an address block (`四丁目`, `十二番`) → Arabic digits.

use mieru_text::numerals::{is_kanji_numeral, parse_kanji_number};

/// `(abbreviation, expansion)`, matched after NFKC (so `㈱` and `（株）` both arrive as `(株)`).
const CORPORATE_ABBREVIATIONS: &[(&str, &str)] = &[
    ("(医社)", "医療法人社団"),
    ("(医財)", "医療法人財団"),
    ("(一社)", "一般社団法人"),
    ("(一財)", "一般財団法人"),
    ("(公社)", "公益社団法人"),
    ("(公財)", "公益財団法人"),
    ("(社福)", "社会福祉法人"),
    ("(特非)", "特定非営利活動法人"),
    ("(株)", "株式会社"),
    ("(有)", "有限会社"),
    ("(同)", "合同会社"),
    ("(医)", "医療法人"),
    ("(財)", "財団法人"),
    ("(社)", "社団法人"),
    ("(学)", "学校法人"),
];

/// Folds `text` for indexing and querying. See the module doc for the passes.
///
/// ```
/// use mieru::search::fold::fold;
/// assert_eq!(fold("ｻｸﾗ ｸﾘﾆｯｸ"), "サクラ クリニツク");
/// assert_eq!(fold("さくらクリニック"), "サクラクリニツク");
/// assert_eq!(fold("㈱櫻メディカル"), "株式会社桜メデイカル");
/// assert_eq!(fold("ＣＬＩＮＩＣ　銀座四丁目"), "clinic 銀座4丁目");
/// ```
pub fn fold(text: &str) -> String {
    // display_clean: NFKC with every whitespace run as one space, invisibles dropped.
    let expanded = expand_abbreviations(&mieru_text::display_clean(text));
    let mut out = String::with_capacity(expanded.len());
    for part in expanded
        .split(char::is_whitespace)
        .filter(|p| !p.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        let mut previous: Option<char> = None;
        for c in mieru_text::fold(part).chars() {
            if c == mieru_text::normalize::DASH && previous.is_some_and(is_katakana) {
                continue;
            }
            out.push(c);
            previous = Some(c);
        }
    }
    address_numerals(&out)
}

/// [`fold`], then only the letters, digits and CJK characters kept: the form compared for an
/// exact name match, where `表参道 セル・クリニック` must equal `表参道セルクリニック`.
pub fn compact(text: &str) -> String {
    fold(text).chars().filter(|c| is_word_char(*c)).collect()
}

/// [`compact`] of the name without its legal form (`mieru_text::name_key`): the form in which
/// `医療法人社団桜会`, `(医社)桜会` and `桜会` meet.
pub fn compact_without_corporate_form(text: &str) -> String {
    compact(&mieru_text::name_key(text))
}

/// Normalises an identifier (計画番号, 施設番号, 法人番号, jRCT ID, mieru ID): NFKC, lowercase,
/// and without the spaces and dashes people insert when copying them.
///
/// ```
/// use mieru::search::fold::identifier;
/// assert_eq!(identifier("ＰＢ３１５０００１"), "pb3150001");
/// assert_eq!(identifier("1234 5678-90123"), "1234567890123");
/// ```
pub fn identifier(text: &str) -> String {
    mieru_text::display_clean(text)
        .chars()
        .filter(|c| !c.is_whitespace() && !mieru_text::normalize::is_dash_like(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Letters, digits and CJK characters: what tokens are made of; everything else separates them.
pub fn is_word_char(c: char) -> bool {
    is_cjk(c) || c.is_alphanumeric()
}

/// Characters written without spaces between words, indexed as bigrams.
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3005}'..='\u{3007}'          // 々 〆 〇
        | '\u{3041}'..='\u{3096}'        // hiragana
        | '\u{309D}'..='\u{309F}'
        | '\u{30A1}'..='\u{30FA}'        // katakana, without ・ (30FB) and ー (30FC)
        | '\u{30FD}'..='\u{30FF}'
        | '\u{31F0}'..='\u{31FF}'        // katakana phonetic extensions
        | '\u{3400}'..='\u{4DBF}'        // CJK extension A
        | '\u{4E00}'..='\u{9FFF}'        // CJK unified ideographs
        | '\u{F900}'..='\u{FAFF}'        // CJK compatibility ideographs
        | '\u{AC00}'..='\u{D7AF}'        // Hangul syllables
        | '\u{20000}'..='\u{3134F}') // CJK extensions B–G
}

fn is_katakana(c: char) -> bool {
    matches!(c, '\u{30A1}'..='\u{30FA}' | '\u{30FD}'..='\u{30FF}' | '\u{31F0}'..='\u{31FF}')
}

fn expand_abbreviations(text: &str) -> String {
    // Cheap test first: nearly every string has no parenthesised abbreviation.
    if !text.contains('(') {
        return text.to_owned();
    }
    let mut s = text.to_owned();
    for (abbreviation, expansion) in CORPORATE_ABBREVIATIONS {
        if s.contains(abbreviation) {
            s = s.replace(abbreviation, expansion);
        }
    }
    s
}

/// `四丁目` → `4丁目`, `十二番` → `12番`: only before an address unit, so names such as
/// `一般社団法人` or `三田` keep their kanji.
fn address_numerals(text: &str) -> String {
    const UNITS: &[&str] = &["丁目", "番地", "番", "号", "条", "線"];
    if !text.chars().any(is_kanji_numeral) {
        return text.to_owned();
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if !is_kanji_numeral(c) {
            out.push(c);
            i += 1;
            continue;
        }
        let start = i;
        while chars.get(i).copied().is_some_and(is_kanji_numeral) {
            i += 1;
        }
        let run: String = chars.get(start..i).unwrap_or_default().iter().collect();
        let rest: String = chars.iter().skip(i).take(2).collect();
        let before_unit = UNITS.iter().any(|unit| rest.starts_with(unit));
        match parse_kanji_number(&run) {
            Some(n) if before_unit => out.push_str(&n.to_string()),
            _ => out.push_str(&run),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The examples of the doc comments (doc tests run only with the whole crate).
    #[test]
    fn doc_examples_hold() {
        assert_eq!(fold("ｻｸﾗ ｸﾘﾆｯｸ"), "サクラ クリニツク");
        assert_eq!(fold("さくらクリニック"), "サクラクリニツク");
        assert_eq!(fold("㈱櫻メディカル"), "株式会社桜メデイカル");
        assert_eq!(fold("ＣＬＩＮＩＣ　銀座四丁目"), "clinic 銀座4丁目");
        assert_eq!(identifier("ＰＢ３１５０００１"), "pb3150001");
        assert_eq!(identifier("1234 5678-90123"), "1234567890123");
    }

    #[test]
    fn kana_width_and_script_fold_together() {
        assert_eq!(fold("ｻｸﾗｸﾘﾆｯｸ"), fold("さくらクリニック"));
        assert_eq!(fold("ｾﾝﾀｰ"), fold("センタ"));
        assert_eq!(fold("セルセンター"), fold("セルセンタ―"));
        assert_eq!(fold("ガーデン"), "ガデン");
        assert_eq!(fold("ｶﾞｰﾃﾞﾝ"), "ガデン");
    }

    #[test]
    fn corporate_abbreviations_expand() {
        assert_eq!(fold("㈱ミライ"), "株式会社ミライ");
        assert_eq!(fold("（医社）桜会"), "医療法人社団桜会");
        assert_eq!(compact_without_corporate_form("医療法人社団 櫻會"), "桜会");
        assert_eq!(compact_without_corporate_form("(株)ミライ"), "ミライ");
        assert_eq!(compact_without_corporate_form("ミライ株式会社"), "ミライ");
    }

    #[test]
    fn address_numerals_only_before_units() {
        assert_eq!(fold("中央区銀座四丁目十二番三号"), "中央区銀座4丁目12番3号");
        assert_eq!(fold("一般社団法人三田"), "一般社団法人三田");
        assert_eq!(fold("二〇丁目"), "20丁目");
    }

    #[test]
    fn dash_is_kept_between_digits() {
        assert_eq!(fold("銀座4-5-6"), "銀座4-5-6");
        assert_eq!(fold("銀座４－５－６"), "銀座4-5-6");
    }

    #[test]
    fn identifiers_lose_width_case_and_separators() {
        assert_eq!(identifier("jRCTb030190134"), "jrctb030190134");
        assert_eq!(identifier(" ＦＡ３１５００９９ "), "fa3150099");
        assert_eq!(identifier("1234-5678-90123"), "1234567890123");
    }
}
