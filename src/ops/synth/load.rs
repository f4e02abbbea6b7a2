//! `mieru synth`: writes the synthetic registry into a data directory — documents archived
//! (so `mieru check` finds every referenced file), facts in the database in batches — so that
//! resolution, projection, indexing and the server run over it as over a crawl.

use std::time::{Duration, Instant};

use chrono::NaiveDate;

use super::facts::HOST;
use super::{Corpus, Spec};
use crate::app::Mieru;
use crate::archive::{Archive, ArchiveError};
use crate::pipeline::refresh::ResolveReport;
use crate::store::bulk::{self, BulkDocument};
use crate::store::{DbConnection, DbPool, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Archive(#[from] ArchiveError),
    #[error("this database already holds a synthetic registry (documents on {HOST}); load into a fresh data directory")]
    AlreadyLoaded,
    #[error(transparent)]
    App(#[from] crate::app::AppError),
}

/// A load, then (unless skipped) resolution with projection, then the index, each timed.
#[derive(Debug)]
pub struct SynthReport {
    pub load: LoadReport,
    pub resolved: Option<(ResolveReport, Duration)>,
    pub indexed: Option<(u64, Duration)>,
}

impl std::fmt::Display for Progress<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Batch { done, total } => write!(f, "loaded {done}/{total} facilities"),
            Self::Loaded(load) => write!(f, "load: {load}"),
            Self::Resolved(report, took) => write!(f, "resolve + project: {took:.1?}: {report}"),
            Self::Indexed(docs, took) => write!(f, "index: {docs} documents in {took:.1?}"),
        }
    }
}

/// What [`run`] reports as it goes (a load of 100,000 facilities takes minutes).
#[derive(Debug)]
pub enum Progress<'a> {
    /// Facilities written so far, of the total.
    Batch {
        done: usize,
        total: usize,
    },
    Loaded(&'a LoadReport),
    Resolved(&'a ResolveReport, Duration),
    Indexed(u64, Duration),
}

/// `mieru synth`: load into the data directory, then resolve (which projects the read models)
/// and rebuild the index from them, as `mieru resolve` and `mieru index` would.
pub fn run(
    app: &Mieru,
    spec: &Spec,
    resolve: bool,
    progress: &mut dyn FnMut(Progress<'_>),
) -> Result<SynthReport, LoadError> {
    let load = load(
        &app.pool,
        &app.archive,
        spec,
        DEFAULT_BLOCK,
        &mut |done, total| progress(Progress::Batch { done, total }),
    )?;
    progress(Progress::Loaded(&load));
    let mut report = SynthReport {
        load,
        resolved: None,
        indexed: None,
    };
    if resolve {
        let started = Instant::now();
        let mut conn = app.pool.get().map_err(StoreError::from)?;
        let resolved = crate::pipeline::refresh::run(&mut conn)?;
        drop(conn);
        progress(Progress::Resolved(&resolved, started.elapsed()));
        report.resolved = Some((resolved, started.elapsed()));
        let started = Instant::now();
        let index = app.open_index()?;
        let docs = app.rebuild_index(&index)?;
        progress(Progress::Indexed(docs, started.elapsed()));
        report.indexed = Some((docs, started.elapsed()));
    }
    Ok(report)
}

/// What a load wrote and how long it took.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoadReport {
    pub facilities: usize,
    pub corpus_events: usize,
    pub documents: usize,
    pub facts: usize,
    pub generated_in: Duration,
    pub loaded_in: Duration,
}

impl std::fmt::Display for LoadReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} facilities ({} corpus events) → {} documents, {} facts; generated in {:.1?}, loaded in {:.1?}",
            self.facilities,
            self.corpus_events,
            self.documents,
            self.facts,
            self.generated_in,
            self.loaded_in
        )
    }
}

/// Facilities per batch: one transaction writes their six documents and ~75 facts each.
pub const DEFAULT_BLOCK: usize = 2_000;

/// Generates the corpus of `spec` and writes it, `block` facilities per transaction.
/// `progress` is called after each batch with (facilities written, total).
pub fn load(
    pool: &DbPool,
    archive: &Archive,
    spec: &Spec,
    block: usize,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<LoadReport, LoadError> {
    let mut conn = pool.get().map_err(StoreError::from)?;
    if bulk::has_documents_under(&mut conn, &format!("https://{HOST}/"))? {
        return Err(LoadError::AlreadyLoaded);
    }
    let started = Instant::now();
    let corpus = Corpus::from_spec(spec);
    let mut report = LoadReport {
        facilities: corpus.facilities.len(),
        corpus_events: corpus.events.len(),
        generated_in: started.elapsed(),
        ..LoadReport::default()
    };
    let started = Instant::now();
    // Fixed, so two loads of one spec are the same database (up to row IDs).
    let fetched_at = NaiveDate::from_ymd_opt(2026, 11, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .unwrap_or_default();
    let block = block.max(1);
    bulk::bulk_cache(&mut conn, true)?;
    let written = write_blocks(
        &corpus,
        archive,
        &mut conn,
        block,
        fetched_at,
        &mut report,
        progress,
    );
    bulk::bulk_cache(&mut conn, false)?;
    written?;
    report.loaded_in = started.elapsed();
    Ok(report)
}

fn write_blocks(
    corpus: &Corpus,
    archive: &Archive,
    conn: &mut DbConnection,
    block: usize,
    fetched_at: chrono::NaiveDateTime,
    report: &mut LoadReport,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<(), LoadError> {
    let total = corpus.facilities.len();
    for start in (0..total).step_by(block) {
        let docs = corpus.documents(start..start + block);
        let mut archived = Vec::with_capacity(docs.len());
        for d in &docs {
            let bytes = d.bytes();
            let (sha, _) = archive.put(&bytes)?;
            archived.push((sha, bytes.len() as u64));
        }
        let batch: Vec<BulkDocument<'_>> = docs
            .iter()
            .zip(&archived)
            .map(|(d, (sha, size))| BulkDocument {
                source: d.source,
                url: &d.url,
                sha256: sha,
                size: *size,
                fetched_at,
                facts: &d.facts,
            })
            .collect();
        report.facts += bulk::insert_new_documents(conn, &batch)?;
        report.documents += batch.len();
        progress((start + block).min(total), total);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_into_sqlite_and_refuses_twice() {
        let dir = tempfile::tempdir().unwrap();
        let pool = crate::store::connect(&dir.path().join("m.db").to_string_lossy(), 2).unwrap();
        let archive = Archive::open(dir.path().join("archive")).unwrap();
        let spec = Spec::new(3, 120, 4);
        let mut calls = Vec::new();
        let report = load(&pool, &archive, &spec, 50, &mut |done, total| {
            calls.push((done, total))
        })
        .unwrap();
        assert_eq!(calls, [(50, 120), (100, 120), (120, 120)]);
        assert_eq!(report.facilities, 120);
        let expected: usize = Corpus::from_spec(&spec)
            .all_documents(50)
            .iter()
            .map(|d| d.facts.len())
            .sum();
        assert_eq!(report.facts, expected);
        let mut conn = pool.get().unwrap();
        assert_eq!(
            crate::store::facts::count(&mut conn).unwrap(),
            expected as i64
        );
        assert!(matches!(
            load(&pool, &archive, &spec, 50, &mut |_, _| {}),
            Err(LoadError::AlreadyLoaded)
        ));
    }
}
