//! Historical records (`?version=N` of an older data version) are projected from the facts
//! known then: expensive, and the same permalink is followed again and again. Results are kept
//! per (id, version) in a bounded cache, since a version never changes once built; and at most
//! a few projections run at once, so a burst of old permalinks answers 503 with `Retry-After`
//! instead of exhausting memory and the database pool.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

/// Records kept (each a few kilobytes of JSON).
pub const CAPACITY: usize = 512;
/// Historical projections allowed at once.
pub const MAX_CONCURRENT: usize = 2;

type Key = (String, i64);

#[derive(Default)]
struct Entries {
    values: HashMap<Key, Option<serde_json::Value>>,
    /// Insertion order, oldest first: the first out when full.
    order: VecDeque<Key>,
}

pub struct HistoryCache {
    entries: Mutex<Entries>,
    running: Mutex<usize>,
    capacity: usize,
    max_concurrent: usize,
}

impl Default for HistoryCache {
    fn default() -> Self {
        Self::new(CAPACITY, MAX_CONCURRENT)
    }
}

/// The projection slots are full: try again shortly.
#[derive(Debug, PartialEq, Eq)]
pub struct Busy;

/// A held projection slot, given back when dropped.
pub struct Slot<'a>(&'a HistoryCache);

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        let mut running = self.0.running.lock().unwrap_or_else(|p| p.into_inner());
        *running = running.saturating_sub(1);
    }
}

impl HistoryCache {
    pub fn new(capacity: usize, max_concurrent: usize) -> Self {
        Self {
            entries: Mutex::new(Entries::default()),
            running: Mutex::new(0),
            capacity: capacity.max(1),
            max_concurrent: max_concurrent.max(1),
        }
    }

    /// The cached record of `id` at `version`: `Some(None)` when it is known that the entity
    /// did not exist then, `None` when not cached.
    pub fn get(&self, id: &str, version: i64) -> Option<Option<serde_json::Value>> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.values.get(&(id.to_owned(), version)).cloned()
    }

    pub fn put(&self, id: &str, version: i64, record: Option<serde_json::Value>) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let key = (id.to_owned(), version);
        if entries.values.insert(key.clone(), record).is_none() {
            entries.order.push_back(key);
        }
        while entries.order.len() > self.capacity {
            if let Some(old) = entries.order.pop_front() {
                entries.values.remove(&old);
            }
        }
    }

    /// A projection slot, or [`Busy`] when all are taken (never waits).
    pub fn try_slot(&self) -> Result<Slot<'_>, Busy> {
        let mut running = self.running.lock().unwrap_or_else(|p| p.into_inner());
        if *running >= self.max_concurrent {
            return Err(Busy);
        }
        *running += 1;
        Ok(Slot(self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_and_keyed_by_id_and_version() {
        let c = HistoryCache::new(2, 1);
        c.put("F1", 1, Some(serde_json::json!({"a": 1})));
        c.put("F1", 2, None);
        assert_eq!(c.get("F1", 1), Some(Some(serde_json::json!({"a": 1}))));
        assert_eq!(c.get("F1", 2), Some(None));
        c.put("F2", 1, None);
        assert_eq!(c.get("F1", 1), None, "the oldest went first");
        assert_eq!(c.get("F2", 1), Some(None));
    }

    #[test]
    fn slots_are_bounded_and_given_back() {
        let c = HistoryCache::new(4, 2);
        let a = c.try_slot().unwrap();
        let _b = c.try_slot().unwrap();
        assert!(c.try_slot().is_err());
        drop(a);
        assert!(c.try_slot().is_ok());
    }
}
