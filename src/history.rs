//! The record as it stood on a date: a facility projected from only the facts the sources
//! had stated by then, with today's resolution of which records belong to it.

use crate::project;
use crate::resolve::{self, facts::FactSet, Resolution};
use crate::store::{self, DbConnection, StoreError};
use chrono::NaiveDate;
use mieru_crawler::provenance::SubjectKind;
use mieru_web::model::FacilityDetail;
use std::collections::{BTreeMap, HashMap};

pub fn facility_as_of(
    conn: &mut DbConnection,
    id: &str,
    date: NaiveDate,
) -> Result<Option<FacilityDetail>, StoreError> {
    // The whole fact set is small next to what a page costs to render by hand; a per-entity
    // neighbourhood query is the next step if corpora grow past a few hundred thousand facts.
    let set: FactSet = resolve::load_fact_set(conn)?.as_of(date);
    let member_map = store::entities::members(conn)?;
    let entities = store::entities::all(conn)?;
    let mut members: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut entity_of = HashMap::new();
    for (subject, eid) in member_map {
        if set.by_subject.contains_key(&subject) {
            members
                .entry(eid.clone())
                .or_default()
                .push(subject.clone());
            entity_of.insert(subject, eid);
        }
    }
    let entity_kind = entities
        .iter()
        .filter_map(|e| SubjectKind::parse(&e.kind).map(|k| (e.id.clone(), k)))
        .collect();
    let links = store::entities::all_links(conn)?
        .into_iter()
        .map(|l| store::entities::LinkRecord {
            from_id: l.from_id,
            to_id: l.to_id,
            kind: l.kind,
            confidence: l.confidence,
            origin: l.origin,
            evidence: l.evidence,
        })
        .collect();
    if !members.contains_key(id) {
        return Ok(None);
    }
    let res = Resolution {
        set,
        members,
        entity_of,
        entity_kind,
        links,
        merges: Vec::new(),
        redirects: BTreeMap::new(),
    };
    Ok(project::project_one(&res, id).and_then(|v| serde_json::from_value(v).ok()))
}
