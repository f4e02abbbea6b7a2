//! One connection type over SQLite (bundled, the default) and PostgreSQL, chosen by the URL.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool, PooledConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use std::time::Duration;

use super::StoreError;

#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgresql(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

pub type DbPool = Pool<ConnectionManager<DbConnection>>;
pub type PooledConn = PooledConnection<ConnectionManager<DbConnection>>;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> Self {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Self::Postgres
        } else {
            Self::Sqlite
        }
    }
}

/// SQLite pragmas on every pooled connection: WAL so readers never block the crawler,
/// a busy timeout instead of immediate `SQLITE_BUSY`, and enforced foreign keys.
#[derive(Debug)]
struct SqlitePragmas;

impl CustomizeConnection<DbConnection, diesel::r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, conn: &mut DbConnection) -> Result<(), diesel::r2d2::Error> {
        if let DbConnection::Sqlite(c) = conn {
            c.batch_execute(
                // busy_timeout first: switching to WAL itself needs the lock.
                "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; \
                 PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;",
            )
            .map_err(diesel::r2d2::Error::QueryError)?;
        }
        Ok(())
    }
}

/// Opens a pool and applies pending migrations of the URL's backend.
pub fn connect(url: &str, max_size: u32) -> Result<DbPool, StoreError> {
    let backend = Backend::from_url(url);
    let sqlite_url = url.strip_prefix("sqlite://").unwrap_or(url);
    let url = match backend {
        Backend::Sqlite => sqlite_url,
        Backend::Postgres => url,
    };
    let manager = ConnectionManager::<DbConnection>::new(url);
    let mut builder = Pool::builder()
        .max_size(max_size)
        .connection_timeout(Duration::from_secs(15));
    if backend == Backend::Sqlite {
        // Open connections lazily: several opening at once on a new file race to enable WAL.
        builder = builder
            .min_idle(Some(1))
            .connection_customizer(Box::new(SqlitePragmas));
    }
    let pool = builder
        .build(manager)
        .map_err(|e| StoreError::Connect(e.to_string()))?;
    let mut conn = pool.get().map_err(|e| StoreError::Connect(e.to_string()))?;
    run_migrations(&mut conn)?;
    Ok(pool)
}

pub fn run_migrations(conn: &mut DbConnection) -> Result<(), StoreError> {
    let result = match conn {
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|_| ()),
        DbConnection::Postgresql(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS).map(|_| ()),
    };
    result.map_err(|e| StoreError::Migration(e.to_string()))
}

pub fn backend_of(conn: &DbConnection) -> Backend {
    match conn {
        DbConnection::Sqlite(_) => Backend::Sqlite,
        DbConnection::Postgresql(_) => Backend::Postgres,
    }
}
