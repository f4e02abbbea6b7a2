//! Ingest: what the crawler fetched goes into the archive and the store. Implements the
//! crawler's `Sink`: each document is archived first (content-addressed, idempotent), then
//! recorded with its facts in one transaction.
//!
//! May depend on: `archive`, `store`, the crawler's `Sink` contract.
//! Must not depend on: the later stages (`resolve`, `project`, `index`), `serve` or `app`.

use crate::archive::Archive;
use crate::store::{self, DbPool};
use chrono::{DateTime, Utc};
use mieru_crawler::fetch::RawBody;
use mieru_crawler::provenance::DocumentMeta;
use mieru_crawler::sink::{ParseOutcome, Sink, SinkError, Validators};

/// Counts of what an ingest changed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct IngestStats {
    pub documents: usize,
    pub new_snapshots: usize,
    pub facts_added: usize,
    pub facts_retracted: usize,
    pub parse_errors: usize,
    pub removed: usize,
}

pub struct StoreSink {
    pool: DbPool,
    archive: Archive,
    pub stats: IngestStats,
    runs: std::collections::HashMap<String, i64>,
}

fn sink_err(e: impl std::fmt::Display) -> SinkError {
    SinkError(e.to_string())
}

impl StoreSink {
    pub fn new(pool: DbPool, archive: Archive) -> Self {
        Self {
            pool,
            archive,
            stats: IngestStats::default(),
            runs: Default::default(),
        }
    }

    fn conn(&self) -> Result<store::PooledConn, SinkError> {
        self.pool.get().map_err(sink_err)
    }

    /// Records that a crawl of `source` began (for source health); idempotent per source.
    pub fn crawl_started(&mut self, source: &str, at: DateTime<Utc>) -> Result<(), SinkError> {
        let mut conn = self.conn()?;
        let id =
            store::crawl_state::start_run(&mut conn, source, at.naive_utc()).map_err(sink_err)?;
        self.runs.insert(source.to_owned(), id);
        Ok(())
    }
}

impl Sink for StoreSink {
    fn validators(&mut self, source: &str, url: &str) -> Result<Option<Validators>, SinkError> {
        let mut conn = self.conn()?;
        let doc = store::documents::find(&mut conn, source, url).map_err(sink_err)?;
        let Some(d) = doc else { return Ok(None) };
        let unreadable = match &d.current_sha256 {
            Some(sha) => {
                store::documents::snapshot_unreadable(&mut conn, d.id, sha).map_err(sink_err)?
            }
            None => false,
        };
        Ok(Some(Validators {
            etag: d.etag,
            last_modified: d.last_modified,
            sha256: d.current_sha256,
            unreadable,
        }))
    }

    fn document(
        &mut self,
        meta: &DocumentMeta,
        raw: &RawBody,
        outcome: &ParseOutcome,
    ) -> Result<bool, SinkError> {
        // Archive before the database: a crash in between leaves an unreferenced file (harmless,
        // re-used on the next fetch), never a row pointing at missing bytes.
        self.archive
            .put_body(raw, &meta.sha256)
            .map_err(|e| SinkError(format!("{}: {e}", meta.url)))?;
        let error_text;
        let facts = match outcome {
            Ok(parsed) => Ok(parsed.facts.as_slice()),
            Err(e) => {
                error_text = e.to_string();
                self.stats.parse_errors += 1;
                Err(error_text.as_str())
            }
        };
        let mut conn = self.conn()?;
        let recorded = store::documents::record_fetch(&mut conn, meta, facts).map_err(sink_err)?;
        self.stats.documents += 1;
        self.stats.new_snapshots += usize::from(recorded.new_snapshot);
        self.stats.facts_added += recorded.facts_added;
        self.stats.facts_retracted += recorded.facts_retracted;
        Ok(recorded.new_snapshot)
    }

    fn unchanged(&mut self, source: &str, url: &str, at: DateTime<Utc>) -> Result<(), SinkError> {
        let mut conn = self.conn()?;
        self.stats.documents += 1;
        store::documents::mark_unchanged(&mut conn, source, url, at.naive_utc()).map_err(sink_err)
    }

    fn gone(&mut self, source: &str, url: &str, at: DateTime<Utc>) -> Result<(), SinkError> {
        let mut conn = self.conn()?;
        if store::documents::mark_removed(&mut conn, source, url, at.naive_utc())
            .map_err(sink_err)?
        {
            self.stats.removed += 1;
        }
        Ok(())
    }

    fn failed(
        &mut self,
        source: &str,
        url: &str,
        error: &str,
        at: DateTime<Utc>,
    ) -> Result<(), SinkError> {
        let mut conn = self.conn()?;
        store::documents::mark_failed(&mut conn, source, url, error, at.naive_utc())
            .map_err(sink_err)
    }

    fn archived(&mut self, source: &str, url: &str) -> Result<Option<Vec<u8>>, SinkError> {
        let mut conn = self.conn()?;
        let Some(doc) = store::documents::find(&mut conn, source, url).map_err(sink_err)? else {
            return Ok(None);
        };
        match doc.current_sha256 {
            Some(sha) => self.archive.get(&sha).map_err(sink_err),
            None => Ok(None),
        }
    }

    fn crawl_finished(
        &mut self,
        source: &str,
        started_at: DateTime<Utc>,
        seen_urls: &[String],
        complete: bool,
    ) -> Result<(), SinkError> {
        let mut conn = self.conn()?;
        let now = store::now();
        let mut note = String::new();
        if complete {
            let removed = store::documents::mark_unseen_removed(&mut conn, source, seen_urls, now)
                .map_err(sink_err)?;
            self.stats.removed += removed.len();
            if !removed.is_empty() {
                note = format!("{} documents no longer published", removed.len());
            }
        } else {
            note = "incomplete crawl: nothing marked removed".into();
        }
        let run = match self.runs.get(source) {
            Some(id) => *id,
            None => store::crawl_state::start_run(&mut conn, source, started_at.naive_utc())
                .map_err(sink_err)?,
        };
        store::crawl_state::finish_run(&mut conn, run, now, complete, seen_urls.len(), &note)
            .map_err(sink_err)
    }
}
