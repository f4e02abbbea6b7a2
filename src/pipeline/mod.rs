//! The stages that turn fetched documents into what is served, in order:
//!
//! 1. [`ingest`]: a fetched document into the archive and its facts into the store;
//! 2. [`resolve`]: facts and curators' judgements in, clusters (entities with stable IDs) and
//!    links with evidence out;
//! 3. [`project`]: clusters in, read models and search documents out;
//! 4. [`index`]: the search index brought in step with the stored read models;
//! 5. [`refresh`]: the one orchestrator — takes the resolve lock and runs 2–4, storing what
//!    they produce. Every caller (CLI, curation, admin ingest, evaluation) goes through it;
//! 6. [`jobs`] and [`job_worker`]: the refreshes a curation change or an admin ingest queues,
//!    run in the background by one worker per database.
//!
//! May depend on: `store`, `archive`, `search`, `ops::locks`, `ops::periodic`, and the leaf crates.
//! Must not depend on: `serve`, `curation`'s registry, `app`, or anything that serves HTTP.

pub mod index;
pub mod ingest;
pub mod job_worker;
pub mod jobs;
pub mod project;
pub mod refresh;
pub mod resolve;
