//! Projection: from a [`Resolution`] to the read models the pages and the API use — one
//! JSON record per facility, CPC and organization, the action and plan tables, the events of
//! every history, and the documents of the search index.
//!
//! May depend on: `pipeline::resolve` (its `Resolution` and fact set), `curation::view` (what
//! curators decided), `store` (row types and reading read models back), `search::IndexDoc`,
//! and `mieru-web`'s public model and label table. Must not depend on: `refresh`, `serve`, `app`.
//! The stored form of a record is [`stored`]'s own versioned format, never the public model's
//! JSON: every writer and reader of the read models' `detail` column goes through it.

// Actions: the record of each (`actions`), then their statuses decided among all of them
// (`action_status`, over the per-action facts of `action_status_facts`).
pub mod action_status;
mod action_status_facts;
pub mod actions;
// Facilities, CPCs and organizations: shared parts (`entities`), one-line summaries,
// histories as events, and the two kinds of record.
pub mod entities;
mod entity_events;
pub mod facility;
pub mod organization;
pub mod summaries;
// Stored event rows, plan records, search documents, values over time.
pub mod events;
pub mod plans;
pub mod search_docs;
pub mod timeline;
// When each record's watch feed can last have had news (the prefecture feeds' reading
// order), and when each entity last changed (the changes feed's).
pub mod change_times;
pub mod watch_activity;
// The versioned format of the stored read models, apart from the public model.
pub mod stored;
// The full projection read from the store entity by entity, in bounded memory.
pub mod streamed;

pub use search_docs::from_store as search_docs_from_store;

use crate::curation::view::CurationView;
use crate::pipeline::resolve::facts::FactSet;
use crate::pipeline::resolve::ids::EntityId;
use crate::pipeline::resolve::Resolution;
use crate::search::IndexDoc;
use crate::store::read_models::Projection;
use chrono::NaiveDateTime;
use mieru_crawler::provenance::{Property, SubjectKind};
use mieru_web::model::EntityRef;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

/// The one-line summary of an entity, as stored in `entities`.
#[derive(Debug, Clone)]
pub struct Summary {
    pub id: String,
    pub kind: String,
    pub name: String,
    pub prefecture: Option<String>,
    pub status: String,
}

pub struct Projected {
    pub summaries: Vec<Summary>,
    pub tables: Projection,
    pub search_docs: Vec<IndexDoc>,
}

/// Shared lookups for all projections of one resolution.
pub struct Context<'a> {
    pub res: &'a Resolution,
    pub set: &'a FactSet,
    /// Subject → facts (by index into `set.facts`) whose value references it.
    pub referrers: HashMap<&'a str, Vec<usize>>,
    /// Every entity's summary (a streamed projection borrows the one map of all of them).
    pub summaries: Cow<'a, HashMap<EntityId, Summary>>,
    /// Curation's additions to the histories (see `crate::curation::view`).
    pub curation: &'a CurationView,
}

impl<'a> Context<'a> {
    pub fn new(res: &'a Resolution) -> Self {
        let mut ctx = Self::over(
            res,
            &res.set,
            Cow::Owned(HashMap::new()),
            &crate::curation::view::EMPTY,
        );
        let summaries: HashMap<EntityId, Summary> = res
            .members
            .iter()
            .map(|(id, members)| (id.clone(), summaries::summarize(&ctx, id, members)))
            .collect();
        ctx.summaries = Cow::Owned(summaries);
        ctx
    }

    /// A context over `set` (which may hold only some entities' facts), with summaries made
    /// elsewhere.
    pub fn over(
        res: &'a Resolution,
        set: &'a FactSet,
        summaries: Cow<'a, HashMap<EntityId, Summary>>,
        curation: &'a CurationView,
    ) -> Self {
        let mut referrers: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, f) in set.facts.iter().enumerate() {
            if Property::parse(&f.property).is_some_and(|p| p.is_reference()) {
                referrers.entry(f.value.as_str()).or_default().push(i);
            }
        }
        Self {
            res,
            set,
            referrers,
            summaries,
            curation,
        }
    }

    pub fn kind(&self, id: &str) -> Option<SubjectKind> {
        self.res.entity_kind.get(id).copied()
    }

    pub fn members(&self, id: &str) -> &[String] {
        self.res.members.get(id).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Facts whose value references any of `subjects`, with property `p`.
    pub fn referring(
        &self,
        subjects: &[String],
        p: Property,
    ) -> Vec<&'a crate::store::models::FactRow> {
        let name = p.as_str();
        let mut out: Vec<&crate::store::models::FactRow> = subjects
            .iter()
            .flat_map(|s| self.referrers.get(s.as_str()).into_iter().flatten())
            .filter_map(|i| self.set.facts.get(*i))
            .filter(|f| f.property == name)
            .collect();
        out.sort_by_key(|f| f.id);
        out.dedup_by_key(|f| f.id);
        out
    }

    /// A reference to whatever entity a subject key belongs to; persons and committees are
    /// not entities and get an empty ID.
    pub fn entity_ref(&self, subject: &str, role: Option<&str>) -> Option<EntityRef> {
        let kind = FactSet::kind_of(subject)?;
        if let Some(id) = self.res.entity_of.get(subject) {
            let name = self
                .summaries
                .get(id)
                .map(|s| s.name.clone())
                .unwrap_or_else(|| id.to_string());
            return Some(EntityRef {
                id: id.to_string(),
                entity: kind.as_str().to_owned(),
                name,
                role: role.map(str::to_owned),
            });
        }
        let name = self.set.first_value(subject, Property::Name)?;
        Some(EntityRef {
            id: String::new(),
            entity: kind.as_str().to_owned(),
            name: mieru_text::normalize::display_clean(name),
            role: role.map(str::to_owned),
        })
    }
}

pub fn project(res: &Resolution, now: NaiveDateTime) -> Projected {
    project_curated(res, &crate::curation::view::EMPTY, now)
}

/// [`project`] with curation's history events (hidden facts must already be out of `res.set`).
pub fn project_curated(res: &Resolution, curation: &CurationView, now: NaiveDateTime) -> Projected {
    let ctx = Context {
        curation,
        ..Context::new(res)
    };
    let mut out = Emitted::default();
    let mut summaries: Vec<Summary> = ctx.summaries.values().cloned().collect();
    summaries.sort_by(|a, b| a.id.cmp(&b.id));

    let action_details = action_details(&ctx, res.members.keys(), now);
    for detail in action_details.values() {
        out.action(&ctx, detail, now);
    }
    for id in res.members.keys() {
        out.record(&ctx, id, &action_details, now);
    }
    Projected {
        summaries,
        tables: Projection {
            views: out.views,
            actions: out.actions,
            plans: out.plans,
            events: out.events,
            activity: HashMap::new(),
            last_change: HashMap::new(),
        },
        search_docs: out.docs,
    }
}

/// The records of every action among `ids`, with their statuses (a status depends on the
/// other actions on the same targets: liftings, later orders).
fn action_details<'i>(
    ctx: &Context<'_>,
    ids: impl Iterator<Item = &'i EntityId>,
    now: NaiveDateTime,
) -> BTreeMap<EntityId, mieru_web::model::ActionDetail> {
    let mut details = BTreeMap::new();
    for id in ids {
        if ctx.kind(id) == Some(SubjectKind::Action) {
            details.insert(id.clone(), actions::detail(ctx, id, ctx.members(id)));
        }
    }
    action_status::apply_statuses(ctx, &mut details, now.date());
    details
}

/// Rows and search documents as a projection makes them, record by record.
#[derive(Default)]
struct Emitted {
    views: Vec<crate::store::models::EntityViewRow>,
    actions: Vec<crate::store::models::ActionRow>,
    plans: Vec<crate::store::models::PlanRow>,
    events: Vec<crate::store::models::EventRow>,
    docs: Vec<IndexDoc>,
}

impl Emitted {
    fn action(
        &mut self,
        ctx: &Context<'_>,
        detail: &mieru_web::model::ActionDetail,
        now: NaiveDateTime,
    ) {
        self.actions.push(actions::row(ctx, detail, now));
        self.docs.push(search_docs::action(detail));
    }

    /// The record of a plan, facility, CPC or organization (actions are made apart, as
    /// their statuses are decided together).
    fn record(
        &mut self,
        ctx: &Context<'_>,
        id: &EntityId,
        action_details: &BTreeMap<EntityId, mieru_web::model::ActionDetail>,
        now: NaiveDateTime,
    ) {
        match ctx.kind(id) {
            Some(SubjectKind::Plan) => {
                let detail = plans::detail(ctx, id, ctx.members(id), action_details);
                self.docs.push(search_docs::plan(&detail));
                self.plans.push(plans::row(&detail, now));
            }
            Some(SubjectKind::Facility | SubjectKind::Cpc) => {
                let detail = facility::detail(ctx, id, action_details);
                self.docs.push(search_docs::facility(&detail));
                self.events.extend(events::rows(id, &detail.events));
                self.views
                    .push(entities::view_row(id, &detail.kind, &detail, now));
            }
            Some(SubjectKind::Organization) => {
                let detail = organization::detail(ctx, id, action_details);
                self.docs.push(search_docs::organization(&detail));
                self.events.extend(events::rows(id, &detail.events));
                self.views
                    .push(entities::view_row(id, "organization", &detail, now));
            }
            _ => {}
        }
    }
}

/// Projects each of `ids` (facilities, CPCs, organizations) on its own, for historical
/// versions, from a resolution whose fact set was already restricted; with curation's history
/// events. The lookups over the resolution are built once for all of them.
pub fn project_each_curated(
    res: &Resolution,
    curation: &CurationView,
    ids: &[&str],
) -> Vec<Option<serde_json::Value>> {
    let ctx = Context {
        curation,
        ..Context::new(res)
    };
    ids.iter().map(|id| project_in(&ctx, id)).collect()
}

fn project_in(ctx: &Context<'_>, id: &str) -> Option<serde_json::Value> {
    let members = ctx.members(id);
    let mut action_details = BTreeMap::new();
    for f in ctx.referring(members, Property::Target) {
        if let Some(aid) = ctx.res.entity_of.get(&f.subject) {
            let detail = actions::detail(ctx, aid, ctx.members(aid));
            action_details.insert(aid.clone(), detail);
        }
    }
    action_status::apply_statuses(ctx, &mut action_details, chrono::Utc::now().date_naive());
    match ctx.kind(id)? {
        SubjectKind::Facility | SubjectKind::Cpc => {
            serde_json::to_value(facility::detail(ctx, id, &action_details)).ok()
        }
        SubjectKind::Organization => {
            serde_json::to_value(organization::detail(ctx, id, &action_details)).ok()
        }
        _ => None,
    }
}
