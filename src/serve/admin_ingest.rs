//! Ingesting one document through a running server (`POST /api/v1/admin/ingest`): archive,
//! parse with the source's adapter and record with its facts — the steps of `mieru ingest` —
//! then an audit entry naming the admin and a queued refresh job, which resolves and
//! re-indexes (`mieru resolve`) in the background.

use crate::archive::Archive;
use crate::pipeline::ingest::StoreSink;
use crate::pipeline::job_worker::JobBell;
use crate::pipeline::jobs::{job_ref, queue_refresh};
use crate::store::curation::NewAudit;
use crate::store::{self, DbPool, StoreError};
use diesel::Connection;
use mieru_crawler::adapter::Adapter;
use mieru_crawler::document::Document;
use mieru_crawler::fetch::RawBody;
use mieru_crawler::provenance::DocumentMeta;
use mieru_crawler::sink::{Sink, SinkError};
use mieru_web::admin::{IngestRequest, IngestResult};
use mieru_web::curation::CuratorInfo;
use mieru_web::registry::RegistryError;

/// What reading and recording one document left.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub meta: DocumentMeta,
    pub new_snapshot: bool,
    /// Why the adapter could not read it (it is archived and recorded all the same).
    pub parse_error: Option<String>,
}

/// Reads `bytes` with `adapter` and hands them to `sink` (archive, then one transaction).
/// The document is keyed by `url` when given, else by content hash and `name` (as files are).
pub fn record_bytes(
    sink: &mut StoreSink,
    adapter: &dyn Adapter,
    name: &str,
    url: Option<&str>,
    bytes: &[u8],
) -> Result<Recorded, SinkError> {
    let (mut meta, body) = mieru_crawler::crawl::read_file(adapter, name, bytes);
    if let Some(url) = url {
        // Before parsing: adapters derive identifiers (e.g. an action's) from the URL.
        meta.url = url.to_owned();
    }
    let doc = Document { meta, body };
    let outcome = adapter.parse(&doc);
    let raw = RawBody::Memory(bytes.to_vec());
    let new_snapshot = sink.document(&doc.meta, &raw, &outcome)?;
    Ok(Recorded {
        parse_error: outcome.err().map(|e| e.to_string()),
        new_snapshot,
        meta: doc.meta,
    })
}

/// The file name a document is read as: the given one, else the URL's last segment.
fn file_name(request: &IngestRequest) -> String {
    let from_url = request.url.as_deref().and_then(|u| {
        url::Url::parse(u)
            .ok()?
            .path_segments()?
            .rev()
            .find(|s| !s.is_empty())
            .map(str::to_owned)
    });
    request
        .filename
        .clone()
        .or(from_url)
        .unwrap_or_else(|| "document".into())
}

fn unavailable(e: impl std::fmt::Display) -> RegistryError {
    RegistryError::Unavailable(e.to_string())
}

/// Archives and records the document, and queues the refresh that resolves and re-indexes
/// it, with the audit entry naming the admin; see the module doc.
pub fn ingest_document(
    pool: &DbPool,
    archive: &Archive,
    bell: &JobBell,
    request: &IngestRequest,
    bytes: &[u8],
    by: &CuratorInfo,
) -> Result<IngestResult, RegistryError> {
    let adapter = mieru_crawler::adapters::by_name(&request.source).ok_or_else(|| {
        RegistryError::BadRequest(format!(
            "unknown source {:?}; known sources: mhlw-press, kouseikyoku, e-saisei, jrct, houjin-bangou",
            request.source
        ))
    })?;
    let mut sink = StoreSink::new(pool.clone(), archive.clone());
    let recorded = record_bytes(
        &mut sink,
        adapter.as_ref(),
        &file_name(request),
        request.url.as_deref(),
        bytes,
    )
    .map_err(unavailable)?;

    let count = |n: usize| u64::try_from(n).unwrap_or(u64::MAX);
    let (facts_added, facts_retracted) = (
        count(sink.stats.facts_added),
        count(sink.stats.facts_retracted),
    );
    let detail = serde_json::json!({
        "source": recorded.meta.source,
        "sha256": recorded.meta.sha256,
        "new_snapshot": recorded.new_snapshot,
        "facts_added": facts_added,
        "facts_retracted": facts_retracted,
        "parse_error": recorded.parse_error,
    })
    .to_string();
    // The sink has committed the document in its own transaction; the audit entry and the job
    // go in the next one. Were the process to die in between, the document stays recorded
    // and the next resolve (any job, crawl or `mieru resolve`) shows it.
    let mut conn = pool.get().map_err(|e| unavailable(StoreError::from(e)))?;
    let job = conn
        .transaction(|conn| -> Result<_, StoreError> {
            store::curation::audit(
                conn,
                NewAudit {
                    actor: &by.name,
                    action: "ingest",
                    target: &recorded.meta.url,
                    detail: &detail,
                    reason: "admin ingest",
                    created_at: store::now(),
                },
            )?;
            queue_refresh(conn, &by.name, "ingest", &recorded.meta.url)
        })
        .map_err(unavailable)?;
    bell.ring();
    Ok(IngestResult {
        source: recorded.meta.source,
        url: recorded.meta.url,
        sha256: recorded.meta.sha256,
        new_snapshot: recorded.new_snapshot,
        facts_added,
        facts_retracted,
        parse_error: recorded.parse_error,
        job: job_ref(&job).map_err(unavailable)?,
    })
}
