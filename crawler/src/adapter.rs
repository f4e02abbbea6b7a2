//! The adapter contract: one module per public source.
//!
//! An adapter knows where its source starts, which documents it links to, and how to turn one
//! decoded document into facts. It never fetches by itself and never touches storage: the
//! crawl driver fetches, and a [`crate::sink::Sink`] stores what the adapter returns.

use crate::document::Document;
use crate::provenance::Fact;
use url::Url;

/// What an adapter read from one document.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Parsed {
    pub facts: Vec<Fact>,
    /// Further documents of this source to fetch (already absolute, real-host URLs).
    pub links: Vec<Url>,
}

/// Why a document could not be read. The document is still archived; the error is recorded
/// against it and shown on the source-health page.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ParseError {
    #[error("unexpected document kind: {0}")]
    WrongKind(String),
    #[error("no recognisable content: {0}")]
    NoContent(String),
    #[error("malformed document: {0}")]
    Malformed(String),
}

pub trait Adapter: Send + Sync {
    /// The adapter's name on the command line and in the database (`mhlw-press`, …).
    fn name(&self) -> &'static str;

    /// Real hosts this source may fetch from; links to any other host are never followed.
    fn hosts(&self) -> &'static [&'static str];

    /// Where a crawl of this source begins.
    fn start_urls(&self) -> Vec<Url>;

    /// Read one document. `doc.meta.url` is the real URL even when fetched from a mirror.
    fn parse(&self, doc: &Document) -> Result<Parsed, ParseError>;
}
