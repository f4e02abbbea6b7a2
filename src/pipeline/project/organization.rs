//! The record of an organization (a corporation or other operator): names and addresses over
//! time, the facilities it operates, actions, links and its history.

use super::entities::facts_of;
use super::entity_events::record_parts;
use super::Context;
use crate::pipeline::resolve::ids::EntityId;
use mieru_crawler::provenance::Property;
use mieru_web::model::{ActionDetail, EntityRef, OrganizationDetail};
use std::collections::BTreeMap;

pub fn detail(
    ctx: &Context<'_>,
    id: &str,
    actions: &BTreeMap<EntityId, ActionDetail>,
) -> OrganizationDetail {
    let parts = record_parts(ctx, id, actions);
    let mut facilities: Vec<EntityRef> = ctx
        .referring(parts.members, Property::Operator)
        .into_iter()
        .filter_map(|f| ctx.entity_ref(&f.subject, Some("operated")))
        .collect();
    facilities.sort_by(|a, b| a.id.cmp(&b.id));
    facilities.dedup_by(|a, b| a.id == b.id);
    OrganizationDetail {
        id: id.to_owned(),
        corporate_number: facts_of(ctx, parts.members, Property::CorporateNumber)
            .first()
            .map(|f| f.value.clone()),
        name: parts.summary.name,
        names: parts.names,
        addresses: parts.addresses,
        status: parts.summary.status,
        facilities,
        actions: parts.actions,
        events: parts.events,
        links: parts.links,
        sources: parts.sources,
        citation: None,
    }
}
