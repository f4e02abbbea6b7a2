//! Japanese phone numbers.

use unicode_normalization::UnicodeNormalization;

use crate::normalize::is_dash_like;

/// The digits of a Japanese phone number ("0312345678"), from 03-1234-5678,
/// ０３（１２３４）５６７８, "TEL: 03 1234 5678", +81-3-1234-5678 or +81 (0)3-1234-5678.
/// Reads the first number in the string (labels before it are ignored, text after it
/// ends it). None unless the result is 10–11 digits starting with 0.
pub fn normalize_phone(s: &str) -> Option<String> {
    let cs: Vec<char> = s.nfkc().collect();
    let start = cs.iter().position(|c| c.is_ascii_digit() || *c == '+')?;
    let international = cs.get(start) == Some(&'+');
    let mut digits = String::new();
    for &c in cs
        .iter()
        .skip(if international { start + 1 } else { start })
    {
        if c.is_ascii_digit() {
            digits.push(c);
        } else if c.is_whitespace() || is_dash_like(c) || matches!(c, '(' | ')' | '.') {
            continue;
        } else {
            break;
        }
        if digits.len() > 13 {
            return None;
        }
    }
    if international {
        // Only Japan's country code; "(0)" after it is the trunk prefix written out.
        let national = digits.strip_prefix("81")?;
        digits = if national.starts_with('0') {
            national.to_string()
        } else {
            format!("0{national}")
        };
    }
    let ok = (10..=11).contains(&digits.len()) && digits.starts_with('0');
    ok.then_some(digits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::random_strings;

    #[test]
    fn normalize_phone_table() {
        let cases: &[(&str, Option<&str>)] = &[
            ("03-1234-5678", Some("0312345678")),
            ("０３（１２３４）５６７８", Some("0312345678")),
            ("03(1234)5678", Some("0312345678")),
            ("03 1234 5678", Some("0312345678")),
            ("0312345678", Some("0312345678")),
            ("090-1234-5678", Some("09012345678")),
            ("0120-123-456", Some("0120123456")),
            ("+81-3-1234-5678", Some("0312345678")),
            ("+81 (0)3-1234-5678", Some("0312345678")),
            ("+81 90 1234 5678", Some("09012345678")),
            ("TEL：03-1234-5678（代表）", Some("0312345678")),
            ("電話 092‐123‐4567 FAX 092-123-4568", Some("0921234567")),
            ("03－1234－5678", Some("0312345678")),
            ("03.1234.5678", Some("0312345678")),
            ("1234-5678", None),
            ("03-1234-56789-0", None),
            ("+1-212-555-0100", None),
            ("3-1234-5678", None),
            ("", None),
            ("電話なし", None),
            ("+", None),
        ];
        for (input, want) in cases {
            assert_eq!(normalize_phone(input).as_deref(), *want, "{input:?}");
        }
    }

    #[test]
    fn never_panics() {
        let long = "0".repeat(10_000);
        assert_eq!(normalize_phone(&long), None);
        for s in random_strings(0x7E1, 3000, 20) {
            if let Some(p) = normalize_phone(&s) {
                assert!(p.bytes().all(|b| b.is_ascii_digit()));
            }
        }
    }
}
