//! The record of a facility or CPC: names and addresses over time, operators, managers, the
//! plans it provides or processes cells for, actions, links and its whole history.

use super::entities::{facts_of, name_timeline, refs};
use super::entity_events::{change_events, dated_event, record_parts, sort_events};
use super::plans::PLAN_MILESTONES;
use super::timeline::timeline;
use super::Context;
use crate::pipeline::resolve::ids::EntityId;
use chrono::NaiveDate;
use mieru_crawler::provenance::Property;
use mieru_web::model::{ActionDetail, DatedValue, EntityRef, Event, FacilityDetail, PlanSummary};
use std::collections::BTreeMap;

pub fn detail(
    ctx: &Context<'_>,
    id: &str,
    actions: &BTreeMap<EntityId, ActionDetail>,
) -> FacilityDetail {
    let parts = record_parts(ctx, id, actions);
    let members = parts.members;
    let operators = refs(ctx, facts_of(ctx, members, Property::Operator), "operator");
    let plans = plans_of(ctx, members);
    let mut events = parts.events;
    events.extend(operator_rename_events(ctx, &operators));
    events.extend(plan_events(ctx, &plans));
    sort_events(&mut events);
    FacilityDetail {
        id: id.to_owned(),
        kind: parts.summary.kind,
        name: parts.summary.name,
        names: parts.names,
        addresses: parts.addresses,
        prefecture: parts.summary.prefecture,
        facility_numbers: facility_numbers(ctx, members),
        status: parts.summary.status,
        operators,
        managers: managers(ctx, members),
        plans,
        actions: parts.actions,
        events,
        links: parts.links,
        sources: parts.sources,
        citation: None,
    }
}

/// Managers over time: the names of the persons the facility states as its manager.
fn managers(ctx: &Context<'_>, members: &[String]) -> Vec<DatedValue> {
    timeline(
        ctx.set,
        facts_of(ctx, members, Property::Manager)
            .into_iter()
            .flat_map(|f| ctx.set.values(&f.value, Property::Name))
            .collect::<Vec<_>>(),
        std::iter::empty(),
        &BTreeMap::new(),
        mieru_text::normalize::fold,
    )
}

/// The plans that name this facility as provider or as the CPC they use, by plan number.
fn plans_of(ctx: &Context<'_>, members: &[String]) -> Vec<PlanSummary> {
    let mut plan_numbers: Vec<String> = ctx
        .referring(members, Property::Provider)
        .into_iter()
        .chain(ctx.referring(members, Property::UsesCpc))
        .filter_map(|f| ctx.res.entity_of.get(&f.subject).map(EntityId::to_string))
        .collect();
    plan_numbers.sort();
    plan_numbers.dedup();
    plan_numbers
        .iter()
        .map(|n| {
            let pm = ctx.members(n);
            let text = |p: Property| {
                facts_of(ctx, pm, p)
                    .last()
                    .map(|f| mieru_text::normalize::display_clean(&f.value))
            };
            PlanSummary {
                number: n.clone(),
                title: text(Property::Title),
                risk_class: text(Property::RiskClass),
                purpose: text(Property::Purpose),
                status: text(Property::Status),
                submitted_on: text(Property::SubmittedOn)
                    .and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()),
            }
        })
        .collect()
}

/// Operator renames belong to this history too: a corporation renamed after an order.
fn operator_rename_events(ctx: &Context<'_>, operators: &[EntityRef]) -> Vec<Event> {
    let mut events = Vec::new();
    for op in operators {
        if op.id.is_empty() {
            continue;
        }
        let om = ctx.members(&op.id);
        let onames = name_timeline(ctx, om);
        events.extend(change_events(
            &onames,
            "operator_renamed",
            "開設者の名称",
            "Operator name",
            Some(op),
        ));
    }
    events
}

/// Submission, discontinuation and end of each of its plans, at the earliest stated date.
fn plan_events(ctx: &Context<'_>, plans: &[PlanSummary]) -> Vec<Event> {
    let mut events = Vec::new();
    for p in plans {
        let pm = ctx.members(&p.number);
        // A change of a plan is told on the plan's page, not on its provider's.
        for &(prop, kind, ja, en) in PLAN_MILESTONES
            .iter()
            .filter(|m| m.0 != Property::ChangedOn)
        {
            let fs = facts_of(ctx, pm, prop);
            if let Some(d) = fs
                .iter()
                .filter_map(|f| NaiveDate::parse_from_str(&f.value, "%Y-%m-%d").ok())
                .min()
            {
                events.push(dated_event(
                    Some(d),
                    kind,
                    format!("再生医療等提供計画 {} を{ja}", p.number),
                    format!("Plan {} {en}", p.number),
                    Some(EntityRef {
                        id: p.number.clone(),
                        entity: "plan".into(),
                        name: p.title.clone().unwrap_or_default(),
                        role: None,
                    }),
                    ctx.set.source_refs(fs.iter().copied()),
                ));
            }
        }
    }
    events
}

fn facility_numbers(ctx: &Context<'_>, members: &[String]) -> Vec<String> {
    let mut facility_numbers: Vec<String> = facts_of(ctx, members, Property::FacilityNumber)
        .into_iter()
        .map(|f| mieru_text::normalize::display_clean(&f.value))
        .collect();
    facility_numbers.sort();
    facility_numbers.dedup();
    facility_numbers
}
