//! Resolution output: entities with stable IDs, their member subject keys, links with
//! evidence, and the human judgements that override every rule.

use super::models::*;
use super::schema::{entities, entity_members, id_counters, judgements, links};
use super::{DbConnection, StoreError};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use std::collections::HashMap;

/// An owned link, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkRecord {
    pub from_id: String,
    pub to_id: String,
    pub kind: String,
    pub confidence: f64,
    pub origin: String,
    /// JSON array of evidence items.
    pub evidence: String,
}

pub fn members(conn: &mut DbConnection) -> Result<HashMap<String, String>, StoreError> {
    let rows: Vec<(String, String)> = entity_members::table
        .select((entity_members::subject, entity_members::entity_id))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

pub fn all(conn: &mut DbConnection) -> Result<Vec<EntityRow>, StoreError> {
    Ok(entities::table
        .order(entities::id.asc())
        .select(EntityRow::as_select())
        .load(conn)?)
}

pub fn get(conn: &mut DbConnection, id: &str) -> Result<Option<EntityRow>, StoreError> {
    Ok(entities::table
        .find(id)
        .select(EntityRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn count_by_kind(conn: &mut DbConnection, kind: &str) -> Result<i64, StoreError> {
    Ok(entities::table
        .filter(entities::kind.eq(kind))
        .filter(entities::merged_into.is_null())
        .count()
        .get_result(conn)?)
}

/// Reserves `n` consecutive numbers of the `prefix` counter; returns the first.
pub fn reserve_ids(conn: &mut DbConnection, prefix: &str, n: i64) -> Result<i64, StoreError> {
    conn.transaction(|conn| {
        let first = next_id(conn, prefix)?;
        advance_ids(conn, prefix, first + n)?;
        Ok(first)
    })
}

/// The next free number of the `prefix` counter, reserving nothing: resolution numbers its new
/// entities from it and advances the counter in the transaction that stores them
/// ([`store_resolution`]), so a resolve killed before storing publishes and burns nothing.
pub fn next_id(conn: &mut DbConnection, prefix: &str) -> Result<i64, StoreError> {
    let current: Option<i64> = id_counters::table
        .find(prefix)
        .select(id_counters::next_value)
        .first(conn)
        .optional()?;
    Ok(current.unwrap_or(1))
}

/// Moves the `prefix` counter to `next` unless it is already past it.
fn advance_ids(conn: &mut DbConnection, prefix: &str, next: i64) -> Result<(), StoreError> {
    let current: Option<i64> = id_counters::table
        .find(prefix)
        .select(id_counters::next_value)
        .first(conn)
        .optional()?;
    match current {
        Some(c) if c >= next => {}
        Some(_) => {
            diesel::update(id_counters::table.find(prefix))
                .set(id_counters::next_value.eq(next))
                .execute(conn)?;
        }
        None => {
            diesel::insert_into(id_counters::table)
                .values((
                    id_counters::prefix.eq(prefix),
                    id_counters::next_value.eq(next),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}

/// Rows per multi-row INSERT: well under SQLite's and PostgreSQL's bound-parameter limits
/// for the widest row here (8 columns).
const BATCH: usize = 500;

/// Inserts `rows` in multi-row statements. Diesel's batch insert does not compile through
/// `MultiConnection`, so the statement is built for each backend's own connection.
macro_rules! insert_batched {
    ($conn:expr, $table:expr, $rows:expr) => {{
        let mut inserted = 0usize;
        for chunk in $rows.chunks(BATCH) {
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

/// Replaces the resolution (entities upserted, members and links replaced) in one
/// transaction. Entities are never deleted: an ID once published stays, as itself or as a
/// redirect (`merged_into`). Human links are rebuilt from the judgements table on every run,
/// so they are replaced like the others and a judgement is never lost.
pub fn store_resolution(
    conn: &mut DbConnection,
    entity_rows: &[EntityRow],
    member_rows: &[MemberRow],
    link_rows: &[LinkRecord],
    id_counters: &[(String, i64)],
    now: NaiveDateTime,
) -> Result<(), StoreError> {
    conn.transaction(|conn| {
        for (prefix, next) in id_counters {
            advance_ids(conn, prefix, *next)?;
        }
        let existing: HashMap<String, EntityRow> =
            all(conn)?.into_iter().map(|e| (e.id.clone(), e)).collect();
        let mut fresh: Vec<&EntityRow> = Vec::new();
        for row in entity_rows {
            match existing.get(&row.id) {
                Some(old) => {
                    if old.name != row.name
                        || old.prefecture != row.prefecture
                        || old.status != row.status
                        || old.merged_into != row.merged_into
                        || old.kind != row.kind
                    {
                        diesel::update(entities::table.find(&row.id))
                            .set((
                                entities::kind.eq(&row.kind),
                                entities::name.eq(&row.name),
                                entities::prefecture.eq(&row.prefecture),
                                entities::status.eq(&row.status),
                                entities::merged_into.eq(&row.merged_into),
                                entities::updated_at.eq(now),
                            ))
                            .execute(conn)?;
                    }
                }
                None => fresh.push(row),
            }
        }
        // The same ID twice in one batch would fail the primary key: keep the first.
        let mut seen = std::collections::HashSet::new();
        let fresh: Vec<EntityRow> = fresh
            .into_iter()
            .filter(|r| seen.insert(r.id.as_str()))
            .cloned()
            .collect();
        insert_batched!(conn, entities::table, fresh);
        diesel::delete(entity_members::table).execute(conn)?;
        insert_batched!(conn, entity_members::table, member_rows);
        // A link keeps the time it was first found across re-resolves: feeds and data
        // versions date "possible successor found" by it.
        let first_found: std::collections::HashMap<(String, String, String), NaiveDateTime> =
            links::table
                .select((links::from_id, links::to_id, links::kind, links::created_at))
                .load::<(String, String, String, NaiveDateTime)>(conn)?
                .into_iter()
                .map(|(f, t, k, c)| ((f, t, k), c))
                .collect();
        diesel::delete(links::table).execute(conn)?;
        let mut seen = std::collections::HashSet::new();
        let new_links: Vec<_> = link_rows
            .iter()
            .filter(|l| seen.insert((l.from_id.as_str(), l.to_id.as_str(), l.kind.as_str())))
            .map(|link| {
                let first = first_found
                    .get(&(link.from_id.clone(), link.to_id.clone(), link.kind.clone()))
                    .copied()
                    .unwrap_or(now);
                (
                    links::from_id.eq(link.from_id.as_str()),
                    links::to_id.eq(link.to_id.as_str()),
                    links::kind.eq(link.kind.as_str()),
                    links::confidence.eq(link.confidence),
                    links::origin.eq(link.origin.as_str()),
                    links::evidence.eq(link.evidence.as_str()),
                    links::created_at.eq(first),
                )
            })
            .collect();
        insert_batched!(conn, links::table, new_links);
        Ok(())
    })
}

pub fn links_of(conn: &mut DbConnection, id: &str) -> Result<Vec<LinkRow>, StoreError> {
    Ok(links::table
        .filter(links::from_id.eq(id).or(links::to_id.eq(id)))
        .order(links::id.asc())
        .select(LinkRow::as_select())
        .load(conn)?)
}

pub fn all_links(conn: &mut DbConnection) -> Result<Vec<LinkRow>, StoreError> {
    Ok(links::table
        .order(links::id.asc())
        .select(LinkRow::as_select())
        .load(conn)?)
}

/// Records (or replaces) a human judgement on a pair of subject keys, stored in a canonical
/// order so (a, b) and (b, a) are one judgement.
pub fn record_judgement(
    conn: &mut DbConnection,
    a: &str,
    b: &str,
    verdict: &str,
    author: &str,
    reason: &str,
    now: NaiveDateTime,
) -> Result<(), StoreError> {
    let (left, right, verdict) = canonical_pair(a, b, verdict);
    conn.transaction(|conn| {
        diesel::delete(
            judgements::table
                .filter(judgements::left_subject.eq(left))
                .filter(judgements::right_subject.eq(right)),
        )
        .execute(conn)?;
        diesel::insert_into(judgements::table)
            .values((
                judgements::left_subject.eq(left),
                judgements::right_subject.eq(right),
                judgements::verdict.eq(&verdict),
                judgements::author.eq(author),
                judgements::reason.eq(reason),
                judgements::created_at.eq(now),
            ))
            .execute(conn)?;
        Ok(())
    })
}

/// Orders a pair; a directed verdict (`successor`: b succeeded a) is flipped to match.
fn canonical_pair<'a>(a: &'a str, b: &'a str, verdict: &str) -> (&'a str, &'a str, String) {
    if a <= b {
        (a, b, verdict.to_owned())
    } else {
        let flipped = match verdict {
            "successor" => "predecessor",
            "predecessor" => "successor",
            other => other,
        };
        (b, a, flipped.to_owned())
    }
}

pub fn judgements(conn: &mut DbConnection) -> Result<Vec<JudgementRow>, StoreError> {
    Ok(judgements::table
        .order(judgements::id.asc())
        .select(JudgementRow::as_select())
        .load(conn)?)
}

/// (subject, entity ID) of those of `subjects` that belong to an entity.
pub fn memberships_of_subjects(
    conn: &mut DbConnection,
    subjects: &[String],
) -> Result<Vec<(String, String)>, StoreError> {
    let mut out = Vec::new();
    for chunk in subjects.chunks(500) {
        out.extend(
            entity_members::table
                .filter(entity_members::subject.eq_any(chunk))
                .select((entity_members::subject, entity_members::entity_id))
                .load::<(String, String)>(conn)?,
        );
    }
    Ok(out)
}

/// Entities that were merged into another one: (old ID, surviving ID).
pub fn merged(conn: &mut DbConnection) -> Result<Vec<(String, String)>, StoreError> {
    Ok(entities::table
        .filter(entities::merged_into.is_not_null())
        .select((entities::id, entities::merged_into.assume_not_null()))
        .load(conn)?)
}

/// Member subject keys of one entity, sorted.
pub fn members_of(conn: &mut DbConnection, id: &str) -> Result<Vec<String>, StoreError> {
    Ok(entity_members::table
        .filter(entity_members::entity_id.eq(id))
        .order(entity_members::subject.asc())
        .select(entity_members::subject)
        .load(conn)?)
}

/// Member subject keys of each of the given entities (index `entity_members_entity`):
/// (subject, entity ID) pairs in subject order.
pub fn members_of_many(
    conn: &mut DbConnection,
    ids: &[String],
) -> Result<Vec<(String, String)>, StoreError> {
    let mut out = Vec::new();
    // Chunked: a bound parameter per ID, well under both backends' limits.
    for chunk in ids.chunks(500) {
        out.extend(
            entity_members::table
                .filter(entity_members::entity_id.eq_any(chunk))
                .select((entity_members::subject, entity_members::entity_id))
                .load::<(String, String)>(conn)?,
        );
    }
    out.sort();
    Ok(out)
}

/// Links a person should look at: possible links and score-based ones, strongest first.
pub fn uncertain_links(conn: &mut DbConnection) -> Result<Vec<LinkRow>, StoreError> {
    Ok(links::table
        .filter(links::kind.like("possible%").or(links::origin.eq("score")))
        .order((links::confidence.desc(), links::id.asc()))
        .select(LinkRow::as_select())
        .load(conn)?)
}
