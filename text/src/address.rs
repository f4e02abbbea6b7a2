//! Japanese addresses: prefectures, the comparison key, and a best-effort parse into
//! prefecture / city / town / block number / building.

use unicode_normalization::UnicodeNormalization;

use crate::normalize::{display_clean, fold, is_dash_like};
use crate::numerals::kanji_numbers_before;

/// The 47 prefectures in JIS X 0401 order (index + 1 = prefecture code).
pub const PREFECTURES: [&str; 47] = [
    "北海道",
    "青森県",
    "岩手県",
    "宮城県",
    "秋田県",
    "山形県",
    "福島県",
    "茨城県",
    "栃木県",
    "群馬県",
    "埼玉県",
    "千葉県",
    "東京都",
    "神奈川県",
    "新潟県",
    "富山県",
    "石川県",
    "福井県",
    "山梨県",
    "長野県",
    "岐阜県",
    "静岡県",
    "愛知県",
    "三重県",
    "滋賀県",
    "京都府",
    "大阪府",
    "兵庫県",
    "奈良県",
    "和歌山県",
    "鳥取県",
    "島根県",
    "岡山県",
    "広島県",
    "山口県",
    "徳島県",
    "香川県",
    "愛媛県",
    "高知県",
    "福岡県",
    "佐賀県",
    "長崎県",
    "熊本県",
    "大分県",
    "宮崎県",
    "鹿児島県",
    "沖縄県",
];

/// Designated cities (政令指定都市): their wards belong to the city part, and the city
/// alone tells the prefecture when an address omits it.
const DESIGNATED_CITIES: &[(&str, usize)] = &[
    ("札幌市", 0),
    ("仙台市", 3),
    ("さいたま市", 10),
    ("千葉市", 11),
    ("横浜市", 13),
    ("川崎市", 13),
    ("相模原市", 13),
    ("新潟市", 14),
    ("静岡市", 21),
    ("浜松市", 21),
    ("名古屋市", 22),
    ("京都市", 25),
    ("大阪市", 26),
    ("堺市", 26),
    ("神戸市", 27),
    ("岡山市", 32),
    ("広島市", 33),
    ("北九州市", 39),
    ("福岡市", 39),
    ("熊本市", 42),
];

/// The short form of a prefecture (東京, 神奈川); 北海道 has none.
fn short_name(full: &str) -> Option<&str> {
    if full == "北海道" {
        return None;
    }
    full.strip_suffix(['都', '府', '県'])
}

/// JIS prefecture code (1 = 北海道 … 47 = 沖縄県) of a prefecture name, with or
/// without its 都/府/県, in either width.
pub fn prefecture_code(p: &str) -> Option<u8> {
    let p = display_clean(p);
    PREFECTURES
        .iter()
        .position(|full| *full == p || short_name(full) == Some(p.as_str()))
        .and_then(|i| u8::try_from(i + 1).ok())
}

fn starts_with_chars(chars: &[char], pat: &str) -> bool {
    let n = pat.chars().count();
    chars.len() >= n && chars.iter().zip(pat.chars()).all(|(a, b)| *a == b)
}

/// A prefecture at the start of `chars`: (index in PREFECTURES, chars to drop). A
/// short form followed by 市 or 郡 names the prefecture's own city or county
/// (京都市, 岩手郡): the prefecture is inferred and nothing is dropped. A short form
/// followed by 区/町/村 is a place elsewhere (大阪市福島区) and not a prefecture.
fn leading_prefecture(chars: &[char]) -> Option<(usize, usize)> {
    for (i, full) in PREFECTURES.iter().enumerate() {
        if starts_with_chars(chars, full) {
            return Some((i, full.chars().count()));
        }
    }
    for (i, full) in PREFECTURES.iter().enumerate() {
        let Some(short) = short_name(full) else {
            continue;
        };
        if !starts_with_chars(chars, short) {
            continue;
        }
        let n = short.chars().count();
        match chars.get(n) {
            Some('市' | '郡') => return Some((i, 0)),
            Some('区' | '町' | '村') => continue,
            _ => return Some((i, n)),
        }
    }
    for (city, i) in DESIGNATED_CITIES {
        if starts_with_chars(chars, city) {
            return Some((*i, 0));
        }
    }
    None
}

/// Skips a leading label ("所在地:", "所 在 地", "住所：") and the whitespace after it.
fn skip_label(chars: &[char]) -> usize {
    for label in ["所在地", "住所"] {
        let mut i = chars.iter().take_while(|c| c.is_whitespace()).count();
        let mut matched = true;
        for l in label.chars() {
            i += chars
                .iter()
                .skip(i)
                .take_while(|c| c.is_whitespace())
                .count();
            if chars.get(i) == Some(&l) {
                i += 1;
            } else {
                matched = false;
                break;
            }
        }
        if matched {
            i += chars
                .iter()
                .skip(i)
                .take_while(|c| c.is_whitespace())
                .count();
            if chars.get(i).is_some_and(|c| matches!(c, ':' | '：')) {
                i += 1;
            }
            return i;
        }
    }
    0
}

/// Skips a leading label, a postal code ("〒100-0013", "100-0013 ") and whitespace.
fn skip_postal_code(chars: &[char]) -> usize {
    let label = skip_label(chars);
    let chars = chars.get(label..).unwrap_or(&[]);
    label + skip_postal_code_only(chars)
}

fn skip_postal_code_only(chars: &[char]) -> usize {
    let mut i = chars.iter().take_while(|c| c.is_whitespace()).count();
    let marked = chars.get(i) == Some(&'〒');
    if marked {
        i += 1;
        i += chars
            .iter()
            .skip(i)
            .take_while(|c| c.is_whitespace())
            .count();
    }
    let digits = |from: usize| {
        chars
            .iter()
            .skip(from)
            .take_while(|c| c.is_ascii_digit())
            .count()
    };
    let d1 = digits(i);
    let is_code = if d1 == 3 && chars.get(i + 3).is_some_and(|c| is_dash_like(*c)) {
        digits(i + 4) == 4
    } else {
        d1 == 7 && marked
    };
    if is_code {
        i += if d1 == 3 { 8 } else { 7 };
    } else if !marked {
        return chars.iter().take_while(|c| c.is_whitespace()).count();
    }
    i + chars
        .iter()
        .skip(i)
        .take_while(|c| c.is_whitespace())
        .count()
}

/// Finds the prefecture at the start of an address: full names, short names (東京 →
/// 東京都; 京都市… → 京都府), or a designated city (横浜市… → 神奈川県). A leading postal
/// code is skipped and a repeated prefecture ("神奈川県神奈川県伊勢原市") dropped. Returns
/// the prefecture and the rest of the address (NFKC, whitespace cleaned).
pub fn split_prefecture(addr: &str) -> (Option<&'static str>, String) {
    let chars: Vec<char> = addr.nfkc().collect();
    let mut i = skip_postal_code(&chars);
    let Some((found, used)) = chars.get(i..).and_then(leading_prefecture) else {
        let rest: String = chars.iter().skip(i).collect();
        return (None, display_clean(&rest));
    };
    i += used;
    // Repeats of the same prefecture (sources concatenate a prefecture column with an
    // address that already starts with it).
    loop {
        i += chars
            .iter()
            .skip(i)
            .take_while(|c| c.is_whitespace())
            .count();
        match chars.get(i..).and_then(leading_prefecture) {
            Some((again, n)) if again == found && n > 0 => i += n,
            _ => break,
        }
    }
    let rest: String = chars.iter().skip(i).collect();
    (PREFECTURES.get(found).copied(), display_clean(&rest))
}

/// An address split into its parts (best effort).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AddressParts {
    pub prefecture: Option<&'static str>,
    /// City, ward or county + town: 中央区, 横浜市中区, 伊勢原市, 中頭郡北谷町.
    pub city: Option<String>,
    /// What lies between the city and the block number: the town and 丁目 name
    /// (銀座, 西新宿, 北1条西); everything after the city when no block number is found.
    pub rest: String,
    /// The block number as digits joined by "-": 3丁目12番5号 → "3-12-5".
    pub block: Option<String>,
    /// Building, floor and room after the block number (再生ビル4階, 301).
    pub building: Option<String>,
}

/// Town names whose kanji numeral sits before 番 but is not a block number.
const TOWNS_WITH_NUMERALS: &[&str] = &["麻布十番", "一番町", "一番丁", "十番町"];

const CITY_EXCEPTIONS: &[&str] = &["四日市市", "廿日市市", "野々市市"];

/// Length in chars of the city part at the start of `chars`, if any.
fn city_len(chars: &[char], has_prefecture: bool) -> Option<usize> {
    for city in CITY_EXCEPTIONS {
        if starts_with_chars(chars, city) {
            return Some(city.chars().count());
        }
    }
    let stop = chars
        .iter()
        .position(|c| c.is_ascii_digit() || c.is_whitespace())
        .unwrap_or(chars.len())
        .min(12);
    let find_after = |from: usize, targets: &[char], within: usize| -> Option<usize> {
        (from + 1..(from + 1 + within).min(stop))
            .find(|&k| chars.get(k).is_some_and(|c| targets.contains(c)))
    };
    // 余市郡余市町: the county's own name holds 市.
    let first_marker = if starts_with_chars(chars, "余市郡") {
        Some(2)
    } else {
        (1..stop).find(|&k| matches!(chars.get(k), Some('市' | '区' | '郡')))
    };
    match first_marker.map(|k| (k, chars.get(k).copied())) {
        Some((k, Some('市'))) => {
            let city: String = chars.iter().take(k + 1).collect();
            if DESIGNATED_CITIES.iter().any(|(c, _)| *c == city) {
                if let Some(w) = find_after(k, &['区'], 5).filter(|&w| w > k + 1) {
                    return Some(w + 1);
                }
            }
            Some(k + 1)
        }
        Some((k, Some('区'))) => Some(k + 1),
        Some((k, Some('郡'))) => {
            // 小郡市, 大和郡山市: 郡 inside a city name.
            if let Some(m) = find_after(k, &['市'], 2) {
                return Some(m + 1);
            }
            find_after(k + 1, &['町', '村'], 6)
                .map(|t| t + 1)
                .or(Some(k + 1))
        }
        _ if has_prefecture => (1..stop)
            .find(|&k| matches!(chars.get(k), Some('町' | '村')))
            .map(|k| k + 1),
        _ => None,
    }
}

/// What follows a number inside a block: the unit or separator, its length in chars,
/// and whether it closes the block (号).
enum Follower {
    /// 丁目, 番地, 番, a dash or の before another number.
    Continue(usize),
    /// 号: the last number of the block.
    Last(usize),
    /// End of text, whitespace or anything else: the block ends here.
    End,
}

fn follower(chars: &[char], j: usize) -> Follower {
    let at = |s: &str| {
        chars
            .get(j..)
            .is_some_and(|rest| starts_with_chars(rest, s))
    };
    let digit_at = |k: usize| chars.get(k).is_some_and(|c| c.is_ascii_digit());
    if at("丁目") {
        return Follower::Continue(2);
    }
    if at("番地の") && digit_at(j + 3) {
        return Follower::Continue(3);
    }
    if at("番地") {
        return Follower::Continue(2);
    }
    if at("番の") && digit_at(j + 2) {
        return Follower::Continue(2);
    }
    if at("番") && !at("番町") {
        return Follower::Continue(1);
    }
    if at("号") && !at("号室") && !at("号館") && !at("号棟") && !at("号線") {
        return Follower::Last(1);
    }
    let is_link = chars.get(j).is_some_and(|c| is_dash_like(*c) || *c == 'の');
    if is_link && digit_at(j + 1) {
        return Follower::Continue(1);
    }
    Follower::End
}

/// A block number found in `chars`: (start, end, numbers).
fn find_block(chars: &[char]) -> Option<(usize, usize, Vec<u64>)> {
    let mut i = 0;
    while i < chars.len() {
        let starts_number = chars.get(i).is_some_and(|c| c.is_ascii_digit())
            && !(i > 0 && chars.get(i - 1).is_some_and(|c| c.is_ascii_digit()));
        if !starts_number {
            i += 1;
            continue;
        }
        let Some((n1, len)) = crate::numerals::scan_number(chars, i) else {
            // A run too long to be a block number: skip it whole.
            i += chars
                .iter()
                .skip(i)
                .take_while(|c| c.is_ascii_digit())
                .count();
            continue;
        };
        let j = i + len;
        let plausible_start = match follower(chars, j) {
            Follower::Continue(_) | Follower::Last(_) => true,
            Follower::End => chars.get(j).is_none_or(|c| c.is_whitespace()),
        };
        if !plausible_start {
            i = j;
            continue;
        }
        let mut nums = vec![n1];
        let mut end = j;
        let mut pos = j;
        loop {
            match follower(chars, pos) {
                Follower::Last(n) => {
                    end = pos + n;
                    break;
                }
                Follower::End => break,
                Follower::Continue(n) => {
                    end = pos + n;
                    if nums.len() == 3 {
                        // Keep a trailing unit (番地, 番) inside the block but leave a
                        // dash + room number to the building part.
                        if chars
                            .get(pos)
                            .is_some_and(|c| is_dash_like(*c) || *c == 'の')
                        {
                            end = pos;
                        }
                        break;
                    }
                    let mut k = pos + n;
                    k += chars
                        .iter()
                        .skip(k)
                        .take_while(|c| c.is_whitespace())
                        .count();
                    match crate::numerals::scan_number(chars, k) {
                        Some((v, l)) if chars.get(k).is_some_and(|c| c.is_ascii_digit()) => {
                            nums.push(v);
                            pos = k + l;
                            end = pos;
                        }
                        _ => break,
                    }
                }
            }
        }
        return Some((i, end, nums));
    }
    None
}

fn trim_block_separators(s: &str) -> String {
    s.trim_matches(|c: char| {
        c.is_whitespace() || is_dash_like(c) || matches!(c, ',' | '、' | '・' | '/')
    })
    .to_string()
}

/// True when `after` (the text after a kanji numeral) starts with a block unit: 丁目,
/// 番地, 号 (not 号室/号館), or 番 followed by a number, の, a dash or nothing (so 三番町
/// and 十番ビル keep their kanji).
fn is_block_unit(after: &str) -> bool {
    if after.starts_with("丁目") || after.starts_with("番地") {
        return true;
    }
    if let Some(rest) = after.strip_prefix('番') {
        return rest.chars().next().is_none_or(|c| {
            c.is_ascii_digit()
                || c.is_whitespace()
                || crate::numerals::is_kanji_numeral(c)
                || is_dash_like(c)
                || matches!(c, 'の' | '号' | ',' | '、')
        });
    }
    after.starts_with('号') && !after.starts_with("号室") && !after.starts_with("号館")
}

/// Splits an address into prefecture, city, town, block number and building. Kanji
/// numerals before 丁目/番地/番/号 become digits (三丁目 → 3) but stay in town names
/// (三番町).
pub fn parse_address(s: &str) -> AddressParts {
    let (prefecture, rest) = split_prefecture(s);
    let rest = kanji_numbers_before(&rest, is_block_unit, TOWNS_WITH_NUMERALS);
    let chars: Vec<char> = rest.chars().collect();
    let city_end = city_len(&chars, prefecture.is_some()).unwrap_or(0);
    let city: String = chars.iter().take(city_end).collect();
    let after: Vec<char> = chars.iter().skip(city_end).copied().collect();
    let city = Some(display_clean(&city)).filter(|c| !c.is_empty());
    let Some((start, end, nums)) = find_block(&after) else {
        return AddressParts {
            prefecture,
            city,
            rest: display_clean(&after.iter().collect::<String>()),
            block: None,
            building: None,
        };
    };
    let town: String = after.iter().take(start).collect();
    let building: String = after.iter().skip(end).collect();
    let building = trim_block_separators(&display_clean(&building));
    let block = nums
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join("-");
    AddressParts {
        prefecture,
        city,
        rest: trim_block_separators(&display_clean(&town)),
        block: Some(block),
        building: Some(building).filter(|b| !b.is_empty()),
    }
}

/// The comparison key of an address: folded prefecture + city + town (大字 dropped) +
/// block number as "3-12-5"; the building part is left out. 3丁目12番5号, 3-12-5,
/// ３－１２－５, 3丁目12-5 and 三丁目十二番五号 give the same key.
pub fn address_key(addr: &str) -> String {
    let parts = parse_address(addr);
    let mut key = String::new();
    if let Some(p) = parts.prefecture {
        key.push_str(&fold(p));
    }
    if let Some(c) = &parts.city {
        key.push_str(&fold(c));
    }
    key.push_str(&fold(&parts.rest.replace("大字", "")));
    if let Some(b) = &parts.block {
        key.push_str(b);
    }
    key
}

#[cfg(test)]
mod tests;
