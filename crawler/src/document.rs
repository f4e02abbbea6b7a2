//! A fetched document decoded into something an adapter can read.

use crate::provenance::DocumentMeta;

/// The decoded body. Raw bytes stay in the archive; this is the adapter's view.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// HTML decoded to UTF-8.
    Html(String),
    /// Plain text: text extracted from a PDF, or a text/plain body.
    Text(String),
    /// Spreadsheet (xls/xlsx/ods): sheets of rows of cell strings.
    Sheets(Vec<Sheet>),
    /// CSV decoded to UTF-8 records (no header handling: adapters know their columns).
    Csv(Vec<Vec<String>>),
    /// A ZIP archive: its members, each decoded on its own.
    Zip(Vec<(String, Body)>),
    /// Anything else (images, unknown binaries): kept in the archive, not readable.
    Binary,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub name: String,
    pub rows: Vec<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub meta: DocumentMeta,
    pub body: Body,
}
