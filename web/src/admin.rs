//! Public types of the admin operations: ingesting a document through a server (`POST
//! /api/v1/admin/ingest`), the same pipeline as `mieru ingest`, followed by a resolve that
//! runs as a job (see [`crate::jobs`]).

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::jobs::JobRef;

/// Longest `source` name accepted (the real ones are a dozen characters).
pub const MAX_SOURCE_CHARS: usize = 40;
/// Longest `url` accepted.
pub const MAX_URL_CHARS: usize = 2_000;
/// Longest `filename` accepted.
pub const MAX_FILENAME_CHARS: usize = 200;
/// Largest document accepted: the crawler's own size cap.
pub const MAX_DOCUMENT_BYTES: usize = 20 * 1024 * 1024;

/// Query parameters of `POST /api/v1/admin/ingest`. Strings, so each gets our own error code.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IngestParams {
    /// The source whose parser reads the document: `mhlw-press`, `kouseikyoku`, `e-saisei`,
    /// `jrct` or `houjin-bangou`.
    pub source: Option<String>,
    /// Where the document is published (`http(s)://…`). Given, it is the document's identity:
    /// a later ingest or crawl of the same URL is a new version of the same document.
    pub url: Option<String>,
    /// The file's name (its extension tells the format). Without `url`, the document is keyed
    /// by its content hash and this name, as `mieru ingest` does.
    pub filename: Option<String>,
}

/// A validated ingest request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngestRequest {
    pub source: String,
    pub url: Option<String>,
    pub filename: Option<String>,
}

/// The answer of `POST /api/v1/admin/ingest`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct IngestResult {
    pub source: String,
    /// The document's identity as stored (the given URL, or `file:///<sha256>/<filename>`).
    pub url: String,
    /// SHA-256 of the bytes, as archived: `GET /api/v1/documents/{sha256}` returns them.
    pub sha256: String,
    /// False when these exact bytes were already archived for this document.
    pub new_snapshot: bool,
    pub facts_added: u64,
    pub facts_retracted: u64,
    /// Why the source's parser could not read the document (it is archived all the same).
    pub parse_error: Option<String>,
    /// The job that resolves the registry with the document and re-indexes: its status tells
    /// the data version the document shows in, and what resolving produced.
    pub job: JobRef,
}
