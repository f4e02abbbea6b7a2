//! The watched records themselves: where an ID lives after merges, and the parts of its
//! read-model detail a feed needs.

use crate::pipeline::project::stored::{self, StoredRecordError};
use crate::store::{self, DbConnection, StoreError};
use mieru_web::model::{ActionSummary, DatedValue, EntityRef, Link};

/// The parts of a facility or organization record a feed needs.
pub(super) struct Watched {
    pub(super) entity: EntityRef,
    pub(super) names: Vec<DatedValue>,
    pub(super) actions: Vec<ActionSummary>,
    pub(super) links: Vec<Link>,
    /// Facilities an organization operates (their actions are news about it).
    pub(super) facilities: Vec<EntityRef>,
}

fn corrupt(e: StoredRecordError) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

/// The record of an entity (not merged away), from the read models.
pub(super) fn watched(conn: &mut DbConnection, id: &str) -> Result<Option<Watched>, StoreError> {
    let Some(view) = store::read_models::entity_view(conn, id)? else {
        return Ok(None);
    };
    if view.kind == "organization" {
        let d = stored::decode_organization(&view.detail).map_err(corrupt)?;
        Ok(Some(Watched {
            entity: EntityRef {
                id: d.id,
                entity: "organization".into(),
                name: d.name,
                role: None,
            },
            names: d.names,
            actions: d.actions,
            links: d.links,
            facilities: d.facilities,
        }))
    } else {
        let d = stored::decode_facility(&view.detail).map_err(corrupt)?;
        Ok(Some(Watched {
            entity: EntityRef {
                id: d.id,
                entity: d.kind,
                name: d.name,
                role: None,
            },
            names: d.names,
            actions: d.actions,
            links: d.links,
            facilities: Vec::new(),
        }))
    }
}

/// Where an ID lives now, following merges: (survivor, whether it was merged).
pub(super) fn follow(
    conn: &mut DbConnection,
    id: &str,
) -> Result<Option<(String, bool)>, StoreError> {
    let mut current = id.to_owned();
    for _ in 0..8 {
        match store::entities::get(conn, &current)? {
            None => return Ok(None),
            Some(e) => match e.merged_into {
                Some(next) => current = next,
                None => return Ok(Some((current.clone(), current != id))),
            },
        }
    }
    Ok(None)
}

/// IDs of the established (not merely possible) successors of a record.
pub(super) fn successor_ids(w: &Watched) -> Vec<String> {
    w.links
        .iter()
        .filter(|l| l.kind == "successor" && !l.other.id.is_empty())
        .map(|l| l.other.id.clone())
        .collect()
}
