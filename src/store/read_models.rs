//! Read models: tables shaped for the pages and the API, projected from facts and links.
//! A projection replaces them in one transaction, so readers see the old or the new state.

use super::models::*;
use super::schema::{
    actions, data_versions, entity_changes, entity_views, events, facility_list, plans,
    source_fact_counts, watch_activity,
};
use super::{DbConnection, StoreError};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use std::collections::{HashMap, HashSet};

/// The event kind of an action on a record's history: the projection writes one per action a
/// facility, CPC or organization record lists, so a record has actions exactly when its
/// history has such an event (the facility list's `has_actions` is read from them).
pub const ACTION_ISSUED_EVENT: &str = "action_issued";

pub struct Projection {
    pub views: Vec<EntityViewRow>,
    pub actions: Vec<ActionRow>,
    pub plans: Vec<PlanRow>,
    pub events: Vec<EventRow>,
    /// Entity ID → the latest time its watch feed can have news (see
    /// `pipeline::project::watch_activity`); records without one are stored as not known.
    pub activity: std::collections::HashMap<String, NaiveDateTime>,
    /// Entity ID → when it last changed (see `pipeline::project::change_times`).
    pub last_change: std::collections::HashMap<String, NaiveDateTime>,
}

pub fn replace_all(
    conn: &mut DbConnection,
    projection: &Projection,
    version_note: &str,
    fact_count: i64,
    now: NaiveDateTime,
) -> Result<(), StoreError> {
    conn.transaction(|conn| {
        clear(conn)?;
        insert_rows(
            conn,
            &projection.views,
            &projection.actions,
            &projection.plans,
            &projection.events,
        )?;
        let with_actions: HashSet<&str> = projection
            .events
            .iter()
            .filter(|e| e.kind == ACTION_ISSUED_EVENT)
            .map(|e| e.entity_id.as_str())
            .collect();
        finish_version(
            conn,
            &Completion {
                with_actions: &with_actions,
                activity: &projection.activity,
                last_change: &projection.last_change,
                note: version_note,
                fact_count,
                now,
            },
        )
    })
}

/// Empties every read model: the start of a replacement (inside the caller's transaction).
pub fn clear(conn: &mut DbConnection) -> Result<(), StoreError> {
    diesel::delete(entity_views::table).execute(conn)?;
    diesel::delete(actions::table).execute(conn)?;
    diesel::delete(plans::table).execute(conn)?;
    diesel::delete(events::table).execute(conn)?;
    diesel::delete(facility_list::table).execute(conn)?;
    diesel::delete(watch_activity::table).execute(conn)?;
    diesel::delete(source_fact_counts::table).execute(conn)?;
    diesel::delete(entity_changes::table).execute(conn)?;
    Ok(())
}

/// Adds records, actions, plans and history events (a replacement writes them in as many
/// calls as it likes between [`clear`] and [`finish_version`]).
pub fn insert_rows(
    conn: &mut DbConnection,
    views: &[EntityViewRow],
    action_rows: &[ActionRow],
    plan_rows: &[PlanRow],
    event_rows: &[EventRow],
) -> Result<(), StoreError> {
    for row in views {
        diesel::insert_into(entity_views::table)
            .values(row)
            .execute(conn)?;
    }
    for row in action_rows {
        diesel::insert_into(actions::table)
            .values(row)
            .execute(conn)?;
    }
    for row in plan_rows {
        diesel::insert_into(plans::table)
            .values(row)
            .execute(conn)?;
    }
    for row in event_rows {
        diesel::insert_into(events::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

/// What completes a replacement of the read models besides its rows.
pub struct Completion<'a> {
    /// Entities whose history lists an action.
    pub with_actions: &'a HashSet<&'a str>,
    pub activity: &'a HashMap<String, NaiveDateTime>,
    pub last_change: &'a HashMap<String, NaiveDateTime>,
    pub note: &'a str,
    pub fact_count: i64,
    pub now: NaiveDateTime,
}

/// Derives the facility list, feed order, fact counts and change times from the rows written
/// since [`clear`] and the entities stored before, and records the new data version.
pub fn finish_version(conn: &mut DbConnection, done: &Completion<'_>) -> Result<(), StoreError> {
    let list = facility_list_rows(conn, done.with_actions)?;
    insert_chunked!(conn, facility_list::table, &list);
    let activity = watch_activity_rows(conn, done.activity)?;
    insert_chunked!(conn, watch_activity::table, &activity);
    store_source_fact_counts(conn)?;
    let mut changes: Vec<(&String, &NaiveDateTime)> = done.last_change.iter().collect();
    changes.sort();
    let changes: Vec<_> = changes
        .into_iter()
        .map(|(id, t)| {
            (
                entity_changes::entity_id.eq(id.clone()),
                entity_changes::last_change.eq(*t),
            )
        })
        .collect();
    insert_chunked!(conn, entity_changes::table, &changes);
    let entities: i64 = entity_views::table.count().get_result(conn)?;
    diesel::insert_into(data_versions::table)
        .values((
            data_versions::created_at.eq(done.now),
            data_versions::facts.eq(i32::try_from(done.fact_count).unwrap_or(i32::MAX)),
            data_versions::entities.eq(i32::try_from(entities).unwrap_or(i32::MAX)),
            data_versions::note.eq(done.note),
        ))
        .execute(conn)?;
    Ok(())
}

/// The facility list of a projection: every facility and CPC view of an entity not merged
/// away (the entities are stored before the read models, by resolve and by import), with the
/// prefecture of its entity and whether its history has an action.
fn facility_list_rows(
    conn: &mut DbConnection,
    with_actions: &HashSet<&str>,
) -> Result<Vec<FacilityListRow>, StoreError> {
    use super::schema::entities;
    let listed: Vec<(String, String, Option<String>)> = entity_views::table
        .inner_join(entities::table.on(entities::id.eq(entity_views::entity_id)))
        .filter(entity_views::kind.ne("organization"))
        .filter(entities::merged_into.is_null())
        .select((
            entity_views::entity_id,
            entity_views::kind,
            entities::prefecture,
        ))
        .load(conn)?;
    Ok(listed
        .into_iter()
        .map(|(entity_id, kind, prefecture)| FacilityListRow {
            has_actions: with_actions.contains(entity_id.as_str()),
            entity_id,
            kind,
            prefecture,
        })
        .collect())
}

/// Rows per multi-row INSERT (at most 4 bound parameters a row, well under both backends'
/// limits).
const ROWS_PER_STATEMENT: usize = 1_000;

/// Inserts rows a thousand at a time. Diesel's multi-row insert does not compile through
/// `MultiConnection`: the statement is built on each backend's own connection.
macro_rules! insert_chunked {
    ($conn:expr, $table:expr, $rows:expr) => {
        for chunk in $rows.chunks(ROWS_PER_STATEMENT) {
            match $conn {
                DbConnection::Sqlite(c) => diesel::insert_into($table).values(chunk).execute(c)?,
                DbConnection::Postgresql(c) => {
                    diesel::insert_into($table).values(chunk).execute(c)?
                }
            };
        }
    };
}
use insert_chunked;

/// The prefecture feeds' reading order: every current facility, CPC and organization (the
/// entities are stored before the read models), with its prefecture and feed bound.
fn watch_activity_rows(
    conn: &mut DbConnection,
    activity: &HashMap<String, NaiveDateTime>,
) -> Result<Vec<WatchActivityRow>, StoreError> {
    use super::schema::entities;
    let current: Vec<(String, Option<String>)> = entities::table
        .filter(entities::merged_into.is_null())
        .filter(entities::kind.eq_any(["facility", "cpc", "organization"]))
        .select((entities::id, entities::prefecture))
        .load(conn)?;
    Ok(current
        .into_iter()
        .map(|(entity_id, prefecture)| WatchActivityRow {
            last_activity: activity.get(&entity_id).copied(),
            entity_id,
            prefecture,
        })
        .collect())
}

/// Facts per source, still stated and retracted, for `/sources`.
fn store_source_fact_counts(conn: &mut DbConnection) -> Result<(), StoreError> {
    use super::schema::{documents, facts};
    use diesel::dsl::count_star;
    let live: Vec<(String, i64)> = facts::table
        .inner_join(documents::table)
        .filter(facts::retracted_at.is_null())
        .group_by(documents::source)
        .select((documents::source, count_star()))
        .load(conn)?;
    let retracted: Vec<(String, i64)> = facts::table
        .inner_join(documents::table)
        .filter(facts::retracted_at.is_not_null())
        .group_by(documents::source)
        .select((documents::source, count_star()))
        .load(conn)?;
    let mut counts: std::collections::BTreeMap<String, (i64, i64)> = Default::default();
    for (source, n) in live {
        counts.entry(source).or_default().0 = n;
    }
    for (source, n) in retracted {
        counts.entry(source).or_default().1 = n;
    }
    for (source, (facts_live, facts_retracted)) in counts {
        diesel::insert_into(source_fact_counts::table)
            .values((
                source_fact_counts::source.eq(source),
                source_fact_counts::facts_live.eq(facts_live),
                source_fact_counts::facts_retracted.eq(facts_retracted),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Facts of one source as counted at the last resolve or import: (still stated, retracted).
pub fn source_fact_counts(conn: &mut DbConnection, source: &str) -> Result<(i64, i64), StoreError> {
    Ok(source_fact_counts::table
        .find(source)
        .select((
            source_fact_counts::facts_live,
            source_fact_counts::facts_retracted,
        ))
        .first(conn)
        .optional()?
        .unwrap_or((0, 0)))
}

/// Feed-order rows of one prefecture's records whose bound is not known (always read).
pub fn watch_activity_unknown(
    conn: &mut DbConnection,
    prefecture: &str,
) -> Result<Vec<String>, StoreError> {
    Ok(watch_activity::table
        .filter(watch_activity::prefecture.eq(prefecture))
        .filter(watch_activity::last_activity.is_null())
        .order(watch_activity::entity_id.asc())
        .select(watch_activity::entity_id)
        .load(conn)?)
}

/// One page of a prefecture's records with a known bound, newest bound first and by ID within
/// a bound, after `after` (the last row of the previous page).
pub fn watch_activity_page(
    conn: &mut DbConnection,
    prefecture: &str,
    after: Option<(NaiveDateTime, &str)>,
    limit: i64,
) -> Result<Vec<(String, NaiveDateTime)>, StoreError> {
    let mut q = watch_activity::table
        .filter(watch_activity::prefecture.eq(prefecture))
        .filter(watch_activity::last_activity.is_not_null())
        .into_boxed();
    if let Some((t, id)) = after {
        q = q.filter(
            watch_activity::last_activity
                .lt(t)
                .or(watch_activity::last_activity
                    .eq(t)
                    .and(watch_activity::entity_id.gt(id.to_owned()))),
        );
    }
    let rows: Vec<(String, Option<NaiveDateTime>)> = q
        .order((
            watch_activity::last_activity.desc(),
            watch_activity::entity_id.asc(),
        ))
        .select((watch_activity::entity_id, watch_activity::last_activity))
        .limit(limit)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, t)| Some((id, t?)))
        .collect())
}

pub fn entity_view(conn: &mut DbConnection, id: &str) -> Result<Option<EntityViewRow>, StoreError> {
    Ok(entity_views::table
        .find(id)
        .select(EntityViewRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn all_views(conn: &mut DbConnection) -> Result<Vec<EntityViewRow>, StoreError> {
    Ok(entity_views::table
        .order(entity_views::entity_id.asc())
        .select(EntityViewRow::as_select())
        .load(conn)?)
}

/// Up to `limit` records after entity `after`, in ID order (a keyset page of [`all_views`]).
pub fn views_after(
    conn: &mut DbConnection,
    after: &str,
    limit: i64,
) -> Result<Vec<EntityViewRow>, StoreError> {
    Ok(entity_views::table
        .filter(entity_views::entity_id.gt(after))
        .order(entity_views::entity_id.asc())
        .limit(limit)
        .select(EntityViewRow::as_select())
        .load(conn)?)
}

/// Up to `limit` actions after ID `after`, in ID order.
pub fn actions_after(
    conn: &mut DbConnection,
    after: &str,
    limit: i64,
) -> Result<Vec<ActionRow>, StoreError> {
    Ok(actions::table
        .filter(actions::id.gt(after))
        .order(actions::id.asc())
        .limit(limit)
        .select(ActionRow::as_select())
        .load(conn)?)
}

/// Up to `limit` plans after plan number `after`, in number order.
pub fn plans_after(
    conn: &mut DbConnection,
    after: &str,
    limit: i64,
) -> Result<Vec<PlanRow>, StoreError> {
    Ok(plans::table
        .filter(plans::plan_number.gt(after))
        .order(plans::plan_number.asc())
        .limit(limit)
        .select(PlanRow::as_select())
        .load(conn)?)
}

pub fn action(conn: &mut DbConnection, id: &str) -> Result<Option<ActionRow>, StoreError> {
    Ok(actions::table
        .find(id)
        .select(ActionRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn all_actions(conn: &mut DbConnection) -> Result<Vec<ActionRow>, StoreError> {
    Ok(actions::table
        .order((actions::issued_on.desc(), actions::id.desc()))
        .select(ActionRow::as_select())
        .load(conn)?)
}

/// Filters for a page of actions, newest first; the cursor is the last row's (date, id).
#[derive(Debug, Default, Clone)]
pub struct ActionQuery {
    pub action_type: Option<String>,
    pub authority: Option<String>,
    pub prefecture: Option<String>,
    pub article_like: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub after: Option<(NaiveDate, String)>,
    pub limit: i64,
}

pub fn actions_page(
    conn: &mut DbConnection,
    q: &ActionQuery,
) -> Result<Vec<ActionRow>, StoreError> {
    let mut query = actions::table.select(ActionRow::as_select()).into_boxed();
    if let Some(t) = &q.action_type {
        query = query.filter(actions::action_type.eq(t.clone()));
    }
    if let Some(a) = &q.authority {
        query = query.filter(actions::authority.eq(a.clone()));
    }
    if let Some(p) = &q.prefecture {
        query = query.filter(actions::prefecture.eq(p.clone()));
    }
    if let Some(a) = &q.article_like {
        query =
            query.filter(actions::articles.like(format!("%\"{}\"%", a.replace(['%', '_'], ""))));
    }
    if let Some(from) = q.from {
        query = query.filter(actions::issued_on.ge(from));
    }
    if let Some(to) = q.to {
        query = query.filter(actions::issued_on.le(to));
    }
    if let Some((date, id)) = &q.after {
        query = query.filter(
            actions::issued_on
                .lt(*date)
                .or(actions::issued_on.eq(*date).and(actions::id.lt(id.clone()))),
        );
    }
    Ok(query
        .filter(actions::issued_on.is_not_null())
        .order((actions::issued_on.desc(), actions::id.desc()))
        .limit(q.limit)
        .load(conn)?)
}

pub fn plan(conn: &mut DbConnection, number: &str) -> Result<Option<PlanRow>, StoreError> {
    Ok(plans::table
        .find(number)
        .select(PlanRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn all_plans(conn: &mut DbConnection) -> Result<Vec<PlanRow>, StoreError> {
    Ok(plans::table
        .order(plans::plan_number.asc())
        .select(PlanRow::as_select())
        .load(conn)?)
}

pub fn events_of(conn: &mut DbConnection, entity_id: &str) -> Result<Vec<EventRow>, StoreError> {
    Ok(events::table
        .filter(events::entity_id.eq(entity_id))
        .order(events::position.asc())
        .select(EventRow::as_select())
        .load(conn)?)
}

pub fn event_count(conn: &mut DbConnection) -> Result<i64, StoreError> {
    Ok(events::table.count().get_result(conn)?)
}

/// Data versions, newest first.
pub fn versions(
    conn: &mut DbConnection,
    limit: i64,
) -> Result<Vec<super::models::DataVersionRow>, StoreError> {
    Ok(data_versions::table
        .order(data_versions::id.desc())
        .limit(limit)
        .select(super::models::DataVersionRow::as_select())
        .load(conn)?)
}

pub fn version(
    conn: &mut DbConnection,
    id: i64,
) -> Result<Option<super::models::DataVersionRow>, StoreError> {
    Ok(data_versions::table
        .find(id)
        .select(super::models::DataVersionRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn latest_version(conn: &mut DbConnection) -> Result<Option<(i64, NaiveDateTime)>, StoreError> {
    Ok(data_versions::table
        .order(data_versions::id.desc())
        .select((data_versions::id, data_versions::created_at))
        .first(conn)
        .optional()?)
}

/// Filters of one page of the facility list; `after` is the last ID of the previous page.
#[derive(Debug, Default, Clone)]
pub struct FacilityListQuery {
    pub kind: Option<String>,
    pub prefecture: Option<String>,
    pub has_actions: Option<bool>,
    pub after: Option<String>,
    pub limit: i64,
}

/// Facility and CPC views (never organizations, never merged IDs) matching the filters, in
/// ID order (the stable order of the facility list), at most `limit`. Every filter is a
/// column of `facility_list` with an index ending in the ID, so a page reads the rows it
/// returns and no others.
pub fn facility_page(
    conn: &mut DbConnection,
    q: &FacilityListQuery,
) -> Result<Vec<EntityViewRow>, StoreError> {
    let mut query = facility_list::table
        .select(facility_list::entity_id)
        .into_boxed();
    if let Some(k) = &q.kind {
        query = query.filter(facility_list::kind.eq(k.clone()));
    }
    if let Some(p) = &q.prefecture {
        query = query.filter(facility_list::prefecture.eq(p.clone()));
    }
    if let Some(h) = q.has_actions {
        query = query.filter(facility_list::has_actions.eq(h));
    }
    if let Some(a) = &q.after {
        query = query.filter(facility_list::entity_id.gt(a.clone()));
    }
    let ids: Vec<String> = query
        .order(facility_list::entity_id.asc())
        .limit(q.limit)
        .load(conn)?;
    // The records by primary key, apart: joined in one statement, a planner may merge-join
    // the whole view table from its first row to reach a deep page.
    Ok(entity_views::table
        .filter(entity_views::entity_id.eq_any(&ids))
        .order(entity_views::entity_id.asc())
        .select(EntityViewRow::as_select())
        .load(conn)?)
}

/// IDs of entities with a fact first seen, changed or retracted at or after `since`, or
/// stated in a document removed at or after `since`; ID order, after `after`, at most `limit`.
///
/// Driven by the changes while they are few: each kind of change is one range of its own
/// index (`facts_first_seen`, `facts_last_changed`, `facts_retracted`, `documents_removed`),
/// so the work follows what changed since `since` — nothing for a time in the future. When
/// `since` is so old that thousands of facts changed after it, entities are walked in ID order
/// with their last change instead, which finds `limit` of them quickly because most changed;
/// collecting every changed fact would read the whole table into memory.
pub fn changed_entity_ids(
    conn: &mut DbConnection,
    since: NaiveDateTime,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<String>, StoreError> {
    changed_entity_ids_by(conn, since, after, limit, ChangesReading::Cheapest)
}

/// Facts collected through the change indexes before the changes feed reads entities in ID
/// order instead: past this many, `since` is old enough that most entities changed after it.
const CHANGED_FACTS_CAP: i64 = 5_000;

/// How [`changed_entity_ids_by`] finds the changed entities; both give the same answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangesReading {
    /// By the changes while they are few, else by the entities.
    Cheapest,
    /// Every fact changed since `since`, through its time indexes, then their entities.
    ByChanges,
    /// Entities in ID order, each with its last change (`entity_changes`).
    ByEntities,
}

/// [`changed_entity_ids`] read one given way (public for the test that compares them).
pub fn changed_entity_ids_by(
    conn: &mut DbConnection,
    since: NaiveDateTime,
    after: Option<&str>,
    limit: i64,
    reading: ChangesReading,
) -> Result<Vec<String>, StoreError> {
    let cap = match reading {
        ChangesReading::Cheapest => Some(CHANGED_FACTS_CAP),
        ChangesReading::ByChanges => None,
        ChangesReading::ByEntities => return changed_entities_in_order(conn, since, after, limit),
    };
    match changed_subjects(conn, since, cap)? {
        Some(subjects) => entities_of_subjects(conn, &subjects, after, limit),
        None => changed_entities_in_order(conn, since, after, limit),
    }
}

/// Subjects of the facts changed since `since`, one range of a time index per kind of change
/// (nothing for a time in the future); `None` once more than `cap` facts are read in one range.
fn changed_subjects(
    conn: &mut DbConnection,
    since: NaiveDateTime,
    cap: Option<i64>,
) -> Result<Option<Vec<String>>, StoreError> {
    use super::schema::{documents, facts};
    let limit = cap.map_or(i64::MAX, |c| c + 1);
    let over =
        |rows: &Vec<String>| cap.is_some_and(|c| i64::try_from(rows.len()).unwrap_or(i64::MAX) > c);
    let mut subjects: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    let ranges = [
        facts::table
            .filter(facts::first_seen.ge(since))
            .select(facts::subject)
            .limit(limit)
            .load::<String>(conn)?,
        facts::table
            .filter(facts::last_changed.ge(since))
            .select(facts::subject)
            .limit(limit)
            .load::<String>(conn)?,
        facts::table
            .filter(facts::retracted_at.ge(since))
            .select(facts::subject)
            .limit(limit)
            .load::<String>(conn)?,
        facts::table
            .inner_join(documents::table)
            .filter(documents::removed_at.ge(since))
            .select(facts::subject)
            .limit(limit)
            .load::<String>(conn)?,
    ];
    for rows in ranges {
        if over(&rows) {
            return Ok(None);
        }
        subjects.extend(rows);
    }
    Ok(Some(subjects.into_iter().collect()))
}

/// The entities of `subjects` after the cursor, in ID order.
fn entities_of_subjects(
    conn: &mut DbConnection,
    subjects: &[String],
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<String>, StoreError> {
    use super::schema::entity_members;
    let after = after.unwrap_or("").to_owned();
    let mut ids: Vec<String> = Vec::new();
    // Chunked: a bound parameter per subject, well under both backends' limits.
    for chunk in subjects.chunks(500) {
        ids.extend(
            entity_members::table
                .filter(entity_members::subject.eq_any(chunk))
                .filter(entity_members::entity_id.gt(after.clone()))
                .select(entity_members::entity_id)
                .load::<String>(conn)?,
        );
    }
    ids.sort();
    ids.dedup();
    ids.truncate(usize::try_from(limit).unwrap_or(0));
    Ok(ids)
}

/// Entities after the cursor, in ID order, that changed since `since` (index
/// `entity_changes_walk`): the walk stops at `limit` entities, which come soon when most
/// entities changed.
fn changed_entities_in_order(
    conn: &mut DbConnection,
    since: NaiveDateTime,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<String>, StoreError> {
    Ok(entity_changes::table
        .filter(entity_changes::entity_id.gt(after.unwrap_or("").to_owned()))
        .filter(entity_changes::last_change.ge(since))
        .order(entity_changes::entity_id.asc())
        .select(entity_changes::entity_id)
        .limit(limit)
        .load(conn)?)
}

/// One fact of an entity with the times the changes feed needs.
#[derive(Debug, Clone, Queryable)]
pub struct ChangeFact {
    pub entity_id: String,
    pub property: String,
    pub first_seen: NaiveDateTime,
    pub last_changed: NaiveDateTime,
    pub retracted_at: Option<NaiveDateTime>,
    pub document_removed_at: Option<NaiveDateTime>,
    pub document_source: String,
    pub document_url: String,
    pub document_last_seen: NaiveDateTime,
    pub document_sha256: Option<String>,
    pub fact_sha256: String,
}

/// Every fact of the given entities (through their member subjects).
pub fn change_facts(
    conn: &mut DbConnection,
    entity_ids: &[String],
) -> Result<Vec<ChangeFact>, StoreError> {
    use super::schema::{documents, entity_members, facts};
    Ok(facts::table
        .inner_join(documents::table)
        .inner_join(entity_members::table.on(entity_members::subject.eq(facts::subject)))
        .filter(entity_members::entity_id.eq_any(entity_ids))
        .order((entity_members::entity_id.asc(), facts::id.asc()))
        .select((
            entity_members::entity_id,
            facts::property,
            facts::first_seen,
            facts::last_changed,
            facts::retracted_at,
            documents::removed_at,
            documents::source,
            documents::url,
            documents::last_seen,
            documents::current_sha256,
            facts::last_sha256,
        ))
        .load(conn)?)
}

pub fn entities_by_ids(
    conn: &mut DbConnection,
    ids: &[String],
) -> Result<Vec<EntityRow>, StoreError> {
    use super::schema::entities;
    Ok(entities::table
        .filter(entities::id.eq_any(ids))
        .order(entities::id.asc())
        .select(EntityRow::as_select())
        .load(conn)?)
}

/// Whether nothing has been resolved or projected yet (the state `mieru import` needs).
pub fn is_empty(conn: &mut DbConnection) -> Result<bool, StoreError> {
    use super::schema::entities;
    let views: i64 = entity_views::table.count().get_result(conn)?;
    let ents: i64 = entities::table.count().get_result(conn)?;
    let acts: i64 = actions::table.count().get_result(conn)?;
    let pls: i64 = plans::table.count().get_result(conn)?;
    Ok(views == 0 && ents == 0 && acts == 0 && pls == 0)
}

/// Restores exported entities and read models in one transaction (import into an empty
/// database; the caller checks [`is_empty`]).
pub fn import_all(
    conn: &mut DbConnection,
    entity_rows: &[EntityRow],
    projection: &Projection,
    fact_count: i64,
    now: NaiveDateTime,
) -> Result<(), StoreError> {
    use super::schema::entities;
    conn.transaction(|conn| {
        for row in entity_rows {
            diesel::insert_into(entities::table)
                .values(row)
                .execute(conn)?;
        }
        replace_all(conn, projection, "import", fact_count, now)
    })
}
