//! mieru: a public registry of regulatory actions under Japan's Act on the Safety of
//! Regenerative Medicine, and of the facilities and corporations behind them.
//!
//! Flow: crawl (the `mieru-crawler` crate) → [`archive`] + [`ingest`] into the [`store`] →
//! [`resolve`] entities, links and read models → [`search`] index → served by `mieru-web`
//! through [`registry`].

pub mod admin_ingest;
pub mod app;
pub mod archive;
pub mod check;
pub mod curation;
pub mod db_lock;
pub mod export;
pub mod fuzzing;
pub mod health_cache;
pub mod history;
pub mod import;
pub mod index_follower;
pub mod ingest;
pub mod project;
pub mod registry;
pub mod replica;
pub mod resolve;
pub mod search;
pub mod sources;
pub mod store;
pub mod synth;
pub mod watch;
