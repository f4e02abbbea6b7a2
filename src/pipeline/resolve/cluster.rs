//! Clustering subject keys into entities.
//!
//! Order of evidence, strongest first: human judgements; identifiers (法人番号, 施設番号);
//! a release's explicit rename (`旧名（現　新名）`); name + street address; name + city when
//! only one candidate exists; same full address + same operator. Candidates are only compared
//! inside blocks (same name key, same address, same identifier), never all pairs. Score-only
//! or ambiguous matches never merge: they become "possible" links with their evidence.

use super::features::Features;
use super::kinds::{LinkKind, Origin};
use super::review::Verdict;
pub use super::union_find::UnionFind;
use mieru_crawler::provenance::SubjectKind;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// One reason for a link or a merge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceItem {
    pub kind: String,
    pub detail: String,
    /// Subject keys whose facts support it (their sources are cited).
    pub subjects: Vec<String>,
}

/// A decided merge of two subjects into one entity.
#[derive(Debug, Clone)]
pub struct Merge {
    pub a: usize,
    pub b: usize,
    pub confidence: f64,
    pub origin: Origin,
    pub evidence: EvidenceItem,
}

/// A relation between two clusters that is not identity.
#[derive(Debug, Clone)]
pub struct Relation {
    pub from: usize,
    pub to: usize,
    pub kind: LinkKind,
    pub confidence: f64,
    pub origin: Origin,
    pub evidence: Vec<EvidenceItem>,
}

/// A human decision about two subject keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judgement {
    pub left: String,
    pub right: String,
    /// `Successor`: right succeeded left (a stored `predecessor` is turned around on loading).
    pub verdict: Verdict,
    pub reason: String,
}

/// Largest block compared pairwise; bigger blocks (a district word shared by hundreds of
/// clinics) give no usable evidence and would make cost quadratic.
const MAX_BLOCK: usize = 64;

/// Name keys at least this long (in characters) are taken as distinctive within a prefecture;
/// shorter ones (a surname and `歯科医院`) are common.
const DISTINCTIVE_NAME: usize = 7;

fn blocks<'a, F>(features: &'a [Features], key: F) -> BTreeMap<String, Vec<usize>>
where
    F: Fn(&'a Features) -> Box<dyn Iterator<Item = String> + 'a>,
{
    let mut map: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, f) in features.iter().enumerate() {
        for k in key(f) {
            map.entry(k).or_default().push(i);
        }
    }
    map
}

/// Every pair of subjects that share a name key in a block small enough to compare, are of
/// one kind, in compatible places, and not kept apart by their numbers: the candidates both
/// name rules start from.
fn comparable_pairs<'a>(
    features: &'a [Features],
    by_name: &'a BTreeMap<String, Vec<usize>>,
) -> impl Iterator<Item = (&'a str, usize, usize, &'a Features, &'a Features)> + 'a {
    by_name
        .iter()
        .filter(|(_, members)| members.len() >= 2 && members.len() <= MAX_BLOCK)
        .flat_map(|(name, members)| {
            members.iter().enumerate().flat_map(move |(i, &a)| {
                members
                    .iter()
                    .skip(i + 1)
                    .map(move |&b| (name.as_str(), a, b))
            })
        })
        .filter_map(move |(name, a, b)| {
            let (fa, fb) = (features.get(a)?, features.get(b)?);
            let comparable =
                same_kind(fa, fb) && compatible_place(fa, fb) && !numbered_apart(fa, fb);
            comparable.then_some((name, a, b, fa, fb))
        })
}

fn same_kind(a: &Features, b: &Features) -> bool {
    a.kind == b.kind
}

fn shared<'a>(a: &'a BTreeSet<String>, b: &'a BTreeSet<String>) -> Option<&'a String> {
    a.intersection(b).next()
}

/// Whether two subjects could be one place: no conflicting prefecture.
fn compatible_place(a: &Features, b: &Features) -> bool {
    a.prefectures.is_empty()
        || b.prefectures.is_empty()
        || shared(&a.prefectures, &b.prefectures).is_some()
}

/// Two registry numbers that differ are two legal persons / facilities.
fn numbered_apart(a: &Features, b: &Features) -> bool {
    (!a.corporate_numbers.is_empty()
        && !b.corporate_numbers.is_empty()
        && shared(&a.corporate_numbers, &b.corporate_numbers).is_none())
        || (!a.facility_numbers.is_empty()
            && !b.facility_numbers.is_empty()
            && shared(&a.facility_numbers, &b.facility_numbers).is_none())
}

/// Decides merges among subjects of facilities, CPCs and organizations.
pub struct Clusterer<'a> {
    pub features: &'a [Features],
    index: HashMap<&'a str, usize>,
    pub uf: UnionFind,
    pub merges: Vec<Merge>,
}

impl<'a> Clusterer<'a> {
    pub fn new(features: &'a [Features]) -> Self {
        let index = features
            .iter()
            .enumerate()
            .map(|(i, f)| (f.subject.as_str(), i))
            .collect();
        Self {
            features,
            index,
            uf: UnionFind::new(features.len()),
            merges: Vec::new(),
        }
    }

    pub fn index_of(&self, subject: &str) -> Option<usize> {
        self.index.get(subject).copied()
    }

    fn merge(
        &mut self,
        a: usize,
        b: usize,
        confidence: f64,
        origin: Origin,
        evidence: EvidenceItem,
    ) {
        if self.uf.union(a, b) {
            self.merges.push(Merge {
                a,
                b,
                confidence,
                origin,
                evidence,
            });
        }
    }

    fn subjects(&self, a: usize, b: usize) -> Vec<String> {
        [a, b]
            .iter()
            .filter_map(|i| self.features.get(*i).map(|f| f.subject.clone()))
            .collect()
    }

    pub fn apply_judgements(&mut self, judgements: &[Judgement]) {
        for j in judgements {
            let (Some(a), Some(b)) = (self.index_of(&j.left), self.index_of(&j.right)) else {
                continue;
            };
            if j.verdict == Verdict::Different {
                self.uf.forbid(a, b);
            }
        }
        for j in judgements.iter().filter(|j| j.verdict == Verdict::Same) {
            let (Some(a), Some(b)) = (self.index_of(&j.left), self.index_of(&j.right)) else {
                continue;
            };
            let evidence = EvidenceItem {
                kind: "judgement".into(),
                detail: j.reason.clone(),
                subjects: self.subjects(a, b),
            };
            self.merge(a, b, 1.0, Origin::Human, evidence);
        }
    }

    /// Identifiers that denote one legal person or one licensed facility.
    pub fn merge_by_identifiers(&mut self) {
        let features = self.features;
        let by_corp = blocks(features, |f| Box::new(f.corporate_numbers.iter().cloned()));
        let by_fno = blocks(features, |f| Box::new(f.facility_numbers.iter().cloned()));
        for (kind, map) in [("corporate_number", by_corp), ("facility_number", by_fno)] {
            for (value, members) in map {
                let Some((&first, rest)) = members.split_first() else {
                    continue;
                };
                for &other in rest {
                    let (Some(fa), Some(fb)) = (features.get(first), features.get(other)) else {
                        continue;
                    };
                    if !same_kind(fa, fb) {
                        continue;
                    }
                    let evidence = EvidenceItem {
                        kind: kind.into(),
                        detail: value.clone(),
                        subjects: self.subjects(first, other),
                    };
                    self.merge(first, other, 1.0, Origin::Rule, evidence);
                }
            }
        }
    }

    /// Names + places. Organizations: same name key and form in a compatible prefecture, or
    /// an unnumbered mention matching exactly one numbered organization's name history.
    /// Facilities and CPCs: same name key at the same street address; or in the same city
    /// when exactly one candidate cluster there bears that name.
    pub fn merge_by_names(&mut self) {
        let features = self.features;
        let by_name = blocks(features, |f| Box::new(f.name_keys.iter().cloned()));
        for (name, a, b, fa, fb) in comparable_pairs(features, &by_name) {
            if let Some(block) = shared(&fa.blocks, &fb.blocks) {
                let evidence = EvidenceItem {
                    kind: "name_and_address".into(),
                    detail: format!("{name} @ {block}"),
                    subjects: self.subjects(a, b),
                };
                self.merge(a, b, 0.95, Origin::Rule, evidence);
            }
        }
        // Second pass: mentions without a street address (a release names a clinic and its
        // city; an operator is named without a number) join the single *anchored* cluster
        // bearing that name there — anchored meaning it has a street address (facilities)
        // or a corporate number (organizations). With no anchored candidate, they join the
        // single other cluster of that name there. Repeated until nothing changes, since a
        // merge can turn two candidates into one.
        loop {
            let before = self.merges.len();
            for (name, members) in &by_name {
                if members.len() < 2 || members.len() > MAX_BLOCK {
                    continue;
                }
                for &a in members {
                    self.join_unanchored(a, name, members);
                }
            }
            if self.merges.len() == before {
                break;
            }
        }
    }

    fn anchored(f: &Features) -> bool {
        match f.kind {
            Some(SubjectKind::Organization) => !f.corporate_numbers.is_empty(),
            _ => !f.blocks.is_empty(),
        }
    }

    fn join_unanchored(&mut self, a: usize, name: &str, members: &[usize]) {
        let features = self.features;
        let Some(fa) = features.get(a) else {
            return;
        };
        if Self::anchored(fa) {
            return;
        }
        let root_a = self.uf.find(a);
        let mut anchored: BTreeSet<usize> = BTreeSet::new();
        let mut others: BTreeSet<usize> = BTreeSet::new();
        for &b in members {
            let Some(fb) = features.get(b) else {
                continue;
            };
            if a == b || !same_kind(fa, fb) {
                continue;
            }
            let place_ok = match fa.kind {
                Some(SubjectKind::Organization) => compatible_place(fa, fb),
                _ => shared(&fa.cities, &fb.cities).is_some(),
            };
            if !place_ok {
                continue;
            }
            let root = self.uf.find(b);
            if root == root_a {
                continue;
            }
            if Self::anchored(fb) {
                anchored.insert(root);
            } else {
                others.insert(root);
            }
        }
        // An unanchored cluster already joined to an anchored one counts as that one.
        others.retain(|r| !anchored.contains(r));
        let target = match (anchored.len(), others.len()) {
            (1, _) => anchored.iter().next().copied(),
            (0, 1) => others.iter().next().copied(),
            _ => None,
        };
        let Some(root) = target else { return };
        let place = fa
            .cities
            .iter()
            .next()
            .or(fa.prefectures.iter().next())
            .map(String::as_str)
            .unwrap_or("any prefecture")
            .to_owned();
        let evidence = EvidenceItem {
            kind: "name_and_place".into(),
            detail: format!("{name} in {place}: the only candidate"),
            subjects: self.subjects(a, root),
        };
        self.merge(a, root, 0.85, Origin::Rule, evidence);
    }

    /// Same full address (building and floor included) and the same operator: the facility
    /// was renamed where it stands.
    pub fn merge_renamed_in_place(&mut self, operator_root: &dyn Fn(&str) -> Option<String>) {
        let features = self.features;
        // A closed facility followed by another one at its address is a successor, not a
        // rename: those pairs are left to `relations` as possible successors.
        let closed_roots = self.closed_roots();
        let by_addr = blocks(features, |f| Box::new(f.full_addresses.iter().cloned()));
        for (addr, members) in by_addr {
            if members.len() < 2 || members.len() > MAX_BLOCK {
                continue;
            }
            for (i, &a) in members.iter().enumerate() {
                for &b in members.iter().skip(i + 1) {
                    let (Some(fa), Some(fb)) = (features.get(a), features.get(b)) else {
                        continue;
                    };
                    if !same_kind(fa, fb) || fa.kind == Some(SubjectKind::Organization) {
                        continue;
                    }
                    let (ra, rb) = (self.uf.find(a), self.uf.find(b));
                    if closed_roots.contains(&ra) || closed_roots.contains(&rb) {
                        continue;
                    }
                    let ops_a: BTreeSet<String> = fa
                        .operators
                        .iter()
                        .filter_map(|o| operator_root(o))
                        .collect();
                    let ops_b: BTreeSet<String> = fb
                        .operators
                        .iter()
                        .filter_map(|o| operator_root(o))
                        .collect();
                    if let Some(op) = shared(&ops_a, &ops_b) {
                        let evidence = EvidenceItem {
                            kind: "address_and_operator".into(),
                            detail: format!("{addr}; operator {op}"),
                            subjects: self.subjects(a, b),
                        };
                        self.merge(a, b, 0.9, Origin::Rule, evidence);
                    }
                }
            }
        }
    }

    /// Roots of clusters holding a closure record.
    fn closed_roots(&mut self) -> BTreeSet<usize> {
        let features = self.features;
        features
            .iter()
            .enumerate()
            .filter(|(_, f)| f.closed)
            .map(|(i, _)| self.uf.find(i))
            .collect()
    }

    /// Scored matching for what moved: two subjects sharing a name (current or former) in a
    /// compatible prefecture, at different street addresses, join when the name is backed by
    /// a person (manager / representative) or a phone number, or — when one of them states the
    /// name as its former name (a filed rename) — by the same operator. A shared operator alone
    /// never joins two current names: chains run branches of one name in many places.
    pub fn merge_moved(&mut self, operator_root: &dyn Fn(&str) -> Option<String>) {
        let features = self.features;
        let by_name = blocks(features, |f| Box::new(f.name_keys.iter().cloned()));
        for (name, a, b, fa, fb) in comparable_pairs(features, &by_name) {
            if fa.kind == Some(SubjectKind::Organization) {
                continue;
            }
            let renamed = (fa.former_name_keys.contains(name)
                && fb.current_name_keys.contains(name))
                || (fb.former_name_keys.contains(name) && fa.current_name_keys.contains(name));
            let mut why = Vec::new();
            if let Some(p) = shared(&fa.people, &fb.people) {
                why.push(format!("same manager {p}"));
            }
            if let Some(p) = shared(&fa.phones, &fb.phones) {
                why.push(format!("same phone {p}"));
            }
            if renamed {
                let ops = |f: &Features| -> BTreeSet<String> {
                    f.operators
                        .iter()
                        .filter_map(|o| operator_root(o))
                        .collect()
                };
                if let Some(op) = shared(&ops(fa), &ops(fb)) {
                    why.push(format!("same operator {op}"));
                }
            }
            if why.is_empty() {
                continue;
            }
            let confidence = if renamed { 0.9 } else { 0.85 };
            let evidence = EvidenceItem {
                kind: if renamed {
                    "former_name_and_corroboration".into()
                } else {
                    "name_and_corroboration".into()
                },
                detail: format!("{name}: {}", why.join(", ")),
                subjects: self.subjects(a, b),
            };
            self.merge(a, b, confidence, Origin::Score, evidence);
        }
    }

    /// Facilities a list names without a street address (e-再生医療's plan list gives only the
    /// prefecture, one row per plan, the name typed by the provider): one name key in one
    /// prefecture is one facility when nothing there contradicts it — at most one street
    /// address among the rows, no closure, and no two operators whose names differ. A branch
    /// (`○○院`, `駅前院`) is a different name key, so it never joins. When operators differ,
    /// the rows without an operator cannot be placed and stay apart.
    pub fn merge_same_name_in_prefecture(&mut self, operator_keys: &dyn Fn(&str) -> Vec<String>) {
        let features = self.features;
        let by_name = blocks(features, |f| Box::new(f.current_name_keys.iter().cloned()));
        for (name, members) in &by_name {
            // Very short keys (`歯科`, `医院`) say nothing about which clinic.
            if members.len() < 2 || members.len() > MAX_BLOCK || name.chars().count() < 4 {
                continue;
            }
            let mut by_pref: BTreeMap<(&str, Option<SubjectKind>), Vec<usize>> = BTreeMap::new();
            for &m in members {
                let Some(f) = features.get(m) else {
                    continue;
                };
                if f.kind == Some(SubjectKind::Organization) || f.closed || f.prefectures.len() != 1
                {
                    continue;
                }
                if let Some(p) = f.prefectures.iter().next() {
                    by_pref.entry((p.as_str(), f.kind)).or_default().push(m);
                }
            }
            for ((pref, _), group) in by_pref {
                let streets: BTreeSet<&String> = group
                    .iter()
                    .filter_map(|&m| features.get(m))
                    .flat_map(|f| f.blocks.iter())
                    .collect();
                if group.len() < 2 || streets.len() > 1 {
                    continue;
                }
                let mut by_operator: BTreeMap<String, Vec<usize>> = BTreeMap::new();
                let mut without: Vec<usize> = Vec::new();
                for &m in &group {
                    let mut keys: Vec<String> = features
                        .get(m)
                        .into_iter()
                        .flat_map(|f| f.operators.iter())
                        .flat_map(|o| operator_keys(o))
                        .collect();
                    keys.sort();
                    keys.dedup();
                    if keys.is_empty() {
                        without.push(m);
                    } else {
                        by_operator.entry(keys.join("+")).or_default().push(m);
                    }
                }
                let mut parts: Vec<Vec<usize>> = by_operator.into_values().collect();
                match parts.len() {
                    0 => parts.push(without),
                    // A row without its operator joins the rows with one only on a name long
                    // enough to be distinctive: `藤井歯科医院` may be two dentists of one
                    // prefecture, one incorporated and one not.
                    1 if name.chars().count() >= DISTINCTIVE_NAME => {
                        if let Some(only) = parts.first_mut() {
                            only.extend(without);
                        }
                    }
                    1 => {}
                    _ => {}
                }
                for part in parts {
                    let Some((&first, rest)) = part.split_first() else {
                        continue;
                    };
                    for &other in rest {
                        let evidence = EvidenceItem {
                            kind: "name_in_prefecture".into(),
                            detail: format!(
                                "{name} in {pref}: the only facility of that name there"
                            ),
                            subjects: self.subjects(first, other),
                        };
                        self.merge(first, other, 0.8, Origin::Rule, evidence);
                    }
                }
            }
        }
    }

    /// Current clusters as lists of subject indices, each sorted, in order of first member.
    pub fn clusters(&mut self) -> Vec<Vec<usize>> {
        let mut by_root: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for i in 0..self.features.len() {
            let r = self.uf.find(i);
            by_root.entry(r).or_default().push(i);
        }
        let mut clusters: Vec<Vec<usize>> = by_root.into_values().collect();
        clusters.sort_by_key(|c| c.first().copied().unwrap_or(usize::MAX));
        clusters
    }
}
