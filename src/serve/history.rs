//! The record at a point in time.
//!
//! * `known_at` (a data version): the record projected from only the facts mieru had
//!   collected when that version was built, with today's resolution of which records belong
//!   to it. Facts are never deleted, so this is reproducible.
//! * `as_of` (a date): what the sources state was the case on that date. Most sources are
//!   lists crawled today, so this cannot be "the facts crawled by then"; it is the record cut at
//!   the date by the dates the sources give: names, addresses and managers that had taken effect
//!   by then (a later rename is not yet there), events, actions and plans dated by then. Values
//!   the sources give no date for are kept and say so (no `since`).

use crate::pipeline::project;
use crate::pipeline::resolve::ids::EntityId;
use crate::pipeline::resolve::{facts::FactSet, Resolution};
use crate::serve::neighbourhood::{self, Gathered, Material};
use crate::store::{self, DbConnection, StoreError};
use chrono::{NaiveDate, NaiveDateTime};
use mieru_crawler::provenance::SubjectKind;
use mieru_web::model::{
    ActionSummary, DatedValue, Event, FacilityDetail, OrganizationDetail, SourceRef,
};
use std::collections::{BTreeMap, HashMap};

/// The record of entity `id` (JSON of `FacilityDetail` or `OrganizationDetail`) projected from
/// the facts mieru had collected at `known_at`; `None` when it knew nothing about it then.
/// Reads only the record's neighbourhood (see [`neighbourhood`]).
pub fn record_known_at(
    conn: &mut DbConnection,
    id: &str,
    known_at: NaiveDateTime,
) -> Result<Option<serde_json::Value>, StoreError> {
    let material = match neighbourhood::gather(conn, id)? {
        Gathered::Unknown => return Ok(None),
        Gathered::Neighbourhood(m) => m,
        Gathered::TooLarge => neighbourhood::everything(conn)?,
    };
    Ok(project_known_at(conn, material, &[id], known_at)?
        .pop()
        .flatten())
}

/// The records of entities `ids` at `known_at` (`None` for one unknown then), projected from
/// `material`: a neighbourhood, or [`neighbourhood::everything`] (the reference neighbourhoods
/// are tested against).
pub fn project_known_at(
    conn: &mut DbConnection,
    material: Material,
    ids: &[&str],
    known_at: NaiveDateTime,
) -> Result<Vec<Option<serde_json::Value>>, StoreError> {
    let mut set =
        FactSet::new(material.facts, material.documents, material.snapshots).known_at(known_at);
    // Curation's history notes as they stood then; facts hidden now stay hidden in every
    // version (they are hidden because they are in doubt).
    let curation =
        crate::curation::view::CurationView::load(conn, &BTreeMap::new())?.until(known_at);
    curation.hide_facts(&mut set);
    let mut members: BTreeMap<EntityId, Vec<String>> = BTreeMap::new();
    let mut entity_of = HashMap::new();
    for (subject, eid) in material.memberships {
        if set.by_subject.contains_key(&subject) {
            members
                .entry(EntityId::from(eid.as_str()))
                .or_default()
                .push(subject.clone());
            entity_of.insert(subject, EntityId::from(eid));
        }
    }
    // Members in one order whatever the material's order, as the full projection has them.
    for list in members.values_mut() {
        list.sort();
    }
    let entity_kind = material
        .kinds
        .into_iter()
        .filter_map(|(eid, kind)| SubjectKind::parse(&kind).map(|k| (EntityId::from(eid), k)))
        .collect();
    let links = material
        .links
        .into_iter()
        // A link first made after the version was built was not part of it.
        .filter(|l| l.created_at <= known_at)
        .map(|l| store::entities::LinkRecord {
            from_id: l.from_id,
            to_id: l.to_id,
            kind: l.kind,
            confidence: l.confidence,
            origin: l.origin,
            evidence: l.evidence,
        })
        .collect();
    let res = Resolution {
        set,
        members,
        entity_of,
        entity_kind,
        links,
        merges: Vec::new(),
        redirects: BTreeMap::new(),
        id_counters: Vec::new(),
    };
    // An entity without facts known then did not exist then.
    let known: Vec<&str> = ids
        .iter()
        .copied()
        .filter(|id| res.members.contains_key(*id))
        .collect();
    let mut projected = project::project_each_curated(&res, &curation, &known).into_iter();
    Ok(ids
        .iter()
        .map(|id| {
            if res.members.contains_key(*id) {
                projected.next().flatten()
            } else {
                None
            }
        })
        .collect())
}

/// Values that had taken effect by `date`; the one in effect then is current, and an end after
/// `date` had not happened yet. Undated values are kept (the sources do not say when).
fn values_as_of(list: &mut Vec<DatedValue>, date: NaiveDate) {
    list.retain(|v| v.since.is_none_or(|s| s <= date));
    for v in list.iter_mut() {
        if v.until.is_some_and(|u| u > date) {
            v.until = None;
        }
    }
    let in_effect = list
        .iter()
        .enumerate()
        .filter(|(_, v)| v.until.is_none())
        .max_by_key(|(i, v)| (v.since, v.current, *i))
        .map(|(i, _)| i);
    for (i, v) in list.iter_mut().enumerate() {
        v.current = Some(i) == in_effect;
    }
}

fn dated_by(d: Option<NaiveDate>, date: NaiveDate) -> bool {
    d.is_some_and(|d| d <= date)
}

/// Whether a closure or delisting had happened by `date`, judging by the timeline.
fn status_as_of(status: &str, events: &[Event], date: NaiveDate) -> String {
    let closing = |e: &&Event| matches!(e.kind.as_str(), "closure_filed" | "delisted");
    if matches!(status, "closed" | "delisted")
        && !events
            .iter()
            .filter(closing)
            .any(|e| dated_by(e.date, date))
    {
        "unknown".to_owned()
    } else {
        status.to_owned()
    }
}

fn sources_of<'a>(
    values: impl Iterator<Item = &'a DatedValue>,
    events: &'a [Event],
) -> Vec<SourceRef> {
    let mut out: Vec<SourceRef> = Vec::new();
    for s in values
        .flat_map(|v| v.sources.iter())
        .chain(events.iter().flat_map(|e| e.sources.iter()))
    {
        if !out.iter().any(|o| o.sha256 == s.sha256 && o.url == s.url) {
            out.push(s.clone());
        }
    }
    out
}

/// Actions as they stood on `date`: one lifted or superseded by an action issued after it was
/// still in force then (unless its own stated period had ended).
fn actions_as_of(actions: &mut Vec<ActionSummary>, date: NaiveDate) {
    actions.retain(|a| dated_by(a.issued_on, date));
    let kept: Vec<String> = actions.iter().map(|a| a.id.clone()).collect();
    for a in actions.iter_mut() {
        if !matches!(a.status.as_str(), "lifted" | "superseded") {
            continue;
        }
        let Some(ev) = a.status_evidence.as_mut() else {
            continue;
        };
        let later = ev
            .decided_by
            .as_ref()
            .is_some_and(|d| !kept.contains(&d.id));
        if !later || ev.period_until.is_some_and(|u| u < date) {
            continue;
        }
        let then = ev
            .decided_by
            .as_ref()
            .map(|d| d.name.clone())
            .unwrap_or_default();
        ev.reason_ja = format!(
            "{date} の時点では解除も後続の処分も出ていませんでした（その後の状況：{then}）"
        );
        ev.reason_en =
            format!("As of {date} it had been neither lifted nor superseded (later: {then})");
        ev.decided_by = None;
        a.status = "in_force".to_owned();
    }
}

/// A facility record as the sources state it was on `date`.
pub fn facility_as_of(mut f: FacilityDetail, date: NaiveDate) -> FacilityDetail {
    values_as_of(&mut f.names, date);
    values_as_of(&mut f.addresses, date);
    values_as_of(&mut f.managers, date);
    if let Some(n) = f.names.iter().find(|v| v.current).or(f.names.last()) {
        f.name = n.value.clone();
    }
    f.events.retain(|e| dated_by(e.date, date));
    actions_as_of(&mut f.actions, date);
    f.plans.retain(|p| dated_by(p.submitted_on, date));
    f.status = status_as_of(&f.status, &f.events, date);
    f.sources = sources_of(
        f.names.iter().chain(&f.addresses).chain(&f.managers),
        &f.events,
    );
    f
}

/// An organization record as the sources state it was on `date`.
pub fn organization_as_of(mut o: OrganizationDetail, date: NaiveDate) -> OrganizationDetail {
    values_as_of(&mut o.names, date);
    values_as_of(&mut o.addresses, date);
    if let Some(n) = o.names.iter().find(|v| v.current).or(o.names.last()) {
        o.name = n.value.clone();
    }
    o.events.retain(|e| dated_by(e.date, date));
    actions_as_of(&mut o.actions, date);
    o.status = status_as_of(&o.status, &o.events, date);
    o.sources = sources_of(o.names.iter().chain(&o.addresses), &o.events);
    o
}
