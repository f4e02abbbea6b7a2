//! What facility, CPC and organization records share: their facts by property, names and
//! addresses over time, links with evidence, actions, references, and the stored view row.
//! The records themselves are built in `facility` and `organization`, their one-line
//! summaries in `summaries`, their histories in `entity_events`.

use super::timeline::timeline;
use super::Context;
use crate::pipeline::resolve::cluster::EvidenceItem;
use crate::pipeline::resolve::ids::EntityId;
use crate::store::models::{EntityViewRow, FactRow};
use chrono::NaiveDateTime;
use mieru_crawler::provenance::Property;
use mieru_web::model::{ActionDetail, ActionSummary, DatedValue, EntityRef, Evidence, Link};
use std::collections::BTreeMap;

// The labels are the actions' own, but `serve::watch` names them by this path.
pub use super::actions::{action_label_en, action_label_ja};

/// Every fact the members state for `p`.
pub(super) fn facts_of<'a>(ctx: &Context<'a>, members: &[String], p: Property) -> Vec<&'a FactRow> {
    members.iter().flat_map(|s| ctx.set.values(s, p)).collect()
}

pub(super) fn name_timeline(ctx: &Context<'_>, members: &[String]) -> Vec<DatedValue> {
    let mut effective = BTreeMap::new();
    // Registry rows date a name by its change date (stated as observed_on of NameChangedOn).
    for f in facts_of(ctx, members, Property::Name) {
        if let Some(d) = f.observed_on {
            if f.subject.starts_with("organization:houjin-bangou:") {
                let k = mieru_text::corporate::name_key(&f.value);
                let e = effective.entry(k).or_insert(d);
                if d < *e {
                    *e = d;
                }
            }
        }
    }
    timeline(
        ctx.set,
        facts_of(ctx, members, Property::Name),
        facts_of(ctx, members, Property::FormerName),
        &effective,
        mieru_text::normalize::fold,
    )
}

pub(super) fn address_timeline(ctx: &Context<'_>, members: &[String]) -> Vec<DatedValue> {
    timeline(
        ctx.set,
        facts_of(ctx, members, Property::Address),
        std::iter::empty(),
        &BTreeMap::new(),
        mieru_text::address::address_key,
    )
}

pub(super) fn links_of(ctx: &Context<'_>, id: &str) -> Vec<Link> {
    let mut out = Vec::new();
    for l in &ctx.res.links {
        let (other, kind) = if l.from_id == id {
            (&l.to_id, l.kind.clone())
        } else if l.to_id == id {
            let reversed = match l.kind.as_str() {
                "successor" => "predecessor",
                "possible_successor" => "possible_predecessor",
                k => k,
            };
            (&l.from_id, reversed.to_owned())
        } else {
            continue;
        };
        let items: Vec<EvidenceItem> = serde_json::from_str(&l.evidence).unwrap_or_default();
        let evidence = items
            .into_iter()
            .map(|e| Evidence {
                kind: e.kind,
                detail: e.detail,
                sources: ctx
                    .set
                    .source_refs(e.subjects.iter().flat_map(|s| ctx.set.of(s))),
            })
            .collect();
        let summary = ctx.summaries.get(other.as_str());
        out.push(Link {
            other: EntityRef {
                id: other.clone(),
                entity: summary.map(|s| s.kind.clone()).unwrap_or_default(),
                name: summary
                    .map(|s| s.name.clone())
                    .unwrap_or_else(|| other.clone()),
                role: None,
            },
            kind,
            confidence: l.confidence,
            origin: l.origin.clone(),
            evidence,
        });
    }
    out
}

/// The summaries of the actions that target any of `members`, oldest first.
pub(super) fn actions_for(
    ctx: &Context<'_>,
    members: &[String],
    actions: &BTreeMap<EntityId, ActionDetail>,
) -> Vec<ActionSummary> {
    let mut out: Vec<ActionSummary> = ctx
        .referring(members, Property::Target)
        .into_iter()
        .filter_map(|f| ctx.res.entity_of.get(&f.subject))
        .filter_map(|id| actions.get(id))
        .map(|a| a.summary.clone())
        .collect();
    out.sort_by(|a, b| a.issued_on.cmp(&b.issued_on).then(a.id.cmp(&b.id)));
    out.dedup_by(|a, b| a.id == b.id);
    out
}

/// References to the entities that facts' values name, each once.
pub(super) fn refs(ctx: &Context<'_>, facts: Vec<&FactRow>, role: &str) -> Vec<EntityRef> {
    let mut out: Vec<EntityRef> = Vec::new();
    for f in facts {
        if let Some(r) = ctx.entity_ref(&f.value, Some(role)) {
            if !out.iter().any(|o| o.id == r.id && o.name == r.name) {
                out.push(r);
            }
        }
    }
    out
}

/// The stored read model of one facility, CPC or organization record.
pub fn view_row<T: super::stored::Record>(
    id: &str,
    kind: &str,
    detail: &T,
    now: NaiveDateTime,
) -> EntityViewRow {
    EntityViewRow {
        entity_id: id.to_owned(),
        kind: kind.to_owned(),
        detail: super::stored::encode(detail),
        updated_at: now,
    }
}
