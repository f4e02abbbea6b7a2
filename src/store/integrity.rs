//! Reads for `mieru check`: the keys that rows refer to each other by, loaded in pages so a
//! large database is checked in bounded memory. The comparisons themselves are in
//! `crate::ops::check`; nothing here writes.

use super::schema::{
    actions, documents, entities, entity_members, entity_views, events, facts, links, plans,
    snapshots,
};
use super::{DbConnection, StoreError};
use diesel::prelude::*;

/// Rows per page of the paged reads.
pub const PAGE: i64 = 10_000;

pub fn document_ids(conn: &mut DbConnection) -> Result<Vec<i64>, StoreError> {
    Ok(documents::table.select(documents::id).load(conn)?)
}

/// (document id, URL, current SHA-256) of every document that has a current content.
pub fn document_currents(
    conn: &mut DbConnection,
) -> Result<Vec<(i64, String, String)>, StoreError> {
    let rows: Vec<(i64, String, Option<String>)> = documents::table
        .filter(documents::current_sha256.is_not_null())
        .select((documents::id, documents::url, documents::current_sha256))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, url, sha)| Some((id, url, sha?)))
        .collect())
}

/// (snapshot id, document id, SHA-256) of every snapshot.
pub fn snapshot_keys(conn: &mut DbConnection) -> Result<Vec<(i64, i64, String)>, StoreError> {
    Ok(snapshots::table
        .order(snapshots::id.asc())
        .select((snapshots::id, snapshots::document_id, snapshots::sha256))
        .load(conn)?)
}

/// One page of (fact id, document id, first SHA-256, last SHA-256), ids after `after`.
pub fn fact_refs_after(
    conn: &mut DbConnection,
    after: i64,
) -> Result<Vec<(i64, i64, String, String)>, StoreError> {
    Ok(facts::table
        .filter(facts::id.gt(after))
        .order(facts::id.asc())
        .limit(PAGE)
        .select((
            facts::id,
            facts::document_id,
            facts::first_sha256,
            facts::last_sha256,
        ))
        .load(conn)?)
}

/// (id, merged_into) of every entity.
pub fn entity_refs(conn: &mut DbConnection) -> Result<Vec<(String, Option<String>)>, StoreError> {
    Ok(entities::table
        .order(entities::id.asc())
        .select((entities::id, entities::merged_into))
        .load(conn)?)
}

/// One page of (subject, entity id), subjects after `after`.
pub fn member_refs_after(
    conn: &mut DbConnection,
    after: &str,
) -> Result<Vec<(String, String)>, StoreError> {
    Ok(entity_members::table
        .filter(entity_members::subject.gt(after))
        .order(entity_members::subject.asc())
        .limit(PAGE)
        .select((entity_members::subject, entity_members::entity_id))
        .load(conn)?)
}

/// One page of (event id, entity id, related id), ids after `after`.
pub fn event_refs_after(
    conn: &mut DbConnection,
    after: i64,
) -> Result<Vec<(i64, String, Option<String>)>, StoreError> {
    Ok(events::table
        .filter(events::id.gt(after))
        .order(events::id.asc())
        .limit(PAGE)
        .select((events::id, events::entity_id, events::related_id))
        .load(conn)?)
}

/// (link id, from, to) of every link.
pub fn link_refs(conn: &mut DbConnection) -> Result<Vec<(i64, String, String)>, StoreError> {
    Ok(links::table
        .order(links::id.asc())
        .select((links::id, links::from_id, links::to_id))
        .load(conn)?)
}

/// Entity IDs of the projected pages: entity views and actions.
pub fn read_model_ids(conn: &mut DbConnection) -> Result<Vec<String>, StoreError> {
    let mut ids: Vec<String> = entity_views::table
        .select(entity_views::entity_id)
        .load(conn)?;
    ids.extend(actions::table.select(actions::id).load::<String>(conn)?);
    Ok(ids)
}

/// Plan numbers (plans are read models keyed by their public number, not entities).
pub fn plan_numbers(conn: &mut DbConnection) -> Result<Vec<String>, StoreError> {
    Ok(plans::table.select(plans::plan_number).load(conn)?)
}
