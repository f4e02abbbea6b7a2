//! `mieru-web`'s registry traits over the store's read models, the archive and the search
//! index: [`DbRegistry`]. The read side is in `read.rs`, the curation and admin sides in
//! `curation.rs`; records at a point in time in `records.rs`; list helpers in `lists.rs`.
//!
//! May depend on: `serve`'s other modules, `pipeline`, `curation`, `ops::export`, `store`,
//! `archive`, `search`. Must not depend on: `app`.

mod curation;
mod cursors;
mod lists;
mod read;
mod records;

use crate::archive::Archive;
use crate::pipeline::job_worker::JobBell;
use crate::pipeline::project::stored;
use crate::search::SearchIndex;
use crate::store::{self, DbPool, StoreError};
use mieru_web::model::*;
use mieru_web::registry::RegistryError;
use records::PointInTimeRecord;
use std::sync::Arc;

pub struct DbRegistry {
    pool: DbPool,
    archive: Archive,
    index: Arc<SearchIndex>,
    /// Export files on disk, written once per data version (the latest `data_versions`
    /// row); a new resolve or import makes a new version and so new files.
    exports: crate::serve::export_files::ExportFiles,
    /// `/healthz` counts, reused for a few seconds (see `health_cache`).
    health: crate::serve::health_cache::HealthCache,
    /// Records of older data versions, and the bound on projecting them.
    history: crate::serve::history_cache::HistoryCache,
    /// Rung when a write queues a job, so this process's worker runs it at once.
    bell: JobBell,
}

impl DbRegistry {
    /// A registry over `pool`, `archive` and `index` that writes its export files under
    /// `exports_dir`.
    pub fn new(
        pool: DbPool,
        archive: Archive,
        index: Arc<SearchIndex>,
        exports_dir: std::path::PathBuf,
    ) -> Self {
        Self {
            pool,
            archive,
            index,
            exports: crate::serve::export_files::ExportFiles::new(exports_dir),
            health: crate::serve::health_cache::HealthCache::default(),
            history: crate::serve::history_cache::HistoryCache::default(),
            bell: JobBell::default(),
        }
    }

    /// What wakes the job worker when this registry queues a job: give it to the worker
    /// started beside this registry (`JobWorker::start`).
    pub fn job_bell(&self) -> JobBell {
        self.bell.clone()
    }

    /// The record of `id` as projected for an older data version: from the cache, or
    /// projected under a bounded number of slots (busy → 503 with `Retry-After`).
    fn historical_record(
        &self,
        conn: &mut store::DbConnection,
        id: &str,
        version: i64,
        created_at: chrono::NaiveDateTime,
    ) -> Result<Option<serde_json::Value>, RegistryError> {
        if let Some(cached) = self.history.get(id, version) {
            return Ok(cached);
        }
        let _slot = self.history.try_slot().map_err(|_| {
            RegistryError::Unavailable(
                "too many historical versions are being rebuilt at once; retry shortly".into(),
            )
        })?;
        let record =
            crate::serve::history::record_known_at(conn, id, created_at).map_err(unavailable)?;
        self.history.put(id, version, record.clone());
        Ok(record)
    }

    /// A facility or organization record at a point in time, with its citation. The latest
    /// version comes from the stored read model; an older one is reconstructed from the facts
    /// known then; `as_of` then cuts either at a date.
    fn record_at<T: PointInTimeRecord>(
        &self,
        conn: &mut store::DbConnection,
        id: &str,
        at: PointInTime,
    ) -> Result<Option<T>, RegistryError> {
        let latest = store::read_models::latest_version(conn).map_err(unavailable)?;
        let (version, created_at) = match at.version {
            None => match latest {
                Some(v) => v,
                // Nothing resolved yet: no record to show.
                None => return Ok(None),
            },
            Some(n) => match store::read_models::version(conn, n).map_err(unavailable)? {
                Some(v) => (v.id, v.created_at),
                None => {
                    return Err(RegistryError::BadRequest(format!(
                        "unknown data version {n}; /api/v1/versions lists them"
                    )))
                }
            },
        };
        let is_latest = latest.map(|(id, _)| id) == Some(version);
        let record: Option<T> = if is_latest {
            match store::read_models::entity_view(conn, id).map_err(unavailable)? {
                Some(v) if (v.kind == "organization") == T::ORGANIZATION => {
                    Some(decode(&v.detail)?)
                }
                _ => None,
            }
        } else {
            let kind_matches = store::entities::get(conn, id)
                .map_err(unavailable)?
                .is_some_and(|e| (e.kind == "organization") == T::ORGANIZATION);
            if !kind_matches {
                return Ok(None);
            }
            match self.historical_record(conn, id, version, created_at)? {
                // A record that does not decode is an error, never a silent 404.
                Some(value) => Some(serde_json::from_value(value).map_err(|e| {
                    RegistryError::Unavailable(format!("historical record unreadable: {e}"))
                })?),
                None => None,
            }
        };
        Ok(record.map(|r: T| {
            let mut r = match at.as_of {
                Some(date) => r.at_date(date),
                None => r,
            };
            let pinned = PointInTime {
                as_of: at.as_of,
                version: Some(version),
            };
            let path = if T::ORGANIZATION {
                "organizations"
            } else {
                "facilities"
            };
            let query = mieru_web::urls::point_in_time(&pinned);
            r.set_citation(Citation {
                data_version: version,
                data_version_created_at: created_at.and_utc(),
                as_of: at.as_of,
                permalink: format!("/{path}/{}{query}", mieru_web::urls::encode(id)),
                api_permalink: format!("/api/v1/{path}/{}{query}", mieru_web::urls::encode(id)),
                latest: is_latest,
            });
            r
        }))
    }

    fn conn(&self) -> Result<store::PooledConn, RegistryError> {
        self.pool
            .get()
            .map_err(|e| RegistryError::Unavailable(e.to_string()))
    }
}

pub(super) fn unavailable(e: StoreError) -> RegistryError {
    RegistryError::Unavailable(e.to_string())
}

/// A stored read model; one that does not decode makes the registry unavailable (503), never
/// a missing record (404).
pub(super) fn decode<T: stored::Record>(json: &str) -> Result<T, RegistryError> {
    stored::decode(json).map_err(|e| RegistryError::Unavailable(e.to_string()))
}

/// Where an ID lives now: itself, or the entity it was merged into.
pub(super) fn follow(
    conn: &mut store::DbConnection,
    id: &str,
) -> Result<Option<Result<String, String>>, RegistryError> {
    match store::entities::get(conn, id).map_err(unavailable)? {
        None => Ok(None),
        Some(e) => match e.merged_into {
            Some(target) => Ok(Some(Err(target))),
            None => Ok(Some(Ok(e.id))),
        },
    }
}

impl DbRegistry {
    /// How many export files this registry has written (each once per data version).
    pub fn export_files_written(&self) -> u64 {
        self.exports.written()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stored record that does not decode is the registry unavailable (503), never a
    /// missing record (404).
    #[test]
    fn an_unreadable_record_is_unavailable() {
        let legacy = r#"{"id":"A1","action_type":"other","findings":[]}"#;
        for json in [legacy, r#"{"format":9,"record":{}}"#, "not json"] {
            match decode::<ActionDetail>(json) {
                Err(RegistryError::Unavailable(m)) => assert!(m.contains("mieru resolve"), "{m}"),
                other => panic!("{json}: {other:?}"),
            }
        }
    }
}
