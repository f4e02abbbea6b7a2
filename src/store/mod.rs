//! The database: the source of truth. Schema, connections and the queries of each table
//! group live in their own modules; nothing outside `store` writes SQL.
//!
//! May depend on: nothing of this package (diesel and the leaf crates only).
//! Must not depend on: any other folder of `src/`; every other layer depends on it.

pub mod bulk;
pub mod connection;
pub mod crawl_state;
pub mod curation;
pub mod documents;
pub mod entities;
pub mod export_reads;
pub mod facts;
pub mod integrity;
pub mod jobs;
pub mod models;
pub mod read_models;
pub mod schema;

pub use connection::{connect, Backend, DbConnection, DbPool, PooledConn};

use chrono::{NaiveDateTime, Utc};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot connect to the database: {0}")]
    Connect(String),
    #[error("database migration failed: {0}")]
    Migration(String),
    #[error("database error: {0}")]
    Query(#[from] diesel::result::Error),
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    #[error("{0}")]
    Locked(String),
}

impl From<diesel::r2d2::PoolError> for StoreError {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        Self::Connect(e.to_string())
    }
}

/// The current time as stored: UTC, microsecond precision on both backends.
pub fn now() -> NaiveDateTime {
    let t = Utc::now().naive_utc();
    // PostgreSQL keeps microseconds and SQLite keeps what it is given: truncate so a value
    // read back compares equal on both.
    t.with_nanosecond_trunc()
}

trait TruncateNanos {
    fn with_nanosecond_trunc(self) -> Self;
}

impl TruncateNanos for NaiveDateTime {
    fn with_nanosecond_trunc(self) -> Self {
        use chrono::Timelike;
        let micros = self.nanosecond() / 1_000 * 1_000;
        self.with_nanosecond(micros).unwrap_or(self)
    }
}
