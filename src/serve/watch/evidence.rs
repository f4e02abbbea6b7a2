//! Facts, documents and snapshot times behind the entries: loaded in bulk so that entry
//! keys and first-seen times come from the facts, not from rebuildable read models.

use crate::store::models::{DocumentRow, FactRow, SnapshotRow};
use crate::store::{self, DbConnection, StoreError};
use chrono::NaiveDateTime;
use mieru_web::model::SourceRef;
use std::collections::{BTreeSet, HashMap};

/// Facts, documents and snapshot times around a set of entities, loaded once per feed.
#[derive(Default)]
pub(super) struct Evidence {
    facts_of: HashMap<String, Vec<FactRow>>,
    pub(super) documents: HashMap<i64, DocumentRow>,
    pub(super) snapshots: Vec<SnapshotRow>,
    fetched: HashMap<String, NaiveDateTime>,
}

impl Evidence {
    pub(super) fn load(conn: &mut DbConnection, ids: &[String]) -> Result<Self, StoreError> {
        let mut ev = Evidence::default();
        // Members and facts of every entity in two indexed queries, not two per entity (a
        // prefecture feed covers hundreds of records).
        let members = store::entities::members_of_many(conn, ids)?;
        let subjects: Vec<String> = members.iter().map(|(s, _)| s.clone()).collect();
        let entity_of: HashMap<String, String> = members.into_iter().collect();
        for id in ids {
            ev.facts_of.entry(id.clone()).or_default();
        }
        let mut doc_ids = BTreeSet::new();
        // In fact ID order, so each entity's facts stay in ID order.
        for fact in store::facts::of_subjects(conn, &subjects)? {
            doc_ids.insert(fact.document_id);
            if let Some(id) = entity_of.get(&fact.subject) {
                ev.facts_of.entry(id.clone()).or_default().push(fact);
            }
        }
        let doc_ids: Vec<i64> = doc_ids.into_iter().collect();
        ev.documents = store::documents::by_ids(conn, &doc_ids)?
            .into_iter()
            .map(|d| (d.id, d))
            .collect();
        ev.snapshots = store::documents::snapshots_of(conn, &doc_ids)?;
        for s in &ev.snapshots {
            ev.fetched.entry(s.sha256.clone()).or_insert(s.fetched_at);
        }
        Ok(ev)
    }

    pub(super) fn facts(&self, id: &str) -> &[FactRow] {
        self.facts_of.get(id).map(Vec::as_slice).unwrap_or(&[])
    }

    pub(super) fn first_seen(&self, id: &str) -> Option<NaiveDateTime> {
        self.facts(id).iter().map(|f| f.first_seen).min()
    }

    pub(super) fn source_ref(&self, doc_id: i64, sha256: &str) -> Option<SourceRef> {
        let doc = self.documents.get(&doc_id)?;
        Some(SourceRef {
            source: doc.source.clone(),
            url: doc.url.clone(),
            sha256: sha256.to_owned(),
            fetched_at: self
                .fetched
                .get(sha256)
                .copied()
                .unwrap_or(doc.last_seen)
                .and_utc(),
        })
    }

    pub(super) fn fact_ref(&self, f: &FactRow) -> Option<SourceRef> {
        self.source_ref(f.document_id, &f.last_sha256)
    }
}
