//! Identifiers: 法人番号 (with its check digit), e-再生医療 plan numbers, jRCT IDs,
//! CPC facility numbers and committee numbers.

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use crate::numerals::digit_runs;

/// The kinds of identifier a search query can be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentifierKind {
    /// 法人番号: 13 digits, valid check digit.
    CorporateNumber,
    /// e-再生医療 plan number: 2 digits, A–G, 7 digits (02C1910156).
    PlanNumber,
    /// jRCT ID: jRCT + one letter or digit + 9 digits (jRCTb030190134).
    JrctId,
    /// CPC facility number (施設番号): FA/FB/FC + 7 digits.
    FacilityNumber,
    /// Certified committee number: NA/NB + 7 digits.
    CommitteeNumber,
}

/// The check digit of a 12-digit 法人番号 base: weights 1 and 2 alternate from the
/// right (rightmost weight 1), check = 9 − (Σ mod 9). None unless exactly 12 ASCII digits.
pub fn corporate_check_digit(base12: &str) -> Option<u8> {
    if base12.len() != 12 || !base12.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let sum: u32 = base12
        .bytes()
        .rev()
        .enumerate()
        .map(|(pos, b)| {
            let digit = u32::from(b - b'0');
            if pos % 2 == 0 {
                digit
            } else {
                digit * 2
            }
        })
        .sum();
    u8::try_from(9 - sum % 9).ok()
}

/// True when `s` (after NFKC and trimming; full-width digits allowed) is 13 digits
/// whose first digit is the check digit of the other 12.
pub fn is_valid_corporate_number(s: &str) -> bool {
    let n: String = s.nfkc().collect::<String>().trim().to_string();
    if n.len() != 13 || !n.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let mut chars = n.chars();
    let check = chars.next().and_then(|c| c.to_digit(10));
    let base: String = chars.collect();
    match (check, corporate_check_digit(&base)) {
        (Some(c), Some(want)) => c == u32::from(want),
        _ => false,
    }
}

/// One identifier pattern: literal prefix (matched case-insensitively), the classes
/// of the following chars, and how to write the match canonically.
struct Pattern {
    kind: IdentifierKind,
    shape: &'static [Class],
}

#[derive(Clone, Copy)]
enum Class {
    Digit,
    /// One ASCII letter from the set (case-insensitive), written uppercase.
    Upper(&'static str),
    /// A literal (case-insensitive), written as given.
    Lit(char),
    /// A lowercase letter or a digit, written lowercase.
    LowerOrDigit,
}

use Class::{Digit as D, Lit, LowerOrDigit, Upper};

const PLAN: Pattern = Pattern {
    kind: IdentifierKind::PlanNumber,
    shape: &[D, D, Upper("ABCDEFG"), D, D, D, D, D, D, D],
};
const JRCT: Pattern = Pattern {
    kind: IdentifierKind::JrctId,
    shape: &[
        Lit('j'),
        Lit('R'),
        Lit('C'),
        Lit('T'),
        LowerOrDigit,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
    ],
};
const FACILITY: Pattern = Pattern {
    kind: IdentifierKind::FacilityNumber,
    shape: &[Lit('F'), Upper("ABC"), D, D, D, D, D, D, D],
};
const COMMITTEE: Pattern = Pattern {
    kind: IdentifierKind::CommitteeNumber,
    shape: &[Lit('N'), Upper("AB"), D, D, D, D, D, D, D],
};

/// Matches `p` at `cs[i..]`; returns the canonical text.
fn match_at(cs: &[char], i: usize, p: &Pattern) -> Option<String> {
    let mut out = String::with_capacity(p.shape.len());
    for (k, class) in p.shape.iter().enumerate() {
        let c = *cs.get(i + k)?;
        match class {
            Class::Digit if c.is_ascii_digit() => out.push(c),
            Class::Upper(set) if set.contains(c.to_ascii_uppercase()) => {
                out.push(c.to_ascii_uppercase())
            }
            Class::Lit(l) if c.eq_ignore_ascii_case(l) => out.push(*l),
            Class::LowerOrDigit if c.is_ascii_alphanumeric() => out.push(c.to_ascii_lowercase()),
            _ => return None,
        }
    }
    Some(out)
}

/// Scans `text` (after NFKC) for whole-word matches of the patterns: a match must not
/// touch another ASCII letter or digit on either side. Returns (char position, kind,
/// canonical text) in order of appearance.
fn scan(cs: &[char], patterns: &[&Pattern]) -> Vec<(usize, IdentifierKind, String)> {
    let mut found = Vec::new();
    let mut i = 0;
    while i < cs.len() {
        let starts_word = i == 0 || !cs.get(i - 1).is_some_and(|c| c.is_ascii_alphanumeric());
        let hit = starts_word
            .then(|| {
                patterns.iter().find_map(|p| {
                    let s = match_at(cs, i, p)?;
                    let end = i + p.shape.len();
                    let ends_word = !cs.get(end).is_some_and(|c| c.is_ascii_alphanumeric());
                    ends_word.then_some((p.kind, s, end))
                })
            })
            .flatten();
        match hit {
            Some((kind, s, end)) => {
                found.push((i, kind, s));
                i = end;
            }
            None => i += 1,
        }
    }
    found
}

/// Valid 法人番号 standing alone (13 digits not touching other letters or digits).
fn scan_corporate_numbers(cs: &[char]) -> Vec<(usize, IdentifierKind, String)> {
    let mut found = Vec::new();
    for (i, run) in digit_runs(cs) {
        let touches_word = (i > 0 && cs.get(i - 1).is_some_and(|c| c.is_ascii_alphabetic()))
            || cs.get(i + run).is_some_and(|c| c.is_ascii_alphabetic());
        if run == 13 && !touches_word {
            let s: String = cs.iter().skip(i).take(13).collect();
            if is_valid_corporate_number(&s) {
                found.push((i, IdentifierKind::CorporateNumber, s));
            }
        }
    }
    found
}

/// Drops positions and repeated identifiers, keeping the first occurrence.
fn dedup(found: Vec<(usize, IdentifierKind, String)>) -> Vec<(IdentifierKind, String)> {
    let mut out: Vec<(IdentifierKind, String)> = Vec::with_capacity(found.len());
    for (_, kind, s) in found {
        if !out.iter().any(|(_, f)| *f == s) {
            out.push((kind, s));
        }
    }
    out
}

fn find_with(text: &str, patterns: &[&Pattern]) -> Vec<String> {
    let cs: Vec<char> = text.nfkc().collect();
    dedup(scan(&cs, patterns))
        .into_iter()
        .map(|(_, s)| s)
        .collect()
}

/// e-再生医療 plan numbers (`\d{2}[A-G]\d{7}`, letter uppercased) and jRCT IDs
/// (`jRCT[a-z0-9]\d{9}`, written "jRCT…") in `text`, in order, without duplicates.
pub fn find_plan_numbers(text: &str) -> Vec<String> {
    find_with(text, &[&PLAN, &JRCT])
}

/// CPC facility numbers (`F[A-C]\d{7}`) in `text`, in order, without duplicates.
pub fn find_facility_numbers(text: &str) -> Vec<String> {
    find_with(text, &[&FACILITY])
}

/// Certified committee numbers (`N[A-B]\d{7}`) in `text`, in order, without duplicates.
pub fn find_committee_numbers(text: &str) -> Vec<String> {
    find_with(text, &[&COMMITTEE])
}

/// Every identifier of any kind in `text` (法人番号 only with a valid check digit), in
/// order of appearance, without duplicates.
pub fn find_identifiers(text: &str) -> Vec<(IdentifierKind, String)> {
    let cs: Vec<char> = text.nfkc().collect();
    let mut found = scan(&cs, &[&PLAN, &JRCT, &FACILITY, &COMMITTEE]);
    found.extend(scan_corporate_numbers(&cs));
    found.sort_by_key(|(pos, _, _)| *pos);
    dedup(found)
}

/// Canonical form of a whole query that is one identifier (NFKC, trimmed, inner
/// spaces and hyphens of a 法人番号 ignored): its kind and canonical text.
pub fn normalize_identifier(q: &str) -> Option<(IdentifierKind, String)> {
    let n: String = q.nfkc().collect::<String>().trim().to_string();
    let digits: String = n
        .chars()
        .filter(|c| !c.is_whitespace() && !crate::normalize::is_dash_like(*c))
        .collect();
    if is_valid_corporate_number(&digits) {
        return Some((IdentifierKind::CorporateNumber, digits));
    }
    let cs: Vec<char> = n.chars().collect();
    [&PLAN, &JRCT, &FACILITY, &COMMITTEE].iter().find_map(|p| {
        if p.shape.len() != cs.len() {
            return None;
        }
        match_at(&cs, 0, p).map(|s| (p.kind, s))
    })
}

/// The kind of identifier a whole query string is, if it is one.
pub fn classify_identifier(q: &str) -> Option<IdentifierKind> {
    normalize_identifier(q).map(|(kind, _)| kind)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::random_strings;

    #[test]
    fn corporate_numbers() {
        assert!(is_valid_corporate_number("7000012050002"));
        assert!(is_valid_corporate_number("７００００１２０５０００２"));
        assert!(is_valid_corporate_number(" 7000012050002 "));
        assert!(!is_valid_corporate_number("6000012050002"));
        assert!(!is_valid_corporate_number("700001205000"));
        assert!(!is_valid_corporate_number("70000120500021"));
        assert!(!is_valid_corporate_number("7000-01205-0002"));
        assert!(!is_valid_corporate_number(""));
        assert!(!is_valid_corporate_number("abcdefghijklm"));
        assert_eq!(corporate_check_digit("000012050002"), Some(7));
        assert_eq!(corporate_check_digit("00001205000"), None);
        assert_eq!(corporate_check_digit("00001205000x"), None);
        assert_eq!(corporate_check_digit("０００012050002"), None);
        // Σ mod 9 == 0 gives check digit 9.
        assert_eq!(corporate_check_digit("000000000000"), Some(9));
        for base in [
            "123456789012",
            "010401000001",
            "999999999999",
            "000000000009",
        ] {
            let c = corporate_check_digit(base).unwrap();
            assert!((1..=9).contains(&c));
            assert!(is_valid_corporate_number(&format!("{c}{base}")), "{base}");
        }
    }

    #[test]
    fn plan_numbers() {
        let text = "計画番号 02C1910156、０１Ａ２５０７００２ と jRCTb030190134 (jrctB030190134) \
                    及び 02C1910156 再掲。12H1234567 は範囲外、X02C1910156 と 02C19101567 も違う。";
        assert_eq!(
            find_plan_numbers(text),
            vec!["02C1910156", "01A2507002", "jRCTb030190134"]
        );
        assert_eq!(find_plan_numbers("jRCT2031190001"), vec!["jRCT2031190001"]);
        assert_eq!(find_plan_numbers("jRCTs03119000"), Vec::<String>::new());
        assert_eq!(find_plan_numbers("02g1910156"), vec!["02G1910156"]);
        assert!(find_plan_numbers("").is_empty());
    }

    #[test]
    fn facility_and_committee_numbers() {
        assert_eq!(
            find_facility_numbers("施設番号：FC5140001、ＦＡ３１５０００２、FD1234567、XFC5140001"),
            vec!["FC5140001", "FA3150002"]
        );
        assert_eq!(
            find_committee_numbers("認定番号 NA8150016 / NB3150009 / NC1234567 / NA81500161"),
            vec!["NA8150016", "NB3150009"]
        );
        assert!(find_facility_numbers("").is_empty());
        assert_eq!(find_facility_numbers("fc5140001"), vec!["FC5140001"]);
        assert_eq!(find_facility_numbers("（FC5140001）"), vec!["FC5140001"]);
        assert_eq!(find_facility_numbers("FC514000"), Vec::<String>::new());
        assert_eq!(
            find_facility_numbers("FC5140001FC5140002"),
            Vec::<String>::new()
        );
        assert_eq!(
            find_facility_numbers("FB1234567とFB1234567"),
            vec!["FB1234567"]
        );
        assert_eq!(
            find_committee_numbers("ＮＡ８１５００１６"),
            vec!["NA8150016"]
        );
        assert_eq!(
            find_committee_numbers("委員会NA8150016号"),
            vec!["NA8150016"]
        );
        assert!(find_committee_numbers("NA815001").is_empty());
    }

    #[test]
    fn classify_table() {
        let cases: &[(&str, Option<IdentifierKind>)] = &[
            ("7000012050002", Some(IdentifierKind::CorporateNumber)),
            ("7000-0120-50002", Some(IdentifierKind::CorporateNumber)),
            ("6000012050002", None),
            ("02C1910156", Some(IdentifierKind::PlanNumber)),
            (" ０２Ｃ１９１０１５６ ", Some(IdentifierKind::PlanNumber)),
            ("jRCTb030190134", Some(IdentifierKind::JrctId)),
            ("JRCTB030190134", Some(IdentifierKind::JrctId)),
            ("FC5140001", Some(IdentifierKind::FacilityNumber)),
            ("fc5140001", Some(IdentifierKind::FacilityNumber)),
            ("NA8150016", Some(IdentifierKind::CommitteeNumber)),
            ("02C1910156 再生", None),
            ("再生会", None),
            ("", None),
            ("02H1910156", None),
        ];
        for (q, want) in cases {
            assert_eq!(classify_identifier(q), *want, "{q:?}");
        }
        assert_eq!(
            normalize_identifier("jrctb030190134"),
            Some((IdentifierKind::JrctId, "jRCTb030190134".to_string()))
        );
    }

    #[test]
    fn find_identifiers_mixed() {
        let found =
            find_identifiers("法人番号7000012050002、計画02C1910156、施設FC5140001、1234567890123");
        assert_eq!(
            found,
            vec![
                (IdentifierKind::CorporateNumber, "7000012050002".to_string()),
                (IdentifierKind::PlanNumber, "02C1910156".to_string()),
                (IdentifierKind::FacilityNumber, "FC5140001".to_string()),
            ]
        );
    }

    #[test]
    fn never_panics() {
        let long = "02C1910156 ".repeat(1000);
        assert_eq!(find_plan_numbers(&long).len(), 1);
        for s in random_strings(0x1D5, 3000, 30) {
            let _ = find_plan_numbers(&s);
            let _ = find_identifiers(&s);
            let _ = classify_identifier(&s);
        }
    }
}
