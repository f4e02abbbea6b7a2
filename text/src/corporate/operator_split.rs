//! The split of "corporation + facility" strings that sources write as one
//! (医療法人社団○○会 ＸＸクリニック, ＸＸクリニック（医療法人社団○○会）, joined without a
//! separator …): where each part stands, and both parts cleaned.

use unicode_normalization::UnicodeNormalization;

use std::ops::Range;

use super::form::{find_prefix_form, match_suffix, split_corporate_form, SUFFIXES};
use crate::normalize::{display_clean, fold, is_invisible};

/// Facility words that are never a whole facility name (folded).
const GENERIC_FACILITY: &[&str] = &[
    "クリニツク",
    "clinic",
    "医院",
    "病院",
    "診療所",
    "歯科",
    "歯科医院",
    "内科",
    "皮膚科",
];

/// The other words that end or make up facility names. With [`GENERIC_FACILITY`], their
/// presence after a corporation's name is what makes a split without separator plausible.
const FACILITY_WORDS: &[&str] = &[
    "センタ",
    "center",
    "centre",
    "hospital",
    "外科",
    "眼科",
    "整形",
    "婦人科",
    "研究所",
    "ラボ",
    "lab",
    "オフイス",
    "ヘルスケア",
    "メデイカル",
    "medical",
    "ホスピタル",
    "治療院",
    "細胞",
];

fn looks_like_facility(s: &str) -> bool {
    let key = fold(s);
    GENERIC_FACILITY
        .iter()
        .chain(FACILITY_WORDS)
        .any(|w| key.contains(w))
}

/// A facility name of its own, not only a department of one (矯正歯科, 内科).
fn names_a_facility(s: &str) -> bool {
    let key = fold(s);
    looks_like_facility(&key) && !key.ends_with('科')
}

/// Chars that end the name of a corporation written without a separator before the
/// facility (再生会, 青葉団, 陽光社); 法人 is handled as a two-char ending.
fn is_name_end(chars: &[char], i: usize) -> Option<usize> {
    match chars.get(i)? {
        '会' | '団' | '社' => Some(i + 1),
        '法' if chars.get(i + 1) == Some(&'人') => Some(i + 2),
        _ => None,
    }
}

/// The longest corporation name (after its form) a joined split looks for.
const MAX_CORPORATE_NAME_CHARS: usize = 40;

/// Finds where a corporation's name ends inside `name` (the text after its form) when
/// the facility follows without a separator: the first 会/団/社/法人 with at least one
/// char before it and a facility-looking remainder of at least two chars.
fn joined_split(name: &[char], medical: bool) -> Option<usize> {
    // Corporation names are short; bounding the search keeps hostile input linear.
    (1..name.len().min(MAX_CORPORATE_NAME_CHARS)).find_map(|i| {
        let end = is_name_end(name, i)?;
        let rest: String = name.iter().skip(end).collect();
        let rest_len = rest.chars().filter(|c| !c.is_whitespace()).count();
        if rest_len < 2 {
            return None;
        }
        // A medical corporation's name ends with 会/団 by convention, so any two-char
        // remainder is a facility; other forms need a facility word.
        let plausible = looks_like_facility(&rest)
            || (medical && matches!(name.get(i), Some('会' | '団')) && !starts_like_name(&rest));
        plausible.then_some(end)
    })
}

/// Remainders that continue a name rather than start a facility (会館, 会長 …).
fn starts_like_name(rest: &str) -> bool {
    let first = rest.chars().next();
    matches!(
        first,
        Some('館' | '長' | '員' | '計' | '議' | '場' | '話' | '社' | '堂')
    )
}

/// Where a corporation and its facility stand in a string that names both: byte ranges
/// into that very string, so a caller can keep the spelling as the source wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatorSplit {
    /// The corporation, its form included ("医療法人社団 再生会", "サンプル株式会社").
    pub corporation: Range<usize>,
    /// The facility ("ＸＸクリニック 東京院"); separators at its ends left out.
    pub facility: Range<usize>,
    /// Whether the corporation was written in brackets after the facility (its inner
    /// spaces are then part of its name, not of its form).
    bracketed: bool,
}

/// Chars of `s` after per-char NFKC, controls and invisible chars dropped (whitespace
/// kept), each with the byte range of the original char it came from.
fn chars_with_spans(s: &str) -> (Vec<char>, Vec<Range<usize>>) {
    let mut chars = Vec::with_capacity(s.len());
    let mut spans = Vec::with_capacity(s.len());
    for (b, ch) in s.char_indices() {
        for n in std::iter::once(ch).nfkc() {
            if !n.is_whitespace() && (n.is_control() || is_invisible(n)) {
                continue;
            }
            chars.push(n);
            spans.push(b..b + ch.len_utf8());
        }
    }
    (chars, spans)
}

/// Quotes a release may wrap a name in, sometimes unmatched: 「医療法人○○会 ＸＸ CLINIC
fn is_quote(c: char) -> bool {
    matches!(c, '「' | '」' | '『' | '』' | '"' | '“' | '”')
}

fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '・' | '、' | ',' | '/' | ':')
}

/// `lo..hi` narrowed while `cut` holds for the chars at either end.
fn narrow(cs: &[char], mut lo: usize, mut hi: usize, cut: impl Fn(char) -> bool) -> (usize, usize) {
    while lo < hi && cs.get(lo).is_some_and(|c| cut(*c)) {
        lo += 1;
    }
    while hi > lo && cs.get(hi - 1).is_some_and(|c| cut(*c)) {
        hi -= 1;
    }
    (lo, hi)
}

/// The name between surrounding spaces and quotes, as a char range.
fn name_bounds(cs: &[char]) -> (usize, usize) {
    let (lo, hi) = narrow(cs, 0, cs.len(), char::is_whitespace);
    let (lo, hi) = narrow(cs, lo, hi, is_quote);
    narrow(cs, lo, hi, char::is_whitespace)
}

/// Byte range in the original string of the chars `lo..hi`.
fn byte_range(spans: &[Range<usize>], lo: usize, hi: usize) -> Range<usize> {
    match (spans.get(lo), hi.checked_sub(1).and_then(|h| spans.get(h))) {
        (Some(a), Some(b)) if lo < hi => a.start..b.end.max(a.start),
        (Some(a), _) => a.start..a.start,
        _ => 0..0,
    }
}

/// Char ranges (corporation, facility) of a split found in `body`, and whether the
/// corporation was bracketed.
type CharSplit = ((usize, usize), (usize, usize), bool);

/// Finds the corporation and the facility in a string that names both
/// ("医療法人社団○○会 ＸＸクリニック", "医療法人○○会\r\nＸＸ CLINIC",
/// "医療法人社団○○会ＸＸクリニック", "ＸＸクリニック（医療法人社団○○会）",
/// "サンプル株式会社 細胞加工センター"). None when no corporation with a following
/// facility name is found. `split_operator_and_facility` gives the same split cleaned.
pub fn locate_operator_and_facility(s: &str) -> Option<OperatorSplit> {
    let (cs, spans) = chars_with_spans(s);
    let (lo, hi) = name_bounds(&cs);
    let body = cs.get(lo..hi)?;
    let ((c0, c1), (f0, f1), bracketed) = split_leading_corporation(body)
        .or_else(|| split_trailing_corporation(body))
        .or_else(|| split_suffix_form_token(body))?;
    Some(OperatorSplit {
        corporation: byte_range(&spans, lo + c0, lo + c1),
        facility: byte_range(&spans, lo + f0, lo + f1),
        bracketed,
    })
}

/// Splits a string that names a corporation and its facility together
/// ("医療法人社団○○会 ＸＸクリニック", "医療法人○○会\r\nＸＸ CLINIC",
/// "医療法人社団○○会ＸＸクリニック", "ＸＸクリニック（医療法人社団○○会）").
/// Returns (Some(corporation), facility), both display-cleaned, the corporation with
/// its form as written but without inner spaces; or (None, whole string cleaned) when
/// no corporation with a following facility name is found.
pub fn split_operator_and_facility(s: &str) -> (Option<String>, String) {
    let part = |r: &Range<usize>| display_clean(s.get(r.clone()).unwrap_or(""));
    match locate_operator_and_facility(s) {
        Some(found) => {
            let corp = part(&found.corporation);
            let corp = if found.bracketed {
                corp
            } else {
                corp.chars().filter(|c| !c.is_whitespace()).collect()
            };
            (Some(corp), part(&found.facility))
        }
        None => {
            let (cs, spans) = chars_with_spans(s);
            let (lo, hi) = name_bounds(&cs);
            (None, part(&byte_range(&spans, lo, hi)))
        }
    }
}

/// "医療法人社団再生会 ＸＸクリニック" and the joined forms.
fn split_leading_corporation(body: &[char]) -> Option<CharSplit> {
    let (form, used) = find_prefix_form(body)?;
    let name = body.get(used..)?;
    let token_len = name.iter().take_while(|c| !c.is_whitespace()).count();
    let token = name.get(..token_len)?;
    let after_empty = name.iter().skip(token_len).all(|c| c.is_whitespace());
    let token_str: String = token.iter().collect();
    let facility_from = |start: usize| narrow(body, start, body.len(), is_separator);
    // The first token may itself hold corporation + facility ("再生会ＸＸクリニック 東京院"),
    // unless a facility of its own follows: then the token is the corporation's whole
    // name ("徳仁会ＸＸ研究所 ＸＸ CLINIC" is the clinic of the 徳仁会ＸＸ研究所).
    let after: String = name.iter().skip(token_len).collect();
    if (looks_like_facility(&token_str) && !names_a_facility(&after)) || after_empty {
        if let Some(end) = joined_split(token, form.is_medical()) {
            let head: String = token.iter().skip(end).collect();
            // "医療法人社団再生会クリニック": a bare generic word is no facility name;
            // the clinic carries the corporation's name.
            let generic = GENERIC_FACILITY.contains(&fold(&head).as_str());
            let start = if generic { used } else { used + end };
            return Some(((0, used + end), facility_from(start), false));
        }
    }
    if token.is_empty() || after_empty {
        return None;
    }
    Some((
        (0, used + token_len),
        facility_from(used + token_len),
        false,
    ))
}

/// "ＸＸクリニック（医療法人社団再生会）": facility first, its operator in brackets.
fn split_trailing_corporation(body: &[char]) -> Option<CharSplit> {
    let close = body.len().checked_sub(1)?;
    if body.get(close) != Some(&')') {
        return None;
    }
    // The bracket that this last one closes ("ＸＸクリニック（㈱サンプル）" nests one).
    let mut depth = 0usize;
    let open = (0..close).rev().find(|&i| {
        match body.get(i) {
            Some(')') => depth += 1,
            Some('(') if depth == 0 => return true,
            Some('(') => depth -= 1,
            _ => {}
        }
        false
    })?;
    let facility = narrow(body, 0, open, char::is_whitespace);
    let corp = narrow(body, open + 1, close, char::is_whitespace);
    let inner: String = body.get(corp.0..corp.1)?.iter().collect();
    let (form, _) = split_corporate_form(&inner);
    (form.is_some() && facility.0 < facility.1).then_some((corp, facility, true))
}

/// "サンプル株式会社 再生医療センター": a first token ending with a suffix form.
fn split_suffix_form_token(body: &[char]) -> Option<CharSplit> {
    let token_len = body.iter().take_while(|c| !c.is_whitespace()).count();
    let token = body.get(..token_len)?;
    let facility = narrow(body, token_len, body.len(), char::is_whitespace);
    if facility.0 >= facility.1 {
        return None;
    }
    let matched = SUFFIXES
        .iter()
        .any(|(pat, _)| match_suffix(token, pat).is_some_and(|start| start > 0));
    matched.then_some(((0, token_len), facility, false))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corporate::name_key;

    #[test]
    fn split_operator_and_facility_table() {
        let cases: &[(&str, Option<&str>, &str)] = &[
            (
                "医療法人社団再生会 ＸＸクリニック",
                Some("医療法人社団再生会"),
                "XXクリニック",
            ),
            (
                "医療法人社団再生会　ＸＸクリニック",
                Some("医療法人社団再生会"),
                "XXクリニック",
            ),
            (
                "医療法人再生会\r\nＸＸ ＣＬＩＮＩＣ",
                Some("医療法人再生会"),
                "XX CLINIC",
            ),
            (
                "医療法人社団再生会ＸＸクリニック",
                Some("医療法人社団再生会"),
                "XXクリニック",
            ),
            (
                "医療法人社団会田会さくら皮膚科",
                Some("医療法人社団会田会"),
                "さくら皮膚科",
            ),
            (
                "医療法人社団青空会青空医院",
                Some("医療法人社団青空会"),
                "青空医院",
            ),
            (
                "医療法人財団青葉団あおば病院",
                Some("医療法人財団青葉団"),
                "あおば病院",
            ),
            (
                "医療法人社団再生会ＸＸクリニック 東京院",
                Some("医療法人社団再生会"),
                "XXクリニック 東京院",
            ),
            (
                "(医)再生会 銀座再生クリニック",
                Some("(医)再生会"),
                "銀座再生クリニック",
            ),
            (
                "医療法人 社団 再生会 ＸＸクリニック",
                Some("医療法人社団再生会"),
                "XXクリニック",
            ),
            (
                "株式会社サンプルセル 細胞加工センター",
                Some("株式会社サンプルセル"),
                "細胞加工センター",
            ),
            (
                "サンプルセル株式会社 細胞加工センター",
                Some("サンプルセル株式会社"),
                "細胞加工センター",
            ),
            (
                "銀座再生クリニック（医療法人社団再生会）",
                Some("医療法人社団再生会"),
                "銀座再生クリニック",
            ),
            ("銀座再生クリニック", None, "銀座再生クリニック"),
            ("医療法人社団再生会", None, "医療法人社団再生会"),
            (
                "医療法人社団再生会会館クリニック",
                Some("医療法人社団再生会"),
                "会館クリニック",
            ),
            ("医療法人社団", None, "医療法人社団"),
            (
                "医療法人社団再生会クリニック",
                Some("医療法人社団再生会"),
                "再生会クリニック",
            ),
            ("医療法人青葉会病院", Some("医療法人青葉会"), "青葉会病院"),
            (
                "一般社団法人徳仁会ＸＸ免疫研究所 ＸＸ CLINIC",
                Some("一般社団法人徳仁会XX免疫研究所"),
                "XX CLINIC",
            ),
            (
                "医療法人再生会ＸＸクリニック　大阪院",
                Some("医療法人再生会"),
                "XXクリニック 大阪院",
            ),
            (
                "医療法人社団再生会駅前歯科 矯正歯科",
                Some("医療法人社団再生会"),
                "駅前歯科 矯正歯科",
            ),
            (
                "医療法人 社団 明徳会 架空記念病院",
                Some("医療法人社団明徳会"),
                "架空記念病院",
            ),
            (
                "独立行政法人架空機構\u{3000}架空病院",
                Some("独立行政法人架空機構"),
                "架空病院",
            ),
            (
                "医療法人社団さくら会\u{3000}さくら会クリニック",
                Some("医療法人社団さくら会"),
                "さくら会クリニック",
            ),
            ("", None, ""),
            ("   ", None, ""),
            (
                "「医療法人再生会 ＸＸ ＣＬＩＮＩＣ」",
                Some("医療法人再生会"),
                "XX CLINIC",
            ),
            (
                "「医療法人再生会 ＸＸ ＣＬＩＮＩＣ",
                Some("医療法人再生会"),
                "XX CLINIC",
            ),
            ("『銀座再生クリニック』", None, "銀座再生クリニック"),
            (
                "銀座再生クリニック（㈱サンプル）",
                Some("(株)サンプル"),
                "銀座再生クリニック",
            ),
        ];
        for (input, corp, fac) in cases {
            assert_eq!(
                split_operator_and_facility(input),
                (corp.map(str::to_string), fac.to_string()),
                "split_operator_and_facility({input:?})"
            );
        }
    }

    #[test]
    fn locate_keeps_the_source_spelling() {
        let cases: &[(&str, &str, &str)] = &[
            (
                "医療法人 玄海会　ＸＸクリニック",
                "医療法人 玄海会",
                "ＸＸクリニック",
            ),
            (
                "「医療法人社団再生会\r\nＸＸ ＣＬＩＮＩＣ」",
                "医療法人社団再生会",
                "ＸＸ ＣＬＩＮＩＣ",
            ),
            (
                "医療法人社団再生会ＸＸクリニック　東京院",
                "医療法人社団再生会",
                "ＸＸクリニック　東京院",
            ),
            (
                "医療法人社団再生会クリニック",
                "医療法人社団再生会",
                "再生会クリニック",
            ),
            (
                "銀座再生クリニック（医療法人社団 再生会）",
                "医療法人社団 再生会",
                "銀座再生クリニック",
            ),
            (
                "サンプル㈱　細胞加工センター",
                "サンプル㈱",
                "細胞加工センター",
            ),
        ];
        for (input, corp, fac) in cases {
            let found = locate_operator_and_facility(input).expect(input);
            assert_eq!(input.get(found.corporation), Some(*corp), "{input:?}");
            assert_eq!(input.get(found.facility), Some(*fac), "{input:?}");
        }
        assert_eq!(locate_operator_and_facility("医療法人社団再生会"), None);
        assert_eq!(locate_operator_and_facility("銀座再生クリニック"), None);
        assert_eq!(locate_operator_and_facility(""), None);
    }

    /// e-再生医療 rows spell one facility many ways; the facility part's key agrees.
    #[test]
    fn esaisei_spellings_agree() {
        let rows = [
            "医療法人社団再生会\r\nＸＸクリニック",
            "医療法人社団再生会　ＸＸクリニック",
            "医療法人社団再生会 XXクリニック",
            "医療法人社団再生会ＸＸクリニック",
            "医療法人社団 再生会 ｘｘ ｸﾘﾆｯｸ",
            "（医）再生会　ＸＸクリニック",
            "ＸＸクリニック",
            "XX クリニック",
            "ＸＸクリニック（医療法人社団再生会）",
        ];
        for row in rows {
            let (corp, facility) = split_operator_and_facility(row);
            assert_eq!(name_key(&facility), "xxクリニツク", "{row:?}");
            if let Some(corp) = corp {
                assert_eq!(name_key(&corp), "再生会", "{row:?}");
            }
        }
    }
}
