//! Bulk writes for a loader that brings many new documents at once (the synthetic registry of
//! `mieru synth`): multi-row inserts, one transaction per batch of documents, instead of the
//! crawler's one transaction per document with a read of what it stated before.

use super::facts::fact_key;
use super::models::{NewDocument, NewFact, NewSnapshot};
use super::schema::{documents, facts, snapshots};
use super::{DbConnection, StoreError};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use mieru_crawler::provenance::Fact;
use std::collections::{HashMap, HashSet};

/// One new document: its archived bytes' hash and size, and the facts it states.
#[derive(Debug, Clone, Copy)]
pub struct BulkDocument<'a> {
    pub source: &'a str,
    pub url: &'a str,
    pub sha256: &'a str,
    pub size: u64,
    pub fetched_at: NaiveDateTime,
    pub facts: &'a [Fact],
}

/// Rows per statement: 12 bound parameters per fact row stays far below SQLite's 32,766 and
/// PostgreSQL's 65,535.
const ROWS_PER_STATEMENT: usize = 1_000;

/// Diesel's batch insert does not compile through `MultiConnection`: the statement is built
/// on each backend's own connection.
macro_rules! insert_rows {
    ($conn:expr, $table:expr, $rows:expr) => {{
        let mut inserted = 0usize;
        for chunk in $rows.chunks(ROWS_PER_STATEMENT) {
            inserted += match &mut *$conn {
                DbConnection::Sqlite(c) => diesel::insert_into($table).values(chunk).execute(c)?,
                DbConnection::Postgresql(c) => {
                    diesel::insert_into($table).values(chunk).execute(c)?
                }
            };
        }
        inserted
    }};
}

/// Inserts new documents, one snapshot each and their facts, in one transaction. A document
/// already stored (same source and URL) fails the whole batch: this is for new data only.
/// Returns the number of facts inserted.
pub fn insert_new_documents(
    conn: &mut DbConnection,
    docs: &[BulkDocument<'_>],
) -> Result<usize, StoreError> {
    conn.transaction(|conn| {
        let new_docs: Vec<NewDocument<'_>> = docs
            .iter()
            .map(|d| NewDocument {
                source: d.source,
                url: d.url,
                first_seen: d.fetched_at,
                last_seen: d.fetched_at,
                last_changed: d.fetched_at,
                current_sha256: Some(d.sha256),
                etag: None,
                last_modified: None,
            })
            .collect();
        insert_rows!(conn, documents::table, new_docs);

        let urls: Vec<&str> = docs.iter().map(|d| d.url).collect();
        let mut ids: HashMap<(String, String), i64> = HashMap::with_capacity(docs.len());
        for chunk in urls.chunks(ROWS_PER_STATEMENT) {
            let rows: Vec<(i64, String, String)> = documents::table
                .filter(documents::url.eq_any(chunk))
                .select((documents::id, documents::source, documents::url))
                .load(conn)?;
            ids.extend(rows.into_iter().map(|(id, s, u)| ((s, u), id)));
        }
        let id_of = |d: &BulkDocument<'_>| {
            ids.get(&(d.source.to_owned(), d.url.to_owned()))
                .copied()
                .ok_or_else(|| StoreError::Corrupt(format!("document {} vanished", d.url)))
        };

        let mut new_snapshots = Vec::with_capacity(docs.len());
        for d in docs {
            new_snapshots.push(NewSnapshot {
                document_id: id_of(d)?,
                sha256: d.sha256,
                fetched_at: d.fetched_at,
                http_status: 200,
                content_type: Some("application/x-ndjson"),
                encoding: Some("UTF-8"),
                size: i64::try_from(d.size).unwrap_or(i64::MAX),
                parse_error: None,
                fact_count: i32::try_from(d.facts.len()).unwrap_or(i32::MAX),
            });
        }
        insert_rows!(conn, snapshots::table, new_snapshots);

        let mut keys: Vec<(i64, String, &Fact, &BulkDocument<'_>)> = Vec::new();
        let mut seen = HashSet::new();
        for d in docs {
            let id = id_of(d)?;
            for fact in d.facts {
                let key = fact_key(d.source, d.url, fact);
                // The same statement twice in one document counts once, as in `restate`.
                if seen.insert(key.clone()) {
                    keys.push((id, key, fact, d));
                }
            }
        }
        let kinds: Vec<&'static str> = keys
            .iter()
            .map(|(_, _, f, _)| f.subject.kind().map_or("unknown", |k| k.as_str()))
            .collect();
        let rows: Vec<NewFact<'_>> = keys
            .iter()
            .zip(&kinds)
            .map(|((id, key, fact, d), kind)| NewFact {
                fact_key: key,
                document_id: *id,
                subject: fact.subject.as_str(),
                subject_kind: kind,
                property: fact.property.as_str(),
                value: &fact.value,
                observed_on: fact.observed_on,
                first_seen: d.fetched_at,
                last_seen: d.fetched_at,
                last_changed: d.fetched_at,
                first_sha256: d.sha256,
                last_sha256: d.sha256,
            })
            .collect();
        Ok(insert_rows!(conn, facts::table, rows))
    })
}

/// Gives this connection a large page cache for a bulk load (SQLite: 256 MiB instead of 2 MiB),
/// so the fact indexes' pages stay in memory between batches instead of being written and read
/// back; `false` restores the default. PostgreSQL manages its own buffers: nothing to do.
pub fn bulk_cache(conn: &mut DbConnection, on: bool) -> Result<(), StoreError> {
    use diesel::connection::SimpleConnection;
    if let DbConnection::Sqlite(c) = conn {
        c.batch_execute(if on {
            "PRAGMA cache_size = -262144"
        } else {
            "PRAGMA cache_size = -2000"
        })?;
    }
    Ok(())
}

/// Whether any document's URL starts with `prefix` (e.g. a loader's host). A `_` or `%` in
/// the prefix is a LIKE wildcard: callers pass fixed prefixes without them.
pub fn has_documents_under(conn: &mut DbConnection, prefix: &str) -> Result<bool, StoreError> {
    let pattern = format!("{prefix}%");
    let n: i64 = documents::table
        .filter(documents::url.like(pattern))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}
