//! What a watch feed is, as the registry answers it ([`crate::registry::Registry::watch_feed`]):
//! one feed per facility, organization and prefecture. A feed keeps following its entity: an
//! ID merged into another answers with the survivor's feed (`merged_from` set), and entries of
//! successor entities are included, marked as such.
//!
//! Each entry says what triggered it and carries its evidence; its `key` is built from the
//! registry's stable key (entity ID, event kind, date, fact IDs), so a reader never sees one
//! event twice. The Atom rendering and the handlers are in [`crate::feed::watch`].

use chrono::{DateTime, NaiveDate, Utc};

use crate::model::{EntityRef, SourceRef};

/// Entries a feed carries at most (the newest first seen).
pub const MAX_ENTRIES: usize = 100;

/// What is watched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WatchScope {
    /// A facility or CPC by its mieru ID (merged IDs are followed).
    Facility(String),
    /// An organization by its mieru ID (merged IDs are followed).
    Organization(String),
    /// Every facility, CPC and organization of a prefecture, by its name (`東京都`).
    Prefecture(String),
}

/// A watch feed's content, newest entries first.
#[derive(Debug, Clone, PartialEq)]
pub struct WatchFeed {
    /// The entity watched (after following merges); `None` for a prefecture.
    pub subject: Option<EntityRef>,
    /// Its current name, or the prefecture.
    pub title: String,
    /// Set when the ID asked for was merged into `subject`.
    pub merged_from: Option<String>,
    /// Successor entities whose entries are included.
    pub successors: Vec<EntityRef>,
    pub entries: Vec<WatchEntry>,
}

/// One thing that happened, with what triggered it.
#[derive(Debug, Clone, PartialEq)]
pub struct WatchEntry {
    /// Stable key (ASCII: entity ID / kind / date / fact IDs); the entry's `tag:` URI.
    pub key: String,
    /// `new_action`, `renamed`, `closed`, `possible_successor`, `successor`,
    /// `document_edited`, `document_removed`.
    pub kind: String,
    /// The date the sources give the event, if any.
    pub date: Option<NaiveDate>,
    /// When mieru first saw it (the Atom `updated`).
    pub seen_at: DateTime<Utc>,
    pub title_ja: String,
    pub title_en: String,
    pub summary_ja: String,
    pub summary_en: String,
    /// The entity the entry concerns.
    pub about: EntityRef,
    /// Why an entry of another entity is in this feed: `successor` (a successor of the
    /// watched entity), `facility` (a facility the watched organization operates); `None`
    /// for the watched entity itself.
    pub via: Option<String>,
    /// The page the entry points to (the action, the other entity …); defaults to `about`.
    pub link: Option<EntityRef>,
    pub evidence: Vec<SourceRef>,
}
