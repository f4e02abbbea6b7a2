//! The read side: `mieru_web::registry::Registry`.

use super::cursors::{decode_cursor, decode_id_cursor, encode_cursor, encode_id_cursor};
use super::lists::{change_of, facility_summary};
use super::{decode, follow, unavailable, DbRegistry};
use crate::archive::is_sha256_hex;
use crate::search::SearchError;
use crate::store;
use mieru_web::model::*;
use mieru_web::registry::{CacheVersion, Registry, RegistryError};
use std::collections::HashMap;

impl Registry for DbRegistry {
    fn search(&self, request: &SearchRequest) -> Result<SearchResults, RegistryError> {
        self.index.search(request).map_err(|e| match e {
            SearchError::BadQuery(m) => RegistryError::BadRequest(m),
            other => RegistryError::Unavailable(other.to_string()),
        })
    }

    fn facility(&self, id: &str, at: PointInTime) -> Result<Lookup<FacilityDetail>, RegistryError> {
        let mut conn = self.conn()?;
        let id = match follow(&mut conn, id)? {
            None => return Ok(Lookup::NotFound),
            Some(Err(target)) => return Ok(Lookup::MovedTo(target)),
            Some(Ok(id)) => id,
        };
        let record: Option<FacilityDetail> = self.record_at(&mut conn, &id, at)?;
        Ok(record.map_or(Lookup::NotFound, Lookup::Found))
    }

    fn organization(
        &self,
        id: &str,
        at: PointInTime,
    ) -> Result<Lookup<OrganizationDetail>, RegistryError> {
        let mut conn = self.conn()?;
        let id = match follow(&mut conn, id)? {
            None => return Ok(Lookup::NotFound),
            Some(Err(target)) => return Ok(Lookup::MovedTo(target)),
            Some(Ok(id)) => id,
        };
        let record: Option<OrganizationDetail> = self.record_at(&mut conn, &id, at)?;
        Ok(record.map_or(Lookup::NotFound, Lookup::Found))
    }

    fn versions(&self, limit: usize) -> Result<Vec<DataVersion>, RegistryError> {
        let mut conn = self.conn()?;
        let limit = i64::try_from(limit.clamp(1, 1000)).unwrap_or(1000);
        Ok(store::read_models::versions(&mut conn, limit)
            .map_err(unavailable)?
            .into_iter()
            .map(|v| DataVersion {
                id: v.id,
                created_at: v.created_at.and_utc(),
                facts: u64::try_from(v.facts).unwrap_or(0),
                entities: u64::try_from(v.entities).unwrap_or(0),
                note: v.note,
            })
            .collect())
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

    fn cache_version(&self) -> Result<Option<CacheVersion>, RegistryError> {
        // The generation first: a version read later can only be newer than the search.
        let search = self.index.generation();
        let mut conn = self.conn()?;
        Ok(store::read_models::latest_version(&mut conn)
            .map_err(unavailable)?
            .map(|(data, _)| CacheVersion { data, search }))
    }

    fn health(&self) -> Result<Health, RegistryError> {
        // Checking a connection out validates it: the database answers on every call.
        let mut conn = self.conn()?;
        self.health.get_or_count(|| {
            let count = |n: i64| u64::try_from(n).unwrap_or(0);
            let facilities = store::entities::count_by_kind(&mut conn, "facility")
                .map_err(unavailable)?
                + store::entities::count_by_kind(&mut conn, "cpc").map_err(unavailable)?;
            let actions =
                store::entities::count_by_kind(&mut conn, "action").map_err(unavailable)?;
            let (documents, _) = store::documents::counts(&mut conn).map_err(unavailable)?;
            Ok(Health {
                status: "ok".into(),
                facilities: count(facilities),
                actions: count(actions),
                documents: count(documents),
            })
        })
    }

    fn facilities(&self, filter: &FacilityFilter) -> Result<Page<FacilitySummary>, RegistryError> {
        let limit = filter.limit.clamp(1, 200);
        let query = store::read_models::FacilityListQuery {
            kind: filter.kind.clone(),
            prefecture: filter.prefecture.clone(),
            has_actions: filter.has_actions,
            after: filter.cursor.as_deref().map(decode_id_cursor).transpose()?,
            // One more than the page: its presence proves there is a next page.
            limit: i64::try_from(limit + 1).unwrap_or(201),
        };
        let mut conn = self.conn()?;
        let rows = store::read_models::facility_page(&mut conn, &query).map_err(unavailable)?;
        let more = rows.len() > limit;
        let mut items: Vec<FacilitySummary> = Vec::with_capacity(limit);
        for row in rows.into_iter().take(limit) {
            let d: FacilityDetail = decode(&row.detail)?;
            items.push(facility_summary(&d));
        }
        let next_cursor = if more {
            items.last().map(|s| encode_id_cursor(&s.id))
        } else {
            None
        };
        Ok(Page { items, next_cursor })
    }

    fn changes(&self, request: &ChangesRequest) -> Result<ChangesPage, RegistryError> {
        let until = chrono::Utc::now();
        let since = request.since.naive_utc();
        let after = request
            .cursor
            .as_deref()
            .map(decode_id_cursor)
            .transpose()?;
        let limit = request.limit.clamp(1, 200);
        let mut conn = self.conn()?;
        let mut ids = store::read_models::changed_entity_ids(
            &mut conn,
            since,
            after.as_deref(),
            i64::try_from(limit + 1).unwrap_or(201),
        )
        .map_err(unavailable)?;
        let more = ids.len() > limit;
        ids.truncate(limit);
        let facts = store::read_models::change_facts(&mut conn, &ids).map_err(unavailable)?;
        let entities: HashMap<String, crate::store::models::EntityRow> =
            store::read_models::entities_by_ids(&mut conn, &ids)
                .map_err(unavailable)?
                .into_iter()
                .map(|e| (e.id.clone(), e))
                .collect();
        let mut by_entity: HashMap<&str, Vec<&store::read_models::ChangeFact>> = HashMap::new();
        for f in &facts {
            by_entity.entry(f.entity_id.as_str()).or_default().push(f);
        }
        let items = ids
            .iter()
            .map(|id| {
                let (kind, name) = entities
                    .get(id)
                    .map(|e| (e.kind.clone(), e.name.clone()))
                    .unwrap_or_else(|| ("unknown".into(), id.clone()));
                let entity = EntityRef {
                    id: id.clone(),
                    entity: kind,
                    name,
                    role: None,
                };
                let facts = by_entity.get(id.as_str()).map(Vec::as_slice).unwrap_or(&[]);
                change_of(entity, facts, since)
            })
            .collect();
        let next_cursor = if more {
            ids.last().map(|id| encode_id_cursor(id))
        } else {
            None
        };
        Ok(ChangesPage {
            since: request.since,
            until,
            items,
            next_cursor,
        })
    }

    fn export_file(&self, name: &str) -> Result<Option<ExportFile>, RegistryError> {
        let file = self
            .exports
            .get(&self.pool, name)
            .map_err(|e| RegistryError::Unavailable(format!("export {name}: {e}")))?;
        Ok(file.map(|f| ExportFile {
            name: name.to_owned(),
            content_type: crate::ops::export::content_type(name).to_owned(),
            path: f.path,
            data_version: f.data_version,
        }))
    }

    fn watch_feed(
        &self,
        scope: &mieru_web::watch::WatchScope,
    ) -> Result<Lookup<mieru_web::watch::WatchFeed>, RegistryError> {
        let mut conn = self.conn()?;
        crate::serve::watch::feed(&mut conn, scope).map_err(unavailable)
    }

    fn sources(&self) -> Result<SourcesReport, RegistryError> {
        let mut conn = self.conn()?;
        crate::serve::sources::report(&mut conn).map_err(unavailable)
    }
}
