//! What projecting one record reads, gathered from the store by index instead of loading every
//! fact: a historical version (`?version=N`) of a facility page must cost that facility's share
//! of the database, not the whole of it (at 10,000 facilities a full load took 5–9 s and
//! ~1 GB per request).
//!
//! A record's projection reads its members' facts; the actions, plans and facilities that
//! refer to it (an order's target, a plan's provider, a corporation's facilities) and what
//! those refer to in turn (an order's other targets, a plan's CPC and committee, an action
//! concerning a plan), for their names; and the entities it is linked with. So the
//! neighbourhood is gathered in hops: each hop loads the facts of the subjects reached, follows
//! their references outwards, follows references inwards only from the record itself and from
//! the plans and actions next to it (a committee or a CPC is referred to by thousands of plans
//! that no page of a clinic shows), and always takes whole entities. A test projects every
//! record from its neighbourhood and from the whole fact set and requires the same JSON.

use crate::store::models::{DocumentRow, FactRow, LinkRow, SnapshotRow};
use crate::store::{self, DbConnection, StoreError};
use mieru_crawler::provenance::{Property, SubjectKind};
use std::collections::{BTreeMap, BTreeSet};

/// Hops of references followed from the record's own members.
const HOPS: usize = 2;

/// Subjects beyond which a neighbourhood is not worth gathering piecemeal: the caller loads
/// everything instead (the same answer, at the old cost).
pub const MAX_SUBJECTS: usize = 20_000;

/// The stored material a projection is built from: facts with their documents and snapshots,
/// who belongs to which entity, the kinds of those entities, and links between them.
#[derive(Debug, Clone, Default)]
pub struct Material {
    pub facts: Vec<FactRow>,
    pub documents: Vec<DocumentRow>,
    pub snapshots: Vec<SnapshotRow>,
    /// (subject, entity ID).
    pub memberships: Vec<(String, String)>,
    /// (entity ID, kind).
    pub kinds: Vec<(String, String)>,
    pub links: Vec<LinkRow>,
}

/// What [`gather`] found.
#[derive(Debug)]
pub enum Gathered {
    /// No entity has this ID.
    Unknown,
    Neighbourhood(Material),
    /// More than [`MAX_SUBJECTS`] subjects are reachable.
    TooLarge,
}

/// The neighbourhood of entity `id`.
pub fn gather(conn: &mut DbConnection, id: &str) -> Result<Gathered, StoreError> {
    let seed = store::entities::members_of(conn, id)?;
    if seed.is_empty() {
        return Ok(Gathered::Unknown);
    }
    let links = store::entities::links_of(conn, id)?;
    let mut memberships: BTreeMap<String, String> =
        seed.iter().map(|s| (s.clone(), id.to_owned())).collect();
    let mut entity_ids: BTreeSet<String> = BTreeSet::from([id.to_owned()]);
    let mut subjects: BTreeSet<String> = seed.iter().cloned().collect();
    let mut facts: BTreeMap<i64, FactRow> = BTreeMap::new();
    let mut frontier = seed;
    for hop in 0..=HOPS {
        let own = store::facts::of_subjects(conn, &frontier)?;
        if hop == HOPS {
            facts.extend(own.into_iter().map(|f| (f.id, f)));
            break;
        }
        let mut reached: BTreeSet<String> = own
            .iter()
            .filter(|f| Property::parse(&f.property).is_some_and(Property::is_reference))
            .map(|f| f.value.clone())
            .collect();
        let inwards: Vec<String> = frontier
            .iter()
            .filter(|s| follows_referrers(hop, s))
            .cloned()
            .collect();
        reached.extend(
            store::facts::referring_to(conn, &inwards)?
                .into_iter()
                .map(|f| f.subject),
        );
        facts.extend(own.into_iter().map(|f| (f.id, f)));

        // Whole entities: every member of an entity any reached subject belongs to.
        let reached: Vec<String> = reached
            .into_iter()
            .filter(|s| !subjects.contains(s))
            .collect();
        let mut new_entities: BTreeSet<String> = BTreeSet::new();
        if hop == 0 {
            for l in &links {
                let other = if l.from_id == id {
                    &l.to_id
                } else {
                    &l.from_id
                };
                if entity_ids.insert(other.clone()) {
                    new_entities.insert(other.clone());
                }
            }
        }
        for (_, entity) in store::entities::memberships_of_subjects(conn, &reached)? {
            if entity_ids.insert(entity.clone()) {
                new_entities.insert(entity);
            }
        }
        let mut next: BTreeSet<String> = reached.into_iter().collect();
        let new_entities: Vec<String> = new_entities.into_iter().collect();
        for (subject, entity) in store::entities::members_of_many(conn, &new_entities)? {
            next.insert(subject.clone());
            memberships.insert(subject, entity);
        }
        next.retain(|s| !subjects.contains(s));
        subjects.extend(next.iter().cloned());
        if subjects.len() > MAX_SUBJECTS {
            return Ok(Gathered::TooLarge);
        }
        frontier = next.into_iter().collect();
    }
    let facts: Vec<FactRow> = facts.into_values().collect();
    let (documents, snapshots) = store::documents::sources_of(conn, &facts)?;
    let entity_ids: Vec<String> = entity_ids.into_iter().collect();
    let mut kinds = Vec::new();
    for chunk in entity_ids.chunks(500) {
        kinds.extend(
            store::read_models::entities_by_ids(conn, chunk)?
                .into_iter()
                .map(|e| (e.id, e.kind)),
        );
    }
    Ok(Gathered::Neighbourhood(Material {
        documents,
        snapshots,
        facts,
        memberships: memberships.into_iter().collect(),
        kinds,
        links,
    }))
}

/// Everything in the store: the reference every neighbourhood must agree with, and the
/// fallback when one is too large.
pub fn everything(conn: &mut DbConnection) -> Result<Material, StoreError> {
    Ok(Material {
        facts: store::facts::all(conn)?,
        documents: store::documents::all(conn)?,
        snapshots: store::documents::all_snapshots(conn)?
            .into_iter()
            .map(|(s, _)| s)
            .collect(),
        memberships: store::entities::members(conn)?.into_iter().collect(),
        kinds: store::entities::all(conn)?
            .into_iter()
            .map(|e| (e.id, e.kind))
            .collect(),
        links: store::entities::all_links(conn)?,
    })
}

/// Whether the subjects that refer to `subject` are part of the neighbourhood at `hop`: all of
/// them for the record itself; for the plans and actions next to it, the actions concerning
/// them; never for the hubs further out.
fn follows_referrers(hop: usize, subject: &str) -> bool {
    match hop {
        0 => true,
        1 => matches!(
            crate::pipeline::resolve::facts::FactSet::kind_of(subject),
            Some(SubjectKind::Plan | SubjectKind::Action)
        ),
        _ => false,
    }
}
