//! Character encoding detection and decoding for text bodies.
//!
//! Order of evidence: byte order mark, the Content-Type charset, a `<meta>` charset in the
//! first 1024 bytes (HTML only), then chardetng with the `jp` TLD. A declared charset is not
//! trusted blindly: Japanese servers often label Shift_JIS pages UTF-8 (or Latin-1), so when
//! the declared decoding is damaged the detector's guess is tried and the better text kept.

use chardetng::EncodingDetector;
use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252, X_USER_DEFINED};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedText {
    pub text: String,
    pub encoding: &'static Encoding,
}

/// Decode `raw` to text. Never fails: the worst case is lossy text with U+FFFD.
pub fn decode_text(raw: &[u8], content_type: Option<&str>, html: bool) -> DecodedText {
    if let Some((enc, bom_len)) = Encoding::for_bom(raw) {
        let body = raw.get(bom_len..).unwrap_or_default();
        let (text, _) = enc.decode_without_bom_handling(body);
        return DecodedText {
            text: text.into_owned(),
            encoding: enc,
        };
    }
    let declared =
        content_type
            .and_then(charset_param)
            .or_else(|| if html { meta_charset(raw) } else { None });
    let Some(declared) = declared else {
        let enc = guess(raw);
        return decode_with(raw, enc);
    };
    let first = decode_with(raw, declared);
    let damaged = replacement_count(&first.text) > 0;
    // A single-byte label never produces errors, so damage can't reveal a wrong one; any
    // non-ASCII byte in a page from a .jp host labelled Latin-1 is suspicious enough.
    let single_byte_label = declared.is_single_byte() && !raw.is_ascii();
    if !damaged && !single_byte_label {
        return first;
    }
    let guessed = guess(raw);
    if guessed == declared {
        return first;
    }
    let second = decode_with(raw, guessed);
    let better = if single_byte_label && !damaged {
        // Prefer the detector only when it found a multi-byte encoding that decodes cleanly.
        !guessed.is_single_byte() && replacement_count(&second.text) == 0
    } else {
        replacement_count(&second.text) < replacement_count(&first.text)
    };
    if better {
        tracing::debug!(
            declared = declared.name(),
            used = guessed.name(),
            "declared charset was wrong"
        );
        second
    } else {
        first
    }
}

fn decode_with(raw: &[u8], enc: &'static Encoding) -> DecodedText {
    let (text, _) = enc.decode_without_bom_handling(raw);
    DecodedText {
        text: text.into_owned(),
        encoding: enc,
    }
}

fn guess(raw: &[u8]) -> &'static Encoding {
    let mut det = EncodingDetector::new();
    det.feed(raw, true);
    det.guess(Some(b"jp"), true)
}

fn replacement_count(text: &str) -> usize {
    text.chars().filter(|c| *c == '\u{FFFD}').count()
}

/// The `charset` parameter of a Content-Type value.
pub fn charset_param(content_type: &str) -> Option<&'static Encoding> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        if !name.trim().eq_ignore_ascii_case("charset") {
            return None;
        }
        let label = value.trim().trim_matches(|c| c == '"' || c == '\'');
        Encoding::for_label(label.as_bytes())
    })
}

/// A charset declared by `<meta charset>` or `<meta http-equiv content="…; charset=…">` in the
/// first 1024 bytes, as the HTML prescan would find it.
pub fn meta_charset(raw: &[u8]) -> Option<&'static Encoding> {
    let head: Vec<u8> = raw.iter().take(1024).map(u8::to_ascii_lowercase).collect();
    let mut rest: &[u8] = &head;
    while let Some(pos) = find(rest, b"<meta") {
        let tag = rest.get(pos..)?;
        let end = tag.iter().position(|&b| b == b'>').unwrap_or(tag.len());
        let (inside, after) = tag.split_at(end);
        if let Some(enc) = charset_in_tag(inside) {
            // HTML says a meta-declared UTF-16 means UTF-8 (the bytes were read as ASCII).
            return Some(if enc == UTF_16BE || enc == UTF_16LE {
                UTF_8
            } else if enc == X_USER_DEFINED {
                WINDOWS_1252
            } else {
                enc
            });
        }
        rest = after;
    }
    None
}

fn charset_in_tag(tag: &[u8]) -> Option<&'static Encoding> {
    let pos = find(tag, b"charset")?;
    let after = tag.get(pos + b"charset".len()..)?;
    let after = trim_start(after);
    let after = after.strip_prefix(b"=")?;
    let after = trim_start(after);
    let after = after
        .strip_prefix(b"\"")
        .or_else(|| after.strip_prefix(b"'"))
        .unwrap_or(after);
    let len = after
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || b"-_:.".contains(b)))
        .unwrap_or(after.len());
    Encoding::for_label(after.get(..len)?)
}

fn trim_start(b: &[u8]) -> &[u8] {
    let skip = b.iter().take_while(|c| c.is_ascii_whitespace()).count();
    b.get(skip..).unwrap_or_default()
}

pub(crate) fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::{EUC_JP, SHIFT_JIS};

    const JA: &str = "再生医療等の安全性の確保等に関する法律に基づく緊急命令について。架空クリニックに対し提供の一時停止を命じました。";

    /// `raw` decodes to `JA`, read as `encoding`.
    fn assert_reads_ja(
        raw: &[u8],
        content_type: Option<&str>,
        html: bool,
        encoding: &'static Encoding,
    ) {
        let d = decode_text(raw, content_type, html);
        assert_eq!(d.encoding, encoding);
        assert_eq!(d.text, JA);
    }

    #[test]
    fn bom_wins() {
        let mut raw = vec![0xEF, 0xBB, 0xBF];
        raw.extend_from_slice(JA.as_bytes());
        assert_reads_ja(&raw, Some("text/html; charset=shift_jis"), true, UTF_8);
    }

    #[test]
    fn header_charset_used_when_right() {
        let (raw, _, _) = EUC_JP.encode(JA);
        assert_reads_ja(&raw, Some("text/html; charset=\"EUC-JP\""), true, EUC_JP);
    }

    #[test]
    fn wrong_utf8_header_on_shift_jis_is_detected() {
        let (raw, _, _) = SHIFT_JIS.encode(JA);
        assert_reads_ja(&raw, Some("text/html; charset=UTF-8"), true, SHIFT_JIS);
    }

    #[test]
    fn wrong_latin1_header_on_shift_jis_is_detected() {
        let (raw, _, _) = SHIFT_JIS.encode(JA);
        assert_reads_ja(
            &raw,
            Some("text/plain; charset=iso-8859-1"),
            false,
            SHIFT_JIS,
        );
    }

    #[test]
    fn meta_charset_both_forms() {
        let page = format!(
            "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=Shift_JIS\"><title>{JA}</title></head></html>"
        );
        let (raw, _, _) = SHIFT_JIS.encode(&page);
        assert_eq!(meta_charset(&raw), Some(SHIFT_JIS));
        let d = decode_text(&raw, Some("text/html"), true);
        assert_eq!(d.encoding, SHIFT_JIS);
        assert!(d.text.contains(JA));
        assert_eq!(meta_charset(b"<META CHARSET=euc-jp>"), Some(EUC_JP));
        assert_eq!(meta_charset(b"<meta charset='utf-16'>"), Some(UTF_8));
        assert_eq!(meta_charset(b"<meta name=x><p>charset=euc-jp"), None);
    }

    #[test]
    fn no_declaration_is_guessed() {
        let (raw, _, _) = EUC_JP.encode(JA);
        assert_reads_ja(&raw, None, false, EUC_JP);
        let d = decode_text(JA.as_bytes(), None, false);
        assert_eq!(d.encoding, UTF_8);
    }

    #[test]
    fn charset_param_parsing() {
        assert_eq!(
            charset_param("text/csv; Charset=Windows-31J"),
            Some(SHIFT_JIS)
        );
        assert_eq!(charset_param("text/csv"), None);
        assert_eq!(charset_param("text/csv; charset=bogus"), None);
    }
}
