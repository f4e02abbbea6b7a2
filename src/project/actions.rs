//! Actions: one record per regulatory action, with its targets resolved to entities.

use super::Context;
use crate::search::IndexDoc;
use crate::store::models::ActionRow;
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use mieru_crawler::provenance::Property;
use mieru_web::model::{ActionDetail, ActionSummary};

fn texts(ctx: &Context<'_>, members: &[String], p: Property) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in members {
        for f in ctx.set.values(s, p) {
            let v = mieru_text::normalize::display_clean(&f.value);
            if !v.is_empty() && !out.contains(&v) {
                out.push(v);
            }
        }
    }
    out
}

fn first_date(ctx: &Context<'_>, members: &[String], p: Property) -> Option<NaiveDate> {
    members
        .iter()
        .flat_map(|s| ctx.set.values(s, p))
        .filter_map(|f| NaiveDate::parse_from_str(&f.value, "%Y-%m-%d").ok())
        .min()
}

pub fn detail(ctx: &Context<'_>, id: &str, members: &[String]) -> ActionDetail {
    let mut targets = Vec::new();
    for s in members {
        for f in ctx.set.values(s, Property::Target) {
            if let Some(r) = ctx.entity_ref(&f.value, Some("target")) {
                if !targets.contains(&r) {
                    targets.push(r);
                }
            }
        }
    }
    let plans = members
        .iter()
        .flat_map(|s| ctx.set.values(s, Property::ConcernsPlan))
        .filter_map(|f| ctx.entity_ref(&f.value, Some("plan")))
        .fold(Vec::new(), |mut acc, r| {
            if !acc.contains(&r) {
                acc.push(r);
            }
            acc
        });
    let lifted = first_date(ctx, members, Property::LiftedOn);
    let summary = ActionSummary {
        id: id.to_owned(),
        action_type: texts(ctx, members, Property::ActionType)
            .into_iter()
            .next()
            .unwrap_or_else(|| "other".into()),
        issued_on: first_date(ctx, members, Property::IssuedOn),
        authority: texts(ctx, members, Property::Authority).into_iter().next(),
        articles: texts(ctx, members, Property::Article),
        headline: texts(ctx, members, Property::Headline).into_iter().next(),
        targets,
        status: if lifted.is_some() {
            "lifted"
        } else {
            "unknown"
        }
        .to_owned(),
    };
    let all_facts = members.iter().flat_map(|s| ctx.set.of(s));
    ActionDetail {
        summary,
        findings: texts(ctx, members, Property::Finding),
        measures: texts(ctx, members, Property::Measure),
        plans,
        sources: ctx.set.source_refs(all_facts),
    }
}

/// The prefecture of an action: that of its first target that has one.
fn prefecture(ctx: &Context<'_>, d: &ActionDetail) -> Option<String> {
    d.summary
        .targets
        .iter()
        .filter_map(|t| ctx.summaries.get(&t.id))
        .find_map(|s| s.prefecture.clone())
}

pub fn row(ctx: &Context<'_>, d: &ActionDetail, now: NaiveDateTime) -> ActionRow {
    ActionRow {
        id: d.summary.id.clone(),
        action_type: d.summary.action_type.clone(),
        issued_on: d.summary.issued_on,
        authority: d.summary.authority.clone(),
        prefecture: prefecture(ctx, d),
        status: d.summary.status.clone(),
        articles: serde_json::to_string(&d.summary.articles).unwrap_or_else(|_| "[]".into()),
        detail: serde_json::to_string(d).unwrap_or_else(|_| "{}".into()),
        updated_at: now,
    }
}

pub fn search_doc(d: &ActionDetail) -> IndexDoc {
    let s = &d.summary;
    IndexDoc {
        id: s.id.clone(),
        entity: "action".into(),
        name: s.headline.clone().unwrap_or_else(|| {
            s.targets
                .iter()
                .map(|t| t.name.clone())
                .collect::<Vec<_>>()
                .join("・")
        }),
        former_names: Vec::new(),
        addresses: Vec::new(),
        prefecture: None,
        identifiers: d
            .plans
            .iter()
            .map(|p| p.id.clone())
            .filter(|p| !p.is_empty())
            .collect(),
        related_names: s.targets.iter().map(|t| t.name.clone()).collect(),
        text: d
            .findings
            .iter()
            .chain(d.measures.iter())
            .cloned()
            .collect(),
        action_count: 1,
        action_types: vec![s.action_type.clone()],
        years: s.issued_on.map(|d| vec![d.year()]).unwrap_or_default(),
    }
}
