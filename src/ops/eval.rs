//! The labeled evaluation set (`eval/`): ingest its documents with the real adapters, then
//! score the stored resolution against the gold clusters and relations.

use crate::app::Mieru;
use crate::pipeline::ingest::StoreSink;
use crate::store::models::LinkRow;
use crate::store::{self, DbConnection, StoreError};
use chrono::Utc;
use mieru_crawler::document::Document;
use mieru_crawler::fetch::RawBody;
use mieru_crawler::provenance::DocumentMeta;
use mieru_crawler::sink::Sink;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("reading {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("parsing {path}: {source}")]
    Json {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("unknown source {0:?} in the manifest")]
    UnknownSource(String),
    #[error("ingest: {0}")]
    Ingest(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Debug, Clone, Deserialize)]
pub struct EvalDoc {
    pub source: String,
    /// Relative to the evaluation directory.
    pub path: String,
    /// The URL the document is read as (adapters take bureau and list kind from it).
    pub url: String,
}

#[derive(Debug, Clone, Deserialize)]
struct Manifest {
    documents: Vec<EvalDoc>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct GoldEntity {
    pub id: String,
    pub kind: String,
    #[serde(default)]
    pub case: String,
    pub subjects: Vec<String>,
    /// The distinct spellings of the entity in the labelled documents.
    #[serde(default)]
    pub names: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct GoldRelation {
    pub from: String,
    pub to: String,
    /// `successor` (registry-proven) or `possible_successor`.
    pub kind: String,
}

/// Two rows a labeller compared, with the reason of the decision.
#[derive(Debug, Clone, Deserialize)]
pub struct GoldPair {
    pub a: String,
    pub b: String,
    #[serde(default)]
    pub why: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Gold {
    pub entities: Vec<GoldEntity>,
    /// Successor relations; the real plan-list set has none (a list cannot prove one).
    #[serde(default)]
    pub relations: Vec<GoldRelation>,
    /// Rows labelled as two facilities although they look alike.
    #[serde(default)]
    pub hard_negatives: Vec<GoldPair>,
    /// Rows the labeller could not decide: they should reach a curator as `possible_same`.
    #[serde(default)]
    pub undecided: Vec<GoldPair>,
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, EvalError> {
    let text = std::fs::read_to_string(path).map_err(|source| EvalError::Io {
        path: path.to_owned(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|source| EvalError::Json {
        path: path.to_owned(),
        source,
    })
}

pub fn load(dir: &Path) -> Result<(Vec<EvalDoc>, Gold), EvalError> {
    let manifest: Manifest = read_json(&dir.join("manifest.json"))?;
    let gold: Gold = read_json(&dir.join("gold.json"))?;
    Ok((manifest.documents, gold))
}

/// Reads each document with its source's adapter, as if fetched from its URL, into the store.
pub fn ingest(app: &Mieru, dir: &Path, docs: &[EvalDoc]) -> Result<usize, EvalError> {
    let mut sink = StoreSink::new(app.pool.clone(), app.archive.clone());
    for d in docs {
        let adapter = mieru_crawler::adapters::by_name(&d.source)
            .ok_or_else(|| EvalError::UnknownSource(d.source.clone()))?;
        let path = dir.join(&d.path);
        let bytes = std::fs::read(&path).map_err(|source| EvalError::Io {
            path: path.clone(),
            source,
        })?;
        let content_type = match path.extension().and_then(|e| e.to_str()) {
            Some("csv") => "text/csv",
            Some("zip") => "application/zip",
            Some("pdf") => "application/pdf",
            _ => "text/html",
        };
        let mut meta = DocumentMeta {
            source: adapter.name().to_owned(),
            url: d.url.clone(),
            fetched_at: Utc::now(),
            http_status: 200,
            content_type: Some(content_type.to_owned()),
            etag: None,
            last_modified: None,
            sha256: hex::encode(Sha256::digest(&bytes)),
            size: u64::try_from(bytes.len()).unwrap_or(u64::MAX),
            encoding: None,
        };
        let body = mieru_crawler::decode::decode(&mut meta, &bytes);
        let doc = Document { meta, body };
        let outcome = adapter.parse(&doc);
        if let Err(e) = &outcome {
            return Err(EvalError::Ingest(format!("{}: {e}", d.path)));
        }
        sink.document(&doc.meta, &RawBody::Memory(bytes), &outcome)
            .map_err(|e| EvalError::Ingest(e.to_string()))?;
    }
    Ok(sink.stats.documents)
}

/// Pairwise scores of identity links, false merges, and the relations found.
#[derive(Debug, Clone, Default)]
pub struct Metrics {
    pub gold_subjects: usize,
    /// Gold subject keys the adapters did not produce (the gold file is out of step).
    pub missing_subjects: Vec<String>,
    pub true_pairs: u64,
    pub predicted_pairs: u64,
    pub gold_pairs: u64,
    /// Per predicted entity: how many gold entities beyond the first it swallowed.
    pub false_merges: usize,
    pub relations_expected: usize,
    pub relations_found: usize,
    /// Successor links between gold entities that the gold file does not expect.
    pub spurious_successors: usize,
    /// Possible links stored without any evidence item.
    pub possible_without_evidence: usize,
    pub possible_links: usize,
    /// Undecided gold pairs shown as a possible link (or resolved as one entity), of all.
    pub undecided_surfaced: usize,
    pub undecided: usize,
    /// Hard negatives (two facilities) that nevertheless got a possible link: noise for a
    /// curator, not a wrong merge.
    pub possible_on_hard_negatives: usize,
    /// Possible links between two parts of one gold entity: a split a curator can close.
    pub possible_within_gold: usize,
    /// Human-readable errors: split pairs, false merges, missed relations.
    pub errors: Vec<String>,
}

impl Metrics {
    pub fn precision(&self) -> f64 {
        if self.predicted_pairs == 0 {
            1.0
        } else {
            self.true_pairs as f64 / self.predicted_pairs as f64
        }
    }

    pub fn recall(&self) -> f64 {
        if self.gold_pairs == 0 {
            1.0
        } else {
            self.true_pairs as f64 / self.gold_pairs as f64
        }
    }

    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

fn pairs(n: usize) -> u64 {
    let n = n as u64;
    n * n.saturating_sub(1) / 2
}

/// Scores what the store holds now (members and links) against the gold file.
pub fn score(conn: &mut DbConnection, gold: &Gold) -> Result<Metrics, StoreError> {
    let members = store::entities::members(conn)?;
    let links = store::entities::all_links(conn)?;
    let mut m = Metrics::default();

    let mut gold_of: HashMap<&str, &str> = HashMap::new();
    for g in &gold.entities {
        for s in &g.subjects {
            gold_of.insert(s.as_str(), g.id.as_str());
        }
    }
    m.gold_subjects = gold_of.len();
    // predicted entity → gold entity → count
    let mut table: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    let mut gold_sizes: BTreeMap<&str, usize> = BTreeMap::new();
    for (s, g) in &gold_of {
        let Some(e) = members.get(*s) else {
            m.missing_subjects.push((*s).to_owned());
            continue;
        };
        *table.entry(e.as_str()).or_default().entry(g).or_default() += 1;
        *gold_sizes.entry(g).or_default() += 1;
    }
    m.missing_subjects.sort();
    for (entity, by_gold) in &table {
        let total: usize = by_gold.values().sum();
        m.predicted_pairs += pairs(total);
        m.true_pairs += by_gold.values().map(|n| pairs(*n)).sum::<u64>();
        if by_gold.len() > 1 {
            m.false_merges += by_gold.len() - 1;
            m.errors.push(format!(
                "false merge: {entity} holds gold {:?}",
                by_gold.keys().collect::<Vec<_>>()
            ));
        }
    }
    m.gold_pairs = gold_sizes.values().map(|n| pairs(*n)).sum();
    // Gold entities split over several predicted entities.
    let mut split: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (entity, by_gold) in &table {
        for g in by_gold.keys() {
            split.entry(g).or_default().insert(entity);
        }
    }
    for (g, entities) in split.iter().filter(|(_, e)| e.len() > 1) {
        m.errors
            .push(format!("split: gold {g} is entities {entities:?}"));
    }

    let entity_of = |s: &str| members.get(s).map(String::as_str);
    let expected: BTreeSet<(&str, &str)> = gold
        .relations
        .iter()
        .filter_map(|r| Some((entity_of(&r.from)?, entity_of(&r.to)?)))
        .collect();
    m.relations_expected = gold.relations.len();
    for r in &gold.relations {
        let (Some(from), Some(to)) = (entity_of(&r.from), entity_of(&r.to)) else {
            m.errors.push(format!("relation endpoints missing: {r:?}"));
            continue;
        };
        let found = links.iter().any(|l| {
            l.from_id == from
                && l.to_id == to
                && (l.kind == r.kind || (r.kind == "possible_successor" && l.kind == "successor"))
        });
        if found {
            m.relations_found += 1;
        } else {
            m.errors.push(format!("missed {} {from} → {to}", r.kind));
        }
    }
    score_possible(&mut m, gold, &links, &table, &members);
    let gold_entities: BTreeSet<&str> = table.keys().copied().collect();
    for l in &links {
        if l.kind.starts_with("possible") {
            m.possible_links += 1;
            let items: Vec<serde_json::Value> =
                serde_json::from_str(&l.evidence).unwrap_or_default();
            if items.is_empty() {
                m.possible_without_evidence += 1;
            }
        }
        let successor = l.kind == "successor" || l.kind == "possible_successor";
        if successor
            && gold_entities.contains(l.from_id.as_str())
            && gold_entities.contains(l.to_id.as_str())
            && !expected.contains(&(l.from_id.as_str(), l.to_id.as_str()))
        {
            m.spurious_successors += 1;
            m.errors
                .push(format!("unexpected {} {} → {}", l.kind, l.from_id, l.to_id));
        }
    }
    Ok(m)
}

/// Where the possible links fall: on the labeller's undecided pairs (wanted), on hard
/// negatives (noise for a curator), or between two parts of one labelled facility (a split a
/// curator can close).
fn score_possible(
    m: &mut Metrics,
    gold: &Gold,
    links: &[LinkRow],
    table: &BTreeMap<&str, BTreeMap<&str, usize>>,
    members: &HashMap<String, String>,
) {
    let entity_of = |s: &str| members.get(s).map(String::as_str);
    let possible: BTreeSet<(&str, &str)> = links
        .iter()
        .filter(|l| l.kind.starts_with("possible"))
        .flat_map(|l| {
            [
                (l.from_id.as_str(), l.to_id.as_str()),
                (l.to_id.as_str(), l.from_id.as_str()),
            ]
        })
        .collect();
    let linked = |p: &GoldPair| match (entity_of(&p.a), entity_of(&p.b)) {
        (Some(a), Some(b)) => a == b || possible.contains(&(a, b)),
        _ => false,
    };
    m.undecided = gold.undecided.len();
    for p in &gold.undecided {
        if linked(p) {
            m.undecided_surfaced += 1;
        } else {
            m.errors
                .push(format!("undecided pair not shown: {} / {}", p.a, p.b));
        }
    }
    for p in gold.hard_negatives.iter().filter(|p| linked(p)) {
        m.possible_on_hard_negatives += 1;
        m.errors.push(format!(
            "possible link on a hard negative: {} / {}",
            p.a, p.b
        ));
    }
    m.possible_within_gold = links
        .iter()
        .filter(|l| l.kind.starts_with("possible"))
        .filter(|l| {
            table.get(l.from_id.as_str()).is_some_and(|from| {
                table
                    .get(l.to_id.as_str())
                    .is_some_and(|to| from.keys().any(|g| to.contains_key(g)))
            })
        })
        .count();
}

/// One search a person would type for a labelled facility (`search_cases.json`).
#[derive(Debug, Clone, Deserialize)]
pub struct SearchCase {
    pub query: String,
    /// The gold entity the query must find.
    pub entity: String,
    /// `as_written`, `halfwidth`, `hiragana` or `without_corporation`.
    pub form: String,
}

/// The set's search cases; an empty list when it has none.
pub fn load_search_cases(dir: &Path) -> Result<Vec<SearchCase>, EvalError> {
    let path = dir.join("search_cases.json");
    if !path.exists() {
        return Ok(Vec::new());
    }
    read_json(&path)
}

/// How often the first facility hit is the labelled facility, per query form.
#[derive(Debug, Clone, Default)]
pub struct SearchMetrics {
    /// form → (first hit right, cases)
    pub by_form: BTreeMap<String, (usize, usize)>,
    pub misses: Vec<String>,
}

impl SearchMetrics {
    pub fn total(&self) -> (usize, usize) {
        self.by_form
            .values()
            .fold((0, 0), |(h, n), (fh, fn_)| (h + fh, n + fn_))
    }

    pub fn rate(&self) -> f64 {
        let (hits, cases) = self.total();
        if cases == 0 {
            1.0
        } else {
            hits as f64 / cases as f64
        }
    }
}

/// Runs every case against an index of `docs` (what the resolution projected). A case counts
/// when the first `facility` hit is an entity holding one of the gold entity's rows (a split
/// gold entity is found through any of its parts; a false merge is scored by [`score`]).
pub fn score_search(
    conn: &mut DbConnection,
    docs: Vec<crate::search::IndexDoc>,
    gold: &Gold,
    cases: &[SearchCase],
) -> Result<SearchMetrics, EvalError> {
    let index_error = |e: crate::search::SearchError| EvalError::Ingest(format!("index: {e}"));
    let index = crate::search::SearchIndex::in_memory().map_err(index_error)?;
    index.rebuild(docs).map_err(index_error)?;
    let members = store::entities::members(conn)?;
    let mut entities_of: HashMap<&str, BTreeSet<&str>> = HashMap::new();
    for g in &gold.entities {
        let set = entities_of.entry(g.id.as_str()).or_default();
        set.extend(
            g.subjects
                .iter()
                .filter_map(|s| members.get(s).map(String::as_str)),
        );
    }
    let mut m = SearchMetrics::default();
    for case in cases {
        let req = mieru_web::model::SearchRequest {
            q: case.query.clone(),
            limit: 20,
            ..Default::default()
        };
        let results = index
            .search(&req)
            .map_err(|e| EvalError::Ingest(format!("search {:?}: {e}", case.query)))?;
        let first = results.hits.iter().find(|h| h.entity == "facility");
        let right = first.is_some_and(|h| {
            entities_of
                .get(case.entity.as_str())
                .is_some_and(|set| set.contains(h.id.as_str()))
        });
        let tally = m.by_form.entry(case.form.clone()).or_default();
        tally.1 += 1;
        if right {
            tally.0 += 1;
        } else {
            m.misses.push(format!(
                "{} {:?} ({}) → {}",
                case.entity,
                case.query,
                case.form,
                first.map_or("no facility".to_owned(), |h| format!("{} {}", h.id, h.name))
            ));
        }
    }
    Ok(m)
}
