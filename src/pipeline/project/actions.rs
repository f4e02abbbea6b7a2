//! Actions: one record per regulatory action, with its targets resolved to entities. The
//! status of an action is decided afterwards, among all actions (see `action_status`).

use super::Context;
use crate::store::models::ActionRow;
use chrono::{NaiveDate, NaiveDateTime};
use mieru_crawler::provenance::Property;
use mieru_web::i18n::{label, Lang};
use mieru_web::model::ACTION_TYPES;
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

/// The earliest valid date any member states for `p`.
pub(super) fn first_date(ctx: &Context<'_>, members: &[String], p: Property) -> Option<NaiveDate> {
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
        // Provisional: `action_status::apply_statuses` decides with the other actions on the
        // same targets.
        status: if lifted.is_some() {
            "lifted"
        } else {
            "unknown"
        }
        .to_owned(),
        status_evidence: None,
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
        .filter_map(|t| ctx.summaries.get(t.id.as_str()))
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
        detail: super::stored::encode_action(d),
        updated_at: now,
    }
}

/// The Japanese name of an action type, as histories and status reasons write it: the web
/// layer's one label table, so a page and a stored sentence never word it differently.
pub fn action_label_ja(t: &str) -> String {
    action_label(Lang::Ja, t, "行政処分等")
}

/// The English name of an action type (see [`action_label_ja`]).
pub fn action_label_en(t: &str) -> String {
    action_label(Lang::En, t, "Regulatory action")
}

fn action_label(lang: Lang, t: &str, unknown: &str) -> String {
    if ACTION_TYPES.contains(&t) {
        label(lang, t)
    } else {
        unknown.to_owned()
    }
}
