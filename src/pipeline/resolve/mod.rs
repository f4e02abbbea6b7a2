//! Resolution: subject keys → entities with stable mieru IDs, links with evidence, and the
//! read models projected from them. Deterministic: the same facts and judgements always
//! give the same result, and published IDs never change (merges leave redirects).
//!
//! May depend on: `store` (reading facts, judgements and the previous ID assignment).
//! Must not depend on: `project`, `refresh`, `curation`, `serve`, `app` — it stores nothing;
//! `pipeline::refresh` stores what it returns.

pub mod cluster;
pub mod facts;
pub mod features;
pub mod ids;
pub mod kinds;
pub mod relations;
pub mod review;
mod undecided;
pub mod union_find;

use crate::store::{self, entities::LinkRecord, DbConnection, StoreError};
use cluster::{Clusterer, Judgement};
use facts::FactSet;
use ids::EntityId;
use mieru_crawler::provenance::{Property, SubjectKind};
use review::Verdict;
use std::collections::{BTreeMap, HashMap};

/// The in-memory result of clustering, before it is stored.
pub struct Resolution {
    pub set: FactSet,
    /// Entity ID → member subject keys.
    pub members: BTreeMap<EntityId, Vec<String>>,
    /// Subject key → entity ID (plans: the plan number).
    pub entity_of: HashMap<String, EntityId>,
    pub entity_kind: HashMap<EntityId, SubjectKind>,
    pub links: Vec<LinkRecord>,
    pub merges: Vec<(EntityId, cluster::EvidenceItem, f64, kinds::Origin)>,
    /// Old ID → the ID it now redirects to.
    pub redirects: BTreeMap<EntityId, EntityId>,
    /// (prefix, next free number) to store with the entities (see `ids::assign`).
    pub id_counters: Vec<(String, i64)>,
}

fn load_judgements(conn: &mut DbConnection) -> Result<Vec<Judgement>, StoreError> {
    store::entities::judgements(conn)?
        .into_iter()
        .map(|j| {
            // Stored pairs are in canonical order, so "right succeeded left" may be stored as
            // `predecessor`: turned around here, resolution sees successors only.
            let (left, right, verdict) = match j.verdict.as_str() {
                "predecessor" => (j.right_subject, j.left_subject, Verdict::Successor),
                word => {
                    let verdict = Verdict::parse(word).map_err(|_| {
                        StoreError::Corrupt(format!("judgement {}: verdict {word:?}", j.id))
                    })?;
                    (j.left_subject, j.right_subject, verdict)
                }
            };
            Ok(Judgement {
                left,
                right,
                verdict,
                reason: j.reason,
            })
        })
        .collect()
}

pub fn load_fact_set(conn: &mut DbConnection) -> Result<FactSet, StoreError> {
    let facts = store::facts::all(conn)?;
    let documents = store::documents::all(conn)?;
    let snapshots = store::documents::all_snapshots(conn)?
        .into_iter()
        .map(|(s, _)| s)
        .collect();
    Ok(FactSet::new(facts, documents, snapshots))
}

/// Clusters and relations of facilities, CPCs and organizations, computed from facts and
/// judgements alone (no store): what `resolve` builds IDs on, and what the benchmark times.
pub struct Clustered {
    pub features: Vec<features::Features>,
    /// Subject indices (into `features`) per cluster, in order of first member.
    pub clusters: Vec<Vec<usize>>,
    pub relations: Vec<cluster::Relation>,
    pub merges: Vec<cluster::Merge>,
}

pub fn cluster_facts(set: &FactSet, judgements: &[Judgement]) -> Clustered {
    let resolvable: Vec<String> = set
        .subjects()
        .filter(|s| {
            matches!(
                FactSet::kind_of(s),
                Some(SubjectKind::Facility | SubjectKind::Cpc | SubjectKind::Organization)
            )
        })
        .map(str::to_owned)
        .collect();
    let feats: Vec<features::Features> = resolvable
        .iter()
        .map(|s| features::features(set, s))
        .collect();

    let mut clusterer = Clusterer::new(&feats);
    clusterer.apply_judgements(judgements);
    clusterer.merge_by_identifiers();
    // Organizations first, so facilities can compare operators by their resolved cluster.
    clusterer.merge_by_names();
    let op_roots: HashMap<String, String> = {
        let mut m = HashMap::new();
        for f in feats.iter() {
            for op in &f.operators {
                if let Some(i) = clusterer.index_of(op) {
                    let root = clusterer.uf.find(i);
                    if let Some(rf) = feats.get(root) {
                        m.insert(op.clone(), rf.subject.clone());
                    }
                }
            }
        }
        m
    };
    clusterer.merge_renamed_in_place(&|op: &str| op_roots.get(op).cloned());
    clusterer.merge_moved(&|op: &str| op_roots.get(op).cloned());
    // Operators compared by name without their corporate form: providers type
    // `医療法人` for `医療法人社団` and the like.
    let by_subject: HashMap<&str, &features::Features> =
        feats.iter().map(|f| (f.subject.as_str(), f)).collect();
    let operator_keys = |op: &str| -> Vec<String> {
        by_subject
            .get(op)
            .map(|f| f.name_keys.iter().cloned().collect())
            .unwrap_or_default()
    };
    clusterer.merge_same_name_in_prefecture(&operator_keys);
    let clusters = clusterer.clusters();

    let mut cluster_of = vec![0usize; feats.len()];
    for (c, members) in clusters.iter().enumerate() {
        for &m in members {
            if let Some(slot) = cluster_of.get_mut(m) {
                *slot = c;
            }
        }
    }
    let index: HashMap<String, usize> = feats
        .iter()
        .enumerate()
        .map(|(i, f)| (f.subject.clone(), i))
        .collect();
    let relations = relations::find_relations(
        &relations::RelationInput {
            set,
            features: &feats,
            cluster_of: &cluster_of,
            index: &index,
        },
        judgements,
    );

    let merges = clusterer.merges.clone();
    Clustered {
        features: feats,
        clusters,
        relations,
        merges,
    }
}

/// Relations between clusters as stored links between their entity IDs.
fn link_records(
    relations: &[cluster::Relation],
    ids: &[(EntityId, SubjectKind)],
) -> Vec<LinkRecord> {
    let cluster_id = |c: usize| ids.get(c).map(|(id, _)| id.to_string());
    let mut links = Vec::new();
    for r in relations {
        let (Some(from), Some(to)) = (cluster_id(r.from), cluster_id(r.to)) else {
            continue;
        };
        links.push(LinkRecord {
            from_id: from,
            to_id: to,
            kind: r.kind.as_str().to_owned(),
            confidence: r.confidence,
            origin: r.origin.as_str().to_owned(),
            evidence: serde_json::to_string(&r.evidence).unwrap_or_else(|_| "[]".into()),
        });
    }
    links
}

/// The subjects that become entities without clustering: every action (one entity each, in
/// subject order) and every plan's number (one entity per number; its subjects in order).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct UnclusteredSubjects {
    pub actions: Vec<String>,
    pub plans: BTreeMap<String, Vec<String>>,
}

impl UnclusteredSubjects {
    /// Read off a fact set that holds every fact.
    pub fn of_set(set: &FactSet) -> Self {
        let mut out = Self::default();
        for s in set.subjects() {
            match FactSet::kind_of(s) {
                Some(SubjectKind::Action) => out.actions.push(s.to_owned()),
                Some(SubjectKind::Plan) => {
                    if let Some(number) = set.first_value(s, Property::PlanNumber) {
                        out.add_plan(s, number);
                    }
                }
                _ => {}
            }
        }
        out
    }

    /// Read from the store by kind, without loading the facts of actions and plans.
    pub fn load(conn: &mut DbConnection) -> Result<Self, StoreError> {
        let mut out = Self {
            actions: store::facts::subjects_of_kind(conn, SubjectKind::Action.as_str())?,
            plans: BTreeMap::new(),
        };
        let numbers = store::facts::values_of_property(
            conn,
            SubjectKind::Plan.as_str(),
            Property::PlanNumber,
        )?;
        // A plan's number is its first stated one (in fact order), as `FactSet::first_value`.
        let mut first: BTreeMap<String, String> = BTreeMap::new();
        for (subject, value) in numbers {
            first.entry(subject).or_insert(value);
        }
        for (subject, number) in &first {
            out.add_plan(subject, number);
        }
        Ok(out)
    }

    fn add_plan(&mut self, subject: &str, number: &str) {
        let number = mieru_text::normalize::display_clean(number);
        self.plans
            .entry(number)
            .or_default()
            .push(subject.to_owned());
    }
}

/// Clusters the whole fact set and assigns IDs (reading the previous assignment from the
/// store, writing nothing). Holds every fact: the reference [`resolve_lean`] must agree with.
pub fn resolve(conn: &mut DbConnection) -> Result<Resolution, StoreError> {
    let set = load_fact_set(conn)?;
    let unclustered = UnclusteredSubjects::of_set(&set);
    resolve_with(conn, set, unclustered, Facts::Keep)
}

/// Whether the resolution keeps the facts it was computed from (for projecting them in
/// memory), or drops them once clustered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Facts {
    Keep,
    Drop,
}

/// [`resolve`] reading only what clustering needs: the facts of facilities, CPCs and
/// organizations and the names of the people they name (a tenth of the facts at national
/// scale, where actions are the bulk). The returned resolution's fact set is empty:
/// projection then reads the facts it needs entity by entity (`project::streamed`).
pub fn resolve_lean(conn: &mut DbConnection) -> Result<Resolution, StoreError> {
    let set = load_clustering_facts(conn)?;
    let unclustered = UnclusteredSubjects::load(conn)?;
    resolve_with(conn, set, unclustered, Facts::Drop)
}

/// The facts clustering and relations read: every fact of a facility, CPC or organization,
/// and every fact of a person such a fact names as manager or representative.
fn load_clustering_facts(conn: &mut DbConnection) -> Result<FactSet, StoreError> {
    let kinds = [
        SubjectKind::Facility,
        SubjectKind::Cpc,
        SubjectKind::Organization,
    ]
    .map(SubjectKind::as_str);
    let mut facts = store::facts::of_kinds(conn, &kinds)?;
    let people: Vec<String> = facts
        .iter()
        .filter(|f| {
            matches!(
                Property::parse(&f.property),
                Some(Property::Manager | Property::Representative)
            )
        })
        .map(|f| f.value.clone())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .filter(|s| {
            !matches!(
                FactSet::kind_of(s),
                Some(SubjectKind::Facility | SubjectKind::Cpc | SubjectKind::Organization)
            )
        })
        .collect();
    facts.extend(store::facts::of_subjects(conn, &people)?);
    facts.sort_by_key(|f| f.id);
    Ok(FactSet::new(facts, Vec::new(), Vec::new()))
}

fn resolve_with(
    conn: &mut DbConnection,
    set: FactSet,
    unclustered: UnclusteredSubjects,
    facts: Facts,
) -> Result<Resolution, StoreError> {
    let judgements = load_judgements(conn)?;
    let previous = store::entities::members(conn)?;
    // Only the redirects of the previous assignment matter (a million entity rows at 100,000
    // facilities do not need loading for them).
    let previously_merged = store::entities::merged(conn)?;

    let Clustered {
        features: feats,
        clusters,
        relations,
        merges: clusterer_merges,
    } = cluster_facts(&set, &judgements);
    let set = match facts {
        Facts::Keep => set,
        Facts::Drop => FactSet::default(),
    };

    // Stable IDs for facility / CPC / organization clusters.
    let cluster_subjects: Vec<Vec<String>> = clusters
        .iter()
        .map(|c| {
            c.iter()
                .filter_map(|&i| feats.get(i).map(|f| f.subject.clone()))
                .collect()
        })
        .collect();
    let cluster_kinds: Vec<SubjectKind> = clusters
        .iter()
        .map(|c| {
            c.first()
                .and_then(|&i| feats.get(i))
                .and_then(|f| f.kind)
                .unwrap_or(SubjectKind::Facility)
        })
        .collect();
    let mut assignment = ids::assign(
        conn,
        &cluster_subjects,
        &cluster_kinds,
        &previous,
        &previously_merged,
    )?;

    // Actions: one entity per action subject. Plans: one per plan number.
    let UnclusteredSubjects {
        actions,
        plans: plan_members,
    } = unclustered;
    let action_subjects: Vec<Vec<String>> = actions.into_iter().map(|s| vec![s]).collect();
    let action_kinds = vec![SubjectKind::Action; action_subjects.len()];
    let action_ids = ids::assign(
        conn,
        &action_subjects,
        &action_kinds,
        &previous,
        &previously_merged,
    )?;
    assignment.ids.extend(action_ids.ids);
    assignment.redirects.extend(action_ids.redirects);
    assignment.counters.extend(action_ids.counters);

    let mut members: BTreeMap<EntityId, Vec<String>> = BTreeMap::new();
    let mut entity_of = HashMap::new();
    let mut entity_kind = HashMap::new();
    for (subjects, (id, kind)) in cluster_subjects
        .iter()
        .chain(action_subjects.iter())
        .zip(assignment.ids.iter())
    {
        for s in subjects {
            entity_of.insert(s.clone(), id.clone());
        }
        entity_kind.insert(id.clone(), *kind);
        members.insert(id.clone(), subjects.clone());
    }
    for (number, subjects) in plan_members {
        // A plan's published ID is its plan number.
        let number = EntityId::from(number);
        for s in &subjects {
            entity_of.insert(s.clone(), number.clone());
        }
        entity_kind.insert(number.clone(), SubjectKind::Plan);
        members.insert(number, subjects);
    }

    let links = link_records(&relations, &assignment.ids);
    let merges = clusterer_merges
        .iter()
        .filter_map(|m| {
            let subject = feats.get(m.a)?.subject.clone();
            let id = entity_of.get(&subject)?.clone();
            Some((id, m.evidence.clone(), m.confidence, m.origin))
        })
        .collect();

    Ok(Resolution {
        set,
        members,
        entity_of,
        entity_kind,
        links,
        merges,
        redirects: assignment.redirects,
        id_counters: assignment.counters,
    })
}
