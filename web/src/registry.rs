//! What the web layer asks of the data, in three traits so that each handler sees only what it
//! needs and an implementation states every method it offers:
//!
//! - [`Registry`]: the public read side (search, records, lists, exports, feeds, health);
//! - [`CurationRegistry`]: correction reports and curators' work on records;
//! - [`AdminRegistry`]: managing curators and ingesting documents.
//!
//! None has default bodies: a registry that cannot do something (a test double, a bench)
//! says so explicitly, usually with [`RegistryError::Unavailable`]; a method it forgets does
//! not compile. The root package implements all three over its database and search index;
//! the web crate knows nothing of either. Methods are blocking: handlers call them inside
//! `web::block`, through [`crate::AppState`].
//!
//! The app state holds one `Arc<dyn SiteRegistry>`: [`SiteRegistry`] is the three together,
//! implemented for every type that implements them, so the state stays one field that any
//! complete registry (the database one, a fake) fills as it is. [`crate::AppState::read`],
//! [`crate::AppState::curate`] and [`crate::AppState::administer`] hand a handler only the
//! trait it needs.

use crate::admin::{IngestRequest, IngestResult};
use crate::curation::*;
use crate::jobs::{Job, WithJob};
use crate::model::*;
use crate::watch::{WatchFeed, WatchScope};

#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// The caller's input cannot be answered (bad query syntax, bad cursor …): a 400.
    #[error("{0}")]
    BadRequest(String),
    /// Storage or index failed: a 503 with no internal detail shown to the client.
    #[error("unavailable: {0}")]
    Unavailable(String),
}

/// [`Registry::facility`] or [`Registry::organization`] as a value: a record with a history,
/// looked up by ID at a point in time (handlers treat the two kinds alike through it).
pub type RecordLookup<T> = fn(&dyn Registry, &str, PointInTime) -> Result<Lookup<T>, RegistryError>;

/// The versions whole answers are kept under: see [`Registry::cache_version`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheVersion {
    /// The read models' data version (`data_versions` id).
    pub data: i64,
    /// The search index's generation in this process.
    pub search: u64,
}

/// The public read side.
pub trait Registry: Send + Sync + 'static {
    fn search(&self, request: &SearchRequest) -> Result<SearchResults, RegistryError>;

    /// A facility or CPC with its whole history, at a point in time: `at.as_of` restricts it
    /// to what sources had said by that date, `at.version` to what mieru had collected when
    /// that data version was built. An unknown version is a `BadRequest`.
    fn facility(&self, id: &str, at: PointInTime) -> Result<Lookup<FacilityDetail>, RegistryError>;

    fn organization(
        &self,
        id: &str,
        at: PointInTime,
    ) -> Result<Lookup<OrganizationDetail>, RegistryError>;

    /// Published data versions, newest first.
    fn versions(&self, limit: usize) -> Result<Vec<DataVersion>, RegistryError>;

    /// Actions, newest first.
    fn actions(&self, filter: &ActionFilter) -> Result<Page<ActionSummary>, RegistryError>;

    fn action(&self, id: &str) -> Result<Option<ActionDetail>, RegistryError>;

    fn plan(&self, number: &str) -> Result<Option<PlanDetail>, RegistryError>;

    fn document(&self, sha256: &str) -> Result<Option<ArchivedDocument>, RegistryError>;

    fn health(&self) -> Result<Health, RegistryError>;

    /// What answers are built from now, read afresh on every call: the data version of the
    /// read models and the search index's generation. Whole responses are kept per value
    /// (`response_cache`). `None` (the default) when the registry cannot tell, and then
    /// nothing is kept.
    fn cache_version(&self) -> Result<Option<CacheVersion>, RegistryError> {
        Ok(None)
    }

    /// Facilities and CPCs ordered by ID (a stable order: IDs never change), with a cursor on
    /// the last ID, so a walk sees every record once even while data is added.
    fn facilities(&self, filter: &FacilityFilter) -> Result<Page<FacilitySummary>, RegistryError>;

    /// Entities whose facts or source documents changed since `request.since`.
    fn changes(&self, request: &ChangesRequest) -> Result<ChangesPage, RegistryError>;

    /// One bulk export file by name (see [`EXPORT_FILES`]), complete on disk for the current
    /// data version (written first if need be; concurrent callers wait for one writer);
    /// `None` for an unknown name.
    fn export_file(&self, name: &str) -> Result<Option<ExportFile>, RegistryError>;

    /// The watch feed of a facility, organization or prefecture (see [`crate::watch`]). A
    /// merged ID answers with the survivor's feed (`merged_from` set), not a redirect.
    fn watch_feed(&self, scope: &WatchScope) -> Result<Lookup<WatchFeed>, RegistryError>;

    /// Health of every public source: last crawls, counts, problem documents, known gaps.
    fn sources(&self) -> Result<SourcesReport, RegistryError>;
}

/// Curation (see [`crate::curation`]): the public log of correction reports and the work of
/// curators. Writes other than `submit_correction` (the one public write) are only reached
/// through handlers that authenticated a curator first.
pub trait CurationRegistry: Send + Sync + 'static {
    /// The active curator (or admin) holding this bearer token, if any.
    fn authenticate(&self, token: &str) -> Result<Option<CuratorInfo>, RegistryError>;

    /// Files a public correction report.
    fn submit_correction(&self, new: &NewCorrection) -> Result<Curated<Correction>, RegistryError>;

    /// The public log of reports, newest first.
    fn corrections(&self, filter: &CorrectionFilter) -> Result<Page<Correction>, RegistryError>;

    fn correction(&self, id: &str) -> Result<Option<Correction>, RegistryError>;

    /// Accepts or rejects an open report as `by`. Accepting records the change and queues
    /// the job that applies it to the records (a rejection queues none).
    fn decide_correction(
        &self,
        id: &str,
        decision: &Decision,
        by: &CuratorInfo,
    ) -> Result<Curated<WithJob<Correction>>, RegistryError>;

    /// Records a judgement and queues the job that applies it.
    fn judge(
        &self,
        request: &JudgementRequest,
        by: &CuratorInfo,
    ) -> Result<Curated<WithJob<JudgementRecorded>>, RegistryError>;

    /// Records an annotation and queues the job that applies it.
    fn annotate(
        &self,
        new: &NewAnnotation,
        by: &CuratorInfo,
    ) -> Result<Curated<WithJob<Annotation>>, RegistryError>;

    /// Withdraws an annotation and queues the job that applies it.
    fn withdraw_annotation(
        &self,
        id: i64,
        reason: &str,
        by: &CuratorInfo,
    ) -> Result<Curated<WithJob<Annotation>>, RegistryError>;

    /// A background job queued by a curator's or an admin's write; `None` for an unknown ID.
    fn job(&self, id: i64) -> Result<Option<Job>, RegistryError>;

    /// The stored facts of a record (hidden ones marked); `None` for an unknown ID.
    fn entity_facts(&self, id: &str) -> Result<Option<Vec<FactInfo>>, RegistryError>;

    /// The audit log, newest first.
    fn audit_log(&self, filter: &AuditFilter) -> Result<Page<AuditEntry>, RegistryError>;
}

/// Operating the registry (admins only; handlers check the role first).
pub trait AdminRegistry: Send + Sync + 'static {
    /// Creates a curator and returns its token, shown once.
    fn add_curator(
        &self,
        new: &NewCurator,
        by: &CuratorInfo,
    ) -> Result<Curated<IssuedToken>, RegistryError>;

    /// Revokes a curator's token.
    fn revoke_curator(
        &self,
        name: &str,
        reason: &str,
        by: &CuratorInfo,
    ) -> Result<Curated<()>, RegistryError>;

    /// Archives, parses and records one document with the named source's parser (`mieru
    /// ingest` over HTTP), and queues the job that resolves and re-indexes. An unknown source
    /// is a `BadRequest`.
    fn ingest_document(
        &self,
        request: &IngestRequest,
        body: &[u8],
        by: &CuratorInfo,
    ) -> Result<IngestResult, RegistryError>;
}

/// Everything the site serves from: the three traits together. Implemented for every type
/// that implements them (nothing to write by hand); [`crate::AppState`] holds one.
pub trait SiteRegistry: Registry + CurationRegistry + AdminRegistry {}

impl<T: Registry + CurationRegistry + AdminRegistry> SiteRegistry for T {}

/// The bulk export files every registry offers: (name, format, description).
pub const EXPORT_FILES: [(&str, &str, &str); 7] = [
    ("facilities.jsonl", "jsonl", "One facility or CPC per line, as `GET /api/v1/facilities/{id}` returns it (history, links with evidence, sources)."),
    ("organizations.jsonl", "jsonl", "One organization per line, as `GET /api/v1/organizations/{id}` returns it."),
    ("actions.jsonl", "jsonl", "One regulatory action per line, as `GET /api/v1/actions/{id}` returns it."),
    ("plans.jsonl", "jsonl", "One provision plan per line, as `GET /api/v1/plans/{number}` returns it."),
    ("entities.jsonl", "jsonl", "Every mieru ID ever published: `{\"id\", \"kind\", \"name\", \"prefecture\", \"status\", \"merged_into\"}`; `merged_into` is set for IDs that now redirect."),
    ("facilities.csv", "csv", "Facilities and CPCs as a flat table (one row each; lists joined with ` | `)."),
    ("actions.csv", "csv", "Actions as a flat table (one row each; lists joined with ` | `)."),
];
