//! The history of a facility, CPC or organization as events: first listing, renames and
//! relocations, actions, closures, what the corporate registry undid, delistings, successor
//! links and curation. Each kind of event has its own function; [`common_events`] joins them.

use super::actions::{action_label_en, action_label_ja};
use super::entities::{actions_for, address_timeline, facts_of, links_of, name_timeline};
use super::summaries::summary_of;
use super::{Context, Summary};
use crate::pipeline::resolve::ids::EntityId;
use chrono::{NaiveDate, NaiveDateTime};
use mieru_crawler::provenance::Property;
use mieru_web::model::{
    ActionDetail, ActionSummary, DatedValue, EntityRef, Event, Link, SourceRef,
};
use std::collections::BTreeMap;

pub(super) fn dated_event(
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
pub(super) fn change_events(
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

/// What every facility, CPC and organization record has: its members' names and addresses
/// over time, the actions on it, its links, its common history and its sources. The kinds
/// of record add their own parts to these.
pub(super) struct RecordParts<'a> {
    pub members: &'a [String],
    pub summary: Summary,
    pub names: Vec<DatedValue>,
    pub addresses: Vec<DatedValue>,
    pub actions: Vec<ActionSummary>,
    pub links: Vec<Link>,
    pub events: Vec<Event>,
    pub sources: Vec<SourceRef>,
}

pub(super) fn record_parts<'a>(
    ctx: &'a Context<'_>,
    id: &str,
    actions: &BTreeMap<EntityId, ActionDetail>,
) -> RecordParts<'a> {
    let members = ctx.members(id);
    let names = name_timeline(ctx, members);
    let addresses = address_timeline(ctx, members);
    let actions = actions_for(ctx, members, actions);
    let links = links_of(ctx, id);
    let events = common_events(ctx, id, members, &names, &addresses, &actions, &links);
    RecordParts {
        members,
        summary: summary_of(ctx, id, members),
        names,
        addresses,
        actions,
        links,
        events,
        sources: ctx
            .set
            .source_refs(members.iter().flat_map(|s| ctx.set.of(s))),
    }
}

/// Sorts a history by date then kind; events of one date and kind keep the order they were
/// added in (the sort is stable).
pub(super) fn sort_events(events: &mut [Event]) {
    events.sort_by(|a, b| a.date.cmp(&b.date).then(a.kind.cmp(&b.kind)));
}

/// The events every facility, CPC and organization history has, by date then kind. Events of
/// one date and kind keep the order of the functions below.
fn common_events(
    ctx: &Context<'_>,
    id: &str,
    members: &[String],
    names: &[DatedValue],
    addresses: &[DatedValue],
    actions: &[ActionSummary],
    links: &[Link],
) -> Vec<Event> {
    let mut events = listing_events(names, addresses);
    events.extend(action_events(ctx, actions));
    events.extend(closure_events(ctx, members));
    events.extend(registry_events(ctx, members));
    events.extend(delisting_events(ctx, members));
    events.extend(link_events(links));
    // Accepted corrections, annotations and human judgements on this record.
    events.extend(ctx.curation.events_for(id, &ctx.res.entity_of, &|other| {
        ctx.summaries
            .get(other)
            .map(|s| (s.kind.clone(), s.name.clone()))
    }));
    sort_events(&mut events);
    events
}

/// First listing under its first name, then every rename and relocation.
fn listing_events(names: &[DatedValue], addresses: &[DatedValue]) -> Vec<Event> {
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
    events
}

/// Each action on this entity, dated and sourced by its issue date.
fn action_events(ctx: &Context<'_>, actions: &[ActionSummary]) -> Vec<Event> {
    actions
        .iter()
        .map(|a| {
            dated_event(
                a.issued_on,
                // The facility list's `has_actions` is read from these events.
                crate::store::read_models::ACTION_ISSUED_EVENT,
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
                issue_sources(ctx, &a.id),
            )
        })
        .collect()
}

/// The sources that state an action's issue date.
fn issue_sources(ctx: &Context<'_>, action_id: &str) -> Vec<SourceRef> {
    ctx.res
        .members
        .get(action_id)
        .map(|m| {
            ctx.set
                .source_refs(m.iter().flat_map(|s| ctx.set.values(s, Property::IssuedOn)))
        })
        .unwrap_or_default()
}

/// Filed closures (abolitions).
fn closure_events(ctx: &Context<'_>, members: &[String]) -> Vec<Event> {
    facts_of(ctx, members, Property::ClosedOn)
        .into_iter()
        .map(|f| {
            let date = NaiveDate::parse_from_str(&f.value, "%Y-%m-%d").ok();
            dated_event(
                date,
                "closure_filed",
                "廃止（閉鎖）".into(),
                "Closed (abolition filed)".into(),
                None,
                ctx.set.source_refs([f]),
            )
        })
        .collect()
}

/// What the corporate-number registry later undid or corrected (processes 13, 72, 99 and
/// correct=1 rows): shown, so that a reader sees why a closure or successor no longer stands.
fn registry_events(ctx: &Context<'_>, members: &[String]) -> Vec<Event> {
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
    let mut events = Vec::new();
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
    events
}

/// Delisting: a document that stated this entity was removed from its site.
fn delisting_events(ctx: &Context<'_>, members: &[String]) -> Vec<Event> {
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
    let mut events = Vec::new();
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
    events
}

/// Successor, predecessor and possible-identity links, dated by their latest evidence.
fn link_events(links: &[Link]) -> Vec<Event> {
    let mut events = Vec::new();
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
    events
}
