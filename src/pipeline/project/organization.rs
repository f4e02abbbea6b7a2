//! The record of an organization (a corporation or other operator): names and addresses over
//! time, the facilities it operates, actions, links and its history.

use super::entities::{actions_for, address_timeline, facts_of, links_of, name_timeline};
use super::entity_events::common_events;
use super::summaries::summary_of;
use super::Context;
use mieru_crawler::provenance::Property;
use mieru_web::model::{ActionDetail, EntityRef, OrganizationDetail};
use std::collections::BTreeMap;

pub fn detail(
    ctx: &Context<'_>,
    id: &str,
    actions: &BTreeMap<String, ActionDetail>,
) -> OrganizationDetail {
    let members = ctx.members(id);
    let summary = summary_of(ctx, id, members);
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
