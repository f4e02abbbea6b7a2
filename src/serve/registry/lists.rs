//! Rows of the facility list and entries of the changes feed, from stored records.

use crate::store;
use chrono::NaiveDateTime;
use mieru_web::model::*;
use std::collections::BTreeMap;

pub(super) fn facility_summary(d: &FacilityDetail) -> FacilitySummary {
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
pub(super) fn change_of(
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
