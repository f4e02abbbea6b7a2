//! Which records an entity's feed covers: the record itself, its successors (transitively,
//! since a corporation renamed and merged is still the one being watched) and, for an
//! organization, the facilities it operates.

use super::record::{follow, successor_ids, watched, Watched};
use crate::store::{DbConnection, StoreError};
use mieru_web::model::EntityRef;
use std::collections::BTreeSet;

/// Successor links followed at most this deep (a chain of renamed-and-merged corporations).
const MAX_SUCCESSOR_DEPTH: usize = 4;

/// Why a record other than the watched one is in the feed.
pub(super) const VIA_SUCCESSOR: &str = "successor";
pub(super) const VIA_FACILITY: &str = "facility";

pub(super) struct Coverage {
    /// The watched record first, then the others with why they are covered.
    pub(super) covered: Vec<(Watched, Option<&'static str>)>,
    pub(super) successors: Vec<EntityRef>,
}

impl Coverage {
    pub(super) fn of(conn: &mut DbConnection, w: Watched) -> Result<Self, StoreError> {
        let mut seen_ids: BTreeSet<String> = BTreeSet::from([w.entity.id.clone()]);
        let frontier = successor_ids(&w);
        let facility_ids: Vec<String> = w
            .facilities
            .iter()
            .map(|f| f.id.clone())
            .filter(|f| !f.is_empty())
            .collect();
        let mut cov = Coverage {
            covered: vec![(w, None)],
            successors: Vec::new(),
        };
        cov.add_successors(conn, frontier, &mut seen_ids)?;
        // Facilities already covered as successors are not added twice.
        for fid in facility_ids {
            if seen_ids.insert(fid.clone()) {
                if let Some(f) = watched(conn, &fid)? {
                    cov.covered.push((f, Some(VIA_FACILITY)));
                }
            }
        }
        Ok(cov)
    }

    /// Breadth-first along successor links, each survivor once.
    fn add_successors(
        &mut self,
        conn: &mut DbConnection,
        mut frontier: Vec<String>,
        seen_ids: &mut BTreeSet<String>,
    ) -> Result<(), StoreError> {
        for _ in 0..MAX_SUCCESSOR_DEPTH {
            let mut next = Vec::new();
            for sid in frontier {
                let Some((sid, _)) = follow(conn, &sid)? else {
                    continue;
                };
                if !seen_ids.insert(sid.clone()) {
                    continue;
                }
                if let Some(s) = watched(conn, &sid)? {
                    next.extend(successor_ids(&s));
                    self.successors.push(s.entity.clone());
                    self.covered.push((s, Some(VIA_SUCCESSOR)));
                }
            }
            if next.is_empty() {
                break;
            }
            frontier = next;
        }
        Ok(())
    }

    pub(super) fn ids(&self) -> Vec<String> {
        self.covered
            .iter()
            .map(|(w, _)| w.entity.id.clone())
            .collect()
    }
}
