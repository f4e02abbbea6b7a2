//! The domain side of what `mieru-web` serves: the record at a point in time, watch feeds,
//! source health, the cached health counts, the export files on disk, and ingesting a
//! document through the admin API.
//! [`registry`] implements the web crate's traits over these.
//!
//! May depend on: `pipeline`, `store`, `archive`, `search`, `ops` (export files) and
//! `mieru-web`'s model types.
//! Must not depend on: `app`.

pub mod admin_ingest;
pub mod export_files;
pub mod health_cache;
pub mod history;
pub mod history_cache;
pub mod neighbourhood;
pub mod registry;
pub mod source_catalogue;
pub mod sources;
pub mod watch;
