//! Japanese dates: Western (2025年3月5日, 2025/3/5, 2025-03-05, 2025.3.5) and era
//! forms (令和7年3月5日, 令和元年, 平成二十九年, R7.3.5, H29.2.20), in any width.

use std::ops::Range;

use chrono::{Datelike, NaiveDate};
use unicode_normalization::UnicodeNormalization;

use crate::numerals::{digit_runs, is_kanji_numeral, scan_number};

struct Era {
    name: &'static str,
    letter: char,
    /// Gregorian year of the era's first year (元年).
    first_year: i32,
    start: (i32, u32, u32),
}

/// An era beginning on `start`; its first year (元年) is the Gregorian year it began in.
const fn era(name: &'static str, letter: char, start: (i32, u32, u32)) -> Era {
    Era {
        name,
        letter,
        first_year: start.0,
        start,
    }
}

const ERAS: [Era; 5] = [
    era("明治", 'M', (1868, 10, 23)),
    era("大正", 'T', (1912, 7, 30)),
    era("昭和", 'S', (1926, 12, 25)),
    era("平成", 'H', (1989, 1, 8)),
    era("令和", 'R', (2019, 5, 1)),
];

fn era_start(e: &Era) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(e.start.0, e.start.1, e.start.2)
}

/// The date for day `d` of month `m` of year `n` of era `idx`, if it lies inside the
/// era (平成31年5月1日 and 令和1年4月30日 do not).
fn era_date(idx: usize, n: u64, m: u64, d: u64) -> Option<NaiveDate> {
    let era = ERAS.get(idx)?;
    if n == 0 || n > 200 {
        return None;
    }
    let year = era.first_year + i32::try_from(n).ok()? - 1;
    let date = ymd(u64::try_from(year).ok()?, m, d)?;
    if date < era_start(era)? {
        return None;
    }
    if let Some(next) = ERAS.get(idx + 1) {
        if date >= era_start(next)? {
            return None;
        }
    }
    Some(date)
}

fn ymd(y: u64, m: u64, d: u64) -> Option<NaiveDate> {
    if !(1800..=2200).contains(&y) {
        return None;
    }
    NaiveDate::from_ymd_opt(
        i32::try_from(y).ok()?,
        u32::try_from(m).ok()?,
        u32::try_from(d).ok()?,
    )
}

/// Input characters after per-character NFKC, each with the byte range of the
/// original character it came from (so matches map back to the caller's string).
fn normalize_with_offsets(s: &str) -> (Vec<char>, Vec<Range<usize>>) {
    let mut chars = Vec::with_capacity(s.len());
    let mut spans = Vec::with_capacity(s.len());
    for (b, ch) in s.char_indices() {
        let span = b..b + ch.len_utf8();
        for n in std::iter::once(ch).nfkc() {
            chars.push(n);
            spans.push(span.clone());
        }
    }
    (chars, spans)
}

fn skip_ws(cs: &[char], mut k: usize) -> usize {
    while cs.get(k).is_some_and(|c| c.is_whitespace()) {
        k += 1;
    }
    k
}

fn expect(cs: &[char], k: usize, c: char) -> Option<usize> {
    (cs.get(k) == Some(&c)).then_some(k + 1)
}

/// A number at `k` (digits or kanji numerals): (value, next index, is ASCII, length).
fn number(cs: &[char], k: usize) -> Option<(u64, usize, bool, usize)> {
    let (v, len) = scan_number(cs, k)?;
    Some((
        v,
        k + len,
        cs.get(k).is_some_and(|c| c.is_ascii_digit()),
        len,
    ))
}

/// "M月D日" (spaces allowed) starting at `k`: (month, day, next index).
fn month_day_kanji(cs: &[char], k: usize) -> Option<(u64, u64, usize)> {
    let k = skip_ws(cs, k);
    let (m, k, _, _) = number(cs, k)?;
    let k = expect(cs, skip_ws(cs, k), '月')?;
    let k = skip_ws(cs, k);
    let (d, k, _, _) = number(cs, k)?;
    let k = expect(cs, skip_ws(cs, k), '日')?;
    Some((m, d, k))
}

/// ".M.D" with one separator used twice, ASCII digits of one or two places.
fn month_day_sep(cs: &[char], k: usize) -> Option<(u64, u64, usize)> {
    let sep = *cs.get(k)?;
    if !matches!(sep, '.' | '/' | '-') {
        return None;
    }
    let (m, k, ascii_m, len_m) = number(cs, k + 1)?;
    let k = expect(cs, k, sep)?;
    let (d, k, ascii_d, len_d) = number(cs, k)?;
    (ascii_m && ascii_d && len_m <= 2 && len_d <= 2).then_some((m, d, k))
}

/// "(2025)" at `k`: the year and the index after ")".
fn western_in_brackets(cs: &[char], k: usize) -> Option<(i64, usize)> {
    let k = expect(cs, k, '(')?;
    let (y, k, ascii, len) = number(cs, skip_ws(cs, k))?;
    let k = expect(cs, skip_ws(cs, k), ')')?;
    (ascii && len == 4).then_some((i64::try_from(y).ok()?, k))
}

/// "(令和7)" or "(R7)" at `k`: the Gregorian year it names and the index after ")".
fn era_in_brackets(cs: &[char], k: usize) -> Option<(i64, usize)> {
    let k = skip_ws(cs, expect(cs, k, '(')?);
    let (era, k) = ERAS.iter().find_map(|e| {
        let mut name = e.name.chars();
        let (a, b) = (name.next()?, name.next()?);
        if cs.get(k) == Some(&a) && cs.get(k + 1) == Some(&b) {
            Some((e, k + 2))
        } else if cs.get(k) == Some(&e.letter) {
            Some((e, k + 1))
        } else {
            None
        }
    })?;
    let k = skip_ws(cs, k);
    let (n, k) = if cs.get(k) == Some(&'元') {
        (1, k + 1)
    } else {
        let (n, k, _, _) = number(cs, k)?;
        (n, k)
    };
    let k = expect(cs, skip_ws(cs, k), ')')?;
    Some((i64::from(era.first_year) + i64::try_from(n).ok()? - 1, k))
}

/// One date starting exactly at `i`: the date and the index after it.
fn parse_at(cs: &[char], i: usize) -> Option<(NaiveDate, usize)> {
    let first = *cs.get(i)?;
    // 令和7年3月5日, 令和元年5月1日, 平成二十九年二月二十日
    for (idx, era) in ERAS.iter().enumerate() {
        let mut name = era.name.chars();
        let (Some(a), Some(b)) = (name.next(), name.next()) else {
            continue;
        };
        if first != a || cs.get(i + 1) != Some(&b) {
            continue;
        }
        let k = skip_ws(cs, i + 2);
        let (n, k) = if cs.get(k) == Some(&'元') {
            (1, k + 1)
        } else {
            let (n, k, _, _) = number(cs, k)?;
            (n, k)
        };
        // 令和7(2025)年: the Western year in brackets must agree.
        let k = skip_ws(cs, k);
        let k = match western_in_brackets(cs, k) {
            Some((y, next)) if i64::from(era.first_year) + i64::try_from(n).ok()? - 1 == y => next,
            Some(_) => return None,
            None => k,
        };
        let k = expect(cs, skip_ws(cs, k), '年')?;
        let (m, d, k) = month_day_kanji(cs, k)?;
        return era_date(idx, n, m, d).map(|date| (date, k));
    }
    // R7.3.5, R07.03.05, H29.2.20, R7年3月5日
    if let Some(idx) = ERAS.iter().position(|e| e.letter == first) {
        let (n, k, ascii, len) = number(cs, i + 1)?;
        if !ascii || len > 2 {
            return None;
        }
        let (m, d, k) = if cs.get(k) == Some(&'年') {
            month_day_kanji(cs, k + 1)?
        } else {
            month_day_sep(cs, k)?
        };
        return era_date(idx, n, m, d).map(|date| (date, k));
    }
    // 2025年3月5日, 二〇二五年三月五日, 2025/3/5, 2025-03-05, 2025.3.5
    let (y, k, ascii, len) = number(cs, i)?;
    if ascii && len != 4 {
        return None;
    }
    let mut after_year = skip_ws(cs, k);
    // 2025(令和7)年: the era year in brackets must agree.
    if let Some((era_year, next)) = era_in_brackets(cs, after_year) {
        if u64::try_from(era_year).ok() != Some(y) {
            return None;
        }
        after_year = skip_ws(cs, next);
    }
    if cs.get(after_year) == Some(&'年') {
        let (m, d, k) = month_day_kanji(cs, after_year + 1)?;
        return ymd(y, m, d).map(|date| (date, k));
    }
    if !ascii {
        return None;
    }
    let (m, d, k) = month_day_sep(cs, k)?;
    ymd(y, m, d).map(|date| (date, k))
}

/// True when a date may start at `i`: not inside a number or a word.
fn boundary_ok(cs: &[char], i: usize) -> bool {
    let Some(prev) = i.checked_sub(1).and_then(|p| cs.get(p)) else {
        return true;
    };
    let cur = cs.get(i).copied().unwrap_or(' ');
    if prev.is_ascii_alphanumeric() {
        return false;
    }
    // 二〇二五年 must not start in the middle of a kanji numeral run.
    !(is_kanji_numeral(cur) && is_kanji_numeral(*prev))
}

/// Parses one date written alone (surrounding spaces, a weekday such as "(水)" and
/// 付/付け after it are allowed). None for anything else, including impossible dates.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let (cs, _) = normalize_with_offsets(s);
    let start = skip_ws(&cs, 0);
    let (date, mut k) = parse_at(&cs, start)?;
    k = skip_ws(&cs, k);
    if cs.get(k) == Some(&'(') {
        let weekday = cs.get(k + 1).is_some_and(|c| "月火水木金土日".contains(*c));
        if !weekday {
            return None;
        }
        k += 2;
        if cs.get(k) == Some(&'曜') {
            k += 1;
            if cs.get(k) == Some(&'日') {
                k += 1;
            }
        }
        k = expect(&cs, k, ')')?;
    }
    if cs.get(k) == Some(&'付') {
        k += 1;
        if cs.get(k) == Some(&'け') {
            k += 1;
        }
    }
    (skip_ws(&cs, k) == cs.len()).then_some(date)
}

/// Every date in a longer text, in order, with the byte range it occupies in `text`
/// (always on char boundaries).
pub fn find_dates(text: &str) -> Vec<(NaiveDate, Range<usize>)> {
    let (cs, spans) = normalize_with_offsets(text);
    let mut found = Vec::new();
    let mut i = 0;
    while i < cs.len() {
        if boundary_ok(&cs, i) {
            if let Some((date, end)) = parse_at(&cs, i) {
                let range = spans
                    .get(i)
                    .zip(end.checked_sub(1).and_then(|e| spans.get(e)));
                if let Some((a, b)) = range {
                    found.push((date, a.start..b.end));
                }
                i = end.max(i + 1);
                continue;
            }
        }
        i += 1;
    }
    found
}

/// Dates written as eight digits (20220916), as attachment file names embed them:
/// only runs of exactly eight digits not touching other digits, for a valid date in
/// 1900–2199. Byte ranges as in `find_dates`.
pub fn find_compact_dates(text: &str) -> Vec<(NaiveDate, Range<usize>)> {
    let (cs, spans) = normalize_with_offsets(text);
    let mut found = Vec::new();
    for (i, run) in digit_runs(&cs) {
        if run != 8 {
            continue;
        }
        let digits: String = cs.iter().skip(i).take(8).collect();
        let part = |from: usize, len: usize| -> Option<u64> {
            digits
                .chars()
                .skip(from)
                .take(len)
                .collect::<String>()
                .parse()
                .ok()
        };
        let date = match (part(0, 4), part(4, 2), part(6, 2)) {
            (Some(y), Some(m), Some(d)) if (1900..=2199).contains(&y) => ymd(y, m, d),
            _ => None,
        };
        if let (Some(date), Some(a), Some(b)) = (date, spans.get(i), spans.get(i + 7)) {
            found.push((date, a.start..b.end));
        }
    }
    found
}

/// The date in era form for display: 令和7年3月5日, 令和元年5月1日. Dates before 明治
/// are written in the Western form (1850年1月1日).
pub fn era_form(d: NaiveDate) -> String {
    let era = ERAS
        .iter()
        .rev()
        .find(|e| era_start(e).is_some_and(|s| d >= s));
    match era {
        Some(e) => {
            let n = d.year() - e.first_year + 1;
            let year = if n == 1 {
                "元".to_string()
            } else {
                n.to_string()
            };
            format!("{}{}年{}月{}日", e.name, year, d.month(), d.day())
        }
        None => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::random_strings;

    fn d(y: i32, m: u32, dd: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, dd)
    }

    #[test]
    fn parse_date_table() {
        let cases: &[(&str, Option<NaiveDate>)] = &[
            ("2025年3月5日", d(2025, 3, 5)),
            ("2025/3/5", d(2025, 3, 5)),
            ("2025-03-05", d(2025, 3, 5)),
            ("2025.3.5", d(2025, 3, 5)),
            ("令和7年3月5日", d(2025, 3, 5)),
            ("令和元年5月1日", d(2019, 5, 1)),
            ("令和6年 10 月 24 日", d(2024, 10, 24)),
            ("令和６年１０月２４日", d(2024, 10, 24)),
            ("２０２５年３月５日", d(2025, 3, 5)),
            ("令和七年三月五日", d(2025, 3, 5)),
            ("平成二十九年二月二十日", d(2017, 2, 20)),
            ("二〇二五年三月五日", d(2025, 3, 5)),
            ("R7.3.5", d(2025, 3, 5)),
            ("R07.03.05", d(2025, 3, 5)),
            ("H29.2.20", d(2017, 2, 20)),
            ("平成29年2月20日", d(2017, 2, 20)),
            ("平成元年1月8日", d(1989, 1, 8)),
            ("昭和64年1月7日", d(1989, 1, 7)),
            ("昭和51年4月1日", d(1976, 4, 1)),
            ("大正15年12月24日", d(1926, 12, 24)),
            ("明治45年7月29日", d(1912, 7, 29)),
            ("㍻29年2月20日", d(2017, 2, 20)),
            ("  2025年3月5日(水)  ", d(2025, 3, 5)),
            ("令和7年3月5日付け", d(2025, 3, 5)),
            ("R7年3月5日", d(2025, 3, 5)),
            // impossible
            ("平成31年5月1日", None),
            ("令和1年4月30日", None),
            ("昭和64年1月8日", None),
            ("2025年2月30日", None),
            ("2025/13/1", None),
            ("2025/3-5", None),
            ("25/3/5", None),
            ("令和0年1月1日", None),
            ("2025年3月", None),
            ("令和7年3月5日 と 6日", None),
            ("", None),
            ("   ", None),
            ("\u{0}", None),
            ("R7.3.5.", None),
            ("令和7(2025)年3月5日", d(2025, 3, 5)),
            ("令和７（２０２５）年３月５日", d(2025, 3, 5)),
            ("2025(令和7)年3月5日", d(2025, 3, 5)),
            ("2019(令和元)年5月1日", d(2019, 5, 1)),
            ("2025(R7)年3月5日", d(2025, 3, 5)),
            ("令和7(2024)年3月5日", None),
            ("2024(令和7)年3月5日", None),
        ];
        for (input, want) in cases {
            assert_eq!(parse_date(input), *want, "parse_date({input:?})");
        }
    }

    #[test]
    fn find_dates_in_text() {
        let text = "令和6年 10 月 24 日、法第22条に基づき命令。前回は2017/06/28、H29.2.20の件。";
        let found = find_dates(text);
        let dates: Vec<_> = found.iter().map(|(d, _)| *d).collect();
        assert_eq!(
            dates,
            vec![
                NaiveDate::from_ymd_opt(2024, 10, 24).unwrap(),
                NaiveDate::from_ymd_opt(2017, 6, 28).unwrap(),
                NaiveDate::from_ymd_opt(2017, 2, 20).unwrap(),
            ]
        );
        assert_eq!(text.get(found[0].1.clone()), Some("令和6年 10 月 24 日"));
        assert_eq!(text.get(found[1].1.clone()), Some("2017/06/28"));
        assert_eq!(text.get(found[2].1.clone()), Some("H29.2.20"));

        let text = "平成２９年２月２０日（月）";
        let found = find_dates(text);
        assert_eq!(found.len(), 1);
        assert_eq!(text.get(found[0].1.clone()), Some("平成２９年２月２０日"));

        // not dates: identifiers, versions, partial dates, impossible dates
        assert!(find_dates("jRCTb030190134 NA8150016 FC5140001").is_empty());
        assert!(find_dates("v1.2.3 と 12025/3/5 と 2025年3月").is_empty());
        assert!(find_dates("平成31年5月1日").is_empty());
        assert!(find_dates("XR7.3.5").is_empty());
        assert!(find_dates("").is_empty());
    }

    #[test]
    fn compact_dates() {
        let name = "委員会意見書_20220916_jRCTb030190134.pdf";
        let found = find_compact_dates(name);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, NaiveDate::from_ymd_opt(2022, 9, 16).unwrap());
        assert_eq!(name.get(found[0].1.clone()), Some("20220916"));
        assert_eq!(find_compact_dates("２０２２０９１６").len(), 1);
        assert!(find_compact_dates("20221316").is_empty());
        assert!(find_compact_dates("202209161").is_empty());
        assert!(find_compact_dates("7000012050002").is_empty());
        assert!(find_compact_dates("18000101").is_empty());
        assert!(find_compact_dates("").is_empty());
        assert_eq!(find_compact_dates("20220916-20230101").len(), 2);
    }

    #[test]
    fn era_form_table() {
        let cases = [
            (d(2025, 3, 5), "令和7年3月5日"),
            (d(2019, 5, 1), "令和元年5月1日"),
            (d(2019, 4, 30), "平成31年4月30日"),
            (d(1989, 1, 8), "平成元年1月8日"),
            (d(1989, 1, 7), "昭和64年1月7日"),
            (d(1926, 12, 25), "昭和元年12月25日"),
            (d(1912, 7, 30), "大正元年7月30日"),
            (d(1868, 10, 23), "明治元年10月23日"),
            (d(1850, 1, 1), "1850年1月1日"),
        ];
        for (date, want) in cases {
            let date = date.unwrap();
            assert_eq!(era_form(date), want);
            if date.year() >= 1868 && date >= d(1868, 10, 23).unwrap() {
                assert_eq!(parse_date(want), Some(date), "round trip {want}");
            }
        }
    }

    #[test]
    fn never_panics() {
        let long = "令和7年3月5日".repeat(1000);
        assert_eq!(find_dates(&long).len(), 1000);
        let noise = "9".repeat(10_000);
        assert!(find_dates(&noise).is_empty());
        for s in random_strings(0xDA7E, 4000, 24) {
            let _ = parse_date(&s);
            for (_, r) in find_dates(&s) {
                assert!(s.get(r).is_some());
            }
        }
    }
}
