//! Watch feeds (the domain side of `mieru_web::watch`): what happened to a facility, an
//! organization or every record of a prefecture, each entry with its trigger, its evidence,
//! a stable key and the time mieru first saw it.
//!
//! What happened comes from the projected records (names over time, actions, links); when
//! it was first seen and which facts state it come from the facts themselves, so entry keys
//! and times do not move when the read models are rebuilt. Source edits and removals come
//! from the documents and their snapshots, restricted to the facts about the entity: an edit
//! of a list row of another clinic is not news about this one.
//!
//! Layout: `record` reads the watched records, `coverage` decides which records a feed
//! spans, `evidence` loads the facts behind them, `entries` turns each record into entries
//! (with `wording` for shared key and sentence pieces); this module assembles the feeds.
//!
//! May depend on: `store`, `pipeline::project` (labels and history events) and `mieru-web`'s
//! watch and model types. Must not depend on: `serve::registry` (which calls it) or `app`.

mod coverage;
mod entries;
mod evidence;
mod record;
mod wording;

use crate::store::{self, DbConnection, StoreError};
use coverage::{Coverage, VIA_FACILITY};
use entries::entity_entries;
use evidence::Evidence;
use mieru_web::model::Lookup;
use mieru_web::watch::{WatchEntry, WatchFeed, WatchScope, MAX_ENTRIES};
use record::{follow, watched};
use std::collections::BTreeSet;

/// The feed of a scope. A merged ID answers with its survivor's feed (`merged_from` set).
pub fn feed(conn: &mut DbConnection, scope: &WatchScope) -> Result<Lookup<WatchFeed>, StoreError> {
    match scope {
        WatchScope::Facility(id) => entity_feed(conn, id, false),
        WatchScope::Organization(id) => entity_feed(conn, id, true),
        WatchScope::Prefecture(name) => prefecture_feed(conn, name),
    }
}

fn entity_feed(
    conn: &mut DbConnection,
    id: &str,
    organization: bool,
) -> Result<Lookup<WatchFeed>, StoreError> {
    let Some((survivor, merged)) = follow(conn, id)? else {
        return Ok(Lookup::NotFound);
    };
    let Some(w) = watched(conn, &survivor)? else {
        return Ok(Lookup::NotFound);
    };
    if (w.entity.entity == "organization") != organization {
        return Ok(Lookup::NotFound);
    }
    let coverage = Coverage::of(conn, w)?;
    let ev = Evidence::load(conn, &coverage.ids())?;
    let Coverage {
        covered,
        successors,
    } = coverage;
    let mut entries = Vec::new();
    for (w, via) in &covered {
        // An organization's facilities contribute their actions and closures only.
        let only_actions = *via == Some(VIA_FACILITY);
        entries.extend(entity_entries(conn, w, *via, &ev, only_actions)?);
    }
    let Some((main, _)) = covered.first() else {
        return Ok(Lookup::NotFound);
    };
    Ok(Lookup::Found(WatchFeed {
        subject: Some(main.entity.clone()),
        title: main.entity.name.clone(),
        merged_from: merged.then(|| id.to_owned()),
        successors,
        entries: finish(entries, true),
    }))
}

fn prefecture_feed(conn: &mut DbConnection, name: &str) -> Result<Lookup<WatchFeed>, StoreError> {
    prefecture_feed_paged(conn, name, PREFECTURE_PAGE)
}

/// Records a prefecture feed reads at a time.
const PREFECTURE_PAGE: i64 = 64;

/// A prefecture's feed, reading its records `page` at a time: first every record whose feed
/// bound is not known, then the others newest bound first (`watch_activity`), until no record
/// left can carry an entry among the newest [`MAX_ENTRIES`]. The result does not depend on
/// `page` (public for the test that proves it); its work follows the entries shown, not the
/// size of the prefecture.
pub fn prefecture_feed_paged(
    conn: &mut DbConnection,
    name: &str,
    page: i64,
) -> Result<Lookup<WatchFeed>, StoreError> {
    if !mieru_text::address::PREFECTURES.contains(&name) {
        return Ok(Lookup::NotFound);
    }
    let unknown = store::read_models::watch_activity_unknown(conn, name)?;
    let mut entries = records_entries(conn, &unknown)?;
    let mut after: Option<(chrono::NaiveDateTime, String)> = None;
    loop {
        let rows = store::read_models::watch_activity_page(
            conn,
            name,
            after.as_ref().map(|(t, id)| (*t, id.as_str())),
            page.max(1),
        )?;
        let Some((next_id, next_bound)) = rows.first() else {
            break;
        };
        if settled(&entries, *next_bound, next_id) {
            break;
        }
        let ids: Vec<String> = rows.iter().map(|(id, _)| id.clone()).collect();
        entries.extend(records_entries(conn, &ids)?);
        after = rows.last().map(|(id, t)| (*t, id.clone()));
    }
    Ok(Lookup::Found(WatchFeed {
        subject: None,
        title: name.to_owned(),
        merged_from: None,
        successors: Vec::new(),
        entries: finish(entries, true),
    }))
}

/// The entries of several records (of a prefecture feed), their evidence loaded at once.
fn records_entries(conn: &mut DbConnection, ids: &[String]) -> Result<Vec<WatchEntry>, StoreError> {
    let ev = Evidence::load(conn, ids)?;
    let mut entries = Vec::new();
    for id in ids {
        if let Some(w) = watched(conn, id)? {
            entries.extend(entity_entries(conn, &w, None, &ev, false)?);
        }
    }
    Ok(entries)
}

/// Whether the feed's entries are final: the newest [`MAX_ENTRIES`] are all there, and a
/// record whose entries are no later than `bound` (and whose keys start with its ID) cannot
/// sort before the last of them; nor can any record after it in feed order (a bound no later,
/// and a greater ID within the same bound).
fn settled(entries: &[WatchEntry], bound: chrono::NaiveDateTime, next_id: &str) -> bool {
    let shown = ordered(entries.to_vec(), true);
    let Some(last) = shown.get(MAX_ENTRIES - 1) else {
        return false;
    };
    let last_seen = last.seen_at.naive_utc();
    bound < last_seen || (bound == last_seen && last.key.as_str() < next_id)
}

/// Newest first; one entry per key (an action on two facilities of a prefecture once); at
/// most [`MAX_ENTRIES`].
fn finish(entries: Vec<WatchEntry>, dedupe_actions: bool) -> Vec<WatchEntry> {
    let mut entries = ordered(entries, dedupe_actions);
    entries.truncate(MAX_ENTRIES);
    entries
}

/// [`finish`] without the cut.
fn ordered(mut entries: Vec<WatchEntry>, dedupe_actions: bool) -> Vec<WatchEntry> {
    entries.sort_by(|a, b| b.seen_at.cmp(&a.seen_at).then(a.key.cmp(&b.key)));
    let mut keys = BTreeSet::new();
    let mut actions = BTreeSet::new();
    entries.retain(|e| {
        if dedupe_actions && e.kind == "new_action" {
            if let Some(l) = &e.link {
                if !actions.insert(l.id.clone()) {
                    return false;
                }
            }
        }
        keys.insert(e.key.clone())
    });
    entries
}
