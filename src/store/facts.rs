//! Facts with first/last seen: the only input of resolution. A fact is identified by the
//! document that states it and its (subject, property, value); re-stating it updates its
//! `last_seen`, not stating it any more retracts it (kept as history, never deleted).

use super::models::*;
use super::schema::facts;
use super::{DbConnection, StoreError};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use mieru_crawler::provenance::{Fact, Property};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};

/// The identity of a fact within its document.
pub fn fact_key(source: &str, url: &str, fact: &Fact) -> String {
    let mut h = Sha256::new();
    for part in [
        source,
        url,
        fact.subject.as_str(),
        fact.property.as_str(),
        fact.value.as_str(),
    ] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    hex::encode(h.finalize())
}

/// Makes the stored facts of `doc` equal to `stated`: new ones inserted, known ones seen
/// again, missing ones retracted. Returns (added, retracted).
pub(super) fn restate(
    conn: &mut DbConnection,
    doc: &DocumentRow,
    sha256: &str,
    stated: &[Fact],
    at: NaiveDateTime,
) -> Result<(usize, usize), StoreError> {
    let existing: Vec<(
        i64,
        String,
        Option<NaiveDateTime>,
        Option<chrono::NaiveDate>,
    )> = facts::table
        .filter(facts::document_id.eq(doc.id))
        .select((
            facts::id,
            facts::fact_key,
            facts::retracted_at,
            facts::observed_on,
        ))
        .load(conn)?;
    let existing: HashMap<String, (i64, Option<NaiveDateTime>, Option<chrono::NaiveDate>)> =
        existing
            .into_iter()
            .map(|(id, key, retracted, observed)| (key, (id, retracted, observed)))
            .collect();

    let mut stated_keys = HashSet::with_capacity(stated.len());
    let mut seen_again = Vec::new();
    let mut added = 0;
    for fact in stated {
        let key = fact_key(&doc.source, &doc.url, fact);
        if !stated_keys.insert(key.clone()) {
            continue; // the same statement twice in one document counts once
        }
        match existing.get(&key) {
            Some((id, retracted, observed)) => {
                if retracted.is_some() || *observed != fact.observed_on {
                    diesel::update(facts::table.find(*id))
                        .set((
                            facts::retracted_at.eq(None::<NaiveDateTime>),
                            facts::last_changed.eq(at),
                            facts::observed_on.eq(fact.observed_on),
                        ))
                        .execute(conn)?;
                }
                seen_again.push(*id);
            }
            None => {
                let kind = fact.subject.kind().map(|k| k.as_str()).unwrap_or("unknown");
                diesel::insert_into(facts::table)
                    .values(NewFact {
                        fact_key: &key,
                        document_id: doc.id,
                        subject: fact.subject.as_str(),
                        subject_kind: kind,
                        property: fact.property.as_str(),
                        value: &fact.value,
                        observed_on: fact.observed_on,
                        first_seen: at,
                        last_seen: at,
                        last_changed: at,
                        first_sha256: sha256,
                        last_sha256: sha256,
                    })
                    .execute(conn)?;
                added += 1;
            }
        }
    }
    for chunk in seen_again.chunks(500) {
        diesel::update(facts::table.filter(facts::id.eq_any(chunk)))
            .set((facts::last_seen.eq(at), facts::last_sha256.eq(sha256)))
            .execute(conn)?;
    }
    let to_retract: Vec<i64> = existing
        .iter()
        .filter(|(key, (_, retracted, _))| retracted.is_none() && !stated_keys.contains(*key))
        .map(|(_, (id, _, _))| *id)
        .collect();
    for chunk in to_retract.chunks(500) {
        diesel::update(facts::table.filter(facts::id.eq_any(chunk)))
            .set((facts::retracted_at.eq(at), facts::last_changed.eq(at)))
            .execute(conn)?;
    }
    Ok((added, to_retract.len()))
}

/// Every fact about subjects of the given kinds, retracted ones included, in id order: what
/// clustering reads (facilities, CPCs, organizations) without the bulk of actions.
pub fn of_kinds(conn: &mut DbConnection, kinds: &[&str]) -> Result<Vec<FactRow>, StoreError> {
    Ok(facts::table
        .filter(facts::subject_kind.eq_any(kinds))
        .order(facts::id.asc())
        .select(FactRow::as_select())
        .load(conn)?)
}

/// The distinct subjects of one kind, sorted.
pub fn subjects_of_kind(conn: &mut DbConnection, kind: &str) -> Result<Vec<String>, StoreError> {
    let mut subjects: Vec<String> = facts::table
        .filter(facts::subject_kind.eq(kind))
        .select(facts::subject)
        .distinct()
        .load(conn)?;
    subjects.sort();
    Ok(subjects)
}

/// (subject, value) of every fact with `property` about subjects of `kind`, in fact id order.
pub fn values_of_property(
    conn: &mut DbConnection,
    kind: &str,
    property: Property,
) -> Result<Vec<(String, String)>, StoreError> {
    Ok(facts::table
        .filter(facts::subject_kind.eq(kind))
        .filter(facts::property.eq(property.as_str()))
        .order(facts::id.asc())
        .select((facts::subject, facts::value))
        .load(conn)?)
}

/// One page of the reference facts (subject → the subject its value names), after fact id
/// `after`, in id order: (id, subject, value).
pub fn references_page(
    conn: &mut DbConnection,
    after: i64,
    limit: i64,
) -> Result<Vec<(i64, String, String)>, StoreError> {
    let properties: Vec<&str> = Property::REFERENCES.iter().map(|p| p.as_str()).collect();
    Ok(facts::table
        .filter(facts::id.gt(after))
        .filter(facts::property.eq_any(&properties))
        .order(facts::id.asc())
        .limit(limit)
        .select((facts::id, facts::subject, facts::value))
        .load(conn)?)
}

/// How many distinct subjects the facts speak about.
pub fn subject_count(conn: &mut DbConnection) -> Result<i64, StoreError> {
    use diesel::dsl::count;
    Ok(facts::table
        .select(count(facts::subject).aggregate_distinct())
        .get_result(conn)?)
}

/// Every fact ever stated, retracted ones included (they are history), in id order.
pub fn all(conn: &mut DbConnection) -> Result<Vec<FactRow>, StoreError> {
    Ok(facts::table
        .order(facts::id.asc())
        .select(FactRow::as_select())
        .load(conn)?)
}

pub fn of_document(conn: &mut DbConnection, document_id: i64) -> Result<Vec<FactRow>, StoreError> {
    Ok(facts::table
        .filter(facts::document_id.eq(document_id))
        .order(facts::id.asc())
        .select(FactRow::as_select())
        .load(conn)?)
}

pub fn count(conn: &mut DbConnection) -> Result<i64, StoreError> {
    Ok(facts::table.count().get_result(conn)?)
}

/// Distinct current values of one property (e.g. every plan number or corporate number
/// mieru holds), sorted: what a targeted crawl asks a source about.
pub fn distinct_values(conn: &mut DbConnection, property: &str) -> Result<Vec<String>, StoreError> {
    Ok(facts::table
        .filter(facts::property.eq(property))
        .filter(facts::retracted_at.is_null())
        .select(facts::value)
        .distinct()
        .order(facts::value.asc())
        .load(conn)?)
}

/// Every fact (retracted ones included) whose value references one of `subjects` (an
/// action's target, a plan's provider, a facility's operator …), in id order. Served by the
/// `(property, value)` index.
pub fn referring_to(
    conn: &mut DbConnection,
    subjects: &[String],
) -> Result<Vec<FactRow>, StoreError> {
    let properties: Vec<&str> = Property::REFERENCES.iter().map(|p| p.as_str()).collect();
    let mut out = Vec::new();
    for chunk in subjects.chunks(500) {
        out.extend(
            facts::table
                .filter(facts::property.eq_any(&properties))
                .filter(facts::value.eq_any(chunk))
                .select(FactRow::as_select())
                .load(conn)?,
        );
    }
    out.sort_by_key(|f| f.id);
    out.dedup_by_key(|f| f.id);
    Ok(out)
}

/// Every fact (retracted ones included) about the given subjects, in id order.
pub fn of_subjects(
    conn: &mut DbConnection,
    subjects: &[String],
) -> Result<Vec<FactRow>, StoreError> {
    let mut out = Vec::new();
    for chunk in subjects.chunks(500) {
        out.extend(
            facts::table
                .filter(facts::subject.eq_any(chunk))
                .select(FactRow::as_select())
                .load(conn)?,
        );
    }
    out.sort_by_key(|f| f.id);
    Ok(out)
}
