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
        let mut doc_ids = BTreeSet::new();
        for id in ids {
            if ev.facts_of.contains_key(id) {
                continue;
            }
            let members = store::entities::members_of(conn, id)?;
            let facts = store::facts::of_subjects(conn, &members)?;
            doc_ids.extend(facts.iter().map(|f| f.document_id));
            ev.facts_of.insert(id.clone(), facts);
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
