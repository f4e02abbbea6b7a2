//! Resolution: subject keys → entities with stable mieru IDs, links with evidence, and the
//! read models projected from them. Deterministic: the same facts and judgements always
//! give the same result, and published IDs never change (merges leave redirects).

pub mod cluster;
pub mod eval;
pub mod facts;
pub mod features;
pub mod ids;
pub mod relations;
pub mod review;
mod undecided;

use crate::project;
use crate::store::models::{EntityRow, MemberRow};
use crate::store::{self, entities::LinkRecord, DbConnection, StoreError};
use cluster::{Clusterer, Judgement};
use facts::FactSet;
use mieru_crawler::provenance::{Property, SubjectKind};
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ResolveReport {
    pub subjects: usize,
    pub facilities: usize,
    pub cpcs: usize,
    pub organizations: usize,
    pub actions: usize,
    pub plans: usize,
    pub links: usize,
    pub possible_links: usize,
    pub redirects: usize,
    /// The `data_versions` row this run wrote: what an index built from it reflects.
    pub data_version: Option<i64>,
}

impl std::fmt::Display for ResolveReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} subjects → {} facilities, {} CPCs, {} organizations, {} actions, {} plans; \
             {} links ({} possible), {} redirects",
            self.subjects,
            self.facilities,
            self.cpcs,
            self.organizations,
            self.actions,
            self.plans,
            self.links,
            self.possible_links,
            self.redirects
        )
    }
}

/// The in-memory result of clustering, before it is stored.
pub struct Resolution {
    pub set: FactSet,
    /// Entity ID → member subject keys.
    pub members: BTreeMap<String, Vec<String>>,
    /// Subject key → entity ID (plans: the plan number).
    pub entity_of: HashMap<String, String>,
    pub entity_kind: HashMap<String, SubjectKind>,
    pub links: Vec<LinkRecord>,
    pub merges: Vec<(String, cluster::EvidenceItem, f64, &'static str)>,
    /// Old ID → the ID it now redirects to.
    pub redirects: BTreeMap<String, String>,
}

fn load_judgements(conn: &mut DbConnection) -> Result<Vec<Judgement>, StoreError> {
    Ok(store::entities::judgements(conn)?
        .into_iter()
        .map(|j| Judgement {
            left: j.left_subject,
            right: j.right_subject,
            verdict: j.verdict,
            reason: j.reason,
        })
        .collect())
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

/// Clusters the whole fact set and assigns IDs (reading the previous assignment from the
/// store, writing nothing).
pub fn resolve(conn: &mut DbConnection) -> Result<Resolution, StoreError> {
    let set = load_fact_set(conn)?;
    let judgements = load_judgements(conn)?;
    let previous = store::entities::members(conn)?;
    let previous_entities = store::entities::all(conn)?;

    let Clustered {
        features: feats,
        clusters,
        relations,
        merges: clusterer_merges,
    } = cluster_facts(&set, &judgements);

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
        &previous_entities,
    )?;

    // Actions: one entity per action subject. Plans: one per plan number.
    let mut action_subjects = Vec::new();
    let mut plan_members: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for s in set.subjects() {
        match FactSet::kind_of(s) {
            Some(SubjectKind::Action) => action_subjects.push(vec![s.to_owned()]),
            Some(SubjectKind::Plan) => {
                if let Some(number) = set.first_value(s, Property::PlanNumber) {
                    let number = mieru_text::normalize::display_clean(number);
                    plan_members.entry(number).or_default().push(s.to_owned());
                }
            }
            _ => {}
        }
    }
    let action_kinds = vec![SubjectKind::Action; action_subjects.len()];
    let action_ids = ids::assign(
        conn,
        &action_subjects,
        &action_kinds,
        &previous,
        &previous_entities,
    )?;
    assignment.ids.extend(action_ids.ids);
    assignment.redirects.extend(action_ids.redirects);

    let mut members: BTreeMap<String, Vec<String>> = BTreeMap::new();
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
        for s in &subjects {
            entity_of.insert(s.clone(), number.clone());
        }
        entity_kind.insert(number.clone(), SubjectKind::Plan);
        members.insert(number, subjects);
    }

    let cluster_id = |c: usize| assignment.ids.get(c).map(|(id, _)| id.clone());
    let mut links = Vec::new();
    for r in &relations {
        let (Some(from), Some(to)) = (cluster_id(r.from), cluster_id(r.to)) else {
            continue;
        };
        links.push(LinkRecord {
            from_id: from,
            to_id: to,
            kind: r.kind.to_owned(),
            confidence: r.confidence,
            origin: r.origin.to_owned(),
            evidence: serde_json::to_string(&r.evidence).unwrap_or_else(|_| "[]".into()),
        });
    }
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
    })
}

/// Resolves, stores the entities and links, and projects the read models, each step in its
/// own transaction (a crash between them leaves a consistent older read model). Runs under the
/// database's resolve lock: two servers or CLIs resolving at once would hand out the same new
/// IDs and interleave their read models, so the second waits for the first.
pub fn run(conn: &mut DbConnection) -> Result<(ResolveReport, project::Projected), StoreError> {
    let lock = crate::db_lock::HeldLock::acquire(
        conn,
        crate::db_lock::RESOLVE_LOCK,
        crate::db_lock::RESOLVE_WAIT,
        chrono::Duration::minutes(crate::db_lock::RESOLVE_STALE_MINUTES),
    )?;
    let result = run_locked(conn, &lock);
    let released = lock.release(conn);
    let out = result?;
    released?;
    Ok(out)
}

fn run_locked(
    conn: &mut DbConnection,
    lock: &crate::db_lock::HeldLock,
) -> Result<(ResolveReport, project::Projected), StoreError> {
    let mut resolution = resolve(conn)?;
    lock.heartbeat(conn)?;
    // Curation: hidden facts leave the projection (never the store); corrections, annotations
    // and judgements join the histories.
    let curation = crate::curation::view::CurationView::load(conn, &resolution.redirects)?;
    let hidden = curation.hide_facts(&mut resolution.set);
    let now = store::now();
    let projected = project::project_curated(&resolution, &curation, now);

    let mut entity_rows: Vec<EntityRow> = Vec::new();
    let previous: HashMap<String, EntityRow> = store::entities::all(conn)?
        .into_iter()
        .map(|e| (e.id.clone(), e))
        .collect();
    for summary in &projected.summaries {
        let created = previous
            .get(&summary.id)
            .map(|e| e.created_at)
            .unwrap_or(now);
        entity_rows.push(EntityRow {
            id: summary.id.clone(),
            kind: summary.kind.clone(),
            name: summary.name.clone(),
            prefecture: summary.prefecture.clone(),
            status: summary.status.clone(),
            merged_into: None,
            created_at: created,
            updated_at: now,
        });
    }
    for (old, new) in &resolution.redirects {
        let Some(prev) = previous.get(old) else {
            continue;
        };
        entity_rows.push(EntityRow {
            merged_into: Some(new.clone()),
            updated_at: now,
            ..prev.clone()
        });
    }
    let member_rows: Vec<MemberRow> = resolution
        .entity_of
        .iter()
        .filter(|(_, id)| resolution.entity_kind.get(*id) != Some(&SubjectKind::Plan))
        .map(|(s, id)| MemberRow {
            subject: s.clone(),
            entity_id: id.clone(),
            assigned_at: now,
        })
        .collect();
    store::entities::store_resolution(conn, &entity_rows, &member_rows, &resolution.links, now)?;
    lock.heartbeat(conn)?;
    let fact_count = i64::try_from(resolution.set.facts.len() + hidden).unwrap_or(i64::MAX);
    store::read_models::replace_all(conn, &projected.tables, "resolve", fact_count, now)?;

    let count = |k: SubjectKind| resolution.entity_kind.values().filter(|v| **v == k).count();
    let report = ResolveReport {
        subjects: resolution.set.by_subject.len(),
        facilities: count(SubjectKind::Facility),
        cpcs: count(SubjectKind::Cpc),
        organizations: count(SubjectKind::Organization),
        actions: count(SubjectKind::Action),
        plans: count(SubjectKind::Plan),
        links: resolution.links.len(),
        possible_links: resolution
            .links
            .iter()
            .filter(|l| l.kind.starts_with("possible"))
            .count(),
        redirects: resolution.redirects.len(),
        // Read under the lock, so it is this run's row and not a later one.
        data_version: store::read_models::latest_version(conn)?.map(|(id, _)| id),
    };
    Ok((report, projected))
}
