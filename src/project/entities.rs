//! Facility, CPC and organization records: names and addresses over time, operators,
//! plans, actions, links with evidence, and the whole timeline with sources.

use super::timeline::timeline;
use super::{Context, Summary};
use crate::resolve::cluster::EvidenceItem;
use crate::search::IndexDoc;
use crate::store::models::{EntityViewRow, FactRow};
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use mieru_crawler::provenance::{Property, SubjectKind};
use mieru_web::model::*;
use std::collections::BTreeMap;

fn facts_of<'a>(ctx: &Context<'a>, members: &[String], p: Property) -> Vec<&'a FactRow> {
    members.iter().flat_map(|s| ctx.set.values(s, p)).collect()
}

fn name_timeline(ctx: &Context<'_>, members: &[String]) -> Vec<DatedValue> {
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

fn address_timeline(ctx: &Context<'_>, members: &[String]) -> Vec<DatedValue> {
    timeline(
        ctx.set,
        facts_of(ctx, members, Property::Address),
        std::iter::empty(),
        &BTreeMap::new(),
        mieru_text::address::address_key,
    )
}

fn prefecture_of(ctx: &Context<'_>, members: &[String]) -> Option<String> {
    let from_field = facts_of(ctx, members, Property::Prefecture)
        .into_iter()
        .find_map(|f| mieru_text::address::split_prefecture(&f.value).0);
    from_field
        .or_else(|| {
            facts_of(ctx, members, Property::Address)
                .into_iter()
                .find_map(|f| mieru_text::address::split_prefecture(&f.value).0)
        })
        .map(str::to_owned)
}

fn status_of(ctx: &Context<'_>, members: &[String]) -> String {
    if members.iter().any(|s| ctx.set.closure_stands(s)) {
        return "closed".into();
    }
    let all: Vec<&FactRow> = members.iter().flat_map(|s| ctx.set.of(s)).collect();
    if !all.is_empty() && all.iter().all(|f| f.retracted_at.is_some()) {
        return "delisted".into();
    }
    if all.is_empty() {
        "unknown".into()
    } else {
        "open".into()
    }
}

pub fn summarize(ctx: &Context<'_>, id: &str, members: &[String]) -> Summary {
    let kind = ctx.kind(id).unwrap_or(SubjectKind::Facility);
    let name = match kind {
        SubjectKind::Facility | SubjectKind::Cpc | SubjectKind::Organization => {
            name_timeline(ctx, members)
                .into_iter()
                .find(|v| v.current)
                .map(|v| v.value)
        }
        SubjectKind::Action => facts_of(ctx, members, Property::Headline)
            .first()
            .map(|f| mieru_text::normalize::display_clean(&f.value)),
        SubjectKind::Plan => facts_of(ctx, members, Property::Title)
            .first()
            .map(|f| mieru_text::normalize::display_clean(&f.value)),
        _ => None,
    };
    Summary {
        id: id.to_owned(),
        kind: kind.as_str().to_owned(),
        name: name.unwrap_or_else(|| id.to_owned()),
        prefecture: prefecture_of(ctx, members),
        status: status_of(ctx, members),
    }
}

fn links_of(ctx: &Context<'_>, id: &str) -> Vec<Link> {
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
        let summary = ctx.summaries.get(other);
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

fn dated_event(
    date: Option<NaiveDate>,
    kind: &str,
    ja: String,
    en: String,
    subject: Option<EntityRef>,
    sources: Vec<SourceRef>,
) -> Event {
    Event {
        date,
        kind: kind.to_owned(),
        summary_ja: ja,
        summary_en: en,
        subject,
        sources,
    }
}

/// Transitions of a timeline as events (`renamed`, `relocated` …).
fn change_events(
    values: &[DatedValue],
    kind: &str,
    what_ja: &str,
    what_en: &str,
    subject: Option<&EntityRef>,
) -> Vec<Event> {
    values
        .windows(2)
        .filter_map(|w| {
            let (old, new) = (w.first()?, w.get(1)?);
            Some(dated_event(
                new.since.or(old.until),
                kind,
                format!("{what_ja}を「{}」から「{}」に変更", old.value, new.value),
                format!("{what_en} changed from “{}” to “{}”", old.value, new.value),
                subject.cloned(),
                new.sources.clone(),
            ))
        })
        .collect()
}

fn common_events(
    ctx: &Context<'_>,
    id: &str,
    members: &[String],
    names: &[DatedValue],
    addresses: &[DatedValue],
    actions: &[ActionSummary],
    links: &[Link],
) -> Vec<Event> {
    let mut events = Vec::new();
    if let Some(first) = names.first() {
        events.push(dated_event(
            first.since,
            "first_listed",
            format!("「{}」として公表資料に掲載", first.value),
            format!("Listed in public records as “{}”", first.value),
            None,
            first.sources.clone(),
        ));
    }
    events.extend(change_events(names, "renamed", "名称", "Name", None));
    events.extend(change_events(
        addresses,
        "relocated",
        "所在地",
        "Address",
        None,
    ));
    for a in actions {
        events.push(dated_event(
            a.issued_on,
            "action_issued",
            format!(
                "{}（{}）{}",
                action_label_ja(&a.action_type),
                a.articles.join("・"),
                a.authority.clone().unwrap_or_default()
            ),
            format!(
                "{} ({}) by {}",
                action_label_en(&a.action_type),
                a.articles.join(", "),
                a.authority.clone().unwrap_or_default()
            ),
            Some(EntityRef {
                id: a.id.clone(),
                entity: "action".into(),
                name: a.headline.clone().unwrap_or_default(),
                role: None,
            }),
            ctx.res
                .members
                .get(&a.id)
                .map(|m| {
                    ctx.set
                        .source_refs(m.iter().flat_map(|s| ctx.set.values(s, Property::IssuedOn)))
                })
                .unwrap_or_default(),
        ));
    }
    for f in facts_of(ctx, members, Property::ClosedOn) {
        let date = NaiveDate::parse_from_str(&f.value, "%Y-%m-%d").ok();
        events.push(dated_event(
            date,
            "closure_filed",
            "廃止（閉鎖）".into(),
            "Closed (abolition filed)".into(),
            None,
            ctx.set.source_refs([f]),
        ));
    }
    // What the corporate-number registry later undid or corrected (processes 13, 72, 99 and
    // correct=1 rows): shown, so that a reader sees why a closure or successor no longer stands.
    let registry_events = [
        (
            Property::ClosureRevokedOn,
            "closure_revoked",
            "閉鎖の取消し（法人番号公表サイト）",
            "Closure revoked (corporate registry)",
        ),
        (
            Property::MergerAnnulledOn,
            "merger_annulled",
            "合併の無効（法人番号公表サイト）",
            "Merger annulled (corporate registry)",
        ),
        (
            Property::DeletedOn,
            "registry_deleted",
            "登記記録の抹消・削除（法人番号公表サイト）",
            "Record deleted (corporate registry)",
        ),
        (
            Property::CorrectedOn,
            "correction",
            "記録の訂正（法人番号公表サイト）",
            "Record corrected (corporate registry)",
        ),
    ];
    for (property, kind, ja, en) in registry_events {
        for f in facts_of(ctx, members, property) {
            let date = NaiveDate::parse_from_str(&f.value, "%Y-%m-%d").ok();
            events.push(dated_event(
                date,
                kind,
                ja.into(),
                en.into(),
                None,
                ctx.set.source_refs([f]),
            ));
        }
    }
    // Delisting: a document that stated this entity was removed from its site.
    let mut removed: BTreeMap<i64, NaiveDateTime> = BTreeMap::new();
    for s in members {
        for f in ctx.set.of(s) {
            if let Some(doc) = ctx.set.documents.get(&f.document_id) {
                if let Some(at) = doc.removed_at {
                    removed.insert(doc.id, at);
                }
            }
        }
    }
    for (doc_id, at) in removed {
        let Some(doc) = ctx.set.documents.get(&doc_id) else {
            continue;
        };
        let sources = ctx.set.source_refs(
            members
                .iter()
                .flat_map(|s| ctx.set.of(s))
                .filter(|f| f.document_id == doc_id),
        );
        events.push(dated_event(
            Some(at.date()),
            "delisted",
            format!("公表元から掲載が削除された（{}）", doc.url),
            format!("Removed from the publishing site ({})", doc.url),
            None,
            sources,
        ));
    }
    for l in links {
        if l.kind.starts_with("possible") || l.kind == "successor" || l.kind == "predecessor" {
            let (ja, en) = match l.kind.as_str() {
                "successor" => ("後継", "Successor"),
                "predecessor" => ("前身", "Predecessor"),
                "possible_successor" => ("後継の可能性", "Possible successor"),
                "possible_predecessor" => ("前身の可能性", "Possible predecessor"),
                _ => ("同一の可能性", "Possibly the same as"),
            };
            let date = l
                .evidence
                .iter()
                .flat_map(|e| e.sources.iter())
                .map(|s| s.fetched_at.date_naive())
                .max();
            events.push(dated_event(
                date,
                &l.kind,
                format!("{ja}: {}", l.other.name),
                format!("{en}: {}", l.other.name),
                Some(l.other.clone()),
                l.evidence.iter().flat_map(|e| e.sources.clone()).collect(),
            ));
        }
    }
    // Accepted corrections, annotations and human judgements on this record.
    events.extend(ctx.curation.events_for(id, &ctx.res.entity_of, &|other| {
        ctx.summaries
            .get(other)
            .map(|s| (s.kind.clone(), s.name.clone()))
    }));
    events.sort_by(|a, b| a.date.cmp(&b.date).then(a.kind.cmp(&b.kind)));
    events
}

pub fn action_label_ja(t: &str) -> &'static str {
    match t {
        "emergency_order" => "緊急命令",
        "improvement_order" => "改善命令",
        "suspension_order" => "停止命令",
        "licence_revocation" => "許可の取消し",
        "inspection" => "立入検査",
        "shipping_halt_request" => "出荷停止の要請",
        "lifting" => "命令の解除",
        _ => "行政処分等",
    }
}

pub fn action_label_en(t: &str) -> &'static str {
    match t {
        "emergency_order" => "Emergency order",
        "improvement_order" => "Improvement order",
        "suspension_order" => "Suspension order",
        "licence_revocation" => "Licence revocation",
        "inspection" => "Inspection",
        "shipping_halt_request" => "Shipping halt request",
        "lifting" => "Order lifted",
        _ => "Regulatory action",
    }
}

fn actions_for(
    ctx: &Context<'_>,
    members: &[String],
    actions: &BTreeMap<String, ActionDetail>,
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

fn refs(ctx: &Context<'_>, facts: Vec<&FactRow>, role: &str) -> Vec<EntityRef> {
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

pub fn facility(
    ctx: &Context<'_>,
    id: &str,
    actions: &BTreeMap<String, ActionDetail>,
) -> FacilityDetail {
    let members = ctx.members(id);
    let summary = ctx
        .summaries
        .get(id)
        .cloned()
        .unwrap_or_else(|| summarize(ctx, id, members));
    let names = name_timeline(ctx, members);
    let addresses = address_timeline(ctx, members);
    let my_actions = actions_for(ctx, members, actions);
    let links = links_of(ctx, id);
    let operators = refs(ctx, facts_of(ctx, members, Property::Operator), "operator");
    let managers = timeline(
        ctx.set,
        facts_of(ctx, members, Property::Manager)
            .into_iter()
            .flat_map(|f| ctx.set.values(&f.value, Property::Name))
            .collect::<Vec<_>>(),
        std::iter::empty(),
        &BTreeMap::new(),
        mieru_text::normalize::fold,
    );
    let mut plan_numbers: Vec<String> = ctx
        .referring(members, Property::Provider)
        .into_iter()
        .chain(ctx.referring(members, Property::UsesCpc))
        .filter_map(|f| ctx.res.entity_of.get(&f.subject).cloned())
        .collect();
    plan_numbers.sort();
    plan_numbers.dedup();
    let plans: Vec<PlanSummary> = plan_numbers
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
        .collect();
    let mut events = common_events(ctx, id, members, &names, &addresses, &my_actions, &links);
    // Operator renames belong to this history too: a corporation renamed after an order.
    for op in &operators {
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
    for p in &plans {
        let pm = ctx.members(&p.number);
        for (prop, kind, ja, en) in [
            (Property::SubmittedOn, "plan_submitted", "提出", "submitted"),
            (
                Property::DiscontinuedOn,
                "plan_discontinued",
                "中止",
                "discontinued",
            ),
            (Property::EndedOn, "plan_ended", "終了", "ended"),
        ] {
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
    events.sort_by(|a, b| a.date.cmp(&b.date).then(a.kind.cmp(&b.kind)));
    let mut facility_numbers: Vec<String> = facts_of(ctx, members, Property::FacilityNumber)
        .into_iter()
        .map(|f| mieru_text::normalize::display_clean(&f.value))
        .collect();
    facility_numbers.sort();
    facility_numbers.dedup();
    FacilityDetail {
        id: id.to_owned(),
        kind: summary.kind.clone(),
        name: summary.name.clone(),
        names,
        addresses,
        prefecture: summary.prefecture.clone(),
        facility_numbers,
        status: summary.status.clone(),
        operators,
        managers,
        plans,
        actions: my_actions,
        events,
        links,
        sources: ctx
            .set
            .source_refs(members.iter().flat_map(|s| ctx.set.of(s))),
        citation: None,
    }
}

pub fn organization(
    ctx: &Context<'_>,
    id: &str,
    actions: &BTreeMap<String, ActionDetail>,
) -> OrganizationDetail {
    let members = ctx.members(id);
    let summary = ctx
        .summaries
        .get(id)
        .cloned()
        .unwrap_or_else(|| summarize(ctx, id, members));
    let names = name_timeline(ctx, members);
    let addresses = address_timeline(ctx, members);
    let my_actions = actions_for(ctx, members, actions);
    let links = links_of(ctx, id);
    let mut facilities: Vec<EntityRef> = ctx
        .referring(members, Property::Operator)
        .into_iter()
        .filter_map(|f| ctx.entity_ref(&f.subject, Some("operated")))
        .collect();
    facilities.sort_by(|a, b| a.id.cmp(&b.id));
    facilities.dedup_by(|a, b| a.id == b.id);
    let events = common_events(ctx, id, members, &names, &addresses, &my_actions, &links);
    OrganizationDetail {
        id: id.to_owned(),
        corporate_number: facts_of(ctx, members, Property::CorporateNumber)
            .first()
            .map(|f| f.value.clone()),
        name: summary.name.clone(),
        names,
        addresses,
        status: summary.status.clone(),
        facilities,
        actions: my_actions,
        events,
        links,
        sources: ctx
            .set
            .source_refs(members.iter().flat_map(|s| ctx.set.of(s))),
        citation: None,
    }
}

pub fn view_row<T: serde::Serialize>(
    id: &str,
    kind: &str,
    detail: &T,
    now: NaiveDateTime,
) -> EntityViewRow {
    EntityViewRow {
        entity_id: id.to_owned(),
        kind: kind.to_owned(),
        detail: serde_json::to_string(detail).unwrap_or_else(|_| "{}".into()),
        updated_at: now,
    }
}

/// Values with the current one first: a search hit shows the first address.
fn current_first(values: &[DatedValue]) -> Vec<String> {
    let mut out: Vec<String> = values
        .iter()
        .filter(|v| v.current)
        .map(|v| v.value.clone())
        .collect();
    out.extend(
        values
            .iter()
            .rev()
            .filter(|v| !v.current)
            .map(|v| v.value.clone()),
    );
    out
}

pub fn facility_search_doc(d: &FacilityDetail) -> IndexDoc {
    let mut ids = d.facility_numbers.clone();
    ids.extend(d.plans.iter().map(|p| p.number.clone()));
    IndexDoc {
        id: d.id.clone(),
        entity: d.kind.clone(),
        name: d.name.clone(),
        former_names: d
            .names
            .iter()
            .filter(|n| !n.current)
            .map(|n| n.value.clone())
            .collect(),
        addresses: current_first(&d.addresses),
        prefecture: d.prefecture.clone(),
        identifiers: ids,
        related_names: d.operators.iter().map(|o| o.name.clone()).collect(),
        text: d.plans.iter().filter_map(|p| p.title.clone()).collect(),
        action_count: u32::try_from(d.actions.len()).unwrap_or(u32::MAX),
        action_types: d.actions.iter().map(|a| a.action_type.clone()).collect(),
        years: d
            .actions
            .iter()
            .filter_map(|a| a.issued_on.map(|x| x.year()))
            .collect(),
    }
}

pub fn organization_search_doc(d: &OrganizationDetail) -> IndexDoc {
    IndexDoc {
        id: d.id.clone(),
        entity: "organization".into(),
        name: d.name.clone(),
        former_names: d
            .names
            .iter()
            .filter(|n| !n.current)
            .map(|n| n.value.clone())
            .collect(),
        addresses: current_first(&d.addresses),
        prefecture: d.addresses.iter().find_map(|a| {
            mieru_text::address::split_prefecture(&a.value)
                .0
                .map(str::to_owned)
        }),
        identifiers: d.corporate_number.iter().cloned().collect(),
        related_names: d.facilities.iter().map(|f| f.name.clone()).collect(),
        text: Vec::new(),
        action_count: u32::try_from(d.actions.len()).unwrap_or(u32::MAX),
        action_types: d.actions.iter().map(|a| a.action_type.clone()).collect(),
        years: d
            .actions
            .iter()
            .filter_map(|a| a.issued_on.map(|x| x.year()))
            .collect(),
    }
}
