//! The read side for the web layer: `mieru_web::registry::Registry` over the store's read
//! models, the archive and the search index.

use crate::archive::{is_sha256_hex, Archive};
use crate::search::{SearchError, SearchIndex};
use crate::store::{self, DbPool, StoreError};
use chrono::NaiveDate;
use mieru_web::model::*;
use mieru_web::registry::{Registry, RegistryError};
use std::sync::Arc;

pub struct DbRegistry {
    pool: DbPool,
    archive: Archive,
    index: Arc<SearchIndex>,
}

impl DbRegistry {
    pub fn new(pool: DbPool, archive: Archive, index: Arc<SearchIndex>) -> Self {
        Self {
            pool,
            archive,
            index,
        }
    }

    fn conn(&self) -> Result<store::PooledConn, RegistryError> {
        self.pool
            .get()
            .map_err(|e| RegistryError::Unavailable(e.to_string()))
    }
}

fn unavailable(e: StoreError) -> RegistryError {
    RegistryError::Unavailable(e.to_string())
}

fn decode<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, RegistryError> {
    serde_json::from_str(json)
        .map_err(|e| RegistryError::Unavailable(format!("stored record unreadable: {e}")))
}

/// Where an ID lives now: itself, or the entity it was merged into.
fn follow(
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

/// Cursor of the action list: `YYYY-MM-DD|ID` of the last item, hex-encoded so clients
/// treat it as opaque.
fn encode_cursor(date: NaiveDate, id: &str) -> String {
    hex::encode(format!("{date}|{id}"))
}

fn decode_cursor(cursor: &str) -> Result<(NaiveDate, String), RegistryError> {
    let bad = || RegistryError::BadRequest("invalid cursor".into());
    let bytes = hex::decode(cursor).map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    let (date, id) = text.split_once('|').ok_or_else(bad)?;
    let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| bad())?;
    Ok((date, id.to_owned()))
}

impl Registry for DbRegistry {
    fn search(&self, request: &SearchRequest) -> Result<SearchResults, RegistryError> {
        self.index.search(request).map_err(|e| match e {
            SearchError::BadQuery(m) => RegistryError::BadRequest(m),
            other => RegistryError::Unavailable(other.to_string()),
        })
    }

    fn facility(
        &self,
        id: &str,
        as_of: Option<NaiveDate>,
    ) -> Result<Lookup<FacilityDetail>, RegistryError> {
        let mut conn = self.conn()?;
        let id = match follow(&mut conn, id)? {
            None => return Ok(Lookup::NotFound),
            Some(Err(target)) => return Ok(Lookup::MovedTo(target)),
            Some(Ok(id)) => id,
        };
        if let Some(date) = as_of {
            return match crate::history::facility_as_of(&mut conn, &id, date)
                .map_err(unavailable)?
            {
                Some(d) => Ok(Lookup::Found(d)),
                None => Ok(Lookup::NotFound),
            };
        }
        match store::read_models::entity_view(&mut conn, &id).map_err(unavailable)? {
            Some(v) if v.kind != "organization" => Ok(Lookup::Found(decode(&v.detail)?)),
            _ => Ok(Lookup::NotFound),
        }
    }

    fn organization(&self, id: &str) -> Result<Lookup<OrganizationDetail>, RegistryError> {
        let mut conn = self.conn()?;
        let id = match follow(&mut conn, id)? {
            None => return Ok(Lookup::NotFound),
            Some(Err(target)) => return Ok(Lookup::MovedTo(target)),
            Some(Ok(id)) => id,
        };
        match store::read_models::entity_view(&mut conn, &id).map_err(unavailable)? {
            Some(v) if v.kind == "organization" => Ok(Lookup::Found(decode(&v.detail)?)),
            _ => Ok(Lookup::NotFound),
        }
    }

    fn actions(&self, filter: &ActionFilter) -> Result<Page<ActionSummary>, RegistryError> {
        let mut conn = self.conn()?;
        let limit = filter.limit.clamp(1, 200);
        let query = store::read_models::ActionQuery {
            action_type: filter.action_type.clone(),
            authority: filter.authority.clone(),
            prefecture: filter.prefecture.clone(),
            article_like: filter.article.clone(),
            from: filter.from,
            to: filter.to,
            after: filter.cursor.as_deref().map(decode_cursor).transpose()?,
            limit: i64::try_from(limit + 1).unwrap_or(201),
        };
        let rows = store::read_models::actions_page(&mut conn, &query).map_err(unavailable)?;
        let more = rows.len() > limit;
        let mut items = Vec::with_capacity(limit);
        for row in rows.into_iter().take(limit) {
            let detail: ActionDetail = decode(&row.detail)?;
            items.push(detail.summary);
        }
        let next_cursor = if more {
            items
                .last()
                .and_then(|a| a.issued_on.map(|d| encode_cursor(d, &a.id)))
        } else {
            None
        };
        Ok(Page { items, next_cursor })
    }

    fn action(&self, id: &str) -> Result<Option<ActionDetail>, RegistryError> {
        let mut conn = self.conn()?;
        match store::read_models::action(&mut conn, id).map_err(unavailable)? {
            Some(row) => Ok(Some(decode(&row.detail)?)),
            None => Ok(None),
        }
    }

    fn plan(&self, number: &str) -> Result<Option<PlanDetail>, RegistryError> {
        let mut conn = self.conn()?;
        let number = mieru_text::normalize::display_clean(number);
        match store::read_models::plan(&mut conn, &number).map_err(unavailable)? {
            Some(row) => Ok(Some(decode(&row.detail)?)),
            None => Ok(None),
        }
    }

    fn document(&self, sha256: &str) -> Result<Option<ArchivedDocument>, RegistryError> {
        if !is_sha256_hex(sha256) {
            return Err(RegistryError::BadRequest("not a SHA-256 hex digest".into()));
        }
        let mut conn = self.conn()?;
        let Some((snap, doc)) =
            store::documents::snapshot_by_sha256(&mut conn, sha256).map_err(unavailable)?
        else {
            return Ok(None);
        };
        let bytes = self
            .archive
            .get(sha256)
            .map_err(|e| RegistryError::Unavailable(e.to_string()))?
            .ok_or_else(|| {
                RegistryError::Unavailable(format!("archived bytes of {sha256} are missing"))
            })?;
        Ok(Some(ArchivedDocument {
            info: DocumentInfo {
                sha256: snap.sha256,
                source: doc.source,
                url: doc.url,
                fetched_at: snap.fetched_at.and_utc(),
                content_type: snap.content_type,
                encoding: snap.encoding,
                size: u64::try_from(snap.size).unwrap_or(0),
                removed_at: doc.removed_at.map(|t| t.and_utc()),
            },
            bytes,
        }))
    }

    fn health(&self) -> Result<Health, RegistryError> {
        let mut conn = self.conn()?;
        let count = |n: i64| u64::try_from(n).unwrap_or(0);
        let facilities = store::entities::count_by_kind(&mut conn, "facility")
            .map_err(unavailable)?
            + store::entities::count_by_kind(&mut conn, "cpc").map_err(unavailable)?;
        let actions = store::entities::count_by_kind(&mut conn, "action").map_err(unavailable)?;
        let (documents, _) = store::documents::counts(&mut conn).map_err(unavailable)?;
        Ok(Health {
            status: "ok".into(),
            facilities: count(facilities),
            actions: count(actions),
            documents: count(documents),
        })
    }
}
