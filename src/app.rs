//! The application's operations, shared by the CLI and the tests: open a data directory,
//! crawl, ingest a file, resolve, index, serve. Each step is the real pipeline stage.

use crate::archive::{Archive, ArchiveError};
use crate::ops::locks::{Heartbeat, HeldLock};
use crate::pipeline::ingest::{IngestStats, StoreSink};
use crate::pipeline::refresh::ResolveReport;
use crate::search::{SearchError, SearchIndex};
use crate::serve::registry::DbRegistry;
use crate::store::{self, crawl_state, DbPool, StoreError};
use mieru_crawler::adapter::Adapter;
use mieru_crawler::crawl::{CrawlOptions, CrawlReport};
use mieru_crawler::fetch::Fetcher;
use mieru_crawler::mirror::MirrorMap;
use mieru_crawler::sink::Sink;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A crawler lock whose heartbeat stopped this long ago is stale (its holder died elsewhere).
const CRAWLER_STALE_MINUTES: i64 = 3;
const CRAWLER_HEARTBEAT: std::time::Duration = std::time::Duration::from_secs(30);

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Archive(#[from] ArchiveError),
    #[error("search index: {0}")]
    Search(#[from] SearchError),
    #[error("unknown source {0:?}; known sources: mhlw-press, kouseikyoku, e-saisei, jrct, houjin-bangou")]
    UnknownSource(String),
    #[error("crawler setup: {0}")]
    Crawler(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Export(#[from] crate::ops::export::ExportError),
    #[error(transparent)]
    Index(#[from] crate::pipeline::index::IndexError),
    #[error(transparent)]
    Refresh(#[from] crate::pipeline::refresh::RefreshError),
}

/// A data directory: `mieru.db` (unless a database URL is given), `archive/`, `index/`.
pub struct Mieru {
    pub data_dir: PathBuf,
    pub pool: DbPool,
    pub archive: Archive,
}

impl Mieru {
    pub fn open(data_dir: &Path, database_url: Option<&str>) -> Result<Self, AppError> {
        Self::open_with_archive(data_dir, database_url, None)
    }

    /// [`Mieru::open`] with the archive elsewhere than `DATA_DIR/archive` (shared by servers).
    pub fn open_with_archive(
        data_dir: &Path,
        database_url: Option<&str>,
        archive_dir: Option<&Path>,
    ) -> Result<Self, AppError> {
        std::fs::create_dir_all(data_dir)?;
        let url = match database_url {
            Some(u) => u.to_owned(),
            None => data_dir.join("mieru.db").to_string_lossy().into_owned(),
        };
        let pool = store::connect(&url, 8)?;
        let archive = Archive::open(
            archive_dir
                .map(Path::to_path_buf)
                .unwrap_or_else(|| data_dir.join("archive")),
        )?;
        Ok(Self {
            data_dir: data_dir.to_owned(),
            pool,
            archive,
        })
    }

    pub fn index_dir(&self) -> PathBuf {
        self.data_dir.join("index")
    }

    pub fn open_index(&self) -> Result<SearchIndex, AppError> {
        Ok(SearchIndex::open_or_create(&self.index_dir())?)
    }

    pub fn adapters(names: &[String]) -> Result<Vec<Box<dyn Adapter>>, AppError> {
        if names.is_empty() {
            return Ok(mieru_crawler::adapters::all());
        }
        names
            .iter()
            .map(|n| {
                mieru_crawler::adapters::by_name(n)
                    .ok_or_else(|| AppError::UnknownSource(n.clone()))
            })
            .collect()
    }

    /// Crawls the given sources (all when empty) under the database crawler lock.
    pub async fn crawl(
        &self,
        sources: &[String],
        mirrors: &[String],
        options: &CrawlOptions,
    ) -> Result<(CrawlReport, IngestStats), AppError> {
        let adapters = Self::adapters(sources)?;
        let refs: Vec<&dyn Adapter> = adapters.iter().map(|a| a.as_ref()).collect();
        let mirror_map = MirrorMap::parse(mirrors).map_err(|e| AppError::Crawler(e.to_string()))?;
        let mut config = options.fetch_config();
        config.spool_dir = Some(self.archive.spool_dir());
        let fetcher = Fetcher::for_adapters(config, &refs, mirror_map)
            .map_err(|e| AppError::Crawler(e.to_string()))?;
        let lock = {
            let mut conn = self.pool.get().map_err(StoreError::from)?;
            // No waiting: a second crawler is refused at once and names the holder.
            HeldLock::acquire(
                &mut conn,
                crawl_state::CRAWLER_LOCK,
                std::time::Duration::ZERO,
                chrono::Duration::minutes(CRAWLER_STALE_MINUTES),
            )?
        };
        let heartbeat = Heartbeat::start(self.pool.clone(), &lock, CRAWLER_HEARTBEAT);
        let mut sink = StoreSink::new(self.pool.clone(), self.archive.clone());
        let started = chrono::Utc::now();
        for a in &refs {
            sink.crawl_started(a.name(), started)
                .map_err(|e| AppError::Crawler(e.to_string()))?;
        }
        let report =
            mieru_crawler::crawl::crawl(&refs, &fetcher, &mut sink as &mut dyn Sink, options).await;
        heartbeat.stop();
        let mut conn = self.pool.get().map_err(StoreError::from)?;
        lock.release(&mut conn)?;
        Ok((report, sink.stats))
    }

    /// Ingests files a user has, with the named source's parser.
    pub fn ingest_files(&self, source: &str, files: &[PathBuf]) -> Result<IngestStats, AppError> {
        let adapter = mieru_crawler::adapters::by_name(source)
            .ok_or_else(|| AppError::UnknownSource(source.to_owned()))?;
        let mut sink = StoreSink::new(self.pool.clone(), self.archive.clone());
        for path in files {
            let bytes = std::fs::read(path)?;
            let name = path.to_string_lossy();
            crate::serve::admin_ingest::record_bytes(
                &mut sink,
                adapter.as_ref(),
                &name,
                None,
                &bytes,
            )
            .map_err(|e| AppError::Crawler(e.to_string()))?;
        }
        Ok(sink.stats)
    }

    /// Resolves entities and projects the read models; then brings the index in step.
    pub fn resolve_and_index(&self, index: &SearchIndex) -> Result<ResolveReport, AppError> {
        let mut conn = self.pool.get().map_err(StoreError::from)?;
        Ok(crate::pipeline::refresh::run_and_index(&mut conn, index)?)
    }

    /// Rebuilds the index from the stored read models.
    pub fn rebuild_index(&self, index: &SearchIndex) -> Result<u64, AppError> {
        Ok(crate::pipeline::index::rebuild(&self.pool, index)?.documents)
    }

    pub fn registry(&self, index: Arc<SearchIndex>) -> DbRegistry {
        DbRegistry::new(self.pool.clone(), self.archive.clone(), index)
    }
}
