//! Key forms for matching and search (`fold`), display forms (`display_clean`) and
//! bigram similarity (`bigrams`, `dice`).

use std::collections::HashMap;

use unicode_normalization::UnicodeNormalization;

/// The one form every dash-like character (and the katakana long-vowel mark) folds to.
pub const DASH: char = '-';

/// Old (旧字体) or variant kanji → the common form used in keys. Lossy on purpose:
/// registries write the same person or corporation with either form.
const KANJI_VARIANTS: &[(char, char)] = &[
    ('齋', '斉'),
    ('齊', '斉'),
    ('斎', '斉'),
    ('邊', '辺'),
    ('邉', '辺'),
    ('髙', '高'),
    ('﨑', '崎'),
    ('嵜', '崎'),
    ('碕', '崎'),
    ('濱', '浜'),
    ('濵', '浜'),
    ('澤', '沢'),
    ('國', '国'),
    ('會', '会'),
    ('醫', '医'),
    ('學', '学'),
    ('櫻', '桜'),
    ('廣', '広'),
    ('惠', '恵'),
    ('眞', '真'),
    ('龍', '竜'),
    ('與', '与'),
    ('壽', '寿'),
    ('榮', '栄'),
    ('藏', '蔵'),
    ('淺', '浅'),
    ('德', '徳'),
    ('瀨', '瀬'),
    ('冨', '富'),
    ('實', '実'),
    ('獨', '独'),
    ('圓', '円'),
    ('聰', '聡'),
    ('驛', '駅'),
    ('縣', '県'),
    ('體', '体'),
    ('關', '関'),
    ('靜', '静'),
    ('鐵', '鉄'),
    ('黑', '黒'),
    ('萬', '万'),
    ('戶', '戸'),
    ('晉', '晋'),
    ('藝', '芸'),
    ('彌', '弥'),
    ('禮', '礼'),
    ('滿', '満'),
    ('豐', '豊'),
    ('嶋', '島'),
    ('嶌', '島'),
    ('槇', '槙'),
    ('稻', '稲'),
    ('舊', '旧'),
    ('團', '団'),
    ('寶', '宝'),
    ('檜', '桧'),
    ('盡', '尽'),
    ('堯', '尭'),
    ('莊', '荘'),
    ('增', '増'),
];

/// Variant kanji → common form (identity for every other char).
pub fn fold_kanji_variant(c: char) -> char {
    KANJI_VARIANTS
        .iter()
        .find(|(from, _)| *from == c)
        .map_or(c, |(_, to)| *to)
}

/// True for characters that are dashes or long-vowel marks in Japanese text.
pub fn is_dash_like(c: char) -> bool {
    matches!(
        c,
        '-' | 'ー'
            | '－'
            | '―'
            | '‐'
            | '‑'
            | '‒'
            | '–'
            | '—'
            | '−'
            | 'ｰ'
            | '⁃'
            | '﹣'
            | '━'
            | '─'
    )
}

/// Characters removed from keys: punctuation and brackets that vary freely between
/// spellings of one name. Dashes are unified instead, and symbols that carry meaning
/// in names (`&`, `+`, `#`, `/`, `%`, `@`) are kept.
fn is_removable_punct(c: char) -> bool {
    matches!(
        c,
        '!' | '"'
            | '\''
            | '('
            | ')'
            | '*'
            | ','
            | '.'
            | ':'
            | ';'
            | '?'
            | '['
            | ']'
            | '`'
            | '{'
            | '}'
            | '|'
            | '~'
            | '_'
            | '・'
            | '･'
            | '·'
            | '‧'
            | '•'
            | '、'
            | '。'
            | '，'
            | '．'
            | '「'
            | '」'
            | '『'
            | '』'
            | '（'
            | '）'
            | '【'
            | '】'
            | '〔'
            | '〕'
            | '〈'
            | '〉'
            | '《'
            | '》'
            | '〘'
            | '〙'
            | '〚'
            | '〛'
            | '〖'
            | '〗'
            | '“'
            | '”'
            | '‘'
            | '’'
            | '〝'
            | '〟'
            | '〜'
            | '～'
            | '※'
            | '♪'
            | '☆'
            | '★'
            | '〃'
            | '｢'
            | '｣'
            | '､'
            | '｡'
    )
}

/// Characters that are invisible or only select a glyph: removed from every form.
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{200B}'..='\u{200F}'
        | '\u{2060}'..='\u{2064}'
        | '\u{FEFF}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{E0100}'..='\u{E01EF}'
        | '\u{180B}'..='\u{180D}'
        | '\u{00AD}')
}

/// Small kana (already katakana) → full-size kana.
fn small_to_large(c: char) -> char {
    match c {
        'ァ' => 'ア',
        'ィ' => 'イ',
        'ゥ' => 'ウ',
        'ェ' => 'エ',
        'ォ' => 'オ',
        'ッ' => 'ツ',
        'ャ' => 'ヤ',
        'ュ' => 'ユ',
        'ョ' => 'ヨ',
        'ヮ' => 'ワ',
        'ヵ' => 'カ',
        'ヶ' => 'ケ',
        'ㇰ' => 'ク',
        'ㇱ' => 'シ',
        'ㇲ' => 'ス',
        'ㇳ' => 'ト',
        'ㇴ' => 'ヌ',
        'ㇵ' => 'ハ',
        'ㇶ' => 'ヒ',
        'ㇷ' => 'フ',
        'ㇸ' => 'ヘ',
        'ㇹ' => 'ホ',
        'ㇺ' => 'ム',
        'ㇻ' => 'ラ',
        'ㇼ' => 'リ',
        'ㇽ' => 'ル',
        'ㇾ' => 'レ',
        'ㇿ' => 'ロ',
        other => other,
    }
}

/// Hiragana → katakana (same sound), including the iteration marks ゝゞ.
pub(crate) fn hiragana_to_katakana(c: char) -> char {
    match c {
        '\u{3041}'..='\u{3096}' | '\u{309D}' | '\u{309E}' => {
            char::from_u32(u32::from(c) + 0x60).unwrap_or(c)
        }
        other => other,
    }
}

/// CJK ideographs (including extension blocks and compatibility ideographs).
pub(crate) fn is_kanji(c: char) -> bool {
    matches!(c,
        '\u{4E00}'..='\u{9FFF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{3134F}')
}

/// One pass of the folding pipeline; `fold` repeats it until nothing changes because
/// removing a character can bring a base letter and a combining mark together.
fn fold_once(s: &str) -> String {
    let mut out: Vec<char> = Vec::with_capacity(s.len());
    for c in s.nfkc() {
        if c.is_whitespace() || c.is_control() || is_invisible(c) || is_removable_punct(c) {
            continue;
        }
        if is_dash_like(c) {
            out.push(DASH);
            continue;
        }
        for lc in c.to_lowercase() {
            let k = small_to_large(hiragana_to_katakana(lc));
            out.push(fold_kanji_variant(k));
        }
    }
    // ケ/ヶ/ガ/カ between two kanji is the place-name particle (霞が関 = 霞ヶ関 = 霞ケ関).
    let snapshot = out.clone();
    for (i, c) in out.iter_mut().enumerate() {
        if matches!(*c, 'ケ' | 'ガ' | 'カ') && i > 0 {
            let prev = snapshot.get(i - 1).copied();
            let next = snapshot.get(i + 1).copied();
            if prev.is_some_and(is_kanji) && next.is_some_and(is_kanji) {
                *c = 'ケ';
            }
        }
    }
    out.into_iter().collect()
}

/// The search/matching key form of a string: NFKC, lowercase, katakana, full-size
/// kana, one dash form, no whitespace or punctuation, common kanji variants unified.
/// `fold(fold(x)) == fold(x)` for every input.
pub fn fold(s: &str) -> String {
    let mut cur = fold_once(s);
    // Each further pass only removes or recomposes characters; a handful always
    // reaches the fixpoint (checked by the idempotence test).
    for _ in 0..6 {
        let next = fold_once(&cur);
        if next == cur {
            break;
        }
        cur = next;
    }
    cur
}

/// Text for display: NFKC, every run of whitespace (CR LF, U+3000 …) as one ASCII
/// space, trimmed; control and zero-width characters dropped; punctuation kept.
pub fn display_clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.nfkc() {
        if c.is_whitespace() {
            pending_space = true;
            continue;
        }
        if c.is_control() || is_invisible(c) {
            continue;
        }
        if pending_space && !out.is_empty() {
            out.push(' ');
        }
        pending_space = false;
        out.push(c);
    }
    out
}

/// Overlapping character bigrams of a folded string; a one-character string yields
/// itself, an empty string nothing.
pub fn bigrams(folded: &str) -> Vec<String> {
    let chars: Vec<char> = folded.chars().collect();
    if chars.len() == 1 {
        return vec![folded.to_string()];
    }
    chars
        .windows(2)
        .map(|w| w.iter().collect::<String>())
        .collect()
}

/// Sørensen–Dice coefficient over bigram **multisets**: 2·|A∩B| / (|A|+|B|), where a
/// bigram occurring twice on both sides counts twice. In [0, 1]. Returns 0.0 when
/// either side is empty: an empty name is no evidence of identity.
pub fn dice(a: &[String], b: &[String]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for g in a {
        *counts.entry(g.as_str()).or_insert(0) += 1;
    }
    let mut common = 0usize;
    for g in b {
        if let Some(n) = counts.get_mut(g.as_str()) {
            if *n > 0 {
                *n -= 1;
                common += 1;
            }
        }
    }
    (2 * common) as f64 / (a.len() + b.len()) as f64
}

/// Dice similarity of two raw strings (folded, then bigrams).
pub fn similarity(a: &str, b: &str) -> f64 {
    dice(&bigrams(&fold(a)), &bigrams(&fold(b)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::random_strings;

    #[test]
    fn fold_table() {
        let cases: &[(&str, &str)] = &[
            ("ｸﾘﾆｯｸ", "クリニツク"),
            ("クリニック", "クリニツク"),
            ("くりにっく", "クリニツク"),
            ("ＣＬＩＮＩＣ", "clinic"),
            ("Clinic", "clinic"),
            ("再生　クリニック", "再生クリニツク"),
            ("再生 クリニック\r\n東京", "再生クリニツク東京"),
            ("医療法人社団「再生会」", "医療法人社団再生会"),
            ("（医）再生会", "医再生会"),
            ("【銀座】美容・再生クリニック", "銀座美容再生クリニツク"),
            ("センター", "センタ-"),
            ("3－12－5", "3-12-5"),
            ("3ー12ー5", "3-12-5"),
            ("3―12‐5", "3-12-5"),
            ("3−12–5", "3-12-5"),
            ("齋藤", "斉藤"),
            ("斎藤", "斉藤"),
            ("渡邊", "渡辺"),
            ("渡邉", "渡辺"),
            ("髙橋", "高橋"),
            ("山﨑", "山崎"),
            ("濱田", "浜田"),
            ("澤田", "沢田"),
            ("國際醫學會", "国際医学会"),
            ("霞が関", "霞ケ関"),
            ("霞ヶ関", "霞ケ関"),
            ("霞ケ関", "霞ケ関"),
            ("ジョイ", "ジヨイ"),
            ("ｶﾞｰﾃﾞﾝ", "ガ-デン"),
            ("カ゛", "ガ"),
            ("", ""),
            ("   ", ""),
            ("\u{0}\u{7}a", "a"),
            ("a\u{200B}b\u{FEFF}", "ab"),
            ("辻\u{E0100}", "辻"),
            ("㈱再生", "株再生"),
        ];
        for (input, want) in cases {
            assert_eq!(fold(input), *want, "fold({input:?})");
        }
    }

    #[test]
    fn fold_equates_spelling_variants() {
        let groups: &[&[&str]] = &[
            &["ｸﾘﾆｯｸ", "クリニック", "くりにっく", "ク リ ニ ッ ク"],
            &[
                "さくら美容クリニック",
                "サクラ美容クリニック",
                "ｻｸﾗ 美容ｸﾘﾆｯｸ",
            ],
            &["ＡＢＣ　ＣＬＩＮＩＣ", "abc clinic", "ABC CLINIC"],
            &["再生医療センター", "再生医療センタ―", "再生医療センタ－"],
        ];
        for g in groups {
            let first = fold(g[0]);
            for s in g.iter().skip(1) {
                assert_eq!(fold(s), first, "{s:?} vs {:?}", g[0]);
            }
        }
    }

    #[test]
    fn fold_is_idempotent() {
        let samples = [
            "医療法人社団　再生会\r\nＸＸクリニック",
            "ｶﾞｰﾃﾞﾝ・ﾋﾙｽﾞ",
            "カ゛ ・\u{3099}",
            "e・\u{301}",
            "İstanbul ǅ",
            "㍻㈱㍿",
            "霞 が 関",
        ];
        for s in samples {
            let once = fold(s);
            assert_eq!(fold(&once), once, "{s:?}");
        }
        for s in random_strings(0xF01D, 3000, 24) {
            let once = fold(&s);
            assert_eq!(fold(&once), once, "{s:?}");
        }
    }

    #[test]
    fn fold_long_input() {
        let long = "あ".repeat(10_000);
        assert_eq!(fold(&long).chars().count(), 10_000);
        let marks = "\u{301}".repeat(10_000);
        let _ = fold(&marks);
    }

    #[test]
    fn display_clean_table() {
        let cases: &[(&str, &str)] = &[
            (
                "  医療法人社団　再生会\r\nＸＸ ＣＬＩＮＩＣ  ",
                "医療法人社団 再生会 XX CLINIC",
            ),
            ("a\t\tb", "a b"),
            ("「再生」（東京都）", "「再生」(東京都)"),
            ("", ""),
            ("\u{3000}\u{3000}", ""),
            ("ｸﾘﾆｯｸ", "クリニック"),
            ("a\u{0}b", "ab"),
            ("令和6年 10 月 24 日", "令和6年 10 月 24 日"),
            ("x\r\n\r\ny", "x y"),
        ];
        for (input, want) in cases {
            assert_eq!(display_clean(input), *want, "display_clean({input:?})");
        }
    }

    #[test]
    fn bigrams_table() {
        assert!(bigrams("").is_empty());
        assert_eq!(bigrams("再"), vec!["再"]);
        assert_eq!(bigrams("再生"), vec!["再生"]);
        assert_eq!(bigrams("再生会"), vec!["再生", "生会"]);
        assert_eq!(bigrams("abab"), vec!["ab", "ba", "ab"]);
        assert_eq!(bigrams("3-12"), vec!["3-", "-1", "12"]);
        assert_eq!(bigrams(&fold("ｸﾘﾆｯｸ")), bigrams(&fold("くりにっく")));
        assert_eq!(bigrams("𠮷野家"), vec!["𠮷野", "野家"]);
        assert_eq!(bigrams("a\u{301}").len(), 1);
        assert_eq!(bigrams(&"あ".repeat(10_000)).len(), 9_999);
    }

    #[test]
    fn dice_table() {
        let g = |s: &str| bigrams(&fold(s));
        assert_eq!(dice(&g("再生会"), &g("再生会")), 1.0);
        assert_eq!(dice(&g(""), &g("")), 0.0);
        assert_eq!(dice(&g("再生会"), &g("")), 0.0);
        assert_eq!(dice(&g("ab"), &g("cd")), 0.0);
        // multiset: "abab" = {ab×2, ba}, "ab" = {ab}: 2·1 / (3+1)
        assert!((dice(&g("abab"), &g("ab")) - 0.5).abs() < 1e-9);
        let close = similarity("銀座再生クリニック", "銀座再生クリニツク東京");
        let far = similarity("銀座再生クリニック", "新宿美容外科");
        assert!(close > 0.8, "{close}");
        assert!(far < 0.2, "{far}");
        assert_eq!(similarity("ｸﾘﾆｯｸ", "クリニック"), 1.0);
        // Symmetric, and a corporate-form difference costs little.
        let a = similarity("医療法人社団再生会", "医療法人再生会");
        assert_eq!(a, similarity("医療法人再生会", "医療法人社団再生会"));
        assert!(a > 0.7 && a < 1.0, "{a}");
        // One-char names compare as unigrams.
        assert_eq!(similarity("森", "森"), 1.0);
        assert_eq!(similarity("森", "林"), 0.0);
        // Look-alike district names stay apart from the distinctive part.
        let x = similarity("銀座さくらクリニック", "銀座もみじクリニック");
        assert!(x > 0.4 && x < 0.8, "{x}");
    }
}
