//! Keeps a server's search index in step with the database, so several `mieru serve`
//! processes on one PostgreSQL, each with its own index directory, answer the same.
//!
//! Every resolve (or import) writes a `data_versions` row; an index records, in the payload of
//! its tantivy commit, the version its documents were built from. A follower polls the latest
//! version (one indexed primary-key read) and, when it moved, rebuilds the index from the read
//! models. The rebuild is one tantivy commit and the reader reloads after it, so searches see
//! the old documents until the new ones are complete: no downtime and no swap needed.

use crate::ops::periodic::Periodic;
use crate::pipeline::project::search_docs::StoredDocs;
use crate::search::{SearchError, SearchIndex};
use crate::store::{read_models, DbConnection, DbPool, StoreError};
use std::sync::Arc;
use std::time::Duration;

/// Default polling interval of `mieru serve`.
pub const DEFAULT_POLL: Duration = Duration::from_secs(1);

/// Why the index could not be brought in step (the old index keeps serving).
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Search(#[from] SearchError),
}

/// Longest pause between polls while the database keeps failing.
const MAX_BACKOFF: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rebuilt {
    /// The data version the index now records.
    pub version: Option<i64>,
    pub documents: u64,
}

/// Rebuilds the index from the stored read models and records their data version.
pub fn rebuild(pool: &DbPool, index: &SearchIndex) -> Result<Rebuilt, IndexError> {
    let mut conn = pool.get().map_err(StoreError::from)?;
    let version = read_models::latest_version(&mut conn)?.map(|(id, _)| id);
    let documents = rebuild_from(&mut conn, index, version)?;
    Ok(Rebuilt { version, documents })
}

/// Rebuilds the index from the stored read models, a page at a time, recording `version`.
/// A failed read rolls the rebuild back and is returned as the store's error.
pub fn rebuild_from(
    conn: &mut DbConnection,
    index: &SearchIndex,
    version: Option<i64>,
) -> Result<u64, IndexError> {
    let mut failed: Option<StoreError> = None;
    let docs = StoredDocs::new(conn).map_while(|doc| match doc {
        Ok(doc) => Some(Ok(doc)),
        Err(e) => {
            failed = Some(e);
            Some(Err(SearchError::Index(
                "reading the read models failed".into(),
            )))
        }
    });
    let result = index.rebuild_fallible(docs, version);
    match (failed, result) {
        (Some(e), _) => Err(IndexError::Store(e)),
        (None, result) => Ok(result?),
    }
}

/// Rebuilds the index when it is behind the database (or records no version while it holds
/// documents); `None` when it was already in step.
pub fn catch_up(pool: &DbPool, index: &SearchIndex) -> Result<Option<Rebuilt>, IndexError> {
    let latest = {
        let mut conn = pool.get().map_err(StoreError::from)?;
        read_models::latest_version(&mut conn)?.map(|(id, _)| id)
    };
    let current = index.data_version()?;
    let in_step = match latest {
        Some(_) => latest == current,
        // Nothing resolved yet: in step when the index is empty too.
        None => index.doc_count() == 0,
    };
    if in_step {
        return Ok(None);
    }
    rebuild(pool, index).map(Some)
}

/// A background thread that calls [`catch_up`] every `every`. Errors (the database away for a
/// while) are logged and the old index keeps serving; polls back off while they last.
pub struct IndexFollower(Periodic);

impl IndexFollower {
    pub fn start(pool: DbPool, index: Arc<SearchIndex>, every: Duration) -> Self {
        let mut pause = every;
        Self(Periodic::start(every, move || {
            match catch_up(&pool, &index) {
                Ok(Some(r)) => {
                    tracing::info!(
                        version = ?r.version,
                        documents = r.documents,
                        "search index caught up with the database"
                    );
                    pause = every;
                }
                Ok(None) => pause = every,
                Err(e) => {
                    tracing::warn!(error = %e, "search index follower: cannot catch up; serving the previous index");
                    pause = (pause * 2).min(MAX_BACKOFF.max(every));
                }
            }
            pause
        }))
    }

    /// Stops polling and waits for a rebuild in progress to finish.
    pub fn stop(self) {
        self.0.stop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::IndexDoc;
    use crate::store::read_models::{replace_all, Projection};

    fn new_version(pool: &DbPool) {
        let empty = Projection {
            views: Vec::new(),
            actions: Vec::new(),
            plans: Vec::new(),
            events: Vec::new(),
            activity: Default::default(),
            last_change: Default::default(),
        };
        let mut conn = pool.get().unwrap();
        replace_all(&mut conn, &empty, "test", 0, crate::store::now()).unwrap();
    }

    fn stray_doc() -> IndexDoc {
        IndexDoc {
            id: "F999999".into(),
            entity: "facility".into(),
            name: "どこにもない診療所".into(),
            ..Default::default()
        }
    }

    #[test]
    fn catch_up_rebuilds_only_when_the_database_moved() {
        let dir = tempfile::tempdir().unwrap();
        let pool = crate::store::connect(&dir.path().join("t.db").to_string_lossy(), 2).unwrap();
        let index = SearchIndex::in_memory().unwrap();

        // Nothing resolved and an empty index: in step.
        assert_eq!(catch_up(&pool, &index).unwrap(), None);
        // Nothing resolved but documents in the index (e.g. another database's): emptied.
        index.upsert([stray_doc()]).unwrap();
        let rebuilt = catch_up(&pool, &index).unwrap().unwrap();
        assert_eq!((rebuilt.version, rebuilt.documents), (None, 0));
        assert_eq!(index.doc_count(), 0);

        new_version(&pool);
        let rebuilt = catch_up(&pool, &index).unwrap().unwrap();
        let v1 = rebuilt.version.unwrap();
        assert_eq!(index.data_version().unwrap(), Some(v1));
        assert_eq!(catch_up(&pool, &index).unwrap(), None, "in step");

        new_version(&pool);
        let v2 = catch_up(&pool, &index).unwrap().unwrap().version.unwrap();
        assert!(v2 > v1);

        // An upsert records no version: the next check rebuilds from the database.
        index.upsert([stray_doc()]).unwrap();
        assert_eq!(index.data_version().unwrap(), None);
        assert!(catch_up(&pool, &index).unwrap().is_some());
        assert_eq!(index.doc_count(), 0, "the stray document is gone");
        assert_eq!(index.data_version().unwrap(), Some(v2));
    }

    #[test]
    fn the_version_survives_reopening_the_index() {
        let dir = tempfile::tempdir().unwrap();
        let pool = crate::store::connect(&dir.path().join("t.db").to_string_lossy(), 2).unwrap();
        new_version(&pool);
        let index_dir = dir.path().join("index");
        let version = {
            let index = SearchIndex::open_or_create(&index_dir).unwrap();
            catch_up(&pool, &index).unwrap().unwrap().version
        };
        let reopened = SearchIndex::open_or_create(&index_dir).unwrap();
        assert_eq!(reopened.data_version().unwrap(), version);
        assert_eq!(catch_up(&pool, &reopened).unwrap(), None);
    }

    #[test]
    fn the_follower_picks_up_a_new_version() {
        let dir = tempfile::tempdir().unwrap();
        let pool = crate::store::connect(&dir.path().join("t.db").to_string_lossy(), 2).unwrap();
        let index = Arc::new(SearchIndex::in_memory().unwrap());
        let follower = IndexFollower::start(pool.clone(), index.clone(), Duration::from_millis(20));
        new_version(&pool);
        let latest = {
            let mut conn = pool.get().unwrap();
            read_models::latest_version(&mut conn)
                .unwrap()
                .map(|(id, _)| id)
        };
        let started = std::time::Instant::now();
        while index.data_version().unwrap() != latest {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "never caught up"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        follower.stop();
    }
}
