//! Test support: fresh databases on every backend, a data directory, and the replica.
#![allow(dead_code)]

use diesel::connection::SimpleConnection;
use diesel::Connection;
use mieru::store::{self, DbPool};

/// A fresh, empty database: a SQLite file in a temp dir, or a new PostgreSQL database
/// created on the server named by `MIERU_TEST_DATABASE_URL` (dropped when done).
pub struct TestDb {
    pub url: String,
    pub backend: &'static str,
    _dir: Option<tempfile::TempDir>,
    pg_admin: Option<(String, String)>,
}

impl TestDb {
    pub fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = dir.path().join("test.db").to_string_lossy().into_owned();
        Self {
            url,
            backend: "sqlite",
            _dir: Some(dir),
            pg_admin: None,
        }
    }

    pub fn postgres() -> Option<Self> {
        let base = std::env::var("MIERU_TEST_DATABASE_URL").ok()?;
        let name = format!("mieru_t_{}_{}", std::process::id(), rand::random::<u32>());
        let mut admin =
            diesel::PgConnection::establish(&base).expect("connect to MIERU_TEST_DATABASE_URL");
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("create test database");
        let url = match base.rsplit_once('/') {
            Some((prefix, _)) => format!("{prefix}/{name}"),
            None => panic!("MIERU_TEST_DATABASE_URL needs a database path"),
        };
        Some(Self {
            url,
            backend: "postgres",
            _dir: None,
            pg_admin: Some((base, name)),
        })
    }

    /// SQLite always; PostgreSQL too when `MIERU_TEST_DATABASE_URL` is set.
    pub fn all() -> Vec<Self> {
        let mut v = vec![Self::sqlite()];
        v.extend(Self::postgres());
        v
    }

    pub fn pool(&self) -> DbPool {
        store::connect(&self.url, 4).expect("connect and migrate")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((base, name)) = &self.pg_admin {
            if let Ok(mut admin) = diesel::PgConnection::establish(base) {
                let _ =
                    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}
