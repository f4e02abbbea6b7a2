//! mieru: a public registry of regulatory actions under Japan's Act on the Safety of
//! Regenerative Medicine, and of the facilities and corporations behind them.
//!
//! The folders are the architecture (see the README's diagram):
//! - [`archive`] and [`store`]: what was fetched (content-addressed) and what it states
//!   (facts with provenance, entities, read models) — the source of truth;
//! - [`pipeline`]: the stages in order — ingest → resolve → project → index — and
//!   [`pipeline::refresh`], the one orchestrator;
//! - [`search`]: the derived full-text index, rebuildable from the store;
//! - [`curation`]: what people decide (judgements, corrections) and the audit trail;
//! - [`serve`]: the domain API that `mieru-web` serves (pages, feeds, history, sources);
//! - [`ops`]: operating the registry (checks, locks, export/import, synthetic data,
//!   evaluation, the demo replica, fuzz entry points);
//! - [`app`]: the top layer that wires them for the CLI (`main.rs`) and the tests.

pub mod app;
pub mod archive;
pub mod curation;
pub mod ops;
pub mod pipeline;
pub mod search;
pub mod serve;
pub mod store;
