//! Archive metadata: documents (one per source and URL) and their snapshots (distinct contents).
//! Recording a fetch and its facts is one transaction, so a crash loses at most the document
//! in flight and a re-run never duplicates.

use super::models::*;
use super::schema::{documents, facts, snapshots};
use super::{facts as fact_store, DbConnection, StoreError};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use mieru_crawler::provenance::{DocumentMeta, Fact};

/// What recording one fetched document changed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RecordOutcome {
    pub document_id: i64,
    pub new_snapshot: bool,
    pub facts_added: usize,
    pub facts_retracted: usize,
}

pub fn find(
    conn: &mut DbConnection,
    source: &str,
    url: &str,
) -> Result<Option<DocumentRow>, StoreError> {
    Ok(documents::table
        .filter(documents::source.eq(source))
        .filter(documents::url.eq(url))
        .select(DocumentRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn by_id(conn: &mut DbConnection, id: i64) -> Result<DocumentRow, StoreError> {
    Ok(documents::table
        .find(id)
        .select(DocumentRow::as_select())
        .first(conn)?)
}

/// Stores one fetched document and, when it could be read, its facts.
/// `facts` is `Err(reason)` when the adapter could not read it: the snapshot is kept with the
/// reason and the facts stated by earlier snapshots stay as they were (nothing is lost).
pub fn record_fetch(
    conn: &mut DbConnection,
    meta: &DocumentMeta,
    facts: Result<&[Fact], &str>,
) -> Result<RecordOutcome, StoreError> {
    conn.transaction(|conn| {
        let at = meta.fetched_at.naive_utc();
        let doc = upsert_document(conn, meta, at)?;
        let known = snapshots::table
            .filter(snapshots::document_id.eq(doc.id))
            .filter(snapshots::sha256.eq(&meta.sha256))
            .select(snapshots::id)
            .first::<i64>(conn)
            .optional()?;
        let fact_count = facts.map(|f| f.len()).unwrap_or(0);
        let new_snapshot = known.is_none();
        if new_snapshot {
            diesel::insert_into(snapshots::table)
                .values(NewSnapshot {
                    document_id: doc.id,
                    sha256: &meta.sha256,
                    fetched_at: at,
                    http_status: i32::from(meta.http_status),
                    content_type: meta.content_type.as_deref(),
                    encoding: meta.encoding.as_deref(),
                    size: i64::try_from(meta.size).unwrap_or(i64::MAX),
                    parse_error: facts.err(),
                    fact_count: i32::try_from(fact_count).unwrap_or(i32::MAX),
                })
                .execute(conn)?;
        }
        let mut outcome = RecordOutcome {
            document_id: doc.id,
            new_snapshot,
            ..Default::default()
        };
        if let Ok(facts) = facts {
            let (added, retracted) = fact_store::restate(conn, &doc, &meta.sha256, facts, at)?;
            outcome.facts_added = added;
            outcome.facts_retracted = retracted;
        }
        Ok(outcome)
    })
}

fn upsert_document(
    conn: &mut DbConnection,
    meta: &DocumentMeta,
    at: NaiveDateTime,
) -> Result<DocumentRow, StoreError> {
    match find(conn, &meta.source, &meta.url)? {
        Some(doc) => {
            let changed = doc.current_sha256.as_deref() != Some(meta.sha256.as_str());
            diesel::update(documents::table.find(doc.id))
                .set((
                    documents::last_seen.eq(at),
                    documents::removed_at.eq(None::<NaiveDateTime>),
                    documents::current_sha256.eq(&meta.sha256),
                    documents::etag.eq(&meta.etag),
                    documents::last_modified.eq(&meta.last_modified),
                    documents::last_error.eq(None::<String>),
                ))
                .execute(conn)?;
            if changed {
                diesel::update(documents::table.find(doc.id))
                    .set(documents::last_changed.eq(at))
                    .execute(conn)?;
            }
            by_id(conn, doc.id)
        }
        None => {
            diesel::insert_into(documents::table)
                .values(NewDocument {
                    source: &meta.source,
                    url: &meta.url,
                    first_seen: at,
                    last_seen: at,
                    last_changed: at,
                    current_sha256: Some(&meta.sha256),
                    etag: meta.etag.as_deref(),
                    last_modified: meta.last_modified.as_deref(),
                })
                .execute(conn)?;
            find(conn, &meta.source, &meta.url)?
                .ok_or_else(|| StoreError::Corrupt("document vanished after insert".into()))
        }
    }
}

/// The server said the stored copy is still current (304): the document and its facts were
/// seen again.
pub fn mark_unchanged(
    conn: &mut DbConnection,
    source: &str,
    url: &str,
    at: NaiveDateTime,
) -> Result<(), StoreError> {
    conn.transaction(|conn| {
        if let Some(doc) = find(conn, source, url)? {
            diesel::update(documents::table.find(doc.id))
                .set((
                    documents::last_seen.eq(at),
                    documents::removed_at.eq(None::<NaiveDateTime>),
                    documents::last_error.eq(None::<String>),
                ))
                .execute(conn)?;
            diesel::update(
                facts::table
                    .filter(facts::document_id.eq(doc.id))
                    .filter(facts::retracted_at.is_null()),
            )
            .set(facts::last_seen.eq(at))
            .execute(conn)?;
        }
        Ok(())
    })
}

/// The document is no longer published. Its facts stay as history; they are marked as no
/// longer stated from `at` on, and the removal itself becomes a delisting event.
pub fn mark_removed(
    conn: &mut DbConnection,
    source: &str,
    url: &str,
    at: NaiveDateTime,
) -> Result<bool, StoreError> {
    conn.transaction(|conn| {
        let Some(doc) = find(conn, source, url)? else {
            return Ok(false);
        };
        if doc.removed_at.is_some() {
            return Ok(false);
        }
        diesel::update(documents::table.find(doc.id))
            .set((documents::removed_at.eq(at), documents::last_changed.eq(at)))
            .execute(conn)?;
        diesel::update(
            facts::table
                .filter(facts::document_id.eq(doc.id))
                .filter(facts::retracted_at.is_null()),
        )
        .set((facts::retracted_at.eq(at), facts::last_changed.eq(at)))
        .execute(conn)?;
        Ok(true)
    })
}

pub fn mark_failed(
    conn: &mut DbConnection,
    source: &str,
    url: &str,
    error: &str,
    at: NaiveDateTime,
) -> Result<(), StoreError> {
    diesel::update(
        documents::table
            .filter(documents::source.eq(source))
            .filter(documents::url.eq(url)),
    )
    .set((
        documents::last_error.eq(error),
        documents::last_error_at.eq(at),
    ))
    .execute(conn)?;
    Ok(())
}

/// After a complete crawl: every document of `source` not seen in it is removed at `at`.
pub fn mark_unseen_removed(
    conn: &mut DbConnection,
    source: &str,
    seen_urls: &[String],
    at: NaiveDateTime,
) -> Result<Vec<String>, StoreError> {
    let seen: std::collections::HashSet<&str> = seen_urls.iter().map(String::as_str).collect();
    let known: Vec<String> = documents::table
        .filter(documents::source.eq(source))
        .filter(documents::removed_at.is_null())
        .filter(documents::url.not_like("file:%"))
        // A file named by a form download (`…/download/sabun/#20261101_diff_csv_unicode`)
        // rotates off its page after a while: no longer offered is not withdrawn, and its
        // facts are the corporation's history.
        .filter(documents::url.not_like("%#%"))
        .select(documents::url)
        .load(conn)?;
    let mut removed = Vec::new();
    for url in known.into_iter().filter(|u| !seen.contains(u.as_str())) {
        if mark_removed(conn, source, &url, at)? {
            removed.push(url);
        }
    }
    Ok(removed)
}

/// Whether the snapshot `sha256` of document `document_id` was stored with a parse error.
pub fn snapshot_unreadable(
    conn: &mut DbConnection,
    document_id: i64,
    sha256: &str,
) -> Result<bool, StoreError> {
    let failed: i64 = snapshots::table
        .filter(snapshots::document_id.eq(document_id))
        .filter(snapshots::sha256.eq(sha256))
        .filter(snapshots::parse_error.is_not_null())
        .count()
        .get_result(conn)?;
    Ok(failed > 0)
}

/// A snapshot by content hash, with its document (the first, if the same bytes were
/// published at several URLs).
pub fn snapshot_by_sha256(
    conn: &mut DbConnection,
    sha256: &str,
) -> Result<Option<(SnapshotRow, DocumentRow)>, StoreError> {
    Ok(snapshots::table
        .inner_join(documents::table)
        .filter(snapshots::sha256.eq(sha256))
        .order(snapshots::id.asc())
        .select((SnapshotRow::as_select(), DocumentRow::as_select()))
        .first(conn)
        .optional()?)
}

pub fn all_snapshots(
    conn: &mut DbConnection,
) -> Result<Vec<(SnapshotRow, DocumentRow)>, StoreError> {
    Ok(snapshots::table
        .inner_join(documents::table)
        .order(snapshots::id.asc())
        .select((SnapshotRow::as_select(), DocumentRow::as_select()))
        .load(conn)?)
}

pub fn all(conn: &mut DbConnection) -> Result<Vec<DocumentRow>, StoreError> {
    Ok(documents::table
        .order(documents::id.asc())
        .select(DocumentRow::as_select())
        .load(conn)?)
}

pub fn counts(conn: &mut DbConnection) -> Result<(i64, i64), StoreError> {
    let docs = documents::table.count().get_result(conn)?;
    let snaps = snapshots::table.count().get_result(conn)?;
    Ok((docs, snaps))
}

/// Documents of one source: (still published, taken down).
pub fn counts_of_source(conn: &mut DbConnection, source: &str) -> Result<(i64, i64), StoreError> {
    let live = documents::table
        .filter(documents::source.eq(source))
        .filter(documents::removed_at.is_null())
        .count()
        .get_result(conn)?;
    let removed = documents::table
        .filter(documents::source.eq(source))
        .filter(documents::removed_at.is_not_null())
        .count()
        .get_result(conn)?;
    Ok((live, removed))
}

/// Documents of one source whose last fetch failed (`last_error`), newest error first.
pub fn failed_documents(
    conn: &mut DbConnection,
    source: &str,
    limit: i64,
) -> Result<Vec<DocumentRow>, StoreError> {
    Ok(documents::table
        .filter(documents::source.eq(source))
        .filter(documents::last_error.is_not_null())
        .order((documents::last_error_at.desc(), documents::id.asc()))
        .limit(limit)
        .select(DocumentRow::as_select())
        .load(conn)?)
}

/// Snapshots of one source that could not be parsed, with their documents, newest first.
/// Whether a snapshot is still the document's current version is for the caller to see
/// (`current_sha256`).
pub fn unparsed_snapshots(
    conn: &mut DbConnection,
    source: &str,
    limit: i64,
) -> Result<Vec<(SnapshotRow, DocumentRow)>, StoreError> {
    Ok(snapshots::table
        .inner_join(documents::table)
        .filter(documents::source.eq(source))
        .filter(snapshots::parse_error.is_not_null())
        .order(snapshots::id.desc())
        .limit(limit)
        .select((SnapshotRow::as_select(), DocumentRow::as_select()))
        .load(conn)?)
}

/// Snapshots of the given documents, oldest first (watch feeds: each later one is an edit).
pub fn snapshots_of(
    conn: &mut DbConnection,
    document_ids: &[i64],
) -> Result<Vec<SnapshotRow>, StoreError> {
    let mut out = Vec::new();
    for chunk in document_ids.chunks(500) {
        out.extend(
            snapshots::table
                .filter(snapshots::document_id.eq_any(chunk))
                .order(snapshots::id.asc())
                .select(SnapshotRow::as_select())
                .load(conn)?,
        );
    }
    out.sort_by_key(|s| s.id);
    Ok(out)
}

/// Snapshots with any of the given contents (SHA-256), oldest first.
pub fn snapshots_with_sha256(
    conn: &mut DbConnection,
    sha256: &[String],
) -> Result<Vec<SnapshotRow>, StoreError> {
    let mut out = Vec::new();
    for chunk in sha256.chunks(500) {
        out.extend(
            snapshots::table
                .filter(snapshots::sha256.eq_any(chunk))
                .select(SnapshotRow::as_select())
                .load(conn)?,
        );
    }
    out.sort_by_key(|s| s.id);
    Ok(out)
}

/// Documents by ID.
/// The documents stating `facts` and the snapshots of the bytes they were first and last seen
/// in, in the order they were taken (a fact is dated by the first fetch of its bytes).
pub fn sources_of(
    conn: &mut DbConnection,
    facts: &[FactRow],
) -> Result<(Vec<DocumentRow>, Vec<SnapshotRow>), StoreError> {
    let ids: Vec<i64> = facts
        .iter()
        .map(|f| f.document_id)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let contents: Vec<String> = facts
        .iter()
        .flat_map(|f| [f.first_sha256.clone(), f.last_sha256.clone()])
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let documents = by_ids(conn, &ids)?;
    let mut snapshots = snapshots_with_sha256(conn, &contents)?;
    snapshots.sort_by_key(|s| s.id);
    Ok((documents, snapshots))
}

pub fn by_ids(conn: &mut DbConnection, ids: &[i64]) -> Result<Vec<DocumentRow>, StoreError> {
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        out.extend(
            documents::table
                .filter(documents::id.eq_any(chunk))
                .select(DocumentRow::as_select())
                .load(conn)?,
        );
    }
    out.sort_by_key(|d| d.id);
    Ok(out)
}
