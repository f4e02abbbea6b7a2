//! Plans: one record per plan number, whichever sources list it.

use super::Context;
use crate::pipeline::resolve::ids::EntityId;
use crate::store::models::PlanRow;
use chrono::{NaiveDate, NaiveDateTime};
use mieru_crawler::provenance::Property;
use mieru_web::model::{ActionDetail, EntityRef, Event, PlanDetail, PlanSummary};
use std::collections::BTreeMap;

fn latest_text(ctx: &Context<'_>, members: &[String], p: Property) -> Option<String> {
    members
        .iter()
        .flat_map(|s| ctx.set.values(s, p))
        .max_by_key(|f| {
            (
                f.retracted_at.is_none(),
                crate::pipeline::resolve::facts::FactSet::date_of(f),
                f.id,
            )
        })
        .map(|f| mieru_text::normalize::display_clean(&f.value))
}

fn dates(ctx: &Context<'_>, members: &[String], p: Property) -> Vec<(NaiveDate, &'static str)> {
    let mut out: Vec<(NaiveDate, &'static str)> = members
        .iter()
        .flat_map(|s| ctx.set.values(s, p))
        .filter_map(|f| NaiveDate::parse_from_str(&f.value, "%Y-%m-%d").ok())
        .map(|d| (d, p.as_str()))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The dated milestones of a plan: the date property, the event kind, and its wording in
/// Japanese and English.
pub(super) const PLAN_MILESTONES: [(Property, &str, &str, &str); 4] = [
    (Property::SubmittedOn, "plan_submitted", "提出", "submitted"),
    (Property::ChangedOn, "plan_changed", "変更", "changed"),
    (
        Property::DiscontinuedOn,
        "plan_discontinued",
        "中止",
        "discontinued",
    ),
    (Property::EndedOn, "plan_ended", "終了", "ended"),
];

pub fn detail(
    ctx: &Context<'_>,
    number: &str,
    members: &[String],
    actions: &BTreeMap<EntityId, ActionDetail>,
) -> PlanDetail {
    let submitted = dates(ctx, members, Property::SubmittedOn)
        .first()
        .map(|d| d.0);
    let summary = PlanSummary {
        number: number.to_owned(),
        title: latest_text(ctx, members, Property::Title),
        risk_class: latest_text(ctx, members, Property::RiskClass),
        purpose: latest_text(ctx, members, Property::Purpose),
        status: latest_text(ctx, members, Property::Status),
        submitted_on: submitted,
    };
    let plan_actions: Vec<_> = ctx
        .referring(members, Property::ConcernsPlan)
        .into_iter()
        .filter_map(|f| ctx.res.entity_of.get(&f.subject))
        .filter_map(|id| actions.get(id))
        .map(|a| a.summary.clone())
        .collect();
    let reference = |p: Property, role: &str| references(ctx, members, p, role);
    let events = plan_events(ctx, number, members);
    PlanDetail {
        summary,
        provider: reference(Property::Provider, "provider").into_iter().next(),
        committee: reference(Property::Committee, "committee")
            .into_iter()
            .next(),
        cpcs: reference(Property::UsesCpc, "cpc"),
        actions: plan_actions,
        events,
        sources: ctx
            .set
            .source_refs(members.iter().flat_map(|s| ctx.set.of(s))),
    }
}

/// The entities the members name by `p` (provider, committee, CPCs), each once.
fn references(ctx: &Context<'_>, members: &[String], p: Property, role: &str) -> Vec<EntityRef> {
    members
        .iter()
        .flat_map(|s| ctx.set.values(s, p))
        .filter_map(|f| ctx.entity_ref(&f.value, Some(role)))
        .fold(Vec::new(), |mut acc, r| {
            if !acc.contains(&r) {
                acc.push(r);
            }
            acc
        })
}

/// Every stated submission, change, discontinuation and end, in that order (the history
/// sorts them later).
fn plan_events(ctx: &Context<'_>, number: &str, members: &[String]) -> Vec<Event> {
    let source_of = |p: Property| {
        ctx.set
            .source_refs(members.iter().flat_map(|s| ctx.set.values(s, p)))
    };
    let mut events = Vec::new();
    for &(p, kind, ja, en) in &PLAN_MILESTONES {
        for (d, _) in dates(ctx, members, p) {
            events.push(plan_event(d, kind, number, ja, en, source_of(p)));
        }
    }
    events
}

fn plan_event(
    date: NaiveDate,
    kind: &str,
    number: &str,
    ja: &str,
    en: &str,
    sources: Vec<mieru_web::model::SourceRef>,
) -> Event {
    Event {
        date: Some(date),
        kind: kind.to_owned(),
        summary_ja: format!("再生医療等提供計画 {number} を{ja}"),
        summary_en: format!("Plan {number} {en}"),
        subject: None,
        sources,
    }
}

pub fn row(d: &PlanDetail, now: NaiveDateTime) -> PlanRow {
    PlanRow {
        plan_number: d.summary.number.clone(),
        provider_id: d
            .provider
            .as_ref()
            .map(|p| p.id.clone())
            .filter(|id| !id.is_empty()),
        title: d.summary.title.clone(),
        risk_class: d.summary.risk_class.clone(),
        status: d.summary.status.clone(),
        detail: super::stored::encode_plan(d),
        updated_at: now,
    }
}
