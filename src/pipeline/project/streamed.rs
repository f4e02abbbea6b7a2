//! The full projection in bounded memory: facts are read from the store a chunk of entities
//! at a time, never all at once (at 100,000 facilities they are 7.4 million rows, and holding
//! them with the read models made from them peaked at 12.9 GB).
//!
//! Two passes over the entities of a [`Resolution`] whose fact set is empty
//! (`resolve::resolve_lean`):
//! 1. [`own_pass`]: each entity from its members' facts alone: its one-line summary (which
//!    every other record names it by), its own watch-feed bound and its last change.
//! 2. [`project_chunks`]: each record from its neighbourhood: the facts of its members, of the
//!    subjects that refer to them or that they refer to, and of the actions next to them,
//!    gathered in hops over an in-memory graph of the reference facts ([`ReferenceGraph`]).
//!    The records are projected by the same code as the in-memory projection, and a test
//!    requires the same rows from both.
//!
//! Memory is then the resolution's maps, the summaries and the reference graph (small per
//! entity), plus one chunk's facts and rows.

use super::watch_activity::OwnActivity;
use super::{action_details, change_times, summaries, Context, Emitted, Summary};
use crate::curation::view::CurationView;
use crate::pipeline::resolve::facts::FactSet;
use crate::pipeline::resolve::ids::EntityId;
use crate::pipeline::resolve::Resolution;
use crate::store::models::{ActionRow, EntityViewRow, EventRow, PlanRow};
use crate::store::{self, DbConnection, StoreError};
use chrono::NaiveDateTime;
use mieru_crawler::provenance::SubjectKind;
use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};

/// Entities per chunk of the first pass (their members' facts only).
const OWN_CHUNK: usize = 5_000;

/// How much one chunk of the second pass holds: records, and the subjects whose facts it
/// loads (a chunk never splits one record's neighbourhood, so a hub can exceed it alone).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkBudget {
    pub records: usize,
    pub subjects: usize,
}

impl ChunkBudget {
    pub const DEFAULT: Self = Self {
        records: 2_000,
        subjects: 40_000,
    };
}

/// Reference facts read per query while building the graph.
const GRAPH_PAGE: i64 = 200_000;

/// Which subject refers to which (the value of an operator, target, provider, … fact), both
/// ways, over every fact ever stated (retracted ones too: the projection shows history).
#[derive(Debug, Default)]
pub struct ReferenceGraph {
    index: HashMap<Box<str>, u32>,
    names: Vec<Box<str>>,
    out: Vec<Vec<u32>>,
    inn: Vec<Vec<u32>>,
}

impl ReferenceGraph {
    pub fn load(conn: &mut DbConnection) -> Result<Self, StoreError> {
        let mut graph = Self::default();
        let mut after = 0;
        loop {
            let page = store::facts::references_page(conn, after, GRAPH_PAGE)?;
            let Some(&(last, _, _)) = page.last() else {
                break;
            };
            for (_, subject, value) in &page {
                graph.add(subject, value);
            }
            after = last;
        }
        Ok(graph)
    }

    fn intern(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.index.get(s) {
            return i;
        }
        let i = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.index.insert(s.into(), i);
        self.names.push(s.into());
        self.out.push(Vec::new());
        self.inn.push(Vec::new());
        i
    }

    fn add(&mut self, subject: &str, value: &str) {
        let (from, to) = (self.intern(subject), self.intern(value));
        if let Some(out) = self.out.get_mut(from as usize) {
            if !out.contains(&to) {
                out.push(to);
            }
        }
        if let Some(inn) = self.inn.get_mut(to as usize) {
            if !inn.contains(&from) {
                inn.push(from);
            }
        }
    }

    /// The subjects at the other end of `subject`'s edges in one direction.
    fn along<'g>(
        &'g self,
        subject: &str,
        edges: &'g [Vec<u32>],
    ) -> impl Iterator<Item = &'g str> + 'g {
        self.index
            .get(subject)
            .and_then(|&i| edges.get(i as usize))
            .into_iter()
            .flatten()
            .filter_map(|&i| self.names.get(i as usize).map(|n| &**n))
    }

    /// The subjects `subject`'s facts refer to.
    pub fn referenced_by<'g>(&'g self, subject: &str) -> impl Iterator<Item = &'g str> + 'g {
        self.along(subject, &self.out)
    }

    /// The subjects with a fact that refers to `subject`.
    pub fn referring_to<'g>(&'g self, subject: &str) -> impl Iterator<Item = &'g str> + 'g {
        self.along(subject, &self.inn)
    }
}

/// What the first pass finds per entity.
#[derive(Debug, Default)]
pub struct OwnPass {
    pub summaries: HashMap<EntityId, Summary>,
    pub activity: OwnActivity,
    pub last_change: HashMap<String, NaiveDateTime>,
}

/// Summaries, own feed bounds and last changes of every entity, from its members' facts.
/// The bounds and changes count every fact; the summaries only those curation shows.
pub fn own_pass(
    conn: &mut DbConnection,
    res: &Resolution,
    curation: &CurationView,
) -> Result<OwnPass, StoreError> {
    let mut out = OwnPass::default();
    let ids: Vec<&EntityId> = res.members.keys().collect();
    for chunk in ids.chunks(OWN_CHUNK) {
        let subjects: Vec<String> = chunk
            .iter()
            .flat_map(|id| res.members.get(*id).into_iter().flatten().cloned())
            .collect();
        let mut set = load_set(conn, &subjects)?;
        for id in chunk {
            let members = res.members.get(*id).map(Vec::as_slice).unwrap_or(&[]);
            out.activity.record(&set, id, members);
            if res.entity_kind.get(*id) != Some(&SubjectKind::Plan) {
                if let Some(t) = change_times::last_change_of(&set, members) {
                    out.last_change.insert(id.to_string(), t);
                }
            }
        }
        curation.hide_facts(&mut set);
        let ctx = Context::over(
            res,
            &set,
            Cow::Owned(HashMap::new()),
            &crate::curation::view::EMPTY,
        );
        for id in chunk {
            let members = res.members.get(*id).map(Vec::as_slice).unwrap_or(&[]);
            out.summaries
                .insert((*id).clone(), summaries::summarize(&ctx, id, members));
        }
    }
    Ok(out)
}

/// The rows one chunk of records made.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct ChunkRows {
    pub views: Vec<EntityViewRow>,
    pub actions: Vec<ActionRow>,
    pub plans: Vec<PlanRow>,
    pub events: Vec<EventRow>,
}

/// Rows kept on disk between projecting them and storing them, so the write transaction that
/// replaces the read models lasts as long as the writing, not the projecting (on SQLite every
/// other writer waits for it). One JSON line per chunk, in a file deleted when dropped.
pub struct Spool {
    file: std::io::BufWriter<std::fs::File>,
    chunks: usize,
}

impl Spool {
    pub fn new() -> Result<Self, StoreError> {
        let file = tempfile::tempfile().map_err(spool_error)?;
        Ok(Self {
            file: std::io::BufWriter::new(file),
            chunks: 0,
        })
    }

    pub fn push(&mut self, rows: &ChunkRows) -> Result<(), StoreError> {
        use std::io::Write;
        serde_json::to_writer(&mut self.file, rows).map_err(|e| spool_error(e.into()))?;
        self.file.write_all(b"\n").map_err(spool_error)?;
        self.chunks += 1;
        Ok(())
    }

    /// Hands every chunk back, in the order pushed.
    pub fn replay(
        self,
        mut each: impl FnMut(ChunkRows) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        use std::io::{BufRead, Seek};
        let mut file = self
            .file
            .into_inner()
            .map_err(|e| spool_error(e.into_error()))?;
        file.rewind().map_err(spool_error)?;
        for line in std::io::BufReader::new(file).lines() {
            let line = line.map_err(spool_error)?;
            let rows: ChunkRows = serde_json::from_str(&line).map_err(|e| spool_error(e.into()))?;
            each(rows)?;
        }
        Ok(())
    }
}

fn spool_error(e: std::io::Error) -> StoreError {
    StoreError::Corrupt(format!("projection spool: {e}"))
}

/// Projects every record of `res` chunk by chunk, handing each chunk's rows to `write`.
/// Search documents are not made here: the index is rebuilt from the stored rows.
pub fn project_chunks(
    conn: &mut DbConnection,
    res: &Resolution,
    curation: &CurationView,
    summaries: &HashMap<EntityId, Summary>,
    now: NaiveDateTime,
    budget: ChunkBudget,
    mut write: impl FnMut(&mut DbConnection, ChunkRows) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    let graph = ReferenceGraph::load(conn)?;
    let near = Neighbourhoods::new(res, &graph);
    let mut owned: Vec<&EntityId> = Vec::new();
    let mut subjects: BTreeSet<&str> = BTreeSet::new();
    for id in near.reading_order() {
        near.add(id, &mut subjects);
        owned.push(id);
        if owned.len() >= budget.records || subjects.len() >= budget.subjects {
            let rows = project_chunk(conn, res, curation, summaries, &owned, &subjects, now)?;
            write(conn, rows)?;
            owned.clear();
            subjects.clear();
        }
    }
    if !owned.is_empty() {
        let rows = project_chunk(conn, res, curation, summaries, &owned, &subjects, now)?;
        write(conn, rows)?;
    }
    Ok(())
}

fn project_chunk(
    conn: &mut DbConnection,
    res: &Resolution,
    curation: &CurationView,
    summaries: &HashMap<EntityId, Summary>,
    owned: &[&EntityId],
    subjects: &BTreeSet<&str>,
    now: NaiveDateTime,
) -> Result<ChunkRows, StoreError> {
    let subjects: Vec<String> = subjects.iter().map(|s| (*s).to_owned()).collect();
    let mut set = load_set(conn, &subjects)?;
    curation.hide_facts(&mut set);
    let ctx = Context::over(res, &set, Cow::Borrowed(summaries), curation);
    // Every action whose facts were loaded: the owned ones and those next to owned records.
    let loaded_actions: BTreeSet<&EntityId> = subjects
        .iter()
        .filter_map(|s| res.entity_of.get(s))
        .filter(|id| res.entity_kind.get(*id) == Some(&SubjectKind::Action))
        .collect();
    let details = action_details(&ctx, loaded_actions.into_iter(), now);
    let mut out = Emitted::default();
    for id in owned {
        match res.entity_kind.get(*id) {
            Some(SubjectKind::Action) => {
                if let Some(detail) = details.get(*id) {
                    out.action(&ctx, detail, now);
                }
            }
            _ => out.record(&ctx, id, &details, now),
        }
    }
    Ok(ChunkRows {
        views: out.views,
        actions: out.actions,
        plans: out.plans,
        events: out.events,
    })
}

/// Every fact of `subjects`, with the documents and snapshots that state them.
fn load_set(conn: &mut DbConnection, subjects: &[String]) -> Result<FactSet, StoreError> {
    let facts = store::facts::of_subjects(conn, subjects)?;
    let (documents, snapshots) = store::documents::sources_of(conn, &facts)?;
    Ok(FactSet::new(facts, documents, snapshots))
}

/// The subjects a record's projection reads, found over the reference graph and the
/// resolution's memberships (what `serve::neighbourhood` gathers from the store for one
/// historical record, plus what decides the statuses of the actions next to it).
struct Neighbourhoods<'a> {
    res: &'a Resolution,
    graph: &'a ReferenceGraph,
    /// Entity ID → the entities it is linked with.
    linked: HashMap<&'a str, Vec<&'a str>>,
}

impl<'a> Neighbourhoods<'a> {
    fn new(res: &'a Resolution, graph: &'a ReferenceGraph) -> Self {
        let mut linked: HashMap<&str, Vec<&str>> = HashMap::new();
        for l in &res.links {
            linked.entry(&l.from_id).or_default().push(&l.to_id);
            linked.entry(&l.to_id).or_default().push(&l.from_id);
        }
        Self { res, graph, linked }
    }

    fn members(&self, id: &str) -> &'a [String] {
        self.res.members.get(id).map(Vec::as_slice).unwrap_or(&[])
    }

    fn kind(&self, subject: &str) -> Option<SubjectKind> {
        FactSet::kind_of(subject)
    }

    /// Records in an order that keeps neighbours together: each action and plan after the
    /// record it concerns first, so consecutive chunks read mostly the same facts.
    fn reading_order(&self) -> Vec<&'a EntityId> {
        let mut keyed: Vec<(&str, &EntityId)> = self
            .res
            .members
            .iter()
            .map(|(id, members)| {
                let anchor = match self.res.entity_kind.get(id) {
                    Some(SubjectKind::Action | SubjectKind::Plan) => members
                        .iter()
                        .flat_map(|s| self.graph.referenced_by(s))
                        .filter_map(|s| self.res.entity_of.get(s))
                        .map(|e| e.as_str())
                        .min(),
                    _ => None,
                };
                (anchor.unwrap_or(id.as_str()), id)
            })
            .collect();
        keyed.sort();
        keyed.into_iter().map(|(_, id)| id).collect()
    }

    /// Adds `subject` and every other member of its entity to `into`; the subjects that were
    /// new go to `fresh`.
    fn add_whole(&self, subject: &'a str, into: &mut BTreeSet<&'a str>, fresh: &mut Vec<&'a str>) {
        match self.res.entity_of.get(subject) {
            Some(id) => {
                for m in self.members(id) {
                    if into.insert(m) {
                        fresh.push(m);
                    }
                }
            }
            None => {
                if into.insert(subject) {
                    fresh.push(subject);
                }
            }
        }
    }

    /// Adds the neighbourhood of record `id` to `into`.
    fn add(&self, id: &'a EntityId, into: &mut BTreeSet<&'a str>) {
        let mut fresh = Vec::new();
        let seed = self.members(id);
        for s in seed {
            self.add_whole(s, into, &mut fresh);
        }
        // First hop: everything the record refers to or is referred to by, and the records
        // it is linked with.
        let mut next: Vec<&'a str> = Vec::new();
        for s in seed {
            next.extend(self.graph.referenced_by(s));
            next.extend(self.graph.referring_to(s));
        }
        for other in self.linked.get(id.as_str()).into_iter().flatten() {
            next.extend(self.members(other).iter().map(String::as_str));
        }
        let mut hop1 = Vec::new();
        for s in next {
            self.add_whole(s, into, &mut hop1);
        }
        // Second hop: what those refer to (names), and the actions concerning the plans and
        // actions among them; never the referrers of hubs (a committee, a CPC).
        let mut hop2 = Vec::new();
        for s in &hop1 {
            let follows_in = matches!(self.kind(s), Some(SubjectKind::Plan | SubjectKind::Action));
            let outwards: Vec<&'a str> = self.graph.referenced_by(s).collect();
            for r in outwards {
                self.add_whole(r, into, &mut hop2);
            }
            if follows_in {
                let inwards: Vec<&'a str> = self.graph.referring_to(s).collect();
                for r in inwards {
                    self.add_whole(r, into, &mut hop2);
                }
            }
        }
        // An action's status is decided among the actions on its targets: for every action
        // reached, the other actions on its targets, and what they refer to.
        let actions: Vec<&'a str> = seed
            .iter()
            .map(String::as_str)
            .chain(fresh.iter().copied())
            .chain(hop1.iter().copied())
            .chain(hop2.iter().copied())
            .filter(|s| self.kind(s) == Some(SubjectKind::Action))
            .collect();
        let mut near = Vec::new();
        for a in actions {
            for target in self.graph.referenced_by(a) {
                for other in self.graph.referring_to(target) {
                    if self.kind(other) == Some(SubjectKind::Action) {
                        self.add_whole(other, into, &mut near);
                    }
                }
            }
        }
        let mut names = Vec::new();
        for other in near {
            for r in self.graph.referenced_by(other) {
                self.add_whole(r, into, &mut names);
            }
        }
    }
}
