//! Source health: per public source, whether its last crawl succeeded, what mieru holds from
//! it, which documents could not be fetched or read, and what mieru does not read at all.
//!
//! "Unavailable" means the last finished crawl of the source was incomplete (a start URL or
//! the server failed). Such a crawl marks nothing removed (see `ingest::StoreSink`), so an
//! outage never looks like a delisting.

use super::source_catalogue::{Catalogue, CATALOGUE};
use crate::store::{self, crawl_state, documents, DbConnection, StoreError};
use chrono::NaiveDateTime;
use mieru_web::model::{DocumentProblem, KnownGap, SourceHealth, SourcesReport};

/// Problem documents listed per source (the newest); the counts above them are complete.
pub const MAX_PROBLEMS: i64 = 50;

fn utc(t: NaiveDateTime) -> chrono::DateTime<chrono::Utc> {
    t.and_utc()
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// The health of one source.
pub fn source_health(conn: &mut DbConnection, name: &str) -> Result<SourceHealth, StoreError> {
    let cat: Option<&Catalogue> = CATALOGUE.iter().find(|c| c.name == name);
    let adapter = mieru_crawler::adapters::by_name(name);
    let runs = crawl_state::recent_runs(conn, name, 20)?;
    let last_finished = runs.iter().find(|r| r.finished_at.is_some());
    let success = crawl_state::last_complete_run(conn, name)?;
    let status = match last_finished {
        None => "not_crawled",
        Some(r) if r.complete => "available",
        Some(_) => "unavailable",
    };
    let (documents_live, documents_removed) = documents::counts_of_source(conn, name)?;
    // Counted when the read models were last written: counting per request read every index
    // entry of the source's facts.
    let (facts_live, facts_retracted) = store::read_models::source_fact_counts(conn, name)?;

    let mut problems: Vec<DocumentProblem> = Vec::new();
    for (snap, doc) in documents::unparsed_snapshots(conn, name, MAX_PROBLEMS)? {
        // An old version that failed and was since replaced by a readable one is history.
        if doc.current_sha256.as_deref() != Some(snap.sha256.as_str()) {
            continue;
        }
        problems.push(DocumentProblem {
            url: doc.url,
            kind: "parse_error".into(),
            detail: snap.parse_error.unwrap_or_default(),
            at: utc(snap.fetched_at),
            sha256: Some(snap.sha256),
        });
    }
    for doc in documents::failed_documents(conn, name, MAX_PROBLEMS)? {
        problems.push(DocumentProblem {
            url: doc.url,
            kind: "fetch_error".into(),
            detail: doc.last_error.unwrap_or_default(),
            at: utc(doc.last_error_at.unwrap_or(doc.last_seen)),
            sha256: doc.current_sha256,
        });
    }
    problems.sort_by(|a, b| b.at.cmp(&a.at).then(a.url.cmp(&b.url)));
    problems.truncate(usize::try_from(MAX_PROBLEMS).unwrap_or(50));

    let known_gaps: Vec<KnownGap> = cat
        .map(|c| c.gaps)
        .unwrap_or_default()
        .iter()
        .map(|(ja, en)| KnownGap {
            ja: (*ja).to_owned(),
            en: (*en).to_owned(),
        })
        .collect();
    Ok(SourceHealth {
        source: name.to_owned(),
        description_ja: cat.map(|c| c.ja).unwrap_or(name).to_owned(),
        description_en: cat.map(|c| c.en).unwrap_or(name).to_owned(),
        hosts: adapter
            .as_ref()
            .map(|a| a.hosts().iter().map(|h| (*h).to_owned()).collect())
            .unwrap_or_default(),
        enabled_by_default: cat.is_none_or(|c| c.enabled_by_default),
        entry_points: cat.map(|c| c.entry_points()).unwrap_or_default(),
        terms: cat.map(|c| c.terms()).unwrap_or_default(),
        status: status.to_owned(),
        last_success: success.and_then(|r| r.finished_at).map(utc),
        last_attempt: runs.first().map(|r| utc(r.started_at)),
        last_attempt_failed: last_finished.is_some_and(|r| !r.complete),
        last_note: last_finished
            .and_then(|r| r.note.clone())
            .filter(|n| !n.is_empty()),
        documents_live: count(documents_live),
        documents_removed: count(documents_removed),
        facts_live: count(facts_live),
        facts_retracted: count(facts_retracted),
        problems,
        known_gaps,
    })
}

/// Every source the crawler knows, in the order of the command line's list.
pub fn report(conn: &mut DbConnection) -> Result<SourcesReport, StoreError> {
    let mut sources = Vec::new();
    for adapter in mieru_crawler::adapters::all() {
        sources.push(source_health(conn, adapter.name())?);
    }
    Ok(SourcesReport {
        sources,
        checked_at: store::now().and_utc(),
    })
}
