//! Projection: from a [`Resolution`] to the read models the pages and the API use — one
//! JSON record per facility, CPC and organization, the action and plan tables, the events of
//! every history, and the documents of the search index.

pub mod actions;
pub mod entities;
pub mod events;
pub mod plans;
pub mod timeline;

use crate::curation::view::CurationView;
use crate::resolve::facts::FactSet;
use crate::resolve::Resolution;
use crate::search::IndexDoc;
use crate::store::read_models::Projection;
use chrono::NaiveDateTime;
use mieru_crawler::provenance::{Property, SubjectKind};
use mieru_web::model::EntityRef;
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
    pub summaries: HashMap<String, Summary>,
    /// Curation's additions to the histories (see `crate::curation::view`).
    pub curation: &'a CurationView,
}

impl<'a> Context<'a> {
    pub fn new(res: &'a Resolution) -> Self {
        let set = &res.set;
        let mut referrers: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, f) in set.facts.iter().enumerate() {
            if Property::parse(&f.property).is_some_and(|p| p.is_reference()) {
                referrers.entry(f.value.as_str()).or_default().push(i);
            }
        }
        let mut ctx = Self {
            res,
            set,
            referrers,
            summaries: HashMap::new(),
            curation: &crate::curation::view::EMPTY,
        };
        let summaries: HashMap<String, Summary> = res
            .members
            .iter()
            .map(|(id, members)| (id.clone(), entities::summarize(&ctx, id, members)))
            .collect();
        ctx.summaries = summaries;
        ctx
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
                .unwrap_or_else(|| id.clone());
            return Some(EntityRef {
                id: id.clone(),
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
    let mut tables = Projection {
        views: Vec::new(),
        actions: Vec::new(),
        plans: Vec::new(),
        events: Vec::new(),
    };
    let mut search_docs = Vec::new();
    let mut summaries: Vec<Summary> = ctx.summaries.values().cloned().collect();
    summaries.sort_by(|a, b| a.id.cmp(&b.id));

    let mut action_details = BTreeMap::new();
    for (id, members) in &res.members {
        if ctx.kind(id) == Some(SubjectKind::Action) {
            action_details.insert(id.clone(), actions::detail(&ctx, id, members));
        }
    }
    // A status depends on the other actions on the same targets (liftings, later orders).
    actions::apply_statuses(&ctx, &mut action_details, now.date());
    for detail in action_details.values() {
        tables.actions.push(actions::row(&ctx, detail, now));
        search_docs.push(actions::search_doc(detail));
    }
    for (id, members) in &res.members {
        match ctx.kind(id) {
            Some(SubjectKind::Plan) => {
                let detail = plans::detail(&ctx, id, members, &action_details);
                search_docs.push(plans::search_doc(&detail));
                tables.plans.push(plans::row(&detail, now));
            }
            Some(SubjectKind::Facility | SubjectKind::Cpc) => {
                let detail = entities::facility(&ctx, id, &action_details);
                search_docs.push(entities::facility_search_doc(&detail));
                tables.events.extend(events::rows(id, &detail.events));
                tables
                    .views
                    .push(entities::view_row(id, &detail.kind, &detail, now));
            }
            Some(SubjectKind::Organization) => {
                let detail = entities::organization(&ctx, id, &action_details);
                search_docs.push(entities::organization_search_doc(&detail));
                tables.events.extend(events::rows(id, &detail.events));
                tables
                    .views
                    .push(entities::view_row(id, "organization", &detail, now));
            }
            _ => {}
        }
    }
    Projected {
        summaries,
        tables,
        search_docs,
    }
}

/// Projects one facility, CPC or organization on its own (for `as_of` views), from a
/// resolution whose fact set was already restricted.
pub fn project_one(res: &Resolution, id: &str) -> Option<serde_json::Value> {
    project_one_curated(res, &crate::curation::view::EMPTY, id)
}

/// [`project_one`] with curation's history events.
pub fn project_one_curated(
    res: &Resolution,
    curation: &CurationView,
    id: &str,
) -> Option<serde_json::Value> {
    let ctx = Context {
        curation,
        ..Context::new(res)
    };
    let members = ctx.members(id);
    let mut action_details = BTreeMap::new();
    for f in ctx.referring(members, Property::Target) {
        if let Some(aid) = res.entity_of.get(&f.subject) {
            let detail = actions::detail(&ctx, aid, ctx.members(aid));
            action_details.insert(aid.clone(), detail);
        }
    }
    actions::apply_statuses(&ctx, &mut action_details, chrono::Utc::now().date_naive());
    match ctx.kind(id)? {
        SubjectKind::Facility | SubjectKind::Cpc => {
            serde_json::to_value(entities::facility(&ctx, id, &action_details)).ok()
        }
        SubjectKind::Organization => {
            serde_json::to_value(entities::organization(&ctx, id, &action_details)).ok()
        }
        _ => None,
    }
}

/// Search documents from the stored read models (for `mieru index`, which rebuilds the
/// index without re-resolving).
pub fn search_docs_from_store(
    conn: &mut crate::store::DbConnection,
) -> Result<Vec<IndexDoc>, crate::store::StoreError> {
    use crate::store::read_models;
    let mut docs = Vec::new();
    let bad = |e: serde_json::Error| crate::store::StoreError::Corrupt(e.to_string());
    for v in read_models::all_views(conn)? {
        if v.kind == "organization" {
            let d: mieru_web::model::OrganizationDetail =
                serde_json::from_str(&v.detail).map_err(bad)?;
            docs.push(entities::organization_search_doc(&d));
        } else {
            let d: mieru_web::model::FacilityDetail =
                serde_json::from_str(&v.detail).map_err(bad)?;
            docs.push(entities::facility_search_doc(&d));
        }
    }
    for a in read_models::all_actions(conn)? {
        let d: mieru_web::model::ActionDetail = serde_json::from_str(&a.detail).map_err(bad)?;
        docs.push(actions::search_doc(&d));
    }
    for p in read_models::all_plans(conn)? {
        let d: mieru_web::model::PlanDetail = serde_json::from_str(&p.detail).map_err(bad)?;
        docs.push(plans::search_doc(&d));
    }
    Ok(docs)
}
