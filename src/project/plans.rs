//! Plans: one record per plan number, whichever sources list it.

use super::Context;
use crate::search::IndexDoc;
use crate::store::models::PlanRow;
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use mieru_crawler::provenance::Property;
use mieru_web::model::{ActionDetail, Event, PlanDetail, PlanSummary};
use std::collections::BTreeMap;

fn latest_text(ctx: &Context<'_>, members: &[String], p: Property) -> Option<String> {
    members
        .iter()
        .flat_map(|s| ctx.set.values(s, p))
        .max_by_key(|f| {
            (
                f.retracted_at.is_none(),
                crate::resolve::facts::FactSet::date_of(f),
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

pub fn detail(
    ctx: &Context<'_>,
    number: &str,
    members: &[String],
    actions: &BTreeMap<String, ActionDetail>,
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
    let reference = |p: Property, role: &str| {
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
    };
    let plan_actions: Vec<_> = ctx
        .referring(members, Property::ConcernsPlan)
        .into_iter()
        .filter_map(|f| ctx.res.entity_of.get(&f.subject))
        .filter_map(|id| actions.get(id))
        .map(|a| a.summary.clone())
        .collect();
    let mut events = Vec::new();
    let source_of = |p: Property| {
        ctx.set
            .source_refs(members.iter().flat_map(|s| ctx.set.values(s, p)))
    };
    for (d, _) in dates(ctx, members, Property::SubmittedOn) {
        events.push(plan_event(
            d,
            "plan_submitted",
            number,
            "提出",
            "submitted",
            source_of(Property::SubmittedOn),
        ));
    }
    for (d, _) in dates(ctx, members, Property::ChangedOn) {
        events.push(plan_event(
            d,
            "plan_changed",
            number,
            "変更",
            "changed",
            source_of(Property::ChangedOn),
        ));
    }
    for (d, _) in dates(ctx, members, Property::DiscontinuedOn) {
        events.push(plan_event(
            d,
            "plan_discontinued",
            number,
            "中止",
            "discontinued",
            source_of(Property::DiscontinuedOn),
        ));
    }
    for (d, _) in dates(ctx, members, Property::EndedOn) {
        events.push(plan_event(
            d,
            "plan_ended",
            number,
            "終了",
            "ended",
            source_of(Property::EndedOn),
        ));
    }
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
        detail: serde_json::to_string(d).unwrap_or_else(|_| "{}".into()),
        updated_at: now,
    }
}

pub fn search_doc(d: &PlanDetail) -> IndexDoc {
    IndexDoc {
        id: d.summary.number.clone(),
        entity: "plan".into(),
        name: d
            .summary
            .title
            .clone()
            .unwrap_or_else(|| d.summary.number.clone()),
        former_names: Vec::new(),
        addresses: Vec::new(),
        prefecture: None,
        identifiers: vec![d.summary.number.clone()],
        related_names: d.provider.iter().map(|p| p.name.clone()).collect(),
        text: Vec::new(),
        action_count: u32::try_from(d.actions.len()).unwrap_or(u32::MAX),
        action_types: d.actions.iter().map(|a| a.action_type.clone()).collect(),
        years: d
            .summary
            .submitted_on
            .map(|x| vec![x.year()])
            .unwrap_or_default(),
    }
}
