//! The one orchestrator of the pipeline: under the database's resolve lock, resolve the
//! facts, project the read models (with what curators decided), store entities, links and
//! read models, and hand back what the index needs. The CLI, curation jobs, the admin ingest
//! and the evaluation harness all refresh through here.

use super::project;
use super::resolve::resolve;
use crate::ops::locks::{self, HeldLock};
use crate::search::{SearchError, SearchIndex};
use crate::store::models::{EntityRow, MemberRow};
use crate::store::{self, DbConnection, StoreError};
use mieru_crawler::provenance::SubjectKind;
use std::collections::HashMap;

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
pub fn run(conn: &mut DbConnection) -> Result<(ResolveReport, project::Projected), StoreError> {
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
pub fn run_under(
    conn: &mut DbConnection,
    lock: &HeldLock,
) -> Result<(ResolveReport, project::Projected), StoreError> {
    let mut resolution = resolve(conn)?;
    lock.heartbeat(conn)?;
    // Before curation hides facts from the projection: a feed reads every fact.
    let own_activity = project::watch_activity::OwnActivity::of(&resolution);
    let last_changes = project::change_times::last_changes(&resolution);
    // Curation: hidden facts leave the projection (never the store); corrections, annotations
    // and judgements join the histories.
    let curation = crate::curation::view::CurationView::load(conn, &resolution.redirects)?;
    let hidden = curation.hide_facts(&mut resolution.set);
    let now = store::now();
    let mut projected = project::project_curated(&resolution, &curation, now);
    projected.tables.activity = own_activity.bounds(&projected.tables.events, &resolution.links);
    projected.tables.last_change = last_changes;

    let mut entity_rows: Vec<EntityRow> = Vec::new();
    let previous: HashMap<String, EntityRow> = store::entities::all(conn)?
        .into_iter()
        .map(|e| (e.id.clone(), e))
        .collect();
    for summary in &projected.summaries {
        let created = previous
            .get(&summary.id)
            .map(|e| e.created_at)
            .unwrap_or(now);
        entity_rows.push(EntityRow {
            id: summary.id.clone(),
            kind: summary.kind.clone(),
            name: summary.name.clone(),
            prefecture: summary.prefecture.clone(),
            status: summary.status.clone(),
            merged_into: None,
            created_at: created,
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
    store::entities::store_resolution(conn, &entity_rows, &member_rows, &resolution.links, now)?;
    lock.heartbeat(conn)?;
    let fact_count = i64::try_from(resolution.set.facts.len() + hidden).unwrap_or(i64::MAX);
    store::read_models::replace_all(conn, &projected.tables, "resolve", fact_count, now)?;

    let count = |k: SubjectKind| resolution.entity_kind.values().filter(|v| **v == k).count();
    let report = ResolveReport {
        subjects: resolution.set.by_subject.len(),
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
        data_version: store::read_models::latest_version(conn)?.map(|(id, _)| id),
    };
    Ok((report, projected))
}

#[derive(Debug, thiserror::Error)]
pub enum RefreshError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Search(#[from] SearchError),
}

/// [`run`], then the index rebuilt from what it projected, recording the data version.
pub fn run_and_index(
    conn: &mut DbConnection,
    index: &SearchIndex,
) -> Result<ResolveReport, RefreshError> {
    let (report, projected) = run(conn)?;
    index.rebuild_at_version(projected.search_docs, report.data_version)?;
    Ok(report)
}
