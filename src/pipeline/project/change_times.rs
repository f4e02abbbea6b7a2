//! When each entity last changed, for the changes feed (`/api/v1/changes?since=`): the latest
//! time a fact of one of its member subjects was first seen, changed or retracted, or a
//! document stating one was removed. Exactly what the feed's change-driven reading finds
//! through the facts' own time indexes, so either reading gives the same entities.

use crate::pipeline::resolve::facts::FactSet;
use crate::pipeline::resolve::Resolution;
use chrono::NaiveDateTime;
use mieru_crawler::provenance::SubjectKind;
use std::collections::HashMap;

/// Entity ID → its last change. Plans are left out, as they have no stored members; the facts
/// are those of the store, before curation hides any from the projection.
pub fn last_changes(res: &Resolution) -> HashMap<String, NaiveDateTime> {
    let mut out: HashMap<String, NaiveDateTime> = HashMap::new();
    for (id, members) in &res.members {
        if res.entity_kind.get(id) == Some(&SubjectKind::Plan) {
            continue;
        }
        if let Some(latest) = last_change_of(&res.set, members) {
            out.insert(id.to_string(), latest);
        }
    }
    out
}

/// The last change of an entity with these member subjects; `None` when no fact states them.
pub fn last_change_of(set: &FactSet, members: &[String]) -> Option<NaiveDateTime> {
    let mut out: Option<NaiveDateTime> = None;
    for f in members.iter().flat_map(|s| set.of(s)) {
        let removed = set.documents.get(&f.document_id).and_then(|d| d.removed_at);
        let latest = [
            Some(f.first_seen),
            Some(f.last_changed),
            f.retracted_at,
            removed,
        ]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(f.first_seen);
        out = out.max(Some(latest));
    }
    out
}
