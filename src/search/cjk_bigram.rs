//! The index's tokenizer: [`fold`], then CJK character bigrams.
//!
//! tantivy's `NgramTokenizer` puts every gram at position 0; this one gives each token the next
//! position, so phrase and proximity queries stay possible. Rules, applied to the folded text:
//! - a run of CJK characters (kanji, kana, hangul) of two or more characters gives its bigrams;
//! - a run of a single CJK character gives that character (a unigram);
//! - a run of letters and digits gives one token, lowercased (over [`MAX_WORD_CHARS`] it is dropped);
//! - everything else (spaces, punctuation, symbols) separates runs and gives nothing.
//!
//! ```text
//! "表参道セルクリニック"    → 表参 参道 道セ セル ルク クリ リニ ニツ ツク   (positions 0..=8)
//! "ｻｸﾗ ｸﾘﾆｯｸ"             → サク クラ クリ リニ ニツ ツク
//! "東京都中央区銀座4-5-6" → 東京 京都 都中 中央 央区 区銀 銀座 4 5 6
//! "CLINIC 桜"             → clinic 桜
//! ```

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use super::fold::{fold, is_cjk, is_word_char};

/// Name the tokenizer is registered under in every index's tokenizer manager.
pub const TOKENIZER_NAME: &str = "mieru_cjk_bigram";

/// A letter/digit run longer than this is noise (a pasted blob), not a word anyone searches for.
pub const MAX_WORD_CHARS: usize = 64;

/// What a token stands for; the query builder treats each kind differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Two adjacent CJK characters.
    Bigram,
    /// A CJK character standing alone between separators.
    Unigram,
    /// A run of letters and digits.
    Word,
}

/// One token with its kind; `text` is what goes into the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Analyzed {
    pub text: String,
    pub kind: TokenKind,
}

/// Folds and tokenizes `text` exactly as the index does.
///
/// ```
/// use mieru::search::cjk_bigram::analyze;
/// let tokens: Vec<String> = analyze("さくら 4丁目").into_iter().map(|t| t.text).collect();
/// assert_eq!(tokens, ["サク", "クラ", "4", "丁目"]);
/// ```
pub fn analyze(text: &str) -> Vec<Analyzed> {
    let folded = fold(text);
    let mut out = Vec::new();
    let mut run: Vec<char> = Vec::new();
    let mut run_is_cjk = false;
    for c in folded.chars() {
        if !is_word_char(c) {
            flush(&mut run, run_is_cjk, &mut out);
            continue;
        }
        let cjk = is_cjk(c);
        if !run.is_empty() && cjk != run_is_cjk {
            flush(&mut run, run_is_cjk, &mut out);
        }
        run_is_cjk = cjk;
        run.push(c);
    }
    flush(&mut run, run_is_cjk, &mut out);
    out
}

fn flush(run: &mut Vec<char>, cjk: bool, out: &mut Vec<Analyzed>) {
    match (cjk, run.len()) {
        (_, 0) => {}
        (true, 1) => out.push(Analyzed {
            text: run.iter().collect(),
            kind: TokenKind::Unigram,
        }),
        (true, _) => out.extend(run.windows(2).map(|pair| Analyzed {
            text: pair.iter().collect(),
            kind: TokenKind::Bigram,
        })),
        (false, n) if n <= MAX_WORD_CHARS => out.push(Analyzed {
            text: run.iter().collect(),
            kind: TokenKind::Word,
        }),
        (false, _) => {}
    }
    run.clear();
}

/// The tantivy side of [`analyze`]. Offsets are those of the token's index in the stream (the
/// original text's byte offsets are lost by folding, and nothing here highlights).
#[derive(Debug, Clone, Default)]
pub struct CjkBigramTokenizer {
    tokens: Vec<Token>,
}

impl Tokenizer for CjkBigramTokenizer {
    type TokenStream<'a> = CjkBigramTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        self.tokens.clear();
        self.tokens
            .extend(analyze(text).into_iter().enumerate().map(|(i, t)| Token {
                offset_from: i,
                offset_to: i + 1,
                position: i,
                text: t.text,
                position_length: 1,
            }));
        CjkBigramTokenStream {
            tokens: self.tokens.drain(..),
            current: Token::default(),
        }
    }
}

pub struct CjkBigramTokenStream<'a> {
    tokens: std::vec::Drain<'a, Token>,
    current: Token,
}

impl TokenStream for CjkBigramTokenStream<'_> {
    fn advance(&mut self) -> bool {
        match self.tokens.next() {
            Some(token) => {
                self.current = token;
                true
            }
            None => false,
        }
    }

    fn token(&self) -> &Token {
        &self.current
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.current
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::tokenizer::TextAnalyzer;

    fn stream(text: &str) -> Vec<(String, usize)> {
        let mut analyzer = TextAnalyzer::from(CjkBigramTokenizer::default());
        let mut ts = analyzer.token_stream(text);
        let mut out = Vec::new();
        while ts.advance() {
            out.push((ts.token().text.clone(), ts.token().position));
        }
        out
    }

    /// The examples of the module and function docs.
    #[test]
    fn doc_examples_hold() {
        let texts = |s: &str| -> Vec<String> { stream(s).into_iter().map(|(t, _)| t).collect() };
        assert_eq!(
            texts("ｻｸﾗ ｸﾘﾆｯｸ"),
            ["サク", "クラ", "クリ", "リニ", "ニツ", "ツク"]
        );
        assert_eq!(
            texts("東京都中央区銀座4-5-6"),
            ["東京", "京都", "都中", "中央", "央区", "区銀", "銀座", "4", "5", "6"]
        );
        assert_eq!(texts("CLINIC 桜"), ["clinic", "桜"]);
        assert_eq!(texts("さくら 4丁目"), ["サク", "クラ", "4", "丁目"]);
    }

    #[test]
    fn bigrams_with_increasing_positions() {
        let tokens = stream("表参道セルクリニック");
        let texts: Vec<&str> = tokens.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(
            texts,
            [
                "表参", "参道", "道セ", "セル", "ルク", "クリ", "リニ", "ニツ", "ツク"
            ]
        );
        let positions: Vec<usize> = tokens.iter().map(|(_, p)| *p).collect();
        assert_eq!(positions, (0..9).collect::<Vec<_>>());
    }

    #[test]
    fn latin_and_digits_whole_and_lowercased() {
        let tokens = stream("Ginza CLINIC 東京都中央区銀座4-5-6");
        let texts: Vec<&str> = tokens.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(
            texts,
            [
                "ginza", "clinic", "東京", "京都", "都中", "中央", "央区", "区銀", "銀座", "4",
                "5", "6"
            ]
        );
    }

    #[test]
    fn single_cjk_char_is_a_unigram() {
        let tokens = analyze("桜");
        assert_eq!(
            tokens,
            [Analyzed {
                text: "桜".into(),
                kind: TokenKind::Unigram
            }]
        );
        assert_eq!(analyze("A 桜 B").len(), 3);
    }

    #[test]
    fn half_width_and_hiragana_give_the_same_tokens() {
        assert_eq!(stream("ｻｸﾗｸﾘﾆｯｸ"), stream("さくらクリニック"));
        assert_eq!(stream("サクラクリニック"), stream("さくらくりにっく"));
    }

    #[test]
    fn punctuation_only_gives_nothing_and_long_words_are_dropped() {
        assert!(analyze("\"()*\\:").is_empty());
        assert!(analyze(&"a".repeat(MAX_WORD_CHARS + 1)).is_empty());
        assert!(stream("").is_empty());
    }
}
