//! Stable mieru IDs. A cluster keeps the ID its members had before; when clusters merge, the
//! oldest ID survives and the others redirect to it; when one splits, the part holding most
//! of the old members keeps the ID and the rest get new ones. IDs are never reused.

use crate::store::{self, DbConnection, StoreError};
use mieru_crawler::provenance::SubjectKind;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The published ID of a record: a mieru ID (`F000123`, `O000045`, `A000007` …) or, for a
/// plan, its plan number. Resolution hands these out and never reuses one; keeping them a
/// type of their own keeps them apart from the subject keys they are assigned to, which are
/// strings too.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EntityId(String);

impl EntityId {
    /// The `n`th ID of a prefix (`F`, `O` …), as [`store::entities::reserve_ids`] counts.
    fn numbered(prefix: &str, n: i64) -> Self {
        Self(format!("{prefix}{n:06}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl From<String> for EntityId {
    /// An ID read back from the store or named by a plan number.
    fn from(id: String) -> Self {
        Self(id)
    }
}

impl From<&str> for EntityId {
    fn from(id: &str) -> Self {
        Self(id.to_owned())
    }
}

impl std::ops::Deref for EntityId {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for EntityId {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for EntityId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for EntityId {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for EntityId {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

pub struct Assignment {
    /// (prefix, next free number) of the counters the new IDs came from: stored with them.
    pub counters: Vec<(String, i64)>,
    /// One (ID, kind) per input cluster, in input order.
    pub ids: Vec<(EntityId, SubjectKind)>,
    pub redirects: BTreeMap<EntityId, EntityId>,
}

pub fn prefix(kind: SubjectKind) -> &'static str {
    match kind {
        SubjectKind::Facility => "F",
        SubjectKind::Cpc => "C",
        SubjectKind::Organization => "O",
        SubjectKind::Action => "A",
        SubjectKind::Plan => "P",
        SubjectKind::Person => "H",
        SubjectKind::Committee => "K",
    }
}

/// Orders IDs by age: the counter value (F000012 is older than F000120).
fn age(id: &str) -> (u64, String) {
    let n = id
        .chars()
        .skip(1)
        .collect::<String>()
        .parse()
        .unwrap_or(u64::MAX);
    (n, id.to_owned())
}

pub fn assign(
    conn: &mut DbConnection,
    clusters: &[Vec<String>],
    kinds: &[SubjectKind],
    previous: &HashMap<String, String>,
    previously_merged: &[(String, String)],
) -> Result<Assignment, StoreError> {
    let merged: HashMap<&str, &str> = previously_merged
        .iter()
        .map(|(id, into)| (id.as_str(), into.as_str()))
        .collect();
    // Old IDs each cluster's members carried, with how many members carried each.
    let mut claims: BTreeMap<String, Vec<(usize, usize)>> = BTreeMap::new();
    let mut old_ids: Vec<BTreeMap<String, usize>> = Vec::with_capacity(clusters.len());
    for (c, members) in clusters.iter().enumerate() {
        let mut ids: BTreeMap<String, usize> = BTreeMap::new();
        for s in members {
            if let Some(id) = previous.get(s) {
                let mut id = id.as_str();
                // follow redirects of earlier merges
                for _ in 0..8 {
                    match merged.get(id) {
                        Some(next) => id = next,
                        None => break,
                    }
                }
                *ids.entry(id.to_owned()).or_default() += 1;
            }
        }
        for (id, n) in &ids {
            claims.entry(id.clone()).or_default().push((c, *n));
        }
        old_ids.push(ids);
    }
    // Each old ID goes to the cluster holding most of its members (ties: the earlier cluster).
    let mut winner_of: HashMap<String, usize> = HashMap::new();
    for (id, list) in &claims {
        if let Some(&(c, _)) = list.iter().max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0))) {
            winner_of.insert(id.clone(), c);
        }
    }
    let mut ids: Vec<Option<EntityId>> = vec![None; clusters.len()];
    let mut redirects = BTreeMap::new();
    for (c, held) in old_ids.iter().enumerate() {
        let mut won: Vec<&String> = held
            .keys()
            .filter(|id| winner_of.get(*id) == Some(&c))
            .collect();
        won.sort_by_key(|id| age(id));
        if let Some((keep, rest)) = won.split_first() {
            if let Some(slot) = ids.get_mut(c) {
                *slot = Some(EntityId::from(keep.as_str()));
            }
            for r in rest {
                redirects.insert(EntityId::from(r.as_str()), EntityId::from(keep.as_str()));
            }
        }
    }
    // New IDs for clusters without one, reserved in one step per prefix.
    let mut need: BTreeMap<&'static str, Vec<usize>> = BTreeMap::new();
    let mut counters = Vec::new();
    for (c, id) in ids.iter().enumerate() {
        if id.is_none() {
            let kind = kinds.get(c).copied().unwrap_or(SubjectKind::Facility);
            need.entry(prefix(kind)).or_default().push(c);
        }
    }
    for (p, list) in need {
        // Numbered from the counter, which is advanced only when the entities are stored.
        let first = store::entities::next_id(conn, p)?;
        counters.push((
            p.to_owned(),
            first + i64::try_from(list.len()).unwrap_or(i64::MAX),
        ));
        for (offset, c) in list.into_iter().enumerate() {
            if let Some(slot) = ids.get_mut(c) {
                *slot = Some(EntityId::numbered(
                    p,
                    first + i64::try_from(offset).unwrap_or(0),
                ));
            }
        }
    }
    let used: BTreeSet<&EntityId> = ids.iter().flatten().collect();
    redirects.retain(|old, _| !used.contains(old));
    Ok(Assignment {
        ids: ids
            .into_iter()
            .zip(kinds.iter())
            .map(|(id, k)| (id.unwrap_or_default(), *k))
            .collect(),
        redirects,
        counters,
    })
}
