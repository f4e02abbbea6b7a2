//! Relations between clusters that are not identity: proven successors (a registry record)
//! and possible successors or possible duplicates (shown with evidence, never merged).

use super::cluster::{EvidenceItem, Judgement, Relation};
use super::facts::FactSet;
use super::features::Features;
use super::kinds::{LinkKind, Origin};
use super::review::Verdict;
use mieru_crawler::provenance::{Property, SubjectKind};
use std::collections::{BTreeMap, BTreeSet, HashMap};

pub struct RelationInput<'a> {
    pub set: &'a FactSet,
    pub features: &'a [Features],
    /// Subject index → cluster number.
    pub cluster_of: &'a [usize],
    pub index: &'a HashMap<String, usize>,
}

impl RelationInput<'_> {
    /// The cluster of subject `i`.
    fn cluster(&self, i: usize) -> Option<usize> {
        self.cluster_of.get(i).copied()
    }
}

pub fn find_relations(input: &RelationInput<'_>, judgements: &[Judgement]) -> Vec<Relation> {
    let mut out: BTreeMap<(usize, usize, LinkKind), Relation> = BTreeMap::new();
    registry_successors(input, &mut out);
    facility_successors(input, &mut out);
    ambiguous_names(input, &mut out);
    super::undecided::undecided_spellings(input, &mut out);
    for j in judgements {
        let (Some(&a), Some(&b)) = (input.index.get(&j.left), input.index.get(&j.right)) else {
            continue;
        };
        let (Some(ca), Some(cb)) = (input.cluster(a), input.cluster(b)) else {
            continue;
        };
        if ca == cb {
            continue;
        }
        let pair = |x: usize, y: usize| {
            move |k: &(usize, usize, LinkKind)| !((k.0 == x && k.1 == y) || (k.0 == y && k.1 == x))
        };
        match j.verdict {
            Verdict::NotSuccessor | Verdict::Different => out.retain(|k, _| pair(ca, cb)(k)),
            Verdict::Successor => {
                out.retain(|k, _| pair(ca, cb)(k));
                let evidence = EvidenceItem {
                    kind: "judgement".into(),
                    detail: j.reason.clone(),
                    subjects: vec![j.left.clone(), j.right.clone()],
                };
                let relation = successor(ca, cb, Origin::Human, evidence);
                out.insert((ca, cb, LinkKind::Successor), relation);
            }
            Verdict::Same => {}
        }
    }
    out.into_values().collect()
}

/// A certain successor relation: a curator's judgement or a registry record says so.
fn successor(from: usize, to: usize, origin: Origin, evidence: EvidenceItem) -> Relation {
    Relation {
        from,
        to,
        kind: LinkKind::Successor,
        confidence: 1.0,
        origin,
        evidence: vec![evidence],
    }
}

fn registry_successors(
    input: &RelationInput<'_>,
    out: &mut BTreeMap<(usize, usize, LinkKind), Relation>,
) {
    for (i, f) in input.features.iter().enumerate() {
        if f.kind != Some(SubjectKind::Organization) {
            continue;
        }
        for fact in input.set.values(&f.subject, Property::Successor) {
            let Some(&j) = input.index.get(&fact.value) else {
                continue;
            };
            if input.set.successor_annulled(&f.subject, &fact.value) {
                continue;
            }
            let (Some(from), Some(to)) = (input.cluster(i), input.cluster(j)) else {
                continue;
            };
            if from == to {
                continue;
            }
            let detail = match input.set.first_value(&f.subject, Property::CloseCause) {
                Some(cause) => {
                    format!("法人番号公表サイトに閉鎖（事由 {cause}）と承継先法人番号の記録 — registry records the closure (cause {cause}) and the successor's corporate number")
                }
                None => "法人番号公表サイトに承継先法人番号の記録 — registry records the successor's corporate number".to_owned(),
            };
            let evidence = EvidenceItem {
                kind: "registry_successor".into(),
                detail,
                subjects: vec![f.subject.clone(), fact.value.clone()],
            };
            out.insert(
                (from, to, LinkKind::Successor),
                successor(from, to, Origin::Rule, evidence),
            );
        }
    }
}

/// Closed facility → another facility of the same kind at the same full address, or at the
/// same street address with the same manager, phone or operator.
fn facility_successors(
    input: &RelationInput<'_>,
    out: &mut BTreeMap<(usize, usize, LinkKind), Relation>,
) {
    #[derive(Default)]
    struct ClusterInfo {
        closed: bool,
        kind: Option<SubjectKind>,
        full: BTreeSet<String>,
        blocks: BTreeSet<String>,
        people: BTreeSet<String>,
        phones: BTreeSet<String>,
        subjects: Vec<String>,
    }
    let mut info: BTreeMap<usize, ClusterInfo> = BTreeMap::new();
    for (i, f) in input.features.iter().enumerate() {
        if !matches!(f.kind, Some(SubjectKind::Facility | SubjectKind::Cpc)) {
            continue;
        }
        let Some(cluster) = input.cluster(i) else {
            continue;
        };
        let c = info.entry(cluster).or_default();
        c.closed |= f.closed;
        c.kind = f.kind;
        c.full.extend(f.full_addresses.iter().cloned());
        c.blocks.extend(f.blocks.iter().cloned());
        c.people.extend(f.people.iter().cloned());
        c.phones.extend(f.phones.iter().cloned());
        c.subjects.push(f.subject.clone());
    }
    let mut by_block: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (cid, c) in &info {
        for b in &c.blocks {
            by_block.entry(b.as_str()).or_default().push(*cid);
        }
    }
    for members in by_block.values() {
        if members.len() < 2 || members.len() > 64 {
            continue;
        }
        for &a in members {
            let Some(ca) = info.get(&a) else { continue };
            if !ca.closed {
                continue;
            }
            for &b in members {
                if a == b {
                    continue;
                }
                let Some(cb) = info.get(&b) else { continue };
                if cb.kind != ca.kind || cb.closed {
                    continue;
                }
                let mut evidence = Vec::new();
                let both = |x: &str, y: &str| vec![x.to_owned(), y.to_owned()];
                let sa = ca.subjects.first().map(String::as_str).unwrap_or_default();
                let sb = cb.subjects.first().map(String::as_str).unwrap_or_default();
                if let Some(addr) = ca.full.intersection(&cb.full).next() {
                    evidence.push(EvidenceItem {
                        kind: "address".into(),
                        detail: format!("所在地（建物・階まで）が同一 — same address including building and floor: {}", readable_key(addr)),
                        subjects: both(sa, sb),
                    });
                }
                if let Some(p) = ca.people.intersection(&cb.people).next() {
                    evidence.push(EvidenceItem {
                        kind: "manager".into(),
                        detail: format!("管理者名が同一 — same manager name: {p}"),
                        subjects: both(sa, sb),
                    });
                }
                if let Some(p) = ca.phones.intersection(&cb.phones).next() {
                    evidence.push(EvidenceItem {
                        kind: "phone".into(),
                        detail: format!("電話番号が同一 — same phone number: {p}"),
                        subjects: both(sa, sb),
                    });
                }
                if evidence.is_empty() {
                    continue;
                }
                let confidence = (0.4 + 0.15 * evidence.len() as f64).min(0.85);
                out.insert(
                    (a, b, LinkKind::PossibleSuccessor),
                    Relation {
                        from: a,
                        to: b,
                        kind: LinkKind::PossibleSuccessor,
                        confidence,
                        origin: Origin::Score,
                        evidence,
                    },
                );
            }
        }
    }
}

/// Mentions that carry a name and a city but matched several clusters: possible, not merged.
fn ambiguous_names(
    input: &RelationInput<'_>,
    out: &mut BTreeMap<(usize, usize, LinkKind), Relation>,
) {
    let mut by_name_city: BTreeMap<(String, String), BTreeSet<usize>> = BTreeMap::new();
    for (i, f) in input.features.iter().enumerate() {
        if !matches!(f.kind, Some(SubjectKind::Facility | SubjectKind::Cpc)) {
            continue;
        }
        for n in &f.name_keys {
            for c in &f.cities {
                by_name_city
                    .entry((n.clone(), c.clone()))
                    .or_default()
                    .extend(input.cluster(i));
            }
        }
    }
    for ((name, city), clusters) in by_name_city {
        if clusters.len() < 2 || clusters.len() > 8 {
            continue;
        }
        let list: Vec<usize> = clusters.into_iter().collect();
        for (i, &a) in list.iter().enumerate() {
            for &b in list.iter().skip(i + 1) {
                out.entry((a, b, LinkKind::PossibleSame)).or_insert(Relation {
                    from: a,
                    to: b,
                    kind: LinkKind::PossibleSame,
                    confidence: 0.5,
                    origin: Origin::Score,
                    evidence: vec![EvidenceItem {
                        kind: "name".into(),
                        detail: format!(
                            "同じ市区町村に同名の施設（番地が異なるか不明） — same name {name} in {}, different street address or none",
                            readable_key(&city)
                        ),
                        subjects: vec![],
                    }],
                });
            }
        }
    }
}

/// An address key (`東京都|中央区|銀座4-9-13|アオバビル5階`) as people write it.
fn readable_key(key: &str) -> String {
    let mut parts = key.split('|');
    let mut out: String = parts.by_ref().take(3).collect();
    if let Some(building) = parts.next().filter(|b| !b.is_empty()) {
        out.push(' ');
        out.push_str(building);
    }
    out
}
