//! The read side the web layer needs. The root package implements it over its database and
//! search index; the web crate knows nothing of either. Methods are blocking: handlers call
//! them inside `web::block`.

use crate::curation::{self, *};
use crate::model::*;

#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// The caller's input cannot be answered (bad query syntax, bad cursor …): a 400.
    #[error("{0}")]
    BadRequest(String),
    /// Storage or index failed: a 503 with no internal detail shown to the client.
    #[error("unavailable: {0}")]
    Unavailable(String),
}

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
    fn versions(&self, limit: usize) -> Result<Vec<DataVersion>, RegistryError> {
        let _ = limit;
        Err(RegistryError::Unavailable(
            "this registry has no data versions".into(),
        ))
    }

    /// Actions, newest first.
    fn actions(&self, filter: &ActionFilter) -> Result<Page<ActionSummary>, RegistryError>;

    fn action(&self, id: &str) -> Result<Option<ActionDetail>, RegistryError>;

    fn plan(&self, number: &str) -> Result<Option<PlanDetail>, RegistryError>;

    fn document(&self, sha256: &str) -> Result<Option<ArchivedDocument>, RegistryError>;

    fn health(&self) -> Result<Health, RegistryError>;

    /// Facilities and CPCs ordered by ID (a stable order: IDs never change), with a cursor on
    /// the last ID, so a walk sees every record once even while data is added.
    ///
    /// The default answers "unavailable", so registries written before this method (test
    /// doubles, benches) keep compiling; the real registry implements it.
    fn facilities(&self, filter: &FacilityFilter) -> Result<Page<FacilitySummary>, RegistryError> {
        let _ = filter;
        Err(RegistryError::Unavailable(
            "this registry does not list facilities".into(),
        ))
    }

    /// Entities whose facts or source documents changed since `request.since`.
    fn changes(&self, request: &ChangesRequest) -> Result<ChangesPage, RegistryError> {
        let _ = request;
        Err(RegistryError::Unavailable(
            "this registry has no changes feed".into(),
        ))
    }

    /// One bulk export file by name (see [`EXPORT_FILES`]); `None` for an unknown name.
    fn export_file(&self, name: &str) -> Result<Option<ExportFile>, RegistryError> {
        let _ = name;
        Err(RegistryError::Unavailable(
            "this registry has no exports".into(),
        ))
    }

    /// The watch feed of a facility, organization or prefecture (see [`crate::watch`]). A
    /// merged ID answers with the survivor's feed (`merged_from` set), not a redirect.
    fn watch_feed(
        &self,
        scope: &crate::watch::WatchScope,
    ) -> Result<Lookup<crate::watch::WatchFeed>, RegistryError> {
        let _ = scope;
        Err(RegistryError::Unavailable(
            "this registry has no watch feeds".into(),
        ))
    }

    /// Health of every public source: last crawls, counts, problem documents, known gaps.
    fn sources(&self) -> Result<SourcesReport, RegistryError> {
        Err(RegistryError::Unavailable(
            "this registry has no source health".into(),
        ))
    }

    // ---- Curation (see `crate::curation`). Writes are only reached through handlers that
    // authenticated a curator first; `submit_correction` is the one public write.

    /// The active curator holding this bearer token, if any.
    fn authenticate(&self, token: &str) -> Result<Option<CuratorInfo>, RegistryError> {
        let _ = token;
        Err(no_curation())
    }

    /// Files a public correction report.
    fn submit_correction(&self, new: &NewCorrection) -> Result<Curated<Correction>, RegistryError> {
        let _ = new;
        Err(no_curation())
    }

    /// The public log of reports, newest first.
    fn corrections(&self, filter: &CorrectionFilter) -> Result<Page<Correction>, RegistryError> {
        let _ = filter;
        Err(no_curation())
    }

    fn correction(&self, id: &str) -> Result<Option<Correction>, RegistryError> {
        let _ = id;
        Err(no_curation())
    }

    /// Accepts or rejects an open report as `by`; accepting changes the record.
    fn decide_correction(
        &self,
        id: &str,
        decision: &Decision,
        by: &CuratorInfo,
    ) -> Result<Curated<Correction>, RegistryError> {
        let _ = (id, decision, by);
        Err(no_curation())
    }

    fn judge(
        &self,
        request: &JudgementRequest,
        by: &CuratorInfo,
    ) -> Result<Curated<JudgementRecorded>, RegistryError> {
        let _ = (request, by);
        Err(no_curation())
    }

    fn annotate(
        &self,
        new: &curation::NewAnnotation,
        by: &CuratorInfo,
    ) -> Result<Curated<Annotation>, RegistryError> {
        let _ = (new, by);
        Err(no_curation())
    }

    fn withdraw_annotation(
        &self,
        id: i64,
        reason: &str,
        by: &CuratorInfo,
    ) -> Result<Curated<Annotation>, RegistryError> {
        let _ = (id, reason, by);
        Err(no_curation())
    }

    /// The stored facts of a record (hidden ones marked); `None` for an unknown ID.
    fn entity_facts(&self, id: &str) -> Result<Option<Vec<FactInfo>>, RegistryError> {
        let _ = id;
        Err(no_curation())
    }

    /// The audit log, newest first.
    fn audit_log(&self, filter: &AuditFilter) -> Result<Page<AuditEntry>, RegistryError> {
        let _ = filter;
        Err(no_curation())
    }

    /// Creates a curator (admins only) and returns its token, shown once.
    fn add_curator(
        &self,
        new: &NewCurator,
        by: &CuratorInfo,
    ) -> Result<Curated<IssuedToken>, RegistryError> {
        let _ = (new, by);
        Err(no_curation())
    }

    /// Revokes a curator's token (admins only).
    fn revoke_curator(
        &self,
        name: &str,
        reason: &str,
        by: &CuratorInfo,
    ) -> Result<Curated<()>, RegistryError> {
        let _ = (name, reason, by);
        Err(no_curation())
    }

    /// Archives, parses and ingests one document with the named source's parser, resolves,
    /// and re-indexes this server's search index (admins only; `mieru ingest` over HTTP).
    /// An unknown source is a `BadRequest`.
    fn ingest_document(
        &self,
        request: &crate::admin::IngestRequest,
        body: &[u8],
        by: &CuratorInfo,
    ) -> Result<crate::admin::IngestResult, RegistryError> {
        let _ = (request, body, by);
        Err(RegistryError::Unavailable(
            "this registry cannot ingest documents".into(),
        ))
    }
}

fn no_curation() -> RegistryError {
    RegistryError::Unavailable("this registry has no curation".into())
}

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
