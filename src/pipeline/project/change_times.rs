//! When each entity last changed, for the changes feed (`/api/v1/changes?since=`): the latest
//! time a fact of one of its member subjects was first seen, changed or retracted, or a
//! document stating one was removed. Exactly what the feed's change-driven reading finds
//! through the facts' own time indexes, so either reading gives the same entities.

use crate::pipeline::resolve::Resolution;
use chrono::NaiveDateTime;
use mieru_crawler::provenance::SubjectKind;
use std::collections::HashMap;

/// Entity ID → its last change. Plans are left out, as they have no stored members; the facts
/// are those of the store, before curation hides any from the projection.
pub fn last_changes(res: &Resolution) -> HashMap<String, NaiveDateTime> {
    let mut out: HashMap<String, NaiveDateTime> = HashMap::new();
    for (subject, id) in &res.entity_of {
        if res.entity_kind.get(id) == Some(&SubjectKind::Plan) {
            continue;
        }
        for f in res.set.of(subject) {
            let removed = res
                .set
                .documents
                .get(&f.document_id)
                .and_then(|d| d.removed_at);
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
            let entry = out.entry(id.to_string()).or_insert(latest);
            *entry = (*entry).max(latest);
        }
    }
    out
}
