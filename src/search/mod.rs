//! Full-text search over facilities, CPCs, organizations, actions and plans (tantivy).
//!
//! The index is a cache: it is rebuilt from the database at any time ([`SearchIndex::rebuild`])
//! and caught up after each ingest ([`SearchIndex::upsert`], [`SearchIndex::remove`]). It depends
//! on nothing else of the root package; callers hand it [`IndexDoc`]s.
//!
//! Japanese text has no spaces, so names, addresses and text are indexed as CJK bigrams after one
//! shared folding ([`fold`], [`cjk_bigram`]); identifiers and exact names sit in raw fields whose
//! matches outrank any bigram match (the ranking tiers are described in `query.rs`). Users'
//! strings are never parsed as a query language.
//!
//! May depend on: `mieru-text` and `mieru-web`'s search request and hit types.
//! Must not depend on: `store`, `pipeline`, `serve` or `app` — it is handed documents.

pub mod cjk_bigram;
mod facets;
pub mod fold;
mod query;
mod schema;
#[cfg(test)]
mod tests;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use mieru_web::model::{SearchHit, SearchRequest, SearchResults};
use serde::{Deserialize, Serialize};
use tantivy::collector::{Count, TopDocs};
use tantivy::schema::Value;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DocAddress, Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use cjk_bigram::{CjkBigramTokenizer, TOKENIZER_NAME};
use facets::{FacetCollector, FacetFields};
use schema::{build_schema, Fields};

pub use query::MAX_QUERY_CHARS;

/// Version of the schema and of the tokens it holds. An index on disk written under another
/// version is recreated empty (and must be rebuilt): bump it whenever `schema.rs`, `fold.rs` or
/// `cjk_bigram.rs` change what gets indexed.
pub const SCHEMA_VERSION: &str = "mieru-search-1";
/// File beside the index segments that records [`SCHEMA_VERSION`].
pub const VERSION_FILE: &str = "mieru-search-version";

/// Commit payload prefix recording the database data version an index was built from.
const DATA_VERSION_PAYLOAD: &str = "mieru-data-version=";

/// Hits per page when the request says 0.
pub const DEFAULT_LIMIT: usize = 20;
/// Larger pages are cut to this.
pub const MAX_LIMIT: usize = 200;
/// Deeper paging is refused: ranking that far is costly and no person reads it.
pub const MAX_OFFSET: usize = 10_000;

/// Indexing memory budget of the single writer thread.
const WRITER_MEMORY_BYTES: usize = 64 * 1024 * 1024;

/// One searchable entity, as the caller (the projection from the database) describes it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexDoc {
    /// mieru ID or plan number; unique across the index.
    pub id: String,
    /// `facility`, `cpc`, `organization`, `action` or `plan`.
    pub entity: String,
    /// Current name (an action's headline, a plan's title).
    pub name: String,
    pub former_names: Vec<String>,
    /// Every address it had, with prefecture; the first is shown as the current one.
    pub addresses: Vec<String>,
    pub prefecture: Option<String>,
    /// 計画番号, 施設番号, 法人番号, jRCT IDs, committee numbers.
    pub identifiers: Vec<String>,
    /// Operator or corporation names, an action's target names, a plan's provider.
    pub related_names: Vec<String>,
    /// Free text: findings, measures, plan titles.
    pub text: Vec<String>,
    pub action_count: u32,
    pub action_types: Vec<String>,
    /// Years of its actions (and of a plan's submission).
    pub years: Vec<i32>,
}

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The user's query cannot be run (empty, too long, control characters, paging too deep):
    /// a 400 upstream.
    #[error("bad query: {0}")]
    BadQuery(String),
    /// The index failed (I/O, corruption, a poisoned lock): a 500 upstream.
    #[error("search index error: {0}")]
    Index(String),
}

impl From<tantivy::TantivyError> for SearchError {
    fn from(e: tantivy::TantivyError) -> Self {
        SearchError::Index(e.to_string())
    }
}

impl From<std::io::Error> for SearchError {
    fn from(e: std::io::Error) -> Self {
        SearchError::Index(e.to_string())
    }
}

/// The index, its reader and its one writer. `Send + Sync`: share it behind an `Arc`.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
    created: bool,
    /// Bumped after every reload that made a commit visible: whole search answers are kept
    /// per generation (`mieru_web::response_cache`).
    generation: std::sync::atomic::AtomicU64,
    /// Whether large indexes leave near-universal tokens out of the match gate (on unless a
    /// benchmark compares; see `query::gate_tokens`).
    pruning: std::sync::atomic::AtomicBool,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("docs", &self.doc_count())
            .field("created", &self.created)
            .finish()
    }
}

impl SearchIndex {
    /// Opens the index in `dir` (which it owns), or creates it. An index written under another
    /// [`SCHEMA_VERSION`], or with no version recorded, is deleted and recreated empty;
    /// [`SearchIndex::was_created`] then says the caller must rebuild it.
    pub fn open_or_create(dir: &Path) -> Result<Self, SearchError> {
        fs::create_dir_all(dir)?;
        let version_path = dir.join(VERSION_FILE);
        let recorded = fs::read_to_string(&version_path).ok();
        let has_index = dir.join("meta.json").exists();
        let schema = build_schema();

        let existing = if has_index && recorded.as_deref().map(str::trim) == Some(SCHEMA_VERSION) {
            let index = Index::open_in_dir(dir)?;
            // Same version but another schema means someone forgot the bump: never read it.
            (index.schema() == schema).then_some(index)
        } else {
            None
        };
        let (index, created) = match existing {
            Some(index) => (index, false),
            None => {
                if has_index {
                    tracing::info!(dir = %dir.display(), "search index schema changed; recreating it empty");
                    remove_index_files(dir)?;
                }
                (Index::create_in_dir(dir, schema)?, true)
            }
        };
        // Written after the index exists: a crash in between leaves no version, so a recreate.
        fs::write(&version_path, SCHEMA_VERSION)?;
        Self::from_index(index, created)
    }

    /// An index in memory, for tests and for a demo that rebuilds it on start.
    pub fn in_memory() -> Result<Self, SearchError> {
        Self::from_index(Index::create_in_ram(build_schema()), true)
    }

    fn from_index(index: Index, created: bool) -> Result<Self, SearchError> {
        // Tokenizers are not stored in the index: register ours on every open.
        index.tokenizers().register(
            TOKENIZER_NAME,
            TextAnalyzer::from(CjkBigramTokenizer::default()),
        );
        let fields = Fields::resolve(&index.schema())?;
        // Manual reload right after each commit: a search after `upsert` returns sees it.
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let writer = index.writer_with_num_threads(1, WRITER_MEMORY_BYTES)?;
        Ok(Self {
            index,
            reader,
            writer: Mutex::new(writer),
            fields,
            created,
            generation: std::sync::atomic::AtomicU64::new(0),
            pruning: std::sync::atomic::AtomicBool::new(true),
        })
    }

    /// How many commits this process has made visible. A search that starts after reading it
    /// sees at least that commit: the count moves only once the reader has reloaded.
    pub fn generation(&self) -> u64 {
        self.generation.load(std::sync::atomic::Ordering::Acquire)
    }

    /// Whether this index was created empty by this open (new, or recreated after a schema
    /// change): the caller should [`SearchIndex::rebuild`] it from the database.
    pub fn was_created(&self) -> bool {
        self.created
    }

    /// Replaces the whole content with `docs`, in one commit; returns how many were indexed. On
    /// error the previous content stays.
    pub fn rebuild(&self, docs: impl IntoIterator<Item = IndexDoc>) -> Result<u64, SearchError> {
        self.rebuild_at_version(docs, None)
    }

    /// Like [`SearchIndex::rebuild`], and records in the same commit which database data
    /// version (`data_versions` id) the documents reflect, for [`SearchIndex::data_version`].
    pub fn rebuild_at_version(
        &self,
        docs: impl IntoIterator<Item = IndexDoc>,
        version: Option<i64>,
    ) -> Result<u64, SearchError> {
        self.rebuild_fallible(docs.into_iter().map(Ok), version)
    }

    /// [`Self::rebuild_at_version`] from a source that can fail while it is read (documents
    /// paged from the database): the first error rolls the whole rebuild back.
    pub fn rebuild_fallible(
        &self,
        docs: impl IntoIterator<Item = Result<IndexDoc, SearchError>>,
        version: Option<i64>,
    ) -> Result<u64, SearchError> {
        let mut writer = self.lock_writer()?;
        let result = (|| {
            writer.delete_all_documents()?;
            let mut count = 0u64;
            for doc in docs {
                writer.add_document(self.to_document(&doc?)?)?;
                count += 1;
            }
            let mut commit = writer.prepare_commit()?;
            if let Some(v) = version {
                commit.set_payload(&format!("{DATA_VERSION_PAYLOAD}{v}"));
            }
            commit.commit()?;
            Ok(count)
        })();
        self.finish(&mut writer, result)
    }

    /// The data version the last commit was built from; `None` when unknown (never recorded,
    /// or the last commit was an `upsert`/`remove`, which record none).
    pub fn data_version(&self) -> Result<Option<i64>, SearchError> {
        let metas = self.index.load_metas()?;
        Ok(metas
            .payload
            .as_deref()
            .and_then(|p| p.strip_prefix(DATA_VERSION_PAYLOAD))
            .and_then(|v| v.parse().ok()))
    }

    /// Adds `docs`, replacing any document with the same `id`, in one commit.
    pub fn upsert(&self, docs: impl IntoIterator<Item = IndexDoc>) -> Result<(), SearchError> {
        let mut writer = self.lock_writer()?;
        let result = (|| {
            for doc in docs {
                writer.delete_term(Term::from_field_text(self.fields.id, &doc.id));
                writer.add_document(self.to_document(&doc)?)?;
            }
            writer.commit()?;
            Ok(())
        })();
        self.finish(&mut writer, result)
    }

    /// Removes the documents with these ids (unknown ids are ignored), in one commit.
    pub fn remove(&self, ids: &[String]) -> Result<(), SearchError> {
        let mut writer = self.lock_writer()?;
        let result = (|| {
            for id in ids {
                writer.delete_term(Term::from_field_text(self.fields.id, id));
            }
            writer.commit()?;
            Ok(())
        })();
        self.finish(&mut writer, result)
    }

    /// Turns the pruning of near-universal tokens on or off (it is on): for measuring what it
    /// costs in recall and buys in time.
    pub fn set_pruning(&self, on: bool) {
        self.pruning.store(on, std::sync::atomic::Ordering::Relaxed);
    }

    /// Runs a search: ranked hits for the requested page, the total number of matches, and facet
    /// counts over all of them.
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResults, SearchError> {
        if req.offset > MAX_OFFSET {
            return Err(SearchError::BadQuery(format!(
                "offset is larger than {MAX_OFFSET}"
            )));
        }
        let searcher = self.reader.searcher();
        let pruning = self.pruning.load(std::sync::atomic::Ordering::Relaxed);
        let plan = query::build(&self.fields, req, Some(&searcher).filter(|_| pruning))?;
        let limit = match req.limit {
            0 => DEFAULT_LIMIT,
            n => n.min(MAX_LIMIT),
        };
        let facet_fields = FacetFields {
            prefecture: schema::F_PREFECTURE,
            kind: schema::F_ENTITY,
            action_type: schema::F_ACTION_TYPES,
            year: schema::F_YEARS,
        };
        let (top, total, tally) = searcher.search(
            &*plan.query,
            &(
                TopDocs::with_limit(limit).and_offset(req.offset),
                Count,
                FacetCollector::new(facet_fields),
            ),
        )?;
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top {
            let doc = self.load(&searcher, address)?;
            hits.push(SearchHit {
                matched: query::matched(&plan, &doc).map(str::to_owned),
                id: doc.id,
                entity: doc.entity,
                name: doc.name,
                former_names: doc.former_names,
                prefecture: doc.prefecture,
                address: doc.addresses.into_iter().next(),
                action_count: doc.action_count,
                score,
            });
        }
        Ok(SearchResults {
            query: req.q.trim().to_owned(),
            total: total as u64,
            hits,
            facets: tally.into_facets(),
        })
    }

    /// Documents currently searchable.
    pub fn doc_count(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    fn lock_writer(&self) -> Result<MutexGuard<'_, IndexWriter>, SearchError> {
        self.writer
            .lock()
            .map_err(|_| SearchError::Index("the index writer lock is poisoned".into()))
    }

    /// Commits made it visible; failures are rolled back so the next call starts clean.
    fn finish<T>(
        &self,
        writer: &mut IndexWriter,
        result: Result<T, SearchError>,
    ) -> Result<T, SearchError> {
        match result {
            Ok(value) => {
                self.reader.reload()?;
                self.generation
                    .fetch_add(1, std::sync::atomic::Ordering::AcqRel);
                Ok(value)
            }
            Err(e) => {
                if let Err(rollback) = writer.rollback() {
                    tracing::error!(error = %rollback, "search index rollback failed");
                }
                Err(e)
            }
        }
    }

    fn load(
        &self,
        searcher: &tantivy::Searcher,
        address: DocAddress,
    ) -> Result<IndexDoc, SearchError> {
        let stored: TantivyDocument = searcher.doc(address)?;
        let json = stored
            .get_first(self.fields.doc)
            .and_then(|v| v.as_str())
            .ok_or_else(|| SearchError::Index("a document has no stored body".into()))?;
        serde_json::from_str(json)
            .map_err(|e| SearchError::Index(format!("a stored document is unreadable: {e}")))
    }

    fn to_document(&self, doc: &IndexDoc) -> Result<TantivyDocument, SearchError> {
        let f = &self.fields;
        // The id is the key of upsert and remove: a document without one could never be replaced.
        if doc.id.trim().is_empty() {
            return Err(SearchError::Index(format!(
                "a {} document named {:?} has an empty id",
                doc.entity, doc.name
            )));
        }
        let mut d = TantivyDocument::new();
        d.add_text(f.id, &doc.id);
        d.add_text(f.entity, &doc.entity);

        let bigram_fields = [
            (f.name, std::slice::from_ref(&doc.name)),
            (f.former_names, doc.former_names.as_slice()),
            (f.addresses, doc.addresses.as_slice()),
            (f.related_names, doc.related_names.as_slice()),
            (f.text, doc.text.as_slice()),
            (f.all, doc.identifiers.as_slice()),
        ];
        for (field, values) in bigram_fields {
            for value in values.iter().filter(|v| !v.trim().is_empty()) {
                d.add_text(field, value);
                if field != f.all {
                    d.add_text(f.all, value);
                }
            }
        }

        let identifiers: BTreeSet<String> = doc
            .identifiers
            .iter()
            .chain(std::iter::once(&doc.id))
            .map(|i| fold::identifier(i))
            .filter(|i| !i.is_empty())
            .collect();
        for id in &identifiers {
            d.add_text(f.identifiers, id);
        }
        let own_id = fold::identifier(&doc.id);
        if !own_id.is_empty() {
            d.add_text(f.identifiers, query::own_id_term(&own_id));
        }
        let name_forms: BTreeSet<String> = query::exact_forms(&doc.name).into_iter().collect();
        for form in &name_forms {
            d.add_text(f.name_exact, form);
        }
        let former_forms: BTreeSet<String> = doc
            .former_names
            .iter()
            .flat_map(|n| query::exact_forms(n))
            .collect();
        for form in &former_forms {
            d.add_text(f.former_exact, form);
        }

        if let Some(prefecture) = doc.prefecture.as_deref().map(str::trim) {
            if !prefecture.is_empty() {
                d.add_text(f.prefecture, prefecture);
            }
        }
        // Facets count documents: a value listed twice must count once.
        let action_types: BTreeSet<&str> = doc
            .action_types
            .iter()
            .map(|t| t.trim())
            .filter(|t| !t.is_empty())
            .collect();
        for action_type in action_types {
            d.add_text(f.action_types, action_type);
        }
        let years: BTreeSet<i32> = doc.years.iter().copied().collect();
        for year in years {
            d.add_i64(f.years, i64::from(year));
        }
        d.add_u64(f.action_count, u64::from(doc.action_count));
        let json = serde_json::to_string(doc)
            .map_err(|e| SearchError::Index(format!("cannot serialise a document: {e}")))?;
        d.add_text(f.doc, json);
        Ok(d)
    }

    /// The tantivy index, for maintenance tools (e.g. space usage); not needed to search.
    pub fn tantivy_index(&self) -> &Index {
        &self.index
    }
}

/// Deletes the files of an index in `dir` (flat: tantivy writes no subdirectories), leaving any
/// subdirectory alone in case the caller put something there.
fn remove_index_files(dir: &Path) -> Result<(), SearchError> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}
