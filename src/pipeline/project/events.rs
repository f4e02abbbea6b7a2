//! Event rows: the timeline of an entity as stored for paging and feeds.

use crate::store::models::EventRow;
use mieru_web::model::Event;

/// The stored timeline rows of one history (also used by `mieru import`).
pub fn rows(entity_id: &str, events: &[Event]) -> Vec<EventRow> {
    events
        .iter()
        .enumerate()
        .map(|(i, e)| EventRow {
            id: 0,
            entity_id: entity_id.to_owned(),
            event_date: e.date,
            kind: e.kind.clone(),
            summary_ja: e.summary_ja.clone(),
            summary_en: e.summary_en.clone(),
            related_id: e
                .subject
                .as_ref()
                .map(|s| s.id.clone())
                .filter(|s| !s.is_empty()),
            fact_ids: serde_json::to_string(
                &e.sources
                    .iter()
                    .map(|s| s.sha256.as_str())
                    .collect::<Vec<_>>(),
            )
            .unwrap_or_else(|_| "[]".into()),
            position: i32::try_from(i).unwrap_or(i32::MAX),
        })
        .collect()
}
