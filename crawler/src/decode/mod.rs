//! Turning raw bytes into a [`Body`] an adapter can read.
//!
//! Decoding never fails: what cannot be read becomes [`Body::Binary`] (or lossy text), and the
//! raw bytes stay in the archive either way. The kind is sniffed from magic bytes first (they
//! cannot lie), then the Content-Type, then the URL's extension, then the content itself.

mod archive;
mod fetched;
mod pdf;
mod sheet;
mod text;

pub use fetched::decode_fetched;
pub use pdf::{extract_in_process as pdf_text_in_process, extract_text as pdf_text};
pub use sheet::read_sheets;
pub use text::{charset_param, decode_text, meta_charset, DecodedText};

use crate::document::Body;
use crate::provenance::DocumentMeta;

/// The kinds of body the crawler understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Html,
    Pdf,
    /// xls, xlsx, xlsb, ods.
    Sheet,
    Csv,
    Zip,
    Text,
    Binary,
}

/// Caps that keep a hostile archive from exhausting memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodeLimits {
    /// Total uncompressed bytes read out of one ZIP.
    pub zip_max_total: u64,
    /// Members decoded out of one ZIP.
    pub zip_max_members: usize,
}

impl Default for DecodeLimits {
    fn default() -> Self {
        Self {
            zip_max_total: 256 * 1024 * 1024,
            zip_max_members: 10_000,
        }
    }
}

/// Decode a document with the default limits, recording the text encoding in `meta.encoding`.
pub fn decode(meta: &mut DocumentMeta, raw: &[u8]) -> Body {
    decode_with_limits(meta, raw, &DecodeLimits::default())
}

pub fn decode_with_limits(meta: &mut DocumentMeta, raw: &[u8], limits: &DecodeLimits) -> Body {
    let kind = sniff(meta.content_type.as_deref(), &meta.url, raw);
    let (body, encoding) = decode_kind(kind, meta.content_type.as_deref(), raw, limits, 0);
    meta.encoding = encoding.map(|e| e.name().to_string());
    body
}

/// ZIP members are decoded this deep; a ZIP inside a ZIP stays binary.
const MAX_ZIP_DEPTH: u32 = 1;

fn decode_kind(
    kind: Kind,
    content_type: Option<&str>,
    raw: &[u8],
    limits: &DecodeLimits,
    depth: u32,
) -> (Body, Option<&'static encoding_rs::Encoding>) {
    match kind {
        Kind::Html => {
            let d = decode_text(raw, content_type, true);
            (Body::Html(d.text), Some(d.encoding))
        }
        Kind::Text => {
            let d = decode_text(raw, content_type, false);
            (Body::Text(d.text), Some(d.encoding))
        }
        Kind::Csv => {
            let d = decode_text(raw, content_type, false);
            (Body::Csv(parse_csv(&d.text)), Some(d.encoding))
        }
        Kind::Pdf => (
            pdf::extract_text(raw).map_or(Body::Binary, Body::Text),
            None,
        ),
        Kind::Sheet => (
            sheet::read_sheets(raw).map_or(Body::Binary, Body::Sheets),
            None,
        ),
        Kind::Zip if depth < MAX_ZIP_DEPTH => {
            let member = |name: &str, bytes: &[u8]| {
                let kind = sniff(None, name, bytes);
                decode_kind(kind, None, bytes, limits, depth + 1).0
            };
            let body =
                archive::read_zip(raw, limits.zip_max_total, limits.zip_max_members, &member)
                    .map_or(Body::Binary, Body::Zip);
            (body, None)
        }
        Kind::Zip | Kind::Binary => (Body::Binary, None),
    }
}

/// CSV records, flexible in width; a malformed record is skipped, never the file.
pub(crate) fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        match record {
            Ok(r) => rows.push(r.iter().map(str::to_string).collect()),
            Err(e) => tracing::warn!(record = i, error = %e, "bad CSV record skipped"),
        }
    }
    rows
}

/// Content types that say nothing about the content: the extension decides instead.
fn is_generic_type(mime: &str) -> bool {
    matches!(
        mime,
        "" | "application/octet-stream"
            | "binary/octet-stream"
            | "application/download"
            | "application/force-download"
            | "application/x-download"
            | "application/unknown"
            | "text/plain"
    )
}

/// Decide what kind of body `raw` is.
pub fn sniff(content_type: Option<&str>, url: &str, raw: &[u8]) -> Kind {
    let mime = content_type
        .and_then(|ct| ct.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let ext = extension(url);

    // Magic bytes first: a PDF served as text/html is still a PDF.
    // Readers accept the PDF header anywhere in the first 1 KiB; trust that only when the
    // server does not claim something specific, so a page quoting "%PDF-" stays a page.
    if raw.starts_with(b"%PDF-")
        || ((is_generic_type(&mime) || mime.contains("pdf"))
            && text::find(raw.get(..1024).unwrap_or(raw), b"%PDF-").is_some())
    {
        return Kind::Pdf;
    }
    if raw.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        // OLE2 compound file: the legacy Excel container (Word too, which will fall to Binary).
        return Kind::Sheet;
    }
    if raw.starts_with(b"PK\x03\x04") || raw.starts_with(b"PK\x05\x06") {
        return if is_sheet_type(&mime) || is_sheet_ext(&ext) || zip_is_workbook(raw) {
            Kind::Sheet
        } else {
            Kind::Zip
        };
    }

    if !is_generic_type(&mime) {
        match mime.as_str() {
            "text/html" | "application/xhtml+xml" => return Kind::Html,
            "application/pdf" | "application/x-pdf" => return Kind::Pdf,
            m if is_sheet_type(m) => return Kind::Sheet,
            "text/csv" | "application/csv" | "text/comma-separated-values" => return Kind::Csv,
            "application/zip" | "application/x-zip-compressed" | "application/x-zip" => {
                return Kind::Zip
            }
            m if m.starts_with("image/")
                || m.starts_with("audio/")
                || m.starts_with("video/")
                || m.starts_with("font/") =>
            {
                return Kind::Binary
            }
            m if m.starts_with("text/")
                || m == "application/json"
                || m == "application/xml"
                || m.ends_with("+xml")
                || m.ends_with("+json") =>
            {
                return if looks_binary(raw) {
                    Kind::Binary
                } else {
                    Kind::Text
                };
            }
            _ => {}
        }
    }

    match ext.as_str() {
        "html" | "htm" | "shtml" | "xhtml" => return Kind::Html,
        "pdf" => return Kind::Pdf,
        e if is_sheet_ext(e) => return Kind::Sheet,
        "csv" => return Kind::Csv,
        "zip" => return Kind::Zip,
        "txt" | "text" | "xml" | "json" => return Kind::Text,
        _ => {}
    }

    if looks_binary(raw) {
        Kind::Binary
    } else if looks_like_html(raw) {
        Kind::Html
    } else {
        Kind::Text
    }
}

fn is_sheet_type(mime: &str) -> bool {
    matches!(
        mime,
        "application/vnd.ms-excel"
            | "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            | "application/vnd.ms-excel.sheet.macroenabled.12"
            | "application/vnd.ms-excel.sheet.binary.macroenabled.12"
            | "application/vnd.oasis.opendocument.spreadsheet"
    )
}

fn is_sheet_ext(ext: &str) -> bool {
    matches!(ext, "xls" | "xlsx" | "xlsm" | "xlsb" | "ods")
}

/// An OOXML or ODF workbook names its parts in the ZIP's central directory (stored uncompressed).
fn zip_is_workbook(raw: &[u8]) -> bool {
    text::find(raw, b"xl/workbook.").is_some()
        || text::find(raw, b"application/vnd.oasis.opendocument.spreadsheet").is_some()
}

/// Lower-case extension of the last path segment of a URL or file name.
fn extension(url: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or_default();
    let last = path.rsplit('/').next().unwrap_or_default();
    match last.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => ext.to_ascii_lowercase(),
        _ => String::new(),
    }
}

/// NUL bytes in the first 8 KiB mean binary (UTF-16 text has a BOM and is handled before).
fn looks_binary(raw: &[u8]) -> bool {
    if encoding_rs::Encoding::for_bom(raw).is_some() {
        return false;
    }
    raw.iter().take(8192).any(|&b| b == 0)
}

fn looks_like_html(raw: &[u8]) -> bool {
    let head: Vec<u8> = raw.iter().take(1024).map(u8::to_ascii_lowercase).collect();
    ["<!doctype html", "<html", "<head", "<body", "<table"]
        .iter()
        .any(|tag| text::find(&head, tag.as_bytes()).is_some())
}

#[cfg(test)]
mod tests {
    use super::archive::tests::make_zip;
    use super::*;
    use crate::document::Sheet;
    use chrono::Utc;
    use encoding_rs::SHIFT_JIS;

    fn meta(url: &str, ct: Option<&str>) -> DocumentMeta {
        DocumentMeta {
            source: "test".into(),
            url: url.into(),
            fetched_at: Utc::now(),
            http_status: 200,
            content_type: ct.map(str::to_string),
            etag: None,
            last_modified: None,
            sha256: String::new(),
            size: 0,
            encoding: None,
        }
    }

    /// A minimal xlsx with inline strings, built by hand (no writer crate needed).
    fn tiny_xlsx() -> Vec<u8> {
        const NS: &str = "http://schemas.openxmlformats.org";
        let types = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{NS}/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#
        );
        let rels = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{NS}/package/2006/relationships"><Relationship Id="rId1" Type="{NS}/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
        );
        let workbook = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{NS}/spreadsheetml/2006/main" xmlns:r="{NS}/officeDocument/2006/relationships"><sheets><sheet name="一覧" sheetId="1" r:id="rId1"/></sheets></workbook>"#
        );
        let wb_rels = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{NS}/package/2006/relationships"><Relationship Id="rId1" Type="{NS}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#
        );
        let sheet = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>施設番号</t></is></c><c r="B1" t="inlineStr"><is><t>名称</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>FC3990001</t></is></c><c r="B2"><v>42</v></c></row></sheetData></worksheet>"#
        );
        make_zip(&[
            ("[Content_Types].xml", types.as_bytes()),
            ("_rels/.rels", rels.as_bytes()),
            ("xl/workbook.xml", workbook.as_bytes()),
            ("xl/_rels/workbook.xml.rels", wb_rels.as_bytes()),
            ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
        ])
    }

    #[test]
    fn sniffing_prefers_magic_then_type_then_extension() {
        assert_eq!(
            sniff(Some("text/html"), "https://x.jp/a.html", b"%PDF-1.4 ..."),
            Kind::Pdf
        );
        assert_eq!(
            sniff(
                Some("application/octet-stream"),
                "https://x.jp/a.csv",
                b"a,b"
            ),
            Kind::Csv
        );
        assert_eq!(
            sniff(Some("text/plain"), "https://x.jp/a.csv", b"a,b"),
            Kind::Csv
        );
        assert_eq!(
            sniff(
                Some("text/csv; charset=shift_jis"),
                "https://x.jp/dl?id=1",
                b"a"
            ),
            Kind::Csv
        );
        assert_eq!(
            sniff(None, "https://x.jp/stf/houdou/1.html", b"<p>"),
            Kind::Html
        );
        assert_eq!(
            sniff(None, "https://x.jp/dl", b"<!DOCTYPE html><html>"),
            Kind::Html
        );
        assert_eq!(sniff(None, "https://x.jp/dl", b"plain words"), Kind::Text);
        assert_eq!(
            sniff(None, "https://x.jp/dl", b"\x89PNG\r\n\x1a\n\0\0"),
            Kind::Binary
        );
        assert_eq!(
            sniff(Some("image/png"), "https://x.jp/a.html", b"x"),
            Kind::Binary
        );
        assert_eq!(
            sniff(None, "file:///data.zip", &make_zip(&[("a", b"b")])),
            Kind::Zip
        );
        assert_eq!(sniff(None, "https://x.jp/dl", &tiny_xlsx()), Kind::Sheet);
        assert_eq!(extension("https://x.jp/a/b.XLSX?x=1.y#z"), "xlsx");
        assert_eq!(extension("https://x.jp/.hidden"), "");
    }

    #[test]
    fn html_with_wrong_charset_header() {
        let page = "<html><body><table><tr><td>医療法人社団架空会　みらい再生クリニック<td>東京都架空区</table>";
        let (raw, _, _) = SHIFT_JIS.encode(page);
        let mut m = meta("https://x.jp/p.html", Some("text/html; charset=utf-8"));
        assert_eq!(decode(&mut m, &raw), Body::Html(page.to_string()));
        assert_eq!(m.encoding.as_deref(), Some("Shift_JIS"));
    }

    #[test]
    fn shift_jis_csv() {
        let csv_text =
            "1,7000012050002,01,0,2018-04-02,\"株式会社架空細胞, 本社\"\r\n2,7000012050003\r\n";
        let (raw, _, _) = SHIFT_JIS.encode(csv_text);
        let mut m = meta(
            "https://x.jp/00_zenkoku.csv",
            Some("application/octet-stream"),
        );
        let Body::Csv(rows) = decode(&mut m, &raw) else {
            panic!("expected CSV");
        };
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0][5], "株式会社架空細胞, 本社");
        assert_eq!(rows[1], vec!["2", "7000012050003"]);
        assert_eq!(m.encoding.as_deref(), Some("Shift_JIS"));
    }

    #[test]
    fn xlsx_sheets() {
        let mut m = meta("https://x.jp/list.xlsx", None);
        let body = decode(&mut m, &tiny_xlsx());
        assert_eq!(
            body,
            Body::Sheets(vec![Sheet {
                name: "一覧".into(),
                rows: vec![
                    vec!["施設番号".into(), "名称".into()],
                    vec!["FC3990001".into(), "42".into()],
                ],
            }])
        );
        assert_eq!(m.encoding, None);
    }

    #[test]
    fn zip_members_decoded_one_level() {
        let (csv_sjis, _, _) = SHIFT_JIS.encode("架空法人,1\n");
        let inner = make_zip(&[("deep.csv", b"x,y")]);
        let z = make_zip(&[
            ("a.csv", &csv_sjis),
            ("list.xlsx", &tiny_xlsx()),
            ("inner.zip", &inner),
            ("note.txt", "お知らせ".as_bytes()),
        ]);
        let mut m = meta("https://x.jp/dl/all.zip", Some("application/zip"));
        let Body::Zip(members) = decode(&mut m, &z) else {
            panic!("expected zip");
        };
        assert_eq!(members.len(), 4);
        assert_eq!(
            members[0].1,
            Body::Csv(vec![vec!["架空法人".into(), "1".into()]])
        );
        assert!(matches!(&members[1].1, Body::Sheets(s) if s.len() == 1));
        assert_eq!(members[2].1, Body::Binary);
        assert_eq!(members[3].1, Body::Text("お知らせ".into()));
    }

    #[test]
    fn undecodable_is_binary_not_error() {
        let mut m = meta("https://x.jp/broken.pdf", Some("application/pdf"));
        assert_eq!(decode(&mut m, b"not really a pdf"), Body::Binary);
        let mut m = meta("https://x.jp/broken.xlsx", None);
        assert_eq!(decode(&mut m, b"PK\x03\x04garbage"), Body::Binary);
        let mut m = meta("https://x.jp/x.zip", None);
        assert_eq!(decode(&mut m, b"PK\x03\x04garbage"), Body::Binary);
    }

    #[test]
    fn malformed_html_still_decoded() {
        let page =
            "<html><body><div><table><tr><td>未閉じ「架空クリニック<td></div></span>&bogus;<<<";
        let mut m = meta("https://x.jp/bad.html", Some("text/html"));
        assert_eq!(
            decode(&mut m, page.as_bytes()),
            Body::Html(page.to_string())
        );
        assert_eq!(m.encoding.as_deref(), Some("UTF-8"));
    }
}
