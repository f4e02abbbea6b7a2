//! Numbers written with ASCII digits or kanji numerals (二十九, 二〇二五, 千九百八十九).

/// Value of one kanji digit (including the legal forms 壱弐参).
pub fn kanji_digit(c: char) -> Option<u64> {
    Some(match c {
        '〇' | '零' => 0,
        '一' | '壱' => 1,
        '二' | '弐' => 2,
        '三' | '参' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

fn kanji_unit(c: char) -> Option<u64> {
    match c {
        '十' | '拾' => Some(10),
        '百' => Some(100),
        '千' => Some(1000),
        _ => None,
    }
}

/// True for any character that can be part of a kanji numeral.
pub fn is_kanji_numeral(c: char) -> bool {
    kanji_digit(c).is_some() || kanji_unit(c).is_some() || c == '万'
}

/// Parses a whole kanji numeral: positional (二〇二五 = 2025) or with units
/// (二十九 = 29, 千九百八十九 = 1989, 十 = 10, 三万五千 = 35000). None when malformed.
pub fn parse_kanji_number(s: &str) -> Option<u64> {
    let chars: Vec<char> = s.chars().collect();
    if chars.is_empty() || chars.len() > 20 {
        return None;
    }
    let has_unit = chars.iter().any(|&c| kanji_unit(c).is_some() || c == '万');
    if !has_unit {
        return chars.iter().try_fold(0u64, |acc, &c| {
            acc.checked_mul(10)?.checked_add(kanji_digit(c)?)
        });
    }
    let mut total: u64 = 0;
    let mut section: u64 = 0;
    let mut current: Option<u64> = None;
    // The last unit seen in this section: units must strictly decrease (千…百…十).
    let mut last_unit: u64 = u64::MAX;
    for &c in &chars {
        if let Some(d) = kanji_digit(c) {
            if current.is_some() {
                return None;
            }
            current = Some(d);
        } else if let Some(u) = kanji_unit(c) {
            if u >= last_unit {
                return None;
            }
            last_unit = u;
            section = section.checked_add(current.unwrap_or(1).checked_mul(u)?)?;
            current = None;
        } else if c == '万' {
            let sec = section.checked_add(current.unwrap_or(0))?;
            if sec == 0 || total != 0 {
                return None;
            }
            total = sec.checked_mul(10_000)?;
            section = 0;
            current = None;
            last_unit = u64::MAX;
        } else {
            return None;
        }
    }
    total
        .checked_add(section)?
        .checked_add(current.unwrap_or(0))
}

/// How many ASCII digits stand at `chars[i..]` before anything else.
fn digit_run_at(chars: &[char], i: usize) -> usize {
    chars
        .iter()
        .skip(i)
        .take_while(|c| c.is_ascii_digit())
        .count()
}

/// The maximal runs of ASCII digits in `chars`, as (start, length), left to right.
pub(crate) fn digit_runs(chars: &[char]) -> Vec<(usize, usize)> {
    let mut runs = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match digit_run_at(chars, i) {
            0 => i += 1,
            run => {
                runs.push((i, run));
                i += run;
            }
        }
    }
    runs
}

/// Reads a number starting at `chars[i]`: a run of ASCII digits (at most 18) or a run
/// of kanji numerals. Returns the value and the number of chars consumed.
pub(crate) fn scan_number(chars: &[char], i: usize) -> Option<(u64, usize)> {
    let first = *chars.get(i)?;
    if first.is_ascii_digit() {
        let len = digit_run_at(chars, i);
        if len > 18 {
            return None;
        }
        let value = chars
            .iter()
            .skip(i)
            .take(len)
            .try_fold(0u64, |acc, c| Some(acc * 10 + u64::from(c.to_digit(10)?)))?;
        return Some((value, len));
    }
    if is_kanji_numeral(first) && first != '万' {
        let run: String = chars
            .iter()
            .skip(i)
            .take_while(|&&c| is_kanji_numeral(c))
            .collect();
        let len = run.chars().count();
        return parse_kanji_number(&run).map(|v| (v, len));
    }
    None
}

/// Replaces every kanji numeral run for which `accept(text after the run)` holds
/// with its ASCII digits; other runs (place names such as 三番町) are left alone.
/// Words listed in `protect` (place names such as 麻布十番) are copied unchanged.
pub fn kanji_numbers_before(s: &str, accept: impl Fn(&str) -> bool, protect: &[&str]) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars.get(i).copied().unwrap_or(' ');
        let protected = protect.iter().find(|w| {
            w.chars()
                .enumerate()
                .all(|(o, wc)| chars.get(i + o) == Some(&wc))
        });
        if let Some(word) = protected {
            out.push_str(word);
            i += word.chars().count();
        } else if is_kanji_numeral(c) && c != '万' {
            let len = chars
                .iter()
                .skip(i)
                .take_while(|&&c| is_kanji_numeral(c))
                .count();
            let run: String = chars.iter().skip(i).take(len).collect();
            let after: String = chars.iter().skip(i + len).take(6).collect();
            let followed = accept(&after);
            match (followed, parse_kanji_number(&run)) {
                (true, Some(v)) => out.push_str(&v.to_string()),
                _ => out.push_str(&run),
            }
            i += len;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_kanji_number_table() {
        let cases: &[(&str, Option<u64>)] = &[
            ("一", Some(1)),
            ("十", Some(10)),
            ("十二", Some(12)),
            ("二十", Some(20)),
            ("二十九", Some(29)),
            ("三十一", Some(31)),
            ("百", Some(100)),
            ("百七", Some(107)),
            ("千九百八十九", Some(1989)),
            ("二〇二五", Some(2025)),
            ("二千二十五", Some(2025)),
            ("三万五千", Some(35000)),
            ("弐拾", Some(20)),
            ("", None),
            ("十十", None),
            ("二三十", None),
            ("十百", None),
            ("万", None),
            ("a", None),
        ];
        for (s, want) in cases {
            assert_eq!(parse_kanji_number(s), *want, "{s:?}");
        }
    }

    #[test]
    fn scan_number_table() {
        let c: Vec<char> = "第22条".chars().collect();
        assert_eq!(scan_number(&c, 1), Some((22, 2)));
        let c: Vec<char> = "第二十二条".chars().collect();
        assert_eq!(scan_number(&c, 1), Some((22, 3)));
        assert_eq!(scan_number(&c, 0), None);
        assert_eq!(scan_number(&c, 99), None);
        let c: Vec<char> = "9".repeat(40).chars().collect();
        assert_eq!(scan_number(&c, 0), None);
    }

    #[test]
    fn kanji_numbers_before_units() {
        let units = |after: &str| {
            ["丁目", "番地", "番", "号"]
                .iter()
                .any(|u| after.starts_with(u))
                && !after.starts_with("番町")
        };
        assert_eq!(
            kanji_numbers_before("西新宿三丁目十二番五号", units, &[]),
            "西新宿3丁目12番5号"
        );
        assert_eq!(kanji_numbers_before("三番町一番", units, &[]), "三番町1番");
        assert_eq!(kanji_numbers_before("", units, &[]), "");
        assert_eq!(
            kanji_numbers_before("麻布十番一丁目", units, &["麻布十番"]),
            "麻布十番1丁目"
        );
    }
}
