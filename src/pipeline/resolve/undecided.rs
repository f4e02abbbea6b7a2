//! Facilities of one prefecture that resolution kept apart but that a person may well judge
//! one — the undecided pairs of a real list. They become `possible_same` links with their
//! evidence, for a curator; never merges.
//!
//! Two shapes: the same name where the rows cannot be placed together (no operator on one
//! side, or two street addresses), and a name that is another's without its branch or place
//! word (`高須クリニック` / `高須クリニック栄院`). A different operator on each side is taken as two
//! facilities and not linked.

use super::cluster::{EvidenceItem, Relation};
use super::kinds::{LinkKind, Origin};
use super::relations::RelationInput;
use mieru_crawler::provenance::{Property, SubjectKind};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Shortest name key that may stand for a facility: `歯科` or `クリニック` alone says nothing.
const MIN_NAME: usize = 4;
/// A name that is the start or end of more names than this in one prefecture is a chain's
/// word (`○○クリニック` with twenty branches), not one facility written without its branch.
const MAX_CONTAINING_NAMES: usize = 3;
/// More clusters than this under one name in one prefecture: a common name, not a split.
const MAX_SAME_NAME: usize = 8;
const CONFIDENCE: f64 = 0.4;

#[derive(Default)]
struct ClusterInfo {
    names: BTreeSet<String>,
    prefectures: BTreeSet<String>,
    /// Name keys of the operators its rows name (a list's operators are rows of their own,
    /// one per plan, so their clusters do not tell two corporations apart).
    operators: BTreeSet<String>,
    subject: String,
}

/// prefecture → name key → clusters
type NamesByPrefecture<'a> = HashMap<&'a str, HashMap<&'a str, BTreeSet<usize>>>;

pub(super) fn undecided_spellings(
    input: &RelationInput<'_>,
    out: &mut BTreeMap<(usize, usize, LinkKind), Relation>,
) {
    let info = facility_clusters(input);
    let by_name = names_by_prefecture(&info);
    let mut link = |a: usize, b: usize, kind: &str, detail: String| {
        let (Some(ca), Some(cb)) = (info.get(&a), info.get(&b)) else {
            return;
        };
        let operators_differ = !ca.operators.is_empty()
            && !cb.operators.is_empty()
            && ca.operators.is_disjoint(&cb.operators);
        if a == b || operators_differ {
            return;
        }
        let (a, b) = (a.min(b), a.max(b));
        out.entry((a, b, LinkKind::PossibleSame))
            .or_insert(Relation {
                from: a,
                to: b,
                kind: LinkKind::PossibleSame,
                confidence: CONFIDENCE,
                origin: Origin::Score,
                evidence: vec![EvidenceItem {
                    kind: kind.into(),
                    detail,
                    subjects: vec![ca.subject.clone(), cb.subject.clone()],
                }],
            });
    };
    for (pref, names) in &by_name {
        for (name, clusters) in names {
            if !(2..=MAX_SAME_NAME).contains(&clusters.len()) {
                continue;
            }
            let list: Vec<usize> = clusters.iter().copied().collect();
            for (i, &a) in list.iter().enumerate() {
                for &b in list.iter().skip(i + 1) {
                    link(
                        a,
                        b,
                        "name",
                        format!("{pref}に同名の施設（同一と判断できる記載なし） — same name {name} in {pref}, not enough to tell whether one facility"),
                    );
                }
            }
        }
    }
    for ((pref, short), longer) in contained_names(&by_name) {
        if longer.len() > MAX_CONTAINING_NAMES {
            continue;
        }
        let Some(names) = by_name.get(pref) else {
            continue;
        };
        let short_clusters = names.get(short).cloned().unwrap_or_default();
        for name in longer {
            for &long_cluster in names.get(name).into_iter().flatten() {
                for &short_cluster in &short_clusters {
                    link(
                        short_cluster,
                        long_cluster,
                        "name_contained",
                        format!("{pref}で名称の一方が他方を含む（支店名・地名の有無） — in {pref}, {short} is {name} without its branch or place word"),
                    );
                }
            }
        }
    }
}

/// Names, prefectures and operators of each facility cluster.
fn facility_clusters(input: &RelationInput<'_>) -> BTreeMap<usize, ClusterInfo> {
    let mut info: BTreeMap<usize, ClusterInfo> = BTreeMap::new();
    for (f, &cluster) in input.features.iter().zip(input.cluster_of) {
        if f.kind != Some(SubjectKind::Facility) {
            continue;
        }
        let c = info.entry(cluster).or_default();
        c.names.extend(f.current_name_keys.iter().cloned());
        c.prefectures.extend(f.prefectures.iter().cloned());
        c.operators.extend(
            f.operators
                .iter()
                .filter_map(|o| input.set.first_value(o, Property::Name))
                .map(mieru_text::corporate::name_key)
                .filter(|k| !k.is_empty()),
        );
        if c.subject.is_empty() {
            c.subject = f.subject.clone();
        }
    }
    info
}

/// Clusters by (prefecture, name key), for clusters in exactly one prefecture.
fn names_by_prefecture(info: &BTreeMap<usize, ClusterInfo>) -> NamesByPrefecture<'_> {
    let mut by_name: NamesByPrefecture<'_> = HashMap::new();
    for (&cid, c) in info {
        let [pref] = c.prefectures.iter().collect::<Vec<_>>()[..] else {
            continue;
        };
        for n in c.names.iter().filter(|n| n.chars().count() >= MIN_NAME) {
            by_name
                .entry(pref.as_str())
                .or_default()
                .entry(n.as_str())
                .or_default()
                .insert(cid);
        }
    }
    by_name
}

/// (prefecture, name) → the longer names of that prefecture that start or end with it, found
/// by looking up each name's prefixes and suffixes: the cost is per name, not per pair.
fn contained_names<'a>(
    by_name: &NamesByPrefecture<'a>,
) -> BTreeMap<(&'a str, &'a str), BTreeSet<&'a str>> {
    let mut longer: BTreeMap<(&str, &str), BTreeSet<&str>> = BTreeMap::new();
    for (&pref, names) in by_name {
        for &name in names.keys() {
            let chars: Vec<char> = name.chars().collect();
            for cut in MIN_NAME..chars.len() {
                let head: String = chars.iter().take(cut).collect();
                let tail: String = chars.iter().skip(chars.len() - cut).collect();
                for part in [head, tail] {
                    if let Some((&short, _)) = names.get_key_value(part.as_str()) {
                        longer.entry((pref, short)).or_default().insert(name);
                    }
                }
            }
        }
    }
    longer
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_without_its_branch_word_is_found_inside_the_longer_one() {
        let mut names: HashMap<&str, BTreeSet<usize>> = HashMap::new();
        for (i, n) in [
            "高須クリニック",
            "高須クリニック栄院",
            "銀座小田クリニック",
            "小田クリニック",
            "歯科",
        ]
        .into_iter()
        .enumerate()
        {
            names.entry(n).or_default().insert(i);
        }
        let by_name: NamesByPrefecture<'_> = HashMap::from([("愛知県", names)]);
        let found = contained_names(&by_name);
        assert_eq!(
            found.get(&("愛知県", "高須クリニック")),
            Some(&BTreeSet::from(["高須クリニック栄院"]))
        );
        assert_eq!(
            found.get(&("愛知県", "小田クリニック")),
            Some(&BTreeSet::from(["銀座小田クリニック"]))
        );
        assert_eq!(found.len(), 2, "{found:?}");
    }
}
