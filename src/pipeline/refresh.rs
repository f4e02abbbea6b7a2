//! The one orchestrator of the pipeline: under the database's resolve lock, resolve the
//! facts, project the read models (with what curators decided), store entities, links and
//! read models, and hand back what the index needs. The CLI, curation jobs, the admin ingest
//! and the evaluation harness all refresh through here.

use super::project::{self, streamed, watch_activity::issued_actions};
use super::resolve::{ids::EntityId, resolve_lean, Resolution};
use crate::ops::locks::{self, HeldLock};
use crate::search::{SearchError, SearchIndex};
use crate::store::models::{EntityRow, MemberRow};
use crate::store::{self, read_models, DbConnection, StoreError};
use diesel::Connection;
use mieru_crawler::provenance::SubjectKind;
use std::collections::{HashMap, HashSet};

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ResolveReport {
    pub subjects: usize,
    pub facilities: usize,
    pub cpcs: usize,
    pub organizations: usize,
    pub actions: usize,
    pub plans: usize,
    pub links: usize,
    pub possible_links: usize,
    pub redirects: usize,
    /// The `data_versions` row this run wrote: what an index built from it reflects.
    pub data_version: Option<i64>,
}

impl std::fmt::Display for ResolveReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} subjects → {} facilities, {} CPCs, {} organizations, {} actions, {} plans; \
             {} links ({} possible), {} redirects",
            self.subjects,
            self.facilities,
            self.cpcs,
            self.organizations,
            self.actions,
            self.plans,
            self.links,
            self.possible_links,
            self.redirects
        )
    }
}

/// Resolves, stores the entities and links, and projects the read models, each step in its
/// own transaction (a crash between them leaves a consistent older read model). Runs under the
/// database's resolve lock: two servers or CLIs resolving at once would hand out the same new
/// IDs and interleave their read models, so the second waits for the first.
pub fn run(conn: &mut DbConnection) -> Result<ResolveReport, StoreError> {
    let lock = HeldLock::acquire(
        conn,
        locks::RESOLVE_LOCK,
        locks::RESOLVE_WAIT,
        chrono::Duration::minutes(locks::RESOLVE_STALE_MINUTES),
    )?;
    let result = run_under(conn, &lock);
    let released = lock.release(conn);
    let out = result?;
    released?;
    Ok(out)
}

/// [`run`] for a caller that already holds the resolve lock (the job worker, which holds it
/// from claiming its jobs to marking them done).
///
/// Resolution reads only what clustering needs; the projection then reads the facts a chunk
/// of records at a time (`project::streamed`), so memory does not grow with the fact count.
/// The search index is not touched: [`run_and_index`] rebuilds it from the stored rows.
pub fn run_under(conn: &mut DbConnection, lock: &HeldLock) -> Result<ResolveReport, StoreError> {
    let started = std::time::Instant::now();
    let resolution = resolve_lean(conn)?;
    tracing::info!(entities = resolution.members.len(), took = ?started.elapsed(), "resolved");
    lock.heartbeat(conn)?;
    // Curation: hidden facts leave the projection (never the store); corrections, annotations
    // and judgements join the histories.
    let curation = crate::curation::view::CurationView::load(conn, &resolution.redirects)?;
    let own = streamed::own_pass(conn, &resolution, &curation)?;
    tracing::info!(took = ?started.elapsed(), "summaries made");
    lock.heartbeat(conn)?;
    let now = store::now();
    store_entities(conn, &resolution, &own.summaries, now)?;
    lock.heartbeat(conn)?;

    let fact_count = store::facts::count(conn)?;
    let mut spool = streamed::Spool::new()?;
    let mut issued: Vec<(String, String)> = Vec::new();
    streamed::project_chunks(
        conn,
        &resolution,
        &curation,
        &own.summaries,
        now,
        streamed::ChunkBudget::DEFAULT,
        |_, rows| {
            issued.extend(issued_actions(&rows.events).map(|(e, a)| (e.to_owned(), a.to_owned())));
            spool.push(&rows)
        },
    )?;
    tracing::info!(took = ?started.elapsed(), "records projected");
    lock.heartbeat(conn)?;
    let activity = own.activity.bounds(
        issued.iter().map(|(e, a)| (e.as_str(), a.as_str())),
        &resolution.links,
    );
    let with_actions: HashSet<&str> = issued.iter().map(|(e, _)| e.as_str()).collect();
    conn.transaction(|conn| {
        read_models::clear(conn)?;
        spool.replay(|rows| {
            read_models::insert_rows(conn, &rows.views, &rows.actions, &rows.plans, &rows.events)
        })?;
        read_models::finish_version(
            conn,
            &read_models::Completion {
                with_actions: &with_actions,
                activity: &activity,
                last_change: &own.last_change,
                note: "resolve",
                fact_count,
                now,
            },
        )
    })?;
    tracing::info!(took = ?started.elapsed(), "read models written");

    let count = |k: SubjectKind| resolution.entity_kind.values().filter(|v| **v == k).count();
    Ok(ResolveReport {
        subjects: usize::try_from(store::facts::subject_count(conn)?).unwrap_or(usize::MAX),
        facilities: count(SubjectKind::Facility),
        cpcs: count(SubjectKind::Cpc),
        organizations: count(SubjectKind::Organization),
        actions: count(SubjectKind::Action),
        plans: count(SubjectKind::Plan),
        links: resolution.links.len(),
        possible_links: resolution
            .links
            .iter()
            .filter(|l| l.kind.starts_with("possible"))
            .count(),
        redirects: resolution.redirects.len(),
        // Read under the lock, so it is this run's row and not a later one.
        data_version: read_models::latest_version(conn)?.map(|(id, _)| id),
    })
}

/// Stores the entities (with their summaries, keeping each one's creation time, and the
/// redirects of those merged away), their members and the links.
fn store_entities(
    conn: &mut DbConnection,
    resolution: &Resolution,
    summaries: &HashMap<EntityId, project::Summary>,
    now: chrono::NaiveDateTime,
) -> Result<(), StoreError> {
    // Only rows of IDs merged away in this run are rewritten from their previous state; every
    // other row is new or updated in place (`store_resolution` keeps its creation time).
    let redirected: Vec<String> = resolution
        .redirects
        .keys()
        .map(|id| id.to_string())
        .collect();
    let mut previous: HashMap<String, EntityRow> = HashMap::new();
    for chunk in redirected.chunks(500) {
        for e in read_models::entities_by_ids(conn, chunk)? {
            previous.insert(e.id.clone(), e);
        }
    }
    let mut ordered: Vec<&project::Summary> = summaries.values().collect();
    ordered.sort_by(|a, b| a.id.cmp(&b.id));
    let mut entity_rows: Vec<EntityRow> = Vec::new();
    for summary in ordered {
        entity_rows.push(EntityRow {
            id: summary.id.clone(),
            kind: summary.kind.clone(),
            name: summary.name.clone(),
            prefecture: summary.prefecture.clone(),
            status: summary.status.clone(),
            merged_into: None,
            created_at: now,
            updated_at: now,
        });
    }
    for (old, new) in &resolution.redirects {
        let Some(prev) = previous.get(old.as_str()) else {
            continue;
        };
        entity_rows.push(EntityRow {
            merged_into: Some(new.to_string()),
            updated_at: now,
            ..prev.clone()
        });
    }
    let member_rows: Vec<MemberRow> = resolution
        .entity_of
        .iter()
        .filter(|(_, id)| resolution.entity_kind.get(*id) != Some(&SubjectKind::Plan))
        .map(|(s, id)| MemberRow {
            subject: s.clone(),
            entity_id: id.to_string(),
            assigned_at: now,
        })
        .collect();
    store::entities::store_resolution(
        conn,
        &entity_rows,
        &member_rows,
        &resolution.links,
        &resolution.id_counters,
        now,
    )
}

#[derive(Debug, thiserror::Error)]
pub enum RefreshError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Search(#[from] SearchError),
    #[error(transparent)]
    Index(#[from] crate::pipeline::index::IndexError),
}

/// [`run`], then the index rebuilt from the stored read models, recording the data version.
pub fn run_and_index(
    conn: &mut DbConnection,
    index: &SearchIndex,
) -> Result<ResolveReport, RefreshError> {
    let report = run(conn)?;
    crate::pipeline::index::rebuild_from(conn, index, report.data_version)?;
    Ok(report)
}
