//! The facts resolution works on, grouped by subject, with the documents that state them.

use crate::store::models::{DocumentRow, FactRow, SnapshotRow};
use chrono::{NaiveDate, NaiveDateTime};
use mieru_crawler::provenance::{Property, SubjectKind};
use mieru_web::model::SourceRef;
use std::collections::{BTreeMap, HashMap};

/// Facts of the store (all of them, or the neighbourhood of one entity), indexed for
/// resolution and projection.
#[derive(Debug, Default)]
pub struct FactSet {
    pub facts: Vec<FactRow>,
    /// Subject key → indices into `facts`, in id order.
    pub by_subject: BTreeMap<String, Vec<usize>>,
    pub documents: HashMap<i64, DocumentRow>,
    /// SHA-256 → fetch time of that snapshot.
    pub fetched: HashMap<String, NaiveDateTime>,
    /// SHA-256 → the latest fetch of a snapshot with those bytes (a document can return to
    /// an earlier version, and a feed dates an edit by the snapshot that made it).
    pub latest_fetch: HashMap<String, NaiveDateTime>,
}

impl FactSet {
    pub fn new(
        facts: Vec<FactRow>,
        documents: Vec<DocumentRow>,
        snapshots: Vec<SnapshotRow>,
    ) -> Self {
        let mut by_subject: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, f) in facts.iter().enumerate() {
            by_subject.entry(f.subject.clone()).or_default().push(i);
        }
        let mut fetched = HashMap::new();
        let mut latest_fetch: HashMap<String, NaiveDateTime> = HashMap::new();
        for s in snapshots {
            let latest = latest_fetch.entry(s.sha256.clone()).or_insert(s.fetched_at);
            *latest = (*latest).max(s.fetched_at);
            fetched.entry(s.sha256).or_insert(s.fetched_at);
        }
        Self {
            facts,
            by_subject,
            documents: documents.into_iter().map(|d| (d.id, d)).collect(),
            fetched,
            latest_fetch,
        }
    }

    /// Keeps only what the sources had said by the end of `date`: facts first seen by then,
    /// or stated by a document as of that date. Facts retracted before it are dropped.
    pub fn as_of(self, date: NaiveDate) -> Self {
        let end = date.and_hms_opt(23, 59, 59).unwrap_or_default();
        self.retain(|f| {
            let stated = f.observed_on.map(|d| d <= date).unwrap_or(false) || f.first_seen <= end;
            let withdrawn = f.retracted_at.map(|r| r <= end).unwrap_or(false);
            stated && !withdrawn
        })
    }

    /// Keeps only what mieru had collected at `at` (a data version's build time): facts first
    /// seen by then and not yet retracted. Facts are never deleted, so this is reproducible.
    pub fn known_at(self, at: NaiveDateTime) -> Self {
        self.retain(|f| f.first_seen <= at && f.retracted_at.map(|r| r > at).unwrap_or(true))
    }

    fn retain(mut self, keep: impl Fn(&FactRow) -> bool) -> Self {
        self.facts.retain(keep);
        let mut by_subject: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, f) in self.facts.iter().enumerate() {
            by_subject.entry(f.subject.clone()).or_default().push(i);
        }
        self.by_subject = by_subject;
        self
    }

    pub fn subjects(&self) -> impl Iterator<Item = &str> {
        self.by_subject.keys().map(String::as_str)
    }

    pub fn of(&self, subject: &str) -> impl Iterator<Item = &FactRow> {
        self.by_subject
            .get(subject)
            .into_iter()
            .flatten()
            .filter_map(|i| self.facts.get(*i))
    }

    pub fn values<'a>(
        &'a self,
        subject: &str,
        p: Property,
    ) -> impl Iterator<Item = &'a FactRow> + 'a {
        let name = p.as_str();
        self.by_subject
            .get(subject)
            .into_iter()
            .flatten()
            .filter_map(|i| self.facts.get(*i))
            .filter(move |f| f.property == name)
    }

    /// Whether the subject's latest closure still stands: the corporate-number registry can
    /// revoke a closure (process 13), and a revocation on or after the closure reopens it.
    /// Dates are ISO `YYYY-MM-DD`, so they compare as text.
    pub fn closure_stands(&self, subject: &str) -> bool {
        let latest = |p: Property| self.values(subject, p).map(|f| f.value.as_str()).max();
        match (
            latest(Property::ClosedOn),
            latest(Property::ClosureRevokedOn),
        ) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some(closed), Some(revoked)) => closed > revoked,
        }
    }

    /// Whether the registry annulled the merger that made `successor` the successor of
    /// `subject` (process 72 on the survivor).
    pub fn successor_annulled(&self, subject: &str, successor: &str) -> bool {
        self.values(subject, Property::SuccessorAnnulled)
            .any(|f| f.value == successor)
    }

    pub fn first_value(&self, subject: &str, p: Property) -> Option<&str> {
        self.values(subject, p).next().map(|f| f.value.as_str())
    }

    pub fn kind_of(subject: &str) -> Option<SubjectKind> {
        subject.split(':').next().and_then(SubjectKind::parse)
    }

    pub fn source_ref(&self, fact: &FactRow) -> Option<SourceRef> {
        let doc = self.documents.get(&fact.document_id)?;
        let fetched_at = self
            .fetched
            .get(&fact.last_sha256)
            .copied()
            .unwrap_or(fact.last_seen);
        Some(SourceRef {
            source: doc.source.clone(),
            url: doc.url.clone(),
            sha256: fact.last_sha256.clone(),
            fetched_at: fetched_at.and_utc(),
        })
    }

    /// The sources of several facts, one per archived document, in a stable order.
    pub fn source_refs<'a>(&self, facts: impl IntoIterator<Item = &'a FactRow>) -> Vec<SourceRef> {
        let mut refs: Vec<SourceRef> = facts
            .into_iter()
            .filter_map(|f| self.source_ref(f))
            .collect();
        refs.sort_by(|a, b| (&a.url, &a.sha256).cmp(&(&b.url, &b.sha256)));
        refs.dedup_by(|a, b| a.url == b.url && a.sha256 == b.sha256);
        refs
    }

    /// The date a fact speaks for: the date the source states, else the day it was first seen.
    pub fn date_of(fact: &FactRow) -> NaiveDate {
        fact.observed_on.unwrap_or_else(|| fact.first_seen.date())
    }
}
