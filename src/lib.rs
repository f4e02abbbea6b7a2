//! mieru: a public registry of regulatory actions under Japan's Act on the Safety of
//! Regenerative Medicine, and of the facilities and corporations behind them.
//!
//! Flow: crawl (the `mieru-crawler` crate) → [`archive`] + [`ingest`] into the [`store`] →
//! [`resolve`] entities, links and read models → [`search`] index → served by `mieru-web`
//! through [`registry`].

pub mod app;
pub mod archive;
pub mod export;
pub mod history;
pub mod import;
pub mod ingest;
pub mod project;
pub mod registry;
pub mod replica;
pub mod resolve;
pub mod search;
pub mod store;
pub mod synth;
