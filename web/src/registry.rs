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
}
