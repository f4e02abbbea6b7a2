//! Renames: each change of the current name, first seen when the new name was.

use super::{About, Draft};
use crate::serve::watch::evidence::Evidence;
use crate::serve::watch::wording::{day, min_id};
use crate::store::models::FactRow;
use mieru_web::watch::WatchEntry;

pub(super) fn renames(about: &About, ev: &Evidence) -> Vec<WatchEntry> {
    let facts = ev.facts(about.id());
    let mut out = Vec::new();
    for pair in about.w.names.windows(2) {
        let [old, new] = pair else { continue };
        // The facts stating the new name (folded, as names are matched elsewhere).
        let key = mieru_text::normalize::fold(&new.value);
        let stating: Vec<&FactRow> = facts
            .iter()
            .filter(|f| f.property == "name" && mieru_text::normalize::fold(&f.value) == key)
            .collect();
        let seen = stating
            .iter()
            .map(|f| f.first_seen)
            .min()
            .unwrap_or(new.first_seen.naive_utc());
        let date = new.since.or(old.until);
        out.push(about.entry(Draft {
            key: format!("{}/renamed/{}/{}", about.id(), day(date), min_id(&stating)),
            kind: "renamed",
            date,
            seen,
            title: (
                format!("名称変更：{} → {}", old.value, new.value),
                format!("Renamed: {} → {}", old.value, new.value),
            ),
            summary: (
                format!("名称が「{}」から「{}」に変わりました", old.value, new.value),
                format!("The name changed from “{}” to “{}”", old.value, new.value),
            ),
            link: None,
            evidence: new.sources.clone(),
        }));
    }
    out
}
