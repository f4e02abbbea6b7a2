//! When a record's watch feed can last have had news: per facility, CPC and organization, an
//! upper bound on the time of every entry its feed can carry (`serve::watch`). A prefecture
//! feed reads its records newest bound first and stops once no record left can reach the
//! entries it shows, so its work follows the entries it returns, not the prefecture's size.
//!
//! The bound must never be early, or a feed would miss news; a late bound only costs work.
//! Each kind of entry is dated by one of:
//! - a fact of the record first seen or retracted (renames, closures, edits that dropped a
//!   statement);
//! - a snapshot with the bytes that introduced a fact (edits that added one; a document can
//!   return to earlier bytes, so the latest such fetch);
//! - the removal of a document stating a fact of the record;
//! - the facts of an action the record lists, or of a record it is linked to (new actions,
//!   successors).

use crate::pipeline::resolve::facts::FactSet;
use crate::pipeline::resolve::Resolution;
use crate::store::entities::LinkRecord;
use crate::store::models::EventRow;
use crate::store::read_models::ACTION_ISSUED_EVENT;
use chrono::NaiveDateTime;
use std::collections::HashMap;

/// The latest time a fact of `subjects` can date an entry.
fn own_bound(set: &FactSet, subjects: &[String]) -> Option<NaiveDateTime> {
    let mut latest = None;
    for f in subjects.iter().flat_map(|s| set.of(s)) {
        let removed = set.documents.get(&f.document_id).and_then(|d| d.removed_at);
        let introduced = set.latest_fetch.get(&f.first_sha256).copied();
        for t in [Some(f.first_seen), f.retracted_at, removed, introduced]
            .into_iter()
            .flatten()
        {
            latest = latest.max(Some(t));
        }
    }
    latest
}

/// Each entity's bound from its own facts. Taken before curation hides any fact from the
/// projection: a feed reads every fact of the store.
#[derive(Debug, Default)]
pub struct OwnActivity(HashMap<String, NaiveDateTime>);

impl OwnActivity {
    pub fn of(res: &Resolution) -> Self {
        let mut own = Self::default();
        for (id, members) in &res.members {
            own.record(&res.set, id, members);
        }
        own
    }

    /// Adds the bound of entity `id` from its members' facts in `set` (which must hold them
    /// all, before curation hides any).
    pub fn record(&mut self, set: &FactSet, id: &str, members: &[String]) {
        if let Some(t) = own_bound(set, members) {
            self.0.insert(id.to_owned(), t);
        }
    }

    /// Every entity's bound: its own, its actions' (the `action_issued` events of its
    /// history) and those of the records it is linked to, either way.
    pub fn bounds<'e>(
        &self,
        issued: impl IntoIterator<Item = (&'e str, &'e str)>,
        links: &[LinkRecord],
    ) -> HashMap<String, NaiveDateTime> {
        let mut bounds = self.0.clone();
        let mut raise = |id: &str, other: &str| {
            if let Some(&t) = self.0.get(other) {
                let b = bounds.entry(id.to_owned()).or_insert(t);
                *b = (*b).max(t);
            }
        };
        for (entity, action) in issued {
            raise(entity, action);
        }
        for l in links {
            raise(&l.from_id, &l.to_id);
            raise(&l.to_id, &l.from_id);
        }
        bounds
    }
}

/// (entity, action) of every `action_issued` event: the actions each history lists.
pub fn issued_actions(events: &[EventRow]) -> impl Iterator<Item = (&str, &str)> {
    events
        .iter()
        .filter(|e| e.kind == ACTION_ISSUED_EVENT)
        .filter_map(|e| Some((e.entity_id.as_str(), e.related_id.as_deref()?)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::models::{DocumentRow, FactRow, SnapshotRow};
    use chrono::NaiveDate;

    fn at(day: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 1, day)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .unwrap_or_default()
    }

    fn fact(id: i64, subject: &str, sha: &str, first: u32, retracted: Option<u32>) -> FactRow {
        FactRow {
            id,
            fact_key: format!("k{id}"),
            document_id: 1,
            subject: subject.into(),
            subject_kind: "facility".into(),
            property: "name".into(),
            value: "x".into(),
            observed_on: None,
            first_seen: at(first),
            last_seen: at(first),
            last_changed: at(first),
            first_sha256: sha.into(),
            last_sha256: sha.into(),
            retracted_at: retracted.map(at),
        }
    }

    fn snapshot(id: i64, sha: &str, day: u32) -> SnapshotRow {
        SnapshotRow {
            id,
            document_id: 1,
            sha256: sha.into(),
            fetched_at: at(day),
            http_status: 200,
            content_type: None,
            encoding: None,
            size: 0,
            parse_error: None,
            fact_count: 1,
        }
    }

    #[test]
    fn bound_covers_retractions_returning_bytes_and_removals() {
        let doc = DocumentRow {
            id: 1,
            source: "e-saisei".into(),
            url: "https://example.invalid/list".into(),
            first_seen: at(2),
            last_seen: at(9),
            last_changed: at(9),
            removed_at: None,
            current_sha256: Some("A".into()),
            etag: None,
            last_modified: None,
            last_error: None,
            last_error_at: None,
        };
        let facts = vec![fact(1, "facility:a", "A", 2, Some(5))];
        // The document went A → B → A: the second A is a later edit dated by its own fetch.
        let snaps = vec![
            snapshot(1, "A", 2),
            snapshot(2, "B", 5),
            snapshot(3, "A", 9),
        ];
        let set = FactSet::new(facts.clone(), vec![doc.clone()], snaps.clone());
        assert_eq!(own_bound(&set, &["facility:a".into()]), Some(at(9)));

        let removed = DocumentRow {
            removed_at: Some(at(20)),
            ..doc
        };
        let set = FactSet::new(facts, vec![removed], snaps);
        assert_eq!(own_bound(&set, &["facility:a".into()]), Some(at(20)));
        assert_eq!(own_bound(&set, &["facility:none".into()]), None);
    }

    #[test]
    fn actions_and_links_raise_the_bound_both_ways() {
        let own = OwnActivity(HashMap::from([
            ("F1".to_owned(), at(1)),
            ("F2".to_owned(), at(3)),
            ("A1".to_owned(), at(7)),
        ]));
        let event = EventRow {
            id: 0,
            entity_id: "F1".into(),
            event_date: None,
            kind: ACTION_ISSUED_EVENT.into(),
            summary_ja: String::new(),
            summary_en: String::new(),
            related_id: Some("A1".into()),
            fact_ids: "[]".into(),
            position: 0,
        };
        let link = LinkRecord {
            from_id: "F2".into(),
            to_id: "F1".into(),
            kind: "successor".into(),
            confidence: 1.0,
            origin: "rule".into(),
            evidence: "[]".into(),
        };
        let bounds = own.bounds(issued_actions(&[event]), &[link]);
        assert_eq!(bounds.get("F1"), Some(&at(7)));
        assert_eq!(bounds.get("F2"), Some(&at(3)));
        assert_eq!(bounds.get("A1"), Some(&at(7)));
    }
}
