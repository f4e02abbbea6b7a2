//! Where the crawl driver sends what it fetched. The root package implements this over the
//! database and the archive; tests implement it in memory.

use crate::adapter::Parsed;
use crate::provenance::DocumentMeta;
use crate::raw_body::RawBody;
use chrono::{DateTime, Utc};

/// Validators the sink remembers from the last fetch of a URL, for conditional GET.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub sha256: Option<String>,
    /// The stored snapshot could not be read (a parse error): a file that never changes is
    /// still fetched again, since what was stored may have been an error page, not the file.
    pub unreadable: bool,
}

/// The outcome of reading one document: its facts, or why they could not be read.
pub type ParseOutcome = Result<Parsed, crate::adapter::ParseError>;

#[derive(Debug, thiserror::Error)]
#[error("sink failed: {0}")]
pub struct SinkError(pub String);

pub trait Sink {
    /// Validators of the last stored fetch of `url`, if any.
    fn validators(&mut self, source: &str, url: &str) -> Result<Option<Validators>, SinkError>;

    /// A fetched document: archive `raw` (in memory, or a spooled file the archive may take
    /// by rename) and store the outcome, atomically. Returns whether the content was new (a
    /// snapshot was added).
    fn document(
        &mut self,
        meta: &DocumentMeta,
        raw: &RawBody,
        outcome: &ParseOutcome,
    ) -> Result<bool, SinkError>;

    /// The server answered 304: the stored snapshot is still current at `at`.
    fn unchanged(&mut self, source: &str, url: &str, at: DateTime<Utc>) -> Result<(), SinkError>;

    /// The server answered 404/410 for a document stored before: it was removed at `at`.
    fn gone(&mut self, source: &str, url: &str, at: DateTime<Utc>) -> Result<(), SinkError>;

    /// A fetch failed (after retries); nothing is removed because of it.
    fn failed(
        &mut self,
        source: &str,
        url: &str,
        error: &str,
        at: DateTime<Utc>,
    ) -> Result<(), SinkError>;

    /// Raw bytes of the last stored snapshot of `url`, if any. The crawl driver re-reads them
    /// after a 304 to learn the unchanged page's links (it emits no facts for them). The
    /// default knows no archive, so a 304 page's links are then not followed.
    fn archived(&mut self, source: &str, url: &str) -> Result<Option<Vec<u8>>, SinkError> {
        let _ = (source, url);
        Ok(None)
    }

    /// A crawl of `source` finished. `complete` is false when any fetch failed or the start
    /// documents could not be read; only a complete crawl may mark unseen documents removed.
    fn crawl_finished(
        &mut self,
        source: &str,
        started_at: DateTime<Utc>,
        seen_urls: &[String],
        complete: bool,
    ) -> Result<(), SinkError>;
}
