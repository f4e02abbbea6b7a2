//! The read side the web layer needs. The root package implements it over its database and
//! search index; the web crate knows nothing of either. Methods are blocking: handlers call
//! them inside `web::block`.

use crate::model::*;
use chrono::NaiveDate;

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

    /// A facility or CPC with its whole history; `as_of` restricts it to what sources had
    /// said by that date.
    fn facility(
        &self,
        id: &str,
        as_of: Option<NaiveDate>,
    ) -> Result<Lookup<FacilityDetail>, RegistryError>;

    fn organization(&self, id: &str) -> Result<Lookup<OrganizationDetail>, RegistryError>;

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
