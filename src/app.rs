//! The application's operations, shared by the CLI and the tests: open a data directory,
//! crawl, ingest a file, resolve, index, serve. Each step is the real pipeline stage.

use crate::archive::{Archive, ArchiveError};
use crate::ops::locks::{Heartbeat, HeldLock};
use crate::pipeline::ingest::{IngestStats, StoreSink};
use crate::pipeline::job_worker::JobWorker;
use crate::pipeline::refresh::ResolveReport;
use crate::search::{SearchError, SearchIndex};
use crate::serve::registry::DbRegistry;
use crate::store::{self, crawl_state, DbPool, StoreError};
use mieru_crawler::adapter::Adapter;
use mieru_crawler::adapters::SourceOptions;
use mieru_crawler::crawl::{CrawlOptions, CrawlReport};
use mieru_crawler::fetch::Fetcher;
use mieru_crawler::mirror::MirrorMap;
use mieru_crawler::provenance::Property;
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

/// What a user chose for the sources that need a choice (`mieru crawl` flags).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceChoices {
    /// Prefectures (JIS codes) whose monthly full corporate files are fetched.
    pub houjin_full: Vec<u8>,
    /// The corporate-number Web-API application ID (`MIERU_HOUJIN_APP_ID`).
    pub houjin_app_id: Option<String>,
    /// Enable jRCT (off by default: its terms ask automated crawlers to refrain).
    pub jrct: bool,
    /// jRCT IDs to ask about besides those other sources named.
    pub jrct_ids: Vec<String>,
    /// Pause between two jRCT requests; jRCT's own default (10 s) when `None`.
    pub jrct_interval: Option<std::time::Duration>,
}

/// A data directory: `mieru.db` (unless a database URL is given), `archive/`, `index/`,
/// `exports/`.
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

    /// Where the server writes its export files, one directory per data version.
    pub fn exports_dir(&self) -> PathBuf {
        self.data_dir.join("exports")
    }

    pub fn open_index(&self) -> Result<SearchIndex, AppError> {
        Ok(SearchIndex::open_or_create(&self.index_dir())?)
    }

    pub fn adapters(names: &[String]) -> Result<Vec<Box<dyn Adapter>>, AppError> {
        Self::adapters_with(names, &SourceOptions::default())
    }

    /// The named adapters (all when empty), built with `options`.
    pub fn adapters_with(
        names: &[String],
        options: &SourceOptions,
    ) -> Result<Vec<Box<dyn Adapter>>, AppError> {
        let mut all = mieru_crawler::adapters::configured(options);
        if names.is_empty() {
            return Ok(all);
        }
        if let Some(unknown) = names.iter().find(|n| !all.iter().any(|a| a.name() == *n)) {
            return Err(AppError::UnknownSource(unknown.clone()));
        }
        all.retain(|a| names.iter().any(|n| n == a.name()));
        Ok(all)
    }

    /// The options of the sources that need a choice: the user's choices, and what mieru
    /// already holds (jRCT is asked only about the IDs other sources named; the corporate
    /// Web-API only about the numbers mieru links).
    pub fn source_options(&self, choices: &SourceChoices) -> Result<SourceOptions, AppError> {
        let mut conn = self.pool.get().map_err(StoreError::from)?;
        let mut options = SourceOptions::default();
        options.houjin.full_prefectures = choices.houjin_full.clone();
        options.houjin.app_id = choices.houjin_app_id.clone();
        if options.houjin.app_id.is_some() {
            options.houjin.numbers =
                store::facts::distinct_values(&mut conn, Property::CorporateNumber.as_str())?;
        }
        options.jrct.enabled = choices.jrct;
        if choices.jrct {
            options.jrct.ids =
                store::facts::distinct_values(&mut conn, Property::PlanNumber.as_str())?
                    .into_iter()
                    .filter(|n| n.starts_with("jRCT"))
                    .collect();
        }
        Ok(options)
    }

    /// Crawls the given sources (all when empty) under the database crawler lock, with the
    /// default choices (jRCT off, no full corporate files).
    pub async fn crawl(
        &self,
        sources: &[String],
        mirrors: &[String],
        options: &CrawlOptions,
    ) -> Result<(CrawlReport, IngestStats), AppError> {
        self.crawl_with(sources, mirrors, options, &SourceChoices::default())
            .await
    }

    /// [`Mieru::crawl`] with the user's source choices.
    pub async fn crawl_with(
        &self,
        sources: &[String],
        mirrors: &[String],
        options: &CrawlOptions,
        choices: &SourceChoices,
    ) -> Result<(CrawlReport, IngestStats), AppError> {
        let adapters = Self::adapters_with(sources, &self.source_options(choices)?)?;
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
        // jRCT is asked only about the IDs other sources named: it runs after them, built
        // with the IDs they have just stored.
        let (later, first): (Vec<&dyn Adapter>, Vec<&dyn Adapter>) = refs
            .iter()
            .partition(|a| a.name() == mieru_crawler::adapters::jrct::NAME);
        let mut report =
            mieru_crawler::crawl::crawl(&first, &fetcher, &mut sink as &mut dyn Sink, options)
                .await;
        if !later.is_empty() {
            let rebuilt = Self::adapters_with(
                &[mieru_crawler::adapters::jrct::NAME.to_owned()],
                &self.source_options(choices)?,
            )?;
            let refs: Vec<&dyn Adapter> = rebuilt.iter().map(|a| a.as_ref()).collect();
            let second =
                mieru_crawler::crawl::crawl(&refs, &fetcher, &mut sink as &mut dyn Sink, options)
                    .await;
            report.per_source.extend(second.per_source);
        }
        heartbeat.stop();
        let mut conn = self.pool.get().map_err(StoreError::from)?;
        lock.release(&mut conn)?;
        Ok((report, sink.stats))
    }

    /// Fetches each source's entry pages and checks their structure (`mieru sources check`).
    pub async fn check_sources(
        &self,
        sources: &[String],
        mirrors: &[String],
        options: &CrawlOptions,
        choices: &SourceChoices,
    ) -> Result<Vec<mieru_crawler::sources_check::SourceCheck>, AppError> {
        let adapters = Self::adapters_with(sources, &self.source_options(choices)?)?;
        let refs: Vec<&dyn Adapter> = adapters.iter().map(|a| a.as_ref()).collect();
        let mirror_map = MirrorMap::parse(mirrors).map_err(|e| AppError::Crawler(e.to_string()))?;
        let fetcher = Fetcher::for_adapters(options.fetch_config(), &refs, mirror_map)
            .map_err(|e| AppError::Crawler(e.to_string()))?;
        Ok(
            mieru_crawler::sources_check::check_sources(&refs, &fetcher, &options.start_context())
                .await,
        )
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
        DbRegistry::new(
            self.pool.clone(),
            self.archive.clone(),
            index,
            self.exports_dir(),
        )
    }

    /// Starts the worker that runs the jobs `registry`'s writes queue, and every other job
    /// waiting in the database, re-indexing `index`. A server runs one beside its registry.
    pub fn start_job_worker(&self, registry: &DbRegistry, index: Arc<SearchIndex>) -> JobWorker {
        JobWorker::start(
            self.pool.clone(),
            index,
            registry.job_bell(),
            crate::pipeline::job_worker::DEFAULT_POLL,
        )
    }
}
