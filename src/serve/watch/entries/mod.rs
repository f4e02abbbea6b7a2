//! The entries of one watched entity, one submodule per kind of news. Each kind decides
//! its own key, dates and wording; `About` fills in what every entry of the entity shares.

mod actions;
mod closures;
mod documents;
mod renames;
mod successors;

use super::evidence::Evidence;
use super::record::Watched;
use crate::store::{DbConnection, StoreError};
use chrono::{NaiveDate, NaiveDateTime};
use mieru_web::model::{EntityRef, SourceRef};
use mieru_web::watch::WatchEntry;

/// Entries of one entity (`via` says why it is in this feed). With `only_actions`, just its
/// actions and closures (what an organization's facilities contribute to its feed).
pub(super) fn entity_entries(
    conn: &mut DbConnection,
    w: &Watched,
    via: Option<&str>,
    ev: &Evidence,
    only_actions: bool,
) -> Result<Vec<WatchEntry>, StoreError> {
    let about = About { w, via };
    // The order of kinds is kept as is: entries with equal time and key are deduplicated
    // first-come in `finish`.
    let mut out = actions::new_actions(conn, &about)?;
    out.extend(closures::closures(&about, ev));
    if only_actions {
        return Ok(out);
    }
    out.extend(renames::renames(&about, ev));
    out.extend(successors::successors(conn, &about, ev)?);
    out.extend(documents::document_changes(&about, ev));
    Ok(out)
}

/// The entity the entries are about, and why it is in the feed.
struct About<'a> {
    w: &'a Watched,
    via: Option<&'a str>,
}

impl About<'_> {
    fn id(&self) -> &str {
        &self.w.entity.id
    }

    fn name(&self) -> &str {
        &self.w.entity.name
    }

    fn entry(&self, d: Draft) -> WatchEntry {
        let (title_ja, title_en) = d.title;
        let (summary_ja, summary_en) = d.summary;
        WatchEntry {
            key: d.key,
            kind: d.kind.to_owned(),
            date: d.date,
            seen_at: d.seen.and_utc(),
            title_ja,
            title_en,
            summary_ja,
            summary_en,
            about: self.w.entity.clone(),
            via: self.via.map(str::to_owned),
            link: d.link,
            evidence: d.evidence,
        }
    }
}

/// What a kind of entry decides; `About::entry` completes it.
struct Draft {
    key: String,
    kind: &'static str,
    date: Option<NaiveDate>,
    seen: NaiveDateTime,
    /// (Japanese, English)
    title: (String, String),
    /// (Japanese, English)
    summary: (String, String),
    link: Option<EntityRef>,
    evidence: Vec<SourceRef>,
}
