//! The read side for the web layer: `mieru_web::registry::Registry` over the store's read
//! models, the archive and the search index.

use crate::archive::{is_sha256_hex, Archive};
use crate::search::{SearchError, SearchIndex};
use crate::store::{self, DbPool, StoreError};
use chrono::{NaiveDate, NaiveDateTime};
use mieru_web::model::*;
use mieru_web::registry::{Registry, RegistryError};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

pub struct DbRegistry {
    pool: DbPool,
    archive: Archive,
    index: Arc<SearchIndex>,
    /// Export files generated for one data version (the latest `data_versions` row); a new
    /// resolve or import makes a new version and so new files.
    exports: Mutex<ExportCache>,
    /// `/healthz` counts, reused for a few seconds (see `health_cache`).
    health: crate::health_cache::HealthCache,
}

#[derive(Default)]
struct ExportCache {
    version: Option<i64>,
    files: HashMap<String, Arc<Vec<u8>>>,
}

impl DbRegistry {
    pub fn new(pool: DbPool, archive: Archive, index: Arc<SearchIndex>) -> Self {
        Self {
            pool,
            archive,
            index,
            exports: Mutex::new(ExportCache::default()),
            health: crate::health_cache::HealthCache::default(),
        }
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
            match crate::history::record_known_at(conn, id, created_at).map_err(unavailable)? {
                Some(value) => serde_json::from_value(value).ok(),
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

/// Records that can be shown at a point in time and cited.
trait PointInTimeRecord: serde::de::DeserializeOwned {
    const ORGANIZATION: bool;
    fn at_date(self, date: NaiveDate) -> Self;
    fn set_citation(&mut self, citation: Citation);
}

impl PointInTimeRecord for FacilityDetail {
    const ORGANIZATION: bool = false;
    fn at_date(self, date: NaiveDate) -> Self {
        crate::history::facility_as_of(self, date)
    }
    fn set_citation(&mut self, citation: Citation) {
        self.citation = Some(citation);
    }
}

impl PointInTimeRecord for OrganizationDetail {
    const ORGANIZATION: bool = true;
    fn at_date(self, date: NaiveDate) -> Self {
        crate::history::organization_as_of(self, date)
    }
    fn set_citation(&mut self, citation: Citation) {
        self.citation = Some(citation);
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

/// Cursor of ID-ordered lists: the last ID, hex-encoded so clients treat it as opaque.
fn encode_id_cursor(id: &str) -> String {
    hex::encode(id)
}

fn decode_id_cursor(cursor: &str) -> Result<String, RegistryError> {
    let bad = || RegistryError::BadRequest("invalid cursor".into());
    let bytes = hex::decode(cursor).map_err(|_| bad())?;
    let id = String::from_utf8(bytes).map_err(|_| bad())?;
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'));
    if ok {
        Ok(id)
    } else {
        Err(bad())
    }
}

fn facility_summary(d: &FacilityDetail) -> FacilitySummary {
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    FacilitySummary {
        id: d.id.clone(),
        kind: d.kind.clone(),
        name: d.name.clone(),
        former_names: d
            .names
            .iter()
            .filter(|n| !n.current && n.value != d.name)
            .map(|n| n.value.clone())
            .fold(Vec::new(), |mut acc, n| {
                if !acc.contains(&n) {
                    acc.push(n);
                }
                acc
            }),
        prefecture: d.prefecture.clone(),
        address: d
            .addresses
            .iter()
            .find(|a| a.current)
            .or(d.addresses.last())
            .map(|a| a.value.clone()),
        status: d.status.clone(),
        operators: d.operators.clone(),
        action_count: count(d.actions.len()),
        plan_count: count(d.plans.len()),
        latest_action_on: d.actions.iter().filter_map(|a| a.issued_on).max(),
        source_count: count(d.sources.len()),
    }
}

/// Facts of one entity → its entry in the changes feed.
fn change_of(
    entity: EntityRef,
    facts: &[&store::read_models::ChangeFact],
    since: NaiveDateTime,
) -> Change {
    let mut at = since;
    let mut bump = |t: NaiveDateTime| {
        if t >= since && t > at {
            at = t;
        }
    };
    let mut props: BTreeMap<&str, PropertyChange> = BTreeMap::new();
    let mut removed_docs: Vec<SourceRef> = Vec::new();
    let mut earliest: Option<NaiveDateTime> = None;
    let mut live = false;
    for f in facts {
        earliest = Some(earliest.map_or(f.first_seen, |e| e.min(f.first_seen)));
        let retracted_now = f.retracted_at.is_some();
        let doc_removed = f.document_removed_at.is_some();
        live |= !retracted_now && !doc_removed;
        let entry = props
            .entry(f.property.as_str())
            .or_insert_with(|| PropertyChange {
                property: f.property.clone(),
                added: 0,
                changed: 0,
                retracted: 0,
            });
        if f.first_seen >= since {
            entry.added += 1;
            bump(f.first_seen);
        } else if f.last_changed >= since && !retracted_now {
            entry.changed += 1;
            bump(f.last_changed);
        }
        if let Some(r) = f.retracted_at.filter(|r| *r >= since) {
            entry.retracted += 1;
            bump(r);
        }
        if let Some(r) = f.document_removed_at.filter(|r| *r >= since) {
            bump(r);
            let sha = f
                .document_sha256
                .clone()
                .unwrap_or_else(|| f.fact_sha256.clone());
            if !removed_docs.iter().any(|d| d.url == f.document_url) {
                removed_docs.push(SourceRef {
                    source: f.document_source.clone(),
                    url: f.document_url.clone(),
                    sha256: sha,
                    fetched_at: f.document_last_seen.and_utc(),
                });
            }
        }
    }
    let change = if !live {
        "removed"
    } else if earliest.is_some_and(|e| e >= since) {
        "added"
    } else {
        "changed"
    };
    Change {
        entity,
        change: change.to_owned(),
        at: at.and_utc(),
        properties: props
            .into_values()
            .filter(|p| p.added + p.changed + p.retracted > 0)
            .collect(),
        documents_removed: removed_docs,
    }
}

impl DbRegistry {
    /// The bytes of one export for the current data version, generated once per version.
    fn export_bytes(&self, name: &str) -> Result<Option<Arc<Vec<u8>>>, RegistryError> {
        let mut conn = self.conn()?;
        let version = store::read_models::latest_version(&mut conn)
            .map_err(unavailable)?
            .map(|(id, _)| id);
        {
            let cache = self.exports.lock().unwrap_or_else(|p| p.into_inner());
            if cache.version == version {
                if let Some(bytes) = cache.files.get(name) {
                    return Ok(Some(Arc::clone(bytes)));
                }
            }
        }
        let mut bytes = Vec::new();
        let written = crate::export::write_file(&mut conn, name, &mut bytes)
            .map_err(|e| RegistryError::Unavailable(format!("export {name}: {e}")))?;
        if written.is_none() {
            return Ok(None);
        }
        let bytes = Arc::new(bytes);
        let mut cache = self.exports.lock().unwrap_or_else(|p| p.into_inner());
        if cache.version != version {
            cache.version = version;
            cache.files.clear();
        }
        cache.files.insert(name.to_owned(), Arc::clone(&bytes));
        Ok(Some(bytes))
    }
}

/// Rows read per query while filtering the facility list in memory.
const FACILITY_BATCH: i64 = 256;

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
        let mut after = filter.cursor.as_deref().map(decode_id_cursor).transpose()?;
        let mut conn = self.conn()?;
        let mut items: Vec<FacilitySummary> = Vec::with_capacity(limit);
        let mut more = false;
        // `has_actions` lives in the stored record, so filter in batches until the page and
        // one more match are found (the extra match proves there is a next page).
        loop {
            let batch = store::read_models::facility_views_after(
                &mut conn,
                filter.kind.as_deref(),
                filter.prefecture.as_deref(),
                after.as_deref(),
                FACILITY_BATCH,
            )
            .map_err(unavailable)?;
            let full_batch = i64::try_from(batch.len()).unwrap_or(0) == FACILITY_BATCH;
            for row in batch {
                after = Some(row.entity_id.clone());
                let d: FacilityDetail = decode(&row.detail)?;
                if filter
                    .has_actions
                    .is_some_and(|want| d.actions.is_empty() == want)
                {
                    continue;
                }
                if items.len() == limit {
                    more = true;
                    break;
                }
                items.push(facility_summary(&d));
            }
            if more || !full_batch {
                break;
            }
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
        Ok(self.export_bytes(name)?.map(|bytes| ExportFile {
            name: name.to_owned(),
            content_type: crate::export::content_type(name).to_owned(),
            bytes: bytes.as_ref().clone(),
        }))
    }

    fn watch_feed(
        &self,
        scope: &mieru_web::watch::WatchScope,
    ) -> Result<Lookup<mieru_web::watch::WatchFeed>, RegistryError> {
        let mut conn = self.conn()?;
        crate::watch::feed(&mut conn, scope).map_err(unavailable)
    }

    fn sources(&self) -> Result<SourcesReport, RegistryError> {
        let mut conn = self.conn()?;
        crate::sources::report(&mut conn).map_err(unavailable)
    }

    // Curation: see `crate::curation::registry`.

    fn authenticate(
        &self,
        token: &str,
    ) -> Result<Option<mieru_web::curation::CuratorInfo>, RegistryError> {
        crate::curation::registry::authenticate(&self.pool, token)
    }

    fn submit_correction(
        &self,
        new: &mieru_web::curation::NewCorrection,
    ) -> Result<mieru_web::curation::Curated<mieru_web::curation::Correction>, RegistryError> {
        crate::curation::registry::submit(&self.pool, new)
    }

    fn corrections(
        &self,
        filter: &mieru_web::curation::CorrectionFilter,
    ) -> Result<Page<mieru_web::curation::Correction>, RegistryError> {
        crate::curation::registry::list(&self.pool, filter)
    }

    fn correction(
        &self,
        id: &str,
    ) -> Result<Option<mieru_web::curation::Correction>, RegistryError> {
        crate::curation::registry::get(&self.pool, id)
    }

    fn decide_correction(
        &self,
        id: &str,
        decision: &mieru_web::curation::Decision,
        by: &mieru_web::curation::CuratorInfo,
    ) -> Result<mieru_web::curation::Curated<mieru_web::curation::Correction>, RegistryError> {
        crate::curation::registry::decide(&self.pool, &self.index, id, decision, by)
    }

    fn judge(
        &self,
        request: &mieru_web::curation::JudgementRequest,
        by: &mieru_web::curation::CuratorInfo,
    ) -> Result<mieru_web::curation::Curated<mieru_web::curation::JudgementRecorded>, RegistryError>
    {
        crate::curation::registry::judge(&self.pool, &self.index, request, by)
    }

    fn annotate(
        &self,
        new: &mieru_web::curation::NewAnnotation,
        by: &mieru_web::curation::CuratorInfo,
    ) -> Result<mieru_web::curation::Curated<mieru_web::curation::Annotation>, RegistryError> {
        crate::curation::registry::annotate(&self.pool, &self.index, new, by)
    }

    fn withdraw_annotation(
        &self,
        id: i64,
        reason: &str,
        by: &mieru_web::curation::CuratorInfo,
    ) -> Result<mieru_web::curation::Curated<mieru_web::curation::Annotation>, RegistryError> {
        crate::curation::registry::withdraw(&self.pool, &self.index, id, reason, by)
    }

    fn entity_facts(
        &self,
        id: &str,
    ) -> Result<Option<Vec<mieru_web::curation::FactInfo>>, RegistryError> {
        crate::curation::registry::entity_facts(&self.pool, id)
    }

    fn audit_log(
        &self,
        filter: &mieru_web::curation::AuditFilter,
    ) -> Result<Page<mieru_web::curation::AuditEntry>, RegistryError> {
        crate::curation::registry::audit_log(&self.pool, filter)
    }

    fn add_curator(
        &self,
        new: &mieru_web::curation::NewCurator,
        by: &mieru_web::curation::CuratorInfo,
    ) -> Result<mieru_web::curation::Curated<mieru_web::curation::IssuedToken>, RegistryError> {
        crate::curation::registry::add_curator(&self.pool, new, by)
    }

    fn revoke_curator(
        &self,
        name: &str,
        reason: &str,
        by: &mieru_web::curation::CuratorInfo,
    ) -> Result<mieru_web::curation::Curated<()>, RegistryError> {
        crate::curation::registry::revoke_curator(&self.pool, name, reason, by)
    }

    fn ingest_document(
        &self,
        request: &mieru_web::admin::IngestRequest,
        body: &[u8],
        by: &mieru_web::curation::CuratorInfo,
    ) -> Result<mieru_web::admin::IngestResult, RegistryError> {
        crate::admin_ingest::ingest_document(
            &self.pool,
            &self.archive,
            &self.index,
            request,
            body,
            by,
        )
    }
}
