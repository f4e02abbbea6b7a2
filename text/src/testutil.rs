//! Deterministic pseudo-random inputs for "never panics" and idempotence tests
//! (a tiny xorshift generator keeps the crate free of extra dev-dependencies).

/// Characters chosen to stress the parsers: kana of both widths, kanji and their
/// variants, digits of all widths, kanji numerals, brackets, dashes, whitespace,
/// controls, combining marks, variation selectors and letters that change length
/// when lowercased.
const PALETTE: &[char] = &[
    'あ', 'っ', 'ゃ', 'が', 'カ', 'ヶ', 'ｶ', 'ﾞ', 'ﾟ', 'ｰ', 'ー', '゛', '\u{3099}', '\u{309A}',
    '\u{301}', '\u{E0100}', '\u{FE00}', '\u{200B}', '医', '療', '法', '人', '社', '団', '会',
    '財', '株', '式', '(', ')', '（', '）', '㈱', '㍿', '㍻', '㋿', '令', '和', '平', '成', '元',
    '年', '月', '日', '第', '条', '項', '号', '及', 'び', '則', '一', '二', '三', '十', '百',
    '千', '〇', '0', '1', '2', '5', '9', '０', '３', '-', '－', '−', '/', '.', '・', '、', ' ',
    '\u{3000}', '\r', '\n', '\t', '\u{0}', '東', '京', '都', '府', '県', '市', '区', '町', '村',
    '郡', '丁', '目', '番', '地', 'の', 'ビ', 'ル', '階', 'F', 'R', 'H', 'j', 'R', 'C', 'T',
    'b', 'N', 'A', 'İ', 'ǅ', 'ß', '+', '8', '〒', '齋', '﨑', '霞', '関', '「', '」', '\u{FFFF}',
];

/// `count` strings of up to `max_len` characters drawn from `PALETTE`.
pub(crate) fn random_strings(seed: u64, count: usize, max_len: usize) -> Vec<String> {
    let mut state = seed | 1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..count)
        .map(|_| {
            let len = (next() % (max_len as u64 + 1)) as usize;
            (0..len)
                .map(|_| PALETTE[(next() % PALETTE.len() as u64) as usize])
                .collect()
        })
        .collect()
}
