//! mieru's crawler: fetches public sources politely, decodes documents and turns each into
//! facts with provenance through one adapter per source. It knows nothing of storage.

pub mod adapter;
pub mod adapters;
pub mod crawl;
pub mod decode;
pub mod document;
pub mod extract_eval;
pub mod fetch;
pub mod fuzzing;
pub mod mirror;
pub mod provenance;
pub mod raw_body;
pub mod request;
pub mod sink;
pub mod sources_check;
